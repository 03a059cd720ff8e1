package io.koban

import io.koban.testing.JdkHttpTransport
import io.koban.testing.Sandbox
import io.koban.testing.TestDir
import io.koban.testing.assertThrowsSuspending
import io.koban.testing.enrolledWallet
import io.koban.testing.fund
import io.koban.testing.jpy
import java.io.File
import java.math.BigDecimal
import java.math.RoundingMode
import java.time.Duration
import java.time.Instant
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The wallet through the bindings, against the sandbox host: the flows of
 * bindings/tests/wallet.rs driven from Kotlin, with the platform services (key store,
 * logger, HTTP stack, listener) written in Kotlin.
 */
class WalletTest {
    private val dir = TestDir()

    @After
    fun removeDatabases() = dir.close()

    /** Collects the wallet's log lines, as Logcat would show them. */
    private class LogLines : Logger {
        val lines = ConcurrentLinkedQueue<Pair<LogLevel, String>>()
        override fun log(level: LogLevel, message: String) {
            lines += level to message
        }
    }

    /** Hands each incoming transfer to the test thread. */
    private class Inbox : WalletListener {
        val received = LinkedBlockingQueue<WalletTransaction>()
        override fun onIncoming(transaction: WalletTransaction) {
            received.put(transaction)
        }

        override fun onChargeRequest(request: ChargeRequest) = Unit

        override fun onMoneyRequest(request: MoneyRequest) = Unit

        fun next(): WalletTransaction = received.poll(20, TimeUnit.SECONDS) ?: throw AssertionError("nothing arrived in 20 s")
    }

    /** Hands each till charge waiting for approval to the test thread, as a phone's prompt would get it. */
    private class Prompts : WalletListener {
        val asked = LinkedBlockingQueue<ChargeRequest>()
        override fun onIncoming(transaction: WalletTransaction) = Unit

        override fun onChargeRequest(request: ChargeRequest) {
            asked.put(request)
        }

        override fun onMoneyRequest(request: MoneyRequest) = Unit

        fun next(): ChargeRequest = asked.poll(20, TimeUnit.SECONDS) ?: throw AssertionError("no charge request in 20 s")
    }

    @Test
    fun aWalletOpensEnrolsLinksABankAndTopsUp() = runBlocking {
        val keys = TestKeyStore(1)
        val handle = Sandbox.uniqueHandle("aiko")
        Wallet.open(dir.db("aiko"), keys, Sandbox.config()).use { w ->
            assertTrue("the app's key store wrapped the data key", keys.calls.get() >= 1)
            assertNull(w.profile())
            val early = assertThrowsSuspending<WalletException.NotEnrolled> { w.balance() }
            assertEquals("not_enrolled", early.kind)
            assertEquals("this device is not enrolled yet", early.message)

            val profile = w.enrol(Enrolment("JP", handle, "Aiko"))
            assertEquals(listOf(handle, "Aiko", "JP", CurrencyCode.JPY, Tier.UNVERIFIED), with(profile) { listOf(this.handle, displayName, country, currency, tier) })
            assertTrue("enrolled just now", Duration.between(profile.enrolledAt, Instant.now()).abs().seconds < 300)
            assertEquals(profile, w.profile())
            assertTrue(w.banks().any { it.id == "bank_sakura" })

            val link = w.linkBank(BankAccount("bank_sakura", "7654321", "TANAKA AIKO", jpy(100_000)))
            assertEquals("4321", link.last4)
            assertEquals(listOf(link), w.bankLinks())
            val topUp = w.topUp(link.id, jpy(30_000))
            assertEquals(listOf<Any?>(TransactionKind.TOP_UP, Direction.IN, jpy(30_000)), listOf(topUp.kind, topUp.direction, topUp.amount))
            assertFalse("the account number stays off the device", topUp.toString().contains("7654321"))

            val balance = w.balance()
            assertEquals(jpy(30_000), balance.available)
            assertEquals(Tier.UNVERIFIED, balance.tier)
            assertFalse(balance.canRemit)
            assertEquals(jpy(30_000), w.cachedBalance()?.available)
        }
        // The same database and key store open again: enrolment and history survive.
        Wallet.open(dir.db("aiko"), keys, Sandbox.config()).use { w ->
            assertEquals(handle, w.profile()?.handle)
            assertEquals(listOf(TransactionKind.TOP_UP), w.history(10).items.map { it.kind })
        }
    }

