package io.koban.app.model

import io.koban.DetectionException
import io.koban.KobanException
import io.koban.Recipient
import io.koban.SendTo
import io.koban.Wallet
import io.koban.WalletException
import io.koban.WalletTransaction
import io.koban.detect
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

/** Where a transfer on the Send screen is. */
sealed interface SendStatus {
    /** The form is open; [error] says why the last attempt did not go. */
    data class Editing(val error: UserError? = null) : SendStatus

    /** On its way. */
    data object Sending : SendStatus

    /** Sent. */
    data class Sent(
        /** The transfer, as history shows it. */
        val transaction: WalletTransaction,
        /** Its amount for people. */
        val amount: String,
    ) : SendStatus
}

/** What the Send screen shows. */
data class SendState(
    /** People sent to before, most recent first. */
    val recipients: List<Recipient> = emptyList(),
    /** The home currency amounts are typed in. */
    val currency: String? = null,
    /** The transfer. */
    val status: SendStatus = SendStatus.Editing(),
)

/** Send: money to a handle or a scanned receive code, in the home currency. */
class SendViewModel(
    private val wallet: Wallet,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _state = MutableStateFlow(SendState())

    /** The screen's state. */
    val state: StateFlow<SendState> = _state.asStateFlow()

    init {
        scope.launch { reload() }
    }

    /**
     * Sends `amountText` ("1500") of the home currency to `to`: a handle (with or without `@`)
     * or a scanned receive code.
     */
    fun send(to: String, amountText: String, message: String? = null): Job? {
        val current = _state.value
        if (current.status == SendStatus.Sending) return null
        val currency = current.currency ?: return null
        val amount = try {
            moneyParseDecimal(amountText.trim(), currency)
        } catch (e: KobanException) {
            _state.update { it.copy(status = SendStatus.Editing(userError(e))) }
            return null
        }
        val recipient = to.trim()
        val target = if (isReceiveCode(recipient)) SendTo.ReceiveCode(recipient) else SendTo.Handle(recipient.removePrefix("@"))
        _state.update { it.copy(status = SendStatus.Sending) }
        return scope.launch {
            val status = try {
                val t = wallet.send(target, amount, message?.takeIf { it.isNotBlank() })
                SendStatus.Sent(t, t.amount.display())
            } catch (e: WalletException) {
                SendStatus.Editing(userError(e))
            }
            _state.update { it.copy(status = status) }
            reload()
        }
    }

    /** Back to an empty form after a transfer. */
    fun another() {
        _state.update { if (it.status is SendStatus.Sending) it else it.copy(status = SendStatus.Editing()) }
    }

    private suspend fun reload() {
        val (recipients, currency) = withContext(io) { wallet.recipients() to wallet.profile()?.currency }
        _state.update { it.copy(recipients = recipients, currency = currency) }
    }

    private companion object {
        /** Whether `text` is a scanned Koban receive code rather than a typed handle. */
        fun isReceiveCode(text: String): Boolean = try {
            detect(text).routes.any { it.schemeId == "koban-receive" }
        } catch (e: DetectionException) {
            false
        }
    }
}
