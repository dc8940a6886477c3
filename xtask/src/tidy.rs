//! Tidy: conventions enforced by tests (rust-analyzer's `tidy.rs` idea). Run with the workspace
//! tests; each check names the file and line to fix.
//!
//! - The internal crate DAG equals the list in ARCHITECTURE.md (a new edge is an architecture
//!   change: edit both in the same commit).
//! - Heavy dependencies live in exactly one crate; pure crates link no runtime or IO crates.
//! - Every member inherits the workspace lints; every Rust file opens with a `//!` doc.
//! - No should-panic attributes, no ignored tests, no trailing whitespace.
//! - The scoring, gate and routing crates never name protected descriptors.

#![cfg(test)]

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    process::Command,
};

use serde_json::Value;

fn root() -> PathBuf {
    super::workspace_root()
}

struct Member {
    name: String,
    manifest: PathBuf,
    /// (dependency name, is a dev-dependency)
    dependencies: Vec<(String, bool)>,
}

fn members() -> Vec<Member> {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    packages
        .iter()
        .map(|package| Member {
            name: package["name"].as_str().unwrap_or_default().to_owned(),
            manifest: PathBuf::from(package["manifest_path"].as_str().unwrap_or_default()),
            dependencies: package["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|dependency| {
                    (
                        dependency["name"].as_str().unwrap_or_default().to_owned(),
                        dependency["kind"].as_str() == Some("dev"),
                    )
                })
                .collect(),
        })
        .collect()
}

/// Internal edges as `(from, to, dev)`.
fn actual_edges(members: &[Member]) -> BTreeSet<(String, String, bool)> {
    let names: BTreeSet<&str> = members.iter().map(|member| member.name.as_str()).collect();
    let mut edges = BTreeSet::new();
    for member in members {
        for (dependency, dev) in &member.dependencies {
            if names.contains(dependency.as_str()) {
                edges.insert((member.name.clone(), dependency.clone(), *dev));
            }
        }
    }
    edges
}

/// The edges listed in ARCHITECTURE.md between the `tidy:dag` markers, one line per crate:
/// `a -> b, c` for normal dependencies, `a -(dev)-> b` for dev-dependencies.
fn documented_edges() -> BTreeSet<(String, String, bool)> {
    let text =
        std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md exists");
    let start = text
        .find("<!-- tidy:dag:start -->")
        .expect("ARCHITECTURE.md has a tidy:dag:start marker");
    let end = text
        .find("<!-- tidy:dag:end -->")
        .expect("ARCHITECTURE.md has a tidy:dag:end marker");
    let mut edges = BTreeSet::new();
    for line in text[start..end]
        .lines()
        .filter(|line| !line.contains("<!--"))
    {
        let (from, to, dev) = if let Some((from, to)) = line.split_once("-(dev)->") {
            (from, to, true)
        } else if let Some((from, to)) = line.split_once("->") {
            (from, to, false)
        } else {
            continue;
        };
        for target in to.split(',') {
            edges.insert((from.trim().to_owned(), target.trim().to_owned(), dev));
        }
    }
    edges
}

#[test]
fn crate_dag_matches_architecture_md() {
    let actual = actual_edges(&members());
    let documented = documented_edges();
    let undocumented: Vec<_> = actual.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&actual).collect();
    assert!(
        undocumented.is_empty() && stale.is_empty(),
        "internal dependency edges disagree with ARCHITECTURE.md (edit both together)\n\
         in Cargo.toml but not ARCHITECTURE.md: {undocumented:?}\n\
         in ARCHITECTURE.md but not Cargo.toml: {stale:?}"
    );
}

