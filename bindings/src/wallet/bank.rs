//! Linked banks: the host's banks, linking an account, top-up, withdrawal and unlinking.

use super::*;

/// A bank the host can link.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Bank {
    /// Bank id, for [`BankAccount::bank_id`].
    pub id: String,
    /// Display name.
    pub name: String,
    /// Currency of its accounts.
    pub currency: CurrencyCode,
}

impl TryFrom<core::Bank> for Bank {
    type Error = WalletError;
    fn try_from(b: core::Bank) -> Result<Self, WalletError> {
        let currency = CurrencyCode::parse(&b.currency)
            .ok_or_else(|| WalletError::Internal(format!("bank {} in an unknown currency {}", b.id, b.currency)))?;
        Ok(Bank { id: b.id, name: b.name, currency })
    }
}

/// A linked bank account; only its last four digits are kept.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BankLink {
    /// Link id, for [`Wallet::top_up`].
    pub id: String,
    /// Bank id.
    pub bank_id: String,
    /// Bank name.
    pub bank_name: String,
    /// Last four digits of the account number.
    pub last4: String,
    /// Holder name as the bank has it.
    pub holder_name: String,
    /// When it was linked.
    pub created_at: SystemTime,
}

impl From<store::BankLink> for BankLink {
    fn from(b: store::BankLink) -> Self {
        BankLink {
            id: b.id,
            bank_id: b.bank_id,
            bank_name: b.bank_name,
            last4: b.last4,
            holder_name: b.holder_name,
            created_at: time::at(b.created_at),
        }
    }
}

/// What a withdrawal will cost, shown before it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WithdrawalPreview {
    /// What arrives at the bank.
    pub amount: Money,
    /// The fee, on top.
    pub fee: Money,
    /// What leaves the wallet.
    pub total: Money,
    /// The most one withdrawal may take out.
    pub max: Money,
}

impl From<core::WithdrawalPreview> for WithdrawalPreview {
    fn from(p: core::WithdrawalPreview) -> Self {
        WithdrawalPreview { amount: p.amount.into(), fee: p.fee.into(), total: p.total.into(), max: p.max.into() }
    }
}

/// A bank account to link. Prints without its number in Kotlin and Swift too.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct BankAccount {
    /// Bank id from [`Wallet::banks`].
    pub bank_id: String,
    /// Account number; only the last four digits are kept on the device.
    pub account_number: String,
    /// Holder name as the bank has it.
    pub holder_name: String,
    /// Sandbox only: what the simulated account opens with.
    #[uniffi(default = None)]
    pub sandbox_opening_balance: Option<Money>,
}

impl std::fmt::Debug for BankAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BankAccount").field("bank_id", &self.bank_id).finish_non_exhaustive()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// The banks the host can link.
    pub async fn banks(&self) -> Result<Vec<Bank>, WalletError> {
        self.done("banks", self.off(move |core| async move { core.banks().await }).await)?
            .into_iter()
            .map(Bank::try_from)
            .collect()
    }

    /// Links a bank account; only its last four digits stay on the device.
    pub async fn link_bank(&self, account: BankAccount) -> Result<BankLink, WalletError> {
        let a = core::BankAccount {
            bank_id: account.bank_id,
            account_number: account.account_number,
            holder_name: account.holder_name,
            sandbox_opening_balance: account.sandbox_opening_balance.as_ref().map(CoreMoney::from),
        };
        self.done("link_bank", self.off(move |core| async move { core.link_bank(&a).await }).await).map(Into::into)
    }

    /// Moves `amount` from a linked bank account into the wallet.
    pub async fn top_up(&self, bank_link_id: String, amount: Money) -> Result<WalletTransaction, WalletError> {
        let amount = CoreMoney::from(&amount);
        self.done("top_up", self.off(move |core| async move { core.top_up(&bank_link_id, amount).await }).await)
            .map(Into::into)
    }

    /// Moves `amount` to a linked bank account, exactly once; the withdrawal fee comes on top
    /// (the history item's amount is the total that left the wallet).
    pub async fn withdraw(&self, bank_link_id: String, amount: Money) -> Result<WalletTransaction, WalletError> {
        let amount = CoreMoney::from(&amount);
        self.done("withdraw", self.off(move |core| async move { core.withdraw(&bank_link_id, amount).await }).await)
            .map(Into::into)
    }

    /// What withdrawing `amount` costs, before it is confirmed: the fee by the host's
    /// published rule and the total that leaves the wallet (more than one withdrawal may take
    /// is refused).
    pub async fn preview_withdrawal(&self, amount: Money) -> Result<WithdrawalPreview, WalletError> {
        let amount = CoreMoney::from(&amount);
        self.done(
            "preview_withdrawal",
            self.off(move |core| async move { core.preview_withdrawal(amount).await }).await,
        )
        .map(Into::into)
    }

    /// Ends a bank link: no more top-ups or withdrawals through it; its history stays.
    pub async fn unlink_bank(&self, bank_link_id: String) -> Result<(), WalletError> {
        self.done("unlink_bank", self.off(move |core| async move { core.unlink_bank(&bank_link_id).await }).await)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// Linked bank accounts (local).
    pub async fn bank_links(&self) -> Result<Vec<BankLink>, WalletError> {
        Ok(self.off(move |core| async move { core.bank_links() }).await?.into_iter().map(Into::into).collect())
    }
}
