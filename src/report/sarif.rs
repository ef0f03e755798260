//! `--format sarif`: SARIF 2.1.0 (OASIS), typed with the `serde-sarif` crate.
//!
//! One run; `tool.driver.rules` lists every rule of the run's rule set with its
//! documentation; each finding is a result with its region, secondary labels as
//! related locations, its fix (when it has edits) as `fixes[].artifactChanges`, and the
//! baseline fingerprint (see `crate::baseline`) in `partialFingerprints`. Findings that
//! an inline suppression or the baseline keeps out of the report stay in the log with
//! `suppressions` (`inSource` with the written reason, or `external`), so code scanning
//! shows them as suppressed instead of closing and reopening their alerts; every other
//! result has an empty `suppressions` list (not suppressed).
//!
//! Positions: lines and columns are 1-based, and columns count Unicode code points,
//! exactly as in the JSON output (SPEC §4); the run declares
//! `columnKind: "unicodeCodePoints"` so that consumers read them that way (SARIF's
//! default would be UTF-16 code units). `endColumn` is the column just after the last
//! character of the region, as SARIF defines it; an empty region (an insertion point)
//! has `endColumn == startColumn` on the same line.
//!
//! Secrets stay redacted: messages and fix contents go through `Redacted::scrub`, and
//! no source snippet is included.

use crate::baseline;
use crate::finding::{Finding, Severity, Suppression};
use crate::redact::Redacted;
use crate::rules::RuleSet;
use crate::scan::{FileReport, ScanResult};
use crate::source::SourceFile;
use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix, Invocation, Location, Message,
    MultiformatMessageString, Notification, PhysicalLocation, PropertyBag, Region, Replacement,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif,
    Suppression as SarifSuppression, Tool, ToolComponent,
};
use std::collections::{BTreeMap, HashMap};

/// The JSON schema URI written into `$schema`.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base every result's relative `uri` is resolved against.
pub const SRCROOT: &str = "%SRCROOT%";

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn level_value(s: Severity) -> serde_json::Value {
    serde_json::to_value(level(s)).expect("a level serialises")
}

/// Percent-encodes a path for a URI (RFC 3986: unreserved characters and `/` stay).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `C:/…`: a drive letter, a colon and a separator. `a:b.js` is a relative file name
/// with a colon in it.
fn is_drive_path(unix: &str) -> bool {
    let b = unix.as_bytes();
    b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/'
}

/// An artifact location: relative paths against `%SRCROOT%`, absolute ones as `file:` URIs.
fn artifact(path: &str) -> ArtifactLocation {
    let unix = path.replace('\\', "/");
    if unix.starts_with('/') {
        ArtifactLocation::builder()
            .uri(format!("file://{}", encode_path(&unix)))
            .build()
    } else if is_drive_path(&unix) {
        // A Windows drive path.
        ArtifactLocation::builder()
            .uri(format!("file:///{}", encode_path(&unix)))
            .build()
    } else {
        ArtifactLocation::builder()
            .uri(encode_path(&unix))
            .uri_base_id(SRCROOT)
            .build()
    }
}

/// A replacement of `deleted` by `content` (its secrets already scrubbed).
fn replacement(deleted: Region, content: String) -> Replacement {
    Replacement::builder()
        .deleted_region(deleted)
        .inserted_content(ArtifactContent::builder().text(content).build())
        .build()
}

fn region(src: &SourceFile, span: &std::ops::Range<usize>) -> Region {
    region_at(src.position(span.start), src.position(span.end))
}

/// The region between two positions.
fn region_at(start: crate::source::Position, end: crate::source::Position) -> Region {
    Region::builder()
        .start_line(start.line as i64)
        .start_column(start.column as i64)
        .end_line(end.line as i64)
        .end_column(end.column as i64)
        .build()
}

fn physical(src: &SourceFile, span: &std::ops::Range<usize>) -> PhysicalLocation {
    PhysicalLocation::builder()
        .artifact_location(artifact(&src.display_path()))
        .region(region(src, span))
        .build()
}

fn text(s: impl Into<String>) -> Message {
    Message::builder().text(s.into()).build()
}

