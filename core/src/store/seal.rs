//! Sealing secrets: a random data key, wrapped by the platform's [`KeyStore`], seals each
//! secret with AES-256-GCM.

use std::fmt;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

/// Length of the data key and of a software key-encryption key.
pub const KEY_LEN: usize = 32;

/// Why the platform key store failed.
#[derive(Debug, thiserror::Error)]
pub enum KeyStoreError {
    /// The platform refused or is unavailable (locked keychain, missing key, …).
    #[error("key store unavailable: {0}")]
    Unavailable(String),
    /// A wrapped key does not unwrap: wrong key store or damaged data.
    #[error("wrapped key does not unwrap")]
    BadWrappedKey,
    /// The random number generator failed.
    #[error("random number generator failed")]
    Rng,
}

/// The platform service that protects the data key: Android Keystore and the iOS Keychain in
/// the apps, [`FileKeyStore`] for the CLI and tests.
pub trait KeyStore: Send + Sync {
    /// Wraps (encrypts) a data key for storage next to the database.
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, KeyStoreError>;
    /// Unwraps a key produced by [`KeyStore::wrap`].
    fn unwrap(&self, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyStoreError>;
}

/// A software key store: a key-encryption key in a file readable only by its owner.
pub struct FileKeyStore {
    path: PathBuf,
    kek: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for FileKeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileKeyStore").field("path", &self.path).field("kek", &"<redacted>").finish()
    }
}

const WRAP_AAD: &[u8] = b"koban-data-key-v1";

impl FileKeyStore {
    /// Opens the key file, creating it (mode 0600) with a fresh random key if it is missing.
    pub fn open(path: impl AsRef<Path>) -> Result<FileKeyStore, KeyStoreError> {
        let path = path.as_ref().to_path_buf();
        let io = |e: std::io::Error| KeyStoreError::Unavailable(format!("{}: {e}", path.display()));
        let kek = match std::fs::File::open(&path) {
            Ok(mut f) => {
                let mut buf = Zeroizing::new(Vec::with_capacity(KEY_LEN));
                f.read_to_end(&mut buf).map_err(io)?;
                if buf.len() != KEY_LEN {
                    return Err(KeyStoreError::Unavailable(format!("{}: not a {KEY_LEN}-byte key", path.display())));
                }
                buf
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = random_key()?;
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                let mut f = opts.open(&path).map_err(io)?;
                f.write_all(&key).map_err(io)?;
                f.sync_all().map_err(io)?;
                key
            }
            Err(e) => return Err(io(e)),
        };
        Ok(FileKeyStore { path, kek })
    }
}

impl KeyStore for FileKeyStore {
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        seal_with(&self.kek, WRAP_AAD, data_key).map_err(|_| KeyStoreError::Rng)
    }

    fn unwrap(&self, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
        open_with(&self.kek, WRAP_AAD, wrapped).ok_or(KeyStoreError::BadWrappedKey)
    }
}

pub(crate) fn random_key() -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
    let mut key = Zeroizing::new(vec![0u8; KEY_LEN]);
    SystemRandom::new().fill(&mut key).map_err(|_| KeyStoreError::Rng)?;
    Ok(key)
}

fn aead_key(key: &[u8]) -> Option<LessSafeKey> {
    UnboundKey::new(&AES_256_GCM, key).ok().map(LessSafeKey::new)
}

/// `nonce || ciphertext || tag` under `key`.
fn seal_with(key: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, ()> {
    let key = aead_key(key).ok_or(())?;
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new().fill(&mut nonce).map_err(|_| ())?;
    let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + 16);
    out.extend_from_slice(&nonce);
    let mut buf = plaintext.to_vec();
    key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad), &mut buf).map_err(|_| ())?;
    out.extend_from_slice(&buf);
    buf.iter_mut().for_each(|b| *b = 0);
    Ok(out)
}

fn open_with(key: &[u8], aad: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if sealed.len() < NONCE_LEN + 16 {
        return None;
    }
    let key = aead_key(key)?;
    let nonce = Nonce::try_assume_unique_for_key(&sealed[..NONCE_LEN]).ok()?;
    let mut buf = Zeroizing::new(sealed[NONCE_LEN..].to_vec());
    let len = key.open_in_place(nonce, Aad::from(aad), &mut buf).ok()?.len();
    buf.truncate(len);
    Some(buf)
}

/// The unwrapped data key, sealing and opening named secrets.
pub struct Sealer {
    key: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealer(<redacted>)")
    }
}

impl Sealer {
    /// A sealer over an unwrapped data key.
    pub fn new(key: Zeroizing<Vec<u8>>) -> Sealer {
        Sealer { key }
    }

    /// Seals `secret`, binding it to `name` so a ciphertext cannot be moved to another name.
    pub fn seal(&self, name: &str, secret: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        seal_with(&self.key, name.as_bytes(), secret).map_err(|_| KeyStoreError::Rng)
    }

    /// Opens a secret sealed under `name`; `None` if it was damaged or sealed under another key.
    pub fn open(&self, name: &str, sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        open_with(&self.key, name.as_bytes(), sealed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_key_store_wraps_across_reopen_and_is_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kek");
        let ks = FileKeyStore::open(&path).unwrap();
        let wrapped = ks.wrap(b"0123456789abcdef0123456789abcdef").unwrap();
        let again = FileKeyStore::open(&path).unwrap();
        assert_eq!(&again.unwrap(&wrapped).unwrap()[..], b"0123456789abcdef0123456789abcdef");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let other = FileKeyStore::open(dir.path().join("other")).unwrap();
        assert!(matches!(other.unwrap(&wrapped), Err(KeyStoreError::BadWrappedKey)));
        assert!(!format!("{ks:?}").contains(&format!("{:?}", &ks.kek[..4])));
    }

    #[test]
    fn sealed_secrets_are_bound_to_their_name() {
        let s = Sealer::new(random_key().unwrap());
        let c = s.seal("a", b"secret").unwrap();
        assert_eq!(&s.open("a", &c).unwrap()[..], b"secret");
        assert!(s.open("b", &c).is_none());
        let mut damaged = c.clone();
        *damaged.last_mut().unwrap() ^= 1;
        assert!(s.open("a", &damaged).is_none());
        assert_eq!(format!("{s:?}"), "Sealer(<redacted>)");
    }
}
