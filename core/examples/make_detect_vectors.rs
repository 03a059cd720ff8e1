//! Writes `tests/vectors/detect.json`: payloads we build ourselves and what detection must say.
//!
//! The payloads come from the EMV encoder (or are typed in by hand); the expectations below
//! are written from the scheme rules in `../shared/docs/schemes.md`, not read back from
//! `detect`, so the Rust (`core/tests/detect_vectors.rs`), Kotlin and Swift tests check
//! the detector against an independent statement. Run again only when a case changes:
//! `cargo run -p koban-core --example make_detect_vectors`.

use koban_core::emv::{crc16_hex, Account, AlternateLanguage, Field, Initiation, MerchantCode, Template};
use koban_core::money::{Currency, Money};
use serde_json::{json, Value};

fn cur(alpha: &str) -> Currency {
    Currency::from_alpha(alpha).expect("known currency")
}

fn tpl(tag: u8, guid: &str, fields: &[(u8, &str)]) -> Account {
    Account::Template(Template::with_guid(tag, guid, fields.iter().map(|(t, v)| (*t, (*v).to_owned()))))
}

fn encode(code: &MerchantCode) -> String {
    code.encode().expect("the vector's code encodes")
}

/// Replaces the CRC of `payload` (which ends in `6304XXXX`) with the right one for its new body.
fn recrc(body_with_6304: &str) -> String {
    format!("{body_with_6304}{}", crc16_hex(body_with_6304.as_bytes()))
}

struct Expect {
    format: &'static str,
    presentment: &'static str,
    schemes: &'static [&'static str],
    amount: Option<(i64, &'static str)>,
    currency: Option<&'static str>,
    merchant_name: Option<&'static str>,
    crc_valid: Option<bool>,
}

fn ok(name: &str, payload: String, e: Expect, extra: Value) -> Value {
    let mut expect = json!({
        "format": e.format,
        "presentment": e.presentment,
        "schemes": e.schemes,
        "amount_minor": e.amount.map(|a| a.0),
        "amount_currency": e.amount.map(|a| a.1),
        "currency": e.currency,
        "merchant_name": e.merchant_name,
        "crc_valid": e.crc_valid,
    });
    if let (Some(map), Value::Object(more)) = (expect.as_object_mut(), extra) {
        map.extend(more);
    }
    json!({ "name": name, "payload": payload, "expect": expect })
}

fn err(name: &str, payload: String, kind: &str, message_contains: &str) -> Value {
    json!({ "name": name, "payload": payload, "error": { "kind": kind, "message_contains": message_contains } })
}

