//! The wallet's local database: one SQLite writer in WAL mode, numbered migrations, and
//! secrets sealed under a data key that the platform [`KeyStore`] wraps.
//!
//! Writes take a `&Transaction` and reads a `&Connection`, so a write cannot happen outside
//! a transaction by accident.

mod charges;
mod codes;
mod seal;

use std::fmt;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::money::{Currency, Money};

pub use charges::{charge_requests, put_charge_request, set_charge_request_status, ChargeRequest};
pub use codes::{
    code_keys_left, current_token, drop_token_keys, lowest_held, put_code_key, recently_shown, take_code_key,
    TakenCodeKey, KEY_LIFETIME_SECS,
};
pub use seal::{FileKeyStore, KeyStore, KeyStoreError, Sealer, KEY_LEN};

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

/// Seals and stores `secret` under `name`, replacing any previous value.
pub fn put_secret(tx: &Transaction<'_>, sealer: &Sealer, name: &str, secret: &[u8]) -> Result<(), StoreError> {
    let sealed = sealer.seal(name, secret)?;
    let (nonce, ciphertext) = sealed.split_at(ring::aead::NONCE_LEN);
    tx.execute(
        "INSERT INTO secrets (name, nonce, ciphertext) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext",
        params![name, nonce, ciphertext],
    )?;
    Ok(())
}

/// Opens the secret stored under `name`.
pub fn get_secret(conn: &Connection, sealer: &Sealer, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
    let row: Option<(Vec<u8>, Vec<u8>)> = conn
        .query_row("SELECT nonce, ciphertext FROM secrets WHERE name = ?1", [name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((mut sealed, ciphertext)) = row else { return Ok(None) };
    sealed.extend_from_slice(&ciphertext);
    sealer.open(name, &sealed).map(Some).ok_or_else(|| StoreError::BadSecret(name.to_owned()))
}

/// Deletes the secret stored under `name`; true if there was one.
pub fn delete_secret(tx: &Transaction<'_>, name: &str) -> Result<bool, StoreError> {
    Ok(tx.execute("DELETE FROM secrets WHERE name = ?1", [name])? > 0)
}

fn currency(alpha: &str) -> Result<Currency, StoreError> {
    Currency::from_alpha(alpha).ok_or_else(|| StoreError::Corrupt(format!("unknown currency {alpha}")))
}

/// The enrolled wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletRecord {
    /// Host wallet id.
    pub wallet_id: String,
    /// This device's id at the host.
    pub device_id: String,
    /// Public handle, without `@`.
    pub handle: String,
    /// Name shown to others.
    pub display_name: String,
    /// Home country, ISO 3166-1 alpha-2.
    pub country: String,
    /// Home currency.
    pub currency: Currency,
    /// KYC tier as the host names it (`unverified`, `verified`).
    pub tier: String,
    /// Enrolment time, unix seconds.
    pub enrolled_at: i64,
}

/// Stores the enrolled wallet (replacing the row).
pub fn put_wallet(tx: &Transaction<'_>, w: &WalletRecord) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR REPLACE INTO wallet (id, wallet_id, device_id, handle, display_name, country, currency, tier, enrolled_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![w.wallet_id, w.device_id, w.handle, w.display_name, w.country, w.currency.alpha(), w.tier, w.enrolled_at],
    )?;
    Ok(())
}

/// The enrolled wallet, if any.
pub fn wallet(conn: &Connection) -> Result<Option<WalletRecord>, StoreError> {
    let row = conn
        .query_row(
            "SELECT wallet_id, device_id, handle, display_name, country, currency, tier, enrolled_at FROM wallet WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, i64>(7)?,
                ))
            },
        )
        .optional()?;
    row.map(|(wallet_id, device_id, handle, display_name, country, cur, tier, enrolled_at)| {
        Ok(WalletRecord {
            wallet_id,
            device_id,
            handle,
            display_name,
            country,
            currency: currency(&cur)?,
            tier,
            enrolled_at,
        })
    })
    .transpose()
}

/// A linked bank account; only the last four digits of the account number are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankLink {
    /// Host link id.
    pub id: String,
    /// Bank id.
    pub bank_id: String,
    /// Bank name.
    pub bank_name: String,
    /// Last four digits of the account number.
    pub last4: String,
    /// Account holder.
    pub holder_name: String,
    /// Link time, unix seconds.
    pub created_at: i64,
}

