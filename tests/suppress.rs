//! Inline suppressions: `apimigrate: ignore[CODE, CODE] reason` on a finding's first
//! line or the line above, codes required, and API900 for suppressions that matched
//! nothing, with a safe fix that `apimigrate fix` applies.

mod common;

use apimigrate::rules::engine::Selection;
use apimigrate::rules::RuleSet;
use apimigrate::scan::Checker;
use apimigrate::source::{Language, SourceFile};
use std::path::Path;
use std::process::Command;

const V1_DELETE: &str = "axios.delete(`https://acme.360learning.com/api/v1/users/${id}`, { params: { company: process.env.C, apiKey: process.env.K } });";
const V2_DELETE: &str = "axios.delete(`https://acme.360learning.com/api/v2/users/${id}`, { headers: { Authorization: `Bearer ${t}`, '360-api-version': 'v2.0' } });";

fn check_with(checker: &Checker, text: &str, lang: Language) -> Vec<(usize, String)> {
    let name = match lang {
        Language::Tsx => "a.tsx",
        Language::TypeScript => "a.ts",
        Language::JavaScript => "a.js",
        Language::Postman => "a.postman_collection.json",
        Language::Python => "a.py",
        Language::Rust => "a.rs",
        Language::Shell => "a.sh",
        Language::Markdown => "a.md",
        Language::Http => "a.http",
        Language::CiWorkflow => ".gitlab-ci.yml",
        Language::Notebook => "a.ipynb",
        Language::Dockerfile => "Dockerfile",
        Language::Makefile => "Makefile",
        Language::Har => "a.har",
        Language::Bruno => "a.bru",
        Language::Insomnia => "insomnia.json",
        Language::Ansible => "tasks/main.yml",
        Language::Dotenv => ".env",
        Language::Config => "config.yml",
    };
    let report = checker.check_source(SourceFile::new(name.into(), text.into(), lang));
    report
        .findings
        .iter()
        .map(|f| (report.source.position(f.span.start).line, f.code.clone()))
        .collect()
}

fn check(text: &str) -> Vec<(usize, String)> {
    check_with(&common::checker(), text, Language::JavaScript)
}

fn codes(found: &[(usize, String)]) -> Vec<&str> {
    found.iter().map(|(_, c)| c.as_str()).collect()
}

#[test]
fn the_call_is_reported_without_a_suppression() {
    assert_eq!(codes(&check(&format!("{V1_DELETE}\n"))), ["LRN004"]);
}

#[test]
fn suppresses_on_the_same_line_and_the_line_above() {
    for text in [
        format!("{V1_DELETE} // apimigrate: ignore[LRN004] retired tenant\n"),
        format!("// apimigrate: ignore[LRN004] retired tenant\n{V1_DELETE}\n"),
        format!("  /* apimigrate: ignore[LRN004] */\n{V1_DELETE}\n"),
        format!("{V1_DELETE} /* apimigrate: ignore[LRN004] */\n"),
        // Prefixes, lower case, several codes, no reason, no space after the colon.
        format!("// apimigrate: ignore[lrn]\n{V1_DELETE}\n"),
        format!("// APIMIGRATE:ignore[LRN004]\n{V1_DELETE}\n"),
        format!("// apimigrate: ignore[LRN004 , LRN] reason, with commas\n{V1_DELETE}\n"),
    ] {
        assert!(check(&text).is_empty(), "{text}\n{:?}", check(&text));
    }
}

#[test]
fn a_multi_line_call_is_suppressed_from_its_first_line() {
    let text = "// apimigrate: ignore[LRN004]\naxios.delete(\n  `https://acme.360learning.com/api/v1/users/${id}`,\n  { params: { company: process.env.C, apiKey: process.env.K } },\n);\n";
    assert!(check(text).is_empty(), "{:?}", check(text));
}

#[test]
fn suppresses_in_typescript_and_jsx_comments() {
    let checker = common::checker();
    let ts = format!("// apimigrate: ignore[LRN004]\nconst r: Promise<unknown> = {V1_DELETE}\n");
    assert!(check_with(&checker, &ts, Language::TypeScript).is_empty());
    let tsx = format!(
        "export const P = () => (\n  <div>\n    {{/* apimigrate: ignore[LRN004] */}}\n    <button onClick={{() => {}}}>x</button>\n  </div>\n);\n",
        V1_DELETE.trim_end_matches(';')
    );
    assert!(
        check_with(&checker, &tsx, Language::Tsx).is_empty(),
        "{:?}",
        check_with(&checker, &tsx, Language::Tsx)
    );
}

