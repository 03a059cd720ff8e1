package io.koban.app

import io.koban.app.model.UiText
import java.io.File
import java.util.Locale
import javax.xml.parsers.DocumentBuilderFactory
import org.w3c.dom.Element

/** One `strings.xml` of the app, read as aapt2 reads it (escapes undone), for the JVM tests. */
class StringsXml(val file: File) {
    /** Each `<string>`'s raw text, as written in the file, by name, in file order. */
    val raw: Map<String, String>

    /** Names marked `translatable="false"` (a brand): in English only. */
    val untranslatable: Set<String>

    init {
        val doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file)
        val raw = linkedMapOf<String, String>()
        val fixed = mutableSetOf<String>()
        val nodes = doc.documentElement.getElementsByTagName("string")
        for (i in 0 until nodes.length) {
            val e = nodes.item(i) as Element
            val name = e.getAttribute("name")
            check(raw.put(name, e.textContent) == null) { "$file: <string name=\"$name\"> twice" }
            if (e.getAttribute("translatable") == "false") fixed += name
        }
        this.raw = raw
        untranslatable = fixed
    }

    /** The text of `name` as the app gets it from `getString`, before formatting. */
    fun text(name: String): String? = raw[name]?.let(::unescape)

    companion object {
        /** Undoes Android's resource escapes (`\'`, `\"`, `\n`, `\@`, `\uXXXX`…) and collapses whitespace as aapt2 does. */
        fun unescape(s: String): String {
            val out = StringBuilder()
            var i = 0
            while (i < s.length) {
                val c = s[i]
                if (c == '\\' && i + 1 < s.length) {
                    val n = s[i + 1]
                    when (n) {
                        'n' -> out.append('\n')
                        't' -> out.append('\t')
                        'u' -> {
                            out.append(s.substring(i + 2, i + 6).toInt(16).toChar())
                            i += 4
                        }
                        else -> out.append(n)
                    }
                    i += 2
                    continue
                }
                out.append(if (c.isWhitespace()) ' ' else c)
                i++
            }
            return out.toString().replace(Regex(" {2,}"), " ").trim()
        }
    }
}

/** The app's texts in its four languages, from android/app/src/main/res. */
object AppStrings {
    /** Language tag → resource directory. English is the default (`values`). */
    val directories = linkedMapOf("en" to "values", "ja" to "values-ja", "th" to "values-th", "zh-CN" to "values-zh-rCN")

    private val res: File =
        File(System.getProperty("koban.root") ?: error("run by scripts/test-kotlin.sh (koban.root)"), "android/app/src/main/res")

    /** Each language's file, read fresh (the failure test removes a key from a copy, never from these). */
    val files: Map<String, StringsXml> by lazy { directories.mapValues { (_, dir) -> StringsXml(File(res, "$dir/strings.xml")) } }

    /** The English file. */
    val english: StringsXml get() = files.getValue("en")

    /** `text` as the app shows it in `language` ("en", "ja", "th", "zh-CN"), formatted with its arguments. */
    fun resolve(text: UiText, language: String = "en"): String {
        val file = files.getValue(language)
        val pattern = file.text(text.key.resourceName) ?: throw AssertionError("${file.file}: no ${text.key.resourceName}")
        val args = text.args.map { if (it is UiText) resolve(it, language) else it }.toTypedArray()
        return String.format(Locale.forLanguageTag(language), pattern, *args)
    }
}

/** `text` in English, as a phone set to English shows it. */
fun english(text: UiText): String = AppStrings.resolve(text)
