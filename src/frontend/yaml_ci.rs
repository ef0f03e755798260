//! CI workflow front end: GitHub Actions workflows (`.github/workflows/*.yml`) and
//! GitLab CI (`.gitlab-ci.yml`). The shell of `run:` (GitHub) and `script:`,
//! `before_script:`, `after_script:` (GitLab) values is read by the shell front end.
//!
//! Like the Markdown front end, the shell runs on a *masked* copy of the file: every
//! byte outside the shell scalars is a space (newlines kept), so offsets are the
//! file's own. A literal block (`|`) keeps its bytes, indentation included; a folded
//! block (`>`) and a multi-line plain scalar have the line breaks YAML folds into
//! spaces turned into spaces (one byte for one byte), so the shell sees the command
//! YAML hands to the runner. `${{ expr }}` and `$VAR` are expansions (holes) for the
//! shell reader. Fixes are rendered only in literal blocks, where the file's lines are
//! the script's lines; the renderer indents continuation lines like the block.

use super::shell;
use super::shell::masked::{self, body_end, line_spans};
use super::Extraction;
use crate::call::{HttpCall, Span};
use crate::finding::Edit;
use crate::model::plan::RewritePlan;

/// Keys whose value is a shell script: GitHub Actions' `run`, GitLab's scripts. In a
/// GitHub workflow a `script:` is JavaScript (`actions/github-script`), not shell.
fn shell_keys(text: &str) -> &'static [&'static str] {
    let github = text.contains("runs-on:") || text.contains("steps:");
    if github {
        &["run"]
    } else {
        &["script", "before_script", "after_script"]
    }
}

/// How a shell scalar is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// `|`: the lines are the script's lines.
    Literal,
    /// `>`: line breaks between lines fold into spaces.
    Folded,
    /// A plain (or single-line quoted) scalar.
    Plain,
}

/// One shell scalar of the file.
#[derive(Clone, Debug)]
struct Block {
    /// The scalar's text in the file (for block scalars, from the first content line's
    /// start to the end of its last content line).
    content: Span,
    style: Style,
    /// The indentation of a block scalar's lines.
    indent: usize,
    /// Line breaks that YAML folds into spaces.
    folds: Vec<usize>,
}

