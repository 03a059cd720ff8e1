//! HTTP routes: each network's acquiring API and its merchant-presented API (a partner wallet
//! paying the network's merchants) in its own shape, the users' phones, the merchants' apps,
//! the operator.

mod admin;
mod alipay_plus;
mod alipay_plus_mpm;
mod merchant;
mod unionpay;
mod unionpay_mpm;
mod wallet;
mod wechat_pay;
mod wechat_pay_mpm;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::engine::mpm::MpmPayment;
use crate::engine::Payment;
use crate::error::{Refusal, RefusalKind};
use crate::model::PaymentStatus;
use crate::network::Network;
use crate::state::AppState;
use crate::wire::Meaning;

/// Every route, without state.
pub fn routes() -> Router<AppState> {
    use crate::wire::{alipay_plus as ap, unionpay as up, wechat_pay as wx};
    use crate::wire::{alipay_plus_mpm as ap_mpm, unionpay_mpm as up_mpm, wechat_pay_mpm as wx_mpm};
    Router::new()
        .route("/", get(info))
        .route(ap::PATH_PAY, post(alipay_plus::pay))
        .route(ap::PATH_INQUIRY, post(alipay_plus::inquiry))
        .route(ap::PATH_CANCEL, post(alipay_plus::cancel))
        .route(ap::PATH_REFUND, post(alipay_plus::refund))
        .route(wx::PATH_MICROPAY, post(wechat_pay::micropay))
        .route(wx::PATH_ORDERQUERY, post(wechat_pay::orderquery))
        .route(wx::PATH_REVERSE, post(wechat_pay::reverse))
        .route(wx::PATH_REFUND, post(wechat_pay::refund))
        .route(up::PATH_TRANS, post(unionpay::trans))
        .route(up::PATH_QUERY, post(unionpay::query))
        .route(ap_mpm::PATH_DECODE, post(alipay_plus_mpm::decode))
        .route(ap_mpm::PATH_PAY, post(alipay_plus_mpm::pay))
        .route(ap_mpm::PATH_INQUIRY, post(alipay_plus_mpm::inquiry))
        .route(ap_mpm::PATH_CANCEL, post(alipay_plus_mpm::cancel))
        .route(wx_mpm::PATH_DECODE, post(wechat_pay_mpm::decode))
        .route(wx_mpm::PATH_PAY, post(wechat_pay_mpm::pay))
        .route(wx_mpm::PATH_ORDERQUERY, post(wechat_pay_mpm::orderquery))
        .route(wx_mpm::PATH_REVERSE, post(wechat_pay_mpm::reverse))
        .route(up_mpm::PATH_DECODE, post(unionpay_mpm::decode))
        .route(up_mpm::PATH_TRANS, post(unionpay_mpm::trans))
        .route(up_mpm::PATH_QUERY, post(unionpay_mpm::query))
        .route("/merchant/v1/merchants", get(merchant::merchants))
        .route("/merchant/v1/merchants/{key}", get(merchant::merchant))
        .route("/wallet/v1/users", get(wallet::users))
        .route("/wallet/v1/users/{id}", get(wallet::user))
        .route("/wallet/v1/users/{id}/history", get(wallet::history))
        .route("/wallet/v1/users/{id}/codes", post(wallet::issue_code))
        .route("/admin/faults", get(admin::get_faults).put(admin::put_faults))
        .route("/admin/clock", get(admin::get_clock).post(admin::advance_clock))
        .route("/admin/invariants", get(admin::invariants))
        .route("/admin/users", post(admin::create_user))
}

async fn info() -> Response {
    let networks: Vec<_> = Network::ALL.iter().map(|n| serde_json::json!({ "id": n.id(), "name": n.name() })).collect();
    axum::Json(serde_json::json!({ "service": "koban-partners", "networks": networks })).into_response()
}

/// A refusal in `network`'s error shape (used by the fault switch too).
pub fn refusal_response(network: Network, refusal: &Refusal) -> Response {
    match network {
        Network::AlipayPlus => alipay_plus::refusal(refusal),
        Network::WechatPay => wechat_pay::refusal(refusal),
        Network::Unionpay => unionpay::refusal(refusal),
    }
}

/// What a refusal means on the wire.
fn refusal_meaning(refusal: &Refusal) -> Meaning {
    if refusal.is_unknown_outcome() {
        Meaning::Unknown
    } else {
        Meaning::Refused(refusal.kind())
    }
}

/// The HTTP status a refusal travels with: business refusals are ordinary answers.
fn refusal_status(refusal: &Refusal) -> StatusCode {
    match refusal_meaning(refusal) {
        Meaning::Unknown => StatusCode::INTERNAL_SERVER_ERROR,
        Meaning::Refused(RefusalKind::Unauthorized) => StatusCode::UNAUTHORIZED,
        Meaning::Refused(RefusalKind::BadRequest) => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    }
}

/// What a payment's state means on the wire.
fn payment_meaning(p: &Payment) -> Meaning {
    match (p.status, p.failure) {
        (PaymentStatus::Success, _) => Meaning::Success,
        (PaymentStatus::Processing, _) => Meaning::Processing,
        (PaymentStatus::Cancelled, _) => Meaning::Cancelled,
        (PaymentStatus::Failed, Some(f)) => Meaning::Failed(f),
        (PaymentStatus::Failed, None) => Meaning::Refused(RefusalKind::Other),
    }
}

/// What a merchant-presented payment's state means on the wire.
fn mpm_meaning(p: &MpmPayment) -> Meaning {
    match (p.status, p.failure) {
        (PaymentStatus::Success, _) => Meaning::Success,
        (PaymentStatus::Processing, _) => Meaning::Processing,
        (PaymentStatus::Cancelled, _) => Meaning::Cancelled,
        (PaymentStatus::Failed, Some(f)) => Meaning::Failed(f),
        (PaymentStatus::Failed, None) => Meaning::Refused(RefusalKind::Other),
    }
}

fn message(meaning: Meaning, refusal: Option<&Refusal>) -> String {
    if let Some(r) = refusal {
        return r.to_string();
    }
    match meaning {
        Meaning::Success => "success".into(),
        Meaning::Processing => "the user is confirming the payment; inquire again".into(),
        Meaning::Failed(f) => f.message().into(),
        Meaning::Cancelled => "the payment was cancelled".into(),
        Meaning::Refused(k) => format!("refused: {k:?}"),
        Meaning::Unknown => "system error; the outcome is unknown".into(),
    }
}

/// Checks a request id: 1 to `max` characters, each allowed by `ok`.
fn check_id(name: &str, value: &str, min: usize, max: usize, ok: fn(u8) -> bool) -> Result<(), Refusal> {
    if value.len() < min || value.len() > max || !value.bytes().all(ok) {
        return Err(Refusal::BadRequest(format!("{name} must be {min} to {max} allowed characters")));
    }
    Ok(())
}

/// Checks a free-text field's length and refuses control characters.
fn check_text(name: &str, value: &str, max: usize) -> Result<(), Refusal> {
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(Refusal::BadRequest(format!("{name} must be at most {max} printable characters")));
    }
    Ok(())
}

/// Checks an ISO 4217 alpha-3 code's shape (whether a network prices it is the engine's call).
fn check_currency(value: &str) -> Result<(), Refusal> {
    if value.len() != 3 || !value.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Refusal::BadRequest("currency must be an ISO 4217 alpha-3 code".into()));
    }
    Ok(())
}
