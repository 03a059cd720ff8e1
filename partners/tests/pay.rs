//! Charging codes: each network, each failure, idempotency.

mod common;

use common::{jpy, rid, PAYERS};
use koban_partners::error::RefusalKind;
use koban_partners::network::CodeForm;
use koban_partners::{Amount, Network, PayFailure, PaymentStatus};

#[tokio::test]
async fn a_code_of_each_wallet_pays_once_in_the_users_currency() {
    let net = common::start().await;
    // ¥1,200 at each network's rate (mid plus its margin), rounded up to the user's minor unit.
    let cases = [
        (Network::AlipayPlus, "li_wei", None, Amount::new(5_778, "CNY"), "0.0481440000", "Alipay"),
        (Network::AlipayPlus, "chan_tai_man", None, Amount::new(6_259, "HKD"), "0.0521560000", "AlipayHK"),
        (Network::AlipayPlus, "kim_minji", None, Amount::new(11_074, "KRW"), "9.2276000000", "Kakao Pay"),
        (Network::WechatPay, "wang_fang", None, Amount::new(5_784, "CNY"), "0.0481920000", ""),
        (Network::WechatPay, "ho_ka_yan", None, Amount::new(6_265, "HKD"), "0.0522080000", ""),
        (Network::Unionpay, "liu_yang", None, Amount::new(5_772, "CNY"), "0.0480960000", ""),
        (Network::Unionpay, "liu_yang", Some(CodeForm::EmvCpm), Amount::new(5_772, "CNY"), "0.0480960000", ""),
    ];
    for (network, user, form, paid, rate, wallet) in cases {
        let before = net.balance(user).await;
        let mut req = net.charge(user, 1_200).await;
        req.code = net.sim.issue_code(user, form).await.unwrap().code;
        let r = net.pay(network, &req).await;
        assert_eq!((r.status, r.failure), (PaymentStatus::Success, None), "{network} {user}: {r:?}");
        assert_eq!(r.amount, Some(jpy(1_200)));
        assert_eq!(r.customer_amount.as_ref(), Some(&paid), "{network} {user}");
        assert_eq!(r.rate.as_deref(), Some(rate), "{network} {user}");
        assert!(r.payment_id.is_some() && r.paid_at.is_some());
        if !wallet.is_empty() {
            assert_eq!(r.wallet.as_deref(), Some(wallet));
        }
        assert_eq!(net.balance(user).await, before - paid.value, "{network} {user}");

        // The same request again: the same payment, nothing more taken.
        let again = net.pay(network, &req).await;
        assert_eq!((again.status, &again.payment_id), (PaymentStatus::Success, &r.payment_id));
        assert_eq!(net.balance(user).await, before - paid.value);
        let inquiry = net.acq.inquire(network, &req.request_id).await.unwrap();
        assert_eq!((inquiry.status, &inquiry.payment_id), (PaymentStatus::Success, &r.payment_id));
        assert_eq!(inquiry.customer_amount.as_ref(), Some(&paid));

        // The user's phone shows it in their currency and the shop's.
        let history = net.sim.history(user).await.unwrap();
        let item = &history.items[0];
        assert_eq!((item.kind.as_str(), item.network, item.status), ("payment", network, PaymentStatus::Success));
        assert_eq!((&item.amount, item.user_amount.as_ref()), (&jpy(1_200), Some(&paid)));
        assert_eq!(item.merchant_name, "Ramen Ichiban");
        assert_eq!(history.user.balance.value, before - paid.value);
    }
    let report = net.partners.check_invariants().unwrap();
    assert_eq!(report.payments.get("success"), Some(&7));
}

#[tokio::test]
async fn insufficient_funds_take_nothing_and_burn_the_code() {
    let net = common::start().await;
    for (network, user) in
        [(Network::AlipayPlus, "zhang_min"), (Network::WechatPay, "zhao_lei"), (Network::Unionpay, "chen_jie")]
    {
        let before = net.balance(user).await;
        let req = net.charge(user, 1_200).await;
        let r = net.pay(network, &req).await;
        assert_eq!((r.status, r.failure), (PaymentStatus::Failed, Some(PayFailure::InsufficientFunds)), "{network}");
        assert_eq!(net.balance(user).await, before);
        // Final: the same request answers the same, and so does an inquiry.
        assert_eq!(net.pay(network, &req).await.failure, Some(PayFailure::InsufficientFunds));
        assert_eq!(net.acq.inquire(network, &req.request_id).await.unwrap().status, PaymentStatus::Failed);
        // The code was presented once: the phone shows a new one for the next try.
        let retry = common_retry(&req);
        assert_eq!(net.pay(network, &retry).await.failure, Some(PayFailure::UsedCode));
        // A smaller amount with a fresh code goes through.
        let small = net.charge(user, 100).await;
        assert_eq!(net.pay(network, &small).await.status, PaymentStatus::Success, "{network}");
    }
}

