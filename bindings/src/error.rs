//! The public error sets, and the one place internal errors are converted into them.
//!
//! Apps see a handful of variants with a readable message (Rust `Display`), never the
//! core's internal error chain: the conversions here decide what a user may read, so
//! they are also where payloads, tokens and account data must be left out.

use koban_core::{cpm::CpmError, crypto::CryptoError, money, scheme::DetectError, scheme::Rejection};

/// An error from a Koban call, with a message fit to show to the user.
///
/// Flat on purpose: Kotlin gets `KobanException.<Variant>` whose `message` is the Rust
/// `Display` text, Swift gets `KobanError.<Variant>(message:)`.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum KobanError {
    /// The input was malformed or out of range; the message says which part.
    #[error("invalid input: {reason}")]
    InvalidInput { reason: String },
    /// An amount the user typed cannot be paid exactly (bad character, too many decimals, zero…).
    #[error("invalid amount: {reason}")]
    InvalidAmount { reason: String },
    /// A consumer-presented code (QR text or digits) is not a readable Koban code.
    #[error("invalid consumer code: {reason}")]
    InvalidConsumerCode { reason: String },
    /// A service the app provides (key store, logger, HTTP transport) failed.
    #[error("platform service failed: {reason}")]
    Platform { reason: String },
    /// A bug in Koban, reported as an error rather than crashing the app.
    #[error("internal error: {reason}")]
    Internal { reason: String },
}

/// A Kotlin/Swift implementation of a foreign trait threw something it did not declare.
///
/// Every foreign-trait method returns `Result<_, KobanError>`; uniffi needs this
/// conversion to report an undeclared exception instead of aborting.
impl From<uniffi::UnexpectedUniFFICallbackError> for KobanError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        KobanError::Platform { reason: e.reason }
    }
}

impl From<money::UnknownCurrency> for KobanError {
    fn from(e: money::UnknownCurrency) -> Self {
        // The code is what the app passed in, not user data.
        KobanError::InvalidInput { reason: e.to_string() }
    }
}

impl From<money::AmountError> for KobanError {
    fn from(e: money::AmountError) -> Self {
        KobanError::InvalidAmount { reason: e.to_string() }
    }
}

impl From<CpmError> for KobanError {
    fn from(e: CpmError) -> Self {
        // CpmError messages name tags, offsets and static reasons, never token digits.
        KobanError::InvalidConsumerCode { reason: e.to_string() }
    }
}

impl From<CryptoError> for KobanError {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::Rng => KobanError::Platform { reason: e.to_string() },
            // Malformed key bytes and the like: the message names the kind of value only.
            _ => KobanError::InvalidInput { reason: e.to_string() },
        }
    }
}

/// Why a scanned payload was refused; one variant per stable kind of the core.
///
/// Detection has its own error because apps branch on the reason (an expired code asks the
/// merchant for a new one, a CRC mismatch asks for a rescan). Each variant is the core's
/// `kind()` in UpperCamelCase, the message is the core's `Display` text; Kotlin's
/// `DetectionException.kind` and Swift's `DetectionError.kind` give the snake_case kind.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum DetectionError {
    /// `empty`: nothing to detect.
    #[error("{0}")]
    Empty(String),
    /// `malformed_tlv`: the EMV TLV structure is broken.
    #[error("{0}")]
    MalformedTlv(String),
    /// `missing_payload_format_indicator`: an EMV payload without tag 00 first.
    #[error("{0}")]
    MissingPayloadFormatIndicator(String),
    /// `malformed`: a recognised family whose text is malformed.
    #[error("{0}")]
    Malformed(String),
    /// `crc_mismatch`: the checksum does not match (damaged or edited).
    #[error("{0}")]
    CrcMismatch(String),
    /// `missing_crc`: the format requires a checksum and there is none.
    #[error("{0}")]
    MissingCrc(String),
    /// `crc_not_last`: tag 63 is misplaced or not four characters.
    #[error("{0}")]
    CrcNotLast(String),
    /// `empty_value`: a data object has length 00.
    #[error("{0}")]
    EmptyValue(String),
    /// `guid_too_long`: a template identifier is longer than 32 characters.
    #[error("{0}")]
    GuidTooLong(String),
    /// `duplicate_tag`: a root tag appears twice.
    #[error("{0}")]
    DuplicateTag(String),
    /// `invalid_point_of_initiation`: tag 01 is neither 11 nor 12.
    #[error("{0}")]
    InvalidPointOfInitiation(String),
    /// `unsupported_format_indicator`: a payload format indicator Koban does not know.
    #[error("{0}")]
    UnsupportedFormatIndicator(String),
    /// `invalid_amount`: the amount cannot be read exactly.
    #[error("{0}")]
    InvalidAmount(String),
    /// `currency_mismatch`: the currency contradicts the scheme (JPQR: JPY only).
    #[error("{0}")]
    CurrencyMismatch(String),
    /// `expired`: the code has expired.
    #[error("{0}")]
    Expired(String),
    /// `missing_expiration`: a dynamic code that must say when it expires does not.
    #[error("{0}")]
    MissingExpiration(String),
    /// `invalid_timestamp`: a timestamp is not in the scheme's form.
    #[error("{0}")]
    InvalidTimestamp(String),
    /// `missing_field`: a required field is absent.
    #[error("{0}")]
    MissingField(String),
    /// `bad_checksum`: a Lightning invoice's bech32 checksum is wrong.
    #[error("{0}")]
    BadChecksum(String),
    /// `mixed_case`: a Lightning invoice mixes upper and lower case.
    #[error("{0}")]
    MixedCase(String),
}

