//! The partner wallet's calls in WeChat Pay's shape.

use super::mpm::{unknown_code, DecodedCode, MppClient, MppPayRequest, MppPaymentResult};
use super::wechat_pay::{meaning, nonce, rate};
use super::{meaning_error, pay_status, CancelResult, ClientError};
use crate::model::{Amount, PayFailure, PaymentStatus};
use crate::network::Network;
use crate::time;
use crate::wire::wechat_pay::{self as wx, trade_state};
use crate::wire::wechat_pay_mpm::{self as mpm, OrderResponse};
use crate::wire::Meaning;

fn message(a: &OrderResponse) -> String {
    a.err_code_des.clone().or_else(|| a.return_msg.clone()).unwrap_or_default()
}

fn result(
    request_id: &str,
    a: &OrderResponse,
    status: PaymentStatus,
    failure: Option<PayFailure>,
    code: String,
) -> MppPaymentResult {
    MppPaymentResult {
        network: Network::WechatPay,
        request_id: a.out_trade_no.clone().unwrap_or_else(|| request_id.to_owned()),
        payment_id: a.transaction_id.clone(),
        status,
        failure,
        amount: a.total_fee.zip(a.fee_type.clone()).map(|(v, c)| Amount::new(v, c)),
        settlement: a.settlement_total_fee.zip(a.settlement_fee_type.clone()).map(|(v, c)| Amount::new(v, c)),
        rate: a.rate.as_deref().and_then(rate),
        merchant_id: a.sub_mch_id.clone(),
        merchant_name: a.mch_name.clone(),
        paid_at: a.time_end.as_deref().and_then(time::parse_compact),
        code,
        message: message(a),
    }
}

fn order_ref(c: &MppClient, request_id: &str) -> Result<wx::OrderRef, ClientError> {
    let id = c.client().client_id().to_owned();
    Ok(wx::OrderRef {
        appid: id.clone(),
        mch_id: id,
        sub_mch_id: None,
        nonce_str: nonce()?,
        transaction_id: None,
        out_trade_no: Some(request_id.to_owned()),
    })
}

pub(super) async fn decode(c: &MppClient, code: &str) -> Result<DecodedCode, ClientError> {
    let id = c.client().client_id().to_owned();
    let body = mpm::DecodeRequest { appid: id.clone(), mch_id: id, nonce_str: nonce()?, code_url: code.to_owned() };
    let (_, a): (_, mpm::DecodeResponse) = c.client().post(mpm::PATH_DECODE, &body).await?;
    let (m, result_code) = meaning(&a.return_code, a.result_code.as_deref(), a.err_code.as_deref());
    let text = a.err_code_des.clone().or_else(|| a.return_msg.clone()).unwrap_or_default();
    match m {
        Meaning::Success => {}
        Meaning::Failed(PayFailure::InvalidCode) => return Err(unknown_code(&result_code, &text)),
        other => return Err(meaning_error(other, &result_code, &text)),
    }
    match (a.sub_mch_id, a.mch_name, a.fee_type) {
        (Some(merchant_id), Some(merchant_name), Some(currency)) => Ok(DecodedCode {
            network: Network::WechatPay,
            merchant_id,
            merchant_name,
            city: a.city.unwrap_or_default(),
            country: a.country.unwrap_or_default(),
            amount: a.total_fee.map(|v| Amount::new(v, currency.clone())),
            currency,
        }),
        _ => Err(ClientError::Unknown("decode without the merchant".into())),
    }
}

pub(super) async fn pay(c: &MppClient, req: &MppPayRequest) -> Result<MppPaymentResult, ClientError> {
    let id = c.client().client_id().to_owned();
    let body = mpm::PayRequest {
        appid: id.clone(),
        mch_id: id,
        nonce_str: nonce()?,
        out_trade_no: req.request_id.clone(),
        code_url: req.code.clone(),
        total_fee: req.amount.value,
        fee_type: req.amount.currency.clone(),
        settlement_fee_type: req.settlement_currency.clone(),
    };
    let (_, a): (_, OrderResponse) = c.client().post(mpm::PATH_PAY, &body).await?;
    let (m, code) = meaning(&a.return_code, a.result_code.as_deref(), a.err_code.as_deref());
    let (status, failure) = pay_status(m, &code, &message(&a))?;
    Ok(result(&req.request_id, &a, status, failure, code))
}

pub(super) async fn inquire(c: &MppClient, request_id: &str) -> Result<MppPaymentResult, ClientError> {
    let (_, a): (_, OrderResponse) = c.client().post(mpm::PATH_ORDERQUERY, &order_ref(c, request_id)?).await?;
    let (m, code) = meaning(&a.return_code, a.result_code.as_deref(), a.err_code.as_deref());
    if m != Meaning::Success {
        return Err(meaning_error(m, &code, &message(&a)));
    }
    let state = a.trade_state.clone().unwrap_or_default();
    let (status, failure) = match state.as_str() {
        trade_state::SUCCESS => (PaymentStatus::Success, None),
        trade_state::USERPAYING => (PaymentStatus::Processing, None),
        trade_state::REVOKED => (PaymentStatus::Cancelled, None),
        trade_state::CLOSED => (PaymentStatus::Failed, Some(PayFailure::UserTimeout)),
        trade_state::PAYERROR => (PaymentStatus::Failed, None),
        other => return Err(ClientError::Unknown(format!("unexpected trade_state {other:?}"))),
    };
    Ok(result(request_id, &a, status, failure, state))
}

pub(super) async fn cancel(c: &MppClient, request_id: &str) -> Result<CancelResult, ClientError> {
    let (_, a): (_, wx::ReverseResponse) = c.client().post(mpm::PATH_REVERSE, &order_ref(c, request_id)?).await?;
    let (m, code) = meaning(&a.return_code, a.result_code.as_deref(), a.err_code.as_deref());
    match m {
        Meaning::Success if a.recall.as_deref() != Some("Y") => Ok(CancelResult {
            network: Network::WechatPay,
            request_id: request_id.to_owned(),
            payment_id: None,
            cancelled_at: None,
        }),
        Meaning::Success => Err(ClientError::Unknown("reverse asks to be called again".into())),
        other => Err(meaning_error(other, &code, &a.err_code_des.or(a.return_msg).unwrap_or_default())),
    }
}
