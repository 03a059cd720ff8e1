//! Conformance: every record of `../shared/corpus/payloads.jsonl` is a test case.
//!
//! The corpus comes from other projects and is read where it lies (never copied here).
//! It names some fields and formats its own way; the mapping lives in this test, not in
//! the product. Where the corpus is absent the suite says so loudly and skips.

#[path = "support/skip.rs"]
mod skip;

use koban_core::scheme::{detect_at, DetectError, Detection, RouteRole};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// 2026-11-24, the clock for records the corpus marks expired.
const NOW_MS: i64 = 1_795_500_000_000;
/// The corpus captured its other codes when they were fresh (KHQR and PayNow codes carry
/// expiry dates long past); they are scanned "at creation", i.e. before any expiry.
const FRESH_MS: i64 = 0;

fn corpus_path() -> Option<PathBuf> {
    let root = std::env::var_os("KOBAN_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let p = root.join("corpus/payloads.jsonl");
    p.exists().then_some(p)
}

fn records() -> Option<Vec<Value>> {
    let Some(path) = corpus_path() else {
        skip::skipped(
            "every_corpus_record_conforms",
            "../shared/corpus/payloads.jsonl not found (set KOBAN_SHARED); the conformance suite did not run",
        );
        return None;
    };
    let text = std::fs::read_to_string(&path).expect("corpus readable");
    Some(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("corpus line is JSON"))
            .collect(),
    )
}

fn expected_format(record: &Value) -> &'static str {
    let e = &record["expect"];
    match e["format"].as_str().unwrap_or_default() {
        "emvco-mpm-tlv" => "emv-mpm",
        "emvco-cpm-base64" => "emv-cpm",
        "numeric-payment-code" => "numeric-paycode",
        "other" => "not-a-payment",
        "epc" => "epc",
        "swiss-qr-bill" => "swiss-qr-bill",
        "bolt11" => "bolt11",
        "uri" => match record["scheme"].as_str().unwrap_or_default() {
            "alipay" => "alipay",
            "wechatpay" => "wechat",
            "paypay" => "paypay",
            "upi" => "upi",
            "bitcoin-bip21" => "bip21",
            "qqwallet" => "qqwallet",
            other => panic!("unmapped uri scheme {other}"),
        },
        other => panic!("unmapped corpus format {other}"),
    }
}

fn expected_error_kind(corpus_kind: &str) -> &str {
    match corpus_kind {
        "empty_template" => "empty_value",
        "jpqr_currency_not_392" => "currency_mismatch",
        "invalid_timestamp_length" => "invalid_timestamp",
        same => same,
    }
}

/// Scheme ids the registry does not know (an unrecognised GUID named by the corpus) are our generic id.
fn expected_scheme(id: &str) -> String {
    match koban_core::scheme::SchemeId::from_id(id) {
        Some(s) => s.as_str().to_owned(),
        None => "emvco-generic".to_owned(),
    }
}

