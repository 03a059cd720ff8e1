//! The wallet: enrolment, banks, top-up, merchant payments, P2P, remittances, history,
//! consumer codes, till charges to approve and incoming-money events, over
//! `koban_core::wallet::Wallet`. One file per flow, each with the records it exchanges and
//! its methods of [`Wallet`]; this one holds the object itself, how it is opened, and how its
//! calls run off the caller's thread.
//!
//! Anything that touches the network is `async` on tokio; local reads and code generation
//! are synchronous. Every money-moving call is exactly-once (ADR 0005): cancelling a
//! coroutine or Task mid-call leaves at most a pending intent that the next call settles.
//! Keys and tokens stay in Rust; only the codes made from them cross.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime};

use koban_core::money::Money as CoreMoney;
use koban_core::{scheme, store, wallet as core};
use tokio::sync::{watch, Notify};

use crate::cpm::QrMatrix;
use crate::error::WalletError;
use crate::money::{CurrencyCode, Money};
use crate::platform::{HttpTransport, KeyStore, KeyStoreAdapter, Log, LogLevel, Logger, TransportAdapter};
use crate::scheme::ReferenceKind;
use crate::time;

mod bank;
mod codes;
mod friends;
mod history;
mod payment;
mod profile;
mod remit;
mod sync;

pub use bank::*;
pub use codes::*;
pub use friends::*;
pub use history::*;
pub use payment::*;
pub use profile::*;
pub use remit::*;
pub use sync::*;

/// How the wallet reaches its host.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletConfig {
    /// Base URL of the host, e.g. `https://wallet.example` or `http://127.0.0.1:8080`.
    pub host_url: String,
    /// Limit on one request, connect to last byte, in milliseconds.
    #[uniffi(default = 15000)]
    pub timeout_ms: i64,
    /// Sends of one request before its outcome is reported unknown.
    #[uniffi(default = 3)]
    pub max_attempts: i32,
}

/// `Display` is the redacted `Debug`: the generated Kotlin `toString` and Swift `description`
/// print it, so personal data never reaches a log through them.
macro_rules! display_as_debug {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(self, f)
            }
        }
    )*};
}
display_as_debug!(Identity, BankAccount, RemitDestination, RemitRecipient);

/// A wallet on this device, over its local database and its host.
#[derive(uniffi::Object)]
pub struct Wallet {
    core: Arc<core::Wallet>,
    log: Log,
    // Where listen loops run: the runtime the wallet was opened on (uniffi's tokio runtime).
    runtime: tokio::runtime::Handle,
    // Dropped with the wallet, which ends every listen loop (they watch for the close).
    _closed: watch::Sender<()>,
    closed: watch::Receiver<()>,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet").finish_non_exhaustive()
    }
}

impl Wallet {
    /// Runs the core's work for one call off the caller's thread (see [`off_thread`]).
    async fn off<T, F, Fut>(&self, f: F) -> Result<T, core::WalletError>
    where
        F: FnOnce(Arc<core::Wallet>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, core::WalletError>>,
        T: Send + 'static,
    {
        let core = self.core.clone();
        off_thread(&self.runtime, move || f(core)).await
    }

    /// Logs how an operation ended: its name and, on failure, the error's kind (no message:
    /// messages can carry host text).
    fn done<T>(&self, op: &str, r: Result<T, core::WalletError>) -> Result<T, WalletError> {
        r.map_err(WalletError::from).inspect(|_| self.log.line(LogLevel::Debug, || format!("{op}: ok"))).inspect_err(
            |e| {
                let level = if matches!(e, WalletError::Internal(_) | WalletError::Storage(_)) {
                    LogLevel::Error
                } else {
                    LogLevel::Warn
                };
                self.log.line(level, || format!("{op}: failed ({})", e.kind()));
            },
        )
    }
}

/// Runs the future `work` makes on the runtime's blocking pool, so SQLite, fsync, crypto and
/// the app's `KeyStore` callbacks never run on the thread that called: UniFFI polls a Rust
/// future on the caller's thread (Android's main thread, a Swift cooperative thread with a
/// small stack).
///
/// The future is made and boxed there too: a wallet flow's state machine is large, and made on
/// the caller's stack it can overflow a Swift task's. Dropping the returned future (Kotlin
/// coroutine or Swift `Task` cancellation) stops the work at its next await, exactly as
/// dropping the work itself would: the outbox keeps what was sent exactly once either way. A
/// panic in the work resumes in the caller, where UniFFI turns it into an error.
pub(crate) async fn off_thread<T, F, Fut>(runtime: &tokio::runtime::Handle, work: F) -> Result<T, core::WalletError>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, core::WalletError>>,
    T: Send + 'static,
{
    // The answer comes back over a channel so that the blocking-pool task below is one type
    // for every call: spawned generically, each of the ~60 calls would link its own copy of
    // tokio's task and park machinery (0.25 MB of the phone library, ADR 0009).
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        Box::pin(async move {
            let _ = answer.send(work().await);
        })
    });
    match run_job(runtime, job).await {
        Ok(()) => answered.await.unwrap_or_else(|_| Err(cancelled())),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(core::WalletError::Unavailable(format!("the wallet's runtime stopped: {e}"))),
    }
}

