//! The history as a statement: filtered by kind and period, read in detail (both currencies,
//! rate, fee, the payment a refund gives back), and exported as CSV.

use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::Value;

use super::{lock, Direction, HistoryPage, TransactionRecord, Wallet, WalletError};
use crate::money::Money;
use crate::net::api;
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

/// A field of another shape than expected reads as absent: a detail is for people and must
/// never fail over a record an older or newer host wrote.
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    Ok(T::deserialize(&Value::deserialize(d)?).ok())
}

/// One reference as a payment's record keeps it.
#[derive(Deserialize)]
struct RecordedReference {
    kind: String,
    value: String,
}

/// The host's record kept with an entry: its answer to the request, or the event's data.
#[derive(Deserialize, Default)]
struct Recorded {
    #[serde(default, deserialize_with = "lenient")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    rate: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    fee: Option<api::Amount>,
    #[serde(default, deserialize_with = "lenient")]
    message: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pickup_reference: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    references: Option<Vec<RecordedReference>>,
    // Where the other currency can be, in this order of preference.
    #[serde(default, deserialize_with = "lenient")]
    receive: Option<api::Amount>,
    #[serde(default, deserialize_with = "lenient")]
    amount: Option<api::Amount>,
    #[serde(default, deserialize_with = "lenient")]
    merchant_amount: Option<api::Amount>,
    #[serde(default, deserialize_with = "lenient")]
    total: Option<api::Amount>,
}

/// What the user was shown, kept with an outgoing entry (see each flow's `…Shown`).
#[derive(Deserialize, Default)]
struct ShownDetail {
    #[serde(default, deserialize_with = "lenient")]
    shown_rate: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    rate: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    references: Option<Vec<RecordedReference>>,
}

/// An entry's details: outgoing entries keep `{host, context}`, received ones the event's
/// data itself.
#[derive(Deserialize)]
#[serde(untagged)]
enum Kept {
    Outgoing {
        host: Recorded,
        #[serde(default)]
        context: ShownDetail,
    },
    Received(Recorded),
}

impl TransactionRecord {
    /// The entry's detail, read from the host's record kept with it.
    pub fn detail(&self) -> TransactionDetail {
        let (host, shown) = match Kept::deserialize(&self.details) {
            Ok(Kept::Outgoing { host, context }) => (host, context),
            Ok(Kept::Received(host)) => (host, ShownDetail::default()),
            Err(_) => Default::default(),
        };
        let home = self.amount.currency();
        let foreign_amount = [&host.receive, &host.amount, &host.merchant_amount, &host.total]
            .into_iter()
            .find_map(|a| a.as_ref().and_then(api::Amount::money).filter(|m| m.currency() != home));
        let references = host
            .references
            .or(shown.references)
            .unwrap_or_default()
            .into_iter()
            .map(|r| format!("{}={}", r.kind, r.value))
            .collect();
        TransactionDetail {
            status: host.status,
            foreign_amount,
            rate: host.rate.or(shown.shown_rate).or(shown.rate),
            fee: host.fee.as_ref().and_then(api::Amount::money).filter(|f| f.minor() != 0),
            refund_of: self.refund_of().map(str::to_owned),
            references,
            message: host.message,
            pickup_reference: host.pickup_reference,
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

    use crate::money::Currency;

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
                    "debited": { "minor": 533, "currency": "JPY" }, "fee": { "minor": 3, "currency": "JPY" } },
                    "context": { "references": [{ "kind": "bill_number", "value": "B-7" }],
                                 "shown_debit": { "minor": 533, "currency": "JPY" },
                                 "shown_rate": "0.2265500000" } }),
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
