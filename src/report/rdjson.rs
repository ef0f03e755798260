//! `--format rdjson`: the reviewdog Diagnostic Format (`DiagnosticResult` as JSON), for
//! `reviewdog -f=rdjson`. Each finding is a diagnostic with its range, severity
//! (`ERROR`, `WARNING`, `INFO`) and code (the rule code and, when the rule's references
//! have one, a URL); every edit of a safe or unsafe fix is a `suggestions` entry, which
//! reviewdog's pull-request reporter turns into suggested changes that a reviewer
//! applies from the pull request.
//!
//! Positions follow reviewdog's definition: lines are 1-based, and columns are 1-based
//! **byte** counts in UTF-8 (not characters, unlike the other formats); ranges end
//! exclusively. Secrets are redacted.

use crate::finding::{Applicability, Severity};
use crate::redact::Redacted;
use crate::rules::RuleSet;
use crate::scan::ScanResult;
use crate::source::SourceFile;
use serde::Serialize;

#[derive(Serialize)]
struct DiagnosticResult {
    source: Source,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
}

#[derive(Serialize)]
struct Diagnostic {
    message: String,
    location: Location,
    severity: &'static str,
    source: Source,
    code: Code,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<Suggestion>,
}

#[derive(Serialize)]
struct Location {
    path: String,
    range: Range,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Code {
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Suggestion {
    range: Range,
    text: String,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

/// A 1-based line and a 1-based UTF-8 byte column.
fn position(src: &SourceFile, offset: usize) -> Position {
    let line = src.position(offset).line;
    let offset = offset.min(src.text.len());
    let line_start = src.text[..offset].rfind('\n').map_or(0, |i| i + 1);
    Position {
        line,
        column: offset - line_start + 1,
    }
}

fn range(src: &SourceFile, span: &std::ops::Range<usize>) -> Range {
    Range {
        start: position(src, span.start),
        end: position(src, span.end),
    }
}

/// The rule's first web reference, where a reader learns more about it.
fn rule_url(rules: &RuleSet, code: &str) -> Option<String> {
    rules
        .find(code)?
        .rule
        .docs
        .references
        .iter()
        .find(|r| r.starts_with("https://") || r.starts_with("http://"))
        .cloned()
}

/// Renders the whole result as one `DiagnosticResult`.
pub fn render(result: &ScanResult, rules: &RuleSet) -> String {
    let mut diagnostics = Vec::new();
    for file in &result.files {
        let src = &file.source;
        let redacted = Redacted::new(&src.text, &file.secrets);
        let scrub = |s: &str| redacted.scrub(&src.text, s);
        for f in &file.findings {
            let mut message = scrub(&f.message);
            if let Some(help) = &f.help {
                message.push_str(&format!("\nhelp: {}", scrub(help)));
            }
            let suggestions = f
                .fix
                .iter()
                .filter(|x| x.applicability != Applicability::Manual)
                .flat_map(|x| &x.edits)
                .map(|e| Suggestion {
                    range: range(src, &e.span),
                    text: scrub(&e.content),
                })
                .collect();
            diagnostics.push(Diagnostic {
                message,
                location: Location {
                    path: src.display_path(),
                    range: range(src, &f.span),
                },
                severity: severity(f.severity),
                source: Source { name: "apimigrate" },
                code: Code {
                    value: f.code.clone(),
                    url: rule_url(rules, &f.code),
                },
                suggestions,
            });
        }
    }
    let out = DiagnosticResult {
        source: Source { name: "apimigrate" },
        diagnostics,
    };
    let mut text = serde_json::to_string_pretty(&out).expect("the report serialises");
    text.push('\n');
    text
}
