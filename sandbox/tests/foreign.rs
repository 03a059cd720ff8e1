//! The host as acquirer: tourists' Alipay, WeChat Pay and UnionPay codes at a Koban till,
//! against the real host and the real partner-network service on loopback.

mod common;

use std::time::Duration;

use common::{amt, key, start_with, Host};
use koban_partners::client::SimulatorClient;
use koban_partners::{FaultConfig as NetworkFaults, Partners};
use koban_sandbox::acquiring::AcquirerConfig;
use koban_sandbox::Config;
use serde_json::{json, Value};

const SHOP: &str = "m_jp_ramen";

struct World {
    host: Host,
    partners: Partners,
    sim: SimulatorClient,
}

impl Drop for World {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let report = self.partners.check_invariants();
            assert!(report.is_ok(), "network invariants violated: {report:?}");
        }
    }
}

/// The partner networks and a host acquiring through them; a charge waits at most `deadline`.
async fn world(deadline: Duration) -> World {
    let partners =
        Partners::start(koban_partners::Config { admin: true, ..Default::default() }).await.expect("partners start");
    let acquirer = AcquirerConfig { url: partners.url(), key: partners.acquirers()[0].clone(), deadline };
    let host = start_with(Config { admin: true, acquirer: Some(acquirer), ..Config::default() }).await;
    let sim = partners.simulator_client().unwrap();
    World { host, partners, sim }
}

impl World {
    async fn code(&self, user: &str) -> String {
        self.sim.issue_code(user, None).await.unwrap().code
    }

    async fn balance(&self, user: &str) -> i64 {
        self.sim.user(user).await.unwrap().balance.value
    }

    async fn charge(&self, code: &str, yen: i64, idem: &str) -> common::Resp {
        self.host
            .merchant_post(SHOP, "/v1/terminal/charges", json!({ "amount": amt(yen, "JPY"), "code": code }), idem)
            .await
    }
}

fn customer_minor(body: &Value) -> i64 {
    body["customer_amount"]["minor"].as_i64().unwrap_or_else(|| panic!("no customer amount in {body}"))
}

#[tokio::test]
async fn an_alipay_a_wechat_pay_and_a_unionpay_code_each_charge_once_and_settle_in_yen() {
    let w = world(Duration::from_secs(10)).await;
    let merchant = format!("merchant:{SHOP}");
    let mut settled = 0;
    for (user, network) in [("li_wei", "alipay_plus"), ("wang_fang", "wechat_pay"), ("liu_yang", "unionpay")] {
        let before = w.balance(user).await;
        let code = w.code(user).await;
        let idem = key();
        let r = w.charge(&code, 1_200, &idem).await;
        assert_eq!(r.status.as_u16(), 201, "{user}: {}", r.body);
        let body = r.body;
        assert_eq!(body["status"], "captured", "{body}");
        assert_eq!(body["network"], network);
        assert_eq!(body["amount"], amt(1_200, "JPY"));
        assert_eq!(body["customer_amount"]["currency"], "CNY");
        assert!(body["rate"].as_str().is_some_and(|r| r.starts_with("0.0")), "{body}");
        let taken = customer_minor(&body);
        assert!(taken > 0);
        assert_eq!(w.balance(user).await, before - taken, "{user} pays once, at the network's rate");
        settled += 1_200;
        assert_eq!(w.host.account_balance(&merchant), settled);
        assert_eq!(w.host.account_balance(&format!("network:{network}")), -1_200);

        // The same terminal request again: the stored answer, nothing charged twice.
        let again = w.charge(&code, 1_200, &idem).await;
        assert!(again.replayed);
        assert_eq!(again.body, body);
        assert_eq!(w.balance(user).await, before - taken);
        // The status route follows the charge.
        let id = body["id"].as_str().unwrap();
        let s = w.host.merchant_get(SHOP, &format!("/v1/terminal/charges/{id}")).await.ok();
        assert_eq!(s["status"], "captured");
        assert_eq!(customer_minor(&s), taken);
        // The journal keeps the yuan and the rate.
        let history = w.sim.history(user).await.unwrap();
        assert!(!format!("{history:?}").is_empty());
    }
}

#[tokio::test]
async fn refusals_at_the_network_take_nothing() {
    let w = world(Duration::from_secs(10)).await;
    // zhang_min holds CNY 20: a ¥10,000 bowl is too much.
    let code = w.code("zhang_min").await;
    w.charge(&code, 10_000, &key()).await.refused(402, "insufficient_funds");
    assert_eq!(w.balance("zhang_min").await, 2_000);
    // A code is single use: shown again under a new request it is refused.
    let code = w.code("li_wei").await;
    w.charge(&code, 500, &key()).await.ok();
    let before = w.balance("li_wei").await;
    w.charge(&code, 500, &key()).await.refused(409, "code_used");
    assert_eq!(w.balance("li_wei").await, before);
    assert_eq!(w.host.account_balance(&format!("merchant:{SHOP}")), 500);
}

#[tokio::test]
async fn a_user_paying_code_is_captured_after_inquiries() {
    let w = world(Duration::from_secs(10)).await;
    w.partners.set_faults(NetworkFaults { paying_permille: 1000, paying_polls: 2, ..Default::default() });
    for user in ["li_wei", "wang_fang", "liu_yang"] {
        let before = w.balance(user).await;
        let code = w.code(user).await;
        let r = w.charge(&code, 800, &key()).await;
        assert_eq!(r.status.as_u16(), 201, "{user}: {}", r.body);
        assert_eq!(w.balance(user).await, before - customer_minor(&r.body));
    }
}

