//! Crash rig for the host's foreign charges and refunds: a host on a kept SQLite file
//! acquiring through one partner service, stopped dead at an armed crash point (feature
//! `crash-points`), dropped, and started again on the same file and the same service; then
//! both books are read straight from their databases.
//!
//! Included by `tests/foreign.rs` with `#[path]`, so it adds no test binary of its own.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use koban_partners::client::SimulatorClient;
use koban_partners::{FaultConfig as NetworkFaults, Partners};
use koban_sandbox::acquiring::{AcquirerConfig, Flow, Step};
use koban_sandbox::Config;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{json, Value};

use crate::common::{amt, key, start_with, Host, Resp};

/// The merchant whose till takes the tourists' codes.
pub const SHOP: &str = "m_jp_ramen";
/// What a charge costs, yen.
pub const PRICE: i64 = 1_200;

/// What the network does with the charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Paid at once.
    Paid,
    /// "User paying": confirmed after two inquiries.
    UserPaying,
    /// The tourist's wallet is short: refused, nothing taken.
    Short,
    /// The tourist never confirms: cancelled at the host's deadline.
    Abandoned,
    /// Paid, but the host comes back only after its deadline: the network gives it back.
    LateRestart,
    /// Paid, and the host comes back after the network's 24 h cancel window: what was taken
    /// can no longer be cancelled, so the host settles it.
    LongOutage,
}

impl Scenario {
    /// The host's deadline for a charge.
    fn deadline(self) -> Duration {
        match self {
            Scenario::Abandoned | Scenario::LateRestart | Scenario::LongOutage => Duration::from_secs(2),
            _ => Duration::from_secs(10),
        }
    }

    /// How the charge must end when the host died at `step`.
    fn expected(self, step: Step) -> &'static str {
        match (self, step) {
            (Scenario::Paid | Scenario::UserPaying, _) => "captured",
            (Scenario::Short, _) => "refused",
            (Scenario::Abandoned, _) => "cancelled",
            // Decided before the host died: nothing to resume.
            (Scenario::LateRestart | Scenario::LongOutage, Step::AfterDecision) => "captured",
            // Never sent: the cancel claims the request id.
            (Scenario::LateRestart | Scenario::LongOutage, Step::AfterIntent) => "cancelled",
            (Scenario::LateRestart, _) => "cancelled",
            (Scenario::LongOutage, _) => "captured",
        }
    }
}

/// When the till sends its request again (same idempotency key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Never: the restarted host's recovery alone settles.
    Never,
    /// Once recovery has settled: the stored answer.
    AfterRecovery,
    /// At once, racing the recovery for the same charge.
    Racing,
}

/// One charge schedule: where the host dies, which wallet, what the network does, the retry.
#[derive(Debug, Clone, Copy)]
pub struct ChargeCase {
    pub step: Step,
    pub wallet: &'static str,
    pub scenario: Scenario,
    pub retry: Retry,
}

/// One refund schedule: where the host dies, which wallet, how much (`None`: all), the retry,
/// and whether the rest is refunded afterwards under a new key.
#[derive(Debug, Clone, Copy)]
pub struct RefundCase {
    pub step: Step,
    pub wallet: &'static str,
    pub amount: Option<i64>,
    pub retry: Retry,
    pub then_rest: bool,
}

/// The partner service shared by a test's schedules (and by each host and its successor).
pub struct Rig {
    pub partners: Partners,
    pub sim: SimulatorClient,
    label: &'static str,
    users: AtomicU32,
}

impl Rig {
    /// Starts the partner service with `faults` drawn from `seed`.
    pub async fn start(label: &'static str, faults: NetworkFaults, seed: u64) -> Rig {
        let partners =
            Partners::start(koban_partners::Config { admin: true, faults, fault_seed: seed, ..Default::default() })
                .await
                .expect("partners start");
        let sim = partners.simulator_client().unwrap();
        Rig { partners, sim, label, users: AtomicU32::new(0) }
    }

    /// A fresh tourist of `wallet` holding `balance` minor units, so each schedule's books are its own.
    async fn tourist(&self, wallet: &str, balance: i64) -> String {
        let id = format!("{}_{}", self.label, self.users.fetch_add(1, Ordering::Relaxed));
        self.sim.create_user(&id, wallet, "Crash Test", balance).await.unwrap();
        id
    }

    async fn balance(&self, user: &str) -> i64 {
        self.sim.user(user).await.unwrap().balance.value
    }