    @Test
    fun aHomeMerchantCodeIsQuotedThenPaidOnce() = runBlocking {
        val log = LogLines()
        enrolledWallet(dir, "ren", TestKeyStore(2), logger = log).use { w ->
            w.fund(10_000)
            val quote = w.quotePayment(PaymentRequest(Sandbox.merchantPayload("m_jp_ramen"), amount = jpy(1_200)))
            assertEquals("jpqr", quote.route())
            assertEquals("KOBAN RAMEN", quote.merchantName())
            assertNull("no FX at home", quote.fx())
            assertEquals(jpy(1_200), quote.amount())
            assertEquals(jpy(1_200), quote.debit())
            assertEquals(0L, quote.fee().minor)

            val paid = w.confirmPayment(quote)
            assertEquals(listOf<Any?>(TransactionKind.PAYMENT, Direction.OUT, jpy(1_200)), listOf(paid.kind, paid.direction, paid.amount))
            assertEquals(jpy(8_800), w.balance().available)
            assertEquals(paid.id, w.history(1).items.single().id)

            // The logger hears operations and error kinds, never handles, accounts or amounts.
            val lines = log.lines.toList()
            assertTrue(lines.toString(), lines.contains(LogLevel.DEBUG to "confirm_payment: ok"))
            val handle = w.profile()!!.handle
            val leaks = lines.filter { (_, m) -> m.contains(handle) || m.contains("7654321") || m.contains("1200") }
            assertEquals(emptyList<Pair<LogLevel, String>>(), leaks)
        }
    }

    @Test
    fun aForeignMerchantShowsTheHomeCurrencyDebitAndFxBeforePaying() = runBlocking {
        enrolledWallet(dir, "sora", TestKeyStore(3)).use { w ->
            w.fund(20_000)
            val baht = Money(12_000, CurrencyCode.THB) // ฿120.00
            val quote = w.quotePayment(PaymentRequest(Sandbox.merchantPayload("m_th_somtam"), amount = baht))
            assertEquals("TH", quote.merchantCountry())
            assertEquals(baht, quote.amount())
            assertEquals(baht, quote.total())
            val fx = quote.fx() ?: throw AssertionError("a payment abroad needs an FX quote")
            assertEquals(QuotePurpose.MERCHANT_PAYMENT, fx.purpose())
            assertEquals(baht, fx.receive())
            // What the payer sees first: the debit in yen, the fee inside it, at the quoted rate.
            assertEquals(CurrencyCode.JPY, quote.debit().currency)
            assertEquals(fx.total(), quote.debit())
            assertEquals(fx.fee(), quote.fee())
            assertEquals(fx.send().minor + fx.fee().minor, fx.total().minor)
            assertTrue("a fee is charged abroad", fx.fee().minor > 0)
            // The host rounds the converted amount up to the yen: ceil(120.00 THB / rate).
            val rate = BigDecimal(fx.rate())
            assertEquals(BigDecimal("120.00").divide(rate, 0, RoundingMode.CEILING).toLong(), fx.send().minor)
            assertTrue("the customer rate is below mid-market", rate < BigDecimal(fx.midRate()) && fx.marginBps() > 0)
            assertTrue(fx.expiresAt() > Instant.now())

            val paid = w.confirmPayment(quote)
            assertEquals(TransactionKind.PAYMENT, paid.kind)
            assertEquals("history shows the yen that left", quote.debit(), paid.amount)
            assertEquals(jpy(20_000 - quote.debit().minor), w.balance().available)
        }
    }

