//! Running JavaScript under Node.js for the end-to-end tests: find `node`, install the
//! pinned HTTP clients of `tests/e2e/package-lock.json` once, and run a script with a
//! hermetic environment and a hard timeout.
//!
//! A missing `node` or a failed `npm ci` is a test failure with a message saying what to
//! install, never a silent skip: these tests are the proof that fixed code runs.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

/// A script that has not finished by then is killed.
pub const NODE_TIMEOUT: Duration = Duration::from_secs(30);
/// `npm ci` of two small packages; generous for a slow registry.
const NPM_TIMEOUT: Duration = Duration::from_secs(300);
/// A lock older than this was left by a killed test run.
const STALE_LOCK: Duration = Duration::from_secs(NPM_TIMEOUT.as_secs() + 60);
/// Written into `node_modules/` after a successful `npm ci`.
const STAMP: &str = ".apimigrate-e2e-installed";
const OLDEST_NODE: u32 = 18;

/// `tests/e2e/` of this crate: `package.json`, `package-lock.json`, `node_modules/`.
pub fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("e2e")
}

pub fn node_modules() -> PathBuf {
    e2e_dir().join("node_modules")
}

/// The `node` executable on `PATH`, checked once. Panics with instructions when absent
/// or too old.
pub fn node() -> PathBuf {
    static NODE: OnceLock<PathBuf> = OnceLock::new();
    NODE.get_or_init(|| {
        let node = find_on_path("node").unwrap_or_else(|| {
            panic!(
                "\n\nNode.js is required by the end-to-end tests (tests/e2e.rs) and `node` is not on PATH.\n\
                 These tests run the JavaScript that `apimigrate fix` produces against a local mock of the\n\
                 vendor APIs; they are not optional. Install Node.js >= {OLDEST_NODE} with npm\n\
                 (Debian: `apt-get install nodejs npm`) and run the tests again.\n"
            )
        });
        let out = Command::new(&node).arg("--version").output().unwrap_or_else(|e| {
            panic!("\n\ncannot run {} --version: {e}\n", node.display())
        });
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let major: u32 = version.trim_start_matches('v').split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
        assert!(
            major >= OLDEST_NODE,
            "\n\nthe end-to-end tests need Node.js >= {OLDEST_NODE}; {} is {version:?}\n",
            node.display()
        );
        node
    })
    .clone()
}

pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| {
            std::fs::metadata(candidate).is_ok_and(|m| {
                m.is_file() && {
                    #[cfg(unix)]
                    {
                        use std::os::unix::fs::PermissionsExt;
                        m.permissions().mode() & 0o111 != 0
                    }
                    #[cfg(not(unix))]
                    {
                        true
                    }
                }
            })
        })
}

pub fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Installed and not older than the lock file.
fn node_modules_fresh() -> bool {
    let (Some(stamp), Some(lock)) = (
        modified(&node_modules().join(STAMP)),
        modified(&e2e_dir().join("package-lock.json")),
    ) else {
        return false;
    };
    stamp >= lock
}

/// Runs `npm ci` in `tests/e2e/` when `node_modules/` is missing or older than
/// `package-lock.json`. Threads of one test binary wait on a mutex; separate processes
/// (cargo nextest, two `cargo test` runs) on a lock directory under the target folder.
pub fn ensure_node_modules() {
    static DONE: OnceLock<()> = OnceLock::new();
    static IN_PROCESS: Mutex<()> = Mutex::new(());
    if DONE.get().is_some() {
        return;
    }
    let _guard = IN_PROCESS.lock().unwrap_or_else(|e| e.into_inner());
    if DONE.get().is_some() {
        return;
    }
    node();
    if !node_modules_fresh() {
        let _lock = LockDir::acquire(
            &Path::new(env!("CARGO_TARGET_TMPDIR")).join("apimigrate-e2e-npm.lock"),
        );
        // Another process may have installed while we waited.
        if !node_modules_fresh() {
            npm_ci();
        }
    }
    let _ = DONE.set(());
}

fn npm_ci() {
    let npm = find_on_path("npm").unwrap_or_else(|| {
        panic!(
            "\n\nnpm is required to install the end-to-end tests' HTTP clients (tests/e2e/package-lock.json)\n\
             and is not on PATH. Install npm (Debian: `apt-get install npm`) and run the tests again.\n"
        )
    });
    let mut command = Command::new(npm);
    command
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(e2e_dir())
        .stdin(Stdio::null());
    let (status, stdout, stderr) = run_with_timeout(&mut command, NPM_TIMEOUT);
    assert!(
        status.is_some_and(|s| s.success()),
        "\n\n`npm ci` in {} failed ({}):\n--- stdout\n{}\n--- stderr\n{}\n",
        e2e_dir().display(),
        status.map_or_else(
            || format!("killed after {NPM_TIMEOUT:?}"),
            |s| s.to_string()
        ),
        String::from_utf8_lossy(&stdout),
        String::from_utf8_lossy(&stderr),
    );
    std::fs::write(
        node_modules().join(STAMP),
        "installed by tests/support/node.rs from package-lock.json\n",
    )
    .expect("write the node_modules stamp");
}

