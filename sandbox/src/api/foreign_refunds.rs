//! Refunds of foreign charges (a tourist's Alipay+, WeChat Pay or UnionPay code) through the
//! network's own refund API: the network gives its user back their currency at the payment's
//! rate, the host takes the amount off the merchant and off the network's receivable.
//!
//! Exactly once, as for the charge (ADR 0007): the refund row commits first under a refund
//! request id derived from the terminal's idempotency key, holding its amount against what is
//! still refundable; then the network is called with that id (it refunds once per id); the
//! decision, the ledger and the terminal's stored answer commit together. A retry before that
//! resumes the same row, and a restarted host resumes every pending one. The driver is shared
//! (`intent_first`); this file holds the refund's hold, request, ledger and answer.

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use koban_core::net::api;
use koban_partners::client::{ClientError, RefundRequest as NetworkRefund, RefundResult};
use koban_partners::error::RefusalKind;
use koban_partners::{Amount, Network};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use super::common::{amount, merchant_ref, AmountIn};
use super::intent_first::{self, PartnerIntent, Refusals};
use crate::acquiring::{self, Acquirer, Flow, Step};
use crate::error::{ApiError, OrRefusal};
use crate::idem::{Ctx, Mutation};
use crate::journal_meta;
use crate::ledger::{self, JournalHeader, Leg};
use crate::seed;
use crate::state::AppState;

/// First wait between attempts at an unanswered refund; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// Longest wait between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// A captured foreign charge, as a refund needs it.
pub(super) struct Original {
    id: String,
    network: Network,
    amount: i64,
    currency: String,
}

