package io.koban.app

import io.koban.DetectionException
import io.koban.KobanException
import io.koban.TerminalException
import io.koban.WalletException
import io.koban.app.model.TextKey
import io.koban.app.model.UiText
import io.koban.app.model.userError
import io.koban.kind
import io.koban.testHookDetectionErrorKinds
import io.koban.testHookTerminalErrorKinds
import io.koban.testHookWalletErrorKinds
import java.io.File
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The app speaks English, Japanese, Thai and Simplified Chinese: every text in every language,
 * with the same placeholders, and every text the view models can produce and every error kind
 * the core can raise has one.
 */
class StringsTest {
    private val files = AppStrings.files
    private val uiDir = File(System.getProperty("koban.root"), "android/app/src/main/kotlin/io/koban/app/ui")

    @Test
    fun everyLanguageHasEveryTextWithTheSamePlaceholders() {
        assertEquals(emptyList<String>(), StringsCheck.problems(files))
        assertTrue("the English file is the app's, not an empty one", files.getValue("en").raw.size > 150)
    }

    @Test
    fun theCheckCatchesAKeyMissingFromOneLanguageAnEmptyOneAndAPlaceholderMismatch() {
        val th = files.getValue("th")
        val dir = kotlin.io.path.createTempDirectory("strings").toFile()
        try {
            fun variant(edit: (String) -> String): Map<String, StringsXml> {
                val f = File(dir, "strings.xml").apply { writeText(edit(th.file.readText())) }
                return files + ("th" to StringsXml(f))
            }
            val removed = variant { it.replace(Regex("""\s*<string name="error_offline">[^<]*</string>"""), "") }
            assertEquals(listOf("th: error_offline is missing"), StringsCheck.problems(removed))
            val emptied = variant { it.replace(Regex("""<string name="pay_paid">[^<]*</string>"""), """<string name="pay_paid"> </string>""") }
            assertEquals(listOf("th: pay_paid is empty"), StringsCheck.problems(emptied))
            val extra = variant { it.replace("</resources>", """<string name="only_in_thai">x</string></resources>""") }
            assertEquals(listOf("th: only_in_thai is not in English"), StringsCheck.problems(extra))
            val swapped = variant { it.replace("ส่งคำขอ %2\$s ถึง %1\$s แล้ว", "ส่งคำขอ %2\$d ถึง %1\$s แล้ว") }
            assertEquals(listOf("th: requests_asked has placeholders [%1\$s, %2\$d], English [%1\$s, %2\$s]"), StringsCheck.problems(swapped))
        } finally {
            dir.deleteRecursively()
        }
    }

    @Test
    fun everyTextTheViewModelsProduceExistsAndFormatsInEveryLanguage() {
        val english = files.getValue("en")
        for (key in TextKey.entries) {
            val text = english.text(key.resourceName) ?: throw AssertionError("values/strings.xml has no ${key.resourceName} for TextKey.$key")
            assertEquals("TextKey.$key takes as many arguments as its English text has placeholders", StringsCheck.placeholders(text).size, key.arity)
            // Sample arguments of the placeholders' own types: each language formats them.
            val args = StringsCheck.placeholders(text).map { if (it.endsWith("d")) 25 else "X" }
            for (language in files.keys) {
                val shown = AppStrings.resolve(UiText(key, args), language)
                assertTrue("$language: TextKey.$key reads '$shown'", shown.isNotBlank() && "%" !in shown)
            }
        }
    }

    @Test
    fun theScreensResolveEachKeyToItsOwnResource() {
        val table = File(uiDir, "Texts.kt").readText()
        val lines = Regex("""TextKey\.([A-Z0-9_]+) -> R\.string\.([a-z0-9_]+)""").findAll(table).associate { it.groupValues[1] to it.groupValues[2] }
        assertEquals("ui/Texts.kt names every TextKey once", TextKey.entries.map { it.name }.sorted(), lines.keys.sorted())
        for (key in TextKey.entries) assertEquals("ui/Texts.kt: TextKey.$key", key.resourceName, lines[key.name])
    }

