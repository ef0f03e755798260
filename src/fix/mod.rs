//! Applying and writing fixes: a fix's edits normalised to the file's text and line
//! endings, the shared text helpers, a diff of a change, definitions fixed in another
//! file (`elsewhere`), and writing a rewritten file in place (`write`). The loop that checks the text again after each
//! pass is `pipeline::fix`.

pub mod elsewhere;
pub mod write;

use crate::finding::{Edit, Fix};

pub use crate::model::text::{apply_edits, overlaps, tab_indented, tabify, uses_crlf};

/// The edits of `fix`, sorted, with CRLF line endings when the file uses them; `None`
/// when the fix is malformed (its own edits overlap, or fall outside the text).
pub fn normalised_edits(fix: &Fix, text: &str, crlf: bool) -> Option<Vec<Edit>> {
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    for w in edits.windows(2) {
        if overlaps(&w[0], &w[1]) && !(w[0].span.is_empty() && w[1].span.is_empty()) {
            return None;
        }
    }
    for e in &mut edits {
        if e.span.end > text.len()
            || !text.is_char_boundary(e.span.start)
            || !text.is_char_boundary(e.span.end)
        {
            return None;
        }
        if crlf {
            e.content = e.content.replace("\r\n", "\n").replace('\n', "\r\n");
        }
    }
    Some(edits)
}

/// A unified diff of one file's change, with `a/` and `b/` headers.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
