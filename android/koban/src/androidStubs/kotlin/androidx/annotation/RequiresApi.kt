// TEST-ONLY STUB, NOT ANDROID: just the members Koban's Android sources use, so that
// scripts/test-kotlin.sh can compile them on a JVM (no Gradle source set includes
// src/androidStubs, so this never ships). See android/koban/src/androidStubs/README.md.
package androidx.annotation

@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.CLASS, AnnotationTarget.FUNCTION, AnnotationTarget.CONSTRUCTOR, AnnotationTarget.FIELD)
annotation class RequiresApi(val value: Int = 1, val api: Int = 1)
