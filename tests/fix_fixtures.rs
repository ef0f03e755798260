//! Fix fixtures: every file directly under `fixtures/fix/` (and every Postman
//! collection under `fixtures/fix/postman/`) is fixed (safe and unsafe
//! fixes) and the diff is an insta snapshot. For every fixture the helper asserts what
//! a codemod must guarantee: the output parses, a second run changes nothing, and
//! `check` on the output no longer reports the codes that were fixed.

mod common;

use apimigrate::config::Config;
use apimigrate::fix::unified_diff;
use apimigrate::frontend;
use apimigrate::pipeline::fix::{fix_source, FixLevel};
use apimigrate::rules::engine::Selection;
use apimigrate::rules::RuleSet;
use apimigrate::scan::Checker;
use apimigrate::source::{Language, SourceFile};
use std::path::Path;

fn checker_for(dir: &Path) -> Checker {
    let config = match Config::find_upward(dir) {
        Some(f) if f.starts_with(std::path::absolute("fixtures/fix").unwrap()) => {
            Config::load(&f).unwrap()
        }
        _ => Config::default(),
    };
    let rules = RuleSet::embedded().with_config_hosts(&config).unwrap();
    let selection = Selection {
        severity: config.severity.clone(),
        ..Selection::default()
    };
    Checker::with_config(rules, selection, config)
}

/// Fixes `path` and checks the guarantees; returns the snapshot text.
pub fn fix_and_verify(path: &Path) -> String {
    let checker = checker_for(path.parent().unwrap());
    let text = std::fs::read_to_string(path).unwrap();
    let lang = Language::detect(path).unwrap();
    let shown = path.to_string_lossy().replace('\\', "/");
    let source = SourceFile::new(shown.clone().into(), text.clone(), lang);
    let outcome = fix_source(&checker, &source, FixLevel::Unsafe);

    // 1. The output parses.
    let fixed = SourceFile::new(shown.clone().into(), outcome.fixed.clone(), lang);
    assert!(
        frontend::extract(&fixed).syntax_error.is_none(),
        "{shown}: the fixed file does not parse:\n{}",
        outcome.fixed
    );
    // 2. Fixing again changes nothing.
    let again = fix_source(&checker, &fixed, FixLevel::Unsafe);
    assert_eq!(
        again.fixed, outcome.fixed,
        "{shown}: a second fix run changed the file"
    );
    assert!(!outcome.not_converged, "{shown}: fixes did not converge");
    // 3. The fixed codes are gone.
    let remaining: Vec<&str> = outcome.remaining.iter().map(|f| f.code.as_str()).collect();
    for (code, title) in &outcome.applied {
        assert!(
            !remaining.contains(&code.as_str()),
            "{shown}: {code} ({title}) was applied but is still reported in:\n{}",
            outcome.fixed
        );
    }
    assert!(!outcome.applied.is_empty(), "{shown}: no fix was applied");
    assert!(
        outcome.dropped.is_empty(),
        "{shown}: fixes were dropped: {:?}",
        outcome.dropped
    );

    let mut snap = String::new();
    snap.push_str("applied:\n");
    for (code, title) in &outcome.applied {
        snap.push_str(&format!("  {code}: {title}\n"));
    }
    snap.push_str("remaining:\n");
    for f in &outcome.remaining {
        let pos = fixed.position(f.span.start);
        snap.push_str(&format!(
            "  {}:{} {} {}\n",
            pos.line, pos.column, f.code, f.message
        ));
    }
    snap.push('\n');
    snap.push_str(&unified_diff(&shown, &outcome.original, &outcome.fixed));
    snap
}

#[test]
fn fix_fixtures() {
    let dir = Path::new("fixtures/fix");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() || Language::of_path(&path).is_none() {
            continue;
        }
        n += 1;
        let snap = fix_and_verify(&path);
        let name = format!(
            "fix_{}",
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .replace('.', "_")
        );
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, snap);
        });
    }
    assert!(n >= 10, "only {n} fix fixtures");
}

