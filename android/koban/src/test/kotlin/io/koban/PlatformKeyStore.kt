package io.koban

import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.Signature
import java.security.spec.ECGenParameterSpec
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger

/**
 * A key store whose platform holds non-exportable P-256 signing keys, as Android Keystore and
 * the Secure Enclave do: the data key is wrapped by [data], and the device key is made and
 * used here, by the JDK's own EC provider (an implementation independent of Koban's), which
 * answers as Android does: the public key as an X.509 SubjectPublicKeyInfo, DER signatures.
 *
 * Two instances share nothing: a second one is another phone (or a restored backup), whose
 * platform has none of the first one's keys.
 */
class PlatformKeyStore(private val data: KeyStore) : KeyStore by data {
    private val keys = ConcurrentHashMap<String, KeyPair>()

    /** How many signatures the platform made. */
    val signatures = AtomicInteger()

    /** The aliases the wallet asked for, in order. */
    val aliases: MutableList<String> = java.util.Collections.synchronizedList(mutableListOf())

    /** The key `alias` holds, if the platform has it (what an app could never read on a phone). */
    fun publicKey(alias: String): ByteArray? = keys[alias]?.public?.encoded

    override fun signingKey(alias: String): ByteArray? {
        aliases += alias
        val pair = keys.computeIfAbsent(alias) {
            KeyPairGenerator.getInstance("EC").apply { initialize(ECGenParameterSpec("secp256r1")) }.generateKeyPair()
        }
        return pair.public.encoded
    }

    override fun sign(alias: String, message: ByteArray): ByteArray {
        // As Android says of a key it no longer has (KeyPermanentlyInvalidatedException, a wiped keystore).
        val pair = keys[alias] ?: throw PlatformException.Failed("no signing key $alias")
        val signature = Signature.getInstance("SHA256withECDSA").run {
            initSign(pair.private)
            update(message)
            sign()
        }
        signatures.incrementAndGet()
        return signature
    }
}
