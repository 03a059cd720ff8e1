//! The normalised result of detection: one shape for every scheme.

use super::SchemeId;
use crate::emv::{AlternateLanguage, Initiation, Tip};
use crate::money::{Currency, Money};
use std::fmt;

/// The family of payload, before any scheme is considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Format {
    /// EMVCo merchant-presented TLV (and every national scheme built on it).
    #[serde(rename = "emv-mpm")]
    EmvMpm,
    /// EMVCo consumer-presented code (base64 BER-TLV, `hQVDUFY…`).
    #[serde(rename = "emv-cpm")]
    EmvCpm,
    /// A `upi://pay` intent link.
    #[serde(rename = "upi")]
    Upi,
    /// An Alipay collect URL or deep link.
    #[serde(rename = "alipay")]
    Alipay,
    /// A WeChat Pay collect or order URL.
    #[serde(rename = "wechat")]
    Wechat,
    /// A PayPay code URL or deep link.
    #[serde(rename = "paypay")]
    Paypay,
    /// A QQ Wallet collect URL.
    #[serde(rename = "qqwallet")]
    QqWallet,
    /// EPC069-12 SEPA credit transfer ("GiroCode").
    #[serde(rename = "epc")]
    Epc,
    /// Swiss QR-bill.
    #[serde(rename = "swiss-qr-bill")]
    SwissQrBill,
    /// BIP21 `bitcoin:` URI.
    #[serde(rename = "bip21")]
    Bip21,
    /// Lightning BOLT11 invoice.
    #[serde(rename = "bolt11")]
    Bolt11,
    /// A numeric shopper payment code (Alipay, WeChat Pay, UnionPay) read at a till.
    #[serde(rename = "numeric-paycode")]
    NumericPaycode,
    /// Recognised, and not a payment request (transfer slips, bill barcodes).
    #[serde(rename = "not-a-payment")]
    NotAPayment,
    /// Nothing Koban recognises.
    #[serde(rename = "unknown")]
    Unknown,
}

impl Format {
    /// The stable lower-case name used in JSON and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::EmvMpm => "emv-mpm",
            Format::EmvCpm => "emv-cpm",
            Format::Upi => "upi",
            Format::Alipay => "alipay",
            Format::Wechat => "wechat",
            Format::Paypay => "paypay",
            Format::QqWallet => "qqwallet",
            Format::Epc => "epc",
            Format::SwissQrBill => "swiss-qr-bill",
            Format::Bip21 => "bip21",
            Format::Bolt11 => "bolt11",
            Format::NumericPaycode => "numeric-paycode",
            Format::NotAPayment => "not-a-payment",
            Format::Unknown => "unknown",
        }
    }
}

/// Who shows the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
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

impl Presentment {
    /// The stable lower-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Presentment::Merchant => "merchant",
            Presentment::Consumer => "consumer",
            Presentment::P2p => "p2p",
            Presentment::Unknown => "unknown",
        }
    }
}

/// What a route is good for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteRole {
    /// A network by which the code can be paid.
    Payable,
    /// Recognised metadata, not a way to pay (the SGQR registry label, a legacy arrangement).
    Label,
}

/// A named value read from a route's account data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RouteField {
    /// Stable snake_case name, e.g. `proxy_value`, `merchant_id`.
    pub name: &'static str,
    /// The value as the code carries it.
    pub value: String,
}

/// One way to pay (or one recognised label of) a code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Route {
    /// Which scheme.
    pub scheme: SchemeId,
    /// Payable route or label.
    pub role: RouteRole,
    /// True when the route pays a person rather than a merchant.
    pub p2p: bool,
    /// The EMV tag it came from (26, 2…), where there is one; JSON writes it as two digits.
    #[serde(serialize_with = "two_digits")]
    pub tag: Option<u8>,
    /// The template's globally unique identifier, where there is one.
    pub guid: Option<String>,
    /// The main account, proxy or merchant identifier.
    pub identifier: Option<String>,
    /// Every other field the scheme defines.
    pub fields: Vec<RouteField>,
}

fn two_digits<S: serde::Serializer>(tag: &Option<u8>, s: S) -> Result<S::Ok, S::Error> {
    match tag {
        Some(t) => s.collect_str(&format_args!("{t:02}")),
        None => s.serialize_none(),
    }
}

impl Route {
    /// The value of field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|f| f.name == name).map(|f| f.value.as_str())
    }
}

