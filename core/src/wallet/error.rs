//! Wallet errors: what the host refused, what is unknown, and what the app must fix.

use crate::crypto::CryptoError;
use crate::net::{ErrorKind, NetError};
use crate::scheme::DetectError;
use crate::store::{KeyStoreError, StoreError};

crate::error_kinds! {
    /// The wallet's own failure kinds, beside the host's refusals ([`ErrorKind`]): what an app
    /// tells apart about a call that failed without a refusal it answers specially.
    pub enum WalletErrorKind {
        /// A refusal the app does not answer differently; the message names the host's kind.
        Refused = "refused",
        /// The host did not accept this device's signature.
        Unauthorized = "unauthorized",
        /// The request may or may not have been applied; it is resolved before anything else.
        OutcomeUnknown = "outcome_unknown",
        /// The host could not be reached; nothing moved.
        Unavailable = "unavailable",
        /// No wallet is enrolled on this device yet.
        NotEnrolled = "not_enrolled",
        /// The app passed something unusable.
        InvalidInput = "invalid_input",
        /// The code asks the payer for a reference that was not given.
        MissingReference = "missing_reference",
        /// The scanned code cannot be paid.
        NotPayable = "not_payable",
        /// The scanned code could not be read.
        UnreadableCode = "unreadable_code",
        /// Every single-use key is used; go online to get more.
        NoCodesLeft = "no_codes_left",
        /// The platform key store failed or holds another key.
        KeyStore = "key_store",
        /// Local storage failed.
        Storage = "storage",
    }
}

/// What the host refused, by its stable error kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not enough money in the wallet or the linked bank account.
    InsufficientFunds,
    /// A KYC limit (per transfer or monthly) would be exceeded.
    LimitExceeded,
    /// The wallet's tier does not allow this (e.g. unverified wallets remitting).
    KycRequired,
    /// The FX quote expired before it was used.
    QuoteExpired,
    /// The FX quote was already used.
    QuoteUsed,
    /// The FX quote does not fit the request.
    QuoteMismatch,
    /// A cross-border payment needs a quote.
    QuoteRequired,
    /// The amount differs from the code's amount, or is missing.
    AmountMismatch,
    /// The route is not one the code supports.
    RouteMismatch,
    /// The code is not one the host can pay.
    InvalidPayload,
    /// The code belongs to no merchant the host knows.
    UnknownMerchant,
    /// This dynamic code was already paid.
    CodeAlreadyPaid,
    /// Currencies do not line up.
    CurrencyMismatch,
    /// No corridor or FX rate for this pair.
    UnsupportedCorridor,
    /// The recipient does not exist.
    UnknownRecipient,
    /// The handle is taken.
    HandleTaken,
    /// This device is already enrolled at the host.
    AlreadyEnrolled,
    /// The host found the request malformed.
    BadRequest,
    /// The resource does not exist.
    NotFound,
    /// The resource belongs to another wallet.
    Forbidden,
    /// The host did not accept the device's signature: unknown device, bad signature, or a
    /// stale time or replayed nonce that still stood after the re-signed resends.
    Unauthorized,
    /// The till charge was not answered within the host's window; nothing was paid.
    ChargeExpired,
    /// The till charge was already approved, declined or refused.
    ChargeNotPending,
    /// The money request was already paid or declined, or has lapsed.
    RequestNotPending,
    /// This device was revoked at the host (a lost phone).
    DeviceRevoked,
    /// The host revoked this consumer code's keys.
    CodeRevoked,
    /// A kind the wallet does not answer differently (its host spelling).
    Other(String),
}

