//! `koban terminal`: play the till. Enrol a terminal key for a merchant once, then charge
//! the codes shoppers present, follow charges waiting for the shopper's approval and refund.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use koban_core::crypto::{body_digest_hex, DeviceKey};
use koban_core::net::ErrorKind;
use koban_core::scheme::{detect, registry, Presentment};
use koban_core::terminal::{Charge, ChargeStatus, Refund, RefundOf, Terminal, TerminalError};
use koban_core::wallet::WalletErrorKind;
use serde_json::{json, Value};

use crate::when;

/// Arguments of `koban terminal`.
#[derive(clap::Args)]
pub struct Args {
    /// Directory holding this terminal's key and enrolment (created 0700 if missing).
    #[arg(long, env = "KOBAN_TERMINAL_HOME", global = true, hide_env_values = true)]
    home: Option<PathBuf>,
    /// The wallet host, e.g. the URL `koban sandbox` prints.
    #[arg(long, env = "KOBAN_HOST", global = true, hide_env_values = true)]
    host: Option<String>,
    /// Print one JSON object instead of sentences.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Enrol this terminal's key for a merchant (once per home folder).
    Enrol {
        /// The merchant this terminal charges for, e.g. m_jp_ramen.
        #[arg(long)]
        merchant: String,
        /// The one-time enrolment token from the host's operator; against a sandbox started
        /// with --admin it is fetched from the admin route when omitted.
        #[arg(long)]
        token: Option<String>,
    },
    /// Charge a scanned consumer-presented code. Exit 0 captured, 1 refused, 4 waiting for
    /// the shopper's approval on the phone.
    Charge {
        /// Amount in the currency's units, e.g. 1200 (JPY) or 12.50 (THB).
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        /// ISO 4217 alpha code (the merchant's), in either case: JPY or jpy.
        #[arg(long)]
        currency: String,
        /// Offline till: when the code was scanned (Unix seconds); signed with the request.
        #[arg(long)]
        scanned_at: Option<i64>,
        /// The scanned code's text; `-` reads standard input.
        #[arg(required_unless_present = "image", conflicts_with = "image")]
        code: Option<String>,
        /// Scan the code from a picture of the shopper's screen (PNG, JPEG, WebP) instead.
        #[arg(long)]
        image: Option<PathBuf>,
    },
    /// Refund, in full or in part, a till charge or a payment to this merchant's code. Exit 0
    /// refunded, 1 refused (more than is left, another merchant's payment).
    Refund {
        /// The till charge to refund (the id `charge` printed).
        #[arg(long, required_unless_present = "transaction", conflicts_with = "transaction")]
        charge: Option<String>,
        /// A payment's transaction id instead, e.g. one made to the merchant's sticker.
        #[arg(long)]
        transaction: Option<String>,
        /// How much, in the merchant's currency's units (e.g. 300 or 12.50); all that is left
        /// when omitted.
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
        /// The return's own reference (a receipt number): the same command run again is the
        /// same refund, never a second one; give another reference for another return of the
        /// same amount.
        #[arg(long, default_value = "")]
        reference: String,
    },
    /// Where a charge stands (e.g. one waiting for approval). Exit codes as for charge.
    Status {
        /// The charge id that `charge` printed.
        charge: String,
    },
}

const KEY_FILE: &str = "terminal.key";
const STATE_FILE: &str = "terminal.json";

/// Exit status for a charge's state: 0 captured, 1 refused/declined/expired, 4 pending.
fn exit_for(status: ChargeStatus) -> ExitCode {
    match status {
        ChargeStatus::Captured => ExitCode::SUCCESS,
        ChargeStatus::PendingApproval => ExitCode::from(4),
        ChargeStatus::Refused | ChargeStatus::Declined | ChargeStatus::Expired => ExitCode::from(1),
    }
}

