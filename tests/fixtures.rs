//! Every fixture under `fixtures/js` and `fixtures/ts`: the findings must be exactly the
//! ones its `// expect: CODE` annotations name (by line), and the rendered diagnostics
//! are an insta snapshot, one per fixture.

mod common;

use std::path::{Path, PathBuf};

fn fixture_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["fixtures/js", "fixtures/ts"] {
        files.extend(
            common::files_under(Path::new(dir))
                .into_iter()
                .filter(|p| apimigrate::source::Language::of_path(p).is_some()),
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
