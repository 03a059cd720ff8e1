//! The CLI's home folders (a wallet's, a till's): only their owner may read them, since they
//! hold payment tokens, keys, names and history.

use std::path::Path;

/// Creates `home` 0700, or tightens it when it exists, and tightens each of `files` (left
/// 0644 by an older build) to 0600; files that do not exist yet are skipped.
pub fn private_home(home: &Path, files: &[&str]) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(home)?;
        let owner_only = |path: &Path, mode: u32| -> std::io::Result<()> {
            let meta = std::fs::metadata(path)?;
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
            }
            Ok(())
        };
        owner_only(home, 0o700)?;
        for name in files {
            match owner_only(&home.join(name), 0o600) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                other => other?,
            }
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        let _ = files;
        std::fs::create_dir_all(home)
    }
}

/// Writes a file only its owner can read, replacing it atomically.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp)?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.sync_all()?;
    std::fs::rename(tmp, path)
}
