//! Enrolment, wallet, KYC, banks and top-up.

use crate::journal_meta::{self, BankMeta};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use koban_core::net::api::{self, EventData};
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::common::{amount, emit, load_wallet, own, wallet_view, AmountIn};
use super::doc::IdempotencyKey;
use crate::auth::{self, RawRequest, Signed, SignedJson, SignedMutation};
use crate::error::ApiError;
use crate::idem;
use crate::ledger::{self, JournalHeader, Leg};
use crate::state::AppState;

/// Home countries a wallet may be enrolled in, with their currency.
pub const HOME_COUNTRIES: &[(&str, &str)] = &[
    ("JP", "JPY"),
    ("TH", "THB"),
    ("SG", "SGD"),
    ("ID", "IDR"),
    ("MY", "MYR"),
    ("PH", "PHP"),
    ("KH", "KHR"),
    ("VN", "VND"),
    ("IN", "INR"),
];

/// Opening balance of a newly linked sandbox bank account when none is asked for.
pub const DEFAULT_BANK_OPENING_BALANCE_JPY: i64 = 1_000_000;

/// `POST /v1/devices`: the key being enrolled, which also signs the request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct EnrolRequest {
    /// The device's P-256 public key (uncompressed point), base64url without padding.
    public_key: String,
    /// Home country: JP, TH, SG, ID, MY, PH, KH, VN or IN.
    country: String,
    /// 3-24 of a-z, 0-9, `_` and `.` (a leading `@` is dropped).
    handle: String,
    /// Shown to everyone who pays this wallet; no control or format characters.
    display_name: String,
}

fn valid_handle(h: &str) -> bool {
    (3..=24).contains(&h.len())
        && h.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
}

/// Enrol a device key and create its wallet
///
/// Signed by the key being enrolled, which proves possession.
#[utoipa::path(post, path = "/v1/devices", tag = "wallet", operation_id = "enrol",
    request_body = EnrolRequest, params(IdempotencyKey),
    responses((status = 201, description = "Enrolled", body = api::Enrolment)),
    security(("signedDevice" = [])))]
pub async fn enrol(State(state): State<AppState>, req: RawRequest) -> Response {
    match enrol_inner(state, req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn enrol_inner(state: AppState, req: RawRequest) -> Result<Response, ApiError> {
    let body: EnrolRequest = req.json()?;
    let public_key = auth::decode_public_key(&body.public_key)?;
    let device_id = auth::verify_enrolment(&state, &req, &public_key).await?.device_id;
    let m = req.mutation(device_id.clone())?;
    let wallet_id = state.new_id("w");
    Ok(idem::run(&state, m, move |tx, ctx| {
        let handle = body.handle.trim_start_matches('@').to_ascii_lowercase();
        if !valid_handle(&handle) {
            return Err(ApiError::BadRequest("handle must be 3-24 of a-z, 0-9, '_' and '.'".into()));
        }
        // Shown to everyone who pays this wallet: no bidi overrides or invisible characters.
        let display_name = koban_core::text::check_display_text(&body.display_name, 60)
            .map_err(|e| ApiError::BadRequest(format!("display_name {e}")))?;
        let currency = HOME_COUNTRIES
            .iter()
            .find(|(c, _)| *c == body.country)
            .map(|(_, cur)| *cur)
            .ok_or_else(|| ApiError::BadRequest(format!("unsupported home country {}", body.country)))?;
        let exists: bool =
            tx.query_row("SELECT EXISTS(SELECT 1 FROM devices WHERE id = ?1)", [&device_id], |r| r.get(0))?;
        if exists {
            return Err(ApiError::AlreadyEnrolled);
        }
        let taken: bool =
            tx.query_row("SELECT EXISTS(SELECT 1 FROM wallets WHERE handle = ?1)", [&handle], |r| r.get(0))?;
        if taken {
            return Err(ApiError::HandleTaken);
        }
        let account = format!("wallet:{wallet_id}");
        ledger::create_account(tx, &account, "wallet", currency, false, &format!("Wallet @{handle}"))?;
        tx.execute(
            "INSERT INTO wallets (id, handle, display_name, country, currency, tier, account_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'unverified', ?6, ?7)",
            params![wallet_id, handle, display_name, body.country, currency, account, ctx.now],
        )?;
        tx.execute(
            "INSERT INTO devices (id, wallet_id, public_key, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![device_id, wallet_id, public_key, ctx.now],
        )?;
        let w = load_wallet(tx, &wallet_id)?;
        Ok((StatusCode::CREATED, api::Enrolment { device_id, wallet: wallet_view(tx, &w, ctx.now)? }))
    })
    .await)
}

/// Balance, tier and limits
#[utoipa::path(get, path = "/v1/wallets/{wallet_id}", tag = "wallet", operation_id = "getWallet",
    params(("wallet_id" = String, Path, description = "This device's wallet")),
    responses((status = 200, description = "The wallet", body = api::Wallet)),
    security(("signedDevice" = [])))]