    /// A host acquiring through this service on a kept database in `dir`.
    fn config(&self, dir: &tempfile::TempDir, deadline: Duration) -> Config {
        let acquirer = AcquirerConfig { url: self.partners.url(), key: self.partners.acquirers()[0].clone(), deadline };
        Config {
            admin: true,
            db_path: Some(dir.path().join("host.sqlite3")),
            acquirer: Some(acquirer),
            ..Config::default()
        }
    }

    fn network_db(&self) -> Connection {
        Connection::open(self.partners.db_path()).unwrap()
    }

    /// The network's payment under `request_id`: its id, status and what it took, and how
    /// many payment journals it has (more than one would be a double charge).
    fn payment(&self, request_id: &str) -> Option<(String, String, Option<i64>, i64)> {
        let db = self.network_db();
        let row: Option<(String, String, Option<i64>)> = db
            .query_row("SELECT id, status, user_amount FROM payments WHERE request_id = ?1", [request_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .unwrap();
        row.map(|(id, status, taken)| {
            let journals: i64 = db
                .query_row("SELECT COUNT(*) FROM journals WHERE kind = 'payment' AND payment_id = ?1", [&id], |r| {
                    r.get(0)
                })
                .unwrap();
            (id, status, taken, journals)
        })
    }

    fn assert_network_invariants(&self, case: &(dyn std::fmt::Debug + Sync)) {
        let report = self.partners.check_invariants();
        assert!(report.is_ok(), "{case:?}: network invariants: {report:?}");
    }
}

/// Sends the till's request and waits until the host stops dead at `step`; the till hangs up
/// (its request future is dropped), as it would when the host's process dies.
async fn crash_during(host: &Host, flow: Flow, step: Step, path: &str, body: &Value, idem: &str) {
    let crash = host.sandbox.crash_points().expect("the host acquires");
    crash.arm(flow, step);
    tokio::select! {
        r = host.merchant_post(SHOP, path, body.clone(), idem) => {
            panic!("the till was answered ({} {}) before the host died at {flow:?} {step:?}", r.status, r.body)
        }
        hit = crash.crashed() => assert_eq!(hit, (flow, step)),
    }
}

/// Drops the host (its server stops; the stopped task never moves again) and starts a new
/// one on the same database and partner service; the till keeps its enrolment.
async fn restart(host: Host, config: &Config) -> Host {
    let terminals = std::mem::take(&mut *host.terminals.lock().await);
    drop(host);
    let host = start_with(config.clone()).await;
    *host.terminals.lock().await = terminals;
    host
}

/// Sends a till request until the host answers definitely (no 5xx).
async fn until_definite(host: &Host, path: &str, body: &Value, idem: &str) -> Resp {
    for _ in 0..100 {
        let r = host.merchant_post(SHOP, path, body.clone(), idem).await;
        if !r.status.is_server_error() {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no definite answer to {path}");
}

fn host_db(host: &Host) -> Connection {
    Connection::open(host.sandbox.db_path()).unwrap()
}

/// Waits until the restarted host has nothing pending.
async fn settled(host: &Host, case: &(dyn std::fmt::Debug + Sync)) {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let pending: i64 = host_db(host)
            .query_row(
                "SELECT (SELECT COUNT(*) FROM foreign_charges WHERE status = 'pending')
                      + (SELECT COUNT(*) FROM foreign_refunds WHERE status = 'pending')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if pending == 0 {
            return;
        }
        assert!(Instant::now() < until, "{case:?}: still pending after the restart");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the host's clock has passed the deadline of the charge it recorded, so the
/// restarted host finds it expired.
async fn past_deadline(host: &Host, deadline: Duration) {
    let created: i64 = host_db(host).query_row("SELECT created_at FROM foreign_charges", [], |r| r.get(0)).unwrap();
    while host.sandbox.now() < created + deadline.as_secs() as i64 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn charge_body(code: &str, yen: i64) -> Value {
    json!({ "amount": amt(yen, "JPY"), "code": code })
}

/// The host's books for its one foreign charge: status, what the network took, request id,
/// network; and the number of capture journals.
fn host_charge(host: &Host) -> (String, Option<i64>, String, String, i64) {
    let db = host_db(host);
    let rows: i64 = db.query_row("SELECT COUNT(*) FROM foreign_charges", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 1, "one charge row however often the till asked");
    let (status, taken, request_id, network) = db
        .query_row("SELECT status, customer_amount, request_id, network FROM foreign_charges", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    let journals: i64 =
        db.query_row("SELECT COUNT(*) FROM journals WHERE kind = 'foreign_charge'", [], |r| r.get(0)).unwrap();
    (status, taken, request_id, network, journals)
}

/// Runs a charge schedule: the host dies at `case.step`, restarts, settles; then both books
/// must agree that the tourist paid at most once, and the host captured exactly what was paid.
pub async fn charge_case(rig: &Rig, case: ChargeCase) {
    let dir = tempfile::tempdir().unwrap();
    let deadline = case.scenario.deadline();
    let config = rig.config(&dir, deadline);
    let host = start_with(config.clone()).await;
    host.till(SHOP).await;
    let (balance, yen) = match case.scenario {
        // CNY 5 against a ¥1,200 bowl.
        Scenario::Short => (500, PRICE),
        _ => (500_000, PRICE),
    };
    let user = rig.tourist(case.wallet, balance).await;
    let code = rig.sim.issue_code(&user, None).await.unwrap().code;
    let body = charge_body(&code, yen);
    let idem = key();
    crash_during(&host, Flow::Charge, case.step, "/v1/terminal/charges", &body, &idem).await;
    if matches!(case.scenario, Scenario::LateRestart | Scenario::LongOutage) {
        past_deadline(&host, deadline).await;
    }
    if case.scenario == Scenario::LongOutage {
        rig.partners.advance_clock(25 * 3600);
    }
    let host = restart(host, &config).await;
    let racing = if case.retry == Retry::Racing {
        Some(until_definite(&host, "/v1/terminal/charges", &body, &idem).await)
    } else {
        None
    };
    settled(&host, &case).await;
    let retried = match case.retry {
        Retry::AfterRecovery => Some(until_definite(&host, "/v1/terminal/charges", &body, &idem).await),
        _ => racing,
    };

    let (status, taken, request_id, network, journals) = host_charge(&host);
    assert_eq!(status, case.scenario.expected(case.step), "{case:?}");
    let captured = i64::from(status == "captured");
    assert_eq!(journals, captured, "{case:?}: captured exactly once");
    assert_eq!(host.account_balance(&format!("merchant:{SHOP}")), captured * yen, "{case:?}");
    assert_eq!(host.account_balance(&format!("network:{network}")), -captured * yen, "{case:?}");
    // The network's side: at most one payment journal for the request id, and the tourist
    // out of pocket by exactly what the host captured.
    let spent = balance - rig.balance(&user).await;
    let payment = rig.payment(&request_id);
    if let Some((_, _, _, payments)) = &payment {
        assert!(*payments <= 1, "{case:?}: charged {payments} times at the network");
    }
    if status == "captured" {
        let (_, net_status, net_taken, _) = payment.expect("the network has the payment");
        assert_eq!(net_status, "success", "{case:?}");
        assert_eq!(net_taken, taken, "{case:?}: the host records what the network took");
        assert_eq!(Some(spent), taken, "{case:?}: the tourist paid once");
    } else {
        if let Some((_, net_status, _, _)) = &payment {
            assert!(["failed", "cancelled"].contains(&net_status.as_str()), "{case:?}: network says {net_status}");
        }
        assert_eq!(spent, 0, "{case:?}: nothing taken from the tourist");
    }
    if let Some(r) = retried {
        match status.as_str() {
            "captured" => {
                assert_eq!(r.status.as_u16(), 201, "{case:?}: {}", r.body);
                assert_eq!(r.body["status"], "captured");
                assert_eq!(r.body["customer_amount"]["minor"].as_i64(), taken, "{case:?}");
            }
            "refused" => r.refused(402, "insufficient_funds"),
            _ => r.refused(410, "charge_expired"),
        }
    }
    rig.assert_network_invariants(&case);
    assert!(host.sandbox.check_invariants().is_ok(), "{case:?}: host ledger invariants");
}

/// The host's refunds: (status, amount, what went back) per row, and the refund journals.
fn host_refunds(host: &Host) -> (Vec<(String, i64, Option<i64>)>, i64) {
    let db = host_db(host);
    let mut stmt =
        db.prepare("SELECT status, amount, customer_amount FROM foreign_refunds ORDER BY created_at").unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
    let journals: i64 =
        db.query_row("SELECT COUNT(*) FROM journals WHERE kind = 'foreign_refund'", [], |r| r.get(0)).unwrap();
    (rows, journals)
}

/// Runs a refund schedule: a charge captured normally, then the host dies at `case.step` of
/// its refund, restarts, settles; the refund must be applied once on both books.
pub async fn refund_case(rig: &Rig, case: RefundCase) {
    let dir = tempfile::tempdir().unwrap();
    let config = rig.config(&dir, Duration::from_secs(10));
    let host = start_with(config.clone()).await;
    let user = rig.tourist(case.wallet, 500_000).await;
    let code = rig.sim.issue_code(&user, None).await.unwrap().code;
    let charge = until_definite(&host, "/v1/terminal/charges", &charge_body(&code, PRICE), &key()).await.ok();
    let charge_id = charge["id"].as_str().unwrap().to_owned();
    let paid = charge["customer_amount"]["minor"].as_i64().unwrap();
    let mut body = json!({ "charge_id": charge_id });
    if let Some(yen) = case.amount {
        body["amount"] = amt(yen, "JPY");
    }
    let idem = key();
    crash_during(&host, Flow::Refund, case.step, "/v1/terminal/refunds", &body, &idem).await;
    let host = restart(host, &config).await;
    let racing = if case.retry == Retry::Racing {
        Some(until_definite(&host, "/v1/terminal/refunds", &body, &idem).await)
    } else {
        None
    };
    settled(&host, &case).await;
    let retried = match case.retry {
        Retry::AfterRecovery => Some(until_definite(&host, "/v1/terminal/refunds", &body, &idem).await),
        _ => racing,
    };
    let asked = case.amount.unwrap_or(PRICE);
    if let Some(r) = &retried {
        assert_eq!(r.status.as_u16(), 201, "{case:?}: {}", r.body);
        assert_eq!(r.body["amount"], amt(asked, "JPY"), "{case:?}");
    }
    if case.then_rest {
        let rest = until_definite(&host, "/v1/terminal/refunds", &json!({ "charge_id": charge_id }), &key()).await;
        assert_eq!(rest.status.as_u16(), 201, "{case:?}: {}", rest.body);
        assert_eq!(rest.body["amount"], amt(PRICE - asked, "JPY"), "{case:?}");
    }

    let (rows, journals) = host_refunds(&host);
    assert!(rows.iter().all(|(s, _, _)| s == "completed"), "{case:?}: {rows:?}");
    assert_eq!(rows.len(), 1 + usize::from(case.then_rest), "{case:?}: one refund row per key");
    assert_eq!(journals as usize, rows.len(), "{case:?}: each refund posted once");
    let refunded: i64 = rows.iter().map(|r| r.1).sum();
    let given_back: i64 = rows.iter().map(|r| r.2.expect("what went back")).sum();
    if let Some(r) = &retried {
        assert_eq!(r.body["customer_amount"]["minor"].as_i64(), rows[0].2, "{case:?}");
    }
    let (_, _, request_id, network, _) = host_charge(&host);
    assert_eq!(host.account_balance(&format!("merchant:{SHOP}")), PRICE - refunded, "{case:?}");
    assert_eq!(host.account_balance(&format!("network:{network}")), -(PRICE - refunded), "{case:?}");
    // The network refunded once per refund row, and the tourist has back exactly that.
    let (payment_id, _, _, payments) = rig.payment(&request_id).expect("the network has the payment");
    assert_eq!(payments, 1, "{case:?}");
    let db = rig.network_db();
    let (count, back, journals): (i64, i64, i64) = db
        .query_row(
            "SELECT COUNT(*), COALESCE(SUM(user_amount), 0),
                    (SELECT COUNT(*) FROM journals WHERE kind = 'refund' AND payment_id = ?1)
             FROM refunds WHERE payment_id = ?1",
            [&payment_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((count as usize, journals as usize), (rows.len(), rows.len()), "{case:?}: refunded once per request");
    assert_eq!(back, given_back, "{case:?}: both books agree on what went back");
    assert_eq!(500_000 - rig.balance(&user).await, paid - back, "{case:?}: the tourist's yuan");
    if refunded == PRICE {
        assert_eq!(back, paid, "{case:?}: a full refund gives back every fen");
    }
    rig.assert_network_invariants(&case);
    assert!(host.sandbox.check_invariants().is_ok(), "{case:?}: host ledger invariants");
}
