package io.koban

import io.koban.testing.Partners
import io.koban.testing.Sandbox
import io.koban.testing.TestDir
import io.koban.testing.assertThrowsSuspending
import io.koban.testing.enrolledWallet
import io.koban.testing.fund
import io.koban.testing.jpy
import java.util.UUID
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The merchant terminal through the bindings, as a till app drives it: enrolled at the
 * sandbox's ramen shop, charging a Koban shopper's code and a Chinese tourist's Alipay code
 * (acquired by the host through the partner networks), refunding, making a one-payment
 * code and reading the day's settlement.
 */
class TerminalTest {
    private val dir = TestDir()

    @After
    fun removeDatabases() = dir.close()

    private suspend fun enrolledTerminal(name: String = "till", keys: KeyStore = TestKeyStore(21)): Terminal {
        val till = Terminal.open(dir.db(name), keys, Sandbox.url)
        try {
            till.enrol(SHOP, Sandbox.enrolmentToken(SHOP))
        } catch (e: Throwable) {
            till.close()
            throw e
        }
        return till
    }

    /** A return slip's number: one per refund. */
    private fun slip() = "slip-${UUID.randomUUID()}"

    /** One network's lines of a day, summed (a network has a line per shoppers' currency). */
    private data class Tally(val payments: Int, val refunds: Int, val gross: Long, val refunded: Long, val net: Long, val yuan: Long)

    private fun Settlement.tally(network: PaymentNetwork): Tally {
        val of = lines.filter { it.network == network }
        return Tally(
            of.sumOf { it.payments },
            of.sumOf { it.refunds },
            of.sumOf { it.gross.minor },
            of.sumOf { it.refunded.minor },
            of.sumOf { it.net.minor },
            of.sumOf { line -> line.customerNet?.takeIf { it.currency == CurrencyCode.CNY }?.minor ?: 0L },
        )
    }

    @Test
    fun aTerminalEnrolsAtTheRamenShopAndKeepsItsKeyAcrossRestarts() = runBlocking {
        val keys = TestKeyStore(21)
        val id = Terminal.open(dir.db("till"), keys, Sandbox.url).use { till ->
            assertTrue(till.id(), till.id().startsWith("d_"))
            assertNull(till.merchantId())
            val early = assertThrowsSuspending<TerminalException.NotEnrolled> { till.dynamicCode(jpy(800)) }
            assertEquals("not_enrolled", early.kind)
            val enrolled = till.enrol(SHOP, Sandbox.enrolmentToken(SHOP))
            assertEquals(Enrolled(till.id(), SHOP, enrolled.merchantName, CurrencyCode.JPY), enrolled)
            assertTrue(enrolled.merchantName.isNotEmpty())
            assertEquals(SHOP, till.merchantId())
            till.id()
        }
        assertTrue("the data key was wrapped by the app's key store", keys.calls.get() > 0)

        // After a restart: the same key (so the host still knows the till) and its merchant.
        Terminal.open(dir.db("till"), keys, Sandbox.url).use { till ->
            assertEquals(id, till.id())
            assertEquals(SHOP, till.merchantId())
            assertEquals(CurrencyCode.JPY, till.settlement().net.currency)
            // The same key cannot enrol twice.
            val again = assertThrowsSuspending<TerminalException.AlreadyEnrolled> {
                till.enrol(SHOP, Sandbox.enrolmentToken(SHOP))
            }
            assertEquals("already_enrolled", again.kind)
        }

        // The key is sealed under the data key only this key store unwraps.
        val other = assertThrowsSuspending<TerminalException.KeyStore> {
            Terminal.open(dir.db("till"), TestKeyStore(22), Sandbox.url).close()
        }
        assertEquals("key_store", other.kind)
    }

    @Test
    fun aKobanShoppersCodeIsChargedOnce() = runBlocking {
        enrolledTerminal().use { till ->
            enrolledWallet(dir, "shopper", TestKeyStore(23)).use { shopper ->
                shopper.fund(20_000)
                shopper.replenishCodes()
                val code = shopper.consumerCode().qrText

                val charge = till.charge(code, jpy(1_200))
                assertEquals(ChargeStatus.CAPTURED, charge.status)
                assertEquals(PaymentNetwork.KOBAN, charge.network)
                assertEquals(jpy(1_200), charge.amount)
                assertNull(charge.customerAmount)
                assertNull(charge.rate)
                assertNotNull(charge.transactionId)
                assertNull(charge.refusal)
                assertEquals(jpy(18_800), shopper.balance().available)

                // The same charge again (a retry): the host's stored answer, no second charge.
                assertEquals(charge, till.charge(code, jpy(1_200)))
                assertEquals(charge, till.chargeStatus(charge.id))
                // The code for another amount: it is used up.
                val used = assertThrowsSuspending<TerminalException.CodeUsed> { till.charge(code, jpy(300)) }
                assertEquals("code_used", used.kind)
                assertEquals(jpy(18_800), shopper.balance().available)
            }
        }
    }

