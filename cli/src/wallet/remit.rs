//! `koban wallet quote` and `remit`: money abroad, to a wallet handle or a payout partner's
//! account, quoted first and sent only with `--yes`.

use koban_core::wallet::{QuoteAmount, RemitDestination, RemitRecipient, Wallet};

use super::lines::{line, remit_lines};
use super::repeat::{check_repeat, REPEAT_WINDOW_SECS};
use super::{amount, explain, home_currency};
use crate::args;

/// The flags of `koban wallet remit`.
#[derive(clap::Args)]
pub(super) struct RemitArgs {
    /// Destination country: PH, TH, VN, IN.
    #[arg(long)]
    country: String,
    /// Amount to send, home-currency units.
    #[arg(long, allow_hyphen_values = true)]
    amount: String,
    /// Recipient's full name.
    #[arg(long)]
    name: String,
    /// Recipient's wallet handle in that country.
    #[arg(long, conflicts_with = "account")]
    handle: Option<String>,
    /// Recipient's account at a payout partner.
    #[arg(long, requires = "provider")]
    account: Option<String>,
    /// Payout provider (a bank or mobile wallet).
    #[arg(long)]
    provider: Option<String>,
    /// Payout method: bank_account, mobile_wallet, cash_pickup.
    #[arg(long, default_value = "bank_account")]
    method: String,
    /// Purpose: family_support, education, medical, savings, gift, business.
    #[arg(long, default_value = "family_support")]
    purpose: String,
    /// Send after showing the quote. The same remittance (recipient, amount) made in the
    /// last 10 minutes is not sent again without --again.
    #[arg(long)]
    yes: bool,
    /// With --yes: send even though the same remittance was made in the last 10 minutes.
    #[arg(long, requires = "yes")]
    again: bool,
}

/// Prints the quote for sending `a` (home-currency units) to `country`.
pub(super) async fn quote(w: &Wallet, country: &str, a: &str) -> Result<(), String> {
    let err = |e| explain(w, e);
    let cur = home_currency(w)?;
    let country = args::country(country)?;
    let q = w.quote_remittance(&country, QuoteAmount::Send(amount(a, cur)?)).await.map_err(err)?;
    remit_lines(&q).iter().for_each(|l| println!("{l}"));
    Ok(())
}

/// Quotes a remittance, shows it, and sends it with `--yes`.
pub(super) async fn remit(w: &Wallet, flags: RemitArgs) -> Result<(), String> {
    let err = |e| explain(w, e);
    let RemitArgs { country, amount: a, name, handle, account, provider, method, purpose, yes, again } = flags;
    let cur = home_currency(w)?;
    let country = args::country(&country)?;
    let destination = match (handle, account) {
        (Some(h), _) => RemitDestination::Handle(h),
        (None, Some(account)) => RemitDestination::Payout { method, provider: provider.unwrap_or_default(), account },
        (None, None) => return Err("give --handle or --account with --provider".into()),
    };
    let q = w.quote_remittance(&country, QuoteAmount::Send(amount(&a, cur)?)).await.map_err(err)?;
    remit_lines(&q).iter().for_each(|l| println!("{l}"));
    if !yes {
        println!("not sent: run again with --yes to confirm");
        return Ok(());
    }
    let recipient = RemitRecipient { name, destination, relationship: None };
    let previous = w.recent_identical_remittance(&q, &recipient, REPEAT_WINDOW_SECS).map_err(err)?;
    check_repeat(previous, again, "remittance", ("sent", "send"))?;
    let t = w.remit(&q, &recipient, &purpose, None).await.map_err(err)?;
    println!("{}", line(&t));
    Ok(())
}
