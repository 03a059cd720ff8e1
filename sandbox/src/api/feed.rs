//! Reading: health, the OpenAPI document, transactions, stored outcomes, history and events.

use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use koban_core::net::api;
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use super::common::{amount, load_wallet};
use crate::auth::Signed;
use crate::error::ApiError;
use crate::idem;
use crate::state::AppState;

/// This document, generated from the handlers and the wire types
#[utoipa::path(get, path = "/openapi.json", tag = "meta", operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], super::doc::openapi_json().to_owned()).into_response()
}

/// Liveness and the host's clock
#[utoipa::path(get, path = "/v1/health", tag = "meta", operation_id = "health",
    responses((status = 200, description = "Up", body = api::Health)))]
pub async fn health(State(state): State<AppState>) -> Json<api::Health> {
    Json(api::Health { status: "ok".into(), time: state.clock.now() })
}

fn direction(net: i64) -> String {
    if net < 0 { "out" } else { "in" }.to_owned()
}

/// Read journal details; a row this version cannot read shows as null rather than hiding the
/// entry.
fn details(meta: &str) -> Value {
    serde_json::from_str(meta).unwrap_or(Value::Null)
}

/// A transaction this wallet took part in
#[utoipa::path(get, path = "/v1/transactions/{transaction_id}", tag = "history", operation_id = "getTransaction",
    params(("transaction_id" = String, Path, description = "A transaction of this wallet")),
    responses((status = 200, description = "The transaction", body = api::Transaction)),
    security(("signedDevice" = [])))]
pub async fn transaction(
    State(state): State<AppState>,
    Path(id): Path<String>,
    s: Signed,
) -> Result<Json<api::Transaction>, ApiError> {
    state
        .with_db(move |conn| {
            let w = load_wallet(conn, &s.wallet_id)?;
            let (kind, meta, created_at): (String, String, i64) = conn
                .query_row("SELECT kind, meta, created_at FROM journals WHERE id = ?1", [&id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?
                .ok_or(ApiError::NotFound("transaction"))?;
            let mine: Option<i64> = conn.query_row(
                "SELECT SUM(amount) FROM entries WHERE journal_id = ?1 AND account_id = ?2",
                params![id, w.account_id],
                |r| r.get(0),
            )?;
            let Some(net) = mine else { return Err(ApiError::Forbidden) };
            let details = serde_json::from_str(&meta).map_err(|e| ApiError::Internal(format!("journal meta: {e}")))?;
            Ok(Json(api::Transaction {
                id,
                kind,
                created_at,
                details,
                direction: direction(net),
                amount: amount(net.abs(), &w.currency),
            }))
        })
        .await
}

/// The stored outcome of a mutation
///
/// A client whose outcome is unknown resolves it without sending the request again; 404
/// (not_found) means the host never applied it.
#[utoipa::path(get, path = "/v1/requests/{idempotency_key}", tag = "history", operation_id = "getRequestOutcome",
    params(("idempotency_key" = String, Path, description = "The Idempotency-Key of a mutation of this wallet")),
    responses((status = 200, description = "The outcome first answered", body = api::RequestOutcome)),
    security(("signedDevice" = [])))]
pub async fn request_outcome(
    State(state): State<AppState>,
    Path(key): Path<String>,
    s: Signed,
) -> Result<Json<api::RequestOutcome>, ApiError> {
    state
        .with_db(move |conn| {
            let (status, body) = idem::lookup(conn, &s.wallet_id, &key)?.ok_or(ApiError::NotFound("request"))?;
            let body = serde_json::from_str(&body).map_err(|e| ApiError::Internal(format!("stored outcome: {e}")))?;
            Ok(Json(api::RequestOutcome { idempotency_key: key, status, body }))
        })
        .await
}

/// Default and largest history page.
pub const HISTORY_PAGE: (u32, u32) = (20, 100);

/// A page of history.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Page size, 1-100 (default 20).
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The wallet's ledger entries, newest first, with an opaque cursor
#[utoipa::path(get, path = "/v1/history", tag = "history", operation_id = "history", params(HistoryQuery),
    responses((status = 200, description = "A page", body = api::HistoryPage)),
    security(("signedDevice" = [])))]
