//! Markdown front end: `curl` (and httpie) lines in fenced code blocks whose info
//! string names a shell (`sh`, `bash`, `shell`, `zsh`, `console`, `shell-session`,
//! `curl`). Prose and other fences stay silent.
//!
//! The shell front end runs on a *masked* copy of the document: every byte outside the
//! shell blocks (and every `$ `/`% ` prompt, and every output line of a console
//! session) is replaced by a space, newlines kept. Offsets are therefore the
//! document's own, and the literal text inside the blocks is byte-for-byte the
//! document's, so spans need no mapping and the shell renderer edits the document
//! directly.

use super::shell;
use super::Extraction;
use crate::call::{HttpCall, Span};
use crate::finding::Edit;
use crate::model::plan::RewritePlan;

const SHELL_INFO: &[&str] = &[
    "sh",
    "bash",
    "shell",
    "zsh",
    "console",
    "shell-session",
    "shellsession",
    "curl",
];

/// A shell code block: its content lines and whether they carry prompts.
struct Block {
    content: Span,
    prompts: bool,
    /// The blockquote markers (`> `) in front of its lines, blanked for the shell.
    markers: Vec<Span>,
}

/// The length of `depth` blockquote markers (`>` with an optional space, after up to
/// three spaces each) at the start of `line`, or `None` when it has fewer.
fn quote_markers(line: &str, depth: usize) -> Option<usize> {
    let b = line.as_bytes();
    let mut at = 0;
    for _ in 0..depth {
        let spaces = b[at..].iter().take(3).take_while(|c| **c == b' ').count();
        if b.get(at + spaces) != Some(&b'>') {
            return None;
        }
        at += spaces + 1;
        if b.get(at) == Some(&b' ') {
            at += 1;
        }
    }
    Some(at)
}

/// How many blockquote markers `line` starts with.
fn quote_depth(line: &str) -> usize {
    (0..)
        .find(|d| quote_markers(line, d + 1).is_none())
        .unwrap_or(0)
}

/// The fenced shell blocks of a document, and the document's other fences. Fences in
/// blockquotes count (their markers are reported); fences in an HTML comment do not.
fn blocks(text: &str) -> (Vec<Block>, Vec<Span>) {
    let mut shell_blocks = Vec::new();
    let mut fences = Vec::new();
    let mut lines = line_spans(text).into_iter().peekable();
    while let Some(line) = lines.next() {
        let l = &text[line.clone()];
        let depth = quote_depth(l);
        let quote_len = quote_markers(l, depth).unwrap_or(0);
        let trimmed = l[quote_len..].trim_start();
        if trimmed.starts_with("<!--") && !trimmed.contains("-->") {
            // An HTML block: everything up to the line that closes the comment.
            for inner in lines.by_ref() {
                if text[inner].contains("-->") {
                    break;
                }
            }
            continue;
        }
        let fence_char = match trimmed.as_bytes().first() {
            Some(b'`') => '`',
            Some(b'~') => '~',
            _ => continue,
        };
        let fence_len = trimmed.chars().take_while(|c| *c == fence_char).count();
        if fence_len < 3 {
            continue;
        }
        let info = trimmed[fence_len..].trim();
        if fence_char == '`' && info.contains('`') {
            continue;
        }
        let lang = info
            .trim_start_matches('{')
            .split([' ', ',', '}', '\t'])
            .next()
            .unwrap_or("")
            .trim_start_matches('.')
            .to_ascii_lowercase();
        let start = line.end;
        let mut end = text.len();
        let mut close_end = text.len();
        let mut markers = Vec::new();
        while let Some(inner) = lines.peek().cloned() {
            let inner_text = &text[inner.clone()];
            // A line without the block's quote markers ends the blockquote and the block.
            let Some(m) = quote_markers(inner_text, depth) else {
                end = inner.start;
                close_end = inner.start;
                break;
            };
            lines.next();
            let t = inner_text[m..].trim();
            if t.len() >= fence_len && t.chars().all(|c| c == fence_char) {
                end = inner.start;
                close_end = inner.end;
                break;
            }
            if m > 0 {
                markers.push(inner.start..inner.start + m);
            }
        }
        let content = start.min(end)..end;
        fences.push(line.start..close_end);
        if SHELL_INFO.contains(&lang.as_str()) {
            let prompts = matches!(lang.as_str(), "console" | "shell-session" | "shellsession")
                || line_spans(&text[content.clone()])
                    .into_iter()
                    .map(|r| &text[content.start + r.start..content.start + r.end])
                    .map(|l| &l[quote_markers(l, depth).unwrap_or(0)..])
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| l.trim_start().starts_with("$ "));
            shell_blocks.push(Block {
                content,
                prompts,
                markers,
            });
        }
    }
    (shell_blocks, fences)
}

/// Spans of each line including its newline.
fn line_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        out.push(at..at + l.len());
        at += l.len();
    }
    out
}

/// The document with everything but shell commands blanked out, and the block ranges.
/// A fence that does not parse as shell (`cd <repo-root>`, a placeholder in angle
/// brackets) is prose, not a script: it is blanked out too.
fn masked(text: &str) -> (String, Vec<Span>) {
    let (masked, ranges, _) = masked_with_prose(text);
    (masked, ranges)
}

/// The shell fences of a document that do not parse as shell and are read as prose,
/// each with the shell parser's complaint.
pub fn prose_fences(text: &str) -> Vec<(Span, String)> {
    masked_with_prose(text).2
}