    @Test
    fun anAlipayTouristIsChargedInYenAndRefundedInPartInYuan() = runBlocking {
        enrolledTerminal().use { till ->
            val (before, currency) = Partners.balance(LI_WEI)
            assertEquals("CNY", currency)

            val charge = till.charge(Partners.code(LI_WEI), jpy(2_000))
            assertEquals(ChargeStatus.CAPTURED, charge.status)
            assertEquals(PaymentNetwork.ALIPAY_PLUS, charge.network)
            assertEquals(jpy(2_000), charge.amount)
            val taken = charge.customerAmount ?: throw AssertionError("no customer amount in $charge")
            assertEquals(CurrencyCode.CNY, taken.currency)
            assertTrue(taken.minor > 0)
            assertTrue("rate ${charge.rate}", charge.rate?.startsWith("0.0") == true)
            assertEquals(before - taken.minor, Partners.balance(LI_WEI).first)

            // Part of it back: yen off the merchant, yuan back to the tourist.
            val slip = slip()
            val part = till.refund(RefundOf.Charge(charge.id), slip, jpy(500))
            assertEquals(jpy(500), part.amount)
            assertEquals(jpy(500), part.refundedTotal)
            assertEquals(jpy(1_500), part.refundable)
            assertEquals(charge.id, part.chargeId)
            assertEquals(charge.transactionId, part.originalTransactionId)
            val back = part.customerAmount ?: throw AssertionError("no customer amount in $part")
            assertEquals(CurrencyCode.CNY, back.currency)
            assertTrue("$back of $taken", back.minor > 0 && back.minor < taken.minor)
            assertEquals(before - taken.minor + back.minor, Partners.balance(LI_WEI).first)

            // The same slip again is the same refund: the tourist gets it once.
            assertEquals(part, till.refund(RefundOf.Charge(charge.id), slip, jpy(500)))
            assertEquals(before - taken.minor + back.minor, Partners.balance(LI_WEI).first)

            // More than is left: refused, typed, nothing moves.
            val tooMuch = assertThrowsSuspending<TerminalException.RefundExceedsPayment> {
                till.refund(RefundOf.Transaction(charge.transactionId!!), slip(), jpy(1_501))
            }
            assertEquals("refund_exceeds_payment", tooMuch.kind)
            assertTrue(tooMuch.message, tooMuch.message!!.isNotBlank())
            assertEquals(before - taken.minor + back.minor, Partners.balance(LI_WEI).first)
        }
    }

    @Test
    fun aDynamicCodeIsAMerchantCodeForItsAmount() = runBlocking {
        enrolledTerminal().use { till ->
            val code = till.dynamicCode(jpy(3_400), "ORDER-${(1000..9999).random()}")
            assertEquals(SHOP, code.merchantId)
            assertEquals(jpy(3_400), code.amount)
            val d = detect(code.payload)
            assertEquals(Presentment.MERCHANT, d.presentment)
            assertEquals(Initiation.DYNAMIC, d.initiation)
            assertEquals(jpy(3_400), d.amount)
            assertTrue(d.references.toString(), d.references.any { it.value == code.reference })
            // The same reference again makes no second code.
            assertEquals(code, till.dynamicCode(jpy(3_400), code.reference))
        }
    }

    @Test
    fun theDaysSettlementShowsTheKobanAndAlipayLinesNetOfRefunds() = runBlocking {
        enrolledTerminal().use { till ->
            enrolledWallet(dir, "diner", TestKeyStore(24)).use { diner ->
                diner.fund(10_000)
                diner.replenishCodes()
                val before = till.settlement()
                val koban = till.charge(diner.consumerCode().qrText, jpy(900))
                val alipay = till.charge(Partners.code(LI_WEI), jpy(1_600))
                assertEquals(listOf(ChargeStatus.CAPTURED, ChargeStatus.CAPTURED), listOf(koban.status, alipay.status))
                val part = till.refund(RefundOf.Charge(alipay.id), slip(), jpy(400))
                val after = till.settlement(before.date)

                assertEquals(SHOP, after.merchantId)
                assertEquals(before.date, after.date)
                assertTrue(after.startsAt < after.endsAt)
                assertEquals(before.net.minor + 900 + 1_600 - 400, after.net.minor)

                // Other tests' shoppers pay this shop too: compare the day's lines before and after.
                assertEquals(
                    before.tally(PaymentNetwork.KOBAN).run { copy(payments = payments + 1, gross = gross + 900, net = net + 900) },
                    after.tally(PaymentNetwork.KOBAN),
                )
                val yuanKept = alipay.customerAmount!!.minor - part.customerAmount!!.minor
                assertEquals(
                    before.tally(PaymentNetwork.ALIPAY_PLUS).run {
                        copy(payments + 1, refunds + 1, gross + 1_600, refunded + 400, net + 1_200, yuan + yuanKept)
                    },
                    after.tally(PaymentNetwork.ALIPAY_PLUS),
                )
                // Koban lines are in yen only; the Alipay line has the tourists' yuan beside the yen.
                assertTrue(after.lines.filter { it.network == PaymentNetwork.KOBAN }.all { it.customerNet == null })
                val alipayLine = after.lines.single { it.network == PaymentNetwork.ALIPAY_PLUS && it.customerNet?.currency == CurrencyCode.CNY }
                assertEquals(jpy(alipayLine.gross.minor - alipayLine.refunded.minor), alipayLine.net)
            }
        }
    }

    @Test
    fun everyTerminalErrorKindMatchesRust() {
        val kinds = testHookTerminalErrorKinds()
        assertEquals(kinds.size, kinds.toSet().size)
        assertTrue(kinds.containsAll(listOf("refund_exceeds_payment", "code_used", "outcome_unknown", "key_store")))
        val variants = kinds.map { kind ->
            try {
                testHookTerminalError(kind, "message of $kind")
                throw AssertionError("$kind did not throw")
            } catch (e: TerminalException) {
                assertEquals(kind, e.kind)
                assertEquals("message of $kind", e.message)
                e::class
            }
        }
        assertEquals("each kind is its own variant", kinds.size, variants.toSet().size)
    }

    private companion object {
        const val SHOP = "m_jp_ramen"
        const val LI_WEI = "li_wei"
    }
}
