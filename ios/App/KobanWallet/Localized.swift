import SwiftUI
import KobanAppModel

// The app's texts come from KobanAppModel's string tables (English, Japanese, Thai,
// Simplified Chinese), where the Linux tests check every key in every language; views take
// them verbatim so SwiftUI does not look them up a second time in the app's bundle.
extension Text {
    /// The text of `key` in the user's language, with `args` in its placeholders.
    init(_ key: AppText, _ args: String...) {
        self.init(verbatim: Localization.current.text(key.key, args))
    }
}