pub async fn history(
    State(state): State<AppState>,
    Query(q): Query<HistoryQuery>,
    s: Signed,
) -> Result<Json<api::HistoryPage>, ApiError> {
    let limit = q.limit.unwrap_or(HISTORY_PAGE.0).clamp(1, HISTORY_PAGE.1);
    let before: i64 = match q.cursor.as_deref() {
        None => i64::MAX,
        Some(c) => {
            c.strip_prefix("h").and_then(|n| n.parse().ok()).ok_or_else(|| ApiError::BadRequest("bad cursor".into()))?
        }
    };
    state
        .with_db(move |conn| {
            let w = load_wallet(conn, &s.wallet_id)?;
            let mut stmt = conn.prepare(
                "SELECT e.seq, e.journal_id, j.kind, e.amount, e.balance_after, j.created_at, j.meta
                 FROM entries e JOIN journals j ON j.id = e.journal_id
                 WHERE e.account_id = ?1 AND e.seq < ?2 ORDER BY e.seq DESC LIMIT ?3",
            )?;
            let mut rows: Vec<(i64, api::HistoryItem)> = stmt
                .query_map(params![w.account_id, before, limit + 1], |r| {
                    let amt: i64 = r.get(3)?;
                    let meta: String = r.get(6)?;
                    Ok((
                        r.get::<_, i64>(0)?,
                        api::HistoryItem {
                            transaction_id: r.get(1)?,
                            kind: r.get(2)?,
                            direction: direction(amt),
                            amount: amount(amt.abs(), &w.currency),
                            balance_after: amount(r.get(4)?, &w.currency),
                            created_at: r.get(5)?,
                            details: details(&meta),
                        },
                    ))
                })?
                .collect::<Result<_, _>>()?;
            let more = rows.len() > limit as usize;
            rows.truncate(limit as usize);
            let next_cursor = if more { rows.last().map(|(seq, _)| format!("h{seq}")) } else { None };
            Ok(Json(api::HistoryPage { items: rows.into_iter().map(|(_, item)| item).collect(), next_cursor }))
        })
        .await
}

/// Longest long-poll wait.
pub const MAX_WAIT_SECS: u64 = 25;

/// Where to read the feed from, and how long to wait.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Last `seq` seen (default 0).
    after: Option<i64>,
    /// Seconds to wait for an event, at most 25.
    wait: Option<u64>,
}

/// Long-poll this wallet's events after a sequence number
#[utoipa::path(get, path = "/v1/events", tag = "history", operation_id = "events", params(EventsQuery),
    responses((status = 200, description = "Events, oldest first", body = api::Events)),
    security(("signedDevice" = [])))]
pub async fn events(
    State(state): State<AppState>,
    Query(q): Query<EventsQuery>,
    s: Signed,
) -> Result<Json<api::Events>, ApiError> {
    let after = q.after.unwrap_or(0);
    let wait = Duration::from_secs(q.wait.unwrap_or(0).min(MAX_WAIT_SECS));
    let deadline = tokio::time::Instant::now() + wait;
    let mut rx = state.events.subscribe();
    // Partner payouts that are due end now, so the feed read below tells of them.
    let (wallet_id, now) = (s.wallet_id.clone(), state.clock.now());
    let advanced = state
        .with_db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let n = super::payouts::advance(&tx, &wallet_id, now)?;
            tx.commit()?;
            Ok(n)
        })
        .await?;
    if advanced > 0 {
        state.notify_events();
    }
    loop {
        // Mark the current version seen before reading, so a commit racing the read wakes us.
        rx.borrow_and_update();
        let wallet_id = s.wallet_id.clone();
        let items = state
            .with_db(move |conn| {
                let mut stmt = conn.prepare("SELECT seq, kind, body, created_at FROM events WHERE wallet_id = ?1 AND seq > ?2 ORDER BY seq LIMIT 100")?;
                let rows = stmt
                    .query_map(params![wallet_id, after], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                let events = rows.into_iter().map(|(seq, kind, body, created_at)| {
                    // Rows are written by `emit` from these types; one an older host wrote in
                    // another shape (a kept database) is relayed as it is, not dropped.
                    let raw = details(&body);
                    let data = api::EventData::from_parts(&kind, raw.clone())
                        .unwrap_or(api::EventData::Other { kind, data: raw });
                    api::Event { seq, created_at, data }
                });
                Ok(events.collect::<Vec<_>>())
            })
            .await?;
        if !items.is_empty() || tokio::time::Instant::now() >= deadline {
            let last_seq = items.last().map(|e| e.seq).unwrap_or(after);
            return Ok(Json(api::Events { events: items, last_seq }));
        }
        if tokio::time::timeout_at(deadline, rx.changed()).await.is_err() {
            return Ok(Json(api::Events { events: vec![], last_seq: after }));
        }
    }
}
