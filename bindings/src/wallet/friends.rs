//! Between friends: sends shown first, money requests, split bills, receive codes and the
//! recipients this wallet has paid.

use super::*;

/// Someone this wallet has sent money to.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Recipient {
    /// Their handle (without `@`).
    pub handle: String,
    /// Their display name.
    pub display_name: String,
    /// Their country.
    pub country: String,
    /// Last time money went to them.
    pub last_used_at: SystemTime,
}

impl From<store::Recipient> for Recipient {
    fn from(r: store::Recipient) -> Self {
        Recipient {
            handle: r.handle,
            display_name: r.display_name,
            country: r.country,
            last_used_at: time::at(r.last_used_at),
        }
    }
}

/// Whom to send money to at home.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SendTo {
    /// A wallet handle, with or without `@`.
    Handle { handle: String },
    /// A scanned receive code (see [`Wallet::receive_code`]).
    ReceiveCode { payload: String },
}

impl From<&SendTo> for core::SendTo {
    fn from(s: &SendTo) -> Self {
        match s {
            SendTo::Handle { handle } => core::SendTo::Handle(handle.clone()),
            SendTo::ReceiveCode { payload } => core::SendTo::ReceiveCode(payload.clone()),
        }
    }
}

/// A send shown before it happens: the recipient as the host knows them and, for a friend
/// whose wallet holds another currency, the remittance quote it becomes.
///
/// An object the app reads but cannot build or alter: [`Wallet::confirm_send`] sends exactly
/// what [`Wallet::preview_send`] showed.
#[derive(Debug, PartialEq, Eq, uniffi::Object)]
#[uniffi::export(Debug, Eq)]
pub struct SendPreview(pub(crate) core::SendPreview);

#[uniffi::export]
impl SendPreview {
    /// The recipient's handle, without `@`. (Not `handle()`: generated Swift objects keep
    /// their Rust pointer under that name.)
    pub fn recipient_handle(&self) -> String {
        self.0.handle.clone()
    }

    /// The recipient's display name.
    pub fn display_name(&self) -> String {
        self.0.display_name.clone()
    }

    /// The recipient's home country.
    pub fn country(&self) -> String {
        self.0.country.clone()
    }

    /// The currency the recipient's wallet holds.
    pub fn currency(&self) -> CurrencyCode {
        self.0.currency.into()
    }

    /// The amount given (a receive code's own when it names one).
    pub fn amount(&self) -> Money {
        self.0.amount.into()
    }

    /// Whether a receive code fixed the amount.
    pub fn amount_fixed(&self) -> bool {
        self.0.amount_fixed
    }

    /// What a receive code says the money is for.
    pub fn note(&self) -> Option<String> {
        self.0.note.clone()
    }

    /// For a friend abroad: the remittance quote (rate, fee, arrival) the send goes through.
    pub fn remittance(&self) -> Option<Arc<FxQuote>> {
        self.0.remittance.clone().map(|q| Arc::new(FxQuote(q)))
    }

    /// What leaves the wallet: the amount at home, the quote's total abroad.
    pub fn debit(&self) -> Money {
        self.0.debit().into()
    }
}

/// Someone at the other end of a money request.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Friend {
    /// Handle, without `@`.
    pub handle: String,
    /// Display name.
    pub display_name: String,
    /// Home country.
    pub country: String,
}

impl From<core::Friend> for Friend {
    fn from(f: core::Friend) -> Self {
        Friend { handle: f.handle, display_name: f.display_name, country: f.country }
    }
}

impl From<&Friend> for core::Friend {
    fn from(f: &Friend) -> Self {
        core::Friend { handle: f.handle.clone(), display_name: f.display_name.clone(), country: f.country.clone() }
    }
}

/// A money request: one wallet asks another for an amount, with a note.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MoneyRequest {
    /// The host's id.
    pub id: String,
    /// Whether this wallet is the one asked to pay (else it asked).
    pub incoming: bool,
    /// Who asks (and receives the money).
    pub requester: Friend,
    /// Who is asked to pay.
    pub payer: Friend,
    /// How much.
    pub amount: Money,
    /// What it is for (may be empty).
    pub note: String,
    /// Where it stands, by the host's clock.
    pub status: MoneyRequestStatus,
    /// Host time it was made.
    pub created_at: SystemTime,
    /// Host time after which it can no longer be paid.
    pub expires_at: SystemTime,
    /// Host time it was paid or declined.
    pub answered_at: Option<SystemTime>,
    /// The transfer that paid it.
    pub transaction_id: Option<String>,
    /// The split bill it is a share of.
    pub split_id: Option<String>,
}

impl From<core::MoneyRequest> for MoneyRequest {
    fn from(r: core::MoneyRequest) -> Self {
        MoneyRequest {
            id: r.id,
            incoming: r.incoming,
            requester: r.requester.into(),
            payer: r.payer.into(),
            amount: r.amount.into(),
            note: r.note,
            status: MoneyRequestStatus::from_host(&r.status),
            created_at: time::at(r.created_at),
            expires_at: time::at(r.expires_at),
            answered_at: r.answered_at.map(time::at),
            transaction_id: r.transaction_id,
            split_id: r.split_id,
        }
    }
}

