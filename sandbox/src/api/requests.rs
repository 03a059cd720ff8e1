//! Between friends: money requests (asked of a handle, paid once with a transfer, declined,
//! or lapsed after a week) and split bills, one request per friend.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use koban_core::net::api::{self, EventData};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::common::{amount, emit, load_wallet, wallet_by_handle, AmountIn, WalletRow};
use super::doc::IdempotencyKey;
use super::transfers::{check_message, party, post_transfer, TransferOrder};
use crate::auth::{Signed, SignedJson, SignedMutation};
use crate::error::ApiError;
use crate::idem::{self, Ctx};
use crate::policy::{MAX_PENDING_REQUESTS_PER_FRIEND, MONEY_REQUESTS_PER_DAY};
use crate::state::AppState;

/// How long a money request can be paid: a week, by the host's clock.
pub const MONEY_REQUEST_TTL_SECS: i64 = 7 * 24 * 60 * 60;
/// The most friends one bill is split among.
pub const MAX_SHARES: usize = 20;
/// The longest note a request carries.
const MAX_NOTE_CHARS: usize = 140;
/// The most requests one list answers with, newest first.
const LIST_LIMIT: i64 = 200;

/// `POST /v1/money-requests`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewMoneyRequest {
    /// Who is asked to pay: a handle of a wallet in the same currency, with or without `@`.
    from: String,
    /// How much, in the requester's currency.
    amount: AmountIn,
    /// What it is for, up to 140 characters; no control or format characters.
    #[serde(default)]
    note: String,
}

/// `POST /v1/money-requests/{money_request_id}/pay`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct MoneyRequestPayment {
    /// The amount the payer was shown: the request's, or the payment is refused.
    amount: AmountIn,
}

/// One friend's share.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ShareIn {
    /// The friend's handle, with or without `@`.
    handle: String,
    /// Their share, in the organiser's currency.
    amount: AmountIn,
}

/// `POST /v1/splits`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SplitRequest {
    /// The bill, in the organiser's currency.
    total: AmountIn,
    /// What it was, up to 140 characters; each request carries it.
    #[serde(default)]
    note: String,
    /// 1 to 20 shares, one per friend, adding up to `total` exactly.
    shares: Vec<ShareIn>,
}

/// Which requests.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(super) struct MoneyRequestsQuery {
    /// Only requests in this state now: `pending`, `paid`, `declined` or `expired`.
    status: Option<String>,
}

/// A money request as stored.
struct Row {
    id: String,
    requester: String,
    payer: String,
    amount: i64,
    currency: String,
    note: String,
    status: String,
    created_at: i64,
    expires_at: i64,
    answered_at: Option<i64>,
    transaction_id: Option<String>,
    split_id: Option<String>,
}

const COLUMNS: &str = "id, requester_wallet_id, payer_wallet_id, amount, currency, note, status, created_at, \
                       expires_at, answered_at, transaction_id, split_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        requester: r.get(1)?,
        payer: r.get(2)?,
        amount: r.get(3)?,
        currency: r.get(4)?,
        note: r.get(5)?,
        status: r.get(6)?,
        created_at: r.get(7)?,
        expires_at: r.get(8)?,
        answered_at: r.get(9)?,
        transaction_id: r.get(10)?,
        split_id: r.get(11)?,
    })
}

impl Row {
    /// Its state at host time `now`: a pending request lapses once past `expires_at`.
    fn status_at(&self, now: i64) -> &str {
        if self.status == "pending" && now > self.expires_at {
            "expired"
        } else {
            &self.status
        }
    }

    fn view(&self, conn: &Connection, now: i64) -> Result<api::MoneyRequest, ApiError> {
        Ok(api::MoneyRequest {
            id: self.id.clone(),
            requester: party(&load_wallet(conn, &self.requester)?),
            payer: party(&load_wallet(conn, &self.payer)?),
            amount: amount(self.amount, &self.currency),
            note: self.note.clone(),
            status: self.status_at(now).to_owned(),
            created_at: self.created_at,
            expires_at: self.expires_at,
            answered_at: self.answered_at,
            transaction_id: self.transaction_id.clone(),
            split_id: self.split_id.clone(),
        })
    }
}

