package io.koban.app.model

import io.koban.CurrencyCode
import io.koban.DetectionException
import io.koban.KobanException
import io.koban.Money
import io.koban.Recipient
import io.koban.RemittancePurpose
import io.koban.SendPreview
import io.koban.SendTo
import io.koban.Wallet
import io.koban.WalletException
import io.koban.WalletTransaction
import io.koban.detect
import io.koban.moneyParseDecimal
import java.time.Instant
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

/** A send as the confirmation screen shows it: who gets it, as the host knows them, and what it costs. */
data class SendSummary(
    /** The recipient's handle, with `@`. */
    val handle: String,
    /** The recipient's name as the host knows it. */
    val name: String,
    /** The recipient's home country. */
    val country: String,
    /** The amount given, in the home currency ("¥10,000"). */
    val amount: String,
    /** What leaves the wallet ("¥10,500"): the amount at home, the quote's total abroad. */
    val debit: String,
    /** Whether a receive code fixed the amount (the form cannot change it). */
    val amountFixed: Boolean,
    /** What a receive code says the money is for. */
    val note: String?,
    /** For a friend abroad: what arrives in their currency ("฿2,270.00"). */
    val receives: String? = null,
    /** For a friend abroad: the remittance fee inside [debit]. */
    val fee: String? = null,
    /** For a friend abroad: the rate ("1 JPY = 0.227 THB"). */
    val rate: String? = null,
    /** For a friend abroad: how long until it arrives, in seconds, when the host says. */
    val arrivesInSecs: Long? = null,
    /** For a friend abroad: when the quoted rate stops being valid (host clock). */
    val rateExpiresAt: Instant? = null,
) {
    /** Whether this send is a remittance to another country. */
    val abroad: Boolean get() = receives != null

    companion object {
        /** The summary of `p`. */
        fun of(p: SendPreview): SendSummary {
            val q = p.remittance()
            return SendSummary(
                handle = "@" + p.recipientHandle(),
                name = p.displayName(),
                country = p.country(),
                amount = p.amount().display(),
                debit = p.debit().display(),
                amountFixed = p.amountFixed(),
                note = p.note(),
                receives = q?.receive()?.display(),
                fee = q?.fee()?.takeIf { it.minor > 0 }?.display(),
                rate = q?.rateLine(),
                arrivesInSecs = q?.deliveryEstimateSecs(),
                rateExpiresAt = q?.expiresAt(),
            )
        }
    }
}

/** Where a transfer on the Send screen is. */
sealed interface SendStatus {
    /** The form is open; [error] says why the last attempt did not go. */
    data class Editing(val error: UserError? = null) : SendStatus

    /** Asking the host who the recipient is (and, abroad, for a quote). Nothing moves. */
    data object Checking : SendStatus

    /** The recipient and the cost, shown before anything moves; [SendViewModel.confirm] sends it. */
    data class Confirm(
        /** The send to confirm: an object of the core's that the app reads but cannot alter. */
        val preview: SendPreview,
        /** The send for people. */
        val summary: SendSummary,
        /** The message that goes with it. */
        val message: String?,
        /** True when an earlier rate expired and this is a fresh quote the sender has not seen yet. */
        val requoted: Boolean = false,
    ) : SendStatus

    /** On its way. */
    data object Sending : SendStatus

    /** Sent. */
    data class Sent(
        /** The transfer, as history shows it. */
        val transaction: WalletTransaction,
        /** Its amount for people (what left the wallet). */
        val amount: String,
        /** Who it went to. */
        val summary: SendSummary? = null,
    ) : SendStatus
}

/** What the Send screen shows. */
data class SendState(
    /** People sent to before, most recent first. */
    val recipients: List<Recipient> = emptyList(),
    /** The home currency amounts are typed in. */
    val currency: CurrencyCode? = null,
    /** The transfer. */
    val status: SendStatus = SendStatus.Editing(),
)

