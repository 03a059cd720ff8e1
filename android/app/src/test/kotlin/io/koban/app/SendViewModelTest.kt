package io.koban.app

import io.koban.app.model.SendStatus
import io.koban.app.model.SendViewModel
import io.koban.testing.enrolledWallet
import io.koban.testing.fund
import io.koban.testing.jpy
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Test

/** Send against the sandbox: by handle and by receive code, and the mistakes people make. */
class SendViewModelTest : ViewModelTest() {
    @Test
    fun moneyGoesByHandleOrReceiveCodeAndTheRecipientIsRemembered() = runBlocking {
        enrolledWallet(dir, "ami", testKeyStore()).use { ami ->
            enrolledWallet(dir, "jun", testKeyStore()).use { jun ->
                ami.fund(10_000)
                val junHandle = jun.profile()!!.handle
                val send = SendViewModel(ami, vm.scope)
                send.state.await { it.currency == "JPY" }

                send.send("@$junHandle", "1500", "lunch")!!.join()
                val sent = send.state.value.status as SendStatus.Sent
                assertEquals("¥1,500", sent.amount)
                assertEquals("@$junHandle", sent.transaction.counterparty)
                assertEquals(listOf(junHandle), send.state.await { it.recipients.isNotEmpty() }.recipients.map { it.handle })

                send.another()
                send.send(jun.receiveCode(), "200")!!.join()
                assertEquals("¥200", (send.state.value.status as SendStatus.Sent).amount)
                assertEquals(jpy(1_700), jun.balance().available)
                assertEquals(jpy(8_300), ami.balance().available)
            }
        }
    }

    @Test
    fun badAmountsUnknownPeopleAndEmptyWalletsAreExplained() = runBlocking {
        enrolledWallet(dir, "sei", testKeyStore()).use { w ->
            w.fund(100)
            val send = SendViewModel(w, vm.scope)
            send.state.await { it.currency == "JPY" }

            assertNull("refused before anything is sent", send.send("someone", "12.5"))
            assertEquals("invalid_amount", (send.state.value.status as SendStatus.Editing).error?.kind)

            val stranger = "nobody_" + w.profile()!!.handle.takeLast(8)
            send.send(stranger, "50")!!.join()
            val unknown = (send.state.value.status as SendStatus.Editing).error!!
            assertEquals("Nobody has that handle. Check it and try again.", unknown.message)
            assertFalse("the handle is not repeated back", unknown.detail!!.contains(stranger))

            val me = enrolledWallet(dir, "sei2", testKeyStore()).use { it.profile()!!.handle }
            send.send(me, "500")!!.join()
            assertEquals("insufficient_funds", (send.state.value.status as SendStatus.Editing).error?.kind)
            assertEquals(jpy(100), w.balance().available)
        }
    }
}
