//! Makefile front end (`Makefile`, `makefile`, `GNUmakefile`, `*.mk`): recipe lines
//! (tab-indented, after a rule) are read by the shell front end on a masked copy of the
//! file (see [`shell::masked`]), so positions are the Makefile's own.
//!
//! Each recipe line is its own shell, as make runs it; `\` continues it, and the tab
//! make strips from a continuation line is blanked. The `@`, `-` and `+` prefixes are
//! skipped. A make variable `$(NAME)`/`${NAME}` is read as `${NAME}`: when the Makefile
//! defines `NAME` once (`=`, `:=`, `::=`, `:::=`, `?=`, also after `override`/`export`)
//! as one literal word, the shell sees that definition as an assignment whose value is
//! at the definition's own offsets, so the variable resolves to it (and a fix of the
//! literal edits the definition); defined by a function (`$(shell …)`), with `!=`,
//! `+=`, more than once, or not at all (the environment), it is a hole. `$$` (make's
//! literal `$`) is left as it is, so what follows it is a hole too. Conditionals and
//! `define … endef` blocks are not shell and are not read.
//!
//! Fixes are rendered when they change a recipe line in place without a `$` (which make
//! would expand) or a new line; others are left to a person.

use super::shell;
use super::shell::masked::{self, body_end, line_spans, ParseError};
use super::Extraction;
use crate::call::{HttpCall, Span};
use crate::finding::Edit;
use crate::model::plan::RewritePlan;

/// Whether a line (not a recipe line) is a rule: `targets: prerequisites`, not a
/// variable assignment (`X := y`, `X = a:b`).
fn is_rule(line: &str) -> bool {
    let t = line.trim_start();
    for directive in [
        "ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "include", "-include", "sinclude",
        "export", "unexport", "override", "vpath",
    ] {
        if t.strip_prefix(directive)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '(']))
        {
            return false;
        }
    }
    let Some(colon) = t.find(':') else {
        return false;
    };
    let before = &t[..colon];
    let after = &t[colon + 1..];
    !before.contains('=') && !after.trim_start_matches(':').starts_with('=')
}

fn continues(text: &str, line: &Span) -> bool {
    text[line.start..body_end(text, line)].ends_with('\\')
}

/// A variable definition of the Makefile: the name, and the value's span when it is
/// one literal word the shell can take as it is.
struct Definition {
    name: String,
    value: Option<Span>,
}

/// The variable a (non-recipe) logical line defines, if it is a definition.
fn definition(text: &str, line: &Span, continued: bool) -> Option<Definition> {
    let l = &text[line.clone()];
    let mut t = l.trim_start();
    for prefix in ["override", "export"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            if rest.starts_with([' ', '\t']) {
                t = rest.trim_start();
            }
        }
    }
    let name_len = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    let name = &t[..name_len];
    if name.is_empty() || name.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let rest = &t[name_len..];
    let after_ws = rest.trim_start_matches([' ', '\t']);
    let op = [":::=", "::=", ":=", "?=", "!=", "+=", "="]
        .into_iter()
        .find(|op| after_ws.starts_with(op))?;
    let name = name.to_string();
    let literal_op = !matches!(op, "!=" | "+=");
    let value_at = line.end - after_ws.len() + op.len();
    let v = &text[value_at..line.end];
    let lead = v.len() - v.trim_start_matches([' ', '\t']).len();
    let v = &v[lead..];
    let v = &v[..v.find('#').unwrap_or(v.len())];
    let v = v.trim_end();
    let plain = !v.is_empty()
        && !v.contains(|c: char| {
            c.is_whitespace() || "$\"'\\;&|<>()`".contains(c) || c.is_control()
        });
    let start = value_at + lead;
    Some(Definition {
        name,
        value: (literal_op && plain && !continued).then(|| start..start + v.len()),
    })
}

