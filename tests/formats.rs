//! The machine formats of `check`: SARIF (validated against the official OASIS
//! SARIF 2.1.0 schema vendored in tests/schemas/), GitHub annotations, JUnit XML,
//! several outputs in one run, redaction in every format, and shell completions.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .output()
        .expect("runs the binary");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn apimigrate(args: &[&str]) -> (i32, String, String) {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("tests/schemas/sarif-2.1.0.json").unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(text: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(text).expect("SARIF output is JSON");
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF output violates the schema:\n{}",
        errors.join("\n")
    );
    v
}

fn json_findings(path: &str) -> serde_json::Value {
    let (_, stdout, _) = apimigrate(&["check", "--format", "json", path]);
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn sarif_is_schema_valid_and_complete() {
    for fixture in [
        "fixtures/js/RSA001.js",
        "fixtures/js/LRN001.js",
        "fixtures/js/API003.js",
        "fixtures/js/API900.js",
        "fixtures/js/lookalikes.js",
    ] {
        let (code, stdout, _) = apimigrate(&["check", "--format", "sarif", fixture]);
        assert!(code == 0 || code == 1, "{fixture}: exit {code}");
        let v = assert_valid_sarif(&stdout);
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "apimigrate");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        let rules = driver["rules"].as_array().unwrap();
        assert!(rules.len() > 20);
        for r in rules {
            for key in [
                "id",
                "name",
                "shortDescription",
                "fullDescription",
                "help",
                "defaultConfiguration",
            ] {
                assert!(!r[key].is_null(), "rule {} lacks {key}", r["id"]);
            }
            assert!(r["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## Why is this bad?"));
            assert!(r["help"]["text"].as_str().unwrap().contains("Fix safety"));
            assert!(["error", "warning", "note"]
                .contains(&r["defaultConfiguration"]["level"].as_str().unwrap()));
        }
        // The JSON report of the same run, to compare positions with.
        let json = json_findings(fixture);
        let findings = json["findings"].as_array().unwrap();
        // Inline-suppressed findings stay in SARIF, marked; the others say they are not.
        let all = run["results"].as_array().unwrap();
        let suppressed = all
            .iter()
            .filter(|r| !r["suppressions"].as_array().unwrap().is_empty())
            .count();
        assert_eq!(suppressed, json["summary"]["suppressed"], "{fixture}");
        let results: Vec<&serde_json::Value> = all
            .iter()
            .filter(|r| r["suppressions"].as_array().unwrap().is_empty())
            .collect();
        assert_eq!(results.len(), findings.len(), "{fixture}");
        for (r, f) in results.iter().zip(findings) {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], r["ruleId"]);
            assert_eq!(r["ruleId"], f["code"]);
            let level = match f["severity"].as_str().unwrap() {
                "error" => "error",
                "warning" => "warning",
                _ => "note",
            };
            assert_eq!(r["level"], level);
            let loc = &r["locations"][0]["physicalLocation"];
            assert_eq!(loc["artifactLocation"]["uri"], f["path"]);
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            let region = &loc["region"];
            assert_eq!(region["startLine"], f["start"]["line"]);
            assert_eq!(region["startColumn"], f["start"]["column"]);
            assert_eq!(region["endLine"], f["end"]["line"]);
            assert_eq!(region["endColumn"], f["end"]["column"]);
            let fp = r["partialFingerprints"]["apimigrate/v1"].as_str().unwrap();
            assert_eq!(fp.len(), 32);
            assert_eq!(fp, f["fingerprint"], "JSON and SARIF share the fingerprint");
            let edits = f["fix"]["edits"].as_array().map_or(0, |e| e.len());
            if edits > 0 {
                let replacements = r["fixes"][0]["artifactChanges"][0]["replacements"]
                    .as_array()
                    .unwrap();
                assert_eq!(replacements.len(), edits);
            } else {
                assert!(r["fixes"].is_null());
            }
        }
    }
}

