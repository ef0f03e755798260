//! Module-level code a fix inserts once into a file (the helper functions and constants
//! a plan asks for). Where it goes is the front end's answer: the end of the file's
//! preamble (shebang, `set -e`, imports, directives, docstring) or of the helpers already
//! there. How it is set apart from what surrounds it is decided here, once; line endings
//! are the fix writer's (`fix::normalised_edits`).

use crate::finding::Edit;

/// The edit that inserts `blocks` (pieces of module-level code, each without a final
/// line break) at `at`, with `blank_lines` blank lines between them and around them.
///
/// `at` is where what the code follows ends: the end of its last line, or the start of
/// the next one. The blocks come after a line break and the blank lines, and the text
/// after them is pushed down until it is `blank_lines` away (blank lines already there
/// count; none is added before the end of the file, and the code ends with a line
/// break when it ends the file). With nothing but blank text before
/// `at`, the blocks open the file: they are written at `at`, followed by the blank
/// lines.
pub fn module_code(text: &str, at: usize, blocks: &[String], blank_lines: usize) -> Edit {
    let gap = "\n".repeat(blank_lines + 1);
    let code = blocks.join(&gap);
    if text[..at].trim().is_empty() {
        return Edit {
            span: at..at,
            content: format!("{code}{gap}"),
        };
    }
    let at = end_of_previous_line(text, at);
    let rest = &text[at..];
    let space = &rest[..rest.len() - rest.trim_start().len()];
    // Code that ends the file ends with a line break, as a text file does.
    let after = if rest.is_empty() {
        1
    } else if space.len() == rest.len() {
        0
    } else {
        (blank_lines + 1).saturating_sub(space.matches('\n').count())
    };
    Edit {
        span: at..at,
        content: format!("{gap}{code}{}", "\n".repeat(after)),
    }
}

/// The end of the line before `at` when `at` starts a line (before its `\n` or
/// `\r\n`), else `at`.
fn end_of_previous_line(text: &str, at: usize) -> usize {
    match text[..at].strip_suffix('\n') {
        Some(before) => before.strip_suffix('\r').unwrap_or(before).len(),
        None => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insert(text: &str, at: usize, blank_lines: usize) -> String {
        let e = module_code(text, at, &["A".into(), "B".into()], blank_lines);
        crate::model::text::apply_edits(text, &[e])
    }

    #[test]
    fn after_a_line_with_the_blank_lines_around() {
        let text = "import x\ncode()\n";
        assert_eq!(insert(text, 8, 1), "import x\n\nA\n\nB\n\ncode()\n");
        assert_eq!(insert(text, 8, 2), "import x\n\n\nA\n\n\nB\n\n\ncode()\n");
    }

    #[test]
    fn blank_lines_already_there_count() {
        let text = "import x\n\n\ncode()\n";
        assert_eq!(insert(text, 8, 1), "import x\n\nA\n\nB\n\n\ncode()\n");
        let text = "import x\r\n\r\ncode()\r\n";
        assert_eq!(insert(text, 8, 1), "import x\n\nA\n\nB\r\n\r\ncode()\r\n");
    }

    #[test]
    fn none_added_at_the_end_of_the_file() {
        assert_eq!(insert("import x\n", 8, 1), "import x\n\nA\n\nB\n");
        assert_eq!(insert("import x", 8, 1), "import x\n\nA\n\nB\n");
    }

    #[test]
    fn at_the_start_of_the_next_line_is_after_the_line() {
        assert_eq!(insert("set -e\ncode\n", 7, 1), "set -e\n\nA\n\nB\n\ncode\n");
    }

    #[test]
    fn at_the_top_the_blocks_open_the_file() {
        assert_eq!(insert("code()\n", 0, 1), "A\n\nB\n\ncode()\n");
        assert_eq!(insert("\n\ncode()\n", 2, 2), "\n\nA\n\n\nB\n\n\ncode()\n");
    }

    #[test]
    fn the_end_of_the_previous_line() {
        assert_eq!(end_of_previous_line("a\nb", 2), 1);
        assert_eq!(end_of_previous_line("a\r\nb", 3), 1);
        assert_eq!(end_of_previous_line("ab", 1), 1);
    }
}
