//! Standard input: `check -` and `fix -` read the text to check from standard input;
//! `--stdin-filename NAME` picks the language, the configuration and the path shown;
//! `fix -` writes the fixed text, and nothing else, to standard output.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn run_with_stdin(dir: &Path, args: &[&str], input: &[u8]) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs the binary");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let (code, out, err) = run_with_stdin(dir, args, b"");
    (code, String::from_utf8(out).unwrap(), err)
}

const JS: &str = "const axios = require('axios');\nconst LRN = 'https://acme.360learning.com';\n\nfunction drop(id) {\n  return axios.delete(`${LRN}/api/v1/users/${id}`, { params: { company: process.env.C, apiKey: process.env.K } });\n}\n\nfunction mark(userId) {\n  return axios.put(`https://acme.access.securid.com/AdminInterface/restapi/v1/users/${userId}/markDeleted`, { markDeleted: 'true' });\n}\n";

const PY: &str = "import requests\n\nBASE = 'https://acme.360learning.com'\n\ndef drop(i):\n    requests.delete(f\"{BASE}/api/v1/users/{i}\", params={'company': C, 'apiKey': K})\n";

/// `(path, line, code)` of a JSON report's findings.
fn findings(json: &str) -> Vec<(String, u64, String)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("a JSON report");
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn check_stdin_reports_like_the_named_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("src")).unwrap();
    std::fs::write(d.join("src/jobs.js"), JS).unwrap();
    let (code, from_file, _) = run(d, &["check", "--format", "json", "src/jobs.js"]);
    assert_eq!(code, 1);
    let args = [
        "check",
        "--format",
        "json",
        "-",
        "--stdin-filename",
        "src/jobs.js",
    ];
    let (code, out, err) = run_with_stdin(d, &args, JS.as_bytes());
    assert_eq!(code, 1, "{err}");
    let from_stdin = String::from_utf8(out).unwrap();
    assert!(!findings(&from_stdin).is_empty());
    assert_eq!(findings(&from_stdin), findings(&from_file));
    // The fingerprint is the file's, so a baseline written from the file applies.
    run(d, &["check", "--write-baseline", "b.json", "src/jobs.js"]);
    let mut with_baseline = args.to_vec();
    with_baseline.extend(["--baseline", "b.json"]);
    let (code, out, err) = run_with_stdin(d, &with_baseline, JS.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert!(findings(&String::from_utf8(out).unwrap()).is_empty());
}

#[test]
fn stdin_filename_picks_the_language_and_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("legacy")).unwrap();
    std::fs::write(d.join("legacy/apimigrate.toml"), "ignore = [\"LRN\"]\n").unwrap();
    let check = |name: &str, text: &str| {
        let (code, out, err) = run_with_stdin(
            d,
            &["check", "--format", "json", "-", "--stdin-filename", name],
            text.as_bytes(),
        );
        assert!(code == 0 || code == 1, "{name}: exit {code}: {err}");
        findings(&String::from_utf8(out).unwrap())
    };
    assert_eq!(
        check("sweep.py", PY),
        [("sweep.py".into(), 6, "LRN004".into())]
    );
    // The same text named as JavaScript is read as JavaScript: no Python call there.
    assert!(check("sweep.js", PY).iter().all(|f| f.2 != "LRN004"));
    // The file does not need to exist: its folder's configuration governs it.
    assert!(check("legacy/new/sweep.py", PY).is_empty());
    // Without a name, a `#!` line tells the language.
    let script = format!("#!/usr/bin/env python3\n{PY}");
    let (code, out, _) = run_with_stdin(d, &["check", "--format", "json", "-"], script.as_bytes());
    assert_eq!(code, 1);
    assert_eq!(
        findings(&String::from_utf8(out).unwrap()),
        [("-".into(), 7, "LRN004".into())]
    );
    // Otherwise the language cannot be told.
    let (code, _, err) = run_with_stdin(d, &["check", "-"], PY.as_bytes());
    assert_eq!(code, 2);
    assert!(err.contains("--stdin-filename"), "{err}");
    let (code, _, err) = run_with_stdin(d, &["check", "-", "--stdin-filename", "a.txt"], b"x");
    assert_eq!(code, 2);
    assert!(err.contains("a.txt"), "{err}");
    // `-` stands alone.
    let (code, _, err) = run_with_stdin(d, &["check", "-", "src"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("standard input"), "{err}");
}

#[test]
fn fix_stdin_writes_only_the_fixed_text_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The same fix on a file, for comparison.
    std::fs::write(d.join("a.js"), JS).unwrap();
    let (file_code, _, _) = run(d, &["fix", "--unsafe-fixes", "--quiet", "a.js"]);
    let fixed_file = std::fs::read_to_string(d.join("a.js")).unwrap();
    assert_ne!(fixed_file, JS);
    std::fs::remove_file(d.join("a.js")).unwrap();

    let (code, out, err) = run_with_stdin(
        d,
        &["fix", "--unsafe-fixes", "-", "--stdin-filename", "a.js"],
        JS.as_bytes(),
    );
    assert_eq!(String::from_utf8(out).unwrap(), fixed_file);
    assert!(err.contains("Fixed 1 finding."), "{err}");
    assert_eq!(code, file_code, "{err}");
    assert!(!d.join("a.js").exists(), "nothing is written to disk");

    // Safe fixes only; a byte-order mark is kept; the report of what remains goes to
    // standard error in the chosen format.
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(JS.as_bytes());
    let (code, out, err) = run_with_stdin(
        d,
        &["fix", "--format", "json", "-", "--stdin-filename", "a.js"],
        &input,
    );
    assert_eq!(code, 1, "LRN004 remains: {err}");
    assert!(out.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(out[3..].to_vec()).unwrap();
    assert_eq!(text, JS.replace("markDeleted: 'true'", "markDeleted: true"));
    let report = err
        .lines()
        .take_while(|l| !l.starts_with("Fixed"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        findings(&report),
        [
            ("a.js".into(), 5, "LRN004".into()),
            ("a.js".into(), 9, "RSA006".into())
        ]
    );

    // Nothing to fix: the text comes back unchanged.
    let (code, out, _) = run_with_stdin(d, &["fix", "-", "--stdin-filename", "a.py"], b"x = 1\n");
    assert_eq!((code, out.as_slice()), (0, b"x = 1\n".as_slice()));

    // --diff prints the diff instead and exits 1 when the text would change.
    let (code, out, _) = run_with_stdin(
        d,
        &["fix", "--diff", "-", "--stdin-filename", "a.js"],
        JS.as_bytes(),
    );
    let diff = String::from_utf8(out).unwrap();
    assert_eq!(code, 1);
    assert!(
        diff.contains("+  return axios.put(") && diff.contains("markDeleted: true"),
        "{diff}"
    );
}
