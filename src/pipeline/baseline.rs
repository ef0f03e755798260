//! Baselines (SPEC §5): a file that records the findings a project has accepted for now,
//! so that a CI gate fails only on new ones.
//!
//! Findings are identified by a *fingerprint* that survives unrelated edits (lines added
//! above, other code reformatted) and changes when the offending code changes:
//!
//! ```text
//! sha256("apimigrate-fingerprint-v1" NUL code NUL path NUL normalised-text NUL occurrence)
//! ```
//!
//! truncated to 32 hexadecimal digits, where
//! - `path` is the path as every report shows it (relative to the current directory);
//! - `normalised-text` is the source text of the finding's primary span (the call, or
//!   the suppression comment for API900) with secrets replaced by `***` and formatting
//!   removed: whitespace dropped (one space kept between two word characters), single
//!   quotes read as double quotes, trailing commas before `)`, `]`, `}` dropped. A span
//!   that holds nothing but a secret (API002 points at the credential literal) is read
//!   with the rest of its line (`const API_KEY = "***";`), so that two credentials of a
//!   file are told apart by where they are written, not by their order;
//! - `occurrence` is the index of the finding among the findings of the same file with
//!   the same code and normalised text, in source order (two identical calls in one file
//!   are two entries); findings silenced by an inline suppression or the baseline count
//!   too, so a suppression never shifts the fingerprint of another finding.
//!
//! Line and column numbers are not part of the fingerprint; the message is not either
//! (it may be reworded by a newer version of the tool).

use crate::finding::{Suppressed, Suppression};
use crate::redact::Redacted;
use crate::scan::{FileReport, ScanResult};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The version of the baseline file format.
pub const VERSION: u32 = 1;

/// The key under which SARIF output carries the fingerprint in `partialFingerprints`.
pub const SARIF_KEY: &str = "apimigrate/v1";

/// A baseline file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

/// One accepted finding. Only `fingerprint` is compared; the rest is for people
/// reading or reviewing the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub code: String,
    pub path: String,
    pub fingerprint: String,
    /// The finding's message when it was recorded (redacted), a hint for reviewers.
    #[serde(default)]
    pub message: String,
}

