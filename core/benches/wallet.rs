//! Opening a wallet whose history holds 100,000 transactions, and reading its first page.
//! Both must stay well under 20 ms on a phone; the history index is what makes it so.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use koban_core::crypto::DeviceKey;
use koban_core::money::{Currency, Money};
use koban_core::store::{self, Direction, FileKeyStore, Store, TransactionRecord, WalletRecord};
use koban_core::wallet::{Wallet, WalletConfig};
use serde_json::json;

const HISTORY: i64 = 100_000;

fn build(dir: &std::path::Path) {
    let ks = FileKeyStore::open(dir.join("wallet.key")).unwrap();
    let mut s = Store::open(dir.join("wallet.sqlite3"), &ks).unwrap();
    let jpy = Currency::from_alpha("JPY").unwrap();
    let key = DeviceKey::generate().unwrap();
    s.write(|tx, sealer| {
        store::put_secret(tx, sealer, "device_key", key.pkcs8().expect("a software key"))?;
        store::put_wallet(
            tx,
            &WalletRecord {
                wallet_id: "w_bench".into(),
                device_id: key.device_id(),
                handle: "aiko".into(),
                display_name: "Aiko".into(),
                country: "JP".into(),
                currency: jpy,
                tier: "verified".into(),
                enrolled_at: 1_700_000_000,
            },
        )?;
        for i in 0..HISTORY {
            let t = TransactionRecord {
                id: format!("tx_{i:08}"),
                kind: if i % 5 == 0 { "topup".into() } else { "payment".into() },
                direction: if i % 5 == 0 { Direction::In } else { Direction::Out },
                amount: Money::from_minor(100 + i % 9_000, jpy),
                counterparty: Some("KOBAN RAMEN".into()),
                description: "Payment to KOBAN RAMEN (¥1,200)".into(),
                intent_key: Some(format!("i-{i:022}")),
                // A few transactions per second over ~a year, some sharing a second.
                created_at: 1_700_000_000 + i * 300 + (i % 3),
                details: json!({ "host": { "id": format!("tx_{i:08}"), "route": "jpqr", "total": { "minor": 1200, "currency": "JPY" } } }),
            };
            store::insert_transaction(tx, &t)?;
        }
        Ok::<_, store::StoreError>(())
    })
    .unwrap();
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let open = || {
        let ks = FileKeyStore::open(dir.path().join("wallet.key")).unwrap();
        rt.block_on(Wallet::open(dir.path().join("wallet.sqlite3"), &ks, WalletConfig::new("http://127.0.0.1:9")))
            .unwrap()
    };
    c.bench_function("wallet_open_100k_history", |b| b.iter(|| black_box(open())));
    let w = open();
    assert_eq!(w.history(20, None).unwrap().items.len(), 20);
    c.bench_function("wallet_history_first_page_100k", |b| b.iter(|| black_box(w.history(20, None).unwrap())));
    let second = w.history(20, None).unwrap().next_cursor;
    c.bench_function("wallet_history_deep_page_100k", |b| {
        b.iter(|| black_box(w.history(20, second.as_deref()).unwrap()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
