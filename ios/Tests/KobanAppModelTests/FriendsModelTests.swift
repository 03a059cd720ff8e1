import Foundation
import XCTest
import Koban
import KobanAppModel
import KobanTestSupport

/// Between friends against the sandbox: money requests paid or declined, a split bill and who
/// has paid, a receive code with an amount, and a send to a friend abroad shown as a remittance.
@MainActor
final class FriendsModelTests: XCTestCase {
    func testARequestIsPaidOnceAfterBeingShownAndADeclinedOneMovesNothing() async throws {
        let dir = try TemporaryDirectory()
        let aiko = try await enrolledWallet("asker", in: dir)
        let ben = try await enrolledWallet("payer", in: dir)
        try await fund(ben.wallet, topUp: 5_000)
        let asks = MoneyRequestsModel(wallet: aiko.wallet)

        await asks.ask(from: "  ", amount: "100")
        XCTAssertEqual(asks.formError?.kind, "invalid_input")
        await asks.ask(from: ben.handle, amount: "1.5")
        XCTAssertEqual(asks.formError?.kind, "invalid_amount")
        XCTAssertEqual(asks.state, .idle, "nothing was asked for a bad form")

        await asks.ask(from: "@" + ben.handle, amount: "1,500", note: "dinner")
        XCTAssertNil(asks.formError)
        guard case .asked(let asked) = asks.state else { return XCTFail("expected asked, got \(asks.state)") }
        XCTAssertEqual(asked.status, .pending)
        XCTAssertEqual(asked.statusText, "Waiting")
        // A request lapses after a week, by the host's clock; unanswered so far.
        XCTAssertEqual(asked.request.expiresAt.timeIntervalSince(asked.request.createdAt), 7 * 86_400, accuracy: 60)
        XCTAssertNil(asked.request.answeredAt)
        XCTAssertEqual(asked.amountText, "¥1,500")
        XCTAssertEqual(asked.note, "dinner")
        XCTAssertEqual(asked.friend.handle, ben.handle)
        XCTAssertFalse(asked.canAnswer, "the requester cannot pay its own request")
        XCTAssertEqual(asks.outgoing.map(\.id), [asked.id])
        XCTAssertTrue(asks.incoming.isEmpty)

        // Ben sees who asks, for what, and pays only on confirm.
        let pays = MoneyRequestsModel(wallet: ben.wallet)
        await pays.load()
        XCTAssertEqual(pays.state, .idle)
        let row = try XCTUnwrap(pays.incoming.first { $0.id == asked.id })
        XCTAssertEqual(row.title, "Asker asks for ¥1,500")
        XCTAssertTrue(row.canAnswer)
        pays.review(row.id)
        guard case .reviewing(let payment) = pays.state else { return XCTFail("expected a review, got \(pays.state)") }
        XCTAssertEqual(payment.requester.handle, aiko.handle)
        XCTAssertEqual(payment.amount, jpy(1_500))
        XCTAssertEqual(payment.note, "dinner")
        let before = try await ben.wallet.balance().available
        XCTAssertEqual(before, jpy(5_000), "a review moves nothing")

        // A double tap on confirm pays once.
        let tappedTwice = await doubleTap(pays, inFlight: {
            if case .paying = pays.state { return true } else { return false }
        }, { await pays.confirmPay() })
        XCTAssertTrue(tappedTwice)
        guard case .paid(let paid, let t) = pays.state else { return XCTFail("expected paid, got \(pays.state)") }
        XCTAssertEqual(paid, payment)
        XCTAssertEqual(t.kind, .transfer)
        XCTAssertEqual(t.amount, jpy(1_500))
        XCTAssertEqual(pays.incoming.first { $0.id == asked.id }?.status, .paid)
        let benAfter = try await ben.wallet.balance().available
        let aikoAfter = try await aiko.wallet.balance().available
        XCTAssertEqual(benAfter, jpy(3_500))
        XCTAssertEqual(aikoAfter, jpy(1_500))
        let transfers = try await entries(ben.wallet, kind: .transfer)
        XCTAssertEqual(transfers.count, 1)
        // Paid by another path (a stale screen, a second device): the host pays a request once,
        // and the refusal has its own words.
        do {
            _ = try await ben.wallet.payMoneyRequest(request: row.request)
            XCTFail("a paid request was paid again")
        } catch let e as WalletError {
            let m = UserMessage(e)
            XCTAssertEqual(m.kind, "request_not_pending")
            XCTAssertEqual(m.title, "This request is no longer open")
            XCTAssertNil(m.action, "retrying cannot change the host's answer")
        }
        let benStill = try await ben.wallet.balance().available
        XCTAssertEqual(benStill, jpy(3_500), "paid once")

        // Answered: it cannot be shown for paying again.
        pays.dismiss()
        pays.review(asked.id)
        guard case .failed(let again) = pays.state else { return XCTFail("expected a refusal, got \(pays.state)") }
        XCTAssertEqual(again.kind, "bad_request")

        await asks.load()
        XCTAssertEqual(asks.outgoing.first { $0.id == asked.id }?.status, .paid)
        XCTAssertNotNil(asks.outgoing.first { $0.id == asked.id }?.request.answeredAt, "paid: answered")

        // A second request, declined: nothing moves on either side.
        asks.dismiss()
        await asks.ask(from: ben.handle, amount: "900", note: "taxi")
        guard case .asked(let second) = asks.state else { return XCTFail("expected asked, got \(asks.state)") }
        pays.dismiss()
        await pays.load()
        await pays.decline(second.id)
        guard case .declined(let declined) = pays.state else { return XCTFail("expected declined, got \(pays.state)") }
        XCTAssertEqual(declined.status, .declined)
        XCTAssertFalse(pays.incoming.first { $0.id == second.id }?.canAnswer ?? true)
        let benEnd = try await ben.wallet.balance().available
        let aikoEnd = try await aiko.wallet.balance().available
        XCTAssertEqual(benEnd, jpy(3_500))
        XCTAssertEqual(aikoEnd, jpy(1_500))
        await asks.load()
        XCTAssertEqual(asks.outgoing.first { $0.id == second.id }?.status, .declined)
    }