fn indent_of(line: &str) -> usize {
    line.bytes().take_while(|b| *b == b' ').count()
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// The shell scalars of a CI file.
fn blocks(text: &str) -> Vec<Block> {
    let lines = line_spans(text);
    let keys = shell_keys(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &text[lines[i].clone()];
        let mut col = indent_of(line);
        // `- run: …` in a list of steps.
        while line[col..].starts_with("- ") {
            col += 2;
            col += indent_of(&line[col..]);
        }
        let rest = &line[col..];
        let key = keys.iter().find(|k| {
            rest.strip_prefix(**k)
                .and_then(|r| r.strip_prefix(':'))
                .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\n', '\r']))
        });
        let Some(key) = key else {
            i += 1;
            continue;
        };
        let value_at = lines[i].start + col + key.len() + 1;
        let value = text[value_at..body_end(text, &lines[i])].trim_start();
        let value_at = body_end(text, &lines[i]) - value.len();
        if value.is_empty() || value.starts_with('#') {
            // A list of commands (GitLab), one scalar per item.
            i = list_items(text, &lines, i + 1, col, &mut out);
            continue;
        }
        i = scalar(text, &lines, i, value_at, col, &mut out);
    }
    out
}

/// The items of a block sequence starting at line `from`, whose parent key is at
/// column `parent`. Returns the first line after the sequence.
fn list_items(
    text: &str,
    lines: &[Span],
    from: usize,
    parent: usize,
    out: &mut Vec<Block>,
) -> usize {
    let mut i = from;
    let mut item_col = None;
    while i < lines.len() {
        let line = &text[lines[i].clone()];
        if is_blank(line) || line.trim_start().starts_with('#') {
            i += 1;
            continue;
        }
        let col = indent_of(line);
        let dash = line[col..].starts_with("- ") || line[col..].trim_end() == "-";
        match item_col {
            None if dash && col >= parent => item_col = Some(col),
            Some(c) if dash && col == c => {}
            _ => return i,
        }
        let value = line[col + 1..].trim_start();
        let value = value.trim_end_matches(['\n', '\r']);
        let value_at = body_end(text, &lines[i]) - value.len();
        if value.is_empty() {
            i += 1;
            continue;
        }
        i = scalar(text, lines, i, value_at, col, out);
    }
    i
}

/// Reads the scalar starting at `value_at` on line `i` (its node is at column
/// `parent`). Returns the first line after it.
fn scalar(
    text: &str,
    lines: &[Span],
    i: usize,
    value_at: usize,
    parent: usize,
    out: &mut Vec<Block>,
) -> usize {
    let end = body_end(text, &lines[i]);
    let mut value = &text[value_at..end];
    // Tags and anchors in front of the value are not part of it.
    while value.starts_with('!') || value.starts_with('&') {
        let skip = value.find(' ').unwrap_or(value.len());
        value = value[skip..].trim_start();
    }
    let value_at = end - value.len();
    if value.is_empty() || value.starts_with('*') || value.starts_with(['[', '{']) {
        // An alias, a flow collection or nothing: not read.
        return i + 1;
    }
    if let Some(indicator) = value.chars().next().filter(|c| *c == '|' || *c == '>') {
        let style = if indicator == '|' {
            Style::Literal
        } else {
            Style::Folded
        };
        let mut j = i + 1;
        let mut indent = None;
        let mut last = None;
        while j < lines.len() {
            let line = &text[lines[j].clone()];
            if is_blank(line) {
                j += 1;
                continue;
            }
            let col = indent_of(line);
            if col <= parent || indent.is_some_and(|n| col < n) {
                break;
            }
            indent.get_or_insert(col);
            last = Some(j);
            j += 1;
        }
        let (Some(indent), Some(last)) = (indent, last) else {
            return i + 1;
        };
        let content = lines[i + 1].start..lines[last].end;
        let mut folds = Vec::new();
        if style == Style::Folded {
            for k in i + 1..last {
                let a = &text[lines[k].clone()];
                let b = &text[lines[k + 1].clone()];
                let plain = |l: &str| !is_blank(l) && indent_of(l) == indent;
                if plain(a) && plain(b) {
                    folds.push(body_end(text, &lines[k]));
                }
            }
        }
        out.push(Block {
            content,
            style,
            indent,
            folds,
        });
        return last + 1;
    }
    if let Some(q) = value.chars().next().filter(|c| *c == '"' || *c == '\'') {
        // A quoted scalar on one line without escapes is the command's text.
        let inner = &value[1..];
        let exact = match inner.find(q) {
            Some(close) => {
                let tail = inner[close + 1..].trim();
                let escapes = if q == '"' {
                    inner[..close].contains('\\')
                } else {
                    inner[close + 1..].starts_with('\'')
                };
                (!escapes && (tail.is_empty() || tail.starts_with('#'))).then_some(close)
            }
            None => None,
        };
        if let Some(close) = exact {
            out.push(Block {
                content: value_at + 1..value_at + 1 + close,
                style: Style::Plain,
                indent: 0,
                folds: Vec::new(),
            });
        }
        let mut j = i + 1;
        if exact.is_none() {
            // A multi-line quoted scalar: skip its lines.
            while j < lines.len() && indent_of(&text[lines[j].clone()]) > parent {
                j += 1;
            }
        }
        return j;
    }
    // A plain scalar: up to a ` #` comment, continued by more indented lines. With a
    // `: ` in it, it is a mapping's key, not a command.
    let first = &value[..plain_len(value)];
    if first.contains(": ") || first.ends_with(':') {
        return i + 1;
    }
    let mut end = value_at + plain_len(value);
    let mut folds = Vec::new();
    let mut j = i + 1;
    while j < lines.len() {
        let line = &text[lines[j].clone()];
        if is_blank(line) || indent_of(line) <= parent || line.trim_start().starts_with('#') {
            break;
        }
        folds.push(body_end(text, &lines[j - 1]));
        let start = lines[j].start + indent_of(line);
        end = start + plain_len(&text[start..body_end(text, &lines[j])]);
        j += 1;
    }
    out.push(Block {
        content: value_at..end,
        style: Style::Plain,
        indent: 0,
        folds,
    });
    j
}

/// The length of a plain scalar's text on one line: up to a ` #` comment.
fn plain_len(s: &str) -> usize {
    let cut = s.find(" #").unwrap_or(s.len());
    s[..cut].trim_end().len()
}

/// A shell scalar's range, style and block indentation.
type Scalar = (Span, Style, usize);

/// The file with everything but the shell scalars blanked out, and the scalars'
/// ranges. Scalars that do not parse as shell are blanked too (read as prose).
fn masked(text: &str) -> (String, Vec<Scalar>) {
    let blocks = blocks(text);
    let keep: Vec<Span> = blocks.iter().map(|b| b.content.clone()).collect();
    // `\r\n` line ends: only the `\n` becomes the space YAML folds the break into.
    let folds: Vec<Span> = blocks
        .iter()
        .flat_map(|b| &b.folds)
        .filter_map(|at| text[*at..].find('\n').map(|nl| at + nl..at + nl + 1))
        .collect();
    let (masked, errors) = masked::mask(text, &keep, &folds);
    let kept = blocks
        .into_iter()
        .zip(errors)
        .filter(|(_, e)| e.is_none())
        .map(|(b, _)| (b.content, b.style, b.indent))
        .collect();
    (masked, kept)
}

/// Finds the HTTP calls of a CI file.
pub fn extract(text: &str) -> Extraction {
    // A file that is not YAML is reported as such (API003), not read for calls.
    if let Some(error) = syntax_check(text) {
        return Extraction {
            syntax_error: Some(error),
            ..Extraction::default()
        };
    }
    let (masked, blocks) = masked(text);
    let ranges: Vec<Span> = blocks.iter().map(|b| b.0.clone()).collect();
    let mut ex = shell::extract_ranges(&masked, &ranges);
    for c in &mut ex.calls {
        c.scope = Some(0..text.len());
    }
    ex
}

/// The first YAML error of the file. Shell scalars that do not parse as shell are
/// left unread, like prose.
pub fn syntax_check(text: &str) -> Option<(Span, String)> {
    // Flow collections nested deeper than any workflow are not handed to the
    // (recursive) YAML loader.
    let mut depth = 0usize;
    let mut deepest = 0;
    for b in text.bytes() {
        match b {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        deepest = deepest.max(depth);
    }
    if deepest > 200 {
        return None;
    }
    let err = yaml_rust2::YamlLoader::load_from_str(text).err()?;
    // The marker counts characters.
    let at = text
        .char_indices()
        .nth(err.marker().index())
        .map_or(text.len(), |(i, _)| i);
    Some((at..at, format!("YAML: {}", err.info())))
}

/// YAML comment lines outside the shell scalars, and `#` comments in them.
pub fn comments(text: &str) -> Vec<Span> {
    let (masked, blocks) = masked(text);
    let mut out = Vec::new();
    for line in line_spans(text) {
        if blocks
            .iter()
            .any(|b| b.0.start <= line.start && line.start < b.0.end)
        {
            continue;
        }
        let l = &text[line.clone()];
        if l.trim_start().starts_with('#') {
            let start = line.start + indent_of(l);
            out.push(start..body_end(text, &line));
        }
    }
    for (r, _, _) in blocks {
        out.extend(shell::words::parse_range(&masked, r).comments);
    }
    out.sort_by_key(|s| s.start);
    out
}

/// The edits of each rewrite: the shell renderer on the masked file, for calls in
/// literal blocks. Lines the renderer adds get the block's indentation.
pub fn render_batch(
    text: &str,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<Result<Vec<Edit>, String>> {
    let (masked, blocks) = masked(text);
    let ranges: Vec<Span> = blocks.iter().map(|b| b.0.clone()).collect();
    let rendered = shell::render::render_document(text, &masked, &ranges, items);
    rendered
        .into_iter()
        .zip(items)
        .map(|(result, (call, _))| {
            let block = blocks
                .iter()
                .find(|b| b.0.start <= call.span.start && call.span.end <= b.0.end);
            match block {
                Some((_, Style::Literal, indent)) => {
                    let edits = result?;
                    Ok(edits
                        .into_iter()
                        .map(|e| Edit {
                            content: indent_lines(&e.content, *indent),
                            span: e.span,
                        })
                        .collect())
                }
                Some(_) => Err(
                    "the command is a folded (`>`), plain or quoted YAML scalar, not a `|` \
                     block whose lines are the script's: rewrite it by hand (or make it a `|` \
                     block)"
                        .into(),
                ),
                None => Err("the command is not in a shell block of the file".into()),
            }
        })
        .collect()
}

/// `content` with every line after a line break indented at least `indent` spaces.
fn indent_lines(content: &str, indent: usize) -> String {
    let mut out = String::with_capacity(content.len());
    for (n, line) in content.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        if n > 0 && !body.is_empty() && indent_of(line) < indent {
            out.push_str(&" ".repeat(indent - indent_of(line)));
        }
        out.push_str(line);
    }
    out
}

text_front_end!(
    /// CI workflows: GitHub Actions and GitLab CI, the shell of their steps.
    CiWorkflow,
    CiWorkflow,
    render_batch,
    crate::frontend::quoting::command_line,
    |path| crate::source::is_ci_workflow(path)
);

#[cfg(test)]
mod tests {
    use super::*;

    const WORKFLOW: &str = "name: offboard\non: workflow_dispatch\njobs:\n  cleanup:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: delete\n        run: |\n          curl -X DELETE \\\n            -H \"Authorization: Bearer ${{ secrets.KHOROS_TOKEN }}\" \\\n            https://community.khoros.com/api/2.0/users/42\n      - run: curl https://app.360learning.com/api/v1/users # list\n      - name: folded\n        run: >\n          curl -X DELETE\n          https://community.khoros.com/api/2.0/users/7\n";

    #[test]
    fn literal_folded_and_plain_scalars_are_read() {
        let ex = extract(WORKFLOW);
        assert_eq!(ex.syntax_error, None);
        let urls: Vec<&str> = ex
            .calls
            .iter()
            .map(|c| &WORKFLOW[c.url.span.clone()])
            .collect();
        assert_eq!(
            urls,
            [
                "https://community.khoros.com/api/2.0/users/42",
                "https://app.360learning.com/api/v1/users",
                "https://community.khoros.com/api/2.0/users/7",
            ]
        );
    }

    #[test]
    fn gitlab_script_lists_are_read() {
        let text = "cleanup:\n  image: curlimages/curl\n  script:\n    - echo start\n    - curl -X DELETE \"https://community.khoros.com/api/2.0/users/$USER_ID\"\n    - |\n      curl https://app.360learning.com/api/v1/users\n  after_script:\n  - 'echo done'\n";
        let ex = extract(text);
        assert_eq!(ex.calls.len(), 2);
    }

    #[test]
    fn malformed_yaml_and_aliases_do_not_crash() {
        let text =
            "a: &x |\n  curl https://community.khoros.com/api/2.0/users/1\nrun: *x\n---\nrun: [\n";
        let ex = extract(text);
        assert!(ex.syntax_error.is_some());
        assert_eq!(ex.calls.len(), 0);
    }

    #[test]
    fn inserted_lines_take_the_block_indentation() {
        assert_eq!(indent_lines("a\nb\n  c\n", 4), "a\n    b\n    c\n");
        assert_eq!(indent_lines("x\n      y", 4), "x\n      y");
    }
}
