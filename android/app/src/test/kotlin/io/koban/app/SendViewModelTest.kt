package io.koban.app

import io.koban.CurrencyCode
import io.koban.Identity
import io.koban.QuotePurpose
import io.koban.RemittancePurpose
import io.koban.TransactionKind
import io.koban.app.model.ReceiveStatus
import io.koban.app.model.ReceiveViewModel
import io.koban.app.model.SendStatus
import io.koban.app.model.SendViewModel
import io.koban.app.model.display
import io.koban.app.model.rateLine
import io.koban.testing.enrolledWallet
import io.koban.testing.fund
import io.koban.testing.jpy
import java.time.Instant
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** Send against the sandbox: shown first, then sent; by handle, by receive code, abroad, and the mistakes people make. */
class SendViewModelTest : ViewModelTest() {
    @Test
    fun moneyGoesByHandleOrReceiveCodeOnlyAfterTheRecipientIsShown() = runBlocking {
        enrolledWallet(dir, "ami", testKeyStore()).use { ami ->
            enrolledWallet(dir, "jun", testKeyStore()).use { jun ->
                ami.fund(10_000)
                val junHandle = jun.profile()!!.handle
                val send = SendViewModel(ami, vm.scope)
                send.state.await { it.currency == CurrencyCode.JPY }

                send.preview("@$junHandle", "1500", "lunch")!!.join()
                val shown = send.state.value.status as SendStatus.Confirm
                with(shown.summary) {
                    assertEquals(listOf<Any?>("@$junHandle", "Jun", "JP", "¥1,500", "¥1,500", false), listOf(handle, name, country, amount, debit, abroad))
                }
                assertEquals("lunch", shown.message)
                assertEquals("nothing moves before confirming", jpy(10_000), ami.balance().available)

                val job = send.confirm()!!
                assertNull("a second tap sends nothing more", send.confirm())
                job.join()
                val sent = send.state.value.status as SendStatus.Sent
                assertEquals("¥1,500", sent.amount)
                assertEquals("@$junHandle", sent.transaction.counterparty)
                assertEquals(listOf(junHandle), send.state.await { it.recipients.isNotEmpty() }.recipients.map { it.handle })

                send.another()
                send.preview(jun.receiveCode(), "200")!!.join()
                assertEquals("Jun", (send.state.value.status as SendStatus.Confirm).summary.name)
                send.confirm()!!.join()
                assertEquals("¥200", (send.state.value.status as SendStatus.Sent).amount)
                assertEquals(jpy(1_700), jun.balance().available)
                assertEquals(jpy(8_300), ami.balance().available)
            }
        }
    }

    @Test
    fun aReceiveCodeWithAnAmountAndANoteIsPaidExactlyThat() = runBlocking {
        enrolledWallet(dir, "kai", testKeyStore()).use { kai ->
            enrolledWallet(dir, "ren", testKeyStore()).use { ren ->
                kai.fund(5_000)
                val receive = ReceiveViewModel(ren, vm.scope)
                receive.state.await { it.currency == CurrencyCode.JPY }
                assertNull(receive.make("1200", "a note far longer than twenty-five characters"))
                assertEquals("note_too_long", (receive.state.value.status as ReceiveStatus.Ready).error?.kind)
                receive.make("1200", "ramen")!!.join()
                val code = receive.state.value.code!!
                assertEquals(listOf<Any?>("¥1,200", "ramen"), listOf(code.amount, code.note))
                assertTrue(code.matrix.size > 0)

                val send = SendViewModel(kai, vm.scope)
                send.state.await { it.currency == CurrencyCode.JPY }
                send.preview(code.text, "1000")!!.join()
                assertEquals("another amount is refused before anything moves", "invalid_input", (send.state.value.status as SendStatus.Editing).error?.kind)
                send.preview(code.text, "")!!.join()
                val shown = (send.state.value.status as SendStatus.Confirm).summary
                assertEquals(listOf<Any?>("Ren", "¥1,200", true, "ramen"), listOf(shown.name, shown.amount, shown.amountFixed, shown.note))
                send.confirm()!!.join()
                assertEquals("¥1,200", (send.state.value.status as SendStatus.Sent).amount)
                assertEquals(jpy(1_200), ren.balance().available)
                assertEquals(jpy(3_800), kai.balance().available)

                receive.make()!!.join()
                assertNull("an open code leaves the amount to the sender", receive.state.value.code!!.amount)
            }
        }
    }

