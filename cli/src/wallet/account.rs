//! `koban wallet enrol`, `kyc` and `balance`: the wallet's holder, identity tier and limits.

use koban_core::wallet::{Enrolment, Identity, Wallet};

use super::explain;
use crate::args;

/// Enrols this device and creates its wallet.
pub(super) async fn enrol(w: &Wallet, handle: String, country: &str, name: Option<String>) -> Result<(), String> {
    let err = |e| explain(w, e);
    let country = args::country(country)?;
    let p = w
        .enrol(&Enrolment { display_name: name.unwrap_or_else(|| handle.clone()), handle, country })
        .await
        .map_err(err)?;
    println!("enrolled @{} ({}, {}), wallet {}", p.handle, p.country, p.currency.alpha(), p.wallet_id);
    Ok(())
}

/// Verifies the holder's identity, which remittances need.
pub(super) async fn verify_identity(
    w: &Wallet,
    legal_name: String,
    date_of_birth: String,
    document: String,
) -> Result<(), String> {
    let err = |e| explain(w, e);
    let b = w.verify_identity(&Identity { legal_name, date_of_birth, document_number: document }).await.map_err(err)?;
    println!("tier: {}; can remit: {}", b.tier, b.can_remit);
    Ok(())
}

/// Prints the balance, tier and limits the host keeps.
pub(super) async fn balance(w: &Wallet) -> Result<(), String> {
    let err = |e| explain(w, e);
    let b = w.balance().await.map_err(err)?;
    println!(
        "balance {} ({}); per transfer {}, this month {} of {}; remit: {}; till charges above {} ask you",
        b.available.format(),
        b.tier,
        b.per_transfer_limit.format(),
        b.used_this_month.format(),
        b.monthly_limit.format(),
        b.can_remit,
        b.no_confirm_limit.format()
    );
    Ok(())
}
