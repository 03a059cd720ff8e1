//! Integration tests: a real sandbox on loopback, real HTTP, real SQLite. Every test ends
//! with the ledger invariant check (see `common::Host`'s Drop).

mod common;

use common::{amt, key, now, start, start_with};
use koban_sandbox::{Config, FaultConfig};
use reqwest::Method;
use serde_json::{json, Value};

// ---------- devices and auth ----------

#[tokio::test]
async fn enrolment_creates_an_unverified_wallet_and_handles_are_unique() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    let w = host.get(&aiko, &format!("/v1/wallets/{}", aiko.wallet_id)).await.ok();
    assert_eq!(w["currency"], "JPY");
    assert_eq!(w["tier"], "unverified");
    assert_eq!(w["balance"], amt(0, "JPY"));
    assert_eq!(w["limits"]["can_remit"], false);

    let other = koban_core::crypto::DeviceKey::generate().unwrap();
    let body = json!({ "public_key": other.public_key_b64(), "country": "JP", "handle": "aiko", "display_name": "x" });
    host.send_at(&other, Method::POST, "/v1/devices", Some(&body), Some(&key()), now())
        .await
        .refused(409, "handle_taken");
    let body = json!({ "public_key": other.public_key_b64(), "country": "XX", "handle": "bob", "display_name": "x" });
    host.send_at(&other, Method::POST, "/v1/devices", Some(&body), Some(&key()), now())
        .await
        .refused(400, "bad_request");
}

#[tokio::test]
async fn enrolment_must_be_signed_by_the_enrolled_key() {
    let host = start().await;
    let real = koban_core::crypto::DeviceKey::generate().unwrap();
    let imposter = koban_core::crypto::DeviceKey::generate().unwrap();
    let body =
        json!({ "public_key": real.public_key_b64(), "country": "JP", "handle": "mallory", "display_name": "m" });
    host.send_at(&imposter, Method::POST, "/v1/devices", Some(&body), Some(&key()), now())
        .await
        .refused(401, "bad_signature");

    // A retried enrolment (same key) is the same wallet; a new key for the same device is refused.
    let k = key();
    let first = host.send_at(&real, Method::POST, "/v1/devices", Some(&body), Some(&k), now()).await;
    assert_eq!(first.status, 201);
    let again = host.send_at(&real, Method::POST, "/v1/devices", Some(&body), Some(&k), now()).await;
    assert!(again.replayed);
    assert_eq!(again.body, first.body);
    host.send_at(&real, Method::POST, "/v1/devices", Some(&body), Some(&key()), now())
        .await
        .refused(409, "already_enrolled");
}

#[tokio::test]
async fn names_and_messages_with_control_or_format_characters_are_refused() {
    let host = start().await;
    let enrol_as = |name: &str| {
        let k = koban_core::crypto::DeviceKey::generate().unwrap();
        let body = json!({ "public_key": k.public_key_b64(), "country": "JP", "handle": "aiko", "display_name": name });
        (k, body)
    };
    // A right-to-left override, a bell, a zero-width space, a byte-order mark, a soft hyphen.
    for name in ["Aiko\u{202e}gnp.exe", "\u{7}", "Ai\u{200b}ko", "\u{feff}Aiko", "Ai\u{ad}ko"] {
        let (k, body) = enrol_as(name);
        let r = host.send_at(&k, Method::POST, "/v1/devices", Some(&body), Some(&key()), now()).await;
        r.refused(400, "bad_request");
        assert!(r.body["error"]["message"].as_str().unwrap().contains("display_name"), "{}", r.body);
    }
    let (k, body) = enrol_as("  田中 愛子 ");
    let w = host.send_at(&k, Method::POST, "/v1/devices", Some(&body), Some(&key()), now()).await.ok();
    assert_eq!(w["wallet"]["display_name"], "田中 愛子");

    // Messages reach the recipient's history: the same rule.
    let (sender, ben) = (host.enrol("sender", "JP").await, host.enrol("ben", "JP").await);
    host.fund(&sender, 1_000_000, 100_000).await;
    for message in ["lunch \u{202e}", "\u{7}", "a\nb", "\u{2066}x\u{2069}"] {
        let body = json!({ "to": { "handle": "ben" }, "amount": amt(100, "JPY"), "message": message });
        host.post(&sender, "/v1/transfers", body).await.refused(400, "bad_request");
    }
    let body = json!({ "to": { "handle": "ben" }, "amount": amt(100, "JPY"), "message": "ラーメン代 🍜" });
    host.post(&sender, "/v1/transfers", body).await.ok();
    assert_eq!(host.balance(&ben).await, 100);
    host.verify(&sender).await;
    let q = host
        .post(
            &sender,
            "/v1/quotes",
            json!({ "purpose": "remittance", "destination_country": "PH", "send": amt(10_000, "JPY") }),
        )
        .await
        .ok();
    let remit = |message: &str| json!({ "quote_id": q["id"], "recipient": { "name": "Maria Santos", "payout": { "method": "mobile_wallet", "provider": "GCash", "account": "09171234567" } }, "purpose": "family_support", "message": message });
    host.post(&sender, "/v1/remittances", remit("for \u{202e}school")).await.refused(400, "bad_request");
    host.post(&sender, "/v1/remittances", remit("for school")).await.ok();
}

#[tokio::test]
async fn every_answer_tells_the_host_clock() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    host.sandbox.advance_clock(7_200);
    let told = |r: &reqwest::Response| -> i64 {
        r.headers()[koban_core::crypto::request::HEADER_HOST_TIME].to_str().unwrap().parse().unwrap()
    };
    let ok = host.http.get(format!("{}/v1/merchants", host.url)).send().await.unwrap();
    assert!((told(&ok) - now() as i64 - 7_200).abs() <= 2);
    // A refusal too, above all a stale signature: that is how a device learns the clock.
    let signed = aiko.key.sign_request("GET", "/v1/history", b"", now()).unwrap();
    let mut req = host.http.get(format!("{}/v1/history", host.url));
    for (n, v) in signed.pairs() {
        req = req.header(n, v);
    }
    let refused = req.send().await.unwrap();
    let host_time = told(&refused);
    assert_eq!(refused.json::<Value>().await.unwrap()["error"]["kind"], "stale_signature");
    assert!((host_time - now() as i64 - 7_200).abs() <= 2);
}

#[tokio::test]
async fn bad_stale_replayed_and_unknown_signatures_are_refused() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    let path = format!("/v1/wallets/{}", aiko.wallet_id);

    host.send_at(&aiko.key, Method::GET, &path, None, None, now() - 301).await.refused(401, "stale_signature");
    host.send_at(&aiko.key, Method::GET, &path, None, None, now() + 301).await.refused(401, "stale_signature");

    // Tampered body: signed one thing, sent another.
    let signed = aiko.key.sign_request("POST", "/v1/topups", b"{}", now()).unwrap();
    let mut req = host.http.post(format!("{}/v1/topups", host.url)).header("idempotency-key", key()).body(r#"{"x":1}"#);
    for (n, v) in signed.pairs() {
        req = req.header(n, v);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["kind"], "bad_signature");

    // Replay: the same signed request twice.
    let signed = aiko.key.sign_request("GET", &path, b"", now()).unwrap();
    let send = || {
        let mut req = host.http.get(format!("{}{path}", host.url));
        for (n, v) in signed.pairs() {
            req = req.header(n, v);
        }
        req.send()
    };
    assert_eq!(send().await.unwrap().status(), 200);
    let replay = send().await.unwrap();
    assert_eq!(replay.status(), 401);
    assert_eq!(replay.json::<Value>().await.unwrap()["error"]["kind"], "replayed_nonce");

    // Unsigned and unknown devices.
    let r = host.http.get(format!("{}{path}", host.url)).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let stranger = koban_core::crypto::DeviceKey::generate().unwrap();
    host.send_at(&stranger, Method::GET, &path, None, None, now()).await.refused(401, "unknown_device");
}

