package io.koban

import io.koban.testing.LumaFrame
import io.koban.testing.LumaFrames
import java.io.File
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.time.Instant
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test

/** A scanned code as a comparable value (ScannedCode's equals compares its ByteArray by identity). */
private data class Code(val text: String, val bytes: List<Byte>, val corners: List<ScanPoint>)

/** One frame's codes. */
private typealias Codes = List<Code>

/**
 * ScannerFrames.kt's `scanFrame(ByteBuffer | ByteArray, …)` over the generated `scanFrameDirect`,
 * which borrows a direct buffer: the same codes and errors every way in, exactly the remaining
 * bytes scanned, the caller's buffer untouched, and the uniffi behaviour that makes the wrapper
 * necessary pinned down (so an upgrade that changes it shows here).
 */
class ScannerFramesTest {
    private val text = TokenCode.generate(ByteArray(32) { 7 }, "4900000000000001", 1, Instant.ofEpochSecond(1_795_500_000L), ByteArray(4)).use { it.qrText() }
    /** A code of the same size with other contents. */
    private val otherText = TokenCode.generate(ByteArray(32) { 9 }, "4900000000000002", 2, Instant.ofEpochSecond(1_795_500_000L), ByteArray(4)).use { it.qrText() }

    @Test
    fun everyWayInReturnsWhatTheGeneratedCallDoes() {
        val f = LumaFrames.render(qrMatrix(text), 4, 12)
        val (w, h, s) = Triple(f.width, f.height, f.stride)
        val generated = Scanner().use { summary(it.scanFrameDirect(direct(f.luma), w, h, s, FrameRotation.DEG0)) }
        assertEquals(listOf(text), generated.map { it.text })
        Scanner().use { scanner ->
            assertEquals("ByteArray", generated, summary(scanner.scanFrame(f.luma, w, h, s, FrameRotation.DEG0)))
            assertEquals("direct", generated, summary(scanner.scanFrame(direct(f.luma), w, h, s, FrameRotation.DEG0)))
            assertEquals("heap", generated, summary(scanner.scanFrame(ByteBuffer.wrap(f.luma), w, h, s, FrameRotation.DEG0)))
        }
        assertEquals("still", generated, summary(scanImage(f.luma, w, h, s)))
        assertEquals("still, direct", generated, summary(scanImage(direct(f.luma), w, h, s)))
    }

    @Test
    fun strideAndRotationReachTheScanner() {
        // The code off-centre in a landscape frame whose row padding is black: a scan that
        // ignored the stride would see black stripes, one that ignored the rotation other corners.
        val f = offCentre(LumaFrames.render(qrMatrix(text), 3, 0), pad = 17)
        val corners = FrameRotation.entries.associateWith { rotation ->
            val (fast, generated) = bothWays(f, rotation, frames = 4)
            assertEquals("rotation $rotation", generated, fast)
            val found = fast.flatten().firstOrNull { it.text == text }
            assertTrue("rotation $rotation: not read in 4 frames", found != null)
            found!!.corners
        }
        assertNotEquals(corners[FrameRotation.DEG0], corners[FrameRotation.DEG90])
        assertNotEquals(corners[FrameRotation.DEG90], corners[FrameRotation.DEG270])
    }

    @Test
    fun aCorpusPictureScansAlike() {
        val dir = TestData.corpus("qr-zxing-cpp", "the corpus ByteBuffer test")
        val expected = File(dir, ScanTest.CORPUS_TEXT).readText()
        val picture = testHookDecodeImage(File(dir, ScanTest.CORPUS_PICTURE).path)
        val w = picture.width.toInt()
        val (fast, generated) = bothWays(LumaFrame(picture.luma, w, picture.height.toInt(), w), FrameRotation.DEG0, frames = 8)
        assertEquals(generated, fast)
        assertTrue("the fast path did not read ${ScanTest.CORPUS_PICTURE} in 8 frames", fast.flatten().any { it.text == expected })
    }

