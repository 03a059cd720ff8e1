//! The wallet host's API: signed requests over a pluggable HTTP transport, and errors that
//! tell a refusal from an unknown outcome.

pub mod api;
mod kinds;
mod transport;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::crypto::request::{HEADER_HOST_TIME, HEADER_IDEMPOTENCY_KEY};
use crate::crypto::{CryptoError, DeviceKey};

pub use kinds::ErrorKind;
pub use transport::{BoxFuture, HttpRequest, HttpResponse, HttpTransport, ReqwestTransport, TransportError};

/// Why a call to the host failed.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// The host answered with a final refusal; nothing was applied (or the refusal was stored
    /// under the idempotency key and will be answered again).
    #[error("refused by the host ({kind}): {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The host's stable error kind, e.g. `insufficient_funds`.
        kind: String,
        /// The host's message.
        message: String,
    },
    /// The request may or may not have been applied: timeout, dropped connection, 5xx.
    #[error("outcome unknown: {0}")]
    Unknown(String),
    /// The request could not even be signed.
    #[error("signing: {0}")]
    Crypto(#[from] CryptoError),
    /// The host answered 2xx with a body this client cannot read.
    #[error("unreadable response: {0}")]
    Protocol(String),
}

impl NetError {
    /// The host's error kind if it refused.
    pub fn refusal_kind(&self) -> Option<&str> {
        match self {
            NetError::Refused { kind, .. } => Some(kind),
            _ => None,
        }
    }

    /// A refusal that a fresh signature fixes: the signing time was outside the host's window
    /// (`stale_signature`), or this exact signed request already reached the host
    /// (`replayed_nonce`, e.g. a proxy repeated it). Both are given before the host reads the
    /// idempotency key, so resending the same bytes under the same key, re-signed, is safe.
    pub fn fixed_by_resigning(&self) -> bool {
        matches!(
            self.refusal_kind().and_then(ErrorKind::parse),
            Some(ErrorKind::StaleSignature | ErrorKind::ReplayedNonce)
        )
    }
}

/// Resends of one request, freshly signed, after refusals that re-signing fixes
/// ([`NetError::fixed_by_resigning`]); past it the refusal stands.
pub const RESIGN_LIMIT: u32 = 3;

