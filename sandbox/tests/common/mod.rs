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
    Host { sandbox, http: reqwest::Client::builder().no_proxy().build().unwrap(), url }
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

    pub async fn get(&self, dev: &Device, path: &str) -> Resp {
        self.send_at(&dev.key, Method::GET, path, None, None, now()).await
    }

    pub async fn post(&self, dev: &Device, path: &str, body: Value) -> Resp {
        self.post_key(dev, path, body, &key()).await
    }

    pub async fn post_key(&self, dev: &Device, path: &str, body: Value, idem: &str) -> Resp {
        self.send_at(&dev.key, Method::POST, path, Some(&body), Some(idem), now()).await
    }

    pub async fn merchant_post(&self, merchant_id: &str, path: &str, body: Value, idem: &str) -> Resp {
        let resp = self
            .http
            .post(format!("{}{path}", self.url))
            .header("x-koban-merchant-key", format!("sandbox-terminal-{merchant_id}"))
            .header("idempotency-key", idem)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let replayed = resp.headers().get("idempotent-replayed").is_some();
        Resp { status, body: resp.json().await.unwrap_or(Value::Null), replayed }
    }

    pub async fn enrol(&self, handle: &str, country: &str) -> Device {
        let key = DeviceKey::generate().unwrap();
        let body =
            json!({ "public_key": key.public_key_b64(), "country": country, "handle": handle, "display_name": handle });
        let r =
            self.send_at(&key, Method::POST, "/v1/devices", Some(&body), Some(&crate::common::key()), now()).await.ok();
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
