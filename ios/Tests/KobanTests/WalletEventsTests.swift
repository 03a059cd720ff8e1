import Foundation
import XCTest
@testable import Koban
import KobanTestSupport

/// `Wallet.events` against the sandbox: an event arrives, and cancelling the task that
/// iterates the stream stops the listen loop.
final class WalletEventsTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
    }

    override func tearDown() {
        dir = nil
    }

    /// Holds what the collector saw and the loop's handle, across threads.
    private final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [WalletEvent] = []
        private var handle: Listening?
        var all: [WalletEvent] { lock.lock(); defer { lock.unlock() }; return events }
        var listening: Listening? { lock.lock(); defer { lock.unlock() }; return handle }
        func add(_ e: WalletEvent) { lock.lock(); events.append(e); lock.unlock() }
        func started(_ l: Listening) { lock.lock(); handle = l; lock.unlock() }
    }

    func testATransferArrivesAsAnEventAndCancellingTheCollectorStopsTheListener() async throws {
        let aiko = try await enrolledWallet("streamsender", in: dir)
        try await fund(aiko.wallet, topUp: 10_000)
        let ben = try await enrolledWallet("streamer", in: dir)
        let seen = Seen()
        let stream = walletEvents { listener in
            let l = ben.wallet.listen(listener: listener, waitSecs: 2)
            seen.started(l)
            return l
        }
        let collector = Task {
            for await event in stream { seen.add(event) }
        }
        let listening = try XCTUnwrap(seen.listening, "the stream started its loop")
        XCTAssertTrue(listening.isRunning())

        let sent = try await aiko.wallet.send(to: .handle(handle: "@" + ben.handle), amount: jpy(1_500), message: "events")
        let heard = await eventually { !seen.all.isEmpty }
        XCTAssertTrue(heard, "the transfer arrived as an event")
        if case .incoming(let t) = seen.all.first { XCTAssertEqual(t.id, sent.id) } else { XCTFail("\(seen.all)") }

        collector.cancel()
        await collector.value
        let stopped = await eventually(timeout: 5) { !listening.isRunning() }
        XCTAssertTrue(stopped, "cancelling the collector stopped the listen loop")
    }

    func testThePublicStreamDeliversTheFirstEvent() async throws {
        let carl = try await enrolledWallet("streamcarl", in: dir)
        try await fund(carl.wallet, topUp: 10_000)
        let dana = try await enrolledWallet("streamdana", in: dir)
        let first = Task { () -> WalletEvent? in
            for await event in dana.wallet.events(waitSecs: 2) { return event }
            return nil
        }
        _ = try await carl.wallet.send(to: .handle(handle: "@" + dana.handle), amount: jpy(800), message: nil)
        let got = await first.value
        guard case .incoming(let t)? = got else { return XCTFail("\(String(describing: got))") }
        XCTAssertEqual(t.amount, jpy(800))
    }
}
