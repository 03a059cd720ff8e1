package io.koban

import io.koban.testing.Sandbox
import io.koban.testing.TestDir
import io.koban.testing.assertThrowsSuspending
import io.koban.testing.enrolledWallet
import java.security.KeyStoreException
import javax.crypto.KeyGenerator
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertThrows
import org.junit.Test

/** The library's key store: AES-GCM wrapping under a platform key, on the JVM with a software key. */
class CipherKeyStoreTest {
    private val dir = TestDir()
    private val dataKey = ByteArray(32) { (it * 7).toByte() }

    @After
    fun removeDatabases() = dir.close()

    @Test
    fun aWrappedKeyUnwrapsOnlyUnderItsOwnKey() {
        val keys = testKeyStore()
        val once = keys.wrap(dataKey)
        val twice = keys.wrap(dataKey)
        assertFalse("a fresh IV each time", once.contentEquals(twice))
        assertEquals("version, IV, key, tag", 1 + 12 + 32 + 16, once.size)
        assertFalse("the data key does not appear in the blob", once.toList().windowed(32).any { it == dataKey.toList() })
        assertArrayEquals(dataKey, keys.unwrap(once))
        assertArrayEquals(dataKey, keys.unwrap(twice))

        assertThrows(PlatformException.BadWrappedKey::class.java) { testKeyStore().unwrap(once) }
        val tampered = once.copyOf().also { it[20] = (it[20] + 1).toByte() }
        assertThrows(PlatformException.BadWrappedKey::class.java) { keys.unwrap(tampered) }
        val otherVersion = once.copyOf().also { it[0] = 2 }
        assertThrows(PlatformException.BadWrappedKey::class.java) { keys.unwrap(otherVersion) }
        assertThrows(PlatformException.BadWrappedKey::class.java) { keys.unwrap(ByteArray(5)) }
    }

    @Test
    fun aKeyThatCannotBeHadIsAFailureNamingWhy() {
        val locked = CipherKeyStore { throw KeyStoreException("the device is locked") }
        val e = assertThrows(PlatformException.Failed::class.java) { locked.wrap(dataKey) }
        assertEquals("KeyStoreException: the device is locked", e.reason)
        val blob = testKeyStore().wrap(dataKey)
        assertThrows(PlatformException.Failed::class.java) { locked.unwrap(blob) }
    }

    @Test
    fun theWalletOpensAgainOnlyWithTheSameKey() = runBlocking {
        val keys = testKeyStore()
        val handle = enrolledWallet(dir, "ayu", keys).use { it.profile()!!.handle }
        Wallet.open(dir.db("ayu"), keys, Sandbox.config()).use { assertEquals(handle, it.profile()?.handle) }
        val e = assertThrowsSuspending<WalletException.KeyStore> { Wallet.open(dir.db("ayu"), testKeyStore(), Sandbox.config()) }
        assertEquals("wrapped key does not unwrap", e.message)
    }
}

/** A fresh AES-256 key store, as CipherKeyStore over a software key (AndroidKeystoreKeyStore's is in the Keystore). */
private fun testKeyStore(): CipherKeyStore {
    val key = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
    return CipherKeyStore { key }
}
