//! `apimigrate fix` as a user runs it: applicability levels, `--diff`, idempotence,
//! and what a codemod must never lose (line endings, BOM, permissions, unparseable
//! results, files changed behind its back). Also configuration errors.

use apimigrate::pipeline::fix::{fix_source, FixLevel};
use apimigrate::rules::engine::Selection;
use apimigrate::rules::RuleSet;
use apimigrate::scan::Checker;
use apimigrate::source::{Language, SourceFile};
use std::path::Path;
use std::process::Command;

fn apimigrate(dir: &Path, args: &[&str]) -> (i32, String, String) {
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

/// A file with one safe fix (RSA001: "true" → true) and one unsafe fix (AUR002).
const MIXED: &str = r#"const SECURID = 'https://acme.access.securid.com/AdminInterface/restapi/v1';
async function mark(id, jwt) {
  await fetch(`${SECURID}/users/${id}/markDeleted`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ markDeleted: 'true' }),
  });
}
const KHOROS_API = 'https://community.khoros.com/api/2.0';
module.exports = { mark, KHOROS_API };
"#;

fn project(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("job.js"), text).unwrap();
    dir
}

#[test]
fn safe_fixes_by_default_unsafe_on_request() {
    let dir = project(MIXED);
    let (code, stdout, _) = apimigrate(dir.path(), &["fix", "--no-config", "job.js"]);
    let after = std::fs::read_to_string(dir.path().join("job.js")).unwrap();
    assert!(
        after.contains("JSON.stringify({ markDeleted: true })"),
        "{after}"
    );
    // The unsafe AUR002 fix waits for --unsafe-fixes; the finding remains, so exit 1.
    assert!(after.contains("/api/2.0'"), "{after}");
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("AUR002"), "{stdout}");
    assert!(stdout.contains("Fixed 1 finding in 1 file."), "{stdout}");

    let (code, stdout, _) = apimigrate(
        dir.path(),
        &["fix", "--unsafe-fixes", "--no-config", "job.js"],
    );
    let after = std::fs::read_to_string(dir.path().join("job.js")).unwrap();
    assert!(
        after.contains("https://community.khoros.com/t5/s/api/2.1'"),
        "{after}"
    );
    assert!(!stdout.contains("AUR002"), "{stdout}");
    // Only the RSA006-style manual advice may remain; nothing at warning level or above.
    assert_eq!(code, 0, "{stdout}");

    // A second run changes nothing.
    let (code, stdout, _) = apimigrate(
        dir.path(),
        &["fix", "--unsafe-fixes", "--no-config", "job.js"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("job.js")).unwrap(),
        after
    );
    assert!(stdout.contains("Fixed 0 findings in 0 files."), "{stdout}");
    assert_eq!(code, 0);
}

