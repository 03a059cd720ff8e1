package io.koban.app.model

import io.koban.CurrencyCode
import io.koban.KobanException
import io.koban.MoneyRequest
import io.koban.MoneyRequestStatus
import io.koban.Wallet
import io.koban.WalletException
import io.koban.WalletEvent
import io.koban.WalletTransaction
import io.koban.events
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

/** A money request as a list row shows it. */
data class RequestLine(
    /** The request. */
    val request: MoneyRequest,
    /** The other side's handle, with `@`. */
    val handle: String,
    /** The other side's name. */
    val name: String,
    /** The amount for people. */
    val amount: String,
    /** What it is for (may be empty). */
    val note: String,
    /** Pending, paid, declined or expired. */
    val status: MoneyRequestStatus,
) {
    /** Whether it still waits for an answer. */
    val pending: Boolean get() = status == MoneyRequestStatus.PENDING

    /** [status] for people ("Waiting", "Paid"…). */
    val statusText: UiText get() = requestStatusText(status)

    companion object {
        /** The row of `r`: the requester when it is incoming, the payer when this wallet asked. */
        fun of(r: MoneyRequest): RequestLine {
            val other = if (r.incoming) r.requester else r.payer
            return RequestLine(r, "@" + other.handle, other.displayName, r.amount.display(), r.note, r.status)
        }
    }
}

/** Where the Requests screen is. */
sealed interface RequestsStatus {
    /** Lists shown; [error] says why the last step failed. */
    data class Ready(val error: UserError? = null) : RequestsStatus

    /** Talking to the host. */
    data object Working : RequestsStatus

    /** A request was sent to a friend. */
    data class Asked(val line: RequestLine) : RequestsStatus

    /** What paying an incoming request moves, shown before it does; [MoneyRequestsViewModel.confirmPay] pays it. */
    data class ConfirmPay(val line: RequestLine) : RequestsStatus

    /** The payment of a request is on its way. */
    data class Paying(val line: RequestLine) : RequestsStatus

    /** Paid. */
    data class Paid(val line: RequestLine, val transaction: WalletTransaction) : RequestsStatus

    /** Declined: nothing moved. */
    data class Declined(val line: RequestLine) : RequestsStatus
}

/** What the Requests screen shows. */
data class RequestsState(
    /** The home currency amounts are typed in. */
    val currency: CurrencyCode? = null,
    /** Requests this wallet is asked to pay, newest first. */
    val incoming: List<RequestLine> = emptyList(),
    /** Requests this wallet sent, newest first. */
    val outgoing: List<RequestLine> = emptyList(),
    /** The current step. */
    val status: RequestsStatus = RequestsStatus.Ready(),
)

/**
 * Money requests between friends: ask a friend for an amount with a note, see what was asked
 * both ways, and pay (after seeing what will be paid) or decline what friends asked. While
 * the screen is shown ([start]) it listens to the host, so a friend's new request, or the
 * answer to one of this wallet's, updates the lists without a reload.
 */
