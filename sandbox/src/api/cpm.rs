//! Consumer-presented codes, host side: provisioning single-use keys and charging codes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use koban_core::crypto::{self, cryptogram::KEY_LEN, hex, IssuerMasterKey, CODE_LIFETIME_SECS};
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use serde_json::json;

use super::common::{amount, emit, load_wallet, AmountIn};
use super::wallets::mutation;
use crate::auth::{MerchantRequest, Signed};
use crate::error::ApiError;
use crate::idem::{self, Mutation};
use crate::ledger::{self, Leg};
use crate::seed;
use crate::state::AppState;

/// Most keys provisioned in one request.
pub const MAX_BATCH: u32 = 50;
/// Tolerated clock difference for a code created "in the future" by a phone's fast clock.
pub const FUTURE_SKEW_SECS: i64 = 30;
/// How long after scanning an offline till may still submit a charge.
pub const OFFLINE_CAPTURE_SECS: i64 = 24 * 60 * 60;
/// Prefix of the sandbox's payment tokens (a test BIN range, never a real card number).
pub const TOKEN_PREFIX: &str = "49";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvisionBody {
    count: u32,
}

fn new_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 14];
    SystemRandom::new().fill(&mut bytes).map_err(|_| ApiError::Internal("rng".into()))?;
    Ok(format!("{TOKEN_PREFIX}{}", bytes.iter().map(|b| char::from(b'0' + b % 10)).collect::<String>()))
}

