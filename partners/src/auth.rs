//! Acquirer authentication: every acquiring request is signed with HMAC-SHA256 under a key the
//! network shares with that acquirer, fresh by the network's clock and never replayed.
//!
//! Modelled on Alipay+'s message signature (the `Client-Id`, `Request-Time` and `Signature`
//! headers over `<METHOD> <URI>\n<Client-Id>.<Request-Time>.<body>`), with two changes: a
//! shared-key HMAC instead of RSA, and a `Request-Nonce` inside the signed content so the
//! network can refuse a replayed request outright. The same scheme guards all three networks'
//! APIs (WeChat Pay and UnionPay sign inside their bodies; see ADR 0007).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::params;
use zeroize::Zeroizing;

use crate::error::Refusal;
use crate::state::AppState;

/// Header naming the acquirer.
pub const HEADER_CLIENT_ID: &str = "client-id";
/// Header carrying the signing time, Unix seconds.
pub const HEADER_REQUEST_TIME: &str = "request-time";
/// Header carrying the single-use nonce.
pub const HEADER_NONCE: &str = "request-nonce";
/// Header carrying `algorithm=HMAC-SHA256,keyVersion=1,signature=<base64url>`.
pub const HEADER_SIGNATURE: &str = "signature";
/// Response header carrying the network's clock, Unix seconds.
pub const HEADER_RESPONSE_TIME: &str = "response-time";
/// Largest accepted difference between the signing time and the network's clock.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;
/// Largest accepted request body.
pub const MAX_BODY: usize = 64 * 1024;
/// Shortest acceptable key.
pub const MIN_KEY_LEN: usize = 32;

/// An acquirer's client id and the secret it shares with the networks.
#[derive(Clone)]
pub struct AcquirerKey {
    client_id: String,
    secret: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for AcquirerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AcquirerKey").field("client_id", &self.client_id).field("secret", &"<redacted>").finish()
    }
}

