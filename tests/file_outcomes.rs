//! What becomes of each candidate file: the two-stage literal scan, the API003 policy
//! (only files that can produce a finding fail the gate), minified and generated
//! files, UTF-16 sources, skipped files counted by reason, and `--show-files`.

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

fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const KHOROS_DELETE: &[u8] =
    b"await fetch(`https://community.khoros.com/api/2.0/users/${id}`, { method: 'DELETE' });\n";

#[test]
fn unparseable_files_without_a_vendor_signal_do_not_fail_the_gate() {
    let dir = tree(&[
        // Valid-looking bundles that our parser rejects, holding everyday words that
        // used to be anchors.
        ("a.js", b"const company = 't5'; x = ;\n"),
        (
            "docs/setup.md",
            b"# Setup\n\n```bash\ncd <repo-root>\n```\n",
        ),
        // A vendor mention alone cannot produce a finding either.
        ("b.js", b"// we left lithium years ago\nx = ;\n"),
    ]);
    let (code, out, _) = apimigrate(dir.path(), &["check", ".", "--no-config"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("No findings in 3 files scanned."), "{out}");
}

#[test]
fn unparseable_files_with_a_vendor_call_still_report_api003() {
    let dir = tree(&[(
        "a.js",
        b"await fetch(`https://community.khoros.com/api/2.0/users/${id}`, { method: 'DELETE' ;\n",
    )]);
    let (code, out, _) = apimigrate(dir.path(), &["check", ".", "--no-config"]);
    assert_eq!(code, 1);
    assert!(out.contains("API003"), "{out}");
}

#[test]
fn prose_fences_are_skipped_and_said_so() {
    let dir = tree(&[(
        "README.md",
        b"# Setup\n\n```bash\ncd <repo-root>\n```\n\n```sh\ncurl -X DELETE https://community.khoros.com/api/2.0/users/7\n```\n",
    )]);
    let (code, out, _) = apimigrate(dir.path(), &["check", ".", "--no-config", "--show-files"]);
    assert_eq!(code, 1);
    assert!(out.contains("AUR001"), "{out}");
    assert!(!out.contains("API003"), "{out}");
    assert!(
        out.contains("README.md: scanned (1 shell fence read as prose: not shell syntax)"),
        "{out}"
    );
}

#[test]
fn minified_files_are_read_with_the_literal_scan_only() {
    let mut bundle = b"!function(){".to_vec();
    bundle.extend(std::iter::repeat_n(b'x', 5000));
    bundle.extend_from_slice(KHOROS_DELETE);
    let dir = tree(&[
        ("dist/app.js", &bundle),
        ("dist/lib.js", b"fetch('https://community.khoros.com/api/2.0/users/1', {method: 'DELETE'});\n//# sourceMappingURL=lib.js.map\n"),
        ("src/app.js", KHOROS_DELETE),
    ]);
    let (code, out, _) = apimigrate(
        dir.path(),
        &[
            "check",
            ".",
            "--no-config",
            "--format",
            "json",
            "--show-files",
        ],
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["src/app.js"]);
    assert_eq!(v["summary"]["files_skipped"], 2);
    assert_eq!(v["summary"]["skipped"]["generated"], 2);
    let (_, human, _) = apimigrate(dir.path(), &["check", ".", "--no-config", "--show-files"]);
    assert!(
        human.contains("dist/app.js: literal scan only (minified (a line of 5"),
        "{human}"
    );
    assert!(
        human.contains("dist/lib.js: literal scan only (generated (a sourceMappingURL comment))"),
        "{human}"
    );
    assert!(
        human.contains("in 1 of 1 file scanned (2 skipped: 2 minified or generated)."),
        "{human}"
    );
}

#[test]
fn show_files_lists_every_outcome() {
    let dir = tree(&[
        ("a.js", KHOROS_DELETE),
        ("b.js", b"console.log('hello');\n"),
        ("c.js", b"// lithium\n"),
        ("d.js", b"x\0y"),
        ("notes.txt", b"nothing"),
        ("e.py", b"# apimigrate: ignore[AUR001] old\n"),
    ]);
    let (_, out, _) = apimigrate(dir.path(), &["check", ".", "--no-config", "--show-files"]);
    for line in [
        "a.js: scanned\n",
        "b.js: no vendor literal\n",
        "c.js: no literal of any rule's match\n",
        "d.js: binary\n",
        "notes.txt: not a scanned kind\n",
        "e.py: scanned for suppressions only (no vendor literal)\n",
    ] {
        assert!(out.contains(line), "{line:?} missing from:\n{out}");
    }
    assert!(out.contains("(1 skipped: 1 binary)."), "{out}");
    // Without the flag, no list.
    let (_, out, _) = apimigrate(dir.path(), &["check", ".", "--no-config"]);
    assert!(!out.contains("b.js"), "{out}");
}

#[test]
fn show_files_names_the_include_exclude_that_left_a_file_out() {
    let dir = tree(&[
        ("apimigrate.toml", b"exclude = [\"gen/**\"]\n"),
        ("gen/a.js", KHOROS_DELETE),
        ("src/a.js", KHOROS_DELETE),
    ]);
    let (_, out, _) = apimigrate(dir.path(), &["check", ".", "--show-files"]);
    assert!(
        out.contains("gen/a.js: ignored (by the include/exclude patterns of apimigrate.toml)"),
        "{out}"
    );
    assert!(out.contains("src/a.js: scanned"), "{out}");
}

#[test]
fn a_named_file_that_is_skipped_is_reported() {
    let dir = tree(&[("d.js", b"x\0y"), ("notes.txt", b"nothing")]);
    let (code, out, err) = apimigrate(dir.path(), &["check", "d.js", "notes.txt", "--no-config"]);
    assert_eq!(code, 0);
    assert!(err.contains("warning: d.js: not checked (binary)"), "{err}");
    assert!(
        err.contains("warning: notes.txt: not checked (not a scanned kind)"),
        "{err}"
    );
    assert!(out.contains("(1 skipped: 1 binary)"), "{out}");
    // Every format counts skipped files by reason.
    let (_, json, _) = apimigrate(
        dir.path(),
        &["check", "d.js", "--no-config", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["summary"]["skipped"]["binary"], 1);
}

#[test]
fn utf16_sources_with_a_bom_are_read() {
    let text = "curl -X DELETE \"https://community.khoros.com/api/2.0/users/$ID\"\n";
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(|u| u.to_be_bytes()))
        .collect();
    let dir = tree(&[("le.sh", &le), ("be.sh", &be)]);
    let (code, out, _) = apimigrate(
        dir.path(),
        &["check", ".", "--no-config", "--format", "json"],
    );
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "AUR001")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(paths, ["be.sh", "le.sh"]);
    // `fix` does not write a UTF-16 file back as UTF-8.
    let (code, out, _) = apimigrate(
        dir.path(),
        &["fix", "le.sh", "--no-config", "--unsafe-fixes"],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("error: le.sh: a UTF-16 file"), "{out}");
    assert_eq!(std::fs::read(dir.path().join("le.sh")).unwrap(), le);
}