fn main() {
    let mut cases = Vec::new();

    // PromptPay credit transfer to a mobile number (§3): a person, no merchant fields.
    let promptpay = {
        let mut c = MerchantCode::new("TH", cur("THB"));
        c.accounts = vec![tpl(29, "A000000677010111", &[(1, "0066812223333")])];
        encode(&c)
    };
    cases.push(ok(
        "promptpay transfer to a mobile number",
        promptpay.clone(),
        Expect {
            format: "emv-mpm",
            presentment: "p2p",
            schemes: &["promptpay"],
            amount: None,
            currency: Some("THB"),
            merchant_name: None,
            crc_valid: Some(true),
        },
        json!({ "warnings_include": ["missing_merchant_name"] }),
    ));

    // A Thai shop accepting Visa, PromptPay and PromptPay bill payment (§3).
    let mut c = MerchantCode::new("TH", cur("THB"));
    c.initiation = Some(Initiation::Dynamic);
    c.accounts = vec![
        Account::Primitive { tag: 2, value: "4787720005263409".into() },
        tpl(29, "A000000677010111", &[(1, "0066812223333")]),
        tpl(30, "A000000677010112", &[(1, "010753600031501"), (2, "INV0042")]),
    ];
    c.merchant_category = Some("5812".into());
    c.amount = Some(Money::from_minor(15000, cur("THB")));
    c.merchant_name = Some("SOM TUM PA DA".into());
    c.merchant_city = Some("BANGKOK".into());
    cases.push(ok(
        "thai multi-network merchant",
        encode(&c),
        Expect {
            format: "emv-mpm",
            presentment: "merchant",
            schemes: &["visa", "promptpay", "promptpay-billpay"],
            amount: Some((15000, "THB")),
            currency: Some("THB"),
            merchant_name: Some("SOM TUM PA DA"),
            crc_valid: Some(true),
        },
        json!({}),
    ));

    // JPQR (§15) with the merchant's Japanese name in tag 64: lengths count characters.
    let mut c = MerchantCode::new("JP", cur("JPY"));
    c.initiation = Some(Initiation::Dynamic);
    c.accounts = vec![tpl(26, "jp.or.paymentsjapan", &[(1, "0000012345678"), (2, "0001"), (3, "0002")])];
    c.merchant_category = Some("5812".into());
    c.amount = Some(Money::from_minor(1200, cur("JPY")));
    c.merchant_name = Some("KOBAN CAFE".into());
    c.merchant_city = Some("TOKYO".into());
    c.alternate_language =
        Some(AlternateLanguage {
            language: "JA".into(), name: "こばんカフェ".into(), city: Some("東京".into())
        });
    cases.push(ok(
        "jpqr with a japanese alternate name",
        encode(&c),
        Expect {
            format: "emv-mpm",
            presentment: "merchant",
            schemes: &["jpqr"],
            amount: Some((1200, "JPY")),
            currency: Some("JPY"),
            merchant_name: Some("KOBAN CAFE"),
            crc_valid: Some(true),
        },
        json!({ "alternate_language": "JA", "alternate_name": "こばんカフェ" }),
    ));

    // PayNow to a company UEN inside an SGQR label (§4); bill number left for the payer (***).
    let mut c = MerchantCode::new("SG", cur("SGD"));
    c.accounts = vec![
        tpl(26, "SG.PAYNOW", &[(1, "2"), (2, "201403121W"), (3, "1")]),
        tpl(
            51,
            "SG.SGQR",
            &[(1, "SG2311220001"), (2, "01.0001"), (3, "018956"), (4, "01"), (5, "12"), (6, "0000"), (7, "20231122")],
        ),
    ];
    c.merchant_category = Some("5814".into());
    c.merchant_name = Some("HAWKER 88".into());
    c.merchant_city = Some("Singapore".into());
    c.additional_data = vec![Field::new(1, "***")];
    cases.push(ok(
        "paynow uen inside sgqr",
        encode(&c),
        Expect {
            format: "emv-mpm",
            presentment: "merchant",
            schemes: &["paynow", "sgqr"],
            amount: None,
            currency: Some("SGD"),
            merchant_name: Some("HAWKER 88"),
            crc_valid: Some(true),
        },
        json!({ "ask_payer": ["bill_number"] }),
    ));

    // QRIS (§5): an issuer template (ShopeePay) plus the national template 51.
    let mut c = MerchantCode::new("ID", cur("IDR"));
    c.initiation = Some(Initiation::Dynamic);
    c.accounts = vec![
        tpl(26, "ID.CO.SHOPEE.WWW", &[(1, "936009180000000001"), (2, "SHOPEE000000001"), (3, "UMI")]),
        tpl(51, "ID.CO.QRIS.WWW", &[(2, "ID1023000000001"), (3, "UMI")]),
    ];
    c.merchant_category = Some("5499".into());
    c.amount = Some(Money::from_minor(2_500_000, cur("IDR")));
    c.merchant_name = Some("WARUNG KOBAN".into());
    c.merchant_city = Some("JAKARTA".into());
    c.postal_code = Some("10110".into());
    cases.push(ok(
        "qris issuer and national templates",
        encode(&c),
        Expect {
            format: "emv-mpm",
            presentment: "merchant",
            schemes: &["shopeepay", "qris"],
            amount: Some((2_500_000, "IDR")),
            currency: Some("IDR"),
            merchant_name: Some("WARUNG KOBAN"),
            crc_valid: Some(true),
        },
        json!({}),
    ));

    // DuitNow (§6) writes payload format indicator "02": accepted with a warning.
    let mut c = MerchantCode::new("MY", cur("MYR"));
    c.accounts = vec![tpl(26, "A0000006150001", &[(1, "890053"), (2, "0000000000012345")])];
    c.merchant_category = Some("5411".into());
    c.merchant_name = Some("KEDAI RUNCIT ALI".into());
    c.merchant_city = Some("KUALA LUMPUR".into());
    let encoded = encode(&c);
    let body = encoded[..encoded.len() - 4].replacen("000201", "000202", 1);
    cases.push(ok(
        "duitnow with format indicator 02",
        recrc(&body),
        Expect {
            format: "emv-mpm",
            presentment: "merchant",
            schemes: &["duitnow"],
            amount: None,
            currency: Some("MYR"),
            merchant_name: Some("KEDAI RUNCIT ALI"),
            crc_valid: Some(true),
        },
        json!({ "warnings_include": ["payload_format_indicator_02"] }),
    ));

    // KHQR (§7): an individual's Bakong account id in tag 29, where the GUID would be.
    let mut c = MerchantCode::new("KH", cur("USD"));
    c.accounts = vec![tpl(29, "koban_test@aclb", &[(1, "85512345678"), (2, "ACLEDA Bank")])];
    c.merchant_category = Some("5999".into());
    c.merchant_name = Some("SOK DARA".into());
    c.merchant_city = Some("PHNOM PENH".into());
    cases.push(ok(
        "khqr individual in usd",
        encode(&c),
        Expect {
            format: "emv-mpm",
            presentment: "p2p",
            schemes: &["khqr"],
            amount: None,
            currency: Some("USD"),
            merchant_name: Some("SOK DARA"),
            crc_valid: Some(true),
        },
        json!({}),
    ));

    // VietQR (§8): NAPAS transfer to an account (QRIBFTTA), bank BIN and account nested in 38/01.
    let mut c = MerchantCode::new("VN", cur("VND"));
    c.initiation = Some(Initiation::Dynamic);
    c.accounts = vec![tpl(38, "A000000727", &[(1, "000697043601130011001234567"), (2, "QRIBFTTA")])];
    c.amount = Some(Money::from_minor(50_000, cur("VND")));
    c.additional_data = vec![Field::new(8, "TIEN AN")];
    cases.push(ok(
        "vietqr account transfer",
        encode(&c),
        Expect {
            format: "emv-mpm",
            presentment: "p2p",
            schemes: &["vietqr"],
            amount: Some((50_000, "VND")),
            currency: Some("VND"),
            merchant_name: None,
            crc_valid: Some(true),
        },
        json!({ "identifier": "0011001234567" }),
    ));

    // QR Ph person-to-person (§9) over InstaPay.
    let mut c = MerchantCode::new("PH", cur("PHP"));
    c.accounts = vec![tpl(27, "com.p2pqrpay", &[(1, "GXCHPHM2XXX"), (2, "99964403"), (4, "09171234567")])];
    c.merchant_category = Some("6016".into());
    c.merchant_name = Some("JUAN DELA CRUZ".into());
    c.merchant_city = Some("MANILA".into());
    cases.push(ok(
        "qr ph p2p over instapay",
        encode(&c),
        Expect {
            format: "emv-mpm",
            presentment: "p2p",
            schemes: &["qrph", "instapay"],
            amount: None,
            currency: Some("PHP"),
            merchant_name: Some("JUAN DELA CRUZ"),
            crc_valid: Some(true),
        },
        json!({}),
    ));

    // A UPI intent link with an amount (§14).
    cases.push(ok(
        "upi intent link",
        "upi://pay?pa=koban.shop@okaxis&pn=Koban%20Shop&am=250.00&cu=INR&mc=5411&tn=Order%2042".into(),
        Expect {
            format: "upi",
            presentment: "merchant",
            schemes: &["upi"],
            amount: Some((25_000, "INR")),
            currency: Some("INR"),
            merchant_name: Some("Koban Shop"),
            crc_valid: None,
        },
        json!({}),
    ));

    // An Alipay collect URL (the shape of personal receive-money codes).
    cases.push(ok(
        "alipay collect url",
        "https://qr.alipay.com/FKX09876KOBANTEST01".into(),
        Expect {
            format: "alipay",
            presentment: "merchant",
            schemes: &["alipay"],
            amount: None,
            currency: None,
            merchant_name: None,
            crc_valid: None,
        },
        json!({ "identifier": "FKX09876KOBANTEST01" }),
    ));

    // A WeChat Pay shopper code: 18 digits starting 10-15, shown by the shopper (§26).
    cases.push(ok(
        "wechat pay shopper code digits",
        "134567890123456789".into(),
        Expect {
            format: "numeric-paycode",
            presentment: "consumer",
            schemes: &["wechatpay"],
            amount: None,
            currency: None,
            merchant_name: None,
            crc_valid: None,
        },
        json!({}),
    ));

    // Koban's own consumer-presented code (the first cpm.json vector's QR text).
    cases.push(ok(
        "koban consumer-presented code",
        "hQVDUFYwMWFJTwfwS09CQU4BUAVLT0JBTloISQAAAAAAAAFfJAMmESRjJ58mCCLuPd35I9TtnycBgJ82AgABnzcEAQIDBJ8QCQEAAAAAawUn4A==".into(),
        Expect { format: "emv-cpm", presentment: "consumer", schemes: &["koban-cpm"], amount: None, currency: None, merchant_name: None, crc_valid: None },
        json!({}),
    ));

    // Refused codes: the kind apps branch on and words of the message users read.
    let body = &promptpay[..promptpay.len() - 4];
    let wrong = if promptpay.ends_with("0000") { "FFFF" } else { "0000" };
    cases.push(err("crc mismatch", format!("{body}{wrong}"), "crc_mismatch", "CRC mismatch: the code carries"));
    cases.push(err(
        "malformed tlv: template runs past the end",
        "00020101021126200010SG.PAYNOW".into(),
        "malformed_tlv",
        "declares 20 characters",
    ));
    cases.push(err("empty payload", "".into(), "empty", "the payload is empty"));
    let mut c = MerchantCode::new("SG", cur("SGD"));
    c.initiation = Some(Initiation::Dynamic);
    c.amount = Some(Money::from_minor(1_250, cur("SGD")));
    c.accounts = vec![tpl(26, "SG.PAYNOW", &[(1, "0"), (2, "+6591234567"), (3, "0"), (4, "20260101")])];
    c.merchant_name = Some("TAN AH KOW".into());
    c.merchant_city = Some("Singapore".into());
    let mut expired = err("paynow code past its expiry date", encode(&c), "expired", "the code expired at");
    // 2026-11-24: after the code's 2026-01-01 expiry.
    expired["now_ms"] = json!(1_795_500_000_000i64);
    cases.push(expired);
    cases.push(err(
        "jpqr in a currency other than yen",
        {
            let mut c = MerchantCode::new("JP", cur("USD"));
            c.accounts = vec![tpl(26, "jp.or.paymentsjapan", &[(1, "0000012345678")])];
            c.merchant_category = Some("5812".into());
            c.merchant_name = Some("KOBAN CAFE".into());
            c.merchant_city = Some("TOKYO".into());
            encode(&c)
        },
        "currency_mismatch",
        "JPQR codes must be in JPY, this one is in USD",
    ));

    let doc = json!({
        "about": "Detection vectors shared by the Rust, Kotlin and Swift tests; made by core/examples/make_detect_vectors.rs. now_ms, where given, is the clock to detect at; otherwise detect at 0 (before any expiry). schemes compare as sets; *_include lists must be contained.",
        "vectors": cases,
    });
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/detect.json");
    std::fs::write(path, serde_json::to_string_pretty(&doc).expect("JSON") + "\n").expect("write detect.json");
    eprintln!("wrote {} vectors to {path}", cases_len(&doc));
}

fn cases_len(doc: &Value) -> usize {
    doc["vectors"].as_array().map_or(0, Vec::len)
}
