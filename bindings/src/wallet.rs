//! The wallet: enrolment, banks, top-up, merchant payments, P2P, remittances, history,
//! consumer codes, till charges to approve and incoming-money events, over
//! `koban_core::wallet::Wallet`.
//!
//! Anything that touches the network is `async` on tokio; local reads and code generation
//! are synchronous. Every money-moving call is exactly-once (ADR 0005): cancelling a
//! coroutine or Task mid-call leaves at most a pending intent that the next call settles.
//! Keys and tokens stay in Rust; only the codes made from them cross.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use koban_core::money::{Currency, Money as CoreMoney};
use koban_core::{scheme, store, wallet as core};
use tokio::sync::{watch, Notify};

use crate::cpm::QrMatrix;
use crate::error::WalletError;
use crate::money::Money;
use crate::platform::{HttpTransport, KeyStore, KeyStoreAdapter, Log, LogLevel, Logger, TransportAdapter};
use crate::scheme::ReferenceKind;

fn core_money(m: &Money) -> Result<CoreMoney, WalletError> {
    let currency = Currency::from_alpha(&m.currency)
        .ok_or_else(|| WalletError::InvalidInput(format!("invalid input: unknown currency {:?}", m.currency)))?;
    Ok(CoreMoney::from_minor(m.minor, currency))
}

fn core_reference_kind(k: ReferenceKind) -> scheme::ReferenceKind {
    use scheme::ReferenceKind as K;
    match k {
        ReferenceKind::BillNumber => K::BillNumber,
        ReferenceKind::MobileNumber => K::MobileNumber,
        ReferenceKind::StoreLabel => K::StoreLabel,
        ReferenceKind::LoyaltyNumber => K::LoyaltyNumber,
        ReferenceKind::ReferenceLabel => K::ReferenceLabel,
        ReferenceKind::CustomerLabel => K::CustomerLabel,
        ReferenceKind::TerminalLabel => K::TerminalLabel,
        ReferenceKind::Purpose => K::Purpose,
        ReferenceKind::ConsumerDataRequest => K::ConsumerDataRequest,
        ReferenceKind::Note => K::Note,
    }
}

/// How the wallet reaches its host.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletConfig {
    /// Base URL of the host, e.g. `https://wallet.example` or `http://127.0.0.1:8080`.
    pub host_url: String,
    /// Limit on one request, connect to last byte, in milliseconds.
    #[uniffi(default = 15000)]
    pub timeout_ms: i64,
    /// Sends of one request before its outcome is reported unknown.
    #[uniffi(default = 3)]
    pub max_attempts: i32,
}

/// The enrolled wallet as this device knows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletProfile {
    /// The host's wallet id.
    pub wallet_id: String,
    /// The holder's handle (without `@`).
    pub handle: String,
    /// Name shown to others.
    pub display_name: String,
    /// Home country (JP, TH, …).
    pub country: String,
    /// Home currency's alpha code.
    pub currency: String,
    /// KYC tier (`unverified`, `verified`).
    pub tier: String,
    /// When this device enrolled, Unix seconds.
    pub enrolled_at: i64,
}

impl From<core::WalletProfile> for WalletProfile {
    fn from(w: core::WalletProfile) -> Self {
        WalletProfile {
            wallet_id: w.wallet_id,
            handle: w.handle,
            display_name: w.display_name,
            country: w.country,
            currency: w.currency.alpha().to_owned(),
            tier: w.tier,
            enrolled_at: w.enrolled_at,
        }
    }
}

/// What the host reports about the wallet: balance, tier and limits.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
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
    /// Till charges of this wallet's codes above this wait for approval on the phone.
    pub no_confirm_limit: Money,
}

impl From<core::Balance> for Balance {
    fn from(b: core::Balance) -> Self {
        Balance {
            available: b.available.into(),
            tier: b.tier,
            per_transfer_limit: b.per_transfer_limit.into(),
            monthly_limit: b.monthly_limit.into(),
            used_this_month: b.used_this_month.into(),
            can_remit: b.can_remit,
            no_confirm_limit: b.no_confirm_limit.into(),
        }
    }
}

/// The last balance the host reported, for showing offline.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CachedBalance {
    /// The balance.
    pub available: Money,
    /// Host time of that balance, Unix seconds.
    pub as_of: i64,
}

/// A bank the host can link.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Bank {
    /// Bank id, for [`BankAccount::bank_id`].
    pub id: String,
    /// Display name.
    pub name: String,
    /// Currency of its accounts.
    pub currency: String,
}

impl From<core::Bank> for Bank {
    fn from(b: core::Bank) -> Self {
        Bank { id: b.id, name: b.name, currency: b.currency }
    }
}

/// A linked bank account; only its last four digits are kept.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BankLink {
    /// Link id, for [`Wallet::top_up`].
    pub id: String,
    /// Bank id.
    pub bank_id: String,
    /// Bank name.
    pub bank_name: String,
    /// Last four digits of the account number.
    pub last4: String,
    /// Holder name as the bank has it.
    pub holder_name: String,
    /// When it was linked, Unix seconds.
    pub created_at: i64,
}

impl From<store::BankLink> for BankLink {
    fn from(b: store::BankLink) -> Self {
        BankLink {
            id: b.id,
            bank_id: b.bank_id,
            bank_name: b.bank_name,
            last4: b.last4,
            holder_name: b.holder_name,
            created_at: b.created_at,
        }
    }
}

/// Someone this wallet has sent money to.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Recipient {
    /// Their handle (without `@`).
    pub handle: String,
    /// Their display name.
    pub display_name: String,
    /// Their country.
    pub country: String,
    /// Last time money went to them, Unix seconds.
    pub last_used_at: i64,
}

impl From<store::Recipient> for Recipient {
    fn from(r: store::Recipient) -> Self {
        Recipient { handle: r.handle, display_name: r.display_name, country: r.country, last_used_at: r.last_used_at }
    }
}

/// Which way money moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Direction {
    /// Money came in.
    In,
    /// Money went out.
    Out,
}

/// One item of history.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletTransaction {
    /// The host's transaction id.
    pub id: String,
    /// `topup`, `payment`, `p2p`, `remittance`, …
    pub kind: String,
    /// In or out.
    pub direction: Direction,
    /// The amount, always positive; in the home currency for payments abroad.
    pub amount: Money,
    /// Merchant name, `@handle`, recipient or bank link.
    pub counterparty: Option<String>,
    /// A line to show ("Payment to KOBAN RAMEN (¥1,200)").
    pub description: String,
    /// Host time, Unix seconds.
    pub created_at: i64,
    /// The host's answer and what the user was shown, as JSON, for receipts (account numbers masked).
    pub details_json: String,
    /// What the entry says beyond its line: both currencies, rate, fee, the payment a refund
    /// gives back, references.
    pub detail: TransactionDetail,
}

