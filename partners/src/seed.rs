//! Seed data: the networks' demo users, funded in their currencies; and making users on demand.

use rusqlite::{params, Transaction};
use serde_json::json;

use crate::error::Refusal;
use crate::ledger::{self, JournalHeader, Leg};
use crate::network;
use crate::wire::sim::User;

/// A seeded user: id, wallet, name, opening balance in minor units.
pub const USERS: &[(&str, &str, &str, i64)] = &[
    ("li_wei", "alipay_cn", "Li Wei", 500_000),
    ("zhang_min", "alipay_cn", "Zhang Min", 2_000),
    ("chan_tai_man", "alipay_hk", "Chan Tai Man", 300_000),
    ("kim_minji", "kakaopay", "Kim Min-ji", 500_000),
    ("wang_fang", "wechat_cn", "Wang Fang", 500_000),
    ("zhao_lei", "wechat_cn", "Zhao Lei", 1_000),
    ("ho_ka_yan", "wechat_hk", "Ho Ka Yan", 200_000),
    ("liu_yang", "unionpay_cn", "Liu Yang", 800_000),
    ("chen_jie", "unionpay_cn", "Chen Jie", 1_500),
];

/// Makes a user of `wallet_id` holding `balance` minor units of the wallet's currency, funded
/// from the network's float by a top-up journal.
pub fn create_user(
    tx: &Transaction<'_>,
    id: &str,
    wallet_id: &str,
    name: &str,
    balance: i64,
    now: i64,
) -> Result<User, Refusal> {
    let wallet =
        network::wallet(wallet_id).ok_or_else(|| Refusal::BadRequest(format!("unknown wallet {wallet_id}")))?;
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err(Refusal::BadRequest("user id must be 1 to 64 of [A-Za-z0-9_-]".into()));
    }
    if name.trim().is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(Refusal::BadRequest("name must be 1 to 64 printable characters".into()));
    }
    if balance < 0 {
        return Err(Refusal::BadRequest("balance must not be negative".into()));
    }
    let account = ledger::user_account(id);
    let exists: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM users WHERE id = ?1)", [id], |r| r.get(0))?;
    if exists {
        return Err(Refusal::BadRequest(format!("user {id} exists")));
    }
    ledger::ensure_account(tx, &account, "customer", wallet.currency, false, &format!("{} user {name}", wallet.name))?;
    let customer_no = crate::codes::customer_number(wallet)?;
    tx.execute(
        "INSERT INTO users (id, wallet, network, name, currency, account_id, customer_no, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, wallet.id, wallet.network.id(), name, wallet.currency, account, customer_no, now],
    )?;
    if balance > 0 {
        let float = ledger::float_account(tx, wallet.currency)?;
        let meta = json!({ "user_id": id });
        let journal_id = format!("topup_{id}");
        let header = JournalHeader {
            id: &journal_id,
            kind: "topup",
            idempotency: None,
            payment_id: None,
            refund_id: None,
            meta: &meta,
            now,
        };
        ledger::post(tx, &header, &[Leg::new(float, -balance), Leg::new(account, balance)])?;
    }
    Ok(User {
        id: id.to_owned(),
        wallet: wallet.id.to_owned(),
        wallet_name: wallet.name.to_owned(),
        network: wallet.network,
        name: name.to_owned(),
        balance: crate::model::Amount::new(balance, wallet.currency),
    })
}

/// Seeds the demo users and marks the database seeded.
pub fn seed(tx: &Transaction<'_>, now: i64) -> Result<(), Refusal> {
    for (id, wallet, name, balance) in USERS {
        create_user(tx, id, wallet, name, *balance, now)?;
    }
    tx.execute("INSERT INTO meta (key, value) VALUES ('seeded', ?1)", [now.to_string()])?;
    Ok(())
}
