//! Helpers shared by the handlers: amounts, wallet rows, KYC limits.

use koban_core::net::api::{self, EventData};
use rusqlite::{Connection, OptionalExtension};
use serde::Deserialize;

use crate::error::ApiError;
use crate::fx;
use crate::ledger;

/// Largest amount accepted in one request, in minor units (keeps i64 arithmetic far from overflow).
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000_000_000;

/// An amount on the wire: integer minor units and an ISO 4217 code.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AmountIn {
    /// Minor units.
    pub minor: i64,
    /// ISO 4217 alpha code.
    pub currency: String,
}

impl AmountIn {
    /// Refuses zero, negative, absurd amounts and unsupported currencies.
    pub fn validate(&self) -> Result<(), ApiError> {
        if self.minor <= 0 || self.minor > MAX_AMOUNT_MINOR {
            return Err(ApiError::BadRequest(format!("amount must be 1..={MAX_AMOUNT_MINOR} minor units")));
        }
        fx::currency(&self.currency)?;
        Ok(())
    }
}

// Requests document their amounts as the shared `Amount` component: the same two fields,
// read strictly here.
impl utoipa::PartialSchema for AmountIn {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <api::Amount as utoipa::PartialSchema>::schema()
    }
}

impl utoipa::ToSchema for AmountIn {
    fn name() -> std::borrow::Cow<'static, str> {
        <api::Amount as utoipa::ToSchema>::name()
    }
}

/// An amount on the wire.
pub fn amount(minor: i64, currency: &str) -> api::Amount {
    api::Amount::new(minor, currency)
}

/// A wallet row.
#[derive(Debug, Clone)]
pub struct WalletRow {
    /// Wallet id.
    pub id: String,
    /// Public handle.
    pub handle: String,
    /// Display name.
    pub display_name: String,
    /// Home country.
    pub country: String,
    /// Home currency.
    pub currency: String,
    /// KYC tier.
    pub tier: String,
    /// Legal name once verified.
    pub legal_name: Option<String>,
    /// Ledger account.
    pub account_id: String,
}

const WALLET_COLUMNS: &str = "id, handle, display_name, country, currency, tier, legal_name, account_id";

fn wallet_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<WalletRow> {
    Ok(WalletRow {
        id: r.get(0)?,
        handle: r.get(1)?,
        display_name: r.get(2)?,
        country: r.get(3)?,
        currency: r.get(4)?,
        tier: r.get(5)?,
        legal_name: r.get(6)?,
        account_id: r.get(7)?,
    })
}

/// Loads a wallet by id.
pub fn load_wallet(conn: &Connection, id: &str) -> Result<WalletRow, ApiError> {
    conn.query_row(&format!("SELECT {WALLET_COLUMNS} FROM wallets WHERE id = ?1"), [id], wallet_from_row)
        .optional()?
        .ok_or(ApiError::NotFound("wallet"))
}

/// Loads a wallet by handle (with or without a leading `@`).
pub fn wallet_by_handle(conn: &Connection, handle: &str) -> Result<WalletRow, ApiError> {
    let handle = handle.trim_start_matches('@').to_ascii_lowercase();
    conn.query_row(&format!("SELECT {WALLET_COLUMNS} FROM wallets WHERE handle = ?1"), [&handle], wallet_from_row)
        .optional()?
        .ok_or(ApiError::UnknownRecipient)
}

/// KYC limits of a wallet, in its home currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest single spend (P2P, remittance, payment or till charge).
    pub per_transfer: i64,
    /// Largest total spent per calendar month (UTC), fees included.
    pub monthly: i64,
    /// Whether cross-border remittances are allowed.
    pub can_remit: bool,
}

/// Unverified wallets: small domestic transfers only.
pub const UNVERIFIED_PER_TRANSFER_JPY: i64 = 100_000;
/// Unverified monthly cap.
pub const UNVERIFIED_MONTHLY_JPY: i64 = 100_000;
/// Verified per-transfer cap: Japan's ¥1,000,000 per funds transfer for a type-2 provider.
pub const VERIFIED_PER_TRANSFER_JPY: i64 = 1_000_000;
/// Verified monthly cap.
pub const VERIFIED_MONTHLY_JPY: i64 = 3_000_000;

/// The limits for a tier, converted from JPY at the mid rate for other home currencies.
pub fn wallet_limits(tier: &str, currency: &str) -> Result<Limits, ApiError> {
    let (per, month, remit) = if tier == "verified" {
        (VERIFIED_PER_TRANSFER_JPY, VERIFIED_MONTHLY_JPY, true)
    } else {
        (UNVERIFIED_PER_TRANSFER_JPY, UNVERIFIED_MONTHLY_JPY, false)
    };
    Ok(Limits { per_transfer: fx::from_jpy(per, currency)?, monthly: fx::from_jpy(month, currency)?, can_remit: remit })
}

/// Start of the UTC calendar month containing `unix` seconds.
pub fn month_start(unix: i64) -> i64 {
    let days = unix.div_euclid(86_400);
    let (_, _, day) = koban_core::calendar::civil_from_days(days);
    (days - (day - 1)) * 86_400
}