#[tokio::test]
async fn a_code_the_user_never_confirms_is_cancelled_with_nothing_taken() {
    let w = world(Duration::from_secs(2)).await;
    w.partners.set_faults(NetworkFaults { paying_permille: 1000, abandon_permille: 1000, ..Default::default() });
    for user in ["li_wei", "wang_fang", "liu_yang"] {
        let before = w.balance(user).await;
        let code = w.code(user).await;
        let r = w.charge(&code, 900, &key()).await;
        r.refused(410, "charge_expired");
        assert_eq!(w.balance(user).await, before, "{user}: nothing taken");
        let id: String = rusqlite::Connection::open(w.host.sandbox.db_path())
            .unwrap()
            .query_row("SELECT id FROM foreign_charges ORDER BY created_at DESC, rowid DESC LIMIT 1", [], |r| r.get(0))
            .unwrap();
        let s = w.host.merchant_get(SHOP, &format!("/v1/terminal/charges/{id}")).await.ok();
        assert_eq!((s["status"].as_str(), s["refusal"].as_str()), (Some("expired"), Some("charge_expired")));
    }
    assert_eq!(w.host.account_balance(&format!("merchant:{SHOP}")), 0);
}

#[tokio::test]
async fn a_dropped_network_answer_and_a_retried_till_request_charge_once() {
    let w = world(Duration::from_secs(10)).await;
    // The network commits the payment and drops the connection: the host sends the same pay
    // again (same request id) once the line is back, and the network answers from its state.
    w.partners.set_faults(NetworkFaults { drop_after_commit_permille: 1000, ..Default::default() });
    let before = w.balance("li_wei").await;
    let code = w.code("li_wei").await;
    let idem = key();
    let first = {
        let w = &w;
        let code = code.clone();
        let idem = idem.clone();
        async move { w.charge(&code, 1_500, &idem).await }
    };
    let heal = async {
        tokio::time::sleep(Duration::from_millis(400)).await;
        w.partners.set_faults(NetworkFaults::default());
    };
    // Meanwhile the till, hearing nothing, sends the same request again.
    let retry = async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        w.charge(&code, 1_500, &idem).await
    };
    let (a, (), b) = tokio::join!(first, heal, retry);
    assert_eq!(a.status.as_u16(), 201, "{}", a.body);
    assert!(b.status.is_success(), "{}", b.body);
    assert_eq!(a.body["id"], b.body["id"]);
    let taken = customer_minor(&a.body);
    assert_eq!(w.balance("li_wei").await, before - taken, "charged once");
    assert_eq!(w.host.account_balance(&format!("merchant:{SHOP}")), 1_500);
    // A third time, after the fact: replayed.
    let c = w.charge(&code, 1_500, &idem).await;
    assert!(c.replayed);
    assert_eq!(w.balance("li_wei").await, before - taken);
}

#[tokio::test]
async fn a_host_answer_dropped_after_commit_is_replayed_on_retry() {
    let w = world(Duration::from_secs(10)).await;
    let till = w.host.till(SHOP).await;
    w.host.sandbox.set_faults(koban_sandbox::FaultConfig { drop_after_commit_permille: 1000, ..Default::default() });
    let before = w.balance("wang_fang").await;
    let code = w.code("wang_fang").await;
    let idem = key();
    let body = json!({ "amount": amt(700, "JPY"), "code": code });
    let bytes = serde_json::to_vec(&body).unwrap();
    let signed = till.key.sign_request("POST", "/v1/terminal/charges", &bytes, w.host.now()).unwrap();
    let mut req = w.host.http.post(format!("{}/v1/terminal/charges", w.host.url));
    for (name, value) in signed.pairs() {
        req = req.header(name, value);
    }
    let lost = req.header("idempotency-key", &idem).header("content-type", "application/json").body(bytes).send().await;
    assert!(lost.is_err(), "the host dropped its answer");
    w.host.sandbox.set_faults(koban_sandbox::FaultConfig::default());
    let r = w.charge(&code, 700, &idem).await;
    assert!(r.replayed, "{}", r.body);
    assert_eq!(r.status.as_u16(), 201);
    assert_eq!(w.balance("wang_fang").await, before - customer_minor(&r.body));
}

