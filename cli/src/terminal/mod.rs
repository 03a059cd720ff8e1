//! `koban terminal`: play the till. Enrol a terminal key for a merchant once, then charge
//! the codes shoppers present (Koban's, and tourists' Alipay, WeChat Pay and UnionPay codes,
//! which the host acquires through their networks), follow charges waiting for the shopper's
//! approval, make one-payment codes for shoppers to scan, refund, and read the day's settlement.

mod charge;
mod code;
mod refund;
mod settlement;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use koban_core::crypto::DeviceKey;
use koban_core::money::{Currency, Money};
use koban_core::net::ErrorKind;
use koban_core::terminal::{RefundOf, Terminal, TerminalError};
use koban_core::wallet::WalletErrorKind;
use serde_json::{json, Value};

pub use charge::{charge_sentence, classify, Scanned};
pub use refund::refund_sentence;
pub use settlement::settlement_lines;

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
    /// Enrol this terminal's key for a merchant (once per home folder)
    Enrol {
        /// The merchant this terminal charges for, e.g. m_jp_ramen.
        #[arg(long)]
        merchant: String,
        /// The one-time enrolment token from the host's operator; against a sandbox started
        /// with --admin it is fetched from the admin route when omitted.
        #[arg(long)]
        token: Option<String>,
    },
    #[command(flatten)]
    Till(Till),
}

/// What an enrolled terminal does.
#[derive(clap::Subcommand)]
enum Till {
    /// Charge a code a shopper shows: Koban, or a tourist's Alipay, WeChat Pay, UnionPay
    ///
    /// The host reads Koban codes and acquires the tourists' codes through their networks.
    /// Exit 0 captured, 1 refused, 4 waiting for the shopper's approval on the phone.
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
    /// Make a code with the amount for a shopper's wallet to scan and pay once
    ///
    /// Prints the code's text, drawn above it when standard output is a terminal. Exit 0
    /// made, 1 refused.
    Code {
        /// Amount in the merchant's currency's units, e.g. 1200 (JPY) or 12.50 (THB).
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        /// ISO 4217 alpha code; the merchant's when omitted (the only one it takes).
        #[arg(long)]
        currency: Option<String>,
        /// The order or bill number the code carries (1 to 25 letters, digits or `-`): the
        /// same command run again gives the same code. A fresh one is made when omitted.
        #[arg(long)]
        reference: Option<String>,
    },
    /// Refund all or part of a till charge or of a payment to this merchant's code
    ///
    /// A tourist's charge is refunded through its network, in the shopper's currency at the
    /// charge's rate. Exit 0 refunded, 1 refused (more than is left, another merchant's payment).
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
    /// Where a charge stands (e.g. one waiting for approval)
    ///
    /// Exit codes as for charge.
    Status {
        /// The charge id that `charge` printed.
        charge: String,
    },
    /// The day's settlement per network: what the merchant receives, what shoppers paid
    ///
    /// One line per network (Koban, Alipay+, WeChat Pay, UnionPay) with the payments and
    /// refunds, in the merchant's currency and, for tourists' networks, in theirs.
    Settlement {
        /// The merchant's local calendar day, YYYY-MM-DD; today when omitted.
        #[arg(long)]
        date: Option<String>,
    },
}

const KEY_FILE: &str = "terminal.key";
const STATE_FILE: &str = "terminal.json";

/// What enrolment recorded in the home folder.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Enrolment {
    host: String,
    terminal_id: String,
    merchant_id: String,
    merchant_name: String,
    currency: String,
}

