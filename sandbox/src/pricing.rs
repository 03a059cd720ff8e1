//! What the host charges, published (`GET /v1/pricing`) and applied by quotes: a fee rule
//! per corridor (a percentage of what is sent, with a floor and a cap) and the FX margin.
//!
//! A flat fee is unfair at both ends: ¥50 is 46 % of a ₹60 chai and nothing on a ¥100,000
//! remittance. A percentage with a floor and a cap keeps small payments cheap, covers a
//! transfer's fixed cost, and bounds large ones. Floors and caps are set in JPY and converted
//! at the mid rate for wallets in other currencies (rounded down: in the customer's favour).

use koban_core::net::api;

use crate::error::ApiError;
use crate::fx;

/// A fee: `bps` of the send amount (rounded up to the minor unit), at least `min_jpy`, at
/// most `max_jpy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeRule {
    /// Percentage of the send amount, basis points.
    pub bps: i64,
    /// Floor, JPY.
    pub min_jpy: i64,
    /// Cap, JPY.
    pub max_jpy: i64,
}

impl FeeRule {
    /// The fee on sending `send_minor` of `currency`.
    pub fn fee(&self, send_minor: i64, currency: &str) -> Result<i64, ApiError> {
        let (min, max) = self.bounds(currency)?;
        let pct = (i128::from(send_minor.max(0)) * i128::from(self.bps) + fx::BPS - 1) / fx::BPS;
        let pct = i64::try_from(pct).map_err(|_| ApiError::BadRequest("amount too large".into()))?;
        Ok(pct.clamp(min, max.max(min)))
    }

    /// Floor and cap in `currency`.
    fn bounds(&self, currency: &str) -> Result<(i64, i64), ApiError> {
        Ok((fx::from_jpy(self.min_jpy, currency)?, fx::from_jpy(self.max_jpy, currency)?))
    }

    /// The rule as a quote and the price list show it, in `currency`.
    pub fn view(&self, currency: &str) -> Result<api::FeeRule, ApiError> {
        let (min, max) = self.bounds(currency)?;
        Ok(api::FeeRule {
            percent_bps: self.bps,
            min: api::Amount::new(min, currency),
            max: api::Amount::new(max, currency),
        })
    }
}

/// Paying a merchant abroad: 0.5 %, at least ¥1, at most ¥300 (plus the FX margin).
pub const MERCHANT_PAYMENT: FeeRule = FeeRule { bps: 50, min_jpy: 1, max_jpy: 300 };
/// Withdrawing to a linked bank: 0.1 %, at least ¥100, at most ¥300 (what a domestic bank
/// transfer costs).
pub const WITHDRAWAL: FeeRule = FeeRule { bps: 10, min_jpy: 100, max_jpy: 300 };
/// The most one withdrawal may take out, JPY (converted for other home currencies).
pub const MAX_WITHDRAWAL_JPY: i64 = 500_000;
/// FX margin on a foreign merchant payment, in basis points.
pub const MERCHANT_MARGIN_BPS: i128 = 150;
/// FX margin on a remittance, in basis points.
pub const REMITTANCE_MARGIN_BPS: i128 = 100;

/// A remittance corridor: from a home country to a destination, paid out in its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corridor {
    /// Sending wallet's country (ISO 3166-1 alpha-2).
    pub from: &'static str,
    /// Destination country.
    pub to: &'static str,
    /// Payout currency (ISO 4217).
    pub currency: &'static str,
    /// The fee.
    pub fee: FeeRule,
    /// Typical delivery time, seconds.
    pub eta_secs: i64,
}

const fn corridor(from: &'static str, to: &'static str, currency: &'static str, fee: FeeRule, eta: i64) -> Corridor {
    Corridor { from, to, currency, fee, eta_secs: eta }
}

/// 1 % of what is sent, at least ¥300, at most ¥2,000: the common rule out of Japan.
const FROM_JAPAN: FeeRule = FeeRule { bps: 100, min_jpy: 300, max_jpy: 2_000 };
/// Cheaper where payout is instant and domestic rails are cheap.
const INSTANT: FeeRule = FeeRule { bps: 80, min_jpy: 200, max_jpy: 1_500 };
/// The way back to Japan, from every other home country.
const TO_JAPAN: FeeRule = FeeRule { bps: 100, min_jpy: 250, max_jpy: 2_000 };