/// `POST /v1/cpm/keys`: provisions `count` single-use keys (the next counters of this
/// device's token) derived from the token's master key, which never leaves the host.
pub async fn provision(State(state): State<AppState>, s: Signed) -> Response {
    let body: ProvisionBody = match s.req.json() {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let m = match mutation(&s) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let (wallet_id, device_id) = (s.wallet_id.clone(), s.device_id.clone());
    idem::run(&state, m, move |tx, ctx| {
        if !(1..=MAX_BATCH).contains(&body.count) {
            return Err(ApiError::BadRequest(format!("count must be 1..={MAX_BATCH}")));
        }
        // A token serves until its 16-bit counter space runs out; then the device gets a new one.
        let current: Option<(String, Vec<u8>, i64)> = tx
            .query_row(
                "SELECT token, master_key, next_counter FROM cpm_tokens WHERE device_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 1",
                [&device_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let count = i64::from(body.count);
        let (token, master, first) = match current {
            Some((token, master, next)) if next + count - 1 <= i64::from(u16::MAX) => {
                (token, IssuerMasterKey::from_slice(&master).map_err(|e| ApiError::Internal(e.to_string()))?, next)
            }
            _ => {
                let token = new_token()?;
                let master = IssuerMasterKey::generate().map_err(|e| ApiError::Internal(e.to_string()))?;
                tx.execute(
                    "INSERT INTO cpm_tokens (token, wallet_id, device_id, master_key, next_counter, created_at) VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                    params![token, wallet_id, device_id, master.as_bytes().to_vec(), ctx.now],
                )?;
                (token, master, 1)
            }
        };
        let mut keys = Vec::with_capacity(body.count as usize);
        for counter in first..first + count {
            let c = u16::try_from(counter).map_err(|_| ApiError::Internal("counter overflow".into()))?;
            let luk = crypto::derive_limited_use_key(&master, &token, c).map_err(|e| ApiError::Internal(e.to_string()))?;
            tx.execute("INSERT INTO cpm_counters (token, counter) VALUES (?1, ?2)", params![token, counter])?;
            keys.push(json!({ "counter": counter, "key": URL_SAFE_NO_PAD.encode(luk.as_bytes()) }));
        }
        tx.execute("UPDATE cpm_tokens SET next_counter = ?2 WHERE token = ?1", params![token, first + count])?;
        Ok((StatusCode::CREATED, json!({ "token": token, "keys": keys, "key_len": KEY_LEN, "code_lifetime_secs": CODE_LIFETIME_SECS })))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChargeBody {
    amount: AmountIn,
    token: String,
    counter: u16,
    /// Code creation time; the numeric form carries it modulo 1000 s and the till restores it.
    timestamp: i64,
    /// Absent in the numeric form, which uses four zero bytes.
    unpredictable_number: Option<String>,
    cryptogram: String,
    /// When an offline till scanned the code (unix seconds); expiry is judged at that moment.
    scanned_at: Option<i64>,
}

/// `POST /v1/terminal/charges`: a merchant terminal charges a scanned consumer code.
///
/// Every code names its creation time: a QR code in full, a numeric code modulo 1000 s, which
/// the till restores from its own clock. The host checks the cryptogram at that one second
/// only; trying every second of a code's lifetime would multiply a forger's odds by about 90.
///
/// A till that was offline sends `scanned_at`; the code must have been live then, and the
/// charge must arrive within [`OFFLINE_CAPTURE_SECS`]. The single-use counter still stops a
/// second charge of the same code.
pub async fn charge(State(state): State<AppState>, mr: MerchantRequest) -> Response {
    let body: ChargeBody = match mr.req.json() {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let key = match mr.req.idempotency_key() {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let merchant_id = mr.merchant_id.clone();
    let m = Mutation { scope: format!("merchant:{merchant_id}"), key, request_hash: mr.req.request_hash() };
    let journal_id = state.new_id("tx");
    idem::run(&state, m, move |tx, ctx| {
        body.amount.validate()?;
        let un: [u8; 4] = hex::decode(body.unpredictable_number.as_deref().unwrap_or("00000000"))
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| ApiError::BadRequest("unpredictable_number must be 8 hex digits".into()))?;
        let presented =
            hex::decode(&body.cryptogram).map_err(|_| ApiError::BadRequest("cryptogram must be hex".into()))?;
        let (wallet_id, master): (String, Vec<u8>) = tx
            .query_row("SELECT wallet_id, master_key FROM cpm_tokens WHERE token = ?1", [&body.token], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or(ApiError::UnknownToken)?;
        let used: Option<Option<String>> = tx
            .query_row(
                "SELECT used_by_journal FROM cpm_counters WHERE token = ?1 AND counter = ?2",
                params![body.token, body.counter],
                |r| r.get(0),
            )
            .optional()?;
        match used {
            None => return Err(ApiError::UnknownToken),
            Some(Some(_)) => return Err(ApiError::CodeUsed),
            Some(None) => {}
        }
        let at = body.scanned_at.unwrap_or(ctx.now);
        if at - ctx.now > FUTURE_SKEW_SECS || ctx.now - at > OFFLINE_CAPTURE_SECS {
            return Err(ApiError::CodeExpired);
        }
        let live = |t: i64| at - t <= CODE_LIFETIME_SECS as i64 && t - at <= FUTURE_SKEW_SECS;
        let master = IssuerMasterKey::from_slice(&master).map_err(|e| ApiError::Internal(e.to_string()))?;
        let luk = crypto::derive_limited_use_key(&master, &body.token, body.counter)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let verifies = |t: i64| {
            t >= 0 && crypto::verify_cryptogram(&luk, &body.token, body.counter, t as u64, un, &presented).is_ok()
        };
        if !live(body.timestamp) {
            return Err(ApiError::CodeExpired);
        }
        if !verifies(body.timestamp) {
            return Err(ApiError::BadCryptogram);
        }
        let merchant = seed::merchant(&merchant_id).ok_or(ApiError::UnknownMerchant)?;
        let w = load_wallet(tx, &wallet_id)?;
        if body.amount.currency != merchant.currency || w.currency != merchant.currency {
            return Err(ApiError::CurrencyMismatch(format!(
                "the till charges {}, the wallet holds {}",
                body.amount.currency, w.currency
            )));
        }
        let x = body.amount.minor;
        let meta = json!({ "merchant": { "id": merchant_id, "name": merchant.name, "country": merchant.country },
                           "token_last4": &body.token[body.token.len().saturating_sub(4)..], "counter": body.counter,
                           "description": format!("Paid at {} with a consumer code", merchant.name) });
        let header = ctx.journal(&journal_id, "cpm_charge", &wallet_id, &meta);
        ledger::post(
            tx,
            &header,
            &[Leg::new(w.account_id.clone(), -x), Leg::new(format!("merchant:{merchant_id}"), x)],
        )?;
        tx.execute(
            "UPDATE cpm_counters SET used_by_journal = ?3 WHERE token = ?1 AND counter = ?2",
            params![body.token, body.counter, journal_id],
        )?;
        let out = json!({ "id": journal_id, "kind": "cpm_charge", "status": "captured", "merchant_id": merchant_id,
                          "amount": amount(x, &w.currency), "counter": body.counter, "created_at": ctx.now });
        emit(tx, &wallet_id, "consumer_code_charged", &out, ctx.now)?;
        Ok((StatusCode::CREATED, out))
    })
    .await
}
