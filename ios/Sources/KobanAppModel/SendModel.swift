import Foundation
import Koban

/// A send as the sender sees it before confirming: the recipient as the host knows them and,
/// for a friend whose wallet holds another currency, the remittance it becomes.
public struct SendReview: Equatable, Sendable {
    /// What `confirm()` sends: an object of the core's that the app reads but cannot alter.
    public let preview: SendPreview
    /// The recipient's handle, without `@`.
    public let handle: String
    /// Their name as the host knows it.
    public let displayName: String
    /// Their home country.
    public let country: String
    /// The amount given (a receive code's own when it fixes one).
    public let amount: Money
    /// `¥5,000`.
    public let amountText: String
    /// Whether a scanned receive code fixed the amount (the field is not editable).
    public let amountFixed: Bool
    /// What the receive code says the money is for.
    public let note: String?
    /// What leaves the wallet, home currency (fee included abroad).
    public let debit: Money
    /// `¥5,000`.
    public let debitText: String
    /// The message that goes with it.
    public let message: String?
    /// Abroad: the remittance quote shown before confirming.
    public let remittance: RemittanceTerms?

    /// True when the friend is abroad and the send is a remittance.
    public var isRemittance: Bool { remittance != nil }
}

/// A remittance's terms as the confirm step shows them.
public struct RemittanceTerms: Equatable, Sendable {
    /// The quote (its id, expiry, margin).
    public let quote: FxQuote
    /// What arrives, their currency.
    public let receive: Money
    /// `₱2,130.50`.
    public let receiveText: String
    /// The fee, home currency.
    public let fee: Money
    /// `¥300`.
    public let feeText: String
    /// `1 JPY = 0.355 PHP`.
    public let rateText: String
    /// `within 15 min`, when the host gives an estimate.
    public let arrivalText: String?

    init(_ q: FxQuote) {
        quote = q
        receive = q.receive()
        receiveText = MoneyText.format(q.receive())
        fee = q.fee()
        feeText = MoneyText.format(q.fee())
        rateText = MoneyText.rate(q)
        arrivalText = MoneyText.arrival(q.deliveryEstimateSecs())
    }
}

/// What was sent.
public struct SendReceipt: Equatable, Sendable {
    /// The transfer (or remittance) as history has it.
    public let transaction: WalletTransaction
    /// `¥5,000`: what left the wallet.
    public let amountText: String
    /// What was shown and confirmed.
    public let review: SendReview
}

/// Send: money to a friend, by handle or by their scanned receive code. Every send is shown
/// first (who, and abroad the rate, fee and arrival) and moves money only on `confirm()`.
public final class SendModel: ViewModel {
    /// Where the screen is.
    public enum State: Equatable {
        /// The form is open.
        case editing
        /// Asking the host who the recipient is (and for a quote abroad).
        case previewing
        /// The send is shown; nothing has moved.
        case reviewing(SendReview)
        /// Sending what was shown.
        case sending(SendReview)
        /// Sent.
        case sent(SendReceipt)
        /// The host or Koban refused.
        case failed(UserMessage)
    }

    /// The current state.
    public private(set) var state: State = .editing { didSet { changed() } }
    /// People sent to before, most recent first.
    public private(set) var recipients: [Recipient] = [] { didSet { changed() } }
    /// What is wrong with the form (amount or recipient), while editing.
    public private(set) var formError: UserMessage? { didSet { changed() } }

    private let wallet: Wallet

    /// Send over `wallet`.
    public init(wallet: Wallet) {
        self.wallet = wallet
    }

    /// Loads the recent recipients (local, read off the main actor).
    public func load() async {
        do {
            recipients = try await wallet.recipients()
        } catch {
            formError = UserMessage(error)
        }
    }

    /// The amount a scanned receive code fixes, to fill (and lock) the amount field; nil for a
    /// handle or a code without one.
    public static func fixedAmount(_ recipient: String) -> Money? {
        guard case .receiveCode(let payload) = destination(recipient.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        return (try? detect(payload: payload))?.amount
    }

    /// Shows the send of `amount` (typed, `5000` or `5,000`, in the home currency; empty for a
    /// receive code that fixes its amount) to `recipient`, a handle (`@ben` or `ben`) or a
    /// scanned receive code. Nothing moves until `confirm()`.
    public func review(to recipient: String, amount: String, message: String? = nil) async {
        guard state == .editing else { return }
        let to = recipient.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !to.isEmpty else {
            formError = .form(.sendWhoForTitle, .sendWhoForDetail)
            return
        }
        let money: Money
        do {
            if amount.trimmingCharacters(in: .whitespaces).isEmpty, let fixed = Self.fixedAmount(to) {
                money = fixed
            } else {
                guard let typed = try await MoneyText.parse(amount, in: wallet) else {
                    state = .failed(.notEnrolled)
                    return
                }
                money = typed
            }
        } catch {
            formError = UserMessage(error)
            return
        }
        formError = nil
        state = .previewing
        do {
            let p = try await wallet.previewSend(to: Self.destination(to), amount: money)
            let note = message.flatMap { $0.isEmpty ? nil : $0 }
            state = .reviewing(SendReview(
                preview: p, handle: p.recipientHandle(), displayName: p.displayName(), country: p.country(),
                amount: p.amount(), amountText: MoneyText.format(p.amount()), amountFixed: p.amountFixed(), note: p.note(),
                debit: p.debit(), debitText: MoneyText.format(p.debit()), message: note,
                remittance: p.remittance().map(RemittanceTerms.init)))
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Sends exactly what is on screen, once: a second tap while it goes does nothing.
    public func confirm() async {
        guard case .reviewing(let review) = state else { return }
        state = .sending(review)
        do {
            let t = try await wallet.confirmSend(preview: review.preview, message: review.message)
            state = .sent(SendReceipt(transaction: t, amountText: MoneyText.format(t.amount), review: review))
            recipients = (try? await wallet.recipients()) ?? recipients
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Back to the form (from the review, a result or a refusal).
    public func edit() {
        if case .sending = state { return }
        state = .editing
    }

    /// A scanned Koban receive code goes as one; anything else is a handle.
    public static func destination(_ text: String) -> SendTo {
        let detection = try? detect(payload: text)
        let isReceiveCode = detection?.routes.contains { $0.schemeId == ScanPayModel.receiveCodeScheme } ?? false
        return isReceiveCode ? .receiveCode(payload: text) : .handle(handle: text)
    }
}
