//! Environment files (`.env`, `.env.*` such as `.env.example` or `.env.production`,
//! and `*.env`): the `KEY=value` lines that `dotenv`, `python-dotenv`, Docker Compose
//! and shells read into the environment.
//!
//! Read as those tools read them: blank lines and `#` comments are skipped, an
//! `export ` prefix is allowed, a value is unquoted (up to a ` #` comment, trimmed),
//! single-quoted (as written), double-quoted (`\n`, `\"`, `\\` escapes) or
//! backtick-quoted, and a quoted value may span lines. In unquoted and double-quoted
//! values `${OTHER}`, `${OTHER:-default}` and `$OTHER` expand to what the file sets
//! `OTHER` to (its own text, so a fix edits it where it is written), or stay a hole.
//!
//! Two uses:
//! - [`extract`]: a value that is a URL (an absolute URL, or a path joined to an
//!   expansion under an address-like name) is a base URL defined here, reported where
//!   it is written and fixed in place; every value under a secret-looking name is a
//!   secret (redacted in all output) unless it is a placeholder.
//! - [`lower`]: the file as a module whose exports are its variables, for the front
//!   ends that read `process.env.X`, `os.environ['X']`, `os.getenv('X')` or a shell's
//!   `$X` (see [`crate::resolve::env`]).
//!
//! Not for: deciding which env files a program loads (the resolver takes every env
//! file of the folder and its parents as alternatives).

use super::Extraction;
use crate::call::{HttpCall, Piece, Span};
use crate::finding::Edit;
use crate::model::plan::{Part, RewritePlan};

/// How many other values of the file go with a base URL (they may carry the vendor's
/// signal), and how long each may be.
const MAX_BESIDE: usize = 16;
const MAX_BESIDE_LEN: usize = 200;

/// How the value of a line is quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quote {
    None,
    Single,
    Double,
    Backtick,
}

/// One `KEY=value` line.
#[derive(Clone, Debug)]
pub struct Entry {
    pub name: String,
    /// The name as written.
    pub name_span: Span,
    /// The value as written, inside its quotes.
    pub value_span: Span,
    /// The value as the environment gets it: literal text (at its own offsets) and
    /// expansions of variables the file does not set (holes).
    pub pieces: Vec<Piece>,
    quote: Quote,
}

impl Entry {
    /// The value's literal text (holes left out).
    pub fn literal(&self) -> String {
        crate::call::literal_of(&self.pieces)
    }
}

pub use crate::resolve::env::is_env_file;

/// Whether an env file holds placeholders only by its name (`.env.example`,
/// `.env.sample`, `.env.template`, `.env.dist`): its values are documentation.
pub fn is_example_file(path: &std::path::Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    ["example", "sample", "template", "dist", "defaults"]
        .iter()
        .any(|w| name.split(['.', '-', '_']).any(|part| part == *w))
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-'
}

/// The lines of the file: each entry with its raw value, before expansion.
struct Raw {
    name: String,
    name_span: Span,
    value_span: Span,
    quote: Quote,
}

