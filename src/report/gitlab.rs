//! `--format gitlab`: a GitLab Code Quality report, the JSON array of issues that
//! GitLab reads from `artifacts:reports:codequality` and shows in merge requests:
//!
//! ```json
//! [{"description": "…", "check_name": "AUR001", "fingerprint": "3f9c…",
//!   "severity": "major", "location": {"path": "src/a.js", "lines": {"begin": 12, "end": 15}}}]
//! ```
//!
//! `fingerprint` is the baseline fingerprint (unique per finding, as GitLab requires);
//! severities map error → `major`, warning → `minor`, info → `info`. Reported findings
//! only: GitLab's format has no notion of a suppressed issue. Secrets are redacted.

use crate::baseline;
use crate::finding::Severity;
use crate::redact::Redacted;
use crate::scan::ScanResult;
use serde::Serialize;

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// GitLab's severity for a finding's.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// Renders the whole result as one Code Quality report.
pub fn render(result: &ScanResult) -> String {
    let mut issues = Vec::new();
    for file in &result.files {
        let src = &file.source;
        let redacted = Redacted::new(&src.text, &file.secrets);
        let prints = baseline::fingerprints_with(file, &redacted);
        let path = src.display_path().replace('\\', "/");
        let path = path.strip_prefix("./").unwrap_or(&path).to_string();
        for (f, fingerprint) in file.findings.iter().zip(prints) {
            let mut description = format!("{} ({}): {}", f.code, f.name, f.message);
            if let Some(help) = &f.help {
                description.push_str(&format!(" help: {help}"));
            }
            issues.push(Issue {
                description: redacted.scrub(&src.text, &description),
                check_name: f.code.clone(),
                fingerprint,
                severity: severity(f.severity),
                location: Location {
                    path: path.clone(),
                    lines: Lines {
                        begin: src.position(f.span.start).line,
                        end: src.position(f.span.end).line,
                    },
                },
            });
        }
    }
    let mut out = serde_json::to_string_pretty(&issues).expect("the report serialises");
    out.push('\n');
    out
}
