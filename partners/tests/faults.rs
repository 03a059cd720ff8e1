//! Faults between the acquirer and the network: dropped answers, errors after commit, late
//! answers, refusals before handling. The same request id never charges twice.

mod common;

use std::time::Duration;

use common::{refund_of, PAYERS};
use koban_partners::client::PaymentResult;
use koban_partners::{Config, FaultConfig, Network, PaymentStatus};

#[tokio::test]
async fn a_dropped_answer_is_resolved_by_resending_the_same_request() {
    let net = common::start().await;
    for (network, user) in PAYERS {
        let before = net.balance(user).await;
        let req = net.charge(user, 1_000).await;
        net.partners.set_faults(FaultConfig { drop_after_commit_permille: 1000, ..FaultConfig::default() });
        for _ in 0..3 {
            let err = net.acq.pay(network, &req).await.unwrap_err();
            assert!(err.is_unknown(), "{network}: {err}");
        }
        net.partners.set_faults(FaultConfig::default());
        let r = net.pay(network, &req).await;
        assert_eq!(r.status, PaymentStatus::Success, "{network}");
        let paid = r.customer_amount.expect("paid").value;
        assert_eq!(net.balance(user).await, before - paid, "{network}: charged once over four sends");
    }
}

#[tokio::test]
async fn errors_after_commit_and_refusals_before_handling_are_unknown_outcomes() {
    let net = common::start().await;
    for (network, user) in PAYERS {
        let before = net.balance(user).await;
        let committed = net.charge(user, 1_000).await;
        net.partners.set_faults(FaultConfig { error_after_commit_permille: 1000, ..FaultConfig::default() });
        assert!(net.acq.pay(network, &committed).await.unwrap_err().is_unknown());
        let refused = net.charge(user, 1_000).await;
        net.partners.set_faults(FaultConfig { error_permille: 1000, ..FaultConfig::default() });
        assert!(net.acq.pay(network, &refused).await.unwrap_err().is_unknown());
        net.partners.set_faults(FaultConfig::default());
        // The first was committed; the second never happened, so its inquiry finds nothing.
        assert_eq!(net.acq.inquire(network, &committed.request_id).await.unwrap().status, PaymentStatus::Success);
        assert!(net.acq.inquire(network, &refused.request_id).await.is_err());
        let paid = before - net.balance(user).await;
        assert_eq!(net.pay(network, &refused).await.status, PaymentStatus::Success);
        assert_eq!(before - net.balance(user).await, 2 * paid, "{network}");
    }
}

#[tokio::test]
async fn an_answer_that_comes_too_late_is_resolved_by_inquiry() {
    let net = common::start().await;
    let impatient = net.acq.clone().with_timeout(Duration::from_millis(200)).unwrap();
    net.partners.set_faults(FaultConfig { timeout_permille: 1000, timeout_ms: 700, ..FaultConfig::default() });
    for (network, user) in PAYERS {
        let before = net.balance(user).await;
        let req = net.charge(user, 1_000).await;
        assert!(impatient.pay(network, &req).await.unwrap_err().is_unknown(), "{network}");
        let r = impatient.inquire(network, &req.request_id).await;
        assert!(r.unwrap_err().is_unknown());
        let r = net.acq.inquire(network, &req.request_id).await.unwrap();
        assert_eq!(r.status, PaymentStatus::Success, "{network}");
        assert_eq!(net.balance(user).await, before - r.customer_amount.expect("paid").value);
    }
}

/// Every call under random faults, retried with the same ids until the outcome is known: each
/// user pays exactly the successful payments less the refunds, and the ledger balances.
#[tokio::test]
async fn retries_under_random_faults_never_charge_twice() {
    let faults = FaultConfig::parse(
        "latency_ms=3,error=150,error_after_commit=150,drop=150,paying=300,paying_polls=2,abandon=200",
    )
    .unwrap();
    let net = common::start_with(Config { admin: true, faults, fault_seed: 42, ..Config::default() }).await;
    let mut expected: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    for (_, user) in PAYERS {
        expected.insert(user, net.balance(user).await);
    }
    for round in 0..12 {
        for (network, user) in PAYERS {
            let req = net.charge(user, 300 + round * 10).await;
            let mut r: PaymentResult = net.until_known(|| net.acq.pay(network, &req)).await.unwrap();
            for _ in 0..10 {
                if r.status != PaymentStatus::Processing {
                    break;
                }
                r = net.until_known(|| net.acq.inquire(network, &req.request_id)).await.unwrap();
            }
            if r.status == PaymentStatus::Processing {
                net.until_known(|| net.acq.cancel(network, &req.request_id)).await.unwrap();
                r = net.until_known(|| net.acq.inquire(network, &req.request_id)).await.unwrap();
                assert_eq!(r.status, PaymentStatus::Cancelled);
                continue;
            }
            assert!(matches!(r.status, PaymentStatus::Success | PaymentStatus::Failed), "{r:?}");
            if r.status != PaymentStatus::Success {
                continue;
            }
            let paid = r.customer_amount.clone().expect("paid").value;
            *expected.get_mut(user).unwrap() -= paid;
            if round % 3 == 0 {
                let refund = refund_of(&req, req.amount.value / 2);
                let done = net.until_known(|| net.acq.refund(network, &refund)).await.unwrap();
                *expected.get_mut(user).unwrap() += done.customer_amount.expect("given back").value;
            }
        }
    }
    net.partners.set_faults(FaultConfig::default());
    for (network, user) in PAYERS {
        assert_eq!(net.balance(user).await, expected[user], "{network} {user}");
    }
    let report = net.partners.check_invariants().unwrap();
    assert!(report.payments.get("success").copied().unwrap_or(0) > 0, "{report:?}");
}

#[tokio::test]
async fn faults_touch_only_the_acquiring_apis() {
    let net = common::start().await;
    net.partners.set_faults(FaultConfig {
        error_permille: 1000,
        drop_after_commit_permille: 1000,
        ..FaultConfig::default()
    });
    // The phones and the operator still work.
    net.sim.issue_code("li_wei", None).await.unwrap();
    net.sim.history("li_wei").await.unwrap();
    assert!(net.sim.invariants().await.unwrap().is_ok());
    let req = net.charge("li_wei", 100).await;
    assert!(net.acq.pay(Network::AlipayPlus, &req).await.unwrap_err().is_unknown());
}
