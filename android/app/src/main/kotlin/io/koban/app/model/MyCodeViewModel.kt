package io.koban.app.model

import io.koban.ConsumerCode
import io.koban.Wallet
import io.koban.WalletException
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
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
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
        val codesLeft: UInt,
        /** True when the host could not be reached for new keys: codes come from the keys on the phone. */
        val offline: Boolean,
    ) : MyCodeState

    /** No code can be shown; [error] says why. */
    data class Unavailable(val error: UserError) : MyCodeState
}

/**
 * My Code: a fresh consumer code at each `refreshAt`, new keys fetched when online, codes from
 * the keys on the phone when offline (then with the digits too, so a cashier can key them in).
 */
class MyCodeViewModel(
    private val wallet: Wallet,
    private val scope: CoroutineScope,
    private val ticker: Ticker = SystemTicker,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _state = MutableStateFlow<MyCodeState>(MyCodeState.Idle)

    /** The screen's state. */
    val state: StateFlow<MyCodeState> = _state.asStateFlow()

    /** True while a code is on screen: the UI keeps the screen on and at full brightness so the till can read it. */
    val keepScreenBright: StateFlow<Boolean> =
        _state.map { it is MyCodeState.Showing }.stateIn(scope, SharingStarted.Eagerly, false)

    @Volatile
    private var digitsWanted = false
    private var loop: Job? = null

    /** The screen became visible: start showing codes. */
    fun start() {
        if (loop?.isActive == true) return
        _state.value = MyCodeState.Loading
        loop = scope.launch { showCodes() }
    }

    /** The screen went away: stop refreshing (unshown codes are not made, so no key is wasted). */
    fun stop() {
        loop?.cancel()
        loop = null
        _state.value = MyCodeState.Idle
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
            val waitMs = (code.refreshAt.toLong() - ticker.nowSecs()) * 1000
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
        const val LOW_CODES = 5u
    }
}
