//! The history as a statement: filtered by kind and period, read in detail (both currencies,
//! rate, fee, the payment a refund gives back), and exported as CSV.

use serde_json::Value;

use super::{lock, Direction, HistoryPage, TransactionRecord, Wallet, WalletError};
use crate::money::{Currency, Money};
use crate::store::{self, HistoryCursor, HistoryQuery};

/// Which history items: some kinds, a period (host time, Unix seconds; `from` inclusive,
/// `to` exclusive). The default is everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    /// Only these kinds (`payment`, `refund`, `withdrawal`, …); empty: every kind.
    pub kinds: Vec<String>,
    /// Only items at or after this time.
    pub from: Option<i64>,
    /// Only items before this time.
    pub to: Option<i64>,
}

impl HistoryFilter {
    fn query(&self) -> Result<HistoryQuery, WalletError> {
        if let Some(bad) =
            self.kinds.iter().find(|k| k.is_empty() || !k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        {
            return Err(WalletError::InvalidInput(format!("{bad:?} is not a history kind")));
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from >= to {
                return Err(WalletError::InvalidInput("the period ends before it starts".into()));
            }
        }
        Ok(HistoryQuery { kinds: self.kinds.clone(), from: self.from, to: self.to })
    }
}

/// What a history entry says beyond its line: the host's record read for people.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransactionDetail {
    /// The host's status (`completed`, `credited`, `paid_out_to_partner`, …), where it gives one.
    pub status: Option<String>,
    /// The amount in the other currency: what the merchant got abroad, what the recipient
    /// receives, what a merchant refunded in its currency.
    pub foreign_amount: Option<Money>,
    /// The rate applied (foreign currency per home currency), as the host wrote it.
    pub rate: Option<String>,
    /// The fee inside the amount.
    pub fee: Option<Money>,
    /// For a refund: the transaction it gives back.
    pub refund_of: Option<String>,
    /// References sent with a payment (bill number, …) as `kind=value`.
    pub references: Vec<String>,
    /// A message sent with a transfer.
    pub message: Option<String>,
    /// A cash pickup's reference, once the partner has it.
    pub pickup_reference: Option<String>,
}

fn money_at(v: &Value) -> Option<Money> {
    let minor = v.get("minor")?.as_i64()?;
    let currency = Currency::from_alpha(v.get("currency")?.as_str()?)?;
    Some(Money::from_minor(minor, currency))
}

impl TransactionRecord {
    /// The entry's detail, read from the host's record kept with it.
    pub fn detail(&self) -> TransactionDetail {
        // Outgoing entries keep {host, context}; received ones keep the event's data itself.
        let host = self.details.get("host").unwrap_or(&self.details);
        let home = self.amount.currency();
        let other = |v: &Value| money_at(v).filter(|m| m.currency() != home);
        let foreign_amount = ["receive", "amount", "merchant_amount", "total"].iter().find_map(|k| other(&host[*k]));
        let rate = host["rate"].as_str().map(str::to_owned).or_else(|| {
            let ctx = &self.details["context"];
            ctx["shown_rate"].as_str().map(str::to_owned)
        });
        let references = host["references"]
            .as_array()
            .map(|refs| {
                refs.iter().filter_map(|r| Some(format!("{}={}", r["kind"].as_str()?, r["value"].as_str()?))).collect()
            })
            .unwrap_or_default();
        TransactionDetail {
            status: host["status"].as_str().map(str::to_owned),
            foreign_amount,
            rate,
            fee: money_at(&host["fee"]).filter(|f| f.minor() != 0),
            refund_of: self.refund_of().map(str::to_owned),
            references,
            message: host["message"].as_str().map(str::to_owned),
            pickup_reference: host["pickup_reference"].as_str().map(str::to_owned),
        }
    }
}

/// The CSV header [`Wallet::history_csv`] writes.
pub const CSV_HEADER: &str =
    "id,time_utc,kind,direction,amount,currency,counterparty,description,fee,foreign_amount,foreign_currency,rate,refund_of,status";