/// The detail of a history entry, read from the host's record.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TransactionDetail {
    /// The host's status (`completed`, `credited`, `paid_out_to_partner`, …), if it gives one.
    pub status: Option<String>,
    /// The amount in the other currency (the merchant's abroad, the recipient's).
    pub foreign_amount: Option<Money>,
    /// The rate applied, foreign currency per home currency, as decimal text.
    pub rate: Option<String>,
    /// The fee inside the amount.
    pub fee: Option<Money>,
    /// For a refund: the transaction it gives back.
    pub refund_of: Option<String>,
    /// References sent with a payment, as `kind=value`.
    pub references: Vec<String>,
    /// A message sent with a transfer.
    pub message: Option<String>,
    /// A cash pickup's reference, once the partner has it.
    pub pickup_reference: Option<String>,
}

impl From<core::TransactionDetail> for TransactionDetail {
    fn from(d: core::TransactionDetail) -> Self {
        TransactionDetail {
            status: d.status,
            foreign_amount: d.foreign_amount.map(Into::into),
            rate: d.rate,
            fee: d.fee.map(Into::into),
            refund_of: d.refund_of,
            references: d.references,
            message: d.message,
            pickup_reference: d.pickup_reference,
        }
    }
}

/// A merchant code as its network decoded it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MerchantCodeInfo {
    /// The network that serves it: `alipay_plus`, `wechat_pay` or `unionpay`.
    pub network: String,
    /// The route that pays it: `alipay`, `wechatpay` or `unionpay`.
    pub route: String,
    /// The merchant's id.
    pub merchant_id: String,
    /// The merchant's name.
    pub merchant_name: String,
    /// Its city.
    pub city: String,
    /// Its country.
    pub country: String,
    /// The currency it is paid in (ISO 4217).
    pub currency: String,
    /// An order code's fixed amount; none when the payer types it.
    pub amount: Option<Money>,
}

/// Which history entries: some kinds, a period (host time, Unix seconds).
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct HistoryFilter {
    /// Only these kinds (`payment`, `refund`, `withdrawal`, …); empty: every kind.
    #[uniffi(default = [])]
    pub kinds: Vec<String>,
    /// Only entries at or after this time.
    #[uniffi(default = None)]
    pub from: Option<i64>,
    /// Only entries before this time.
    #[uniffi(default = None)]
    pub to: Option<i64>,
}

impl From<HistoryFilter> for core::HistoryFilter {
    fn from(f: HistoryFilter) -> Self {
        core::HistoryFilter { kinds: f.kinds, from: f.from, to: f.to }
    }
}

impl From<store::TransactionRecord> for WalletTransaction {
    fn from(t: store::TransactionRecord) -> Self {
        let detail = t.detail().into();
        WalletTransaction {
            detail,
            id: t.id,
            kind: t.kind,
            direction: match t.direction {
                store::Direction::In => Direction::In,
                store::Direction::Out => Direction::Out,
            },
            amount: t.amount.into(),
            counterparty: t.counterparty,
            description: t.description,
            created_at: t.created_at,
            details_json: t.details.to_string(),
        }
    }
}

/// One page of history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HistoryPage {
    /// The items, newest first.
    pub items: Vec<WalletTransaction>,
    /// Pass to [`Wallet::history`] for the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// A till charge above the no-confirmation limit, waiting for the shopper to approve or decline it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChargeRequest {
    /// The host's charge id, for [`Wallet::approve_charge`] and [`Wallet::decline_charge`].
    pub id: String,
    /// The merchant whose till asks.
    pub merchant_name: String,
    /// The merchant's country (ISO 3166-1 alpha-2), when the host names it.
    pub merchant_country: Option<String>,
    /// The amount the till asks for.
    pub amount: Money,
    /// The host refuses an answer after this, Unix seconds (host clock).
    pub approve_by: i64,
    /// `pending`, or how it ended (`approved`, `declined`, `expired`, `refused`…).
    pub status: String,
    /// When the till asked, Unix seconds (host clock).
    pub created_at: i64,
}

impl From<store::ChargeRequest> for ChargeRequest {
    fn from(c: store::ChargeRequest) -> Self {
        ChargeRequest {
            id: c.id,
            merchant_name: c.merchant_name,
            merchant_country: c.merchant_country,
            amount: c.amount.into(),
            approve_by: c.approve_by,
            status: c.status,
            created_at: c.created_at,
        }
    }
}

/// What a sync brought in.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncReport {
    /// Transfers received since the last sync.
    pub received: Vec<WalletTransaction>,
    /// Till charges of this wallet's codes captured since the last sync (now in history).
    pub charged: Vec<WalletTransaction>,
    /// Till charges newly waiting for approval.
    pub charge_requests: Vec<ChargeRequest>,
    /// Single-use code keys dropped because the host revoked their token.
    pub codes_revoked: i32,
    /// Money requests friends made of this wallet, and its own requests paid or declined.
    pub money_requests: Vec<MoneyRequest>,
    /// Balance after the sync, if the host could be asked.
    pub balance: Option<Money>,
}

impl From<core::SyncReport> for SyncReport {
    fn from(r: core::SyncReport) -> Self {
        SyncReport {
            received: r.received.into_iter().map(Into::into).collect(),
            charged: r.charged.into_iter().map(Into::into).collect(),
            charge_requests: r.charge_requests.into_iter().map(Into::into).collect(),
            codes_revoked: signed(r.codes_revoked),
            money_requests: r.money_requests.into_iter().map(Into::into).collect(),
            balance: r.balance.map(Into::into),
        }
    }
}

/// Enrolment details.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Enrolment {
    /// Home country (JP, TH, …).
    pub country: String,
    /// Handle to claim.
    pub handle: String,
    /// Name shown to others.
    pub display_name: String,
}

/// Identity details for KYC. Prints redacted in Kotlin and Swift too (exported `Debug`/`Display`).
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
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

/// A bank account to link. Prints without its number in Kotlin and Swift too.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct BankAccount {
    /// Bank id from [`Wallet::banks`].
    pub bank_id: String,
    /// Account number; only the last four digits are kept on the device.
    pub account_number: String,
    /// Holder name as the bank has it.
    pub holder_name: String,
    /// Sandbox only: what the simulated account opens with.
    #[uniffi(default = None)]
    pub sandbox_opening_balance: Option<Money>,
}

impl std::fmt::Debug for BankAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BankAccount").field("bank_id", &self.bank_id).finish_non_exhaustive()
    }
}

/// A reference value the payer typed, for a code that asks for it (`***`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentReference {
    /// Which reference.
    pub kind: ReferenceKind,
    /// Its value.
    pub value: String,
}

