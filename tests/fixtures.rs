//! Every fixture under `fixtures/<language>/`: the findings must be exactly the ones
//! its `expect: CODE` annotations name (by line; in a comment of the file's own kind:
//! `// expect:`, `# expect:`), and the rendered diagnostics are an insta snapshot, one
//! per fixture. Postman fixtures (`fixtures/postman`, JSON)
//! list their expected findings in a `.expect` sidecar (`line CODE` per line).

mod common;

use std::path::{Path, PathBuf};

const FIXTURE_DIRS: [&str; 16] = [
    "fixtures/js",
    "fixtures/ts",
    "fixtures/postman",
    "fixtures/python",
    "fixtures/rust",
    "fixtures/shell",
    "fixtures/markdown",
    "fixtures/http",
    "fixtures/ci",
    "fixtures/notebook",
    "fixtures/dockerfile",
    "fixtures/makefile",
    "fixtures/har",
    "fixtures/bruno",
    "fixtures/insomnia",
    "fixtures/ansible",
];

/// Every front end has its fixtures, look-alikes (SPEC §7) included.
#[test]
fn every_language_has_fixtures() {
    for dir in FIXTURE_DIRS {
        let files: Vec<PathBuf> = common::files_under(Path::new(dir))
            .into_iter()
            .filter(|p| apimigrate::source::Language::detect(p).is_some())
            .collect();
        assert!(files.len() >= 2, "{dir}: only {} fixtures", files.len());
        if dir != "fixtures/postman" {
            assert!(
                files
                    .iter()
                    .any(|p| p.to_string_lossy().contains("lookalike")),
                "{dir} has no look-alike fixture"
            );
        }
    }
}

fn fixture_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in FIXTURE_DIRS {
        files.extend(
            common::files_under(Path::new(dir))
                .into_iter()
                .filter(|p| apimigrate::source::Language::detect(p).is_some()),
        );
    }
    assert!(
        files.len() >= 20,
        "fixtures are missing: found {}",
        files.len()
    );
    files
}

#[test]
fn findings_match_annotations() {
    let mut failures = Vec::new();
    for path in fixture_files() {
        let result = common::scan(std::slice::from_ref(&path));
        assert!(
            result.errors.is_empty(),
            "{}: {:?}",
            path.display(),
            result.errors
        );
        let found = common::found(&result);
        let expected = common::expected(&path);
        if found != expected {
            let missing: Vec<_> = expected.difference(&found).collect();
            let extra: Vec<_> = found.difference(&expected).collect();
            failures.push(format!(
                "{}:\n  expected but not reported: {missing:?}\n  reported but not expected: {extra:?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn lookalikes_stay_silent() {
    let mut n = 0;
    for path in fixture_files() {
        if path
            .file_stem()
            .is_some_and(|s| s.to_string_lossy().contains("lookalike"))
        {
            n += 1;
            let result = common::scan(std::slice::from_ref(&path));
            assert_eq!(
                result.findings().count(),
                0,
                "{} must produce no finding:\n{}",
                path.display(),
                common::render(&result)
            );
        }
    }
    assert!(n >= 2, "look-alike fixtures are missing");
}

#[test]
fn rendered_diagnostics() {
    for path in fixture_files() {
        let result = common::scan(std::slice::from_ref(&path));
        let name = path
            .to_string_lossy()
            .trim_start_matches("fixtures/")
            .replace(['/', '.'], "_");
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, common::render(&result));
        });
    }
}

#[test]
fn postman_detection() {
    use apimigrate::source::Language;
    let p = |s: &str| Language::detect(Path::new(s));
    assert_eq!(
        p("fixtures/postman/offboarding_v21.postman_collection.json"),
        Some(Language::Postman)
    );
    // Recognised by `info.schema`, whatever the name.
    assert_eq!(
        p("fixtures/postman/exported_by_name.json"),
        Some(Language::Postman)
    );
    assert_eq!(
        p("fixtures/postman/env/production.postman_environment.json"),
        Some(Language::Postman)
    );
    // Plain JSON data that merely contains vendor paths is not scanned (SPEC §7).
    assert_eq!(p("fixtures/postman/lookalike_data.json"), None);
    let result = common::scan(&[PathBuf::from("fixtures/postman/lookalike_data.json")]);
    assert_eq!(result.findings().count(), 0);
    // An environment has no requests: silent, whatever secrets it holds.
    let result = common::scan(&[PathBuf::from(
        "fixtures/postman/env/production.postman_environment.json",
    )]);
    assert_eq!(result.findings().count(), 0);
}

#[test]
fn postman_script_positions_are_exact() {
    // `pm.sendRequest(` in a pre-request script: reported at the `p` of its exec line.
    let path = PathBuf::from("fixtures/postman/offboarding_v21.postman_collection.json");
    let result = common::scan(std::slice::from_ref(&path));
    let text = std::fs::read_to_string(&path).unwrap();
    let (file, f) = result
        .findings()
        .find(|(_, f)| f.code == "LRN004" && text[f.span.clone()].starts_with("pm.sendRequest"))
        .expect("the script call is reported");
    let pos = file.source.position(f.span.start);
    let line = text.lines().nth(pos.line - 1).unwrap();
    assert!(
        line.trim_start().starts_with("\"pm.sendRequest({"),
        "{line}"
    );
    assert_eq!(pos.column, line.find("pm.").unwrap() + 1);
}
