//! Shared server state: the single writer connection, the clock, faults and the event signal.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::Connection;
use tokio::sync::watch;

use crate::error::ApiError;
use crate::faults::FaultSwitch;
use crate::vault::HostKey;

/// The host's clock: system time plus an offset that admin endpoints may advance, so tests
/// can expire quotes and codes without sleeping.
#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    /// Unix seconds.
    pub fn now(&self) -> i64 {
        let sys = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        sys + self.offset_secs.load(Ordering::Relaxed)
    }

    /// Moves the clock forward.
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}

/// State shared by every request.
#[derive(Clone)]
pub struct AppState {
    /// The single writer connection; reads go through it too (SQLite serialises anyway).
    pub db: Arc<Mutex<Connection>>,
    /// Host clock.
    pub clock: Arc<Clock>,
    /// Fault injection, active only when enabled at start.
    pub faults: Arc<FaultSwitch>,
    /// Whether /admin endpoints answer.
    pub admin: bool,
    /// Bumped after every commit that wrote events, waking long-polls.
    pub events: Arc<watch::Sender<u64>>,
    /// Enrolled devices' public keys and wallets; a device only changes by being revoked,
    /// which removes it here, so a cache saves a database round trip on every signed request.
    pub devices: Arc<RwLock<HashMap<String, Arc<EnrolledDevice>>>>,
    /// Seals the consumer-code master keys at rest.
    pub host_key: Arc<HostKey>,
    /// The partner networks, when the host acquires foreign shopper codes.
    pub acquirer: Option<Arc<crate::acquiring::Acquirer>>,
    /// Lookups of other people (recipients) per calling wallet.
    pub lookups: Arc<crate::rate::RateLimiter>,
    counter: Arc<AtomicU64>,
}

/// What a signed request needs of its device: the key that signs and the wallet it acts for.
#[derive(Debug)]
pub struct EnrolledDevice {
    /// The device's request-signing public key, as enrolled.
    pub public_key: Vec<u8>,
    /// Its wallet.
    pub wallet_id: String,
}

impl AppState {
    /// Wraps an open, seeded connection.
    pub fn new(conn: Connection, faults: FaultSwitch, admin: bool, host_key: Arc<HostKey>) -> Self {
        Self {
            db: Arc::new(Mutex::new(conn)),
            clock: Arc::new(Clock::default()),
            faults: Arc::new(faults),
            admin,
            events: Arc::new(watch::channel(0).0),
            devices: Arc::default(),
            host_key,
            acquirer: None,
            lookups: Arc::default(),
            counter: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn with_db<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock poisons it; the data is still consistent because
            // every write is one SQLite transaction, so keep serving.
            let mut conn = db.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|e| ApiError::Internal(format!("worker failed: {e}")))?
    }

    /// Wakes long-polling event readers.
    pub fn notify_events(&self) {
        self.events.send_modify(|v| *v += 1);
    }

    /// Forgets a revoked device, so its next request reads the database and is refused.
    pub fn forget_device(&self, device_id: &str) {
        self.devices.write().unwrap_or_else(|p| p.into_inner()).remove(device_id);
    }

    /// A fresh random id with a readable prefix.
    pub fn new_id(&self, prefix: &str) -> String {
        new_id(prefix, &self.counter)
    }
}

/// A random id: prefix, underscore, 12 random bytes in hex. The counter only guards against
/// a failing RNG producing duplicates.
pub fn new_id(prefix: &str, counter: &AtomicU64) -> String {
    let mut bytes = [0u8; 12];
    if SystemRandom::new().fill(&mut bytes).is_err() {
        let n = counter.fetch_add(1, Ordering::Relaxed);
        bytes[..8].copy_from_slice(&n.to_be_bytes());
    }
    format!("{prefix}_{}", koban_core::crypto::hex::encode(&bytes))
}
