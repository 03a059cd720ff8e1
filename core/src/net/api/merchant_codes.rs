//! Merchant codes the host reads at a partner network: an Alipay, WeChat Pay or UnionPay code
//! of a merchant in China names its merchant and currency only at its network.

use super::*;

/// `POST /v1/merchant-codes/decode`: a scanned code the host asks its network about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MerchantCodeRequest {
    /// The scanned code, exactly.
    pub payload: String,
}

/// A merchant code as its network decoded it: who is paid, in which currency, and an order
/// code's fixed amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MerchantCodeInfo {
    /// The network that serves the code: `alipay_plus`, `wechat_pay` or `unionpay`.
    pub network: String,
    /// The route (scheme id) that pays it: `alipay`, `wechatpay` or `unionpay`.
    pub route: String,
    /// The merchant: the host's id when it lists the code (else the network's), name, country.
    pub merchant: MerchantRef,
    /// Its city.
    pub city: String,
    /// The currency it is paid in (ISO 4217).
    pub currency: String,
    /// An order code's fixed amount; absent when the payer enters the amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
}
