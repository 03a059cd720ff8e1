//! Signed-request verification: device and terminal signatures, freshness, nonce replay.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use koban_core::crypto::request::{
    HEADER_DEVICE, HEADER_IDEMPOTENCY_KEY, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, MAX_CLOCK_SKEW_SECS,
};
use koban_core::crypto::{check_freshness, verify_request, CryptoError, RequestToSign};
use rusqlite::{params, OptionalExtension};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::idem::Mutation;
use crate::state::{AppState, EnrolledDevice};

/// Largest accepted request body.
pub const MAX_BODY: usize = 256 * 1024;

/// A request whose raw bytes have been read, not yet authenticated.
pub struct RawRequest {
    /// Method, URI and headers.
    pub parts: Parts,
    /// Body bytes exactly as received.
    pub body: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for RawRequest {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let body =
            axum::body::to_bytes(body, MAX_BODY).await.map_err(|e| ApiError::BadRequest(format!("body: {e}")))?;
        Ok(Self { parts, body })
    }
}

impl RawRequest {
    /// Path and query as on the request line.
    pub fn path_and_query(&self) -> &str {
        self.parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    }

    /// The Idempotency-Key header, if present and sane.
    pub fn idempotency_key(&self) -> Result<String, ApiError> {
        let key = header(&self.parts.headers, HEADER_IDEMPOTENCY_KEY).ok_or(ApiError::IdempotencyKeyMissing)?;
        if key.is_empty() || key.len() > 128 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiError::BadRequest("Idempotency-Key must be 1 to 128 visible ASCII characters".into()));
        }
        Ok(key.to_owned())
    }

    /// SHA-256 over method, path and body: what a repeated idempotency key must match.
    pub fn request_hash(&self) -> String {
        let mut buf = Vec::with_capacity(self.body.len() + 64);
        buf.extend_from_slice(self.parts.method.as_str().as_bytes());
        buf.push(b'\n');
        buf.extend_from_slice(self.parts.uri.path().as_bytes());
        buf.push(b'\n');
        buf.extend_from_slice(&self.body);
        koban_core::crypto::body_digest_hex(&buf)
    }

    /// Parses the body as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        Ok(serde_json::from_slice(&self.body)?)
    }

    /// This request as a mutation run once per key in `scope`.
    pub fn mutation(&self, scope: String) -> Result<Mutation, ApiError> {
        Ok(Mutation { scope, key: self.idempotency_key()?, request_hash: self.request_hash() })
    }
}