fn strings(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// Keys whose corpus values are derived or renamed, not read from the code as they stand.
// `txid` "***" becomes an ask-the-payer reference; `am` is compared as amount_minor.
const DERIVED: &[&str] = &[
    "txid",
    "am",
    "proxy_type",
    "msisdn_e164",
    "kind",
    "merchant_type",
    "amount_editable",
    "amount_minor",
    "host",
    "path",
    "scheme",
    "rule",
    "prefix2",
    "length",
    "detected_issuer",
    "currency",
    "network",
    "amount_msat",
    "description",
    "expiry_seconds",
    "amount",
];

fn check(record: &Value, d: &Detection, problems: &mut Vec<String>) {
    let e = &record["expect"];
    let mut bad = |what: String| problems.push(what);
    if d.format.as_str() != expected_format(record) {
        bad(format!("format {} != {}", d.format.as_str(), expected_format(record)));
    }
    if let Some(schemes) = e["schemes"].as_array() {
        let want: BTreeSet<String> = schemes.iter().map(|s| expected_scheme(s.as_str().unwrap())).collect();
        let got: BTreeSet<String> = d.schemes().iter().map(|s| s.as_str().to_owned()).collect();
        if want != got {
            bad(format!("schemes {got:?} != {want:?}"));
        }
    }
    // Payable routes come before labels.
    let roles: Vec<_> = d.routes.iter().map(|r| r.role).collect();
    if roles.windows(2).any(|w| w[0] == RouteRole::Label && w[1] == RouteRole::Payable) {
        bad("a label precedes a payable route".into());
    }
    if let Some(minor) = e["amount_minor"].as_i64().or(e["bot_barcode"]["amount_minor"].as_i64()) {
        if d.amount.map(|a| a.minor()) != Some(minor) {
            bad(format!("amount {:?} != {minor}", d.amount));
        }
    } else if e["format"] == "emvco-mpm-tlv" && d.amount.is_some() {
        bad(format!("amount {:?} where the corpus has none", d.amount));
    }
    if let Some(c) = e["currency_alpha"].as_str() {
        if d.currency.map(|c| c.alpha()) != Some(c) {
            bad(format!("currency {:?} != {c}", d.currency));
        }
    }
    if let Some(c) = e["country"].as_str() {
        if d.country.as_deref() != Some(c) {
            bad(format!("country {:?} != {c}", d.country));
        }
    }
    match e["point_of_initiation"].as_str() {
        Some(p @ ("static" | "dynamic"))
            if d.initiation.map(|i| format!("{i:?}").to_lowercase()).as_deref() != Some(p) =>
        {
            bad(format!("initiation {:?} != {p}", d.initiation));
        }
        Some("static" | "dynamic") => {}
        _ if e["point_of_initiation"].is_null() && e.get("point_of_initiation").is_some() && d.initiation.is_some() => {
            bad("initiation where the corpus has none".into())
        }
        _ => {}
    }
    let merchant = d.merchant.clone().unwrap_or_default();
    for (key, got) in [
        ("merchant_name", &merchant.name),
        ("merchant_city", &merchant.city),
        ("postal_code", &merchant.postal_code),
        ("mcc", &merchant.mcc),
    ] {
        if let Some(want) = e[key].as_str() {
            if got.as_deref() != Some(want) {
                bad(format!("{key} {got:?} != {want:?}"));
            }
        }
    }
    if let Some(lang) = e["language_template"].as_object() {
        let alt = merchant.alternate.clone();
        if alt.as_ref().map(|a| a.language.as_str()) != lang.get("00").and_then(Value::as_str)
            || alt.as_ref().map(|a| a.name.as_str()) != lang.get("01").and_then(Value::as_str)
        {
            bad(format!("alternate language {alt:?} != {lang:?}"));
        }
    }
    if let Some(t) = e["tip_or_convenience_indicator"].as_str() {
        let got = match d.tip {
            Some(koban_core::emv::Tip::Prompt) => "01",
            Some(koban_core::emv::Tip::Fixed { .. }) => "02",
            Some(koban_core::emv::Tip::Percentage { .. }) => "03",
            None => "none",
        };
        // The mvallim vector says "prompt" (01) while also carrying 56/57: 55 decides.
        if got != t {
            bad(format!("tip {got} != {t}"));
        }
    }
    if let Some(add) = e["additional_data"].as_object() {
        for (sub, v) in add {
            let n: u8 = sub.parse().unwrap();
            if (1..=9).contains(&n) {
                let want = (v != "***").then(|| v.as_str().unwrap().to_owned());
                if !d.references.iter().any(|r| r.value == want) {
                    bad(format!("reference 62/{sub} {v} missing"));
                }
            }
        }
    }
    if let Some(accounts) = e["account_ids"].as_array() {
        for a in accounts {
            let tag = a["tag"].as_str().unwrap();
            let fields_empty = a["fields"].as_object().is_some_and(|f| f.is_empty());
            let placeholder =
                fields_empty && a["guid"].as_str().is_some_and(|g| g.eq_ignore_ascii_case("br.gov.bcb.pix"));
            match d.routes.iter().find(|r| r.tag.map(|t| format!("{t:02}")).as_deref() == Some(tag)) {
                None if placeholder => {}
                None => bad(format!("no route for account tag {tag}")),
                Some(r) => {
                    if let Some(v) = a["value"].as_str() {
                        if r.identifier.as_deref() != Some(v) {
                            bad(format!("tag {tag} identifier {:?} != {v}", r.identifier));
                        }
                    }
                    if let Some(g) = a["guid"].as_str() {
                        if r.guid.as_deref() != Some(g) && !(tag == "26" && record["id"] == "qris-no-guid-26") {
                            bad(format!("tag {tag} guid {:?} != {g}", r.guid));
                        }
                    }
                }
            }
        }
    }
    // Every value the corpus says a scheme carries is somewhere in our result.
    let mut ours = BTreeSet::new();
    strings(&serde_json::to_value(d).unwrap(), &mut ours);
    let mut wanted = Vec::new();
    // QQ Wallet's other parameters (m, a, ac, f) have no documented meaning; only payee and name are read.
    let keys: &[&str] = if d.format.as_str() == "qqwallet" {
        &["scheme_fields"]
    } else {
        &["scheme_fields", "params", "slip_verify", "bot_barcode"]
    };
    for key in keys {
        collect_wanted(&e[key], &mut wanted);
    }
    for key in ["iban", "bic", "name", "creditor_name", "hrp"] {
        if let Some(v) = e[key].as_str() {
            wanted.push(v.to_owned());
        }
    }
    for v in wanted {
        if !v.is_empty() && !ours.contains(&v) && !ours.iter().any(|o| o.trim() == v.trim()) {
            bad(format!("value {v:?} not found in the result"));
        }
    }
    // A consumer code's account never appears in clear.
    if let Some(apps) = e["applications"].as_array() {
        for app in apps {
            if let Some(adf) = app["4F"].as_str() {
                if !ours.contains(adf) {
                    bad(format!("ADF {adf} missing"));
                }
            }
            for pan in [app["pan"].as_str(), app["track2"]["pan"].as_str()].into_iter().flatten() {
                if ours.iter().any(|s| s.contains(pan)) {
                    bad("a consumer account number appears in clear".into());
                }
            }
        }
    }
}

fn collect_wanted(v: &Value, out: &mut Vec<String>) {
    if let Value::Object(o) = v {
        for (k, x) in o {
            if DERIVED.contains(&k.as_str()) {
                continue;
            }
            match x {
                Value::String(s) => out.push(s.clone()),
                Value::Object(_) => collect_wanted(x, out),
                Value::Array(a) => a.iter().for_each(|i| collect_wanted(i, out)),
                _ => {}
            }
        }
    }
}

#[test]
fn every_corpus_record_conforms() {
    let Some(records) = records() else { return };
    assert!(records.len() >= 100, "corpus unexpectedly small: {}", records.len());
    let mut failures = Vec::new();
    for record in &records {
        let id = record["id"].as_str().unwrap();
        let payload = record["payload"].as_str().unwrap();
        let e = &record["expect"];
        let mut problems = Vec::new();
        let now = if e["error"] == "expired" { NOW_MS } else { FRESH_MS };
        let result = detect_at(payload, now);
        match (&result, e["error"].as_str()) {
            (Ok(d), None) => {
                check(record, d, &mut problems);
                if d.crc.is_valid() != record["crc_valid"].as_bool() {
                    problems.push(format!("crc {:?} != {}", d.crc, record["crc_valid"]));
                }
            }
            (Ok(_), Some(kind)) => problems.push(format!("accepted, expected error {kind}")),
            (Err(err), None) => problems.push(format!("refused ({}: {err})", err.kind())),
            (Err(err), Some(kind)) => {
                if err.kind() != expected_error_kind(kind) {
                    problems.push(format!("error kind {} != {kind} ({err})", err.kind()));
                }
                if let DetectError::Rejected { detection, .. } = err {
                    // Field extraction and CRC verification are reported separately.
                    check(record, detection, &mut problems);
                    if detection.crc.is_valid() != record["crc_valid"].as_bool() {
                        problems.push(format!("crc {:?} != {}", detection.crc, record["crc_valid"]));
                    }
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{id}:\n    {}", problems.join("\n    ")));
        }
    }
    eprintln!("corpus: {} records, {} conform", records.len(), records.len() - failures.len());
    assert!(
        failures.is_empty(),
        "{} of {} records do not conform:\n{}",
        failures.len(),
        records.len(),
        failures.join("\n")
    );
}
