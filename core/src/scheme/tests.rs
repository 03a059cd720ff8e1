//! Unit tests of detection on payloads we build ourselves (the corpus suite is in core/tests).

use super::registry::*;
use super::*;
use crate::emv::{Account, Initiation, MerchantCode, Template};
use crate::money::{Currency, Money};

fn cur(a: &str) -> Currency {
    Currency::from_alpha(a).unwrap()
}

#[test]
fn empty_and_unknown_payloads() {
    assert_eq!(detect("  \n").unwrap_err(), DetectError::Empty);
    let d = detect("hello world").unwrap();
    assert_eq!((d.format, d.presentment), (Format::Unknown, Presentment::Unknown));
    assert!(d.routes.is_empty());
}

#[test]
fn a_multi_network_thai_code_lists_every_route_payable_first() {
    let mut code = MerchantCode::new("TH", cur("THB"));
    code.accounts = vec![
        Account::Primitive { tag: 2, value: "4787720005263409".into() },
        Account::Template(Template::with_guid(29, "A000000677010111", [(1, "0066812223333".to_string())])),
        Account::Template(Template::with_guid(
            30,
            "A000000677010112",
            [(1, "010753600031501".to_string()), (2, "REF1".to_string())],
        )),
        Account::Template(Template::with_guid(31, "UNKNOWN.NETWORK", [(1, "x".to_string())])),
    ];
    code.merchant_category = Some("5812".into());
    code.merchant_name = Some("SOM TUM".into());
    code.merchant_city = Some("BANGKOK".into());
    let d = detect(&code.encode().unwrap()).unwrap();
    let ids: Vec<_> = d.schemes().iter().map(|s| s.as_str()).collect();
    assert_eq!(ids, ["visa", "promptpay", "promptpay-billpay", "emvco-generic"]);
    assert_eq!(d.route(PROMPTPAY).unwrap().field("mobile"), Some("0066812223333"));
    assert_eq!(d.route(PROMPTPAY_BILLPAY).unwrap().identifier.as_deref(), Some("010753600031501"));
    assert_eq!(d.presentment, Presentment::Merchant);
    assert_eq!(d.crc, CrcStatus::Valid);
}

#[test]
fn a_promptpay_transfer_is_person_to_person_and_warns_nothing_missing_is_fatal() {
    let d = detect("00020101021129370016A0000006770101110113006681222333353037645802TH63041DCF").unwrap();
    assert_eq!(d.presentment, Presentment::P2p);
    assert!(d.merchant.is_none());
    assert_eq!(d.currency, Some(cur("THB")));
    let codes: Vec<_> = d.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["missing_mcc", "missing_merchant_name", "missing_merchant_city"]);
}

#[test]
fn ask_the_payer_references_and_tips() {
    let mut code = MerchantCode::new("SG", cur("SGD"));
    code.accounts = vec![Account::Template(Template::with_guid(
        26,
        "SG.PAYNOW",
        [(1, "2".into()), (2, "201403121W".into()), (3, "1".into())],
    ))];
    code.additional_data = vec![crate::emv::Field::new(1, "***"), crate::emv::Field::new(7, "T1")];
    code.tip = Some(crate::emv::Tip::Percentage { hundredths: 70 });
    let d = detect(&code.encode().unwrap()).unwrap();
    assert_eq!(
        d.reference(ReferenceKind::BillNumber),
        Some(&Reference { kind: ReferenceKind::BillNumber, value: None })
    );
    assert_eq!(d.reference(ReferenceKind::TerminalLabel).unwrap().value.as_deref(), Some("T1"));
    assert_eq!(d.tip, Some(crate::emv::Tip::Percentage { hundredths: 70 }));
    assert_eq!(d.route(PAYNOW).unwrap().identifier.as_deref(), Some("201403121W"));
}