    func testWhileListeningAFriendsRequestAndTheAnswerToOneArriveWithoutReloading() async throws {
        let dir = try TemporaryDirectory()
        let aiko = try await enrolledWallet("listener", in: dir)
        let ben = try await enrolledWallet("answerer", in: dir)
        try await fund(ben.wallet, topUp: 2_000)
        let asks = MoneyRequestsModel(wallet: aiko.wallet)
        let pays = MoneyRequestsModel(wallet: ben.wallet)
        asks.startListening(waitSecs: 2)
        pays.startListening(waitSecs: 2)
        XCTAssertTrue(asks.isListening && pays.isListening)

        await asks.ask(from: ben.handle, amount: "800", note: "coffee")
        guard case .asked(let asked) = asks.state else { return XCTFail("expected asked, got \(asks.state)") }
        // Ben never reloads: the request comes to his screen.
        let arrived = await eventually { pays.incoming.contains { $0.id == asked.id && $0.canAnswer } }
        XCTAssertTrue(arrived, "the friend's request reached the listening screen")
        XCTAssertEqual(pays.lastChange?.id, asked.id)

        pays.review(asked.id)
        await pays.confirmPay()
        guard case .paid = pays.state else { return XCTFail("expected paid, got \(pays.state)") }
        // Aiko's list, loaded when she asked, turns to paid by itself.
        let answered = await eventually { asks.outgoing.first { $0.id == asked.id }?.status == .paid }
        XCTAssertTrue(answered, "the answer reached the requester's screen: \(asks.outgoing.map(\.status))")
        XCTAssertEqual(asks.lastChange?.status, .paid)

        asks.stopListening()
        pays.stopListening()
        XCTAssertFalse(asks.isListening || pays.isListening)
    }

