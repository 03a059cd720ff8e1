//! `koban`: the developer CLI.

use clap::Parser;

/// Koban developer CLI.
#[derive(Parser)]
#[command(name = "koban", version, about)]
struct Cli {}

fn main() {
    let _ = Cli::parse();
}
