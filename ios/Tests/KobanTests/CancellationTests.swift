import Foundation
import XCTest
import Koban
import KobanTestSupport

/// Cancelling the Swift `Task` that awaits a Koban call cancels the Rust call (the generated
/// bindings are patched for it by scripts/patch-swift-bindings.py), with the exactly-once
/// guarantee Kotlin's suite checks the same way: a payment cancelled mid-flight leaves one
/// pending intent that the next call, or `resolvePending`, settles, and nothing is paid twice.
final class CancellationTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
    }

    override func tearDown() {
        dir = nil
    }

    /// The app's URLSession stack, holding a payment (`POST /v1/payments`) before it is sent or
    /// after the host answered, until Koban drops the request (which cancels its Task).
    private final class GatedTransport: HttpTransport, @unchecked Sendable {
        enum Gate { case beforeSend, afterAnswer }

        private let inner = URLSessionTransport()
        private let lock = NSLock()
        private var _gate: Gate?
        private var _held = 0

        /// Where payments are held; nil lets everything through.
        var gate: Gate? {
            get { sync { _gate } }
            set { sync { _gate = newValue } }
        }

        /// How many payments have been held.
        var held: Int { sync { _held } }

        func send(request: HttpRequest) async throws -> HttpResponse {
            let gate = request.url.hasSuffix("/v1/payments") ? self.gate : nil
            if gate == .beforeSend { try await hold() }
            let response = try await inner.send(request: request)
            if gate == .afterAnswer { try await hold() }
            return response
        }

        /// Waits as a stalled network would: until cancelled, or 30 s (then the test fails).
        private func hold() async throws {
            sync { _held += 1 }
            try await Task.sleep(nanoseconds: 30_000_000_000)
        }

        private func sync<T>(_ body: () -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return body()
        }
    }

    /// Waits until the transport holds a payment.
    private func waitUntilHeld(_ transport: GatedTransport) async {
        let held = await eventually(timeout: 10) { transport.held > 0 }
        XCTAssertTrue(held, "the payment reached the transport")
    }

    /// Cancels `task` and checks that it ended with a CancellationError, promptly.
    private func cancelAndCheck<T>(_ task: Task<T, Error>, file: StaticString = #filePath, line: UInt = #line) async {
        let start = Date()
        task.cancel()
        switch await task.result {
        case .success(let value):
            XCTFail("the cancelled call returned \(value)", file: file, line: line)
        case .failure(let error):
            XCTAssertTrue(error is CancellationError, "the cancelled call threw \(error)", file: file, line: line)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "cancelling ended the call at once", file: file, line: line)
    }

    func testCancellingTheTaskCancelsTheRustCall() async throws {
        // Rust sleeps 30 s on its runtime; the Task is cancelled after 0.2 s.
        let slow = Task { try await testHookAsyncAdd(a: 1, b: 2, delayMs: 30_000) }
        try await Task.sleep(nanoseconds: 200_000_000)
        await cancelAndCheck(slow)

        // Cancelled before its first poll: the Rust future never runs.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await testHookAsyncAdd(a: 1, b: 2, delayMs: 30_000)
        }
        await cancelAndCheck(early)

        // Not cancelled: the answer.
        let sum = try await testHookAsyncAdd(a: 1, b: 2, delayMs: 10)
        XCTAssertEqual(sum, 3)
    }

    func testAPaymentCancelledAfterTheHostAppliedItIsSettledNotRepeated() async throws {
        let transport = GatedTransport()
        let yuki = try await enrolledWallet("yuki", in: dir, transport: transport)
        try await fund(yuki.wallet, topUp: 5_000)
        let mart = try await Sandbox.merchant("m_jp_mart")
        let quote = try await yuki.wallet.quotePayment(request: PaymentRequest(
            payload: mart.staticPayload, route: nil, amount: jpy(800), tip: nil, references: []))

        // The host commits the payment; the answer never reaches the wallet because the user left the screen.
        transport.gate = .afterAnswer
        let paying = Task { try await yuki.wallet.confirmPayment(quote: quote) }
        await waitUntilHeld(transport)
        await cancelAndCheck(paying)
        transport.gate = nil

        let waiting = try await yuki.wallet.pendingCount()
        XCTAssertEqual(waiting, 1, "the intent waits, outcome unknown")
        let before = try await yuki.wallet.history(limit: 10, cursor: nil).items
        XCTAssertFalse(before.contains { $0.kind == .payment })
        let taken = try await yuki.wallet.balance().available
        XCTAssertEqual(taken, jpy(4_200), "the host already took the money")

        try await yuki.wallet.resolvePending()
        let settled = try await yuki.wallet.pendingCount()
        XCTAssertEqual(settled, 0)
        let payments = try await yuki.wallet.history(limit: 10, cursor: nil).items.filter { $0.kind == .payment }
        XCTAssertEqual(payments.map(\.amount), [jpy(800)])
        let after = try await yuki.wallet.balance().available
        XCTAssertEqual(after, jpy(4_200), "paid once")
    }

    func testAPaymentCancelledBeforeItWasSentIsSentOnceByTheNextCall() async throws {
        let transport = GatedTransport()
        let mio = try await enrolledWallet("mio", in: dir, transport: transport)
        let link = try await fund(mio.wallet, topUp: 5_000)
        let mart = try await Sandbox.merchant("m_jp_mart")
        let quote = try await mio.wallet.quotePayment(request: PaymentRequest(
            payload: mart.staticPayload, route: nil, amount: jpy(900), tip: nil, references: []))

        transport.gate = .beforeSend
        let paying = Task { try await mio.wallet.confirmPayment(quote: quote) }
        await waitUntilHeld(transport)
        await cancelAndCheck(paying)
        transport.gate = nil

        let waiting = try await mio.wallet.pendingCount()
        XCTAssertEqual(waiting, 1)
        let untouched = try await mio.wallet.balance().available
        XCTAssertEqual(untouched, jpy(5_000), "the host never saw it")

        // The next money-moving call settles the pending payment first.
        _ = try await mio.wallet.topUp(bankLinkId: link, amount: jpy(100))
        let pending = try await mio.wallet.pendingCount()
        XCTAssertEqual(pending, 0)
        let kinds = try await mio.wallet.history(limit: 10, cursor: nil).items.map(\.kind)
        XCTAssertEqual(kinds, [.topUp, .payment, .topUp])
        let settled = try await mio.wallet.balance().available
        XCTAssertEqual(settled, jpy(5_000 - 900 + 100))
    }
}
