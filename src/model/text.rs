//! Text helpers every room that writes code shares: applying edits, and reading a
//! file's line endings and indentation so that inserted code matches it.

use crate::model::finding::Edit;

/// Applies `edits` (sorted, non-overlapping) to `text`.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.content);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Whether two edits conflict: their ranges overlap, or they insert at the same point,
/// or one inserts inside the other's range.
pub fn overlaps(a: &Edit, b: &Edit) -> bool {
    // Two insertions at the same point conflict too: their order would be arbitrary.
    a.span.start < b.span.end && b.span.start < a.span.end
        || (a.span.is_empty() && b.span.is_empty() && a.span.start == b.span.start)
        || (a.span.is_empty() && b.span.start < a.span.start && a.span.start < b.span.end)
        || (b.span.is_empty() && a.span.start < b.span.start && b.span.start < a.span.end)
}

/// Whether the file's dominant line ending is CRLF.
pub fn uses_crlf(text: &str) -> bool {
    let crlf = text.matches("\r\n").count();
    let lf = text.matches('\n').count() - crlf;
    crlf > lf
}

/// Whether the file indents with tabs: more of its indented lines start with a tab
/// than with a space. Code inserted into it (helper functions) is indented with tabs
/// too.
pub fn tab_indented(text: &str) -> bool {
    let (mut tabs, mut spaces) = (0usize, 0usize);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match line.as_bytes()[0] {
            b'\t' => tabs += 1,
            b' ' => spaces += 1,
            _ => {}
        }
    }
    tabs > spaces
}

/// `block` with each line's leading spaces turned into tabs, one tab per `unit`
/// spaces (a remainder stays spaces).
pub fn tabify(block: &str, unit: usize) -> String {
    block
        .split_inclusive('\n')
        .map(|line| {
            let n = line.len() - line.trim_start_matches(' ').len();
            format!(
                "{}{}{}",
                "\t".repeat(n / unit),
                " ".repeat(n % unit),
                &line[n..]
            )
        })
        .collect()
}
