//! Alipay+ (acquirer side, User-presented Mode): `pay`, `inquiryPayment`, `cancelPayment`,
//! `refund`, with `paymentRequestId` as the idempotency key, amounts as strings of minor units
//! and every answer carrying `result {resultCode, resultStatus S/F/U, resultMessage}`.
//!
//! `customerPaymentAmount`, `customerRefundAmount` and `paymentQuote.quotePrice` (the user's
//! side of a cross-currency payment) are the simulator's names; the rest follows Alipay+.

use serde::{Deserialize, Serialize};

use super::Meaning;
use crate::error::RefusalKind::*;
use crate::model::{PayFailure, PaymentStatus};

/// `pay` (User-presented Mode).
pub const PATH_PAY: &str = "/aps/api/v1/payments/pay";
/// `inquiryPayment`.
pub const PATH_INQUIRY: &str = "/aps/api/v1/payments/inquiryPayment";
/// `cancelPayment`.
pub const PATH_CANCEL: &str = "/aps/api/v1/payments/cancelPayment";
/// `refund`.
pub const PATH_REFUND: &str = "/aps/api/v1/payments/refund";
/// The product of an in-store payment.
pub const PRODUCT_CODE: &str = "IN_STORE_PAYMENT";
/// The payment method type of a wallet code.
pub const PAYMENT_METHOD_TYPE: &str = "CONNECT_WALLET";
/// The in-store scenario of a code the user shows.
pub const SCENARIO_PAYMENT_CODE: &str = "PaymentCode";

/// Result codes and what they mean (`resultStatus` follows from the meaning).
pub const CODES: &[(&str, Meaning)] = &[
    ("SUCCESS", Meaning::Success),
    ("PAYMENT_IN_PROCESS", Meaning::Processing),
    ("USER_BALANCE_NOT_ENOUGH", Meaning::Failed(PayFailure::InsufficientFunds)),
    ("INVALID_CODE", Meaning::Failed(PayFailure::InvalidCode)),
    ("EXPIRED_CODE", Meaning::Failed(PayFailure::ExpiredCode)),
    ("USED_CODE", Meaning::Failed(PayFailure::UsedCode)),
    ("ORDER_IS_CLOSED", Meaning::Failed(PayFailure::UserTimeout)),
    ("ORDER_IS_CANCELLED", Meaning::Cancelled),
    ("PARAM_ILLEGAL", Meaning::Refused(BadRequest)),
    ("INVALID_SIGNATURE", Meaning::Refused(Unauthorized)),
    ("REPEAT_REQ_INCONSISTENT", Meaning::Refused(RequestIdReused)),
    ("ORDER_NOT_EXIST", Meaning::Refused(NotFound)),
    ("CURRENCY_NOT_SUPPORT", Meaning::Refused(CurrencyNotSupported)),
    ("CANCEL_WINDOW_EXCEED", Meaning::Refused(CancelWindowExceeded)),
    ("REFUND_WINDOW_EXCEED", Meaning::Refused(RefundWindowExceeded)),
    ("ORDER_STATUS_INVALID", Meaning::Refused(PaymentStateInvalid)),
    ("REFUND_AMOUNT_EXCEED", Meaning::Refused(RefundExceedsPayment)),
    ("REFUND_CURRENCY_MISMATCH", Meaning::Refused(RefundCurrencyMismatch)),
    ("PROCESS_FAIL", Meaning::Refused(Other)),
    ("UNKNOWN_EXCEPTION", Meaning::Unknown),
];

/// `S`, `F` or `U` for a meaning.
pub fn result_status(meaning: Meaning) -> &'static str {
    match meaning {
        Meaning::Success => "S",
        Meaning::Processing | Meaning::Unknown => "U",
        Meaning::Failed(_) | Meaning::Cancelled | Meaning::Refused(_) => "F",
    }
}

/// `paymentStatus` values of `inquiryPayment`.
pub const PAYMENT_STATUSES: &[(&str, PaymentStatus)] = &[
    ("SUCCESS", PaymentStatus::Success),
    ("FAIL", PaymentStatus::Failed),
    ("PROCESSING", PaymentStatus::Processing),
    ("CANCELLED", PaymentStatus::Cancelled),
];

