//! A merchant terminal charges a consumer-presented code; the host's clock decides expiry,
//! the first verified presentation burns the code whatever happens to the charge, wrong
//! cryptograms are counted, and charges above the shopper's ceiling wait for the phone.

use crate::journal_meta::{self, ChargeMeta};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use koban_core::cpm::TokenCode;
use koban_core::crypto;
use koban_core::net::api::{self, EventData};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Deserialize;
use utoipa::ToSchema;

use super::common::{amount, check_limits, emit, load_wallet, merchant_ref, no_confirm_limit, AmountIn, WalletRow};
use super::cpm_keys::master_key;
use super::doc::IdempotencyKey;
use crate::auth::{TerminalJson, TerminalSigned};
use crate::error::{ApiError, OrRefusal};
use crate::fx;
use crate::idem::{self, Ctx};
use crate::ledger::{self, Leg};
use crate::policy::{
    APPROVAL_WINDOW_SECS, CODE_LIFETIME_SECS, FUTURE_SKEW_SECS, MAX_CRYPTOGRAM_FAILURES, OFFLINE_CAPTURE_SECS,
    OFFLINE_FLOOR_JPY,
};
use crate::seed::{self, MerchantSeed};
use crate::state::AppState;
use crate::vault::HostKey;

/// `POST /v1/terminal/charges`: a scanned consumer code and the amount.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ChargeRequest {
    /// In the merchant's currency.
    amount: AmountIn,
    /// The scanned code exactly as read: the QR text or the 36 digits.
    code: String,
    /// When an offline till scanned the code (Unix seconds), signed with the rest of the
    /// request by the terminal's enrolled key; accepted within [`OFFLINE_CAPTURE_SECS`] and
    /// up to [`OFFLINE_FLOOR_JPY`] only.
    scanned_at: Option<i64>,
}

/// A charge row as this module reads and writes it.
#[derive(Debug, Clone)]
pub struct Charge {
    /// Charge id.
    pub id: String,
    /// Merchant charged for.
    pub merchant_id: String,
    /// The shopper's wallet.
    pub wallet_id: String,
    /// The code's counter.
    pub counter: i64,
    /// Amount, minor units of `currency`.
    pub amount: i64,
    /// The merchant's currency.
    pub currency: String,
    /// captured | refused | pending_approval | declined | expired.
    pub status: String,
    /// Error kind of a refusal.
    pub refusal: Option<String>,
    /// The ledger journal of a capture.
    pub journal_id: Option<String>,
    /// Host time of the charge.
    pub created_at: i64,
    /// A pending charge lapses after this.
    pub approve_by: Option<i64>,
}

impl Charge {
    /// The status as of `now`: a pending charge past its window reads as expired.
    pub fn status_at(&self, now: i64) -> &str {
        match self.approve_by {
            Some(by) if self.status == "pending_approval" && now > by => "expired",
            _ => &self.status,
        }
    }

    /// The charge as the terminal sees it.
    pub fn view(&self, now: i64) -> api::Charge {
        api::Charge {
            id: self.id.clone(),
            status: self.status_at(now).to_owned(),
            merchant_id: self.merchant_id.clone(),
            amount: amount(self.amount, &self.currency),
            counter: self.counter,
            refusal: self.refusal.clone(),
            transaction_id: self.journal_id.clone(),
            approve_by: self.approve_by,
            created_at: self.created_at,
            network: None,
            customer_amount: None,
            rate: None,
        }
    }
}

const CHARGE_COLUMNS: &str =
    "id, merchant_id, wallet_id, counter, amount, currency, status, refusal, journal_id, created_at, approve_by";

/// Loads a charge by id.
pub fn load_charge(conn: &rusqlite::Connection, id: &str) -> Result<Option<Charge>, ApiError> {
    Ok(conn
        .query_row(&format!("SELECT {CHARGE_COLUMNS} FROM charges WHERE id = ?1"), [id], |r| {
            Ok(Charge {
                id: r.get(0)?,
                merchant_id: r.get(1)?,
                wallet_id: r.get(2)?,
                counter: r.get(3)?,
                amount: r.get(4)?,
                currency: r.get(5)?,
                status: r.get(6)?,
                refusal: r.get(7)?,
                journal_id: r.get(8)?,
                created_at: r.get(9)?,
                approve_by: r.get(10)?,
            })
        })
        .optional()?)
}