#[test]
fn sarif_has_related_locations_fixes_and_stable_fingerprints() {
    let (_, a, _) = apimigrate(&["check", "--format", "sarif", "fixtures/js/RSA001.js"]);
    let (_, b, _) = apimigrate(&["check", "--format", "sarif", "fixtures/js/RSA001.js"]);
    let a: serde_json::Value = serde_json::from_str(&a).unwrap();
    let b: serde_json::Value = serde_json::from_str(&b).unwrap();
    let prints = |v: &serde_json::Value| -> Vec<String> {
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["apimigrate/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(prints(&a), prints(&b));
    let unique: BTreeSet<String> = prints(&a).into_iter().collect();
    assert_eq!(
        unique.len(),
        prints(&a).len(),
        "fingerprints must be distinct"
    );
    let results = a["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["relatedLocations"]
        .as_array()
        .is_some_and(|l| !l.is_empty())));
    let fixed = results
        .iter()
        .find(|r| r["ruleId"] == "RSA001" && !r["fixes"].is_null())
        .expect("an RSA001 result with a fix");
    let rep = &fixed["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(rep["insertedContent"]["text"], "true");
    assert!(rep["deletedRegion"]["startLine"].as_u64().unwrap() >= 1);
}

#[test]
fn sarif_columns_count_unicode_characters() {
    let dir = tempfile::tempdir().unwrap();
    // Multi-byte characters (2, 3 and 4 bytes in UTF-8; the emoji is 2 UTF-16 units)
    // before the call on the same line.
    let text = "const é = '✓🙂'; axios.delete(`https://app.360learning.com/api/v1/users/${id}`, { params: { company: process.env.C, apiKey: process.env.K } });\n";
    std::fs::write(dir.path().join("a.js"), text).unwrap();
    let (code, stdout, _) = run_in(dir.path(), &["check", "--format", "sarif", "a.js"]);
    assert_eq!(code, 1, "{stdout}");
    let v = assert_valid_sarif(&stdout);
    let region = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    let call = text.find("axios").unwrap();
    let chars_before = text[..call].chars().count();
    assert_eq!(
        region["startColumn"].as_u64().unwrap() as usize,
        chars_before + 1
    );
    let end = text.find(");\n").unwrap() + 1;
    assert_eq!(
        region["endColumn"].as_u64().unwrap() as usize,
        text[..end].chars().count() + 1
    );
}

#[test]
fn sarif_reports_unscanned_paths_as_notifications() {
    let (code, stdout, _) = apimigrate(&["check", "--format", "sarif", "no/such/dir"]);
    assert_eq!(code, 2);
    let v = assert_valid_sarif(&stdout);
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let n = &inv["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "error");
    assert!(n["message"]["text"]
        .as_str()
        .unwrap()
        .contains("no/such/dir"));
}

#[test]
fn github_annotations() {
    let (code, stdout, _) = apimigrate(&[
        "check",
        "--format",
        "github",
        "--select",
        "JAN004",
        "fixtures/js/JAN004.js",
    ]);
    assert_eq!(
        code, 0,
        "JAN004 is info, below the default --fail-on warning"
    );
    let (_, json, _) = apimigrate(&[
        "check",
        "--format",
        "json",
        "--select",
        "JAN004",
        "fixtures/js/JAN004.js",
    ]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), findings.len());
    for (line, f) in lines.iter().zip(findings) {
        let expected = format!(
            "::notice file=fixtures/js/JAN004.js,line={},col={},endLine={},endColumn={},title={} ({})::",
            f["start"]["line"], f["start"]["column"], f["end"]["line"], f["end"]["column"], f["code"].as_str().unwrap(), f["name"].as_str().unwrap()
        );
        assert!(
            line.starts_with(&expected),
            "{line}\nexpected prefix {expected}"
        );
        // One annotation per line: newlines in the message are escaped.
        assert!(!line[expected.len()..].contains('\n'));
    }
    let (_, stdout, _) = apimigrate(&["check", "--format", "github", "fixtures/js/AUR002.js"]);
    assert!(
        stdout
            .lines()
            .all(|l| l.starts_with("::warning ") || l.starts_with("::error ")),
        "{stdout}"
    );
    assert!(stdout.lines().any(|l| l.starts_with("::warning ")));
}

#[test]
fn github_escapes_properties_and_messages() {
    let dir = tempfile::tempdir().unwrap();
    let name = "a,b:c%.js";
    std::fs::write(
        dir.path().join(name),
        "axios.delete(`https://app.360learning.com/api/v1/users/${id}`, { params: { company: process.env.C, apiKey: process.env.K } });\n",
    )
    .unwrap();
    let (_, stdout, _) = run_in(dir.path(), &["check", "--format", "github", name]);
    assert!(stdout.contains("file=a%2Cb%3Ac%25.js,"), "{stdout}");
    assert!(
        stdout.contains(",title=LRN004 (v1-delete-user)::"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1);
}

fn parse_xml(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("well-formed attribute");
                        (
                            String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                                .expect("valid escapes")
                                .into_owned(),
                        )
                    })
                    .collect();
                out.push((name, attrs));
            }
            Ok(Event::Text(t)) => {
                t.decode().expect("valid text");
            }
            Ok(_) => {}
            Err(e) => panic!("JUnit output is not well-formed XML: {e}\n{text}"),
        }
    }
    out
}

fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> &'a str {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

#[test]
fn junit_one_testcase_per_finding_grouped_by_file() {
    let (code, stdout, _) = apimigrate(&[
        "check",
        "--format",
        "junit",
        "fixtures/js/RSA001.js",
        "fixtures/js/AUR002.js",
    ]);
    assert_eq!(code, 1);
    let elements = parse_xml(&stdout);
    assert_eq!(elements[0].0, "testsuites");
    let suites: Vec<&str> = elements
        .iter()
        .filter(|(n, _)| n == "testsuite")
        .map(|(_, a)| attr(a, "name"))
        .collect();
    assert_eq!(suites, ["fixtures/js/AUR002.js", "fixtures/js/RSA001.js"]);
    let testcases = elements.iter().filter(|(n, _)| n == "testcase").count();
    let failures: Vec<&Vec<(String, String)>> = elements
        .iter()
        .filter(|(n, _)| n == "failure")
        .map(|(_, a)| a)
        .collect();
    let total = json_findings("fixtures/js/RSA001.js")["findings"]
        .as_array()
        .unwrap()
        .len()
        + json_findings("fixtures/js/AUR002.js")["findings"]
            .as_array()
            .unwrap()
            .len();
    assert_eq!(testcases, total);
    assert_eq!(failures.len(), total);
    assert_eq!(attr(&elements[0].1, "failures"), total.to_string());
    for f in failures {
        assert!(!attr(f, "message").is_empty());
        assert!(attr(f, "type").len() == 6);
    }
    // Messages with quotes survive the round trip.
    assert!(stdout.contains("&quot;"));
}

#[test]
fn junit_clean_run_is_a_valid_document_without_failures() {
    let (code, stdout, _) =
        apimigrate(&["check", "--format", "junit", "fixtures/js/lookalikes.js"]);
    assert_eq!(code, 0);
    let elements = parse_xml(&stdout);
    assert_eq!(elements[0].0, "testsuites");
    assert_eq!(attr(&elements[0].1, "failures"), "0");
    assert_eq!(attr(&elements[0].1, "errors"), "0");
    assert!(elements.iter().all(|(n, _)| n != "failure"));
}

