//! The outbox's intents: each mutating request recorded before it is sent, its body sealed,
//! and moved from pending to done or refused exactly once.

use std::fmt;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;

use super::{Sealer, StoreError};

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
    /// What it does, as the wallet's `IntentKind` names it (`topup`, `payment`, `p2p`, …): kept as
    /// text so that a name this build does not know leaves the intent pending instead of
    /// making the whole outbox unreadable.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{FileKeyStore, Store};
    use serde_json::json;

    #[test]
    fn intents_move_from_pending_once() {
        let dir = tempfile::tempdir().unwrap();
        let ks = FileKeyStore::open(dir.path().join("kek")).unwrap();
        let mut store = Store::open(dir.path().join("w.sqlite3"), &ks).unwrap();
        let intent = Intent {
            key: "k".into(),
            kind: "payment".into(),
            path: "/v1/payments".into(),
            body: b"{\"a\":1}".to_vec(),
            context: json!({}),
            state: IntentState::Pending,
            outcome: None,
            created_at: 1,
        };
        store.write(|tx, s| insert_intent(tx, s, &intent)).unwrap();
        assert_eq!(pending_intents(store.conn(), store.sealer()).unwrap(), vec![intent.clone()]);
        let raw: Vec<u8> = store.conn().query_row("SELECT body FROM intents", [], |r| r.get(0)).unwrap();
        assert!(!raw.windows(5).any(|w| w == b"\"a\":1"), "intent bodies are sealed at rest");
        assert!(!format!("{intent:?}").contains("a\\\":1"));
        store.write(|tx, _| finish_intent(tx, "k", IntentState::Done, &json!({"id": "tx"}), 2)).unwrap();
        assert!(pending_intents(store.conn(), store.sealer()).unwrap().is_empty());
        assert!(store.write(|tx, _| finish_intent(tx, "k", IntentState::Refused, &json!({}), 3)).is_err());
        assert_eq!(intent_state(&store, "k"), IntentState::Done);
    }

    fn intent_state(store: &Store, key: &str) -> IntentState {
        intent(store.conn(), store.sealer(), key).unwrap().unwrap().state
    }
}
