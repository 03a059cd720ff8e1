//! `koban wallet`: the wallet engine by hand, against any host.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use koban_core::money::{Currency, Money};
use koban_core::net::{BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError};
use koban_core::scheme::{Detection, ReferenceKind};
use koban_core::store::FileKeyStore;
use koban_core::wallet::pending::{Movement, MovementState};
use koban_core::wallet::{
    BankAccount, ChargeRequest, Direction, Enrolment, FxQuote, HistoryFilter, Identity, MoneyRequest, PaymentQuote,
    PaymentRequest, QuoteAmount, RemitDestination, RemitRecipient, SendPreview, SendTo, Split, SplitShares,
    TransactionRecord, Wallet, WalletConfig, WalletError,
};

use crate::args;
use crate::when;

/// How long an identical payment, transfer or remittance counts as a repeat that is asked
/// about again: long enough to catch a command run twice, short enough not to get in the way
/// of the next lunch at the same shop.
const REPEAT_WINDOW_SECS: i64 = 10 * 60;

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
    Pay {
        /// The code's text.
        #[arg(long)]
        code: String,
        /// Amount in the code's currency, for codes without one.
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
        /// Tip in the code's currency, for codes that ask for one.
        #[arg(long, allow_hyphen_values = true)]
        tip: Option<String>,
        /// Route (scheme id) to pay; default the code's first.
        #[arg(long)]
        route: Option<String>,
        /// A reference the code asks the payer for, as KIND=VALUE (e.g. bill_number=INV-7); repeat
        /// for several. Kinds: bill_number, mobile_number, store_label, loyalty_number,
        /// reference_label, customer_label, terminal_label, purpose.
        #[arg(long = "reference", value_name = "KIND=VALUE")]
        references: Vec<String>,
        /// Pay after showing the quote. The same payment (code, amount, tip) made in the last
        /// 10 minutes is not paid again without --again.
        #[arg(long)]
        yes: bool,
        /// With --yes: pay even though the same payment was made in the last 10 minutes.
        #[arg(long, requires = "yes")]
        again: bool,
    },
    /// Send money to a friend: shows who they are (abroad: the remittance quote), sends with --yes.
    Send {
        /// Friend's handle, e.g. @ben.
        #[arg(long, conflicts_with = "code", required_unless_present = "code")]
        to: Option<String>,
        /// Friend's scanned receive code.
        #[arg(long)]
        code: Option<String>,
        /// Amount in home-currency units; a receive code that names its amount needs none (and
        /// takes no other).
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
        /// Message for the friend (shown in both histories).
        #[arg(long)]
        message: Option<String>,
        /// For a friend abroad: family_support, education, medical, savings, gift, business.
        #[arg(long, default_value = "gift")]
        purpose: String,
        /// Send after showing the recipient. The same transfer made in the last 10 minutes is
        /// not sent again without --again.
        #[arg(long)]
        yes: bool,
        /// With --yes: send even though the same amount went to the same friend in the last 10 minutes.
        #[arg(long, requires = "yes")]
        again: bool,
    },
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
    Remit {
        /// Destination country: PH, TH, VN, IN.
        #[arg(long)]
        country: String,
        /// Amount to send, home-currency units.
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        /// Recipient's full name.
        #[arg(long)]
        name: String,
        /// Recipient's wallet handle in that country.
        #[arg(long, conflicts_with = "account")]
        handle: Option<String>,
        /// Recipient's account at a payout partner.
        #[arg(long, requires = "provider")]
        account: Option<String>,
        /// Payout provider (a bank or mobile wallet).
        #[arg(long)]
        provider: Option<String>,
        /// Payout method: bank_account, mobile_wallet, cash_pickup.
        #[arg(long, default_value = "bank_account")]
        method: String,
        /// Purpose: family_support, education, medical, savings, gift, business.
        #[arg(long, default_value = "family_support")]
        purpose: String,
        /// Send after showing the quote. The same remittance (recipient, amount) made in the
        /// last 10 minutes is not sent again without --again.
        #[arg(long)]
        yes: bool,
        /// With --yes: send even though the same remittance was made in the last 10 minutes.
        #[arg(long, requires = "yes")]
        again: bool,
    },
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

