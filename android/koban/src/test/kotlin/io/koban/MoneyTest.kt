package io.koban

import org.junit.Assert.assertEquals
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test

/** Money formatting, exact parsing and currency lookup through the bindings. */
class MoneyTest {
    @Test
    fun formatsForPeople() {
        assertEquals("¥30,000", moneyFormat(Money(30_000L, "JPY")))
        assertEquals("฿1,234.50", moneyFormat(Money(123_450L, "THB")))
        assertEquals("-US$0.05", moneyFormat(Money(-5L, "USD")))
        assertEquals("1.234", moneyToDecimal(Money(1_234L, "KWD")))
    }

    @Test
    fun parsesDecimalsExactly() {
        assertEquals(Money(9_873L, "THB"), moneyParseDecimal("98.73", "THB"))
        assertEquals(Money(9_800L, "THB"), moneyParseDecimal("98.", "764"))
        assertEquals(Money(40_123L, "VND"), moneyParseDecimal("40123", "VND"))
    }

    @Test
    fun refusesWhatCannotBePaidExactlyWithAReadableMessage() {
        val tooPrecise = assertThrows(KobanException.InvalidAmount::class.java) { moneyParseDecimal("100.5", "JPY") }
        assertEquals("invalid amount: amount has 1 decimals but JPY has 0", tooPrecise.message)
        val comma = assertThrows(KobanException.InvalidAmount::class.java) { moneyParseDecimal("98,73", "THB") }
        assertEquals("invalid amount: amount has an invalid character ',' at position 2", comma.message)
        val unknown = assertThrows(KobanException.InvalidInput::class.java) { moneyFormat(Money(1L, "XYZ")) }
        assertEquals("invalid input: unknown ISO 4217 currency \"XYZ\"", unknown.message)
    }

    @Test
    fun looksCurrenciesUp() {
        assertEquals(Currency("THB", 764, 2, "Baht", "฿"), currencyLookup("thb"))
        assertEquals("JPY", currencyLookup("392").alpha)
        assertTrue(currencies().size >= 50)
    }
}
