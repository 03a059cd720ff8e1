//! `koban-sandbox`: runs the wallet host sandbox.

use clap::Parser;

fn main() -> std::process::ExitCode {
    koban_sandbox::cli::run(koban_sandbox::cli::Args::parse())
}
