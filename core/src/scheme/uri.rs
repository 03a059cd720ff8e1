//! URI-shaped codes: UPI intents, Alipay, WeChat Pay, PayPay, QQ Wallet, BIP21.
//!
//! URI schemes and hosts compare case-insensitively (Alipay codes are seen in upper case).

use super::registry::{SchemeId, ALIPAY, BITCOIN, PAYPAY, QQWALLET, UPI, WECHATPAY};
use super::{
    field, simple_route, DetectError, Detection, Format, Presentment, ReferenceKind, Rejection, RouteRole, Warning,
};
use crate::money::{Currency, Money};
use std::borrow::Cow;

/// A URI split into its parts, borrowed from the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Uri<'a> {
    pub scheme: &'a str,
    pub host: &'a str,
    pub path: &'a str,
    pub query: &'a str,
}

impl<'a> Uri<'a> {
    pub fn parse(s: &'a str) -> Option<Uri<'a>> {
        let (scheme, rest) = s.split_once(':')?;
        if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
            return None;
        }
        let rest = rest.split('#').next().unwrap_or_default();
        let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (host, path) = match before_query.strip_prefix("//") {
            Some(auth) => auth.find('/').map_or((auth, ""), |i| (&auth[..i], &auth[i..])),
            None => ("", before_query),
        };
        Some(Uri { scheme, host, path, query })
    }

    /// Query parameters, percent-decoded, in order.
    pub fn params(&self) -> impl Iterator<Item = (Cow<'a, str>, Cow<'a, str>)> {
        self.query.split('&').filter(|p| !p.is_empty()).map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
    }

    pub fn param(&self, name: &str) -> Option<Cow<'a, str>> {
        self.params().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Query parameter `name` read as `application/x-www-form-urlencoded`: `+` is a space.
    pub fn form_param(&self, name: &str) -> Option<Cow<'a, str>> {
        self.query.split('&').filter(|p| !p.is_empty()).find_map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (form_decode(k) == name).then(|| form_decode(v))
        })
    }
}

/// Decodes a form-encoded component (WHATWG URL, "application/x-www-form-urlencoded parsing"):
/// every `+` becomes a space *before* `%XX` escapes are decoded, so `%2B` stays a plus.
pub(crate) fn form_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('+') {
        return percent_decode(s);
    }
    Cow::Owned(percent_decode(&s.replace('+', " ")).into_owned())
}

/// Decodes `%XX` escapes; invalid escapes are kept as written, invalid UTF-8 replaced.
pub(crate) fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = ((b[i + 1] as char).to_digit(16), (b[i + 2] as char).to_digit(16)) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

type Handler = fn(&Uri<'_>, &mut Detection) -> Result<(), DetectError>;

/// One kind of URI code.
struct UriRule {
    scheme: &'static str,
    /// Host, compared case-insensitively; "" for URIs without an authority.
    hosts: &'static [&'static str],
    path_prefix: &'static str,
    format: Format,
    id: SchemeId,
    presentment: Presentment,
    handler: Handler,
}

