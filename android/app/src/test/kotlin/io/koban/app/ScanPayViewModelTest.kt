package io.koban.app

import io.koban.CurrencyCode
import io.koban.FrameRotation
import io.koban.Money
import io.koban.PaymentReference
import io.koban.ReferenceKind
import io.koban.Terminal
import io.koban.TokenCode
import io.koban.TransactionKind
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
import java.time.Instant
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
                assertEquals(CurrencyCode.JPY, ask.currency)
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
                assertEquals(listOf<Any?>(TransactionKind.PAYMENT, jpy(1_200)), listOf(done.transaction.kind, done.transaction.amount))
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
                assertEquals(CurrencyCode.THB, ask.currency)
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
                assertEquals(listOf<Any?>("insufficient_funds", "Not enough money for this.", "insufficient funds in wallet", false), listOf(poor.kind, english(poor.message), poor.detail, poor.canRetry))
                pay.retry()
                assertEquals("not retryable: back to the camera", ScanPayState.Scanning, pay.state.value)

                pay.onScanned("hello, world")
                val junk = pay.state.awaitIs<ScanPayState.Failed>().error
                assertEquals("not_payable", junk.kind)
                pay.rescan()

                val shopper = TokenCode.generate(ByteArray(32) { 1 }, "4900000000000001", 1, Instant.ofEpochSecond(1_795_500_000L), ByteArray(4)).use { it.qrText() }
                pay.onScanned(shopper)
                assertEquals("This is a shopper’s code. Scan the shop’s code.", english(pay.state.awaitIs<ScanPayState.Failed>().error.message))
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
                assertEquals(CurrencyCode.MYR, pay.state.awaitIs<ScanPayState.NeedsAmount>().currency)
                transport.offline = true
                pay.enterAmount("5.00")
                val offline = pay.state.awaitIs<ScanPayState.Failed>().error
                assertEquals(listOf<Any?>("unavailable", true), listOf(offline.kind, offline.canRetry))

                transport.offline = false
                pay.retry()
                val confirm = pay.state.awaitIs<ScanPayState.Confirm>()
                assertEquals(Money(500, CurrencyCode.MYR), confirm.quote.amount())
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
                assertEquals(Money(550, CurrencyCode.SGD), again.quote.amount())
                assertEquals(again.quote.amount().display(), again.summary.amount)
                assertEquals("nothing paid yet", jpy(10_000), w.balance().available)
                pay.confirm()
                val done = pay.state.awaitIs<ScanPayState.Done>()
                assertEquals(again.quote.debit(), done.transaction.amount)
                assertEquals(jpy(10_000 - again.quote.debit().minor), w.balance().available)
            }
        }
    }
    @Test
    fun aCodeAskingForAReferenceIsNotPricedWithoutItAndThePaymentCarriesIt() = runBlocking {
        enrolledWallet(dir, "nao", testKeyStore()).use { w ->
            w.fund(5_000)
            // A till's one-payment code that leaves its reference to the payer (`***`).
            val code = Terminal.open(dir.db("till"), testKeyStore(), Sandbox.url).use { till ->
                till.enrol("m_jp_mart", Sandbox.enrolmentToken("m_jp_mart"))
                till.dynamicCode(jpy(1_500), "***").payload
            }
            ScanPayViewModel(w, vm.scope).use { pay ->
                pay.onScanned(code)
                val ask = pay.state.awaitIs<ScanPayState.NeedsDetails>()
                assertEquals(listOf(ReferenceKind.REFERENCE_LABEL), ask.references)
                assertFalse(ask.tipPrompted)
                pay.confirm()
                pay.enterDetails(mapOf(ReferenceKind.REFERENCE_LABEL to "  "))
                val missing = pay.state.value as ScanPayState.NeedsDetails
                assertEquals(listOf<Any?>("missing_reference", "reference_label"), listOf(missing.error?.kind, missing.error?.detail))
                pay.enterDetails(mapOf(ReferenceKind.REFERENCE_LABEL to "X".repeat(26)))
                assertEquals("missing_reference", (pay.state.value as ScanPayState.NeedsDetails).error?.kind)
                assertEquals("nothing was paid", jpy(5_000), w.balance().available)

                pay.enterDetails(mapOf(ReferenceKind.REFERENCE_LABEL to "TABLE-7"))
                val confirm = pay.state.awaitIs<ScanPayState.Confirm>()
                assertTrue(confirm.summary.references.toString(), PaymentReference(ReferenceKind.REFERENCE_LABEL, "TABLE-7") in confirm.summary.references)
                assertEquals(listOf("KOBAN MART SHIBUYA", "¥1,500", "jpqr"), listOf(confirm.summary.merchant, confirm.summary.debit, confirm.quote.route()))
                pay.confirm()
                val done = pay.state.awaitIs<ScanPayState.Done>()
                assertEquals(jpy(1_500), done.transaction.amount)
                assertTrue(done.transaction.detail.references.toString(), "reference_label=TABLE-7" in done.transaction.detail.references)
                assertEquals(jpy(3_500), w.balance().available)
            }
        }
    }

    @Test
    fun aCodeInvitingATipAsksForItAndPricesIt() = runBlocking {
        enrolledWallet(dir, "yuto", testKeyStore()).use { w ->
            ScanPayViewModel(w, vm.scope).use { pay ->
                // The ramen shop's sticker with tag 55 = 01: the payer may add a tip.
                pay.onScanned(withTag(Sandbox.merchantPayload("m_jp_ramen"), "550201"))
                pay.state.awaitIs<ScanPayState.NeedsAmount>()
                pay.enterAmount("1200")
                val ask = pay.state.awaitIs<ScanPayState.NeedsDetails>()
                assertEquals(listOf<Any?>(true, emptyList<ReferenceKind>(), CurrencyCode.JPY), listOf(ask.tipPrompted, ask.references, ask.currency))
                pay.enterDetails(emptyMap(), "2.5")
                assertEquals("invalid_amount", (pay.state.value as ScanPayState.NeedsDetails).error?.kind)
                pay.enterDetails(emptyMap(), "200")
                val confirm = pay.state.awaitIs<ScanPayState.Confirm>()
                assertEquals(listOf<Any?>("¥1,200", "¥200", "¥1,400"), listOf(confirm.summary.amount, confirm.summary.tip, confirm.summary.debit))
                assertTrue(confirm.quote.tipPrompted())
                pay.rescan()

                pay.onScanned(withTag(Sandbox.merchantPayload("m_jp_ramen"), "550201"))
                pay.state.awaitIs<ScanPayState.NeedsAmount>()
                pay.enterAmount("1200")
                pay.state.awaitIs<ScanPayState.NeedsDetails>()
                pay.enterDetails(emptyMap(), "")
                val noTip = pay.state.awaitIs<ScanPayState.Confirm>()
                assertNull("a blank tip is no tip", noTip.summary.tip)
                assertEquals("¥1,200", noTip.summary.debit)
            }
        }
    }

    @Test
    fun aMultiNetworkCodeIsQuotedThroughTheRouteThePayerChose() = runBlocking {
        enrolledWallet(dir, "riku", testKeyStore()).use { w ->
            w.fund(5_000)
            ScanPayViewModel(w, vm.scope).use { pay ->
                // Bharat QR at a chai stall: RuPay (tag 06) and UPI (tag 26) in one code.
                val chai = Sandbox.merchantPayload("m_in_chai")
                pay.onScanned(chai)
                val choose = pay.state.awaitIs<ScanPayState.ChooseRoute>()
                assertEquals("CHAI POINT", choose.merchant)
                assertEquals(setOf("rupay", "upi"), choose.routes.map { it.schemeId }.toSet())
                pay.chooseRoute("promptpay")
                assertEquals("a route the code does not offer is ignored", choose, pay.state.value)
                pay.chooseRoute("upi")
                assertEquals(CurrencyCode.INR, pay.state.awaitIs<ScanPayState.NeedsAmount>().currency)
                pay.enterAmount("60.00")
                val viaUpi = pay.state.awaitIs<ScanPayState.Confirm>()
                assertEquals(listOf("upi", "UPI"), listOf(viaUpi.quote.route(), viaUpi.summary.route))
                pay.rescan()

                pay.onScanned(chai)
                pay.state.awaitIs<ScanPayState.ChooseRoute>()
                pay.chooseRoute("rupay")
                pay.state.awaitIs<ScanPayState.NeedsAmount>()
                pay.enterAmount("60.00")
                val viaRupay = pay.state.awaitIs<ScanPayState.Confirm>()
                assertEquals(listOf("rupay", "RuPay"), listOf(viaRupay.quote.route(), viaRupay.summary.route))
                assertEquals(Money(6_000, CurrencyCode.INR), viaRupay.quote.amount())
                pay.confirm()
                val done = pay.state.awaitIs<ScanPayState.Done>()
                assertEquals(viaRupay.quote.debit(), done.transaction.amount)
                assertEquals(jpy(5_000 - viaRupay.quote.debit().minor), w.balance().available)
            }
        }
    }
}

/** `payload` (an EMV code ending in its CRC) with `tlv` added before the CRC, and the CRC made again. */
private fun withTag(payload: String, tlv: String): String {
    val body = payload.substring(0, payload.length - 4).removeSuffix("6304") + tlv + "6304"
    var crc = 0xFFFF
    for (b in body.toByteArray()) {
        crc = crc xor ((b.toInt() and 0xFF) shl 8)
        repeat(8) { crc = if (crc and 0x8000 != 0) (crc shl 1) xor 0x1021 else crc shl 1 }
        crc = crc and 0xFFFF
    }
    return body + "%04X".format(crc)
}

/** `bytes` in a direct buffer, like a camera plane. */
private fun direct(bytes: ByteArray): ByteBuffer = ByteBuffer.allocateDirect(bytes.size).put(bytes).flip()
