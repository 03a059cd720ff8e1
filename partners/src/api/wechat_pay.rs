//! WeChat Pay in its own shape: `return_code` for the call, `result_code` / `err_code` for what
//! happened, `trade_state` for an order's state.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::{check_currency, check_id, check_text, message, payment_meaning, refusal_meaning, refusal_status};
use crate::auth::{authenticate, RawRequest};
use crate::engine::{self, PayInput, Payment, PaymentRef, RefundInput};
use crate::error::Refusal;
use crate::fx;
use crate::model::{Amount, PayFailure, PaymentStatus};
use crate::network::Network;
use crate::state::AppState;
use crate::time;
use crate::wire::wechat_pay::*;
use crate::wire::{code_for, Meaning};

const NETWORK: Network = Network::WechatPay;

pub(super) fn out_trade_no_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_-|*@".contains(&b)
}

/// `(result_code, err_code, err_code_des)` for a meaning.
pub(super) fn outcome(meaning: Meaning, refusal: Option<&Refusal>) -> (String, Option<String>, Option<String>) {
    if meaning == Meaning::Success {
        return (SUCCESS.into(), None, None);
    }
    let code = code_for(CODES, meaning, "ERROR");
    (FAIL.into(), Some(code.into()), Some(message(meaning, refusal)))
}

/// A refusal as WeChat Pay answers it: authentication, parameter and system errors fail the
/// call itself (`return_code` FAIL); the rest are business results.
pub(super) fn refusal(r: &Refusal) -> Response {
    let meaning = refusal_meaning(r);
    let (result_code, err_code, err_code_des) = outcome(meaning, Some(r));
    let call_failed = refusal_status(r) != axum::http::StatusCode::OK;
    let body = serde_json::json!({
        "return_code": if call_failed { FAIL } else { SUCCESS },
        "return_msg": if call_failed { r.to_string() } else { "OK".to_owned() },
        "result_code": result_code,
        "err_code": err_code,
        "err_code_des": err_code_des,
    });
    (refusal_status(r), Json(body)).into_response()
}

pub(super) fn respond(outcome: Result<Response, Refusal>) -> Response {
    outcome.unwrap_or_else(|r| refusal(&r))
}

pub(super) fn check_acquirer(acquirer: &str, mch_id: &str, appid: &str) -> Result<(), Refusal> {
    if mch_id != acquirer {
        return Err(Refusal::BadSignature("mch_id is not the signing acquirer".into()));
    }
    check_id("appid", appid, 1, 32, |b| b.is_ascii_graphic())
}

/// The rate as WeChat Pay states it: times 10^8, an integer.
pub(super) fn wechat_rate(rate: i128) -> String {
    (rate / (fx::RATE_SCALE / 100_000_000)).to_string()
}

fn trade_state(p: &Payment) -> &'static str {
    match (p.status, p.failure) {
        (PaymentStatus::Success, _) if p.refunded > 0 => trade_state::REFUND,
        (PaymentStatus::Success, _) => trade_state::SUCCESS,
        (PaymentStatus::Processing, _) => trade_state::USERPAYING,
        (PaymentStatus::Cancelled, _) => trade_state::REVOKED,
        (PaymentStatus::Failed, Some(PayFailure::UserTimeout)) => trade_state::CLOSED,
        (PaymentStatus::Failed, _) => trade_state::PAYERROR,
    }
}

fn order_response(p: &Payment, query: bool) -> OrderResponse {
    let meaning = payment_meaning(p);
    let (result_code, err_code, err_code_des) = outcome(if query { Meaning::Success } else { meaning }, None);
    let charged = p.status != PaymentStatus::Failed && !p.tombstone;
    OrderResponse {
        return_code: SUCCESS.into(),
        return_msg: Some("OK".into()),
        result_code: Some(result_code),
        err_code,
        err_code_des,
        trade_state: query.then(|| trade_state(p).to_owned()),
        trade_state_desc: query.then(|| message(meaning, None)),
        trade_type: Some("MICROPAY".into()),
        transaction_id: (!p.tombstone).then(|| p.id.clone()),
        out_trade_no: Some(p.request_id.clone()),
        openid: p.customer_no.clone(),
        total_fee: (!p.tombstone).then_some(p.amount.value),
        fee_type: (!p.tombstone).then(|| p.amount.currency.clone()),
        cash_fee: p.user_amount.as_ref().filter(|_| charged).map(|a| a.value),
        cash_fee_type: p.user_amount.as_ref().filter(|_| charged).map(|a| a.currency.clone()),
        rate: p.rate.filter(|_| charged).map(wechat_rate),
        time_end: p.completed_at.filter(|_| p.captured).map(time::compact),
    }
}

fn order_ref(r: &OrderRef) -> Result<PaymentRef, Refusal> {
    match (&r.transaction_id, &r.out_trade_no) {
        (Some(id), _) => {
            check_id("transaction_id", id, 1, 64, |b| b.is_ascii_graphic())?;
            Ok(PaymentRef::PaymentId(id.clone()))
        }
        (None, Some(no)) => {
            check_id("out_trade_no", no, 1, 32, out_trade_no_char)?;
            Ok(PaymentRef::RequestId(no.clone()))
        }
        (None, None) => Err(Refusal::BadRequest("transaction_id or out_trade_no is required".into())),
    }
}

