//! The day's settlement a merchant's terminal reads: what each network paid the merchant,
//! refunds taken off, in the merchant's currency, with the shoppers' own currency beside it.

use super::{Network, TerminalError};
use crate::money::Money;
use crate::net::api;

/// One network's share of the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementLine {
    /// The network the shoppers paid through.
    pub network: Network,
    /// Payments captured.
    pub payments: u32,
    /// Refunds given.
    pub refunds: u32,
    /// Captured, the merchant's currency.
    pub gross: Money,
    /// Refunded, the merchant's currency.
    pub refunded: Money,
    /// What this network settles to the merchant.
    pub net: Money,
    /// What the shoppers paid in their own currency, net of refunds (foreign networks).
    pub customer_net: Option<Money>,
}

/// The merchant's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    /// The merchant.
    pub merchant_id: String,
    /// The merchant's local calendar day, `YYYY-MM-DD`.
    pub date: String,
    /// Host time the day starts (inclusive), Unix seconds.
    pub from: i64,
    /// Host time the day ends (exclusive), Unix seconds.
    pub to: i64,
    /// One line per network, in the host's order.
    pub lines: Vec<SettlementLine>,
    /// What the merchant receives for the day.
    pub net: Money,
}

impl Settlement {
    pub(super) fn from_api(s: api::Settlement) -> Result<Settlement, TerminalError> {
        let money = |a: &api::Amount| {
            a.money()
                .ok_or_else(|| TerminalError::Protocol(format!("settlement in an unknown currency {}", a.currency)))
        };
        let lines = s
            .lines
            .iter()
            .map(|l| {
                Ok(SettlementLine {
                    network: Network::parse(&l.network).ok_or_else(|| {
                        TerminalError::Protocol(format!("settlement of an unknown network {}", l.network))
                    })?,
                    payments: l.payments,
                    refunds: l.refunds,
                    gross: money(&l.gross)?,
                    refunded: money(&l.refunded)?,
                    net: money(&l.net)?,
                    customer_net: l.customer_net.as_ref().map(money).transpose()?,
                })
            })
            .collect::<Result<Vec<_>, TerminalError>>()?;
        Ok(Settlement { net: money(&s.net)?, merchant_id: s.merchant_id, date: s.date, from: s.from, to: s.to, lines })
    }
}
