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

/// A Postman collection exported on one line (under the size cap), with a finding past
/// column 65,535 and a safe fix after it. Minified JavaScript is never parsed (it is read
/// with the literal scan only), but one-line JSON exports are ordinary collections.
fn one_line_collection() -> String {
    let filler: Vec<String> = (0..900)
        .map(|i| format!(r#"{{"name":"health {i:03}","request":{{"method":"GET","url":"https://status.example.com/ping/{i:03}?padding=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}}}"#))
        .collect();
    format!(
        r#"{{"info":{{"name":"ops","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},"item":[{},{},{}]}}"#,
        filler.join(","),
        r#"{"name":"drop","request":{"method":"DELETE","url":"https://community.khoros.com/api/2.0/users/42"}}"#,
        r#"{"name":"mark","request":{"method":"PUT","header":[{"key":"Content-Type","value":"application/json"}],"body":{"mode":"raw","raw":"{\"markDeleted\": \"true\"}"},"url":"https://acme.access.securid.com/AdminInterface/restapi/v1/users/8f3a/markDeleted"}}"#
    )
}

#[test]
fn a_finding_past_column_65535_is_reported_without_a_code_frame() {
    let dir = tempfile::tempdir().unwrap();
    let text = one_line_collection();
    let column = text.find("https://community.khoros.com").unwrap();
    assert!(column > 65_535);
    std::fs::write(dir.path().join("ops.postman_collection.json"), &text).unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["check", "--no-config", "ops.postman_collection.json"],
        &[],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("AUR001(rest-v2-user-delete)"), "{stdout}");
    // The position is given in words, past column 65,535 and near the call.
    let at = stdout
        .split("at ops.postman_collection.json:1:")
        .nth(1)
        .expect("a position in words")
        .split(' ')
        .next()
        .unwrap()
        .parse::<usize>()
        .unwrap();
    assert!(
        at > 65_535 && at.abs_diff(column) < 200,
        "{at} {column}\n{stdout}"
    );
    assert!(stdout.contains(" (a line of "), "{stdout}");
}

#[test]
fn fixing_a_one_line_collection_reports_what_remains_without_crashing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ops.postman_collection.json"),
        one_line_collection(),
    )
    .unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["fix", "--no-config", "ops.postman_collection.json"],
        &[],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("Fixed 1 finding in 1 file."), "{stdout}");
    assert!(stdout.contains("AUR001(rest-v2-user-delete)"), "{stdout}");
}

fn nested_collection(depth: usize) -> String {
    let leaf = r#"{"name":"drop","request":{"method":"DELETE","url":"https://community.khoros.com/api/2.0/users/1"}}"#;
    format!(
        r#"{{"info":{{"name":"c","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},"item":[{}{leaf}{}]}}"#,
        r#"{"name":"f","item":["#.repeat(depth),
        "]}".repeat(depth)
    )
}

#[test]
fn a_collection_nested_too_deeply_is_api003_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    for (name, depth) in [("deep", 5_000), ("deeper", 200_000)] {
        std::fs::write(
            dir.path().join(format!("{name}.postman_collection.json")),
            nested_collection(depth),
        )
        .unwrap();
    }
    let (code, stdout, stderr) = run(
        dir.path(),
        &["check", "--no-config", "--format", "json", "."],
        &[],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{stdout}");
    for f in findings {
        assert_eq!(f["code"], "API003");
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("nested more than 1000 levels deep"),
            "{f}"
        );
    }
}

#[test]
fn a_collection_nested_within_the_limit_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.postman_collection.json"),
        nested_collection(900),
    )
    .unwrap();
    let (code, stdout, _) = run(dir.path(), &["check", "--no-config", "-q", "."], &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("Found 1 finding (1 error"), "{stdout}");
}

#[test]
fn rust_with_deeply_nested_parentheses_is_read_or_api003_never_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let file = |depth: usize| {
        format!(
            "fn main() {{\n    let url = \"https://community.khoros.com/api/2.0/users/1\";\n    let x = {}1{};\n    reqwest::blocking::Client::new().delete(url).send().unwrap();\n}}\n",
            "(\n".repeat(depth),
            ")\n".repeat(depth)
        )
    };
    std::fs::write(dir.path().join("a.rs"), file(700)).unwrap();
    std::fs::write(dir.path().join("b.rs"), file(100_000)).unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["check", "--no-config", "--format", "json", "."],
        &[],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let codes: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        codes.contains(&("a.rs".into(), "AUR001".into())),
        "{stdout}"
    );
    assert!(
        codes.contains(&("b.rs".into(), "API003".into())),
        "{stdout}"
    );
}

