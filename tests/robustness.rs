//! What no input may do to a run: take it down (a panic, a stack overflow), hang it
//! (a FIFO, a pathological file, a slow front end), or slip through as silently
//! clean. Each test is named after the promise it holds.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_apimigrate"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("runs the binary");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const KHOROS: &str = "const API = 'https://community.khoros.com/api/2.0';\n\
async function drop(id) {\n  await fetch(`${API}/users/${id}`, { method: 'DELETE' });\n}\n";

const SECURID: &str = r#"const SECURID = 'https://acme.access.securid.com/AdminInterface/restapi/v1';
async function mark(id, jwt) {
  await fetch(`${SECURID}/users/${id}/markDeleted`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ markDeleted: 'true' }),
  });
}
module.exports = { mark };
"#;

fn two_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.js"), KHOROS).unwrap();
    std::fs::write(dir.path().join("b.js"), SECURID).unwrap();
    dir
}

#[test]
fn a_panicking_file_is_an_error_entry_and_the_others_are_reported() {
    let dir = two_files();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["check", "--no-config", "--format", "json", "."],
        &[("APIMIGRATE_DEBUG_FAULT", "panic:a.js")],
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{stdout}");
    assert_eq!(errors[0]["path"], "a.js");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains("internal error: injected fault"),
        "{message}"
    );
    // The other file's findings are all there; nothing was printed by the panic.
    let findings = doc["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["path"] == "b.js"), "{stdout}");
    assert!(findings.iter().any(|f| f["code"] == "RSA001"), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_file_past_its_deadline_is_reported_and_the_run_goes_on() {
    let dir = two_files();
    let start = Instant::now();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["check", "--no-config", "--file-timeout", "1", "."],
        &[("APIMIGRATE_DEBUG_FAULT", "stall:a.js")],
    );
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stdout.contains("error: a.js: analysis stopped after 1 s"),
        "{stdout}"
    );
    assert!(stdout.contains("RSA001"), "{stdout}");
}

#[test]
fn a_fix_that_panics_leaves_its_file_untouched_and_the_others_are_fixed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.js"), SECURID).unwrap();
    std::fs::write(dir.path().join("b.js"), SECURID).unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["fix", "--no-config", "."],
        &[("APIMIGRATE_DEBUG_FAULT", "fix-panic:a.js")],
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stdout.contains("error: a.js: not fixed: analysis failed (internal error: injected fault"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.js")).unwrap(),
        SECURID
    );
    let b = std::fs::read_to_string(dir.path().join("b.js")).unwrap();
    assert!(b.contains("JSON.stringify({ markDeleted: true })"), "{b}");
    assert!(stdout.contains("Fixed 1 finding in 1 file."), "{stdout}");
}

#[test]
fn a_fix_past_its_deadline_is_reported_and_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.js"), SECURID).unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["fix", "--no-config", "--file-timeout", "1", "."],
        &[("APIMIGRATE_DEBUG_FAULT", "fix-stall:a.js")],
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stdout.contains("error: a.js: not fixed: analysis stopped after 1 s"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.js")).unwrap(),
        SECURID
    );
}

/// One line of a minified bundle, under the size cap, with a finding past column
/// 65,535 and a safe fix after it.
fn minified_bundle() -> String {
    let mut line = "var x=1;".repeat(9000);
    line.push_str("fetch('https://community.khoros.com/api/2.0/users/'+id,{method:'DELETE'});");
    line.push_str(&SECURID.replace('\n', " "));
    line.push('\n');
    line
}

#[test]
fn a_finding_past_column_65535_is_reported_without_a_code_frame() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bundle.js"), minified_bundle()).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["check", "--no-config", "bundle.js"], &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("AUR001(rest-v2-user-delete)"), "{stdout}");
    assert!(
        stdout.contains("at bundle.js:1:72001 (a line of "),
        "{stdout}"
    );
}

#[test]
fn fixing_a_minified_bundle_reports_what_remains_without_crashing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bundle.js"), minified_bundle()).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["fix", "--no-config", "bundle.js"], &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("Fixed 1 finding in 1 file."), "{stdout}");
    assert!(stdout.contains("AUR001(rest-v2-user-delete)"), "{stdout}");
}
