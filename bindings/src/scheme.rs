//! Scheme detection: what a scanned string is, whom it pays, how much, and every route to pay it.
//!
//! Synchronous by design (pure and fast, microseconds per code); mirror types of
//! `koban_core::scheme::Detection` with `From` conversions.

use std::time::SystemTime;

use koban_core::{emv, scheme as core};

use crate::error::DetectionError;
use crate::money::{Currency, Money};

/// The family of payload, before any scheme is considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PayloadFormat {
    /// EMVCo merchant-presented TLV (and every national scheme built on it).
    EmvMpm,
    /// EMVCo consumer-presented code (base64 BER-TLV).
    EmvCpm,
    /// A `upi://pay` intent link.
    Upi,
    /// An Alipay collect URL or deep link.
    Alipay,
    /// A WeChat Pay collect or order URL.
    Wechat,
    /// A PayPay code URL or deep link.
    Paypay,
    /// A QQ Wallet collect URL.
    QqWallet,
    /// EPC069-12 SEPA credit transfer ("GiroCode").
    Epc,
    /// Swiss QR-bill.
    SwissQrBill,
    /// BIP21 `bitcoin:` URI.
    Bip21,
    /// Lightning BOLT11 invoice.
    Bolt11,
    /// A numeric shopper payment code read at a till.
    NumericPaycode,
    /// Recognised, and not a payment request (transfer slips, bill barcodes).
    NotAPayment,
    /// Nothing Koban recognises.
    Unknown,
}

impl From<core::Format> for PayloadFormat {
    fn from(f: core::Format) -> Self {
        use core::Format as F;
        match f {
            F::EmvMpm => Self::EmvMpm,
            F::EmvCpm => Self::EmvCpm,
            F::Upi => Self::Upi,
            F::Alipay => Self::Alipay,
            F::Wechat => Self::Wechat,
            F::Paypay => Self::Paypay,
            F::QqWallet => Self::QqWallet,
            F::Epc => Self::Epc,
            F::SwissQrBill => Self::SwissQrBill,
            F::Bip21 => Self::Bip21,
            F::Bolt11 => Self::Bolt11,
            F::NumericPaycode => Self::NumericPaycode,
            F::NotAPayment => Self::NotAPayment,
            F::Unknown => Self::Unknown,
        }
    }
}

impl From<PayloadFormat> for core::Format {
    fn from(f: PayloadFormat) -> Self {
        use PayloadFormat as P;
        match f {
            P::EmvMpm => Self::EmvMpm,
            P::EmvCpm => Self::EmvCpm,
            P::Upi => Self::Upi,
            P::Alipay => Self::Alipay,
            P::Wechat => Self::Wechat,
            P::Paypay => Self::Paypay,
            P::QqWallet => Self::QqWallet,
            P::Epc => Self::Epc,
            P::SwissQrBill => Self::SwissQrBill,
            P::Bip21 => Self::Bip21,
            P::Bolt11 => Self::Bolt11,
            P::NumericPaycode => Self::NumericPaycode,
            P::NotAPayment => Self::NotAPayment,
            P::Unknown => Self::Unknown,
        }
    }
}

/// The stable lower-case name of a payload format ("emv-mpm", "upi"), as used in JSON and logs.
#[uniffi::export]
pub fn payload_format_id(format: PayloadFormat) -> String {
    core::Format::from(format).as_str().to_owned()
}

/// Who shows the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Presentment {
    /// A merchant shows it; the wallet pays it.
    Merchant,
    /// A shopper shows it; a till scans it.
    Consumer,
    /// A person shows it to receive money from another person.
    P2p,
    /// Not known.
    Unknown,
}

impl From<core::Presentment> for Presentment {
    fn from(p: core::Presentment) -> Self {
        match p {
            core::Presentment::Merchant => Self::Merchant,
            core::Presentment::Consumer => Self::Consumer,
            core::Presentment::P2p => Self::P2p,
            core::Presentment::Unknown => Self::Unknown,
        }
    }
}

/// What a route is good for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RouteRole {
    /// A network by which the code can be paid.
    Payable,
    /// Recognised metadata, not a way to pay (the SGQR registry label…).
    Label,
}

impl From<core::RouteRole> for RouteRole {
    fn from(r: core::RouteRole) -> Self {
        match r {
            core::RouteRole::Payable => Self::Payable,
            core::RouteRole::Label => Self::Label,
        }
    }
}

/// A named value read from a route's account data.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RouteField {
    /// Stable snake_case name, e.g. `proxy_value`, `merchant_id`.
    pub name: String,
    /// The value as the code carries it.
    pub value: String,
}

