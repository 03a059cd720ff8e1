//! Money across the boundary: amounts as integer minor units plus a typed currency code.
//!
//! Apps never see floating point: they format with [`money_format`] and read what the user
//! typed with [`money_parse_decimal`], both exact. A currency is a [`CurrencyCode`], so an
//! amount in a currency Koban does not know cannot be made.

use koban_core::money as core;

use crate::KobanError;

/// Lists every currency of the core's table once: the enum's cases and their alpha codes.
macro_rules! currency_codes {
    ($($variant:ident $alpha:literal),* $(,)?) => {
        /// A currency Koban knows: every ISO 4217 currency of its table, and Bitcoin (BIP21
        /// and BOLT11 amounts). Kotlin `CurrencyCode.JPY`, Swift `.jpy`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum CurrencyCode {
            $(
                #[doc = $alpha]
                $variant,
            )*
        }

        impl CurrencyCode {
            /// Every code, in alpha order (Bitcoin last).
            pub const ALL: &'static [CurrencyCode] = &[$(CurrencyCode::$variant),*];

            /// The alpha code, e.g. "JPY".
            pub fn alpha(self) -> &'static str {
                match self {
                    $(CurrencyCode::$variant => $alpha,)*
                }
            }
        }
    };
}

currency_codes! {
    Aed "AED", Aud "AUD", Bdt "BDT", Bhd "BHD", Bnd "BND", Brl "BRL", Cad "CAD", Chf "CHF",
    Clp "CLP", Cny "CNY", Dkk "DKK", Eur "EUR", Gbp "GBP", Hkd "HKD", Idr "IDR", Inr "INR",
    Isk "ISK", Jod "JOD", Jpy "JPY", Khr "KHR", Krw "KRW", Kwd "KWD", Lak "LAK", Lkr "LKR",
    Mmk "MMK", Mnt "MNT", Mop "MOP", Mxn "MXN", Myr "MYR", Nok "NOK", Npr "NPR", Nzd "NZD",
    Omr "OMR", Php "PHP", Pkr "PKR", Pln "PLN", Qar "QAR", Sar "SAR", Sek "SEK", Sgd "SGD",
    Thb "THB", Tnd "TND", Try "TRY", Twd "TWD", Ugx "UGX", Usd "USD", Vnd "VND", Xaf "XAF",
    Xof "XOF", Zar "ZAR", Btc "BTC",
}

impl From<CurrencyCode> for core::Currency {
    fn from(code: CurrencyCode) -> Self {
        // Total: `every_core_currency_has_a_code_and_back` checks both lists are the same.
        core::Currency::parse(code.alpha()).unwrap_or_else(|_| unreachable!("{} is in the core's table", code.alpha()))
    }
}

impl From<core::Currency> for CurrencyCode {
    fn from(c: core::Currency) -> Self {
        CurrencyCode::parse(c.alpha()).unwrap_or_else(|| unreachable!("{} has a CurrencyCode", c.alpha()))
    }
}

impl CurrencyCode {
    /// The code for an alpha code as a host or a code writes it ("JPY"), if Koban knows it.
    pub fn parse(alpha: &str) -> Option<CurrencyCode> {
        CurrencyCode::ALL.iter().copied().find(|c| c.alpha().eq_ignore_ascii_case(alpha))
    }
}

/// An amount: integer minor units (yen, satang, cents…) of one currency.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Money {
    /// The amount in minor units; negative for debits.
    pub minor: i64,
    /// The currency.
    pub currency: CurrencyCode,
}

/// One currency as Koban knows it: its ISO 4217 row.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Currency {
    /// The code.
    pub code: CurrencyCode,
    /// Alpha code, e.g. "THB".
    pub alpha: String,
    /// Numeric code, e.g. 764 (0 for Bitcoin).
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
            code: c.into(),
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
        Money { minor: m.minor(), currency: m.currency().into() }
    }
}

impl From<&Money> for core::Money {
    fn from(m: &Money) -> Self {
        core::Money::from_minor(m.minor, m.currency.into())
    }
}

