//! Banks: the ones the host can link, linking an account, and topping up from it.

use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use super::outbox::{context, no_context, Answer, IntentKind, ReportedBalance};
use super::types::{money, read};
use super::{lock, positive, Bank, BankAccount, Wallet, WalletError};
use super::{BankLink, Direction, TransactionRecord};
use crate::money::Money;
use crate::net::api;
use crate::store;

/// What a top-up's or withdrawal's reconcile needs that the host's answer lacks: the bank's
/// name to show.
#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct TopUpShown {
    bank_name: Option<String>,
}

impl Wallet {
    /// The banks this wallet can link: those of its home country once enrolled (a bank
    /// abroad holds another currency and would be refused), every bank before.
    pub async fn banks(&self) -> Result<Vec<Bank>, WalletError> {
        let path = match self.profile()? {
            Some(p) => format!("/v1/banks?country={}", p.country),
            None => "/v1/banks".to_owned(),
        };
        let list: api::Banks = self.get(&path).await?;
        Ok(list.banks.into_iter().map(|b| Bank { id: b.id, name: b.name, currency: b.currency }).collect())
    }

    /// Linked bank accounts (local).
    pub fn bank_links(&self) -> Result<Vec<BankLink>, WalletError> {
        Ok(store::bank_links(lock(&self.store).conn())?)
    }

    /// Links a bank account.
    pub async fn link_bank(&self, account: &BankAccount) -> Result<BankLink, WalletError> {
        self.enrolled()?;
        let body = api::BankLinkRequest {
            bank_id: account.bank_id.clone(),
            account_number: account.account_number.clone(),
            holder_name: account.holder_name.clone(),
            sandbox_opening_balance: account.sandbox_opening_balance.map(|m| m.minor()),
        };
        let v = self.submit(IntentKind::BankLink, "/v1/bank-links", &body, no_context()).await?;
        let id = read::<api::BankLink>(&v)?.id;
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
        let body = api::TopUpRequest { bank_link_id: bank_link_id.to_owned(), amount: amount.into() };
        let v = self.submit(IntentKind::TopUp, "/v1/topups", &body, context(&TopUpShown { bank_name })?).await?;
        self.transaction(&read::<api::TopUp>(&v)?.id)
    }

    /// What withdrawing `amount` costs, before it is confirmed: the fee by the host's published
    /// rule (`GET /v1/pricing`) and the total that leaves the wallet. An amount above the
    /// most one withdrawal may take is refused here, as the host would.
    pub async fn preview_withdrawal(&self, amount: Money) -> Result<WithdrawalPreview, WalletError> {
        let profile = self.enrolled()?;
        positive(amount)?;
        if amount.currency() != profile.currency {
            return Err(WalletError::InvalidInput(format!(
                "a withdrawal is in the wallet's {}",
                profile.currency.alpha()
            )));
        }
        let prices: api::PriceList = self.get("/v1/pricing").await?;
        let rule = &prices.withdrawal;
        let max = money(&rule.max)?;
        if max.currency() != amount.currency() || money(&rule.fee.min)?.currency() != amount.currency() {
            return Err(WalletError::Protocol("the host prices withdrawals in another currency".into()));
        }
        if amount.minor() > max.minor() {
            return Err(WalletError::InvalidInput(format!("at most {} in one withdrawal", max.format())));
        }
        let fee = rule.fee.fee_on(amount.minor()).map(|f| Money::from_minor(f, amount.currency()));
        let total = fee.and_then(|f| amount.checked_add(f));
        let (Some(fee), Some(total)) = (fee, total) else {
            return Err(WalletError::InvalidInput("amount too large".into()));
        };
        Ok(WithdrawalPreview { amount, fee, total, max })
    }

