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

// ---- The merchant-presented side: a partner wallet pays the networks' merchants ----------

mod merchant_presented {
    use super::common::{self, rid};
    use koban_partners::client::{MppClient, MppPayRequest};
    use koban_partners::error::RefusalKind;
    use koban_partners::merchants::{by_key, MERCHANTS};
    use koban_partners::{Amount, FaultConfig, Network, PayFailure, PaymentStatus};

    fn yuan(fen: i64) -> Amount {
        Amount::new(fen, "CNY")
    }

    fn payment(key: &str, fen: i64) -> MppPayRequest {
        let m = by_key(key).unwrap();
        MppPayRequest { request_id: rid(), code: m.code(), amount: yuan(fen), settlement_currency: "JPY".into() }
    }

    #[tokio::test]
    async fn each_networks_merchant_is_paid_once_in_yuan_and_the_partner_owes_yen() {
        let net = common::start().await;
        let mpp = MppClient::new(net.acq.clone());
        // CNY 28.00 at each network's rate (mid 20.8333… yen per yuan plus its margin), yen rounded up;
        // WeChat Pay states rates to 10^-8.
        let cases = [
            ("noodles_alipay", Network::AlipayPlus, 586, "20.8958333333"),
            ("dumplings_wechat", Network::WechatPay, 586, "20.9166666600"),
            ("noodles_unionpay", Network::Unionpay, 585, "20.8750000000"),
        ];
        for (key, network, yen, rate) in cases {
            let m = by_key(key).unwrap();
            let decoded = mpp.decode(network, &m.code()).await.unwrap();
            assert_eq!(
                (decoded.merchant_id.as_str(), decoded.merchant_name.as_str(), decoded.currency.as_str()),
                (m.id, m.name, "CNY"),
                "{key}"
            );
            assert_eq!((decoded.city.as_str(), decoded.country.as_str(), decoded.amount), ("SHANGHAI", "CN", None));

            let before = net.sim.merchant(key).await.unwrap().balance;
            let req = payment(key, 2_800);
            let r = mpp.pay(network, &req).await.unwrap();
            assert_eq!((r.status, r.failure), (PaymentStatus::Success, None), "{key}: {r:?}");
            assert_eq!(r.amount, Some(yuan(2_800)));
            assert_eq!(r.settlement, Some(Amount::new(yen, "JPY")), "{key}");
            assert_eq!(r.rate.as_deref(), Some(rate), "{key}");
            assert_eq!(r.merchant_name.as_deref(), Some(m.name));
            assert!(r.payment_id.is_some() && r.paid_at.is_some());

            // The same request again, and an inquiry: the same payment, paid once.
            let again = mpp.pay(network, &req).await.unwrap();
            assert_eq!((again.status, &again.payment_id), (PaymentStatus::Success, &r.payment_id));
            let inquiry = mpp.inquire(network, &req.request_id).await.unwrap();
            assert_eq!((inquiry.status, &inquiry.settlement), (PaymentStatus::Success, &r.settlement));
            let after = net.sim.merchant(key).await.unwrap();
            assert_eq!(after.balance.value, before.value + 2_800, "{key}");
            assert_eq!((after.payments.len(), after.payments[0].settlement.as_ref()), (1, r.settlement.as_ref()));
        }
        let report = net.partners.check_invariants().unwrap();
        assert_eq!(report.mpm_payments.get("success"), Some(&3));
        // The partner's yen position is what it owes for the three: 586 + 586 + 585.
        assert_eq!(report.totals.get("JPY"), Some(&0));
    }

    #[tokio::test]
    async fn an_order_code_fixes_its_amount_and_is_paid_once() {
        let net = common::start().await;
        let mpp = MppClient::new(net.acq.clone());
        for key in ["teahouse_alipay_order", "cafe_wechat_order", "hotpot_unionpay_order"] {
            let m = by_key(key).unwrap();
            let fixed = m.amount.unwrap();
            let decoded = mpp.decode(m.network, &m.code()).await.unwrap();
            assert_eq!(decoded.amount, Some(yuan(fixed)), "{key}");
            // Another amount is refused before anything is recorded.
            let err = mpp.pay(m.network, &payment(key, fixed - 100)).await.unwrap_err();
            assert_eq!(err.refusal(), Some(RefusalKind::BadRequest), "{key}: {err}");
            let first = mpp.pay(m.network, &payment(key, fixed)).await.unwrap();
            assert_eq!(first.status, PaymentStatus::Success, "{key}");
            // A second payment of the same order, under another request id, fails.
            let second = mpp.pay(m.network, &payment(key, fixed)).await.unwrap();
            assert_eq!((second.status, second.failure), (PaymentStatus::Failed, Some(PayFailure::UsedCode)), "{key}");
            assert_eq!(net.sim.merchant(key).await.unwrap().balance.value, fixed, "{key}");
        }
    }

