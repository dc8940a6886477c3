//! sar-e2e harness: locate the `sarflow` binary and the Python test helpers, run commands,
//! make scratch directories. Used by the one test binary in `e2e/`.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
    sync::OnceLock,
};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A path from the environment (only this harness and binaries' `main` read it); a relative path
/// is taken from the workspace root, since tests run in their package's directory.
#[allow(clippy::disallowed_methods)]
fn env_path(name: &str) -> Option<PathBuf> {
    let value = std::env::var(name).ok().filter(|value| !value.is_empty())?;
    Some(workspace_root().join(value))
}

/// The `sarflow` binary: `SARFLOW_BIN` (set by `cargo xtask ci`), else built once with cargo.
pub fn sarflow_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(path) = env_path("SARFLOW_BIN") {
            return path;
        }
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "sar-cli", "--bin", "sarflow"])
            .current_dir(workspace_root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "failed to build sarflow");
        workspace_root().join("target/debug/sarflow")
    })
    .clone()
}

/// Runs `sarflow` with `args`; returns its output (asserting nothing).
pub fn sarflow(args: &[&str]) -> Output {
    Command::new(sarflow_bin())
        .args(args)
        .output()
        .expect("sarflow starts")
}

/// Runs `sarflow` and asserts it succeeded; returns stdout.
pub fn sarflow_ok(args: &[&str]) -> Vec<u8> {
    let output = sarflow(args);
    assert!(
        output.status.success(),
        "sarflow {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The Python interpreter with the test helpers (`SARFLOW_TEST_PYTHON`, set by `cargo xtask ci`).
/// `None` prints a skip notice: run `cargo xtask ci`, or point the variable at `cargo xtask python`.
#[allow(clippy::print_stderr)] // the skip notice is for the person running the tests
pub fn python(test: &str) -> Option<PathBuf> {
    match env_path("SARFLOW_TEST_PYTHON") {
        Some(path) => Some(path),
        None => {
            eprintln!("skip {test}: SARFLOW_TEST_PYTHON is not set (cargo xtask ci sets it)");
            None
        }
    }
}

/// The test broker's bootstrap servers (`SARFLOW_TEST_KAFKA_BROKERS`, set by `cargo xtask ci`,
/// which installs and starts it). `None` prints a skip notice.
#[allow(clippy::print_stderr, clippy::disallowed_methods)] // the skip notice; the harness reads env
pub fn kafka_brokers(test: &str) -> Option<String> {
    match std::env::var("SARFLOW_TEST_KAFKA_BROKERS") {
        Ok(brokers) if !brokers.is_empty() => Some(brokers),
        _ => {
            eprintln!(
                "skip {test}: SARFLOW_TEST_KAFKA_BROKERS is not set (cargo xtask ci starts a broker and sets it)"
            );
            None
        }
    }
}

/// Runs a helper script from `tests/py/` and parses the JSON it prints.
pub fn python_json(python: &Path, script: &str, args: &[&str]) -> serde_json::Value {
    let output = Command::new(python)
        .arg(workspace_root().join("tests/py").join(script))
        .args(args)
        .output()
        .expect("python starts");
    assert!(
        output.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{script} printed no JSON ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// A fresh scratch directory under `target/e2e/<name>`.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = workspace_root().join("target/e2e").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}
