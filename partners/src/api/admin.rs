//! The operator: fault switch, clock, invariant check, users for tests. Only with `--admin`.

use axum::extract::State;
use axum::response::{IntoResponse as _, Response};
use axum::Json;

use super::wallet::{json, sim_error};
use crate::engine;
use crate::error::Refusal;
use crate::faults::FaultConfig;
use crate::ledger;
use crate::state::AppState;
use crate::wire::sim::{AdvanceClock, ClockNow, CreateUserRequest};

fn admin(state: &AppState) -> Result<(), Refusal> {
    if state.admin {
        Ok(())
    } else {
        Err(Refusal::AdminDisabled)
    }
}

/// `GET /admin/faults`.
pub(super) async fn get_faults(State(state): State<AppState>) -> Response {
    json(admin(&state).map(|()| state.faults.get()))
}

/// `PUT /admin/faults`.
pub(super) async fn put_faults(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    let outcome = admin(&state).and_then(|()| {
        let config: FaultConfig = serde_json::from_slice(&body)?;
        state.faults.set(config);
        Ok(config)
    });
    json(outcome)
}

/// `GET /admin/clock`.
pub(super) async fn get_clock(State(state): State<AppState>) -> Response {
    json(admin(&state).map(|()| ClockNow { now: state.clock.now() }))
}

/// `POST /admin/clock`: moves the network's clock forward (codes expire, users time out).
pub(super) async fn advance_clock(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    let outcome = admin(&state).and_then(|()| {
        let request: AdvanceClock = serde_json::from_slice(&body)?;
        if request.advance_secs < 0 {
            return Err(Refusal::BadRequest("the clock only moves forward".into()));
        }
        state.clock.advance(request.advance_secs);
        Ok(ClockNow { now: state.clock.now() })
    });
    json(outcome)
}

/// `GET /admin/invariants`: the ledger check, on its own read connection.
pub(super) async fn invariants(State(state): State<AppState>) -> Response {
    if let Err(r) = admin(&state) {
        return sim_error(&r);
    }
    let outcome = state
        .with_db(|conn| {
            let path = conn.path().map(str::to_owned).ok_or_else(|| Refusal::Internal("no database file".into()))?;
            Ok(path)
        })
        .await
        .and_then(|path| {
            let conn = rusqlite::Connection::open(path)?;
            Ok(ledger::check_invariants(&conn))
        });
    match outcome {
        Ok(Ok(report)) => Json(serde_json::json!({ "ok": true, "report": report })).into_response(),
        Ok(Err(violations)) => {
            (axum::http::StatusCode::CONFLICT, Json(serde_json::json!({ "ok": false, "violations": violations })))
                .into_response()
        }
        Err(r) => sim_error(&r),
    }
}

/// `POST /admin/users`.
pub(super) async fn create_user(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    if let Err(r) = admin(&state) {
        return sim_error(&r);
    }
    let request: CreateUserRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return sim_error(&Refusal::BadRequest(format!("body: {e}"))),
    };
    json(
        engine::run(&state, move |tx, now| {
            crate::seed::create_user(tx, &request.id, &request.wallet, &request.name, request.balance, now)
        })
        .await,
    )
}
