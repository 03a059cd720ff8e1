//! "User paying": payments that wait for the user's confirmation, inquiries, cancels.

mod common;

use common::{rid, PAYERS};
use koban_partners::engine::{CANCEL_WINDOW_SECS, PAYING_TIMEOUT_SECS};
use koban_partners::error::RefusalKind;
use koban_partners::{FaultConfig, PayFailure, PaymentStatus};

fn paying(polls: u32, secs: u32, abandon: bool) -> FaultConfig {
    FaultConfig {
        paying_permille: 1000,
        paying_polls: polls,
        paying_secs: secs,
        abandon_permille: if abandon { 1000 } else { 0 },
        ..FaultConfig::default()
    }
}

#[tokio::test]
async fn a_user_paying_state_ends_in_success_after_enough_inquiries() {
    let net = common::start().await;
    net.partners.set_faults(paying(3, 0, false));
    for (network, user) in PAYERS {
        let before = net.balance(user).await;
        let req = net.charge(user, 1_500).await;
        let r = net.pay(network, &req).await;
        assert_eq!(r.status, PaymentStatus::Processing, "{network}: {r:?}");
        assert_eq!(net.balance(user).await, before, "nothing is taken while the user confirms");
        // A repeat of the pay is no inquiry: it does not move the state on.
        assert_eq!(net.pay(network, &req).await.status, PaymentStatus::Processing);
        for _ in 0..2 {
            assert_eq!(net.acq.inquire(network, &req.request_id).await.unwrap().status, PaymentStatus::Processing);
        }
        let done = net.acq.inquire(network, &req.request_id).await.unwrap();
        assert_eq!(done.status, PaymentStatus::Success, "{network}: {done:?}");
        let paid = done.customer_amount.clone().expect("the user's amount");
        assert_eq!(net.balance(user).await, before - paid.value);
        // Final now: the pay answers success, more inquiries change nothing.
        assert_eq!(net.pay(network, &req).await.status, PaymentStatus::Success);
        assert_eq!(net.acq.inquire(network, &req.request_id).await.unwrap().status, PaymentStatus::Success);
        assert_eq!(net.balance(user).await, before - paid.value);
    }
}

#[tokio::test]
async fn a_user_paying_state_ends_by_the_clock_too() {
    let net = common::start().await;
    net.partners.set_faults(paying(0, 20, false));
    for (network, user) in PAYERS {
        let req = net.charge(user, 900).await;
        assert_eq!(net.pay(network, &req).await.status, PaymentStatus::Processing);
        assert_eq!(net.acq.inquire(network, &req.request_id).await.unwrap().status, PaymentStatus::Processing);
        net.partners.advance_clock(20);
        assert_eq!(net.acq.inquire(network, &req.request_id).await.unwrap().status, PaymentStatus::Success);
    }
}

#[tokio::test]
async fn a_user_who_never_confirms_is_cancelled_and_nothing_is_taken() {
    let net = common::start().await;
    net.partners.set_faults(paying(1, 0, true));
    for (network, user) in PAYERS {
        let before = net.balance(user).await;
        let req = net.charge(user, 2_000).await;
        assert_eq!(net.pay(network, &req).await.status, PaymentStatus::Processing);
        // The acquirer inquires with back-off, then gives up at its own timeout and cancels.
        for _ in 0..5 {
            assert_eq!(net.acq.inquire(network, &req.request_id).await.unwrap().status, PaymentStatus::Processing);
            net.partners.advance_clock(5);
        }
        let cancelled = net.acq.cancel(network, &req.request_id).await.unwrap();
        assert_eq!(cancelled.request_id, req.request_id);
        let r = net.acq.inquire(network, &req.request_id).await.unwrap();
        assert_eq!(r.status, PaymentStatus::Cancelled, "{network}");
        assert_eq!(net.balance(user).await, before, "{network}: nothing taken");
        // Cancelling again is the same cancel; the pay repeated answers cancelled, charges nothing.
        net.acq.cancel(network, &req.request_id).await.unwrap();
        assert_eq!(net.pay(network, &req).await.status, PaymentStatus::Cancelled);
        net.partners.advance_clock(PAYING_TIMEOUT_SECS);
        assert_eq!(net.acq.inquire(network, &req.request_id).await.unwrap().status, PaymentStatus::Cancelled);
        assert_eq!(net.balance(user).await, before);
    }
}

#[tokio::test]
async fn the_network_closes_a_payment_the_user_never_confirmed() {
    let net = common::start().await;
    net.partners.set_faults(paying(1, 0, true));
    for (network, user) in PAYERS {
        let before = net.balance(user).await;
        let req = net.charge(user, 2_000).await;
        assert_eq!(net.pay(network, &req).await.status, PaymentStatus::Processing);
        net.partners.advance_clock(PAYING_TIMEOUT_SECS);
        let r = net.acq.inquire(network, &req.request_id).await.unwrap();
        assert_eq!((r.status, r.failure), (PaymentStatus::Failed, Some(PayFailure::UserTimeout)), "{network}");
        // A cancel of a failed payment is a success with nothing to return.
        net.acq.cancel(network, &req.request_id).await.unwrap();
        assert_eq!(net.balance(user).await, before);
    }
}

#[tokio::test]
async fn a_cancel_that_comes_first_claims_the_request_id() {
    let net = common::start().await;
    for (network, user) in PAYERS {
        let before = net.balance(user).await;
        let req = net.charge(user, 1_000).await;
        // The pay was lost on the way; the acquirer cancels before it arrives.
        let c = net.acq.cancel(network, &req.request_id).await.unwrap();
        assert_eq!(c.payment_id, None);
        let late = net.pay(network, &req).await;
        assert_eq!(late.status, PaymentStatus::Cancelled, "{network}");
        assert_eq!(net.balance(user).await, before);
        // The code was never presented: it still pays under a new request id.
        let mut fresh = req.clone();
        fresh.request_id = rid();
        assert_eq!(net.pay(network, &fresh).await.status, PaymentStatus::Success);
    }
}

#[tokio::test]
async fn a_cancel_reverses_a_successful_payment_once_within_the_window() {
    let net = common::start().await;
    for (network, user) in PAYERS {
        let before = net.balance(user).await;
        let req = net.charge(user, 3_000).await;
        assert_eq!(net.pay(network, &req).await.status, PaymentStatus::Success);
        assert!(net.balance(user).await < before);
        net.acq.cancel(network, &req.request_id).await.unwrap();
        assert_eq!(net.balance(user).await, before, "{network}: reversed in full");
        net.acq.cancel(network, &req.request_id).await.unwrap();
        assert_eq!(net.balance(user).await, before, "{network}: reversed once");
        assert_eq!(net.acq.inquire(network, &req.request_id).await.unwrap().status, PaymentStatus::Cancelled);
        // Refunding a cancelled payment is refused.
        let err = net.acq.refund(network, &common::refund_of(&req, 100)).await.unwrap_err();
        assert_eq!(err.refusal(), Some(RefusalKind::PaymentStateInvalid), "{network}: {err}");

        let old = net.charge(user, 3_000).await;
        assert_eq!(net.pay(network, &old).await.status, PaymentStatus::Success);
        net.partners.advance_clock(CANCEL_WINDOW_SECS + 1);
        let err = net.acq.cancel(network, &old.request_id).await.unwrap_err();
        assert_eq!(err.refusal(), Some(RefusalKind::CancelWindowExceeded), "{network}: {err}");
    }
}