/// Stores a bank link.
pub fn put_bank_link(tx: &Transaction<'_>, b: &BankLink) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR REPLACE INTO bank_links (id, bank_id, bank_name, last4, holder_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![b.id, b.bank_id, b.bank_name, b.last4, b.holder_name, b.created_at],
    )?;
    Ok(())
}

/// Linked banks, oldest first.
pub fn bank_links(conn: &Connection) -> Result<Vec<BankLink>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, bank_id, bank_name, last4, holder_name, created_at FROM bank_links ORDER BY created_at, id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(BankLink {
                id: r.get(0)?,
                bank_id: r.get(1)?,
                bank_name: r.get(2)?,
                last4: r.get(3)?,
                holder_name: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Someone this wallet has sent money to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// Handle, without `@`.
    pub handle: String,
    /// Display name.
    pub display_name: String,
    /// Country.
    pub country: String,
    /// Last transfer time, unix seconds.
    pub last_used_at: i64,
}

/// Remembers a recipient (updating the last-used time).
pub fn put_recipient(tx: &Transaction<'_>, r: &Recipient) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO recipients (handle, display_name, country, last_used_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (handle) DO UPDATE SET display_name = excluded.display_name, country = excluded.country, last_used_at = excluded.last_used_at",
        params![r.handle, r.display_name, r.country, r.last_used_at],
    )?;
    Ok(())
}

/// Recipients, most recently used first.
pub fn recipients(conn: &Connection) -> Result<Vec<Recipient>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT handle, display_name, country, last_used_at FROM recipients ORDER BY last_used_at DESC, handle",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Recipient { handle: r.get(0)?, display_name: r.get(1)?, country: r.get(2)?, last_used_at: r.get(3)? })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Where an intent stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentState {
    /// Recorded; the host's outcome is not known yet.
    Pending,
    /// The host applied it and the result is in history.
    Done,
    /// The host refused it with a final answer.
    Refused,
}

impl IntentState {
    fn as_str(self) -> &'static str {
        match self {
            IntentState::Pending => "pending",
            IntentState::Done => "done",
            IntentState::Refused => "refused",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "pending" => Ok(IntentState::Pending),
            "done" => Ok(IntentState::Done),
            "refused" => Ok(IntentState::Refused),
            other => Err(StoreError::Corrupt(format!("intent state {other}"))),
        }
    }
}

/// A mutating request in the outbox: recorded before it is sent, resolved exactly once.
/// Its body is sealed at rest: it can hold account and document numbers.
#[derive(Clone, PartialEq)]
pub struct Intent {
    /// The Idempotency-Key it is sent with.
    pub key: String,
    /// What it does (`topup`, `payment`, `p2p`, `remittance`, `bank_link`, `enrol`, `kyc`).
    pub kind: String,
    /// Request path.
    pub path: String,
    /// Exact request body bytes (a resend must be byte-identical).
    pub body: Vec<u8>,
    /// Local context to reconcile with (what the user saw: references, quote).
    pub context: Value,
    /// State.
    pub state: IntentState,
    /// The host's final answer, once known.
    pub outcome: Option<Value>,
    /// When it was recorded, unix seconds.
    pub created_at: i64,
}

impl fmt::Debug for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Intent")
            .field("key", &self.key)
            .field("kind", &self.kind)
            .field("path", &self.path)
            .field("body", &"<redacted>")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

fn intent_secret_name(key: &str) -> String {
    format!("intent:{key}")
}

/// Records a new pending intent, its body sealed.
pub fn insert_intent(tx: &Transaction<'_>, sealer: &Sealer, i: &Intent) -> Result<(), StoreError> {
    let body = sealer.seal(&intent_secret_name(&i.key), &i.body)?;
    tx.execute(
        "INSERT INTO intents (key, seq, kind, path, body, context, state, outcome, created_at, updated_at)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM intents), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![
            i.key,
            i.kind,
            i.path,
            body,
            i.context.to_string(),
            i.state.as_str(),
            i.outcome.as_ref().map(Value::to_string),
            i.created_at
        ],
    )?;
    Ok(())
}

/// Marks an intent done or refused with the host's answer.
pub fn finish_intent(
    tx: &Transaction<'_>,
    key: &str,
    state: IntentState,
    outcome: &Value,
    now: i64,
) -> Result<(), StoreError> {
    let n = tx.execute(
        "UPDATE intents SET state = ?2, outcome = ?3, updated_at = ?4 WHERE key = ?1 AND state = 'pending'",
        params![key, state.as_str(), outcome.to_string(), now],
    )?;
    if n != 1 {
        return Err(StoreError::Corrupt(format!("intent {key} is not pending")));
    }
    Ok(())
}