/// Every corridor the host serves.
pub const CORRIDORS: &[Corridor] = &[
    corridor("JP", "PH", "PHP", INSTANT, 15 * 60),
    corridor("JP", "TH", "THB", INSTANT, 30 * 60),
    corridor("JP", "VN", "VND", FROM_JAPAN, 60 * 60),
    corridor("JP", "IN", "INR", FROM_JAPAN, 2 * 60 * 60),
    corridor("JP", "ID", "IDR", FROM_JAPAN, 60 * 60),
    corridor("JP", "SG", "SGD", INSTANT, 15 * 60),
    corridor("JP", "MY", "MYR", INSTANT, 30 * 60),
    corridor("JP", "KH", "KHR", FROM_JAPAN, 4 * 60 * 60),
    corridor("JP", "CN", "CNY", FROM_JAPAN, 2 * 60 * 60),
    corridor("PH", "JP", "JPY", TO_JAPAN, 30 * 60),
    corridor("TH", "JP", "JPY", TO_JAPAN, 30 * 60),
    corridor("VN", "JP", "JPY", TO_JAPAN, 60 * 60),
    corridor("IN", "JP", "JPY", TO_JAPAN, 2 * 60 * 60),
    corridor("ID", "JP", "JPY", TO_JAPAN, 60 * 60),
    corridor("SG", "JP", "JPY", TO_JAPAN, 15 * 60),
    corridor("MY", "JP", "JPY", TO_JAPAN, 30 * 60),
    corridor("KH", "JP", "JPY", TO_JAPAN, 4 * 60 * 60),
];

/// The corridor from `from` to `to`, or why there is none.
pub fn corridor_between(from: &str, to: &str) -> Result<&'static Corridor, ApiError> {
    CORRIDORS.iter().find(|c| c.from == from && c.to == to).ok_or_else(|| {
        let tos: Vec<&str> = CORRIDORS.iter().filter(|c| c.from == from).map(|c| c.to).collect();
        ApiError::UnsupportedCorridor(if tos.is_empty() {
            format!("no remittance corridor from {from}")
        } else {
            format!("no remittance corridor from {from} to {to} (from {from}: {})", tos.join(", "))
        })
    })
}

/// The price list for a wallet in `currency`: corridors from `country` and the merchant rule.
pub fn price_list(country: Option<&str>, currency: &str) -> Result<api::PriceList, ApiError> {
    let corridors = CORRIDORS
        .iter()
        .filter(|c| country.is_none_or(|home| c.from == home))
        .map(|c| {
            Ok(api::CorridorPrice {
                from_country: c.from.to_owned(),
                to_country: c.to.to_owned(),
                currency: c.currency.to_owned(),
                fee: c.fee.view(currency)?,
                margin_bps: REMITTANCE_MARGIN_BPS as i64,
                delivery_estimate_secs: c.eta_secs,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(api::PriceList {
        currency: currency.to_owned(),
        withdrawal: api::WithdrawalPrice {
            fee: WITHDRAWAL.view(currency)?,
            max: api::Amount::new(fx::from_jpy(MAX_WITHDRAWAL_JPY, currency)?, currency),
        },
        merchant_payment: api::MerchantPaymentPrice {
            fee: MERCHANT_PAYMENT.view(currency)?,
            margin_bps: MERCHANT_MARGIN_BPS as i64,
        },
        corridors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_are_a_percentage_between_a_floor_and_a_cap() {
        // A ₹60 chai (¥106 at the mid rate) pays ¥1, not ¥50.
        assert_eq!(MERCHANT_PAYMENT.fee(106, "JPY").unwrap(), 1);
        // 0.5 % of ¥10,000 is ¥50; of ¥1,000,000 it would be ¥5,000, capped at ¥300.
        assert_eq!(MERCHANT_PAYMENT.fee(10_000, "JPY").unwrap(), 50);
        assert_eq!(MERCHANT_PAYMENT.fee(1_000_000, "JPY").unwrap(), 300);
        // Rounded up to the minor unit: 0.5 % of ¥101 is ¥0.505 → ¥1.
        assert_eq!(MERCHANT_PAYMENT.fee(101, "JPY").unwrap(), 1);
        // Out of Japan: floor ¥300, 1 % of ¥50,000 = ¥500, cap ¥2,000.
        assert_eq!(FROM_JAPAN.fee(10_000, "JPY").unwrap(), 300);
        assert_eq!(FROM_JAPAN.fee(50_000, "JPY").unwrap(), 500);
        assert_eq!(FROM_JAPAN.fee(900_000, "JPY").unwrap(), 2_000);
        // A peso wallet: floor ¥250 = ₱96.25, in centavos.
        assert_eq!(TO_JAPAN.fee(100, "PHP").unwrap(), 9_625);
    }

    #[test]
    fn every_corridor_has_rates_and_a_sane_rule() {
        for c in CORRIDORS {
            assert!(fx::supported(c.currency), "{c:?}");
            assert!(c.fee.min_jpy <= c.fee.max_jpy && c.fee.bps > 0, "{c:?}");
            assert_eq!(corridor_between(c.from, c.to).unwrap(), c);
        }
        assert!(corridor_between("JP", "JP").is_err());
        assert!(corridor_between("XX", "JP").is_err());
    }
}