#[test]
fn expiring_codes_are_refused_after_their_time() {
    let mut code = MerchantCode::new("SG", cur("SGD"));
    code.initiation = Some(Initiation::Dynamic);
    code.amount = Some(Money::from_minor(500, cur("SGD")));
    code.accounts = vec![Account::Template(Template::with_guid(
        26,
        "SG.PAYNOW",
        [(1, "0".into()), (2, "+6591234567".into()), (4, "20250101".into())],
    ))];
    let payload = code.encode().unwrap();
    let before = detect_at(&payload, 1_700_000_000_000).unwrap();
    assert!(before.expires_at_ms.is_some());
    let err = detect_at(&payload, 1_800_000_000_000).unwrap_err();
    assert_eq!(err.kind(), "expired");
    assert_eq!(err.partial().unwrap().amount, Some(Money::from_minor(500, cur("SGD"))));
}

#[test]
fn structural_errors_have_kinds_and_never_a_partial() {
    let err = detect("000201010211265999あ").unwrap_err();
    assert_eq!(err.kind(), "malformed_tlv");
    assert!(err.partial().is_none());
    assert!(err.to_string().contains("offset 12"), "{err}");
    assert_eq!(detect("0102115802TH").unwrap_err().kind(), "missing_payload_format_indicator");
}

#[test]
fn amounts_follow_the_currency_exponent() {
    let base = "00020101021229370016A00000067701011101130066812223333530376454";
    let with = |amount: &str| {
        let body = format!("{base}{:02}{amount}5802TH6304", amount.len());
        let crc = crate::emv::crc16_hex(body.as_bytes());
        detect(&format!("{body}{crc}"))
    };
    assert_eq!(with("98.73").unwrap().amount.unwrap().minor(), 9873);
    assert_eq!(with("98.").unwrap().amount.unwrap().minor(), 9800);
    assert_eq!(with("98,73").unwrap_err().kind(), "invalid_amount");
    assert_eq!(with("1e3").unwrap_err().kind(), "invalid_amount");
    assert_eq!(with("1.005").unwrap_err().kind(), "invalid_amount");
    let zero = with("0.00").unwrap();
    assert!(zero.amount.is_none());
    assert!(zero.warnings.iter().any(|w| w.code == "zero_amount"));
}

#[test]
fn uri_schemes_compare_case_insensitively() {
    let d = detect("HTTPS://QR.ALIPAY.COM/FKX15240TMKBTPVUNBW32E0").unwrap();
    assert_eq!((d.format, d.schemes()), (Format::Alipay, vec![ALIPAY]));
    let d = detect("UPI://pay?pa=shop@okaxis&pn=Shop&am=12.50&mc=5411").unwrap();
    assert_eq!(d.amount, Some(Money::from_minor(1250, cur("INR"))));
    assert_eq!(d.presentment, Presentment::Merchant);
    assert_eq!(detect("upi://pay?pn=NoPayee").unwrap_err().kind(), "malformed");
    assert_eq!(detect("upi://pay?pa=a@b&am=1,5").unwrap_err().kind(), "invalid_amount");
}

#[test]
fn deep_links_unwrap_to_the_code_inside() {
    let d = detect(
        "alipays://platformapi/startapp?appId=10000007&qrcode=https%3A%2F%2Fqr.alipay.com%2FFKX00710CQCHIHK4B9CA31",
    )
    .unwrap();
    assert_eq!(d.routes[0].identifier.as_deref(), Some("FKX00710CQCHIHK4B9CA31"));
    let d = detect("paypay://payment?link_key=https%3A%2F%2Fqr.paypay.ne.jp%2F28180104abc").unwrap();
    assert_eq!((d.format, d.routes[0].identifier.as_deref()), (Format::Paypay, Some("28180104abc")));
    let d = detect("weixin://wxpay/bizpayurl?pr=AbCdEfG").unwrap();
    assert_eq!((d.format, d.routes[0].identifier.as_deref()), (Format::Wechat, Some("AbCdEfG")));
}

