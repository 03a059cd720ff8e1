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

/// What kind of movement a transaction is; apps word it in the device's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum TransactionKind {
    /// Money in from a linked bank.
    TopUp,
    /// Money out to a linked bank (the fee included).
    Withdrawal,
    /// A merchant paid by scanning its code, at home or abroad.
    Payment,
    /// A till charged the shopper's code.
    TillCharge,
    /// Money between two wallets in the same currency.
    Transfer,
    /// Money sent abroad (or received from abroad).
    Remittance,
    /// A remittance given back after its payout failed.
    RemittanceReturn,
    /// A merchant gave back (part of) a payment or till charge.
    Refund,
    /// A kind this library does not know yet (a newer host).
    Unknown,
}

/// The host's spellings, in one place.
const TRANSACTION_KINDS: [(TransactionKind, &str); 8] = [
    (TransactionKind::TopUp, "topup"),
    (TransactionKind::Withdrawal, "withdrawal"),
    (TransactionKind::Payment, "payment"),
    (TransactionKind::TillCharge, "cpm_charge"),
    (TransactionKind::Transfer, "p2p"),
    (TransactionKind::Remittance, "remittance"),
    (TransactionKind::RemittanceReturn, "remittance_return"),
    (TransactionKind::Refund, "refund"),
];

impl TransactionKind {
    /// The host's spelling read; an unknown one is [`TransactionKind::Unknown`].
    pub(crate) fn from_host(s: &str) -> TransactionKind {
        TRANSACTION_KINDS.iter().find(|(_, name)| *name == s).map_or(TransactionKind::Unknown, |(k, _)| *k)
    }

    /// The host's spelling; `None` for [`TransactionKind::Unknown`].
    pub(crate) fn host_name(self) -> Option<&'static str> {
        TRANSACTION_KINDS.iter().find(|(k, _)| *k == self).map(|(_, name)| *name)
    }
}

/// One item of history: what it is, with whom, how much and when; each app words it in the
/// device's language.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletTransaction {
    /// The host's transaction id.
    pub id: String,
    /// What kind of movement.
    pub kind: TransactionKind,
    /// In or out.
    pub direction: Direction,
    /// The amount, always positive; in the home currency for payments abroad.
    pub amount: Money,
    /// Merchant name, `@handle`, recipient or bank link.
    pub counterparty: Option<String>,
    /// Host time.
    pub created_at: SystemTime,
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

/// Which history entries: some kinds, a period (host time).
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct HistoryFilter {
    /// Only these kinds; empty: every kind.
    #[uniffi(default = [])]
    pub kinds: Vec<TransactionKind>,
    /// Only entries at or after this time.
    #[uniffi(default = None)]
    pub from: Option<SystemTime>,
    /// Only entries before this time.
    #[uniffi(default = None)]
    pub to: Option<SystemTime>,
}

impl TryFrom<HistoryFilter> for core::HistoryFilter {
    type Error = WalletError;

    fn try_from(f: HistoryFilter) -> Result<Self, WalletError> {
        let kinds = f
            .kinds
            .iter()
            .map(|k| {
                k.host_name().map(str::to_owned).ok_or_else(|| {
                    WalletError::InvalidInput("invalid input: Unknown is not a kind to filter by".into())
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(core::HistoryFilter { kinds, from: f.from.map(time::secs), to: f.to.map(time::secs) })
    }
}

impl From<store::TransactionRecord> for WalletTransaction {
    fn from(t: store::TransactionRecord) -> Self {
        let detail = t.detail().into();
        WalletTransaction {
            detail,
            id: t.id,
            kind: TransactionKind::from_host(&t.kind),
            direction: match t.direction {
                store::Direction::In => Direction::In,
                store::Direction::Out => Direction::Out,
            },
            amount: t.amount.into(),
            counterparty: t.counterparty,
            created_at: time::at(t.created_at),
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

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// A page of at most `limit` history items, newest first, after `cursor` (local).
    #[uniffi::method(default(cursor = None))]
    pub async fn history(&self, limit: i32, cursor: Option<String>) -> Result<HistoryPage, WalletError> {
        let limit = u32::try_from(limit).unwrap_or(0);
        let p = self.off(move |core| async move { core.history(limit, cursor.as_deref()) }).await?;
        Ok(HistoryPage { items: p.items.into_iter().map(Into::into).collect(), next_cursor: p.next_cursor })
    }

    /// A page of the entries `filter` selects, newest first (local).
    #[uniffi::method(default(cursor = None))]
    pub async fn history_filtered(
        &self,
        filter: HistoryFilter,
        limit: i32,
        cursor: Option<String>,
    ) -> Result<HistoryPage, WalletError> {
        let (filter, limit) = (core::HistoryFilter::try_from(filter)?, u32::try_from(limit).unwrap_or(0));
        let p = self.off(move |core| async move { core.history_filtered(&filter, limit, cursor.as_deref()) }).await?;
        Ok(HistoryPage { items: p.items.into_iter().map(Into::into).collect(), next_cursor: p.next_cursor })
    }

    /// The entries `filter` selects as CSV (header first, UTC times), to share or save (local).
    pub async fn history_csv(&self, filter: HistoryFilter) -> Result<String, WalletError> {
        let filter = core::HistoryFilter::try_from(filter)?;
        Ok(self.off(move |core| async move { core.history_csv(&filter) }).await?)
    }

    /// How many money-moving requests still have an unknown outcome (local).
    pub async fn pending_count(&self) -> Result<i32, WalletError> {
        let n = self.off(move |core| async move { core.pending_count() }).await?;
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }
}
