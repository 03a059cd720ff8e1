//! The wallet engine: enrolment, banks, top-up, merchant payments at home and abroad, P2P,
//! remittances, receive codes, history and sync — every money-moving call exactly once.
//!
//! Exactly once: a mutating call first commits an intent (idempotency key and exact body) to
//! the store, then sends, then reconciles the host's answer into history in one local
//! transaction. Pending intents are resolved with the host — by resending the same bytes
//! under the same key, which the host answers with the original outcome — on open, and
//! before anything new is sent. Dropping a call's future at any point leaves either nothing
//! or a committed pending intent behind, never half a write.
//!
//! One file per flow: `outbox` (intents: submit, resend, reconcile), `profile` (enrolment,
//! identity, balance), `bank` (links and top-up), `payment` (merchant codes), `transfer` (P2P
//! and remittances), `codes` (consumer codes), `approvals` (till charges waiting for the
//! shopper), `history` and `sync`. This file opens the wallet and holds what they share.

mod approvals;
mod bank;
pub mod codes;
mod error;
mod events;
mod history;
mod outbox;
mod payment;
pub mod pending;
mod profile;
mod requests;
mod statement;
mod sync;
mod transfer;
mod types;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::crypto::{new_nonce, DeviceKey, PlatformKeys};
use crate::money::Money;
use crate::net::{api, Client, HttpTransport, NetError, ReqwestTransport, RESIGN_LIMIT};
use crate::store::{self, KeyStore, Store};

pub use bank::WithdrawalPreview;
pub use codes::ConsumerCode;
#[cfg(any(test, feature = "failpoints"))]
pub use error::FailPoint;
pub use error::{Refusal, WalletError, WalletErrorKind};
pub use requests::{equal_shares, Friend, MoneyRequest, Split, SplitShares};
pub use statement::{csv_row, HistoryFilter, TransactionDetail, CSV_HEADER};
pub use sync::{Backoff, ListenEvent, Listener};
pub use transfer::SendPreview;
pub use types::{
    Balance, Bank, BankAccount, BankLink, ChargeRequest, Direction, Enrolment, FxQuote, HistoryPage, Identity,
    PaymentQuote, PaymentRequest, QuoteAmount, Recipient, RemitDestination, RemitRecipient, SendTo, SyncReport,
    TransactionRecord, WalletProfile,
};

const DEVICE_KEY_SECRET: &str = "device_key";
/// Where a platform-held device key is recorded: its alias and public key (no secret, but
/// sealed like the rest so a copied database says nothing of it).
const DEVICE_KEY_PLATFORM: &str = "device_key_platform";
const EVENTS_CURSOR: &str = "events_after";
/// The host's clock minus this device's, as last learned: kept so codes made offline after a
/// restart still carry the host's time.
const CLOCK_OFFSET: &str = "host_clock_offset";

/// How the wallet reaches its host.
#[derive(Clone)]
pub struct WalletConfig {
    /// Base URL of the host, e.g. `https://wallet.example` or `http://127.0.0.1:8080`.
    pub host_url: String,
    /// Limit on one request, connect to last byte.
    pub timeout: Duration,
    /// Sends of one request before its outcome is reported unknown.
    pub max_attempts: u32,
    /// The app's HTTP stack; `None` uses reqwest with rustls.
    pub transport: Option<Arc<dyn HttpTransport>>,
    /// The platform's store of non-exportable signing keys: when it holds one, the device key
    /// lives there and never in Koban's memory; `None` keeps a software key sealed in the store.
    pub platform_keys: Option<Arc<dyn PlatformKeys>>,
}

impl WalletConfig {
    /// Defaults for `host_url`: 15 s timeout, 3 attempts, reqwest.
    pub fn new(host_url: impl Into<String>) -> WalletConfig {
        WalletConfig {
            host_url: host_url.into(),
            timeout: Duration::from_secs(15),
            max_attempts: 3,
            transport: None,
            platform_keys: None,
        }
    }
}

