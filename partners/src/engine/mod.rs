//! The one engine under the three networks' APIs: payments by code, inquiry, cancel, refund;
//! and, in [`mpm`], the merchant-presented side (a partner wallet paying a merchant's code).
//!
//! Every operation runs in one IMMEDIATE SQLite transaction: the payment row, the code it burns
//! and its journal commit together or not at all. A request id names one payment per acquirer
//! and network; a repeat with the same request answers from the payment's current state and
//! never charges again, a repeat with another request is refused.

pub mod mpm;
mod pay;
mod reverse;
pub mod views;

pub use pay::{inquire, pay, PayInput};
pub use reverse::{cancel, refund, Refund, RefundInput};

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};
use serde_json::json;

use crate::error::Refusal;
use crate::fx;
use crate::ledger::{self, JournalHeader, Leg};
use crate::model::{Amount, PayFailure, PaymentStatus};
use crate::network::Network;
use crate::state::AppState;

/// A "user paying" payment the user never confirms is closed after this long.
pub const PAYING_TIMEOUT_SECS: i64 = 120;
/// A payment can be cancelled (reversed in full) for this long; later it is refunded.
pub const CANCEL_WINDOW_SECS: i64 = 24 * 3600;
/// A payment can be refunded for this long.
pub const REFUND_WINDOW_SECS: i64 = 365 * 24 * 3600;

/// A payment as the network records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The network's payment id.
    pub id: String,
    /// The acquirer that sent it.
    pub acquirer_id: String,
    /// The network.
    pub network: Network,
    /// The acquirer's request id.
    pub request_id: String,
    /// Whose code paid (none for an unknown code or a cancel that came first).
    pub user_id: Option<String>,
    /// The user's wallet brand.
    pub wallet_name: Option<String>,
    /// The user's card or customer number.
    pub customer_no: Option<String>,
    /// The acquirer's merchant.
    pub merchant_id: String,
    /// Its name.
    pub merchant_name: String,
    /// What was bought.
    pub description: String,
    /// In the merchant's currency.
    pub amount: Amount,
    /// In the user's currency.
    pub user_amount: Option<Amount>,
    /// The rate applied, scaled by 10^10.
    pub rate: Option<i128>,
    /// Where it stands.
    pub status: PaymentStatus,
    /// Why it failed.
    pub failure: Option<PayFailure>,
    /// Whether the user was debited.
    pub captured: bool,
    /// Refunded so far, merchant's currency.
    pub refunded: i64,
    /// Given back so far, user's currency.
    pub refunded_user: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// When it succeeded or failed.
    pub completed_at: Option<i64>,
    /// When it was cancelled.
    pub cancelled_at: Option<i64>,
    /// A cancel that arrived before any payment under its request id: nothing to pay, ever.
    pub tombstone: bool,
    request_hash: Option<String>,
    polls: i64,
    confirm_polls: i64,
    confirm_at: Option<i64>,
    abandoned: bool,
}

/// How an operation names the payment it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentRef {
    /// The acquirer's request id.
    RequestId(String),
    /// The network's payment id.
    PaymentId(String),
}

const COLUMNS: &str = "p.id, p.acquirer_id, p.network, p.request_id, p.user_id, p.merchant_id, p.merchant_name,
    p.description, p.amount, p.currency, p.user_amount, p.user_currency, p.rate, p.status, p.failure, p.captured,
    p.refunded, p.refunded_user, p.created_at, p.completed_at, p.cancelled_at, p.request_hash, p.polls,
    p.confirm_polls, p.confirm_at, p.abandoned, u.wallet, u.customer_no";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Payment> {
    let bad = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("bad {what}").into())
    };
    let network: String = r.get(2)?;
    let status: String = r.get(13)?;
    let failure: Option<String> = r.get(14)?;
    let rate: Option<String> = r.get(12)?;
    let user_amount: Option<i64> = r.get(10)?;
    let user_currency: Option<String> = r.get(11)?;
    let wallet: Option<String> = r.get(26)?;
    Ok(Payment {
        id: r.get(0)?,
        acquirer_id: r.get(1)?,
        network: Network::from_id(&network).ok_or_else(|| bad(2, "network"))?,
        request_id: r.get(3)?,
        user_id: r.get(4)?,
        merchant_id: r.get(5)?,
        merchant_name: r.get(6)?,
        description: r.get(7)?,
        amount: Amount::new(r.get(8)?, r.get::<_, String>(9)?),
        user_amount: user_amount.zip(user_currency).map(|(v, c)| Amount::new(v, c)),
        rate: rate.map(|s| s.parse::<i128>().map_err(|_| bad(12, "rate"))).transpose()?,
        status: PaymentStatus::parse(&status).ok_or_else(|| bad(13, "status"))?,
        failure: failure.map(|f| PayFailure::parse(&f).ok_or_else(|| bad(14, "failure"))).transpose()?,
        captured: r.get(15)?,
        refunded: r.get(16)?,
        refunded_user: r.get(17)?,
        created_at: r.get(18)?,
        completed_at: r.get(19)?,
        cancelled_at: r.get(20)?,
        tombstone: r.get::<_, Option<String>>(21)?.is_none(),
        request_hash: r.get(21)?,
        polls: r.get(22)?,
        confirm_polls: r.get(23)?,
        confirm_at: r.get(24)?,
        abandoned: r.get(25)?,
        wallet_name: wallet.and_then(|w| crate::network::wallet(&w)).map(|w| w.name.to_owned()),
        customer_no: r.get(27)?,
    })
}

