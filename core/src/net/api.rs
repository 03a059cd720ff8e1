//! The host API's bodies as types: what the wallet and the terminal send, and what the host
//! answers, for every route of the sandbox host (`sandbox/src/api`).
//!
//! Requests are plain `Serialize`: the host keeps its own strict copies (unknown fields
//! refused) so that a client bug is refused rather than half-read. Responses are
//! `Serialize + Deserialize` and shared with the host, which builds its answers from them;
//! they never refuse unknown fields, so a client keeps working when the host adds one.
//! Open-ended values (statuses, kinds, tiers) are strings for the same reason; the values
//! known today are in each field's doc comment and in the OpenAPI document.
//!
//! With the `openapi` feature every response type derives `utoipa::ToSchema`; only the host
//! enables it, so the phone library carries no OpenAPI code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::money::{Currency, Money};

// ---------- shared pieces ----------

/// Money on the wire: integer minor units (the currency's ISO 4217 exponent) and a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amount {
    /// Integer minor units, e.g. 1200 for ¥1,200 or 3000 for ฿30.00.
    pub minor: i64,
    /// ISO 4217 alpha code.
    pub currency: String,
}

impl Amount {
    /// An amount of `minor` units of `currency`.
    pub fn new(minor: i64, currency: &str) -> Amount {
        Amount { minor, currency: currency.to_owned() }
    }

    /// The amount as [`Money`]; `None` for a currency this library does not know.
    pub fn money(&self) -> Option<Money> {
        Currency::from_alpha(&self.currency).map(|c| Money::from_minor(self.minor, c))
    }
}

impl From<Money> for Amount {
    fn from(m: Money) -> Amount {
        Amount { minor: m.minor(), currency: m.currency().alpha().to_owned() }
    }
}

/// Every refusal and error: `{"error": {"kind", "message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Error))]
pub struct ErrorBody {
    /// What went wrong.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub error: ErrorDetail,
}

/// The inside of an error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable machine-readable kind, e.g. `insufficient_funds`.
    pub kind: String,
    /// What a person reads.
    pub message: String,
}

/// A merchant as payments, charges and their events name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MerchantRef {
    /// Merchant id.
    pub id: String,
    /// Name as shown to the payer.
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// A wallet as the other side of a domestic transfer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Party {
    /// Public handle, without `@`.
    pub handle: String,
    /// Display name.
    pub display_name: String,
    /// Home country.
    pub country: String,
}

// ---------- health ----------

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// Host time, Unix seconds.
    pub time: i64,
}

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
    /// Every bank, by id.
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopUpRequest {
    /// The linked account to draw on.
    pub bank_link_id: String,
    /// How much, in the wallet's currency.
    pub amount: Amount,
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

// ---------- merchants and dynamic codes ----------

/// A demo merchant and its static code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Merchant {
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
    /// Scheme id of its code, e.g. `jpqr`, `promptpay`.
    pub scheme: String,
    /// Its static (reusable) code.
    pub static_payload: String,
}

/// `GET /v1/merchants`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Merchants {
    /// Every demo merchant, by id.
    pub merchants: Vec<Merchant>,
}

/// A tip or convenience-fee rule for a dynamic code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TipRule {
    /// The payer is asked for a tip.
    Prompt,
    /// A fixed convenience fee.
    Fixed {
        /// The fee, in the merchant's currency.
        fee: Amount,
    },
    /// A percentage convenience fee, rounded down to the minor unit.
    Percentage {
        /// Hundredths of a percent, 1-9999.
        hundredths: u32,
    },
}

/// `POST /v1/merchants/{merchant_id}/dynamic-codes` (a terminal): a one-payment code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DynamicCodeRequest {
    /// The amount, in the merchant's currency.
    pub amount: Amount,
    /// Reference label (62/05); generated when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Bill number (62/01); `***` asks the payer to type it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_number: Option<String>,
    /// Tip or convenience-fee rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tip: Option<TipRule>,
}

/// A dynamic code made for a terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DynamicCode {
    /// Code id.
    pub id: String,
    /// Its merchant.
    pub merchant_id: String,
    /// The EMV payload to show.
    pub payload: String,
    /// The amount it asks for.
    pub amount: Amount,
    /// Its reference label.
    pub reference: String,
}

// ---------- FX quotes ----------