/// Fixes every file of `fixtures/fix/<dir>` in one of `languages`, snapshots named
/// `fix_<dir>_<file>`; at least `min` of them.
fn language_fix_fixtures(dir: &str, languages: &[Language], min: usize) {
    let root = Path::new("fixtures/fix").join(dir);
    let mut paths: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && Language::of_path(p).is_some_and(|l| languages.contains(&l)))
        .collect();
    paths.sort();
    for path in &paths {
        let snap = fix_and_verify(path);
        let name = format!(
            "fix_{dir}_{}",
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .replace('.', "_")
        );
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, snap);
        });
    }
    assert!(
        paths.len() >= min,
        "only {} fix fixtures in {}",
        paths.len(),
        root.display()
    );
}

#[test]
fn python_fix_fixtures() {
    language_fix_fixtures("python", &[Language::Python], 5);
}

#[test]
fn rust_fix_fixtures() {
    language_fix_fixtures("rust", &[Language::Rust], 4);
}

#[test]
fn shell_fix_fixtures() {
    language_fix_fixtures("shell", &[Language::Shell, Language::Markdown], 4);
}

#[test]
fn http_file_fix_fixtures() {
    language_fix_fixtures("http", &[Language::Http], 2);
}

#[test]
fn postman_fix_fixtures() {
    let dir = Path::new("fixtures/fix/postman");
    let mut n = 0;
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && Language::detect(p) == Some(Language::Postman))
        .collect();
    paths.sort();
    for path in paths {
        n += 1;
        let snap = fix_and_verify(&path);
        let name = format!(
            "fix_postman_{}",
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .replace('.', "_")
        );
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, snap);
        });
    }
    assert!(n >= 2, "only {n} Postman fix fixtures");
}

/// CI workflow fix fixtures (`fixtures/fix/ci/.github/workflows/*.yml`): besides the
/// guarantees of every fix fixture, the fixed file loads as YAML and the fixed `run:`
/// blocks are still shell that `bash -n` accepts.
#[test]
fn ci_workflow_fix_fixtures() {
    let dir = Path::new("fixtures/fix/ci/.github/workflows");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && Language::detect(p) == Some(Language::CiWorkflow))
        .collect();
    paths.sort();
    for path in &paths {
        let snap = fix_and_verify(path);
        let name = format!(
            "fix_ci_{}",
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .replace('.', "_")
        );
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, snap);
        });
        let checker = checker_for(dir);
        let text = std::fs::read_to_string(path).unwrap();
        let source = SourceFile::new(path.clone(), text, Language::CiWorkflow);
        let fixed = fix_source(&checker, &source, FixLevel::Unsafe).fixed;
        let docs = yaml_rust2::YamlLoader::load_from_str(&fixed)
            .unwrap_or_else(|e| panic!("{}: the fixed file is not YAML: {e}", path.display()));
        let mut scripts = Vec::new();
        for job in docs[0]["jobs"].as_hash().unwrap().values() {
            for step in job["steps"].as_vec().unwrap() {
                if let Some(run) = step["run"].as_str() {
                    scripts.push(run.to_string());
                }
            }
        }
        assert!(!scripts.is_empty(), "{}: no run step", path.display());
        for script in scripts {
            let checked = std::process::Command::new("bash")
                .args(["-n", "-c", &script])
                .output();
            if let Ok(out) = checked {
                assert!(
                    out.status.success(),
                    "{}: a fixed run block is not shell:\n{script}\n{}",
                    path.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }
    assert!(!paths.is_empty(), "no CI workflow fix fixture");
}

/// Fix fixtures of shell embedded in another file (`fixtures/fix/<dir>`): besides the
/// guarantees of every fix fixture, the fixed file is read again and holds the same
/// calls, each still in shell that parses.
fn embedded_shell_fix_fixtures(dir: &str, language: Language) {
    language_fix_fixtures(dir, &[language], 1);
    let dir = Path::new("fixtures/fix").join(dir);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if Language::of_path(&path) != Some(language) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let source = SourceFile::new(path.clone(), text.clone(), language);
        let fixed = fix_source(&checker_for(&dir), &source, FixLevel::Unsafe).fixed;
        assert_ne!(fixed, text, "{}: nothing was fixed", path.display());
        let before = frontend::extract(&source);
        let after = frontend::extract(&SourceFile::new(path.clone(), fixed, language));
        assert_eq!(after.syntax_error, None);
        assert_eq!(
            before.calls.len(),
            after.calls.len(),
            "{}: the fixed file does not hold the same calls",
            path.display()
        );
    }
}

