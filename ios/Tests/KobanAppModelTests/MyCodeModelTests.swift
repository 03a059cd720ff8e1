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
        XCTAssertEqual(try w.wallet.codesLeft(), first.codesLeft)
        // It sleeps exactly until refreshAt, by the injected clock.
        XCTAssertEqual(manual.requested, [first.refreshAt * 1000 - start])
        XCTAssertTrue((40_000...60_000).contains(manual.requested[0]), "refresh in \(manual.requested[0]) ms")

        // Time reaches refreshAt: a fresh code with a fresh key.
        XCTAssertTrue(manual.advanceToNextWake())
        XCTAssertEqual(manual.nowMs, first.refreshAt * 1000)
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
        let left = try w.wallet.codesLeft()
        model.stop()
        XCTAssertEqual(model.state, .idle)
        XCTAssertFalse(model.keepScreenBright)
        let cancelled = await eventually { manual.pending == 0 }
        XCTAssertTrue(cancelled, "the refresh survived stop()")
        XCTAssertFalse(manual.advanceToNextWake())
        XCTAssertEqual(try w.wallet.codesLeft(), left)
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
        XCTAssertEqual(transport.refused, refusedBefore, "plenty of keys: the code needed no network")
        model.stop()
    }
}
