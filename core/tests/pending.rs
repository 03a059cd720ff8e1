//! Requests whose outcome is unknown, as the shopper sees them: named by what they move, and
//! what became of them once a later call resolves them. Against the real sandbox on loopback.

mod common;

use common::*;
use koban_core::wallet::pending::MovementState;
use koban_core::wallet::{PaymentRequest, WalletError};
use koban_sandbox::FaultConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_whose_answer_was_lost_is_named_then_settles() {
    let host = start().await;
    let home = Home::new();
    let aiko = home.open(&host).await;
    enrol(&aiko, "aiko", "JP").await;
    fund(&aiko, 100_000, 20_000).await;
    let ramen = merchant_payload(&host, "m_jp_ramen").await;
    let q = aiko
        .quote_payment(&PaymentRequest { payload: ramen, amount: Some(jpy(1_200)), ..Default::default() })
        .await
        .unwrap();

    // The host applies the payment but every answer is lost.
    host.sandbox.set_faults(FaultConfig { drop_after_commit_permille: 1000, ..FaultConfig::default() });
    let key = match aiko.confirm_payment(&q).await {
        Err(WalletError::OutcomeUnknown { intent, .. }) => intent,
        other => panic!("expected an unknown outcome, got {other:?}"),
    };
    let pending = aiko.pending_movements().unwrap();
    assert_eq!(pending.len(), 1);
    let m = &pending[0];
    assert_eq!(
        (m.key.as_str(), m.description.as_str(), m.amount, m.moves_money, &m.state),
        (key.as_str(), "¥1,200 to KOBAN RAMEN", Some(jpy(1_200)), true, &MovementState::Pending)
    );
    // The same payment again within minutes is found, pending or not; another amount is not.
    assert_eq!(aiko.recent_identical_payment(&q, 600).unwrap().map(|m| m.key), Some(key.clone()));
    let other = koban_core::wallet::PaymentQuote { amount: jpy(1_300), ..q.clone() };
    assert_eq!(aiko.recent_identical_payment(&other, 600).unwrap(), None);
    drop(aiko);

    // The next run reads it before opening resolves it, and afterwards sees it settled.
    host.sandbox.set_faults(FaultConfig::default());
    let before = koban_core::wallet::Wallet::pending_movements_at(home.db(), &home.keystore()).unwrap();
    assert_eq!(before.iter().map(|m| m.key.as_str()).collect::<Vec<_>>(), [key.as_str()]);
    let aiko = home.open(&host).await;
    assert!(aiko.pending_movements().unwrap().is_empty());
    let after = aiko.movement(&key).unwrap().expect("the request is still known");
    let MovementState::Settled { transaction_id: Some(id) } = &after.state else {
        panic!("expected settled with a transaction, got {:?}", after.state)
    };
    assert!(local_history(&aiko).iter().any(|t| &t.id == id && t.amount == jpy(1_200)));
    assert_eq!(aiko.balance().await.unwrap().available, jpy(18_800), "paid exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_payment_the_host_then_refuses_is_named_as_failed() {
    let host = start().await;
    let home = Home::new();
    let aiko = home.open(&host).await;
    enrol(&aiko, "aiko", "JP").await;
    fund(&aiko, 100_000, 20_000).await;
    let somtam = merchant_payload(&host, "m_th_somtam").await;
    let q = aiko
        .quote_payment(&PaymentRequest { payload: somtam, amount: Some(cur("THB", 12_000)), ..Default::default() })
        .await
        .unwrap();

    // The host never hears the payment (503 before handling) until its FX quote has expired.
    host.sandbox.set_faults(FaultConfig { error_permille: 1000, ..FaultConfig::default() });
    let key = match aiko.confirm_payment(&q).await {
        Err(WalletError::OutcomeUnknown { intent, .. }) => intent,
        other => panic!("expected an unknown outcome, got {other:?}"),
    };
    let m = aiko.movement(&key).unwrap().unwrap();
    assert_eq!(m.description, format!("฿120.00 to SOM TAM STALL ({} from your wallet)", q.debit.format()));
    drop(aiko);
    host.sandbox.set_faults(FaultConfig::default());
    host.sandbox.advance_clock(120);
    let aiko = home.open(&host).await;
    let m = aiko.movement(&key).unwrap().unwrap();
    assert!(matches!(&m.state, MovementState::Failed { reason } if reason.contains("expired")), "{:?}", m.state);
    // A refused payment moved nothing, so paying again is no duplicate.
    assert_eq!(aiko.recent_identical_payment(&q, 600).unwrap(), None);
    assert_eq!(aiko.balance().await.unwrap().available, jpy(20_000));
}

// ---------- between friends: requests, splits, sends shown first ----------

use koban_core::wallet::{Refusal, SendTo, SplitShares};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_money_request_is_paid_once_through_a_dropped_answer_and_the_requester_hears_it() {
    let host = start().await;
    let (home_a, home_b) = (Home::new(), Home::new());
    let (aiko, ben) = (home_a.open(&host).await, home_b.open(&host).await);
    enrol(&aiko, "aiko", "JP").await;
    enrol(&ben, "ben", "JP").await;
    fund(&ben, 100_000, 20_000).await;
    let asked = aiko.request_money("@ben", jpy(3_000), "dinner").await.unwrap();
    assert_eq!((asked.incoming, asked.status.as_str(), asked.payer.handle.as_str()), (false, "pending", "ben"));
    assert_eq!(asked.expires_at - asked.created_at, 7 * 24 * 3600);
    // Ben hears of it by sync (an app's listener prompts him), then sees it, to pay.
    let heard = ben.sync(0).await.unwrap().money_requests;
    assert_eq!(
        heard.iter().map(|r| (r.id.as_str(), r.incoming, r.status.as_str())).collect::<Vec<_>>(),
        [(asked.id.as_str(), true, "pending")]
    );
    assert!(ben.sync(0).await.unwrap().money_requests.is_empty(), "heard once");
    let to_pay = ben.money_requests().await.unwrap();
    assert_eq!(to_pay.len(), 1);
    let r = &to_pay[0];
    assert_eq!(
        (r.incoming, r.amount, r.note.as_str(), r.requester.handle.as_str()),
        (true, jpy(3_000), "dinner", "aiko")
    );
    assert!(matches!(aiko.pay_money_request(&asked).await, Err(WalletError::InvalidInput(_))), "not hers to pay");

    // The host pays it but the answer is lost: pending, named, then settled once.
    host.sandbox.set_faults(FaultConfig { drop_after_commit_permille: 1000, ..FaultConfig::default() });
    let key = match ben.pay_money_request(r).await {
        Err(WalletError::OutcomeUnknown { intent, .. }) => intent,
        other => panic!("expected an unknown outcome, got {other:?}"),
    };
    let m = ben.movement(&key).unwrap().unwrap();
    assert_eq!((m.description.as_str(), m.moves_money), ("¥3,000 to @aiko (their request)", true));
    host.sandbox.set_faults(FaultConfig::default());
    // Paying again first settles the lost one, then the host says it is paid already.
    let again = ben.pay_money_request(r).await;
    assert!(
        matches!(&again, Err(WalletError::Refused { refusal: Refusal::RequestNotPending, message }) if message.contains("already paid")),
        "{again:?}"
    );
    assert!(matches!(ben.movement(&key).unwrap().unwrap().state, MovementState::Settled { transaction_id: Some(_) }));
    assert_eq!(ben.balance().await.unwrap().available, jpy(17_000), "paid exactly once");
    let paid: Vec<_> = local_history(&ben).into_iter().filter(|t| t.description == "Paid @aiko's request").collect();
    assert_eq!(paid.len(), 1);

    // Aiko hears the money, linked to her request, and sees the request paid by it.
    let report = aiko.sync(0).await.unwrap();
    assert_eq!(
        report.money_requests.iter().map(|r| (r.id.as_str(), r.incoming, r.status.as_str())).collect::<Vec<_>>(),
        [(asked.id.as_str(), false, "paid")],
        "the requester hears her request answered"
    );
    let got = report.received.iter().find(|t| t.amount == jpy(3_000)).expect("the money arrives");
    assert_eq!(got.details["money_request_id"], asked.id.as_str());
    let now = aiko.money_request(&asked.id).await.unwrap();
    assert_eq!((now.status.as_str(), now.transaction_id.as_deref()), ("paid", Some(paid[0].id.as_str())));
    assert_eq!(got.id, paid[0].id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declined_and_lapsed_requests_move_nothing_and_a_split_shows_who_has_paid() {
    let host = start().await;
    let homes: Vec<Home> = (0..4).map(|_| Home::new()).collect();
    let mut w = Vec::new();
    for (home, handle) in homes.iter().zip(["aiko", "ben", "chika", "daichi"]) {
        let wallet = home.open(&host).await;
        enrol(&wallet, handle, "JP").await;
        w.push(wallet);
    }
    let (aiko, ben, chika) = (&w[0], &w[1], &w[2]);
    fund(ben, 100_000, 20_000).await;
    fund(chika, 100_000, 20_000).await;

    // Declined: nothing moves, Aiko sees it.
    let r = aiko.request_money("ben", jpy(1_500), "taxi").await.unwrap();
    let declined = ben.decline_money_request(&r.id).await.unwrap();
    assert_eq!(declined.status, "declined");
    assert_eq!(aiko.money_request(&r.id).await.unwrap().status, "declined");
    let late = ben.money_request(&r.id).await.unwrap();
    assert!(matches!(
        ben.pay_money_request(&late).await,
        Err(WalletError::Refused { refusal: Refusal::RequestNotPending, .. })
    ));

    // Lapsed after a week by the host's clock: expired, refused, nothing moved.
    let r = aiko.request_money("ben", jpy(2_000), "cinema").await.unwrap();
    host.sandbox.advance_clock(8 * 24 * 3600);
    let lapsed = ben.money_request(&r.id).await.unwrap();
    assert_eq!(lapsed.status, "expired");
    let e = ben.pay_money_request(&lapsed).await.unwrap_err();
    assert!(e.to_string().contains("expired"), "{e}");
    assert_eq!(ben.balance().await.unwrap().available, jpy(20_000));
    assert_eq!(ben.pending_count().unwrap(), 0);

    // ¥10,000 among three: 3,334 + 3,333 + 3,333, and who has paid.
    let friends = SplitShares::Equal(vec!["@ben".into(), "chika".into(), "daichi".into()]);
    let split = aiko.split_bill(jpy(10_000), &friends, "izakaya").await.unwrap();
    let shares: Vec<(&str, i64)> = split.shares.iter().map(|r| (r.payer.handle.as_str(), r.amount.minor())).collect();
    assert_eq!(shares, [("ben", 3_334), ("chika", 3_333), ("daichi", 3_333)]);
    let wrong = SplitShares::Explicit(vec![("ben".into(), jpy(5_000)), ("chika".into(), jpy(4_000))]);
    let e = aiko.split_bill(jpy(10_000), &wrong, "izakaya").await.unwrap_err();
    assert!(e.to_string().contains("add up to ¥9,000, the bill is ¥10,000"), "{e}");
    for friend in [ben, chika] {
        let mine = friend
            .money_requests()
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.split_id.as_deref() == Some(split.id.as_str()));
        friend.pay_money_request(&mine.expect("each friend is asked")).await.unwrap();
    }
    let now = aiko.split(&split.id).await.unwrap();
    let who: Vec<(&str, &str)> = now.shares.iter().map(|r| (r.payer.handle.as_str(), r.status.as_str())).collect();
    assert_eq!(who, [("ben", "paid"), ("chika", "paid"), ("daichi", "pending")]);
    assert_eq!((now.paid, now.outstanding()), (jpy(6_667), jpy(3_333)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_shows_the_recipient_first_and_a_friend_abroad_gets_a_remittance() {
    let host = start().await;
    let (home_a, home_b, home_s) = (Home::new(), Home::new(), Home::new());
    let (aiko, ben, somchai) = (home_a.open(&host).await, home_b.open(&host).await, home_s.open(&host).await);
    enrol(&aiko, "aiko", "JP").await;
    enrol(&ben, "ben", "JP").await;
    enrol(&somchai, "somchai", "TH").await;
    fund(&aiko, 200_000, 50_000).await;

    // At home: the recipient as the host knows them; nothing moves until confirmed.
    let p = aiko.preview_send(&SendTo::Handle("@Ben".into()), jpy(2_000)).await.unwrap();
    assert_eq!((p.display_name.as_str(), p.country.as_str(), p.remittance.is_none()), ("ben", "JP", true));
    assert_eq!(aiko.balance().await.unwrap().available, jpy(50_000));
    let t = aiko.confirm_send(&p, Some("lunch"), None).await.unwrap();
    assert_eq!((t.kind.as_str(), t.amount), ("p2p", jpy(2_000)));
    assert!(matches!(
        aiko.preview_send(&SendTo::Handle("nobody_at_all".into()), jpy(1)).await,
        Err(WalletError::Refused { refusal: Refusal::UnknownRecipient, .. })
    ));

    // A receive code asking for ¥3,000 is paid exactly that: another amount is refused.
    let code = ben.receive_code_for(Some(jpy(3_000)), Some("dinner")).await.unwrap();
    let to = SendTo::ReceiveCode(code);
    assert!(
        matches!(aiko.preview_send(&to, jpy(2_000)).await, Err(WalletError::InvalidInput(m)) if m.contains("¥3,000"))
    );
    let send = aiko.send(&to, jpy(2_000), None).await;
    assert!(matches!(send, Err(WalletError::Refused { refusal: Refusal::AmountMismatch, .. })), "the host refuses too");
    let p = aiko.preview_send(&to, jpy(3_000)).await.unwrap();
    assert_eq!((p.amount_fixed, p.note.as_deref(), p.handle.as_str()), (true, Some("dinner"), "ben"));
    aiko.confirm_send(&p, None, None).await.unwrap();

    // A Thai friend from Japan: the send is a remittance with a quote, after KYC.
    let to = SendTo::Handle("somchai".into());
    let e = aiko.preview_send(&to, jpy(10_000)).await.unwrap_err();
    assert!(matches!(e, WalletError::Refused { refusal: Refusal::KycRequired, .. }), "{e:?}");
    verify(&aiko).await;
    let p = aiko.preview_send(&to, jpy(10_000)).await.unwrap();
    assert_eq!((p.country.as_str(), p.currency.alpha()), ("TH", "THB"));
    let q = p.remittance.clone().expect("a quote");
    assert_eq!(
        (q.destination_country.as_deref(), q.receive.currency().alpha(), q.send),
        (Some("TH"), "THB", jpy(10_000))
    );
    assert!(q.fee.minor() > 0 && q.delivery_estimate_secs.is_some() && !q.rate.is_empty());
    assert_eq!(p.debit(), q.total);
    let t = aiko.confirm_send(&p, Some("birthday"), None).await.unwrap();
    assert_eq!((t.kind.as_str(), t.amount), ("remittance", q.total));
    let got = somchai.sync(0).await.unwrap();
    assert!(got.received.iter().any(|r| r.amount == q.receive), "{:?}", got.received);
    assert_eq!(aiko.balance().await.unwrap().available, jpy(50_000 - 2_000 - 3_000).checked_sub(q.total).unwrap());
}
