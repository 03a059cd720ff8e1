//! `koban terminal code`: a one-payment merchant code with the amount (an EMV dynamic code),
//! for a shopper's wallet to scan and pay once.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use koban_core::crypto::{body_digest_hex, new_nonce};
use koban_core::net::api::{DynamicCode, DynamicCodeRequest};
use koban_core::net::ErrorKind;
use koban_core::terminal::Terminal;
use serde_json::{json, Value};

use super::{fail, refused, Enrolment};

/// A reference for a code made without one. The host keys a code by its reference (the same
/// reference again is the same code), so each new code needs a reference of its own.
fn fresh_reference() -> Result<String, String> {
    let nonce = new_nonce().map_err(|e| e.to_string())?;
    Ok(format!("T{}", body_digest_hex(nonce.as_bytes())[..12].to_ascii_uppercase()))
}

fn code_json(enrolment: &Enrolment, c: &DynamicCode) -> Value {
    json!({
        "status": "created", "id": c.id, "merchant_id": c.merchant_id,
        "merchant_name": enrolment.merchant_name, "payload": c.payload,
        "amount": { "minor": c.amount.minor, "currency": c.amount.currency }, "reference": c.reference,
    })
}

pub(super) async fn code(
    enrolment: &Enrolment,
    terminal: &Terminal,
    amount: &str,
    currency: Option<&str>,
    reference: Option<String>,
    json: bool,
) -> ExitCode {
    let takes = match enrolment.currency() {
        Ok(c) => c,
        Err(e) => return fail(json, 2, "home", &e),
    };
    let currency = match currency.map(crate::args::currency).transpose() {
        Ok(c) => c.unwrap_or(takes),
        Err(e) => return fail(json, 2, "usage", &e),
    };
    if currency != takes {
        let message = format!("{} takes {}, not {}", enrolment.merchant_name, takes.alpha(), currency.alpha());
        return fail(json, 2, "usage", &message);
    }
    let amount = match crate::args::amount(amount, currency) {
        Ok(a) => a,
        Err(e) => return fail(json, 2, "usage", &e),
    };
    let reference = match reference.map_or_else(fresh_reference, Ok) {
        Ok(r) => r,
        Err(e) => return fail(json, 2, "rng", &e),
    };
    let request =
        DynamicCodeRequest { amount: amount.into(), reference: Some(reference), bill_number: None, tip: None };
    let made = match terminal.dynamic_code(&enrolment.merchant_id, &request).await {
        Ok(c) => c,
        Err(e) if e.kind() == Some(ErrorKind::IdempotencyKeyReused.as_str()) => {
            let message = format!(
                "reference {} already names a code for another amount: give another --reference",
                request.reference.as_deref().unwrap_or_default()
            );
            return fail(json, 1, ErrorKind::IdempotencyKeyReused.as_str(), &message);
        }
        Err(e) => return refused(&e, json),
    };
    if json {
        println!("{}", code_json(enrolment, &made));
        return ExitCode::SUCCESS;
    }
    println!(
        "code {}: {} to {}, reference {}; a shopper's wallet scans it and pays it once",
        made.id,
        amount.format(),
        enrolment.merchant_name,
        made.reference
    );
    // Drawn for a person at a terminal; a pipe or a script gets the payload alone.
    if std::io::stdout().is_terminal() {
        match koban_core::cpm::QrMatrix::encode(&made.payload) {
            Ok(m) => print!("{}", m.to_terminal()),
            Err(e) => eprintln!("koban terminal: cannot draw the code ({e})"),
        }
    }
    println!("{}", made.payload);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_references_are_new_each_time_and_fit_the_reference_field() {
        let (a, b) = (fresh_reference().unwrap(), fresh_reference().unwrap());
        assert_ne!(a, b);
        for r in [a, b] {
            assert_eq!(r.len(), 13, "{r}");
            assert!(r.bytes().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()), "{r}");
        }
    }
}