#[test]
fn dockerfile_fix_fixtures() {
    embedded_shell_fix_fixtures("dockerfile", Language::Dockerfile);
}

/// Bruno: literal edits (a JSON boolean in `body:json`) and request rewrites edited in
/// place (method block, URL, headers, body, params, a `tests {` check).
#[test]
fn bruno_fix_fixtures() {
    language_fix_fixtures("bruno", &[Language::Bruno], 1);
}

/// Insomnia: the URL edits of an export (replace-in-url), in the JSON as written.
/// The requests of a Bruno collection (`fixtures/fix/bruno/collection/`, its
/// environments setting `{{baseUrl}}`) are fixed with the collection read.
#[test]
fn bruno_collection_fix_fixtures() {
    fn requests(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() && !p.ends_with("environments") {
                requests(&p, out);
            } else if p.extension().is_some_and(|x| x == "bru")
                && !p.ends_with("folder.bru")
                && !p.ends_with("collection.bru")
            {
                out.push(p);
            }
        }
    }
    let root = Path::new("fixtures/fix/bruno/collection");
    let mut paths = Vec::new();
    requests(root, &mut paths);
    paths.sort();
    assert!(
        paths.len() >= 2,
        "only {} requests in {}",
        paths.len(),
        root.display()
    );
    for path in &paths {
        let snap = fix_and_verify(path);
        let rel = path.strip_prefix(root).unwrap().to_string_lossy();
        let name = format!(
            "fix_bruno_collection_{}",
            rel.replace(['/', '\\', '.'], "_")
        );
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, snap);
        });
    }
}

#[test]
fn insomnia_fix_fixtures() {
    language_fix_fixtures("insomnia", &[Language::Insomnia], 1);
}

/// Ansible: the literal edits of a `uri` task (a URL part, a quoted boolean) in the YAML.
#[test]
fn ansible_fix_fixtures() {
    language_fix_fixtures("ansible", &[Language::Ansible], 1);
}

#[test]
fn makefile_fix_fixtures() {
    embedded_shell_fix_fixtures("makefile", Language::Makefile);
}

/// Notebook fix fixtures (`fixtures/fix/notebook/*.ipynb`): the fixed notebook loads
/// as JSON, its outputs and metadata are untouched, and its code cells compile.
#[test]
fn notebook_fix_fixtures() {
    language_fix_fixtures("notebook", &[Language::Notebook], 1);
    let dir = Path::new("fixtures/fix/notebook");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if Language::of_path(&path) != Some(Language::Notebook) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let source = SourceFile::new(path.clone(), text.clone(), Language::Notebook);
        let fixed = fix_source(&checker_for(dir), &source, FixLevel::Unsafe).fixed;
        assert_ne!(fixed, text, "{}: nothing was fixed", path.display());
        let before: serde_json::Value = serde_json::from_str(&text).unwrap();
        let after: serde_json::Value = serde_json::from_str(&fixed)
            .unwrap_or_else(|e| panic!("{}: the fixed notebook is not JSON: {e}", path.display()));
        assert_eq!(before["metadata"], after["metadata"]);
        let cells = |v: &serde_json::Value| -> Vec<serde_json::Value> {
            v["cells"].as_array().unwrap().clone()
        };
        let mut module = String::new();
        for (a, b) in cells(&before).iter().zip(cells(&after).iter()) {
            assert_eq!(
                a["outputs"],
                b["outputs"],
                "{}: outputs changed",
                path.display()
            );
            assert_eq!(a["metadata"], b["metadata"]);
            if b["cell_type"] == "code" {
                match &b["source"] {
                    serde_json::Value::String(s) => module.push_str(s),
                    serde_json::Value::Array(lines) => lines
                        .iter()
                        .for_each(|l| module.push_str(l.as_str().unwrap())),
                    other => panic!("bad source {other}"),
                }
                module.push('\n');
            }
        }
        let compiled = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys; compile(sys.argv[1], 'nb', 'exec')",
                &module,
            ])
            .output();
        if let Ok(out) = compiled {
            assert!(
                out.status.success(),
                "{}: the fixed cells do not compile:\n{module}\n{}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
