//! The public error sets, and the one place internal errors are converted into them.
//!
//! Apps see a handful of variants with a readable message (Rust `Display`), never the
//! core's internal error chain: the conversions here decide what a user may read, so
//! they are also where payloads, tokens and account data must be left out.

use koban_core::{
    cpm::CpmError, crypto::CryptoError, money, scheme::DetectError, scheme::DetectErrorKind, scheme::Rejection,
};

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
    /// Every variant's constructor, in variant order.
    #[cfg(any(test, feature = "test-hooks"))]
    const VARIANTS: [fn(String) -> DetectionError; 20] = [
        DetectionError::Empty,
        DetectionError::MalformedTlv,
        DetectionError::MissingPayloadFormatIndicator,
        DetectionError::Malformed,
        DetectionError::CrcMismatch,
        DetectionError::MissingCrc,
        DetectionError::CrcNotLast,
        DetectionError::EmptyValue,
        DetectionError::GuidTooLong,
        DetectionError::DuplicateTag,
        DetectionError::InvalidPointOfInitiation,
        DetectionError::UnsupportedFormatIndicator,
        DetectionError::InvalidAmount,
        DetectionError::CurrencyMismatch,
        DetectionError::Expired,
        DetectionError::MissingExpiration,
        DetectionError::InvalidTimestamp,
        DetectionError::MissingField,
        DetectionError::BadChecksum,
        DetectionError::MixedCase,
    ];

    /// The core's kind of this variant (each variant is the kind in UpperCamelCase).
    pub fn kind(&self) -> DetectErrorKind {
        use DetectErrorKind as K;
        use DetectionError as E;
        match self {
            E::Empty(_) => K::Empty,
            E::MalformedTlv(_) => K::MalformedTlv,
            E::MissingPayloadFormatIndicator(_) => K::MissingPayloadFormatIndicator,
            E::Malformed(_) => K::Malformed,
            E::CrcMismatch(_) => K::CrcMismatch,
            E::MissingCrc(_) => K::MissingCrc,
            E::CrcNotLast(_) => K::CrcNotLast,
            E::EmptyValue(_) => K::EmptyValue,
            E::GuidTooLong(_) => K::GuidTooLong,
            E::DuplicateTag(_) => K::DuplicateTag,
            E::InvalidPointOfInitiation(_) => K::InvalidPointOfInitiation,
            E::UnsupportedFormatIndicator(_) => K::UnsupportedFormatIndicator,
            E::InvalidAmount(_) => K::InvalidAmount,
            E::CurrencyMismatch(_) => K::CurrencyMismatch,
            E::Expired(_) => K::Expired,
            E::MissingExpiration(_) => K::MissingExpiration,
            E::InvalidTimestamp(_) => K::InvalidTimestamp,
            E::MissingField(_) => K::MissingField,
            E::BadChecksum(_) => K::BadChecksum,
            E::MixedCase(_) => K::MixedCase,
        }
    }

    /// Every kind, in variant order, as the core spells it.
    #[cfg(any(test, feature = "test-hooks"))]
    pub(crate) fn kinds() -> Vec<&'static str> {
        Self::VARIANTS.iter().map(|make| make(String::new()).kind().as_str()).collect()
    }

    /// The variant for `kind` (one of [`DetectionError::kinds`]) carrying `message`.
    #[cfg(any(test, feature = "test-hooks"))]
    pub(crate) fn of_kind(kind: &str, message: String) -> Option<DetectionError> {
        let wanted = DetectErrorKind::parse(kind)?;
        Self::VARIANTS.iter().map(|make| make(message.clone())).find(|e| e.kind() == wanted)
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
    /// `request_not_pending`: the money request was already paid or declined, or has lapsed.
    #[error("{0}")]
    RequestNotPending(String),
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
    /// The stable snake_case kind of this error: the host's kind for the refusals an app
    /// answers differently, the wallet's own otherwise (both spelled by the core's tables).
    pub fn kind(&self) -> &'static str {
        use koban_core::net::ErrorKind as H;
        use koban_core::wallet::WalletErrorKind as W;
        use WalletError as E;
        match self {
            E::InsufficientFunds(_) => H::InsufficientFunds.as_str(),
            E::LimitExceeded(_) => H::LimitExceeded.as_str(),
            E::KycRequired(_) => H::KycRequired.as_str(),
            E::QuoteExpired(_) => H::QuoteExpired.as_str(),
            E::QuoteUsed(_) => H::QuoteUsed.as_str(),
            E::QuoteMismatch(_) => H::QuoteMismatch.as_str(),
            E::QuoteRequired(_) => H::QuoteRequired.as_str(),
            E::AmountMismatch(_) => H::AmountMismatch.as_str(),
            E::RouteMismatch(_) => H::RouteMismatch.as_str(),
            E::InvalidPayload(_) => H::InvalidPayload.as_str(),
            E::UnknownMerchant(_) => H::UnknownMerchant.as_str(),
            E::CodeAlreadyPaid(_) => H::CodeAlreadyPaid.as_str(),
            E::CurrencyMismatch(_) => H::CurrencyMismatch.as_str(),
            E::UnsupportedCorridor(_) => H::UnsupportedCorridor.as_str(),
            E::UnknownRecipient(_) => H::UnknownRecipient.as_str(),
            E::HandleTaken(_) => H::HandleTaken.as_str(),
            E::AlreadyEnrolled(_) => H::AlreadyEnrolled.as_str(),
            E::BadRequest(_) => H::BadRequest.as_str(),
            E::NotFound(_) => H::NotFound.as_str(),
            E::Forbidden(_) => H::Forbidden.as_str(),
            E::Unauthorized(_) => W::Unauthorized.as_str(),
            E::ChargeExpired(_) => H::ChargeExpired.as_str(),
            E::ChargeNotPending(_) => H::ChargeNotPending.as_str(),
            E::RequestNotPending(_) => H::RequestNotPending.as_str(),
            E::DeviceRevoked(_) => H::DeviceRevoked.as_str(),
            E::CodeRevoked(_) => H::CodeRevoked.as_str(),
            E::Refused(_) => W::Refused.as_str(),
            E::OutcomeUnknown(_) => W::OutcomeUnknown.as_str(),
            E::Unavailable(_) => W::Unavailable.as_str(),
            E::NotEnrolled(_) => W::NotEnrolled.as_str(),
            E::InvalidInput(_) => W::InvalidInput.as_str(),
            E::MissingReference(_) => W::MissingReference.as_str(),
            E::NotPayable(_) => W::NotPayable.as_str(),
            E::UnreadableCode(_) => W::UnreadableCode.as_str(),
            E::NoCodesLeft(_) => W::NoCodesLeft.as_str(),
            E::KeyStore(_) => W::KeyStore.as_str(),
            E::Storage(_) => W::Storage.as_str(),
            E::Internal(_) => H::Internal.as_str(),
        }
    }

    /// Every variant's constructor, in variant order.
    #[cfg(any(test, feature = "test-hooks"))]
    const VARIANTS: [fn(String) -> WalletError; 38] = [
        WalletError::InsufficientFunds,
        WalletError::LimitExceeded,
        WalletError::KycRequired,
        WalletError::QuoteExpired,
        WalletError::QuoteUsed,
        WalletError::QuoteMismatch,
        WalletError::QuoteRequired,
        WalletError::AmountMismatch,
        WalletError::RouteMismatch,
        WalletError::InvalidPayload,
        WalletError::UnknownMerchant,
        WalletError::CodeAlreadyPaid,
        WalletError::CurrencyMismatch,
        WalletError::UnsupportedCorridor,
        WalletError::UnknownRecipient,
        WalletError::HandleTaken,
        WalletError::AlreadyEnrolled,
        WalletError::BadRequest,
        WalletError::NotFound,
        WalletError::Forbidden,
        WalletError::Unauthorized,
        WalletError::ChargeExpired,
        WalletError::ChargeNotPending,
        WalletError::RequestNotPending,
        WalletError::DeviceRevoked,
        WalletError::CodeRevoked,
        WalletError::Refused,
        WalletError::OutcomeUnknown,
        WalletError::Unavailable,
        WalletError::NotEnrolled,
        WalletError::InvalidInput,
        WalletError::MissingReference,
        WalletError::NotPayable,
        WalletError::UnreadableCode,
        WalletError::NoCodesLeft,
        WalletError::KeyStore,
        WalletError::Storage,
        WalletError::Internal,
    ];

    /// Every kind, in variant order, as [`WalletError::kind`] spells it.
    #[cfg(any(test, feature = "test-hooks"))]
    pub(crate) fn kinds() -> Vec<&'static str> {
        Self::VARIANTS.iter().map(|make| make(String::new()).kind()).collect()
    }

    /// The variant for `kind` (one of [`WalletError::kinds`]) carrying `message`.
    #[cfg(any(test, feature = "test-hooks"))]
    pub(crate) fn of_kind(kind: &str, message: String) -> Option<WalletError> {
        Self::VARIANTS.iter().map(|make| make(message.clone())).find(|e| e.kind() == kind)
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
                    R::ChargeExpired => E::ChargeExpired(m),
                    R::ChargeNotPending => E::ChargeNotPending(m),
                    R::RequestNotPending => E::RequestNotPending(m),
                    R::DeviceRevoked => E::DeviceRevoked(m),
                    R::CodeRevoked => E::CodeRevoked(m),
                    R::Other(kind) => E::Refused(format!("refused by the host ({kind}): {m}")),
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
            // The platform's signing key failed or is gone: the app's key store is the cause.
            e @ C::Crypto(koban_core::crypto::CryptoError::Platform(_)) => E::KeyStore(e.to_string()),
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

/// Why a terminal (till) call failed; one variant per case a till handles differently.
///
/// Flat like [`WalletError`]: the payload is the message to show (the Rust `Display`). The
/// host's refusals a till answers differently each have their own variant named after the
/// host's stable kind (`RefundExceedsPayment` is `refund_exceeds_payment`);
/// [`TerminalError::kind`] spells it in snake_case for logs.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum TerminalError {
    /// `invalid_payload`: the host cannot read the code as a shopper's payment code; scan again.
    #[error("{0}")]
    InvalidPayload(String),
    /// `code_expired`: the shopper's code is past its lifetime; ask for a fresh one.
    #[error("{0}")]
    CodeExpired(String),
    /// `code_used`: the shopper's code was already charged; ask for a fresh one.
    #[error("{0}")]
    CodeUsed(String),
    /// `bad_cryptogram`: the Koban code's cryptogram does not verify (edited or forged).
    #[error("{0}")]
    BadCryptogram(String),
    /// `unknown_token`: the Koban code's token or counter was never provisioned.
    #[error("{0}")]
    UnknownToken(String),
    /// `code_revoked`: the Koban code's keys were revoked at the host.
    #[error("{0}")]
    CodeRevoked(String),
    /// `insufficient_funds`: the shopper cannot pay this much; nothing was taken.
    #[error("{0}")]
    InsufficientFunds(String),
    /// `limit_exceeded`: a limit of the shopper's wallet would be exceeded; nothing was taken.
    #[error("{0}")]
    LimitExceeded(String),
    /// `charge_expired`: the shopper's network did not confirm in time; nothing was taken.
    #[error("{0}")]
    ChargeExpired(String),
    /// `currency_mismatch`: the amount is not in the merchant's currency.
    #[error("{0}")]
    CurrencyMismatch(String),
    /// `refund_exceeds_payment`: the refunds would give back more than was paid.
    #[error("{0}")]
    RefundExceedsPayment(String),
    /// `not_refundable`: the payment moved no money that could be given back (not captured).
    #[error("{0}")]
    NotRefundable(String),
    /// `idempotency_key_reused`: this refund key was used for a different refund.
    #[error("{0}")]
    IdempotencyKeyReused(String),
    /// `already_enrolled`: this terminal's key is enrolled already.
    #[error("{0}")]
    AlreadyEnrolled(String),
    /// `bad_enrolment_token`: the token is unknown, used, expired or for another merchant.
    #[error("{0}")]
    BadEnrolmentToken(String),
    /// `unknown_terminal`: this terminal is not enrolled at the host, or was revoked; enrol again.
    #[error("{0}")]
    UnknownTerminal(String),
    /// `unauthorized`: the host did not accept this terminal's signature (clock, replay).
    #[error("{0}")]
    Unauthorized(String),
    /// `unknown_merchant`: the host knows no such merchant.
    #[error("{0}")]
    UnknownMerchant(String),
    /// `not_found`: no such charge or transaction for this merchant.
    #[error("{0}")]
    NotFound(String),
    /// `forbidden`: the thing asked for belongs to another merchant.
    #[error("{0}")]
    Forbidden(String),
    /// `bad_request`: the host found the request malformed.
    #[error("{0}")]
    BadRequest(String),
    /// `refused`: a refusal this version does not know; the message names the host's kind.
    #[error("{0}")]
    Refused(String),
    /// `outcome_unknown`: no definite answer; the same request sent again gets the host's
    /// outcome, never a second charge or refund.
    #[error("{0}")]
    OutcomeUnknown(String),
    /// `not_enrolled`: enrol this terminal first.
    #[error("{0}")]
    NotEnrolled(String),
    /// `invalid_input`: the app passed something unusable; the message says what.
    #[error("{0}")]
    InvalidInput(String),
    /// `key_store`: the app's key store failed, or holds a different key than the one that
    /// wrapped this terminal's.
    #[error("{0}")]
    KeyStore(String),
    /// `storage`: the terminal's database failed.
    #[error("{0}")]
    Storage(String),
    /// `internal`: a bug in Koban or an answer it cannot read, reported instead of crashing.
    #[error("{0}")]
    Internal(String),
}

