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