/// One way to pay (or one recognised label of) a code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Route {
    /// Stable scheme id, e.g. "promptpay".
    pub scheme_id: String,
    /// Scheme display name, e.g. "PromptPay".
    pub scheme_name: String,
    /// Payable route or label.
    pub role: RouteRole,
    /// True when the route pays a person rather than a merchant.
    pub p2p: bool,
    /// The EMV tag it came from (26, 2…), where there is one.
    pub tag: Option<i32>,
    /// The template's globally unique identifier, where there is one.
    pub guid: Option<String>,
    /// The main account, proxy or merchant identifier.
    pub identifier: Option<String>,
    /// Every other field the scheme defines.
    pub fields: Vec<RouteField>,
}

impl From<core::Route> for Route {
    fn from(r: core::Route) -> Self {
        Route {
            scheme_id: r.scheme.as_str().to_owned(),
            scheme_name: r.scheme.name().to_owned(),
            role: r.role.into(),
            p2p: r.p2p,
            tag: r.tag.map(i32::from),
            guid: r.guid,
            identifier: r.identifier,
            fields: r.fields.into_iter().map(|f| RouteField { name: f.name.to_owned(), value: f.value }).collect(),
        }
    }
}

/// Merchant name and city in a second language (EMV tag 64).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AlternateLanguage {
    /// ISO 639-1 language, e.g. "JA", "TH", "ZH".
    pub language: String,
    /// Merchant name in that language.
    pub name: String,
    /// Merchant city in that language.
    pub city: Option<String>,
}

impl From<emv::AlternateLanguage> for AlternateLanguage {
    fn from(a: emv::AlternateLanguage) -> Self {
        AlternateLanguage { language: a.language, name: a.name, city: a.city }
    }
}

/// Who is paid.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Merchant {
    /// Name (tag 59 or the scheme's equivalent).
    pub name: Option<String>,
    /// City (tag 60).
    pub city: Option<String>,
    /// Postal code (tag 61).
    pub postal_code: Option<String>,
    /// ISO 18245 merchant category code (tag 52).
    pub mcc: Option<String>,
    /// Name and city in another language (tag 64).
    pub alternate: Option<AlternateLanguage>,
}

impl From<core::Merchant> for Merchant {
    fn from(m: core::Merchant) -> Self {
        Merchant {
            name: m.name,
            city: m.city,
            postal_code: m.postal_code,
            mcc: m.mcc,
            alternate: m.alternate.map(Into::into),
        }
    }
}

/// Point of initiation (tag 01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Initiation {
    /// The same code is shown for many payments (a sticker).
    Static,
    /// The code is for one payment.
    Dynamic,
}

impl From<emv::Initiation> for Initiation {
    fn from(i: emv::Initiation) -> Self {
        match i {
            emv::Initiation::Static => Self::Static,
            emv::Initiation::Dynamic => Self::Dynamic,
        }
    }
}

/// Tip or convenience-fee rule (tags 55-57).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Tip {
    /// The app asks the payer for a tip.
    Prompt,
    /// A fixed convenience fee.
    Fixed { fee: Money },
    /// A percentage convenience fee in hundredths of a percent (0.7 % = 70).
    Percentage { hundredths: i32 },
}

impl From<emv::Tip> for Tip {
    fn from(t: emv::Tip) -> Self {
        match t {
            emv::Tip::Prompt => Self::Prompt,
            emv::Tip::Fixed { fee } => Self::Fixed { fee: fee.into() },
            emv::Tip::Percentage { hundredths } => {
                Self::Percentage { hundredths: i32::try_from(hundredths).unwrap_or(i32::MAX) }
            }
        }
    }
}

/// Which reference a code carries (EMV tag 62 sub-tags and their equivalents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReferenceKind {
    /// 62/01.
    BillNumber,
    /// 62/02.
    MobileNumber,
    /// 62/03.
    StoreLabel,
    /// 62/04.
    LoyaltyNumber,
    /// 62/05 (Pix: txid).
    ReferenceLabel,
    /// 62/06.
    CustomerLabel,
    /// 62/07.
    TerminalLabel,
    /// 62/08.
    Purpose,
    /// 62/09: what the merchant wants the payer to provide.
    ConsumerDataRequest,
    /// A free-text note (UPI `tn`, EPC remittance text).
    Note,
}

impl From<core::ReferenceKind> for ReferenceKind {
    fn from(k: core::ReferenceKind) -> Self {
        use core::ReferenceKind as K;
        match k {
            K::BillNumber => Self::BillNumber,
            K::MobileNumber => Self::MobileNumber,
            K::StoreLabel => Self::StoreLabel,
            K::LoyaltyNumber => Self::LoyaltyNumber,
            K::ReferenceLabel => Self::ReferenceLabel,
            K::CustomerLabel => Self::CustomerLabel,
            K::TerminalLabel => Self::TerminalLabel,
            K::Purpose => Self::Purpose,
            K::ConsumerDataRequest => Self::ConsumerDataRequest,
            K::Note => Self::Note,
        }
    }
}

/// A reference value, or a request that the payer type it in.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Reference {
    /// Which reference.
    pub kind: ReferenceKind,
    /// The value; null/nil means the app must ask the payer for it (the code says `***`).
    pub value: Option<String>,
}

