//! Till charges waiting for the shopper's approval on this phone.

use rusqlite::{params, Connection, Transaction};

use super::{currency, StoreError};
use crate::money::Money;
use crate::wallet::ChargeRequest;

/// Records a charge request heard from the host; an id already known keeps its status.
pub fn put_charge_request(tx: &Transaction<'_>, c: &ChargeRequest) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR IGNORE INTO charge_requests (id, merchant_name, merchant_country, amount, currency, approve_by, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            c.id,
            c.merchant_name,
            c.merchant_country,
            c.amount.minor(),
            c.amount.currency().alpha(),
            c.approve_by,
            c.status,
            c.created_at
        ],
    )?;
    Ok(())
}

/// Sets a charge request's status.
pub fn set_charge_request_status(tx: &Transaction<'_>, id: &str, status: &str) -> Result<(), StoreError> {
    tx.execute("UPDATE charge_requests SET status = ?2 WHERE id = ?1", params![id, status])?;
    Ok(())
}

/// Charge requests still waiting at `now` (host time), oldest first.
pub fn charge_requests(conn: &Connection, now: i64) -> Result<Vec<ChargeRequest>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, merchant_name, merchant_country, amount, currency, approve_by, status, created_at
         FROM charge_requests WHERE status = 'pending' AND approve_by >= ?1 ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([now], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, i64>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, merchant_name, merchant_country, minor, cur, approve_by, status, created_at) = row?;
        out.push(ChargeRequest {
            id,
            merchant_name,
            merchant_country,
            amount: Money::from_minor(minor, currency(&cur)?),
            approve_by,
            status,
            created_at,
        });
    }
    Ok(out)
}
