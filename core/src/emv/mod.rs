//! EMVCo merchant-presented QR codes: the TLV codec, CRC, a borrowed parse view and an encoder.
//!
//! Lengths count characters, not bytes (EMVCo MPM v1.1 §3.2, Annex B.7), so a Thai,
//! Khmer or Japanese merchant name in tag 64 splits correctly.

mod code;
mod crc;
mod tlv;
mod view;

pub use code::{Account, AlternateLanguage, EncodeError, Field, Initiation, MerchantCode, Template, Tip};
pub use crc::{crc16, crc16_hex};
pub use tlv::{Children, DataObject, TlvError, TlvErrorKind, TlvIter};
pub use view::{CrcCheck, MpmError, MpmView};

/// True for root tags whose value is itself TLV (account templates, additional data, language, unreserved).
pub fn is_template_tag(tag: u8) -> bool {
    matches!(tag, 26..=51 | 62 | 64 | 80..=99)
}