fn intent_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IntentRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
}

type IntentRow = (String, String, String, Vec<u8>, String, String, Option<String>, i64);

fn intent_from(sealer: &Sealer, row: IntentRow) -> Result<Intent, StoreError> {
    let (key, kind, path, body, context, state, outcome, created_at) = row;
    let body = sealer
        .open(&intent_secret_name(&key), &body)
        .ok_or_else(|| StoreError::BadSecret(intent_secret_name(&key)))?
        .to_vec();
    let json = |s: &str| serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("intent {key}: {e}")));
    Ok(Intent {
        context: json(&context)?,
        outcome: outcome.as_deref().map(json).transpose()?,
        state: IntentState::parse(&state)?,
        key,
        kind,
        path,
        body,
        created_at,
    })
}

const INTENT_COLUMNS: &str = "key, kind, path, body, context, state, outcome, created_at";

/// Pending intents, oldest first.
pub fn pending_intents(conn: &Connection, sealer: &Sealer) -> Result<Vec<Intent>, StoreError> {
    let mut stmt =
        conn.prepare(&format!("SELECT {INTENT_COLUMNS} FROM intents WHERE state = 'pending' ORDER BY seq"))?;
    let rows: Vec<IntentRow> = stmt.query_map([], intent_from_row)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(|r| intent_from(sealer, r)).collect()
}

/// One intent by key.
pub fn intent(conn: &Connection, sealer: &Sealer, key: &str) -> Result<Option<Intent>, StoreError> {
    let row = conn
        .query_row(&format!("SELECT {INTENT_COLUMNS} FROM intents WHERE key = ?1"), [key], intent_from_row)
        .optional()?;
    row.map(|r| intent_from(sealer, r)).transpose()
}

/// Money in or out of the wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Money came in.
    In,
    /// Money went out.
    Out,
}

impl Direction {
    /// `in` or `out`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// One entry of the wallet's history.
#[derive(Debug, Clone, PartialEq)]
pub struct TransactionRecord {
    /// Host transaction id.
    pub id: String,
    /// `topup`, `payment`, `p2p`, `remittance`, …
    pub kind: String,
    /// In or out.
    pub direction: Direction,
    /// What the wallet balance moved by, in the wallet's currency (fees included).
    pub amount: Money,
    /// Merchant, friend or recipient, as shown.
    pub counterparty: Option<String>,
    /// One readable line.
    pub description: String,
    /// The intent it came from, for outgoing transactions.
    pub intent_key: Option<String>,
    /// Host time, unix seconds.
    pub created_at: i64,
    /// The host's full record.
    pub details: Value,
}

/// Adds a transaction unless one with its id is already there; true if it was added.
pub fn insert_transaction(tx: &Transaction<'_>, t: &TransactionRecord) -> Result<bool, StoreError> {
    let n = tx.execute(
        "INSERT OR IGNORE INTO transactions (id, kind, direction, amount_minor, currency, counterparty, description, intent_key, created_at, details)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            t.id, t.kind, t.direction.as_str(), t.amount.minor(), t.amount.currency().alpha(), t.counterparty, t.description,
            t.intent_key, t.created_at, t.details.to_string()
        ],
    )?;
    Ok(n == 1)
}

/// Where the next history page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryCursor {
    /// `created_at` of the last item shown.
    pub created_at: i64,
    /// Its local sequence number.
    pub seq: i64,
}

impl HistoryCursor {
    /// An opaque text form for the apps.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.created_at, self.seq)
    }

    /// Reads [`HistoryCursor::encode`]'s form.
    pub fn decode(s: &str) -> Option<HistoryCursor> {
        let (a, b) = s.split_once('.')?;
        Some(HistoryCursor { created_at: a.parse().ok()?, seq: b.parse().ok()? })
    }
}

