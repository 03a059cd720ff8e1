package io.koban.app

import io.koban.CurrencyCode
import io.koban.TokenCode
import io.koban.TransactionKind
import io.koban.Wallet
import io.koban.app.model.ChargeOutcome
import io.koban.app.model.ChargePrompt
import io.koban.app.model.MyCodeState
import io.koban.app.model.MyCodeViewModel
import io.koban.testHookTillCharge
import io.koban.testing.JdkHttpTransport
import io.koban.testing.Sandbox
import io.koban.testing.enrolledWallet
import io.koban.testing.fund
import io.koban.testing.jpy
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * My Code against the sandbox: keys fetched online, a fresh code at each refresh, offline codes
 * with digits, and till charges above the no-confirmation limit asked about while it is shown.
 */
class MyCodeViewModelTest : ViewModelTest() {
    /** The charge the screen asks about, once it does. */
    private suspend fun MyCodeViewModel.asked(): ChargePrompt =
        charge.await { it != null } ?: throw AssertionError("no charge request")

    @Test
    fun aTillChargeAboveTheLimitIsAskedAboutAtOnceAndApprovedOnce() = runBlocking {
        enrolledWallet(dir, "rin", testKeyStore()).use { w ->
            w.fund(20_000)
            val screen = MyCodeViewModel(w, vm.scope, ManualTicker(System.currentTimeMillis() / 1000), listenWaitSecs = 5L)
            screen.start()
            val shown = screen.state.awaitIs<MyCodeState.Showing>()
            assertNull(screen.charge.value)

            // The cashier scans the code on screen and keys in ¥12,000: above the ¥10,000 limit.
            val charge = testHookTillCharge(Sandbox.url, "m_jp_mart", shown.code.qrText, 12_000, CurrencyCode.JPY)
            assertEquals("pending_approval", charge.status)
            val asked = screen.asked()
            assertEquals(
                listOf<Any?>(charge.id, "KOBAN MART SHIBUYA", jpy(12_000), "¥12,000", false),
                listOf(asked.id, asked.merchantName, asked.amount, asked.amountText, asked.answering),
            )
            assertTrue("${asked.secondsLeft} s left", asked.secondsLeft in 1..120)
            assertEquals("nothing moves before the answer", jpy(20_000), w.balance().available)

            screen.approve()
            val outcome = screen.chargeOutcome.await { it != null } as ChargeOutcome.Approved
            assertEquals(charge.id, outcome.id)
            assertEquals(listOf<Any?>(TransactionKind.TILL_CHARGE, jpy(12_000)), listOf(outcome.transaction.kind, outcome.transaction.amount))
            assertNull("the dialog closes", screen.charge.value)
            assertNull("nothing more to answer", screen.approve())
            assertEquals(jpy(8_000), w.balance().available)
            assertEquals(listOf(outcome.transaction.id), w.history(10).items.filter { it.kind == TransactionKind.TILL_CHARGE }.map { it.id })
            assertTrue(w.chargeRequests().isEmpty())
            assertTrue("the code stays on screen", screen.state.value is MyCodeState.Showing)
            screen.dismissChargeOutcome()
            assertNull(screen.chargeOutcome.value)
            screen.stop()
        }
    }

    @Test
    fun aDeclinedTillChargeMovesNoMoneyAndAWaitingOneIsAskedAgainOnReturn() = runBlocking {
        enrolledWallet(dir, "sho", testKeyStore()).use { w ->
            w.fund(20_000)
            val screen = MyCodeViewModel(w, vm.scope, ManualTicker(System.currentTimeMillis() / 1000), listenWaitSecs = 5L)
            screen.start()
            val shown = screen.state.awaitIs<MyCodeState.Showing>()
            val charge = testHookTillCharge(Sandbox.url, "m_jp_mart", shown.code.qrText, 15_000, CurrencyCode.JPY)
            assertEquals(charge.id, screen.asked().id)

            // The shopper leaves the screen without answering: the request waits, and is asked again.
            screen.stop()
            assertNull(screen.charge.value)
            screen.start()
            assertEquals(charge.id, screen.asked().id)

            screen.decline()
            assertEquals(ChargeOutcome.Declined(charge.id), screen.chargeOutcome.await { it != null })
            assertNull(screen.charge.value)
            assertEquals("nothing was paid", jpy(20_000), w.balance().available)
            assertTrue(w.history(10).items.none { it.kind == TransactionKind.TILL_CHARGE })
            assertTrue(w.chargeRequests().isEmpty())
            screen.stop()
        }
    }

