//! Reading: health, the OpenAPI document, transactions, stored outcomes, history and events.

use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use serde_json::{json, Value};

use super::common::{amount, load_wallet};
use crate::auth::Signed;
use crate::error::ApiError;
use crate::idem;
use crate::state::AppState;

/// The OpenAPI document, compiled in so the server always serves the one in the repo.
pub const OPENAPI_JSON: &str = include_str!("../../openapi.json");

/// `GET /openapi.json`.
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON).into_response()
}

/// `GET /v1/health`.
pub async fn health(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "status": "ok", "time": state.clock.now() }))
}

/// `GET /v1/transactions/{transaction_id}`: a transaction this wallet took part in.
pub async fn transaction(
    State(state): State<AppState>,
    Path(id): Path<String>,
    s: Signed,
) -> Result<Json<Value>, ApiError> {
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
            Ok(Json(json!({
                "id": id, "kind": kind, "created_at": created_at, "details": serde_json::from_str::<Value>(&meta)?,
                "direction": if net < 0 { "out" } else { "in" }, "amount": amount(net.abs(), &w.currency),
            })))
        })
        .await
}

/// `GET /v1/requests/{idempotency_key}`: the stored outcome of a mutation, so a client whose
/// outcome is unknown can resolve it without sending the request again.
pub async fn request_outcome(
    State(state): State<AppState>,
    Path(key): Path<String>,
    s: Signed,
) -> Result<Json<Value>, ApiError> {
    state
        .with_db(move |conn| {
            let (status, body) = idem::lookup(conn, &s.wallet_id, &key)?.ok_or(ApiError::NotFound("request"))?;
            Ok(Json(json!({ "idempotency_key": key, "status": status, "body": serde_json::from_str::<Value>(&body)? })))
        })
        .await
}

/// Default and largest history page.
pub const HISTORY_PAGE: (u32, u32) = (20, 100);

#[derive(Deserialize)]
pub struct HistoryQuery {
    limit: Option<u32>,
    cursor: Option<String>,
}

/// `GET /v1/history`: the wallet's ledger entries, newest first, with an opaque cursor.
pub async fn history(
    State(state): State<AppState>,
    Query(q): Query<HistoryQuery>,
    s: Signed,
) -> Result<Json<Value>, ApiError> {
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
            let rows: Vec<(i64, Value)> = stmt
                .query_map(params![w.account_id, before, limit + 1], |r| {
                    let amt: i64 = r.get(3)?;
                    let meta: String = r.get(6)?;
                    Ok((
                        r.get::<_, i64>(0)?,
                        json!({
                            "transaction_id": r.get::<_, String>(1)?, "kind": r.get::<_, String>(2)?,
                            "direction": if amt < 0 { "out" } else { "in" }, "amount": amount(amt.abs(), &w.currency),
                            "balance_after": amount(r.get(4)?, &w.currency), "created_at": r.get::<_, i64>(5)?,
                            "details": serde_json::from_str::<Value>(&meta).unwrap_or(Value::Null),
                        }),
                    ))
                })?
                .collect::<Result<_, _>>()?;
            let more = rows.len() > limit as usize;
            let page: Vec<&(i64, Value)> = rows.iter().take(limit as usize).collect();
            let next = if more { page.last().map(|(seq, _)| format!("h{seq}")) } else { None };
            Ok(Json(json!({ "items": page.iter().map(|(_, v)| v).collect::<Vec<_>>(), "next_cursor": next })))
        })
        .await
}

/// Longest long-poll wait.
pub const MAX_WAIT_SECS: u64 = 25;

#[derive(Deserialize)]
pub struct EventsQuery {
    after: Option<i64>,
    wait: Option<u64>,
}

/// `GET /v1/events?after=SEQ&wait=SECS`: long-polls for this wallet's events after `after`.
pub async fn events(
    State(state): State<AppState>,
    Query(q): Query<EventsQuery>,
    s: Signed,
) -> Result<Response, ApiError> {
    let after = q.after.unwrap_or(0);
    let wait = Duration::from_secs(q.wait.unwrap_or(0).min(MAX_WAIT_SECS));
    let deadline = tokio::time::Instant::now() + wait;
    let mut rx = state.events.subscribe();
    loop {
        // Mark the current version seen before reading, so a commit racing the read wakes us.
        rx.borrow_and_update();
        let wallet_id = s.wallet_id.clone();
        let items = state
            .with_db(move |conn| {
                let mut stmt = conn.prepare("SELECT seq, kind, body, created_at FROM events WHERE wallet_id = ?1 AND seq > ?2 ORDER BY seq LIMIT 100")?;
                let rows = stmt
                    .query_map(params![wallet_id, after], |r| {
                        let body: String = r.get(2)?;
                        Ok(json!({ "seq": r.get::<_, i64>(0)?, "kind": r.get::<_, String>(1)?,
                                   "data": serde_json::from_str::<Value>(&body).unwrap_or(Value::Null), "created_at": r.get::<_, i64>(3)? }))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .await?;
        if !items.is_empty() || tokio::time::Instant::now() >= deadline {
            let last = items.last().and_then(|e| e["seq"].as_i64()).unwrap_or(after);
            return Ok((StatusCode::OK, Json(json!({ "events": items, "last_seq": last }))).into_response());
        }
        if tokio::time::timeout_at(deadline, rx.changed()).await.is_err() {
            return Ok((StatusCode::OK, Json(json!({ "events": [], "last_seq": after }))).into_response());
        }
    }
}
