//! Amounts in integer minor units and exact conversion from and to decimal strings.

use super::Currency;
use std::fmt;

/// An amount of money: integer minor units of one ISO 4217 currency.
#[derive(Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

/// A decimal string that was read into [`Money`], with how many decimals it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedAmount {
    /// The exact amount.
    pub money: Money,
    /// Digits written after the decimal point ("98." has 0, "98.730" has 3).
    pub decimals: u8,
}

impl ParsedAmount {
    /// True when the string had more decimals than the currency's exponent (all of them zeros).
    pub fn has_excess_decimals(&self) -> bool {
        self.decimals > self.money.currency().exponent()
    }
}

/// Why a decimal amount string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// The string was empty.
    #[error("amount is empty")]
    Empty,
    /// A character other than a digit or a single '.' was found.
    #[error("amount has an invalid character {ch:?} at position {position}")]
    InvalidCharacter {
        /// The offending character.
        ch: char,
        /// Its character position in the string.
        position: usize,
    },
    /// More than one decimal point.
    #[error("amount has more than one decimal point")]
    MultipleDecimalPoints,
    /// No digit before the decimal point.
    #[error("amount has no digits before the decimal point")]
    NoIntegerDigits,
    /// Zero, where a positive amount is required.
    #[error("amount is zero")]
    Zero,
    /// Non-zero digits beyond the currency's minor unit: the amount cannot be paid exactly.
    #[error("amount has {decimals} decimals but {currency} has {exponent}")]
    TooPrecise {
        /// Decimals written.
        decimals: usize,
        /// The currency.
        currency: Currency,
        /// The currency's exponent.
        exponent: u8,
    },
    /// The amount does not fit in 64-bit minor units.
    #[error("amount is too large")]
    Overflow,
}

impl Money {
    /// Makes an amount from minor units (yen, satang, cents…).
    pub const fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Zero in `currency`.
    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// The amount in minor units.
    pub fn minor(&self) -> i64 {
        self.minor
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// True for a strictly positive amount.
    pub fn is_positive(&self) -> bool {
        self.minor > 0
    }

    /// Reads a positive decimal amount exactly ("98", "98.", "98.73"); refuses signs,
    /// exponents, commas, zero, and non-zero digits beyond the currency's exponent.
    pub fn parse_decimal(s: &str, currency: Currency) -> Result<ParsedAmount, AmountError> {
        if s.is_empty() {
            return Err(AmountError::Empty);
        }
        let exponent = currency.exponent() as usize;
        let mut minor: i64 = 0;
        let mut seen_point = false;
        let mut int_digits = 0usize;
        let mut decimals = 0usize;
        let mut too_precise = false;
        for (position, ch) in s.chars().enumerate() {
            match ch {
                '0'..='9' => {
                    let digit = i64::from(ch as u8 - b'0');
                    if seen_point {
                        decimals += 1;
                        if decimals > exponent {
                            // Keep scanning: a bad character later is the more useful error.
                            too_precise |= digit != 0;
                            continue;
                        }
                    } else {
                        int_digits += 1;
                    }
                    minor = minor.checked_mul(10).and_then(|m| m.checked_add(digit)).ok_or(AmountError::Overflow)?;
                }
                '.' if seen_point => return Err(AmountError::MultipleDecimalPoints),
                '.' => {
                    if int_digits == 0 {
                        return Err(AmountError::NoIntegerDigits);
                    }
                    seen_point = true;
                }
                _ => return Err(AmountError::InvalidCharacter { ch, position }),
            }
        }
        if int_digits == 0 {
            return Err(AmountError::NoIntegerDigits);
        }
        if too_precise {
            return Err(AmountError::TooPrecise { decimals, currency, exponent: exponent as u8 });
        }
        let written = decimals.min(exponent);
        for _ in written..exponent {
            minor = minor.checked_mul(10).ok_or(AmountError::Overflow)?;
        }
        if minor == 0 {
            return Err(AmountError::Zero);
        }
        Ok(ParsedAmount { money: Money { minor, currency }, decimals: decimals.min(u8::MAX as usize) as u8 })
    }

    /// The amount as a plain decimal string with exactly the currency's exponent ("98.73", "40123").
    pub fn to_decimal_string(&self) -> String {
        self.render(false)
    }

    /// The amount for people: symbol, thousands separators, exponent decimals ("¥30,000", "฿1,234.50").
    pub fn format(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        format!(
            "{sign}{}{}",
            self.currency.symbol(),
            Money { minor: self.minor.abs(), currency: self.currency }.render(true)
        )
    }

    fn render(&self, grouped: bool) -> String {
        let exponent = self.currency.exponent() as u32;
        let abs = self.minor.unsigned_abs();
        let scale = 10u64.pow(exponent);
        let (int, frac) = (abs / scale, abs % scale);
        let mut int_text = int.to_string();
        if grouped {
            let digits = int_text.as_bytes();
            let mut out = String::with_capacity(digits.len() + digits.len() / 3);
            for (i, d) in digits.iter().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(*d as char);
            }
            int_text = out;
        }
        let sign = if self.minor < 0 { "-" } else { "" };
        if exponent == 0 {
            format!("{sign}{int_text}")
        } else {
            format!("{sign}{int_text}.{frac:0width$}", width = exponent as usize)
        }
    }

