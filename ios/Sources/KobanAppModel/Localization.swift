import Foundation

/// The app's texts in the device's language: English, Japanese, Thai or Simplified Chinese,
/// from `Resources/<language>.lproj/Localizable.strings` (plain `.strings` tables, which
/// SwiftPM also bundles on Linux, where the tests run).
///
/// The language is picked here rather than by `Bundle.preferredLocalizations`: on Linux that
/// ignores the device's preferences, so the same rule runs on both.
public struct Localization: @unchecked Sendable {
    /// The languages the app is written in; the first is the fallback.
    public static let languages = ["en", "ja", "th", "zh-Hans"]

    /// The language of this table (one of `languages`).
    public let language: String
    private let table: Bundle?
    private let fallback: Bundle?

    /// The texts in `language` (one of `languages`; anything else reads as English).
    public init(language: String) {
        self.language = Self.languages.contains(language) ? language : "en"
        table = Self.bundle(self.language)
        fallback = self.language == "en" ? nil : Self.bundle("en")
    }

    /// The texts in the best of `languages` for these preferences (`["th-TH", "en-US"]`),
    /// English when none is supported.
    public init(preferences: [String]) {
        self.init(language: Self.language(forPreferences: preferences))
    }

    /// The supported language for a list of preferences, first match first: `ja-JP` → `ja`,
    /// `zh-Hans-CN`, `zh-CN` or `zh-SG` → `zh-Hans`; Traditional Chinese is not written yet,
    /// so it falls through to the next preference, then English.
    public static func language(forPreferences preferences: [String]) -> String {
        for preference in preferences {
            let parts = preference.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
            guard let code = parts.first else { continue }
            switch code {
            case "en", "ja", "th": return code
            case "zh":
                let traditional = parts.contains("hant") || parts.contains { ["tw", "hk", "mo"].contains($0) }
                if !traditional { return "zh-Hans" }
            default: continue
            }
        }
        return "en"
    }

    /// The texts every screen uses: the device's language unless set (by a test, or an
    /// in-app language setting).
    public static var current: Localization {
        get {
            lock.lock()
            defer { lock.unlock() }
            if let chosen { return chosen }
            let device = Localization(preferences: Locale.preferredLanguages)
            chosen = device
            return device
        }
        set {
            lock.lock()
            chosen = newValue
            lock.unlock()
        }
    }

    /// Back to the device's language.
    public static func followDevice() {
        lock.lock()
        chosen = nil
        lock.unlock()
    }

    /// The text for `key` in this language, nil when this language's table lacks it (no fallback).
    public func lookup(_ key: String) -> String? {
        Self.lookup(key, in: table)
    }

    /// The text for `key` with `args` in its `%@` / `%1$@` placeholders; English when this
    /// language lacks it, and the key itself when English does too (tests forbid both).
    public func text(_ key: TextKey, _ args: [String] = []) -> String {
        let format = lookup(key.rawValue) ?? Self.lookup(key.rawValue, in: fallback) ?? key.rawValue
        guard !args.isEmpty else { return format }
        return String(format: format, arguments: args)
    }

    /// The raw table of `language`, for tests: every key and its text as written.
    public static func table(_ language: String) -> [String: String]? {
        guard let url = bundle(language)?.url(forResource: "Localizable", withExtension: "strings"),
              let data = try? Data(contentsOf: url),
              let plist = try? PropertyListSerialization.propertyList(from: data, format: nil)
        else { return nil }
        return plist as? [String: String]
    }

    private static let missing = "\u{0}missing"
    private static let lock = NSLock()
    private static var chosen: Localization?

    private static func lookup(_ key: String, in bundle: Bundle?) -> String? {
        guard let bundle else { return nil }
        let s = bundle.localizedString(forKey: key, value: missing, table: nil)
        return s == missing ? nil : s
    }

    private static func bundle(_ language: String) -> Bundle? {
        // SwiftPM on Linux lowercases the folder (`zh-hans.lproj`); Xcode keeps `zh-Hans.lproj`.
        let path = Bundle.module.path(forResource: language, ofType: "lproj")
            ?? Bundle.module.path(forResource: language.lowercased(), ofType: "lproj")
        return path.flatMap(Bundle.init(path:))
    }
}

/// A key of the string tables.
public struct TextKey: RawRepresentable, Hashable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Every key the app can show, from the tables in code (`AppText`, `ErrorTopic`,
    /// `TransactionLine`); the tests check that each has a text in every language.
    public static var all: [TextKey] {
        AppText.allCases.map(\.key)
            + ErrorTopic.allCases.flatMap { [$0.titleKey, $0.detailKey] }
            + TransactionLine.allCases.flatMap { [$0.key, $0.keyWithCounterparty] }
    }
}

extension AppText {
    /// Its key in the string tables.
    public var key: TextKey { TextKey(rawValue: rawValue) }

    /// The text in the current language, with `args` in its placeholders.
    public func text(_ args: String...) -> String {
        Localization.current.text(key, args)
    }
}
