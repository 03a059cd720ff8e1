//! Text that other people see: handles, display names and messages.
//!
//! Control characters (Unicode category Cc) and format characters (Cf) render as nothing or
//! reorder what follows: a right-to-left override (U+202E) before "gnp.exe" shows it as
//! "exe.png", and zero-width characters (U+200B–U+200F, U+FEFF, the soft hyphen) make two
//! names that look the same differ. A name shown to the person paying must be what it looks
//! like, so such characters are refused rather than silently removed.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Why a piece of display text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing left once trimmed.
    #[error("must not be empty")]
    Empty,
    /// More characters than allowed.
    #[error("must be at most {max} characters")]
    TooLong {
        /// The limit, in characters (Unicode scalar values).
        max: usize,
    },
    /// An invisible control or format character (category Cc or Cf).
    #[error("must not contain control or format characters (U+{:04X})", u32::from(*.0))]
    Invisible(char),
}

/// Whether `c` is a control (Cc) or format (Cf) character.
pub fn is_control_or_format(c: char) -> bool {
    matches!(c.general_category(), GeneralCategory::Control | GeneralCategory::Format)
}

/// The first control or format character in `s`, if any (for optional text such as a
/// message, where empty is allowed).
pub fn find_control_or_format(s: &str) -> Option<char> {
    s.chars().find(|&c| is_control_or_format(c))
}

/// `s` trimmed, if it is 1 to `max_chars` characters with no control or format character.
pub fn check_display_text(s: &str, max_chars: usize) -> Result<&str, TextError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(TextError::Empty);
    }
    if let Some(c) = find_control_or_format(t) {
        return Err(TextError::Invisible(c));
    }
    if t.chars().count() > max_chars {
        return Err(TextError::TooLong { max: max_chars });
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_people_use_pass_trimmed() {
        assert_eq!(check_display_text("  Aiko Tanaka ", 60), Ok("Aiko Tanaka"));
        for name in ["田中 愛子", "สมชาย", "Nguyễn Văn An", "محمد", "אביגיל", "Zoë 🍜", "O'Brien-Smith"]
        {
            assert_eq!(check_display_text(name, 60), Ok(name), "{name}");
        }
    }

    #[test]
    fn empty_and_long_are_refused() {
        assert_eq!(check_display_text("", 60), Err(TextError::Empty));
        assert_eq!(check_display_text(" \t ", 60), Err(TextError::Empty));
        // Counted in characters, not bytes: 60 kanji pass, 61 do not.
        assert_eq!(check_display_text(&"愛".repeat(60), 60).map(|t| t.chars().count()), Ok(60));
        assert_eq!(check_display_text(&"愛".repeat(61), 60), Err(TextError::TooLong { max: 60 }));
    }

    #[test]
    fn control_and_format_characters_are_refused() {
        let invisible = [
            '\u{0}',
            '\u{7}',
            '\u{1b}',
            '\u{7f}',
            '\u{85}', // Cc: NUL, BEL, ESC, DEL, NEL
            '\u{ad}', // soft hyphen
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{200e}',
            '\u{200f}', // zero-width, LRM/RLM
            '\u{202a}',
            '\u{202b}',
            '\u{202c}',
            '\u{202d}',
            '\u{202e}', // bidi embeddings, overrides
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}', // bidi isolates
            '\u{2060}',
            '\u{feff}',
            '\u{61c}',
            '\u{e0041}', // word joiner, BOM, ALM, tag
        ];
        for c in invisible {
            assert!(is_control_or_format(c), "U+{:04X}", u32::from(c));
            let name = format!("Ai{c}ko");
            assert_eq!(check_display_text(&name, 60), Err(TextError::Invisible(c)), "U+{:04X}", u32::from(c));
        }
        // Inside the text, a newline or tab is a control character too.
        assert_eq!(check_display_text("Aiko\nTanaka", 60), Err(TextError::Invisible('\n')));
        assert_eq!(find_control_or_format("thanks for lunch"), None);
        assert_eq!(find_control_or_format(""), None);
        assert_eq!(
            check_display_text("Aiko\u{202e}gnp.exe", 60).map_err(|e| e.to_string()),
            Err("must not contain control or format characters (U+202E)".into())
        );
    }
}
