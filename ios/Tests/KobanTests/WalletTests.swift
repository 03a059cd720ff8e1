import Foundation
import XCTest
import Koban
import KobanTestSupport

/// The wallet through the bindings, as an app drives it, against the sandbox host that
/// scripts/test-swift.sh runs on loopback. Every test makes its own wallets with unique
/// handles: one host serves the whole run.
final class WalletTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
    }

    override func tearDown() {
        dir = nil
    }

    /// Awaits `body` and returns the WalletError it threw, failing the test if it threw nothing else.
    private func walletError<T>(_ body: () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async -> WalletError? {
        do {
            let value = try await body()
            XCTFail("expected a WalletError, got \(value)", file: file, line: line)
        } catch let e as WalletError {
            return e
        } catch {
            XCTFail("expected a WalletError, got \(error)", file: file, line: line)
        }
        return nil
    }

    func testOpenEnrolLinkABankAndTopUp() async throws {
        let keys = TestKeyStore(secret: 0x5a)
        let handle = Sandbox.handle("aiko")
        let wallet = try await Wallet.open(dbPath: dir.db("aiko"), keyStore: keys, config: try Sandbox.config())
        XCTAssertGreaterThanOrEqual(keys.calls, 1, "the app's key store wrapped the data key")
        let none = try await wallet.profile()
        XCTAssertNil(none)
        let notYet = await walletError { try await wallet.balance() }
        XCTAssertEqual(notYet?.kind, "not_enrolled")
        XCTAssertEqual(notYet?.message, "this device is not enrolled yet")

        let profile = try await wallet.enrol(enrolment: Enrolment(country: "JP", handle: handle, displayName: "Aiko"))
        XCTAssertEqual(profile.handle, handle)
        XCTAssertEqual(profile.currency, .jpy)
        XCTAssertEqual(profile.tier, .unverified)
        XCTAssertLessThan(abs(profile.enrolledAt.timeIntervalSinceNow), 300, "enrolled just now, by the host's clock: \(profile.enrolledAt)")
        let stored = try await wallet.profile()
        XCTAssertEqual(stored, profile)
        let banks = try await wallet.banks()
        XCTAssertTrue(banks.contains { $0.id == "bank_sakura" && $0.currency == .jpy }, "\(banks)")

        let link = try await wallet.linkBank(account: BankAccount(
            bankId: "bank_sakura", accountNumber: "1234567", holderName: "TANAKA AIKO", sandboxOpeningBalance: jpy(300_000)))
        XCTAssertEqual(link.last4, "4567")
        XCTAssertLessThan(abs(link.createdAt.timeIntervalSinceNow), 300, "\(link.createdAt)")
        let links = try await wallet.bankLinks()
        XCTAssertEqual(links.map(\.id), [link.id])
        let topUp = try await wallet.topUp(bankLinkId: link.id, amount: jpy(50_000))
        XCTAssertEqual(topUp.kind, .topUp)
        XCTAssertEqual(topUp.direction, .in)
        XCTAssertEqual(topUp.amount, jpy(50_000))

        let balance = try await wallet.balance()
        XCTAssertEqual(balance.available, jpy(50_000))
        XCTAssertEqual(balance.tier, .unverified)
        XCTAssertFalse(balance.canRemit)
        let cached = try await wallet.cachedBalance()
        XCTAssertEqual(cached?.available, jpy(50_000))
        let history = try await wallet.history(limit: 10, cursor: nil).items
        XCTAssertEqual(history.map(\.kind), [.topUp])
        XCTAssertFalse(history.contains { String(describing: $0).contains("1234567") }, "no account number in history")
    }

    func testPayingAHomeMerchantAndAForeignOne() async throws {
        let aiko = try await enrolledWallet("payer", in: dir)
        try await fund(aiko.wallet, topUp: 20_000)

        // At home: the amount typed by the payer, no FX, the debit is the amount.
        let ramen = try await Sandbox.merchant("m_jp_ramen")
        let quote = try await aiko.wallet.quotePayment(request: PaymentRequest(
            payload: ramen.staticPayload, route: nil, amount: jpy(1_200), tip: nil, references: []))
        XCTAssertEqual(quote.route(), "jpqr")
        XCTAssertEqual(quote.merchantName(), "KOBAN RAMEN")
        XCTAssertNil(quote.fx())
        XCTAssertEqual(quote.debit(), jpy(1_200))
        let paid = try await aiko.wallet.confirmPayment(quote: quote)
        XCTAssertEqual(paid.kind, .payment)
        XCTAssertEqual(paid.direction, .out)
        XCTAssertEqual(paid.amount, jpy(1_200))

        // Abroad: ฿120.00 at a PromptPay stall; the quote shows what leaves the wallet in yen.
        let stall = try await Sandbox.merchant("m_th_somtam")
        XCTAssertEqual(stall.currency, .thb)
        let thb = Money(minor: 12_000, currency: .thb)
        let foreign = try await aiko.wallet.quotePayment(request: PaymentRequest(
            payload: stall.staticPayload, route: nil, amount: thb, tip: nil, references: []))
        XCTAssertEqual(foreign.merchantCountry(), "TH")
        XCTAssertEqual(foreign.amount(), thb)
        XCTAssertEqual(foreign.total(), thb)
        let fx = try XCTUnwrap(foreign.fx(), "a foreign merchant comes with an FX quote")
        XCTAssertEqual(fx.purpose(), .merchantPayment)
        XCTAssertGreaterThan(fx.expiresAt(), Date(timeIntervalSinceNow: -60), "a quote good for a while yet")
        XCTAssertEqual(fx.receive(), thb)
        XCTAssertEqual(fx.send().currency, .jpy)
        XCTAssertEqual(fx.fee().currency, .jpy)
        XCTAssertGreaterThan(fx.fee().minor, 0)
        XCTAssertEqual(fx.total(), Money(minor: fx.send().minor + fx.fee().minor, currency: .jpy))
        XCTAssertEqual(foreign.debit(), fx.total(), "the debit is in the home currency, fee included")
        XCTAssertEqual(foreign.fee(), fx.fee())
        XCTAssertFalse(fx.rate().isEmpty)
        XCTAssertGreaterThan(fx.marginBps(), 0)
        // About ¥530 for ฿120 at the sandbox's seeded rate: a sanity bound, not the rate itself.
        XCTAssertTrue((300...1_000).contains(fx.send().minor), "¥\(fx.send().minor) for ฿120.00")

        let abroad = try await aiko.wallet.confirmPayment(quote: foreign)
        XCTAssertEqual(abroad.amount, foreign.debit(), "history keeps the home-currency debit")
        let left = try await aiko.wallet.balance().available
        XCTAssertEqual(left, jpy(20_000 - 1_200 - foreign.debit().minor))
    }

    func testSendingToAWalletThatListens() async throws {
        let aiko = try await enrolledWallet("sender", in: dir)
        try await fund(aiko.wallet, topUp: 10_000)
        let ben = try await enrolledWallet("listener", in: dir)
        let inbox = Inbox()
        let listening = ben.wallet.listen(listener: inbox, waitSecs: 5)
        XCTAssertTrue(listening.isRunning())

        let sent = try await aiko.wallet.send(to: .handle(handle: "@" + ben.handle), amount: jpy(5_000), message: "ramen")
        XCTAssertEqual(sent.kind, .transfer)
        XCTAssertEqual(sent.counterparty, "@" + ben.handle)
        let first = await inbox.waitFor(1)
        let got = try XCTUnwrap(first?.first, "the listener heard of the transfer")
        XCTAssertEqual(got.id, sent.id)
        XCTAssertEqual(got.direction, .in)
        XCTAssertEqual(got.amount, jpy(5_000))
        XCTAssertEqual(got.counterparty, "@" + aiko.handle)

        // By receive code this time.
        let code = try await ben.wallet.receiveCode()
        _ = try await aiko.wallet.send(to: .receiveCode(payload: code), amount: jpy(700), message: nil)
        let both = await inbox.waitFor(2)
        XCTAssertEqual(both?.last?.amount, jpy(700))

        listening.cancel()
        let stopped = await eventually(timeout: 5) { !listening.isRunning() }
        XCTAssertTrue(stopped, "a cancelled listen loop stops")
        let recipients = try await aiko.wallet.recipients()
        XCTAssertEqual(recipients.first?.handle, ben.handle)
        XCTAssertLessThan(abs(try XCTUnwrap(recipients.first).lastUsedAt.timeIntervalSinceNow), 300)
        let bens = try await ben.wallet.balance().available
        XCTAssertEqual(bens, jpy(5_700))
    }

    func testATillChargeAboveTheLimitWaitsForTheShoppersAnswer() async throws {
        let w = try await enrolledWallet("shopper", in: dir)
        try await fund(w.wallet, topUp: 30_000)
        let limit = try await w.wallet.balance().noConfirmLimit
        XCTAssertEqual(limit, jpy(10_000), "the host's default")
        _ = try await w.wallet.replenishCodes()
        let inbox = Inbox()
        let listening = w.wallet.listen(listener: inbox, waitSecs: 5)

        // ¥12,000 is above the limit: the till waits and the phone is asked at once.
        let charge = try await testHookTillCharge(
            hostUrl: try Sandbox.url, merchantId: "m_jp_mart", codeText: try await w.wallet.consumerCode().qrText, amountMinor: 12_000, currency: .jpy)
        XCTAssertEqual(charge.status, "pending_approval")
        let heard = await eventually { inbox.chargeRequests.count == 1 }
        XCTAssertTrue(heard, "the listener was not asked")
        let asked = try XCTUnwrap(inbox.chargeRequests.first)
        XCTAssertEqual(asked.id, charge.id)
        XCTAssertEqual(asked.amount, jpy(12_000))
        XCTAssertEqual(asked.merchantName, "KOBAN MART SHIBUYA")
        XCTAssertEqual(asked.status, .pending)
        XCTAssertTrue((1...120).contains(asked.approveBy.timeIntervalSince(asked.createdAt)), "\(asked)")
        let waiting = try await w.wallet.chargeRequests()
        XCTAssertEqual(waiting, [asked])
        let before = try await w.wallet.balance().available
        XCTAssertEqual(before, jpy(30_000), "nothing moves before the answer")

        let paid = try await w.wallet.approveCharge(id: asked.id)
        XCTAssertEqual(paid.kind, .tillCharge)
        XCTAssertEqual(paid.direction, .out)
        XCTAssertEqual(paid.amount, jpy(12_000))
        let answered = try await w.wallet.chargeRequests()
        XCTAssertEqual(answered, [])

        // Declined: nothing moves.
        let declined = try await testHookTillCharge(
            hostUrl: try Sandbox.url, merchantId: "m_jp_mart", codeText: try await w.wallet.consumerCode().qrText, amountMinor: 15_000, currency: .jpy)
        let heardTwice = await eventually { inbox.chargeRequests.count == 2 }
        XCTAssertTrue(heardTwice, "the listener was not asked again")
        XCTAssertEqual(inbox.chargeRequests.last?.id, declined.id)
        try await w.wallet.declineCharge(id: declined.id)
        listening.cancel()
        let stopped = await eventually(timeout: 5) { !listening.isRunning() }
        XCTAssertTrue(stopped)
        let after = try await w.wallet.balance().available
        XCTAssertEqual(after, jpy(18_000), "the approved charge once, the declined one never")
        let charged = try await w.wallet.history(limit: 20, cursor: nil).items.filter { $0.kind == .tillCharge }
        XCTAssertEqual(charged.map(\.id), [paid.id])
        let filtered = try await w.wallet.historyFiltered(filter: HistoryFilter(kinds: [.tillCharge], from: nil, to: nil), limit: 20, cursor: nil)
        XCTAssertEqual(filtered.items.map(\.id), [paid.id], "filtered by kind")

        // A lower ceiling: ¥6,000 waits too, heard by a plain sync.
        let lowered = try await w.wallet.setNoConfirmLimit(limit: jpy(5_000))
        XCTAssertEqual(lowered.noConfirmLimit, jpy(5_000))
        let waits = try await testHookTillCharge(
            hostUrl: try Sandbox.url, merchantId: "m_jp_mart", codeText: try await w.wallet.consumerCode().qrText, amountMinor: 6_000, currency: .jpy)
        XCTAssertEqual(waits.status, "pending_approval")
        let report = try await w.wallet.sync(waitSecs: 0)
        XCTAssertEqual(report.chargeRequests.map(\.id), [waits.id])
        let tooHigh = await walletError { try await w.wallet.setNoConfirmLimit(limit: jpy(10_001)) }
        XCTAssertEqual(tooHigh?.kind, "bad_request")
    }

    func testHistoryPagesWithCursors() async throws {
        let w = try await enrolledWallet("pager", in: dir)
        let link = try await fund(w.wallet, topUp: 0)
        let amounts: [Int64] = [1_000, 2_000, 3_000, 4_000, 5_000]
        for a in amounts { _ = try await w.wallet.topUp(bankLinkId: link, amount: jpy(a)) }

        var pages: [HistoryPage] = []
        var cursor: String?
        repeat {
            let page = try await w.wallet.history(limit: 2, cursor: cursor)
            pages.append(page)
            cursor = page.nextCursor
        } while cursor != nil && pages.count < 10
        XCTAssertEqual(pages.map(\.items.count), [2, 2, 1])
        XCTAssertNil(pages.last?.nextCursor)
        let items = pages.flatMap(\.items)
        XCTAssertEqual(items.map(\.amount.minor), amounts.reversed(), "newest first, nothing twice, nothing skipped")
        XCTAssertEqual(Set(items.map(\.id)).count, amounts.count)
        let all = try await w.wallet.history(limit: 50, cursor: nil).items
        XCTAssertEqual(all.map(\.id), items.map(\.id))
        let pending = try await w.wallet.pendingCount()
        XCTAssertEqual(pending, 0)
        // A period by the host's clock: everything from a minute ago, nothing from tomorrow on.
        let recent = try await w.wallet.historyFiltered(
            filter: HistoryFilter(kinds: [.topUp], from: Date(timeIntervalSinceNow: -300), to: nil), limit: 50, cursor: nil)
        XCTAssertEqual(recent.items.map(\.id), items.map(\.id))
        let future = try await w.wallet.historyFiltered(
            filter: HistoryFilter(kinds: [], from: Date(timeIntervalSinceNow: 86_400), to: nil), limit: 50, cursor: nil)
        XCTAssertEqual(future.items, [])
        let csv = try await w.wallet.historyCsv(filter: HistoryFilter(kinds: [.topUp], from: nil, to: nil))
        let rows = csv.split(whereSeparator: \.isNewline)
        XCTAssertEqual(rows.count, 1 + amounts.count, "a header and one row per top-up: \(csv)")
        XCTAssertTrue(rows.first?.hasPrefix("id,time_utc,kind") ?? false, csv)
    }

    func testConsumerCodesAfterReplenishing() async throws {
        let w = try await enrolledWallet("shopper", in: dir)
        let none = try await w.wallet.codesLeft()
        XCTAssertEqual(none, 0)
        let noKeys = await walletError { try await w.wallet.consumerCode() }
        XCTAssertEqual(noKeys?.kind, "no_codes_left")
        let left = try await w.wallet.replenishCodes()
        XCTAssertGreaterThanOrEqual(left, 5)
        let counted = try await w.wallet.codesLeft()
        XCTAssertEqual(counted, left)

        let code = try await w.wallet.consumerCode()
        XCTAssertTrue(code.qrText.hasPrefix("hQVDUFYwMW"), code.qrText)
        XCTAssertNil(code.numeric)
        XCTAssertEqual(code.matrix.modules.count, Int(code.matrix.size * code.matrix.size))
        XCTAssertLessThan(code.refreshAt, code.expiresAt)
        let now = Date()
        XCTAssertTrue((now.addingTimeInterval(-1)...now.addingTimeInterval(120)).contains(code.expiresAt), "valid for about a minute: \(code.expiresAt) at \(now)")
        XCTAssertEqual(code.codesLeft, left - 1)
        XCTAssertEqual(try detect(payload: code.qrText).presentment, .consumer)

        let numeric = try await w.wallet.consumerCodeNumeric()
        XCTAssertEqual(numeric.numeric?.count, 36)
        XCTAssertTrue(numeric.numeric?.allSatisfy(\.isNumber) ?? false)
        XCTAssertNotEqual(numeric.qrText, code.qrText, "every code uses a fresh key")
        XCTAssertEqual(numeric.codesLeft, left - 2)
        let after = try await w.wallet.codesLeft()
        XCTAssertEqual(after, left - 2)
    }

    func testARefusalArrivesAsInsufficientFundsWithAReadableMessage() async throws {
        let aiko = try await enrolledWallet("short", in: dir)
        let link = try await fund(aiko.wallet, topUp: 3_000, bank: 10_000)
        let ben = try await enrolledWallet("payee", in: dir)

        let wallet = await walletError { try await aiko.wallet.send(to: .handle(handle: ben.handle), amount: jpy(4_000), message: nil) }
        guard case .InsufficientFunds(let message)? = wallet else {
            return XCTFail("expected WalletError.InsufficientFunds, got \(String(describing: wallet))")
        }
        XCTAssertEqual(message, "insufficient funds in wallet")
        XCTAssertEqual(wallet?.kind, "insufficient_funds")
        XCTAssertEqual(wallet?.localizedDescription, "insufficient funds in wallet")

        let bank = await walletError { try await aiko.wallet.topUp(bankLinkId: link, amount: jpy(8_000)) }
        XCTAssertEqual(bank?.kind, "insufficient_funds")
        XCTAssertEqual(bank?.message, "insufficient funds in bank account")
        let unchanged = try await aiko.wallet.balance().available
        XCTAssertEqual(unchanged, jpy(3_000), "nothing moved")

        let nobody = await walletError { try await aiko.wallet.send(to: .handle(handle: "nobody_here_at_all"), amount: jpy(1), message: nil) }
        XCTAssertEqual(nobody?.kind, "unknown_recipient")
        XCTAssertFalse(nobody?.message.contains("nobody_here_at_all") ?? true, "handles are blanked from messages")
    }

    func testAThrowingKeyStoreArrivesAsAKeyStoreError() async throws {
        let keys = TestKeyStore(secret: 0x21)
        let db = dir.db("locked")
        keys.locked = true
        let locked = await walletError { try await Wallet.open(dbPath: db, keyStore: keys, config: try Sandbox.config()) }
        guard case .KeyStore(let message)? = locked else {
            return XCTFail("expected WalletError.KeyStore, got \(String(describing: locked))")
        }
        XCTAssertTrue(message.contains("the device is locked"), message)
        XCTAssertEqual(locked?.kind, "key_store")

        // Unlocked, it opens; another key store cannot open the same database.
        keys.locked = false
        var wallet: Wallet? = try await Wallet.open(dbPath: db, keyStore: keys, config: try Sandbox.config())
        XCTAssertNotNil(wallet)
        wallet = nil
        let foreign = await walletError { try await Wallet.open(dbPath: db, keyStore: TestKeyStore(secret: 0x22), config: try Sandbox.config()) }
        XCTAssertEqual(foreign?.kind, "key_store")
        XCTAssertEqual(foreign?.message, "wrapped key does not unwrap")
    }

    func testAPlatformHeldDeviceKeySignsEveryRequestAndACopyElsewhereCannotOpen() async throws {
        // A phone whose platform holds non-exportable P-256 keys (the Secure Enclave; here the
        // test hook, as Linux has neither CryptoKit nor Security).
        let platform = TestHookPlatformKeys()
        let keys = TestKeyStore(secret: 0x61, platformKeys: platform)
        let db = dir.db("enclave")
        var wallet: Wallet? = try await Wallet.open(dbPath: db, keyStore: keys, config: try Sandbox.config())
        XCTAssertEqual(platform.signatures(), 0, "nothing to sign before enrolment")
        _ = try await wallet?.enrol(enrolment: Enrolment(country: "JP", handle: Sandbox.handle("enclave"), displayName: "Enclave"))
        let enrolled = platform.signatures()
        XCTAssertGreaterThan(enrolled, 0, "the enrolment was signed by the platform key")
        try await fund(try XCTUnwrap(wallet), topUp: 10_000)
        XCTAssertGreaterThanOrEqual(platform.signatures(), enrolled + 2, "the bank link and the top-up were signed there too")

        // A payment, signed by the platform key.
        let ramen = try await Sandbox.merchant("m_jp_ramen")
        let quote = try await XCTUnwrap(wallet).quotePayment(request: PaymentRequest(
            payload: ramen.staticPayload, route: nil, amount: jpy(1_200), tip: nil, references: []))
        let beforePaying = platform.signatures()
        let paid = try await XCTUnwrap(wallet).confirmPayment(quote: quote)
        XCTAssertEqual(paid.kind, .payment)
        XCTAssertGreaterThan(platform.signatures(), beforePaying, "the payment was signed by the platform key")
        wallet = nil

        // Reopened on the same phone: the same platform key goes on signing.
        var again: Wallet? = try await Wallet.open(dbPath: db, keyStore: keys, config: try Sandbox.config())
        let beforeReopen = platform.signatures()
        let balance = try await XCTUnwrap(again).balance()
        XCTAssertEqual(balance.available, jpy(10_000 - 1_200))
        let code = try await XCTUnwrap(again).receiveCode()
        XCTAssertFalse(code.isEmpty)
        XCTAssertGreaterThan(platform.signatures(), beforeReopen, "the reopened wallet signs with the platform key")
        again = nil

        // The database and the wrap secret copied to a phone whose platform has no such key
        // (a restored backup, or a thief with the app's files): it cannot open, and signs nothing.
        let elsewhere = TestHookPlatformKeys()
        let copied = await walletError {
            try await Wallet.open(dbPath: db, keyStore: TestKeyStore(secret: 0x61, platformKeys: elsewhere), config: try Sandbox.config())
        }
        guard case .KeyStore(let message)? = copied else {
            return XCTFail("expected WalletError.KeyStore, got \(String(describing: copied))")
        }
        XCTAssertTrue(message.contains("enrol this device again"), message)
        XCTAssertEqual(copied?.kind, "key_store")
        XCTAssertEqual(elsewhere.signatures(), 0, "the other phone signed nothing")
        // Nor does a key store without platform keys (the software fallback) open it.
        let soft = await walletError {
            try await Wallet.open(dbPath: db, keyStore: TestKeyStore(secret: 0x61), config: try Sandbox.config())
        }
        XCTAssertEqual(soft?.kind, "key_store")
    }

    func testAURLSessionTransportCarriesEveryRequest() async throws {
        let transport = RecordingTransport()
        let logger = RecordingLogger()
        let w = try await enrolledWallet("urlsession", in: dir, transport: transport, logger: logger)
        try await fund(w.wallet, topUp: 3_000)
        let funded = try await w.wallet.balance().available
        XCTAssertEqual(funded, jpy(3_000))

        let carried = transport.exchanges
        XCTAssertEqual(carried.map(\.method), ["POST", "POST", "POST", "GET"], "\(carried)")
        XCTAssertEqual(carried.first?.path, "/v1/devices")
        XCTAssertTrue(carried.allSatisfy { (200..<300).contains($0.status) }, "\(carried)")
        // The signature headers went out unchanged on every request, through URLSession.
        for e in carried {
            for h in ["x-koban-timestamp", "x-koban-nonce", "x-koban-signature"] {
                XCTAssertTrue(e.headerNames.contains(h), "\(e.method) \(e.path) went without \(h)")
            }
        }
        XCTAssertTrue(carried.filter { $0.method == "POST" }.allSatisfy { $0.headerNames.contains("idempotency-key") })

        // Offline: a read is unavailable, a transfer stays pending, and is settled once back online.
        let ben = try await enrolledWallet("urlpayee", in: dir)
        transport.offline = true
        let offline = await walletError { try await w.wallet.balance() }
        XCTAssertEqual(offline?.kind, "unavailable")
        XCTAssertTrue(offline?.message.contains("appears to be offline") ?? false, offline?.message ?? "")
        let unknown = await walletError { try await w.wallet.send(to: .handle(handle: ben.handle), amount: jpy(1_000), message: nil) }
        XCTAssertEqual(unknown?.kind, "outcome_unknown")
        let stillPending = try await w.wallet.pendingCount()
        XCTAssertEqual(stillPending, 1)
        XCTAssertGreaterThan(transport.refused, 0)
        transport.offline = false
        try await w.wallet.resolvePending()
        let settled = try await w.wallet.pendingCount()
        XCTAssertEqual(settled, 0)
        let after = try await w.wallet.balance().available
        XCTAssertEqual(after, jpy(2_000))
        let received = try await ben.wallet.sync(waitSecs: 0).received
        XCTAssertEqual(received.map(\.amount), [jpy(1_000)], "sent exactly once")

        // The logger heard operations by name and error kind, and nothing personal.
        let lines = logger.lines
        XCTAssertTrue(lines.contains { $0.level == .debug && $0.message == "top_up: ok" }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.level == .warn && $0.message == "balance: failed (unavailable)" }, "\(lines)")
        XCTAssertFalse(lines.contains { $0.message.contains("7654321") || $0.message.contains(ben.handle) || $0.message.contains("3000") }, "\(lines)")
    }

    func testWalletErrorKindsMatchRust() throws {
        let kinds = testHookWalletErrorKinds()
        XCTAssertEqual(kinds.count, Set(kinds).count, "no kind twice")
        XCTAssertTrue(kinds.contains("insufficient_funds"))
        XCTAssertTrue(kinds.contains("key_store"))
        for kind in kinds {
            let message = "message for \(kind)"
            XCTAssertThrowsError(try testHookWalletError(kind: kind, message: message)) { error in
                guard let e = error as? WalletError else { return XCTFail("\(kind): got \(error)") }
                XCTAssertEqual(e.kind, kind, "Swift's WalletError.kind disagrees with Rust")
                XCTAssertEqual(e.message, message)
                XCTAssertEqual(e.localizedDescription, message)
            }
        }
    }
}
