//! Why a payload was refused.

use super::Detection;
use crate::emv::TlvError;

crate::error_kinds! {
    /// Why detection refused a payload, as `koban detect --json` and the apps spell it.
    pub enum DetectErrorKind {
        /// Nothing to detect.
        Empty = "empty",
        /// The EMV TLV structure is broken.
        MalformedTlv = "malformed_tlv",
        /// An EMV payload without tag 00 first.
        MissingPayloadFormatIndicator = "missing_payload_format_indicator",
        /// A recognised family whose text is malformed.
        Malformed = "malformed",
        /// The checksum does not match (damaged or edited).
        CrcMismatch = "crc_mismatch",
        /// The format requires a checksum and there is none.
        MissingCrc = "missing_crc",
        /// Tag 63 is misplaced or not four characters.
        CrcNotLast = "crc_not_last",
        /// A data object has length 00.
        EmptyValue = "empty_value",
        /// A template identifier is longer than 32 characters.
        GuidTooLong = "guid_too_long",
        /// A root tag appears twice.
        DuplicateTag = "duplicate_tag",
        /// Tag 01 is neither 11 nor 12.
        InvalidPointOfInitiation = "invalid_point_of_initiation",
        /// A payload format indicator Koban does not know.
        UnsupportedFormatIndicator = "unsupported_format_indicator",
        /// The amount cannot be read exactly.
        InvalidAmount = "invalid_amount",
        /// The currency contradicts the scheme (JPQR: JPY only).
        CurrencyMismatch = "currency_mismatch",
        /// The code has expired.
        Expired = "expired",
        /// A dynamic code that must say when it expires does not.
        MissingExpiration = "missing_expiration",
        /// A timestamp is not in the scheme's form.
        InvalidTimestamp = "invalid_timestamp",
        /// A required field is absent.
        MissingField = "missing_field",
        /// A Lightning invoice's bech32 checksum is wrong.
        BadChecksum = "bad_checksum",
        /// A Lightning invoice mixes upper and lower case.
        MixedCase = "mixed_case",
    }
}

/// A reason to refuse a code that was otherwise readable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The checksum does not match: damaged or edited.
    #[error("CRC mismatch: the code carries {found}, its contents compute to {computed}")]
    CrcMismatch {
        /// CRC in the code.
        found: String,
        /// CRC computed.
        computed: String,
    },
    /// The format requires a checksum and there is none.
    #[error("the code has no CRC (tag 63)")]
    MissingCrc,
    /// Tag 63 is not the last object or is not four characters.
    #[error("the CRC (tag 63) must be the last object and four characters long")]
    CrcNotLast,
    /// A data object has length 00.
    #[error("tag {tag} is empty")]
    EmptyValue {
        /// The tag path, e.g. "80" or "62/05".
        tag: String,
    },
    /// A template identifier is longer than EMVCo's 32 characters.
    #[error("the identifier of template {tag} is {len} characters long (at most 32)")]
    GuidTooLong {
        /// The template tag.
        tag: String,
        /// Its length.
        len: usize,
    },
    /// A root tag appears twice.
    #[error("tag {tag} appears more than once")]
    DuplicateTag {
        /// The tag.
        tag: String,
    },
    /// Tag 01 is neither "11" nor "12".
    #[error("point of initiation {0:?} is neither 11 (static) nor 12 (dynamic)")]
    InvalidPointOfInitiation(String),
    /// The payload format indicator is not one Koban knows.
    #[error("payload format indicator {0:?} is not supported")]
    UnsupportedFormatIndicator(String),
    /// The amount cannot be read exactly.
    #[error("amount {value:?} is invalid: {reason}")]
    InvalidAmount {
        /// The text.
        value: String,
        /// Why.
        reason: String,
    },
    /// The currency contradicts the scheme's rules (JPQR: JPY only).
    #[error("{scheme} codes must be in {expected}, this one is in {found}")]
    CurrencyMismatch {
        /// Which rule.
        scheme: &'static str,
        /// Required currency.
        expected: &'static str,
        /// Currency found.
        found: String,
    },
    /// The code has expired.
    #[error("the code expired at {expired_at_ms} (Unix ms)")]
    Expired {
        /// Expiry in Unix milliseconds.
        expired_at_ms: i64,
    },
    /// A dynamic code that must say when it expires does not.
    #[error("the dynamic {scheme} code has no expiration")]
    MissingExpiration {
        /// Which scheme.
        scheme: &'static str,
    },
    /// A timestamp field is not in the form the scheme defines.
    #[error("timestamp {value:?} in {field} must be {expected}")]
    InvalidTimestamp {
        /// Which field.
        field: &'static str,
        /// Its text.
        value: String,
        /// The expected form.
        expected: &'static str,
    },
    /// A required field is absent.
    #[error("{0} is missing")]
    MissingField(&'static str),
    /// A Lightning invoice's bech32 checksum is wrong.
    #[error("bech32 checksum is invalid")]
    BadChecksum,
    /// A Lightning invoice mixes upper and lower case.
    #[error("invoice mixes upper and lower case")]
    MixedCase,
}

