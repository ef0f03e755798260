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
    let severity = match f.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    };
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
        .with_severity(severity)
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
    let files_with = result.files.len();
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