/// What a history entry says, with the friend's message.
fn description(t: &TransactionRecord) -> String {
    let mut text = t.description.clone();
    // Outgoing entries keep the host's answer under "host"; incoming ones are the event itself.
    let message =
        t.details["host"]["message"].as_str().or(t.details["message"].as_str()).filter(|m| !m.trim().is_empty());
    if let Some(m) = message {
        text.push_str(&format!(": \"{m}\""));
    }
    text
}

/// One history line.
pub fn line(t: &TransactionRecord) -> String {
    let sign = if t.direction == Direction::In { "+" } else { "-" };
    format!("{:<11} {sign}{:>12}  {}", t.kind, t.amount.format(), description(t))
}

/// A local date and time with the zone, for the history's first column.
fn stamp(at: i64) -> String {
    jiff::Timestamp::from_second(at)
        .map(|ts| ts.to_zoned_datetime(jiff::tz::TimeZone::system()).strftime("%Y-%m-%d %H:%M %Z").to_string())
        .unwrap_or_else(|_| at.to_string())
}

/// One line of a request still waiting for the host, in the history's columns.
fn pending_line(m: &Movement) -> String {
    let sign = if m.kind == "topup" { "+" } else { "-" };
    let amount = m.amount.map(|a| a.format()).unwrap_or_default();
    format!(
        "{}  {:<11} {sign}{amount:>12}  {}, waiting for the host since {}",
        stamp(m.created_at),
        m.kind,
        m.description,
        when::human(m.created_at, when::now())
    )
}

/// What became of a request that was waiting for the host.
fn resolved_line(m: &Movement) -> String {
    match &m.state {
        MovementState::Settled { .. } => format!("settled: {} (it was waiting for the host)", m.description),
        MovementState::Failed { reason } => {
            format!("failed: {} was refused by the host ({reason}); nothing moved", m.description)
        }
        MovementState::Pending => format!("still waiting for the host: {}", m.description),
    }
}

/// One till charge waiting for approval.
pub fn charge_line(c: &ChargeRequest) -> String {
    format!(
        "charge {}: {} at {} asks for your approval until {}",
        c.id,
        c.amount.format(),
        c.merchant_name,
        when::human(c.approve_by, when::now())
    )
}

/// The quote lines of a payment.
pub fn payment_lines(q: &PaymentQuote) -> Vec<String> {
    let mut out = vec![format!(
        "{} ({}) via {}: {}{}",
        q.merchant_name.as_deref().unwrap_or("merchant"),
        q.merchant_country.as_deref().unwrap_or("?"),
        q.route,
        q.amount.format(),
        if q.tip.minor() > 0 { format!(" + tip/fee {}", q.tip.format()) } else { String::new() }
    )];
    if let Some(fx) = &q.fx {
        out.push(format!(
            "  in your currency: {} at {} {} per {} (mid {}), fee {}",
            fx.send.format(),
            fx.rate,
            fx.receive.currency().alpha(),
            fx.send.currency().alpha(),
            fx.mid_rate,
            fx.fee.format()
        ));
    }
    out.push(format!("  total debited: {}", q.debit.format()));
    out
}

/// The quote lines of a remittance.
pub fn remit_lines(q: &FxQuote) -> Vec<String> {
    let eta = q.delivery_estimate_secs.map(|s| {
        if s >= 3600 {
            format!("about {} h", s / 3600)
        } else {
            format!("about {} min", s / 60)
        }
    });
    vec![
        format!("  send {} -> arrives {}", q.send.format(), q.receive.format()),
        format!(
            "  rate {} {} per {} (mid {}, margin {} bps)",
            q.rate,
            q.receive.currency().alpha(),
            q.send.currency().alpha(),
            q.mid_rate,
            q.margin_bps
        ),
        format!("  fee {}, total {}", q.fee.format(), q.total.format()),
        format!("  arrival: {}", eta.unwrap_or_else(|| "unknown".into())),
    ]
}

