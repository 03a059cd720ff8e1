//! Wallets against a real sandbox host on loopback.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use koban_core::crypto::DeviceKey;
use koban_core::money::{Currency, Money};
use koban_core::net::{Client, ReqwestTransport};
use koban_core::store::FileKeyStore;
use koban_core::terminal::Terminal;
use koban_core::wallet::{BankAccount, Enrolment, Identity, Wallet, WalletConfig};
use koban_sandbox::{Config, HostKey, Sandbox};
use serde_json::Value;

pub fn jpy(minor: i64) -> Money {
    Money::from_minor(minor, Currency::from_alpha("JPY").unwrap())
}

pub fn cur(alpha: &str, minor: i64) -> Money {
    Money::from_minor(minor, Currency::from_alpha(alpha).unwrap())
}

/// A running host whose ledger invariants are asserted when the test ends.
pub struct Host {
    pub sandbox: Sandbox,
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

/// The host key the test hosts seal master keys with, so a test can open them.
pub const TEST_HOST_KEY: [u8; 32] = [0x4b; 32];

pub async fn start() -> Host {
    let host_key = std::sync::Arc::new(HostKey::from_bytes(&TEST_HOST_KEY).unwrap());
    let config = Config { admin: true, host_key: Some(host_key), ..Config::default() };
    let sandbox = Sandbox::start(config).await.expect("sandbox starts");
    let url = sandbox.url();
    Host { sandbox, url }
}

/// A terminal of `merchant_id`, enrolled with a token from the admin route.
pub async fn till(host: &Host, merchant_id: &str) -> Terminal {
    let r: Value = reqwest::Client::new()
        .post(format!("{}/admin/merchants/{merchant_id}/enrolment-tokens", host.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let terminal = Terminal::new(&host.url, DeviceKey::generate().unwrap(), None).unwrap();
    terminal.enrol(merchant_id, r["token"].as_str().unwrap()).await.unwrap();
    terminal
}

/// A wallet's home: database and key file.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home { dir: tempfile::tempdir().unwrap() }
    }
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("wallet.sqlite3")
    }
    pub fn keystore(&self) -> FileKeyStore {
        FileKeyStore::open(self.dir.path().join("wallet.key")).unwrap()
    }
    pub async fn open(&self, host: &Host) -> Wallet {
        self.open_with(WalletConfig::new(&host.url)).await
    }
    pub async fn open_with(&self, config: WalletConfig) -> Wallet {
        Wallet::open(self.db(), &self.keystore(), config).await.expect("wallet opens")
    }
}

pub async fn enrol(w: &Wallet, handle: &str, country: &str) {
    w.enrol(&Enrolment { country: country.into(), handle: handle.into(), display_name: handle.into() })
        .await
        .expect("enrols");
}

pub async fn verify(w: &Wallet) {
    w.verify_identity(&Identity {
        legal_name: "Aiko Tanaka".into(),
        date_of_birth: "1994-04-01".into(),
        document_number: "MN1234567".into(),
    })
    .await
    .expect("verifies");
}

/// Links a bank opening with `opening` yen and tops up `amount`; returns the link id.
pub async fn fund(w: &Wallet, opening: i64, amount: i64) -> String {
    let link = w
        .link_bank(&BankAccount {
            bank_id: "bank_sakura".into(),
            account_number: "1234567".into(),
            holder_name: "TANAKA AIKO".into(),
            sandbox_opening_balance: Some(jpy(opening)),
        })
        .await
        .expect("links a bank");
    if amount > 0 {
        w.top_up(&link.id, jpy(amount)).await.expect("tops up");
    }
    link.id
}

pub async fn merchant_payload(host: &Host, merchant_id: &str) -> String {
    let r: Value = reqwest::get(format!("{}/v1/merchants", host.url)).await.unwrap().json().await.unwrap();
    r["merchants"].as_array().unwrap().iter().find(|m| m["id"] == merchant_id).unwrap()["static_payload"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A dynamic code for `amount` minor units, made by the merchant's terminal.
pub async fn dynamic_code(host: &Host, merchant_id: &str, minor: i64, currency: &str, reference: &str) -> String {
    let request = koban_core::net::api::DynamicCodeRequest {
        amount: cur(currency, minor).into(),
        reference: Some(reference.to_owned()),
        bill_number: None,
        tip: None,
    };
    till(host, merchant_id).await.dynamic_code(merchant_id, &request).await.unwrap().payload
}

/// A raw signed client as the wallet's own device, for checking the host's side.
pub fn host_view(w: &Wallet, host: &Host) -> (Client, DeviceKey) {
    let pkcs8 = w.secret("device_key").unwrap().expect("device key stored");
    let transport = ReqwestTransport::new(std::time::Duration::from_secs(10)).unwrap();
    (Client::new(&host.url, std::sync::Arc::new(transport)), DeviceKey::from_pkcs8(&pkcs8).unwrap())
}

/// Every item of the host's history for this wallet, newest first.
pub async fn host_history(w: &Wallet, host: &Host) -> Vec<Value> {
    let (client, key) = host_view(w, host);
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/history?limit=100&cursor={c}"),
            None => "/v1/history?limit=100".to_owned(),
        };
        let page = client.get(&key, &path).await.expect("host history");
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    items
}

/// Every local history item, newest first.
pub fn local_history(w: &Wallet) -> Vec<koban_core::store::TransactionRecord> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = w.history(100, cursor.as_deref()).unwrap();
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    out
}

pub fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}
