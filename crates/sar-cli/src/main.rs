//! The `sarflow` binary: parse the command line, run, map errors to an exit code.

use std::io::Write;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = sar_cli::Cli::parse();
    let stdout = std::io::stdout();
    let mut output = std::io::BufWriter::new(stdout.lock());
    let result = sar_cli::run(cli, &mut output).and_then(|()| Ok(output.flush()?));
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) if sar_cli::is_broken_pipe(&error) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