impl From<DetectError> for DetectionError {
    fn from(e: DetectError) -> Self {
        let message = public_message(&e);
        // Exhaustive matches (no `_`): a new core kind must get its own variant here.
        match e {
            DetectError::Empty => DetectionError::Empty(message),
            DetectError::MalformedTlv(_) => DetectionError::MalformedTlv(message),
            DetectError::MissingPayloadFormatIndicator => DetectionError::MissingPayloadFormatIndicator(message),
            DetectError::Malformed { .. } => DetectionError::Malformed(message),
            DetectError::Rejected { reasons, .. } => match &reasons[0] {
                Rejection::CrcMismatch { .. } => DetectionError::CrcMismatch(message),
                Rejection::MissingCrc => DetectionError::MissingCrc(message),
                Rejection::CrcNotLast => DetectionError::CrcNotLast(message),
                Rejection::EmptyValue { .. } => DetectionError::EmptyValue(message),
                Rejection::GuidTooLong { .. } => DetectionError::GuidTooLong(message),
                Rejection::DuplicateTag { .. } => DetectionError::DuplicateTag(message),
                Rejection::InvalidPointOfInitiation(_) => DetectionError::InvalidPointOfInitiation(message),
                Rejection::UnsupportedFormatIndicator(_) => DetectionError::UnsupportedFormatIndicator(message),
                Rejection::InvalidAmount { .. } => DetectionError::InvalidAmount(message),
                Rejection::CurrencyMismatch { .. } => DetectionError::CurrencyMismatch(message),
                Rejection::Expired { .. } => DetectionError::Expired(message),
                Rejection::MissingExpiration { .. } => DetectionError::MissingExpiration(message),
                Rejection::InvalidTimestamp { .. } => DetectionError::InvalidTimestamp(message),
                Rejection::MissingField(_) => DetectionError::MissingField(message),
                Rejection::BadChecksum => DetectionError::BadChecksum(message),
                Rejection::MixedCase => DetectionError::MixedCase(message),
            },
        }
    }
}

impl DetectionError {
    /// Every kind, in variant order, as the core spells it.
    #[cfg(any(test, feature = "test-hooks"))]
    pub(crate) const KINDS: [&'static str; 20] = [
        "empty",
        "malformed_tlv",
        "missing_payload_format_indicator",
        "malformed",
        "crc_mismatch",
        "missing_crc",
        "crc_not_last",
        "empty_value",
        "guid_too_long",
        "duplicate_tag",
        "invalid_point_of_initiation",
        "unsupported_format_indicator",
        "invalid_amount",
        "currency_mismatch",
        "expired",
        "missing_expiration",
        "invalid_timestamp",
        "missing_field",
        "bad_checksum",
        "mixed_case",
    ];

