//! Shared server state: the single writer connection, the network's clock, faults, acquirers.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::Connection;

use crate::auth::AcquirerKey;
use crate::error::Refusal;
use crate::faults::FaultSwitch;

/// The network's clock: system time plus an offset tests advance, so codes expire and
/// "user paying" states time out without sleeping.
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
    /// The single writer connection (SQLite serialises writers anyway).
    pub db: Arc<Mutex<Connection>>,
    /// The network's clock.
    pub clock: Arc<Clock>,
    /// Fault injection.
    pub faults: Arc<FaultSwitch>,
    /// Whether /admin endpoints answer.
    pub admin: bool,
    /// Acquirers allowed to call, by client id.
    pub acquirers: Arc<HashMap<String, AcquirerKey>>,
    counter: Arc<AtomicU64>,
}

impl AppState {
    /// Wraps an open, seeded connection.
    pub fn new(conn: Connection, faults: FaultSwitch, admin: bool, acquirers: Vec<AcquirerKey>) -> Self {
        Self {
            db: Arc::new(Mutex::new(conn)),
            clock: Arc::new(Clock::default()),
            faults: Arc::new(faults),
            admin,
            acquirers: Arc::new(acquirers.into_iter().map(|k| (k.client_id().to_owned(), k)).collect()),
            counter: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn with_db<T, F>(&self, f: F) -> Result<T, Refusal>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, Refusal> + Send + 'static,
    {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            // Every write is one SQLite transaction, so a panic that poisoned the lock left the
            // data consistent: keep serving.
            let mut conn = db.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|e| Refusal::Internal(format!("worker failed: {e}")))?
    }

    /// A fresh random id with a readable prefix.
    pub fn new_id(&self, prefix: &str) -> String {
        new_id(prefix, &self.counter)
    }
}

/// A random id: prefix and 12 random bytes in hex. The counter only guards against a failing
/// RNG producing duplicates.
pub fn new_id(prefix: &str, counter: &AtomicU64) -> String {
    let mut bytes = [0u8; 12];
    if SystemRandom::new().fill(&mut bytes).is_err() {
        let n = counter.fetch_add(1, Ordering::Relaxed);
        bytes[..8].copy_from_slice(&n.to_be_bytes());
    }
    format!("{prefix}{}", koban_core::crypto::hex::encode(&bytes))
}
