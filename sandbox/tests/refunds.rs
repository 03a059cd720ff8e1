//! Refunds by the merchant's enrolled terminal, against a real host on loopback: of a till
//! charge, of a payment to a JPQR sticker at home and of a PromptPay payment abroad, in full
//! and in part, each applied once per idempotency key and never beyond what was paid. The
//! ledger's invariants are checked when each host stops (`common::Host`'s drop).

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::{amt, key, start, Device, Host, Resp};
use koban_core::cpm::TokenCode;
use koban_core::crypto::LimitedUseKey;
use serde_json::{json, Value};

/// A funded Japanese wallet.
async fn shopper(host: &Host, handle: &str, yen: i64) -> Device {
    let dev = host.enrol(handle, "JP").await;
    host.fund(&dev, 1_000_000, yen).await;
    dev
}

/// A fresh code of the shopper's, as the till scans it.
async fn code(host: &Host, dev: &Device) -> String {
    let v = host.post(dev, "/v1/cpm/keys", json!({ "count": 1 })).await.ok();
    let k = &v["keys"][0];
    let bytes = URL_SAFE_NO_PAD.decode(k["key"].as_str().unwrap()).unwrap();
    let luk = LimitedUseKey::from_slice(&bytes).unwrap();
    let counter = k["counter"].as_u64().unwrap() as u16;
    TokenCode::generate(&luk, v["token"].as_str().unwrap(), counter, host.now(), [1, 2, 3, 4]).unwrap().to_qr_text()
}

async fn refund(host: &Host, merchant: &str, body: Value, idem: &str) -> Resp {
    host.merchant_post(merchant, "/v1/terminal/refunds", body, idem).await
}

/// Sends a refund twice under one key: the second answer is the first, replayed.
async fn refund_once(host: &Host, merchant: &str, body: Value) -> Value {
    let k = key();
    let first = refund(host, merchant, body.clone(), &k).await.ok();
    let again = refund(host, merchant, body, &k).await;
    assert!(again.replayed, "{}", again.body);
    assert_eq!(again.body, first);
    first
}

async fn events_of(host: &Host, dev: &Device, kind: &str) -> Vec<Value> {
    let v = host.get(dev, "/v1/events?after=0").await.ok();
    v["events"].as_array().unwrap().iter().filter(|e| e["kind"] == kind).map(|e| e["data"].clone()).collect()
}

#[tokio::test]
async fn a_till_charge_is_refunded_in_part_then_in_full_once() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 5_000).await;
    let charged = host
        .merchant_post(
            "m_jp_mart",
            "/v1/terminal/charges",
            json!({ "amount": amt(1_000, "JPY"), "code": code(&host, &aiko).await }),
            &key(),
        )
        .await
        .ok();
    let (charge_id, tx_id) = (charged["id"].as_str().unwrap(), charged["transaction_id"].as_str().unwrap());
    assert_eq!(host.balance(&aiko).await, 4_000);

    // Another merchant's till finds nothing to refund, by either id.
    refund(&host, "m_jp_ramen", json!({ "charge_id": charge_id }), &key()).await.refused(404, "not_found");
    refund(&host, "m_jp_ramen", json!({ "transaction_id": tx_id }), &key()).await.refused(404, "not_found");

    let part = refund_once(&host, "m_jp_mart", json!({ "charge_id": charge_id, "amount": amt(300, "JPY") })).await;
    assert_eq!((part["amount"].clone(), part["refundable"].clone()), (amt(300, "JPY"), amt(700, "JPY")));
    assert_eq!(part["original_transaction_id"], tx_id);
    assert_eq!(part["charge_id"], charge_id);
    assert_eq!(host.balance(&aiko).await, 4_300);
    // More than is left is refused, and moves nothing.
    refund(&host, "m_jp_mart", json!({ "charge_id": charge_id, "amount": amt(701, "JPY") }), &key())
        .await
        .refused(422, "refund_exceeds_payment");
    // The rest, named by its transaction.
    let rest = refund_once(&host, "m_jp_mart", json!({ "transaction_id": tx_id })).await;
    assert_eq!((rest["amount"].clone(), rest["refunded_total"].clone()), (amt(700, "JPY"), amt(1_000, "JPY")));
    assert_eq!(rest["charge_id"], charge_id);
    assert_eq!(host.balance(&aiko).await, 5_000);
    assert_eq!(host.account_balance("merchant:m_jp_mart"), 0);
    for more in [json!({ "charge_id": charge_id }), json!({ "charge_id": charge_id, "amount": amt(1, "JPY") })] {
        refund(&host, "m_jp_mart", more, &key()).await.refused(422, "refund_exceeds_payment");
    }

    // The wallet hears of each refund once, linked to the charge, and its history shows them.
    let heard = events_of(&host, &aiko, "refund_received").await;
    assert_eq!(heard.len(), 2);
    assert!(heard.iter().all(|e| e["original_transaction_id"] == tx_id && e["kind"] == "refund"));
    assert_eq!(heard[0]["amount"], amt(300, "JPY"));
    assert_eq!(heard[1]["balance"], amt(5_000, "JPY"));
    let history = host.get(&aiko, "/v1/history").await.ok();
    let refunds: Vec<&Value> = history["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "refund").collect();
    assert_eq!(refunds.len(), 2);
    assert!(refunds.iter().all(|i| i["direction"] == "in" && i["details"]["original_transaction_id"] == tx_id));
}

