//! Exactly once under crashes: the client is aborted at every step of payments,
//! remittances and transfers (before send, after send before the response, after the
//! response before the local commit) while the host's fault switch drops connections and
//! answers 5xx after committing. After each crash the wallet is reopened on the same
//! database. At the end the host's ledger, the host's history and the local history must
//! agree: every recorded intent applied once, nothing lost, nothing doubled.
//!
//! `KOBAN_CRASH_SEED` replays a run; `KOBAN_CRASH_SCHEDULES` changes its length.

mod common;

use std::collections::{HashMap, HashSet};

use common::*;
use koban_core::store::Direction;
use koban_core::wallet::{
    FailPoint, PaymentRequest, QuoteAmount, RemitDestination, RemitRecipient, SendTo, Wallet, WalletError,
};
use koban_sandbox::FaultConfig;

/// splitmix64: small, seedable, good enough to pick schedules.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Debug, Default)]
struct Tally {
    ok: u32,
    crashed: HashMap<&'static str, u32>,
    unknown: u32,
    unavailable: u32,
    reopened: u32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_at_every_step_under_faults_pays_exactly_once() {
    let seed: u64 = std::env::var("KOBAN_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    let schedules: u32 = std::env::var("KOBAN_CRASH_SCHEDULES").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000);
    println!("crash test: seed {seed} (replay with KOBAN_CRASH_SEED={seed}), {schedules} schedules");
    let mut rng = Rng(seed);

    let host = start().await;
    let home = Home::new();
    let ben_home = Home::new();
    {
        let ben = ben_home.open(&host).await;
        enrol(&ben, "ben", "JP").await;
    }
    let mut wallet: Option<Wallet> = Some(home.open(&host).await);
    {
        let w = wallet.as_ref().unwrap();
        enrol(w, "aiko", "JP").await;
        verify(w).await;
        fund(w, 50_000_000, 20_000_000).await;
    }
    let ramen = merchant_payload(&host, "m_jp_ramen").await;
    let somtam = merchant_payload(&host, "m_th_somtam").await;
    host.sandbox.set_faults(FaultConfig {
        latency_ms: 0,
        error_permille: 40,
        error_after_commit_permille: 40,
        drop_after_commit_permille: 40,
    });

    let mut tally = Tally::default();
    let mut returned_ids: HashSet<String> = HashSet::new();
    for i in 0..schedules {
        if wallet.is_none() {
            wallet = Some(home.open(&host).await);
            tally.reopened += 1;
        }
        let w = wallet.as_ref().unwrap();
        let point = match rng.below(4) {
            0 => None,
            1 => Some(FailPoint::BeforeSend),
            2 => Some(FailPoint::AfterSend),
            _ => Some(FailPoint::AfterResponse),
        };
        let op = rng.below(4);
        let amount = 100 + rng.below(900) as i64;
        let result: Result<koban_core::store::TransactionRecord, WalletError> = async {
            match op {
                0 => {
                    let q = w
                        .quote_payment(&PaymentRequest {
                            payload: ramen.clone(),
                            amount: Some(jpy(amount)),
                            ..Default::default()
                        })
                        .await?;
                    w.arm_failpoint(point);
                    w.confirm_payment(&q).await
                }
                1 => {
                    let q = w
                        .quote_payment(&PaymentRequest {
                            payload: somtam.clone(),
                            amount: Some(cur("THB", amount * 10)),
                            ..Default::default()
                        })
                        .await?;
                    w.arm_failpoint(point);
                    w.confirm_payment(&q).await
                }
                2 => {
                    let q = w.quote_remittance("PH", QuoteAmount::Send(jpy(amount * 2))).await?;
                    let to = RemitRecipient {
                        name: "Maria Santos".into(),
                        destination: RemitDestination::Payout {
                            method: "bank_account".into(),
                            provider: "BDO".into(),
                            account: "001234567890".into(),
                        },
                        relationship: None,
                    };
                    w.arm_failpoint(point);
                    w.remit(&q, &to, "family_support", None).await
                }
                _ => {
                    w.arm_failpoint(point);
                    w.send(&SendTo::Handle("ben".into()), jpy(amount / 10), None).await
                }
            }
        }
        .await;
        w.arm_failpoint(None);
        match result {
            Ok(t) => {
                tally.ok += 1;
                returned_ids.insert(t.id);
            }
            Err(WalletError::Crashed(p)) => {
                *tally
                    .crashed
                    .entry(match p {
                        FailPoint::BeforeSend => "before_send",
                        FailPoint::AfterSend => "after_send",
                        FailPoint::AfterResponse => "after_response",
                    })
                    .or_default() += 1;
                // The process dies: nothing of this wallet survives but its database.
                wallet = None;
            }
            Err(WalletError::OutcomeUnknown { .. }) => tally.unknown += 1,
            Err(WalletError::Unavailable(_)) => tally.unavailable += 1,
            Err(e) => panic!("schedule {i} (seed {seed}): op {op} at {point:?} failed: {e:?}"),
        }
    }

    // Calm the network, restart once more, resolve whatever is still pending.
    host.sandbox.set_faults(FaultConfig::default());
    drop(wallet);
    let w = home.open(&host).await;
    w.resolve_pending().await.unwrap();
    assert_eq!(w.pending_count().unwrap(), 0);
    println!("crash test: {tally:?}");

    // The host's ledger balances, and its history is exactly the local history.
    let invariants = host.sandbox.check_invariants();
    assert!(invariants.is_ok(), "seed {seed}: {invariants:?}");
    let local = local_history(&w);
    let remote = host_history(&w, &host).await;
    let local_ids: Vec<&str> = local.iter().map(|t| t.id.as_str()).collect();
    let mut remote_ids: Vec<&str> = remote.iter().map(|r| r["transaction_id"].as_str().unwrap()).collect();
    let mut sorted_local = local_ids.clone();
    sorted_local.sort_unstable();
    remote_ids.sort_unstable();
    assert_eq!(sorted_local, remote_ids, "seed {seed}: local and host history differ");
    assert_eq!(
        local_ids.iter().collect::<HashSet<_>>().len(),
        local_ids.len(),
        "seed {seed}: a transaction recorded twice"
    );
    let remote_amounts: HashMap<&str, i64> = remote
        .iter()
        .map(|r| (r["transaction_id"].as_str().unwrap(), r["amount"]["minor"].as_i64().unwrap()))
        .collect();
    for t in &local {
        assert_eq!(t.amount.minor(), remote_amounts[t.id.as_str()], "seed {seed}: amount of {}", t.id);
    }
    // One host transaction per intent: no intent was applied twice or under a second key.
    let keys: Vec<&str> = local.iter().filter_map(|t| t.intent_key.as_deref()).collect();
    assert_eq!(
        keys.iter().collect::<HashSet<_>>().len(),
        keys.len(),
        "seed {seed}: an intent produced two transactions"
    );
    for id in &returned_ids {
        assert!(local_ids.contains(&id.as_str()), "seed {seed}: a confirmed transaction {id} is missing");
    }
    let net: i64 =
        local.iter().map(|t| if t.direction == Direction::In { t.amount.minor() } else { -t.amount.minor() }).sum();
    assert_eq!(w.balance().await.unwrap().available.minor(), net, "seed {seed}: balance does not match history");
    // Every intent the engine recorded ended applied; none was refused on resend.
    let conn = rusqlite::Connection::open(home.db()).unwrap();
    let refused: Vec<(String, String)> = conn
        .prepare("SELECT kind, outcome FROM intents WHERE state = 'refused'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(refused.is_empty(), "seed {seed}: refused on resend: {refused:?}");
    let done: usize = conn
        .query_row(
            "SELECT COUNT(*) FROM intents WHERE state = 'done' AND kind IN ('payment', 'remittance', 'p2p')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let moved = local.iter().filter(|t| t.kind != "topup").count();
    let crashes: u32 = tally.crashed.values().sum();
    println!("crash test: {moved} money movements on the host, {done} intents, {crashes} crashes, all reconciled");
    assert_eq!(moved, done, "seed {seed}: intents and host transactions differ");
    assert!(crashes as u64 >= u64::from(schedules) / 2, "most schedules crash somewhere: {tally:?}");
}

/// The app comes back after the signature window (300 s): each failpoint leaves a payment or
/// a transfer pending, the host clock moves 10 minutes on, and the resend — signed first with
/// a time the host finds stale — is re-signed under the same idempotency key and applied once.
/// Payments are resolved by reopening the wallet (a fresh client that has not heard the host's
/// clock), transfers by the same wallet before its next call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_after_the_signature_window_is_re_signed_and_applied_once() {
    let host = start().await;
    let home = Home::new();
    let ben_home = Home::new();
    {
        let ben = ben_home.open(&host).await;
        enrol(&ben, "ben", "JP").await;
    }
    let ramen = merchant_payload(&host, "m_jp_ramen").await;
    let mut w = home.open(&host).await;
    enrol(&w, "aiko", "JP").await;
    fund(&w, 1_000_000, 20_000).await;
    let window = 2 * koban_core::crypto::request::MAX_CLOCK_SKEW_SECS as i64;
    let mut spent = 0;
    for point in [FailPoint::BeforeSend, FailPoint::AfterSend, FailPoint::AfterResponse] {
        let q = w
            .quote_payment(&PaymentRequest { payload: ramen.clone(), amount: Some(jpy(800)), ..Default::default() })
            .await
            .unwrap();
        w.arm_failpoint(Some(point));
        assert!(matches!(w.confirm_payment(&q).await, Err(WalletError::Crashed(p)) if p == point));
        assert_eq!(w.pending_count().unwrap(), 1);
        drop(w);
        host.sandbox.advance_clock(window);
        w = home.open(&host).await;
        assert_eq!(w.pending_count().unwrap(), 0, "payment at {point:?} resolved on open");
        spent += 800;

        w.arm_failpoint(Some(point));
        let sent = w.send(&SendTo::Handle("ben".into()), jpy(300), None).await;
        assert!(matches!(sent, Err(WalletError::Crashed(p)) if p == point));
        w.arm_failpoint(None);
        host.sandbox.advance_clock(window);
        w.resolve_pending().await.unwrap();
        assert_eq!(w.pending_count().unwrap(), 0, "transfer at {point:?} resolved in place");
        spent += 300;
    }

    // Each intent applied once: the host's history is the local history, the balance theirs.
    let local = local_history(&w);
    let remote = host_history(&w, &host).await;
    let mut local_ids: Vec<&str> = local.iter().map(|t| t.id.as_str()).collect();
    let mut remote_ids: Vec<&str> = remote.iter().map(|r| r["transaction_id"].as_str().unwrap()).collect();
    local_ids.sort_unstable();
    remote_ids.sort_unstable();
    assert_eq!(local_ids, remote_ids);
    assert_eq!(local_ids.iter().collect::<HashSet<_>>().len(), local_ids.len(), "a transaction recorded twice");
    assert_eq!(local.iter().filter(|t| t.kind == "payment").count(), 3);
    assert_eq!(local.iter().filter(|t| t.kind == "p2p").count(), 3);
    assert_eq!(w.balance().await.unwrap().available, jpy(20_000 - spent));
    let conn = rusqlite::Connection::open(home.db()).unwrap();
    let refused: usize =
        conn.query_row("SELECT COUNT(*) FROM intents WHERE state = 'refused'", [], |r| r.get(0)).unwrap();
    assert_eq!(refused, 0, "no resend was refused");
}

/// Approving and declining till charges under crashes and faults: a till charges a code above
/// the no-confirmation limit, the phone hears of it, and approves or declines it while the
/// engine is aborted at every step and the host drops answers after committing. Each charge
/// ends captured once or moves nothing, and the local history is the host's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approving_or_declining_a_charge_under_crashes_applies_once() {
    let seed: u64 = std::env::var("KOBAN_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    println!("approval crash test: seed {seed}");
    let mut rng = Rng(seed);
    let host = start().await;
    let home = Home::new();
    let mut w = home.open(&host).await;
    enrol(&w, "aiko", "JP").await;
    verify(&w).await;
    fund(&w, 5_000_000, 2_000_000).await;
    let till = till(&host, "m_jp_mart").await;
    host.sandbox.set_faults(FaultConfig {
        latency_ms: 0,
        error_permille: 50,
        error_after_commit_permille: 50,
        drop_after_commit_permille: 50,
    });
    let mut crashes = 0;
    for i in 0..40 {
        if w.codes_left().unwrap() < 5 {
            while w.replenish_codes().await.is_err() {}
        }
        let code = w.consumer_code().unwrap();
        let amount = 10_001 + rng.below(2_000) as i64;
        let charge = loop {
            match till.charge(&code.qr_text, jpy(amount), None).await {
                Ok(c) => break c,
                Err(koban_core::terminal::TerminalError::Unknown(_)) => continue,
                Err(e) => panic!("schedule {i} (seed {seed}): the till's charge failed: {e}"),
            }
        };
        assert_eq!(charge.status, koban_core::terminal::ChargeStatus::PendingApproval);
        loop {
            match w.sync(0).await {
                Ok(r) if r.charge_requests.iter().any(|c| c.id == charge.id) => break,
                Ok(_) => panic!("schedule {i}: the charge was not heard"),
                Err(_) => continue,
            }
        }
        let point = match rng.below(4) {
            0 => None,
            1 => Some(FailPoint::BeforeSend),
            2 => Some(FailPoint::AfterSend),
            _ => Some(FailPoint::AfterResponse),
        };
        w.arm_failpoint(point);
        let approve = rng.below(2) == 0;
        let result =
            if approve { w.approve_charge(&charge.id).await.map(|_| ()) } else { w.decline_charge(&charge.id).await };
        w.arm_failpoint(None);
        match result {
            Ok(()) | Err(WalletError::OutcomeUnknown { .. }) => {}
            Err(WalletError::Crashed(_)) => {
                crashes += 1;
                drop(w);
                w = home.open(&host).await;
            }
            Err(e) => panic!("schedule {i} (seed {seed}): {e:?}"),
        }
    }
    host.sandbox.set_faults(FaultConfig::default());
    w.resolve_pending().await.unwrap();
    w.sync(0).await.unwrap();
    assert!(crashes > 0);

    // At the host every charge was decided, and captured ones moved money once.
    let conn = rusqlite::Connection::open(host.sandbox.db_path()).unwrap();
    let decided: Vec<(String, String, i64, Option<String>)> = conn
        .prepare("SELECT id, status, amount, journal_id FROM charges")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(decided.len(), 40);
    assert!(decided.iter().all(|(_, s, _, _)| s == "captured" || s == "declined"), "seed {seed}: {decided:?}");
    let captured: i64 = decided.iter().filter(|(_, s, _, _)| s == "captured").map(|(_, _, a, _)| a).sum();
    assert_eq!(w.balance().await.unwrap().available, jpy(2_000_000 - captured), "seed {seed}");
    // The local history holds each capture once, under the host's transaction id.
    let local = local_history(&w);
    let mut local_charges: Vec<&str> = local.iter().filter(|t| t.kind == "cpm_charge").map(|t| t.id.as_str()).collect();
    let mut host_charges: Vec<&str> = decided.iter().filter_map(|(_, _, _, j)| j.as_deref()).collect();
    local_charges.sort_unstable();
    host_charges.sort_unstable();
    assert_eq!(local_charges, host_charges, "seed {seed}");
    assert!(w.charge_requests().unwrap().is_empty(), "nothing left waiting");
    assert!(host.sandbox.check_invariants().is_ok());
}
