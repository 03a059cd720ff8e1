//! Idempotent mutations: the stored outcome and the ledger effect commit in one transaction.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use crate::error::ApiError;
use crate::ledger::JournalHeader;
use crate::state::AppState;

/// Header set on a response that replays a stored outcome.
pub const HEADER_REPLAYED: &str = "idempotent-replayed";

/// What a mutation's closure gets besides the transaction.
pub struct Ctx {
    /// Host time for this request.
    pub now: i64,
    /// `scope:key`, recorded on journals so the invariant check can prove single application.
    pub idempotency: String,
}

impl Ctx {
    /// The header of a journal a wallet's request posts, recorded under this request's key.
    pub fn journal<'a>(
        &'a self,
        id: &'a str,
        kind: &'a str,
        wallet_id: &'a str,
        meta: &'a serde_json::Value,
    ) -> JournalHeader<'a> {
        JournalHeader {
            id,
            kind,
            wallet_id: Some(wallet_id),
            idempotency: Some(&self.idempotency),
            meta,
            now: self.now,
        }
    }
}

/// A request to run once per `(scope, key)`.
#[derive(Clone)]
pub struct Mutation {
    /// Whose keys these are: a wallet id or a merchant id.
    pub scope: String,
    /// The Idempotency-Key.
    pub key: String,
    /// Hash of method, path and body.
    pub request_hash: String,
}

/// The outcome of a mutation: fresh, or replayed from the idempotency table.
pub struct Outcome {
    /// HTTP status.
    pub status: StatusCode,
    /// JSON body as stored.
    pub body: String,
    /// Whether it was replayed.
    pub replayed: bool,
}

impl Outcome {
    /// The response carrying this outcome.
    pub fn into_response(self) -> Response {
        json_response(self.status, self.body, self.replayed)
    }
}

/// Runs `f` exactly once for this key: a repeat with the same request returns the stored
/// outcome (successes and final refusals alike); a repeat with another request is refused.
///
/// A closure that must keep what it wrote although it refuses (a consumer code burned by a
/// verified but declined charge, a counted wrong cryptogram) answers
/// [`crate::error::OrRefusal`] and returns the refusal as `Ok(err.committed())`: its writes
/// commit together with the stored refusal.
pub async fn run<F, B>(state: &AppState, m: Mutation, f: F) -> Response
where
    F: FnOnce(&rusqlite::Transaction<'_>, &Ctx) -> Result<(StatusCode, B), ApiError> + Send + 'static,
    B: Serialize,
{
    match run_outcome(state, m, f).await {
        Ok(outcome) => outcome.into_response(),
        Err(e) => e.into_response(),
    }
}

/// [`run`], returning the outcome for a handler that post-processes it.
pub async fn run_outcome<F, B>(state: &AppState, m: Mutation, f: F) -> Result<Outcome, ApiError>
where
    F: FnOnce(&rusqlite::Transaction<'_>, &Ctx) -> Result<(StatusCode, B), ApiError> + Send + 'static,
    B: Serialize,
{
    let now = state.clock.now();
    let result = state
        .with_db(move |conn| {
            let ctx = Ctx { now, idempotency: format!("{}:{}", m.scope, m.key) };
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some((status, body)) = stored_answer(&tx, &m)? {
                let status = StatusCode::from_u16(status).map_err(|e| ApiError::Internal(e.to_string()))?;
                return Ok(Outcome { status, body, replayed: true });
            }
            let (status, body) = match f(&tx, &ctx) {
                Ok((status, body)) => (status, to_json(&body)?),
                Err(e) if e.is_final() => {
                    // Undo whatever the closure wrote, then remember the refusal itself.
                    drop(tx);
                    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let body = to_json(&e.body())?;
                    store(&tx, &m, e.status(), &body, now)?;
                    tx.commit()?;
                    return Ok(Outcome { status: e.status(), body, replayed: false });
                }
                Err(e) => return Err(e),
            };
            store(&tx, &m, status, &body, now)?;
            tx.commit()?;
            Ok(Outcome { status, body, replayed: false })
        })
        .await?;
    if !result.replayed {
        state.notify_events();
    }
    Ok(result)
}

/// The answer stored for `m`'s key, if any; the key sent with another request is refused.
/// Handlers that decide outside [`run`] (a network in between) check it before recording.
pub fn stored_answer(conn: &rusqlite::Connection, m: &Mutation) -> Result<Option<(u16, String)>, ApiError> {
    let stored: Option<(String, u16, String)> = conn
        .query_row(
            "SELECT request_hash, status, body FROM idempotency WHERE scope = ?1 AND key = ?2",
            params![m.scope, m.key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match stored {
        Some((hash, _, _)) if hash != m.request_hash => Err(ApiError::IdempotencyKeyReused),
        Some((_, status, body)) => Ok(Some((status, body))),
        None => Ok(None),
    }
}

/// A body as stored and answered.
pub fn to_json<B: Serialize>(body: &B) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|e| ApiError::Internal(format!("answer: {e}")))
}

/// Stores `body` as the answer to `m` (a mutation that decides outside [`run`]).
pub fn store(
    tx: &rusqlite::Transaction<'_>,
    m: &Mutation,
    status: StatusCode,
    body: &str,
    now: i64,
) -> Result<(), ApiError> {
    tx.execute(
        "INSERT INTO idempotency (scope, key, request_hash, status, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![m.scope, m.key, m.request_hash, status.as_u16(), body, now],
    )?;
    Ok(())
}

/// The response for an answer stored under an idempotency key (`replayed` when it is a repeat).
pub fn stored_response(status: u16, body: String, replayed: bool) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json_response(status, body, replayed)
}

fn json_response(status: StatusCode, body: String, replayed: bool) -> Response {
    let mut resp = (status, [(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response();
    if replayed {
        resp.headers_mut().insert(HEADER_REPLAYED, axum::http::HeaderValue::from_static("true"));
    }
    resp
}

/// The stored outcome for a key, if the host has seen it (clients resolve unknown outcomes).
pub fn lookup(conn: &rusqlite::Connection, scope: &str, key: &str) -> Result<Option<(u16, String)>, ApiError> {
    Ok(conn
        .query_row("SELECT status, body FROM idempotency WHERE scope = ?1 AND key = ?2", params![scope, key], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}