#[tokio::test]
async fn a_payment_to_a_jpqr_sticker_is_refunded_by_its_merchant_only() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 5_000).await;
    let payload = host.merchant_payload("m_jp_ramen").await;
    let paid = host
        .post(&aiko, "/v1/payments", json!({ "payload": payload, "route": "jpqr", "amount": amt(980, "JPY") }))
        .await
        .ok();
    let tx_id = paid["id"].as_str().unwrap();
    for other in ["m_jp_mart", "m_th_somtam"] {
        refund(&host, other, json!({ "transaction_id": tx_id }), &key()).await.refused(404, "not_found");
    }
    // A payment has no charge id, and ids that are no payment of the merchant are not found.
    refund(&host, "m_jp_ramen", json!({ "charge_id": tx_id }), &key()).await.refused(404, "not_found");
    refund(&host, "m_jp_ramen", json!({ "transaction_id": "tx_nope" }), &key()).await.refused(404, "not_found");
    refund(&host, "m_jp_ramen", json!({ "transaction_id": tx_id, "amount": amt(100, "THB") }), &key())
        .await
        .refused(422, "currency_mismatch");
    refund(&host, "m_jp_ramen", json!({ "transaction_id": tx_id, "charge_id": "ch_x" }), &key())
        .await
        .refused(400, "bad_request");
    refund(&host, "m_jp_ramen", json!({}), &key()).await.refused(400, "bad_request");

    let part = refund_once(&host, "m_jp_ramen", json!({ "transaction_id": tx_id, "amount": amt(480, "JPY") })).await;
    assert_eq!(part["charge_id"], Value::Null);
    assert_eq!(host.balance(&aiko).await, 5_000 - 500);
    refund(&host, "m_jp_ramen", json!({ "transaction_id": tx_id, "amount": amt(501, "JPY") }), &key())
        .await
        .refused(422, "refund_exceeds_payment");
    let rest = refund_once(&host, "m_jp_ramen", json!({ "transaction_id": tx_id })).await;
    assert_eq!(rest["amount"], amt(500, "JPY"));
    assert_eq!(host.balance(&aiko).await, 5_000);
    refund(&host, "m_jp_ramen", json!({ "transaction_id": tx_id }), &key())
        .await
        .refused(422, "refund_exceeds_payment");
    assert_eq!(events_of(&host, &aiko, "refund_received").await.len(), 2);
}