    @Test
    fun codesRefreshAtTheirRefreshTimeAndKeepTheScreenBright() = runBlocking {
        enrolledWallet(dir, "yui", testKeyStore()).use { w ->
            assertEquals(0, w.codesLeft())
            val ticker = ManualTicker(System.currentTimeMillis() / 1000)
            val screen = MyCodeViewModel(w, vm.scope, ticker)
            assertFalse(screen.keepScreenBright.value)
            screen.start()

            val first = screen.state.awaitIs<MyCodeState.Showing>()
            assertFalse(first.offline)
            assertNull("QR only while online", first.digits)
            assertTrue(first.code.qrText.startsWith("hQVDUFYwMW"))
            assertEquals("keys fetched, one used", w.codesLeft(), first.codesLeft)
            assertTrue(first.codesLeft >= 5)
            screen.keepScreenBright.await { it }
            TokenCode.fromQrText(first.code.qrText).use { assertEquals(first.code.expiresAt, it.expiresAt()) }

            // It waits exactly until the code's refresh time, by the injected clock.
            assertEquals((first.code.refreshAt.epochSecond - ticker.nowSecs()) * 1000, ticker.sleeps.receive())
            ticker.elapse()
            val second = screen.state.await { it is MyCodeState.Showing && it.code.qrText != first.code.qrText } as MyCodeState.Showing
            assertEquals(first.codesLeft - 1, second.codesLeft)
            assertNull(second.digits)
            ticker.sleeps.receive()

            // The cashier asks for the number: a code with digits at once, without waiting for the refresh.
            screen.showDigits(true)
            val third = screen.state.await { it is MyCodeState.Showing && it.digits != null } as MyCodeState.Showing
            assertEquals(36, third.digits!!.length)
            assertEquals(second.codesLeft - 1, third.codesLeft)
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
            repeat((left - 2).toInt()) { w.consumerCode() }
            assertEquals(2, w.codesLeft())
        }
        val transport = JdkHttpTransport().apply { offline = true }
        Wallet.open(dir.db("gen"), keys, Sandbox.config(), transport).use { w ->
            val ticker = ManualTicker(System.currentTimeMillis() / 1000)
            val screen = MyCodeViewModel(w, vm.scope, ticker)
            screen.start()
            val first = screen.state.awaitIs<MyCodeState.Showing>()
            assertTrue("the host was tried", transport.sent.get() > 0)
            assertTrue(first.offline)
            assertEquals(1, first.codesLeft)
            val digits = first.digits ?: throw AssertionError("offline codes come with digits")
            assertTrue(digits, digits.length == 36 && digits.all(Char::isDigit))

            ticker.sleeps.receive()
            ticker.elapse()
            val last = screen.state.await { it is MyCodeState.Showing && it.codesLeft == 0 } as MyCodeState.Showing
            assertNotEquals(first.code.qrText, last.code.qrText)
            ticker.sleeps.receive()
            ticker.elapse()
            val out = screen.state.awaitIs<MyCodeState.Unavailable>()
            assertEquals("no_codes_left", out.error.kind)
            assertEquals("No codes left on this phone. Go online to get more.", english(out.error.message))
            assertFalse(screen.keepScreenBright.await { !it })
        }
    }
}
