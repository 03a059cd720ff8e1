//! `koban demo`: a sandbox host and the partner networks in-process on loopback, Aiko's week
//! with her wallet (Tokyo, Bangkok, a noodle shop in Shanghai paid by its Alipay code), and a
//! tourist from China paying her ramen shop with Alipay.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use koban_core::crypto::DeviceKey;
use koban_core::money::{Currency, Money};
use koban_core::scheme::Detection;
use koban_core::terminal::{ChargeStatus, Network, RefundOf, Terminal};
use koban_core::wallet::{
    BankAccount, Direction, Enrolment, Identity, PaymentRequest, QuoteAmount, RemitDestination, RemitRecipient, SendTo,
    Wallet,
};
use koban_partners::client::SimulatorClient;
use koban_partners::Partners;
use koban_sandbox::acquiring::{AcquirerConfig, DEFAULT_DEADLINE};
use koban_sandbox::{Config, Sandbox};

use crate::terminal::{charge_sentence, classify, refund_sentence, settlement_lines, Scanned};
use crate::wallet::{line, open, payment_lines, remit_lines};

/// Arguments of `koban demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Keep the wallets and code images here (default: a temporary directory).
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// Runs the demo; non-zero exit if any step fails.
pub fn run(args: Args) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("koban demo: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(story(args)) {
        Ok(()) => {
            println!("\nDemo complete: every step succeeded.");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\nkoban demo: step failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The wallet homes the demo makes in its folder, one per person.
const PEOPLE: [&str; 3] = ["aiko", "maria", "ben"];
/// The files of a wallet home (the database with its WAL files, and the key file).
const WALLET_FILES: [&str; 4] = ["wallet.key", "wallet.sqlite3", "wallet.sqlite3-wal", "wallet.sqlite3-shm"];

/// The demo's host lives only as long as the demo, so the wallets an earlier run left in
/// `dir` belong to a host that is gone: removes them, and only files the demo makes (a home
/// holding anything else is refused, not emptied). True if there was something to remove.
fn start_fresh(dir: &Path) -> Result<bool, String> {
    let mut removed = false;
    for person in PEOPLE {
        let home = dir.join(person);
        let entries = match std::fs::read_dir(&home) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("{}: {e}", home.display())),
        };
        for entry in entries {
            let name = entry.map_err(|e| format!("{}: {e}", home.display()))?.file_name();
            if !WALLET_FILES.iter().any(|f| name == *f) {
                return Err(format!(
                    "{} holds {} which the demo did not make: give --dir a folder of its own",
                    home.display(),
                    name.to_string_lossy()
                ));
            }
        }
        for f in WALLET_FILES {
            match std::fs::remove_file(home.join(f)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(format!("{}: {e}", home.join(f).display()))
                }
                _ => {}
            }
        }
        std::fs::remove_dir(&home).map_err(|e| format!("{}: {e}", home.display()))?;
        removed = true;
    }
    Ok(removed)
}

fn jpy(minor: i64) -> Money {
    Money::from_minor(minor, Currency::from_alpha("JPY").expect("JPY is in the table"))
}

fn step(n: u32, title: &str) {
    println!("\n{n}. {title}");
}

fn say(s: impl AsRef<str>) {
    println!("   {}", s.as_ref());
}

