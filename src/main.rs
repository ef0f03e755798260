use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    apimigrate::cli::run(apimigrate::cli::Cli::parse())
}