/// What the app supplies to pay a scanned merchant code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentRequest {
    /// The scanned payload, as scanned.
    pub payload: String,
    /// Scheme id of the route to pay (from detection); `None` takes the code's first payable route.
    #[uniffi(default = None)]
    pub route: Option<String>,
    /// The amount the payer typed, for codes without one.
    #[uniffi(default = None)]
    pub amount: Option<Money>,
    /// The tip the payer chose, for codes that prompt for one.
    #[uniffi(default = None)]
    pub tip: Option<Money>,
    /// Values for the references the code asks the payer for.
    #[uniffi(default = [])]
    pub references: Vec<PaymentReference>,
}

impl TryFrom<&PaymentRequest> for core::PaymentRequest {
    type Error = WalletError;
    fn try_from(r: &PaymentRequest) -> Result<Self, WalletError> {
        Ok(core::PaymentRequest {
            payload: r.payload.clone(),
            route: r.route.clone(),
            amount: r.amount.as_ref().map(core_money).transpose()?,
            tip: r.tip.as_ref().map(core_money).transpose()?,
            references: r.references.iter().map(|x| (core_reference_kind(x.kind), x.value.clone())).collect(),
        })
    }
}

/// An FX quote: what leaves the wallet (home currency) and what arrives, at which rate, until when.
///
/// An object, not a record: the app reads it and hands it back to [`Wallet::remit`] (or, inside a
/// [`PaymentQuote`], to [`Wallet::confirm_payment`]) but cannot alter what the payer was shown.
#[derive(Debug, PartialEq, Eq, uniffi::Object)]
#[uniffi::export(Debug, Eq)]
pub struct FxQuote(core::FxQuote);

#[uniffi::export]
impl FxQuote {
    /// Quote id.
    pub fn id(&self) -> String {
        self.0.id.clone()
    }

    /// `merchant_payment` or `remittance`.
    pub fn purpose(&self) -> String {
        self.0.purpose.clone()
    }

    /// Converted amount, home currency.
    pub fn send(&self) -> Money {
        self.0.send.into()
    }

    /// Amount delivered, foreign currency.
    pub fn receive(&self) -> Money {
        self.0.receive.into()
    }

    /// Fee, home currency.
    pub fn fee(&self) -> Money {
        self.0.fee.into()
    }

    /// Debited from the wallet: send plus fee.
    pub fn total(&self) -> Money {
        self.0.total.into()
    }

    /// Customer rate, foreign units per home unit, as a decimal string.
    pub fn rate(&self) -> String {
        self.0.rate.clone()
    }

    /// Mid-market rate, for showing the margin.
    pub fn mid_rate(&self) -> String {
        self.0.mid_rate.clone()
    }

    /// Margin over mid-market, basis points.
    pub fn margin_bps(&self) -> i64 {
        self.0.margin_bps
    }

    /// Destination country of a remittance.
    pub fn destination_country(&self) -> Option<String> {
        self.0.destination_country.clone()
    }

    /// Delivery estimate of a remittance, seconds.
    pub fn delivery_estimate_secs(&self) -> Option<i64> {
        self.0.delivery_estimate_secs
    }

    /// Host time after which the quote cannot be used, Unix seconds.
    pub fn expires_at(&self) -> i64 {
        self.0.expires_at
    }
}

/// A merchant payment ready to confirm: everything the payer must see first.
///
/// An object the app can read but not build or alter, so [`Wallet::confirm_payment`] pays
/// exactly what [`Wallet::quote_payment`] priced and the payer saw.
#[derive(Debug, PartialEq, Eq, uniffi::Object)]
#[uniffi::export(Debug, Eq)]
pub struct PaymentQuote(core::PaymentQuote);

#[uniffi::export]
impl PaymentQuote {
    /// Route (scheme id).
    pub fn route(&self) -> String {
        self.0.route.clone()
    }

    /// Merchant name from the code.
    pub fn merchant_name(&self) -> Option<String> {
        self.0.merchant_name.clone()
    }

    /// Merchant country from the code.
    pub fn merchant_country(&self) -> Option<String> {
        self.0.merchant_country.clone()
    }

    /// The amount, merchant currency.
    pub fn amount(&self) -> Money {
        self.0.amount.into()
    }

    /// Tip or convenience fee, merchant currency.
    pub fn tip(&self) -> Money {
        self.0.tip.into()
    }

    /// Amount plus tip, merchant currency.
    pub fn total(&self) -> Money {
        self.0.total.into()
    }

    /// For a foreign merchant: the FX quote.
    pub fn fx(&self) -> Option<Arc<FxQuote>> {
        self.0.fx.clone().map(|q| Arc::new(FxQuote(q)))
    }

    /// What leaves the wallet, home currency (FX fee included).
    pub fn debit(&self) -> Money {
        self.0.debit.into()
    }

    /// Fee, home currency.
    pub fn fee(&self) -> Money {
        self.0.fee.into()
    }

    /// References sent with the payment.
    pub fn references(&self) -> Vec<PaymentReference> {
        self.0
            .references
            .iter()
            .map(|(kind, value)| PaymentReference { kind: (*kind).into(), value: value.clone() })
            .collect()
    }

    /// Whether the code prompts for a tip (so the tip is sent as the payer's choice).
    pub fn tip_prompted(&self) -> bool {
        self.0.tip_prompted
    }
}

/// Whom to send money to at home.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SendTo {
    /// A wallet handle, with or without `@`.
    Handle { handle: String },
    /// A scanned receive code (see [`Wallet::receive_code`]).
    ReceiveCode { payload: String },
}

impl From<&SendTo> for core::SendTo {
    fn from(s: &SendTo) -> Self {
        match s {
            SendTo::Handle { handle } => core::SendTo::Handle(handle.clone()),
            SendTo::ReceiveCode { payload } => core::SendTo::ReceiveCode(payload.clone()),
        }
    }
}

/// A send shown before it happens: the recipient as the host knows them and, for a friend
/// whose wallet holds another currency, the remittance quote it becomes.
///
/// An object the app reads but cannot build or alter: [`Wallet::confirm_send`] sends exactly
/// what [`Wallet::preview_send`] showed.
#[derive(Debug, PartialEq, Eq, uniffi::Object)]
#[uniffi::export(Debug, Eq)]
pub struct SendPreview(core::SendPreview);

#[uniffi::export]
impl SendPreview {
    /// The recipient's handle, without `@`. (Not `handle()`: generated Swift objects keep
    /// their Rust pointer under that name.)
    pub fn recipient_handle(&self) -> String {
        self.0.handle.clone()
    }

    /// The recipient's display name.
    pub fn display_name(&self) -> String {
        self.0.display_name.clone()
    }

    /// The recipient's home country.
    pub fn country(&self) -> String {
        self.0.country.clone()
    }

    /// The currency the recipient's wallet holds.
    pub fn currency(&self) -> String {
        self.0.currency.alpha().to_owned()
    }

    /// The amount given (a receive code's own when it names one).
    pub fn amount(&self) -> Money {
        self.0.amount.into()
    }

