//! `GET /v1/terminal/settlement`: a merchant's day, per network and shoppers' currency, read
//! from the ledger itself (the merchant account's entries), so the summary and the money can
//! never disagree.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::Json;
use koban_core::calendar::{civil_from_days, days_from_civil};
use koban_core::net::api;
use serde::Deserialize;
use utoipa::IntoParams;

use super::common::amount;
use crate::auth::TerminalSigned;
use crate::error::ApiError;
use crate::seed::{self, MerchantSeed};
use crate::state::AppState;

/// The day asked for.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(super) struct SettlementQuery {
    /// The merchant's local calendar day, `YYYY-MM-DD`; today's when absent.
    date: Option<String>,
}

/// The merchant's local calendar day for `date`, or today: its date and its host-time bounds.
fn day(merchant: &MerchantSeed, date: Option<&str>, now: i64) -> Result<(String, i64, i64), ApiError> {
    let offset = seed::utc_offset_secs(merchant.country);
    let days = match date {
        None => (now + offset).div_euclid(86_400),
        Some(d) => parse_date(d).ok_or_else(|| ApiError::BadRequest(format!("{d:?} is not a date (YYYY-MM-DD)")))?,
    };
    let (y, m, dd) = civil_from_days(days);
    let from = days * 86_400 - offset;
    Ok((format!("{y:04}-{m:02}-{dd:02}"), from, from + 86_400))
}

/// Days since 1970-01-01 of a valid `YYYY-MM-DD`.
fn parse_date(d: &str) -> Option<i64> {
    let b = d.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| d.get(r)?.parse::<i64>().ok();
    let (y, m, dd) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let days = days_from_civil(y, m, dd);
    // Reject 2026-02-30 and the like: the day must come back as written.
    (civil_from_days(days) == (y, m, dd)).then_some(days)
}

/// One ledger movement of the merchant's account.
struct Movement {
    kind: String,
    meta: SettlementMeta,
    merchant_amount: i64,
}

/// What settlement reads of a journal's meta: the foreign networks' charges and refunds
/// (`api/foreign.rs`, `api/foreign_refunds.rs`) record these; Koban's own movements do not.
#[derive(Default, serde::Deserialize)]
struct SettlementMeta {
    /// The network that acquired the code; none for Koban wallets.
    #[serde(default)]
    network: Option<String>,
    /// What the shopper paid or got back, minor units of `customer_currency`.
    #[serde(default)]
    customer_amount: Option<i64>,
    /// The shopper's currency.
    #[serde(default)]
    customer_currency: Option<String>,
}

#[derive(Default)]
struct Tally {
    payments: u32,
    refunds: u32,
    gross: i64,
    refunded: i64,
    customer_net: i64,
}

/// The day's settlement of this terminal's merchant
///
/// Per network (`koban` for Koban wallets, else the foreign network that acquired the code)
/// and shoppers' currency: payments captured, refunds given, and the net the merchant gets.
#[utoipa::path(get, path = "/v1/terminal/settlement", tag = "consumer-codes", operation_id = "settlement",
    params(SettlementQuery),
    responses((status = 200, description = "The day's settlement", body = api::Settlement)),
    security(("signedTerminal" = [])))]
pub async fn settlement(
    State(state): State<AppState>,
    Query(q): Query<SettlementQuery>,
    t: TerminalSigned,
) -> Result<Json<api::Settlement>, ApiError> {
    let merchant = seed::merchant(&t.merchant_id).ok_or(ApiError::UnknownMerchant)?;
    let (date, from, to) = day(merchant, q.date.as_deref(), state.clock.now())?;
    let account = format!("merchant:{}", merchant.id);
    let movements = state
        .with_db(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT j.kind, j.meta, SUM(e.amount) FROM entries e JOIN journals j ON j.id = e.journal_id
                 WHERE e.account_id = ?1 AND j.created_at >= ?2 AND j.created_at < ?3
                 GROUP BY j.id ORDER BY j.created_at, j.id",
            )?;
            let rows = stmt.query_map(rusqlite::params![account, from, to], |r| {
                let meta: String = r.get(1)?;
                Ok(Movement {
                    kind: r.get(0)?,
                    meta: serde_json::from_str(&meta).unwrap_or_default(),
                    merchant_amount: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(Json(summarise(merchant, date, from, to, &movements)))
}

/// Sums movements into lines keyed by network and shoppers' currency.
fn summarise(merchant: &MerchantSeed, date: String, from: i64, to: i64, movements: &[Movement]) -> api::Settlement {
    let mut lines: BTreeMap<(u8, String, String), Tally> = BTreeMap::new();
    let mut net = 0;
    for m in movements {
        let network = m.meta.network.clone().unwrap_or_else(|| "koban".to_owned());
        let customer = (m.meta.customer_amount, m.meta.customer_currency.as_deref());
        let currency = customer.1.unwrap_or(merchant.currency).to_owned();
        // Koban first, then the foreign networks in name order.
        let order = u8::from(network != "koban");
        let t = lines.entry((order, network, currency)).or_default();
        match m.kind.as_str() {
            "payment" | "cpm_charge" | "foreign_charge" => {
                t.payments += 1;
                t.gross += m.merchant_amount;
                t.customer_net += customer.0.unwrap_or(0);
            }
            "refund" | "foreign_refund" => {
                t.refunds += 1;
                t.refunded -= m.merchant_amount;
                t.customer_net -= customer.0.unwrap_or(0);
            }
            // Nothing else moves a merchant's account today; should something, it still counts.
            _ => t.gross += m.merchant_amount,
        }
        net += m.merchant_amount;
    }
    let cur = merchant.currency;
    api::Settlement {
        merchant_id: merchant.id.to_owned(),
        date,
        from,
        to,
        lines: lines
            .into_iter()
            .map(|((_, network, currency), t)| api::SettlementLine {
                customer_net: (network != "koban").then(|| amount(t.customer_net, &currency)),
                network,
                payments: t.payments,
                refunds: t.refunds,
                gross: amount(t.gross, cur),
                refunded: amount(t.refunded, cur),
                net: amount(t.gross - t.refunded, cur),
            })
            .collect(),
        net: amount(net, cur),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_and_days_are_the_merchants_own() {
        assert_eq!(parse_date("2026-12-07"), Some(days_from_civil(2026, 12, 7)));
        for bad in ["2026-02-30", "2026-13-01", "26-12-07", "2026/12/07", "2026-12-7x", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let shop = seed::merchant("m_jp_ramen").unwrap();
        // 2026-12-06 20:00 UTC is already the 7th in Tokyo.
        let now = days_from_civil(2026, 12, 6) * 86_400 + 20 * 3600;
        let (date, from, to) = day(shop, None, now).unwrap();
        assert_eq!(date, "2026-12-07");
        assert_eq!(from, days_from_civil(2026, 12, 6) * 86_400 + 15 * 3600);
        assert_eq!(to - from, 86_400);
        assert!(from <= now && now < to);
    }
}
