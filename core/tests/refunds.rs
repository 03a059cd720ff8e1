//! Refunds through the core's `Terminal` against the real sandbox host on loopback: a till
//! charge, a JPQR payment at home and a PromptPay payment abroad, each refunded in part and
//! then in full, once per key; the shopper's history shows each refund linked to its
//! payment after a sync, and the balance equals the host's.

mod common;

use common::*;
use koban_core::money::Money;
use koban_core::terminal::{ChargeStatus, RefundOf, Terminal, TerminalError};
use koban_core::wallet::{PaymentRequest, Wallet};

/// A refund the host refused: its kind.
async fn refused(till: &Terminal, of: &RefundOf, amount: Option<Money>) -> String {
    match till.refund(of, amount, &format!("refused-{}", rand_key())).await {
        Err(TerminalError::Refused { kind, .. }) => kind,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn rand_key() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// Refunds twice under one key: the same refund both times, applied once.
async fn refund_once(till: &Terminal, of: &RefundOf, amount: Option<Money>) -> koban_core::terminal::Refund {
    let key = format!("return-{}", rand_key());
    let first = till.refund(of, amount, &key).await.unwrap();
    assert_eq!(till.refund(of, amount, &key).await.unwrap(), first);
    first
}

/// After a sync: the refunds in local history, linked to `original`, and the balance as the host has it.
async fn refunds_of(w: &Wallet, original: &str) -> Vec<Money> {
    let report = w.sync(0).await.unwrap();
    assert!(report.received.iter().all(|t| t.kind == "refund" && t.refund_of() == Some(original)));
    assert_eq!(report.balance, Some(w.balance().await.unwrap().available));
    assert_eq!(w.cached_balance().unwrap().map(|(b, _)| b), report.balance);
    let local = local_history(w);
    assert!(local.iter().any(|t| t.id == original), "the original is in history");
    // Local history is newest first; the refunds read oldest first.
    local.iter().rev().filter(|t| t.refund_of() == Some(original)).map(|t| t.amount).collect()
}

#[tokio::test]
async fn till_charges_and_payments_at_home_and_abroad_are_refunded_once_and_show_in_history() {
    let host = start().await;
    let home = Home::new();
    let w = home.open(&host).await;
    enrol(&w, "aiko", "JP").await;
    fund(&w, 100_000, 20_000).await;
    w.replenish_codes().await.unwrap();

    // A till charge, refunded ¥300 then the rest.
    let mart = till(&host, "m_jp_mart").await;
    let charge = mart.charge(&w.consumer_code().unwrap().qr_text, jpy(1_000), None).await.unwrap();
    assert_eq!(charge.status, ChargeStatus::Captured);
    let charged_tx = charge.transaction_id.clone().unwrap();
    let ramen = till(&host, "m_jp_ramen").await;
    assert_eq!(refused(&ramen, &RefundOf::Charge(charge.id.clone()), None).await, "not_found");
    let part = refund_once(&mart, &RefundOf::Charge(charge.id.clone()), Some(jpy(300))).await;
    assert_eq!((part.refundable, part.original_transaction_id.as_str()), (jpy(700), charged_tx.as_str()));
    let rest = refund_once(&mart, &RefundOf::Transaction(charged_tx.clone()), None).await;
    assert_eq!((rest.amount, rest.refunded_total), (jpy(700), jpy(1_000)));
    assert_eq!(refused(&mart, &RefundOf::Charge(charge.id.clone()), Some(jpy(1))).await, "refund_exceeds_payment");
    assert_eq!(refunds_of(&w, &charged_tx).await, [jpy(300), jpy(700)]);

    // A payment to the ramen shop's JPQR sticker.
    let sticker = merchant_payload(&host, "m_jp_ramen").await;
    let q = w.quote_payment(&PaymentRequest { payload: sticker, amount: Some(jpy(980)), ..Default::default() }).await;
    let paid = w.confirm_payment(&q.unwrap()).await.unwrap();
    assert_eq!(refused(&mart, &RefundOf::Transaction(paid.id.clone()), None).await, "not_found");
    refund_once(&ramen, &RefundOf::Transaction(paid.id.clone()), Some(jpy(480))).await;
    refund_once(&ramen, &RefundOf::Transaction(paid.id.clone()), None).await;
    assert_eq!(refused(&ramen, &RefundOf::Transaction(paid.id.clone()), None).await, "refund_exceeds_payment");
    assert_eq!(refunds_of(&w, &paid.id).await, [jpy(480), jpy(500)]);

    // A PromptPay payment in Bangkok: ฿120.00 for ¥530 and a ¥3 fee, refunded in baht.
    let before = w.balance().await.unwrap().available;
    let stall = merchant_payload(&host, "m_th_somtam").await;
    let req = PaymentRequest { payload: stall, amount: Some(cur("THB", 12_000)), ..Default::default() };
    let abroad = w.confirm_payment(&w.quote_payment(&req).await.unwrap()).await.unwrap();
    assert_eq!(abroad.amount, jpy(533));
    let somtam = till(&host, "m_th_somtam").await;
    assert_eq!(refused(&somtam, &RefundOf::Transaction(abroad.id.clone()), Some(jpy(100))).await, "currency_mismatch");
    let part = refund_once(&somtam, &RefundOf::Transaction(abroad.id.clone()), Some(cur("THB", 4_000))).await;
    assert_eq!(part.refundable, cur("THB", 8_000));
    refund_once(&somtam, &RefundOf::Transaction(abroad.id.clone()), None).await;
    // The wallet gets back a third of what it paid (rounded down), then the rest: all of it.
    assert_eq!(refunds_of(&w, &abroad.id).await, [jpy(177), jpy(356)]);
    assert_eq!(w.balance().await.unwrap().available, before);

    // The host's history agrees with the wallet's, item for item.
    let host_items = host_history(&w, &host).await;
    let local = local_history(&w);
    let host_refunds = host_items.iter().filter(|i| i["kind"] == "refund").count();
    assert_eq!(host_refunds, 6);
    assert_eq!(local.iter().filter(|t| t.kind == "refund").count(), host_refunds);
    assert!(w.sync(0).await.unwrap().received.is_empty(), "heard once");
    host.sandbox.check_invariants().unwrap();
}

#[tokio::test]
async fn a_refund_needs_a_key_an_id_and_a_positive_amount() {
    let host = start().await;
    let mart = till(&host, "m_jp_mart").await;
    let of = RefundOf::Charge("ch_x".into());
    assert!(matches!(mart.refund(&of, None, " ").await, Err(TerminalError::InvalidInput(_))));
    assert!(matches!(mart.refund(&of, Some(jpy(0)), "k").await, Err(TerminalError::InvalidInput(_))));
    let blank = RefundOf::Transaction(" ".into());
    assert!(matches!(mart.refund(&blank, None, "k").await, Err(TerminalError::InvalidInput(_))));
    assert_eq!(refused(&mart, &of, None).await, "not_found");
}
