//! `--diff-base REF`: only findings on lines changed since REF are reported (renames
//! followed, untracked files counted as changed), together with baselines. Each test
//! builds a temporary git repository.

use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("git runs (the diff-base tests need git)");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("runs the binary");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `(path, line, fingerprint)` of a JSON report's findings.
fn findings(stdout: &str) -> Vec<(String, u64, String)> {
    let v: serde_json::Value = serde_json::from_str(stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn lines_of(found: &[(String, u64, String)]) -> Vec<(&str, u64)> {
    found.iter().map(|(p, l, _)| (p.as_str(), *l)).collect()
}

fn call(n: u32) -> String {
    format!("axios.delete(`https://acme.360learning.com/api/v1/users/${{id{n}}}`, {{ params: {{ company: process.env.C, apiKey: process.env.K }} }});\n")
}

fn write(dir: &Path, name: &str, text: &str) {
    if let Some(parent) = Path::new(name).parent() {
        std::fs::create_dir_all(dir.join(parent)).unwrap();
    }
    std::fs::write(dir.join(name), text).unwrap();
}

/// A repository whose `main` has old debt in a.js, c.js and e.js.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "src/a.js", &format!("// a\n{}", call(1)));
    write(d, "src/c.js", &format!("// c\n\n{}", call(2)));
    write(
        d,
        "src/e.js",
        "axios.delete(\n  `https://acme.360learning.com/api/v1/users/${id}`,\n  { params: { company: process.env.C, apiKey: process.env.K } },\n);\nconst unrelated = 1;\n",
    );
    write(d, ".gitignore", "ignored/\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "old debt"]);
    git(d, &["checkout", "-q", "-b", "feature"]);
    dir
}

#[test]
fn only_findings_on_changed_lines_are_reported() {
    let dir = repository();
    let d = dir.path();
    // Committed on the branch: a new call in a.js below the old one.
    write(d, "src/a.js", &format!("// a\n{}\n{}", call(1), call(3)));
    // A pure rename: old debt, moved.
    std::fs::create_dir(d.join("src/moved")).unwrap();
    git(d, &["mv", "src/c.js", "src/moved/c.js"]);
    git(d, &["commit", "-q", "-am", "new call, moved file"]);
    // Unstaged: one argument line of e.js's multi-line call edited.
    let e = std::fs::read_to_string(d.join("src/e.js")).unwrap();
    write(
        d,
        "src/e.js",
        &e.replace("process.env.K }", "process.env.KEY }"),
    );
    // Untracked: a new file counts as changed throughout; an ignored one is not scanned.
    write(d, "src/b.js", &call(4));
    write(d, "ignored/x.js", &call(5));

    let (code, all, _) = run_in(d, &["check", "--format", "json", "src"]);
    assert_eq!(code, 1);
    assert_eq!(findings(&all).len(), 5, "{all}");

    let (code, stdout, stderr) = run_in(
        d,
        &["check", "--format", "json", "--diff-base", "main", "src"],
    );
    assert_eq!(code, 1, "{stderr}");
    let found = findings(&stdout);
    assert_eq!(
        lines_of(&found),
        [("src/a.js", 4), ("src/b.js", 1), ("src/e.js", 1)],
        "{stdout}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["summary"]["unchanged"], 2);
    // Fingerprints are those of the full run: leaving old debt out shifts nothing.
    for f in &found {
        assert!(findings(&all).contains(f), "{f:?}");
    }

    // Old debt does not fail the gate.
    write(d, "src/b.js", "// nothing\n");
    write(d, "src/e.js", &e);
    let (code, stdout, stderr) = run_in(
        d,
        &["check", "--diff-base", "main", "src/moved", "src/e.js"],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stderr.contains("2 findings are on lines unchanged since main")
            || stderr.contains("on lines unchanged since main"),
        "{stderr}"
    );

    // SARIF leaves them out entirely (they are not suppressed, just out of scope).
    let (_, stdout, _) = run_in(
        d,
        &["check", "--format", "sarif", "--diff-base", "main", "src"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{stdout}");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/a.js"
    );
}

#[test]
fn a_deleted_line_inside_a_call_counts_as_a_change_to_it() {
    let dir = repository();
    let d = dir.path();
    let e = std::fs::read_to_string(d.join("src/e.js")).unwrap();
    // Remove the options line of the multi-line call: the call changed.
    let without = e.replace(
        "  { params: { company: process.env.C, apiKey: process.env.K } },\n",
        "",
    );
    write(d, "src/e.js", &without);
    let (_, stdout, _) = run_in(
        d,
        &[
            "check",
            "--format",
            "json",
            "--diff-base",
            "main",
            "src/e.js",
        ],
    );
    // Whatever the call reports now, it is reported because its lines changed.
    let (_, full, _) = run_in(d, &["check", "--format", "json", "src/e.js"]);
    assert_eq!(findings(&stdout), findings(&full));
    // An edit below the call does not touch it.
    write(
        d,
        "src/e.js",
        &e.replace("const unrelated = 1;", "const unrelated = 2;"),
    );
    let (code, stdout, _) = run_in(
        d,
        &[
            "check",
            "--format",
            "json",
            "--diff-base",
            "main",
            "src/e.js",
        ],
    );
    assert_eq!(code, 0);
    assert!(findings(&stdout).is_empty());
}

#[test]
fn diff_base_works_together_with_a_baseline() {
    let dir = repository();
    let d = dir.path();
    write(d, "src/a.js", &format!("// a\n{}{}", call(1), call(3)));
    write(d, "src/b.js", &call(4));
    // The branch accepts b.js's call into its baseline.
    let (code, _, _) = run_in(
        d,
        &["check", "--write-baseline", "baseline.json", "src/b.js"],
    );
    assert_eq!(code, 0);
    let (code, stdout, _) = run_in(
        d,
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            "--diff-base",
            "main",
            "src",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(lines_of(&findings(&stdout)), [("src/a.js", 3)]);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["summary"]["baselined"], 1);
    // a.js's old call, c.js and e.js.
    assert_eq!(v["summary"]["unchanged"], 3);
    // Baselined and on a changed line: SARIF still shows it as suppressed.
    let (_, stdout, _) = run_in(
        d,
        &[
            "check",
            "--format",
            "sarif",
            "--baseline",
            "baseline.json",
            "--diff-base",
            "main",
            "src",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let kinds: Vec<String> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["suppressions"][0]["kind"]
                .as_str()
                .unwrap_or("reported")
                .to_string()
        })
        .collect();
    assert_eq!(kinds, ["reported", "external"]);
}

#[test]
fn diff_base_errors_exit_2() {
    let dir = repository();
    let d = dir.path();
    let (code, _, stderr) = run_in(d, &["check", "--diff-base", "no-such-branch", "src"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no-such-branch"), "{stderr}");
    assert!(
        stderr.contains("git fetch origin no-such-branch"),
        "{stderr}"
    );
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "a.js", &call(1));
    let (code, _, stderr) = run_in(plain.path(), &["check", "--diff-base", "main", "a.js"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("git repository"), "{stderr}");
    assert!(stderr.contains("drop --diff-base"), "{stderr}");
}
