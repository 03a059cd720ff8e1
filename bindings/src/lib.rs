//! `koban-ffi`: the UniFFI layer over `koban-core`, and nothing else.
//!
//! Each module mirrors the core module of the same name; types cross the boundary
//! as mirror records/enums with `From` conversions, errors as [`KobanError`].

uniffi::setup_scaffolding!();

mod cpm;
mod error;
mod money;
mod platform;
mod scheme;
#[cfg(feature = "test-hooks")]
mod test_hooks;
mod wallet;

pub use error::KobanError;
pub use error::{PlatformError, WalletError};
pub use platform::{file_key_store, HttpHeader, HttpRequest, HttpResponse, HttpTransport, KeyStore, LogLevel, Logger};
pub use wallet::{
    Balance, Bank, BankAccount, BankLink, CachedBalance, ConsumerCode, Direction, Enrolment, FxQuote, HistoryPage, Identity, Listening, PaymentQuote,
    PaymentReference, PaymentRequest, QuoteAmount, Recipient, RemitDestination, RemitRecipient, SendTo, SyncReport, Wallet, WalletConfig,
    WalletListener, WalletProfile, WalletTransaction,
};
pub use {cpm::QrMatrix, money::Money, scheme::ReferenceKind};

/// The version of this Koban library (the workspace version), e.g. `"0.1.0"`.
#[uniffi::export]
pub fn koban_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(koban_version(), env!("CARGO_PKG_VERSION"));
        assert!(!koban_version().is_empty());
    }
}