    /// Whether a receive code fixed the amount.
    pub fn amount_fixed(&self) -> bool {
        self.0.amount_fixed
    }

    /// What a receive code says the money is for.
    pub fn note(&self) -> Option<String> {
        self.0.note.clone()
    }

    /// For a friend abroad: the remittance quote (rate, fee, arrival) the send goes through.
    pub fn remittance(&self) -> Option<Arc<FxQuote>> {
        self.0.remittance.clone().map(|q| Arc::new(FxQuote(q)))
    }

    /// What leaves the wallet: the amount at home, the quote's total abroad.
    pub fn debit(&self) -> Money {
        self.0.debit().into()
    }
}

/// Someone at the other end of a money request.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Friend {
    /// Handle, without `@`.
    pub handle: String,
    /// Display name.
    pub display_name: String,
    /// Home country.
    pub country: String,
}

impl From<core::Friend> for Friend {
    fn from(f: core::Friend) -> Self {
        Friend { handle: f.handle, display_name: f.display_name, country: f.country }
    }
}

impl From<&Friend> for core::Friend {
    fn from(f: &Friend) -> Self {
        core::Friend { handle: f.handle.clone(), display_name: f.display_name.clone(), country: f.country.clone() }
    }
}

/// A money request: one wallet asks another for an amount, with a note.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MoneyRequest {
    /// The host's id.
    pub id: String,
    /// Whether this wallet is the one asked to pay (else it asked).
    pub incoming: bool,
    /// Who asks (and receives the money).
    pub requester: Friend,
    /// Who is asked to pay.
    pub payer: Friend,
    /// How much.
    pub amount: Money,
    /// What it is for (may be empty).
    pub note: String,
    /// `pending`, `paid`, `declined` or `expired`, by the host's clock.
    pub status: String,
    /// Host time it was made, Unix seconds.
    pub created_at: i64,
    /// Host time after which it can no longer be paid, Unix seconds.
    pub expires_at: i64,
    /// Host time it was paid or declined, Unix seconds.
    pub answered_at: Option<i64>,
    /// The transfer that paid it.
    pub transaction_id: Option<String>,
    /// The split bill it is a share of.
    pub split_id: Option<String>,
}

impl From<core::MoneyRequest> for MoneyRequest {
    fn from(r: core::MoneyRequest) -> Self {
        MoneyRequest {
            id: r.id,
            incoming: r.incoming,
            requester: r.requester.into(),
            payer: r.payer.into(),
            amount: r.amount.into(),
            note: r.note,
            status: r.status,
            created_at: r.created_at,
            expires_at: r.expires_at,
            answered_at: r.answered_at,
            transaction_id: r.transaction_id,
            split_id: r.split_id,
        }
    }
}

impl TryFrom<&MoneyRequest> for core::MoneyRequest {
    type Error = WalletError;
    fn try_from(r: &MoneyRequest) -> Result<Self, WalletError> {
        Ok(core::MoneyRequest {
            id: r.id.clone(),
            incoming: r.incoming,
            requester: (&r.requester).into(),
            payer: (&r.payer).into(),
            amount: core_money(&r.amount)?,
            note: r.note.clone(),
            status: r.status.clone(),
            created_at: r.created_at,
            expires_at: r.expires_at,
            answered_at: r.answered_at,
            transaction_id: r.transaction_id.clone(),
            split_id: r.split_id.clone(),
        })
    }
}

/// A bill split among friends, as its organiser sees it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Split {
    /// The host's id, for [`Wallet::split`].
    pub id: String,
    /// The bill.
    pub total: Money,
    /// What it was.
    pub note: String,
    /// The shares paid so far.
    pub paid: Money,
    /// What is still to be paid.
    pub outstanding: Money,
    /// One request per friend, in the order given: who has paid is each one's `status`.
    pub shares: Vec<MoneyRequest>,
    /// Host time it was made, Unix seconds.
    pub created_at: i64,
}

impl From<core::Split> for Split {
    fn from(s: core::Split) -> Self {
        Split {
            outstanding: s.outstanding().into(),
            id: s.id,
            total: s.total.into(),
            note: s.note,
            paid: s.paid.into(),
            shares: s.shares.into_iter().map(Into::into).collect(),
            created_at: s.created_at,
        }
    }
}

/// One friend's share of a bill.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SplitShare {
    /// The friend's handle, with or without `@`.
    pub handle: String,
    /// Their share.
    pub amount: Money,
}

/// How a bill is divided.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SplitShares {
    /// Equally among these handles in minor units, the remainder on the first share.
    Equal { handles: Vec<String> },
    /// These shares, which must add up to the bill.
    Explicit { shares: Vec<SplitShare> },
}

impl TryFrom<&SplitShares> for core::SplitShares {
    type Error = WalletError;
    fn try_from(s: &SplitShares) -> Result<Self, WalletError> {
        Ok(match s {
            SplitShares::Equal { handles } => core::SplitShares::Equal(handles.clone()),
            SplitShares::Explicit { shares } => core::SplitShares::Explicit(
                shares
                    .iter()
                    .map(|x| Ok((x.handle.clone(), core_money(&x.amount)?)))
                    .collect::<Result<_, WalletError>>()?,
            ),
        })
    }
}

/// `total` in `people` equal shares of whole minor units, the remainder on the first (¥10,000
/// among 3: ¥3,334, ¥3,333, ¥3,333), to show before [`Wallet::split_bill`].
#[uniffi::export]
pub fn equal_shares(total: Money, people: i32) -> Result<Vec<Money>, WalletError> {
    let shares = core::equal_shares(core_money(&total)?, usize::try_from(people).unwrap_or(0))
        .ok_or_else(|| WalletError::InvalidInput(format!("invalid input: cannot split among {people}")))?;
    Ok(shares.into_iter().map(Into::into).collect())
}

/// Which side of a remittance quote is fixed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum QuoteAmount {
    /// The amount to send, home currency.
    Send { amount: Money },
    /// The amount to arrive, destination currency.
    Receive { amount: Money },
}

/// How a remittance is paid out. Prints without the account in Kotlin and Swift too.
#[derive(Clone, PartialEq, Eq, uniffi::Enum)]
#[uniffi::export(Debug, Display)]
pub enum RemitDestination {
    /// A Koban wallet in the destination country.
    Handle { handle: String },
    /// An account at a partner: method `bank_account`, `mobile_wallet` or `cash_pickup`.
    Payout { method: String, provider: String, account: String },
}

impl std::fmt::Debug for RemitDestination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        core::RemitDestination::from(self).fmt(f)
    }
}

impl From<&RemitDestination> for core::RemitDestination {
    fn from(d: &RemitDestination) -> Self {
        match d {
            RemitDestination::Handle { handle } => core::RemitDestination::Handle(handle.clone()),
            RemitDestination::Payout { method, provider, account } => core::RemitDestination::Payout {
                method: method.clone(),
                provider: provider.clone(),
                account: account.clone(),
            },
        }
    }
}

