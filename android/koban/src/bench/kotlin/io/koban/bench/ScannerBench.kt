// The Scanner's call overhead, Kotlin side: Scanner().scanFrame on the 1080p frames that
// bindings/benches/scanner.rs wrote, through the generated JVM bindings and JNA, exactly as an
// app calls it. scripts/bench-scanner.sh compiles it with the generated bindings (same module,
// so the breakdown below may use the bindings' internal RustBuffer) and prints the table.
//
//   java -Djna.library.path=build/lib -cp ... io.koban.bench.ScannerBenchKt build/bench [warmup] [iters]
//
// Prints `result lang=kotlin frame=… n=… median_ms=… p90_ms=… found=…/…` per frame, like the
// Rust and Swift benchmarks; figures only, timings are never asserted.
package io.koban.bench

import io.koban.FfiConverterByteArray
import io.koban.FrameRotation
import io.koban.RustBuffer
import io.koban.Scanner
import java.io.File
import kotlin.system.exitProcess

private val FRAMES = listOf("frame-1080p", "frame-1080p-nocode")

private class Frame(val width: UInt, val height: UInt, val stride: UInt, val luma: ByteArray, val expected: String?)

private fun readFrame(dir: File, name: String): Frame {
    val meta = File(dir, "$name.meta").readLines().filter { '=' in it }.associate { it.substringBefore('=') to it.substringAfter('=') }
    fun num(key: String) = (meta[key] ?: error("$name.meta: no $key")).toUInt()
    val luma = File(dir, "$name.luma").readBytes()
    val frame = Frame(num("width"), num("height"), num("stride"), luma, File(dir, "$name.txt").takeIf { it.exists() }?.readText())
    check(luma.size.toUInt() == frame.stride * frame.height) { "$name.luma has the wrong size" }
    return frame
}

/** Median and 90th percentile, by the same nearest-rank rule as the Rust and Swift benchmarks. */
private fun stats(ms: DoubleArray): Pair<Double, Double> {
    val s = ms.sortedArray()
    return s[s.size / 2] to s[s.size * 9 / 10]
}

private fun fmt(x: Double) = "%.3f".format(java.util.Locale.ROOT, x)

fun main(args: Array<String>) {
    if (args.isEmpty()) {
        System.err.println("usage: ScannerBenchKt FRAME_DIR [WARMUP] [ITERS]")
        exitProcess(2)
    }
    val dir = File(args[0])
    val warmup = args.getOrNull(1)?.toInt() ?: 40
    val iters = args.getOrNull(2)?.toInt() ?: 200
    for (name in FRAMES) {
        val frame = readFrame(dir, name)
        Scanner().use { scanner ->
            var found = 0
            val ms = DoubleArray(iters)
            // The same ByteArray every call: a camera pipeline reuses its buffers too, and the
            // copy into native memory that the bindings make is part of what is measured.
            for (i in 0 until warmup + iters) {
                val t = System.nanoTime()
                val codes = scanner.scanFrame(frame.luma, frame.width, frame.height, frame.stride, FrameRotation.DEG0)
                val elapsed = (System.nanoTime() - t) / 1e6
                if (i >= warmup) {
                    ms[i - warmup] = elapsed
                    if (codes.any { it.text == frame.expected }) found++
                }
            }
            val (median, p90) = stats(ms)
            println("result lang=kotlin frame=$name n=$iters median_ms=${fmt(median)} p90_ms=${fmt(p90)} found=$found/${if (frame.expected != null) iters else 0}")
        }
    }
    // The breakdown: lowering the ByteArray alone (a zero-filled RustBuffer from Rust, then the
    // copy through a direct ByteBuffer), freed at once.
    val luma = readFrame(dir, FRAMES[0]).luma
    val lower = DoubleArray(iters)
    for (i in 0 until warmup + iters) {
        val t = System.nanoTime()
        val buf = FfiConverterByteArray.lower(luma)
        val elapsed = (System.nanoTime() - t) / 1e6
        RustBuffer.free(buf)
        if (i >= warmup) lower[i - warmup] = elapsed
    }
    val (median, p90) = stats(lower)
    println("part lang=kotlin what=lower_bytearray median_ms=${fmt(median)} p90_ms=${fmt(p90)}")
}
