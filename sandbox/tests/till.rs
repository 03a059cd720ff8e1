//! The till, tried as an attacker would, against a real host on loopback: a merchant with a
//! terminal credential, a passer-by with a photo of a code, a thief with a copy of the app's
//! data. Every attack is refused with a typed error and moves no money; the ledger's
//! invariants are checked when each host stops (`common::Host`'s drop).

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::{amt, key, start, Device, Host, Resp};
use koban_core::cpm::TokenCode;
use koban_core::crypto::{DeviceKey, LimitedUseKey};
use reqwest::Method;
use serde_json::{json, Value};

/// Keys provisioned to a device, as the host answered.
struct Keys {
    token: String,
    keys: Vec<(u16, LimitedUseKey)>,
}

async fn provision(host: &Host, dev: &Device, count: u32) -> Keys {
    let v = host.post(dev, "/v1/cpm/keys", json!({ "count": count })).await.ok();
    keys_of(&v)
}

fn keys_of(v: &Value) -> Keys {
    Keys {
        token: v["token"].as_str().unwrap().to_owned(),
        keys: v["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| {
                let bytes = URL_SAFE_NO_PAD.decode(k["key"].as_str().unwrap()).unwrap();
                (k["counter"].as_u64().unwrap() as u16, LimitedUseKey::from_slice(&bytes).unwrap())
            })
            .collect(),
    }
}

impl Keys {
    /// The QR text of key `i` made at `at` (host seconds).
    fn qr(&self, i: usize, at: u64) -> String {
        self.code(i, at, [1, 2, 3, i as u8]).to_qr_text()
    }

    fn code(&self, i: usize, at: u64, un: [u8; 4]) -> TokenCode {
        let (counter, key) = &self.keys[i];
        TokenCode::generate(key, &self.token, *counter, at, un).unwrap()
    }
}

async fn charge(host: &Host, merchant: &str, code: &str, yen: i64) -> Resp {
    host.merchant_post(merchant, "/v1/terminal/charges", json!({ "amount": amt(yen, "JPY"), "code": code }), &key())
        .await
}

/// A funded Japanese wallet.
async fn shopper(host: &Host, handle: &str, yen: i64) -> Device {
    let dev = host.enrol(handle, "JP").await;
    host.fund(&dev, 1_000_000, yen).await;
    dev
}

async fn events(host: &Host, dev: &Device) -> Vec<Value> {
    host.get(dev, "/v1/events?after=0").await.ok()["events"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_late_charge_is_refused_by_the_hosts_clock_whatever_the_till_asserts() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 20_000).await;
    let keys = provision(&host, &aiko, 4).await;
    let shown = host.now();
    let photo = keys.qr(0, shown);

    // Six hours later, with an unsigned-in-spirit claim that it was scanned in time.
    host.sandbox.advance_clock(6 * 3600);
    let late = json!({ "amount": amt(500, "JPY"), "code": photo, "scanned_at": shown + 5 });
    host.merchant_post("m_jp_mart", "/v1/terminal/charges", late, &key()).await.refused(410, "code_expired");
    charge(&host, "m_jp_mart", &photo, 500).await.refused(410, "code_expired");
    // Almost a day later: the same.
    host.sandbox.advance_clock(18 * 3600 - 60);
    let later = json!({ "amount": amt(500, "JPY"), "code": photo, "scanned_at": shown + 5 });
    host.merchant_post("m_jp_mart", "/v1/terminal/charges", later, &key()).await.refused(410, "code_expired");
    assert_eq!(host.balance(&aiko).await, 20_000);

    // An offline till's signed scan time counts within ten minutes and up to ¥3,000 only.
    let scanned = host.now();
    let queued = keys.qr(1, scanned - 10);
    host.sandbox.advance_clock(9 * 60);
    let over_floor = json!({ "amount": amt(3_001, "JPY"), "code": queued, "scanned_at": scanned });
    host.merchant_post("m_jp_mart", "/v1/terminal/charges", over_floor, &key()).await.refused(422, "limit_exceeded");
    let within = json!({ "amount": amt(2_000, "JPY"), "code": queued, "scanned_at": scanned });
    host.merchant_post("m_jp_mart", "/v1/terminal/charges", within, &key()).await.ok();
    let too_late_code = keys.qr(2, host.now() - 5);
    host.sandbox.advance_clock(11 * 60);
    let stale = json!({ "amount": amt(100, "JPY"), "code": too_late_code, "scanned_at": host.now() - 11 * 60 });
    host.merchant_post("m_jp_mart", "/v1/terminal/charges", stale, &key()).await.refused(410, "code_expired");
    // A scan time in the future is not a way around the clock either.
    let future = json!({ "amount": amt(100, "JPY"), "code": keys.qr(3, host.now()), "scanned_at": host.now() + 3600 });
    host.merchant_post("m_jp_mart", "/v1/terminal/charges", future, &key()).await.refused(400, "bad_request");
    assert_eq!(host.balance(&aiko).await, 18_000);
}

