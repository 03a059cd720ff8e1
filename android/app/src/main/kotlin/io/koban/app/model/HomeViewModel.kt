package io.koban.app.model

import io.koban.Money
import io.koban.Wallet
import io.koban.WalletEvent
import io.koban.WalletException
import io.koban.WalletTransaction
import io.koban.events
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

/** What the home screen shows. */
data class HomeState(
    /** The wallet's handle, without `@`. */
    val handle: String? = null,
    /** The balance, from the host or (offline) the last one it reported. */
    val balance: Money? = null,
    /** [balance] for people. */
    val balanceText: String? = null,
    /** When the host reported [balance] (host clock). */
    val asOf: Instant? = null,
    /** True when the host could not be reached and [balance] is the cached one. */
    val offline: Boolean = false,
    /** A refresh is under way. */
    val refreshing: Boolean = false,
    /** The last transfer that arrived while the screen listened, for a banner. */
    val lastIncoming: WalletTransaction? = null,
    /** Why the last refresh failed, unless it was only offline. */
    val error: UserError? = null,
) {
    /** [lastIncoming] as a banner says it ("Received ¥2,500 from @lea"). */
    val lastIncomingNote: UiText? get() = lastIncoming?.arrivedNote()
}

/** Home: balance (cached first, then from the host), refresh, and money arriving while it is shown. */
class HomeViewModel(
    private val wallet: Wallet,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _state = MutableStateFlow(HomeState())

    /** The screen's state. */
    val state: StateFlow<HomeState> = _state.asStateFlow()

    @Volatile
    private var listening: Job? = null

    init {
        scope.launch {
            withContext(io) {
                val handle = wallet.profile()?.handle
                val cached = wallet.cachedBalance()
                _state.update { it.copy(handle = handle, balance = cached?.available, balanceText = cached?.available?.display(), asOf = cached?.asOf) }
            }
            refresh().join()
        }
    }

    /** Asks the host for the balance; offline, the cached one stays and [HomeState.offline] is set. */
    fun refresh(): Job = scope.launch {
        _state.update { it.copy(refreshing = true) }
        try {
            val b = wallet.balance()
            val asOf = withContext(io) { wallet.cachedBalance()?.asOf }
            _state.update { it.copy(balance = b.available, balanceText = b.available.display(), asOf = asOf, offline = false, refreshing = false, error = null) }
        } catch (e: WalletException.Unavailable) {
            _state.update { it.copy(offline = true, refreshing = false, error = null) }
        } catch (e: WalletException) {
            _state.update { it.copy(refreshing = false, error = userError(e)) }
        }
    }

    /** Starts listening for incoming money (while the screen is visible); the scope's end stops it too. */
    fun startListening(waitSecs: Long = 25L) {
        if (listening?.isActive == true) return
        listening = scope.launch {
            wallet.events(waitSecs).collect { event ->
                // My Code asks about till charges (the code is shown there); the request waits in the wallet for it.
                if (event is WalletEvent.Incoming) {
                    _state.update { it.copy(lastIncoming = event.transaction) }
                    refresh()
                }
            }
        }
    }

    /** Stops listening. */
    fun stopListening() {
        listening?.cancel()
        listening = null
    }
}
