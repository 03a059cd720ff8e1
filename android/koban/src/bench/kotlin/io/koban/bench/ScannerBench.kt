// The Scanner's call overhead, Kotlin side: Scanner.scanFrame on the 1080p frames that
// bindings/benches/scanner.rs wrote, through the JVM bindings and JNA, exactly as an app calls it.
// scripts/bench-scanner.sh compiles it with the generated bindings and the hand-written
// ScannerFrames.kt and prints the table.
//
//   java -Djna.library.path=build/lib -cp ... io.koban.bench.ScannerBenchKt build/bench [warmup] [iters]
//
// Prints `result lang=… frame=… n=… median_ms=… p90_ms=… found=…/…` per path and frame, like the
// Rust and Swift benchmarks; figures only, timings are never asserted. The paths:
//   kotlin            scanFrame(ByteBuffer) from a direct buffer, what CameraX hands an app: Rust
//                     borrows the buffer's memory, no copy (ScannerFrames.kt over scanFrameDirect)
//   kotlin-heapbuf    scanFrame(ByteBuffer.wrap(ByteArray)): copied once into native memory (JNA Memory, freed after the call)
//   kotlin-bytearray  scanFrame(ByteArray): the same, from the array
package io.koban.bench

import io.koban.FrameRotation
import io.koban.ScannedCode
import io.koban.Scanner
import io.koban.scanFrame
import java.io.File
import java.nio.ByteBuffer
import kotlin.system.exitProcess

private val FRAMES = listOf("frame-1080p", "frame-1080p-nocode")

private class Frame(val width: Int, val height: Int, val stride: Int, val luma: ByteArray, val expected: String?) {
    /** The luma in a direct buffer, made once: CameraX reuses its image buffers too. */
    val direct: ByteBuffer by lazy { ByteBuffer.allocateDirect(luma.size).put(luma).flip() }
}

private fun readFrame(dir: File, name: String): Frame {
    val meta = File(dir, "$name.meta").readLines().filter { '=' in it }.associate { it.substringBefore('=') to it.substringAfter('=') }
    fun num(key: String) = (meta[key] ?: error("$name.meta: no $key")).toInt()
    val luma = File(dir, "$name.luma").readBytes()
    val frame = Frame(num("width"), num("height"), num("stride"), luma, File(dir, "$name.txt").takeIf { it.exists() }?.readText())
    check(luma.size == frame.stride * frame.height) { "$name.luma has the wrong size" }
    return frame
}

/** Median and 90th percentile, by the same nearest-rank rule as the Rust and Swift benchmarks. */
private fun stats(ms: DoubleArray): Pair<Double, Double> {
    val s = ms.sortedArray()
    return s[s.size / 2] to s[s.size * 9 / 10]
}

private fun fmt(x: Double) = "%.3f".format(java.util.Locale.ROOT, x)

/** A way to call the scanner, and its row name. */
private class Path(val lang: String, val call: Scanner.(Frame) -> List<ScannedCode>)

/** Calls per path before the next path's turn. */
private const val BLOCK = 10

/**
 * Times [warmup] + [iters] calls of every path on each frame, one scanner per path, and prints a
 * `result` line per path and frame. The paths take turns in blocks of [BLOCK] calls, so JIT
 * compilation and load from elsewhere land on all of them alike (run one after another, the
 * first measured came out 5% slower); a block keeps each path's own allocation pattern.
 */
private fun measure(paths: List<Path>, dir: File, warmup: Int, iters: Int) {
    for (name in FRAMES) {
        val frame = readFrame(dir, name)
        val scanners = paths.map { Scanner() }
        val ms = paths.map { DoubleArray(iters) }
        val found = IntArray(paths.size)
        var done = 0
        while (done < warmup + iters) {
            val n = minOf(BLOCK, warmup + iters - done)
            for ((p, path) in paths.withIndex()) {
                for (i in done until done + n) {
                    // The same frame every call: a camera pipeline reuses its buffers too, and the
                    // copies into native memory that the bindings make are part of what is measured.
                    val t = System.nanoTime()
                    val codes = scanners[p].(path.call)(frame)
                    val elapsed = (System.nanoTime() - t) / 1e6
                    if (i >= warmup) {
                        ms[p][i - warmup] = elapsed
                        if (codes.any { it.text == frame.expected }) found[p]++
                    }
                }
            }
            done += n
        }
        scanners.forEach { it.close() }
        for ((p, path) in paths.withIndex()) {
            val (median, p90) = stats(ms[p])
            println("result lang=${path.lang} frame=$name n=$iters median_ms=${fmt(median)} p90_ms=${fmt(p90)} found=${found[p]}/${if (frame.expected != null) iters else 0}")
        }
    }
}

fun main(args: Array<String>) {
    if (args.isEmpty()) {
        System.err.println("usage: ScannerBenchKt FRAME_DIR [WARMUP] [ITERS]")
        exitProcess(2)
    }
    val dir = File(args[0])
    val warmup = args.getOrNull(1)?.toInt() ?: 40
    val iters = args.getOrNull(2)?.toInt() ?: 200
    val paths = listOf(
        Path("kotlin") { f -> scanFrame(f.direct, f.width, f.height, f.stride, FrameRotation.DEG0) },
        Path("kotlin-heapbuf") { f -> scanFrame(ByteBuffer.wrap(f.luma), f.width, f.height, f.stride, FrameRotation.DEG0) },
        Path("kotlin-bytearray") { f -> scanFrame(f.luma, f.width, f.height, f.stride, FrameRotation.DEG0) },
    )
    measure(paths, dir, warmup, iters)
}
