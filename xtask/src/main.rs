//! xtask: project automation, run as `cargo xtask <task>`.
//!
//! - `ci`: everything CI checks, installing what the tests need (the README's test command and
//!   what `.ci/run` calls): fmt, clippy `-D warnings`, the Python helpers, all tests, doctests.
//! - `fixtures`: writes the Avro fixtures of the current schema version that are missing.
//! - `python`: installs the Python test helpers and prints the interpreter path.
//! - `broker`: installs the test broker if missing and runs it in the foreground, printing the
//!   address to put in `SARFLOW_TEST_KAFKA_BROKERS`.
//!
//! The tidy checks (crate DAG, docs, test hygiene) are ordinary tests of this crate (`tidy.rs`),
//! so `cargo nextest run --workspace` runs them too.

#![allow(clippy::print_stderr, clippy::print_stdout)] // a command-line tool for developers

mod broker;
mod tidy;

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use anyhow::{Context, bail};

fn main() -> anyhow::Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    let root = workspace_root();
    match task.as_str() {
        "ci" => ci(&root),
        "fixtures" => fixtures(&root),
        "python" => {
            let python = python_helpers(&root)?;
            println!("{}", python.display());
            Ok(())
        }
        "broker" => run_broker(&root),
        _ => bail!("usage: cargo xtask <ci|fixtures|python|broker>"),
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn ci(root: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    step("format", || {
        run(root, "cargo", &["fmt", "--all", "--check"], &[])
    })?;
    step("clippy", || {
        run(
            root,
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
            &[],
        )
    })?;
    let python = step("python helpers", || python_helpers(root))?;
    step("build binaries", || {
        run(
            root,
            "cargo",
            &["build", "--workspace", "--bins", "--locked"],
            &[],
        )
    })?;
    let broker_binary = step("test broker install", || {
        broker::ensure_installed(root, &broker_install_dir())
    })?;
    let broker = step("test broker start", || {
        broker::Broker::start(&broker_binary, &root.join("target/tansu.log"))
    })?;
    let brokers = broker.bootstrap();
    eprintln!("== test broker listening on {brokers}");
    let sarflow = root.join("target/debug/sarflow");
    let python_text = python.display().to_string();
    let sarflow_text = sarflow.display().to_string();
    let test_env = [
        ("SARFLOW_TEST_PYTHON", python_text.as_str()),
        ("SARFLOW_BIN", sarflow_text.as_str()),
        ("SARFLOW_TEST_KAFKA_BROKERS", brokers.as_str()),
    ];
    step("tests", || {
        run(
            root,
            "cargo",
            &[
                "nextest",
                "run",
                "--workspace",
                "--locked",
                "--no-fail-fast",
                "--profile",
                "ci",
            ],
            &test_env,
        )
    })?;
    drop(broker);
    step("doctests", || {
        run(
            root,
            "cargo",
            &["test", "--doc", "--locked", "-p", "sar-model"],
            &[],
        )
    })?;
    eprintln!("== ci passed in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Where `cargo install` puts the broker. Reading the environment is fine here: this is `main`'s
/// side of the program, and libraries never do it (clippy.toml).
#[allow(clippy::disallowed_methods)]
fn broker_install_dir() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME").map(PathBuf::from);
    let home = std::env::var_os("HOME").map(PathBuf::from);
    broker::install_dir(cargo_home.as_deref(), home.as_deref())
}

fn run_broker(root: &Path) -> anyhow::Result<()> {
    let binary = broker::ensure_installed(root, &broker_install_dir())?;
    let log_path = root.join("target/tansu.log");
    let broker = broker::Broker::start(&binary, &log_path)?;
    println!("{}", broker.bootstrap());
    eprintln!(
        "test broker running (log: {}); export SARFLOW_TEST_KAFKA_BROKERS={} and press Ctrl-C to stop",
        log_path.display(),
        broker.bootstrap()
    );
    loop {
        std::thread::park();
    }
}

fn fixtures(root: &Path) -> anyhow::Result<()> {
    run(
        root,
        "cargo",
        &[
            "test",
            "-p",
            "sar-schema",
            "--lib",
            "fixtures_of_every_version",
        ],
        &[("SARFLOW_BLESS_FIXTURES", "1")],
    )
}

/// Creates `target/py` (a venv) and installs `tests/py/requirements.txt` into it, once per
/// change of the requirements file.
fn python_helpers(root: &Path) -> anyhow::Result<PathBuf> {
    let venv = root.join("target/py");
    let python = venv.join("bin/python");
    let requirements_path = root.join("tests/py/requirements.txt");
    let requirements = std::fs::read_to_string(&requirements_path)
        .with_context(|| format!("failed to read {}", requirements_path.display()))?;
    let stamp = venv.join("requirements.installed");
    if python.exists() && std::fs::read_to_string(&stamp).is_ok_and(|done| done == requirements) {
        return Ok(python);
    }
    if !python.exists() {
        let venv_text = venv.display().to_string();
        run(root, "python3", &["-m", "venv", &venv_text], &[])?;
    }
    let python_text = python.display().to_string();
    let requirements_text = requirements_path.display().to_string();
    run(
        root,
        &python_text,
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            &requirements_text,
        ],
        &[],
    )?;
    std::fs::write(&stamp, requirements).context("failed to write the venv stamp")?;
    Ok(python)
}

fn step<T>(name: &str, task: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    eprintln!("== {name}");
    let started = Instant::now();
    let result = task().with_context(|| format!("ci step `{name}` failed"));
    eprintln!("== {name}: {:.1} s", started.elapsed().as_secs_f64());
    result
}

fn run(root: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> anyhow::Result<()> {
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root)
        .status()
        .with_context(|| format!("failed to start `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` exited with {status}", args.join(" "));
    }
    Ok(())
}
