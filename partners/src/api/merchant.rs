//! The merchants' own apps: their takings and the payments partner wallets made to them. No
//! signature, like the users' phones.

use axum::extract::{Path, State};
use axum::response::Response;

use super::wallet::json;
use crate::engine::views;
use crate::state::AppState;

/// `GET /merchant/v1/merchants`.
pub(super) async fn merchants(State(state): State<AppState>) -> Response {
    json(state.with_db(|conn| views::merchants(conn)).await)
}

/// `GET /merchant/v1/merchants/{key}`.
pub(super) async fn merchant(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    json(state.with_db(move |conn| views::merchant(conn, &key)).await)
}
