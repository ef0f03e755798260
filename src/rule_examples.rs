//! Runs the inline examples of rule files (`apimigrate test-rules` and the test
//! suite): an `invalid` example must report its rule, a `valid` one must not, and an
//! `invalid` example with `fixed` must become that text (compared trimmed) once its
//! safe and unsafe fixes are applied. It runs the whole checker and fix loop, so it
//! sits above `rules`, beside the scan.

use crate::config::Config;
use crate::pipeline::fix::{fix_source, FixLevel};
use crate::pipeline::prefilter::Verdict;
use crate::rules::engine::Selection;
use crate::rules::RuleSet;
use crate::scan::Checker;
use crate::source::{Language, SourceFile};
use std::fmt;
use std::path::{Path, PathBuf};

/// What an example expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// `invalid`: the rule reports it.
    Reports,
    /// `valid`: the rule does not report it.
    Silent,
    /// `fixed`: the fixed `invalid` code equals the `fixed` text.
    Fixed,
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expectation::Reports => "invalid",
            Expectation::Silent => "valid",
            Expectation::Fixed => "fixed",
        })
    }
}

/// One example that did not do what it says.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The rule file, as shown in messages.
    pub file: String,
    pub code: String,
    /// 1-based, in the rule's order of examples.
    pub example: usize,
    pub expectation: Expectation,
    /// Codes reported on the example (sorted, deduplicated).
    pub reported: Vec<String>,
    /// The example's code.
    pub source: String,
    /// For `fixed`: a unified diff from the expected text to what the fixes gave.
    pub diff: Option<String>,
    /// The example could not run (its `config` is invalid).
    pub error: Option<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} example {} ({}): ",
            self.file, self.code, self.example, self.expectation
        )?;
        let reported = if self.reported.is_empty() {
            "nothing".to_string()
        } else {
            self.reported.join(", ")
        };
        if let Some(e) = &self.error {
            return write!(f, "cannot run: {e}");
        }
        match self.expectation {
            Expectation::Reports => {
                write!(
                    f,
                    "expected {} to be reported, reported {reported}",
                    self.code
                )
            }
            Expectation::Silent => {
                write!(f, "expected no {}, reported {reported}", self.code)
            }
            Expectation::Fixed => {
                write!(
                    f,
                    "the fixed code differs from `fixed` (- expected, + fixed)"
                )?;
                if let Some(d) = &self.diff {
                    write!(f, "\n{}", d.trim_end())?;
                }
                Ok(())
            }
        }
    }
}

/// The result of running examples.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub passed: usize,
    pub failures: Vec<Failure>,
}

impl Outcome {
    /// `N passed, M failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failures.len())
    }

    pub fn ran(&self) -> usize {
        self.passed + self.failures.len()
    }
}

/// The folder relative paths in an example's `config` are resolved against: the rule
/// file's. Embedded packs are named relative to the crate (`rules/janrain.toml`).
fn rule_file_path(rules: &RuleSet, pack: usize) -> PathBuf {
    let p = &rules.packs[pack];
    if let Some(file) = &p.file {
        return file.clone();
    }
    let in_crate = Path::new(env!("CARGO_MANIFEST_DIR")).join(&p.source);
    if in_crate.exists() {
        in_crate
    } else {
        PathBuf::from(&p.source)
    }
}

/// Runs the examples of the rules of the packs `packs` (indices into `rules.packs`),
/// each against the whole set `rules` with the default configuration, or with its own
/// `config`.
pub fn run(rules: &RuleSet, packs: &[usize]) -> Outcome {
    let plain = Checker::new(rules.clone(), Selection::default());
    let mut outcome = Outcome::default();
    for r in rules.rules.iter().filter(|r| packs.contains(&r.pack)) {
        let file = &rules.packs[r.pack].source;
        for (i, ex) in r.rule.examples.iter().enumerate() {
            let (code, expectation) = match (&ex.invalid, &ex.valid, &ex.fixed) {
                (Some(c), None, None) => (c, Expectation::Reports),
                (Some(c), None, Some(_)) => (c, Expectation::Fixed),
                (None, Some(c), None) => (c, Expectation::Silent),
                _ => unreachable!("validated by the loader"),
            };
            let mut failure = Failure {
                file: file.clone(),
                code: r.rule.code.clone(),
                example: i + 1,
                expectation,
                reported: Vec::new(),
                source: code.clone(),
                diff: None,
                error: None,
            };
            // An example may carry its own configuration (relative to the rule file).
            let configured;
            let checker = match &ex.config {
                Some(text) => {
                    let made = Config::parse(&rule_file_path(rules, r.pack), text)
                        .map_err(|e| e.to_string())
                        .and_then(|config| {
                            let set = rules
                                .clone()
                                .with_config(&config)
                                .map_err(|e| e.to_string())?;
                            Ok(Checker::with_config(set, Selection::default(), config))
                        });
                    match made {
                        Ok(c) => {
                            configured = c;
                            &configured
                        }
                        Err(e) => {
                            failure.error = Some(e);
                            outcome.failures.push(failure);
                            continue;
                        }
                    }
                }
                None => &plain,
            };
            let lang = Language::from_example_name(&ex.lang).expect("validated by the loader");
            let ext = match ex.lang.as_str() {
                "javascript" => "js",
                "typescript" => "ts",
                "python" => "py",
                "rust" => "rs",
                "shell" | "bash" => "sh",
                "markdown" => "md",
                other => other,
            };
            let source = SourceFile::new(
                format!("{}-example-{}.{ext}", r.rule.code, i + 1).into(),
                code.clone(),
                lang,
            );
            let report = checker.check_source(SourceFile::new(
                source.path.clone(),
                source.text.clone(),
                lang,
            ));
            let mut reported: Vec<String> =
                report.findings.iter().map(|f| f.code.clone()).collect();
            reported.sort();
            reported.dedup();
            let reports = reported.contains(&r.rule.code);
            failure.reported = reported;
            let must_report = expectation != Expectation::Silent;
            // A file the literal scan skips is never parsed: an example the rule
            // reports must pass it, or real code like it would go unreported.
            if must_report
                && reports
                && lang != Language::Postman
                && r.rule.matcher.target == crate::rules::model::Target::Call
                && checker.verdict(code.as_bytes()) != Verdict::Parse
            {
                failure.error = Some(
                    "the literal scan would skip this code: it needs a vendor signal's literal \
                     and a literal of one of the rule's paths"
                        .into(),
                );
                outcome.failures.push(failure);
                continue;
            }
            if reports != must_report {
                // A `fixed` example that does not report its rule fails as `invalid`.
                failure.expectation = if must_report {
                    Expectation::Reports
                } else {
                    Expectation::Silent
                };
                outcome.failures.push(failure);
                continue;
            }
            if let Some(expected) = &ex.fixed {
                let fixed = fix_source(checker, &source, FixLevel::Unsafe).fixed;
                if fixed.trim() != expected.trim() {
                    failure.diff = Some(
                        similar::TextDiff::from_lines(
                            &format!("{}\n", expected.trim()),
                            &format!("{}\n", fixed.trim()),
                        )
                        .unified_diff()
                        .context_radius(3)
                        .header("expected", "fixed")
                        .to_string(),
                    );
                    outcome.failures.push(failure);
                    continue;
                }
            }
            outcome.passed += 1;
        }
    }
    outcome
}
