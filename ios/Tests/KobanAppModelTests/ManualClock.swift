import Foundation
import KobanAppModel

/// A clock the test moves by hand: sleepers wait until `advanceToNextWake()` and wake with
/// `CancellationError` when their task is cancelled, as `Task.sleep` does.
final class ManualClock: @unchecked Sendable {
    private struct Sleeper {
        let wakeAt: UInt64
        let continuation: CheckedContinuation<Void, Error>
    }

    private let lock = NSLock()
    private var now: UInt64
    private var nextId = 0
    private var sleepers: [Int: Sleeper] = [:]
    private var cancelledEarly: Set<Int> = []
    private var _requested: [UInt64] = []

    /// Starts at `nowMs` (Unix milliseconds).
    init(nowMs: UInt64) { now = nowMs }

    /// The clock to inject.
    var clock: AppClock {
        AppClock(nowMs: { [self] in sync { now } }, sleepMs: { [self] ms in try await sleep(ms) })
    }

    /// Every sleep asked for, in milliseconds, in order.
    var requested: [UInt64] { sync { _requested } }

    /// Sleepers still waiting.
    var pending: Int { sync { sleepers.count } }

    /// Now, Unix milliseconds.
    var nowMs: UInt64 { sync { now } }

    /// Moves time to the earliest sleeper's wake-up and wakes it; false when nobody sleeps.
    @discardableResult
    func advanceToNextWake() -> Bool {
        let woken: Sleeper? = sync {
            guard let (id, s) = sleepers.min(by: { $0.value.wakeAt < $1.value.wakeAt }) else { return nil }
            sleepers[id] = nil
            now = max(now, s.wakeAt)
            return s
        }
        woken?.continuation.resume()
        return woken != nil
    }

    private func sleep(_ ms: UInt64) async throws {
        let id: Int = sync {
            nextId += 1
            _requested.append(ms)
            return nextId
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                let early: Bool = sync {
                    if cancelledEarly.remove(id) != nil { return true }
                    sleepers[id] = Sleeper(wakeAt: now + ms, continuation: c)
                    return false
                }
                if early { c.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let s: Sleeper? = sync {
                if let s = sleepers.removeValue(forKey: id) { return s }
                // Cancelled before the continuation was stored: it refuses to wait.
                cancelledEarly.insert(id)
                return nil
            }
            s?.continuation.resume(throwing: CancellationError())
        }
    }

    private func sync<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
