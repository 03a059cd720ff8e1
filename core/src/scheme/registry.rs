//! The scheme registry: which ids exist, and the table of rules that recognise them in EMV codes.
//!
//! Adding a scheme is adding rows here, not code. Sources for every rule are in
//! `../shared/docs/schemes.md` (section numbers in the comments).

use std::fmt;

/// A payment scheme or network, by its stable lower-case id ("promptpay", "qris"…).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemeId(&'static str);

impl SchemeId {
    /// The stable id.
    pub const fn as_str(self) -> &'static str {
        self.0
    }

    /// Looks an id up among the known schemes.
    pub fn from_id(id: &str) -> Option<SchemeId> {
        SCHEMES.iter().map(|s| s.id).find(|s| s.0 == id)
    }

    /// The scheme's display name ("PromptPay").
    pub fn name(self) -> &'static str {
        SCHEMES.iter().find(|s| s.id == self).map(|s| s.name).unwrap_or(self.0)
    }
}

impl fmt::Debug for SchemeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for SchemeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl serde::Serialize for SchemeId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

/// One known scheme.
#[derive(Debug)]
pub struct SchemeInfo {
    /// Stable id.
    pub id: SchemeId,
    /// Display name.
    pub name: &'static str,
    /// Home country (ISO 3166-1 alpha-2), for national schemes.
    pub country: Option<&'static str>,
}

