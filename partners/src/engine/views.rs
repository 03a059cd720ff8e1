//! What a user's wallet app shows (the user, their balance and their history), and what a
//! merchant's app shows (its takings and the payments to it).

use rusqlite::{params, Connection, OptionalExtension};

use super::{from_row, COLUMNS};
use crate::error::Refusal;
use crate::fx;
use crate::model::{Amount, PaymentStatus};
use crate::network::{self, Network};
use crate::wire::sim::{History, HistoryItem, MerchantPayment, MerchantView, User};

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<User>> {
    let (id, wallet_id, name, currency, balance): (String, String, String, String, i64) =
        (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
    Ok(network::wallet(&wallet_id).map(|w| User {
        id,
        wallet: w.id.to_owned(),
        wallet_name: w.name.to_owned(),
        network: w.network,
        name,
        balance: Amount::new(balance, currency),
    }))
}

const USER_SQL: &str =
    "SELECT u.id, u.wallet, u.name, u.currency, a.balance FROM users u JOIN accounts a ON a.id = u.account_id";

/// One user and their balance.
pub fn user(conn: &Connection, id: &str) -> Result<User, Refusal> {
    conn.query_row(&format!("{USER_SQL} WHERE u.id = ?1"), [id], user_from_row)
        .optional()?
        .flatten()
        .ok_or(Refusal::UserNotFound)
}

/// Every user, by id.
pub fn users(conn: &Connection) -> Result<Vec<User>, Refusal> {
    let mut stmt = conn.prepare(&format!("{USER_SQL} ORDER BY u.id"))?;
    let rows = stmt.query_map([], user_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.extend(row?);
    }
    Ok(out)
}

/// A user's payments and refunds, newest first (at most `limit`).
pub fn history(conn: &Connection, id: &str, limit: u32) -> Result<History, Refusal> {
    let user = user(conn, id)?;
    let mut items = Vec::new();
    let sql = format!(
        "SELECT {COLUMNS} FROM payments p LEFT JOIN users u ON u.id = p.user_id
         WHERE p.user_id = ?1 ORDER BY p.created_at DESC, p.rowid DESC LIMIT ?2"
    );
    let mut stmt = conn.prepare(&sql)?;
    let payments: Vec<_> = stmt.query_map(params![id, limit], from_row)?.collect::<Result<_, _>>()?;
    for p in &payments {
        items.push(HistoryItem {
            kind: "payment".into(),
            id: p.id.clone(),
            payment_id: p.id.clone(),
            network: p.network,
            status: p.status,
            failure: p.failure,
            merchant_name: p.merchant_name.clone(),
            description: p.description.clone(),
            amount: p.amount.clone(),
            user_amount: p.user_amount.clone().filter(|_| p.status != PaymentStatus::Failed),
            rate: p.rate.map(fx::format_rate),
            refunded: (p.refunded > 0).then(|| Amount::new(p.refunded, p.amount.currency.clone())),
            created_at: p.created_at,
        });
    }
    let mut stmt = conn.prepare(
        "SELECT r.id, r.payment_id, r.amount, r.currency, r.user_amount, r.user_currency, r.created_at,
                p.network, p.status, p.merchant_name, p.description, p.rate
         FROM refunds r JOIN payments p ON p.id = r.payment_id
         WHERE p.user_id = ?1 ORDER BY r.created_at DESC, r.rowid DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![id, limit], |r| {
        let bad = |i: usize| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, "bad stored value".into())
        };
        let rate: Option<String> = r.get(11)?;
        Ok(HistoryItem {
            kind: "refund".into(),
            id: r.get(0)?,
            payment_id: r.get(1)?,
            network: Network::from_id(&r.get::<_, String>(7)?).ok_or_else(|| bad(7))?,
            status: PaymentStatus::parse(&r.get::<_, String>(8)?).ok_or_else(|| bad(8))?,
            failure: None,
            merchant_name: r.get(9)?,
            description: r.get(10)?,
            amount: Amount::new(r.get(2)?, r.get::<_, String>(3)?),
            user_amount: Some(Amount::new(r.get(4)?, r.get::<_, String>(5)?)),
            rate: rate.and_then(|s| s.parse::<i128>().ok()).map(fx::format_rate),
            refunded: None,
            created_at: r.get(6)?,
        })
    })?;
    for row in rows {
        items.push(row?);
    }
    // Refunds of a payment come after it in time; a stable sort keeps that order among equals.
    items.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| (b.kind == "refund").cmp(&(a.kind == "refund"))));
    items.truncate(limit as usize);
    Ok(History { user, items })
}

const MERCHANT_SQL: &str =
    "SELECT m.key, m.network, m.id, m.name, m.city, m.country, m.code, m.amount, m.currency, a.balance
     FROM merchants m JOIN accounts a ON a.id = m.account_id";

fn merchant_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MerchantView> {
    let network: String = r.get(1)?;
    let amount: Option<i64> = r.get(7)?;
    let currency: String = r.get(8)?;
    Ok(MerchantView {
        key: r.get(0)?,
        network: Network::from_id(&network).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, "bad network".into())
        })?,
        id: r.get(2)?,
        name: r.get(3)?,
        city: r.get(4)?,
        country: r.get(5)?,
        code: r.get(6)?,
        amount: amount.map(|a| Amount::new(a, currency.clone())),
        balance: Amount::new(r.get(9)?, currency),
        payments: Vec::new(),
    })
}

/// Every merchant of every network, by key, with its takings.
pub fn merchants(conn: &Connection) -> Result<Vec<MerchantView>, Refusal> {
    let mut stmt = conn.prepare(&format!("{MERCHANT_SQL} ORDER BY m.key"))?;
    let rows = stmt.query_map([], merchant_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One merchant, its takings and the payments to it, newest first.
pub fn merchant(conn: &Connection, key: &str) -> Result<MerchantView, Refusal> {
    let mut m = conn
        .query_row(&format!("{MERCHANT_SQL} WHERE m.key = ?1"), [key], merchant_from_row)
        .optional()?
        .ok_or(Refusal::MerchantNotFound)?;
    m.payments = super::mpm::for_merchant(conn, key)?
        .into_iter()
        .map(|p| MerchantPayment {
            id: p.id,
            mpp_id: p.mpp_id,
            request_id: p.request_id,
            status: p.status,
            amount: p.amount,
            settlement: p.settlement,
            rate: p.rate.map(fx::format_rate),
            created_at: p.created_at,
        })
        .collect();
    Ok(m)
}
