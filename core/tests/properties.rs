//! Property tests: the encoder round-trips, and no input makes a parser panic.

use koban_core::cpm::{CodeForm, TokenCode};
use koban_core::crypto::LimitedUseKey;
use koban_core::emv::{Account, AlternateLanguage, CrcCheck, Field, Initiation, MerchantCode, MpmView, Template, Tip};
use koban_core::money::{Currency, Money};
use koban_core::scheme::{detect_at, DetectError};
use proptest::prelude::*;

/// Text as merchants write it: Latin, Thai, Japanese, Khmer, digits that look like TLV.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            proptest::char::range('A', 'Z'),
            proptest::char::range('0', '9'),
            Just(' '),
            proptest::char::range('ก', 'ฮ'),
            proptest::char::range('あ', 'ん'),
            proptest::char::range('ក', 'អ'),
            Just('*'),
        ],
        1..=max,
    )
    .prop_map(|c| c.into_iter().collect())
}

fn currency() -> impl Strategy<Value = Currency> {
    let all: Vec<Currency> = Currency::all().collect();
    proptest::sample::select(all)
}

fn fields(first_tag: u8, n: usize) -> impl Strategy<Value = Vec<Field>> {
    proptest::collection::vec((1u8..=20, text(12)), 0..=n).prop_map(move |v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (step, value))| Field::new((first_tag as usize + i * 20 + step as usize).min(99) as u8, value))
            .collect()
    })
}

fn template(tag: u8) -> impl Strategy<Value = Template> {
    (
        prop_oneof![
            Just("jp.or.paymentsjapan".to_string()),
            Just("A000000677010111".to_string()),
            Just("SG.PAYNOW".to_string()),
            Just("ID.CO.QRIS.WWW".to_string()),
            "[A-Za-z0-9.]{1,32}"
        ],
        fields(0, 3),
    )
        .prop_map(move |(guid, mut f)| {
            f.retain(|x| x.tag != 0);
            f.dedup_by_key(|x| x.tag);
            let mut fields = vec![Field::new(0, guid)];
            fields.extend(f);
            Template { tag, fields }
        })
}

