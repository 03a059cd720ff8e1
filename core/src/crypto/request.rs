//! Device request signing: P-256 ECDSA over a canonical string.
//!
//! The canonical string is, with `\n` between the lines and no trailing newline:
//!
//! ```text
//! KOBAN-SIG-V1
//! <METHOD, upper case>
//! <path and query exactly as sent, e.g. /v1/history?limit=20>
//! <lower-case hex SHA-256 of the body bytes; the empty body hashes too>
//! <timestamp, decimal unix seconds>
//! <nonce>
//! <device id>
//! ```
//!
//! The signature is ECDSA P-256 with SHA-256 in the fixed 64-byte `r || s` form, base64url
//! without padding. The device id is derived from the public key, so even the enrolment
//! request (which carries the key) is signed the same way and proves possession of it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{self, EcdsaKeyPair, KeyPair as _, UnparsedPublicKey};
use zeroize::Zeroizing;

use std::sync::Arc;

use super::platform_key::{p256_point, sign_verified, PlatformKeys};
use super::{hex, CryptoError};

/// Header carrying the device id.
pub const HEADER_DEVICE: &str = "x-koban-device";
/// Header carrying the signing time in unix seconds.
pub const HEADER_TIMESTAMP: &str = "x-koban-timestamp";
/// Header carrying the single-use nonce.
pub const HEADER_NONCE: &str = "x-koban-nonce";
/// Header carrying the base64url signature.
pub const HEADER_SIGNATURE: &str = "x-koban-signature";
/// Header carrying the idempotency key of a mutating request.
pub const HEADER_IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Response header carrying the host's clock in unix seconds, so a device whose clock is off
/// can sign with the host's time.
pub const HEADER_HOST_TIME: &str = "x-koban-host-time";
/// First line of the canonical string; bumped if the layout ever changes.
pub const SIGNATURE_VERSION: &str = "KOBAN-SIG-V1";
/// Largest accepted difference between the signing time and the verifier's clock.
pub const MAX_CLOCK_SKEW_SECS: u64 = 300;
/// Length of an uncompressed SEC1 P-256 public key.
pub const PUBLIC_KEY_LEN: usize = 65;

/// Lower-case hex SHA-256 of a request body.
pub fn body_digest_hex(body: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, body).as_ref())
}

/// The device id for a public key: `d_` and the first 16 bytes of its SHA-256, in hex.
pub fn device_id_for(public_key: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, public_key);
    format!("d_{}", hex::encode(&digest.as_ref()[..16]))
}

/// A fresh random nonce: 16 random bytes, base64url.
pub fn new_nonce() -> Result<String, CryptoError> {
    let mut bytes = [0u8; 16];
    SystemRandom::new().fill(&mut bytes).map_err(|_| CryptoError::Rng)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The parts of an HTTP request that the signature covers.
#[derive(Debug, Clone, Copy)]
pub struct RequestToSign<'a> {
    /// HTTP method, any case.
    pub method: &'a str,
    /// Path and query exactly as sent on the request line.
    pub path_and_query: &'a str,
    /// Raw body bytes (empty for GET).
    pub body: &'a [u8],
    /// Signing time, unix seconds.
    pub timestamp: u64,
    /// Single-use nonce.
    pub nonce: &'a str,
    /// Device id of the signer.
    pub device_id: &'a str,
}

/// Builds the canonical string that is signed (layout in the module docs).
pub fn canonical_request(req: &RequestToSign<'_>) -> String {
    format!(
        "{SIGNATURE_VERSION}\n{}\n{}\n{}\n{}\n{}\n{}",
        req.method.to_ascii_uppercase(),
        req.path_and_query,
        body_digest_hex(req.body),
        req.timestamp,
        req.nonce,
        req.device_id
    )
}

fn check_nonce(nonce: &str) -> Result<(), CryptoError> {
    let ok =
        (16..=64).contains(&nonce.len()) && nonce.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(CryptoError::BadNonce)
    }
}

/// Refuses a timestamp more than `max_skew_secs` away from `now` in either direction.
pub fn check_freshness(timestamp: u64, now: u64, max_skew_secs: u64) -> Result<(), CryptoError> {
    if timestamp.abs_diff(now) > max_skew_secs {
        return Err(CryptoError::Stale { timestamp, now, max_skew_secs });
    }
    Ok(())
}

/// Verifies a fixed-form P-256 signature over `message`.
pub fn verify_signature(public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), CryptoError> {
    if public_key.len() != PUBLIC_KEY_LEN || public_key[0] != 0x04 {
        return Err(CryptoError::InvalidPublicKey);
    }
    UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, public_key)
        .verify(message, signature)
        .map_err(|_| CryptoError::BadSignature)
}