/// Who receives a remittance. Prints without name or account in Kotlin and Swift too.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct RemitRecipient {
    /// Full name.
    pub name: String,
    /// Where the money goes.
    pub destination: RemitDestination,
    /// Relationship to the sender, if asked.
    #[uniffi(default = None)]
    pub relationship: Option<String>,
}

impl std::fmt::Debug for RemitRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemitRecipient")
            .field("name", &"<redacted>")
            .field("destination", &self.destination)
            .finish_non_exhaustive()
    }
}

/// `Display` is the redacted `Debug`: the generated Kotlin `toString` and Swift `description`
/// print it, so personal data never reaches a log through them.
macro_rules! display_as_debug {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(self, f)
            }
        }
    )*};
}
display_as_debug!(Identity, BankAccount, RemitDestination, RemitRecipient);

/// A consumer-presented code to show at the till: made offline from a single-use key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConsumerCode {
    /// The QR text (EMVCo consumer-presented payload, base64).
    pub qr_text: String,
    /// The same code as digits for 1-D barcode tills, when asked for.
    pub numeric: Option<String>,
    /// The QR module matrix to draw.
    pub matrix: QrMatrix,
    /// When the till stops accepting it, Unix seconds.
    pub expires_at: i64,
    /// When to replace it with a fresh code, Unix seconds.
    pub refresh_at: i64,
    /// Single-use keys left on the device after this one.
    pub codes_left: i32,
}

impl From<core::ConsumerCode> for ConsumerCode {
    fn from(c: core::ConsumerCode) -> Self {
        ConsumerCode {
            qr_text: c.qr_text,
            numeric: c.numeric,
            matrix: c.matrix.into(),
            expires_at: signed64(c.expires_at),
            refresh_at: signed64(c.refresh_at),
            codes_left: signed(c.codes_left),
        }
    }
}

/// Hears what [`Wallet::listen`] brings in: money that arrives and till charges to approve.
#[uniffi::export(with_foreign)]
pub trait WalletListener: Send + Sync {
    /// A transfer arrived (already in history). Called on a Koban thread: hand it to the UI thread.
    fn on_incoming(&self, transaction: WalletTransaction) -> Result<(), crate::error::PlatformError>;

    /// A till charge waits for approval (also in [`Wallet::charge_requests`] until answered or
    /// lapsed): prompt at once, the host's window is short. Called on a Koban thread.
    fn on_charge_request(&self, request: ChargeRequest) -> Result<(), crate::error::PlatformError>;

    /// A friend asks for money, or a request this wallet made was paid or declined (the
    /// request as it now stands). Called on a Koban thread.
    fn on_money_request(&self, request: MoneyRequest) -> Result<(), crate::error::PlatformError>;
}

/// A running [`Wallet::listen`] loop.
#[derive(uniffi::Object)]
pub struct Listening {
    cancelled: AtomicBool,
    wake: Notify,
    running: Arc<AtomicBool>,
}

#[uniffi::export]
impl Listening {
    /// Stops the loop (an in-flight long poll is abandoned; nothing is lost, the next sync picks it up).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// Whether the loop still runs: false after [`Listening::cancel`] or once the wallet is gone.
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }
}

/// A wallet on this device, over its local database and its host.
#[derive(uniffi::Object)]
pub struct Wallet {
    core: Arc<core::Wallet>,
    log: Log,
    // Where listen loops run: the runtime the wallet was opened on (uniffi's tokio runtime).
    runtime: tokio::runtime::Handle,
    // Dropped with the wallet, which ends every listen loop (they watch for the close).
    _closed: watch::Sender<()>,
    closed: watch::Receiver<()>,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet").finish_non_exhaustive()
    }
}

