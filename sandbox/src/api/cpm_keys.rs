//! Provisioning single-use keys for consumer-presented codes: expiring, capped per device,
//! derived from a per-token master key that is sealed at rest and never leaves the host.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use koban_core::crypto::{self, cryptogram::KEY_LEN, IssuerMasterKey, CODE_LIFETIME_SECS};
use koban_core::net::api;
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Deserialize;
use utoipa::ToSchema;

use super::doc::IdempotencyKey;
use crate::auth::SignedJson;
use crate::error::ApiError;
use crate::idem;
use crate::policy::{KEY_LIFETIME_SECS, MAX_BATCH, MAX_LIVE_KEYS};
use crate::state::AppState;
use crate::vault::HostKey;

/// Prefix of the sandbox's payment tokens (a test BIN range, never a real card number).
pub const TOKEN_PREFIX: &str = "49";

/// `POST /v1/cpm/keys`: how many keys.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ProvisionRequest {
    /// 1 to the batch limit; fewer are given when the device would hold too many.
    count: u32,
    /// Counters of the current token below this one are no longer held by the device (shown
    /// and expired on its screen): the host retires them so they stop counting as live.
    retire_before: Option<u16>,
}

fn new_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 14];
    SystemRandom::new().fill(&mut bytes).map_err(|_| ApiError::Internal("rng".into()))?;
    Ok(format!("{TOKEN_PREFIX}{}", bytes.iter().map(|b| char::from(b'0' + b % 10)).collect::<String>()))
}

/// The master key of `token`, unsealed with the host key.
pub fn master_key(conn: &Connection, host_key: &HostKey, token: &str) -> Result<IssuerMasterKey, ApiError> {
    let sealed: Vec<u8> = conn
        .query_row("SELECT master_key FROM cpm_tokens WHERE token = ?1", [token], |r| r.get(0))
        .optional()?
        .ok_or(ApiError::UnknownToken)?;
    let plain = host_key.open(token, &sealed)?;
    IssuerMasterKey::from_slice(&plain).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Live keys of a device: provisioned, not burned by a charge, not retired, not expired.
pub fn live_keys(conn: &Connection, device_id: &str, now: i64) -> Result<i64, ApiError> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM cpm_counters c JOIN cpm_tokens t ON t.token = c.token
         WHERE t.device_id = ?1 AND t.revoked_at IS NULL AND c.used_by_journal IS NULL
           AND c.retired_at IS NULL AND c.expires_at > ?2",
        params![device_id, now],
        |r| r.get(0),
    )?)
}

/// Provision single-use keys for consumer-presented codes
///
/// Up to `count` keys (the next counters of this device's token), never more than leaves the
/// device `MAX_LIVE_KEYS` live ones. The stored outcome names the counters only; the keys are
/// derived again for every answer, so no key material rests in the idempotency table and a
/// replayed answer still carries them.
#[utoipa::path(post, path = "/v1/cpm/keys", tag = "consumer-codes", operation_id = "provisionKeys",
    request_body = ProvisionRequest, params(IdempotencyKey),
    responses((status = 201, description = "Keys, each with its counter", body = api::Provisioned)),
    security(("signedDevice" = [])))]
pub async fn provision(State(state): State<AppState>, s: SignedJson<ProvisionRequest>) -> Response {
    let (wallet_id, device_id, body) = (s.wallet_id, s.device_id, s.body);
    let host_key = state.host_key.clone();
    let outcome = idem::run_outcome(&state, s.mutation, move |tx, ctx| {
        provision_inner(tx, &host_key, &wallet_id, &device_id, &body, ctx.now)
    })
    .await;
    let outcome = match outcome {
        Ok(o) if o.status == StatusCode::CREATED => o,
        Ok(o) => return o.into_response(),
        Err(e) => return e.into_response(),
    };
    let host_key = state.host_key.clone();
    let (replayed, stored) = (outcome.replayed, outcome.body);
    let with_keys = state.with_db(move |conn| with_keys(conn, &host_key, &stored)).await;
    match with_keys.and_then(|answer| idem::to_json(&answer)) {
        Ok(body) => idem::Outcome { status: StatusCode::CREATED, body, replayed }.into_response(),
        Err(e) => e.into_response(),
    }
}

