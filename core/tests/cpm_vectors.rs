//! Known-answer vectors for consumer-presented codes (`tests/vectors/cpm.json`), shared with
//! the Kotlin and Swift tests and made by an independent implementation.

use koban_core::cpm::{CodeForm, TokenCode};
use koban_core::crypto::{derive_limited_use_key, hex, verify_cryptogram, IssuerMasterKey, CRYPTOGRAM_LEN};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/cpm.json"))
        .expect("vectors present");
    let v: Value = serde_json::from_str(&text).unwrap();
    v["vectors"].as_array().unwrap().clone()
}

#[test]
fn codes_match_the_known_answers() {
    let all = vectors();
    assert!(all.len() >= 3);
    for v in all {
        let name = v["name"].as_str().unwrap();
        let master = IssuerMasterKey::from_slice(&hex::decode(v["master_key_hex"].as_str().unwrap()).unwrap()).unwrap();
        let token = v["token"].as_str().unwrap();
        let counter = v["counter"].as_u64().unwrap() as u16;
        let ts = v["timestamp"].as_u64().unwrap();
        let un: [u8; 4] = hex::decode(v["unpredictable_number_hex"].as_str().unwrap()).unwrap().try_into().unwrap();
        let luk = derive_limited_use_key(&master, token, counter).unwrap();
        assert_eq!(
            hex::encode(luk.as_bytes()).to_uppercase(),
            v["limited_use_key_hex"].as_str().unwrap(),
            "{name}: key"
        );
        let code = TokenCode::generate(&luk, token, counter, ts, un).unwrap();
        assert_eq!(
            hex::encode(&code.cryptogram).to_uppercase(),
            v["cryptogram_hex"].as_str().unwrap(),
            "{name}: cryptogram"
        );
        assert_eq!(hex::encode(&code.to_bytes()).to_uppercase(), v["payload_hex"].as_str().unwrap(), "{name}: payload");
        assert_eq!(code.to_qr_text(), v["qr_text"].as_str().unwrap(), "{name}: base64");
        assert_eq!(code.to_numeric().ok().as_deref(), v["numeric"].as_str(), "{name}: numeric");
        // The terminal side reads it back and the cryptogram verifies; a flipped bit does not.
        let read = TokenCode::from_qr_text(v["qr_text"].as_str().unwrap()).unwrap();
        assert_eq!(read, code);
        verify_cryptogram(&luk, token, counter, ts, un, &read.cryptogram, CRYPTOGRAM_LEN).unwrap();
        read.verify(&luk).unwrap();
        let mut flipped = read.cryptogram.clone();
        flipped[0] ^= 1;
        assert!(
            verify_cryptogram(&luk, token, counter, ts, un, &flipped, CRYPTOGRAM_LEN).is_err(),
            "{name}: flipped bit accepted"
        );
        if let Some(digits) = v["numeric"].as_str() {
            let numeric = TokenCode::from_numeric(digits, ts + 30).unwrap();
            assert_eq!((numeric.timestamp, numeric.counter, numeric.form), (ts, counter, CodeForm::Numeric));
            verify_cryptogram(
                &luk,
                token,
                counter,
                numeric.timestamp,
                numeric.unpredictable_number,
                &numeric.cryptogram,
                CodeForm::Numeric.cryptogram_len(),
            )
            .unwrap();
            numeric.verify(&luk).unwrap();
            assert_eq!(TokenCode::parse(digits, ts + 30).as_ref(), Ok(&numeric), "{name}: parse");
        }
    }
}