prop_compose! {
    fn merchant_code()(
        currency in currency(),
        minor in proptest::option::of(1i64..=999_999_999),
        initiation in proptest::option::of(prop_oneof![Just(Initiation::Static), Just(Initiation::Dynamic)]),
        country in "[A-Z]{2}",
        tags in proptest::sample::subsequence((26u8..=51).collect::<Vec<_>>(), 0..=3),
        primitive in proptest::option::of((2u8..=25, "[0-9]{8,19}")),
        templates in proptest::collection::vec(template(26), 3),
        mcc in proptest::option::of("[0-9]{4}"),
        name in proptest::option::of(text(25)),
        city in proptest::option::of(text(15)),
        postal in proptest::option::of("[0-9]{3,10}"),
        tip in proptest::option::of(prop_oneof![Just(0u32), 1u32..=9999]),
        additional in fields(1, 4),
        alternate in proptest::option::of((prop_oneof![Just("JA"), Just("TH"), Just("ZH"), Just("KM")], text(20), proptest::option::of(text(10)))),
        unreserved in proptest::option::of(template(80)),
    ) -> MerchantCode {
        let mut code = MerchantCode::new(&country, currency);
        code.initiation = initiation;
        if let Some((tag, value)) = primitive {
            code.accounts.push(Account::Primitive { tag, value });
        }
        for (tag, mut t) in tags.into_iter().zip(templates) {
            t.tag = tag;
            code.accounts.push(Account::Template(t));
        }
        code.merchant_category = mcc;
        code.amount = minor.map(|m| Money::from_minor(m, currency));
        code.tip = tip.map(|h| if h == 0 { Tip::Prompt } else { Tip::Percentage { hundredths: h } });
        code.merchant_name = name;
        code.merchant_city = city;
        code.postal_code = postal;
        code.additional_data = additional.into_iter().filter(|f| f.tag <= 99).collect();
        code.alternate_language = alternate.map(|(language, name, city)| AlternateLanguage { language: language.into(), name, city });
        code.unreserved = unreserved.into_iter().collect();
        code
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn encode_then_parse_round_trips(code in merchant_code()) {
        let payload = match code.encode() {
            Ok(p) => p,
            // A template whose fields add up past 99 characters cannot be encoded: that is refused, not truncated.
            Err(koban_core::emv::EncodeError::Length { len, .. }) => { prop_assert!(len > 99); return Ok(()); }
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        };
        let view = MpmView::parse(&payload).map_err(|e| TestCaseError::fail(format!("{e}: {payload}")))?;
        prop_assert_eq!(view.crc(), &CrcCheck::Valid);
        let read = MerchantCode::from_view(&view);
        prop_assert_eq!(read.as_ref(), Some(&code));
        // Detection reads the same amount, currency and merchant (or refuses on a scheme rule, keeping them).
        let d = match detect_at(&payload, 0) {
            Ok(d) => d,
            Err(DetectError::Rejected { detection, .. }) => *detection,
            Err(e) => return Err(TestCaseError::fail(format!("{e}: {payload}"))),
        };
        prop_assert_eq!(d.amount, code.amount);
        prop_assert_eq!(d.currency, Some(code.currency));
        prop_assert_eq!(d.merchant.and_then(|m| m.name), code.merchant_name.clone());
    }

    #[test]
    fn detection_never_panics_on_arbitrary_text(s in "\\PC{0,200}") {
        let _ = detect_at(&s, 0);
    }

    #[test]
    fn detection_never_panics_on_damaged_codes(code in merchant_code(), cut in 0usize..400, at in 0usize..400, c in proptest::char::any()) {
        if let Ok(payload) = code.encode() {
            let chars: Vec<char> = payload.chars().collect();
            let truncated: String = chars.iter().take(cut % (chars.len() + 1)).collect();
            let _ = detect_at(&truncated, 0);
            let mut flipped = chars.clone();
            let i = at % flipped.len();
            flipped[i] = c;
            let flipped: String = flipped.into_iter().collect();
            // A damaged code is never accepted as a payment: the CRC catches the change, or the
            // text stops being EMV at all (then it is `unknown`, which nobody pays).
            if let Ok(d) = detect_at(&flipped, 0) {
                prop_assert!(flipped == payload || chars[i].eq_ignore_ascii_case(&c) || !d.is_payable(), "{payload} -> {flipped}");
            }
        }
    }
}

/// Reads `text` as a till does and, when it reads, uses the code as a host would: no step may panic.
fn parse_and_use(text: &str, now: u64) {
    if let Ok(code) = TokenCode::parse(text, now) {
        // No reader hands on a cut-down or padded cryptogram.
        assert_eq!(code.cryptogram.len(), code.form.cryptogram_len(), "{text:?}");
        let _ = code.verify(&LimitedUseKey::from_bytes([7; 32]));
        let _ = (code.to_qr_text(), code.to_numeric(), code.expires_at(), format!("{code:?}"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn token_code_parse_never_panics_on_arbitrary_text(s in "\\PC{0,200}", now in any::<u64>()) {
        parse_and_use(&s, now);
    }

    #[test]
    fn token_code_parse_never_panics_on_digit_strings(
        s in prop_oneof!["[0-9]{30,40}", "88[0-9]{28,38}"],
        now in any::<u64>(),
    ) {
        parse_and_use(&s, now);
    }

    #[test]
    fn token_code_parse_never_panics_on_damaged_codes(
        timestamp in any::<u64>(),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        cut in any::<prop::sample::Index>(),
    ) {
        use base64::Engine as _;
        let key = LimitedUseKey::from_bytes([7; 32]);
        let code = TokenCode::generate(&key, "4900000000000001", 1, timestamp, [1, 2, 3, 4])
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut bytes = code.to_bytes();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        bytes.truncate(cut.index(bytes.len() + 1));
        parse_and_use(&base64::engine::general_purpose::STANDARD.encode(&bytes), timestamp);
    }

    #[test]
    fn generated_codes_survive_parse_in_both_forms(
        key in any::<[u8; 32]>(),
        token in "[0-9]{16}",
        counter in any::<u16>(),
        timestamp in 0u64..=4_102_444_800,
        un in prop_oneof![Just([0u8; 4]), any::<[u8; 4]>()],
        scanned_after in 0u64..=60,
    ) {
        let key = LimitedUseKey::from_bytes(key);
        let code = TokenCode::generate(&key, &token, counter, timestamp, un)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(code.form, CodeForm::Qr);
        let qr = TokenCode::parse(&code.to_qr_text(), timestamp + scanned_after);
        prop_assert_eq!(qr.as_ref(), Ok(&code));
        prop_assert_eq!(code.verify(&key), Ok(()));
        match code.to_numeric() {
            Ok(digits) => {
                let read = TokenCode::parse(&digits, timestamp + scanned_after)
                    .map_err(|e| TestCaseError::fail(format!("{e}: {digits}")))?;
                prop_assert_eq!(read.form, CodeForm::Numeric);
                prop_assert_eq!(&read.cryptogram[..], &code.cryptogram[..4]);
                prop_assert_eq!(
                    (&read.token, read.counter, read.timestamp, read.unpredictable_number),
                    (&code.token, counter, timestamp, un)
                );
                prop_assert_eq!(read.verify(&key), Ok(()));
                prop_assert_eq!(read.to_numeric(), Ok(digits.clone()));
            }
            Err(_) => prop_assert_ne!(un, [0; 4], "only a nonzero unpredictable number keeps codes out of digits"),
        }
    }
}

/// Writes `s` the way form encoders do (WHATWG `application/x-www-form-urlencoded`
/// serializer, Java's `URLEncoder`): a space is `+`, `*-._` and alphanumerics stay, every
/// other byte (a plus included) is `%XX`.
fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b' ' => "+".to_owned(),
            b if b.is_ascii_alphanumeric() || b"*-._".contains(&b) => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// Names and notes as UPI payees write them: spaces, pluses, ampersands, Devanagari.
fn upi_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            proptest::char::range('A', 'z'),
            proptest::char::range('0', '9'),
            Just(' '),
            Just('+'),
            Just('&'),
            Just('='),
            Just('%'),
            proptest::char::range('क', 'ह'),
        ],
        1..=24,
    )
    .prop_map(|c| c.into_iter().collect::<String>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// UPI values are form-encoded (schemes.md §14, Android's `Uri.getQueryParameter`):
    /// whatever a form encoder wrote, detection reads back exactly, `+` as a space and
    /// `%2B` as a plus.
    #[test]
    fn upi_values_read_back_what_a_form_encoder_wrote(name in upi_text(), note in upi_text()) {
        let payload = format!(
            "upi://pay?pa=shop@okaxis&pn={}&tn={}&am=10&cu=INR",
            form_encode(&name),
            form_encode(&note)
        );
        let d = detect_at(&payload, 0).unwrap();
        prop_assert_eq!(d.merchant.as_ref().and_then(|m| m.name.as_deref()), Some(name.as_str()));
        let tn = d.references.iter().find(|r| r.kind == koban_core::scheme::ReferenceKind::Note);
        prop_assert_eq!(tn.and_then(|r| r.value.as_deref()), Some(note.as_str()));
        prop_assert_eq!(d.routes[0].field("pn"), Some(name.as_str()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// What a platform key store hands back is read as a value or refused, never a panic.
    #[test]
    fn platform_signatures_and_keys_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
        let _ = koban_core::crypto::platform_key::fixed_signature(&bytes);
        let _ = koban_core::crypto::platform_key::p256_point(&bytes);
    }

    /// A DER signature of any r and s (each 1 to 32 bytes, sign byte where DER needs one)
    /// reads back as the same r and s, left-padded.
    #[test]
    fn der_signatures_read_back_their_values(r in proptest::collection::vec(any::<u8>(), 1..=32), s in proptest::collection::vec(any::<u8>(), 1..=32)) {
        fn der_int(v: &[u8]) -> Vec<u8> {
            let mut v: Vec<u8> = v.iter().copied().skip_while(|b| *b == 0).collect();
            if v.is_empty() { v.push(0); }
            if v[0] & 0x80 != 0 { v.insert(0, 0); }
            let mut out = vec![0x02, v.len() as u8];
            out.extend(v);
            out
        }
        let (dr, ds) = (der_int(&r), der_int(&s));
        let mut der = vec![0x30, (dr.len() + ds.len()) as u8];
        der.extend(&dr);
        der.extend(&ds);
        let fixed = koban_core::crypto::platform_key::fixed_signature(&der).unwrap();
        let pad = |v: &[u8]| { let mut p = vec![0u8; 32 - v.len()]; p.extend_from_slice(v); p };
        prop_assert_eq!(&fixed[..32], &pad(&r)[..]);
        prop_assert_eq!(&fixed[32..], &pad(&s)[..]);
    }
}