pub async fn wallet(
    State(state): State<AppState>,
    Path(wallet_id): Path<String>,
    // The signer's own wallet: the extractor refuses another's path.
    _signed: Signed,
) -> Result<Json<api::Wallet>, ApiError> {
    let now = state.clock.now();
    state.with_db(move |conn| Ok(Json(wallet_view(conn, &load_wallet(conn, &wallet_id)?, now)?))).await
}

/// `POST /v1/wallets/{wallet_id}/kyc`: the identity to verify.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct KycRequest {
    /// Legal name, 1-100 characters.
    legal_name: String,
    /// `YYYY-MM-DD`.
    date_of_birth: String,
    /// At least five characters.
    document_number: String,
}

fn valid_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&d[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&d[8..10].parse::<u8>().unwrap_or(0))
}

/// Verify the wallet's identity
///
/// The sandbox verifies any well-formed identity at once.
#[utoipa::path(post, path = "/v1/wallets/{wallet_id}/kyc", tag = "wallet", operation_id = "verifyIdentity",
    request_body = KycRequest,
    params(("wallet_id" = String, Path, description = "This device's wallet"), IdempotencyKey),
    responses((status = 200, description = "The verified wallet", body = api::Wallet)),
    security(("signedDevice" = [])))]
pub async fn kyc(State(state): State<AppState>, Path(wallet_id): Path<String>, s: SignedJson<KycRequest>) -> Response {
    let body = s.body;
    idem::run(&state, s.mutation, move |tx, ctx| {
        let name = body.legal_name.trim();
        if name.is_empty()
            || name.chars().count() > 100
            || !valid_date(&body.date_of_birth)
            || body.document_number.trim().len() < 5
        {
            return Err(ApiError::BadRequest(
                "legal_name, date_of_birth (YYYY-MM-DD) and document_number are required".into(),
            ));
        }
        tx.execute("UPDATE wallets SET tier = 'verified', legal_name = ?2 WHERE id = ?1", params![wallet_id, name])?;
        let w = load_wallet(tx, &wallet_id)?;
        let body = wallet_view(tx, &w, ctx.now)?;
        emit(tx, &wallet_id, EventData::KycVerified(api::KycVerified { tier: w.tier.clone() }), ctx.now)?;
        Ok((StatusCode::OK, body))
    })
    .await
}

/// What a receive code asks for, when it asks for something.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(super) struct ReceiveCodeQuery {
    /// The amount to be paid, minor units of the wallet's currency: whoever pays the code pays
    /// exactly this. Without it the payer chooses.
    amount: Option<i64>,
    /// What it is for, up to 25 characters (the code's purpose field, shown to the payer).
    note: Option<String>,
}

/// An EMV person-to-person code for this wallet
///
/// With `amount` (and a `note`) it asks for exactly that amount: a transfer to it for any
/// other amount is refused with `amount_mismatch`.
#[utoipa::path(get, path = "/v1/wallets/{wallet_id}/receive-code", tag = "wallet", operation_id = "receiveCode",
    params(("wallet_id" = String, Path, description = "This device's wallet"), ReceiveCodeQuery),
    responses((status = 200, description = "The code", body = api::ReceiveCode)),
    security(("signedDevice" = [])))]