fn common_retry(req: &koban_partners::client::PayRequest) -> koban_partners::client::PayRequest {
    let mut again = req.clone();
    again.request_id = rid();
    again
}

#[tokio::test]
async fn a_code_pays_once() {
    let net = common::start().await;
    for (network, user) in PAYERS {
        let req = net.charge(user, 500).await;
        assert_eq!(net.pay(network, &req).await.status, PaymentStatus::Success);
        let after_first = net.balance(user).await;
        let r = net.pay(network, &common_retry(&req)).await;
        assert_eq!((r.status, r.failure), (PaymentStatus::Failed, Some(PayFailure::UsedCode)), "{network}");
        assert_eq!(net.balance(user).await, after_first);
    }
}

#[tokio::test]
async fn a_code_lives_sixty_seconds_by_the_networks_clock() {
    let net = common::start().await;
    for (network, user) in PAYERS {
        let before = net.balance(user).await;
        let late = net.charge(user, 500).await;
        let in_time = net.charge(user, 500).await;
        net.partners.advance_clock(60);
        assert_eq!(net.pay(network, &in_time).await.status, PaymentStatus::Success, "{network}");
        net.partners.advance_clock(1);
        let r = net.pay(network, &late).await;
        assert_eq!((r.status, r.failure), (PaymentStatus::Failed, Some(PayFailure::ExpiredCode)), "{network}");
        let paid = before - net.balance(user).await;
        assert!(paid > 0 && paid < 3_000, "{network}: only the code in time was charged ({paid})");
    }
}

#[tokio::test]
async fn another_networks_code_is_unknown_there_and_left_alone() {
    let net = common::start().await;
    let wechat = net.charge("wang_fang", 800).await;
    let r = net.pay(Network::AlipayPlus, &wechat).await;
    assert_eq!((r.status, r.failure), (PaymentStatus::Failed, Some(PayFailure::InvalidCode)));
    let mut at_home = wechat.clone();
    at_home.request_id = rid();
    assert_eq!(net.pay(Network::WechatPay, &at_home).await.status, PaymentStatus::Success);
    let mut typo = net.charge("liu_yang", 800).await;
    typo.code = "6200000000000000000".into();
    assert_eq!(net.pay(Network::Unionpay, &typo).await.failure, Some(PayFailure::InvalidCode));
}

#[tokio::test]
async fn a_request_id_names_one_request() {
    let net = common::start().await;
    for (network, user) in PAYERS {
        let req = net.charge(user, 700).await;
        let first = net.pay(network, &req).await;
        let mut changed = req.clone();
        changed.amount = jpy(7_000);
        let err = net.acq.pay(network, &changed).await.unwrap_err();
        assert_eq!(err.refusal(), Some(RefusalKind::RequestIdReused), "{network}: {err}");
        let inquiry = net.acq.inquire(network, &req.request_id).await.unwrap();
        assert_eq!((inquiry.amount, inquiry.payment_id), (Some(jpy(700)), first.payment_id));
        // Request ids are the acquirer's per network: the same id elsewhere is another payment.
        let elsewhere =
            net.acq.inquire(Network::ALL.into_iter().find(|n| *n != network).unwrap(), &req.request_id).await;
        assert_eq!(elsewhere.unwrap_err().refusal(), Some(RefusalKind::NotFound));
    }
}

#[tokio::test]
async fn unpriced_currencies_and_malformed_requests_are_refused() {
    let net = common::start().await;
    for (network, user) in PAYERS {
        let mut req = net.charge(user, 700).await;
        req.amount = Amount::new(700, "THB");
        let err = net.acq.pay(network, &req).await.unwrap_err();
        assert_eq!(err.refusal(), Some(RefusalKind::CurrencyNotSupported), "{network}: {err}");
        let mut zero = net.charge(user, 0).await;
        zero.amount = jpy(0);
        assert_eq!(net.acq.pay(network, &zero).await.unwrap_err().refusal(), Some(RefusalKind::BadRequest));
        let mut long = net.charge(user, 700).await;
        long.request_id = "x".repeat(65);
        assert_eq!(net.acq.pay(network, &long).await.unwrap_err().refusal(), Some(RefusalKind::BadRequest));
        // Nothing was refused after a code was burned: the code still pays.
        req.amount = jpy(700);
        assert_eq!(net.pay(network, &req).await.status, PaymentStatus::Success, "{network}");
    }
}
