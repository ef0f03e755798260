//! Running shell scripts for the end-to-end tests: `bash` with the system's `curl`,
//! a hermetic environment and a hard timeout. A missing `bash` or `curl` is a test
//! failure saying what to install, never a silent skip.
#![allow(dead_code)]

use crate::node::{find_on_path, run_hermetic};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;
use std::time::Duration;

/// A script that has not finished by then is killed.
pub const SHELL_TIMEOUT: Duration = Duration::from_secs(30);

fn required(program: &str) -> PathBuf {
    find_on_path(program).unwrap_or_else(|| {
        panic!(
            "\n\n`{program}` is required by the end-to-end tests (tests/e2e_shell.rs) and is not on PATH.\n\
             These tests run the curl command lines that `apimigrate fix` produces against a local mock\n\
             of the vendor APIs; they are not optional. Install it (Debian: `apt-get install {program}`)\n\
             and run the tests again.\n"
        )
    })
}

/// `bash`, checked once, after making sure `curl` is there too.
pub fn bash() -> PathBuf {
    static BASH: OnceLock<PathBuf> = OnceLock::new();
    BASH.get_or_init(|| {
        required("curl");
        required("bash")
    })
    .clone()
}

/// Runs `bash script` hermetically (see [`crate::node::run_hermetic`]).
pub fn run_shell(script: &Path, env: &[(&str, &str)]) -> Output {
    run_hermetic(
        &bash(),
        script,
        &[],
        env,
        SHELL_TIMEOUT,
        "tests/support/shell.rs",
    )
}