/// The rule's documentation as plain text and as Markdown (`help`).
fn help(rules: &RuleSet, r: &crate::rules::CompiledRule) -> MultiformatMessageString {
    let rule = &r.rule;
    let d = &rule.docs;
    let fix = rule
        .fix
        .as_ref()
        .map(|f| format!("{} — {}", f.applicability, f.title))
        .unwrap_or_else(|| "none".into());
    let vendor = &rules.vendor_of(r).name;
    let mut plain = format!(
        "{} ({}): {}\nVendor: {vendor}. Severity: {}. Fix: {fix}.\n\nWhat it does:\n{}\n\nWhy is this bad?\n{}\n\nExample:\n{}\n",
        rule.code,
        rule.name,
        rule.summary,
        rule.severity,
        d.what.trim(),
        d.why.trim(),
        d.before.trim()
    );
    let mut md = format!(
        "**{}** ({}) — {}\n\nVendor: {vendor} · Severity: {} · Fix: {fix}\n\n## What it does\n{}\n\n## Why is this bad?\n{}\n\n## Example\n```{}\n{}\n```\n",
        rule.code,
        rule.name,
        rule.summary,
        rule.severity,
        d.what.trim(),
        d.why.trim(),
        d.lang,
        d.before.trim()
    );
    if let Some(after) = &d.after {
        plain.push_str(&format!("\nUse instead:\n{}\n", after.trim()));
        md.push_str(&format!(
            "\n## Use instead\n```{}\n{}\n```\n",
            d.lang,
            after.trim()
        ));
    }
    plain.push_str(&format!("\nFix safety:\n{}\n", d.fix_safety.trim()));
    md.push_str(&format!("\n## Fix safety\n{}\n", d.fix_safety.trim()));
    if !d.references.is_empty() {
        plain.push_str("\nReferences:\n");
        md.push_str("\n## References\n");
        for reference in &d.references {
            plain.push_str(&format!("- {reference}\n"));
            md.push_str(&format!("- {reference}\n"));
        }
    }
    MultiformatMessageString::builder()
        .text(plain)
        .markdown(md)
        .build()
}

fn descriptor(rules: &RuleSet, r: &crate::rules::CompiledRule) -> ReportingDescriptor {
    let rule = &r.rule;
    let mut props = BTreeMap::new();
    props.insert(
        "vendor".to_string(),
        serde_json::Value::String(rules.vendor_of(r).id.clone()),
    );
    if let Some(f) = &rule.fix {
        props.insert(
            "fix".to_string(),
            serde_json::Value::String(f.applicability.to_string()),
        );
    }
    ReportingDescriptor::builder()
        .id(rule.code.clone())
        .name(rule.name.clone())
        .short_description(
            MultiformatMessageString::builder()
                .text(rule.summary.clone())
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(rule.docs.what.trim().to_string())
                .build(),
        )
        .help(help(rules, r))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(level_value(rule.severity))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(vec![rules.vendor_of(r).id.clone()])
                .additional_properties(props)
                .build(),
        )
        .build()
}

/// The `suppressions` of a result: none for a reported finding (an empty list says that
/// it is not suppressed), `inSource` with the written reason for an inline
/// suppression, `external` for the baseline.
fn suppressions(
    src: &SourceFile,
    by: Option<&Suppression>,
    redacted: &Redacted,
) -> Vec<SarifSuppression> {
    let Some(by) = by else {
        return Vec::new();
    };
    let s = match by {
        Suppression::InSource { comment, reason } => {
            let mut s = SarifSuppression::builder()
                .kind(serde_json::Value::String("inSource".into()))
                .location(
                    Location::builder()
                        .physical_location(physical(src, comment))
                        .build(),
                )
                .build();
            if !reason.is_empty() {
                s.justification = Some(redacted.scrub(&src.text, reason));
            }
            s
        }
        // Not in the log at all (see `render`).
        Suppression::Unchanged { .. } => return Vec::new(),
        Suppression::Baseline { file } => SarifSuppression::builder()
            .kind(serde_json::Value::String("external".into()))
            .justification(format!("accepted in the baseline {file}"))
            .location(
                Location::builder()
                    .physical_location(
                        PhysicalLocation::builder()
                            .artifact_location(artifact(file))
                            .build(),
                    )
                    .build(),
            )
            .build(),
    };
    vec![s]
}

