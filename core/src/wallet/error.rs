//! Wallet errors: what the host refused, what is unknown, and what the app must fix.

use crate::crypto::CryptoError;
use crate::net::NetError;
use crate::scheme::DetectError;
use crate::store::{KeyStoreError, StoreError};

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
    /// A kind this build does not know.
    Other(String),
}

impl Refusal {
    /// Maps the host's `kind` string.
    pub fn from_kind(kind: &str) -> Refusal {
        match kind {
            "insufficient_funds" => Refusal::InsufficientFunds,
            "limit_exceeded" => Refusal::LimitExceeded,
            "kyc_required" => Refusal::KycRequired,
            "quote_expired" => Refusal::QuoteExpired,
            "quote_used" => Refusal::QuoteUsed,
            "quote_mismatch" => Refusal::QuoteMismatch,
            "quote_required" => Refusal::QuoteRequired,
            "amount_mismatch" => Refusal::AmountMismatch,
            "route_mismatch" => Refusal::RouteMismatch,
            "invalid_payload" => Refusal::InvalidPayload,
            "unknown_merchant" => Refusal::UnknownMerchant,
            "code_already_paid" => Refusal::CodeAlreadyPaid,
            "currency_mismatch" => Refusal::CurrencyMismatch,
            "unsupported_corridor" => Refusal::UnsupportedCorridor,
            "unknown_recipient" => Refusal::UnknownRecipient,
            "handle_taken" => Refusal::HandleTaken,
            "already_enrolled" => Refusal::AlreadyEnrolled,
            "bad_request" => Refusal::BadRequest,
            "not_found" => Refusal::NotFound,
            "forbidden" => Refusal::Forbidden,
            "bad_signature" | "stale_signature" | "replayed_nonce" | "unknown_device" => Refusal::Unauthorized,
            other => Refusal::Other(other.to_owned()),
        }
    }

    /// Refusals given before the host looked at the idempotency key: they say nothing about
    /// whether an earlier send of the same request was applied.
    pub(crate) fn is_pre_idempotency(&self) -> bool {
        matches!(self, Refusal::Unauthorized) || self == &Refusal::Other("idempotency_key_reused".into())
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
    /// the host before anything else is sent.
    #[error("the outcome of {intent} is not known yet ({reason}); it will be resolved before anything else is sent")]
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
