//! WeChat Pay cross-border acquiring ("Quick Pay"): `micropay`, `orderquery`, `reverse`,
//! `refund`, under `out_trade_no` / `out_refund_no`, `total_fee` in the order currency's minor
//! units (`fee_type`), and what the user paid as `cash_fee` in `cash_fee_type` at `rate`
//! (the exchange rate times 10^8). Every answer carries `return_code` (did the call get
//! through) and `result_code` / `err_code` (what happened).
//!
//! WeChat Pay v2 speaks signed XML; the simulator keeps the field names in JSON (ADR 0007).
//! `AUTHCODE_USED` and `REFUND_FEE_EXCEED` are the simulator's codes.

use serde::{Deserialize, Serialize};

use super::Meaning;
use crate::error::RefusalKind::*;
use crate::model::PayFailure;

/// Charge a code the user shows.
pub const PATH_MICROPAY: &str = "/pay/micropay";
/// Query an order.
pub const PATH_ORDERQUERY: &str = "/pay/orderquery";
/// Reverse (cancel) an order.
pub const PATH_REVERSE: &str = "/secapi/pay/reverse";
/// Refund an order.
pub const PATH_REFUND: &str = "/secapi/pay/refund";
/// `return_code` / `result_code` success.
pub const SUCCESS: &str = "SUCCESS";
/// `return_code` / `result_code` failure.
pub const FAIL: &str = "FAIL";

/// `err_code` values and what they mean; success has no `err_code`.
pub const CODES: &[(&str, Meaning)] = &[
    ("SUCCESS", Meaning::Success),
    ("USERPAYING", Meaning::Processing),
    ("NOTENOUGH", Meaning::Failed(PayFailure::InsufficientFunds)),
    ("AUTH_CODE_INVALID", Meaning::Failed(PayFailure::InvalidCode)),
    ("AUTHCODEEXPIRE", Meaning::Failed(PayFailure::ExpiredCode)),
    ("AUTHCODE_USED", Meaning::Failed(PayFailure::UsedCode)),
    ("ORDERCLOSED", Meaning::Failed(PayFailure::UserTimeout)),
    ("ORDERREVERSED", Meaning::Cancelled),
    ("PARAM_ERROR", Meaning::Refused(BadRequest)),
    ("SIGNERROR", Meaning::Refused(Unauthorized)),
    ("OUT_TRADE_NO_USED", Meaning::Refused(RequestIdReused)),
    ("ORDERNOTEXIST", Meaning::Refused(NotFound)),
    ("FEE_TYPE_INVALID", Meaning::Refused(CurrencyNotSupported)),
    ("REVERSE_EXPIRE", Meaning::Refused(CancelWindowExceeded)),
    ("REFUND_EXPIRE", Meaning::Refused(RefundWindowExceeded)),
    ("TRADE_STATE_ERROR", Meaning::Refused(PaymentStateInvalid)),
    ("REFUND_FEE_EXCEED", Meaning::Refused(RefundExceedsPayment)),
    ("REFUND_FEE_TYPE_INVALID", Meaning::Refused(RefundCurrencyMismatch)),
    ("ERROR", Meaning::Refused(Other)),
    ("SYSTEMERROR", Meaning::Unknown),
];

/// `trade_state` of `orderquery`.
pub mod trade_state {
    /// Paid.
    pub const SUCCESS: &str = "SUCCESS";
    /// Paid, and partly or wholly refunded.
    pub const REFUND: &str = "REFUND";
    /// Closed: the user never confirmed.
    pub const CLOSED: &str = "CLOSED";
    /// Reversed by the acquirer.
    pub const REVOKED: &str = "REVOKED";
    /// The user is entering their password.
    pub const USERPAYING: &str = "USERPAYING";
    /// Failed.
    pub const PAYERROR: &str = "PAYERROR";
}

