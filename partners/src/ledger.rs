//! Double-entry ledger: accounts, balanced journals and the invariant check.
//!
//! Accounts: `user:<id>` (a user's balance, never negative), `float:<CUR>` (where users'
//! top-ups came from), `fx:<CUR>` (the network's currency position) and
//! `acquirer:<id>:<CUR>` (what the network owes an acquirer, positive, or is owed),
//! `merchant:<network>:<id>` (a merchant's takings, never negative) and `mpp:<id>:<CUR>` (what a
//! partner wallet abroad owes the network for the merchants it paid, negative).

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::error::Refusal;

/// Creates an account with a zero balance unless it exists.
pub fn ensure_account(
    tx: &Transaction<'_>,
    id: &str,
    kind: &str,
    currency: &str,
    allow_negative: bool,
    label: &str,
) -> Result<(), Refusal> {
    tx.execute(
        "INSERT OR IGNORE INTO accounts (id, kind, currency, balance, allow_negative, label) VALUES (?1, ?2, ?3, 0, ?4, ?5)",
        params![id, kind, currency, allow_negative, label],
    )?;
    Ok(())
}

/// The id of a user's account.
pub fn user_account(user_id: &str) -> String {
    format!("user:{user_id}")
}

/// The network's FX position in `currency`, made on first use.
pub fn fx_account(tx: &Transaction<'_>, currency: &str) -> Result<String, Refusal> {
    let id = format!("fx:{currency}");
    ensure_account(tx, &id, "fx", currency, true, &format!("FX position {currency}"))?;
    Ok(id)
}

/// What the network owes `acquirer` in `currency`, made on first use.
pub fn acquirer_account(tx: &Transaction<'_>, acquirer: &str, currency: &str) -> Result<String, Refusal> {
    let id = format!("acquirer:{acquirer}:{currency}");
    ensure_account(tx, &id, "acquirer", currency, true, &format!("settlement with {acquirer} in {currency}"))?;
    Ok(id)
}

/// What a partner wallet abroad (an MPP) owes the network in `currency` (negative) for the
/// merchants it paid, made on first use.
pub fn mpp_account(tx: &Transaction<'_>, mpp: &str, currency: &str) -> Result<String, Refusal> {
    let id = format!("mpp:{mpp}:{currency}");
    ensure_account(tx, &id, "mpp", currency, true, &format!("settlement with partner wallet {mpp} in {currency}"))?;
    Ok(id)
}

/// The source of users' top-ups in `currency`, made on first use.
pub fn float_account(tx: &Transaction<'_>, currency: &str) -> Result<String, Refusal> {
    let id = format!("float:{currency}");
    ensure_account(tx, &id, "float", currency, true, &format!("users' top-ups {currency}"))?;
    Ok(id)
}

/// Current balance of an account.
pub fn balance(conn: &Connection, account_id: &str) -> Result<i64, Refusal> {
    conn.query_row("SELECT balance FROM accounts WHERE id = ?1", [account_id], |r| r.get(0))
        .optional()?
        .ok_or(Refusal::Internal(format!("no account {account_id}")))
}

/// One leg: a signed amount on an account, in the account's currency (credits positive).
#[derive(Debug, Clone)]
pub struct Leg {
    /// Account to move.
    pub account: String,
    /// Signed minor units.
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
    /// `topup`, `payment`, `cancel` or `refund`.
    pub kind: &'a str,
    /// `acquirer/network/operation/request id`: at most one journal per key.
    pub idempotency: Option<&'a str>,
    /// The payment it belongs to.
    pub payment_id: Option<&'a str>,
    /// The refund it belongs to.
    pub refund_id: Option<&'a str>,
    /// JSON details.
    pub meta: &'a serde_json::Value,
    /// Unix seconds.
    pub now: i64,
}

