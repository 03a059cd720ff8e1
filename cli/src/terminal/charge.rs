//! `koban terminal charge` and `status`: what the till does with a scanned shopper's code, and
//! how a charge reads, with the tourist's own currency and the network's rate beside the
//! merchant's amount for a foreign code.

use std::path::Path;
use std::process::ExitCode;

use koban_core::scheme::{detect, registry, Presentment, SchemeId};
use koban_core::terminal::{Charge, ChargeStatus, Network, Terminal};
use serde_json::{json, Value};

use super::{fail, money_json, refused};
use crate::when;

/// What a till can do with a scanned code.
#[derive(Debug, PartialEq, Eq)]
pub enum Scanned {
    /// A Koban code: the host reads and checks it.
    Koban,
    /// A tourist's code of a network the Koban host acquires (ADR 0007): sent to the host,
    /// which charges it through that network.
    Acquired(Network),
    /// Another issuer's shopper code, which only that issuer's acquirer can charge.
    Foreign(&'static str),
    /// Not a shopper's code at all.
    NotConsumer(String),
}

/// The foreign network the Koban host acquires a scheme's shopper codes through (the same
/// schemes the host routes, `koban_partners::Network::for_scheme`).
fn acquired_network(scheme: SchemeId) -> Option<Network> {
    match scheme {
        s if s == registry::ALIPAY => Some(Network::AlipayPlus),
        s if s == registry::WECHATPAY => Some(Network::WechatPay),
        s if s == registry::UNIONPAY => Some(Network::Unionpay),
        _ => None,
    }
}

/// Tells what a till has scanned.
pub fn classify(text: &str) -> Result<Scanned, String> {
    let unknown = || "not a payment code this till knows".to_owned();
    let d = detect(text).map_err(|_| unknown())?;
    match d.presentment {
        Presentment::Consumer => {}
        Presentment::Merchant | Presentment::P2p => {
            return Ok(Scanned::NotConsumer(format!(
                "a code to be scanned by a payer ({}, {}), not one a shopper shows at a till",
                d.format.as_str(),
                d.presentment.as_str()
            )))
        }
        _ => return Err(unknown()),
    }
    if d.route(registry::KOBAN_CPM).is_some() {
        return Ok(Scanned::Koban);
    }
    // Any of the code's schemes, as the host routes it (a UnionPay EMV code may name others too).
    if let Some(network) = d.schemes().into_iter().find_map(acquired_network) {
        return Ok(Scanned::Acquired(network));
    }
    let issuer = d.payable_routes().next().map(|r| r.scheme);
    Ok(Scanned::Foreign(issuer.map(|s| s.name()).unwrap_or("another issuer")))
}

/// What the till says about another issuer's shopper code, which it must not send to the
/// Koban host.
pub fn foreign_message(issuer: &str) -> String {
    format!("this code is for {issuer}: charge it through {issuer}'s acquirer, not the Koban host")
}

/// Exit status for a charge's state: 0 captured, 1 refused/declined/expired, 4 pending.
fn exit_for(status: ChargeStatus) -> ExitCode {
    match status {
        ChargeStatus::Captured => ExitCode::SUCCESS,
        ChargeStatus::PendingApproval => ExitCode::from(4),
        ChargeStatus::Refused | ChargeStatus::Declined | ChargeStatus::Expired => ExitCode::from(1),
    }
}

pub(super) fn read_code(code: &str) -> Result<String, String> {
    if code != "-" {
        return Ok(code.to_owned());
    }
    let mut s = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
        .map_err(|_| "cannot read standard input".to_owned())?;
    Ok(s)
}

/// The first code in a picture, read by the scanner the apps use.
pub(super) fn scan_code(image: &Path) -> Result<String, String> {
    let outcomes = crate::scan::scan_file(image);
    let text = outcomes.iter().find_map(|o| match o {
        crate::scan::Outcome::Text(t) => Some(t.clone()),
        crate::scan::Outcome::Error(_) => None,
    });
    text.ok_or_else(|| {
        let why = outcomes.iter().find_map(|o| match o {
            crate::scan::Outcome::Error(e) => Some(e.clone()),
            crate::scan::Outcome::Text(_) => None,
        });
        format!("{}: {}", image.display(), why.unwrap_or_else(|| "no code found".into()))
    })
}

/// A network's rate for people: the host's fixed-decimal text without trailing zeros
/// ("0.0482000000" → "0.0482"); never through a float.
pub fn rate_text(rate: &str) -> &str {
    if rate.contains('.') {
        rate.trim_end_matches('0').trim_end_matches('.')
    } else {
        rate
    }
}

fn charge_json(c: &Charge) -> Value {
    json!({
        "status": c.status.as_str(), "kind": c.refusal, "id": c.id,
        "amount": money_json(c.amount),
        "transaction_id": c.transaction_id,
        // JSON keeps machine times, in Unix milliseconds like `koban detect --json`.
        "approve_by_ms": c.approve_by.map(|s| s.saturating_mul(1000)),
        "network": c.network.as_str(),
        "customer_amount": c.customer_amount.map(money_json),
        "rate": c.rate,
    })
}

/// What a charge came to, in one sentence: for a tourist's code the network, and what the
/// network took from the shopper in their currency at its rate.
pub fn charge_sentence(c: &Charge) -> String {
    let through = match c.network {
        Network::Koban => String::new(),
        other => format!(" through {}", other.name()),
    };
    let shopper = match (c.customer_amount, &c.rate) {
        (Some(paid), Some(rate)) => format!(
            ": the shopper paid {} at {} {} per {}",
            paid.format(),
            rate_text(rate),
            paid.currency().alpha(),
            c.amount.currency().alpha()
        ),
        (Some(paid), None) => format!(": the shopper paid {}", paid.format()),
        _ => String::new(),
    };
    match c.status {
        ChargeStatus::Captured => format!("captured {}{through} (charge {}){shopper}", c.amount.format(), c.id),
        ChargeStatus::PendingApproval => format!(
            "{} is waiting for the shopper's approval on their phone{} (charge {}); ask again with `koban terminal status {}`",
            c.amount.format(),
            c.approve_by.map(|at| format!(" until {}", when::human(at, when::now()))).unwrap_or_default(),
            c.id,
            c.id
        ),
        other => {
            let why = c.refusal.as_deref().map(|k| format!(": {k}")).unwrap_or_default();
            format!("{}{through} {} (charge {}){why}", c.amount.format(), other.as_str().replace('_', " "), c.id)
        }
    }
}

pub(super) fn report(c: &Charge, json: bool) -> ExitCode {
    if json {
        println!("{}", charge_json(c));
    } else {
        println!("{}", charge_sentence(c));
    }
    exit_for(c.status)
}

pub(super) async fn charge(
    terminal: &Terminal,
    amount: &str,
    currency: &str,
    scanned_at: Option<i64>,
    text: &str,
    json: bool,
) -> ExitCode {
    let currency = match crate::args::currency(currency) {
        Ok(c) => c,
        Err(e) => return fail(json, 2, "usage", &e),
    };
    let amount = match crate::args::amount(amount, currency) {
        Ok(a) => a,
        Err(e) => return fail(json, 2, "usage", &e),
    };
    match classify(text) {
        // The host reads Koban codes itself and acquires the foreign networks' codes.
        Ok(Scanned::Koban | Scanned::Acquired(_)) => {}
        Ok(Scanned::Foreign(issuer)) => return fail(json, 3, "foreign_code", &foreign_message(issuer)),
        Ok(Scanned::NotConsumer(what)) => return fail(json, 3, "not_consumer", &format!("this is {what}")),
        Err(e) => return fail(json, 3, "unknown_code", &e),
    }
    match terminal.charge(text, amount, scanned_at).await {
        Ok(c) => report(&c, json),
        Err(e) => refused(&e, json),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use koban_core::cpm::TokenCode;
    use koban_core::crypto::LimitedUseKey;
    use koban_core::money::{Currency, Money};

    #[test]
    fn tells_our_codes_from_acquired_foreign_and_merchant_ones() {
        let key = LimitedUseKey::from_bytes([3; 32]);
        let qr = TokenCode::generate(&key, "4900000000000001", 7, 1_795_500_000, [1, 2, 3, 4]).unwrap();
        assert_eq!(classify(&qr.to_qr_text()), Ok(Scanned::Koban));
        let numeric = TokenCode::generate(&key, "4900000000000001", 8, 1_795_500_000, [0; 4]).unwrap();
        assert_eq!(classify(&numeric.to_numeric().unwrap()), Ok(Scanned::Koban));
        assert_eq!(classify("28763443825664394"), Ok(Scanned::Acquired(Network::AlipayPlus)));
        assert_eq!(classify("120061098828009406"), Ok(Scanned::Acquired(Network::WechatPay)));
        assert_eq!(classify("6212345678901234567"), Ok(Scanned::Acquired(Network::Unionpay)));
        // UnionPay's EMV consumer QR (AID A000000333010101), as the partner networks issue it.
        assert_eq!(
            classify(
                "hQVDUFYwMWE9TwigAAADMwEBAVAIVW5pb25QYXlaCmISNFZ4kBI0Vn9jG58mCAABAgMEBQYHnycBgJ82AgABnzcEAQIDBA=="
            ),
            Ok(Scanned::Acquired(Network::Unionpay))
        );
        assert_eq!(
            classify("hQVDUFYwMWEfTwigAAAAZQOSAlcTMViZAHkkKUPUkSEhAAAFEgAADw=="),
            Ok(Scanned::Foreign("JPQR consumer-presented"))
        );
        assert_eq!(
            classify("00020101021129370016A0000006770101110113006681222333353037645802TH63041DCF"),
            Ok(Scanned::NotConsumer(
                "a code to be scanned by a payer (emv-mpm, p2p), not one a shopper shows at a till".into()
            ))
        );
        assert_eq!(classify("garbage"), Err("not a payment code this till knows".into()));
    }

    #[test]
    fn foreign_codes_are_named_in_plain_grammar() {
        for issuer in ["Alipay", "UnionPay", "WeChat Pay", "JPQR consumer-presented", "another issuer"] {
            let m = foreign_message(issuer);
            assert!(m.starts_with(&format!("this code is for {issuer}: charge it through {issuer}'s")), "{m}");
            assert!(!m.contains(" a A") && !m.contains(" a U") && !m.contains(" a a"), "{m}");
        }
    }

    #[test]
    fn a_tourists_charge_reads_in_both_currencies_with_the_rate() {
        let jpy = Currency::from_alpha("JPY").unwrap();
        let cny = Currency::from_alpha("CNY").unwrap();
        let c = Charge {
            id: "ch_1".into(),
            status: ChargeStatus::Captured,
            amount: Money::from_minor(2_400, jpy),
            transaction_id: Some("tx_1".into()),
            approve_by: None,
            refusal: None,
            network: Network::AlipayPlus,
            customer_amount: Some(Money::from_minor(11_605, cny)),
            rate: Some("0.0483540000".into()),
        };
        assert_eq!(
            charge_sentence(&c),
            "captured ¥2,400 through Alipay+ (charge ch_1): the shopper paid CN¥116.05 at 0.048354 CNY per JPY"
        );
        let v = charge_json(&c);
        assert_eq!(v["network"], "alipay_plus");
        assert_eq!(v["customer_amount"], json!({ "minor": 11_605, "currency": "CNY" }));
        assert_eq!(v["rate"], "0.0483540000");
        let koban = Charge { network: Network::Koban, customer_amount: None, rate: None, ..c.clone() };
        assert_eq!(charge_sentence(&koban), "captured ¥2,400 (charge ch_1)");
        assert_eq!(charge_json(&koban)["customer_amount"], Value::Null);
        let expired = Charge {
            status: ChargeStatus::Expired,
            refusal: Some("charge_expired".into()),
            customer_amount: None,
            rate: None,
            ..c
        };
        assert_eq!(charge_sentence(&expired), "¥2,400 through Alipay+ expired (charge ch_1): charge_expired");
    }

    #[test]
    fn rates_lose_trailing_zeros_only() {
        assert_eq!(rate_text("0.0482000000"), "0.0482");
        assert_eq!(rate_text("7.0000000000"), "7");
        assert_eq!(rate_text("100"), "100");
        assert_eq!(rate_text("0.0483540001"), "0.0483540001");
    }
}
