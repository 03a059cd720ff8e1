//! Merchant terminals: the admin issues a one-time enrolment token for a merchant, a
//! terminal enrols its own P-256 key with it, and from then on signs every request.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use koban_core::crypto::request::device_id_for;
use koban_core::crypto::{body_digest_hex, new_nonce};
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use serde_json::{json, Value};

use super::admin::enabled;
use crate::auth::{self, RawRequest};
use crate::error::ApiError;
use crate::idem::{self, Mutation};
use crate::policy::ENROLMENT_TOKEN_SECS;
use crate::seed;
use crate::state::AppState;

/// `POST /admin/merchants/{merchant_id}/enrolment-tokens`: a one-time token a terminal of
/// this merchant enrols with. Only its hash is kept; it is shown once.
pub async fn issue_token(
    State(state): State<AppState>,
    Path(merchant_id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
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
    Ok((StatusCode::CREATED, Json(json!({ "token": token, "merchant_id": merchant_id, "expires_at": expires_at }))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnrolBody {
    merchant_id: String,
    public_key: String,
    enrolment_token: String,
}

/// `POST /v1/terminals`: enrols a terminal key for one merchant. Signed by the key being
/// enrolled (proof of possession), whose id must be the one its key derives.
pub async fn enrol(State(state): State<AppState>, req: RawRequest) -> Response {
    match enrol_inner(state, req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn enrol_inner(state: AppState, req: RawRequest) -> Result<Response, ApiError> {
    let body: EnrolBody = req.json()?;
    let public_key = auth::decode_public_key(&body.public_key)?;
    let sig = auth::signature_headers(&req.parts.headers)?;
    let now = state.clock.now();
    auth::verify(&req, &sig, &public_key, now)?;
    let terminal_id = device_id_for(&public_key);
    if sig.device_id != terminal_id {
        return Err(ApiError::BadSignature("the terminal id is not the one its key derives".into()));
    }
    {
        let (t, n) = (terminal_id.clone(), sig.nonce.clone());
        state.with_db(move |conn| auth::consume_nonce(conn, &t, &n, now)).await?;
    }
    let m = Mutation {
        scope: format!("terminal:{terminal_id}"),
        key: req.idempotency_key()?,
        request_hash: req.request_hash(),
    };
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
        Ok((
            StatusCode::CREATED,
            json!({ "terminal_id": terminal_id, "merchant": { "id": merchant.id, "name": merchant.name,
                    "city": merchant.city, "country": merchant.country, "currency": merchant.currency } }),
        ))
    })
    .await)
}
