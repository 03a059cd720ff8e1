//! The merchant-presented side: a partner wallet abroad (the MPP) pays one of the network's
//! merchants by the code the merchant shows. The network decodes the code, credits the merchant
//! in yuan and settles with the MPP in the MPP's own currency at the network's rate.
//!
//! The same discipline as the acquiring side: one IMMEDIATE transaction per operation, the MPP's
//! request id names one payment, a repeat answers from the payment's state, a cancel of an id
//! the network never saw claims it.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::Serialize;
use serde_json::json;

use super::{new_id, CANCEL_WINDOW_SECS, PAYING_TIMEOUT_SECS};
use crate::error::Refusal;
use crate::faults::PayingPlan;
use crate::fx;
use crate::ledger::{self, JournalHeader, Leg};
use crate::model::{Amount, PayFailure, PaymentStatus};
use crate::network::Network;

/// A merchant code as the network decodes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The network's merchant id.
    pub merchant_id: String,
    /// Name.
    pub name: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Merchant category.
    pub mcc: String,
    /// The currency the merchant is paid in.
    pub currency: String,
    /// An order code's fixed amount; `None`: the payer enters it.
    pub amount: Option<Amount>,
    /// Whether an order code was already paid.
    pub paid: bool,
    key: String,
    account: String,
}

const MERCHANT_COLUMNS: &str = "id, name, city, country, mcc, currency, amount, paid_by, key, account_id";

fn merchant_from_row(r: &Row<'_>) -> rusqlite::Result<Decoded> {
    let currency: String = r.get(5)?;
    let amount: Option<i64> = r.get(6)?;
    Ok(Decoded {
        merchant_id: r.get(0)?,
        name: r.get(1)?,
        city: r.get(2)?,
        country: r.get(3)?,
        mcc: r.get(4)?,
        amount: amount.map(|a| Amount::new(a, currency.clone())),
        currency,
        paid: r.get::<_, Option<String>>(7)?.is_some(),
        key: r.get(8)?,
        account: r.get(9)?,
    })
}

fn merchant(conn: &Connection, network: Network, code: &str) -> Result<Option<Decoded>, Refusal> {
    let sql = format!("SELECT {MERCHANT_COLUMNS} FROM merchants WHERE code = ?1 AND network = ?2");
    Ok(conn.query_row(&sql, params![code.trim(), network.id()], merchant_from_row).optional()?)
}

/// Decodes a merchant code: the merchant, its currency and an order code's amount. A code of
/// another network, or none at all, is unknown here ([`Refusal::MerchantCodeUnknown`]).
pub fn decode(conn: &Connection, network: Network, code: &str) -> Result<Decoded, Refusal> {
    merchant(conn, network, code)?.ok_or(Refusal::MerchantCodeUnknown)
}

/// A payment the MPP asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MpmPayInput {
    /// The MPP (authenticated client id).
    #[serde(skip)]
    pub mpp: String,
    /// The network asked.
    pub network: Network,
    /// The MPP's idempotency key.
    pub request_id: String,
    /// The merchant's code, as scanned.
    pub code: String,
    /// What the merchant is paid, in its currency.
    pub amount: Amount,
    /// The currency the MPP settles in.
    pub settlement_currency: String,
}

impl MpmPayInput {
    fn request_hash(&self) -> Result<String, Refusal> {
        let canonical = serde_json::to_vec(self).map_err(|e| Refusal::Internal(e.to_string()))?;
        Ok(koban_core::crypto::body_digest_hex(&canonical))
    }
}

