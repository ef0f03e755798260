//! The default output: one miette diagnostic per finding, with a code frame of the
//! (redacted) source, the call as primary label and the offending parts as secondary
//! labels, then a summary.

use super::Summary;
use crate::finding::{Finding, Severity};
use crate::redact::Redacted;
use crate::scan::{FileReport, ScanResult};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};
use std::fmt::Write as _;

#[derive(Clone, Copy, Debug)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
    pub statistics: bool,
    /// Only the summary line (and errors).
    pub quiet: bool,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
            statistics: false,
            quiet: false,
        }
    }
}

fn handler(opts: &HumanOptions) -> GraphicalReportHandler {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false)
        .with_context_lines(1)
}

/// Renders one finding as a miette report.
pub fn render_finding(
    file: &FileReport,
    f: &Finding,
    redacted: &Redacted,
    opts: &HumanOptions,
) -> String {
    let src = &file.source;
    let spans = std::iter::once(&f.span).chain(f.labels.iter().map(|l| &l.span));
    let longest = spans
        .map(|s| longest_line(&redacted.text, redacted.map_span(s)))
        .max()
        .unwrap_or(0);
    if longest > MAX_FRAME_LINE {
        // A code frame of a minified bundle's line would be unreadable (and miette
        // cannot lay out columns past 65,535): the position is given in words.
        return render_without_frame(file, f, redacted, opts, longest);
    }
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(redacted.scrub(&src.text, &f.primary_label)),
        to_miette(redacted.map_span(&f.span)),
    )];
    for l in &f.labels {
        labels.push(LabeledSpan::new_with_span(
            Some(redacted.scrub(&src.text, &l.message)),
            to_miette(redacted.map_span(&l.span)),
        ));
    }
    let mut diag = MietteDiagnostic::new(redacted.scrub(&src.text, &f.message))
        .with_code(format!("{}({})", f.code, f.name))
        .with_severity(severity(f))
        .with_labels(labels);
    if let Some(help) = &f.help {
        diag = diag.with_help(redacted.scrub(&src.text, help));
    }
    let report = Report::new(diag).with_source_code(
        NamedSource::new(src.display_path(), redacted.text.clone()).with_language("javascript"),
    );
    let mut out = String::new();
    handler(opts)
        .render_report(&mut out, report.as_ref())
        .expect("rendering to a String cannot fail");
    out
}

/// Lines longer than this (in characters) get no code frame.
pub const MAX_FRAME_LINE: usize = 2000;

fn severity(f: &Finding) -> miette::Severity {
    match f.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// The length in characters of the longest line that `span` of `text` touches.
fn longest_line(text: &str, span: std::ops::Range<usize>) -> usize {
    let start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = text[span.end.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i);
    text[start..end]
        .split('\n')
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
}

/// A finding on a very long line: the diagnostic without a code frame, and its
/// position as `path:line:column`.
fn render_without_frame(
    file: &FileReport,
    f: &Finding,
    redacted: &Redacted,
    opts: &HumanOptions,
    longest: usize,
) -> String {
    let src = &file.source;
    let at = src.position(f.span.start);
    let mut diag = MietteDiagnostic::new(redacted.scrub(&src.text, &f.message))
        .with_code(format!("{}({})", f.code, f.name))
        .with_severity(severity(f));
    let mut help = format!(
        "at {}:{}:{} (a line of {longest} characters: no code frame)",
        src.display_path(),
        at.line,
        at.column
    );
    if let Some(h) = &f.help {
        help = format!("{}\n{help}", redacted.scrub(&src.text, h));
    }
    diag = diag.with_help(help);
    let mut out = String::new();
    handler(opts)
        .render_report(&mut out, &diag)
        .expect("rendering to a String cannot fail");
    out
}

fn to_miette(span: std::ops::Range<usize>) -> miette::SourceSpan {
    (span.start, span.end - span.start).into()
}

/// Renders the whole result.
pub fn render(result: &ScanResult, opts: &HumanOptions) -> String {
    let mut out = String::new();
    if !opts.quiet {
        for file in &result.files {
            let redacted = Redacted::new(&file.source.text, &file.secrets);
            for f in &file.findings {
                out.push_str(&render_finding(file, f, &redacted, opts));
                out.push('\n');
            }
        }
    }
    for e in &result.errors {
        let _ = writeln!(out, "error: {}: {}", e.path, e.message);
    }
    out.push_str(&file_list(result));
    let s = Summary::of(result);
    if opts.statistics && s.findings > 0 {
        let _ = writeln!(out, "{:>6}  {:<8} name", "count", "code");
        let mut names: Vec<(&str, &str)> = result
            .findings()
            .map(|(_, f)| (f.code.as_str(), f.name.as_str()))
            .collect();
        names.sort();
        names.dedup();
        for (code, count) in &s.by_code {
            let name = names
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, n)| *n)
                .unwrap_or("");
            let _ = writeln!(out, "{count:>6}  {code:<8} {name}");
        }
    }
    let _ = writeln!(out, "{}", summary_line(result, &s));
    for note in &result.unknown_hosts {
        let _ = writeln!(out, "note: {}", note.message());
    }
    out
}

/// Every candidate file with its outcome (`--show-files`; empty otherwise).
pub fn file_list(result: &ScanResult) -> String {
    let mut out = String::new();
    for e in &result.file_list {
        let _ = write!(out, "{}: {}", e.path, e.status.label());
        if let Some(d) = &e.detail {
            let _ = write!(out, " ({d})");
        }
        out.push('\n');
    }
    out
}

/// ` (3 skipped: 2 binary, 1 too large)` when files were skipped, else nothing.
fn skipped_note(result: &ScanResult) -> String {
    super::skipped_text(result)
        .map(|t| format!(" ({t})"))
        .unwrap_or_default()
}

fn summary_line(result: &ScanResult, s: &Summary) -> String {
    let count = |sev: Severity| result.findings().filter(|(_, f)| f.severity == sev).count();
    let files_with = result.files_with_findings().count();
    if s.findings == 0 {
        return format!(
            "No findings in {} file{} scanned{}.",
            s.files_scanned,
            plural(s.files_scanned),
            skipped_note(result)
        );
    }
    format!(
        "Found {} finding{} ({} error{}, {} warning{}, {} info) in {} of {} file{} scanned{}.",
        s.findings,
        plural(s.findings),
        count(Severity::Error),
        plural(count(Severity::Error)),
        count(Severity::Warning),
        plural(count(Severity::Warning)),
        count(Severity::Info),
        files_with,
        s.files_scanned,
        plural(s.files_scanned),
        skipped_note(result),
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