impl Wallet {
    /// A page of the history `filter` selects, newest first (local).
    pub fn history_filtered(
        &self,
        filter: &HistoryFilter,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<HistoryPage, WalletError> {
        let after = cursor
            .map(|c| HistoryCursor::decode(c).ok_or_else(|| WalletError::InvalidInput("bad history cursor".into())))
            .transpose()?;
        let (items, next) = store::history_page_of(lock(&self.store).conn(), &filter.query()?, limit, after)?;
        Ok(HistoryPage { items, next_cursor: next.map(|c| c.encode()) })
    }

    /// The history `filter` selects as CSV (RFC 4180, header first, newest first): amounts
    /// as decimals in their currency's minor unit, times in UTC.
    pub fn history_csv(&self, filter: &HistoryFilter) -> Result<String, WalletError> {
        let mut out = String::from(CSV_HEADER);
        out.push_str("\r\n");
        let mut cursor: Option<String> = None;
        loop {
            let page = self.history_filtered(filter, 500, cursor.as_deref())?;
            for t in &page.items {
                out.push_str(&csv_row(t));
                out.push_str("\r\n");
            }
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        Ok(out)
    }
}

/// One CSV row for `t`.
pub fn csv_row(t: &TransactionRecord) -> String {
    let d = t.detail();
    let (y, mo, day) = crate::calendar::civil_from_days(t.created_at.div_euclid(86_400));
    let secs = t.created_at.rem_euclid(86_400);
    let time = format!("{y:04}-{mo:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60);
    let fields = [
        t.id.clone(),
        time,
        t.kind.clone(),
        match t.direction {
            Direction::In => "in".into(),
            Direction::Out => "out".into(),
        },
        t.amount.to_decimal_string(),
        t.amount.currency().alpha().to_owned(),
        t.counterparty.clone().unwrap_or_default(),
        t.description.clone(),
        d.fee.map(|f| f.to_decimal_string()).unwrap_or_default(),
        d.foreign_amount.map(|m| m.to_decimal_string()).unwrap_or_default(),
        d.foreign_amount.map(|m| m.currency().alpha().to_owned()).unwrap_or_default(),
        d.rate.unwrap_or_default(),
        d.refund_of.unwrap_or_default(),
        d.status.unwrap_or_default(),
    ];
    fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",")
}

/// One CSV field: quoted when it holds a separator, a quote or a line break; a text that a
/// spreadsheet would run as a formula (a merchant's or a friend's name starting with `=`,
/// `+`, `-`, `@`) is defused with a leading apostrophe, since other people choose those names.
fn csv_field(s: &str) -> String {
    let numeric = !s.is_empty() && s.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let risky = !numeric && s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let s = if risky { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(kind: &str, counterparty: &str, details: Value) -> TransactionRecord {
        TransactionRecord {
            id: "tx_1".into(),
            kind: kind.into(),
            direction: Direction::Out,
            amount: Money::from_minor(533, Currency::from_alpha("JPY").unwrap()),
            counterparty: Some(counterparty.into()),
            description: format!("Payment to {counterparty}"),
            intent_key: None,
            created_at: 1_796_000_000,
            details,
        }
    }

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("KOBAN RAMEN"), "KOBAN RAMEN");
        assert_eq!(csv_field("Ramen, Gyoza"), "\"Ramen, Gyoza\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("-12.50"), "-12.50", "a negative amount stays a number");
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
    }

    #[test]
    fn a_payment_abroad_reads_in_both_currencies_with_rate_and_fee() {
        let t = record(
            "payment",
            "SOM TAM STALL",
            json!({ "host": { "status": "completed", "amount": { "minor": 12_000, "currency": "THB" },
                    "debited": { "minor": 533, "currency": "JPY" }, "fee": { "minor": 3, "currency": "JPY" },
                    "references": [{ "kind": "bill_number", "value": "B-7" }] },
                    "context": { "shown_rate": "0.2265500000" } }),
        );
        let d = t.detail();
        assert_eq!(
            d.foreign_amount.map(|m| (m.minor(), m.currency().alpha().to_owned())),
            Some((12_000, "THB".into()))
        );
        assert_eq!((d.rate.as_deref(), d.fee.map(|f| f.minor())), (Some("0.2265500000"), Some(3)));
        assert_eq!(d.references, ["bill_number=B-7"]);
        assert_eq!(
            csv_row(&t),
            "tx_1,2026-11-30T00:53:20Z,payment,out,533,JPY,SOM TAM STALL,Payment to SOM TAM STALL,3,120.00,THB,0.2265500000,,completed"
        );
    }

    #[test]
    fn a_name_chosen_by_someone_else_cannot_become_a_formula() {
        let t = record("p2p", "=cmd|' /C calc'!A0", json!({}));
        let row = csv_row(&t);
        assert!(row.contains(",'=cmd|' /C calc'!A0,"), "{row}");
        assert!(!row.split(',').any(|f| f.starts_with('=')), "{row}");
    }

    #[test]
    fn filters_refuse_nonsense() {
        let bad = HistoryFilter { kinds: vec!["payment,refund".into()], ..Default::default() };
        assert!(bad.query().is_err());
        let backwards = HistoryFilter { from: Some(10), to: Some(5), ..Default::default() };
        assert!(backwards.query().is_err());
        assert!(HistoryFilter { kinds: vec!["refund".into()], from: Some(1), to: Some(2) }.query().is_ok());
    }
}
