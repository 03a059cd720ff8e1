package io.koban

import java.security.SecureRandom
import java.util.concurrent.atomic.AtomicInteger
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

/**
 * A key store as an app writes one: AES-256-GCM under a key that never leaves it (here a
 * test key; on a phone the Android Keystore's), and a switch that makes it throw like a
 * locked device. Its platform holds no signing keys, so the wallet keeps a sealed software
 * device key ([PlatformKeyStore] is one whose platform holds them).
 */
class TestKeyStore(seed: Byte) : KeyStore {
    private val key: SecretKey = SecretKeySpec(ByteArray(32) { (seed + it).toByte() }, "AES")
    private val random = SecureRandom()

    /** How many times the wallet called wrap or unwrap. */
    val calls = AtomicInteger()

    /** When true, every call fails as a locked Android Keystore does. */
    @Volatile
    var locked = false

    override fun wrap(dataKey: ByteArray): ByteArray {
        check()
        val iv = ByteArray(IV_BYTES).also(random::nextBytes)
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, key, GCMParameterSpec(TAG_BITS, iv))
        return iv + cipher.doFinal(dataKey)
    }

    override fun unwrap(wrapped: ByteArray): ByteArray {
        check()
        if (wrapped.size <= IV_BYTES) throw PlatformException.BadWrappedKey()
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BITS, wrapped, 0, IV_BYTES))
        return try {
            cipher.doFinal(wrapped, IV_BYTES, wrapped.size - IV_BYTES)
        } catch (e: AEADBadTagException) {
            // Sealed under another key: not ours.
            throw PlatformException.BadWrappedKey()
        }
    }

    // A platform without hardware signing keys: the core falls back to a sealed software key.
    override fun signingKey(alias: String): ByteArray? {
        check()
        return null
    }

    override fun sign(alias: String, message: ByteArray): ByteArray {
        check()
        throw PlatformException.Failed("this key store holds no signing keys")
    }

    private fun check() {
        calls.incrementAndGet()
        if (locked) throw PlatformException.Failed("KeyStoreException: the device is locked")
    }

    private companion object {
        const val IV_BYTES = 12
        const val TAG_BITS = 128
    }
}