impl Refusal {
    /// Maps the host's `kind` (spelled by [`ErrorKind`]).
    pub fn from_kind(kind: &str) -> Refusal {
        use ErrorKind as K;
        let Some(known) = ErrorKind::parse(kind) else { return Refusal::Other(kind.to_owned()) };
        match known {
            K::InsufficientFunds => Refusal::InsufficientFunds,
            K::LimitExceeded => Refusal::LimitExceeded,
            K::KycRequired => Refusal::KycRequired,
            K::QuoteExpired => Refusal::QuoteExpired,
            K::QuoteUsed => Refusal::QuoteUsed,
            K::QuoteMismatch => Refusal::QuoteMismatch,
            K::QuoteRequired => Refusal::QuoteRequired,
            K::AmountMismatch => Refusal::AmountMismatch,
            K::RouteMismatch => Refusal::RouteMismatch,
            K::InvalidPayload => Refusal::InvalidPayload,
            K::UnknownMerchant => Refusal::UnknownMerchant,
            K::CodeAlreadyPaid => Refusal::CodeAlreadyPaid,
            K::CurrencyMismatch => Refusal::CurrencyMismatch,
            K::UnsupportedCorridor => Refusal::UnsupportedCorridor,
            K::UnknownRecipient => Refusal::UnknownRecipient,
            K::HandleTaken => Refusal::HandleTaken,
            K::AlreadyEnrolled => Refusal::AlreadyEnrolled,
            K::BadRequest => Refusal::BadRequest,
            K::NotFound => Refusal::NotFound,
            K::Forbidden => Refusal::Forbidden,
            K::BadSignature | K::StaleSignature | K::ReplayedNonce | K::UnknownDevice => Refusal::Unauthorized,
            K::ChargeExpired => Refusal::ChargeExpired,
            K::ChargeNotPending => Refusal::ChargeNotPending,
            K::RequestNotPending => Refusal::RequestNotPending,
            K::DeviceRevoked => Refusal::DeviceRevoked,
            K::CodeRevoked => Refusal::CodeRevoked,
            other => Refusal::Other(other.as_str().to_owned()),
        }
    }

    /// Refusals given before the host looked at the idempotency key: they say nothing about
    /// whether an earlier send of the same request was applied.
    pub(crate) fn is_pre_idempotency(&self) -> bool {
        matches!(self, Refusal::Unauthorized | Refusal::DeviceRevoked)
            || self == &Refusal::Other(ErrorKind::IdempotencyKeyReused.as_str().into())
    }
}

/// A crash point of the engine, armed only by tests.
#[cfg(any(test, feature = "failpoints"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailPoint {
    /// The intent is committed; nothing was sent.
    BeforeSend,
    /// The request was sent; its response is lost.
    AfterSend,
    /// The response arrived; the local commit did not happen.
    AfterResponse,
}

/// Why a wallet operation failed.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// The host refused; nothing was applied.
    #[error("{message}")]
    Refused {
        /// What was refused.
        refusal: Refusal,
        /// The host's own words.
        message: String,
    },
    /// The request may or may not have been applied; it stays pending and is resolved with
    /// the host before anything else is sent. The message leaves the intent's key out: it
    /// means nothing to a person (`Wallet::movement` names the payment).
    #[error("the outcome is not known yet ({reason}); it will be resolved before anything else is sent")]
    OutcomeUnknown {
        /// The pending intent's idempotency key.
        intent: String,
        /// What went wrong.
        reason: String,
    },
    /// A read from the host failed (no money moved).
    #[error("host unavailable: {0}")]
    Unavailable(String),
    /// No wallet is enrolled on this device yet.
    #[error("this device is not enrolled yet")]
    NotEnrolled,
    /// A wallet is already enrolled on this device.
    #[error("this device already has a wallet")]
    AlreadyEnrolled,
    /// The app passed something unusable.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The code asks the payer for a value (`***`) that was not given.
    #[error("the code asks the payer for {0}")]
    MissingReference(String),
    /// The scanned code cannot be paid.
    #[error("this code cannot be paid: {0}")]
    NotPayable(String),
    /// The code could not be read.
    #[error("unreadable code: {0}")]
    Detect(#[from] DetectError),
    /// Local storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Signing or key generation failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The host answered something this client cannot read.
    /// Every single-use key has been used; the app must go online to get more.
    #[error("no consumer codes left on this device; connect to get more")]
    NoCodesLeft,
    /// A consumer code could not be made.
    #[error("cannot make the consumer code: {0}")]
    Code(#[from] crate::cpm::CpmError),
    #[error("unexpected answer from the host: {0}")]
    Protocol(String),
    /// A test crash point fired.
    #[cfg(any(test, feature = "failpoints"))]
    #[error("crash injected at {0:?}")]
    Crashed(FailPoint),
}

impl From<KeyStoreError> for WalletError {
    fn from(e: KeyStoreError) -> Self {
        WalletError::Store(StoreError::KeyStore(e))
    }
}

impl WalletError {
    /// The refusal, if the host refused.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            WalletError::Refused { refusal, .. } => Some(refusal),
            _ => None,
        }
    }

    pub(crate) fn from_net_read(e: NetError) -> WalletError {
        match e {
            NetError::Refused { kind, message, .. } => {
                WalletError::Refused { refusal: Refusal::from_kind(&kind), message }
            }
            NetError::Unknown(m) => WalletError::Unavailable(m),
            NetError::Crypto(c) => WalletError::Crypto(c),
            NetError::Protocol(m) => WalletError::Protocol(m),
        }
    }
}
