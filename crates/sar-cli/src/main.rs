//! The `sarflow` binary: read the environment, build the runtime, parse the command line, run,
//! map errors to an exit code. The only place that reads the process environment.

use std::io::Write;

use anyhow::Context as _;
use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = sar_cli::Cli::parse();
    let result = context().and_then(|context| {
        let stdout = std::io::stdout();
        let mut output = std::io::BufWriter::new(stdout.lock());
        let outcome = sar_cli::run(cli, &context, &mut output)?;
        output.flush()?;
        Ok(outcome)
    });
    match result {
        Ok(sar_cli::Outcome::Success) => std::process::ExitCode::SUCCESS,
        Ok(sar_cli::Outcome::LinesFailed(n_failed)) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: {n_failed} input lines failed (see the error lines above)"
            );
            std::process::ExitCode::FAILURE
        }
        Ok(sar_cli::Outcome::VerifyFailed) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: verification failed (see the report above)"
            );
            std::process::ExitCode::FAILURE
        }
        Err(error) if sar_cli::is_broken_pipe(&error) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[allow(clippy::disallowed_methods)] // main is where the environment is read (style guide §3.3)
fn context() -> anyhow::Result<sar_cli::Context> {
    let env = std::env::vars_os()
        .filter_map(|(key, value)| Some((key.into_string().ok()?, value.into_string().ok()?)))
        .filter(|(key, _)| key.starts_with("SARFLOW_"))
        .collect();
    let rust_log = std::env::var("RUST_LOG").ok();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("sarflow")
        .build()
        .context("failed to start the async runtime")?;
    Ok(sar_cli::Context {
        env,
        rust_log,
        runtime,
    })
}