/// Reads the `KEY=value` lines; a line that is not one is skipped (as `dotenv` does).
fn raw_entries(text: &str) -> Vec<Raw> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let line_end = text[i..].find('\n').map_or(text.len(), |n| i + n);
        let mut p = i;
        let skip_ws = |p: &mut usize| {
            while *p < line_end && matches!(bytes[*p], b' ' | b'\t') {
                *p += 1;
            }
        };
        skip_ws(&mut p);
        if text[p..line_end].starts_with("export ") || text[p..line_end].starts_with("export\t") {
            p += "export".len();
            skip_ws(&mut p);
        }
        if p >= line_end || !is_name_start(bytes[p]) {
            i = line_end + 1;
            continue;
        }
        let name_start = p;
        while p < line_end && is_name_byte(bytes[p]) {
            p += 1;
        }
        let name_span = name_start..p;
        skip_ws(&mut p);
        if p >= line_end || bytes[p] != b'=' {
            i = line_end + 1;
            continue;
        }
        p += 1;
        skip_ws(&mut p);
        let quote = match bytes.get(p) {
            Some(b'\'') if p < line_end => Quote::Single,
            Some(b'"') if p < line_end => Quote::Double,
            Some(b'`') if p < line_end => Quote::Backtick,
            _ => Quote::None,
        };
        let (value_span, next) = match quote {
            Quote::None => {
                let line = &text[p..line_end];
                // A comment starts at a `#` after whitespace.
                let cut = line
                    .char_indices()
                    .find(|(k, c)| *c == '#' && line[..*k].ends_with([' ', '\t']))
                    .map_or(line.len(), |(k, _)| k);
                let value = line[..cut].trim_end();
                (p..p + value.len(), line_end + 1)
            }
            q => {
                let close = match q {
                    Quote::Single => b'\'',
                    Quote::Double => b'"',
                    _ => b'`',
                };
                let start = p + 1;
                let mut k = start;
                let mut end = None;
                while k < bytes.len() {
                    if q == Quote::Double && bytes[k] == b'\\' {
                        k += 2;
                        continue;
                    }
                    if bytes[k] == close {
                        end = Some(k);
                        break;
                    }
                    k += 1;
                }
                match end {
                    Some(e) => {
                        let after = text[e..].find('\n').map_or(text.len(), |n| e + n);
                        (start..e, after + 1)
                    }
                    // An unclosed quote: the rest of the line, as dotenv reads it.
                    None => {
                        let value = text[p..line_end].trim_end();
                        (p..p + value.len(), line_end + 1)
                    }
                }
            }
        };
        let quote = if value_span.start == p && quote != Quote::None {
            Quote::None
        } else {
            quote
        };
        out.push(Raw {
            name: text[name_span.clone()].to_string(),
            name_span,
            value_span,
            quote,
        });
        i = next;
    }
    out
}

