package io.koban.app.model

import io.koban.CurrencyCode
import io.koban.KobanException
import io.koban.Money
import io.koban.QrMatrix
import io.koban.Wallet
import io.koban.WalletException
import io.koban.moneyParseDecimal
import io.koban.qrMatrix
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

/** A receive code on screen: a friend scans it and sends, exactly [amount] when it names one. */
data class ReceiveCode(
    /** The code's text (what the QR holds). */
    val text: String,
    /** The QR to draw. */
    val matrix: QrMatrix,
    /** The amount the code asks for ("¥1,200"), or null when the sender chooses. */
    val amount: String?,
    /** What the money is for, when given. */
    val note: String?,
)

/** Where the Receive screen is. */
sealed interface ReceiveStatus {
    /** The form (and the code, when one was made); [error] says why the last one was not. */
    data class Ready(val error: UserError? = null) : ReceiveStatus

    /** Asking the host for the code. */
    data object Working : ReceiveStatus
}

/** What the Receive screen shows. */
data class ReceiveState(
    /** The home currency amounts are typed in. */
    val currency: CurrencyCode? = null,
    /** The code made last. */
    val code: ReceiveCode? = null,
    /** The current step. */
    val status: ReceiveStatus = ReceiveStatus.Ready(),
)

/** Receive: this wallet's code for a friend to scan, with an amount and a note when asked for. */
class ReceiveViewModel(
    private val wallet: Wallet,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _state = MutableStateFlow(ReceiveState())

    /** The screen's state. */
    val state: StateFlow<ReceiveState> = _state.asStateFlow()

    init {
        scope.launch {
            val currency = withContext(io) { wallet.profile()?.currency }
            _state.update { it.copy(currency = currency) }
        }
    }

    /**
     * Makes a code asking for `amountText` ("1200") of the home currency, or for any amount when
     * blank, with `note` (up to [MAX_NOTE] characters) when not blank.
     */
    fun make(amountText: String = "", note: String = ""): Job? {
        val s = _state.value
        if (s.status == ReceiveStatus.Working) return null
        val currency = s.currency ?: return null
        val amount: Money? = if (amountText.isBlank()) {
            null
        } else {
            try {
                moneyParseDecimal(amountText.trim(), currency)
            } catch (e: KobanException) {
                _state.update { it.copy(status = ReceiveStatus.Ready(userError(e))) }
                return null
            }
        }
        val text = note.trim().takeIf { it.isNotEmpty() }
        if (text != null && text.length > MAX_NOTE) {
            _state.update { it.copy(status = ReceiveStatus.Ready(formError("note_too_long", UiText(TextKey.ERROR_NOTE_TOO_LONG, MAX_NOTE)))) }
            return null
        }
        _state.update { it.copy(status = ReceiveStatus.Working) }
        return scope.launch {
            try {
                val code = wallet.receiveCodeFor(amount, text)
                val shown = ReceiveCode(code, withContext(io) { qrMatrix(code) }, amount?.display(), text)
                _state.update { it.copy(code = shown, status = ReceiveStatus.Ready()) }
            } catch (e: WalletException) {
                _state.update { it.copy(status = ReceiveStatus.Ready(userError(e))) }
            } catch (e: KobanException) {
                _state.update { it.copy(status = ReceiveStatus.Ready(userError(e))) }
            }
        }
    }

    companion object {
        /** The longest note a receive code carries. */
        const val MAX_NOTE = 25
    }
}
