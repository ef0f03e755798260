//! Baselines: `--write-baseline` records the current findings, `--baseline` reports
//! only new ones, `--prune-baseline` drops entries that no longer match; fingerprints
//! survive unrelated edits and change when the offending call changes.

mod common;

use apimigrate::baseline::{self, Baseline};
use apimigrate::source::{Language, SourceFile};
use std::path::Path;
use std::process::Command;

/// `check --format json --baseline baseline.json PATH` in `dir`.
fn check_json_against_baseline(dir: &Path, path: &str) -> (i32, String, String) {
    run_in(
        dir,
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            path,
        ],
    )
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs the binary");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `(line, code)` of the findings of a `--format json` run.
fn findings(stdout: &str) -> Vec<(u64, String)> {
    let v: serde_json::Value = serde_json::from_str(stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["start"]["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const CALL: &str = "axios.delete(`${LRN}/api/v1/users/${id}`, { params: { company: process.env.C, apiKey: process.env.K } })";

fn project(calls: &[&str]) -> String {
    let mut s = String::from(
        "const axios = require('axios');\nconst LRN = 'https://acme.360learning.com';\n\n",
    );
    for (i, c) in calls.iter().enumerate() {
        s.push_str(&format!("function f{i}(id) {{\n  return {c};\n}}\n\n"));
    }
    s
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn fingerprints_of(text: &str) -> Vec<String> {
    let report = common::checker().check_source(SourceFile::new(
        "src/a.js".into(),
        text.into(),
        Language::JavaScript,
    ));
    assert!(!report.findings.is_empty(), "no finding in:\n{text}");
    baseline::fingerprints(&report)
}

#[test]
fn fingerprints_survive_unrelated_edits() {
    let original = project(&[CALL, CALL]);
    let prints = fingerprints_of(&original);
    assert_eq!(prints.len(), 2);
    assert_ne!(
        prints[0], prints[1],
        "identical calls are told apart by occurrence"
    );

    // Lines added above, other code reformatted.
    let shifted = format!(
        "// a new header\n'use strict';\n\n{}",
        original.replace("require('axios');", "require( \"axios\" ) ;")
    );
    assert_eq!(fingerprints_of(&shifted), prints);

    // The call itself reformatted (line breaks, indentation, quotes, trailing comma).
    let reformatted = original.replace(
        CALL,
        "axios.delete(\n    `${LRN}/api/v1/users/${id}`,\n    {\n      params: { company: process.env.C, apiKey: process.env.K },\n    },\n  )",
    );
    assert_eq!(fingerprints_of(&reformatted), prints);

    // The offending call changed: a new fingerprint.
    let edited = original.replacen("process.env.C,", "process.env.COMPANY,", 1);
    let new = fingerprints_of(&edited);
    assert_ne!(new[0], prints[0]);
    assert_eq!(
        new[1], prints[0],
        "the other call is now the first of its kind"
    );
}

#[test]
fn fingerprints_do_not_depend_on_secret_values() {
    let call = |key: &str| {
        project(&[&format!(
            "axios.delete(`${{LRN}}/api/v1/users/${{id}}`, {{ params: {{ company: 'acme', apiKey: '{key}' }} }})"
        )])
    };
    let a = fingerprints_of(&call("k-1234567890abcdef"));
    let b = fingerprints_of(&call("k-fedcba0987654321"));
    assert_eq!(a, b);
}

#[test]
fn a_baseline_makes_check_pass_and_new_findings_still_fail() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.js", &project(&[CALL, CALL]));
    // Without a baseline: findings, exit 1.
    assert_eq!(run_in(d, &["check", "a.js"]).0, 1);

    // Recording a baseline reports nothing and exits 0.
    let (code, stdout, stderr) = run_in(d, &["check", "--write-baseline", "baseline.json", "a.js"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains("Wrote 2 findings"), "{stderr}");
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("baseline.json")).unwrap()).unwrap();
    assert_eq!(b["version"], 1);
    let entries = b["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    for e in entries {
        assert_eq!(e["code"], "LRN004");
        assert_eq!(e["path"], "a.js");
        assert_eq!(e["fingerprint"].as_str().unwrap().len(), 32);
        assert!(e["message"].as_str().unwrap().contains("v1"));
    }

    // With the baseline: clean.
    let (code, stdout, _) = check_json_against_baseline(d, "a.js");
    assert_eq!(code, 0, "{stdout}");
    assert!(findings(&stdout).is_empty());

    // Unrelated edits: still clean.
    let shifted = format!(
        "// header\n\n\n{}",
        project(&[CALL, CALL]).replace("require('axios')", "require(\"axios\")")
    );
    write(d, "a.js", &shifted);
    let (code, stdout, _) = check_json_against_baseline(d, "a.js");
    assert_eq!(code, 0, "{stdout}");

    // A third identical call is new: exactly one finding, and exit 1.
    write(d, "a.js", &project(&[CALL, CALL, CALL]));
    let (code, stdout, _) = check_json_against_baseline(d, "a.js");
    assert_eq!(code, 1);
    assert_eq!(findings(&stdout).len(), 1, "{stdout}");

    // An edited call is new too.
    let edited = project(&[CALL, &CALL.replace("process.env.K", "process.env.KEY")]);
    write(d, "a.js", &edited);
    let (code, stdout, _) = check_json_against_baseline(d, "a.js");
    assert_eq!(code, 1);
    let found = findings(&stdout);
    assert_eq!(found.len(), 1, "{stdout}");
    assert_eq!(found[0].1, "LRN004");
    assert_eq!(
        found[0].0 as usize,
        edited
            .lines()
            .position(|l| l.contains("process.env.KEY"))
            .unwrap()
            + 1
    );

    // A new finding in another file fails too.
    write(d, "a.js", &project(&[CALL, CALL]));
    write(d, "b.js", &project(&[CALL]));
    let (code, stdout, _) = check_json_against_baseline(d, ".");
    assert_eq!(code, 1);
    assert_eq!(findings(&stdout).len(), 1, "{stdout}");

    // The baseline works in every format (it filters before rendering).
    let (code, stdout, _) = run_in(
        d,
        &[
            "check",
            "--format",
            "sarif",
            "--baseline",
            "baseline.json",
            "a.js",
        ],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(v["runs"][0]["results"].as_array().unwrap().is_empty());
}

#[test]
fn sarif_fingerprints_are_the_baseline_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.js", &project(&[CALL, CALL]));
    run_in(d, &["check", "--write-baseline", "baseline.json", "a.js"]);
    let b = Baseline::load(&d.join("baseline.json")).unwrap();
    let (_, stdout, _) = run_in(d, &["check", "--format", "sarif", "a.js"]);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut from_sarif: Vec<String> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"][baseline::SARIF_KEY]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut recorded: Vec<String> = b.entries.iter().map(|e| e.fingerprint.clone()).collect();
    from_sarif.sort();
    recorded.sort();
    assert_eq!(from_sarif, recorded);
}

#[test]
fn prune_drops_only_entries_that_no_longer_match() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.js", &project(&[CALL, CALL]));
    write(d, "c.js", &project(&[CALL]));
    let (code, _, _) = run_in(d, &["check", "--write-baseline", "baseline.json", "."]);
    assert_eq!(code, 0);
    let entries = |d: &Path| Baseline::load(&d.join("baseline.json")).unwrap().entries;
    assert_eq!(entries(d).len(), 3);

    // One call of a.js is migrated; c.js is not scanned in this run.
    write(
        d,
        "a.js",
        &project(&[CALL, "axios.get('https://example.com')"]),
    );
    write(d, "c.js", "// emptied\n");
    let (code, _, stderr) = run_in(
        d,
        &[
            "check",
            "--baseline",
            "baseline.json",
            "--prune-baseline",
            "a.js",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("Removed 1 entry"), "{stderr}");
    let left = entries(d);
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(
        left.iter().any(|e| e.path == "c.js"),
        "c.js was not scanned: its entry stays"
    );

    // A run whose selection cannot report LRN004 keeps the entry too.
    let (code, _, _) = run_in(
        d,
        &[
            "check",
            "--select",
            "AUR",
            "--baseline",
            "baseline.json",
            "--prune-baseline",
            ".",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(entries(d).len(), 2);

    // A full run prunes c.js's stale entry.
    let (code, _, _) = run_in(
        d,
        &[
            "check",
            "--baseline",
            "baseline.json",
            "--prune-baseline",
            ".",
        ],
    );
    assert_eq!(code, 0);
    let left = entries(d);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].path, "a.js");
}

#[test]
fn baseline_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.js", &project(&[CALL]));
    let (code, _, stderr) = run_in(d, &["check", "--baseline", "missing.json", "a.js"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing.json"), "{stderr}");
    write(d, "bad.json", "{\"entries\": 3}");
    let (code, _, stderr) = run_in(d, &["check", "--baseline", "bad.json", "a.js"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("bad.json"), "{stderr}");
    // --prune-baseline needs --baseline.
    assert_eq!(run_in(d, &["check", "--prune-baseline", "a.js"]).0, 2);
}

/// A finding about one value of a call (RSA001 on `markDeleted: 'true'`) is reported at
/// the value but fingerprinted by the whole call, as before findings moved to their
/// values: baselines written then keep matching.
#[test]
fn findings_at_a_value_are_fingerprinted_by_their_call() {
    let call = "axios.put(`https://acme.access.securid.com/AdminInterface/restapi/v1/users/${id}/markDeleted`, {\n    markDeleted: 'true',\n  })";
    let text = project(&[call]);
    let report = common::checker().check_source(SourceFile::new(
        "src/a.js".into(),
        text.clone(),
        Language::JavaScript,
    ));
    let prints = baseline::fingerprints(&report);
    let (i, f) = report
        .findings
        .iter()
        .enumerate()
        .find(|(_, f)| f.code == "RSA001")
        .expect("RSA001 is reported");
    assert_eq!(&text[f.span.clone()], "true", "reported at the value");
    assert_eq!(
        prints[i],
        baseline::fingerprint("RSA001", "src/a.js", &baseline::normalise(call), 0)
    );
}
