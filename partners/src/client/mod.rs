//! Rust clients for the simulator over real HTTP.
//!
//! [`AcquirerClient`] is what the Koban host calls as acquirer: network-neutral `pay`,
//! `inquire`, `cancel` and `refund`, each sent in the chosen network's own wire shape, signed,
//! and its answer mapped back to one [`PaymentResult`] / [`RefundResult`] or a [`ClientError`]
//! that says whether the outcome is known. [`SimulatorClient`] plays the tourists' phones
//! (codes, balances, history), the merchants' apps and the operator (faults, clock, invariants,
//! users). [`MppClient`] is what the Koban host calls as a partner wallet paying the networks'
//! merchants in China (decode, pay, inquire, cancel).
//!
//! Exactly-once on the acquirer's side: keep the request id with the intent before sending;
//! on [`ClientError::Unknown`] send the same request again (or inquire), never a new id.

mod acquirer;
mod alipay_plus;
mod alipay_plus_mpm;
pub mod mpm;
mod simulator;
mod unionpay;
mod unionpay_mpm;
mod wechat_pay;
mod wechat_pay_mpm;

pub use acquirer::AcquirerClient;
pub use mpm::{DecodedCode, MppClient, MppPayRequest, MppPaymentResult};
pub use simulator::SimulatorClient;

use serde::{Deserialize, Serialize};

use crate::error::RefusalKind;
use crate::model::{Amount, PayFailure, PaymentStatus};
use crate::network::Network;
use crate::wire::Meaning;

/// A charge of a code the user showed, network-neutral.
///
/// Request ids of 8 to 32 letters and digits suit every network (WeChat Pay allows 32
/// characters, UnionPay 8 to 40 letters and digits, Alipay+ 64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayRequest {
    /// The acquirer's idempotency key for this charge.
    pub request_id: String,
    /// The code as scanned.
    pub code: String,
    /// The merchant's amount, in its currency (JPY at a Koban merchant).
    pub amount: Amount,
    /// The acquirer's merchant id.
    pub merchant_id: String,
    /// The merchant's name, as the user's history will show it.
    pub merchant_name: String,
    /// What was bought.
    pub description: String,
}

/// A payment's state as the network reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentResult {
    /// The network asked.
    pub network: Network,
    /// The acquirer's request id.
    pub request_id: String,
    /// The network's payment id, once it has one.
    pub payment_id: Option<String>,
    /// Where it stands.
    pub status: PaymentStatus,
    /// Why it failed, when the network said.
    pub failure: Option<PayFailure>,
    /// The merchant's amount.
    pub amount: Option<Amount>,
    /// What the user paid in their currency (for a successful or cancelled payment).
    pub customer_amount: Option<Amount>,
    /// The network's rate, user's currency per merchant's, ten decimals.
    pub rate: Option<String>,
    /// The user's wallet brand, where the network says.
    pub wallet: Option<String>,
    /// When the user was charged, Unix seconds.
    pub paid_at: Option<i64>,
    /// The network's own result code (`SUCCESS`, `USERPAYING`, `05`, …).
    pub code: String,
    /// The network's message.
    pub message: String,
}

/// A cancelled payment: whatever was taken went back, and nothing will be taken under its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelResult {
    /// The network asked.
    pub network: Network,
    /// The cancelled payment's request id.
    pub request_id: String,
    /// The network's payment id, when the payment had arrived.
    pub payment_id: Option<String>,
    /// When, Unix seconds, where the network says.
    pub cancelled_at: Option<i64>,
}

/// A refund, network-neutral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequest {
    /// The acquirer's idempotency key for this refund.
    pub refund_request_id: String,
    /// The refunded payment's request id.
    pub payment_request_id: String,
    /// How much, in the payment's currency.
    pub amount: Amount,
    /// The payment's full amount (WeChat Pay's refund carries it as `total_fee`).
    pub payment_amount: Amount,
}

/// A refund the network applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundResult {
    /// The network asked.
    pub network: Network,
    /// The acquirer's refund request id.
    pub refund_request_id: String,
    /// The network's refund id.
    pub refund_id: Option<String>,
    /// The network's payment id.
    pub payment_id: Option<String>,
    /// Refunded, in the payment's currency.
    pub amount: Amount,
    /// Given back to the user in their currency, at the payment's rate.
    pub customer_amount: Option<Amount>,
    /// When, Unix seconds.
    pub refunded_at: Option<i64>,
}

/// Why a call did not give a result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The outcome is unknown: no answer (timeout, dropped connection), a system error, or an
    /// answer the client cannot read. Send the same request again, or inquire.
    #[error("outcome unknown: {0}")]
    Unknown(String),
    /// The network refused the request; nothing happened.
    #[error("refused ({kind:?}, {code}): {message}")]
    Refused {
        /// The neutral class.
        kind: RefusalKind,
        /// The network's own code.
        code: String,
        /// The network's message.
        message: String,
    },
    /// The client cannot be built or the request cannot be expressed on this network.
    #[error("client configuration: {0}")]
    Config(String),
}

impl ClientError {
    /// Whether the same request may have taken effect (retry it, or inquire).
    pub fn is_unknown(&self) -> bool {
        matches!(self, ClientError::Unknown(_))
    }

    /// The refusal's class, when it is one.
    pub fn refusal(&self) -> Option<RefusalKind> {
        match self {
            ClientError::Refused { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}

/// The error for a meaning that is not a payment state.
fn meaning_error(meaning: Meaning, code: &str, message: &str) -> ClientError {
    match meaning {
        Meaning::Refused(kind) => ClientError::Refused { kind, code: code.to_owned(), message: message.to_owned() },
        _ => ClientError::Unknown(format!("{code}: {message}")),
    }
}

/// A payment status for a pay answer's meaning, or the error it stands for.
fn pay_status(meaning: Meaning, code: &str, message: &str) -> Result<(PaymentStatus, Option<PayFailure>), ClientError> {
    match meaning {
        Meaning::Success => Ok((PaymentStatus::Success, None)),
        Meaning::Processing => Ok((PaymentStatus::Processing, None)),
        Meaning::Failed(f) => Ok((PaymentStatus::Failed, Some(f))),
        Meaning::Cancelled => Ok((PaymentStatus::Cancelled, None)),
        other => Err(meaning_error(other, code, message)),
    }
}
