//! Consumer-code keys on the device: provisioned single-use keys, sealed, each taken once;
//! the counters already shown; keys the host revoked dropped.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use zeroize::Zeroizing;

use super::{Sealer, StoreError};

/// Lifetime the host gives a key; applies to keys stored before the host sent an expiry.
pub const KEY_LIFETIME_SECS: i64 = 7 * 24 * 60 * 60;

fn code_key_name(token: &str, counter: u16) -> String {
    format!("cpm_key:{token}:{counter}")
}

/// When a stored key expires: its own expiry, or its provisioning time plus the lifetime.
const EXPIRY: &str = "CASE expires_at WHEN 0 THEN provisioned_at + 604800 ELSE expires_at END";

/// Stores a provisioned single-use key, sealed; a counter already used or stored is ignored.
pub fn put_code_key(
    tx: &Transaction<'_>,
    sealer: &Sealer,
    token: &str,
    counter: u16,
    key: &[u8],
    expires_at: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let used: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM cpm_used WHERE token = ?1 AND counter = ?2)",
        params![token, counter],
        |r| r.get(0),
    )?;
    if used {
        return Ok(false);
    }
    let sealed = sealer.seal(&code_key_name(token, counter), key)?;
    Ok(tx.execute(
        "INSERT OR IGNORE INTO cpm_keys (token, counter, sealed_key, provisioned_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token, counter, sealed, now, expires_at],
    )? == 1)
}

/// A single-use consumer-code key taken from the store: token, counter and the unsealed key.
pub type TakenCodeKey = (String, u16, Zeroizing<Vec<u8>>);

/// Takes the next live single-use key: deletes it and records its counter as used, in `tx`.
/// Expired keys are deleted on the way: the host would refuse their codes.
pub fn take_code_key(tx: &Transaction<'_>, sealer: &Sealer, now: i64) -> Result<Option<TakenCodeKey>, StoreError> {
    tx.execute(&format!("DELETE FROM cpm_keys WHERE {EXPIRY} <= ?1"), [now])?;
    let row: Option<(String, u16, Vec<u8>)> = tx
        .query_row("SELECT token, counter, sealed_key FROM cpm_keys ORDER BY token, counter LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    // Primary-key order: an index seek, whatever the number of keys left.
    let Some((token, counter, sealed)) = row else { return Ok(None) };
    let name = code_key_name(&token, counter);
    let key = sealer.open(&name, &sealed).ok_or(StoreError::BadSecret(name))?;
    tx.execute("DELETE FROM cpm_keys WHERE token = ?1 AND counter = ?2", params![token, counter])?;
    tx.execute("INSERT INTO cpm_used (token, counter, used_at) VALUES (?1, ?2, ?3)", params![token, counter, now])?;
    Ok(Some((token, counter, key)))
}

/// How many live single-use keys are left at `now`.
pub fn code_keys_left(conn: &Connection, now: i64) -> Result<u32, StoreError> {
    Ok(conn.query_row(&format!("SELECT COUNT(*) FROM cpm_keys WHERE {EXPIRY} > ?1"), [now], |r| r.get(0))?)
}

/// The lowest counter of `token` still held (a live key) or shown since `since`: the host may
/// retire the token's older keys. `None` if the device holds nothing of that token.
pub fn lowest_held(conn: &Connection, token: &str, since: i64, now: i64) -> Result<Option<u16>, StoreError> {
    Ok(conn.query_row(
        &format!(
            "SELECT MIN(counter) FROM (SELECT counter FROM cpm_keys WHERE token = ?1 AND {EXPIRY} > ?3
             UNION ALL SELECT counter FROM cpm_used WHERE token = ?1 AND used_at >= ?2)"
        ),
        params![token, since, now],
        |r| r.get(0),
    )?)
}

/// The token of the newest stored or shown key, if any.
pub fn current_token(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT token FROM (SELECT token, provisioned_at AS t FROM cpm_keys UNION ALL SELECT token, used_at FROM cpm_used)
             ORDER BY t DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// Drops every key of a token the host revoked; returns how many were dropped.
pub fn drop_token_keys(tx: &Transaction<'_>, token: &str) -> Result<usize, StoreError> {
    Ok(tx.execute("DELETE FROM cpm_keys WHERE token = ?1", [token])?)
}
