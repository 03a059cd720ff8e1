//! FX quotes as they were shown to the user.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;

use super::StoreError;

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