    @Test
    fun badGeometryIsRefusedWithTheGeneratedPathsTypedErrors() {
        Scanner().use { scanner ->
            fun same(luma: ByteArray, width: Int, height: Int, stride: Int, message: String) {
                val generated = assertThrows(KobanException.InvalidInput::class.java) { scanner.scanFrame(luma, width, height, stride, FrameRotation.DEG0) }
                val fast = assertThrows(KobanException.InvalidInput::class.java) { scanner.scanFrame(direct(luma), width, height, stride, FrameRotation.DEG0) }
                assertEquals(message, generated.message)
                assertEquals(message, fast.message)
            }
            same(ByteArray(10), 4, 4, 4, "invalid input: luma buffer has 10 bytes, 16 needed for 4x4 with stride 4")
            same(ByteArray(16), 4, 4, 3, "invalid input: row stride 3 is smaller than the width 4")
            same(ByteArray(0), 4, 4, 4, "invalid input: luma buffer has 0 bytes, 16 needed for 4x4 with stride 4")
            val heap = assertThrows(KobanException.InvalidInput::class.java) { scanner.scanFrame(ByteBuffer.wrap(ByteArray(10)), 4, 4, 4, FrameRotation.DEG0) }
            assertEquals("invalid input: luma buffer has 10 bytes, 16 needed for 4x4 with stride 4", heap.message)
            val still = assertThrows(KobanException.InvalidInput::class.java) { scanImage(ByteArray(10), 4, 4, 4) }
            assertEquals(heap.message, still.message)
            // The scanner goes on after refusals.
            assertTrue(scanner.scanFrame(direct(ByteArray(64 * 64) { 128.toByte() }), 64, 64, 64, FrameRotation.DEG90).isEmpty())
        }
    }

    @Test
    fun onlyTheRemainingBytesAreScannedAndTheBufferIsLeftAsItWas() {
        val f = LumaFrames.render(qrMatrix(text), 4, 12)
        val expected = bothWays(f, FrameRotation.DEG0, frames = 1).second
        // Black before and after the frame: scanning from the start of the buffer, or past the
        // limit, would read another picture or be refused for its size.
        val (before, after) = 100 to 50
        val whole = ByteArray(before + f.luma.size + after).also { f.luma.copyInto(it, before) }
        val buffers = listOf(
            "direct" to ByteBuffer.allocateDirect(whole.size).put(whole),
            "heap" to ByteBuffer.wrap(whole.copyOf()),
            "read-only direct" to ByteBuffer.allocateDirect(whole.size).put(whole).asReadOnlyBuffer(),
        )
        for ((kind, buffer) in buffers) {
            buffer.limit(before + f.luma.size).position(before)
            buffer.order(ByteOrder.LITTLE_ENDIAN)
            val codes = Scanner().use { it.scanFrame(buffer, f.width, f.height, f.stride, FrameRotation.DEG0) }
            assertEquals(kind, expected, listOf(summary(codes)))
            assertEquals(kind, before, buffer.position())
            assertEquals(kind, before + f.luma.size, buffer.limit())
            assertEquals(kind, ByteOrder.LITTLE_ENDIAN, buffer.order())
            val contents = ByteArray(whole.size).also { buffer.duplicate().clear().get(it) }
            assertArrayEquals(kind, whole, contents)
        }
        // A slice starts at its own zero; ten remaining bytes of a large buffer are ten bytes.
        val slice = ByteBuffer.allocateDirect(whole.size).put(whole).position(before).slice().limit(f.luma.size)
        assertEquals(expected, listOf(summary(Scanner().use { it.scanFrame(slice, f.width, f.height, f.stride, FrameRotation.DEG0) })))
        val ten = ByteBuffer.allocateDirect(1000).position(500).limit(510)
        val e = assertThrows(KobanException.InvalidInput::class.java) { Scanner().use { it.scanFrame(ten, 4, 4, 4, FrameRotation.DEG0) } }
        assertEquals("invalid input: luma buffer has 10 bytes, 16 needed for 4x4 with stride 4", e.message)
    }

