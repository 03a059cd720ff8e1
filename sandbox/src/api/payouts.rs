//! Remittances paid out by a partner network end after they were sent: delivered (with a
//! reference for a cash pickup), or failed, when the money goes back to the sender, fee
//! included. The sandbox partner answers at the estimated delivery time by the host's clock
//! and rejects an account number of all zeros, so both endings can be seen on purpose.
//!
//! Payouts advance when their wallet reads its event feed: the feed is where the wallet
//! learns of them, so it is always up to date when read, and nothing runs in the background.

use koban_core::net::api::{self, EventData};
use rusqlite::{params, Transaction};
use serde::Serialize;

use super::common::{amount, emit};
use crate::error::ApiError;
use crate::journal_meta;
use crate::ledger::{self, Leg};
use crate::seed;

/// A remittance handed to a partner, to be followed.
pub(super) struct Payout<'a> {
    pub journal_id: &'a str,
    pub wallet_id: &'a str,
    pub method: &'a str,
    pub account: &'a str,
    pub estimated_delivery_at: i64,
    pub send: i64,
    pub fee: i64,
    pub home_currency: &'a str,
    pub receive: i64,
    pub receive_currency: &'a str,
}

/// Records a payout with its remittance.
pub(super) fn record(tx: &Transaction<'_>, p: &Payout<'_>) -> Result<(), ApiError> {
    let will_fail = !p.account.is_empty() && p.account.bytes().all(|b| b == b'0');
    tx.execute(
        "INSERT INTO payouts (journal_id, wallet_id, method, will_fail, due_at, estimated_delivery_at, send, fee,
             home_currency, receive, receive_currency, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9, ?10, 'sent')",
        params![
            p.journal_id,
            p.wallet_id,
            p.method,
            will_fail,
            p.estimated_delivery_at,
            p.send,
            p.fee,
            p.home_currency,
            p.receive,
            p.receive_currency
        ],
    )?;
    Ok(())
}

/// What the return journal records.
#[derive(Serialize)]
struct ReturnMeta<'a> {
    original_transaction_id: &'a str,
    reason: &'a str,
    description: String,
}

/// A due payout.
struct Due {
    journal_id: String,
    method: String,
    will_fail: bool,
    eta: i64,
    send: i64,
    fee: i64,
    home: String,
    receive: i64,
    receive_currency: String,
}

/// Moves this wallet's due payouts on, each once, emitting their status events.
pub(super) fn advance(tx: &Transaction<'_>, wallet_id: &str, now: i64) -> Result<usize, ApiError> {
    let due: Vec<Due> = {
        let mut stmt = tx.prepare(
            "SELECT journal_id, method, will_fail, estimated_delivery_at, send, fee, home_currency, receive,
                    receive_currency
             FROM payouts WHERE wallet_id = ?1 AND status = 'sent' AND due_at <= ?2 ORDER BY due_at, journal_id",
        )?;
        let rows = stmt.query_map(params![wallet_id, now], |r| {
            Ok(Due {
                journal_id: r.get(0)?,
                method: r.get(1)?,
                will_fail: r.get(2)?,
                eta: r.get(3)?,
                send: r.get(4)?,
                fee: r.get(5)?,
                home: r.get(6)?,
                receive: r.get(7)?,
                receive_currency: r.get(8)?,
            })
        })?;
        rows.collect::<Result<_, _>>()?
    };
    for d in &due {
        let status = if d.will_fail { fail(tx, wallet_id, d, now)? } else { deliver(tx, d, now)? };
        emit(tx, wallet_id, EventData::RemittanceStatus(status), now)?;
    }
    Ok(due.len())
}

fn deliver(tx: &Transaction<'_>, d: &Due, now: i64) -> Result<api::RemittanceStatus, ApiError> {
    // A cash pickup's reference: derived from the remittance, so it is the same on every read.
    let reference = (d.method == "cash_pickup").then(|| {
        let digest = ring::digest::digest(&ring::digest::SHA256, d.journal_id.as_bytes());
        let n = u64::from_be_bytes(digest.as_ref()[..8].try_into().unwrap_or_default()) % 10_000_000_000;
        format!("KBN-{n:010}")
    });
    tx.execute(
        "UPDATE payouts SET status = 'delivered', pickup_reference = ?2, decided_at = ?3 WHERE journal_id = ?1",
        params![d.journal_id, reference, now],
    )?;
    Ok(api::RemittanceStatus {
        id: d.journal_id.clone(),
        status: "delivered".into(),
        estimated_delivery_at: d.eta,
        pickup_reference: reference,
        reason: None,
        returned: None,
    })
}

fn fail(tx: &Transaction<'_>, wallet_id: &str, d: &Due, now: i64) -> Result<api::RemittanceStatus, ApiError> {
    let reason = "the partner could not pay the account out";
    let return_id = format!("tx_rt_{}", d.journal_id.trim_start_matches("tx_"));
    let wallet_account: String =
        tx.query_row("SELECT account_id FROM wallets WHERE id = ?1", [wallet_id], |r| r.get(0))?;
    let meta = journal_meta::to_value(&ReturnMeta {
        original_transaction_id: &d.journal_id,
        reason,
        description: "Remittance returned".into(),
    })?;
    let header = ledger::JournalHeader {
        id: &return_id,
        kind: "remittance_return",
        wallet_id: Some(wallet_id),
        idempotency: None,
        meta: &meta,
        now,
    };
    // The remittance's legs reversed: the partner gives the payout back, the FX positions
    // unwind at the remittance's own amounts, and the fee is returned with the rest.
    let mut legs = vec![
        Leg::new(seed::partner_account(&d.receive_currency), -d.receive),
        Leg::new(seed::fx_account(&d.receive_currency), d.receive),
        Leg::new(seed::fx_account(&d.home), -d.send),
        Leg::new(wallet_account.clone(), d.send + d.fee),
    ];
    if d.fee != 0 {
        legs.push(Leg::new(seed::fee_account(&d.home), -d.fee));
    }
    ledger::post(tx, &header, &legs)?;
    tx.execute(
        "UPDATE payouts SET status = 'failed', return_journal_id = ?2, decided_at = ?3 WHERE journal_id = ?1",
        params![d.journal_id, return_id, now],
    )?;
    Ok(api::RemittanceStatus {
        id: d.journal_id.clone(),
        status: "failed".into(),
        estimated_delivery_at: d.eta,
        pickup_reference: None,
        reason: Some(reason.into()),
        returned: Some(api::RemittanceReturned {
            transaction_id: return_id,
            amount: amount(d.send + d.fee, &d.home),
            balance: amount(ledger::balance(tx, &wallet_account)?, &d.home),
        }),
    })
}
