//! Who may call: only acquirers with the network's key, freshly signed, never replayed.

mod common;

use koban_partners::auth::{self, AcquirerKey};
use koban_partners::client::AcquirerClient;
use koban_partners::error::RefusalKind;
use koban_partners::wire::{alipay_plus as ap, wechat_pay as wx};
use koban_partners::{Config, Network, PaymentStatus};
use serde_json::{json, Value};

fn inquiry_body(request_id: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({ "paymentRequestId": request_id })).unwrap()
}

async fn send(net: &common::Net, path: &str, body: &[u8], headers: &[(&str, String)]) -> (u16, Value) {
    let mut req = reqwest::Client::new().post(format!("{}{path}", net.partners.url())).body(body.to_vec());
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn signed(key: &AcquirerKey, path: &str, body: &[u8], time: i64, nonce: &str) -> Vec<(&'static str, String)> {
    vec![
        (auth::HEADER_CLIENT_ID, key.client_id().to_owned()),
        (auth::HEADER_REQUEST_TIME, time.to_string()),
        (auth::HEADER_NONCE, nonce.to_owned()),
        (auth::HEADER_SIGNATURE, key.sign("POST", path, time, nonce, body)),
    ]
}

#[tokio::test]
async fn unsigned_forged_stale_and_replayed_requests_are_refused() {
    let net = common::start().await;
    let key = net.partners.acquirers()[0].clone();
    let req = net.charge("li_wei", 500).await;
    assert_eq!(net.pay(Network::AlipayPlus, &req).await.status, PaymentStatus::Success);
    let body = inquiry_body(&req.request_id);
    let path = ap::PATH_INQUIRY;

    let (status, answer) = send(&net, path, &body, &[]).await;
    assert_eq!((status, answer["result"]["resultCode"].as_str()), (401, Some("INVALID_SIGNATURE")), "{answer}");

    let forged = AcquirerKey::new(key.client_id(), &[9u8; 32]).unwrap();
    let (status, _) =
        send(&net, path, &body, &signed(&forged, path, &body, net.partners.now(), "nonce-forged-0001")).await;
    assert_eq!(status, 401);

    let stranger = AcquirerKey::new("someone_else", &[9u8; 32]).unwrap();
    let (status, _) =
        send(&net, path, &body, &signed(&stranger, path, &body, net.partners.now(), "nonce-stranger-01")).await;
    assert_eq!(status, 401);

    let stale = net.partners.now() - auth::MAX_CLOCK_SKEW_SECS - 1;
    let (status, _) = send(&net, path, &body, &signed(&key, path, &body, stale, "nonce-stale-00001")).await;
    assert_eq!(status, 401);

    // A signature over another body, or another path, does not verify.
    let headers = signed(&key, path, &body, net.partners.now(), "nonce-other-00001");
    let (status, _) = send(&net, path, &inquiry_body("other"), &headers).await;
    assert_eq!(status, 401);
    let (status, _) = send(&net, ap::PATH_CANCEL, &body, &headers).await;
    assert_eq!(status, 401, "a signed inquiry is no cancel");

    let headers = signed(&key, path, &body, net.partners.now(), "nonce-replay-0001");
    let (status, answer) = send(&net, path, &body, &headers).await;
    assert_eq!((status, answer["paymentStatus"].as_str()), (200, Some("SUCCESS")), "{answer}");
    let (status, _) = send(&net, path, &body, &headers).await;
    assert_eq!(status, 401, "the same signed request again is a replay");
}

#[tokio::test]
async fn body_identities_must_be_the_signing_acquirer() {
    let net = common::start().await;
    let key = net.partners.acquirers()[0].clone();
    let code = net.sim.issue_code("wang_fang", None).await.unwrap().code;
    let body = serde_json::to_vec(&wx::MicropayRequest {
        appid: "wxapp".into(),
        mch_id: "another_acquirer".into(),
        sub_mch_id: Some("m_ramen".into()),
        nonce_str: "abc".into(),
        body: "Ramen-Ramen".into(),
        out_trade_no: common::rid(),
        total_fee: 500,
        fee_type: "JPY".into(),
        spbill_create_ip: None,
        auth_code: code,
    })
    .unwrap();
    let path = wx::PATH_MICROPAY;
    let (status, answer) =
        send(&net, path, &body, &signed(&key, path, &body, net.partners.now(), "nonce-mchid-00001")).await;
    assert_eq!((status, answer["err_code"].as_str()), (401, Some("SIGNERROR")), "{answer}");
    assert_eq!(net.balance("wang_fang").await, 500_000, "nothing was charged");
}

#[tokio::test]
async fn configured_acquirers_sign_with_their_own_keys_and_a_skewed_clock_is_learned() {
    let koban = AcquirerKey::new("koban", &[1u8; 32]).unwrap();
    let other = AcquirerKey::new("other_acquirer", &[2u8; 32]).unwrap();
    let net =
        common::start_with(Config { admin: true, acquirers: vec![koban, other.clone()], ..Config::default() }).await;
    let req = net.charge("li_wei", 500).await;
    assert_eq!(net.pay(Network::AlipayPlus, &req).await.status, PaymentStatus::Success);
    // Request ids are per acquirer: the other acquirer cannot see or cancel Koban's payment.
    let theirs = AcquirerClient::new(&net.partners.url(), other).unwrap();
    assert_eq!(
        theirs.inquire(Network::AlipayPlus, &req.request_id).await.unwrap_err().refusal(),
        Some(RefusalKind::NotFound)
    );
    theirs.cancel(Network::AlipayPlus, &req.request_id).await.unwrap();
    assert_eq!(net.acq.inquire(Network::AlipayPlus, &req.request_id).await.unwrap().status, PaymentStatus::Success);
    // The network's clock jumps an hour: the client learns it from the refusal and re-signs.
    net.partners.advance_clock(3_600);
    assert_eq!(
        theirs.inquire(Network::AlipayPlus, "r0000000000").await.unwrap_err().refusal(),
        Some(RefusalKind::NotFound)
    );
    assert!((theirs.network_now() - net.partners.now()).abs() <= 2);
}

#[tokio::test]
async fn admin_endpoints_answer_only_when_enabled() {
    let net = common::start_with(Config::default()).await;
    let err = net.sim.advance_clock(10).await.unwrap_err();
    assert!(err.to_string().contains("admin_disabled"), "{err}");
    assert!(net.sim.create_user("x", "alipay_cn", "X", 1).await.is_err());
    // The phones' endpoints do not need it.
    assert_eq!(net.sim.users().await.unwrap().len(), koban_partners::seed::USERS.len());
}
