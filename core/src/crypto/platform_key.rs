//! Signing keys the platform holds (Android Keystore and StrongBox, the Secure Enclave): the
//! private half never enters Koban's memory, so malware running as the app can use the key
//! only while it runs there, and a copy of the app's files carries no key at all.
//!
//! Platforms give a P-256 public key as an uncompressed point or wrapped in an X.509
//! SubjectPublicKeyInfo, and signatures in ASN.1 DER (`SHA256withECDSA`,
//! `ecdsaSignatureMessageX962SHA256`). The host's wire form is the fixed 64-byte `r || s`, so
//! both are normalised here; every signature is verified against the key before it is used,
//! so a platform that signs wrongly fails loudly instead of being refused by the host later.

use super::request::verify_signature;
use super::CryptoError;

/// The platform's store of non-exportable P-256 signing keys, implemented by the app.
pub trait PlatformKeys: Send + Sync {
    /// Creates, or finds, the key named `alias` and returns its public key (an uncompressed
    /// SEC1 point or an X.509 SubjectPublicKeyInfo); `Ok(None)` when this platform holds no
    /// such keys (the wallet then keeps a software key sealed under its key store).
    fn signing_key(&self, alias: &str) -> Result<Option<Vec<u8>>, CryptoError>;

    /// Signs `message` with the key `alias`: ECDSA P-256 over SHA-256 of `message`, in DER or
    /// the fixed `r || s` form.
    fn sign(&self, alias: &str, message: &[u8]) -> Result<Vec<u8>, CryptoError>;
}

/// The DER prefix of a P-256 SubjectPublicKeyInfo (id-ecPublicKey, prime256v1, uncompressed).
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// The uncompressed 65-byte point of a P-256 public key given either way.
pub fn p256_point(public_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let point = match public_key.strip_prefix(&P256_SPKI_PREFIX[..]) {
        Some(point) => point,
        None => public_key,
    };
    if point.len() != 65 || point[0] != 0x04 {
        return Err(CryptoError::InvalidPublicKey);
    }
    Ok(point.to_vec())
}

/// The fixed 64-byte `r || s` form of a P-256 ECDSA signature given as DER or already fixed.
pub fn fixed_signature(signature: &[u8]) -> Result<[u8; 64], CryptoError> {
    // DER first: a 64-byte DER signature exists (both values short), a fixed one that also
    // parses as DER practically does not, and the caller verifies whichever it gets.
    if let Some(fixed) = der_signature(signature) {
        return Ok(fixed);
    }
    <[u8; 64]>::try_from(signature).map_err(|_| CryptoError::Malformed("ECDSA signature"))
}

/// SEQUENCE { INTEGER r, INTEGER s } with short-form lengths (at most 72 bytes in all).
fn der_signature(signature: &[u8]) -> Option<[u8; 64]> {
    let [0x30, len, body @ ..] = signature else { return None };
    if usize::from(*len) != body.len() {
        return None;
    }
    let (r, rest) = der_integer(body)?;
    let (s, rest) = der_integer(rest)?;
    if !rest.is_empty() {
        return None;
    }
    let mut out = [0u8; 64];
    out[32 - r.len()..32].copy_from_slice(r);
    out[64 - s.len()..].copy_from_slice(s);
    Some(out)
}

/// One positive DER INTEGER of at most 32 significant bytes, without its sign byte, and what follows.
fn der_integer(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let [0x02, len, rest @ ..] = input else { return None };
    let len = usize::from(*len);
    if len == 0 || len > rest.len() || len > 33 {
        return None;
    }
    let (value, rest) = rest.split_at(len);
    // Negative values are not ECDSA's, and a redundant leading zero is not DER.
    if value[0] & 0x80 != 0 || (value.len() > 1 && value[0] == 0 && value[1] & 0x80 == 0) {
        return None;
    }
    let value = if value[0] == 0 { &value[1..] } else { value };
    (value.len() <= 32).then_some((value, rest))
}

/// Signs `message` with the platform key `alias` and returns the fixed form, verified
/// against `public_key` (the uncompressed point).
pub(crate) fn sign_verified(
    keys: &dyn PlatformKeys,
    alias: &str,
    public_key: &[u8],
    message: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let unusable = |why: &str| CryptoError::Platform(format!("the platform key {why}"));
    let fixed = fixed_signature(&keys.sign(alias, message)?).map_err(|_| unusable("gave no ECDSA signature"))?;
    verify_signature(public_key, message, &fixed).map_err(|_| unusable("signed, but not verifiably"))?;
    Ok(fixed.to_vec())
}

#[cfg(test)]
mod tests {
    use ring::rand::SystemRandom;
    use ring::signature::{self, EcdsaKeyPair, KeyPair as _};

    use super::*;

    fn pair() -> EcdsaKeyPair {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, doc.as_ref(), &rng).unwrap()
    }

    #[test]
    fn der_signatures_from_an_independent_signer_become_the_fixed_form_and_verify() {
        // ring's ASN.1 signer is the independent encoder: its short r or s values (a leading
        // zero dropped, or a sign byte added) come up within a few hundred signatures.
        let key = pair();
        let rng = SystemRandom::new();
        for i in 0..400u32 {
            let msg = format!("KOBAN-SIG-V1\n{i}");
            let der = key.sign(&rng, msg.as_bytes()).unwrap();
            let fixed = fixed_signature(der.as_ref()).unwrap();
            verify_signature(key.public_key().as_ref(), msg.as_bytes(), &fixed).unwrap();
        }
    }

    #[test]
    fn malformed_signatures_and_keys_are_errors() {
        for bad in [
            &[][..],
            &[0x30, 0x00],
            &[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01],
            &[0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01],
            &[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01],
            &[0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01],
            &[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00],
        ] {
            assert!(fixed_signature(bad).is_err(), "{bad:02x?}");
        }
        let key = pair();
        let point = key.public_key().as_ref().to_vec();
        let mut spki = P256_SPKI_PREFIX.to_vec();
        spki.extend_from_slice(&point);
        assert_eq!(p256_point(&spki).unwrap(), point);
        assert_eq!(p256_point(&point).unwrap(), point);
        assert!(p256_point(&point[1..]).is_err());
        assert!(p256_point(&spki[1..]).is_err());
    }

    /// A platform whose keys sign as the Android Keystore does (DER), or wrongly.
    struct Platform {
        key: EcdsaKeyPair,
        wrong: bool,
    }

    impl PlatformKeys for Platform {
        fn signing_key(&self, _alias: &str) -> Result<Option<Vec<u8>>, CryptoError> {
            Ok(Some(self.key.public_key().as_ref().to_vec()))
        }
        fn sign(&self, _alias: &str, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
            let msg = if self.wrong { b"something else".as_slice() } else { message };
            Ok(self.key.sign(&SystemRandom::new(), msg).map_err(|_| CryptoError::Rng)?.as_ref().to_vec())
        }
    }

    #[test]
    fn a_platform_signature_is_verified_before_it_is_used() {
        let good = Platform { key: pair(), wrong: false };
        let public = good.key.public_key().as_ref().to_vec();
        let sig = sign_verified(&good, "k", &public, b"hello").unwrap();
        verify_signature(&public, b"hello", &sig).unwrap();
        let bad = Platform { key: pair(), wrong: true };
        let public = bad.key.public_key().as_ref().to_vec();
        assert!(matches!(sign_verified(&bad, "k", &public, b"hello"), Err(CryptoError::Platform(_))));
    }
}
