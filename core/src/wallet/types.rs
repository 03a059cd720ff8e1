//! The records the wallet hands to the apps, and reading them from the host's JSON. The ones
//! it also keeps (profile, bank links, recipients, history, charge requests) are defined here
//! too: the store reads its rows into them, so a table can change without changing the API.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::WalletError;
use crate::money::{Currency, Money};
use crate::net::api;
use crate::scheme::ReferenceKind;

/// Reads a host answer as its API type; a body that does not fit is a protocol error.
pub(crate) fn read<T: DeserializeOwned>(v: &Value) -> Result<T, WalletError> {
    T::deserialize(v).map_err(|e| WalletError::Protocol(e.to_string()))
}

/// An amount from the host as money; a currency this library does not know is a protocol error.
pub(crate) fn money(a: &api::Amount) -> Result<Money, WalletError> {
    a.money().ok_or_else(|| WalletError::Protocol(format!("unknown currency {}", a.currency)))
}

/// What the host reports about the wallet: balance, tier and limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    /// Money available to spend.
    pub available: Money,
    /// KYC tier (`unverified`, `verified`).
    pub tier: String,
    /// Largest single transfer.
    pub per_transfer_limit: Money,
    /// Monthly cap on outgoing transfers.
    pub monthly_limit: Money,
    /// Used of the monthly cap.
    pub used_this_month: Money,
    /// Whether remittances abroad are allowed.
    pub can_remit: bool,
    /// Till charges above this wait for the shopper's approval on the phone.
    pub no_confirm_limit: Money,
}

impl Balance {
    /// The balance, tier and limits of the host's wallet record.
    pub(crate) fn from_api(w: &api::Wallet) -> Result<Balance, WalletError> {
        Ok(Balance {
            available: money(&w.balance)?,
            tier: w.tier.clone(),
            per_transfer_limit: money(&w.limits.per_transfer)?,
            monthly_limit: money(&w.limits.monthly)?,
            used_this_month: money(&w.limits.used_this_month)?,
            can_remit: w.limits.can_remit,
            no_confirm_limit: money(&w.limits.no_confirm)?,
        })
    }
}

/// A bank the host can link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bank {
    /// Bank id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Currency of its accounts.
    pub currency: String,
}

/// An FX quote: what leaves the wallet (amount, fee, total, in the home currency) and what
/// arrives, at which rate, until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxQuote {
    /// Quote id.
    pub id: String,
    /// `merchant_payment` or `remittance`.
    pub purpose: String,
    /// Converted amount, home currency.
    pub send: Money,
    /// Amount delivered, foreign currency.
    pub receive: Money,
    /// Fee, home currency.
    pub fee: Money,
    /// Debited from the wallet: send plus fee.
    pub total: Money,
    /// Customer rate, foreign units per home unit, as a decimal string.
    pub rate: String,
    /// Mid-market rate, for showing the margin.
    pub mid_rate: String,
    /// Margin over mid-market, basis points.
    pub margin_bps: i64,
    /// Destination country of a remittance.
    pub destination_country: Option<String>,
    /// Delivery estimate of a remittance, seconds.
    pub delivery_estimate_secs: Option<i64>,
    /// Host time after which the quote cannot be used, unix seconds.
    pub expires_at: i64,
}

impl FxQuote {
    /// The quote as the host gave it.
    pub(crate) fn from_api(q: &api::Quote) -> Result<FxQuote, WalletError> {
        Ok(FxQuote {
            id: q.id.clone(),
            purpose: q.purpose.clone(),
            send: money(&q.send)?,
            receive: money(&q.receive)?,
            fee: money(&q.fee)?,
            total: money(&q.total)?,
            rate: q.rate.clone(),
            mid_rate: q.mid_rate.clone(),
            margin_bps: q.margin_bps,
            destination_country: q.destination_country.clone(),
            delivery_estimate_secs: q.delivery_estimate_secs,
            expires_at: q.expires_at,
        })
    }
}