/// The decoded text of a double-quoted value's piece, and whether it is the source
/// text as written.
fn unescape(raw: &str) -> (String, bool) {
    if !raw.contains('\\') {
        return (raw.to_string(), true);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    (out, false)
}

/// How deep `${A}` → `${B}` → … expansions are followed.
const MAX_EXPANSION: usize = 4;

/// The pieces of the value of `raws[at]`, expanding the file's own variables.
fn pieces_of(text: &str, raws: &[Raw], at: usize, depth: usize, out: &mut Vec<Piece>) {
    let raw = &raws[at];
    let span = raw.value_span.clone();
    let value = &text[span.clone()];
    let lit = |out: &mut Vec<Piece>, from: usize, to: usize| {
        if from >= to {
            return;
        }
        let written = &value[from..to];
        let (text, exact) = if raw.quote == Quote::Double {
            unescape(written)
        } else {
            (written.to_string(), true)
        };
        out.push(Piece::Lit {
            text,
            span: span.start + from..span.start + to,
            exact,
        });
    };
    if matches!(raw.quote, Quote::Single | Quote::Backtick) {
        lit(out, 0, value.len());
        return;
    }
    let bytes = value.as_bytes();
    let mut from = 0;
    let mut k = 0;
    while k < bytes.len() {
        if bytes[k] == b'\\' && raw.quote == Quote::Double {
            k += 2;
            continue;
        }
        if bytes[k] != b'$' {
            k += 1;
            continue;
        }
        // `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `$NAME`.
        let (name, default, end) = if bytes.get(k + 1) == Some(&b'{') {
            let Some(close) = value[k..].find('}').map(|c| k + c) else {
                k += 1;
                continue;
            };
            let inner = &value[k + 2..close];
            let (name, default) = match inner.find([':', '-']) {
                Some(d) => {
                    let rest = &inner[d..];
                    let skip = if rest.starts_with(":-") {
                        2
                    } else if rest.starts_with('-') {
                        1
                    } else {
                        k += 1;
                        continue;
                    };
                    (&inner[..d], Some((k + 2 + d + skip, close)))
                }
                None => (inner, None),
            };
            (name, default, close + 1)
        } else {
            let n = bytes[k + 1..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            if n == 0 || !is_name_start(bytes[k + 1]) {
                k += 1;
                continue;
            }
            (&value[k + 1..k + 1 + n], None, k + 1 + n)
        };
        lit(out, from, k);
        let defined = raws[..at]
            .iter()
            .rposition(|r| r.name == name)
            .or_else(|| raws.iter().rposition(|r| r.name == name))
            .filter(|d| *d != at);
        match defined {
            Some(d) if depth < MAX_EXPANSION => pieces_of(text, raws, d, depth + 1, out),
            _ => match default {
                Some((a, b)) if a < b => lit(out, a, b),
                _ => out.push(Piece::Hole {
                    expr: value[k..end].to_string(),
                    span: span.start + k..span.start + end,
                }),
            },
        }
        from = end;
        k = end;
    }
    lit(out, from, value.len());
}

/// Every `KEY=value` line of the file, its value expanded (later lines of the same
/// name follow earlier ones, as `dotenv` reads them: the last wins).
pub fn entries(text: &str) -> Vec<Entry> {
    let raws = raw_entries(text);
    (0..raws.len())
        .map(|at| {
            let mut pieces = Vec::new();
            pieces_of(text, &raws, at, 0, &mut pieces);
            let r = &raws[at];
            Entry {
                name: r.name.clone(),
                name_span: r.name_span.clone(),
                value_span: r.value_span.clone(),
                pieces,
                quote: r.quote,
            }
        })
        .collect()
}

/// Whether a value is a base URL: an absolute URL, or a path joined to a value not
/// known here under an address-like name (`API_URL=${HOST}/api/2.0`).
fn is_base_url(name: &str, pieces: &[Piece]) -> bool {
    match pieces.first() {
        Some(Piece::Lit { text, .. }) => {
            let t = text.to_ascii_lowercase();
            t.starts_with("https://") || t.starts_with("http://")
        }
        Some(Piece::Hole { .. }) => {
            crate::call::is_address_name(name)
                && pieces.iter().skip(1).any(|p| match p {
                    Piece::Lit { text, .. } => text.starts_with('/'),
                    Piece::Hole { .. } => false,
                })
        }
        None => false,
    }
}

/// The base URLs defined in the file (as `BaseUrl` calls at their values) and the
/// spans of its secrets.
pub fn extract(text: &str) -> Extraction {
    let all = entries(text);
    // The last definition of a name is the one the environment gets.
    let last: Vec<&Entry> = all
        .iter()
        .enumerate()
        .filter(|(i, e)| !all[i + 1..].iter().any(|later| later.name == e.name))
        .map(|(_, e)| e)
        .collect();
    let mut out = Extraction::default();
    for e in &last {
        for p in &e.pieces {
            if let Piece::Lit {
                text: t,
                span,
                exact,
            } = p
            {
                if e.value_span.start <= span.start && span.end <= e.value_span.end {
                    crate::frontend::credentials::scan_literal(
                        t,
                        span,
                        *exact,
                        Some(&e.name),
                        &mut out.secrets,
                    );
                }
            }
        }
        // A value that is wholly another variable's (`API=${BASE}`) is reported there.
        let own_literal = e.pieces.iter().any(|p| {
            matches!(p, Piece::Lit { span, .. }
                if e.value_span.start <= span.start && span.end <= e.value_span.end)
        });
        if !own_literal || !is_base_url(&e.name, &e.pieces) {
            continue;
        }
        let beside = beside_texts(
            last.iter()
                .filter(|o| o.name != e.name)
                .map(|o| (o.name.as_str(), o.literal())),
        );
        let mut call = HttpCall::base_url(e.pieces.clone(), e.value_span.clone());
        call.receiver = Some(e.name.clone());
        call.beside = beside;
        call.headers = credentials(&last);
        out.calls.push(call);
    }
    out.secrets.sort_by_key(|s| (s.start, s.end));
    out.secrets.dedup();
    out
}

/// The values of the file under secret names, written as one literal of their own: the
/// credentials that go with its base URLs (a committed `.env` holding a real session
/// key is a hard-coded credential; a placeholder is not, see
/// [`crate::secrets::is_placeholder`]).
fn credentials(entries: &[&Entry]) -> crate::call::Fields {
    credential_fields(entries.iter().map(|e| {
        (
            e.name.as_str(),
            &e.name_span,
            e.pieces.as_slice(),
            &e.value_span,
        )
    }))
}

/// The values under secret names of a file that holds values (an env file, a
/// configuration document), each written as one literal of its own, as fields: the
/// credentials that go with its base URLs. `(name, name's span, pieces, value's span)`.
/// The literal texts of the other settings beside a base URL (its signals: a
/// vendor's header name, a `/restapi/vc` URL), without the values of secret names, at
/// most [`MAX_BESIDE`], each at most [`MAX_BESIDE_LEN`] bytes: `(name, text)` pairs.
pub(crate) fn beside_texts<'a>(others: impl Iterator<Item = (&'a str, String)>) -> Vec<String> {
    others
        .filter(|(name, _)| !super::credentials::is_secret_name(name))
        .map(|(_, text)| text)
        .filter(|t| !t.is_empty() && t.len() <= MAX_BESIDE_LEN)
        .take(MAX_BESIDE)
        .collect()
}

