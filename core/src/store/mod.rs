//! The wallet's local database: one SQLite writer in WAL mode, numbered migrations, and
//! secrets sealed under a data key that the platform [`KeyStore`] wraps.
//!
//! Writes take a `&Transaction` and reads a `&Connection`, so a write cannot happen outside
//! a transaction by accident. One file per table (or pair of tables that change together):
//! `secrets`, `profile` (the wallet row, balances, sync state), `intents`, `history`,
//! `recipients`, `banks`, `quotes`, `codes`, `charges`; this file opens and migrates.

mod banks;
mod charges;
mod codes;
mod history;
mod intents;
mod profile;
mod quotes;
mod recipients;
mod seal;
mod secrets;

use std::fmt;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use zeroize::Zeroizing;

use crate::money::Currency;

pub use banks::{bank_links, delete_bank_link, put_bank_link};
pub use charges::{charge_requests, put_charge_request, set_charge_request_status};
pub use codes::{
    code_keys_left, current_token, drop_token_keys, lowest_held, put_code_key, take_code_key, TakenCodeKey,
    KEY_LIFETIME_SECS,
};
pub use history::{
    history_page, history_page_of, insert_transaction, transaction, update_transaction_record, HistoryCursor,
    HistoryQuery,
};
pub use intents::{finish_intent, insert_intent, intent, pending_intents, Intent, IntentState};
pub use profile::{balance, put_balance, put_current_balance, put_sync_value, put_wallet, sync_value, wallet};
pub use quotes::{put_quote, quote};
pub use recipients::{put_recipient, recipients};
pub use seal::{FileKeyStore, KeyStore, KeyStoreError, Sealer, KEY_LEN};
pub use secrets::{delete_secret, get_secret, put_secret};

// The rows the store reads are the wallet's own records (`crate::wallet`); these names stay
// here only so code written against `store::TransactionRecord` and the like keeps compiling.
// New code names them from `wallet`.
pub use crate::wallet::WalletProfile as WalletRecord;
pub use crate::wallet::{BankLink, ChargeRequest, Direction, Recipient, TransactionRecord};

/// The migrations, in order; migration `n` (1-based) brings the schema to `user_version` n.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_history_index_sync.sql"),
    include_str!("migrations/0003_consumer_codes.sql"),
    include_str!("migrations/0004_code_expiry_and_charge_requests.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database was written by a newer version of the app.
    #[error("database schema {found} is newer than this build's {supported}")]
    TooNew {
        /// `user_version` found.
        found: u32,
        /// Highest version this build knows.
        supported: u32,
    },
    /// The key store failed.
    #[error(transparent)]
    KeyStore(#[from] KeyStoreError),
    /// A sealed secret does not open under this data key.
    #[error("sealed secret {0:?} does not open: wrong key store or damaged data")]
    BadSecret(String),
    /// A row holds something this build cannot read.
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

/// The local store.
pub struct Store {
    conn: Connection,
    sealer: Sealer,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.conn.path()).finish_non_exhaustive()
    }
}

/// Applies the migrations after the database's `user_version`, up to `target`.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<(), StoreError> {
    let found: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew { found, supported: SCHEMA_VERSION });
    }
    for version in found + 1..=target.min(SCHEMA_VERSION) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(MIGRATIONS[version as usize - 1])?;
        // PRAGMA takes no parameters; the value is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))?;
        tx.commit()?;
    }
    Ok(())
}

