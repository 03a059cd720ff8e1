//! Opening the simulator's database: WAL mode and numbered migrations.

use std::path::Path;

use rusqlite::Connection;

/// Numbered migrations; `PRAGMA user_version` records how many have run.
const MIGRATIONS: &[&str] =
    &[include_str!("../migrations/001_initial.sql"), include_str!("../migrations/002_merchant_presented.sql")];

/// Opens (creating if needed) the database at `path` and brings its schema up to date.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    // WAL lets the invariant check and tests read while the single writer works.
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
    conn.query_row("SELECT EXISTS(SELECT 1 FROM meta WHERE key = 'seeded')", [], |r| r.get(0))
}
