import Foundation
import Koban

/// One money request as the list shows it.
public struct MoneyRequestRow: Equatable, Sendable, Identifiable {
    /// The request itself (what `pay` hands back to Koban).
    public let request: MoneyRequest
    /// The host's id.
    public var id: String { request.id }
    /// The other side: who asks (incoming) or who is asked (outgoing).
    public let friend: Friend
    /// `Ben asks for ¥1,500` / `You asked Ben for ¥1,500`.
    public let title: String
    /// `¥1,500`.
    public let amountText: String
    /// What it is for (may be empty).
    public let note: String
    /// Waiting, paid, declined or expired.
    public let status: MoneyRequestStatus
    /// `Waiting`, `Paid`…: the status in the user's language; nil for one a newer host added.
    public let statusText: String?
    /// Whether this wallet can still pay or decline it.
    public var canAnswer: Bool { request.incoming && status == .pending }

    init(_ r: MoneyRequest) {
        request = r
        friend = r.incoming ? r.requester : r.payer
        let amount = MoneyText.format(r.amount)
        amountText = amount
        title = r.incoming ? AppText.requestIncoming.text(friend.displayName, amount) : AppText.requestOutgoing.text(friend.displayName, amount)
        statusText = Self.statusText(r.status)
        note = r.note
        status = r.status
    }

    /// A request's or share's status as the user reads it; nil for one a newer host added.
    public static func statusText(_ status: MoneyRequestStatus) -> String? {
        switch status {
        case .pending: return AppText.statusPending.text()
        case .paid: return AppText.statusPaid.text()
        case .declined: return AppText.statusDeclined.text()
        case .expired: return AppText.statusExpired.text()
        case .unknown: return nil
        }
    }
}

/// Paying a request, as shown before confirming: to whom, how much, what for.
public struct RequestPayment: Equatable, Sendable {
    /// The request to pay.
    public let request: MoneyRequest
    /// Who asks and receives the money.
    public let requester: Friend
    /// What leaves the wallet: exactly the request's amount.
    public let amount: Money
    /// `¥1,500`.
    public let amountText: String
    /// What it is for.
    public let note: String
}

/// Money requests between friends: ask a friend for an amount, see who asked you and whom
/// you asked, pay (shown first, then confirmed) or decline.
public final class MoneyRequestsModel: ViewModel {
    /// Where the screen is.
    public enum State: Equatable {
        /// The lists are up.
        case idle
        /// Loading, asking or declining.
        case working
        /// A request went out.
        case asked(MoneyRequestRow)
        /// A request to pay is shown; nothing has moved.
        case reviewing(RequestPayment)
        /// Paying the request on screen.
        case paying(RequestPayment)
        /// Paid, once.
        case paid(RequestPayment, WalletTransaction)
        /// Declined: nothing moved.
        case declined(MoneyRequestRow)
        /// The host or Koban refused.
        case failed(UserMessage)
    }

    /// The current state.
    public private(set) var state: State = .idle { didSet { changed() } }
    /// Requests this wallet is asked to pay, newest first.
    public private(set) var incoming: [MoneyRequestRow] = [] { didSet { changed() } }
    /// Requests this wallet made, newest first.
    public private(set) var outgoing: [MoneyRequestRow] = [] { didSet { changed() } }
    /// What is wrong with the request form, before anything is sent.
    public private(set) var formError: UserMessage? { didSet { changed() } }

    /// The last request that changed while listening (a friend asked, or paid or declined yours).
    public private(set) var lastChange: MoneyRequestRow? { didSet { changed() } }

    private let wallet: Wallet
    private var listening: Task<Void, Never>?

    /// Money requests over `wallet`.
    public init(wallet: Wallet) {
        self.wallet = wallet
    }

    /// Loads both lists from the host (each request in its state now).
    public func load() async {
        state = .working
        if await refresh() { state = .idle }
    }

