package io.koban.app

import io.koban.FrameRotation
import io.koban.Money
import io.koban.TokenCode
import io.koban.app.model.ScanPayState
import io.koban.app.model.ScanPayViewModel
import io.koban.app.model.display
import io.koban.qrMatrix
import io.koban.testing.JdkHttpTransport
import io.koban.testing.LumaFrames
import io.koban.testing.Sandbox
import io.koban.testing.enrolledWallet
import io.koban.testing.fund
import io.koban.testing.jpy
import java.math.BigDecimal
import java.nio.ByteBuffer
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** Scan & Pay against the sandbox: from camera frames to a payment, abroad, and when it goes wrong. */
class ScanPayViewModelTest : ViewModelTest() {
    @Test
    fun aShopStickerSeenByTheCameraIsPaidAfterConfirmation() = runBlocking {
        enrolledWallet(dir, "rin", testKeyStore()).use { w ->
            w.fund(5_000)
            ScanPayViewModel(w, vm.scope).use { pay ->
                val sticker = LumaFrames.render(qrMatrix(Sandbox.merchantPayload("m_jp_ramen")), 3, 16)
                // Direct buffers, as CameraX hands planes over.
                val blank = direct(ByteArray(sticker.stride * sticker.height) { 255.toByte() })
                val frame = direct(sticker.luma)
                assertFalse("an empty frame holds no code", pay.onFrame(blank, sticker.width, sticker.height, sticker.stride, FrameRotation.DEG0))
                assertEquals(ScanPayState.Scanning, pay.state.value)
                assertTrue(pay.onFrame(frame, sticker.width, sticker.height, sticker.stride, FrameRotation.DEG0))

                val ask = pay.state.awaitIs<ScanPayState.NeedsAmount>()
                assertEquals("KOBAN RAMEN", ask.merchant)
                assertEquals("JPY", ask.currency)
                pay.enterAmount("1200")
                val confirm = pay.state.awaitIs<ScanPayState.Confirm>()
                with(confirm.summary) {
                    assertEquals(listOf("KOBAN RAMEN", "¥1,200", "¥1,200"), listOf(merchant, amount, debit))
                    assertNull("no fee at home", fee)
                    assertNull("no FX at home", rate)
                }
                assertFalse("frames are ignored while confirming", pay.onFrame(frame, sticker.width, sticker.height, sticker.stride, FrameRotation.DEG0))
                assertEquals(confirm, pay.state.value)

                pay.confirm()
                val done = pay.state.awaitIs<ScanPayState.Done>()
                assertEquals(listOf<Any?>("payment", jpy(1_200)), listOf(done.transaction.kind, done.transaction.amount))
                assertEquals(jpy(3_800), w.balance().available)
                pay.rescan()
                assertEquals(ScanPayState.Scanning, pay.state.value)
            }
        }
    }

    @Test
    fun aShopAbroadShowsTheHomeCurrencyDebitFeeAndRateFirst() = runBlocking {
        enrolledWallet(dir, "taro", testKeyStore()).use { w ->
            w.fund(10_000)
            ScanPayViewModel(w, vm.scope).use { pay ->
                pay.onScanned(Sandbox.merchantPayload("m_th_somtam"))
                val ask = pay.state.awaitIs<ScanPayState.NeedsAmount>()
                assertEquals("THB", ask.currency)
                pay.enterAmount("120.005")
                val refused = pay.state.await { it is ScanPayState.NeedsAmount && it.error != null } as ScanPayState.NeedsAmount
                assertEquals("invalid_amount", refused.error!!.kind)

                pay.enterAmount("120.00")
                val confirm = pay.state.awaitIs<ScanPayState.Confirm>()
                val q = confirm.quote
                val fx = q.fx()!!
                with(confirm.summary) {
                    assertEquals("SOM TAM STALL", merchant)
                    assertEquals("TH", country)
                    assertEquals("฿120.00", amount)
                    assertEquals(q.debit().display(), debit)
                    assertTrue(debit, debit.startsWith("¥"))
                    assertEquals(fx.fee().display(), fee)
                    assertEquals("1 JPY = ${BigDecimal(fx.rate()).stripTrailingZeros().toPlainString()} THB", rate)
                    assertEquals(fx.expiresAt(), rateExpiresAt)
                }
                pay.confirm()
                val done = pay.state.awaitIs<ScanPayState.Done>()
                assertEquals("the yen that left the wallet", q.debit(), done.transaction.amount)
                assertEquals(jpy(10_000 - q.debit().minor), w.balance().available)
            }
        }
    }

