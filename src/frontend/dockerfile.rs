//! Dockerfile front end (`Dockerfile`, `Dockerfile.*`, `*.dockerfile`, `Containerfile`):
//! the shell of `RUN` instructions is read by the shell front end, on a masked copy of
//! the file (see [`shell::masked`]) so positions are the Dockerfile's own.
//!
//! - Shell form (`RUN curl …`), with `\` continuations: the comment and blank lines
//!   Docker drops inside a continued instruction are blanked together with their line
//!   break, so the shell sees one command. `--mount=…`-style flags are skipped.
//! - Heredocs: `RUN <<EOF` runs the body as a script; `RUN cat <<EOF > f` is a command
//!   whose heredoc the shell reader reads itself.
//! - Exec form (`RUN ["curl", "-X", "DELETE", "…"]`): the JSON strings are read as
//!   double-quoted shell words (the brackets and commas are blanked).
//! - `ENV`/`ARG` with `NAME=value` are read as shell assignments, so a base URL set
//!   there is known in the `RUN`s. `$VAR` is a hole otherwise.
//!
//! After a `SHELL` instruction naming a shell that is not POSIX-like (PowerShell,
//! `cmd`), `RUN`s are not read until the next `FROM`; nor is a file whose escape
//! character is a backtick (`# escape=\``).
//!
//! Fixes are rendered in heredoc bodies (the lines are the script's lines) and in shell
//! form when every line the rewrite adds is a `\` continuation of the same command;
//! anything else (a new command line, exec form) is left to a person.

use super::shell;
use super::shell::masked::{self, body_end, line_spans, ParseError};
use super::Extraction;
use crate::call::{HttpCall, Span};
use crate::finding::Edit;
use crate::model::plan::RewritePlan;

/// How a range of shell is written in the Dockerfile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// `RUN curl …`, maybe continued with `\`.
    Shell,
    /// The body of `RUN <<EOF`.
    Heredoc,
    /// `RUN ["curl", …]`.
    Exec,
    /// `ENV`/`ARG` assignments.
    Assign,
}

/// The shell ranges of a Dockerfile, and the bytes Docker removes inside them.
struct Regions {
    ranges: Vec<(Span, Form)>,
    blank: Vec<Span>,
}

fn is_comment_or_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// Whether a line (without its break) ends with the `\` that continues an instruction.
fn continues(line: &str) -> bool {
    line.trim_end_matches(['\r', ' ', '\t']).ends_with('\\')
}

