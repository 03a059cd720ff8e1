//! More than one device per wallet, and revoking a lost phone: its requests and its codes
//! are refused from then on.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use koban_core::crypto::request::device_id_for;
use koban_core::net::api::{self, EventData};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Deserialize;
use utoipa::ToSchema;

use super::admin::enabled;
use super::charges::revoke_token;
use super::common::emit;
use super::doc::IdempotencyKey;
use crate::auth::{self, SignedJson, SignedMutation};
use crate::error::ApiError;
use crate::idem;
use crate::state::AppState;

/// `POST /v1/wallets/{wallet_id}/devices`: another device's key.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AddDeviceRequest {
    /// The new device's P-256 public key, base64url.
    public_key: String,
    /// The new key's signature (base64url, fixed-size P-256) over [`add_device_message`]:
    /// proof that whoever adds it holds it.
    proof: String,
}

/// What a device being added signs to prove it holds its key.
pub fn add_device_message(wallet_id: &str) -> String {
    format!("KOBAN-ADD-DEVICE-V1\n{wallet_id}")
}

/// Add another device's key to this wallet
///
/// A new phone, so that either device can later revoke the other.
#[utoipa::path(post, path = "/v1/wallets/{wallet_id}/devices", tag = "wallet", operation_id = "addDevice",
    request_body = AddDeviceRequest,
    params(("wallet_id" = String, Path, description = "This device's wallet"), IdempotencyKey),
    responses((status = 201, description = "Added", body = api::DeviceAdded)),
    security(("signedDevice" = [])))]
pub async fn add(
    State(state): State<AppState>,
    Path(wallet_id): Path<String>,
    s: SignedJson<AddDeviceRequest>,
) -> Response {
    let body = s.body;
    idem::run(&state, s.mutation, move |tx, ctx| {
        let public_key = auth::decode_public_key(&body.public_key)?;
        let proof =
            URL_SAFE_NO_PAD.decode(&body.proof).map_err(|_| ApiError::BadRequest("proof must be base64url".into()))?;
        koban_core::crypto::verify_signature(&public_key, add_device_message(&wallet_id).as_bytes(), &proof)
            .map_err(|e| ApiError::BadSignature(format!("proof of the new key: {e}")))?;
        let device_id = device_id_for(&public_key);
        let exists: bool =
            tx.query_row("SELECT EXISTS(SELECT 1 FROM devices WHERE id = ?1)", [&device_id], |r| r.get(0))?;
        if exists {
            return Err(ApiError::AlreadyEnrolled);
        }
        tx.execute(
            "INSERT INTO devices (id, wallet_id, public_key, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![device_id, wallet_id, public_key, ctx.now],
        )?;
        Ok((StatusCode::CREATED, api::DeviceAdded { device_id, wallet_id }))
    })
    .await
}

/// Revokes a device: its signed requests and its tokens' codes are refused from now on.
pub fn revoke_device(
    tx: &Transaction<'_>,
    device_id: &str,
    by: &str,
    now: i64,
) -> Result<api::DeviceRevoked, ApiError> {
    let (wallet_id, revoked): (String, Option<i64>) = tx
        .query_row("SELECT wallet_id, revoked_at FROM devices WHERE id = ?1", [device_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .ok_or(ApiError::NotFound("device"))?;
    let revoked_at = match revoked {
        Some(at) => at,
        None => {
            tx.execute("UPDATE devices SET revoked_at = ?2 WHERE id = ?1", params![device_id, now])?;
            let tokens: Vec<String> = tx
                .prepare("SELECT token FROM cpm_tokens WHERE device_id = ?1")?
                .query_map([device_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for token in &tokens {
                revoke_token(tx, token, "device_revoked", now)?;
            }
            let event = api::DeviceRevokedEvent { device_id: device_id.to_owned(), by: by.to_owned() };
            emit(tx, &wallet_id, EventData::DeviceRevoked(event), now)?;
            now
        }
    };
    Ok(api::DeviceRevoked { device_id: device_id.to_owned(), wallet_id, revoked_at })
}

/// Revoke a lost device of this wallet
///
/// Its signed requests and its codes are refused from then on. The body is not read.
#[utoipa::path(post, path = "/v1/devices/{device_id}/revoke", tag = "wallet", operation_id = "revokeDevice",
    params(("device_id" = String, Path, description = "A device of this wallet"), IdempotencyKey),
    responses((status = 200, description = "Revoked", body = api::DeviceRevoked)),
    security(("signedDevice" = [])))]
pub async fn revoke(State(state): State<AppState>, Path(device_id): Path<String>, s: SignedMutation) -> Response {
    let (wallet_id, by) = (s.wallet_id, s.device_id);
    let target = device_id.clone();
    let resp = idem::run(&state, s.mutation, move |tx, ctx| {
        let owner: Option<String> =
            tx.query_row("SELECT wallet_id FROM devices WHERE id = ?1", [&target], |r| r.get(0)).optional()?;
        // Another wallet's device is not named: not found, not forbidden.
        if owner.as_deref() != Some(wallet_id.as_str()) {
            return Err(ApiError::NotFound("device"));
        }
        Ok((StatusCode::OK, revoke_device(tx, &target, &by, ctx.now)?))
    })
    .await;
    state.forget_device(&device_id);
    resp
}

/// The operator revokes a device
///
/// The shopper phoned in a lost phone and has no other device.
#[utoipa::path(post, path = "/admin/devices/{device_id}/revoke", tag = "admin", operation_id = "adminRevokeDevice",
    params(("device_id" = String, Path, description = "Any device")),
    responses((status = 200, description = "Revoked", body = api::DeviceRevoked)))]
pub async fn admin_revoke(
    State(state): State<AppState>,
    Path(device_id): Path<String>,
) -> Result<Json<api::DeviceRevoked>, ApiError> {
    enabled(&state)?;
    let now = state.clock.now();
    let id = device_id.clone();
    let out = state
        .with_db(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let out = revoke_device(&tx, &id, "admin", now)?;
            tx.commit()?;
            Ok(out)
        })
        .await?;
    state.forget_device(&device_id);
    state.notify_events();
    Ok(Json(out))
}
