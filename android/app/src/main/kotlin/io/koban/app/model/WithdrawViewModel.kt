package io.koban.app.model

import io.koban.BankLink
import io.koban.CurrencyCode
import io.koban.KobanException
import io.koban.Money
import io.koban.Wallet
import io.koban.WalletException
import io.koban.WalletTransaction
import io.koban.moneyParseDecimal
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** Where the Withdraw screen is. */
sealed interface WithdrawStatus {
    /** The form; [error] says why the last step failed. */
    data class Ready(val error: UserError? = null) : WithdrawStatus

    /**
     * A withdrawal shown before it happens, with the host's fee (added on top of [amount] by
     * its published rule) and what leaves the wallet; [WithdrawViewModel.confirm] sends it.
     */
    data class ConfirmWithdrawal(
        /** The account the money goes to. */
        val link: BankLink,
        /** What the bank account receives. */
        val amount: Money,
        /** [amount] for people. */
        val amountText: String,
        /** The withdrawal fee, on top of [amount] (zero when there is none). */
        val fee: Money,
        /** [fee] for people, or null when there is no fee. */
        val feeText: String?,
        /** What leaves the wallet: [amount] plus [fee]. */
        val total: Money,
        /** [total] for people. */
        val totalText: String,
    ) : WithdrawStatus

    /** Unlinking shown before it happens; [WithdrawViewModel.confirm] ends the link. */
    data class ConfirmUnlink(val link: BankLink) : WithdrawStatus

    /** Talking to the host (asking what a withdrawal costs, or sending it). */
    data object Working : WithdrawStatus

    /** Money went to the bank. */
    data class Withdrawn(
        /** The withdrawal, as history shows it. */
        val transaction: WalletTransaction,
        /** What the bank account receives. */
        val amount: String,
        /** The host's withdrawal fee, when there was one. */
        val fee: String?,
        /** What left the wallet, the fee included. */
        val total: String,
    ) : WithdrawStatus

    /** The link ended: no more top-ups or withdrawals through it; its history stays. */
    data class Unlinked(val link: BankLink) : WithdrawStatus
}

/** What the Withdraw screen shows. */
data class WithdrawState(
    /** Accounts linked (only their last four digits). */
    val links: List<BankLink> = emptyList(),
    /** The home currency amounts are typed in. */
    val currency: CurrencyCode? = null,
    /** The wallet's balance for people, when known. */
    val balance: String? = null,
    /** The current step. */
    val status: WithdrawStatus = WithdrawStatus.Ready(),
)

/**
 * Money out: withdraw to a linked bank account (shown first with the host's fee and the total
 * from [Wallet.previewWithdrawal], then sent exactly once however often confirm is tapped), and
 * unlink an account.
 */
class WithdrawViewModel(
    private val wallet: Wallet,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _state = MutableStateFlow(WithdrawState())

    /** The screen's state. */
    val state: StateFlow<WithdrawState> = _state.asStateFlow()

    init {
        scope.launch {
            reload()
            refreshBalance()
        }
    }

    /**
     * Shows the withdrawal of `amountText` ("20000") of the home currency to linked account
     * `linkId` with its fee and total, as the host's published rule has them; nothing moves.
     * Returns the job asking the host, or null when nothing was asked (a typo, busy).
     */
    fun review(linkId: String, amountText: String): Job? {
        val s = _state.value
        if (busy(s.status)) return null
        val link = s.links.firstOrNull { it.id == linkId } ?: return null
        val currency = s.currency ?: return null
        val amount = try {
            moneyParseDecimal(amountText.trim(), currency)
        } catch (e: KobanException) {
            _state.update { it.copy(status = WithdrawStatus.Ready(userError(e))) }
            return null
        }
        while (true) {
            val now = _state.value
            if (busy(now.status)) return null
            if (_state.compareAndSet(now, now.copy(status = WithdrawStatus.Working))) break
        }
        return scope.launch {
            val status = try {
                val p = wallet.previewWithdrawal(amount)
                WithdrawStatus.ConfirmWithdrawal(
                    link, p.amount, p.amount.display(), p.fee, p.fee.takeIf { it.minor > 0 }?.display(), p.total, p.total.display(),
                )
            } catch (e: WalletException) {
                // Above the most one withdrawal may take, offline…: said before anything is sent.
                WithdrawStatus.Ready(userError(e))
            }
            _state.update { it.copy(status = status) }
        }
    }

    /** Shows the unlinking of account `linkId`. */
    fun askUnlink(linkId: String) {
        val link = _state.value.links.firstOrNull { it.id == linkId } ?: return
        _state.update { if (busy(it.status)) it else it.copy(status = WithdrawStatus.ConfirmUnlink(link)) }
    }

    /**
     * Does what the confirmation on screen shows, once: a second tap while it runs, or after it
     * is done, returns null and moves nothing.
     */
    fun confirm(): Job? {
        val shown = _state.value.status
        if (shown !is WithdrawStatus.ConfirmWithdrawal && shown !is WithdrawStatus.ConfirmUnlink) return null
        if (!transition(shown, WithdrawStatus.Working)) return null
        return scope.launch {
            val status = try {
                when (shown) {
                    is WithdrawStatus.ConfirmWithdrawal -> {
                        val t = wallet.withdraw(shown.link.id, shown.amount)
                        // What the host charged, as its record says; the fee shown before otherwise.
                        val fee = t.detail.fee ?: Money(t.amount.minor - shown.amount.minor, t.amount.currency).takeIf { it.minor > 0 } ?: shown.fee
                        WithdrawStatus.Withdrawn(t, shown.amountText, fee?.takeIf { it.minor > 0 }?.display(), t.amount.display())
                    }
                    is WithdrawStatus.ConfirmUnlink -> {
                        wallet.unlinkBank(shown.link.id)
                        WithdrawStatus.Unlinked(shown.link)
                    }
                    else -> error("unreachable")
                }
            } catch (e: WalletException) {
                WithdrawStatus.Ready(userError(e))
            }
            reload()
            _state.update { it.copy(status = status) }
            refreshBalance()
        }
    }

    /** Back to the form (from a confirmation, nothing done, or after a result). */
    fun dismiss() {
        _state.update { if (it.status is WithdrawStatus.Working) it else it.copy(status = WithdrawStatus.Ready()) }
    }

    private fun busy(s: WithdrawStatus) = s is WithdrawStatus.Working

    private fun transition(from: WithdrawStatus, to: WithdrawStatus): Boolean {
        while (true) {
            val s = _state.value
            if (s.status != from) return false
            if (_state.compareAndSet(s, s.copy(status = to))) return true
        }
    }

    private suspend fun reload() {
        val (links, currency) = withContext(io) { wallet.bankLinks() to wallet.profile()?.currency }
        _state.update { it.copy(links = links, currency = currency) }
    }

    private suspend fun refreshBalance() {
        try {
            val b = wallet.balance()
            _state.update { it.copy(balance = b.available.display()) }
        } catch (e: WalletException) {
            // The balance is a courtesy here: offline, the form still works and the host decides.
        }
    }
}
