//! The consumer-presented code cryptogram: truncated HMAC-SHA256 under a single-use key.
//!
//! The issuer keeps one random master key per payment token and derives the single-use
//! ("limited-use") key for each counter value; the device receives only derived keys, so a
//! stolen phone yields no more codes than it was provisioned.
//!
//! Key derivation, all integers big-endian:
//!
//! ```text
//! LUK = HMAC-SHA256(master, "KOBAN-LUK1" || len(token) as u8 || token || counter as u16)
//! ```
//!
//! Cryptogram input (the byte layout both sides must build identically):
//!
//! | bytes | content                                              |
//! |-------|------------------------------------------------------|
//! | 10    | ASCII `KOBAN-CPM1` (domain separation)               |
//! | 1     | token length `n` (1..=255)                            |
//! | n     | token, ASCII as carried in tag `5A`                   |
//! | 2     | application transaction counter (tag `9F36`), u16     |
//! | 8     | code creation time, unix seconds, u64                 |
//! | 4     | unpredictable number (tag `9F37`)                     |
//!
//! The cryptogram is a prefix of `HMAC-SHA256(LUK, input)` whose length is fixed by the
//! form of the code, never by what is presented:
//!
//! - QR form (tag `9F26`): exactly [`CRYPTOGRAM_LEN`] = 8 bytes.
//! - 36-digit numeric form: exactly [`NUMERIC_CRYPTOGRAM_LEN`] = 4 bytes, the first four of
//!   the 8 (ten digits cannot carry more).
//!
//! The verifier is told which length to expect and refuses any other. If it accepted any
//! prefix it was shown, an attacker would cut a QR cryptogram to 4 bytes and have to guess
//! 32 bits instead of 64. The comparison runs in constant time.

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use super::CryptoError;

/// Cryptogram length in bytes in the QR form (EMV tag `9F26`).
pub const CRYPTOGRAM_LEN: usize = 8;
/// Cryptogram length in bytes in the 36-digit numeric form: the first four bytes of the full one.
pub const NUMERIC_CRYPTOGRAM_LEN: usize = 4;
/// Length of master and limited-use keys.
pub const KEY_LEN: usize = 32;
/// How long a code is valid after its creation time.
pub const CODE_LIFETIME_SECS: u64 = 60;

const CPM_DOMAIN: &[u8; 10] = b"KOBAN-CPM1";
const LUK_DOMAIN: &[u8; 10] = b"KOBAN-LUK1";

/// The terminal's or device's unpredictable number (EMV tag `9F37`).
pub type UnpredictableNumber = [u8; 4];

macro_rules! secret_key {
    ($name:ident, $what:literal) => {
        #[doc = $what]
        #[derive(Clone)]
        pub struct $name(Zeroizing<[u8; KEY_LEN]>);

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl $name {
            /// Wraps existing key bytes.
            pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
                Self(Zeroizing::new(bytes))
            }

            /// Wraps key bytes from a slice of exactly [`KEY_LEN`] bytes.
            pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
                let arr: [u8; KEY_LEN] = bytes.try_into().map_err(|_| CryptoError::Malformed("key"))?;
                Ok(Self::from_bytes(arr))
            }

            /// A fresh random key.
            pub fn generate() -> Result<Self, CryptoError> {
                let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
                SystemRandom::new().fill(bytes.as_mut()).map_err(|_| CryptoError::Rng)?;
                Ok(Self(bytes))
            }

            /// The raw key bytes; keep them sealed at rest.
            pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
                &self.0
            }
        }
    };
}

secret_key!(IssuerMasterKey, "The issuer's per-token master key; never leaves the host.");
secret_key!(LimitedUseKey, "A single-use key for one counter value, provisioned to a device.");

fn check_token(token: &str) -> Result<u8, CryptoError> {
    u8::try_from(token.len()).ok().filter(|len| *len > 0).ok_or(CryptoError::BadToken)
}