/// `POST /v1/quotes`: an FX quote. Give exactly one of `send` and `receive`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteRequest {
    /// `merchant_payment` (receive amount only) or `remittance`.
    pub purpose: String,
    /// What leaves the wallet, in its currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send: Option<Amount>,
    /// What arrives, in the foreign currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receive: Option<Amount>,
    /// For remittances: the destination country (its currency is the receive currency).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_country: Option<String>,
}

/// An FX quote, executable once before `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quote {
    /// Quote id.
    pub id: String,
    /// `merchant_payment` or `remittance`.
    #[cfg_attr(feature = "openapi", schema(schema_with = doc::quote_purpose))]
    pub purpose: String,
    /// What leaves the wallet before the fee.
    pub send: Amount,
    /// What arrives.
    pub receive: Amount,
    /// The fee, in the wallet's currency.
    pub fee: Amount,
    /// `send` plus `fee`.
    pub total: Amount,
    /// Mid-market rate, a decimal with ten fractional digits.
    pub mid_rate: String,
    /// Customer rate: mid less the margin, rounded down.
    pub rate: String,
    /// `rate` times `rate_scale`.
    pub rate_scaled: i64,
    /// 10^10.
    pub rate_scale: i64,
    /// Margin below the mid rate, basis points.
    pub margin_bps: i64,
    /// Remittances: where the money goes.
    pub destination_country: Option<String>,
    /// Remittances: how long delivery takes, seconds.
    pub delivery_estimate_secs: Option<i64>,
    /// Host time.
    pub created_at: i64,
    /// Host time after which it cannot be executed.
    pub expires_at: i64,
    /// The transaction that executed it; null while unused.
    pub used_by: Option<String>,
}

// ---------- payments ----------

/// `POST /v1/payments`: pays a scanned merchant code. Static codes need `amount`; dynamic
/// codes carry it (a differing amount is refused). A tip is accepted only when the code
/// prompts for one. Cross-border payments need a quote whose receive amount is the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentRequest {
    /// The scanned code, exactly.
    pub payload: String,
    /// Scheme id the client chose among the detected routes.
    pub route: String,
    /// What the payer entered (static codes) or the code's amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// The payer's tip, when the code prompts for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tip: Option<Amount>,
    /// The FX quote of a foreign payment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote_id: Option<String>,
    /// Values the payer typed for references the code leaves open (`***`), by kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub references: Option<BTreeMap<String, String>>,
}

/// A completed merchant payment (also the data of a `payment_completed` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    /// Transaction id.
    pub id: String,
    /// `payment`.
    pub kind: String,
    /// `completed`.
    pub status: String,
    /// Who was paid.
    pub merchant: MerchantRef,
    /// The scheme paid through.
    pub route: String,
    /// The price, merchant's currency.
    pub amount: Amount,
    /// Tip or convenience fee, merchant's currency.
    pub tip: Amount,
    /// `amount` plus `tip`: what the merchant got.
    pub total: Amount,
    /// What left the wallet, its currency.
    pub debited: Amount,
    /// FX fee, wallet's currency (zero at home).
    pub fee: Amount,
    /// The FX quote executed, if any.
    pub quote_id: Option<String>,
    /// Wallet balance after it.
    pub balance: Amount,
    /// Host time.
    pub created_at: i64,
}

// ---------- transfers and remittances ----------

/// Who receives a domestic transfer: exactly one of the two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecipientRef {
    /// A handle, with or without `@`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    /// Or the recipient's receive code, as scanned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receive_code: Option<String>,
}

/// `POST /v1/transfers`: sends money to another wallet in the same currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransferRequest {
    /// The recipient.
    pub to: RecipientRef,
    /// How much, in the wallet's currency.
    pub amount: Amount,
    /// Up to 140 characters for the recipient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A completed domestic transfer (also the data of a `transfer_sent` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transfer {
    /// Transaction id.
    pub id: String,
    /// `p2p`.
    pub kind: String,
    /// `completed`.
    pub status: String,
    /// The sender.
    pub from: Party,
    /// The recipient.
    pub to: Party,
    /// Amount moved.
    pub amount: Amount,
    /// The message (empty when none).
    pub message: String,
    /// Sender's balance after it.
    pub balance: Amount,
    /// Host time.
    pub created_at: i64,
}

/// An account a partner network pays a remittance out to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payout {
    /// `bank_account`, `mobile_wallet` or `cash_pickup`.
    pub method: String,
    /// Bank or wallet provider, e.g. `GCash`.
    pub provider: String,
    /// Account number: 4-34 letters and digits in a request, masked (`****1234`) in answers.
    pub account: String,
}

