//! The command line as a user runs it: exit codes, the JSON shape of SPEC §4, the rule
//! list against SPEC §6, `explain`, and the README rule table.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn apimigrate(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs the binary");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn json_output_has_the_spec_shape() {
    let (code, stdout, _) = apimigrate(&["check", "--format", "json", "fixtures/js/AUR001.js"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(keys(&v), set(&["version", "findings", "errors", "summary"]));
    assert_eq!(v["version"], 1);
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(
            keys(f),
            set(&[
                "code",
                "name",
                "vendor",
                "severity",
                "message",
                "path",
                "start",
                "end",
                "fix",
                "fingerprint"
            ])
        );
        assert_eq!(keys(&f["start"]), set(&["line", "column"]));
        assert_eq!(keys(&f["end"]), set(&["line", "column"]));
        assert!(f["start"]["line"].as_u64().unwrap() >= 1);
        assert!(f["start"]["column"].as_u64().unwrap() >= 1);
        assert_eq!(f["path"], "fixtures/js/AUR001.js");
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
        if !f["fix"].is_null() {
            assert_eq!(keys(&f["fix"]), set(&["applicability", "title", "edits"]));
        }
    }
    assert_eq!(
        keys(&v["summary"]),
        set(&[
            "files_scanned",
            "files_skipped",
            "skipped",
            "findings",
            "fixable",
            "by_code",
            "suppressed",
            "baselined"
        ])
    );
    assert_eq!(v["summary"]["files_scanned"], 1);
    assert_eq!(
        keys(&v["summary"]["skipped"]),
        set(&["binary", "too_large", "generated"])
    );
    assert_eq!(
        v["summary"]["findings"].as_u64().unwrap() as usize,
        findings.len()
    );
    let by_code: u64 = v["summary"]["by_code"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(by_code as usize, findings.len());
}

#[test]
fn exit_codes() {
    // Findings at or above the threshold: 1.
    assert_eq!(apimigrate(&["check", "fixtures/js/AUR001.js"]).0, 1);
    // Nothing found: 0.
    assert_eq!(apimigrate(&["check", "fixtures/js/lookalikes.js"]).0, 0);
    // --fail-on never: 0 even with findings.
    assert_eq!(
        apimigrate(&["check", "--fail-on", "never", "fixtures/js/AUR001.js"]).0,
        0
    );
    // A path that does not exist: 2, and the message names it.
    let (code, stdout, _) = apimigrate(&["check", "no/such/dir"]);
    assert_eq!(code, 2);
    assert!(stdout.contains("no/such/dir"), "{stdout}");
    // Usage errors: 2.
    assert_eq!(apimigrate(&["check", "--select", "NOPE"]).0, 2);
    assert_eq!(apimigrate(&["explain", "XYZ999"]).0, 2);
}

#[test]
fn fail_on_error_ignores_warnings() {
    // AUR002 is a warning: with --select AUR002 and --fail-on error nothing fails.
    let (code, stdout, _) = apimigrate(&[
        "check",
        "--select",
        "AUR002",
        "--fail-on",
        "error",
        "fixtures/js/AUR002.js",
    ]);
    assert!(stdout.contains("AUR002"), "{stdout}");
    assert_eq!(code, 0);
}

#[test]
fn select_and_ignore_by_prefix() {
    let (_, stdout, _) = apimigrate(&[
        "check",
        "--format",
        "json",
        "--select",
        "LRN",
        "--ignore",
        "LRN002",
        "fixtures/js/LRN001.js",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let codes: BTreeSet<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    assert!(codes.contains("LRN001"), "{codes:?}");
    assert!(
        codes.iter().all(|c| c.starts_with("LRN") && c != "LRN002"),
        "{codes:?}"
    );
}

/// Codes of SPEC §6 that need analyses not built yet (schema config, response and
/// sequence analysis, suppressions). Shrinks as they land.
const NOT_YET: &[&str] = &[];

#[test]
fn rules_lists_the_spec_catalogue() {
    // The product contract's rule catalogue (SPEC §6), kept in the repository so that a
    // fresh clone tests by itself; `.ci/run` checks the copy against the contract.
    let catalogue = std::fs::read_to_string("docs/spec-catalogue.md")
        .expect("docs/spec-catalogue.md holds SPEC §6, the rule catalogue");
    let mut spec_rules = BTreeSet::new();
    for line in catalogue.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() > 3
            && cells[1].len() == 6
            && cells[1].chars().skip(3).all(|c| c.is_ascii_digit())
        {
            spec_rules.insert((
                cells[1].to_string(),
                cells[2].to_string(),
                cells[3].to_string(),
            ));
        }
    }
    assert!(
        spec_rules.len() >= 30,
        "could not read the catalogue: {spec_rules:?}"
    );
    let expected: BTreeSet<_> = spec_rules
        .into_iter()
        .filter(|(code, _, _)| !NOT_YET.contains(&code.as_str()))
        .collect();

    let (code, stdout, _) = apimigrate(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let listed: BTreeSet<_> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(keys(r), set(&["code", "name", "vendor", "severity", "fix"]));
            let sev = r["severity"].as_str().unwrap();
            (
                r["code"].as_str().unwrap().to_string(),
                r["name"].as_str().unwrap().to_string(),
                sev.to_string(),
            )
        })
        .collect();
    // SPEC writes severities abbreviated in places; compare on the first letters.
    let norm = |s: &BTreeSet<(String, String, String)>| -> BTreeSet<(String, String, String)> {
        s.iter()
            .map(|(c, n, sev)| (c.clone(), n.clone(), sev[..4.min(sev.len())].to_string()))
            .collect()
    };
    assert_eq!(norm(&listed), norm(&expected));
}

#[test]
fn explain_shows_every_section() {
    let (code, stdout, _) = apimigrate(&["explain", "aur001"]);
    assert_eq!(code, 0);
    for section in [
        "# AUR001 (rest-v2-user-delete)",
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Fix safety",
        "## References",
    ] {
        assert!(stdout.contains(section), "missing {section}:\n{stdout}");
    }
    assert!(stdout.contains("CloseUserAccount"));
}

#[test]
fn readme_rule_table_is_current() {
    let rules = apimigrate::rules::RuleSet::embedded();
    let table = apimigrate::cli::rules_markdown(&rules);
    let readme = std::fs::read_to_string("README.md").unwrap();
    let begin = "<!-- rules:begin -->\n";
    let end = "<!-- rules:end -->";
    let start = readme.find(begin).expect("README has a rules:begin marker") + begin.len();
    let stop = readme.find(end).expect("README has a rules:end marker");
    if readme[start..stop] != table {
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &readme[..start], table, &readme[stop..]);
            std::fs::write("README.md", updated).unwrap();
        } else {
            panic!("README.md's rule table is out of date; run `UPDATE_README=1 cargo test --test cli readme` to regenerate it");
        }
    }
}

