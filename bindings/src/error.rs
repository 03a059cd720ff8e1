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
        blank_quoted(&mut chars, &mut out);
    }
    out
}

/// After an opening `"`: writes `…"` for the quoted value and moves `chars` past its closing quote.
fn blank_quoted(chars: &mut impl Iterator<Item = char>, out: &mut String) {
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

/// Why a wallet call failed; one variant per case an app handles differently.
///
/// Flat like [`KobanError`]: the payload is the message to show (the Rust `Display`). The
/// host's refusals each have their own variant, named after the host's stable error kind
/// (`InsufficientFunds` is `insufficient_funds`), so apps branch on the type;
/// [`WalletError::kind`] spells it in snake_case for logs.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum WalletError {
    /// `insufficient_funds`: not enough money in the wallet or the linked bank account.
    #[error("{0}")]
    InsufficientFunds(String),
    /// `limit_exceeded`: a per-transfer or monthly limit would be exceeded.
    #[error("{0}")]
    LimitExceeded(String),
    /// `kyc_required`: the wallet must verify its holder's identity first.
    #[error("{0}")]
    KycRequired(String),
    /// `quote_expired`: the FX quote expired; quote again.
    #[error("{0}")]
    QuoteExpired(String),
    /// `quote_used`: the FX quote was already used.
    #[error("{0}")]
    QuoteUsed(String),
    /// `quote_mismatch`: the FX quote does not fit the request.
    #[error("{0}")]
    QuoteMismatch(String),
    /// `quote_required`: a cross-border payment needs a quote.
    #[error("{0}")]
    QuoteRequired(String),
    /// `amount_mismatch`: the amount differs from the code's, or is missing.
    #[error("{0}")]
    AmountMismatch(String),
    /// `route_mismatch`: the chosen route is not one the code supports.
    #[error("{0}")]
    RouteMismatch(String),
    /// `invalid_payload`: the host cannot pay this code.
    #[error("{0}")]
    InvalidPayload(String),
    /// `unknown_merchant`: the code belongs to no merchant the host knows.
    #[error("{0}")]
    UnknownMerchant(String),
    /// `code_already_paid`: this dynamic code was already paid.
    #[error("{0}")]
    CodeAlreadyPaid(String),
    /// `currency_mismatch`: the currencies do not line up.
    #[error("{0}")]
    CurrencyMismatch(String),
    /// `unsupported_corridor`: no corridor or FX rate for this pair.
    #[error("{0}")]
    UnsupportedCorridor(String),
    /// `unknown_recipient`: nobody has that handle or receive code.
    #[error("{0}")]
    UnknownRecipient(String),
    /// `handle_taken`: someone else has this handle; pick another.
    #[error("{0}")]
    HandleTaken(String),
    /// `already_enrolled`: this device already has a wallet.
    #[error("{0}")]
    AlreadyEnrolled(String),
    /// `bad_request`: the host found the request malformed.
    #[error("{0}")]
    BadRequest(String),
    /// `not_found`: the thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// `forbidden`: the thing asked for belongs to another wallet.
    #[error("{0}")]
    Forbidden(String),
    /// `unauthorized`: the host did not accept this device's signature (unknown device, clock, replay).
    #[error("{0}")]
    Unauthorized(String),
    /// `charge_expired`: the till charge was not answered in time; nothing was paid.
    #[error("{0}")]
    ChargeExpired(String),
    /// `charge_not_pending`: the till charge was already approved, declined or refused.
    #[error("{0}")]
    ChargeNotPending(String),
    /// `device_revoked`: this device was revoked at the host (a lost phone); enrol again.
    #[error("{0}")]
    DeviceRevoked(String),
    /// `code_revoked`: the host revoked this consumer code's keys (too many wrong cryptograms); show a fresh code.
    #[error("{0}")]
    CodeRevoked(String),
    /// `refused`: a refusal this version does not know; the message names the host's kind.
    #[error("{0}")]
    Refused(String),
    /// `outcome_unknown`: the request may or may not have been applied; it is resolved before anything else is sent.
    #[error("{0}")]
    OutcomeUnknown(String),
    /// `unavailable`: the host could not be reached; nothing moved.
    #[error("{0}")]
    Unavailable(String),
    /// `not_enrolled`: enrol this device first.
    #[error("{0}")]
    NotEnrolled(String),
    /// `invalid_input`: the app passed something unusable; the message says what.
    #[error("{0}")]
    InvalidInput(String),
    /// `missing_reference`: the code asks the payer for a reference that was not given.
    #[error("{0}")]
    MissingReference(String),
    /// `not_payable`: the scanned code is not one this wallet can pay.
    #[error("{0}")]
    NotPayable(String),
    /// `unreadable_code`: the scanned code could not be read.
    #[error("{0}")]
    UnreadableCode(String),
    /// `no_codes_left`: every consumer-code key is used; go online and replenish.
    #[error("{0}")]
    NoCodesLeft(String),
    /// `key_store`: the app's key store failed, or holds a different key than the one that wrapped this wallet's.
    #[error("{0}")]
    KeyStore(String),
    /// `storage`: the local database failed.
    #[error("{0}")]
    Storage(String),
    /// `internal`: a bug in Koban or an answer it cannot read, reported instead of crashing.
    #[error("{0}")]
    Internal(String),
}

