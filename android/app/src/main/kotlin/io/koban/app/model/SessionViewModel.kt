package io.koban.app.model

import io.koban.Enrolment
import io.koban.Wallet
import io.koban.WalletException
import io.koban.WalletProfile
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** Whether the app has a wallet to show. */
sealed interface SessionState {
    /** Opening the wallet's database (and settling anything a crash left pending). */
    data object Opening : SessionState

    /** Open but not enrolled: the app shows the sign-up form; [error] says why the last attempt failed. */
    data class NeedsEnrolment(val wallet: Wallet, val error: UserError? = null, val enrolling: Boolean = false) : SessionState

    /** Ready: the other screens get [wallet]. */
    data class Ready(val wallet: Wallet, val profile: WalletProfile) : SessionState

    /** The wallet could not be opened (a locked key store, a broken database). */
    data class Failed(val error: UserError) : SessionState
}

/** The app's session: opens the wallet once, then enrols this phone if it is new. */
class SessionViewModel(
    private val open: suspend () -> Wallet,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _state = MutableStateFlow<SessionState>(SessionState.Opening)

    /** The session's state. */
    val state: StateFlow<SessionState> = _state.asStateFlow()

    init {
        openWallet()
    }

    /** Opens the wallet (again, after [SessionState.Failed]). */
    fun openWallet(): Job = scope.launch {
        _state.value = SessionState.Opening
        _state.value = try {
            val wallet = open()
            when (val profile = withContext(io) { wallet.profile() }) {
                null -> SessionState.NeedsEnrolment(wallet)
                else -> SessionState.Ready(wallet, profile)
            }
        } catch (e: WalletException) {
            SessionState.Failed(userError(e))
        }
    }

    /** Enrols this phone: home `country` (JP, TH, …), a `handle` to claim and the name others see. */
    fun enrol(country: String, handle: String, displayName: String): Job? {
        val form = _state.value as? SessionState.NeedsEnrolment ?: return null
        if (form.enrolling) return null
        _state.value = form.copy(enrolling = true, error = null)
        return scope.launch {
            _state.value = try {
                SessionState.Ready(form.wallet, form.wallet.enrol(Enrolment(country, handle.trim().removePrefix("@"), displayName.trim())))
            } catch (e: WalletException) {
                form.copy(error = userError(e), enrolling = false)
            }
        }
    }
}
