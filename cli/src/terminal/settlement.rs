//! `koban terminal settlement`: the merchant's day per network, in the merchant's currency,
//! with what the tourists paid in their own currency beside the foreign networks' lines.

use std::process::ExitCode;

use koban_core::terminal::{Settlement, Terminal};
use serde_json::{json, Value};

use super::{fail, money_json, refused, Enrolment};

/// A `--date` the host can read: a real calendar day written `YYYY-MM-DD`.
fn check_date(date: &str) -> Result<(), String> {
    let shaped = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if shaped && date.parse::<jiff::civil::Date>().is_ok() {
        Ok(())
    } else {
        Err(format!("--date {date:?} is not a calendar day: give YYYY-MM-DD, e.g. 2026-12-07"))
    }
}

fn settlement_json(enrolment: &Enrolment, s: &Settlement) -> Value {
    let lines: Vec<Value> = s
        .lines
        .iter()
        .map(|l| {
            json!({
                "network": l.network.as_str(), "network_name": l.network.name(),
                "payments": l.payments, "refunds": l.refunds,
                "gross": money_json(l.gross), "refunded": money_json(l.refunded), "net": money_json(l.net),
                "customer_net": l.customer_net.map(money_json),
            })
        })
        .collect();
    json!({
        "status": "ok", "merchant_id": s.merchant_id, "merchant_name": enrolment.merchant_name,
        "date": s.date,
        // JSON keeps machine times in Unix milliseconds, like the till's other answers.
        "from_ms": s.from.saturating_mul(1000), "to_ms": s.to.saturating_mul(1000),
        "lines": lines, "net": money_json(s.net),
    })
}

/// The day as a small table: a line per network with its counts and amounts in the
/// merchant's currency, and what the shoppers paid in theirs (net of refunds) beside the
/// foreign networks; then what the merchant receives for the day.
pub fn settlement_lines(s: &Settlement, merchant_name: &str) -> Vec<String> {
    let mut out = vec![format!("settlement of {merchant_name} ({}) for {}", s.merchant_id, s.date)];
    if s.lines.is_empty() {
        out.push("  no payments or refunds".into());
    } else {
        out.push(format!(
            "  {:<11} {:>8} {:>8} {:>12} {:>12} {:>12}  shoppers paid (net)",
            "network", "payments", "refunds", "gross", "refunded", "net"
        ));
        for l in &s.lines {
            let row = format!(
                "  {:<11} {:>8} {:>8} {:>12} {:>12} {:>12}  {}",
                l.network.name(),
                l.payments,
                l.refunds,
                l.gross.format(),
                l.refunded.format(),
                l.net.format(),
                l.customer_net.map(|m| m.format()).unwrap_or_default()
            );
            out.push(row.trim_end().to_owned());
        }
    }
    out.push(format!("  the merchant receives {} for the day", s.net.format()));
    out
}

pub(super) async fn settlement(enrolment: &Enrolment, terminal: &Terminal, date: Option<&str>, json: bool) -> ExitCode {
    if let Err(e) = date.map(check_date).transpose() {
        return fail(json, 2, "usage", &e);
    }
    match terminal.settlement(date).await {
        Ok(s) if json => {
            println!("{}", settlement_json(enrolment, &s));
            ExitCode::SUCCESS
        }
        Ok(s) => {
            settlement_lines(&s, &enrolment.merchant_name).iter().for_each(|l| println!("{l}"));
            ExitCode::SUCCESS
        }
        Err(e) => refused(&e, json),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use koban_core::money::{Currency, Money};
    use koban_core::terminal::{Network, SettlementLine};

    #[test]
    fn only_real_calendar_days_are_sent() {
        assert!(check_date("2026-12-07").is_ok());
        assert!(check_date("2028-02-29").is_ok());
        for bad in ["2026-02-30", "2026-13-01", "26-12-07", "2026/12/07", "2026-12-7", "today", "", "20261207"] {
            let e = check_date(bad).unwrap_err();
            assert!(e.contains("is not a calendar day: give YYYY-MM-DD"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_day_reads_per_network_with_the_shoppers_currency_beside_foreign_lines() {
        let jpy = |m| Money::from_minor(m, Currency::from_alpha("JPY").unwrap());
        let s = Settlement {
            merchant_id: "m_jp_ramen".into(),
            date: "2026-12-07".into(),
            from: 1_796_569_200,
            to: 1_796_655_600,
            lines: vec![
                SettlementLine {
                    network: Network::Koban,
                    payments: 1,
                    refunds: 0,
                    gross: jpy(1_200),
                    refunded: jpy(0),
                    net: jpy(1_200),
                    customer_net: None,
                },
                SettlementLine {
                    network: Network::AlipayPlus,
                    payments: 1,
                    refunds: 1,
                    gross: jpy(2_400),
                    refunded: jpy(1_000),
                    net: jpy(1_400),
                    customer_net: Some(Money::from_minor(6_770, Currency::from_alpha("CNY").unwrap())),
                },
            ],
            net: jpy(2_600),
        };
        assert_eq!(
            settlement_lines(&s, "KOBAN RAMEN"),
            [
                "settlement of KOBAN RAMEN (m_jp_ramen) for 2026-12-07",
                "  network     payments  refunds        gross     refunded          net  shoppers paid (net)",
                "  Koban              1        0       ¥1,200           ¥0       ¥1,200",
                "  Alipay+            1        1       ¥2,400       ¥1,000       ¥1,400  CN¥67.70",
                "  the merchant receives ¥2,600 for the day",
            ]
        );
        let enrolment = Enrolment {
            host: "http://127.0.0.1:9".into(),
            terminal_id: "t_1".into(),
            merchant_id: "m_jp_ramen".into(),
            merchant_name: "KOBAN RAMEN".into(),
            currency: "JPY".into(),
        };
        let v = settlement_json(&enrolment, &s);
        assert_eq!(v["from_ms"], 1_796_569_200_000_i64);
        assert_eq!(v["lines"][1]["network"], "alipay_plus");
        assert_eq!(v["lines"][1]["customer_net"], json!({ "minor": 6_770, "currency": "CNY" }));
        assert_eq!(v["lines"][0]["customer_net"], Value::Null);
        assert_eq!(v["net"], json!({ "minor": 2_600, "currency": "JPY" }));
    }
}
