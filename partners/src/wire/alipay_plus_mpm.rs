//! Alipay+ for a partner wallet (the MPP) paying a merchant's code, Merchant-presented Mode.
//!
//! Alipay+ has the MPP send the scanned code to `userInitiatedPay`, which decodes it into the
//! order (merchant, amount); Alipay+ then asks the MPP to debit its user (`pay`, Alipay+ → MPP)
//! and settles with the MPP in its settlement currency (`settlementAmount`,
//! `settlementQuote`). The simulator keeps `userInitiatedPay` as the decode step, without
//! placing an order, and turns the debit round: the MPP, having debited its user, asks the
//! network to pay the merchant under its own `paymentRequestId` (`/aps/api/v1/mpp/payments/…`,
//! the simulator's paths), and inquires or cancels it the way an acquirer does. Result codes
//! are Alipay+'s ([`super::alipay_plus::CODES`]).

use serde::{Deserialize, Serialize};

use super::alipay_plus::{Amount, Quote, ResultInfo};

/// Decode a scanned merchant code (Alipay+'s `userInitiatedPay`, MPP → Alipay+).
pub const PATH_DECODE: &str = "/aps/api/v1/payments/userInitiatedPay";
/// Pay a merchant (the simulator's).
pub const PATH_PAY: &str = "/aps/api/v1/mpp/payments/pay";
/// Inquire about a payment to a merchant.
pub const PATH_INQUIRY: &str = "/aps/api/v1/mpp/payments/inquiryPayment";
/// Cancel a payment to a merchant.
pub const PATH_CANCEL: &str = "/aps/api/v1/mpp/payments/cancelPayment";
/// `codeType` of a code that carries its order (a fixed amount).
pub const ORDER_CODE: &str = "ORDER_CODE";
/// `codeType` of a merchant's static code (the payer enters the amount).
pub const ENTRY_CODE: &str = "ENTRY_CODE";

/// `userInitiatedPay` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodeRequest {
    /// The code as scanned, at most 512 characters.
    pub code_value: String,
    /// The MPP's id for its user.
    pub customer_id: String,
}

/// Where a merchant is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// ISO 3166-1 alpha-2.
    pub region: String,
    /// City.
    pub city: String,
}

/// A merchant as the network knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Merchant {
    /// The network's merchant id.
    pub reference_merchant_id: String,
    /// Display name.
    pub merchant_name: String,
    /// Merchant category code.
    #[serde(rename = "merchantMCC")]
    pub merchant_mcc: String,
    /// Where.
    pub merchant_address: Address,
}

/// The order a code carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// The merchant.
    pub merchant: Merchant,
    /// An order code's amount; absent for an entry code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_amount: Option<Amount>,
}

/// `userInitiatedPay` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodeResponse {
    /// The result (`INVALID_CODE` for a code Alipay+ does not know).
    pub result: ResultInfo,
    /// [`ORDER_CODE`] or [`ENTRY_CODE`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_type: Option<String>,
    /// The order: merchant and, for an order code, the amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
    /// The currency the merchant is paid in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_currency: Option<String>,
}

/// Pay a merchant: the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayRequest {
    /// The MPP's idempotency key, at most 64 characters.
    pub payment_request_id: String,
    /// The merchant's code, as scanned.
    pub code_value: String,
    /// What the merchant is paid, in its currency.
    pub payment_amount: Amount,
    /// The currency the MPP settles in.
    pub settlement_currency: String,
    /// The MPP's id for its user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
}

/// Pay a merchant: the answer; also the body of its `inquiryPayment` (with the two fields an
/// inquiry adds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentResponse {
    /// The call's result; for `pay`, the payment's.
    pub result: ResultInfo,
    /// Inquiry only: `SUCCESS`, `FAIL`, `PROCESSING`, `CANCELLED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_status: Option<String>,
    /// Inquiry only: the payment's own result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_result: Option<ResultInfo>,
    /// Echoed idempotency key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<String>,
    /// The network's payment id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// When the merchant was paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_time: Option<String>,
    /// What the merchant is paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_amount: Option<Amount>,
    /// What the MPP owes, in its settlement currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_amount: Option<Amount>,
    /// The rate: settlement currency per merchant's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_quote: Option<Quote>,
    /// The merchant paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant: Option<Merchant>,
}