fn provision_inner(
    tx: &Transaction<'_>,
    host_key: &HostKey,
    wallet_id: &str,
    device_id: &str,
    body: &ProvisionRequest,
    now: i64,
) -> Result<(StatusCode, api::Provisioned), ApiError> {
    if !(1..=MAX_BATCH).contains(&body.count) {
        return Err(ApiError::BadRequest(format!("count must be 1..={MAX_BATCH}")));
    }
    // A token serves until its 16-bit counter space runs out or it is revoked; then the
    // device gets a new one.
    let current: Option<(String, i64)> = tx
        .query_row(
            "SELECT token, next_counter FROM cpm_tokens WHERE device_id = ?1 AND revoked_at IS NULL
             ORDER BY created_at DESC, rowid DESC LIMIT 1",
            [device_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let (Some((token, _)), Some(before)) = (&current, body.retire_before) {
        tx.execute(
            "UPDATE cpm_counters SET retired_at = ?3 WHERE token = ?1 AND counter < ?2
             AND used_by_journal IS NULL AND retired_at IS NULL",
            params![token, before, now],
        )?;
    }
    let live = live_keys(tx, device_id, now)?;
    let count = i64::from(body.count).min(MAX_LIVE_KEYS - live);
    if count <= 0 {
        return Err(ApiError::LimitExceeded(format!(
            "this device already holds {live} live keys, the most one device may hold"
        )));
    }
    let (token, first) = match current {
        Some((token, next)) if next + count - 1 <= i64::from(u16::MAX) => (token, next),
        _ => {
            let token = new_token()?;
            let master = IssuerMasterKey::generate().map_err(|e| ApiError::Internal(e.to_string()))?;
            let sealed = host_key.seal(&token, master.as_bytes())?;
            tx.execute(
                "INSERT INTO cpm_tokens (token, wallet_id, device_id, master_key, next_counter, created_at)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                params![token, wallet_id, device_id, sealed, now],
            )?;
            (token, 1)
        }
    };
    let expires_at = now + KEY_LIFETIME_SECS;
    let mut keys = Vec::with_capacity(count as usize);
    for counter in first..first + count {
        tx.execute(
            "INSERT INTO cpm_counters (token, counter, expires_at) VALUES (?1, ?2, ?3)",
            params![token, counter, expires_at],
        )?;
        let counter = u16::try_from(counter).map_err(|_| ApiError::Internal("counter past 16 bits".into()))?;
        keys.push(api::ProvisionedKey { counter, expires_at, key: None });
    }
    tx.execute("UPDATE cpm_tokens SET next_counter = ?2 WHERE token = ?1", params![token, first + count])?;
    let answer = api::Provisioned {
        token,
        keys,
        key_len: KEY_LEN as u32,
        code_lifetime_secs: CODE_LIFETIME_SECS as i64,
        max_live_keys: MAX_LIVE_KEYS,
    };
    Ok((StatusCode::CREATED, answer))
}

/// Adds each counter's key to a stored provisioning answer.
fn with_keys(conn: &Connection, host_key: &HostKey, stored: &str) -> Result<api::Provisioned, ApiError> {
    let mut answer: api::Provisioned =
        serde_json::from_str(stored).map_err(|e| ApiError::Internal(format!("stored answer: {e}")))?;
    let master = master_key(conn, host_key, &answer.token)?;
    for k in &mut answer.keys {
        let luk = crypto::derive_limited_use_key(&master, &answer.token, k.counter)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        k.key = Some(URL_SAFE_NO_PAD.encode(luk.as_bytes()));
    }
    Ok(answer)
}
