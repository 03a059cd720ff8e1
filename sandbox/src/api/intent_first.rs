//! The intent-first driver every call to a partner network goes through: a foreign charge
//! (`foreign`), its refund (`foreign_refunds`) and a wallet's payment to a merchant in China
//! (`china`).
//!
//! The protocol (ADR 0005 across the network boundary, ADR 0007):
//! 1. **Record** the intent row first, in one transaction with whatever money it holds (a
//!    refund's amount against what is refundable, a wallet's debit into suspense), under a
//!    request id the network treats as its idempotency key, derived from the client's key.
//! 2. **Call** the network (pay, or refund); an unknown answer is followed by inquiries or the
//!    same request again, and a payment still undecided at the deadline is cancelled.
//! 3. **Decide**: the ledger, the row's status and the client's stored answer commit in one
//!    transaction, so the answer a retry replays always matches the books.
//!
//! Why the intent comes first: the network may act on a request whose answer never arrives,
//! and the host may die at any step. A row written before anything is sent means every step
//! can be repeated under the same request id (the network answers it from the payment's
//! state, or a cancel claims it), so a retry by the client, or the next start of the host,
//! resumes the row instead of paying twice or forgetting money the network moved. One driver
//! per row runs at a time in a host ([`Acquirer::lock`]), on a task of its own, so a client
//! that hangs up does not stop it. Crash points (`Flow`, `Step`) mark where a test may stop
//! the host dead.
//!
//! Each flow keeps what is its own by implementing [`PartnerIntent`] on its row: which request
//! it sends, how its money is held, settled or given back, and what answer it stores.

use std::future::Future;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use koban_partners::Network;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

use crate::acquiring::{Acquirer, Flow, Step};
use crate::error::{ApiError, OrRefusal};
use crate::idem::{self, Ctx, Mutation};
use crate::state::AppState;

/// A flow's intent row, as the driver reads and decides it.
pub(super) trait PartnerIntent: Sized + Send + Sync + 'static {
    /// Its crash points.
    const FLOW: Flow;
    /// Its table, with `id`, `scope`, `idem_key`, `request_hash` and `status` columns.
    const TABLE: &'static str;
    /// What it is called in an internal error ("foreign charge").
    const NAME: &'static str;
    /// What resumes on retry ("charge").
    const NOUN: &'static str;
    /// Where its call to the network ended.
    type Decision: Send + 'static;
    /// The client's answer when it succeeds.
    type Answer: Serialize;

    /// The row by id.
    fn load(conn: &Connection, id: &str) -> Result<Option<Self>, ApiError>;
    /// Whether it still waits for a decision.
    fn is_pending(&self) -> bool;
    /// The client's request it answers.
    fn mutation(&self) -> Mutation;
    /// The network it goes through.
    fn network(&self) -> Network;
    /// Calls the network until a decision. `None`: no definite answer (not even to a
    /// cancel); the row stays pending for the next retry or start.
    fn call(&self, state: &AppState, acquirer: &Acquirer) -> impl Future<Output = Option<Self::Decision>> + Send;
    /// Applies a decision (`None`: the row was decided before) to the ledger and the row, and
    /// gives the answer to store.
    fn decide(
        tx: &Transaction<'_>,
        ctx: &Ctx,
        id: &str,
        decision: Option<Self::Decision>,
    ) -> Result<(StatusCode, OrRefusal<Self::Answer>), ApiError>;
}

/// What becomes of a final refusal given before the row is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refusals {
    /// Answered, not stored: a retry is judged again (foreign charges).
    Answered,
    /// Stored as the key's answer, like any mutation's (payments abroad, refunds). A key sent
    /// again with another request while its row exists is refused and *not* stored: storing it
    /// would answer the original request's retries with that refusal, and a refund the network
    /// made would never reach the books.
    Stored,
}

/// What the first look at a request found.
pub(super) enum Found {
    /// Its answer is stored: replay it.
    Answer(u16, String),
    /// Its row exists: resume it.
    Row(String),
    /// Nothing yet.
    Nothing,
}

/// The stored answer or the row for `m`'s key; the key sent with another request is refused.
pub(super) fn find<R: PartnerIntent>(conn: &Connection, m: &Mutation) -> Result<Found, ApiError> {
    if let Some((status, body)) = idem::stored_answer(conn, m)? {
        return Ok(Found::Answer(status, body));
    }
    Ok(resume::<R>(conn, m)?.map_or(Found::Nothing, Found::Row))
}

