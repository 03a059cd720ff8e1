import Foundation
import Koban

/// One line of history as the screen shows it.
public struct HistoryRow: Equatable, Identifiable, Sendable {
    /// The host's transaction id.
    public let id: String
    /// Top-up, payment, transfer, remittance…
    public let kind: TransactionKind
    /// `Payment to KOBAN RAMEN`, in the user's language, from the kind and counterparty.
    public let title: String
    /// Merchant, `@handle` or bank.
    public let counterparty: String?
    /// The amount, always positive.
    public let amount: Money
    /// `+¥5,000` or `−¥1,200`.
    public let amountText: String
    /// In or out.
    public let direction: Direction
    /// When, by the host's clock.
    public let createdAt: Date

    /// The row of `t`.
    public init(_ t: WalletTransaction) {
        id = t.id
        kind = t.kind
        title = TransactionLine.text(t)
        counterparty = t.counterparty
        amount = t.amount
        amountText = MoneyText.signed(t.amount, direction: t.direction)
        direction = t.direction
        createdAt = t.createdAt
    }
}

/// History: pages of transactions, newest first, read from the device (works offline).
public final class HistoryModel: ViewModel {
    /// Rows loaded so far, newest first.
    public private(set) var rows: [HistoryRow] = [] { didSet { changed() } }
    /// Whether older rows remain.
    public private(set) var hasMore = false { didSet { changed() } }
    /// Why the last read failed.
    public private(set) var message: UserMessage? { didSet { changed() } }

    private let wallet: Wallet
    private let pageSize: Int32
    private var cursor: String?
    private var isLoading = false
    private var generation = 0

    /// History over `wallet`, `pageSize` rows a page.
    public init(wallet: Wallet, pageSize: Int32 = 20) {
        self.wallet = wallet
        self.pageSize = pageSize
    }

    /// Reads the first page again (after a payment, on pull to refresh).
    public func reload() async {
        generation += 1
        cursor = nil
        rows = []
        hasMore = false
        await page()
    }

    /// Appends the next page, if any; a tap while one loads does nothing.
    public func loadMore() async {
        guard hasMore, !isLoading else { return }
        await page()
    }

    private func page() async {
        // The read runs off the main actor; a reload while it was away makes its page stale.
        let asked = generation
        isLoading = true
        defer { if asked == generation { isLoading = false } }
        do {
            let p = try await wallet.history(limit: pageSize, cursor: cursor)
            guard asked == generation else { return }
            cursor = p.nextCursor
            rows += p.items.map(HistoryRow.init)
            hasMore = p.nextCursor != nil
            message = nil
        } catch {
            guard asked == generation else { return }
            message = UserMessage(error)
        }
    }
}
