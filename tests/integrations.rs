//! The integrations shipped in the repository: the pre-commit hooks hand apimigrate
//! every kind of file it scans, and the GitHub Action's install step compiles only
//! when its cache does not hold the binary of the same source.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The hooks of `.pre-commit-hooks.yaml`, each as its `key: value` lines.
fn hooks() -> Vec<Vec<(String, String)>> {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let mut hooks: Vec<Vec<(String, String)>> = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let (indent, rest) = (line.len() - line.trim_start().len(), line.trim());
        let rest = match rest.strip_prefix("- ") {
            Some(r) if indent == 0 => {
                hooks.push(Vec::new());
                r
            }
            _ => rest,
        };
        if let (Some(hook), Some((k, v))) = (hooks.last_mut(), rest.split_once(':')) {
            hook.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    hooks
}

#[test]
fn pre_commit_hooks_hand_over_every_scanned_kind() {
    let hooks = hooks();
    assert_eq!(hooks.len(), 2);
    for hook in &hooks {
        let get = |k: &str| {
            hook.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert!(get("entry").unwrap().starts_with("apimigrate "));
        // Filtering by pre-commit's types would drop .http, .rest, .mts, .cts and
        // Postman collections: the hooks pass every text file and apimigrate chooses.
        assert_eq!(get("types"), Some("[text]"), "{hook:?}");
        for narrowing in ["types_or", "files", "exclude", "exclude_types"] {
            assert_eq!(get(narrowing), None, "{narrowing} in {hook:?}");
        }
    }

    // What pre-commit passes for a commit that touches one file of every kind, and
    // files of other kinds: each scanned kind reports, the others are skipped.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let copies = [
        ("fixtures/js/LRN004.js", "app.js"),
        ("fixtures/ts/learning360.ts", "app.mts"),
        ("fixtures/ts/OffboardPanel.tsx", "panel.tsx"),
        ("fixtures/python/learning360.py", "sweep.py"),
        ("fixtures/rust/learning360.rs", "tool.rs"),
        ("fixtures/shell/learning360.sh", "offboard.sh"),
        ("fixtures/shell/aurora.sh", "offboard"),
        ("fixtures/markdown/offboarding.md", "HOWTO.md"),
        ("fixtures/http/offboarding.http", "requests.http"),
        ("fixtures/http/securid.rest", "requests.rest"),
        (
            "fixtures/postman/offboarding_v21.postman_collection.json",
            "offboarding.postman_collection.json",
        ),
        ("fixtures/postman/exported_by_name.json", "exported.json"),
        ("fixtures/dockerfile/Dockerfile", "Dockerfile"),
        ("fixtures/makefile/Makefile", "Makefile"),
        ("fixtures/har/offboarding.har", "traffic.har"),
    ];
    let mut staged: Vec<String> = Vec::new();
    for (from, to) in copies {
        std::fs::copy(root().join(from), d.join(to)).unwrap();
        staged.push(to.to_string());
    }
    let first_line = std::fs::read_to_string(d.join("offboard")).unwrap();
    assert!(
        first_line.starts_with("#!"),
        "the extensionless script needs its #! line"
    );
    for (name, text) in [
        (
            "notes.txt",
            "DELETE https://acme.360learning.com/api/v1/users/1\n",
        ),
        ("data.json", "{\"users\": []}\n"),
        ("CMakeLists.txt", "add_executable(offboard main.c)\n"),
    ] {
        std::fs::write(d.join(name), text).unwrap();
        staged.push(name.to_string());
    }
    let out = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(["check", "--format", "json"])
        .args(&staged)
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["files_scanned"], copies.len(), "{v}");
    let mut reported: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    reported.sort();
    reported.dedup();
    let mut expected: Vec<&str> = copies.iter().map(|(_, to)| *to).collect();
    expected.sort();
    assert_eq!(reported, expected);
}