#[test]
fn an_edit_saved_while_fix_writes_is_kept_reported_and_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.js"), SECURID).unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["fix", "--no-config", "a.js"],
        &[("APIMIGRATE_DEBUG_FAULT", "write-edit:a.js")],
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stdout.contains("error: a.js: the file changed on disk since it was read; not overwritten"),
        "{stdout}"
    );
    // The summary counts only what was written.
    assert!(stdout.contains("Fixed 0 findings in 0 files."), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.js")).unwrap(),
        format!("{SECURID}// edited meanwhile\n")
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn fix_through_a_symlink_fixes_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("lib")).unwrap();
    std::fs::write(dir.path().join("lib/real.js"), SECURID).unwrap();
    std::os::unix::fs::symlink("lib/real.js", dir.path().join("link.js")).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["fix", "--no-config", "link.js"], &[]);
    assert!(code == 0 || code == 1, "{stdout}{stderr}");
    assert!(stdout.contains("Fixed 1 finding in 1 file."), "{stdout}");
    let link = std::fs::symlink_metadata(dir.path().join("link.js")).unwrap();
    assert!(link.file_type().is_symlink());
    let real = std::fs::read_to_string(dir.path().join("lib/real.js")).unwrap();
    assert!(
        real.contains("JSON.stringify({ markDeleted: true })"),
        "{real}"
    );
}

#[test]
fn fix_diff_with_a_missing_path_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.js"), SECURID).unwrap();
    for args in [
        &["fix", "--diff", "--no-config", "missing.js"][..],
        &["fix", "--diff", "--no-config", "a.js", "missing.js"][..],
    ] {
        let (code, stdout, stderr) = run(dir.path(), args, &[]);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains("missing.js"), "{stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.js")).unwrap(),
        SECURID
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_an_environment_does_not_hang_check() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.postman_collection.json"),
        nested_collection(1),
    )
    .unwrap();
    let fifo = dir.path().join("x.postman_environment.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("x.postman_environment.json", dir.path().join("y.js")).unwrap();
    let start = Instant::now();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["check", "--no-config", "--file-timeout", "30", "."],
        &[],
    );
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("AUR001"), "{stdout}");
    // Named on the command line, it is an error, not a wait.
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--postman-env",
            "x.postman_environment.json",
            "c.postman_collection.json",
        ],
        &[],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[test]
fn a_truncated_postman_env_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.postman_collection.json"),
        nested_collection(1),
    )
    .unwrap();
    let env = r#"{"name":"e","values":[{"key":"host","value":"https://community.khoros.com","enabled":true}]}"#;
    std::fs::write(dir.path().join("good.json"), env).unwrap();
    std::fs::write(dir.path().join("cut.json"), &env[..40]).unwrap();
    std::fs::write(dir.path().join("shape.json"), r#"{"name":"e"}"#).unwrap();
    let (code, _, stderr) = run(
        dir.path(),
        &["check", "--no-config", "--postman-env", "good.json", "."],
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    for (file, says) in [
        ("cut.json", "not valid JSON: EOF while parsing"),
        ("shape.json", "not a Postman environment"),
    ] {
        let (code, stdout, stderr) = run(
            dir.path(),
            &["check", "--no-config", "--postman-env", file, "."],
            &[],
        );
        assert_eq!(code, 2, "{stdout}{stderr}");
        assert!(
            stderr.contains(&format!("--postman-env {file}: {says}")),
            "{stderr}"
        );
    }
}

#[test]
fn files_their_language_rejects_are_api003_and_never_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let files: [(&str, &str); 4] = [
        // `if` with no indented block.
        (
            "a.py",
            "import requests\nBASE = \"https://community.khoros.com/api/2.0\"\ndef drop(uid):\n    if uid:\n    requests.delete(BASE + \"/users/\" + uid)\n",
        ),
        // A DEL byte inside a name.
        (
            "b.js",
            "const API = 'https://community.khoros.com/api/2.0';\nasync function dr\u{7f}op(id) {\n  await fetch(`${API}/users/${id}`, { method: 'DELETE' });\n}\n",
        ),
        // A syntax error in one function's macro; the call is in another function.
        (
            "c.rs",
            "fn a() {\n    let u = \"https://community.khoros.com/api/2.0/users/1\";\n    reqwest::blocking::Client::new().delete(u).send().unwrap();\n}\nfn b() {\n    println!(\"{}\", 1 +);\n}\n",
        ),
        // A syntax error in another function.
        (
            "d.rs",
            "fn a() {\n    let u = \"https://community.khoros.com/api/2.0/users/1\";\n    reqwest::blocking::Client::new().delete(u).send().unwrap();\n}\nfn b() {\n    let x = ;\n}\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (_, stdout, stderr) = run(
        dir.path(),
        &[
            "fix",
            "--unsafe-fixes",
            "--no-config",
            "--format",
            "json",
            ".",
        ],
        &[],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    for (name, text) in files {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(name)).unwrap(),
            text,
            "{name} was rewritten"
        );
        assert!(
            doc["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["path"] == name && f["code"] == "API003"),
            "{name}: {stdout}"
        );
    }
    assert!(stderr.contains("Fixed 0 findings in 0 files."), "{stderr}");
}

#[test]
fn a_collection_with_raw_control_characters_is_api003_and_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let text = nested_collection(1).replace(r#""name":"drop""#, "\"name\":\"dr\u{1}op\"");
    std::fs::write(dir.path().join("c.postman_collection.json"), &text).unwrap();
    let (_, stdout, _) = run(
        dir.path(),
        &[
            "fix",
            "--unsafe-fixes",
            "--no-config",
            "--format",
            "json",
            ".",
        ],
        &[],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("c.postman_collection.json")).unwrap(),
        text
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let f = &doc["findings"][0];
    assert_eq!(f["code"], "API003", "{stdout}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("raw control character U+0001"),
        "{stdout}"
    );
}

#[test]
fn a_collection_of_the_wrong_shape_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.postman_collection.json"),
        r#"{"info":{"name":"c","description":"Khoros cleanup: https://community.khoros.com/api/2.0/users","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},"item":3}"#,
    )
    .unwrap();
    let (code, stdout, _) = run(
        dir.path(),
        &["check", "--no-config", "--format", "json", "."],
        &[],
    );
    assert_eq!(code, 1, "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let f = &doc["findings"][0];
    assert_eq!(f["code"], "API003", "{stdout}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("not a Postman collection: `item` is a number, expected an array"),
        "{stdout}"
    );
}