/// `micropay` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MicropayRequest {
    /// The acquirer's app id.
    pub appid: String,
    /// The acquirer's merchant number at WeChat Pay (must be the signing client id).
    pub mch_id: String,
    /// The shop, a sub-merchant of the acquirer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_mch_id: Option<String>,
    /// Random string.
    pub nonce_str: String,
    /// `Shop name-what was bought`, WeChat Pay's convention.
    pub body: String,
    /// The acquirer's order number: the idempotency key, at most 32 of `[A-Za-z0-9_|*@-]`.
    pub out_trade_no: String,
    /// Amount in minor units of `fee_type`.
    pub total_fee: i64,
    /// Order currency.
    pub fee_type: String,
    /// Terminal IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spbill_create_ip: Option<String>,
    /// The user's 18-digit code.
    pub auth_code: String,
}

/// `orderquery` and `reverse` request: one of the two ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRef {
    /// The acquirer's app id.
    pub appid: String,
    /// The acquirer's merchant number.
    pub mch_id: String,
    /// The shop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_mch_id: Option<String>,
    /// Random string.
    pub nonce_str: String,
    /// WeChat Pay's order id (wins when both are given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// The acquirer's order number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_trade_no: Option<String>,
}

/// `micropay` and `orderquery` response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderResponse {
    /// `SUCCESS` when the call got through.
    pub return_code: String,
    /// Why the call did not get through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_msg: Option<String>,
    /// `SUCCESS` or `FAIL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<String>,
    /// See [`CODES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub err_code: Option<String>,
    /// Human-readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub err_code_des: Option<String>,
    /// `orderquery`: see [`trade_state`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_state: Option<String>,
    /// `orderquery`: human-readable state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_state_desc: Option<String>,
    /// `MICROPAY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_type: Option<String>,
    /// WeChat Pay's order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// Echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_trade_no: Option<String>,
    /// The user, as the acquirer's app sees them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openid: Option<String>,
    /// Order amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_fee: Option<i64>,
    /// Order currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_type: Option<String>,
    /// What the user paid, in minor units of `cash_fee_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash_fee: Option<i64>,
    /// The user's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash_fee_type: Option<String>,
    /// User's currency per order currency, times 10^8, as an integer string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
    /// When paid, `yyyyMMddHHmmss` China time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_end: Option<String>,
}

/// `reverse` response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverseResponse {
    /// `SUCCESS` when the call got through.
    pub return_code: String,
    /// Why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_msg: Option<String>,
    /// `SUCCESS` or `FAIL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<String>,
    /// See [`CODES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub err_code: Option<String>,
    /// Human-readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub err_code_des: Option<String>,
    /// `Y` when the acquirer should call reverse again; `N` when it is done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recall: Option<String>,
}

/// `refund` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequest {
    /// The acquirer's app id.
    pub appid: String,
    /// The acquirer's merchant number.
    pub mch_id: String,
    /// The shop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_mch_id: Option<String>,
    /// Random string.
    pub nonce_str: String,
    /// WeChat Pay's order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// The acquirer's order number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_trade_no: Option<String>,
    /// The refund's idempotency key.
    pub out_refund_no: String,
    /// The order's amount (must match it).
    pub total_fee: i64,
    /// Amount to refund, minor units of the order currency.
    pub refund_fee: i64,
    /// Refund currency (the order's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_fee_type: Option<String>,
}

/// `refund` response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundResponse {
    /// `SUCCESS` when the call got through.
    pub return_code: String,
    /// Why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_msg: Option<String>,
    /// `SUCCESS` or `FAIL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<String>,
    /// See [`CODES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub err_code: Option<String>,
    /// Human-readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub err_code_des: Option<String>,
    /// WeChat Pay's order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// Echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_trade_no: Option<String>,
    /// Echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_refund_no: Option<String>,
    /// WeChat Pay's refund id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
    /// Refunded, order currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_fee: Option<i64>,
    /// Order currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_type: Option<String>,
    /// Given back to the user in their currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash_refund_fee: Option<i64>,
    /// The user's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash_refund_fee_type: Option<String>,
    /// The original payment's rate, times 10^8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
}