/// Refuses a request whose path names a `{param}` other than `own`: a wallet's device reads
/// and changes only its own wallet, a terminal acts only for its merchant. Checked once the
/// signature is verified and before the body is read.
async fn path_is_own(parts: &mut Parts, param: &str, own: &str) -> Result<(), ApiError> {
    // A route without path parameters has nothing to check.
    let Ok(params) = RawPathParams::from_request_parts(parts, &()).await else { return Ok(()) };
    match params.iter().find(|(name, _)| *name == param) {
        Some((_, value)) if value != own => Err(ApiError::Forbidden),
        _ => Ok(()),
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The signature headers of a request.
pub struct SignatureHeaders {
    /// Device id header.
    pub device_id: String,
    /// Timestamp header.
    pub timestamp: u64,
    /// Nonce header.
    pub nonce: String,
    /// Signature header.
    pub signature: String,
}

/// Reads the four signature headers.
pub fn signature_headers(headers: &HeaderMap) -> Result<SignatureHeaders, ApiError> {
    let get = |name: &str| {
        header(headers, name).map(str::to_owned).ok_or_else(|| ApiError::BadSignature(format!("missing {name} header")))
    };
    Ok(SignatureHeaders {
        device_id: get(HEADER_DEVICE)?,
        timestamp: get(HEADER_TIMESTAMP)?
            .parse()
            .map_err(|_| ApiError::BadSignature("timestamp is not unix seconds".into()))?,
        nonce: get(HEADER_NONCE)?,
        signature: get(HEADER_SIGNATURE)?,
    })
}

/// Verifies a request's signature against `public_key`, checks freshness against `now`.
pub fn verify(req: &RawRequest, sig: &SignatureHeaders, public_key: &[u8], now: i64) -> Result<(), ApiError> {
    let parts = RequestToSign {
        method: req.parts.method.as_str(),
        path_and_query: req.path_and_query(),
        body: &req.body,
        timestamp: sig.timestamp,
        nonce: &sig.nonce,
        device_id: &sig.device_id,
    };
    verify_request(public_key, &parts, &sig.signature).map_err(|e| ApiError::BadSignature(e.to_string()))?;
    check_freshness(sig.timestamp, now.max(0) as u64, MAX_CLOCK_SKEW_SECS).map_err(|e| match e {
        CryptoError::Stale { .. } => ApiError::StaleSignature(e.to_string()),
        other => ApiError::BadSignature(other.to_string()),
    })
}

/// Records a nonce; refuses one this device already used.
pub fn consume_nonce(conn: &rusqlite::Connection, device_id: &str, nonce: &str, now: i64) -> Result<(), ApiError> {
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO nonces (device_id, nonce, seen_at) VALUES (?1, ?2, ?3)",
        params![device_id, nonce, now],
    )?;
    if inserted == 0 {
        return Err(ApiError::ReplayedNonce);
    }
    Ok(())
}

/// An authenticated device request. A `{wallet_id}` in its path is the signer's wallet
/// (forbidden otherwise).
pub struct Signed {
    /// The request.
    pub req: RawRequest,
    /// Enrolled device that signed it.
    pub device_id: String,
    /// Its wallet.
    pub wallet_id: String,
}

impl FromRequest<AppState> for Signed {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let mut req = RawRequest::from_request(request, state).await?;
        let sig = signature_headers(&req.parts.headers)?;
        let device_id = sig.device_id.clone();
        let now = state.clock.now();
        let cached = state.devices.read().unwrap_or_else(|p| p.into_inner()).get(&device_id).cloned();
        let device = match cached {
            Some(d) => d,
            None => {
                let id = device_id.clone();
                let row = state
                    .with_db(move |conn| {
                        let (public_key, wallet_id, revoked): (Vec<u8>, String, Option<i64>) = conn
                            .query_row(
                                "SELECT public_key, wallet_id, revoked_at FROM devices WHERE id = ?1",
                                [&id],
                                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                            )
                            .optional()?
                            .ok_or(ApiError::UnknownDevice)?;
                        if revoked.is_some() {
                            return Err(ApiError::DeviceRevoked);
                        }
                        Ok(EnrolledDevice { public_key, wallet_id })
                    })
                    .await?;
                let row = std::sync::Arc::new(row);
                state.devices.write().unwrap_or_else(|p| p.into_inner()).insert(device_id.clone(), row.clone());
                row
            }
        };
        let wallet_id = device.wallet_id.clone();
        verify(&req, &sig, &device.public_key, now)?;
        let nonce = sig.nonce.clone();
        let dev = device_id.clone();
        state.with_db(move |conn| consume_nonce(conn, &dev, &nonce, now)).await?;
        path_is_own(&mut req.parts, "wallet_id", &wallet_id).await?;
        Ok(Signed { req, device_id, wallet_id })
    }
}

impl Signed {
    /// This request as a mutation of the signing wallet (its idempotency scope).
    pub fn mutation(&self) -> Result<Mutation, ApiError> {
        self.req.mutation(self.wallet_id.clone())
    }
}

/// A device-signed mutation with a JSON body: the signature, then the body read strictly as
/// `T`, then the idempotency key, checked in that order before the handler runs.
pub struct SignedJson<T> {
    /// Enrolled device that signed it.
    pub device_id: String,
    /// Its wallet.
    pub wallet_id: String,
    /// The body.
    pub body: T,
    /// Scope (the wallet), key and request hash.
    pub mutation: Mutation,
}

impl<T: DeserializeOwned> FromRequest<AppState> for SignedJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let s = Signed::from_request(request, state).await?;
        let body = s.req.json()?;
        let mutation = s.mutation()?;
        Ok(SignedJson { device_id: s.device_id, wallet_id: s.wallet_id, body, mutation })
    }
}

