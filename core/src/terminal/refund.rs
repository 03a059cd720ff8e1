//! A refund a terminal gives, as the host reports it.

use super::TerminalError;
use crate::money::Money;
use crate::net::api;

/// What a refund gives back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOf {
    /// A till charge, by its charge id.
    Charge(String),
    /// A till charge's or a merchant payment's transaction id.
    Transaction(String),
}

/// A refund as the host reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// The host's refund id.
    pub id: String,
    /// The refund's ledger transaction.
    pub transaction_id: String,
    /// The transaction refunded.
    pub original_transaction_id: String,
    /// The till charge refunded, when the original was one.
    pub charge_id: Option<String>,
    /// What this refund gave back, in the merchant's currency.
    pub amount: Money,
    /// Everything refunded of the original so far.
    pub refunded_total: Money,
    /// What may still be refunded.
    pub refundable: Money,
    /// What went back to a foreign network's user, in the user's currency.
    pub customer_amount: Option<Money>,
}

impl Refund {
    pub(super) fn from_api(r: api::Refund) -> Result<Refund, TerminalError> {
        let money = |a: &api::Amount| {
            a.money().ok_or_else(|| TerminalError::Protocol(format!("refund in an unknown currency {}", a.currency)))
        };
        Ok(Refund {
            customer_amount: r.customer_amount.as_ref().map(money).transpose()?,
            amount: money(&r.amount)?,
            refunded_total: money(&r.refunded_total)?,
            refundable: money(&r.refundable)?,
            id: r.id,
            transaction_id: r.transaction_id,
            original_transaction_id: r.original_transaction_id,
            charge_id: r.charge_id,
        })
    }
}