#[tokio::test]
async fn a_payment_abroad_is_refunded_in_baht_at_its_own_rate() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 20_000).await;
    let payload = host.merchant_payload("m_th_somtam").await;
    let q = host
        .post(&aiko, "/v1/quotes", json!({ "purpose": "merchant_payment", "receive": amt(12_000, "THB") }))
        .await
        .ok();
    let pay = json!({ "payload": payload, "route": "promptpay", "amount": amt(12_000, "THB"), "quote_id": q["id"] });
    let paid = host.post(&aiko, "/v1/payments", pay).await.ok();
    // ฿120.00 cost ¥530 converted and a ¥3 fee.
    assert_eq!(paid["debited"], amt(533, "JPY"));
    let tx_id = paid["id"].as_str().unwrap();
    let (fx_jpy, fx_thb) = (host.account_balance("fx:JPY"), host.account_balance("fx:THB"));

    // Tomorrow's rate does not matter: the refund is in baht at the payment's rate.
    host.sandbox.advance_clock(86_400);
    refund(&host, "m_th_somtam", json!({ "transaction_id": tx_id, "amount": amt(4_000, "JPY") }), &key())
        .await
        .refused(422, "currency_mismatch");
    let part = refund_once(&host, "m_th_somtam", json!({ "transaction_id": tx_id, "amount": amt(4_000, "THB") })).await;
    assert_eq!(part["amount"], amt(4_000, "THB"));
    // A third of ¥530 and of ¥3, each rounded down: ¥176 + ¥1.
    assert_eq!(host.balance(&aiko).await, 20_000 - 533 + 177);
    let heard = events_of(&host, &aiko, "refund_received").await;
    assert_eq!((heard[0]["amount"].clone(), heard[0]["merchant_amount"].clone()), (amt(177, "JPY"), amt(4_000, "THB")));
    assert_eq!(heard[0]["original_transaction_id"], tx_id);
    assert_eq!(host.account_balance("merchant:m_th_somtam"), 8_000);

    refund(&host, "m_th_somtam", json!({ "transaction_id": tx_id, "amount": amt(8_001, "THB") }), &key())
        .await
        .refused(422, "refund_exceeds_payment");
    // The last refund takes the remainder: the pieces add up to the debit exactly.
    let rest = refund_once(&host, "m_th_somtam", json!({ "transaction_id": tx_id })).await;
    assert_eq!((rest["amount"].clone(), rest["refundable"].clone()), (amt(8_000, "THB"), amt(0, "THB")));
    assert_eq!(host.balance(&aiko).await, 20_000);
    assert_eq!(host.account_balance("merchant:m_th_somtam"), 0);
    assert_eq!(host.account_balance("fee:JPY"), 0);
    assert_eq!(host.account_balance("fx:JPY"), fx_jpy - 530);
    assert_eq!(host.account_balance("fx:THB"), fx_thb + 12_000);
    refund(&host, "m_th_somtam", json!({ "transaction_id": tx_id }), &key())
        .await
        .refused(422, "refund_exceeds_payment");
}

#[tokio::test]
async fn a_charge_that_moved_no_money_is_not_refundable() {
    let host = start().await;
    let aiko = shopper(&host, "aiko", 500).await;
    let refused = host
        .merchant_post(
            "m_jp_mart",
            "/v1/terminal/charges",
            json!({ "amount": amt(900, "JPY"), "code": code(&host, &aiko).await }),
            &key(),
        )
        .await;
    refused.refused(402, "insufficient_funds");
    let charge_id: String = {
        let conn = rusqlite::Connection::open(host.sandbox.db_path()).unwrap();
        conn.query_row("SELECT id FROM charges WHERE status = 'refused'", [], |r| r.get(0)).unwrap()
    };
    refund(&host, "m_jp_mart", json!({ "charge_id": charge_id }), &key()).await.refused(409, "not_refundable");
    assert_eq!(host.balance(&aiko).await, 500);
}
