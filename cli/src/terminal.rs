//! `koban terminal charge`: play the till — read a shopper's code and charge it at the host.

use koban_core::cpm::TokenCode;
use koban_core::money::{Currency, Money};
use koban_core::scheme::{detect, registry, Format, Presentment};
use serde_json::{json, Value};
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `koban terminal`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Charge a scanned consumer-presented code.
    Charge(ChargeArgs),
}

#[derive(clap::Args)]
struct ChargeArgs {
    /// The wallet host, e.g. the URL `koban sandbox` prints.
    #[arg(long)]
    host: String,
    /// This till's merchant terminal key (the sandbox lists them at GET /v1/merchants).
    #[arg(long, env = "KOBAN_MERCHANT_KEY")]
    merchant_key: String,
    /// Amount in the currency's units, e.g. 1200 (JPY) or 12.50 (THB).
    #[arg(long)]
    amount: String,
    /// ISO 4217 alpha code.
    #[arg(long)]
    currency: String,
    /// The scanned code's text; `-` reads standard input.
    code: String,
}

/// What a till can do with a scanned code.
#[derive(Debug, PartialEq, Eq)]
pub enum Scanned {
    /// A Koban code: charge it at the Koban host.
    Koban(TokenCode),
    /// Another issuer's shopper code, charged through that issuer's acquirer.
    Foreign(&'static str),
    /// Not a shopper's code at all.
    NotConsumer(String),
}

/// Tells what a till has scanned; `now` (Unix seconds) restores a numeric code's time.
pub fn classify(text: &str, now: u64) -> Result<Scanned, String> {
    let d = detect(text).map_err(|e| format!("{e} ({})", e.kind()))?;
    if d.presentment != Presentment::Consumer {
        return Ok(Scanned::NotConsumer(format!(
            "a {} code presented by a {}, not a shopper's payment code",
            d.format.as_str(),
            d.presentment.as_str()
        )));
    }
    if d.route(registry::KOBAN_CPM).is_some() {
        let code = match d.format {
            Format::NumericPaycode => TokenCode::from_numeric(text.trim(), now),
            _ => TokenCode::from_qr_text(text.trim()),
        };
        return code.map(Scanned::Koban).map_err(|e| e.to_string());
    }
    let issuer = d.payable_routes().next().map(|r| r.scheme);
    Ok(Scanned::Foreign(issuer.map(|s| s.name()).unwrap_or("an unknown issuer")))
}

pub fn run(args: Args) -> ExitCode {
    let Command::Charge(args) = args.command;
    let text = if args.code == "-" {
        let mut s = String::new();
        if std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).is_err() {
            eprintln!("koban terminal: cannot read standard input");
            return ExitCode::from(2);
        }
        s
    } else {
        args.code.clone()
    };
    let Some(currency) = Currency::from_alpha(&args.currency) else {
        eprintln!("koban terminal: unknown currency {:?}", args.currency);
        return ExitCode::from(2);
    };
    let amount = match Money::parse_decimal(&args.amount, currency) {
        Ok(p) => p.money,
        Err(e) => {
            eprintln!("koban terminal: amount {:?}: {e}", args.amount);
            return ExitCode::from(2);
        }
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let code = match classify(&text, now) {
        Ok(Scanned::Koban(code)) => code,
        Ok(Scanned::Foreign(issuer)) => {
            eprintln!("koban terminal: this is a {issuer} payment code; charge it through {issuer}'s acquirer, not the Koban host");
            return ExitCode::from(3);
        }
        Ok(Scanned::NotConsumer(what)) => {
            eprintln!("koban terminal: this is {what}");
            return ExitCode::from(3);
        }
        Err(e) => {
            eprintln!("koban terminal: unreadable code: {e}");
            return ExitCode::from(2);
        }
    };
    let body = json!({
        "amount": { "minor": amount.minor(), "currency": currency.alpha() },
        "token": code.token,
        "counter": code.counter,
        "timestamp": code.timestamp,
        "unpredictable_number": koban_core::crypto::hex::encode(&code.unpredictable_number),
        "cryptogram": koban_core::crypto::hex::encode(&code.cryptogram),
    });
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("koban terminal: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(charge(&args.host, &args.merchant_key, &body)) {
        Ok(v) => {
            println!("captured {} ({})", amount.format(), v["id"].as_str().unwrap_or("?"));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("koban terminal: {e}");
            ExitCode::from(1)
        }
    }
}

/// Charges with one idempotency key across retries, so a dropped answer never charges twice.
async fn charge(host: &str, merchant_key: &str, body: &Value) -> Result<Value, String> {
    let key = koban_core::crypto::new_nonce().map_err(|e| e.to_string())?;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().map_err(|e| e.to_string())?;
    let url = format!("{}/v1/terminal/charges", host.trim_end_matches('/'));
    let mut last = String::new();
    for attempt in 0..4u32 {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
        }
        let sent = client
            .post(&url)
            .header("x-koban-merchant-key", merchant_key)
            .header(koban_core::crypto::request::HEADER_IDEMPOTENCY_KEY, &key)
            .json(body)
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => return r.json().await.map_err(|e| e.to_string()),
            Ok(r) if r.status().is_server_error() => last = format!("host answered {}", r.status()),
            Ok(r) => {
                let status = r.status();
                let v: Value = r.json().await.unwrap_or_default();
                return Err(format!(
                    "refused ({status}): {} — {}",
                    v["error"]["kind"].as_str().unwrap_or("?"),
                    v["error"]["message"].as_str().unwrap_or("")
                ));
            }
            Err(e) => last = format!("no answer: {e}"),
        }
    }
    Err(format!("outcome unknown after retries ({last}); the same code cannot be charged twice, ask the host"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use koban_core::crypto::LimitedUseKey;

    #[test]
    fn tells_our_codes_from_foreign_and_merchant_ones() {
        let key = LimitedUseKey::from_bytes([3; 32]);
        let qr = TokenCode::generate(&key, "4900000000000001", 7, 1_795_500_000, [1, 2, 3, 4]).unwrap();
        assert_eq!(classify(&qr.to_qr_text(), 0), Ok(Scanned::Koban(qr)));
        let numeric = TokenCode::generate(&key, "4900000000000001", 8, 1_795_500_000, [0; 4]).unwrap();
        assert_eq!(
            classify(&numeric.to_numeric().unwrap(), 1_795_500_010),
            Ok(Scanned::Koban(TokenCode { cryptogram: numeric.cryptogram[..4].to_vec(), ..numeric }))
        );
        assert_eq!(classify("28763443825664394", 0), Ok(Scanned::Foreign("Alipay")));
        assert_eq!(classify("120061098828009406", 0), Ok(Scanned::Foreign("WeChat Pay")));
        assert_eq!(
            classify("hQVDUFYwMWEfTwigAAAAZQOSAlcTMViZAHkkKUPUkSEhAAAFEgAADw==", 0),
            Ok(Scanned::Foreign("JPQR consumer-presented"))
        );
        assert!(matches!(
            classify("00020101021129370016A0000006770101110113006681222333353037645802TH63041DCF", 0),
            Ok(Scanned::NotConsumer(_))
        ));
        assert!(classify("", 0).is_err());
    }
}
