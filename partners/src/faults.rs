//! Fault injection on the acquiring APIs: latency, refusals before handling, errors and dropped
//! connections after commit, answers that come too late, and slow "user paying" states.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::error::Refusal;
use crate::network::Network;
use crate::state::AppState;

/// Fault rates in parts per thousand, delays, and how "user paying" behaves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FaultConfig {
    /// Added latency before handling, in milliseconds (uniform in 0..=latency_ms).
    pub latency_ms: u64,
    /// ‰ of acquirer requests answered with a system error before anything happens.
    pub error_permille: u16,
    /// ‰ of acquirer requests answered 500 after their effect was committed.
    pub error_after_commit_permille: u16,
    /// ‰ of acquirer requests whose connection is dropped after commit, with no answer.
    pub drop_after_commit_permille: u16,
    /// ‰ of acquirer requests answered only after `timeout_ms`, their effect committed first:
    /// the acquirer has usually given up by then.
    pub timeout_permille: u16,
    /// How long a timed-out answer is held back.
    pub timeout_ms: u64,
    /// ‰ of payments that wait for the user to confirm on their phone ("user paying").
    pub paying_permille: u16,
    /// Inquiries a "user paying" payment needs before the user's answer lands (0: no count).
    pub paying_polls: u32,
    /// Seconds of the network's clock before the user's answer lands (0: no wait).
    pub paying_secs: u32,
    /// ‰ of "user paying" payments the user never confirms: they stay processing until the
    /// acquirer cancels them or the network closes them after [`crate::engine::PAYING_TIMEOUT_SECS`].
    pub abandon_permille: u16,
}

impl FaultConfig {
    /// Parses `latency_ms=20,error=50,error_after_commit=50,drop=50,timeout=10,timeout_ms=3000,
    /// paying=200,paying_polls=2,paying_secs=0,abandon=100` (‰ values; any subset).
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut c = FaultConfig::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| format!("expected key=value, got {part}"))?;
            let n: u64 = v.parse().map_err(|_| format!("not a number: {v}"))?;
            let permille = || u16::try_from(n).ok().filter(|p| *p <= 1000).ok_or(format!("{k} must be 0..=1000"));
            let small = || u32::try_from(n).map_err(|_| format!("{k} is too large"));
            match k {
                "latency_ms" => c.latency_ms = n,
                "error" => c.error_permille = permille()?,
                "error_after_commit" => c.error_after_commit_permille = permille()?,
                "drop" => c.drop_after_commit_permille = permille()?,
                "timeout" => c.timeout_permille = permille()?,
                "timeout_ms" => c.timeout_ms = n,
                "paying" => c.paying_permille = permille()?,
                "paying_polls" => c.paying_polls = small()?,
                "paying_secs" => c.paying_secs = small()?,
                "abandon" => c.abandon_permille = permille()?,
                _ => return Err(format!("unknown fault {k}")),
            }
        }
        Ok(c)
    }
}

/// What a new payment will do if the user must confirm it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PayingPlan {
    /// Whether the payment waits for the user at all.
    pub wait: bool,
    /// Inquiries needed before the answer lands.
    pub polls: u32,
    /// Seconds before the answer lands.
    pub secs: u32,
    /// Whether the user never confirms.
    pub abandon: bool,
}

/// The switch: current configuration and a deterministic random stream.
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

    // splitmix64: cheap, statistically fine for fault dice, reproducible from the seed.
    fn next(&self) -> u64 {
        let mut z = self.rng.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn roll(&self, permille: u16) -> bool {
        permille >= 1000 || (permille > 0 && (self.next() % 1000) < u64::from(permille))
    }

    /// Rolls the dice for a new payment.
    pub fn paying_plan(&self) -> PayingPlan {
        let c = self.get();
        if !self.roll(c.paying_permille) {
            return PayingPlan::default();
        }
        PayingPlan { wait: true, polls: c.paying_polls, secs: c.paying_secs, abandon: self.roll(c.abandon_permille) }
    }
}

/// Marker on a response telling the connection loop to drop the connection unanswered.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// Middleware applying the fault switch to the acquiring APIs (not to /admin or /wallet).
pub async fn inject(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cfg = state.faults.get();
    let Some(network) = Network::for_path(req.uri().path()) else {
        return next.run(req).await;
    };
    if cfg.latency_ms > 0 {
        let ms = state.faults.next() % (cfg.latency_ms + 1);
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if state.faults.roll(cfg.error_permille) {
        let mut resp = crate::api::refusal_response(network, &Refusal::Injected);
        *resp.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        return resp;
    }
    // A decode commits nothing, so nothing can be lost after a commit: only the faults before
    // handling (latency, system errors) reach it.
    if crate::wire::DECODE_PATHS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let mut resp = next.run(req).await;
    if state.faults.roll(cfg.drop_after_commit_permille) {
        resp.extensions_mut().insert(DropConnection);
    } else if state.faults.roll(cfg.error_after_commit_permille) {
        resp = crate::api::refusal_response(network, &Refusal::Injected);
    } else if state.faults.roll(cfg.timeout_permille) {
        tokio::time::sleep(Duration::from_millis(cfg.timeout_ms)).await;
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_certain_rolls_always_hit() {
        let c = FaultConfig::parse("latency_ms=5,drop=1000,paying=1000,paying_polls=2,abandon=0").unwrap();
        assert_eq!((c.latency_ms, c.drop_after_commit_permille, c.paying_polls), (5, 1000, 2));
        assert!(FaultConfig::parse("drop=1001").is_err());
        assert!(FaultConfig::parse("nonsense=1").is_err());
        let s = FaultSwitch::new(c, 7);
        assert!((0..100).all(|_| s.paying_plan() == PayingPlan { wait: true, polls: 2, secs: 0, abandon: false }));
        assert!((0..100).all(|_| !s.roll(0)));
    }
}
