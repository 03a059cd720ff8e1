//! Exports that exist only so the Kotlin and Swift suites can exercise the FFI
//! machinery itself (panics, error lifting and the async runtime) and play the parts an app
//! never plays (a merchant's till).
//!
//! Compiled only with the `test-hooks` feature, which the test scripts enable and
//! shipped libraries never do, so none of this is API.

use std::sync::Arc;
use std::time::Duration;

use koban_core::crypto::DeviceKey;
use koban_core::money::{Currency, Money as CoreMoney};
use koban_core::net::{HttpRequest, HttpTransport, ReqwestTransport};
use koban_core::terminal::{Terminal, TerminalError};

use crate::{CurrencyCode, DetectionError, KobanError, WalletError};

/// Test hook: panics with `message`, to show a Rust panic reaching the app as an exception.
///
/// Fallible on purpose: Swift calls infallible exports with `try!`, so only a
/// throwing export can surface a panic there instead of trapping.
#[uniffi::export]
pub fn test_hook_panic(message: String) -> Result<(), KobanError> {
    panic!("{message}")
}

/// Test hook: fails with [`KobanError::InvalidInput`] carrying `reason`.
#[uniffi::export]
pub fn test_hook_invalid_input(reason: String) -> Result<(), KobanError> {
    Err(KobanError::InvalidInput { reason })
}

/// Test hook: every detection error kind, so the suites can check their `kind` mappings.
#[uniffi::export]
pub fn test_hook_detection_error_kinds() -> Vec<String> {
    DetectionError::kinds().into_iter().map(str::to_owned).collect()
}

/// Test hook: fails with the [`DetectionError`] variant of `kind`, whose message is `message`.
#[uniffi::export]
pub fn test_hook_detection_error(kind: String, message: String) -> Result<(), DetectionError> {
    match DetectionError::of_kind(&kind, message) {
        Some(e) => Err(e),
        None => panic!("unknown detection error kind {kind:?}"),
    }
}

/// Test hook: every wallet error kind, so the suites can check their `kind` mappings.
#[uniffi::export]
pub fn test_hook_wallet_error_kinds() -> Vec<String> {
    WalletError::kinds().into_iter().map(str::to_owned).collect()
}

/// Test hook: fails with the [`WalletError`] variant of `kind`, whose message is `message`.
#[uniffi::export]
pub fn test_hook_wallet_error(kind: String, message: String) -> Result<(), WalletError> {
    match WalletError::of_kind(&kind, message) {
        Some(e) => Err(e),
        None => panic!("unknown wallet error kind {kind:?}"),
    }
}

/// A picture as a packed luma plane (one byte per pixel, row by row).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TestHookLuma {
    /// Pixels per row.
    pub width: i32,
    /// Rows.
    pub height: i32,
    /// `width * height` bytes.
    pub luma: Vec<u8>,
}

/// Test hook: decodes the picture at `path` (PNG, JPEG, WebP) to luma, as a camera would deliver it.
///
/// The JVM and Swift on Linux cannot decode the corpus's WebP files themselves.
#[uniffi::export]
pub fn test_hook_decode_image(path: String) -> Result<TestHookLuma, KobanError> {
    let img = image::open(&path).map_err(|e| KobanError::InvalidInput { reason: format!("{path}: {e}") })?.to_luma8();
    let (width, height) = (i32::try_from(img.width()), i32::try_from(img.height()));
    let (Ok(width), Ok(height)) = (width, height) else {
        return Err(KobanError::InvalidInput { reason: format!("{path}: too large") });
    };
    Ok(TestHookLuma { width, height, luma: img.into_raw() })
}

/// Test hook: sums `a` and `b` after sleeping `delay_ms` on the tokio runtime.
///
/// Uses the same `async_runtime = "tokio"` attribute the wallet's network calls use,
/// so the suites prove tokio timers work under Kotlin coroutines and Swift async.
#[uniffi::export(async_runtime = "tokio")]
pub async fn test_hook_async_add(a: i32, b: i32, delay_ms: i64) -> Result<i32, KobanError> {
    tokio::time::sleep(Duration::from_millis(u64::try_from(delay_ms).unwrap_or(0))).await;
    a.checked_add(b).ok_or_else(|| KobanError::InvalidInput { reason: format!("{a} + {b} overflows i32") })
}

/// Test hook: returns `data` unchanged, so the suites can look for per-call leaks with a payload.
#[uniffi::export]
pub fn test_hook_echo(data: Vec<u8>) -> Vec<u8> {
    data
}

/// A till charge as the host answered it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TestHookCharge {
    /// The host's charge id (the id of the wallet's charge request when it waits).
    pub id: String,
    /// `captured`, `pending_approval`, `refused`, `declined` or `expired`.
    pub status: String,
}

fn till_error(e: TerminalError) -> KobanError {
    KobanError::Internal { reason: format!("till: {e}") }
}

/// The string value of `key` in a flat JSON object as the sandbox writes it (compact, and a
/// value without escapes): enough for one token, without a JSON dependency in the library.
fn json_text(body: &[u8], key: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let label = format!("\"{key}\":\"");
    let start = text.find(&label)? + label.len();
    let len = text[start..].find('"')?;
    Some(text[start..start + len].to_owned())
}