fn sarif_result(
    file: &FileReport,
    f: &Finding,
    suppression: Option<&Suppression>,
    fingerprint: &str,
    redacted: &Redacted,
    rule_index: &HashMap<&str, usize>,
) -> SarifResult {
    let src = &file.source;
    let scrub = |s: &str| redacted.scrub(&src.text, s);
    let mut message = scrub(&f.message);
    if let Some(h) = &f.help {
        message.push_str(&format!("\nhelp: {}", scrub(h)));
    }
    let primary = Location::builder()
        .physical_location(physical(src, &f.span))
        .message(text(scrub(&f.primary_label)))
        .build();
    let related: Vec<Location> = f
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Location::builder()
                .id(i as i64)
                .physical_location(physical(src, &l.span))
                .message(text(scrub(&l.message)))
                .build()
        })
        .chain(f.related.iter().enumerate().map(|(i, r)| {
            // The definition in the other file, with its own URI.
            Location::builder()
                .id((f.labels.len() + i) as i64)
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(artifact(&r.path.to_string_lossy()))
                        .region(
                            Region::builder()
                                .start_line(r.start.line as i64)
                                .start_column(r.start.column as i64)
                                .end_line(r.end.line as i64)
                                .end_column(r.end.column as i64)
                                .build(),
                        )
                        .build(),
                )
                .message(text(scrub(&r.message)))
                .build()
        }))
        .collect();
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(baseline::SARIF_KEY.to_string(), fingerprint.to_string());
    let mut b = SarifResult::builder()
        .rule_id(f.code.clone())
        .level(level(f.severity))
        .message(text(message))
        .locations(vec![primary])
        .partial_fingerprints(fingerprints)
        .suppressions(suppressions(src, suppression, redacted))
        .build();
    if let Some(&i) = rule_index.get(f.code.as_str()) {
        b.rule_index = Some(i as i64);
    }
    if !related.is_empty() {
        b.related_locations = Some(related);
    }
    if let Some(fix) = f.fix.as_ref().filter(|x| x.edits_something()) {
        // One artifact change per file: the finding's own, then each other file the
        // fix edits (the definition of an imported value).
        let mut changes = Vec::new();
        if !fix.edits.is_empty() {
            let replacements: Vec<Replacement> = fix
                .edits
                .iter()
                .map(|e| replacement(region(src, &e.span), scrub(&e.content)))
                .collect();
            changes.push(
                ArtifactChange::builder()
                    .artifact_location(artifact(&src.display_path()))
                    .replacements(replacements)
                    .build(),
            );
        }
        for other in fix.elsewhere.iter().filter(|o| !o.edits.is_empty()) {
            let replacements: Vec<Replacement> = other
                .edits
                .iter()
                .map(|(e, start, end)| replacement(region_at(*start, *end), scrub(&e.content)))
                .collect();
            changes.push(
                ArtifactChange::builder()
                    .artifact_location(artifact(&other.path))
                    .replacements(replacements)
                    .build(),
            );
        }
        b.fixes = Some(vec![Fix::builder()
            .description(text(format!(
                "{} ({} fix)",
                scrub(&fix.title),
                fix.applicability
            )))
            .artifact_changes(changes)
            .build()]);
    }
    b
}

/// The `file:` URI of the current directory, for `originalUriBaseIds`.
fn srcroot_uri() -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let mut s = cwd.to_string_lossy().replace('\\', "/");
    if !s.ends_with('/') {
        s.push('/');
    }
    if !s.starts_with('/') {
        s.insert(0, '/');
    }
    Some(format!("file://{}", encode_path(&s)))
}

