//! Turning a QR code's byte payload into text: ECI when the code declares one, a guess otherwise.

use encoding_rs::{SHIFT_JIS, UTF_8};

/// Decodes `bytes` by the ECI designator when given (ISO/IEC 18004 §7.4.2), else by guessing.
///
/// Without ECI the standard's default is ISO-8859-1, but real payment codes are written by
/// encoders that emit UTF-8 without ECI, and Japanese codes carry Shift_JIS (Kanji mode yields
/// Shift_JIS bytes too). So: valid UTF-8 first, then Shift_JIS if the bytes contain any
/// double-byte character and decode cleanly, then ISO-8859-1, which accepts anything.
pub fn decode_text(bytes: &[u8], eci: Option<u32>) -> String {
    match eci {
        Some(26) => return UTF_8.decode_without_bom_handling(bytes).0.into_owned(),
        Some(20) => return SHIFT_JIS.decode_without_bom_handling(bytes).0.into_owned(),
        Some(1 | 3) => return latin1(bytes),
        // Other designators (other ISO-8859 parts, Big5, GBK…) are rare in payment codes: guess.
        _ => {}
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_owned();
    }
    if looks_shift_jis(bytes) {
        let (s, had_errors) = SHIFT_JIS.decode_without_bom_handling(bytes);
        if !had_errors {
            return s.into_owned();
        }
    }
    latin1(bytes)
}

/// ISO-8859-1 maps each byte to the code point of the same value.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// Whether the bytes look like Japanese: a double-byte character (lead byte then trail byte),
/// or a run of three half-width katakana (single bytes 0xA1–0xDF), the test ZXing uses too;
/// Latin-1 text almost never has three such letters in a row.
fn looks_shift_jis(bytes: &[u8]) -> bool {
    let double = bytes
        .windows(2)
        .any(|w| matches!(w[0], 0x81..=0x9f | 0xe0..=0xef) && matches!(w[1], 0x40..=0x7e | 0x80..=0xfc));
    double || bytes.windows(3).any(|w| w.iter().all(|b| (0xa1..=0xdf).contains(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_without_eci() {
        assert_eq!(decode_text("Zürich ¥".as_bytes(), None), "Zürich ¥");
    }

    #[test]
    fn shift_jis_without_eci() {
        let (bytes, _, _) = SHIFT_JIS.encode("日本語のテキスト");
        assert_eq!(decode_text(&bytes, None), "日本語のテキスト");
    }

    #[test]
    fn half_width_katakana_is_shift_jis() {
        let (bytes, _, _) = SHIFT_JIS.encode("ﾃﾞｻﾞｲﾝQR");
        assert_eq!(decode_text(&bytes, None), "ﾃﾞｻﾞｲﾝQR");
        // Two Latin-1 letters from that range with ASCII around them stay Latin-1.
        assert_eq!(decode_text(&[b'c', 0xe0, b'v', 0xe9], None), "càvé");
    }

    #[test]
    fn latin1_fallback_and_eci() {
        assert_eq!(decode_text(&[0x5a, 0xfc, 0x72], None), "Zür");
        assert_eq!(decode_text(&[0x5a, 0xfc, 0x72], Some(3)), "Zür");
        let (sjis, _, _) = SHIFT_JIS.encode("円");
        assert_eq!(decode_text(&sjis, Some(20)), "円");
        // ECI 26 forces UTF-8 even if the bytes would also pass as something else.
        assert_eq!(decode_text("é".as_bytes(), Some(26)), "é");
    }
}
