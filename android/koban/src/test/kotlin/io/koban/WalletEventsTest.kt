package io.koban

import io.koban.testing.TestDir
import io.koban.testing.enrolledWallet
import io.koban.testing.fund
import io.koban.testing.jpy
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.filterIsInstance
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

/** [Wallet.events] against the sandbox: an event arrives, and cancelling the collector stops the listener. */
class WalletEventsTest {
    private val dir = TestDir()

    @After
    fun removeDatabases() = dir.close()

    @Test
    fun aTransferArrivesAsAnEventAndCancellingTheCollectorStopsTheListener() = runBlocking {
        enrolledWallet(dir, "aiko", TestKeyStore(11)).use { aiko ->
            enrolledWallet(dir, "ben", TestKeyStore(12)).use { ben ->
                aiko.fund(10_000)
                val benHandle = ben.profile()!!.handle
                val handle = CompletableDeferred<Listening>()
                val got = CompletableDeferred<WalletEvent.Incoming>()
                val collector = launch {
                    walletEvents { l -> ben.listen(l, 2L).also { handle.complete(it) } }
                        .filterIsInstance<WalletEvent.Incoming>()
                        .collect { got.complete(it) }
                }
                val listening = withTimeout(5_000) { handle.await() }
                assertTrue(listening.isRunning())

                val sent = aiko.send(SendTo.Handle("@$benHandle"), jpy(1_500), "events")
                val event = withTimeout(20_000) { got.await() }
                assertEquals(sent.id, event.transaction.id)
                assertEquals(jpy(1_500), event.transaction.amount)

                collector.cancelAndJoin()
                withTimeout(5_000) {
                    while (listening.isRunning()) delay(20)
                }
                assertFalse("cancelling the collector stopped the listen loop", listening.isRunning())
            }
        }
    }

    @Test
    fun thePublicFlowDeliversTheFirstEvent() = runBlocking {
        enrolledWallet(dir, "carl", TestKeyStore(13)).use { carl ->
            enrolledWallet(dir, "dana", TestKeyStore(14)).use { dana ->
                carl.fund(10_000)
                val danaHandle = dana.profile()!!.handle
                val first = launch {
                    val e = withTimeout(20_000) { dana.events(2L).first() }
                    assertTrue("$e", e is WalletEvent.Incoming)
                }
                // Give the loop a moment to start; the transfer is heard by the next sync either way.
                delay(200)
                carl.send(SendTo.Handle("@$danaHandle"), jpy(800), null)
                first.join()
            }
        }
    }
}
