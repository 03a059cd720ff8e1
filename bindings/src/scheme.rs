//! Scheme detection mirrors: the reference kinds a scanned code can ask the payer for.

use koban_core::scheme as core;

/// Which reference a code carries (EMV tag 62 sub-tags and their equivalents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReferenceKind {
    /// 62/01.
    BillNumber,
    /// 62/02.
    MobileNumber,
    /// 62/03.
    StoreLabel,
    /// 62/04.
    LoyaltyNumber,
    /// 62/05 (Pix: txid).
    ReferenceLabel,
    /// 62/06.
    CustomerLabel,
    /// 62/07.
    TerminalLabel,
    /// 62/08.
    Purpose,
    /// 62/09: what the merchant wants the payer to provide.
    ConsumerDataRequest,
    /// A free-text note (UPI `tn`, EPC remittance text).
    Note,
}

impl From<core::ReferenceKind> for ReferenceKind {
    fn from(k: core::ReferenceKind) -> Self {
        use core::ReferenceKind as K;
        match k {
            K::BillNumber => Self::BillNumber,
            K::MobileNumber => Self::MobileNumber,
            K::StoreLabel => Self::StoreLabel,
            K::LoyaltyNumber => Self::LoyaltyNumber,
            K::ReferenceLabel => Self::ReferenceLabel,
            K::CustomerLabel => Self::CustomerLabel,
            K::TerminalLabel => Self::TerminalLabel,
            K::Purpose => Self::Purpose,
            K::ConsumerDataRequest => Self::ConsumerDataRequest,
            K::Note => Self::Note,
        }
    }
}