pub async fn receive_code(
    State(state): State<AppState>,
    Path(wallet_id): Path<String>,
    Query(q): Query<ReceiveCodeQuery>,
    // The signer's own wallet: the extractor refuses another's path.
    _signed: Signed,
) -> Result<Json<api::ReceiveCode>, ApiError> {
    state
        .with_db(move |conn| {
            let w = load_wallet(conn, &wallet_id)?;
            let plain = crate::codes::receive_code(&w.handle, &w.display_name, &w.country, &w.currency)?;
            let payload = match (q.amount, q.note) {
                (None, None) => plain,
                (amount, note) => asking(&plain, &w.currency, amount, note.as_deref())?,
            };
            Ok(Json(api::ReceiveCode { payload, handle: w.handle }))
        })
        .await
}

/// A receive code that asks for `amount` (minor units of `currency`) and says what for.
fn asking(plain: &str, currency: &str, amount: Option<i64>, note: Option<&str>) -> Result<String, ApiError> {
    let view = koban_core::emv::MpmView::parse(plain).map_err(|e| ApiError::Internal(format!("receive code: {e}")))?;
    let mut code = koban_core::emv::MerchantCode::from_view(&view)
        .ok_or_else(|| ApiError::Internal("receive code: unreadable".into()))?;
    if let Some(minor) = amount {
        AmountIn { minor, currency: currency.to_owned() }.validate()?;
        code.amount = Some(koban_core::money::Money::from_minor(minor, crate::fx::currency(currency)?));
    }
    if let Some(note) = note {
        // The payer reads it before paying: no bidi overrides or invisible characters.
        let note =
            koban_core::text::check_display_text(note, 25).map_err(|e| ApiError::BadRequest(format!("note {e}")))?;
        if !note.is_empty() {
            code.additional_data.push(koban_core::emv::Field::new(8, note));
        }
    }
    code.encode().map_err(|e| ApiError::BadRequest(format!("receive code: {e}")))
}

/// Which banks.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(super) struct BanksQuery {
    /// Only this country's banks (ISO 3166-1 alpha-2), e.g. a wallet's home country.
    country: Option<String>,
}

/// The simulated banks
#[utoipa::path(get, path = "/v1/banks", tag = "banks", operation_id = "listBanks",
    params(BanksQuery),
    responses((status = 200, description = "The banks, main ones first", body = api::Banks)))]
pub async fn banks(State(state): State<AppState>, Query(q): Query<BanksQuery>) -> Result<Json<api::Banks>, ApiError> {
    let country = q.country.map(|c| c.to_ascii_uppercase());
    state
        .with_db(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT id, name, country, currency FROM banks WHERE ?1 IS NULL OR country = ?1 ORDER BY rowid",
            )?;
            let banks = stmt
                .query_map([country], |r| {
                    Ok(api::Bank { id: r.get(0)?, name: r.get(1)?, country: r.get(2)?, currency: r.get(3)? })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Json(api::Banks { banks }))
        })
        .await
}

fn link_view(conn: &rusqlite::Connection, link_id: &str) -> Result<api::BankLink, ApiError> {
    let (bank_id, bank_name, last4, holder, account, currency): (String, String, String, String, String, String) = conn
        .query_row(
            "SELECT l.bank_id, b.name, l.account_last4, l.holder_name, l.account_id, b.currency
             FROM bank_links l JOIN banks b ON b.id = l.bank_id WHERE l.id = ?1",
            [link_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()?
        .ok_or(ApiError::NotFound("bank link"))?;
    Ok(api::BankLink {
        id: link_id.to_owned(),
        bank_id,
        bank_name,
        account_last4: last4,
        holder_name: holder,
        balance: amount(ledger::balance(conn, &account)?, &currency),
    })
}

/// This wallet's linked bank accounts with their bank balances
#[utoipa::path(get, path = "/v1/bank-links", tag = "banks", operation_id = "listBankLinks",
    responses((status = 200, description = "Linked accounts, oldest first", body = api::BankLinks)),
    security(("signedDevice" = [])))]
