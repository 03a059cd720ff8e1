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
//!       9F26 08                          cryptogram (crypto::cryptogram)
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

use super::ber;
use super::CpmError;
use super::KOBAN_AID;
use crate::crypto::{
    compute_cryptogram, LimitedUseKey, UnpredictableNumber, CODE_LIFETIME_SECS, CRYPTOGRAM_LEN, MIN_CRYPTOGRAM_LEN,
};
use base64::Engine as _;
use std::fmt;

/// Issuer prefix of Koban's numeric codes (no WeChat Pay, Alipay or UnionPay code starts with 88).
pub const NUMERIC_PREFIX: &str = "88";
/// Length of a numeric code.
pub const NUMERIC_LEN: usize = 36;
const TOKEN_DIGITS: usize = 16;
const IAD_VERSION: u8 = 1;

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
    /// The cryptogram, full length, or its first four bytes when read from a numeric code.
    pub cryptogram: Vec<u8>,
}

impl fmt::Debug for TokenCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token is not the account, but it still identifies the shopper: show its tail only.
        write!(
            f,
            "TokenCode(…{}, #{}, t={})",
            &self.token[self.token.len().saturating_sub(4)..],
            self.counter,
            self.timestamp
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
    /// Makes a code: the cryptogram over token, counter, time and unpredictable number under `key`.
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
        })
    }

    /// When the code stops being accepted, Unix seconds.
    pub fn expires_at(&self) -> u64 {
        self.timestamp + CODE_LIFETIME_SECS
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
        let aid: Vec<u8> = (0..KOBAN_AID.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&KOBAN_AID[i..i + 2], 16).expect("the AID constant is hex"))
            .collect();
        let mut app = Vec::with_capacity(80);
        ber::encode(0x4F, &aid, &mut app);
        ber::encode(0x50, b"KOBAN", &mut app);
        ber::encode(0x5A, &bcd(&self.token), &mut app);
        ber::encode(0x5F24, &yymmdd(self.expires_at()), &mut app);
        ber::encode(0x63, &inner, &mut app);
        let mut out = Vec::with_capacity(100);
        ber::encode(0x85, b"CPV01", &mut out);
        ber::encode(0x61, &app, &mut out);
        out
    }

    /// The QR text: base64 of [`TokenCode::to_bytes`] (starts `hQVDUFYwMW`).
    pub fn to_qr_text(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.to_bytes())
    }

    /// The 36-digit numeric form for 1-D barcode tills; only for codes made with a zero
    /// unpredictable number, since the digits cannot carry one.
    pub fn to_numeric(&self) -> Result<String, CpmError> {
        if self.unpredictable_number != [0; 4] {
            return Err(CpmError::BadField {
                tag: 0x9F37,
                reason: "numeric codes are made with a zero unpredictable number",
            });
        }
        let mut prefix = [0u8; 4];
        prefix.copy_from_slice(&self.cryptogram[..4]);
        Ok(format!(
            "{NUMERIC_PREFIX}{}{:05}{:03}{:010}",
            self.token,
            self.counter,
            self.timestamp % 1000,
            u32::from_be_bytes(prefix)
        ))
    }

    /// Reads a Koban QR payload (what a merchant terminal does).
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
        for o in ber::parse(transparent, 0)? {
            match o.tag {
                0x9F26 if (MIN_CRYPTOGRAM_LEN..=CRYPTOGRAM_LEN).contains(&o.value.len()) => {
                    cryptogram = Some(o.value.to_vec())
                }
                0x9F36 => counter = <[u8; 2]>::try_from(o.value).ok().map(u16::from_be_bytes),
                0x9F37 => un = <[u8; 4]>::try_from(o.value).ok(),
                0x9F10 if o.value.len() == 9 && o.value[0] == IAD_VERSION => {
                    timestamp = <[u8; 8]>::try_from(&o.value[1..]).ok().map(u64::from_be_bytes)
                }
                _ => {}
            }
        }
        Ok(TokenCode {
            token,
            counter: counter.ok_or(CpmError::BadField { tag: 0x9F36, reason: "missing or not 2 bytes" })?,
            timestamp: timestamp
                .ok_or(CpmError::BadField { tag: 0x9F10, reason: "missing or not version 1 with a time" })?,
            unpredictable_number: un.ok_or(CpmError::BadField { tag: 0x9F37, reason: "missing or not 4 bytes" })?,
            cryptogram: cryptogram
                .ok_or(CpmError::BadField { tag: 0x9F26, reason: "missing or of the wrong length" })?,
        })
    }

    /// Reads a numeric code; `now` (Unix seconds) restores the creation time from its last three digits.
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
        // The creation time nearest `now` whose last three digits are `residue`.
        let base = now - now % 1000 + residue;
        let timestamp =
            [base.saturating_sub(1000), base, base + 1000].into_iter().min_by_key(|t| t.abs_diff(now)).unwrap_or(base);
        Ok(TokenCode {
            token,
            counter,
            timestamp,
            unpredictable_number: [0; 4],
            cryptogram: crypto.to_be_bytes().to_vec(),
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

    #[test]
    fn expiry_dates_are_civil_dates() {
        assert_eq!(yymmdd(0), [0x70, 0x01, 0x01]);
        assert_eq!(yymmdd(1_795_500_000), [0x26, 0x11, 0x24]);
        assert_eq!(yymmdd(951_782_400), [0x00, 0x02, 0x29]);
    }
}
