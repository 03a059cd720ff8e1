//! `koban-ffi`: the UniFFI layer over `koban-core`, and nothing else.
//!
//! Each module mirrors the core module of the same name; types cross the boundary
//! as mirror records/enums with `From` conversions, errors as [`KobanError`].

uniffi::setup_scaffolding!();

mod cpm;
mod error;
mod money;
mod platform;
mod scan;
mod scheme;
mod terminal;
#[cfg(feature = "test-hooks")]
mod test_hooks;
mod time;
mod wallet;

pub use cpm::{qr_matrix, QrMatrix, TokenCode};
pub use error::{DetectionError, KobanError, PlatformError, TerminalError, WalletError};
pub use money::{
    currencies, currency_info, currency_lookup, money_format, money_parse_decimal, money_to_decimal, Currency,
    CurrencyCode, Money,
};
pub use platform::{file_key_store, HttpHeader, HttpRequest, HttpResponse, HttpTransport, KeyStore, LogLevel, Logger};
pub use scan::{scan_image, FrameRotation, ScanPoint, ScannedCode, Scanner};
pub use scheme::{detect, detect_at, payload_format_id, Detection, ReferenceKind};
pub use terminal::{
    Charge, ChargeStatus, DynamicCode, Enrolled, PaymentNetwork, Refund, RefundOf, Settlement, SettlementLine, Terminal,
};
pub use wallet::{
    equal_shares, Balance, Bank, BankAccount, BankLink, CachedBalance, ChargeRequest, ChargeRequestStatus,
    ConsumerCode, Direction, Enrolment, Friend, FxQuote, HistoryFilter, HistoryPage, Identity, Listening,
    MerchantCodeInfo, MoneyRequest, MoneyRequestStatus, PaymentQuote, PaymentReference, PaymentRequest, QuoteAmount,
    QuotePurpose, Recipient, RemitDestination, RemitRecipient, RemittancePurpose, SendPreview, SendTo, Split,
    SplitShare, SplitShares, SyncReport, Tier, TransactionDetail, TransactionKind, Wallet, WalletConfig,
    WalletListener, WalletProfile, WalletTransaction, WithdrawalPreview,
};

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
