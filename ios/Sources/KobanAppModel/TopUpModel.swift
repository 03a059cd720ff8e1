import Foundation
import Koban

/// What a top-up did.
public struct TopUpReceipt: Equatable, Sendable {
    /// The top-up as history has it.
    public let transaction: WalletTransaction
    /// `¥10,000`.
    public let amountText: String
    /// The balance after it, when the host could be asked.
    public let balanceText: String?
}

/// Top up: link a bank account, move money from it into the wallet.
public final class TopUpModel: ViewModel {
    /// Where the screen is.
    public enum State: Equatable {
        /// Ready for input.
        case idle
        /// Linking or topping up.
        case working
        /// Money arrived.
        case done(TopUpReceipt)
        /// The bank, the host or Koban refused.
        case failed(UserMessage)
    }

    /// The current state.
    public private(set) var state: State = .idle { didSet { changed() } }
    /// Linked accounts (only their last four digits are kept).
    public private(set) var links: [BankLink] = [] { didSet { changed() } }
    /// Banks that can be linked.
    public private(set) var banks: [Bank] = [] { didSet { changed() } }
    /// What is wrong with the typed amount.
    public private(set) var amountError: UserMessage? { didSet { changed() } }

    private let wallet: Wallet

    /// Top up over `wallet`.
    public init(wallet: Wallet) {
        self.wallet = wallet
    }

    /// Loads linked accounts (local) and the banks the host can link.
    public func load() async {
        do {
            links = try await wallet.bankLinks()
            banks = try await wallet.banks()
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Links an account; on the sandbox host `sandboxOpeningBalance` funds the simulated account.
    public func link(bankId: String, accountNumber: String, holderName: String, sandboxOpeningBalance: Money? = nil) async {
        state = .working
        do {
            _ = try await wallet.linkBank(account: BankAccount(bankId: bankId, accountNumber: accountNumber, holderName: holderName, sandboxOpeningBalance: sandboxOpeningBalance))
            links = try await wallet.bankLinks()
            state = .idle
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Moves the typed amount (home currency) from the linked account `linkId`.
    public func topUp(linkId: String, amount: String) async {
        let money: Money
        do {
            guard let currency = try await wallet.profile()?.currency else {
                state = .failed(.notEnrolled)
                return
            }
            money = try moneyParseDecimal(text: amount.replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces), currency: currency)
        } catch {
            amountError = UserMessage(error)
            return
        }
        amountError = nil
        state = .working
        do {
            let t = try await wallet.topUp(bankLinkId: linkId, amount: money)
            // The money is in; a failed balance read only leaves the new balance unknown.
            let balance = try? await wallet.balance()
            state = .done(TopUpReceipt(transaction: t, amountText: MoneyText.format(t.amount), balanceText: balance.map { MoneyText.format($0.available) }))
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Back to the form after a result.
    public func reset() {
        state = .idle
    }
}
