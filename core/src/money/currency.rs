//! The ISO 4217 table: alpha code, numeric code and minor-unit exponent.

use std::fmt;

/// One row of the ISO 4217 table (or one of the few non-ISO currencies codes are denominated in).
#[derive(Debug)]
struct CurrencyInfo {
    alpha: &'static str,
    numeric: u16,
    exponent: u8,
    name: &'static str,
    symbol: &'static str,
    /// False for currencies ISO 4217 does not list (Bitcoin).
    iso: bool,
}

/// An ISO 4217 currency (a cheap, copyable handle into the built-in table), or one of the
/// few non-ISO currencies a scanned code can be denominated in ([`Currency::BTC`]).
#[derive(Clone, Copy)]
pub struct Currency(&'static CurrencyInfo);

/// Returned when a code is not in Koban's ISO 4217 table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown ISO 4217 currency {0:?}")]
pub struct UnknownCurrency(pub String);

macro_rules! table {
    ($( $alpha:literal $numeric:literal $exp:literal $symbol:literal $name:literal ;)*) => {
        static TABLE: &[CurrencyInfo] = &[
            $( CurrencyInfo { alpha: $alpha, numeric: $numeric, exponent: $exp, name: $name, symbol: $symbol, iso: true }, )*
        ];
    };
}

// Source: ISO 4217 list one (SIX Group), amendment 179. Every currency of the schemes
// Koban detects, the majors, and the currencies of the corridors it remits to.
table! {
    "AED" 784 2 "AED" "UAE Dirham";
    "AUD" 36 2 "A$" "Australian Dollar";
    "BDT" 50 2 "৳" "Taka";
    "BHD" 48 3 "BHD" "Bahraini Dinar";
    "BND" 96 2 "B$" "Brunei Dollar";
    "BRL" 986 2 "R$" "Brazilian Real";
    "CAD" 124 2 "CA$" "Canadian Dollar";
    "CHF" 756 2 "CHF" "Swiss Franc";
    "CLP" 152 0 "CLP" "Chilean Peso";
    "CNY" 156 2 "CN¥" "Yuan Renminbi";
    "DKK" 208 2 "kr." "Danish Krone";
    "EUR" 978 2 "€" "Euro";
    "GBP" 826 2 "£" "Pound Sterling";
    "HKD" 344 2 "HK$" "Hong Kong Dollar";
    "IDR" 360 2 "Rp" "Rupiah";
    "INR" 356 2 "₹" "Indian Rupee";
    "ISK" 352 0 "ISK" "Iceland Krona";
    "JOD" 400 3 "JOD" "Jordanian Dinar";
    "JPY" 392 0 "¥" "Yen";
    "KHR" 116 2 "៛" "Riel";
    "KRW" 410 0 "₩" "Won";
    "KWD" 414 3 "KWD" "Kuwaiti Dinar";
    "LAK" 418 2 "₭" "Lao Kip";
    "LKR" 144 2 "Rs" "Sri Lanka Rupee";
    "MMK" 104 2 "K" "Kyat";
    "MNT" 496 2 "₮" "Tugrik";
    "MOP" 446 2 "MOP$" "Pataca";
    "MXN" 484 2 "MX$" "Mexican Peso";
    "MYR" 458 2 "RM" "Malaysian Ringgit";
    "NOK" 578 2 "kr" "Norwegian Krone";
    "NPR" 524 2 "Rs" "Nepalese Rupee";
    "NZD" 554 2 "NZ$" "New Zealand Dollar";
    "OMR" 512 3 "OMR" "Rial Omani";
    "PHP" 608 2 "₱" "Philippine Peso";
    "PKR" 586 2 "Rs" "Pakistan Rupee";
    "PLN" 985 2 "zł" "Zloty";
    "QAR" 634 2 "QAR" "Qatari Rial";
    "SAR" 682 2 "SAR" "Saudi Riyal";
    "SEK" 752 2 "kr" "Swedish Krona";
    "SGD" 702 2 "S$" "Singapore Dollar";
    "THB" 764 2 "฿" "Baht";
    "TND" 788 3 "TND" "Tunisian Dinar";
    "TRY" 949 2 "₺" "Turkish Lira";
    "TWD" 901 2 "NT$" "New Taiwan Dollar";
    "UGX" 800 0 "USh" "Uganda Shilling";
    "USD" 840 2 "US$" "US Dollar";
    "VND" 704 0 "₫" "Dong";
    "XAF" 950 0 "FCFA" "CFA Franc BEAC";
    "XOF" 952 0 "CFA" "CFA Franc BCEAO";
    "ZAR" 710 2 "R" "Rand";
}

/// Bitcoin: no ISO 4217 entry (hence no numeric code; 0 stands in, which ISO never assigns),
/// 8 decimals because BIP21 amounts are decimal BTC and one satoshi is 10^-8 BTC.
const BTC_INFO: CurrencyInfo =
    CurrencyInfo { alpha: "BTC", numeric: 0, exponent: 8, name: "Bitcoin", symbol: "₿", iso: false };

/// Non-ISO currencies: found by [`Currency::parse`] (so amounts in them round-trip through
/// their code), never by the ISO look-ups or [`Currency::all`].
static NON_ISO: &[&CurrencyInfo] = &[&BTC_INFO];

impl Currency {
    /// Bitcoin (BIP21 and BOLT11 amounts), 8 decimals; not an ISO 4217 currency.
    pub const BTC: Currency = Currency(&BTC_INFO);

    /// Looks a currency up by its ISO 4217 numeric code (as found in EMV tag 53).
    pub fn from_numeric(numeric: u16) -> Option<Currency> {
        TABLE.iter().find(|c| c.numeric == numeric).map(Currency)
    }

    /// Looks a currency up by its three-digit numeric code string, e.g. `"392"`.
    pub fn from_numeric_str(code: &str) -> Option<Currency> {
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        code.parse().ok().and_then(Currency::from_numeric)
    }

    /// Looks a currency up by its alpha code, e.g. `"JPY"` (case-insensitive).
    pub fn from_alpha(alpha: &str) -> Option<Currency> {
        TABLE.iter().find(|c| c.alpha.eq_ignore_ascii_case(alpha)).map(Currency)
    }

    /// Parses an alpha or numeric code, with a typed error for unknown ones; also knows the
    /// non-ISO currencies by their alpha code ("BTC"), so every `Money` reads back its own code.
    pub fn parse(code: &str) -> Result<Currency, UnknownCurrency> {
        Currency::from_alpha(code)
            .or_else(|| Currency::from_numeric_str(code))
            .or_else(|| NON_ISO.iter().find(|c| c.alpha.eq_ignore_ascii_case(code)).map(|c| Currency(c)))
            .ok_or_else(|| UnknownCurrency(code.to_owned()))
    }

    /// True for an ISO 4217 currency, false for [`Currency::BTC`].
    pub fn is_iso(self) -> bool {
        self.0.iso
    }

    /// The ISO 4217 alpha code, e.g. `"THB"`.
    pub fn alpha(self) -> &'static str {
        self.0.alpha
    }

    /// The ISO 4217 numeric code, e.g. `764`; 0 for a non-ISO currency.
    pub fn numeric(self) -> u16 {
        self.0.numeric
    }

    /// The numeric code as the three digits EMV codes carry, e.g. `"036"`.
    pub fn numeric_string(self) -> String {
        format!("{:03}", self.0.numeric)
    }

    /// Digits after the decimal point in this currency's minor unit (JPY 0, THB 2, KWD 3).
    pub fn exponent(self) -> u8 {
        self.0.exponent
    }

    /// The English name from ISO 4217.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// A display symbol (falls back to the alpha code where no unambiguous symbol exists).
    pub fn symbol(self) -> &'static str {
        self.0.symbol
    }

    /// Every ISO 4217 currency Koban knows, in alpha order.
    pub fn all() -> impl Iterator<Item = Currency> {
        TABLE.iter().map(Currency)
    }
}

