//! `koban wallet send` and `receive-code`: money between friends by handle or by a scanned
//! receive code (abroad, sent as a remittance), and the code that asks to be paid.

use koban_core::wallet::{RemitDestination, RemitRecipient, SendTo, Wallet};

use super::lines::{line, send_lines};
use super::repeat::{check_repeat, REPEAT_WINDOW_SECS};
use super::{amount, explain, home_currency};

/// The flags of `koban wallet send`.
#[derive(clap::Args)]
pub(super) struct SendArgs {
    /// Friend's handle, e.g. @ben.
    #[arg(long, conflicts_with = "code", required_unless_present = "code")]
    to: Option<String>,
    /// Friend's scanned receive code.
    #[arg(long)]
    code: Option<String>,
    /// Amount in home-currency units; a receive code that names its amount needs none (and
    /// takes no other).
    #[arg(long, allow_hyphen_values = true)]
    amount: Option<String>,
    /// Message for the friend (shown in both histories).
    #[arg(long)]
    message: Option<String>,
    /// For a friend abroad: family_support, education, medical, savings, gift, business.
    #[arg(long, default_value = "gift")]
    purpose: String,
    /// Send after showing the recipient. The same transfer made in the last 10 minutes is
    /// not sent again without --again.
    #[arg(long)]
    yes: bool,
    /// With --yes: send even though the same amount went to the same friend in the last 10 minutes.
    #[arg(long, requires = "yes")]
    again: bool,
}

/// Shows who gets the money (abroad: the remittance quote), and sends it with `--yes`.
pub(super) async fn send(w: &Wallet, flags: SendArgs) -> Result<(), String> {
    let err = |e| explain(w, e);
    let SendArgs { to, code, amount: a, message, purpose, yes, again } = flags;
    let cur = home_currency(w)?;
    let (to, a) = match (to, code) {
        (Some(h), _) => (SendTo::Handle(h), amount(&a.ok_or("give --amount: how much to send")?, cur)?),
        (None, Some(c)) => {
            // A code that names its amount is read in its currency, to be compared.
            let asked = koban_core::scheme::detect(&c).ok().and_then(|d| d.amount);
            let a = match (a, asked) {
                (Some(a), asked) => amount(&a, asked.map_or(cur, |m| m.currency()))?,
                (None, Some(asked)) => asked,
                (None, None) => return Err("give --amount: this receive code leaves the amount to you".into()),
            };
            (SendTo::ReceiveCode(c), a)
        }
        (None, None) => return Err("give --to or --code".into()),
    };
    let p = w.preview_send(&to, a).await.map_err(err)?;
    send_lines(&p).iter().for_each(|l| println!("{l}"));
    if !yes {
        println!("not sent: run again with --yes to confirm");
        return Ok(());
    }
    let previous = match &p.remittance {
        None => w.recent_identical_transfer(&to, a, REPEAT_WINDOW_SECS),
        Some(q) => {
            let recipient = RemitRecipient {
                name: p.display_name.clone(),
                destination: RemitDestination::Handle(p.handle.clone()),
                relationship: None,
            };
            w.recent_identical_remittance(q, &recipient, REPEAT_WINDOW_SECS)
        }
    };
    let what = if p.remittance.is_some() { "remittance" } else { "transfer" };
    check_repeat(previous.map_err(err)?, again, what, ("sent", "send"))?;
    println!("{}", line(&w.confirm_send(&p, message.as_deref(), Some(&purpose)).await.map_err(err)?));
    Ok(())
}

/// Prints my receive code, asking for `a` (home-currency units) and saying `note` when given.
pub(super) async fn receive_code(w: &Wallet, a: Option<String>, note: Option<String>) -> Result<(), String> {
    let err = |e| explain(w, e);
    let code = if a.is_none() && note.is_none() {
        w.receive_code().await
    } else {
        let a = a.map(|a| amount(&a, home_currency(w)?)).transpose()?;
        w.receive_code_for(a, note.as_deref()).await
    };
    println!("{}", code.map_err(err)?);
    Ok(())
}