#[tokio::test]
async fn another_wallets_data_is_refused() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    let ben = host.enrol("ben", "JP").await;
    let link = host.fund(&aiko, 100_000, 10_000).await;

    host.get(&ben, &format!("/v1/wallets/{}", aiko.wallet_id)).await.refused(403, "forbidden");
    host.get(&ben, &format!("/v1/wallets/{}/receive-code", aiko.wallet_id)).await.refused(403, "forbidden");
    host.post(&ben, &format!("/v1/wallets/{}/kyc", aiko.wallet_id), json!({})).await.refused(403, "forbidden");
    host.post(&ben, "/v1/topups", json!({ "bank_link_id": link, "amount": amt(1000, "JPY") }))
        .await
        .refused(403, "forbidden");
    let history = host.get(&aiko, "/v1/history").await.ok();
    let tx = history["items"][0]["transaction_id"].as_str().unwrap();
    host.get(&ben, &format!("/v1/transactions/{tx}")).await.refused(403, "forbidden");
    let q = host
        .post(&aiko, "/v1/quotes", json!({ "purpose": "merchant_payment", "receive": amt(10_000, "THB") }))
        .await
        .ok();
    host.get(&ben, &format!("/v1/quotes/{}", q["id"].as_str().unwrap())).await.refused(403, "forbidden");
    let payload = host.merchant_payload("m_th_somtam").await;
    host.post(
        &ben,
        "/v1/payments",
        json!({ "payload": payload, "route": "promptpay", "amount": amt(10_000, "THB"), "quote_id": q["id"] }),
    )
    .await
    .refused(403, "forbidden");
    assert!(host.get(&ben, "/v1/bank-links").await.ok()["bank_links"].as_array().unwrap().is_empty());
    assert_eq!(host.balance(&aiko).await, 10_000);
}

// ---------- banks, top-up, idempotency ----------

#[tokio::test]
async fn top_up_moves_bank_money_once_and_fails_cleanly_without_funds() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    let banks: Value = host.http.get(format!("{}/v1/banks", host.url)).send().await.unwrap().json().await.unwrap();
    let countries: Vec<&str> =
        banks["banks"].as_array().unwrap().iter().map(|b| b["country"].as_str().unwrap()).collect();
    for home in ["JP", "TH", "SG", "ID", "MY", "PH", "KH", "VN", "IN"] {
        assert!(countries.contains(&home), "a bank in {home}: {countries:?}");
    }
    let jp: Value =
        host.http.get(format!("{}/v1/banks?country=jp", host.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(jp["banks"].as_array().unwrap().len(), 3, "{jp}");
    let link = host.fund(&aiko, 50_000, 0).await;

    let k = key();
    let body = json!({ "bank_link_id": link, "amount": amt(30_000, "JPY") });
    let first = host.post_key(&aiko, "/v1/topups", body.clone(), &k).await;
    assert_eq!(first.status, 201);
    assert!(!first.replayed);
    let again = host.post_key(&aiko, "/v1/topups", body, &k).await;
    assert!(again.replayed);
    assert_eq!(again.body, first.body);
    assert_eq!(host.balance(&aiko).await, 30_000);

    host.post_key(&aiko, "/v1/topups", json!({ "bank_link_id": link, "amount": amt(1, "JPY") }), &k)
        .await
        .refused(409, "idempotency_key_reused");
    let missing = host
        .send_at(
            &aiko.key,
            Method::POST,
            "/v1/topups",
            Some(&json!({ "bank_link_id": link, "amount": amt(1, "JPY") })),
            None,
            now(),
        )
        .await;
    missing.refused(400, "idempotency_key_missing");

    let k2 = key();
    let short = json!({ "bank_link_id": link, "amount": amt(20_001, "JPY") });
    host.post_key(&aiko, "/v1/topups", short.clone(), &k2).await.refused(402, "insufficient_funds");
    // The refusal is the outcome of that key too.
    let repeat = host.post_key(&aiko, "/v1/topups", short, &k2).await;
    repeat.refused(402, "insufficient_funds");
    assert!(repeat.replayed);
    assert_eq!(host.balance(&aiko).await, 30_000);
    let links = host.get(&aiko, "/v1/bank-links").await.ok();
    assert_eq!(links["bank_links"][0]["balance"], amt(20_000, "JPY"));
    assert_eq!(links["bank_links"][0]["account_last4"], "4567");

    host.post(&aiko, "/v1/topups", json!({ "bank_link_id": link, "amount": amt(0, "JPY") }))
        .await
        .refused(400, "bad_request");
    host.post(&aiko, "/v1/topups", json!({ "bank_link_id": link, "amount": amt(100, "THB") }))
        .await
        .refused(422, "currency_mismatch");
    host.post(&aiko, "/v1/topups", json!({ "bank_link_id": "bl_nope", "amount": amt(100, "JPY") }))
        .await
        .refused(404, "not_found");

    let outcome = host.get(&aiko, &format!("/v1/requests/{k}")).await.ok();
    assert_eq!(outcome["status"], 201);
    assert_eq!(outcome["body"], first.body);
    host.get(&aiko, "/v1/requests/never-sent").await.refused(404, "not_found");
}

// ---------- merchant payments ----------

#[tokio::test]
async fn paying_a_domestic_static_code_checks_route_and_amount() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    host.fund(&aiko, 100_000, 5_000).await;
    let payload = host.merchant_payload("m_jp_ramen").await;

    host.post(&aiko, "/v1/payments", json!({ "payload": payload, "route": "jpqr" }))
        .await
        .refused(422, "amount_mismatch");
    host.post(&aiko, "/v1/payments", json!({ "payload": payload, "route": "promptpay", "amount": amt(980, "JPY") }))
        .await
        .refused(422, "route_mismatch");
    host.post(&aiko, "/v1/payments", json!({ "payload": payload, "route": "no-such", "amount": amt(980, "JPY") }))
        .await
        .refused(422, "route_mismatch");
    host.post(&aiko, "/v1/payments", json!({ "payload": payload, "route": "jpqr", "amount": amt(9_999, "JPY") }))
        .await
        .refused(402, "insufficient_funds");
    let mut damaged = payload.clone();
    damaged.replace_range(20..21, "9");
    host.post(&aiko, "/v1/payments", json!({ "payload": damaged, "route": "jpqr", "amount": amt(980, "JPY") }))
        .await
        .refused(400, "invalid_payload");

    let paid = host
        .post(&aiko, "/v1/payments", json!({ "payload": payload, "route": "jpqr", "amount": amt(980, "JPY") }))
        .await
        .ok();
    assert_eq!(paid["merchant"]["id"], "m_jp_ramen");
    assert_eq!(paid["debited"], amt(980, "JPY"));
    assert_eq!(paid["balance"], amt(4_020, "JPY"));
    assert_eq!(host.account_balance("merchant:m_jp_ramen"), 980);
}

