//! EMVCo consumer-presented codes (QRCPS Consumer-Presented Mode): BER-TLV inside base64.
//!
//! This module decodes what a merchant terminal scans, and makes Koban's own tokenized
//! codes ([`TokenCode`]) with their QR matrix. The payload format indicator
//! `85 05 "CPV01"` base64-encodes to the prefix `hQVDUFY`, which is how detection spots it.

pub mod ber;
mod payload;
mod qr;
mod token;

pub use ber::{BerError, BerObject};
pub use payload::{mask_pan as mask, Application, ConsumerPayload, CpmError, Track2};
pub use qr::QrMatrix;
pub use token::{CodeForm, TokenCode, NUMERIC_LEN, NUMERIC_PREFIX};

/// Base64 prefix of every EMVCo consumer-presented payload (`85 05 "CPV01"`).
pub const CPM_PREFIX: &str = "hQVDUFY";

/// Koban's own application identifier: `F0` marks a proprietary, unregistered AID (ISO/IEC 7816-5),
/// followed by "KOBAN" in ASCII and version 01.
pub const KOBAN_AID: &str = "F04B4F42414E01";
