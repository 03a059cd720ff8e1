//! The wallet's history: transactions in, newest first, read in pages by a cursor that walks
//! the (created_at, seq) index.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{currency, StoreError};
use crate::money::Money;
use crate::wallet::{Direction, TransactionRecord};

/// Adds a transaction unless one with its id is already there; true if it was added.
pub fn insert_transaction(tx: &Transaction<'_>, t: &TransactionRecord) -> Result<bool, StoreError> {
    let n = tx.execute(
        "INSERT OR IGNORE INTO transactions (id, kind, direction, amount_minor, currency, counterparty, description, intent_key, created_at, details)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            t.id, t.kind, t.direction.as_str(), t.amount.minor(), t.amount.currency().alpha(), t.counterparty, t.description,
            t.intent_key, t.created_at, t.details.to_string()
        ],
    )?;
    Ok(n == 1)
}

/// Writes what the host said later about a transaction (a remittance delivered or failed)
/// into its kept record: each field of `update` replaces the record's own. True if the
/// transaction is in the history.
pub fn update_transaction_record(
    tx: &Transaction<'_>,
    id: &str,
    update: &serde_json::Map<String, serde_json::Value>,
) -> Result<bool, StoreError> {
    let details: Option<String> =
        tx.query_row("SELECT details FROM transactions WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    let Some(details) = details else { return Ok(false) };
    let mut details: serde_json::Value =
        serde_json::from_str(&details).map_err(|e| StoreError::Corrupt(format!("transaction {id}: {e}")))?;
    // Outgoing entries keep the host's answer under "host"; received ones are the record itself.
    let record = match details.get_mut("host") {
        Some(host) => host,
        None => &mut details,
    };
    if let Some(fields) = record.as_object_mut() {
        for (k, v) in update {
            fields.insert(k.clone(), v.clone());
        }
    }
    tx.execute("UPDATE transactions SET details = ?2 WHERE id = ?1", params![id, details.to_string()])?;
    Ok(true)
}

/// Where the next history page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryCursor {
    /// `created_at` of the last item shown.
    pub created_at: i64,
    /// Its local sequence number.
    pub seq: i64,
}

impl HistoryCursor {
    /// An opaque text form for the apps.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.created_at, self.seq)
    }

    /// Reads [`HistoryCursor::encode`]'s form.
    pub fn decode(s: &str) -> Option<HistoryCursor> {
        let (a, b) = s.split_once('.')?;
        Some(HistoryCursor { created_at: a.parse().ok()?, seq: b.parse().ok()? })
    }
}

/// Which history items to read: some kinds only, a period only (host time, `from`
/// inclusive, `to` exclusive). The default reads everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryQuery {
    /// Only these kinds (`payment`, `refund`, …); empty: every kind.
    pub kinds: Vec<String>,
    /// Only items at or after this host time.
    pub from: Option<i64>,
    /// Only items before this host time.
    pub to: Option<i64>,
}

/// A page of history, newest first, and the cursor of the next page if there is one.
pub fn history_page(
    conn: &Connection,
    limit: u32,
    after: Option<HistoryCursor>,
) -> Result<(Vec<TransactionRecord>, Option<HistoryCursor>), StoreError> {
    history_page_of(conn, &HistoryQuery::default(), limit, after)
}

