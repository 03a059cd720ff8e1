package io.koban.app

import io.koban.CurrencyCode
import io.koban.KobanException
import io.koban.WalletException
import io.koban.app.model.userError
import io.koban.moneyParseDecimal
import io.koban.testHookWalletError
import io.koban.testHookWalletErrorKinds
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** Every error the wallet can raise becomes a sentence for people, and retry is offered only when safe. */
class UserErrorTest {
    private fun errorOf(kind: String): WalletException =
        try {
            testHookWalletError(kind, "core says $kind")
            throw AssertionError("$kind did not throw")
        } catch (e: WalletException) {
            e
        }

    @Test
    fun everyWalletErrorKindHasAMessageAndKeepsItsKind() {
        val seen = mutableMapOf<String, String>()
        for (kind in testHookWalletErrorKinds()) {
            val u = userError(errorOf(kind))
            assertEquals(kind, u.kind)
            assertEquals("core says $kind", u.detail)
            val text = english(u.message)
            assertTrue("$kind: '$text'", text.endsWith(".") && text.first().isUpperCase())
            seen[kind] = text
        }
        assertEquals(38, seen.size)
        assertEquals("This request is no longer waiting: it was paid, declined or has lapsed.", seen["request_not_pending"])
        assertEquals("Not enough money for this.", seen["insufficient_funds"])
        assertEquals("You are offline. Nothing was sent.", seen["unavailable"])
    }

    @Test
    fun retryIsOfferedOnlyWhereNothingCanBePaidTwice() {
        val retryable = testHookWalletErrorKinds().filter { userError(errorOf(it)).canRetry }.toSet()
        assertEquals(setOf("quote_expired", "unavailable", "key_store"), retryable)
        assertFalse(userError(errorOf("outcome_unknown")).canRetry)
    }

    @Test
    fun amountsAndForeignExceptionsAreMappedWithoutLeakingText() {
        val amount = try {
            moneyParseDecimal("1.234", CurrencyCode.JPY)
            throw AssertionError("parsed")
        } catch (e: KobanException) {
            userError(e)
        }
        assertEquals(listOf("invalid_amount", "Check the amount."), listOf(amount.kind, english(amount.message)))
        val other = userError(IllegalStateException("token 4900000000000001"))
        assertEquals("internal", other.kind)
        assertNull("a non-Koban message may carry anything", other.detail)
    }
}
