package io.koban

import io.koban.testing.jpy
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

/** Records holding personal data print redacted: their `toString` is the core's redacted `Debug`. */
class RedactionTest {
    private val documentNumber = "TK4455667"
    private val accountNumber = "7654321098"
    private val payoutAccount = "09171234567"

    private fun assertRedacted(value: Any, vararg secrets: String) {
        val printed = value.toString()
        assertTrue("prints something: $printed", printed.isNotBlank())
        for (s in secrets) assertFalse("'$s' appears in $printed", printed.contains(s))
        // String templates and collections go through toString too.
        assertFalse("$value".let { t -> secrets.any { t.contains(it) } })
        assertFalse(listOf(value).toString().let { t -> secrets.any { t.contains(it) } })
    }

    @Test
    fun identityPrintsWithoutItsDocumentNumberOrName() {
        assertRedacted(Identity("TANAKA AIKO", "1990-04-01", documentNumber), documentNumber, "TANAKA AIKO", "1990-04-01")
    }

    @Test
    fun bankAccountPrintsWithoutItsNumber() {
        val account = BankAccount("bank_sakura", accountNumber, "TANAKA AIKO", jpy(100_000))
        assertRedacted(account, accountNumber, "TANAKA AIKO")
        assertTrue(account.toString().contains("bank_sakura"))
    }

    @Test
    fun remittanceDestinationAndRecipientPrintWithoutTheAccountOrName() {
        val destination = RemitDestination.Payout("mobile_wallet", "gcash", payoutAccount)
        assertRedacted(destination, payoutAccount)
        assertRedacted(RemitRecipient("JUAN DELA CRUZ", destination, "family"), payoutAccount, "JUAN DELA CRUZ")
    }
}
