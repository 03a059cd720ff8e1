//! Detection speed: a typical ~150-character multi-network EMV payload, plus corpus codes.
//!
//! Target (issue 2): under 1 µs per payload on the reference machine.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use koban_core::emv::{Account, MerchantCode, Template};
use koban_core::money::{Currency, Money};
use koban_core::scheme::detect_at;
use std::hint::black_box;

/// A 150-character Thai sticker: Visa, PromptPay transfer, PromptPay bill payment, amount, merchant.
fn typical_payload() -> String {
    let thb = Currency::from_alpha("THB").unwrap();
    let mut code = MerchantCode::new("TH", thb);
    code.accounts = vec![
        Account::Primitive { tag: 2, value: "4787720005263409".into() },
        Account::Template(Template::with_guid(29, "A000000677010111", [(1, "0066812223333".to_string())])),
        Account::Template(Template::with_guid(30, "A000000677010112", [(1, "010753600031501".to_string())])),
    ];
    code.merchant_category = Some("5812".into());
    code.amount = Some(Money::from_minor(12050, thb));
    code.merchant_name = Some("SOM TUM NAI".into());
    code.encode().unwrap()
}

fn corpus(ids: &[&str]) -> Vec<(String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/payloads.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("*** corpus not found at {}: corpus benchmarks skipped ***", path.display());
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|r| ids.contains(&r["id"].as_str().unwrap_or_default()))
        .map(|r| (r["id"].as_str().unwrap().to_owned(), r["payload"].as_str().unwrap().to_owned()))
        .collect()
}

fn bench(c: &mut Criterion) {
    let typical = typical_payload();
    assert_eq!(detect_at(&typical, 0).unwrap().schemes().len(), 3);
    let mut group = c.benchmark_group("detect");
    group.throughput(Throughput::Elements(1));
    group.bench_function(format!("typical-multi-network-{}-chars", typical.chars().count()), |b| {
        b.iter(|| detect_at(black_box(&typical), 0))
    });
    for (id, payload) in corpus(&[
        "khqr-unionpay-creation-only",
        "promptparse-truemoney-msg",
        "qrph-gcash-p2p-masked",
        "sgqr-toast-box",
        "emvco-mpm-spec-annexB",
        "upi-razorpay-intent-pctencoded",
        "jpqr-cpm-merpay",
    ]) {
        group.bench_function(format!("corpus/{id}-{}-chars", payload.chars().count()), |b| {
            b.iter(|| detect_at(black_box(&payload), 0))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