/// A request `wallet_id` takes part in; another's reads as absent (ids are not confirmed to
/// strangers).
fn load(conn: &Connection, id: &str, wallet_id: &str) -> Result<Row, ApiError> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM money_requests WHERE id = ?1"), [id], row)
        .optional()?
        .filter(|r| r.requester == wallet_id || r.payer == wallet_id)
        .ok_or(ApiError::NotFound("money request"))
}

/// A request this wallet is asked to pay, still pending; refuses one answered or lapsed.
fn pending_for(tx: &Transaction<'_>, id: &str, payer: &str, now: i64) -> Result<Row, ApiError> {
    let r = load(tx, id, payer)?;
    if r.payer != payer {
        return Err(ApiError::BadRequest("this money request is yours: the friend you asked pays it".into()));
    }
    match r.status_at(now) {
        "pending" => Ok(r),
        "expired" => Err(ApiError::RequestNotPending("has expired: ask for a new one".into())),
        other => Err(ApiError::RequestNotPending(format!("was already {other}"))),
    }
}

fn check_note(note: &str) -> Result<String, ApiError> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::BadRequest(format!("note is limited to {MAX_NOTE_CHARS} characters")));
    }
    check_message(note)?;
    Ok(note.to_owned())
}

/// What a new request says, checked against the requester.
struct Ask<'a> {
    id: &'a str,
    payer: &'a str,
    amount: &'a AmountIn,
    note: &'a str,
    split: Option<(&'a str, usize)>,
}

/// Records a request of `requester` and tells the payer: a wallet of the same currency,
/// not the requester's own.
fn ask(tx: &Transaction<'_>, ctx: &Ctx, requester: &WalletRow, a: Ask<'_>) -> Result<api::MoneyRequest, ApiError> {
    a.amount.validate()?;
    let payer = wallet_by_handle(tx, a.payer)?;
    if payer.id == requester.id {
        return Err(ApiError::BadRequest("cannot ask yourself for money".into()));
    }
    if a.amount.currency != requester.currency {
        return Err(ApiError::CurrencyMismatch(format!("requests are in the wallet's {}", requester.currency)));
    }
    if payer.currency != requester.currency {
        return Err(ApiError::CurrencyMismatch(format!(
            "@{} holds {}, this wallet {}: a money request stays in one currency",
            payer.handle, payer.currency, requester.currency
        )));
    }
    not_a_nuisance(tx, ctx.now, requester, &payer)?;
    let (split_id, position) = a.split.map_or((None, 0), |(id, i)| (Some(id), i as i64));
    tx.execute(
        "INSERT INTO money_requests (id, requester_wallet_id, payer_wallet_id, amount, currency, note, status,
                                     created_at, expires_at, split_id, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8, ?9, ?10)",
        params![
            a.id,
            requester.id,
            payer.id,
            a.amount.minor,
            requester.currency,
            a.note,
            ctx.now,
            ctx.now + MONEY_REQUEST_TTL_SECS,
            split_id,
            position
        ],
    )?;
    let view = load(tx, a.id, &requester.id)?.view(tx, ctx.now)?;
    emit(tx, &payer.id, EventData::MoneyRequestReceived(view.clone()), ctx.now)?;
    Ok(view)
}

