package io.koban

import io.koban.testing.LumaFrames
import java.io.File
import java.time.Instant
import org.junit.Assert.assertEquals
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test

/** Scanning through the bindings: a generated code, a corpus picture's luma, and bad frames. */
class ScanTest {
    @Test
    fun aDrawnConsumerCodeScansBackAndDetects() {
        val text = TokenCode.generate(ByteArray(32) { 7 }, "4900000000000001", 1, Instant.ofEpochSecond(1_795_500_000L), ByteArray(4)).use { it.qrText() }
        val f = LumaFrames.render(qrMatrix(text), 4, 12)
        val codes = scanImage(f.luma, f.width, f.height, f.stride)
        assertEquals(listOf(text), codes.map { it.text })
        assertEquals(4, codes[0].corners.size)
        assertEquals(listOf("koban-cpm"), detect(codes[0].text).schemes)
        Scanner().use { scanner ->
            // The fast pass reads a clean, upright code in the first frame.
            val frame = scanner.scanFrame(f.luma, f.width, f.height, f.stride, FrameRotation.DEG0)
            assertEquals(listOf(text), frame.map { it.text })
        }
    }

    @Test
    fun aCorpusPictureScansWhereItLies() {
        val dir = TestData.corpus("qr-zxing-cpp", "the corpus scan test")
        val expected = File(dir, CORPUS_TEXT).readText()
        val picture = testHookDecodeImage(File(dir, CORPUS_PICTURE).path)
        val (w, h) = picture.width to picture.height
        assertEquals(listOf(expected), scanImage(picture.luma, w, h, w).map { it.text })
        Scanner().use { scanner ->
            // A camera session: the scanner reads it within a few frames.
            val found = (1..8).any { scanner.scanFrame(picture.luma, w, h, w, FrameRotation.DEG0).any { it.text == expected } }
            assertTrue("the scanner did not read $CORPUS_PICTURE in 8 frames", found)
        }
    }

    @Test
    fun badFramesAreTypedErrorsWithReadableMessages() {
        val short = assertThrows(KobanException.InvalidInput::class.java) { scanImage(ByteArray(10), 4, 4, 4) }
        assertEquals("invalid input: luma buffer has 10 bytes, 16 needed for 4x4 with stride 4", short.message)
        Scanner().use { scanner ->
            val stride = assertThrows(KobanException.InvalidInput::class.java) {
                scanner.scanFrame(ByteArray(16), 4, 4, 3, FrameRotation.DEG0)
            }
            assertEquals("invalid input: row stride 3 is smaller than the width 4", stride.message)
            assertTrue(scanner.scanFrame(ByteArray(64 * 64) { 128.toByte() }, 64, 64, 64, FrameRotation.DEG90).isEmpty())
        }
    }

    companion object {
        const val CORPUS_PICTURE = "qrcode-2/#1132.webp"
        const val CORPUS_TEXT = "qrcode-2/#1132.txt"
    }
}
