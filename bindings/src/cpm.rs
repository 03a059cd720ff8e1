//! Koban consumer-presented codes: making one from provisioned material, its QR text and
//! 36-digit form, reading one at a till, and the QR module matrix for drawing it.
//!
//! Synchronous by design. Key bytes cross the boundary here only because the wallet API
//! does not exist yet; once it does, the wallet generates codes and limited-use keys never
//! leave Rust.

use std::sync::Arc;
use std::time::SystemTime;

use koban_core::cpm as core;
#[cfg(any(test, feature = "test-hooks"))]
use koban_core::crypto;
#[cfg(any(test, feature = "test-hooks"))]
use zeroize::Zeroizing;

use crate::KobanError;

/// A square QR module matrix without the quiet zone, so apps draw the code crisply at any size.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QrMatrix {
    /// Modules per side.
    pub size: i32,
    /// `size * size` modules, row by row; `true` is dark (module x, y is at `y * size + x`).
    pub modules: Vec<bool>,
}

impl From<core::QrMatrix> for QrMatrix {
    fn from(m: core::QrMatrix) -> Self {
        // A QR code has at most 177 modules per side.
        QrMatrix { size: i32::try_from(m.size).unwrap_or(i32::MAX), modules: m.modules }
    }
}

/// The QR matrix of any `text` (byte mode, error correction M).
#[uniffi::export]
pub fn qr_matrix(text: String) -> Result<QrMatrix, KobanError> {
    Ok(core::QrMatrix::encode(&text)?.into())
}

/// One Koban consumer-presented code: a payment token and a one-time cryptogram, never the account.
#[derive(uniffi::Object)]
pub struct TokenCode(core::TokenCode);

/// A moment from the foreign side as Unix seconds; before 1970 is refused.
fn unix_secs(t: SystemTime) -> Result<u64, KobanError> {
    let secs = crate::time::secs(t);
    u64::try_from(secs).map_err(|_| KobanError::InvalidInput { reason: format!("time {secs} is before 1970") })
}

#[cfg(any(test, feature = "test-hooks"))]
fn unpredictable_number(bytes: &[u8]) -> Result<crypto::UnpredictableNumber, KobanError> {
    bytes.try_into().map_err(|_| KobanError::InvalidInput {
        reason: format!("the unpredictable number must be 4 bytes, got {}", bytes.len()),
    })
}

// Apps never hold a limited-use key: the wallet makes its codes inside Rust
// (`Wallet.consumerCode`). Only the suites' known-answer tests make codes from key bytes.
#[cfg(any(test, feature = "test-hooks"))]
#[uniffi::export]
impl TokenCode {
    /// Test hook: makes a code under a 32-byte limited-use key for `counter`, created at `timestamp`.
    ///
    /// Pass a zero `unpredictable_number` for codes shown as digits.
    #[uniffi::constructor]
    pub fn generate(
        limited_use_key: Vec<u8>,
        token: String,
        counter: i32,
        timestamp: SystemTime,
        unpredictable_number: Vec<u8>,
    ) -> Result<Arc<TokenCode>, KobanError> {
        // Wiped when dropped, like the core's own key type.
        let key_bytes = Zeroizing::new(limited_use_key);
        let key = crypto::LimitedUseKey::from_slice(&key_bytes)?;
        let un = self::unpredictable_number(&unpredictable_number)?;
        let counter = u16::try_from(counter)
            .map_err(|_| KobanError::InvalidInput { reason: format!("counter {counter} is not in 0..=65535") })?;
        let timestamp = unix_secs(timestamp)?;
        Ok(Arc::new(TokenCode(core::TokenCode::generate(&key, &token, counter, timestamp, un)?)))
    }
}

#[uniffi::export]
impl TokenCode {
    /// Reads a Koban QR payload, as a merchant terminal does.
    #[uniffi::constructor]
    pub fn from_qr_text(text: String) -> Result<Arc<TokenCode>, KobanError> {
        Ok(Arc::new(TokenCode(core::TokenCode::from_qr_text(&text)?)))
    }

