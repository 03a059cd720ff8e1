//! Merchant-presented EMV codes: from a validated TLV view to a [`Detection`], via the registry.

use super::registry::{Check, Cond, Extract, Layout, Matcher, P2p, TemplateRule, CODE_LABELS, DOMESTIC_CURRENCY, PRIMITIVE_RULES, TEMPLATE_RULES};
use super::{CrcStatus, DetectError, Detection, Format, Merchant, Presentment, Reference, ReferenceKind, Rejection, Route, RouteField, RouteRole, Warning};
use crate::emv::{AlternateLanguage, CrcCheck, DataObject, Initiation, MpmError, MpmView, Tip};
use crate::money::{AmountError, Currency, Money};

/// Detects an EMV merchant-presented payload; `now_ms` decides expiry.
pub(crate) fn detect(payload: &str, now_ms: i64) -> Result<Detection, DetectError> {
    let view = MpmView::parse(payload).map_err(|e| match e {
        MpmError::Malformed(t) => DetectError::MalformedTlv(t),
        MpmError::MissingPayloadFormatIndicator => DetectError::MissingPayloadFormatIndicator,
    })?;
    let mut d = Detection::new(Format::EmvMpm, Presentment::Merchant);
    let mut errors: Vec<Rejection> = Vec::new();
    structure(&view, &mut d, &mut errors);
    root_fields(&view, &mut d, &mut errors);
    routes(&view, &mut d, &mut errors, now_ms);
    if d.payable_routes().next().is_some_and(|first| first.p2p) {
        d.presentment = Presentment::P2p;
    }
    if errors.is_empty() {
        Ok(d)
    } else {
        Err(DetectError::Rejected { reasons: errors, detection: Box::new(d) })
    }
}

/// Format indicator, empty values, duplicates, identifier lengths and the CRC.
fn structure(view: &MpmView<'_>, d: &mut Detection, errors: &mut Vec<Rejection>) {
    match view.value(0) {
        Some("01") => {}
        Some("02") => d.warnings.push(Warning::new(
            "payload_format_indicator_02",
            "payload format indicator is \"02\" (as DuitNow issues) instead of \"01\"",
        )),
        Some(other) => errors.push(Rejection::UnsupportedFormatIndicator(other.to_owned())),
        None => {}
    }
    let mut seen = [false; 100];
    for o in view.objects() {
        if std::mem::replace(&mut seen[usize::from(o.tag)], true) {
            errors.push(Rejection::DuplicateTag { tag: o.tag_str() });
        }
        if o.value.is_empty() {
            errors.push(Rejection::EmptyValue { tag: o.tag_str() });
        }
        if crate::emv::is_template_tag(o.tag) && is_tlv(o) {
            for c in o.children().map_while(Result::ok) {
                if c.value.is_empty() {
                    errors.push(Rejection::EmptyValue { tag: format!("{:02}/{:02}", o.tag, c.tag) });
                }
            }
            if matches!(o.tag, 26..=51 | 80..=99) {
                if let Some(guid) = o.sub(0) {
                    let len = guid.chars().count();
                    if len > 32 {
                        errors.push(Rejection::GuidTooLong { tag: o.tag_str(), len });
                    }
                }
            }
        }
    }
    d.crc = match view.crc() {
        CrcCheck::Valid => CrcStatus::Valid,
        CrcCheck::Mismatch { found, computed } => {
            errors.push(Rejection::CrcMismatch { found: found.clone(), computed: computed.clone() });
            CrcStatus::Invalid { found: found.clone(), computed: computed.clone() }
        }
        CrcCheck::Missing => {
            errors.push(Rejection::MissingCrc);
            CrcStatus::Missing
        }
        CrcCheck::Misplaced => {
            errors.push(Rejection::CrcNotLast);
            CrcStatus::Missing
        }
    };
}

/// True when a template's value parses as TLV to its end (raw unreserved values do not).
fn is_tlv(o: &DataObject<'_>) -> bool {
    o.children().all(|c| c.is_ok())
}

