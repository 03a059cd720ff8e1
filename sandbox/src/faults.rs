//! Fault injection for client retry tests: latency, 5xx answers and connection drops after
//! commit. Only active when the host was started with faults or `--admin`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::state::AppState;

/// Fault rates in parts per thousand, and added latency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FaultConfig {
    /// Added latency before handling, in milliseconds (uniform in 0..=latency_ms).
    pub latency_ms: u64,
    /// ‰ of /v1 requests answered 503 before anything happens.
    pub error_permille: u16,
    /// ‰ of mutating /v1 requests answered 500 after their effect was committed.
    pub error_after_commit_permille: u16,
    /// ‰ of mutating /v1 requests whose connection is dropped after commit, with no answer.
    pub drop_after_commit_permille: u16,
}

impl FaultConfig {
    /// Parses `latency_ms=20,error=50,error_after_commit=50,drop=50` (‰ values).
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut c = FaultConfig::default();
        for part in spec.split(',').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| format!("expected key=value, got {part}"))?;
            let n: u64 = v.parse().map_err(|_| format!("not a number: {v}"))?;
            let permille = || u16::try_from(n).ok().filter(|p| *p <= 1000).ok_or(format!("{k} must be 0..=1000"));
            match k {
                "latency_ms" => c.latency_ms = n,
                "error" => c.error_permille = permille()?,
                "error_after_commit" => c.error_after_commit_permille = permille()?,
                "drop" => c.drop_after_commit_permille = permille()?,
                _ => return Err(format!("unknown fault {k}")),
            }
        }
        Ok(c)
    }
}

/// The switch: current config and a deterministic random stream.
#[derive(Debug)]
pub struct FaultSwitch {
    config: RwLock<FaultConfig>,
    rng: AtomicU64,
}

impl FaultSwitch {
    /// A switch with `config`, drawing from a stream seeded by `seed`.
    pub fn new(config: FaultConfig, seed: u64) -> Self {
        Self { config: RwLock::new(config), rng: AtomicU64::new(seed) }
    }

    /// The current configuration.
    pub fn get(&self) -> FaultConfig {
        *self.config.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces the configuration.
    pub fn set(&self, config: FaultConfig) {
        *self.config.write().unwrap_or_else(|p| p.into_inner()) = config;
    }

    // splitmix64: fast, statistically fine for fault dice, reproducible from the seed.
    fn next(&self) -> u64 {
        let mut z = self.rng.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn roll(&self, permille: u16) -> bool {
        permille > 0 && (self.next() % 1000) < u64::from(permille)
    }
}

/// Marker on a response telling the connection loop to drop the connection unanswered.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// Middleware applying the fault switch to `/v1` requests.
pub async fn inject(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cfg = state.faults.get();
    if !req.uri().path().starts_with("/v1/") || cfg == FaultConfig::default() {
        return next.run(req).await;
    }
    if cfg.latency_ms > 0 {
        let ms = state.faults.next() % (cfg.latency_ms + 1);
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if state.faults.roll(cfg.error_permille) {
        return ApiError::InjectedFault.into_response();
    }
    let mutating = req.method() != Method::GET;
    let mut resp = next.run(req).await;
    if mutating && state.faults.roll(cfg.drop_after_commit_permille) {
        resp.extensions_mut().insert(DropConnection);
    } else if mutating && state.faults.roll(cfg.error_after_commit_permille) {
        let body =
            serde_json::json!({ "error": { "kind": "injected_fault", "message": "injected fault after commit" } });
        resp = (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response();
    }
    resp
}