impl WalletError {
    /// The stable snake_case kind of this error (the host's kind for refusals).
    pub fn kind(&self) -> &'static str {
        use WalletError as E;
        match self {
            E::InsufficientFunds(_) => "insufficient_funds",
            E::LimitExceeded(_) => "limit_exceeded",
            E::KycRequired(_) => "kyc_required",
            E::QuoteExpired(_) => "quote_expired",
            E::QuoteUsed(_) => "quote_used",
            E::QuoteMismatch(_) => "quote_mismatch",
            E::QuoteRequired(_) => "quote_required",
            E::AmountMismatch(_) => "amount_mismatch",
            E::RouteMismatch(_) => "route_mismatch",
            E::InvalidPayload(_) => "invalid_payload",
            E::UnknownMerchant(_) => "unknown_merchant",
            E::CodeAlreadyPaid(_) => "code_already_paid",
            E::CurrencyMismatch(_) => "currency_mismatch",
            E::UnsupportedCorridor(_) => "unsupported_corridor",
            E::UnknownRecipient(_) => "unknown_recipient",
            E::HandleTaken(_) => "handle_taken",
            E::AlreadyEnrolled(_) => "already_enrolled",
            E::BadRequest(_) => "bad_request",
            E::NotFound(_) => "not_found",
            E::Forbidden(_) => "forbidden",
            E::Unauthorized(_) => "unauthorized",
            E::ChargeExpired(_) => "charge_expired",
            E::ChargeNotPending(_) => "charge_not_pending",
            E::DeviceRevoked(_) => "device_revoked",
            E::CodeRevoked(_) => "code_revoked",
            E::Refused(_) => "refused",
            E::OutcomeUnknown(_) => "outcome_unknown",
            E::Unavailable(_) => "unavailable",
            E::NotEnrolled(_) => "not_enrolled",
            E::InvalidInput(_) => "invalid_input",
            E::MissingReference(_) => "missing_reference",
            E::NotPayable(_) => "not_payable",
            E::UnreadableCode(_) => "unreadable_code",
            E::NoCodesLeft(_) => "no_codes_left",
            E::KeyStore(_) => "key_store",
            E::Storage(_) => "storage",
            E::Internal(_) => "internal",
        }
    }
}

