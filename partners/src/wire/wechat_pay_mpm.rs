//! WeChat Pay for a partner wallet paying a merchant's code (a `wxp://f2f0…` collect code or a
//! `weixin://wxpay/bizpayurl?pr=…` order code), in WeChat Pay's v2 names: `code_url`,
//! `out_trade_no` (the idempotency key), `total_fee` in minor units of `fee_type`, and the
//! partner's side as `settlement_total_fee` in `settlement_fee_type` at `rate` (times 10^8).
//!
//! WeChat Pay publishes no API for a foreign wallet paying its merchants; the paths
//! (`/pay/mpm/…`, `/secapi/pay/mpm/reverse`) and `code_type` are the simulator's, the answers
//! keep `return_code` / `result_code` / `err_code` ([`super::wechat_pay::CODES`]) and
//! `trade_state` ([`super::wechat_pay::trade_state`]).

use serde::{Deserialize, Serialize};

/// Decode a merchant code.
pub const PATH_DECODE: &str = "/pay/mpm/decode";
/// Pay a merchant.
pub const PATH_PAY: &str = "/pay/mpm/pay";
/// Query a payment.
pub const PATH_ORDERQUERY: &str = "/pay/mpm/orderquery";
/// Reverse (cancel) a payment.
pub const PATH_REVERSE: &str = "/secapi/pay/mpm/reverse";
/// `code_type` of an order code (Native pay, fixed amount).
pub const CODE_NATIVE: &str = "NATIVE";
/// `code_type` of a collect code (the payer enters the amount).
pub const CODE_F2F: &str = "F2F";

/// Decode request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodeRequest {
    /// The partner's app id.
    pub appid: String,
    /// The partner's merchant number at WeChat Pay (the signing client id).
    pub mch_id: String,
    /// Random string.
    pub nonce_str: String,
    /// The code as scanned.
    pub code_url: String,
}

/// Decode response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodeResponse {
    /// `SUCCESS` when the call got through.
    pub return_code: String,
    /// Why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_msg: Option<String>,
    /// `SUCCESS` or `FAIL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<String>,
    /// `AUTH_CODE_INVALID` for a code WeChat Pay does not know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub err_code: Option<String>,
    /// Human-readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub err_code_des: Option<String>,
    /// [`CODE_NATIVE`] or [`CODE_F2F`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_type: Option<String>,
    /// The merchant's number at WeChat Pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_mch_id: Option<String>,
    /// The merchant's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mch_name: Option<String>,
    /// Its city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Its country, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Its category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcc: Option<String>,
    /// The currency it is paid in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_type: Option<String>,
    /// An order code's amount, minor units of `fee_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_fee: Option<i64>,
}

/// Pay request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayRequest {
    /// The partner's app id.
    pub appid: String,
    /// The partner's merchant number.
    pub mch_id: String,
    /// Random string.
    pub nonce_str: String,
    /// The partner's order number: the idempotency key, at most 32 of `[A-Za-z0-9_|*@-]`.
    pub out_trade_no: String,
    /// The merchant's code.
    pub code_url: String,
    /// What the merchant is paid, minor units of `fee_type`.
    pub total_fee: i64,
    /// The merchant's currency.
    pub fee_type: String,
    /// The currency the partner settles in.
    pub settlement_fee_type: String,
}

/// Pay and query response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderResponse {
    /// `SUCCESS` when the call got through.
    pub return_code: String,
    /// Why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_msg: Option<String>,
    /// `SUCCESS` or `FAIL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<String>,
    /// See [`super::wechat_pay::CODES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub err_code: Option<String>,
    /// Human-readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub err_code_des: Option<String>,
    /// Query only: see [`super::wechat_pay::trade_state`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_state: Option<String>,
    /// Query only: human-readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_state_desc: Option<String>,
    /// WeChat Pay's payment id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// Echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_trade_no: Option<String>,
    /// The merchant paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_mch_id: Option<String>,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mch_name: Option<String>,
    /// What the merchant is paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_fee: Option<i64>,
    /// The merchant's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_type: Option<String>,
    /// What the partner owes, minor units of `settlement_fee_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_total_fee: Option<i64>,
    /// The partner's settlement currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_fee_type: Option<String>,
    /// Settlement currency per merchant's, times 10^8, an integer string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
    /// When paid, `yyyyMMddHHmmss` China time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_end: Option<String>,
}
