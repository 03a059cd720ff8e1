//! `koban detect`: what is this payload?

use koban_core::scheme::{detect, DetectError, Detection, Format, Rejection, RouteRole};
use std::io::Read;
use std::process::ExitCode;

/// Arguments of `koban detect`.
#[derive(clap::Args)]
pub struct Args {
    /// Print one JSON object instead of a summary.
    #[arg(long)]
    json: bool,
    /// The scanned text; `-` or nothing reads standard input.
    payload: Option<String>,
}

pub fn run(args: Args) -> ExitCode {
    let payload = match args.payload.as_deref() {
        Some(p) if p != "-" => p.to_owned(),
        _ => {
            let mut s = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                eprintln!("koban detect: cannot read standard input: {e}");
                return ExitCode::from(2);
            }
            s
        }
    };
    match detect(&payload) {
        Ok(d) => {
            if args.json {
                println!("{}", crate::json::detection(&d));
            } else {
                print!("{}", summary(&d));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if args.json {
                println!("{}", crate::json::error(&e));
            } else {
                eprintln!("koban detect: {} ({})", message(&e), e.kind());
                if let Some(d) = e.partial() {
                    eprint!("what was read:\n{}", summary(d));
                }
            }
            ExitCode::from(1)
        }
    }
}

/// The refusal in words, with times in local time rather than Unix milliseconds.
fn message(e: &DetectError) -> String {
    match e {
        DetectError::Rejected { reasons, .. } => match reasons.first() {
            Some(Rejection::Expired { expired_at_ms }) => {
                format!("the code expired at {}", crate::when::human_ms(*expired_at_ms, crate::when::now()))
            }
            _ => e.to_string(),
        },
        _ => e.to_string(),
    }
}

/// A readable, multi-line summary of a detection.
pub fn summary(d: &Detection) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", d.format.as_str(), d.presentment.as_str());
    if matches!(d.format, Format::Unknown | Format::NotAPayment) {
        let _ = writeln!(out, "  not a payment code we know");
    }
    for r in &d.routes {
        let role = if r.role == RouteRole::Payable { "pay via" } else { "label" };
        let tag = r.tag.map(|t| format!(" [tag {t:02}]")).unwrap_or_default();
        let _ = writeln!(out, "  {role:8} {}{tag}  {}", r.scheme.name(), r.identifier.as_deref().unwrap_or(""));
    }
    if let Some(m) = &d.merchant {
        let place = [m.city.as_deref(), d.country.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ");
        let _ = writeln!(
            out,
            "  merchant {} {}{}",
            m.name.as_deref().unwrap_or("(unnamed)"),
            if place.is_empty() { String::new() } else { format!("({place})") },
            m.mcc.as_deref().map(|c| format!(" MCC {c}")).unwrap_or_default()
        );
        if let Some(alt) = &m.alternate {
            let _ = writeln!(out, "           {} [{}]", alt.name, alt.language);
        }
    }
    match (d.amount, d.currency) {
        (Some(a), _) => {
            let _ = writeln!(out, "  amount   {}", a.format());
        }
        (None, Some(c)) => {
            let _ = writeln!(out, "  amount   entered by the payer, in {c}");
        }
        (None, None) => {}
    }
    if let Some(i) = d.initiation {
        let _ = writeln!(
            out,
            "  code     {}",
            if i == koban_core::emv::Initiation::Static { "static (reusable)" } else { "dynamic (one payment)" }
        );
    }
    for r in &d.references {
        let _ = writeln!(out, "  {:?}: {}", r.kind, r.value.as_deref().unwrap_or("(ask the payer)"));
    }
    if let Some(ms) = d.expires_at_ms {
        let _ = writeln!(out, "  expires  {}", crate::when::human_ms(ms, crate::when::now()));
    }
    if let Some(ok) = d.crc.is_valid() {
        let _ = writeln!(out, "  crc      {}", if ok { "valid" } else { "INVALID" });
    }
    for w in &d.warnings {
        let _ = writeln!(out, "  warning  {w}");
    }
    out
}