/// Who receives a remittance: a name, and exactly one of `handle` and `payout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemittanceRecipientRequest {
    /// The recipient's name.
    pub name: String,
    /// A wallet in the destination country.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    /// Or an account a partner network pays out to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payout: Option<Payout>,
    /// How the sender knows the recipient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
}

/// `POST /v1/remittances`: sends money abroad at a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemittanceRequest {
    /// A `remittance` quote of this wallet, unused and unexpired.
    pub quote_id: String,
    /// The recipient.
    pub recipient: RemittanceRecipientRequest,
    /// `family_support`, `education`, `medical`, `savings`, `gift` or `business`.
    pub purpose: String,
    /// A message for the recipient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The sender of a remittance as the answer and the recipient's event name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sender {
    /// Handle, without `@`.
    pub handle: String,
    /// Legal name (remitters are verified).
    pub name: Option<String>,
    /// Country.
    pub country: String,
}

/// The recipient of a remittance as the answer names it (a payout account masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemittanceRecipient {
    /// The recipient's name.
    pub name: String,
    /// The wallet credited, when paid to a wallet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    /// The partner payout, when paid out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payout: Option<Payout>,
    /// How the sender knows the recipient.
    pub relationship: Option<String>,
}

/// A remittance sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Remittance {
    /// Transaction id.
    pub id: String,
    /// `remittance`.
    pub kind: String,
    /// `credited` (a wallet) or `paid_out_to_partner`.
    #[cfg_attr(feature = "openapi", schema(schema_with = doc::remittance_status))]
    pub status: String,
    /// The sender.
    pub sender: Sender,
    /// The recipient.
    pub recipient: RemittanceRecipient,
    /// Purpose given.
    pub purpose: String,
    /// Destination country.
    pub destination_country: String,
    /// From the quote: what left the wallet before the fee.
    pub send: Amount,
    /// From the quote: what arrives.
    pub receive: Amount,
    /// From the quote: the fee.
    pub fee: Amount,
    /// From the quote: `send` plus `fee`.
    pub total: Amount,
    /// From the quote: the customer rate.
    pub rate: String,
    /// The quote executed.
    pub quote_id: String,
    /// Host time by which it should arrive.
    pub estimated_delivery_at: i64,
    /// Sender's balance after it.
    pub balance: Amount,
    /// Host time.
    pub created_at: i64,
}

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

// ---------- events ----------

/// `GET /v1/events`: the wallet's events after `after`, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Events {
    /// Up to 100 events.
    pub events: Vec<Event>,
    /// The last sequence number read: ask for `after` it next time.
    pub last_seq: i64,
}

/// One event of a wallet's feed: `{seq, kind, data, created_at}`, `data` typed by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawEvent", try_from = "RawEvent")]
pub struct Event {
    /// Feed sequence number.
    pub seq: i64,
    /// Host time.
    pub created_at: i64,
    /// What happened, with its kind.
    pub data: EventData,
}

/// What an event says, by its `kind`.
#[derive(Debug, Clone, PartialEq)]
pub enum EventData {
    /// `topup_completed`.
    TopupCompleted(TopUp),
    /// `payment_completed`.
    PaymentCompleted(Payment),
    /// `transfer_sent`.
    TransferSent(Transfer),
    /// `transfer_received`: money from another wallet, at home or from abroad.
    TransferReceived(TransferReceived),
    /// `remittance_status`.
    RemittanceStatus(RemittanceStatus),
    /// `kyc_verified`.
    KycVerified(KycVerified),
    /// `device_revoked`.
    DeviceRevoked(DeviceRevokedEvent),
    /// `consumer_codes_revoked`: the host dropped a token's keys.
    ConsumerCodesRevoked(CodesRevoked),
    /// `charge_approval_requested`: a till charge waits for the shopper.
    ChargeApprovalRequested(ApprovalRequested),
    /// `consumer_code_charged`: a till captured a charge of one of this wallet's codes.
    ConsumerCodeCharged(CodeCharged),
    /// `consumer_code_refused`: a till presented a code and the charge was refused.
    ConsumerCodeRefused(CodeRefused),
    /// A kind this client does not know yet (newer hosts may add some).
    Other {
        /// The kind.
        kind: String,
        /// Its data, unread.
        data: Value,
    },
}

