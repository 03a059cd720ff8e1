import Foundation

/// The base of every screen's view model: its state lives on the main actor and every change
/// is announced to observers (a SwiftUI adapter, a UIKit controller, a test).
///
/// Plain change callbacks rather than `@Observable`: the Linux toolchain the tests run on
/// ships an Observation library that does not link (see ios/README.md), and Combine does
/// not exist there.
@MainActor
open class ViewModel {
    private var observations: [WeakObservation] = []

    /// A model with no observers yet.
    public init() {}

    /// Calls `onChange` after every change of this model's state, for as long as the
    /// returned observation is kept and not cancelled.
    public func observe(_ onChange: @escaping @MainActor () -> Void) -> ModelObservation {
        let o = ModelObservation(onChange)
        observations.append(WeakObservation(o))
        return o
    }

    /// Announces a change to every live observer; subclasses call it from their properties' `didSet`.
    public func changed() {
        observations.removeAll { $0.value == nil || $0.value!.isCancelled }
        for o in observations { o.value?.onChange() }
    }
}

/// One observer of a `ViewModel`; released or cancelled, it hears nothing more.
@MainActor
public final class ModelObservation {
    fileprivate let onChange: @MainActor () -> Void
    fileprivate var isCancelled = false

    fileprivate init(_ onChange: @escaping @MainActor () -> Void) { self.onChange = onChange }

    /// Stops the callbacks.
    public func cancel() { isCancelled = true }
}

@MainActor
private struct WeakObservation {
    weak var value: ModelObservation?
    init(_ value: ModelObservation) { self.value = value }
}

/// Wall-clock time and waiting, injected so time-driven screens (the code that refreshes
/// itself) can be tested without waiting.
public struct AppClock: Sendable {
    /// Now, Unix milliseconds.
    public var nowMs: @Sendable () -> UInt64
    /// Suspends for the given milliseconds; throws `CancellationError` when the task is cancelled.
    public var sleepMs: @Sendable (UInt64) async throws -> Void

    /// A clock from the two functions.
    public init(nowMs: @escaping @Sendable () -> UInt64, sleepMs: @escaping @Sendable (UInt64) async throws -> Void) {
        self.nowMs = nowMs
        self.sleepMs = sleepMs
    }

    /// The device's clock and `Task.sleep`.
    public static let system = AppClock(
        nowMs: { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) },
        sleepMs: { try await Task.sleep(nanoseconds: $0 * 1_000_000) }
    )
}
