//! Money going back: cancelling a payment (in full, within the cancel window) and refunding it
//! (in part or in full, at the payment's rate).

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::json;

use super::{journal_id, journal_key, load, new_id, reload, resolve, Payment, PaymentRef};
use super::{CANCEL_WINDOW_SECS, REFUND_WINDOW_SECS};
use crate::error::Refusal;
use crate::fx;
use crate::ledger::{self, JournalHeader, Leg};
use crate::model::{Amount, PaymentStatus};
use crate::network::Network;

/// Cancels a payment exactly once: a processing payment stops (nothing was taken), a
/// successful one is reversed in full, a failed one stays failed (nothing was taken), a
/// cancelled one answers as before. A cancel for a request id the network has never seen
/// claims it, so a payment that arrives late under that id is never charged.
pub fn cancel(
    tx: &Transaction<'_>,
    acquirer: &str,
    network: Network,
    reference: &PaymentRef,
    now: i64,
) -> Result<Payment, Refusal> {
    let Some(payment) = load(tx, acquirer, network, reference)? else {
        let PaymentRef::RequestId(request_id) = reference else {
            return Err(Refusal::PaymentNotFound);
        };
        tx.execute(
            "INSERT INTO payments (id, acquirer_id, network, request_id, request_hash, merchant_id, merchant_name,
                 description, amount, currency, status, created_at, cancelled_at)
             VALUES (?1, ?2, ?3, ?4, NULL, '', '', '', 0, '', 'cancelled', ?5, ?5)",
            params![new_id("cancelled_"), acquirer, network.id(), request_id, now],
        )?;
        return load(tx, acquirer, network, reference)?.ok_or_else(|| Refusal::Internal("cancel vanished".into()));
    };
    // The user's answer may have landed by the clock: cancel what really happened.
    let payment = resolve(tx, payment, now, false)?;
    match payment.status {
        PaymentStatus::Cancelled | PaymentStatus::Failed => return Ok(payment),
        _ if now > payment.created_at + CANCEL_WINDOW_SECS => return Err(Refusal::CancelWindowExceeded),
        _ if payment.refunded > 0 => {
            return Err(Refusal::PaymentStateInvalid("partly refunded", "refund the rest instead"))
        }
        PaymentStatus::Processing => {}
        PaymentStatus::Success => reverse_in_full(tx, &payment, now)?,
    }
    tx.execute("UPDATE payments SET status = 'cancelled', cancelled_at = ?2 WHERE id = ?1", params![payment.id, now])?;
    reload(tx, &payment)
}

fn reverse_in_full(tx: &Transaction<'_>, p: &Payment, now: i64) -> Result<(), Refusal> {
    let (Some(user_id), Some(user_amount)) = (&p.user_id, &p.user_amount) else {
        return Err(Refusal::Internal(format!("payment {} has no user", p.id)));
    };
    let legs = [
        Leg::new(ledger::fx_account(tx, &user_amount.currency)?, -user_amount.value),
        Leg::new(ledger::user_account(user_id), user_amount.value),
        Leg::new(ledger::acquirer_account(tx, &p.acquirer_id, &p.amount.currency)?, -p.amount.value),
        Leg::new(ledger::fx_account(tx, &p.amount.currency)?, p.amount.value),
    ];
    let meta = json!({ "request_id": p.request_id });
    let (id, key) = (journal_id(), journal_key(p, "cancel", &p.request_id));
    let header = JournalHeader {
        id: &id,
        kind: "cancel",
        idempotency: Some(&key),
        payment_id: Some(&p.id),
        refund_id: None,
        meta: &meta,
        now,
    };
    ledger::post(tx, &header, &legs)
}

/// A refund the acquirer asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundInput {
    /// The acquirer.
    #[serde(skip)]
    pub acquirer: String,
    /// The network asked.
    pub network: Network,
    /// The refund's idempotency key.
    pub refund_request_id: String,
    /// The payment to refund.
    #[serde(serialize_with = "serialize_ref")]
    pub payment: PaymentRef,
    /// In the payment's currency.
    pub amount: Amount,
}

fn serialize_ref<S: serde::Serializer>(r: &PaymentRef, s: S) -> Result<S::Ok, S::Error> {
    match r {
        PaymentRef::RequestId(v) => s.serialize_str(&format!("request:{v}")),
        PaymentRef::PaymentId(v) => s.serialize_str(&format!("payment:{v}")),
    }
}

/// A refund as the network records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// The network's refund id.
    pub id: String,
    /// The acquirer's refund request id.
    pub request_id: String,
    /// The payment refunded.
    pub payment: Payment,
    /// In the payment's currency.
    pub amount: Amount,
    /// Given back to the user, in their currency.
    pub user_amount: Amount,
    /// Unix seconds.
    pub created_at: i64,
}

/// A refund already recorded under a refund request id.
struct Stored {
    id: String,
    hash: String,
    payment_id: String,
    amount: Amount,
    user_amount: Amount,
    created_at: i64,
}

