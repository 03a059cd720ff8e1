//! Test client for the sandbox: starts a real host on loopback and talks real HTTP.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use koban_core::crypto::DeviceKey;
use koban_sandbox::{Config, Sandbox};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

static KEYS: AtomicU64 = AtomicU64::new(0);

/// A fresh idempotency key.
pub fn key() -> String {
    format!("k-{}-{}", std::process::id(), KEYS.fetch_add(1, Ordering::Relaxed))
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// A running host whose ledger invariants are asserted when the test ends.
pub struct Host {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    pub url: String,
    /// One enrolled terminal per merchant, made on first use.
    pub terminals: tokio::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<Till>>>,
}

/// An enrolled merchant terminal: its key signs like a device's.
pub struct Till {
    pub key: DeviceKey,
    pub merchant_id: String,
}

impl Drop for Host {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let report = self.sandbox.check_invariants();
            assert!(report.is_ok(), "ledger invariants violated: {report:?}");
        }
    }
}

pub struct Device {
    pub key: DeviceKey,
    pub wallet_id: String,
    pub handle: String,
}

/// A response: status, body, whether it replayed a stored outcome.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub body: Value,
    pub replayed: bool,
}

impl Resp {
    pub fn kind(&self) -> &str {
        self.body["error"]["kind"].as_str().unwrap_or("")
    }
    pub fn ok(self) -> Value {
        assert!(self.status.is_success(), "expected success, got {} {}", self.status, self.body);
        self.body
    }
    pub fn refused(&self, status: u16, kind: &str) {
        assert_eq!((self.status.as_u16(), self.kind()), (status, kind), "body: {}", self.body);
    }
}

pub async fn start() -> Host {
    start_with(Config { admin: true, ..Config::default() }).await
}

pub async fn start_with(config: Config) -> Host {
    let sandbox = Sandbox::start(config).await.expect("sandbox starts");
    let url = sandbox.url();
    assert!(url.starts_with("http://127.0.0.1:"));
    Host { sandbox, http: reqwest::Client::builder().no_proxy().build().unwrap(), url, terminals: Default::default() }
}

pub fn amt(minor: i64, currency: &str) -> Value {
    json!({ "minor": minor, "currency": currency })
}

impl Host {
    /// Sends a request signed by `key` at `timestamp`.
    pub async fn send_at(
        &self,
        key: &DeviceKey,
        method: Method,
        path: &str,
        body: Option<&Value>,
        idem: Option<&str>,
        timestamp: u64,
    ) -> Resp {
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
        let signed = key.sign_request(method.as_str(), path, &bytes, timestamp).unwrap();
        let mut req = self.http.request(method, format!("{}{path}", self.url));
        for (name, value) in signed.pairs() {
            req = req.header(name, value);
        }
        if let Some(k) = idem {
            req = req.header("idempotency-key", k);
        }
        if body.is_some() {
            req = req.header("content-type", "application/json").body(bytes);
        }
        let resp = req.send().await.expect("request reaches the host");
        let status = resp.status();
        let replayed = resp.headers().get("idempotent-replayed").is_some();
        let body = resp.json().await.unwrap_or(Value::Null);
        Resp { status, body, replayed }
    }

    /// The host's clock (tests may have advanced it), for signing.
    pub fn now(&self) -> u64 {
        self.sandbox.now() as u64
    }

    pub async fn get(&self, dev: &Device, path: &str) -> Resp {
        self.send_at(&dev.key, Method::GET, path, None, None, self.now()).await
    }

    pub async fn post(&self, dev: &Device, path: &str, body: Value) -> Resp {
        self.post_key(dev, path, body, &key()).await
    }

    pub async fn post_key(&self, dev: &Device, path: &str, body: Value, idem: &str) -> Resp {
        self.send_at(&dev.key, Method::POST, path, Some(&body), Some(idem), self.now()).await
    }