/// Refuses a request that would make the requester a nuisance: too many still open with this
/// friend, or too many today. Counted in the database, so a restart forgets nothing.
fn not_a_nuisance(tx: &Transaction<'_>, now: i64, requester: &WalletRow, payer: &WalletRow) -> Result<(), ApiError> {
    let open_with_friend: i64 = tx.query_row(
        "SELECT COUNT(*) FROM money_requests
         WHERE requester_wallet_id = ?1 AND payer_wallet_id = ?2 AND status = 'pending' AND expires_at > ?3",
        params![requester.id, payer.id, now],
        |r| r.get(0),
    )?;
    if open_with_friend >= MAX_PENDING_REQUESTS_PER_FRIEND {
        return Err(ApiError::LimitExceeded(format!(
            "@{} already has {open_with_friend} of your requests to answer",
            payer.handle
        )));
    }
    let today: i64 = tx.query_row(
        "SELECT COUNT(*) FROM money_requests WHERE requester_wallet_id = ?1 AND created_at > ?2",
        params![requester.id, now - 24 * 3600],
        |r| r.get(0),
    )?;
    if today >= MONEY_REQUESTS_PER_DAY {
        return Err(ApiError::LimitExceeded(format!("at most {MONEY_REQUESTS_PER_DAY} money requests a day")));
    }
    Ok(())
}

/// Ask a friend for money
///
/// The friend (a wallet in the same currency) hears of it (`money_request_received`) and
/// pays or declines it within a week.
#[utoipa::path(post, path = "/v1/money-requests", tag = "friends", operation_id = "requestMoney",
    request_body = NewMoneyRequest, params(IdempotencyKey),
    responses((status = 201, description = "Asked", body = api::MoneyRequest)),
    security(("signedDevice" = [])))]
pub async fn create(State(state): State<AppState>, s: SignedJson<NewMoneyRequest>) -> Response {
    let id = state.new_id("mr");
    let (wallet_id, body) = (s.wallet_id, s.body);
    idem::run(&state, s.mutation, move |tx, ctx| {
        let requester = load_wallet(tx, &wallet_id)?;
        let note = check_note(&body.note)?;
        let a = Ask { id: &id, payer: &body.from, amount: &body.amount, note: &note, split: None };
        Ok((StatusCode::CREATED, ask(tx, ctx, &requester, a)?))
    })
    .await
}

/// Money requests to and from this wallet
///
/// Newest first, up to 200, each with its state now (a pending one lapses after a week).
#[utoipa::path(get, path = "/v1/money-requests", tag = "friends", operation_id = "listMoneyRequests",
    params(MoneyRequestsQuery),
    responses((status = 200, description = "The requests", body = api::MoneyRequests)),
    security(("signedDevice" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<MoneyRequestsQuery>,
    s: Signed,
) -> Result<Json<api::MoneyRequests>, ApiError> {
    let now = state.clock.now();
    state
        .with_db(move |conn| {
            let rows = conn
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM money_requests WHERE requester_wallet_id = ?1 OR payer_wallet_id = ?1
                     ORDER BY created_at DESC, rowid DESC LIMIT ?2"
                ))?
                .query_map(params![s.wallet_id, LIST_LIMIT], row)?
                .collect::<Result<Vec<_>, _>>()?;
            let money_requests = rows
                .iter()
                .filter(|r| q.status.as_deref().is_none_or(|st| r.status_at(now) == st))
                .map(|r| r.view(conn, now))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Json(api::MoneyRequests { money_requests }))
        })
        .await
}

/// A money request this wallet made or was asked to pay
#[utoipa::path(get, path = "/v1/money-requests/{money_request_id}", tag = "friends", operation_id = "getMoneyRequest",
    params(("money_request_id" = String, Path, description = "A request to or from this wallet")),
    responses((status = 200, description = "The request", body = api::MoneyRequest)),
    security(("signedDevice" = [])))]
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    s: Signed,
) -> Result<Json<api::MoneyRequest>, ApiError> {
    let now = state.clock.now();
    state.with_db(move |conn| Ok(Json(load(conn, &id, &s.wallet_id)?.view(conn, now)?))).await
}