    @Test
    fun moneySentToAListeningWalletArrivesInItsListener() = runBlocking {
        enrolledWallet(dir, "aiko", TestKeyStore(4)).use { aiko ->
            enrolledWallet(dir, "ben", fileKeyStore(File(dir.path, "ben.key").path)).use { ben ->
                aiko.fund(10_000)
                val aikoHandle = aiko.profile()!!.handle
                val benHandle = ben.profile()!!.handle
                val inbox = Inbox()
                val listening = ben.listen(inbox, 5L)
                try {
                    val sent = aiko.send(SendTo.Handle("@$benHandle"), jpy(5_000), "ramen")
                    assertEquals(listOf<Any?>(TransactionKind.TRANSFER, "@$benHandle"), listOf(sent.kind, sent.counterparty))
                    val got = inbox.next()
                    assertEquals(listOf<Any?>(sent.id, Direction.IN, jpy(5_000), "@$aikoHandle"), listOf(got.id, got.direction, got.amount, got.counterparty))

                    // By receive code, as when Aiko scans Ben's screen.
                    aiko.send(SendTo.ReceiveCode(ben.receiveCode()), jpy(700))
                    assertEquals(jpy(700), inbox.next().amount)
                } finally {
                    listening.cancel()
                }
                withTimeout(5_000) {
                    while (listening.isRunning()) delay(20)
                }
                assertEquals(benHandle, aiko.recipients().first().handle)
                assertEquals(jpy(5_700), ben.balance().available)
                assertEquals(listOf(TransactionKind.TRANSFER, TransactionKind.TRANSFER), ben.history(10).items.map { it.kind })
                assertTrue("no transfer was delivered twice", inbox.received.isEmpty())
            }
        }
    }

    @Test
    fun historyPagesFollowTheirCursorsNewestFirst() = runBlocking {
        enrolledWallet(dir, "hana", TestKeyStore(5)).use { w ->
            w.fund(10_000)
            val ramen = Sandbox.merchantPayload("m_jp_ramen")
            val payments = (1..4).map { i -> w.confirmPayment(w.quotePayment(PaymentRequest(ramen, amount = jpy(100L * i)))) }

            val pages = mutableListOf<HistoryPage>()
            var cursor: String? = null
            do {
                val page = w.history(2, cursor)
                pages += page
                cursor = page.nextCursor
            } while (cursor != null && pages.size < 10)
            assertEquals(listOf(2, 2, 1), pages.map { it.items.size })
            val items = pages.flatMap { it.items }
            assertEquals(payments.reversed().map { it.id }, items.take(4).map { it.id })
            assertEquals(TransactionKind.TOP_UP, items.last().kind)
            assertEquals("pages neither skip nor repeat", w.history(10).items, items)
            assertTrue(items.zipWithNext().all { (a, b) -> a.createdAt >= b.createdAt })
        }
    }

    @Test
    fun consumerCodesComeAfterReplenishingAndUseUpOneKeyEach() = runBlocking {
        enrolledWallet(dir, "dai", TestKeyStore(6)).use { w ->
            assertEquals(0, w.codesLeft())
            val none = assertThrowsSuspending<WalletException.NoCodesLeft> { w.consumerCode() }
            assertEquals("no_codes_left", none.kind)

            val left = w.replenishCodes()
            assertTrue("$left keys", left >= 5)
            val code = w.consumerCode()
            assertTrue(code.qrText, code.qrText.startsWith("hQVDUFYwMW"))
            assertNull(code.numeric)
            assertEquals(left - 1, code.codesLeft)
            assertEquals(left - 1, w.codesLeft())
            assertEquals(qrMatrix(code.qrText), code.matrix)
            assertTrue(code.refreshAt < code.expiresAt)
            assertTrue("valid for about a minute", Duration.between(Instant.now(), code.expiresAt).seconds in 0..61)
            // The till reads it back.
            TokenCode.fromQrText(code.qrText).use { assertEquals(code.expiresAt, it.expiresAt()) }

            val numeric = w.consumerCodeNumeric()
            val digits = numeric.numeric ?: throw AssertionError("a numeric code without digits")
            assertTrue(digits, digits.length == 36 && digits.all { it in '0'..'9' })
            assertNotEquals("every code uses a fresh key", code.qrText, numeric.qrText)
            assertEquals(left - 2, numeric.codesLeft)
            TokenCode.fromNumeric(digits, Instant.now()).use { till ->
                TokenCode.fromQrText(numeric.qrText).use { assertEquals(it.token(), till.token()) }
            }
            assertEquals("enough keys: nothing new is provisioned", left - 2, w.replenishCodes())
        }
    }

