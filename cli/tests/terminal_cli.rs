//! `koban terminal charge` against a real sandbox host on loopback, with codes made by the core.

use base64::Engine as _;
use koban_core::cpm::TokenCode;
use koban_core::crypto::{DeviceKey, LimitedUseKey};
use serde_json::{json, Value};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

struct Client {
    http: reqwest::Client,
    url: String,
    key: DeviceKey,
    n: std::cell::Cell<u32>,
}

impl Client {
    async fn post(&self, path: &str, body: Value) -> Value {
        let bytes = serde_json::to_vec(&body).unwrap();
        let signed = self.key.sign_request("POST", path, &bytes, now()).unwrap();
        self.n.set(self.n.get() + 1);
        let mut req = self
            .http
            .post(format!("{}{path}", self.url))
            .header("idempotency-key", format!("t-{}-{}", std::process::id(), self.n.get()));
        for (name, value) in signed.pairs() {
            req = req.header(name, value);
        }
        let resp = req.header("content-type", "application/json").body(bytes).send().await.unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap()
    }
}

fn terminal(url: &str, amount: &str, code: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_koban"))
        .args([
            "terminal",
            "charge",
            "--host",
            url,
            "--merchant-key",
            "sandbox-terminal-m_jp_mart",
            "--amount",
            amount,
            "--currency",
            "JPY",
            code,
        ])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_till_charges_a_code_once_and_refuses_the_rest() {
    let sandbox = koban_sandbox::Sandbox::start(koban_sandbox::Config::default()).await.unwrap();
    let url = sandbox.url();
    let client = Client {
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
        url: url.clone(),
        key: DeviceKey::generate().unwrap(),
        n: 0.into(),
    };
    let enrolled = client.post("/v1/devices", json!({ "public_key": client.key.public_key_b64(), "country": "JP", "handle": "aiko", "display_name": "Aiko" })).await;
    let wallet = enrolled["wallet"]["id"].as_str().unwrap().to_owned();
    let link = client.post("/v1/bank-links", json!({ "bank_id": "bank_sakura", "account_number": "1234567", "holder_name": "TANAKA AIKO", "sandbox_opening_balance": 100000 })).await;
    client
        .post("/v1/topups", json!({ "bank_link_id": link["id"], "amount": { "minor": 10000, "currency": "JPY" } }))
        .await;
    let batch = client.post("/v1/cpm/keys", json!({ "count": 3 })).await;
    let token = batch["token"].as_str().unwrap().to_owned();
    let keys: Vec<(u16, LimitedUseKey)> = batch["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["counter"].as_u64().unwrap() as u16,
                LimitedUseKey::from_slice(
                    &base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(k["key"].as_str().unwrap()).unwrap(),
                )
                .unwrap(),
            )
        })
        .collect();

    let url2 = url.clone();
    let run = move |amount: &'static str, code: String| {
        let url = url2.clone();
        tokio::task::spawn_blocking(move || terminal(&url, amount, &code))
    };
    // A fresh QR code charges once.
    let first = TokenCode::generate(&keys[0].1, &token, keys[0].0, now(), [1, 2, 3, 4]).unwrap();
    let (code, out) = run("1200", first.to_qr_text()).await.unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("captured ¥1,200"), "{out}");
    // The same code again is refused.
    let (code, out) = run("1200", first.to_qr_text()).await.unwrap();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("code_used"), "{out}");
    // A flipped bit in the cryptogram is refused.
    let mut forged = TokenCode::generate(&keys[1].1, &token, keys[1].0, now(), [5, 6, 7, 8]).unwrap();
    forged.cryptogram[3] ^= 0x10;
    let (code, out) = run("1200", forged.to_qr_text()).await.unwrap();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("bad_cryptogram"), "{out}");
    // The numeric form of a fresh code charges once.
    let numeric = TokenCode::generate(&keys[2].1, &token, keys[2].0, now(), [0; 4]).unwrap().to_numeric().unwrap();
    let (code, out) = run("800", numeric).await.unwrap();
    assert_eq!(code, 0, "{out}");
    // A foreign shopper code is named, not sent to the Koban host.
    let (code, out) = run("100", "28763443825664394".into()).await.unwrap();
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("Alipay"), "{out}");

    let client_wallet: Value = {
        let signed = client.key.sign_request("GET", &format!("/v1/wallets/{wallet}"), b"", now()).unwrap();
        let mut req = client.http.get(format!("{url}/v1/wallets/{wallet}"));
        for (name, value) in signed.pairs() {
            req = req.header(name, value);
        }
        req.send().await.unwrap().json().await.unwrap()
    };
    assert_eq!(client_wallet["balance"]["minor"], 10000 - 1200 - 800, "exactly two charges moved money");
    assert!(sandbox.check_invariants().is_ok());
}
