//! The networks' timestamp forms, in China Standard Time (UTC+8) as the networks stamp them:
//! ISO 8601 with offset for Alipay+, `yyyyMMddHHmmss` for WeChat Pay and UnionPay.

use koban_core::calendar::{civil_from_days, days_from_civil};

const OFFSET_SECS: i64 = 8 * 3600;

fn parts(unix: i64) -> (i64, i64, i64, i64, i64, i64) {
    let local = unix + OFFSET_SECS;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let s = local.rem_euclid(86_400);
    (y, m, d, s / 3600, s % 3600 / 60, s % 60)
}

/// `2026-07-14T12:01:01+08:00`.
pub fn iso8601(unix: i64) -> String {
    let (y, m, d, hh, mm, ss) = parts(unix);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}+08:00")
}

/// `20260714120101` (UTC+8).
pub fn compact(unix: i64) -> String {
    let (y, m, d, hh, mm, ss) = parts(unix);
    format!("{y:04}{m:02}{d:02}{hh:02}{mm:02}{ss:02}")
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn to_unix(y: i64, m: i64, d: i64, hh: i64, mm: i64, ss: i64, offset: i64) -> Option<i64> {
    let valid = (1..=12).contains(&m) && (1..=31).contains(&d) && hh < 24 && mm < 60 && ss < 61;
    valid.then(|| days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss - offset)
}

/// Parses [`compact`]'s form (UTC+8) back to Unix seconds.
pub fn parse_compact(s: &str) -> Option<i64> {
    if s.len() != 14 {
        return None;
    }
    let f = |a: usize, b: usize| s.get(a..b).and_then(num);
    to_unix(f(0, 4)?, f(4, 6)?, f(6, 8)?, f(8, 10)?, f(10, 12)?, f(12, 14)?, OFFSET_SECS)
}

/// Parses an ISO 8601 time with a `±hh:mm` offset or `Z` back to Unix seconds.
pub fn parse_iso8601(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b.get(4) != Some(&b'-') || b.get(10) != Some(&b'T') {
        return None;
    }
    let f = |a: usize, e: usize| s.get(a..e).and_then(num);
    let offset = match &s[19..] {
        "Z" => 0,
        tz if tz.len() == 6 && (tz.starts_with('+') || tz.starts_with('-')) => {
            let v = f(20, 22)? * 3600 + f(23, 25)? * 60;
            if tz.starts_with('-') {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    to_unix(f(0, 4)?, f(5, 7)?, f(8, 10)?, f(11, 13)?, f(14, 16)?, f(17, 19)?, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_round_trip_in_china_time() {
        let t = 1_784_000_000; // 2026-07-14T03:33:20Z
        assert_eq!(iso8601(t), "2026-07-14T11:33:20+08:00");
        assert_eq!(compact(t), "20260714113320");
        assert_eq!(parse_iso8601(&iso8601(t)), Some(t));
        assert_eq!(parse_compact(&compact(t)), Some(t));
        assert_eq!(parse_iso8601("2026-07-14T03:33:20Z"), Some(t));
        assert_eq!(parse_iso8601("2026-07-14T12:33:20+09:00"), Some(t));
        assert_eq!(parse_compact("2026071411332x"), None);
        assert_eq!(parse_iso8601("2026-07-14 11:33:20"), None);
    }
}
