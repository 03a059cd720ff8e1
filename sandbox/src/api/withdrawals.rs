//! Money out: a withdrawal from the wallet to one of its linked bank accounts, by the
//! published withdrawal fee rule, within the wallet's limits, exactly once per key.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use koban_core::net::api;
use rusqlite::OptionalExtension;
use serde::Deserialize;
use utoipa::ToSchema;

use super::common::{amount, check_limits, load_wallet, own, AmountIn};
use super::doc::IdempotencyKey;
use crate::auth::SignedJson;
use crate::error::ApiError;
use crate::idem;
use crate::journal_meta::{self, BankMeta};
use crate::ledger::{self, Leg};
use crate::pricing;
use crate::seed;
use crate::state::AppState;

/// `POST /v1/withdrawals`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct WithdrawalRequest {
    /// A linked account of this wallet.
    bank_link_id: String,
    /// What arrives at the bank, the wallet's currency; the fee comes on top.
    amount: AmountIn,
}

/// Withdraw to a linked bank account
///
/// The fee follows the published rule (`GET /v1/pricing`); amount plus fee count against the
/// wallet's limits like any other money out, and a single withdrawal is capped.
#[utoipa::path(post, path = "/v1/withdrawals", tag = "banks", operation_id = "withdraw",
    request_body = WithdrawalRequest, params(IdempotencyKey),
    responses((status = 201, description = "Withdrawn", body = api::Withdrawal)),
    security(("signedDevice" = [])))]
pub async fn withdraw(State(state): State<AppState>, s: SignedJson<WithdrawalRequest>) -> Response {
    let journal_id = state.new_id("tx");
    let (wallet_id, body) = (s.wallet_id, s.body);
    idem::run(&state, s.mutation, move |tx, ctx| {
        body.amount.validate()?;
        let w = load_wallet(tx, &wallet_id)?;
        let (owner, bank_account, bank_name, unlinked): (String, String, String, Option<i64>) = tx
            .query_row(
                "SELECT l.wallet_id, l.account_id, b.name, l.unlinked_at
                 FROM bank_links l JOIN banks b ON b.id = l.bank_id WHERE l.id = ?1",
                [&body.bank_link_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or(ApiError::NotFound("bank link"))?;
        own(&owner, &wallet_id)?;
        if unlinked.is_some() {
            return Err(ApiError::NotFound("bank link"));
        }
        if body.amount.currency != w.currency {
            return Err(ApiError::CurrencyMismatch(format!(
                "withdrawal in {}, wallet is {}",
                body.amount.currency, w.currency
            )));
        }
        let x = body.amount.minor;
        let max = crate::fx::from_jpy(pricing::MAX_WITHDRAWAL_JPY, &w.currency)?;
        if x > max {
            return Err(ApiError::LimitExceeded(format!("at most {max} {} in one withdrawal", w.currency)));
        }
        let fee = pricing::WITHDRAWAL.fee(x, &w.currency)?;
        check_limits(tx, &w, x, x + fee, ctx.now)?;
        let meta = journal_meta::to_value(&BankMeta {
            bank_link_id: &body.bank_link_id,
            bank_name: Some(&bank_name),
            description: format!("Withdrawal to {bank_name}"),
        })?;
        let header = ctx.journal(&journal_id, "withdrawal", &wallet_id, &meta);
        let mut legs = vec![Leg::new(w.account_id.clone(), -(x + fee)), Leg::new(bank_account, x)];
        if fee > 0 {
            legs.push(Leg::new(seed::fee_account(&w.currency), fee));
        }
        // The ledger refuses an overdraft of the wallet: insufficient funds, nothing posted.
        ledger::post(tx, &header, &legs)?;
        let balance = ledger::balance(tx, &w.account_id)?;
        Ok((
            StatusCode::CREATED,
            api::Withdrawal {
                id: journal_id,
                kind: "withdrawal".into(),
                status: "completed".into(),
                amount: amount(x, &w.currency),
                fee: amount(fee, &w.currency),
                total: amount(x + fee, &w.currency),
                fee_rule: pricing::WITHDRAWAL.view(&w.currency)?,
                balance: amount(balance, &w.currency),
                bank_link_id: body.bank_link_id,
                created_at: ctx.now,
            },
        ))
    })
    .await
}