    func testASplitBillShowsItsSharesFirstThenWhoHasPaid() async throws {
        let dir = try TemporaryDirectory()
        let aiko = try await enrolledWallet("organiser", in: dir)
        let ben = try await enrolledWallet("sharer", in: dir)
        let cara = try await enrolledWallet("slowpay", in: dir)
        try await fund(ben.wallet, topUp: 10_000)
        let model = SplitBillModel(wallet: aiko.wallet)

        // Shown before anything is sent: the remainder on the first share.
        await model.plan(total: "10,001", rule: .equal(["@" + ben.handle, cara.handle]))
        XCTAssertNil(model.formError)
        XCTAssertEqual(model.planned.map(\.amount), [jpy(5_001), jpy(5_000)])
        XCTAssertEqual(model.planned.map(\.handle), [ben.handle, cara.handle])
        XCTAssertEqual(try equalShares(total: jpy(10_001), people: 2), [jpy(5_001), jpy(5_000)])

        // Exact shares must add up, or nothing is sent.
        await model.create(total: "10,001", rule: .exact([ExactShare(handle: ben.handle, amount: "6000"), ExactShare(handle: cara.handle, amount: "4000")]))
        XCTAssertEqual(model.formError?.title, "The shares don't add up")
        XCTAssertEqual(model.state, .editing)
        await model.plan(total: "10,001", rule: .equal([]))
        XCTAssertEqual(model.formError?.title, "Who shares the bill?")

        await model.create(total: "10,001", rule: .exact([ExactShare(handle: ben.handle, amount: "6,001"), ExactShare(handle: cara.handle, amount: "4,000")]), note: "izakaya")
        XCTAssertNil(model.formError)
        guard case .created(let made) = model.state else { return XCTFail("expected a split, got \(model.state)") }
        XCTAssertEqual(made.note, "izakaya")
        XCTAssertEqual(made.totalText, "¥10,001")
        XCTAssertEqual(made.paidText, "¥0")
        XCTAssertEqual(made.outstandingText, "¥10,001")
        XCTAssertEqual(made.lines.map(\.handle), [ben.handle, cara.handle])
        XCTAssertEqual(made.lines.map(\.amount), [jpy(6_001), jpy(4_000)])
        XCTAssertEqual(made.lines.map(\.hasPaid), [false, false])

        // Ben pays his share from his requests; Cara does not.
        let bens = MoneyRequestsModel(wallet: ben.wallet)
        await bens.load()
        let share = try XCTUnwrap(bens.incoming.first { $0.request.splitId == made.id })
        XCTAssertEqual(share.request.amount, jpy(6_001))
        bens.review(share.id)
        await bens.confirmPay()
        guard case .paid = bens.state else { return XCTFail("expected paid, got \(bens.state)") }

        await model.refresh()
        guard case .created(let now) = model.state else { return XCTFail("expected the split, got \(model.state)") }
        XCTAssertEqual(now.lines.map(\.hasPaid), [true, false])
        XCTAssertEqual(now.lines.map(\.status), [.paid, .pending])
        XCTAssertEqual(now.lines.map(\.statusText), ["Paid", "Waiting"])
        XCTAssertEqual(now.lines.first?.displayName, "Sharer")
        XCTAssertEqual(now.paidText, "¥6,001")
        XCTAssertEqual(now.outstandingText, "¥4,000")
        let aikoBalance = try await aiko.wallet.balance().available
        XCTAssertEqual(aikoBalance, jpy(6_001))
    }

    func testAReceiveCodeWithAnAmountIsPaidExactlyThat() async throws {
        let dir = try TemporaryDirectory()
        let aiko = try await enrolledWallet("receiver", in: dir)
        let ben = try await enrolledWallet("scanner", in: dir)
        try await fund(ben.wallet, topUp: 5_000)
        let model = ReceiveCodeModel(wallet: aiko.wallet)

        await model.make(amount: "12.5")
        XCTAssertEqual(model.formError?.kind, "invalid_amount")
        await model.make(amount: "100", note: String(repeating: "x", count: 26))
        XCTAssertEqual(model.formError?.title, "Shorten the note")
        XCTAssertEqual(model.state, .idle)

        await model.make(amount: "1,500", note: "concert")
        XCTAssertNil(model.formError)
        guard case .showing(let code) = model.state else { return XCTFail("expected a code, got \(model.state)") }
        XCTAssertEqual(code.amount, jpy(1_500))
        XCTAssertEqual(code.amountText, "¥1,500")
        XCTAssertEqual(code.note, "concert")
        XCTAssertGreaterThan(code.matrix.size, 0)
        XCTAssertEqual(try scan(code.matrix), code.payload, "the matrix drawn is the code")
        XCTAssertEqual(SendModel.fixedAmount(code.payload), jpy(1_500))

        // Ben scans it: the amount comes from the code, and is paid once.
        let send = SendModel(wallet: ben.wallet)
        await send.review(to: code.payload, amount: "")
        guard case .reviewing(let review) = send.state else { return XCTFail("expected a review, got \(send.state)") }
        XCTAssertEqual(review.handle, aiko.handle)
        XCTAssertTrue(review.amountFixed)
        XCTAssertEqual(review.note, "concert")
        await send.confirm()
        guard case .sent = send.state else { return XCTFail("expected sent, got \(send.state)") }
        let received = try await aiko.wallet.balance().available
        XCTAssertEqual(received, jpy(1_500))

        // Without an amount the payer chooses.
        model.reset()
        await model.make()
        guard case .showing(let open) = model.state else { return XCTFail("expected a code, got \(model.state)") }
        XCTAssertNil(open.amount)
        XCTAssertNil(SendModel.fixedAmount(open.payload))
    }