    @Test
    fun aFriendAbroadIsSentARemittanceWhoseQuoteIsShownFirst() = runBlocking {
        enrolledWallet(dir, "yui", testKeyStore()).use { yui ->
            enrolledWallet(dir, "somchai", testKeyStore(), country = "TH").use { somchai ->
                yui.fund(50_000)
                val to = "@" + somchai.profile()!!.handle
                val send = SendViewModel(yui, vm.scope)
                send.state.await { it.currency == CurrencyCode.JPY }
                send.preview(to, "10000")!!.join()
                assertEquals("refused before the confirm screen", "kyc_required", (send.state.value.status as SendStatus.Editing).error?.kind)

                yui.verifyIdentity(Identity("Yui Sato", "1994-04-01", "MN1234567"))
                send.preview(to, "10000", "happy birthday")!!.join()
                val shown = send.state.value.status as SendStatus.Confirm
                val q = shown.preview.remittance()!!
                with(shown.summary) {
                    assertTrue(abroad)
                    assertEquals(listOf("Somchai", "TH"), listOf(name, country))
                    assertEquals(CurrencyCode.THB, q.receive().currency)
                    assertEquals(q.receive().display(), receives)
                    assertEquals(q.total().display(), debit)
                    assertEquals(q.rateLine(), rate)
                    assertTrue(rate!!, rate!!.startsWith("1 JPY = ") && rate!!.endsWith(" THB"))
                    assertEquals(q.fee().takeIf { it.minor > 0 }?.display(), fee)
                    assertEquals(q.deliveryEstimateSecs(), arrivesInSecs)
                    assertEquals(q.expiresAt(), rateExpiresAt)
                    assertTrue("the rate holds for a while yet", rateExpiresAt!! > Instant.now())
                }
                assertEquals(QuotePurpose.REMITTANCE, q.purpose())
                assertEquals("nothing moves before confirming", jpy(50_000), yui.balance().available)

                send.confirm(RemittancePurpose.FAMILY_SUPPORT)!!.join()
                val sent = send.state.value.status as SendStatus.Sent
                assertEquals(listOf<Any?>(TransactionKind.REMITTANCE, q.total()), listOf(sent.transaction.kind, sent.transaction.amount))
                assertEquals(jpy(50_000 - q.total().minor), yui.balance().available)
                assertTrue(somchai.sync(0).received.any { it.amount == q.receive() })
            }
        }
    }

    @Test
    fun badAmountsUnknownPeopleAndEmptyWalletsAreExplained() = runBlocking {
        enrolledWallet(dir, "sei", testKeyStore()).use { w ->
            w.fund(100)
            val send = SendViewModel(w, vm.scope)
            send.state.await { it.currency == CurrencyCode.JPY }

            assertNull("refused before anything is sent", send.preview("someone", "12.5"))
            assertEquals("invalid_amount", (send.state.value.status as SendStatus.Editing).error?.kind)

            val stranger = "nobody_" + w.profile()!!.handle.takeLast(8)
            send.preview(stranger, "50")!!.join()
            val unknown = (send.state.value.status as SendStatus.Editing).error!!
            assertEquals("Nobody has that handle. Check it and try again.", english(unknown.message))
            assertFalse("the handle is not repeated back", unknown.detail!!.contains(stranger))

            val me = enrolledWallet(dir, "sei2", testKeyStore()).use { it.profile()!!.handle }
            send.preview(me, "500")!!.join()
            // Refused when shown or when confirmed, whichever the host decides: never sent.
            if (send.state.value.status is SendStatus.Confirm) send.confirm()!!.join()
            assertEquals("insufficient_funds", (send.state.value.status as SendStatus.Editing).error?.kind)
            assertEquals(jpy(100), w.balance().available)
        }
    }
}
