//! The public error set, and the one place internal errors are converted into it.
//!
//! Apps see a handful of variants with a readable message (Rust `Display`), never the
//! core's internal error chain: the conversions here decide what a user may read, so
//! they are also where payloads, tokens and account data must be left out.

/// An error from a Koban call, with a message fit to show to the user.
///
/// Flat on purpose: Kotlin gets `KobanException.<Variant>` whose `message` is the Rust
/// `Display` text, Swift gets `KobanError.<Variant>(message:)`.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum KobanError {
    /// The input was malformed or out of range; the message says which part.
    #[error("invalid input: {reason}")]
    InvalidInput { reason: String },
    /// A service the app provides (key store, logger, HTTP transport) failed.
    #[error("platform service failed: {reason}")]
    Platform { reason: String },
    /// A bug in Koban, reported as an error rather than crashing the app.
    #[error("internal error: {reason}")]
    Internal { reason: String },
}

/// A Kotlin/Swift implementation of a foreign trait threw something it did not declare.
///
/// Every foreign-trait method returns `Result<_, KobanError>`; uniffi needs this
/// conversion to report an undeclared exception instead of aborting.
impl From<uniffi::UnexpectedUniFFICallbackError> for KobanError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        KobanError::Platform { reason: e.reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_readable() {
        let e = KobanError::InvalidInput { reason: "amount must be positive".into() };
        assert_eq!(e.to_string(), "invalid input: amount must be positive");
        let e = KobanError::Internal { reason: "lost the runtime".into() };
        assert_eq!(e.to_string(), "internal error: lost the runtime");
    }

    #[test]
    fn unexpected_callback_errors_become_platform_errors() {
        let e: KobanError = uniffi::UnexpectedUniFFICallbackError::new("KeyStoreException: locked").into();
        assert_eq!(e.to_string(), "platform service failed: KeyStoreException: locked");
    }
}