impl Rejection {
    /// Stable snake_case kind for JSON and the foreign bindings.
    pub fn kind(&self) -> &'static str {
        self.error_kind().as_str()
    }

    /// The kind, typed.
    pub fn error_kind(&self) -> DetectErrorKind {
        use DetectErrorKind as K;
        match self {
            Rejection::CrcMismatch { .. } => K::CrcMismatch,
            Rejection::MissingCrc => K::MissingCrc,
            Rejection::CrcNotLast => K::CrcNotLast,
            Rejection::EmptyValue { .. } => K::EmptyValue,
            Rejection::GuidTooLong { .. } => K::GuidTooLong,
            Rejection::DuplicateTag { .. } => K::DuplicateTag,
            Rejection::InvalidPointOfInitiation(_) => K::InvalidPointOfInitiation,
            Rejection::UnsupportedFormatIndicator(_) => K::UnsupportedFormatIndicator,
            Rejection::InvalidAmount { .. } => K::InvalidAmount,
            Rejection::CurrencyMismatch { .. } => K::CurrencyMismatch,
            Rejection::Expired { .. } => K::Expired,
            Rejection::MissingExpiration { .. } => K::MissingExpiration,
            Rejection::InvalidTimestamp { .. } => K::InvalidTimestamp,
            Rejection::MissingField(_) => K::MissingField,
            Rejection::BadChecksum => K::BadChecksum,
            Rejection::MixedCase => K::MixedCase,
        }
    }
}

/// Why detection failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DetectError {
    /// Nothing to detect.
    #[error("the payload is empty")]
    Empty,
    /// The EMV TLV structure is broken (with tag and character offset).
    #[error("malformed EMV payload: {0}")]
    MalformedTlv(TlvError),
    /// An EMV payload does not start with the payload format indicator.
    #[error("the payload does not start with the payload format indicator (tag 00)")]
    MissingPayloadFormatIndicator,
    /// A recognised family whose text is malformed (a URI without payee, broken base64…).
    #[error("malformed {format} payload: {reason}")]
    Malformed {
        /// The family.
        format: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// Readable, but refused; the partial result is kept so a tool can show what was read.
    #[error("{}", .reasons[0])]
    Rejected {
        /// Every reason, the first being the main one.
        reasons: Vec<Rejection>,
        /// What was read.
        detection: Box<Detection>,
    },
}

impl DetectError {
    /// Stable snake_case kind for JSON and the foreign bindings.
    pub fn kind(&self) -> &'static str {
        self.error_kind().as_str()
    }

    /// The kind, typed.
    pub fn error_kind(&self) -> DetectErrorKind {
        match self {
            DetectError::Empty => DetectErrorKind::Empty,
            DetectError::MalformedTlv(_) => DetectErrorKind::MalformedTlv,
            DetectError::MissingPayloadFormatIndicator => DetectErrorKind::MissingPayloadFormatIndicator,
            DetectError::Malformed { .. } => DetectErrorKind::Malformed,
            DetectError::Rejected { reasons, .. } => reasons[0].error_kind(),
        }
    }

    /// What was read before the payload was refused, if anything.
    pub fn partial(&self) -> Option<&Detection> {
        match self {
            DetectError::Rejected { detection, .. } => Some(detection),
            _ => None,
        }
    }
}
