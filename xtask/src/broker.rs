//! The test broker: tansu 0.6.0, a Kafka-protocol broker written in Rust (see
//! `shared/design/environment.md`: no JVM Kafka and no Docker engine on these machines).
//!
//! `ensure_installed` runs `cargo install` with the pinned version and features when the binary
//! is missing or another version; `Broker::start` runs it on a free loopback port with in-memory
//! storage and waits until it accepts connections. The broker is stopped when the guard drops.

use std::{
    fs::File,
    net::{SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

/// The pinned broker version; 0.6.0 is the last release that builds with rustc 1.95.
const TANSU_VERSION: &str = "0.6.0";
/// `dynostore` is needed by the in-memory storage engine, `libsql` by its default build.
const TANSU_FEATURES: &str = "dynostore,libsql";
/// How long a fresh broker may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Where `cargo install` puts binaries: `$CARGO_HOME/bin`, else `~/.cargo/bin`.
pub(crate) fn install_dir(cargo_home: Option<&Path>, home: Option<&Path>) -> PathBuf {
    match (cargo_home, home) {
        (Some(cargo_home), _) => cargo_home.join("bin"),
        (None, Some(home)) => home.join(".cargo/bin"),
        (None, None) => PathBuf::from(".cargo/bin"),
    }
}

/// Installs the pinned tansu unless it is already there; returns the binary's path.
pub(crate) fn ensure_installed(root: &Path, bin_dir: &Path) -> anyhow::Result<PathBuf> {
    let binary = bin_dir.join("tansu");
    if installed_version(&binary).as_deref() == Some(TANSU_VERSION) {
        return Ok(binary);
    }
    eprintln!(
        "== installing the test broker tansu {TANSU_VERSION} (once per machine; about 20 minutes on 2 cores)"
    );
    let status = Command::new("cargo")
        .args([
            "install",
            "tansu",
            "--version",
            TANSU_VERSION,
            "--locked",
            "--features",
            TANSU_FEATURES,
        ])
        .current_dir(root)
        .status()
        .context("failed to start `cargo install tansu`")?;
    if !status.success() {
        bail!("`cargo install tansu --version {TANSU_VERSION}` exited with {status}");
    }
    match installed_version(&binary) {
        Some(version) if version == TANSU_VERSION => Ok(binary),
        other => bail!(
            "tansu at {} reports version {other:?} after installing {TANSU_VERSION}",
            binary.display()
        ),
    }
}

/// The version `tansu --version` prints (`tansu 0.6.0` -> `0.6.0`), or `None` if it cannot run.
fn installed_version(binary: &Path) -> Option<String> {
    let output = Command::new(binary).arg("--version").output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace().last().map(str::to_owned)
}

/// A running broker; killed when dropped.
pub(crate) struct Broker {
    child: Child,
    address: SocketAddr,
}

impl Broker {
    /// Starts the broker on a free loopback port, logging to `log_path`, and waits until it
    /// accepts TCP connections.
    pub(crate) fn start(binary: &Path, log_path: &Path) -> anyhow::Result<Self> {
        let address = free_loopback_address()?;
        let url = format!("tcp://{address}");
        let log = File::create(log_path)
            .with_context(|| format!("failed to create {}", log_path.display()))?;
        let log_err = log.try_clone().context("failed to share the broker log")?;
        let child = Command::new(binary)
            .args([
                "broker",
                "--listener-url",
                &url,
                "--advertised-listener-url",
                &url,
                "--storage-engine",
                "memory://tansu/",
            ])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .with_context(|| format!("failed to start {}", binary.display()))?;
        let mut broker = Self { child, address };
        broker.wait_until_listening(log_path)?;
        Ok(broker)
    }

    /// `host:port` for Kafka clients.
    pub(crate) fn bootstrap(&self) -> String {
        self.address.to_string()
    }

    fn wait_until_listening(&mut self, log_path: &Path) -> anyhow::Result<()> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().context("failed to poll the broker")? {
                bail!(
                    "the test broker exited with {status} before listening; see {}",
                    log_path.display()
                );
            }
            if TcpStream::connect_timeout(&self.address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                bail!(
                    "the test broker did not listen on {} within {START_TIMEOUT:?}; see {}",
                    self.address,
                    log_path.display()
                );
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        // Best effort: the broker keeps nothing on disk (memory storage).
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_loopback_address() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("failed to find a free port")?;
    listener
        .local_addr()
        .context("failed to read the free port")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_dir_prefers_cargo_home() {
        let cargo_home = Path::new("/opt/cargo");
        let home = Path::new("/home/dev");
        assert_eq!(
            install_dir(Some(cargo_home), Some(home)),
            PathBuf::from("/opt/cargo/bin")
        );
        assert_eq!(
            install_dir(None, Some(home)),
            PathBuf::from("/home/dev/.cargo/bin")
        );
    }

    #[test]
    fn a_missing_binary_has_no_version() {
        assert_eq!(installed_version(Path::new("/nonexistent/tansu")), None);
    }
}
