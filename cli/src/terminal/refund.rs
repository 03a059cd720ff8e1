//! `koban terminal refund`: all or part of a payment back to the shopper, once per original,
//! amount and reference; a tourist's charge goes back through its network in their currency.

use std::process::ExitCode;

use koban_core::crypto::body_digest_hex;
use koban_core::money::Money;
use koban_core::terminal::{Refund, RefundOf, Terminal};
use serde_json::{json, Value};

use super::{fail, money_json, refused, Enrolment};

/// The idempotency key of a refund: the same original, amount and reference make the same
/// key, so running the command again after a lost answer never refunds twice.
fn refund_key(of: &RefundOf, amount: Option<Money>, reference: &str) -> String {
    let original = match of {
        RefundOf::Charge(id) => format!("charge {id}"),
        RefundOf::Transaction(id) => format!("transaction {id}"),
    };
    let amount = amount.map_or_else(|| "rest".to_owned(), |a| a.minor().to_string());
    format!("refund-{}", &body_digest_hex(format!("{original}\n{amount}\n{reference}").as_bytes())[..32])
}

fn refund_json(r: &Refund) -> Value {
    json!({
        "status": "refunded", "id": r.id, "transaction_id": r.transaction_id,
        "original_transaction_id": r.original_transaction_id, "charge_id": r.charge_id,
        "amount": money_json(r.amount), "refunded_total": money_json(r.refunded_total),
        "refundable": money_json(r.refundable), "customer_amount": r.customer_amount.map(money_json),
    })
}

/// What a refund gave back, in one sentence; for a tourist's charge, what went back to them
/// in their own currency.
pub fn refund_sentence(r: &Refund) -> String {
    let what = r
        .charge_id
        .as_ref()
        .map_or_else(|| format!("transaction {}", r.original_transaction_id), |c| format!("charge {c}"));
    let shopper = r.customer_amount.map(|c| format!(": {} back to the shopper", c.format())).unwrap_or_default();
    format!(
        "refunded {} of {what} (refund {}){shopper}; {} refunded in all, {} left",
        r.amount.format(),
        r.id,
        r.refunded_total.format(),
        r.refundable.format()
    )
}

pub(super) async fn refund(
    enrolment: &Enrolment,
    terminal: &Terminal,
    of: &RefundOf,
    amount: Option<&str>,
    reference: &str,
    json: bool,
) -> ExitCode {
    let currency = match enrolment.currency() {
        Ok(c) => c,
        Err(e) => return fail(json, 2, "home", &e),
    };
    let amount = match amount.map(|a| crate::args::amount(a, currency)).transpose() {
        Ok(a) => a,
        Err(e) => return fail(json, 2, "usage", &e),
    };
    match terminal.refund(of, amount, &refund_key(of, amount, reference)).await {
        Ok(r) if json => {
            println!("{}", refund_json(&r));
            ExitCode::SUCCESS
        }
        Ok(r) => {
            println!("{}", refund_sentence(&r));
            ExitCode::SUCCESS
        }
        Err(e) => refused(&e, json),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use koban_core::money::Currency;

    #[test]
    fn a_tourists_refund_says_what_went_back_in_their_currency() {
        let jpy = |m| Money::from_minor(m, Currency::from_alpha("JPY").unwrap());
        let r = Refund {
            id: "rf_1".into(),
            transaction_id: "tx_2".into(),
            original_transaction_id: "tx_1".into(),
            charge_id: Some("ch_1".into()),
            amount: jpy(1_000),
            refunded_total: jpy(1_000),
            refundable: jpy(1_400),
            customer_amount: Some(Money::from_minor(4_835, Currency::from_alpha("CNY").unwrap())),
        };
        assert_eq!(
            refund_sentence(&r),
            "refunded ¥1,000 of charge ch_1 (refund rf_1): CN¥48.35 back to the shopper; ¥1,000 refunded in all, ¥1,400 left"
        );
        assert_eq!(refund_json(&r)["customer_amount"], json!({ "minor": 4_835, "currency": "CNY" }));
        let home = Refund { charge_id: None, customer_amount: None, ..r };
        assert_eq!(
            refund_sentence(&home),
            "refunded ¥1,000 of transaction tx_1 (refund rf_1); ¥1,000 refunded in all, ¥1,400 left"
        );
        assert_eq!(refund_json(&home)["customer_amount"], Value::Null);
    }

    #[test]
    fn the_same_refund_has_the_same_key_and_another_reference_another() {
        let of = RefundOf::Charge("ch_1".into());
        let jpy = Money::from_minor(300, Currency::from_alpha("JPY").unwrap());
        assert_eq!(refund_key(&of, Some(jpy), ""), refund_key(&of, Some(jpy), ""));
        assert_ne!(refund_key(&of, Some(jpy), ""), refund_key(&of, Some(jpy), "R-2"));
        assert_ne!(refund_key(&of, Some(jpy), ""), refund_key(&of, None, ""));
    }
}
