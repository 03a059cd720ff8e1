package io.koban

import io.koban.testing.Json
import io.koban.testing.asObject
import java.io.File
import org.junit.Assume.assumeTrue

/** Where the repository and the shared files lie, passed in by scripts/test-kotlin.sh. */
object TestData {
    val root: File = File(System.getProperty("koban.root") ?: error("koban.root not set"))

    /** A file of tests/vectors, parsed. */
    fun vectors(name: String): Map<String, Any?> =
        Json.parse(File(root, "tests/vectors/$name").readText()).asObject()

    /**
     * `../shared/corpus/<path>` beside the repository. When it is absent the calling test is
     * skipped, loudly: a line on stderr, and JUnit reports it skipped (an assumption), not passed.
     */
    fun corpus(path: String, test: String): File {
        val file = File(root, "../shared/corpus/$path")
        if (!file.exists()) {
            System.err.println("\n*** SKIPPED: ../shared/corpus/$path not found; $test did not run ***\n")
            assumeTrue("shared corpus absent", false)
        }
        return file
    }
}