/// The event kinds a host sends today, in the order of [`EventData`].
pub const EVENT_KINDS: &[&str] = &[
    "topup_completed",
    "payment_completed",
    "transfer_sent",
    "transfer_received",
    "remittance_status",
    "kyc_verified",
    "device_revoked",
    "consumer_codes_revoked",
    "charge_approval_requested",
    "consumer_code_charged",
    "consumer_code_refused",
];

impl EventData {
    /// The event's `kind`.
    pub fn kind(&self) -> &str {
        match self {
            EventData::TopupCompleted(_) => EVENT_KINDS[0],
            EventData::PaymentCompleted(_) => EVENT_KINDS[1],
            EventData::TransferSent(_) => EVENT_KINDS[2],
            EventData::TransferReceived(_) => EVENT_KINDS[3],
            EventData::RemittanceStatus(_) => EVENT_KINDS[4],
            EventData::KycVerified(_) => EVENT_KINDS[5],
            EventData::DeviceRevoked(_) => EVENT_KINDS[6],
            EventData::ConsumerCodesRevoked(_) => EVENT_KINDS[7],
            EventData::ChargeApprovalRequested(_) => EVENT_KINDS[8],
            EventData::ConsumerCodeCharged(_) => EVENT_KINDS[9],
            EventData::ConsumerCodeRefused(_) => EVENT_KINDS[10],
            EventData::Other { kind, .. } => kind,
        }
    }

    /// The event's `data` as JSON.
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        match self {
            EventData::TopupCompleted(d) => serde_json::to_value(d),
            EventData::PaymentCompleted(d) => serde_json::to_value(d),
            EventData::TransferSent(d) => serde_json::to_value(d),
            EventData::TransferReceived(d) => serde_json::to_value(d),
            EventData::RemittanceStatus(d) => serde_json::to_value(d),
            EventData::KycVerified(d) => serde_json::to_value(d),
            EventData::DeviceRevoked(d) => serde_json::to_value(d),
            EventData::ConsumerCodesRevoked(d) => serde_json::to_value(d),
            EventData::ChargeApprovalRequested(d) => serde_json::to_value(d),
            EventData::ConsumerCodeCharged(d) => serde_json::to_value(d),
            EventData::ConsumerCodeRefused(d) => serde_json::to_value(d),
            EventData::Other { data, .. } => Ok(data.clone()),
        }
    }

    /// Reads `data` by `kind`; an unknown kind is kept as [`EventData::Other`], a known kind
    /// whose data does not read is an error (the host broke its contract).
    pub fn from_parts(kind: &str, data: Value) -> Result<EventData, serde_json::Error> {
        use serde_json::from_value as read;
        Ok(match kind {
            "topup_completed" => EventData::TopupCompleted(read(data)?),
            "payment_completed" => EventData::PaymentCompleted(read(data)?),
            "transfer_sent" => EventData::TransferSent(read(data)?),
            "transfer_received" => EventData::TransferReceived(read(data)?),
            "remittance_status" => EventData::RemittanceStatus(read(data)?),
            "kyc_verified" => EventData::KycVerified(read(data)?),
            "device_revoked" => EventData::DeviceRevoked(read(data)?),
            "consumer_codes_revoked" => EventData::ConsumerCodesRevoked(read(data)?),
            "charge_approval_requested" => EventData::ChargeApprovalRequested(read(data)?),
            "consumer_code_charged" => EventData::ConsumerCodeCharged(read(data)?),
            "consumer_code_refused" => EventData::ConsumerCodeRefused(read(data)?),
            other => EventData::Other { kind: other.to_owned(), data },
        })
    }
}

// The wire form of an event; `Event` converts through it so `data` is read by `kind`.
#[derive(Serialize, Deserialize)]
struct RawEvent {
    seq: i64,
    kind: String,
    data: Value,
    created_at: i64,
}

impl TryFrom<RawEvent> for Event {
    type Error = serde_json::Error;

    fn try_from(raw: RawEvent) -> Result<Event, serde_json::Error> {
        Ok(Event { seq: raw.seq, created_at: raw.created_at, data: EventData::from_parts(&raw.kind, raw.data)? })
    }
}

impl From<Event> for RawEvent {
    fn from(e: Event) -> RawEvent {
        // Serialising these plain structs cannot fail (string keys, no floats); Null keeps
        // `From` infallible should that ever change.
        let data = e.data.to_value().unwrap_or(Value::Null);
        RawEvent { seq: e.seq, kind: e.data.kind().to_owned(), data, created_at: e.created_at }
    }
}

