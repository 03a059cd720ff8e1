//! UnionPay for an issuer's wallet app paying a merchant-presented EMV QR code (UnionPay
//! International's "QR Code App Gateway": the app parses the code, the issuer sends the payment
//! to UnionPay, UnionPay has the acquirer check the merchant and gives back a QRC voucher
//! number). In UnionPay's names: `mpqrcPayload`, the issuer's `orderId` and `txnTime`,
//! `txnAmt` in minor units of the ISO 4217 numeric `currencyCode`, the issuer's side as
//! `billingAmt` in `billingCurrencyCode` at `billingRate`, answers as `respCode` (and a query's
//! `origRespCode`, [`super::unionpay::CODES`]).
//!
//! The gateway's message formats are not public; the paths (`/gateway/api/mpqrc/…`) and the
//! decode step are the simulator's.

use serde::{Deserialize, Serialize};

/// Decode a merchant's EMV code (the merchant as UnionPay and its acquirer know it).
pub const PATH_DECODE: &str = "/gateway/api/mpqrc/info.do";
/// Payment (`txnType 01`) and void (`txnType 31`).
pub const PATH_TRANS: &str = "/gateway/api/mpqrc/payment.do";
/// Query (`txnType 00`).
pub const PATH_QUERY: &str = "/gateway/api/mpqrc/query.do";

/// Decode request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodeRequest {
    /// [`super::unionpay::VERSION`].
    pub version: String,
    /// The issuer's institution code (the signing client id).
    pub iss_ins_code: String,
    /// The merchant's EMV payload, as scanned.
    pub mpqrc_payload: String,
}

/// Decode response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodeResponse {
    /// [`super::unionpay::VERSION`].
    pub version: String,
    /// `00`, or `14` for a code UnionPay does not know.
    pub resp_code: String,
    /// Human-readable.
    pub resp_msg: String,
    /// The merchant's id (the last 15 characters of the code's tag 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mer_id: Option<String>,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mer_name: Option<String>,
    /// Its city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mer_city: Option<String>,
    /// Its country, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mer_country: Option<String>,
    /// Its category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcc: Option<String>,
    /// A dynamic code's amount, minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_amt: Option<String>,
    /// The merchant's currency, ISO 4217 numeric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
}

/// Payment and void request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransRequest {
    /// [`super::unionpay::VERSION`].
    pub version: String,
    /// `01` payment or `31` void.
    pub txn_type: String,
    /// The issuer's institution code.
    pub iss_ins_code: String,
    /// This transaction's id: the idempotency key, 8 to 40 letters and digits.
    pub order_id: String,
    /// `yyyyMMddHHmmss`.
    pub txn_time: String,
    /// Payment: the merchant's EMV payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mpqrc_payload: Option<String>,
    /// Payment: what the merchant is paid, minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_amt: Option<String>,
    /// Payment: the merchant's currency, ISO 4217 numeric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
    /// Payment: the issuer's settlement currency, ISO 4217 numeric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_currency_code: Option<String>,
    /// Void: the payment's `orderId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orig_order_id: Option<String>,
}

/// Query request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryRequest {
    /// [`super::unionpay::VERSION`].
    pub version: String,
    /// `00`.
    pub txn_type: String,
    /// The issuer's institution code.
    pub iss_ins_code: String,
    /// The payment's `orderId`.
    pub order_id: String,
}

/// Response of the payment and query endpoints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransResponse {
    /// [`super::unionpay::VERSION`].
    pub version: String,
    /// The call's (and, except for a query, the payment's) result.
    pub resp_code: String,
    /// Human-readable.
    pub resp_msg: String,
    /// Echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_type: Option<String>,
    /// Echoed (the payment's for a query).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// UnionPay's voucher number for the payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qrc_voucher_no: Option<String>,
    /// What the merchant is paid, minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_amt: Option<String>,
    /// The merchant's currency, ISO 4217 numeric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
    /// What the issuer owes, minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_amt: Option<String>,
    /// The issuer's settlement currency, ISO 4217 numeric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_currency_code: Option<String>,
    /// Settlement currency per merchant's, ten decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_rate: Option<String>,
    /// The merchant's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mer_id: Option<String>,
    /// The merchant's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mer_name: Option<String>,
    /// When the payment completed, `yyyyMMddHHmmss`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_time: Option<String>,
    /// Query only: the payment's result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orig_resp_code: Option<String>,
    /// Query only: human-readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orig_resp_msg: Option<String>,
}
