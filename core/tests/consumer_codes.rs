//! Consumer-presented codes end to end: wallet on the device, the real sandbox host on
//! loopback, and a till that decodes what the phone shows.

mod common;

use common::*;
use koban_core::cpm::TokenCode;
use koban_core::crypto::{derive_limited_use_key, hex, IssuerMasterKey};
use koban_core::wallet::{Wallet, WalletConfig, WalletError};
use serde_json::{json, Value};
use std::time::Duration;

/// What a till does: decode the code it scanned and ask the host to charge it.
async fn till(host: &Host, scanned: &str, yen: i64) -> (u16, String) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let code = if scanned.starts_with("hQVDUFY") {
        TokenCode::from_qr_text(scanned)
    } else {
        TokenCode::from_numeric(scanned, now)
    }
    .unwrap();
    charge(host, &code, yen).await
}

async fn charge(host: &Host, code: &TokenCode, yen: i64) -> (u16, String) {
    let body = json!({
        "amount": { "minor": yen, "currency": "JPY" },
        "token": code.token, "counter": code.counter, "timestamp": code.timestamp,
        "unpredictable_number": hex::encode(&code.unpredictable_number), "cryptogram": hex::encode(&code.cryptogram),
    });
    let r = reqwest::Client::new()
        .post(format!("{}/v1/terminal/charges", host.url))
        .header("x-koban-merchant-key", "sandbox-terminal-m_jp_mart")
        .header("idempotency-key", koban_core::crypto::new_nonce().unwrap())
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    (status, v["error"]["kind"].as_str().unwrap_or("").to_owned())
}

async fn funded_wallet(host: &Host, home: &Home, handle: &str) -> Wallet {
    let w = home.open(host).await;
    enrol(&w, handle, "JP").await;
    fund(&w, 100_000, 10_000).await;
    w
}

#[tokio::test]
async fn a_code_charges_once_and_every_other_presentation_is_refused() {
    let host = start().await;
    let home = Home::new();
    let w = funded_wallet(&host, &home, "aiko").await;
    assert_eq!(w.codes_left().unwrap(), 0);
    let left = w.replenish_codes().await.unwrap();
    assert!(left >= 5, "{left}");

    let first = w.consumer_code().unwrap();
    assert_eq!(first.codes_left, left - 1);
    assert!(first.refresh_at < first.expires_at);
    assert_eq!(till(&host, &first.qr_text, 1200).await, (201, String::new()));
    // The same code again.
    assert_eq!(till(&host, &first.qr_text, 1200).await.1, "code_used");
    // Its counter replayed with a fresh time: the counter is spent.
    let mut replay = TokenCode::from_qr_text(&first.qr_text).unwrap();
    replay.timestamp += 5;
    assert_eq!(charge(&host, &replay, 1200).await.1, "code_used");
    // A flipped bit in the cryptogram.
    let second = w.consumer_code().unwrap();
    let mut forged = TokenCode::from_qr_text(&second.qr_text).unwrap();
    forged.cryptogram[0] ^= 0x01;
    assert_eq!(charge(&host, &forged, 1200).await.1, "bad_cryptogram");
    // A code from another device presented under this wallet's token.
    let ben_home = Home::new();
    let ben = funded_wallet(&host, &ben_home, "ben").await;
    ben.replenish_codes().await.unwrap();
    let mut foreign = TokenCode::from_qr_text(&ben.consumer_code().unwrap().qr_text).unwrap();
    foreign.token = TokenCode::from_qr_text(&second.qr_text).unwrap().token;
    foreign.counter = TokenCode::from_qr_text(&second.qr_text).unwrap().counter + 1;
    assert_eq!(charge(&host, &foreign, 1200).await.1, "bad_cryptogram");
    // The numeric form charges once too.
    let numeric = w.consumer_code_numeric().unwrap();
    let digits = numeric.numeric.clone().unwrap();
    assert_eq!(digits.len(), 36);
    assert_eq!(till(&host, &digits, 300).await, (201, String::new()));
    assert_eq!(till(&host, &digits, 300).await.1, "code_used");
    // An expired code.
    let late = w.consumer_code().unwrap();
    host.sandbox.advance_clock(61);
    assert_eq!(till(&host, &late.qr_text, 1200).await.1, "code_expired");
    // Exactly two charges moved money.
    assert_eq!(w.balance().await.unwrap().available, jpy(10_000 - 1200 - 300));
}

#[tokio::test]
async fn codes_made_offline_charge_once_the_till_is_online() {
    let host = start().await;
    let home = Home::new();
    let provisioned = {
        let w = funded_wallet(&host, &home, "aiko").await;
        w.replenish_codes().await.unwrap()
    };
    // The phone loses its connection: the host it knows is unreachable.
    let offline = WalletConfig {
        timeout: Duration::from_millis(300),
        max_attempts: 1,
        ..WalletConfig::new("http://127.0.0.1:9")
    };
    let w = home.open_with(offline).await;
    let mut shown = Vec::new();
    for _ in 0..provisioned {
        shown.push(w.consumer_code().unwrap().qr_text);
    }
    assert!(matches!(w.consumer_code(), Err(WalletError::NoCodesLeft)));
    assert!(w.replenish_codes().await.is_err(), "no keys without the host");
    // The till is online: each code charges exactly once.
    for code in &shown {
        assert_eq!(till(&host, code, 100).await, (201, String::new()));
    }
    for code in shown.iter().take(3) {
        assert_eq!(till(&host, code, 100).await.1, "code_used");
    }
}

#[tokio::test]
async fn the_store_never_holds_a_key_in_clear() {
    let host = start().await;
    let home = Home::new();
    let w = funded_wallet(&host, &home, "aiko").await;
    w.replenish_codes().await.unwrap();
    let shown = w.consumer_code().unwrap();
    let token = TokenCode::from_qr_text(&shown.qr_text).unwrap().token;
    // The keys the device was given, derived again from the host's master key.
    let master: Vec<u8> = rusqlite::Connection::open(host.sandbox.db_path())
        .unwrap()
        .query_row("SELECT master_key FROM cpm_tokens WHERE token = ?1", [&token], |r| r.get(0))
        .unwrap();
    let master = IssuerMasterKey::from_slice(&master).unwrap();
    drop(w);
    let mut raw = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(bytes) = std::fs::read(format!("{}{suffix}", home.db().display())) {
            raw.extend(bytes);
        }
    }
    assert!(raw.len() > 10_000);
    for counter in 1..=koban_core::wallet::codes::BATCH as u16 {
        let key = derive_limited_use_key(&master, &token, counter).unwrap();
        let forms = [
            key.as_bytes().to_vec(),
            base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, key.as_bytes()).into_bytes(),
            hex::encode(key.as_bytes()).into_bytes(),
        ];
        for form in forms {
            assert!(
                !raw.windows(form.len()).any(|w| w == form.as_slice()),
                "key {counter} found in clear in the wallet database"
            );
        }
    }
}
