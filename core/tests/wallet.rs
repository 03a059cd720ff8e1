//! The wallet engine against the real sandbox host on loopback: every flow and every refusal.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use koban_core::emv::{Account, Initiation, MerchantCode, Template, Tip};
use koban_core::money::Currency;
use koban_core::net::{BoxFuture, HttpRequest, HttpResponse, HttpTransport, ReqwestTransport, TransportError};
use koban_core::scheme::ReferenceKind;
use koban_core::store::Direction;
use koban_core::wallet::{
    Backoff, BankAccount, Enrolment, ListenEvent, Listener, PaymentQuote, PaymentRequest, QuoteAmount, Refusal,
    RemitDestination, RemitRecipient, SendTo, WalletConfig, WalletError,
};

fn refused(e: WalletError) -> Refusal {
    e.refusal().cloned().unwrap_or_else(|| panic!("expected a refusal, got {e:?}"))
}

fn payout() -> RemitRecipient {
    RemitRecipient {
        name: "Maria Santos".into(),
        destination: RemitDestination::Payout {
            method: "mobile_wallet".into(),
            provider: "GCash".into(),
            account: "09171234567".into(),
        },
        relationship: Some("friend".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_flow_end_to_end() {
    let host = start().await;
    let home = Home::new();
    let aiko = home.open(&host).await;
    assert!(matches!(aiko.balance().await, Err(WalletError::NotEnrolled)));
    enrol(&aiko, "aiko", "JP").await;
    assert_eq!(aiko.profile().unwrap().unwrap().currency.alpha(), "JPY");
    assert!(matches!(
        aiko.enrol(&Enrolment { country: "JP".into(), handle: "aiko2".into(), display_name: "x".into() }).await,
        Err(WalletError::AlreadyEnrolled)
    ));
    assert!(aiko.banks().await.unwrap().iter().any(|b| b.id == "bank_sakura"));

    // Bank and top-up.
    let link = fund(&aiko, 500_000, 100_000).await;
    let links = aiko.bank_links().unwrap();
    assert_eq!((links.len(), links[0].id.as_str(), links[0].last4.as_str()), (1, link.as_str(), "4567"));
    let b = aiko.balance().await.unwrap();
    assert_eq!((b.available, b.tier.as_str(), b.can_remit), (jpy(100_000), "unverified", false));

    // A JPQR shop, amount typed by the payer.
    let ramen = merchant_payload(&host, "m_jp_ramen").await;
    let q = aiko
        .quote_payment(&PaymentRequest { payload: ramen.clone(), amount: Some(jpy(1_200)), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(
        (q.route.as_str(), q.fx.is_none(), q.debit, q.merchant_name.as_deref()),
        ("jpqr", true, jpy(1_200), Some("KOBAN RAMEN"))
    );
    let paid = aiko.confirm_payment(&q).await.unwrap();
    assert_eq!((paid.kind.as_str(), paid.direction, paid.amount), ("payment", Direction::Out, jpy(1_200)));

    // A dynamic code: the amount comes from the code.
    let dynamic = dynamic_code(&host, "m_jp_mart", 2_480, "JPY", "ORDER-1").await;
    let q = aiko.quote_payment(&PaymentRequest { payload: dynamic, ..Default::default() }).await.unwrap();
    assert_eq!(q.total, jpy(2_480));
    aiko.confirm_payment(&q).await.unwrap();

    // Abroad: a PromptPay stall in THB, priced in JPY before confirming.
    let somtam = merchant_payload(&host, "m_th_somtam").await;
    let q = aiko
        .quote_payment(&PaymentRequest { payload: somtam, amount: Some(cur("THB", 12_000)), ..Default::default() })
        .await
        .unwrap();
    let fx = q.fx.clone().expect("a foreign payment has an FX quote");
    assert_eq!((q.route.as_str(), fx.receive, fx.send.currency().alpha()), ("promptpay", cur("THB", 12_000), "JPY"));
    assert_eq!(q.debit, fx.send.checked_add(fx.fee).unwrap());
    assert!(fx.fee.minor() > 0 && !fx.rate.is_empty());
    let paid = aiko.confirm_payment(&q).await.unwrap();
    assert_eq!(paid.amount, q.debit);

    // Remittance needs a verified identity.
    common::verify(&aiko).await;
    assert!(aiko.balance().await.unwrap().can_remit);
    let rq = aiko.quote_remittance("PH", QuoteAmount::Send(jpy(30_000))).await.unwrap();
    assert_eq!(
        (rq.receive.currency().alpha(), rq.delivery_estimate_secs, rq.destination_country.as_deref()),
        ("PHP", Some(900), Some("PH"))
    );
    let sent = aiko.remit(&rq, &payout(), "family_support", Some("for Lola")).await.unwrap();
    assert_eq!((sent.kind.as_str(), sent.amount), ("remittance", rq.total));
    assert!(!sent.details.to_string().contains("09171234567"), "the payout account is masked in history");

    // A remittance into a wallet abroad, quoted by the amount to arrive.
    let mh = Home::new();
    let maria = mh.open(&host).await;
    enrol(&maria, "maria", "PH").await;
    let rq = aiko.quote_remittance("PH", QuoteAmount::Receive(cur("PHP", 100_000))).await.unwrap();
    let to_maria = RemitRecipient {
        name: "Maria Santos".into(),
        destination: RemitDestination::Handle("@maria".into()),
        relationship: None,
    };
    aiko.remit(&rq, &to_maria, "gift", None).await.unwrap();
    let got = maria.sync(0).await.unwrap();
    assert_eq!(
        (got.received.len(), got.received[0].amount, got.balance),
        (1, cur("PHP", 100_000), Some(cur("PHP", 100_000)))
    );

    // A friend at home, by handle and by scanning the friend's receive code.
    let bh = Home::new();
    let ben = bh.open(&host).await;
    enrol(&ben, "ben", "JP").await;
    aiko.send(&SendTo::Handle("@ben".into()), jpy(5_000), Some("ramen")).await.unwrap();
    let code = ben.receive_code().await.unwrap();
    assert!(code.starts_with("000201"));
    // One scan tells a friend's code from a shop's: detection names it, and paying it is refused.
    let d = koban_core::scheme::detect(&code).unwrap();
    let route = d.payable_routes().next().unwrap();
    assert_eq!(
        (route.scheme.as_str(), route.identifier.as_deref(), d.presentment.as_str()),
        ("koban-receive", Some("ben"), "p2p")
    );
    let refused = aiko
        .quote_payment(&PaymentRequest { payload: code.clone(), amount: Some(jpy(700)), ..Default::default() })
        .await
        .unwrap_err();
    assert!(matches!(&refused, WalletError::NotPayable(m) if m.contains("receive code")), "{refused:?}");
    aiko.send(&SendTo::ReceiveCode(code), jpy(700), None).await.unwrap();
    assert_eq!(aiko.recipients().unwrap()[0].handle, "ben");
    let got = ben.sync(0).await.unwrap();
    assert_eq!(got.received.iter().map(|t| t.amount.minor()).sum::<i64>(), 5_700);
    assert!(ben.sync(0).await.unwrap().received.is_empty(), "a second sync brings nothing twice");
    ben.send(&SendTo::Handle("aiko".into()), jpy(300), Some("thanks")).await.unwrap();
    let got = aiko.sync(1).await.unwrap();
    assert_eq!((got.received.len(), got.received[0].counterparty.as_deref()), (1, Some("@ben")));

    // Local history and the host's agree, item for item, and so do the balances.
    let local = local_history(&aiko);
    let remote = host_history(&aiko, &host).await;
    assert_eq!(local.len(), remote.len());
    for (l, r) in local.iter().zip(&remote) {
        assert_eq!(l.id, r["transaction_id"].as_str().unwrap());
        assert_eq!(l.amount.minor(), r["amount"]["minor"].as_i64().unwrap(), "{}", l.id);
    }
    let net: i64 =
        local.iter().map(|t| if t.direction == Direction::In { t.amount.minor() } else { -t.amount.minor() }).sum();
    assert_eq!(aiko.balance().await.unwrap().available.minor(), net);
    assert_eq!(aiko.cached_balance().unwrap().unwrap().0.minor(), net);
    let first = aiko.history(3, None).unwrap();
    let second = aiko.history(3, first.next_cursor.as_deref()).unwrap();
    assert_eq!(first.items.len() + second.items.len(), 6);
    assert_eq!(second.items[0].id, local[3].id);
    assert_eq!(aiko.pending_count().unwrap(), 0);

    // Reopening keeps everything and needs the same key store.
    drop(aiko);
    let again = home.open(&host).await;
    assert_eq!(local_history(&again).len(), local.len());
    let wrong = koban_core::store::FileKeyStore::open(home.dir.path().join("other.key")).unwrap();
    assert!(koban_core::wallet::Wallet::open(home.db(), &wrong, WalletConfig::new(&host.url)).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_is_typed_and_leaves_no_trace() {
    let host = start().await;
    let home = Home::new();
    let aiko = home.open(&host).await;
    enrol(&aiko, "aiko", "JP").await;
    let link = fund(&aiko, 200_000, 150_000).await;
    let before = local_history(&aiko).len();

    // The bank account has only ¥50,000 left.
    assert_eq!(refused(aiko.top_up(&link, jpy(60_000)).await.unwrap_err()), Refusal::InsufficientFunds);
    assert_eq!(refused(aiko.top_up("bl_nope", jpy(1)).await.unwrap_err()), Refusal::NotFound);
    let err = aiko
        .link_bank(&BankAccount {
            bank_id: "bank_sakura".into(),
            account_number: "12".into(),
            holder_name: "A".into(),
            sandbox_opening_balance: None,
        })
        .await
        .unwrap_err();
    assert_eq!(refused(err), Refusal::BadRequest);

    // Handles and recipients.
    let other = Home::new().open(&host).await;
    let err = other
        .enrol(&Enrolment { country: "JP".into(), handle: "aiko".into(), display_name: "A".into() })
        .await
        .unwrap_err();
    assert_eq!(refused(err), Refusal::HandleTaken);
    assert_eq!(
        refused(aiko.send(&SendTo::Handle("nobody_here".into()), jpy(1), None).await.unwrap_err()),
        Refusal::UnknownRecipient
    );
    let mh = Home::new();
    let maria = mh.open(&host).await;
    enrol(&maria, "maria", "PH").await;
    assert_eq!(
        refused(aiko.send(&SendTo::Handle("maria".into()), jpy(100), None).await.unwrap_err()),
        Refusal::CurrencyMismatch
    );
    let bh = Home::new();
    let ben = bh.open(&host).await;
    enrol(&ben, "ben", "JP").await;

    // Unverified limits and tier.
    assert_eq!(
        refused(aiko.send(&SendTo::Handle("ben".into()), jpy(120_000), None).await.unwrap_err()),
        Refusal::LimitExceeded
    );
    aiko.send(&SendTo::Handle("ben".into()), jpy(60_000), None).await.unwrap();
    let err = aiko.send(&SendTo::Handle("ben".into()), jpy(50_000), None).await.unwrap_err();
    assert!(err.to_string().contains("monthly limit"), "{err}");
    assert_eq!(refused(err), Refusal::LimitExceeded);
    // Refused at quote time, before any confirm screen: identity, corridor.
    assert_eq!(
        refused(aiko.quote_remittance("PH", QuoteAmount::Send(jpy(10_000))).await.unwrap_err()),
        Refusal::KycRequired
    );
    assert_eq!(
        refused(aiko.quote_remittance("US", QuoteAmount::Send(jpy(10_000))).await.unwrap_err()),
        Refusal::UnsupportedCorridor
    );

    // Merchant payments.
    let ramen = merchant_payload(&host, "m_jp_ramen").await;
    let q = aiko
        .quote_payment(&PaymentRequest { payload: ramen.clone(), amount: Some(jpy(900_000)), ..Default::default() })
        .await
        .unwrap();
    // Merchant payments count against the KYC limits, which the host checks before the balance.
    assert_eq!(refused(aiko.confirm_payment(&q).await.unwrap_err()), Refusal::LimitExceeded);
    // A dynamic code's amount cannot be replaced: the wallet refuses before any intent, and the
    // host refuses a quote changed behind the wallet's back.
    let dynamic = dynamic_code(&host, "m_jp_mart", 1_000, "JPY", "ORDER-9").await;
    let typed = PaymentRequest { payload: dynamic.clone(), amount: Some(jpy(999)), ..Default::default() };
    assert!(matches!(aiko.quote_payment(&typed).await, Err(WalletError::InvalidInput(_))));
    let q = aiko.quote_payment(&PaymentRequest { payload: dynamic, ..Default::default() }).await.unwrap();
    let tampered = PaymentQuote { amount: jpy(999), total: jpy(999), debit: jpy(999), ..q.clone() };
    assert_eq!(refused(aiko.confirm_payment(&tampered).await.unwrap_err()), Refusal::AmountMismatch);
    aiko.confirm_payment(&q).await.unwrap();
    assert_eq!(refused(aiko.confirm_payment(&q).await.unwrap_err()), Refusal::CodeAlreadyPaid);

    // FX quotes: expired, used, not matching, missing.
    let somtam = merchant_payload(&host, "m_th_somtam").await;
    let q = aiko
        .quote_payment(&PaymentRequest {
            payload: somtam.clone(),
            amount: Some(cur("THB", 5_000)),
            ..Default::default()
        })
        .await
        .unwrap();
    host.sandbox.advance_clock(61);
    assert_eq!(refused(aiko.confirm_payment(&q).await.unwrap_err()), Refusal::QuoteExpired);
    let q = aiko
        .quote_payment(&PaymentRequest {
            payload: somtam.clone(),
            amount: Some(cur("THB", 5_000)),
            ..Default::default()
        })
        .await
        .unwrap();
    aiko.confirm_payment(&q).await.unwrap();
    assert_eq!(refused(aiko.confirm_payment(&q).await.unwrap_err()), Refusal::QuoteUsed);
    let mut q = aiko
        .quote_payment(&PaymentRequest {
            payload: somtam.clone(),
            amount: Some(cur("THB", 5_000)),
            ..Default::default()
        })
        .await
        .unwrap();
    q.amount = cur("THB", 6_000);
    assert_eq!(refused(aiko.confirm_payment(&q).await.unwrap_err()), Refusal::QuoteMismatch);
    q.fx = None;
    q.amount = cur("THB", 5_000);
    assert_eq!(refused(aiko.confirm_payment(&q).await.unwrap_err()), Refusal::QuoteRequired);

    // A well-formed code no merchant at this host owns; and a route the code lacks.
    let mut code = MerchantCode::new("JP", Currency::from_alpha("JPY").unwrap());
    code.initiation = Some(Initiation::Static);
    code.accounts =
        vec![Account::Template(Template::with_guid(26, "jp.or.paymentsjapan", [(1, "0000099999999".to_owned())]))];
    code.merchant_category = Some("5812".into());
    code.merchant_name = Some("NOT A SANDBOX SHOP".into());
    code.merchant_city = Some("TOKYO".into());
    let stranger = code.encode().unwrap();
    let q = aiko
        .quote_payment(&PaymentRequest { payload: stranger, amount: Some(jpy(100)), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(refused(aiko.confirm_payment(&q).await.unwrap_err()), Refusal::UnknownMerchant);
    let mut q = aiko
        .quote_payment(&PaymentRequest { payload: ramen.clone(), amount: Some(jpy(100)), ..Default::default() })
        .await
        .unwrap();
    q.route = "promptpay".into();
    assert_eq!(refused(aiko.confirm_payment(&q).await.unwrap_err()), Refusal::RouteMismatch);
    let mut damaged = ramen.clone();
    damaged.replace_range(damaged.len() - 4.., "0000");
    let r = aiko
        .quote_payment(&PaymentRequest { payload: damaged.clone(), amount: Some(jpy(100)), ..Default::default() })
        .await;
    assert!(matches!(r, Err(WalletError::Detect(_))), "a damaged code is refused before the host sees it: {r:?}");
    let mut q = aiko
        .quote_payment(&PaymentRequest { payload: ramen, amount: Some(jpy(100)), ..Default::default() })
        .await
        .unwrap();
    q.payload = damaged;
    assert_eq!(refused(aiko.confirm_payment(&q).await.unwrap_err()), Refusal::InvalidPayload);

    // Verified: remittance over the per-transfer limit; a used remittance quote.
    common::verify(&aiko).await;
    assert_eq!(
        refused(aiko.quote_remittance("PH", QuoteAmount::Send(jpy(1_000_001))).await.unwrap_err()),
        Refusal::LimitExceeded
    );
    let rq = aiko.quote_remittance("PH", QuoteAmount::Send(jpy(1_000))).await.unwrap();
    aiko.remit(&rq, &payout(), "gift", None).await.unwrap();
    assert_eq!(refused(aiko.remit(&rq, &payout(), "gift", None).await.unwrap_err()), Refusal::QuoteUsed);

    // Refusals are final: recorded as such, nothing pending, no history entry for them.
    assert_eq!(aiko.pending_count().unwrap(), 0);
    let after = local_history(&aiko);
    assert_eq!(
        after.len(),
        before + 4,
        "only the transfer, the dynamic code, the THB payment and the remittance went through"
    );
    let remote = host_history(&aiko, &host).await;
    assert_eq!(remote.len(), after.len());
    let err = aiko.top_up(&link, jpy(60_000)).await.unwrap_err();
    assert_eq!(err.to_string(), "insufficient funds in bank account");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tips_fees_and_payer_prompts_are_inputs() {
    let host = start().await;
    let home = Home::new();
    let aiko = home.open(&host).await;
    enrol(&aiko, "aiko", "JP").await;
    let base = |tip: Option<Tip>, bill: &str| {
        let mut code = MerchantCode::new("JP", Currency::from_alpha("JPY").unwrap());
        code.initiation = Some(Initiation::Static);
        code.accounts =
            vec![Account::Template(Template::with_guid(26, "jp.or.paymentsjapan", [(1, "0000012345678".to_owned())]))];
        code.merchant_category = Some("5812".into());
        code.merchant_name = Some("TIP SHOP".into());
        code.merchant_city = Some("TOKYO".into());
        code.tip = tip;
        code.additional_data = vec![koban_core::emv::Field::new(1, bill)];
        code.encode().unwrap()
    };
    let req = |payload: String, tip: Option<i64>| PaymentRequest {
        payload,
        amount: Some(jpy(1_000)),
        tip: tip.map(jpy),
        ..Default::default()
    };
    let q = aiko.quote_payment(&req(base(Some(Tip::Prompt), "B1"), Some(150))).await.unwrap();
    assert_eq!((q.tip, q.total), (jpy(150), jpy(1_150)));
    let q = aiko.quote_payment(&req(base(Some(Tip::Fixed { fee: jpy(30) }), "B1"), None)).await.unwrap();
    assert_eq!(q.total, jpy(1_030));
    let q = aiko.quote_payment(&req(base(Some(Tip::Percentage { hundredths: 250 }), "B1"), None)).await.unwrap();
    assert_eq!(q.total, jpy(1_025));
    assert!(matches!(aiko.quote_payment(&req(base(None, "B1"), Some(10))).await, Err(WalletError::InvalidInput(_))));
    // `***`: the payer must type the bill number.
    let prompt = base(None, "***");
    assert!(matches!(aiko.quote_payment(&req(prompt.clone(), None)).await, Err(WalletError::MissingReference(_))));
    let mut r = req(prompt, None);
    r.references = vec![(ReferenceKind::BillNumber, "INV-42".into())];
    let q = aiko.quote_payment(&r).await.unwrap();
    assert_eq!(q.references, vec![(ReferenceKind::BillNumber, "INV-42".into())]);
    assert!(matches!(
        aiko.quote_payment(&PaymentRequest { payload: base(None, "B1"), ..Default::default() }).await,
        Err(WalletError::InvalidInput(_))
    ));
}

/// A transport that sends payment requests for real, then never answers: the caller's
/// future is stuck exactly "after send, before response" and gets dropped there.
struct Blackhole {
    inner: ReqwestTransport,
    sent: Arc<tokio::sync::Notify>,
}

impl HttpTransport for Blackhole {
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let swallow = req.url.ends_with("/v1/payments");
            let resp = self.inner.send(req).await;
            if swallow {
                self.sent.notify_one();
                std::future::pending::<()>().await;
            }
            resp
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_future_mid_flight_pays_once() {
    let host = start().await;
    let home = Home::new();
    let aiko = home.open(&host).await;
    enrol(&aiko, "aiko", "JP").await;
    fund(&aiko, 100_000, 10_000).await;
    drop(aiko);

    let sent = Arc::new(tokio::sync::Notify::new());
    let mut config = WalletConfig::new(&host.url);
    config.transport = Some(Arc::new(Blackhole {
        inner: ReqwestTransport::new(Duration::from_secs(10)).unwrap(),
        sent: sent.clone(),
    }));
    let stuck = home.open_with(config).await;
    let ramen = merchant_payload(&host, "m_jp_ramen").await;
    let q = stuck
        .quote_payment(&PaymentRequest { payload: ramen, amount: Some(jpy(800)), ..Default::default() })
        .await
        .unwrap();
    tokio::select! {
        _ = stuck.confirm_payment(&q) => panic!("the black hole never answers"),
        _ = sent.notified() => {}
    }
    // Like a cancelled coroutine: the future is gone, the intent is committed.
    assert_eq!(stuck.pending_count().unwrap(), 1);
    assert!(local_history(&stuck).iter().all(|t| t.kind != "payment"));
    drop(stuck);

    let aiko = home.open(&host).await;
    assert_eq!(aiko.pending_count().unwrap(), 0, "reopening resolved it");
    let payments: Vec<_> = local_history(&aiko).into_iter().filter(|t| t.kind == "payment").collect();
    assert_eq!(payments.len(), 1);
    assert_eq!(host_history(&aiko, &host).await.iter().filter(|i| i["kind"] == "payment").count(), 1);
    assert_eq!(aiko.balance().await.unwrap().available, jpy(9_200));
}

fn assert_send_sync<T: Send + Sync>(_: &T) {}
fn assert_send<T: Send>(_: T) {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcomes_are_readable_by_key_and_futures_are_send() {
    let host = start().await;
    let home = Home::new();
    let aiko = home.open(&host).await;
    assert_send_sync(&aiko);
    enrol(&aiko, "aiko", "JP").await;
    fund(&aiko, 100_000, 5_000).await;
    let ramen = merchant_payload(&host, "m_jp_ramen").await;
    let q = aiko
        .quote_payment(&PaymentRequest { payload: ramen, amount: Some(jpy(500)), ..Default::default() })
        .await
        .unwrap();
    // The apps run these on a multi-threaded runtime (UniFFI's tokio executor).
    assert_send(aiko.confirm_payment(&q));
    assert_send(aiko.sync(0));
    assert_send(aiko.resolve_pending());
    let paid = aiko.confirm_payment(&q).await.unwrap();
    let key = paid.intent_key.clone().unwrap();
    let (client, device) = host_view(&aiko, &host);
    let stored = client.request_outcome(&device, &key).await.unwrap().expect("the host kept the outcome");
    assert_eq!(stored.unwrap()["id"].as_str(), Some(paid.id.as_str()));
    assert!(client.request_outcome(&device, "i-never-sent").await.unwrap().is_none());
    // A refusal is kept under its key too.
    let err = aiko.top_up("bl_nope", jpy(1)).await.unwrap_err();
    assert_eq!(refused(err), Refusal::NotFound);
}

#[test]
fn account_numbers_never_reach_debug_output() {
    let b = BankAccount {
        bank_id: "bank_sakura".into(),
        account_number: "1234567".into(),
        holder_name: "T".into(),
        sandbox_opening_balance: None,
    };
    assert!(!format!("{b:?}").contains("1234567") && format!("{b:?}").contains("****4567"));
    let r = payout();
    assert!(!format!("{r:?}").contains("09171234567"), "{r:?}");
    let id = koban_core::wallet::Identity {
        legal_name: "A".into(),
        date_of_birth: "1994-04-01".into(),
        document_number: "MN1234567".into(),
    };
    assert_eq!(format!("{id:?}"), "Identity(<redacted>)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_does_not_know_the_device_leaves_the_intent_pending() {
    let host = start().await;
    let stranger = start().await;
    let home = Home::new();
    let link = {
        let aiko = home.open(&host).await;
        enrol(&aiko, "aiko", "JP").await;
        fund(&aiko, 100_000, 0).await
    };
    // Pointed at another host, the device is unknown: reads are refused as unauthorized, and
    // a top-up's refusal says nothing about whether an earlier send applied, so it waits.
    let lost = home.open(&stranger).await;
    assert_eq!(refused(lost.balance().await.unwrap_err()), Refusal::Unauthorized);
    assert_eq!(refused(lost.top_up(&link, jpy(4_000)).await.unwrap_err()), Refusal::Unauthorized);
    assert_eq!(lost.pending_count().unwrap(), 1);
    drop(lost);
    // Reopening there still opens (history and codes stay usable); the top-up waits.
    let lost = home.open(&stranger).await;
    assert_eq!(lost.pending_count().unwrap(), 1);
    drop(lost);
    // Back at its own host, the confirmed top-up completes, once.
    let aiko = home.open(&host).await;
    assert_eq!(aiko.pending_count().unwrap(), 0);
    assert_eq!(aiko.balance().await.unwrap().available, jpy(4_000));
    assert_eq!(local_history(&aiko).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_clock_two_hours_behind_still_enrols_and_pays() {
    let host = start().await;
    // Every answer carries the host's clock.
    let r = reqwest::get(format!("{}/v1/merchants", host.url)).await.unwrap();
    let told = |r: &reqwest::Response| -> i64 {
        r.headers()[koban_core::crypto::request::HEADER_HOST_TIME].to_str().unwrap().parse().unwrap()
    };
    let phone_now = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((told(&r) - phone_now()).abs() <= 2);
    // The host is two hours ahead of the phone: a signature with the phone's time is stale.
    host.sandbox.advance_clock(7_200);
    assert!(
        (told(&reqwest::get(format!("{}/v1/merchants", host.url)).await.unwrap()) - phone_now() - 7_200).abs() <= 2
    );

    let home = Home::new();
    let aiko = home.open(&host).await;
    enrol(&aiko, "aiko", "JP").await;
    fund(&aiko, 100_000, 10_000).await;
    let ramen = merchant_payload(&host, "m_jp_ramen").await;
    let q = aiko
        .quote_payment(&PaymentRequest { payload: ramen, amount: Some(jpy(800)), ..Default::default() })
        .await
        .unwrap();
    aiko.confirm_payment(&q).await.unwrap();
    assert_eq!(aiko.balance().await.unwrap().available, jpy(9_200));
    assert_eq!(aiko.pending_count().unwrap(), 0);

    // A client that has not heard from the host yet signs with the phone's clock: the host
    // refuses that as stale, the refusal tells the host's clock, and the one resend passes.
    let (client, key) = host_view(&aiko, &host);
    assert_eq!(client.clock_offset_secs(), 0);
    let page = client.get(&key, "/v1/history?limit=10").await.expect("re-signed with the host's clock");
    assert_eq!(page["items"].as_array().unwrap().len(), 2, "the top-up and the payment");
    assert!((client.clock_offset_secs() - 7_200).abs() <= 2, "offset {}", client.clock_offset_secs());
    // Clones share what was learned.
    assert_eq!(client.clone().clock_offset_secs(), client.clock_offset_secs());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_payment_resolves_once_when_reopened_after_the_signature_window() {
    use koban_core::wallet::FailPoint;
    let host = start().await;
    let home = Home::new();
    let aiko = home.open(&host).await;
    enrol(&aiko, "aiko", "JP").await;
    fund(&aiko, 100_000, 10_000).await;
    let ramen = merchant_payload(&host, "m_jp_ramen").await;
    let q = aiko
        .quote_payment(&PaymentRequest { payload: ramen, amount: Some(jpy(800)), ..Default::default() })
        .await
        .unwrap();
    aiko.arm_failpoint(Some(FailPoint::AfterSend));
    assert!(matches!(aiko.confirm_payment(&q).await, Err(WalletError::Crashed(FailPoint::AfterSend))));
    assert_eq!(aiko.pending_count().unwrap(), 1);
    drop(aiko);

    // Ten minutes on: the intent's resend is older than the host's 300 s signature window
    // as soon as it is signed with the phone's clock.
    host.sandbox.advance_clock(600);
    let aiko = home.open(&host).await;
    assert_eq!(aiko.pending_count().unwrap(), 0, "reopening resolved it");
    let payments: Vec<_> = local_history(&aiko).into_iter().filter(|t| t.kind == "payment").collect();
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].amount, jpy(800));
    let remote = host_history(&aiko, &host).await;
    assert_eq!(remote.iter().filter(|i| i["kind"] == "payment").count(), 1);
    assert_eq!(remote.iter().find(|i| i["kind"] == "payment").unwrap()["transaction_id"], payments[0].id.as_str());
    assert_eq!(aiko.balance().await.unwrap().available, jpy(9_200));
}

/// A transport that sends the first payment twice, as a proxy retrying behind the app's back
/// would: the first copy is applied and its answer lost; the host refuses the second copy's
/// nonce as replayed.
struct RepeatFirstPayment {
    inner: ReqwestTransport,
    armed: std::sync::atomic::AtomicBool,
}

impl HttpTransport for RepeatFirstPayment {
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            if req.url.ends_with("/v1/payments") && self.armed.swap(false, std::sync::atomic::Ordering::SeqCst) {
                let _ = self.inner.send(req.clone()).await;
            }
            self.inner.send(req).await
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_refused_as_replayed_is_re_signed_and_pays_once() {
    let host = start().await;
    let home = Home::new();
    {
        let aiko = home.open(&host).await;
        enrol(&aiko, "aiko", "JP").await;
        fund(&aiko, 100_000, 10_000).await;
    }
    let mut config = WalletConfig::new(&host.url);
    config.transport = Some(Arc::new(RepeatFirstPayment {
        inner: ReqwestTransport::new(Duration::from_secs(10)).unwrap(),
        armed: std::sync::atomic::AtomicBool::new(true),
    }));
    let aiko = home.open_with(config).await;
    let ramen = merchant_payload(&host, "m_jp_ramen").await;
    let q = aiko
        .quote_payment(&PaymentRequest { payload: ramen, amount: Some(jpy(800)), ..Default::default() })
        .await
        .unwrap();
    // The answer the wallet sees is `replayed_nonce`; it re-signs under the same key and gets
    // the first copy's outcome.
    let paid = aiko.confirm_payment(&q).await.expect("re-signed and resolved");
    assert_eq!(aiko.pending_count().unwrap(), 0);
    let remote = host_history(&aiko, &host).await;
    let payments: Vec<_> = remote.iter().filter(|i| i["kind"] == "payment").collect();
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0]["transaction_id"], paid.id.as_str());
    assert_eq!(local_history(&aiko).iter().filter(|t| t.kind == "payment").count(), 1);
    assert_eq!(aiko.balance().await.unwrap().available, jpy(9_200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_with_invisible_characters_are_refused_before_anything_is_sent() {
    let host = start().await;
    let home = Home::new();
    let aiko = home.open(&host).await;
    for (handle, name) in
        [("aiko", "Aiko\u{202e}gnp.exe"), ("aiko", "Aiko\u{7}"), ("ai\u{200b}ko", "Aiko"), ("aiko", " ")]
    {
        let e = Enrolment { country: "JP".into(), handle: handle.into(), display_name: name.into() };
        assert!(matches!(aiko.enrol(&e).await, Err(WalletError::InvalidInput(_))), "{handle:?} {name:?}");
    }
    assert_eq!(aiko.pending_count().unwrap(), 0);
    assert!(aiko.secret("device_key").unwrap().is_none(), "no key made for a refused enrolment");
    // Trimmed, in any script.
    let e = Enrolment { country: "JP".into(), handle: " @aiko ".into(), display_name: "  田中 愛子 ".into() };
    let p = aiko.enrol(&e).await.unwrap();
    assert_eq!((p.handle.as_str(), p.display_name.as_str()), ("aiko", "田中 愛子"));
}

/// Databases hold intents under the kind names earlier builds wrote (`topup`, `payment`,
/// `p2p`, …): a schema-4 database left with pending intents named that way resolves and
/// reads after an upgrade, with no migration.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_intents_under_the_stored_kind_names_resolve_after_an_upgrade() {
    use koban_core::store::{insert_intent, Intent, IntentState, Store, StoreError};
    use serde_json::json;

    let host = start().await;
    let home = Home::new();
    let aiko = home.open(&host).await;
    enrol(&aiko, "aiko", "JP").await;
    let link = fund(&aiko, 50_000, 0).await;
    enrol(&Home::new().open(&host).await, "ben", "JP").await;
    let ramen = merchant_payload(&host, "m_jp_ramen").await;
    drop(aiko);
    // What an earlier build left behind: intents committed under its kind names, never sent.
    {
        let mut store = Store::open(home.db(), &home.keystore()).unwrap();
        let version: u32 = store.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, 4, "the schema those builds wrote");
        let yen = |minor: i64| json!({ "minor": minor, "currency": "JPY" });
        let old = [
            (
                "topup",
                "/v1/topups",
                json!({ "bank_link_id": link, "amount": yen(20_000) }),
                json!({ "bank_name": "Sakura" }),
            ),
            (
                "payment",
                "/v1/payments",
                json!({ "payload": ramen, "route": "jpqr", "amount": yen(1_200) }),
                json!({ "references": [], "shown_debit": yen(1_200), "shown_fee": yen(0) }),
            ),
            ("p2p", "/v1/transfers", json!({ "to": { "handle": "ben" }, "amount": yen(500) }), json!({})),
        ];
        store
            .write(|tx, sealer| {
                for (kind, path, body, context) in old {
                    let intent = Intent {
                        key: format!("i-old-{kind}"),
                        kind: kind.into(),
                        path: path.into(),
                        body: serde_json::to_vec(&body).unwrap(),
                        context,
                        state: IntentState::Pending,
                        outcome: None,
                        created_at: 1_700_000_000,
                    };
                    insert_intent(tx, sealer, &intent)?;
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
    let aiko = home.open(&host).await;
    assert_eq!(aiko.pending_count().unwrap(), 0, "resolved on open");
    let mut resolved: Vec<(String, String, Option<String>)> = local_history(&aiko)
        .into_iter()
        .filter(|t| t.intent_key.as_deref().is_some_and(|k| k.starts_with("i-old-")))
        .map(|t| (t.kind, t.description, t.counterparty))
        .collect();
    resolved.sort();
    assert_eq!(
        resolved,
        [
            ("p2p".to_owned(), "Sent to @ben".to_owned(), Some("@ben".to_owned())),
            ("payment".to_owned(), "Payment to KOBAN RAMEN (¥1,200)".to_owned(), Some("KOBAN RAMEN".to_owned())),
            ("topup".to_owned(), "Top-up from Sakura".to_owned(), Some(link.clone())),
        ]
    );
    assert_eq!(aiko.balance().await.unwrap().available, jpy(20_000 - 1_200 - 500));
    assert_eq!(aiko.recipients().unwrap()[0].handle, "ben");
    // This build writes the same names: the intents table reads as one vocabulary.
    drop(aiko);
    let store = Store::open(home.db(), &home.keystore()).unwrap();
    let mut stmt = store.conn().prepare("SELECT kind, state FROM intents ORDER BY seq").unwrap();
    let rows: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap();
    let expected = ["enrol", "bank_link", "topup", "payment", "p2p"].map(|k| (k.to_owned(), "done".to_owned()));
    assert_eq!(rows, expected);
}

/// A bank link's answer carries the bank account's balance; the wallet's cached balance stays
/// the wallet's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linking_a_bank_leaves_the_cached_wallet_balance_alone() {
    let host = start().await;
    let aiko = Home::new().open(&host).await;
    enrol(&aiko, "aiko", "JP").await;
    fund(&aiko, 50_000, 0).await;
    assert_eq!(aiko.cached_balance().unwrap().map(|(m, _)| m), Some(jpy(0)));
}

/// A code that leaves the bill number to the payer (`***`) is paid with what the payer typed:
/// the wallet sends it, the host checks it and keeps it with the payment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bill_number_the_payer_types_reaches_the_host() {
    let host = start().await;
    let home = Home::new();
    let aiko = home.open(&host).await;
    enrol(&aiko, "aiko", "JP").await;
    fund(&aiko, 100_000, 10_000).await;
    let request = koban_core::net::api::DynamicCodeRequest {
        amount: jpy(3_200).into(),
        reference: Some("TABLE-7".into()),
        bill_number: Some("***".into()),
        tip: None,
    };
    let code = till(&host, "m_jp_ramen").await.dynamic_code("m_jp_ramen", &request).await.unwrap().payload;
    let mut r = PaymentRequest { payload: code, ..Default::default() };
    r.references = vec![(ReferenceKind::BillNumber, "INV-42".into())];
    let q = aiko.quote_payment(&r).await.unwrap();
    let paid = aiko.confirm_payment(&q).await.unwrap();
    assert_eq!(paid.amount, jpy(3_200));
    let details = host_history(&aiko, &host).await;
    assert!(details.iter().any(|h| h.to_string().contains("INV-42")), "{details:?}");
}

/// Answers every `/v1` request of the host with a 503 (`permille` 1000) or none (0).
async fn host_fails(host: &Host, permille: u16) {
    let r = reqwest::Client::new()
        .put(format!("{}/admin/faults", host.url))
        .json(&serde_json::json!({ "error_permille": permille }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{r:?}");
}

/// The listener's next report, within 20 s.
async fn heard(events: &mut tokio::sync::mpsc::UnboundedReceiver<ListenEvent>) -> ListenEvent {
    tokio::time::timeout(Duration::from_secs(20), events.recv()).await.expect("the listener reports").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listener_backs_off_while_the_host_fails_and_hears_money_once_it_is_back() {
    let host = start().await;
    let (home_a, home_b) = (Home::new(), Home::new());
    let aiko = home_a.open(&host).await;
    enrol(&aiko, "aiko", "JP").await;
    fund(&aiko, 100_000, 20_000).await;
    let ben = Arc::new(home_b.open(&host).await);
    enrol(&ben, "ben", "JP").await;

    // The host answers nothing but 503s: each failed sync is reported with the wait before the
    // next, doubling to the ceiling.
    host_fails(&host, 1000).await;
    let ms = Duration::from_millis;
    let backoff = Backoff { first: ms(100), max: ms(250) };
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let listening = tokio::spawn(Listener::new(&ben, 2).with_backoff(backoff).run(
        async {
            let _ = stopped.await;
        },
        move |e| {
            let _ = tx.send(e);
        },
    ));
    let mut waits = Vec::new();
    while waits.len() < 4 {
        match heard(&mut events).await {
            ListenEvent::SyncFailed { error: WalletError::Unavailable(_), retry_in } => waits.push(retry_in),
            other => panic!("expected a failed sync, got {other:?}"),
        }
    }
    assert_eq!(waits, [ms(100), ms(200), ms(250), ms(250)]);

    // Back up: the listener recovers by itself and hears the transfer.
    host_fails(&host, 0).await;
    let sent = aiko.send(&SendTo::Handle("ben".into()), jpy(3_000), None).await.unwrap();
    let got = loop {
        match heard(&mut events).await {
            ListenEvent::Incoming(t) => break t,
            ListenEvent::SyncFailed { .. } => continue, // a sync that began before the host came back
            other => panic!("expected the transfer, got {other:?}"),
        }
    };
    assert_eq!((got.id.as_str(), got.amount), (sent.id.as_str(), jpy(3_000)));

    // A success resets the back-off: the next failure waits the first step again.
    host_fails(&host, 1000).await;
    match heard(&mut events).await {
        ListenEvent::SyncFailed { retry_in, .. } => assert_eq!(retry_in, ms(100)),
        other => panic!("expected a failed sync, got {other:?}"),
    }
    host_fails(&host, 0).await;

    // Stopping ends it at once, even mid long poll or mid back-off.
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), listening).await.expect("the listener stops").unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_ends_when_its_wallet_is_dropped() {
    let host = start().await;
    let home = Home::new();
    let ben = Arc::new(home.open(&host).await);
    enrol(&ben, "ben", "JP").await;
    // An unreachable host for a while: the listener backs off and does not keep the wallet open.
    host_fails(&host, 1000).await;
    let listening = tokio::spawn(Listener::new(&ben, 2).run(std::future::pending(), |_| {}));
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(ben);
    host_fails(&host, 0).await;
    tokio::time::timeout(Duration::from_secs(5), listening).await.expect("the listener stops with its wallet").unwrap();
    // The database is free again: the same home opens.
    let again = home.open(&host).await;
    assert_eq!(again.profile().unwrap().unwrap().handle, "ben");
}

// ---- A Japanese wallet pays merchants in China through their networks ---------------------

use koban_sandbox::acquiring::partners::client::SimulatorClient;
use koban_sandbox::acquiring::partners::{self, Partners};

/// The merchants in China the host lists: (host id, the network's key, route).
const CHINA: [(&str, &str, &str); 3] = [
    ("m_cn_noodles_alipay", "noodles_alipay", "alipay"),
    ("m_cn_dumplings_wechat", "dumplings_wechat", "wechatpay"),
    ("m_cn_noodles_unionpay", "noodles_unionpay", "unionpay"),
];

/// A host paying through the real partner-network service on loopback.
struct China {
    host: Host,
    partners: Partners,
    sim: SimulatorClient,
}

impl Drop for China {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let report = self.partners.check_invariants();
            assert!(report.is_ok(), "network invariants violated: {report:?}");
        }
    }
}

async fn china() -> China {
    let partners = Partners::start(partners::Config { admin: true, ..Default::default() }).await.expect("partners");
    let acquirer = koban_sandbox::acquiring::AcquirerConfig {
        url: partners.url(),
        key: partners.acquirers()[0].clone(),
        deadline: Duration::from_secs(10),
    };
    let host_key = Arc::new(koban_sandbox::HostKey::from_bytes(&TEST_HOST_KEY).unwrap());
    let config =
        koban_sandbox::Config { admin: true, host_key: Some(host_key), acquirer: Some(acquirer), ..Default::default() };
    let sandbox = koban_sandbox::Sandbox::start(config).await.expect("sandbox starts");
    let url = sandbox.url();
    let sim = partners.simulator_client().unwrap();
    China { host: Host { sandbox, url }, partners, sim }
}

impl China {
    /// What the network credited the merchant, yuan fen, and the yen it charged the host for it.
    async fn merchant(&self, key: &str) -> (i64, Vec<i64>) {
        let m = self.sim.merchant(key).await.unwrap();
        (m.balance.value, m.payments.iter().filter_map(|p| p.settlement.as_ref().map(|s| s.value)).collect())
    }

    /// A host ledger account's balance.
    fn account(&self, id: &str) -> i64 {
        rusqlite::Connection::open(self.host.sandbox.db_path())
            .unwrap()
            .query_row("SELECT balance FROM accounts WHERE id = ?1", [id], |r| r.get(0))
            .unwrap()
    }
}

/// A transport that sends each payment for real and drops its first answer, as a lost
/// connection would: the host applied it, the wallet heard nothing.
struct DropFirstAnswer {
    inner: ReqwestTransport,
    dropped: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl HttpTransport for DropFirstAnswer {
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let key =
                req.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("idempotency-key")).map(|(_, v)| v.clone());
            let payment = req.url.ends_with("/v1/payments");
            let resp = self.inner.send(req).await;
            if let (true, Some(key)) = (payment, key) {
                if self.dropped.lock().unwrap().insert(key) {
                    return Err(TransportError::Connection("reset by peer".into()));
                }
            }
            resp
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_japanese_wallet_pays_alipay_wechat_pay_and_unionpay_merchants_in_china_yen_first_and_once() {
    let c = china().await;
    let home = Home::new();
    {
        let aiko = home.open(&c.host).await;
        enrol(&aiko, "aiko", "JP").await;
        fund(&aiko, 200_000, 100_000).await;
    }
    // Every first answer to a payment is lost on the way back.
    let mut config = WalletConfig::new(&c.host.url);
    config.transport = Some(Arc::new(DropFirstAnswer {
        inner: ReqwestTransport::new(Duration::from_secs(15)).unwrap(),
        dropped: Default::default(),
    }));
    let aiko = home.open_with(config).await;
    let mut debited = 0;
    for (id, key, route) in CHINA {
        let payload = merchant_payload(&c.host, id).await;
        // What the app shows on scanning: the merchant and the currency to type the amount in.
        let info = aiko.merchant_code_info(&payload).await.unwrap();
        assert_eq!((info.route.as_str(), info.currency.as_str(), info.merchant.id.as_str()), (route, "CNY", id));
        assert_eq!(
            (info.merchant.country.as_str(), info.city.as_str(), info.amount.as_ref()),
            ("CN", "SHANGHAI", None)
        );

        // Yen first: the debit, the rate and the fee, before anything is confirmed.
        let req = PaymentRequest { payload: payload.clone(), amount: Some(cur("CNY", 2_800)), ..Default::default() };
        let q = aiko.quote_payment(&req).await.unwrap();
        let fx = q.fx.clone().expect("a payment abroad is quoted");
        assert_eq!((q.route.as_str(), q.total, fx.receive), (route, cur("CNY", 2_800), cur("CNY", 2_800)));
        assert_eq!((q.debit, q.fee), (fx.total, fx.fee));
        assert_eq!((q.debit.currency().alpha(), fx.send.minor() + fx.fee.minor()), ("JPY", fx.total.minor()));
        assert!(fx.rate.starts_with("0.04"), "yuan per yen: {}", fx.rate);
        assert_eq!(
            (q.merchant_name.as_deref(), q.merchant_country.as_deref()),
            (Some(info.merchant.name.as_str()), Some("CN"))
        );

        // Confirmed once; its answer lost, the outbox asks again under the same key.
        let paid = aiko.confirm_payment(&q).await.unwrap();
        assert_eq!((paid.kind.as_str(), paid.direction, paid.amount), ("payment", Direction::Out, q.debit));
        assert_eq!(aiko.pending_count().unwrap(), 0);
        // Confirmed again (a second tap): the quote is spent, nothing more moves.
        assert_eq!(refused(aiko.confirm_payment(&q).await.unwrap_err()), Refusal::QuoteUsed);
        debited += q.debit.minor();
        assert_eq!(aiko.balance().await.unwrap().available, jpy(100_000 - debited));
        let (credited, settled) = c.merchant(key).await;
        assert_eq!((credited, settled.len()), (2_800, 1), "{route}: the merchant is paid once");
    }
    // The two books reconcile: the merchants' yuan at the networks are what the wallet
    // bought; the yen the host owes the networks is what they settled at, and the wallet's
    // yen cover it with the host's fee and margin.
    let mut owed = 0;
    for (_, key, _) in CHINA {
        owed += c.merchant(key).await.1.iter().sum::<i64>();
    }
    let payable: i64 =
        ["alipay_plus", "wechat_pay", "unionpay"].iter().map(|n| c.account(&format!("network_payable:{n}"))).sum();
    assert_eq!(payable, owed);
    assert!(debited > owed, "the wallet paid {debited}, the networks charge {owed}");
    assert_eq!(c.account("suspense:JPY"), 0);
    let local: Vec<_> = local_history(&aiko).into_iter().filter(|t| t.kind == "payment").collect();
    assert_eq!(local.len(), 3);
    assert_eq!(host_history(&aiko, &c.host).await.iter().filter(|i| i["kind"] == "payment").count(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_in_china_whose_future_is_dropped_mid_flight_pays_once_on_reopening() {
    let c = china().await;
    let home = Home::new();
    {
        let aiko = home.open(&c.host).await;
        enrol(&aiko, "aiko", "JP").await;
        fund(&aiko, 100_000, 20_000).await;
    }
    let sent = Arc::new(tokio::sync::Notify::new());
    let mut config = WalletConfig::new(&c.host.url);
    config.transport = Some(Arc::new(Blackhole {
        inner: ReqwestTransport::new(Duration::from_secs(10)).unwrap(),
        sent: sent.clone(),
    }));
    let stuck = home.open_with(config).await;
    let payload = merchant_payload(&c.host, "m_cn_noodles_unionpay").await;
    let q = stuck
        .quote_payment(&PaymentRequest { payload, amount: Some(cur("CNY", 4_500)), ..Default::default() })
        .await
        .unwrap();
    tokio::select! {
        _ = stuck.confirm_payment(&q) => panic!("the black hole never answers"),
        _ = sent.notified() => {}
    }
    assert_eq!(stuck.pending_count().unwrap(), 1);
    drop(stuck);
    let aiko = home.open(&c.host).await;
    assert_eq!(aiko.pending_count().unwrap(), 0, "reopening resolved it");
    assert_eq!(local_history(&aiko).iter().filter(|t| t.kind == "payment").count(), 1);
    assert_eq!(aiko.balance().await.unwrap().available, jpy(20_000 - q.debit.minor()));
    assert_eq!(c.merchant("noodles_unionpay").await.0, 4_500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_in_china_the_network_refuses_or_whose_amount_is_fixed_are_settled_at_quote_time() {
    let c = china().await;
    let home = Home::new();
    let aiko = home.open(&c.host).await;
    enrol(&aiko, "aiko", "JP").await;
    fund(&aiko, 100_000, 30_000).await;
    let yuan = |fen| Some(cur("CNY", fen));

    // A code no merchant shows: refused before the confirm screen.
    let unknown = PaymentRequest {
        payload: "https://qr.alipay.com/FKX00000NOSUCHSHOP0000".into(),
        amount: yuan(1_000),
        ..Default::default()
    };
    assert_eq!(refused(aiko.quote_payment(&unknown).await.unwrap_err()), Refusal::UnknownMerchant);

    // An order code fixes its amount: another one is refused, none takes the order's.
    for key in ["teahouse_alipay_order", "cafe_wechat_order", "hotpot_unionpay_order"] {
        let m = partners::merchants::by_key(key).unwrap();
        let fixed = m.amount.unwrap();
        let payload = m.code();
        let other = PaymentRequest { payload: payload.clone(), amount: yuan(fixed - 100), ..Default::default() };
        assert!(matches!(aiko.quote_payment(&other).await, Err(WalletError::InvalidInput(_))), "{key}");
        let q = aiko.quote_payment(&PaymentRequest { payload: payload.clone(), ..Default::default() }).await.unwrap();
        assert_eq!((q.total, q.debit.currency().alpha()), (cur("CNY", fixed), "JPY"), "{key}");
        let before = aiko.balance().await.unwrap().available.minor();
        aiko.confirm_payment(&q).await.unwrap();
        let after = before - q.debit.minor();
        assert_eq!(aiko.balance().await.unwrap().available, jpy(after), "{key}");
        // The order was paid: paying it again is refused at its network and the yen come back.
        let q = aiko.quote_payment(&PaymentRequest { payload, ..Default::default() }).await.unwrap();
        assert_eq!(refused(aiko.confirm_payment(&q).await.unwrap_err()), Refusal::CodeAlreadyPaid, "{key}");
        assert_eq!(aiko.balance().await.unwrap().available, jpy(after), "{key}: given back whole");
        assert_eq!(c.merchant(key).await.0, fixed, "{key}");
    }
    assert_eq!(aiko.pending_count().unwrap(), 0);
    assert_eq!(c.account("suspense:JPY"), 0);
}