#[tokio::test]
async fn one_code_cannot_drain_a_balance_with_falling_amounts() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 9_400).await;
    let keys = provision(&host, &aiko, 2).await;
    let photo = keys.qr(0, host.now());
    // The first verified presentation burns the code, although it is refused for funds.
    charge(&host, "m_jp_mart", &photo, 9_401).await.refused(402, "insufficient_funds");
    for yen in [9_000, 5_000, 1_000, 100, 1] {
        charge(&host, "m_jp_mart", &photo, yen).await.refused(409, "code_used");
    }
    assert_eq!(host.balance(&aiko).await, 9_400);
    assert_eq!(host.account_balance("merchant:m_jp_mart"), 0);
    // The shopper hears that the code was presented.
    assert!(events(&host, &aiko).await.iter().any(|e| e["kind"] == "consumer_code_refused"));
}

#[tokio::test]
async fn till_charges_and_merchant_payments_count_against_kyc_limits() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 150_000).await;
    host.put_no_confirm(&aiko, 150_000).await.refused(400, "bad_request");
    let keys = provision(&host, &aiko, 2).await;
    // Unverified: ¥100,000 a spend and a month, till or not.
    charge(&host, "m_jp_mart", &keys.qr(0, host.now()), 100_001).await.refused(422, "limit_exceeded");
    let payload = host.merchant_payload("m_jp_ramen").await;
    let pay = |yen: i64| json!({ "payload": payload, "route": "jpqr", "amount": amt(yen, "JPY") });
    host.post(&aiko, "/v1/payments", pay(100_001)).await.refused(422, "limit_exceeded");
    host.post(&aiko, "/v1/payments", pay(95_000)).await.ok();
    // ¥95,000 spent this month: a ¥6,000 charge would pass the monthly cap.
    charge(&host, "m_jp_mart", &keys.qr(1, host.now()), 6_000).await.refused(422, "limit_exceeded");
    assert_eq!(host.balance(&aiko).await, 55_000);
}

impl Host {
    async fn put_no_confirm(&self, dev: &Device, yen: i64) -> Resp {
        self.post(dev, &format!("/v1/wallets/{}/no-confirm-limit", dev.wallet_id), json!({ "limit": amt(yen, "JPY") }))
            .await
    }
}