/// A merchant-presented payment as the network records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MpmPayment {
    /// The network's payment id.
    pub id: String,
    /// The MPP that asked.
    pub mpp_id: String,
    /// The network.
    pub network: Network,
    /// The MPP's request id.
    pub request_id: String,
    /// The merchant paid, when the code was one of this network's.
    pub merchant: Option<Decoded>,
    /// What the merchant is paid.
    pub amount: Amount,
    /// What the MPP owes the network, in its settlement currency.
    pub settlement: Option<Amount>,
    /// Settlement currency per merchant's, scaled by 10^10.
    pub rate: Option<i128>,
    /// Where it stands.
    pub status: PaymentStatus,
    /// Why it failed.
    pub failure: Option<PayFailure>,
    /// Whether the merchant was credited.
    pub captured: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// When it succeeded or failed.
    pub completed_at: Option<i64>,
    /// When it was cancelled.
    pub cancelled_at: Option<i64>,
    /// A cancel that arrived before any payment under its request id.
    pub tombstone: bool,
    request_hash: Option<String>,
    polls: i64,
    confirm_polls: i64,
    confirm_at: Option<i64>,
    abandoned: bool,
}

const COLUMNS: &str = "p.id, p.mpp_id, p.network, p.request_id, p.request_hash, p.code, p.amount, p.currency,
    p.settlement_amount, p.settlement_currency, p.rate, p.status, p.failure, p.captured, p.polls, p.confirm_polls,
    p.confirm_at, p.abandoned, p.created_at, p.completed_at, p.cancelled_at,
    m.id, m.name, m.city, m.country, m.mcc, m.currency, m.amount, m.paid_by, m.key, m.account_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<MpmPayment> {
    let bad = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("bad {what}").into())
    };
    let network: String = r.get(2)?;
    let settlement: Option<i64> = r.get(8)?;
    let settlement_currency: Option<String> = r.get(9)?;
    let rate: Option<String> = r.get(10)?;
    let status: String = r.get(11)?;
    let failure: Option<String> = r.get(12)?;
    let merchant_id: Option<String> = r.get(21)?;
    let merchant = match merchant_id {
        Some(_) => {
            let currency: String = r.get(26)?;
            let amount: Option<i64> = r.get(27)?;
            Some(Decoded {
                merchant_id: r.get(21)?,
                name: r.get(22)?,
                city: r.get(23)?,
                country: r.get(24)?,
                mcc: r.get(25)?,
                amount: amount.map(|a| Amount::new(a, currency.clone())),
                currency,
                paid: r.get::<_, Option<String>>(28)?.is_some(),
                key: r.get(29)?,
                account: r.get(30)?,
            })
        }
        None => None,
    };
    let request_hash: Option<String> = r.get(4)?;
    Ok(MpmPayment {
        id: r.get(0)?,
        mpp_id: r.get(1)?,
        network: Network::from_id(&network).ok_or_else(|| bad(2, "network"))?,
        request_id: r.get(3)?,
        tombstone: request_hash.is_none(),
        request_hash,
        amount: Amount::new(r.get(6)?, r.get::<_, String>(7)?),
        settlement: settlement.zip(settlement_currency).map(|(v, c)| Amount::new(v, c)),
        rate: rate.map(|s| s.parse::<i128>().map_err(|_| bad(10, "rate"))).transpose()?,
        status: PaymentStatus::parse(&status).ok_or_else(|| bad(11, "status"))?,
        failure: failure.map(|f| PayFailure::parse(&f).ok_or_else(|| bad(12, "failure"))).transpose()?,
        captured: r.get(13)?,
        polls: r.get(14)?,
        confirm_polls: r.get(15)?,
        confirm_at: r.get(16)?,
        abandoned: r.get(17)?,
        created_at: r.get(18)?,
        completed_at: r.get(19)?,
        cancelled_at: r.get(20)?,
        merchant,
    })
}

/// The payment `request_id` names for this MPP on this network.
pub fn load(conn: &Connection, mpp: &str, network: Network, request_id: &str) -> Result<Option<MpmPayment>, Refusal> {
    let sql = format!(
        "SELECT {COLUMNS} FROM mpm_payments p LEFT JOIN merchants m ON m.key = p.merchant_key
         WHERE p.mpp_id = ?1 AND p.network = ?2 AND p.request_id = ?3"
    );
    Ok(conn.query_row(&sql, params![mpp, network.id(), request_id], from_row).optional()?)
}