fn masked_with_prose(text: &str) -> (String, Vec<Span>, Vec<(Span, String)>) {
    let (all, ranges) = masked_all(text);
    let mut bytes = all.into_bytes();
    let mut kept = Vec::new();
    let mut prose = Vec::new();
    for r in ranges {
        let as_text = std::str::from_utf8(&bytes).expect("still UTF-8");
        match shell::words::parse_range(as_text, r.clone()).error {
            Some((_, message)) => {
                bytes[r.clone()]
                    .iter_mut()
                    .filter(|b| **b != b'\n')
                    .for_each(|b| *b = b' ');
                prose.push((r, message));
            }
            None => kept.push(r),
        }
    }
    // Only whole blocks of characters were blanked, never part of one: whole ranges of
    // the text between line starts.
    let masked = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (masked, kept, prose)
}

fn masked_all(text: &str) -> (String, Vec<Span>) {
    let (blocks, _) = blocks(text);
    let mut keep = vec![false; text.len()];
    let mut ranges = Vec::new();
    for b in &blocks {
        ranges.push(b.content.clone());
        if !b.prompts {
            keep[b.content.clone()].iter_mut().for_each(|k| *k = true);
            for m in &b.markers {
                keep[m.clone()].iter_mut().for_each(|k| *k = false);
            }
            continue;
        }
        // A console session: commands follow a prompt; continuation lines follow a `\`.
        let mut continued = false;
        for line in line_spans(&text[b.content.clone()]) {
            let mut line = b.content.start + line.start..b.content.start + line.end;
            if let Some(m) = b.markers.iter().find(|m| m.start == line.start) {
                line.start = m.end;
            }
            let l = &text[line.clone()];
            let body = l.trim_end_matches(['\n', '\r']);
            let trimmed = body.trim_start();
            let indent = body.len() - trimmed.len();
            let from = if continued {
                Some(line.start)
            } else if trimmed.starts_with("$ ") || trimmed.starts_with("% ") {
                Some(line.start + indent + 2)
            } else {
                None
            };
            if let Some(from) = from {
                keep[from..line.end].iter_mut().for_each(|k| *k = true);
            }
            continued = from.is_some() && body.ends_with('\\');
        }
    }
    let bytes: Vec<u8> = text
        .bytes()
        .zip(&keep)
        .map(|(b, k)| if *k || b == b'\n' { b } else { b' ' })
        .collect();
    (
        String::from_utf8(bytes).expect("only whole characters are blanked"),
        ranges,
    )
}

/// Finds the HTTP calls of a document.
pub fn extract(text: &str) -> Extraction {
    let (masked, ranges) = masked(text);
    let mut ex = shell::extract_ranges(&masked, &ranges);
    for c in &mut ex.calls {
        // The document is one scope.
        c.scope = Some(0..text.len());
    }
    ex
}

/// The first syntax error of the shell blocks. Blocks that do not parse are read as
/// prose (see [`prose_fences`]), so a document has none.
pub fn syntax_check(text: &str) -> Option<(Span, String)> {
    let (masked, ranges) = masked(text);
    ranges
        .iter()
        .find_map(|r| shell::words::parse_range(&masked, r.clone()).error)
}

/// HTML comments outside code blocks, and `#` comments in shell blocks.
pub fn comments(text: &str) -> Vec<Span> {
    let (_, fences) = blocks(text);
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = text[at..].find("<!--") {
        let start = at + i;
        let end = text[start + 4..]
            .find("-->")
            .map_or(text.len(), |j| start + 4 + j + 3);
        if !fences.iter().any(|f| f.start <= start && start < f.end) {
            out.push(start..end);
        }
        at = end;
    }
    let (masked, ranges) = masked(text);
    for r in ranges {
        out.extend(shell::words::parse_range(&masked, r).comments);
    }
    out.sort_by_key(|s| s.start);
    out
}

/// The edits of each rewrite, or why it cannot be rendered: the shell renderer on the
/// masked document, without helper functions (a document is not a script).
pub fn render_batch(
    text: &str,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<Result<Vec<Edit>, String>> {
    let (masked, ranges) = masked(text);
    shell::render::render_document(text, &masked, &ranges, items)
}

text_front_end!(
    /// Markdown documents: curl lines in fenced shell blocks.
    Markdown,
    Markdown,
    render_batch,
    crate::frontend::quoting::command_line,
    |path| crate::frontend::by_extension(path, &[("md", crate::source::Language::Markdown), ("markdown", crate::source::Language::Markdown)]).is_some()
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_that_do_not_parse_as_shell_are_prose() {
        let text = "Clone it:\n\n```bash\ncd <repo-root>\n```\n\n```sh\ncurl -X DELETE https://community.khoros.com/api/2.0/users/7\n```\n";
        assert_eq!(syntax_check(text), None);
        let prose = prose_fences(text);
        assert_eq!(prose.len(), 1);
        assert!(text[prose[0].0.clone()].contains("<repo-root>"));
        assert_eq!(extract(text).calls.len(), 1);
    }

    #[test]
    fn curl_in_shell_fences_only() {
        let text = "# Title\n\nRun `curl -X DELETE https://x/api/2.0/users/1`.\n\n```console\n$ curl -X DELETE \\\n    https://community.khoros.com/api/2.0/users/42\n{\"ok\": true}\n```\n\n```js\nfetch('https://community.khoros.com/api/2.0/users/1')\n```\n\n~~~bash\ncurl https://app.360learning.com/api/v1/users # list\n~~~\n";
        let ex = extract(text);
        assert_eq!(ex.calls.len(), 2);
        let url = &ex.calls[0].url;
        assert_eq!(
            &text[url.span.clone()],
            "https://community.khoros.com/api/2.0/users/42"
        );
        let c = comments(text);
        assert_eq!(c.len(), 1);
        assert_eq!(&text[c[0].clone()], "# list");
    }
}
