//! Money across the boundary: amounts as integer minor units plus an ISO 4217 alpha code.
//!
//! Apps never see floating point.

use koban_core::money as core;

/// An amount: integer minor units (yen, satang, cents…) of one ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Money {
    /// The amount in minor units; negative for debits.
    pub minor: i64,
    /// The ISO 4217 alpha code, e.g. "JPY".
    pub currency: String,
}

impl From<core::Money> for Money {
    fn from(m: core::Money) -> Self {
        Money { minor: m.minor(), currency: m.currency().alpha().to_owned() }
    }
}