fn reload(tx: &Transaction<'_>, p: &MpmPayment) -> Result<MpmPayment, Refusal> {
    load(tx, &p.mpp_id, p.network, &p.request_id)?
        .ok_or_else(|| Refusal::Internal(format!("payment {} vanished", p.id)))
}

/// Every payment to a merchant, newest first (the merchant's own app).
pub fn for_merchant(conn: &Connection, key: &str) -> Result<Vec<MpmPayment>, Refusal> {
    let sql = format!(
        "SELECT {COLUMNS} FROM mpm_payments p LEFT JOIN merchants m ON m.key = p.merchant_key
         WHERE p.merchant_key = ?1 ORDER BY p.created_at DESC, p.rowid DESC"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([key], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn journal_key(p: &MpmPayment, operation: &str) -> String {
    format!("{}/{}/{operation}/{}", p.mpp_id, p.network.id(), p.request_id)
}

/// Credits the merchant and charges the MPP: the payment journal.
fn capture(tx: &Transaction<'_>, p: &MpmPayment, now: i64) -> Result<(), Refusal> {
    let (Some(m), Some(settlement)) = (&p.merchant, &p.settlement) else {
        return Err(Refusal::Internal(format!("payment {} has no merchant or settlement", p.id)));
    };
    let legs = [
        Leg::new(ledger::mpp_account(tx, &p.mpp_id, &settlement.currency)?, -settlement.value),
        Leg::new(ledger::fx_account(tx, &settlement.currency)?, settlement.value),
        Leg::new(ledger::fx_account(tx, &p.amount.currency)?, -p.amount.value),
        Leg::new(m.account.clone(), p.amount.value),
    ];
    let meta = json!({ "request_id": p.request_id, "merchant_id": m.merchant_id, "rate": p.rate.map(fx::format_rate) });
    let (id, key) = (new_id("j_"), journal_key(p, "mpm_pay"));
    let header = JournalHeader {
        id: &id,
        kind: "mpm_payment",
        idempotency: Some(&key),
        payment_id: Some(&p.id),
        refund_id: None,
        meta: &meta,
        now,
    };
    ledger::post(tx, &header, &legs)?;
    tx.execute(
        "UPDATE mpm_payments SET status = 'success', captured = 1, completed_at = ?2 WHERE id = ?1",
        params![p.id, now],
    )?;
    Ok(())
}

/// Frees an order code a payment held, when that payment will never pay it.
fn release_code(tx: &Transaction<'_>, p: &MpmPayment) -> Result<(), Refusal> {
    tx.execute("UPDATE merchants SET paid_by = NULL WHERE paid_by = ?1", [&p.id])?;
    Ok(())
}

fn fail(tx: &Transaction<'_>, p: &MpmPayment, failure: PayFailure, now: i64) -> Result<(), Refusal> {
    tx.execute(
        "UPDATE mpm_payments SET status = 'failed', failure = ?2, completed_at = ?3 WHERE id = ?1",
        params![p.id, failure.as_str(), now],
    )?;
    release_code(tx, p)
}

/// Moves a processing payment on: an inquiry counts (`poll`); the merchant's side confirms
/// after enough inquiries or seconds; one never confirmed is closed after the timeout.
fn resolve(tx: &Transaction<'_>, p: MpmPayment, now: i64, poll: bool) -> Result<MpmPayment, Refusal> {
    if p.status != PaymentStatus::Processing {
        return Ok(p);
    }
    let polls = p.polls + i64::from(poll);
    if poll {
        tx.execute("UPDATE mpm_payments SET polls = ?2 WHERE id = ?1", params![p.id, polls])?;
    }
    let by_polls = p.confirm_polls > 0 && polls >= p.confirm_polls;
    let by_time = p.confirm_at.is_some_and(|t| now >= t);
    let immediately = p.confirm_polls == 0 && p.confirm_at.is_none() && polls >= 1;
    if !p.abandoned && (by_polls || by_time || immediately) {
        capture(tx, &p, now)?;
    } else if now >= p.created_at + PAYING_TIMEOUT_SECS {
        fail(tx, &p, PayFailure::UserTimeout, now)?;
    }
    reload(tx, &p)
}

/// Pays a merchant once per request id. A repeat with the same request answers from the
/// payment's state; with another request it is refused; a request id a cancel claimed answers
/// "cancelled". A code the network does not know fails the payment (`InvalidCode`); an order
/// code paid already fails it (`UsedCode`); an amount other than an order code's, or in another
/// currency than the merchant's, is refused before anything is recorded.
pub fn pay(tx: &Transaction<'_>, input: &MpmPayInput, plan: PayingPlan, now: i64) -> Result<MpmPayment, Refusal> {
    let hash = input.request_hash()?;
    if let Some(existing) = load(tx, &input.mpp, input.network, &input.request_id)? {
        if existing.tombstone {
            return Ok(existing);
        }
        if existing.request_hash.as_deref() != Some(hash.as_str()) {
            return Err(Refusal::RequestIdReused);
        }
        return resolve(tx, existing, now, false);
    }
    if input.amount.value <= 0 {
        return Err(Refusal::BadRequest("the amount must be positive".into()));
    }
    fx::exponent(&input.amount.currency)?;
    fx::exponent(&input.settlement_currency)?;
    let merchant = merchant(tx, input.network, &input.code)?;
    if let Some(m) = &merchant {
        if m.currency != input.amount.currency {
            return Err(Refusal::BadRequest(format!("the merchant is paid in {}", m.currency)));
        }
        if let Some(fixed) = m.amount.as_ref().filter(|f| f.value != input.amount.value) {
            return Err(Refusal::BadRequest(format!("the order code fixes the amount at {fixed}")));
        }
    }
    let id = new_id(match input.network {
        Network::AlipayPlus => "aplus_mpm_",
        Network::WechatPay => "wx_mpm_",
        Network::Unionpay => "cup_mpm_",
    });
    let insert =
        |settlement: Option<(i64, i128)>, status: PaymentStatus, failure: Option<PayFailure>, plan: PayingPlan| {
            tx.execute(
                "INSERT INTO mpm_payments (id, mpp_id, network, request_id, request_hash, code, merchant_key, amount,
                 currency, settlement_amount, settlement_currency, rate, status, failure, confirm_polls, confirm_at,
                 abandoned, created_at, completed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
                params![
                    id,
                    input.mpp,
                    input.network.id(),
                    input.request_id,
                    hash,
                    input.code,
                    merchant.as_ref().map(|m| &m.key),
                    input.amount.value,
                    input.amount.currency,
                    settlement.map(|(v, _)| v),
                    settlement.map(|_| &input.settlement_currency),
                    settlement.map(|(_, r)| r.to_string()),
                    status.as_str(),
                    failure.map(PayFailure::as_str),
                    plan.polls,
                    (plan.wait && plan.secs > 0).then(|| now + i64::from(plan.secs)),
                    plan.abandon,
                    now,
                    status.is_final().then_some(now),
                ],
            )
        };
    let none = PayingPlan::default();
    let Some(m) = &merchant else {
        insert(None, PaymentStatus::Failed, Some(PayFailure::InvalidCode), none)?;
        return load(tx, &input.mpp, input.network, &input.request_id)?
            .ok_or_else(|| Refusal::Internal("payment vanished".into()));
    };
    if m.amount.is_some() && m.paid {
        insert(None, PaymentStatus::Failed, Some(PayFailure::UsedCode), none)?;
        return load(tx, &input.mpp, input.network, &input.request_id)?
            .ok_or_else(|| Refusal::Internal("payment vanished".into()));
    }
    let rate = fx::network_rate(
        fx::mid_rate(&input.amount.currency, &input.settlement_currency)?,
        input.network.fx_margin_bps(),
    );
    let settlement = fx::charge(input.amount.value, &input.amount.currency, &input.settlement_currency, rate)?;
    let plan = if plan.wait { plan } else { none };
    insert(Some((settlement, rate)), PaymentStatus::Processing, None, plan)?;
    if m.amount.is_some() {
        tx.execute("UPDATE merchants SET paid_by = ?2 WHERE key = ?1", params![m.key, id])?;
    }
    let payment = load(tx, &input.mpp, input.network, &input.request_id)?
        .ok_or_else(|| Refusal::Internal("payment vanished".into()))?;
    if plan.wait {
        return Ok(payment);
    }
    capture(tx, &payment, now)?;
    reload(tx, &payment)
}

/// The payment's state for an inquiry; each inquiry of a processing payment counts towards
/// the merchant side's answer.
pub fn inquire(
    tx: &Transaction<'_>,
    mpp: &str,
    network: Network,
    request_id: &str,
    now: i64,
) -> Result<MpmPayment, Refusal> {
    let payment = load(tx, mpp, network, request_id)?.ok_or(Refusal::PaymentNotFound)?;
    resolve(tx, payment, now, true)
}

/// Cancels a payment exactly once: a processing one stops, a successful one is reversed in
/// full within the cancel window (the merchant's credit and the MPP's charge both go back), a
/// failed or cancelled one answers as before; an unseen request id is claimed.
pub fn cancel(
    tx: &Transaction<'_>,
    mpp: &str,
    network: Network,
    request_id: &str,
    now: i64,
) -> Result<MpmPayment, Refusal> {
    let Some(payment) = load(tx, mpp, network, request_id)? else {
        tx.execute(
            "INSERT INTO mpm_payments (id, mpp_id, network, request_id, request_hash, amount, currency, status,
                 created_at, cancelled_at)
             VALUES (?1, ?2, ?3, ?4, NULL, 0, '', 'cancelled', ?5, ?5)",
            params![new_id("cancelled_mpm_"), mpp, network.id(), request_id, now],
        )?;
        return load(tx, mpp, network, request_id)?.ok_or_else(|| Refusal::Internal("cancel vanished".into()));
    };
    let payment = resolve(tx, payment, now, false)?;
    match payment.status {
        PaymentStatus::Cancelled | PaymentStatus::Failed => return Ok(payment),
        _ if now > payment.created_at + CANCEL_WINDOW_SECS => return Err(Refusal::CancelWindowExceeded),
        PaymentStatus::Processing => {}
        PaymentStatus::Success => reverse(tx, &payment, now)?,
    }
    tx.execute(
        "UPDATE mpm_payments SET status = 'cancelled', cancelled_at = ?2 WHERE id = ?1",
        params![payment.id, now],
    )?;
    release_code(tx, &payment)?;
    reload(tx, &payment)
}

fn reverse(tx: &Transaction<'_>, p: &MpmPayment, now: i64) -> Result<(), Refusal> {
    let (Some(m), Some(settlement)) = (&p.merchant, &p.settlement) else {
        return Err(Refusal::Internal(format!("payment {} has no merchant or settlement", p.id)));
    };
    let legs = [
        Leg::new(m.account.clone(), -p.amount.value),
        Leg::new(ledger::fx_account(tx, &p.amount.currency)?, p.amount.value),
        Leg::new(ledger::fx_account(tx, &settlement.currency)?, -settlement.value),
        Leg::new(ledger::mpp_account(tx, &p.mpp_id, &settlement.currency)?, settlement.value),
    ];
    let meta = json!({ "request_id": p.request_id });
    let (id, key) = (new_id("j_"), journal_key(p, "mpm_cancel"));
    let header = JournalHeader {
        id: &id,
        kind: "mpm_cancel",
        idempotency: Some(&key),
        payment_id: Some(&p.id),
        refund_id: None,
        meta: &meta,
        now,
    };
    ledger::post(tx, &header, &legs)
}