impl TryFrom<&MoneyRequest> for core::MoneyRequest {
    type Error = WalletError;
    fn try_from(r: &MoneyRequest) -> Result<Self, WalletError> {
        Ok(core::MoneyRequest {
            id: r.id.clone(),
            incoming: r.incoming,
            requester: (&r.requester).into(),
            payer: (&r.payer).into(),
            amount: CoreMoney::from(&r.amount),
            note: r.note.clone(),
            status: r.status.host_name().to_owned(),
            created_at: time::secs(r.created_at),
            expires_at: time::secs(r.expires_at),
            answered_at: r.answered_at.map(time::secs),
            transaction_id: r.transaction_id.clone(),
            split_id: r.split_id.clone(),
        })
    }
}

/// Where a money request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum MoneyRequestStatus {
    /// Waiting for the friend to pay or decline.
    Pending,
    /// Paid, by the transfer in `transaction_id`.
    Paid,
    /// Declined; nothing moved.
    Declined,
    /// Lapsed unanswered; nothing moved.
    Expired,
    /// A state this library does not know yet (a newer host).
    Unknown,
}

impl MoneyRequestStatus {
    /// The host's spelling read; an unknown one is [`MoneyRequestStatus::Unknown`].
    pub(crate) fn from_host(s: &str) -> MoneyRequestStatus {
        match s {
            "pending" => MoneyRequestStatus::Pending,
            "paid" => MoneyRequestStatus::Paid,
            "declined" => MoneyRequestStatus::Declined,
            "expired" => MoneyRequestStatus::Expired,
            _ => MoneyRequestStatus::Unknown,
        }
    }

    /// The host's spelling.
    pub(crate) fn host_name(self) -> &'static str {
        match self {
            MoneyRequestStatus::Pending => "pending",
            MoneyRequestStatus::Paid => "paid",
            MoneyRequestStatus::Declined => "declined",
            MoneyRequestStatus::Expired => "expired",
            MoneyRequestStatus::Unknown => "unknown",
        }
    }
}

/// A bill split among friends, as its organiser sees it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Split {
    /// The host's id, for [`Wallet::split`].
    pub id: String,
    /// The bill.
    pub total: Money,
    /// What it was.
    pub note: String,
    /// The shares paid so far.
    pub paid: Money,
    /// What is still to be paid.
    pub outstanding: Money,
    /// One request per friend, in the order given: who has paid is each one's `status`.
    pub shares: Vec<MoneyRequest>,
    /// Host time it was made.
    pub created_at: SystemTime,
}

impl From<core::Split> for Split {
    fn from(s: core::Split) -> Self {
        Split {
            outstanding: s.outstanding().into(),
            id: s.id,
            total: s.total.into(),
            note: s.note,
            paid: s.paid.into(),
            shares: s.shares.into_iter().map(Into::into).collect(),
            created_at: time::at(s.created_at),
        }
    }
}

/// One friend's share of a bill.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SplitShare {
    /// The friend's handle, with or without `@`.
    pub handle: String,
    /// Their share.
    pub amount: Money,
}

/// How a bill is divided.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SplitShares {
    /// Equally among these handles in minor units, the remainder on the first share.
    Equal { handles: Vec<String> },
    /// These shares, which must add up to the bill.
    Explicit { shares: Vec<SplitShare> },
}

impl From<&SplitShares> for core::SplitShares {
    fn from(s: &SplitShares) -> Self {
        match s {
            SplitShares::Equal { handles } => core::SplitShares::Equal(handles.clone()),
            SplitShares::Explicit { shares } => core::SplitShares::Explicit(
                shares.iter().map(|x| (x.handle.clone(), CoreMoney::from(&x.amount))).collect(),
            ),
        }
    }
}

