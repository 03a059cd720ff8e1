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

/// Local history as signed amounts (in +, out −): what the balance must equal.
fn history_sum(w: &Wallet) -> i64 {
    local_history(w)
        .iter()
        .map(|t| match t.direction {
            koban_core::store::Direction::In => t.amount.minor(),
            koban_core::store::Direction::Out => -t.amount.minor(),
        })
        .sum()
}

#[tokio::test]
async fn a_mixed_day_of_money_in_and_out_adds_up_to_the_balance_here_and_at_the_host() {
    let host = start().await;
    let home = Home::new();
    let w = home.open(&host).await;
    enrol(&w, "aiko", "JP").await;
    let link = fund(&w, 300_000, 100_000).await;
    w.replenish_codes().await.unwrap();
    // At home, abroad, at a till, a refund, a withdrawal and a remittance.
    let sticker = merchant_payload(&host, "m_jp_ramen").await;
    let q = w.quote_payment(&PaymentRequest { payload: sticker, amount: Some(jpy(1_200)), ..Default::default() }).await;
    w.confirm_payment(&q.unwrap()).await.unwrap();
    let stall = merchant_payload(&host, "m_th_somtam").await;
    let q = w
        .quote_payment(&PaymentRequest { payload: stall, amount: Some(cur("THB", 8_000)), ..Default::default() })
        .await;
    w.confirm_payment(&q.unwrap()).await.unwrap();
    let mart = till(&host, "m_jp_mart").await;
    let charge = mart.charge(&w.consumer_code().unwrap().qr_text, jpy(2_000), None).await.unwrap();
    refund_once(&mart, &RefundOf::Charge(charge.id.clone()), Some(jpy(500))).await;
    let out = w.withdraw(&link, jpy(10_000)).await.unwrap();
    // 0.1 % of ¥10,000 is ¥10, under the ¥100 floor.
    assert_eq!((out.kind.as_str(), out.amount), ("withdrawal", jpy(10_100)));
    assert_eq!(out.details["host"]["fee"]["minor"], 100);
    verify(&w).await;
    let rq = w.quote_remittance("PH", koban_core::wallet::QuoteAmount::Send(jpy(20_000))).await.unwrap();
    let to = koban_core::wallet::RemitRecipient {
        name: "Maria Santos".into(),
        destination: koban_core::wallet::RemitDestination::Payout {
            method: "mobile_wallet".into(),
            provider: "GCash".into(),
            account: "09171234567".into(),
        },
        relationship: None,
    };
    w.remit(&rq, &to, "family_support", None).await.unwrap();
    // The till charge and its refund arrive by sync.
    w.sync(0).await.unwrap();
    let balance = w.balance().await.unwrap().available;
    assert_eq!(history_sum(&w), balance.minor(), "the balance is the sum of the history");
    let local: Vec<String> = local_history(&w).iter().map(|t| t.id.clone()).collect();
    let at_host: Vec<String> =
        host_history(&w, &host).await.iter().map(|i| i["transaction_id"].as_str().unwrap().to_owned()).collect();
    let mut a = local.clone();
    let mut b = at_host.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "every movement at the host is in local history, and only those");
    // The same history by kind, and as CSV: a row for every entry.
    let refunds = w
        .history_filtered(
            &koban_core::wallet::HistoryFilter { kinds: vec!["refund".into()], ..Default::default() },
            50,
            None,
        )
        .unwrap();
    assert_eq!(refunds.items.len(), 1);
    assert_eq!(refunds.items[0].detail().refund_of.as_deref(), charge.transaction_id.as_deref());
    let csv = w.history_csv(&koban_core::wallet::HistoryFilter::default()).unwrap();
    assert_eq!(csv.lines().count(), local.len() + 1);
    let remitted = local_history(&w).into_iter().find(|t| t.kind == "remittance").unwrap().detail();
    assert_eq!(remitted.foreign_amount.map(|m| m.currency().alpha().to_owned()).as_deref(), Some("PHP"));
    assert!(remitted.rate.is_some() && remitted.fee.is_some(), "{remitted:?}");
    // A payment abroad reads in both currencies, with the quoted rate and its fee.
    let paid_abroad = local_history(&w)
        .into_iter()
        .filter(|t| t.kind == "payment")
        .map(|t| t.detail())
        .find(|d| d.foreign_amount.is_some_and(|m| m.currency().alpha() == "THB"))
        .expect("the payment abroad in history");
    assert_eq!(paid_abroad.foreign_amount.map(|m| m.minor()), Some(8_000));
    assert!(paid_abroad.rate.is_some() && paid_abroad.fee.is_some(), "{paid_abroad:?}");
    let kinds: Vec<String> = local_history(&w).iter().map(|t| t.kind.clone()).collect();
    for kind in ["topup", "payment", "cpm_charge", "refund", "withdrawal", "remittance"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    host.sandbox.check_invariants().unwrap();
}

