package io.koban

import io.koban.testing.Json
import io.koban.testing.asObject
import java.io.File

/** Where the repository and the shared files lie, passed in by scripts/test-kotlin.sh. */
object TestData {
    val root: File = File(System.getProperty("koban.root") ?: error("koban.root not set"))

    /** A file of tests/vectors, parsed. */
    fun vectors(name: String): Map<String, Any?> =
        Json.parse(File(root, "tests/vectors/$name").readText()).asObject()

    /** ../shared/corpus/payloads.jsonl relative to the repository root, or null when absent. */
    fun corpus(): File? = File(root, "../shared/corpus/payloads.jsonl").takeIf { it.isFile }
}
