package io.koban

import io.koban.testing.LumaFrame
import io.koban.testing.LumaFrames
import java.io.File
import java.nio.ByteBuffer
import java.nio.ByteOrder
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Assume.assumeTrue
import org.junit.Test

/** A scanned code as a comparable value (ScannedCode's equals compares its ByteArray by identity). */
private data class Code(val text: String, val bytes: List<Byte>, val corners: List<ScanPoint>)

/** One frame's codes. */
private typealias Codes = List<Code>

/**
 * The hand-written `Scanner.scanFrame(ByteBuffer, …)` (ScannerFrames.kt) against the generated
 * `scanFrame(ByteArray, …)`: the same codes, errors and panics, and the caller's buffer untouched.
 */
class ScannerFramesTest {
    private val text = TokenCode.generate(ByteArray(32) { 7 }, "4900000000000001", 1u, 1_795_500_000uL, ByteArray(4)).use { it.qrText() }

    @Test
    fun theFastPathReturnsWhatTheGeneratedOneDoes() {
        val f = LumaFrames.render(qrMatrix(text), 4, 12)
        val (fast, generated) = bothWays(f, FrameRotation.DEG0, frames = 1)
        assertEquals(listOf(listOf(text)), fast.map { codes -> codes.map { it.text } })
        assertEquals(generated, fast)
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
        val dir = File(TestData.root, "../shared/corpus/qr-zxing-cpp")
        if (!dir.isDirectory) {
            System.err.println("\n*** SKIPPED: ../shared/corpus/qr-zxing-cpp not found; the corpus fast-path test did not run ***\n")
            assumeTrue("shared corpus absent", false)
            return
        }
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
            fun same(luma: ByteArray, width: UInt, height: UInt, stride: UInt, message: String) {
                val generated = assertThrows(KobanException.InvalidInput::class.java) { scanner.scanFrame(luma, width, height, stride, FrameRotation.DEG0) }
                val fast = assertThrows(KobanException.InvalidInput::class.java) { scanner.scanFrame(direct(luma), width, height, stride, FrameRotation.DEG0) }
                assertEquals(message, generated.message)
                assertEquals(message, fast.message)
            }
            same(ByteArray(10), 4u, 4u, 4u, "invalid input: luma buffer has 10 bytes, 16 needed for 4x4 with stride 4")
            same(ByteArray(16), 4u, 4u, 3u, "invalid input: row stride 3 is smaller than the width 4")
            same(ByteArray(0), 4u, 4u, 4u, "invalid input: luma buffer has 0 bytes, 16 needed for 4x4 with stride 4")
            // The scanner goes on after refusals.
            assertTrue(scanner.scanFrame(direct(ByteArray(64 * 64) { 128.toByte() }), 64u, 64u, 64u, FrameRotation.DEG90).isEmpty())
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
            val codes = Scanner().use { it.scanFrame(buffer, f.width.toUInt(), f.height.toUInt(), f.stride.toUInt(), FrameRotation.DEG0) }
            assertEquals(kind, expected, listOf(summary(codes)))
            assertEquals(kind, before, buffer.position())
            assertEquals(kind, before + f.luma.size, buffer.limit())
            assertEquals(kind, ByteOrder.LITTLE_ENDIAN, buffer.order())
            val contents = ByteArray(whole.size).also { buffer.duplicate().clear().get(it) }
            assertArrayEquals(kind, whole, contents)
        }
        // A slice starts at its own zero; ten remaining bytes of a large buffer are ten bytes.
        val slice = ByteBuffer.allocateDirect(whole.size).put(whole).position(before).slice().limit(f.luma.size)
        assertEquals(expected, listOf(summary(Scanner().use { it.scanFrame(slice, f.width.toUInt(), f.height.toUInt(), f.stride.toUInt(), FrameRotation.DEG0) })))
        val ten = ByteBuffer.allocateDirect(1000).position(500).limit(510)
        val e = assertThrows(KobanException.InvalidInput::class.java) { Scanner().use { it.scanFrame(ten, 4u, 4u, 4u, FrameRotation.DEG0) } }
        assertEquals("invalid input: luma buffer has 10 bytes, 16 needed for 4x4 with stride 4", e.message)
    }

    @Test
    fun aMalformedBufferIsAPanicAsInTheGeneratedCode() {
        Scanner().use { scanner ->
            // A length prefix one byte longer than the bytes: Rust refuses to lift the argument,
            // which uniffi reports as a panic (CALL_UNEXPECTED_ERROR) with its reason.
            val buf = RustBuffer.alloc(4uL + 16uL)
            buf.data!!.getByteBuffer(0, buf.len).order(ByteOrder.BIG_ENDIAN).putInt(17)
            val e = assertThrows(InternalException::class.java) { scanner.scanFrameLowered(buf, 4u, 4u, 4u, FrameRotation.DEG0) }
            assertTrue(e.message, e.message!!.startsWith("Failed to convert arg 'luma'"))
            assertTrue(e.message, e.message!!.contains("luma buffer of 16 bytes announces 17"))
            // The scanner still works.
            assertTrue(scanner.scanFrame(direct(ByteArray(64 * 64)), 64u, 64u, 64u, FrameRotation.DEG0).isEmpty())
        }
    }

    @Test
    fun aClosedScannerRefusesBothWays() {
        val scanner = Scanner().also { it.close() }
        assertThrows(IllegalStateException::class.java) { scanner.scanFrame(ByteArray(16), 4u, 4u, 4u, FrameRotation.DEG0) }
        assertThrows(IllegalStateException::class.java) { scanner.scanFrame(direct(ByteArray(16)), 4u, 4u, 4u, FrameRotation.DEG0) }
    }

    private fun summary(codes: List<ScannedCode>): Codes = codes.map { Code(it.text, it.bytes.toList(), it.corners) }

    private fun direct(bytes: ByteArray): ByteBuffer = ByteBuffer.allocateDirect(bytes.size).put(bytes).flip()

    /** The same frames through the fast path (a direct buffer) and the generated one, each with a fresh scanner. */
    private fun bothWays(f: LumaFrame, rotation: FrameRotation, frames: Int): Pair<List<Codes>, List<Codes>> {
        val (w, h, s) = Triple(f.width.toUInt(), f.height.toUInt(), f.stride.toUInt())
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