#[tokio::test]
async fn a_dynamic_code_is_paid_once_for_its_own_amount() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    host.fund(&aiko, 100_000, 10_000).await;
    let code = host
        .merchant_post(
            "m_jp_mart",
            "/v1/merchants/m_jp_mart/dynamic-codes",
            json!({ "amount": amt(1_200, "JPY"), "reference": "INV-1" }),
            &key(),
        )
        .await
        .ok();
    let payload = code["payload"].as_str().unwrap();
    let detected = koban_core::scheme::detect(payload).unwrap();
    assert_eq!(detected.amount.map(|m| m.minor()), Some(1_200));

    host.post(&aiko, "/v1/payments", json!({ "payload": payload, "route": "jpqr", "amount": amt(1_000, "JPY") }))
        .await
        .refused(422, "amount_mismatch");
    let paid = host.post(&aiko, "/v1/payments", json!({ "payload": payload, "route": "jpqr" })).await.ok();
    assert_eq!(paid["total"], amt(1_200, "JPY"));
    host.post(&aiko, "/v1/payments", json!({ "payload": payload, "route": "jpqr" }))
        .await
        .refused(409, "code_already_paid");

    // Merchant auth: wrong key, and another merchant's path.
    let r = host
        .http
        .post(format!("{}/v1/merchants/m_jp_mart/dynamic-codes", host.url))
        .header("x-koban-merchant-key", "nope")
        .header("idempotency-key", key())
        .json(&json!({ "amount": amt(1, "JPY") }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    host.merchant_post(
        "m_jp_ramen",
        "/v1/merchants/m_jp_mart/dynamic-codes",
        json!({ "amount": amt(1, "JPY") }),
        &key(),
    )
    .await
    .refused(403, "forbidden");
    host.merchant_post(
        "m_jp_mart",
        "/v1/merchants/m_jp_mart/dynamic-codes",
        json!({ "amount": amt(1, "THB") }),
        &key(),
    )
    .await
    .refused(422, "currency_mismatch");
    // A well-formed code the host never issued.
    let mut foreign = koban_core::emv::MerchantCode::new("JP", koban_core::money::Currency::from_alpha("JPY").unwrap());
    foreign.accounts.push(koban_core::emv::Account::Template(koban_core::emv::Template::with_guid(
        26,
        "jp.or.paymentsjapan",
        [(1, "0000099999999".to_string())],
    )));
    foreign.merchant_name = Some("ELSEWHERE".into());
    foreign.merchant_city = Some("OSAKA".into());
    host.post(
        &aiko,
        "/v1/payments",
        json!({ "payload": foreign.encode().unwrap(), "route": "jpqr", "amount": amt(1, "JPY") }),
    )
    .await
    .refused(404, "unknown_merchant");
}

#[tokio::test]
async fn tips_convenience_fees_and_payer_typed_references_follow_the_code() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    host.fund(&aiko, 100_000, 50_000).await;
    let make = |body: Value| {
        let host = &host;
        async move { host.merchant_post("m_jp_ramen", "/v1/merchants/m_jp_ramen/dynamic-codes", body, &key()).await }
    };

    let prompt =
        make(json!({ "amount": amt(1_000, "JPY"), "bill_number": "***", "tip": { "kind": "prompt" } })).await.ok();
    let payload = prompt["payload"].as_str().unwrap();
    host.post(&aiko, "/v1/payments", json!({ "payload": payload, "route": "jpqr", "tip": amt(150, "JPY") }))
        .await
        .refused(422, "reference_required");
    let paid = host
        .post(&aiko, "/v1/payments", json!({ "payload": payload, "route": "jpqr", "tip": amt(150, "JPY"), "references": { "bill_number": "TABLE-7" } }))
        .await
        .ok();
    assert_eq!(
        (paid["amount"].clone(), paid["tip"].clone(), paid["total"].clone()),
        (amt(1_000, "JPY"), amt(150, "JPY"), amt(1_150, "JPY"))
    );

    let fixed =
        make(json!({ "amount": amt(2_000, "JPY"), "tip": { "kind": "fixed", "fee": amt(110, "JPY") } })).await.ok();
    let paid = host.post(&aiko, "/v1/payments", json!({ "payload": fixed["payload"], "route": "jpqr" })).await.ok();
    assert_eq!(paid["total"], amt(2_110, "JPY"));

    // 3.5 % of ¥999 = ¥34.965, rounded down to ¥34.
    let pct = make(json!({ "amount": amt(999, "JPY"), "tip": { "kind": "percentage", "hundredths": 350 } })).await.ok();
    host.post(&aiko, "/v1/payments", json!({ "payload": pct["payload"], "route": "jpqr", "tip": amt(1, "JPY") }))
        .await
        .refused(422, "amount_mismatch");
    let paid = host.post(&aiko, "/v1/payments", json!({ "payload": pct["payload"], "route": "jpqr" })).await.ok();
    assert_eq!(paid["total"], amt(1_033, "JPY"));
    assert_eq!(host.balance(&aiko).await, 50_000 - 1_150 - 2_110 - 1_033);
    make(json!({ "amount": amt(999, "JPY"), "tip": { "kind": "percentage", "hundredths": 0 } }))
        .await
        .refused(400, "bad_request");
}

#[tokio::test]
async fn a_foreign_code_needs_a_live_matching_quote_executed_once() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    host.fund(&aiko, 100_000, 20_000).await;
    let payload = host.merchant_payload("m_th_somtam").await;
    let pay = |quote: Option<&str>, thb: i64| json!({ "payload": payload, "route": "promptpay", "amount": amt(thb, "THB"), "quote_id": quote });

    host.post(&aiko, "/v1/payments", pay(None, 12_000)).await.refused(422, "quote_required");
    let q = host
        .post(&aiko, "/v1/quotes", json!({ "purpose": "merchant_payment", "receive": amt(12_000, "THB") }))
        .await
        .ok();
    // THB 120.00 at 0.23 less 1.5 % = 0.22655 per yen: ¥529.68..., rounded up to ¥530; fee
    // 0.5 % of ¥530 = ¥2.65, rounded up to ¥3 (at least ¥1, at most ¥300), shown with its rule.
    assert_eq!(q["send"], amt(530, "JPY"));
    assert_eq!(q["fee"], amt(3, "JPY"));
    assert_eq!(q["total"], amt(533, "JPY"));
    assert_eq!(q["fee_rule"], json!({ "percent_bps": 50, "min": amt(1, "JPY"), "max": amt(300, "JPY") }));
    assert_eq!(q["rate"], "0.2265500000");
    assert_eq!(q["mid_rate"], "0.2300000000");
    assert_eq!(q["expires_at"].as_i64().unwrap() - q["created_at"].as_i64().unwrap(), 60);
    let qid = q["id"].as_str().unwrap();

    host.post(&aiko, "/v1/payments", pay(Some(qid), 12_100)).await.refused(422, "quote_mismatch");
    let k = key();
    let paid = host.post_key(&aiko, "/v1/payments", pay(Some(qid), 12_000), &k).await.ok();
    // A retry of the same request is the original answer, not "quote used".
    let retry = host.post_key(&aiko, "/v1/payments", pay(Some(qid), 12_000), &k).await;
    assert!(retry.replayed);
    assert_eq!(retry.body, paid);
    assert_eq!(paid["debited"], amt(533, "JPY"));
    assert_eq!(paid["amount"], amt(12_000, "THB"));
    assert_eq!(host.balance(&aiko).await, 20_000 - 533);
    assert_eq!(host.account_balance("merchant:m_th_somtam"), 12_000);
    assert_eq!(host.account_balance("fee:JPY"), 3);
    host.post(&aiko, "/v1/payments", pay(Some(qid), 12_000)).await.refused(409, "quote_used");

    let q2 = host
        .post(&aiko, "/v1/quotes", json!({ "purpose": "merchant_payment", "receive": amt(5_000, "THB") }))
        .await
        .ok();
    host.sandbox.advance_clock(61);
    host.post(&aiko, "/v1/payments", pay(q2["id"].as_str(), 5_000)).await.refused(410, "quote_expired");
    assert_eq!(host.balance(&aiko).await, 20_000 - 533);

    host.post(&aiko, "/v1/quotes", json!({ "purpose": "merchant_payment", "receive": amt(5_000, "JPY") }))
        .await
        .refused(400, "bad_request");
    host.post(&aiko, "/v1/quotes", json!({ "purpose": "merchant_payment", "receive": amt(5_000, "XXX") }))
        .await
        .refused(422, "unsupported_corridor");
}