#[tokio::test]
async fn a_cryptogram_cut_short_or_made_longer_is_refused() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 10_000).await;
    let keys = provision(&host, &aiko, 3).await;
    let now = host.now();
    let full = keys.code(0, now, [5, 6, 7, 8]);
    let cut = TokenCode { cryptogram: full.cryptogram[..4].to_vec(), ..full.clone() };
    charge(&host, "m_jp_mart", &cut.to_qr_text(), 100).await.refused(400, "invalid_payload");
    let mut long = full.cryptogram.clone();
    long.push(0);
    let longer = TokenCode { cryptogram: long, ..full.clone() };
    charge(&host, "m_jp_mart", &longer.to_qr_text(), 100).await.refused(400, "invalid_payload");
    // The numeric form is exactly 36 digits.
    let numeric = keys.code(1, now, [0; 4]).to_numeric().unwrap();
    charge(&host, "m_jp_mart", &numeric[..35], 100).await.refused(400, "invalid_payload");
    charge(&host, "m_jp_mart", &format!("{numeric}0"), 100).await.refused(400, "invalid_payload");
    assert_eq!(host.balance(&aiko).await, 10_000);
    // The honest forms still charge, once each.
    charge(&host, "m_jp_mart", &full.to_qr_text(), 100).await.ok();
    charge(&host, "m_jp_mart", &numeric, 100).await.ok();
    charge(&host, "m_jp_mart", &numeric, 100).await.refused(409, "code_used");
    assert_eq!(host.balance(&aiko).await, 9_800);
}

#[tokio::test]
async fn wrong_cryptograms_revoke_the_token_and_the_wallet_is_told() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 10_000).await;
    let keys = provision(&host, &aiko, 5).await;
    let now = host.now();
    let honest = keys.code(0, now, [1, 1, 1, 1]);
    let forged = |n: u8| {
        let mut c = honest.cryptogram.clone();
        c[7] ^= n;
        TokenCode { cryptogram: c, ..honest.clone() }.to_qr_text()
    };
    // Four misses then the right one: a till's misread is forgiven, the count starts again.
    for n in 1..=4 {
        charge(&host, "m_jp_mart", &forged(n), 100).await.refused(422, "bad_cryptogram");
    }
    charge(&host, "m_jp_mart", &honest.to_qr_text(), 100).await.ok();
    // Five misses in a row on the next counter: the token's keys are revoked.
    let next = keys.code(1, now, [2, 2, 2, 2]);
    for n in 1..=5u8 {
        let mut c = next.cryptogram.clone();
        c[0] ^= n;
        let body = TokenCode { cryptogram: c, ..next.clone() }.to_qr_text();
        charge(&host, "m_jp_mart", &body, 100).await.refused(422, "bad_cryptogram");
    }
    charge(&host, "m_jp_mart", &next.to_qr_text(), 100).await.refused(410, "code_revoked");
    charge(&host, "m_jp_mart", &keys.qr(2, now), 100).await.refused(410, "code_revoked");
    assert_eq!(host.balance(&aiko).await, 9_900);
    let revoked: Vec<Value> =
        events(&host, &aiko).await.into_iter().filter(|e| e["kind"] == "consumer_codes_revoked").collect();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0]["data"]["token"], keys.token.as_str());
    // The wallet re-provisions: a new token, whose codes charge.
    let fresh = provision(&host, &aiko, 3).await;
    assert_ne!(fresh.token, keys.token);
    charge(&host, "m_jp_mart", &fresh.qr(0, host.now()), 100).await.ok();
}

