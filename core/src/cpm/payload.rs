//! The consumer-presented payload: format indicator, application templates, common data.

use super::ber::{self, BerError, BerObject};
use base64::Engine as _;
use std::fmt;

/// Track 2 equivalent data (tag 57): PAN, expiry, service code.
#[derive(Clone, PartialEq, Eq)]
pub struct Track2 {
    /// Primary account number (a token for Koban codes).
    pub pan: String,
    /// Expiry, YYMM.
    pub expiry_yymm: String,
    /// Three-digit service code.
    pub service_code: String,
    /// Issuer discretionary data.
    pub discretionary: String,
}

impl fmt::Debug for Track2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Track2({}, exp {})", mask_pan(&self.pan), self.expiry_yymm)
    }
}

/// One application template (61) or the common data template (62).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Application {
    /// ADF name (AID), upper-case hex.
    pub adf: Option<String>,
    /// Application label (50).
    pub label: Option<String>,
    /// Track 2 equivalent (57).
    pub track2: Option<Track2>,
    /// Application PAN (5A), digits.
    pub pan: Option<String>,
    /// Cardholder name (5F20).
    pub cardholder_name: Option<String>,
    /// Language preference (5F2D).
    pub language: Option<String>,
    /// Issuer URL (5F50).
    pub issuer_url: Option<String>,
    /// Token requestor id (9F19), hex.
    pub token_requestor_id: Option<String>,
    /// Payment account reference (9F24).
    pub par: Option<String>,
    /// Last four digits of the PAN (9F25).
    pub last4: Option<String>,
    /// Application / common transparent template (63 or 64) for the acquirer, raw bytes.
    pub transparent: Option<Vec<u8>>,
}

impl Application {
    /// The account number from 5A or, failing that, from track 2.
    pub fn account_number(&self) -> Option<&str> {
        self.pan.as_deref().or(self.track2.as_ref().map(|t| t.pan.as_str()))
    }
}

impl fmt::Debug for Application {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Application")
            .field("adf", &self.adf)
            .field("label", &self.label)
            .field("pan", &self.account_number().map(mask_pan))
            .finish_non_exhaustive()
    }
}

/// A decoded consumer-presented payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerPayload {
    /// Payload format indicator (85), "CPV01".
    pub format_indicator: String,
    /// Application templates (61), one or two.
    pub applications: Vec<Application>,
    /// Common data template (62).
    pub common: Option<Application>,
}

/// Why a consumer-presented payload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CpmError {
    /// Not valid base64.
    #[error("not valid base64: {0}")]
    Base64(String),
    /// Broken BER-TLV.
    #[error(transparent)]
    Ber(#[from] BerError),
    /// The first object is not the payload format indicator 85 "CPV01".
    #[error("the payload does not start with the format indicator 85 \"CPV01\"")]
    MissingFormatIndicator,
    /// No application template (61).
    #[error("no application template (61)")]
    NoApplication,
    /// Neither track 2 (57) nor a PAN (5A) in the application or common data.
    #[error("no account: neither track 2 (57) nor PAN (5A)")]
    NoAccount,
    /// A field is not in its EMV format (BCD digits, track 2 layout).
    #[error("tag {tag:X} is malformed: {reason}")]
    BadField {
        /// The tag.
        tag: u32,
        /// What is wrong.
        reason: &'static str,
    },
    /// The QR symbol could not be made (payload too long).
    #[error("cannot render the QR code: {0}")]
    Render(String),
    /// A primitive object appears in both the chosen application and the common data (§5.1.10).
    #[error("tag {0:X} appears in both the application and the common data template")]
    Duplicate(u32),
    /// A field does not have its exact length (a Koban QR cryptogram 9F26 is 8 bytes, no fewer).
    #[error("tag {tag:X} must be exactly {expected} bytes, got {got}")]
    FieldLength {
        /// The tag.
        tag: u32,
        /// Its fixed length.
        expected: usize,
        /// Bytes present.
        got: usize,
    },
    /// A tag occurs twice in one template, so two readers could take different values.
    #[error("tag {tag:X} occurs more than once in template {template:X}")]
    RepeatedTag {
        /// The repeated tag.
        tag: u32,
        /// The template holding it.
        template: u32,
    },
}

/// Shows the first six and last four digits only.
pub fn mask_pan(pan: &str) -> String {
    if pan.len() <= 10 || !pan.is_ascii() {
        return "*".repeat(pan.chars().count());
    }
    format!("{}{}{}", &pan[..6], "*".repeat(pan.len() - 10), &pan[pan.len() - 4..])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// BCD digits, trailing F nibbles dropped (EMV "cn" format).
fn compressed_numeric(tag: u32, bytes: &[u8]) -> Result<String, CpmError> {
    let mut out = String::with_capacity(bytes.len() * 2);
    let mut ended = false;
    for nibble in bytes.iter().flat_map(|b| [b >> 4, b & 0x0F]) {
        match nibble {
            0..=9 if !ended => out.push(char::from(b'0' + nibble)),
            0xF => ended = true,
            _ => return Err(CpmError::BadField { tag, reason: "not BCD digits padded with F" }),
        }
    }
    Ok(out)
}

fn track2(bytes: &[u8]) -> Result<Track2, CpmError> {
    let bad = CpmError::BadField { tag: 0x57, reason: "track 2 must be PAN D YYMM service-code data" };
    let mut digits = String::with_capacity(bytes.len() * 2);
    for nibble in bytes.iter().flat_map(|b| [b >> 4, b & 0x0F]) {
        match nibble {
            0..=9 => digits.push(char::from(b'0' + nibble)),
            0xD => digits.push('D'),
            0xF => break,
            _ => return Err(bad),
        }
    }
    let (pan, rest) = digits.split_once('D').ok_or(bad.clone())?;
    if pan.is_empty() || pan.len() > 19 || rest.len() < 7 || rest.contains('D') {
        return Err(bad);
    }
    Ok(Track2 {
        pan: pan.to_owned(),
        expiry_yymm: rest[..4].to_owned(),
        service_code: rest[4..7].to_owned(),
        discretionary: rest[7..].to_owned(),
    })
}

fn text(tag: u32, bytes: &[u8]) -> Result<String, CpmError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| CpmError::BadField { tag, reason: "not text" })
}