#[tokio::test]
async fn every_seeded_merchant_country_can_be_paid() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    host.fund(&aiko, 10_000_000, 1_000_000).await;
    let merchants: Value =
        host.http.get(format!("{}/v1/merchants", host.url)).send().await.unwrap().json().await.unwrap();
    let mut countries = Vec::new();
    for m in merchants["merchants"].as_array().unwrap() {
        let (cur, payload, scheme) =
            (m["currency"].as_str().unwrap(), m["static_payload"].as_str().unwrap(), m["scheme"].as_str().unwrap());
        let exponent = koban_core::money::Currency::from_alpha(cur).unwrap().exponent();
        let minor = 100 * 10i64.pow(u32::from(exponent));
        let quote = if cur == "JPY" {
            Value::Null
        } else {
            host.post(&aiko, "/v1/quotes", json!({ "purpose": "merchant_payment", "receive": amt(minor, cur) }))
                .await
                .ok()["id"]
                .clone()
        };
        let paid = host
            .post(
                &aiko,
                "/v1/payments",
                json!({ "payload": payload, "route": scheme, "amount": amt(minor, cur), "quote_id": quote }),
            )
            .await
            .ok();
        assert_eq!(paid["amount"], amt(minor, cur));
        countries.push(m["country"].as_str().unwrap().to_owned());
    }
    countries.sort();
    countries.dedup();
    assert_eq!(countries, ["ID", "IN", "JP", "KH", "MY", "PH", "SG", "TH", "VN"]);
}

// ---------- P2P and remittance ----------

#[tokio::test]
async fn p2p_by_handle_and_receive_code_reaches_the_recipient() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    let ben = host.enrol("ben", "JP").await;
    host.fund(&aiko, 1_000_000, 200_000).await;

    let k = key();
    let body = json!({ "to": { "handle": "@ben" }, "amount": amt(3_000, "JPY"), "message": "ramen" });
    let sent = host.post_key(&aiko, "/v1/transfers", body.clone(), &k).await.ok();
    assert_eq!(sent["to"]["handle"], "ben");
    assert_eq!(host.post_key(&aiko, "/v1/transfers", body, &k).await.body, sent);
    let code = host.get(&ben, &format!("/v1/wallets/{}/receive-code", ben.wallet_id)).await.ok();
    let payload = code["payload"].as_str().unwrap();
    host.post(&aiko, "/v1/transfers", json!({ "to": { "receive_code": payload }, "amount": amt(2_000, "JPY") }))
        .await
        .ok();
    assert_eq!(host.balance(&ben).await, 5_000);

    let events = host.get(&ben, "/v1/events?after=0").await.ok();
    let incoming: Vec<&Value> =
        events["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "transfer_received").collect();
    assert_eq!(incoming.len(), 2);
    assert_eq!(incoming[0]["data"]["from"]["handle"], "aiko");
    let history = host.get(&ben, "/v1/history").await.ok();
    assert_eq!(history["items"][0]["direction"], "in");
    assert_eq!(history["items"][0]["amount"], amt(2_000, "JPY"));

    host.post(&aiko, "/v1/transfers", json!({ "to": { "handle": "nobody" }, "amount": amt(1, "JPY") }))
        .await
        .refused(404, "unknown_recipient");
    host.post(&aiko, "/v1/transfers", json!({ "to": { "handle": "aiko" }, "amount": amt(1, "JPY") }))
        .await
        .refused(400, "bad_request");
    host.post(&aiko, "/v1/transfers", json!({ "to": { "receive_code": "000201garbage" }, "amount": amt(1, "JPY") }))
        .await
        .refused(400, "invalid_payload");
    // Unverified: ¥100,000 per transfer and per month.
    host.post(&aiko, "/v1/transfers", json!({ "to": { "handle": "ben" }, "amount": amt(100_001, "JPY") }))
        .await
        .refused(422, "limit_exceeded");
    host.post(&aiko, "/v1/transfers", json!({ "to": { "handle": "ben" }, "amount": amt(95_001, "JPY") }))
        .await
        .refused(422, "limit_exceeded");
    host.post(&ben, "/v1/transfers", json!({ "to": { "handle": "aiko" }, "amount": amt(5_001, "JPY") }))
        .await
        .refused(402, "insufficient_funds");
    let ploy = host.enrol("ploy", "TH").await;
    host.post(&aiko, "/v1/transfers", json!({ "to": { "handle": ploy.handle }, "amount": amt(1, "JPY") }))
        .await
        .refused(422, "currency_mismatch");
}

#[tokio::test]
async fn remittance_needs_kyc_respects_caps_and_reaches_a_wallet_abroad() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    let maria = host.enrol("maria", "PH").await;
    host.fund(&aiko, 10_000_000, 4_000_000).await;
    let quote = |yen: i64| json!({ "purpose": "remittance", "destination_country": "PH", "send": amt(yen, "JPY") });
    let to_maria = |q: &Value| json!({ "quote_id": q["id"], "recipient": { "name": "Maria Santos", "handle": "maria", "relationship": "friend" }, "purpose": "family_support" });

    // What the host would refuse anyway is refused at quote time, before the confirm screen.
    host.post(&aiko, "/v1/quotes", quote(30_000)).await.refused(403, "kyc_required");
    host.verify(&aiko).await;
    let q = host.post(&aiko, "/v1/quotes", quote(30_000)).await.ok();
    // ¥30,000 at 0.385 less 1 % = 0.38115 PHP per yen = PHP 11,434.50.
    assert_eq!(q["receive"], amt(1_143_450, "PHP"));
    // 0.8 % of ¥30,000 on the instant Philippine corridor (at least ¥200, at most ¥1,500).
    assert_eq!(q["fee"], amt(240, "JPY"));
    let sent = host.post(&aiko, "/v1/remittances", to_maria(&q)).await.ok();
    assert_eq!(sent["status"], "credited");
    assert_eq!(sent["sender"]["name"], "Aiko Tanaka");
    assert!(sent["estimated_delivery_at"].as_i64().unwrap() > sent["created_at"].as_i64().unwrap());
    assert_eq!(host.balance(&maria).await, 1_143_450);
    let ev = host.get(&maria, "/v1/events").await.ok();
    assert_eq!(ev["events"][0]["kind"], "transfer_received");
    assert_eq!(ev["events"][0]["data"]["amount"], amt(1_143_450, "PHP"));

    // Partner payout to a bank account in Viet Nam; the account number is masked in the answer.
    let qv = host
        .post(
            &aiko,
            "/v1/quotes",
            json!({ "purpose": "remittance", "destination_country": "VN", "send": amt(50_000, "JPY") }),
        )
        .await
        .ok();
    let paid = host
        .post(&aiko, "/v1/remittances", json!({ "quote_id": qv["id"], "recipient": { "name": "Nguyen Van An", "payout": { "method": "bank_account", "provider": "Vietcombank", "account": "0123456789" } }, "purpose": "education" }))
        .await
        .ok();
    assert_eq!(paid["status"], "paid_out_to_partner");
    assert_eq!(paid["recipient"]["payout"]["account"], "****6789");
    assert_eq!(host.account_balance("partner:VND"), qv["receive"]["minor"].as_i64().unwrap());

    // Per-transfer cap ¥1,000,000; monthly cap ¥3,000,000 including fees.
    host.post(&aiko, "/v1/quotes", quote(1_000_001)).await.refused(422, "limit_exceeded");
    for _ in 0..2 {
        let q = host.post(&aiko, "/v1/quotes", quote(1_000_000)).await.ok();
        host.post(&aiko, "/v1/remittances", to_maria(&q)).await.ok();
    }
    host.post(&aiko, "/v1/quotes", quote(1_000_000)).await.refused(422, "limit_exceeded");
    let used = host.get(&aiko, &format!("/v1/wallets/{}", aiko.wallet_id)).await.ok()["limits"]["used_this_month"]
        ["minor"]
        .as_i64()
        .unwrap();
    // Fees: 0.8 % of ¥30,000; 1 % of ¥50,000; 0.8 % of ¥1,000,000 capped at ¥1,500.
    assert_eq!(used, 30_240 + 50_500 + 2 * 1_001_500);

    host.post(
        &aiko,
        "/v1/quotes",
        json!({ "purpose": "remittance", "destination_country": "US", "send": amt(1_000, "JPY") }),
    )
    .await
    .refused(422, "unsupported_corridor");
    let q = host.post(&aiko, "/v1/quotes", quote(1_000)).await.ok();
    host.post(
        &aiko,
        "/v1/remittances",
        json!({ "quote_id": q["id"], "recipient": { "name": "M", "handle": "maria" }, "purpose": "gambling" }),
    )
    .await
    .refused(400, "bad_request");
    host.sandbox.advance_clock(61);
    host.post(&aiko, "/v1/remittances", to_maria(&q)).await.refused(410, "quote_expired");
}