#[test]
fn crate_dag_is_layered() {
    // Services never depend on services, and nothing depends on the binary or the test crates.
    let services = ["sar-intake", "sar-indexer", "sar-queue"];
    let leaves = ["sar-cli", "sar-e2e", "sar-benches", "xtask"];
    for (from, to, dev) in actual_edges(&members()) {
        assert!(
            !leaves.contains(&to.as_str()),
            "{from} depends on {to}, which nothing may depend on"
        );
        if !dev && services.contains(&from.as_str()) {
            assert!(
                !services.contains(&to.as_str()),
                "service {from} depends on service {to}"
            );
        }
    }
}

#[test]
fn heavy_dependencies_live_in_one_crate() {
    let owners: BTreeMap<&str, &str> = [
        ("apache-avro", "sar-schema"),
        ("rdkafka", "sar-bus"),
        ("tantivy", "sar-index"),
        ("rusqlite", "sar-store"),
        ("prometheus", "sar-telemetry"),
        ("tracing-subscriber", "sar-telemetry"),
    ]
    .into_iter()
    .collect();
    let pure = [
        "sar-model",
        "sar-normalize",
        "sar-score",
        "sar-gate",
        "sar-route",
        "sar-synth",
    ];
    let not_in_pure = [
        "tokio",
        "rdkafka",
        "reqwest",
        "hyper",
        "axum",
        "tantivy",
        "rusqlite",
        "apache-avro",
    ];
    for member in members() {
        for (dependency, dev) in &member.dependencies {
            if *dev {
                continue;
            }
            if let Some(owner) = owners.get(dependency.as_str()) {
                assert_eq!(
                    &member.name, owner,
                    "{dependency} may only be used by {owner}"
                );
            }
            if pure.contains(&member.name.as_str()) {
                assert!(
                    !not_in_pure.contains(&dependency.as_str()),
                    "{} is a pure crate and must not depend on {dependency}",
                    member.name
                );
            }
        }
    }
}

#[test]
fn every_member_uses_the_workspace_lints() {
    for member in members() {
        let manifest = std::fs::read_to_string(&member.manifest).expect("manifest readable");
        assert!(
            manifest.contains("[lints]\nworkspace = true"),
            "{}: add `[lints] workspace = true`",
            member.manifest.display()
        );
    }
}

fn rust_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for top in ["crates", "tests", "benches", "xtask"] {
        collect_rust_files(&root().join(top), &mut files);
    }
    files
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rust_files(&path, out);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let undocumented: Vec<String> = rust_files()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        undocumented.is_empty(),
        "files without a `//!` module doc: {undocumented:#?}"
    );
}

#[test]
fn no_should_panic_ignore_or_trailing_whitespace() {
    let should_panic = concat!("#[should", "_panic");
    let ignore = concat!("#[ig", "nore");
    let mut problems = Vec::new();
    for path in rust_files() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (line_idx, line) in text.lines().enumerate() {
            let location = format!("{}:{}", path.display(), line_idx + 1);
            if line.contains(should_panic) {
                problems.push(format!(
                    "{location}: assert on the Err instead of should_panic"
                ));
            }
            if line.trim_start().starts_with(ignore) {
                problems.push(format!(
                    "{location}: no ignored tests; print a skip notice instead"
                ));
            }
            if line.ends_with(' ') || line.ends_with('\t') {
                problems.push(format!("{location}: trailing whitespace"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn scoring_gate_and_routing_never_name_protected_descriptors() {
    let forbidden = ["ProtectedDescriptors", ".descriptors", "IntakeDescriptors"];
    for crate_name in ["sar-score", "sar-gate", "sar-route"] {
        let mut files = Vec::new();
        collect_rust_files(&root().join("crates").join(crate_name), &mut files);
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for word in forbidden {
                assert!(
                    !text.contains(word),
                    "{} names `{word}`: protected descriptors are never an input",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn architecture_md_maps_every_crate() {
    let text =
        std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md exists");
    for member in members() {
        assert!(
            text.contains(&format!("### `{}`", member.name)),
            "ARCHITECTURE.md has no codemap heading \"### `{}`\"",
            member.name
        );
    }
}
