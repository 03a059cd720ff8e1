package io.koban

import org.junit.Assert.assertEquals
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test

/** Money formatting, exact parsing and currency lookup through the bindings. */
class MoneyTest {
    @Test
    fun formatsForPeople() {
        assertEquals("¥30,000", moneyFormat(Money(30_000L, CurrencyCode.JPY)))
        assertEquals("฿1,234.50", moneyFormat(Money(123_450L, CurrencyCode.THB)))
        assertEquals("-US$0.05", moneyFormat(Money(-5L, CurrencyCode.USD)))
        assertEquals("1.234", moneyToDecimal(Money(1_234L, CurrencyCode.KWD)))
    }

    @Test
    fun parsesDecimalsExactly() {
        assertEquals(Money(9_873L, CurrencyCode.THB), moneyParseDecimal("98.73", CurrencyCode.THB))
        assertEquals(Money(9_800L, CurrencyCode.THB), moneyParseDecimal("98.", CurrencyCode.THB))
        assertEquals(Money(40_123L, CurrencyCode.VND), moneyParseDecimal("40123", CurrencyCode.VND))
    }

    @Test
    fun refusesWhatCannotBePaidExactlyWithAReadableMessage() {
        val tooPrecise = assertThrows(KobanException.InvalidAmount::class.java) { moneyParseDecimal("100.5", CurrencyCode.JPY) }
        assertEquals("invalid amount: amount has 1 decimals but JPY has 0", tooPrecise.message)
        val comma = assertThrows(KobanException.InvalidAmount::class.java) { moneyParseDecimal("98,73", CurrencyCode.THB) }
        assertEquals("invalid amount: amount has an invalid character ',' at position 2", comma.message)
    }

    @Test
    fun looksCurrenciesUp() {
        assertEquals(Currency(CurrencyCode.THB, "THB", 764, 2, "Baht", "฿"), currencyLookup("thb"))
        assertEquals(CurrencyCode.JPY, currencyLookup("392").code)
        assertTrue(currencies().size >= 50)
        // An unknown code can only come in as text now.
        val unknown = assertThrows(KobanException.InvalidInput::class.java) { currencyLookup("XYZ") }
        assertEquals("invalid input: unknown ISO 4217 currency \"XYZ\"", unknown.message)
    }

    @Test
    fun everyCurrencyCodeHasItsTableRow() {
        for (code in CurrencyCode.entries) {
            val info = currencyInfo(code)
            assertEquals(code, info.code)
            assertEquals(code.name, info.alpha)
        }
        assertEquals(CurrencyCode.THB, currencyLookup("thb").code)
    }
}
