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

/// API002 points at the credential literal (whose text is only `***`): its
/// fingerprint reads the literal's line, so a credential added above does not shift
/// the entries of the others.
#[test]
fn credential_fingerprints_survive_a_new_credential_above() {
    let file = |keys: &[(&str, &str)]| {
        let mut s = String::from(
            "const axios = require('axios');\nconst LRN = 'https://acme.360learning.com';\n",
        );
        for (name, key) in keys {
            s.push_str(&format!("const {name} = '{key}';\n"));
        }
        for (i, (name, _)) in keys.iter().enumerate() {
            s.push_str(&format!(
                "function f{i}(id) {{\n  return axios.delete(`${{LRN}}/api/v1/users/${{id}}`, {{ params: {{ company: 'acme', apiKey: {name} }} }});\n}}\n"
            ));
        }
        s
    };
    let api002 = |text: &str| -> Vec<String> {
        let report = common::checker().check_source(SourceFile::new(
            "src/a.js".into(),
            text.into(),
            Language::JavaScript,
        ));
        let prints = baseline::fingerprints(&report);
        report
            .findings
            .iter()
            .zip(prints)
            .filter(|(f, _)| f.code == "API002")
            .map(|(_, p)| p)
            .collect()
    };
    let before = api002(&file(&[("KEY_B", "k-2222222222")]));
    assert_eq!(before.len(), 1);
    let after = api002(&file(&[
        ("KEY_A", "k-1111111111"),
        ("KEY_B", "k-2222222222"),
    ]));
    assert_eq!(after.len(), 2);
    assert!(after.contains(&before[0]), "{before:?} not in {after:?}");
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
    // SARIF keeps the baselined findings, marked as suppressed.
    let v = common::assert_valid_sarif(&stdout);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(results
        .iter()
        .all(|r| r["suppressions"][0]["kind"] == "external"));
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

/// `(kind, justification)` of each SARIF result's first suppression (`None` when the
/// result is reported).
fn sarif_suppressions(v: &serde_json::Value) -> Vec<Option<(String, String)>> {
    v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = &r["suppressions"][0];
            s["kind"].as_str().map(|k| {
                (
                    k.to_string(),
                    s["justification"].as_str().unwrap_or("").to_string(),
                )
            })
        })
        .collect()
}

#[test]
fn sarif_keeps_baselined_and_inline_suppressed_findings_as_suppressed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.js", &project(&[CALL, CALL]));
    run_in(d, &["check", "--write-baseline", "baseline.json", "a.js"]);
    // A new call, and another one silenced in the source.
    let text = project(&[
        CALL,
        CALL,
        &CALL.replace("process.env.K", "process.env.KEY"),
        &CALL.replace("process.env.C,", "process.env.COMPANY,"),
    ])
    .replace(
        "  return axios.delete(`${LRN}/api/v1/users/${id}`, { params: { company: process.env.COMPANY,",
        "  // apimigrate: ignore[LRN004] the tenant is retired in Q3\n  return axios.delete(`${LRN}/api/v1/users/${id}`, { params: { company: process.env.COMPANY,",
    );
    write(d, "a.js", &text);
    let args = [
        "check",
        "--format",
        "sarif",
        "--baseline",
        "baseline.json",
        "a.js",
    ];
    let (code, stdout, _) = run_in(d, &args);
    assert_eq!(code, 1, "the new call fails the run");
    let v = common::assert_valid_sarif(&stdout);
    let external = || {
        Some((
            "external".to_string(),
            "accepted in the baseline baseline.json".to_string(),
        ))
    };
    assert_eq!(
        sarif_suppressions(&v),
        [
            external(),
            external(),
            None,
            Some((
                "inSource".to_string(),
                "the tenant is retired in Q3".to_string()
            )),
        ]
    );
    let results = v["runs"][0]["results"].as_array().unwrap();
    // A reported result says so with an empty list.
    assert_eq!(results[2]["suppressions"], serde_json::json!([]));
    // The inline suppression points at its comment.
    let region = &results[3]["suppressions"][0]["location"]["physicalLocation"]["region"];
    let line = text
        .lines()
        .position(|l| l.contains("apimigrate: ignore"))
        .unwrap()
        + 1;
    assert_eq!(region["startLine"], line);

    // Only suppressed findings: exit 0, and the other formats show nothing.
    write(
        d,
        "a.js",
        &project(&[CALL, CALL.replace("process.env.C,", "process.env.CO,").as_str()]).replace(
            "  return axios.delete(`${LRN}/api/v1/users/${id}`, { params: { company: process.env.CO,",
            "  // apimigrate: ignore[LRN] migrating in Q4\n  return axios.delete(`${LRN}/api/v1/users/${id}`, { params: { company: process.env.CO,",
        ),
    );
    let _ = std::fs::remove_file(d.join("baseline.json"));
    write(d, "baseline.json", "{\"version\": 1, \"entries\": []}");
    run_in(d, &["check", "--write-baseline", "baseline.json", "a.js"]);
    let base = ["check", "--baseline", "baseline.json", "a.js"];
    let with = |format: &str| {
        let mut a = base.to_vec();
        a.extend(["--format", format]);
        run_in(d, &a)
    };
    let (code, stdout, _) = with("github");
    assert_eq!((code, stdout.as_str()), (0, ""));
    let (code, stdout, _) = with("junit");
    assert_eq!(code, 0);
    assert!(stdout.contains("failures=\"0\""), "{stdout}");
    assert!(!stdout.contains("a.js"), "{stdout}");
    let (code, stdout, _) = with("human");
    assert_eq!(code, 0);
    assert!(stdout.contains("No findings"), "{stdout}");
    let (code, stdout, _) = with("json");
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["findings"], serde_json::json!([]));
    assert_eq!(v["summary"]["findings"], 0);
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(v["summary"]["baselined"], 1);
}

