//! Platform services the apps implement (foreign traits) and their adapters to the core's traits.
//!
//! Every method returns `Result<_, PlatformError>`, so an exception thrown in Kotlin or Swift
//! arrives in Rust as an error, never as an abort. Koban calls these without holding any of
//! its locks.

use std::sync::Arc;
use std::time::Duration;

use koban_core::{net, store};
use zeroize::Zeroizing;

use crate::error::PlatformError;

/// Protects the wallet's keys: Android Keystore (StrongBox where present) or the iOS
/// Keychain and Secure Enclave in the apps.
///
/// The wallet's secrets (consumer-code keys, and a software device key) are sealed under a
/// random data key; only that data key crosses to the platform, to be wrapped by a key that
/// never leaves it. Where the platform can hold a non-exportable P-256 signing key, the device
/// key lives there instead and only messages to sign and signatures cross.
#[uniffi::export(with_foreign)]
pub trait KeyStore: Send + Sync {
    /// Encrypts `data_key` for storage next to the database.
    fn wrap(&self, data_key: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
    /// Decrypts what [`KeyStore::wrap`] returned; [`PlatformError::BadWrappedKey`] if it is not ours.
    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
    /// Creates, or finds, the non-exportable P-256 signing key `alias` and returns its public
    /// key (the 65-byte uncompressed point, or its X.509 SubjectPublicKeyInfo); `None` when
    /// this platform holds no such keys (the wallet then keeps a sealed software key).
    fn signing_key(&self, alias: String) -> Result<Option<Vec<u8>>, PlatformError>;
    /// Signs `message` with the key `alias`: ECDSA P-256 over SHA-256 of the message (Android
    /// `SHA256withECDSA`, Apple `ecdsaSignatureMessageX962SHA256`), DER or fixed `r || s`.
    fn sign(&self, alias: String, message: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
}

/// A software key store: a key-encryption key in the file at `path` (mode 0600), created if missing.
///
/// For tests and command-line use; phones should use the platform's key store.
#[uniffi::export]
pub fn file_key_store(path: String) -> Result<Arc<dyn KeyStore>, PlatformError> {
    let inner = store::FileKeyStore::open(&path).map_err(|e| PlatformError::Failed { reason: e.to_string() })?;
    Ok(Arc::new(SoftwareKeyStore(inner)))
}

struct SoftwareKeyStore(store::FileKeyStore);

impl KeyStore for SoftwareKeyStore {
    fn wrap(&self, data_key: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        let data_key = Zeroizing::new(data_key);
        store::KeyStore::wrap(&self.0, &data_key).map_err(platform_error)
    }

    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        // The caller takes ownership of the plain key; the adapter below wipes it.
        store::KeyStore::unwrap(&self.0, &wrapped).map(|k| k.to_vec()).map_err(platform_error)
    }

    // A file holds no hardware key: the device key is a sealed software one.
    fn signing_key(&self, _alias: String) -> Result<Option<Vec<u8>>, PlatformError> {
        Ok(None)
    }

    fn sign(&self, _alias: String, _message: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        Err(PlatformError::Failed { reason: "a file key store holds no signing keys".into() })
    }
}

fn platform_error(e: store::KeyStoreError) -> PlatformError {
    match e {
        store::KeyStoreError::BadWrappedKey => PlatformError::BadWrappedKey,
        other => PlatformError::Failed { reason: other.to_string() },
    }
}

/// The app's [`KeyStore`] as the core's.
pub(crate) struct KeyStoreAdapter(pub(crate) Arc<dyn KeyStore>);

impl store::KeyStore for KeyStoreAdapter {
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, store::KeyStoreError> {
        // The copy is moved into the call's buffer, which the foreign side owns and frees.
        self.0.wrap(data_key.to_vec()).map_err(key_store_error)
    }

    fn unwrap(&self, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, store::KeyStoreError> {
        self.0.unwrap(wrapped.to_vec()).map(Zeroizing::new).map_err(key_store_error)
    }
}

impl koban_core::crypto::PlatformKeys for KeyStoreAdapter {
    fn signing_key(&self, alias: &str) -> Result<Option<Vec<u8>>, koban_core::crypto::CryptoError> {
        self.0.signing_key(alias.to_owned()).map_err(platform_key_error)
    }