/// Who sent money received: a wallet at home (with `display_name`) or a remitter abroad
/// (with `name`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counterparty {
    /// Handle, without `@`.
    pub handle: String,
    /// Display name (domestic transfers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Legal name (remittances).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Country.
    pub country: String,
}

/// Data of `transfer_received`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferReceived {
    /// Transaction id.
    pub id: String,
    /// `p2p` or `remittance`.
    pub kind: String,
    /// The sender.
    pub from: Counterparty,
    /// What arrived, in this wallet's currency.
    pub amount: Amount,
    /// Domestic transfers: the sender's message (may be empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Remittances: the purpose given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// Data of `remittance_status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemittanceStatus {
    /// Transaction id.
    pub id: String,
    /// `credited` or `paid_out_to_partner`.
    pub status: String,
    /// Host time by which it should arrive.
    pub estimated_delivery_at: i64,
}

/// Data of `kyc_verified`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KycVerified {
    /// The new tier, `verified`.
    pub tier: String,
}

/// Data of `device_revoked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceRevokedEvent {
    /// The revoked device.
    pub device_id: String,
    /// The device that revoked it, or `admin`.
    pub by: String,
}

/// Data of `consumer_codes_revoked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodesRevoked {
    /// The payment token whose keys are void.
    pub token: String,
    /// `cryptogram_failures`.
    pub reason: String,
    /// Wrong cryptograms counted.
    pub failures: i64,
}

/// Data of `charge_approval_requested`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalRequested {
    /// Charge id (approve or decline it by this id).
    pub id: String,
    /// Who charges.
    pub merchant: MerchantRef,
    /// How much.
    pub amount: Amount,
    /// Host time until which it may be approved.
    pub approve_by: i64,
    /// Host time.
    pub created_at: i64,
}

/// Data of `consumer_code_charged`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeCharged {
    /// Transaction id.
    pub id: String,
    /// The till's charge.
    pub charge_id: String,
    /// `cpm_charge`.
    pub kind: String,
    /// `captured`.
    pub status: String,
    /// Who charged.
    pub merchant: MerchantRef,
    /// How much.
    pub amount: Amount,
    /// The code's counter.
    pub counter: i64,
    /// Wallet balance after it.
    pub balance: Amount,
    /// Host time.
    pub created_at: i64,
}

/// Data of `consumer_code_refused`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeRefused {
    /// The till's charge.
    pub charge_id: String,
    /// Who tried to charge.
    pub merchant_id: String,
    /// How much.
    pub amount: Amount,
    /// The refusal's error kind.
    pub refusal: String,
}

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
}

