//! Sync: what happened at the host since last time (money received, till charges, charges
//! waiting for approval, revoked codes), read from the event feed and applied in one local
//! transaction per page; and the [`Listener`] that keeps syncing, with its back-off, for apps
//! that want to hear of money as it arrives.

use std::future::Future;
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::{
    events, lock, ChargeRequest, MoneyRequest, SyncReport, TransactionRecord, Wallet, WalletError, EVENTS_CURSOR,
};
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
            money_requests: applied.money_requests,
            balance,
        })
    }
}

/// What a [`Listener`] reports, in the order it happened.
#[derive(Debug)]
pub enum ListenEvent {
    /// Money arrived: a transfer or a merchant's refund (already in history).
    Incoming(TransactionRecord),
    /// A till charge waits for the shopper's approval (already stored).
    ChargeRequest(ChargeRequest),
    /// A friend asks for money, or a request this wallet made was paid or declined.
    MoneyRequest(MoneyRequest),
    /// A sync failed (offline, host down, …); the listener tries again after `retry_in`.
    SyncFailed {
        /// Why it failed.
        error: WalletError,
        /// How long the listener waits before the next sync.
        retry_in: Duration,
    },
}

/// How long a [`Listener`] waits after failed syncs: `first`, doubling up to `max`, and
/// `first` again after a sync that succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure.
    pub first: Duration,
    /// The longest wait.
    pub max: Duration,
}

impl Default for Backoff {
    /// 1 s doubling to 30 s: quick to recover from a blip, yet a phone offline for an hour
    /// asks the host only twice a minute.
    fn default() -> Backoff {
        Backoff { first: Duration::from_secs(1), max: Duration::from_secs(30) }
    }
}

impl Backoff {
    /// The wait after the failure that follows one waited out for `previous`.
    pub fn after(&self, previous: Duration) -> Duration {
        previous.saturating_mul(2).clamp(self.first, self.max.max(self.first))
    }
}

/// Keeps a wallet in sync for as long as it runs: long-polls [`Wallet::sync`] and reports what
/// arrives, backing off while the host cannot be reached.
#[derive(Debug)]
pub struct Listener {
    // Weak: a listener must not keep the wallet (and its database) open after its owner lets go.
    wallet: Weak<Wallet>,
    wait_secs: u64,
    backoff: Backoff,
}

impl Listener {
    /// A listener for `wallet` that long-polls the host `wait_secs` at a time, with the default back-off.
    pub fn new(wallet: &Arc<Wallet>, wait_secs: u64) -> Listener {
        Listener { wallet: Arc::downgrade(wallet), wait_secs, backoff: Backoff::default() }
    }

    /// The same listener with another back-off.
    pub fn with_backoff(self, backoff: Backoff) -> Listener {
        Listener { backoff, ..self }
    }

    /// Syncs until `stop` completes or the wallet is dropped, calling `on_event` for each transfer
    /// received, each charge waiting for approval and each failed sync. An abandoned long poll
    /// loses nothing: the feed's cursor only moves once events are stored.
    pub async fn run(self, stop: impl Future<Output = ()>, mut on_event: impl FnMut(ListenEvent)) {
        tokio::pin!(stop);
        let mut delay = self.backoff.first;
        loop {
            let Some(wallet) = self.wallet.upgrade() else { return };
            let outcome = tokio::select! {
                r = wallet.sync(self.wait_secs) => r,
                () = &mut stop => return,
            };
            // The app's handler runs with no lock held and without the wallet kept alive.
            drop(wallet);
            match outcome {
                Ok(report) => {
                    delay = self.backoff.first;
                    report.received.into_iter().for_each(|t| on_event(ListenEvent::Incoming(t)));
                    report.charge_requests.into_iter().for_each(|c| on_event(ListenEvent::ChargeRequest(c)));
                    report.money_requests.into_iter().for_each(|r| on_event(ListenEvent::MoneyRequest(r)));
                }
                Err(error) => {
                    on_event(ListenEvent::SyncFailed { error, retry_in: delay });
                    tokio::select! {
                        () = tokio::time::sleep(delay) => {}
                        () = &mut stop => return,
                    }
                    delay = self.backoff.after(delay);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_back_off_doubles_to_its_ceiling() {
        let b = Backoff::default();
        let waits: Vec<u64> =
            std::iter::successors(Some(b.first), |d| Some(b.after(*d))).take(7).map(|d| d.as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
        let odd = Backoff { first: Duration::from_millis(300), max: Duration::from_millis(100) };
        assert_eq!(odd.after(odd.first), odd.first, "a ceiling below the first wait keeps the first");
        assert_eq!(b.after(Duration::ZERO), b.first);
    }
}
