//! `sarflow tokens issue`: bearer tokens for officers, analysts, supervisors, privacy officers and
//! auditors of a deployment (or a demo), signed with the deployment's token secret. The secret is
//! `auth.token_secret` from the config, or a random one kept in `<data_dir>/token.secret`.

use std::{io::Write, path::Path, path::PathBuf, time::Duration};

use anyhow::Context as _;
use sar_http::TokenKeys;
use sar_model::access::{Caller, Role};

use crate::{
    Context,
    config::{self, RunConfig},
};

/// File name of the generated token secret in the data directory.
const SECRET_FILE: &str = "token.secret";

/// `sarflow tokens ...`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum TokensCommand {
    /// Print a signed bearer token for one user.
    Issue(IssueArgs),
}

/// Arguments of `sarflow tokens issue`.
#[derive(Debug, clap::Args)]
pub(crate) struct IssueArgs {
    /// Config file of the deployment (the `run` service's: data_dir and auth.token_secret).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Data directory holding the generated secret (default ./sarflow-data).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// officer | analyst | supervisor | privacy_officer | auditor.
    #[arg(long)]
    role: String,
    /// User id written to the audit trail (not a name).
    #[arg(long)]
    subject: String,
    /// Agency (ORI) of the user.
    #[arg(long)]
    agency: String,
    /// A jurisdiction the user works; repeat for several; `*` for statewide.
    #[arg(long = "jurisdiction", required = true)]
    jurisdictions: Vec<String>,
    /// Grant need-to-know on PII (only honoured for analysts, supervisors and privacy officers).
    #[arg(long)]
    pii: bool,
    /// Lifetime, e.g. `8h`, `30m`, `7d`.
    #[arg(long, default_value = "8h", value_parser = sar_config::parse_duration)]
    ttl: Duration,
}

pub(crate) fn tokens(
    command: &TokensCommand,
    context: &Context,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    let TokensCommand::Issue(args) = command;
    let mut config: RunConfig = config::load("run", args.config.as_deref(), &context.env)?;
    if let Some(data_dir) = &args.data_dir {
        config.data_dir.clone_from(data_dir);
    }
    let role = Role::parse(&args.role)
        .filter(|role| *role != Role::Partner)
        .with_context(|| {
            format!(
                "unknown role `{}` (officer, analyst, supervisor, privacy_officer, auditor; partners get API keys from `sarflow keys issue`)",
                args.role
            )
        })?;
    let keys = token_keys(&config)?;
    let caller = Caller {
        subject: args.subject.clone(),
        role,
        agency: args.agency.clone(),
        jurisdictions: args.jurisdictions.clone(),
        pii: args.pii,
    };
    let token = keys
        .issue(&caller, args.ttl, crate::unix_now())
        .context("failed to sign the token")?;
    writeln!(output, "{token}")?;
    Ok(())
}

/// The deployment's token keys: the configured secret, or the one kept in the data directory
/// (created on first use).
pub(crate) fn token_keys(config: &RunConfig) -> anyhow::Result<TokenKeys> {
    if let Some(secret) = &config.auth.token_secret {
        anyhow::ensure!(
            secret.expose().len() >= 32,
            "auth.token_secret must be at least 32 bytes"
        );
        return Ok(TokenKeys::new(secret.expose().as_bytes()));
    }
    let secret = data_dir_secret(&config.data_dir)?;
    Ok(TokenKeys::new(secret.as_bytes()))
}

fn data_dir_secret(data_dir: &Path) -> anyhow::Result<String> {
    let path = data_dir.join(SECRET_FILE);
    match std::fs::read_to_string(&path) {
        Ok(secret) if secret.trim().len() >= 32 => return Ok(secret.trim().to_owned()),
        Ok(_) => anyhow::bail!("{} is shorter than 32 bytes", path.display()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(error).with_context(|| format!("failed to read {}", path.display()));
        }
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("failed to create {}", data_dir.display()))?;
    let mut bytes = [0_u8; 32];
    rand::Rng::fill(&mut rand::rng(), &mut bytes);
    let secret = hex::encode(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    match options.open(&path) {
        Ok(mut file) => {
            file.write_all(secret.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("failed to write {}", path.display()))?;
            Ok(secret)
        }
        // Another process created it first: use theirs.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            data_dir_secret(data_dir)
        }
        Err(error) => Err(error).with_context(|| format!("failed to create {}", path.display())),
    }
}

#[cfg(test)]
mod tests;