/// The lines that show a send before it happens: who, how much, and abroad the quote it becomes.
pub fn send_lines(p: &SendPreview) -> Vec<String> {
    let fixed = if p.amount_fixed { " (the code's amount)" } else { "" };
    let mut out = vec![format!("to {} (@{}, {}): {}{fixed}", p.display_name, p.handle, p.country, p.amount.format())];
    if let Some(note) = &p.note {
        out.push(format!("  for: {note}"));
    }
    if let Some(q) = &p.remittance {
        out.push(format!("  their wallet holds {}: sent as a remittance to {}", p.currency.alpha(), p.country));
        out.extend(remit_lines(q));
    }
    out
}

/// One money request, as its id, who asks whom for what, and where it stands.
fn request_line(r: &MoneyRequest) -> String {
    let what = if r.note.is_empty() { String::new() } else { format!(" for \"{}\"", r.note) };
    let state = match r.status.as_str() {
        "pending" => format!("pending until {}", when::human(r.expires_at, when::now())),
        other => other.to_owned(),
    };
    if r.incoming {
        format!("{}  @{} asks you for {}{what}: {state}", r.id, r.requester.handle, r.amount.format())
    } else {
        format!("{}  you asked @{} for {}{what}: {state}", r.id, r.payer.handle, r.amount.format())
    }
}

/// A split bill: the bill, what is paid, and each friend's share and state.
fn split_lines(s: &Split) -> Vec<String> {
    let what = if s.note.is_empty() { String::new() } else { format!(" ({})", s.note) };
    let mut out = vec![format!(
        "split {}: {}{what} among {}; paid {}, outstanding {}",
        s.id,
        s.total.format(),
        s.shares.len(),
        s.paid.format(),
        s.outstanding().format()
    )];
    for r in &s.shares {
        out.push(format!("  @{:<16} {:>10}  {:<8} {}", r.payer.handle, r.amount.format(), r.status, r.id));
    }
    out
}

/// Refuses, before anything is sent, a code that asks the payer for a reference not given
/// (naming it), and a reference the code does not ask for (it would be dropped unseen).
fn check_references(d: &Detection, given: &[(ReferenceKind, String)]) -> Result<(), String> {
    let asked = |kind: ReferenceKind| d.references.iter().any(|r| r.kind == kind && r.value.is_none());
    if let Some((kind, _)) = given.iter().find(|(k, _)| !asked(*k)) {
        return Err(format!("not paid: this code does not ask for a {}", args::reference_name(*kind)));
    }
    let missing = d.references.iter().find(|r| r.value.is_none() && !given.iter().any(|(k, _)| *k == r.kind));
    if let Some(r) = missing {
        let name = args::reference_name(r.kind);
        return Err(format!("not paid: this code asks the payer for its {name}: add --reference {name}=VALUE"));
    }
    Ok(())
}