    func testAJapaneseWalletSendingToAFriendInThailandSeesTheRemittanceQuoteFirst() async throws {
        let dir = try TemporaryDirectory()
        let aiko = try await enrolledWallet("tokyo", in: dir)
        try await fund(aiko.wallet, topUp: 30_000)
        let somchai = try await homeWallet("bangkok", in: dir, country: "TH")
        let model = SendModel(wallet: aiko.wallet)

        // Before the identity check the host refuses to quote, before any confirm.
        await model.review(to: somchai.handle, amount: "10,000")
        guard case .failed(let kyc) = model.state else { return XCTFail("expected a refusal, got \(model.state)") }
        XCTAssertEqual(kyc.kind, "kyc_required")
        XCTAssertEqual(kyc.action, .verifyIdentity)

        try await verified(aiko.wallet)
        model.edit()
        await model.review(to: "@" + somchai.handle, amount: "10,000", message: "for the trip")
        guard case .reviewing(let review) = model.state else { return XCTFail("expected a review, got \(model.state)") }
        XCTAssertEqual(review.displayName, "Bangkok")
        XCTAssertEqual(review.country, "TH")
        XCTAssertTrue(review.isRemittance)
        let terms = try XCTUnwrap(review.remittance)
        XCTAssertEqual(terms.receive.currency, .thb)
        XCTAssertGreaterThan(terms.receive.minor, 0)
        XCTAssertTrue(terms.receiveText.hasPrefix("฿"), terms.receiveText)
        XCTAssertGreaterThan(terms.fee.minor, 0)
        XCTAssertEqual(terms.fee.currency, .jpy)
        XCTAssertTrue(terms.rateText.hasPrefix("1 JPY = ") && terms.rateText.hasSuffix(" THB"), terms.rateText)
        XCTAssertEqual(terms.arrivalText, "within 30 min")
        XCTAssertEqual(review.debit, terms.quote.total())
        XCTAssertEqual(review.debit.minor, 10_000 + terms.fee.minor)
        let shown = try await aiko.wallet.balance().available
        XCTAssertEqual(shown, jpy(30_000), "the quote moves nothing")

        let tappedTwice = await doubleTap(model, inFlight: {
            if case .sending = model.state { return true } else { return false }
        }, { await model.confirm() })
        XCTAssertTrue(tappedTwice)
        guard case .sent(let receipt) = model.state else { return XCTFail("expected sent, got \(model.state)") }
        XCTAssertEqual(receipt.transaction.kind, .remittance)
        XCTAssertEqual(receipt.transaction.amount, review.debit)
        let left = try await aiko.wallet.balance().available
        XCTAssertEqual(left, jpy(30_000 - review.debit.minor), "sent once, though there was money for two")
        let arrived = await eventually { (try? await somchai.wallet.balance().available) == terms.receive }
        XCTAssertTrue(arrived, "Somchai's wallet holds exactly the quoted baht")
    }

    /// Reads a drawn QR matrix back, as a friend's camera would.
    private func scan(_ matrix: QrMatrix) throws -> String? {
        let (luma, side, stride) = renderLuma(matrix, scale: 4, pad: 8)
        return try FrameReader().read(LumaFrame(luma: luma, width: Int32(side), height: Int32(side), bytesPerRow: Int32(stride), rotation: .deg0)).first
    }
}