pub async fn bank_links(State(state): State<AppState>, s: Signed) -> Result<Json<api::BankLinks>, ApiError> {
    state
        .with_db(move |conn| {
            let ids: Vec<String> = conn
                .prepare(
                    "SELECT id FROM bank_links WHERE wallet_id = ?1 AND unlinked_at IS NULL ORDER BY created_at, id",
                )?
                .query_map([&s.wallet_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let bank_links = ids.iter().map(|id| link_view(conn, id)).collect::<Result<Vec<_>, _>>()?;
            Ok(Json(api::BankLinks { bank_links }))
        })
        .await
}

/// End a bank link
///
/// The account takes no more top-ups or withdrawals; what moved through it stays in the
/// history. Unlinking again answers the same. The body is not read.
#[utoipa::path(post, path = "/v1/bank-links/{bank_link_id}/unlink", tag = "banks", operation_id = "unlinkBank",
    params(("bank_link_id" = String, Path, description = "A link of this wallet"), IdempotencyKey),
    responses((status = 200, description = "Unlinked", body = api::BankUnlinked)),
    security(("signedDevice" = [])))]
pub async fn unlink_bank(State(state): State<AppState>, Path(link_id): Path<String>, s: SignedMutation) -> Response {
    let wallet_id = s.wallet_id;
    idem::run(&state, s.mutation, move |tx, ctx| {
        let (owner, unlinked): (String, Option<i64>) = tx
            .query_row("SELECT wallet_id, unlinked_at FROM bank_links WHERE id = ?1", [&link_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or(ApiError::NotFound("bank link"))?;
        // Another wallet's link reads as absent, not forbidden: ids are not confirmed to strangers.
        own(&owner, &wallet_id).map_err(|_| ApiError::NotFound("bank link"))?;
        let at = match unlinked {
            Some(at) => at,
            None => {
                tx.execute(
                    "UPDATE bank_links SET unlinked_at = ?2 WHERE id = ?1",
                    rusqlite::params![link_id, ctx.now],
                )?;
                ctx.now
            }
        };
        Ok((StatusCode::OK, api::BankUnlinked { bank_link_id: link_id, unlinked_at: at }))
    })
    .await
}

/// `POST /v1/bank-links`: an account at a simulated bank.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct BankLinkRequest {
    /// A bank of `GET /v1/banks` in the wallet's currency.
    bank_id: String,
    /// Seven digits.
    account_number: String,
    /// Account holder.
    holder_name: String,
    /// Sandbox only: what the simulated bank account starts with, in JPY (default 1,000,000).
    sandbox_opening_balance: Option<i64>,
}

/// Link an account at a simulated bank
///
/// The simulated bank opens the account with a balance.
#[utoipa::path(post, path = "/v1/bank-links", tag = "banks", operation_id = "linkBank",
    request_body = BankLinkRequest, params(IdempotencyKey),
    responses((status = 201, description = "Linked", body = api::BankLink)),
    security(("signedDevice" = [])))]
