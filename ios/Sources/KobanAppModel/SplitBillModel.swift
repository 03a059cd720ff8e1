import Foundation
import Koban

/// How a bill is divided on the form.
public enum ShareRule: Equatable, Sendable {
    /// Equally among these handles, in whole minor units, the remainder on the first.
    case equal([String])
    /// These amounts (typed, home currency), which must add up to the bill.
    case exact([ExactShare])
}

/// One friend's typed share of a bill.
public struct ExactShare: Equatable, Sendable {
    /// Their handle (`@ben` or `ben`).
    public let handle: String
    /// Their share as typed (`1,500`).
    public let amount: String

    /// A share from its parts.
    public init(handle: String, amount: String) {
        self.handle = handle
        self.amount = amount
    }
}

/// One friend's share, planned or made.
public struct SplitLine: Equatable, Sendable {
    /// Their handle, without `@`.
    public let handle: String
    /// Their name, once the host has it.
    public let displayName: String?
    /// Their share.
    public let amount: Money
    /// `¥3,334`.
    public let amountText: String
    /// Waiting, paid, declined or expired; nil while only planned.
    public let status: MoneyRequestStatus?
    /// Whether they have paid.
    public var hasPaid: Bool { status == .paid }
    /// `Paid`, `Waiting`…, in the user's language; nil while only planned.
    public var statusText: String? { status.flatMap(MoneyRequestRow.statusText) }
}

/// A split bill as its organiser follows it.
public struct SplitSummary: Equatable, Sendable {
    /// The host's id.
    public let id: String
    /// What it was.
    public let note: String
    /// `¥10,000`.
    public let totalText: String
    /// `¥3,334` paid so far.
    public let paidText: String
    /// `¥6,666` still to come.
    public let outstandingText: String
    /// One line per friend, in the order given: who has paid.
    public let lines: [SplitLine]
    /// The split as the host has it.
    public let split: Split

    init(_ s: Split) {
        split = s
        id = s.id
        note = s.note
        totalText = MoneyText.format(s.total)
        paidText = MoneyText.format(s.paid)
        outstandingText = MoneyText.format(s.outstanding)
        lines = s.shares.map {
            SplitLine(handle: $0.payer.handle, displayName: $0.payer.displayName, amount: $0.amount,
                      amountText: MoneyText.format($0.amount), status: $0.status)
        }
    }
}

/// Split a bill: one request per friend, equal shares or exact ones, then who has paid.
public final class SplitBillModel: ViewModel {
    /// Where the screen is.
    public enum State: Equatable {
        /// The form is open.
        case editing
        /// Asking the host.
        case working
        /// The split is made; its lines say who has paid.
        case created(SplitSummary)
        /// The host or Koban refused.
        case failed(UserMessage)
    }

    /// The current state.
    public private(set) var state: State = .editing { didSet { changed() } }
    /// The shares as they will be asked, shown while editing (no network).
    public private(set) var planned: [SplitLine] = [] { didSet { changed() } }
    /// What is wrong with the form.
    public private(set) var formError: UserMessage? { didSet { changed() } }

    private let wallet: Wallet

    /// Split bills over `wallet`.
    public init(wallet: Wallet) {
        self.wallet = wallet
    }

    /// Shows the shares `rule` makes of `total` (typed, home currency) before anything is sent.
    public func plan(total: String, rule: ShareRule) async {
        do {
            let (_, _, lines) = try await shares(total: total, rule: rule)
            planned = lines
            formError = nil
        } catch {
            planned = []
            formError = (error as? FormError)?.message ?? UserMessage(error)
        }
    }

    /// Splits `total` by `rule`, exactly once: one request per friend.
    public func create(total: String, rule: ShareRule, note: String = "") async {
        guard state == .editing else { return }
        let bill: Money
        let request: SplitShares
        do {
            let made = try await shares(total: total, rule: rule)
            bill = made.0
            request = made.1
            planned = made.2
        } catch {
            formError = (error as? FormError)?.message ?? UserMessage(error)
            return
        }
        formError = nil
        state = .working
        do {
            let s = try await wallet.splitBill(total: bill, shares: request, note: note.trimmingCharacters(in: .whitespacesAndNewlines))
            state = .created(SplitSummary(s))
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Asks the host who has paid since.
    public func refresh() async {
        guard case .created(let summary) = state else { return }
        do {
            state = .created(SplitSummary(try await wallet.split(id: summary.id)))
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// A new bill.
    public func reset() {
        if state == .working { return }
        planned = []
        formError = nil
        state = .editing
    }

    private struct FormError: Error {
        let message: UserMessage
    }

    /// The bill, the request for Koban and the lines to show.
    private func shares(total: String, rule: ShareRule) async throws -> (Money, SplitShares, [SplitLine]) {
        guard let bill = try await MoneyText.parse(total, in: wallet) else { throw FormError(message: .notEnrolled) }
        let currency = bill.currency
        let clean = { (h: String) in
            String(h.trimmingCharacters(in: .whitespacesAndNewlines).drop { $0 == "@" })
        }
        switch rule {
        case .equal(let handles):
            let people = handles.map(clean).filter { !$0.isEmpty }
            guard !people.isEmpty else { throw FormError(message: .form(.splitWhoSharesTitle, .splitWhoSharesDetail)) }
            let amounts = try equalShares(total: bill, people: Int32(people.count))
            let lines = zip(people, amounts).map {
                SplitLine(handle: $0, displayName: nil, amount: $1, amountText: MoneyText.format($1), status: nil)
            }
            return (bill, .equal(handles: people), lines)
        case .exact(let typed):
            let named = typed.map { ExactShare(handle: clean($0.handle), amount: $0.amount) }.filter { !$0.handle.isEmpty }
            guard !named.isEmpty else { throw FormError(message: .form(.splitWhoSharesTitle, .splitWhoSharesDetail)) }
            let parsed = try named.map { SplitShare(handle: $0.handle, amount: try MoneyText.parse($0.amount, currency: currency)) }
            let sum = parsed.reduce(Int64(0)) { $0 + $1.amount.minor }
            guard sum == bill.minor else {
                throw FormError(message: .form(.splitMismatchTitle, .splitMismatchDetail,
                                               MoneyText.format(Money(minor: sum, currency: currency)), MoneyText.format(bill)))
            }
            let lines = parsed.map {
                SplitLine(handle: $0.handle, displayName: nil, amount: $0.amount, amountText: MoneyText.format($0.amount), status: nil)
            }
            return (bill, .explicit(shares: parsed), lines)
        }
    }
}
