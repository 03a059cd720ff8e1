//! Alipay+ in its own shape: every answer is `result {resultCode, resultStatus, resultMessage}`.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::{check_currency, check_id, check_text, message, payment_meaning, refusal_meaning, refusal_status};
use crate::auth::{authenticate, RawRequest};
use crate::engine::{self, PayInput, Payment, PaymentRef, RefundInput};
use crate::error::Refusal;
use crate::fx;
use crate::model::Amount;
use crate::network::Network;
use crate::state::AppState;
use crate::time;
use crate::wire::alipay_plus::*;
use crate::wire::{code_for, parse_minor, Meaning};

const NETWORK: Network = Network::AlipayPlus;

pub(super) fn result(meaning: Meaning, refusal: Option<&Refusal>) -> ResultInfo {
    ResultInfo {
        result_code: code_for(CODES, meaning, "PROCESS_FAIL").to_owned(),
        result_status: result_status(meaning).to_owned(),
        result_message: message(meaning, refusal),
    }
}

/// A refusal as Alipay+ answers it.
pub(super) fn refusal(r: &Refusal) -> Response {
    let body = serde_json::json!({ "result": result(refusal_meaning(r), Some(r)) });
    (refusal_status(r), Json(body)).into_response()
}

pub(super) fn respond(outcome: Result<Response, Refusal>) -> Response {
    outcome.unwrap_or_else(|r| refusal(&r))
}

pub(super) fn wire_amount(a: &Amount) -> crate::wire::alipay_plus::Amount {
    crate::wire::alipay_plus::Amount { currency: a.currency.clone(), value: a.value.to_string() }
}

fn payment_response(p: &Payment, inquiry: bool) -> PaymentResponse {
    let meaning = payment_meaning(p);
    let charged = p.status != crate::model::PaymentStatus::Failed && !p.tombstone;
    PaymentResponse {
        result: if inquiry { result(Meaning::Success, None) } else { result(meaning, None) },
        payment_status: inquiry.then(|| {
            PAYMENT_STATUSES.iter().find(|(_, s)| *s == p.status).map(|(c, _)| (*c).to_owned()).unwrap_or_default()
        }),
        payment_result: inquiry.then(|| result(meaning, None)),
        payment_request_id: Some(p.request_id.clone()),
        payment_id: (!p.tombstone).then(|| p.id.clone()),
        payment_time: p.completed_at.filter(|_| p.captured).map(time::iso8601),
        payment_amount: (!p.tombstone).then(|| wire_amount(&p.amount)),
        customer_payment_amount: p.user_amount.as_ref().filter(|_| charged).map(wire_amount),
        payment_quote: p.rate.zip(p.user_amount.as_ref()).filter(|_| charged).map(|(rate, ua)| Quote {
            quote_id: format!("quote_{}", p.id),
            quote_currency_pair: format!("{}/{}", p.amount.currency, ua.currency),
            quote_price: fx::format_rate(rate),
        }),
        wallet_brand_name: p.wallet_name.clone(),
        customer_id: p.customer_no.clone(),
    }
}

fn payment_ref(r: &crate::wire::alipay_plus::PaymentRef) -> Result<PaymentRef, Refusal> {
    let ok = |b: u8| b.is_ascii_graphic();
    match (&r.payment_id, &r.payment_request_id) {
        (Some(id), _) => {
            check_id("paymentId", id, 1, 64, ok)?;
            Ok(PaymentRef::PaymentId(id.clone()))
        }
        (None, Some(id)) => {
            check_id("paymentRequestId", id, 1, 64, ok)?;
            Ok(PaymentRef::RequestId(id.clone()))
        }
        (None, None) => Err(Refusal::BadRequest("paymentRequestId or paymentId is required".into())),
    }
}

pub(super) fn amount(a: &crate::wire::alipay_plus::Amount) -> Result<Amount, Refusal> {
    check_currency(&a.currency)?;
    let value = parse_minor(&a.value).ok_or_else(|| Refusal::BadRequest("value must be minor units".into()))?;
    Ok(Amount::new(value, a.currency.clone()))
}

