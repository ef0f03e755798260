//! User-defined rule packs: `--rules` and `rule_paths`, `explain`/`rules` on user
//! rules, load errors, `apimigrate test-rules`, and the rule-file JSON Schema.

use std::path::{Path, PathBuf};
use std::process::Command;

const TEAM_PACK: &str = "examples/rule-packs/acme-legacy-scim.toml";
const SCHEMA: &str = "rules/rule-pack.schema.json";

fn apimigrate_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
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

fn apimigrate(args: &[&str]) -> (i32, String, String) {
    apimigrate_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn team_pack() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(TEAM_PACK)
}

fn team_pack_text() -> String {
    std::fs::read_to_string(team_pack()).unwrap()
}

/// A SCIM v1 user deletion (ACME001) through the team gateway.
const SCIM_V1_DELETE: &str = r#"export async function offboard(userId) {
  await fetch(`https://scim.acme-internal.example/scim/v1/Users/${userId}`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${process.env.ACME_SCIM_TOKEN}` },
  });
}
"#;

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// The last non-empty line of `text`.
fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
}

#[test]
fn rules_option_loads_a_user_pack_that_checks_and_fixes() {
    let dir = project(&[("src/offboard.js", SCIM_V1_DELETE)]);
    let pack = team_pack();
    let pack = pack.to_str().unwrap();

    // Without the pack nothing is reported.
    let (code, stdout, _) = apimigrate_in(dir.path(), &["check", "--no-config", "src"]);
    assert_eq!(code, 0, "{stdout}");

    let (code, stdout, stderr) = apimigrate_in(
        dir.path(),
        &["check", "--no-config", "--rules", pack, "src"],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("ACME001(scim-v1-delete-user)"), "{stdout}");
    assert!(stdout.contains("src/offboard.js:2:9"), "{stdout}");

    // JSON output names the user vendor.
    let (_, stdout, _) = apimigrate_in(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--rules",
            pack,
            "--format",
            "json",
            "src",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["findings"][0]["code"], "ACME001");
    assert_eq!(v["findings"][0]["vendor"], "acme-scim");

    // The fix is unsafe: a plain `fix` leaves the file alone.
    let (code, _, _) = apimigrate_in(dir.path(), &["fix", "--no-config", "--rules", pack, "src"]);
    assert_eq!(code, 1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/offboard.js")).unwrap(),
        SCIM_V1_DELETE
    );

    let (code, stdout, stderr) = apimigrate_in(
        dir.path(),
        &[
            "fix",
            "--unsafe-fixes",
            "--no-config",
            "--rules",
            pack,
            "src",
        ],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("Fixed 1 finding in 1 file."), "{stdout}");
    let fixed = std::fs::read_to_string(dir.path().join("src/offboard.js")).unwrap();
    for part in [
        "https://scim.acme-internal.example/scim/v2/Users/${userId}",
        "method: 'PATCH'",
        "Authorization: `Bearer ${process.env.ACME_SCIM_TOKEN}`",
        "'Content-Type': 'application/scim+json'",
        "schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp']",
        "Operations: [{ op: 'replace', value: { active: false } }]",
    ] {
        assert!(fixed.contains(part), "missing {part}:\n{fixed}");
    }
    assert!(!fixed.contains("DELETE"), "{fixed}");

    // Fixed code is clean, for the user pack too.
    let (code, stdout, _) = apimigrate_in(
        dir.path(),
        &["check", "--no-config", "--rules", pack, "src"],
    );
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn rule_paths_in_the_configuration_load_packs_by_glob() {
    let text = team_pack_text();
    let dir = project(&[
        (
            "apimigrate.toml",
            "rule_paths = [\"ci/api-rules/*.toml\"]\n\n[severity]\nACME001 = \"warning\"\n",
        ),
        ("ci/api-rules/acme-legacy-scim.toml", &text),
        ("src/offboard.js", SCIM_V1_DELETE),
        (
            "src/groups.js",
            "const res = await fetch(`https://scim.acme-internal.example/scim/v1/Groups/${groupId}`);\n",
        ),
    ]);
    let (code, stdout, stderr) = apimigrate_in(dir.path(), &["check", "src"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("ACME001(scim-v1-delete-user)"), "{stdout}");
    assert!(stdout.contains("ACME002(scim-v1-endpoint)"), "{stdout}");
    // [severity] may name user codes.
    assert!(
        stdout.contains("(0 errors, 2 warnings, 0 info)"),
        "{stdout}"
    );

    // --select and --ignore know the codes of rule_paths packs.
    let (code, stdout, stderr) =
        apimigrate_in(dir.path(), &["check", "--select", "ACME002", "src"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(!stdout.contains("ACME001("), "{stdout}");
    assert!(stdout.contains("ACME002("), "{stdout}");
    let (code, _, stderr) = apimigrate_in(dir.path(), &["check", "--select", "ACME9", "src"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`ACME9` in --select/--ignore matches no rule code"),
        "{stderr}"
    );

    // `rules` and `explain` in the project show the configured pack.
    let (code, stdout, _) = apimigrate_in(dir.path(), &["rules"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("ACME001 "), "{stdout}");
    let (code, stdout, _) = apimigrate_in(dir.path(), &["explain", "ACME002"]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("# ACME002 (scim-v1-endpoint)"),
        "{stdout}"
    );

    // A glob that matches nothing is an error naming the configuration.
    std::fs::write(
        dir.path().join("apimigrate.toml"),
        "rule_paths = [\"ci/no-such-folder/*.toml\"]\n",
    )
    .unwrap();
    let (code, _, stderr) = apimigrate_in(dir.path(), &["check", "src"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("apimigrate.toml: rule_paths: ") && stderr.contains("matches no file"),
        "{stderr}"
    );
}

#[test]
fn explain_and_rules_show_user_rules() {
    let (code, stdout, stderr) = apimigrate(&["explain", "ACME001", "--rules", TEAM_PACK]);
    assert_eq!(code, 0, "{stderr}");
    for section in [
        "# ACME001 (scim-v1-delete-user)",
        "Vendor: ACME SCIM gateway v1 → v2 · Severity: error · Fix: unsafe",
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Fix safety",
        "## References",
    ] {
        assert!(stdout.contains(section), "missing {section}:\n{stdout}");
    }
    // Without the pack the code is unknown.
    let (code, _, stderr) = apimigrate(&["explain", "ACME001"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rule code"), "{stderr}");

    let (code, stdout, _) = apimigrate(&["rules", "--format", "json", "--rules", TEAM_PACK]);
    assert_eq!(code, 0);
    let list: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let acme: Vec<&serde_json::Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["vendor"] == "acme-scim")
        .collect();
    assert_eq!(acme.len(), 2);
    assert_eq!(acme[0]["code"], "ACME001");
    assert_eq!(acme[0]["fix"], "unsafe");
}

#[test]
fn a_code_defined_in_two_packs_is_an_error_naming_both_files() {
    let text = team_pack_text();
    let dir = project(&[
        ("one.toml", &text),
        ("two.toml", &text),
        ("a.js", SCIM_V1_DELETE),
    ]);
    let (code, _, stderr) = apimigrate_in(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--rules",
            "one.toml",
            "--rules",
            "two.toml",
            "a.js",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("two.toml:")
            && stderr.contains("rule code `ACME001` is already defined in one.toml"),
        "{stderr}"
    );
    // A user pack may not redefine a built-in code either.
    let clash = text
        .replace("prefix = \"ACME\"", "prefix = \"AUR\"")
        .replace("ACME001", "AUR001")
        .replace("ACME002", "AUR902");
    std::fs::write(dir.path().join("clash.toml"), clash).unwrap();
    let (code, _, stderr) = apimigrate_in(
        dir.path(),
        &["rules", "--no-config", "--rules", "clash.toml"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("clash.toml:") && stderr.contains("already defined in rules/aurora.toml"),
        "{stderr}"
    );
    // The same file named twice is loaded once.
    let (code, _, stderr) = apimigrate_in(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--rules",
            "one.toml",
            "--rules",
            "./one.toml",
            "a.js",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn a_bad_pack_is_an_error_with_file_and_line() {
    let text = team_pack_text();
    let line = text
        .lines()
        .position(|l| l == "severity = \"error\"")
        .unwrap()
        + 1;
    let dir = project(&[
        (
            "bad.toml",
            &text.replacen("severity = \"error\"", "severity = \"fatal\"", 1),
        ),
        ("a.js", SCIM_V1_DELETE),
    ]);
    for args in [
        &["check", "--no-config", "--rules", "bad.toml", "a.js"][..],
        &["fix", "--no-config", "--rules", "bad.toml", "a.js"][..],
        &["rules", "--no-config", "--rules", "bad.toml"][..],
        &["explain", "ACME001", "--no-config", "--rules", "bad.toml"][..],
        &["test-rules", "bad.toml"][..],
    ] {
        let (code, _, stderr) = apimigrate_in(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("bad.toml:{line}: unknown variant `fatal`")),
            "{args:?}: {stderr}"
        );
    }
    // A missing file names the file.
    let (code, _, stderr) = apimigrate_in(
        dir.path(),
        &["check", "--no-config", "--rules", "missing.toml", "a.js"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("missing.toml: cannot read rule pack"),
        "{stderr}"
    );
    // Validation beyond the format: a path pattern that does not parse, by line.
    let broken = text.replace("\"**/scim/v1/**\"", "\"**/scim/v1*/**\"");
    let line = broken
        .lines()
        .position(|l| l.contains("**/scim/v1*/**"))
        .unwrap()
        + 1;
    std::fs::write(dir.path().join("pattern.toml"), broken).unwrap();
    let (code, _, stderr) = apimigrate_in(
        dir.path(),
        &["rules", "--no-config", "--rules", "pattern.toml"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("pattern.toml:{line}: ACME002:")),
        "{stderr}"
    );
}

#[test]
fn test_rules_passes_on_the_built_in_packs_and_the_example_pack() {
    let (code, stdout, stderr) = apimigrate(&["test-rules"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let summary = last_line(&stdout);
    assert!(summary.ends_with(" passed, 0 failed"), "{stdout}");
    let passed: usize = summary.split(' ').next().unwrap().parse().unwrap();
    assert!(passed > 90, "{summary}");

    // The built-in packs from disk replace their embedded copies.
    let (code, stdout, stderr) = apimigrate(&["test-rules", "rules"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(last_line(&stdout), summary);

    let (code, stdout, stderr) = apimigrate(&["test-rules", "examples/rule-packs"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout, "7 passed, 0 failed\n");
    let (code, stdout, _) = apimigrate(&["test-rules", TEAM_PACK]);
    assert_eq!(code, 0);
    assert_eq!(stdout, "7 passed, 0 failed\n");
}

#[test]
fn test_rules_fails_on_a_silent_invalid_example_and_a_wrong_fixed_one() {
    let text = team_pack_text();
    // ACME001's second example (`invalid`) no longer carries any ACME signal.
    let silent = text.replace(
        "const ACME_SCIM_URL = process.env.ACME_SCIM_URL;\nexport async function offboard(id: string) {\n  await axios.delete(`${ACME_SCIM_URL}/scim/v1/Users/${id}`);",
        "const BASE = process.env.BASE_URL;\nexport async function offboard(id: string) {\n  await axios.delete(`${BASE}/scim/v1/Users/${id}`);",
    );
    assert_ne!(silent, text);
    // ACME002's `fixed` expects the wrong version.
    let wrong_fixed = text.replace(
        "fixed = \"\"\"\nconst res = await fetch(`https://scim.acme-internal.example/scim/v2/Groups/${groupId}`);",
        "fixed = \"\"\"\nconst res = await fetch(`https://scim.acme-internal.example/scim/v3/Groups/${groupId}`);",
    );
    assert_ne!(wrong_fixed, text);
    let dir = project(&[
        ("packs/silent.toml", &silent),
        ("wrong-fixed.toml", &wrong_fixed),
    ]);

    let (code, stdout, _) = apimigrate_in(dir.path(), &["test-rules", "packs"]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(
        stdout,
        "packs/silent.toml: ACME001 example 2 (invalid): expected ACME001 to be reported, reported nothing\n6 passed, 1 failed\n"
    );

    let (code, stdout, _) = apimigrate_in(dir.path(), &["test-rules", "wrong-fixed.toml"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with(
            "wrong-fixed.toml: ACME002 example 1 (fixed): the fixed code differs from `fixed` (- expected, + fixed)\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("-const res = await fetch(`https://scim.acme-internal.example/scim/v3/Groups/${groupId}`);\n+const res = await fetch(`https://scim.acme-internal.example/scim/v2/Groups/${groupId}`);"),
        "{stdout}"
    );
    assert_eq!(last_line(&stdout), "6 passed, 1 failed");

    // A valid example that reports its rule fails too, naming what was reported.
    let loud = text.replace(
        "// Already on v2.\nawait fetch(`https://scim.acme-internal.example/scim/v2/Users/${userId}`, {\n  method: 'PATCH',",
        "// Already on v2.\nawait fetch(`https://scim.acme-internal.example/scim/v1/Users/${userId}`, {\n  method: 'DELETE',",
    );
    assert_ne!(loud, text);
    std::fs::write(dir.path().join("loud.toml"), loud).unwrap();
    let (code, stdout, _) = apimigrate_in(dir.path(), &["test-rules", "loud.toml"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with(
            "loud.toml: ACME001 example 3 (valid): expected no ACME001, reported ACME001\n"
        ),
        "{stdout}"
    );
}

fn schema_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA)).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the rule-pack schema compiles")
}

fn as_json(toml_text: &str) -> serde_json::Value {
    let value: toml::Value = toml::from_str(toml_text).unwrap();
    serde_json::to_value(value).unwrap()
}

#[test]
fn schema_file_is_current() {
    let generated = apimigrate::rules::model::json_schema();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA);
    let shipped = std::fs::read_to_string(&path).unwrap_or_default();
    if shipped != generated {
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &generated).unwrap();
        } else {
            panic!("{SCHEMA} is out of date; run `UPDATE_SCHEMA=1 cargo test --test rule_packs schema` to regenerate it");
        }
    }
    let (code, stdout, _) = apimigrate(&["rules", "--schema"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, generated);
}

#[test]
fn every_shipped_pack_is_valid_against_the_schema() {
    let validator = schema_validator();
    let mut packs: Vec<(String, String)> = apimigrate::rules::EMBEDDED
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
    packs.push((TEAM_PACK.into(), team_pack_text()));
    // The made-up vendor the end-to-end suites migrate with one pack file.
    let test_pack = "tests/packs/quorvex.toml";
    packs.push((
        test_pack.into(),
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(test_pack)).unwrap(),
    ));
    for (file, text) in packs {
        let instance = as_json(&text);
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{file}:\n{}", errors.join("\n"));
    }
    // And it catches what the loader rejects.
    let bad = team_pack_text().replacen("severity = \"error\"", "severity = \"fatal\"", 1);
    assert!(!validator.is_valid(&as_json(&bad)));
    let unknown = team_pack_text().replacen("[rule.match]", "[rule.match]\nmethod = \"DELETE\"", 1);
    assert!(!validator.is_valid(&as_json(&unknown)));
}

#[test]
fn readme_documents_custom_rule_packs() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for needle in [
        "## Custom rule packs",
        "apimigrate test-rules",
        "rule_paths",
        "--rules",
        "rule-pack.schema.json",
        "#:schema",
        "\"$schema\"",
    ] {
        assert!(readme.contains(needle), "README lacks {needle}");
    }
    // The short example pack in the section loads and its examples pass.
    let start = readme
        .find("#:schema ../../rules/rule-pack.schema.json\n[vendor]")
        .expect("README has the example pack");
    let end = start + readme[start..].find("```").unwrap();
    let dir = project(&[("readme-pack.toml", &readme[start..end])]);
    let (code, stdout, stderr) = apimigrate_in(dir.path(), &["test-rules", "readme-pack.toml"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout, "2 passed, 0 failed\n");
}