/// A page of the items `query` selects, newest first, and the cursor of the next page.
pub fn history_page_of(
    conn: &Connection,
    query: &HistoryQuery,
    limit: u32,
    after: Option<HistoryCursor>,
) -> Result<(Vec<TransactionRecord>, Option<HistoryCursor>), StoreError> {
    let limit = limit.clamp(1, 500);
    let (ca, seq) = after.map(|c| (c.created_at, c.seq)).unwrap_or((i64::MAX, i64::MAX));
    // The kinds as one bound value (",payment,refund,"): a kind never holds a comma.
    let kinds = if query.kinds.is_empty() { String::new() } else { format!(",{},", query.kinds.join(",")) };
    // Row-value comparison walks the (created_at DESC, seq DESC) index from the cursor on.
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, kind, direction, amount_minor, currency, counterparty, description, intent_key, created_at, details
         FROM transactions WHERE (created_at, seq) < (?1, ?2)
           AND (?4 = '' OR instr(?4, ',' || kind || ',') > 0)
           AND (?5 IS NULL OR created_at >= ?5) AND (?6 IS NULL OR created_at < ?6)
         ORDER BY created_at DESC, seq DESC LIMIT ?3",
    )?;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(i64, String, String, String, i64, String, Option<String>, String, Option<String>, i64, String)> =
        stmt.query_map(params![ca, seq, limit + 1, kinds, query.from, query.to], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let more = rows.len() > limit as usize;
    let mut items = Vec::with_capacity(rows.len().min(limit as usize));
    let mut last = None;
    for (seq, id, kind, direction, minor, cur, counterparty, description, intent_key, created_at, details) in
        rows.into_iter().take(limit as usize)
    {
        last = Some(HistoryCursor { created_at, seq });
        items.push(TransactionRecord {
            direction: match direction.as_str() {
                "in" => Direction::In,
                "out" => Direction::Out,
                other => return Err(StoreError::Corrupt(format!("direction {other}"))),
            },
            amount: Money::from_minor(minor, currency(&cur)?),
            details: serde_json::from_str(&details)
                .map_err(|e| StoreError::Corrupt(format!("transaction {id}: {e}")))?,
            id,
            kind,
            counterparty,
            description,
            intent_key,
            created_at,
        });
    }
    Ok((items, if more { last } else { None }))
}

/// One transaction by host id.
pub fn transaction(conn: &Connection, id: &str) -> Result<Option<TransactionRecord>, StoreError> {
    let pos: Option<(i64, i64)> = conn
        .query_row("SELECT created_at, seq FROM transactions WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((created_at, seq)) = pos else { return Ok(None) };
    // The page that starts just after this row's position begins with it.
    let (items, _) = history_page(conn, 1, Some(HistoryCursor { created_at, seq: seq + 1 }))?;
    Ok(items.into_iter().next().filter(|t| t.id == id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::store::{FileKeyStore, Store};
    use serde_json::json;

    fn jpy(minor: i64) -> Money {
        Money::from_minor(minor, Currency::from_alpha("JPY").unwrap())
    }

    fn tx_record(id: &str, created_at: i64) -> TransactionRecord {
        TransactionRecord {
            id: id.into(),
            kind: "payment".into(),
            direction: Direction::Out,
            amount: jpy(100),
            counterparty: Some("KOBAN RAMEN".into()),
            description: "Payment to KOBAN RAMEN".into(),
            intent_key: None,
            created_at,
            details: json!({ "id": id }),
        }
    }

    #[test]
    fn history_pages_newest_first_without_gaps_or_repeats() {
        let dir = tempfile::tempdir().unwrap();
        let ks = FileKeyStore::open(dir.path().join("kek")).unwrap();
        let mut store = Store::open(dir.path().join("w.sqlite3"), &ks).unwrap();
        store
            .write(|tx, _| {
                for i in 0..25 {
                    // Several share a timestamp: the sequence number breaks the tie.
                    insert_transaction(tx, &tx_record(&format!("t{i:02}"), 1_000 + i / 3))?;
                }
                assert!(!insert_transaction(tx, &tx_record("t00", 5))?, "ids are unique");
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let (page, next) = history_page(store.conn(), 10, cursor).unwrap();
            seen.extend(page.into_iter().map(|t| t.id));
            match next {
                Some(c) => cursor = Some(HistoryCursor::decode(&c.encode()).unwrap()),
                None => break,
            }
        }
        let expected: Vec<String> = (0..25).rev().map(|i| format!("t{i:02}")).collect();
        assert_eq!(seen, expected);
    }
}