/// A directory used as an inter-process lock: `mkdir` is atomic.
pub struct LockDir(PathBuf);

impl LockDir {
    pub fn acquire(path: &Path) -> LockDir {
        let deadline = Instant::now() + STALE_LOCK + Duration::from_secs(30);
        loop {
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            match std::fs::create_dir(path) {
                Ok(()) => return LockDir(path.to_path_buf()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let stale = modified(path)
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age > STALE_LOCK);
                    if stale {
                        let _ = std::fs::remove_dir(path);
                        continue;
                    }
                    assert!(
                        Instant::now() < deadline,
                        "timed out waiting for the lock {}",
                        path.display()
                    );
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(e) => panic!("cannot create the lock {}: {e}", path.display()),
            }
        }
    }
}

impl Drop for LockDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Runs `node script` with the given environment and nothing else from the caller's
/// (no proxy settings, no stray `KHOROS_BASE`), `NODE_PATH` pointing at
/// `tests/e2e/node_modules` so `require('axios')` resolves wherever the script lives.
/// See [`run_hermetic`].
pub fn run_node(script: &Path, env: &[(&str, &str)]) -> Output {
    ensure_node_modules();
    let modules = node_modules();
    let vars = [
        ("NODE_PATH", modules.to_str().expect("a UTF-8 path")),
        ("NODE_NO_WARNINGS", "1"),
    ];
    run_hermetic(
        &node(),
        script,
        &vars,
        env,
        NODE_TIMEOUT,
        "tests/support/node.rs",
    )
}

/// Runs `program script` with only `PATH`, `HOME`, `TMPDIR` (and `SYSTEMROOT`) of the
/// caller's environment, `NO_PROXY` for loopback, the interpreter's own `vars` and the
/// scenario's `env`. The working directory is the script's folder. Killed after
/// `timeout`; then the status is not a success and stderr says so (and by `who`).
pub fn run_hermetic(
    program: &Path,
    script: &Path,
    vars: &[(&str, &str)],
    env: &[(&str, &str)],
    timeout: Duration,
    who: &str,
) -> Output {
    let script = std::fs::canonicalize(script)
        .unwrap_or_else(|e| panic!("script {}: {e}", script.display()));
    let mut command = Command::new(program);
    command
        .arg(&script)
        .current_dir(script.parent().expect("a script has a folder"))
        .env_clear()
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .stdin(Stdio::null());
    for name in ["PATH", "HOME", "TMPDIR", "SYSTEMROOT"] {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    for (name, value) in vars.iter().chain(env) {
        command.env(name, value);
    }
    let (status, stdout, mut stderr) = run_with_timeout(&mut command, timeout);
    let status = status.unwrap_or_else(|| {
        stderr.extend_from_slice(format!("\n[killed by {who} after {timeout:?}]\n").as_bytes());
        killed_status()
    });
    Output {
        status,
        stdout,
        stderr,
    }
}

/// Spawns with piped output, reads both pipes on threads, kills at the deadline.
/// `None` status: killed.
pub fn run_with_timeout(
    command: &mut Command,
    timeout: Duration,
) -> (Option<ExitStatus>, Vec<u8>, Vec<u8>) {
    let mut child: Child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for {command:?}: {e}"),
        }
    };
    // A grandchild holding the pipes open must not hang the test either.
    let join = |handle: std::thread::JoinHandle<Vec<u8>>| {
        let until = Instant::now() + Duration::from_secs(5);
        while !handle.is_finished() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        if handle.is_finished() {
            handle.join().unwrap_or_default()
        } else {
            b"[output not closed]".to_vec()
        }
    };
    (status, join(stdout), join(stderr))
}

#[cfg(unix)]
pub fn killed_status() -> ExitStatus {
    use std::os::unix::process::ExitStatusExt;
    ExitStatus::from_raw(9) // terminated by SIGKILL
}

#[cfg(not(unix))]
pub fn killed_status() -> ExitStatus {
    use std::os::windows::process::ExitStatusExt;
    ExitStatus::from_raw(1)
}

/// Exit status, stdout and stderr of a finished script, for failure messages.
pub fn describe(output: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