/// Initiation, currency, amount, tip, country, merchant and references.
fn root_fields(view: &MpmView<'_>, d: &mut Detection, errors: &mut Vec<Rejection>) {
    match view.value(1) {
        None => {}
        Some(v) => match Initiation::from_code(v) {
            Some(i) => d.initiation = Some(i),
            None => errors.push(Rejection::InvalidPointOfInitiation(v.to_owned())),
        },
    }
    d.country = view.value(58).map(str::to_owned);
    if d.country.is_none() {
        d.warnings.push(Warning::new("missing_country", "no country code (tag 58)"));
    }
    match view.value(53) {
        None => d.warnings.push(Warning::new("missing_currency", "no transaction currency (tag 53)")),
        Some(code) => match Currency::from_numeric_str(code) {
            Some(c) => d.currency = Some(c),
            None => d.warnings.push(Warning::new("unknown_currency", format!("currency {code:?} is not an ISO 4217 code Koban knows"))),
        },
    }
    if let (Some(country), Some(currency)) = (&d.country, d.currency) {
        for (c, expected, scheme) in DOMESTIC_CURRENCY {
            if country == c && currency.alpha() != *expected {
                errors.push(Rejection::CurrencyMismatch { scheme, expected, found: currency.alpha().to_owned() });
            }
        }
    }
    if let Some(text) = view.value(54) {
        match d.currency {
            None => errors.push(Rejection::InvalidAmount { value: text.to_owned(), reason: "no known currency to read it in".into() }),
            Some(currency) => match Money::parse_decimal(text, currency) {
                Ok(parsed) => {
                    if parsed.has_excess_decimals() {
                        d.warnings.push(Warning::new("amount_decimals", format!("amount {text:?} has more decimals than {currency} uses")));
                    }
                    d.amount = Some(parsed.money);
                }
                Err(AmountError::Zero) => {
                    d.warnings.push(Warning::new("zero_amount", "amount is zero; the payer enters the amount"));
                }
                Err(e) => errors.push(Rejection::InvalidAmount { value: text.to_owned(), reason: e.to_string() }),
            },
        }
    }
    d.tip = tip(view, d.currency, &mut d.warnings);
    let mcc = view.value(52);
    if let Some(m) = mcc {
        if m.len() != 4 || !m.bytes().all(|b| b.is_ascii_digit()) {
            d.warnings.push(Warning::new("invalid_mcc", format!("merchant category code {m:?} is not four digits")));
        }
    }
    let name = view.value(59);
    if let Some(n) = name {
        if n.chars().count() > 25 {
            d.warnings.push(Warning::new("merchant_name_too_long", format!("merchant name is {} characters (EMVCo allows 25)", n.chars().count())));
        }
    }
    if let Some(c) = view.value(60) {
        if c.chars().count() > 15 {
            d.warnings.push(Warning::new("merchant_city_too_long", format!("merchant city is {} characters (EMVCo allows 15)", c.chars().count())));
        }
    }
    let alternate = view.get(64).map(|o| AlternateLanguage {
        language: o.sub(0).unwrap_or_default().to_owned(),
        name: o.sub(1).unwrap_or_default().to_owned(),
        city: o.sub(2).map(str::to_owned),
    });
    if name.is_some() || view.value(60).is_some() || mcc.is_some() || alternate.is_some() || view.value(61).is_some() {
        d.merchant = Some(Merchant {
            name: name.map(str::to_owned),
            city: view.value(60).map(str::to_owned),
            postal_code: view.value(61).map(str::to_owned),
            mcc: mcc.map(str::to_owned),
            alternate,
        });
    }
    if let Some(add) = view.get(62) {
        for c in add.children().map_while(Result::ok) {
            let kind = match c.tag {
                1 => ReferenceKind::BillNumber,
                2 => ReferenceKind::MobileNumber,
                3 => ReferenceKind::StoreLabel,
                4 => ReferenceKind::LoyaltyNumber,
                5 => ReferenceKind::ReferenceLabel,
                6 => ReferenceKind::CustomerLabel,
                7 => ReferenceKind::TerminalLabel,
                8 => ReferenceKind::Purpose,
                9 => ReferenceKind::ConsumerDataRequest,
                _ => continue,
            };
            let value = (c.value != "***").then(|| c.value.to_owned());
            d.references.push(Reference { kind, value });
        }
    }
}

fn tip(view: &MpmView<'_>, currency: Option<Currency>, warnings: &mut Vec<Warning>) -> Option<Tip> {
    let indicator = view.value(55)?;
    let tip = match indicator {
        "01" => Some(Tip::Prompt),
        "02" => view
            .value(56)
            .zip(currency)
            .and_then(|(v, c)| Money::parse_decimal(v, c).ok())
            .map(|p| Tip::Fixed { fee: p.money }),
        "03" => view.value(57).and_then(Tip::parse_percentage).map(|hundredths| Tip::Percentage { hundredths }),
        _ => None,
    };
    if tip.is_none() {
        warnings.push(Warning::new("invalid_tip", format!("tip or convenience indicator {indicator:?} lacks a valid value; ignored")));
    }
    tip
}

