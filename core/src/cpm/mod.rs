//! EMVCo consumer-presented codes (QRCPS Consumer-Presented Mode): BER-TLV inside base64.
//!
//! This module decodes what a merchant terminal scans. The payload format indicator
//! `85 05 "CPV01"` base64-encodes to the prefix `hQVDUFY`, which is how detection spots it.

mod ber;
mod payload;

pub use ber::{BerError, BerObject};
pub use payload::{mask_pan as mask, Application, ConsumerPayload, CpmError, Track2};

/// Base64 prefix of every EMVCo consumer-presented payload (`85 05 "CPV01"`).
pub const CPM_PREFIX: &str = "hQVDUFY";

/// Koban's own application identifier: `F0` marks a proprietary, unregistered AID (ISO/IEC 7816-5),
/// followed by "KOBAN" in ASCII and version 01.
pub const KOBAN_AID: &str = "F04B4F42414E01";