#[test]
fn only_the_named_codes_are_suppressed() {
    // The call also has a literal API key (API002); only LRN004 is suppressed.
    let text = "// apimigrate: ignore[LRN004]\naxios.delete(`https://acme.360learning.com/api/v1/users/${id}`, { params: { company: 'acme', apiKey: 'k-0123456789abcdef' } });\n";
    assert_eq!(codes(&check(text)), ["API002"]);
}

#[test]
fn two_lines_above_is_too_far() {
    let text = format!("// apimigrate: ignore[LRN004]\nconst x = 1;\n{V1_DELETE}\n");
    assert_eq!(
        check(&text),
        [(1, "API900".to_string()), (3, "LRN004".to_string())]
    );
}

#[test]
fn text_outside_comments_is_not_a_suppression() {
    let text = format!("const s = 'apimigrate: ignore[LRN004]'; {V1_DELETE}\n");
    assert_eq!(codes(&check(&text)), ["LRN004"]);
}

#[test]
fn unused_suppressions_are_reported_with_a_safe_fix() {
    let checker = common::checker();
    let text = format!("// apimigrate: ignore[LRN004] migrated\n{V2_DELETE}\n");
    let report = checker.check_source(SourceFile::new(
        "a.js".into(),
        text.clone(),
        Language::JavaScript,
    ));
    assert_eq!(report.findings.len(), 1);
    let f = &report.findings[0];
    assert_eq!(f.code, "API900");
    assert_eq!(f.name, "unused-suppression");
    assert_eq!(f.severity, apimigrate::finding::Severity::Warning);
    assert!(f.message.contains("LRN004"), "{}", f.message);
    let fix = f.fix.as_ref().unwrap();
    assert_eq!(fix.applicability, apimigrate::finding::Applicability::Safe);
    let fixed = apimigrate::fix::apply_edits(&text, &fix.edits);
    assert_eq!(fixed, format!("{V2_DELETE}\n"));
}

#[test]
fn partly_used_suppressions_lose_only_the_unused_codes() {
    let checker = common::checker();
    let text = format!("{V1_DELETE} // apimigrate: ignore[LRN004, RSA005, XYZ123] legacy\n");
    let report = checker.check_source(SourceFile::new(
        "a.js".into(),
        text.clone(),
        Language::JavaScript,
    ));
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    let f = &report.findings[0];
    assert_eq!(f.code, "API900");
    assert!(f.message.contains("`RSA005`"), "{}", f.message);
    assert!(
        f.message.contains("`XYZ123` matches no rule code"),
        "{}",
        f.message
    );
    assert_eq!(f.labels.len(), 2);
    let fixed = apimigrate::fix::apply_edits(&text, &f.fix.as_ref().unwrap().edits);
    assert_eq!(
        fixed,
        format!("{V1_DELETE} // apimigrate: ignore[LRN004] legacy\n")
    );
}

#[test]
fn codes_are_required() {
    let text = format!("{V1_DELETE} // apimigrate: ignore\n");
    let report =
        common::checker().check_source(SourceFile::new("a.js".into(), text, Language::JavaScript));
    let found: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(found, ["LRN004", "API900"]);
    let api900 = &report.findings[1];
    assert!(
        api900.message.contains("codes are required"),
        "{}",
        api900.message
    );
    assert!(
        api900.fix.as_ref().unwrap().edits.is_empty(),
        "no automated fix for a bare suppression"
    );
    // Empty brackets are bare too.
    assert_eq!(
        codes(&check(&format!("// apimigrate: ignore[]\n{V1_DELETE}\n"))),
        ["API900", "LRN004"]
    );
}