    @Test
    fun theGeneratedCallTakesOnlyDirectBuffersAndReadsThemFromIndexZero() {
        // Why ScannerFrames.kt exists. If an upgrade of uniffi changes either, this fails, and
        // the wrapper may be simplified.
        val f = LumaFrames.render(qrMatrix(text), 4, 12)
        val (w, h, s) = Triple(f.width, f.height, f.stride)
        Scanner().use { scanner ->
            assertThrows(IllegalArgumentException::class.java) { scanner.scanFrameDirect(ByteBuffer.wrap(f.luma), w, h, s, FrameRotation.DEG0) }
            // Another code's frame, then this one, the buffer positioned at this one: uniffi hands
            // Rust the bytes from index 0, the other frame.
            val other = LumaFrames.render(qrMatrix(otherText), 4, 12)
            assertEquals(f.luma.size, other.luma.size)
            val both = ByteBuffer.allocateDirect(2 * f.luma.size).put(other.luma).put(f.luma).position(f.luma.size)
            assertEquals(listOf(otherText), scanner.scanFrameDirect(both, w, h, s, FrameRotation.DEG0).map { it.text })
            assertEquals(listOf(text), scanner.scanFrame(both, w, h, s, FrameRotation.DEG0).map { it.text })
        }
        // What the wrapper lends: direct, starting at the caller's position, the remaining bytes.
        val heap = ByteBuffer.wrap(ByteArray(300) { it.toByte() }).position(100).limit(250)
        val direct = ByteBuffer.allocateDirect(300).put(ByteArray(300) { it.toByte() }).position(100).limit(250)
        for ((kind, buffer) in listOf("heap" to heap, "direct" to direct)) {
            lend(buffer) { lent ->
                assertTrue(kind, lent.isDirect)
                assertEquals(kind, 0, lent.position())
                assertEquals(kind, 150, lent.remaining())
                assertEquals(kind, 100.toByte(), lent.get(0))
            }
            assertEquals(kind, 100, buffer.position())
        }
    }

    @Test
    fun lentBuffersLiveUntilRustReturnsWhileTheCollectorRuns() {
        // Each call gets a fresh direct buffer that nothing references once it is lent (the
        // caller passes a temporary; the wrapper lends a slice of it); were it collected
        // mid-call, Rust would read freed memory and miss the code (or crash). Heap buffers
        // and arrays go through native memory the wrapper frees itself, under the same load.
        val f = LumaFrames.render(qrMatrix(text), 4, 12)
        val (w, h, s) = Triple(f.width, f.height, f.stride)
        val stop = java.util.concurrent.atomic.AtomicBoolean(false)
        val collector = Thread {
            while (!stop.get()) {
                System.gc()
                Thread.sleep(1)
            }
        }.apply { isDaemon = true; start() }
        try {
            Scanner().use { scanner ->
                repeat(300) { i ->
                    assertEquals("direct call $i", listOf(text), scanner.scanFrame(direct(f.luma), w, h, s, FrameRotation.DEG0).map { it.text })
                    if (i % 10 == 0) {
                        assertEquals("array call $i", listOf(text), scanner.scanFrame(f.luma.copyOf(), w, h, s, FrameRotation.DEG0).map { it.text })
                    }
                }
            }
        } finally {
            stop.set(true)
            collector.join()
        }
    }

    @Test
    fun aClosedScannerRefusesBothWays() {
        val scanner = Scanner().also { it.close() }
        assertThrows(IllegalStateException::class.java) { scanner.scanFrame(ByteArray(16), 4, 4, 4, FrameRotation.DEG0) }
        assertThrows(IllegalStateException::class.java) { scanner.scanFrame(direct(ByteArray(16)), 4, 4, 4, FrameRotation.DEG0) }
    }

    private fun summary(codes: List<ScannedCode>): Codes = codes.map { Code(it.text, it.bytes.toList(), it.corners) }

    private fun direct(bytes: ByteArray): ByteBuffer = ByteBuffer.allocateDirect(bytes.size).put(bytes).flip()

    /** The same frames from a direct buffer and from a ByteArray, each with a fresh scanner. */
    private fun bothWays(f: LumaFrame, rotation: FrameRotation, frames: Int): Pair<List<Codes>, List<Codes>> {
        val (w, h, s) = Triple(f.width, f.height, f.stride)
        val buffer = direct(f.luma)
        val fast = Scanner().use { scanner -> (1..frames).map { summary(scanner.scanFrame(buffer, w, h, s, rotation)) } }
        val generated = Scanner().use { scanner -> (1..frames).map { summary(scanner.scanFrame(f.luma, w, h, s, rotation)) } }
        return fast to generated
    }

    /** [code] on white in a wider, taller frame, 30 px from the left and 4 from the top, with [pad] black bytes after each row. */
    private fun offCentre(code: LumaFrame, pad: Int): LumaFrame {
        val (width, height) = code.width + 60 to code.height + 10
        val stride = width + pad
        val luma = ByteArray(stride * height)
        for (y in 0 until height) {
            for (x in 0 until width) luma[y * stride + x] = 255.toByte()
        }
        for (y in 0 until code.height) code.luma.copyInto(luma, (y + 4) * stride + 30, y * code.stride, y * code.stride + code.width)
        return LumaFrame(luma, width, height, stride)
    }
}