#[tokio::test]
async fn withdrawals_follow_the_fee_rule_and_an_unlinked_bank_takes_no_more_money() {
    let host = start().await;
    let home = Home::new();
    let w = home.open(&host).await;
    enrol(&w, "aiko", "JP").await;
    let link = fund(&w, 100_000, 50_000).await;
    // 0.1 % of ¥200,000 = ¥200, between the floor and the cap; more than the balance is refused.
    let too_much = w.withdraw(&link, jpy(60_000)).await.unwrap_err();
    assert!(too_much.refusal().is_some(), "{too_much:?}");
    assert_eq!(w.balance().await.unwrap().available, jpy(50_000));
    // The price is shown first, by the host's published rule, and is what the withdrawal costs.
    let shown = w.preview_withdrawal(jpy(30_000)).await.unwrap();
    assert_eq!((shown.fee, shown.total, shown.max), (jpy(100), jpy(30_100), jpy(500_000)));
    assert_eq!(w.preview_withdrawal(jpy(250_000)).await.unwrap().fee, jpy(250), "0.1 %");
    assert_eq!(w.preview_withdrawal(jpy(400_000)).await.unwrap().fee, jpy(300), "capped");
    assert!(w.preview_withdrawal(jpy(500_001)).await.is_err(), "above the most one withdrawal takes");
    w.withdraw(&link, jpy(30_000)).await.unwrap();
    assert_eq!(w.balance().await.unwrap().available, jpy(50_000 - shown.total.minor()));
    w.unlink_bank(&link).await.unwrap();
    assert!(w.bank_links().unwrap().is_empty());
    assert!(w.top_up(&link, jpy(1_000)).await.unwrap_err().refusal().is_some());
    assert!(w.withdraw(&link, jpy(1_000)).await.unwrap_err().refusal().is_some());
    assert_eq!(w.balance().await.unwrap().available, jpy(19_900));
    assert_eq!(history_sum(&w), 19_900);

    // A wallet in Thailand has a bank at home: baht in and out, the floor in baht.
    let home_th = Home::new();
    let somchai = home_th.open(&host).await;
    enrol(&somchai, "somchai", "TH").await;
    let banks = somchai.banks().await.unwrap();
    assert!(!banks.is_empty() && banks.iter().all(|b| b.currency == "THB"), "{banks:?}");
    let link = somchai
        .link_bank(&koban_core::wallet::BankAccount {
            bank_id: banks[0].id.clone(),
            account_number: "7654321".into(),
            holder_name: "SOMCHAI".into(),
            sandbox_opening_balance: None,
        })
        .await
        .unwrap();
    somchai.top_up(&link.id, cur("THB", 500_000)).await.unwrap();
    let out = somchai.withdraw(&link.id, cur("THB", 100_000)).await.unwrap();
    // ¥100 = ฿23.00.
    assert_eq!(out.amount, cur("THB", 102_300));
    assert_eq!(somchai.balance().await.unwrap().available, cur("THB", 500_000 - 102_300));
    host.sandbox.check_invariants().unwrap();
}

