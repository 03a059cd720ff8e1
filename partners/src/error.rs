//! Why the simulator refuses a request, network-neutral; each network's API renders these in its
//! own codes (see `api`), and the client maps them back.

use serde::{Deserialize, Serialize};

/// A request the simulator will not carry out. Payment outcomes (insufficient funds, a used
/// code…) are not refusals: they are failed payments with an id, see [`crate::PayFailure`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The body or a parameter is malformed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The signature headers are missing or do not verify.
    #[error("signature invalid: {0}")]
    BadSignature(String),
    /// The signed time is too far from the network's clock.
    #[error("signature is stale: {0}")]
    StaleSignature(String),
    /// This nonce was already used by this acquirer: a replay.
    #[error("nonce already used: the request is a replay")]
    ReplayedNonce,
    /// The client id is not an acquirer the network knows.
    #[error("unknown acquirer")]
    UnknownAcquirer,
    /// A request id came back with a different body.
    #[error("request id was already used for a different request")]
    RequestIdReused,
    /// No payment under that request id or payment id.
    #[error("payment not found")]
    PaymentNotFound,
    /// The network holds no rate for this currency.
    #[error("currency not supported: {0}")]
    CurrencyNotSupported(String),
    /// A cancel came after the cancel window: refund instead.
    #[error("the cancel window has passed; refund instead")]
    CancelWindowExceeded,
    /// A refund came after the refund window.
    #[error("the refund window has passed")]
    RefundWindowExceeded,
    /// The payment is not in a state that allows this.
    #[error("payment is {0}: {1}")]
    PaymentStateInvalid(&'static str, &'static str),
    /// Refunds would exceed what was paid.
    #[error("refunds would exceed the payment: {remaining} left to refund")]
    RefundExceedsPayment {
        /// Minor units still refundable.
        remaining: i64,
    },
    /// A refund is asked in another currency than the payment's.
    #[error("a refund is in the payment's currency ({0})")]
    RefundCurrencyMismatch(String),
    /// A ledger account would be overdrawn (the engine turns this into a failed payment).
    #[error("insufficient funds")]
    InsufficientFunds,
    /// No such user (wallet side).
    #[error("user not found")]
    UserNotFound,
    /// A merchant code this network does not know (another network's, or none at all).
    #[error("the merchant code is not known to this network")]
    MerchantCodeUnknown,
    /// No such merchant (the merchants' side).
    #[error("merchant not found")]
    MerchantNotFound,
    /// Admin endpoints are off unless the simulator was started with them.
    #[error("admin endpoints are disabled; start with --admin")]
    AdminDisabled,
    /// A fault injected on purpose.
    #[error("injected fault")]
    Injected,
    /// A bug or a storage failure.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The neutral class of a refusal, as the client reports it whatever the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalKind {
    /// Malformed request.
    BadRequest,
    /// Authentication failed (bad, stale or replayed signature, unknown acquirer).
    Unauthorized,
    /// The request id was used for another request.
    RequestIdReused,
    /// No such payment.
    NotFound,
    /// Currency not supported.
    CurrencyNotSupported,
    /// Cancel window passed.
    CancelWindowExceeded,
    /// Refund window passed.
    RefundWindowExceeded,
    /// The payment's state does not allow the operation.
    PaymentStateInvalid,
    /// Refunds would exceed the payment.
    RefundExceedsPayment,
    /// Refund currency differs from the payment's.
    RefundCurrencyMismatch,
    /// Anything else.
    Other,
}

impl Refusal {
    /// The neutral class.
    pub fn kind(&self) -> RefusalKind {
        use Refusal::*;
        match self {
            BadRequest(_) => RefusalKind::BadRequest,
            BadSignature(_) | StaleSignature(_) | ReplayedNonce | UnknownAcquirer => RefusalKind::Unauthorized,
            RequestIdReused => RefusalKind::RequestIdReused,
            PaymentNotFound | UserNotFound | MerchantCodeUnknown | MerchantNotFound => RefusalKind::NotFound,
            CurrencyNotSupported(_) => RefusalKind::CurrencyNotSupported,
            CancelWindowExceeded => RefusalKind::CancelWindowExceeded,
            RefundWindowExceeded => RefusalKind::RefundWindowExceeded,
            PaymentStateInvalid(..) => RefusalKind::PaymentStateInvalid,
            RefundExceedsPayment { .. } => RefusalKind::RefundExceedsPayment,
            RefundCurrencyMismatch(_) => RefusalKind::RefundCurrencyMismatch,
            InsufficientFunds | AdminDisabled | Injected | Internal(_) => RefusalKind::Other,
        }
    }

    /// Whether the outcome of the request is unknown to the caller (a fault or an internal
    /// error): it should retry with the same request id.
    pub fn is_unknown_outcome(&self) -> bool {
        matches!(self, Refusal::Injected | Refusal::Internal(_))
    }
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Self {
        Refusal::Internal(format!("storage: {e}"))
    }
}

impl From<serde_json::Error> for Refusal {
    fn from(e: serde_json::Error) -> Self {
        Refusal::BadRequest(format!("body: {e}"))
    }
}