/// Who is paid.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
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

/// Which reference a code carries (EMV tag 62 sub-tags and their equivalents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
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
    /// 62/09: what the merchant wants the payer to provide (A address, M mobile, E e-mail).
    ConsumerDataRequest,
    /// A free-text note (UPI `tn`, EPC remittance text).
    Note,
}

/// A reference value, or a request that the payer type it in (`***`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reference {
    /// Which reference.
    pub kind: ReferenceKind,
    /// The value; `None` means the app must ask the payer for it.
    pub value: Option<String>,
}

/// How the code's checksum checked out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum CrcStatus {
    /// The checksum matches.
    Valid,
    /// The checksum does not match: the code is damaged or was edited.
    Invalid {
        /// What the code carries.
        found: String,
        /// What the payload computes to.
        computed: String,
    },
    /// The format has a checksum but the code carries none.
    Missing,
    /// The format has no checksum.
    NotApplicable,
}

impl CrcStatus {
    /// `Some(true/false)` where a checksum could be checked, `None` otherwise.
    pub fn is_valid(&self) -> Option<bool> {
        match self {
            CrcStatus::Valid => Some(true),
            CrcStatus::Invalid { .. } => Some(false),
            CrcStatus::Missing | CrcStatus::NotApplicable => None,
        }
    }
}

/// A business-rule deviation that real codes make; reported, not refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// Stable snake_case code, e.g. `payload_format_indicator_02`.
    pub code: &'static str,
    /// A readable explanation.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Warning {
        Warning { code, message: message.into() }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// One scan, normalised: what the payload is, whom it pays, how much, and every route to pay it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Detection {
    /// Payload family.
    pub format: Format,
    /// Who presents it.
    pub presentment: Presentment,
    /// Payable routes first (in payload order), then labels.
    pub routes: Vec<Route>,
    /// Who is paid.
    pub merchant: Option<Merchant>,
    /// The amount fixed by the code; `None` means the payer enters it.
    pub amount: Option<Money>,
    /// The currency the code is denominated in.
    pub currency: Option<Currency>,
    /// ISO 3166-1 alpha-2 country of the payee.
    pub country: Option<String>,
    /// Static (reusable) or dynamic (one payment), where the format says.
    pub initiation: Option<Initiation>,
    /// Tip or convenience-fee rule.
    pub tip: Option<Tip>,
    /// Bill numbers, reference labels, terminal, purpose; `***` turned into "ask the payer".
    pub references: Vec<Reference>,
    /// Checksum status.
    pub crc: CrcStatus,
    /// When the code stops being payable, in Unix milliseconds, where it says.
    pub expires_at_ms: Option<i64>,
    /// Business-rule deviations.
    pub warnings: Vec<Warning>,
}

impl Detection {
    /// An empty result of `format`, to be filled in by a detector.
    pub(crate) fn new(format: Format, presentment: Presentment) -> Detection {
        Detection {
            format,
            presentment,
            routes: Vec::new(),
            merchant: None,
            amount: None,
            currency: None,
            country: None,
            initiation: None,
            tip: None,
            references: Vec::new(),
            crc: CrcStatus::NotApplicable,
            expires_at_ms: None,
            warnings: Vec::new(),
        }
    }

    /// Every scheme id, payable routes first, each once.
    pub fn schemes(&self) -> Vec<SchemeId> {
        let mut out: Vec<SchemeId> = Vec::with_capacity(self.routes.len());
        for role in [RouteRole::Payable, RouteRole::Label] {
            for r in self.routes.iter().filter(|r| r.role == role) {
                if !out.contains(&r.scheme) {
                    out.push(r.scheme);
                }
            }
        }
        out
    }

    /// The payable routes, in payload order.
    pub fn payable_routes(&self) -> impl Iterator<Item = &Route> {
        self.routes.iter().filter(|r| r.role == RouteRole::Payable)
    }

    /// The first payable route of `scheme`.
    pub fn route(&self, scheme: SchemeId) -> Option<&Route> {
        self.payable_routes().find(|r| r.scheme == scheme)
    }

    /// True when some route can be paid.
    pub fn is_payable(&self) -> bool {
        self.payable_routes().next().is_some()
    }

    /// The reference of `kind`, if the code carries one.
    pub fn reference(&self, kind: ReferenceKind) -> Option<&Reference> {
        self.references.iter().find(|r| r.kind == kind)
    }
}