#[tokio::test]
async fn a_charge_above_the_no_confirmation_limit_waits_for_the_shopper() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 60_000).await;
    let keys = provision(&host, &aiko, 6).await;

    // Approved: captured exactly once.
    let pending = charge(&host, "m_jp_mart", &keys.qr(0, host.now()), 12_000).await;
    assert_eq!(pending.status.as_u16(), 202, "{}", pending.body);
    assert_eq!(pending.body["status"], "pending_approval");
    let id = pending.body["id"].as_str().unwrap().to_owned();
    assert_eq!(host.balance(&aiko).await, 60_000);
    let asked = events(&host, &aiko).await;
    assert!(asked.iter().any(|e| e["kind"] == "charge_approval_requested" && e["data"]["id"] == id.as_str()));
    let approve_key = key();
    let approved = host.post_key(&aiko, &format!("/v1/charges/{id}/approve"), json!({}), &approve_key).await.ok();
    assert_eq!(approved["status"], "captured");
    let again = host.post_key(&aiko, &format!("/v1/charges/{id}/approve"), json!({}), &approve_key).await;
    assert!(again.replayed);
    host.post(&aiko, &format!("/v1/charges/{id}/approve"), json!({})).await.refused(409, "charge_not_pending");
    host.post(&aiko, &format!("/v1/charges/{id}/decline"), json!({})).await.refused(409, "charge_not_pending");
    assert_eq!(host.balance(&aiko).await, 48_000);
    assert_eq!(host.merchant_get("m_jp_mart", &format!("/v1/terminal/charges/{id}")).await.ok()["status"], "captured");

    // Declined: nothing moves, and the code stays burned.
    let code = keys.qr(1, host.now());
    let declined = charge(&host, "m_jp_mart", &code, 15_000).await.body["id"].as_str().unwrap().to_owned();
    host.post(&aiko, &format!("/v1/charges/{declined}/decline"), json!({})).await.ok();
    host.post(&aiko, &format!("/v1/charges/{declined}/approve"), json!({})).await.refused(409, "charge_not_pending");
    charge(&host, "m_jp_mart", &code, 15_000).await.refused(409, "code_used");
    assert_eq!(host.balance(&aiko).await, 48_000);

    // Timed out: nothing moves.
    let lapsed =
        charge(&host, "m_jp_mart", &keys.qr(2, host.now()), 11_000).await.body["id"].as_str().unwrap().to_owned();
    host.sandbox.advance_clock(121);
    host.post(&aiko, &format!("/v1/charges/{lapsed}/approve"), json!({})).await.refused(410, "charge_expired");
    assert_eq!(
        host.merchant_get("m_jp_mart", &format!("/v1/terminal/charges/{lapsed}")).await.ok()["status"],
        "expired"
    );
    assert_eq!(host.balance(&aiko).await, 48_000);

    // Another wallet cannot answer for Aiko.
    let ben = shopper(&host, "ben", 0).await;
    let other =
        charge(&host, "m_jp_mart", &keys.qr(3, host.now()), 10_001).await.body["id"].as_str().unwrap().to_owned();
    host.post(&ben, &format!("/v1/charges/{other}/approve"), json!({})).await.refused(404, "not_found");

    // The shopper may lower the ceiling: then even ¥100 asks.
    host.put_no_confirm(&aiko, 0).await.ok();
    let small = charge(&host, "m_jp_mart", &keys.qr(4, host.now()), 100).await;
    assert_eq!(small.body["status"], "pending_approval");
    assert_eq!(host.balance(&aiko).await, 48_000);
}

#[tokio::test]
async fn keys_expire_and_a_device_holds_at_most_twenty() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 10_000).await;
    let first = provision(&host, &aiko, 20).await;
    assert_eq!(first.keys.len(), 20);
    // Asking again and again gives nothing more: 2,000 keys are not to be had.
    for _ in 0..5 {
        host.post(&aiko, "/v1/cpm/keys", json!({ "count": 20 })).await.refused(422, "limit_exceeded");
    }
    // Giving up the first ten (shown long ago) makes room for ten.
    let v = host.post(&aiko, "/v1/cpm/keys", json!({ "count": 20, "retire_before": first.keys[10].0 })).await.ok();
    let more = keys_of(&v);
    assert_eq!(more.keys.len(), 10);
    charge(&host, "m_jp_mart", &first.qr(0, host.now()), 100).await.refused(410, "code_revoked");
    charge(&host, "m_jp_mart", &first.qr(10, host.now()), 100).await.ok();
    // Seven days later every key is dead.
    host.sandbox.advance_clock(7 * 24 * 3600 + 1);
    charge(&host, "m_jp_mart", &first.qr(11, host.now()), 100).await.refused(410, "code_expired");
    charge(&host, "m_jp_mart", &more.qr(0, host.now()), 100).await.refused(410, "code_expired");
    assert_eq!(provision(&host, &aiko, 20).await.keys.len(), 20, "expired keys no longer count as live");
    assert_eq!(host.balance(&aiko).await, 9_900);
}

