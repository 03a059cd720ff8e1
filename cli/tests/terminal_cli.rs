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

/// A wallet enrolled at `url` with a linked bank and `yen` topped up: its signing client and id.
async fn funded_shopper(url: &str, yen: i64) -> (Client, String) {
    let client = Client {
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
        url: url.to_owned(),
        key: DeviceKey::generate().unwrap(),
        n: 0.into(),
    };
    let enrolled = client.post("/v1/devices", json!({ "public_key": client.key.public_key_b64(), "country": "JP", "handle": "aiko", "display_name": "Aiko" })).await;
    let wallet = enrolled["wallet"]["id"].as_str().unwrap().to_owned();
    let link = client.post("/v1/bank-links", json!({ "bank_id": "bank_sakura", "account_number": "1234567", "holder_name": "TANAKA AIKO", "sandbox_opening_balance": 100000 })).await;
    client
        .post("/v1/topups", json!({ "bank_link_id": link["id"], "amount": { "minor": yen, "currency": "JPY" } }))
        .await;
    (client, wallet)
}

#[test]
fn a_host_without_scheme_is_taken_as_loopback_http_and_a_bad_one_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 9 of loopback: the URL is accepted, the connection then fails.
    let (code, out) = terminal(&dir.path().join("till"), "127.0.0.1:9", &["enrol", "--merchant", "m_jp_mart"]);
    assert!(out.contains("http://127.0.0.1:9"), "{out}");
    assert!(!out.contains("builder error"), "{out}");
    assert_eq!(code, 2, "{out}");
    let (code, out) = terminal(&dir.path().join("till"), "ftp://127.0.0.1:9", &["status", "ch_1"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("the scheme must be http:// or https://"), "{out}");
}