impl Store {
    /// Opens (creating and migrating) the database at `path`, unwrapping its data key.
    pub fn open(path: impl AsRef<Path>, keystore: &dyn KeyStore) -> Result<Store, StoreError> {
        let path = path.as_ref();
        // SQLite would create the file 0644 (history, names, payment tokens readable by every
        // local user) and gives -wal and -shm the database file's mode: create it owner-only
        // first. Any failure ("exists" above all) is left for SQLite's open to report.
        #[cfg(unix)]
        if path != Path::new(":memory:") {
            use std::os::unix::fs::OpenOptionsExt as _;
            let _ = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path);
        }
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL is durable across app kills in WAL mode; only power loss can lose the last commit.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate_to(&mut conn, SCHEMA_VERSION)?;
        let wrapped: Option<Vec<u8>> =
            conn.query_row("SELECT value FROM meta WHERE name = 'data_key'", [], |r| r.get(0)).optional()?;
        let key = match wrapped {
            Some(w) => keystore.unwrap(&w)?,
            None => {
                let key = seal::random_key()?;
                let wrapped = keystore.wrap(&key)?;
                conn.execute("INSERT INTO meta (name, value) VALUES ('data_key', ?1)", [wrapped])?;
                key
            }
        };
        if key.len() != KEY_LEN {
            return Err(StoreError::KeyStore(KeyStoreError::BadWrappedKey));
        }
        Ok(Store { conn, sealer: Sealer::new(key) })
    }

    /// The connection, for reads.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one immediate transaction, committed only if it returns `Ok`.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>, &Sealer) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let out = f(&tx, &self.sealer)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// The sealer, for reads of sealed rows.
    pub fn sealer(&self) -> &Sealer {
        &self.sealer
    }

    /// Reads a sealed secret by name.
    pub fn secret(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        get_secret(&self.conn, &self.sealer, name)
    }
}

fn currency(alpha: &str) -> Result<Currency, StoreError> {
    Currency::from_alpha(alpha).ok_or_else(|| StoreError::Corrupt(format!("unknown currency {alpha}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    fn jpy(minor: i64) -> Money {
        Money::from_minor(minor, Currency::from_alpha("JPY").unwrap())
    }

    #[test]
    fn opens_a_database_written_by_schema_version_1() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wallet.sqlite3");
        let ks = FileKeyStore::open(dir.path().join("kek")).unwrap();
        // The v1 fixture: schema 1 exactly as that version created it, with rows in it.
        {
            let mut conn = Connection::open(&path).unwrap();
            migrate_to(&mut conn, 1).unwrap();
            let v: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
            assert_eq!(v, 1);
            conn.execute(
                "INSERT INTO transactions (id, kind, direction, amount_minor, currency, counterparty, description, intent_key, created_at, details)
                 VALUES ('tx_old', 'topup', 'in', 5000, 'JPY', NULL, 'Top-up', NULL, 1700000000, '{}')",
                [],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO intents (key, seq, kind, path, body, context, state, outcome, created_at, updated_at)
                 VALUES ('k1', 1, 'topup', '/v1/topups', X'00', '{}', 'done', NULL, 1700000000, 1700000000)",
                [],
            )
            .unwrap();
        }
        let mut store = Store::open(&path, &ks).unwrap();
        let v: u32 = store.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let (page, next) = history_page(store.conn(), 10, None).unwrap();
        assert_eq!((page.len(), page[0].id.as_str(), page[0].amount, next), (1, "tx_old", jpy(5000), None));
        let state: String =
            store.conn().query_row("SELECT state FROM intents WHERE key = 'k1'", [], |r| r.get(0)).unwrap();
        assert_eq!(state, "done");
        store.write(|tx, _| put_sync_value(tx, "events", 7)).unwrap();
        assert_eq!(sync_value(store.conn(), "events").unwrap(), Some(7));
        let plan: String = store
            .conn()
            .query_row(
                "EXPLAIN QUERY PLAN SELECT id FROM transactions WHERE (created_at, seq) < (1, 1)
                 ORDER BY created_at DESC, seq DESC LIMIT 5",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("transactions_newest_first"), "{plan}");
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite3");
        Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
        let ks = FileKeyStore::open(dir.path().join("kek")).unwrap();
        assert!(matches!(Store::open(&path, &ks), Err(StoreError::TooNew { found: 99, .. })));
    }
}
