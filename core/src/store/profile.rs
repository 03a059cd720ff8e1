//! The enrolled wallet's own row, its cached balance and the named integers of sync state.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{currency, StoreError};
use crate::money::{Currency, Money};
use crate::wallet::WalletProfile;

/// Stores the enrolled wallet (replacing the row).
pub fn put_wallet(tx: &Transaction<'_>, w: &WalletProfile) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR REPLACE INTO wallet (id, wallet_id, device_id, handle, display_name, country, currency, tier, enrolled_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![w.wallet_id, w.device_id, w.handle, w.display_name, w.country, w.currency.alpha(), w.tier, w.enrolled_at],
    )?;
    Ok(())
}

/// The enrolled wallet, if any.
pub fn wallet(conn: &Connection) -> Result<Option<WalletProfile>, StoreError> {
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
        Ok(WalletProfile {
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
mod tests {
    use super::*;
    use crate::store::{FileKeyStore, Store};

    fn jpy(minor: i64) -> Money {
        Money::from_minor(minor, Currency::from_alpha("JPY").unwrap())
    }

    #[test]
    fn a_late_replayed_balance_does_not_overwrite_a_newer_one() {
        let dir = tempfile::tempdir().unwrap();
        let ks = FileKeyStore::open(dir.path().join("kek")).unwrap();
        let mut store = Store::open(dir.path().join("w.sqlite3"), &ks).unwrap();
        let jpy_cur = Currency::from_alpha("JPY").unwrap();
        store.write(|tx, _| put_balance(tx, jpy(500), 200)).unwrap();
        store.write(|tx, _| put_balance(tx, jpy(900), 100)).unwrap();
        assert_eq!(balance(store.conn(), jpy_cur).unwrap(), Some((jpy(500), 200)));
        // A fresh read from the host wins even if the phone's clock is behind the host's.
        store.write(|tx, _| put_current_balance(tx, jpy(700), 150)).unwrap();
        assert_eq!(balance(store.conn(), jpy_cur).unwrap(), Some((jpy(700), 200)));
    }
}
