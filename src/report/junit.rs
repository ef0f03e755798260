//! `--format junit`: JUnit XML for CI test-report views (GitLab, Jenkins, Azure).
//!
//! One `<testsuite>` per file with findings (named by its path), one `<testcase>` per
//! finding with a `<failure>` whose `type` is the rule code, whose `message` is the
//! finding's message and whose text gives the location, severity and help. Files that
//! could not be scanned are a suite with an `<error>` test case each. A run without
//! findings or errors is one suite with one passing test case, so that CI systems that
//! refuse empty reports accept it. Everything is XML-escaped and secrets are redacted.

use crate::redact::Redacted;
use crate::scan::ScanResult;
use std::fmt::Write as _;

/// Escapes text for XML content and attribute values, and drops the characters XML 1.0
/// cannot carry at all (control characters other than tab, newline, carriage return).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Attribute values normalise raw newlines and tabs to spaces; keep them.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Renders the whole result as one JUnit XML document.
pub fn render(result: &ScanResult) -> String {
    let findings = result.findings().count();
    let errors = result.errors.len();
    let clean = findings == 0 && errors == 0;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    // Skipped files: one skipped test case per reason (only when files were skipped).
    let reasons: Vec<(&str, usize)> = super::skipped_by_reason(result)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect();
    let skipped_attr = if reasons.is_empty() {
        String::new()
    } else {
        format!(" skipped=\"{}\"", reasons.len())
    };
    let _ = writeln!(
        out,
        "<testsuites name=\"apimigrate\" tests=\"{}\" failures=\"{findings}\" errors=\"{errors}\"{skipped_attr}>",
        if clean { 1 } else { findings + errors } + reasons.len()
    );
    if !reasons.is_empty() {
        let _ = writeln!(
            out,
            "  <testsuite name=\"apimigrate: files not checked\" tests=\"{n}\" failures=\"0\" errors=\"0\" skipped=\"{n}\">",
            n = reasons.len()
        );
        for (reason, n) in &reasons {
            let what = super::reason_text(reason);
            let _ = writeln!(
                out,
                "    <testcase name=\"{n} file{} {what}\" classname=\"apimigrate\">\n      <skipped message=\"skipped: {what}\"/>\n    </testcase>",
                if *n == 1 { "" } else { "s" }
            );
        }
        out.push_str("  </testsuite>\n");
    }
    for file in result.files_with_findings() {
        let src = &file.source;
        let redacted = Redacted::new(&src.text, &file.secrets);
        let path = escape(&src.display_path());
        let n = file.findings.len();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">"
        );
        for f in &file.findings {
            let start = src.position(f.span.start);
            let message = redacted.scrub(&src.text, &f.message);
            let mut body = format!(
                "{}:{}:{}: {} {} ({}): {}",
                src.display_path(),
                start.line,
                start.column,
                f.severity,
                f.code,
                f.name,
                message
            );
            if let Some(help) = &f.help {
                body.push_str("\nhelp: ");
                body.push_str(&redacted.scrub(&src.text, help));
            }
            let _ = writeln!(
                out,
                "    <testcase name=\"{} {} at line {}, column {}\" classname=\"{path}\" file=\"{path}\" line=\"{}\">",
                escape(&f.code),
                escape(&f.name),
                start.line,
                start.column,
                start.line
            );
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                escape(&message),
                escape(&f.code),
                escape(&body)
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    if errors > 0 {
        let _ = writeln!(
            out,
            "  <testsuite name=\"unscanned paths\" tests=\"{errors}\" failures=\"0\" errors=\"{errors}\" skipped=\"0\">"
        );
        for e in &result.errors {
            let path = escape(&e.path);
            let _ = writeln!(
                out,
                "    <testcase name=\"{path}\" classname=\"apimigrate\" file=\"{path}\">\n      <error message=\"{}\" type=\"scan-error\">{}: {}</error>\n    </testcase>",
                escape(&e.message),
                path,
                escape(&e.message)
            );
        }
        out.push_str("  </testsuite>\n");
    }
    if clean {
        let _ = writeln!(
            out,
            "  <testsuite name=\"apimigrate\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    <testcase name=\"no findings in {} file{} scanned\" classname=\"apimigrate\"/>\n  </testsuite>",
            result.files_scanned,
            if result.files_scanned == 1 { "" } else { "s" }
        );
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;&#10;"
        );
    }
}