#[tokio::test]
async fn codes_without_a_reference_are_each_new_and_with_one_are_the_same() {
    let host = start().await;
    let mart = till(&host, "m_jp_mart").await;
    let ask = |yen: i64, reference: Option<&str>| koban_core::net::api::DynamicCodeRequest {
        amount: koban_core::net::api::Amount::new(yen, "JPY"),
        reference: reference.map(str::to_owned),
        bill_number: None,
        tip: None,
    };
    let a = mart.dynamic_code("m_jp_mart", &ask(500, None)).await.unwrap();
    let b = mart.dynamic_code("m_jp_mart", &ask(700, None)).await.unwrap();
    let c = mart.dynamic_code("m_jp_mart", &ask(500, None)).await.unwrap();
    assert!(a.id != b.id && a.id != c.id, "each call without a reference is a new code");
    assert_eq!(b.amount, koban_core::net::api::Amount::new(700, "JPY"));
    let d = mart.dynamic_code("m_jp_mart", &ask(900, Some("ORDER-9"))).await.unwrap();
    let again = mart.dynamic_code("m_jp_mart", &ask(900, Some("ORDER-9"))).await.unwrap();
    assert_eq!(d, again, "a reference names one code");
}

#[tokio::test]
async fn remittances_end_delivered_with_a_pickup_reference_or_failed_and_given_back() {
    let host = start().await;
    let home = Home::new();
    let w = home.open(&host).await;
    enrol(&w, "aiko", "JP").await;
    fund(&w, 300_000, 100_000).await;
    verify(&w).await;
    let send = |method: &str, account: &str| koban_core::wallet::RemitRecipient {
        name: "Maria Santos".into(),
        destination: koban_core::wallet::RemitDestination::Payout {
            method: method.into(),
            provider: "Cebuana".into(),
            account: account.into(),
        },
        relationship: None,
    };
    let q = w.quote_remittance("PH", koban_core::wallet::QuoteAmount::Send(jpy(10_000))).await.unwrap();
    let pickup = w.remit(&q, &send("cash_pickup", "09171234567"), "gift", None).await.unwrap();
    let q = w.quote_remittance("PH", koban_core::wallet::QuoteAmount::Send(jpy(20_000))).await.unwrap();
    let failing = w.remit(&q, &send("bank_account", "000000000000"), "gift", None).await.unwrap();
    let after_sending = w.balance().await.unwrap().available;
    assert_eq!(after_sending, jpy(100_000 - 10_200 - 20_200));
    // Before the estimated delivery nothing has ended.
    assert!(w.sync(0).await.unwrap().received.is_empty());
    assert_eq!(
        w.history_filtered(&Default::default(), 50, None).unwrap().items[0].detail().status.as_deref(),
        Some("paid_out_to_partner")
    );
    // After it: one delivered with a reference for the counter, one failed and given back whole.
    host.sandbox.advance_clock(16 * 60);
    let report = w.sync(0).await.unwrap();
    assert_eq!(report.received.len(), 1, "{:?}", report.received);
    let back = &report.received[0];
    assert_eq!((back.kind.as_str(), back.amount), ("remittance_return", jpy(20_200)));
    assert_eq!(w.balance().await.unwrap().available, jpy(100_000 - 10_200));
    let detail = |id: &str| local_history(&w).into_iter().find(|t| t.id == id).unwrap().detail();
    let delivered = detail(&pickup.id);
    assert_eq!(delivered.status.as_deref(), Some("delivered"));
    assert!(delivered.pickup_reference.as_deref().is_some_and(|r| r.starts_with("KBN-")), "{delivered:?}");
    assert_eq!(detail(&failing.id).status.as_deref(), Some("failed"));
    // Heard once; the history still adds up and matches the host's.
    assert!(w.sync(0).await.unwrap().received.is_empty());
    assert_eq!(history_sum(&w), w.balance().await.unwrap().available.minor());
    assert_eq!(host_history(&w, &host).await.len(), local_history(&w).len());
    host.sandbox.check_invariants().unwrap();
}
