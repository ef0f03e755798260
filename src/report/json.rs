//! `--format json`, version 1 (SPEC §4).

use super::Summary;
use crate::baseline;
use crate::finding::Finding;
use crate::redact::Redacted;
use crate::scan::{FileReport, ScanResult};
use crate::source::Position;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    findings: Findings<'a>,
    errors: Vec<JsonError<'a>>,
    summary: JsonSummary<'a>,
}

/// The findings of every file, each rendered as it is written: the document never
/// holds them all (with 30,000 findings they were most of the memory of a run).
struct Findings<'a>(&'a ScanResult);

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.0.findings().count()))?;
        for file in &self.0.files {
            if file.findings.is_empty() {
                continue;
            }
            let redacted = Redacted::new(&file.source.text, &file.secrets);
            let prints = baseline::fingerprints_with(file, &redacted);
            for (f, fp) in file.findings.iter().zip(prints) {
                seq.serialize_element(&finding(file, f, fp, &redacted))?;
            }
        }
        seq.end()
    }
}

#[derive(Serialize)]
pub(super) struct JsonFinding<'a> {
    code: &'a str,
    name: &'a str,
    vendor: &'a str,
    severity: String,
    message: String,
    path: String,
    start: Position,
    end: Position,
    fix: Option<JsonFix>,
    /// The baseline fingerprint (see `crate::baseline`).
    fingerprint: String,
    /// Definitions in other files the finding depends on (an imported base URL).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated>,
}

#[derive(Serialize)]
struct JsonRelated {
    path: String,
    start: Position,
    end: Position,
    message: String,
}

#[derive(Serialize)]
struct JsonFix {
    applicability: String,
    title: String,
    /// Edits of the finding's own file.
    edits: Vec<JsonEdit>,
    /// Edits of other files (the definition of an imported value), one entry per file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    other_files: Vec<JsonFileEdits>,
}

#[derive(Serialize)]
struct JsonFileEdits {
    path: String,
    edits: Vec<JsonEdit>,
}

#[derive(Serialize)]
struct JsonEdit {
    start: Position,
    end: Position,
    content: String,
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    files_scanned: usize,
    files_skipped: usize,
    skipped: BTreeMap<String, usize>,
    findings: usize,
    fixable: usize,
    by_code: BTreeMap<String, usize>,
    /// Findings silenced by an inline suppression (not in `findings`).
    suppressed: usize,
    /// Findings the baseline accepts (not in `findings`).
    baselined: usize,
    /// With --diff-base: findings on lines unchanged since that revision (not in
    /// `findings`).
    #[serde(skip_serializing_if = "Option::is_none")]
    unchanged: Option<usize>,
    /// Per vendor: URLs of its deprecated API on hosts with no vendor signal, which no
    /// rule judged (never findings), and the setting that would make them signals.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    unknown_hosts: &'a [crate::learn::UnknownHosts],
}

pub(super) fn finding<'a>(
    file: &'a FileReport,
    f: &'a Finding,
    fingerprint: String,
    redacted: &Redacted,
) -> JsonFinding<'a> {
    let src = &file.source;
    JsonFinding {
        code: &f.code,
        name: &f.name,
        vendor: &f.vendor,
        severity: f.severity.to_string(),
        message: redacted.scrub(&src.text, &f.message),
        path: src.display_path(),
        start: src.position(f.span.start),
        end: src.position(f.span.end),
        fix: f.fix.as_ref().map(|fix| JsonFix {
            applicability: fix.applicability.to_string(),
            title: redacted.scrub(&src.text, &fix.title),
            edits: fix
                .edits
                .iter()
                .map(|e| JsonEdit {
                    start: src.position(e.span.start),
                    end: src.position(e.span.end),
                    content: redacted.scrub(&src.text, &e.content),
                })
                .collect(),
            other_files: fix
                .elsewhere
                .iter()
                .map(|f| JsonFileEdits {
                    path: f.path.clone(),
                    edits: f
                        .edits
                        .iter()
                        .map(|(e, start, end)| JsonEdit {
                            start: *start,
                            end: *end,
                            content: redacted.scrub(&src.text, &e.content),
                        })
                        .collect(),
                })
                .collect(),
        }),
        fingerprint,
        related: f
            .related
            .iter()
            .map(|r| JsonRelated {
                path: r.path.to_string_lossy().replace('\\', "/"),
                start: r.start,
                end: r.end,
                message: redacted.scrub(&src.text, &r.message),
            })
            .collect(),
    }
}

/// Renders the whole result as one JSON document.
pub fn render(result: &ScanResult) -> String {
    let mut out = Vec::new();
    write(result, &mut out).expect("writing to memory succeeds");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Writes the whole result as one JSON document to `out`, finding by finding.
pub fn write(result: &ScanResult, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let s = Summary::of(result);
    let doc = Output {
        version: 1,
        findings: Findings(result),
        errors: result
            .errors
            .iter()
            .map(|e| JsonError {
                path: &e.path,
                message: &e.message,
            })
            .collect(),
        summary: JsonSummary {
            files_scanned: s.files_scanned,
            files_skipped: s.files_skipped,
            skipped: s.skipped,
            findings: s.findings,
            fixable: s.fixable,
            by_code: s.by_code,
            suppressed: s.suppressed,
            baselined: s.baselined,
            unchanged: result.diff_base.is_some().then_some(s.unchanged),
            unknown_hosts: &result.unknown_hosts,
        },
    };
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut buffered, &doc).map_err(std::io::Error::from)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}