/// The payment `reference` names for this acquirer on this network.
pub fn load(
    conn: &Connection,
    acquirer: &str,
    network: Network,
    reference: &PaymentRef,
) -> Result<Option<Payment>, Refusal> {
    let (column, value) = match reference {
        PaymentRef::RequestId(v) => ("p.request_id", v),
        PaymentRef::PaymentId(v) => ("p.id", v),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM payments p LEFT JOIN users u ON u.id = p.user_id
         WHERE p.acquirer_id = ?1 AND p.network = ?2 AND {column} = ?3"
    );
    Ok(conn.query_row(&sql, params![acquirer, network.id(), value], from_row).optional()?)
}

fn reload(tx: &Transaction<'_>, p: &Payment) -> Result<Payment, Refusal> {
    load(tx, &p.acquirer_id, p.network, &PaymentRef::PaymentId(p.id.clone()))?
        .ok_or_else(|| Refusal::Internal(format!("payment {} vanished", p.id)))
}

/// The idempotency key recorded on a journal: one journal per key, checked by the invariants.
fn journal_key(p: &Payment, operation: &str, request_id: &str) -> String {
    format!("{}/{}/{operation}/{request_id}", p.acquirer_id, p.network.id())
}

static IDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A fresh id with `prefix`.
fn new_id(prefix: &str) -> String {
    crate::state::new_id(prefix, &IDS)
}

fn journal_id() -> String {
    new_id("j_")
}

/// Debits the user and owes the acquirer: the payment journal. `Err(InsufficientFunds)` leaves
/// nothing written.
fn capture(tx: &Transaction<'_>, p: &Payment, now: i64) -> Result<(), Refusal> {
    let (Some(user_id), Some(user_amount)) = (&p.user_id, &p.user_amount) else {
        return Err(Refusal::Internal(format!("payment {} has no user to charge", p.id)));
    };
    let legs = [
        Leg::new(ledger::user_account(user_id), -user_amount.value),
        Leg::new(ledger::fx_account(tx, &user_amount.currency)?, user_amount.value),
        Leg::new(ledger::fx_account(tx, &p.amount.currency)?, -p.amount.value),
        Leg::new(ledger::acquirer_account(tx, &p.acquirer_id, &p.amount.currency)?, p.amount.value),
    ];
    let meta = json!({ "request_id": p.request_id, "merchant_id": p.merchant_id, "rate": p.rate.map(fx::format_rate) });
    let (id, key) = (journal_id(), journal_key(p, "pay", &p.request_id));
    let header = JournalHeader {
        id: &id,
        kind: "payment",
        idempotency: Some(&key),
        payment_id: Some(&p.id),
        refund_id: None,
        meta: &meta,
        now,
    };
    ledger::post(tx, &header, &legs)?;
    tx.execute(
        "UPDATE payments SET status = 'success', captured = 1, completed_at = ?2 WHERE id = ?1",
        params![p.id, now],
    )?;
    Ok(())
}

fn fail(tx: &Transaction<'_>, p: &Payment, failure: PayFailure, now: i64) -> Result<(), Refusal> {
    tx.execute(
        "UPDATE payments SET status = 'failed', failure = ?2, completed_at = ?3 WHERE id = ?1",
        params![p.id, failure.as_str(), now],
    )?;
    Ok(())
}

/// Moves a "user paying" payment on: counts an inquiry (`poll`), lands the user's answer once
/// enough inquiries or seconds have passed, or closes it when the user never answered.
fn resolve(tx: &Transaction<'_>, p: Payment, now: i64, poll: bool) -> Result<Payment, Refusal> {
    if p.status != PaymentStatus::Processing {
        return Ok(p);
    }
    let polls = p.polls + i64::from(poll);
    if poll {
        tx.execute("UPDATE payments SET polls = ?2 WHERE id = ?1", params![p.id, polls])?;
    }
    let by_polls = p.confirm_polls > 0 && polls >= p.confirm_polls;
    let by_time = p.confirm_at.is_some_and(|t| now >= t);
    let immediately = p.confirm_polls == 0 && p.confirm_at.is_none() && polls >= 1;
    if !p.abandoned && (by_polls || by_time || immediately) {
        match capture(tx, &p, now) {
            Ok(()) => {}
            // The balance went elsewhere while the user was confirming.
            Err(Refusal::InsufficientFunds) => fail(tx, &p, PayFailure::InsufficientFunds, now)?,
            Err(e) => return Err(e),
        }
    } else if now >= p.created_at + PAYING_TIMEOUT_SECS {
        fail(tx, &p, PayFailure::UserTimeout, now)?;
    }
    reload(tx, &p)
}

/// Runs `f` in one IMMEDIATE transaction on the writer, committing only when it succeeds.
pub async fn run<T, F>(state: &AppState, f: F) -> Result<T, Refusal>
where
    T: Send + 'static,
    F: FnOnce(&Transaction<'_>, i64) -> Result<T, Refusal> + Send + 'static,
{
    let now = state.clock.now();
    state
        .with_db(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx, now)?;
            tx.commit()?;
            Ok(out)
        })
        .await
}
