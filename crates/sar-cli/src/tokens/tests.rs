//! Tests of the token secret: created once, private to its owner, never too short.

#![allow(clippy::unwrap_used)]

use super::*;

#[test]
fn the_generated_secret_is_created_once_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let first = data_dir_secret(dir.path()).unwrap();
    let second = data_dir_secret(dir.path()).unwrap();
    assert_eq!(first, second);
    assert_eq!(first.len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join(SECRET_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "only the owner may read the secret");
    }
}

#[test]
fn a_short_configured_secret_is_refused() {
    let mut config = RunConfig::default();
    config.auth.token_secret = Some(sar_config::Secret::new("short".to_owned()));
    assert!(token_keys(&config).is_err());
}
