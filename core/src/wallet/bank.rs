//! Banks: the ones the host can link, linking an account, and topping up from it.

use rusqlite::Transaction;
use serde_json::json;

use super::outbox::{Answer, IntentKind};
use super::types::{money, money_json, text};
use super::{lock, positive, Bank, BankAccount, Wallet, WalletError};
use super::{BankLink, Direction, TransactionRecord};
use crate::money::Money;
use crate::store;

impl Wallet {
    /// The banks the host can link.
    pub async fn banks(&self) -> Result<Vec<Bank>, WalletError> {
        let v = self.get("/v1/banks").await?;
        let list = v["banks"].as_array().ok_or_else(|| WalletError::Protocol("banks".into()))?;
        list.iter()
            .map(|b| Ok(Bank { id: text(b, "id")?, name: text(b, "name")?, currency: text(b, "currency")? }))
            .collect()
    }

    /// Linked bank accounts (local).
    pub fn bank_links(&self) -> Result<Vec<BankLink>, WalletError> {
        Ok(store::bank_links(lock(&self.store).conn())?)
    }

    /// Links a bank account.
    pub async fn link_bank(&self, account: &BankAccount) -> Result<BankLink, WalletError> {
        self.enrolled()?;
        let mut body = json!({ "bank_id": account.bank_id, "account_number": account.account_number, "holder_name": account.holder_name });
        if let Some(m) = account.sandbox_opening_balance {
            body["sandbox_opening_balance"] = json!(m.minor());
        }
        let v = self.submit(IntentKind::BankLink, "/v1/bank-links", &body, json!({})).await?;
        let id = text(&v, "id")?;
        self.bank_links()?
            .into_iter()
            .find(|b| b.id == id)
            .ok_or_else(|| WalletError::Protocol("bank link not stored".into()))
    }

    /// Moves `amount` from a linked bank account into the wallet.
    pub async fn top_up(&self, bank_link_id: &str, amount: Money) -> Result<TransactionRecord, WalletError> {
        self.enrolled()?;
        positive(amount)?;
        let bank_name = self.bank_links()?.into_iter().find(|b| b.id == bank_link_id).map(|b| b.bank_name);
        let body = json!({ "bank_link_id": bank_link_id, "amount": money_json(amount) });
        let v = self.submit(IntentKind::TopUp, "/v1/topups", &body, json!({ "bank_name": bank_name })).await?;
        self.transaction(&text(&v, "id")?)
    }
}

/// Reconciles a bank link: kept locally with the last four digits only.
pub(super) fn linked(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<(), WalletError> {
    let v = a.v;
    store::put_bank_link(
        tx,
        &BankLink {
            id: text(v, "id")?,
            bank_id: text(v, "bank_id")?,
            bank_name: text(v, "bank_name")?,
            last4: text(v, "account_last4")?,
            holder_name: text(v, "holder_name")?,
            created_at: a.now,
        },
    )?;
    Ok(())
}

/// Reconciles a top-up into the history.
pub(super) fn topped_up(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<(), WalletError> {
    let bank = a.v["bank_link_id"].as_str().map(str::to_owned);
    let name = a.intent.context["bank_name"].as_str().unwrap_or("bank").to_owned();
    store::insert_transaction(
        tx,
        &a.record("topup", Direction::In, money(&a.v["amount"])?, bank, format!("Top-up from {name}")),
    )?;
    Ok(())
}