fn application(template: &BerObject<'_>) -> Result<Application, CpmError> {
    let mut app = Application::default();
    for o in ber::parse(template.value, template.offset + 2)? {
        match o.tag {
            0x4F => app.adf = Some(hex(o.value)),
            0x50 => app.label = Some(text(o.tag, o.value)?),
            0x57 => app.track2 = Some(track2(o.value)?),
            0x5A => app.pan = Some(compressed_numeric(o.tag, o.value)?),
            0x5F20 => app.cardholder_name = Some(text(o.tag, o.value)?),
            0x5F2D => app.language = Some(text(o.tag, o.value)?),
            0x5F50 => app.issuer_url = Some(text(o.tag, o.value)?),
            0x9F19 => app.token_requestor_id = Some(hex(o.value)),
            0x9F24 => app.par = Some(text(o.tag, o.value)?),
            0x9F25 => app.last4 = Some(hex(o.value)),
            0x63 | 0x64 => app.transparent = Some(o.value.to_vec()),
            _ => {}
        }
    }
    Ok(app)
}

impl ConsumerPayload {
    /// Decodes the QR text (base64 of BER-TLV).
    pub fn decode(qr_text: &str) -> Result<ConsumerPayload, CpmError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(qr_text.trim_end())
            .map_err(|e| CpmError::Base64(e.to_string()))?;
        ConsumerPayload::from_bytes(&bytes)
    }

    /// Decodes the BER-TLV bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<ConsumerPayload, CpmError> {
        let objects = ber::parse(bytes, 0)?;
        let pfi =
            objects.first().filter(|o| o.tag == 0x85 && o.value == b"CPV01").ok_or(CpmError::MissingFormatIndicator)?;
        let mut payload =
            ConsumerPayload { format_indicator: text(pfi.tag, pfi.value)?, applications: Vec::new(), common: None };
        for o in &objects[1..] {
            match o.tag {
                0x61 => payload.applications.push(application(o)?),
                0x62 => payload.common = Some(application(o)?),
                _ => {}
            }
        }
        if payload.applications.is_empty() {
            return Err(CpmError::NoApplication);
        }
        let common_account = payload.common.as_ref().and_then(Application::account_number).is_some();
        if !common_account && payload.applications.iter().any(|a| a.account_number().is_none()) {
            return Err(CpmError::NoAccount);
        }
        if let Some(common) = &payload.common {
            for app in &payload.applications {
                if app.pan.is_some() && common.pan.is_some() {
                    return Err(CpmError::Duplicate(0x5A));
                }
                if app.track2.is_some() && common.track2.is_some() {
                    return Err(CpmError::Duplicate(0x57));
                }
            }
        }
        Ok(payload)
    }

    /// The account of application `index`: its own, or the common one.
    pub fn account_number(&self, index: usize) -> Option<&str> {
        self.applications
            .get(index)
            .and_then(Application::account_number)
            .or(self.common.as_ref().and_then(Application::account_number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_emvco_annex_b1_example() {
        let p = ConsumerPayload::decode("hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=").unwrap();
        assert_eq!(p.format_indicator, "CPV01");
        let t2 = p.applications[0].track2.as_ref().unwrap();
        assert_eq!(
            (t2.pan.as_str(), t2.expiry_yymm.as_str(), t2.service_code.as_str()),
            ("1234567890123458", "1912", "201")
        );
        assert_eq!(p.applications[0].adf.as_deref(), Some("A0000000555555"));
    }

    #[test]
    fn debug_output_never_shows_the_account() {
        let p = ConsumerPayload::decode("hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=").unwrap();
        let shown = format!("{p:?}");
        assert!(!shown.contains("1234567890123458"), "{shown}");
        assert!(shown.contains("123456******3458"), "{shown}");
    }

    #[test]
    fn malformed_payloads_are_errors() {
        assert!(matches!(ConsumerPayload::decode("hQVDUFYwMW!!"), Err(CpmError::Base64(_))));
        assert_eq!(
            ConsumerPayload::from_bytes(&[0x85, 0x05, b'C', b'P', b'V', b'0', b'2']),
            Err(CpmError::MissingFormatIndicator)
        );
        assert_eq!(
            ConsumerPayload::from_bytes(&[0x85, 0x05, b'C', b'P', b'V', b'0', b'1']),
            Err(CpmError::NoApplication)
        );
        assert_eq!(
            ConsumerPayload::from_bytes(&[0x85, 0x05, b'C', b'P', b'V', b'0', b'1', 0x61, 0x02, 0x50, 0x00]),
            Err(CpmError::NoAccount)
        );
    }
}
