package io.koban.app

import io.koban.TokenCode
import io.koban.Wallet
import io.koban.app.model.MyCodeState
import io.koban.app.model.MyCodeViewModel
import io.koban.testing.JdkHttpTransport
import io.koban.testing.Sandbox
import io.koban.testing.enrolledWallet
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** My Code against the sandbox: keys fetched online, a fresh code at each refresh, offline codes with digits. */
class MyCodeViewModelTest : ViewModelTest() {
    @Test
    fun codesRefreshAtTheirRefreshTimeAndKeepTheScreenBright() = runBlocking {
        enrolledWallet(dir, "yui", testKeyStore()).use { w ->
            assertEquals(0u, w.codesLeft())
            val ticker = ManualTicker(System.currentTimeMillis() / 1000)
            val screen = MyCodeViewModel(w, vm.scope, ticker)
            assertFalse(screen.keepScreenBright.value)
            screen.start()

            val first = screen.state.awaitIs<MyCodeState.Showing>()
            assertFalse(first.offline)
            assertNull("QR only while online", first.digits)
            assertTrue(first.code.qrText.startsWith("hQVDUFYwMW"))
            assertEquals("keys fetched, one used", w.codesLeft(), first.codesLeft)
            assertTrue(first.codesLeft >= 5u)
            screen.keepScreenBright.await { it }
            TokenCode.fromQrText(first.code.qrText).use { assertEquals(first.code.expiresAt, it.expiresAt()) }

            // It waits exactly until the code's refresh time, by the injected clock.
            assertEquals((first.code.refreshAt.toLong() - ticker.nowSecs()) * 1000, ticker.sleeps.receive())
            ticker.elapse()
            val second = screen.state.await { it is MyCodeState.Showing && it.code.qrText != first.code.qrText } as MyCodeState.Showing
            assertEquals(first.codesLeft - 1u, second.codesLeft)
            assertNull(second.digits)
            ticker.sleeps.receive()

            // The cashier asks for the number: a code with digits at once, without waiting for the refresh.
            screen.showDigits(true)
            val third = screen.state.await { it is MyCodeState.Showing && it.digits != null } as MyCodeState.Showing
            assertEquals(36, third.digits!!.length)
            assertEquals(second.codesLeft - 1u, third.codesLeft)
            ticker.sleeps.receive()

            screen.stop()
            assertEquals(MyCodeState.Idle, screen.state.value)
            screen.keepScreenBright.await { !it }
            assertEquals("no code is made while hidden", third.codesLeft, w.codesLeft())
        }
    }

    @Test
    fun offlineCodesComeFromTheKeysOnThePhoneWithDigitsUntilTheyRunOut() = runBlocking {
        val keys = testKeyStore()
        enrolledWallet(dir, "gen", keys).use { w ->
            val left = w.replenishCodes()
            // Leave 2 keys: fewer than the wallet's low mark, so the screen asks for more.
            repeat((left - 2u).toInt()) { w.consumerCode() }
            assertEquals(2u, w.codesLeft())
        }
        val transport = JdkHttpTransport().apply { offline = true }
        Wallet.open(dir.db("gen"), keys, Sandbox.config(), transport).use { w ->
            val ticker = ManualTicker(System.currentTimeMillis() / 1000)
            val screen = MyCodeViewModel(w, vm.scope, ticker)
            screen.start()
            val first = screen.state.awaitIs<MyCodeState.Showing>()
            assertTrue("the host was tried", transport.sent.get() > 0)
            assertTrue(first.offline)
            assertEquals(1u, first.codesLeft)
            val digits = first.digits ?: throw AssertionError("offline codes come with digits")
            assertTrue(digits, digits.length == 36 && digits.all(Char::isDigit))

            ticker.sleeps.receive()
            ticker.elapse()
            val last = screen.state.await { it is MyCodeState.Showing && it.codesLeft == 0u } as MyCodeState.Showing
            assertNotEquals(first.code.qrText, last.code.qrText)
            ticker.sleeps.receive()
            ticker.elapse()
            val out = screen.state.awaitIs<MyCodeState.Unavailable>()
            assertEquals("no_codes_left", out.error.kind)
            assertEquals("No codes left on this phone. Go online to get more.", out.error.message)
            assertFalse(screen.keepScreenBright.await { !it })
        }
    }
}