#[tokio::test]
async fn master_keys_are_sealed_and_no_key_rests_in_the_idempotency_table() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 1_000).await;
    let idem = key();
    let v = host.post_key(&aiko, "/v1/cpm/keys", json!({ "count": 3 }), &idem).await.ok();
    let replay = host.post_key(&aiko, "/v1/cpm/keys", json!({ "count": 3 }), &idem).await;
    assert!(replay.replayed);
    assert_eq!(replay.body, v, "a replayed answer carries the same keys");
    let keys = keys_of(&v);
    let conn = rusqlite::Connection::open(host.sandbox.db_path()).unwrap();
    let stored: Vec<String> = conn
        .prepare("SELECT body FROM idempotency")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for k in v["keys"].as_array().unwrap() {
        let key = k["key"].as_str().unwrap();
        assert!(stored.iter().all(|b| !b.contains(key)), "a key rests in the idempotency table");
    }
    // The stored master key is not the master key: keys derived from it are not the device's.
    let sealed: Vec<u8> =
        conn.query_row("SELECT master_key FROM cpm_tokens WHERE token = ?1", [&keys.token], |r| r.get(0)).unwrap();
    assert_eq!(sealed.len(), 12 + 32 + 16, "nonce, sealed key, tag");
    let as_if_clear = koban_core::crypto::IssuerMasterKey::from_slice(&sealed[..32]).unwrap();
    let derived = koban_core::crypto::derive_limited_use_key(&as_if_clear, &keys.token, keys.keys[0].0).unwrap();
    assert_ne!(derived.as_bytes(), keys.keys[0].1.as_bytes());
}

#[tokio::test]
async fn a_revoked_phone_can_neither_ask_nor_pay() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 10_000).await;
    let keys = provision(&host, &aiko, 3).await;
    let photo = keys.qr(0, host.now());
    // Aiko adds her new phone, then revokes the lost one from it.
    let new_key = DeviceKey::generate().unwrap();
    let proof = new_key.sign(koban_sandbox::api::add_device_message(&aiko.wallet_id).as_bytes()).unwrap();
    let add = json!({ "public_key": new_key.public_key_b64(), "proof": URL_SAFE_NO_PAD.encode(&proof) });
    host.post(&aiko, &format!("/v1/wallets/{}/devices", aiko.wallet_id), add.clone()).await.ok();
    let bad_proof = json!({ "public_key": DeviceKey::generate().unwrap().public_key_b64(), "proof": URL_SAFE_NO_PAD.encode(&proof) });
    host.post(&aiko, &format!("/v1/wallets/{}/devices", aiko.wallet_id), bad_proof).await.refused(401, "bad_signature");
    let phone = Device { key: new_key, wallet_id: aiko.wallet_id.clone(), handle: aiko.handle.clone() };
    // Another wallet cannot revoke Aiko's phone.
    let ben = shopper(&host, "ben", 0).await;
    let lost = aiko.key.device_id();
    host.post(&ben, &format!("/v1/devices/{lost}/revoke"), json!({})).await.refused(404, "not_found");
    host.post(&phone, &format!("/v1/devices/{lost}/revoke"), json!({})).await.ok();

    host.get(&aiko, &format!("/v1/wallets/{}", aiko.wallet_id)).await.refused(401, "device_revoked");
    host.post(&aiko, "/v1/cpm/keys", json!({ "count": 1 })).await.refused(401, "device_revoked");
    charge(&host, "m_jp_mart", &photo, 100).await.refused(410, "code_revoked");
    assert_eq!(host.balance(&phone).await, 10_000);

    // The operator's route does the same for a shopper with no other device.
    let carol = shopper(&host, "carol", 5_000).await;
    let carol_keys = provision(&host, &carol, 1).await;
    let r =
        host.http.post(format!("{}/admin/devices/{}/revoke", host.url, carol.key.device_id())).send().await.unwrap();
    assert!(r.status().is_success());
    charge(&host, "m_jp_mart", &carol_keys.qr(0, host.now()), 100).await.refused(410, "code_revoked");
    host.get(&carol, &format!("/v1/wallets/{}", carol.wallet_id)).await.refused(401, "device_revoked");
}

