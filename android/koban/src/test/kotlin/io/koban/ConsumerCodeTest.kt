package io.koban

import io.koban.testing.asObject
import io.koban.testing.asList
import java.time.Instant
import java.util.Base64
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test

/** Consumer-presented codes against tests/vectors/cpm.json (an independent Python implementation). */
class ConsumerCodeTest {
    private val vectors = TestData.vectors("cpm.json")["vectors"].asList().map { it.asObject() }

    private fun hex(s: String) = ByteArray(s.length / 2) { s.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
    private fun hex(b: ByteArray) = b.joinToString("") { "%02X".format(it) }

    @Test
    fun codesMatchTheKnownAnswers() {
        assertTrue(vectors.size >= 3)
        for (v in vectors) {
            val name = v["name"] as String
            val code = TokenCode.generate(
                hex(v["limited_use_key_hex"] as String),
                v["token"] as String,
                (v["counter"] as Long).toInt(),
                Instant.ofEpochSecond(v["timestamp"] as Long),
                hex(v["unpredictable_number_hex"] as String),
            )
            code.use {
                assertEquals(name, v["cryptogram_hex"], hex(it.cryptogram()))
                assertEquals(name, v["qr_text"], it.qrText())
                assertEquals(name, v["payload_hex"], hex(Base64.getDecoder().decode(it.qrText())))
                val numeric = v["numeric"] as String?
                if (numeric != null) {
                    assertEquals(name, numeric, it.numeric())
                } else {
                    val e = assertThrows(KobanException.InvalidConsumerCode::class.java) { it.numeric() }
                    assertEquals("invalid consumer code: tag 9F37 is malformed: numeric codes are made with a zero unpredictable number", e.message)
                }
            }
        }
    }

    @Test
    fun theTillReadsTheKnownAnswersBack() {
        for (v in vectors) {
            TokenCode.fromQrText(v["qr_text"] as String).use {
                assertEquals(v["token"], it.token())
                assertEquals((v["counter"] as Long).toInt(), it.counter())
                assertEquals(Instant.ofEpochSecond(v["timestamp"] as Long), it.timestamp())
                assertEquals(Instant.ofEpochSecond(v["timestamp"] as Long + 60), it.expiresAt())
                assertArrayEquals(hex(v["cryptogram_hex"] as String), it.cryptogram())
            }
            val digits = v["numeric"] as String? ?: continue
            val ts = v["timestamp"] as Long
            TokenCode.fromNumeric(digits, Instant.ofEpochSecond(ts + 30)).use {
                assertEquals(Instant.ofEpochSecond(ts), it.timestamp())
                assertArrayEquals(hex(v["cryptogram_hex"] as String).copyOf(4), it.cryptogram())
                assertArrayEquals(ByteArray(4), it.unpredictableNumber())
            }
        }
    }

    @Test
    fun foreignAndBrokenCodesAreTypedErrors() {
        val e = assertThrows(KobanException.InvalidConsumerCode::class.java) { TokenCode.fromNumeric("12", Instant.EPOCH) }
        assertEquals("invalid consumer code: tag 0 is malformed: a Koban numeric code is 36 digits starting 88", e.message)
        val key = assertThrows(KobanException.InvalidInput::class.java) {
            TokenCode.generate(ByteArray(31), "4900000000000001", 1, Instant.EPOCH, ByteArray(4))
        }
        assertEquals("invalid input: malformed key", key.message)
    }

    @Test
    fun theQrMatrixHasItsFinderPatterns() {
        val text = vectors[0]["qr_text"] as String
        val m = TokenCode.fromQrText(text).use { it.qrMatrix() }
        assertEquals(m, qrMatrix(text))
        val n = m.size.toInt()
        assertEquals(n * n, m.modules.size)
        assertTrue("size $n is not a QR version size", n >= 21 && (n - 17) % 4 == 0)
        fun dark(x: Int, y: Int) = m.modules[y * n + x]
        // Each corner: a 7x7 dark ring, a light ring inside it, and a dark 3x3 core.
        for ((x0, y0) in listOf(0 to 0, n - 7 to 0, 0 to n - 7)) {
            for (i in 0 until 7) {
                assertTrue(dark(x0 + i, y0) && dark(x0 + i, y0 + 6) && dark(x0, y0 + i) && dark(x0 + 6, y0 + i))
            }
            for (i in 1 until 6) {
                assertFalse(dark(x0 + i, y0 + 1) || dark(x0 + i, y0 + 5) || dark(x0 + 1, y0 + i) || dark(x0 + 5, y0 + i))
            }
            for (dx in 2..4) for (dy in 2..4) assertTrue(dark(x0 + dx, y0 + dy))
        }
        // No finder in the bottom-right corner.
        assertFalse((0 until 7).all { dark(n - 7 + it, n - 7) && dark(n - 1, n - 7 + it) })
    }
}
