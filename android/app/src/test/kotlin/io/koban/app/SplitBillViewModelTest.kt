package io.koban.app

import io.koban.CurrencyCode
import io.koban.MoneyRequestStatus
import io.koban.app.model.MoneyRequestsViewModel
import io.koban.app.model.RequestsStatus
import io.koban.app.model.SplitBillViewModel
import io.koban.app.model.SplitStatus
import io.koban.testing.enrolledWallet
import io.koban.testing.fund
import io.koban.testing.jpy
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Test

/** Split bills against the sandbox: shares shown first, one request per friend, then who has paid. */
class SplitBillViewModelTest : ViewModelTest() {
    @Test
    fun aBillSplitEquallyShowsWhoHasPaid() = runBlocking {
        enrolledWallet(dir, "aiko", testKeyStore()).use { aiko ->
            enrolledWallet(dir, "ben", testKeyStore()).use { ben ->
                enrolledWallet(dir, "chika", testKeyStore()).use { chika ->
                    enrolledWallet(dir, "dan", testKeyStore()).use { dan ->
                        ben.fund(10_000)
                        val friends = listOf(ben, chika, dan).map { "@" + it.profile()!!.handle }
                        val split = SplitBillViewModel(aiko, vm.scope)
                        split.state.await { it.currency == CurrencyCode.JPY }

                        assertFalse(split.splitEqually("10000", emptyList()))
                        assertEquals("invalid_input", (split.state.value.status as SplitStatus.Editing).error?.kind)
                        assertFalse(split.splitEqually("10000", listOf(friends[0], friends[0])))

                        assertEquals(true, split.splitEqually("10000", friends))
                        val draft = split.state.value.draft!!
                        assertEquals(listOf("¥3,334", "¥3,333", "¥3,333"), draft.lines.map { it.amount })
                        assertEquals(friends, draft.lines.map { it.handle })
                        assertEquals("nobody is asked before create", emptyList<Any>(), aiko.moneyRequests())

                        val job = split.create("izakaya")!!
                        assertNull("a second tap makes no second split", split.create("izakaya"))
                        job.join()
                        assertEquals(SplitStatus.Made, split.state.value.status)
                        val made = split.state.value.split!!
                        assertEquals(listOf("¥10,000", "¥0", "¥10,000"), listOf(made.total, made.paid, made.outstanding))
                        assertEquals(List(3) { MoneyRequestStatus.PENDING }, made.lines.map { it.status })
                        assertEquals(listOf("Ben", "Chika", "Dan"), made.lines.map { it.name })
                        assertEquals(3, aiko.moneyRequests().size)

                        // Ben pays his share from his own Requests screen.
                        val pays = MoneyRequestsViewModel(ben, vm.scope)
                        val share = pays.state.await { it.incoming.isNotEmpty() }.incoming.single()
                        assertEquals(made.split.id, share.request.splitId)
                        assertEquals("¥3,334", share.amount)
                        pays.pay(share.request.id)
                        pays.confirmPay()!!.join()
                        assertEquals(RequestsStatus.Paid::class, pays.state.value.status::class)

                        split.refresh()!!.join()
                        val now = split.state.value.split!!
                        assertEquals(listOf("¥3,334", "¥6,666"), listOf(now.paid, now.outstanding))
                        assertEquals(listOf(true, false, false), now.lines.map { it.paid })
                        assertEquals(jpy(3_334), aiko.balance().available)
                        assertEquals(jpy(6_666), ben.balance().available)
                    }
                }
            }
        }
    }

    @Test
    fun exactSharesMustAddUpToTheBill() = runBlocking {
        enrolledWallet(dir, "eri", testKeyStore()).use { eri ->
            enrolledWallet(dir, "fumi", testKeyStore()).use { fumi ->
                enrolledWallet(dir, "goro", testKeyStore()).use { goro ->
                    val (f, g) = listOf(fumi, goro).map { it.profile()!!.handle }
                    val split = SplitBillViewModel(eri, vm.scope)
                    split.state.await { it.currency == CurrencyCode.JPY }
                    assertFalse(split.splitExactly("10000", listOf(f to "5000", g to "4000")))
                    val refused = (split.state.value.status as SplitStatus.Editing).error!!
                    assertEquals("shares_do_not_add_up", refused.kind)
                    assertEquals("The shares add up to ¥9,000, the bill is ¥10,000.", english(refused.message))
                    assertNull(split.create())
                    assertEquals(emptyList<Any>(), eri.moneyRequests())

                    assertEquals(true, split.splitExactly("10000", listOf(f to "6000", g to "4000")))
                    split.create("karaoke")!!.join()
                    val made = split.state.value.split!!
                    assertEquals(listOf("¥6,000", "¥4,000"), made.lines.map { it.amount })
                    assertEquals("karaoke", made.split.note)
                }
            }
        }
    }
}
