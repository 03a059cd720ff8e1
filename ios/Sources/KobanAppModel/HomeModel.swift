import Foundation
import Koban

/// A balance as the Home screen shows it.
public struct BalanceDisplay: Equatable, Sendable {
    /// The amount, home currency.
    public let available: Money
    /// `¥12,300`.
    public let text: String
    /// Whether it is the last balance seen rather than the host's answer just now.
    public let isStale: Bool
    /// When a stale balance was the host's, by the host's clock.
    public let asOf: Date?
}

/// Home: who this is, the balance (the cached one while offline), and money as it arrives.
public final class HomeModel: ViewModel {
    /// Handle, name and home currency, once enrolled.
    public private(set) var profile: WalletProfile? { didSet { changed() } }
    /// The balance to show; nil before anything is known.
    public private(set) var balance: BalanceDisplay? { didSet { changed() } }
    /// KYC tier and limits, from the last host answer.
    public private(set) var limits: Balance? { didSet { changed() } }
    /// True while asking the host.
    public private(set) var isRefreshing = false { didSet { changed() } }
    /// Why the last refresh failed (offline, locked…); nil after a good one.
    public private(set) var message: UserMessage? { didSet { changed() } }
    /// The latest transfer that arrived while listening.
    public private(set) var lastIncoming: WalletTransaction? { didSet { changed() } }

    private let wallet: Wallet
    private var listening: Task<Void, Never>?

    /// Home over `wallet`.
    public init(wallet: Wallet) {
        self.wallet = wallet
    }

    /// Shows the cached balance at once, then the host's.
    public func refresh() async {
        do {
            profile = try await wallet.profile()
            if balance == nil, let cached = try await wallet.cachedBalance() {
                balance = BalanceDisplay(available: cached.available, text: MoneyText.format(cached.available), isStale: true, asOf: cached.asOf)
            }
        } catch {
            message = UserMessage(error)
            return
        }
        isRefreshing = true
        defer { isRefreshing = false }
        do {
            let b = try await wallet.balance()
            limits = b
            balance = BalanceDisplay(available: b.available, text: MoneyText.format(b.available), isStale: false, asOf: nil)
            message = nil
        } catch {
            // Offline: keep what is shown, marked stale, with the reason beside it.
            if let shown = balance, !shown.isStale {
                let cached = try? await wallet.cachedBalance()
                balance = BalanceDisplay(available: shown.available, text: shown.text, isStale: true, asOf: cached?.asOf)
            }
            message = UserMessage(error)
        }
    }

    /// Listens for incoming money while Home is shown; each arrival updates the balance.
    public func startListening(waitSecs: Int64 = 25) {
        guard !isListening else { return }
        let events = wallet.events(waitSecs: waitSecs)
        // On the main actor, like the model; cancelling the task ends the stream and its listen loop.
        listening = Task { [weak self] in
            for await event in events {
                // My Code asks about till charges (the code is shown there); the request waits in the wallet for it.
                guard case .incoming(let transaction) = event else { continue }
                await self?.received(transaction)
            }
        }
    }

    /// Stops listening (when Home goes away); the loop ends within moments.
    public func stopListening() {
        listening?.cancel()
        listening = nil
    }

    /// Whether Home listens (between `startListening` and `stopListening`).
    public var isListening: Bool { listening.map { !$0.isCancelled } ?? false }

    fileprivate func received(_ transaction: WalletTransaction) async {
        lastIncoming = transaction
        await refresh()
    }
}
