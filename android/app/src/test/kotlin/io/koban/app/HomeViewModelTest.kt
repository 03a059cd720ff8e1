package io.koban.app

import io.koban.Direction
import io.koban.SendTo
import io.koban.Wallet
import io.koban.app.model.HomeViewModel
import io.koban.testing.JdkHttpTransport
import io.koban.testing.Sandbox
import io.koban.testing.enrolledWallet
import io.koban.testing.fund
import io.koban.testing.jpy
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** Home against the sandbox: the balance, offline, and money arriving while it is shown. */
class HomeViewModelTest : ViewModelTest() {
    @Test
    fun theBalanceComesFromTheHostAndStaysWhenOffline() = runBlocking {
        val transport = JdkHttpTransport()
        val keys = testKeyStore()
        enrolledWallet(dir, "nao", keys, transport = transport).use { w -> w.fund(12_345) }
        // Reopened as the app would be: the cached balance shows before the host answers.
        Wallet.open(dir.db("nao"), keys, Sandbox.config(), transport).use { w ->
            val home = HomeViewModel(w, vm.scope)
            val s = home.state.await { it.balance != null && !it.refreshing && it.asOf != null }
            assertEquals(jpy(12_345), s.balance)
            assertEquals("¥12,345", s.balanceText)
            assertEquals(w.profile()!!.handle, s.handle)
            assertFalse(s.offline)

            transport.offline = true
            home.refresh().join()
            val offline = home.state.value
            assertTrue("marked offline", offline.offline)
            assertEquals("the cached balance stays", "¥12,345", offline.balanceText)
            assertNull("offline is not an error", offline.error)
        }
    }

    @Test
    fun moneyArrivingWhileListeningShowsAndUpdatesTheBalance() = runBlocking {
        enrolledWallet(dir, "kai", testKeyStore()).use { kai ->
            enrolledWallet(dir, "lea", testKeyStore()).use { lea ->
                lea.fund(5_000)
                val home = HomeViewModel(kai, vm.scope)
                home.state.await { it.balanceText == "¥0" }
                home.startListening(waitSecs = 5L)
                lea.send(SendTo.Handle(kai.profile()!!.handle), jpy(2_500), "dinner")
                val s = home.state.await { it.balanceText == "¥2,500" && it.lastIncoming != null }
                val t = s.lastIncoming!!
                assertEquals(listOf<Any?>(Direction.IN, jpy(2_500), "@" + lea.profile()!!.handle), listOf(t.direction, t.amount, t.counterparty))
                home.stopListening()
            }
        }
    }
}
