//! Line-based credit-transfer codes: EPC069-12 ("GiroCode", §23) and the Swiss QR-bill (§24).

use super::registry::{EPC, SWISS_QR_BILL};
use super::{
    field, simple_route, DetectError, Detection, Format, Merchant, Presentment, Reference, ReferenceKind, Rejection,
    RouteRole,
};
use crate::money::{Currency, Money};

fn malformed(format: &'static str, reason: impl Into<String>) -> DetectError {
    DetectError::Malformed { format, reason: reason.into() }
}

fn lines(payload: &str) -> Vec<&str> {
    payload.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect()
}

fn amount(d: &mut Detection, text: &str, currency: Currency, errors: &mut Vec<Rejection>) {
    match Money::parse_decimal(text, currency) {
        Ok(p) => d.amount = Some(p.money),
        Err(e) => errors.push(Rejection::InvalidAmount { value: text.to_owned(), reason: e.to_string() }),
    }
}

fn finish(d: Detection, errors: Vec<Rejection>) -> Result<Detection, DetectError> {
    if errors.is_empty() {
        Ok(d)
    } else {
        Err(DetectError::Rejected { reasons: errors, detection: Box::new(d) })
    }
}

/// `BCD` / version / charset / `SCT` / BIC / name / IBAN / `EUR<amount>` / purpose / reference / text / info.
pub(crate) fn epc(payload: &str, _now_ms: i64) -> Option<Result<Detection, DetectError>> {
    let l = lines(payload);
    if l.first() != Some(&"BCD") || !matches!(l.get(1), Some(&"001" | &"002")) {
        return None;
    }
    let get = |i: usize| l.get(i).copied().filter(|s| !s.is_empty());
    Some((|| {
        if get(3) != Some("SCT") && get(3) != Some("INST") {
            return Err(malformed("epc", "identification must be SCT"));
        }
        let name = get(5).ok_or_else(|| malformed("epc", "no beneficiary name"))?;
        let iban = get(6).ok_or_else(|| malformed("epc", "no IBAN"))?;
        if l[1] == "001" && get(4).is_none() {
            return Err(malformed("epc", "version 001 requires a BIC"));
        }
        let eur = Currency::from_alpha("EUR").expect("EUR is in the table");
        let mut d = Detection::new(Format::Epc, Presentment::Merchant);
        let mut errors = Vec::new();
        d.currency = Some(eur);
        d.country = iban.get(..2).map(str::to_ascii_uppercase);
        if let Some(a) = get(7) {
            match a.strip_prefix("EUR") {
                Some(value) => amount(&mut d, value, eur, &mut errors),
                None => errors.push(Rejection::InvalidAmount {
                    value: a.to_owned(),
                    reason: "EPC amounts are EUR<amount>".into(),
                }),
            }
        }
        d.merchant = Some(Merchant { name: Some(name.to_owned()), ..Default::default() });
        for (i, kind) in [(8, ReferenceKind::Purpose), (9, ReferenceKind::ReferenceLabel), (10, ReferenceKind::Note)] {
            if let Some(v) = get(i) {
                d.references.push(Reference { kind, value: Some(v.to_owned()) });
            }
        }
        let fields = [field("iban", Some(iban)), field("bic", get(4)), field("name", Some(name))]
            .into_iter()
            .flatten()
            .collect();
        d.routes.push(simple_route(EPC, RouteRole::Payable, Some(iban.to_owned()), fields));
        finish(d, errors)
    })())
}

/// `SPC` / `0200` / `1` / IBAN / creditor (7 lines) / ultimate creditor (7) / amount / currency /
/// debtor (7) / reference type / reference / message / `EPD`.
pub(crate) fn swiss_qr_bill(payload: &str, _now_ms: i64) -> Option<Result<Detection, DetectError>> {
    let l = lines(payload);
    if l.first() != Some(&"SPC") || l.get(1).is_none_or(|v| !v.starts_with("02")) {
        return None;
    }
    let get = |i: usize| l.get(i).copied().filter(|s| !s.is_empty());
    Some((|| {
        if l.len() < 31 {
            return Err(malformed("swiss-qr-bill", format!("{} lines, at least 31 expected", l.len())));
        }
        if l[30] != "EPD" {
            return Err(malformed("swiss-qr-bill", "trailer EPD missing"));
        }
        let iban = get(3).ok_or_else(|| malformed("swiss-qr-bill", "no IBAN"))?;
        let currency = get(19)
            .and_then(|c| ["CHF", "EUR"].contains(&c).then(|| Currency::from_alpha(c)).flatten())
            .ok_or_else(|| malformed("swiss-qr-bill", "currency must be CHF or EUR"))?;
        let mut d = Detection::new(Format::SwissQrBill, Presentment::Merchant);
        let mut errors = Vec::new();
        d.currency = Some(currency);
        d.country = get(10).map(str::to_owned);
        if let Some(a) = get(18) {
            amount(&mut d, a, currency, &mut errors);
        }
        d.merchant = Some(Merchant {
            name: get(5).map(str::to_owned),
            city: get(9).map(str::to_owned),
            postal_code: get(8).map(str::to_owned),
            ..Default::default()
        });
        if let Some(r) = get(28) {
            d.references.push(Reference { kind: ReferenceKind::ReferenceLabel, value: Some(r.to_owned()) });
        }
        if let Some(m) = get(29) {
            d.references.push(Reference { kind: ReferenceKind::Note, value: Some(m.to_owned()) });
        }
        let fields = [field("iban", Some(iban)), field("creditor_name", get(5)), field("reference_type", get(27))]
            .into_iter()
            .flatten()
            .collect();
        d.routes.push(simple_route(SWISS_QR_BILL, RouteRole::Payable, Some(iban.to_owned()), fields));
        finish(d, errors)
    })())
}
