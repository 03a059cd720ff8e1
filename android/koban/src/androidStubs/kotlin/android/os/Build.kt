// TEST-ONLY STUB, NOT ANDROID: just the members Koban's Android sources use, so that
// scripts/test-kotlin.sh can compile them on a JVM (no Gradle source set includes
// src/androidStubs, so this never ships). See android/koban/src/androidStubs/README.md.
package android.os

object Build {
    object VERSION {
        /** The API level this JVM pretends to run (`-Dkoban.androidSdkInt`, default 35: compileSdk). */
        @JvmField
        val SDK_INT: Int = System.getProperty("koban.androidSdkInt")?.toInt() ?: 35
    }

    object VERSION_CODES {
        const val P = 28
        const val UPSIDE_DOWN_CAKE = 34
    }
}