/// Runs `koban terminal --home HOME --host URL ARGS…`: exit code and all output.
fn terminal(home: &std::path::Path, url: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_koban"))
        .args(["terminal", "--home", home.to_str().unwrap(), "--host", url])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_till_enrols_then_charges_a_code_once_and_refuses_the_rest() {
    let config = koban_sandbox::Config { admin: true, ..koban_sandbox::Config::default() };
    let sandbox = koban_sandbox::Sandbox::start(config).await.unwrap();
    let url = sandbox.url();
    let (client, wallet) = funded_shopper(&url, 30000).await;
    let batch = client.post("/v1/cpm/keys", json!({ "count": 5 })).await;
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
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("till");
    let run = move |args: Vec<String>| {
        let (home, url) = (home.clone(), url.clone());
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            terminal(&home, &url, &args)
        })
    };
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let charge = |amount: &str, code: &str| args(&["charge", "--amount", amount, "--currency", "JPY", code]);

    // Not enrolled yet: nothing is charged.
    let first = TokenCode::generate(&keys[0].1, &token, keys[0].0, now(), [1, 2, 3, 4]).unwrap();
    let (code, out) = run(charge("1200", &first.to_qr_text())).await.unwrap();
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not enrolled"), "{out}");
    let (code, out) = run(args(&["enrol", "--merchant", "m_jp_mart"])).await.unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("enrolled for KOBAN MART SHIBUYA"), "{out}");
    let (code, out) = run(args(&["enrol", "--merchant", "m_jp_mart"])).await.unwrap();
    assert_eq!(code, 2, "a home holds one terminal: {out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let home = dir.path().join("till");
        assert_eq!(mode(&home), 0o700);
        for f in std::fs::read_dir(&home).unwrap() {
            assert_eq!(mode(&f.unwrap().path()), 0o600);
        }
    }

    // A fresh QR code charges once.
    let (code, out) = run(charge("1200", &first.to_qr_text())).await.unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("captured ¥1,200"), "{out}");
    // The same code for another amount is refused, and says why in JSON too.
    let mut again = charge("1000", &first.to_qr_text());
    again.insert(0, "--json".into());
    let (code, out) = run(again).await.unwrap();
    assert_eq!(code, 1, "{out}");
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!((v["status"].as_str(), v["kind"].as_str()), (Some("error"), Some("code_used")), "{out}");
    // A flipped bit in the cryptogram is refused.
    let mut forged = TokenCode::generate(&keys[1].1, &token, keys[1].0, now(), [5, 6, 7, 8]).unwrap();
    forged.cryptogram[3] ^= 0x10;
    let (code, out) = run(charge("1200", &forged.to_qr_text())).await.unwrap();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("bad_cryptogram"), "{out}");
    // The numeric form of a fresh code charges once.
    let numeric = TokenCode::generate(&keys[2].1, &token, keys[2].0, now(), [0; 4]).unwrap().to_numeric().unwrap();
    let (code, out) = run(charge("800", &numeric)).await.unwrap();
    assert_eq!(code, 0, "{out}");
    // Above the no-confirmation limit the till waits for the shopper: exit 4.
    let big = TokenCode::generate(&keys[3].1, &token, keys[3].0, now(), [0; 4]).unwrap().to_numeric().unwrap();
    let mut pending = charge("15000", &big);
    pending.insert(0, "--json".into());
    let (code, out) = run(pending).await.unwrap();
    assert_eq!(code, 4, "{out}");
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["status"], "pending_approval");
    let by_ms = v["approve_by_ms"].as_i64().expect("the deadline in Unix milliseconds");
    assert!((now() as i64 * 1000..=(now() as i64 + 130) * 1000).contains(&by_ms), "{out}");
    let (code, out) = run(args(&["status", v["id"].as_str().unwrap()])).await.unwrap();
    assert_eq!(code, 4, "{out}");
    // An Alipay code goes to the host, which acquires it only when connected to the partner
    // networks (this one is not, and says so); garbage is said to be garbage.
    let (code, out) = run(charge("100", "28763443825664394")).await.unwrap();
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("Alipay"), "{out}");
    let (code, out) = run(charge("100", "garbage")).await.unwrap();
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("not a payment code this till knows"), "{out}");
    let (code, out) = run(charge("-100", &numeric)).await.unwrap();
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("amount -100: the amount must be positive"), "{out}");
    let (code, out) = run(args(&["charge", "--amount", "100", "--currency", "yen", &numeric])).await.unwrap();
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("currency \"yen\": give a three-letter ISO 4217 code"), "{out}");
    // A picture of the shopper's screen, in a currency code typed in lower case.
    let shown = TokenCode::generate(&keys[4].1, &token, keys[4].0, now(), [9, 9, 9, 9]).unwrap().to_qr_text();
    let png = dir.path().join("screen.png");
    qrcode::QrCode::new(shown.as_bytes()).unwrap().render::<image::Luma<u8>>().build().save(&png).unwrap();
    let (code, out) =
        run(args(&["charge", "--amount", "300", "--currency", "jpy", "--image", png.to_str().unwrap()])).await.unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("captured ¥300"), "{out}");

    let client_wallet: Value = {
        let signed = client.key.sign_request("GET", &format!("/v1/wallets/{wallet}"), b"", now()).unwrap();
        let mut req = client.http.get(format!("{}/v1/wallets/{wallet}", client.url));
        for (name, value) in signed.pairs() {
            req = req.header(name, value);
        }
        req.send().await.unwrap().json().await.unwrap()
    };
    assert_eq!(client_wallet["balance"]["minor"], 30000 - 1200 - 800 - 300, "exactly three charges moved money");
    assert!(sandbox.check_invariants().is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_till_refunds_a_charge_and_a_sticker_payment_once_and_no_more_than_was_paid() {
    let config = koban_sandbox::Config { admin: true, ..koban_sandbox::Config::default() };
    let sandbox = koban_sandbox::Sandbox::start(config).await.unwrap();
    let url = sandbox.url();
    let (client, wallet) = funded_shopper(&url, 10000).await;
    let batch = client.post("/v1/cpm/keys", json!({ "count": 1 })).await;
    let k = &batch["keys"][0];
    let luk = LimitedUseKey::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(k["key"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    let counter = k["counter"].as_u64().unwrap() as u16;
    let code = TokenCode::generate(&luk, batch["token"].as_str().unwrap(), counter, now(), [1, 2, 3, 4]).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let run = |till: &str, args: &[&str]| {
        let (home, url) = (dir.path().join(till), url.clone());
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            terminal(&home, &url, &args)
        })
    };
    assert_eq!(run("mart", &["enrol", "--merchant", "m_jp_mart"]).await.unwrap().0, 0);
    assert_eq!(run("ramen", &["enrol", "--merchant", "m_jp_ramen"]).await.unwrap().0, 0);
    let (code, out) =
        run("mart", &["--json", "charge", "--amount", "1000", "--currency", "JPY", &code.to_qr_text()]).await.unwrap();
    assert_eq!(code, 0, "{out}");
    let charge = serde_json::from_str::<Value>(out.trim()).unwrap()["id"].as_str().unwrap().to_owned();

    // Another merchant's till cannot refund it.
    let (code, out) = run("ramen", &["refund", "--charge", &charge]).await.unwrap();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("not_found"), "{out}");
    // A partial refund, run twice: one refund.
    let (code, out) = run("mart", &["refund", "--charge", &charge, "--amount", "300"]).await.unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("refunded ¥300 of charge {charge}")) && out.contains("¥700 left"), "{out}");
    let (code, again) = run("mart", &["refund", "--charge", &charge, "--amount", "300"]).await.unwrap();
    assert_eq!((code, &again), (0, &out), "the same command is the same refund");
    // More than is left is refused; the rest is refunded.
    let (code, out) = run("mart", &["--json", "refund", "--charge", &charge, "--amount", "701"]).await.unwrap();
    assert_eq!(code, 1, "{out}");
    assert_eq!(serde_json::from_str::<Value>(out.trim()).unwrap()["kind"], "refund_exceeds_payment");
    let (code, out) = run("mart", &["--json", "refund", "--charge", &charge]).await.unwrap();
    assert_eq!(code, 0, "{out}");
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!((v["amount"]["minor"].as_i64(), v["refundable"]["minor"].as_i64()), (Some(700), Some(0)));

    // A payment to the ramen shop's sticker, refunded in part by its transaction id.
    let merchants: Value = client.http.get(format!("{url}/v1/merchants")).send().await.unwrap().json().await.unwrap();
    let sticker = merchants["merchants"].as_array().unwrap().iter().find(|m| m["id"] == "m_jp_ramen").unwrap()
        ["static_payload"]
        .clone();
    let paid = client
        .post(
            "/v1/payments",
            json!({ "payload": sticker, "route": "jpqr", "amount": { "minor": 980, "currency": "JPY" } }),
        )
        .await;
    let tx = paid["id"].as_str().unwrap();
    let (code, out) = run("ramen", &["refund", "--transaction", tx, "--amount", "480"]).await.unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("refunded ¥480 of transaction {tx}")), "{out}");
    let (code, out) = run("ramen", &["refund", "--charge", &charge, "--transaction", tx]).await.unwrap();
    assert_eq!(code, 2, "one original at a time: {out}");

    let signed = client.key.sign_request("GET", &format!("/v1/wallets/{wallet}"), b"", now()).unwrap();
    let mut req = client.http.get(format!("{url}/v1/wallets/{wallet}"));
    for (name, value) in signed.pairs() {
        req = req.header(name, value);
    }
    let w: Value = req.send().await.unwrap().json().await.unwrap();
    assert_eq!(w["balance"]["minor"], 10000 - 980 + 480, "the charge refunded in full, the payment in part");
    assert!(sandbox.check_invariants().is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_till_charges_a_tourists_alipay_wechat_pay_and_unionpay_codes_through_their_networks() {
    let partners = koban_partners::Partners::start(koban_partners::Config::default()).await.unwrap();
    let acquirer = koban_sandbox::acquiring::AcquirerConfig {
        url: partners.url(),
        key: partners.acquirers()[0].clone(),
        deadline: std::time::Duration::from_secs(10),
    };
    let config = koban_sandbox::Config { admin: true, acquirer: Some(acquirer), ..koban_sandbox::Config::default() };
    let sandbox = koban_sandbox::Sandbox::start(config).await.unwrap();
    let sim = partners.simulator_client().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (home, url) = (dir.path().join("till"), sandbox.url());
    let run = move |args: Vec<String>| {
        let (home, url) = (home.clone(), url.clone());
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            terminal(&home, &url, &args)
        })
    };
    let (code, out) = run(vec!["enrol".into(), "--merchant".into(), "m_jp_ramen".into()]).await.unwrap();
    assert_eq!(code, 0, "{out}");
    for user in ["li_wei", "wang_fang", "liu_yang"] {
        let before = sim.user(user).await.unwrap().balance.value;
        let shown = sim.issue_code(user, None).await.unwrap().code;
        let charge = ["charge", "--amount", "1200", "--currency", "JPY", &shown];
        let (code, out) = run(charge.iter().map(|s| (*s).to_owned()).collect()).await.unwrap();
        assert_eq!(code, 0, "{user}: {out}");
        assert!(out.contains("captured ¥1,200"), "{out}");
        // Run again (a till that never heard the answer): the same charge, not a second one.
        let after = sim.user(user).await.unwrap().balance.value;
        assert!(after < before, "{user} paid");
        let (code, _) = run(charge.iter().map(|s| (*s).to_owned()).collect()).await.unwrap();
        assert_eq!(code, 0);
        assert_eq!(sim.user(user).await.unwrap().balance.value, after, "{user} paid once");
    }
    assert!(sandbox.check_invariants().is_ok());
    assert!(partners.check_invariants().is_ok());
}

