//! `koban wallet banks`, `link-bank`, `top-up`, `withdraw` and `unlink-bank`: the bank
//! accounts linked to the wallet and the money moved between them and it.

use koban_core::money::Money;
use koban_core::wallet::{BankAccount, Wallet};

use super::lines::line;
use super::{amount, explain, home_currency};
use crate::args;

/// Lists the banks of the wallet's home country and the linked accounts.
pub(super) async fn banks(w: &Wallet) -> Result<(), String> {
    let err = |e| explain(w, e);
    for b in w.banks().await.map_err(err)? {
        println!("{:<20} {} ({})", b.id, b.name, b.currency);
    }
    let links = w.bank_links().map_err(err)?;
    if links.is_empty() {
        println!("no bank linked");
    }
    for l in links {
        println!("linked: {} ****{} as {}", l.bank_name, l.last4, l.id);
    }
    Ok(())
}

/// Links a bank account: `bank` by default the first of the home country, `opening` the
/// sandbox's simulated balance.
pub(super) async fn link(
    w: &Wallet,
    bank: Option<String>,
    account: String,
    holder: String,
    opening: Option<String>,
) -> Result<(), String> {
    let err = |e| explain(w, e);
    let cur = home_currency(w)?;
    let opening = opening.map(|o| args::amount_or_zero(&o, cur)).transpose()?;
    let bank = match bank {
        Some(b) => b,
        None => w
            .banks()
            .await
            .map_err(err)?
            .first()
            .map(|b| b.id.clone())
            .ok_or("the host has no bank in this wallet's country")?,
    };
    let l = w
        .link_bank(&BankAccount {
            bank_id: bank,
            account_number: account,
            holder_name: holder,
            sandbox_opening_balance: opening,
        })
        .await
        .map_err(err)?;
    println!("linked {} ****{} as {}", l.bank_name, l.last4, l.id);
    Ok(())
}

/// Moves money from a linked bank into the wallet.
pub(super) async fn top_up(w: &Wallet, a: &str, bank_link: Option<String>) -> Result<(), String> {
    let err = |e| explain(w, e);
    let cur = home_currency(w)?;
    let a = amount(a, cur)?;
    let link = link_or_first(w, bank_link)?;
    let t = w.top_up(&link, a).await.map_err(err)?;
    println!("{}", line(&t));
    Ok(())
}

/// Moves money to a linked bank, and says the fee that came on top.
pub(super) async fn withdraw(w: &Wallet, a: &str, bank_link: Option<String>) -> Result<(), String> {
    let err = |e| explain(w, e);
    let cur = home_currency(w)?;
    let a = amount(a, cur)?;
    let link = link_or_first(w, bank_link)?;
    let t = w.withdraw(&link, a).await.map_err(err)?;
    let fee = t.details["host"]["fee"]["minor"].as_i64().map(|f| Money::from_minor(f, cur));
    println!("{}", line(&t));
    if let Some(fee) = fee {
        println!("{} to the bank, fee {}", a.format(), fee.format());
    }
    Ok(())
}

/// Ends a bank link; its history stays.
pub(super) async fn unlink(w: &Wallet, bank_link: &str) -> Result<(), String> {
    let err = |e| explain(w, e);
    w.unlink_bank(bank_link).await.map_err(err)?;
    println!("unlinked {bank_link}");
    Ok(())
}

/// The bank link given, or else the first one linked.
fn link_or_first(w: &Wallet, bank_link: Option<String>) -> Result<String, String> {
    let err = |e| explain(w, e);
    Ok(match bank_link {
        Some(l) => l,
        None => w
            .bank_links()
            .map_err(err)?
            .first()
            .map(|l| l.id.clone())
            .ok_or("no bank linked: run `koban wallet link-bank`")?,
    })
}
