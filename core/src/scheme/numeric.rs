//! Numeric shopper payment codes (Alipay, WeChat Pay, UnionPay, Koban), as a till's scanner reads them.

use super::registry::NUMERIC_RULES;
use super::{simple_route, DetectError, Detection, Format, Presentment, RouteRole, Warning};

pub(crate) fn detect(payload: &str, _now_ms: i64) -> Option<Result<Detection, DetectError>> {
    let len = payload.len();
    // "00" opens every EMV payload (format indicator) and no payment-code issuer uses it.
    if !(16..=36).contains(&len) || payload.starts_with("00") || !payload.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix = (payload.as_bytes()[0] - b'0') * 10 + (payload.as_bytes()[1] - b'0');
    let mut d = Detection::new(Format::NumericPaycode, Presentment::Consumer);
    for rule in NUMERIC_RULES {
        if (rule.prefix.0..=rule.prefix.1).contains(&prefix) && (rule.len.0..=rule.len.1).contains(&len) {
            d.routes.push(simple_route(rule.scheme, RouteRole::Payable, Some(payload.to_owned()), Vec::new()));
        }
    }
    if d.routes.is_empty() {
        d.warnings.push(Warning::new("unknown_issuer", "a numeric payment code from an issuer Koban does not know"));
    }
    Some(Ok(d))
}