impl Enrolment {
    /// The enrolment kept in `home`: `None` before `enrol`.
    fn read(home: &Path) -> Result<Option<Enrolment>, String> {
        let path = home.join(STATE_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        serde_json::from_str(&text).map(Some).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The merchant's currency.
    fn currency(&self) -> Result<Currency, String> {
        crate::args::currency(&self.currency)
    }
}

/// `{"minor": …, "currency": …}`, the shape of every amount in the till's JSON.
fn money_json(m: Money) -> Value {
    json!({ "minor": m.minor(), "currency": m.currency().alpha() })
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
            let pkcs8 = key.pkcs8().ok_or("a new software key has its document")?;
            crate::home::write_private(&path, pkcs8).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(key)
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
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
    let enrolment = match Enrolment::read(home) {
        Ok(e) => e,
        Err(e) => return fail(json, 2, "home", &e),
    };
    let (till, enrolment) = match (command, enrolment) {
        (Command::Enrol { merchant, token }, None) => {
            return enrol(home, host, &terminal, &merchant, token, json).await
        }
        (Command::Enrol { .. }, Some(_)) => {
            return fail(
                json,
                2,
                ErrorKind::AlreadyEnrolled.as_str(),
                &format!("{} already holds an enrolled terminal", home.display()),
            )
        }
        (Command::Till(_), None) => {
            return fail(
                json,
                2,
                WalletErrorKind::NotEnrolled.as_str(),
                "this terminal is not enrolled yet: run `koban terminal enrol` first",
            )
        }
        (Command::Till(till), Some(enrolment)) => (till, enrolment),
    };
    match till {
        Till::Charge { amount, currency, scanned_at, code, image } => {
            let text = match (code, image) {
                (Some(code), _) => charge::read_code(&code),
                (None, Some(image)) => charge::scan_code(&image),
                (None, None) => Err("give the code's text, - for standard input, or --image FILE".into()),
            };
            match text {
                Ok(text) => charge::charge(&terminal, &amount, &currency, scanned_at, &text, json).await,
                Err(e) => fail(json, 2, "usage", &e),
            }
        }
        Till::Code { amount, currency, reference } => {
            code::code(&enrolment, &terminal, &amount, currency.as_deref(), reference, json).await
        }
        Till::Refund { charge, transaction, amount, reference } => {
            let of = match (charge, transaction) {
                (Some(c), _) => RefundOf::Charge(c),
                (None, Some(t)) => RefundOf::Transaction(t),
                (None, None) => return fail(json, 2, "usage", "give --charge ID or --transaction ID"),
            };
            refund::refund(&enrolment, &terminal, &of, amount.as_deref(), &reference, json).await
        }
        Till::Status { charge } => match terminal.charge_status(&charge).await {
            Ok(c) => charge::report(&c, json),
            Err(e) => refused(&e, json),
        },
        Till::Settlement { date } => settlement::settlement(&enrolment, &terminal, date.as_deref(), json).await,
    }
}

fn refused(e: &TerminalError, json: bool) -> ExitCode {
    match e {
        TerminalError::Refused { kind, message } => fail(json, 1, kind, &format!("refused ({kind}): {message}")),
        TerminalError::Unknown(m) => fail(
            json,
            5,
            WalletErrorKind::OutcomeUnknown.as_str(),
            &format!("no answer from the host ({m}); run the same command again: it is never applied twice"),
        ),
        TerminalError::InvalidInput(m) => fail(json, 2, "usage", m),
        TerminalError::Protocol(_) => fail(json, 2, "protocol", &e.to_string()),
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
    let state = Enrolment {
        host: host.to_owned(),
        terminal_id: enrolled.terminal_id,
        merchant_id: enrolled.merchant_id,
        merchant_name: enrolled.merchant_name,
        currency: enrolled.currency,
    };
    let text = match serde_json::to_string(&state) {
        Ok(t) => t,
        Err(e) => return fail(json, 2, "home", &e.to_string()),
    };
    if let Err(e) = crate::home::write_private(&home.join(STATE_FILE), text.as_bytes()) {
        return fail(json, 2, "home", &e.to_string());
    }
    if json {
        println!("{}", json!({ "status": "enrolled", "terminal": state }));
    } else {
        println!("terminal {} enrolled for {} ({})", state.terminal_id, state.merchant_name, state.merchant_id);
    }
    ExitCode::SUCCESS
}

/// Asks a sandbox started with `--admin` for an enrolment token.
pub async fn admin_token(host: &str, merchant: &str) -> Result<String, String> {
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