static URI_RULES: &[UriRule] = &[
    UriRule {
        scheme: "upi",
        hosts: &["pay"],
        path_prefix: "",
        format: Format::Upi,
        id: UPI,
        presentment: Presentment::P2p,
        handler: upi,
    },
    UriRule {
        scheme: "https",
        hosts: &["qr.alipay.com"],
        path_prefix: "/",
        format: Format::Alipay,
        id: ALIPAY,
        presentment: Presentment::Merchant,
        handler: token_from_path,
    },
    UriRule {
        scheme: "alipays",
        hosts: &["platformapi"],
        path_prefix: "/startapp",
        format: Format::Alipay,
        id: ALIPAY,
        presentment: Presentment::Merchant,
        handler: alipay_deep_link,
    },
    UriRule {
        scheme: "wxp",
        hosts: &[],
        path_prefix: "",
        format: Format::Wechat,
        id: WECHATPAY,
        presentment: Presentment::Merchant,
        handler: wechat_collect,
    },
    UriRule {
        scheme: "weixin",
        hosts: &["wxpay"],
        path_prefix: "/bizpayurl",
        format: Format::Wechat,
        id: WECHATPAY,
        presentment: Presentment::Merchant,
        handler: wechat_order,
    },
    UriRule {
        scheme: "https",
        hosts: &["qr.paypay.ne.jp", "qr-stg.sandbox.paypay.ne.jp"],
        path_prefix: "/",
        format: Format::Paypay,
        id: PAYPAY,
        presentment: Presentment::Merchant,
        handler: paypay_code,
    },
    UriRule {
        scheme: "paypay",
        hosts: &["payment"],
        path_prefix: "",
        format: Format::Paypay,
        id: PAYPAY,
        presentment: Presentment::Merchant,
        handler: paypay_deep_link,
    },
    UriRule {
        scheme: "https",
        hosts: &["i.qianbao.qq.com"],
        path_prefix: "/wallet/sqrcode.htm",
        format: Format::QqWallet,
        id: QQWALLET,
        presentment: Presentment::Merchant,
        handler: qq_wallet,
    },
    UriRule {
        scheme: "bitcoin",
        hosts: &[],
        path_prefix: "",
        format: Format::Bip21,
        id: BITCOIN,
        presentment: Presentment::Unknown,
        handler: bip21,
    },
];

pub(crate) fn detect(payload: &str, _now_ms: i64) -> Option<Result<Detection, DetectError>> {
    let uri = Uri::parse(payload)?;
    let rule = URI_RULES.iter().find(|r| {
        r.scheme.eq_ignore_ascii_case(uri.scheme)
            && (r.hosts.is_empty() || r.hosts.iter().any(|h| h.eq_ignore_ascii_case(uri.host)))
            && uri.path.get(..r.path_prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(r.path_prefix))
    })?;
    let mut d = Detection::new(rule.format, rule.presentment);
    Some((rule.handler)(&uri, &mut d).map(|()| {
        for r in &mut d.routes {
            r.scheme = rule.id;
        }
        d
    }))
}

fn malformed(format: &'static str, reason: impl Into<String>) -> DetectError {
    DetectError::Malformed { format, reason: reason.into() }
}

/// A route keyed by an opaque code token; `detect` stamps the rule's scheme on it.
fn token_route(d: &mut Detection, token: &str) {
    d.routes.push(simple_route(
        ALIPAY,
        RouteRole::Payable,
        Some(token.to_owned()),
        vec![super::RouteField { name: "token", value: token.to_owned() }],
    ));
}

fn token_from_path(uri: &Uri<'_>, d: &mut Detection) -> Result<(), DetectError> {
    let token = uri.path.trim_start_matches('/');
    if token.is_empty() {
        return Err(malformed("alipay", "no code token in the path"));
    }
    token_route(d, token);
    Ok(())
}

fn alipay_deep_link(uri: &Uri<'_>, d: &mut Detection) -> Result<(), DetectError> {
    let inner = uri.param("qrcode").ok_or_else(|| malformed("alipay", "deep link without a qrcode parameter"))?;
    let inner = Uri::parse(&inner)
        .filter(|u| u.host.eq_ignore_ascii_case("qr.alipay.com"))
        .ok_or_else(|| malformed("alipay", "qrcode parameter is not an Alipay code URL"))?;
    token_from_path(&inner, d)
}

fn wechat_collect(uri: &Uri<'_>, d: &mut Detection) -> Result<(), DetectError> {
    let token = format!("{}{}", uri.host, uri.path);
    if !token.starts_with("f2f") {
        return Err(malformed("wechat", "a wxp:// code must carry an f2f token"));
    }
    token_route(d, &token);
    Ok(())
}

fn wechat_order(uri: &Uri<'_>, d: &mut Detection) -> Result<(), DetectError> {
    let pr = uri.param("pr").filter(|p| !p.is_empty()).ok_or_else(|| malformed("wechat", "order code without pr"))?;
    token_route(d, &pr);
    Ok(())
}