/// `POST /aps/api/v1/payments/pay`.
pub(super) async fn pay(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let acquirer = authenticate(&state, &req).await?;
            let body: PayRequest = req.json()?;
            if body.product_code != PRODUCT_CODE {
                return Err(Refusal::BadRequest(format!("productCode must be {PRODUCT_CODE}")));
            }
            if body.payment_method.payment_method_type != PAYMENT_METHOD_TYPE {
                return Err(Refusal::BadRequest(format!("paymentMethodType must be {PAYMENT_METHOD_TYPE}")));
            }
            if body.payment_factor.as_ref().is_some_and(|f| f.in_store_payment_scenario != SCENARIO_PAYMENT_CODE) {
                return Err(Refusal::BadRequest(format!("inStorePaymentScenario must be {SCENARIO_PAYMENT_CODE}")));
            }
            check_id("paymentRequestId", &body.payment_request_id, 1, 64, |b| b.is_ascii_graphic())?;
            check_id("referenceMerchantId", &body.order.merchant.reference_merchant_id, 1, 64, |b| {
                b.is_ascii_graphic()
            })?;
            check_text("merchantName", &body.order.merchant.merchant_name, 128)?;
            check_text("orderDescription", &body.order.order_description, 256)?;
            check_text("paymentMethodId", &body.payment_method.payment_method_id, 512)?;
            let input = PayInput {
                acquirer,
                network: NETWORK,
                request_id: body.payment_request_id,
                code: body.payment_method.payment_method_id.trim().to_owned(),
                amount: amount(&body.payment_amount)?,
                merchant_id: body.order.merchant.reference_merchant_id,
                merchant_name: body.order.merchant.merchant_name,
                description: body.order.order_description,
            };
            let plan = state.faults.paying_plan();
            let p = engine::run(&state, move |tx, now| engine::pay(tx, &input, plan, now)).await?;
            Ok(Json(payment_response(&p, false)).into_response())
        }
        .await,
    )
}

/// `POST /aps/api/v1/payments/inquiryPayment`.
pub(super) async fn inquiry(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let acquirer = authenticate(&state, &req).await?;
            let reference = payment_ref(&req.json()?)?;
            let p =
                engine::run(&state, move |tx, now| engine::inquire(tx, &acquirer, NETWORK, &reference, now)).await?;
            Ok(Json(payment_response(&p, true)).into_response())
        }
        .await,
    )
}

/// `POST /aps/api/v1/payments/cancelPayment`.
pub(super) async fn cancel(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let acquirer = authenticate(&state, &req).await?;
            let reference = payment_ref(&req.json()?)?;
            let p = engine::run(&state, move |tx, now| engine::cancel(tx, &acquirer, NETWORK, &reference, now)).await?;
            Ok(Json(CancelResponse {
                result: result(Meaning::Success, None),
                payment_request_id: Some(p.request_id.clone()),
                payment_id: (!p.tombstone).then(|| p.id.clone()),
                cancel_time: p.cancelled_at.or(p.completed_at).map(time::iso8601),
            })
            .into_response())
        }
        .await,
    )
}

/// `POST /aps/api/v1/payments/refund`.
pub(super) async fn refund(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let acquirer = authenticate(&state, &req).await?;
            let body: RefundRequest = req.json()?;
            check_id("refundRequestId", &body.refund_request_id, 1, 64, |b| b.is_ascii_graphic())?;
            if let Some(reason) = &body.refund_reason {
                check_text("refundReason", reason, 256)?;
            }
            let payment = payment_ref(&crate::wire::alipay_plus::PaymentRef {
                payment_request_id: body.payment_request_id.clone(),
                payment_id: body.payment_id.clone(),
            })?;
            let input = RefundInput {
                acquirer,
                network: NETWORK,
                refund_request_id: body.refund_request_id,
                payment,
                amount: amount(&body.refund_amount)?,
            };
            let r = engine::run(&state, move |tx, now| engine::refund(tx, &input, now)).await?;
            Ok(Json(RefundResponse {
                result: result(Meaning::Success, None),
                refund_request_id: Some(r.request_id.clone()),
                refund_id: Some(r.id.clone()),
                payment_id: Some(r.payment.id.clone()),
                payment_request_id: Some(r.payment.request_id.clone()),
                refund_amount: Some(wire_amount(&r.amount)),
                customer_refund_amount: Some(wire_amount(&r.user_amount)),
                refund_time: Some(time::iso8601(r.created_at)),
            })
            .into_response())
        }
        .await,
    )
}
