package io.koban.app.security

/**
 * Moved into the library as [io.koban.CipherKeyStore] (with `AndroidKeystoreKeyStore`, which
 * uses it); this alias keeps the app's `CipherKeyStoreTest` compiling until it moves to
 * android/koban/src/test.
 */
typealias CipherKeyStore = io.koban.CipherKeyStore
