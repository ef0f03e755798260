//! The fix loop: applies the fixes of findings to a file's text and checks it again.
//!
//! Fixes are lists of byte-range edits. Per pass, fixes are taken in source order and a
//! fix whose edits overlap an already accepted one waits for the next pass. After each
//! pass the text is re-parsed; a fix that introduces a syntax error is dropped and
//! reported, and the text stays as it was without it. Passes repeat until nothing
//! changes, up to [`MAX_PASSES`].

use crate::finding::{Edit, Finding};
use crate::frontend;
pub use crate::model::finding::FixLevel;
use crate::scan::Checker;
use crate::source::SourceFile;

use crate::fix::normalised_edits;
use crate::model::text::{apply_edits, overlaps, uses_crlf};

/// Passes before giving up on convergence.
pub const MAX_PASSES: usize = 10;

/// A fix that could not be applied, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DroppedFix {
    pub code: String,
    pub title: String,
    pub reason: String,
}

/// A fix held back by what the rest of the tree says: the finding `code` whose text is
/// `text` (a definition that other files read) is not fixed, because `why`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guard {
    pub code: String,
    pub text: String,
    pub why: String,
}

/// What fixing one file did.
#[derive(Debug)]
pub struct FixOutcome {
    pub original: String,
    pub fixed: String,
    /// `(code, title)` of every applied fix, in order.
    pub applied: Vec<(String, String)>,
    pub dropped: Vec<DroppedFix>,
    /// Fixes held back by a [`Guard`]: the finding stays, and the user is told why.
    pub held: Vec<DroppedFix>,
    /// Set when fixes kept changing the text after `MAX_PASSES` passes.
    pub not_converged: bool,
    /// Findings that remain in the fixed text.
    pub remaining: Vec<Finding>,
}

impl FixOutcome {
    pub fn changed(&self) -> bool {
        self.original != self.fixed
    }
}

/// Whether `text` parses (a parse only: the next pass extracts the calls anyway).
fn parses(source: &SourceFile, text: &str) -> bool {
    let probe = SourceFile::new(source.path.clone(), text.to_string(), source.language);
    frontend::syntax_error(&probe).is_none()
}

/// Fixes one file's text until nothing changes.
pub fn fix_source(checker: &Checker, source: &SourceFile, level: FixLevel) -> FixOutcome {
    fix_source_guarded(checker, source, level, &[])
}

/// [`fix_source`], holding back the fixes that `guards` name.
pub fn fix_source_guarded(
    checker: &Checker,
    source: &SourceFile,
    level: FixLevel,
    guards: &[Guard],
) -> FixOutcome {
    let original = source.text.clone();
    let crlf = uses_crlf(&original);
    let parsed_before = parses(source, &original);
    let mut text = original.clone();
    let mut applied = Vec::new();
    let mut dropped: Vec<DroppedFix> = Vec::new();
    let mut held: Vec<DroppedFix> = Vec::new();
    let mut not_converged = false;
    let mut pass = 0;
    // A file that does not parse is not fixed at all: whether a fix keeps it intact
    // cannot be checked, and the calls in it were read around a syntax error.
    if !parsed_before {
        pass = MAX_PASSES + 1;
    }
    while pass <= MAX_PASSES {
        crate::isolate::checkpoint();
        let current = SourceFile::new(source.path.clone(), text.clone(), source.language);
        let report = checker.check_source(current);
        let candidates: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| {
                f.fix.as_ref().is_some_and(|x| {
                    level.allows(x.applicability)
                        && !x.edits.is_empty()
                        && !dropped
                            .iter()
                            .any(|d| d.code == f.code && d.title == x.title)
                })
            })
            .filter(|f| {
                let Some(guard) = guards.iter().find(|g| {
                    g.code == f.code && text.get(f.span.clone()) == Some(g.text.as_str())
                }) else {
                    return true;
                };
                let fix = f.fix.as_ref().unwrap();
                let note = DroppedFix {
                    code: f.code.clone(),
                    title: fix.title.clone(),
                    reason: guard.why.clone(),
                };
                if !held.contains(&note) {
                    held.push(note);
                }
                false
            })
            .collect();
        if candidates.is_empty() {
            break;
        }
        if pass == MAX_PASSES {
            not_converged = true;
            break;
        }
        pass += 1;
        // Accept fixes in source order; one that overlaps an accepted one waits.
        let mut accepted: Vec<(&Finding, Vec<Edit>)> = Vec::new();
        for f in candidates {
            let fix = f.fix.as_ref().unwrap();
            let Some(edits) = normalised_edits(fix, &text, crlf) else {
                dropped.push(DroppedFix {
                    code: f.code.clone(),
                    title: fix.title.clone(),
                    reason: "the fix's edits overlap or fall outside the file".into(),
                });
                continue;
            };
            let clash = accepted
                .iter()
                .any(|(_, other)| other.iter().any(|a| edits.iter().any(|b| overlaps(a, b))));
            // Identical fixes (one base-URL constant shared by several findings) apply once.
            let duplicate = accepted.iter().any(|(_, other)| *other == edits);
            if !clash && !duplicate {
                accepted.push((f, edits));
            }
        }
        let mut all: Vec<Edit> = accepted
            .iter()
            .flat_map(|(_, e)| e.iter().cloned())
            .collect();
        all.sort_by_key(|e| (e.span.start, e.span.end));
        let candidate = apply_edits(&text, &all);
        let next = if parses(source, &candidate) {
            for (f, _) in &accepted {
                applied.push((f.code.clone(), f.fix.as_ref().unwrap().title.clone()));
            }
            candidate
        } else {
            // Find the culprits: try the accepted fixes alone, in order. The first one
            // that keeps the file parsing is applied; the others of this pass are
            // recomputed next pass; a fix that breaks the file on its own is dropped.
            let mut chosen = None;
            for (f, edits) in &accepted {
                let fix = f.fix.as_ref().unwrap();
                let trial = apply_edits(&text, edits);
                if parses(source, &trial) {
                    applied.push((f.code.clone(), fix.title.clone()));
                    chosen = Some(trial);
                    break;
                }
                dropped.push(DroppedFix {
                    code: f.code.clone(),
                    title: fix.title.clone(),
                    reason: "the rewritten file would not parse".into(),
                });
            }
            chosen.unwrap_or_else(|| text.clone())
        };
        if next == text {
            break;
        }
        text = next;
    }
    // A format that keeps a value twice (a Postman request's `url.raw` and its split
    // `path`) is brought in step once the fixes are made.
    if let Some(synced) = frontend::after_fix(source.language, &original, &text) {
        if parses(source, &synced) {
            text = synced;
        }
    }
    let final_source = SourceFile::new(source.path.clone(), text.clone(), source.language);
    let remaining = checker.check_source(final_source).findings;
    FixOutcome {
        original,
        fixed: text,
        applied,
        dropped,
        held,
        not_converged,
        remaining,
    }
}

