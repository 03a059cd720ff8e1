//! Consumer-presented codes end to end: wallet on the device, the real sandbox host on
//! loopback, and a till that decodes what the phone shows.

mod common;

use common::*;
use koban_core::cpm::TokenCode;
use koban_core::crypto::{derive_limited_use_key, hex, IssuerMasterKey};
use koban_core::terminal::{ChargeStatus, Terminal};
use koban_core::wallet::{Wallet, WalletConfig, WalletError};
use std::time::Duration;

/// What a till does: send the code it scanned to the host, which reads and checks it.
/// Returns the status and the refusal kind ("" when captured).
async fn present(till: &Terminal, scanned: &str, yen: i64) -> (u16, String) {
    match till.charge(scanned, jpy(yen), None).await {
        Ok(c) if c.status == ChargeStatus::Captured => (201, String::new()),
        Ok(c) => (202, c.status.as_str().to_owned()),
        Err(e) => (0, e.kind().unwrap_or("?").to_owned()),
    }
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

    let till = till(&host, "m_jp_mart").await;
    let first = w.consumer_code().unwrap();
    assert_eq!(first.codes_left, left - 1);
    assert!(first.refresh_at < first.expires_at);
    assert_eq!(present(&till, &first.qr_text, 1200).await, (201, String::new()));
    // The same charge sent again (a till retrying) is the same charge, not a second one;
    // the same code for another amount is refused.
    assert_eq!(present(&till, &first.qr_text, 1200).await, (201, String::new()));
    assert_eq!(present(&till, &first.qr_text, 1000).await.1, "code_used");
    // Its counter replayed with a fresh time: the counter is spent.
    let mut replay = TokenCode::from_qr_text(&first.qr_text).unwrap();
    replay.timestamp += 5;
    assert_eq!(present(&till, &replay.to_qr_text(), 1200).await.1, "code_used");
    // A flipped bit in the cryptogram.
    let second = w.consumer_code().unwrap();
    let mut forged = TokenCode::from_qr_text(&second.qr_text).unwrap();
    forged.cryptogram[0] ^= 0x01;
    assert_eq!(present(&till, &forged.to_qr_text(), 1200).await.1, "bad_cryptogram");
    // A code from another device presented under this wallet's token.
    let ben_home = Home::new();
    let ben = funded_wallet(&host, &ben_home, "ben").await;
    ben.replenish_codes().await.unwrap();
    let mut foreign = TokenCode::from_qr_text(&ben.consumer_code().unwrap().qr_text).unwrap();
    foreign.token = TokenCode::from_qr_text(&second.qr_text).unwrap().token;
    foreign.counter = TokenCode::from_qr_text(&second.qr_text).unwrap().counter + 1;
    assert_eq!(present(&till, &foreign.to_qr_text(), 1200).await.1, "bad_cryptogram");
    // The numeric form charges once too.
    let numeric = w.consumer_code_numeric().unwrap();
    let digits = numeric.numeric.clone().unwrap();
    assert_eq!(digits.len(), 36);
    assert_eq!(present(&till, &digits, 300).await, (201, String::new()));
    assert_eq!(present(&till, &digits, 200).await.1, "code_used");
    // An expired code.
    let late = w.consumer_code().unwrap();
    host.sandbox.advance_clock(61);
    assert_eq!(present(&till, &late.qr_text, 1200).await.1, "code_expired");
    // Exactly two charges moved money.
    assert_eq!(w.balance().await.unwrap().available, jpy(10_000 - 1200 - 300));
    // And the shopper's history shows them once each, through sync.
    let report = w.sync(0).await.unwrap();
    assert_eq!(report.charged.len(), 2, "{:?}", report.charged);
    let history = w.history(50, None).unwrap().items;
    let spent: i64 = history.iter().filter(|t| t.kind == "cpm_charge").map(|t| t.amount.minor()).sum();
    assert_eq!(spent, 1500);
    assert_eq!(w.sync(0).await.unwrap().charged.len(), 0, "heard once");
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
    let till = till(&host, "m_jp_mart").await;
    for code in &shown {
        assert_eq!(present(&till, code, 100).await, (201, String::new()));
    }
    for code in shown.iter().take(3) {
        assert_eq!(present(&till, code, 90).await.1, "code_used");
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
    let sealed: Vec<u8> = rusqlite::Connection::open(host.sandbox.db_path())
        .unwrap()
        .query_row("SELECT master_key FROM cpm_tokens WHERE token = ?1", [&token], |r| r.get(0))
        .unwrap();
    let host_key = koban_sandbox::HostKey::from_bytes(&TEST_HOST_KEY).unwrap();
    let master = IssuerMasterKey::from_slice(&host_key.open(&token, &sealed).unwrap()).unwrap();
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

#[tokio::test]
async fn codes_carry_the_hosts_time_when_the_phone_clock_is_off() {
    let host = start().await;
    // The phone's clock is two hours behind the host's.
    host.sandbox.advance_clock(2 * 3600);
    let home = Home::new();
    let w = funded_wallet(&host, &home, "aiko").await;
    w.replenish_codes().await.unwrap();
    let till = till(&host, "m_jp_mart").await;
    let code = w.consumer_code().unwrap();
    assert_eq!(present(&till, &code.qr_text, 500).await, (201, String::new()));
    // Offline after a restart: the learned offset was kept with the wallet.
    drop(w);
    let offline = WalletConfig {
        timeout: Duration::from_millis(300),
        max_attempts: 1,
        ..WalletConfig::new("http://127.0.0.1:9")
    };
    let w = home.open_with(offline).await;
    let code = w.consumer_code_numeric().unwrap();
    assert_eq!(present(&till, &code.numeric.unwrap(), 300).await, (201, String::new()));
}

#[tokio::test]
async fn charges_above_the_limit_wait_for_the_shopper_and_are_approved_once() {
    let host = start().await;
    let home = Home::new();
    let w = home.open(&host).await;
    enrol(&w, "aiko", "JP").await;
    fund(&w, 100_000, 50_000).await;
    w.replenish_codes().await.unwrap();
    let till = till(&host, "m_jp_ramen").await;
    assert_eq!(w.balance().await.unwrap().no_confirm_limit, jpy(10_000));

    let asked = till.charge(&w.consumer_code().unwrap().qr_text, jpy(12_000), None).await.unwrap();
    assert_eq!(asked.status, ChargeStatus::PendingApproval);
    let report = w.sync(0).await.unwrap();
    assert_eq!(report.charge_requests.len(), 1);
    let request = &w.charge_requests().unwrap()[0];
    assert_eq!(
        (request.id.as_str(), request.amount, request.merchant_name.as_str()),
        (asked.id.as_str(), jpy(12_000), "KOBAN RAMEN")
    );
    let paid = w.approve_charge(&asked.id).await.unwrap();
    assert_eq!((paid.kind.as_str(), paid.amount), ("cpm_charge", jpy(12_000)));
    assert!(w.charge_requests().unwrap().is_empty());
    assert_eq!(till.charge_status(&asked.id).await.unwrap().status, ChargeStatus::Captured);
    // The capture event heard afterwards adds nothing: history and balance agree.
    w.sync(0).await.unwrap();
    let history = w.history(50, None).unwrap().items;
    assert_eq!(history.iter().filter(|t| t.kind == "cpm_charge").count(), 1);
    assert_eq!(w.balance().await.unwrap().available, jpy(38_000));

    // Declined: nothing moves; answering twice is refused.
    let declined = till.charge(&w.consumer_code().unwrap().qr_text, jpy(20_000), None).await.unwrap();
    w.sync(0).await.unwrap();
    w.decline_charge(&declined.id).await.unwrap();
    let twice = w.approve_charge(&declined.id).await;
    assert!(matches!(twice, Err(WalletError::InvalidInput(_))), "{twice:?}");
    assert_eq!(till.charge_status(&declined.id).await.unwrap().status, ChargeStatus::Declined);

    // Lapsed: the host's two minutes pass; approving is refused and nothing moves.
    let lapsed = till.charge(&w.consumer_code().unwrap().qr_text, jpy(15_000), None).await.unwrap();
    w.sync(0).await.unwrap();
    host.sandbox.advance_clock(121);
    let late = w.approve_charge(&lapsed.id).await;
    assert!(late.as_ref().is_err_and(|e| e.to_string().contains("in time")), "{late:?}");
    assert_eq!(till.charge_status(&lapsed.id).await.unwrap().status, ChargeStatus::Expired);
    assert_eq!(w.balance().await.unwrap().available, jpy(38_000));

    // A lower ceiling of the shopper's own: even ¥500 asks.
    w.set_no_confirm_limit(jpy(0)).await.unwrap();
    let small = till.charge(&w.consumer_code().unwrap().qr_text, jpy(500), None).await.unwrap();
    assert_eq!(small.status, ChargeStatus::PendingApproval);
}

#[tokio::test]
async fn the_key_cap_never_takes_a_code_that_is_still_on_a_screen() {
    let host = start().await;
    let home = Home::new();
    let w = funded_wallet(&host, &home, "aiko").await;
    assert_eq!(w.replenish_codes().await.unwrap(), 20);
    let shown: Vec<String> = (0..16).map(|_| w.consumer_code().unwrap().qr_text).collect();
    // Four left, twenty live at the host: nothing more to be had yet, and that is no error.
    assert_eq!(w.replenish_codes().await.unwrap(), 4);
    let till = till(&host, "m_jp_mart").await;
    assert_eq!(present(&till, &shown[15], 100).await, (201, String::new()));
    // Twelve minutes on, the codes shown then can no longer reach a till: the host retires
    // them and the device is topped up to twenty live keys.
    host.sandbox.advance_clock(12 * 60);
    w.balance().await.unwrap();
    assert_eq!(w.replenish_codes().await.unwrap(), 20);
    assert_eq!(present(&till, &shown[0], 100).await.1, "code_revoked", "retired with its key");
    let fresh = w.consumer_code().unwrap();
    assert_eq!(present(&till, &fresh.qr_text, 100).await, (201, String::new()));
}

#[tokio::test]
async fn a_token_revoked_for_wrong_cryptograms_is_dropped_and_replaced_on_sync() {
    let host = start().await;
    let home = Home::new();
    let w = funded_wallet(&host, &home, "aiko").await;
    w.replenish_codes().await.unwrap();
    let till = till(&host, "m_jp_mart").await;
    let photo = TokenCode::from_qr_text(&w.consumer_code().unwrap().qr_text).unwrap();
    for n in 1..=5u8 {
        let mut forged = photo.clone();
        forged.cryptogram[7] ^= n;
        assert_eq!(present(&till, &forged.to_qr_text(), 100).await.1, "bad_cryptogram");
    }
    assert_eq!(present(&till, &photo.to_qr_text(), 100).await.1, "code_revoked");
    let report = w.sync(0).await.unwrap();
    assert_eq!(report.codes_revoked, 19, "the keys left on the phone are dropped");
    assert_eq!(w.codes_left().unwrap(), 0);
    assert_eq!(w.replenish_codes().await.unwrap(), 20);
    let fresh = TokenCode::from_qr_text(&w.consumer_code().unwrap().qr_text).unwrap();
    assert_ne!(fresh.token, photo.token, "a new token");
    assert_eq!(present(&till, &fresh.to_qr_text(), 100).await, (201, String::new()));
}