/// The recipe lines' shell ranges, the continuation tabs make strips, and the
/// variable definitions.
fn recipes(text: &str) -> (Vec<Span>, Vec<Span>, Vec<Definition>) {
    let lines = line_spans(text);
    let mut keep = Vec::new();
    let mut blank = Vec::new();
    let mut defs = Vec::new();
    let mut in_rule = false;
    let mut in_define = false;
    let mut i = 0;
    while i < lines.len() {
        let line = &text[lines[i].start..body_end(text, &lines[i])];
        // The logical line: `\` continues it.
        let mut last = i;
        while continues(text, &lines[last]) && last + 1 < lines.len() {
            last += 1;
        }
        let next = last + 1;
        if in_define {
            if line.trim_start().starts_with("endef") {
                in_define = false;
            }
            i = next;
            continue;
        }
        if line.starts_with('\t') && in_rule {
            let mut at = lines[i].start + 1;
            let end = body_end(text, &lines[last]);
            while at < end && matches!(text.as_bytes()[at], b'@' | b'-' | b'+' | b' ' | b'\t') {
                at += 1;
            }
            if at < end {
                keep.push(at..end);
                for l in &lines[i + 1..=last] {
                    if text[l.clone()].starts_with('\t') {
                        blank.push(l.start..l.start + 1);
                    }
                }
            }
        } else if line.trim().is_empty() || line.starts_with('#') {
            // Blank and comment lines keep the rule's recipe going.
        } else if line.trim_start().starts_with("define")
            && line.trim_start()[6..].starts_with([' ', '\t'])
        {
            in_define = true;
            in_rule = false;
        } else {
            in_rule = is_rule(line);
            if !in_rule {
                let span = lines[i].start..body_end(text, &lines[i]);
                defs.extend(definition(text, &span, last > i));
            }
        }
        i = next;
    }
    (keep, blank, defs)
}

/// `$(NAME)` → `${NAME}` (same length), for the shell to read as a named hole.
fn make_variables_as_holes(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'$' && bytes[i + 1] == b'$' {
            i += 2;
            continue;
        }
        if bytes[i] == b'$' && bytes[i + 1] == b'(' {
            let name = bytes[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            let close = i + 2 + name;
            if name > 0 && !bytes[i + 2].is_ascii_digit() && bytes.get(close) == Some(&b')') {
                bytes[i + 1] = b'{';
                bytes[close] = b'}';
                i = close;
            }
        }
        i += 1;
    }
    String::from_utf8(bytes).expect("only ASCII bytes were replaced")
}

/// The masked Makefile: its recipe lines, and each variable defined once as a literal
/// word written as the shell assignment `NAME=value`, the value at its own offsets
/// (the bytes before it, the name and the operator, hold `NAME=`). The ranges are in
/// the file's order.
fn masked(text: &str) -> (String, Vec<Span>, Vec<ParseError>) {
    let (mut keep, blank, defs) = recipes(text);
    let mut prepared = make_variables_as_holes(text).into_bytes();
    let mut count: std::collections::HashMap<&str, usize> = Default::default();
    for d in &defs {
        *count.entry(d.name.as_str()).or_default() += 1;
    }
    for d in &defs {
        let Some(value) = &d.value else { continue };
        if count[d.name.as_str()] != 1 {
            continue;
        }
        let start = value.start - d.name.len() - 1;
        prepared[start..value.start - 1].copy_from_slice(d.name.as_bytes());
        prepared[value.start - 1] = b'=';
        keep.push(start..value.end);
    }
    keep.sort_by_key(|r| r.start);
    let prepared = String::from_utf8(prepared).expect("only ASCII bytes were replaced");
    let (masked, errors) = masked::mask(&prepared, &keep, &blank);
    (masked, keep, errors)
}

/// Finds the HTTP calls of a Makefile. A recipe line that is not shell the reader
/// understands is left unread (make passes it to the shell as it is).
pub fn extract(text: &str) -> Extraction {
    let (masked, ranges, errors) = masked(text);
    let ranges: Vec<Span> = ranges
        .into_iter()
        .zip(errors)
        .filter(|(_, e)| e.is_none())
        .map(|(r, _)| r)
        .collect();
    let mut ex = shell::extract_ranges(&masked, &ranges);
    for c in &mut ex.calls {
        c.scope = Some(0..text.len());
    }
    ex
}

/// Makefiles have no syntax error the scan reports.
pub fn syntax_check(_text: &str) -> Option<(Span, String)> {
    None
}

/// Makefile comment lines, and `#` comments in recipe lines.
pub fn comments(text: &str) -> Vec<Span> {
    let (masked, ranges, errors) = masked(text);
    let mut out = Vec::new();
    for line in line_spans(text) {
        let l = &text[line.clone()];
        if l.starts_with('#') {
            out.push(line.start..body_end(text, &line));
        }
    }
    for (r, e) in ranges.into_iter().zip(errors) {
        if e.is_none() {
            out.extend(shell::words::parse_range(&masked, r).comments);
        }
    }
    out.sort_by_key(|s| s.start);
    out.dedup();
    out
}

