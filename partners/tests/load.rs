//! Load: many tourists paying, waiting, cancelling and being refunded at once with faults on;
//! afterwards every yuan, Hong Kong dollar and won is reconciled.
//!
//! `cargo test -p koban-partners --release --test load -- --ignored --nocapture`
//! (`KOBAN_PARTNERS_LOAD_SECS`, default 20; `KOBAN_PARTNERS_LOAD_USERS`, default 60).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{jpy, refund_of, rid};
use koban_partners::client::{AcquirerClient, ClientError, PayRequest, SimulatorClient};
use koban_partners::network::WALLETS;
use koban_partners::{Config, FaultConfig, PaymentStatus};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[derive(Default)]
struct Tally {
    calls: u64,
    latencies_us: Vec<u64>,
    paid: u64,
    failed: u64,
    cancelled: u64,
    refunds: u64,
}

/// Calls `f` until its outcome is known, timing each call.
async fn known<T, F, Fut>(tally: &mut Tally, mut f: F) -> Result<T, ClientError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ClientError>>,
{
    loop {
        let start = Instant::now();
        let r = f().await;
        tally.calls += 1;
        tally.latencies_us.push(start.elapsed().as_micros() as u64);
        match r {
            Err(e) if e.is_unknown() => continue,
            other => return other,
        }
    }
}

async fn tourist(acq: AcquirerClient, sim: SimulatorClient, user: String, deadline: Instant) -> (Tally, i64) {
    let network = sim.user(&user).await.expect("user").network;
    let mut tally = Tally::default();
    let mut net_taken = 0i64;
    let mut n = 0i64;
    while Instant::now() < deadline {
        n += 1;
        let code = sim.issue_code(&user, None).await.expect("code").code;
        let req = PayRequest {
            request_id: rid(),
            code,
            amount: jpy(200 + (n * 37) % 3_000),
            merchant_id: "m_load".into(),
            merchant_name: "Load Shop".into(),
            description: "things".into(),
        };
        let mut r = known(&mut tally, || acq.pay(network, &req)).await.expect("pay");
        for _ in 0..5 {
            if r.status != PaymentStatus::Processing {
                break;
            }
            r = known(&mut tally, || acq.inquire(network, &req.request_id)).await.expect("inquire");
        }
        if r.status == PaymentStatus::Processing {
            known(&mut tally, || acq.cancel(network, &req.request_id)).await.expect("cancel");
            tally.cancelled += 1;
            continue;
        }
        if r.status != PaymentStatus::Success {
            tally.failed += 1;
            continue;
        }
        tally.paid += 1;
        net_taken += r.customer_amount.expect("paid").value;
        if n % 4 == 0 {
            let refund = refund_of(&req, req.amount.value / 3);
            let done = known(&mut tally, || acq.refund(network, &refund)).await.expect("refund");
            net_taken -= done.customer_amount.expect("given back").value;
            tally.refunds += 1;
        }
    }
    (tally, net_taken)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load test: run with --release --ignored --nocapture"]
async fn many_tourists_at_once_reconcile_exactly() {
    let secs = env("KOBAN_PARTNERS_LOAD_SECS", 20);
    let users = env("KOBAN_PARTNERS_LOAD_USERS", 60) as usize;
    let faults =
        FaultConfig::parse("latency_ms=3,error=20,error_after_commit=20,drop=20,paying=100,paying_polls=2,abandon=100")
            .expect("faults");
    let net = Arc::new(common::start_with(Config { admin: true, faults, fault_seed: 7, ..Config::default() }).await);
    let mut opening = Vec::new();
    for i in 0..users {
        let wallet = WALLETS[i % WALLETS.len()];
        let id = format!("load_{i}");
        // Enough for the whole run in every currency, and a few who run dry.
        let balance = if i % 10 == 9 { 5_000 } else { 100_000_000 };
        net.sim.create_user(&id, wallet.id, "Load Tourist", balance).await.expect("user");
        opening.push((id, balance));
    }
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (id, _) in &opening {
        tasks.push(tokio::spawn(tourist(net.acq.clone(), net.sim.clone(), id.clone(), deadline)));
    }
    let mut total = Tally::default();
    let mut mismatches = Vec::new();
    for ((id, balance), task) in opening.iter().zip(tasks) {
        let (tally, taken) = task.await.expect("tourist");
        total.calls += tally.calls;
        total.latencies_us.extend(tally.latencies_us);
        total.paid += tally.paid;
        total.failed += tally.failed;
        total.cancelled += tally.cancelled;
        total.refunds += tally.refunds;
        let now = net.sim.user(id).await.expect("user").balance.value;
        if now != balance - taken {
            mismatches.push(format!("{id}: {now} != {balance} - {taken}"));
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    total.latencies_us.sort_unstable();
    let pct = |p: f64| total.latencies_us.get(((total.latencies_us.len() as f64) * p) as usize).copied().unwrap_or(0);
    println!(
        "{users} tourists for {elapsed:.1}s: {} calls ({:.0}/s), p50 {:.1} ms, p99 {:.1} ms; {} paid, {} failed, {} cancelled, {} refunds",
        total.calls,
        total.calls as f64 / elapsed,
        pct(0.50) as f64 / 1000.0,
        pct(0.99) as f64 / 1000.0,
        total.paid,
        total.failed,
        total.cancelled,
        total.refunds
    );
    assert!(mismatches.is_empty(), "balances do not reconcile: {mismatches:?}");
    net.partners.set_faults(FaultConfig::default());
    let checked = Instant::now();
    let report = net.partners.check_invariants().expect("invariants");
    println!("ledger (checked in {:.1}s): {report:?}", checked.elapsed().as_secs_f64());
    assert!(total.paid > 0 && total.refunds > 0);
}
