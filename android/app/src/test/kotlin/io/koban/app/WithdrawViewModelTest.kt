package io.koban.app

import io.koban.CurrencyCode
import io.koban.TransactionKind
import io.koban.app.model.WithdrawStatus
import io.koban.app.model.WithdrawViewModel
import io.koban.app.model.display
import io.koban.testing.enrolledWallet
import io.koban.testing.fund
import io.koban.testing.jpy
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** Money out against the sandbox: a withdrawal shown first and sent once however often confirm is tapped; unlinking. */
class WithdrawViewModelTest : ViewModelTest() {
    @Test
    fun aWithdrawalGoesToTheBankOnceEvenWhenConfirmIsTappedTwice() = runBlocking {
        enrolledWallet(dir, "hana", testKeyStore()).use { w ->
            val link = w.fund(50_000)
            val out = WithdrawViewModel(w, vm.scope)
            out.state.await { it.currency == CurrencyCode.JPY && it.links.isNotEmpty() && it.balance != null }
            assertEquals("¥50,000", out.state.value.balance)

            assertNull("a typo asks the host nothing", out.review(link.id, "20000.5"))
            assertEquals("invalid_amount", (out.state.value.status as WithdrawStatus.Ready).error?.kind)
            out.review(link.id, "20000")!!.join()
            val shown = out.state.value.status as WithdrawStatus.ConfirmWithdrawal
            assertEquals(listOf<Any?>(link, jpy(20_000), "¥20,000"), listOf(shown.link, shown.amount, shown.amountText))
            assertEquals("nothing moves before confirming", jpy(50_000), w.balance().available)

            val first = out.confirm()!!
            assertNull("the second tap withdraws nothing", out.confirm())
            first.join()
            assertNull("nor does a tap after it is done", out.confirm())
            val done = out.state.value.status as WithdrawStatus.Withdrawn
            assertEquals(listOf<Any?>(TransactionKind.WITHDRAWAL, jpy(20_100)), listOf(done.transaction.kind, done.transaction.amount))
            assertEquals(listOf<Any?>("¥20,000", "¥100", "¥20,100"), listOf(done.amount, done.fee, done.total))
            assertEquals(jpy(29_900), w.balance().available)
            assertEquals(1, w.history(50).items.count { it.kind == TransactionKind.WITHDRAWAL })
            assertEquals("¥29,900", out.state.await { it.balance == "¥29,900" }.balance)
        }
    }

    @Test
    fun theFeeAndTotalAreShownBeforeConfirmingAndAreWhatLeavesTheWallet() = runBlocking {
        enrolledWallet(dir, "yui", testKeyStore()).use { w ->
            val link = w.fund(30_000)
            val out = WithdrawViewModel(w, vm.scope)
            out.state.await { it.links.isNotEmpty() && it.currency == CurrencyCode.JPY }

            out.review(link.id, "10000")!!.join()
            val shown = out.state.value.status as WithdrawStatus.ConfirmWithdrawal
            // The host's published rule, asked before anything moves.
            val preview = w.previewWithdrawal(jpy(10_000))
            assertEquals(listOf(preview.amount, preview.fee, preview.total), listOf(shown.amount, shown.fee, shown.total))
            assertTrue("the sandbox charges a withdrawal fee", shown.fee.minor > 0)
            assertEquals(jpy(shown.amount.minor + shown.fee.minor), shown.total)
            assertEquals(listOf<Any?>("¥10,000", preview.fee.display(), preview.total.display()), listOf(shown.amountText, shown.feeText, shown.totalText))
            assertEquals("a preview moves nothing", jpy(30_000), w.balance().available)
            assertTrue(w.history(50).items.none { it.kind == TransactionKind.WITHDRAWAL })

            out.confirm()!!.join()
            val done = out.state.value.status as WithdrawStatus.Withdrawn
            assertEquals("what was shown is what left", shown.total, done.transaction.amount)
            assertEquals(listOf<Any?>(shown.feeText, shown.totalText), listOf(done.fee, done.total))
            assertEquals(jpy(30_000 - shown.total.minor), w.balance().available)

            // More than one withdrawal may take is refused at the preview, before any confirm.
            val tooMuch = jpy(preview.max.minor + 1)
            out.review(link.id, tooMuch.minor.toString())!!.join()
            assertEquals("invalid_input", (out.state.value.status as WithdrawStatus.Ready).error?.kind)
            assertNull(out.confirm())
        }
    }

    @Test
    fun anUnlinkedBankIsGoneAndTakesNoMoreMoney() = runBlocking {
        enrolledWallet(dir, "kenta", testKeyStore()).use { w ->
            val link = w.fund(10_000)
            val out = WithdrawViewModel(w, vm.scope)
            out.state.await { it.links.isNotEmpty() }
            out.askUnlink(link.id)
            assertEquals(link, (out.state.value.status as WithdrawStatus.ConfirmUnlink).link)
            assertEquals("still linked until confirmed", 1, w.bankLinks().size)
            out.confirm()!!.join()
            assertEquals(link, (out.state.value.status as WithdrawStatus.Unlinked).link)
            assertTrue(out.state.value.links.isEmpty())
            assertTrue(w.bankLinks().isEmpty())

            out.dismiss()
            assertNull(out.review(link.id, "1000"))
            assertEquals("an unlinked account cannot be chosen", WithdrawStatus.Ready(), out.state.value.status)
            assertEquals(jpy(10_000), w.balance().available)
        }
    }

    @Test
    fun aWithdrawalAboveTheBalanceIsRefusedAndMovesNothing() = runBlocking {
        enrolledWallet(dir, "mio", testKeyStore()).use { w ->
            val link = w.fund(1_000)
            val out = WithdrawViewModel(w, vm.scope)
            out.state.await { it.links.isNotEmpty() }
            out.review(link.id, "5000")!!.join()
            out.confirm()!!.join()
            assertEquals("insufficient_funds", (out.state.value.status as WithdrawStatus.Ready).error?.kind)
            assertEquals(jpy(1_000), w.balance().available)
        }
    }
}
