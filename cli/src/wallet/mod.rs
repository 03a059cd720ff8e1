//! `koban wallet`: the wallet engine by hand, against any host. This module holds the
//! arguments, opens the wallet (offline without `--host`) and hands each subcommand to its
//! flow: the account (enrol, kyc, balance), banks, paying a code, sending to friends, money
//! requests and splits, remittances, history, sync, and the codes shown at a till with the
//! till charges they wait on.

mod account;
mod bank;
mod codes;
mod history;
mod lines;
mod pay;
mod remit;
mod repeat;
mod requests;
mod send;
mod sync;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use koban_core::money::{Currency, Money};
use koban_core::net::{BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError};
use koban_core::store::FileKeyStore;
use koban_core::wallet::pending::{Movement, MovementState};
use koban_core::wallet::{Wallet, WalletConfig, WalletError};

use crate::args;

pub use lines::{line, payment_lines, remit_lines};

/// Arguments of `koban wallet`.
#[derive(clap::Args)]
pub struct Args {
    /// Directory holding this wallet's database and key file (created 0700 if missing).
    #[arg(long, env = "KOBAN_HOME", global = true, hide_env_values = true)]
    home: Option<PathBuf>,
    /// The wallet host, e.g. the URL `koban sandbox` prints (`127.0.0.1:PORT` means http://).
    /// `history`, `charges` and `code` work without it, from what this device keeps.
    #[arg(long, env = "KOBAN_HOST", global = true, hide_env_values = true)]
    host: Option<String>,
    #[command(subcommand)]
    command: Command,
}

