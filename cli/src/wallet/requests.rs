//! `koban wallet request`, `requests`, `pay-request`, `decline-request`, `split` and
//! `split-status`: asking friends for money, answering their asks, and a bill split into one
//! money request per friend.

use koban_core::wallet::{MoneyRequest, Split, SplitShares, Wallet};

use super::lines::line;
use super::{amount, explain, home_currency};
use crate::{args, when};

/// Asks the friend `from` for `a` (home-currency units).
pub(super) async fn request(w: &Wallet, from: &str, a: &str, note: &str) -> Result<(), String> {
    let err = |e| explain(w, e);
    let a = amount(a, home_currency(w)?)?;
    println!("{}", request_line(&w.request_money(from, a, note).await.map_err(err)?));
    Ok(())
}

/// Lists the money requests to me and from me.
pub(super) async fn list(w: &Wallet) -> Result<(), String> {
    let err = |e| explain(w, e);
    let all = w.money_requests().await.map_err(err)?;
    if all.is_empty() {
        println!("no money requests to you or from you");
    }
    all.iter().for_each(|r| println!("{}", request_line(r)));
    Ok(())
}

/// Shows a friend's money request, and pays it with `--yes`.
pub(super) async fn pay(w: &Wallet, request: &str, yes: bool) -> Result<(), String> {
    let err = |e| explain(w, e);
    let r = w.money_request(request).await.map_err(err)?;
    println!("{}", request_line(&r));
    if !r.incoming {
        return Err("not paid: this request is yours; the friend you asked pays it".into());
    }
    if !r.is_pending() {
        return Err(format!("not paid: the request is {}", r.status));
    }
    if !yes {
        println!("not paid: run again with --yes to confirm");
        return Ok(());
    }
    println!("{}", line(&w.pay_money_request(&r).await.map_err(err)?));
    Ok(())
}

/// Declines a friend's money request: nothing moves.
pub(super) async fn decline(w: &Wallet, request: &str) -> Result<(), String> {
    let err = |e| explain(w, e);
    let r = w.decline_money_request(request).await.map_err(err)?;
    println!("{}", request_line(&r));
    Ok(())
}

/// Splits a bill of `a` equally among `with`, or by the explicit `shares` (HANDLE=AMOUNT).
pub(super) async fn split(w: &Wallet, a: &str, with: Vec<String>, shares: &[String], note: &str) -> Result<(), String> {
    let err = |e| explain(w, e);
    let cur = home_currency(w)?;
    let total = amount(a, cur)?;
    let shares = if shares.is_empty() {
        SplitShares::Equal(with)
    } else {
        SplitShares::Explicit(shares.iter().map(|s| args::share(s, cur)).collect::<Result<_, _>>()?)
    };
    split_lines(&w.split_bill(total, &shares, note).await.map_err(err)?).iter().for_each(|l| println!("{l}"));
    Ok(())
}

/// Prints a split bill and who has paid.
pub(super) async fn split_status(w: &Wallet, split: &str) -> Result<(), String> {
    let err = |e| explain(w, e);
    split_lines(&w.split(split).await.map_err(err)?).iter().for_each(|l| println!("{l}"));
    Ok(())
}

/// One money request, as its id, who asks whom for what, and where it stands.
fn request_line(r: &MoneyRequest) -> String {
    let what = if r.note.is_empty() { String::new() } else { format!(" for \"{}\"", r.note) };
    let state = match r.status.as_str() {
        "pending" => format!("pending until {}", when::human(r.expires_at, when::now())),
        other => other.to_owned(),
    };
    if r.incoming {
        format!("{}  @{} asks you for {}{what}: {state}", r.id, r.requester.handle, r.amount.format())
    } else {
        format!("{}  you asked @{} for {}{what}: {state}", r.id, r.payer.handle, r.amount.format())
    }
}

/// A split bill: the bill, what is paid, and each friend's share and state.
fn split_lines(s: &Split) -> Vec<String> {
    let what = if s.note.is_empty() { String::new() } else { format!(" ({})", s.note) };
    let mut out = vec![format!(
        "split {}: {}{what} among {}; paid {}, outstanding {}",
        s.id,
        s.total.format(),
        s.shares.len(),
        s.paid.format(),
        s.outstanding().format()
    )];
    for r in &s.shares {
        out.push(format!("  @{:<16} {:>10}  {:<8} {}", r.payer.handle, r.amount.format(), r.status, r.id));
    }
    out
}
