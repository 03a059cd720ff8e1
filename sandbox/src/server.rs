//! Starting the host: database, seed, router, and the accept loop that can drop connections
//! after commit when the fault switch says so.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tower::ServiceExt as _;

use crate::faults::{DropConnection, FaultConfig, FaultSwitch};
use crate::ledger::{self, InvariantReport};
use crate::state::AppState;
use crate::vault::HostKey;
use crate::{api, db, seed};

/// How to start the host.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free one.
    pub addr: SocketAddr,
    /// Database file; `None` uses a fresh temporary file removed when the host stops.
    pub db_path: Option<PathBuf>,
    /// Faults active from the start.
    pub faults: FaultConfig,
    /// Seed of the fault dice, for reproducible runs.
    pub fault_seed: u64,
    /// Whether /admin endpoints (faults, clock, invariants, enrolment tokens, revocation) answer.
    pub admin: bool,
    /// The key that seals consumer-code master keys at rest. `None`: a random key for a
    /// temporary database, or the key file beside a kept database (`<db>.hostkey`, made 0600
    /// on first start) so the ledger survives restarts.
    pub host_key: Option<Arc<HostKey>>,
    /// The partner networks the host acquires foreign shopper codes through; `None`: such
    /// codes are refused at the till.
    pub acquirer: Option<crate::acquiring::AcquirerConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_path: None,
            faults: FaultConfig::default(),
            fault_seed: 1,
            admin: false,
            host_key: None,
            acquirer: None,
        }
    }
}

/// Why the host could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened, migrated or seeded.
    #[error("database: {0}")]
    Database(String),
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Address asked for.
        addr: SocketAddr,
        /// Cause.
        source: std::io::Error,
    },
    /// The temporary database directory could not be made.
    #[error("temporary directory: {0}")]
    Temp(std::io::Error),
    /// The host key could not be read or made.
    #[error("host key: {0}")]
    HostKey(String),
    /// The partner networks' client could not be built.
    #[error("partner networks: {0}")]
    Acquirer(String),
}

/// The connection was dropped on purpose by the fault switch.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped after commit by the fault switch")]
struct Dropped;

/// A running host. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    db_path: PathBuf,
    state: AppState,
    task: JoinHandle<()>,
    // Held so the temporary database lives as long as the host.
    _temp: Option<tempfile::TempDir>,
}