impl std::fmt::Debug for WalletConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WalletConfig")
            .field("host_url", &self.host_url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The device key this database records: a software key sealed in it, or the platform's key
/// it names, which must still be the same key (a backup restored on another phone has none).
fn device_key(store: &Store, platform: Option<&Arc<dyn PlatformKeys>>) -> Result<Option<DeviceKey>, WalletError> {
    if let Some(pkcs8) = store.secret(DEVICE_KEY_SECRET)? {
        return Ok(Some(DeviceKey::from_pkcs8(&pkcs8)?));
    }
    let Some(record) = store.secret(DEVICE_KEY_PLATFORM)? else { return Ok(None) };
    let gone = |why: &str| {
        WalletError::from(store::KeyStoreError::Unavailable(format!(
            "this wallet's device key is held by the platform and {why}: enrol this device again"
        )))
    };
    let (alias, public_hex) = std::str::from_utf8(&record)
        .ok()
        .and_then(|r| r.split_once('\n'))
        .ok_or_else(|| WalletError::Protocol("unreadable platform key record".into()))?;
    let keys = platform.ok_or_else(|| gone("no platform key store was given"))?;
    let expected = crate::crypto::hex::decode(public_hex)
        .map_err(|_| WalletError::Protocol("unreadable platform key record".into()))?;
    match DeviceKey::on_platform_expecting(keys.clone(), alias, Some(&expected)) {
        Ok(Some(key)) => Ok(Some(key)),
        Ok(None) => Err(gone("the platform holds no keys")),
        Err(crate::crypto::CryptoError::Platform(_)) => {
            Err(gone("the platform's key is missing or another one (a backup restored elsewhere?)"))
        }
        Err(e) => Err(e.into()),
    }
}

/// A wallet on this device.
pub struct Wallet {
    store: Mutex<Store>,
    client: Client,
    max_attempts: u32,
    timeout: Duration,
    // Where a new device key is made at enrolment, when the platform holds keys.
    platform_keys: Option<Arc<dyn PlatformKeys>>,
    device: Mutex<Option<Arc<DeviceKey>>>,
    // Held from resolving pending intents to reconciling the new one, so nothing new is sent
    // while an older outcome is unknown. A tokio mutex: it is held across awaits.
    outbox: tokio::sync::Mutex<()>,
    #[cfg(any(test, feature = "failpoints"))]
    failpoint: Mutex<Option<FailPoint>>,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet").field("client", &self.client).finish_non_exhaustive()
    }
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn new_key() -> Result<String, WalletError> {
    Ok(format!("i-{}", new_nonce()?))
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave the store half-written (SQLite rolls the
    // transaction back), so the poisoned value is still good.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn positive(m: Money) -> Result<(), WalletError> {
    if m.minor() <= 0 {
        return Err(WalletError::InvalidInput("the amount must be positive".into()));
    }
    Ok(())
}

impl Wallet {
    /// Opens the wallet database at `path` (creating it), and resolves any pending intents
    /// with the host; whatever stops that (no network, a refusal, a clock far off) leaves them
    /// pending, to be resolved before the next money-moving call. Fails only for local
    /// problems: the store or the key store.
    pub async fn open(
        path: impl AsRef<Path>,
        keystore: &dyn KeyStore,
        config: WalletConfig,
    ) -> Result<Wallet, WalletError> {
        let store = Store::open(path, keystore)?;
        let device = device_key(&store, config.platform_keys.as_ref())?.map(Arc::new);
        let transport: Arc<dyn HttpTransport> = match config.transport {
            Some(t) => t,
            None => {
                Arc::new(ReqwestTransport::new(config.timeout).map_err(|e| WalletError::InvalidInput(e.to_string()))?)
            }
        };
        let wallet = Wallet {
            store: Mutex::new(store),
            client: Client::new(&config.host_url, transport),
            max_attempts: config.max_attempts.max(1),
            timeout: config.timeout,
            device: Mutex::new(device),
            platform_keys: config.platform_keys,
            outbox: tokio::sync::Mutex::new(()),
            #[cfg(any(test, feature = "failpoints"))]
            failpoint: Mutex::new(None),
        };
        if let Some(offset) = store::sync_value(lock(&wallet.store).conn(), CLOCK_OFFSET)? {
            wallet.client.set_clock_offset_secs(offset);
        }
        let has_pending = wallet.pending_count()? > 0;
        if has_pending {
            let _guard = wallet.outbox.lock().await;
            // Never fail open over a pending intent: the shopper would lose her offline codes
            // and history to a flaky network or a refusal. Each failure leaves the intent
            // pending (a refusal that is final has already been recorded), and the next
            // money-moving call resolves it first and reports what still stands in the way.
            let _ = wallet.resolve_pending_locked().await;
        }
        Ok(wallet)
    }

    /// Arms a one-shot crash point (tests only).
    #[cfg(any(test, feature = "failpoints"))]
    pub fn arm_failpoint(&self, point: Option<FailPoint>) {
        *lock(&self.failpoint) = point;
    }

    #[cfg(any(test, feature = "failpoints"))]
    fn fail(&self, point: FailPoint) -> Result<(), WalletError> {
        let mut armed = lock(&self.failpoint);
        if *armed == Some(point) {
            *armed = None;
            return Err(WalletError::Crashed(point));
        }
        Ok(())
    }

    /// The host's clock as this wallet last learned it: codes are stamped with it, and the
    /// approval window of a till charge is the host's.
    pub(super) fn host_now(&self) -> i64 {
        now_secs() + self.client.clock_offset_secs()
    }

    fn device(&self) -> Result<Arc<DeviceKey>, WalletError> {
        lock(&self.device).clone().ok_or(WalletError::NotEnrolled)
    }

    /// The enrolled wallet, if any (local, no network).
    pub fn profile(&self) -> Result<Option<WalletProfile>, WalletError> {
        Ok(store::wallet(lock(&self.store).conn())?)
    }

    fn enrolled(&self) -> Result<WalletProfile, WalletError> {
        self.profile()?.ok_or(WalletError::NotEnrolled)
    }

    /// Stores a secret sealed under the wallet's data key (e.g. consumer-code keys).
    pub fn put_secret(&self, name: &str, secret: &[u8]) -> Result<(), WalletError> {
        Ok(lock(&self.store).write(|tx, s| store::put_secret(tx, s, name, secret))?)
    }

    /// Reads a sealed secret.
    pub fn secret(&self, name: &str) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, WalletError> {
        Ok(lock(&self.store).secret(name)?)
    }

    /// Deletes a sealed secret; true if it existed.
    pub fn delete_secret(&self, name: &str) -> Result<bool, WalletError> {
        Ok(lock(&self.store).write(|tx, _| store::delete_secret(tx, name))?)
    }

    // ---- reads: nothing moves, so a retry needs no intent ------------------------------

    /// A signed GET, read as the route's answer type.
    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, WalletError> {
        let key = self.device()?;
        let mut last = String::new();
        let (mut attempts, mut resigned) = (0, 0);
        while attempts < self.max_attempts {
            // Every send is signed afresh: new time (with the host's clock), new nonce.
            match self.client.get(&key, path).await {
                Err(NetError::Unknown(m)) => {
                    attempts += 1;
                    last = m;
                }
                Err(e) if e.fixed_by_resigning() && resigned < RESIGN_LIMIT => resigned += 1,
                other => return types::read(&other.map_err(WalletError::from_net_read)?),
            }
        }
        Err(WalletError::Unavailable(last))
    }

    /// A POST that moves no money (a quote): retried under one key, so retries return the
    /// same result. The answer comes back as sent, for callers that keep it.
    async fn post_idempotent(&self, path: &str, body: &impl Serialize) -> Result<Value, WalletError> {
        let key = self.device()?;
        let bytes = serde_json::to_vec(body).map_err(|e| WalletError::Protocol(e.to_string()))?;
        let idem = new_key()?;
        let mut last = String::new();
        let (mut attempts, mut resigned) = (0, 0);
        while attempts < self.max_attempts {
            match self.client.post(&key, path, &bytes, &idem).await {
                Err(NetError::Unknown(m)) => {
                    attempts += 1;
                    last = m;
                }
                Err(e) if e.fixed_by_resigning() && resigned < RESIGN_LIMIT => resigned += 1,
                other => return other.map_err(WalletError::from_net_read),
            }
        }
        Err(WalletError::Unavailable(last))
    }

    /// An FX quote from the host (a merchant payment abroad or a remittance), cached as shown.
    async fn fx_quote(&self, body: &api::QuoteRequest) -> Result<FxQuote, WalletError> {
        let v = self.post_idempotent("/v1/quotes", body).await?;
        let q = FxQuote::from_api(&types::read(&v)?)?;
        lock(&self.store).write(|tx, _| store::put_quote(tx, &q.id, &q.purpose, &v, q.expires_at))?;
        Ok(q)
    }
}
