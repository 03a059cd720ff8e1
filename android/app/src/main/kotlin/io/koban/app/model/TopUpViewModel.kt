package io.koban.app.model

import io.koban.Bank
import io.koban.BankAccount
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

/** Where the Top up screen is. */
sealed interface TopUpStatus {
    /** Waiting for the user; [error] says why the last step failed. */
    data class Ready(val error: UserError? = null) : TopUpStatus

    /** Linking a bank or moving money. */
    data object Working : TopUpStatus

    /** Money moved into the wallet. */
    data class ToppedUp(
        /** The top-up, as history shows it. */
        val transaction: WalletTransaction,
        /** Its amount for people. */
        val amount: String,
    ) : TopUpStatus
}

/** What the Top up screen shows. */
data class TopUpState(
    /** Banks the host can link. */
    val banks: List<Bank> = emptyList(),
    /** Accounts already linked (only their last four digits). */
    val links: List<BankLink> = emptyList(),
    /** The home currency amounts are typed in. */
    val currency: CurrencyCode? = null,
    /** The current step. */
    val status: TopUpStatus = TopUpStatus.Ready(),
)

/**
 * Top up: link a bank account, then move money from it into the wallet.
 *
 * `sandboxOpeningBalance` is for builds against the sandbox host only: what a newly linked
 * simulated account opens with.
 */
class TopUpViewModel(
    private val wallet: Wallet,
    private val scope: CoroutineScope,
    private val sandboxOpeningBalance: Money? = null,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _state = MutableStateFlow(TopUpState())

    /** The screen's state. */
    val state: StateFlow<TopUpState> = _state.asStateFlow()

    init {
        scope.launch {
            reloadLinks()
            try {
                val banks = wallet.banks()
                _state.update { it.copy(banks = banks) }
            } catch (e: WalletException) {
                _state.update { it.copy(status = TopUpStatus.Ready(userError(e))) }
            }
        }
    }

    /** Links account `accountNumber` at bank `bankId`, held by `holderName`. */
    fun linkBank(bankId: String, accountNumber: String, holderName: String): Job? = work {
        wallet.linkBank(BankAccount(bankId, accountNumber.trim(), holderName.trim(), sandboxOpeningBalance))
        reloadLinks()
        TopUpStatus.Ready()
    }

    /** Moves `amountText` ("5000") of the home currency from linked account `linkId` into the wallet. */
    fun topUp(linkId: String, amountText: String): Job? {
        val currency = _state.value.currency ?: return null
        val amount = try {
            moneyParseDecimal(amountText.trim(), currency)
        } catch (e: KobanException) {
            _state.update { it.copy(status = TopUpStatus.Ready(userError(e))) }
            return null
        }
        return work {
            val t = wallet.topUp(linkId, amount)
            TopUpStatus.ToppedUp(t, t.amount.display())
        }
    }

    private fun work(step: suspend () -> TopUpStatus): Job? {
        if (_state.value.status == TopUpStatus.Working) return null
        _state.update { it.copy(status = TopUpStatus.Working) }
        return scope.launch {
            val status = try {
                step()
            } catch (e: WalletException) {
                TopUpStatus.Ready(userError(e))
            }
            _state.update { it.copy(status = status) }
        }
    }

    private suspend fun reloadLinks() {
        val (links, currency) = withContext(io) { wallet.bankLinks() to wallet.profile()?.currency }
        _state.update { it.copy(links = links, currency = currency) }
    }
}