impl WalletError {
    /// Every kind, in variant order, as [`WalletError::kind`] spells it.
    #[cfg(any(test, feature = "test-hooks"))]
    pub(crate) const KINDS: [&'static str; 37] = [
        "insufficient_funds",
        "limit_exceeded",
        "kyc_required",
        "quote_expired",
        "quote_used",
        "quote_mismatch",
        "quote_required",
        "amount_mismatch",
        "route_mismatch",
        "invalid_payload",
        "unknown_merchant",
        "code_already_paid",
        "currency_mismatch",
        "unsupported_corridor",
        "unknown_recipient",
        "handle_taken",
        "already_enrolled",
        "bad_request",
        "not_found",
        "forbidden",
        "unauthorized",
        "charge_expired",
        "charge_not_pending",
        "device_revoked",
        "code_revoked",
        "refused",
        "outcome_unknown",
        "unavailable",
        "not_enrolled",
        "invalid_input",
        "missing_reference",
        "not_payable",
        "unreadable_code",
        "no_codes_left",
        "key_store",
        "storage",
        "internal",
    ];

    /// The variant for `kind` (one of [`WalletError::KINDS`]) carrying `message`.
    #[cfg(any(test, feature = "test-hooks"))]
    pub(crate) fn of_kind(kind: &str, message: String) -> Option<WalletError> {
        use WalletError as E;
        let make: fn(String) -> WalletError = match kind {
            "insufficient_funds" => E::InsufficientFunds,
            "limit_exceeded" => E::LimitExceeded,
            "kyc_required" => E::KycRequired,
            "quote_expired" => E::QuoteExpired,
            "quote_used" => E::QuoteUsed,
            "quote_mismatch" => E::QuoteMismatch,
            "quote_required" => E::QuoteRequired,
            "amount_mismatch" => E::AmountMismatch,
            "route_mismatch" => E::RouteMismatch,
            "invalid_payload" => E::InvalidPayload,
            "unknown_merchant" => E::UnknownMerchant,
            "code_already_paid" => E::CodeAlreadyPaid,
            "currency_mismatch" => E::CurrencyMismatch,
            "unsupported_corridor" => E::UnsupportedCorridor,
            "unknown_recipient" => E::UnknownRecipient,
            "handle_taken" => E::HandleTaken,
            "already_enrolled" => E::AlreadyEnrolled,
            "bad_request" => E::BadRequest,
            "not_found" => E::NotFound,
            "forbidden" => E::Forbidden,
            "unauthorized" => E::Unauthorized,
            "charge_expired" => E::ChargeExpired,
            "charge_not_pending" => E::ChargeNotPending,
            "device_revoked" => E::DeviceRevoked,
            "code_revoked" => E::CodeRevoked,
            "refused" => E::Refused,
            "outcome_unknown" => E::OutcomeUnknown,
            "unavailable" => E::Unavailable,
            "not_enrolled" => E::NotEnrolled,
            "invalid_input" => E::InvalidInput,
            "missing_reference" => E::MissingReference,
            "not_payable" => E::NotPayable,
            "unreadable_code" => E::UnreadableCode,
            "no_codes_left" => E::NoCodesLeft,
            "key_store" => E::KeyStore,
            "storage" => E::Storage,
            "internal" => E::Internal,
            _ => return None,
        };
        Some(make(message))
    }
}

