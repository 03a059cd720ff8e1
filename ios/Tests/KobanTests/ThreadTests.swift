import Foundation
import XCTest
import Koban
import KobanTestSupport

/// The SDK's disk, crypto and key-store work never runs on the thread that calls it: not a
/// Swift task's cooperative thread, and not the main thread a view model calls from.
final class ThreadTests: XCTestCase {
    /// Notes the thread of every key store callback, then does what the app's store does.
    private final class ThreadNotingKeyStore: KeyStore, @unchecked Sendable {
        // With platform-held signing keys, so signing is called back too.
        let inner = TestKeyStore(secret: 0x31, platformKeys: TestHookPlatformKeys())
        private let lock = NSLock()
        private var _threads: [pthread_t] = []

        var threads: [pthread_t] {
            lock.lock()
            defer { lock.unlock() }
            return _threads
        }

        private func note() {
            lock.lock()
            _threads.append(pthread_self())
            lock.unlock()
        }

        func wrap(dataKey: Data) throws -> Data {
            note()
            return try inner.wrap(dataKey: dataKey)
        }

        func unwrap(wrapped: Data) throws -> Data {
            note()
            return try inner.unwrap(wrapped: wrapped)
        }

        func signingKey(alias: String) throws -> Data? {
            note()
            return try inner.signingKey(alias: alias)
        }

        func sign(alias: String, message: Data) throws -> Data {
            note()
            return try inner.sign(alias: alias, message: message)
        }
    }

    /// Opens the wallet from the calling thread, returning that thread.
    private func open(_ db: String, _ keys: KeyStore) async throws -> (Wallet, pthread_t) {
        // The call polls the SDK's future on this thread until its first suspension.
        let caller = pthread_self()
        let wallet = try await Wallet.open(dbPath: db, keyStore: keys, config: try Sandbox.config(), transport: URLSessionTransport())
        return (wallet, caller)
    }

    func testKeyStoreCallbacksNeverRunOnTheCallersThread() async throws {
        let dir = try TemporaryDirectory()
        let keys = ThreadNotingKeyStore()
        // Created (the data key wrapped), then opened again (unwrapped).
        var (wallet, first): (Wallet?, pthread_t) = try await open(dir.db("threads"), keys)
        // Enrolling makes the platform key and signs with it.
        _ = try await wallet?.enrol(enrolment: Enrolment(country: "JP", handle: Sandbox.handle("threads"), displayName: "Threads"))
        XCTAssertGreaterThan(keys.inner.platformKeys?.signatures() ?? 0, 0, "the platform key signed the enrolment")
        wallet = nil  // closed before it is opened again
        let (again, second) = try await open(dir.db("threads"), keys)
        _ = try await again.pendingCount()
        let seen = keys.threads
        XCTAssertFalse(seen.isEmpty, "the key store was used")
        for t in seen {
            XCTAssertEqual(pthread_equal(t, first), 0, "a KeyStore callback ran on the caller's thread")
            XCTAssertEqual(pthread_equal(t, second), 0, "a KeyStore callback ran on the caller's thread")
        }
    }
}