    @Test
    fun refusalsAndForeignCodesBecomeMessagesNotPayments() = runBlocking {
        enrolledWallet(dir, "sho", testKeyStore()).use { w ->
            w.fund(1_000)
            ScanPayViewModel(w, vm.scope).use { pay ->
                pay.onScanned(Sandbox.merchantPayload("m_jp_mart"))
                pay.state.awaitIs<ScanPayState.NeedsAmount>()
                pay.enterAmount("5000")
                pay.state.awaitIs<ScanPayState.Confirm>()
                pay.confirm()
                val poor = pay.state.awaitIs<ScanPayState.Failed>().error
                assertEquals(listOf<Any?>("insufficient_funds", "Not enough money for this.", "insufficient funds in wallet", false), listOf(poor.kind, poor.message, poor.detail, poor.canRetry))
                pay.retry()
                assertEquals("not retryable: back to the camera", ScanPayState.Scanning, pay.state.value)

                pay.onScanned("hello, world")
                val junk = pay.state.awaitIs<ScanPayState.Failed>().error
                assertEquals("not_payable", junk.kind)
                pay.rescan()

                val shopper = TokenCode.generate(ByteArray(32) { 1 }, "4900000000000001", 1, 1_795_500_000L, ByteArray(4)).use { it.qrText() }
                pay.onScanned(shopper)
                assertEquals("This is a shopper's code. Scan the shop's code.", pay.state.awaitIs<ScanPayState.Failed>().error.message)
                pay.rescan()

                pay.onScanned(w.receiveCode())
                assertNotNull("a person's code goes to Send", pay.state.awaitIs<ScanPayState.PersonCode>().payload)
                assertEquals(jpy(1_000), w.balance().available)
            }
        }
    }

    @Test
    fun aQuoteThatFailedOfflineIsRetriedOnceOnline() = runBlocking {
        val transport = JdkHttpTransport()
        enrolledWallet(dir, "aoi", testKeyStore(), transport = transport).use { w ->
            w.fund(3_000)
            ScanPayViewModel(w, vm.scope).use { pay ->
                pay.onScanned(Sandbox.merchantPayload("m_my_kopitiam"))
                assertEquals("MYR", pay.state.awaitIs<ScanPayState.NeedsAmount>().currency)
                transport.offline = true
                pay.enterAmount("5.00")
                val offline = pay.state.awaitIs<ScanPayState.Failed>().error
                assertEquals(listOf<Any?>("unavailable", true), listOf(offline.kind, offline.canRetry))

                transport.offline = false
                pay.retry()
                val confirm = pay.state.awaitIs<ScanPayState.Confirm>()
                assertEquals(Money(500, "MYR"), confirm.quote.amount())
                assertEquals("the quote asked with the same amount", confirm.quote.amount().display(), confirm.summary.amount)
            }
        }
    }

    @Test
    fun anExpiredRateIsQuotedAgainAndShownBeforePaying() = runBlocking {
        enrolledWallet(dir, "emi", testKeyStore()).use { w ->
            w.fund(10_000)
            ScanPayViewModel(w, vm.scope).use { pay ->
                pay.onScanned(Sandbox.merchantPayload("m_sg_hawker"))
                pay.state.awaitIs<ScanPayState.NeedsAmount>()
                pay.enterAmount("5.50")
                val first = pay.state.awaitIs<ScanPayState.Confirm>()
                assertFalse(first.requoted)
                // Quotes live 60 s at the host.
                Sandbox.advanceClock(61)
                pay.confirm()
                val again = pay.state.await { it is ScanPayState.Confirm && it.requoted } as ScanPayState.Confirm
                assertTrue("a new quote", again.quote.fx()!!.id() != first.quote.fx()!!.id())
                assertEquals(Money(550, "SGD"), again.quote.amount())
                assertEquals(again.quote.amount().display(), again.summary.amount)
                assertEquals("nothing paid yet", jpy(10_000), w.balance().available)
                pay.confirm()
                val done = pay.state.awaitIs<ScanPayState.Done>()
                assertEquals(again.quote.debit(), done.transaction.amount)
                assertEquals(jpy(10_000 - again.quote.debit().minor), w.balance().available)
            }
        }
    }
}

/** `bytes` in a direct buffer, like a camera plane. */
private fun direct(bytes: ByteArray): ByteBuffer = ByteBuffer.allocateDirect(bytes.size).put(bytes).flip()
