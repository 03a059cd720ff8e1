//! Refunds: full and partial, at the payment's rate, never more than was paid, once per id.

mod common;

use common::{jpy, refund_of, PAYERS};
use koban_partners::error::RefusalKind;
use koban_partners::{Amount, FaultConfig, Network, PaymentStatus};

#[tokio::test]
async fn partial_then_full_refunds_give_back_exactly_what_was_taken() {
    let net = common::start().await;
    for (network, user) in PAYERS {
        let before = net.balance(user).await;
        let req = net.charge(user, 1_200).await;
        let paid = net.pay(network, &req).await.customer_amount.expect("paid").value;

        let part = net.acq.refund(network, &refund_of(&req, 400)).await.unwrap();
        assert_eq!(part.amount, jpy(400));
        let first = part.customer_amount.clone().expect("given back").value;
        // A third of what was paid, rounded down in the network's favour.
        assert_eq!(first, paid / 3, "{network}");
        assert_eq!(net.balance(user).await, before - paid + first);

        let rest = net.acq.refund(network, &refund_of(&req, 800)).await.unwrap();
        let second = rest.customer_amount.expect("given back").value;
        assert_eq!(first + second, paid, "{network}: the full refund returns every fen");
        assert_eq!(net.balance(user).await, before);

        // Everything is refunded: one yen more is refused.
        let err = net.acq.refund(network, &refund_of(&req, 1)).await.unwrap_err();
        assert_eq!(err.refusal(), Some(RefusalKind::RefundExceedsPayment), "{network}: {err}");
        // The payment still reads as paid; its refunds show on the user's phone, linked to it.
        let inquiry = net.acq.inquire(network, &req.request_id).await.unwrap();
        assert_eq!(inquiry.status, PaymentStatus::Success);
        let history = net.sim.history(user).await.unwrap();
        let payment_id = inquiry.payment_id.expect("payment id");
        let refunds: Vec<_> =
            history.items.iter().filter(|i| i.kind == "refund" && i.payment_id == payment_id).collect();
        assert_eq!(refunds.len(), 2);
        let total: i64 = refunds.iter().map(|i| i.user_amount.as_ref().map_or(0, |a| a.value)).sum();
        assert_eq!(total, paid);
        let payment = history.items.iter().find(|i| i.kind == "payment" && i.id == payment_id).unwrap();
        assert_eq!(payment.refunded, Some(jpy(1_200)));
    }
}

#[tokio::test]
async fn refunds_never_exceed_the_payment() {
    let net = common::start().await;
    for (network, user) in PAYERS {
        let req = net.charge(user, 1_000).await;
        net.pay(network, &req).await;
        let err = net.acq.refund(network, &refund_of(&req, 1_001)).await.unwrap_err();
        assert_eq!(err.refusal(), Some(RefusalKind::RefundExceedsPayment), "{network}: {err}");
        net.acq.refund(network, &refund_of(&req, 600)).await.unwrap();
        let err = net.acq.refund(network, &refund_of(&req, 401)).await.unwrap_err();
        assert_eq!(err.refusal(), Some(RefusalKind::RefundExceedsPayment), "{network}: {err}");
        net.acq.refund(network, &refund_of(&req, 400)).await.unwrap();
        // Refunds in another currency than the payment's, or of nothing, are refused.
        let other = net.charge(user, 1_000).await;
        net.pay(network, &other).await;
        let mut cny = refund_of(&other, 10);
        cny.amount = Amount::new(10, "CNY");
        cny.payment_amount = Amount::new(1_000, "CNY");
        let err = net.acq.refund(network, &cny).await.unwrap_err();
        assert_eq!(err.refusal(), Some(RefusalKind::RefundCurrencyMismatch), "{network}: {err}");
        assert_eq!(
            net.acq.refund(network, &refund_of(&other, 0)).await.unwrap_err().refusal(),
            Some(RefusalKind::BadRequest)
        );
        // A partly refunded payment is not cancelled: the rest is refunded instead.
        net.acq.refund(network, &refund_of(&other, 100)).await.unwrap();
        let err = net.acq.cancel(network, &other.request_id).await.unwrap_err();
        assert_eq!(err.refusal(), Some(RefusalKind::PaymentStateInvalid), "{network}: {err}");
    }
}

#[tokio::test]
async fn a_refund_applies_once_per_refund_request_id() {
    let net = common::start().await;
    for (network, user) in PAYERS {
        let req = net.charge(user, 1_000).await;
        net.pay(network, &req).await;
        let after_pay = net.balance(user).await;
        let refund = refund_of(&req, 500);
        let first = net.acq.refund(network, &refund).await.unwrap();
        let again = net.acq.refund(network, &refund).await.unwrap();
        assert_eq!(first.refund_id, again.refund_id);
        assert_eq!(first.customer_amount, again.customer_amount);
        let given = first.customer_amount.expect("given").value;
        assert_eq!(net.balance(user).await, after_pay + given, "{network}: applied once");
        let mut changed = refund.clone();
        changed.amount = jpy(300);
        let err = net.acq.refund(network, &changed).await.unwrap_err();
        assert_eq!(err.refusal(), Some(RefusalKind::RequestIdReused), "{network}: {err}");
    }
}

#[tokio::test]
async fn refunds_need_a_payment_that_succeeded() {
    let net = common::start().await;
    for (network, user) in
        [(Network::AlipayPlus, "zhang_min"), (Network::WechatPay, "zhao_lei"), (Network::Unionpay, "chen_jie")]
    {
        let req = net.charge(user, 5_000).await;
        assert_eq!(net.pay(network, &req).await.status, PaymentStatus::Failed);
        let err = net.acq.refund(network, &refund_of(&req, 100)).await.unwrap_err();
        assert_eq!(err.refusal(), Some(RefusalKind::PaymentStateInvalid), "{network}: {err}");
        let mut unknown = refund_of(&req, 100);
        unknown.payment_request_id = common::rid();
        assert_eq!(net.acq.refund(network, &unknown).await.unwrap_err().refusal(), Some(RefusalKind::NotFound));
    }
    // While the user is still confirming there is nothing to refund yet.
    net.partners.set_faults(FaultConfig { paying_permille: 1000, paying_polls: 5, ..FaultConfig::default() });
    for (network, user) in PAYERS {
        let req = net.charge(user, 1_000).await;
        assert_eq!(net.pay(network, &req).await.status, PaymentStatus::Processing);
        let err = net.acq.refund(network, &refund_of(&req, 100)).await.unwrap_err();
        assert_eq!(err.refusal(), Some(RefusalKind::PaymentStateInvalid), "{network}: {err}");
    }
}

#[tokio::test]
async fn refunds_in_won_and_hong_kong_dollars_use_the_payments_rate() {
    let net = common::start().await;
    for (user, paid_expected) in [("kim_minji", 11_074), ("chan_tai_man", 6_259)] {
        let before = net.balance(user).await;
        let req = net.charge(user, 1_200).await;
        let r = net.pay(Network::AlipayPlus, &req).await;
        assert_eq!(r.customer_amount.as_ref().map(|a| a.value), Some(paid_expected));
        let one = net.acq.refund(Network::AlipayPlus, &refund_of(&req, 1)).await.unwrap();
        // ¥1 of ¥1,200: ₩9.228 rounds down to ₩9; HK$0.0521 to HK$0.05.
        assert_eq!(one.customer_amount.map(|a| a.value), Some(paid_expected / 1_200));
        net.acq.refund(Network::AlipayPlus, &refund_of(&req, 1_199)).await.unwrap();
        assert_eq!(net.balance(user).await, before, "{user}");
    }
}
