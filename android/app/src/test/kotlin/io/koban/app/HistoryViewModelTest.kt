package io.koban.app

import io.koban.PaymentRequest
import io.koban.app.model.HistoryViewModel
import io.koban.testing.Sandbox
import io.koban.testing.enrolledWallet
import io.koban.testing.fund
import io.koban.testing.jpy
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

/** History against the sandbox: pages as the list scrolls, signed amounts, refresh. */
class HistoryViewModelTest : ViewModelTest() {
    @Test
    fun pagesLoadAsTheListScrollsNewestFirst() = runBlocking {
        enrolledWallet(dir, "ryo", testKeyStore()).use { w ->
            w.fund(10_000)
            val ramen = Sandbox.merchantPayload("m_jp_ramen")
            for (yen in listOf(300L, 400L, 500L, 600L)) w.confirmPayment(w.quotePayment(PaymentRequest(ramen, amount = jpy(yen))))

            val history = HistoryViewModel(w, vm.scope, pageSize = 2)
            val first = history.state.await { it.items.isNotEmpty() && !it.loading }
            assertEquals(listOf("−¥600", "−¥500"), first.items.map { it.amount })
            assertEquals(true, first.hasMore)

            history.loadMore().join()
            history.loadMore().join()
            val all = history.state.value
            assertEquals(listOf("−¥600", "−¥500", "−¥400", "−¥300", "+¥10,000"), all.items.map { it.amount })
            assertEquals(listOf(false, false, false, false, true), all.items.map { it.incoming })
            // Lines come from the kind and counterparty, in the reader's language, not from the core's English.
            assertEquals("Payment to KOBAN RAMEN", english(all.items.first().title))
            assertEquals("KOBAN RAMENへの支払い", AppStrings.resolve(all.items.first().title, "ja"))
            assertEquals("ชำระเงินให้ KOBAN RAMEN", AppStrings.resolve(all.items.first().title, "th"))
            assertEquals("向KOBAN RAMEN付款", AppStrings.resolve(all.items.first().title, "zh-CN"))
            assertTrue(english(all.items.last().title), english(all.items.last().title).startsWith("Top-up from "))
            assertFalse(all.hasMore)
            assertEquals(w.history(10).items, all.items.map { it.transaction })
            history.loadMore().join()
            assertEquals("nothing after the last page", 5, history.state.value.items.size)

            w.confirmPayment(w.quotePayment(PaymentRequest(ramen, amount = jpy(700))))
            history.refresh().join()
            assertEquals(listOf("−¥700", "−¥600"), history.state.value.items.map { it.amount })
        }
    }
}