#[tokio::test]
async fn a_host_restarted_between_pay_and_decision_settles_the_charge_once() {
    let partners =
        Partners::start(koban_partners::Config { admin: true, ..Default::default() }).await.expect("partners start");
    let sim = partners.simulator_client().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("host.sqlite3");
    let acquirer =
        AcquirerConfig { url: partners.url(), key: partners.acquirers()[0].clone(), deadline: Duration::from_secs(10) };
    let config = Config { admin: true, db_path: Some(db.clone()), acquirer: Some(acquirer), ..Config::default() };
    // The first host records two intents and stops: one whose pay reached the network (its
    // answer lost with the host), one whose pay was never sent.
    let host = start_with(config.clone()).await;
    drop(host);
    let before = sim.user("li_wei").await.unwrap().balance.value;
    let (paid_code, unsent_code) =
        (sim.issue_code("li_wei", None).await.unwrap().code, sim.issue_code("li_wei", None).await.unwrap().code);
    let scope = "terminal:t_restart";
    let paid_id = koban_sandbox::acquiring::request_id(scope, "paid");
    let pay = koban_partners::client::PayRequest {
        request_id: paid_id,
        code: paid_code.clone(),
        amount: koban_partners::Amount::new(1_000, "JPY"),
        merchant_id: SHOP.into(),
        // Exactly what the host sends for the row below: a resent pay must be the same request.
        merchant_name: koban_sandbox::seed::merchant(SHOP).unwrap().name.into(),
        description: format!("Paid at {}", koban_sandbox::seed::merchant(SHOP).unwrap().name),
    };
    let taken_first = partners.acquirer_client().unwrap().pay(koban_partners::Network::AlipayPlus, &pay).await.unwrap();
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        for (id, key, code) in [("ch_paid", "paid", &paid_code), ("ch_unsent", "unsent", &unsent_code)] {
            conn.execute(
                "INSERT INTO foreign_charges (id, scope, idem_key, request_hash, merchant_id, terminal_id, network,
                     request_id, code, amount, currency, status, created_at)
                 VALUES (?1, ?2, ?3, 'h', ?4, 't_restart', 'alipay_plus', ?5, ?6, 1000, 'JPY', 'pending', ?7)",
                rusqlite::params![
                    id,
                    scope,
                    key,
                    SHOP,
                    koban_sandbox::acquiring::request_id(scope, key),
                    code,
                    common::now() as i64
                ],
            )
            .unwrap();
        }
    }
    // The restarted host resumes both: the paid one is captured from the network's state, the
    // other is paid now; each is settled once.
    let host = start_with(config).await;
    let mut settled = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if host.account_balance(&format!("merchant:{SHOP}")) == 2_000 {
            settled = true;
            break;
        }
    }
    let rows: Vec<(String, String, Option<String>)> = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = conn.prepare("SELECT id, status, refusal FROM foreign_charges").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    };
    assert!(settled, "both pending charges settled after the restart: {rows:?}");
    let after = sim.user("li_wei").await.unwrap().balance.value;
    let first = taken_first.customer_amount.unwrap().value;
    assert!(before - after >= 2 * first - 1 && before - after <= 2 * first + 1, "two payments, each once");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let captured: i64 =
        conn.query_row("SELECT COUNT(*) FROM foreign_charges WHERE status = 'captured'", [], |r| r.get(0)).unwrap();
    assert_eq!(captured, 2);
    assert!(partners.check_invariants().is_ok());
}

#[tokio::test]
async fn a_till_that_hangs_up_does_not_stop_the_charge_from_settling() {
    let w = world(Duration::from_secs(10)).await;
    // The user confirms only after four inquiries (about 1.5 s of back-off): the till gives up first.
    w.partners.set_faults(NetworkFaults { paying_permille: 1000, paying_polls: 4, ..Default::default() });
    let till = w.host.till(SHOP).await;
    let before = w.balance("li_wei").await;
    let code = w.code("li_wei").await;
    let body = serde_json::to_vec(&json!({ "amount": amt(600, "JPY"), "code": code })).unwrap();
    let signed = till.key.sign_request("POST", "/v1/terminal/charges", &body, w.host.now()).unwrap();
    let mut req = w.host.http.post(format!("{}/v1/terminal/charges", w.host.url));
    for (name, value) in signed.pairs() {
        req = req.header(name, value);
    }
    let hung_up = req
        .header("idempotency-key", key())
        .header("content-type", "application/json")
        .timeout(Duration::from_millis(150))
        .body(body)
        .send()
        .await;
    assert!(hung_up.is_err(), "the till gave up before the answer");
    let mut settled = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if w.host.account_balance(&format!("merchant:{SHOP}")) == 600 {
            settled = true;
            break;
        }
    }
    assert!(settled, "the charge settled without a retry");
    assert!(w.balance("li_wei").await < before);
}

impl World {
    async fn refund(&self, charge_id: &str, yen: Option<i64>, idem: &str) -> common::Resp {
        let mut body = json!({ "charge_id": charge_id });
        if let Some(y) = yen {
            body["amount"] = amt(y, "JPY");
        }
        self.host.merchant_post(SHOP, "/v1/terminal/refunds", body, idem).await
    }
}

#[tokio::test]
async fn a_foreign_charge_is_refunded_in_part_then_in_full_through_its_network_once() {
    let w = world(Duration::from_secs(10)).await;
    let merchant = format!("merchant:{SHOP}");
    for (user, network) in [("li_wei", "alipay_plus"), ("wang_fang", "wechat_pay"), ("liu_yang", "unionpay")] {
        let before = w.balance(user).await;
        let code = w.code(user).await;
        let charge = w.charge(&code, 1_200, &key()).await.ok();
        let id = charge["id"].as_str().unwrap();
        let taken = customer_minor(&charge);
        let merchant_before = w.host.account_balance(&merchant);

        // Part of it, once: the same return slip sent again is the same refund.
        let slip = key();
        let part = w.refund(id, Some(500), &slip).await;
        assert_eq!(part.status.as_u16(), 201, "{user}: {}", part.body);
        let part = part.body;
        assert_eq!(part["amount"], amt(500, "JPY"));
        assert_eq!(part["refundable"], amt(700, "JPY"));
        assert_eq!(part["customer_amount"]["currency"], "CNY");
        let back = customer_minor(&part);
        assert!(back > 0 && back < taken, "{user}: a part at the payment's rate: {back} of {taken}");
        assert_eq!(w.balance(user).await, before - taken + back);
        let again = w.refund(id, Some(500), &slip).await;
        assert!(again.replayed);
        assert_eq!(again.body, part);
        assert_eq!(w.balance(user).await, before - taken + back, "{user}: refunded once");
        assert_eq!(w.host.account_balance(&merchant), merchant_before - 500);
        assert_eq!(w.host.account_balance(&format!("network:{network}")), -700);

        // More than is left: refused, nothing moves.
        w.refund(id, Some(701), &key()).await.refused(422, "refund_exceeds_payment");
        // The rest: the tourist has every fen back.
        let rest = w.refund(id, None, &key()).await.ok();
        assert_eq!(rest["amount"], amt(700, "JPY"));
        assert_eq!(rest["refundable"], amt(0, "JPY"));
        assert_eq!(rest["refunded_total"], amt(1_200, "JPY"));
        // The tourist's own history at the network shows the payment and both refunds.
        let seen = w.sim.history(user).await.unwrap();
        let kinds: Vec<&str> = seen.items.iter().map(|i| i.kind.as_str()).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "refund").count(), 2, "{user}: {kinds:?}");
        assert!(kinds.contains(&"payment"), "{user}: {kinds:?}");
        assert_eq!(w.balance(user).await, before, "{user}: all given back");
        assert_eq!(w.host.account_balance(&merchant), merchant_before - 1_200);
        assert_eq!(w.host.account_balance(&format!("network:{network}")), 0);
        w.refund(id, Some(1), &key()).await.refused(422, "refund_exceeds_payment");
        // By its transaction id, too, and only by this merchant's terminal.
        let tx = charge["transaction_id"].as_str().unwrap();
        let other =
            w.host.merchant_post("m_jp_mart", "/v1/terminal/refunds", json!({ "transaction_id": tx }), &key()).await;
        assert_eq!(other.status.as_u16(), 404, "{}", other.body);
    }
}

