//! Seeded mid-market rates and exact integer FX arithmetic.
//!
//! Rates are integers with [`RATE_SCALE`] (10^10): a rate `r` means `r / 10^10` major units
//! of the receive currency per major unit of the send currency. Rounding is always in the
//! provider's favour and documented on each function: receive amounts round down, send
//! amounts round up, to the currency's minor unit.

use koban_core::money::Currency;

use crate::error::ApiError;

/// Fixed-point scale of every rate.
pub const RATE_SCALE: i128 = 10_000_000_000;
/// Basis points in one.
pub const BPS: i128 = 10_000;
/// How long a quote can be executed.
pub const QUOTE_TTL_SECS: i64 = 60;

/// A seeded currency: mid-market value of one JPY in it.
struct Seed {
    alpha: &'static str,
    per_jpy: i128,
}

// Mid-market values of 1 JPY, scaled by RATE_SCALE. Demo figures, not live rates.
const SEEDS: &[Seed] = &[
    Seed { alpha: "JPY", per_jpy: 10_000_000_000 },
    Seed { alpha: "THB", per_jpy: 2_300_000_000 },
    Seed { alpha: "SGD", per_jpy: 88_000_000 },
    Seed { alpha: "IDR", per_jpy: 1_050_000_000_000 },
    Seed { alpha: "MYR", per_jpy: 305_000_000 },
    Seed { alpha: "PHP", per_jpy: 3_850_000_000 },
    Seed { alpha: "KHR", per_jpy: 272_000_000_000 },
    Seed { alpha: "USD", per_jpy: 66_000_000 },
    Seed { alpha: "VND", per_jpy: 1_680_000_000_000 },
    Seed { alpha: "INR", per_jpy: 5_650_000_000 },
    // The partner networks' own CNY mid (partners/src/fx.rs), so a quote and a network agree.
    Seed { alpha: "CNY", per_jpy: 480_000_000 },
];

fn seed(alpha: &str) -> Result<&'static Seed, ApiError> {
    SEEDS.iter().find(|s| s.alpha == alpha).ok_or_else(|| ApiError::UnsupportedCorridor(format!("no rate for {alpha}")))
}

/// The core's currency for a code the host holds a rate for.
pub fn currency(alpha: &str) -> Result<Currency, ApiError> {
    seed(alpha)?;
    Currency::from_alpha(alpha).ok_or_else(|| ApiError::UnsupportedCorridor(format!("unknown currency {alpha}")))
}

/// ISO 4217 exponent of a supported currency, from the core's table.
pub fn exponent(alpha: &str) -> Result<u32, ApiError> {
    Ok(u32::from(currency(alpha)?.exponent()))
}

/// Every currency the host holds a rate for.
pub fn currencies() -> impl Iterator<Item = &'static str> {
    SEEDS.iter().map(|s| s.alpha)
}

/// Whether the host holds a rate for this currency.
pub fn supported(alpha: &str) -> bool {
    seed(alpha).is_ok()
}

/// Mid-market rate from `from` to `to`, scaled by [`RATE_SCALE`], rounded down.
pub fn mid_rate(from: &str, to: &str) -> Result<i128, ApiError> {
    Ok(seed(to)?.per_jpy * RATE_SCALE / seed(from)?.per_jpy)
}

/// The customer rate: the mid rate less `margin_bps`, rounded down.
pub fn customer_rate(mid: i128, margin_bps: i128) -> i128 {
    mid * (BPS - margin_bps) / BPS
}

fn pow10(e: u32) -> i128 {
    10i128.pow(e)
}

/// Receive amount for a send amount at `rate`, rounded down to the receive minor unit.
pub fn convert_down(send_minor: i64, from: &str, to: &str, rate: i128) -> Result<i64, ApiError> {
    let (ef, et) = (exponent(from)?, exponent(to)?);
    let v = (send_minor as i128) * rate * pow10(et) / (RATE_SCALE * pow10(ef));
    i64::try_from(v).map_err(|_| ApiError::BadRequest("amount too large".into()))
}

/// Send amount needed to deliver `receive_minor` at `rate`, rounded up to the send minor unit.
pub fn convert_up(receive_minor: i64, from: &str, to: &str, rate: i128) -> Result<i64, ApiError> {
    let (ef, et) = (exponent(from)?, exponent(to)?);
    if rate <= 0 {
        return Err(ApiError::Internal("non-positive rate".into()));
    }
    let num = (receive_minor as i128) * RATE_SCALE * pow10(ef);
    let den = rate * pow10(et);
    let v = (num + den - 1) / den;
    i64::try_from(v).map_err(|_| ApiError::BadRequest("amount too large".into()))
}

/// A JPY amount expressed in `to` at the mid rate, rounded down (limits and fees).
pub fn from_jpy(jpy_minor: i64, to: &str) -> Result<i64, ApiError> {
    convert_down(jpy_minor, "JPY", to, mid_rate("JPY", to)?)
}

/// Formats a scaled rate as a decimal string with ten fractional digits.
pub fn format_rate(rate: i128) -> String {
    format!("{}.{:010}", rate / RATE_SCALE, rate % RATE_SCALE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_in_the_documented_direction() {
        let mid = mid_rate("JPY", "THB").unwrap();
        assert_eq!(mid, 2_300_000_000);
        assert_eq!(format_rate(mid), "0.2300000000");
        // ¥1,000 at 0.23 = THB 230.00 exactly.
        assert_eq!(convert_down(1000, "JPY", "THB", mid).unwrap(), 23_000);
        // ¥1 = THB 0.23; ¥3 = THB 0.69: THB 0.70 needs ¥3.04..., rounded up to ¥4.
        assert_eq!(convert_up(70, "JPY", "THB", mid).unwrap(), 4);
        assert_eq!(convert_up(69, "JPY", "THB", mid).unwrap(), 3);
        let cr = customer_rate(mid, 150);
        assert_eq!(cr, 2_265_500_000);
        // VND has no minor unit: ¥1,000 at 168 = ₫168,000.
        assert_eq!(convert_down(1000, "JPY", "VND", mid_rate("JPY", "VND").unwrap()).unwrap(), 168_000);
        assert!(mid_rate("JPY", "XXX").is_err());
    }
}