impl Wallet {
    /// Runs the core's work for one call off the caller's thread (see [`off_thread`]).
    async fn off<T, F, Fut>(&self, f: F) -> Result<T, core::WalletError>
    where
        F: FnOnce(Arc<core::Wallet>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, core::WalletError>>,
        T: Send + 'static,
    {
        let core = self.core.clone();
        off_thread(&self.runtime, move || f(core)).await
    }

    /// Logs how an operation ended: its name and, on failure, the error's kind (no message:
    /// messages can carry host text).
    fn done<T>(&self, op: &str, r: Result<T, core::WalletError>) -> Result<T, WalletError> {
        r.map_err(WalletError::from).inspect(|_| self.log.line(LogLevel::Debug, || format!("{op}: ok"))).inspect_err(
            |e| {
                let level = if matches!(e, WalletError::Internal(_) | WalletError::Storage(_)) {
                    LogLevel::Error
                } else {
                    LogLevel::Warn
                };
                self.log.line(level, || format!("{op}: failed ({})", e.kind()));
            },
        )
    }
}

/// Runs the future `work` makes on the runtime's blocking pool, so SQLite, fsync, crypto and
/// the app's `KeyStore` callbacks never run on the thread that called: UniFFI polls a Rust
/// future on the caller's thread (Android's main thread, a Swift cooperative thread with a
/// small stack).
///
/// The future is made and boxed there too: a wallet flow's state machine is large, and made on
/// the caller's stack it can overflow a Swift task's. Dropping the returned future (Kotlin
/// coroutine or Swift `Task` cancellation) stops the work at its next await, exactly as
/// dropping the work itself would: the outbox keeps what was sent exactly once either way. A
/// panic in the work resumes in the caller, where UniFFI turns it into an error.
pub(crate) async fn off_thread<T, F, Fut>(runtime: &tokio::runtime::Handle, work: F) -> Result<T, core::WalletError>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, core::WalletError>>,
    T: Send + 'static,
{
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = runtime.clone();
    let task = runtime.spawn_blocking(move || {
        handle.block_on(async move {
            let work = Box::pin(work());
            tokio::select! {
                biased;
                // Ends with the caller: `stop` is dropped when the caller's future is.
                _ = stopped => None,
                out = work => Some(out),
            }
        })
    });
    let joined = task.await;
    drop(stop);
    match joined {
        Ok(Some(out)) => out,
        Ok(None) => Err(core::WalletError::Unavailable("the call was cancelled".into())),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(core::WalletError::Unavailable(format!("the wallet's runtime stopped: {e}"))),
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// Opens (creating) the wallet database at `db_path`, its data key wrapped by `key_store`,
    /// and settles any payment left pending by a crash; an unreachable host only postpones that.
    #[uniffi::constructor(default(transport = None, logger = None))]
    pub async fn open(
        db_path: String,
        key_store: Arc<dyn KeyStore>,
        config: WalletConfig,
        transport: Option<Arc<dyn HttpTransport>>,
        logger: Option<Arc<dyn Logger>>,
    ) -> Result<Arc<Wallet>, WalletError> {
        let log = Log(logger);
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| WalletError::Internal("no tokio runtime to open the wallet on".into()))?;
        let timeout = Duration::from_millis(unsigned(config.timeout_ms).max(1));
        let mut c = core::WalletConfig::new(config.host_url);
        c.timeout = timeout;
        c.max_attempts = u32::try_from(config.max_attempts).unwrap_or(0);
        c.transport = transport
            .map(|inner| Arc::new(TransportAdapter { inner, timeout }) as Arc<dyn koban_core::net::HttpTransport>);
        // Opening reads and migrates the database and unwraps its key through the app's
        // KeyStore: all of it off the caller's thread.
        let opened =
            off_thread(
                &runtime,
                move || async move { core::Wallet::open(&db_path, &KeyStoreAdapter(key_store), c).await },
            )
            .await;
        let core = opened
            .map_err(WalletError::from)
            .inspect_err(|e| log.line(LogLevel::Error, || format!("open: failed ({})", e.kind())))?;
        let (closed_tx, closed) = watch::channel(());
        let wallet = Wallet { core: Arc::new(core), log, runtime, _closed: closed_tx, closed };
        let pending = wallet.core.pending_count().unwrap_or(0);
        wallet.log.line(LogLevel::Info, || format!("open: ok, {pending} pending"));
        Ok(Arc::new(wallet))
    }

    /// Enrols this device: creates its key (kept sealed on the device) and a wallet at the host.
    pub async fn enrol(&self, enrolment: Enrolment) -> Result<WalletProfile, WalletError> {
        let e = core::Enrolment {
            country: enrolment.country,
            handle: enrolment.handle,
            display_name: enrolment.display_name,
        };
        self.done("enrol", self.off(move |core| async move { core.enrol(&e).await }).await).map(Into::into)
    }

    /// Verifies the holder's identity (raises limits, allows remittances); returns the new limits.
    pub async fn verify_identity(&self, identity: Identity) -> Result<Balance, WalletError> {
        let id = core::Identity {
            legal_name: identity.legal_name,
            date_of_birth: identity.date_of_birth,
            document_number: identity.document_number,
        };
        self.done("verify_identity", self.off(move |core| async move { core.verify_identity(&id).await }).await)
            .map(Into::into)
    }

    /// The host's balance, tier and limits (also cached for [`Wallet::cached_balance`]).
    pub async fn balance(&self) -> Result<Balance, WalletError> {
        self.done("balance", self.off(move |core| async move { core.balance().await }).await).map(Into::into)
    }

    /// The banks the host can link.
    pub async fn banks(&self) -> Result<Vec<Bank>, WalletError> {
        self.done("banks", self.off(move |core| async move { core.banks().await }).await)
            .map(|v| v.into_iter().map(Into::into).collect())
    }

    /// Links a bank account; only its last four digits stay on the device.
    pub async fn link_bank(&self, account: BankAccount) -> Result<BankLink, WalletError> {
        let a = core::BankAccount {
            bank_id: account.bank_id,
            account_number: account.account_number,
            holder_name: account.holder_name,
            sandbox_opening_balance: account.sandbox_opening_balance.as_ref().map(core_money).transpose()?,
        };
        self.done("link_bank", self.off(move |core| async move { core.link_bank(&a).await }).await).map(Into::into)
    }

    /// Moves `amount` from a linked bank account into the wallet.
    pub async fn top_up(&self, bank_link_id: String, amount: Money) -> Result<WalletTransaction, WalletError> {
        let amount = core_money(&amount)?;
        self.done("top_up", self.off(move |core| async move { core.top_up(&bank_link_id, amount).await }).await)
            .map(Into::into)
    }

    /// Moves `amount` to a linked bank account, exactly once; the withdrawal fee comes on top
    /// (the history item's amount is the total that left the wallet).
    pub async fn withdraw(&self, bank_link_id: String, amount: Money) -> Result<WalletTransaction, WalletError> {
        let amount = core_money(&amount)?;
        self.done("withdraw", self.off(move |core| async move { core.withdraw(&bank_link_id, amount).await }).await)
            .map(Into::into)
    }

    /// Ends a bank link: no more top-ups or withdrawals through it; its history stays.
    pub async fn unlink_bank(&self, bank_link_id: String) -> Result<(), WalletError> {
        self.done("unlink_bank", self.off(move |core| async move { core.unlink_bank(&bank_link_id).await }).await)
    }

    /// Reads a merchant code in China (Alipay, WeChat Pay, UnionPay) at its network, through
    /// the host: who is paid, in which currency, and an order code's fixed amount — what to
    /// show before the payer types an amount (the Alipay and WeChat Pay codes name no currency).
    pub async fn merchant_code_info(&self, payload: String) -> Result<MerchantCodeInfo, WalletError> {
        let info = self.off(move |core| async move { core.merchant_code_info(&payload).await }).await;
        let info = self.done("merchant_code_info", info)?;
        let amount = match &info.amount {
            Some(a) => Some(
                a.money()
                    .ok_or_else(|| WalletError::Internal(format!("an amount in an unknown currency {}", a.currency)))?
                    .into(),
            ),
            None => None,
        };
        Ok(MerchantCodeInfo {
            network: info.network,
            route: info.route,
            merchant_id: info.merchant.id,
            merchant_name: info.merchant.name,
            city: info.city,
            country: info.merchant.country,
            currency: info.currency,
            amount,
        })
    }

    /// Reads a scanned merchant code and prices it (with an FX quote abroad), to show before paying.
    pub async fn quote_payment(&self, request: PaymentRequest) -> Result<Arc<PaymentQuote>, WalletError> {
        let r = core::PaymentRequest::try_from(&request)?;
        self.done("quote_payment", self.off(move |core| async move { core.quote_payment(&r).await }).await)
            .map(|q| Arc::new(PaymentQuote(q)))
    }

    /// Pays a quote from [`Wallet::quote_payment`], exactly once.
    pub async fn confirm_payment(&self, quote: Arc<PaymentQuote>) -> Result<WalletTransaction, WalletError> {
        self.done("confirm_payment", self.off(move |core| async move { core.confirm_payment(&quote.0).await }).await)
            .map(Into::into)
    }

    /// Sends money to another wallet at home, exactly once.
    #[uniffi::method(default(message = None))]
    pub async fn send(
        &self,
        to: SendTo,
        amount: Money,
        message: Option<String>,
    ) -> Result<WalletTransaction, WalletError> {
        let amount = core_money(&amount)?;
        self.done(
            "send",
            self.off(move |core| async move { core.send(&(&to).into(), amount, message.as_deref()).await }).await,
        )
        .map(Into::into)
    }

    /// Shows a send before it happens: the recipient (name, country) as the host knows them
    /// and, for a friend whose wallet holds another currency, the remittance quote it becomes.
    /// A receive code that names its amount takes exactly that. Nothing moves.
    pub async fn preview_send(&self, to: SendTo, amount: Money) -> Result<Arc<SendPreview>, WalletError> {
        let amount = core_money(&amount)?;
        self.done(
            "preview_send",
            self.off(move |core| async move { core.preview_send(&(&to).into(), amount).await }).await,
        )
        .map(|p| Arc::new(SendPreview(p)))
    }

    /// Sends what [`Wallet::preview_send`] showed, exactly once: a transfer at home, the quoted
    /// remittance abroad (`purpose` for it; `gift` when none).
    #[uniffi::method(default(message = None, purpose = None))]
    pub async fn confirm_send(
        &self,
        preview: Arc<SendPreview>,
        message: Option<String>,
        purpose: Option<String>,
    ) -> Result<WalletTransaction, WalletError> {
        let sent = self
            .off(move |core| async move { core.confirm_send(&preview.0, message.as_deref(), purpose.as_deref()).await })
            .await;
        self.done("confirm_send", sent).map(Into::into)
    }

    /// Asks the friend at `from` (a handle) for `amount`, exactly once; they pay or decline it
    /// within a week.
    #[uniffi::method(default(note = ""))]
    pub async fn request_money(&self, from: String, amount: Money, note: String) -> Result<MoneyRequest, WalletError> {
        let amount = core_money(&amount)?;
        self.done(
            "request_money",
            self.off(move |core| async move { core.request_money(&from, amount, &note).await }).await,
        )
        .map(Into::into)
    }

    /// Money requests to and from this wallet, newest first, each in its state now.
    pub async fn money_requests(&self) -> Result<Vec<MoneyRequest>, WalletError> {
        self.done("money_requests", self.off(move |core| async move { core.money_requests().await }).await)
            .map(|v| v.into_iter().map(Into::into).collect())
    }

    /// One money request to or from this wallet.
    pub async fn money_request(&self, id: String) -> Result<MoneyRequest, WalletError> {
        self.done("money_request", self.off(move |core| async move { core.money_request(&id).await }).await)
            .map(Into::into)
    }

    /// Pays a request this wallet was asked, exactly its amount, exactly once: a transfer to the
    /// requester linked to the request.
    pub async fn pay_money_request(&self, request: MoneyRequest) -> Result<WalletTransaction, WalletError> {
        let r = core::MoneyRequest::try_from(&request)?;
        self.done("pay_money_request", self.off(move |core| async move { core.pay_money_request(&r).await }).await)
            .map(Into::into)
    }

    /// Declines a request this wallet was asked: nothing moves, the requester hears it.
    pub async fn decline_money_request(&self, id: String) -> Result<MoneyRequest, WalletError> {
        self.done(
            "decline_money_request",
            self.off(move |core| async move { core.decline_money_request(&id).await }).await,
        )
        .map(Into::into)
    }

    /// Splits a bill into one money request per friend, exactly once.
    #[uniffi::method(default(note = ""))]
    pub async fn split_bill(&self, total: Money, shares: SplitShares, note: String) -> Result<Split, WalletError> {
        let (total, shares) = (core_money(&total)?, core::SplitShares::try_from(&shares)?);
        self.done("split_bill", self.off(move |core| async move { core.split_bill(total, &shares, &note).await }).await)
            .map(Into::into)
    }

    /// A split this wallet organised, with who has paid.
    pub async fn split(&self, id: String) -> Result<Split, WalletError> {
        self.done("split", self.off(move |core| async move { core.split(&id).await }).await).map(Into::into)
    }

    /// This wallet's receive code asking for exactly `amount` (the payer cannot change it),
    /// with a note of up to 25 characters.
    #[uniffi::method(default(note = None))]
    pub async fn receive_code_for(&self, amount: Option<Money>, note: Option<String>) -> Result<String, WalletError> {
        let amount = amount.as_ref().map(core_money).transpose()?;
        self.done(
            "receive_code_for",
            self.off(move |core| async move { core.receive_code_for(amount, note.as_deref()).await }).await,
        )
    }

    /// Quotes a remittance to `destination_country`: rate, fee, total and arrival estimate.
    pub async fn quote_remittance(
        &self,
        destination_country: String,
        amount: QuoteAmount,
    ) -> Result<Arc<FxQuote>, WalletError> {
        let amount = match &amount {
            QuoteAmount::Send { amount } => core::QuoteAmount::Send(core_money(amount)?),
            QuoteAmount::Receive { amount } => core::QuoteAmount::Receive(core_money(amount)?),
        };
        self.done(
            "quote_remittance",
            self.off(move |core| async move { core.quote_remittance(&destination_country, amount).await }).await,
        )
        .map(|q| Arc::new(FxQuote(q)))
    }

    /// Sends a remittance quoted by [`Wallet::quote_remittance`], exactly once.
    #[uniffi::method(default(message = None))]
    pub async fn remit(
        &self,
        quote: Arc<FxQuote>,
        recipient: RemitRecipient,
        purpose: String,
        message: Option<String>,
    ) -> Result<WalletTransaction, WalletError> {
        let r = core::RemitRecipient {
            name: recipient.name,
            destination: (&recipient.destination).into(),
            relationship: recipient.relationship,
        };
        self.done(
            "remit",
            self.off(move |core| async move { core.remit(&quote.0, &r, &purpose, message.as_deref()).await }).await,
        )
        .map(Into::into)
    }

    /// This wallet's receive code: an EMV person-to-person code a friend scans to pay.
    pub async fn receive_code(&self) -> Result<String, WalletError> {
        self.done("receive_code", self.off(move |core| async move { core.receive_code().await }).await)
    }

    /// Brings in what happened since the last sync (money received, till charges captured or
    /// waiting for approval, revoked code keys), long-polling up to `wait_secs`.
    pub async fn sync(&self, wait_secs: i64) -> Result<SyncReport, WalletError> {
        self.done("sync", self.off(move |core| async move { core.sync(unsigned(wait_secs)).await }).await)
            .map(Into::into)
    }

    /// Approves a waiting till charge: the host captures it exactly once and it enters the history.
    pub async fn approve_charge(&self, id: String) -> Result<WalletTransaction, WalletError> {
        self.done("approve_charge", self.off(move |core| async move { core.approve_charge(&id).await }).await)
            .map(Into::into)
    }

    /// Declines a waiting till charge: no money moves (the code stays used).
    pub async fn decline_charge(&self, id: String) -> Result<(), WalletError> {
        self.done("decline_charge", self.off(move |core| async move { core.decline_charge(&id).await }).await)
    }

    /// Sets the amount above which till charges wait for approval (zero: every charge; at most
    /// the host's default); returns the balance record with the new limit.
    pub async fn set_no_confirm_limit(&self, limit: Money) -> Result<Balance, WalletError> {
        let limit = core_money(&limit)?;
        self.done(
            "set_no_confirm_limit",
            self.off(move |core| async move { core.set_no_confirm_limit(limit).await }).await,
        )
        .map(Into::into)
    }

    /// Settles every payment whose outcome is still unknown, with the host.
    pub async fn resolve_pending(&self) -> Result<(), WalletError> {
        self.done("resolve_pending", self.off(move |core| async move { core.resolve_pending().await }).await)
    }

    /// Tops up the consumer-code keys when few are left (online); returns how many are left.
    pub async fn replenish_codes(&self) -> Result<i32, WalletError> {
        self.done("replenish_codes", self.off(move |core| async move { core.replenish_codes().await }).await)
            .map(signed)
    }
}

#[uniffi::export]
impl Wallet {
    /// The enrolled wallet, or `None` before [`Wallet::enrol`] (local).
    pub fn profile(&self) -> Result<Option<WalletProfile>, WalletError> {
        Ok(self.core.profile()?.map(Into::into))
    }