#[tokio::test]
async fn a_refund_whose_network_answer_is_lost_is_resumed_and_applied_once() {
    let w = world(Duration::from_secs(2)).await;
    let before = w.balance("li_wei").await;
    let code = w.code("li_wei").await;
    let charge = w.charge(&code, 2_000, &key()).await.ok();
    let id = charge["id"].as_str().unwrap().to_owned();
    // The network refunds and drops every answer until the deadline: the host cannot know,
    // keeps the refund pending, and tells the till to try again.
    w.partners.set_faults(NetworkFaults { drop_after_commit_permille: 1000, ..Default::default() });
    let slip = key();
    let first = w.refund(&id, Some(800), &slip).await;
    assert_eq!(first.status.as_u16(), 500, "{}", first.body);
    assert_eq!(w.host.account_balance(&format!("merchant:{SHOP}")), 2_000, "nothing posted while unknown");
    // Another refund meanwhile cannot take what the pending one holds.
    w.refund(&id, Some(1_201), &key()).await.refused(422, "refund_exceeds_payment");
    // The same slip sent with another amount (a till bug, or a clerk's second try) is refused
    // as a reused key, and that refusal must not become the slip's answer: the refund the
    // network may already have made still has to reach the books.
    w.refund(&id, Some(500), &slip).await.refused(409, "idempotency_key_reused");
    w.partners.set_faults(NetworkFaults::default());
    let r = w.refund(&id, Some(800), &slip).await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.body);
    let back = customer_minor(&r.body);
    assert_eq!(w.balance("li_wei").await, before - customer_minor(&charge) + back, "refunded once at the network");
    assert_eq!(w.host.account_balance(&format!("merchant:{SHOP}")), 1_200);
    assert!(w.refund(&id, Some(800), &slip).await.replayed);
}

