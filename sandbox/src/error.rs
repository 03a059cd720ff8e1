//! Typed API errors and their JSON bodies with a stable `kind`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use koban_core::net::api::{ErrorBody, ErrorDetail};
use koban_core::net::ErrorKind;
use serde::Serialize;

/// Everything the host can refuse, each with a stable machine-readable kind.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request body or parameters are malformed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The signature headers are missing or the signature does not verify.
    #[error("request signature invalid: {0}")]
    BadSignature(String),
    /// The signed timestamp is too far from the host's clock.
    #[error("request signature is stale: {0}")]
    StaleSignature(String),
    /// This nonce was already used by this device.
    #[error("nonce already used: the request is a replay")]
    ReplayedNonce,
    /// The device id is not enrolled.
    #[error("device is not enrolled")]
    UnknownDevice,
    /// A device with this key is already enrolled.
    #[error("device is already enrolled")]
    AlreadyEnrolled,
    /// The device was revoked (a lost phone); its requests and codes are refused.
    #[error("this device was revoked")]
    DeviceRevoked,
    /// The terminal id is not enrolled, or was revoked.
    #[error("terminal is not enrolled")]
    UnknownTerminal,
    /// A terminal enrolment token is unknown, used, expired or for another merchant.
    #[error("terminal enrolment token invalid: {0}")]
    BadEnrolmentToken(&'static str),
    /// The request touches another wallet's data.
    #[error("this resource belongs to another wallet")]
    Forbidden,
    /// No such resource.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A mutating request came without an Idempotency-Key.
    #[error("the Idempotency-Key header is required on mutating requests")]
    IdempotencyKeyMissing,
    /// An Idempotency-Key was reused with a different request.
    #[error("Idempotency-Key was already used for a different request")]
    IdempotencyKeyReused,
    /// Not enough money in the source account.
    #[error("insufficient funds in {0}")]
    InsufficientFunds(&'static str),
    /// A KYC limit would be exceeded.
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
    /// The wallet's KYC tier does not allow this operation.
    #[error("identity verification required: {0}")]
    KycRequired(String),
    /// The handle is taken.
    #[error("handle is already taken")]
    HandleTaken,
    /// The FX quote has expired.
    #[error("quote has expired")]
    QuoteExpired,
    /// The FX quote was already executed.
    #[error("quote was already used")]
    QuoteUsed,
    /// The FX quote does not fit this request.
    #[error("quote does not match the request: {0}")]
    QuoteMismatch(String),
    /// A cross-border operation needs a quote.
    #[error("a quote is required for a cross-border payment")]
    QuoteRequired,
    /// The amount differs from the code's amount, or is missing.
    #[error("amount mismatch: {0}")]
    AmountMismatch(String),
    /// The code asks the payer for a reference the request does not carry.
    #[error("the code asks the payer for {0}")]
    ReferenceRequired(String),
    /// The client's route is not one the payload supports.
    #[error("route mismatch: {0}")]
    RouteMismatch(String),
    /// The payload is not a payment code the host can read.
    #[error("payload not accepted: {0}")]
    InvalidPayload(String),
    /// The payload does not belong to any merchant known to the host.
    #[error("unknown merchant")]
    UnknownMerchant,
    /// A dynamic code was already paid.
    #[error("this dynamic code was already paid")]
    CodeAlreadyPaid,
    /// Currencies do not line up.
    #[error("currency mismatch: {0}")]
    CurrencyMismatch(String),
    /// No remittance corridor or FX rate for this pair.
    #[error("unsupported corridor: {0}")]
    UnsupportedCorridor(String),
    /// The recipient cannot be found.
    #[error("unknown recipient")]
    UnknownRecipient,
    /// A consumer-presented code is past its lifetime.
    #[error("consumer code has expired")]
    CodeExpired,
    /// A consumer-presented code's counter was already charged.
    #[error("consumer code was already used")]
    CodeUsed,
    /// A consumer-presented code's cryptogram does not verify.
    #[error("consumer code cryptogram does not verify")]
    BadCryptogram,
    /// The token or counter was never provisioned.
    #[error("unknown consumer code token or counter")]
    UnknownToken,
    /// The code's key was revoked (too many wrong cryptograms, a revoked device) or retired.
    #[error("consumer code revoked: {0}")]
    CodeRevoked(&'static str),
    /// A charge waiting for the shopper's approval lapsed.
    #[error("the shopper did not approve the charge in time")]
    ChargeExpired,
    /// The charge is not waiting for approval (already decided).
    #[error("the charge is not waiting for approval: it is {0}")]
    ChargeNotPending(String),
    /// The money request is no longer waiting for an answer (paid, declined or lapsed).
    #[error("this money request {0}")]
    RequestNotPending(String),
    /// A refund would take back more than the original payment, in total.
    #[error("refund exceeds the payment: {0}")]
    RefundExceedsPayment(String),
    /// The original moved no money to refund.
    #[error("not refundable: {0}")]
    NotRefundable(String),
    /// Admin endpoints are disabled unless the host was started with them.
    #[error("admin endpoints are disabled; start the sandbox with --admin")]
    AdminDisabled,
    /// A fault injected on purpose by the fault switch.
    #[error("injected fault")]
    InjectedFault,
    /// A bug or storage failure.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// Every kind, for the OpenAPI document's `Error.kind` enum (a unit test holds it equal
    /// to the kinds of all variants).
    pub fn kinds() -> Vec<&'static str> {
        ErrorKind::ALL.iter().map(|k| k.as_str()).collect()
    }

    /// The stable kind carried in the JSON body (spelled by [`ErrorKind`], its one table).
    pub fn kind(&self) -> ErrorKind {
        use ApiError::*;
        use ErrorKind as K;
        match self {
            BadRequest(_) => K::BadRequest,
            BadSignature(_) => K::BadSignature,
            StaleSignature(_) => K::StaleSignature,
            ReplayedNonce => K::ReplayedNonce,
            UnknownDevice => K::UnknownDevice,
            AlreadyEnrolled => K::AlreadyEnrolled,
            DeviceRevoked => K::DeviceRevoked,
            UnknownTerminal => K::UnknownTerminal,
            BadEnrolmentToken(_) => K::BadEnrolmentToken,
            Forbidden => K::Forbidden,
            NotFound(_) => K::NotFound,
            IdempotencyKeyMissing => K::IdempotencyKeyMissing,
            IdempotencyKeyReused => K::IdempotencyKeyReused,
            InsufficientFunds(_) => K::InsufficientFunds,
            LimitExceeded(_) => K::LimitExceeded,
            KycRequired(_) => K::KycRequired,
            HandleTaken => K::HandleTaken,
            QuoteExpired => K::QuoteExpired,
            QuoteUsed => K::QuoteUsed,
            QuoteMismatch(_) => K::QuoteMismatch,
            QuoteRequired => K::QuoteRequired,
            AmountMismatch(_) => K::AmountMismatch,
            RouteMismatch(_) => K::RouteMismatch,
            ReferenceRequired(_) => K::ReferenceRequired,
            InvalidPayload(_) => K::InvalidPayload,
            UnknownMerchant => K::UnknownMerchant,
            CodeAlreadyPaid => K::CodeAlreadyPaid,
            CurrencyMismatch(_) => K::CurrencyMismatch,
            UnsupportedCorridor(_) => K::UnsupportedCorridor,
            UnknownRecipient => K::UnknownRecipient,
            CodeExpired => K::CodeExpired,
            CodeUsed => K::CodeUsed,
            BadCryptogram => K::BadCryptogram,
            UnknownToken => K::UnknownToken,
            CodeRevoked(_) => K::CodeRevoked,
            ChargeExpired => K::ChargeExpired,
            ChargeNotPending(_) => K::ChargeNotPending,
            RequestNotPending(_) => K::RequestNotPending,
            RefundExceedsPayment(_) => K::RefundExceedsPayment,
            NotRefundable(_) => K::NotRefundable,
            AdminDisabled => K::AdminDisabled,
            InjectedFault => K::InjectedFault,
            Internal(_) => K::Internal,
        }
    }

    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        use ApiError::*;
        match self {
            BadRequest(_) | InvalidPayload(_) => StatusCode::BAD_REQUEST,
            BadSignature(_) | StaleSignature(_) | ReplayedNonce | UnknownDevice | DeviceRevoked | UnknownTerminal => {
                StatusCode::UNAUTHORIZED
            }
            Forbidden | KycRequired(_) | AdminDisabled | BadEnrolmentToken(_) => StatusCode::FORBIDDEN,
            NotFound(_) | UnknownRecipient | UnknownMerchant | UnknownToken => StatusCode::NOT_FOUND,
            AlreadyEnrolled | HandleTaken | IdempotencyKeyReused | QuoteUsed | CodeAlreadyPaid | CodeUsed
            | ChargeNotPending(_) | RequestNotPending(_) | NotRefundable(_) => StatusCode::CONFLICT,
            IdempotencyKeyMissing => StatusCode::BAD_REQUEST,
            InsufficientFunds(_) => StatusCode::PAYMENT_REQUIRED,
            QuoteExpired | CodeExpired | CodeRevoked(_) | ChargeExpired => StatusCode::GONE,
            LimitExceeded(_)
            | QuoteMismatch(_)
            | QuoteRequired
            | AmountMismatch(_)
            | RouteMismatch(_)
            | ReferenceRequired(_)
            | CurrencyMismatch(_)
            | UnsupportedCorridor(_)
            | BadCryptogram
            | RefundExceedsPayment(_) => StatusCode::UNPROCESSABLE_ENTITY,
            InjectedFault => StatusCode::SERVICE_UNAVAILABLE,
            Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Whether the outcome is final and may be stored under an idempotency key; internal
    /// errors are not, so a retry gets another chance.
    pub fn is_final(&self) -> bool {
        !matches!(self, ApiError::Internal(_) | ApiError::InjectedFault)
    }

    /// This refusal as a mutation's committed outcome: the closure's writes are kept (see
    /// [`crate::idem::run`]).
    pub fn committed<B>(&self) -> (StatusCode, OrRefusal<B>) {
        (self.status(), OrRefusal::Refusal(self.body()))
    }

    /// The JSON error body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody { error: ErrorDetail { kind: self.kind().as_str().to_owned(), message: self.to_string() } }
    }
}

/// The answer of a mutation that may refuse yet keep what it wrote (a consumer code burned
/// by a verified but declined charge): its body, or the refusal committed with the writes.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum OrRefusal<B> {
    /// The success body.
    Body(B),
    /// A final refusal, stored and answered like any other.
    Refusal(ErrorBody),
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::Internal(format!("storage: {e}"))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::BadRequest(format!("invalid JSON: {e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status(), axum::Json(self.body())).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One value of every variant; the match below stops compiling when a variant is added
    /// without being listed here.
    fn every_variant() -> Vec<ApiError> {
        use ApiError::*;
        let all = vec![
            BadRequest(String::new()),
            BadSignature(String::new()),
            StaleSignature(String::new()),
            ReplayedNonce,
            UnknownDevice,
            AlreadyEnrolled,
            DeviceRevoked,
            UnknownTerminal,
            BadEnrolmentToken(""),
            Forbidden,
            NotFound("x"),
            IdempotencyKeyMissing,
            IdempotencyKeyReused,
            InsufficientFunds("wallet"),
            LimitExceeded(String::new()),
            KycRequired(String::new()),
            HandleTaken,
            QuoteExpired,
            QuoteUsed,
            QuoteMismatch(String::new()),
            QuoteRequired,
            AmountMismatch(String::new()),
            RouteMismatch(String::new()),
            ReferenceRequired(String::new()),
            InvalidPayload(String::new()),
            UnknownMerchant,
            CodeAlreadyPaid,
            CurrencyMismatch(String::new()),
            UnsupportedCorridor(String::new()),
            UnknownRecipient,
            CodeExpired,
            CodeUsed,
            BadCryptogram,
            UnknownToken,
            CodeRevoked(""),
            ChargeExpired,
            ChargeNotPending(String::new()),
            RequestNotPending(String::new()),
            RefundExceedsPayment(String::new()),
            NotRefundable(String::new()),
            AdminDisabled,
            InjectedFault,
            Internal(String::new()),
        ];
        for e in &all {
            match e {
                BadRequest(_)
                | BadSignature(_)
                | StaleSignature(_)
                | ReplayedNonce
                | UnknownDevice
                | AlreadyEnrolled
                | DeviceRevoked
                | UnknownTerminal
                | BadEnrolmentToken(_)
                | Forbidden
                | NotFound(_)
                | IdempotencyKeyMissing
                | IdempotencyKeyReused
                | InsufficientFunds(_)
                | LimitExceeded(_)
                | KycRequired(_)
                | HandleTaken
                | QuoteExpired
                | QuoteUsed
                | QuoteMismatch(_)
                | QuoteRequired
                | AmountMismatch(_)
                | RouteMismatch(_)
                | ReferenceRequired(_)
                | InvalidPayload(_)
                | UnknownMerchant
                | CodeAlreadyPaid
                | CurrencyMismatch(_)
                | UnsupportedCorridor(_)
                | UnknownRecipient
                | CodeExpired
                | CodeUsed
                | BadCryptogram
                | UnknownToken
                | CodeRevoked(_)
                | ChargeExpired
                | ChargeNotPending(_)
                | RequestNotPending(_)
                | RefundExceedsPayment(_)
                | NotRefundable(_)
                | AdminDisabled
                | InjectedFault
                | Internal(_) => {}
            }
        }
        all
    }

    #[test]
    fn kinds_are_unique_and_documented_in_the_openapi_document() {
        let doc = serde_json::to_value(crate::api::openapi()).unwrap();
        let documented: Vec<&str> = doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["kind"]
            ["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        let mut kinds: Vec<&str> = every_variant().iter().map(|e| e.kind().as_str()).collect();
        let n = kinds.len();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), n, "two variants share a kind");
        let mut documented_sorted = documented.clone();
        documented_sorted.sort_unstable();
        assert_eq!(kinds, documented_sorted);
    }

    #[test]
    fn bodies_carry_kind_and_message_and_refusals_are_final() {
        let e = ApiError::InsufficientFunds("bank account");
        assert_eq!(e.status(), StatusCode::PAYMENT_REQUIRED);
        assert_eq!(
            serde_json::to_value(e.body()).unwrap(),
            serde_json::json!({ "error": { "kind": "insufficient_funds", "message": "insufficient funds in bank account" } })
        );
        assert!(e.is_final());
        assert!(!ApiError::Internal("disk".into()).is_final());
        assert!(!ApiError::InjectedFault.is_final());
    }
}