#[test]
fn configured_hosts_and_user_packs_are_anchors() {
    // A host only the configuration names: the file holds no built-in vendor literal.
    let dir = tree(&[
        ("apimigrate.toml", b"[aurora]\nhosts = [\"forum.acme.example\"]\n"),
        (
            "a.js",
            b"await fetch(`https://forum.acme.example/api/2.0/users/${id}`, { method: 'DELETE' });\n",
        ),
    ]);
    let (code, out, _) = apimigrate(dir.path(), &["check", "."]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("AUR001"), "{out}");
}

#[test]
fn every_format_counts_skipped_files_by_reason() {
    let dir = tree(&[("a.js", KHOROS_DELETE), ("d.js", b"x\0y")]);
    let run = |format: &str| {
        apimigrate(
            dir.path(),
            &["check", ".", "--no-config", "--format", format],
        )
        .1
    };
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["properties"]["filesSkipped"]["binary"],
        1
    );
    let github = run("github");
    assert!(
        github.contains("::notice title=apimigrate%3A files not checked::1 skipped: 1 binary"),
        "{github}"
    );
    let junit = run("junit");
    assert!(
        junit.contains("<testcase name=\"1 file binary\" classname=\"apimigrate\">\n      <skipped message=\"skipped: binary\"/>"),
        "{junit}"
    );
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["summary"]["skipped"]["binary"], 1);
    assert!(run("human").contains("(1 skipped: 1 binary)."));
}