impl PartialEq for Currency {
    fn eq(&self, other: &Self) -> bool {
        self.0.numeric == other.0.numeric
    }
}
impl Eq for Currency {}

impl std::hash::Hash for Currency {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.numeric.hash(state)
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.alpha)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.alpha)
    }
}

impl std::str::FromStr for Currency {
    type Err = UnknownCurrency;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.alpha)
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_unique_codes_and_sane_exponents() {
        let all: Vec<_> = Currency::all().collect();
        for (i, a) in all.iter().enumerate() {
            assert_eq!(a.alpha().len(), 3);
            assert!(a.exponent() <= 3, "{a}");
            for b in &all[i + 1..] {
                assert_ne!(a.alpha(), b.alpha());
                assert_ne!(a.numeric(), b.numeric(), "{a} and {b}");
            }
        }
    }

    #[test]
    fn scheme_currencies_resolve_by_numeric_code() {
        for (num, alpha, exp) in [
            ("392", "JPY", 0),
            ("764", "THB", 2),
            ("702", "SGD", 2),
            ("360", "IDR", 2),
            ("458", "MYR", 2),
            ("116", "KHR", 2),
            ("704", "VND", 0),
            ("608", "PHP", 2),
            ("344", "HKD", 2),
            ("356", "INR", 2),
            ("986", "BRL", 2),
            ("156", "CNY", 2),
            ("524", "NPR", 2),
            ("144", "LKR", 2),
            ("840", "USD", 2),
            ("036", "AUD", 2),
        ] {
            let c = Currency::from_numeric_str(num).unwrap();
            assert_eq!((c.alpha(), c.exponent()), (alpha, exp));
            assert_eq!(c.numeric_string(), num);
        }
    }

    #[test]
    fn unknown_and_malformed_codes_are_errors() {
        assert!(Currency::from_numeric_str("999").is_none());
        assert!(Currency::from_numeric_str("39").is_none());
        assert!(Currency::from_numeric_str("+39").is_none());
        assert_eq!(Currency::parse("XYZ"), Err(UnknownCurrency("XYZ".into())));
        assert_eq!(Currency::parse("jpy").unwrap().alpha(), "JPY");
    }

    #[test]
    fn bitcoin_is_a_non_iso_currency_with_satoshi_decimals() {
        let btc = Currency::BTC;
        assert_eq!((btc.alpha(), btc.exponent(), btc.is_iso()), ("BTC", 8, false));
        assert!(Currency::all().all(Currency::is_iso));
        assert!(Currency::all().all(|c| c != btc));
        // ISO look-ups never answer Bitcoin; parsing its code (serde, the bindings) does.
        assert_eq!(Currency::from_alpha("BTC"), None);
        assert_eq!(Currency::from_numeric(0), None);
        assert_eq!(Currency::from_numeric_str("000"), None);
        assert_eq!(Currency::parse("btc"), Ok(btc));
        let json = serde_json::to_string(&btc).unwrap();
        assert_eq!((json.as_str(), serde_json::from_str::<Currency>(&json).unwrap()), ("\"BTC\"", btc));
    }
}