/// Charge a scanned consumer code for the terminal's merchant
///
/// The host's clock decides expiry; the first verified presentation burns the code whatever
/// becomes of the charge. 201: captured; 202: waiting for the shopper's approval.
#[utoipa::path(post, path = "/v1/terminal/charges", tag = "consumer-codes", operation_id = "chargeConsumerCode",
    request_body = ChargeRequest, params(IdempotencyKey),
    responses(
        (status = 201, description = "Captured", body = api::Charge),
        (status = 202, description = "Above the shopper's no-confirmation limit: waiting for approval", body = api::Charge),
    ),
    security(("signedTerminal" = [])))]
pub async fn charge(State(state): State<AppState>, t: TerminalJson<ChargeRequest>) -> Response {
    let ids = Ids { charge: state.new_id("ch"), journal: state.new_id("tx") };
    let host_key = state.host_key.clone();
    let (terminal_id, merchant_id, body) = (t.terminal_id, t.merchant_id, t.body);
    // A tourist's Alipay+, WeChat Pay or UnionPay code: the host acquires it through its network.
    if let Some(network) = super::foreign::network_of(&body.code) {
        return super::foreign::charge(state, terminal_id, merchant_id, t.mutation, network, body.amount, body.code)
            .await;
    }
    idem::run(&state, t.mutation, move |tx, ctx| {
        let merchant = seed::merchant(&merchant_id).ok_or(ApiError::UnknownMerchant)?;
        charge_inner(tx, ctx, &host_key, &terminal_id, merchant, &ids, body)
    })
    .await
}

struct Ids {
    charge: String,
    journal: String,
}

/// The moment expiry is judged at: now, or an offline till's signed scan time within bounds.
fn judged_at(body: &ChargeRequest, merchant: &MerchantSeed, now: i64) -> Result<i64, ApiError> {
    let Some(scanned) = body.scanned_at else { return Ok(now) };
    if scanned - now > FUTURE_SKEW_SECS {
        return Err(ApiError::BadRequest("scanned_at is in the future".into()));
    }
    if now - scanned > OFFLINE_CAPTURE_SECS {
        return Err(ApiError::CodeExpired);
    }
    let floor = fx::from_jpy(OFFLINE_FLOOR_JPY, merchant.currency)?;
    if body.amount.minor > floor {
        return Err(ApiError::LimitExceeded(format!(
            "an offline capture may be at most {floor} {} (minor units); charge it online",
            merchant.currency
        )));
    }
    Ok(scanned)
}

