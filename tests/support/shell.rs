//! Running shell scripts for the end-to-end tests: `bash` with the system's `curl`,
//! a hermetic environment and a hard timeout. A missing `bash` or `curl` is a test
//! failure saying what to install, never a silent skip.
#![allow(dead_code)]

use crate::node::{find_on_path, killed_status, run_with_timeout};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
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

/// Runs `bash script` with the given environment and nothing else from the caller's
/// but `PATH`, `HOME` and `TMPDIR`; `NO_PROXY` for loopback. The working directory is
/// the script's folder. Killed after `SHELL_TIMEOUT`.
pub fn run_shell(script: &Path, env: &[(&str, &str)]) -> Output {
    let script = std::fs::canonicalize(script)
        .unwrap_or_else(|e| panic!("script {}: {e}", script.display()));
    let mut command = Command::new(bash());
    command
        .arg(&script)
        .current_dir(script.parent().expect("a script has a folder"))
        .env_clear()
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .stdin(Stdio::null());
    for name in ["PATH", "HOME", "TMPDIR"] {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let (status, stdout, mut stderr) = run_with_timeout(&mut command, SHELL_TIMEOUT);
    let status = status.unwrap_or_else(|| {
        stderr.extend_from_slice(
            format!("\n[killed by tests/support/shell.rs after {SHELL_TIMEOUT:?}]\n").as_bytes(),
        );
        killed_status()
    });
    Output {
        status,
        stdout,
        stderr,
    }
}