/// An amount: currency and a string of minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Amount {
    /// ISO 4217 alpha-3.
    pub currency: String,
    /// Minor units, decimal digits.
    pub value: String,
}

/// The outcome of the call (not necessarily of the payment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultInfo {
    /// Result code (see [`CODES`]).
    pub result_code: String,
    /// `S`, `F` or `U`.
    pub result_status: String,
    /// Human-readable.
    pub result_message: String,
}

/// `pay` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayRequest {
    /// `IN_STORE_PAYMENT`.
    pub product_code: String,
    /// The acquirer's idempotency key, at most 64 characters.
    pub payment_request_id: String,
    /// Order and merchant.
    pub order: Order,
    /// What the merchant charges, in its currency.
    pub payment_amount: Amount,
    /// The user's code.
    pub payment_method: PaymentMethod,
    /// `{"inStorePaymentScenario": "PaymentCode"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_factor: Option<PaymentFactor>,
}

/// Order information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// The merchant's order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_order_id: Option<String>,
    /// What was bought.
    pub order_description: String,
    /// The merchant.
    pub merchant: Merchant,
}

/// The merchant as the acquirer registered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Merchant {
    /// The acquirer's merchant id.
    pub reference_merchant_id: String,
    /// Display name.
    pub merchant_name: String,
    /// Merchant category code.
    #[serde(rename = "merchantMCC", default, skip_serializing_if = "Option::is_none")]
    pub merchant_mcc: Option<String>,
}

/// The payment method: a wallet code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethod {
    /// `CONNECT_WALLET`.
    pub payment_method_type: String,
    /// The code's text.
    pub payment_method_id: String,
}

/// The in-store scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentFactor {
    /// `PaymentCode`.
    pub in_store_payment_scenario: String,
}

/// The user's side of a cross-currency payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    /// The quote's id.
    pub quote_id: String,
    /// `JPY/CNY`.
    pub quote_currency_pair: String,
    /// User's currency per merchant's, ten decimals.
    pub quote_price: String,
}

/// `pay` response; also the body of `inquiryPayment` (with its two extra fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentResponse {
    /// The call's result; for `pay`, the payment's.
    pub result: ResultInfo,
    /// `inquiryPayment` only: `SUCCESS`, `FAIL`, `PROCESSING`, `CANCELLED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_status: Option<String>,
    /// `inquiryPayment` only: the payment's own result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_result: Option<ResultInfo>,
    /// Echoed idempotency key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<String>,
    /// The network's payment id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// When the user was charged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_time: Option<String>,
    /// The merchant's amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_amount: Option<Amount>,
    /// What the user paid in their currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_payment_amount: Option<Amount>,
    /// The rate applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_quote: Option<Quote>,
    /// The user's wallet (`Alipay`, `AlipayHK`, `Kakao Pay`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet_brand_name: Option<String>,
    /// The network's id for the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
}

/// `inquiryPayment` and `cancelPayment` request: one of the two ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRef {
    /// The acquirer's idempotency key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<String>,
    /// The network's payment id (wins when both are given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
}

/// `cancelPayment` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelResponse {
    /// The result.
    pub result: ResultInfo,
    /// Echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<String>,
    /// The network's payment id, when the payment had arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// When it was cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_time: Option<String>,
}

/// `refund` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundRequest {
    /// The refund's idempotency key.
    pub refund_request_id: String,
    /// The payment's idempotency key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<String>,
    /// The network's payment id (wins when both are given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// In the payment's currency.
    pub refund_amount: Amount,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_reason: Option<String>,
}

/// `refund` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundResponse {
    /// The result.
    pub result: ResultInfo,
    /// Echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_request_id: Option<String>,
    /// The network's refund id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
    /// The payment refunded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// The payment's idempotency key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<String>,
    /// In the payment's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_amount: Option<Amount>,
    /// What the user got back in their currency, at the payment's rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_refund_amount: Option<Amount>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_time: Option<String>,
}
