//! A till charge as the host reports it, and the network that took the code.

use super::TerminalError;
use crate::money::Money;
use crate::net::api;

/// The network a shopper's code belongs to: Koban's own, or a foreign one the host
/// acquires through (ADR 0007).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Network {
    /// A Koban wallet (a Koban code, or a payment to the merchant's code).
    Koban,
    /// Alipay and its Alipay+ partner wallets.
    AlipayPlus,
    /// WeChat Pay.
    WechatPay,
    /// UnionPay.
    Unionpay,
}

impl Network {
    /// Every network, Koban first.
    pub const ALL: [Network; 4] = [Network::Koban, Network::AlipayPlus, Network::WechatPay, Network::Unionpay];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Koban => "koban",
            Network::AlipayPlus => "alipay_plus",
            Network::WechatPay => "wechat_pay",
            Network::Unionpay => "unionpay",
        }
    }

    /// The name people know it by.
    pub fn name(self) -> &'static str {
        match self {
            Network::Koban => "Koban",
            Network::AlipayPlus => "Alipay+",
            Network::WechatPay => "WeChat Pay",
            Network::Unionpay => "UnionPay",
        }
    }

    /// The network of a wire name.
    pub fn parse(s: &str) -> Option<Network> {
        Self::ALL.into_iter().find(|n| n.as_str() == s)
    }
}

/// Where a charge stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeStatus {
    /// The money moved to the merchant.
    Captured,
    /// Above the shopper's no-confirmation limit: waiting for approval on the phone.
    PendingApproval,
    /// Refused after the code was read (funds, limits): the code is used up, nothing moved.
    Refused,
    /// The shopper declined on the phone; nothing moved.
    Declined,
    /// The shopper did not answer in time; nothing moved.
    Expired,
}

impl ChargeStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChargeStatus::Captured => "captured",
            ChargeStatus::PendingApproval => "pending_approval",
            ChargeStatus::Refused => "refused",
            ChargeStatus::Declined => "declined",
            ChargeStatus::Expired => "expired",
        }
    }

    pub(super) fn parse(s: &str) -> Option<ChargeStatus> {
        [Self::Captured, Self::PendingApproval, Self::Refused, Self::Declined, Self::Expired]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// A charge as the host reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    /// The host's charge id.
    pub id: String,
    /// Where it stands.
    pub status: ChargeStatus,
    /// The amount charged.
    pub amount: Money,
    /// The ledger transaction of a capture.
    pub transaction_id: Option<String>,
    /// Until when the shopper may approve a pending charge (host time, Unix seconds).
    pub approve_by: Option<i64>,
    /// The refusal kind of a refused charge.
    pub refusal: Option<String>,
    /// The network that took the code.
    pub network: Network,
    /// What a foreign network took from its user, in the user's currency (once captured).
    pub customer_amount: Option<Money>,
    /// That network's rate, the user's currency per the merchant's (decimal text).
    pub rate: Option<String>,
}

impl Charge {
    pub(super) fn from_api(c: api::Charge) -> Result<Charge, TerminalError> {
        let bad = |what: &str| TerminalError::Protocol(format!("charge with an unreadable {what}"));
        let network = match c.network.as_deref() {
            None => Network::Koban,
            Some(n) => Network::parse(n).ok_or_else(|| bad("network"))?,
        };
        let customer_amount = match &c.customer_amount {
            None => None,
            Some(a) => Some(a.money().ok_or_else(|| bad("customer currency"))?),
        };
        Ok(Charge {
            network,
            customer_amount,
            rate: c.rate,
            status: ChargeStatus::parse(&c.status).ok_or_else(|| bad("status"))?,
            amount: c.amount.money().ok_or_else(|| bad("currency"))?,
            id: c.id,
            transaction_id: c.transaction_id,
            approve_by: c.approve_by,
            refusal: c.refusal,
        })
    }
}