#[tokio::test]
async fn the_days_settlement_shows_each_network_in_yen_with_the_tourists_yuan() {
    let w = world(Duration::from_secs(10)).await;
    let a = w.charge(&w.code("li_wei").await, 1_200, &key()).await.ok();
    let b = w.charge(&w.code("wang_fang").await, 800, &key()).await.ok();
    let part = w.refund(a["id"].as_str().unwrap(), Some(300), &key()).await.ok();
    let s = w.host.merchant_get(SHOP, "/v1/terminal/settlement").await.ok();
    assert_eq!(s["merchant_id"], SHOP);
    assert!(s["date"].as_str().is_some_and(|d| d.len() == 10), "{s}");
    assert_eq!(s["net"], amt(1_700, "JPY"), "{s}");
    let line = |network: &str| {
        s["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["network"] == network)
            .cloned()
            .unwrap_or_else(|| panic!("{s}"))
    };
    let alipay = line("alipay_plus");
    assert_eq!((alipay["payments"].as_u64(), alipay["refunds"].as_u64()), (Some(1), Some(1)));
    assert_eq!(alipay["gross"], amt(1_200, "JPY"));
    assert_eq!(alipay["refunded"], amt(300, "JPY"));
    assert_eq!(alipay["net"], amt(900, "JPY"));
    let yuan = customer_minor(&a) - customer_minor(&part);
    assert_eq!(alipay["customer_net"], amt(yuan, "CNY"));
    let wechat = line("wechat_pay");
    assert_eq!(wechat["net"], amt(800, "JPY"));
    assert_eq!(wechat["customer_net"], amt(customer_minor(&b), "CNY"));
    // The host's day and the merchant's account agree.
    assert_eq!(w.host.account_balance(&format!("merchant:{SHOP}")), 1_700);
    // Another day has nothing; a day that does not exist is refused.
    let empty = w.host.merchant_get(SHOP, "/v1/terminal/settlement?date=2020-01-01").await.ok();
    assert_eq!(empty["lines"], json!([]));
    assert_eq!(empty["net"], amt(0, "JPY"));
    w.host.merchant_get(SHOP, "/v1/terminal/settlement?date=2026-02-30").await.refused(400, "bad_request");
}

// Crash tests: the host dies at each step of a foreign charge or refund (a crash point stops
// the settling task dead, the host is dropped and a new one starts on the same database and
// the same partner service). The rig is in tests/common/crash.rs.

#[path = "common/crash.rs"]
mod crash;

use std::sync::Arc;

use crash::{ChargeCase, RefundCase, Retry, Rig, Scenario};
use koban_sandbox::acquiring::Step;

const STEPS: [Step; 4] = [Step::AfterIntent, Step::AfterSend, Step::AfterAnswer, Step::AfterDecision];
const WALLETS: [&str; 3] = ["alipay_cn", "wechat_cn", "unionpay_cn"];
const RETRIES: [Retry; 3] = [Retry::Never, Retry::AfterRecovery, Retry::Racing];

/// `scenario` at every step, wallets and retries rotating from `offset`.
fn charge_cases(scenario: Scenario, offset: usize) -> Vec<ChargeCase> {
    STEPS
        .iter()
        .enumerate()
        .map(|(i, &step)| ChargeCase {
            step,
            wallet: WALLETS[(i + offset) % 3],
            scenario,
            retry: RETRIES[(i + offset) % 3],
        })
        .collect()
}

/// Runs charge schedules side by side, each on its own host (and the rig `rig_for` gives it).
async fn run_charges(cases: Vec<ChargeCase>, rig_for: impl Fn(usize) -> Arc<Rig>) {
    let tasks: Vec<_> = cases
        .into_iter()
        .enumerate()
        .map(|(i, case)| {
            let rig = rig_for(i);
            tokio::spawn(async move { crash::charge_case(&rig, case).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

fn no_network_faults() -> NetworkFaults {
    NetworkFaults::default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_killed_at_any_step_of_a_charge_charges_the_tourist_at_most_once() {
    let rig = Arc::new(Rig::start("ck", no_network_faults(), 1).await);
    let mut cases = charge_cases(Scenario::Paid, 0);
    cases.extend(charge_cases(Scenario::Paid, 1));
    cases.extend(charge_cases(Scenario::Short, 2));
    run_charges(cases, |_| rig.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_killed_while_the_user_is_paying_and_the_network_drops_answers_charges_once() {
    let faults = NetworkFaults {
        paying_permille: 1000,
        paying_polls: 2,
        drop_after_commit_permille: 150,
        error_permille: 100,
        error_after_commit_permille: 100,
        ..Default::default()
    };
    for (n, seed) in [7, 42].into_iter().enumerate() {
        let rig = Arc::new(Rig::start(if n == 0 { "cp7" } else { "cp42" }, faults, seed).await);
        run_charges(charge_cases(Scenario::UserPaying, n), |_| rig.clone()).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_killed_around_its_deadline_cancels_or_settles_what_the_network_took() {
    // The tourist never confirms: cancelled at the deadline, before or after the host died.
    let abandon = NetworkFaults { paying_permille: 1000, abandon_permille: 1000, ..Default::default() };
    let abandoned = Arc::new(Rig::start("cd", abandon, 3).await);
    // Paid, and the host back only after its deadline: the network gives the yuan back.
    let late = Arc::new(Rig::start("cl", no_network_faults(), 4).await);
    // Paid, and the host back after the network's cancel window: each case moves its own
    // network's clock, so each has a service of its own.
    let mut outage = Vec::new();
    for n in 0..STEPS.len() {
        outage.push(Arc::new(Rig::start(["co0", "co1", "co2", "co3"][n], no_network_faults(), 5).await));
    }
    let mut cases = charge_cases(Scenario::Abandoned, 0);
    cases.extend(charge_cases(Scenario::LateRestart, 1));
    cases.extend(charge_cases(Scenario::LongOutage, 2));
    run_charges(cases, |i| match i / STEPS.len() {
        0 => abandoned.clone(),
        1 => late.clone(),
        _ => outage[i % STEPS.len()].clone(),
    })
    .await;
}

/// Refund schedules at every step, side by side, each on its own host.
async fn run_refunds(rig: &Arc<Rig>, offset: usize) {
    let mut cases = Vec::new();
    for (i, &step) in STEPS.iter().enumerate() {
        let wallet = WALLETS[(i + offset) % 3];
        // Part of it, then the rest under a new key once the host is back.
        cases.push(RefundCase { step, wallet, amount: Some(500), retry: RETRIES[(i + offset) % 3], then_rest: true });
        // All of it in one go.
        cases.push(RefundCase { step, wallet, amount: None, retry: RETRIES[(i + offset + 1) % 3], then_rest: false });
    }
    let tasks: Vec<_> = cases
        .into_iter()
        .map(|case| {
            let rig = rig.clone();
            tokio::spawn(async move { crash::refund_case(&rig, case).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_killed_at_any_step_of_a_refund_refunds_once() {
    let rig = Arc::new(Rig::start("rk", no_network_faults(), 1).await);
    run_refunds(&rig, 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_killed_during_a_refund_while_the_network_drops_answers_refunds_once() {
    let faults = NetworkFaults {
        drop_after_commit_permille: 200,
        error_permille: 100,
        error_after_commit_permille: 100,
        ..Default::default()
    };
    for (n, seed) in [5, 9].into_iter().enumerate() {
        let rig = Arc::new(Rig::start(if n == 0 { "rf5" } else { "rf9" }, faults, seed).await);
        run_refunds(&rig, n + 1).await;
    }
}

// ---- A Japanese wallet pays merchants in China through their networks (the host as MPP) ----

/// The merchants in China the host lists: (host id, network key, route, network).
const CN: [(&str, &str, &str, &str); 3] = [
    ("m_cn_noodles_alipay", "noodles_alipay", "alipay", "alipay_plus"),
    ("m_cn_dumplings_wechat", "dumplings_wechat", "wechatpay", "wechat_pay"),
    ("m_cn_noodles_unionpay", "noodles_unionpay", "unionpay", "unionpay"),
];

/// A verified Japanese wallet holding `yen`.
async fn traveller(w: &World, yen: i64) -> common::Device {
    let aiko = w.host.enrol(&format!("aiko{}", key().replace('-', "")), "JP").await;
    w.host.verify(&aiko).await;
    w.host.fund(&aiko, yen + 10_000, yen).await;
    aiko
}

/// A merchant-payment quote delivering `fen` yuan.
async fn quote_cny(w: &World, dev: &common::Device, fen: i64) -> Value {
    w.host.post(dev, "/v1/quotes", json!({ "purpose": "merchant_payment", "receive": amt(fen, "CNY") })).await.ok()
}

/// The code a network's merchant shows.
fn code_of(key: &str) -> String {
    koban_partners::merchants::by_key(key).unwrap().code()
}

/// A column of the host's row for a payment abroad.
fn abroad(w: &World, column: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(w.host.sandbox.db_path()).unwrap();
    let mut stmt = conn.prepare(&format!("SELECT {column} FROM payments_abroad ORDER BY created_at, rowid")).unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, rusqlite::types::Value>(0)).unwrap();
    rows.map(|v| match v.unwrap() {
        rusqlite::types::Value::Text(s) => s,
        rusqlite::types::Value::Integer(i) => i.to_string(),
        other => format!("{other:?}"),
    })
    .collect()
}

#[tokio::test]
async fn a_japanese_wallet_pays_an_alipay_a_wechat_pay_and_a_unionpay_merchant_in_china_once_in_yen() {
    let w = world(Duration::from_secs(10)).await;
    let aiko = traveller(&w, 50_000).await;
    let mut balance = w.host.balance(&aiko).await;
    for (id, network_key, route, network) in CN {
        let payload = w.host.merchant_payload(id).await;
        // The code names its merchant and currency only at its network.
        let info = w.host.post(&aiko, "/v1/merchant-codes/decode", json!({ "payload": payload })).await.ok();
        assert_eq!((info["network"].as_str(), info["route"].as_str()), (Some(network), Some(route)), "{info}");
        assert_eq!((info["merchant"]["id"].as_str(), info["currency"].as_str()), (Some(id), Some("CNY")));
        assert_eq!((info["merchant"]["country"].as_str(), info["city"].as_str()), (Some("CN"), Some("SHANGHAI")));
        assert!(info.get("amount").is_none(), "a static code: the payer enters the amount");

        // Priced in yen first: CNY 28.00 at the host's rate and the published fee rule.
        let q = quote_cny(&w, &aiko, 2_800).await;
        assert_eq!(q["receive"], amt(2_800, "CNY"));
        let (send, fee, total) = (
            q["send"]["minor"].as_i64().unwrap(),
            q["fee"]["minor"].as_i64().unwrap(),
            q["total"]["minor"].as_i64().unwrap(),
        );
        assert_eq!((q["total"]["currency"].as_str(), send + fee), (Some("JPY"), total));
        assert_eq!(q["fee_rule"]["percent_bps"], 50, "{q}");

        let idem = key();
        let body = json!({ "payload": payload, "route": route, "amount": amt(2_800, "CNY"), "quote_id": q["id"] });
        let paid = w.host.post_key(&aiko, "/v1/payments", body.clone(), &idem).await;
        assert_eq!(paid.status.as_u16(), 201, "{network}: {}", paid.body);
        let p = paid.body;
        assert_eq!(
            (p["kind"].as_str(), p["status"].as_str(), p["route"].as_str()),
            (Some("payment"), Some("completed"), Some(route))
        );
        assert_eq!((p["amount"].clone(), p["total"].clone()), (amt(2_800, "CNY"), amt(2_800, "CNY")));
        assert_eq!((p["debited"].clone(), p["fee"].clone()), (amt(total, "JPY"), amt(fee, "JPY")));
        assert_eq!(p["merchant"]["id"], id);
        balance -= total;
        assert_eq!(p["balance"], amt(balance, "JPY"));
        assert_eq!(w.host.balance(&aiko).await, balance);

        // The same request again: the stored answer; nothing paid twice on either side.
        let again = w.host.post_key(&aiko, "/v1/payments", body, &idem).await;
        assert!(again.replayed);
        assert_eq!(again.body, p);
        assert_eq!(w.host.balance(&aiko).await, balance);
        let merchant = w.sim.merchant(network_key).await.unwrap();
        assert_eq!((merchant.balance.value, merchant.payments.len()), (2_800, 1), "{network}");

        // The two books reconcile: the merchant's yuan at the network, the host's yen owed to it.
        let settlement = merchant.payments[0].settlement.clone().unwrap();
        assert_eq!(settlement.currency, "JPY");
        assert_eq!(w.host.account_balance(&format!("network_payable:{network}")), settlement.value);
        assert!(
            send >= settlement.value,
            "{network}: the host's rate covers the network's ({send} < {})",
            settlement.value
        );
        assert_eq!(w.host.account_balance("suspense:JPY"), 0, "nothing held once decided");
        // The wallet's transaction is the payment; the settlement is the host's own.
        let t = w.host.get(&aiko, &format!("/v1/transactions/{}", p["id"].as_str().unwrap())).await.ok();
        assert_eq!((t["kind"].as_str(), t["amount"].clone()), (Some("payment"), amt(total, "JPY")));
        assert_eq!(t["details"]["quote"]["id"], q["id"]);
    }
    assert_eq!(abroad(&w, "status"), ["paid", "paid", "paid"]);
    let report = w.partners.check_invariants().unwrap();
    assert_eq!(report.mpm_payments.get("success"), Some(&3));
}

#[tokio::test]
async fn codes_in_china_are_refused_before_money_moves_when_unknown_mismatched_or_unquoted() {
    let w = world(Duration::from_secs(10)).await;
    let aiko = traveller(&w, 50_000).await;
    let before = w.host.balance(&aiko).await;
    // An Alipay code no merchant shows.
    let unknown = "https://qr.alipay.com/FKX00000NOSUCHSHOP0000";
    w.host
        .post(&aiko, "/v1/merchant-codes/decode", json!({ "payload": unknown }))
        .await
        .refused(404, "unknown_merchant");
    let q = quote_cny(&w, &aiko, 1_000).await;
    w.host
        .post(
            &aiko,
            "/v1/payments",
            json!({ "payload": unknown, "route": "alipay", "amount": amt(1_000, "CNY"), "quote_id": q["id"] }),
        )
        .await
        .refused(404, "unknown_merchant");
    // Not a merchant code of a partner network at all.
    w.host
        .post(&aiko, "/v1/merchant-codes/decode", json!({ "payload": "hello" }))
        .await
        .refused(400, "invalid_payload");

    // An order code fixes its amount.
    let teahouse = code_of("teahouse_alipay_order");
    let info = w.host.post(&aiko, "/v1/merchant-codes/decode", json!({ "payload": teahouse })).await.ok();
    assert_eq!(info["amount"], amt(6_800, "CNY"));
    let q = quote_cny(&w, &aiko, 6_000).await;
    w.host
        .post(
            &aiko,
            "/v1/payments",
            json!({ "payload": teahouse, "route": "alipay", "amount": amt(6_000, "CNY"), "quote_id": q["id"] }),
        )
        .await
        .refused(422, "amount_mismatch");
    // A quote for another amount, none at all, a tip.
    w.host
        .post(
            &aiko,
            "/v1/payments",
            json!({ "payload": teahouse, "route": "alipay", "amount": amt(6_800, "CNY"), "quote_id": q["id"] }),
        )
        .await
        .refused(422, "quote_mismatch");
    w.host
        .post(&aiko, "/v1/payments", json!({ "payload": teahouse, "route": "alipay", "amount": amt(6_800, "CNY") }))
        .await
        .refused(422, "quote_required");
    let q = quote_cny(&w, &aiko, 6_800).await;
    w.host
        .post(
            &aiko,
            "/v1/payments",
            json!({ "payload": teahouse, "route": "alipay", "tip": amt(100, "CNY"), "quote_id": q["id"] }),
        )
        .await
        .refused(422, "amount_mismatch");
    assert_eq!(w.host.balance(&aiko).await, before, "nothing moved");
    assert!(abroad(&w, "id").is_empty(), "nothing recorded");

    // The right amount pays the order once; a second payment of it fails at the network and
    // gives the money back whole.
    let body = json!({ "payload": teahouse, "route": "alipay", "amount": amt(6_800, "CNY"), "quote_id": q["id"] });
    let paid = w.host.post(&aiko, "/v1/payments", body).await.ok();
    let debited = paid["debited"]["minor"].as_i64().unwrap();
    let q2 = quote_cny(&w, &aiko, 6_800).await;
    let body = json!({ "payload": teahouse, "route": "alipay", "amount": amt(6_800, "CNY"), "quote_id": q2["id"] });
    w.host.post(&aiko, "/v1/payments", body).await.refused(409, "code_already_paid");
    assert_eq!(w.host.balance(&aiko).await, before - debited);
    assert_eq!(w.sim.merchant("teahouse_alipay_order").await.unwrap().balance.value, 6_800);
    assert_eq!(abroad(&w, "status"), ["paid", "refused"]);
    assert_eq!(w.host.account_balance("suspense:JPY"), 0);
    // The refused payment's quote is free again.
    let again = json!({ "payload": w.host.merchant_payload("m_cn_noodles_alipay").await, "route": "alipay", "amount": amt(6_800, "CNY"), "quote_id": q2["id"] });
    w.host.post(&aiko, "/v1/payments", again).await.ok();

    // A host that is not connected to the networks cannot read or pay these codes.
    // It does not list them either.
    let alone = common::start().await;
    let listed: Value =
        alone.http.get(format!("{}/v1/merchants", alone.url)).send().await.unwrap().json().await.unwrap();
    assert!(listed["merchants"].as_array().unwrap().iter().all(|m| m["country"] != "CN"), "{listed}");
    let ben = alone.enrol("ben", "JP").await;
    let payload = code_of("noodles_unionpay");
    alone.post(&ben, "/v1/merchant-codes/decode", json!({ "payload": payload })).await.refused(400, "invalid_payload");
    alone
        .post(&ben, "/v1/payments", json!({ "payload": payload, "route": "unionpay", "amount": amt(1_000, "CNY") }))
        .await
        .refused(400, "invalid_payload");
}

#[tokio::test]
async fn a_payment_the_network_holds_processing_is_paid_after_inquiries_or_given_back_at_the_deadline() {
    let w = world(Duration::from_secs(2)).await;
    let aiko = traveller(&w, 50_000).await;
    let before = w.host.balance(&aiko).await;
    // The network answers "processing" and confirms after two inquiries.
    w.partners.set_faults(NetworkFaults { paying_permille: 1000, paying_polls: 2, ..Default::default() });
    let payload = w.host.merchant_payload("m_cn_dumplings_wechat").await;
    let q = quote_cny(&w, &aiko, 3_300).await;
    let body = json!({ "payload": payload, "route": "wechatpay", "amount": amt(3_300, "CNY"), "quote_id": q["id"] });
    let paid = w.host.post(&aiko, "/v1/payments", body).await.ok();
    let debited = paid["debited"]["minor"].as_i64().unwrap();
    assert_eq!(w.host.balance(&aiko).await, before - debited);
    assert_eq!(w.sim.merchant("dumplings_wechat").await.unwrap().balance.value, 3_300);

    // Never confirmed: the host cancels at its deadline and the wallet gets its yen back.
    w.partners.set_faults(NetworkFaults { paying_permille: 1000, abandon_permille: 1000, ..Default::default() });
    let q = quote_cny(&w, &aiko, 4_000).await;
    let body = json!({ "payload": payload, "route": "wechatpay", "amount": amt(4_000, "CNY"), "quote_id": q["id"] });
    w.host.post(&aiko, "/v1/payments", body).await.refused(410, "charge_expired");
    assert_eq!(w.host.balance(&aiko).await, before - debited, "given back whole");
    assert_eq!(w.sim.merchant("dumplings_wechat").await.unwrap().balance.value, 3_300, "the merchant got nothing more");
    assert_eq!(abroad(&w, "status"), ["paid", "cancelled"]);
    assert_eq!(w.host.account_balance("suspense:JPY"), 0);
}

#[tokio::test]
async fn a_network_answer_dropped_and_a_retried_wallet_request_pay_the_merchant_once() {
    let w = world(Duration::from_secs(10)).await;
    let aiko = traveller(&w, 50_000).await;
    let before = w.host.balance(&aiko).await;
    // The network commits the payment and drops the connection: the host sends the same pay
    // again (same request id) once the line is back, and the network answers from its state.
    w.partners.set_faults(NetworkFaults { drop_after_commit_permille: 1000, ..Default::default() });
    let payload = w.host.merchant_payload("m_cn_noodles_unionpay").await;
    let q = quote_cny(&w, &aiko, 2_600).await;
    let body = json!({ "payload": payload, "route": "unionpay", "amount": amt(2_600, "CNY"), "quote_id": q["id"] });
    let idem = key();
    let first = w.host.post_key(&aiko, "/v1/payments", body.clone(), &idem);
    let heal = async {
        // Until the network has the payment and its answer was lost.
        for _ in 0..250 {
            if !w.sim.merchant("noodles_unionpay").await.unwrap().payments.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
        w.partners.set_faults(NetworkFaults::default());
    };
    // Meanwhile the wallet, hearing nothing, sends the same request again.
    let retry = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        w.host.post_key(&aiko, "/v1/payments", body.clone(), &idem).await
    };
    let (a, (), b) = tokio::join!(first, heal, retry);
    assert_eq!(a.status.as_u16(), 201, "{}", a.body);
    assert_eq!(b.status.as_u16(), 201, "{}", b.body);
    assert_eq!(a.body["id"], b.body["id"]);
    let debited = a.body["debited"]["minor"].as_i64().unwrap();
    assert_eq!(w.host.balance(&aiko).await, before - debited, "debited once");
    let merchant = w.sim.merchant("noodles_unionpay").await.unwrap();
    assert_eq!((merchant.balance.value, merchant.payments.len()), (2_600, 1), "paid once");
    assert_eq!(
        w.host.account_balance("network_payable:unionpay"),
        merchant.payments[0].settlement.as_ref().unwrap().value
    );
    assert!(w.host.post_key(&aiko, "/v1/payments", body, &idem).await.replayed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_killed_at_any_step_of_a_payment_in_china_pays_the_merchant_once_after_its_restart() {
    use koban_sandbox::acquiring::Flow;
    for step in [Step::AfterIntent, Step::AfterSend, Step::AfterAnswer, Step::AfterDecision] {
        let partners =
            Partners::start(koban_partners::Config { admin: true, ..Default::default() }).await.expect("partners");
        let sim = partners.simulator_client().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let acquirer = AcquirerConfig {
            url: partners.url(),
            key: partners.acquirers()[0].clone(),
            deadline: Duration::from_secs(10),
        };
        let config = Config {
            admin: true,
            db_path: Some(dir.path().join("host.sqlite3")),
            acquirer: Some(acquirer),
            ..Config::default()
        };
        let host = start_with(config.clone()).await;
        let aiko = host.enrol("aiko", "JP").await;
        host.fund(&aiko, 60_000, 50_000).await;
        let payload = host.merchant_payload("m_cn_noodles_alipay").await;
        let q = host
            .post(&aiko, "/v1/quotes", json!({ "purpose": "merchant_payment", "receive": amt(2_800, "CNY") }))
            .await
            .ok();
        let body = json!({ "payload": payload, "route": "alipay", "amount": amt(2_800, "CNY"), "quote_id": q["id"] });
        let idem = key();

        // The host dies at `step`; the wallet's request is never answered.
        let crash = host.sandbox.crash_points().expect("the host pays through the networks");
        crash.arm(Flow::PaymentAbroad, step);
        tokio::select! {
            r = host.post_key(&aiko, "/v1/payments", body.clone(), &idem) => {
                panic!("answered ({} {}) before the host died at {step:?}", r.status, r.body)
            }
            hit = crash.crashed() => assert_eq!(hit, (Flow::PaymentAbroad, step)),
        }
        drop(host);
        // Started again on the same ledger: it resumes the payment; the wallet asks again.
        let host = start_with(config.clone()).await;
        let mut answer = None;
        for _ in 0..100 {
            let r = host.post_key(&aiko, "/v1/payments", body.clone(), &idem).await;
            if !r.status.is_server_error() {
                answer = Some(r);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let r = answer.unwrap_or_else(|| panic!("{step:?}: no definite answer"));
        assert_eq!(r.status.as_u16(), 201, "{step:?}: {}", r.body);
        let debited = r.body["debited"]["minor"].as_i64().unwrap();
        assert_eq!(host.balance(&aiko).await, 50_000 - debited, "{step:?}: debited once");
        let merchant = sim.merchant("noodles_alipay").await.unwrap();
        assert_eq!((merchant.balance.value, merchant.payments.len()), (2_800, 1), "{step:?}: paid once");
        assert_eq!(
            host.account_balance("network_payable:alipay_plus"),
            merchant.payments[0].settlement.as_ref().unwrap().value,
            "{step:?}"
        );
        assert_eq!(host.account_balance("suspense:JPY"), 0, "{step:?}");
        let report = partners.check_invariants();
        assert!(report.is_ok(), "{step:?}: network invariants: {report:?}");
    }
}
