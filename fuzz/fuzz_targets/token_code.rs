//! Koban consumer-presented codes as a till or host reads them (`TokenCode::parse`): an error
//! value or a code whose cryptogram has exactly its form's length, never a panic.
#![no_main]
use base64::Engine as _;
use koban_core::cpm::{CodeForm, TokenCode};
use koban_core::crypto::LimitedUseKey;
use libfuzzer_sys::fuzz_target;

/// A till's clock for most inputs (November 2026).
const NOW: u64 = 1_795_500_000;

fn read_and_use(text: &str, now: u64, key: &LimitedUseKey) {
    let Ok(code) = TokenCode::parse(text, now) else { return };
    // The security property: no reader hands on a cut-down (or padded) cryptogram.
    assert_eq!(code.cryptogram.len(), code.form.cryptogram_len(), "{code:?}");
    let _ = code.verify(key);
    let _ = (code.expires_at(), format!("{code:?}"));
    let qr = code.to_qr_text();
    match code.form {
        // What a reader accepted, it writes back in a form it accepts again, unchanged.
        CodeForm::Qr => assert_eq!(TokenCode::parse(&qr, now).as_ref(), Ok(&code)),
        CodeForm::Numeric => {
            let digits = code.to_numeric();
            assert_eq!(digits.as_deref().ok().map(|d| TokenCode::parse(d, now)), Some(Ok(code.clone())));
            // Four cryptogram bytes never make an acceptable QR code.
            assert!(TokenCode::parse(&qr, now).is_err());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let key = LimitedUseKey::from_bytes([7; 32]);
    // As scanned text, and as BER-TLV bytes behind base64 so the QR reader's fields are reached.
    read_and_use(&String::from_utf8_lossy(data), NOW, &key);
    read_and_use(&base64::engine::general_purpose::STANDARD.encode(data), NOW, &key);
    // As digits (ASCII digits stay themselves), at a fixed clock and at one taken from the input.
    let digits: String = data.iter().map(|b| char::from(b'0' + b.wrapping_sub(b'0') % 10)).collect();
    read_and_use(&digits, NOW, &key);
    let now = data.first_chunk::<8>().map_or(0, |b| u64::from_be_bytes(*b));
    read_and_use(&digits, now, &key);
});