    @Test
    fun refusalsArriveTypedWithReadableMessages() = runBlocking {
        enrolledWallet(dir, "kenji", TestKeyStore(7)).use { w ->
            val link = w.fund(1_000, opening = 5_000)
            val quote = w.quotePayment(PaymentRequest(Sandbox.merchantPayload("m_jp_ramen"), amount = jpy(2_000)))
            val poor = assertThrowsSuspending<WalletException.InsufficientFunds> { w.confirmPayment(quote) }
            assertEquals("insufficient_funds", poor.kind)
            assertEquals("insufficient funds in wallet", poor.message)
            val bank = assertThrowsSuspending<WalletException.InsufficientFunds> { w.topUp(link.id, jpy(4_001)) }
            assertEquals("insufficient funds in bank account", bank.message)

            val stranger = Sandbox.uniqueHandle("nobody")
            val unknown = assertThrowsSuspending<WalletException.UnknownRecipient> { w.send(SendTo.Handle(stranger), jpy(1)) }
            assertEquals("unknown_recipient", unknown.kind)
            assertFalse("handles are blanked: ${unknown.message}", unknown.message!!.contains(stranger))
            val junk = assertThrowsSuspending<WalletException> { w.quotePayment(PaymentRequest("hello")) }
            assertTrue(junk.kind, junk is WalletException.UnreadableCode || junk is WalletException.NotPayable)

            // Refusals are final: nothing pending, nothing moved, nothing in history.
            assertEquals(0, w.pendingCount())
            assertEquals(jpy(1_000), w.balance().available)
            assertEquals(listOf(TransactionKind.TOP_UP), w.history(10).items.map { it.kind })
        }
    }

    @Test
    fun aFailingKeyStoreIsAKeyStoreErrorNotACrash() = runBlocking {
        val keys = TestKeyStore(8)
        Wallet.open(dir.db("kei"), keys, Sandbox.config()).close()

        val foreign = assertThrowsSuspending<WalletException.KeyStore> { Wallet.open(dir.db("kei"), TestKeyStore(9), Sandbox.config()) }
        assertEquals("key_store", foreign.kind)
        assertEquals("wrapped key does not unwrap", foreign.message)

        keys.locked = true
        val locked = assertThrowsSuspending<WalletException.KeyStore> { Wallet.open(dir.db("kei"), keys, Sandbox.config()) }
        assertTrue(locked.message, locked.message!!.contains("the device is locked"))

        // An exception the trait does not declare is still a typed error.
        val broken = object : KeyStore {
            override fun wrap(dataKey: ByteArray): ByteArray = throw IllegalStateException("keystore service died")
            override fun unwrap(wrapped: ByteArray): ByteArray = throw IllegalStateException("keystore service died")
            override fun signingKey(alias: String): ByteArray? = throw IllegalStateException("keystore service died")
            override fun sign(alias: String, message: ByteArray): ByteArray = throw IllegalStateException("keystore service died")
        }
        val undeclared = assertThrowsSuspending<WalletException.KeyStore> { Wallet.open(dir.db("new"), broken, Sandbox.config()) }
        assertTrue(undeclared.message, undeclared.message!!.contains("keystore service died"))

        keys.locked = false
        Wallet.open(dir.db("kei"), keys, Sandbox.config()).use { assertNull(it.profile()) }
    }

