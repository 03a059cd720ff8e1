package io.koban.app

import io.koban.TransactionKind
import io.koban.app.model.TopUpStatus
import io.koban.app.model.TopUpViewModel
import io.koban.testing.enrolledWallet
import io.koban.testing.jpy
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/** Top up against the sandbox: link a bank, move money in, and a bank account that runs dry. */
class TopUpViewModelTest : ViewModelTest() {
    @Test
    fun aLinkedBankTopsUpTheWalletUntilItRunsDry() = runBlocking {
        enrolledWallet(dir, "kana", testKeyStore()).use { w ->
            val topUp = TopUpViewModel(w, vm.scope, sandboxOpeningBalance = jpy(8_000))
            val loaded = topUp.state.await { it.banks.isNotEmpty() && it.currency != null }
            assertTrue(loaded.banks.map { it.id }.containsAll(listOf("bank_sakura", "bank_fuji", "bank_hikari")))
            assertEquals(emptyList<Any>(), loaded.links)

            topUp.linkBank("bank_fuji", " 1234567 ", "KANA MORI")!!.join()
            val link = topUp.state.value.links.single()
            assertEquals(listOf("bank_fuji", "4567", "KANA MORI"), listOf(link.bankId, link.last4, link.holderName))
            assertEquals(TopUpStatus.Ready(), topUp.state.value.status)

            topUp.topUp(link.id, "5000")!!.join()
            val done = topUp.state.value.status as TopUpStatus.ToppedUp
            assertEquals("¥5,000", done.amount)
            assertEquals(TransactionKind.TOP_UP, done.transaction.kind)
            assertEquals(jpy(5_000), w.balance().available)

            topUp.topUp(link.id, "3001")!!.join()
            val dry = (topUp.state.value.status as TopUpStatus.Ready).error!!
            assertEquals(listOf("insufficient_funds", "insufficient funds in bank account"), listOf(dry.kind, dry.detail))
            assertEquals(jpy(5_000), w.balance().available)
        }
    }
}
