//! The typed merchant-presented code and its encoder.

use super::{crc16_hex, MpmView};
use crate::money::{Currency, Money};

/// Point of initiation (tag 01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Initiation {
    /// "11": the same code is shown for many payments (a sticker).
    Static,
    /// "12": the code is for one payment.
    Dynamic,
}

impl Initiation {
    /// The two digits tag 01 carries.
    pub fn code(self) -> &'static str {
        match self {
            Initiation::Static => "11",
            Initiation::Dynamic => "12",
        }
    }

    /// Reads tag 01's value.
    pub fn from_code(code: &str) -> Option<Initiation> {
        match code {
            "11" => Some(Initiation::Static),
            "12" => Some(Initiation::Dynamic),
            _ => None,
        }
    }
}

/// Tip or convenience fee rule (tags 55-57).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Tip {
    /// "01": the app asks the payer for a tip.
    Prompt,
    /// "02": a fixed convenience fee (tag 56).
    Fixed {
        /// The fee.
        fee: Money,
    },
    /// "03": a percentage convenience fee (tag 57), in hundredths of a percent (0.7 % = 70).
    Percentage {
        /// Hundredths of a percent, 1..=9999.
        hundredths: u32,
    },
}

impl Tip {
    /// Reads a percentage such as "0.7", "5" or "12.50" into hundredths of a percent.
    pub fn parse_percentage(s: &str) -> Option<u32> {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty()
            || int.len() > 2
            || frac.len() > 2
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let frac_value = match frac.len() {
            0 => 0,
            1 => frac.parse::<u32>().ok()? * 10,
            _ => frac.parse::<u32>().ok()?,
        };
        let hundredths = int.parse::<u32>().ok()? * 100 + frac_value;
        (1..=9999).contains(&hundredths).then_some(hundredths)
    }

    /// Renders hundredths of a percent the shortest way ("0.7", "5", "12.5").
    pub fn format_percentage(hundredths: u32) -> String {
        let (int, frac) = (hundredths / 100, hundredths % 100);
        match frac {
            0 => int.to_string(),
            f if f % 10 == 0 => format!("{int}.{}", f / 10),
            f => format!("{int}.{f:02}"),
        }
    }
}

/// A primitive data object inside a template.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Field {
    /// Sub-tag 0..=99.
    pub tag: u8,
    /// Value text.
    pub value: String,
}

impl Field {
    /// Makes a field.
    pub fn new(tag: u8, value: impl Into<String>) -> Field {
        Field { tag, value: value.into() }
    }
}

/// A template (tags 26-51 and 80-99): sub-tag 00 is normally its globally unique identifier.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Template {
    /// Root tag.
    pub tag: u8,
    /// Sub-fields in order, 00 first when present.
    pub fields: Vec<Field>,
}

impl Template {
    /// A template whose sub-tag 00 is `guid`, followed by `fields`.
    pub fn with_guid(tag: u8, guid: &str, fields: impl IntoIterator<Item = (u8, String)>) -> Template {
        let mut all = vec![Field::new(0, guid)];
        all.extend(fields.into_iter().map(|(t, v)| Field { tag: t, value: v }));
        Template { tag, fields: all }
    }
}

/// A merchant account: a primitive network slot (02-25) or a template (26-51).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum Account {
    /// Tags 02-25: a card network's merchant identifier.
    Primitive {
        /// Root tag.
        tag: u8,
        /// Identifier.
        value: String,
    },
    /// Tags 26-51.
    Template(Template),
}

impl Account {
    fn tag(&self) -> u8 {
        match self {
            Account::Primitive { tag, .. } => *tag,
            Account::Template(t) => t.tag,
        }
    }
}

/// Merchant name and city in a second language (tag 64).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AlternateLanguage {
    /// ISO 639-1 language, e.g. "JA", "TH", "ZH".
    pub language: String,
    /// Merchant name in that language.
    pub name: String,
    /// Merchant city in that language.
    pub city: Option<String>,
}

