//! Cryptography the wallet client and the host must agree on byte for byte.
//!
//! Two schemes live here so that the sandbox host and the client engine call the very same
//! functions: device request signing (P-256 ECDSA over a canonical string) and the
//! consumer-presented code cryptogram (truncated HMAC-SHA256 under a single-use key).
//! Everything is built on `ring`; nothing here is hand-rolled cryptography.

pub mod cryptogram;
pub mod hex;
pub mod platform_key;
pub mod request;

pub use cryptogram::{
    compute_cryptogram, cryptogram_input, derive_limited_use_key, verify_cryptogram, IssuerMasterKey, LimitedUseKey,
    UnpredictableNumber, CODE_LIFETIME_SECS, CRYPTOGRAM_LEN, NUMERIC_CRYPTOGRAM_LEN,
};
pub use platform_key::PlatformKeys;
pub use request::{
    body_digest_hex, canonical_request, check_freshness, device_id_for, new_nonce, verify_request, verify_signature,
    DeviceKey, RequestToSign, SignedHeaders,
};

/// Why a cryptographic operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The operating system's random number generator failed.
    #[error("random number generator failed")]
    Rng,
    /// A private key could not be parsed or generated.
    #[error("invalid private key")]
    InvalidPrivateKey,
    /// A public key is not an uncompressed P-256 point.
    #[error("invalid public key: expected a 65-byte uncompressed P-256 point")]
    InvalidPublicKey,
    /// A signature did not verify against the public key and message.
    #[error("signature does not verify")]
    BadSignature,
    /// A value was not valid base64url or hex.
    #[error("malformed {0}")]
    Malformed(&'static str),
    /// The signed timestamp is outside the accepted clock skew.
    #[error("timestamp {timestamp} is more than {max_skew_secs}s away from now ({now})")]
    Stale {
        /// Timestamp carried by the request.
        timestamp: u64,
        /// The verifier's clock.
        now: u64,
        /// Largest accepted difference.
        max_skew_secs: u64,
    },
    /// A nonce does not have the required form.
    #[error("nonce must be 16 to 64 characters of base64url alphabet")]
    BadNonce,
    /// A cryptogram does not have the exact length of its code's form.
    #[error("cryptogram must be exactly {expected} bytes, got {got}")]
    CryptogramLength {
        /// Bytes presented.
        got: usize,
        /// The length of the code's form: 8 (QR) or 4 (numeric).
        expected: usize,
    },
    /// A verifier asked for a cryptogram length that no form of code has (only 4 and 8 exist).
    #[error("no code form has a {0}-byte cryptogram")]
    UnsupportedCryptogramLength(usize),
    /// A cryptogram did not match.
    #[error("cryptogram does not verify")]
    BadCryptogram,
    /// The platform's key store failed (a hardware-held key is gone, the device is locked).
    #[error("platform key store: {0}")]
    Platform(String),
    /// A payment token is empty or longer than 255 bytes.
    #[error("token must be 1 to 255 bytes")]
    BadToken,
}
