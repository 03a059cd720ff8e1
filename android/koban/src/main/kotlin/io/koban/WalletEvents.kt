package io.koban

import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow

/** What [Wallet.events] brings in: the calls of a [WalletListener], as values. */
sealed interface WalletEvent {
    /** A transfer arrived (already in history). */
    data class Incoming(val transaction: WalletTransaction) : WalletEvent

    /** A till charge waits for approval: prompt at once, the host's window is short. */
    data class ChargeRequested(val request: ChargeRequest) : WalletEvent

    /** A friend asks for money, or a request this wallet made was paid or declined. */
    data class MoneyRequestChanged(val request: MoneyRequest) : WalletEvent
}

/**
 * The wallet's events as a cold [Flow]: each collector starts its own [Wallet.listen] loop
 * (long-polling the host [waitSecs] at a time, with the core's back-off when offline), and
 * cancelling the collector cancels that loop. Events are buffered without bound (they are
 * rare), so a slow collector loses none.
 */
fun Wallet.events(waitSecs: Long = 25L): Flow<WalletEvent> = walletEvents { listen(it, waitSecs) }

/** [Wallet.events] over any `listen`, so tests can see the [Listening] handle it stops. */
internal fun walletEvents(listen: (WalletListener) -> Listening): Flow<WalletEvent> = callbackFlow {
    val listening = listen(
        object : WalletListener {
            // Called on a Koban thread; trySend never blocks it (the buffer is unlimited).
            override fun onIncoming(transaction: WalletTransaction) {
                trySend(WalletEvent.Incoming(transaction))
            }

            override fun onChargeRequest(request: ChargeRequest) {
                trySend(WalletEvent.ChargeRequested(request))
            }

            override fun onMoneyRequest(request: MoneyRequest) {
                trySend(WalletEvent.MoneyRequestChanged(request))
            }
        },
    )
    awaitClose { listening.cancel() }
}.buffer(Channel.UNLIMITED)
