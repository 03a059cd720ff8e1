//! Alipay+ for a partner wallet paying a merchant's code: decode (`userInitiatedPay`), pay,
//! inquire, cancel, every answer `result {resultCode, resultStatus, resultMessage}`.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::alipay_plus::{amount, respond, result, wire_amount};
use super::{check_currency, check_id, check_text, mpm_meaning};
use crate::auth::{authenticate, RawRequest};
use crate::engine::mpm::{self, Decoded, MpmPayInput, MpmPayment};
use crate::engine::{self};
use crate::error::Refusal;
use crate::fx;
use crate::model::{PayFailure, PaymentStatus};
use crate::network::Network;
use crate::state::AppState;
use crate::time;
use crate::wire::alipay_plus::{CancelResponse, PaymentRef, Quote, PAYMENT_STATUSES};
use crate::wire::alipay_plus_mpm::*;
use crate::wire::Meaning;

const NETWORK: Network = Network::AlipayPlus;

fn merchant(m: &Decoded) -> Merchant {
    Merchant {
        reference_merchant_id: m.merchant_id.clone(),
        merchant_name: m.name.clone(),
        merchant_mcc: m.mcc.clone(),
        merchant_address: Address { region: m.country.clone(), city: m.city.clone() },
    }
}

fn payment_response(p: &MpmPayment, inquiry: bool) -> PaymentResponse {
    let meaning = mpm_meaning(p);
    let settled = p.status != PaymentStatus::Failed && !p.tombstone;
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
        settlement_amount: p.settlement.as_ref().filter(|_| settled).map(wire_amount),
        settlement_quote: p.rate.zip(p.settlement.as_ref()).filter(|_| settled).map(|(rate, s)| Quote {
            quote_id: format!("quote_{}", p.id),
            quote_currency_pair: format!("{}/{}", p.amount.currency, s.currency),
            quote_price: fx::format_rate(rate),
        }),
        merchant: p.merchant.as_ref().map(merchant),
    }
}

fn request_id(r: &PaymentRef) -> Result<String, Refusal> {
    let id = r.payment_request_id.clone().ok_or_else(|| Refusal::BadRequest("paymentRequestId is required".into()))?;
    check_id("paymentRequestId", &id, 1, 64, |b| b.is_ascii_graphic())?;
    Ok(id)
}

/// `POST /aps/api/v1/payments/userInitiatedPay`: what a scanned code is.
pub(super) async fn decode(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            authenticate(&state, &req).await?;
            let body: DecodeRequest = req.json()?;
            check_text("codeValue", &body.code_value, 512)?;
            check_id("customerId", &body.customer_id, 1, 64, |b| b.is_ascii_graphic())?;
            let code = body.code_value;
            let decoded = state.with_db(move |conn| Ok(mpm::decode(conn, NETWORK, &code))).await?;
            let answer = match decoded {
                Ok(m) => DecodeResponse {
                    result: result(Meaning::Success, None),
                    code_type: Some(if m.amount.is_some() { ORDER_CODE } else { ENTRY_CODE }.to_owned()),
                    order: Some(Order { merchant: merchant(&m), order_amount: m.amount.as_ref().map(wire_amount) }),
                    payment_currency: Some(m.currency.clone()),
                },
                // Not an Alipay+ code: the code's own failure, as a pay of it would answer.
                Err(Refusal::MerchantCodeUnknown) => DecodeResponse {
                    result: result(Meaning::Failed(PayFailure::InvalidCode), None),
                    code_type: None,
                    order: None,
                    payment_currency: None,
                },
                Err(e) => return Err(e),
            };
            Ok(Json(answer).into_response())
        }
        .await,
    )
}

/// `POST /aps/api/v1/mpp/payments/pay`.
pub(super) async fn pay(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let mpp = authenticate(&state, &req).await?;
            let body: PayRequest = req.json()?;
            check_id("paymentRequestId", &body.payment_request_id, 1, 64, |b| b.is_ascii_graphic())?;
            check_text("codeValue", &body.code_value, 512)?;
            check_currency(&body.settlement_currency)?;
            if let Some(c) = &body.customer_id {
                check_id("customerId", c, 1, 64, |b| b.is_ascii_graphic())?;
            }
            let input = MpmPayInput {
                mpp,
                network: NETWORK,
                request_id: body.payment_request_id,
                code: body.code_value.trim().to_owned(),
                amount: amount(&body.payment_amount)?,
                settlement_currency: body.settlement_currency,
            };
            let plan = state.faults.paying_plan();
            let p = engine::run(&state, move |tx, now| mpm::pay(tx, &input, plan, now)).await?;
            Ok(Json(payment_response(&p, false)).into_response())
        }
        .await,
    )
}

/// `POST /aps/api/v1/mpp/payments/inquiryPayment`.
pub(super) async fn inquiry(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let mpp = authenticate(&state, &req).await?;
            let id = request_id(&req.json()?)?;
            let p = engine::run(&state, move |tx, now| mpm::inquire(tx, &mpp, NETWORK, &id, now)).await?;
            Ok(Json(payment_response(&p, true)).into_response())
        }
        .await,
    )
}

/// `POST /aps/api/v1/mpp/payments/cancelPayment`.
pub(super) async fn cancel(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let mpp = authenticate(&state, &req).await?;
            let id = request_id(&req.json()?)?;
            let p = engine::run(&state, move |tx, now| mpm::cancel(tx, &mpp, NETWORK, &id, now)).await?;
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
