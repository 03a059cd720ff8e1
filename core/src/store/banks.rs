//! Linked bank accounts.

use rusqlite::{params, Connection, Transaction};

use super::StoreError;
use crate::wallet::BankLink;

/// Stores a bank link.
pub fn put_bank_link(tx: &Transaction<'_>, b: &BankLink) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR REPLACE INTO bank_links (id, bank_id, bank_name, last4, holder_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![b.id, b.bank_id, b.bank_name, b.last4, b.holder_name, b.created_at],
    )?;
    Ok(())
}

/// Forgets a bank link (it was unlinked); returns whether it was known.
pub fn delete_bank_link(tx: &Transaction<'_>, id: &str) -> Result<bool, StoreError> {
    Ok(tx.execute("DELETE FROM bank_links WHERE id = ?1", [id])? > 0)
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
