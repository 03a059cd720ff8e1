package io.koban.app.model

import io.koban.ConsumerCode
import io.koban.Money
import io.koban.Wallet
import io.koban.WalletEvent
import io.koban.WalletException
import io.koban.WalletTransaction
import io.koban.events
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharingStarted
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.stateIn
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext

/** Where the My Code screen is. */
sealed interface MyCodeState {
    /** Not shown (the screen is in the background). */
    data object Idle : MyCodeState

    /** Getting keys or making the first code. */
    data object Loading : MyCodeState

    /** A code to show at the till. */
    data class Showing(
        /** The code: QR text, matrix to draw, expiry. */
        val code: ConsumerCode,
        /** The 36 digits to show under the QR (barcode tills, or keyed in by the cashier), when shown. */
        val digits: String?,
        /** Codes this phone can still make without going online. */
        val codesLeft: Int,
        /** True when the host could not be reached for new keys: codes come from the keys on the phone. */
        val offline: Boolean,
    ) : MyCodeState

    /** No code can be shown; [error] says why. */
    data class Unavailable(val error: UserError) : MyCodeState
}

/** A till charge above the no-confirmation limit, waiting for the shopper's answer in a dialog. */
data class ChargePrompt(
    /** The host's charge id. */
    val id: String,
    /** The shop whose till asks. */
    val merchantName: String,
    /** How much the till asks for, in its currency. */
    val amount: Money,
    /** [amount] for people ("¥12,000"). */
    val amountText: String,
    /** When the answer must be in, Unix seconds by this phone's clock (the host's deadline, never later than its window). */
    val answerBy: Long,
    /** Seconds left to answer, counted down each second; after that nothing is paid. */
    val secondsLeft: Long,
    /** The answer is on its way to the host: the buttons wait. */
    val answering: Boolean = false,
    /** Why the last answer did not reach the host (offline); the request still waits. */
    val error: UserError? = null,
)

/** How the last charge request ended, for a short note under the code. */
sealed interface ChargeOutcome {
    /** The charge request this was (the host's charge id). */
    val id: String

    /** Approved: the shop was paid once; [transaction] is in history. */
    data class Approved(override val id: String, val transaction: WalletTransaction) : ChargeOutcome

    /** Declined: nothing was paid. */
    data class Declined(override val id: String) : ChargeOutcome

    /** Not answered in time: the host lets it lapse and nothing is paid. */
    data class Expired(override val id: String) : ChargeOutcome

    /** The host refused the answer (timed out there, already answered, not enough money…); [error] says why. */
    data class Refused(override val id: String, val error: UserError) : ChargeOutcome
}

/**
 * My Code: a fresh consumer code at each `refreshAt`, new keys fetched when online, codes from
 * the keys on the phone when offline (then with the digits too, so a cashier can key them in).
 * While shown it listens to the host, so a till charge above the no-confirmation limit is
 * asked about at once ([charge]) and answered with [approve] or [decline].
 */