/// What the app supplies to pay a scanned merchant code.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaymentRequest {
    /// The scanned payload, as scanned.
    pub payload: String,
    /// Scheme id of the route to pay (`None`: the code's first payable route).
    pub route: Option<String>,
    /// The amount the payer typed, for codes without one.
    pub amount: Option<Money>,
    /// The tip the payer chose, for codes that prompt for one.
    pub tip: Option<Money>,
    /// Values for the references the code asks the payer for (`***`).
    pub references: Vec<(ReferenceKind, String)>,
}

/// A payment ready to confirm: everything the payer must see first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentQuote {
    /// The payload to pay.
    pub payload: String,
    /// Route (scheme id).
    pub route: String,
    /// Merchant name from the code.
    pub merchant_name: Option<String>,
    /// Merchant country from the code.
    pub merchant_country: Option<String>,
    /// The amount, merchant currency.
    pub amount: Money,
    /// Tip or convenience fee, merchant currency.
    pub tip: Money,
    /// Amount plus tip, merchant currency.
    pub total: Money,
    /// For a foreign merchant: the FX quote.
    pub fx: Option<FxQuote>,
    /// What leaves the wallet, home currency (FX fee included).
    pub debit: Money,
    /// Fee, home currency.
    pub fee: Money,
    /// References the payer filled in.
    pub references: Vec<(ReferenceKind, String)>,
    /// Whether the code prompts for a tip (so the tip is sent as the payer's choice).
    pub tip_prompted: bool,
}

/// Whom to send money to at home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendTo {
    /// A wallet handle, with or without `@`.
    Handle(String),
    /// A scanned receive code.
    ReceiveCode(String),
}

/// How a remittance is paid out.
#[derive(Clone, PartialEq, Eq)]
pub enum RemitDestination {
    /// A Koban wallet in the destination country.
    Handle(String),
    /// An account at a partner: `bank_account`, `mobile_wallet` or `cash_pickup`.
    Payout {
        /// Payout method.
        method: String,
        /// Provider (bank, wallet or agent network).
        provider: String,
        /// Account number (masked by the host in every answer).
        account: String,
    },
}

impl std::fmt::Debug for RemitDestination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RemitDestination::Handle(h) => f.debug_tuple("Handle").field(h).finish(),
            RemitDestination::Payout { method, provider, account } => {
                let last4 = account.get(account.len().saturating_sub(4)..).unwrap_or("");
                f.debug_struct("Payout")
                    .field("method", method)
                    .field("provider", provider)
                    .field("account", &format!("****{last4}"))
                    .finish()
            }
        }
    }
}

/// Who receives a remittance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemitRecipient {
    /// Full name.
    pub name: String,
    /// Where the money goes.
    pub destination: RemitDestination,
    /// Relationship to the sender, if asked.
    pub relationship: Option<String>,
}

/// Which side of a remittance quote is fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteAmount {
    /// The amount to send, home currency.
    Send(Money),
    /// The amount to arrive, destination currency.
    Receive(Money),
}

/// One page of history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPage {
    /// Newest first.
    pub items: Vec<TransactionRecord>,
    /// Pass back to read the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// What a sync brought in.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncReport {
    /// Transfers and merchants' refunds received since the last sync.
    pub received: Vec<TransactionRecord>,
    /// Till charges of this wallet's codes captured since the last sync.
    pub charged: Vec<TransactionRecord>,
    /// Till charges above the no-confirmation limit now waiting for approval.
    pub charge_requests: Vec<ChargeRequest>,
    /// Single-use keys dropped because the host revoked their token.
    pub codes_revoked: u32,
    /// Money requests friends made of this wallet, and this wallet's requests answered
    /// (paid or declined), since the last sync.
    pub money_requests: Vec<super::MoneyRequest>,
    /// Balance after the sync, if the host could be asked.
    pub balance: Option<Money>,
}

/// Enrolment details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// Home country (JP, TH, …).
    pub country: String,
    /// Handle to claim.
    pub handle: String,
    /// Name shown to others.
    pub display_name: String,
}