/// Verifies a request's base64url signature; freshness and nonce reuse are the caller's
/// job because only the host knows its clock and which nonces it has seen.
pub fn verify_request(public_key: &[u8], req: &RequestToSign<'_>, signature_b64: &str) -> Result<(), CryptoError> {
    check_nonce(req.nonce)?;
    if device_id_for(public_key) != req.device_id {
        return Err(CryptoError::BadSignature);
    }
    let signature = URL_SAFE_NO_PAD.decode(signature_b64).map_err(|_| CryptoError::Malformed("signature"))?;
    verify_signature(public_key, canonical_request(req).as_bytes(), &signature)
}

/// The four headers a signed request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// Value of [`HEADER_DEVICE`].
    pub device_id: String,
    /// Value of [`HEADER_TIMESTAMP`].
    pub timestamp: u64,
    /// Value of [`HEADER_NONCE`].
    pub nonce: String,
    /// Value of [`HEADER_SIGNATURE`].
    pub signature: String,
}

impl SignedHeaders {
    /// Header name/value pairs, ready to add to a request.
    pub fn pairs(&self) -> [(&'static str, String); 4] {
        [
            (HEADER_DEVICE, self.device_id.clone()),
            (HEADER_TIMESTAMP, self.timestamp.to_string()),
            (HEADER_NONCE, self.nonce.clone()),
            (HEADER_SIGNATURE, self.signature.clone()),
        ]
    }
}

/// A device's P-256 signing key: software (sealed in the store) or held by the platform.
pub struct DeviceKey {
    signer: Signer,
    // The uncompressed point: ring's for a software key, normalised for a platform one.
    public: Vec<u8>,
}

enum Signer {
    Software {
        // Kept so the store can seal it; the key pair itself cannot be serialised back.
        pkcs8: Zeroizing<Vec<u8>>,
        // Boxed: a key pair is large next to an alias and a pointer.
        pair: Box<EcdsaKeyPair>,
        rng: SystemRandom,
    },
    Platform {
        alias: String,
        keys: Arc<dyn PlatformKeys>,
    },
}

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = match &self.signer {
            Signer::Software { .. } => "software (sealed)",
            Signer::Platform { .. } => "platform",
        };
        f.debug_struct("DeviceKey")
            .field("device_id", &self.device_id())
            .field("held", &held)
            .field("private_key", &"<redacted>")
            .finish()
    }
}