class MyCodeViewModel(
    private val wallet: Wallet,
    private val scope: CoroutineScope,
    private val ticker: Ticker = SystemTicker,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    private val listenWaitSecs: Long = 25L,
) {
    private val _state = MutableStateFlow<MyCodeState>(MyCodeState.Idle)

    /** The screen's state. */
    val state: StateFlow<MyCodeState> = _state.asStateFlow()

    /** True while a code is on screen: the UI keeps the screen on and at full brightness so the till can read it. */
    val keepScreenBright: StateFlow<Boolean> =
        _state.map { it is MyCodeState.Showing }.stateIn(scope, SharingStarted.Eagerly, false)

    private val _charge = MutableStateFlow<ChargePrompt?>(null)

    /** The till charge waiting for an answer, oldest first, or null: the UI shows it as a dialog over the code. */
    val charge: StateFlow<ChargePrompt?> = _charge.asStateFlow()

    private val _chargeOutcome = MutableStateFlow<ChargeOutcome?>(null)

    /** How the last charge request ended, until [dismissChargeOutcome]. */
    val chargeOutcome: StateFlow<ChargeOutcome?> = _chargeOutcome.asStateFlow()

    @Volatile
    private var digitsWanted = false
    private var loop: Job? = null

    private var listening: Job? = null

    // Whether the screen is shown: a request read after stop() is not prompted for.
    @Volatile
    private var shown = false

    // Serialises showing and ending prompts (the listener, answers and the countdown all do).
    private val prompts = Mutex()
    private var countdown: Job? = null

    // Requests this screen saw end: never prompted again, even while the wallet's list still has them.
    private val settled: MutableSet<String> = ConcurrentHashMap.newKeySet()

    /** The screen became visible: start showing codes, and listen for till charges to approve. */
    fun start() {
        if (loop?.isActive == true) return
        shown = true
        _state.value = MyCodeState.Loading
        loop = scope.launch { showCodes() }
        if (listening?.isActive != true) {
            // Collected on the scope, so the listen loop ends with it (or with stop()).
            listening = scope.launch {
                wallet.events(listenWaitSecs).collect { event ->
                    // The wallet's list is the truth (it already holds this request): the prompt is read from it.
                    if (event is WalletEvent.ChargeRequested) scope.launch { showChargeRequest() }
                }
            }
        }
        // Requests heard before the screen was shown (by another screen's sync) still wait.
        scope.launch { showChargeRequest() }
    }

    /** The screen went away: stop refreshing (unshown codes are not made, so no key is wasted) and listening. */
    fun stop() {
        shown = false
        loop?.cancel()
        loop = null
        listening?.cancel()
        listening = null
        countdown?.cancel()
        countdown = null
        // A request left unanswered still waits in the wallet and is asked again on the next start.
        _charge.value = null
        _state.value = MyCodeState.Idle
    }

    /** Pays the charge on screen, exactly once; the outcome arrives in [chargeOutcome]. */
    fun approve(): Job? = answer { id -> ChargeOutcome.Approved(id, wallet.approveCharge(id)) }

    /** Refuses the charge on screen: nothing is paid. */
    fun decline(): Job? = answer { id ->
        wallet.declineCharge(id)
        ChargeOutcome.Declined(id)
    }

    /** The note about the last charge was read. */
    fun dismissChargeOutcome() {
        _chargeOutcome.value = null
    }

    private fun answer(send: suspend (String) -> ChargeOutcome): Job? {
        val asked = _charge.value?.takeIf { !it.answering } ?: return null
        _charge.update { if (it?.id == asked.id) it.copy(answering = true, error = null) else it }
        return scope.launch {
            val outcome = try {
                send(asked.id)
            } catch (e: WalletException.Unavailable) {
                // Nothing reached the host: the request still waits and the buttons work again.
                _charge.update { if (it?.id == asked.id) it.copy(answering = false, error = userError(e)) else it }
                return@launch
            } catch (e: WalletException) {
                // Refused, or an outcome the wallet settles by itself (never answered twice): either
                // way there is nothing more to answer here.
                ChargeOutcome.Refused(asked.id, userError(e))
            }
            end(outcome)
        }
    }

    private suspend fun end(outcome: ChargeOutcome) {
        prompts.withLock {
            settled += outcome.id
            _charge.update { if (it?.id == outcome.id) null else it }
            _chargeOutcome.value = outcome
        }
        showChargeRequest()
    }

    /** Shows the oldest request still waiting, unless one is on screen already. */
    private suspend fun showChargeRequest() {
        val waiting = try {
            withContext(io) { wallet.chargeRequests() }
        } catch (e: WalletException) {
            // The local list could not be read; the next request heard tries again.
            return
        }
        prompts.withLock {
            if (!shown || _charge.value != null) return
            val next = waiting.firstOrNull { it.id !in settled } ?: return
            // The host's deadline is on the host's clock; a phone clock running behind must not
            // show more time than the whole window the host gave (approveBy - createdAt).
            val now = ticker.nowSecs()
            val window = Duration.between(next.createdAt, next.approveBy).seconds
            val answerBy = now + minOf(next.approveBy.epochSecond - now, window).coerceAtLeast(0)
            _charge.value = ChargePrompt(next.id, next.merchantName, next.amount, next.amount.display(), answerBy, answerBy - now)
            countdown?.cancel()
            countdown = scope.launch { countDown(next.id) }
        }
    }

    /** Ticks [ChargePrompt.secondsLeft] each second; at zero the request has lapsed and nothing was paid. */
    private suspend fun countDown(id: String) {
        while (true) {
            val prompt = _charge.value?.takeIf { it.id == id } ?: return
            val left = (prompt.answerBy - ticker.nowSecs()).coerceAtLeast(0)
            // An answer in flight is decided by the host, not by this clock.
            if (left == 0L && !prompt.answering) return end(ChargeOutcome.Expired(id))
            _charge.update { if (it?.id == id) it.copy(secondsLeft = left) else it }
            ticker.sleep(1_000)
        }
    }

    /** Shows the digits with the QR (for barcode tills or a cashier keying them in), or stops showing them. */
    fun showDigits(on: Boolean) {
        digitsWanted = on
        val shown = _state.value as? MyCodeState.Showing ?: return
        // Asked for at the till: a code in both forms now, not at the next refresh.
        if (on && shown.digits == null && loop?.isActive == true) {
            loop?.cancel()
            loop = scope.launch { showCodes() }
        }
    }

    private suspend fun showCodes() {
        var offline = !(replenish() ?: return)
        while (currentCoroutineContext().isActive) {
            val code = try {
                withContext(io) { if (digitsWanted || offline) wallet.consumerCodeNumeric() else wallet.consumerCode() }
            } catch (e: WalletException) {
                _state.value = MyCodeState.Unavailable(userError(e))
                return
            }
            _state.value = MyCodeState.Showing(code, code.numeric, code.codesLeft, offline)
            // Refresh a little before the till would refuse it (refreshAt is before expiresAt).
            val waitMs = (code.refreshAt.epochSecond - ticker.nowSecs()) * 1000
            ticker.sleep(waitMs.coerceAtLeast(MIN_REFRESH_MS))
            if (code.codesLeft < LOW_CODES) offline = !(replenish() ?: return)
        }
    }

    /**
     * Tops up the keys: true when the host answered, false when offline (the codes on the
     * phone still work), null after showing an error that stops the screen.
     */
    private suspend fun replenish(): Boolean? = try {
        wallet.replenishCodes()
        true
    } catch (e: WalletException.Unavailable) {
        false
    } catch (e: WalletException.OutcomeUnknown) {
        // No answer to the key request: it is settled on the next call; carry on offline.
        false
    } catch (e: WalletException) {
        _state.value = MyCodeState.Unavailable(userError(e))
        null
    }

    private companion object {
        // A code is never shown for less than this, whatever the clocks say.
        const val MIN_REFRESH_MS = 1_000L

        // The wallet asks the host for keys only below 5 left; asking between codes costs nothing above that.
        const val LOW_CODES = 5
    }
}
