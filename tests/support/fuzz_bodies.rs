//! What each fuzz target checks, shared by the libFuzzer targets (`fuzz/`, nightly)
//! and the stable, time-bounded mutation runner (`tests/mutation.rs`): the same
//! assertions, whichever engine makes the inputs.

use apimigrate::finding::Edit;
use apimigrate::fix::apply_edits;
use apimigrate::pipeline::fix::{fix_source, FixLevel};
use apimigrate::rules::engine::Selection;
use apimigrate::rules::pattern::PathPattern;
use apimigrate::rules::RuleSet;
use apimigrate::scan::Checker;
use apimigrate::source::{Language, SourceFile};
use std::path::Path;
use std::sync::OnceLock;

/// The file names the first byte of a `frontends` input picks from: one per front end.
pub const NAMES: &[&str] = &[
    "a.js",
    "a.ts",
    "a.tsx",
    "a.py",
    "a.rs",
    "a.sh",
    "a.md",
    "a.http",
    "a.ipynb",
    ".github/workflows/a.yml",
];

fn checker() -> &'static Checker {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| Checker::new(RuleSet::embedded(), Selection::default()))
}

/// A front end, the rules and the fix engine on `text` read as `name`: nothing
/// panics, and a file that does not parse is never rewritten.
pub fn frontend(name: &str, text: &str) {
    if let Some(language) = Language::detect(Path::new(name)) {
        frontend_as(name, language, text);
    }
}

fn frontend_as(name: &str, language: Language, text: &str) {
    let file = || SourceFile::new(name.into(), text.to_string(), language);
    let _ = checker().check_source(file());
    let file = file();
    let outcome = fix_source(checker(), &file, FixLevel::Unsafe);
    if apimigrate::frontend::syntax_error(&file).is_some() {
        assert_eq!(outcome.fixed, outcome.original, "{name} was rewritten");
    }
}

/// The `frontends` target: the first byte picks the language.
pub fn frontends(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    if let Ok(text) = std::str::from_utf8(rest) {
        frontend(NAMES[pick as usize % NAMES.len()], text);
    }
}

/// The Postman reader (its span-aware JSON parser, scripts, variables), then the
/// whole check, on bytes named as a collection.
pub fn postman(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("a.postman_collection.json");
    let _ = apimigrate::frontend::postman::extract(text, path, &[]);
    frontend_as("a.postman_collection.json", Language::Postman, text);
}

/// URL-template matching: `data` as a path pattern, and as the URL of a request in
/// JavaScript and Python that every rule's pattern is matched against.
pub fn url_template(data: &[u8]) {
    let Ok(url) = std::str::from_utf8(data) else {
        return;
    };
    let _ = PathPattern::parse(url);
    let url: String = url
        .chars()
        .filter(|c| !matches!(c, '`' | '\\' | '\n' | '\r' | '"'))
        .collect();
    let js = format!("await axios.delete(`https://community.khoros.com{url}`);\n");
    let _ = checker().check_source(SourceFile::new("a.js".into(), js, Language::JavaScript));
    let py = format!("import requests\nrequests.delete(\"https://acme.360learning.com{url}\")\n");
    let _ = checker().check_source(SourceFile::new("a.py".into(), py, Language::Python));
}

/// The edit applier: edits made from arbitrary numbers, kept when they fall on
/// character boundaries and do not overlap, change nothing outside them.
pub fn edits(text: &str, raw: &[(u16, u16, String)]) {
    let len = text.len() + 1;
    let mut edits: Vec<Edit> = raw
        .iter()
        .map(|(a, b, content)| {
            let (a, b) = (*a as usize % len, *b as usize % len);
            Edit {
                span: a.min(b)..a.max(b),
                content: content.clone(),
            }
        })
        .filter(|e| text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end))
        .collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    edits.dedup_by(|b, a| b.span.start < a.span.end || b.span.start == a.span.start);
    let out = apply_edits(text, &edits);
    let head = edits.first().map_or(text.len(), |e| e.span.start);
    let tail = edits.last().map_or(text.len(), |e| e.span.end);
    assert!(
        out.starts_with(&text[..head]),
        "bytes before the first edit changed"
    );
    assert!(
        out.ends_with(&text[tail..]),
        "bytes after the last edit changed"
    );
    let added: usize = edits.iter().map(|e| e.content.len()).sum();
    let removed: usize = edits.iter().map(|e| e.span.len()).sum();
    assert_eq!(out.len(), text.len() + added - removed);
}