pub(crate) fn credential_fields<'a>(
    values: impl IntoIterator<Item = (&'a str, &'a Span, &'a [Piece], &'a Span)>,
) -> crate::call::Fields {
    let mut out = crate::call::Fields::default();
    for (name, name_span, pieces, value) in values {
        if !super::credentials::is_secret_name(name) {
            continue;
        }
        let [Piece::Lit { text, span, .. }] = pieces else {
            continue;
        };
        if span != value {
            continue;
        }
        out.entries.push(crate::call::Field {
            key: name.to_string(),
            key_span: name_span.clone(),
            value: crate::call::Value::Str {
                value: text.clone(),
                span: span.clone(),
            },
        });
    }
    out
}

/// Env files have no syntax errors: a line `dotenv` cannot read is skipped.
pub fn syntax_check(_text: &str) -> Option<(Span, String)> {
    None
}

/// The `#` comments: whole comment lines, and ` # …` after an unquoted value.
pub fn comments(text: &str) -> Vec<Span> {
    let values: Vec<Span> = raw_entries(text)
        .into_iter()
        .map(|r| r.value_span)
        .collect();
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let mut from = 0;
        while let Some(k) = body[from..].find('#').map(|k| from + k) {
            let at = start + k;
            let inside = values.iter().any(|v| v.start <= at && at < v.end);
            let at_word_start = k == 0 || body[..k].ends_with([' ', '\t']);
            if !inside && at_word_start {
                out.push(at..start + body.len());
                break;
            }
            from = k + 1;
        }
        start += line.len();
    }
    out
}

/// The variables the file sets, as a module's exports (for `process.env.X` and its
/// kin in other files): each the value the environment gets, where it is written.
pub fn lower(
    _index: &crate::resolve::ProjectIndex,
    path: &std::path::Path,
    text: &str,
    _depth: usize,
) -> crate::resolve::ModuleExports {
    use crate::resolve::{Export, Exported, ModuleExports, Shape, TextPiece};
    let mut line_starts = vec![0];
    line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let position = |at: usize| {
        let line = match line_starts.binary_search(&at) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = line_starts[line];
        crate::source::Position {
            line: line + 1,
            column: text[start..at.min(text.len())].chars().count() + 1,
        }
    };
    let mut out = ModuleExports::default();
    for e in entries(text) {
        let pieces = e
            .pieces
            .iter()
            .map(|p| match p {
                Piece::Lit { text, .. } => TextPiece::Lit(text.clone()),
                Piece::Hole { expr, .. } => TextPiece::Hole(expr.clone()),
            })
            .collect();
        let value = Exported {
            shape: Shape::Text(pieces),
            path: path.to_path_buf(),
            span: e.value_span.clone(),
            start: position(e.value_span.start),
            end: position(e.value_span.end),
        };
        out.names.insert(e.name, Export::Value(value));
    }
    out
}