/// Whether a `SHELL ["…", …]` instruction names a POSIX-like shell.
fn posix_shell(json: &str) -> bool {
    let Ok(args) = serde_json::from_str::<Vec<String>>(json.trim()) else {
        return false;
    };
    let program = args
        .first()
        .map_or("", |p| p.rsplit('/').next().unwrap_or(""));
    matches!(program, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh")
}

/// The escape character is a backtick (`# escape=\``, a parser directive at the top).
fn backtick_escape(text: &str) -> bool {
    for line in text.lines() {
        let Some(d) = line.trim().strip_prefix('#') else {
            return false;
        };
        let Some((k, v)) = d.split_once('=') else {
            return false;
        };
        if k.trim().eq_ignore_ascii_case("escape") {
            return v.trim() == "`";
        }
    }
    false
}

/// The heredoc delimiters opened in a command line (`<<EOF`, `<<-"EOF"`), with whether
/// leading tabs are stripped from the terminator.
fn heredoc_words(line: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while let Some(at) = line[i..].find("<<") {
        let mut j = i + at + 2;
        if b.get(j) == Some(&b'<') {
            i = j + 1;
            continue;
        }
        let dash = b.get(j) == Some(&b'-');
        if dash {
            j += 1;
        }
        while b.get(j).is_some_and(|c| *c == b' ' || *c == b'\t') {
            j += 1;
        }
        let quote = b.get(j).copied().filter(|c| *c == b'"' || *c == b'\'');
        if quote.is_some() {
            j += 1;
        }
        let start = j;
        while b
            .get(j)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
        {
            j += 1;
        }
        if j > start {
            out.push((line[start..j].to_string(), dash));
        }
        i = j;
    }
    out
}

/// Whether a command is one heredoc and nothing else (`<<EOF`, `<<-'EOF'`): its body
/// is the script.
fn bare_heredoc(command: &str) -> bool {
    let Some(rest) = command.strip_prefix("<<") else {
        return false;
    };
    let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
    let (quote, rest) = match rest.strip_prefix(['"', '\'']) {
        Some(r) => (&rest[..1], r),
        None => ("", rest),
    };
    let word = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    word > 0
        && rest[word..]
            .strip_prefix(quote)
            .is_some_and(|r| r.trim().is_empty())
}

/// The index of the line that ends the heredoc `word` opened before line `from`.
fn terminator(text: &str, lines: &[Span], from: usize, word: &str, dash: bool) -> Option<usize> {
    (from..lines.len()).find(|k| {
        let l = &text[lines[*k].start..body_end(text, &lines[*k])];
        let l = if dash { l.trim_start_matches('\t') } else { l };
        l == word
    })
}

/// Blanks the `[`, `,` and `]` of a JSON array of strings at `at` (one line), if it is
/// one.
fn exec_form(text: &str, span: Span, blank: &mut Vec<Span>) -> bool {
    if serde_json::from_str::<Vec<String>>(&text[span.clone()]).is_err() {
        return false;
    }
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text[span.clone()].bytes().enumerate() {
        let at = span.start + i;
        match c {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'[' | b']' | b',' if !in_string => blank.push(at..at + 1),
            _ => {}
        }
    }
    true
}

fn regions(text: &str) -> Regions {
    let mut out = Regions {
        ranges: Vec::new(),
        blank: Vec::new(),
    };
    if backtick_escape(text) {
        return out;
    }
    let lines = line_spans(text);
    let mut posix = true;
    let mut i = 0;
    while i < lines.len() {
        let line = &text[lines[i].start..body_end(text, &lines[i])];
        if is_comment_or_blank(line) {
            i += 1;
            continue;
        }
        // The instruction's last line: `\` continues it past comment and blank lines.
        let mut last = i;
        let mut dropped = Vec::new();
        while continues(&text[lines[last].start..body_end(text, &lines[last])]) {
            let mut next = last + 1;
            while next < lines.len()
                && is_comment_or_blank(&text[lines[next].start..body_end(text, &lines[next])])
            {
                dropped.push(lines[next].clone());
                next += 1;
            }
            if next >= lines.len() {
                break;
            }
            last = next;
        }
        let end = body_end(text, &lines[last]);
        let indent = line.len() - line.trim_start().len();
        let start = lines[i].start + indent;
        let keyword_len = text[start..end]
            .find(|c: char| c.is_whitespace())
            .unwrap_or(end - start);
        let keyword = text[start..start + keyword_len].to_ascii_uppercase();
        let mut at = start + keyword_len;
        let skip_blanks = |mut at: usize| {
            while text[at..end].starts_with([' ', '\t']) {
                at += 1;
            }
            at
        };
        at = skip_blanks(at);
        let mut next_line = last + 1;
        match keyword.as_str() {
            "FROM" => posix = true,
            "SHELL" => posix = posix_shell(&text[at..end]),
            "ENV" | "ARG" if text[at..end].contains('=') => {
                out.ranges.push((at..end, Form::Assign));
                out.blank.append(&mut dropped);
            }
            "RUN" if posix => {
                // `--mount=…`, `--network=…` flags.
                while text[at..end].starts_with("--") {
                    at += text[at..end]
                        .find(|c: char| c.is_whitespace())
                        .unwrap_or(end - at);
                    at = skip_blanks(at);
                }
                let first_line_end = body_end(text, &lines[i]).max(at);
                let command = &text[at..first_line_end];
                let words = heredoc_words(command);
                let bare = bare_heredoc(command);
                if command.starts_with('[') {
                    if last == i && exec_form(text, at..end, &mut out.blank) {
                        out.ranges.push((at..end, Form::Exec));
                    }
                } else if bare && last == i {
                    let (word, dash) = &words[0];
                    if let Some(t) = terminator(text, &lines, i + 1, word, *dash) {
                        if t > i + 1 {
                            let body = lines[i + 1].start..lines[t - 1].end;
                            out.ranges.push((body, Form::Heredoc));
                        }
                        next_line = t + 1;
                    } else {
                        next_line = lines.len();
                    }
                } else if !command.is_empty() {
                    let mut range_end = end;
                    if !words.is_empty() {
                        // The heredocs follow the command's last line.
                        let mut from = last + 1;
                        for (word, dash) in &words {
                            match terminator(text, &lines, from, word, *dash) {
                                Some(t) => from = t + 1,
                                None => from = lines.len(),
                            }
                        }
                        next_line = from;
                        range_end = lines.get(from - 1).map_or(text.len(), |l| l.end);
                    }
                    out.ranges.push((at..range_end, Form::Shell));
                    out.blank.append(&mut dropped);
                }
            }
            _ => {}
        }
        i = next_line.max(i + 1);
    }
    out
}

/// The masked file, and the shell ranges that parse with their form.
fn masked(text: &str) -> (String, Vec<(Span, Form)>, Vec<ParseError>) {
    let r = regions(text);
    let keep: Vec<Span> = r.ranges.iter().map(|x| x.0.clone()).collect();
    let (masked, errors) = masked::mask(text, &keep, &r.blank);
    (masked, r.ranges, errors)
}

/// Finds the HTTP calls of a Dockerfile.
pub fn extract(text: &str) -> Extraction {
    let (masked, ranges, errors) = masked(text);
    if let Some(error) = first_run_error(&ranges, &errors) {
        return Extraction {
            syntax_error: Some(error),
            ..Extraction::default()
        };
    }
    let shell: Vec<Span> = ranges.into_iter().map(|r| r.0).collect();
    let mut ex = shell::extract_ranges(&masked, &shell);
    for c in &mut ex.calls {
        c.scope = Some(0..text.len());
    }
    ex
}

fn first_run_error(ranges: &[(Span, Form)], errors: &[ParseError]) -> Option<(Span, String)> {
    ranges
        .iter()
        .zip(errors)
        .find(|((_, form), e)| *form != Form::Assign && e.is_some())
        .and_then(|(_, e)| e.clone())
        .map(|(span, message)| (span, format!("RUN: {message}")))
}

/// The first `RUN` whose shell does not parse.
pub fn syntax_check(text: &str) -> Option<(Span, String)> {
    let (_, ranges, errors) = masked(text);
    first_run_error(&ranges, &errors)
}

/// Dockerfile comment lines, and `#` comments inside the shell.
pub fn comments(text: &str) -> Vec<Span> {
    let (masked, ranges, errors) = masked(text);
    let mut out = Vec::new();
    let inside = |at: usize| {
        ranges
            .iter()
            .any(|(r, f)| *f == Form::Heredoc && r.start <= at && at < r.end)
    };
    for line in line_spans(text) {
        let l = &text[line.clone()];
        let indent = l.len() - l.trim_start().len();
        if l.trim_start().starts_with('#') && !inside(line.start) {
            out.push(line.start + indent..body_end(text, &line));
        }
    }
    for ((r, _), e) in ranges.into_iter().zip(errors) {
        if e.is_none() {
            out.extend(shell::words::parse_range(&masked, r).comments);
        }
    }
    out.sort_by_key(|s| s.start);
    out.dedup();
    out
}

/// The edits of each rewrite: the shell renderer on the masked file.
pub fn render_batch(
    text: &str,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<Result<Vec<Edit>, String>> {
    let (masked, ranges, errors) = masked(text);
    let ranges: Vec<(Span, Form)> = ranges
        .into_iter()
        .zip(errors)
        .filter(|(_, e)| e.is_none())
        .map(|(r, _)| r)
        .collect();
    let spans: Vec<Span> = ranges.iter().map(|r| r.0.clone()).collect();
    let rendered = shell::render::render_document(text, &masked, &spans, items);
    rendered
        .into_iter()
        .zip(items)
        .map(|(result, (call, _))| {
            let form = ranges
                .iter()
                .find(|(r, _)| r.start <= call.span.start && call.span.end <= r.end)
                .map(|r| r.1);
            match form {
                Some(Form::Heredoc) => result,
                Some(Form::Shell) => {
                    let edits = result?;
                    if edits.iter().all(|e| only_continuations(&e.content)) {
                        Ok(edits)
                    } else {
                        Err(
                            "the rewrite adds a command line, which a `RUN` instruction would \
                             need joined with `&& \\`: rewrite it by hand (or make the `RUN` a \
                             heredoc)"
                                .into(),
                        )
                    }
                }
                Some(Form::Exec) => Err("the command is an exec-form `RUN [\"…\"]` (a JSON \
                                         array): rewrite it by hand"
                    .into()),
                _ => Err("the command is not in a `RUN` instruction of the file".into()),
            }
        })
        .collect()
}

/// Whether every line break of `content` is a `\` continuation.
fn only_continuations(content: &str) -> bool {
    let mut lines = content.split('\n');
    lines.next_back();
    lines.all(|l| l.trim_end_matches('\r').ends_with('\\'))
}

text_front_end!(
    /// Dockerfiles: the shell of their `RUN` instructions.
    Dockerfile,
    Dockerfile,
    render_batch,
    crate::frontend::quoting::command_line,
    |path| crate::source::is_dockerfile(path)
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
    fn shell_form_continuations_comments_and_flags() {
        let text = "FROM alpine\nENV BASE=https://community.khoros.com\nRUN --mount=type=secret,id=t apk add curl && \\\n    # close the account\n\n    curl -X DELETE \\\n      \"$BASE/api/2.0/users/42\"\nRUN echo done\n";
        let ex = extract(text);
        assert_eq!(ex.syntax_error, None);
        assert_eq!(ex.calls.len(), 1);
        assert_eq!(
            &text[ex.calls[0].url.span.clone()],
            "$BASE/api/2.0/users/42"
        );
    }

    #[test]
    fn heredocs_and_exec_form() {
        let text = "FROM alpine\nRUN <<EOF\nset -e\ncurl -X DELETE https://community.khoros.com/api/2.0/users/1\nEOF\nRUN [\"curl\", \"-X\", \"DELETE\", \"https://community.khoros.com/api/2.0/users/2\"]\nRUN cat <<EOF > /tmp/x\ncurl https://community.khoros.com/api/2.0/users/3\nEOF\n";
        assert_eq!(
            urls(text),
            [
                "https://community.khoros.com/api/2.0/users/1",
                "https://community.khoros.com/api/2.0/users/2",
            ]
        );
    }

    #[test]
    fn powershell_and_backtick_escape_are_not_read() {
        let ps = "FROM mcr.microsoft.com/windows\nSHELL [\"powershell\", \"-Command\"]\nRUN curl https://community.khoros.com/api/2.0/users/1\nFROM alpine\nRUN curl https://community.khoros.com/api/2.0/users/2\n";
        assert_eq!(urls(ps), ["https://community.khoros.com/api/2.0/users/2"]);
        let tick =
            "# escape=`\nFROM alpine\nRUN curl https://community.khoros.com/api/2.0/users/1\n";
        assert!(urls(tick).is_empty());
    }

    #[test]
    fn unterminated_and_odd_input_does_not_panic() {
        for text in [
            "RUN <<EOF\ncurl x\n",
            "RUN \\",
            "RUN [\"a\",",
            "RUN",
            "\\\n\\\n",
            "RUN <<\n",
            "ENV =\\\n",
        ] {
            let _ = extract(text);
            let _ = comments(text);
        }
    }
}