/// Posts a journal that balances per currency; refuses to overdraw an account that may not go
/// negative ([`Refusal::InsufficientFunds`]), leaving nothing written.
pub fn post(tx: &Transaction<'_>, header: &JournalHeader<'_>, legs: &[Leg]) -> Result<(), Refusal> {
    let mut per_currency: BTreeMap<String, i64> = BTreeMap::new();
    let mut after: BTreeMap<&str, i64> = BTreeMap::new();
    let mut resolved = Vec::with_capacity(legs.len());
    for leg in legs {
        let (currency, balance, allow_negative): (String, i64, bool) = tx
            .query_row("SELECT currency, balance, allow_negative FROM accounts WHERE id = ?1", [&leg.account], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?
            .ok_or_else(|| Refusal::Internal(format!("no account {}", leg.account)))?;
        // Two legs may touch one account: check the balance after all of them.
        let running = after.entry(leg.account.as_str()).or_insert(balance);
        *running = running.checked_add(leg.amount).ok_or_else(|| Refusal::BadRequest("amount overflows".into()))?;
        if *running < 0 && !allow_negative {
            return Err(Refusal::InsufficientFunds);
        }
        *per_currency.entry(currency.clone()).or_default() += leg.amount;
        resolved.push((leg, currency));
    }
    if let Some((c, s)) = per_currency.iter().find(|(_, s)| **s != 0) {
        return Err(Refusal::Internal(format!("unbalanced journal: {c} sums to {s}")));
    }
    tx.execute(
        "INSERT INTO journals (id, kind, idempotency_key, payment_id, refund_id, meta, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            header.id,
            header.kind,
            header.idempotency,
            header.payment_id,
            header.refund_id,
            header.meta.to_string(),
            header.now
        ],
    )?;
    for (leg, currency) in resolved {
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct InvariantReport {
    /// Number of journals.
    pub journals: i64,
    /// Number of entries.
    pub entries: i64,
    /// Number of payments, by status.
    pub payments: BTreeMap<String, i64>,
    /// Number of refunds.
    pub refunds: i64,
    /// Number of merchant-presented payments, by status.
    #[serde(default)]
    pub mpm_payments: BTreeMap<String, i64>,
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

// (query yielding one text per violation, what it violates). Ledger rules first, then the
// payment rules that tie the networks' records to the ledger.
const CHECKS: &[(&str, &str)] = &[
    (
        "SELECT journal_id || ' ' || currency || ' sums to ' || SUM(amount) FROM entries GROUP BY journal_id, currency HAVING SUM(amount) != 0",
        "unbalanced journal",
    ),
    (
        "SELECT j.id FROM journals j LEFT JOIN entries e ON e.journal_id = j.id GROUP BY j.id HAVING COUNT(e.seq) < 2",
        "journal with fewer than two entries",
    ),
    (
        "SELECT e.seq FROM entries e JOIN accounts a ON a.id = e.account_id WHERE e.currency != a.currency",
        "entry in the wrong currency",
    ),
    (
        "SELECT a.id || ' balance ' || a.balance || ' != entries ' || COALESCE(s.total, 0) FROM accounts a
         LEFT JOIN (SELECT account_id, SUM(amount) AS total FROM entries GROUP BY account_id) s ON s.account_id = a.id
         WHERE a.balance != COALESCE(s.total, 0)",
        "balance differs from its entries",
    ),
    (
        "SELECT a.id FROM accounts a JOIN entries e ON e.seq = (SELECT MAX(seq) FROM entries WHERE account_id = a.id)
         WHERE e.balance_after != a.balance",
        "running balance differs",
    ),
    ("SELECT id || ' ' || balance FROM accounts WHERE allow_negative = 0 AND balance < 0", "negative customer balance"),
    (
        "SELECT idempotency_key || ' x' || COUNT(*) FROM journals WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key HAVING COUNT(*) > 1",
        "request applied more than once",
    ),
    (
        "SELECT p.id || ' has ' || (SELECT COUNT(*) FROM journals j WHERE j.payment_id = p.id AND j.kind = 'payment') || ' payment journals'
         FROM payments p WHERE (SELECT COUNT(*) FROM journals j WHERE j.payment_id = p.id AND j.kind = 'payment') != p.captured",
        "payment charged other than once",
    ),
    (
        "SELECT id || ' ' || status FROM payments WHERE (status = 'success' AND captured = 0)
            OR (status IN ('processing', 'failed') AND captured = 1)",
        "payment status disagrees with its charge",
    ),
    (
        "SELECT p.id FROM payments p WHERE p.captured = 1 AND NOT EXISTS (
            SELECT 1 FROM journals j
            JOIN entries eu ON eu.journal_id = j.id AND eu.account_id = 'user:' || p.user_id AND eu.amount = -p.user_amount
            JOIN entries ea ON ea.journal_id = j.id AND ea.account_id = 'acquirer:' || p.acquirer_id || ':' || p.currency AND ea.amount = p.amount
            WHERE j.payment_id = p.id AND j.kind = 'payment')",
        "payment journal differs from the payment",
    ),
    (
        "SELECT p.id FROM payments p WHERE (SELECT COUNT(*) FROM journals j WHERE j.payment_id = p.id AND j.kind = 'cancel')
            != (CASE WHEN p.status = 'cancelled' AND p.captured = 1 THEN 1 ELSE 0 END)",
        "cancel reversed other than once",
    ),
    (
        "SELECT p.id || ' refunded ' || p.refunded || '/' || p.refunded_user || ' of ' || p.amount || '/' || COALESCE(p.user_amount, 0)
         FROM payments p LEFT JOIN (SELECT payment_id, SUM(amount) AS a, SUM(user_amount) AS u FROM refunds GROUP BY payment_id) r
            ON r.payment_id = p.id
         WHERE p.refunded != COALESCE(r.a, 0) OR p.refunded_user != COALESCE(r.u, 0)
            OR p.refunded > p.amount OR p.refunded_user > COALESCE(p.user_amount, 0)
            OR (p.refunded > 0 AND p.status != 'success')",
        "refunds disagree with their payment",
    ),
    (
        "SELECT r.id FROM refunds r WHERE (SELECT COUNT(*) FROM journals j WHERE j.refund_id = r.id AND j.kind = 'refund') != 1",
        "refund applied other than once",
    ),
    // The merchant-presented side: each credited merchant payment has one journal crediting
    // the merchant the payment's amount and charging the MPP its settlement, a cancel after a
    // credit reversed it once, and an order code was paid at most once.
    (
        "SELECT p.id || ' has ' || (SELECT COUNT(*) FROM journals j WHERE j.payment_id = p.id AND j.kind = 'mpm_payment') || ' payment journals'
         FROM mpm_payments p WHERE (SELECT COUNT(*) FROM journals j WHERE j.payment_id = p.id AND j.kind = 'mpm_payment') != p.captured",
        "merchant paid other than once",
    ),
    (
        "SELECT id || ' ' || status FROM mpm_payments WHERE (status = 'success' AND captured = 0)
            OR (status IN ('processing', 'failed') AND captured = 1)",
        "merchant payment status disagrees with its credit",
    ),
    (
        "SELECT p.id FROM mpm_payments p JOIN merchants m ON m.key = p.merchant_key WHERE p.captured = 1 AND NOT EXISTS (
            SELECT 1 FROM journals j
            JOIN entries em ON em.journal_id = j.id AND em.account_id = m.account_id AND em.amount = p.amount
            JOIN entries ep ON ep.journal_id = j.id AND ep.account_id = 'mpp:' || p.mpp_id || ':' || p.settlement_currency
                AND ep.amount = -p.settlement_amount
            WHERE j.payment_id = p.id AND j.kind = 'mpm_payment')",
        "merchant payment journal differs from the payment",
    ),
    (
        "SELECT p.id FROM mpm_payments p WHERE (SELECT COUNT(*) FROM journals j WHERE j.payment_id = p.id AND j.kind = 'mpm_cancel')
            != (CASE WHEN p.status = 'cancelled' AND p.captured = 1 THEN 1 ELSE 0 END)",
        "merchant payment reversed other than once",
    ),
    (
        "SELECT m.key || ' x' || COUNT(*) FROM merchants m JOIN mpm_payments p ON p.merchant_key = m.key
         WHERE m.amount IS NOT NULL AND p.status IN ('success', 'processing') GROUP BY m.key HAVING COUNT(*) > 1",
        "order code paid more than once",
    ),
];

/// Checks the ledger: every journal balances per currency and has two legs or more, every entry
/// is in its account's currency, every balance equals its entries and its last running
/// balance, no user balance is negative, money sums to zero per currency, no request produced
/// two journals; and against the payments: each charged payment has exactly one payment
/// journal taking the user's amount and owing the acquirer the merchant's, only charged
/// payments were charged, a cancel after a charge reversed it once, refunds add up and stay
/// within the payment, each refund posted once; and on the merchant-presented side: each
/// credited merchant payment has one journal crediting the merchant and charging the MPP its
/// settlement, a cancel reversed it once, an order code was paid at most once.
pub fn check_invariants(conn: &Connection) -> Result<InvariantReport, Vec<String>> {
    let run = || -> rusqlite::Result<(Vec<String>, InvariantReport)> {
        let mut v = Vec::new();
        for (sql, what) in CHECKS {
            violations(conn, sql, what, &mut v)?;
        }
        let mut totals = BTreeMap::new();
        let mut stmt = conn.prepare("SELECT currency, SUM(balance) FROM accounts GROUP BY currency")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (c, t) = row?;
            if t != 0 {
                v.push(format!("money created or lost: {c} totals {t}"));
            }
            totals.insert(c, t);
        }
        let mut payments = BTreeMap::new();
        let mut stmt = conn.prepare("SELECT status, COUNT(*) FROM payments GROUP BY status")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (s, n) = row?;
            payments.insert(s, n);
        }
        let mut mpm_payments = BTreeMap::new();
        let mut stmt =
            conn.prepare("SELECT status, COUNT(*) FROM mpm_payments WHERE request_hash IS NOT NULL GROUP BY status")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (s, n) = row?;
            mpm_payments.insert(s, n);
        }
        let journals = conn.query_row("SELECT COUNT(*) FROM journals", [], |r| r.get(0))?;
        let entries = conn.query_row("SELECT COUNT(*) FROM entries", [], |r| r.get(0))?;
        let refunds = conn.query_row("SELECT COUNT(*) FROM refunds", [], |r| r.get(0))?;
        Ok((v, InvariantReport { journals, entries, payments, refunds, totals, mpm_payments }))
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
        ensure_account(&tx, "float:CNY", "float", "CNY", true, "float").unwrap();
        ensure_account(&tx, "user:u1", "customer", "CNY", false, "user").unwrap();
        ensure_account(&tx, "fx:JPY", "fx", "JPY", true, "fx").unwrap();
        tx.commit().unwrap();
        (dir, conn)
    }

    fn journal(conn: &mut Connection, id: &str, key: Option<&str>, legs: &[Leg]) -> Result<(), Refusal> {
        let tx = conn.transaction().unwrap();
        let meta = json!({});
        let header = JournalHeader {
            id,
            kind: "topup",
            idempotency: key,
            payment_id: None,
            refund_id: None,
            meta: &meta,
            now: 0,
        };
        post(&tx, &header, legs)?;
        tx.commit().unwrap();
        Ok(())
    }

    #[test]
    fn post_refuses_unbalanced_journals_and_overdrafts() {
        let (_d, mut conn) = ledger();
        journal(&mut conn, "j1", None, &[Leg::new("float:CNY", -500), Leg::new("user:u1", 500)]).unwrap();
        assert!(matches!(
            journal(&mut conn, "j2", None, &[Leg::new("float:CNY", -5), Leg::new("user:u1", 4)]),
            Err(Refusal::Internal(_))
        ));
        assert!(matches!(
            journal(&mut conn, "j3", None, &[Leg::new("float:CNY", -5), Leg::new("fx:JPY", 5)]),
            Err(Refusal::Internal(_))
        ));
        // Two legs on one account: the second overdraws it although each alone would not.
        assert_eq!(
            journal(
                &mut conn,
                "j4",
                None,
                &[Leg::new("user:u1", -300), Leg::new("user:u1", -300), Leg::new("float:CNY", 600)]
            ),
            Err(Refusal::InsufficientFunds)
        );
        assert_eq!(balance(&conn, "user:u1").unwrap(), 500);
        let report = check_invariants(&conn).unwrap();
        assert_eq!((report.journals, report.entries), (1, 2));
    }

    #[test]
    fn the_check_catches_corruption_and_double_application() {
        let (_d, mut conn) = ledger();
        journal(&mut conn, "j1", Some("k"), &[Leg::new("float:CNY", -500), Leg::new("user:u1", 500)]).unwrap();
        conn.execute("UPDATE accounts SET balance = balance + 1 WHERE id = 'user:u1'", []).unwrap();
        let v = check_invariants(&conn).unwrap_err();
        assert!(v.iter().any(|m| m.starts_with("balance differs")), "{v:?}");
        assert!(v.iter().any(|m| m.starts_with("money created or lost: CNY totals 1")), "{v:?}");
        conn.execute("UPDATE accounts SET balance = balance - 1 WHERE id = 'user:u1'", []).unwrap();
        check_invariants(&conn).unwrap();
        journal(&mut conn, "j2", Some("k"), &[Leg::new("float:CNY", -1), Leg::new("user:u1", 1)]).unwrap();
        let v = check_invariants(&conn).unwrap_err();
        assert!(v.iter().any(|m| m.starts_with("request applied more than once")), "{v:?}");
    }
}
