//! WeChat Pay for a partner wallet paying a merchant's code: decode, pay, query, reverse, in
//! WeChat Pay's `return_code` / `result_code` / `err_code` / `trade_state`.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::wechat_pay::{check_acquirer, out_trade_no_char, outcome, respond, wechat_rate};
use super::{check_currency, check_id, check_text, message, mpm_meaning};
use crate::auth::{authenticate, RawRequest};
use crate::engine::mpm::{self, MpmPayInput, MpmPayment};
use crate::engine::{self};
use crate::error::Refusal;
use crate::model::{Amount, PayFailure, PaymentStatus};
use crate::network::Network;
use crate::state::AppState;
use crate::time;
use crate::wire::wechat_pay::{trade_state, OrderRef, ReverseResponse, SUCCESS};
use crate::wire::wechat_pay_mpm::*;
use crate::wire::Meaning;

const NETWORK: Network = Network::WechatPay;

fn trade_state(p: &MpmPayment) -> &'static str {
    match (p.status, p.failure) {
        (PaymentStatus::Success, _) => trade_state::SUCCESS,
        (PaymentStatus::Processing, _) => trade_state::USERPAYING,
        (PaymentStatus::Cancelled, _) => trade_state::REVOKED,
        (PaymentStatus::Failed, Some(PayFailure::UserTimeout)) => trade_state::CLOSED,
        (PaymentStatus::Failed, _) => trade_state::PAYERROR,
    }
}

fn order_response(p: &MpmPayment, query: bool) -> OrderResponse {
    let meaning = mpm_meaning(p);
    let (result_code, err_code, err_code_des) = outcome(if query { Meaning::Success } else { meaning }, None);
    let settled = p.status != PaymentStatus::Failed && !p.tombstone;
    OrderResponse {
        return_code: SUCCESS.into(),
        return_msg: Some("OK".into()),
        result_code: Some(result_code),
        err_code,
        err_code_des,
        trade_state: query.then(|| trade_state(p).to_owned()),
        trade_state_desc: query.then(|| message(meaning, None)),
        transaction_id: (!p.tombstone).then(|| p.id.clone()),
        out_trade_no: Some(p.request_id.clone()),
        sub_mch_id: p.merchant.as_ref().map(|m| m.merchant_id.clone()),
        mch_name: p.merchant.as_ref().map(|m| m.name.clone()),
        total_fee: (!p.tombstone).then_some(p.amount.value),
        fee_type: (!p.tombstone).then(|| p.amount.currency.clone()),
        settlement_total_fee: p.settlement.as_ref().filter(|_| settled).map(|a| a.value),
        settlement_fee_type: p.settlement.as_ref().filter(|_| settled).map(|a| a.currency.clone()),
        rate: p.rate.filter(|_| settled).map(wechat_rate),
        time_end: p.completed_at.filter(|_| p.captured).map(time::compact),
    }
}

fn out_trade_no(r: &OrderRef) -> Result<String, Refusal> {
    let no = r.out_trade_no.clone().ok_or_else(|| Refusal::BadRequest("out_trade_no is required".into()))?;
    check_id("out_trade_no", &no, 1, 32, out_trade_no_char)?;
    Ok(no)
}

/// `POST /pay/mpm/decode`.
pub(super) async fn decode(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let partner = authenticate(&state, &req).await?;
            let body: DecodeRequest = req.json()?;
            check_acquirer(&partner, &body.mch_id, &body.appid)?;
            check_text("code_url", &body.code_url, 512)?;
            let code = body.code_url;
            let decoded = state.with_db(move |conn| Ok(mpm::decode(conn, NETWORK, &code))).await?;
            let answer = match decoded {
                Ok(m) => DecodeResponse {
                    return_code: SUCCESS.into(),
                    return_msg: Some("OK".into()),
                    result_code: Some(SUCCESS.into()),
                    code_type: Some(if m.amount.is_some() { CODE_NATIVE } else { CODE_F2F }.to_owned()),
                    sub_mch_id: Some(m.merchant_id.clone()),
                    mch_name: Some(m.name.clone()),
                    city: Some(m.city.clone()),
                    country: Some(m.country.clone()),
                    mcc: Some(m.mcc.clone()),
                    fee_type: Some(m.currency.clone()),
                    total_fee: m.amount.as_ref().map(|a| a.value),
                    ..DecodeResponse::default()
                },
                Err(Refusal::MerchantCodeUnknown) => {
                    let (result_code, err_code, err_code_des) = outcome(Meaning::Failed(PayFailure::InvalidCode), None);
                    DecodeResponse {
                        return_code: SUCCESS.into(),
                        return_msg: Some("OK".into()),
                        result_code: Some(result_code),
                        err_code,
                        err_code_des,
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

/// `POST /pay/mpm/pay`.
pub(super) async fn pay(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let partner = authenticate(&state, &req).await?;
            let body: PayRequest = req.json()?;
            check_acquirer(&partner, &body.mch_id, &body.appid)?;
            check_id("out_trade_no", &body.out_trade_no, 1, 32, out_trade_no_char)?;
            check_id("nonce_str", &body.nonce_str, 1, 32, |b| b.is_ascii_alphanumeric())?;
            check_text("code_url", &body.code_url, 512)?;
            check_currency(&body.fee_type)?;
            check_currency(&body.settlement_fee_type)?;
            if body.total_fee <= 0 {
                return Err(Refusal::BadRequest("total_fee must be positive".into()));
            }
            let input = MpmPayInput {
                mpp: partner,
                network: NETWORK,
                request_id: body.out_trade_no,
                code: body.code_url.trim().to_owned(),
                amount: Amount::new(body.total_fee, body.fee_type),
                settlement_currency: body.settlement_fee_type,
            };
            let plan = state.faults.paying_plan();
            let p = engine::run(&state, move |tx, now| mpm::pay(tx, &input, plan, now)).await?;
            Ok(Json(order_response(&p, false)).into_response())
        }
        .await,
    )
}

/// `POST /pay/mpm/orderquery`.
pub(super) async fn orderquery(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let partner = authenticate(&state, &req).await?;
            let body: OrderRef = req.json()?;
            check_acquirer(&partner, &body.mch_id, &body.appid)?;
            let no = out_trade_no(&body)?;
            let p = engine::run(&state, move |tx, now| mpm::inquire(tx, &partner, NETWORK, &no, now)).await?;
            Ok(Json(order_response(&p, true)).into_response())
        }
        .await,
    )
}

/// `POST /secapi/pay/mpm/reverse`.
pub(super) async fn reverse(State(state): State<AppState>, req: RawRequest) -> Response {
    respond(
        async {
            let partner = authenticate(&state, &req).await?;
            let body: OrderRef = req.json()?;
            check_acquirer(&partner, &body.mch_id, &body.appid)?;
            let no = out_trade_no(&body)?;
            engine::run(&state, move |tx, now| mpm::cancel(tx, &partner, NETWORK, &no, now)).await?;
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