/// Runs `koban wallet --home HOME --host URL ARGS…`: exit code and all output.
fn wallet(home: &std::path::Path, url: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_koban"))
        .args(["wallet", "--home", home.to_str().unwrap(), "--host", url])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
    )
}

/// Runs `koban terminal` on the blocking pool (the host runs on this test's runtime).
async fn till(home: &std::path::Path, url: &str, args: &[&str]) -> (i32, String) {
    let (home, url) = (home.to_owned(), url.to_owned());
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        terminal(&home, &url, &args)
    })
    .await
    .unwrap()
}

/// Runs `koban wallet` on the blocking pool.
async fn shopper(home: &std::path::Path, url: &str, args: &[&str]) -> (i32, String) {
    let (home, url) = (home.to_owned(), url.to_owned());
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        wallet(&home, &url, &args)
    })
    .await
    .unwrap()
}

fn json_of(out: &str) -> Value {
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("not one JSON object ({e}): {out}"))
}

fn cny(minor: i64) -> String {
    koban_core::money::Money::from_minor(minor, koban_core::money::Currency::from_alpha("CNY").unwrap()).format()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_till_makes_a_code_with_its_amount_that_a_wallet_pays_exactly_once() {
    let config = koban_sandbox::Config { admin: true, ..koban_sandbox::Config::default() };
    let sandbox = koban_sandbox::Sandbox::start(config).await.unwrap();
    let url = sandbox.url();
    let dir = tempfile::tempdir().unwrap();
    let (shop, aiko) = (dir.path().join("till"), dir.path().join("aiko"));

    let (code, out) = till(&shop, &url, &["code", "--amount", "1200"]).await;
    assert_eq!(code, 2, "not enrolled yet: {out}");
    assert!(out.contains("not enrolled"), "{out}");
    assert_eq!(till(&shop, &url, &["enrol", "--merchant", "m_jp_ramen"]).await.0, 0);

    // --json: the payload and its fields; the payload is a dynamic JPQR code for that amount.
    let (code, out) = till(&shop, &url, &["--json", "code", "--amount", "1200", "--reference", "ORDER-7"]).await;
    assert_eq!(code, 0, "{out}");
    let v = json_of(&out);
    assert_eq!(v["status"], "created");
    assert!(v["id"].as_str().unwrap().starts_with("dc_"), "{out}");
    assert_eq!((v["merchant_id"].as_str(), v["merchant_name"].as_str()), (Some("m_jp_ramen"), Some("KOBAN RAMEN")));
    assert_eq!(v["amount"], json!({ "minor": 1200, "currency": "JPY" }));
    assert_eq!(v["reference"], "ORDER-7");
    let payload = v["payload"].as_str().unwrap().to_owned();
    let d = koban_core::scheme::detect(&payload).unwrap();
    assert_eq!(d.amount.map(|a| (a.minor(), a.currency().alpha())), Some((1200, "JPY")));
    assert_eq!(d.initiation.map(|i| format!("{i:?}")).as_deref(), Some("Dynamic"));

    // In words: the same reference is the same code, its payload on the last line (no QR
    // drawing when the output is not a terminal).
    let (code, out) = till(&shop, &url, &["code", "--amount", "1200", "--reference", "ORDER-7"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with(&format!("code {}: ¥1,200 to KOBAN RAMEN, reference ORDER-7", v["id"].as_str().unwrap())));
    assert_eq!(out.trim_end().lines().last(), Some(payload.as_str()), "{out}");
    assert!(!out.contains('▀'), "{out}");
    // Another amount under that reference is refused with a way out; another currency too.
    let (code, out) = till(&shop, &url, &["code", "--amount", "1300", "--reference", "ORDER-7"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("reference ORDER-7 already names a code for another amount"), "{out}");
    let (code, out) = till(&shop, &url, &["--json", "code", "--amount", "500", "--currency", "thb"]).await;
    assert_eq!(code, 2, "{out}");
    assert_eq!(json_of(&out)["message"], "KOBAN RAMEN takes JPY, not THB");
    let (code, out) = till(&shop, &url, &["code", "--amount", "0"]).await;
    assert_eq!(code, 2, "{out}");
    // Without a reference every code is a new one.
    let a = json_of(&till(&shop, &url, &["--json", "code", "--amount", "800"]).await.1);
    let b = json_of(&till(&shop, &url, &["--json", "code", "--amount", "800"]).await.1);
    assert_ne!(a["payload"], b["payload"]);
    assert_ne!(a["reference"], b["reference"]);

    // A shopper's wallet pays exactly the code's amount, once.
    assert_eq!(shopper(&aiko, &url, &["enrol", "--handle", "aiko"]).await.0, 0);
    let (code, out) = shopper(&aiko, &url, &["link-bank", "--account", "1234567", "--holder", "TANAKA AIKO"]).await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(shopper(&aiko, &url, &["top-up", "--amount", "5000"]).await.0, 0);
    let (code, out) = shopper(&aiko, &url, &["pay", "--code", &payload, "--yes"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("KOBAN RAMEN (JP) via jpqr: ¥1,200") && out.contains("total debited: ¥1,200"), "{out}");
    let (code, out) = shopper(&aiko, &url, &["pay", "--code", &payload, "--yes", "--again"]).await;
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("already paid"), "{out}");
    // Another amount than the code's is refused, and moves nothing.
    let other = a["payload"].as_str().unwrap();
    let (code, out) = shopper(&aiko, &url, &["pay", "--code", other, "--amount", "799", "--yes"]).await;
    assert_ne!(code, 0, "{out}");
    let (_, out) = shopper(&aiko, &url, &["balance"]).await;
    assert!(out.starts_with("balance ¥3,800"), "exactly ¥1,200 left the wallet: {out}");

    // The day's settlement has the one payment, on the Koban line.
    let v = json_of(&till(&shop, &url, &["--json", "settlement"]).await.1);
    assert_eq!(v["lines"].as_array().map(Vec::len), Some(1), "{v}");
    let line = &v["lines"][0];
    assert_eq!((line["network"].as_str(), line["payments"].as_u64()), (Some("koban"), Some(1)));
    assert_eq!(line["net"], json!({ "minor": 1200, "currency": "JPY" }));
    assert_eq!(line["customer_net"], Value::Null);
    assert!(sandbox.check_invariants().is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tourists_charge_refunded_in_part_settles_per_network_in_yen_and_yuan() {
    let partners = koban_partners::Partners::start(koban_partners::Config::default()).await.unwrap();
    let acquirer = koban_sandbox::acquiring::AcquirerConfig {
        url: partners.url(),
        key: partners.acquirers()[0].clone(),
        deadline: std::time::Duration::from_secs(10),
    };
    let config = koban_sandbox::Config { admin: true, acquirer: Some(acquirer), ..koban_sandbox::Config::default() };
    let sandbox = koban_sandbox::Sandbox::start(config).await.unwrap();
    let sim = partners.simulator_client().unwrap();
    let url = sandbox.url();
    let dir = tempfile::tempdir().unwrap();
    let shop = dir.path().join("till");
    let (code, out) = till(&shop, &url, &["settlement"]).await;
    assert_eq!(code, 2, "not enrolled yet: {out}");
    assert_eq!(till(&shop, &url, &["enrol", "--merchant", "m_jp_ramen"]).await.0, 0);

    // Li Wei (Alipay, CNY) pays ¥2,400: the till shows the network, the yuan and the rate.
    let balance = |user: &'static str| {
        let sim = sim.clone();
        async move { sim.user(user).await.unwrap().balance.value }
    };
    let before = balance("li_wei").await;
    let shown = sim.issue_code("li_wei", None).await.unwrap().code;
    let (code, out) = till(&shop, &url, &["--json", "charge", "--amount", "2400", "--currency", "JPY", &shown]).await;
    assert_eq!(code, 0, "{out}");
    let charge = json_of(&out);
    assert_eq!((charge["status"].as_str(), charge["network"].as_str()), (Some("captured"), Some("alipay_plus")));
    assert_eq!(charge["amount"], json!({ "minor": 2400, "currency": "JPY" }));
    assert_eq!(charge["customer_amount"]["currency"], "CNY");
    let paid = charge["customer_amount"]["minor"].as_i64().unwrap();
    // The yuan are the yen at the network's rate (ten decimals, read without floats).
    let rate = charge["rate"].as_str().unwrap();
    let (units, decimals) = rate.split_once('.').unwrap();
    assert_eq!(decimals.len(), 10, "{rate}");
    let rate_e10: i64 = format!("{units}{decimals}").parse().unwrap();
    let fen_e10 = 2400 * rate_e10 * 100;
    assert!((paid * 10_000_000_000 - fen_e10).abs() <= 10_000_000_000, "{paid} fen at {rate}");
    assert_eq!(balance("li_wei").await, before - paid, "Li Wei paid the yuan shown");
    let id = charge["id"].as_str().unwrap().to_owned();

    // Wang Fang (WeChat Pay) pays ¥980, in words.
    let wechat_code = sim.issue_code("wang_fang", None).await.unwrap().code;
    let (code, out) = till(&shop, &url, &["charge", "--amount", "980", "--currency", "JPY", &wechat_code]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("captured ¥980 through WeChat Pay (charge ch_"), "{out}");
    assert!(out.contains(": the shopper paid CN¥") && out.trim_end().ends_with(" CNY per JPY"), "{out}");
    let wechat_paid: i64 = {
        let v = json_of(
            &till(&shop, &url, &["--json", "status", out.split("(charge ").nth(1).unwrap().split(')').next().unwrap()])
                .await
                .1,
        );
        assert_eq!(v["network"], "wechat_pay");
        v["customer_amount"]["minor"].as_i64().unwrap()
    };
    // Liu Yang shows UnionPay's EMV consumer QR (not its barcode): the till sends it too.
    let qr = sim.issue_code("liu_yang", Some(koban_partners::network::CodeForm::EmvCpm)).await.unwrap().code;
    assert!(qr.starts_with("hQVDUFYwMW"), "{qr}");
    let (code, out) = till(&shop, &url, &["--json", "charge", "--amount", "500", "--currency", "JPY", &qr]).await;
    assert_eq!(code, 0, "{out}");
    let unionpay = json_of(&out);
    assert_eq!((unionpay["status"].as_str(), unionpay["network"].as_str()), (Some("captured"), Some("unionpay")));

    // The shop gives ¥1,000 of Li Wei's back: the yuan given back are shown, once.
    let (code, out) = till(&shop, &url, &["refund", "--charge", &id, "--amount", "1000"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with(&format!("refunded ¥1,000 of charge {id} (refund ")), "{out}");
    assert!(out.contains(" back to the shopper; ¥1,000 refunded in all, ¥1,400 left"), "{out}");
    let (code, out) = till(&shop, &url, &["--json", "refund", "--charge", &id, "--amount", "1000"]).await;
    assert_eq!(code, 0, "{out}");
    let refund = json_of(&out);
    assert_eq!(refund["refundable"], json!({ "minor": 1400, "currency": "JPY" }), "the same refund: {out}");
    assert_eq!(refund["customer_amount"]["currency"], "CNY");
    let back = refund["customer_amount"]["minor"].as_i64().unwrap();
    assert!(0 < back && back < paid, "{back} of {paid}");
    assert_eq!(balance("li_wei").await, before - paid + back, "Li Wei got the yuan back once");

    // The day: a line per network, yen for the shop and yuan beside the foreign lines.
    let (code, out) = till(&shop, &url, &["--json", "settlement"]).await;
    assert_eq!(code, 0, "{out}");
    let day = json_of(&out);
    assert_eq!(day["status"], "ok");
    assert_eq!(day["merchant_id"], "m_jp_ramen");
    assert_eq!(day["to_ms"].as_i64().unwrap() - day["from_ms"].as_i64().unwrap(), 86_400_000);
    let yen = |minor: i64| json!({ "minor": minor, "currency": "JPY" });
    let lines = day["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3, "{out}");
    let alipay = lines.iter().find(|l| l["network"] == "alipay_plus").unwrap();
    assert_eq!(alipay["network_name"], "Alipay+");
    assert_eq!((alipay["payments"].as_u64(), alipay["refunds"].as_u64()), (Some(1), Some(1)));
    assert_eq!((&alipay["gross"], &alipay["refunded"], &alipay["net"]), (&yen(2400), &yen(1000), &yen(1400)));
    assert_eq!(alipay["customer_net"], json!({ "minor": paid - back, "currency": "CNY" }));
    let wechat = lines.iter().find(|l| l["network"] == "wechat_pay").unwrap();
    assert_eq!((wechat["payments"].as_u64(), wechat["refunds"].as_u64()), (Some(1), Some(0)));
    assert_eq!(wechat["net"], yen(980));
    assert_eq!(wechat["customer_net"], json!({ "minor": wechat_paid, "currency": "CNY" }));
    let union_line = lines.iter().find(|l| l["network"] == "unionpay").unwrap();
    assert_eq!((&union_line["net"], &union_line["customer_net"]), (&yen(500), &unionpay["customer_amount"]));
    assert_eq!(day["net"], yen(2880));
    // The same day asked for by its date; in words.
    let date = day["date"].as_str().unwrap().to_owned();
    assert_eq!(json_of(&till(&shop, &url, &["--json", "settlement", "--date", &date]).await.1), day);
    let (code, out) = till(&shop, &url, &["settlement", "--date", &date]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with(&format!("settlement of KOBAN RAMEN (m_jp_ramen) for {date}\n")), "{out}");
    let row = out.lines().find(|l| l.trim_start().starts_with("Alipay+")).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells, ["Alipay+", "1", "1", "¥2,400", "¥1,000", "¥1,400", &cny(paid - back)], "{out}");
    assert!(out.contains(&format!("¥980  {}", cny(wechat_paid))), "{out}");
    assert!(out.trim_end().ends_with("the merchant receives ¥2,880 for the day"), "{out}");
    // A day without business; days that are not days.
    let empty = json_of(&till(&shop, &url, &["--json", "settlement", "--date", "2000-01-01"]).await.1);
    assert_eq!((empty["lines"].as_array().map(Vec::len), &empty["net"]), (Some(0), &yen(0)));
    for bad in ["2026-02-30", "yesterday", "2026-1-05"] {
        let (code, out) = till(&shop, &url, &["settlement", "--date", bad]).await;
        assert_eq!(code, 2, "{bad}: {out}");
        assert!(out.contains(&format!("--date {bad:?} is not a calendar day: give YYYY-MM-DD")), "{out}");
        let (code, out) = till(&shop, &url, &["--json", "settlement", "--date", bad]).await;
        assert_eq!(code, 2, "{out}");
        let v = json_of(&out);
        assert_eq!((v["status"].as_str(), v["kind"].as_str()), (Some("error"), Some("usage")), "{out}");
    }
    assert!(sandbox.check_invariants().is_ok());
    assert!(partners.check_invariants().is_ok());
}

/// The demo's tourist scene, as a person reads it.
#[test]
fn the_demo_plays_the_tourist_at_the_ramen_shop() {
    let out = Command::new(env!("CARGO_BIN_EXE_koban")).arg("demo").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    for line in [
        "with the partner networks (Alipay+, WeChat Pay, UnionPay) simulated at http://127.0.0.1:",
        ". Back in Shibuya: Li Wei, visiting from China, pays the ramen shop with Alipay",
        "the shop's till is enrolled for KOBAN RAMEN (m_jp_ramen)",
        "Li Wei opens Alipay (CN¥5,000.00 in his wallet) and shows his payment code",
        " (numeric-paycode, Alipay); the host charges it through Alipay+",
        "captured ¥2,400 through Alipay+ (charge ch_",
        "refunded ¥800 of charge ch_",
        " back to the shopper; ¥800 refunded in all, ¥1,600 left",
        "settlement of KOBAN RAMEN (m_jp_ramen) for ",
        "the merchant receives ¥2,800 for the day",
        "and so does the partner networks' (",
        "Demo complete: every step succeeded.",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    // The shop's day has Aiko's lunch on the Koban line beside the tourist's.
    let koban = text.lines().find(|l| l.split_whitespace().next() == Some("Koban") && l.contains('¥')).unwrap();
    assert_eq!(koban.split_whitespace().collect::<Vec<_>>(), ["Koban", "1", "0", "¥1,200", "¥0", "¥1,200"], "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_traveller_pays_a_shanghai_noodle_shops_alipay_code_yen_first_from_the_cli() {
    let partners = koban_partners::Partners::start(koban_partners::Config::default()).await.unwrap();
    let acquirer = koban_sandbox::acquiring::AcquirerConfig {
        url: partners.url(),
        key: partners.acquirers()[0].clone(),
        deadline: std::time::Duration::from_secs(10),
    };
    let config = koban_sandbox::Config { admin: true, acquirer: Some(acquirer), ..koban_sandbox::Config::default() };
    let sandbox = koban_sandbox::Sandbox::start(config).await.unwrap();
    let url = sandbox.url();
    let merchants: Value = reqwest::get(format!("{url}/v1/merchants")).await.unwrap().json().await.unwrap();
    let code = merchants["merchants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "m_cn_noodles_alipay")
        .expect("the Shanghai noodle shop is listed")["static_payload"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("aiko");
    for args in [
        vec!["enrol", "--handle", "aiko"],
        vec!["link-bank", "--account", "1234567", "--holder", "AIKO", "--opening", "100000"],
        vec!["top-up", "--amount", "20000"],
    ] {
        let (code, out) = shopper(&home, &url, &args).await;
        assert_eq!(code, 0, "{out}");
    }
    // The code names no currency: its network says who and what, then the yen comes first.
    let (exit, out) = shopper(&home, &url, &["pay", "--code", &code, "--amount", "32.00"]).await;
    assert_eq!(exit, 0, "{out}");
    assert!(out.contains("LANXIN NOODLES in SHANGHAI, CN: paid in CNY"), "{out}");
    assert!(out.contains("in your currency: ¥") && out.contains("not paid: run again with --yes"), "{out}");
    let (exit, out) = shopper(&home, &url, &["pay", "--code", &code, "--amount", "32.00", "--yes"]).await;
    assert_eq!(exit, 0, "{out}");
    assert!(out.contains("Payment to LANXIN NOODLES"), "{out}");
    sandbox.check_invariants().unwrap();
    assert!(partners.check_invariants().is_ok());
}