/// Renders the whole result as one SARIF log.
pub fn render(result: &ScanResult, rules: &RuleSet) -> String {
    let rule_index: HashMap<&str, usize> = rules
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.rule.code.as_str(), i))
        .collect();
    let descriptors: Vec<ReportingDescriptor> =
        rules.rules.iter().map(|r| descriptor(rules, r)).collect();
    let mut driver = ToolComponent::builder()
        .name("apimigrate")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(descriptors)
        .build();
    // Only a real address: the package's repository or homepage, when Cargo.toml has one.
    let info = [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|u| !u.is_empty());
    if let Some(u) = info {
        driver.information_uri = Some(u.to_string());
    }
    let mut results = Vec::new();
    for file in &result.files {
        let redacted = Redacted::new(&file.source.text, &file.secrets);
        let (prints, suppressed_prints) = baseline::all_fingerprints(file, &redacted);
        // Suppressed results merged into the reported ones by position, keeping the
        // reported ones in their order.
        // Findings on lines a --diff-base run leaves out are not results at all.
        let mut pending = file
            .suppressed
            .iter()
            .zip(&suppressed_prints)
            .filter(|(s, _)| !matches!(s.by, Suppression::Unchanged { .. }))
            .peekable();
        let mut all: Vec<(&Finding, Option<&Suppression>, &String)> = Vec::new();
        for (f, fp) in file.findings.iter().zip(&prints) {
            while let Some((s, sfp)) = pending.next_if(|(s, _)| s.finding.span.start < f.span.start)
            {
                all.push((&s.finding, Some(&s.by), sfp));
            }
            all.push((f, None, fp));
        }
        all.extend(pending.map(|(s, fp)| (&s.finding, Some(&s.by), fp)));
        for (f, by, fp) in all {
            results.push(sarif_result(file, f, by, fp, &redacted, &rule_index));
        }
    }
    let notifications: Vec<Notification> = result
        .errors
        .iter()
        .map(|e| {
            let loc = Location::builder()
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(artifact(&e.path))
                        .build(),
                )
                .build();
            Notification::builder()
                .message(text(format!("{}: {}", e.path, e.message)))
                .level(level_value(Severity::Error))
                .locations(vec![loc])
                .build()
        })
        .collect();
    let mut invocation = Invocation::builder()
        .execution_successful(result.errors.is_empty())
        .build();
    // URLs on hosts no vendor signal covers: a note, never a result.
    let notifications: Vec<Notification> = notifications
        .into_iter()
        .chain(result.unknown_hosts.iter().map(|n| {
            Notification::builder()
                .message(text(n.message()))
                .level(level_value(Severity::Info))
                .build()
        }))
        .collect();
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }
    // Files not checked, by reason (only when some were skipped).
    if result.files_skipped > 0 {
        let by_reason: serde_json::Map<String, serde_json::Value> =
            super::skipped_by_reason(result)
                .into_iter()
                .map(|(r, n)| (r.to_string(), serde_json::Value::from(n)))
                .collect();
        let mut props = BTreeMap::new();
        props.insert(
            "filesSkipped".to_string(),
            serde_json::Value::Object(by_reason),
        );
        invocation.properties = Some(PropertyBag::builder().additional_properties(props).build());
    }
    if !result.unknown_hosts.is_empty() {
        let notes = serde_json::to_value(&result.unknown_hosts).expect("notes serialise");
        let mut props = invocation
            .properties
            .take()
            .map(|p| p.additional_properties)
            .unwrap_or_default();
        props.insert("unknownHosts".to_string(), notes);
        invocation.properties = Some(PropertyBag::builder().additional_properties(props).build());
    }
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .column_kind(serde_json::Value::String("unicodeCodePoints".into()))
        .build();
    if let Some(uri) = srcroot_uri() {
        let mut bases = BTreeMap::new();
        bases.insert(
            SRCROOT.to_string(),
            ArtifactLocation::builder().uri(uri).build(),
        );
        run.original_uri_base_ids = Some(bases);
    }
    let log = Sarif::builder()
        .schema(SCHEMA_URI)
        .version(serde_json::Value::String("2.1.0".into()))
        .runs(vec![run])
        .build();
    let mut out = serde_json::to_string_pretty(&log).expect("SARIF serialises");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uris() {
        assert_eq!(encode_path("src/a b/ü.js"), "src/a%20b/%C3%BC.js");
        let a = artifact("src/x.js");
        assert_eq!(a.uri.as_deref(), Some("src/x.js"));
        assert_eq!(a.uri_base_id.as_deref(), Some(SRCROOT));
        let a = artifact("/tmp/x.js");
        assert_eq!(a.uri.as_deref(), Some("file:///tmp/x.js"));
        assert!(a.uri_base_id.is_none());
        let a = artifact("C:\\src\\x.js");
        assert_eq!(a.uri.as_deref(), Some("file:///C%3A/src/x.js"));
        assert!(a.uri_base_id.is_none());
    }

    #[test]
    fn a_colon_in_a_file_name_stays_relative_to_srcroot() {
        let a = artifact("a:b.js");
        assert_eq!(a.uri.as_deref(), Some("a%3Ab.js"));
        assert_eq!(a.uri_base_id.as_deref(), Some(SRCROOT));
    }
}
