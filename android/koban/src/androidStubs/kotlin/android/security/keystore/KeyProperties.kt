// TEST-ONLY STUB, NOT ANDROID: just the members Koban's Android sources use, so that
// scripts/test-kotlin.sh can compile them on a JVM (no Gradle source set includes
// src/androidStubs, so this never ships). See android/koban/src/androidStubs/README.md.
package android.security.keystore

object KeyProperties {
    const val PURPOSE_ENCRYPT = 1
    const val PURPOSE_DECRYPT = 2
    const val PURPOSE_SIGN = 4
    const val KEY_ALGORITHM_AES = "AES"
    const val KEY_ALGORITHM_EC = "EC"
    const val DIGEST_SHA256 = "SHA-256"
    const val BLOCK_MODE_GCM = "GCM"
    const val ENCRYPTION_PADDING_NONE = "NoPadding"
}
