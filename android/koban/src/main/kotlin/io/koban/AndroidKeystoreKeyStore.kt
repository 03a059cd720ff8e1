package io.koban

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import java.security.KeyPairGenerator
import java.security.PrivateKey
import java.security.Signature
import java.security.spec.ECGenParameterSpec
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import java.security.KeyStore as JavaKeyStore

/**
 * The wallet's key store on Android: [CipherKeyStore] under an AES-256 key of the
 * `AndroidKeyStore` provider, created on first use; the key never leaves the secure hardware
 * (StrongBox where the phone has it) and, from Android 9, is usable only while the phone is
 * unlocked. A key made by an older build keeps the properties it was made with.
 *
 * The wallet's device key lives there too: a non-exportable P-256 signing key per alias
 * ([signingKey]), made with the same protections, that signs each request the wallet sends
 * ([sign]); Koban only ever sees its public key and its signatures.
 */
class AndroidKeystoreKeyStore(alias: String = "koban-wallet-data-key") : KeyStore by CipherKeyStore({ key(alias) }) {
    /**
     * Finds, or creates, the EC P-256 signing key `alias` and returns its public key as an
     * X.509 SubjectPublicKeyInfo (the Keystore's certificate's).
     */
    override fun signingKey(alias: String): ByteArray = guarded {
        // One creation per alias even when two wallets open at once.
        synchronized(LOCK) {
            val keys = androidKeyStore()
            keys.getCertificate(alias)?.let { return@guarded it.publicKey.encoded }
            generateSigningKey(alias)
            val made = androidKeyStore().getCertificate(alias) ?: throw PlatformException.Failed("no certificate for the new signing key")
            made.publicKey.encoded
        }
    }

    /** Signs `message` with the key `alias`: ECDSA over SHA-256, DER-encoded. */
    override fun sign(alias: String, message: ByteArray): ByteArray = guarded {
        // A key gone (a wiped Keystore, a restored backup) is not made again here: the wallet
        // must enrol anew, which signingKey does.
        val key = androidKeyStore().getKey(alias, null) as? PrivateKey ?: throw PlatformException.Failed("no signing key $alias")
        Signature.getInstance(SIGNATURE).run {
            initSign(key)
            update(message)
            sign()
        }
    }

    private companion object {
        const val PROVIDER = "AndroidKeyStore"
        const val SIGNATURE = "SHA256withECDSA"
        val LOCK = Any()

        fun androidKeyStore(): JavaKeyStore = JavaKeyStore.getInstance(PROVIDER).apply { load(null) }

        fun key(alias: String): SecretKey {
            val keys = androidKeyStore()
            (keys.getKey(alias, null) as? SecretKey)?.let { return it }
            if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
                try {
                    return generate(alias, strongBox = true)
                } catch (e: StrongBoxUnavailableException) {
                    // No StrongBox chip on this phone: the TEE-backed key below.
                }
            }
            return generate(alias, strongBox = false)
        }

        fun generate(alias: String, strongBox: Boolean): SecretKey {
            val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
            if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
                // A phone taken while locked cannot unwrap the wallet's data key (payment token,
                // history); the app opens the wallet after the user unlocks.
                spec.setUnlockedDeviceRequired(true)
                spec.setIsStrongBoxBacked(strongBox)
            }
            return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER)
                .apply { init(spec.build()) }
                .generateKey()
        }

        /** Makes the signing key `alias` in StrongBox where the phone has it, else in the TEE. */
        fun generateSigningKey(alias: String) {
            if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
                try {
                    return generateSigningKey(alias, strongBox = true)
                } catch (e: StrongBoxUnavailableException) {
                    // No StrongBox chip on this phone: the TEE-backed key below.
                }
            }
            generateSigningKey(alias, strongBox = false)
        }

        fun generateSigningKey(alias: String, strongBox: Boolean) {
            val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_SIGN)
                .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
                .setDigests(KeyProperties.DIGEST_SHA256)
            if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
                // A phone taken while locked cannot sign a payment, as it cannot unwrap the data key.
                spec.setUnlockedDeviceRequired(true)
                spec.setIsStrongBoxBacked(strongBox)
            }
            KeyPairGenerator.getInstance(KeyProperties.KEY_ALGORITHM_EC, PROVIDER)
                .apply { initialize(spec.build()) }
                .generateKeyPair()
        }
    }
}