#[test]
fn numeric_codes_are_consumer_presented() {
    let d = detect("6212345678901234567").unwrap();
    assert_eq!((d.format, d.presentment, d.schemes()), (Format::NumericPaycode, Presentment::Consumer, vec![UNIONPAY]));
    let d = detect("9912345678901234").unwrap();
    assert!(d.routes.is_empty() && d.warnings[0].code == "unknown_issuer");
}

#[test]
fn consumer_codes_never_expose_the_account() {
    let d = detect("hQVDUFYwMWEfTwigAAAAZQOSAlcTMViZAHkkKUPUkSEhAAAFEgAADw==").unwrap();
    assert_eq!(d.presentment, Presentment::Consumer);
    assert_eq!(d.schemes(), vec![JPQR_CPM, MERPAY]);
    let shown = format!("{d:?}");
    assert!(!shown.contains("3158990079242943"), "{shown}");
    assert_eq!(detect("hQVDUFYwMW==").unwrap_err().kind(), "malformed");
}

#[test]
fn a_bill_barcode_with_a_zero_amount_has_no_amount() {
    // Found by the `detect` fuzz target: amounts are never zero or negative.
    let d = detect("|099400016550100\r10\r1\r0").unwrap();
    assert_eq!((d.format, d.amount), (Format::NotAPayment, None));
    let d = detect("|099400016550100\r10\r1\r364922").unwrap();
    assert_eq!(d.amount, Some(Money::from_minor(364922, cur("THB"))));
}

/// A consumer-presented code (CPM spec Table 3.1: `85` "CPV01", then a `61` application
/// template holding `4F` ADF name and `5A` PAN), as base64 QR text.
fn cpm_code(aid_hex: &str, pan: &str) -> String {
    use base64::Engine as _;
    let hex = |s: &str| -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    };
    let mut app = Vec::new();
    crate::cpm::ber::encode(0x4F, &hex(aid_hex), &mut app);
    crate::cpm::ber::encode(0x5A, &hex(pan), &mut app);
    let mut out = Vec::new();
    crate::cpm::ber::encode(0x85, b"CPV01", &mut out);
    crate::cpm::ber::encode(0x61, &app, &mut out);
    base64::engine::general_purpose::STANDARD.encode(out)
}

#[test]
fn unionpay_consumer_codes_are_named_by_unionpays_rid() {
    // CPM matches an application by exact or prefix AID (CPM spec §5.1.4): every AID
    // under UnionPay's RID A000000333 is UnionPay, whatever its suffix.
    for aid in ["A000000333", "A000000333010101", "A000000333010102", "A000000333010103"] {
        let d = detect(&cpm_code(aid, "6212345678901234")).unwrap();
        assert_eq!((d.format, d.presentment), (Format::EmvCpm, Presentment::Consumer), "{aid}");
        assert_eq!(d.schemes(), vec![UNIONPAY], "{aid}");
        assert_eq!(d.routes[0].role, RouteRole::Payable);
    }
    // Another RID is not UnionPay's.
    assert_eq!(detect(&cpm_code("A000000334010101", "6212345678901234")).unwrap().schemes(), vec![EMVCO_GENERIC]);
}

#[test]
fn upi_links_are_read_as_form_encoded() {
    // schemes.md §14: values are URL-encoded; Android's `Uri.getQueryParameter`, which UPI
    // apps read intents with, turns `+` into a space, and `%2B` is a literal plus.
    let d =
        detect("upi://pay?pa=sharma.store%40okicici&pn=Sharma+General+Store&tn=Rice+%2B+dal&am=120&mc=5411").unwrap();
    assert_eq!(d.merchant.as_ref().unwrap().name.as_deref(), Some("Sharma General Store"));
    assert_eq!(d.routes[0].identifier.as_deref(), Some("sharma.store@okicici"));
    assert_eq!(d.reference(ReferenceKind::Note).unwrap().value.as_deref(), Some("Rice + dal"));
    assert_eq!(d.routes[0].field("tn"), Some("Rice + dal"));
}