/// Refunds part or all of a successful payment, once per refund request id: the user gets the
/// payment's share back in their currency at the payment's own rate (see [`fx::refund_share`]),
/// and the network owes the acquirer that much less. Refunds never add up to more than was paid.
pub fn refund(tx: &Transaction<'_>, input: &RefundInput, now: i64) -> Result<Refund, Refusal> {
    let canonical = serde_json::to_vec(input).map_err(|e| Refusal::Internal(e.to_string()))?;
    let hash = koban_core::crypto::body_digest_hex(&canonical);
    let stored = tx
        .query_row(
            "SELECT r.id, r.request_hash, r.payment_id, r.amount, r.currency, r.user_amount, r.user_currency, r.created_at
             FROM refunds r WHERE r.acquirer_id = ?1 AND r.network = ?2 AND r.request_id = ?3",
            params![input.acquirer, input.network.id(), input.refund_request_id],
            |r| {
                Ok(Stored {
                    id: r.get(0)?,
                    hash: r.get(1)?,
                    payment_id: r.get(2)?,
                    amount: Amount::new(r.get(3)?, r.get::<_, String>(4)?),
                    user_amount: Amount::new(r.get(5)?, r.get::<_, String>(6)?),
                    created_at: r.get(7)?,
                })
            },
        )
        .optional()?;
    if let Some(stored) = stored {
        if stored.hash != hash {
            return Err(Refusal::RequestIdReused);
        }
        let payment = load(tx, &input.acquirer, input.network, &PaymentRef::PaymentId(stored.payment_id))?
            .ok_or_else(|| Refusal::Internal("refunded payment vanished".into()))?;
        return Ok(Refund {
            id: stored.id,
            request_id: input.refund_request_id.clone(),
            payment,
            amount: stored.amount,
            user_amount: stored.user_amount,
            created_at: stored.created_at,
        });
    }
    let payment = load(tx, &input.acquirer, input.network, &input.payment)?.ok_or(Refusal::PaymentNotFound)?;
    let payment = resolve(tx, payment, now, false)?;
    match payment.status {
        PaymentStatus::Success => {}
        PaymentStatus::Processing => {
            return Err(Refusal::PaymentStateInvalid("processing", "inquire until it succeeds, or cancel it"))
        }
        PaymentStatus::Failed => return Err(Refusal::PaymentStateInvalid("failed", "nothing was taken")),
        PaymentStatus::Cancelled => return Err(Refusal::PaymentStateInvalid("cancelled", "everything went back")),
    }
    if input.amount.currency != payment.amount.currency {
        return Err(Refusal::RefundCurrencyMismatch(payment.amount.currency.clone()));
    }
    if input.amount.value <= 0 {
        return Err(Refusal::BadRequest("the refund amount must be positive".into()));
    }
    if now > payment.created_at + REFUND_WINDOW_SECS {
        return Err(Refusal::RefundWindowExceeded);
    }
    let remaining = payment.amount.value - payment.refunded;
    if input.amount.value > remaining {
        return Err(Refusal::RefundExceedsPayment { remaining });
    }
    let (Some(user_id), Some(paid)) = (&payment.user_id, &payment.user_amount) else {
        return Err(Refusal::Internal(format!("payment {} has no user", payment.id)));
    };
    let after = payment.refunded + input.amount.value;
    let credit = fx::refund_share(paid.value, payment.amount.value, payment.refunded, after)?;
    let refund_id = new_id("refund_");
    tx.execute(
        "INSERT INTO refunds (id, acquirer_id, network, request_id, request_hash, payment_id, amount, currency,
             user_amount, user_currency, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            refund_id,
            input.acquirer,
            input.network.id(),
            input.refund_request_id,
            hash,
            payment.id,
            input.amount.value,
            input.amount.currency,
            credit,
            paid.currency,
            now
        ],
    )?;
    let mut legs = vec![
        Leg::new(ledger::acquirer_account(tx, &payment.acquirer_id, &payment.amount.currency)?, -input.amount.value),
        Leg::new(ledger::fx_account(tx, &payment.amount.currency)?, input.amount.value),
    ];
    // A refund of less than one minor unit of the user's currency gives nothing back to them;
    // the ledger still records the acquirer's side.
    legs.push(Leg::new(ledger::fx_account(tx, &paid.currency)?, -credit));
    legs.push(Leg::new(ledger::user_account(user_id), credit));
    let meta = json!({ "refund_request_id": input.refund_request_id, "payment_request_id": payment.request_id });
    let (id, key) = (journal_id(), journal_key(&payment, "refund", &input.refund_request_id));
    let header = JournalHeader {
        id: &id,
        kind: "refund",
        idempotency: Some(&key),
        payment_id: Some(&payment.id),
        refund_id: Some(&refund_id),
        meta: &meta,
        now,
    };
    ledger::post(tx, &header, &legs)?;
    tx.execute(
        "UPDATE payments SET refunded = refunded + ?2, refunded_user = refunded_user + ?3 WHERE id = ?1",
        params![payment.id, input.amount.value, credit],
    )?;
    Ok(Refund {
        id: refund_id,
        request_id: input.refund_request_id.clone(),
        payment: reload(tx, &payment)?,
        amount: input.amount.clone(),
        user_amount: Amount::new(credit, paid.currency.clone()),
        created_at: now,
    })
}
