//! Charging a code, and inquiring about a charge.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use super::{capture, load, new_id, resolve, Payment, PaymentRef};
use crate::error::Refusal;
use crate::faults::PayingPlan;
use crate::fx;
use crate::ledger;
use crate::model::{Amount, PayFailure, PaymentStatus};
use crate::network::Network;

/// A charge the acquirer asks for, whatever the network's wire shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayInput {
    /// The acquirer (authenticated client id).
    #[serde(skip)]
    pub acquirer: String,
    /// The network asked.
    pub network: Network,
    /// The acquirer's idempotency key.
    pub request_id: String,
    /// The code the user showed.
    pub code: String,
    /// The merchant's amount in its currency.
    pub amount: Amount,
    /// The acquirer's merchant.
    pub merchant_id: String,
    /// Its name.
    pub merchant_name: String,
    /// What was bought.
    pub description: String,
}

impl PayInput {
    /// What a repeat must match: every field of the request but the acquirer (which scopes the
    /// request id anyway).
    pub fn request_hash(&self) -> Result<String, Refusal> {
        let canonical = serde_json::to_vec(self).map_err(|e| Refusal::Internal(e.to_string()))?;
        Ok(koban_core::crypto::body_digest_hex(&canonical))
    }
}

fn payment_prefix(network: Network) -> &'static str {
    match network {
        Network::AlipayPlus => "aplus_",
        Network::WechatPay => "wx_",
        Network::Unionpay => "cup_",
    }
}

/// The code's owner, if the code is this network's.
struct Presented {
    user_id: String,
    currency: String,
    used: bool,
    expires_at: i64,
}

fn presented(tx: &Transaction<'_>, network: Network, code: &str) -> Result<Option<Presented>, Refusal> {
    Ok(tx
        .query_row(
            "SELECT c.user_id, u.currency, c.used_at IS NOT NULL, c.expires_at FROM codes c
             JOIN users u ON u.id = c.user_id WHERE c.code = ?1 AND c.network = ?2",
            params![code, network.id()],
            |r| Ok(Presented { user_id: r.get(0)?, currency: r.get(1)?, used: r.get(2)?, expires_at: r.get(3)? }),
        )
        .optional()?)
}

/// Charges the code once per request id. A repeat with the same request answers from the
/// payment's current state (moving a "user paying" one on by the clock); a repeat with another
/// request is refused; a request id a cancel already claimed answers "cancelled".
///
/// The first presentation of a code burns it, whatever the outcome: the user's phone shows a
/// fresh code for the next attempt. A code another network issued is unknown here and left
/// alone.
pub fn pay(tx: &Transaction<'_>, input: &PayInput, plan: PayingPlan, now: i64) -> Result<Payment, Refusal> {
    let hash = input.request_hash()?;
    let reference = PaymentRef::RequestId(input.request_id.clone());
    if let Some(existing) = load(tx, &input.acquirer, input.network, &reference)? {
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
    let id = new_id(payment_prefix(input.network));
    let insert = |user: Option<&Presented>,
                  user_amount: Option<i64>,
                  rate: Option<i128>,
                  status: PaymentStatus,
                  failure: Option<PayFailure>,
                  plan: PayingPlan|
     -> Result<(), Refusal> {
        tx.execute(
            "INSERT INTO payments (id, acquirer_id, network, request_id, request_hash, user_id, code, merchant_id,
                 merchant_name, description, amount, currency, user_amount, user_currency, rate, status, failure,
                 confirm_polls, confirm_at, abandoned, created_at, completed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
            params![
                id,
                input.acquirer,
                input.network.id(),
                input.request_id,
                hash,
                user.map(|u| &u.user_id),
                input.code,
                input.merchant_id,
                input.merchant_name,
                input.description,
                input.amount.value,
                input.amount.currency,
                user_amount,
                user.map(|u| &u.currency),
                rate.map(|r| r.to_string()),
                status.as_str(),
                failure.map(PayFailure::as_str),
                plan.polls,
                (plan.wait && plan.secs > 0).then(|| now + i64::from(plan.secs)),
                plan.abandon,
                now,
                status.is_final().then_some(now),
            ],
        )?;
        Ok(())
    };
    let reload = || {
        load(tx, &input.acquirer, input.network, &PaymentRef::PaymentId(id.clone()))?
            .ok_or_else(|| Refusal::Internal("payment vanished".into()))
    };
    let none = PayingPlan::default();
    let Some(user) = presented(tx, input.network, &input.code)? else {
        insert(None, None, None, PaymentStatus::Failed, Some(PayFailure::InvalidCode), none)?;
        return reload();
    };
    if user.used {
        insert(Some(&user), None, None, PaymentStatus::Failed, Some(PayFailure::UsedCode), none)?;
        return reload();
    }
    if now > user.expires_at {
        insert(Some(&user), None, None, PaymentStatus::Failed, Some(PayFailure::ExpiredCode), none)?;
        return reload();
    }
    tx.execute("UPDATE codes SET used_at = ?2, used_by = ?3 WHERE code = ?1", params![input.code, now, id])?;
    let rate = fx::network_rate(fx::mid_rate(&input.amount.currency, &user.currency)?, input.network.fx_margin_bps());
    let user_amount = fx::charge(input.amount.value, &input.amount.currency, &user.currency, rate)?;
    if ledger::balance(tx, &ledger::user_account(&user.user_id))? < user_amount {
        let failure = Some(PayFailure::InsufficientFunds);
        insert(Some(&user), Some(user_amount), Some(rate), PaymentStatus::Failed, failure, none)?;
        return reload();
    }
    if plan.wait {
        insert(Some(&user), Some(user_amount), Some(rate), PaymentStatus::Processing, None, plan)?;
        return reload();
    }
    insert(Some(&user), Some(user_amount), Some(rate), PaymentStatus::Processing, None, none)?;
    let payment = reload()?;
    capture(tx, &payment, now)?;
    reload()
}

/// The payment's state for an inquiry; each inquiry of a "user paying" payment counts towards
/// the user's answer.
pub fn inquire(
    tx: &Transaction<'_>,
    acquirer: &str,
    network: Network,
    reference: &PaymentRef,
    now: i64,
) -> Result<Payment, Refusal> {
    let payment = load(tx, acquirer, network, reference)?.ok_or(Refusal::PaymentNotFound)?;
    resolve(tx, payment, now, true)
}
