//! Properties of the edit applier, and a bounded-time mutation test of every front
//! end: mutated fixture files must never panic or hang a scan or a fix.

use apimigrate::finding::Edit;
use apimigrate::fix::apply_edits;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "support/mutate.rs"]
mod mutate;
use mutate::{fixture_files, mutate, Lcg};

/// Sorted, non-overlapping edits of `text` (on char boundaries), from raw choices.
fn edits_of(text: &str, raw: &[(usize, usize, String)]) -> Vec<Edit> {
    let bounds: Vec<usize> = (0..=text.len())
        .filter(|i| text.is_char_boundary(*i))
        .collect();
    let mut spans: Vec<(usize, usize, String)> = raw
        .iter()
        .map(|(a, b, c)| {
            let a = bounds[a % bounds.len()];
            let b = bounds[b % bounds.len()];
            (a.min(b), a.max(b), c.clone())
        })
        .collect();
    spans.sort_by_key(|(a, b, _)| (*a, *b));
    let mut out: Vec<Edit> = Vec::new();
    for (a, b, content) in spans {
        // Keep only what neither overlaps nor shares an insertion point.
        if out
            .last()
            .is_some_and(|l| a < l.span.end || a == l.span.start)
        {
            continue;
        }
        out.push(Edit {
            span: a..b,
            content,
        });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn applying_edits_keeps_every_byte_outside_them(
        text in "[a-zé\\n\\r\\t ]{0,60}",
        raw in proptest::collection::vec((0usize..100, 0usize..100, "[x-zü\\n]{0,5}"), 0..6),
    ) {
        let edits = edits_of(&text, &raw);
        let out = apply_edits(&text, &edits);
        // Walk the result: the gaps between edits are the original bytes, each edit
        // is its content, in order.
        let mut at = 0;
        let mut pos = 0;
        for e in &edits {
            let gap = &text[at..e.span.start];
            prop_assert_eq!(&out[pos..pos + gap.len()], gap);
            pos += gap.len();
            prop_assert_eq!(&out[pos..pos + e.content.len()], e.content.as_str());
            pos += e.content.len();
            at = e.span.end;
        }
        prop_assert_eq!(&out[pos..], &text[at..]);
        let grown: isize = edits
            .iter()
            .map(|e| e.content.len() as isize - e.span.len() as isize)
            .sum();
        prop_assert_eq!(out.len() as isize, text.len() as isize + grown);
    }

    #[test]
    fn no_edits_and_identity_edits_change_nothing(
        text in "[a-zé\\n ]{0,60}",
        raw in proptest::collection::vec((0usize..100, 0usize..100, Just(String::new())), 0..6),
    ) {
        prop_assert_eq!(apply_edits(&text, &[]), text.clone());
        // Each edit rewritten to the text it replaces is the identity.
        let same: Vec<Edit> = edits_of(&text, &raw)
            .into_iter()
            .map(|e| Edit { content: text[e.span.clone()].to_string(), span: e.span })
            .collect();
        prop_assert_eq!(apply_edits(&text, &same), text);
    }
}

/// Fixing a file and fixing the result again changes nothing the second time, on
/// the fix fixtures of every language (idempotence of the whole codemod).
#[test]
fn fixing_twice_is_fixing_once() {
    use apimigrate::pipeline::fix::{fix_source, FixLevel};
    use apimigrate::rules::engine::Selection;
    use apimigrate::rules::RuleSet;
    use apimigrate::scan::Checker;
    use apimigrate::source::{Language, SourceFile};
    let checker = Checker::new(RuleSet::embedded(), Selection::default());
    for path in fixture_files(Path::new("fixtures/fix"))
        .into_iter()
        .take(40)
    {
        let Some(lang) = Language::detect(&path) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let once = fix_source(
            &checker,
            &SourceFile::new(path.clone(), text, lang),
            FixLevel::Unsafe,
        );
        let twice = fix_source(
            &checker,
            &SourceFile::new(path.clone(), once.fixed.clone(), lang),
            FixLevel::Unsafe,
        );
        assert_eq!(twice.fixed, once.fixed, "{}", path.display());
    }
}

/// Mutated fixtures of every front end go through a full check and fix without a
/// panic, an error entry for the file (a panic or the deadline) or a hang. Bounded
/// by time, so it stays a few seconds however many fixtures there are.
#[test]
fn mutated_fixtures_never_panic_or_hang() {
    use apimigrate::discover::WalkOptions;
    use apimigrate::pipeline::fix::{fix_source, FixLevel};
    use apimigrate::rules::engine::Selection;
    use apimigrate::rules::RuleSet;
    use apimigrate::scan::Checker;
    use apimigrate::source::{Language, SourceFile};
    let mut checker = Checker::new(RuleSet::embedded(), Selection::default());
    checker.deadline = Duration::from_secs(20);
    let fixtures: Vec<PathBuf> = fixture_files(Path::new("fixtures"))
        .into_iter()
        .filter(|p| Language::detect(p).is_some())
        .collect();
    let mut langs: Vec<Language> = fixtures
        .iter()
        .filter_map(|p| Language::detect(p))
        .collect();
    langs.sort_by_key(|l| format!("{l:?}"));
    langs.dedup();
    assert!(langs.len() >= 7, "every front end has fixtures: {langs:?}");
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Lcg(0x5eed);
    let start = Instant::now();
    let mut rounds = 0;
    while start.elapsed() < Duration::from_secs(4) || rounds < fixtures.len() {
        let path = &fixtures[rounds % fixtures.len()];
        rounds += 1;
        let original = std::fs::read(path).unwrap();
        let mutated = mutate(&original, &mut rng);
        let name = path.file_name().unwrap();
        let target = dir.path().join(name);
        std::fs::write(&target, &mutated).unwrap();
        let result = checker.scan(std::slice::from_ref(&target), &WalkOptions::default());
        assert!(
            result
                .errors
                .iter()
                .all(|e| !e.message.contains("analysis")),
            "{} mutated to {:?}: {:?}",
            path.display(),
            String::from_utf8_lossy(&mutated),
            result.errors
        );
        // The fix engine on what was read (in-process: a panic fails the test).
        if let Ok(text) = String::from_utf8(mutated.clone()) {
            let lang = Language::detect(path).unwrap();
            let source = SourceFile::new(target.clone(), text, lang);
            let outcome = fix_source(&checker, &source, FixLevel::Unsafe);
            // A file that does not parse is never rewritten.
            if apimigrate::frontend::syntax_error(&source).is_some() {
                assert_eq!(outcome.fixed, outcome.original, "{}", path.display());
            }
        }
        std::fs::remove_file(&target).unwrap();
        if start.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
    assert!(
        rounds >= fixtures.len(),
        "only {rounds} mutants in the time"
    );
}
