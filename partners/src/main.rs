//! `koban-partners`: runs the partner-network simulator.

use clap::Parser;

fn main() -> std::process::ExitCode {
    koban_partners::cli::run(koban_partners::cli::Args::parse())
}
