package io.koban

import io.koban.testing.Sandbox
import io.koban.testing.TestDir
import io.koban.testing.assertThrowsSuspending
import io.koban.testing.enrolledWallet
import io.koban.testing.fund
import io.koban.testing.jpy
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * A device key held by the platform (Android Keystore, the Secure Enclave), against the
 * sandbox: the key store makes a non-exportable P-256 key and signs each request the wallet
 * sends; the database keeps only its alias and public key, so a copy opened where the
 * platform has no such key is refused and signs nothing.
 */
class HardwareKeyTest {
    private val dir = TestDir()

    @After
    fun removeDatabases() = dir.close()

    private suspend fun Wallet.payRamen(yen: Long): WalletTransaction =
        confirmPayment(quotePayment(PaymentRequest(Sandbox.merchantPayload("m_jp_ramen"), amount = jpy(yen))))

    @Test
    fun aWalletEnrolsAndPaysWithAPlatformHeldKeyThenReopensAndGoesOn() = runBlocking {
        val keys = PlatformKeyStore(TestKeyStore(40))
        val handle = enrolledWallet(dir, "hiro", keys).use { w ->
            assertEquals("one device key, made at enrolment: ${keys.aliases}", 1, keys.aliases.toSet().size)
            val enrolled = keys.signatures.get()
            assertTrue("the enrolment was signed by the platform", enrolled >= 1)

            w.fund(10_000)
            val funded = keys.signatures.get()
            assertTrue("linking and topping up are signed there too ($enrolled, then $funded)", funded >= enrolled + 2)
            val paid = w.payRamen(1_200)
            assertEquals(listOf<Any?>(TransactionKind.PAYMENT, jpy(1_200)), listOf(paid.kind, paid.amount))
            assertTrue("and the payment", keys.signatures.get() > funded)
            assertEquals(jpy(8_800), w.balance().available)
            w.profile()!!.handle
        }
        val alias = keys.aliases.first()
        assertNotNull(keys.publicKey(alias))

        // Opened again on the same phone: the same platform key is found and signs on.
        val before = keys.signatures.get()
        Wallet.open(dir.db("hiro"), keys, Sandbox.config()).use { w ->
            assertEquals(handle, w.profile()?.handle)
            assertEquals("no new key: ${keys.aliases}", setOf(alias), keys.aliases.toSet())
            w.payRamen(800)
            assertEquals(jpy(8_000), w.balance().available)
            assertTrue("signed by the platform after reopening", keys.signatures.get() > before)
            assertEquals(2, w.history(10).items.count { it.kind == TransactionKind.PAYMENT })
        }
    }

    @Test
    fun aCopyOpenedWhereThePlatformHasNoSuchKeyIsAKeyStoreErrorAndSignsNothing() = runBlocking {
        val keys = PlatformKeyStore(TestKeyStore(41))
        enrolledWallet(dir, "copy", keys).use { it.fund(5_000) }

        // Another phone with the same data key (a backup and its wrapping key), whose platform
        // holds signing keys but not this wallet's: whatever key it finds or makes is not the one.
        val elsewhere = PlatformKeyStore(TestKeyStore(41))
        val other = assertThrowsSuspending<WalletException.KeyStore> { Wallet.open(dir.db("copy"), elsewhere, Sandbox.config()) }
        assertEquals("key_store", other.kind)
        assertEquals("nothing was signed with another key", 0, elsewhere.signatures.get())

        // A platform that holds no signing keys at all: the same refusal, nothing signed.
        val plain = TestKeyStore(41)
        val none = assertThrowsSuspending<WalletException.KeyStore> { Wallet.open(dir.db("copy"), plain, Sandbox.config()) }
        assertEquals("key_store", none.kind)
        assertTrue(none.message, none.message!!.contains("enrol this device again"))

        // The phone that holds the key still opens it, and its money is all there.
        val signed = keys.signatures.get()
        Wallet.open(dir.db("copy"), keys, Sandbox.config()).use { w ->
            assertEquals(jpy(5_000), w.balance().available)
            assertTrue(keys.signatures.get() > signed)
        }
    }

    @Test
    fun aSoftwareKeyStoreKeepsASealedDeviceKeyAndSignsNothingOnThePlatform() = runBlocking {
        // A key store whose platform answers "no signing keys" (a file, an old phone).
        val keys = TestKeyStore(42)
        enrolledWallet(dir, "soft", keys).use { w ->
            w.fund(2_000)
            assertEquals(jpy(2_000), w.balance().available)
        }
        Wallet.open(dir.db("soft"), keys, Sandbox.config()).use { assertEquals(jpy(2_000), it.balance().available) }
    }

    /** A key store over the test hook's platform keys (Koban's own signer, DER as on a phone). */
    private class HookKeyStore(data: KeyStore, val platform: TestHookPlatformKeys) : KeyStore by data {
        override fun signingKey(alias: String): ByteArray? = platform.signingKey(alias)

        override fun sign(alias: String, message: ByteArray): ByteArray = platform.sign(alias, message)
    }

    @Test
    fun theTestHooksPlatformKeysSignForAWalletToo() = runBlocking {
        TestHookPlatformKeys().use { platform ->
            val keys = HookKeyStore(TestKeyStore(43), platform)
            enrolledWallet(dir, "hook", keys).use { w ->
                w.fund(3_000)
                w.payRamen(500)
                assertEquals(jpy(2_500), w.balance().available)
            }
            assertTrue("${platform.signatures()} signatures", platform.signatures() >= 4)
            TestHookPlatformKeys().use { empty ->
                assertThrowsSuspending<WalletException.KeyStore> { Wallet.open(dir.db("hook"), HookKeyStore(TestKeyStore(43), empty), Sandbox.config()) }
                assertEquals(0, empty.signatures())
            }
        }
    }
}