// ---------- history, events ----------

#[tokio::test]
async fn history_pages_with_a_cursor_newest_first() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    let link = host.fund(&aiko, 100_000, 0).await;
    for i in 1..=7 {
        host.post(&aiko, "/v1/topups", json!({ "bank_link_id": link, "amount": amt(i * 100, "JPY") })).await.ok();
    }
    let mut seen = Vec::new();
    let mut path = "/v1/history?limit=3".to_owned();
    loop {
        let page = host.get(&aiko, &path).await.ok();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|i| i["amount"]["minor"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/history?limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, [700, 600, 500, 400, 300, 200, 100]);
    host.get(&aiko, "/v1/history?cursor=zzz").await.refused(400, "bad_request");
}

#[tokio::test]
async fn a_long_poll_wakes_when_money_arrives() {
    let host = std::sync::Arc::new(start().await);
    let aiko = host.enrol("aiko", "JP").await;
    let ben = std::sync::Arc::new(host.enrol("ben", "JP").await);
    host.fund(&aiko, 100_000, 10_000).await;
    let last = host.get(&ben, "/v1/events").await.ok()["last_seq"].as_i64().unwrap();
    let waiter = {
        let (host, ben) = (host.clone(), ben.clone());
        tokio::spawn(async move { host.get(&ben, &format!("/v1/events?after={last}&wait=20")).await.ok() })
    };
    tokio::task::yield_now().await;
    host.post(&aiko, "/v1/transfers", json!({ "to": { "handle": "ben" }, "amount": amt(700, "JPY") })).await.ok();
    let got = waiter.await.unwrap();
    assert_eq!(got["events"][0]["kind"], "transfer_received");
    assert_eq!(got["events"][0]["data"]["amount"], amt(700, "JPY"));
}

// ---------- faults ----------

#[tokio::test]
async fn a_connection_dropped_after_commit_is_resolved_by_retrying_the_key() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    let link = host.fund(&aiko, 100_000, 0).await;
    host.sandbox.set_faults(FaultConfig { drop_after_commit_permille: 1000, ..FaultConfig::default() });
    let k = key();
    let body = json!({ "bank_link_id": link, "amount": amt(2_500, "JPY") });
    let bytes = serde_json::to_vec(&body).unwrap();
    let signed = aiko.key.sign_request("POST", "/v1/topups", &bytes, now()).unwrap();
    let mut req = host
        .http
        .post(format!("{}/v1/topups", host.url))
        .header("idempotency-key", &k)
        .header("content-type", "application/json")
        .body(bytes);
    for (n, v) in signed.pairs() {
        req = req.header(n, v);
    }
    assert!(req.send().await.is_err(), "the connection must drop without an answer");

    host.sandbox.set_faults(FaultConfig { error_after_commit_permille: 1000, ..FaultConfig::default() });
    let r = host.post_key(&aiko, "/v1/topups", body.clone(), &k).await;
    r.refused(500, "injected_fault");

    host.sandbox.set_faults(FaultConfig::default());
    let retry = host.post_key(&aiko, "/v1/topups", body, &k).await;
    assert!(retry.replayed);
    assert_eq!(retry.status, 201);
    assert_eq!(host.balance(&aiko).await, 2_500);

    host.sandbox.set_faults(FaultConfig { error_permille: 1000, ..FaultConfig::default() });
    host.post(&aiko, "/v1/topups", json!({ "bank_link_id": link, "amount": amt(1, "JPY") }))
        .await
        .refused(503, "injected_fault");
    host.sandbox.set_faults(FaultConfig::default());
    assert_eq!(host.balance(&aiko).await, 2_500);
}