fn paypay_code(uri: &Uri<'_>, d: &mut Detection) -> Result<(), DetectError> {
    let code = uri.path.trim_start_matches('/');
    if code.is_empty() {
        return Err(malformed("paypay", "no code in the path"));
    }
    if code.starts_with("p2p") {
        d.presentment = Presentment::P2p;
    }
    d.country = Some("JP".into());
    d.currency = Currency::from_alpha("JPY");
    d.routes.push(simple_route(
        PAYPAY,
        RouteRole::Payable,
        Some(code.to_owned()),
        vec![super::RouteField { name: "code", value: code.to_owned() }],
    ));
    Ok(())
}

fn paypay_deep_link(uri: &Uri<'_>, d: &mut Detection) -> Result<(), DetectError> {
    let link = uri.param("link_key").ok_or_else(|| malformed("paypay", "deep link without link_key"))?;
    let inner = Uri::parse(&link)
        .filter(|u| u.host.to_ascii_lowercase().ends_with("paypay.ne.jp"))
        .ok_or_else(|| malformed("paypay", "link_key is not a PayPay code URL"))?;
    paypay_code(&inner, d)
}

fn qq_wallet(uri: &Uri<'_>, d: &mut Detection) -> Result<(), DetectError> {
    let payee = uri.param("u").ok_or_else(|| malformed("qqwallet", "collect code without payee (u)"))?;
    let name = uri.param("n").map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    d.merchant = name.map(|n| super::Merchant { name: Some(n), ..Default::default() });
    d.routes.push(simple_route(QQWALLET, RouteRole::Payable, Some(payee.into_owned()), Vec::new()));
    Ok(())
}

/// UPI intent (NPCI linking specification; schemes.md §14): `pa` is mandatory.
///
/// Values are read as form-encoded (`+` is a space): UPI apps read intents with Android's
/// `Uri.getQueryParameter`, which decodes `+` as a space, and generators built on
/// `URLEncoder` or HTML forms write spaces that way; `%2B` is the only way to write a plus.
fn upi(uri: &Uri<'_>, d: &mut Detection) -> Result<(), DetectError> {
    let pa = uri.form_param("pa").filter(|p| !p.is_empty()).ok_or_else(|| malformed("upi", "no payee address (pa)"))?;
    if !pa.contains('@') {
        return Err(malformed("upi", format!("payee address {pa:?} is not a VPA (name@handle)")));
    }
    let inr = Currency::from_alpha("INR").expect("INR is in the table");
    d.country = Some("IN".into());
    d.currency = Some(inr);
    if let Some(cu) = uri.form_param("cu") {
        if !cu.eq_ignore_ascii_case("INR") {
            d.warnings.push(Warning::new("unexpected_currency", format!("UPI currency {cu:?} is not INR")));
        }
    }
    let mut errors = Vec::new();
    if let Some(am) = uri.form_param("am") {
        match Money::parse_decimal(&am, inr) {
            Ok(p) => d.amount = Some(p.money),
            Err(e) => errors.push(Rejection::InvalidAmount { value: am.into_owned(), reason: e.to_string() }),
        }
    }
    let mc = uri.form_param("mc");
    if let Some(m) = &mc {
        d.presentment = Presentment::Merchant;
        if m.len() != 4 || !m.bytes().all(|b| b.is_ascii_digit()) {
            d.warnings.push(Warning::new("invalid_mcc", format!("merchant category code {m:?} is not four digits")));
        }
    }
    let pn = uri.form_param("pn");
    if pn.is_some() || mc.is_some() {
        d.merchant = Some(super::Merchant {
            name: pn.as_deref().map(str::to_owned),
            mcc: mc.as_deref().map(str::to_owned),
            ..Default::default()
        });
    }
    for (key, kind) in [
        ("tr", ReferenceKind::ReferenceLabel),
        ("tn", ReferenceKind::Note),
        ("tid", ReferenceKind::TerminalLabel),
        ("purpose", ReferenceKind::Purpose),
    ] {
        if let Some(v) = uri.form_param(key) {
            d.references.push(super::Reference { kind, value: Some(v.into_owned()) });
        }
    }
    let mut fields = Vec::new();
    for key in ["pa", "pn", "mc", "tr", "tn", "mode", "tid", "url", "orgid", "sign"] {
        let name: &'static str = key;
        fields.extend(field(name, uri.form_param(key).as_deref()));
    }
    d.routes.push(super::Route {
        p2p: mc.is_none(),
        ..simple_route(UPI, RouteRole::Payable, Some(pa.into_owned()), fields)
    });
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DetectError::Rejected { reasons: errors, detection: Box::new(d.clone()) })
    }
}