    /// Moves `amount` from the wallet to a linked bank account; the withdrawal fee (the host's
    /// published rule, `GET /v1/pricing`) comes on top and is in the history entry's details.
    pub async fn withdraw(&self, bank_link_id: &str, amount: Money) -> Result<TransactionRecord, WalletError> {
        self.enrolled()?;
        positive(amount)?;
        let bank_name = self.bank_links()?.into_iter().find(|b| b.id == bank_link_id).map(|b| b.bank_name);
        let body = api::WithdrawalRequest { bank_link_id: bank_link_id.to_owned(), amount: amount.into() };
        let shown = context(&TopUpShown { bank_name })?;
        let v = self.submit(IntentKind::Withdrawal, "/v1/withdrawals", &body, shown).await?;
        self.transaction(&read::<api::Withdrawal>(&v)?.id)
    }

    /// Ends a bank link: no more top-ups or withdrawals through it; its history stays.
    pub async fn unlink_bank(&self, bank_link_id: &str) -> Result<(), WalletError> {
        self.enrolled()?;
        let id = bank_link_id.trim();
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return Err(WalletError::InvalidInput(format!("{bank_link_id:?} is not a bank link id")));
        }
        let path = format!("/v1/bank-links/{id}/unlink");
        self.submit(IntentKind::BankUnlink, &path, &api::NoBody {}, no_context()).await?;
        Ok(())
    }
}

/// What a withdrawal will cost, shown before it is confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WithdrawalPreview {
    /// What arrives at the bank.
    pub amount: Money,
    /// The fee, on top.
    pub fee: Money,
    /// What leaves the wallet.
    pub total: Money,
    /// The most one withdrawal may take out.
    pub max: Money,
}

/// Reconciles a withdrawal into the history: out, the fee included.
pub(super) fn withdrawn(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<ReportedBalance, WalletError> {
    let w: api::Withdrawal = a.read()?;
    let shown: TopUpShown = a.context()?;
    let name = shown.bank_name.as_deref().unwrap_or("bank");
    store::insert_transaction(
        tx,
        &TransactionRecord {
            id: w.id,
            kind: "withdrawal".into(),
            direction: Direction::Out,
            amount: money(&w.total)?,
            counterparty: Some(w.bank_link_id),
            description: format!("Withdrawal to {name}"),
            intent_key: a.key(),
            created_at: w.created_at,
            details: a.details(),
        },
    )?;
    Ok(Some((money(&w.balance)?, w.created_at)))
}

/// Reconciles an unlink: the link is forgotten locally.
pub(super) fn unlinked(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<ReportedBalance, WalletError> {
    let u: api::BankUnlinked = a.read()?;
    store::delete_bank_link(tx, &u.bank_link_id)?;
    Ok(None)
}

/// Reconciles a bank link: kept locally with the last four digits only. The balance in the
/// answer is the bank account's, not the wallet's: it is not cached as the wallet's.
pub(super) fn linked(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<ReportedBalance, WalletError> {
    let l: api::BankLink = a.read()?;
    store::put_bank_link(
        tx,
        &BankLink {
            id: l.id,
            bank_id: l.bank_id,
            bank_name: l.bank_name,
            last4: l.account_last4,
            holder_name: l.holder_name,
            created_at: a.now,
        },
    )?;
    Ok(None)
}

/// Reconciles a top-up into the history.
pub(super) fn topped_up(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<ReportedBalance, WalletError> {
    let t: api::TopUp = a.read()?;
    let shown: TopUpShown = a.context()?;
    let name = shown.bank_name.as_deref().unwrap_or("bank");
    store::insert_transaction(
        tx,
        &TransactionRecord {
            id: t.id,
            kind: "topup".into(),
            direction: Direction::In,
            amount: money(&t.amount)?,
            counterparty: Some(t.bank_link_id),
            description: format!("Top-up from {name}"),
            intent_key: a.key(),
            created_at: t.created_at,
            details: a.details(),
        },
    )?;
    Ok(Some((money(&t.balance)?, t.created_at)))
}