/// The formatting-insensitive text of a span: see the module documentation.
pub fn normalise(text: &str) -> String {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        let c = if c == '\'' { '"' } else { c };
        if matches!(c, ')' | ']' | '}') && out.ends_with(',') {
            out.pop();
        }
        if pending_space && word(c) && out.chars().next_back().is_some_and(word) {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// The fingerprint of a finding from its parts (see the module documentation).
pub fn fingerprint(code: &str, path: &str, normalised: &str, occurrence: usize) -> String {
    let mut h = Sha256::new();
    for part in [
        "apimigrate-fingerprint-v1",
        code,
        path,
        normalised,
        &occurrence.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The fingerprints of a file's findings, in the order of `file.findings`.
pub fn fingerprints(file: &FileReport) -> Vec<String> {
    let redacted = Redacted::new(&file.source.text, &file.secrets);
    fingerprints_with(file, &redacted)
}

/// [`fingerprints`] with the file's redaction already computed.
pub fn fingerprints_with(file: &FileReport, redacted: &Redacted) -> Vec<String> {
    all_fingerprints(file, redacted).0
}

/// The fingerprints of a file's findings and of its suppressed findings, in the order
/// of `file.findings` and `file.suppressed`.
///
/// Occurrences are counted over both lists together, in source order: a finding keeps
/// its fingerprint whether it is reported, suppressed inline or baselined, so adding or
/// removing a suppression never changes the fingerprint of another finding.
pub fn all_fingerprints(file: &FileReport, redacted: &Redacted) -> (Vec<String>, Vec<String>) {
    let path = file.source.display_path();
    let all: Vec<&crate::finding::Finding> = file
        .findings
        .iter()
        .chain(file.suppressed.iter().map(|s| &s.finding))
        .collect();
    // A finding at one of a call's values is fingerprinted by the call, as it was
    // before findings moved to their values: existing baselines keep matching.
    let anchor = |f: &crate::finding::Finding| f.call_span.clone().unwrap_or(f.span.clone());
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by_key(|&i| {
        let a = anchor(all[i]);
        (a.start, a.end)
    });
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut out = vec![String::new(); all.len()];
    for i in order {
        let f = all[i];
        let span = redacted.map_span(&anchor(f));
        let mut text = redacted.text.get(span.clone()).unwrap_or("");
        if text.trim_matches(['"', '\'', '`']) == crate::redact::MASK {
            let start = redacted.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let end = redacted.text[span.end..]
                .find('\n')
                .map_or(redacted.text.len(), |i| span.end + i);
            text = &redacted.text[start..end];
        }
        let norm = normalise(text);
        let n = seen.entry((f.code.clone(), norm.clone())).or_insert(0);
        out[i] = fingerprint(&f.code, &path, &norm, *n);
        *n += 1;
    }
    let suppressed = out.split_off(file.findings.len());
    (out, suppressed)
}

impl Baseline {
    /// The baseline that accepts every finding of `result`.
    pub fn of(result: &ScanResult) -> Baseline {
        let mut entries = Vec::new();
        for file in &result.files {
            let redacted = Redacted::new(&file.source.text, &file.secrets);
            let prints = fingerprints_with(file, &redacted);
            for (f, fp) in file.findings.iter().zip(prints) {
                entries.push(Entry {
                    code: f.code.clone(),
                    path: file.source.display_path(),
                    fingerprint: fp,
                    message: redacted.scrub(&file.source.text, &f.message),
                });
            }
        }
        let mut b = Baseline {
            version: VERSION,
            entries,
        };
        b.sort();
        b
    }

    /// Sorted by path, code, fingerprint, so that the file diffs well.
    fn sort(&mut self) {
        self.entries.sort_by(|a, b| {
            (&a.path, &a.code, &a.fingerprint).cmp(&(&b.path, &b.code, &b.fingerprint))
        });
        self.entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    }

    /// Reads a baseline file; the error names the file and what is wrong.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "cannot read baseline {}: {e}; write one with --write-baseline {0}",
                path.display()
            )
        })?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: not a baseline file: {e}; write it again with --write-baseline {0}",
                path.display()
            )
        })?;
        if b.version != VERSION {
            return Err(format!(
                "{}: baseline version {} is not supported (expected {VERSION}); write it again with --write-baseline {0}",
                path.display(),
                b.version
            ));
        }
        Ok(b)
    }

    /// Writes the baseline as pretty JSON.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self).expect("a baseline serialises");
        text.push('\n');
        std::fs::write(path, text).map_err(|e| {
            format!(
                "cannot write baseline {}: {e}; check that its folder exists and is writable",
                path.display()
            )
        })
    }

    fn set(&self) -> HashSet<&str> {
        self.entries
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect()
    }

    /// Moves the findings the baseline accepts from the report to the file's suppressed
    /// findings (`file` is the baseline's path as shown); returns how many.
    pub fn filter(&self, result: &mut ScanResult, file: &str) -> usize {
        let known = self.set();
        let mut hidden = 0;
        for report in &mut result.files {
            let prints = fingerprints(report);
            let findings = std::mem::take(&mut report.findings);
            for (f, fp) in findings.into_iter().zip(prints) {
                if known.contains(fp.as_str()) {
                    hidden += 1;
                    report.suppressed.push(Suppressed {
                        finding: f,
                        by: Suppression::Baseline {
                            file: file.to_string(),
                        },
                    });
                } else {
                    report.findings.push(f);
                }
            }
            report
                .suppressed
                .sort_by_key(|s| (s.finding.span.start, s.finding.span.end));
        }
        hidden
    }

    /// The baseline without the entries that match no finding of `result`, among the
    /// entries `in_scope` says the run looked at (a run over part of a repository, or
    /// with some rules deselected, keeps the entries it could not have seen). Returns
    /// the pruned baseline and the number of entries removed.
    pub fn pruned(
        &self,
        result: &ScanResult,
        in_scope: impl Fn(&Entry) -> bool,
    ) -> (Baseline, usize) {
        let mut current = HashSet::new();
        for file in &result.files {
            current.extend(fingerprints(file));
        }
        let mut out = self.clone();
        out.entries
            .retain(|e| current.contains(&e.fingerprint) || !in_scope(e));
        out.version = VERSION;
        out.sort();
        let removed = self.entries.len() - out.entries.len();
        (out, removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_ignores_formatting() {
        let a = "axios.delete(`${BASE}/api/2.0/users/${id}`, { headers: { 'x': 1 } })";
        let b = "axios.delete(\n  `${BASE}/api/2.0/users/${id}`,\n  {\n    headers: { \"x\": 1 },\n  },\n)";
        assert_eq!(normalise(a), normalise(b));
        // Word boundaries survive.
        assert_eq!(normalise("new   URL(x)"), "new URL(x)");
        assert_ne!(normalise("a(1)"), normalise("a(2)"));
    }

    #[test]
    fn fingerprint_is_stable_and_distinct() {
        let f = fingerprint("AUR001", "a.js", "x()", 0);
        assert_eq!(f.len(), 32);
        assert_eq!(f, fingerprint("AUR001", "a.js", "x()", 0));
        assert_ne!(f, fingerprint("AUR001", "a.js", "x()", 1));
        assert_ne!(f, fingerprint("AUR002", "a.js", "x()", 0));
        assert_ne!(f, fingerprint("AUR001", "b.js", "x()", 0));
    }
}
