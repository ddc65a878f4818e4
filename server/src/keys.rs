//! The instance secret key: from `GATEHOUSE_SECRET_KEY`, or made once and kept in the data dir.

use crate::config::Config;
use directory::SecretKey;
use std::io::Write;
use std::path::Path;

const KEY_FILE: &str = "secret.key";

/// Returns the configured key, or reads the data dir's key file, creating it (mode 0600)
/// on first start.
pub fn load_or_create(config: &Config) -> Result<SecretKey, String> {
    if let Some(key) = &config.secret_key {
        return Ok(key.clone());
    }
    create_private_dir(&config.data_dir).map_err(|e| {
        format!(
            "GATEHOUSE_DATA_DIR: cannot create {}: {e}",
            config.data_dir.display()
        )
    })?;
    let path = config.data_dir.join(KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => SecretKey::from_base64(&text).map_err(|m| format!("{}: {m}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(&path),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The data dir holds the instance key, TLS keys and avatars: the owner's alone (0700) when
/// we make it; an existing folder is left as its admin set it.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

fn create(path: &Path) -> Result<SecretKey, String> {
    let key = SecretKey::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(key.to_base64().as_bytes())
                .and_then(|_| file.sync_all())
                .map_err(|e| format!("{}: {e}", path.display()))?;
            tracing::info!(path = %path.display(), "generated the instance secret key");
            Ok(key)
        }
        // Another process created it between our read and our write: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            SecretKey::from_base64(&text).map_err(|m| format!("{}: {m}", path.display()))
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}
