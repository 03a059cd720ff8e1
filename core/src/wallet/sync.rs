//! Sync: what happened at the host since last time (money received, till charges, charges
//! waiting for approval, revoked codes), read from the event feed and applied in one local
//! transaction per page.

use super::{events, lock, SyncReport, Wallet, WalletError, EVENTS_CURSOR};
use crate::net::api;
use crate::store;

impl Wallet {
    /// Brings in what happened at the host since the last sync: transfers others sent, till
    /// charges of this wallet's codes, charges waiting for approval, revoked codes (long-polling up to `wait_secs`,
    /// capped below the request timeout), then refreshes the balance.
    pub async fn sync(&self, wait_secs: u64) -> Result<SyncReport, WalletError> {
        self.enrolled()?;
        let mut after = store::sync_value(lock(&self.store).conn(), EVENTS_CURSOR)?.unwrap_or(0);
        let mut applied = events::Applied::default();
        // A long poll must end before the request timeout, or it would read as a failure.
        let mut wait = wait_secs.min(self.timeout.as_secs().saturating_sub(2));
        loop {
            let page: api::Events = self.get(&format!("/v1/events?after={after}&wait={wait}")).await?;
            let (events, last) = (page.events, page.last_seq);
            let heard = events.iter().map(events::read).collect::<Result<Vec<_>, _>>()?;
            lock(&self.store).write(|tx, _| {
                events::apply(tx, heard, &mut applied)?;
                store::put_sync_value(tx, EVENTS_CURSOR, last)?;
                Ok::<_, WalletError>(())
            })?;
            // The host pages events by 100: keep reading without waiting until caught up.
            if events.len() < 100 || last == after {
                break;
            }
            after = last;
            wait = 0;
        }
        let balance = self.balance().await.ok().map(|b| b.available);
        Ok(SyncReport {
            received: applied.received,
            charged: applied.charged,
            charge_requests: applied.charge_requests,
            codes_revoked: applied.keys_dropped as u32,
            balance,
        })
    }
}
