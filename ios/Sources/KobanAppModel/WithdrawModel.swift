import Foundation
import Koban

/// A withdrawal shown before confirming.
public struct WithdrawalReview: Equatable, Sendable {
    /// The linked account it goes to.
    public let link: BankLink
    /// `Sakura Sandbox Bank ••••4321`.
    public let accountText: String
    /// What the bank account receives.
    public let amount: Money
    /// `¥5,000`.
    public let amountText: String
    /// The withdrawal fee, by the host's published rule; it comes on top of the amount.
    public let fee: Money
    /// `¥100`.
    public let feeText: String
    /// What leaves the wallet: the amount and the fee.
    public let total: Money
    /// `¥5,100`.
    public let totalText: String
    /// The most one withdrawal may take out.
    public let max: Money
    /// `A withdrawal fee is added to this amount.`
    public let feeNote: String
}

/// What a withdrawal did.
public struct WithdrawalReceipt: Equatable, Sendable {
    /// The withdrawal as history has it (its amount is the total that left the wallet).
    public let transaction: WalletTransaction
    /// `¥5,000`: what the bank account receives.
    public let amountText: String
    /// `¥100`, when the host reports a fee.
    public let feeText: String?
    /// `¥5,100`: what left the wallet.
    public let totalText: String
    /// The balance after it, when the host could be asked.
    public let balanceText: String?
}

/// Withdraw: money from the wallet to a linked bank account (shown first, then confirmed,
/// exactly once), and unlinking an account.
public final class WithdrawModel: ViewModel {
    /// Where the screen is.
    public enum State: Equatable {
        /// Ready for input.
        case idle
        /// Asking the host what the withdrawal costs; nothing moves.
        case previewing
        /// The withdrawal is shown; nothing has moved.
        case reviewing(WithdrawalReview)
        /// Withdrawing what was shown.
        case withdrawing(WithdrawalReview)
        /// Unlinking an account.
        case working
        /// The money went out.
        case done(WithdrawalReceipt)
        /// The account was unlinked; its history stays.
        case unlinked(BankLink)
        /// The bank, the host or Koban refused.
        case failed(UserMessage)
    }

    /// The current state.
    public private(set) var state: State = .idle { didSet { changed() } }
    /// Linked accounts (only their last four digits are kept).
    public private(set) var links: [BankLink] = [] { didSet { changed() } }
    /// What is wrong with the typed amount or account.
    public private(set) var formError: UserMessage? { didSet { changed() } }

    private let wallet: Wallet

    /// Withdrawals over `wallet`.
    public init(wallet: Wallet) {
        self.wallet = wallet
    }

    /// Loads the linked accounts (local, read off the main actor).
    public func load() async {
        do {
            links = try await wallet.bankLinks()
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Shows the withdrawal of `amount` (typed, home currency) to the linked account `linkId`,
    /// with the fee and the total that will leave the wallet; nothing moves until `confirm()`.
    public func review(linkId: String, amount: String) async {
        guard case .idle = state else { return }
        guard let link = links.first(where: { $0.id == linkId }) else {
            formError = .form(.withdrawChooseAccountTitle, .withdrawChooseAccountDetail)
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
        state = .previewing
        do {
            let p = try await wallet.previewWithdrawal(amount: money)
            state = .reviewing(WithdrawalReview(
                link: link, accountText: "\(link.bankName) \u{2022}\u{2022}\u{2022}\u{2022}\(link.last4)", amount: p.amount,
                amountText: MoneyText.format(p.amount), fee: p.fee, feeText: MoneyText.format(p.fee), total: p.total,
                totalText: MoneyText.format(p.total), max: p.max, feeNote: AppText.withdrawFeeNote.text()))
        } catch let e as WalletError where e.kind == "invalid_input" {
            // Above the most one withdrawal may take, or not in the wallet's currency: fix the form.
            state = .idle
            formError = UserMessage(e)
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Withdraws what is on screen, exactly once: a second tap while it goes does nothing.
    public func confirm() async {
        guard case .reviewing(let review) = state else { return }
        state = .withdrawing(review)
        do {
            let t = try await wallet.withdraw(bankLinkId: review.link.id, amount: review.amount)
            let balance = try? await wallet.balance()
            state = .done(WithdrawalReceipt(
                transaction: t, amountText: review.amountText, feeText: t.detail.fee.map(MoneyText.format),
                totalText: MoneyText.format(t.amount), balanceText: balance.map { MoneyText.format($0.available) }))
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Ends the link `linkId`: no more top-ups or withdrawals through it.
    public func unlink(linkId: String) async {
        switch state {
        case .previewing, .withdrawing, .working: return
        default: break
        }
        guard let link = links.first(where: { $0.id == linkId }) else {
            formError = .form(.withdrawChooseAccountTitle, .withdrawNotLinkedDetail)
            return
        }
        state = .working
        do {
            try await wallet.unlinkBank(bankLinkId: linkId)
            links = try await wallet.bankLinks()
            state = .unlinked(link)
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Back to the form after a review or a result.
    public func reset() {
        switch state {
        case .previewing, .withdrawing, .working: return
        default: state = .idle
        }
    }
}
