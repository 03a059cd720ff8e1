//! Koban's wallet host sandbox: a real HTTP server over a real SQLite ledger.
//!
//! It plays the wallet provider's host for tests, the CLI demo and app developers: device
//! enrolment and signed requests, a double-entry ledger, banks and top-up, merchants with
//! real-format codes, FX quotes, P2P and cross-border transfers, consumer-presented code
//! charges, history, events, idempotency and injectable faults. At real scale a provider runs
//! its own host over its own ledger database; this one is for laptops and CI.

#![warn(missing_docs)]

pub mod acquiring;
pub mod api;
pub mod auth;
pub mod cli;
pub mod codes;
pub mod db;
pub mod error;
pub mod faults;
pub mod fx;
pub mod idem;
pub mod journal_meta;
pub mod ledger;
pub mod policy;
pub mod pricing;
pub mod rate;
pub mod seed;
pub mod server;
pub mod state;
pub mod vault;

pub use error::ApiError;
pub use faults::FaultConfig;
pub use ledger::InvariantReport;
pub use server::{Config, Sandbox, StartError};
pub use vault::HostKey;
