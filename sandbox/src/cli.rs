//! Command-line arguments shared by `koban-sandbox` and `koban sandbox`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use koban_partners::AcquirerKey;

use crate::acquiring::{AcquirerConfig, DEFAULT_DEADLINE};
use crate::{Config, FaultConfig, HostKey, Sandbox};

/// Runs the Koban wallet host sandbox on loopback.
#[derive(Clone, clap::Args)]
pub struct SandboxArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: SocketAddr,
    /// Database file to keep; default is a temporary file deleted on exit.
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Inject faults, e.g. `latency_ms=20,error=50,error_after_commit=20,drop=50` (rates in ‰).
    #[arg(long)]
    pub faults: Option<String>,
    /// Seed for the fault dice.
    #[arg(long, default_value_t = 1)]
    pub fault_seed: u64,
    /// Enable /admin endpoints (fault switch, clock, invariant check, terminal enrolment
    /// tokens, device revocation).
    #[arg(long)]
    pub admin: bool,
    /// The 64-hex-digit key sealing consumer-code master keys at rest (environment
    /// `KOBAN_HOST_KEY`); default: random for a temporary database, `<db>.hostkey` for a kept one.
    #[arg(long, env = "KOBAN_HOST_KEY", hide_env_values = true)]
    pub host_key: Option<String>,
    /// The partner networks (Alipay+, WeChat Pay, UnionPay) to acquire tourists' codes
    /// through; default: a simulator started beside the host on loopback.
    #[arg(long)]
    pub partners_url: Option<String>,
    /// The host's acquirer key at the partner networks, `client=<64 hex>` (environment
    /// `KOBAN_ACQUIRER_KEY`); needed with `--partners-url`.
    #[arg(long, env = "KOBAN_ACQUIRER_KEY", hide_env_values = true)]
    pub acquirer_key: Option<String>,
    /// Start no partner networks: foreign codes are refused at the till.
    #[arg(long, conflicts_with = "partners_url")]
    pub no_partners: bool,
}

impl std::fmt::Debug for SandboxArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The host key is a secret: never printed.
        f.debug_struct("SandboxArgs")
            .field("addr", &self.addr)
            .field("db", &self.db)
            .field("faults", &self.faults)
            .field("admin", &self.admin)
            .field("host_key", &self.host_key.as_ref().map(|_| "<redacted>"))
            .field("partners_url", &self.partners_url)
            .field("acquirer_key", &self.acquirer_key.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// Top-level arguments of the `koban-sandbox` binary.
#[derive(Debug, clap::Parser)]
#[command(name = "koban-sandbox", version, about = "Koban wallet host sandbox")]
pub struct Args {
    /// What to do instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Sandbox options.
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

/// Subcommands of `koban-sandbox`; without one it serves.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Prints the OpenAPI document generated from the code: `koban-sandbox openapi > sandbox/openapi.json`.
    Openapi,
}

impl SandboxArgs {
    /// The server configuration these arguments describe.
    pub fn config(&self) -> Result<Config, String> {
        let faults = match &self.faults {
            Some(spec) => FaultConfig::parse(spec)?,
            None => FaultConfig::default(),
        };
        let host_key = self.host_key.as_deref().map(HostKey::from_hex).transpose()?.map(std::sync::Arc::new);
        let acquirer = match (&self.partners_url, &self.acquirer_key) {
            (Some(url), Some(key)) => Some(AcquirerConfig {
                url: url.clone(),
                key: AcquirerKey::parse(key).map_err(|e| format!("--acquirer-key: {e}"))?,
                deadline: DEFAULT_DEADLINE,
            }),
            (Some(_), None) => return Err("--partners-url needs --acquirer-key (or KOBAN_ACQUIRER_KEY)".into()),
            (None, _) => None,
        };
        Ok(Config {
            addr: self.addr,
            db_path: self.db.clone(),
            faults,
            fault_seed: self.fault_seed,
            admin: self.admin,
            host_key,
            acquirer,
        })
    }
}

/// Starts the host, prints its URL and serves until interrupted (or runs the subcommand).
pub fn run(args: Args) -> ExitCode {
    match args.command {
        Some(Command::Openapi) => {
            print!("{}", crate::api::openapi_json());
            ExitCode::SUCCESS
        }
        None => run_sandbox(&args.sandbox),
    }
}

/// Starts the host from sandbox arguments (also used by `koban sandbox`): prints its URL, then
/// `partners <url>` when it started the partner networks itself, and serves until interrupted.
pub fn run_sandbox(args: &SandboxArgs) -> ExitCode {
    let config = match args.config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("koban sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("koban sandbox: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let mut config = config;
        // The networks' simulator lives as long as the host when we start it ourselves.
        let mut partners = None;
        if !args.no_partners && config.acquirer.is_none() {
            match koban_partners::Partners::start(koban_partners::Config::default()).await {
                Ok(p) => {
                    if let Some(key) = p.acquirers().first().cloned() {
                        config.acquirer = Some(AcquirerConfig { url: p.url(), key, deadline: DEFAULT_DEADLINE });
                    }
                    eprintln!("koban sandbox: partner networks (Alipay+, WeChat Pay, UnionPay) on {}", p.url());
                    partners = Some(p);
                }
                Err(e) => {
                    eprintln!("koban sandbox: partner networks: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        let sandbox = match Sandbox::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("koban sandbox: {e}");
                return ExitCode::FAILURE;
            }
        };
        // stdout is for scripts: the host's URL first, then the partner networks' when they
        // run here (tests issue tourists' codes there), as `partners <url>`.
        println!("{}", sandbox.url());
        if let Some(p) = &partners {
            println!("partners {}", p.url());
        }
        eprintln!("koban sandbox: serving on {} with database {}", sandbox.url(), sandbox.db_path().display());
        // Returning (rather than dying on the signal) drops the host, which removes a temporary database.
        tokio::select! {
            _ = shutdown_signal() => ExitCode::SUCCESS,
            _ = sandbox.wait() => ExitCode::FAILURE,
        }
    })
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
