//! The networks' FX: seeded mid rates, each network's margin, exact integer arithmetic.
//!
//! Rates are integers scaled by [`RATE_SCALE`] (10^10), as in the host's `fx`: a rate `r` is
//! `r / 10^10` major units of the user's currency per major unit of the merchant's. Every
//! rounding is in the network's favour: the user's debit rounds up, credits back round down.

use koban_core::money::Currency;

use crate::error::Refusal;

/// Fixed-point scale of every rate.
pub const RATE_SCALE: i128 = 10_000_000_000;
/// Basis points in one.
pub const BPS: i128 = 10_000;

// Mid-market value of 1 JPY in each currency, scaled by RATE_SCALE. Demo figures, not live rates.
const PER_JPY: &[(&str, i128)] = &[
    ("JPY", 10_000_000_000),
    ("CNY", 480_000_000),
    ("HKD", 520_000_000),
    ("KRW", 92_000_000_000),
    ("USD", 66_000_000),
];

fn per_jpy(alpha: &str) -> Result<i128, Refusal> {
    PER_JPY
        .iter()
        .find(|(a, _)| *a == alpha)
        .map(|(_, r)| *r)
        .ok_or_else(|| Refusal::CurrencyNotSupported(alpha.to_owned()))
}

/// Whether the networks hold a rate for this currency.
pub fn supported(alpha: &str) -> bool {
    per_jpy(alpha).is_ok()
}

/// ISO 4217 exponent of a supported currency, from the core's table.
pub fn exponent(alpha: &str) -> Result<u32, Refusal> {
    per_jpy(alpha)?;
    Currency::from_alpha(alpha)
        .map(|c| u32::from(c.exponent()))
        .ok_or_else(|| Refusal::CurrencyNotSupported(alpha.to_owned()))
}

/// Mid rate from `from` to `to`, rounded down.
pub fn mid_rate(from: &str, to: &str) -> Result<i128, Refusal> {
    Ok(per_jpy(to)? * RATE_SCALE / per_jpy(from)?)
}

/// The rate a network charges its user: the mid rate plus its margin, rounded up (more of the
/// user's currency per unit of the merchant's).
pub fn network_rate(mid: i128, margin_bps: i128) -> i128 {
    let num = mid * (BPS + margin_bps);
    (num + BPS - 1) / BPS
}

fn pow10(e: u32) -> i128 {
    10i128.pow(e)
}

/// What the user pays, in their currency's minor units, for `amount` of the merchant's at
/// `rate`: rounded up to the user's minor unit.
pub fn charge(amount: i64, from: &str, to: &str, rate: i128) -> Result<i64, Refusal> {
    let (ef, et) = (exponent(from)?, exponent(to)?);
    if rate <= 0 || amount < 0 {
        return Err(Refusal::Internal("non-positive rate or negative amount".into()));
    }
    let num = i128::from(amount) * rate * pow10(et);
    let den = RATE_SCALE * pow10(ef);
    i64::try_from((num + den - 1) / den).map_err(|_| Refusal::BadRequest("amount too large".into()))
}

/// The user's credit for a refund that brings the refunded total from `before` to `after` of a
/// payment of `amount` that took `user_amount` from them: the share `after / amount` of what
/// they paid, rounded down, less what earlier refunds returned. Partial refunds round in the
/// network's favour; the refund that completes the payment returns exactly what was taken.
pub fn refund_share(user_amount: i64, amount: i64, before: i64, after: i64) -> Result<i64, Refusal> {
    if amount <= 0 || before < 0 || after < before || after > amount {
        return Err(Refusal::Internal("refund share out of range".into()));
    }
    let share = |part: i64| i128::from(user_amount) * i128::from(part) / i128::from(amount);
    i64::try_from(share(after) - share(before)).map_err(|_| Refusal::Internal("refund share overflows".into()))
}

/// A scaled rate as a decimal string with ten fractional digits.
pub fn format_rate(rate: i128) -> String {
    format!("{}.{:010}", rate / RATE_SCALE, rate % RATE_SCALE)
}

/// Parses [`format_rate`]'s form back (the client reads rates from the wire).
pub fn parse_rate(s: &str) -> Option<i128> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || frac.len() > 10 || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: i128 = int.parse().ok()?;
    let frac_value: i128 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    Some(int * RATE_SCALE + frac_value * pow10(10 - frac.len() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_round_up_and_refunds_return_exactly_what_was_taken() {
        let mid = mid_rate("JPY", "CNY").unwrap();
        assert_eq!(format_rate(mid), "0.0480000000");
        let rate = network_rate(mid, 30);
        assert_eq!(format_rate(rate), "0.0481440000");
        assert_eq!(parse_rate(&format_rate(rate)), Some(rate));
        // ¥1,200 × 0.048144 = 57.7728 CNY, rounded up to 57.78.
        assert_eq!(charge(1200, "JPY", "CNY", rate).unwrap(), 5778);
        // KRW has no minor unit: ¥1,200 × 9.2276 = 11,073.12 → ₩11,074.
        let krw = network_rate(mid_rate("JPY", "KRW").unwrap(), 30);
        assert_eq!(charge(1200, "JPY", "KRW", krw).unwrap(), 11_074);
        // Refund ¥400 then ¥800 of ¥1,200 paid with 57.78 CNY: 19.26 then the rest, 38.52.
        assert_eq!(refund_share(5778, 1200, 0, 400).unwrap(), 1926);
        assert_eq!(refund_share(5778, 1200, 400, 1200).unwrap(), 3852);
        // ¥1 of ¥1,200: 0.048 CNY rounds down to 0.04.
        assert_eq!(refund_share(5778, 1200, 0, 1).unwrap(), 4);
        assert!(refund_share(5778, 1200, 0, 1201).is_err());
        assert!(mid_rate("JPY", "XXX").is_err());
        assert_eq!(parse_rate("1"), Some(RATE_SCALE));
        assert_eq!(parse_rate("x.1"), None);
    }
}