/// The lines a fix added to `name` in `dir` (compared with `before`).
fn added_lines(before: &str, after: &str) -> Vec<String> {
    let old: std::collections::HashSet<&str> = before.lines().collect();
    after
        .lines()
        .filter(|l| !old.contains(l))
        .map(str::to_string)
        .collect()
}

#[test]
fn helpers_inserted_into_tab_indented_files_are_indented_with_tabs() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "a.py",
            "import requests\n\nBASE = \"https://acme.360learning.com\"\n\n\ndef drop(group_id, user_id):\n\tif user_id:\n\t\trequests.delete(BASE + \"/api/v1/groups/\" + group_id + \"/users/\" + user_id, params={\"company\": \"c\", \"apiKey\": \"k\"})\n",
        ),
        (
            "b.sh",
            "#!/bin/bash\nset -e\nBASE=https://acme.360learning.com\ndrop() {\n\tcurl -X DELETE \"$BASE/api/v1/groups/$1/users/$2?company=c&apiKey=$KEY\"\n}\n",
        ),
        (
            "c.rs",
            "const BASE: &str = \"https://acme.360learning.com\";\n\nfn drop(group: &str, user: &str) -> Result<(), reqwest::Error> {\n\tlet client = reqwest::blocking::Client::new();\n\tclient\n\t\t.delete(format!(\"{BASE}/api/v1/groups/{group}/users/{user}?company=c&apiKey=k\"))\n\t\t.send()?;\n\tOk(())\n}\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (_, stdout, stderr) = run(
        dir.path(),
        &["fix", "--unsafe-fixes", "--no-config", "."],
        &[],
    );
    assert!(
        stdout.contains("Fixed 3 findings in 3 files."),
        "{stdout}{stderr}"
    );
    for (name, before) in files {
        let after = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let added = added_lines(before, &after);
        assert!(
            added.iter().any(|l| l.contains("learning360_token")),
            "{name}: {after}"
        );
        for line in added {
            assert!(
                !line.starts_with(' '),
                "{name}: space-indented {line:?}\n{after}"
            );
        }
    }
}

#[test]
fn a_crlf_shell_script_gets_no_crlf_continuations_or_function_heads() {
    let dir = tempfile::tempdir().unwrap();
    let khoros = "#!/bin/bash\r\nset -e\r\nBASE=https://community.khoros.com\r\ncurl -X DELETE \"$BASE/api/2.0/users/$1\" -H \"li-api-session-key: $KEY\"\r\n";
    let learning = "#!/bin/bash\r\nBASE=https://acme.360learning.com\r\ncurl -X DELETE \"$BASE/api/v1/groups/$1/users/$2?company=c&apiKey=$KEY\"\r\n";
    std::fs::write(dir.path().join("a.sh"), khoros).unwrap();
    std::fs::write(dir.path().join("b.sh"), learning).unwrap();
    let (_, stdout, stderr) = run(
        dir.path(),
        &["fix", "--unsafe-fixes", "--no-config", "."],
        &[],
    );
    for (name, before) in [("a.sh", khoros), ("b.sh", learning)] {
        let after = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(!after.contains("\\\r\n"), "{name}: {after:?}");
        assert!(!after.contains("{\r\n"), "{name}: {after:?}");
        // What bash reads the same way is still fixed (a one-line rewrite).
        if name == "b.sh" {
            assert_eq!(after, before, "{name}: {stdout}{stderr}");
        }
    }
    assert!(
        stdout.contains("the script has CRLF line endings"),
        "{stdout}"
    );
}

#[test]
fn collection_variables_that_refer_to_each_other_are_no_crash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.postman_collection.json"),
        r#"{"info":{"name":"c","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
"variable":[{"key":"a","value":"{{b}}"},{"key":"b","value":"{{a}}"},
  {"key":"host","value":"https://community.khoros.com"}],
"item":[{"name":"cycle","request":{"method":"DELETE","url":"{{a}}/api/2.0/users/1"}},
  {"name":"drop","request":{"method":"DELETE","url":"{{host}}/api/2.0/users/2"}}]}"#,
    )
    .unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["check", "--no-config", "-q", "."], &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("Found 1 finding"), "{stdout}");
}