fn charge_inner(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    host_key: &HostKey,
    terminal_id: &str,
    merchant: &MerchantSeed,
    ids: &Ids,
    body: ChargeRequest,
) -> Result<(StatusCode, OrRefusal<api::Charge>), ApiError> {
    body.amount.validate()?;
    if body.amount.currency != merchant.currency {
        return Err(ApiError::CurrencyMismatch(format!("{} takes {}", merchant.name, merchant.currency)));
    }
    let at = judged_at(&body, merchant, ctx.now)?;
    let code = TokenCode::parse(&body.code, at.max(0) as u64)
        .map_err(|e| ApiError::InvalidPayload(format!("not a Koban consumer code: {e}")))?;
    let (wallet_id, failures, revoked): (String, i64, Option<String>) = tx
        .query_row(
            "SELECT wallet_id, failures, CASE WHEN revoked_at IS NULL THEN NULL ELSE COALESCE(revoked_reason, 'revoked') END
             FROM cpm_tokens WHERE token = ?1",
            [&code.token],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or(ApiError::UnknownToken)?;
    if let Some(reason) = revoked {
        return Err(ApiError::CodeRevoked(if reason == "device_revoked" {
            "the phone that made it was revoked"
        } else {
            "too many wrong cryptograms"
        }));
    }
    let counter: Option<(Option<String>, Option<i64>, i64)> = tx
        .query_row(
            "SELECT used_by_journal, retired_at, expires_at FROM cpm_counters WHERE token = ?1 AND counter = ?2",
            params![code.token, code.counter],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match counter {
        None => return Err(ApiError::UnknownToken),
        Some((Some(_), _, _)) => return Err(ApiError::CodeUsed),
        Some((None, Some(_), _)) => return Err(ApiError::CodeRevoked("its key was retired")),
        Some((None, None, key_expires)) if key_expires <= at => return Err(ApiError::CodeExpired),
        Some(_) => {}
    }
    let made = i64::try_from(code.timestamp).unwrap_or(i64::MAX);
    if at - made > CODE_LIFETIME_SECS || made - at > FUTURE_SKEW_SECS {
        return Err(ApiError::CodeExpired);
    }
    let master = master_key(tx, host_key, &code.token)?;
    let luk = crypto::derive_limited_use_key(&master, &code.token, code.counter)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    if code.verify(&luk).is_err() {
        return Ok(count_failure(tx, &code.token, &wallet_id, failures + 1, ctx.now)?.committed());
    }
    // Verified: the code is burned now, in this transaction, whatever becomes of the charge.
    tx.execute("UPDATE cpm_tokens SET failures = 0 WHERE token = ?1", [&code.token])?;
    tx.execute(
        "INSERT INTO charges (id, merchant_id, terminal_id, wallet_id, token, counter, amount, currency, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'processing', ?9)",
        params![
            ids.charge,
            merchant.id,
            terminal_id,
            wallet_id,
            code.token,
            code.counter,
            body.amount.minor,
            merchant.currency,
            ctx.now
        ],
    )?;
    tx.execute(
        "UPDATE cpm_counters SET used_by_journal = ?3 WHERE token = ?1 AND counter = ?2",
        params![code.token, code.counter, ids.charge],
    )?;
    let charge = load_charge(tx, &ids.charge)?.ok_or_else(|| ApiError::Internal("charge vanished".into()))?;
    let decided = (|| {
        let w = load_wallet(tx, &wallet_id)?;
        check_payable(tx, &w, &charge, ctx.now)?;
        if charge.amount > no_confirm_limit(tx, &w)? {
            return ask_shopper(tx, merchant, &charge, ctx.now);
        }
        capture(tx, ctx, merchant, &w, &charge, &ids.journal)
    })();
    refuse_on_error(tx, &charge, decided, ctx.now)
}

/// Records a wrong cryptogram; at the threshold revokes the token and tells the wallet.
fn count_failure(
    tx: &Transaction<'_>,
    token: &str,
    wallet_id: &str,
    failures: i64,
    now: i64,
) -> Result<ApiError, ApiError> {
    tx.execute("UPDATE cpm_tokens SET failures = ?2 WHERE token = ?1", params![token, failures])?;
    if failures >= MAX_CRYPTOGRAM_FAILURES {
        revoke_token(tx, token, "cryptogram_failures", now)?;
        let revoked = api::CodesRevoked { token: token.to_owned(), reason: "cryptogram_failures".into(), failures };
        emit(tx, wallet_id, EventData::ConsumerCodesRevoked(revoked), now)?;
    }
    Ok(ApiError::BadCryptogram)
}

/// Revokes a token and retires its unused keys.
pub fn revoke_token(tx: &Transaction<'_>, token: &str, reason: &str, now: i64) -> Result<(), ApiError> {
    tx.execute(
        "UPDATE cpm_tokens SET revoked_at = ?2, revoked_reason = ?3 WHERE token = ?1 AND revoked_at IS NULL",
        params![token, now, reason],
    )?;
    tx.execute(
        "UPDATE cpm_counters SET retired_at = ?2 WHERE token = ?1 AND used_by_journal IS NULL AND retired_at IS NULL",
        params![token, now],
    )?;
    Ok(())
}

/// Refusals the host can give before moving money: the wallet's currency and KYC limits.
fn check_payable(tx: &Transaction<'_>, w: &WalletRow, charge: &Charge, now: i64) -> Result<(), ApiError> {
    if w.currency != charge.currency {
        return Err(ApiError::CurrencyMismatch(format!(
            "the till charges {}, the wallet holds {}",
            charge.currency, w.currency
        )));
    }
    check_limits(tx, w, charge.amount, charge.amount, now)
}

/// Leaves the charge waiting for the shopper's approval on the phone.
fn ask_shopper(
    tx: &Transaction<'_>,
    merchant: &MerchantSeed,
    charge: &Charge,
    now: i64,
) -> Result<(StatusCode, api::Charge), ApiError> {
    let by = now + APPROVAL_WINDOW_SECS;
    tx.execute(
        "UPDATE charges SET status = 'pending_approval', approve_by = ?2 WHERE id = ?1",
        params![charge.id, by],
    )?;
    let event = api::ApprovalRequested {
        id: charge.id.clone(),
        merchant: merchant_ref(merchant),
        amount: amount(charge.amount, &charge.currency),
        approve_by: by,
        created_at: now,
    };
    emit(tx, &charge.wallet_id, EventData::ChargeApprovalRequested(event), now)?;
    let charge = Charge { status: "pending_approval".into(), approve_by: Some(by), ..charge.clone() };
    Ok((StatusCode::ACCEPTED, charge.view(now)))
}

/// Moves the money of a charge and tells the wallet.
pub fn capture(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    merchant: &MerchantSeed,
    w: &WalletRow,
    charge: &Charge,
    journal_id: &str,
) -> Result<(StatusCode, api::Charge), ApiError> {
    let x = charge.amount;
    let meta = journal_meta::to_value(&ChargeMeta {
        merchant: merchant_ref(merchant),
        charge_id: &charge.id,
        counter: charge.counter,
        description: format!("Paid at {} with a consumer code", merchant.name),
    })?;
    let header = ctx.journal(journal_id, "cpm_charge", &w.id, &meta);
    ledger::post(tx, &header, &[Leg::new(w.account_id.clone(), -x), Leg::new(format!("merchant:{}", merchant.id), x)])?;
    tx.execute(
        "UPDATE charges SET status = 'captured', journal_id = ?2, decided_at = ?3 WHERE id = ?1",
        params![charge.id, journal_id, ctx.now],
    )?;
    let event = api::CodeCharged {
        id: journal_id.to_owned(),
        charge_id: charge.id.clone(),
        kind: "cpm_charge".into(),
        status: "captured".into(),
        merchant: merchant_ref(merchant),
        amount: amount(x, &charge.currency),
        counter: charge.counter,
        balance: amount(ledger::balance(tx, &w.account_id)?, &w.currency),
        created_at: ctx.now,
    };
    emit(tx, &w.id, EventData::ConsumerCodeCharged(event), ctx.now)?;
    let captured = Charge { status: "captured".into(), journal_id: Some(journal_id.to_owned()), ..charge.clone() };
    Ok((StatusCode::CREATED, captured.view(ctx.now)))
}

/// A final refusal after the code was burned: the charge is marked refused and the refusal
/// commits with the burn; the wallet hears that its code was presented.
pub fn refuse_on_error(
    tx: &Transaction<'_>,
    charge: &Charge,
    decided: Result<(StatusCode, api::Charge), ApiError>,
    now: i64,
) -> Result<(StatusCode, OrRefusal<api::Charge>), ApiError> {
    match decided {
        Err(e) if e.is_final() => {
            tx.execute(
                "UPDATE charges SET status = 'refused', refusal = ?2, decided_at = ?3 WHERE id = ?1",
                params![charge.id, e.kind().as_str(), now],
            )?;
            let event = api::CodeRefused {
                charge_id: charge.id.clone(),
                merchant_id: charge.merchant_id.clone(),
                amount: amount(charge.amount, &charge.currency),
                refusal: e.kind().as_str().to_owned(),
            };
            emit(tx, &charge.wallet_id, EventData::ConsumerCodeRefused(event), now)?;
            Ok(e.committed())
        }
        Ok((status, charge)) => Ok((status, OrRefusal::Body(charge))),
        Err(e) => Err(e),
    }
}

/// A charge of this terminal's merchant
#[utoipa::path(get, path = "/v1/terminal/charges/{charge_id}", tag = "consumer-codes", operation_id = "getCharge",
    params(("charge_id" = String, Path, description = "A charge of this terminal's merchant")),
    responses((status = 200, description = "The charge", body = api::Charge)),
    security(("signedTerminal" = [])))]
pub async fn status(
    State(state): State<AppState>,
    Path(charge_id): Path<String>,
    t: TerminalSigned,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    state
        .with_db(move |conn| {
            if let Some(c) = load_charge(conn, &charge_id)?.filter(|c| c.merchant_id == t.merchant_id) {
                return Ok(Json(c.view(now)).into_response());
            }
            let foreign =
                super::foreign::view(conn, &charge_id, &t.merchant_id)?.ok_or(ApiError::NotFound("charge"))?;
            Ok(Json(foreign).into_response())
        })
        .await
}