/**
 * Send: money to a handle or a scanned receive code, in the home currency. Every send is
 * shown first ([preview]: the recipient's name and country, abroad the remittance quote) and
 * moves money only on [confirm].
 */
class SendViewModel(
    private val wallet: Wallet,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _state = MutableStateFlow(SendState())

    /** The screen's state. */
    val state: StateFlow<SendState> = _state.asStateFlow()

    // What the last preview was asked with, to ask again after an expired rate.
    private var asked: Triple<SendTo, Money, String?>? = null

    init {
        scope.launch { reload() }
    }

    /**
     * Shows the send of `amountText` ("1500") of the home currency to `to` — a handle (with or
     * without `@`) or a scanned receive code — before anything moves. A receive code that fixes
     * its amount is sent exactly that; `amountText` may then be left blank.
     */
    fun preview(to: String, amountText: String, message: String? = null): Job? {
        val current = _state.value
        if (current.status == SendStatus.Checking || current.status == SendStatus.Sending) return null
        val currency = current.currency ?: return null
        val recipient = to.trim()
        val fixed = if (isReceiveCode(recipient)) fixedAmount(recipient) else null
        val amount = if (fixed != null && amountText.isBlank()) {
            fixed
        } else {
            try {
                moneyParseDecimal(amountText.trim(), currency)
            } catch (e: KobanException) {
                _state.update { it.copy(status = SendStatus.Editing(userError(e))) }
                return null
            }
        }
        val target = if (isReceiveCode(recipient)) SendTo.ReceiveCode(recipient) else SendTo.Handle(recipient.removePrefix("@"))
        val note = message?.trim()?.takeIf { it.isNotEmpty() }
        asked = Triple(target, amount, note)
        _state.update { it.copy(status = SendStatus.Checking) }
        return scope.launch { previewAgain(requoted = false) }
    }

    /** Sends what [SendStatus.Confirm] shows, once: a second tap, or one after it went, does nothing. */
    fun confirm(purpose: RemittancePurpose? = null): Job? {
        val shown = _state.value.status as? SendStatus.Confirm ?: return null
        if (!transition(shown, SendStatus.Sending)) return null
        return scope.launch {
            val status = try {
                val t = wallet.confirmSend(shown.preview, shown.message, purpose)
                SendStatus.Sent(t, t.amount.display(), shown.summary)
            } catch (e: WalletException.QuoteExpired) {
                // Never send at a rate the sender has not seen: quote again and ask again.
                previewAgain(requoted = true)
                return@launch
            } catch (e: WalletException) {
                SendStatus.Editing(userError(e))
            }
            _state.update { it.copy(status = status) }
            reload()
        }
    }

    /** Back to the form from the confirmation, nothing sent. */
    fun cancel() {
        _state.update { if (it.status is SendStatus.Confirm) it.copy(status = SendStatus.Editing()) else it }
    }

    /** Back to an empty form after a transfer. */
    fun another() {
        _state.update {
            if (it.status is SendStatus.Sending || it.status is SendStatus.Checking) it else it.copy(status = SendStatus.Editing())
        }
    }

    private suspend fun previewAgain(requoted: Boolean) {
        val (target, amount, note) = asked ?: return
        _state.update { it.copy(status = SendStatus.Checking) }
        val status = try {
            val p = wallet.previewSend(target, amount)
            SendStatus.Confirm(p, SendSummary.of(p), note, requoted)
        } catch (e: WalletException) {
            SendStatus.Editing(userError(e))
        }
        _state.update { it.copy(status = status) }
    }

    private fun transition(from: SendStatus, to: SendStatus): Boolean {
        while (true) {
            val s = _state.value
            if (s.status != from) return false
            if (_state.compareAndSet(s, s.copy(status = to))) return true
        }
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

        /** The amount a receive code fixes, if it does. */
        fun fixedAmount(code: String): Money? = try {
            detect(code).amount
        } catch (e: DetectionException) {
            null
        }
    }
}