    /// Asks the friend `handle` (`@ben` or `ben`) for `amount` (home currency) with a note.
    public func ask(from handle: String, amount: String, note: String = "") async {
        guard !isBusy else { return }
        let who = handle.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !who.isEmpty else {
            formError = .form(.requestWhoPaysTitle, .requestWhoPaysDetail)
            return
        }
        let money: Money
        do {
            guard let typed = try await MoneyText.parse(amount, in: wallet) else {
                state = .failed(.notEnrolled)
                return
            }
            money = typed
        } catch {
            formError = UserMessage(error)
            return
        }
        formError = nil
        state = .working
        do {
            let r = try await wallet.requestMoney(from: who, amount: money, note: note.trimmingCharacters(in: .whitespacesAndNewlines))
            _ = await refresh()
            state = .asked(MoneyRequestRow(r))
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Shows what paying the incoming request `id` will do; nothing moves until `confirmPay()`.
    public func review(_ id: String) {
        guard !isBusy else { return }
        guard let row = incoming.first(where: { $0.id == id }), row.canAnswer else {
            state = .failed(.form(.requestNotPayableTitle, .requestNotPayableDetail, kind: "bad_request"))
            return
        }
        let r = row.request
        state = .reviewing(RequestPayment(request: r, requester: r.requester, amount: r.amount, amountText: row.amountText, note: r.note))
    }

    /// Pays the request on screen, exactly once: a second tap while it goes does nothing.
    public func confirmPay() async {
        guard case .reviewing(let payment) = state else { return }
        state = .paying(payment)
        do {
            let t = try await wallet.payMoneyRequest(request: payment.request)
            _ = await refresh()
            state = .paid(payment, t)
        } catch {
            _ = await refresh()
            state = .failed(UserMessage(error))
        }
    }

    /// Declines the incoming request `id`: nothing moves, the requester hears it.
    public func decline(_ id: String) async {
        guard !isBusy else { return }
        state = .working
        do {
            let r = try await wallet.declineMoneyRequest(id: id)
            _ = await refresh()
            state = .declined(MoneyRequestRow(r))
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Listens while the screen is up: a friend's new request, or an answer to one of yours,
    /// updates the lists as it arrives (from the host's feed, without reloading).
    public func startListening(waitSecs: Int64 = 25) {
        guard !isListening else { return }
        let events = wallet.events(waitSecs: waitSecs)
        // On the main actor, like the model; cancelling the task ends the stream and its listen loop.
        listening = Task { [weak self] in
            for await event in events {
                guard case .moneyRequestChanged(let request) = event else { continue }
                self?.heard(request)
            }
        }
    }

    /// Stops listening (when the screen goes away).
    public func stopListening() {
        listening?.cancel()
        listening = nil
    }

    /// Whether the screen listens (between `startListening` and `stopListening`).
    public var isListening: Bool { listening.map { !$0.isCancelled } ?? false }

    /// Back to the lists (from a review, a result or a refusal).
    public func dismiss() {
        if case .paying = state { return }
        state = .idle
    }

    private var isBusy: Bool {
        switch state {
        case .working, .paying: return true
        default: return false
        }
    }

    /// A request as the feed brings it: replaces the one with its id, or comes first (newest).
    private func heard(_ request: MoneyRequest) {
        let row = MoneyRequestRow(request)
        if request.incoming {
            incoming = Self.upsert(row, into: incoming)
        } else {
            outgoing = Self.upsert(row, into: outgoing)
        }
        lastChange = row
    }

    private static func upsert(_ row: MoneyRequestRow, into rows: [MoneyRequestRow]) -> [MoneyRequestRow] {
        var rows = rows
        if let i = rows.firstIndex(where: { $0.id == row.id }) {
            rows[i] = row
        } else {
            rows.insert(row, at: 0)
        }
        return rows
    }

    /// Reloads both lists; on failure the state says why and false comes back.
    private func refresh() async -> Bool {
        do {
            let all = try await wallet.moneyRequests().map(MoneyRequestRow.init)
            incoming = all.filter { $0.request.incoming }
            outgoing = all.filter { !$0.request.incoming }
            return true
        } catch {
            state = .failed(UserMessage(error))
            return false
        }
    }
}