impl TerminalError {
    /// The stable snake_case kind of this error: the host's kind for its refusals, the
    /// wallet's spelling of the library's own kinds otherwise (both from the core's tables).
    pub fn kind(&self) -> &'static str {
        use koban_core::net::ErrorKind as H;
        use koban_core::wallet::WalletErrorKind as W;
        use TerminalError as E;
        match self {
            E::InvalidPayload(_) => H::InvalidPayload.as_str(),
            E::CodeExpired(_) => H::CodeExpired.as_str(),
            E::CodeUsed(_) => H::CodeUsed.as_str(),
            E::BadCryptogram(_) => H::BadCryptogram.as_str(),
            E::UnknownToken(_) => H::UnknownToken.as_str(),
            E::CodeRevoked(_) => H::CodeRevoked.as_str(),
            E::InsufficientFunds(_) => H::InsufficientFunds.as_str(),
            E::LimitExceeded(_) => H::LimitExceeded.as_str(),
            E::ChargeExpired(_) => H::ChargeExpired.as_str(),
            E::CurrencyMismatch(_) => H::CurrencyMismatch.as_str(),
            E::RefundExceedsPayment(_) => H::RefundExceedsPayment.as_str(),
            E::NotRefundable(_) => H::NotRefundable.as_str(),
            E::IdempotencyKeyReused(_) => H::IdempotencyKeyReused.as_str(),
            E::AlreadyEnrolled(_) => H::AlreadyEnrolled.as_str(),
            E::BadEnrolmentToken(_) => H::BadEnrolmentToken.as_str(),
            E::UnknownTerminal(_) => H::UnknownTerminal.as_str(),
            E::Unauthorized(_) => W::Unauthorized.as_str(),
            E::UnknownMerchant(_) => H::UnknownMerchant.as_str(),
            E::NotFound(_) => H::NotFound.as_str(),
            E::Forbidden(_) => H::Forbidden.as_str(),
            E::BadRequest(_) => H::BadRequest.as_str(),
            E::Refused(_) => W::Refused.as_str(),
            E::OutcomeUnknown(_) => W::OutcomeUnknown.as_str(),
            E::NotEnrolled(_) => W::NotEnrolled.as_str(),
            E::InvalidInput(_) => W::InvalidInput.as_str(),
            E::KeyStore(_) => W::KeyStore.as_str(),
            E::Storage(_) => W::Storage.as_str(),
            E::Internal(_) => H::Internal.as_str(),
        }
    }

    /// Every variant's constructor, in variant order.
    #[cfg(any(test, feature = "test-hooks"))]
    const VARIANTS: [fn(String) -> TerminalError; 28] = [
        TerminalError::InvalidPayload,
        TerminalError::CodeExpired,
        TerminalError::CodeUsed,
        TerminalError::BadCryptogram,
        TerminalError::UnknownToken,
        TerminalError::CodeRevoked,
        TerminalError::InsufficientFunds,
        TerminalError::LimitExceeded,
        TerminalError::ChargeExpired,
        TerminalError::CurrencyMismatch,
        TerminalError::RefundExceedsPayment,
        TerminalError::NotRefundable,
        TerminalError::IdempotencyKeyReused,
        TerminalError::AlreadyEnrolled,
        TerminalError::BadEnrolmentToken,
        TerminalError::UnknownTerminal,
        TerminalError::Unauthorized,
        TerminalError::UnknownMerchant,
        TerminalError::NotFound,
        TerminalError::Forbidden,
        TerminalError::BadRequest,
        TerminalError::Refused,
        TerminalError::OutcomeUnknown,
        TerminalError::NotEnrolled,
        TerminalError::InvalidInput,
        TerminalError::KeyStore,
        TerminalError::Storage,
        TerminalError::Internal,
    ];

    /// Every kind, in variant order, as [`TerminalError::kind`] spells it.
    #[cfg(any(test, feature = "test-hooks"))]
    pub(crate) fn kinds() -> Vec<&'static str> {
        Self::VARIANTS.iter().map(|make| make(String::new()).kind()).collect()
    }

    /// The variant for `kind` (one of [`TerminalError::kinds`]) carrying `message`.
    #[cfg(any(test, feature = "test-hooks"))]
    pub(crate) fn of_kind(kind: &str, message: String) -> Option<TerminalError> {
        Self::VARIANTS.iter().map(|make| make(message.clone())).find(|e| e.kind() == kind)
    }

    /// The variant for a refusal of the host's `kind`; `Refused` (naming the kind) for the
    /// kinds a till does not answer differently.
    fn refused(kind: &str, message: &str) -> TerminalError {
        use koban_core::net::ErrorKind as K;
        use TerminalError as E;
        // The host's words can quote what was sent: quoted values and handles are blanked.
        let m = strip_personal(message);
        let Some(known) = K::parse(kind) else {
            return E::Refused(format!("refused by the host ({kind}): {m}"));
        };
        match known {
            K::InvalidPayload => E::InvalidPayload(m),
            K::CodeExpired => E::CodeExpired(m),
            K::CodeUsed => E::CodeUsed(m),
            K::BadCryptogram => E::BadCryptogram(m),
            K::UnknownToken => E::UnknownToken(m),
            K::CodeRevoked => E::CodeRevoked(m),
            K::InsufficientFunds => E::InsufficientFunds(m),
            K::LimitExceeded => E::LimitExceeded(m),
            K::ChargeExpired => E::ChargeExpired(m),
            K::CurrencyMismatch => E::CurrencyMismatch(m),
            K::RefundExceedsPayment => E::RefundExceedsPayment(m),
            K::NotRefundable => E::NotRefundable(m),
            K::IdempotencyKeyReused => E::IdempotencyKeyReused(m),
            K::AlreadyEnrolled => E::AlreadyEnrolled(m),
            K::BadEnrolmentToken => E::BadEnrolmentToken(m),
            K::UnknownTerminal => E::UnknownTerminal(m),
            K::BadSignature | K::StaleSignature | K::ReplayedNonce | K::UnknownDevice => E::Unauthorized(m),
            K::UnknownMerchant => E::UnknownMerchant(m),
            K::NotFound => E::NotFound(m),
            K::Forbidden => E::Forbidden(m),
            K::BadRequest => E::BadRequest(m),
            other => E::Refused(format!("refused by the host ({other}): {m}")),
        }
    }
}

