//! The users' phones: who they are, their balance and history, and the codes they show. No
//! signature: in the real world this is the wallet app talking to its own network.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::codes;
use crate::engine::{self, views};
use crate::error::{Refusal, RefusalKind};
use crate::state::AppState;
use crate::wire::sim::{IssueCodeRequest, SimError, SimErrorBody};

/// A refusal on the simulator's own endpoints.
pub(super) fn sim_error(r: &Refusal) -> Response {
    let (status, kind) = match (r, r.kind()) {
        (Refusal::AdminDisabled, _) => (StatusCode::FORBIDDEN, "admin_disabled"),
        (_, RefusalKind::NotFound) => (StatusCode::NOT_FOUND, "not_found"),
        (_, RefusalKind::BadRequest) => (StatusCode::BAD_REQUEST, "bad_request"),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    };
    let body = SimError { error: SimErrorBody { kind: kind.into(), message: r.to_string() } };
    (status, Json(body)).into_response()
}

pub(super) fn json<T: serde::Serialize>(outcome: Result<T, Refusal>) -> Response {
    match outcome {
        Ok(v) => Json(v).into_response(),
        Err(r) => sim_error(&r),
    }
}

/// `GET /wallet/v1/users`.
pub(super) async fn users(State(state): State<AppState>) -> Response {
    json(state.with_db(|conn| views::users(conn)).await)
}

/// `GET /wallet/v1/users/{id}`.
pub(super) async fn user(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    json(state.with_db(move |conn| views::user(conn, &id)).await)
}

/// How many history items to return.
#[derive(Debug, serde::Deserialize)]
pub(super) struct Limit {
    limit: Option<u32>,
}

/// `GET /wallet/v1/users/{id}/history?limit=N`.
pub(super) async fn history(State(state): State<AppState>, Path(id): Path<String>, Query(q): Query<Limit>) -> Response {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    json(state.with_db(move |conn| views::history(conn, &id, limit)).await)
}

/// `POST /wallet/v1/users/{id}/codes`.
pub(super) async fn issue_code(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let request: IssueCodeRequest = if body.is_empty() {
        IssueCodeRequest::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(r) => r,
            Err(e) => return sim_error(&Refusal::BadRequest(format!("body: {e}"))),
        }
    };
    json(engine::run(&state, move |tx, now| codes::issue(tx, &id, request.form, now)).await)
}