fn matches(rule: &TemplateRule, o: &DataObject<'_>, country: Option<&str>, mcc: Option<&str>) -> bool {
    if o.tag < rule.tags.0 || o.tag > rule.tags.1 {
        return false;
    }
    if rule.country.is_some_and(|c| country != Some(c)) || rule.mcc.is_some_and(|m| mcc != Some(m)) {
        return false;
    }
    if !rule.requires_any.is_empty() && !rule.requires_any.iter().any(|s| o.sub(*s).is_some()) {
        return false;
    }
    let guid = o.sub(0);
    match rule.matcher {
        Matcher::Guid(g) => guid.is_some_and(|v| v.eq_ignore_ascii_case(g)),
        Matcher::GuidPrefix(p) => guid.is_some_and(|v| v.len() >= p.len() && v.is_char_boundary(p.len()) && v[..p.len()].eq_ignore_ascii_case(p)),
        Matcher::AccountWithAt => guid.is_some_and(|v| v.contains('@')),
        Matcher::Digits(n) => guid.is_some_and(|v| v.len() == n && v.bytes().all(|b| b.is_ascii_digit())),
        Matcher::SubPrefix(sub, prefix) => o.sub(sub).is_some_and(|v| v.starts_with(prefix)),
        Matcher::Any => true,
    }
}

fn extract(rule: &TemplateRule, o: &DataObject<'_>) -> Vec<RouteField> {
    let mut fields = Vec::with_capacity(rule.fields.len());
    for f in rule.fields {
        let (value, name) = match *f {
            Extract::Sub(sub, name) => (o.sub(sub), name),
            Extract::Nested(sub, inner, name) => {
                let nested = o.children().map_while(Result::ok).find(|c| c.tag == sub);
                (nested.and_then(|n| n.sub(inner)), name)
            }
        };
        if let Some(v) = value {
            fields.push(RouteField { name, value: v.to_owned() });
        }
    }
    fields
}

fn cond_holds(cond: &Cond, o: &DataObject<'_>) -> bool {
    match *cond {
        Cond::Always => true,
        Cond::SubPrefix(sub, p) => o.sub(sub).is_some_and(|v| v.starts_with(p)),
        Cond::SubEquals(sub, v) => o.sub(sub) == Some(v),
    }
}

/// Every account object through the registry, in payload order; implied and code-level labels last.
fn routes(view: &MpmView<'_>, d: &mut Detection, errors: &mut Vec<Rejection>, now_ms: i64) {
    // Read from the view, not `d`, so `d` stays free to fill in.
    let country = view.value(58);
    let mcc = view.value(52);
    let mut implied: Vec<Route> = Vec::new();
    for o in view.objects() {
        match o.tag {
            2..=25 => {
                let Some(rule) = PRIMITIVE_RULES.iter().find(|r| (r.tags.0..=r.tags.1).contains(&o.tag) && r.country.is_none_or(|c| country == Some(c))) else {
                    continue;
                };
                let fields = match rule.layout {
                    Layout::Whole(name) => vec![RouteField { name, value: o.value.to_owned() }],
                    Layout::Split(whole, parts) => {
                        let mut fields = vec![RouteField { name: whole, value: o.value.to_owned() }];
                        if o.value.is_ascii() && o.value.len() == parts.iter().map(|p| p.0).sum::<usize>() {
                            let mut at = 0;
                            for (len, name) in parts {
                                fields.push(RouteField { name, value: o.value[at..at + len].to_owned() });
                                at += len;
                            }
                        }
                        fields
                    }
                };
                d.routes.push(Route {
                    scheme: rule.scheme,
                    role: rule.role,
                    p2p: false,
                    tag: Some(o.tag_str()),
                    guid: None,
                    identifier: Some(o.value.to_owned()),
                    fields,
                });
            }
            26..=51 | 80..=99 if is_tlv(o) => {
                let Some(rule) = TEMPLATE_RULES.iter().find(|r| matches(r, o, country, mcc)) else {
                    continue;
                };
                let Some(role) = rule.role else { continue };
                let fields = extract(rule, o);
                let identifier = rule.identifier.iter().find_map(|id| fields.iter().find(|f| f.name == *id)).map(|f| f.value.clone());
                let p2p = match rule.p2p {
                    P2p::Never => false,
                    P2p::Always => true,
                    P2p::AtTag(t) => o.tag == t,
                    P2p::SubIn(sub, values) => o.sub(sub).is_some_and(|v| values.contains(&v)),
                };
                let mut route = Route {
                    scheme: rule.scheme,
                    role,
                    p2p,
                    tag: Some(o.tag_str()),
                    guid: o.sub(0).map(str::to_owned),
                    identifier,
                    fields,
                };
                scheme_checks(rule.check, view, o, d, &mut route, errors, now_ms);
                for (scheme, cond) in rule.implies {
                    if cond_holds(cond, o) {
                        implied.push(Route { scheme: *scheme, ..route.clone() });
                    }
                }
                d.routes.push(route);
            }
            _ => {}
        }
    }
    for r in implied {
        if !d.routes.iter().any(|x| x.scheme == r.scheme) {
            d.routes.push(r);
        }
    }
    for label in CODE_LABELS {
        if country == Some(label.country) && !d.routes.iter().any(|r| r.scheme == label.scheme) && d.routes.iter().any(|r| label.any_of.contains(&r.scheme)) {
            d.routes.push(Route { scheme: label.scheme, role: RouteRole::Label, p2p: false, tag: None, guid: None, identifier: None, fields: Vec::new() });
        }
    }
    // Payable first, keeping payload order within each role.
    d.routes.sort_by_key(|r| r.role != RouteRole::Payable);
}

