//! Command-line arguments of `koban-partners` (flattened by `koban sandbox` when it starts the
//! partner networks beside the host).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::{AcquirerKey, Config, FaultConfig, Partners};

/// Runs the partner-network simulator (Alipay+, WeChat Pay, UnionPay) on loopback.
#[derive(Clone, clap::Args)]
pub struct PartnersArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long = "partners-addr", default_value = "127.0.0.1:0")]
    pub addr: SocketAddr,
    /// Database file to keep; default is a temporary file deleted on exit.
    #[arg(long = "partners-db")]
    pub db: Option<PathBuf>,
    /// Inject faults, e.g. `latency_ms=20,error=50,error_after_commit=20,drop=50,timeout=10,
    /// timeout_ms=3000,paying=200,paying_polls=2,paying_secs=5,abandon=100` (rates in ‰).
    #[arg(long = "partners-faults")]
    pub faults: Option<String>,
    /// Seed for the fault dice.
    #[arg(long = "partners-fault-seed", default_value_t = 1)]
    pub fault_seed: u64,
    /// Enable /admin endpoints (fault switch, clock, invariant check, users).
    #[arg(long = "partners-admin")]
    pub admin: bool,
    /// An acquirer allowed to call, `CLIENT_ID=HEXKEY` (32 bytes or more; repeatable; environment
    /// `KOBAN_PARTNERS_ACQUIRER`). Default: `koban` with a random key, printed at start.
    #[arg(long = "partners-acquirer", env = "KOBAN_PARTNERS_ACQUIRER", hide_env_values = true)]
    pub acquirers: Vec<String>,
}

impl std::fmt::Debug for PartnersArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Acquirer keys are secrets: never printed.
        f.debug_struct("PartnersArgs")
            .field("addr", &self.addr)
            .field("db", &self.db)
            .field("faults", &self.faults)
            .field("admin", &self.admin)
            .field("acquirers", &self.acquirers.len())
            .finish_non_exhaustive()
    }
}

/// Top-level arguments of the `koban-partners` binary.
#[derive(Debug, clap::Parser)]
#[command(name = "koban-partners", version, about = "Koban partner-network simulator (Alipay+, WeChat Pay, UnionPay)")]
pub struct Args {
    /// Simulator options.
    #[command(flatten)]
    pub partners: PartnersArgs,
}

impl PartnersArgs {
    /// The server configuration these arguments describe.
    pub fn config(&self) -> Result<Config, String> {
        let faults = match &self.faults {
            Some(spec) => FaultConfig::parse(spec)?,
            None => FaultConfig::default(),
        };
        let acquirers = self.acquirers.iter().map(|s| AcquirerKey::parse(s)).collect::<Result<Vec<_>, _>>()?;
        Ok(Config {
            addr: self.addr,
            db_path: self.db.clone(),
            faults,
            fault_seed: self.fault_seed,
            admin: self.admin,
            acquirers,
        })
    }
}

/// Starts the simulator, prints its URL and serves until interrupted.
pub fn run(args: Args) -> ExitCode {
    let config = match args.partners.config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("koban-partners: {e}");
            return ExitCode::from(2);
        }
    };
    let generated = config.acquirers.is_empty();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("koban-partners: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let partners = match Partners::start(config).await {
            Ok(p) => p,
            Err(e) => {
                eprintln!("koban-partners: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("{}", partners.url());
        eprintln!("koban-partners: serving on {} with database {}", partners.url(), partners.db_path().display());
        if generated {
            // A sandbox key for a sandbox service: the operator needs it to configure the acquirer.
            for key in partners.acquirers() {
                eprintln!(
                    "koban-partners: acquirer {} key {} (pass --partners-acquirer {}=<key> to keep it)",
                    key.client_id(),
                    key.secret_hex().as_str(),
                    key.client_id()
                );
            }
        }
        tokio::select! {
            _ = shutdown_signal() => ExitCode::SUCCESS,
            _ = partners.wait() => ExitCode::FAILURE,
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn arguments_make_a_configuration_without_printing_keys() {
        let key = "ab".repeat(32);
        let args = Args::try_parse_from([
            "koban-partners",
            "--partners-admin",
            "--partners-faults",
            "drop=10,paying=500,paying_polls=2",
            "--partners-acquirer",
            &format!("koban={key}"),
        ])
        .unwrap();
        let config = args.partners.config().unwrap();
        assert!(config.admin);
        assert_eq!((config.faults.drop_after_commit_permille, config.faults.paying_polls), (10, 2));
        assert_eq!(config.acquirers[0].client_id(), "koban");
        assert!(!format!("{args:?}").contains(&key));
        let short = Args::try_parse_from(["koban-partners", "--partners-acquirer", "koban=abcd"]).unwrap();
        assert!(short.partners.config().is_err());
    }
}
