//! `koban wallet`: the wallet engine by hand, against any host.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use koban_core::money::{Currency, Money};
use koban_core::store::FileKeyStore;
use koban_core::wallet::{
    BankAccount, ChargeRequest, Direction, Enrolment, FxQuote, Identity, PaymentQuote, PaymentRequest, QuoteAmount,
    RemitDestination, RemitRecipient, SendTo, TransactionRecord, Wallet, WalletConfig, WalletError,
};

/// Arguments of `koban wallet`.
#[derive(clap::Args)]
pub struct Args {
    /// Directory holding this wallet's database and key file (created if missing).
    #[arg(long, env = "KOBAN_HOME")]
    home: PathBuf,
    /// The wallet host, e.g. the URL `koban sandbox` prints.
    #[arg(long, env = "KOBAN_HOST")]
    host: String,
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
    /// Link a bank account.
    LinkBank {
        /// Bank id (bank_sakura, bank_fuji, bank_hikari in the sandbox).
        #[arg(long, default_value = "bank_sakura")]
        bank: String,
        /// Account number (7 digits).
        #[arg(long)]
        account: String,
        /// Holder name.
        #[arg(long)]
        holder: String,
        /// Sandbox only: opening balance of the simulated account, in home-currency units.
        #[arg(long)]
        opening: Option<String>,
    },
    /// Move money from a linked bank into the wallet.
    TopUp {
        /// Amount in home-currency units.
        #[arg(long)]
        amount: String,
        /// Bank link id (default: the first linked bank).
        #[arg(long)]
        bank_link: Option<String>,
    },
    /// Balance, tier and limits from the host.
    Balance,
    /// Pay a scanned merchant code: shows the quote, pays with --yes.
    Pay {
        /// The code's text.
        #[arg(long)]
        code: String,
        /// Amount in the code's currency, for codes without one.
        #[arg(long)]
        amount: Option<String>,
        /// Tip in the code's currency, for codes that ask for one.
        #[arg(long)]
        tip: Option<String>,
        /// Route (scheme id) to pay; default the code's first.
        #[arg(long)]
        route: Option<String>,
        /// Confirm the payment after showing the quote.
        #[arg(long)]
        yes: bool,
    },
    /// Send money to a friend at home.
    Send {
        /// Friend's handle, e.g. @ben.
        #[arg(long, conflicts_with = "code", required_unless_present = "code")]
        to: Option<String>,
        /// Friend's scanned receive code.
        #[arg(long)]
        code: Option<String>,
        /// Amount in home-currency units.
        #[arg(long)]
        amount: String,
        /// Message.
        #[arg(long)]
        message: Option<String>,
    },
    /// Quote a remittance abroad.
    Quote {
        /// Destination country: PH, TH, VN, IN.
        #[arg(long)]
        country: String,
        /// Amount to send, home-currency units.
        #[arg(long)]
        amount: String,
    },
    /// Send a remittance abroad: quotes, shows, sends with --yes.
    Remit {
        /// Destination country: PH, TH, VN, IN.
        #[arg(long)]
        country: String,
        /// Amount to send, home-currency units.
        #[arg(long)]
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
        /// Send after showing the quote.
        #[arg(long)]
        yes: bool,
    },
    /// Show my receive code (an EMV person-to-person code).
    ReceiveCode,
    /// History, newest first.
    History {
        /// Items per page.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Cursor from a previous page.
        #[arg(long)]
        cursor: Option<String>,
    },
    /// Bring in transfers others sent.
    Sync {
        /// Seconds to wait for something to arrive.
        #[arg(long, default_value_t = 0)]
        wait: u64,
    },
    /// Till charges waiting for your approval (above your no-confirmation limit).
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
        amount: String,
    },
    /// Show a code to pay at a till (works offline while single-use keys last).
    Code {
        /// Write the QR code to this PNG file instead of drawing it in the terminal.
        #[arg(long)]
        png: Option<PathBuf>,
        /// Also print the 36-digit form for 1-D barcode tills.
        #[arg(long)]
        numeric: bool,
    },
}

/// Opens the wallet kept in `home`.
pub async fn open(home: &Path, host: &str) -> Result<Wallet, String> {
    private_home(home).map_err(|e| format!("{}: {e}", home.display()))?;
    let keystore = FileKeyStore::open(home.join("wallet.key")).map_err(|e| e.to_string())?;
    Wallet::open(home.join("wallet.sqlite3"), &keystore, WalletConfig::new(host)).await.map_err(|e| e.to_string())
}