    /// Reads a 36-digit code; `now` restores the creation time from its last three time digits.
    #[uniffi::constructor]
    pub fn from_numeric(digits: String, now: SystemTime) -> Result<Arc<TokenCode>, KobanError> {
        Ok(Arc::new(TokenCode(core::TokenCode::from_numeric(&digits, unix_secs(now)?)?)))
    }

    /// The 16-digit payment token (not the account number).
    pub fn token(&self) -> String {
        self.0.token.clone()
    }

    /// The limited-use key's counter (EMV application transaction counter).
    pub fn counter(&self) -> i32 {
        i32::from(self.0.counter)
    }

    /// Creation time.
    pub fn timestamp(&self) -> SystemTime {
        crate::time::at(i64::try_from(self.0.timestamp).unwrap_or(i64::MAX))
    }

    /// When the code stops being accepted.
    pub fn expires_at(&self) -> SystemTime {
        crate::time::at(i64::try_from(self.0.expires_at()).unwrap_or(i64::MAX))
    }

    /// The 4-byte unpredictable number (zeros for codes read from digits).
    pub fn unpredictable_number(&self) -> Vec<u8> {
        self.0.unpredictable_number.to_vec()
    }

    /// The cryptogram: 8 bytes, or its first 4 when read from a numeric code.
    pub fn cryptogram(&self) -> Vec<u8> {
        self.0.cryptogram.clone()
    }

    /// How the code is carried: `"qr"` (8-byte cryptogram) or `"numeric"` (its first 4 bytes).
    pub fn form(&self) -> String {
        match self.0.form {
            core::CodeForm::Qr => "qr".into(),
            core::CodeForm::Numeric => "numeric".into(),
        }
    }

    /// The QR text (base64 of the EMV consumer-presented payload, starting `hQVDUFYwMW`).
    pub fn qr_text(&self) -> Result<String, KobanError> {
        Ok(self.0.to_qr_text())
    }

    /// The 36-digit form for 1-D barcode tills; only for codes made with a zero unpredictable number.
    pub fn numeric(&self) -> Result<String, KobanError> {
        Ok(self.0.to_numeric()?)
    }

    /// The QR module matrix of [`TokenCode::qr_text`].
    pub fn qr_matrix(&self) -> Result<QrMatrix, KobanError> {
        Ok(core::QrMatrix::encode(&self.0.to_qr_text())?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_read_back_at_the_till() {
        let code =
            TokenCode::generate(vec![7; 32], "4912345678901234".into(), 42, crate::time::at(1_795_500_000), vec![0; 4])
                .unwrap();
        let read = TokenCode::from_qr_text(code.qr_text().unwrap()).unwrap();
        assert_eq!(
            (read.token(), read.counter(), read.timestamp(), read.cryptogram()),
            (code.token(), 42, crate::time::at(1_795_500_000), code.cryptogram())
        );
        let digits = code.numeric().unwrap();
        let read = TokenCode::from_numeric(digits, crate::time::at(1_795_500_030)).unwrap();
        assert_eq!(read.cryptogram(), code.cryptogram()[..4]);
        assert_eq!((code.form(), read.form()), ("qr".to_owned(), "numeric".to_owned()));
        let m = code.qr_matrix().unwrap();
        assert_eq!(m.modules.len(), (m.size * m.size) as usize);
    }

    #[test]
    fn bad_material_is_refused_with_a_reason() {
        let short_key = TokenCode::generate(vec![7; 31], "4912345678901234".into(), 1, crate::time::at(0), vec![0; 4])
            .err()
            .unwrap();
        assert_eq!(short_key.to_string(), "invalid input: malformed key");
        let un = TokenCode::generate(vec![7; 32], "4912345678901234".into(), 1, crate::time::at(0), vec![0; 3])
            .err()
            .unwrap();
        assert_eq!(un.to_string(), "invalid input: the unpredictable number must be 4 bytes, got 3");
        let token = TokenCode::generate(vec![7; 32], "4912".into(), 1, crate::time::at(0), vec![0; 4]).err().unwrap();
        assert_eq!(token.to_string(), "invalid consumer code: tag 5A is malformed: the token must be 16 digits");
    }
}