    @Test
    fun theScreensUseOnlyTextsThatExistAndHardCodeNone() {
        val english = files.getValue("en")
        val screens = uiDir.listFiles { f -> f.name.endsWith(".kt") }!!.sortedBy { it.name }
        assertTrue(screens.size >= 10)
        val problems = mutableListOf<String>()
        for (f in screens) {
            f.readLines().forEachIndexed { i, line ->
                for (m in Regex("""R\.string\.([a-z0-9_]+)""").findAll(line)) {
                    if (m.groupValues[1] !in english.raw) problems += "${f.name}:${i + 1}: R.string.${m.groupValues[1]} is not in values/strings.xml"
                }
                // A literal shown as it is (Text("…"), label, title) may hold values and symbols, never words.
                for (m in Regex("""Text\("((?:[^"\\]|\\.)*)"""").findAll(line)) {
                    val words = m.groupValues[1].replace(Regex("""\$\{[^}]*}|\$[A-Za-z_][A-Za-z0-9_.]*"""), "")
                    if (words.any { it.isLetter() }) problems += "${f.name}:${i + 1}: a hard-coded text: ${m.value}"
                }
            }
        }
        assertEquals(emptyList<String>(), problems)
    }

    @Test
    fun everyErrorKindHasATextInEveryLanguage() {
        // The generated sealed classes' subclasses, found by reflection (no list kept by hand),
        // checked against the core's own lists of kinds.
        val wallet = subclasses(WalletException::class.java)
        val detection = subclasses(DetectionException::class.java)
        val terminal = subclasses(TerminalException::class.java)
        val koban = subclasses(KobanException::class.java)
        assertEquals(testHookWalletErrorKinds().sorted(), wallet.map { it.kind }.sorted())
        assertEquals(testHookDetectionErrorKinds().sorted(), detection.map { it.kind }.sorted())
        assertEquals(testHookTerminalErrorKinds().sorted(), terminal.map { it.kind }.sorted())
        assertTrue(koban.size >= 5)

        val kinds = wallet.map { it.kind to it } + detection.map { it.kind to it } + terminal.map { it.kind to it } +
            koban.map { it.javaClass.simpleName to it }
        for ((kind, e) in kinds) {
            val u = userError(e)
            if (e !is KobanException) assertEquals("${e.javaClass.name} keeps its kind", kind, u.kind)
            assertEquals("the core's words stay in small print", "core says $kind", u.detail)
            for (language in files.keys) {
                val shown = AppStrings.resolve(u.message, language)
                assertTrue("$language: ${e.javaClass.name} (${u.message.key}) reads '$shown'", shown.isNotBlank())
            }
        }
    }

    /** One instance of each subclass of sealed exception `base`, with the message "core says <kind or class>". */
    private fun <T : Throwable> subclasses(base: Class<T>): List<T> {
        val found = base.declaredClasses.filter { it != base && base.isAssignableFrom(it) }
        assertTrue("${base.simpleName} has subclasses", found.isNotEmpty())
        return found.map { c ->
            val probe = base.cast(c.getConstructor(String::class.java).newInstance(""))
            val kind = when (probe) {
                is WalletException -> probe.kind
                is DetectionException -> probe.kind
                is TerminalException -> probe.kind
                else -> c.simpleName
            }
            base.cast(c.getConstructor(String::class.java).newInstance("core says $kind"))
        }
    }
}

/** The checks of the four files against each other, as a list of problems (empty when all is well). */
object StringsCheck {
    // %s, %1$s, %2$d, %.2f…; %% is a literal percent sign.
    private val placeholder = Regex("""%(?:(\d+)\$)?[-#+ 0,(]*\d*(?:\.\d+)?([a-zA-Z%])""")

    /** The placeholders of `text` ("%1$s", "%2$d"), sorted, without literal `%%`. */
    fun placeholders(text: String): List<String> =
        placeholder.findAll(text).filter { it.groupValues[2] != "%" }.map { it.value }.toList().sorted()

    /** Every difference between English and the other languages, and every malformed text. */
    fun problems(files: Map<String, StringsXml>): List<String> {
        val english = files.getValue("en")
        val problems = mutableListOf<String>()
        for ((language, file) in files) {
            val expected = if (language == "en") english.raw.keys else english.raw.keys - english.untranslatable
            for (name in expected) {
                val text = file.text(name)
                when {
                    text == null -> problems += "$language: $name is missing"
                    text.isBlank() -> problems += "$language: $name is empty"
                    else -> {
                        val mine = placeholders(text)
                        val theirs = placeholders(english.text(name)!!)
                        if (mine != theirs) problems += "$language: $name has placeholders $mine, English $theirs"
                        problems += malformed(file.raw.getValue(name), mine).map { "$language: $name $it" }
                    }
                }
            }
            for (name in file.raw.keys - english.raw.keys) problems += "$language: $name is not in English"
            if (language != "en") for (name in file.raw.keys.intersect(english.untranslatable)) problems += "$language: $name is not to be translated"
        }
        return problems
    }

    // What aapt2 or Android's formatter would refuse or show wrongly.
    private fun malformed(raw: String, placeholders: List<String>): List<String> {
        val out = mutableListOf<String>()
        if (Regex("""(?<!\\)['"]""").containsMatchIn(raw)) out += "has an unescaped ' or \" (write \\' or a typographic ’)"
        if (raw.startsWith("@") || raw.startsWith("?")) out += "starts with @ or ? (a reference to aapt2)"
        if (placeholders.size > 1 && placeholders.any { !it.contains("$") }) out += "mixes placeholders without positions: $placeholders"
        val positions = placeholders.mapNotNull { Regex("""%(\d+)\$""").find(it)?.groupValues?.get(1)?.toInt() }.distinct().sorted()
        if (positions != (1..positions.size).toList()) out += "skips a placeholder position: $placeholders"
        if (Regex("""%(?![%\d.sdfxXc-])""").containsMatchIn(raw.replace("%%", ""))) out += "has a lone % (write %%)"
        return out
    }
}