impl AcquirerKey {
    /// A key for `client_id` (1-64 visible ASCII characters) with `secret` (32 bytes or more).
    pub fn new(client_id: &str, secret: &[u8]) -> Result<Self, String> {
        if client_id.is_empty() || client_id.len() > 64 || !client_id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("client id must be 1 to 64 visible ASCII characters".into());
        }
        if secret.len() < MIN_KEY_LEN {
            return Err(format!("the key must be at least {MIN_KEY_LEN} bytes"));
        }
        Ok(Self { client_id: client_id.to_owned(), secret: Zeroizing::new(secret.to_vec()) })
    }

    /// A fresh random 32-byte key for `client_id`.
    pub fn generate(client_id: &str) -> Result<Self, String> {
        let mut secret = Zeroizing::new(vec![0u8; 32]);
        SystemRandom::new().fill(&mut secret).map_err(|_| "random number generator failed".to_owned())?;
        Self::new(client_id, &secret)
    }

    /// Parses `CLIENT_ID=HEXKEY` (the command line's form).
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (id, hex) = spec.split_once('=').ok_or("expected CLIENT_ID=HEXKEY")?;
        let secret = Zeroizing::new(koban_core::crypto::hex::decode(hex.trim()).map_err(|e| format!("key: {e}"))?);
        Self::new(id, &secret)
    }

    /// The acquirer's client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The secret in hex, for handing to the acquirer's configuration; never log it.
    pub fn secret_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(koban_core::crypto::hex::encode(&self.secret))
    }

    fn key(&self) -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, &self.secret)
    }

    /// Signs a request: returns the `signature` header value.
    pub fn sign(&self, method: &str, path_and_query: &str, time: i64, nonce: &str, body: &[u8]) -> String {
        let content = content_to_sign(method, path_and_query, &self.client_id, time, nonce, body);
        let tag = hmac::sign(&self.key(), &content);
        format!("algorithm=HMAC-SHA256,keyVersion=1,signature={}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    /// Checks a `signature` header value over a request.
    pub fn verify(
        &self,
        method: &str,
        path_and_query: &str,
        time: i64,
        nonce: &str,
        body: &[u8],
        header: &str,
    ) -> Result<(), Refusal> {
        let mut algorithm = None;
        let mut signature = None;
        for part in header.split(',') {
            match part.trim().split_once('=') {
                Some(("algorithm", v)) => algorithm = Some(v),
                Some(("signature", v)) => signature = Some(v),
                _ => {}
            }
        }
        if algorithm != Some("HMAC-SHA256") {
            return Err(Refusal::BadSignature("algorithm must be HMAC-SHA256".into()));
        }
        let tag = signature
            .and_then(|s| URL_SAFE_NO_PAD.decode(s).ok())
            .ok_or_else(|| Refusal::BadSignature("signature is not base64url".into()))?;
        let content = content_to_sign(method, path_and_query, &self.client_id, time, nonce, body);
        hmac::verify(&self.key(), &content, &tag).map_err(|_| Refusal::BadSignature("signature does not verify".into()))
    }
}

/// `<METHOD> <path and query>\n<client id>.<time>.<nonce>.<body>`.
pub fn content_to_sign(
    method: &str,
    path_and_query: &str,
    client_id: &str,
    time: i64,
    nonce: &str,
    body: &[u8],
) -> Vec<u8> {
    let mut out = format!("{} {path_and_query}\n{client_id}.{time}.{nonce}.", method.to_ascii_uppercase()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// A fresh nonce: 16 random bytes, base64url.
pub fn new_nonce() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    SystemRandom::new().fill(&mut bytes).map_err(|_| "random number generator failed".to_owned())?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// A request whose raw bytes have been read, not yet authenticated.
pub struct RawRequest {
    /// Method, URI and headers.
    pub parts: Parts,
    /// Body bytes exactly as received.
    pub body: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for RawRequest {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        // An unreadable or oversized body becomes an empty one, which then fails to parse with
        // the network's own error shape instead of axum's plain-text rejection.
        let body = axum::body::to_bytes(body, MAX_BODY).await.unwrap_or_default();
        Ok(Self { parts, body })
    }
}

impl RawRequest {
    /// Path and query as on the request line.
    pub fn path_and_query(&self) -> &str {
        self.parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    }

    /// Parses the body as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Refusal> {
        Ok(serde_json::from_slice(&self.body)?)
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, Refusal> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| Refusal::BadSignature(format!("missing {name} header")))
}

/// Authenticates an acquiring request: known client, signature, freshness, unused nonce.
/// Returns the acquirer's client id.
pub async fn authenticate(state: &AppState, req: &RawRequest) -> Result<String, Refusal> {
    let headers = &req.parts.headers;
    let client_id = header(headers, HEADER_CLIENT_ID)?.to_owned();
    let time: i64 = header(headers, HEADER_REQUEST_TIME)?
        .parse()
        .map_err(|_| Refusal::BadSignature("request-time is not Unix seconds".into()))?;
    let nonce = header(headers, HEADER_NONCE)?.to_owned();
    if !(16..=64).contains(&nonce.len()) || !nonce.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Refusal::BadSignature("nonce must be 16 to 64 base64url characters".into()));
    }
    let signature = header(headers, HEADER_SIGNATURE)?;
    let key = state.acquirers.get(&client_id).ok_or(Refusal::UnknownAcquirer)?;
    key.verify(req.parts.method.as_str(), req.path_and_query(), time, &nonce, &req.body, signature)?;
    let now = state.clock.now();
    if (time - now).abs() > MAX_CLOCK_SKEW_SECS {
        return Err(Refusal::StaleSignature(format!("signed at {time}, the network's clock says {now}")));
    }
    let id = client_id.clone();
    state
        .with_db(move |conn| {
            let inserted = conn.execute(
                "INSERT OR IGNORE INTO nonces (client_id, nonce, seen_at) VALUES (?1, ?2, ?3)",
                params![id, nonce, now],
            )?;
            if inserted == 0 {
                return Err(Refusal::ReplayedNonce);
            }
            Ok(())
        })
        .await?;
    Ok(client_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_cover_every_signed_part() {
        let key = AcquirerKey::new("koban", &[7u8; 32]).unwrap();
        let sig = key.sign("POST", "/aps/api/v1/payments/pay", 100, "nonce-nonce-nonce-1", b"{}");
        key.verify("POST", "/aps/api/v1/payments/pay", 100, "nonce-nonce-nonce-1", b"{}", &sig).unwrap();
        for (m, p, t, n, b) in [
            ("GET", "/aps/api/v1/payments/pay", 100, "nonce-nonce-nonce-1", &b"{}"[..]),
            ("POST", "/aps/api/v1/payments/refund", 100, "nonce-nonce-nonce-1", b"{}"),
            ("POST", "/aps/api/v1/payments/pay", 101, "nonce-nonce-nonce-1", b"{}"),
            ("POST", "/aps/api/v1/payments/pay", 100, "nonce-nonce-nonce-2", b"{}"),
            ("POST", "/aps/api/v1/payments/pay", 100, "nonce-nonce-nonce-1", b"{ }"),
        ] {
            assert!(key.verify(m, p, t, n, b, &sig).is_err(), "{m} {p} {t} {n}");
        }
        let other = AcquirerKey::new("koban", &[8u8; 32]).unwrap();
        assert!(other.verify("POST", "/aps/api/v1/payments/pay", 100, "nonce-nonce-nonce-1", b"{}", &sig).is_err());
        assert!(AcquirerKey::new("koban", &[1u8; 31]).is_err());
        let parsed = AcquirerKey::parse(&format!("koban={}", key.secret_hex().as_str())).unwrap();
        assert_eq!(parsed.sign("POST", "/x", 1, "n", b""), key.sign("POST", "/x", 1, "n", b""));
        assert!(!format!("{key:?}").contains("0707"));
    }
}
