package io.koban

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The FFI machinery itself, seen from Kotlin: calls, typed errors, panics and async.
 *
 * The `testHook*` functions exist only in the library built with the `test-hooks`
 * feature, which scripts/test-kotlin.sh builds.
 */
class KobanFfiTest {
    @Test
    fun versionIsTheWorkspaceVersion() {
        // Passed in by the test script from Cargo.toml, so a stale library fails here.
        val expected = System.getProperty("koban.expectedVersion")
        assertTrue("koban.expectedVersion not set", !expected.isNullOrEmpty())
        assertEquals(expected, kobanVersion())
    }

    @Test
    fun errorsArriveAsTypedExceptionsWithReadableMessages() {
        val e = assertThrows(KobanException.InvalidInput::class.java) {
            testHookInvalidInput("amount must be positive")
        }
        assertEquals("invalid input: amount must be positive", e.message)
    }

    @Test
    fun aRustPanicArrivesAsAnExceptionNotACrash() {
        val e = assertThrows(InternalException::class.java) {
            testHookPanic("deliberate panic from the Kotlin test")
        }
        assertEquals("deliberate panic from the Kotlin test", e.message)
        // The library must still work after unwinding.
        assertEquals(System.getProperty("koban.expectedVersion"), kobanVersion())
    }

    @Test
    fun asyncCallsCompleteUnderRunBlocking() = runBlocking {
        assertEquals(5, testHookAsyncAdd(2, 3, 20L))
    }

    @Test
    fun asyncErrorsArriveAsTypedExceptions() {
        val e = assertThrows(KobanException.InvalidInput::class.java) {
            runBlocking { testHookAsyncAdd(Int.MAX_VALUE, 1, 0L) }
        }
        assertEquals("invalid input: 2147483647 + 1 overflows i32", e.message)
    }

    @Test
    fun asyncCallsSuspendInsteadOfBlocking() = runBlocking {
        // 20 calls of 200 ms on runBlocking's single thread: only truly suspending
        // calls overlap; blocking ones would take 4 s.
        val started = System.nanoTime()
        val sums = (1..20).map { i -> async { testHookAsyncAdd(i, 1, 200L) } }.awaitAll()
        val elapsedMs = (System.nanoTime() - started) / 1_000_000
        assertEquals((2..21).toList(), sums)
        assertTrue("20 overlapping 200 ms calls took $elapsedMs ms", elapsedMs < 2_000)
    }
}