#[test]
fn several_outputs_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("apimigrate.sarif");
    let json = dir.path().join("report.json");
    let junit = dir.path().join("junit.xml");
    let (code, stdout, _) = apimigrate(&[
        "check",
        "--format",
        "github",
        "--output",
        &format!("sarif={}", sarif.display()),
        "--output",
        &format!("json={}", json.display()),
        "--output",
        &format!("junit={}", junit.display()),
        "fixtures/js/AUR001.js",
    ]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("::error "),
        "standard output keeps --format:\n{stdout}"
    );
    assert_valid_sarif(&std::fs::read_to_string(&sarif).unwrap());
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(j["version"], 1);
    assert!(j["summary"]["findings"].as_u64().unwrap() > 0);
    parse_xml(&std::fs::read_to_string(&junit).unwrap());

    // --output-file still works, alongside --output.
    let main = dir.path().join("main.json");
    let (code, stdout, _) = apimigrate(&[
        "check",
        "--format",
        "json",
        "--output-file",
        main.to_str().unwrap(),
        "--output",
        &format!("sarif={}", sarif.display()),
        "fixtures/js/AUR001.js",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(std::fs::read_to_string(&main)
        .unwrap()
        .contains("\"version\": 1"));

    // A malformed --output is a usage error.
    assert_eq!(
        apimigrate(&["check", "--output", "sarif", "fixtures/js/AUR001.js"]).0,
        2
    );
    assert_eq!(
        apimigrate(&["check", "--output", "xml=a.xml", "fixtures/js/AUR001.js"]).0,
        2
    );
}

#[test]
fn secrets_are_redacted_in_every_format() {
    let secrets = [
        "hunter2-Correct-Horse",
        "k-9f8e7d6c5b4a",
        "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig",
        "c2dueXZ1czZwYzRqbTdr",
        "sk_live_51HqLyjWDarjtT1zdp7dc",
    ];
    let dir = tempfile::tempdir().unwrap();
    for format in [
        "sarif",
        "github",
        "junit",
        "json",
        "human",
        "gitlab",
        "rdjson",
        "json-lines",
    ] {
        let file = dir.path().join(format!("out.{format}"));
        let (code, stdout, _) = apimigrate(&[
            "check",
            "--format",
            format,
            "--output",
            &format!("{format}={}", file.display()),
            "fixtures/js/API002_redaction.js",
        ]);
        assert_eq!(code, 1);
        let written = std::fs::read_to_string(&file).unwrap();
        // The whole document, SARIF's rule metadata (the rules' documentation) included.
        for text in [&stdout, &written] {
            assert!(text.contains("API002"), "{format}:\n{text}");
            for s in secrets {
                assert!(!text.contains(s), "{format}: `{s}` leaked:\n{text}");
            }
        }
    }
}

#[test]
fn no_progress_bar_without_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..260 {
        std::fs::write(
            dir.path().join(format!("f{i}.js")),
            "fetch('https://app.360learning.com/api/v2/users');\n",
        )
        .unwrap();
    }
    let (code, stdout, stderr) = run_in(dir.path(), &["check", "."]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("260 files"), "{stdout}");
    assert!(!stderr.contains("scanning"), "{stderr}");
}

#[test]
fn shell_completions() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, stdout, _) = apimigrate(&["completions", shell]);
        assert_eq!(code, 0);
        assert!(stdout.contains("apimigrate"), "{shell}");
        assert!(stdout.contains("write-baseline"), "{shell}");
    }
    assert_eq!(apimigrate(&["completions", "tcsh"]).0, 2);
}

#[test]
fn the_schema_check_is_not_vacuous() {
    let validator = sarif_validator();
    let ok = serde_json::json!({"version": "2.1.0", "runs": []});
    assert!(validator.is_valid(&ok));
    for bad in [
        serde_json::json!({"version": "2.0.0", "runs": []}),
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}),
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
            "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}),
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
            "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation":
            {"region": {"startLine": 0}}}]}]}]}),
    ] {
        assert!(!validator.is_valid(&bad), "{bad}");
    }
}

fn gitlab_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("tests/schemas/gitlab-code-quality.json").unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the GitLab schema compiles")
}

fn check_format(format: &str, path: &str) -> (i32, String) {
    let (code, stdout, stderr) = apimigrate(&["check", "--format", format, path]);
    assert!(
        code == 0 || code == 1,
        "{format} {path}: exit {code}: {stderr}"
    );
    (code, stdout)
}

const FORMAT_FIXTURES: [&str; 6] = [
    "fixtures/js/RSA001.js",
    "fixtures/js/LRN001.js",
    "fixtures/js/API900.js",
    "fixtures/python/suppressions.py",
    "fixtures/postman/offboarding_v21.postman_collection.json",
    "fixtures/js/lookalikes.js",
];

