package io.koban.app.platform

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import io.koban.KeyStore
import io.koban.app.security.CipherKeyStore
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import java.security.KeyStore as JavaKeyStore

/**
 * The wallet's key store on Android: [CipherKeyStore] under an AES-256 key of the
 * `AndroidKeyStore` provider, created on first use; the key never leaves the secure hardware.
 */
class AndroidKeystoreKeyStore(alias: String = "koban-wallet-data-key") : KeyStore by CipherKeyStore({ key(alias) }) {
    private companion object {
        const val PROVIDER = "AndroidKeyStore"

        fun key(alias: String): SecretKey {
            val keys = JavaKeyStore.getInstance(PROVIDER).apply { load(null) }
            (keys.getKey(alias, null) as? SecretKey)?.let { return it }
            val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .build()
            return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER).apply { init(spec) }.generateKey()
        }
    }
}