#[test]
fn codes_of_rules_turned_off_are_not_reported_unused() {
    let selection = Selection {
        select: vec!["LRN".into(), "API900".into()],
        ..Selection::default()
    };
    let checker = Checker::new(RuleSet::embedded(), selection);
    let text = format!("{V2_DELETE} // apimigrate: ignore[AUR001]\n");
    assert!(check_with(&checker, &text, Language::JavaScript).is_empty());
    // A code of an enabled rule is.
    let text = format!("{V2_DELETE} // apimigrate: ignore[LRN004]\n");
    assert_eq!(
        codes(&check_with(&checker, &text, Language::JavaScript)),
        ["API900"]
    );
    // With API900 turned off, suppressions still work and nothing is reported.
    let selection = Selection {
        ignore: vec!["API900".into()],
        ..Selection::default()
    };
    let checker = Checker::new(RuleSet::embedded(), selection);
    let text = format!(
        "// apimigrate: ignore[LRN004]\n{V1_DELETE}\n{V2_DELETE} // apimigrate: ignore[LRN004]\n"
    );
    assert!(check_with(&checker, &text, Language::JavaScript).is_empty());
}

#[test]
fn api900_itself_can_be_suppressed() {
    let text = format!("// apimigrate: ignore[LRN004, API900] kept on purpose\n{V2_DELETE}\n");
    assert!(check(&text).is_empty(), "{:?}", check(&text));
}