#[test]
fn example_project_reports_every_planted_call() {
    let root = Path::new("examples/offboarding-service");
    let expected_text = std::fs::read_to_string(root.join("EXPECTED.md")).unwrap();
    let mut expected = BTreeSet::new();
    for line in expected_text.lines() {
        let mut parts = line.split_whitespace();
        if let (Some(loc), Some(code)) = (parts.next(), parts.next()) {
            if let Some((path, line)) = loc.rsplit_once(':') {
                if let Ok(n) = line.parse::<u64>() {
                    expected.insert((format!("{}/{path}", root.display()), n, code.to_string()));
                }
            }
        }
    }
    assert!(
        expected.len() >= 15,
        "EXPECTED.md lists too little: {expected:?}"
    );
    let (code, stdout, _) = apimigrate(&["check", "--format", "json", root.to_str().unwrap()]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let found: BTreeSet<_> = v["findings"]
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
        .collect();
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:?}\nextra: {extra:?}"
    );
    // The decoy under the git-ignored dist/ folder is not scanned.
    assert!(found.iter().all(|(p, _, _)| !p.contains("/dist/")));
}

#[test]
fn secrets_never_reach_output() {
    // The literals planted in fixtures/js/API002_redaction.js.
    let secrets = [
        "hunter2-Correct-Horse",
        "k-9f8e7d6c5b4a",
        "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig",
        "c2dueXZ1czZwYzRqbTdr",
        "sk_live_51HqLyjWDarjtT1zdp7dc",
    ];
    let text = std::fs::read_to_string("fixtures/js/API002_redaction.js").unwrap();
    for s in secrets {
        assert!(text.contains(s), "the fixture must contain {s}");
    }
    for format in ["human", "json"] {
        let (code, stdout, _) = apimigrate(&[
            "check",
            "--format",
            format,
            "fixtures/js/API002_redaction.js",
        ]);
        assert_eq!(code, 1);
        assert!(
            stdout.contains("***"),
            "{format}: nothing was redacted:\n{stdout}"
        );
        assert!(stdout.contains("API002"), "{format}:\n{stdout}");
        for s in secrets {
            assert!(!stdout.contains(s), "{format}: `{s}` leaked:\n{stdout}");
        }
    }
}