/// Sends a terminal request with the given headers, bypassing the test client's signing.
async fn raw(host: &Host, path: &str, body: &Value, headers: &[(&str, String)]) -> Resp {
    let mut req = host.http.post(format!("{}{path}", host.url)).header("content-type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let resp = req.body(serde_json::to_vec(body).unwrap()).send().await.unwrap();
    let status = resp.status();
    Resp { status, body: resp.json().await.unwrap_or(Value::Null), replayed: false }
}

#[tokio::test]
async fn terminals_must_be_enrolled_and_sign_every_request() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 10_000).await;
    let keys = provision(&host, &aiko, 3).await;
    let body = json!({ "amount": amt(100, "JPY"), "code": keys.qr(0, host.now()) });
    // GET /v1/merchants publishes no credential of any kind.
    let merchants: Value =
        host.http.get(format!("{}/v1/merchants", host.url)).send().await.unwrap().json().await.unwrap();
    for m in merchants["merchants"].as_array().unwrap() {
        let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
        assert!(keys.iter().all(|k| !k.contains("key") && !k.contains("token")), "{m}");
    }
    // The old static key is no credential.
    let idem = ("idempotency-key", key());
    raw(
        &host,
        "/v1/terminal/charges",
        &body,
        &[("x-koban-merchant-key", "sandbox-terminal-m_jp_mart".into()), idem.clone()],
    )
    .await
    .refused(401, "bad_signature");
    // Unsigned, signed by a key that is not enrolled, signed wrongly, replayed, stale.
    raw(&host, "/v1/terminal/charges", &body, std::slice::from_ref(&idem)).await.refused(401, "bad_signature");
    let stranger = DeviceKey::generate().unwrap();
    let signed = |k: &DeviceKey, ts: u64| {
        let bytes = serde_json::to_vec(&body).unwrap();
        k.sign_request("POST", "/v1/terminal/charges", &bytes, ts).unwrap().pairs().map(|(n, v)| (n, v)).to_vec()
    };
    let mut h = signed(&stranger, host.now());
    h.push(idem.clone());
    raw(&host, "/v1/terminal/charges", &body, &h).await.refused(401, "unknown_terminal");
    let till = host.till("m_jp_mart").await;
    let mut forged = signed(&stranger, host.now());
    for (name, value) in &mut forged {
        if *name == "x-koban-device" {
            *value = till.key.device_id();
        }
    }
    forged.push(idem.clone());
    raw(&host, "/v1/terminal/charges", &body, &forged).await.refused(401, "bad_signature");
    let mut stale = signed(&till.key, host.now() - 600);
    stale.push(idem.clone());
    raw(&host, "/v1/terminal/charges", &body, &stale).await.refused(401, "stale_signature");
    let mut good = signed(&till.key, host.now());
    good.push(idem.clone());
    raw(&host, "/v1/terminal/charges", &body, &good).await.ok();
    raw(&host, "/v1/terminal/charges", &body, &good).await.refused(401, "replayed_nonce");
    assert_eq!(host.balance(&aiko).await, 9_900);

    // Enrolment tokens: one use, one merchant, and only from the operator.
    let token = host.enrolment_token("m_jp_ramen").await;
    let k = DeviceKey::generate().unwrap();
    let enrol = |merchant: &str, token: &str, k: &DeviceKey| json!({ "merchant_id": merchant, "public_key": k.public_key_b64(), "enrolment_token": token });
    let now = host.now();
    host.send_at(&k, Method::POST, "/v1/terminals", Some(&enrol("m_jp_mart", &token, &k)), Some(&key()), now)
        .await
        .refused(403, "bad_enrolment_token");
    host.send_at(&k, Method::POST, "/v1/terminals", Some(&enrol("m_jp_ramen", "enrol_guess", &k)), Some(&key()), now)
        .await
        .refused(403, "bad_enrolment_token");
    host.send_at(&k, Method::POST, "/v1/terminals", Some(&enrol("m_jp_ramen", &token, &k)), Some(&key()), now)
        .await
        .ok();
    let k2 = DeviceKey::generate().unwrap();
    host.send_at(&k2, Method::POST, "/v1/terminals", Some(&enrol("m_jp_ramen", &token, &k2)), Some(&key()), now)
        .await
        .refused(403, "bad_enrolment_token");
    let closed = common::start_with(koban_sandbox::Config::default()).await;
    let r =
        closed.http.post(format!("{}/admin/merchants/m_jp_ramen/enrolment-tokens", closed.url)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn merchant_a_terminal_cannot_act_as_merchant_b() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 10_000).await;
    let keys = provision(&host, &aiko, 2).await;
    // A charge is always for the terminal's own merchant.
    let ramen = charge(&host, "m_jp_ramen", &keys.qr(0, host.now()), 1_000).await.ok();
    assert_eq!(ramen["merchant_id"], "m_jp_ramen");
    assert_eq!(host.account_balance("merchant:m_jp_mart"), 0);
    assert_eq!(host.account_balance("merchant:m_jp_ramen"), 1_000);
    // Mart's terminal cannot read ramen's charge, nor make codes in ramen's name.
    let id = ramen["id"].as_str().unwrap();
    host.merchant_get("m_jp_mart", &format!("/v1/terminal/charges/{id}")).await.refused(404, "not_found");
    host.merchant_post(
        "m_jp_mart",
        "/v1/merchants/m_jp_ramen/dynamic-codes",
        json!({ "amount": amt(500, "JPY") }),
        &key(),
    )
    .await
    .refused(403, "forbidden");
    // A Thai stall's terminal cannot charge a yen wallet's code in yen.
    let body = json!({ "amount": amt(100, "JPY"), "code": keys.qr(1, host.now()) });
    host.merchant_post("m_th_somtam", "/v1/terminal/charges", body, &key()).await.refused(422, "currency_mismatch");
}