#[test]
fn gitlab_code_quality_is_schema_valid_and_matches_json() {
    let validator = gitlab_validator();
    for fixture in FORMAT_FIXTURES {
        let (_, stdout) = check_format("gitlab", fixture);
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{fixture}:\n{}", errors.join("\n"));
        let issues = v.as_array().unwrap();
        let json = json_findings(fixture);
        let findings = json["findings"].as_array().unwrap();
        assert_eq!(issues.len(), findings.len(), "{fixture}");
        for (i, f) in issues.iter().zip(findings) {
            assert_eq!(i["check_name"], f["code"]);
            assert_eq!(i["fingerprint"], f["fingerprint"]);
            assert_eq!(i["location"]["path"], f["path"]);
            assert_eq!(i["location"]["lines"]["begin"], f["start"]["line"]);
            assert_eq!(i["location"]["lines"]["end"], f["end"]["line"]);
            let severity = match f["severity"].as_str().unwrap() {
                "error" => "major",
                "warning" => "minor",
                _ => "info",
            };
            assert_eq!(i["severity"], severity);
            assert!(i["description"]
                .as_str()
                .unwrap()
                .contains(f["message"].as_str().unwrap()));
        }
        // GitLab shows only one issue per fingerprint.
        let unique: BTreeSet<&str> = issues
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(unique.len(), issues.len(), "{fixture}");
    }
}

#[test]
fn the_gitlab_schema_check_is_not_vacuous() {
    let validator = gitlab_validator();
    let issue = serde_json::json!({"description": "d", "check_name": "X1", "fingerprint": "f",
        "severity": "minor", "location": {"path": "a.js", "lines": {"begin": 1}}});
    assert!(validator.is_valid(&serde_json::json!([issue])));
    for (key, value) in [
        ("severity", serde_json::json!("warning")),
        (
            "location",
            serde_json::json!({"path": "./a.js", "lines": {"begin": 1}}),
        ),
        ("location", serde_json::json!({"path": "a.js"})),
        (
            "location",
            serde_json::json!({"path": "a.js", "lines": {"begin": 0}}),
        ),
        ("fingerprint", serde_json::json!("")),
    ] {
        let mut bad = issue.clone();
        bad[key] = value;
        assert!(!validator.is_valid(&serde_json::json!([bad])), "{bad}");
    }
    let mut missing = issue.clone();
    missing.as_object_mut().unwrap().remove("check_name");
    assert!(!validator.is_valid(&serde_json::json!([missing])));
}

#[test]
fn rdjson_has_ranges_codes_and_fixes_as_suggestions() {
    for fixture in FORMAT_FIXTURES {
        let (_, stdout) = check_format("rdjson", fixture);
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(v["source"]["name"], "apimigrate");
        let diagnostics = v["diagnostics"].as_array().unwrap();
        let json = json_findings(fixture);
        let findings = json["findings"].as_array().unwrap();
        assert_eq!(diagnostics.len(), findings.len(), "{fixture}");
        for (d, f) in diagnostics.iter().zip(findings) {
            assert_eq!(d["code"]["value"], f["code"]);
            assert_eq!(d["location"]["path"], f["path"]);
            let range = &d["location"]["range"];
            assert_eq!(range["start"]["line"], f["start"]["line"]);
            assert_eq!(range["end"]["line"], f["end"]["line"]);
            let severity = f["severity"].as_str().unwrap().to_uppercase();
            assert_eq!(d["severity"], severity);
            assert!(d["message"]
                .as_str()
                .unwrap()
                .starts_with(f["message"].as_str().unwrap()));
            // Every edit of a safe or unsafe fix is a suggestion; manual advice is none.
            let edits = match f["fix"]["applicability"].as_str() {
                Some("safe") | Some("unsafe") => f["fix"]["edits"].as_array().unwrap().len(),
                _ => 0,
            };
            let suggestions = d["suggestions"].as_array().map_or(0, |s| s.len());
            assert_eq!(suggestions, edits, "{fixture}: {d}");
        }
    }
    // RSA001's safe fix: a suggestion that replaces `'true'` by `true`.
    let (_, stdout) = check_format("rdjson", "fixtures/js/RSA001.js");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"]["value"] == "RSA001")
        .unwrap();
    let s = &d["suggestions"][0];
    assert_eq!(s["text"], "true");
    let text = std::fs::read_to_string("fixtures/js/RSA001.js").unwrap();
    let line = text
        .lines()
        .nth(s["range"]["start"]["line"].as_u64().unwrap() as usize - 1)
        .unwrap();
    let start = s["range"]["start"]["column"].as_u64().unwrap() as usize - 1;
    let end = s["range"]["end"]["column"].as_u64().unwrap() as usize - 1;
    assert_eq!(&line[start..end], "'true'");
    // A rule with a web reference links it.
    let (_, stdout) = check_format("rdjson", "fixtures/js/LRN001.js");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"]["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))));
}