/// A call's work with its type erased: makes (on the blocking thread) the future that runs
/// the call and sends its answer.
type Job = Box<dyn FnOnce() -> std::pin::Pin<Box<dyn Future<Output = ()>>> + Send>;

/// Runs `job` to its end on the blocking pool, or until the caller's future is dropped.
async fn run_job(runtime: &tokio::runtime::Handle, job: Job) -> Result<(), tokio::task::JoinError> {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = runtime.clone();
    let task = runtime.spawn_blocking(move || {
        handle.block_on(async move {
            let work = job();
            tokio::select! {
                biased;
                // Ends with the caller: `stop` is dropped when the caller's future is.
                _ = stopped => {}
                _ = work => {}
            }
        })
    });
    let joined = task.await;
    drop(stop);
    joined
}

/// What a call whose work ended without an answer (its caller gone) reports.
fn cancelled() -> core::WalletError {
    core::WalletError::Unavailable("the call was cancelled".into())
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// Opens (creating) the wallet database at `db_path`, its data key wrapped by `key_store`,
    /// and settles any payment left pending by a crash; an unreachable host only postpones that.
    #[uniffi::constructor(default(transport = None, logger = None))]
    pub async fn open(
        db_path: String,
        key_store: Arc<dyn KeyStore>,
        config: WalletConfig,
        transport: Option<Arc<dyn HttpTransport>>,
        logger: Option<Arc<dyn Logger>>,
    ) -> Result<Arc<Wallet>, WalletError> {
        let log = Log(logger);
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| WalletError::Internal("no tokio runtime to open the wallet on".into()))?;
        let timeout = Duration::from_millis(unsigned(config.timeout_ms).max(1));
        let mut c = core::WalletConfig::new(config.host_url);
        c.timeout = timeout;
        c.max_attempts = u32::try_from(config.max_attempts).unwrap_or(0);
        c.transport = transport
            .map(|inner| Arc::new(TransportAdapter { inner, timeout }) as Arc<dyn koban_core::net::HttpTransport>);
        // The same key store holds the device key where the platform can.
        let keys = Arc::new(KeyStoreAdapter(key_store));
        c.platform_keys = Some(keys.clone());
        // Opening reads and migrates the database and unwraps its key through the app's
        // KeyStore: all of it off the caller's thread.
        let opened =
            off_thread(&runtime, move || async move { core::Wallet::open(&db_path, keys.as_ref(), c).await }).await;
        let core = opened
            .map_err(WalletError::from)
            .inspect_err(|e| log.line(LogLevel::Error, || format!("open: failed ({})", e.kind())))?;
        let (closed_tx, closed) = watch::channel(());
        let wallet = Wallet { core: Arc::new(core), log, runtime, _closed: closed_tx, closed };
        let pending = wallet.core.pending_count().unwrap_or(0);
        wallet.log.line(LogLevel::Info, || format!("open: ok, {pending} pending"));
        Ok(Arc::new(wallet))
    }
}

/// The bindings speak signed numbers (Kotlin has no idiomatic unsigned types): a negative
/// count, limit or wait from the app means none.
fn unsigned(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// A count from the core, for the app; saturates (no count comes near it).
fn signed(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// A Unix time from the core, for the app.
fn signed64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
