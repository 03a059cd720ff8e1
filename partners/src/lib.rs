//! Koban's partner-network simulator: the foreign networks' acquiring side, as its own service.
//!
//! A tourist at a Koban merchant shows an Alipay, WeChat Pay or UnionPay code; the Koban host,
//! acting as acquirer, charges it through the code's network. This crate plays those networks
//! for tests, `koban sandbox` and the demo: a real HTTP server on its own listener over its own
//! SQLite ledger, holding its own users' wallets in their currencies (CNY, HKD, KRW), issuing
//! their payment codes in the formats detection knows, and answering `pay`, inquiry, cancel and
//! refund in the shape of each network's public API (Alipay+, WeChat Pay, UnionPay). One
//! engine sits underneath; the wire shapes and the code formats are what differ.
//!
//! The other way round too: a Koban wallet abroad pays the networks' own merchants in China by
//! the codes they show (Alipay, WeChat Pay, UnionPay EMV; [`merchants`]). The Koban host, as
//! the partner wallet (Alipay+'s "MPP"), asks the network to decode a code and to pay the
//! merchant in yuan, and settles with the network in yen ([`engine::mpm`]).
//!
//! The host talks to it through [`client::AcquirerClient`] and [`client::MppClient`]
//! (network-neutral calls, each network's dialect on the wire); tests and the demo play the
//! tourists' phones, the merchants and the operator through [`client::SimulatorClient`].

#![warn(missing_docs)]

pub mod api;
pub mod auth;
pub mod cli;
pub mod client;
pub mod codes;
pub mod db;
pub mod engine;
pub mod error;
pub mod faults;
pub mod fx;
pub mod ledger;
pub mod merchants;
pub mod model;
pub mod network;
pub mod seed;
pub mod server;
pub mod state;
pub mod time;
pub mod wire;

pub use auth::AcquirerKey;
pub use error::Refusal;
pub use faults::FaultConfig;
pub use ledger::InvariantReport;
pub use model::{Amount, PayFailure, PaymentStatus};
pub use network::Network;
pub use server::{Config, Partners, StartError};