/// [`fix_source`] under [`crate::isolate::run`] (its own stack, the checker's
/// deadline, panics caught).
pub fn fix_source_isolated(
    checker: &std::sync::Arc<Checker>,
    source: SourceFile,
    level: FixLevel,
    guards: Vec<Guard>,
) -> Result<FixOutcome, crate::isolate::Failure> {
    let shared = checker.clone();
    crate::isolate::run(checker.deadline, move || {
        crate::isolate::debug_fault("fix", &source.path);
        fix_source_guarded(&shared, &source, level, &guards)
    })
}

/// The fixes to hold back in the scanned tree: a finding at a definition (a base URL)
/// whose fix would also change what a finding of another rule reads there (a user
/// deletion elsewhere that needs its own rewrite). Each is keyed by the definition's
/// file; `line_of` gives a finding's line for the message.
pub fn guards<'a>(
    findings: impl Iterator<Item = (&'a std::path::Path, &'a Finding)> + Clone,
    text_of: impl Fn(&std::path::Path) -> Option<&'a str>,
    line_of: impl Fn(&std::path::Path, usize) -> usize,
    shown: impl Fn(&std::path::Path) -> String,
) -> Vec<(std::path::PathBuf, Guard)> {
    let mut out: Vec<(std::path::PathBuf, Guard)> = Vec::new();
    // The findings that read a definition, by the definition's file, in finding order:
    // looking through every finding for each fix made the guards quadratic in the
    // findings (with 37,500 of them, nine tenths of a run went there).
    let mut readers: std::collections::HashMap<Vec<&std::ffi::OsStr>, Vec<usize>> =
        std::collections::HashMap::new();
    let all: Vec<(&std::path::Path, &Finding)> = findings.collect();
    for (i, (_, g)) in all.iter().enumerate() {
        for r in g.related.iter().filter(|r| !r.learned) {
            let list = readers.entry(file_key(&r.path)).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    for &(path, f) in &all {
        if f.fix.as_ref().is_none_or(|x| x.edits.is_empty()) {
            continue;
        }
        let Some(list) = readers.get(&file_key(path)) else {
            continue;
        };
        let Some(text) = text_of(path).and_then(|t| t.get(f.span.clone())) else {
            continue;
        };
        // Another finding that reads this definition, of another rule.
        let feeds = list.iter().map(|i| all[*i]).find(|(other_path, g)| {
            g.code != f.code
                && g.related.iter().any(|r| {
                    !r.learned
                        && same_file(&r.path, path)
                        && r.span.start < f.span.end
                        && f.span.start < r.span.end
                })
                && (*other_path != path || g.span != f.span)
        });
        let Some((other_path, g)) = feeds else {
            continue;
        };
        let guard = Guard {
            code: f.code.clone(),
            text: text.to_string(),
            why: format!(
                "this definition also feeds {} at {}:{}, which needs its own rewrite; fix that call first, then this one",
                g.code,
                shown(other_path),
                line_of(other_path, g.span.start)
            ),
        };
        if !out.iter().any(|(p, x)| p == path && *x == guard) {
            out.push((path.to_path_buf(), guard));
        }
    }
    out
}

/// The guards of a whole scan's reports (see [`guards`]).
pub fn report_guards(files: &[crate::scan::FileReport]) -> Vec<(std::path::PathBuf, Guard)> {
    let mut by_path = std::collections::HashMap::with_capacity(files.len());
    for r in files {
        by_path.entry(r.source.path.as_path()).or_insert(r);
    }
    let file = |p: &std::path::Path| by_path.get(p).copied();
    guards(
        files
            .iter()
            .flat_map(|r| r.findings.iter().map(move |f| (r.source.path.as_path(), f))),
        |p| file(p).map(|r| r.source.text.as_str()),
        |p, at| file(p).map_or(0, |r| r.source.position(at).line),
        |p| file(p).map_or_else(|| p.display().to_string(), |r| r.source.display_path()),
    )
}

/// Makes the fixes that [`report_guards`] holds back manual in a scan's reports, saying
/// why, so that what `check` shows is what `fix` does.
pub fn hold_shared_definitions(files: &mut [crate::scan::FileReport]) {
    let guards = report_guards(files);
    if guards.is_empty() {
        return;
    }
    for report in files.iter_mut() {
        let text = &report.source.text;
        for f in &mut report.findings {
            let Some((_, g)) = guards.iter().find(|(p, g)| {
                *p == report.source.path
                    && g.code == f.code
                    && text.get(f.span.clone()) == Some(g.text.as_str())
            }) else {
                continue;
            };
            if let Some(fix) = &mut f.fix {
                fix.applicability = crate::finding::Applicability::Manual;
                fix.edits.clear();
                fix.title = format!("{} — held back: {}", fix.title, g.why);
                f.help = Some(fix.title.clone());
            }
        }
    }
}

/// What [`same_file`] compares of a path: its components but `.`.
fn file_key(p: &std::path::Path) -> Vec<&std::ffi::OsStr> {
    p.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str())
        .collect()
}

/// Whether two paths as displayed name the same file (`./a/b.py` and `a/b.py`).
pub fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::path::Component;
    let parts = |p: &std::path::Path| -> Vec<std::ffi::OsString> {
        p.components()
            .filter(|c| !matches!(c, Component::CurDir))
            .map(|c| c.as_os_str().to_os_string())
            .collect()
    };
    a == b || parts(a) == parts(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Applicability;
    use crate::finding::Fix;
    use crate::fix::{tab_indented, tabify};

    #[test]
    fn applies_sorted_edits() {
        let edits = vec![
            Edit {
                span: 0..1,
                content: "A".into(),
            },
            Edit {
                span: 4..4,
                content: "!".into(),
            },
        ];
        assert_eq!(apply_edits("abcd", &edits), "Abcd!");
    }

    #[test]
    fn overlap_rules() {
        let e = |a: usize, b: usize| Edit {
            span: a..b,
            content: String::new(),
        };
        assert!(overlaps(&e(0, 3), &e(2, 4)));
        assert!(!overlaps(&e(0, 2), &e(2, 4)));
        assert!(overlaps(&e(2, 2), &e(2, 2)));
        assert!(overlaps(&e(3, 3), &e(2, 4)));
    }

    #[test]
    fn tab_indentation_is_detected_and_applied() {
        assert!(tab_indented("def f():\n\tx = 1\n\ty = 2\n  # note\n"));
        assert!(!tab_indented("def f():\n    x = 1\n"));
        assert_eq!(
            tabify("f() {\n  a\n    b \\\n   c\n}", 2),
            "f() {\n\ta\n\t\tb \\\n\t c\n}"
        );
    }

    #[test]
    fn crlf_detection_and_normalisation() {
        assert!(uses_crlf("a\r\nb\r\n"));
        assert!(!uses_crlf("a\nb\r\n c\n"));
        let fix = Fix {
            title: "t".into(),
            applicability: Applicability::Safe,
            edits: vec![Edit {
                span: 0..1,
                content: "x\ny".into(),
            }],
            elsewhere: Vec::new(),
        };
        let edits = normalised_edits(&fix, "a\r\n", true).unwrap();
        assert_eq!(edits[0].content, "x\r\ny");
    }
}
