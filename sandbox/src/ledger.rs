//! Double-entry ledger: accounts, balanced journals and the invariant check.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::error::ApiError;

/// Creates an account with a zero balance.
pub fn create_account(
    tx: &Transaction<'_>,
    id: &str,
    kind: &str,
    currency: &str,
    allow_negative: bool,
    label: &str,
) -> Result<(), ApiError> {
    tx.execute(
        "INSERT INTO accounts (id, kind, currency, balance, allow_negative, label) VALUES (?1, ?2, ?3, 0, ?4, ?5)",
        params![id, kind, currency, allow_negative, label],
    )?;
    Ok(())
}

/// Current balance of an account.
pub fn balance(conn: &Connection, account_id: &str) -> Result<i64, ApiError> {
    conn.query_row("SELECT balance FROM accounts WHERE id = ?1", [account_id], |r| r.get(0))
        .optional()?
        .ok_or(ApiError::NotFound("account"))
}

/// One leg of a journal: a signed amount on an account, in the account's currency.
#[derive(Debug, Clone)]
pub struct Leg {
    /// Account to move.
    pub account: String,
    /// Signed amount in minor units; credits positive.
    pub amount: i64,
}

impl Leg {
    /// A leg on `account` of `amount` minor units.
    pub fn new(account: impl Into<String>, amount: i64) -> Self {
        Self { account: account.into(), amount }
    }
}

/// What a journal records besides its legs.
pub struct JournalHeader<'a> {
    /// Journal id.
    pub id: &'a str,
    /// Transaction kind (topup, payment, p2p, …).
    pub kind: &'a str,
    /// Wallet that initiated it, if any.
    pub wallet_id: Option<&'a str>,
    /// `scope:key` of the idempotency key it was made under.
    pub idempotency: Option<&'a str>,
    /// JSON details.
    pub meta: &'a serde_json::Value,
    /// Unix seconds.
    pub now: i64,
}

/// Posts a balanced journal; refuses if it would overdraw an account that may not go negative.
pub fn post(tx: &Transaction<'_>, header: &JournalHeader<'_>, legs: &[Leg]) -> Result<(), ApiError> {
    let mut per_currency: BTreeMap<String, i64> = BTreeMap::new();
    let mut resolved = Vec::with_capacity(legs.len());
    for leg in legs {
        let (currency, balance, allow_negative, kind): (String, i64, bool, String) = tx
            .query_row(
                "SELECT currency, balance, allow_negative, kind FROM accounts WHERE id = ?1",
                [&leg.account],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or_else(|| ApiError::Internal(format!("no account {}", leg.account)))?;
        let after = balance.checked_add(leg.amount).ok_or_else(|| ApiError::BadRequest("amount overflows".into()))?;
        if after < 0 && !allow_negative {
            return Err(ApiError::InsufficientFunds(if kind == "bank_customer" { "bank account" } else { "wallet" }));
        }
        *per_currency.entry(currency.clone()).or_default() += leg.amount;
        resolved.push((leg, currency));
    }
    if let Some((c, s)) = per_currency.iter().find(|(_, s)| **s != 0) {
        return Err(ApiError::Internal(format!("unbalanced journal: {c} sums to {s}")));
    }
    tx.execute(
        "INSERT INTO journals (id, kind, wallet_id, idempotency_key, meta, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![header.id, header.kind, header.wallet_id, header.idempotency, header.meta.to_string(), header.now],
    )?;
    for (leg, currency) in resolved {
        // Re-read inside the loop: two legs may touch the same account.
        let after: i64 = tx.query_row(
            "UPDATE accounts SET balance = balance + ?2 WHERE id = ?1 RETURNING balance",
            params![leg.account, leg.amount],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO entries (journal_id, account_id, amount, currency, balance_after) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![header.id, leg.account, leg.amount, currency, after],
        )?;
    }
    Ok(())
}

/// Summary of a ledger that passed the invariant check.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct InvariantReport {
    /// Number of journals.
    pub journals: i64,
    /// Number of entries.
    pub entries: i64,
    /// Sum of all balances per currency (zero when no money was created or lost).
    pub totals: BTreeMap<String, i64>,
}