#[test]
fn qr_ph_person_to_person_codes_name_the_payee_by_03_or_04() {
    // schemes.md §9: template 27 `com.p2pqrpay` carries the account or identifier in 03 or 04.
    let p2p = |subs: &[(u8, &str)]| {
        let mut code = MerchantCode::new("PH", cur("PHP"));
        let mut fields = vec![(1, "GXCHPHM2XXX".to_string()), (2, "99964403".to_string())];
        fields.extend(subs.iter().map(|(t, v)| (*t, (*v).to_string())));
        code.accounts = vec![Account::Template(Template::with_guid(27, "com.p2pqrpay", fields))];
        code.merchant_category = Some("6016".into());
        detect(&code.encode().unwrap()).unwrap()
    };
    let id = |d: &Detection| d.route(QRPH).and_then(|r| r.identifier.clone());
    assert_eq!(id(&p2p(&[(3, "09171234567")])).as_deref(), Some("09171234567"));
    assert_eq!(id(&p2p(&[(4, "DWQM4TK3JDNWVJGXW")])).as_deref(), Some("DWQM4TK3JDNWVJGXW"));
    assert_eq!(id(&p2p(&[(3, "09171234567"), (4, "DWQM4TK3JDNWVJGXW")])).as_deref(), Some("09171234567"));
    let only_04 = p2p(&[(4, "DWQM4TK3JDNWVJGXW")]);
    assert_eq!(only_04.presentment, Presentment::P2p);
    assert_eq!(id(&only_04), only_04.route(INSTAPAY).and_then(|r| r.identifier.clone()));
}

#[test]
fn vnpay_qr_is_recognised_with_its_merchant_fields() {
    // VNPAY-QR: template (26 in practice) with GUID A000000775 and the merchant code in 01;
    // VND has no minor unit (ISO 4217 exponent 0), references in 62 as EMVCo defines them.
    for tag in [26, 38, 51] {
        let mut code = MerchantCode::new("VN", cur("VND"));
        code.initiation = Some(Initiation::Dynamic);
        code.accounts =
            vec![Account::Template(Template::with_guid(tag, "A000000775", [(1, "0106913377".to_string())]))];
        code.merchant_category = Some("5045".into());
        code.amount = Some(Money::from_minor(55000, cur("VND")));
        code.merchant_name = Some("POS365".into());
        code.merchant_city = Some("HANOI".into());
        code.additional_data = vec![
            crate::emv::Field::new(1, "ND03427"),
            crate::emv::Field::new(3, "POS365 Hanoi"),
            crate::emv::Field::new(7, "POS01"),
        ];
        let d = detect(&code.encode().unwrap()).unwrap();
        assert_eq!((d.format, d.presentment, d.schemes()), (Format::EmvMpm, Presentment::Merchant, vec![VNPAY]));
        let r = d.route(VNPAY).unwrap();
        assert_eq!((r.tag, r.guid.as_deref(), r.p2p), (Some(tag), Some("A000000775"), false));
        assert_eq!((r.identifier.as_deref(), r.field("merchant_id")), (Some("0106913377"), Some("0106913377")));
        assert_eq!(d.amount, Some(Money::from_minor(55000, cur("VND"))));
        assert_eq!(d.merchant.as_ref().unwrap().name.as_deref(), Some("POS365"));
        assert_eq!(d.reference(ReferenceKind::TerminalLabel).unwrap().value.as_deref(), Some("POS01"));
        assert_eq!(d.reference(ReferenceKind::BillNumber).unwrap().value.as_deref(), Some("ND03427"));
        assert_eq!(d.reference(ReferenceKind::StoreLabel).unwrap().value.as_deref(), Some("POS365 Hanoi"));
    }
    // A merchant code as VNPAY prints it (sample from a public VNPAY-QR decoder).
    let d = detect(
        "00020101021226280010A00000077501100106913377520450455303704540115802VN5906POS3656005HANOI\
         62410112ND03427/06180312POS365 Hanoi0705POS01630493CE",
    )
    .unwrap();
    assert_eq!(d.schemes(), vec![VNPAY]);
    assert_eq!(d.routes[0].identifier.as_deref(), Some("0106913377"));
    assert_eq!(d.amount, Some(Money::from_minor(1, cur("VND"))));
}