#[tokio::test]
async fn admin_endpoints_answer_only_when_enabled() {
    let host = start_with(Config::default()).await;
    let r = host
        .http
        .put(format!("{}/admin/faults", host.url))
        .json(&json!({ "error_permille": 1000 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r =
        host.http.post(format!("{}/admin/clock", host.url)).json(&json!({ "advance_secs": 100 })).send().await.unwrap();
    assert_eq!(r.status(), 403);

    let admin = start().await;
    let r =
        admin.http.put(format!("{}/admin/faults", admin.url)).json(&json!({ "latency_ms": 1 })).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let inv: Value =
        admin.http.get(format!("{}/admin/invariants", admin.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(inv["ok"], true);
}

// ---------- persistence and OpenAPI ----------

#[tokio::test]
async fn a_database_file_persists_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("host.sqlite3");
    let config = Config { db_path: Some(db.clone()), admin: true, ..Config::default() };
    let (key_doc, wallet_id) = {
        let host = start_with(config.clone()).await;
        let aiko = host.enrol("aiko", "JP").await;
        host.fund(&aiko, 100_000, 4_321).await;
        (aiko.key.pkcs8().unwrap().to_vec(), aiko.wallet_id.clone())
    };
    let host = start_with(config).await;
    let aiko = common::Device {
        key: koban_core::crypto::DeviceKey::from_pkcs8(&key_doc).unwrap(),
        wallet_id,
        handle: "aiko".into(),
    };
    assert_eq!(host.balance(&aiko).await, 4_321);
    let merchants: Value =
        host.http.get(format!("{}/v1/merchants", host.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(merchants["merchants"].as_array().unwrap().len(), 10, "seeded once, not twice");
}

#[tokio::test]
async fn openapi_document_is_valid_and_matches_the_routes() {
    // Generated from the code (koban_sandbox::api::openapi); the committed file is held equal
    // to it by a unit test.
    let doc: Value = serde_json::from_str(koban_sandbox::api::openapi_json()).expect("the document is JSON");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("no $ref path items") {
            let responses = op["responses"].as_object().map(|r| r.len()).unwrap_or(0);
            assert!(responses > 0, "{method} {path} documents no response");
            assert!(op["responses"]["default"].is_object(), "{method} {path} documents no refusal");
            documented.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    let mut served: Vec<String> =
        koban_sandbox::api::routes().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    documented.sort();
    served.sort();
    assert_eq!(documented, served);

    // Every $ref points at a component that exists.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                m.iter().for_each(
                    |(k, v)| if k == "$ref" { out.push(v.as_str().unwrap().to_owned()) } else { refs(v, out) },
                )
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let pointer = r.strip_prefix('#').expect("local refs only");
        assert!(doc.pointer(pointer).is_some(), "dangling {r}");
    }

    let host = start().await;
    let served_doc: Value =
        host.http.get(format!("{}/openapi.json", host.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(served_doc, doc);
}

#[tokio::test]
async fn prices_are_published_per_corridor_and_quotes_apply_them() {
    let host = start().await;
    // Japan's price list: merchants abroad and every corridor out of Japan, in yen.
    let jp = host.http.get(format!("{}/v1/pricing", host.url)).send().await.unwrap();
    assert_eq!(jp.status().as_u16(), 200);
    let jp: Value = jp.json().await.unwrap();
    assert_eq!(jp["currency"], "JPY");
    assert_eq!(
        jp["merchant_payment"]["fee"],
        json!({ "percent_bps": 50, "min": amt(1, "JPY"), "max": amt(300, "JPY") })
    );
    let to: Vec<&str> = jp["corridors"].as_array().unwrap().iter().map(|c| c["to_country"].as_str().unwrap()).collect();
    for country in ["PH", "TH", "VN", "IN", "ID", "SG", "MY", "KH", "CN"] {
        assert!(to.contains(&country), "JP → {country} in {to:?}");
    }
    // The Philippines' list: the way back to Japan, floors and caps in pesos.
    let ph: Value =
        host.http.get(format!("{}/v1/pricing?country=ph", host.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(ph["currency"], "PHP");
    assert_eq!(ph["corridors"][0]["to_country"], "JP");
    assert_eq!(ph["corridors"][0]["fee"]["min"], amt(9_625, "PHP"));
    let bad = host.http.get(format!("{}/v1/pricing?country=ZZ", host.url)).send().await.unwrap();
    assert_eq!(bad.status().as_u16(), 400);

    // A ₹60 chai costs a ¥1 fee, not ¥50.
    let aiko = host.enrol("aiko", "JP").await;
    host.fund(&aiko, 10_000_000, 500_000).await;
    let chai = host
        .post(&aiko, "/v1/quotes", json!({ "purpose": "merchant_payment", "receive": amt(6_000, "INR") }))
        .await
        .ok();
    assert_eq!(chai["fee"], amt(1, "JPY"), "{chai}");

    // Japan → China, paid out to a bank account in yuan.
    host.verify(&aiko).await;
    let cn = host
        .post(
            &aiko,
            "/v1/quotes",
            json!({ "purpose": "remittance", "destination_country": "CN", "send": amt(20_000, "JPY") }),
        )
        .await
        .ok();
    assert_eq!(cn["receive"]["currency"], "CNY");
    assert_eq!(cn["fee"], amt(300, "JPY"), "1 % of ¥20,000 is under the ¥300 floor");
    let sent = host
        .post(&aiko, "/v1/remittances", json!({ "quote_id": cn["id"], "recipient": { "name": "Li Wei", "payout": { "method": "bank_account", "provider": "ICBC", "account": "6222020200112233" } }, "purpose": "family_support" }))
        .await
        .ok();
    assert_eq!(sent["status"], "paid_out_to_partner");
    assert_eq!(host.account_balance("partner:CNY"), cn["receive"]["minor"].as_i64().unwrap());

    // The Philippines → Japan: Maria sends yen home to Aiko.
    let maria = host.enrol("maria", "PH").await;
    host.post(
        &maria,
        "/v1/quotes",
        json!({ "purpose": "remittance", "destination_country": "JP", "send": amt(100_000, "PHP") }),
    )
    .await
    .refused(403, "kyc_required");
    host.verify(&maria).await;
    // A bank at home in the Philippines: a peso account funds the wallet.
    let link = host
        .post(
            &maria,
            "/v1/bank-links",
            json!({ "bank_id": "bank_luzon", "account_number": "7654321", "holder_name": "MARIA SANTOS" }),
        )
        .await
        .ok();
    host.post(&maria, "/v1/topups", json!({ "bank_link_id": link["id"], "amount": amt(1_000_000, "PHP") })).await.ok();
    // A Japanese bank is not hers to link.
    host.post(
        &maria,
        "/v1/bank-links",
        json!({ "bank_id": "bank_sakura", "account_number": "7654321", "holder_name": "MARIA SANTOS" }),
    )
    .await
    .refused(422, "currency_mismatch");
    let back = host
        .post(
            &maria,
            "/v1/quotes",
            json!({ "purpose": "remittance", "destination_country": "JP", "send": amt(100_000, "PHP") }),
        )
        .await
        .ok();
    assert_eq!(back["receive"]["currency"], "JPY");
    let before = host.balance(&aiko).await;
    host.post(&maria, "/v1/remittances", json!({ "quote_id": back["id"], "recipient": { "name": "Aiko Tanaka", "handle": "aiko", "relationship": "friend" }, "purpose": "gift" }))
        .await
        .ok();
    assert_eq!(host.balance(&aiko).await, before + back["receive"]["minor"].as_i64().unwrap());
    // No corridor between two foreign countries.
    host.post(
        &maria,
        "/v1/quotes",
        json!({ "purpose": "remittance", "destination_country": "TH", "send": amt(100, "PHP") }),
    )
    .await
    .refused(422, "unsupported_corridor");
}

#[tokio::test]
async fn withdrawals_are_once_per_key_capped_and_only_to_ones_own_live_link() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    let ben = host.enrol("ben", "JP").await;
    let link = host.fund(&aiko, 2_000_000, 900_000).await;
    host.verify(&aiko).await;
    let w = |yen: i64| json!({ "bank_link_id": link, "amount": amt(yen, "JPY") });
    // Once per key: the retry is the stored answer.
    let k = key();
    let first = host.post_key(&aiko, "/v1/withdrawals", w(200_000), &k).await.ok();
    assert_eq!(first["fee"], amt(200, "JPY"), "0.1 % of ¥200,000");
    assert_eq!(first["total"], amt(200_200, "JPY"));
    let again = host.post_key(&aiko, "/v1/withdrawals", w(200_000), &k).await;
    assert!(again.replayed);
    assert_eq!(host.balance(&aiko).await, 900_000 - 200_200);
    // Capped per withdrawal, whatever the balance and the tier allow.
    host.post(&aiko, "/v1/withdrawals", w(500_001)).await.refused(422, "limit_exceeded");
    // Someone else's link is not there for ben, to withdraw to or to unlink.
    host.post(&ben, "/v1/withdrawals", w(1_000)).await.refused(403, "forbidden");
    host.post(&ben, &format!("/v1/bank-links/{link}/unlink"), json!({})).await.refused(404, "not_found");
    // Unlinked: gone from the list, no money in or out; unlinking again answers the same.
    let u = host.post(&aiko, &format!("/v1/bank-links/{link}/unlink"), json!({})).await.ok();
    assert_eq!(u["bank_link_id"], link.as_str());
    host.post(&aiko, &format!("/v1/bank-links/{link}/unlink"), json!({})).await.ok();
    let links = host.get(&aiko, "/v1/bank-links").await.ok();
    assert_eq!(links["bank_links"], json!([]));
    host.post(&aiko, "/v1/withdrawals", w(1_000)).await.refused(404, "not_found");
    host.post(&aiko, "/v1/topups", json!({ "bank_link_id": link, "amount": amt(1_000, "JPY") }))
        .await
        .refused(404, "not_found");
    assert_eq!(host.balance(&aiko).await, 900_000 - 200_200);
    assert_eq!(host.account_balance("fee:JPY"), 200);
}

// ---------- between friends: money requests, split bills, recipients ----------

/// The kinds and data of a wallet's events so far.
async fn events_of(host: &common::Host, dev: &common::Device) -> Vec<(String, Value)> {
    let page = host.get(dev, "/v1/events?after=0").await.ok();
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap().to_owned(), e["data"].clone()))
        .collect()
}

#[tokio::test]
async fn a_money_request_is_paid_once_declined_or_lapses() {
    let host = start().await;
    let (aiko, ben, chika) =
        (host.enrol("aiko", "JP").await, host.enrol("ben", "JP").await, host.enrol("chika", "JP").await);
    host.fund(&ben, 100_000, 20_000).await;
    let ask = |note: &str| json!({ "from": "@ben", "amount": amt(3_000, "JPY"), "note": note });
    let r = host.post(&aiko, "/v1/money-requests", ask("dinner")).await.ok();
    let id = r["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (r["status"].as_str(), r["payer"]["handle"].as_str(), r["requester"]["handle"].as_str()),
        (Some("pending"), Some("ben"), Some("aiko"))
    );
    assert_eq!(r["expires_at"].as_i64().unwrap() - r["created_at"].as_i64().unwrap(), 7 * 24 * 3600);
    // The payer hears of it and finds it in the list; a stranger does not.
    assert!(events_of(&host, &ben).await.iter().any(|(k, d)| k == "money_request_received" && d["id"] == id.as_str()));
    let pending = host.get(&ben, "/v1/money-requests?status=pending").await.ok();
    assert_eq!(pending["money_requests"][0]["id"], id.as_str());
    host.get(&chika, &format!("/v1/money-requests/{id}")).await.refused(404, "not_found");
    // Nonsense is refused before anything is kept.
    host.post(&aiko, "/v1/money-requests", json!({ "from": "aiko", "amount": amt(1, "JPY") }))
        .await
        .refused(400, "bad_request");
    host.post(&aiko, "/v1/money-requests", json!({ "from": "nobody_at_all", "amount": amt(1, "JPY") }))
        .await
        .refused(404, "unknown_recipient");
    host.enrol("somchai", "TH").await;
    host.post(&aiko, "/v1/money-requests", json!({ "from": "somchai", "amount": amt(1, "JPY") }))
        .await
        .refused(422, "currency_mismatch");
    host.post(&aiko, "/v1/money-requests", json!({ "from": "ben", "amount": amt(1, "JPY"), "note": "x\u{202e}" }))
        .await
        .refused(400, "bad_request");

    // Paid once: the amount must be the request's, a retry replays, another key is refused.
    let pay = format!("/v1/money-requests/{id}/pay");
    host.post(&ben, &pay, json!({ "amount": amt(2_000, "JPY") })).await.refused(422, "amount_mismatch");
    host.post(&aiko, &pay, json!({ "amount": amt(3_000, "JPY") })).await.refused(400, "bad_request");
    let k = key();
    let paid = host.post_key(&ben, &pay, json!({ "amount": amt(3_000, "JPY") }), &k).await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    assert_eq!(
        (paid.body["kind"].as_str(), paid.body["money_request_id"].as_str(), paid.body["message"].as_str()),
        (Some("p2p"), Some(id.as_str()), Some("dinner"))
    );
    let again = host.post_key(&ben, &pay, json!({ "amount": amt(3_000, "JPY") }), &k).await;
    assert!(again.replayed && again.body == paid.body);
    let r = host.post(&ben, &pay, json!({ "amount": amt(3_000, "JPY") })).await;
    r.refused(409, "request_not_pending");
    assert!(r.body["error"]["message"].as_str().unwrap().contains("already paid"), "{}", r.body);
    assert_eq!((host.balance(&ben).await, host.balance(&aiko).await), (17_000, 3_000));
    // The requester hears the money and the answer, both naming the request.
    let heard = events_of(&host, &aiko).await;
    let tx = paid.body["id"].as_str().unwrap();
    assert!(
        heard.iter().any(|(k, d)| k == "transfer_received" && d["id"] == tx && d["money_request_id"] == id.as_str()),
        "{heard:?}"
    );
    assert!(
        heard.iter().any(|(k, d)| k == "money_request_answered" && d["status"] == "paid" && d["transaction_id"] == tx),
        "{heard:?}"
    );

    // Declined: nothing moves, the requester hears it, it cannot be paid afterwards.
    let id2 = host.post(&aiko, "/v1/money-requests", ask("taxi")).await.ok()["id"].as_str().unwrap().to_owned();
    let d = host.post(&ben, &format!("/v1/money-requests/{id2}/decline"), json!({})).await.ok();
    assert_eq!(d["status"], "declined");
    host.post(&ben, &format!("/v1/money-requests/{id2}/pay"), json!({ "amount": amt(3_000, "JPY") }))
        .await
        .refused(409, "request_not_pending");
    assert!(events_of(&host, &aiko)
        .await
        .iter()
        .any(|(k, d)| k == "money_request_answered" && d["id"] == id2.as_str() && d["status"] == "declined"));
    assert_eq!(host.balance(&ben).await, 17_000);

    // Lapsed after a week by the host's clock: shown expired, refused.
    let id3 = host.post(&aiko, "/v1/money-requests", ask("cinema")).await.ok()["id"].as_str().unwrap().to_owned();
    host.sandbox.advance_clock(7 * 24 * 3600 + 1);
    let r = host.get(&ben, &format!("/v1/money-requests/{id3}")).await.ok();
    assert_eq!(r["status"], "expired");
    let r = host.post(&ben, &format!("/v1/money-requests/{id3}/pay"), json!({ "amount": amt(3_000, "JPY") })).await;
    r.refused(409, "request_not_pending");
    assert!(r.body["error"]["message"].as_str().unwrap().contains("expired"), "{}", r.body);
    host.post(&ben, &format!("/v1/money-requests/{id3}/decline"), json!({})).await.refused(409, "request_not_pending");
    let all = host.get(&aiko, "/v1/money-requests").await.ok();
    let states: Vec<&str> =
        all["money_requests"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(states, ["expired", "declined", "paid"], "newest first");
    assert_eq!(host.balance(&ben).await, 17_000);
}

#[tokio::test]
async fn a_wallet_cannot_pester_a_friend_or_everyone_with_requests() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    let mut friends = Vec::new();
    for i in 0..21 {
        friends.push(host.enrol(&format!("friend{i}"), "JP").await);
    }
    let ask = |who: &str| json!({ "from": who, "amount": amt(100, "JPY"), "note": "" });
    // Three open requests with one friend; a fourth is refused, and nobody is asked.
    let mut first = String::new();
    for n in 0..3 {
        let r = host.post(&aiko, "/v1/money-requests", ask("friend0")).await.ok();
        if n == 0 {
            first = r["id"].as_str().unwrap().to_owned();
        }
    }
    host.post(&aiko, "/v1/money-requests", ask("friend0")).await.refused(422, "limit_exceeded");
    let heard = events_of(&host, &friends[0]).await;
    assert_eq!(heard.iter().filter(|(k, _)| k == "money_request_received").count(), 3);
    // Once the friend answers one, asking again is fine; other friends were never limited.
    host.post(&friends[0], &format!("/v1/money-requests/{first}/decline"), json!({})).await.ok();
    host.post(&aiko, "/v1/money-requests", ask("friend0")).await.ok();
    // At most 60 a day in all, split shares included: the refused split asks no one.
    let everyone: Vec<Value> =
        (1..21).map(|i| json!({ "handle": format!("friend{i}"), "amount": amt(100, "JPY") })).collect();
    let split = json!({ "total": amt(2_000, "JPY"), "note": "trip", "shares": everyone });
    for _ in 0..2 {
        host.post(&aiko, "/v1/splits", split.clone()).await.ok();
    }
    // 4 + 40 made today: a third split of 20 would pass 60.
    host.post(&aiko, "/v1/splits", split.clone()).await.refused(422, "limit_exceeded");
    let heard = events_of(&host, &friends[20]).await;
    assert_eq!(heard.iter().filter(|(k, _)| k == "money_request_received").count(), 2);
    // A new day brings a new quota (the week-old requests have lapsed too).
    host.sandbox.advance_clock(8 * 24 * 3600);
    host.post(&aiko, "/v1/splits", split).await.ok();
    host.sandbox.check_invariants().unwrap();
}

#[tokio::test]
async fn a_split_bill_asks_every_friend_and_shows_who_has_paid() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    let friends = [host.enrol("ben", "JP").await, host.enrol("chika", "JP").await, host.enrol("daichi", "JP").await];
    for f in &friends {
        host.fund(f, 100_000, 10_000).await;
    }
    let shares = |a: i64, b: i64, c: i64| {
        json!([
            { "handle": "@ben", "amount": amt(a, "JPY") },
            { "handle": "chika", "amount": amt(b, "JPY") },
            { "handle": "daichi", "amount": amt(c, "JPY") },
        ])
    };
    let split = |shares: Value| json!({ "total": amt(10_000, "JPY"), "note": "izakaya", "shares": shares });
    let r = host.post(&aiko, "/v1/splits", split(shares(3_333, 3_333, 3_333))).await;
    r.refused(400, "bad_request");
    assert!(r.body["error"]["message"].as_str().unwrap().contains("add up"), "{}", r.body);
    let twice =
        json!([{ "handle": "ben", "amount": amt(5_000, "JPY") }, { "handle": "@BEN", "amount": amt(5_000, "JPY") }]);
    host.post(&aiko, "/v1/splits", split(twice)).await.refused(400, "bad_request");
    let s = host.post(&aiko, "/v1/splits", split(shares(3_334, 3_333, 3_333))).await.ok();
    let split_id = s["id"].as_str().unwrap().to_owned();
    let requests = s["requests"].as_array().unwrap();
    let shown: Vec<(&str, i64, &str)> = requests
        .iter()
        .map(|r| {
            (
                r["payer"]["handle"].as_str().unwrap(),
                r["amount"]["minor"].as_i64().unwrap(),
                r["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(shown, [("ben", 3_334, "pending"), ("chika", 3_333, "pending"), ("daichi", 3_333, "pending")]);
    assert!(requests.iter().all(|r| r["split_id"] == split_id.as_str() && r["note"] == "izakaya"));
    assert_eq!(s["paid"], amt(0, "JPY"));

    // Ben and Daichi pay, Chika declines: the organiser sees who has paid.
    for (friend, r) in [(&friends[0], &requests[0]), (&friends[2], &requests[2])] {
        let path = format!("/v1/money-requests/{}/pay", r["id"].as_str().unwrap());
        host.post(friend, &path, json!({ "amount": r["amount"] })).await.ok();
    }
    host.post(&friends[1], &format!("/v1/money-requests/{}/decline", requests[1]["id"].as_str().unwrap()), json!({}))
        .await
        .ok();
    let s = host.get(&aiko, &format!("/v1/splits/{split_id}")).await.ok();
    let states: Vec<&str> = s["requests"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(states, ["paid", "declined", "paid"]);
    assert_eq!(s["paid"], amt(6_667, "JPY"));
    assert_eq!(host.balance(&aiko).await, 6_667);
    // Only the organiser reads the split.
    host.get(&friends[0], &format!("/v1/splits/{split_id}")).await.refused(404, "not_found");
}

#[tokio::test]
async fn a_receive_code_with_an_amount_is_paid_exactly_that_and_recipients_are_shown_first() {
    let host = start().await;
    let (aiko, ben) = (host.enrol("aiko", "JP").await, host.enrol("ben", "JP").await);
    host.fund(&ben, 100_000, 20_000).await;
    let plain = host.get(&aiko, &format!("/v1/wallets/{}/receive-code", aiko.wallet_id)).await.ok();
    let asking =
        host.get(&aiko, &format!("/v1/wallets/{}/receive-code?amount=3000&note=dinner", aiko.wallet_id)).await.ok();
    let code = asking["payload"].as_str().unwrap().to_owned();
    assert_ne!(plain["payload"], asking["payload"]);
    let d = koban_core::scheme::detect(&code).unwrap();
    assert_eq!(d.amount.map(|m| m.minor()), Some(3_000));
    assert!(d.references.iter().any(|r| r.value.as_deref() == Some("dinner")), "{:?}", d.references);
    host.get(&aiko, &format!("/v1/wallets/{}/receive-code?amount=0", aiko.wallet_id)).await.refused(400, "bad_request");
    host.get(&aiko, &format!("/v1/wallets/{}/receive-code?note=%E2%80%AEx", aiko.wallet_id))
        .await
        .refused(400, "bad_request");

    // The payer cannot type another amount; exactly the code's goes through.
    let send = |minor: i64| json!({ "to": { "receive_code": code }, "amount": amt(minor, "JPY") });
    let r = host.post(&ben, "/v1/transfers", send(2_000)).await;
    r.refused(422, "amount_mismatch");
    assert!(r.body["error"]["message"].as_str().unwrap().contains("¥3,000"), "{}", r.body);
    host.post(&ben, "/v1/transfers", send(3_000)).await.ok();
    assert_eq!(host.balance(&aiko).await, 3_000);
    // The plain code still lets the payer choose.
    host.post(&ben, "/v1/transfers", json!({ "to": { "receive_code": plain["payload"] }, "amount": amt(700, "JPY") }))
        .await
        .ok();

    // Who a handle is, before sending: name, country and the currency that decides the route.
    host.enrol("somchai", "TH").await;
    let who = host.get(&ben, "/v1/recipients/@somchai").await.ok();
    assert_eq!(who, json!({ "handle": "somchai", "display_name": "somchai", "country": "TH", "currency": "THB" }));
    host.get(&ben, "/v1/recipients/nobody_at_all").await.refused(404, "unknown_recipient");
}

#[tokio::test]
async fn looking_people_up_is_rate_limited_so_handles_cannot_be_harvested() {
    let host = start().await;
    let aiko = host.enrol("aiko", "JP").await;
    host.enrol("ben", "JP").await;
    for _ in 0..30 {
        host.get(&aiko, "/v1/recipients/ben").await.ok();
    }
    host.get(&aiko, "/v1/recipients/ben").await.refused(422, "limit_exceeded");
    // A minute later the quota is back; another wallet had its own all along.
    let eve = host.enrol("eve", "JP").await;
    host.get(&eve, "/v1/recipients/aiko").await.ok();
    host.sandbox.advance_clock(60);
    host.get(&aiko, "/v1/recipients/ben").await.ok();
}

#[tokio::test]
async fn only_the_friend_asked_answers_a_money_request() {
    let host = start().await;
    let (aiko, ben, chika) =
        (host.enrol("aiko", "JP").await, host.enrol("ben", "JP").await, host.enrol("chika", "JP").await);
    host.fund(&ben, 100_000, 20_000).await;
    host.fund(&chika, 100_000, 20_000).await;
    let asked = host
        .post(&aiko, "/v1/money-requests", json!({ "from": "@ben", "amount": amt(3_000, "JPY"), "note": "tickets" }))
        .await
        .ok();
    let id = asked["id"].as_str().unwrap().to_owned();
    let pay = format!("/v1/money-requests/{id}/pay");
    let decline = format!("/v1/money-requests/{id}/decline");
    // Someone who learnt the id (a screenshot, a shared phone) cannot pay it or decline it.
    host.post(&chika, &pay, json!({ "amount": amt(3_000, "JPY") })).await.refused(404, "not_found");
    host.post(&chika, &decline, json!({})).await.refused(404, "not_found");
    // The one who asked cannot answer for her friend either.
    host.post(&aiko, &pay, json!({ "amount": amt(3_000, "JPY") })).await.refused(400, "bad_request");
    host.post(&aiko, &decline, json!({})).await.refused(400, "bad_request");
    assert_eq!((host.balance(&aiko).await, host.balance(&ben).await, host.balance(&chika).await), (0, 20_000, 20_000));
    let still = host.get(&ben, &format!("/v1/money-requests/{id}")).await.ok();
    assert_eq!(still["status"], "pending");
    host.sandbox.check_invariants().unwrap();
}