/// OpenAPI pieces the derives cannot say: string fields with a closed set of values today
/// (kept strings on the wire so older clients read newer values) and the event union.
#[cfg(feature = "openapi")]
mod doc {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type};
    use utoipa::openapi::RefOr;
    use utoipa::{PartialSchema, ToSchema};

    fn strings(values: &[&str]) -> ObjectBuilder {
        ObjectBuilder::new().schema_type(SchemaType::Type(Type::String)).enum_values(Some(values.iter().copied()))
    }

    pub(super) fn tier() -> ObjectBuilder {
        strings(&["unverified", "verified"])
    }

    pub(super) fn quote_purpose() -> ObjectBuilder {
        strings(&["merchant_payment", "remittance"])
    }

    pub(super) fn remittance_status() -> ObjectBuilder {
        strings(&["credited", "paid_out_to_partner"])
    }

    pub(super) fn direction() -> ObjectBuilder {
        strings(&["in", "out"])
    }

    pub(super) fn charge_status() -> ObjectBuilder {
        strings(&["captured", "pending_approval", "refused", "declined", "expired"])
    }

    fn int64() -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::Integer))
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Int64)))
    }

    /// The component names of each event kind's data, in [`super::EVENT_KINDS`] order.
    fn data_schemas() -> Vec<(&'static str, String, RefOr<Schema>)> {
        fn one<T: ToSchema>(kind: &'static str) -> (&'static str, String, RefOr<Schema>) {
            (kind, T::name().into_owned(), T::schema())
        }
        use super::*;
        vec![
            one::<TopUp>(EVENT_KINDS[0]),
            one::<Payment>(EVENT_KINDS[1]),
            one::<Transfer>(EVENT_KINDS[2]),
            one::<TransferReceived>(EVENT_KINDS[3]),
            one::<RemittanceStatus>(EVENT_KINDS[4]),
            one::<KycVerified>(EVENT_KINDS[5]),
            one::<DeviceRevokedEvent>(EVENT_KINDS[6]),
            one::<CodesRevoked>(EVENT_KINDS[7]),
            one::<ApprovalRequested>(EVENT_KINDS[8]),
            one::<CodeCharged>(EVENT_KINDS[9]),
            one::<CodeRefused>(EVENT_KINDS[10]),
        ]
    }

    impl PartialSchema for super::Event {
        fn schema() -> RefOr<Schema> {
            let mut one_of = OneOfBuilder::new()
                .description(Some("One event; `data` is typed by `kind`. Clients skip kinds they do not know."));
            for (kind, name, _) in data_schemas() {
                one_of = one_of.item(
                    ObjectBuilder::new()
                        .title(Some(kind))
                        .property("seq", int64())
                        .required("seq")
                        .property("kind", strings(&[kind]))
                        .required("kind")
                        .property("data", utoipa::openapi::Ref::from_schema_name(name))
                        .required("data")
                        .property("created_at", int64())
                        .required("created_at"),
                );
            }
            RefOr::T(Schema::OneOf(one_of.build()))
        }
    }

    impl ToSchema for super::Event {
        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            for (_, name, schema) in data_schemas() {
                schemas.push((name, schema));
            }
            // The data types' own parts (Amount, MerchantRef, …).
            <super::Payment as ToSchema>::schemas(schemas);
            <super::Transfer as ToSchema>::schemas(schemas);
            <super::TransferReceived as ToSchema>::schemas(schemas);
            <super::ApprovalRequested as ToSchema>::schemas(schemas);
            <super::CodeCharged as ToSchema>::schemas(schemas);
            <super::TopUp as ToSchema>::schemas(schemas);
            <super::CodeRefused as ToSchema>::schemas(schemas);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_read_by_kind_and_keep_unknown_kinds() {
        let page: Events = serde_json::from_value(json!({
            "events": [
                { "seq": 1, "kind": "kyc_verified", "data": { "tier": "verified" }, "created_at": 10 },
                { "seq": 2, "kind": "something_new", "data": { "x": 1 }, "created_at": 11 },
                { "seq": 3, "kind": "transfer_received", "created_at": 12, "data": {
                    "id": "tx_1", "kind": "p2p", "amount": { "minor": 500, "currency": "JPY" }, "message": "",
                    "from": { "handle": "ken", "display_name": "Ken", "country": "JP" }, "new_field": true } }
            ],
            "last_seq": 3,
            "later": "a field this client does not know"
        }))
        .unwrap();
        assert_eq!(page.events[0].data, EventData::KycVerified(KycVerified { tier: "verified".into() }));
        assert_eq!(page.events[1].data.kind(), "something_new");
        let EventData::TransferReceived(t) = &page.events[2].data else { panic!("typed by kind") };
        assert_eq!((t.from.display_name.as_deref(), t.amount.money().map(|m| m.minor())), (Some("Ken"), Some(500)));
        // Written back exactly as read (less the unknown field), kind beside data.
        let back = serde_json::to_value(&page.events[2]).unwrap();
        assert_eq!(back["kind"], "transfer_received");
        assert_eq!(back["data"]["message"], "");
        assert!(back["data"].get("purpose").is_none());
    }

    #[test]
    fn a_known_kind_with_unreadable_data_is_an_error() {
        let bad = json!({ "seq": 1, "kind": "kyc_verified", "data": { "tier": 7 }, "created_at": 1 });
        assert!(serde_json::from_value::<Event>(bad).is_err());
    }

    #[test]
    fn requests_leave_out_what_is_not_given() {
        let body = PaymentRequest {
            payload: "000201".into(),
            route: "jpqr".into(),
            amount: Some(Amount::new(1200, "JPY")),
            tip: None,
            quote_id: None,
            references: None,
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({ "payload": "000201", "route": "jpqr", "amount": { "minor": 1200, "currency": "JPY" } })
        );
        let tip = serde_json::to_value(TipRule::Fixed { fee: Amount::new(110, "JPY") }).unwrap();
        assert_eq!(tip, json!({ "kind": "fixed", "fee": { "minor": 110, "currency": "JPY" } }));
    }

    #[test]
    fn amounts_convert_to_money() {
        let m = Amount::new(3000, "THB").money().unwrap();
        assert_eq!(Amount::from(m), Amount::new(3000, "THB"));
        assert_eq!(Amount::new(1, "XXX?").money(), None);
    }
}
