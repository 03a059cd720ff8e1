//! ISO 4217 currencies and amounts in integer minor units.
//!
//! Money never touches floating point: amounts are `i64` minor units, and decimal
//! strings are converted digit by digit with the currency's ISO 4217 exponent.

mod amount;
mod currency;

pub use amount::{AmountError, Money, ParsedAmount};
pub use currency::{Currency, UnknownCurrency};