    /// A one-time terminal enrolment token from the admin route.
    pub async fn enrolment_token(&self, merchant_id: &str) -> String {
        let r = self
            .http
            .post(format!("{}/admin/merchants/{merchant_id}/enrolment-tokens", self.url))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "enrolment token: {}", r.status());
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    }

    /// Enrols a fresh terminal key for `merchant_id`.
    pub async fn enrol_terminal(&self, merchant_id: &str) -> Till {
        let key = DeviceKey::generate().unwrap();
        let token = self.enrolment_token(merchant_id).await;
        let body = json!({ "merchant_id": merchant_id, "public_key": key.public_key_b64(), "enrolment_token": token });
        self.send_at(&key, Method::POST, "/v1/terminals", Some(&body), Some(&crate::common::key()), self.now())
            .await
            .ok();
        Till { key, merchant_id: merchant_id.to_owned() }
    }

    /// The merchant's terminal, enrolled on first use.
    pub async fn till(&self, merchant_id: &str) -> std::sync::Arc<Till> {
        let mut terminals = self.terminals.lock().await;
        if let Some(t) = terminals.get(merchant_id) {
            return t.clone();
        }
        let t = std::sync::Arc::new(self.enrol_terminal(merchant_id).await);
        terminals.insert(merchant_id.to_owned(), t.clone());
        t
    }

    /// A POST signed by the merchant's enrolled terminal.
    pub async fn merchant_post(&self, merchant_id: &str, path: &str, body: Value, idem: &str) -> Resp {
        let till = self.till(merchant_id).await;
        self.send_at(&till.key, Method::POST, path, Some(&body), Some(idem), self.now()).await
    }

    /// A GET signed by the merchant's enrolled terminal.
    pub async fn merchant_get(&self, merchant_id: &str, path: &str) -> Resp {
        let till = self.till(merchant_id).await;
        self.send_at(&till.key, Method::GET, path, None, None, self.now()).await
    }

    pub async fn enrol(&self, handle: &str, country: &str) -> Device {
        let key = DeviceKey::generate().unwrap();
        let body =
            json!({ "public_key": key.public_key_b64(), "country": country, "handle": handle, "display_name": handle });
        let r = self
            .send_at(&key, Method::POST, "/v1/devices", Some(&body), Some(&crate::common::key()), self.now())
            .await
            .ok();
        Device { key, wallet_id: r["wallet"]["id"].as_str().unwrap().to_owned(), handle: handle.to_owned() }
    }

    pub async fn balance(&self, dev: &Device) -> i64 {
        self.get(dev, &format!("/v1/wallets/{}", dev.wallet_id)).await.ok()["balance"]["minor"].as_i64().unwrap()
    }

    pub async fn verify(&self, dev: &Device) {
        self.post(
            dev,
            &format!("/v1/wallets/{}/kyc", dev.wallet_id),
            json!({ "legal_name": "Aiko Tanaka", "date_of_birth": "1994-04-01", "document_number": "MN1234567" }),
        )
        .await
        .ok();
    }

    /// Links a bank with `opening` yen and tops up `amount` yen; returns the bank link id.
    pub async fn fund(&self, dev: &Device, opening: i64, amount: i64) -> String {
        let link = self
            .post(dev, "/v1/bank-links", json!({ "bank_id": "bank_sakura", "account_number": "1234567", "holder_name": "TANAKA AIKO", "sandbox_opening_balance": opening }))
            .await
            .ok();
        let id = link["id"].as_str().unwrap().to_owned();
        if amount > 0 {
            self.post(dev, "/v1/topups", json!({ "bank_link_id": id, "amount": amt(amount, "JPY") })).await.ok();
        }
        id
    }

    pub async fn merchant_payload(&self, merchant_id: &str) -> String {
        let r: Value = self.http.get(format!("{}/v1/merchants", self.url)).send().await.unwrap().json().await.unwrap();
        r["merchants"].as_array().unwrap().iter().find(|m| m["id"] == merchant_id).unwrap()["static_payload"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Balance of any ledger account, read straight from the database.
    pub fn account_balance(&self, account: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.sandbox.db_path()).unwrap();
        conn.query_row("SELECT balance FROM accounts WHERE id = ?1", [account], |r| r.get(0)).unwrap()
    }
}