    @Test
    fun theAppsHttpClientCarriesEveryRequest() = runBlocking {
        val transport = JdkHttpTransport()
        enrolledWallet(dir, "eri", TestKeyStore(10), transport = transport).use { w ->
            w.fund(3_000)
            assertEquals(jpy(3_000), w.balance().available)
            val walletId = w.profile()!!.walletId
            assertEquals(
                listOf("POST /v1/devices", "POST /v1/bank-links", "POST /v1/topups", "GET /v1/wallets/$walletId"),
                transport.carried.toList(),
            )
            assertEquals(4, transport.sent.get())

            transport.offline = true
            val offline = assertThrowsSuspending<WalletException.Unavailable> { w.balance() }
            assertTrue(offline.message, offline.message!!.contains("network is unreachable"))
            assertEquals("the last balance stays readable offline", jpy(3_000), w.cachedBalance()?.available)
        }
    }

    @Test
    fun aPaymentCancelledAfterTheHostAppliedItIsSettledNotRepeated() = runBlocking {
        val transport = JdkHttpTransport()
        enrolledWallet(dir, "yuki", TestKeyStore(11), transport = transport).use { w ->
            w.fund(5_000)
            val quote = w.quotePayment(PaymentRequest(Sandbox.merchantPayload("m_jp_mart"), amount = jpy(800)))
            val answered = CompletableDeferred<Unit>()
            // The host commits the payment; the answer never reaches the wallet because the user left the screen.
            transport.afterAnswer = { request, _ ->
                if (request.url.endsWith("/v1/payments")) {
                    answered.complete(Unit)
                    awaitCancellation()
                }
            }
            val paying = launch { w.confirmPayment(quote) }
            withTimeout(10_000) { answered.await() }
            paying.cancelAndJoin()
            transport.afterAnswer = null

            assertEquals("the intent waits, outcome unknown", 1, w.pendingCount())
            assertTrue(w.history(10).items.none { it.kind == TransactionKind.PAYMENT })
            assertEquals("the host already took the money", jpy(4_200), w.balance().available)

            w.resolvePending()
            assertEquals(0, w.pendingCount())
            assertEquals(1, w.history(10).items.count { it.kind == TransactionKind.PAYMENT && it.amount == jpy(800) })
            assertEquals("paid once", jpy(4_200), w.balance().available)
        }
    }

    @Test
    fun aPaymentCancelledBeforeItWasSentIsSentOnceByTheNextCall() = runBlocking {
        val transport = JdkHttpTransport()
        enrolledWallet(dir, "mio", TestKeyStore(12), transport = transport).use { w ->
            val link = w.fund(5_000)
            val quote = w.quotePayment(PaymentRequest(Sandbox.merchantPayload("m_jp_mart"), amount = jpy(900)))
            val sending = CompletableDeferred<Unit>()
            transport.beforeSend = { request ->
                if (request.url.endsWith("/v1/payments")) {
                    sending.complete(Unit)
                    awaitCancellation()
                }
            }
            val paying = launch { w.confirmPayment(quote) }
            withTimeout(10_000) { sending.await() }
            paying.cancelAndJoin()
            transport.beforeSend = null

            assertEquals(1, w.pendingCount())
            assertEquals("the host never saw it", jpy(5_000), w.balance().available)

            // The next money-moving call settles the pending payment first.
            w.topUp(link.id, jpy(100))
            assertEquals(0, w.pendingCount())
            assertEquals(listOf(TransactionKind.TOP_UP, TransactionKind.PAYMENT, TransactionKind.TOP_UP), w.history(10).items.map { it.kind })
            assertEquals(jpy(5_000 - 900 + 100), w.balance().available)
        }
    }