/// `total` in `people` equal shares of whole minor units, the remainder on the first (¥10,000
/// among 3: ¥3,334, ¥3,333, ¥3,333), to show before [`Wallet::split_bill`].
#[uniffi::export]
pub fn equal_shares(total: Money, people: i32) -> Result<Vec<Money>, WalletError> {
    let shares = core::equal_shares(CoreMoney::from(&total), usize::try_from(people).unwrap_or(0))
        .ok_or_else(|| WalletError::InvalidInput(format!("invalid input: cannot split among {people}")))?;
    Ok(shares.into_iter().map(Into::into).collect())
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// Sends money to another wallet at home, exactly once.
    #[uniffi::method(default(message = None))]
    pub async fn send(
        &self,
        to: SendTo,
        amount: Money,
        message: Option<String>,
    ) -> Result<WalletTransaction, WalletError> {
        let amount = CoreMoney::from(&amount);
        self.done(
            "send",
            self.off(move |core| async move { core.send(&(&to).into(), amount, message.as_deref()).await }).await,
        )
        .map(Into::into)
    }

    /// Shows a send before it happens: the recipient (name, country) as the host knows them
    /// and, for a friend whose wallet holds another currency, the remittance quote it becomes.
    /// A receive code that names its amount takes exactly that. Nothing moves.
    pub async fn preview_send(&self, to: SendTo, amount: Money) -> Result<Arc<SendPreview>, WalletError> {
        let amount = CoreMoney::from(&amount);
        self.done(
            "preview_send",
            self.off(move |core| async move { core.preview_send(&(&to).into(), amount).await }).await,
        )
        .map(|p| Arc::new(SendPreview(p)))
    }

    /// Sends what [`Wallet::preview_send`] showed, exactly once: a transfer at home, the quoted
    /// remittance abroad (`purpose` for it; a gift when none).
    #[uniffi::method(default(message = None, purpose = None))]
    pub async fn confirm_send(
        &self,
        preview: Arc<SendPreview>,
        message: Option<String>,
        purpose: Option<RemittancePurpose>,
    ) -> Result<WalletTransaction, WalletError> {
        let sent = self
            .off(move |core| async move {
                core.confirm_send(&preview.0, message.as_deref(), purpose.map(RemittancePurpose::host_name)).await
            })
            .await;
        self.done("confirm_send", sent).map(Into::into)
    }

    /// Asks the friend at `from` (a handle) for `amount`, exactly once; they pay or decline it
    /// within a week.
    #[uniffi::method(default(note = ""))]
    pub async fn request_money(&self, from: String, amount: Money, note: String) -> Result<MoneyRequest, WalletError> {
        let amount = CoreMoney::from(&amount);
        self.done(
            "request_money",
            self.off(move |core| async move { core.request_money(&from, amount, &note).await }).await,
        )
        .map(Into::into)
    }

    /// Money requests to and from this wallet, newest first, each in its state now.
    pub async fn money_requests(&self) -> Result<Vec<MoneyRequest>, WalletError> {
        self.done("money_requests", self.off(move |core| async move { core.money_requests().await }).await)
            .map(|v| v.into_iter().map(Into::into).collect())
    }

    /// One money request to or from this wallet.
    pub async fn money_request(&self, id: String) -> Result<MoneyRequest, WalletError> {
        self.done("money_request", self.off(move |core| async move { core.money_request(&id).await }).await)
            .map(Into::into)
    }

    /// Pays a request this wallet was asked, exactly its amount, exactly once: a transfer to the
    /// requester linked to the request.
    pub async fn pay_money_request(&self, request: MoneyRequest) -> Result<WalletTransaction, WalletError> {
        let r = core::MoneyRequest::try_from(&request)?;
        self.done("pay_money_request", self.off(move |core| async move { core.pay_money_request(&r).await }).await)
            .map(Into::into)
    }

    /// Declines a request this wallet was asked: nothing moves, the requester hears it.
    pub async fn decline_money_request(&self, id: String) -> Result<MoneyRequest, WalletError> {
        self.done(
            "decline_money_request",
            self.off(move |core| async move { core.decline_money_request(&id).await }).await,
        )
        .map(Into::into)
    }

    /// Splits a bill into one money request per friend, exactly once.
    #[uniffi::method(default(note = ""))]
    pub async fn split_bill(&self, total: Money, shares: SplitShares, note: String) -> Result<Split, WalletError> {
        let (total, shares) = (CoreMoney::from(&total), core::SplitShares::from(&shares));
        self.done("split_bill", self.off(move |core| async move { core.split_bill(total, &shares, &note).await }).await)
            .map(Into::into)
    }

    /// A split this wallet organised, with who has paid.
    pub async fn split(&self, id: String) -> Result<Split, WalletError> {
        self.done("split", self.off(move |core| async move { core.split(&id).await }).await).map(Into::into)
    }

    /// This wallet's receive code asking for exactly `amount` (the payer cannot change it),
    /// with a note of up to 25 characters.
    #[uniffi::method(default(note = None))]
    pub async fn receive_code_for(&self, amount: Option<Money>, note: Option<String>) -> Result<String, WalletError> {
        let amount = amount.as_ref().map(CoreMoney::from);
        self.done(
            "receive_code_for",
            self.off(move |core| async move { core.receive_code_for(amount, note.as_deref()).await }).await,
        )
    }

    /// This wallet's receive code: an EMV person-to-person code a friend scans to pay.
    pub async fn receive_code(&self) -> Result<String, WalletError> {
        self.done("receive_code", self.off(move |core| async move { core.receive_code().await }).await)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// People this wallet has sent to, most recent first (local).
    pub async fn recipients(&self) -> Result<Vec<Recipient>, WalletError> {
        Ok(self.off(move |core| async move { core.recipients() }).await?.into_iter().map(Into::into).collect())
    }
}