impl DeviceKey {
    /// Generates a new random software key.
    pub fn generate() -> Result<Self, CryptoError> {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| CryptoError::InvalidPrivateKey)?;
        Self::from_pkcs8(doc.as_ref())
    }

    /// Loads a software key from its PKCS#8 v1/v2 document.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, CryptoError> {
        let rng = SystemRandom::new();
        let pair = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, &rng)
            .map_err(|_| CryptoError::InvalidPrivateKey)?;
        let public = pair.public_key().as_ref().to_vec();
        Ok(Self {
            signer: Signer::Software { pkcs8: Zeroizing::new(pkcs8.to_vec()), pair: Box::new(pair), rng },
            public,
        })
    }

    /// The platform's key `alias`, created if it has none; `Ok(None)` when the platform holds
    /// no keys. The key is tried once, so a platform that cannot sign fails here, not later.
    pub fn on_platform(keys: Arc<dyn PlatformKeys>, alias: &str) -> Result<Option<Self>, CryptoError> {
        DeviceKey::on_platform_expecting(keys, alias, None)
    }

    /// [`DeviceKey::on_platform`], refusing (before anything is signed) a key whose public
    /// half is not `expected`.
    pub fn on_platform_expecting(
        keys: Arc<dyn PlatformKeys>,
        alias: &str,
        expected: Option<&[u8]>,
    ) -> Result<Option<Self>, CryptoError> {
        let Some(public) = keys.signing_key(alias)? else { return Ok(None) };
        let public = p256_point(&public)?;
        if expected.is_some_and(|e| e != public.as_slice()) {
            return Err(CryptoError::Platform(format!("the platform's key {alias} is another key")));
        }
        let key = DeviceKey { public, signer: Signer::Platform { alias: alias.to_owned(), keys } };
        key.sign(b"koban: platform key check")?;
        Ok(Some(key))
    }

    /// The PKCS#8 document of a software key, for sealing in the store (never log it);
    /// `None` for a key the platform holds.
    pub fn pkcs8(&self) -> Option<&[u8]> {
        match &self.signer {
            Signer::Software { pkcs8, .. } => Some(pkcs8),
            Signer::Platform { .. } => None,
        }
    }

    /// The uncompressed SEC1 public key (65 bytes).
    pub fn public_key(&self) -> &[u8] {
        &self.public
    }

    /// The public key as base64url, the form the enrolment request carries.
    pub fn public_key_b64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.public_key())
    }

    /// This key's device id.
    pub fn device_id(&self) -> String {
        device_id_for(self.public_key())
    }

    /// Signs a message, returning the fixed 64-byte `r || s` form.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        match &self.signer {
            Signer::Software { pair, rng, .. } => {
                Ok(pair.sign(rng, message).map_err(|_| CryptoError::Rng)?.as_ref().to_vec())
            }
            Signer::Platform { alias, keys } => sign_verified(keys.as_ref(), alias, &self.public, message),
        }
    }

    /// Signs a request at `timestamp` with a fresh nonce and returns the headers to send.
    pub fn sign_request(
        &self,
        method: &str,
        path_and_query: &str,
        body: &[u8],
        timestamp: u64,
    ) -> Result<SignedHeaders, CryptoError> {
        let nonce = new_nonce()?;
        let device_id = self.device_id();
        let canonical = canonical_request(&RequestToSign {
            method,
            path_and_query,
            body,
            timestamp,
            nonce: &nonce,
            device_id: &device_id,
        });
        let signature = URL_SAFE_NO_PAD.encode(self.sign(canonical.as_bytes())?);
        Ok(SignedHeaders { device_id, timestamp, nonce, signature })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(h: &'a SignedHeaders, body: &'a [u8]) -> RequestToSign<'a> {
        RequestToSign {
            method: "POST",
            path_and_query: "/v1/topups",
            body,
            timestamp: h.timestamp,
            nonce: &h.nonce,
            device_id: &h.device_id,
        }
    }

    #[test]
    fn canonical_string_has_the_documented_layout() {
        let req = RequestToSign {
            method: "post",
            path_and_query: "/v1/history?limit=2",
            body: b"",
            timestamp: 1_700_000_000,
            nonce: "AAAAAAAAAAAAAAAAAAAAAA",
            device_id: "d_00",
        };
        assert_eq!(
            canonical_request(&req),
            "KOBAN-SIG-V1\nPOST\n/v1/history?limit=2\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
             1700000000\nAAAAAAAAAAAAAAAAAAAAAA\nd_00"
        );
    }

    #[test]
    fn signed_request_verifies_and_tampering_is_refused() {
        let key = DeviceKey::generate().unwrap();
        let body = br#"{"amount":1000}"#;
        let h = key.sign_request("POST", "/v1/topups", body, 1_700_000_000).unwrap();
        verify_request(key.public_key(), &parts(&h, body), &h.signature).unwrap();

        let other_body = br#"{"amount":9000}"#;
        assert_eq!(
            verify_request(key.public_key(), &parts(&h, other_body), &h.signature),
            Err(CryptoError::BadSignature)
        );
        let mut later = parts(&h, body);
        later.timestamp += 1;
        assert_eq!(verify_request(key.public_key(), &later, &h.signature), Err(CryptoError::BadSignature));

        let stranger = DeviceKey::generate().unwrap();
        assert_eq!(
            verify_request(stranger.public_key(), &parts(&h, body), &h.signature),
            Err(CryptoError::BadSignature)
        );
    }

    #[test]
    fn key_round_trips_through_pkcs8_and_debug_is_redacted() {
        let key = DeviceKey::generate().unwrap();
        let again = DeviceKey::from_pkcs8(key.pkcs8().unwrap()).unwrap();
        assert_eq!(key.public_key(), again.public_key());
        assert_eq!(key.public_key().len(), PUBLIC_KEY_LEN);
        assert!(key.device_id().starts_with("d_") && key.device_id().len() == 34);
        let debug = format!("{key:?}");
        assert!(debug.contains("<redacted>"));
        assert!(!debug.contains(&hex::encode(key.pkcs8().unwrap())));
    }

    #[test]
    fn freshness_and_nonce_rules() {
        assert!(check_freshness(1000, 1300, 300).is_ok());
        assert!(check_freshness(1301, 1000, 300).is_err());
        assert!(matches!(check_freshness(1000, 1301, 300), Err(CryptoError::Stale { .. })));
        assert_eq!(check_nonce("short"), Err(CryptoError::BadNonce));
        assert_eq!(check_nonce("has space in it 0123"), Err(CryptoError::BadNonce));
        assert!(check_nonce(&new_nonce().unwrap()).is_ok());
    }

    #[test]
    fn malformed_public_key_is_refused() {
        assert_eq!(verify_signature(&[4u8; 10], b"m", &[0; 64]), Err(CryptoError::InvalidPublicKey));
    }
}