/// Journal kinds that spend the wallet's money and count against its KYC limits: transfers,
/// remittances, merchant payments and till charges alike (a till is not a way around them).
pub const SPENDING_KINDS: &str = "('p2p', 'remittance', 'payment', 'cpm_charge')";

/// Outgoing money (transfers, remittances, payments and till charges, fees included) this month.
pub fn used_this_month(conn: &Connection, w: &WalletRow, now: i64) -> Result<i64, ApiError> {
    Ok(conn.query_row(
        &format!(
            "SELECT COALESCE(SUM(-e.amount), 0) FROM entries e JOIN journals j ON j.id = e.journal_id
             WHERE e.account_id = ?1 AND j.wallet_id = ?2 AND j.kind IN {SPENDING_KINDS} AND j.created_at >= ?3"
        ),
        rusqlite::params![w.account_id, w.id, month_start(now)],
        |r| r.get(0),
    )?)
}

/// The wallet's no-confirmation limit in its currency: its own, or the host default.
pub fn no_confirm_limit(conn: &Connection, w: &WalletRow) -> Result<i64, ApiError> {
    let own: Option<i64> = conn
        .query_row("SELECT no_confirm_limit FROM wallets WHERE id = ?1", [&w.id], |r| r.get(0))
        .optional()?
        .flatten();
    match own {
        Some(limit) => Ok(limit),
        None => fx::from_jpy(crate::policy::NO_CONFIRM_LIMIT_JPY, &w.currency),
    }
}

/// Refuses a transfer of `debit` (home currency) that breaks the wallet's limits.
pub fn check_limits(conn: &Connection, w: &WalletRow, send: i64, debit: i64, now: i64) -> Result<(), ApiError> {
    let limits = wallet_limits(&w.tier, &w.currency)?;
    if send > limits.per_transfer {
        return Err(ApiError::LimitExceeded(format!(
            "{send} {} is over the {} per-transfer limit of {}",
            w.currency, w.tier, limits.per_transfer
        )));
    }
    let used = used_this_month(conn, w, now)?;
    if used + debit > limits.monthly {
        return Err(ApiError::LimitExceeded(format!(
            "monthly limit {} {}: {used} already sent this month",
            limits.monthly, w.currency
        )));
    }
    Ok(())
}

/// A wallet with balance and limits, as answered.
pub fn wallet_view(conn: &Connection, w: &WalletRow, now: i64) -> Result<api::Wallet, ApiError> {
    let limits = wallet_limits(&w.tier, &w.currency)?;
    Ok(api::Wallet {
        id: w.id.clone(),
        handle: w.handle.clone(),
        display_name: w.display_name.clone(),
        country: w.country.clone(),
        currency: w.currency.clone(),
        tier: w.tier.clone(),
        balance: amount(ledger::balance(conn, &w.account_id)?, &w.currency),
        limits: api::Limits {
            per_transfer: amount(limits.per_transfer, &w.currency),
            monthly: amount(limits.monthly, &w.currency),
            used_this_month: amount(used_this_month(conn, w, now)?, &w.currency),
            can_remit: limits.can_remit,
            no_confirm: amount(no_confirm_limit(conn, w)?, &w.currency),
        },
    })
}

/// Records an event for a wallet's feed (same transaction as the effect it reports); its
/// kind is the data's, so a kind and its shape cannot part.
pub fn emit(tx: &rusqlite::Transaction<'_>, wallet_id: &str, data: EventData, now: i64) -> Result<(), ApiError> {
    let body = data.to_value().map_err(|e| ApiError::Internal(format!("event: {e}")))?;
    tx.execute(
        "INSERT INTO events (wallet_id, kind, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![wallet_id, data.kind(), body.to_string(), now],
    )?;
    Ok(())
}

/// A merchant as payments, charges and their events name it.
pub fn merchant_ref(m: &crate::seed::MerchantSeed) -> api::MerchantRef {
    api::MerchantRef { id: m.id.to_owned(), name: m.name.to_owned(), country: m.country.to_owned() }
}

/// Refuses access to another wallet's path.
pub fn own(path_wallet: &str, caller_wallet: &str) -> Result<(), ApiError> {
    if path_wallet == caller_wallet {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_start_is_the_first_of_the_month_utc() {
        // 2026-11-24T16:39:58Z -> 2026-11-01T00:00:00Z
        assert_eq!(month_start(1_795_538_398), 1_793_491_200);
        // 2024-02-29T12:00:00Z (leap day) -> 2024-02-01
        assert_eq!(month_start(1_709_208_000), 1_706_745_600);
        // exactly the first second of a month stays put
        assert_eq!(month_start(1_706_745_600), 1_706_745_600);
    }

    #[test]
    fn limits_scale_from_jpy() {
        let l = wallet_limits("verified", "JPY").unwrap();
        assert_eq!((l.per_transfer, l.can_remit), (1_000_000, true));
        let u = wallet_limits("unverified", "THB").unwrap();
        assert_eq!((u.per_transfer, u.can_remit), (2_300_000, false)); // THB 23,000.00
    }
}
