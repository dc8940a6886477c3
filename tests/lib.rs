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

/// A free TCP port on loopback (bound, then released: another process could take it first,
/// which the tests accept as unlikely).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

/// Polls `condition` every 50 ms until it holds; panics naming `what` after `limit`.
pub fn wait_for(what: &str, limit: std::time::Duration, mut condition: impl FnMut() -> bool) {
    let started = std::time::Instant::now();
    while !condition() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// GET http://127.0.0.1:port/path over a plain TCP socket (no HTTP client in this crate).
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1.to_owned();
    Some((status, body))
}

/// The value of a metric sample (`name{labels} value`) summed over label sets that contain
/// every one of `labels`.
pub fn metric(port: u16, name: &str, labels: &[&str]) -> f64 {
    let Some((200, body)) = http_get(port, "/metrics") else {
        return 0.0;
    };
    body.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| {
            line.split(['{', ' ']).next() == Some(name)
                && labels.iter().all(|label| line.contains(label))
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// A `sarflow` process with its stdout and stderr in files, killed (SIGKILL) when dropped.
pub struct Spawned {
    child: std::process::Child,
    name: String,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Spawned {
    /// Starts `sarflow args` with `env` added; stdout goes to `<log>.out`, stderr (RUST_LOG=info)
    /// to `<log>.log`.
    pub fn start(name: &str, args: &[&str], env: &[(&str, &str)], log: &Path) -> Self {
        let stdout = log.with_extension("out");
        let stderr = log.with_extension("log");
        let child = Command::new(sarflow_bin())
            .args(args)
            .envs(env.iter().copied())
            .env("RUST_LOG", "info")
            .stdin(std::process::Stdio::null())
            .stdout(std::fs::File::create(&stdout).expect("stdout file"))
            .stderr(std::fs::File::create(&stderr).expect("stderr file"))
            .spawn()
            .expect("sarflow starts");
        Self {
            child,
            name: name.to_owned(),
            stdout,
            stderr,
        }
    }

    /// Panics with the end of its log if the process has exited.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("{} exited with {status}:\n{}", self.name, self.log_tail());
        }
    }

    /// The last 4,000 bytes of its stderr.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.stderr).unwrap_or_default();
        let start = log.len().saturating_sub(4_000);
        let start = (start..log.len())
            .find(|idx| log.is_char_boundary(*idx))
            .unwrap_or(log.len());
        log[start..].to_owned()
    }

    /// SIGKILL, and wait.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then the exit status and what it printed on stdout.
    pub fn terminate(&mut self) -> (std::process::ExitStatus, String) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "failed to signal {}", self.name);
        self.wait()
    }

    /// Waits for it to exit; the exit status and what it printed on stdout.
    pub fn wait(&mut self) -> (std::process::ExitStatus, String) {
        let status = self.child.wait().expect("wait for sarflow");
        let stdout = std::fs::read_to_string(&self.stdout).unwrap_or_default();
        (status, stdout)
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            #[allow(clippy::print_stderr)] // tells the person running the tests what was left
            {
                eprintln!("stopping {}", self.name);
            }
            self.kill();
        }
    }
}
