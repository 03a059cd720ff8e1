//! UnionPay in its own shape: `respCode` for the call (and the transaction), `origRespCode` for
//! the original transaction in a query; `txnType` says what a back-end request does.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::{check_id, check_text, message, payment_meaning, refusal_meaning, refusal_status};
use crate::auth::{authenticate, RawRequest};
use crate::engine::{self, PayInput, Payment, PaymentRef, RefundInput};
use crate::error::Refusal;
use crate::fx;
use crate::model::{Amount, PaymentStatus};
use crate::network::Network;
use crate::state::AppState;
use crate::time;
use crate::wire::unionpay::*;
use crate::wire::{code_for, parse_minor, Meaning};

const NETWORK: Network = Network::Unionpay;

pub(super) fn resp_code(meaning: Meaning) -> &'static str {
    code_for(CODES, meaning, "06")
}

/// A refusal as UnionPay answers it.
pub(super) fn refusal(r: &Refusal) -> Response {
    let meaning = refusal_meaning(r);
    let body = TransResponse {
        version: VERSION.into(),
        resp_code: resp_code(meaning).into(),
        resp_msg: message(meaning, Some(r)),
        ..TransResponse::default()
    };
    (refusal_status(r), Json(body)).into_response()
}

pub(super) fn respond(outcome: Result<Response, Refusal>) -> Response {
    outcome.unwrap_or_else(|r| refusal(&r))
}

pub(super) fn order_id_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn check_acquirer(acquirer: &str, acq_ins_code: &str, mer_id: &str) -> Result<(), Refusal> {
    if acq_ins_code != acquirer {
        return Err(Refusal::BadSignature("acqInsCode is not the signing acquirer".into()));
    }
    check_id("merId", mer_id, 1, 32, |b| b.is_ascii_graphic())
}

pub(super) fn amount(txn_amt: Option<&str>, currency_code: Option<&str>) -> Result<Amount, Refusal> {
    let value =
        txn_amt.and_then(parse_minor).ok_or_else(|| Refusal::BadRequest("txnAmt must be minor units".into()))?;
    let currency = currency_code
        .and_then(alpha_currency)
        .ok_or_else(|| Refusal::BadRequest("currencyCode must be an ISO 4217 numeric code".into()))?;
    Ok(Amount::new(value, currency))
}

/// The payment's own fields, shared by the purchase answer and the query answer.
fn payment_fields(p: &Payment, mut out: TransResponse) -> TransResponse {
    let charged = p.status != PaymentStatus::Failed && !p.tombstone;
    out.order_id = Some(p.request_id.clone());
    out.query_id = (!p.tombstone).then(|| p.id.clone());
    out.txn_amt = (!p.tombstone).then(|| p.amount.value.to_string());
    out.currency_code = (!p.tombstone).then(|| numeric_currency(&p.amount.currency)).flatten();
    out.cardholder_amt = p.user_amount.as_ref().filter(|_| charged).map(|a| a.value.to_string());
    out.cardholder_currency_code =
        p.user_amount.as_ref().filter(|_| charged).and_then(|a| numeric_currency(&a.currency));
    out.exchange_rate = p.rate.filter(|_| charged).map(fx::format_rate);
    out.trace_time = p.completed_at.filter(|_| p.captured).map(time::compact);
    out
}

fn orig_ref(req: &TransRequest) -> Result<PaymentRef, Refusal> {
    match (&req.orig_qry_id, &req.orig_order_id) {
        (Some(id), _) => {
            check_id("origQryId", id, 1, 64, |b| b.is_ascii_graphic())?;
            Ok(PaymentRef::PaymentId(id.clone()))
        }
        (None, Some(id)) => {
            check_id("origOrderId", id, 8, 40, order_id_char)?;
            Ok(PaymentRef::RequestId(id.clone()))
        }
        (None, None) => Err(Refusal::BadRequest("origQryId or origOrderId is required".into())),
    }
}

