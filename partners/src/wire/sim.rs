//! The simulator's own endpoints: users' phones (`/wallet/v1`) and the operator (`/admin`).

use serde::{Deserialize, Serialize};

use crate::model::{Amount, PayFailure, PaymentStatus};
use crate::network::{CodeForm, Network};

/// A network user, as the user's wallet app shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// User id.
    pub id: String,
    /// Wallet id (`alipay_cn`, `wechat_cn`, …).
    pub wallet: String,
    /// Wallet brand.
    pub wallet_name: String,
    /// The network that acquires the wallet's codes.
    pub network: Network,
    /// Display name.
    pub name: String,
    /// Current balance in the wallet's currency.
    pub balance: Amount,
}

/// `POST /wallet/v1/users/{id}/codes`: which form of code to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueCodeRequest {
    /// `numeric` or `emv_cpm`; the wallet's usual form when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<CodeForm>,
}

/// A payment code a user's phone shows the cashier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCode {
    /// The code's text: digits, or the base64 EMV payload.
    pub code: String,
    /// Whose code it is.
    pub user_id: String,
    /// The network that acquires it.
    pub network: Network,
    /// The wallet that issued it.
    pub wallet: String,
    /// Its form.
    pub form: CodeForm,
    /// Unix seconds, by the network's clock.
    pub issued_at: i64,
    /// Unix seconds after which it is refused.
    pub expires_at: i64,
}

/// One line of a user's history: a payment, or a refund of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    /// `payment` or `refund`.
    pub kind: String,
    /// The payment's or the refund's id.
    pub id: String,
    /// The payment (for a refund: the payment it returns money from).
    pub payment_id: String,
    /// The network.
    pub network: Network,
    /// The payment's status (for a refund: its payment's).
    pub status: PaymentStatus,
    /// Why a failed payment failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<PayFailure>,
    /// Merchant as the acquirer named it.
    pub merchant_name: String,
    /// Order description.
    pub description: String,
    /// In the merchant's currency (JPY): paid, or refunded.
    pub amount: Amount,
    /// In the user's currency: taken, or given back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_amount: Option<Amount>,
    /// The network's rate, user's currency per merchant's, ten decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
    /// For a payment: refunded so far, in the merchant's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refunded: Option<Amount>,
    /// Unix seconds.
    pub created_at: i64,
}

/// `GET /wallet/v1/users/{id}/history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// The user and their balance now.
    pub user: User,
    /// Newest first.
    pub items: Vec<HistoryItem>,
}

/// `POST /admin/users`: a user made for a test or a load run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// User id, `[A-Za-z0-9_-]{1,64}`.
    pub id: String,
    /// Wallet id.
    pub wallet: String,
    /// Display name.
    pub name: String,
    /// Opening balance in minor units of the wallet's currency.
    pub balance: i64,
}

/// `POST /admin/clock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvanceClock {
    /// Seconds to move the network's clock forward.
    pub advance_secs: i64,
}

/// The network's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockNow {
    /// Unix seconds.
    pub now: i64,
}

/// An error from the simulator's own endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimError {
    /// The error.
    pub error: SimErrorBody,
}

/// Kind and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimErrorBody {
    /// Stable kind (`bad_request`, `not_found`, `admin_disabled`, …).
    pub kind: String,
    /// Human-readable.
    pub message: String,
}

/// A merchant of a network, as its own app shows it: `GET /merchant/v1/merchants` (every
/// merchant, no payments) and `GET /merchant/v1/merchants/{key}` (with its payments).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantView {
    /// The simulator's key (`noodles_alipay`, …).
    pub key: String,
    /// The network that serves it.
    pub network: Network,
    /// The network's merchant id.
    pub id: String,
    /// Name.
    pub name: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// The code it shows.
    pub code: String,
    /// An order code's fixed amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// Its takings, in its currency.
    pub balance: Amount,
    /// Payments to it, newest first (one merchant only).
    #[serde(default)]
    pub payments: Vec<MerchantPayment>,
}

/// A payment to a merchant by a partner wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantPayment {
    /// The network's payment id.
    pub id: String,
    /// The partner wallet that paid.
    pub mpp_id: String,
    /// Its request id.
    pub request_id: String,
    /// Where it stands.
    pub status: PaymentStatus,
    /// Paid to the merchant.
    pub amount: Amount,
    /// Owed by the partner wallet, in its settlement currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement: Option<Amount>,
    /// Settlement currency per merchant's, ten decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
}