/// The edits of each rewrite: the shell renderer on the masked file, kept when they
/// are a recipe line's own text.
pub fn render_batch(
    text: &str,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<Result<Vec<Edit>, String>> {
    let (masked, ranges, errors) = masked(text);
    let ranges: Vec<Span> = ranges
        .into_iter()
        .zip(errors)
        .filter(|(_, e)| e.is_none())
        .map(|(r, _)| r)
        .collect();
    shell::render::render_document(text, &masked, &ranges, items)
        .into_iter()
        .map(|result| {
            let edits = result?;
            if edits
                .iter()
                .any(|e| e.content.contains('$') || e.content.contains('\n'))
            {
                return Err(
                    "the rewrite adds lines or `$` expansions to a recipe, which make \
                            reads too (`$` must be written `$$`, each line is its own shell): \
                            rewrite it by hand"
                        .into(),
                );
            }
            Ok(edits)
        })
        .collect()
}

text_front_end!(
    /// Makefiles: their recipe lines.
    Makefile,
    Makefile,
    render_batch,
    crate::frontend::quoting::command_line,
    |path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        matches!(name, "Makefile" | "makefile" | "GNUmakefile") || name.ends_with(".mk")
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<&str> {
        extract(text)
            .calls
            .iter()
            .map(|c| &text[c.url.span.clone()])
            .collect()
    }

    #[test]
    fn recipe_lines_prefixes_and_continuations() {
        let text = "BASE := https://community.khoros.com\n.PHONY: close\nclose: deps\n\t@echo closing\n\t-curl -X DELETE \\\n\t  \"$(BASE)/api/2.0/users/$$USER_ID\"\n\n# a comment\n\tcurl https://app.360learning.com/api/v1/users\nURL = https://community.khoros.com/api/2.0/users/1\n\tcurl -X DELETE https://community.khoros.com/api/2.0/users/2\n";
        assert_eq!(
            urls(text),
            [
                "$(BASE)/api/2.0/users/$$USER_ID",
                "https://app.360learning.com/api/v1/users",
            ]
        );
    }

    /// The pieces of the first call's URL: literal text, and holes as `<expr>`.
    fn url_of(text: &str) -> String {
        let ex = extract(text);
        ex.calls[0]
            .url
            .pieces
            .iter()
            .map(|p| match p {
                crate::call::Piece::Lit { text, .. } => text.clone(),
                crate::call::Piece::Hole { expr, .. } => format!("<{expr}>"),
            })
            .collect()
    }

    #[test]
    fn variables_defined_as_literals_resolve() {
        let recipe = "close:\n\tcurl -X DELETE \"$(A)/$(B)/${C}/$(D)/$(E)/$(F)/$(G)/$(H)/$$I\"\n";
        let defs = "A := https://community.khoros.com\nB = api\noverride C ::= 2.0 # the version\nexport D ?= users\nE != echo 1\nF := $(shell cat id)\nG := one\nG := two\nH :::= x\n";
        assert_eq!(
            url_of(&format!("{defs}{recipe}")),
            "https://community.khoros.com/api/2.0/users/<${E}>/<${F}>/<${G}>/x/<$$>I"
        );
        // Defined after the rule, as make expands at run time; a value with a space
        // or a quote is not one word: a hole.
        assert_eq!(
            url_of(&format!("{recipe}A = https://x\nB = a b\nC = \"c\"\n")),
            "https://x/<${B}>/<${C}>/<${D}>/<${E}>/<${F}>/<${G}>/<${H}>/<$$>I"
        );
        // The literal is the definition's own text: a fix edits it there.
        let text = "BASE := https://community.khoros.com/api/2.0\nx:\n\tcurl $(BASE)/users\n";
        let ex = extract(text);
        let crate::call::Piece::Lit { span, exact, .. } = &ex.calls[0].url.pieces[0] else {
            panic!()
        };
        assert!(*exact);
        assert_eq!(&text[span.clone()], "https://community.khoros.com/api/2.0");
    }

    #[test]
    fn defines_and_odd_input() {
        let text = "define SCRIPT\n\tcurl https://community.khoros.com/api/2.0/users/1\nendef\n";
        assert!(urls(text).is_empty());
        for t in ["a:\n\t\\", "a:\n\t$(", "\t$$", "x: y\n\t@", "define\n"] {
            let _ = extract(t);
            let _ = comments(t);
        }
    }
}
