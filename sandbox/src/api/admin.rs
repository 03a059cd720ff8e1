//! Admin endpoints for tests; they answer only when the host was started with `--admin`.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::faults::FaultConfig;
use crate::ledger::{self, InvariantReport};
use crate::state::AppState;

/// Refuses unless the host was started with admin endpoints.
pub(super) fn enabled(state: &AppState) -> Result<(), ApiError> {
    if state.admin {
        Ok(())
    } else {
        Err(ApiError::AdminDisabled)
    }
}

/// The ledger invariant check: a report when every invariant holds, the violations otherwise.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Invariants {
    /// Whether every invariant holds.
    pub ok: bool,
    /// Counts and per-currency totals, when `ok`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<InvariantReport>,
    /// What is wrong, when not `ok`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violations: Option<Vec<String>>,
}

/// Run the ledger invariant check
#[utoipa::path(get, path = "/admin/invariants", tag = "admin", operation_id = "checkInvariants",
    responses((status = 200, description = "The check's result", body = Invariants)))]
pub async fn invariants(State(state): State<AppState>) -> Result<Json<Invariants>, ApiError> {
    enabled(&state)?;
    state
        .with_db(|conn| {
            Ok(Json(match ledger::check_invariants(conn) {
                Ok(report) => Invariants { ok: true, report: Some(report), violations: None },
                Err(violations) => Invariants { ok: false, report: None, violations: Some(violations) },
            }))
        })
        .await
}

/// The fault configuration in force.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Faults {
    /// As set.
    pub faults: FaultConfig,
}

/// Replace the fault configuration
#[utoipa::path(put, path = "/admin/faults", tag = "admin", operation_id = "setFaults", request_body = FaultConfig,
    responses((status = 200, description = "The configuration now in force", body = Faults)))]
pub async fn faults(State(state): State<AppState>, Json(config): Json<FaultConfig>) -> Result<Json<Faults>, ApiError> {
    enabled(&state)?;
    state.faults.set(config);
    Ok(Json(Faults { faults: config }))
}

/// `POST /admin/clock`: how far to move the host clock.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockRequest {
    /// Seconds forward, 0 to 366 days.
    advance_secs: i64,
}

/// The host clock after a move.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Clock {
    /// Host time, Unix seconds.
    pub now: i64,
}

/// Move the host clock forward (quote and code expiry without sleeping)
#[utoipa::path(post, path = "/admin/clock", tag = "admin", operation_id = "advanceClock", request_body = ClockRequest,
    responses((status = 200, description = "The host's time now", body = Clock)))]
pub async fn clock(State(state): State<AppState>, Json(body): Json<ClockRequest>) -> Result<Json<Clock>, ApiError> {
    enabled(&state)?;
    if !(0..=366 * 86_400).contains(&body.advance_secs) {
        return Err(ApiError::BadRequest("advance_secs must be 0..=31622400".into()));
    }
    state.clock.advance(body.advance_secs);
    Ok(Json(Clock { now: state.clock.now() }))
}
