package io.koban

import io.koban.testing.Json
import io.koban.testing.asObject
import io.koban.testing.asList
import java.time.Instant
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

/** Detection through the bindings: the shared vectors, typed refusals and a corpus payload. */
class DetectionTest {
    private val vectors = TestData.vectors("detect.json")["vectors"].asList().map { it.asObject() }

    private fun crcValid(crc: CrcStatus): Boolean? = when (crc) {
        is CrcStatus.Valid -> true
        is CrcStatus.Invalid -> false
        is CrcStatus.Missing, is CrcStatus.NotApplicable -> null
    }

    private fun referenceKindId(k: ReferenceKind) = k.name.lowercase()

    private fun problems(name: String, e: Map<String, Any?>, d: Detection): List<String> {
        val out = mutableListOf<String>()
        fun want(what: String, got: Any?, expected: Any?) {
            if (got != expected) out += "$name: $what: got $got, expected $expected"
        }
        want("format", payloadFormatId(d.format), e["format"])
        want("presentment", d.presentment.name.lowercase(), e["presentment"])
        want("schemes", d.schemes.toSet(), e["schemes"].asList().toSet())
        want("amount_minor", d.amount?.minor, e["amount_minor"])
        want("amount_currency", d.amount?.currency?.name, e["amount_currency"])
        want("currency", d.currency?.alpha, e["currency"])
        want("merchant_name", d.merchant?.name, e["merchant_name"])
        want("crc_valid", crcValid(d.crc), e["crc_valid"])
        if ("alternate_name" in e) {
            want("alternate_name", d.merchant?.alternate?.name, e["alternate_name"])
            want("alternate_language", d.merchant?.alternate?.language, e["alternate_language"])
        }
        if ("identifier" in e) want("identifier", d.routes.firstOrNull()?.identifier, e["identifier"])
        (e["warnings_include"] as List<*>?)?.forEach { w ->
            if (d.warnings.none { it.code == w }) out += "$name: warning $w missing from ${d.warnings.map { it.code }}"
        }
        (e["ask_payer"] as List<*>?)?.let { ask ->
            want("ask_payer", d.references.filter { it.value == null }.map { referenceKindId(it.kind) }.toSet(), ask.toSet())
        }
        return out
    }

    @Test
    fun everySharedVectorDetectsAsWritten() {
        assertTrue("only ${vectors.size} vectors", vectors.size >= 15)
        val problems = mutableListOf<String>()
        for (v in vectors) {
            val name = v["name"] as String
            val nowMs = (v["now_ms"] as Long?) ?: 0L
            val error = v["error"]?.asObject()
            try {
                val d = detectAt(v["payload"] as String, Instant.ofEpochMilli(nowMs))
                if (error != null) problems += "$name: detected ${d.format} instead of failing with ${error["kind"]}"
                else problems += problems(name, v["expect"].asObject(), d)
            } catch (e: DetectionException) {
                if (error == null) { problems += "$name: refused (${e.kind}: ${e.message})"; continue }
                if (e.kind != error["kind"]) problems += "$name: kind ${e.kind} != ${error["kind"]}"
                val words = error["message_contains"] as String
                if (e.message?.contains(words) != true) problems += "$name: message '${e.message}' lacks '$words'"
            }
        }
        assertTrue("${problems.size} problems:\n" + problems.joinToString("\n"), problems.isEmpty())
    }

    @Test
    fun aRefusedCodeIsATypedExceptionWithTheCoreMessage() {
        val e = assertThrows(DetectionException.CrcMismatch::class.java) {
            detect("00020101021129370016A0000006770101110113006681222333353037645802TH63040000")
        }
        assertEquals("crc_mismatch", e.kind)
        assertEquals("CRC mismatch: the code carries 0000, its contents compute to 1DCF", e.message)

        val empty = assertThrows(DetectionException.Empty::class.java) { detect("  \n") }
        assertEquals("the payload is empty", empty.message)

        // The payee address quoted by the core is left out of what the app may show.
        val upi = assertThrows(DetectionException.Malformed::class.java) { detect("upi://pay?pa=alice.sharma&pn=Alice") }
        assertEquals("malformed upi payload: payee address \"…\" is not a VPA (name@handle)", upi.message)
    }

    @Test
    fun everyKindMapsToTheCoreSpelling() {
        val kinds = testHookDetectionErrorKinds()
        assertEquals(20, kinds.size)
        for (kind in kinds) {
            try {
                testHookDetectionError(kind, "message of $kind")
                fail("$kind did not throw")
            } catch (e: DetectionException) {
                assertEquals(kind, e.kind)
                assertEquals("message of $kind", e.message)
            }
        }
    }

    @Test
    fun unknownPayloadsAreNotErrors() {
        val d = detect("hello world")
        assertEquals(PayloadFormat.UNKNOWN, d.format)
        assertTrue(d.routes.isEmpty())
        assertNull(d.amount)
    }

    @Test
    fun aCorpusPayloadDetectsWhereItLies() {
        val corpus = TestData.corpus("payloads.jsonl", "the corpus detection test")
        val record = corpus.readLines().filter { it.isNotBlank() }.map { Json.parse(it).asObject() }
            .first { it["id"] == "promptparse-anyid-amt" }
        val expect = record["expect"].asObject()
        val d = detectAt(record["payload"] as String, Instant.EPOCH)
        assertEquals(expect["schemes"].asList().toSet(), d.schemes.toSet())
        assertEquals(expect["amount_minor"], d.amount?.minor)
        assertEquals(expect["currency_alpha"], d.currency?.alpha)
        assertEquals(true, crcValid(d.crc))
    }
}
