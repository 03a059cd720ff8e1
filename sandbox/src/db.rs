//! Opening the ledger database: WAL mode and numbered migrations.

use std::path::Path;

use rusqlite::Connection;

/// Numbered migrations; `PRAGMA user_version` records how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/001_initial.sql"),
    include_str!("../migrations/002_till_trust.sql"),
    include_str!("../migrations/003_refunds.sql"),
    include_str!("../migrations/004_foreign_charges.sql"),
    include_str!("../migrations/005_foreign_refunds.sql"),
    include_str!("../migrations/006_cny_and_banks_abroad.sql"),
    include_str!("../migrations/007_withdrawals.sql"),
    include_str!("../migrations/008_payouts.sql"),
    include_str!("../migrations/009_payments_in_china.sql"),
    include_str!("../migrations/010_money_requests.sql"),
];

/// Opens (creating if needed) the database at `path` and brings its schema up to date.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    // WAL lets the invariant checker and tests read while the single writer works;
    // NORMAL is durable across application crashes, which is what the sandbox promises.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    migrate(&conn)?;
    Ok(conn)
}

fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        conn.execute_batch(&format!("BEGIN; {sql}; PRAGMA user_version = {}; COMMIT;", i + 1))?;
    }
    Ok(())
}

/// Whether the database already holds the seed data.
pub fn is_seeded(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS(SELECT 1 FROM banks)", [], |r| r.get(0))
}
