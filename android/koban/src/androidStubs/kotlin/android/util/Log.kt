// TEST-ONLY STUB, NOT ANDROID: just the members Koban's Android sources use, so that
// scripts/test-kotlin.sh can compile them on a JVM (no Gradle source set includes
// src/androidStubs, so this never ships). See android/koban/src/androidStubs/README.md.
package android.util

object Log {
    @JvmStatic fun e(tag: String?, msg: String): Int = throw RuntimeException("Stub!")

    @JvmStatic fun w(tag: String?, msg: String): Int = throw RuntimeException("Stub!")

    @JvmStatic fun i(tag: String?, msg: String): Int = throw RuntimeException("Stub!")

    @JvmStatic fun d(tag: String?, msg: String): Int = throw RuntimeException("Stub!")
}
