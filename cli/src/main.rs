//! `koban`: the developer CLI.

mod scan;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Koban developer CLI.
#[derive(Parser)]
#[command(name = "koban", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decode the QR codes in still images (PNG, JPEG, WebP).
    Scan {
        /// Print a JSON array of objects with `file` and `text` (or `error`).
        #[arg(long)]
        json: bool,
        /// Image files.
        #[arg(required = true)]
        images: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Scan { json, images } => scan::run(&images, json),
    }
}
