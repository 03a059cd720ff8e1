//! Reading what people type: host URLs, country and currency codes, amounts. Each refusal
//! says what is wrong and what would be right.

use koban_core::money::{Currency, Money};

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
    fn amounts_are_positive_or_an_explicit_zero() {
        let jpy = currency("JPY").unwrap();
        assert_eq!(amount("1200", jpy).unwrap().minor(), 1200);
        assert_eq!(amount("-100", jpy).unwrap_err(), "amount -100: the amount must be positive");
        assert!(amount("0", jpy).is_err());
        assert_eq!(amount_or_zero("0", jpy).unwrap().minor(), 0);
        assert!(amount_or_zero("-0", jpy).is_err());
    }
}