/// `POST /gateway/api/backTransReq.do`: purchase (`01`), void (`31`) or refund (`04`).
pub(super) async fn trans(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let acquirer = authenticate(&state, &req).await?;
            let body: TransRequest = req.json()?;
            if body.version != VERSION {
                return Err(Refusal::BadRequest(format!("version must be {VERSION}")));
            }
            check_acquirer(&acquirer, &body.acq_ins_code, &body.mer_id)?;
            check_id("orderId", &body.order_id, 8, 40, order_id_char)?;
            time::parse_compact(&body.txn_time)
                .ok_or_else(|| Refusal::BadRequest("txnTime must be yyyyMMddHHmmss".into()))?;
            let head = TransResponse {
                version: VERSION.into(),
                txn_type: Some(body.txn_type.clone()),
                ..TransResponse::default()
            };
            match body.txn_type.as_str() {
                TXN_PURCHASE => {
                    let code = body.qr_no.clone().ok_or_else(|| Refusal::BadRequest("qrNo is required".into()))?;
                    check_text("qrNo", &code, 512)?;
                    let merchant_name = body.mer_name.clone().unwrap_or_default();
                    check_text("merName", &merchant_name, 128)?;
                    let description = body.order_desc.clone().unwrap_or_default();
                    check_text("orderDesc", &description, 256)?;
                    let input = PayInput {
                        acquirer,
                        network: NETWORK,
                        request_id: body.order_id.clone(),
                        code: code.trim().to_owned(),
                        amount: amount(body.txn_amt.as_deref(), body.currency_code.as_deref())?,
                        merchant_id: body.mer_id.clone(),
                        merchant_name,
                        description,
                    };
                    let plan = state.faults.paying_plan();
                    let p = engine::run(&state, move |tx, now| engine::pay(tx, &input, plan, now)).await?;
                    let meaning = payment_meaning(&p);
                    let out = TransResponse {
                        resp_code: resp_code(meaning).into(),
                        resp_msg: message(meaning, None),
                        ..head
                    };
                    Ok(Json(payment_fields(&p, out)).into_response())
                }
                TXN_VOID => {
                    let reference = orig_ref(&body)?;
                    let p = engine::run(&state, move |tx, now| engine::cancel(tx, &acquirer, NETWORK, &reference, now))
                        .await?;
                    Ok(Json(TransResponse {
                        resp_code: resp_code(Meaning::Success).into(),
                        resp_msg: "success".into(),
                        order_id: Some(body.order_id.clone()),
                        query_id: (!p.tombstone).then(|| format!("void_{}", p.id)),
                        trace_time: p.cancelled_at.or(p.completed_at).map(time::compact),
                        ..head
                    })
                    .into_response())
                }
                TXN_REFUND => {
                    let input = RefundInput {
                        acquirer,
                        network: NETWORK,
                        refund_request_id: body.order_id.clone(),
                        payment: orig_ref(&body)?,
                        amount: amount(body.txn_amt.as_deref(), body.currency_code.as_deref())?,
                    };
                    let r = engine::run(&state, move |tx, now| engine::refund(tx, &input, now)).await?;
                    Ok(Json(TransResponse {
                        resp_code: resp_code(Meaning::Success).into(),
                        resp_msg: "success".into(),
                        order_id: Some(r.request_id.clone()),
                        query_id: Some(r.id.clone()),
                        txn_amt: Some(r.amount.value.to_string()),
                        currency_code: numeric_currency(&r.amount.currency),
                        cardholder_amt: Some(r.user_amount.value.to_string()),
                        cardholder_currency_code: numeric_currency(&r.user_amount.currency),
                        exchange_rate: r.payment.rate.map(fx::format_rate),
                        trace_time: Some(time::compact(r.created_at)),
                        ..head
                    })
                    .into_response())
                }
                other => Err(Refusal::BadRequest(format!("txnType {other} is not 01, 31 or 04"))),
            }
        }
        .await,
    )
}

/// `POST /gateway/api/queryTrans.do`.
pub(super) async fn query(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let acquirer = authenticate(&state, &req).await?;
            let body: QueryRequest = req.json()?;
            if body.txn_type != TXN_QUERY {
                return Err(Refusal::BadRequest(format!("txnType must be {TXN_QUERY}")));
            }
            check_acquirer(&acquirer, &body.acq_ins_code, &body.mer_id)?;
            check_id("orderId", &body.order_id, 8, 40, order_id_char)?;
            let reference = PaymentRef::RequestId(body.order_id.clone());
            let p =
                engine::run(&state, move |tx, now| engine::inquire(tx, &acquirer, NETWORK, &reference, now)).await?;
            let meaning = payment_meaning(&p);
            let out = TransResponse {
                version: VERSION.into(),
                resp_code: resp_code(Meaning::Success).into(),
                resp_msg: "success".into(),
                txn_type: Some(TXN_PURCHASE.into()),
                orig_resp_code: Some(resp_code(meaning).into()),
                orig_resp_msg: Some(message(meaning, None)),
                ..TransResponse::default()
            };
            Ok(Json(payment_fields(&p, out)).into_response())
        }
        .await,
    )
}
