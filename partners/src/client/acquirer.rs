//! The acquirer's client: signed requests, the network's clock, network-neutral calls.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{CancelResult, ClientError, PayRequest, PaymentResult, RefundRequest, RefundResult};
use crate::auth::{self, AcquirerKey};
use crate::network::Network;

/// Default time to wait for an answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Calls the networks' acquiring APIs as one acquirer. Cheap to clone.
#[derive(Clone)]
pub struct AcquirerClient {
    http: reqwest::Client,
    base: String,
    key: AcquirerKey,
    // The network's clock minus ours, learned from every answer's `response-time`.
    offset: Arc<AtomicI64>,
}

impl std::fmt::Debug for AcquirerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AcquirerClient").field("base", &self.base).field("key", &self.key).finish_non_exhaustive()
    }
}

fn http_client(timeout: Duration) -> Result<reqwest::Client, ClientError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .no_proxy()
        .build()
        .map_err(|e| ClientError::Config(format!("http client: {e}")))
}

fn local_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl AcquirerClient {
    /// A client for the simulator at `base_url` (e.g. `http://127.0.0.1:49152`) signing with `key`.
    pub fn new(base_url: &str, key: AcquirerKey) -> Result<Self, ClientError> {
        Ok(Self {
            http: http_client(DEFAULT_TIMEOUT)?,
            base: base_url.trim_end_matches('/').to_owned(),
            key,
            offset: Arc::new(AtomicI64::new(0)),
        })
    }

    /// The same client waiting at most `timeout` for each answer.
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Self, ClientError> {
        self.http = http_client(timeout)?;
        Ok(self)
    }

    /// The acquirer's client id.
    pub fn client_id(&self) -> &str {
        self.key.client_id()
    }

    /// The network's clock as this client last learned it, Unix seconds.
    pub fn network_now(&self) -> i64 {
        local_now() + self.offset.load(Ordering::Relaxed)
    }

    /// Charges a code. `Ok` carries the payment's state: success, failure (nothing taken),
    /// processing (inquire, or cancel) or cancelled. A repeat with the same request id and
    /// request never charges twice.
    pub async fn pay(&self, network: Network, request: &PayRequest) -> Result<PaymentResult, ClientError> {
        match network {
            Network::AlipayPlus => super::alipay_plus::pay(self, request).await,
            Network::WechatPay => super::wechat_pay::pay(self, request).await,
            Network::Unionpay => super::unionpay::pay(self, request).await,
        }
    }

    /// The payment's current state. Each inquiry of a "user paying" payment moves it on.
    pub async fn inquire(&self, network: Network, request_id: &str) -> Result<PaymentResult, ClientError> {
        match network {
            Network::AlipayPlus => super::alipay_plus::inquire(self, request_id).await,
            Network::WechatPay => super::wechat_pay::inquire(self, request_id).await,
            Network::Unionpay => super::unionpay::inquire(self, request_id).await,
        }
    }

    /// Cancels a payment (processing or successful, within the cancel window): anything taken
    /// goes back, once. Cancelling a request id the network never saw claims it, so the
    /// payment, should it arrive late, is never charged.
    pub async fn cancel(&self, network: Network, request_id: &str) -> Result<CancelResult, ClientError> {
        match network {
            Network::AlipayPlus => super::alipay_plus::cancel(self, request_id).await,
            Network::WechatPay => super::wechat_pay::cancel(self, request_id).await,
            Network::Unionpay => super::unionpay::cancel(self, request_id).await,
        }
    }

    /// Refunds part or all of a successful payment, once per refund request id.
    pub async fn refund(&self, network: Network, request: &RefundRequest) -> Result<RefundResult, ClientError> {
        match network {
            Network::AlipayPlus => super::alipay_plus::refund(self, request).await,
            Network::WechatPay => super::wechat_pay::refund(self, request).await,
            Network::Unionpay => super::unionpay::refund(self, request).await,
        }
    }

    /// Signs and posts `body` to `path`; returns the status and the parsed answer.
    pub(super) async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<(StatusCode, R), ClientError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ClientError::Config(format!("body: {e}")))?;
        // A second attempt only when the first was refused for a clock the answer corrected:
        // a refused signature had no effect, so re-signing is safe.
        for attempt in 0..2 {
            let time = self.network_now();
            let nonce = auth::new_nonce().map_err(ClientError::Config)?;
            let signature = self.key.sign("POST", path, time, &nonce, &bytes);
            let resp = self
                .http
                .post(format!("{}{path}", self.base))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(auth::HEADER_CLIENT_ID, self.key.client_id())
                .header(auth::HEADER_REQUEST_TIME, time.to_string())
                .header(auth::HEADER_NONCE, &nonce)
                .header(auth::HEADER_SIGNATURE, signature)
                .body(bytes.clone())
                .send()
                .await
                .map_err(|e| ClientError::Unknown(format!("{path}: {e}")))?;
            let status = resp.status();
            let network_time = resp
                .headers()
                .get(auth::HEADER_RESPONSE_TIME)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<i64>().ok());
            if let Some(t) = network_time {
                self.offset.store(t - local_now(), Ordering::Relaxed);
            }
            let skewed = network_time.is_some_and(|t| (t - time).abs() > auth::MAX_CLOCK_SKEW_SECS);
            if status == StatusCode::UNAUTHORIZED && skewed && attempt == 0 {
                continue;
            }
            let text = resp.bytes().await.map_err(|e| ClientError::Unknown(format!("{path}: reading answer: {e}")))?;
            let parsed = serde_json::from_slice(&text)
                .map_err(|e| ClientError::Unknown(format!("{path}: unreadable answer ({status}): {e}")))?;
            return Ok((status, parsed));
        }
        Err(ClientError::Unknown(format!("{path}: clock could not be agreed with the network")))
    }
}