impl From<koban_core::terminal::TerminalError> for TerminalError {
    fn from(e: koban_core::terminal::TerminalError) -> Self {
        use koban_core::terminal::TerminalError as C;
        match e {
            C::Refused { kind, message } => TerminalError::refused(&kind, &message),
            C::Unknown(reason) => TerminalError::OutcomeUnknown(format!(
                "no answer from the host ({reason}); the same request sent again gets its outcome, never a second one"
            )),
            e @ C::InvalidInput(_) => TerminalError::InvalidInput(e.to_string()),
            e @ C::Protocol(_) => TerminalError::Internal(e.to_string()),
        }
    }
}

impl From<koban_core::store::StoreError> for TerminalError {
    fn from(e: koban_core::store::StoreError) -> Self {
        use koban_core::store::StoreError as S;
        match e {
            e @ (S::KeyStore(_) | S::BadSecret(_)) => TerminalError::KeyStore(e.to_string()),
            e => TerminalError::Storage(e.to_string()),
        }
    }
}

impl From<CryptoError> for TerminalError {
    fn from(e: CryptoError) -> Self {
        TerminalError::Internal(e.to_string())
    }
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
        for kind in DetectionError::kinds() {
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
            let e: WalletError = C::Refused { refusal: Refusal::from_kind(kind), message: "m".into() }.into();
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
        for kind in WalletError::kinds() {
            let e = WalletError::of_kind(kind, "m".into()).unwrap();
            assert_eq!((e.kind(), e.to_string().as_str()), (kind, "m"));
        }
        assert!(WalletError::of_kind("nope", String::new()).is_none());
    }