/// Derives the limited-use key for `counter` (layout in the module docs).
pub fn derive_limited_use_key(
    master: &IssuerMasterKey,
    token: &str,
    counter: u16,
) -> Result<LimitedUseKey, CryptoError> {
    let len = check_token(token)?;
    let key = hmac::Key::new(hmac::HMAC_SHA256, master.as_bytes());
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(LUK_DOMAIN);
    ctx.update(&[len]);
    ctx.update(token.as_bytes());
    ctx.update(&counter.to_be_bytes());
    LimitedUseKey::from_slice(ctx.sign().as_ref())
}

/// The exact bytes the cryptogram is computed over (layout in the module docs).
pub fn cryptogram_input(
    token: &str,
    counter: u16,
    timestamp: u64,
    unpredictable_number: UnpredictableNumber,
) -> Result<Vec<u8>, CryptoError> {
    let len = check_token(token)?;
    let mut input = Vec::with_capacity(CPM_DOMAIN.len() + 1 + token.len() + 2 + 8 + 4);
    input.extend_from_slice(CPM_DOMAIN);
    input.push(len);
    input.extend_from_slice(token.as_bytes());
    input.extend_from_slice(&counter.to_be_bytes());
    input.extend_from_slice(&timestamp.to_be_bytes());
    input.extend_from_slice(&unpredictable_number);
    Ok(input)
}

/// Computes the full-length cryptogram.
pub fn compute_cryptogram(
    key: &LimitedUseKey,
    token: &str,
    counter: u16,
    timestamp: u64,
    unpredictable_number: UnpredictableNumber,
) -> Result<[u8; CRYPTOGRAM_LEN], CryptoError> {
    let input = cryptogram_input(token, counter, timestamp, unpredictable_number)?;
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes()), &input);
    let mut out = [0u8; CRYPTOGRAM_LEN];
    out.copy_from_slice(&tag.as_ref()[..CRYPTOGRAM_LEN]);
    Ok(out)
}

