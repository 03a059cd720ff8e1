//! Reading: transactions, stored outcomes and history pages.

use super::*;

// ---------- reading: transactions, outcomes, history ----------

/// `GET /v1/transactions/{transaction_id}`: a transaction this wallet took part in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transaction {
    /// Transaction id.
    pub id: String,
    /// `topup`, `payment`, `p2p`, `remittance`, `cpm_charge`, …
    pub kind: String,
    /// Host time.
    pub created_at: i64,
    /// What the ledger recorded; its shape depends on `kind`, and always has `description`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: Value,
    /// `in` or `out`, for this wallet.
    #[cfg_attr(feature = "openapi", schema(schema_with = doc::direction))]
    pub direction: String,
    /// What moved in or out of this wallet.
    pub amount: Amount,
}

/// `GET /v1/requests/{idempotency_key}`: the stored outcome of a mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestOutcome {
    /// The key asked about.
    pub idempotency_key: String,
    /// The HTTP status first answered.
    pub status: u16,
    /// The body first answered: the success body, or an `Error`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub body: Value,
}

/// One ledger entry of the wallet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryItem {
    /// Transaction id.
    pub transaction_id: String,
    /// Transaction kind.
    pub kind: String,
    /// `in` or `out`.
    #[cfg_attr(feature = "openapi", schema(schema_with = doc::direction))]
    pub direction: String,
    /// What moved.
    pub amount: Amount,
    /// Wallet balance after it.
    pub balance_after: Amount,
    /// Host time.
    pub created_at: i64,
    /// What the ledger recorded, as in a transaction's `details`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: Value,
}

/// `GET /v1/history`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryPage {
    /// This page.
    pub items: Vec<HistoryItem>,
    /// Opaque cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}
