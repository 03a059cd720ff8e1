//! Reading what people type: host URLs, country and currency codes, amounts. Each refusal
//! says what is wrong and what would be right.

use koban_core::money::{Currency, Money};
use koban_core::scheme::ReferenceKind;

/// The host's base URL from `--host`. `koban sandbox` prints a full URL, but people type
/// `127.0.0.1:40123`: without a scheme a loopback host is taken as `http://` (the sandbox
/// speaks plain HTTP) and any other as `https://` (a real host speaks TLS).
pub fn host_url(raw: &str) -> Result<String, String> {
    let raw = raw.trim().trim_end_matches('/');
    if raw.is_empty() {
        return Err("--host is empty: give the host's URL, e.g. http://127.0.0.1:40123".into());
    }
    let not_a_url = |e: &dyn std::fmt::Display| {
        format!("--host {raw:?} is not a URL ({e}); give e.g. http://127.0.0.1:40123 or https://wallet.example")
    };
    let url = if raw.contains("://") {
        reqwest::Url::parse(raw).map_err(|e| not_a_url(&e))?
    } else {
        let plain = reqwest::Url::parse(&format!("http://{raw}")).map_err(|e| not_a_url(&e))?;
        let host = plain.host_str().unwrap_or_default();
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if loopback {
            plain
        } else {
            reqwest::Url::parse(&format!("https://{raw}")).map_err(|e| not_a_url(&e))?
        }
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("--host {raw:?}: the scheme must be http:// or https://, not {}://", url.scheme()));
    }
    if url.host().is_none() {
        return Err(not_a_url(&"no host name"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A country code as the host wants it: ISO 3166-1 alpha-2, upper case ("ph" → "PH").
pub fn country(raw: &str) -> Result<String, String> {
    let code = raw.trim().to_ascii_uppercase();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(format!("country {raw:?}: give a two-letter code such as JP, PH or TH"));
    }
    Ok(code)
}

/// A currency by its ISO 4217 code, in either case ("jpy" → JPY).
pub fn currency(raw: &str) -> Result<Currency, String> {
    Currency::from_alpha(&raw.trim().to_ascii_uppercase())
        .ok_or_else(|| format!("currency {raw:?}: give a three-letter ISO 4217 code such as JPY or THB"))
}

/// A positive amount in `currency`'s units ("1200" yen, "12.50" baht).
pub fn amount(raw: &str, currency: Currency) -> Result<Money, String> {
    let s = raw.trim();
    if s.starts_with('-') {
        return Err(format!("amount {s}: the amount must be positive"));
    }
    Money::parse_decimal(s, currency).map(|p| p.money).map_err(|e| format!("amount {s:?}: {e}"))
}

/// An amount that may be zero (a limit, an opening balance).
pub fn amount_or_zero(raw: &str, currency: Currency) -> Result<Money, String> {
    let s = raw.trim();
    if !s.is_empty() && s.chars().all(|c| c == '0' || c == '.') && s.starts_with('0') {
        return Ok(Money::zero(currency));
    }
    amount(s, currency)
}

/// The references a payer may type for a code that asks for one (`***`), by their names.
pub const REFERENCE_KINDS: [ReferenceKind; 8] = [
    ReferenceKind::BillNumber,
    ReferenceKind::MobileNumber,
    ReferenceKind::StoreLabel,
    ReferenceKind::LoyaltyNumber,
    ReferenceKind::ReferenceLabel,
    ReferenceKind::CustomerLabel,
    ReferenceKind::TerminalLabel,
    ReferenceKind::Purpose,
];

/// A reference kind's name: the core's own spelling (`bill_number`, `store_label`, …).
pub fn reference_name(kind: ReferenceKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_else(|| format!("{kind:?}"))
}

/// A reference from `--reference KIND=VALUE`, e.g. `bill_number=INV-7`.
pub fn reference(raw: &str) -> Result<(ReferenceKind, String), String> {
    let names = || REFERENCE_KINDS.iter().map(|k| reference_name(*k)).collect::<Vec<_>>().join(", ");
    let (kind, value) =
        raw.split_once('=').ok_or_else(|| format!("--reference {raw:?}: give KIND=VALUE, e.g. bill_number=INV-7"))?;
    let kind = kind.trim().to_ascii_lowercase().replace('-', "_");
    let kind = REFERENCE_KINDS
        .into_iter()
        .find(|k| reference_name(*k) == kind)
        .ok_or_else(|| format!("--reference {raw:?}: the kind must be one of {}", names()))?;
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("--reference {raw:?}: the value is empty"));
    }
    Ok((kind, value.to_owned()))
}

/// A share of a split bill from `--share HANDLE=AMOUNT`, in `currency`'s units.
pub fn share(raw: &str, currency: Currency) -> Result<(String, Money), String> {
    let (handle, value) =
        raw.split_once('=').ok_or_else(|| format!("--share {raw:?}: give HANDLE=AMOUNT, e.g. @ben=4000"))?;
    Ok((handle.trim().to_owned(), amount(value, currency)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_without_scheme_is_accepted_or_explained() {
        assert_eq!(host_url("127.0.0.1:40123").unwrap(), "http://127.0.0.1:40123");
        assert_eq!(host_url("localhost:8080/").unwrap(), "http://localhost:8080");
        assert_eq!(host_url("[::1]:8080").unwrap(), "http://[::1]:8080");
        assert_eq!(host_url("wallet.example").unwrap(), "https://wallet.example");
        assert_eq!(host_url("http://127.0.0.1:40123/").unwrap(), "http://127.0.0.1:40123");
        assert!(host_url("ftp://x").unwrap_err().contains("must be http:// or https://"));
        assert!(host_url("").unwrap_err().contains("--host is empty"));
        assert!(host_url("127.0.0.1:notaport").unwrap_err().contains("is not a URL"));
    }

    #[test]
    fn codes_in_any_case() {
        assert_eq!(country(" ph ").unwrap(), "PH");
        assert!(country("phl").unwrap_err().contains("two-letter"));
        assert_eq!(currency("jpy").unwrap().alpha(), "JPY");
        assert!(currency("yen").unwrap_err().contains("three-letter"));
    }

    #[test]
    fn references_and_shares_by_name() {
        assert_eq!(reference("bill_number=INV-7").unwrap(), (ReferenceKind::BillNumber, "INV-7".into()));
        assert_eq!(reference("Store-Label= A1 ").unwrap(), (ReferenceKind::StoreLabel, "A1".into()));
        assert!(reference("bill_number").unwrap_err().contains("KIND=VALUE"));
        assert!(reference("note=x").unwrap_err().contains("one of bill_number, mobile_number"));
        assert!(reference("purpose=").unwrap_err().contains("empty"));
        let jpy = currency("JPY").unwrap();
        assert_eq!(share("@ben=4000", jpy).unwrap(), ("@ben".into(), Money::from_minor(4000, jpy)));
        assert!(share("ben", jpy).unwrap_err().contains("HANDLE=AMOUNT"));
    }

    #[test]
    fn amounts_are_positive_or_an_explicit_zero() {
        let jpy = currency("JPY").unwrap();
        assert_eq!(amount("1200", jpy).unwrap().minor(), 1200);
        assert_eq!(amount("-100", jpy).unwrap_err(), "amount -100: the amount must be positive");
        assert!(amount("0", jpy).is_err());
        assert_eq!(amount_or_zero("0", jpy).unwrap().minor(), 0);
        assert!(amount_or_zero("-0", jpy).is_err());
    }
}
