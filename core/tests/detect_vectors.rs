//! The shared detection vectors (`tests/vectors/detect.json`), checked against the core.
//!
//! The Kotlin and Swift suites check the same file through the bindings, so all three
//! languages agree on what each payload is.

use koban_core::scheme::{detect_at, CrcStatus, Detection};
use serde_json::Value;
use std::collections::BTreeSet;

fn vectors() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/detect.json"))
        .expect("vectors present");
    let doc: Value = serde_json::from_str(&text).expect("vectors are JSON");
    doc["vectors"].as_array().expect("a vectors array").clone()
}

fn strs(v: &Value) -> BTreeSet<String> {
    v.as_array().map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect()).unwrap_or_default()
}

fn want(bad: &mut Vec<String>, what: &str, got: Value, expected: &Value) {
    if &got != expected {
        bad.push(format!("{what}: got {got}, expected {expected}"));
    }
}

fn check(e: &Value, d: &Detection) -> Vec<String> {
    let mut bad = Vec::new();
    want(&mut bad, "format", d.format.as_str().into(), &e["format"]);
    want(&mut bad, "presentment", d.presentment.as_str().into(), &e["presentment"]);
    let schemes: BTreeSet<String> = d.schemes().iter().map(|s| s.as_str().to_owned()).collect();
    if schemes != strs(&e["schemes"]) {
        bad.push(format!("schemes: got {schemes:?}, expected {}", e["schemes"]));
    }
    want(&mut bad, "amount_minor", d.amount.map(|a| a.minor()).into(), &e["amount_minor"]);
    want(&mut bad, "amount_currency", d.amount.map(|a| a.currency().alpha()).into(), &e["amount_currency"]);
    want(&mut bad, "currency", d.currency.map(|c| c.alpha()).into(), &e["currency"]);
    want(&mut bad, "merchant_name", d.merchant.as_ref().and_then(|m| m.name.as_deref()).into(), &e["merchant_name"]);
    let crc = match d.crc {
        CrcStatus::Valid => Some(true),
        CrcStatus::Invalid { .. } => Some(false),
        CrcStatus::Missing | CrcStatus::NotApplicable => None,
    };
    want(&mut bad, "crc_valid", crc.into(), &e["crc_valid"]);
    if let Some(alt) = e.get("alternate_name") {
        let a = d.merchant.as_ref().and_then(|m| m.alternate.as_ref());
        want(&mut bad, "alternate_name", a.map(|a| a.name.as_str()).into(), alt);
        want(&mut bad, "alternate_language", a.map(|a| a.language.as_str()).into(), &e["alternate_language"]);
    }
    if let Some(id) = e.get("identifier") {
        want(&mut bad, "identifier", d.routes.first().and_then(|r| r.identifier.as_deref()).into(), id);
    }
    let warnings: BTreeSet<String> = d.warnings.iter().map(|w| w.code.to_owned()).collect();
    for w in strs(&e["warnings_include"]) {
        if !warnings.contains(&w) {
            bad.push(format!("warning {w} missing from {warnings:?}"));
        }
    }
    let ask: BTreeSet<String> = d
        .references
        .iter()
        .filter(|r| r.value.is_none())
        .map(|r| serde_json::to_value(r.kind).unwrap().as_str().unwrap().to_owned())
        .collect();
    if e.get("ask_payer").is_some() && ask != strs(&e["ask_payer"]) {
        bad.push(format!("ask_payer: got {ask:?}, expected {}", e["ask_payer"]));
    }
    bad
}

#[test]
fn every_vector_detects_as_written() {
    let all = vectors();
    assert!(all.len() >= 15, "only {} vectors", all.len());
    let mut problems = Vec::new();
    for v in &all {
        let name = v["name"].as_str().unwrap();
        let now_ms = v["now_ms"].as_i64().unwrap_or(0);
        let result = detect_at(v["payload"].as_str().unwrap(), now_ms);
        match (result, v.get("error")) {
            (Ok(d), None) => problems.extend(check(&v["expect"], &d).into_iter().map(|p| format!("{name}: {p}"))),
            (Err(e), Some(want)) => {
                if e.kind() != want["kind"].as_str().unwrap() {
                    problems.push(format!("{name}: kind {} != {}", e.kind(), want["kind"]));
                }
                if !e.to_string().contains(want["message_contains"].as_str().unwrap()) {
                    problems.push(format!("{name}: message {e:?} lacks {}", want["message_contains"]));
                }
            }
            (Ok(d), Some(want)) => {
                problems.push(format!("{name}: detected {:?} instead of failing with {}", d.format, want["kind"]))
            }
            (Err(e), None) => problems.push(format!("{name}: refused ({}: {e})", e.kind())),
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn vectors_cover_successes_and_each_refusal_kind_once_at_least() {
    let all = vectors();
    let kinds: BTreeSet<&str> = all.iter().filter_map(|v| v["error"]["kind"].as_str()).collect();
    for kind in ["crc_mismatch", "malformed_tlv", "empty", "expired"] {
        assert!(kinds.contains(kind), "no vector for {kind}");
    }
    assert!(all.iter().filter(|v| v.get("expect").is_some()).count() >= 12);
}
