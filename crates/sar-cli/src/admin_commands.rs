//! Operator commands on a deployment's store: `sarflow keys issue` (partner API keys, stored
//! only as argon2 hashes), `sarflow ledger verify` (the intake ledger is gap-free and its hash
//! chain intact, T-30) and `sarflow audit verify` (the audit trail's hash chain, T-23).

use std::{io::Write, path::PathBuf};

use anyhow::Context as _;
use sar_store::{ChainVerification, Journal};
use serde::Serialize;

use crate::{
    Context, Outcome,
    config::{self, RunConfig},
};

/// Where a store command finds the store.
#[derive(Debug, clap::Args)]
pub(crate) struct StoreArgs {
    /// Config file of the deployment (the `run` service's data_dir).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Data directory (default ./sarflow-data).
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

impl StoreArgs {
    fn open(&self, context: &Context) -> anyhow::Result<Journal> {
        let mut config: RunConfig = config::load("run", self.config.as_deref(), &context.env)?;
        if let Some(data_dir) = &self.data_dir {
            config.data_dir.clone_from(data_dir);
        }
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("failed to create {}", config.data_dir.display()))?;
        let path = config.data_dir.join(crate::run::STORE_FILE);
        Journal::open(&path).with_context(|| format!("failed to open {}", path.display()))
    }
}

/// `sarflow keys ...`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum KeysCommand {
    /// Issue an API key and a batch signing key for a partner; prints them once.
    Issue(KeyIssueArgs),
}

/// Arguments of `sarflow keys issue`.
#[derive(Debug, clap::Args)]
pub(crate) struct KeyIssueArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Partner id (lowercase letters, digits, `-`, `_`).
    #[arg(long)]
    partner: String,
    /// The jurisdiction the partner reports in.
    #[arg(long)]
    jurisdiction: String,
}

/// What `keys issue` prints: the only time the secrets are shown.
#[derive(Debug, Serialize)]
struct IssuedKey<'a> {
    partner: &'a str,
    key_id: &'a str,
    /// The `Authorization` header value for feed batches.
    authorization: String,
    /// Hex HMAC-SHA256 key for `X-Sarflow-Signature`.
    signing_key: &'a str,
}

pub(crate) fn keys(
    command: &KeysCommand,
    context: &Context,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    let KeysCommand::Issue(args) = command;
    let mut store = args.store.open(context)?;
    let key = sar_intake::issue_partner_key(&mut store, &args.partner, &args.jurisdiction)
        .context("failed to issue the partner key")?;
    let issued = IssuedKey {
        partner: &args.partner,
        key_id: &key.key_id,
        authorization: key.authorization(),
        signing_key: &key.signing_key,
    };
    writeln!(output, "{}", serde_json::to_string(&issued)?)?;
    Ok(())
}

/// `sarflow ledger ...`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum LedgerCommand {
    /// Prove the intake ledger has no gap and an intact hash chain; exits 1 when it does not.
    Verify(StoreArgs),
}

/// `sarflow audit ...`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum AuditCommand {
    /// Check the audit trail's hash chain; exits 1 when it is broken or has a gap.
    Verify(StoreArgs),
}

/// What a verify command prints.
#[derive(Debug, Serialize)]
struct VerifyReport {
    log: &'static str,
    ok: bool,
    entries: u64,
    last_seq: u64,
    gaps: Vec<(u64, u64)>,
    broken_links: Vec<u64>,
}

fn report(
    log: &'static str,
    verification: ChainVerification,
    output: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let ok = verification.is_ok();
    let line = VerifyReport {
        log,
        ok,
        entries: verification.entries,
        last_seq: verification.last_seq,
        gaps: verification.gaps,
        broken_links: verification.broken_links,
    };
    writeln!(output, "{}", serde_json::to_string(&line)?)?;
    Ok(if ok {
        Outcome::Success
    } else {
        Outcome::VerifyFailed
    })
}

pub(crate) fn ledger(
    command: &LedgerCommand,
    context: &Context,
    output: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let LedgerCommand::Verify(args) = command;
    let store = args.open(context)?;
    let verification = store.verify_ledger().context("failed to read the ledger")?;
    report("ledger", verification, output)
}

pub(crate) fn audit(
    command: &AuditCommand,
    context: &Context,
    output: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let AuditCommand::Verify(args) = command;
    let store = args.open(context)?;
    let verification = store
        .verify_audit()
        .context("failed to read the audit trail")?;
    report("audit", verification, output)
}
