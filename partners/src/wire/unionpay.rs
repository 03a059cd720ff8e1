//! UnionPay International QR acquiring, consumer-presented: one back-end transaction endpoint
//! told apart by `txnType` (`01` purchase, `31` void, `04` refund) and a query endpoint
//! (`00`), each transaction named by the acquirer's `orderId` and `txnTime`, amounts as strings
//! of minor units with ISO 4217 numeric `currencyCode`, answers as `respCode` (the call) and,
//! for a query, `origRespCode` (the original transaction).
//!
//! UnionPay signs form-encoded fields with certificates; the simulator keeps the field names in
//! JSON (ADR 0007). The user's side (`cardholderAmt`, `cardholderCurrencyCode`,
//! `exchangeRate`) and the codes marked below are the simulator's.

use serde::{Deserialize, Serialize};

use super::Meaning;
use crate::error::RefusalKind::*;
use crate::model::PayFailure;

/// Purchase, void and refund.
pub const PATH_TRANS: &str = "/gateway/api/backTransReq.do";
/// Query.
pub const PATH_QUERY: &str = "/gateway/api/queryTrans.do";
/// Interface version.
pub const VERSION: &str = "5.1.0";
/// Purchase (consume).
pub const TXN_PURCHASE: &str = "01";
/// Void (cancel) a purchase.
pub const TXN_VOID: &str = "31";
/// Refund a purchase.
pub const TXN_REFUND: &str = "04";
/// Query a transaction.
pub const TXN_QUERY: &str = "00";
/// Sub-type of a consumer-presented QR purchase.
pub const SUB_TYPE_CPM: &str = "06";
/// Business type.
pub const BIZ_TYPE: &str = "000000";

/// `respCode` / `origRespCode` values and what they mean. `05`, `21`, `22`, `23`, `34` and `40`
/// are the simulator's; the others follow ISO 8583 usage.
pub const CODES: &[(&str, Meaning)] = &[
    ("00", Meaning::Success),
    ("05", Meaning::Processing),
    ("51", Meaning::Failed(PayFailure::InsufficientFunds)),
    ("14", Meaning::Failed(PayFailure::InvalidCode)),
    ("33", Meaning::Failed(PayFailure::ExpiredCode)),
    ("34", Meaning::Failed(PayFailure::UsedCode)),
    ("21", Meaning::Failed(PayFailure::UserTimeout)),
    ("22", Meaning::Cancelled),
    ("30", Meaning::Refused(BadRequest)),
    ("63", Meaning::Refused(Unauthorized)),
    ("94", Meaning::Refused(RequestIdReused)),
    ("25", Meaning::Refused(NotFound)),
    ("40", Meaning::Refused(CurrencyNotSupported)),
    ("23", Meaning::Refused(CancelWindowExceeded)),
    ("24", Meaning::Refused(RefundWindowExceeded)),
    ("12", Meaning::Refused(PaymentStateInvalid)),
    ("13", Meaning::Refused(RefundExceedsPayment)),
    ("26", Meaning::Refused(RefundCurrencyMismatch)),
    ("06", Meaning::Refused(Other)),
    ("96", Meaning::Unknown),
];

/// `backTransReq.do` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransRequest {
    /// [`VERSION`].
    pub version: String,
    /// `01`, `31` or `04`.
    pub txn_type: String,
    /// [`SUB_TYPE_CPM`] for a purchase; `00` otherwise.
    pub txn_sub_type: String,
    /// [`BIZ_TYPE`].
    pub biz_type: String,
    /// The acquirer's institution code (must be the signing client id).
    pub acq_ins_code: String,
    /// The merchant.
    pub mer_id: String,
    /// The merchant's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mer_name: Option<String>,
    /// This transaction's id: the idempotency key, 8 to 40 letters and digits.
    pub order_id: String,
    /// `yyyyMMddHHmmss`.
    pub txn_time: String,
    /// Minor units: the purchase, or the refund.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_amt: Option<String>,
    /// ISO 4217 numeric (`392` for JPY).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
    /// Purchase: the user's code (EMV payload or 19 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_no: Option<String>,
    /// Purchase: what was bought.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_desc: Option<String>,
    /// Void and refund: the purchase's `orderId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orig_order_id: Option<String>,
    /// Void and refund: the purchase's `queryId` (wins when both are given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orig_qry_id: Option<String>,
}

/// `queryTrans.do` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryRequest {
    /// [`VERSION`].
    pub version: String,
    /// [`TXN_QUERY`].
    pub txn_type: String,
    /// The acquirer's institution code.
    pub acq_ins_code: String,
    /// The merchant.
    pub mer_id: String,
    /// The purchase's `orderId`.
    pub order_id: String,
    /// The purchase's `txnTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_time: Option<String>,
}

/// Response of both endpoints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransResponse {
    /// [`VERSION`].
    pub version: String,
    /// The call's (and, except for a query, the transaction's) result; see [`CODES`].
    pub resp_code: String,
    /// Human-readable.
    pub resp_msg: String,
    /// Echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_type: Option<String>,
    /// Echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// UnionPay's id for the transaction (the purchase's for a query).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_id: Option<String>,
    /// The purchase's or the refund's amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_amt: Option<String>,
    /// ISO 4217 numeric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
    /// The user's side, minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cardholder_amt: Option<String>,
    /// The user's currency, ISO 4217 numeric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cardholder_currency_code: Option<String>,
    /// User's currency per merchant's, ten decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_rate: Option<String>,
    /// When the purchase completed (query) or this transaction did, `yyyyMMddHHmmss`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_time: Option<String>,
    /// Query only: the original transaction's result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orig_resp_code: Option<String>,
    /// Query only: human-readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orig_resp_msg: Option<String>,
}

/// ISO 4217 numeric code of an alpha-3 currency.
pub fn numeric_currency(alpha: &str) -> Option<String> {
    koban_core::money::Currency::from_alpha(alpha).map(|c| c.numeric_string())
}

/// ISO 4217 alpha-3 of a numeric code.
pub fn alpha_currency(numeric: &str) -> Option<String> {
    koban_core::money::Currency::from_numeric_str(numeric).map(|c| c.alpha().to_owned())
}