// The flags of `pay`, `send` and `remit`, the flows with many, are defined beside their flows.
#[derive(clap::Subcommand)]
enum Command {
    /// Enrol this device and create its wallet.
    Enrol {
        /// Handle to claim, e.g. aiko.
        #[arg(long)]
        handle: String,
        /// Home country: JP, TH, SG, ID, MY, PH, KH, VN, IN.
        #[arg(long, default_value = "JP")]
        country: String,
        /// Name shown to others (default: the handle).
        #[arg(long)]
        name: Option<String>,
    },
    /// Verify identity (needed for remittances).
    Kyc {
        /// Legal name.
        #[arg(long)]
        legal_name: String,
        /// Date of birth, YYYY-MM-DD.
        #[arg(long)]
        date_of_birth: String,
        /// Identity document number.
        #[arg(long)]
        document: String,
    },
    /// List the banks this wallet can link (its home country's) and the linked ones.
    Banks,
    /// Link a bank account.
    LinkBank {
        /// Bank id, e.g. bank_sakura (see `koban wallet banks`; default: the first bank of the
        /// wallet's home country).
        #[arg(long)]
        bank: Option<String>,
        /// Account number (7 digits).
        #[arg(long)]
        account: String,
        /// Holder name.
        #[arg(long)]
        holder: String,
        /// Sandbox only: opening balance of the simulated account, in home-currency units
        /// (the sandbox's default: 1000000).
        #[arg(long, allow_hyphen_values = true)]
        opening: Option<String>,
    },
    /// Move money from a linked bank into the wallet.
    TopUp {
        /// Amount in home-currency units.
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        /// Bank link id (default: the first linked bank).
        #[arg(long)]
        bank_link: Option<String>,
    },
    /// Move money to a linked bank (the withdrawal fee comes on top).
    Withdraw {
        /// Amount to arrive at the bank, in home-currency units.
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        /// Bank link id (default: the first linked bank).
        #[arg(long)]
        bank_link: Option<String>,
    },
    /// End a bank link (its history stays).
    UnlinkBank {
        /// The bank link id (`koban wallet banks` lists them).
        #[arg(long)]
        bank_link: String,
    },
    /// Balance, tier and limits from the host.
    Balance,
    /// Pay a scanned merchant code: shows the quote, pays with --yes.
    Pay(pay::PayArgs),
    /// Send money to a friend: shows who they are (abroad: the remittance quote), sends with --yes.
    Send(send::SendArgs),
    /// Quote a remittance abroad.
    Quote {
        /// Destination country: PH, TH, VN, IN.
        #[arg(long)]
        country: String,
        /// Amount to send, home-currency units.
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
    },
    /// Send a remittance abroad: quotes, shows, sends with --yes.
    Remit(remit::RemitArgs),
    /// Show my receive code (an EMV person-to-person code), optionally asking for an amount.
    ReceiveCode {
        /// The amount whoever scans it pays, in home-currency units (they cannot change it).
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
        /// What it is for (up to 25 characters), shown to the payer.
        #[arg(long)]
        note: Option<String>,
    },
    /// Ask a friend for money; they pay or decline it within a week.
    Request {
        /// The friend's handle, e.g. @ben.
        #[arg(long)]
        from: String,
        /// Amount in home-currency units.
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        /// What it is for.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Money requests to you and from you, with their state.
    Requests,
    /// Pay a friend's money request: shows it, pays with --yes (once).
    PayRequest {
        /// The request id `requests` printed.
        request: String,
        /// Pay after showing the request.
        #[arg(long)]
        yes: bool,
    },
    /// Decline a friend's money request: nothing moves.
    DeclineRequest {
        /// The request id `requests` printed.
        request: String,
    },
    /// Split a bill among friends: one money request each.
    Split {
        /// The bill, in home-currency units.
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        /// A friend sharing equally (the remainder goes on the first); repeat for each.
        #[arg(long = "with", value_name = "HANDLE", required_unless_present = "shares", conflicts_with = "shares")]
        with: Vec<String>,
        /// A friend's own share as HANDLE=AMOUNT; repeat for each (they must add up to the bill).
        #[arg(long = "share", value_name = "HANDLE=AMOUNT")]
        shares: Vec<String>,
        /// What the bill was.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// A bill you split: who has paid.
    SplitStatus {
        /// The split id `split` printed.
        split: String,
    },
    /// History, newest first, after what still waits for the host (works offline).
    History {
        /// Items per page, 1 to 500.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=500))]
        limit: u32,
        /// Cursor from a previous page.
        #[arg(long)]
        cursor: Option<String>,
        /// Only this kind (payment, refund, withdrawal, topup, p2p, remittance, cpm_charge);
        /// repeat for several.
        #[arg(long = "kind")]
        kinds: Vec<String>,
        /// Only from this local day on (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Only up to and including this local day (YYYY-MM-DD).
        #[arg(long)]
        until: Option<String>,
        /// Everything selected as CSV (header first, UTC times) instead of pages.
        #[arg(long, conflicts_with = "cursor")]
        csv: bool,
    },
    /// Bring in money others sent, till charges of your codes and charges waiting for approval.
    Sync {
        /// Seconds to wait for something to arrive.
        #[arg(long, default_value_t = 0)]
        wait: u64,
    },
    /// Till charges waiting for your approval (works offline; `sync` brings new ones in).
    Charges,
    /// Approve a till charge waiting for you: it is captured once.
    Approve {
        /// The charge id `charges` printed.
        charge: String,
    },
    /// Decline a till charge waiting for you: nothing moves, the code stays used.
    Decline {
        /// The charge id `charges` printed.
        charge: String,
    },
    /// Set the amount above which till charges wait for your approval (at most the host's default).
    NoConfirmLimit {
        /// Amount in home-currency units; 0 asks for every charge.
        #[arg(allow_hyphen_values = true)]
        amount: String,
    },
    /// Show a code to pay at a till (works offline, without --host, while single-use keys last).
    Code {
        /// Write the QR code to this PNG file instead of drawing it in the terminal.
        #[arg(long)]
        png: Option<PathBuf>,
        /// Also print the 36-digit form for 1-D barcode tills.
        #[arg(long)]
        numeric: bool,
    },
}

impl Command {
    /// Whether the command needs the host; the others read what this device keeps.
    fn needs_host(&self) -> bool {
        !matches!(self, Command::History { .. } | Command::Charges | Command::Code { .. })
    }
}

/// The base URL a wallet opened without `--host` is given; [`Offline`] never reaches it.
const OFFLINE_URL: &str = "http://offline.invalid";

/// The transport of a wallet opened without `--host`: every request fails at once, so an
/// offline command reads the local store and nothing waits for a network.
struct Offline;

impl HttpTransport for Offline {
    fn send(&self, _req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async { Err(TransportError::Connection("no --host given: working offline".into())) })
    }
}

/// Opens the wallet kept in `home` against `host`.
pub async fn open(home: &Path, host: &str) -> Result<Wallet, String> {
    Ok(open_reporting(home, Some(host)).await?.0)
}

/// Opens the wallet kept in `home` (offline without a host), and returns with it the
/// requests that were waiting for the host and that opening has now settled or seen refused.
async fn open_reporting(home: &Path, host: Option<&str>) -> Result<(Wallet, Vec<Movement>), String> {
    crate::home::private_home(home, &WALLET_FILES).map_err(|e| format!("{}: {e}", home.display()))?;
    let keystore = FileKeyStore::open(home.join("wallet.key")).map_err(|e| e.to_string())?;
    let db = home.join("wallet.sqlite3");
    // Opening resolves what waits for the host; read it first, to say what became of it.
    let before = match host {
        Some(_) if db.exists() => Wallet::pending_movements_at(&db, &keystore).map_err(|e| e.to_string())?,
        _ => Vec::new(),
    };
    let config = match host {
        Some(h) => WalletConfig::new(h),
        None => WalletConfig { transport: Some(Arc::new(Offline)), ..WalletConfig::new(OFFLINE_URL) },
    };
    let w = Wallet::open(&db, &keystore, config).await.map_err(|e| e.to_string())?;
    let mut resolved = Vec::new();
    for m in before {
        if let Some(now) = w.movement(&m.key).map_err(|e| e.to_string())? {
            if now.state != MovementState::Pending {
                resolved.push(now);
            }
        }
    }
    Ok((w, resolved))
}

/// The wallet's files: the database (with its WAL files) and the key file, made 0600 by the
/// store and the key store; [`crate::home::private_home`] tightens ones an older build left 0644.
const WALLET_FILES: [&str; 4] = ["wallet.key", "wallet.sqlite3", "wallet.sqlite3-wal", "wallet.sqlite3-shm"];

/// Reads a decimal amount in `currency`.
pub fn amount(s: &str, currency: Currency) -> Result<Money, String> {
    args::amount(s, currency)
}

/// The currency of the enrolled wallet's home country.
fn home_currency(w: &Wallet) -> Result<Currency, String> {
    Ok(w.profile().map_err(|e| e.to_string())?.ok_or("not enrolled: run `koban wallet enrol` first")?.currency)
}

/// A wallet error in words, naming a request by what it moves rather than its key.
fn explain(w: &Wallet, e: WalletError) -> String {
    match &e {
        WalletError::OutcomeUnknown { intent, reason } => {
            let what = w.movement(intent).ok().flatten().map(|m| m.description).unwrap_or_else(|| "a request".into());
            format!(
                "no answer from the host about {what} ({reason}); it may have gone through. It waits for the \
                 host (`history` shows it) and is settled before anything else is sent, never twice"
            )
        }
        _ => e.to_string(),
    }
}

/// Runs `koban wallet`.
pub fn run(args: Args) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("koban wallet: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run_async(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("koban wallet: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the wallet, says what became of requests that waited for the host, and runs the
/// subcommand's flow.
async fn run_async(args: Args) -> Result<(), String> {
    let home = args.home.ok_or("give --home DIR (or KOBAN_HOME): the folder that keeps this wallet")?;
    let host = args.host.as_deref().map(args::host_url).transpose()?;
    if host.is_none() && args.command.needs_host() {
        return Err("this command talks to the wallet host: give --host URL (or KOBAN_HOST), e.g. the URL \
                    `koban sandbox` prints"
            .into());
    }
    let (w, resolved) = open_reporting(&home, host.as_deref()).await?;
    resolved.iter().for_each(|m| eprintln!("{}", lines::resolved_line(m)));
    let w = &w;
    match args.command {
        Command::Enrol { handle, country, name } => account::enrol(w, handle, &country, name).await,
        Command::Kyc { legal_name, date_of_birth, document } => {
            account::verify_identity(w, legal_name, date_of_birth, document).await
        }
        Command::Banks => bank::banks(w).await,
        Command::LinkBank { bank, account, holder, opening } => bank::link(w, bank, account, holder, opening).await,
        Command::TopUp { amount, bank_link } => bank::top_up(w, &amount, bank_link).await,
        Command::Withdraw { amount, bank_link } => bank::withdraw(w, &amount, bank_link).await,
        Command::UnlinkBank { bank_link } => bank::unlink(w, &bank_link).await,
        Command::Balance => account::balance(w).await,
        Command::Pay(pay) => pay::pay(w, pay).await,
        Command::Send(send) => send::send(w, send).await,
        Command::Quote { country, amount } => remit::quote(w, &country, &amount).await,
        Command::Remit(remit) => remit::remit(w, remit).await,
        Command::ReceiveCode { amount, note } => send::receive_code(w, amount, note).await,
        Command::Request { from, amount, note } => requests::request(w, &from, &amount, &note).await,
        Command::Requests => requests::list(w).await,
        Command::PayRequest { request, yes } => requests::pay(w, &request, yes).await,
        Command::DeclineRequest { request } => requests::decline(w, &request).await,
        Command::Split { amount, with, shares, note } => requests::split(w, &amount, with, &shares, &note).await,
        Command::SplitStatus { split } => requests::split_status(w, &split).await,
        Command::History { limit, cursor, kinds, since, until, csv } => {
            history::history(w, limit, cursor.as_deref(), &kinds, since.as_deref(), until.as_deref(), csv)
        }
        Command::Sync { wait } => sync::sync(w, wait).await,
        Command::Charges => codes::charges(w),
        Command::Approve { charge } => codes::approve(w, &charge).await,
        Command::Decline { charge } => codes::decline(w, &charge).await,
        Command::NoConfirmLimit { amount } => codes::set_no_confirm_limit(w, &amount).await,
        Command::Code { png, numeric } => codes::code(w, host.is_some(), png.as_deref(), numeric).await,
    }
}