/// A device-signed mutation whose body the host does not read (approve, decline, revoke:
/// the path says everything).
pub struct SignedMutation {
    /// Enrolled device that signed it.
    pub device_id: String,
    /// Its wallet.
    pub wallet_id: String,
    /// Scope (the wallet), key and request hash.
    pub mutation: Mutation,
}

impl FromRequest<AppState> for SignedMutation {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let s = Signed::from_request(request, state).await?;
        let mutation = s.mutation()?;
        Ok(SignedMutation { device_id: s.device_id, wallet_id: s.wallet_id, mutation })
    }
}

/// A request signed by an enrolled merchant terminal: the same scheme as devices (method,
/// path, body hash, timestamp, nonce), with the terminal id in the device header. A
/// `{merchant_id}` in its path is the terminal's merchant (forbidden otherwise).
pub struct TerminalSigned {
    /// The request.
    pub req: RawRequest,
    /// The terminal that signed it.
    pub terminal_id: String,
    /// The one merchant it acts for.
    pub merchant_id: String,
}

impl FromRequest<AppState> for TerminalSigned {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let mut req = RawRequest::from_request(request, state).await?;
        let sig = signature_headers(&req.parts.headers)?;
        let now = state.clock.now();
        let id = sig.device_id.clone();
        let (public_key, merchant_id) = state
            .with_db(move |conn| {
                let (key, merchant, revoked): (Vec<u8>, String, Option<i64>) = conn
                    .query_row("SELECT public_key, merchant_id, revoked_at FROM terminals WHERE id = ?1", [&id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()?
                    .ok_or(ApiError::UnknownTerminal)?;
                if revoked.is_some() {
                    return Err(ApiError::UnknownTerminal);
                }
                Ok((key, merchant))
            })
            .await?;
        verify(&req, &sig, &public_key, now)?;
        let (terminal, nonce) = (sig.device_id.clone(), sig.nonce.clone());
        state.with_db(move |conn| consume_nonce(conn, &terminal, &nonce, now)).await?;
        path_is_own(&mut req.parts, "merchant_id", &merchant_id).await?;
        Ok(TerminalSigned { req, terminal_id: sig.device_id, merchant_id })
    }
}

/// A terminal-signed mutation with a JSON body, checked like [`SignedJson`]; its idempotency
/// scope is the terminal.
pub struct TerminalJson<T> {
    /// The terminal that signed it.
    pub terminal_id: String,
    /// The one merchant it acts for.
    pub merchant_id: String,
    /// The body.
    pub body: T,
    /// Scope (`terminal:{id}`), key and request hash.
    pub mutation: Mutation,
}

impl<T: DeserializeOwned> FromRequest<AppState> for TerminalJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let t = TerminalSigned::from_request(request, state).await?;
        let body = t.req.json()?;
        let mutation = t.req.mutation(format!("terminal:{}", t.terminal_id))?;
        Ok(TerminalJson { terminal_id: t.terminal_id, merchant_id: t.merchant_id, body, mutation })
    }
}

/// Checks an enrolment's proof of possession: the request is signed by the key being
/// enrolled, fresh, under the id that key derives (so nobody claims another key's id), with
/// a nonce not seen before. Returns the signature headers.
pub async fn verify_enrolment(
    state: &AppState,
    req: &RawRequest,
    public_key: &[u8],
) -> Result<SignatureHeaders, ApiError> {
    let sig = signature_headers(&req.parts.headers)?;
    let now = state.clock.now();
    verify(req, &sig, public_key, now)?;
    if sig.device_id != koban_core::crypto::request::device_id_for(public_key) {
        return Err(ApiError::BadSignature("the id is not the one the enrolled key derives".into()));
    }
    let (id, nonce) = (sig.device_id.clone(), sig.nonce.clone());
    state.with_db(move |conn| consume_nonce(conn, &id, &nonce, now)).await?;
    Ok(sig)
}

/// Decodes a base64url public key from an enrolment body.
pub fn decode_public_key(b64: &str) -> Result<Vec<u8>, ApiError> {
    URL_SAFE_NO_PAD.decode(b64).map_err(|_| ApiError::BadRequest("public_key must be base64url".into()))
}
