import Foundation
import Koban

/// One line of history as the screen shows it.
public struct HistoryRow: Equatable, Identifiable, Sendable {
    /// The host's transaction id.
    public let id: String
    /// `topup`, `payment`, `p2p`, `remittance`…
    public let kind: String
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
    /// Host time, Unix seconds.
    public let createdAt: Int64

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

    /// History over `wallet`, `pageSize` rows a page.
    public init(wallet: Wallet, pageSize: Int32 = 20) {
        self.wallet = wallet
        self.pageSize = pageSize
    }

    /// Reads the first page again (after a payment, on pull to refresh).
    public func reload() {
        cursor = nil
        rows = []
        hasMore = false
        page()
    }

    /// Appends the next page, if any.
    public func loadMore() {
        guard hasMore else { return }
        page()
    }

    private func page() {
        do {
            let p = try wallet.history(limit: pageSize, cursor: cursor)
            cursor = p.nextCursor
            rows += p.items.map(HistoryRow.init)
            hasMore = p.nextCursor != nil
            message = nil
        } catch {
            message = UserMessage(error)
        }
    }
}
