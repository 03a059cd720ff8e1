//! Merchant-presented EMV codes: from a validated TLV view to a [`Detection`], via the registry.
//!
//! Hot path: each template's children are parsed once into a stack array and every rule
//! is matched against that; the only allocations are the owned strings of the result.

use super::registry::{
    Check, Cond, Extract, Layout, Matcher, P2p, TemplateRule, CODE_LABELS, DOMESTIC_CURRENCY, PRIMITIVE_RULES,
    TEMPLATE_RULES,
};
use super::{
    CrcStatus, DetectError, Detection, Format, Merchant, Presentment, Reference, ReferenceKind, Rejection, Route,
    RouteField, RouteRole, Warning,
};
use crate::emv::{AlternateLanguage, Children, CrcCheck, Initiation, MpmError, MpmView, Tip};
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

fn tag_path(tag: u8) -> String {
    format!("{tag:02}")
}

/// Format indicator, empty root values, duplicates and the CRC.
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
            errors.push(Rejection::DuplicateTag { tag: tag_path(o.tag) });
        }
        if o.value.is_empty() {
            errors.push(Rejection::EmptyValue { tag: tag_path(o.tag) });
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

/// Initiation, currency, amount, tip, country, merchant and references.
fn root_fields(view: &MpmView<'_>, d: &mut Detection, errors: &mut Vec<Rejection>) {
    if let Some(v) = view.value(1) {
        match Initiation::from_code(v) {
            Some(i) => d.initiation = Some(i),
            None => errors.push(Rejection::InvalidPointOfInitiation(v.to_owned())),
        }
    }
    d.country = view.value(58).map(str::to_owned);
    if d.country.is_none() {
        d.warnings.push(Warning::new("missing_country", "no country code (tag 58)"));
    }
    match view.value(53) {
        None => d.warnings.push(Warning::new("missing_currency", "no transaction currency (tag 53)")),
        Some(code) => match Currency::from_numeric_str(code) {
            Some(c) => d.currency = Some(c),
            None => d.warnings.push(Warning::new(
                "unknown_currency",
                format!("currency {code:?} is not an ISO 4217 code Koban knows"),
            )),
        },
    }
    if let (Some(country), Some(currency)) = (view.value(58), d.currency) {
        for (c, expected, scheme) in DOMESTIC_CURRENCY {
            if country == *c && currency.alpha() != *expected {
                errors.push(Rejection::CurrencyMismatch { scheme, expected, found: currency.alpha().to_owned() });
            }
        }
    }
    if let Some(text) = view.value(54) {
        match d.currency {
            None => errors.push(Rejection::InvalidAmount {
                value: text.to_owned(),
                reason: "no known currency to read it in".into(),
            }),
            Some(currency) => match Money::parse_decimal(text, currency) {
                Ok(parsed) => {
                    if parsed.has_excess_decimals() {
                        d.warnings.push(Warning::new(
                            "amount_decimals",
                            format!("amount {text:?} has more decimals than {currency} uses"),
                        ));
                    }
                    d.amount = Some(parsed.money);
                }
                Err(AmountError::Zero) => {
                    d.warnings.push(Warning::new("zero_amount", "amount is zero; the payer enters the amount"))
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
    if let Some(n) = name.map(|n| n.chars().count()).filter(|n| *n > 25) {
        d.warnings
            .push(Warning::new("merchant_name_too_long", format!("merchant name is {n} characters (EMVCo allows 25)")));
    }
    let city = view.value(60);
    if let Some(n) = city.map(|c| c.chars().count()).filter(|n| *n > 15) {
        d.warnings
            .push(Warning::new("merchant_city_too_long", format!("merchant city is {n} characters (EMVCo allows 15)")));
    }
    let alternate = view.get(64).map(|o| {
        let kids = o.parse_children();
        empty_children(64, &kids, errors);
        AlternateLanguage {
            language: kids.get(0).unwrap_or_default().to_owned(),
            name: kids.get(1).unwrap_or_default().to_owned(),
            city: kids.get(2).map(str::to_owned),
        }
    });
    // EMVCo makes 52, 59 and 60 mandatory; PromptPay transfers and others leave them out.
    for (tag, code, message) in [
        (52, "missing_mcc", "no merchant category code (tag 52), which EMVCo makes mandatory"),
        (59, "missing_merchant_name", "no merchant name (tag 59), which EMVCo makes mandatory"),
        (60, "missing_merchant_city", "no merchant city (tag 60), which EMVCo makes mandatory"),
    ] {
        if view.value(tag).is_none() {
            d.warnings.push(Warning::new(code, message));
        }
    }
    let postal = view.value(61);
    if name.is_some() || city.is_some() || mcc.is_some() || alternate.is_some() || postal.is_some() {
        d.merchant = Some(Merchant {
            name: name.map(str::to_owned),
            city: city.map(str::to_owned),
            postal_code: postal.map(str::to_owned),
            mcc: mcc.map(str::to_owned),
            alternate,
        });
    }
    if let Some(add) = view.get(62) {
        let kids = add.parse_children();
        empty_children(62, &kids, errors);
        for c in kids.iter() {
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

fn empty_children(tag: u8, kids: &Children<'_>, errors: &mut Vec<Rejection>) {
    for c in kids.iter().filter(|c| c.value.is_empty()) {
        errors.push(Rejection::EmptyValue { tag: format!("{tag:02}/{:02}", c.tag) });
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
        warnings.push(Warning::new(
            "invalid_tip",
            format!("tip or convenience indicator {indicator:?} lacks a valid value; ignored"),
        ));
    }
    tip
}

/// What a rule is matched against: one template, read once.
struct Template<'k, 'a> {
    tag: u8,
    kids: &'k Children<'a>,
    guid: Option<&'a str>,
}

fn matches(rule: &TemplateRule, t: &Template<'_, '_>, country: Option<&str>, mcc: Option<&str>) -> bool {
    if t.tag < rule.tags.0 || t.tag > rule.tags.1 {
        return false;
    }
    if rule.country.is_some_and(|c| country != Some(c)) || rule.mcc.is_some_and(|m| mcc != Some(m)) {
        return false;
    }
    if !rule.requires_any.is_empty() && !rule.requires_any.iter().any(|s| t.kids.get(*s).is_some()) {
        return false;
    }
    match rule.matcher {
        Matcher::Guid(g) => t.guid.is_some_and(|v| v.eq_ignore_ascii_case(g)),
        Matcher::GuidPrefix(p) => {
            t.guid.is_some_and(|v| v.get(..p.len()).is_some_and(|head| head.eq_ignore_ascii_case(p)))
        }
        Matcher::AccountWithAt => t.guid.is_some_and(|v| v.contains('@')),
        Matcher::Digits(n) => t.guid.is_some_and(|v| v.len() == n && v.bytes().all(|b| b.is_ascii_digit())),
        Matcher::SubPrefix(sub, prefix) => t.kids.get(sub).is_some_and(|v| v.starts_with(prefix)),
        Matcher::Any => true,
    }
}

fn extract(rule: &TemplateRule, t: &Template<'_, '_>) -> Vec<RouteField> {
    let mut fields = Vec::with_capacity(rule.fields.len());
    for f in rule.fields {
        let (value, name) = match *f {
            Extract::Sub(sub, name) => (t.kids.get(sub), name),
            Extract::Nested(sub, inner, name) => {
                let nested = t.kids.iter().find(|c| c.tag == sub);
                (nested.and_then(|n| n.parse_children().get(inner)), name)
            }
        };
        if let Some(v) = value {
            fields.push(RouteField { name, value: v.to_owned() });
        }
    }
    fields
}

fn cond_holds(cond: &Cond, kids: &Children<'_>) -> bool {
    match *cond {
        Cond::Always => true,
        Cond::SubPrefix(sub, p) => kids.get(sub).is_some_and(|v| v.starts_with(p)),
        Cond::SubEquals(sub, v) => kids.get(sub) == Some(v),
    }
}

fn primitive_route(tag: u8, value: &str, country: Option<&str>) -> Option<Route> {
    let rule = PRIMITIVE_RULES
        .iter()
        .find(|r| (r.tags.0..=r.tags.1).contains(&tag) && r.country.is_none_or(|c| country == Some(c)))?;
    let mut fields = Vec::with_capacity(4);
    match rule.layout {
        Layout::Whole(name) => fields.push(RouteField { name, value: value.to_owned() }),
        Layout::Split(whole, parts) => {
            fields.push(RouteField { name: whole, value: value.to_owned() });
            if value.is_ascii() && value.len() == parts.iter().map(|p| p.0).sum::<usize>() {
                let mut at = 0;
                for (len, name) in parts {
                    fields.push(RouteField { name, value: value[at..at + len].to_owned() });
                    at += len;
                }
            }
        }
    }
    Some(Route {
        scheme: rule.scheme,
        role: rule.role,
        p2p: false,
        tag: Some(tag),
        guid: None,
        identifier: Some(value.to_owned()),
        fields,
    })
}

/// Every account object through the registry, in payload order; implied and code-level labels last.
fn routes(view: &MpmView<'_>, d: &mut Detection, errors: &mut Vec<Rejection>, now_ms: i64) {
    let country = view.value(58);
    let mcc = view.value(52);
    let mut implied: Vec<Route> = Vec::new();
    d.routes.reserve(view.objects().iter().filter(|o| matches!(o.tag, 2..=51)).count() + 1);
    for o in view.objects() {
        if (2..=25).contains(&o.tag) {
            d.routes.extend(primitive_route(o.tag, o.value, country));
            continue;
        }
        if !matches!(o.tag, 26..=51 | 80..=99) {
            continue;
        }
        let kids = o.parse_children();
        // Raw values in the unreserved range (DuitNow's 82, TrueMoney's 81) are not templates.
        if !kids.is_complete() {
            continue;
        }
        empty_children(o.tag, &kids, errors);
        let t = Template { tag: o.tag, kids: &kids, guid: kids.get(0) };
        if let Some(len) = t.guid.map(|g| g.chars().count()).filter(|len| *len > 32) {
            errors.push(Rejection::GuidTooLong { tag: tag_path(o.tag), len });
        }
        let Some(rule) = TEMPLATE_RULES.iter().find(|r| matches(r, &t, country, mcc)) else { continue };
        let Some(role) = rule.role else { continue };
        let fields = extract(rule, &t);
        let identifier =
            rule.identifier.iter().find_map(|id| fields.iter().find(|f| f.name == *id)).map(|f| f.value.clone());
        let p2p = match rule.p2p {
            P2p::Never => false,
            P2p::Always => true,
            P2p::AtTag(tag) => o.tag == tag,
            P2p::SubIn(sub, values) => kids.get(sub).is_some_and(|v| values.contains(&v)),
        };
        let mut route = Route {
            scheme: rule.scheme,
            role,
            p2p,
            tag: Some(o.tag),
            guid: t.guid.map(str::to_owned),
            identifier,
            fields,
        };
        scheme_checks(rule.check, view, &kids, d, &mut route, errors, now_ms);
        for (scheme, cond) in rule.implies {
            if cond_holds(cond, &kids) {
                implied.push(Route { scheme: *scheme, ..route.clone() });
            }
        }
        d.routes.push(route);
    }
    for r in implied {
        if !d.routes.iter().any(|x| x.scheme == r.scheme) {
            d.routes.push(r);
        }
    }
    for label in CODE_LABELS {
        let applies = country == Some(label.country)
            && !d.routes.iter().any(|r| r.scheme == label.scheme)
            && d.routes.iter().any(|r| label.any_of.contains(&r.scheme));
        if applies {
            d.routes.push(Route {
                scheme: label.scheme,
                role: RouteRole::Label,
                p2p: false,
                tag: None,
                guid: None,
                identifier: None,
                fields: Vec::new(),
            });
        }
    }
    // Payable first, keeping payload order within each role.
    d.routes.sort_by_key(|r| r.role != RouteRole::Payable);
}

fn scheme_checks(
    check: Check,
    view: &MpmView<'_>,
    kids: &Children<'_>,
    d: &mut Detection,
    route: &mut Route,
    errors: &mut Vec<Rejection>,
    now_ms: i64,
) {
    match check {
        Check::None => {}
        Check::Khqr => {
            // Tag 99: 00 creation and 01 expiration, 13-digit Unix milliseconds.
            let stamps = view.get(99).map(|o| o.parse_children());
            let mut read = |sub: u8, field: &'static str, name: &'static str| -> Option<i64> {
                let v = stamps.as_ref()?.get(sub)?;
                route.fields.push(RouteField { name, value: v.to_owned() });
                if v.len() != 13 || !v.bytes().all(|b| b.is_ascii_digit()) {
                    errors.push(Rejection::InvalidTimestamp {
                        field,
                        value: v.to_owned(),
                        expected: "13 digits of Unix milliseconds",
                    });
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
                if stamps.as_ref().and_then(|s| s.get(1)).is_none() {
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
            let Some(v) = kids.get(4) else { return };
            match paynow_expiry_ms(v) {
                Some(at) => {
                    d.expires_at_ms = Some(at);
                    if at <= now_ms {
                        errors.push(Rejection::Expired { expired_at_ms: at });
                    }
                }
                None => errors.push(Rejection::InvalidTimestamp {
                    field: "PayNow 04 expiry",
                    value: v.to_owned(),
                    expected: "YYYYMMDD or YYYYMMDDhhmmss",
                }),
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
    let days = crate::calendar::days_from_civil(y, m, day);
    Some(((days * 86_400 + h * 3600 + min * 60 + s) - 8 * 3600) * 1000)
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
    }
}
