//! The host key: seals the per-token master keys at rest with AES-256-GCM (ring).
//!
//! A copy of the database alone yields no master key, so no code can be forged from a
//! stolen backup. Each sealed value is `nonce (12) || ciphertext || tag (16)`, and the
//! token is the associated data, so a sealed key moved to another token's row does not open.

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use crate::error::ApiError;

/// Length of the host key in bytes.
pub const HOST_KEY_LEN: usize = 32;

/// The host's sealing key, given by configuration.
pub struct HostKey {
    key: LessSafeKey,
}

impl std::fmt::Debug for HostKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostKey(<redacted>)")
    }
}

impl HostKey {
    /// A key from its 32 raw bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<HostKey, String> {
        if bytes.len() != HOST_KEY_LEN {
            return Err(format!("the host key must be {HOST_KEY_LEN} bytes, got {}", bytes.len()));
        }
        let unbound = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| "the host key was refused".to_owned())?;
        Ok(HostKey { key: LessSafeKey::new(unbound) })
    }

    /// A key from 64 hex digits (the `KOBAN_HOST_KEY` form).
    pub fn from_hex(hex: &str) -> Result<HostKey, String> {
        let bytes = Zeroizing::new(
            koban_core::crypto::hex::decode(hex.trim()).map_err(|_| "the host key must be 64 hex digits".to_owned())?,
        );
        HostKey::from_bytes(&bytes)
    }

    /// Fresh random key bytes, for a temporary database or a new key file.
    pub fn generate_bytes() -> Result<Zeroizing<[u8; HOST_KEY_LEN]>, String> {
        let mut bytes = Zeroizing::new([0u8; HOST_KEY_LEN]);
        SystemRandom::new().fill(bytes.as_mut()).map_err(|_| "no randomness for the host key".to_owned())?;
        Ok(bytes)
    }

    /// Seals `plaintext` bound to `context` (the token it belongs to).
    pub fn seal(&self, context: &str, plaintext: &[u8]) -> Result<Vec<u8>, ApiError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new().fill(&mut nonce).map_err(|_| ApiError::Internal("rng".into()))?;
        let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + AES_256_GCM.tag_len());
        out.extend_from_slice(&nonce);
        let mut body = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(context.as_bytes()), &mut body)
            .map_err(|_| ApiError::Internal("sealing failed".into()))?;
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Opens a value sealed by [`HostKey::seal`] with the same `context`.
    pub fn open(&self, context: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, ApiError> {
        if sealed.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            return Err(ApiError::Internal("sealed value too short".into()));
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| ApiError::Internal("nonce".into()))?;
        let mut buf = Zeroizing::new(body.to_vec());
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(context.as_bytes()), buf.as_mut_slice())
            .map_err(|_| ApiError::Internal("a sealed key does not open under this host key".into()))?;
        Ok(Zeroizing::new(plain.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_keys_open_only_with_their_key_and_token() {
        let bytes = HostKey::generate_bytes().unwrap();
        let key = HostKey::from_bytes(bytes.as_ref()).unwrap();
        let sealed = key.seal("4900000000000001", &[7; 32]).unwrap();
        assert_eq!(sealed.len(), 12 + 32 + 16);
        assert!(!sealed.windows(32).any(|w| w == [7; 32]), "the plaintext does not appear sealed");
        assert_eq!(key.open("4900000000000001", &sealed).unwrap().as_slice(), &[7; 32]);
        assert!(key.open("4900000000000002", &sealed).is_err(), "bound to its token");
        let other = HostKey::from_bytes(HostKey::generate_bytes().unwrap().as_ref()).unwrap();
        assert!(other.open("4900000000000001", &sealed).is_err());
        assert!(HostKey::from_hex("00").is_err());
        assert_eq!(format!("{key:?}"), "HostKey(<redacted>)");
    }
}
