//! Hosts learned from the scanned tree, the summary's note on URLs whose host has no
//! vendor signal, and request parts read from other files (Postman variables set at run
//! time, `curl -d @file`), on the projects under `fixtures/projects/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn scan(name: &str) -> apimigrate::scan::ScanResult {
    common::scan(&[Path::new("fixtures/projects").join(name)])
}

/// Copies a project fixture into a temporary directory, with `config` as its
/// `apimigrate.toml` when given.
fn copy_project(name: &str, config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new("fixtures/projects").join(name);
    for file in common::files_under(&from) {
        let to = dir.path().join(file.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, &to).unwrap();
    }
    if let Some(c) = config {
        std::fs::write(dir.path().join("apimigrate.toml"), c).unwrap();
    }
    dir
}

/// Runs `apimigrate check . --format F` in `dir`: exit code and standard output.
fn check_in(dir: &Path, format: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(["check", ".", "--format", format])
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn json_of(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn a_host_learned_in_one_file_is_a_signal_in_every_language() {
    let result = scan("khoros_own_domain");
    let mut found: Vec<(String, String)> = result
        .findings()
        .map(|(file, f)| (file.source.display_path(), f.code.clone()))
        .collect();
    found.sort();
    let base = "fixtures/projects/khoros_own_domain";
    assert_eq!(
        found,
        vec![
            (
                format!("{base}/postman/community.postman_collection.json"),
                "AUR001".to_string()
            ),
            (format!("{base}/scripts/cleanup.sh"), "AUR001".to_string()),
            (format!("{base}/scripts/sweep.py"), "AUR001".to_string()),
            (format!("{base}/src/users.js"), "AUR001".to_string()),
        ],
        "{}",
        common::render(&result)
    );
    // Each finding says where its host was learned, with the place as related location.
    for (_, f) in result.findings() {
        assert!(
            f.labels.iter().any(|l| l.message
                == format!(
                    "host `community.acme-corp.io` learned from {base}/src/session.js:7, where a call sends a URL with `/restapi/vc`"
                )),
            "{:?}",
            f.labels
        );
        assert_eq!(f.related.len(), 1, "{:?}", f.related);
        assert_eq!(
            f.related[0].path,
            PathBuf::from(format!("{base}/src/session.js"))
        );
    }
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("hosts_khoros_own_domain", common::render(&result));
    });
}

#[test]
fn the_other_host_stays_unreported_and_is_named_in_the_note() {
    let result = scan("khoros_own_domain");
    assert_eq!(result.unknown_hosts.len(), 1);
    let note = &result.unknown_hosts[0];
    assert_eq!(note.vendor, "aurora");
    assert_eq!(note.setting, "aurora.hosts");
    assert_eq!(note.hosts, vec!["forum.acme-corp.io".to_string()]);
    assert!(common::render(&result).ends_with(
        "note: 1 URL with `/api/2.0/` on a host with no vendor signal was not checked for Khoros Community → Aurora: forum.acme-corp.io; to check it, add the host to `aurora.hosts` in apimigrate.toml\n"
    ));
}

#[test]
fn learning_hosts_can_be_switched_off() {
    let dir = copy_project("khoros_own_domain", Some("learn_hosts = false\n"));
    let (code, out) = check_in(dir.path(), "json");
    assert_eq!(code, 0, "{out}");
    let v = json_of(&out);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{out}");
    // Then the community's host is one the summary names.
    let hosts = &v["summary"]["unknown_hosts"][0]["hosts"];
    assert_eq!(
        hosts,
        &serde_json::json!(["community.acme-corp.io", "forum.acme-corp.io"])
    );
}

