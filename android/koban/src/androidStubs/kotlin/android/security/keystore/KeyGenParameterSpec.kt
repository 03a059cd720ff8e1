// TEST-ONLY STUB, NOT ANDROID: just the members Koban's Android sources use, so that
// scripts/test-kotlin.sh can compile them on a JVM (no Gradle source set includes
// src/androidStubs, so this never ships). See android/koban/src/androidStubs/README.md.
package android.security.keystore

import java.security.spec.AlgorithmParameterSpec

class KeyGenParameterSpec private constructor() : AlgorithmParameterSpec {
    class Builder(keystoreAlias: String, purposes: Int) {
        fun setBlockModes(vararg blockModes: String): Builder = throw RuntimeException("Stub!")

        fun setEncryptionPaddings(vararg paddings: String): Builder = throw RuntimeException("Stub!")

        fun setKeySize(keySize: Int): Builder = throw RuntimeException("Stub!")

        fun setAlgorithmParameterSpec(spec: AlgorithmParameterSpec): Builder = throw RuntimeException("Stub!")

        fun setDigests(vararg digests: String): Builder = throw RuntimeException("Stub!")

        fun setUnlockedDeviceRequired(unlockedDeviceRequired: Boolean): Builder = throw RuntimeException("Stub!")

        fun setIsStrongBoxBacked(isStrongBoxBacked: Boolean): Builder = throw RuntimeException("Stub!")

        fun build(): KeyGenParameterSpec = throw RuntimeException("Stub!")
    }
}
