//! The shopper's side of the till: approving or declining a charge above the no-confirmation
//! limit on the phone, and lowering that limit.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use koban_core::net::api;
use rusqlite::params;
use serde::Deserialize;
use utoipa::ToSchema;

use super::charges::{capture, load_charge, refuse_on_error, Charge};
use super::common::{check_limits, load_wallet, wallet_view, AmountIn};
use super::doc::IdempotencyKey;
use crate::auth::{SignedJson, SignedMutation};
use crate::error::{ApiError, OrRefusal};
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

/// Approve a till charge waiting for this wallet
///
/// It is captured once, if the wallet can still pay it. The body is not read.
#[utoipa::path(post, path = "/v1/charges/{charge_id}/approve", tag = "consumer-codes", operation_id = "approveCharge",
    params(("charge_id" = String, Path, description = "From a charge_approval_requested event"), IdempotencyKey),
    responses((status = 201, description = "Captured", body = api::Charge)),
    security(("signedDevice" = [])))]
pub async fn approve(State(state): State<AppState>, Path(charge_id): Path<String>, s: SignedMutation) -> Response {
    let wallet_id = s.wallet_id;
    let journal_id = state.new_id("tx");
    idem::run(&state, s.mutation, move |tx, ctx| {
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

/// Decline a till charge waiting for this wallet
///
/// No money moves and the code stays burned. The body is not read.
#[utoipa::path(post, path = "/v1/charges/{charge_id}/decline", tag = "consumer-codes", operation_id = "declineCharge",
    params(("charge_id" = String, Path, description = "From a charge_approval_requested event"), IdempotencyKey),
    responses((status = 200, description = "Declined", body = api::Charge)),
    security(("signedDevice" = [])))]
pub async fn decline(State(state): State<AppState>, Path(charge_id): Path<String>, s: SignedMutation) -> Response {
    let wallet_id = s.wallet_id;
    idem::run(&state, s.mutation, move |tx, ctx| {
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
        Ok((StatusCode::OK, OrRefusal::Body(declined.view(ctx.now))))
    })
    .await
}

/// `POST /v1/wallets/{wallet_id}/no-confirm-limit`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NoConfirmLimitRequest {
    /// The new ceiling in the wallet's currency, up to the host's: zero asks for every charge.
    limit: AmountIn,
}

/// Set the ceiling above which till charges wait for approval
///
/// The shopper lowers it, or restores it up to the host default.
#[utoipa::path(post, path = "/v1/wallets/{wallet_id}/no-confirm-limit", tag = "consumer-codes",
    operation_id = "setNoConfirmLimit", request_body = NoConfirmLimitRequest,
    params(("wallet_id" = String, Path, description = "This device's wallet"), IdempotencyKey),
    responses((status = 200, description = "The wallet with its new limit", body = api::Wallet)),
    security(("signedDevice" = [])))]
pub async fn set_no_confirm_limit(
    State(state): State<AppState>,
    Path(wallet_id): Path<String>,
    s: SignedJson<NoConfirmLimitRequest>,
) -> Response {
    let body = s.body;
    idem::run(&state, s.mutation, move |tx, ctx| {
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
        Ok((StatusCode::OK, wallet_view(tx, &w, ctx.now)?))
    })
    .await
}