#[test]
fn the_unknown_host_note_is_in_the_json_summary_and_never_fails_the_gate() {
    let dir = copy_project("unknown_hosts", None);
    let (code, out) = check_in(dir.path(), "json");
    assert_eq!(code, 0, "{out}");
    let v = json_of(&out);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(
            "hosts_unknown_hosts_summary",
            serde_json::to_string_pretty(&v["summary"]).unwrap()
        );
    });
    // Naming the host in the configuration makes its calls checked, and the note goes.
    std::fs::write(
        dir.path().join("apimigrate.toml"),
        "[aurora]\nhosts = [\"forum.acme-corp.io\"]\n",
    )
    .unwrap();
    let (code, out) = check_in(dir.path(), "json");
    assert_eq!(code, 1, "{out}");
    let v = json_of(&out);
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["AUR001"]);
    let vendors: Vec<&str> = v["summary"]["unknown_hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["vendor"].as_str().unwrap())
        .collect();
    assert_eq!(vendors, vec!["learning360"]);
}

#[test]
fn sarif_carries_the_note_as_a_notification_and_a_run_property() {
    let result = scan("unknown_hosts");
    let sarif = apimigrate::report::sarif::render(&result, &apimigrate::rules::RuleSet::embedded());
    let log = common::assert_valid_sarif(&sarif);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes: Vec<&str> = invocation["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].contains("`aurora.hosts`"), "{notes:?}");
    assert!(notes[1].contains("`learning360.hosts`"), "{notes:?}");
    assert_eq!(
        invocation["properties"]["unknownHosts"][1]["hosts"],
        serde_json::json!(["training.acme-corp.io"])
    );
    assert!(log["runs"][0]["results"].as_array().unwrap().is_empty());
}

#[test]
fn look_alike_services_are_neither_reported_nor_named() {
    let result = scan("lookalike_hosts");
    assert_eq!(result.findings().count(), 0, "{}", common::render(&result));
    assert!(
        result.unknown_hosts.is_empty(),
        "{:?}",
        result.unknown_hosts
    );
    // The community's session-key call teaches its host, never a look-alike's.
    let dir = copy_project("lookalike_hosts", None);
    let (code, out) = check_in(dir.path(), "human");
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("note:"), "{out}");
}

#[test]
fn a_postman_variable_set_at_run_time_is_a_hole() {
    let result = scan("request_files");
    let deletes: Vec<_> = result
        .findings()
        .filter(|(file, _)| {
            file.source
                .display_path()
                .ends_with(".postman_collection.json")
        })
        .map(|(_, f)| f.code.as_str())
        .collect();
    // With `userId` read as an empty string, the URL would be `/api/2.0/users/` (AUR002).
    assert_eq!(deletes, vec!["AUR001"]);
}

#[test]
fn a_curl_body_read_from_a_file_is_judged_at_the_argument_that_names_it() {
    let result = scan("request_files");
    let (file, f) = result
        .findings()
        .find(|(_, f)| f.code == "RSA001")
        .expect("RSA001 on the body file");
    let at = file.source.position(f.span.start);
    assert_eq!((at.line, at.column), (8, 6));
    assert_eq!(&file.source.text[f.span.clone()], "@payloads/mark.json");
    assert_eq!(
        f.related[0].path,
        PathBuf::from("fixtures/projects/request_files/scripts/payloads/mark.json")
    );
    assert!(
        f.labels.iter().any(|l| l.message
            == "defined in fixtures/projects/request_files/scripts/payloads/mark.json:1"),
        "{:?}",
        f.labels
    );
    // The value is written in the body file: the fix is made there, by hand.
    let fix = f.fix.as_ref().unwrap();
    assert!(fix.edits.is_empty());
    assert!(
        fix.title.contains("scripts/payloads/mark.json:1"),
        "{}",
        fix.title
    );
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("hosts_request_files", common::render(&result));
    });
}

#[test]
fn a_fix_run_learns_hosts_like_the_check() {
    let dir = copy_project("khoros_own_domain", None);
    let out = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(["fix", "--unsafe-fixes", "--diff", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(
        diff.contains("+++ b/src/users.js") || diff.contains("src/users.js"),
        "{diff}"
    );
    assert!(
        diff.contains("https://community.acme-corp.io/t5/s/api/2.1/graphql"),
        "{diff}"
    );
}
