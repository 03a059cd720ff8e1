//! The shopper's side of the till: approving or declining a charge above the no-confirmation
//! limit on the phone, and lowering that limit.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rusqlite::params;
use serde::Deserialize;

use super::charges::{capture, load_charge, refuse_on_error, Charge};
use super::common::{check_limits, load_wallet, own, wallet_json, AmountIn};
use super::wallets::mutation;
use crate::auth::Signed;
use crate::error::ApiError;
use crate::fx;
use crate::idem::{self, Ctx};
use crate::policy::NO_CONFIRM_LIMIT_JPY;
use crate::seed;
use crate::state::AppState;

/// The shopper's pending charge, or not found (another wallet's charge is not named).
fn pending_charge(tx: &rusqlite::Transaction<'_>, id: &str, wallet_id: &str, ctx: &Ctx) -> Result<Charge, ApiError> {
    let charge = load_charge(tx, id)?.filter(|c| c.wallet_id == wallet_id).ok_or(ApiError::NotFound("charge"))?;
    match charge.status_at(ctx.now) {
        "pending_approval" => Ok(charge),
        "expired" => {
            tx.execute(
                "UPDATE charges SET status = 'expired', decided_at = ?2 WHERE id = ?1 AND status = 'pending_approval'",
                params![charge.id, ctx.now],
            )?;
            Err(ApiError::ChargeExpired)
        }
        other => Err(ApiError::ChargeNotPending(other.to_owned())),
    }
}

/// `POST /v1/charges/{charge_id}/approve`: the shopper approves a pending charge; it is
/// captured once, if the wallet can still pay it.
pub async fn approve(State(state): State<AppState>, Path(charge_id): Path<String>, s: Signed) -> Response {
    let m = match mutation(&s) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let wallet_id = s.wallet_id.clone();
    let journal_id = state.new_id("tx");
    idem::run(&state, m, move |tx, ctx| {
        let charge = match pending_charge(tx, &charge_id, &wallet_id, ctx) {
            Ok(c) => c,
            // The lapse is recorded with the refusal.
            Err(e @ ApiError::ChargeExpired) => return Ok(e.committed()),
            Err(e) => return Err(e),
        };
        let merchant = seed::merchant(&charge.merchant_id).ok_or(ApiError::UnknownMerchant)?;
        let decided = (|| {
            let w = load_wallet(tx, &wallet_id)?;
            check_limits(tx, &w, charge.amount, charge.amount, ctx.now)?;
            capture(tx, ctx, merchant, &w, &charge, &journal_id)
        })();
        refuse_on_error(tx, &charge, decided, ctx.now)
    })
    .await
}

/// `POST /v1/charges/{charge_id}/decline`: the shopper declines; no money moves and the code
/// stays burned.
pub async fn decline(State(state): State<AppState>, Path(charge_id): Path<String>, s: Signed) -> Response {
    let m = match mutation(&s) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let wallet_id = s.wallet_id.clone();
    idem::run(&state, m, move |tx, ctx| {
        let charge = match pending_charge(tx, &charge_id, &wallet_id, ctx) {
            Ok(c) => c,
            Err(e @ ApiError::ChargeExpired) => return Ok(e.committed()),
            Err(e) => return Err(e),
        };
        tx.execute(
            "UPDATE charges SET status = 'declined', decided_at = ?2 WHERE id = ?1",
            params![charge.id, ctx.now],
        )?;
        let declined = Charge { status: "declined".into(), ..charge };
        Ok((StatusCode::OK, declined.to_json(ctx.now)))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoConfirmBody {
    /// The new ceiling in the wallet's currency: zero asks for every charge.
    limit: AmountIn,
}

/// `POST /v1/wallets/{wallet_id}/no-confirm-limit`: the shopper lowers (or restores up to the
/// host default) the ceiling above which till charges wait for approval.
pub async fn set_no_confirm_limit(State(state): State<AppState>, Path(wallet_id): Path<String>, s: Signed) -> Response {
    if let Err(e) = own(&wallet_id, &s.wallet_id) {
        return e.into_response();
    }
    let body: NoConfirmBody = match s.req.json() {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let m = match mutation(&s) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    idem::run(&state, m, move |tx, ctx| {
        let w = load_wallet(tx, &wallet_id)?;
        let default = fx::from_jpy(NO_CONFIRM_LIMIT_JPY, &w.currency)?;
        if body.limit.currency != w.currency {
            return Err(ApiError::CurrencyMismatch(format!("the wallet holds {}", w.currency)));
        }
        if !(0..=default).contains(&body.limit.minor) {
            return Err(ApiError::BadRequest(format!(
                "the limit must be 0..={default} {} minor units (the host's ceiling)",
                w.currency
            )));
        }
        tx.execute("UPDATE wallets SET no_confirm_limit = ?2 WHERE id = ?1", params![wallet_id, body.limit.minor])?;
        Ok((StatusCode::OK, wallet_json(tx, &w, ctx.now)?))
    })
    .await
}
