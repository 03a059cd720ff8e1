use super::*;
use serde_json::json;

fn jpy(minor: i64) -> Money {
    Money::from_minor(minor, Currency::from_alpha("JPY").unwrap())
}

fn tx_record(id: &str, created_at: i64) -> TransactionRecord {
    TransactionRecord {
        id: id.into(),
        kind: "payment".into(),
        direction: Direction::Out,
        amount: jpy(100),
        counterparty: Some("KOBAN RAMEN".into()),
        description: "Payment to KOBAN RAMEN".into(),
        intent_key: None,
        created_at,
        details: json!({ "id": id }),
    }
}

#[test]
fn opens_a_database_written_by_schema_version_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wallet.sqlite3");
    let ks = FileKeyStore::open(dir.path().join("kek")).unwrap();
    // The v1 fixture: schema 1 exactly as that version created it, with rows in it.
    {
        let mut conn = Connection::open(&path).unwrap();
        migrate_to(&mut conn, 1).unwrap();
        let v: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, 1);
        conn.execute(
            "INSERT INTO transactions (id, kind, direction, amount_minor, currency, counterparty, description, intent_key, created_at, details)
             VALUES ('tx_old', 'topup', 'in', 5000, 'JPY', NULL, 'Top-up', NULL, 1700000000, '{}')",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO intents (key, seq, kind, path, body, context, state, outcome, created_at, updated_at)
             VALUES ('k1', 1, 'topup', '/v1/topups', X'00', '{}', 'done', NULL, 1700000000, 1700000000)",
            [],
        )
        .unwrap();
    }
    let mut store = Store::open(&path, &ks).unwrap();
    let v: u32 = store.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let (page, next) = history_page(store.conn(), 10, None).unwrap();
    assert_eq!((page.len(), page[0].id.as_str(), page[0].amount, next), (1, "tx_old", jpy(5000), None));
    let state: String = store.conn().query_row("SELECT state FROM intents WHERE key = 'k1'", [], |r| r.get(0)).unwrap();
    assert_eq!(state, "done");
    store.write(|tx, _| put_sync_value(tx, "events", 7)).unwrap();
    assert_eq!(sync_value(store.conn(), "events").unwrap(), Some(7));
    let plan: String = store
        .conn()
        .query_row("EXPLAIN QUERY PLAN SELECT id FROM transactions WHERE (created_at, seq) < (1, 1) ORDER BY created_at DESC, seq DESC LIMIT 5", [], |r| r.get(3))
        .unwrap();
    assert!(plan.contains("transactions_newest_first"), "{plan}");
}

#[test]
fn refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite3");
    Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
    let ks = FileKeyStore::open(dir.path().join("kek")).unwrap();
    assert!(matches!(Store::open(&path, &ks), Err(StoreError::TooNew { found: 99, .. })));
}

#[test]
fn secrets_are_sealed_at_rest_and_need_the_same_key_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite3");
    let ks = FileKeyStore::open(dir.path().join("kek")).unwrap();
    let mut store = Store::open(&path, &ks).unwrap();
    store.write(|tx, s| put_secret(tx, s, "device_key", b"super-secret-pkcs8")).unwrap();
    assert_eq!(&store.secret("device_key").unwrap().unwrap()[..], b"super-secret-pkcs8");
    assert!(store.secret("nothing").unwrap().is_none());
    let raw: Vec<u8> = store.conn().query_row("SELECT ciphertext FROM secrets", [], |r| r.get(0)).unwrap();
    assert!(!raw.windows(6).any(|w| w == b"secret"));
    drop(store);
    let reopened = Store::open(&path, &ks).unwrap();
    assert_eq!(&reopened.secret("device_key").unwrap().unwrap()[..], b"super-secret-pkcs8");
    let other = FileKeyStore::open(dir.path().join("other")).unwrap();
    assert!(matches!(Store::open(&path, &other), Err(StoreError::KeyStore(KeyStoreError::BadWrappedKey))));
}

#[test]
fn history_pages_newest_first_without_gaps_or_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let ks = FileKeyStore::open(dir.path().join("kek")).unwrap();
    let mut store = Store::open(dir.path().join("w.sqlite3"), &ks).unwrap();
    store
        .write(|tx, _| {
            for i in 0..25 {
                // Several share a timestamp: the sequence number breaks the tie.
                insert_transaction(tx, &tx_record(&format!("t{i:02}"), 1_000 + i / 3))?;
            }
            assert!(!insert_transaction(tx, &tx_record("t00", 5))?, "ids are unique");
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let (page, next) = history_page(store.conn(), 10, cursor).unwrap();
        seen.extend(page.into_iter().map(|t| t.id));
        match next {
            Some(c) => cursor = Some(HistoryCursor::decode(&c.encode()).unwrap()),
            None => break,
        }
    }
    let expected: Vec<String> = (0..25).rev().map(|i| format!("t{i:02}")).collect();
    assert_eq!(seen, expected);
}

#[test]
fn intents_move_from_pending_once() {
    let dir = tempfile::tempdir().unwrap();
    let ks = FileKeyStore::open(dir.path().join("kek")).unwrap();
    let mut store = Store::open(dir.path().join("w.sqlite3"), &ks).unwrap();
    let intent = Intent {
        key: "k".into(),
        kind: "payment".into(),
        path: "/v1/payments".into(),
        body: b"{\"a\":1}".to_vec(),
        context: json!({}),
        state: IntentState::Pending,
        outcome: None,
        created_at: 1,
    };
    store.write(|tx, s| insert_intent(tx, s, &intent)).unwrap();
    assert_eq!(pending_intents(store.conn(), store.sealer()).unwrap(), vec![intent.clone()]);
    let raw: Vec<u8> = store.conn().query_row("SELECT body FROM intents", [], |r| r.get(0)).unwrap();
    assert!(!raw.windows(5).any(|w| w == b"\"a\":1"), "intent bodies are sealed at rest");
    assert!(!format!("{intent:?}").contains("a\\\":1"));
    store.write(|tx, _| finish_intent(tx, "k", IntentState::Done, &json!({"id": "tx"}), 2)).unwrap();
    assert!(pending_intents(store.conn(), store.sealer()).unwrap().is_empty());
    assert!(store.write(|tx, _| finish_intent(tx, "k", IntentState::Refused, &json!({}), 3)).is_err());
    assert_eq!(intent_state(&store, "k"), IntentState::Done);
}

fn intent_state(store: &Store, key: &str) -> IntentState {
    intent(store.conn(), store.sealer(), key).unwrap().unwrap().state
}

#[test]
fn a_late_replayed_balance_does_not_overwrite_a_newer_one() {
    let dir = tempfile::tempdir().unwrap();
    let ks = FileKeyStore::open(dir.path().join("kek")).unwrap();
    let mut store = Store::open(dir.path().join("w.sqlite3"), &ks).unwrap();
    let jpy_cur = Currency::from_alpha("JPY").unwrap();
    store.write(|tx, _| put_balance(tx, jpy(500), 200)).unwrap();
    store.write(|tx, _| put_balance(tx, jpy(900), 100)).unwrap();
    assert_eq!(balance(store.conn(), jpy_cur).unwrap(), Some((jpy(500), 200)));
    // A fresh read from the host wins even if the phone's clock is behind the host's.
    store.write(|tx, _| put_current_balance(tx, jpy(700), 150)).unwrap();
    assert_eq!(balance(store.conn(), jpy_cur).unwrap(), Some((jpy(700), 200)));
}