    /// The last balance the host reported, and when (local, for offline screens).
    pub fn cached_balance(&self) -> Result<Option<CachedBalance>, WalletError> {
        Ok(self.core.cached_balance()?.map(|(m, as_of)| CachedBalance { available: m.into(), as_of }))
    }

    /// Linked bank accounts (local).
    pub fn bank_links(&self) -> Result<Vec<BankLink>, WalletError> {
        Ok(self.core.bank_links()?.into_iter().map(Into::into).collect())
    }

    /// People this wallet has sent to, most recent first (local).
    pub fn recipients(&self) -> Result<Vec<Recipient>, WalletError> {
        Ok(self.core.recipients()?.into_iter().map(Into::into).collect())
    }

    /// A page of at most `limit` history items, newest first, after `cursor` (local).
    #[uniffi::method(default(cursor = None))]
    pub fn history(&self, limit: i32, cursor: Option<String>) -> Result<HistoryPage, WalletError> {
        let p = self.core.history(u32::try_from(limit).unwrap_or(0), cursor.as_deref())?;
        Ok(HistoryPage { items: p.items.into_iter().map(Into::into).collect(), next_cursor: p.next_cursor })
    }

    /// A page of the entries `filter` selects, newest first (local).
    #[uniffi::method(default(cursor = None))]
    pub fn history_filtered(
        &self,
        filter: HistoryFilter,
        limit: i32,
        cursor: Option<String>,
    ) -> Result<HistoryPage, WalletError> {
        let p = self.core.history_filtered(&filter.into(), u32::try_from(limit).unwrap_or(0), cursor.as_deref())?;
        Ok(HistoryPage { items: p.items.into_iter().map(Into::into).collect(), next_cursor: p.next_cursor })
    }