#[test]
fn diff_writes_nothing_and_exits_1() {
    let dir = project(MIXED);
    let (code, stdout, stderr) = apimigrate(
        dir.path(),
        &["fix", "--diff", "--unsafe-fixes", "--no-config", "job.js"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.starts_with("--- a/job.js\n+++ b/job.js\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("-    body: JSON.stringify({ markDeleted: 'true' }),"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+    body: JSON.stringify({ markDeleted: true }),"),
        "{stdout}"
    );
    assert!(
        stderr.contains("Would fix 2 findings in 1 file."),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("job.js")).unwrap(),
        MIXED
    );
    // Nothing to do: exit 0 and no diff.
    let clean = project("const x = 1;\n");
    let (code, stdout, _) = apimigrate(clean.path(), &["fix", "--diff", "--no-config", "job.js"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn keeps_crlf_bom_and_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("job.js");
    let crlf = MIXED.replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(crlf.as_bytes());
    std::fs::write(&path, &bytes).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o751)).unwrap();
    }
    let (_, stdout, _) = apimigrate(
        dir.path(),
        &["fix", "--unsafe-fixes", "--no-config", "job.js"],
    );
    let after = std::fs::read(&path).unwrap();
    assert!(after.starts_with(b"\xEF\xBB\xBF"), "BOM lost");
    let text = String::from_utf8(after[3..].to_vec()).unwrap();
    assert!(text.contains("markDeleted: true"), "{stdout}\n{text}");
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "a bare LF crept in"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o751
        );
    }
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// A user rule pack whose fix inserts a stray quote: the engine must drop it, report
/// it, and leave the file as it was.
#[test]
fn a_fix_that_breaks_the_file_is_dropped() {
    let pack = r#"
[vendor]
id = "broken"
name = "Broken"
prefix = "BRK"
[signals]
hosts = ["*.example.org"]
[[rule]]
code = "BRK001"
name = "breaks-things"
severity = "error"
summary = "s"
message = "m"
match = { paths = ["**/old/**"] }
fix = { applicability = "safe", title = "Break it", transform = { kind = "replace-in-url", from = "/old", to = "/new'" } }
docs = { what = "w", why = "y", before = "b", fix_safety = "f" }
"#;
    let rules = RuleSet::load([("broken.toml".to_string(), pack.to_string())]).unwrap();
    let checker = Checker::new(rules, Selection::default());
    let text = "fetch('https://api.example.org/old/users');\n";
    let source = SourceFile::new("a.js".into(), text.into(), Language::JavaScript);
    let outcome = fix_source(&checker, &source, FixLevel::Safe);
    assert_eq!(outcome.fixed, text);
    assert_eq!(outcome.dropped.len(), 1, "{:?}", outcome.dropped);
    assert!(outcome.dropped[0].reason.contains("would not parse"));
    assert_eq!(outcome.remaining.len(), 1);
}