/// An enrolment is signed by the key it enrols, under the id that key derives: nobody can
/// enrol a key under an id of their choosing (a victim's future device or terminal id).
#[tokio::test]
async fn an_enrolment_under_an_id_the_key_does_not_derive_is_refused() {
    use koban_core::crypto::request::{canonical_request, RequestToSign};
    let host = start().await;
    let mallory = DeviceKey::generate().unwrap();
    let token = host.enrolment_token("m_jp_mart").await;
    for (path, body) in [
        (
            "/v1/devices",
            json!({ "public_key": mallory.public_key_b64(), "country": "JP", "handle": "mallory", "display_name": "M" }),
        ),
        (
            "/v1/terminals",
            json!({ "merchant_id": "m_jp_mart", "public_key": mallory.public_key_b64(), "enrolment_token": token }),
        ),
    ] {
        let bytes = serde_json::to_vec(&body).unwrap();
        let (ts, nonce, chosen) =
            (host.now(), koban_core::crypto::new_nonce().unwrap(), "d_00000000000000000000000000000001");
        let canonical = canonical_request(&RequestToSign {
            method: "POST",
            path_and_query: path,
            body: &bytes,
            timestamp: ts,
            nonce: &nonce,
            device_id: chosen,
        });
        let signature = URL_SAFE_NO_PAD.encode(mallory.sign(canonical.as_bytes()).unwrap());
        let headers = [
            ("x-koban-device", chosen.to_owned()),
            ("x-koban-timestamp", ts.to_string()),
            ("x-koban-nonce", nonce),
            ("x-koban-signature", signature),
            ("idempotency-key", key()),
        ];
        raw(&host, path, &body, &headers).await.refused(401, "bad_signature");
    }
}
