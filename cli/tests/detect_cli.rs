//! `koban detect` as a user runs it: exit codes, the JSON contract, standard input.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

const KEYS: &[&str] = &[
    "format",
    "presentment",
    "schemes",
    "country",
    "currency",
    "amount",
    "merchant_name",
    "merchant_city",
    "initiation",
    "crc_valid",
    "warnings",
];

fn koban(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_koban"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("koban runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Reports that `test` did not run, and why: loudly on stderr, and as a line in the file
/// `$KOBAN_SKIP_LOG` names, which scripts/test.sh lists at the end of a run.
fn skipped(test: &str, why: &str) {
    eprintln!("\n*** SKIPPED: {test}: {why} ***\n");
    if let Some(path) = std::env::var_os("KOBAN_SKIP_LOG") {
        // One short append per line: lines of tests running in parallel do not interleave.
        let line = format!("rust: {test}: {why}\n");
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path);
        if let Err(e) = file.and_then(|mut f| f.write_all(line.as_bytes())) {
            eprintln!("cannot record the skip in $KOBAN_SKIP_LOG: {e}");
        }
    }
}

#[test]
fn json_carries_every_stable_key() {
    let body = "00020101021229370016A000000677010111011300668122233335303764540530.005802TH6304";
    let payload = format!("{body}{}", koban_core::emv::crc16_hex(body.as_bytes()));
    let (code, out, _) = koban(&["detect", "--json", &payload], None);
    let v: Value = serde_json::from_str(&out).unwrap();
    for k in KEYS {
        assert!(v.get(k).is_some(), "missing {k} in {v}");
    }
    assert_eq!(code, 0);
    assert_eq!(v["schemes"], serde_json::json!(["promptpay"]));
    assert_eq!(v["amount"], "30.00");
    assert_eq!(v["currency"], "THB");
    assert_eq!(v["presentment"], "p2p");
    assert_eq!(v["crc_valid"], true);
}

#[test]
fn malformed_payloads_exit_non_zero_with_an_error_object() {
    let (code, out, _) = koban(&["detect", "--json", "000201010211265999"], None);
    assert_ne!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["kind"], "malformed_tlv");
    assert!(v["error"]["message"].as_str().unwrap().contains("offset 12"));
    let (code, out, err) = koban(&["detect", "000201010211265999"], None);
    assert_ne!(code, 0);
    assert!(out.is_empty() && err.contains("malformed"), "{err}");
}

#[test]
fn refusals_keep_what_was_read() {
    // A valid code with its CRC zeroed.
    let (code, out, _) = koban(
        &["detect", "--json", "00020101021129370016A0000006770101110113006681222333353037645802TH63040000"],
        None,
    );
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["kind"], "crc_mismatch");
    assert_eq!(v["crc_valid"], false);
    assert_eq!(v["schemes"], serde_json::json!(["promptpay"]));
}

#[test]
fn reads_standard_input_with_a_dash() {
    let (code, out, _) = koban(&["detect", "-"], Some("upi://pay?pa=shop@okaxis&pn=Corner%20Shop&am=120&mc=5411\n"));
    assert_eq!(code, 0);
    assert!(out.contains("UPI") && out.contains("Corner Shop") && out.contains("₹120.00"), "{out}");
}

#[test]
fn every_corpus_payload_gives_json_and_never_a_panic() {
    let shared = std::env::var_os("KOBAN_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let path = shared.join("corpus/payloads.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        skipped(
            "every_corpus_payload_gives_json_and_never_a_panic",
            &format!("{} not found (set KOBAN_SHARED)", path.display()),
        );
        return;
    };
    let mut n = 0;
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        let payload = record["payload"].as_str().unwrap();
        let (code, out, err) = koban(&["detect", "--json", "-"], Some(payload));
        assert!(!err.contains("panicked"), "{}: {err}", record["id"]);
        let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{}: {e}: {out}", record["id"]));
        let rejected = record["expect"].get("error").is_some();
        // The CLI uses the real clock: corpus codes with past expiry dates are refused as expired.
        let expired_now = v["error"]["kind"] == "expired";
        assert_eq!(code != 0, rejected || expired_now, "{}: exit {code}", record["id"]);
        assert_eq!(v.get("error").is_some(), rejected || expired_now, "{}", record["id"]);
        n += 1;
    }
    assert!(n >= 100);
}
