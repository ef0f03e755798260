//! `--format json-lines` is written as files finish, in walk order: the same lines as
//! the whole-run report, and the first ones out while a later file is still being
//! analysed.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CALL: &str = "await axios.delete(`https://community.khoros.com/api/2.0/users/${id}`);\n";

/// More files than one window of the streaming scan, each with a finding.
fn tree(dir: &Path, files: usize) {
    for i in 0..files {
        std::fs::write(dir.join(format!("f{i:04}.js")), CALL).unwrap();
    }
}

fn apimigrate(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_apimigrate"));
    c.current_dir(dir).env("NO_COLOR", "1").env_remove("CI");
    c
}

#[test]
fn streamed_json_lines_are_the_whole_run_report_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path(), 300);
    let streamed = apimigrate(dir.path())
        .args(["check", "--no-config", "--format", "json-lines", "."])
        .output()
        .unwrap();
    assert_eq!(streamed.status.code(), Some(1));
    // Another report of the same run makes it a whole-run one.
    let whole = apimigrate(dir.path())
        .args(["check", "--no-config", "--format", "json-lines", "--output"])
        .arg(format!("json={}", dir.path().join("r.json").display()))
        .arg(".")
        .output()
        .unwrap();
    assert_eq!(streamed.stdout, whole.stdout);
    let text = String::from_utf8(streamed.stdout).unwrap();
    let files: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["path"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(files.len(), 300);
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
}

#[test]
fn json_lines_of_finished_files_come_out_while_a_later_file_is_analysed() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path(), 300);
    let mut child = apimigrate(dir.path())
        .args(["check", "--no-config", "--format", "json-lines"])
        .args(["--file-timeout", "20", "."])
        .env("APIMIGRATE_DEBUG_FAULT", "stall:f0299.js")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let running = child.try_wait().unwrap().is_none();
    let took = start.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.contains("f0000.js"), "{first}");
    assert!(
        running && took < Duration::from_secs(20),
        "the first line came after the stalled file's deadline ({took:?})"
    );
}
