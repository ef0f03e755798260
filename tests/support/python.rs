//! Running Python for the end-to-end tests: find `python3` (3.8 or newer), create the
//! virtualenv `tests/e2e/.venv` once with the pinned HTTP clients of
//! `tests/e2e/requirements.txt` (requests, httpx), and run a script with a hermetic
//! environment and a hard timeout.
//!
//! A missing `python3`, a Python without `venv`, or a failed `pip install` is a test
//! failure saying what to install, never a silent skip.
#![allow(dead_code)]

use crate::node::{find_on_path, modified, run_hermetic, run_with_timeout, LockDir};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// A script that has not finished by then is killed.
pub const PYTHON_TIMEOUT: Duration = Duration::from_secs(30);
/// `python -m venv` and `pip install` of a few small wheels; generous for a slow registry.
const PIP_TIMEOUT: Duration = Duration::from_secs(600);
/// Written into the virtualenv after a successful install.
const STAMP: &str = ".apimigrate-e2e-installed";

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("e2e")
}

pub fn venv() -> PathBuf {
    e2e_dir().join(".venv")
}

/// The virtualenv's interpreter.
pub fn venv_python() -> PathBuf {
    if cfg!(windows) {
        venv().join("Scripts").join("python.exe")
    } else {
        venv().join("bin").join("python")
    }
}

/// The system `python3`, checked once. Panics with instructions when absent or too old.
pub fn system_python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let python = find_on_path("python3").unwrap_or_else(|| {
                panic!(
                    "\n\nPython 3 is required by the end-to-end tests (tests/e2e_python.rs) and `python3` is not on PATH.\n\
                     These tests run the Python that `apimigrate fix` produces against a local mock of the vendor\n\
                     APIs; they are not optional. Install Python >= 3.8 with venv (Debian: `apt-get install\n\
                     python3 python3-venv`) and run the tests again.\n"
                )
            });
            let out = Command::new(&python)
                .args(["-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"])
                .output()
                .unwrap_or_else(|e| panic!("\n\ncannot run {}: {e}\n", python.display()));
            assert!(
                out.status.success(),
                "\n\n{} cannot import venv (Debian: `apt-get install python3-venv`):\n{}\n",
                python.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
            let minor: u32 = version
                .strip_prefix("3.")
                .and_then(|m| m.parse().ok())
                .unwrap_or(0);
            assert!(
                minor >= 8,
                "\n\nthe end-to-end tests need Python >= 3.8; {} is {version}\n",
                python.display()
            );
            python
        })
        .clone()
}

/// Installed and not older than `requirements.txt`.
fn venv_fresh() -> bool {
    let (Some(stamp), Some(reqs)) = (
        modified(&venv().join(STAMP)),
        modified(&e2e_dir().join("requirements.txt")),
    ) else {
        return false;
    };
    stamp >= reqs && venv_python().exists()
}

/// Creates `tests/e2e/.venv` and installs `requirements.txt` when missing or stale.
/// Threads wait on a mutex, processes on a lock directory under the target folder.
pub fn ensure_venv() {
    static DONE: OnceLock<()> = OnceLock::new();
    static IN_PROCESS: Mutex<()> = Mutex::new(());
    if DONE.get().is_some() {
        return;
    }
    let _guard = IN_PROCESS.lock().unwrap_or_else(|e| e.into_inner());
    if DONE.get().is_some() {
        return;
    }
    let python = system_python();
    if !venv_fresh() {
        let _lock = LockDir::acquire(
            &Path::new(env!("CARGO_TARGET_TMPDIR")).join("apimigrate-e2e-venv.lock"),
        );
        if !venv_fresh() {
            install(&python);
        }
    }
    let _ = DONE.set(());
}

fn install(python: &Path) {
    let _ = std::fs::remove_dir_all(venv());
    let step = |command: &mut Command, what: &str| {
        let shown = format!("{command:?}");
        let (status, stdout, stderr) = run_with_timeout(command, PIP_TIMEOUT);
        assert!(
            status.is_some_and(|s| s.success()),
            "\n\n{what} failed ({shown}, exit {status:?}):\n--- stdout\n{}--- stderr\n{}\n\
             The Python end-to-end tests need the pinned packages of tests/e2e/requirements.txt\n\
             from PyPI (or a configured index). Fix the install and run the tests again.\n",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        );
    };
    step(
        Command::new(python).arg("-m").arg("venv").arg(venv()),
        "creating the virtualenv tests/e2e/.venv",
    );
    step(
        Command::new(venv_python())
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "--quiet",
                "-r",
            ])
            .arg(e2e_dir().join("requirements.txt")),
        "pip install -r tests/e2e/requirements.txt",
    );
    std::fs::write(
        venv().join(STAMP),
        "installed by tests/support/python.rs from requirements.txt\n",
    )
    .expect("write the virtualenv stamp");
}

/// Runs `python script` (the virtualenv's) hermetically (see
/// [`crate::node::run_hermetic`]).
pub fn run_python(script: &Path, env: &[(&str, &str)]) -> Output {
    ensure_venv();
    let vars = [("PYTHONDONTWRITEBYTECODE", "1"), ("PYTHONUNBUFFERED", "1")];
    run_hermetic(
        &venv_python(),
        script,
        &vars,
        env,
        PYTHON_TIMEOUT,
        "tests/support/python.rs",
    )
}