#[test]
fn include_comments_reports_commented_out_calls_without_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let py = dir.path().join("purge.py");
    std::fs::write(
        &py,
        "import requests\n\n\ndef purge(user_id):\n    # Old call, kept for reference:\n    # requests.delete(\n    #     f\"https://app.360learning.com/api/v1/users/{user_id}\",\n    #     params={\"company\": COMPANY, \"apiKey\": \"k-1234567890\"},\n    # )\n    pass\n",
    )
    .unwrap();
    let js = dir.path().join("purge.js");
    std::fs::write(
        &js,
        "/*\n * await fetch(`https://community.khoros.com/api/2.0/users/${id}`, { method: 'DELETE' });\n */\nexport {};\n",
    )
    .unwrap();
    let paths = [py.to_str().unwrap(), js.to_str().unwrap()];
    let (code, _, _) = apimigrate(&[&["check", "--no-config"][..], &paths[..]].concat());
    assert_eq!(code, 0, "commented-out code is not reported by default");

    let args = [
        &[
            "check",
            "--no-config",
            "--include-comments",
            "--format",
            "json",
        ][..],
        &paths[..],
    ]
    .concat();
    let (code, stdout, _) = apimigrate(&args);
    assert_eq!(code, 1);
    assert!(
        !stdout.contains("k-1234567890"),
        "secrets in comments are redacted"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut found: Vec<(String, u64, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert!(f["message"]
                .as_str()
                .unwrap()
                .ends_with("(in commented-out code)"));
            assert!(f["fix"].is_null(), "commented-out code is never fixed: {f}");
            (
                Path::new(f["path"].as_str().unwrap())
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                f["start"]["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    let want = |file: &str, line: u64, code: &str| (file.to_string(), line, code.to_string());
    assert_eq!(
        found,
        [
            want("purge.js", 2, "AUR001"),
            want("purge.py", 6, "LRN004"),
            // At the credential literal.
            want("purge.py", 8, "API002"),
        ]
    );
}

/// Every error a user can meet says what went wrong, where (the file, and its line
/// when there is one), and what to do about it.
#[test]
fn errors_say_what_where_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = |name: &str| d.join(name).display().to_string();
    let fixture = "fixtures/js/AUR001.js";
    let cases: Vec<(Vec<String>, Vec<String>)> = vec![
        (
            vec!["--baseline".into(), path("missing.json")],
            vec![path("missing.json"), "--write-baseline".into()],
        ),
        (
            vec!["--postman-env".into(), path("env.json")],
            vec![path("env.json"), "exported from Postman".into()],
        ),
        (
            vec!["--config".into(), path("apimigrate.toml")],
            vec![path("apimigrate.toml"), "--no-config".into()],
        ),
        (
            vec!["--rules".into(), path("pack.toml")],
            vec![path("pack.toml"), "--rules".into()],
        ),
    ];
    for (flags, wanted) in cases {
        let mut args = vec!["check".to_string()];
        args.extend(flags);
        args.push(fixture.into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, stderr) = apimigrate(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        for w in &wanted {
            assert!(
                stderr.contains(w.as_str()),
                "{args:?} should say {w:?}: {stderr}"
            );
        }
    }
    // A pack error names the file and the line, and how to resolve it.
    let pack = std::fs::read_to_string("tests/packs/quorvex.toml").unwrap();
    let twice = d.join("twice.toml");
    std::fs::write(&twice, &pack).unwrap();
    let twice = twice.display().to_string();
    let (code, _, stderr) = apimigrate(&[
        "check",
        "--rules",
        "tests/packs/quorvex.toml",
        "--rules",
        &twice,
        fixture,
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(&format!("{twice}:")), "{stderr}");
    assert!(stderr.contains("already defined"), "{stderr}");
    assert!(stderr.contains("another code"), "{stderr}");
    let line = stderr
        .split(&format!("{twice}:"))
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse::<usize>().ok());
    assert!(line.is_some_and(|l| l > 1), "no line number: {stderr}");
}