/// BIP21: `bitcoin:<address>[?amount=…]`; an unknown `req-` parameter makes the URI unusable.
fn bip21(uri: &Uri<'_>, d: &mut Detection) -> Result<(), DetectError> {
    let address = uri.path;
    if address.is_empty() || !address.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(malformed("bip21", "no valid address"));
    }
    if let Some((k, _)) = uri.params().find(|(k, _)| k.starts_with("req-")) {
        return Err(malformed("bip21", format!("required parameter {k:?} is not understood")));
    }
    let mut fields = vec![super::RouteField { name: "address", value: address.to_owned() }];
    for key in ["amount", "label", "message"] {
        fields.extend(field(key, uri.param(key).as_deref()));
    }
    d.currency = Some(Currency::BTC);
    let mut errors = Vec::new();
    if let Some(am) = uri.param("amount") {
        match bip21_amount(&am) {
            Ok(Some(money)) => d.amount = Some(money),
            Ok(None) => d.warnings.push(Warning::new("zero_amount", "amount is zero; the payer enters the amount")),
            Err(reason) => errors.push(Rejection::InvalidAmount { value: am.into_owned(), reason }),
        }
    }
    d.routes.push(simple_route(BITCOIN, RouteRole::Payable, Some(address.to_owned()), fields));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DetectError::Rejected { reasons: errors, detection: Box::new(d.clone()) })
    }
}

/// A BIP21 amount: `*digit [ "." *digit ]` in decimal BTC, never commas (BIP21 "ABNF grammar"
/// and "Transfer amount/size"); `None` for zero. Bitcoin moves whole satoshis (10^-8 BTC), so
/// a non-zero digit past the eighth decimal cannot be paid exactly and is refused.
fn bip21_amount(text: &str) -> Result<Option<Money>, String> {
    // The grammar allows no digit before the point (".5"); Money wants one.
    let text: Cow<'_, str> = if text.starts_with('.') { Cow::Owned(format!("0{text}")) } else { Cow::Borrowed(text) };
    match Money::parse_decimal(&text, Currency::BTC) {
        Ok(p) => Ok(Some(p.money)),
        Err(crate::money::AmountError::Zero) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_uris_with_and_without_authority() {
        let u = Uri::parse("upi://pay?pa=a@b&am=1").unwrap();
        assert_eq!((u.scheme, u.host, u.path, u.query), ("upi", "pay", "", "pa=a@b&am=1"));
        let u = Uri::parse("bitcoin:175tW?amount=1#frag").unwrap();
        assert_eq!((u.host, u.path, u.query), ("", "175tW", "amount=1"));
        assert!(Uri::parse("no scheme here").is_none());
    }

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("Test%20Merchant"), "Test Merchant");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%E5%B1%B9"), "屹");
    }

    #[test]
    fn form_decoding_turns_plus_into_space_before_escapes() {
        // WHATWG URL, application/x-www-form-urlencoded parsing: replace `+` by a space,
        // then percent-decode; so `%2B` is the one way to write a plus.
        assert_eq!(form_decode("Sharma+General+Store"), "Sharma General Store");
        assert_eq!(form_decode("A%2BB"), "A+B");
        assert_eq!(form_decode("a+%2B+b"), "a + b");
        assert_eq!(form_decode("C%2B%2B++"), "C++  ");
        assert_eq!(form_decode("%2b"), "+");
        assert_eq!(form_decode("Test%20Merchant"), "Test Merchant");
        assert_eq!(form_decode("100%+off"), "100% off");
        let u = Uri::parse("upi://pay?pa=a@b&pn=Sharma+General+Store&tn=A%2BB+grade").unwrap();
        assert_eq!(u.form_param("pn").as_deref(), Some("Sharma General Store"));
        assert_eq!(u.form_param("tn").as_deref(), Some("A+B grade"));
        assert_eq!(u.form_param("mc"), None);
    }
}
