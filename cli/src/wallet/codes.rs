//! `koban wallet code`, `charges`, `approve`, `decline` and `no-confirm-limit`: the code shown
//! at a till (made offline from single-use keys), and the till charges above the no-confirm
//! limit that wait for my approval.

use std::path::Path;

use koban_core::wallet::{ChargeRequest, Wallet};

use super::lines::line;
use super::{explain, home_currency};
use crate::{args, when};

/// Lists the till charges waiting for approval that this device knows of.
pub(super) fn charges(w: &Wallet) -> Result<(), String> {
    let err = |e| explain(w, e);
    let waiting = w.charge_requests().map_err(err)?;
    if waiting.is_empty() {
        println!("no till charge is waiting for your approval (run `sync` to ask the host)");
    }
    waiting.iter().for_each(|c| println!("{}", charge_line(c)));
    Ok(())
}

/// Approves a till charge waiting for me: it is captured once.
pub(super) async fn approve(w: &Wallet, charge: &str) -> Result<(), String> {
    let err = |e| explain(w, e);
    println!("{}", line(&w.approve_charge(charge).await.map_err(err)?));
    Ok(())
}

/// Declines a till charge waiting for me: nothing moves.
pub(super) async fn decline(w: &Wallet, charge: &str) -> Result<(), String> {
    let err = |e| explain(w, e);
    w.decline_charge(charge).await.map_err(err)?;
    println!("declined {charge}: nothing was paid");
    Ok(())
}

/// Sets the amount (home-currency units) above which till charges wait for approval.
pub(super) async fn set_no_confirm_limit(w: &Wallet, a: &str) -> Result<(), String> {
    let err = |e| explain(w, e);
    let cur = home_currency(w)?;
    // Zero is a limit here (ask for every charge), which amounts elsewhere may not be.
    let limit = args::amount_or_zero(a, cur)?;
    let b = w.set_no_confirm_limit(limit).await.map_err(err)?;
    println!("till charges above {} now wait for your approval", b.no_confirm_limit.format());
    Ok(())
}

/// Shows a code to pay at a till, drawn in the terminal or written to `png`; `online` when a
/// host was given, to top up the single-use keys first.
pub(super) async fn code(w: &Wallet, online: bool, png: Option<&Path>, numeric: bool) -> Result<(), String> {
    let err = |e| explain(w, e);
    // Top up the key supply while online; offline, codes keep coming until the keys run out.
    if !online {
        eprintln!("offline (no --host): using the keys on this device");
    } else if let Err(e) = w.replenish_codes().await {
        eprintln!("offline ({}); using the keys on this device", explain(w, e));
    }
    let code = if numeric { w.consumer_code_numeric() } else { w.consumer_code() }.map_err(err)?;
    match png {
        Some(path) => {
            write_png(&code.matrix, path)?;
            println!("wrote {}", path.display());
        }
        None => print!("{}", code.matrix.to_terminal()),
    }
    println!("{}", code.qr_text);
    if let Some(digits) = &code.numeric {
        println!("numeric {digits}");
    }
    // The code carries the host's time, which may differ from this machine's: show its
    // lifetime from now on this machine's clock.
    let made_at = code.expires_at.saturating_sub(koban_core::crypto::CODE_LIFETIME_SECS);
    let now = when::now();
    let local = |at: u64| now + (at as i64 - made_at as i64);
    println!(
        "valid until {}, show a fresh one from {}; {} codes left on this device",
        when::human(local(code.expires_at), now),
        when::human(local(code.refresh_at), now),
        code.codes_left
    );
    Ok(())
}

/// Draws the module matrix at 8 px per module with a 4-module quiet zone.
fn write_png(m: &koban_core::cpm::QrMatrix, path: &Path) -> Result<(), String> {
    const SCALE: u32 = 8;
    const QUIET: u32 = 4;
    let side = (m.size + 2 * QUIET) * SCALE;
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = ((x / SCALE).wrapping_sub(QUIET), (y / SCALE).wrapping_sub(QUIET));
        image::Luma([if m.is_dark(mx, my) { 0 } else { 255 }])
    });
    img.save(path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// One till charge waiting for approval.
pub(super) fn charge_line(c: &ChargeRequest) -> String {
    format!(
        "charge {}: {} at {} asks for your approval until {}",
        c.id,
        c.amount.format(),
        c.merchant_name,
        when::human(c.approve_by, when::now())
    )
}
