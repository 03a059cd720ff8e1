//! Making a consumer-presented code: key derivation, cryptogram, encoding, QR matrix.
//!
//! Target (issue 6): under 2 ms per code on the reference machine.

use criterion::{criterion_group, criterion_main, Criterion};
use koban_core::cpm::{QrMatrix, TokenCode};
use koban_core::crypto::{derive_limited_use_key, IssuerMasterKey, LimitedUseKey};
use koban_core::store::{self, FileKeyStore, Store};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let master = IssuerMasterKey::from_bytes([0x5A; 32]);
    let mut counter = 0u16;
    c.bench_function("cpm/make-code-with-qr-matrix", |b| {
        b.iter(|| {
            counter = counter.wrapping_add(1);
            let key = derive_limited_use_key(&master, "4900000000000001", counter).unwrap();
            let code =
                TokenCode::generate(&key, black_box("4900000000000001"), counter, 1_795_500_000, [1, 2, 3, 4]).unwrap();
            let text = code.to_qr_text();
            QrMatrix::encode(&text).unwrap()
        })
    });
    // The whole device path: take the next sealed key and commit its counter (SQLite, WAL),
    // compute the cryptogram, encode, and make the QR matrix.
    let dir = tempfile::tempdir().unwrap();
    let mut st =
        Store::open(dir.path().join("bench.sqlite3"), &FileKeyStore::open(dir.path().join("bench.key")).unwrap())
            .unwrap();
    st.write(|tx, sealer| {
        for counter in 1..=u16::MAX {
            let key = derive_limited_use_key(&master, "4900000000000002", counter).unwrap();
            store::put_code_key(tx, sealer, "4900000000000002", counter, key.as_bytes(), i64::MAX, 0)?;
        }
        Ok::<_, store::StoreError>(())
    })
    .unwrap();
    c.bench_function("cpm/make-code-from-the-store-with-qr-matrix", |b| {
        b.iter(|| {
            let code = st
                .write(|tx, sealer| {
                    let (token, counter, key) = store::take_code_key(tx, sealer, 1_795_500_000)?.expect("keys left");
                    let key = LimitedUseKey::from_slice(&key).unwrap();
                    Ok::<_, store::StoreError>(
                        TokenCode::generate(&key, &token, counter, 1_795_500_000, [1, 2, 3, 4]).unwrap(),
                    )
                })
                .unwrap();
            QrMatrix::encode(&code.to_qr_text()).unwrap()
        })
    });
    let key = derive_limited_use_key(&master, "4900000000000001", 1).unwrap();
    c.bench_function("cpm/cryptogram-and-payload-only", |b| {
        b.iter(|| {
            TokenCode::generate(&key, black_box("4900000000000001"), 1, 1_795_500_000, [1, 2, 3, 4])
                .unwrap()
                .to_qr_text()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
