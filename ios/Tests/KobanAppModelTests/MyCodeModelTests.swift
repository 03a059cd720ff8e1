import Foundation
import XCTest
import Koban
import KobanAppModel
import KobanTestSupport

/// My Code with a hand-moved clock: the code refreshes at `refreshAt` without the test
/// waiting a minute, keys are topped up online, codes keep coming offline.
@MainActor
final class MyCodeModelTests: XCTestCase {
    private func showing(_ model: MyCodeModel) -> CodeDisplay? {
        if case .showing(let code) = model.state { return code }
        return nil
    }

    /// A fresh JP wallet with ¥20,000 and My Code shown, listening with short polls.
    private func shownWithMoney(_ prefix: String, in dir: TemporaryDirectory) async throws -> (TestWallet, MyCodeModel, CodeDisplay) {
        let w = try await enrolledWallet(prefix, in: dir)
        try await fund(w.wallet, topUp: 20_000)
        let manual = ManualClock(nowMs: UInt64(Date().timeIntervalSince1970 * 1000))
        let model = MyCodeModel(wallet: w.wallet, clock: manual.clock, listenWaitSecs: 5)
        model.start()
        let shown = await eventually { self.showing(model) != nil }
        XCTAssertTrue(shown, "\(model.state)")
        return (w, model, try XCTUnwrap(showing(model)))
    }

    /// The cashier scans `code` and keys in `yen`.
    private func tillCharges(_ code: CodeDisplay, _ yen: Int64) async throws -> TestHookCharge {
        try await testHookTillCharge(hostUrl: try Sandbox.url, merchantId: "m_jp_mart", codeText: code.qrText, amountMinor: yen, currency: .jpy)
    }

    func testATillChargeAboveTheLimitIsAskedAboutAtOnceAndApprovedOnce() async throws {
        let dir = try TemporaryDirectory()
        let (w, model, code) = try await shownWithMoney("tillok", in: dir)
        XCTAssertNil(model.charge)

        // ¥12,000 is above the ¥10,000 limit: the till waits and the screen asks.
        let charge = try await tillCharges(code, 12_000)
        XCTAssertEqual(charge.status, "pending_approval")
        let asked = await eventually { model.charge != nil }
        XCTAssertTrue(asked, "the screen never asked")
        let prompt = try XCTUnwrap(model.charge)
        XCTAssertEqual(prompt.id, charge.id)
        XCTAssertEqual(prompt.merchantName, "KOBAN MART SHIBUYA")
        XCTAssertEqual(prompt.amount, jpy(12_000))
        XCTAssertEqual(prompt.amountText, "¥12,000")
        XCTAssertTrue((1...120).contains(prompt.secondsLeft), "\(prompt.secondsLeft) s left")
        XCTAssertFalse(prompt.isAnswering)
        let before = try await w.wallet.balance().available
        XCTAssertEqual(before, jpy(20_000), "nothing moves before the answer")

        await model.approve()
        guard case .approved(let id, let transaction)? = model.chargeOutcome else {
            return XCTFail("not approved: \(String(describing: model.chargeOutcome))")
        }
        XCTAssertEqual(id, charge.id)
        XCTAssertEqual(transaction.kind, .tillCharge)
        XCTAssertEqual(transaction.amount, jpy(12_000))
        XCTAssertNil(model.charge, "the dialog closes")
        let after = try await w.wallet.balance().available
        XCTAssertEqual(after, jpy(8_000))
        let charged = try await w.wallet.history(limit: 10, cursor: nil).items.filter { $0.kind == .tillCharge }
        XCTAssertEqual(charged.map(\.id), [transaction.id])
        let waiting = try await w.wallet.chargeRequests()
        XCTAssertEqual(waiting, [])
        XCTAssertNotNil(showing(model), "the code stays on screen")
        model.dismissChargeOutcome()
        XCTAssertNil(model.chargeOutcome)
        model.stop()
    }

    func testADeclinedTillChargeMovesNoMoneyAndAWaitingOneIsAskedAgainOnReturn() async throws {
        let dir = try TemporaryDirectory()
        let (w, model, code) = try await shownWithMoney("tillno", in: dir)
        let charge = try await tillCharges(code, 15_000)
        let asked = await eventually { model.charge?.id == charge.id }
        XCTAssertTrue(asked, "the screen never asked")

        // The shopper leaves the screen without answering: the request waits, and is asked again.
        model.stop()
        XCTAssertNil(model.charge)
        model.start()
        let askedAgain = await eventually(timeout: 5) { model.charge?.id == charge.id }
        XCTAssertTrue(askedAgain, "asked again on return: \(String(describing: model.charge))")

        await model.decline()
        XCTAssertEqual(model.chargeOutcome, .declined(id: charge.id))
        XCTAssertNil(model.charge)
        let after = try await w.wallet.balance().available
        XCTAssertEqual(after, jpy(20_000), "nothing was paid")
        let history = try await w.wallet.history(limit: 10, cursor: nil).items
        XCTAssertFalse(history.contains { $0.kind == .tillCharge })
        let waiting = try await w.wallet.chargeRequests()
        XCTAssertEqual(waiting, [])
        model.stop()
    }

