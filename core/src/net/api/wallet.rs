//! Enrolment, the wallet and KYC, devices, banks and top-up.

use super::*;

// ---------- enrolment, wallet, KYC ----------

/// `POST /v1/devices`: enrols the signing key and creates its wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnrolRequest {
    /// The device's P-256 public key, base64url (no padding).
    pub public_key: String,
    /// Home country (JP, TH, SG, ID, MY, PH, KH, VN or IN).
    pub country: String,
    /// Wanted handle: 3-24 of a-z, 0-9, `_` and `.`.
    pub handle: String,
    /// Name shown to whoever pays this wallet.
    pub display_name: String,
}

/// The answer to an enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrolment {
    /// The device id the key derives; every later request names it.
    pub device_id: String,
    /// The new wallet.
    pub wallet: Wallet,
}

/// A wallet: balance, tier and limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Wallet {
    /// Wallet id.
    pub id: String,
    /// Public handle, without `@`.
    pub handle: String,
    /// Display name.
    pub display_name: String,
    /// Home country.
    pub country: String,
    /// Home currency.
    pub currency: String,
    /// KYC tier: `unverified` or `verified`.
    #[cfg_attr(feature = "openapi", schema(schema_with = doc::tier))]
    pub tier: String,
    /// Money available.
    pub balance: Amount,
    /// KYC limits and the no-confirmation ceiling.
    pub limits: Limits,
}

/// A wallet's limits, in its home currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Limits {
    /// Largest single spend.
    pub per_transfer: Amount,
    /// Largest total spent per calendar month (UTC), fees included.
    pub monthly: Amount,
    /// Spent so far this month.
    pub used_this_month: Amount,
    /// Whether remittances abroad are allowed.
    pub can_remit: bool,
    /// Till charges above this wait for the shopper's approval on the phone.
    pub no_confirm: Amount,
}

/// `POST /v1/wallets/{wallet_id}/kyc`: the identity to verify (answered with the [`Wallet`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KycRequest {
    /// Legal name.
    pub legal_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// Identity document number.
    pub document_number: String,
}

/// `GET /v1/wallets/{wallet_id}/receive-code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiveCode {
    /// An EMV person-to-person code for this wallet.
    pub payload: String,
    /// The wallet's handle.
    pub handle: String,
}

/// `POST /v1/wallets/{wallet_id}/no-confirm-limit` (answered with the [`Wallet`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoConfirmLimitRequest {
    /// The new ceiling in the wallet's currency: zero asks for every charge.
    pub limit: Amount,
}

// ---------- devices ----------

/// `POST /v1/wallets/{wallet_id}/devices`: adds another device's key to the wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddDeviceRequest {
    /// The new device's P-256 public key, base64url.
    pub public_key: String,
    /// The new key's signature (base64url, fixed-size P-256) over `KOBAN-ADD-DEVICE-V1\n{wallet_id}`.
    pub proof: String,
}

/// A device added to a wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceAdded {
    /// The new device's id.
    pub device_id: String,
    /// Its wallet.
    pub wallet_id: String,
}

/// A revoked device (`POST /v1/devices/{device_id}/revoke` and the operator's route).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceRevoked {
    /// The revoked device.
    pub device_id: String,
    /// Its wallet.
    pub wallet_id: String,
    /// When it was revoked (the first time, for a repeat), host time.
    pub revoked_at: i64,
}

// ---------- banks and top-up ----------

/// A simulated bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bank {
    /// Bank id, e.g. `bank_sakura`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Country.
    pub country: String,
    /// Currency its accounts hold.
    pub currency: String,
}

/// `GET /v1/banks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Banks {
    /// The banks, in the host's order (its main ones first).
    pub banks: Vec<Bank>,
}

/// `POST /v1/bank-links`: links an account at a simulated bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankLinkRequest {
    /// The bank.
    pub bank_id: String,
    /// Seven digits.
    pub account_number: String,
    /// Account holder.
    pub holder_name: String,
    /// Sandbox only: what the simulated account starts with (default ¥1,000,000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sandbox_opening_balance: Option<i64>,
}

/// A linked bank account with its bank balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BankLink {
    /// Link id.
    pub id: String,
    /// The bank.
    pub bank_id: String,
    /// The bank's name.
    pub bank_name: String,
    /// Last four digits of the account number.
    pub account_last4: String,
    /// Account holder.
    pub holder_name: String,
    /// The bank account's balance.
    pub balance: Amount,
}

/// `GET /v1/bank-links`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BankLinks {
    /// This wallet's links, oldest first.
    pub bank_links: Vec<BankLink>,
}

/// `POST /v1/topups`: moves money from a linked bank account into the wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopUpRequest {
    /// The linked account to draw on.
    pub bank_link_id: String,
    /// How much, in the wallet's currency.
    pub amount: Amount,
}

/// `POST /v1/withdrawals`: moves money from the wallet to a linked bank account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalRequest {
    /// The linked account paid into.
    pub bank_link_id: String,
    /// What arrives at the bank, in the wallet's currency (the fee comes on top).
    pub amount: Amount,
}

/// A completed withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Withdrawal {
    /// Transaction id.
    pub id: String,
    /// `withdrawal`.
    pub kind: String,
    /// `completed`.
    pub status: String,
    /// What the bank account received.
    pub amount: Amount,
    /// The fee, by the rule in `fee_rule`.
    pub fee: Amount,
    /// `amount` plus `fee`: what left the wallet.
    pub total: Amount,
    /// The rule the fee was computed by.
    pub fee_rule: FeeRule,
    /// Wallet balance after it.
    pub balance: Amount,
    /// The linked account paid into.
    pub bank_link_id: String,
    /// Host time.
    pub created_at: i64,
}

/// `POST /v1/bank-links/{bank_link_id}/unlink`: the link ends; its history stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BankUnlinked {
    /// The link that ended.
    pub bank_link_id: String,
    /// Host time it ended.
    pub unlinked_at: i64,
}

/// A completed top-up (also the data of a `topup_completed` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopUp {
    /// Transaction id.
    pub id: String,
    /// `topup`.
    pub kind: String,
    /// `completed`.
    pub status: String,
    /// Amount moved.
    pub amount: Amount,
    /// Wallet balance after it.
    pub balance: Amount,
    /// The linked account drawn on.
    pub bank_link_id: String,
    /// Host time.
    pub created_at: i64,
}
