// TEST-ONLY STUB, NOT ANDROID: just the members Koban's Android sources use, so that
// scripts/test-kotlin.sh can compile them on a JVM (no Gradle source set includes
// src/androidStubs, so this never ships). See android/koban/src/androidStubs/README.md.
package android.system

import java.lang.ref.Cleaner

/** Android 13+: one shared [Cleaner] for the whole process. */
object SystemCleaner {
    private val shared: Cleaner = Cleaner.create()

    @JvmStatic
    fun cleaner(): Cleaner = shared
}