/// Pay a money request
///
/// A transfer of exactly the requested amount to the requester, within the payer's limits,
/// linked to the request (`money_request_id`); once per request, whatever the key. The
/// requester hears `transfer_received` and `money_request_answered`.
#[utoipa::path(post, path = "/v1/money-requests/{money_request_id}/pay", tag = "friends",
    operation_id = "payMoneyRequest", request_body = MoneyRequestPayment,
    params(("money_request_id" = String, Path, description = "A request this wallet was asked to pay"), IdempotencyKey),
    responses((status = 201, description = "Paid", body = api::Transfer)),
    security(("signedDevice" = [])))]
pub async fn pay(
    State(state): State<AppState>,
    Path(id): Path<String>,
    s: SignedJson<MoneyRequestPayment>,
) -> Response {
    let journal_id = state.new_id("tx");
    let (wallet_id, body) = (s.wallet_id, s.body);
    idem::run(&state, s.mutation, move |tx, ctx| {
        let r = pending_for(tx, &id, &wallet_id, ctx.now)?;
        if (body.amount.minor, body.amount.currency.as_str()) != (r.amount, r.currency.as_str()) {
            let asked = koban_core::money::Money::from_minor(r.amount, crate::fx::currency(&r.currency)?);
            return Err(ApiError::AmountMismatch(format!("the request asks for {}", asked.format())));
        }
        let (payer, requester) = (load_wallet(tx, &r.payer)?, load_wallet(tx, &r.requester)?);
        let order = TransferOrder {
            from: &payer,
            to: &requester,
            amount: &body.amount,
            message: r.note.clone(),
            money_request_id: Some(&r.id),
        };
        let transfer = post_transfer(tx, ctx, &journal_id, order)?;
        answer(tx, ctx, &r, "paid", Some(&journal_id))?;
        Ok((StatusCode::CREATED, transfer))
    })
    .await
}

/// Decline a money request
///
/// Nothing moves; the requester hears `money_request_answered`. The body is not read.
#[utoipa::path(post, path = "/v1/money-requests/{money_request_id}/decline", tag = "friends",
    operation_id = "declineMoneyRequest",
    params(("money_request_id" = String, Path, description = "A request this wallet was asked to pay"), IdempotencyKey),
    responses((status = 200, description = "Declined", body = api::MoneyRequest)),
    security(("signedDevice" = [])))]
pub async fn decline(State(state): State<AppState>, Path(id): Path<String>, s: SignedMutation) -> Response {
    let wallet_id = s.wallet_id;
    idem::run(&state, s.mutation, move |tx, ctx| {
        let r = pending_for(tx, &id, &wallet_id, ctx.now)?;
        Ok((StatusCode::OK, answer(tx, ctx, &r, "declined", None)?))
    })
    .await
}

/// Marks a pending request paid or declined and tells the requester.
fn answer(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    r: &Row,
    status: &str,
    transaction_id: Option<&str>,
) -> Result<api::MoneyRequest, ApiError> {
    tx.execute(
        "UPDATE money_requests SET status = ?2, answered_at = ?3, transaction_id = ?4
         WHERE id = ?1 AND status = 'pending'",
        params![r.id, status, ctx.now, transaction_id],
    )?;
    let view = load(tx, &r.id, &r.payer)?.view(tx, ctx.now)?;
    emit(tx, &r.requester, EventData::MoneyRequestAnswered(view.clone()), ctx.now)?;
    Ok(view)
}

/// Split a bill among friends
///
/// One money request per friend for their share; the shares add up to the bill exactly
/// (equal shares put the remainder on the first). The organiser follows who has paid with
/// `GET /v1/splits/{split_id}`.
#[utoipa::path(post, path = "/v1/splits", tag = "friends", operation_id = "splitBill",
    request_body = SplitRequest, params(IdempotencyKey),
    responses((status = 201, description = "Split, every friend asked", body = api::Split)),
    security(("signedDevice" = [])))]