/// Runs `.ci/action-install.sh` with a `cargo` on PATH that records its arguments and
/// installs a stub binary printing `apimigrate VERSION`.
fn install_script(args: &[&str], bin: &Path, calls: &Path, env: &[(&str, &Path)]) -> String {
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let mut cmd = Command::new("bash");
    cmd.arg(root().join(".ci/action-install.sh"))
        .args(args)
        .env("PATH", path)
        .env("CALLS", calls)
        .env_remove("GITHUB_OUTPUT")
        .env_remove("GITHUB_PATH");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fake_cargo(dir: &Path, version: &str) -> PathBuf {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/usr/bin/env bash\necho \"$@\" >> \"$CALLS\"\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\nmkdir -p \"$root/bin\"\nprintf '#!/bin/sh\\necho apimigrate {version}\\n' > \"$root/bin/apimigrate\"\nchmod +x \"$root/bin/apimigrate\"\n"
    );
    let cargo = bin.join("cargo");
    std::fs::write(&cargo, script).unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&cargo)
        .status()
        .unwrap();
    bin
}

#[test]
fn the_action_compiles_only_without_a_cached_binary_of_this_version() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let version = env!("CARGO_PKG_VERSION");
    let calls = d.join("calls");
    let target = d.join("tool-cache/apimigrate");
    let github_path = d.join("github_path");
    let src = root().to_str().unwrap();
    let target_s = target.to_str().unwrap();

    // First run: nothing cached, so cargo installs into the cached folder.
    let bin = fake_cargo(d, version);
    let out = install_script(
        &["install", src, target_s],
        &bin,
        &calls,
        &[("GITHUB_PATH", &github_path)],
    );
    assert!(out.contains("building"), "{out}");
    let recorded = std::fs::read_to_string(&calls).unwrap();
    assert_eq!(recorded.lines().count(), 1);
    assert!(
        recorded.contains(&format!(
            "install --locked --quiet --root {target_s} --path {src}"
        )),
        "{recorded}"
    );
    assert_eq!(
        std::fs::read_to_string(&github_path).unwrap().trim(),
        format!("{target_s}/bin")
    );

    // Second run, the folder restored by actions/cache: no compilation.
    let out = install_script(&["install", src, target_s], &bin, &calls, &[]);
    assert!(out.contains("restored from the cache"), "{out}");
    assert_eq!(std::fs::read_to_string(&calls).unwrap().lines().count(), 1);

    // A binary of another version in the folder is rebuilt.
    let stale = fake_cargo(&d.join("old"), "0.0.1");
    std::fs::remove_dir_all(&target).unwrap();
    install_script(&["install", src, target_s], &stale, &calls, &[]);
    let out = install_script(&["install", src, target_s], &bin, &calls, &[]);
    assert!(out.contains("building"), "{out}");
    assert_eq!(std::fs::read_to_string(&calls).unwrap().lines().count(), 3);
}

#[test]
fn the_action_cache_key_names_the_version_and_the_sources() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let src = d.join("src-copy");
    std::fs::create_dir_all(src.join("src")).unwrap();
    std::fs::create_dir_all(src.join("rules")).unwrap();
    std::fs::write(
        src.join("Cargo.toml"),
        "[package]\nname = \"apimigrate\"\nversion = \"9.8.7\"\n",
    )
    .unwrap();
    std::fs::write(src.join("Cargo.lock"), "# lock\n").unwrap();
    std::fs::write(src.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(src.join("rules/a.toml"), "\n").unwrap();
    let calls = d.join("calls");
    let bin = fake_cargo(d, "9.8.7");
    let key = |src: &Path| install_script(&["key", src.to_str().unwrap()], &bin, &calls, &[]);
    let first = key(&src);
    assert!(first.contains("version=9.8.7\n"), "{first}");
    assert!(first.contains("key=apimigrate-9.8.7-"), "{first}");
    assert_eq!(key(&src), first, "the key is stable");
    std::fs::write(src.join("rules/a.toml"), "# changed\n").unwrap();
    assert_ne!(key(&src), first, "a source change is a new key");
    // The key goes to $GITHUB_OUTPUT in the Action.
    let output = d.join("github_output");
    install_script(
        &["key", src.to_str().unwrap()],
        &bin,
        &calls,
        &[("GITHUB_OUTPUT", &output)],
    );
    assert!(std::fs::read_to_string(&output)
        .unwrap()
        .starts_with("version=9.8.7\nkey="));
    assert!(!calls.exists(), "computing the key runs no cargo");

    // action.yml wires the script to actions/cache.
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    assert!(action.contains("uses: actions/cache@v4"));
    assert!(action.contains("key: ${{ steps.install-key.outputs.key }}"));
    assert!(action.contains(".ci/action-install.sh\" install"));
    assert!(!action.contains("run: cargo install"));
}
