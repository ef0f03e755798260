//! Shared test helpers: run the checker the way the CLI does, render like the CLI.
#![allow(dead_code)]

use apimigrate::config::Config;
use apimigrate::discover::WalkOptions;
use apimigrate::report::human::{self, HumanOptions};
use apimigrate::rules::engine::Selection;
use apimigrate::rules::RuleSet;
use apimigrate::scan::{Checker, ScanResult};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub fn checker() -> Checker {
    Checker::new(RuleSet::embedded(), Selection::default())
}

/// Scans like the CLI does, with the nearest `apimigrate.toml` inside `fixtures/`
/// (fixtures that need configuration, such as a Janrain schema, carry their own).
pub fn scan(paths: &[PathBuf]) -> ScanResult {
    let fixtures = std::path::absolute("fixtures").unwrap();
    let config = paths
        .first()
        .and_then(|p| Config::find_upward(p))
        .filter(|f| f.starts_with(&fixtures))
        .map(|f| Config::load(&f).unwrap());
    match config {
        Some(config) => {
            let rules = RuleSet::embedded().with_config_hosts(&config).unwrap();
            let selection = Selection {
                severity: config.severity.clone(),
                ..Selection::default()
            };
            Checker::with_config(rules, selection, config).scan(paths, &WalkOptions::default())
        }
        None => checker().scan(paths, &WalkOptions::default()),
    }
}

pub fn render(result: &ScanResult) -> String {
    human::render(result, &HumanOptions::default())
}

/// `(line, code)` for every finding, by its start line.
pub fn found(result: &ScanResult) -> BTreeSet<(usize, String)> {
    result
        .findings()
        .map(|(file, f)| (file.source.position(f.span.start).line, f.code.clone()))
        .collect()
}

/// The sidecar of a JSON fixture (JSON has no comments): `x.postman_collection.json`
/// → `x.postman_collection.expect`, one `line CODE` pair per line.
pub fn sidecar(path: &Path) -> PathBuf {
    path.with_extension("expect")
}

/// `(line, code)` for every `expect: CODE, CODE` annotation in a fixture (for `.json`
/// `.har` and `.bru` fixtures: every `line CODE` line of the `.expect` sidecar). `expect(+N): CODE`
/// expects the codes N lines further down, for lines that cannot hold a comment (the
/// body or a header of an `.http` request); `expect-next-line:` is `expect(+1):`. One
/// line may hold several forms.
pub fn expected(path: &Path) -> BTreeSet<(usize, String)> {
    if path
        .extension()
        .is_some_and(|e| e == "json" || e == "har" || e == "bru")
    {
        let side = sidecar(path);
        let text =
            std::fs::read_to_string(&side).unwrap_or_else(|e| panic!("{}: {e}", side.display()));
        let mut out = BTreeSet::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (n, code) = line
                .split_once(' ')
                .unwrap_or_else(|| panic!("{}: bad line {line:?}", side.display()));
            out.insert((n.parse().expect("a line number"), code.trim().to_string()));
        }
        return out;
    }
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let mut out = BTreeSet::new();
    let marker = regex::Regex::new(r"expect(?:\(\+(\d+)\)|(-next-line))?:").unwrap();
    for (i, line) in text.lines().enumerate() {
        let marks: Vec<regex::Captures> = marker.captures_iter(line).collect();
        for (k, m) in marks.iter().enumerate() {
            let whole = m.get(0).unwrap();
            let below: usize = match (m.get(1), m.get(2)) {
                (Some(n), _) => n.as_str().parse().unwrap(),
                (None, Some(_)) => 1,
                (None, None) => 0,
            };
            let end = marks
                .get(k + 1)
                .map_or(line.len(), |next| next.get(0).unwrap().start());
            for code in line[whole.end()..end].split(',') {
                let code: String = code
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if !code.is_empty() {
                    out.insert((i + 1 + below, code));
                }
            }
        }
    }
    out
}

/// Every file under `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Parses SARIF output and checks it against the vendored OASIS schema.
pub fn assert_valid_sarif(text: &str) -> serde_json::Value {
    let schema = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0.json"),
    )
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(&schema).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let v: serde_json::Value = serde_json::from_str(text).expect("SARIF output is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF output violates the schema:\n{}",
        errors.join("\n")
    );
    v
}