/// What a till can do with a scanned code.
#[derive(Debug, PartialEq, Eq)]
pub enum Scanned {
    /// A Koban code: the host reads and checks it.
    Koban,
    /// Another issuer's shopper code, charged through that issuer's acquirer.
    Foreign(&'static str),
    /// Not a shopper's code at all.
    NotConsumer(String),
}

/// Tells what a till has scanned.
pub fn classify(text: &str) -> Result<Scanned, String> {
    let unknown = || "not a payment code this till knows".to_owned();
    let d = detect(text).map_err(|_| unknown())?;
    match d.presentment {
        Presentment::Consumer => {}
        Presentment::Merchant | Presentment::P2p => {
            return Ok(Scanned::NotConsumer(format!(
                "a code to be scanned by a payer ({}, {}), not one a shopper shows at a till",
                d.format.as_str(),
                d.presentment.as_str()
            )))
        }
        _ => return Err(unknown()),
    }
    if d.route(registry::KOBAN_CPM).is_some() {
        return Ok(Scanned::Koban);
    }
    let issuer = d.payable_routes().next().map(|r| r.scheme);
    Ok(Scanned::Foreign(issuer.map(|s| s.name()).unwrap_or("another issuer")))
}

/// Foreign shopper codes the Koban host charges through their networks as acquirer (ADR 0007),
/// by the names detection gives their schemes.
pub const HOST_ACQUIRES: [&str; 3] = ["Alipay", "WeChat Pay", "UnionPay"];

/// What the till says about another issuer's shopper code, which it must not send to the
/// Koban host.
pub fn foreign_message(issuer: &str) -> String {
    format!("this code is for {issuer}: charge it through {issuer}'s acquirer, not the Koban host")
}

fn fail(json: bool, code: u8, kind: &str, message: &str) -> ExitCode {
    if json {
        println!("{}", json!({ "status": "error", "kind": kind, "message": message }));
    } else {
        eprintln!("koban terminal: {message}");
    }
    ExitCode::from(code)
}

/// The terminal key kept in `home`, made on first use (an enrolled key never changes).
fn load_key(home: &Path) -> Result<DeviceKey, String> {
    let path = home.join(KEY_FILE);
    match std::fs::read(&path) {
        Ok(pkcs8) => {
            DeviceKey::from_pkcs8(&zeroize::Zeroizing::new(pkcs8)).map_err(|e| format!("{}: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = DeviceKey::generate().map_err(|e| e.to_string())?;
            crate::home::write_private(&path, key.pkcs8()).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(key)
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

fn read_code(code: &str) -> Result<String, String> {
    if code != "-" {
        return Ok(code.to_owned());
    }
    let mut s = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
        .map_err(|_| "cannot read standard input".to_owned())?;
    Ok(s)
}

/// The first code in a picture, read by the scanner the apps use.
fn scan_code(image: &Path) -> Result<String, String> {
    let outcomes = crate::scan::scan_file(image);
    let text = outcomes.iter().find_map(|o| match o {
        crate::scan::Outcome::Text(t) => Some(t.clone()),
        crate::scan::Outcome::Error(_) => None,
    });
    text.ok_or_else(|| {
        let why = outcomes.iter().find_map(|o| match o {
            crate::scan::Outcome::Error(e) => Some(e.clone()),
            crate::scan::Outcome::Text(_) => None,
        });
        format!("{}: {}", image.display(), why.unwrap_or_else(|| "no code found".into()))
    })
}

fn charge_json(c: &Charge) -> Value {
    json!({
        "status": c.status.as_str(), "kind": c.refusal, "id": c.id,
        "amount": { "minor": c.amount.minor(), "currency": c.amount.currency().alpha() },
        "transaction_id": c.transaction_id,
        // JSON keeps machine times, in Unix milliseconds like `koban detect --json`.
        "approve_by_ms": c.approve_by.map(|s| s.saturating_mul(1000)),
    })
}

fn report(c: &Charge, json: bool) -> ExitCode {
    if json {
        println!("{}", charge_json(c));
    } else {
        match c.status {
            ChargeStatus::Captured => println!("captured {} (charge {})", c.amount.format(), c.id),
            ChargeStatus::PendingApproval => println!(
                "{} is waiting for the shopper's approval on their phone{} (charge {}); ask again with `koban terminal status {}`",
                c.amount.format(),
                c.approve_by.map(|at| format!(" until {}", when::human(at, when::now()))).unwrap_or_default(),
                c.id,
                c.id
            ),
            other => println!("{} {} (charge {})", c.amount.format(), other.as_str().replace('_', " "), c.id),
        }
    }
    exit_for(c.status)
}

/// Runs `koban terminal`.
pub fn run(args: Args) -> ExitCode {
    let json = args.json;
    let (Some(home), Some(host)) = (args.home.clone(), args.host.clone()) else {
        return fail(json, 2, "usage", "give --home DIR and --host URL (or KOBAN_TERMINAL_HOME and KOBAN_HOST)");
    };
    let host = match crate::args::host_url(&host) {
        Ok(h) => h,
        Err(e) => return fail(json, 2, "usage", &e),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(json, 2, "runtime", &e.to_string()),
    };
    runtime.block_on(run_async(&home, &host, args.command, json))
}

async fn run_async(home: &Path, host: &str, command: Command, json: bool) -> ExitCode {
    if let Err(e) = crate::home::private_home(home, &[KEY_FILE, STATE_FILE]) {
        return fail(json, 2, "home", &format!("{}: {e}", home.display()));
    }
    let key = match load_key(home) {
        Ok(k) => k,
        Err(e) => return fail(json, 2, "home", &e),
    };
    let terminal = match Terminal::new(host, key, None) {
        Ok(t) => t,
        Err(e) => return fail(json, 2, "host", &e.to_string()),
    };
    match command {
        Command::Enrol { merchant, token } => enrol(home, host, &terminal, &merchant, token, json).await,
        Command::Charge { amount, currency, scanned_at, code, image } => {
            let text = match (code, image) {
                (Some(code), _) => read_code(&code),
                (None, Some(image)) => scan_code(&image),
                (None, None) => Err("give the code's text, - for standard input, or --image FILE".into()),
            };
            match text {
                Ok(text) => charge(home, &terminal, &amount, &currency, scanned_at, &text, json).await,
                Err(e) => fail(json, 2, "usage", &e),
            }
        }
        Command::Refund { charge, transaction, amount, reference } => {
            let of = match (charge, transaction) {
                (Some(c), _) => RefundOf::Charge(c),
                (None, Some(t)) => RefundOf::Transaction(t),
                (None, None) => return fail(json, 2, "usage", "give --charge ID or --transaction ID"),
            };
            refund(home, &terminal, &of, amount.as_deref(), &reference, json).await
        }
        Command::Status { charge } => match terminal.charge_status(&charge).await {
            Ok(c) => report(&c, json),
            Err(e) => refused(&e, json),
        },
    }
}

fn refused(e: &TerminalError, json: bool) -> ExitCode {
    match e {
        TerminalError::Refused { kind, message } => fail(json, 1, kind, &format!("refused ({kind}): {message}")),
        TerminalError::Unknown(m) => fail(
            json,
            5,
            WalletErrorKind::OutcomeUnknown.as_str(),
            &format!("no answer from the host ({m}); run the same charge again: it is never applied twice"),
        ),
        other => fail(json, 2, "protocol", &other.to_string()),
    }
}

async fn enrol(
    home: &Path,
    host: &str,
    terminal: &Terminal,
    merchant: &str,
    token: Option<String>,
    json: bool,
) -> ExitCode {
    if home.join(STATE_FILE).exists() {
        return fail(
            json,
            2,
            ErrorKind::AlreadyEnrolled.as_str(),
            &format!("{} already holds an enrolled terminal", home.display()),
        );
    }
    let token = match token {
        Some(t) => t,
        None => match admin_token(host, merchant).await {
            Ok(t) => t,
            Err(e) => return fail(json, 2, "no_token", &e),
        },
    };
    let enrolled = match terminal.enrol(merchant, &token).await {
        Ok(e) => e,
        Err(e) => return refused(&e, json),
    };
    let state = json!({ "host": host, "terminal_id": enrolled.terminal_id, "merchant_id": enrolled.merchant_id,
                        "merchant_name": enrolled.merchant_name, "currency": enrolled.currency });
    if let Err(e) = crate::home::write_private(&home.join(STATE_FILE), state.to_string().as_bytes()) {
        return fail(json, 2, "home", &e.to_string());
    }
    if json {
        println!("{}", json!({ "status": "enrolled", "terminal": state }));
    } else {
        println!(
            "terminal {} enrolled for {} ({})",
            enrolled.terminal_id, enrolled.merchant_name, enrolled.merchant_id
        );
    }
    ExitCode::SUCCESS
}

/// Asks a sandbox started with `--admin` for an enrolment token.
async fn admin_token(host: &str, merchant: &str) -> Result<String, String> {
    let url = format!("{}/admin/merchants/{merchant}/enrolment-tokens", host.trim_end_matches('/'));
    let resp = reqwest::Client::new()
        .post(&url)
        .send()
        .await
        .map_err(|e| format!("cannot reach {host} for an enrolment token: {e}"))?;
    let status = resp.status();
    let v: Value = resp.json().await.unwrap_or_default();
    match v["token"].as_str() {
        Some(t) if status.is_success() => Ok(t.to_owned()),
        _ => Err(format!(
            "the host gave no enrolment token ({}); pass --token from the host's operator",
            v["error"]["message"].as_str().unwrap_or(status.as_str())
        )),
    }
}

async fn charge(
    home: &Path,
    terminal: &Terminal,
    amount: &str,
    currency: &str,
    scanned_at: Option<i64>,
    text: &str,
    json: bool,
) -> ExitCode {
    if !home.join(STATE_FILE).exists() {
        return fail(
            json,
            2,
            WalletErrorKind::NotEnrolled.as_str(),
            "this terminal is not enrolled yet: run `koban terminal enrol` first",
        );
    }
    let currency = match crate::args::currency(currency) {
        Ok(c) => c,
        Err(e) => return fail(json, 2, "usage", &e),
    };
    let amount = match crate::args::amount(amount, currency) {
        Ok(a) => a,
        Err(e) => return fail(json, 2, "usage", &e),
    };
    match classify(text) {
        Ok(Scanned::Koban) => {}
        // The host acquires these networks' codes itself (through the partner networks).
        Ok(Scanned::Foreign(issuer)) if HOST_ACQUIRES.contains(&issuer) => {}
        Ok(Scanned::Foreign(issuer)) => return fail(json, 3, "foreign_code", &foreign_message(issuer)),
        Ok(Scanned::NotConsumer(what)) => return fail(json, 3, "not_consumer", &format!("this is {what}")),
        Err(e) => return fail(json, 3, "unknown_code", &e),
    }
    match terminal.charge(text, amount, scanned_at).await {
        Ok(c) => report(&c, json),
        Err(e) => refused(&e, json),
    }
}

/// The merchant's currency, as enrolment recorded it.
fn merchant_currency(home: &Path) -> Result<koban_core::money::Currency, String> {
    let text = std::fs::read_to_string(home.join(STATE_FILE))
        .map_err(|_| "this terminal is not enrolled yet: run `koban terminal enrol` first".to_owned())?;
    let state: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", home.join(STATE_FILE).display()))?;
    crate::args::currency(state["currency"].as_str().unwrap_or_default())
}

/// The idempotency key of a refund: the same original, amount and reference make the same
/// key, so running the command again after a lost answer never refunds twice.
fn refund_key(of: &RefundOf, amount: Option<koban_core::money::Money>, reference: &str) -> String {
    let original = match of {
        RefundOf::Charge(id) => format!("charge {id}"),
        RefundOf::Transaction(id) => format!("transaction {id}"),
    };
    let amount = amount.map_or_else(|| "rest".to_owned(), |a| a.minor().to_string());
    format!("refund-{}", &body_digest_hex(format!("{original}\n{amount}\n{reference}").as_bytes())[..32])
}

fn refund_json(r: &Refund) -> Value {
    let money = |m: koban_core::money::Money| json!({ "minor": m.minor(), "currency": m.currency().alpha() });
    json!({
        "status": "refunded", "id": r.id, "transaction_id": r.transaction_id,
        "original_transaction_id": r.original_transaction_id, "charge_id": r.charge_id,
        "amount": money(r.amount), "refunded_total": money(r.refunded_total), "refundable": money(r.refundable),
    })
}

async fn refund(
    home: &Path,
    terminal: &Terminal,
    of: &RefundOf,
    amount: Option<&str>,
    reference: &str,
    json: bool,
) -> ExitCode {
    let currency = match merchant_currency(home) {
        Ok(c) => c,
        Err(e) => return fail(json, 2, WalletErrorKind::NotEnrolled.as_str(), &e),
    };
    let amount = match amount.map(|a| crate::args::amount(a, currency)).transpose() {
        Ok(a) => a,
        Err(e) => return fail(json, 2, "usage", &e),
    };
    match terminal.refund(of, amount, &refund_key(of, amount, reference)).await {
        Ok(r) if json => {
            println!("{}", refund_json(&r));
            ExitCode::SUCCESS
        }
        Ok(r) => {
            let what = r
                .charge_id
                .as_ref()
                .map_or_else(|| format!("transaction {}", r.original_transaction_id), |c| format!("charge {c}"));
            println!(
                "refunded {} of {what} (refund {}); {} refunded in all, {} left",
                r.amount.format(),
                r.id,
                r.refunded_total.format(),
                r.refundable.format()
            );
            ExitCode::SUCCESS
        }
        Err(e) => refused(&e, json),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use koban_core::cpm::TokenCode;
    use koban_core::crypto::LimitedUseKey;

    #[test]
    fn tells_our_codes_from_foreign_and_merchant_ones() {
        let key = LimitedUseKey::from_bytes([3; 32]);
        let qr = TokenCode::generate(&key, "4900000000000001", 7, 1_795_500_000, [1, 2, 3, 4]).unwrap();
        assert_eq!(classify(&qr.to_qr_text()), Ok(Scanned::Koban));
        let numeric = TokenCode::generate(&key, "4900000000000001", 8, 1_795_500_000, [0; 4]).unwrap();
        assert_eq!(classify(&numeric.to_numeric().unwrap()), Ok(Scanned::Koban));
        assert_eq!(classify("28763443825664394"), Ok(Scanned::Foreign("Alipay")));
        assert_eq!(classify("120061098828009406"), Ok(Scanned::Foreign("WeChat Pay")));
        assert_eq!(
            classify("hQVDUFYwMWEfTwigAAAAZQOSAlcTMViZAHkkKUPUkSEhAAAFEgAADw=="),
            Ok(Scanned::Foreign("JPQR consumer-presented"))
        );
        assert_eq!(
            classify("00020101021129370016A0000006770101110113006681222333353037645802TH63041DCF"),
            Ok(Scanned::NotConsumer(
                "a code to be scanned by a payer (emv-mpm, p2p), not one a shopper shows at a till".into()
            ))
        );
        assert_eq!(classify("garbage"), Err("not a payment code this till knows".into()));
    }

    #[test]
    fn foreign_codes_are_named_in_plain_grammar() {
        for issuer in ["Alipay", "UnionPay", "WeChat Pay", "JPQR consumer-presented", "another issuer"] {
            let m = foreign_message(issuer);
            assert!(m.starts_with(&format!("this code is for {issuer}: charge it through {issuer}'s")), "{m}");
            assert!(!m.contains(" a A") && !m.contains(" a U") && !m.contains(" a a"), "{m}");
        }
    }
}