#[test]
fn a_file_that_does_not_parse_is_not_fixed() {
    // An unterminated quote at the end of a runbook: the curl command before it has
    // fixes, but nothing can tell whether they keep the file intact.
    let text = "#!/bin/sh\ncurl -X POST \"https://acme.access.securid.com/AdminInterface/restapi/v1/users/$ID/markDeleted\" \\\n  -d '{\"markDeleted\": \"true\"}' \\\n  -H \"Authorization: B";
    let checker = Checker::new(RuleSet::embedded(), Selection::default());
    for level in [FixLevel::Safe, FixLevel::Unsafe] {
        let source = SourceFile::new("runbook.sh".into(), text.into(), Language::Shell);
        let outcome = fix_source(&checker, &source, level);
        assert_eq!(outcome.fixed, text);
        assert!(outcome.applied.is_empty(), "{:?}", outcome.applied);
        assert!(
            outcome.remaining.iter().any(|f| f.code == "API003"),
            "{:?}",
            outcome.remaining
        );
    }
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("job.js");
    std::fs::write(&path, "changed by someone else\n").unwrap();
    let err =
        apimigrate::fix::write::write_fixed(&path, MIXED.as_bytes(), "new", false).unwrap_err();
    assert!(err.to_string().contains("changed on disk"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "changed by someone else\n"
    );
}

#[test]
fn config_is_found_upward_and_errors_name_file_and_line() {
    let dir = project(MIXED);
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::rename(dir.path().join("job.js"), dir.path().join("src/job.js")).unwrap();
    std::fs::write(dir.path().join("apimigrate.toml"), "ignore = [\"AUR\"]\n").unwrap();
    let (_, stdout, _) = apimigrate(&dir.path().join("src"), &["check", "job.js"]);
    assert!(
        !stdout.contains("AUR002") && stdout.contains("RSA001"),
        "{stdout}"
    );
    // --no-config brings AUR002 back.
    let (_, stdout, _) = apimigrate(&dir.path().join("src"), &["check", "--no-config", "job.js"]);
    assert!(stdout.contains("AUR002"), "{stdout}");
    // A bad key: exit 2, the message names the file and the line.
    std::fs::write(
        dir.path().join("apimigrate.toml"),
        "ignore = []\n[aurora]\npasword = { env = \"X\" }\n",
    )
    .unwrap();
    let (code, _, stderr) = apimigrate(dir.path(), &["check", "src"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("apimigrate.toml:3:"), "{stderr}");
    assert!(stderr.contains("pasword"), "{stderr}");
}

#[test]
fn per_directory_configs_apply_to_the_files_under_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("legacy")).unwrap();
    std::fs::create_dir_all(root.join("vendor")).unwrap();
    for sub in [".", "legacy", "vendor"] {
        std::fs::write(root.join(sub).join("job.js"), MIXED).unwrap();
    }
    // The base excludes vendor/; legacy/ extends it and ignores the Aurora rules.
    std::fs::write(root.join("apimigrate.toml"), "exclude = [\"vendor/**\"]\n").unwrap();
    std::fs::write(
        root.join("legacy/apimigrate.toml"),
        "extend = \"../apimigrate.toml\"\nignore = [\"AUR\"]\n",
    )
    .unwrap();
    let (_, stdout, _) = apimigrate(root, &["check", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let found: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        found.contains(&("job.js".into(), "AUR002".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("legacy/job.js".into(), "RSA001".into())),
        "{found:?}"
    );
    assert!(
        !found.contains(&("legacy/job.js".into(), "AUR002".into())),
        "{found:?}"
    );
    assert!(
        found.iter().all(|(p, _)| !p.starts_with("vendor/")),
        "{found:?}"
    );
    // --no-config: every file, every rule.
    let (_, stdout, _) = apimigrate(root, &["check", "--no-config", "--format", "json", "."]);
    assert!(
        stdout.contains("vendor/job.js") && stdout.matches("AUR002").count() >= 3,
        "{stdout}"
    );
}

/// `--postman-env` resolves a collection's `{{variables}}` for the whole run: without
/// it the host is unknown (a hole, no vendor signal); with it the call is RSA's.
#[test]
fn postman_env_option_resolves_collection_variables() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("collections")).unwrap();
    std::fs::create_dir(dir.path().join("envs")).unwrap();
    std::fs::write(
        dir.path().join("collections/offboard.postman_collection.json"),
        r#"{
	"info": { "name": "Offboard", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
	"item": [
		{
			"name": "Purge user",
			"request": { "method": "DELETE", "url": { "raw": "{{tenant}}/users/{{userId}}" } }
		}
	]
}
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("envs/prod.postman_environment.json"),
        r#"{ "name": "prod", "_postman_variable_scope": "environment", "values": [
  { "key": "tenant", "value": "https://acme.access.securid.com/AdminInterface/restapi/v1", "enabled": true }
] }
"#,
    )
    .unwrap();
    let (code, stdout, _) = apimigrate(
        dir.path(),
        &["check", "--no-config", "--format", "json", "collections"],
    );
    assert_eq!(code, 0, "{stdout}");
    let (code, stdout, _) = apimigrate(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--postman-env",
            "envs/prod.postman_environment.json",
            "collections",
        ],
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("\"RSA005\""), "{stdout}");
    // A missing environment file is a usage error naming it.
    let (code, _, stderr) = apimigrate(
        dir.path(),
        &["check", "--postman-env", "envs/nope.json", "collections"],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("envs/nope.json"), "{stderr}");
}

#[test]
fn diff_masks_secrets_on_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("purge.py"),
        "import requests\n\nAPI_KEY = \"5f1c2e9a7b3d4c8e9f0a1b2c3d4e5f60\"\n\n\ndef purge(user_id):\n    requests.delete(f\"https://app.360learning.com/api/v1/users/{user_id}\", params={\"company\": \"acme\", \"apiKey\": API_KEY})\n",
    )
    .unwrap();
    let (code, stdout, stderr) = apimigrate(
        dir.path(),
        &["fix", "--diff", "--unsafe-fixes", "--no-config", "purge.py"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("+++ b/purge.py"), "{stdout}");
    assert!(
        !stdout.contains("5f1c2e9a7b3d4c8e9f0a1b2c3d4e5f60"),
        "{stdout}"
    );
    assert!(stdout.contains("API_KEY = \"***\""), "{stdout}");
}