    #[tokio::test]
    async fn a_code_the_network_does_not_know_is_refused_at_decode_and_fails_a_payment() {
        let net = common::start().await;
        let mpp = MppClient::new(net.acq.clone());
        let wechat = by_key("dumplings_wechat").unwrap().code();
        let cases = [
            (Network::AlipayPlus, "https://qr.alipay.com/FKX00000NOSUCHSHOP0000".to_owned()),
            (Network::AlipayPlus, wechat.clone()),
            (Network::WechatPay, "wxp://f2f0NoSuchShopAtAll".to_owned()),
            (Network::Unionpay, wechat),
        ];
        for (network, code) in cases {
            let err = mpp.decode(network, &code).await.unwrap_err();
            assert_eq!(err.refusal(), Some(RefusalKind::NotFound), "{network} {code}: {err}");
            let req = MppPayRequest {
                request_id: rid(),
                code: code.clone(),
                amount: yuan(1_000),
                settlement_currency: "JPY".into(),
            };
            let r = mpp.pay(network, &req).await.unwrap();
            assert_eq!((r.status, r.failure), (PaymentStatus::Failed, Some(PayFailure::InvalidCode)), "{network}");
        }
        // Nobody was paid.
        for m in net.sim.merchants().await.unwrap() {
            assert_eq!(m.balance.value, 0, "{}", m.key);
        }
        assert_eq!(net.sim.merchants().await.unwrap().len(), MERCHANTS.len());
    }

    #[tokio::test]
    async fn a_processing_payment_lands_after_inquiries_and_a_cancel_gives_the_yuan_back_once() {
        let net = common::start().await;
        let mpp = MppClient::new(net.acq.clone());
        net.partners.set_faults(FaultConfig { paying_permille: 1000, paying_polls: 2, ..FaultConfig::default() });
        let req = payment("noodles_alipay", 4_200);
        let r = mpp.pay(Network::AlipayPlus, &req).await.unwrap();
        assert_eq!(r.status, PaymentStatus::Processing);
        assert_eq!(net.sim.merchant("noodles_alipay").await.unwrap().balance.value, 0, "nothing credited yet");
        assert_eq!(mpp.inquire(Network::AlipayPlus, &req.request_id).await.unwrap().status, PaymentStatus::Processing);
        assert_eq!(mpp.inquire(Network::AlipayPlus, &req.request_id).await.unwrap().status, PaymentStatus::Success);
        assert_eq!(net.sim.merchant("noodles_alipay").await.unwrap().balance.value, 4_200);
        net.partners.set_faults(FaultConfig::default());

        // A cancel reverses a success in full, once.
        for network in Network::ALL {
            let key = MERCHANTS.iter().find(|m| m.network == network && m.amount.is_none()).unwrap().key;
            let req = payment(key, 1_500);
            let before = net.sim.merchant(key).await.unwrap().balance.value;
            assert_eq!(mpp.pay(network, &req).await.unwrap().status, PaymentStatus::Success);
            mpp.cancel(network, &req.request_id).await.unwrap();
            mpp.cancel(network, &req.request_id).await.unwrap();
            let i = mpp.inquire(network, &req.request_id).await.unwrap();
            assert_eq!(i.status, PaymentStatus::Cancelled, "{network}");
            assert_eq!(net.sim.merchant(key).await.unwrap().balance.value, before, "{network}");
            // A cancel of an id never seen claims it: the pay arriving later pays nobody.
            let late = payment(key, 1_500);
            mpp.cancel(network, &late.request_id).await.unwrap();
            assert_eq!(mpp.pay(network, &late).await.unwrap().status, PaymentStatus::Cancelled, "{network}");
            assert_eq!(net.sim.merchant(key).await.unwrap().balance.value, before, "{network}");
        }
        // A request id names one request.
        let mut changed = req.clone();
        changed.amount = yuan(4_300);
        let err = mpp.pay(Network::AlipayPlus, &changed).await.unwrap_err();
        assert_eq!(err.refusal(), Some(RefusalKind::RequestIdReused));
        let report = net.partners.check_invariants().unwrap();
        assert_eq!(report.mpm_payments.get("cancelled"), Some(&3));
    }
}