    #[test]
    fn every_terminal_kind_has_its_variant() {
        let kinds = TerminalError::kinds();
        assert_eq!(kinds.len(), kinds.iter().collect::<std::collections::HashSet<_>>().len(), "no kind twice");
        for kind in kinds {
            let e = TerminalError::of_kind(kind, "m".into()).unwrap();
            assert_eq!((e.kind(), e.to_string().as_str()), (kind, "m"));
        }
        assert!(TerminalError::of_kind("nope", String::new()).is_none());
    }

    #[test]
    fn terminal_refusals_keep_the_hosts_kind_and_words() {
        use koban_core::terminal::TerminalError as C;
        let refused = |kind: &str, message: &str| -> TerminalError {
            C::Refused { kind: kind.into(), message: message.into() }.into()
        };
        let e = refused("refund_exceeds_payment", "a refund of ¥701 exceeds the ¥700 left");
        assert!(matches!(e, TerminalError::RefundExceedsPayment(_)), "{e:?}");
        assert_eq!(e.to_string(), "a refund of ¥701 exceeds the ¥700 left");
        // Every refusal with a variant of its own is named by the host's spelling.
        for kind in TerminalError::kinds() {
            if koban_core::net::ErrorKind::parse(kind).is_some() && kind != "internal" {
                assert_eq!(refused(kind, "m").kind(), kind);
            }
        }
        assert_eq!(refused("stale_signature", "m").kind(), "unauthorized");
        let e = refused("admin_disabled", r#"no admin for "aiko" or @aiko.t"#);
        assert_eq!(
            (e.kind(), e.to_string().as_str()),
            ("refused", "refused by the host (admin_disabled): no admin for \"…\" or @…")
        );
        let e = refused("brand_new_kind", "m");
        assert_eq!((e.kind(), e.to_string().as_str()), ("refused", "refused by the host (brand_new_kind): m"));
        let e: TerminalError = C::Unknown("host answered 503".into()).into();
        assert_eq!(e.kind(), "outcome_unknown");
        assert!(e.to_string().starts_with("no answer from the host (host answered 503)"), "{e}");
        let e: TerminalError = C::InvalidInput("no code".into()).into();
        assert_eq!((e.kind(), e.to_string().as_str()), ("invalid_input", "invalid input: no code"));
        let e: TerminalError = C::Protocol("charge with an unreadable status".into()).into();
        assert_eq!(e.kind(), "internal");
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