#[test]
fn rdjson_columns_count_utf8_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let text = "const é = '✓🙂'; axios.delete(`https://app.360learning.com/api/v1/users/${id}`, { params: { company: process.env.C, apiKey: process.env.K } });\n";
    std::fs::write(dir.path().join("a.js"), text).unwrap();
    let (_, stdout, _) = run_in(dir.path(), &["check", "--format", "rdjson", "a.js"]);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let range = &v["diagnostics"][0]["location"]["range"];
    assert_eq!(
        range["start"]["column"].as_u64().unwrap() as usize,
        text.find("axios").unwrap() + 1
    );
    assert_eq!(
        range["end"]["column"].as_u64().unwrap() as usize,
        text.find(");\n").unwrap() + 2
    );
}

#[test]
fn json_lines_are_the_json_findings_one_per_line() {
    for fixture in FORMAT_FIXTURES {
        let (_, stdout) = check_format("json-lines", fixture);
        let json = json_findings(fixture);
        let lines: Vec<serde_json::Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
            .collect();
        assert_eq!(
            &serde_json::Value::Array(lines),
            &json["findings"],
            "{fixture}"
        );
        assert!(stdout.is_empty() || stdout.ends_with('\n'));
    }
}

#[test]
fn new_formats_work_with_output_and_report_unscanned_paths_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let gitlab = dir.path().join("gl-code-quality-report.json");
    let rdjson = dir.path().join("report.rdjson");
    let lines = dir.path().join("report.jsonl");
    let (code, stdout, _) = apimigrate(&[
        "check",
        "--format",
        "github",
        "--output",
        &format!("gitlab={}", gitlab.display()),
        "--output",
        &format!("rdjson={}", rdjson.display()),
        "--output",
        &format!("json-lines={}", lines.display()),
        "fixtures/js/RSA001.js",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("::"));
    let n = json_findings("fixtures/js/RSA001.js")["findings"]
        .as_array()
        .unwrap()
        .len();
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    let gl: serde_json::Value = serde_json::from_str(&read(&gitlab)).unwrap();
    assert_eq!(gl.as_array().unwrap().len(), n);
    let rd: serde_json::Value = serde_json::from_str(&read(&rdjson)).unwrap();
    assert_eq!(rd["diagnostics"].as_array().unwrap().len(), n);
    assert_eq!(read(&lines).lines().count(), n);
    // A path that cannot be scanned has no place in these formats: standard error.
    for format in ["gitlab", "rdjson", "json-lines"] {
        let (code, stdout, stderr) = apimigrate(&["check", "--format", format, "no/such/file.js"]);
        assert_eq!(code, 2);
        assert!(
            stderr.contains("error: no/such/file.js"),
            "{format}: {stderr}"
        );
        assert!(!stdout.contains("no/such"), "{format}: {stdout}");
    }
}

#[test]
fn sarif_fix_at_a_definition_in_another_file_changes_that_artifact_and_is_schema_valid() {
    let (_, stdout, _) = apimigrate(&[
        "check",
        "--format",
        "sarif",
        "fixtures/projects/js_crossfix",
    ]);
    let v = assert_valid_sarif(&stdout);
    let results = v["runs"][0]["results"].as_array().unwrap();
    let elsewhere: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                != "fixtures/projects/js_crossfix/src/settings.js"
        })
        .filter_map(|r| r["fixes"][0]["artifactChanges"].as_array())
        .flatten()
        .collect();
    assert!(!elsewhere.is_empty(), "{v:#}");
    for change in elsewhere {
        assert_eq!(
            change["artifactLocation"]["uri"],
            "fixtures/projects/js_crossfix/src/settings.js"
        );
        assert_eq!(
            change["replacements"][0]["insertedContent"]["text"],
            "/t5/s/api/2.1"
        );
    }
}