/// The foreign charge a refund request names (by charge id or by its transaction id) among
/// this merchant's, if it names one. A charge that moved no money is not refundable.
pub(super) fn original(
    conn: &Connection,
    merchant_id: &str,
    charge_id: Option<&str>,
    transaction_id: Option<&str>,
) -> Result<Option<Original>, ApiError> {
    let row: Option<(String, String, i64, String, String)> = conn
        .query_row(
            "SELECT id, network, amount, currency, status FROM foreign_charges
             WHERE merchant_id = ?1 AND (id = ?2 OR journal_id = ?3)",
            params![merchant_id, charge_id, transaction_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((id, network, amount, currency, status)) = row else { return Ok(None) };
    if status != "captured" {
        return Err(ApiError::NotRefundable(format!("charge {id} is {status}: it moved no money")));
    }
    let network = Network::from_id(&network).ok_or_else(|| ApiError::Internal(format!("unknown network {network}")))?;
    Ok(Some(Original { id, network, amount, currency }))
}

/// A foreign refund row.
struct Row {
    id: String,
    charge_id: String,
    merchant_id: String,
    network: Network,
    payment_request_id: String,
    payment_amount: i64,
    original_journal_id: String,
    refund_request_id: String,
    amount: i64,
    currency: String,
    status: String,
    created_at: i64,
    mutation: Mutation,
}

fn load(conn: &Connection, id: &str) -> Result<Option<Row>, ApiError> {
    Ok(conn
        .query_row(
            "SELECT r.id, r.charge_id, r.merchant_id, c.network, c.request_id, c.amount, c.journal_id,
                    r.refund_request_id, r.amount, r.currency, r.status, r.created_at, r.scope, r.idem_key,
                    r.request_hash
             FROM foreign_refunds r JOIN foreign_charges c ON c.id = r.charge_id WHERE r.id = ?1",
            [id],
            |r| {
                let network: String = r.get(3)?;
                Ok(Row {
                    id: r.get(0)?,
                    charge_id: r.get(1)?,
                    merchant_id: r.get(2)?,
                    network: Network::from_id(&network).unwrap_or(Network::AlipayPlus),
                    payment_request_id: r.get(4)?,
                    payment_amount: r.get(5)?,
                    original_journal_id: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                    refund_request_id: r.get(7)?,
                    amount: r.get(8)?,
                    currency: r.get(9)?,
                    status: r.get(10)?,
                    created_at: r.get(11)?,
                    mutation: Mutation { scope: r.get(12)?, key: r.get(13)?, request_hash: r.get(14)? },
                })
            },
        )
        .optional()?)
}

/// Refunded and held (completed plus pending) of a charge, merchant's currency.
fn refunded(conn: &Connection, charge_id: &str) -> Result<(i64, i64), ApiError> {
    Ok(conn.query_row(
        "SELECT COALESCE(SUM(CASE WHEN status = 'completed' THEN amount END), 0),
                COALESCE(SUM(CASE WHEN status IN ('completed', 'pending') THEN amount END), 0)
         FROM foreign_refunds WHERE charge_id = ?1",
        [charge_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// `POST /v1/terminal/refunds` for a foreign charge: record, refund at the network, settle.
pub(super) async fn refund(
    state: AppState,
    terminal_id: String,
    m: Mutation,
    asked: Option<AmountIn>,
    original: Original,
) -> Response {
    let Some(acquirer) = state.acquirer.clone() else {
        let e = ApiError::NotRefundable(format!(
            "a {} charge is refunded through its network, and this host is not connected to it",
            original.network.name()
        ));
        return e.into_response();
    };
    let id = state.new_id("rf");
    // A final refusal (more than is left, another currency) is the answer to this key from now
    // on, like any other mutation's.
    intent_first::record_and_answer::<Row, _>(state, acquirer, m, Refusals::Stored, move |tx, m, now| {
        record(tx, &id, &terminal_id, m, asked.as_ref(), &original, now)
    })
    .await
}

/// Records the refund intent (the key has neither an answer nor a row yet), holding its amount
/// against what is still refundable. Returns its id.
fn record(
    tx: &Transaction<'_>,
    id: &str,
    terminal_id: &str,
    m: &Mutation,
    asked: Option<&AmountIn>,
    original: &Original,
    now: i64,
) -> Result<String, ApiError> {
    let (done, held) = refunded(tx, &original.id)?;
    let left = original.amount - held;
    let value = match asked {
        Some(a) => {
            a.validate()?;
            if a.currency != original.currency {
                return Err(ApiError::CurrencyMismatch(format!("the charge was in {}", original.currency)));
            }
            a.minor
        }
        None => left,
    };
    if value > left || left <= 0 {
        let pending = held - done;
        return Err(ApiError::RefundExceedsPayment(format!(
            "{value} {cur} asked; {done} of {total} {cur} already refunded{more}, {left} left",
            cur = original.currency,
            total = original.amount,
            more = if pending > 0 { format!(" and {pending} being refunded") } else { String::new() },
        )));
    }
    let merchant_id: String =
        tx.query_row("SELECT merchant_id FROM foreign_charges WHERE id = ?1", [&original.id], |r| r.get(0))?;
    tx.execute(
        "INSERT INTO foreign_refunds (id, scope, idem_key, request_hash, charge_id, merchant_id, terminal_id,
             refund_request_id, amount, currency, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'pending', ?11)",
        params![
            id,
            m.scope,
            m.key,
            m.request_hash,
            original.id,
            merchant_id,
            terminal_id,
            acquiring::request_id(&m.scope, &format!("refund\n{}", m.key)),
            value,
            original.currency,
            now
        ],
    )?;
    Ok(id.to_owned())
}

/// Where a refund at the network ended.
enum Decision {
    /// The network gave its user the money back.
    Refunded(RefundResult),
    /// The network refused; nothing went back.
    Refused(ApiError),
}

impl PartnerIntent for Row {
    const FLOW: Flow = Flow::Refund;
    const TABLE: &'static str = "foreign_refunds";
    const NAME: &'static str = "foreign refund";
    const NOUN: &'static str = "refund";
    type Decision = Decision;
    type Answer = api::Refund;

    fn load(conn: &Connection, id: &str) -> Result<Option<Self>, ApiError> {
        load(conn, id)
    }

    fn is_pending(&self) -> bool {
        self.status == "pending"
    }

    fn mutation(&self) -> Mutation {
        self.mutation.clone()
    }

    fn network(&self) -> Network {
        self.network
    }

    async fn call(&self, state: &AppState, acquirer: &Acquirer) -> Option<Decision> {
        call(state, acquirer, self).await
    }

    fn decide(
        tx: &Transaction<'_>,
        ctx: &Ctx,
        id: &str,
        decision: Option<Decision>,
    ) -> Result<(StatusCode, OrRefusal<api::Refund>), ApiError> {
        decide(tx, ctx, id, decision)
    }
}

/// Asks the network to refund until it answers or the deadline passes (`None`: unanswered,
/// the refund stays pending and its id is sent again on the next try).
async fn call(state: &AppState, acquirer: &Acquirer, row: &Row) -> Option<Decision> {
    let request = NetworkRefund {
        refund_request_id: row.refund_request_id.clone(),
        payment_request_id: row.payment_request_id.clone(),
        amount: Amount::new(row.amount, &row.currency),
        payment_amount: Amount::new(row.payment_amount, &row.currency),
    };
    let deadline = state.clock.now() + acquirer.deadline_secs;
    let mut wait = FIRST_BACKOFF;
    loop {
        let answer = acquirer.client.refund(row.network, &request).await;
        acquirer.crash_point(Flow::Refund, Step::AfterSend).await;
        match answer {
            Ok(r) => return Some(Decision::Refunded(r)),
            Err(ClientError::Refused { kind, message, .. }) => {
                let why = format!("{}: {message}", row.network.name());
                return Some(Decision::Refused(match kind {
                    RefusalKind::RefundExceedsPayment => ApiError::RefundExceedsPayment(why),
                    _ => ApiError::NotRefundable(why),
                }));
            }
            Err(ClientError::Unknown(_) | ClientError::Config(_)) => {}
        }
        if state.clock.now() >= deadline {
            return None;
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_BACKOFF);
    }
}

/// What a foreign refund's journal records beside its legs.
#[derive(Serialize)]
struct ForeignRefundMeta<'a> {
    merchant: api::MerchantRef,
    refund_id: &'a str,
    charge_id: &'a str,
    original_transaction_id: &'a str,
    network: &'a str,
    network_refund_id: Option<&'a str>,
    merchant_amount: api::Amount,
    customer_amount: Option<i64>,
    customer_currency: Option<&'a str>,
    description: String,
}

/// Applies a decision: the ledger for a refund, the row's status, the answer.
fn decide(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    id: &str,
    decision: Option<Decision>,
) -> Result<(StatusCode, OrRefusal<api::Refund>), ApiError> {
    let row = load(tx, id)?.ok_or_else(|| ApiError::Internal("foreign refund vanished".into()))?;
    match decision {
        _ if row.status != "pending" => Err(ApiError::Internal(format!("refund {} already {}", row.id, row.status))),
        None => Err(ApiError::Internal(format!("refund {} is pending without a decision", row.id))),
        Some(Decision::Refunded(r)) => Ok((StatusCode::CREATED, OrRefusal::Body(apply(tx, ctx, &row, &r)?))),
        Some(Decision::Refused(e)) => {
            tx.execute(
                "UPDATE foreign_refunds SET status = 'refused', refusal = ?2, decided_at = ?3 WHERE id = ?1",
                params![row.id, e.kind().as_str(), ctx.now],
            )?;
            Ok(e.committed())
        }
    }
}

/// Posts a refund the network applied: the merchant gives back, the network owes less.
fn apply(tx: &Transaction<'_>, ctx: &Ctx, row: &Row, r: &RefundResult) -> Result<api::Refund, ApiError> {
    if r.amount.value != row.amount || r.amount.currency != row.currency {
        // The network refunded another amount than asked: a bug on one side, never posted silently.
        return Err(ApiError::Internal(format!(
            "{} refunded {} {}, not {} {}",
            row.network.name(),
            r.amount.value,
            r.amount.currency,
            row.amount,
            row.currency
        )));
    }
    let merchant = seed::merchant(&row.merchant_id).ok_or(ApiError::UnknownMerchant)?;
    let journal_id = format!("tx_{}", row.id.trim_start_matches("rf_"));
    let customer = r.customer_amount.as_ref();
    let meta = journal_meta::to_value(&ForeignRefundMeta {
        merchant: merchant_ref(merchant),
        refund_id: &row.id,
        charge_id: &row.charge_id,
        original_transaction_id: &row.original_journal_id,
        network: row.network.id(),
        network_refund_id: r.refund_id.as_deref(),
        merchant_amount: amount(row.amount, &row.currency),
        customer_amount: customer.map(|c| c.value),
        customer_currency: customer.map(|c| c.currency.as_str()),
        description: format!("Refund by {} through {}", merchant.name, row.network.name()),
    })?;
    let header = JournalHeader {
        id: &journal_id,
        kind: "foreign_refund",
        wallet_id: None,
        idempotency: Some(&ctx.idempotency),
        meta: &meta,
        now: ctx.now,
    };
    ledger::post(
        tx,
        &header,
        &[
            Leg::new(format!("merchant:{}", merchant.id), -row.amount),
            Leg::new(format!("network:{}", row.network.id()), row.amount),
        ],
    )?;
    tx.execute(
        "UPDATE foreign_refunds SET status = 'completed', journal_id = ?2, network_refund_id = ?3,
             customer_amount = ?4, customer_currency = ?5, decided_at = ?6 WHERE id = ?1",
        params![
            row.id,
            journal_id,
            r.refund_id,
            customer.map(|c| c.value),
            customer.map(|c| c.currency.as_str()),
            ctx.now
        ],
    )?;
    let (done, held) = refunded(tx, &row.charge_id)?;
    Ok(api::Refund {
        id: row.id.clone(),
        status: "completed".into(),
        transaction_id: journal_id,
        original_transaction_id: row.original_journal_id.clone(),
        charge_id: Some(row.charge_id.clone()),
        merchant_id: merchant.id.to_owned(),
        amount: amount(row.amount, &row.currency),
        refunded_total: amount(done, &row.currency),
        refundable: amount(row.payment_amount - held, &row.currency),
        created_at: row.created_at,
        customer_amount: customer.map(|c| amount(c.value, &c.currency)),
    })
}

/// Resumes every foreign refund left pending (a host stopped between the network's refund
/// and the decision).
pub async fn recover(state: &AppState, acquirer: &Acquirer) {
    intent_first::recover::<Row>(state, acquirer).await;
}
