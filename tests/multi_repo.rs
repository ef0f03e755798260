//! The bulk-migration recipe (examples/multi-repo): `run-in-repo.sh`, run once per
//! repository checkout as a multi-repository runner would, fixes each repository and
//! leaves a SPEC version 1 JSON report per repository.

use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn bulk_recipe_fixes_each_repository_and_reports() {
    let work = tempfile::tempdir().unwrap();
    let reports = work.path().join("reports");
    let script = std::path::absolute("examples/multi-repo/run-in-repo.sh").unwrap();
    let mut repos: Vec<PathBuf> = Vec::new();
    for e in std::fs::read_dir("examples/multi-repo/repos").unwrap() {
        let src = e.unwrap().path();
        let dst = work.path().join(src.file_name().unwrap());
        copy_dir(&src, &dst);
        repos.push(dst);
    }
    repos.sort();
    assert_eq!(repos.len(), 3);
    for repo in &repos {
        let out = Command::new("bash")
            .arg(&script)
            .current_dir(repo)
            .env("APIMIGRATE", env!("CARGO_BIN_EXE_apimigrate"))
            .env("REPORT_DIR", &reports)
            .env("FIX_MODE", "unsafe")
            .env(
                "REPOSITORY",
                format!("acme/{}", repo.file_name().unwrap().to_string_lossy()),
            )
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "{}: {}\n{}",
            repo.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let report = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(reports.join(format!("acme_{name}.json")))
            .unwrap_or_else(|e| panic!("no report for {name}: {e}"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["version"], 1);
        v
    };
    let read = |p: &str| std::fs::read_to_string(work.path().join(p)).unwrap();

    // billing-sync: the Khoros user deletion became the CloseUserAccount mutation.
    let billing = read("billing-sync/src/offboard.js");
    assert!(billing.contains("/t5/s/api/2.1/graphql"), "{billing}");
    assert!(billing.contains("CloseUserAccount"), "{billing}");
    assert!(!billing.contains("/api/2.0/"), "{billing}");
    report("billing-sync");

    // hr-connector: markDeleted is a PUT with a boolean.
    let hr = read("hr-connector/src/leavers.js");
    assert!(
        hr.contains("method: 'PUT'") && hr.contains("markDeleted: true"),
        "{hr}"
    );
    let v = report("hr-connector");
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.iter().any(|c| ["RSA001", "RSA002"].contains(c)),
        "{codes:?}"
    );

    // lms-bridge: already migrated; untouched, nothing reported.
    assert_eq!(
        read("lms-bridge/src/sync.js"),
        std::fs::read_to_string("examples/multi-repo/repos/lms-bridge/src/sync.js").unwrap()
    );
    assert_eq!(report("lms-bridge")["summary"]["findings"], 0);
}
