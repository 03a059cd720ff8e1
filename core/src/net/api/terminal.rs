//! Consumer-presented codes: key provisioning, terminals and their charges.

use super::*;

// ---------- consumer-presented codes ----------

/// `POST /v1/cpm/keys`: single-use keys for consumer codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvisionRequest {
    /// How many keys, 1 to the host's batch limit.
    pub count: u32,
    /// Counters of the current token below this one are no longer held by the device.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retire_before: Option<u16>,
}

/// Keys provisioned for one token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Provisioned {
    /// The payment token the codes carry.
    pub token: String,
    /// The keys, by counter.
    pub keys: Vec<ProvisionedKey>,
    /// Bytes per key.
    pub key_len: u32,
    /// How long a code stays valid after it is made, seconds.
    pub code_lifetime_secs: i64,
    /// The most live keys one device may hold.
    pub max_live_keys: i64,
}

/// One single-use key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvisionedKey {
    /// The code counter it serves.
    pub counter: u16,
    /// Host time after which codes made with it are refused.
    pub expires_at: i64,
    /// The limited-use key, base64url. Always in answers; the host stores answers without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

// ---------- terminals ----------

/// `POST /v1/terminals`: a till enrols its own key with a one-time token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerminalEnrolRequest {
    /// The merchant it will charge for.
    pub merchant_id: String,
    /// The terminal's P-256 public key, base64url.
    pub public_key: String,
    /// The token the operator issued for this merchant.
    pub enrolment_token: String,
}

/// The merchant a terminal was enrolled for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TerminalMerchant {
    /// Merchant id.
    pub id: String,
    /// Name.
    pub name: String,
    /// City.
    pub city: String,
    /// Country.
    pub country: String,
    /// Currency it takes.
    pub currency: String,
}

/// An enrolled terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TerminalEnrolment {
    /// The terminal's id (derived from its key).
    pub terminal_id: String,
    /// The merchant it charges for.
    pub merchant: TerminalMerchant,
}

/// `POST /admin/merchants/{merchant_id}/enrolment-tokens`: shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentToken {
    /// The one-time token.
    pub token: String,
    /// The merchant it enrols a terminal for.
    pub merchant_id: String,
    /// Host time after which it is refused.
    pub expires_at: i64,
}

/// `POST /v1/terminal/charges`: charges a scanned consumer code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChargeRequest {
    /// The amount, in the merchant's currency.
    pub amount: Amount,
    /// The scanned code exactly as read: the QR text or the 36 digits.
    pub code: String,
    /// When an offline till scanned it (Unix seconds); accepted briefly and for small amounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scanned_at: Option<i64>,
}

/// A till charge as the terminal (and an approving or declining shopper) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Charge {
    /// Charge id.
    pub id: String,
    /// `captured`, `pending_approval`, `refused`, `declined` or `expired`.
    #[cfg_attr(feature = "openapi", schema(schema_with = doc::charge_status))]
    pub status: String,
    /// The merchant charged for.
    pub merchant_id: String,
    /// How much.
    pub amount: Amount,
    /// The code's counter.
    pub counter: i64,
    /// The error kind of a refusal.
    pub refusal: Option<String>,
    /// The ledger transaction of a capture.
    pub transaction_id: Option<String>,
    /// Host time until which a pending charge may be approved.
    pub approve_by: Option<i64>,
    /// Host time.
    pub created_at: i64,
    /// The network that took a foreign shopper code (`alipay_plus`, `wechat_pay`,
    /// `unionpay`); absent for a Koban code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// What the network took from its user, in the user's currency (a captured foreign charge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_amount: Option<Amount>,
    /// The network's rate, user's currency per merchant's, ten decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
}

/// `GET /v1/terminal/settlement?date=YYYY-MM-DD`: what the merchant's day came to, per
/// network and currency (the date is the merchant's local calendar day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settlement {
    /// The merchant.
    pub merchant_id: String,
    /// The merchant's local calendar day, `YYYY-MM-DD`.
    pub date: String,
    /// Host time the day starts (inclusive).
    pub from: i64,
    /// Host time the day ends (exclusive).
    pub to: i64,
    /// One line per network and currency the merchant was paid through that day.
    pub lines: Vec<SettlementLine>,
    /// What the merchant receives for the day, over all lines (its own currency).
    pub net: Amount,
}

/// The day's money through one network, in one of the shoppers' currencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettlementLine {
    /// `koban` (Koban wallets: till charges and payments to the merchant's code),
    /// `alipay_plus`, `wechat_pay` or `unionpay`.
    pub network: String,
    /// Payments captured.
    pub payments: u32,
    /// Refunds given.
    pub refunds: u32,
    /// Captured, in the merchant's currency.
    pub gross: Amount,
    /// Refunded, in the merchant's currency.
    pub refunded: Amount,
    /// `gross - refunded`: what this network settles to the merchant.
    pub net: Amount,
    /// What the shoppers paid in their own currency (foreign networks), net of refunds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_net: Option<Amount>,
}