impl From<koban_core::wallet::WalletError> for WalletError {
    fn from(e: koban_core::wallet::WalletError) -> Self {
        use koban_core::store::StoreError;
        use koban_core::wallet::{Refusal as R, WalletError as C};
        use WalletError as E;
        match e {
            C::Refused { refusal, message } => {
                // The host's words can quote what was sent (a handle, a payee, an account):
                // quoted values and handles are blanked before an app can show them.
                let m = strip_personal(&message);
                match refusal {
                    R::InsufficientFunds => E::InsufficientFunds(m),
                    R::LimitExceeded => E::LimitExceeded(m),
                    R::KycRequired => E::KycRequired(m),
                    R::QuoteExpired => E::QuoteExpired(m),
                    R::QuoteUsed => E::QuoteUsed(m),
                    R::QuoteMismatch => E::QuoteMismatch(m),
                    R::QuoteRequired => E::QuoteRequired(m),
                    R::AmountMismatch => E::AmountMismatch(m),
                    R::RouteMismatch => E::RouteMismatch(m),
                    R::InvalidPayload => E::InvalidPayload(m),
                    R::UnknownMerchant => E::UnknownMerchant(m),
                    R::CodeAlreadyPaid => E::CodeAlreadyPaid(m),
                    R::CurrencyMismatch => E::CurrencyMismatch(m),
                    R::UnsupportedCorridor => E::UnsupportedCorridor(m),
                    R::UnknownRecipient => E::UnknownRecipient(m),
                    R::HandleTaken => E::HandleTaken(m),
                    R::AlreadyEnrolled => E::AlreadyEnrolled(m),
                    R::BadRequest => E::BadRequest(m),
                    R::NotFound => E::NotFound(m),
                    R::Forbidden => E::Forbidden(m),
                    R::Unauthorized => E::Unauthorized(m),
                    // Kinds the core keeps as `Other` that an app answers differently.
                    R::Other(kind) => match kind.as_str() {
                        "charge_expired" => E::ChargeExpired(m),
                        "charge_not_pending" => E::ChargeNotPending(m),
                        "device_revoked" => E::DeviceRevoked(m),
                        "code_revoked" => E::CodeRevoked(m),
                        _ => E::Refused(format!("refused by the host ({kind}): {m}")),
                    },
                }
            }
            // The intent's idempotency key means nothing to a user; the reason is transport text.
            C::OutcomeUnknown { reason, .. } => E::OutcomeUnknown(format!(
                "the outcome is not known yet ({reason}); it will be settled before anything else is sent"
            )),
            e @ C::Unavailable(_) => E::Unavailable(e.to_string()),
            e @ C::NotEnrolled => E::NotEnrolled(e.to_string()),
            e @ C::AlreadyEnrolled => E::AlreadyEnrolled(e.to_string()),
            e @ C::InvalidInput(_) => E::InvalidInput(e.to_string()),
            e @ C::MissingReference(_) => E::MissingReference(e.to_string()),
            e @ C::NotPayable(_) => E::NotPayable(e.to_string()),
            // Detection messages may quote payload text (a payee address).
            e @ C::Detect(_) => E::UnreadableCode(strip_personal(&e.to_string())),
            e @ C::NoCodesLeft => E::NoCodesLeft(e.to_string()),
            e @ C::Store(StoreError::KeyStore(_) | StoreError::BadSecret(_)) => E::KeyStore(e.to_string()),
            e @ C::Store(_) => E::Storage(e.to_string()),
            // Crypto, consumer-code and protocol failures, and test crash points (only with the
            // core's `failpoints` feature, hence no exhaustive match): nothing an app can fix.
            e => E::Internal(e.to_string()),
        }
    }
}

/// Blanks what a message may quote about a person: `"…"`-quoted values and `@handles`.
fn strip_personal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        match c {
            '"' => blank_quoted(&mut chars, &mut out),
            '@' if chars.peek().is_some_and(|n| n.is_alphanumeric() || *n == '_') => {
                out.push('…');
                while chars.peek().is_some_and(|n| n.is_alphanumeric() || matches!(n, '_' | '.' | '-')) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    out
}

/// An error a platform service (key store, logger, HTTP transport, listener) reports to Koban.
///
/// Not flat, unlike [`KobanError`], because Kotlin and Swift implementations throw it back
/// into Rust (`throw PlatformException.Failed("keystore locked")`).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum PlatformError {
    /// The service failed; `reason` is for logs and error messages.
    #[error("{reason}")]
    Failed { reason: String },
    /// (Key store) the wrapped key does not unwrap with this key store's key.
    #[error("wrapped key does not unwrap")]
    BadWrappedKey,
    /// (HTTP) no answer in time.
    #[error("timed out")]
    Timeout,
    /// (HTTP) the connection failed or was dropped.
    #[error("connection: {reason}")]
    Connection { reason: String },
}

