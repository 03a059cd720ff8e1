//! Named secrets (the device key and the like), sealed under the data key.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use zeroize::Zeroizing;

use super::{Sealer, StoreError};

/// Seals and stores `secret` under `name`, replacing any previous value.
pub fn put_secret(tx: &Transaction<'_>, sealer: &Sealer, name: &str, secret: &[u8]) -> Result<(), StoreError> {
    let sealed = sealer.seal(name, secret)?;
    let (nonce, ciphertext) = sealed.split_at(ring::aead::NONCE_LEN);
    tx.execute(
        "INSERT INTO secrets (name, nonce, ciphertext) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext",
        params![name, nonce, ciphertext],
    )?;
    Ok(())
}

/// Opens the secret stored under `name`.
pub fn get_secret(conn: &Connection, sealer: &Sealer, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
    let row: Option<(Vec<u8>, Vec<u8>)> = conn
        .query_row("SELECT nonce, ciphertext FROM secrets WHERE name = ?1", [name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((mut sealed, ciphertext)) = row else { return Ok(None) };
    sealed.extend_from_slice(&ciphertext);
    sealer.open(name, &sealed).map(Some).ok_or_else(|| StoreError::BadSecret(name.to_owned()))
}

/// Deletes the secret stored under `name`; true if there was one.
pub fn delete_secret(tx: &Transaction<'_>, name: &str) -> Result<bool, StoreError> {
    Ok(tx.execute("DELETE FROM secrets WHERE name = ?1", [name])? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{FileKeyStore, KeyStoreError, Store};

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
}