/// Looks a currency up by alpha code ("jpy" works too) or three-digit numeric code ("392").
#[uniffi::export]
pub fn currency_lookup(code: String) -> Result<Currency, KobanError> {
    Ok(core::Currency::parse(&code).map(Currency::from)?)
}

/// The ISO 4217 row of `code`: numeric code, decimals, name and symbol.
#[uniffi::export]
pub fn currency_info(code: CurrencyCode) -> Currency {
    core::Currency::from(code).into()
}

/// Every ISO 4217 currency Koban knows, in alpha order.
#[uniffi::export]
pub fn currencies() -> Vec<Currency> {
    core::Currency::all().map(Currency::from).collect()
}

/// The amount for people: symbol, thousands separators, the currency's decimals ("¥30,000", "฿1,234.50").
#[uniffi::export]
pub fn money_format(money: Money) -> String {
    core::Money::from(&money).format()
}

/// The amount as a plain decimal with exactly the currency's decimals ("98.73", "40123"), for amount fields.
#[uniffi::export]
pub fn money_to_decimal(money: Money) -> String {
    core::Money::from(&money).to_decimal_string()
}

/// Reads a positive decimal amount typed by the user ("98", "98.", "98.73") exactly in `currency`.
///
/// Refuses signs, exponents, grouping commas, zero, and non-zero digits beyond the
/// currency's decimals with [`KobanError::InvalidAmount`] saying which.
#[uniffi::export]
pub fn money_parse_decimal(text: String, currency: CurrencyCode) -> Result<Money, KobanError> {
    Ok(core::Money::parse_decimal(&text, currency.into())?.money.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64, currency: CurrencyCode) -> Money {
        Money { minor, currency }
    }

    #[test]
    fn formats_like_the_core() {
        assert_eq!(money_format(money(30000, CurrencyCode::Jpy)), "¥30,000");
        assert_eq!(money_format(money(123450, CurrencyCode::Thb)), "฿1,234.50");
        assert_eq!(money_to_decimal(money(5, CurrencyCode::Usd)), "0.05");
        assert_eq!(money_to_decimal(money(150_000, CurrencyCode::Btc)), "0.00150000");
    }

    #[test]
    fn parses_exactly_or_says_why_not() {
        let thb = CurrencyCode::Thb;
        assert_eq!(money_parse_decimal("98.73".into(), thb).unwrap(), money(9873, thb));
        let e = money_parse_decimal("100.5".into(), CurrencyCode::Jpy).unwrap_err();
        assert!(matches!(e, KobanError::InvalidAmount { .. }));
        assert_eq!(e.to_string(), "invalid amount: amount has 1 decimals but JPY has 0");
    }

    #[test]
    fn currencies_carry_their_table_row() {
        let thb = currency_lookup("thb".into()).unwrap();
        assert_eq!(
            thb,
            Currency {
                code: CurrencyCode::Thb,
                alpha: "THB".into(),
                numeric: 764,
                exponent: 2,
                name: "Baht".into(),
                symbol: "฿".into()
            }
        );
        assert_eq!(currency_info(CurrencyCode::Thb), thb);
        assert_eq!(currency_lookup("392".into()).unwrap().code, CurrencyCode::Jpy);
        let e = currency_lookup("XYZ".into()).unwrap_err();
        assert_eq!(e.to_string(), "invalid input: unknown ISO 4217 currency \"XYZ\"");
    }

    #[test]
    fn every_core_currency_has_a_code_and_back() {
        let core_alphas: Vec<&str> =
            core::Currency::all().chain([core::Currency::BTC]).map(core::Currency::alpha).collect();
        let codes: Vec<&str> = CurrencyCode::ALL.iter().map(|c| c.alpha()).collect();
        assert_eq!(codes, core_alphas, "CurrencyCode lists the core's table, in its order, then BTC");
        for &code in CurrencyCode::ALL {
            assert_eq!(CurrencyCode::from(core::Currency::from(code)), code);
            assert_eq!(CurrencyCode::parse(&code.alpha().to_lowercase()), Some(code));
        }
        assert_eq!(CurrencyCode::parse("XYZ"), None);
    }
}
