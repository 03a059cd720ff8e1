import Foundation
import Koban

/// What was sent.
public struct SendReceipt: Equatable, Sendable {
    /// The transfer as history has it.
    public let transaction: WalletTransaction
    /// `¥5,000`.
    public let amountText: String
}

/// Send: money to a friend at home, by handle or by their scanned receive code.
public final class SendModel: ViewModel {
    /// Where the screen is.
    public enum State: Equatable {
        /// The form is open.
        case editing
        /// Sending.
        case sending
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

    /// Loads the recent recipients (local).
    public func load() {
        do {
            recipients = try wallet.recipients()
        } catch {
            formError = UserMessage(error)
        }
    }

    /// Sends `amount` (typed, `5000` or `5,000`, in the home currency) to `recipient`: a
    /// handle (`@ben` or `ben`) or a scanned receive code.
    public func send(to recipient: String, amount: String, message: String? = nil) async {
        guard state == .editing else { return }
        let to = recipient.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !to.isEmpty else {
            formError = UserMessage(kind: "invalid_input", title: "Who is it for?", detail: "enter a handle or scan their code", action: .edit)
            return
        }
        let money: Money
        do {
            guard let currency = try wallet.profile()?.currency else {
                state = .failed(UserMessage(WalletError.NotEnrolled(message: "this device is not enrolled yet")))
                return
            }
            money = try moneyParseDecimal(text: amount.replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces), currency: currency)
        } catch {
            formError = UserMessage(error)
            return
        }
        formError = nil
        state = .sending
        do {
            let note = message.flatMap { $0.isEmpty ? nil : $0 }
            let t = try await wallet.send(to: Self.destination(to), amount: money, message: note)
            state = .sent(SendReceipt(transaction: t, amountText: MoneyText.format(t.amount)))
            recipients = (try? wallet.recipients()) ?? recipients
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Back to the form.
    public func edit() {
        state = .editing
    }

    /// A scanned Koban receive code goes as one; anything else is a handle.
    public static func destination(_ text: String) -> SendTo {
        let detection = try? detect(payload: text)
        let isReceiveCode = detection?.routes.contains { $0.schemeId == ScanPayModel.receiveCodeScheme } ?? false
        return isReceiveCode ? .receiveCode(payload: text) : .handle(handle: text)
    }
}