    fn sign(&self, alias: &str, message: &[u8]) -> Result<Vec<u8>, koban_core::crypto::CryptoError> {
        self.0.sign(alias.to_owned(), message.to_vec()).map_err(platform_key_error)
    }
}

fn platform_key_error(e: PlatformError) -> koban_core::crypto::CryptoError {
    koban_core::crypto::CryptoError::Platform(e.to_string())
}

fn key_store_error(e: PlatformError) -> store::KeyStoreError {
    match e {
        PlatformError::BadWrappedKey => store::KeyStoreError::BadWrappedKey,
        other => store::KeyStoreError::Unavailable(other.to_string()),
    }
}

/// How important a log line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    /// Something failed.
    Error,
    /// Something the user may notice (a refusal, a retry).
    Warn,
    /// A step of a flow.
    Info,
    /// Detail for developers.
    Debug,
}

/// Receives Koban's log lines (Logcat, OSLog); lines name operations and error kinds, never keys, tokens, amounts or account data.
#[uniffi::export(with_foreign)]
pub trait Logger: Send + Sync {
    /// Records one line.
    fn log(&self, level: LogLevel, message: String) -> Result<(), PlatformError>;
}

/// A logger that may be absent; a failing logger never fails the operation it reports on.
#[derive(Clone, Default)]
pub(crate) struct Log(pub(crate) Option<Arc<dyn Logger>>);

impl Log {
    pub(crate) fn line(&self, level: LogLevel, message: impl FnOnce() -> String) {
        if let Some(l) = &self.0 {
            let _ = l.log(level, message());
        }
    }
}

/// One HTTP header.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpHeader {
    /// Name (lower case in responses).
    pub name: String,
    /// Value.
    pub value: String,
}

/// A request for the app's HTTP stack to send, exactly as given.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpRequest {
    /// Method, upper case.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Headers, in order; the signature headers must be sent unchanged.
    pub headers: Vec<HttpHeader>,
    /// Body bytes (empty for GET).
    pub body: Vec<u8>,
}

/// What the server answered, any status.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpResponse {
    /// Status code.
    pub status: i32,
    /// Headers.
    pub headers: Vec<HttpHeader>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// The app's HTTP stack (OkHttp, URLSession), used instead of Koban's reqwest + rustls when given.
///
/// Must not call back into the wallet: money-moving calls hold the wallet's outbox until
/// the request is answered.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait HttpTransport: Send + Sync {
    /// Sends `request` and returns the answer whatever its status; an error only when there is none.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, PlatformError>;
}

fn headers(h: Vec<(String, String)>) -> Vec<HttpHeader> {
    h.into_iter().map(|(name, value)| HttpHeader { name, value }).collect()
}

/// The app's [`HttpTransport`] as the core's, with the wallet's timeout enforced here
/// because a platform stack might have none.
pub(crate) struct TransportAdapter {
    pub(crate) inner: Arc<dyn HttpTransport>,
    pub(crate) timeout: Duration,
}

impl net::HttpTransport for TransportAdapter {
    fn send(&self, req: net::HttpRequest) -> net::BoxFuture<'_, Result<net::HttpResponse, net::TransportError>> {
        let request = HttpRequest { method: req.method, url: req.url, headers: headers(req.headers), body: req.body };
        Box::pin(async move {
            match tokio::time::timeout(self.timeout, self.inner.send(request)).await {
                Err(_) => Err(net::TransportError::Timeout),
                Ok(Ok(r)) if u16::try_from(r.status).is_err() => {
                    Err(net::TransportError::Other(format!("HTTP status {} is out of range", r.status)))
                }
                Ok(Ok(r)) => Ok(net::HttpResponse {
                    status: u16::try_from(r.status).unwrap_or_default(),
                    headers: r.headers.into_iter().map(|h| (h.name.to_ascii_lowercase(), h.value)).collect(),
                    body: r.body,
                }),
                Ok(Err(PlatformError::Timeout)) => Err(net::TransportError::Timeout),
                Ok(Err(PlatformError::Connection { reason })) => Err(net::TransportError::Connection(reason)),
                Ok(Err(other)) => Err(net::TransportError::Other(other.to_string())),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use koban_core::store::KeyStore as _;

    #[test]
    fn the_software_key_store_round_trips_and_refuses_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let ks = KeyStoreAdapter(file_key_store(dir.path().join("a.key").to_string_lossy().into_owned()).unwrap());
        let wrapped = ks.wrap(&[9; 32]).unwrap();
        assert_eq!(*ks.unwrap(&wrapped).unwrap(), vec![9; 32]);
        let other = KeyStoreAdapter(file_key_store(dir.path().join("b.key").to_string_lossy().into_owned()).unwrap());
        assert!(matches!(other.unwrap(&wrapped), Err(store::KeyStoreError::BadWrappedKey)));
        let bad_path = file_key_store(dir.path().join("missing-dir/c.key").to_string_lossy().into_owned());
        assert!(matches!(bad_path, Err(PlatformError::Failed { .. })));
    }
}
