//! Merchant terminals: the admin issues a one-time enrolment token for a merchant, a
//! terminal enrols its own P-256 key with it, and from then on signs every request.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use koban_core::crypto::{body_digest_hex, new_nonce};
use koban_core::net::api;
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use utoipa::ToSchema;

use super::admin::enabled;
use super::doc::IdempotencyKey;
use crate::auth::{self, RawRequest};
use crate::error::ApiError;
use crate::idem;
use crate::policy::ENROLMENT_TOKEN_SECS;
use crate::seed;
use crate::state::AppState;

/// Issue a one-time token a terminal of this merchant enrols with
///
/// Only its hash is kept; it is shown once.
#[utoipa::path(post, path = "/admin/merchants/{merchant_id}/enrolment-tokens", tag = "admin",
    operation_id = "issueEnrolmentToken",
    params(("merchant_id" = String, Path, description = "A demo merchant")),
    responses((status = 201, description = "The token, shown once", body = api::EnrolmentToken)))]
pub async fn issue_token(
    State(state): State<AppState>,
    Path(merchant_id): Path<String>,
) -> Result<(StatusCode, Json<api::EnrolmentToken>), ApiError> {
    enabled(&state)?;
    seed::merchant(&merchant_id).ok_or(ApiError::NotFound("merchant"))?;
    let token = format!("enrol_{}", new_nonce().map_err(|e| ApiError::Internal(e.to_string()))?);
    let expires_at = state.clock.now() + ENROLMENT_TOKEN_SECS;
    let (hash, merchant) = (body_digest_hex(token.as_bytes()), merchant_id.clone());
    state
        .with_db(move |conn| {
            conn.execute(
                "INSERT INTO terminal_enrolment_tokens (token_hash, merchant_id, expires_at) VALUES (?1, ?2, ?3)",
                params![hash, merchant, expires_at],
            )?;
            Ok(())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(api::EnrolmentToken { token, merchant_id, expires_at })))
}

/// `POST /v1/terminals`: the till's key, for one merchant.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TerminalEnrolRequest)]
pub(super) struct EnrolRequest {
    /// The merchant it will charge for.
    merchant_id: String,
    /// The terminal's P-256 public key, base64url; the request is signed by it.
    public_key: String,
    /// The one-time token the operator issued for this merchant.
    enrolment_token: String,
}

/// Enrol a terminal key for one merchant
///
/// Signed by the key being enrolled (proof of possession), whose id must be the one its key
/// derives.
#[utoipa::path(post, path = "/v1/terminals", tag = "consumer-codes", operation_id = "enrolTerminal",
    request_body = EnrolRequest, params(IdempotencyKey),
    responses((status = 201, description = "Enrolled", body = api::TerminalEnrolment)),
    security(("signedTerminal" = [])))]
pub async fn enrol(State(state): State<AppState>, req: RawRequest) -> Response {
    match enrol_inner(state, req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn enrol_inner(state: AppState, req: RawRequest) -> Result<Response, ApiError> {
    let body: EnrolRequest = req.json()?;
    let public_key = auth::decode_public_key(&body.public_key)?;
    let terminal_id = auth::verify_enrolment(&state, &req, &public_key).await?.device_id;
    let m = req.mutation(format!("terminal:{terminal_id}"))?;
    Ok(idem::run(&state, m, move |tx, ctx| {
        let merchant = seed::merchant(&body.merchant_id).ok_or(ApiError::NotFound("merchant"))?;
        let hash = body_digest_hex(body.enrolment_token.as_bytes());
        let row: Option<(String, i64, Option<String>)> = tx
            .query_row(
                "SELECT merchant_id, expires_at, used_by_terminal FROM terminal_enrolment_tokens WHERE token_hash = ?1",
                [&hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match row {
            None => return Err(ApiError::BadEnrolmentToken("unknown token")),
            Some((m, _, _)) if m != merchant.id => {
                return Err(ApiError::BadEnrolmentToken("issued for another merchant"))
            }
            Some((_, _, Some(_))) => return Err(ApiError::BadEnrolmentToken("already used")),
            Some((_, expires, None)) if expires < ctx.now => return Err(ApiError::BadEnrolmentToken("expired")),
            Some(_) => {}
        }
        let exists: bool =
            tx.query_row("SELECT EXISTS(SELECT 1 FROM terminals WHERE id = ?1)", [&terminal_id], |r| r.get(0))?;
        if exists {
            return Err(ApiError::AlreadyEnrolled);
        }
        tx.execute(
            "INSERT INTO terminals (id, merchant_id, public_key, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![terminal_id, merchant.id, public_key, ctx.now],
        )?;
        tx.execute(
            "UPDATE terminal_enrolment_tokens SET used_by_terminal = ?2 WHERE token_hash = ?1",
            params![hash, terminal_id],
        )?;
        let merchant = api::TerminalMerchant {
            id: merchant.id.to_owned(),
            name: merchant.name.to_owned(),
            city: merchant.city.to_owned(),
            country: merchant.country.to_owned(),
            currency: merchant.currency.to_owned(),
        };
        Ok((StatusCode::CREATED, api::TerminalEnrolment { terminal_id, merchant }))
    })
    .await)
}