macro_rules! schemes {
    ($( $konst:ident $id:literal $name:literal $country:expr ;)*) => {
        $( #[doc = concat!("The ", $name, " scheme id.")] pub const $konst: SchemeId = SchemeId($id); )*
        /// Every scheme Koban recognises.
        pub static SCHEMES: &[SchemeInfo] = &[ $( SchemeInfo { id: $konst, name: $name, country: $country }, )* ];
    };
}

schemes! {
    JPQR "jpqr" "JPQR" Some("JP");
    PROMPTPAY "promptpay" "PromptPay" Some("TH");
    PROMPTPAY_BILLPAY "promptpay-billpay" "PromptPay bill payment" Some("TH");
    THAI_PAYMENT_INNOVATION "thai-payment-innovation" "Thai QR payment innovation" Some("TH");
    TRUEMONEY "truemoney" "TrueMoney Wallet" Some("TH");
    PAYNOW "paynow" "PayNow" Some("SG");
    SGQR "sgqr" "SGQR" Some("SG");
    NETS "nets" "NETS" Some("SG");
    GRABPAY "grabpay" "GrabPay" Some("SG");
    DASH "dash" "Singtel Dash" Some("SG");
    QRIS "qris" "QRIS" Some("ID");
    QRIS_TRANSFER "qris-transfer" "QRIS Transfer" Some("ID");
    ASTRAPAY "astrapay" "AstraPay" Some("ID");
    DANA "dana" "DANA" Some("ID");
    GOPAY "gopay" "GoPay" Some("ID");
    OVO "ovo" "OVO" Some("ID");
    DOKU "doku" "DOKU" Some("ID");
    SPINPAY "spinpay" "SpinPay" Some("ID");
    LINKAJA "linkaja" "LinkAja" Some("ID");
    SHOPEEPAY "shopeepay" "ShopeePay" Some("ID");
    DUITNOW "duitnow" "DuitNow" Some("MY");
    KHQR "khqr" "KHQR (Bakong)" Some("KH");
    VIETQR "vietqr" "VietQR (NAPAS)" Some("VN");
    VNPAY "vnpay" "VNPAY-QR" Some("VN");
    QRPH "qrph" "QR Ph" Some("PH");
    INSTAPAY "instapay" "InstaPay" Some("PH");
    FPS "fps" "FPS" Some("HK");
    UPI "upi" "UPI" Some("IN");
    BHARATQR "bharatqr" "Bharat QR" Some("IN");
    RUPAY "rupay" "RuPay" Some("IN");
    PIX "pix" "Pix" Some("BR");
    PIX_AUTOMATICO "pix-automatico" "Pix Automático" Some("BR");
    BR_SPI "br-spi" "SPI (pre-Pix)" Some("BR");
    FONEPAY "fonepay" "Fonepay" Some("NP");
    LANKAQR "lankaqr" "LankaQR" Some("LK");
    UNIONPAY "unionpay" "UnionPay" None;
    VISA "visa" "Visa" None;
    MASTERCARD "mastercard" "Mastercard" None;
    JCB "jcb" "JCB" None;
    AMEX "amex" "American Express" None;
    DISCOVER "discover" "Discover" None;
    EMVCO_GENERIC "emvco-generic" "EMVCo (unrecognised network)" None;
    ALIPAY "alipay" "Alipay" Some("CN");
    WECHATPAY "wechatpay" "WeChat Pay" Some("CN");
    PAYPAY "paypay" "PayPay" Some("JP");
    QQWALLET "qqwallet" "QQ Wallet" Some("CN");
    EPC "epc" "SEPA credit transfer (EPC QR)" None;
    SWISS_QR_BILL "swiss-qr-bill" "Swiss QR-bill" Some("CH");
    BITCOIN "bitcoin" "Bitcoin" None;
    LIGHTNING "lightning" "Lightning" None;
    JPQR_CPM "jpqr-cpm" "JPQR consumer-presented" Some("JP");
    MERPAY "merpay" "Merpay" Some("JP");
    QRIS_CPM "qris-cpm" "QRIS consumer-presented" Some("ID");
    KOBAN_CPM "koban-cpm" "Koban consumer-presented" None;
    KOBAN_RECEIVE "koban-receive" "Koban receive code" None;
    THAI_SLIP_VERIFY "thai-slip-verify" "Thai transfer slip" Some("TH");
    THAI_BOT_BARCODE "thai-bot-barcode" "Bank of Thailand bill barcode" Some("TH");
}

/// How a template is recognised.
#[derive(Debug)]
pub(crate) enum Matcher {
    /// Sub-tag 00 equals this identifier (ASCII case-insensitive; Pix writes both cases).
    Guid(&'static str),
    /// Sub-tag 00 starts with this identifier (AIDs with suffixes, FPS variants).
    GuidPrefix(&'static str),
    /// Sub-tag 00 is an account id `name@bank` (KHQR puts no GUID there, §7).
    AccountWithAt,
    /// Sub-tag 00 is all digits of this length (LankaQR's merchant id, §13).
    Digits(usize),
    /// Sub-tag `.0` starts with `.1` (QRIS national merchant PAN, §5).
    SubPrefix(u8, &'static str),
    /// Anything: the fallback for unrecognised networks.
    Any,
}

/// When a rule's route pays a person rather than a merchant.
#[derive(Debug)]
pub(crate) enum P2p {
    Never,
    Always,
    /// When the template sits at this tag (KHQR 29 individual, 30 merchant).
    AtTag(u8),
    /// When sub-tag `.0` has one of these values.
    SubIn(u8, &'static [&'static str]),
}

/// A condition on a template's sub-fields.
#[derive(Debug)]
pub(crate) enum Cond {
    Always,
    SubPrefix(u8, &'static str),
    SubEquals(u8, &'static str),
}

/// Where a named field comes from.
#[derive(Debug)]
pub(crate) enum Extract {
    /// Sub-tag of the template.
    Sub(u8, &'static str),
    /// Sub-tag of a sub-template (VietQR's beneficiary in 38/01, §8).
    Nested(u8, u8, &'static str),
}

/// Which scheme-specific checks apply beyond EMVCo's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    None,
    /// KHQR timestamps in tag 99 (13-digit ms); dynamic codes need an expiration (§7).
    Khqr,
    /// PayNow expiry date in sub-tag 04, `YYYYMMDD[hhmmss]` (§4).
    PayNowExpiry,
}

/// One row of the template table.
#[derive(Debug)]
pub(crate) struct TemplateRule {
    pub scheme: SchemeId,
    pub tags: (u8, u8),
    pub matcher: Matcher,
    pub country: Option<&'static str>,
    pub mcc: Option<&'static str>,
    /// At least one of these sub-tags must be present (Pix: a key or a location).
    pub requires_any: &'static [u8],
    /// `None`: recognised but produces no route (a Pix template holding only its GUID).
    pub role: Option<super::RouteRole>,
    pub p2p: P2p,
    pub fields: &'static [Extract],
    /// Field names to use as the route's identifier, first present wins.
    pub identifier: &'static [&'static str],
    /// Schemes this route also stands for (an issuer's QRIS template is a QRIS route).
    pub implies: &'static [(SchemeId, Cond)],
    pub check: Check,
}

use super::RouteRole::{Label, Payable};
use Extract::{Nested, Sub};

const fn rule(scheme: SchemeId, tags: (u8, u8), matcher: Matcher) -> TemplateRule {
    TemplateRule {
        scheme,
        tags,
        matcher,
        country: None,
        mcc: None,
        requires_any: &[],
        role: Some(Payable),
        p2p: P2p::Never,
        fields: &[],
        identifier: &[],
        implies: &[],
        check: Check::None,
    }
}

const ACCOUNT: (u8, u8) = (26, 51);
const UNRESERVED: (u8, u8) = (80, 99);
const QRIS_ISSUER_FIELDS: &[Extract] = &[Sub(1, "merchant_pan"), Sub(2, "merchant_id"), Sub(3, "merchant_criteria")];
const CARD_FIELDS: &[Extract] = &[Sub(1, "merchant_id"), Sub(2, "merchant_pan")];

const fn qris_issuer(scheme: SchemeId, guid: &'static str) -> TemplateRule {
    TemplateRule {
        country: Some("ID"),
        fields: QRIS_ISSUER_FIELDS,
        identifier: &["merchant_pan"],
        implies: &[(QRIS, Cond::Always)],
        ..rule(scheme, (26, 45), Matcher::Guid(guid))
    }
}

const fn card(scheme: SchemeId, aid: &'static str) -> TemplateRule {
    TemplateRule {
        fields: CARD_FIELDS,
        identifier: &["merchant_id", "merchant_pan"],
        ..rule(scheme, ACCOUNT, Matcher::GuidPrefix(aid))
    }
}

/// GUID of the template that carries a Koban wallet handle in a receive code.
///
/// A receive code is an EMV MPM with point of initiation 11, template 26 = {00: this GUID,
/// 01: handle}, MCC 0000 (person to person), the wallet's currency and country, and the
/// display name in tag 59; the wallet host makes them.
pub const KOBAN_P2P_GUID: &str = "dev.koban.p2p";

/// Template rules, most specific first; the first match names the template.
pub(crate) static TEMPLATE_RULES: &[TemplateRule] = &[
    // §5 QRIS Transfer: template 40 with a national PAN, MCC 4829.
    TemplateRule {
        country: Some("ID"),
        mcc: Some("4829"),
        p2p: P2p::Always,
        fields: &[Sub(0, "reverse_domain"), Sub(1, "customer_pan"), Sub(2, "beneficiary_id"), Sub(4, "bic")],
        identifier: &["beneficiary_id", "customer_pan"],
        ..rule(QRIS_TRANSFER, (40, 40), Matcher::SubPrefix(1, "9360"))
    },
    // §5 QRIS national template (current and legacy GUIDs).
    TemplateRule {
        country: Some("ID"),
        fields: &[Sub(2, "nmid"), Sub(3, "merchant_criteria")],
        identifier: &["nmid"],
        ..rule(QRIS, ACCOUNT, Matcher::Guid("ID.CO.QRIS.WWW"))
    },
    TemplateRule {
        country: Some("ID"),
        fields: &[Sub(2, "nmid"), Sub(3, "merchant_criteria")],
        identifier: &["nmid"],
        ..rule(QRIS, ACCOUNT, Matcher::Guid("ID.OR.GPNQR.WWW"))
    },
    // §5 QRIS issuers, by reverse-domain GUID.
    qris_issuer(ASTRAPAY, "COM.ASTRAPAY.WWW"),
    qris_issuer(ASTRAPAY, "ID.CO.ASTRAPAY.WWW"),
    qris_issuer(DANA, "ID.DANA.WWW"),
    qris_issuer(DANA, "ID.CO.DANA.WWW"),
    qris_issuer(GOPAY, "COM.GO-JEK.WWW"),
    qris_issuer(OVO, "ID.OVO"),
    qris_issuer(OVO, "ID.CO.OVO.WWW"),
    qris_issuer(DOKU, "COM.DOKU.WWW"),
    qris_issuer(SPINPAY, "ID.SPINPAY.WWW"),
    qris_issuer(LINKAJA, "ID.LINKAJA.WWW"),
    qris_issuer(SHOPEEPAY, "ID.CO.SHOPEE.WWW"),
    // §5 any other issuer template carrying a national merchant PAN (9360…) is a QRIS route.
    TemplateRule {
        country: Some("ID"),
        fields: QRIS_ISSUER_FIELDS,
        identifier: &["merchant_pan"],
        ..rule(QRIS, (26, 45), Matcher::SubPrefix(1, "9360"))
    },
    // §3 PromptPay credit transfer (AnyID): mobile, national/tax id, e-wallet.
    TemplateRule {
        p2p: P2p::Always,
        fields: &[Sub(1, "mobile"), Sub(2, "national_id"), Sub(3, "ewallet_id"), Sub(4, "bank_account")],
        identifier: &["mobile", "national_id", "ewallet_id", "bank_account"],
        implies: &[(TRUEMONEY, Cond::SubPrefix(3, "14000"))],
        ..rule(PROMPTPAY, ACCOUNT, Matcher::Guid("A000000677010111"))
    },
    TemplateRule {
        fields: &[Sub(1, "biller_id"), Sub(2, "ref1"), Sub(3, "ref2")],
        identifier: &["biller_id"],
        ..rule(PROMPTPAY_BILLPAY, ACCOUNT, Matcher::Guid("A000000677010112"))
    },
    TemplateRule {
        fields: &[Sub(1, "acquirer"), Sub(2, "merchant_id"), Sub(3, "ref"), Sub(4, "terminal_ref"), Sub(5, "ref2")],
        identifier: &["merchant_id"],
        ..rule(THAI_PAYMENT_INNOVATION, ACCOUNT, Matcher::Guid("A000000677010113"))
    },
    // §4 Singapore.
    TemplateRule {
        p2p: P2p::SubIn(1, &["0"]),
        fields: &[Sub(1, "proxy_type"), Sub(2, "proxy_value"), Sub(3, "amount_editable"), Sub(4, "expiry")],
        identifier: &["proxy_value"],
        check: Check::PayNowExpiry,
        ..rule(PAYNOW, ACCOUNT, Matcher::Guid("SG.PAYNOW"))
    },
    TemplateRule {
        role: Some(Label),
        fields: &[
            Sub(1, "sgqr_id"),
            Sub(2, "version"),
            Sub(3, "postal_code"),
            Sub(4, "level"),
            Sub(5, "unit"),
            Sub(6, "misc"),
            Sub(7, "revision_date"),
        ],
        identifier: &["sgqr_id"],
        ..rule(SGQR, ACCOUNT, Matcher::Guid("SG.SGQR"))
    },
    TemplateRule {
        fields: &[Sub(1, "qr_metadata"), Sub(2, "merchant_id"), Sub(3, "terminal_id"), Sub(99, "signature")],
        identifier: &["merchant_id"],
        ..rule(NETS, ACCOUNT, Matcher::Guid("SG.COM.NETS"))
    },
    TemplateRule {
        fields: &[Sub(1, "merchant_id")],
        identifier: &["merchant_id"],
        ..rule(GRABPAY, ACCOUNT, Matcher::Guid("com.grab"))
    },
    TemplateRule {
        fields: &[Sub(1, "account")],
        identifier: &["account"],
        ..rule(DASH, ACCOUNT, Matcher::Guid("sg.com.dash.www"))
    },
    // §6 DuitNow (payload format indicator "02" is handled as a warning elsewhere).
    TemplateRule {
        fields: &[Sub(1, "acquirer_id"), Sub(2, "account"), Sub(3, "expiry_ms")],
        identifier: &["account"],
        ..rule(DUITNOW, ACCOUNT, Matcher::Guid("A0000006150001"))
    },
    // §7 KHQR: the Bakong account id sits where the GUID would be.
    TemplateRule {
        country: Some("KH"),
        p2p: P2p::AtTag(29),
        fields: &[Sub(0, "bakong_account_id"), Sub(1, "account_information"), Sub(2, "acquiring_bank")],
        identifier: &["bakong_account_id"],
        check: Check::Khqr,
        ..rule(KHQR, (29, 30), Matcher::AccountWithAt)
    },
    // §8 VietQR / NAPAS.
    TemplateRule {
        p2p: P2p::SubIn(2, &["QRIBFTTA", "QRIBFTTC"]),
        fields: &[Nested(1, 0, "bin"), Nested(1, 1, "account"), Sub(2, "service_code")],
        identifier: &["account"],
        ..rule(VIETQR, ACCOUNT, Matcher::Guid("A000000727"))
    },
    // Vietnam's VNPAY-QR (not in schemes.md; inferred from public merchant codes and VNPAY's
    // merchant API): GUID A000000775 (the API's `masterMerCode`), 01 the merchant code
    // (`merchantCode`); bill number, store and terminal (`terminalId`) sit in 62/01, 03 and 07
    // like any EMV code. A merchant payment: VNPAY-QR has no person-to-person form.
    TemplateRule {
        fields: &[Sub(1, "merchant_id")],
        identifier: &["merchant_id"],
        ..rule(VNPAY, ACCOUNT, Matcher::Guid("A000000775"))
    },
    // §9 QR Ph.
    TemplateRule {
        fields: &[Sub(1, "bic"), Sub(3, "merchant_account"), Sub(4, "extra_04"), Sub(5, "extra_05")],
        identifier: &["merchant_account"],
        ..rule(QRPH, ACCOUNT, Matcher::Guid("ph.ppmi.p2m"))
    },
    TemplateRule {
        p2p: P2p::Always,
        fields: &[Sub(1, "bic"), Sub(2, "proxy_or_channel"), Sub(3, "account"), Sub(4, "extra_04")],
        // §9: a person-to-person code names the payee by 03 or 04 ("account or identifier").
        identifier: &["account", "extra_04"],
        implies: &[(INSTAPAY, Cond::SubEquals(2, "99964403"))],
        ..rule(QRPH, ACCOUNT, Matcher::Guid("com.p2pqrpay"))
    },
    // §12 Hong Kong FPS.
    TemplateRule {
        fields: &[Sub(1, "participant_code"), Sub(2, "fps_id"), Sub(3, "mobile"), Sub(4, "email")],
        identifier: &["fps_id", "mobile", "email"],
        ..rule(FPS, ACCOUNT, Matcher::GuidPrefix("hk.com.hkicl"))
    },
    // §10 Pix: a key or a location makes it payable; a template holding only the GUID is the
    // placeholder of a recurrence-only code and names nothing by itself.
    TemplateRule {
        requires_any: &[1, 25],
        fields: &[Sub(1, "key"), Sub(2, "info"), Sub(3, "fss"), Sub(25, "location_url")],
        identifier: &["key", "location_url"],
        ..rule(PIX, ACCOUNT, Matcher::Guid("br.gov.bcb.pix"))
    },
    TemplateRule { role: None, ..rule(PIX, ACCOUNT, Matcher::Guid("br.gov.bcb.pix")) },
    TemplateRule {
        requires_any: &[25],
        fields: &[Sub(25, "recurrence_url")],
        identifier: &["recurrence_url"],
        ..rule(PIX_AUTOMATICO, UNRESERVED, Matcher::Guid("br.gov.bcb.pix"))
    },
    TemplateRule {
        role: Some(Label),
        fields: &[Sub(21, "ispb"), Sub(22, "branch"), Sub(23, "account"), Sub(24, "account_id")],
        ..rule(BR_SPI, ACCOUNT, Matcher::Guid("br.gov.bcb.spi"))
    },
    // §15 JPQR.
    TemplateRule {
        country: Some("JP"),
        fields: &[Sub(1, "merchant_id_level1"), Sub(2, "level2"), Sub(3, "level3"), Sub(4, "level4")],
        identifier: &["merchant_id_level1"],
        ..rule(JPQR, ACCOUNT, Matcher::Guid("jp.or.paymentsjapan"))
    },
    // §13 Nepal and Sri Lanka.
    TemplateRule {
        fields: &[Sub(1, "terminal"), Sub(7, "merchant_id")],
        identifier: &["merchant_id"],
        ..rule(FONEPAY, ACCOUNT, Matcher::Guid("fonepay.com"))
    },
    TemplateRule {
        country: Some("LK"),
        fields: &[Sub(0, "merchant_id")],
        identifier: &["merchant_id"],
        ..rule(LANKAQR, ACCOUNT, Matcher::Digits(28))
    },
    // §14 UPI inside Bharat QR: 26 is the VPA, 27 a reference template.
    TemplateRule {
        fields: &[Sub(1, "vpa"), Sub(2, "amount_field")],
        identifier: &["vpa"],
        ..rule(UPI, (26, 26), Matcher::Guid("A000000524"))
    },
    TemplateRule {
        role: Some(Label),
        fields: &[Sub(1, "reference")],
        ..rule(UPI, ACCOUNT, Matcher::Guid("A000000524"))
    },
    // Card networks' AIDs in templates (EMV RIDs).
    card(VISA, "A000000003"),
    card(MASTERCARD, "A000000004"),
    card(AMEX, "A000000025"),
    card(JCB, "A000000065"),
    card(DISCOVER, "A000000152"),
    card(UNIONPAY, "A000000333"),
    // A Koban wallet's receive code: a handle to send to, not a merchant to pay.
    TemplateRule {
        p2p: P2p::Always,
        fields: &[Sub(1, "handle")],
        identifier: &["handle"],
        ..rule(KOBAN_RECEIVE, ACCOUNT, Matcher::Guid(KOBAN_P2P_GUID))
    },
    // Anything else in 26-51 is a network Koban does not know: kept, not payable here.
    TemplateRule { role: Some(Label), fields: &[], ..rule(EMVCO_GENERIC, ACCOUNT, Matcher::Any) },
];

/// How a primitive account value (tags 02-25) is split into fields.
#[derive(Debug)]
pub(crate) enum Layout {
    Whole(&'static str),
    /// Fixed-width parts, used when the value has exactly their total length (UnionPay, §11).
    Split(&'static str, &'static [(usize, &'static str)]),
}

/// One row of the primitive-tag table.
#[derive(Debug)]
pub(crate) struct PrimitiveRule {
    pub tags: (u8, u8),
    pub country: Option<&'static str>,
    pub scheme: SchemeId,
    pub role: super::RouteRole,
    pub layout: Layout,
}

const fn prim(
    tags: (u8, u8),
    country: Option<&'static str>,
    scheme: SchemeId,
    role: super::RouteRole,
    layout: Layout,
) -> PrimitiveRule {
    PrimitiveRule { tags, country, scheme, role, layout }
}

/// Primitive account tags (EMVCo MPM Table 4.1; India's use of 06-08, §14).
pub(crate) static PRIMITIVE_RULES: &[PrimitiveRule] = &[
    prim((2, 3), None, VISA, Payable, Layout::Whole("merchant_pan")),
    prim((4, 5), None, MASTERCARD, Payable, Layout::Whole("merchant_pan")),
    prim((6, 6), Some("IN"), RUPAY, Payable, Layout::Whole("merchant_pan")),
    prim((8, 8), Some("IN"), BHARATQR, Payable, Layout::Whole("ifsc_account")),
    prim((9, 10), None, DISCOVER, Payable, Layout::Whole("merchant_pan")),
    prim((11, 12), None, AMEX, Payable, Layout::Whole("merchant_pan")),
    prim((13, 14), None, JCB, Payable, Layout::Whole("merchant_pan")),
    prim(
        (15, 16),
        None,
        UNIONPAY,
        Payable,
        Layout::Split("merchant_pan", &[(8, "acquirer_iin"), (8, "forwarding_iin"), (15, "merchant_id")]),
    ),
    prim((2, 25), None, EMVCO_GENERIC, Label, Layout::Whole("account")),
];

/// A label implied by the whole code rather than one template.
#[derive(Debug)]
pub(crate) struct CodeLabel {
    pub scheme: SchemeId,
    pub country: &'static str,
    /// Present when any of these routes is.
    pub any_of: &'static [SchemeId],
}

/// Code-level labels: Bharat QR is India's umbrella over cards and UPI (§14).
pub(crate) static CODE_LABELS: &[CodeLabel] =
    &[CodeLabel { scheme: BHARATQR, country: "IN", any_of: &[VISA, MASTERCARD, RUPAY, UPI] }];

/// Country rules: a domestic scheme's currency (JPQR accepts JPY only; mercari/go-emv-code `mpm/jpqr`).
pub(crate) static DOMESTIC_CURRENCY: &[(&str, &str, &str)] = &[("JP", "JPY", "JPQR")];

/// One row of the consumer-presented application table.
#[derive(Debug)]
pub(crate) struct CpmRule {
    /// ADF name (AID) prefix, upper-case hex.
    pub aid_prefix: &'static str,
    /// Application PAN prefix, when the issuer is told by the number (JPQR CPM numbering, §16).
    pub pan_prefix: Option<&'static str>,
    pub scheme: SchemeId,
}

/// Consumer-presented applications (§2, §16).
pub(crate) static CPM_RULES: &[CpmRule] = &[
    CpmRule { aid_prefix: "A0000006022020", pan_prefix: None, scheme: QRIS_CPM },
    CpmRule { aid_prefix: "A000000065039202", pan_prefix: None, scheme: JPQR_CPM },
    CpmRule { aid_prefix: "A000000065039202", pan_prefix: Some("31589900"), scheme: MERPAY },
    CpmRule { aid_prefix: crate::cpm::KOBAN_AID, pan_prefix: None, scheme: KOBAN_CPM },
    // A000000333 is UnionPay's registered application provider identifier (RID); CPM
    // matches applications by AID prefix (§2, CPM spec §5.1.4), so every UnionPay
    // application (A000000333010101 debit, …0102 credit…) is a UnionPay route.
    CpmRule { aid_prefix: "A000000333", pan_prefix: None, scheme: UNIONPAY },
];

/// One row of the numeric payment-code table (§26).
#[derive(Debug)]
pub(crate) struct NumericRule {
    pub scheme: SchemeId,
    /// Accepted two-digit prefixes, inclusive range.
    pub prefix: (u8, u8),
    /// Accepted total lengths, inclusive.
    pub len: (usize, usize),
}

/// Numeric shopper payment codes: WeChat Pay `^1[0-5]\d{16}$`, Alipay `^(2[5-9]|30)\d{14,22}$`, UnionPay `^62\d{17}$`.
pub(crate) static NUMERIC_RULES: &[NumericRule] = &[
    NumericRule { scheme: WECHATPAY, prefix: (10, 15), len: (18, 18) },
    NumericRule { scheme: ALIPAY, prefix: (25, 30), len: (16, 24) },
    NumericRule { scheme: UNIONPAY, prefix: (62, 62), len: (19, 19) },
    NumericRule { scheme: KOBAN_CPM, prefix: (88, 88), len: (36, 36) },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_ids_are_unique_lowercase_and_resolvable() {
        for (i, s) in SCHEMES.iter().enumerate() {
            assert!(s.id.as_str().bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{}", s.id);
            assert!(SCHEMES[i + 1..].iter().all(|o| o.id != s.id), "{} twice", s.id);
            assert_eq!(SchemeId::from_id(s.id.as_str()), Some(s.id));
        }
    }

    #[test]
    fn every_template_rule_uses_a_valid_tag_range() {
        for r in TEMPLATE_RULES {
            assert!(r.tags.0 <= r.tags.1 && (26..=99).contains(&r.tags.0), "{r:?}");
            assert!(
                r.identifier
                    .iter()
                    .all(|id| r.fields.iter().any(|f| matches!(f, Sub(_, n) | Nested(_, _, n) if n == id))),
                "{r:?}"
            );
        }
        // The catch-all must come last or it would hide every rule after it.
        assert!(matches!(TEMPLATE_RULES.last().unwrap().matcher, Matcher::Any));
    }
}
