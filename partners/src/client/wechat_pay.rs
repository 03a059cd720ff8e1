//! The neutral calls in WeChat Pay's shape.

use super::{meaning_error, pay_status, AcquirerClient, CancelResult, ClientError, PayRequest, PaymentResult};
use super::{RefundRequest, RefundResult};
use crate::model::{Amount, PayFailure, PaymentStatus};
use crate::network::Network;
use crate::time;
use crate::wire::wechat_pay::{self as wx, trade_state, OrderResponse};
use crate::wire::{meaning_of, Meaning};

pub(super) fn nonce() -> Result<String, ClientError> {
    crate::codes::random_digits(32).map_err(|e| ClientError::Config(e.to_string()))
}

/// What the answer means: the call's failure first, then the business result.
pub(super) fn meaning(return_code: &str, result_code: Option<&str>, err_code: Option<&str>) -> (Meaning, String) {
    if let Some(code) = err_code {
        return (meaning_of(wx::CODES, code), code.to_owned());
    }
    match (return_code, result_code) {
        (wx::SUCCESS, Some(wx::SUCCESS)) => (Meaning::Success, wx::SUCCESS.to_owned()),
        _ => (Meaning::Unknown, return_code.to_owned()),
    }
}

/// Rate times 10^8 as ten decimals, the neutral form.
pub(super) fn rate(r: &str) -> Option<String> {
    let v: i128 = r.parse().ok()?;
    Some(crate::fx::format_rate(v * 100))
}

fn result(
    request_id: &str,
    a: &OrderResponse,
    status: PaymentStatus,
    failure: Option<PayFailure>,
    code: String,
) -> PaymentResult {
    PaymentResult {
        network: Network::WechatPay,
        request_id: a.out_trade_no.clone().unwrap_or_else(|| request_id.to_owned()),
        payment_id: a.transaction_id.clone(),
        status,
        failure,
        amount: a.total_fee.zip(a.fee_type.clone()).map(|(v, c)| Amount::new(v, c)),
        customer_amount: a.cash_fee.zip(a.cash_fee_type.clone()).map(|(v, c)| Amount::new(v, c)),
        rate: a.rate.as_deref().and_then(rate),
        wallet: None,
        paid_at: a.time_end.as_deref().and_then(time::parse_compact),
        code,
        message: a.err_code_des.clone().or_else(|| a.return_msg.clone()).unwrap_or_default(),
    }
}

fn order_ref(c: &AcquirerClient, request_id: &str) -> Result<wx::OrderRef, ClientError> {
    Ok(wx::OrderRef {
        appid: c.client_id().to_owned(),
        mch_id: c.client_id().to_owned(),
        sub_mch_id: None,
        nonce_str: nonce()?,
        transaction_id: None,
        out_trade_no: Some(request_id.to_owned()),
    })
}

pub(super) async fn pay(c: &AcquirerClient, req: &PayRequest) -> Result<PaymentResult, ClientError> {
    // WeChat Pay's `body` is "Shop name-what was bought": a dash inside the name would move the split.
    let shop = req.merchant_name.replace('-', " ");
    let body = wx::MicropayRequest {
        appid: c.client_id().to_owned(),
        mch_id: c.client_id().to_owned(),
        sub_mch_id: Some(req.merchant_id.clone()),
        nonce_str: nonce()?,
        body: format!("{shop}-{}", req.description),
        out_trade_no: req.request_id.clone(),
        total_fee: req.amount.value,
        fee_type: req.amount.currency.clone(),
        spbill_create_ip: Some("127.0.0.1".into()),
        auth_code: req.code.clone(),
    };
    let (_, a): (_, OrderResponse) = c.post(wx::PATH_MICROPAY, &body).await?;
    let (m, code) = meaning(&a.return_code, a.result_code.as_deref(), a.err_code.as_deref());
    let message = a.err_code_des.clone().or_else(|| a.return_msg.clone()).unwrap_or_default();
    let (status, failure) = pay_status(m, &code, &message)?;
    Ok(result(&req.request_id, &a, status, failure, code))
}

pub(super) async fn inquire(c: &AcquirerClient, request_id: &str) -> Result<PaymentResult, ClientError> {
    let (_, a): (_, OrderResponse) = c.post(wx::PATH_ORDERQUERY, &order_ref(c, request_id)?).await?;
    let (m, code) = meaning(&a.return_code, a.result_code.as_deref(), a.err_code.as_deref());
    if m != Meaning::Success {
        return Err(meaning_error(m, &code, &a.err_code_des.clone().or(a.return_msg.clone()).unwrap_or_default()));
    }
    let state = a.trade_state.clone().unwrap_or_default();
    let (status, failure) = match state.as_str() {
        trade_state::SUCCESS | trade_state::REFUND => (PaymentStatus::Success, None),
        trade_state::USERPAYING => (PaymentStatus::Processing, None),
        trade_state::REVOKED => (PaymentStatus::Cancelled, None),
        trade_state::CLOSED => (PaymentStatus::Failed, Some(PayFailure::UserTimeout)),
        // orderquery does not say why a payment failed; the micropay answer did.
        trade_state::PAYERROR => (PaymentStatus::Failed, None),
        other => return Err(ClientError::Unknown(format!("unexpected trade_state {other:?}"))),
    };
    Ok(result(request_id, &a, status, failure, state))
}

pub(super) async fn cancel(c: &AcquirerClient, request_id: &str) -> Result<CancelResult, ClientError> {
    let (_, a): (_, wx::ReverseResponse) = c.post(wx::PATH_REVERSE, &order_ref(c, request_id)?).await?;
    let (m, code) = meaning(&a.return_code, a.result_code.as_deref(), a.err_code.as_deref());
    match m {
        // `recall=Y` would ask for another reverse; the simulator always finishes in one.
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

pub(super) async fn refund(c: &AcquirerClient, req: &RefundRequest) -> Result<RefundResult, ClientError> {
    if req.payment_amount.currency != req.amount.currency {
        return Err(ClientError::Config("a WeChat Pay refund is in the order's currency".into()));
    }
    let body = wx::RefundRequest {
        appid: c.client_id().to_owned(),
        mch_id: c.client_id().to_owned(),
        sub_mch_id: None,
        nonce_str: nonce()?,
        transaction_id: None,
        out_trade_no: Some(req.payment_request_id.clone()),
        out_refund_no: req.refund_request_id.clone(),
        total_fee: req.payment_amount.value,
        refund_fee: req.amount.value,
        refund_fee_type: Some(req.amount.currency.clone()),
    };
    let (_, a): (_, wx::RefundResponse) = c.post(wx::PATH_REFUND, &body).await?;
    let (m, code) = meaning(&a.return_code, a.result_code.as_deref(), a.err_code.as_deref());
    if m != Meaning::Success {
        return Err(meaning_error(m, &code, &a.err_code_des.or(a.return_msg).unwrap_or_default()));
    }
    Ok(RefundResult {
        network: Network::WechatPay,
        refund_request_id: req.refund_request_id.clone(),
        refund_id: a.refund_id,
        payment_id: a.transaction_id,
        amount: a.refund_fee.zip(a.fee_type).map(|(v, c)| Amount::new(v, c)).unwrap_or_else(|| req.amount.clone()),
        customer_amount: a.cash_refund_fee.zip(a.cash_refund_fee_type).map(|(v, c)| Amount::new(v, c)),
        refunded_at: None,
    })
}