/// A page of history, newest first, and the cursor of the next page if there is one.
pub fn history_page(
    conn: &Connection,
    limit: u32,
    after: Option<HistoryCursor>,
) -> Result<(Vec<TransactionRecord>, Option<HistoryCursor>), StoreError> {
    let limit = limit.clamp(1, 500);
    let (ca, seq) = after.map(|c| (c.created_at, c.seq)).unwrap_or((i64::MAX, i64::MAX));
    // Row-value comparison walks the (created_at DESC, seq DESC) index from the cursor on.
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, kind, direction, amount_minor, currency, counterparty, description, intent_key, created_at, details
         FROM transactions WHERE (created_at, seq) < (?1, ?2) ORDER BY created_at DESC, seq DESC LIMIT ?3",
    )?;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(i64, String, String, String, i64, String, Option<String>, String, Option<String>, i64, String)> =
        stmt.query_map(params![ca, seq, limit + 1], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let more = rows.len() > limit as usize;
    let mut items = Vec::with_capacity(rows.len().min(limit as usize));
    let mut last = None;
    for (seq, id, kind, direction, minor, cur, counterparty, description, intent_key, created_at, details) in
        rows.into_iter().take(limit as usize)
    {
        last = Some(HistoryCursor { created_at, seq });
        items.push(TransactionRecord {
            direction: match direction.as_str() {
                "in" => Direction::In,
                "out" => Direction::Out,
                other => return Err(StoreError::Corrupt(format!("direction {other}"))),
            },
            amount: Money::from_minor(minor, currency(&cur)?),
            details: serde_json::from_str(&details)
                .map_err(|e| StoreError::Corrupt(format!("transaction {id}: {e}")))?,
            id,
            kind,
            counterparty,
            description,
            intent_key,
            created_at,
        });
    }
    Ok((items, if more { last } else { None }))
}

/// One transaction by host id.
pub fn transaction(conn: &Connection, id: &str) -> Result<Option<TransactionRecord>, StoreError> {
    let pos: Option<(i64, i64)> = conn
        .query_row("SELECT created_at, seq FROM transactions WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((created_at, seq)) = pos else { return Ok(None) };
    // The page that starts just after this row's position begins with it.
    let (items, _) = history_page(conn, 1, Some(HistoryCursor { created_at, seq: seq + 1 }))?;
    Ok(items.into_iter().next().filter(|t| t.id == id))
}

/// Caches a quote as shown to the user.
pub fn put_quote(
    tx: &Transaction<'_>,
    id: &str,
    purpose: &str,
    body: &Value,
    expires_at: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR REPLACE INTO quotes (id, purpose, body, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, purpose, body.to_string(), expires_at],
    )?;
    // Expired quotes are of no further use; keep the table small.
    tx.execute("DELETE FROM quotes WHERE expires_at < ?1 - 86400", [expires_at])?;
    Ok(())
}

/// A cached quote body.
pub fn quote(conn: &Connection, id: &str) -> Result<Option<Value>, StoreError> {
    let body: Option<String> =
        conn.query_row("SELECT body FROM quotes WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    body.map(|b| serde_json::from_str(&b).map_err(|e| StoreError::Corrupt(format!("quote {id}: {e}")))).transpose()
}

/// Caches a balance the host reported in an answer stamped with host time `as_of`; an
/// answer replayed late does not overwrite a newer one.
pub fn put_balance(tx: &Transaction<'_>, balance: Money, as_of: i64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO balances (currency, minor, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (currency) DO UPDATE SET minor = excluded.minor, updated_at = excluded.updated_at
         WHERE excluded.updated_at >= balances.updated_at",
        params![balance.currency().alpha(), balance.minor(), as_of],
    )?;
    Ok(())
}

/// Caches a balance just read from the host: the newest there is, whatever the clocks say.
pub fn put_current_balance(tx: &Transaction<'_>, balance: Money, now: i64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO balances (currency, minor, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (currency) DO UPDATE SET minor = excluded.minor, updated_at = MAX(balances.updated_at, excluded.updated_at)",
        params![balance.currency().alpha(), balance.minor(), now],
    )?;
    Ok(())
}

/// The last balance the host reported in `currency`, and when.
pub fn balance(conn: &Connection, cur: Currency) -> Result<Option<(Money, i64)>, StoreError> {
    Ok(conn
        .query_row("SELECT minor, updated_at FROM balances WHERE currency = ?1", [cur.alpha()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })
        .optional()?
        .map(|(m, at)| (Money::from_minor(m, cur), at)))
}

/// A named integer of sync state (the events cursor).
pub fn sync_value(conn: &Connection, name: &str) -> Result<Option<i64>, StoreError> {
    Ok(conn.query_row("SELECT value FROM sync_state WHERE name = ?1", [name], |r| r.get(0)).optional()?)
}

/// Sets a named integer of sync state.
pub fn put_sync_value(tx: &Transaction<'_>, name: &str, value: i64) -> Result<(), StoreError> {
    tx.execute("INSERT OR REPLACE INTO sync_state (name, value) VALUES (?1, ?2)", params![name, value])?;
    Ok(())
}

#[cfg(test)]
mod tests;