/// A Kotlin/Swift implementation threw something other than a [`PlatformError`].
impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PlatformError::Failed { reason: e.reason }
    }
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
        for payload in [
            "",
            "000201010211265999あ",
            "0102115802TH",
            "upi://pay?pn=NoPayee",
            &format!("{crc_body}0000"),
            "upi://pay?pa=a@b&am=1,5",
        ] {
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

    #[test]
    fn refusals_keep_their_kind_and_a_readable_message() {
        use koban_core::wallet::{Refusal, WalletError as C};
        let e: WalletError =
            C::Refused { refusal: Refusal::InsufficientFunds, message: "insufficient funds in wallet".into() }.into();
        assert!(matches!(e, WalletError::InsufficientFunds(_)));
        assert_eq!((e.kind(), e.to_string().as_str()), ("insufficient_funds", "insufficient funds in wallet"));
        let e: WalletError = C::Refused {
            refusal: Refusal::Other("reference_required".into()),
            message: "the code asks the payer for bill_number".into(),
        }
        .into();
        assert_eq!(
            (e.kind(), e.to_string().as_str()),
            ("refused", "refused by the host (reference_required): the code asks the payer for bill_number")
        );
        let e: WalletError = C::NotEnrolled.into();
        assert_eq!((e.kind(), e.to_string().as_str()), ("not_enrolled", "this device is not enrolled yet"));
        for kind in ["charge_expired", "charge_not_pending", "device_revoked", "code_revoked"] {
            let e: WalletError = C::Refused { refusal: Refusal::Other(kind.into()), message: "m".into() }.into();
            assert_eq!((e.kind(), e.to_string().as_str()), (kind, "m"));
        }
    }

    #[test]
    fn personal_data_is_left_out_of_wallet_messages() {
        use koban_core::wallet::{Refusal, WalletError as C};
        let e: WalletError =
            C::Refused { refusal: Refusal::BadRequest, message: r#"account "1234567" of @maria.s is closed"#.into() }
                .into();
        assert_eq!(e.to_string(), "account \"…\" of @… is closed");
        let e: WalletError =
            C::OutcomeUnknown { intent: "i-secretkey".into(), reason: "host answered 503".into() }.into();
        assert!(!e.to_string().contains("i-secretkey"), "{e}");
        assert_eq!(e.kind(), "outcome_unknown");
        let detect = koban_core::scheme::detect("upi://pay?pa=alice.sharma&pn=Alice").unwrap_err();
        let e: WalletError = C::Detect(detect).into();
        assert!(matches!(e, WalletError::UnreadableCode(_)));
        assert!(!e.to_string().contains("alice.sharma"), "{e}");
        assert_eq!(strip_personal("mail me@ no"), "mail me@ no");
    }

    #[test]
    fn every_wallet_kind_has_its_variant() {
        for kind in WalletError::KINDS {
            let e = WalletError::of_kind(kind, "m".into()).unwrap();
            assert_eq!((e.kind(), e.to_string().as_str()), (kind, "m"));
        }
        assert!(WalletError::of_kind("nope", String::new()).is_none());
    }

    #[test]
    fn key_store_failures_are_their_own_kind() {
        use koban_core::store::{KeyStoreError, StoreError};
        let e: WalletError =
            koban_core::wallet::WalletError::Store(StoreError::KeyStore(KeyStoreError::BadWrappedKey)).into();
        assert_eq!((e.kind(), e.to_string().as_str()), ("key_store", "wrapped key does not unwrap"));
        let e: PlatformError = uniffi::UnexpectedUniFFICallbackError::new("SecurityException").into();
        assert_eq!(e.to_string(), "SecurityException");
    }
}
