//! Money across the boundary: amounts as integer minor units plus an ISO 4217 alpha code.
//!
//! Apps never see floating point: they format with [`money_format`] and read what the user
//! typed with [`money_parse_decimal`], both exact.

use koban_core::money as core;

use crate::KobanError;

/// An amount: integer minor units (yen, satang, cents…) of one ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Money {
    /// The amount in minor units; negative for debits.
    pub minor: i64,
    /// The ISO 4217 alpha code, e.g. "JPY".
    pub currency: String,
}

/// One ISO 4217 currency as Koban knows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Currency {
    /// Alpha code, e.g. "THB".
    pub alpha: String,
    /// Numeric code, e.g. 764.
    pub numeric: i32,
    /// Digits after the decimal point of the minor unit (JPY 0, THB 2, KWD 3).
    pub exponent: i32,
    /// English name from ISO 4217.
    pub name: String,
    /// Display symbol ("฿", "¥"), or the alpha code where none is unambiguous.
    pub symbol: String,
}

impl From<core::Currency> for Currency {
    fn from(c: core::Currency) -> Self {
        Currency {
            alpha: c.alpha().to_owned(),
            numeric: i32::from(c.numeric()),
            exponent: i32::from(c.exponent()),
            name: c.name().to_owned(),
            symbol: c.symbol().to_owned(),
        }
    }
}

impl From<core::Money> for Money {
    fn from(m: core::Money) -> Self {
        Money { minor: m.minor(), currency: m.currency().alpha().to_owned() }
    }
}

impl TryFrom<&Money> for core::Money {
    type Error = KobanError;
    fn try_from(m: &Money) -> Result<Self, KobanError> {
        Ok(core::Money::from_minor(m.minor, core_currency(&m.currency)?))
    }
}

/// The core currency for an alpha or three-digit numeric code.
pub(crate) fn core_currency(code: &str) -> Result<core::Currency, KobanError> {
    Ok(core::Currency::parse(code)?)
}

/// Looks a currency up by alpha code ("jpy" works too) or three-digit numeric code ("392").
#[uniffi::export]
pub fn currency_lookup(code: String) -> Result<Currency, KobanError> {
    core_currency(&code).map(Currency::from)
}

/// Every currency Koban knows, in alpha order.
#[uniffi::export]
pub fn currencies() -> Vec<Currency> {
    core::Currency::all().map(Currency::from).collect()
}

/// The amount for people: symbol, thousands separators, the currency's decimals ("¥30,000", "฿1,234.50").
#[uniffi::export]
pub fn money_format(money: Money) -> Result<String, KobanError> {
    Ok(core::Money::try_from(&money)?.format())
}

/// The amount as a plain decimal with exactly the currency's decimals ("98.73", "40123"), for amount fields.
#[uniffi::export]
pub fn money_to_decimal(money: Money) -> Result<String, KobanError> {
    Ok(core::Money::try_from(&money)?.to_decimal_string())
}

/// Reads a positive decimal amount typed by the user ("98", "98.", "98.73") exactly in `currency`.
///
/// Refuses signs, exponents, grouping commas, zero, and non-zero digits beyond the
/// currency's decimals with [`KobanError::InvalidAmount`] saying which.
#[uniffi::export]
pub fn money_parse_decimal(text: String, currency: String) -> Result<Money, KobanError> {
    let currency = core_currency(&currency)?;
    Ok(core::Money::parse_decimal(&text, currency)?.money.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64, currency: &str) -> Money {
        Money { minor, currency: currency.into() }
    }

    #[test]
    fn formats_like_the_core() {
        assert_eq!(money_format(money(30000, "JPY")).unwrap(), "¥30,000");
        assert_eq!(money_format(money(123450, "THB")).unwrap(), "฿1,234.50");
        assert_eq!(money_to_decimal(money(5, "USD")).unwrap(), "0.05");
        let e = money_format(money(1, "XYZ")).unwrap_err();
        assert_eq!(e.to_string(), "invalid input: unknown ISO 4217 currency \"XYZ\"");
    }

    #[test]
    fn parses_exactly_or_says_why_not() {
        assert_eq!(money_parse_decimal("98.73".into(), "THB".into()).unwrap(), money(9873, "THB"));
        assert_eq!(money_parse_decimal("98.73".into(), "764".into()).unwrap(), money(9873, "THB"));
        let e = money_parse_decimal("100.5".into(), "JPY".into()).unwrap_err();
        assert!(matches!(e, KobanError::InvalidAmount { .. }));
        assert_eq!(e.to_string(), "invalid amount: amount has 1 decimals but JPY has 0");
    }

    #[test]
    fn currencies_carry_their_table_row() {
        let thb = currency_lookup("thb".into()).unwrap();
        assert_eq!(
            thb,
            Currency { alpha: "THB".into(), numeric: 764, exponent: 2, name: "Baht".into(), symbol: "฿".into() }
        );
        assert_eq!(currency_lookup("392".into()).unwrap().alpha, "JPY");
        assert!(currencies().len() >= 50);
    }
}
