package io.koban

import java.io.File
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * 100,000 calls across the FFI must not leak: the resident set stays flat.
 *
 * Each loop runs once to warm up (JIT, JVM heap growth, allocator pools), then again
 * measured. The 24 MB bound catches leaks from ~250 bytes per call up (a leaked
 * 4 KiB payload adds ~400 MB) while leaving room for JIT and allocator noise (~7 MB seen).
 */
class KobanFfiLeakTest {
    private fun rssKb(): Long {
        System.gc()
        Thread.sleep(50)
        val line = File("/proc/self/status").readLines().first { it.startsWith("VmRSS:") }
        return line.removePrefix("VmRSS:").trim().removeSuffix("kB").trim().toLong()
    }

    private fun assertFlat(what: String, calls: () -> Unit) {
        calls()
        val before = rssKb()
        calls()
        val grewKb = rssKb() - before
        println("$what: RSS ${before} kB -> ${before + grewKb} kB")
        assertTrue("$what: RSS grew by $grewKb kB", grewKb < 24 * 1024)
    }

    @Test
    fun aSmallCallDoesNotLeak() = assertFlat("100,000 kobanVersion()") {
        repeat(100_000) { kobanVersion() }
    }

    @Test
    fun aCallWithAPayloadDoesNotLeak() {
        val payload = ByteArray(4096) { it.toByte() }
        assertArrayEquals(payload, testHookEcho(payload))
        assertFlat("100,000 testHookEcho(4 KiB)") {
            repeat(100_000) { testHookEcho(payload) }
        }
    }
}