fn home_currency(w: &Wallet) -> Result<Currency, String> {
    Ok(w.profile().map_err(|e| e.to_string())?.ok_or("not enrolled: run `koban wallet enrol` first")?.currency)
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

/// Refuses a repeat of `previous` unless `again`: `what` names it (payment, transfer,
/// remittance), `(done, redo)` the verb ("paid", "pay").
fn check_repeat(previous: Option<Movement>, again: bool, what: &str, (done, redo): (&str, &str)) -> Result<(), String> {
    let Some(m) = previous.filter(|_| !again) else { return Ok(()) };
    let delta = m.created_at - when::now();
    let ago = if delta == 0 { "just now".to_owned() } else { when::relative(delta) };
    let waiting = if m.state == MovementState::Pending { " and still waits for the host" } else { "" };
    Err(format!(
        "not {done}: the same {what} ({}) was made {ago}{waiting}; to {redo} it once more, add --again",
        m.description
    ))
}

async fn run_async(args: Args) -> Result<(), String> {
    let home = args.home.ok_or("give --home DIR (or KOBAN_HOME): the folder that keeps this wallet")?;
    let host = args.host.as_deref().map(args::host_url).transpose()?;
    if host.is_none() && args.command.needs_host() {
        return Err("this command talks to the wallet host: give --host URL (or KOBAN_HOST), e.g. the URL \
                    `koban sandbox` prints"
            .into());
    }
    let (w, resolved) = open_reporting(&home, host.as_deref()).await?;
    resolved.iter().for_each(|m| eprintln!("{}", resolved_line(m)));
    let err = |e: WalletError| explain(&w, e);
    match args.command {
        Command::Enrol { handle, country, name } => {
            let country = args::country(&country)?;
            let p = w
                .enrol(&Enrolment { display_name: name.unwrap_or_else(|| handle.clone()), handle, country })
                .await
                .map_err(err)?;
            println!("enrolled @{} ({}, {}), wallet {}", p.handle, p.country, p.currency.alpha(), p.wallet_id);
        }
        Command::Kyc { legal_name, date_of_birth, document } => {
            let b = w
                .verify_identity(&Identity { legal_name, date_of_birth, document_number: document })
                .await
                .map_err(err)?;
            println!("tier: {}; can remit: {}", b.tier, b.can_remit);
        }
        Command::Banks => {
            for b in w.banks().await.map_err(err)? {
                println!("{:<20} {} ({})", b.id, b.name, b.currency);
            }
            let links = w.bank_links().map_err(err)?;
            if links.is_empty() {
                println!("no bank linked");
            }
            for l in links {
                println!("linked: {} ****{} as {}", l.bank_name, l.last4, l.id);
            }
        }
        Command::LinkBank { bank, account, holder, opening } => {
            let cur = home_currency(&w)?;
            let opening = opening.map(|o| args::amount_or_zero(&o, cur)).transpose()?;
            let bank = match bank {
                Some(b) => b,
                None => w
                    .banks()
                    .await
                    .map_err(err)?
                    .first()
                    .map(|b| b.id.clone())
                    .ok_or("the host has no bank in this wallet's country")?,
            };
            let l = w
                .link_bank(&BankAccount {
                    bank_id: bank,
                    account_number: account,
                    holder_name: holder,
                    sandbox_opening_balance: opening,
                })
                .await
                .map_err(err)?;
            println!("linked {} ****{} as {}", l.bank_name, l.last4, l.id);
        }
        Command::TopUp { amount: a, bank_link } => {
            let cur = home_currency(&w)?;
            let a = amount(&a, cur)?;
            let link = match bank_link {
                Some(l) => l,
                None => w
                    .bank_links()
                    .map_err(err)?
                    .first()
                    .map(|l| l.id.clone())
                    .ok_or("no bank linked: run `koban wallet link-bank`")?,
            };
            let t = w.top_up(&link, a).await.map_err(err)?;
            println!("{}", line(&t));
        }
        Command::Withdraw { amount: a, bank_link } => {
            let cur = home_currency(&w)?;
            let a = amount(&a, cur)?;
            let link = match bank_link {
                Some(l) => l,
                None => w
                    .bank_links()
                    .map_err(err)?
                    .first()
                    .map(|l| l.id.clone())
                    .ok_or("no bank linked: run `koban wallet link-bank`")?,
            };
            let t = w.withdraw(&link, a).await.map_err(err)?;
            let fee = t.details["host"]["fee"]["minor"].as_i64().map(|f| Money::from_minor(f, cur));
            println!("{}", line(&t));
            if let Some(fee) = fee {
                println!("{} to the bank, fee {}", a.format(), fee.format());
            }
        }
        Command::UnlinkBank { bank_link } => {
            w.unlink_bank(&bank_link).await.map_err(err)?;
            println!("unlinked {bank_link}");
        }
        Command::Balance => {
            let b = w.balance().await.map_err(err)?;
            println!(
                "balance {} ({}); per transfer {}, this month {} of {}; remit: {}; till charges above {} ask you",
                b.available.format(),
                b.tier,
                b.per_transfer_limit.format(),
                b.used_this_month.format(),
                b.monthly_limit.format(),
                b.can_remit,
                b.no_confirm_limit.format()
            );
        }
        Command::Pay { code, amount: a, tip, route, references, yes, again } => {
            // The amount is read in the code's currency, so tell what the code is first.
            let d = koban_core::scheme::detect(&code).map_err(|e| format!("this code cannot be paid: {e}"))?;
            if !d.is_payable() {
                return Err(match d.presentment {
                    koban_core::scheme::Presentment::Consumer => {
                        "this is a code a shopper shows at a till, not one to pay".into()
                    }
                    _ if d.schemes().is_empty() => "not a payment code we know".into(),
                    _ => format!("this {} code names no route Koban can pay", d.format.as_str()),
                });
            }
            // An Alipay or WeChat Pay merchant code names no currency: its network says.
            let cur = match d.currency {
                Some(c) => c,
                None => {
                    let info = w.merchant_code_info(&code).await.map_err(err)?;
                    println!(
                        "{} in {}, {}: paid in {}",
                        info.merchant.name, info.city, info.merchant.country, info.currency
                    );
                    Currency::from_alpha(&info.currency)
                        .ok_or_else(|| format!("the network names a currency Koban does not know: {}", info.currency))?
                }
            };
            let references = references.iter().map(|r| args::reference(r)).collect::<Result<Vec<_>, _>>()?;
            check_references(&d, &references)?;
            let req = PaymentRequest {
                payload: code,
                route,
                amount: a.map(|a| amount(&a, cur)).transpose()?,
                tip: tip.map(|t| args::amount_or_zero(&t, cur)).transpose()?,
                references: references.clone(),
            };
            let q = w.quote_payment(&req).await.map_err(err)?;
            payment_lines(&q).iter().for_each(|l| println!("{l}"));
            references.iter().for_each(|(k, v)| println!("  {}: {v}", args::reference_name(*k)));
            if !yes {
                println!("not paid: run again with --yes to confirm");
                return Ok(());
            }
            check_repeat(
                w.recent_identical_payment(&q, REPEAT_WINDOW_SECS).map_err(err)?,
                again,
                "payment",
                ("paid", "pay"),
            )?;
            println!("{}", line(&w.confirm_payment(&q).await.map_err(err)?));
        }
        Command::Send { to, code, amount: a, message, purpose, yes, again } => {
            let cur = home_currency(&w)?;
            let (to, a) = match (to, code) {
                (Some(h), _) => (SendTo::Handle(h), amount(&a.ok_or("give --amount: how much to send")?, cur)?),
                (None, Some(c)) => {
                    // A code that names its amount is read in its currency, to be compared.
                    let asked = koban_core::scheme::detect(&c).ok().and_then(|d| d.amount);
                    let a = match (a, asked) {
                        (Some(a), asked) => amount(&a, asked.map_or(cur, |m| m.currency()))?,
                        (None, Some(asked)) => asked,
                        (None, None) => return Err("give --amount: this receive code leaves the amount to you".into()),
                    };
                    (SendTo::ReceiveCode(c), a)
                }
                (None, None) => return Err("give --to or --code".into()),
            };
            let p = w.preview_send(&to, a).await.map_err(err)?;
            send_lines(&p).iter().for_each(|l| println!("{l}"));
            if !yes {
                println!("not sent: run again with --yes to confirm");
                return Ok(());
            }
            let previous = match &p.remittance {
                None => w.recent_identical_transfer(&to, a, REPEAT_WINDOW_SECS),
                Some(q) => {
                    let recipient = RemitRecipient {
                        name: p.display_name.clone(),
                        destination: RemitDestination::Handle(p.handle.clone()),
                        relationship: None,
                    };
                    w.recent_identical_remittance(q, &recipient, REPEAT_WINDOW_SECS)
                }
            };
            let what = if p.remittance.is_some() { "remittance" } else { "transfer" };
            check_repeat(previous.map_err(err)?, again, what, ("sent", "send"))?;
            println!("{}", line(&w.confirm_send(&p, message.as_deref(), Some(&purpose)).await.map_err(err)?));
        }
        Command::Quote { country, amount: a } => {
            let cur = home_currency(&w)?;
            let country = args::country(&country)?;
            let q = w.quote_remittance(&country, QuoteAmount::Send(amount(&a, cur)?)).await.map_err(err)?;
            remit_lines(&q).iter().for_each(|l| println!("{l}"));
        }
        Command::Remit { country, amount: a, name, handle, account, provider, method, purpose, yes, again } => {
            let cur = home_currency(&w)?;
            let country = args::country(&country)?;
            let destination = match (handle, account) {
                (Some(h), _) => RemitDestination::Handle(h),
                (None, Some(account)) => {
                    RemitDestination::Payout { method, provider: provider.unwrap_or_default(), account }
                }
                (None, None) => return Err("give --handle or --account with --provider".into()),
            };
            let q = w.quote_remittance(&country, QuoteAmount::Send(amount(&a, cur)?)).await.map_err(err)?;
            remit_lines(&q).iter().for_each(|l| println!("{l}"));
            if !yes {
                println!("not sent: run again with --yes to confirm");
                return Ok(());
            }
            let recipient = RemitRecipient { name, destination, relationship: None };
            let previous = w.recent_identical_remittance(&q, &recipient, REPEAT_WINDOW_SECS).map_err(err)?;
            check_repeat(previous, again, "remittance", ("sent", "send"))?;
            let t = w.remit(&q, &recipient, &purpose, None).await.map_err(err)?;
            println!("{}", line(&t));
        }
        Command::ReceiveCode { amount: a, note } => {
            let code = if a.is_none() && note.is_none() {
                w.receive_code().await
            } else {
                let a = a.map(|a| amount(&a, home_currency(&w)?)).transpose()?;
                w.receive_code_for(a, note.as_deref()).await
            };
            println!("{}", code.map_err(err)?);
        }
        Command::Request { from, amount: a, note } => {
            let a = amount(&a, home_currency(&w)?)?;
            println!("{}", request_line(&w.request_money(&from, a, &note).await.map_err(err)?));
        }
        Command::Requests => {
            let all = w.money_requests().await.map_err(err)?;
            if all.is_empty() {
                println!("no money requests to you or from you");
            }
            all.iter().for_each(|r| println!("{}", request_line(r)));
        }
        Command::PayRequest { request, yes } => {
            let r = w.money_request(&request).await.map_err(err)?;
            println!("{}", request_line(&r));
            if !r.incoming {
                return Err("not paid: this request is yours; the friend you asked pays it".into());
            }
            if !r.is_pending() {
                return Err(format!("not paid: the request is {}", r.status));
            }
            if !yes {
                println!("not paid: run again with --yes to confirm");
                return Ok(());
            }
            println!("{}", line(&w.pay_money_request(&r).await.map_err(err)?));
        }
        Command::DeclineRequest { request } => {
            let r = w.decline_money_request(&request).await.map_err(err)?;
            println!("{}", request_line(&r));
        }
        Command::Split { amount: a, with, shares, note } => {
            let cur = home_currency(&w)?;
            let total = amount(&a, cur)?;
            let shares = if shares.is_empty() {
                SplitShares::Equal(with)
            } else {
                SplitShares::Explicit(shares.iter().map(|s| args::share(s, cur)).collect::<Result<_, _>>()?)
            };
            split_lines(&w.split_bill(total, &shares, &note).await.map_err(err)?).iter().for_each(|l| println!("{l}"));
        }
        Command::SplitStatus { split } => {
            split_lines(&w.split(&split).await.map_err(err)?).iter().for_each(|l| println!("{l}"));
        }
        Command::History { limit, cursor, kinds, since, until, csv } => {
            let filter = HistoryFilter {
                kinds: kinds.iter().map(|k| k.trim().to_ascii_lowercase()).collect(),
                from: since.as_deref().map(|d| when::day_start(d, 0)).transpose()?,
                to: until.as_deref().map(|d| when::day_start(d, 1)).transpose()?,
            };
            if csv {
                print!("{}", w.history_csv(&filter).map_err(err)?);
                return Ok(());
            }
            // What waits for the host is newer than anything settled: it heads the first page.
            if cursor.is_none() && filter == HistoryFilter::default() {
                let pending = w.pending_movements().map_err(err)?;
                pending.iter().filter(|m| m.moves_money).for_each(|m| println!("{}", pending_line(m)));
            }
            let page = w.history_filtered(&filter, limit, cursor.as_deref()).map_err(err)?;
            page.items.iter().for_each(|t| println!("{}  {}", stamp(t.created_at), line(t)));
            if let Some(c) = page.next_cursor {
                println!("more: --cursor {c}");
            }
        }
        Command::Sync { wait } => {
            let r = w.sync(wait).await.map_err(err)?;
            r.received.iter().chain(&r.charged).for_each(|t| println!("{}", line(t)));
            r.charge_requests.iter().for_each(|c| println!("{}", charge_line(c)));
            if r.codes_revoked > 0 {
                println!("{} codes were revoked by the host (a wrong code was presented too often)", r.codes_revoked);
            }
            if let Some(b) = r.balance {
                println!("balance {}", b.format());
            }
        }
        Command::Charges => {
            let waiting = w.charge_requests().map_err(err)?;
            if waiting.is_empty() {
                println!("no till charge is waiting for your approval (run `sync` to ask the host)");
            }
            waiting.iter().for_each(|c| println!("{}", charge_line(c)));
        }
        Command::Approve { charge } => println!("{}", line(&w.approve_charge(&charge).await.map_err(err)?)),
        Command::Decline { charge } => {
            w.decline_charge(&charge).await.map_err(err)?;
            println!("declined {charge}: nothing was paid");
        }
        Command::NoConfirmLimit { amount: a } => {
            let cur = home_currency(&w)?;
            // Zero is a limit here (ask for every charge), which amounts elsewhere may not be.
            let limit = args::amount_or_zero(&a, cur)?;
            let b = w.set_no_confirm_limit(limit).await.map_err(err)?;
            println!("till charges above {} now wait for your approval", b.no_confirm_limit.format());
        }
        Command::Code { png, numeric } => {
            // Top up the key supply while online; offline, codes keep coming until the keys run out.
            if host.is_none() {
                eprintln!("offline (no --host): using the keys on this device");
            } else if let Err(e) = w.replenish_codes().await {
                eprintln!("offline ({}); using the keys on this device", explain(&w, e));
            }
            let code = if numeric { w.consumer_code_numeric() } else { w.consumer_code() }.map_err(err)?;
            match png {
                Some(path) => {
                    write_png(&code.matrix, &path)?;
                    println!("wrote {}", path.display());
                }
                None => print!("{}", code.matrix.to_terminal()),
            }
            println!("{}", code.qr_text);
            if let Some(digits) = &code.numeric {
                println!("numeric {digits}");
            }
            // The code carries the host's time, which may differ from this machine's: show its
            // lifetime from now on this machine's clock.
            let made_at = code.expires_at.saturating_sub(koban_core::crypto::CODE_LIFETIME_SECS);
            let now = when::now();
            let local = |at: u64| now + (at as i64 - made_at as i64);
            println!(
                "valid until {}, show a fresh one from {}; {} codes left on this device",
                when::human(local(code.expires_at), now),
                when::human(local(code.refresh_at), now),
                code.codes_left
            );
        }
    }
    Ok(())
}

/// Draws the module matrix at 8 px per module with a 4-module quiet zone.
fn write_png(m: &koban_core::cpm::QrMatrix, path: &Path) -> Result<(), String> {
    const SCALE: u32 = 8;
    const QUIET: u32 = 4;
    let side = (m.size + 2 * QUIET) * SCALE;
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = ((x / SCALE).wrapping_sub(QUIET), (y / SCALE).wrapping_sub(QUIET));
        image::Luma([if m.is_dark(mx, my) { 0 } else { 255 }])
    });
    img.save(path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
