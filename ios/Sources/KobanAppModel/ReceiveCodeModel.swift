import Foundation
import Koban

/// A receive code on screen: a friend scans it to pay exactly its amount.
public struct ReceiveCodeDisplay: Equatable, Sendable {
    /// The code's text (what the friend's Send takes).
    public let payload: String
    /// The QR modules to draw.
    public let matrix: QrMatrix
    /// The amount it asks for; nil lets the payer choose.
    public let amount: Money?
    /// `¥1,500`.
    public let amountText: String?
    /// What it is for.
    public let note: String?
}

/// Receive: this wallet's code, with an amount and a note if wanted.
public final class ReceiveCodeModel: ViewModel {
    /// Where the screen is.
    public enum State: Equatable {
        /// No code yet.
        case idle
        /// Asking the host for the code.
        case making
        /// A code on screen.
        case showing(ReceiveCodeDisplay)
        /// The host or Koban refused.
        case failed(UserMessage)
    }

    /// The current state.
    public private(set) var state: State = .idle { didSet { changed() } }
    /// What is wrong with the typed amount or note.
    public private(set) var formError: UserMessage? { didSet { changed() } }

    private let wallet: Wallet

    /// Receive codes over `wallet`.
    public init(wallet: Wallet) {
        self.wallet = wallet
    }

    /// Makes a code asking for `amount` (typed, home currency; empty: the payer chooses) with
    /// a note of up to 25 characters.
    public func make(amount: String = "", note: String = "") async {
        guard state != .making else { return }
        var money: Money?
        do {
            if !amount.trimmingCharacters(in: .whitespaces).isEmpty {
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
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= 25 else {
            formError = .form(.receiveNoteTooLongTitle, .receiveNoteTooLongDetail, "25")
            return
        }
        formError = nil
        state = .making
        do {
            let payload = try await wallet.receiveCodeFor(amount: money, note: text.isEmpty ? nil : text)
            let matrix = try qrMatrix(text: payload)
            state = .showing(ReceiveCodeDisplay(payload: payload, matrix: matrix, amount: money,
                                                amountText: money.map(MoneyText.format), note: text.isEmpty ? nil : text))
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Back to the form.
    public func reset() {
        state = .idle
    }
}