impl From<core::Reference> for Reference {
    fn from(r: core::Reference) -> Self {
        Reference { kind: r.kind.into(), value: r.value }
    }
}

/// How the code's checksum checked out.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum CrcStatus {
    /// The checksum matches.
    Valid,
    /// The checksum does not match (only in codes detection let through, never in refused ones).
    Invalid { found: String, computed: String },
    /// The format has a checksum but the code carries none.
    Missing,
    /// The format has no checksum.
    NotApplicable,
}

impl From<core::CrcStatus> for CrcStatus {
    fn from(c: core::CrcStatus) -> Self {
        match c {
            core::CrcStatus::Valid => Self::Valid,
            core::CrcStatus::Invalid { found, computed } => Self::Invalid { found, computed },
            core::CrcStatus::Missing => Self::Missing,
            core::CrcStatus::NotApplicable => Self::NotApplicable,
        }
    }
}

/// A business-rule deviation that real codes make; reported, not refused.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Warning {
    /// Stable snake_case code, e.g. `missing_merchant_city`.
    pub code: String,
    /// A readable explanation.
    pub message: String,
}

/// One scan, normalised: what the payload is, whom it pays, how much, and every route to pay it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Detection {
    /// Payload family.
    pub format: PayloadFormat,
    /// Who presents it.
    pub presentment: Presentment,
    /// Every scheme id, payable routes first, each once.
    pub schemes: Vec<String>,
    /// Payable routes first (in payload order), then labels.
    pub routes: Vec<Route>,
    /// Who is paid.
    pub merchant: Option<Merchant>,
    /// The amount fixed by the code; null/nil means the payer enters it.
    pub amount: Option<Money>,
    /// The currency the code is denominated in.
    pub currency: Option<Currency>,
    /// ISO 3166-1 alpha-2 country of the payee.
    pub country: Option<String>,
    /// Static (reusable) or dynamic (one payment), where the format says.
    pub initiation: Option<Initiation>,
    /// Tip or convenience-fee rule.
    pub tip: Option<Tip>,
    /// Bill numbers, reference labels, terminal, purpose.
    pub references: Vec<Reference>,
    /// Checksum status.
    pub crc: CrcStatus,
    /// When the code stops being payable, where it says.
    pub expires_at: Option<SystemTime>,
    /// Business-rule deviations.
    pub warnings: Vec<Warning>,
}

impl From<core::Detection> for Detection {
    fn from(d: core::Detection) -> Self {
        let schemes = d.schemes().iter().map(|s| s.as_str().to_owned()).collect();
        Detection {
            format: d.format.into(),
            presentment: d.presentment.into(),
            schemes,
            routes: d.routes.into_iter().map(Into::into).collect(),
            merchant: d.merchant.map(Into::into),
            amount: d.amount.map(Into::into),
            currency: d.currency.map(Into::into),
            country: d.country,
            initiation: d.initiation.map(Into::into),
            tip: d.tip.map(Into::into),
            references: d.references.into_iter().map(Into::into).collect(),
            crc: d.crc.into(),
            expires_at: d.expires_at_ms.map(crate::time::at_ms),
            warnings: d.warnings.into_iter().map(|w| Warning { code: w.code.to_owned(), message: w.message }).collect(),
        }
    }
}

/// Detects what a scanned `payload` is, judging expiry by the device clock.
#[uniffi::export]
pub fn detect(payload: String) -> Result<Detection, DetectionError> {
    Ok(core::detect(&payload)?.into())
}

/// Detects what `payload` is as of `now`, for expiring codes and tests.
#[uniffi::export]
pub fn detect_at(payload: String, now: SystemTime) -> Result<Detection, DetectionError> {
    Ok(core::detect_at(&payload, crate::time::millis(now))?.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_promptpay_transfer_mirrors_the_core() {
        let d = detect("00020101021129370016A0000006770101110113006681222333353037645802TH63041DCF".into()).unwrap();
        assert_eq!((d.format, d.presentment), (PayloadFormat::EmvMpm, Presentment::P2p));
        assert_eq!(d.schemes, ["promptpay"]);
        assert_eq!(d.routes[0].scheme_name, "PromptPay");
        assert_eq!(d.routes[0].tag, Some(29));
        assert_eq!(d.currency.unwrap().alpha, "THB");
        assert_eq!(d.crc, CrcStatus::Valid);
        assert_eq!(payload_format_id(d.format), "emv-mpm");
    }

    #[test]
    fn format_ids_round_trip_through_the_mirror() {
        for f in [
            PayloadFormat::QqWallet,
            PayloadFormat::NumericPaycode,
            PayloadFormat::NotAPayment,
            PayloadFormat::SwissQrBill,
        ] {
            assert_eq!(PayloadFormat::from(core::Format::from(f)), f);
        }
        assert_eq!(payload_format_id(PayloadFormat::QqWallet), "qqwallet");
    }
}
