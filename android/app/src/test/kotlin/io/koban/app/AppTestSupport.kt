package io.koban.app

import io.koban.CipherKeyStore
import io.koban.app.model.Ticker
import io.koban.testing.TestDir
import javax.crypto.KeyGenerator
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.After

/** A fresh AES-256 key store, as the app's CipherKeyStore over a software key. */
fun testKeyStore(): CipherKeyStore {
    val key = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
    return CipherKeyStore { key }
}

/** What a view model runs in during a test (the app passes viewModelScope); [close] cancels it. */
class TestScope : AutoCloseable {
    /** The scope to hand to a view model. */
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    override fun close() = scope.cancel()
}

/** A view-model test: wallets under a temporary directory, view models in a scope cancelled after each test. */
abstract class ViewModelTest {
    /** Where this test's wallet databases go. */
    protected val dir = TestDir()
    /** The scope this test's view models run in. */
    protected val vm = TestScope()

    @After
    fun closeScopeAndDirectory() {
        vm.close()
        dir.close()
    }
}

/** Waits until the state satisfies `predicate` and returns it; fails after `timeoutMs` naming the last state. */
suspend fun <T> StateFlow<T>.await(timeoutMs: Long = 20_000, predicate: (T) -> Boolean): T =
    withTimeoutOrNull(timeoutMs) { first(predicate) } ?: throw AssertionError("state not reached in $timeoutMs ms; last: $value")

/** Waits until the state is a `S` and returns it. */
suspend inline fun <reified S> StateFlow<*>.awaitIs(timeoutMs: Long = 20_000): S =
    @Suppress("UNCHECKED_CAST")
    (this as StateFlow<Any?>).await(timeoutMs) { it is S } as S

/**
 * A clock that moves only when the test says: each [sleep] is reported on [sleeps] and
 * lasts until [elapse], which then advances [nowSecs] by the time asked for.
 */
class ManualTicker(start: Long) : Ticker {
    @Volatile
    private var now = start
    private val wake = Channel<Unit>()

    /** The length of each sleep asked for, in milliseconds, in order. */
    val sleeps = Channel<Long>(Channel.UNLIMITED)

    override fun nowSecs(): Long = now

    override suspend fun sleep(millis: Long) {
        sleeps.send(millis)
        wake.receive()
        now += millis / 1000
    }

    /** Ends the sleep under way. */
    suspend fun elapse() = wake.send(Unit)
}
