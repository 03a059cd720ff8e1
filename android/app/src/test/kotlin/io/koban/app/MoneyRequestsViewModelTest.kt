package io.koban.app

import io.koban.CurrencyCode
import io.koban.MoneyRequestStatus
import io.koban.TransactionKind
import io.koban.app.model.MoneyRequestsViewModel
import io.koban.app.model.RequestsStatus
import io.koban.app.model.TextKey
import io.koban.testing.enrolledWallet
import io.koban.testing.fund
import io.koban.testing.jpy
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** Money requests between friends against the sandbox: asked, seen, paid once or declined. */
class MoneyRequestsViewModelTest : ViewModelTest() {
    @Test
    fun whileShownBothSidesHearARequestAndItsAnswerWithoutReloading() = runBlocking {
        enrolledWallet(dir, "aiko", testKeyStore()).use { aiko ->
            enrolledWallet(dir, "ben", testKeyStore()).use { ben ->
                ben.fund(10_000)
                val benHandle = ben.profile()!!.handle
                val asks = MoneyRequestsViewModel(aiko, vm.scope, listenWaitSecs = 5L)
                val pays = MoneyRequestsViewModel(ben, vm.scope, listenWaitSecs = 5L)
                asks.state.await { it.currency == CurrencyCode.JPY }
                pays.state.await { it.currency == CurrencyCode.JPY }
                // Both lists read before the request exists, so only listening can bring it in.
                asks.refresh().join()
                pays.refresh().join()
                assertTrue(pays.state.value.incoming.isEmpty())
                asks.start()
                pays.start()
                asks.ask("@$benHandle", "1500", "taxi")!!.join()
                // Ben's screen hears of it: no refresh() anywhere in this test.
                val seen = pays.state.await { it.incoming.isNotEmpty() }.incoming.single()
                assertEquals(listOf<Any>("¥1,500", "taxi", MoneyRequestStatus.PENDING), listOf(seen.amount, seen.note, seen.status))
                pays.decline(seen.request.id)!!.join()
                // And Aiko's hears the answer.
                val answered = asks.state.await { s -> s.outgoing.any { it.status == MoneyRequestStatus.DECLINED } }
                assertEquals(seen.request.id, answered.outgoing.single().request.id)
                asks.stop()
                pays.stop()
                assertEquals("a declined request moves nothing", jpy(10_000), ben.balance().available)
            }
        }
    }

    @Test
    fun aFriendSeesWhatTheyPayAndPaysARequestExactlyOnce() = runBlocking {
        enrolledWallet(dir, "aiko", testKeyStore()).use { aiko ->
            enrolledWallet(dir, "ben", testKeyStore()).use { ben ->
                ben.fund(10_000)
                val benHandle = ben.profile()!!.handle
                val asks = MoneyRequestsViewModel(aiko, vm.scope)
                asks.state.await { it.currency == CurrencyCode.JPY }
                asks.ask("@$benHandle", "3000", "dinner")!!.join()
                val asked = asks.state.value.status as RequestsStatus.Asked
                assertEquals(listOf<Any>("@$benHandle", "¥3,000", "dinner", MoneyRequestStatus.PENDING), with(asked.line) { listOf(handle, amount, note, status) })
                assertEquals(listOf(asked.line.request.id), asks.state.value.outgoing.map { it.request.id })
                assertTrue(asks.state.value.incoming.isEmpty())

                val pays = MoneyRequestsViewModel(ben, vm.scope)
                val seen = pays.state.await { it.incoming.isNotEmpty() }.incoming.single()
                assertEquals(listOf("Aiko", "¥3,000", "dinner"), listOf(seen.name, seen.amount, seen.note))
                pays.pay(seen.request.id)
                val shown = pays.state.value.status as RequestsStatus.ConfirmPay
                assertEquals(seen, shown.line)
                assertEquals("nothing moves before confirming", jpy(10_000), ben.balance().available)

                val job = pays.confirmPay()!!
                assertNull("a second tap pays nothing more", pays.confirmPay())
                job.join()
                val paid = pays.state.value.status as RequestsStatus.Paid
                assertEquals(listOf<Any?>(TransactionKind.TRANSFER, jpy(3_000)), listOf(paid.transaction.kind, paid.transaction.amount))
                assertEquals(MoneyRequestStatus.PAID, pays.state.value.incoming.single().status)
                pays.pay(seen.request.id)
                val answered = (pays.state.value.status as RequestsStatus.Ready).error!!
                assertEquals("already answered", "request_not_pending", answered.kind)
                assertEquals(TextKey.ERROR_REQUEST_NOT_PENDING, answered.message.key)
                assertEquals(jpy(7_000), ben.balance().available)
                assertEquals(jpy(3_000), aiko.balance().available)

                asks.refresh().join()
                assertEquals(MoneyRequestStatus.PAID, asks.state.value.outgoing.single().status)
            }
        }
    }

    @Test
    fun aDeclinedRequestMovesNothingAndMistakesAreExplained() = runBlocking {
        enrolledWallet(dir, "chika", testKeyStore()).use { chika ->
            enrolledWallet(dir, "dai", testKeyStore()).use { dai ->
                dai.fund(5_000)
                val daiHandle = dai.profile()!!.handle
                val asks = MoneyRequestsViewModel(chika, vm.scope)
                asks.state.await { it.currency == CurrencyCode.JPY }
                assertNull(asks.ask(daiHandle, "12.5"))
                assertEquals("invalid_amount", (asks.state.value.status as RequestsStatus.Ready).error?.kind)
                asks.ask("nobody_" + daiHandle.takeLast(8), "500")!!.join()
                assertEquals("unknown_recipient", (asks.state.value.status as RequestsStatus.Ready).error?.kind)
                assertTrue(asks.state.value.outgoing.isEmpty())

                asks.ask(daiHandle, "500", "taxi")!!.join()
                val declines = MoneyRequestsViewModel(dai, vm.scope)
                val seen = declines.state.await { it.incoming.isNotEmpty() }.incoming.single()
                declines.pay(seen.request.id)
                declines.dismiss()
                declines.decline(seen.request.id)!!.join()
                val declined = declines.state.value.status as RequestsStatus.Declined
                assertEquals(MoneyRequestStatus.DECLINED, declined.line.status)
                assertEquals(MoneyRequestStatus.DECLINED, declines.state.value.incoming.single().status)
                assertEquals(jpy(5_000), dai.balance().available)
                assertEquals(jpy(0), chika.balance().available)
                asks.refresh().join()
                assertEquals(MoneyRequestStatus.DECLINED, asks.state.value.outgoing.single().status)
            }
        }
    }
}