/// A merchant-presented code as data: what the encoder writes and the parser reads back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MerchantCode {
    /// Tag 01; `None` leaves it out (as many Pix codes do).
    pub initiation: Option<Initiation>,
    /// Tags 02-51 in order.
    pub accounts: Vec<Account>,
    /// Tag 52, ISO 18245 merchant category code ("0000" for person-to-person).
    pub merchant_category: Option<String>,
    /// Tag 53.
    pub currency: Currency,
    /// Tag 54; `None` lets the payer enter the amount.
    pub amount: Option<Money>,
    /// Tags 55-57.
    pub tip: Option<Tip>,
    /// Tag 58, ISO 3166-1 alpha-2.
    pub country: String,
    /// Tag 59.
    pub merchant_name: Option<String>,
    /// Tag 60.
    pub merchant_city: Option<String>,
    /// Tag 61.
    pub postal_code: Option<String>,
    /// Tag 62 sub-fields (bill number, reference label, terminal, purpose…).
    pub additional_data: Vec<Field>,
    /// Tag 64.
    pub alternate_language: Option<AlternateLanguage>,
    /// Tags 80-99.
    pub unreserved: Vec<Template>,
}

/// Why a [`MerchantCode`] cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// A value is empty or longer than the 99 characters a length field can say.
    #[error("tag {tag} value must be 1 to 99 characters, got {len}")]
    Length {
        /// The tag (root, or "root/sub" for nested ones).
        tag: String,
        /// Its length in characters.
        len: usize,
    },
    /// A tag is outside the range its kind of object may use.
    #[error("tag {tag} is not allowed here: {reason}")]
    Tag {
        /// The tag.
        tag: u8,
        /// Which range was expected.
        reason: &'static str,
    },
    /// A field value breaks the EMVCo format (country, MCC, name length…).
    #[error("{field}: {reason}")]
    Value {
        /// Which field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
}

fn push(out: &mut String, tag: u8, value: &str, path: impl FnOnce() -> String) -> Result<(), EncodeError> {
    let len = value.chars().count();
    if !(1..=99).contains(&len) {
        return Err(EncodeError::Length { tag: path(), len });
    }
    use std::fmt::Write;
    let _ = write!(out, "{tag:02}{len:02}{value}");
    Ok(())
}

fn nested(tag: u8, fields: &[Field]) -> Result<String, EncodeError> {
    let mut inner = String::new();
    for f in fields {
        if f.tag > 99 {
            return Err(EncodeError::Tag { tag: f.tag, reason: "sub-tags are 00-99" });
        }
        push(&mut inner, f.tag, &f.value, || format!("{tag:02}/{:02}", f.tag))?;
    }
    Ok(inner)
}

impl MerchantCode {
    /// A minimal code for `country` and `currency`, to be filled in field by field.
    pub fn new(country: &str, currency: Currency) -> MerchantCode {
        MerchantCode {
            initiation: Some(Initiation::Static),
            accounts: Vec::new(),
            merchant_category: None,
            currency,
            amount: None,
            tip: None,
            country: country.to_owned(),
            merchant_name: None,
            merchant_city: None,
            postal_code: None,
            additional_data: Vec::new(),
            alternate_language: None,
            unreserved: Vec::new(),
        }
    }