    @Test
    fun aTillChargeAboveTheLimitWaitsForTheShoppersAnswer() = runBlocking {
        enrolledWallet(dir, "nao", TestKeyStore(13)).use { w ->
            w.fund(30_000)
            assertEquals("the host's default", jpy(10_000), w.balance().noConfirmLimit)
            w.replenishCodes()
            val prompts = Prompts()
            val listening = w.listen(prompts, 5L)
            val paid = try {
                // ¥12,000 is above the limit: the till waits and the phone is asked at once.
                val charge = testHookTillCharge(Sandbox.url, "m_jp_mart", w.consumerCode().qrText, 12_000, CurrencyCode.JPY)
                assertEquals("pending_approval", charge.status)
                val asked = prompts.next()
                assertEquals(
                    listOf<Any?>(charge.id, jpy(12_000), "KOBAN MART SHIBUYA", "JP", ChargeRequestStatus.PENDING),
                    listOf(asked.id, asked.amount, asked.merchantName, asked.merchantCountry, asked.status),
                )
                val window = Duration.between(asked.createdAt, asked.approveBy).seconds
                assertTrue("$window s to answer", window in 1..120)
                assertEquals(listOf(asked), w.chargeRequests())
                assertEquals("nothing moves before the answer", jpy(30_000), w.balance().available)

                val paid = w.approveCharge(asked.id)
                assertEquals(listOf<Any?>(TransactionKind.TILL_CHARGE, Direction.OUT, jpy(12_000)), listOf(paid.kind, paid.direction, paid.amount))
                assertTrue(w.chargeRequests().isEmpty())
                assertThrowsSuspending<WalletException.InvalidInput> { w.approveCharge(asked.id) }

                // Declined: nothing moves.
                val declined = testHookTillCharge(Sandbox.url, "m_jp_mart", w.consumerCode().qrText, 15_000, CurrencyCode.JPY)
                assertEquals(declined.id, prompts.next().id)
                w.declineCharge(declined.id)
                assertTrue(w.chargeRequests().isEmpty())
                paid
            } finally {
                listening.cancel()
            }
            withTimeout(5_000) {
                while (listening.isRunning()) delay(20)
            }
            assertEquals("the approved charge once, the declined one never", jpy(18_000), w.balance().available)
            assertEquals(listOf(paid.id), w.history(20).items.filter { it.kind == TransactionKind.TILL_CHARGE }.map { it.id })

            // A lower ceiling: ¥6,000 waits too, heard by a plain sync.
            assertEquals(jpy(5_000), w.setNoConfirmLimit(jpy(5_000)).noConfirmLimit)
            val waits = testHookTillCharge(Sandbox.url, "m_jp_mart", w.consumerCode().qrText, 6_000, CurrencyCode.JPY)
            assertEquals("pending_approval", waits.status)
            val report = w.sync(0L)
            assertEquals(listOf(waits.id), report.chargeRequests.map { it.id })
            assertEquals(emptyList<WalletTransaction>(), report.charged)
            val tooHigh = assertThrowsSuspending<WalletException.BadRequest> { w.setNoConfirmLimit(jpy(10_001)) }
            assertEquals("bad_request", tooHigh.kind)
        }
    }

    @Test
    fun everyWalletErrorKindMatchesRust() {
        val kinds = testHookWalletErrorKinds()
        assertEquals(38, kinds.size)
        assertEquals(kinds.size, kinds.toSet().size)
        val variants = kinds.map { kind ->
            try {
                testHookWalletError(kind, "message of $kind")
                throw AssertionError("$kind did not throw")
            } catch (e: WalletException) {
                assertEquals(kind, e.kind)
                assertEquals("message of $kind", e.message)
                e::class
            }
        }
        assertEquals("each kind is its own variant", kinds.size, variants.toSet().size)
    }
}
