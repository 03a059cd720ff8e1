//! People this wallet has sent money to.

use rusqlite::{params, Connection, Transaction};

use super::StoreError;
use crate::wallet::Recipient;

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
