import Foundation
import XCTest
import Koban
import KobanTestSupport

/// The merchant terminal through the bindings, as a till app drives it: enrolled at the
/// sandbox's ramen shop, charging a Koban shopper's code and a Chinese tourist's Alipay code
/// (acquired by the host through the partner networks that scripts/test-swift.sh starts with
/// it), refunding, making a one-payment code and reading the day's settlement.
final class TerminalTests: XCTestCase {
    private static let shop = "m_jp_ramen"
    private static let liWei = "li_wei"
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
    }

    override func tearDown() {
        dir = nil
    }

    /// Awaits `body` and returns the TerminalError it threw, failing the test if it threw nothing else.
    private func terminalError<T>(_ body: () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async -> TerminalError? {
        do {
            let value = try await body()
            XCTFail("expected a TerminalError, got \(value)", file: file, line: line)
        } catch let e as TerminalError {
            return e
        } catch {
            XCTFail("expected a TerminalError, got \(error)", file: file, line: line)
        }
        return nil
    }

    private func enrolledTerminal(_ name: String = "till", keyStore: TestKeyStore = TestKeyStore(secret: 0x31)) async throws -> Terminal {
        let till = try await Terminal.open(dbPath: dir.db(name), keyStore: keyStore, hostUrl: try Sandbox.url)
        _ = try await till.enrol(merchantId: Self.shop, enrolmentToken: try await Sandbox.enrolmentToken(Self.shop))
        return till
    }

    /// A return slip's number: one per refund.
    private func slip() -> String { "slip-\(UUID().uuidString)" }

    func testATerminalEnrolsAtTheRamenShopAndKeepsItsKeyAcrossRestarts() async throws {
        let keys = TestKeyStore(secret: 0x31)
        var till: Terminal? = try await Terminal.open(dbPath: dir.db("till"), keyStore: keys, hostUrl: try Sandbox.url)
        let id = till!.id()
        XCTAssertTrue(id.hasPrefix("d_"), id)
        XCTAssertNil(till!.merchantId())
        let early = await terminalError { try await till!.dynamicCode(amount: jpy(800)) }
        XCTAssertEqual(early?.kind, "not_enrolled")
        let enrolled = try await till!.enrol(merchantId: Self.shop, enrolmentToken: try await Sandbox.enrolmentToken(Self.shop))
        XCTAssertEqual(enrolled, Enrolled(terminalId: id, merchantId: Self.shop, merchantName: enrolled.merchantName, currency: .jpy))
        XCTAssertFalse(enrolled.merchantName.isEmpty)
        XCTAssertEqual(till!.merchantId(), Self.shop)
        XCTAssertGreaterThan(keys.calls, 0, "the data key was wrapped by the app's key store")
        till = nil

        // After a restart: the same key (so the host still knows the till) and its merchant.
        let again = try await Terminal.open(dbPath: dir.db("till"), keyStore: keys, hostUrl: try Sandbox.url)
        XCTAssertEqual(again.id(), id)
        XCTAssertEqual(again.merchantId(), Self.shop)
        let today = try await again.settlement()
        XCTAssertEqual(today.net.currency, .jpy)
        let twice = await terminalError {
            try await again.enrol(merchantId: Self.shop, enrolmentToken: try await Sandbox.enrolmentToken(Self.shop))
        }
        XCTAssertEqual(twice?.kind, "already_enrolled")

        // The key is sealed under the data key only this key store unwraps.
        let other = await terminalError {
            try await Terminal.open(dbPath: self.dir.db("till"), keyStore: TestKeyStore(secret: 0x32), hostUrl: try Sandbox.url)
        }
        guard case .KeyStore? = other else { return XCTFail("expected TerminalError.KeyStore, got \(String(describing: other))") }
    }

    func testAKobanShoppersCodeIsChargedOnce() async throws {
        let till = try await enrolledTerminal()
        let shopper = try await enrolledWallet("shopper", in: dir)
        try await fund(shopper.wallet, topUp: 20_000)
        _ = try await shopper.wallet.replenishCodes()
        let code = try await shopper.wallet.consumerCode().qrText

        // Scanned just now (an offline till would give its scan time).
        let scanned = Date()
        let charge = try await till.charge(code: code, amount: jpy(1_200), scannedAt: scanned)
        XCTAssertEqual(charge.status, .captured)
        XCTAssertNil(charge.approveBy, "captured at once: nothing waits for the shopper")
        XCTAssertEqual(charge.network, .koban)
        XCTAssertEqual(charge.amount, jpy(1_200))
        XCTAssertNil(charge.customerAmount)
        XCTAssertNil(charge.rate)
        XCTAssertNotNil(charge.transactionId)
        XCTAssertNil(charge.refusal)
        let balance = try await shopper.wallet.balance()
        XCTAssertEqual(balance.available, jpy(18_800))

        // The same charge again (a retry): the host's stored answer, no second charge.
        let retried = try await till.charge(code: code, amount: jpy(1_200), scannedAt: scanned)
        XCTAssertEqual(retried, charge)
        let status = try await till.chargeStatus(chargeId: charge.id)
        XCTAssertEqual(status, charge)
        // The code for another amount: it is used up.
        let used = await terminalError { try await till.charge(code: code, amount: jpy(300)) }
        guard case .CodeUsed? = used else { return XCTFail("expected TerminalError.CodeUsed, got \(String(describing: used))") }
        XCTAssertEqual(used?.kind, "code_used")
        let after = try await shopper.wallet.balance()
        XCTAssertEqual(after.available, jpy(18_800))
    }

    func testAnAlipayTouristIsChargedInYenAndRefundedInPartInYuan() async throws {
        let till = try await enrolledTerminal()
        let before = try await Partners.balance(Self.liWei)
        XCTAssertEqual(before.currency, .cny)

        let charge = try await till.charge(code: try await Partners.code(Self.liWei), amount: jpy(2_000))
        XCTAssertEqual(charge.status, .captured)
        XCTAssertEqual(charge.network, .alipayPlus)
        XCTAssertEqual(charge.amount, jpy(2_000))
        let taken = try XCTUnwrap(charge.customerAmount, "no customer amount in \(charge)")
        XCTAssertEqual(taken.currency, .cny)
        XCTAssertGreaterThan(taken.minor, 0)
        XCTAssertTrue(charge.rate?.hasPrefix("0.0") == true, "rate \(String(describing: charge.rate))")
        var balance = try await Partners.balance(Self.liWei)
        XCTAssertEqual(balance.minor, before.minor - taken.minor)

        // Part of it back: yen off the merchant, yuan back to the tourist.
        let slip = slip()
        let part = try await till.refund(of: .charge(id: charge.id), idempotencyKey: slip, amount: jpy(500))
        XCTAssertEqual(part.amount, jpy(500))
        XCTAssertEqual(part.refundedTotal, jpy(500))
        XCTAssertEqual(part.refundable, jpy(1_500))
        XCTAssertEqual(part.chargeId, charge.id)
        XCTAssertEqual(part.originalTransactionId, charge.transactionId)
        let back = try XCTUnwrap(part.customerAmount, "no customer amount in \(part)")
        XCTAssertEqual(back.currency, .cny)
        XCTAssertTrue(back.minor > 0 && back.minor < taken.minor, "\(back) of \(taken)")
        balance = try await Partners.balance(Self.liWei)
        XCTAssertEqual(balance.minor, before.minor - taken.minor + back.minor)

        // The same slip again is the same refund: the tourist gets it once.
        let again = try await till.refund(of: .charge(id: charge.id), idempotencyKey: slip, amount: jpy(500))
        XCTAssertEqual(again, part)
        balance = try await Partners.balance(Self.liWei)
        XCTAssertEqual(balance.minor, before.minor - taken.minor + back.minor)

        // More than is left: refused, typed, nothing moves.
        let transaction = try XCTUnwrap(charge.transactionId)
        let tooMuch = await terminalError {
            try await till.refund(of: .transaction(id: transaction), idempotencyKey: self.slip(), amount: jpy(1_501))
        }
        guard case .RefundExceedsPayment? = tooMuch else {
            return XCTFail("expected TerminalError.RefundExceedsPayment, got \(String(describing: tooMuch))")
        }
        XCTAssertEqual(tooMuch?.kind, "refund_exceeds_payment")
        XCTAssertFalse(tooMuch?.message.isEmpty ?? true)
        XCTAssertEqual(tooMuch?.localizedDescription, tooMuch?.message)
        balance = try await Partners.balance(Self.liWei)
        XCTAssertEqual(balance.minor, before.minor - taken.minor + back.minor)
    }

    func testADynamicCodeIsAMerchantCodeForItsAmount() async throws {
        let till = try await enrolledTerminal()
        let code = try await till.dynamicCode(amount: jpy(3_400), reference: "ORDER-\(Int.random(in: 1000...9999))")
        XCTAssertEqual(code.merchantId, Self.shop)
        XCTAssertEqual(code.amount, jpy(3_400))
        let d = try detect(payload: code.payload)
        XCTAssertEqual(d.presentment, .merchant)
        XCTAssertEqual(d.initiation, .dynamic)
        XCTAssertEqual(d.amount, jpy(3_400))
        XCTAssertTrue(d.references.contains { $0.value == code.reference }, "\(d.references)")
        // The same reference again makes no second code.
        let again = try await till.dynamicCode(amount: jpy(3_400), reference: code.reference)
        XCTAssertEqual(again, code)
    }

    /// One network's lines of a day, summed (a network has a line per shoppers' currency).
    private struct Tally: Equatable {
        var payments: Int32 = 0, refunds: Int32 = 0
        var gross: Int64 = 0, refunded: Int64 = 0, net: Int64 = 0, yuan: Int64 = 0
    }

    private func tally(_ s: Settlement, _ network: PaymentNetwork) -> Tally {
        s.lines.filter { $0.network == network }.reduce(into: Tally()) { t, l in
            t.payments += l.payments
            t.refunds += l.refunds
            t.gross += l.gross.minor
            t.refunded += l.refunded.minor
            t.net += l.net.minor
            if let c = l.customerNet, c.currency == .cny { t.yuan += c.minor }
        }
    }

    func testTheDaysSettlementShowsTheKobanAndAlipayLinesNetOfRefunds() async throws {
        let till = try await enrolledTerminal()
        let diner = try await enrolledWallet("diner", in: dir)
        try await fund(diner.wallet, topUp: 10_000)
        _ = try await diner.wallet.replenishCodes()
        // Other tests' shoppers pay this shop too: compare the day's lines before and after.
        let before = try await till.settlement()
        let koban = try await till.charge(code: try await diner.wallet.consumerCode().qrText, amount: jpy(900))
        let alipay = try await till.charge(code: try await Partners.code(Self.liWei), amount: jpy(1_600))
        XCTAssertEqual([koban.status, alipay.status], [.captured, .captured])
        let part = try await till.refund(of: .charge(id: alipay.id), idempotencyKey: slip(), amount: jpy(400))
        let after = try await till.settlement(date: before.date)

        XCTAssertEqual(after.merchantId, Self.shop)
        XCTAssertEqual(after.date, before.date)
        XCTAssertLessThan(after.startsAt, after.endsAt)
        XCTAssertEqual(after.endsAt.timeIntervalSince(after.startsAt), 86_400, accuracy: 3_600, "one local day")
        XCTAssertTrue((after.startsAt...after.endsAt).contains(Date()), "today's settlement: \(after.startsAt) to \(after.endsAt)")
        XCTAssertEqual(after.net.minor, before.net.minor + 900 + 1_600 - 400)

        var kobanExpected = tally(before, .koban)
        kobanExpected.payments += 1
        kobanExpected.gross += 900
        kobanExpected.net += 900
        XCTAssertEqual(tally(after, .koban), kobanExpected)

        var alipayExpected = tally(before, .alipayPlus)
        alipayExpected.payments += 1
        alipayExpected.refunds += 1
        alipayExpected.gross += 1_600
        alipayExpected.refunded += 400
        alipayExpected.net += 1_200
        alipayExpected.yuan += try XCTUnwrap(alipay.customerAmount).minor - XCTUnwrap(part.customerAmount).minor
        XCTAssertEqual(tally(after, .alipayPlus), alipayExpected)

        // Koban lines are in yen only; the Alipay line has the tourists' yuan beside the yen.
        XCTAssertTrue(after.lines.filter { $0.network == .koban }.allSatisfy { $0.customerNet == nil })
        let line = try XCTUnwrap(after.lines.first { $0.network == .alipayPlus && $0.customerNet?.currency == .cny })
        XCTAssertEqual(line.net, jpy(line.gross.minor - line.refunded.minor))

    }

    func testTerminalErrorKindsMatchRust() throws {
        let kinds = testHookTerminalErrorKinds()
        XCTAssertEqual(kinds.count, Set(kinds).count, "no kind twice")
        for expected in ["refund_exceeds_payment", "code_used", "outcome_unknown", "key_store"] {
            XCTAssertTrue(kinds.contains(expected), expected)
        }
        for kind in kinds {
            let message = "message for \(kind)"
            XCTAssertThrowsError(try testHookTerminalError(kind: kind, message: message)) { error in
                guard let e = error as? TerminalError else { return XCTFail("\(kind): got \(error)") }
                XCTAssertEqual(e.kind, kind, "Swift's TerminalError.kind disagrees with Rust")
                XCTAssertEqual(e.message, message)
                XCTAssertEqual(e.localizedDescription, message)
            }
        }
    }
}