/// Creates `home` 0700, or tightens it (and the wallet files an older build left 0644) when
/// it exists: the database holds the payment token, names, messages and history, which other
/// local users must not read. New files are made 0600 by the store and the key store.
fn private_home(home: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
        const WALLET_FILES: [&str; 4] = ["wallet.key", "wallet.sqlite3", "wallet.sqlite3-wal", "wallet.sqlite3-shm"];
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(home)?;
        let owner_only = |path: &Path, mode: u32| -> std::io::Result<()> {
            let meta = std::fs::metadata(path)?;
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
            }
            Ok(())
        };
        owner_only(home, 0o700)?;
        for name in WALLET_FILES {
            match owner_only(&home.join(name), 0o600) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                other => other?,
            }
        }
        Ok(())
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(home)
}

/// Reads a decimal amount in `currency`.
pub fn amount(s: &str, currency: Currency) -> Result<Money, String> {
    Money::parse_decimal(s.trim(), currency).map(|p| p.money).map_err(|e| format!("amount {s:?}: {e}"))
}

/// One history line.
pub fn line(t: &TransactionRecord) -> String {
    let sign = if t.direction == Direction::In { "+" } else { "-" };
    format!("{:<11} {sign}{:>12}  {}", t.kind, t.amount.format(), t.description)
}

/// One till charge waiting for approval.
pub fn charge_line(c: &ChargeRequest) -> String {
    format!(
        "charge {}: {} at {} asks for your approval (until {})",
        c.id,
        c.amount.format(),
        c.merchant_name,
        c.approve_by
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

fn err(e: WalletError) -> String {
    e.to_string()
}

async fn run_async(args: Args) -> Result<(), String> {
    let w = open(&args.home, &args.host).await?;
    match args.command {
        Command::Enrol { handle, country, name } => {
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
        Command::LinkBank { bank, account, holder, opening } => {
            let cur = home_currency(&w)?;
            let opening = opening.map(|o| amount(&o, cur)).transpose()?;
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
            let link = match bank_link {
                Some(l) => l,
                None => w
                    .bank_links()
                    .map_err(err)?
                    .first()
                    .map(|l| l.id.clone())
                    .ok_or("no bank linked: run `koban wallet link-bank`")?,
            };
            let t = w.top_up(&link, amount(&a, cur)?).await.map_err(err)?;
            println!("{}", line(&t));
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
        Command::Pay { code, amount: a, tip, route, yes } => {
            let d = koban_core::scheme::detect(&code).map_err(|e| e.to_string())?;
            let cur = d.currency.ok_or("the code names no currency")?;
            let req = PaymentRequest {
                payload: code,
                route,
                amount: a.map(|a| amount(&a, cur)).transpose()?,
                tip: tip.map(|t| amount(&t, cur)).transpose()?,
                references: Vec::new(),
            };
            let q = w.quote_payment(&req).await.map_err(err)?;
            payment_lines(&q).iter().for_each(|l| println!("{l}"));
            if !yes {
                println!("not paid: run again with --yes to confirm");
                return Ok(());
            }
            println!("{}", line(&w.confirm_payment(&q).await.map_err(err)?));
        }
        Command::Send { to, code, amount: a, message } => {
            let cur = home_currency(&w)?;
            let to = match (to, code) {
                (Some(h), _) => SendTo::Handle(h),
                (None, Some(c)) => SendTo::ReceiveCode(c),
                (None, None) => return Err("give --to or --code".into()),
            };
            println!("{}", line(&w.send(&to, amount(&a, cur)?, message.as_deref()).await.map_err(err)?));
        }
        Command::Quote { country, amount: a } => {
            let cur = home_currency(&w)?;
            let q = w.quote_remittance(&country, QuoteAmount::Send(amount(&a, cur)?)).await.map_err(err)?;
            remit_lines(&q).iter().for_each(|l| println!("{l}"));
        }
        Command::Remit { country, amount: a, name, handle, account, provider, method, purpose, yes } => {
            let cur = home_currency(&w)?;
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
            let t = w
                .remit(&q, &RemitRecipient { name, destination, relationship: None }, &purpose, None)
                .await
                .map_err(err)?;
            println!("{}", line(&t));
        }
        Command::ReceiveCode => println!("{}", w.receive_code().await.map_err(err)?),
        Command::History { limit, cursor } => {
            let page = w.history(limit, cursor.as_deref()).map_err(err)?;
            page.items.iter().for_each(|t| println!("{}", line(t)));
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
            let zero = !a.trim().is_empty() && a.trim().chars().all(|c| c == '0' || c == '.');
            let limit = if zero { Money::zero(cur) } else { amount(&a, cur)? };
            let b = w.set_no_confirm_limit(limit).await.map_err(err)?;
            println!("till charges above {} now wait for your approval", b.no_confirm_limit.format());
        }
        Command::Code { png, numeric } => {
            // Top up the key supply while online; offline, codes keep coming until the keys run out.
            if let Err(e) = w.replenish_codes().await {
                eprintln!("offline ({e}); using the keys on this device");
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
            println!(
                "valid until {} (refresh at {}); {} codes left on this device",
                code.expires_at, code.refresh_at, code.codes_left
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