class MoneyRequestsViewModel(
    private val wallet: Wallet,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    private val listenWaitSecs: Long = 25L,
) {
    private val _state = MutableStateFlow(RequestsState())
    private var listening: Job? = null

    /** The screen's state. */
    val state: StateFlow<RequestsState> = _state.asStateFlow()

    init {
        scope.launch {
            val currency = withContext(io) { wallet.profile()?.currency }
            _state.update { it.copy(currency = currency) }
            load()
        }
    }

    /** Reads both lists again (friends answer from their own phones). */
    fun refresh(): Job = scope.launch { load() }

    /** The screen became visible: listen for requests made of this wallet and answers to its own. */
    fun start() {
        if (listening?.isActive == true) return
        // Collected on the scope, so the listen loop ends with it (or with stop()).
        listening = scope.launch {
            wallet.events(listenWaitSecs).collect { event ->
                // The host's list is the truth (the event is one state of one request): read it again.
                if (event is WalletEvent.MoneyRequestChanged) load()
            }
        }
    }

    /** The screen went away: stop listening; [refresh] or [start] reads the lists again. */
    fun stop() {
        listening?.cancel()
        listening = null
    }

    /** Asks the friend at `handle` (with or without `@`) for `amountText` ("3000") of the home currency. */
    fun ask(handle: String, amountText: String, note: String = ""): Job? {
        val currency = _state.value.currency ?: return null
        val amount = try {
            moneyParseDecimal(amountText.trim(), currency)
        } catch (e: KobanException) {
            _state.update { it.copy(status = RequestsStatus.Ready(userError(e))) }
            return null
        }
        val who = handle.trim().removePrefix("@")
        if (who.isEmpty()) {
            _state.update { it.copy(status = RequestsStatus.Ready(formError("invalid_input", UiText(TextKey.ERROR_ENTER_HANDLE)))) }
            return null
        }
        return work {
            val r = wallet.requestMoney(who, amount, note.trim())
            load()
            RequestsStatus.Asked(RequestLine.of(r))
        }
    }

    /** Shows what paying incoming request `id` moves; nothing moves until [confirmPay]. */
    fun pay(id: String) {
        val line = _state.value.incoming.firstOrNull { it.request.id == id } ?: return
        if (!line.pending) {
            _state.update { it.copy(status = RequestsStatus.Ready(formError("request_not_pending", UiText(TextKey.ERROR_REQUEST_NOT_PENDING)))) }
            return
        }
        _state.update { if (it.status is RequestsStatus.Working || it.status is RequestsStatus.Paying) it else it.copy(status = RequestsStatus.ConfirmPay(line)) }
    }

    /** Pays the request on screen, exactly its amount, once: a second tap does nothing. */
    fun confirmPay(): Job? {
        val shown = _state.value.status as? RequestsStatus.ConfirmPay ?: return null
        if (!transition(shown, RequestsStatus.Paying(shown.line))) return null
        return scope.launch {
            val status = try {
                val t = wallet.payMoneyRequest(shown.line.request)
                RequestsStatus.Paid(shown.line, t)
            } catch (e: WalletException) {
                RequestsStatus.Ready(userError(e))
            }
            load()
            _state.update { it.copy(status = status) }
        }
    }

    /** Declines incoming request `id`: nothing moves, the friend is told. */
    fun decline(id: String): Job? {
        if (_state.value.incoming.none { it.request.id == id }) return null
        return work {
            val r = wallet.declineMoneyRequest(id)
            load()
            RequestsStatus.Declined(RequestLine.of(r))
        }
    }

    /** Back to the lists (from a confirmation, nothing paid, or after a result). */
    fun dismiss() {
        _state.update {
            if (it.status is RequestsStatus.Working || it.status is RequestsStatus.Paying) it else it.copy(status = RequestsStatus.Ready())
        }
    }

    private fun work(step: suspend () -> RequestsStatus): Job? {
        while (true) {
            val s = _state.value
            if (s.status is RequestsStatus.Working || s.status is RequestsStatus.Paying) return null
            if (_state.compareAndSet(s, s.copy(status = RequestsStatus.Working))) break
        }
        return scope.launch {
            val status = try {
                step()
            } catch (e: WalletException) {
                RequestsStatus.Ready(userError(e))
            }
            _state.update { it.copy(status = status) }
        }
    }

    private fun transition(from: RequestsStatus, to: RequestsStatus): Boolean {
        while (true) {
            val s = _state.value
            if (s.status != from) return false
            if (_state.compareAndSet(s, s.copy(status = to))) return true
        }
    }

    private suspend fun load() {
        try {
            val all = wallet.moneyRequests().map(RequestLine::of)
            _state.update { s -> s.copy(incoming = all.filter { it.request.incoming }, outgoing = all.filterNot { it.request.incoming }) }
        } catch (e: WalletException) {
            _state.update { if (it.status is RequestsStatus.Ready) it.copy(status = RequestsStatus.Ready(userError(e))) else it }
        }
    }
}
