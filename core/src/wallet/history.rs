//! The local history: pages newest first, and one transaction by id.

use super::{lock, HistoryPage, TransactionRecord, Wallet, WalletError};
use crate::store::{self, HistoryCursor};

impl Wallet {
    /// A page of history, newest first (local; `sync` brings in what others sent).
    pub fn history(&self, limit: u32, cursor: Option<&str>) -> Result<HistoryPage, WalletError> {
        let after = cursor
            .map(|c| HistoryCursor::decode(c).ok_or_else(|| WalletError::InvalidInput("bad history cursor".into())))
            .transpose()?;
        let (items, next) = store::history_page(lock(&self.store).conn(), limit, after)?;
        Ok(HistoryPage { items, next_cursor: next.map(|c| c.encode()) })
    }

    /// One transaction of the local history, which a flow's reconcile has just written.
    pub(super) fn transaction(&self, id: &str) -> Result<TransactionRecord, WalletError> {
        store::transaction(lock(&self.store).conn(), id)?
            .ok_or_else(|| WalletError::Protocol(format!("transaction {id} not in history")))
    }
}
