//! The `sarflow` binary: parse the command line, run, map errors to an exit code.

use std::io::Write;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = sar_cli::Cli::parse();
    let stdout = std::io::stdout();
    let mut output = std::io::BufWriter::new(stdout.lock());
    let result = sar_cli::run(cli, &mut output).and_then(|outcome| {
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
        Err(error) if sar_cli::is_broken_pipe(&error) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