    /// The variant for `kind` (one of [`DetectionError::KINDS`]) carrying `message`.
    #[cfg(any(test, feature = "test-hooks"))]
    pub(crate) fn of_kind(kind: &str, message: String) -> Option<DetectionError> {
        use DetectionError as E;
        let make: fn(String) -> DetectionError = match kind {
            "empty" => E::Empty,
            "malformed_tlv" => E::MalformedTlv,
            "missing_payload_format_indicator" => E::MissingPayloadFormatIndicator,
            "malformed" => E::Malformed,
            "crc_mismatch" => E::CrcMismatch,
            "missing_crc" => E::MissingCrc,
            "crc_not_last" => E::CrcNotLast,
            "empty_value" => E::EmptyValue,
            "guid_too_long" => E::GuidTooLong,
            "duplicate_tag" => E::DuplicateTag,
            "invalid_point_of_initiation" => E::InvalidPointOfInitiation,
            "unsupported_format_indicator" => E::UnsupportedFormatIndicator,
            "invalid_amount" => E::InvalidAmount,
            "currency_mismatch" => E::CurrencyMismatch,
            "expired" => E::Expired,
            "missing_expiration" => E::MissingExpiration,
            "invalid_timestamp" => E::InvalidTimestamp,
            "missing_field" => E::MissingField,
            "bad_checksum" => E::BadChecksum,
            "mixed_case" => E::MixedCase,
            _ => return None,
        };
        Some(make(message))
    }
}

/// The core's message, minus values a payload carries about a person.
///
/// Only `Malformed` quotes payload text (a UPI payee address, a Bitcoin parameter), so its
/// quoted values are replaced by `"…"`. The other kinds quote tags, offsets, CRCs,
/// amounts and timestamps, which a user needs to understand what is wrong.
fn public_message(e: &DetectError) -> String {
    match e {
        DetectError::Malformed { .. } => redact_quoted(&e.to_string()),
        _ => e.to_string(),
    }
}

/// Replaces the contents of every `"…"` (Rust `{:?}` quoting, escapes included) with `…`.
fn redact_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '"' {
            continue;
        }
        out.push('…');
        // Skip to the closing quote, stepping over escaped characters.
        while let Some(q) = chars.next() {
            match q {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    out.push('"');
                    break;
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_readable() {
        let e = KobanError::InvalidInput { reason: "amount must be positive".into() };
        assert_eq!(e.to_string(), "invalid input: amount must be positive");
        let e = KobanError::Internal { reason: "lost the runtime".into() };
        assert_eq!(e.to_string(), "internal error: lost the runtime");
    }

    #[test]
    fn unexpected_callback_errors_become_platform_errors() {
        let e: KobanError = uniffi::UnexpectedUniFFICallbackError::new("KeyStoreException: locked").into();
        assert_eq!(e.to_string(), "platform service failed: KeyStoreException: locked");
    }

    /// The variant name, snake_cased, from the `Debug` text (`CrcMismatch("…")`).
    fn variant_kind(e: &DetectionError) -> String {
        let debug = format!("{e:?}");
        let name = debug.split('(').next().unwrap();
        let mut kind = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                kind.push('_');
            }
            kind.push(c.to_ascii_lowercase());
        }
        kind
    }

    #[test]
    fn each_variant_is_named_after_the_core_kind_and_keeps_the_message() {
        let crc_body = "00020101021129370016A0000006770101110113006681222333353037645802TH6304";
        for payload in ["", "000201010211265999あ", "0102115802TH", "upi://pay?pn=NoPayee", &format!("{crc_body}0000"), "upi://pay?pa=a@b&am=1,5"] {
            let core = koban_core::scheme::detect(payload).unwrap_err();
            let ours = DetectionError::from(core.clone());
            assert_eq!(variant_kind(&ours), core.kind(), "{payload}");
            assert_eq!(ours.to_string(), core.to_string(), "{payload}");
        }
    }

    #[test]
    fn every_kind_has_its_variant() {
        for kind in DetectionError::KINDS {
            let e = DetectionError::of_kind(kind, "m".into()).unwrap();
            assert_eq!(variant_kind(&e), kind);
            assert_eq!(e.to_string(), "m");
        }
        assert!(DetectionError::of_kind("nope", String::new()).is_none());
    }

    #[test]
    fn payee_text_is_left_out_of_malformed_messages() {
        let core = koban_core::scheme::detect("upi://pay?pa=alice.sharma&pn=Alice").unwrap_err();
        assert!(core.to_string().contains("alice.sharma"), "the core message quotes the payee: {core}");
        let ours = DetectionError::from(core);
        assert_eq!(ours.to_string(), "malformed upi payload: payee address \"…\" is not a VPA (name@handle)");
    }

    #[test]
    fn redaction_steps_over_escaped_quotes() {
        assert_eq!(redact_quoted(r#"a "x\"y" b "z""#), "a \"…\" b \"…\"");
        assert_eq!(redact_quoted("no quotes"), "no quotes");
    }
}
