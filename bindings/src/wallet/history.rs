//! The history: transactions, their detail, filters, pages and CSV export, and what is pending.

use super::*;

/// Which way money moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Direction {
    /// Money came in.
    In,
    /// Money went out.
    Out,
}

/// One item of history.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletTransaction {
    /// The host's transaction id.
    pub id: String,
    /// `topup`, `payment`, `p2p`, `remittance`, …
    pub kind: String,
    /// In or out.
    pub direction: Direction,
    /// The amount, always positive; in the home currency for payments abroad.
    pub amount: Money,
    /// Merchant name, `@handle`, recipient or bank link.
    pub counterparty: Option<String>,
    /// A line to show ("Payment to KOBAN RAMEN (¥1,200)").
    pub description: String,
    /// Host time, Unix seconds.
    pub created_at: i64,
    /// The host's answer and what the user was shown, as JSON, for receipts (account numbers masked).
    pub details_json: String,
    /// What the entry says beyond its line: both currencies, rate, fee, the payment a refund
    /// gives back, references.
    pub detail: TransactionDetail,
}

/// The detail of a history entry, read from the host's record.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TransactionDetail {
    /// The host's status (`completed`, `credited`, `paid_out_to_partner`, …), if it gives one.
    pub status: Option<String>,
    /// The amount in the other currency (the merchant's abroad, the recipient's).
    pub foreign_amount: Option<Money>,
    /// The rate applied, foreign currency per home currency, as decimal text.
    pub rate: Option<String>,
    /// The fee inside the amount.
    pub fee: Option<Money>,
    /// For a refund: the transaction it gives back.
    pub refund_of: Option<String>,
    /// References sent with a payment, as `kind=value`.
    pub references: Vec<String>,
    /// A message sent with a transfer.
    pub message: Option<String>,
    /// A cash pickup's reference, once the partner has it.
    pub pickup_reference: Option<String>,
}

impl From<core::TransactionDetail> for TransactionDetail {
    fn from(d: core::TransactionDetail) -> Self {
        TransactionDetail {
            status: d.status,
            foreign_amount: d.foreign_amount.map(Into::into),
            rate: d.rate,
            fee: d.fee.map(Into::into),
            refund_of: d.refund_of,
            references: d.references,
            message: d.message,
            pickup_reference: d.pickup_reference,
        }
    }
}

/// Which history entries: some kinds, a period (host time, Unix seconds).
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct HistoryFilter {
    /// Only these kinds (`payment`, `refund`, `withdrawal`, …); empty: every kind.
    #[uniffi(default = [])]
    pub kinds: Vec<String>,
    /// Only entries at or after this time.
    #[uniffi(default = None)]
    pub from: Option<i64>,
    /// Only entries before this time.
    #[uniffi(default = None)]
    pub to: Option<i64>,
}

impl From<HistoryFilter> for core::HistoryFilter {
    fn from(f: HistoryFilter) -> Self {
        core::HistoryFilter { kinds: f.kinds, from: f.from, to: f.to }
    }
}

impl From<store::TransactionRecord> for WalletTransaction {
    fn from(t: store::TransactionRecord) -> Self {
        let detail = t.detail().into();
        WalletTransaction {
            detail,
            id: t.id,
            kind: t.kind,
            direction: match t.direction {
                store::Direction::In => Direction::In,
                store::Direction::Out => Direction::Out,
            },
            amount: t.amount.into(),
            counterparty: t.counterparty,
            description: t.description,
            created_at: t.created_at,
            details_json: t.details.to_string(),
        }
    }
}

/// One page of history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HistoryPage {
    /// The items, newest first.
    pub items: Vec<WalletTransaction>,
    /// Pass to [`Wallet::history`] for the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

#[uniffi::export]
impl Wallet {
    /// A page of at most `limit` history items, newest first, after `cursor` (local).
    #[uniffi::method(default(cursor = None))]
    pub fn history(&self, limit: i32, cursor: Option<String>) -> Result<HistoryPage, WalletError> {
        let p = self.core.history(u32::try_from(limit).unwrap_or(0), cursor.as_deref())?;
        Ok(HistoryPage { items: p.items.into_iter().map(Into::into).collect(), next_cursor: p.next_cursor })
    }

    /// A page of the entries `filter` selects, newest first (local).
    #[uniffi::method(default(cursor = None))]
    pub fn history_filtered(
        &self,
        filter: HistoryFilter,
        limit: i32,
        cursor: Option<String>,
    ) -> Result<HistoryPage, WalletError> {
        let p = self.core.history_filtered(&filter.into(), u32::try_from(limit).unwrap_or(0), cursor.as_deref())?;
        Ok(HistoryPage { items: p.items.into_iter().map(Into::into).collect(), next_cursor: p.next_cursor })
    }

    /// The entries `filter` selects as CSV (header first, UTC times), to share or save (local).
    pub fn history_csv(&self, filter: HistoryFilter) -> Result<String, WalletError> {
        Ok(self.core.history_csv(&filter.into())?)
    }

    /// How many money-moving requests still have an unknown outcome (local).
    pub fn pending_count(&self) -> Result<i32, WalletError> {
        Ok(i32::try_from(self.core.pending_count()?).unwrap_or(i32::MAX))
    }
}