/// Test hook: plays a till of the sandbox merchant `merchant_id` (`m_jp_mart`): enrols a fresh
/// terminal key with a one-time token from the admin route (the host runs with `--admin`) and
/// charges the consumer code `code_text` for `amount_minor` of `currency`.
#[uniffi::export(async_runtime = "tokio")]
pub async fn test_hook_till_charge(
    host_url: String,
    merchant_id: String,
    code_text: String,
    amount_minor: i64,
    currency: CurrencyCode,
) -> Result<TestHookCharge, KobanError> {
    let currency = Currency::from(currency);
    let host = host_url.trim_end_matches('/');
    let transport = Arc::new(
        ReqwestTransport::new(Duration::from_secs(10)).map_err(|e| KobanError::Internal { reason: e.to_string() })?,
    );
    let answer = transport
        .send(HttpRequest {
            method: "POST".into(),
            url: format!("{host}/admin/merchants/{merchant_id}/enrolment-tokens"),
            headers: Vec::new(),
            body: Vec::new(),
        })
        .await
        .map_err(|e| KobanError::Internal { reason: format!("enrolment token: {e}") })?;
    let token =
        json_text(&answer.body, "token").filter(|_| answer.status == 201).ok_or_else(|| KobanError::Internal {
            reason: format!(
                "enrolment token: the host answered {}: {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            ),
        })?;
    let terminal = Terminal::new(host, DeviceKey::generate()?, Some(transport)).map_err(till_error)?;
    terminal.enrol(&merchant_id, &token).await.map_err(till_error)?;
    let charge =
        terminal.charge(&code_text, CoreMoney::from_minor(amount_minor, currency), None).await.map_err(till_error)?;
    Ok(TestHookCharge { id: charge.id, status: charge.status.as_str().to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_input_hook_returns_its_reason() {
        let e = test_hook_invalid_input("bad amount".into()).unwrap_err();
        assert_eq!(e.to_string(), "invalid input: bad amount");
    }

    #[test]
    fn decoding_a_missing_picture_says_which() {
        let e = test_hook_decode_image("/nonexistent/x.webp".into()).unwrap_err();
        assert!(e.to_string().starts_with("invalid input: /nonexistent/x.webp: "), "{e}");
    }

    #[test]
    fn a_token_is_read_from_the_hosts_answer() {
        let body = br#"{"expires_at":1700000600,"merchant_id":"m_jp_mart","token":"enrol_AbC-9_x"}"#;
        assert_eq!(json_text(body, "token").as_deref(), Some("enrol_AbC-9_x"));
        assert_eq!(json_text(body, "nonce"), None);
        assert_eq!(json_text(br#"{"token":"unterminated"#, "token"), None);
    }

    #[test]
    fn panic_hook_panics_with_its_message() {
        let e = std::panic::catch_unwind(|| test_hook_panic("boom".into())).unwrap_err();
        assert_eq!(e.downcast_ref::<String>().map(String::as_str), Some("boom"));
    }
}

/// Test hook: a platform that holds non-exportable P-256 signing keys, signing in DER as
/// Android Keystore and the Secure Enclave do, for suites that run where neither exists. A
/// test `KeyStore` forwards its `signingKey`/`sign` here.
#[derive(uniffi::Object, Default)]
pub struct TestHookPlatformKeys {
    keys: std::sync::Mutex<std::collections::HashMap<String, ring::signature::EcdsaKeyPair>>,
    signatures: std::sync::atomic::AtomicI32,
}

#[uniffi::export]
impl TestHookPlatformKeys {
    /// A platform holding no keys yet.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Creates, or finds, the key `alias`; returns its uncompressed public point.
    pub fn signing_key(&self, alias: String) -> Result<Vec<u8>, KobanError> {
        use ring::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_ASN1_SIGNING};
        let rng = ring::rand::SystemRandom::new();
        let mut keys = self.keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !keys.contains_key(&alias) {
            let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
                .map_err(|_| KobanError::Platform { reason: "key generation failed".into() })?;
            let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, doc.as_ref(), &rng)
                .map_err(|_| KobanError::Platform { reason: "key generation failed".into() })?;
            keys.insert(alias.clone(), pair);
        }
        Ok(keys.get(&alias).map(|k| k.public_key().as_ref().to_vec()).unwrap_or_default())
    }

    /// Signs `message` with the key `alias` (DER); an unknown alias is an error, as on a
    /// phone whose key was invalidated.
    pub fn sign(&self, alias: String, message: Vec<u8>) -> Result<Vec<u8>, KobanError> {
        let keys = self.keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = keys.get(&alias).ok_or(KobanError::Platform { reason: format!("no key {alias}") })?;
        let sig = key
            .sign(&ring::rand::SystemRandom::new(), &message)
            .map_err(|_| KobanError::Platform { reason: "signing failed".into() })?;
        self.signatures.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(sig.as_ref().to_vec())
    }

    /// How many signatures it made.
    pub fn signatures(&self) -> i32 {
        self.signatures.load(std::sync::atomic::Ordering::SeqCst)
    }
}
