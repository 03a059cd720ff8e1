//! The tourists' phones, the merchants' apps and the operator, over HTTP.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::ClientError;
use crate::error::RefusalKind;
use crate::faults::FaultConfig;
use crate::ledger::InvariantReport;
use crate::network::CodeForm;
use crate::wire::sim::{
    AdvanceClock, ClockNow, CreateUserRequest, History, IssueCodeRequest, IssuedCode, MerchantView, SimError, User,
};

/// Calls the simulator's `/wallet/v1` and `/admin` endpoints.
#[derive(Debug, Clone)]
pub struct SimulatorClient {
    http: reqwest::Client,
    base: String,
}

impl SimulatorClient {
    /// A client for the simulator at `base_url`.
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .no_proxy()
            .build()
            .map_err(|e| ClientError::Config(format!("http client: {e}")))?;
        Ok(Self { http, base: base_url.trim_end_matches('/').to_owned() })
    }

    async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, ClientError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| ClientError::Unknown(format!("{path}: {e}")))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| ClientError::Unknown(format!("{path}: {e}")))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| ClientError::Unknown(format!("{path}: {e}")));
        }
        let message = serde_json::from_slice::<SimError>(&bytes)
            .map(|e| format!("{}: {}", e.error.kind, e.error.message))
            .unwrap_or_else(|_| String::from_utf8_lossy(&bytes).into_owned());
        let kind = match status.as_u16() {
            400 => RefusalKind::BadRequest,
            404 => RefusalKind::NotFound,
            _ => RefusalKind::Other,
        };
        Err(ClientError::Refused { kind, code: status.as_u16().to_string(), message })
    }

    /// Every user.
    pub async fn users(&self) -> Result<Vec<User>, ClientError> {
        self.call::<(), _>(reqwest::Method::GET, "/wallet/v1/users", None).await
    }

    /// One user and their balance.
    pub async fn user(&self, id: &str) -> Result<User, ClientError> {
        self.call::<(), _>(reqwest::Method::GET, &format!("/wallet/v1/users/{id}"), None).await
    }

    /// A user's history, newest first.
    pub async fn history(&self, id: &str) -> Result<History, ClientError> {
        self.call::<(), _>(reqwest::Method::GET, &format!("/wallet/v1/users/{id}/history"), None).await
    }

    /// The user's phone shows a fresh code (`None`: the wallet's usual form).
    pub async fn issue_code(&self, user_id: &str, form: Option<CodeForm>) -> Result<IssuedCode, ClientError> {
        let body = IssueCodeRequest { form };
        self.call(reqwest::Method::POST, &format!("/wallet/v1/users/{user_id}/codes"), Some(&body)).await
    }

    /// Every merchant and its takings (the merchants' apps).
    pub async fn merchants(&self) -> Result<Vec<MerchantView>, ClientError> {
        self.call::<(), _>(reqwest::Method::GET, "/merchant/v1/merchants", None).await
    }

    /// One merchant, its takings and the payments to it, newest first.
    pub async fn merchant(&self, key: &str) -> Result<MerchantView, ClientError> {
        self.call::<(), _>(reqwest::Method::GET, &format!("/merchant/v1/merchants/{key}"), None).await
    }

    /// Makes a user (admin).
    pub async fn create_user(&self, id: &str, wallet: &str, name: &str, balance: i64) -> Result<User, ClientError> {
        let body = CreateUserRequest { id: id.into(), wallet: wallet.into(), name: name.into(), balance };
        self.call(reqwest::Method::POST, "/admin/users", Some(&body)).await
    }

    /// Replaces the fault configuration (admin).
    pub async fn set_faults(&self, faults: &FaultConfig) -> Result<FaultConfig, ClientError> {
        self.call(reqwest::Method::PUT, "/admin/faults", Some(faults)).await
    }

    /// Moves the network's clock forward (admin).
    pub async fn advance_clock(&self, secs: i64) -> Result<i64, ClientError> {
        let now: ClockNow =
            self.call(reqwest::Method::POST, "/admin/clock", Some(&AdvanceClock { advance_secs: secs })).await?;
        Ok(now.now)
    }

    /// Runs the ledger invariant check (admin): the report, or the violations.
    pub async fn invariants(&self) -> Result<Result<InvariantReport, Vec<String>>, ClientError> {
        let path = "/admin/invariants";
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .map_err(|e| ClientError::Unknown(format!("{path}: {e}")))?;
        let body: serde_json::Value = resp.json().await.map_err(|e| ClientError::Unknown(format!("{path}: {e}")))?;
        if body["ok"] == serde_json::Value::Bool(true) {
            return serde_json::from_value(body["report"].clone())
                .map(Ok)
                .map_err(|e| ClientError::Unknown(format!("{path}: {e}")));
        }
        match serde_json::from_value::<Vec<String>>(body["violations"].clone()) {
            Ok(v) => Ok(Err(v)),
            Err(_) => {
                Err(ClientError::Refused { kind: RefusalKind::Other, code: "403".into(), message: body.to_string() })
            }
        }
    }
}