pub async fn link_bank(State(state): State<AppState>, s: SignedJson<BankLinkRequest>) -> Response {
    let (link_id, journal_id) = (state.new_id("bl"), state.new_id("j"));
    let (wallet_id, body) = (s.wallet_id, s.body);
    idem::run(&state, s.mutation, move |tx, ctx| {
        if body.account_number.len() != 7 || !body.account_number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::BadRequest("account_number must be 7 digits".into()));
        }
        if body.holder_name.trim().is_empty() {
            return Err(ApiError::BadRequest("holder_name is required".into()));
        }
        let w = load_wallet(tx, &wallet_id)?;
        // In the bank's (the wallet's) currency's minor units; ¥1,000,000's worth by default.
        let opening = match body.sandbox_opening_balance {
            Some(o) => o,
            None => crate::fx::from_jpy(DEFAULT_BANK_OPENING_BALANCE_JPY, &w.currency)?,
        };
        if !(0..=super::common::MAX_AMOUNT_MINOR).contains(&opening) {
            return Err(ApiError::BadRequest("sandbox_opening_balance out of range".into()));
        }
        let (bank_currency, reserve): (String, String) = tx
            .query_row("SELECT currency, reserve_account FROM banks WHERE id = ?1", [&body.bank_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or(ApiError::NotFound("bank"))?;
        if bank_currency != w.currency {
            return Err(ApiError::CurrencyMismatch(format!("bank holds {bank_currency}, wallet is {}", w.currency)));
        }
        let account = format!("bank:{link_id}");
        let last4 = &body.account_number[3..];
        ledger::create_account(
            tx,
            &account,
            "bank_customer",
            &bank_currency,
            false,
            &format!("{} ****{last4}", body.bank_id),
        )?;
        tx.execute(
            "INSERT INTO bank_links (id, wallet_id, bank_id, account_last4, holder_name, account_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![link_id, wallet_id, body.bank_id, last4, body.holder_name.trim(), account, ctx.now],
        )?;
        if opening > 0 {
            let meta = journal_meta::to_value(&BankMeta {
                bank_link_id: &link_id,
                bank_name: None,
                description: "Sandbox bank account opening balance".into(),
            })?;
            let header = JournalHeader {
                id: &journal_id,
                kind: "bank_funding",
                wallet_id: None,
                idempotency: None,
                meta: &meta,
                now: ctx.now,
            };
            ledger::post(tx, &header, &[Leg::new(reserve, -opening), Leg::new(account, opening)])?;
        }
        Ok((StatusCode::CREATED, link_view(tx, &link_id)?))
    })
    .await
}

/// `POST /v1/topups`: money from a linked bank account into the wallet.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TopUpRequest {
    /// One of this wallet's bank links.
    bank_link_id: String,
    /// How much, in the wallet's currency.
    amount: AmountIn,
}

/// Move money from a linked bank account into the wallet
#[utoipa::path(post, path = "/v1/topups", tag = "banks", operation_id = "topUp",
    request_body = TopUpRequest, params(IdempotencyKey),
    responses((status = 201, description = "Topped up", body = api::TopUp)),
    security(("signedDevice" = [])))]
pub async fn top_up(State(state): State<AppState>, s: SignedJson<TopUpRequest>) -> Response {
    let journal_id = state.new_id("tx");
    let (wallet_id, body) = (s.wallet_id, s.body);
    idem::run(&state, s.mutation, move |tx, ctx| {
        body.amount.validate()?;
        let w = load_wallet(tx, &wallet_id)?;
        let (owner, bank_account, bank_name): (String, String, String) = tx
            .query_row(
                "SELECT l.wallet_id, l.account_id, b.name FROM bank_links l JOIN banks b ON b.id = l.bank_id
                 WHERE l.id = ?1 AND l.unlinked_at IS NULL",
                [&body.bank_link_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or(ApiError::NotFound("bank link"))?;
        own(&owner, &wallet_id)?;
        if body.amount.currency != w.currency {
            return Err(ApiError::CurrencyMismatch(format!(
                "top-up in {}, wallet is {}",
                body.amount.currency, w.currency
            )));
        }
        let x = body.amount.minor;
        let meta = journal_meta::to_value(&BankMeta {
            bank_link_id: &body.bank_link_id,
            bank_name: Some(&bank_name),
            description: format!("Top-up from {bank_name}"),
        })?;
        let header = ctx.journal(&journal_id, "topup", &wallet_id, &meta);
        ledger::post(tx, &header, &[Leg::new(bank_account, -x), Leg::new(w.account_id.clone(), x)])?;
        let balance = ledger::balance(tx, &w.account_id)?;
        let out = api::TopUp {
            id: journal_id,
            kind: "topup".into(),
            status: "completed".into(),
            amount: amount(x, &w.currency),
            balance: amount(balance, &w.currency),
            bank_link_id: body.bank_link_id,
            created_at: ctx.now,
        };
        emit(tx, &wallet_id, EventData::TopupCompleted(out.clone()), ctx.now)?;
        Ok((StatusCode::CREATED, out))
    })
    .await
}