impl Sandbox {
    /// Opens the database (seeding it on first use), binds and starts serving.
    pub async fn start(config: Config) -> Result<Sandbox, StartError> {
        let (db_path, temp) = match config.db_path {
            Some(p) => (p, None),
            None => {
                let dir = tempfile::Builder::new().prefix("koban-sandbox-").tempdir().map_err(StartError::Temp)?;
                (dir.path().join("host.sqlite3"), Some(dir))
            }
        };
        let mut conn = db::open(&db_path).map_err(|e| StartError::Database(e.to_string()))?;
        if !db::is_seeded(&conn).map_err(|e| StartError::Database(e.to_string()))? {
            let tx = conn.transaction().map_err(|e| StartError::Database(e.to_string()))?;
            seed::seed(&tx).map_err(|e| StartError::Database(e.to_string()))?;
            tx.commit().map_err(|e| StartError::Database(e.to_string()))?;
        }
        let host_key = match config.host_key {
            Some(k) => k,
            None if temp.is_some() => Arc::new(
                HostKey::from_bytes(HostKey::generate_bytes().map_err(StartError::HostKey)?.as_ref())
                    .map_err(StartError::HostKey)?,
            ),
            None => Arc::new(key_file(&db_path.with_extension("hostkey")).map_err(StartError::HostKey)?),
        };
        let mut state = AppState::new(conn, FaultSwitch::new(config.faults, config.fault_seed), config.admin, host_key);
        if let Some(a) = &config.acquirer {
            state.acquirer = Some(Arc::new(crate::acquiring::Acquirer::new(a).map_err(StartError::Acquirer)?));
        }
        let listener =
            TcpListener::bind(config.addr).await.map_err(|source| StartError::Bind { addr: config.addr, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind { addr: config.addr, source })?;
        let task = tokio::spawn(serve(listener, router(state.clone())));
        tokio::spawn(prune_nonces(state.clone()));
        // Foreign charges a stopped host left between pay and decision.
        tokio::spawn(api::recover_foreign_charges(state.clone()));
        Ok(Sandbox { addr, db_path, state, task, _temp: temp })
    }

    /// Base URL, e.g. `http://127.0.0.1:49152`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The database file.
    pub fn db_path(&self) -> &std::path::Path {
        &self.db_path
    }

    /// Runs the ledger invariant check on a separate read connection.
    pub fn check_invariants(&self) -> Result<InvariantReport, Vec<String>> {
        let conn = rusqlite::Connection::open(&self.db_path).map_err(|e| vec![e.to_string()])?;
        ledger::check_invariants(&conn)
    }

    /// Replaces the fault configuration.
    pub fn set_faults(&self, faults: FaultConfig) {
        self.state.faults.set(faults);
    }

    /// The host's clock, Unix seconds (system time plus what tests advanced it by).
    pub fn now(&self) -> i64 {
        self.state.clock.now()
    }

    /// Moves the host clock forward.
    pub fn advance_clock(&self, secs: i64) {
        self.state.clock.advance(secs);
    }

    /// The crash points of this host's acquiring, when it acquires (crash tests only).
    #[cfg(feature = "crash-points")]
    pub fn crash_points(&self) -> Option<Arc<crate::acquiring::crash::CrashPoints>> {
        self.state.acquirer.as_ref().map(|a| a.crash.clone())
    }

    /// Serves until the task ends (for the binary).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The router: every route of [`api::routes`] plus the fault middleware and the host-clock header.
pub fn router(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for route in api::routes() {
        router = router.route(route.path, route.handler);
    }
    use axum::extract::State;
    use axum::http::HeaderValue;
    use axum::response::Response;
    // Outermost, so injected faults and signature refusals carry it too: a device whose clock
    // is off learns the host's time from any answer and signs with it.
    let host_time = |State(s): State<AppState>, mut resp: Response| async move {
        resp.headers_mut().insert(koban_core::crypto::request::HEADER_HOST_TIME, HeaderValue::from(s.clock.now()));
        resp
    };
    router
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::faults::inject))
        .layer(axum::middleware::map_response_with_state(state.clone(), host_time))
        .with_state(state)
}

async fn serve(listener: TcpListener, router: Router) {
    loop {
        // Out of file descriptors or a reset during accept: keep serving the others.
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let router = router.clone();
                async move {
                    let resp = router.oneshot(req.map(Body::new)).await.unwrap_or_else(|e| match e {});
                    if resp.extensions().get::<DropConnection>().is_some() {
                        // Returning an error makes hyper close the connection without answering:
                        // the effect is committed, the client never hears of it.
                        return Err(Dropped);
                    }
                    Ok(resp)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

/// Reads the host key file beside a kept database, or makes one readable by its owner only.
fn key_file(path: &Path) -> Result<HostKey, String> {
    match std::fs::read_to_string(path) {
        Ok(hex) => HostKey::from_hex(&hex),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let bytes = HostKey::generate_bytes()?;
            let hex = zeroize::Zeroizing::new(koban_core::crypto::hex::encode(bytes.as_ref()));
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(path).map_err(|e| format!("{}: {e}", path.display()))?;
            std::io::Write::write_all(&mut file, hex.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
            file.sync_all().map_err(|e| format!("{}: {e}", path.display()))?;
            HostKey::from_bytes(bytes.as_ref())
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

async fn prune_nonces(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let cutoff = state.clock.now() - 2 * koban_core::crypto::request::MAX_CLOCK_SKEW_SECS as i64;
        // Nonces older than twice the skew window can no longer pass the freshness check.
        let _ = state.with_db(move |conn| Ok(conn.execute("DELETE FROM nonces WHERE seen_at < ?1", [cutoff])?)).await;
    }
}
