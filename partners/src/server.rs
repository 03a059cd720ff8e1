//! Starting the simulator: database, seed, router, and the accept loop that can drop
//! connections after commit when the fault switch says so.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tower::ServiceExt as _;

use crate::auth::AcquirerKey;
use crate::client::{AcquirerClient, SimulatorClient};
use crate::faults::{DropConnection, FaultConfig, FaultSwitch};
use crate::ledger::{self, InvariantReport};
use crate::state::AppState;
use crate::{api, db, seed};

/// The client id of the acquirer made when none is configured.
pub const DEFAULT_ACQUIRER: &str = "koban";

/// How to start the simulator.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free one.
    pub addr: SocketAddr,
    /// Database file; `None` uses a fresh temporary file removed when the simulator stops.
    pub db_path: Option<PathBuf>,
    /// Faults active from the start.
    pub faults: FaultConfig,
    /// Seed of the fault dice, for reproducible runs.
    pub fault_seed: u64,
    /// Whether /admin endpoints (faults, clock, invariants, users) answer.
    pub admin: bool,
    /// Acquirers allowed to call, each with its shared key. Empty: one acquirer
    /// [`DEFAULT_ACQUIRER`] with a random key, read back with [`Partners::acquirers`].
    pub acquirers: Vec<AcquirerKey>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_path: None,
            faults: FaultConfig::default(),
            fault_seed: 1,
            admin: false,
            acquirers: Vec::new(),
        }
    }
}

/// Why the simulator could not start.
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
    /// No acquirer key could be made.
    #[error("acquirer key: {0}")]
    Key(String),
}

/// The connection was dropped on purpose by the fault switch.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped after commit by the fault switch")]
struct Dropped;

/// A running simulator. Dropping it stops the server.
pub struct Partners {
    addr: SocketAddr,
    db_path: PathBuf,
    state: AppState,
    acquirers: Vec<AcquirerKey>,
    task: JoinHandle<()>,
    pruner: JoinHandle<()>,
    // Held so the temporary database lives as long as the simulator.
    _temp: Option<tempfile::TempDir>,
}

impl Partners {
    /// Opens the database (seeding it on first use), binds and starts serving.
    pub async fn start(config: Config) -> Result<Partners, StartError> {
        let (db_path, temp) = match config.db_path {
            Some(p) => (p, None),
            None => {
                let dir = tempfile::Builder::new().prefix("koban-partners-").tempdir().map_err(StartError::Temp)?;
                (dir.path().join("partners.sqlite3"), Some(dir))
            }
        };
        let db_error = |e: &dyn std::fmt::Display| StartError::Database(e.to_string());
        let mut conn = db::open(&db_path).map_err(|e| db_error(&e))?;
        if !db::is_seeded(&conn).map_err(|e| db_error(&e))? {
            let tx = conn.transaction().map_err(|e| db_error(&e))?;
            seed::seed(&tx, crate::state::Clock::default().now()).map_err(|e| db_error(&e))?;
            tx.commit().map_err(|e| db_error(&e))?;
        }
        // Every start: a database made before the merchants existed gets them too.
        let tx = conn.transaction().map_err(|e| db_error(&e))?;
        crate::merchants::seed(&tx).map_err(|e| db_error(&e))?;
        tx.commit().map_err(|e| db_error(&e))?;
        let acquirers = if config.acquirers.is_empty() {
            vec![AcquirerKey::generate(DEFAULT_ACQUIRER).map_err(StartError::Key)?]
        } else {
            config.acquirers
        };
        let faults = FaultSwitch::new(config.faults, config.fault_seed);
        let state = AppState::new(conn, faults, config.admin, acquirers.clone());
        let listener =
            TcpListener::bind(config.addr).await.map_err(|source| StartError::Bind { addr: config.addr, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind { addr: config.addr, source })?;
        let task = tokio::spawn(serve(listener, router(state.clone())));
        let pruner = tokio::spawn(prune_nonces(state.clone()));
        Ok(Partners { addr, db_path, state, acquirers, task, pruner, _temp: temp })
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
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// The acquirers allowed to call, with their keys (the configured ones, or the generated one).
    pub fn acquirers(&self) -> &[AcquirerKey] {
        &self.acquirers
    }

    /// A client for the first acquirer (the generated [`DEFAULT_ACQUIRER`] unless configured).
    pub fn acquirer_client(&self) -> Result<AcquirerClient, crate::client::ClientError> {
        let key = self.acquirers.first().cloned().ok_or(crate::client::ClientError::Config("no acquirer".into()))?;
        AcquirerClient::new(&self.url(), key)
    }

    /// A client for the users' phones and the operator's endpoints.
    pub fn simulator_client(&self) -> Result<SimulatorClient, crate::client::ClientError> {
        SimulatorClient::new(&self.url())
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

    /// The current fault configuration.
    pub fn faults(&self) -> FaultConfig {
        self.state.faults.get()
    }

    /// The network's clock, Unix seconds.
    pub fn now(&self) -> i64 {
        self.state.clock.now()
    }

    /// Moves the network's clock forward (codes expire, "user paying" states time out).
    pub fn advance_clock(&self, secs: i64) {
        self.state.clock.advance(secs);
    }

    /// Serves until the task ends (for the binary).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for Partners {
    fn drop(&mut self) {
        self.task.abort();
        self.pruner.abort();
    }
}

/// The router: every route of [`api::routes`] behind the fault switch, every answer stamped
/// with the network's clock.
pub fn router(state: AppState) -> Router {
    use axum::extract::State;
    use axum::http::HeaderValue;
    use axum::response::Response;
    // Outermost, so injected faults and signature refusals carry it too: an acquirer whose
    // clock is off learns the network's time from any answer and signs with it (Alipay+
    // stamps its answers with `response-time` the same way).
    let stamp = |State(s): State<AppState>, mut resp: Response| async move {
        resp.headers_mut().insert(crate::auth::HEADER_RESPONSE_TIME, HeaderValue::from(s.clock.now()));
        resp
    };
    api::routes()
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::faults::inject))
        .layer(axum::middleware::map_response_with_state(state.clone(), stamp))
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
                        // the effect is committed, the acquirer never hears of it.
                        return Err(Dropped);
                    }
                    Ok(resp)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn prune_nonces(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let cutoff = state.clock.now() - 2 * crate::auth::MAX_CLOCK_SKEW_SECS;
        // Nonces older than twice the skew window can no longer pass the freshness check.
        let _ = state.with_db(move |conn| Ok(conn.execute("DELETE FROM nonces WHERE seen_at < ?1", [cutoff])?)).await;
    }
}