/// Draws a payment code as a PNG, the way a shop prints it on its counter sticker.
fn draw_code(payload: &str, path: &Path) -> Result<(), String> {
    let code = qrcode::QrCode::new(payload.as_bytes()).map_err(|e| format!("QR encode: {e}"))?;
    let img = code.render::<image::Luma<u8>>().min_dimensions(300, 300).build();
    img.save(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Scans a code image with the real scanner (`koban_core::scan`, through `koban scan`'s
/// file reader) and detects the first code's text.
fn scan_image(png: &Path) -> Result<(String, Detection), String> {
    use crate::scan::Outcome;
    let outcomes = crate::scan::scan_file(png);
    let text = outcomes.iter().find_map(|o| if let Outcome::Text(t) = o { Some(t.clone()) } else { None }).ok_or_else(
        || {
            outcomes
                .iter()
                .find_map(|o| if let Outcome::Error(e) = o { Some(e.clone()) } else { None })
                .unwrap_or_else(|| "no QR code found".into())
        },
    )?;
    let d = koban_core::scheme::detect(&text).map_err(|e| e.to_string())?;
    Ok((text, d))
}

async fn merchant_payload(host: &str, id: &str) -> Result<String, String> {
    let v: serde_json::Value = reqwest::get(format!("{host}/v1/merchants"))
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    v["merchants"]
        .as_array()
        .and_then(|ms| ms.iter().find(|m| m["id"] == id))
        .and_then(|m| m["static_payload"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("the host has no merchant {id}"))
}

async fn person(dir: &Path, host: &str, handle: &str, name: &str, country: &str) -> Result<Wallet, String> {
    let w = open(&dir.join(handle), host).await?;
    w.enrol(&Enrolment { country: country.into(), handle: handle.into(), display_name: name.into() })
        .await
        .map_err(|e| e.to_string())?;
    Ok(w)
}

/// The hosts the demo runs in-process, started as `koban sandbox` starts them: the partner
/// networks first, then the wallet host acquiring tourists' codes through them (with its admin
/// routes on, so the shop's till fetches its own enrolment token).
async fn start_hosts() -> Result<(Partners, Sandbox), String> {
    let partners =
        Partners::start(koban_partners::Config::default()).await.map_err(|e| format!("partner networks: {e}"))?;
    let key = partners.acquirers().first().cloned().ok_or("the partner networks gave no acquirer key")?;
    let acquirer = AcquirerConfig { url: partners.url(), key, deadline: DEFAULT_DEADLINE };
    let config = Config { admin: true, acquirer: Some(acquirer), ..Config::default() };
    let sandbox = Sandbox::start(config).await.map_err(|e| e.to_string())?;
    Ok((partners, sandbox))
}

/// A partner wallet's balance as money.
fn partner_money(a: &koban_partners::Amount) -> Result<Money, String> {
    let currency = Currency::from_alpha(&a.currency).ok_or_else(|| format!("unknown currency {}", a.currency))?;
    Ok(Money::from_minor(a.value, currency))
}

/// The seed's scene: Li Wei, an Alipay user from China, pays the ramen shop by showing his
/// Alipay code; the shop's till charges it (yen for the shop, yuan for him), gives part back,
/// and reads the day's settlement per network.
async fn tourist(host: &str, partners_url: &str) -> Result<(), String> {
    let te = |e: koban_core::terminal::TerminalError| e.to_string();
    let phone = SimulatorClient::new(partners_url).map_err(|e| e.to_string())?;
    let till = Terminal::new(host, DeviceKey::generate().map_err(|e| e.to_string())?, None).map_err(te)?;
    let token = crate::terminal::admin_token(host, "m_jp_ramen").await?;
    let shop = till.enrol("m_jp_ramen", &token).await.map_err(te)?;
    say(format!("the shop's till is enrolled for {} ({})", shop.merchant_name, shop.merchant_id));
    let li_wei = phone.user("li_wei").await.map_err(|e| e.to_string())?;
    let before = partner_money(&li_wei.balance)?;
    let shown = phone.issue_code("li_wei", None).await.map_err(|e| e.to_string())?;
    say(format!(
        "{} opens {} ({} in his wallet) and shows his payment code",
        li_wei.name,
        li_wei.wallet_name,
        before.format()
    ));
    let d = koban_core::scheme::detect(&shown.code).map_err(|e| e.to_string())?;
    let schemes: Vec<&str> = d.schemes().iter().map(|s| s.name()).collect();
    let Ok(Scanned::Acquired(network)) = classify(&shown.code) else {
        return Err(format!("the till does not send {} to the host", shown.code));
    };
    say(format!(
        "the till scans {} ({}, {}); the host charges it through {}",
        shown.code,
        d.format.as_str(),
        schemes.join(", "),
        network.name()
    ));
    let charge = till.charge(&shown.code, jpy(2_400), None).await.map_err(te)?;
    say(charge_sentence(&charge));
    let (ChargeStatus::Captured, Network::AlipayPlus, Some(paid)) =
        (charge.status, charge.network, charge.customer_amount)
    else {
        return Err(format!("the tourist's charge was not captured through Alipay+: {charge:?}"));
    };
    say("the gyoza never came: the shop gives back ¥800");
    let refund = till.refund(&RefundOf::Charge(charge.id.clone()), Some(jpy(800)), "demo-gyoza").await.map_err(te)?;
    say(refund_sentence(&refund));
    let back = refund.customer_amount.ok_or("the refund did not say what went back in yuan")?;
    let after = partner_money(&phone.user("li_wei").await.map_err(|e| e.to_string())?.balance)?;
    say(format!(
        "{}'s {}: {} - {} + {} = {}",
        li_wei.name,
        li_wei.wallet_name,
        before.format(),
        paid.format(),
        back.format(),
        after.format()
    ));
    if before.minor() - paid.minor() + back.minor() != after.minor() {
        return Err(format!("Li Wei's wallet shows {}, not what he paid and got back", after.format()));
    }
    let day = till.settlement(None).await.map_err(te)?;
    say("at closing time the till reads the day: what each network pays the shop, in yen");
    settlement_lines(&day, &shop.merchant_name).iter().for_each(say);
    let alipay = day.lines.iter().find(|l| l.network == Network::AlipayPlus).ok_or("no Alipay+ line")?;
    if alipay.net != jpy(1_600) || alipay.customer_net.map(|m| m.minor()) != Some(paid.minor() - back.minor()) {
        return Err(format!("the Alipay+ line does not add up: {alipay:?}"));
    }
    Ok(())
}

/// Aiko pays a noodle shop in Shanghai by its Alipay code: the code names no currency, so the
/// host reads it at Alipay+ (the shop, yuan); the yen debit, rate and fee come before she
/// confirms; Alipay+ pays the shop in yuan and the host owes it the yen.
async fn shanghai(aiko: &Wallet, dir: &Path, host: &str, partners_url: &str) -> Result<(), String> {
    let e = |e: koban_core::wallet::WalletError| e.to_string();
    let png = dir.join("lanxin-noodles-alipay.png");
    let sticker = merchant_payload(host, "m_cn_noodles_alipay").await?;
    draw_code(&sticker, &png)?;
    let (payload, d) = scan_image(&png)?;
    if payload != sticker {
        return Err("the scanner read something other than the shop's Alipay code".into());
    }
    let routes: Vec<&str> = d.payable_routes().map(|r| r.scheme.as_str()).collect();
    say(format!(
        "scanned {}: {} code, routes [{}]; the code itself names no currency",
        png.file_name().and_then(|n| n.to_str()).unwrap_or("image"),
        d.format.as_str(),
        routes.join(", ")
    ));
    let info = aiko.merchant_code_info(&payload).await.map_err(e)?;
    say(format!(
        "Alipay+ reads it: {} in {}, {}, paid in {}",
        info.merchant.name, info.city, info.merchant.country, info.currency
    ));
    let cny = Currency::from_alpha(&info.currency).ok_or("the shop's currency is unknown")?;
    say("a bowl of beef noodles and a tea: she types 32.00");
    let q = aiko
        .quote_payment(&PaymentRequest { payload, amount: Some(Money::from_minor(3_200, cny)), ..Default::default() })
        .await
        .map_err(e)?;
    payment_lines(&q).iter().for_each(say);
    say("Aiko taps Pay; Alipay+ pays the shop in yuan, and Koban owes Alipay+ the yen");
    say(format!("paid: {}", line(&aiko.confirm_payment(&q).await.map_err(e)?)));
    let shop = SimulatorClient::new(partners_url)
        .map_err(|e| e.to_string())?
        .merchant("noodles_alipay")
        .await
        .map_err(|e| e.to_string())?;
    let received = partner_money(&shop.balance)?;
    say(format!("the shop's Alipay account shows {} received", received.format()));
    if received.minor() != 3_200 {
        return Err(format!("the shop received {}, not CN¥32.00", received.format()));
    }
    Ok(())
}

async fn story(args: Args) -> Result<(), String> {
    let temp;
    let dir = match args.dir {
        Some(d) => {
            std::fs::create_dir_all(&d).map_err(|e| format!("{}: {e}", d.display()))?;
            if start_fresh(&d)? {
                println!("Starting fresh: removed the wallets an earlier demo left in {}", d.display());
            }
            d
        }
        None => {
            temp = tempfile::tempdir().map_err(|e| e.to_string())?;
            temp.path().to_path_buf()
        }
    };
    let (partners, sandbox) = start_hosts().await?;
    let host = sandbox.url();
    println!("Koban demo — a sandbox wallet host is running in-process at {host},");
    println!("with the partner networks (Alipay+, WeChat Pay, UnionPay) simulated at {}", partners.url());
    let e = |e: koban_core::wallet::WalletError| e.to_string();

    step(1, "Aiko in Tokyo installs Koban and links her bank");
    let aiko = person(&dir, &host, "aiko", "Aiko Tanaka", "JP").await?;
    let p = aiko.profile().map_err(e)?.ok_or("enrolment not stored")?;
    say(format!("enrolled @{} in {} ({}); device key sealed on the phone", p.handle, p.country, p.currency.alpha()));
    let b = aiko
        .verify_identity(&Identity {
            legal_name: "Aiko Tanaka".into(),
            date_of_birth: "1994-04-01".into(),
            document_number: "MN1234567".into(),
        })
        .await
        .map_err(e)?;
    say(format!("identity verified: tier {}, can send abroad: {}", b.tier, b.can_remit));
    let link = aiko
        .link_bank(&BankAccount {
            bank_id: "bank_sakura".into(),
            account_number: "1234567".into(),
            holder_name: "TANAKA AIKO".into(),
            sandbox_opening_balance: Some(jpy(300_000)),
        })
        .await
        .map_err(e)?;
    say(format!("linked {} ****{}", link.bank_name, link.last4));
    let t = aiko.top_up(&link.id, jpy(50_000)).await.map_err(e)?;
    say(format!("top-up: {}", line(&t)));
    say(format!("balance {}", aiko.balance().await.map_err(e)?.available.format()));

    step(2, "Lunch in Shibuya: she scans the JPQR code on the ramen shop's counter");
    let png = dir.join("koban-ramen-jpqr.png");
    let sticker = merchant_payload(&host, "m_jp_ramen").await?;
    draw_code(&sticker, &png)?;
    let (payload, d) = scan_image(&png)?;
    if payload != sticker {
        return Err("the scanner read something other than the shop's code".into());
    }
    let routes: Vec<&str> = d.payable_routes().map(|r| r.scheme.as_str()).collect();
    say(format!(
        "scanned {}: {} code, routes [{}]",
        png.file_name().and_then(|n| n.to_str()).unwrap_or("image"),
        d.format.as_str(),
        routes.join(", ")
    ));
    let q = aiko
        .quote_payment(&PaymentRequest { payload, amount: Some(jpy(1_200)), ..Default::default() })
        .await
        .map_err(e)?;
    payment_lines(&q).iter().for_each(say);
    say(format!("paid: {}", line(&aiko.confirm_payment(&q).await.map_err(e)?)));

    step(3, "Bangkok: a PromptPay som tam stall asks ฿120.00 — the yen amount and fee come first");
    let stall = merchant_payload(&host, "m_th_somtam").await?;
    let thb = Currency::from_alpha("THB").ok_or("THB")?;
    let q = aiko
        .quote_payment(&PaymentRequest {
            payload: stall,
            amount: Some(Money::from_minor(12_000, thb)),
            ..Default::default()
        })
        .await
        .map_err(e)?;
    payment_lines(&q).iter().for_each(say);
    say("Aiko taps Pay");
    say(format!("paid: {}", line(&aiko.confirm_payment(&q).await.map_err(e)?)));

    step(4, "Shanghai: a noodle shop shows its Alipay and UnionPay codes — she scans the Alipay one");
    shanghai(&aiko, &dir, &host, &partners.url()).await?;

    step(5, "Sending ¥30,000 to her friend Maria in Manila");
    let maria = person(&dir, &host, "maria", "Maria Santos", "PH").await?;
    let rq = aiko.quote_remittance("PH", QuoteAmount::Send(jpy(30_000))).await.map_err(e)?;
    remit_lines(&rq).iter().for_each(say);
    let to = RemitRecipient {
        name: "Maria Santos".into(),
        destination: RemitDestination::Handle("maria".into()),
        relationship: Some("friend".into()),
    };
    say(format!("sent: {}", line(&aiko.remit(&rq, &to, "gift", Some("Maligayang kaarawan!")).await.map_err(e)?)));
    let got = maria.sync(0).await.map_err(e)?;
    let arrived = got.received.first().ok_or("Maria's wallet did not receive the remittance")?;
    say(format!("in Manila, Maria's wallet shows {}", line(arrived)));

    step(6, "Her friend Ben pays her back for concert tickets");
    let ben = person(&dir, &host, "ben", "Ben Sato", "JP").await?;
    let bl = ben
        .link_bank(&BankAccount {
            bank_id: "bank_fuji".into(),
            account_number: "7654321".into(),
            holder_name: "SATO BEN".into(),
            sandbox_opening_balance: Some(jpy(100_000)),
        })
        .await
        .map_err(e)?;
    ben.top_up(&bl.id, jpy(10_000)).await.map_err(e)?;
    let aiko_code = aiko.receive_code().await.map_err(e)?;
    say("Ben scans Aiko's receive code and sends ¥2,000");
    ben.send(&SendTo::ReceiveCode(aiko_code), jpy(2_000), Some("concert tickets")).await.map_err(e)?;
    let got = aiko.sync(1).await.map_err(e)?;
    let received = got.received.first().ok_or("Aiko did not receive Ben's transfer")?;
    say(format!("received: {}", line(received)));

    step(7, "Back in Shibuya: Li Wei, visiting from China, pays the ramen shop with Alipay");
    tourist(&host, &partners.url()).await?;

    step(8, "Aiko's history");
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = aiko.history(20, cursor.as_deref()).map_err(e)?;
        all.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    all.iter().for_each(|t| say(line(t)));
    let net: i64 =
        all.iter().map(|t| if t.direction == Direction::In { t.amount.minor() } else { -t.amount.minor() }).sum();
    let balance = aiko.balance().await.map_err(e)?.available;
    say(format!("balance {} — equals the sum of her history: {}", balance.format(), jpy(net).format()));
    if balance.minor() != net {
        return Err(format!(
            "the host's balance {} differs from the history's {}",
            balance.format(),
            jpy(net).format()
        ));
    }
    let invariants = sandbox.check_invariants().map_err(|v| format!("ledger invariants violated: {v:?}"))?;
    say(format!("the host's double-entry ledger balances ({} journals checked)", invariants.journals));
    let theirs = partners.check_invariants().map_err(|v| format!("partner ledger invariants violated: {v:?}"))?;
    say(format!("and so does the partner networks' ({} journals checked)", theirs.journals));
    Ok(())
}