    func testTheCodeRefreshesItselfAtRefreshAtAndStopsWithTheScreen() async throws {
        let dir = try TemporaryDirectory()
        let w = try await enrolledWallet("mycode", in: dir)
        let start = UInt64(Date().timeIntervalSince1970 * 1000)
        let manual = ManualClock(nowMs: start)
        let model = MyCodeModel(wallet: w.wallet, clock: manual.clock)
        XCTAssertEqual(model.state, .idle)
        XCTAssertFalse(model.keepScreenBright)

        model.start()
        XCTAssertTrue(model.keepScreenBright, "the screen stays bright while a code is shown")
        XCTAssertEqual(model.state, .preparing)
        // Online: keys are provisioned first, then the first code is drawn and a refresh is timed.
        let shown = await eventually { manual.pending == 1 }
        XCTAssertTrue(shown, "the model never waited for the refresh: \(model.state)")
        let first = try XCTUnwrap(showing(model))
        XCTAssertFalse(model.isOffline)
        XCTAssertTrue(first.qrText.hasPrefix("hQVDUFYwMW"), first.qrText)
        XCTAssertNil(first.numeric)
        XCTAssertEqual(first.matrix.modules.count, Int(first.matrix.size * first.matrix.size))
        XCTAssertGreaterThanOrEqual(first.codesLeft, MyCodeModel.replenishBelow)
        let codesLeft = try await w.wallet.codesLeft()
        XCTAssertEqual(codesLeft, first.codesLeft)
        XCTAssertLessThan(first.refreshAt, first.expiresAt)
        // It sleeps exactly until refreshAt, by the injected clock.
        let refreshAtMs = UInt64(first.refreshAt.timeIntervalSince1970 * 1000)
        XCTAssertEqual(manual.requested, [refreshAtMs - start])
        XCTAssertTrue((40_000...60_000).contains(manual.requested[0]), "refresh in \(manual.requested[0]) ms")

        // Time reaches refreshAt: a fresh code with a fresh key.
        XCTAssertTrue(manual.advanceToNextWake())
        XCTAssertEqual(manual.nowMs, refreshAtMs)
        let refreshed = await eventually { self.showing(model).map { $0.qrText != first.qrText } ?? false }
        XCTAssertTrue(refreshed, "no new code at refreshAt: \(model.state)")
        let second = try XCTUnwrap(showing(model))
        XCTAssertEqual(second.codesLeft, first.codesLeft - 1)
        let waiting = await eventually { manual.pending == 1 }
        XCTAssertTrue(waiting, "the next refresh is not timed")

        // The barcode fallback: a fresh code at once, with its 36 digits.
        model.showNumeric(true)
        let numeric = await eventually { self.showing(model)?.numeric != nil }
        XCTAssertTrue(numeric, "no numeric code: \(model.state)")
        let digits = try XCTUnwrap(showing(model)?.numeric)
        XCTAssertEqual(digits.count, 36)
        XCTAssertTrue(digits.allSatisfy(\.isNumber))
        XCTAssertEqual(showing(model)?.codesLeft, second.codesLeft - 1)
        let rescheduled = await eventually { manual.pending == 1 }
        XCTAssertTrue(rescheduled, "the old refresh was not replaced by the new one")

        // Leaving the screen: no code, normal brightness, no refresh pending, no key used.
        let left = try await w.wallet.codesLeft()
        model.stop()
        XCTAssertEqual(model.state, .idle)
        XCTAssertFalse(model.keepScreenBright)
        let cancelled = await eventually { manual.pending == 0 }
        XCTAssertTrue(cancelled, "the refresh survived stop()")
        XCTAssertFalse(manual.advanceToNextWake())
        let unused = try await w.wallet.codesLeft()
        XCTAssertEqual(unused, left)
    }

    func testOfflineCodesLastAsLongAsTheKeys() async throws {
        let dir = try TemporaryDirectory()
        let transport = RecordingTransport()
        let w = try await enrolledWallet("offcode", in: dir, transport: transport)
        transport.offline = true

        // Offline with no keys yet: nothing to show, and the screen says to go online.
        let manual = ManualClock(nowMs: UInt64(Date().timeIntervalSince1970 * 1000))
        let empty = MyCodeModel(wallet: w.wallet, clock: manual.clock)
        empty.start()
        let failed = await eventually { if case .failed = empty.state { return true } else { return false } }
        XCTAssertTrue(failed, "\(empty.state)")
        XCTAssertTrue(empty.isOffline)
        guard case .failed(let message) = empty.state else { return }
        XCTAssertEqual(message.kind, "no_codes_left")
        XCTAssertEqual(message.title, "No codes left")
        XCTAssertEqual(message.action, .goOnline)
        empty.stop()

        // Keys fetched while online keep making codes once offline.
        transport.offline = false
        let keys = try await w.wallet.replenishCodes()
        transport.offline = true
        let refusedBefore = transport.refused
        let model = MyCodeModel(wallet: w.wallet, clock: manual.clock)
        model.start()
        let shown = await eventually { self.showing(model) != nil }
        XCTAssertTrue(shown, "\(model.state)")
        XCTAssertEqual(showing(model)?.codesLeft, keys - 1)
        // Only the listen loop (till charges to approve) tried the network.
        let tried = transport.refusedPaths.dropFirst(refusedBefore)
        XCTAssertEqual(tried.filter { $0 != "/v1/events" }, [], "plenty of keys: the code needed no network")
        model.stop()
    }
}