/// A client of one host, signing as one device.
#[derive(Clone)]
pub struct Client {
    base_url: String,
    transport: Arc<dyn HttpTransport>,
    // Host clock minus this device's clock, in seconds, from the host's last answer
    // (HEADER_HOST_TIME). Phone clocks are set by hand, hours off after a trip or a dead
    // battery; the host refuses signatures more than MAX_CLOCK_SKEW_SECS (5 min) from its own
    // clock, so a wallet signing with the phone's time would be locked out of its money.
    // Shared by clones, so every part of the app signs with the same correction.
    clock_offset: Arc<AtomicI64>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl Client {
    /// A client of the host at `base_url` (e.g. `http://127.0.0.1:8080`) over `transport`.
    pub fn new(base_url: &str, transport: Arc<dyn HttpTransport>) -> Client {
        Client {
            base_url: base_url.trim_end_matches('/').to_owned(),
            transport,
            clock_offset: Arc::new(AtomicI64::new(0)),
        }
    }

    /// How far the host's clock is ahead of this device's, in seconds, as its last answer
    /// told (0 until it has answered).
    pub fn clock_offset_secs(&self) -> i64 {
        self.clock_offset.load(Ordering::Relaxed)
    }

    /// Starts from an offset learned earlier (kept by the wallet), so codes made offline after
    /// a restart carry the host's time too; the next answer corrects it.
    pub fn set_clock_offset_secs(&self, offset: i64) {
        self.clock_offset.store(offset, Ordering::Relaxed);
    }

    /// Learns the host's clock from an answer's [`HEADER_HOST_TIME`] (absent or unreadable:
    /// the offset stays as it was).
    fn learn_host_time(&self, resp: &HttpResponse) {
        if let Some(host) = resp.header(HEADER_HOST_TIME).and_then(|v| v.trim().parse::<i64>().ok()) {
            self.clock_offset.store(host.saturating_sub(now_secs()), Ordering::Relaxed);
        }
    }

    /// The host's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends one signed request and classifies the answer. Signed with the host's time as
    /// last learned; if the host refuses the signature as stale and its answer corrected that
    /// time, the request is re-signed and sent once more (nothing was applied: the host checks
    /// the signature before anything else).
    pub async fn send(
        &self,
        key: &DeviceKey,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
        idempotency_key: Option<&str>,
    ) -> Result<Value, NetError> {
        let offset = self.clock_offset_secs();
        match self.send_once(key, method, path, body, idempotency_key).await {
            Err(e)
                if e.refusal_kind() == Some(ErrorKind::StaleSignature.as_str())
                    && self.clock_offset_secs() != offset =>
            {
                self.send_once(key, method, path, body, idempotency_key).await
            }
            other => other,
        }
    }

    async fn send_once(
        &self,
        key: &DeviceKey,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
        idempotency_key: Option<&str>,
    ) -> Result<Value, NetError> {
        let bytes = body.unwrap_or_default();
        let host_now = now_secs().saturating_add(self.clock_offset_secs()).max(0) as u64;
        let signed = key.sign_request(method, path, bytes, host_now)?;
        let mut headers: Vec<(String, String)> = signed.pairs().into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        if let Some(k) = idempotency_key {
            headers.push((HEADER_IDEMPOTENCY_KEY.to_owned(), k.to_owned()));
        }
        if body.is_some() {
            headers.push(("content-type".into(), "application/json".into()));
        }
        let req = HttpRequest {
            method: method.to_owned(),
            url: format!("{}{path}", self.base_url),
            headers,
            body: bytes.to_vec(),
        };
        let resp = self.transport.send(req).await.map_err(|e| NetError::Unknown(e.to_string()))?;
        self.learn_host_time(&resp);
        classify(resp)
    }

    /// A signed GET.
    pub async fn get(&self, key: &DeviceKey, path: &str) -> Result<Value, NetError> {
        self.send(key, "GET", path, None, None).await
    }

    /// A signed POST of JSON bytes under an idempotency key.
    pub async fn post(
        &self,
        key: &DeviceKey,
        path: &str,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<Value, NetError> {
        self.send(key, "POST", path, Some(body), Some(idempotency_key)).await
    }

    /// The stored outcome of a mutation: `Ok(None)` if the host never applied it, otherwise
    /// the original answer (a success body, or the refusal as [`NetError::Refused`]).
    pub async fn request_outcome(
        &self,
        key: &DeviceKey,
        idempotency_key: &str,
    ) -> Result<Option<Result<Value, NetError>>, NetError> {
        match self.get(key, &format!("/v1/requests/{idempotency_key}")).await {
            Ok(v) => {
                let status =
                    v["status"].as_u64().ok_or_else(|| NetError::Protocol("request outcome without status".into()))?
                        as u16;
                let body = v["body"].clone();
                Ok(Some(if (200..300).contains(&status) { Ok(body) } else { Err(refusal(status, &body)) }))
            }
            Err(NetError::Refused { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

fn refusal(status: u16, body: &Value) -> NetError {
    NetError::Refused {
        status,
        kind: body["error"]["kind"].as_str().unwrap_or("unknown").to_owned(),
        message: body["error"]["message"].as_str().unwrap_or("").to_owned(),
    }
}

/// 2xx: the body; 5xx (and 408, 429): unknown; other 4xx: a refusal with its kind.
fn classify(resp: HttpResponse) -> Result<Value, NetError> {
    let body: Option<Value> = serde_json::from_slice(&resp.body).ok();
    match resp.status {
        200..=299 => body.ok_or_else(|| NetError::Protocol(format!("status {} with a non-JSON body", resp.status))),
        408 | 429 | 500..=599 => Err(NetError::Unknown(format!("host answered {}", resp.status))),
        400..=499 => Ok(body.unwrap_or(Value::Null)).and_then(|b| Err(refusal(resp.status, &b))),
        other => Err(NetError::Protocol(format!("unexpected status {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse { status, headers: vec![], body: body.as_bytes().to_vec() }
    }

    #[test]
    fn answers_are_classified() {
        assert_eq!(classify(resp(201, r#"{"id":"tx"}"#)).unwrap()["id"], "tx");
        let refused =
            classify(resp(402, r#"{"error":{"kind":"insufficient_funds","message":"insufficient funds in wallet"}}"#))
                .unwrap_err();
        assert_eq!(refused.refusal_kind(), Some("insufficient_funds"));
        assert!(matches!(classify(resp(500, r#"{"error":{"kind":"injected_fault"}}"#)), Err(NetError::Unknown(_))));
        assert!(matches!(classify(resp(503, "")), Err(NetError::Unknown(_))));
        assert!(matches!(classify(resp(200, "not json")), Err(NetError::Protocol(_))));
    }

    #[test]
    fn only_signature_refusals_are_fixed_by_resigning() {
        let refused = |kind: &str| classify(resp(401, &format!(r#"{{"error":{{"kind":"{kind}"}}}}"#))).unwrap_err();
        assert!(refused("stale_signature").fixed_by_resigning());
        assert!(refused("replayed_nonce").fixed_by_resigning());
        assert!(!refused("bad_signature").fixed_by_resigning());
        assert!(!refused("insufficient_funds").fixed_by_resigning());
        assert!(!NetError::Unknown("timed out".into()).fixed_by_resigning());
    }

    #[test]
    fn response_headers_are_found_in_any_case() {
        let r = HttpResponse {
            status: 200,
            headers: vec![("X-Koban-Host-Time".into(), "1700000000".into())],
            body: vec![],
        };
        assert_eq!(r.header(HEADER_HOST_TIME), Some("1700000000"));
        assert_eq!(r.header("x-other"), None);
    }
}
