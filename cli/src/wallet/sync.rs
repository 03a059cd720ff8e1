//! `koban wallet sync`: bring in money others sent, till charges of my codes, charges waiting
//! for my approval and codes the host revoked, and the balance after them.

use koban_core::wallet::Wallet;

use super::codes::charge_line;
use super::explain;
use super::lines::line;

/// Asks the host what arrived, waiting up to `wait` seconds for something to.
pub(super) async fn sync(w: &Wallet, wait: u64) -> Result<(), String> {
    let err = |e| explain(w, e);
    let r = w.sync(wait).await.map_err(err)?;
    r.received.iter().chain(&r.charged).for_each(|t| println!("{}", line(t)));
    r.charge_requests.iter().for_each(|c| println!("{}", charge_line(c)));
    if r.codes_revoked > 0 {
        println!("{} codes were revoked by the host (a wrong code was presented too often)", r.codes_revoked);
    }
    if let Some(b) = r.balance {
        println!("balance {}", b.format());
    }
    Ok(())
}
