//! Koban's tokenized consumer-presented code: a payment token and a one-time cryptogram,
//! never the account, as an EMVCo CPM payload (QR) or a fixed-length number (1-D barcodes).
//!
//! QR payload (BER-TLV, then base64):
//!
//! ```text
//! 85 05 "CPV01"                          payload format indicator
//! 61 ..                                  application template
//!    4F 07 F0 4B 4F 42 41 4E 01          ADF name: Koban's proprietary AID
//!    50 05 "KOBAN"                       application label
//!    5A ..                               payment token, BCD, F-padded (never the account)
//!    5F24 03 YYMMDD                      date the code expires (UTC)
//!    63 ..                               application-specific transparent template
//!       9F26 08                          cryptogram (crypto::cryptogram), exactly 8 bytes
//!       9F27 01 80                       cryptogram information data: ARQC
//!       9F36 02                          application transaction counter = key counter
//!       9F37 04                          unpredictable number
//!       9F10 09 01 || u64 seconds        issuer application data: version 1, creation time
//! ```
//!
//! Numeric form, 36 digits: `88` issuer prefix, 16-digit token, 5-digit counter, creation
//! time modulo 1000 s (3 digits: a code lives 60 s, so the verifier restores the full time as
//! the one nearest its clock), and the first four cryptogram bytes as a 10-digit number. The
//! numeric form uses an all-zero unpredictable number: a till typing digits supplies none.
//!
//! Each form has exactly one cryptogram length ([`CodeForm::cryptogram_len`]): 8 bytes in a
//! QR code, 4 in digits. A reader refuses a QR code whose `9F26` has any other length, and
//! [`TokenCode::verify`] checks the length the form demands, not the length presented: were a
//! shorter prefix accepted, an attacker would cut the QR cryptogram to 4 bytes and guess 32
//! bits instead of 64. Every tag of the `63` template occurs once, so the till and the host
//! cannot read different values from one code. A till or host reads any scanned code with
//! [`TokenCode::parse`] and checks it with [`TokenCode::verify`].

use super::ber;
use super::CpmError;
use super::KOBAN_AID;
use crate::crypto::{
    compute_cryptogram, verify_cryptogram, CryptoError, LimitedUseKey, UnpredictableNumber, CODE_LIFETIME_SECS,
    CRYPTOGRAM_LEN, NUMERIC_CRYPTOGRAM_LEN,
};
use base64::Engine as _;
use std::fmt;

/// Issuer prefix of Koban's numeric codes (no WeChat Pay, Alipay or UnionPay code starts with 88).
pub const NUMERIC_PREFIX: &str = "88";
/// Length of a numeric code.
pub const NUMERIC_LEN: usize = 36;
const TOKEN_DIGITS: usize = 16;
const IAD_VERSION: u8 = 1;

/// How a code is carried; it fixes the cryptogram's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeForm {
    /// EMVCo consumer-presented QR payload (base64), with the full 8-byte cryptogram.
    Qr,
    /// 36 digits for 1-D barcodes, with the cryptogram's first 4 bytes.
    Numeric,
}

impl CodeForm {
    /// The exact cryptogram length of this form, in bytes.
    pub fn cryptogram_len(self) -> usize {
        match self {
            CodeForm::Qr => CRYPTOGRAM_LEN,
            CodeForm::Numeric => NUMERIC_CRYPTOGRAM_LEN,
        }
    }
}

/// One consumer-presented code: what the shopper shows and the till sends to the host.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenCode {
    /// Payment token (16 digits), never the account number.
    pub token: String,
    /// The single-use key's counter (EMV application transaction counter).
    pub counter: u16,
    /// Creation time, Unix seconds.
    pub timestamp: u64,
    /// Unpredictable number (EMV 9F37); zeros in the numeric form.
    pub unpredictable_number: UnpredictableNumber,
    /// The cryptogram: exactly [`CodeForm::cryptogram_len`] bytes of `form` (8, or the first 4 in digits).
    pub cryptogram: Vec<u8>,
    /// The form the code was made for or read from.
    pub form: CodeForm,
}

