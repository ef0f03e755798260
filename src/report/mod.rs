//! Reporters: one module per output format. Each takes a finished `ScanResult` and
//! writes it; all of them redact secrets.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod rdjson;
pub mod sarif;

use crate::finding::Suppression;
use crate::scan::ScanResult;
use std::collections::BTreeMap;

/// Counts shared by the formats' summaries.
pub struct Summary {
    pub files_scanned: usize,
    pub files_skipped: usize,
    /// Skipped files by reason; every reason of [`crate::scan::SKIP_REASONS`] is present.
    pub skipped: BTreeMap<String, usize>,
    pub findings: usize,
    pub fixable: usize,
    pub by_code: BTreeMap<String, usize>,
    /// Findings an inline suppression silenced.
    pub suppressed: usize,
    /// Findings the baseline accepts.
    pub baselined: usize,
    /// Findings on lines unchanged since the `--diff-base` revision.
    pub unchanged: usize,
}

impl Summary {
    pub fn of(result: &ScanResult) -> Summary {
        let mut by_code = BTreeMap::new();
        let mut findings = 0;
        let mut fixable = 0;
        for (_, f) in result.findings() {
            findings += 1;
            *by_code.entry(f.code.clone()).or_insert(0) += 1;
            if f.fix.as_ref().is_some_and(|x| {
                x.applicability != crate::finding::Applicability::Manual && x.edits_something()
            }) {
                fixable += 1;
            }
        }
        let mut suppressed = 0;
        let mut baselined = 0;
        let mut unchanged = 0;
        for (_, s) in result.suppressed() {
            match s.by {
                Suppression::InSource { .. } => suppressed += 1,
                Suppression::Baseline { .. } => baselined += 1,
                Suppression::Unchanged { .. } => unchanged += 1,
            }
        }
        Summary {
            unchanged,
            suppressed,
            baselined,
            files_scanned: result.files_scanned,
            files_skipped: result.files_skipped,
            skipped: crate::scan::SKIP_REASONS
                .iter()
                .map(|r| (r.to_string(), result.skipped.get(r).copied().unwrap_or(0)))
                .collect(),
            findings,
            fixable,
            by_code,
        }
    }
}

/// `2 files skipped: 1 binary, 1 minified or generated`, or `None` when no file was
/// skipped. Every format says it (human, JSON, SARIF, GitHub, JUnit).
pub fn skipped_text(result: &ScanResult) -> Option<String> {
    if result.files_skipped == 0 {
        return None;
    }
    let reasons: Vec<String> = skipped_by_reason(result)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| format!("{n} {}", reason_text(r)))
        .collect();
    Some(format!(
        "{} skipped: {}",
        result.files_skipped,
        reasons.join(", ")
    ))
}

/// Every skip reason with its count, in [`crate::scan::SKIP_REASONS`] order.
pub fn skipped_by_reason(result: &ScanResult) -> Vec<(&'static str, usize)> {
    crate::scan::SKIP_REASONS
        .iter()
        .map(|r| (*r, result.skipped.get(r).copied().unwrap_or(0)))
        .collect()
}

/// A skip reason in words.
pub fn reason_text(reason: &str) -> &str {
    match reason {
        "too_large" => "too large",
        "generated" => "minified or generated",
        other => other,
    }
}