/// The edits of each rewrite: a base URL's new text written over its old one, in its
/// own value, when that needs no new quoting.
pub fn render_batch(
    text: &str,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<Result<Vec<Edit>, String>> {
    let all = entries(text);
    items
        .iter()
        .map(|(call, plan)| render_one(text, &all, call, plan))
        .collect()
}

fn render_one(
    text: &str,
    all: &[Entry],
    call: &HttpCall,
    plan: &RewritePlan,
) -> Result<Vec<Edit>, String> {
    let manual = "an environment file holds values, not requests: change the code that sends it";
    let entry = all
        .iter()
        .find(|e| e.value_span == call.span)
        .ok_or("the value is no longer where it was read")?;
    let quote = entry.quote;
    rewrite_value(text, &entry.value_span, call, plan, manual, |added| {
        let breaks = match quote {
            Quote::None => {
                |c: char| c.is_whitespace() || matches!(c, '#' | '"' | '\'' | '`' | '\\')
            }
            Quote::Double => |c: char| matches!(c, '"' | '\\' | '\n'),
            Quote::Single => |c: char| matches!(c, '\'' | '\n'),
            Quote::Backtick => |c: char| matches!(c, '`' | '\n'),
        };
        !added.contains(breaks) && (quote == Quote::Single || !added.contains('$'))
    })
}

/// The edit that writes a base URL's new text over its old one inside the value at
/// `value` of a file that holds values (an env file, a configuration document): only
/// for a plan that changes the URL alone, whose kept part and new text are this
/// value's own literal text, and whose added characters `fits` (needs no new quoting
/// there). `manual` says why anything else is left to a person.
pub(crate) fn rewrite_value(
    text: &str,
    value: &Span,
    call: &HttpCall,
    plan: &RewritePlan,
    manual: &str,
    fits: impl Fn(&str) -> bool,
) -> Result<Vec<Edit>, String> {
    if call.client != crate::call::Client::BaseUrl
        || plan.method.is_some()
        || plan.body.is_some()
        || !plan.set_headers.is_empty()
        || !plan.functions.is_empty()
        || plan.check.is_some()
    {
        return Err(manual.into());
    }
    let new = plan.url.as_ref().ok_or(manual)?;
    let cut = new.cut.ok_or("the URL's path is not written literally")?;
    // Everything after the cut must be this value's own literal text, as written.
    let end = call.url.pieces.last().map_or(cut, |p| p.span().end);
    let own = |s: &Span| value.start <= s.start && s.end <= value.end;
    for p in &call.url.pieces {
        if p.span().end <= cut {
            continue;
        }
        match p {
            Piece::Lit {
                span, exact: true, ..
            } if own(span) => {}
            Piece::Lit { .. } => {
                return Err(
                    "the URL continues in another variable or with escapes; change it by hand"
                        .into(),
                )
            }
            Piece::Hole { span, .. } if own(span) => {}
            Piece::Hole { .. } => return Err("the URL continues in another variable".into()),
        }
    }
    if !own(&(cut..cut)) {
        return Err("the kept part of the URL is another variable's; change it by hand".into());
    }
    let mut written = String::new();
    for part in &new.path {
        match part {
            Part::Lit(s) => written.push_str(s),
            Part::Source { text: t, span } if own(span) && text.get(span.clone()) == Some(t) => {
                written.push_str(t)
            }
            _ => return Err("the new URL is not one literal; change it by hand".into()),
        }
    }
    let added: String = written
        .chars()
        .filter(|c| !text[cut..end].contains(*c))
        .collect();
    if !fits(&added) {
        return Err("the new URL needs other quoting in this file; change it by hand".into());
    }
    Ok(vec![Edit {
        span: cut..end,
        content: written,
    }])
}

text_front_end!(
    /// Environment files: `KEY=value` lines.
    Dotenv,
    Dotenv,
    render_batch,
    crate::frontend::quoting::by_hand,
    |path| is_env_file(path)
);

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        entries(text)
            .into_iter()
            .map(|e| {
                let v = e
                    .pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Lit { text, .. } => text.clone(),
                        Piece::Hole { expr, .. } => format!("<{expr}>"),
                    })
                    .collect();
                (e.name, v)
            })
            .collect()
    }

    #[test]
    fn lines_quotes_comments_and_expansion() {
        let text = "# settings\nexport HOST=https://community.example.com # prod\nAPI=\"${HOST}/api/2.0\"\nRAW='${HOST}/x'\nEMPTY=\nODD=${MISSING:-https://d.example.com}/$UNSET\nnot a line\n  SPACED = two words  \nMULTI=\"a\nb\"\nHASH=a#b\n";
        assert_eq!(
            values(text),
            [
                ("HOST".into(), "https://community.example.com".into()),
                ("API".into(), "https://community.example.com/api/2.0".into()),
                ("RAW".into(), "${HOST}/x".into()),
                ("EMPTY".into(), String::new()),
                ("ODD".into(), "https://d.example.com/<$UNSET>".into()),
                ("SPACED".into(), "two words".into()),
                ("MULTI".into(), "a\nb".into()),
                ("HASH".into(), "a#b".into()),
            ]
        );
        // The expansion's literal is the other variable's own text.
        let e = &entries(text)[1];
        let Piece::Lit { span, exact, .. } = &e.pieces[0] else {
            panic!()
        };
        assert!(*exact);
        assert_eq!(&text[span.clone()], "https://community.example.com");
        let c = comments(text);
        assert_eq!(&text[c[0].clone()], "# settings");
        assert_eq!(&text[c[1].clone()], "# prod");
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn names_of_env_files() {
        use std::path::Path;
        for yes in [".env", ".env.local", ".env.example", "conf/prod.env"] {
            assert!(is_env_file(Path::new(yes)), "{yes}");
        }
        for no in [".envrc", "env", ".env.", "environment.yml", "x.envx"] {
            assert!(!is_env_file(Path::new(no)), "{no}");
        }
        assert!(is_example_file(Path::new(".env.example")));
        assert!(is_example_file(Path::new("app.sample.env")));
        assert!(!is_example_file(Path::new(".env.production")));
    }

    #[test]
    fn base_urls_and_secrets() {
        let text = "COMMUNITY_API=https://community.example.com/api/2.0\nCOMMUNITY_SESSION_KEY=8f3a9c0d2b7e4f61\nTOKEN=your-token-here\nAPI_URL=${GATEWAY}/api/2.0\nNAME=support\n";
        let ex = extract(text);
        let urls: Vec<_> = ex.calls.iter().map(|c| &text[c.url.span.clone()]).collect();
        assert_eq!(
            urls,
            [
                "https://community.example.com/api/2.0",
                "${GATEWAY}/api/2.0"
            ]
        );
        assert_eq!(ex.calls[0].receiver.as_deref(), Some("COMMUNITY_API"));
        // The secret is known to be one; its value never goes with the URL.
        let secrets: Vec<_> = ex.secrets.iter().map(|s| &text[s.clone()]).collect();
        assert_eq!(secrets, ["8f3a9c0d2b7e4f61"]);
        assert!(!ex.calls[0].beside.iter().any(|b| b.contains("8f3a")));
    }

    #[test]
    fn a_url_is_reported_and_fixed_where_its_text_is_written() {
        use crate::model::plan::NewUrl;
        let text = "HOST=https://community.example.com/api/2.0\nAPI=${HOST}\nV2=${HOST}/users\n";
        let ex = extract(text);
        let names: Vec<_> = ex
            .calls
            .iter()
            .map(|c| c.receiver.clone().unwrap())
            .collect();
        assert_eq!(names, ["HOST", "V2"]);
        let plan = |cut: usize, path: &str| RewritePlan {
            url: Some(NewUrl {
                prefix: Vec::new(),
                cut: Some(cut),
                path: vec![Part::Lit(path.into())],
            }),
            ..RewritePlan::default()
        };
        // In its own text: replaced in place.
        let host = &ex.calls[0];
        let at = text.find("/api/2.0").unwrap();
        let edits = render_batch(text, &[(host, &plan(at, "/t5/s/api/2.1"))]);
        let edits = edits[0].as_ref().unwrap();
        assert_eq!(edits[0].span, at..at + "/api/2.0".len());
        // The part to change is another variable's: left to a person.
        let v2 = &ex.calls[1];
        assert!(render_batch(text, &[(v2, &plan(at, "/t5/s/api/2.1/users"))])[0].is_err());
        // New text that would need quoting in an unquoted value: left to a person.
        assert!(render_batch(text, &[(host, &plan(at, "/a b"))])[0].is_err());
    }

    #[test]
    fn odd_input_does_not_panic() {
        for t in [
            "=", "A=\"", "A='", "A=${", "A=${B", "A=$", "A=\\", "é=1", "A=\"\\", "export", "A=${A}",
        ] {
            let _ = extract(t);
            let _ = comments(t);
        }
    }
}