/// The row recorded for `m`'s key, if any; the key sent with another request is refused.
fn resume<R: PartnerIntent>(conn: &Connection, m: &Mutation) -> Result<Option<String>, ApiError> {
    let row: Option<(String, String)> = conn
        .query_row(
            &format!("SELECT id, request_hash FROM {} WHERE scope = ?1 AND idem_key = ?2", R::TABLE),
            params![m.scope, m.key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        Some((_, hash)) if hash != m.request_hash => Err(ApiError::IdempotencyKeyReused),
        Some((id, _)) => Ok(Some(id)),
        None => Ok(None),
    }
}

/// Records the intent with `record` (given the transaction, the request and the host's time;
/// returns the row id) unless the key has an answer or a row already, then drives the row and
/// answers with its decision.
pub(super) async fn record_and_answer<R, F>(
    state: AppState,
    acquirer: Arc<Acquirer>,
    m: Mutation,
    refusals: Refusals,
    record: F,
) -> Response
where
    R: PartnerIntent,
    F: FnOnce(&Transaction<'_>, &Mutation, i64) -> Result<String, ApiError> + Send + 'static,
{
    let now = state.clock.now();
    let recorded = state
        .with_db(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // A stored answer is the end of the story: replay it like any other mutation's.
            if let Some((status, body)) = idem::stored_answer(&tx, &m)? {
                return Ok(Err((status, body, true)));
            }
            let recorded = match resume::<R>(&tx, &m) {
                Ok(Some(id)) => return Ok(Ok(id)),
                Ok(None) => record(&tx, &m, now),
                Err(e) => return Err(e),
            };
            match recorded {
                Ok(id) => {
                    tx.commit()?;
                    Ok(Ok(id))
                }
                Err(e) if e.is_final() && refusals != Refusals::Answered => {
                    // Nothing recorded: remember the refusal itself, so a retry answers the same.
                    drop(tx);
                    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let body = idem::to_json(&e.body())?;
                    idem::store(&tx, &m, e.status(), &body, now)?;
                    tx.commit()?;
                    Ok(Err((e.status().as_u16(), body, false)))
                }
                Err(e) => Err(e),
            }
        })
        .await;
    match recorded {
        Ok(Ok(id)) => answer::<R>(state, acquirer, id).await,
        Ok(Err((status, body, replayed))) => idem::stored_response(status, body, replayed),
        Err(e) => e.into_response(),
    }
}

/// Drives a recorded row on a task of its own (a client that hangs up, by its timeout or a
/// crash, must not stop it) and answers with the decision.
pub(super) async fn answer<R: PartnerIntent>(state: AppState, acquirer: Arc<Acquirer>, id: String) -> Response {
    let settled = tokio::spawn(async move { settle::<R>(&state, &acquirer, &id).await });
    match settled.await {
        Ok(Ok(outcome)) => outcome.into_response(),
        Ok(Err(e)) => e.into_response(),
        Err(e) => ApiError::Internal(format!("{} task: {e}", R::NAME)).into_response(),
    }
}

/// Drives a recorded row to a decision and commits it with the client's answer. Safe to run
/// again for the same row at any point.
async fn settle<R: PartnerIntent>(state: &AppState, acquirer: &Acquirer, id: &str) -> Result<idem::Outcome, ApiError> {
    let _guard = acquirer.lock(id).await;
    let id_owned = id.to_owned();
    let row = state
        .with_db(move |conn| R::load(conn, &id_owned))
        .await?
        .ok_or_else(|| ApiError::Internal(format!("{} vanished", R::NAME)))?;
    let decision = if row.is_pending() {
        acquirer.crash_point(R::FLOW, Step::AfterIntent).await;
        let decision = row.call(state, acquirer).await.ok_or_else(|| {
            ApiError::Internal(format!("{} did not answer; the {} resumes on retry", row.network().name(), R::NOUN))
        })?;
        acquirer.crash_point(R::FLOW, Step::AfterAnswer).await;
        Some(decision)
    } else {
        // Decided already (its answer is stored): the mutation below replays it.
        None
    };
    let id_owned = id.to_owned();
    let outcome =
        idem::run_outcome(state, row.mutation(), move |tx, ctx| R::decide(tx, ctx, &id_owned, decision)).await?;
    acquirer.crash_point(R::FLOW, Step::AfterDecision).await;
    Ok(outcome)
}

/// Resumes every row of the flow left pending (a host stopped between the call and the
/// decision).
pub(super) async fn recover<R: PartnerIntent>(state: &AppState, acquirer: &Acquirer) {
    let pending = state
        .with_db(|conn| {
            let mut stmt = conn.prepare(&format!("SELECT id FROM {} WHERE status = 'pending'", R::TABLE))?;
            let ids = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            Ok(ids)
        })
        .await
        .unwrap_or_default();
    for id in pending {
        // A failure leaves the row pending: the client's retry or the next start resumes it.
        let _ = settle::<R>(state, acquirer, &id).await;
    }
}