/// Checks a presented cryptogram of exactly `expected_len` bytes (4 numeric, 8 QR) in constant time.
///
/// The caller derives `expected_len` from the form of the code it read, never from the
/// presented bytes: any other length is refused, so a cut-down cryptogram cannot lower the
/// number of bits an attacker has to guess.
pub fn verify_cryptogram(
    key: &LimitedUseKey,
    token: &str,
    counter: u16,
    timestamp: u64,
    unpredictable_number: UnpredictableNumber,
    presented: &[u8],
    expected_len: usize,
) -> Result<(), CryptoError> {
    if expected_len != CRYPTOGRAM_LEN && expected_len != NUMERIC_CRYPTOGRAM_LEN {
        return Err(CryptoError::UnsupportedCryptogramLength(expected_len));
    }
    if presented.len() != expected_len {
        return Err(CryptoError::CryptogramLength { got: presented.len(), expected: expected_len });
    }
    let full = compute_cryptogram(key, token, counter, timestamp, unpredictable_number)?;
    // The length is public; the content comparison must not leak the first differing byte.
    // An OR of XORs over a fixed length rather than ring's `constant_time` module, which ring
    // 0.17.14 deprecates as internal; `hmac::verify` takes whole tags only, not truncations.
    let diff = full[..expected_len].iter().zip(presented).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if std::hint::black_box(diff) == 0 {
        Ok(())
    } else {
        Err(CryptoError::BadCryptogram)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::hex;

    fn master() -> IssuerMasterKey {
        let mut bytes = [0u8; KEY_LEN];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = i as u8;
        }
        IssuerMasterKey::from_bytes(bytes)
    }

    // Expected values computed independently with Python's hmac module:
    //   luk = hmac.new(bytes(range(32)), b"KOBAN-LUK1" + bytes([16]) + b"4900000000000001"
    //                  + (7).to_bytes(2, "big"), "sha256").digest()
    //   msg = b"KOBAN-CPM1" + bytes([16]) + b"4900000000000001" + (7).to_bytes(2, "big")
    //         + (1700000000).to_bytes(8, "big") + bytes.fromhex("0a0b0c0d")
    //   hmac.new(luk, msg, "sha256").digest()[:8]
    #[test]
    fn known_answer() {
        let token = "4900000000000001";
        let luk = derive_limited_use_key(&master(), token, 7).unwrap();
        assert_eq!(hex::encode(luk.as_bytes()), KAT_LUK);
        let c = compute_cryptogram(&luk, token, 7, 1_700_000_000, [0x0a, 0x0b, 0x0c, 0x0d]).unwrap();
        assert_eq!(hex::encode(&c), KAT_CRYPTOGRAM);
        let input = cryptogram_input(token, 7, 1_700_000_000, [0x0a, 0x0b, 0x0c, 0x0d]).unwrap();
        assert_eq!(input.len(), 10 + 1 + 16 + 2 + 8 + 4);
    }

    const KAT_LUK: &str = "03d4a4bd07da7df859d84e819ab52d61b74ff8d04e2580457571e70ceffe3777";
    const KAT_CRYPTOGRAM: &str = "64b690af0962ded5";

    #[test]
    fn verification_takes_exactly_the_expected_length_and_refuses_changes() {
        let token = "4900000000000001";
        let luk = derive_limited_use_key(&master(), token, 1).unwrap();
        let un = [1, 2, 3, 4];
        let c = compute_cryptogram(&luk, token, 1, 1000, un).unwrap();
        verify_cryptogram(&luk, token, 1, 1000, un, &c, CRYPTOGRAM_LEN).unwrap();
        verify_cryptogram(&luk, token, 1, 1000, un, &c[..NUMERIC_CRYPTOGRAM_LEN], NUMERIC_CRYPTOGRAM_LEN).unwrap();
        // A QR cryptogram cut to four bytes is refused: the verifier expected eight.
        assert_eq!(
            verify_cryptogram(&luk, token, 1, 1000, un, &c[..NUMERIC_CRYPTOGRAM_LEN], CRYPTOGRAM_LEN),
            Err(CryptoError::CryptogramLength { got: 4, expected: 8 })
        );
        assert_eq!(
            verify_cryptogram(&luk, token, 1, 1000, un, &c, NUMERIC_CRYPTOGRAM_LEN),
            Err(CryptoError::CryptogramLength { got: 8, expected: 4 })
        );
        for len in [0, 3, 5, 7, 9] {
            let presented = vec![0u8; len];
            assert_eq!(
                verify_cryptogram(&luk, token, 1, 1000, un, &presented, CRYPTOGRAM_LEN),
                Err(CryptoError::CryptogramLength { got: len, expected: 8 })
            );
        }
        // Only the two lengths of the two forms can be asked for.
        for len in [0, 3, 5, 7, 9] {
            let presented = vec![0u8; len];
            assert_eq!(
                verify_cryptogram(&luk, token, 1, 1000, un, &presented, len),
                Err(CryptoError::UnsupportedCryptogramLength(len))
            );
        }
        let mut flipped = c;
        flipped[5] ^= 0x01;
        let bad = Err(CryptoError::BadCryptogram);
        assert_eq!(verify_cryptogram(&luk, token, 1, 1000, un, &flipped, 8), bad);
        assert_eq!(
            verify_cryptogram(&luk, token, 1, 1000, un, &flipped[..4], 4),
            Ok(()),
            "byte 5 is not in the prefix"
        );
        flipped[0] ^= 0x80;
        assert_eq!(verify_cryptogram(&luk, token, 1, 1000, un, &flipped[..4], 4), bad);
        assert_eq!(verify_cryptogram(&luk, token, 2, 1000, un, &c, 8), bad);
        assert_eq!(verify_cryptogram(&luk, token, 1, 1001, un, &c, 8), bad);
        let other = derive_limited_use_key(&master(), token, 2).unwrap();
        assert_eq!(verify_cryptogram(&other, token, 1, 1000, un, &c, 8), bad);
    }

    #[test]
    fn tokens_must_fit_the_length_byte_and_keys_are_redacted() {
        assert_eq!(cryptogram_input("", 0, 0, [0; 4]), Err(CryptoError::BadToken));
        assert_eq!(cryptogram_input(&"9".repeat(256), 0, 0, [0; 4]), Err(CryptoError::BadToken));
        let k = LimitedUseKey::generate().unwrap();
        assert_eq!(format!("{k:?}"), "LimitedUseKey(<redacted>)");
    }
}
