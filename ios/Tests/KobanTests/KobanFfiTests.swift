import Foundation
import XCTest
import Koban

/// The FFI machinery itself, seen from Swift: calls, typed errors, panics and async.
///
/// The `testHook*` functions exist only in the library built with the `test-hooks`
/// feature, which scripts/test-swift.sh builds.
final class KobanFfiTests: XCTestCase {
    /// Passed in by the test script from Cargo.toml, so a stale library fails.
    private var expectedVersion: String {
        ProcessInfo.processInfo.environment["KOBAN_EXPECTED_VERSION"] ?? ""
    }

    func testVersionIsTheWorkspaceVersion() {
        XCTAssertFalse(expectedVersion.isEmpty, "KOBAN_EXPECTED_VERSION not set")
        XCTAssertEqual(kobanVersion(), expectedVersion)
    }

    func testErrorsArriveAsTypedErrorsWithReadableMessages() {
        XCTAssertThrowsError(try testHookInvalidInput(reason: "amount must be positive")) { error in
            guard case KobanError.InvalidInput(let message) = error else {
                return XCTFail("expected KobanError.InvalidInput, got \(error)")
            }
            XCTAssertEqual(message, "invalid input: amount must be positive")
            XCTAssertEqual(error.localizedDescription, "invalid input: amount must be positive")
        }
    }

    func testARustPanicArrivesAsAnErrorNotACrash() {
        XCTAssertThrowsError(try testHookPanic(message: "deliberate panic from the Swift test")) { error in
            XCTAssertFalse(error is KobanError, "a panic must not look like a Koban error")
            XCTAssertEqual(error.localizedDescription, "deliberate panic from the Swift test")
        }
        // The library must still work after unwinding.
        XCTAssertEqual(kobanVersion(), expectedVersion)
    }

    func testAsyncCallsComplete() async throws {
        let sum = try await testHookAsyncAdd(a: 2, b: 3, delayMs: 20)
        XCTAssertEqual(sum, 5)
    }

    func testAsyncErrorsArriveAsTypedErrors() async {
        do {
            _ = try await testHookAsyncAdd(a: Int32.max, b: 1, delayMs: 0)
            XCTFail("overflow was not reported")
        } catch KobanError.InvalidInput(let message) {
            XCTAssertEqual(message, "invalid input: 2147483647 + 1 overflows i32")
        } catch {
            XCTFail("expected KobanError.InvalidInput, got \(error)")
        }
    }

    func testAsyncCallsSuspendInsteadOfBlocking() async throws {
        // 20 calls of 200 ms: only truly suspending calls overlap; blocking ones take 4 s.
        let started = DispatchTime.now().uptimeNanoseconds
        let sums = try await withThrowingTaskGroup(of: Int32.self) { group in
            for i in Int32(1)...20 {
                group.addTask { try await testHookAsyncAdd(a: i, b: 1, delayMs: 200) }
            }
            var all: [Int32] = []
            for try await sum in group { all.append(sum) }
            return all.sorted()
        }
        let elapsedMs = (DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
        XCTAssertEqual(sums, Array(Int32(2)...21))
        XCTAssertLessThan(elapsedMs, 2_000, "20 overlapping 200 ms calls took \(elapsedMs) ms")
    }
}
