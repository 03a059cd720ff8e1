//! Refunds a merchant's terminal gives back to the shopper: of a till charge or of a payment
//! to the merchant's code, in full or in part, never more than was paid in total.

use super::*;

// ---------- refunds ----------

/// `POST /v1/terminal/refunds`: gives back (part of) a payment to the terminal's merchant.
/// Name the original by exactly one of `charge_id` (a till charge) or `transaction_id` (a
/// till charge's or a merchant payment's transaction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundRequest {
    /// The till charge to refund.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_id: Option<String>,
    /// The transaction to refund: a till charge's or a payment to the merchant's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// How much, in the merchant's currency; absent: everything not refunded yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
}

/// A refund as the terminal sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Refund {
    /// Refund id.
    pub id: String,
    /// `completed`.
    pub status: String,
    /// The ledger transaction of the refund.
    pub transaction_id: String,
    /// The transaction refunded.
    pub original_transaction_id: String,
    /// The till charge refunded, when the original was one.
    pub charge_id: Option<String>,
    /// The merchant that refunds.
    pub merchant_id: String,
    /// What this refund gave back, in the merchant's currency.
    pub amount: Amount,
    /// Everything refunded of the original so far, this refund included.
    pub refunded_total: Amount,
    /// What may still be refunded.
    pub refundable: Amount,
    /// Host time.
    pub created_at: i64,
    /// What went back to a foreign network's user, in the user's currency (a refund of a
    /// tourist's Alipay+, WeChat Pay or UnionPay charge, at the payment's rate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_amount: Option<Amount>,
}

/// Data of `refund_received`: a merchant gave money back to this wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefundReceived {
    /// Transaction id of the refund.
    pub id: String,
    /// `refund`.
    pub kind: String,
    /// The refund's id at the merchant's terminal.
    pub refund_id: String,
    /// The wallet's transaction refunded (its history entry).
    pub original_transaction_id: String,
    /// The till charge refunded, when the original was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_id: Option<String>,
    /// Who refunded.
    pub merchant: MerchantRef,
    /// What arrived, in this wallet's currency.
    pub amount: Amount,
    /// What the merchant gave back, in its currency (differs from `amount` abroad).
    pub merchant_amount: Amount,
    /// Wallet balance after it.
    pub balance: Amount,
    /// Host time.
    pub created_at: i64,
}