impl fmt::Debug for TokenCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token is not the account, but it still identifies the shopper: show its tail only.
        write!(
            f,
            "TokenCode(…{}, #{}, t={}, {:?})",
            &self.token[self.token.len().saturating_sub(4)..],
            self.counter,
            self.timestamp,
            self.form
        )
    }
}

fn bcd(digits: &str) -> Vec<u8> {
    let mut nibbles: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
    if nibbles.len() % 2 == 1 {
        nibbles.push(0xF);
    }
    nibbles.chunks(2).map(|p| (p[0] << 4) | p[1]).collect()
}

fn check_token(token: &str) -> Result<(), CpmError> {
    if token.len() != TOKEN_DIGITS || !token.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CpmError::BadField { tag: 0x5A, reason: "the token must be 16 digits" });
    }
    Ok(())
}

/// `YYMMDD` (UTC) of a Unix time, in BCD.
fn yymmdd(unix_secs: u64) -> [u8; 3] {
    let (y, m, d) = crate::calendar::civil_from_days((unix_secs / 86_400) as i64);
    let b = |v: i64| ((v / 10 % 10) as u8) << 4 | (v % 10) as u8;
    [b(y % 100), b(m), b(d)]
}

impl TokenCode {
    /// Makes a QR-form code: the cryptogram over token, counter, time and unpredictable number under `key`.
    pub fn generate(
        key: &LimitedUseKey,
        token: &str,
        counter: u16,
        timestamp: u64,
        unpredictable_number: UnpredictableNumber,
    ) -> Result<TokenCode, CpmError> {
        check_token(token)?;
        let cryptogram = compute_cryptogram(key, token, counter, timestamp, unpredictable_number)
            .map_err(|_| CpmError::BadField { tag: 0x5A, reason: "token rejected by the cryptogram" })?;
        Ok(TokenCode {
            token: token.to_owned(),
            counter,
            timestamp,
            unpredictable_number,
            cryptogram: cryptogram.to_vec(),
            form: CodeForm::Qr,
        })
    }