/// `POST /pay/micropay`.
pub(super) async fn micropay(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let acquirer = authenticate(&state, &req).await?;
            let body: MicropayRequest = req.json()?;
            check_acquirer(&acquirer, &body.mch_id, &body.appid)?;
            check_id("out_trade_no", &body.out_trade_no, 1, 32, out_trade_no_char)?;
            check_id("nonce_str", &body.nonce_str, 1, 32, |b| b.is_ascii_alphanumeric())?;
            check_currency(&body.fee_type)?;
            check_text("body", &body.body, 128)?;
            check_text("auth_code", &body.auth_code, 128)?;
            if body.total_fee <= 0 {
                return Err(Refusal::BadRequest("total_fee must be positive".into()));
            }
            let merchant_id = body.sub_mch_id.clone().unwrap_or_default();
            check_text("sub_mch_id", &merchant_id, 32)?;
            // WeChat Pay's convention for `body` is "Shop name-what was bought".
            let (merchant_name, description) = match body.body.split_once('-') {
                Some((shop, item)) => (shop.trim().to_owned(), item.trim().to_owned()),
                None => (String::new(), body.body.clone()),
            };
            let input = PayInput {
                acquirer,
                network: NETWORK,
                request_id: body.out_trade_no,
                code: body.auth_code.trim().to_owned(),
                amount: Amount::new(body.total_fee, body.fee_type),
                merchant_id,
                merchant_name,
                description,
            };
            let plan = state.faults.paying_plan();
            let p = engine::run(&state, move |tx, now| engine::pay(tx, &input, plan, now)).await?;
            Ok(Json(order_response(&p, false)).into_response())
        }
        .await,
    )
}

/// `POST /pay/orderquery`.
pub(super) async fn orderquery(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let acquirer = authenticate(&state, &req).await?;
            let body: OrderRef = req.json()?;
            check_acquirer(&acquirer, &body.mch_id, &body.appid)?;
            let reference = order_ref(&body)?;
            let p =
                engine::run(&state, move |tx, now| engine::inquire(tx, &acquirer, NETWORK, &reference, now)).await?;
            Ok(Json(order_response(&p, true)).into_response())
        }
        .await,
    )
}

/// `POST /secapi/pay/reverse`.
pub(super) async fn reverse(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let acquirer = authenticate(&state, &req).await?;
            let body: OrderRef = req.json()?;
            check_acquirer(&acquirer, &body.mch_id, &body.appid)?;
            let reference = order_ref(&body)?;
            engine::run(&state, move |tx, now| engine::cancel(tx, &acquirer, NETWORK, &reference, now)).await?;
            Ok(Json(ReverseResponse {
                return_code: SUCCESS.into(),
                return_msg: Some("OK".into()),
                result_code: Some(SUCCESS.into()),
                err_code: None,
                err_code_des: None,
                recall: Some("N".into()),
            })
            .into_response())
        }
        .await,
    )
}

/// `POST /secapi/pay/refund`.
pub(super) async fn refund(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let acquirer = authenticate(&state, &req).await?;
            let body: RefundRequest = req.json()?;
            check_acquirer(&acquirer, &body.mch_id, &body.appid)?;
            check_id("out_refund_no", &body.out_refund_no, 1, 64, out_trade_no_char)?;
            let reference = order_ref(&OrderRef {
                appid: body.appid.clone(),
                mch_id: body.mch_id.clone(),
                sub_mch_id: None,
                nonce_str: body.nonce_str.clone(),
                transaction_id: body.transaction_id.clone(),
                out_trade_no: body.out_trade_no.clone(),
            })?;
            let total_fee = body.total_fee;
            let refund_fee = body.refund_fee;
            let refund_fee_type = body.refund_fee_type.clone();
            let r = engine::run(&state, move |tx, now| {
                let payment = engine::load(tx, &acquirer, NETWORK, &reference)?.ok_or(Refusal::PaymentNotFound)?;
                if !payment.tombstone && payment.amount.value != total_fee {
                    return Err(Refusal::BadRequest("total_fee differs from the order's amount".into()));
                }
                let currency = refund_fee_type.unwrap_or_else(|| payment.amount.currency.clone());
                check_currency(&currency)?;
                let input = RefundInput {
                    acquirer,
                    network: NETWORK,
                    refund_request_id: body.out_refund_no,
                    payment: reference,
                    amount: Amount::new(refund_fee, currency),
                };
                engine::refund(tx, &input, now)
            })
            .await?;
            Ok(Json(RefundResponse {
                return_code: SUCCESS.into(),
                return_msg: Some("OK".into()),
                result_code: Some(SUCCESS.into()),
                err_code: None,
                err_code_des: None,
                transaction_id: Some(r.payment.id.clone()),
                out_trade_no: Some(r.payment.request_id.clone()),
                out_refund_no: Some(r.request_id.clone()),
                refund_id: Some(r.id.clone()),
                refund_fee: Some(r.amount.value),
                fee_type: Some(r.amount.currency.clone()),
                cash_refund_fee: Some(r.user_amount.value),
                cash_refund_fee_type: Some(r.user_amount.currency.clone()),
                rate: r.payment.rate.map(wechat_rate),
            })
            .into_response())
        }
        .await,
    )
}
