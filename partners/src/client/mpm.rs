//! The partner wallet's client (Alipay+'s "MPP"): network-neutral `decode`, `pay`, `inquire`
//! and `cancel` of payments to the networks' merchants, each sent in the network's own shape.
//!
//! Exactly once, as on the acquiring side: keep the request id with the intent before sending;
//! on [`ClientError::Unknown`] send the same request again (or inquire), never a new id.

use serde::{Deserialize, Serialize};

use super::{AcquirerClient, CancelResult, ClientError};
use crate::model::{Amount, PayFailure, PaymentStatus};
use crate::network::Network;

/// A merchant's code as its network decoded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodedCode {
    /// The network.
    pub network: Network,
    /// The network's merchant id.
    pub merchant_id: String,
    /// Name.
    pub merchant_name: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// The currency the merchant is paid in.
    pub currency: String,
    /// An order code's fixed amount; `None`: the payer enters the amount.
    pub amount: Option<Amount>,
}

/// A payment to a merchant, network-neutral.
///
/// Request ids of 8 to 32 letters and digits suit every network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MppPayRequest {
    /// The partner wallet's idempotency key for this payment.
    pub request_id: String,
    /// The merchant's code, as scanned.
    pub code: String,
    /// What the merchant is paid, in its currency.
    pub amount: Amount,
    /// The currency the partner wallet settles in (JPY for the Koban host).
    pub settlement_currency: String,
}

/// A payment to a merchant as the network reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MppPaymentResult {
    /// The network asked.
    pub network: Network,
    /// The partner wallet's request id.
    pub request_id: String,
    /// The network's payment id, once it has one.
    pub payment_id: Option<String>,
    /// Where it stands.
    pub status: PaymentStatus,
    /// Why it failed, when the network said.
    pub failure: Option<PayFailure>,
    /// What the merchant is paid.
    pub amount: Option<Amount>,
    /// What the partner wallet owes the network, in its settlement currency.
    pub settlement: Option<Amount>,
    /// The network's rate, settlement currency per merchant's, ten decimals.
    pub rate: Option<String>,
    /// The network's merchant id.
    pub merchant_id: Option<String>,
    /// The merchant's name.
    pub merchant_name: Option<String>,
    /// When the merchant was paid, Unix seconds.
    pub paid_at: Option<i64>,
    /// The network's own result code.
    pub code: String,
    /// The network's message.
    pub message: String,
}

/// Calls the networks' merchant-presented APIs as one partner wallet. It signs with the same
/// key as the acquiring client (the networks know the Koban host by one client id). Cheap to
/// clone.
#[derive(Debug, Clone)]
pub struct MppClient {
    inner: AcquirerClient,
}

impl MppClient {
    /// A partner wallet's client over the same connection and key as `client`.
    pub fn new(client: AcquirerClient) -> Self {
        Self { inner: client }
    }

    pub(super) fn client(&self) -> &AcquirerClient {
        &self.inner
    }

    /// What a scanned merchant code is: the merchant, its currency, an order code's amount. A
    /// code the network does not know is refused ([`crate::error::RefusalKind::NotFound`]).
    pub async fn decode(&self, network: Network, code: &str) -> Result<DecodedCode, ClientError> {
        match network {
            Network::AlipayPlus => super::alipay_plus_mpm::decode(self, code).await,
            Network::WechatPay => super::wechat_pay_mpm::decode(self, code).await,
            Network::Unionpay => super::unionpay_mpm::decode(self, code).await,
        }
    }

    /// Pays a merchant. `Ok` carries the payment's state: success, failure (nothing paid),
    /// processing (inquire, or cancel) or cancelled. A repeat with the same request id and
    /// request never pays twice.
    pub async fn pay(&self, network: Network, request: &MppPayRequest) -> Result<MppPaymentResult, ClientError> {
        match network {
            Network::AlipayPlus => super::alipay_plus_mpm::pay(self, request).await,
            Network::WechatPay => super::wechat_pay_mpm::pay(self, request).await,
            Network::Unionpay => super::unionpay_mpm::pay(self, request).await,
        }
    }

    /// The payment's current state; each inquiry of a processing payment moves it on.
    pub async fn inquire(&self, network: Network, request_id: &str) -> Result<MppPaymentResult, ClientError> {
        match network {
            Network::AlipayPlus => super::alipay_plus_mpm::inquire(self, request_id).await,
            Network::WechatPay => super::wechat_pay_mpm::inquire(self, request_id).await,
            Network::Unionpay => super::unionpay_mpm::inquire(self, request_id).await,
        }
    }

    /// Cancels a payment (processing, or successful within the cancel window): the merchant's
    /// credit goes back, once. Cancelling a request id the network never saw claims it.
    pub async fn cancel(&self, network: Network, request_id: &str) -> Result<CancelResult, ClientError> {
        match network {
            Network::AlipayPlus => super::alipay_plus_mpm::cancel(self, request_id).await,
            Network::WechatPay => super::wechat_pay_mpm::cancel(self, request_id).await,
            Network::Unionpay => super::unionpay_mpm::cancel(self, request_id).await,
        }
    }
}

/// The refusal a decode answers for a code the network does not know.
pub(super) fn unknown_code(code: &str, message: &str) -> ClientError {
    ClientError::Refused {
        kind: crate::error::RefusalKind::NotFound,
        code: code.to_owned(),
        message: message.to_owned(),
    }
}
