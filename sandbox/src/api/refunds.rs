//! A merchant's enrolled terminal refunds, in full or in part, a till charge or a payment to
//! the merchant's code; the sum of a payment's refunds never exceeds what the merchant got.
//! A payment abroad is refunded in the merchant's currency at the payment's own rate: the
//! wallet gets back the same share of what it paid (converted amount and FX fee alike), the
//! last refund taking the remainder so a payment refunded in pieces returns exactly its debit.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use koban_core::net::api::{self, EventData};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::charges::load_charge;
use super::common::{amount, emit, load_wallet, merchant_ref, AmountIn};
use super::doc::IdempotencyKey;
use super::foreign_refunds;
use crate::auth::TerminalJson;
use crate::error::ApiError;
use crate::idem::{self, Ctx};
use crate::journal_meta;
use crate::ledger::{self, Leg};
use crate::seed::{self, MerchantSeed};
use crate::state::AppState;

/// `POST /v1/terminal/refunds`: the original by exactly one of its ids, and the amount.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RefundRequest {
    /// A till charge of this merchant.
    pub(super) charge_id: Option<String>,
    /// A transaction paying this merchant: a till charge's or a payment to its code.
    pub(super) transaction_id: Option<String>,
    /// In the merchant's currency; absent: all that is not refunded yet.
    pub(super) amount: Option<AmountIn>,
}

/// What a refund journal records beside its legs.
#[derive(Serialize)]
struct RefundMeta<'a> {
    /// Who refunded.
    merchant: api::MerchantRef,
    /// The refund.
    refund_id: &'a str,
    /// The transaction refunded.
    original_transaction_id: &'a str,
    /// The till charge refunded.
    #[serde(skip_serializing_if = "Option::is_none")]
    charge_id: Option<&'a str>,
    /// What the merchant gave back, its currency.
    merchant_amount: api::Amount,
    /// A sentence for people.
    description: String,
}

/// Refund a payment to this terminal's merchant
///
/// In full (no amount) or in part; the refunds of one payment never exceed it in total
/// (`refund_exceeds_payment`). Another merchant's payment reads as not found.
#[utoipa::path(post, path = "/v1/terminal/refunds", tag = "consumer-codes", operation_id = "refund",
    request_body = RefundRequest, params(IdempotencyKey),
    responses((status = 201, description = "Refunded", body = api::Refund)),
    security(("signedTerminal" = [])))]
pub async fn refund(State(state): State<AppState>, t: TerminalJson<RefundRequest>) -> Response {
    // A tourist's foreign charge goes back through its network's refund API.
    let (merchant_id, charge_id, transaction_id) =
        (t.merchant_id.clone(), t.body.charge_id.clone(), t.body.transaction_id.clone());
    let foreign = state
        .with_db(move |conn| {
            foreign_refunds::original(conn, &merchant_id, charge_id.as_deref(), transaction_id.as_deref())
        })
        .await;
    match foreign {
        Ok(Some(original)) if t.body.charge_id.is_some() != t.body.transaction_id.is_some() => {
            return foreign_refunds::refund(state, t.terminal_id, t.mutation, t.body.amount, original).await
        }
        Err(e) => return e.into_response(),
        _ => {}
    }
    let ids = Ids { refund: state.new_id("rf"), journal: state.new_id("tx") };
    let (terminal_id, merchant_id, body) = (t.terminal_id, t.merchant_id, t.body);
    idem::run(&state, t.mutation, move |tx, ctx| {
        let merchant = seed::merchant(&merchant_id).ok_or(ApiError::UnknownMerchant)?;
        let out = refund_inner(tx, ctx, &terminal_id, merchant, &ids, body)?;
        Ok((StatusCode::CREATED, out))
    })
    .await
}

struct Ids {
    refund: String,
    journal: String,
}

/// The payment being refunded, as the ledger recorded it.
struct Original {
    journal_id: String,
    charge_id: Option<String>,
    wallet_id: String,
    /// What the merchant received, its currency.
    total: i64,
    /// The wallet's converted amount and FX fee of a payment abroad (its currency).
    abroad: Option<(i64, i64)>,
}

