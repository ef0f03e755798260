//! `--format json-lines`: one finding per line, each line a complete JSON object with
//! the fields of a finding of the JSON report (`--format json`), fingerprint included,
//! and nothing else, so a consumer can process the report line by line
//! (`jq -c 'select(.severity == "error")'`). Secrets are redacted.

use crate::baseline;
use crate::redact::Redacted;
use crate::scan::{FileReport, ScanResult};
use std::io::Write;

/// Writes one line per reported finding to `out`, file by file.
pub fn write(result: &ScanResult, out: &mut dyn Write) -> std::io::Result<()> {
    for file in &result.files {
        write_file(file, out)?;
    }
    Ok(())
}

/// Writes the lines of one file's reported findings (what a streaming scan hands on
/// as each file is done).
pub fn write_file(file: &FileReport, out: &mut dyn Write) -> std::io::Result<()> {
    let redacted = Redacted::new(&file.source.text, &file.secrets);
    let prints = baseline::fingerprints_with(file, &redacted);
    for (f, fp) in file.findings.iter().zip(prints) {
        let line = serde_json::to_string(&super::json::finding(file, f, fp, &redacted))
            .expect("a finding serialises");
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The whole report as text.
pub fn render(result: &ScanResult) -> String {
    let mut out = Vec::new();
    write(result, &mut out).expect("writing to memory succeeds");
    String::from_utf8(out).expect("JSON is UTF-8")
}
