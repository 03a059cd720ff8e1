// TEST-ONLY STUB, NOT ANDROID: just the members Koban's Android sources use, so that
// scripts/test-kotlin.sh can compile them on a JVM (no Gradle source set includes
// src/androidStubs, so this never ships). See android/koban/src/androidStubs/README.md.
package android.security.keystore

import java.security.ProviderException

class StrongBoxUnavailableException(message: String? = null) : ProviderException(message)