/// A bank account to link.
#[derive(Clone, PartialEq, Eq)]
pub struct BankAccount {
    /// Bank id from [`crate::wallet::Wallet::banks`].
    pub bank_id: String,
    /// Account number (7 digits at Japanese banks); only the last four are kept locally.
    pub account_number: String,
    /// Holder name as the bank has it.
    pub holder_name: String,
    /// Sandbox only: what the simulated account opens with.
    pub sandbox_opening_balance: Option<Money>,
}

impl std::fmt::Debug for BankAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let last4 = self.account_number.get(self.account_number.len().saturating_sub(4)..).unwrap_or("");
        f.debug_struct("BankAccount")
            .field("bank_id", &self.bank_id)
            .field("account_number", &format!("****{last4}"))
            .finish_non_exhaustive()
    }
}

/// Identity details for KYC.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    /// Legal name.
    pub legal_name: String,
    /// Date of birth, YYYY-MM-DD.
    pub date_of_birth: String,
    /// Identity document number.
    pub document_number: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity(<redacted>)")
    }
}

/// The enrolled wallet, as this device knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletProfile {
    /// Host wallet id.
    pub wallet_id: String,
    /// This device's id at the host.
    pub device_id: String,
    /// Public handle, without `@`.
    pub handle: String,
    /// Name shown to others.
    pub display_name: String,
    /// Home country, ISO 3166-1 alpha-2.
    pub country: String,
    /// Home currency.
    pub currency: Currency,
    /// KYC tier as the host names it (`unverified`, `verified`).
    pub tier: String,
    /// Enrolment time, unix seconds.
    pub enrolled_at: i64,
}

/// A linked bank account; only the last four digits of the account number are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankLink {
    /// Host link id.
    pub id: String,
    /// Bank id.
    pub bank_id: String,
    /// Bank name.
    pub bank_name: String,
    /// Last four digits of the account number.
    pub last4: String,
    /// Account holder.
    pub holder_name: String,
    /// Link time, unix seconds.
    pub created_at: i64,
}

/// Someone this wallet has sent money to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// Handle, without `@`.
    pub handle: String,
    /// Display name.
    pub display_name: String,
    /// Country.
    pub country: String,
    /// Last transfer time, unix seconds.
    pub last_used_at: i64,
}

/// Money in or out of the wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Money came in.
    In,
    /// Money went out.
    Out,
}

impl Direction {
    /// `in` or `out`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// One entry of the wallet's history.
#[derive(Debug, Clone, PartialEq)]
pub struct TransactionRecord {
    /// Host transaction id.
    pub id: String,
    /// `topup`, `payment`, `p2p`, `remittance`, …
    pub kind: String,
    /// In or out.
    pub direction: Direction,
    /// What the wallet balance moved by, in the wallet's currency (fees included).
    pub amount: Money,
    /// Merchant, friend or recipient, as shown.
    pub counterparty: Option<String>,
    /// One readable line.
    pub description: String,
    /// The intent it came from, for outgoing transactions.
    pub intent_key: Option<String>,
    /// Host time, unix seconds.
    pub created_at: i64,
    /// The host's full record.
    pub details: Value,
}

impl TransactionRecord {
    /// For a refund, the transaction it gives back (another entry of this history).
    pub fn refund_of(&self) -> Option<&str> {
        if self.kind != "refund" {
            return None;
        }
        self.details.get("original_transaction_id").and_then(Value::as_str)
    }
}

/// A till charge above the no-confirmation limit, as the phone shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRequest {
    /// The host's charge id.
    pub id: String,
    /// Who asks.
    pub merchant_name: String,
    /// The merchant's country, ISO 3166-1 alpha-2.
    pub merchant_country: Option<String>,
    /// How much.
    pub amount: Money,
    /// The host refuses an answer after this (Unix seconds, host clock).
    pub approve_by: i64,
    /// pending | approved | declined | expired | refused.
    pub status: String,
    /// When the till asked (host time).
    pub created_at: i64,
}
