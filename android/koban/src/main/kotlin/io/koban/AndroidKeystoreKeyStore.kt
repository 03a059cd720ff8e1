package io.koban

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import java.security.KeyStore as JavaKeyStore

/**
 * The wallet's key store on Android: [CipherKeyStore] under an AES-256 key of the
 * `AndroidKeyStore` provider, created on first use; the key never leaves the secure hardware
 * (StrongBox where the phone has it) and, from Android 9, is usable only while the phone is
 * unlocked. A key made by an older build keeps the properties it was made with.
 */
class AndroidKeystoreKeyStore(alias: String = "koban-wallet-data-key") : KeyStore by CipherKeyStore({ key(alias) }) {
    private companion object {
        const val PROVIDER = "AndroidKeyStore"

        fun key(alias: String): SecretKey {
            val keys = JavaKeyStore.getInstance(PROVIDER).apply { load(null) }
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
    }
}