    /// Writes the payload in canonical tag order and appends the CRC.
    pub fn encode(&self) -> Result<String, EncodeError> {
        if self.country.len() != 2 || !self.country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(EncodeError::Value {
                field: "country",
                reason: format!("{:?} is not ISO 3166-1 alpha-2", self.country),
            });
        }
        if let Some(mcc) = &self.merchant_category {
            if mcc.len() != 4 || !mcc.bytes().all(|b| b.is_ascii_digit()) {
                return Err(EncodeError::Value {
                    field: "merchant_category",
                    reason: format!("{mcc:?} is not four digits"),
                });
            }
        }
        if let Some(name) = &self.merchant_name {
            if name.chars().count() > 25 {
                return Err(EncodeError::Value { field: "merchant_name", reason: "longer than 25 characters".into() });
            }
        }
        if let Some(amount) = self.amount {
            if amount.currency() != self.currency || !amount.is_positive() {
                return Err(EncodeError::Value {
                    field: "amount",
                    reason: format!("{amount} must be positive and in {}", self.currency),
                });
            }
        }
        let mut out = String::with_capacity(160);
        push(&mut out, 0, "01", || "00".into())?;
        if let Some(initiation) = self.initiation {
            push(&mut out, 1, initiation.code(), || "01".into())?;
        }
        let mut last = 1;
        for account in &self.accounts {
            let tag = account.tag();
            if tag <= last {
                return Err(EncodeError::Tag { tag, reason: "accounts must use ascending tags 02-51" });
            }
            last = tag;
            match account {
                Account::Primitive { tag, value } if (2..=25).contains(tag) => {
                    push(&mut out, *tag, value, || format!("{tag:02}"))?
                }
                Account::Template(t) if (26..=51).contains(&t.tag) => {
                    push(&mut out, t.tag, &nested(t.tag, &t.fields)?, || format!("{:02}", t.tag))?
                }
                _ => return Err(EncodeError::Tag { tag, reason: "primitive accounts use 02-25, templates 26-51" }),
            }
        }
        if let Some(mcc) = &self.merchant_category {
            push(&mut out, 52, mcc, || "52".into())?;
        }
        push(&mut out, 53, &self.currency.numeric_string(), || "53".into())?;
        if let Some(amount) = self.amount {
            push(&mut out, 54, &amount.to_decimal_string(), || "54".into())?;
        }
        match self.tip {
            None => {}
            Some(Tip::Prompt) => push(&mut out, 55, "01", || "55".into())?,
            Some(Tip::Fixed { fee }) => {
                if fee.currency() != self.currency || !fee.is_positive() {
                    return Err(EncodeError::Value {
                        field: "tip",
                        reason: format!("fee {fee} must be positive and in {}", self.currency),
                    });
                }
                push(&mut out, 55, "02", || "55".into())?;
                push(&mut out, 56, &fee.to_decimal_string(), || "56".into())?;
            }
            Some(Tip::Percentage { hundredths }) => {
                if !(1..=9999).contains(&hundredths) {
                    return Err(EncodeError::Value {
                        field: "tip",
                        reason: "percentage must be between 0.01 and 99.99".into(),
                    });
                }
                push(&mut out, 55, "03", || "55".into())?;
                push(&mut out, 57, &Tip::format_percentage(hundredths), || "57".into())?;
            }
        }
        push(&mut out, 58, &self.country, || "58".into())?;
        for (tag, value) in [(59, &self.merchant_name), (60, &self.merchant_city), (61, &self.postal_code)] {
            if let Some(v) = value {
                push(&mut out, tag, v, || tag.to_string())?;
            }
        }
        if !self.additional_data.is_empty() {
            push(&mut out, 62, &nested(62, &self.additional_data)?, || "62".into())?;
        }
        if let Some(alt) = &self.alternate_language {
            let mut fields = vec![Field::new(0, alt.language.clone()), Field::new(1, alt.name.clone())];
            if let Some(city) = &alt.city {
                fields.push(Field::new(2, city.clone()));
            }
            push(&mut out, 64, &nested(64, &fields)?, || "64".into())?;
        }
        let mut last = 79;
        for t in &self.unreserved {
            if t.tag <= last || t.tag > 99 {
                return Err(EncodeError::Tag { tag: t.tag, reason: "unreserved templates use ascending tags 80-99" });
            }
            last = t.tag;
            push(&mut out, t.tag, &nested(t.tag, &t.fields)?, || format!("{:02}", t.tag))?;
        }
        out.push_str("6304");
        let crc = crc16_hex(out.as_bytes());
        out.push_str(&crc);
        Ok(out)
    }

    /// Reads a parsed payload back into data; `None` when a field cannot be represented
    /// (unknown currency, malformed amount), which the detector reports in detail instead.
    pub fn from_view(view: &MpmView<'_>) -> Option<MerchantCode> {
        let currency = Currency::from_numeric_str(view.value(53)?)?;
        let fields_of = |tag: u8| -> Vec<Field> {
            view.get(tag)
                .map(|o| o.children().map_while(Result::ok).map(|c| Field::new(c.tag, c.value)).collect())
                .unwrap_or_default()
        };
        let mut code = MerchantCode::new(view.value(58)?, currency);
        code.initiation = match view.value(1) {
            Some(v) => Some(Initiation::from_code(v)?),
            None => None,
        };
        for o in view.objects() {
            match o.tag {
                2..=25 => code.accounts.push(Account::Primitive { tag: o.tag, value: o.value.to_owned() }),
                26..=51 => code.accounts.push(Account::Template(Template { tag: o.tag, fields: fields_of(o.tag) })),
                80..=99 => code.unreserved.push(Template { tag: o.tag, fields: fields_of(o.tag) }),
                _ => {}
            }
        }
        code.merchant_category = view.value(52).map(str::to_owned);
        code.amount = match view.value(54) {
            Some(a) => Some(Money::parse_decimal(a, currency).ok()?.money),
            None => None,
        };
        code.tip = match view.value(55) {
            None => None,
            Some("01") => Some(Tip::Prompt),
            Some("02") => Some(Tip::Fixed { fee: Money::parse_decimal(view.value(56)?, currency).ok()?.money }),
            Some("03") => Some(Tip::Percentage { hundredths: Tip::parse_percentage(view.value(57)?)? }),
            Some(_) => return None,
        };
        code.merchant_name = view.value(59).map(str::to_owned);
        code.merchant_city = view.value(60).map(str::to_owned);
        code.postal_code = view.value(61).map(str::to_owned);
        code.additional_data = fields_of(62);
        code.alternate_language = view.get(64).map(|o| AlternateLanguage {
            language: o.sub(0).unwrap_or_default().to_owned(),
            name: o.sub(1).unwrap_or_default().to_owned(),
            city: o.sub(2).map(str::to_owned),
        });
        Some(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emv::CrcCheck;

    fn jpy() -> Currency {
        Currency::from_alpha("JPY").unwrap()
    }

    #[test]
    fn encodes_the_spec_shape_and_a_valid_crc() {
        let mut code = MerchantCode::new("JP", jpy());
        code.initiation = Some(Initiation::Dynamic);
        code.accounts.push(Account::Template(Template::with_guid(
            26,
            "jp.or.paymentsjapan",
            [(1, "0000000000001".to_string())],
        )));
        code.merchant_category = Some("5812".into());
        code.amount = Some(Money::from_minor(1200, jpy()));
        code.merchant_name = Some("KOBAN CAFE".into());
        code.merchant_city = Some("TOKYO".into());
        code.alternate_language =
            Some(AlternateLanguage {
                language: "JA".into(), name: "こばんカフェ".into(), city: Some("東京".into())
            });
        let payload = code.encode().unwrap();
        assert!(payload.starts_with("00020101021226400019jp.or.paymentsjapan"), "{payload}");
        assert!(payload.contains("540412005802JP5910KOBAN CAFE6005TOKYO64"), "{payload}");
        let view = MpmView::parse(&payload).unwrap();
        assert_eq!(view.crc(), &CrcCheck::Valid);
        assert_eq!(MerchantCode::from_view(&view).unwrap(), code);
    }

    #[test]
    fn encoder_refuses_what_the_spec_forbids() {
        let mut code = MerchantCode::new("JP", jpy());
        code.merchant_name = Some("A".repeat(26));
        assert!(matches!(code.encode(), Err(EncodeError::Value { field: "merchant_name", .. })));
        let mut code = MerchantCode::new("Japan", jpy());
        assert!(code.encode().is_err());
        code.country = "JP".into();
        code.accounts.push(Account::Primitive { tag: 30, value: "x".into() });
        assert!(matches!(code.encode(), Err(EncodeError::Tag { tag: 30, .. })));
        code.accounts = vec![Account::Template(Template::with_guid(26, "", []))];
        assert!(matches!(code.encode(), Err(EncodeError::Length { .. })));
        code.accounts.clear();
        code.amount = Some(Money::from_minor(5, Currency::from_alpha("THB").unwrap()));
        assert!(matches!(code.encode(), Err(EncodeError::Value { field: "amount", .. })));
    }

    #[test]
    fn percentages_are_integers() {
        assert_eq!(Tip::parse_percentage("0.7"), Some(70));
        assert_eq!(Tip::parse_percentage("5"), Some(500));
        assert_eq!(Tip::parse_percentage("12.50"), Some(1250));
        assert_eq!(Tip::parse_percentage("0"), None);
        assert_eq!(Tip::parse_percentage("100"), None);
        assert_eq!(Tip::parse_percentage("1e1"), None);
        for h in [1, 70, 500, 1250, 1255, 9999] {
            assert_eq!(Tip::parse_percentage(&Tip::format_percentage(h)), Some(h));
        }
    }
}
