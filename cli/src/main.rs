//! `koban`: the developer CLI.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod args;
mod demo;
mod detect;
mod home;
mod json;
mod scan;
mod terminal;
mod wallet;
mod when;

/// Koban developer CLI.
#[derive(Parser)]
#[command(name = "koban", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Tell what a scanned payment string is and parse it.
    Detect(detect::Args),
    /// Run the wallet host sandbox on loopback and print its URL.
    Sandbox(koban_sandbox::cli::SandboxArgs),
    /// Play a merchant till: charge shoppers' codes, make codes to pay, refund, settle the day.
    Terminal(terminal::Args),
    /// Use a wallet by hand against a host: enrol, link a bank, top up, pay, send, remit…
    Wallet(wallet::Args),
    /// Walk through Aiko's week and a tourist's Alipay payment, with a sandbox host in-process.
    Demo(demo::Args),
    /// Decode the QR codes in still images (PNG, JPEG, WebP) and tell what each one is.
    Scan {
        /// Print a JSON array: per code `file`, `text` and the `koban detect --json` keys; per failed file `file` and `error`.
        #[arg(long)]
        json: bool,
        /// Image files.
        #[arg(required = true)]
        images: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Detect(args) => detect::run(args),
        Command::Sandbox(args) => koban_sandbox::cli::run_sandbox(&args),
        Command::Terminal(args) => terminal::run(args),
        Command::Wallet(args) => wallet::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Scan { json, images } => scan::run(&images, json),
    }
}