#[test]
fn json_fingerprints_are_the_baseline_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.js", &project(&[CALL, CALL]));
    write(d, "b.js", &project(&[CALL]));
    run_in(d, &["check", "--write-baseline", "baseline.json", "."]);
    let b = Baseline::load(&d.join("baseline.json")).unwrap();
    let (_, stdout, _) = run_in(d, &["check", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut from_json: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut recorded: Vec<(String, String)> = b
        .entries
        .iter()
        .map(|e| (e.path.clone(), e.fingerprint.clone()))
        .collect();
    from_json.sort();
    recorded.sort();
    assert_eq!(from_json, recorded);
    assert_eq!(v["summary"]["suppressed"], 0);
    assert_eq!(v["summary"]["baselined"], 0);
}

#[test]
fn a_new_copy_of_a_baselined_call_keeps_its_own_fingerprint() {
    // Two identical calls: the first is in the baseline, the second is new. The new
    // one's fingerprint in JSON and SARIF must be its own (occurrence 1), not the
    // baselined one's.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.js", &project(&[CALL]));
    run_in(d, &["check", "--write-baseline", "baseline.json", "a.js"]);
    let recorded = Baseline::load(&d.join("baseline.json")).unwrap().entries[0]
        .fingerprint
        .clone();
    write(d, "a.js", &project(&[CALL, CALL]));
    let (code, stdout, _) = check_json_against_baseline(d, "a.js");
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let new = v["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new, recorded);
    let (_, stdout, _) = run_in(
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
    let v = common::assert_valid_sarif(&stdout);
    let prints: Vec<(&str, bool)> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["partialFingerprints"][baseline::SARIF_KEY]
                    .as_str()
                    .unwrap(),
                r["suppressions"].as_array().unwrap().is_empty(),
            )
        })
        .collect();
    assert_eq!(prints, [(recorded.as_str(), false), (new.as_str(), true)]);
}

#[test]
fn an_inline_suppression_does_not_shift_other_fingerprints() {
    let plain = fingerprints_of(&project(&[CALL, CALL, CALL]));
    let text = project(&[CALL, CALL, CALL]).replacen(
        "  return axios",
        "  // apimigrate: ignore[LRN004] retired\n  return axios",
        1,
    );
    let report = common::checker().check_source(SourceFile::new(
        "src/a.js".into(),
        text.clone(),
        Language::JavaScript,
    ));
    assert_eq!(report.findings.len(), 2);
    assert_eq!(report.suppressed.len(), 1);
    let redacted = apimigrate::redact::Redacted::new(&report.source.text, &report.secrets);
    let (reported, suppressed) = baseline::all_fingerprints(&report, &redacted);
    assert_eq!(suppressed, [plain[0].clone()]);
    assert_eq!(reported, plain[1..]);
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