fn violations(conn: &Connection, sql: &str, what: &str, out: &mut Vec<String>) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for row in rows {
        out.push(format!("{what}: {}", row?));
    }
    Ok(())
}

/// Checks the ledger: every journal balances per currency and has at least two legs, every
/// entry is in its account's currency, every balance equals the sum of its entries and its
/// last running balance, no customer account is negative, money sums to zero per currency,
/// and no idempotency key produced more than one journal.
pub fn check_invariants(conn: &Connection) -> Result<InvariantReport, Vec<String>> {
    let run = || -> rusqlite::Result<(Vec<String>, InvariantReport)> {
        let mut v = Vec::new();
        violations(
            conn,
            "SELECT journal_id || ' ' || currency || ' sums to ' || SUM(amount) FROM entries GROUP BY journal_id, currency HAVING SUM(amount) != 0",
            "unbalanced journal",
            &mut v,
        )?;
        violations(
            conn,
            "SELECT j.id FROM journals j LEFT JOIN entries e ON e.journal_id = j.id GROUP BY j.id HAVING COUNT(e.seq) < 2",
            "journal with fewer than two entries",
            &mut v,
        )?;
        violations(
            conn,
            "SELECT e.seq FROM entries e JOIN accounts a ON a.id = e.account_id WHERE e.currency != a.currency",
            "entry in the wrong currency",
            &mut v,
        )?;
        violations(
            conn,
            "SELECT a.id || ' balance ' || a.balance || ' != entries ' || COALESCE(s.total, 0) FROM accounts a
             LEFT JOIN (SELECT account_id, SUM(amount) AS total FROM entries GROUP BY account_id) s ON s.account_id = a.id
             WHERE a.balance != COALESCE(s.total, 0)",
            "balance differs from its entries",
            &mut v,
        )?;
        violations(
            conn,
            "SELECT a.id FROM accounts a JOIN entries e ON e.seq = (SELECT MAX(seq) FROM entries WHERE account_id = a.id)
             WHERE e.balance_after != a.balance",
            "running balance differs",
            &mut v,
        )?;
        violations(
            conn,
            "SELECT id || ' ' || balance FROM accounts WHERE allow_negative = 0 AND balance < 0",
            "negative customer balance",
            &mut v,
        )?;
        violations(
            conn,
            "SELECT idempotency_key || ' x' || COUNT(*) FROM journals WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key HAVING COUNT(*) > 1",
            "idempotency key applied more than once",
            &mut v,
        )?;
        let mut totals = BTreeMap::new();
        let mut stmt = conn.prepare("SELECT currency, SUM(balance) FROM accounts GROUP BY currency")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (c, t) = row?;
            if t != 0 {
                v.push(format!("money created or lost: {c} totals {t}"));
            }
            totals.insert(c, t);
        }
        let journals = conn.query_row("SELECT COUNT(*) FROM journals", [], |r| r.get(0))?;
        let entries = conn.query_row("SELECT COUNT(*) FROM entries", [], |r| r.get(0))?;
        Ok((v, InvariantReport { journals, entries, totals }))
    };
    match run() {
        Ok((v, report)) if v.is_empty() => Ok(report),
        Ok((v, _)) => Err(v),
        Err(e) => Err(vec![format!("storage error during check: {e}")]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ledger() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open(&dir.path().join("t.sqlite3")).unwrap();
        let tx = conn.transaction().unwrap();
        create_account(&tx, "src", "bank_reserve", "JPY", true, "source").unwrap();
        create_account(&tx, "w1", "wallet", "JPY", false, "wallet").unwrap();
        create_account(&tx, "thb", "fx", "THB", true, "fx").unwrap();
        tx.commit().unwrap();
        (dir, conn)
    }

    fn journal(conn: &mut Connection, id: &str, idem: Option<&str>, legs: &[Leg]) -> Result<(), ApiError> {
        let tx = conn.transaction().unwrap();
        let meta = json!({});
        post(&tx, &JournalHeader { id, kind: "test", wallet_id: None, idempotency: idem, meta: &meta, now: 0 }, legs)?;
        tx.commit().unwrap();
        Ok(())
    }

    #[test]
    fn post_refuses_unbalanced_journals_and_overdrafts() {
        let (_d, mut conn) = ledger();
        journal(&mut conn, "j1", None, &[Leg::new("src", -500), Leg::new("w1", 500)]).unwrap();
        assert!(matches!(
            journal(&mut conn, "j2", None, &[Leg::new("src", -5), Leg::new("w1", 4)]),
            Err(ApiError::Internal(_))
        ));
        // Balanced in count but across two currencies: each currency must balance on its own.
        assert!(matches!(
            journal(&mut conn, "j3", None, &[Leg::new("src", -5), Leg::new("thb", 5)]),
            Err(ApiError::Internal(_))
        ));
        assert!(matches!(
            journal(&mut conn, "j4", None, &[Leg::new("w1", -501), Leg::new("src", 501)]),
            Err(ApiError::InsufficientFunds("wallet"))
        ));
        assert_eq!(balance(&conn, "w1").unwrap(), 500);
        let report = check_invariants(&conn).unwrap();
        assert_eq!((report.journals, report.entries), (1, 2));
        assert_eq!(report.totals.get("JPY"), Some(&0));
    }

    #[test]
    fn the_invariant_check_catches_each_kind_of_corruption() {
        let (_d, mut conn) = ledger();
        journal(&mut conn, "j1", Some("w:k"), &[Leg::new("src", -500), Leg::new("w1", 500)]).unwrap();
        conn.execute("UPDATE accounts SET balance = balance + 1 WHERE id = 'w1'", []).unwrap();
        let v = check_invariants(&conn).unwrap_err();
        assert!(v.iter().any(|m| m.starts_with("balance differs")), "{v:?}");
        assert!(v.iter().any(|m| m.starts_with("money created or lost: JPY totals 1")), "{v:?}");
        conn.execute("UPDATE accounts SET balance = balance - 1 WHERE id = 'w1'", []).unwrap();
        check_invariants(&conn).unwrap();

        // The same idempotency key applied twice.
        journal(&mut conn, "j2", Some("w:k"), &[Leg::new("src", -1), Leg::new("w1", 1)]).unwrap();
        let v = check_invariants(&conn).unwrap_err();
        assert!(v.iter().any(|m| m.starts_with("idempotency key applied more than once")), "{v:?}");
        conn.execute("DELETE FROM entries WHERE journal_id = 'j2'", []).unwrap();
        conn.execute("DELETE FROM journals WHERE id = 'j2'", []).unwrap();
        conn.execute(
            "UPDATE accounts SET balance = CASE id WHEN 'w1' THEN 500 ELSE -500 END WHERE id IN ('w1', 'src')",
            [],
        )
        .unwrap();
        check_invariants(&conn).unwrap();

        // A one-legged journal written behind the ledger's back.
        conn.execute("INSERT INTO journals (id, kind, meta, created_at) VALUES ('j3', 'x', '{}', 0)", []).unwrap();
        conn.execute("INSERT INTO entries (journal_id, account_id, amount, currency, balance_after) VALUES ('j3', 'w1', 7, 'JPY', 507)", []).unwrap();
        conn.execute("UPDATE accounts SET balance = 507 WHERE id = 'w1'", []).unwrap();
        let v = check_invariants(&conn).unwrap_err();
        assert!(v.iter().any(|m| m.starts_with("unbalanced journal")), "{v:?}");
        assert!(v.iter().any(|m| m.starts_with("journal with fewer than two entries")), "{v:?}");

        // A customer account driven negative.
        conn.execute("UPDATE accounts SET balance = -1 WHERE id = 'w1'", []).unwrap();
        let v = check_invariants(&conn).unwrap_err();
        assert!(v.iter().any(|m| m.starts_with("negative customer balance")), "{v:?}");
    }
}