#[test]
fn unused_suppressions_are_not_reported_in_files_that_do_not_parse() {
    let text = format!("// apimigrate: ignore[LRN004]\n{V2_DELETE}\nfunction (\n");
    let found = check(&text);
    assert!(!codes(&found).contains(&"API900"), "{found:?}");
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

#[test]
fn fix_removes_unused_suppressions_and_keeps_used_ones() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = format!(
        "'use strict';\n// apimigrate: ignore[LRN004] migrated in PR 512\n{V2_DELETE}\n{V1_DELETE} // apimigrate: ignore[LRN004, AUR] legacy tenant\n// apimigrate: ignore[LRN004] retired\n{V1_DELETE}\n"
    );
    std::fs::write(d.join("a.js"), &text).unwrap();
    let (code, stdout, stderr) = run_in(d, &["check", "--format", "json", "a.js"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let reported: Vec<(u64, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["start"]["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(reported, [(2, "API900"), (4, "API900")]);
    assert_eq!(v["summary"]["fixable"], 2);

    let (code, _, stderr) = run_in(d, &["fix", "a.js"]);
    assert_eq!(code, 0, "{stderr}");
    let fixed = std::fs::read_to_string(d.join("a.js")).unwrap();
    assert_eq!(
        fixed,
        format!("'use strict';\n{V2_DELETE}\n{V1_DELETE} // apimigrate: ignore[LRN004] legacy tenant\n// apimigrate: ignore[LRN004] retired\n{V1_DELETE}\n")
    );
    // A second run changes nothing and the file is clean.
    let (code, _, _) = run_in(d, &["fix", "a.js"]);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read_to_string(d.join("a.js")).unwrap(), fixed);
    assert_eq!(run_in(d, &["check", "a.js"]).0, 0);
}

#[test]
fn a_file_with_only_a_stale_suppression_is_still_checked() {
    // No vendor signal left in the file: the suppression comment alone gets it parsed.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.js"),
        "// apimigrate: ignore[LRN004] the call moved to lib/users.js\nexport const x = 1;\n",
    )
    .unwrap();
    let (code, stdout, _) = run_in(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("API900"), "{stdout}");
}

#[test]
fn postman_item_description_suppresses_its_request() {
    let collection = |description: &str| {
        format!(
            r#"{{
	"info": {{"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},
	"item": [
		{{
			"name": "delete",
			"description": "{description}",
			"request": {{
				"method": "DELETE",
				"url": "https://acme.360learning.com/api/v1/users/64b7f0c2a1e4d3b2c1a09f87?company={{{{c}}}}&apiKey={{{{k}}}}"
			}}
		}}
	]
}}
"#
        )
    };
    let checker = common::checker();
    let plain = check_with(&checker, &collection("runbook"), Language::Postman);
    assert_eq!(codes(&plain), ["LRN004"]);
    let quiet = check_with(
        &checker,
        &collection("apimigrate: ignore[LRN004] until the v1 shutdown"),
        Language::Postman,
    );
    assert!(quiet.is_empty(), "{quiet:?}");
    let unused = check_with(
        &checker,
        &collection("apimigrate: ignore[RSA001] stale"),
        Language::Postman,
    );
    assert_eq!(codes(&unused), ["API900", "LRN004"]);
}

/// `(line, code, reason)` of the findings an inline suppression silenced.
fn silenced(text: &str, lang: Language, name: &str) -> Vec<(usize, String, String)> {
    let report = common::checker().check_source(SourceFile::new(name.into(), text.into(), lang));
    report
        .suppressed
        .iter()
        .map(|s| {
            let reason = match &s.by {
                apimigrate::finding::Suppression::InSource { reason, .. } => reason.clone(),
                other => panic!("not an inline suppression: {other:?}"),
            };
            (
                report.source.position(s.finding.span.start).line,
                s.finding.code.clone(),
                reason,
            )
        })
        .collect()
}

#[test]
fn suppressed_findings_are_kept_with_the_written_reason() {
    let js = format!(
        "// apimigrate: ignore[LRN004]   the v1 tenant\tis retired (OPS-1)\nconst id = 1; {V1_DELETE}\n/* apimigrate: ignore[LRN] block reason */ {V1_DELETE}\n{V1_DELETE} // apimigrate: ignore[LRN004]\n"
    );
    assert_eq!(
        silenced(&js, Language::JavaScript, "a.js"),
        [
            (
                2,
                "LRN004".into(),
                "the v1 tenant is retired (OPS-1)".into()
            ),
            (3, "LRN004".into(), "block reason".into()),
            (4, "LRN004".into(), String::new()),
        ]
    );
    let py = "import requests\nrequests.delete(f\"https://acme.360learning.com/api/v1/users/{i}\", params={'company': C, 'apiKey': K})  # apimigrate: ignore[LRN004] py reason\n";
    assert_eq!(
        silenced(py, Language::Python, "a.py"),
        [(2, "LRN004".into(), "py reason".into())]
    );
    let md = "```sh\n# apimigrate: ignore[LRN004] docs keep v1\ncurl -X DELETE \"https://acme.360learning.com/api/v1/users/$ID?company=$C&apiKey=$K\"\n```\n";
    assert_eq!(
        silenced(md, Language::Markdown, "a.md"),
        [(3, "LRN004".into(), "docs keep v1".into())]
    );
    // The rest of a Postman description after its first line is not the reason.
    let text = std::fs::read_to_string("fixtures/postman/offboarding_v21.postman_collection.json")
        .unwrap();
    let found = silenced(&text, Language::Postman, "a.postman_collection.json");
    assert!(
        found
            .iter()
            .any(|(_, c, r)| c == "LRN004" && r == "tracked in OPS-12"),
        "{found:?}"
    );
    // Silenced findings are not reported.
    assert!(check(&js).is_empty(), "{:?}", check(&js));
}

/// API002 is reported at the credential literal, so that is where its suppression goes;
/// one there covers every call that sends the credential.
#[test]
fn a_credential_is_suppressed_at_its_definition() {
    let call = "axios.delete(`https://acme.360learning.com/api/v1/users/${id}`, { params: { company: 'acme', apiKey: KEY } });";
    let text = |suppression: &str| {
        format!("const KEY = 'k-5a1f0c9e7b2d';{suppression}\nfunction a(id) {{ {call} }}\nfunction b(id) {{ {call} }}\n")
    };
    assert_eq!(
        check(&text("")),
        [
            (1, "API002".to_string()),
            (2, "LRN004".to_string()),
            (3, "LRN004".to_string())
        ]
    );
    assert_eq!(
        codes(&check(&text(
            " // apimigrate: ignore[API002] rotated, test tenant"
        ))),
        ["LRN004", "LRN004"]
    );
}

/// A finding about one value of a call starts at that value; a suppression on the
/// value's line or on the call's line (where it was written before findings moved to
/// their values) suppresses it.
#[test]
fn a_finding_at_a_value_is_suppressed_on_its_line_or_the_calls() {
    let call = |comment_on_call: &str, comment_on_value: &str| {
        format!(
            "axios.put(`https://acme.access.securid.com/AdminInterface/restapi/v1/users/${{id}}/markDeleted`, {{{comment_on_call}\n  markDeleted: 'true',{comment_on_value}\n}});\n"
        )
    };
    let found = check(&call("", ""));
    assert!(found.contains(&(2, "RSA001".to_string())), "{found:?}");
    for text in [
        call(" // apimigrate: ignore[RSA001] checked", ""),
        call("", " // apimigrate: ignore[RSA001] checked"),
    ] {
        let found = check(&text);
        assert!(
            !found.iter().any(|(_, c)| c == "RSA001" || c == "API900"),
            "{text}\n{found:?}"
        );
    }
}
