package io.koban

import io.koban.testing.Sandbox
import io.koban.testing.TestDir
import java.util.concurrent.ConcurrentLinkedQueue
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The SDK's disk, crypto and key-store work never runs on the thread that calls it: a call
 * from Android's main thread must not do SQLite, fsync or a Keystore operation there.
 */
class ThreadTest {
    private val dir = TestDir()

    @After
    fun removeDatabases() = dir.close()

    /** Notes the thread of every key store callback, then does what the app's store does. */
    private class ThreadNotingKeyStore(private val inner: KeyStore) : KeyStore {
        val threads = ConcurrentLinkedQueue<Thread>()

        override fun wrap(dataKey: ByteArray): ByteArray {
            threads += Thread.currentThread()
            return inner.wrap(dataKey)
        }

        override fun unwrap(wrapped: ByteArray): ByteArray {
            threads += Thread.currentThread()
            return inner.unwrap(wrapped)
        }

        override fun signingKey(alias: String): ByteArray? {
            threads += Thread.currentThread()
            return inner.signingKey(alias)
        }

        override fun sign(alias: String, message: ByteArray): ByteArray {
            threads += Thread.currentThread()
            return inner.sign(alias, message)
        }
    }

    @Test
    fun keyStoreCallbacksNeverRunOnTheCallersThread() = runBlocking {
        // runBlocking polls the SDK's futures on this very thread, as a main-thread call would.
        val caller = Thread.currentThread()
        val keys = ThreadNotingKeyStore(TestKeyStore(21))
        // Created (the data key wrapped), then opened again (unwrapped), both from this thread.
        Wallet.open(dir.db("threads"), keys, Sandbox.config(), HttpUrlConnectionTransport()).close()
        Wallet.open(dir.db("threads"), keys, Sandbox.config(), HttpUrlConnectionTransport()).use { w ->
            w.resolvePending()
        }
        assertTrue("the key store was used", keys.threads.isNotEmpty())
        assertTrue(
            "a KeyStore callback ran on the caller's thread: ${keys.threads.map { it.name }}",
            keys.threads.none { it == caller },
        )
    }
}
