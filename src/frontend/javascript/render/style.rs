//! The file's own habits, read once per file (quotes, indentation, trailing commas),
//! and the line helpers every edit is measured with.

use super::super::scope::Habits;
use crate::frontend::fields::ChildField as _;
use tree_sitter::Node;

/// The file's own habits and layout, read once per file (not once per rewrite:
/// that made files with thousands of calls quadratic).
#[derive(Clone, Copy)]
pub(super) struct FileStyle {
    /// The quote most string literals use.
    pub(super) quote: char,
    /// Whether multi-line objects and arrays end with a comma.
    pub(super) trailing_commas: bool,
    /// Where module-level code goes ([`insertion_point`]).
    pub(super) insert_at: usize,
}

/// The quote of the first string literal in the call, else the file's.
pub(super) fn quote_style(node: Node, text: &str, file_quote: char) -> char {
    // The first string literal in source order: a cursor walk, no list per node.
    let string = node.language().id_for_node_kind("string", true);
    let mut cursor = node.walk();
    loop {
        let n = cursor.node();
        if n.kind_id() == string {
            if let Some(c) = text[n.start_byte()..].chars().next() {
                return c;
            }
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return file_quote;
            }
        }
    }
}

/// The quote most string literals of the file use, and whether the file ends the last
/// property of a multi-line object or array literal with a comma (the default when it
/// has none to judge by): one walk of the tree for both. The scope walk usually counts
/// them already ([`Scopes::habits`](super::super::scope::Scopes)).
pub(super) fn file_habits(root: Node, text: &str) -> (char, bool) {
    let mut habits = Habits::default();
    // Anonymous nodes on the path from the root: literals below them count for the
    // quotes, but a node's named children never lead there.
    let mut anonymous = 0usize;
    let mut cursor = root.walk();
    'walk: loop {
        let n = cursor.node();
        let kind = n.kind_name();
        habits.count(n, kind, text, anonymous > 0);
        if kind != "string" && cursor.goto_first_child() {
            if !n.is_named() {
                anonymous += 1;
            }
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
            if !cursor.node().is_named() {
                anonymous -= 1;
            }
        }
    }
    habits.style()
}

/// The file's indentation unit (the first indented line's leading whitespace).
pub(super) fn indent_unit(text: &str) -> &'static str {
    for line in text.lines() {
        if line.starts_with('\t') {
            return "\t";
        }
        let spaces = line.len() - line.trim_start_matches(' ').len();
        if spaces > 0 && !line.trim().is_empty() && !line.trim_start().starts_with('*') {
            return if spaces % 4 == 0 && spaces < 8 && spaces != 2 {
                "    "
            } else {
                "  "
            };
        }
    }
    "  "
}

/// Leading whitespace of the line holding `pos`.
pub(super) fn line_indent(text: &str, pos: usize) -> String {
    let start = line_start(text, pos);
    if start > 0 && text.as_bytes()[start - 1] != b'\n' {
        // Inside a very long line: its indentation is out of sight, and irrelevant.
        return String::new();
    }
    text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// How far the line helpers look for a line's start or end. A minified bundle is
/// one line of megabytes: searching it whole for each call was quadratic, and its
/// layout is no concern beyond this distance.
pub(super) const LINE_WINDOW: usize = 8192;

/// The start of the line holding `pos`, or a point `LINE_WINDOW` bytes back on a
/// longer line.
pub(super) fn line_start(text: &str, pos: usize) -> usize {
    let mut from = pos.saturating_sub(LINE_WINDOW);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    match text[from..pos].rfind('\n') {
        Some(i) => from + i + 1,
        None => from,
    }
}

/// The end of the line holding `pos` (before its `\r\n` or `\n`), or a point
/// `LINE_WINDOW` bytes on along a longer line.
pub(super) fn line_end(text: &str, pos: usize) -> usize {
    let mut to = (pos + LINE_WINDOW).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let end = text[pos..to].find('\n').map_or(to, |i| pos + i);
    if end > pos && text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    }
}

/// Moves the continuation lines of `text` (written for indentation `from`) to `to`.
pub(super) fn reindent(text: &str, from: &str, to: &str) -> String {
    if from == to || !text.contains('\n') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            match line.strip_prefix(from) {
                Some(rest) => {
                    out.push_str(to);
                    out.push_str(rest);
                }
                None => out.push_str(line),
            }
        } else {
            out.push_str(line);
        }
    }
    out
}
