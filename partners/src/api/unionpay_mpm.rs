//! UnionPay for an issuer's app paying a merchant's EMV code: decode, payment (`01`), void
//! (`31`) and query (`00`), answered with `respCode` (and a query's `origRespCode`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::unionpay::{amount, order_id_char, resp_code, respond};
use super::{check_id, check_text, message, mpm_meaning};
use crate::auth::{authenticate, RawRequest};
use crate::engine::mpm::{self, MpmPayInput, MpmPayment};
use crate::engine::{self};
use crate::error::Refusal;
use crate::fx;
use crate::model::{PayFailure, PaymentStatus};
use crate::network::Network;
use crate::state::AppState;
use crate::time;
use crate::wire::unionpay::{alpha_currency, numeric_currency, TXN_PURCHASE, TXN_QUERY, TXN_VOID, VERSION};
use crate::wire::unionpay_mpm::*;
use crate::wire::Meaning;

const NETWORK: Network = Network::Unionpay;

fn check_issuer(issuer: &str, iss_ins_code: &str, version: &str) -> Result<(), Refusal> {
    if iss_ins_code != issuer {
        return Err(Refusal::BadSignature("issInsCode is not the signing issuer".into()));
    }
    if version != VERSION {
        return Err(Refusal::BadRequest(format!("version must be {VERSION}")));
    }
    Ok(())
}

/// The payment's own fields, shared by the payment answer and the query answer.
fn payment_fields(p: &MpmPayment, mut out: TransResponse) -> TransResponse {
    let settled = p.status != PaymentStatus::Failed && !p.tombstone;
    out.order_id = Some(p.request_id.clone());
    out.qrc_voucher_no = (!p.tombstone).then(|| p.id.clone());
    out.txn_amt = (!p.tombstone).then(|| p.amount.value.to_string());
    out.currency_code = (!p.tombstone).then(|| numeric_currency(&p.amount.currency)).flatten();
    out.billing_amt = p.settlement.as_ref().filter(|_| settled).map(|a| a.value.to_string());
    out.billing_currency_code = p.settlement.as_ref().filter(|_| settled).and_then(|a| numeric_currency(&a.currency));
    out.billing_rate = p.rate.filter(|_| settled).map(fx::format_rate);
    out.mer_id = p.merchant.as_ref().map(|m| m.merchant_id.clone());
    out.mer_name = p.merchant.as_ref().map(|m| m.name.clone());
    out.trace_time = p.completed_at.filter(|_| p.captured).map(time::compact);
    out
}

/// `POST /gateway/api/mpqrc/info.do`.
pub(super) async fn decode(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let issuer = authenticate(&state, &req).await?;
            let body: DecodeRequest = req.json()?;
            check_issuer(&issuer, &body.iss_ins_code, &body.version)?;
            check_text("mpqrcPayload", &body.mpqrc_payload, 512)?;
            let code = body.mpqrc_payload;
            let decoded = state.with_db(move |conn| Ok(mpm::decode(conn, NETWORK, &code))).await?;
            let answer = match decoded {
                Ok(m) => DecodeResponse {
                    version: VERSION.into(),
                    resp_code: resp_code(Meaning::Success).into(),
                    resp_msg: "success".into(),
                    mer_id: Some(m.merchant_id.clone()),
                    mer_name: Some(m.name.clone()),
                    mer_city: Some(m.city.clone()),
                    mer_country: Some(m.country.clone()),
                    mcc: Some(m.mcc.clone()),
                    txn_amt: m.amount.as_ref().map(|a| a.value.to_string()),
                    currency_code: numeric_currency(&m.currency),
                },
                Err(Refusal::MerchantCodeUnknown) => {
                    let meaning = Meaning::Failed(PayFailure::InvalidCode);
                    DecodeResponse {
                        version: VERSION.into(),
                        resp_code: resp_code(meaning).into(),
                        resp_msg: message(meaning, None),
                        ..DecodeResponse::default()
                    }
                }
                Err(e) => return Err(e),
            };
            Ok(Json(answer).into_response())
        }
        .await,
    )
}

/// `POST /gateway/api/mpqrc/payment.do`: payment (`01`) or void (`31`).
pub(super) async fn trans(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let issuer = authenticate(&state, &req).await?;
            let body: TransRequest = req.json()?;
            check_issuer(&issuer, &body.iss_ins_code, &body.version)?;
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
                    let code = body
                        .mpqrc_payload
                        .clone()
                        .ok_or_else(|| Refusal::BadRequest("mpqrcPayload is required".into()))?;
                    check_text("mpqrcPayload", &code, 512)?;
                    let settlement =
                        body.billing_currency_code.as_deref().and_then(alpha_currency).ok_or_else(|| {
                            Refusal::BadRequest("billingCurrencyCode must be ISO 4217 numeric".into())
                        })?;
                    let input = MpmPayInput {
                        mpp: issuer,
                        network: NETWORK,
                        request_id: body.order_id.clone(),
                        code: code.trim().to_owned(),
                        amount: amount(body.txn_amt.as_deref(), body.currency_code.as_deref())?,
                        settlement_currency: settlement,
                    };
                    let plan = state.faults.paying_plan();
                    let p = engine::run(&state, move |tx, now| mpm::pay(tx, &input, plan, now)).await?;
                    let meaning = mpm_meaning(&p);
                    let out = TransResponse {
                        resp_code: resp_code(meaning).into(),
                        resp_msg: message(meaning, None),
                        ..head
                    };
                    Ok(Json(payment_fields(&p, out)).into_response())
                }
                TXN_VOID => {
                    let orig = body
                        .orig_order_id
                        .clone()
                        .ok_or_else(|| Refusal::BadRequest("origOrderId is required".into()))?;
                    check_id("origOrderId", &orig, 8, 40, order_id_char)?;
                    let p = engine::run(&state, move |tx, now| mpm::cancel(tx, &issuer, NETWORK, &orig, now)).await?;
                    Ok(Json(TransResponse {
                        resp_code: resp_code(Meaning::Success).into(),
                        resp_msg: "success".into(),
                        order_id: Some(body.order_id.clone()),
                        qrc_voucher_no: (!p.tombstone).then(|| format!("void_{}", p.id)),
                        trace_time: p.cancelled_at.or(p.completed_at).map(time::compact),
                        ..head
                    })
                    .into_response())
                }
                other => Err(Refusal::BadRequest(format!("txnType {other} is not 01 or 31"))),
            }
        }
        .await,
    )
}

/// `POST /gateway/api/mpqrc/query.do`.
pub(super) async fn query(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let issuer = authenticate(&state, &req).await?;
            let body: QueryRequest = req.json()?;
            check_issuer(&issuer, &body.iss_ins_code, &body.version)?;
            if body.txn_type != TXN_QUERY {
                return Err(Refusal::BadRequest(format!("txnType must be {TXN_QUERY}")));
            }
            check_id("orderId", &body.order_id, 8, 40, order_id_char)?;
            let id = body.order_id.clone();
            let p = engine::run(&state, move |tx, now| mpm::inquire(tx, &issuer, NETWORK, &id, now)).await?;
            let meaning = mpm_meaning(&p);
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