pub async fn split(State(state): State<AppState>, s: SignedJson<SplitRequest>) -> Response {
    let split_id = state.new_id("sp");
    let ids: Vec<String> = (0..s.body.shares.len().min(MAX_SHARES)).map(|_| state.new_id("mr")).collect();
    let (wallet_id, body) = (s.wallet_id, s.body);
    idem::run(&state, s.mutation, move |tx, ctx| {
        let organiser = load_wallet(tx, &wallet_id)?;
        body.total.validate()?;
        if body.total.currency != organiser.currency {
            return Err(ApiError::CurrencyMismatch(format!("a bill is split in the wallet's {}", organiser.currency)));
        }
        if body.shares.is_empty() || body.shares.len() > MAX_SHARES {
            return Err(ApiError::BadRequest(format!("a bill is split among 1 to {MAX_SHARES} friends")));
        }
        let mut sum = 0i64;
        let mut seen = std::collections::HashSet::new();
        for share in &body.shares {
            share.amount.validate()?;
            sum = sum.saturating_add(share.amount.minor);
            if !seen.insert(share.handle.trim().trim_start_matches('@').to_ascii_lowercase()) {
                return Err(ApiError::BadRequest(format!("{} has two shares", share.handle)));
            }
        }
        if sum != body.total.minor {
            return Err(ApiError::BadRequest(format!(
                "the shares add up to {sum}, the bill is {} ({} minor units): they must add up exactly",
                body.total.minor, body.total.currency
            )));
        }
        let note = check_note(&body.note)?;
        tx.execute(
            "INSERT INTO splits (id, organiser_wallet_id, total, currency, note, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![split_id, organiser.id, body.total.minor, organiser.currency, note, ctx.now],
        )?;
        for (i, (share, id)) in body.shares.iter().zip(&ids).enumerate() {
            let a = Ask { id, payer: &share.handle, amount: &share.amount, note: &note, split: Some((&split_id, i)) };
            ask(tx, ctx, &organiser, a)?;
        }
        Ok((StatusCode::CREATED, split_view(tx, &split_id, &organiser.id, ctx.now)?))
    })
    .await
}

/// A split bill and who has paid
#[utoipa::path(get, path = "/v1/splits/{split_id}", tag = "friends", operation_id = "getSplit",
    params(("split_id" = String, Path, description = "A split this wallet organised")),
    responses((status = 200, description = "The split", body = api::Split)),
    security(("signedDevice" = [])))]
pub async fn get_split(
    State(state): State<AppState>,
    Path(id): Path<String>,
    s: Signed,
) -> Result<Json<api::Split>, ApiError> {
    let now = state.clock.now();
    state.with_db(move |conn| Ok(Json(split_view(conn, &id, &s.wallet_id, now)?))).await
}

/// The organiser's view of a split: every share's request, and what is paid so far.
fn split_view(conn: &Connection, id: &str, organiser: &str, now: i64) -> Result<api::Split, ApiError> {
    let (total, currency, note, created_at): (i64, String, String, i64) = conn
        .query_row(
            "SELECT total, currency, note, created_at FROM splits WHERE id = ?1 AND organiser_wallet_id = ?2",
            params![id, organiser],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or(ApiError::NotFound("split"))?;
    let rows = conn
        .prepare(&format!("SELECT {COLUMNS} FROM money_requests WHERE split_id = ?1 ORDER BY position"))?
        .query_map([id], row)?
        .collect::<Result<Vec<_>, _>>()?;
    let paid = rows.iter().filter(|r| r.status == "paid").map(|r| r.amount).sum();
    Ok(api::Split {
        id: id.to_owned(),
        organiser: party(&load_wallet(conn, organiser)?),
        total: amount(total, &currency),
        note,
        paid: amount(paid, &currency),
        requests: rows.iter().map(|r| r.view(conn, now)).collect::<Result<_, _>>()?,
        created_at,
    })
}