#[test]
fn bip21_amounts_are_decimal_btc_with_satoshi_precision() {
    // BIP21: `amount` is decimal BTC, `*digit [ "." *digit ]`, a period and no commas.
    let btc = |minor| Some(Money::from_minor(minor, Currency::BTC));
    let at =
        |amount: &str| detect(&format!("bitcoin:175tWpb8K1S7NmH4Zx6rewF9WQrcZv245W?amount={amount}&label=Luke-Jr"));
    for (text, sat) in [
        ("50", 5_000_000_000),
        ("50.00", 5_000_000_000),
        ("20.3", 2_030_000_000),
        ("0.001", 100_000),
        (".5", 50_000_000),
        ("0.00000001", 1),
        ("0.000000010", 1),
    ] {
        let d = at(text).unwrap();
        assert_eq!((d.amount, d.currency), (btc(sat), Some(Currency::BTC)), "{text}");
    }
    assert_eq!(at("0.001").unwrap().amount.unwrap().to_decimal_string(), "0.00100000");
    for bad in ["50,000.00", "1e3", "-1", "0.000000001", "1.2.3"] {
        let e = at(bad).unwrap_err();
        assert_eq!(e.kind(), "invalid_amount", "{bad}");
        assert_eq!(e.partial().unwrap().schemes(), vec![BITCOIN]);
    }
    let zero = at("0").unwrap();
    assert!(zero.amount.is_none() && zero.warnings.iter().any(|w| w.code == "zero_amount"));
    let none = detect("bitcoin:175tWpb8K1S7NmH4Zx6rewF9WQrcZv245W").unwrap();
    assert_eq!((none.amount, none.currency), (None, Some(Currency::BTC)));
}

#[test]
fn bolt11_amounts_become_btc_with_8_decimals() {
    // The BOLT11 spec example "1 cup coffee": 2500u = 0.0025 BTC = 250000 satoshis.
    let coffee = "lnbc2500u1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpu9qrsgquk0rl77nj30yxdy8j9vdx85fkpmdla2087ne0xh8nhedh8w27kyke0lp53ut353s06fv3qfegext0eh0ymjpf39tuven09sam30g4vgpfna3rh";
    let d = detect(coffee).unwrap();
    assert_eq!(d.amount, Some(Money::from_minor(250_000, Currency::BTC)));
    assert_eq!(d.amount.unwrap().to_decimal_string(), "0.00250000");
    assert_eq!(d.currency, Some(Currency::BTC));
    assert_eq!(d.route(LIGHTNING).unwrap().field("amount_msat"), Some("250000000"));
    // The amount lives in the human-readable part, which the checksum covers: another
    // multiplier is read (and then fails the checksum), a bad one is refused by its own rule.
    let e = detect(&coffee.replacen("2500u", "2500n", 1)).unwrap_err();
    assert_eq!(e.kind(), "bad_checksum");
    assert_eq!(e.partial().unwrap().amount, Some(Money::from_minor(250, Currency::BTC)));
    let e = detect(&coffee.replacen("2500u", "2501p", 1)).unwrap_err();
    let DetectError::Rejected { reasons, .. } = &e else { panic!("{e:?}") };
    assert!(reasons.iter().any(|r| matches!(r, Rejection::InvalidAmount { .. })), "{reasons:?}");
}
