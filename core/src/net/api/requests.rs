//! Between friends: money requests, split bills, and a recipient as the host knows them
//! (shown before any send).

use super::*;

// ---------- recipients ----------

/// `GET /v1/recipients/{handle}`: who a handle is, shown before money is sent to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientInfo {
    /// Public handle, without `@`.
    pub handle: String,
    /// Display name.
    pub display_name: String,
    /// Home country.
    pub country: String,
    /// The currency the wallet holds: another than the sender's makes a send a remittance.
    pub currency: String,
}

// ---------- money requests ----------

/// `POST /v1/money-requests`: asks another wallet, by handle, for money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMoneyRequest {
    /// Who is asked to pay: a handle, with or without `@`.
    pub from: String,
    /// How much, in the requester's currency (a request stays in one currency).
    pub amount: Amount,
    /// What it is for, up to 140 characters (may be empty).
    pub note: String,
}

/// A money request as both sides see it; also the data of `money_request_received` (to the
/// payer) and `money_request_answered` (to the requester).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoneyRequest {
    /// Request id.
    pub id: String,
    /// Who asks for the money (and receives it).
    pub requester: Party,
    /// Who is asked to pay.
    pub payer: Party,
    /// How much.
    pub amount: Amount,
    /// What it is for (may be empty).
    pub note: String,
    /// `pending`, `paid`, `declined` or `expired`.
    #[cfg_attr(feature = "openapi", schema(schema_with = doc::money_request_status))]
    pub status: String,
    /// Host time.
    pub created_at: i64,
    /// Host time after which it can no longer be paid.
    pub expires_at: i64,
    /// Host time it was paid or declined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<i64>,
    /// The transfer that paid it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// The split bill it is a share of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split_id: Option<String>,
}

/// `GET /v1/money-requests`: requests to and from this wallet, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoneyRequests {
    /// The requests.
    pub money_requests: Vec<MoneyRequest>,
}

/// `POST /v1/money-requests/{money_request_id}/pay`: pays a request with a transfer,
/// answered with the [`Transfer`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyRequestPayment {
    /// The amount the payer was shown: the request's, or the payment is refused.
    pub amount: Amount,
}

// ---------- split bills ----------

/// One friend's share of a split bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRequest {
    /// The friend's handle, with or without `@`.
    pub handle: String,
    /// Their share.
    pub amount: Amount,
}

/// `POST /v1/splits`: a bill divided among friends, one money request each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitRequest {
    /// The bill, in the organiser's currency.
    pub total: Amount,
    /// What it was, up to 140 characters (may be empty); each request carries it.
    pub note: String,
    /// The shares: they add up to `total` exactly.
    pub shares: Vec<ShareRequest>,
}

/// A split bill as its organiser sees it: every share's request and what is paid so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Split {
    /// Split id.
    pub id: String,
    /// Who paid the bill and asks for the shares.
    pub organiser: Party,
    /// The bill.
    pub total: Amount,
    /// What it was.
    pub note: String,
    /// The shares paid so far.
    pub paid: Amount,
    /// One request per friend, in the order given.
    pub requests: Vec<MoneyRequest>,
    /// Host time.
    pub created_at: i64,
}