/// Finds the original among this merchant's till charges and payments; anything else
/// (another merchant's, a transfer, an unknown id) is not found.
fn find_original(tx: &Transaction<'_>, merchant: &MerchantSeed, body: &RefundRequest) -> Result<Original, ApiError> {
    let (journal_id, charge_id) = match (&body.charge_id, &body.transaction_id) {
        (Some(charge_id), None) => {
            let charge = load_charge(tx, charge_id)?
                .filter(|c| c.merchant_id == merchant.id)
                .ok_or(ApiError::NotFound("charge"))?;
            match charge.journal_id {
                Some(j) if charge.status == "captured" => (j, Some(charge.id)),
                _ => {
                    return Err(ApiError::NotRefundable(format!(
                        "charge {} is {}: it moved no money",
                        charge.id, charge.status
                    )))
                }
            }
        }
        (None, Some(journal_id)) => {
            let charge: Option<String> =
                tx.query_row("SELECT id FROM charges WHERE journal_id = ?1", [journal_id], |r| r.get(0)).optional()?;
            (journal_id.clone(), charge)
        }
        _ => return Err(ApiError::BadRequest("name the original by one of charge_id and transaction_id".into())),
    };
    let journal: Option<(String, Option<String>)> = tx
        .query_row("SELECT kind, wallet_id FROM journals WHERE id = ?1", [&journal_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((kind, Some(wallet_id))) = journal else { return Err(ApiError::NotFound("transaction")) };
    if kind != "payment" && kind != "cpm_charge" {
        return Err(ApiError::NotFound("transaction"));
    }
    let leg = |account: &str| -> Result<i64, ApiError> {
        Ok(tx.query_row(
            "SELECT COALESCE(SUM(amount), 0) FROM entries WHERE journal_id = ?1 AND account_id = ?2",
            params![journal_id, account],
            |r| r.get(0),
        )?)
    };
    // Only the merchant that was paid may refund: its account took the money.
    let total = leg(&format!("merchant:{}", merchant.id))?;
    if total <= 0 {
        return Err(ApiError::NotFound("transaction"));
    }
    let w = load_wallet(tx, &wallet_id)?;
    let abroad = if w.currency == merchant.currency {
        None
    } else {
        Some((leg(&seed::fx_account(&w.currency))?, leg(&seed::fee_account(&w.currency))?))
    };
    Ok(Original { journal_id, charge_id, wallet_id, total, abroad })
}

/// `part` of `whole` in proportion `num / den`, rounded down (the last refund takes the rest).
fn share(whole: i64, num: i64, den: i64) -> i64 {
    (i128::from(whole) * i128::from(num) / i128::from(den.max(1))) as i64
}

fn refund_inner(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    terminal_id: &str,
    merchant: &MerchantSeed,
    ids: &Ids,
    body: RefundRequest,
) -> Result<api::Refund, ApiError> {
    let original = find_original(tx, merchant, &body)?;
    let currency = merchant.currency;
    let (refunded, send_back, fee_back): (i64, i64, i64) = tx.query_row(
        "SELECT COALESCE(SUM(amount), 0), COALESCE(SUM(send_part), 0), COALESCE(SUM(fee_part), 0)
         FROM refunds WHERE original_journal_id = ?1",
        [&original.journal_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let left = original.total - refunded;
    let asked = match &body.amount {
        Some(a) => {
            a.validate()?;
            if a.currency != currency {
                return Err(ApiError::CurrencyMismatch(format!("{} refunds in {currency}", merchant.name)));
            }
            a.minor
        }
        None => left,
    };
    if asked > left || left == 0 {
        return Err(ApiError::RefundExceedsPayment(format!(
            "{asked} {currency} asked; {refunded} of {} {currency} already refunded, {left} left",
            original.total
        )));
    }
    let w = load_wallet(tx, &original.wallet_id)?;
    let merchant_account = format!("merchant:{}", merchant.id);
    let last = asked == left;
    let (send_part, fee_part, legs) = match original.abroad {
        None => (asked, 0, vec![Leg::new(merchant_account, -asked), Leg::new(w.account_id.clone(), asked)]),
        Some((send, fee)) => {
            // The payment's rate, as the shares of what the wallet paid for each unit the
            // merchant got; the last refund takes what is left so the pieces add up exactly.
            let (s, f) = if last {
                (send - send_back, fee - fee_back)
            } else {
                (share(send, asked, original.total), share(fee, asked, original.total))
            };
            let mut legs = vec![
                Leg::new(merchant_account, -asked),
                Leg::new(seed::fx_account(currency), asked),
                Leg::new(seed::fx_account(&w.currency), -s),
                Leg::new(w.account_id.clone(), s + f),
            ];
            if f != 0 {
                legs.push(Leg::new(seed::fee_account(&w.currency), -f));
            }
            (s, f, legs)
        }
    };
    let meta = journal_meta::to_value(&RefundMeta {
        merchant: merchant_ref(merchant),
        refund_id: &ids.refund,
        original_transaction_id: &original.journal_id,
        charge_id: original.charge_id.as_deref(),
        merchant_amount: amount(asked, currency),
        description: format!("Refund from {}", merchant.name),
    })?;
    ledger::post(tx, &ctx.journal(&ids.journal, "refund", &w.id, &meta), &legs)?;
    tx.execute(
        "INSERT INTO refunds (id, merchant_id, terminal_id, original_journal_id, charge_id, wallet_id, amount, currency,
                              send_part, fee_part, journal_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            ids.refund,
            merchant.id,
            terminal_id,
            original.journal_id,
            original.charge_id,
            w.id,
            asked,
            currency,
            send_part,
            fee_part,
            ids.journal,
            ctx.now
        ],
    )?;
    let event = api::RefundReceived {
        id: ids.journal.clone(),
        kind: "refund".into(),
        refund_id: ids.refund.clone(),
        original_transaction_id: original.journal_id.clone(),
        charge_id: original.charge_id.clone(),
        merchant: merchant_ref(merchant),
        amount: amount(send_part + fee_part, &w.currency),
        merchant_amount: amount(asked, currency),
        balance: amount(ledger::balance(tx, &w.account_id)?, &w.currency),
        created_at: ctx.now,
    };
    emit(tx, &w.id, EventData::RefundReceived(event), ctx.now)?;
    Ok(api::Refund {
        id: ids.refund.clone(),
        status: "completed".into(),
        transaction_id: ids.journal.clone(),
        original_transaction_id: original.journal_id,
        charge_id: original.charge_id,
        merchant_id: merchant.id.to_owned(),
        amount: amount(asked, currency),
        refunded_total: amount(refunded + asked, currency),
        refundable: amount(left - asked, currency),
        created_at: ctx.now,
        customer_amount: None,
    })
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn shares_round_down_and_never_divide_by_zero() {
        assert_eq!(share(1_000, 1, 3), 333);
        assert_eq!(share(i64::MAX / 2, 3, 4), (i128::from(i64::MAX / 2) * 3 / 4) as i64);
        assert_eq!(share(100, 5, 0), 500);
    }
}
