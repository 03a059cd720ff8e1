//! Koban's wallet core: everything the Kotlin and Swift apps share, in plain Rust.
//!
//! The crate has no FFI types; `bindings/` wraps it for UniFFI.

// First: the error-kind tables of the modules below are declared with its macro.
#[macro_use]
pub mod kinds;
pub mod calendar;
pub mod cpm;
pub mod crypto;
pub mod emv;
pub mod money;
pub mod net;
// The scanner exists with at least one QR engine; a host builds the core without any.
#[cfg(any(feature = "rxing", feature = "rqrr"))]
pub mod scan;
pub mod scheme;
pub mod store;
pub mod terminal;
pub mod text;
pub mod wallet;
