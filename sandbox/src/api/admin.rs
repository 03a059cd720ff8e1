//! Admin endpoints for tests; they answer only when the host was started with `--admin`.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::faults::FaultConfig;
use crate::ledger;
use crate::state::AppState;

/// Refuses unless the host was started with admin endpoints.
pub(super) fn enabled(state: &AppState) -> Result<(), ApiError> {
    if state.admin {
        Ok(())
    } else {
        Err(ApiError::AdminDisabled)
    }
}

/// `GET /admin/invariants`: runs the ledger invariant check.
pub async fn invariants(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    enabled(&state)?;
    state
        .with_db(|conn| match ledger::check_invariants(conn) {
            Ok(report) => Ok(Json(json!({ "ok": true, "report": report }))),
            Err(violations) => Ok(Json(json!({ "ok": false, "violations": violations }))),
        })
        .await
}

/// `PUT /admin/faults`: replaces the fault configuration.
pub async fn faults(State(state): State<AppState>, Json(config): Json<FaultConfig>) -> Result<Json<Value>, ApiError> {
    enabled(&state)?;
    state.faults.set(config);
    Ok(Json(json!({ "faults": config })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockBody {
    advance_secs: i64,
}

/// `POST /admin/clock`: moves the host clock forward (quote and code expiry without sleeping).
pub async fn clock(State(state): State<AppState>, Json(body): Json<ClockBody>) -> Result<Json<Value>, ApiError> {
    enabled(&state)?;
    if !(0..=366 * 86_400).contains(&body.advance_secs) {
        return Err(ApiError::BadRequest("advance_secs must be 0..=31622400".into()));
    }
    state.clock.advance(body.advance_secs);
    Ok(Json(json!({ "now": state.clock.now() })))
}
