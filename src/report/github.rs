//! `--format github`: GitHub Actions workflow commands, one annotation per finding:
//!
//! ```text
//! ::error file=src/a.js,line=12,col=9,endLine=15,endColumn=4,title=AUR001 (rest-v2-user-delete)::message
//! ```
//!
//! `error`, `warning` and `notice` follow the finding's severity (error, warning, info).
//! Lines and columns are 1-based and count Unicode characters, as in the JSON output;
//! `endColumn` is the column just after the last character. Property values escape
//! `%`, `\r`, `\n`, `:` and `,`; the message escapes `%`, `\r` and `\n` (GitHub's
//! `escapeProperty` and `escapeData`). Secrets are redacted.

use crate::finding::Severity;
use crate::redact::Redacted;
use crate::scan::ScanResult;
use std::fmt::Write as _;

/// Escapes a workflow command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Renders every finding (and every file that could not be scanned) as an annotation.
pub fn render(result: &ScanResult) -> String {
    let mut out = String::new();
    for file in &result.files {
        let src = &file.source;
        let redacted = Redacted::new(&src.text, &file.secrets);
        let path = src.display_path();
        for f in &file.findings {
            let start = src.position(f.span.start);
            let end = src.position(f.span.end);
            let mut message = redacted.scrub(&src.text, &f.message);
            if let Some(help) = &f.help {
                message.push_str("\nhelp: ");
                message.push_str(&redacted.scrub(&src.text, help));
            }
            let _ = writeln!(
                out,
                "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                command(f.severity),
                escape_property(&path),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&format!("{} ({})", f.code, f.name)),
                escape_data(&message),
            );
        }
    }
    for e in &result.errors {
        let _ = writeln!(
            out,
            "::error file={},title={}::{}",
            escape_property(&e.path),
            escape_property("apimigrate: cannot scan"),
            escape_data(&e.message),
        );
    }
    if let Some(skipped) = super::skipped_text(result) {
        let _ = writeln!(
            out,
            "::notice title={}::{}",
            escape_property("apimigrate: files not checked"),
            escape_data(&skipped),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(
            escape_data("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext: a,b"
        );
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