    /// Reads any scanned Koban code, as a till or host does: digits are the numeric form, read
    /// with `now` (Unix seconds) as [`TokenCode::from_numeric`] does; anything else is QR text.
    pub fn parse(text: &str, now: u64) -> Result<TokenCode, CpmError> {
        let text = text.trim();
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            TokenCode::from_numeric(text, now)
        } else {
            TokenCode::from_qr_text(text)
        }
    }

    /// Checks the cryptogram under `key` against the code's own token, counter, time and
    /// unpredictable number, at exactly the length its form demands.
    ///
    /// Only the cryptogram: whether the code is still live and its counter unused is the host's call.
    pub fn verify(&self, key: &LimitedUseKey) -> Result<(), CryptoError> {
        let expected = self.form.cryptogram_len();
        // Checked here as well as in `verify_cryptogram` so the rule reads where codes are checked.
        if self.cryptogram.len() != expected {
            return Err(CryptoError::CryptogramLength { got: self.cryptogram.len(), expected });
        }
        verify_cryptogram(
            key,
            &self.token,
            self.counter,
            self.timestamp,
            self.unpredictable_number,
            &self.cryptogram,
            expected,
        )
    }

    /// When the code stops being accepted, Unix seconds.
    pub fn expires_at(&self) -> u64 {
        // Saturating: the time comes from the scanned code, and a far-future one must not overflow.
        self.timestamp.saturating_add(CODE_LIFETIME_SECS)
    }

    /// The BER-TLV bytes of the QR payload.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut inner = Vec::with_capacity(40);
        ber::encode(0x9F26, &self.cryptogram, &mut inner);
        ber::encode(0x9F27, &[0x80], &mut inner);
        ber::encode(0x9F36, &self.counter.to_be_bytes(), &mut inner);
        ber::encode(0x9F37, &self.unpredictable_number, &mut inner);
        let mut iad = vec![IAD_VERSION];
        iad.extend_from_slice(&self.timestamp.to_be_bytes());
        ber::encode(0x9F10, &iad, &mut inner);
        self.payload_around(&inner)
    }

    /// The payload with `inner` as the `63` template (split out so tests can damage it).
    fn payload_around(&self, inner: &[u8]) -> Vec<u8> {
        let aid: Vec<u8> = (0..KOBAN_AID.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&KOBAN_AID[i..i + 2], 16).expect("the AID constant is hex"))
            .collect();
        let mut app = Vec::with_capacity(80);
        ber::encode(0x4F, &aid, &mut app);
        ber::encode(0x50, b"KOBAN", &mut app);
        ber::encode(0x5A, &bcd(&self.token), &mut app);
        ber::encode(0x5F24, &yymmdd(self.expires_at()), &mut app);
        ber::encode(0x63, inner, &mut app);
        let mut out = Vec::with_capacity(100);
        ber::encode(0x85, b"CPV01", &mut out);
        ber::encode(0x61, &app, &mut out);
        out
    }

    /// The QR text: base64 of [`TokenCode::to_bytes`] (starts `hQVDUFYwMW`).
    ///
    /// Only a [`CodeForm::Qr`] code makes QR text a reader accepts: a numeric-form code has
    /// only 4 cryptogram bytes, and readers refuse a `9F26` that is not 8.
    pub fn to_qr_text(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.to_bytes())
    }

    /// The 36-digit numeric form for 1-D barcode tills (how the wallet makes numeric codes
    /// from QR-form ones); only for codes made with a zero unpredictable number, since the
    /// digits cannot carry one. The cryptogram must have its form's exact length.
    pub fn to_numeric(&self) -> Result<String, CpmError> {
        if self.unpredictable_number != [0; 4] {
            return Err(CpmError::BadField {
                tag: 0x9F37,
                reason: "numeric codes are made with a zero unpredictable number",
            });
        }
        check_token(&self.token)?;
        let expected = self.form.cryptogram_len();
        let prefix: [u8; NUMERIC_CRYPTOGRAM_LEN] = self
            .cryptogram
            .get(..NUMERIC_CRYPTOGRAM_LEN)
            .and_then(|p| p.try_into().ok())
            .filter(|_| self.cryptogram.len() == expected)
            .ok_or(CpmError::FieldLength { tag: 0x9F26, expected, got: self.cryptogram.len() })?;
        Ok(format!(
            "{NUMERIC_PREFIX}{}{:05}{:03}{:010}",
            self.token,
            self.counter,
            self.timestamp % 1000,
            u32::from_be_bytes(prefix)
        ))
    }

    /// Reads a Koban QR payload (what a merchant terminal does) into a [`CodeForm::Qr`] code;
    /// a `9F26` that is not exactly 8 bytes, or any tag repeated in `63`, is an error.
    pub fn from_qr_text(text: &str) -> Result<TokenCode, CpmError> {
        let payload = super::ConsumerPayload::decode(text)?;
        let app = payload.applications.first().ok_or(CpmError::NoApplication)?;
        if app.adf.as_deref() != Some(KOBAN_AID) {
            return Err(CpmError::BadField { tag: 0x4F, reason: "not a Koban application" });
        }
        let token = app.pan.clone().ok_or(CpmError::NoAccount)?;
        check_token(&token)?;
        let transparent = app.transparent.as_deref().ok_or(CpmError::BadField { tag: 0x63, reason: "missing" })?;
        let (mut cryptogram, mut counter, mut un, mut timestamp) = (None, None, None, None);
        let mut seen = Vec::with_capacity(6);
        for o in ber::parse(transparent, 0)? {
            // A repeated tag would let the till and the host each take a different copy.
            if seen.contains(&o.tag) {
                return Err(CpmError::RepeatedTag { tag: o.tag, template: 0x63 });
            }
            seen.push(o.tag);
            let exact = |expected: usize| {
                if o.value.len() == expected {
                    Ok(o.value)
                } else {
                    Err(CpmError::FieldLength { tag: o.tag, expected, got: o.value.len() })
                }
            };
            match o.tag {
                // Exactly 8: a shorter cryptogram would be a shorter guess for an attacker.
                0x9F26 => cryptogram = Some(exact(CRYPTOGRAM_LEN)?.to_vec()),
                0x9F36 => counter = <[u8; 2]>::try_from(exact(2)?).ok().map(u16::from_be_bytes),
                0x9F37 => un = <[u8; 4]>::try_from(exact(4)?).ok(),
                0x9F10 => {
                    let iad = exact(1 + 8)?;
                    if iad[0] != IAD_VERSION {
                        return Err(CpmError::BadField {
                            tag: 0x9F10,
                            reason: "issuer application data is not version 1",
                        });
                    }
                    timestamp = <[u8; 8]>::try_from(&iad[1..]).ok().map(u64::from_be_bytes);
                }
                _ => {}
            }
        }
        let missing = |tag| CpmError::BadField { tag, reason: "missing" };
        Ok(TokenCode {
            token,
            counter: counter.ok_or(missing(0x9F36))?,
            timestamp: timestamp.ok_or(missing(0x9F10))?,
            unpredictable_number: un.ok_or(missing(0x9F37))?,
            cryptogram: cryptogram.ok_or(missing(0x9F26))?,
            form: CodeForm::Qr,
        })
    }

    /// Reads a numeric code into a [`CodeForm::Numeric`] code with a 4-byte cryptogram; `now`
    /// (Unix seconds) restores the creation time from its last three digits.
    pub fn from_numeric(digits: &str, now: u64) -> Result<TokenCode, CpmError> {
        let bad = |reason| CpmError::BadField { tag: 0, reason };
        if digits.len() != NUMERIC_LEN
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || !digits.starts_with(NUMERIC_PREFIX)
        {
            return Err(bad("a Koban numeric code is 36 digits starting 88"));
        }
        let token = digits[2..18].to_owned();
        let counter: u16 = digits[18..23].parse().map_err(|_| bad("counter out of range"))?;
        let residue: u64 = digits[23..26].parse().map_err(|_| bad("bad time"))?;
        let crypto: u32 = digits[26..36].parse().map_err(|_| bad("cryptogram out of range"))?;
        // The creation time nearest `now` whose last three digits are `residue` (saturating:
        // `now` is the caller's clock, and a wild one must not overflow).
        let base = (now - now % 1000).saturating_add(residue);
        let timestamp = [base.saturating_sub(1000), base, base.saturating_add(1000)]
            .into_iter()
            .min_by_key(|t| t.abs_diff(now))
            .unwrap_or(base);
        Ok(TokenCode {
            token,
            counter,
            timestamp,
            unpredictable_number: [0; 4],
            cryptogram: crypto.to_be_bytes().to_vec(),
            form: CodeForm::Numeric,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> LimitedUseKey {
        LimitedUseKey::from_bytes([7; 32])
    }

    #[test]
    fn qr_payload_round_trips_and_is_recognised_as_consumer_presented() {
        let code = TokenCode::generate(&key(), "4912345678901234", 42, 1_795_500_000, [1, 2, 3, 4]).unwrap();
        let text = code.to_qr_text();
        assert!(text.starts_with(super::super::CPM_PREFIX), "{text}");
        assert_eq!(TokenCode::from_qr_text(&text).unwrap(), code);
        let d = crate::scheme::detect(&text).unwrap();
        assert_eq!(d.schemes(), vec![crate::scheme::registry::KOBAN_CPM]);
        assert!(!format!("{d:?}").contains("4912345678901234"));
    }

    #[test]
    fn numeric_form_is_fixed_length_and_restores_the_time() {
        let code = TokenCode::generate(&key(), "4912345678901234", 65535, 1_795_500_999, [0; 4]).unwrap();
        let n = code.to_numeric().unwrap();
        let with_un = TokenCode::generate(&key(), "4912345678901234", 1, 1, [9, 9, 9, 9]).unwrap();
        assert!(with_un.to_numeric().is_err());
        assert_eq!(n.len(), NUMERIC_LEN);
        let back = TokenCode::from_numeric(&n, 1_795_501_020).unwrap();
        assert_eq!((back.token.as_str(), back.counter, back.timestamp), ("4912345678901234", 65535, 1_795_500_999));
        assert_eq!(back.cryptogram, code.cryptogram[..4]);
        assert!(TokenCode::from_numeric("12", 0).is_err());
    }

    #[test]
    fn malformed_codes_are_errors() {
        assert!(TokenCode::generate(&key(), "4912", 1, 0, [0; 4]).is_err());
        assert!(
            TokenCode::from_qr_text("hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=").is_err(),
            "another issuer's code is not ours"
        );
        assert!(TokenCode::from_qr_text("not base64!").is_err());
    }

    fn qr_code() -> TokenCode {
        TokenCode::generate(&key(), "4912345678901234", 42, 1_795_500_000, [1, 2, 3, 4]).unwrap()
    }

    /// The QR text of `code` with its `63` template made of `inner` objects.
    fn qr_with(code: &TokenCode, inner: &[(u32, &[u8])]) -> String {
        let mut bytes = Vec::new();
        for (tag, value) in inner {
            ber::encode(*tag, value, &mut bytes);
        }
        base64::engine::general_purpose::STANDARD.encode(code.payload_around(&bytes))
    }

    fn iad(timestamp: u64) -> Vec<u8> {
        let mut v = vec![IAD_VERSION];
        v.extend_from_slice(&timestamp.to_be_bytes());
        v
    }

    #[test]
    fn qr_cryptograms_are_exactly_eight_bytes() {
        let code = qr_code();
        let (c, iad) = (code.cryptogram.clone(), iad(code.timestamp));
        let with = |cryptogram: &[u8]| {
            qr_with(
                &code,
                &[(0x9F26, cryptogram), (0x9F27, &[0x80]), (0x9F36, &[0, 42]), (0x9F37, &[1, 2, 3, 4]), (0x9F10, &iad)],
            )
        };
        assert_eq!(TokenCode::from_qr_text(&with(&c)), Ok(code.clone()), "the helper makes the real payload");
        assert_eq!(with(&c), code.to_qr_text());
        // The attack: the same code with its cryptogram cut to four bytes, 32 bits to guess.
        assert_eq!(
            TokenCode::from_qr_text(&with(&c[..4])),
            Err(CpmError::FieldLength { tag: 0x9F26, expected: 8, got: 4 })
        );
        let mut nine = c.clone();
        nine.push(0);
        assert_eq!(
            TokenCode::from_qr_text(&with(&nine)),
            Err(CpmError::FieldLength { tag: 0x9F26, expected: 8, got: 9 })
        );
        assert_eq!(
            TokenCode::from_qr_text(&with(&[])),
            Err(CpmError::FieldLength { tag: 0x9F26, expected: 8, got: 0 })
        );
        // A numeric-form code turned into QR text carries four bytes: refused the same way.
        let numeric = TokenCode::generate(&key(), "4912345678901234", 42, 1_795_500_000, [0; 4]).unwrap();
        let numeric = TokenCode::from_numeric(&numeric.to_numeric().unwrap(), 1_795_500_000).unwrap();
        assert_eq!(
            TokenCode::from_qr_text(&numeric.to_qr_text()),
            Err(CpmError::FieldLength { tag: 0x9F26, expected: 8, got: 4 })
        );
    }

    #[test]
    fn every_field_of_the_63_template_is_strict() {
        let code = qr_code();
        let (c, iad) = (code.cryptogram.clone(), iad(code.timestamp));
        let read = |inner: &[(u32, &[u8])]| TokenCode::from_qr_text(&qr_with(&code, inner));
        let (cid, atc, un): (&[u8], &[u8], &[u8]) = (&[0x80], &[0, 42], &[1, 2, 3, 4]);
        // Repeated tags, even with the same value: a till and a host could take different copies.
        let twice = read(&[(0x9F26, &c), (0x9F26, &c), (0x9F27, cid), (0x9F36, atc), (0x9F37, un), (0x9F10, &iad)]);
        assert_eq!(twice, Err(CpmError::RepeatedTag { tag: 0x9F26, template: 0x63 }));
        let twice = read(&[(0x9F26, &c), (0x9F36, &[0, 1]), (0x9F37, un), (0x9F10, &iad), (0x9F36, atc)]);
        assert_eq!(twice, Err(CpmError::RepeatedTag { tag: 0x9F36, template: 0x63 }));
        let twice = read(&[(0x9F26, &c), (0x9F27, cid), (0x9F27, cid), (0x9F36, atc), (0x9F37, un), (0x9F10, &iad)]);
        assert_eq!(twice, Err(CpmError::RepeatedTag { tag: 0x9F27, template: 0x63 }));
        // Counter, unpredictable number and issuer application data have their exact lengths.
        let counter = read(&[(0x9F26, &c), (0x9F36, &[0, 0, 42]), (0x9F37, un), (0x9F10, &iad)]);
        assert_eq!(counter, Err(CpmError::FieldLength { tag: 0x9F36, expected: 2, got: 3 }));
        let counter = read(&[(0x9F26, &c), (0x9F36, &[42]), (0x9F37, un), (0x9F10, &iad)]);
        assert_eq!(counter, Err(CpmError::FieldLength { tag: 0x9F36, expected: 2, got: 1 }));
        let short_un = read(&[(0x9F26, &c), (0x9F36, atc), (0x9F37, &[1, 2, 3]), (0x9F10, &iad)]);
        assert_eq!(short_un, Err(CpmError::FieldLength { tag: 0x9F37, expected: 4, got: 3 }));
        let short_iad = read(&[(0x9F26, &c), (0x9F36, atc), (0x9F37, un), (0x9F10, &iad[..8])]);
        assert_eq!(short_iad, Err(CpmError::FieldLength { tag: 0x9F10, expected: 9, got: 8 }));
        let mut v2 = iad.clone();
        v2[0] = 2;
        let v2 = read(&[(0x9F26, &c), (0x9F36, atc), (0x9F37, un), (0x9F10, &v2)]);
        assert!(matches!(v2, Err(CpmError::BadField { tag: 0x9F10, .. })), "{v2:?}");
        // The latest time a code can carry still makes QR text again.
        let far = read(&[(0x9F26, &c), (0x9F36, atc), (0x9F37, un), (0x9F10, &self::iad(u64::MAX))]).unwrap();
        assert_eq!((far.expires_at(), TokenCode::from_qr_text(&far.to_qr_text())), (u64::MAX, Ok(far.clone())));
        let missing = read(&[(0x9F36, atc), (0x9F37, un), (0x9F10, &iad)]);
        assert_eq!(missing, Err(CpmError::BadField { tag: 0x9F26, reason: "missing" }));
        // Without the optional cryptogram information data the code still reads.
        assert_eq!(read(&[(0x9F26, &c), (0x9F36, atc), (0x9F37, un), (0x9F10, &iad)]), Ok(code));
    }

    #[test]
    fn verify_checks_the_length_of_the_form_not_of_what_is_presented() {
        let qr = qr_code();
        assert_eq!(qr.form, CodeForm::Qr);
        qr.verify(&key()).unwrap();
        assert_eq!(qr.verify(&LimitedUseKey::from_bytes([8; 32])), Err(CryptoError::BadCryptogram));
        // A QR-form code whose cryptogram was cut to four bytes (built by hand: readers refuse it).
        let cut = TokenCode { cryptogram: qr.cryptogram[..4].to_vec(), ..qr.clone() };
        assert_eq!(cut.verify(&key()), Err(CryptoError::CryptogramLength { got: 4, expected: 8 }));
        let longer = TokenCode { cryptogram: [qr.cryptogram.as_slice(), &[0]].concat(), ..qr.clone() };
        assert_eq!(longer.verify(&key()), Err(CryptoError::CryptogramLength { got: 9, expected: 8 }));
        let mut flipped = qr.clone();
        flipped.cryptogram[7] ^= 1;
        assert_eq!(flipped.verify(&key()), Err(CryptoError::BadCryptogram));

        let made = TokenCode::generate(&key(), "4912345678901234", 7, 1_795_500_123, [0; 4]).unwrap();
        let numeric = TokenCode::parse(&made.to_numeric().unwrap(), 1_795_500_130).unwrap();
        assert_eq!((numeric.form, numeric.cryptogram.len()), (CodeForm::Numeric, NUMERIC_CRYPTOGRAM_LEN));
        numeric.verify(&key()).unwrap();
        // A numeric-form code padded to eight bytes: with zeros, or even with the true full cryptogram.
        let padded = TokenCode { cryptogram: [numeric.cryptogram.as_slice(), &[0; 4]].concat(), ..numeric.clone() };
        assert_eq!(padded.verify(&key()), Err(CryptoError::CryptogramLength { got: 8, expected: 4 }));
        let full = TokenCode { cryptogram: made.cryptogram.clone(), ..numeric.clone() };
        assert_eq!(full.verify(&key()), Err(CryptoError::CryptogramLength { got: 8, expected: 4 }));
        // Made as QR, verified as QR: the full eight bytes, even with a zero unpredictable number.
        made.verify(&key()).unwrap();
    }

    #[test]
    fn parse_reads_either_form_and_round_trips() {
        let qr = qr_code();
        let read = TokenCode::parse(&format!("  {}\n", qr.to_qr_text()), 0).unwrap();
        assert_eq!((read.form, &read), (CodeForm::Qr, &qr));
        let made = TokenCode::generate(&key(), "4912345678901234", 65535, 1_795_500_999, [0; 4]).unwrap();
        let digits = made.to_numeric().unwrap();
        let read = TokenCode::parse(&format!("{digits}\r\n"), 1_795_501_020).unwrap();
        assert_eq!(read, TokenCode { cryptogram: made.cryptogram[..4].to_vec(), form: CodeForm::Numeric, ..made });
        // A numeric-form code makes the same digits again.
        assert_eq!(read.to_numeric().unwrap(), digits);
        for bad in ["", "   ", "12", &"9".repeat(36), "hQVDUFYwMW", "8 8"] {
            assert!(TokenCode::parse(bad, 1_795_501_020).is_err(), "{bad:?}");
        }
        // Out-of-range numbers are typed errors, and a wild clock does not overflow.
        let at = |range: std::ops::Range<usize>, with: &str| {
            let mut d = digits.clone();
            d.replace_range(range, with);
            TokenCode::parse(&d, 1_795_501_020)
        };
        assert!(matches!(at(18..23, "65536"), Err(CpmError::BadField { tag: 0, .. })));
        assert!(matches!(at(26..36, "4294967296"), Err(CpmError::BadField { tag: 0, .. })));
        assert!(at(26..36, "4294967295").is_ok());
        for now in [0, 999, u64::MAX, u64::MAX - 615] {
            assert!(TokenCode::parse(&digits, now).is_ok(), "{now}");
        }
    }

    #[test]
    fn to_numeric_refuses_a_cryptogram_of_the_wrong_length() {
        let made = TokenCode::generate(&key(), "4912345678901234", 1, 1, [0; 4]).unwrap();
        for (form, len) in [(CodeForm::Qr, 4), (CodeForm::Qr, 0), (CodeForm::Numeric, 8), (CodeForm::Numeric, 3)] {
            let odd = TokenCode { cryptogram: vec![0; len], form, ..made.clone() };
            assert_eq!(
                odd.to_numeric(),
                Err(CpmError::FieldLength { tag: 0x9F26, expected: form.cryptogram_len(), got: len })
            );
        }
    }

    #[test]
    fn expiry_dates_are_civil_dates() {
        assert_eq!(yymmdd(0), [0x70, 0x01, 0x01]);
        assert_eq!(yymmdd(1_795_500_000), [0x26, 0x11, 0x24]);
        assert_eq!(yymmdd(951_782_400), [0x00, 0x02, 0x29]);
    }
}
