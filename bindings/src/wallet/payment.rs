//! Paying merchants: a scanned code read at its network, quoted (with FX abroad) and confirmed
//! exactly once; the quote crosses as an object the app cannot alter.

use super::*;

fn core_reference_kind(k: ReferenceKind) -> scheme::ReferenceKind {
    use scheme::ReferenceKind as K;
    match k {
        ReferenceKind::BillNumber => K::BillNumber,
        ReferenceKind::MobileNumber => K::MobileNumber,
        ReferenceKind::StoreLabel => K::StoreLabel,
        ReferenceKind::LoyaltyNumber => K::LoyaltyNumber,
        ReferenceKind::ReferenceLabel => K::ReferenceLabel,
        ReferenceKind::CustomerLabel => K::CustomerLabel,
        ReferenceKind::TerminalLabel => K::TerminalLabel,
        ReferenceKind::Purpose => K::Purpose,
        ReferenceKind::ConsumerDataRequest => K::ConsumerDataRequest,
        ReferenceKind::Note => K::Note,
    }
}

/// A merchant code as its network decoded it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MerchantCodeInfo {
    /// The network that serves it: `alipay_plus`, `wechat_pay` or `unionpay`.
    pub network: String,
    /// The route that pays it: `alipay`, `wechatpay` or `unionpay`.
    pub route: String,
    /// The merchant's id.
    pub merchant_id: String,
    /// The merchant's name.
    pub merchant_name: String,
    /// Its city.
    pub city: String,
    /// Its country.
    pub country: String,
    /// The currency it is paid in.
    pub currency: CurrencyCode,
    /// An order code's fixed amount; none when the payer types it.
    pub amount: Option<Money>,
}

/// A reference value the payer typed, for a code that asks for it (`***`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentReference {
    /// Which reference.
    pub kind: ReferenceKind,
    /// Its value.
    pub value: String,
}

/// What the app supplies to pay a scanned merchant code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentRequest {
    /// The scanned payload, as scanned.
    pub payload: String,
    /// Scheme id of the route to pay (from detection); `None` takes the code's first payable route.
    #[uniffi(default = None)]
    pub route: Option<String>,
    /// The amount the payer typed, for codes without one.
    #[uniffi(default = None)]
    pub amount: Option<Money>,
    /// The tip the payer chose, for codes that prompt for one.
    #[uniffi(default = None)]
    pub tip: Option<Money>,
    /// Values for the references the code asks the payer for.
    #[uniffi(default = [])]
    pub references: Vec<PaymentReference>,
}

impl TryFrom<&PaymentRequest> for core::PaymentRequest {
    type Error = WalletError;
    fn try_from(r: &PaymentRequest) -> Result<Self, WalletError> {
        Ok(core::PaymentRequest {
            payload: r.payload.clone(),
            route: r.route.clone(),
            amount: r.amount.as_ref().map(CoreMoney::from),
            tip: r.tip.as_ref().map(CoreMoney::from),
            references: r.references.iter().map(|x| (core_reference_kind(x.kind), x.value.clone())).collect(),
        })
    }
}

/// A merchant payment ready to confirm: everything the payer must see first.
///
/// An object the app can read but not build or alter, so [`Wallet::confirm_payment`] pays
/// exactly what [`Wallet::quote_payment`] priced and the payer saw.
#[derive(Debug, PartialEq, Eq, uniffi::Object)]
#[uniffi::export(Debug, Eq)]
pub struct PaymentQuote(pub(crate) core::PaymentQuote);

#[uniffi::export]
impl PaymentQuote {
    /// Route (scheme id).
    pub fn route(&self) -> String {
        self.0.route.clone()
    }

    /// Merchant name from the code.
    pub fn merchant_name(&self) -> Option<String> {
        self.0.merchant_name.clone()
    }

    /// Merchant country from the code.
    pub fn merchant_country(&self) -> Option<String> {
        self.0.merchant_country.clone()
    }

    /// The amount, merchant currency.
    pub fn amount(&self) -> Money {
        self.0.amount.into()
    }

    /// Tip or convenience fee, merchant currency.
    pub fn tip(&self) -> Money {
        self.0.tip.into()
    }

    /// Amount plus tip, merchant currency.
    pub fn total(&self) -> Money {
        self.0.total.into()
    }

    /// For a foreign merchant: the FX quote.
    pub fn fx(&self) -> Option<Arc<FxQuote>> {
        self.0.fx.clone().map(|q| Arc::new(FxQuote(q)))
    }

    /// What leaves the wallet, home currency (FX fee included).
    pub fn debit(&self) -> Money {
        self.0.debit.into()
    }

    /// Fee, home currency.
    pub fn fee(&self) -> Money {
        self.0.fee.into()
    }

    /// References sent with the payment.
    pub fn references(&self) -> Vec<PaymentReference> {
        self.0
            .references
            .iter()
            .map(|(kind, value)| PaymentReference { kind: (*kind).into(), value: value.clone() })
            .collect()
    }

    /// Whether the code prompts for a tip (so the tip is sent as the payer's choice).
    pub fn tip_prompted(&self) -> bool {
        self.0.tip_prompted
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// Reads a merchant code in China (Alipay, WeChat Pay, UnionPay) at its network, through
    /// the host: who is paid, in which currency, and an order code's fixed amount — what to
    /// show before the payer types an amount (the Alipay and WeChat Pay codes name no currency).
    pub async fn merchant_code_info(&self, payload: String) -> Result<MerchantCodeInfo, WalletError> {
        let info = self.off(move |core| async move { core.merchant_code_info(&payload).await }).await;
        let info = self.done("merchant_code_info", info)?;
        let amount = match &info.amount {
            Some(a) => Some(
                a.money()
                    .ok_or_else(|| WalletError::Internal(format!("an amount in an unknown currency {}", a.currency)))?
                    .into(),
            ),
            None => None,
        };
        let currency = CurrencyCode::parse(&info.currency)
            .ok_or_else(|| WalletError::Internal(format!("a merchant in an unknown currency {}", info.currency)))?;
        Ok(MerchantCodeInfo {
            network: info.network,
            route: info.route,
            merchant_id: info.merchant.id,
            merchant_name: info.merchant.name,
            city: info.city,
            country: info.merchant.country,
            currency,
            amount,
        })
    }

    /// Reads a scanned merchant code and prices it (with an FX quote abroad), to show before paying.
    pub async fn quote_payment(&self, request: PaymentRequest) -> Result<Arc<PaymentQuote>, WalletError> {
        let r = core::PaymentRequest::try_from(&request)?;
        self.done("quote_payment", self.off(move |core| async move { core.quote_payment(&r).await }).await)
            .map(|q| Arc::new(PaymentQuote(q)))
    }

    /// Pays a quote from [`Wallet::quote_payment`], exactly once.
    pub async fn confirm_payment(&self, quote: Arc<PaymentQuote>) -> Result<WalletTransaction, WalletError> {
        self.done("confirm_payment", self.off(move |core| async move { core.confirm_payment(&quote.0).await }).await)
            .map(Into::into)
    }
}