    /// The entries `filter` selects as CSV (header first, UTC times), to share or save (local).
    pub fn history_csv(&self, filter: HistoryFilter) -> Result<String, WalletError> {
        Ok(self.core.history_csv(&filter.into())?)
    }

    /// How many money-moving requests still have an unknown outcome (local).
    pub fn pending_count(&self) -> Result<i32, WalletError> {
        Ok(i32::try_from(self.core.pending_count()?).unwrap_or(i32::MAX))
    }

    /// Till charges waiting for approval, oldest first (local; [`Wallet::sync`] and
    /// [`Wallet::listen`] bring new ones in).
    pub fn charge_requests(&self) -> Result<Vec<ChargeRequest>, WalletError> {
        Ok(self.core.charge_requests()?.into_iter().map(Into::into).collect())
    }

    /// Consumer codes that can still be made offline.
    pub fn codes_left(&self) -> Result<i32, WalletError> {
        Ok(signed(self.core.codes_left()?))
    }

    /// The next consumer code as a QR code (offline; uses up one single-use key).
    pub fn consumer_code(&self) -> Result<ConsumerCode, WalletError> {
        self.done("consumer_code", self.core.consumer_code()).map(Into::into)
    }

    /// The next consumer code as a QR code and 36 digits for barcode tills (offline; uses up one key).
    pub fn consumer_code_numeric(&self) -> Result<ConsumerCode, WalletError> {
        self.done("consumer_code_numeric", self.core.consumer_code_numeric()).map(Into::into)
    }

    /// Calls `listener` for each transfer that arrives and each till charge that waits for
    /// approval, long-polling the host `wait_secs` at a time, until [`Listening::cancel`] or
    /// until this wallet is gone; the core's `Listener` retries with back-off when offline.
    pub fn listen(&self, listener: Arc<dyn WalletListener>, wait_secs: i64) -> Arc<Listening> {
        let handle = Arc::new(Listening {
            cancelled: AtomicBool::new(false),
            wake: Notify::new(),
            running: Arc::new(AtomicBool::new(true)),
        });
        let syncing = core::Listener::new(&self.core, unsigned(wait_secs));
        let control = Arc::downgrade(&handle);
        let running = handle.running.clone();
        let mut closed = self.closed.clone();
        let log = self.log.clone();
        self.runtime.spawn(async move {
            let stop = async {
                tokio::select! {
                    () = cancelled(&control) => {}
                    // The wallet's sender is dropped with the wallet.
                    _ = closed.changed() => {}
                }
            };
            syncing.run(stop, |event| forward(&*listener, &log, event)).await;
            running.store(false, Ordering::SeqCst);
            log.line(LogLevel::Info, || "listen: stopped".to_owned());
        });
        handle
    }
}

/// The bindings speak signed numbers (Kotlin has no idiomatic unsigned types): a negative
/// count, limit or wait from the app means none.
fn unsigned(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// A count from the core, for the app; saturates (no count comes near it).
fn signed(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// A Unix time from the core, for the app.
fn signed64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Completes when the loop is cancelled; never if its handle is gone (a dropped handle cannot
/// cancel, and the loop then runs as long as the wallet lives).
async fn cancelled(control: &Weak<Listening>) {
    match control.upgrade() {
        Some(c) if c.cancelled.load(Ordering::SeqCst) => (),
        Some(c) => c.wake.notified().await,
        None => std::future::pending().await,
    }
}

/// Hands one of the core listener's reports to the app's listener, logging what the app
/// cannot be told (failed syncs, which the core retries, and the app's own failures).
fn forward(listener: &dyn WalletListener, log: &Log, event: core::ListenEvent) {
    let told = match event {
        core::ListenEvent::Incoming(t) => listener.on_incoming(t.into()),
        core::ListenEvent::ChargeRequest(c) => listener.on_charge_request(c.into()),
        core::ListenEvent::MoneyRequest(r) => listener.on_money_request(r.into()),
        core::ListenEvent::SyncFailed { error, retry_in } => {
            let kind = WalletError::from(error).kind();
            log.line(LogLevel::Warn, || format!("listen: sync failed ({kind}), retrying in {}s", retry_in.as_secs()));
            Ok(())
        }
    };
    if let Err(e) = told {
        log.line(LogLevel::Warn, || format!("listen: the listener failed: {e}"));
    }
}