    /// Adds two amounts of the same currency; `None` on a currency mismatch or overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| self.minor.checked_add(other.minor))
            .flatten()
            .map(|minor| Money { minor, currency: self.currency })
    }

    /// Subtracts an amount of the same currency; `None` on a currency mismatch or overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| self.minor.checked_sub(other.minor))
            .flatten()
            .map(|minor| Money { minor, currency: self.currency })
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cur(a: &str) -> Currency {
        Currency::from_alpha(a).unwrap()
    }

    #[test]
    fn emv_amount_forms_parse_exactly() {
        let thb = cur("THB");
        assert_eq!(Money::parse_decimal("98", thb).unwrap().money.minor(), 9800);
        assert_eq!(Money::parse_decimal("98.", thb).unwrap().money.minor(), 9800);
        assert_eq!(Money::parse_decimal("98.73", thb).unwrap().money.minor(), 9873);
        assert_eq!(Money::parse_decimal("100.5", cur("HKD")).unwrap().money.minor(), 10050);
        assert_eq!(Money::parse_decimal("40123", cur("VND")).unwrap().money.minor(), 40123);
        assert_eq!(Money::parse_decimal("1.234", cur("KWD")).unwrap().money.minor(), 1234);
    }

    #[test]
    fn malformed_amounts_are_refused_with_a_reason() {
        let thb = cur("THB");
        assert_eq!(Money::parse_decimal("98,73", thb), Err(AmountError::InvalidCharacter { ch: ',', position: 2 }));
        assert_eq!(Money::parse_decimal("1e3", thb), Err(AmountError::InvalidCharacter { ch: 'e', position: 1 }));
        assert_eq!(Money::parse_decimal("-5", thb), Err(AmountError::InvalidCharacter { ch: '-', position: 0 }));
        assert_eq!(Money::parse_decimal("", thb), Err(AmountError::Empty));
        assert_eq!(Money::parse_decimal(".5", thb), Err(AmountError::NoIntegerDigits));
        assert_eq!(Money::parse_decimal("1.2.3", thb), Err(AmountError::MultipleDecimalPoints));
        assert_eq!(Money::parse_decimal("0.00", thb), Err(AmountError::Zero));
        assert!(matches!(Money::parse_decimal("1.005", thb), Err(AmountError::TooPrecise { decimals: 3, .. })));
        assert!(matches!(Money::parse_decimal("100.5", cur("JPY")), Err(AmountError::TooPrecise { .. })));
        assert_eq!(Money::parse_decimal("99999999999999999999", thb), Err(AmountError::Overflow));
    }

    #[test]
    fn zero_decimals_beyond_the_exponent_are_exact_but_flagged() {
        let p = Money::parse_decimal("100.0", cur("JPY")).unwrap();
        assert_eq!(p.money.minor(), 100);
        assert!(p.has_excess_decimals());
        assert!(!Money::parse_decimal("100.00", cur("THB")).unwrap().has_excess_decimals());
    }

    #[test]
    fn rendering_uses_the_exponent_and_groups_for_people() {
        assert_eq!(Money::from_minor(30000, cur("JPY")).format(), "¥30,000");
        assert_eq!(Money::from_minor(123450, cur("THB")).format(), "฿1,234.50");
        assert_eq!(Money::from_minor(-5, cur("USD")).format(), "-US$0.05");
        assert_eq!(Money::from_minor(5, cur("USD")).to_decimal_string(), "0.05");
        assert_eq!(Money::from_minor(1234, cur("KWD")).to_decimal_string(), "1.234");
        assert_eq!(Money::from_minor(100, cur("THB")).to_string(), "1.00 THB");
    }

    #[test]
    fn arithmetic_refuses_mixed_currencies() {
        let a = Money::from_minor(100, cur("JPY"));
        assert_eq!(a.checked_add(a).unwrap().minor(), 200);
        assert!(a.checked_add(Money::from_minor(1, cur("THB"))).is_none());
        assert!(Money::from_minor(i64::MAX, cur("JPY")).checked_add(Money::from_minor(1, cur("JPY"))).is_none());
    }

    proptest! {
        #[test]
        fn decimal_round_trip(minor in 1i64..=9_999_999_999_999, idx in 0usize..50) {
            let currency = Currency::all().nth(idx % Currency::all().count()).unwrap();
            let m = Money::from_minor(minor, currency);
            let parsed = Money::parse_decimal(&m.to_decimal_string(), currency).unwrap();
            prop_assert_eq!(parsed.money, m);
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(s in "\\PC{0,24}") {
            let _ = Money::parse_decimal(&s, cur("THB"));
        }
    }
}
