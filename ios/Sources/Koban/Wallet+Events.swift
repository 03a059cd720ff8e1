import Foundation

/// What `Wallet.events` brings in: the calls of a `WalletListener`, as values.
public enum WalletEvent: Sendable, Equatable {
    /// A transfer arrived (already in history).
    case incoming(WalletTransaction)
    /// A till charge waits for approval: prompt at once, the host's window is short.
    case chargeRequested(ChargeRequest)
    /// A friend asks for money, or a request this wallet made was paid or declined.
    case moneyRequestChanged(MoneyRequest)
}

extension Wallet {
    /// The wallet's events as an `AsyncStream`: each stream runs its own `listen` loop
    /// (long-polling the host `waitSecs` at a time, with the core's back-off when offline),
    /// and the loop is cancelled when the task iterating it is cancelled or the stream is
    /// dropped. Events are buffered without bound (they are rare), so none is lost.
    public func events(waitSecs: Int64 = 25) -> AsyncStream<WalletEvent> {
        walletEvents { self.listen(listener: $0, waitSecs: waitSecs) }
    }
}

/// `Wallet.events` over any `listen`, so tests can see the `Listening` handle it stops.
func walletEvents(_ listen: (WalletListener) -> Listening) -> AsyncStream<WalletEvent> {
    AsyncStream(bufferingPolicy: .unbounded) { continuation in
        let listening = listen(StreamListener(continuation))
        continuation.onTermination = { _ in listening.cancel() }
    }
}

/// Forwards listener calls (made on a Koban thread) into the stream; `yield` never blocks.
private final class StreamListener: WalletListener, @unchecked Sendable {
    private let continuation: AsyncStream<WalletEvent>.Continuation

    init(_ continuation: AsyncStream<WalletEvent>.Continuation) {
        self.continuation = continuation
    }

    func onIncoming(transaction: WalletTransaction) throws {
        continuation.yield(.incoming(transaction))
    }

    func onChargeRequest(request: ChargeRequest) throws {
        continuation.yield(.chargeRequested(request))
    }

    func onMoneyRequest(request: MoneyRequest) throws {
        continuation.yield(.moneyRequestChanged(request))
    }
}
