package io.koban

import java.security.GeneralSecurityException
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The wallet's key store: wraps its data key with AES-256-GCM under a key from `key`.
 *
 * On a phone `key` hands out an Android Keystore key, which never leaves the secure
 * hardware; any `SecretKey` works, so this is tested on the JVM with a software key.
 * A wrapped key is `version ‖ 12-byte IV ‖ ciphertext ‖ 16-byte tag`.
 */
class CipherKeyStore(private val key: () -> SecretKey) : KeyStore {
    override fun wrap(dataKey: ByteArray): ByteArray = guarded {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        // No IV passed in: the provider draws one (the Android Keystore refuses caller IVs by default).
        cipher.init(Cipher.ENCRYPT_MODE, key())
        cipher.updateAAD(AAD)
        val iv = cipher.iv
        if (iv.size != IV_BYTES) throw PlatformException.Failed("unexpected GCM IV length ${iv.size}")
        byteArrayOf(VERSION) + iv + cipher.doFinal(dataKey)
    }

    override fun unwrap(wrapped: ByteArray): ByteArray {
        // Not in our format: not ours (a blob from another key store, or damaged).
        if (wrapped.size < 1 + IV_BYTES + TAG_BITS / 8 || wrapped[0] != VERSION) throw PlatformException.BadWrappedKey()
        return guarded {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, key(), GCMParameterSpec(TAG_BITS, wrapped, 1, IV_BYTES))
            cipher.updateAAD(AAD)
            try {
                cipher.doFinal(wrapped, 1 + IV_BYTES, wrapped.size - 1 - IV_BYTES)
            } catch (e: AEADBadTagException) {
                // Sealed under another key (a reinstall, a reset key) or tampered with.
                throw PlatformException.BadWrappedKey()
            }
        }
    }

    /**
     * None: a software store holds no non-exportable signing keys, so the wallet keeps its
     * device key sealed under the data key ([AndroidKeystoreKeyStore] holds one in the Keystore).
     */
    override fun signingKey(alias: String): ByteArray? = null

    override fun sign(alias: String, message: ByteArray): ByteArray =
        throw PlatformException.Failed("this key store holds no signing keys")

    private companion object {
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val VERSION: Byte = 1
        const val IV_BYTES = 12
        const val TAG_BITS = 128

        // Binds the blob to its purpose: a key wrapped for anything else does not unwrap here.
        val AAD = "koban wallet data key v1".toByteArray()
    }
}

/**
 * Runs `block`, reporting platform failures (a locked key store, an invalidated or missing key)
 * as [PlatformException.Failed]; shared by the key stores of this library.
 */
internal inline fun <T> guarded(block: () -> T): T = try {
    block()
} catch (e: PlatformException) {
    throw e
} catch (e: GeneralSecurityException) {
    // The exception's class and message name the failure, never key bytes.
    throw PlatformException.Failed("${e.javaClass.simpleName}: ${e.message}")
} catch (e: RuntimeException) {
    throw PlatformException.Failed("${e.javaClass.simpleName}: ${e.message}")
}