fn scheme_checks(check: Check, view: &MpmView<'_>, o: &DataObject<'_>, d: &mut Detection, route: &mut Route, errors: &mut Vec<Rejection>, now_ms: i64) {
    match check {
        Check::None => {}
        Check::Khqr => {
            // Tag 99: 00 creation and 01 expiration, 13-digit Unix milliseconds.
            let stamps = view.get(99);
            let mut read = |sub: u8, field: &'static str, name: &'static str| -> Option<i64> {
                let v = stamps?.sub(sub)?;
                route.fields.push(RouteField { name, value: v.to_owned() });
                if v.len() != 13 || !v.bytes().all(|b| b.is_ascii_digit()) {
                    errors.push(Rejection::InvalidTimestamp { field, value: v.to_owned(), expected: "13 digits of Unix milliseconds" });
                    return None;
                }
                v.parse().ok()
            };
            let _created = read(0, "99/00 creation", "creation_timestamp_ms");
            let expires = read(1, "99/01 expiration", "expiration_timestamp_ms");
            if d.initiation == Some(Initiation::Dynamic) {
                if d.amount.is_none() {
                    errors.push(Rejection::MissingField("amount (dynamic KHQR)"));
                }
                if stamps.and_then(|s| s.sub(1)).is_none() {
                    errors.push(Rejection::MissingExpiration { scheme: "KHQR" });
                }
            }
            if let Some(at) = expires {
                d.expires_at_ms = Some(at);
                if at <= now_ms {
                    errors.push(Rejection::Expired { expired_at_ms: at });
                }
            }
        }
        Check::PayNowExpiry => {
            let Some(v) = o.sub(4) else { return };
            match paynow_expiry_ms(v) {
                Some(at) => {
                    d.expires_at_ms = Some(at);
                    if at <= now_ms {
                        errors.push(Rejection::Expired { expired_at_ms: at });
                    }
                }
                None => errors.push(Rejection::InvalidTimestamp { field: "PayNow 04 expiry", value: v.to_owned(), expected: "YYYYMMDD or YYYYMMDDhhmmss" }),
            }
        }
    }
}

/// PayNow's `YYYYMMDD` (end of that day) or `YYYYMMDDhhmmss`, Singapore time (UTC+8), as Unix ms.
fn paynow_expiry_ms(v: &str) -> Option<i64> {
    if !(v.len() == 8 || v.len() == 14) || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| v[r].parse::<i64>().ok();
    let (y, m, day) = (n(0..4)?, n(4..6)?, n(6..8)?);
    let (h, min, s) = if v.len() == 14 { (n(8..10)?, n(10..12)?, n(12..14)?) } else { (23, 59, 59) };
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || min > 59 || s > 59 {
        return None;
    }
    let days = days_from_civil(y, m, day);
    Some(((days * 86_400 + h * 3600 + min * 60 + s) - 8 * 3600) * 1000)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paynow_dates_are_read_in_singapore_time() {
        // 2030-12-31 23:59:59 +08:00 = 2030-12-31 15:59:59 UTC.
        assert_eq!(paynow_expiry_ms("20301231"), Some(1_924_963_199_000));
        assert_eq!(paynow_expiry_ms("20240101000000"), Some(1_704_038_400_000));
        assert_eq!(paynow_expiry_ms("20241301"), None);
        assert_eq!(paynow_expiry_ms("2024-01-01"), None);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }
}
