//! Signed-request verification: device and terminal signatures, freshness, nonce replay.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use koban_core::crypto::request::{
    HEADER_DEVICE, HEADER_IDEMPOTENCY_KEY, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, MAX_CLOCK_SKEW_SECS,
};
use koban_core::crypto::{check_freshness, verify_request, CryptoError, RequestToSign};
use rusqlite::{params, OptionalExtension};

use crate::error::ApiError;
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
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, ApiError> {
        Ok(serde_json::from_slice(&self.body)?)
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

/// An authenticated device request.
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
        let req = RawRequest::from_request(request, state).await?;
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
        Ok(Signed { req, device_id, wallet_id })
    }
}

/// A request signed by an enrolled merchant terminal: the same scheme as devices (method,
/// path, body hash, timestamp, nonce), with the terminal id in the device header.
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
        let req = RawRequest::from_request(request, state).await?;
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
        Ok(TerminalSigned { req, terminal_id: sig.device_id, merchant_id })
    }
}

/// Decodes a base64url public key from an enrolment body.
pub fn decode_public_key(b64: &str) -> Result<Vec<u8>, ApiError> {
    URL_SAFE_NO_PAD.decode(b64).map_err(|_| ApiError::BadRequest("public_key must be base64url".into()))
}
