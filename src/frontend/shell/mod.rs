//! Shell front end: `curl` (and httpie) command lines in `.sh .bash .zsh` scripts, and
//! in Markdown's shell code blocks (through [`extract_ranges`]).
//!
//! The text is read by a small shell-words tokenizer ([`words`]) that keeps the byte
//! span of every quoted or unquoted piece, so that a single-quoted URL or body is an
//! exact literal that fixes can edit in place. `curl`'s options are read by [`curl`];
//! `$VAR`/`${VAR}` are holes, unless the file assigns the variable exactly once to a
//! literal (`BASE=https://…`): then the literal is used and the name kept as a `Via`.
//! The response is followed through the pipeline (`| grep`, `| jq`) and through a
//! `resp=$(curl …)` variable, for the checks that want to know what is read.

pub mod curl;
pub mod masked;
pub mod render;
pub mod words;
pub mod wrapper;

use super::Extraction;
use crate::call::{
    Body, BodyRead, Client, Field, Fields, HttpCall, Method, Piece, Span, UrlTemplate, Value, Via,
};
use crate::model::secrets::{is_placeholder, is_secret_name, scheme_credential};
use curl::{split_all, split_once, trim_end, trim_start};
use std::collections::HashMap;
use words::{Command, Script, WordPart};

/// Finds the HTTP calls of a file.
pub fn extract(text: &str) -> Extraction {
    extract_ranges(text, std::slice::from_ref(&(0..text.len())))
}

/// [`extract`] for a script at `path`, in the run's project when there is one: a body
/// read from a file (`curl -d @body.json`) is read from the script's folder, and the
/// variables set by the files it sources (`source ./env.sh`, `. "$(dirname "$0")/env.sh"`)
/// are known.
pub fn extract_in(
    text: &str,
    path: &std::path::Path,
    project: Option<&crate::resolve::ProjectIndex>,
) -> Extraction {
    extract_ranges_in(
        text,
        std::slice::from_ref(&(0..text.len())),
        Some(path),
        project,
    )
}

/// The first syntax error of the text.
pub fn syntax_check(text: &str) -> Option<(Span, String)> {
    words::parse(text).error
}

/// The spans of every comment of the text.
pub fn comments(text: &str) -> Vec<Span> {
    words::parse(text).comments
}

/// The calls of the shell code in `ranges` of `text` (each range tokenized on its
/// own; variables assigned in one are known in the others). Spans are offsets in `text`.
pub fn extract_ranges(text: &str, ranges: &[Span]) -> Extraction {
    extract_ranges_in(text, ranges, None, None)
}

fn extract_ranges_in(
    text: &str,
    ranges: &[Span],
    path: Option<&std::path::Path>,
    project: Option<&crate::resolve::ProjectIndex>,
) -> Extraction {
    let scripts: Vec<Script> = ranges
        .iter()
        .map(|r| words::parse_range(text, r.clone()))
        .collect();
    let mut vars = Vars::collect(&scripts);
    vars.dir = path
        .and_then(std::path::Path::parent)
        .map(std::path::Path::to_path_buf);
    if let (Some(index), Some(path)) = (project, path) {
        vars.source(index, path, text, &scripts, 0);
        vars.environment(index, path, text);
    }
    let mut wrappers = wrapper::wrappers(text, &scripts);
    // A function named `curl` that does not run curl: `curl …` calls it (`command
    // curl` does not).
    let shadowed = scripts.iter().any(|s| {
        s.functions.iter().any(|f| {
            wrapper::function_name(text, f).as_deref() == Some("curl")
                && !wrappers.iter().any(|w| w.span == *f)
        })
    });
    let stubbed = |cmd: &Command, program: usize| {
        shadowed
            && cmd.words[program].literal().as_deref() == Some("curl")
            && !(program > 0 && cmd.words[program - 1].literal().as_deref() == Some("command"))
    };
    wrappers.retain(|w| !stubbed(&w.curl, w.program));
    let sites: Vec<_> = scripts
        .iter()
        .flat_map(|s| wrapper::call_sites(s, &wrappers))
        .collect();
    // A wrapper's own curl command is left out when every call of it is read.
    let lowered: Vec<Span> = wrappers
        .iter()
        .filter(|w| {
            let calls: Vec<_> = sites.iter().filter(|(_, _, x)| x.name == w.name).collect();
            !calls.is_empty() && calls.iter().all(|(c, at, x)| x.expand(c, *at).is_some())
        })
        .map(|w| w.curl.span.clone())
        .collect();
    let mut out = Extraction::default();
    for script in &scripts {
        if out.syntax_error.is_none() {
            out.syntax_error = script.error.clone();
        }
        let pipelines = Pipelines::new(script);
        for cmd in &script.commands {
            vars.secrets(cmd, &mut out.secrets);
            if lowered.contains(&cmd.span) {
                continue;
            }
            vars.related.borrow_mut().clear();
            if let Some((site, at, w)) = sites.iter().find(|(c, _, _)| std::ptr::eq(*c, cmd)) {
                if let Some(mut call) = lower_wrapped(site, *at, w, &vars) {
                    call.related.extend(vars.related.borrow().iter().cloned());
                    call.scope = Some(script.function_at(cmd.span.start).unwrap_or(0..text.len()));
                    call.response.body_reads = body_reads(script, &pipelines, cmd, &call.span);
                    call_secrets(&call, &mut out.secrets);
                    out.calls.push(call);
                }
                continue;
            }
            let Some(program) = curl::program_index(cmd) else {
                continue;
            };
            let name = cmd.words[program].literal().unwrap_or_default();
            let base = name.rsplit('/').next().unwrap_or("");
            let lower = |vars: &Vars| -> Vec<HttpCall> {
                match base {
                    "curl" if stubbed(cmd, program) => Vec::new(),
                    "curl" => curl::requests(cmd, program)
                        .iter()
                        .filter_map(|line| lower_curl(cmd, line, vars))
                        .collect(),
                    "http" | "https" | "xh" | "xhs" => {
                        lower_httpie(cmd, program, vars).into_iter().collect()
                    }
                    "wget" => lower_wget(cmd, program, vars),
                    _ => Vec::new(),
                }
            };
            // A variable assigned in both arms of an `if` (or reassigned): one request
            // per combination of its values, each saying which it is.
            let branches = vars.branches(cmd);
            let calls: Vec<HttpCall> = if branches.is_empty() {
                lower(&vars)
            } else {
                let mut all = Vec::new();
                for (combo, label) in vars.combinations(&branches) {
                    vars.choose(&branches, &combo);
                    for mut call in lower(&vars) {
                        call.alternative = Some(label.clone());
                        all.push(call);
                    }
                }
                vars.choose(&[], &[]);
                all
            };
            for mut call in calls {
                call.related.extend(vars.related.borrow().iter().cloned());
                call.scope = Some(script.function_at(cmd.span.start).unwrap_or(0..text.len()));
                call.response.body_reads = body_reads(script, &pipelines, cmd, &call.span);
                call_secrets(&call, &mut out.secrets);
                out.calls.push(call);
            }
        }
    }
    out.secrets.sort_by_key(|s| (s.start, s.end));
    out.secrets.dedup();
    out
}

/// The call of wrapper `w` written at `site` (its name is word `at`): the wrapper's
/// curl command with the call's arguments, reported at the call. What comes from the
/// function's body is not offered to in-place fixes (a change there would change every
/// call): its literals are marked inexact.
fn lower_wrapped(site: &Command, at: usize, w: &wrapper::Wrapper, vars: &Vars) -> Option<HttpCall> {
    let synth = w.expand(site, at)?;
    let program = curl::program_index(&synth)?;
    let line = curl::read(&synth, program);
    let mut call = lower_curl(&synth, &line, vars)?;
    let span = site.words[at].span.start..site.span.end;
    let in_body = |s: &Span| w.span.start <= s.start && s.end <= w.span.end;
    let vias: Vec<Span> = call.vias.iter().map(|v| v.literal.clone()).collect();
    for p in &mut call.url.pieces {
        if let Piece::Lit { span, exact, .. } = p {
            if in_body(span) && !vias.contains(span) {
                *exact = false;
            }
        }
    }
    // The URL is written partly in the body: point at the call's part of it.
    let site_parts: Vec<&Piece> = call
        .url
        .pieces
        .iter()
        .filter(|p| {
            let s = match p {
                Piece::Lit { span, .. } | Piece::Hole { span, .. } => span,
            };
            span.start <= s.start && s.end <= span.end
        })
        .collect();
    if let (Some(a), Some(b)) = (site_parts.first(), site_parts.last()) {
        let s = |p: &Piece| match p {
            Piece::Lit { span, .. } | Piece::Hole { span, .. } => span.clone(),
        };
        call.url.span = s(a).start..s(b).end;
    } else if !in_body(&call.url.span) {
        call.url.span = span.clone();
    }
    if let Some(Body::Raw { text, span: raw }) = &call.body {
        if in_body(raw) {
            call.body = Some(match serde_json::from_str::<serde_json::Value>(text) {
                Ok(v) => Body::Json {
                    value: json_value(&v, raw),
                },
                Err(_) => Body::Expr {
                    text: text.clone(),
                    span: raw.clone(),
                },
            });
        }
    }
    call.headers.span = span.clone();
    call.span = span;
    Some(call)
}

/// A literal value: its text, where it is written, and whether the text is exactly
/// the source there.
type Literal = (String, Span, bool);

/// How many values a variable assigned more than once may have, how many such
/// variables one command follows, and how many requests one command is lowered to.
/// The caps every front end shares.
use crate::resolve::alternatives::{MAX_ALTERNATIVES, MAX_CHOICE_POINTS as MAX_BRANCHES};

/// Variables assigned exactly once, to a literal; and those set by sourced files.
struct Vars {
    known: HashMap<String, (String, Span, bool)>,
    /// Variables assigned more than once, each time to a literal (both arms of an
    /// `if`, a reassignment): their values, at most [`MAX_ALTERNATIVES`].
    alternatives: HashMap<String, Vec<(String, Span, bool)>>,
    /// The alternative taken for each such variable while a command is lowered.
    chosen: std::cell::RefCell<HashMap<String, usize>>,
    /// The script's folder, where `-d @file` bodies are read from.
    dir: Option<std::path::PathBuf>,
    /// Names the script assigns itself (any number of times).
    assigned: std::collections::HashSet<String>,
    /// Variables the sourced files set, the script not assigning them itself.
    sourced: HashMap<String, crate::resolve::Exported>,
    /// Where the sourced parts of the command being lowered are defined.
    related: std::cell::RefCell<Vec<crate::call::Related>>,
}

impl Vars {
    /// Learns the variables of the files the script sources (each looked up in the
    /// project index, and the files those source, [`crate::resolve::MAX_DEPTH`] deep).
    fn source(
        &mut self,
        index: &crate::resolve::ProjectIndex,
        path: &std::path::Path,
        text: &str,
        scripts: &[Script],
        depth: usize,
    ) {
        use crate::resolve::{Export, SH};
        for script in scripts {
            for cmd in &script.commands {
                let Some(target) = crate::resolve::shell_source_target(&text[cmd.span.clone()])
                else {
                    continue;
                };
                let Some(file) = index.resolve(path, &format!("{SH}{target}")) else {
                    continue;
                };
                let Some(module) = index.module(&file, depth, lower_sourced) else {
                    continue;
                };
                for (name, export) in &module.names {
                    if self.assigned.contains(name) {
                        continue;
                    }
                    if let Export::Value(v) = export {
                        self.sourced.insert(name.clone(), v.clone());
                    }
                }
            }
        }
    }

    /// Learns what the project's env files set the variables to that the script
    /// expands (`$X`, `${X}`) without assigning or sourcing them: the value of the
    /// nearest env file that sets each (a script run from its project sees it, through
    /// `set -a; . ./.env` or the tool that runs it).
    fn environment(
        &mut self,
        index: &crate::resolve::ProjectIndex,
        path: &std::path::Path,
        text: &str,
    ) {
        let bytes = text.as_bytes();
        let mut names: Vec<&str> = Vec::new();
        for (at, _) in text.match_indices('$') {
            let from = at + 1 + usize::from(bytes.get(at + 1) == Some(&b'{'));
            let len = bytes[from..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            if len == 0 || bytes[from].is_ascii_digit() {
                continue;
            }
            let name = &text[from..from + len];
            if !names.contains(&name) {
                names.push(name);
            }
        }
        for name in names {
            if self.assigned.contains(name) || self.sourced.contains_key(name) {
                continue;
            }
            let values = index.env_values(path, name, crate::frontend::dotenv::lower);
            if let Some(v) = values.into_iter().next() {
                self.sourced.insert(name.to_string(), v);
            }
        }
    }

    /// A variable a sourced file sets, as pieces spelled at `span` (recording where
    /// it is defined).
    fn sourced_pieces(&self, expr: &str, span: &Span) -> Option<Vec<Piece>> {
        let value = self.sourced.get(var_name(expr)?)?;
        let message = format!("`{expr}` is set here");
        let (pieces, related) = value.spelled_at(expr, span, message, false)?;
        self.related.borrow_mut().push(related);
        Some(pieces)
    }

    fn collect(scripts: &[Script]) -> Vars {
        // Every value assigned to each name; `None` for one not known here.
        let mut seen: HashMap<String, Vec<Option<Literal>>> = HashMap::new();
        for script in scripts {
            for cmd in &script.commands {
                for (name, value) in assignments(cmd) {
                    seen.entry(name).or_default().push(literal_value(&value));
                }
                // `read X`, `for X in`: assigned at run time.
                if let Some(first) = cmd.words.first().and_then(|w| w.literal()) {
                    if matches!(first.as_str(), "read" | "for" | "select" | "getopts") {
                        for w in &cmd.words[1..] {
                            if let Some(n) = w.literal() {
                                seen.entry(n).or_default().push(None);
                            }
                        }
                    }
                }
            }
        }
        let mut known = HashMap::new();
        let mut alternatives = HashMap::new();
        for (name, values) in &seen {
            match values.as_slice() {
                [Some(v)] => {
                    known.insert(name.clone(), v.clone());
                }
                many if many.len() <= MAX_ALTERNATIVES && many.iter().all(Option::is_some) => {
                    let mut alts: Vec<(String, Span, bool)> = Vec::new();
                    for v in many.iter().flatten() {
                        if !alts.iter().any(|a| a.0 == v.0) {
                            alts.push(v.clone());
                        }
                    }
                    alternatives.insert(name.clone(), alts);
                }
                _ => {}
            }
        }
        Vars {
            assigned: seen.keys().cloned().collect(),
            known,
            alternatives,
            chosen: Default::default(),
            dir: None,
            sourced: HashMap::new(),
            related: std::cell::RefCell::new(Vec::new()),
        }
    }

    fn get(&self, expr: &str) -> Option<&(String, Span, bool)> {
        let name = var_name(expr)?;
        if let Some(v) = self.known.get(name) {
            return Some(v);
        }
        let alts = self.alternatives.get(name)?;
        let k = self.chosen.borrow().get(name).copied().unwrap_or(0);
        alts.get(k)
    }

    /// The variables with alternatives that a command expands (at most
    /// [`MAX_BRANCHES`]), in the order they first appear.
    fn branches(&self, cmd: &Command) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for w in &cmd.words {
            for p in &w.parts {
                let WordPart::Expansion { expr, .. } = p else {
                    continue;
                };
                let Some(name) = var_name(expr) else {
                    continue;
                };
                if self.alternatives.contains_key(name)
                    && !self.known.contains_key(name)
                    && !out.iter().any(|n| n == name)
                    && out.len() < MAX_BRANCHES
                {
                    out.push(name.to_string());
                }
            }
        }
        out
    }

    /// Each combination of the alternatives of `names` (at most [`crate::resolve::alternatives::MAX_VARIANTS`]),
    /// with its label (`` `$API` is `https://…` ``).
    fn combinations(&self, names: &[String]) -> Vec<(Vec<usize>, String)> {
        let arities: Vec<usize> = names
            .iter()
            .map(|n| self.alternatives.get(n).map_or(1, Vec::len))
            .collect();
        let out = crate::resolve::alternatives::combinations(&arities);
        out.into_iter()
            .map(|combo| {
                let label = names
                    .iter()
                    .zip(&combo)
                    .map(|(n, k)| {
                        let value = self.alternatives[n][*k].0.clone();
                        format!("`${n}` is `{}`", crate::call::shorten(&value))
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                (combo, label)
            })
            .collect()
    }

    /// Takes the alternatives `combo` of `names` from now on.
    fn choose(&self, names: &[String], combo: &[usize]) {
        let mut chosen = self.chosen.borrow_mut();
        chosen.clear();
        for (n, k) in names.iter().zip(combo) {
            chosen.insert(n.clone(), *k);
        }
    }

    /// Secret-looking literals assigned to secret-looking names (`API_KEY='…'`).
    fn secrets(&self, cmd: &Command, out: &mut Vec<Span>) {
        for (name, value) in assignments(cmd) {
            if !is_secret_name(&name) {
                continue;
            }
            if let Some((text, span, exact)) = literal_value(&value) {
                let lower = text.to_ascii_lowercase();
                if is_placeholder(&text)
                    || lower.starts_with("http")
                    || text.starts_with('/')
                    || text.contains(char::is_whitespace) && scheme_credential(&text).is_none()
                {
                    continue;
                }
                match scheme_credential(&text) {
                    Some(r) if exact => out.push(span.start + r.start..span.start + r.end),
                    _ => out.push(span),
                }
            }
        }
    }
}

/// The variable name of a simple expansion (`$X`, `${X}`).
fn var_name(expr: &str) -> Option<&str> {
    let name = expr.strip_prefix('$')?;
    let name = name
        .strip_prefix('{')
        .and_then(|n| n.strip_suffix('}'))
        .unwrap_or(name);
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        .then_some(name)
}

/// What a sourced file sets, for the project index (a [`crate::resolve::Lower`]): the
/// variables it assigns once, built of literals, of its own variables and of those of
/// the files it sources in turn.
fn lower_sourced(
    index: &crate::resolve::ProjectIndex,
    path: &std::path::Path,
    text: &str,
    depth: usize,
) -> crate::resolve::ModuleExports {
    use crate::resolve::{Export, Exported, ModuleExports, Shape, TextPiece};
    let scripts = vec![words::parse(text)];
    let mut vars = Vars::collect(&scripts);
    vars.source(index, path, text, &scripts, depth);
    let mut count: HashMap<String, usize> = HashMap::new();
    for cmd in &scripts[0].commands {
        for (name, _) in assignments(cmd) {
            *count.entry(name).or_default() += 1;
        }
    }
    let mut out = ModuleExports::default();
    // What the sourced files set is set here too.
    for (name, v) in &vars.sourced {
        out.names.insert(name.clone(), Export::Value(v.clone()));
    }
    for cmd in &scripts[0].commands {
        for (name, value) in assignments(cmd) {
            if count.get(&name) != Some(&1) || out.names.len() >= 500 {
                continue;
            }
            let Some(span) = span_of(&value) else {
                continue;
            };
            vars.related.borrow_mut().clear();
            let mut vias = Vec::new();
            let pieces = pieces(&value, &vars, &mut vias);
            if !pieces.iter().any(|p| matches!(p, Piece::Lit { .. })) {
                continue;
            }
            let shape = Shape::Text(
                pieces
                    .into_iter()
                    .map(|p| match p {
                        Piece::Lit { text, .. } => TextPiece::Lit(text),
                        Piece::Hole { expr, .. } => TextPiece::Hole(expr),
                    })
                    .collect(),
            );
            out.names.insert(
                name,
                Export::Value(Exported::written(shape, path, text, span)),
            );
        }
    }
    out
}

/// `NAME=value` words of an assignment command (also after `export`, `local`, …).
fn assignments(cmd: &Command) -> Vec<(String, Vec<WordPart>)> {
    let mut out = Vec::new();
    for (i, w) in cmd.words.iter().enumerate() {
        let Some(WordPart::Lit {
            text,
            quote: words::Quote::None,
            ..
        }) = w.parts.first()
        else {
            if i == 0 {
                return out;
            }
            continue;
        };
        if matches!(
            text.as_str(),
            "export" | "readonly" | "local" | "declare" | "typeset"
        ) {
            continue;
        }
        let Some(eq) = text.find('=') else {
            if text.starts_with('-') {
                continue;
            }
            return out;
        };
        let name = &text[..eq];
        if name.is_empty()
            || name.as_bytes()[0].is_ascii_digit()
            || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return out;
        }
        let Some((_, value)) = split_once(&w.parts, '=') else {
            continue;
        };
        out.push((name.to_string(), value));
    }
    out
}

/// `(text, span, exact)` of a fully literal value. An expansion with a literal default
/// (`${API_BASE:-https://…}`) counts as its default: the value when the variable is
/// not set, and what a fix of the script can edit.
fn literal_value(parts: &[WordPart]) -> Option<(String, Span, bool)> {
    if let [WordPart::Expansion { expr, span, .. }] = parts {
        return expansion_default(expr, span);
    }
    let mut text = String::new();
    for p in parts {
        match p {
            WordPart::Lit { text: t, .. } => text.push_str(t),
            WordPart::Expansion { expr, span, .. } => {
                text.push_str(&expansion_default(expr, span)?.0)
            }
        }
    }
    let span = span_of(parts)?;
    let exact = matches!(parts, [WordPart::Lit { exact: true, .. }]);
    Some((text, span, exact))
}

/// The literal default of `${NAME:-default}` (also `-`, `:=`, `=`) written at `span`,
/// with its own span: `None` when there is none or it expands something itself.
fn expansion_default(expr: &str, span: &Span) -> Option<(String, Span, bool)> {
    let inner = expr.strip_prefix("${")?.strip_suffix('}')?;
    let name_len = inner
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    if name_len == 0 {
        return None;
    }
    let rest = &inner[name_len..];
    let op = [":-", ":=", "-", "="]
        .into_iter()
        .find(|op| rest.starts_with(op))?;
    let default = &rest[op.len()..];
    if default.is_empty() || default.contains(['$', '`', '\\', '"', '\'', '}', ' ']) {
        return None;
    }
    // Only when `expr` is the source text at `span` can the default be edited there.
    let exact = span.len() == expr.len();
    let start = span.start + 2 + name_len + op.len();
    let at = if exact {
        start..start + default.len()
    } else {
        span.clone()
    };
    Some((default.to_string(), at, exact))
}

fn span_of(parts: &[WordPart]) -> Option<Span> {
    Some(parts.first()?.span().start..parts.last()?.span().end)
}

/// The URL pieces of a word's parts; known variables become their literal (with a `Via`).
fn pieces(parts: &[WordPart], vars: &Vars, vias: &mut Vec<Via>) -> Vec<Piece> {
    parts
        .iter()
        .flat_map(|p| match p {
            WordPart::Lit {
                text, span, exact, ..
            } => vec![Piece::Lit {
                text: text.clone(),
                span: span.clone(),
                exact: *exact,
            }],
            WordPart::Expansion { expr, span, .. } => match vars.get(expr) {
                Some((text, lit, exact)) => {
                    vias.push(Via {
                        literal: lit.clone(),
                        expr: expr.clone(),
                    });
                    vec![Piece::Lit {
                        text: text.clone(),
                        span: lit.clone(),
                        exact: *exact,
                    }]
                }
                // A variable a sourced file sets, or the default written in the
                // expansion (`${BASE:-https://…}`).
                None => vars
                    .sourced_pieces(expr, span)
                    .or_else(|| {
                        let (text, span, exact) = expansion_default(expr, span)?;
                        Some(vec![Piece::Lit { text, span, exact }])
                    })
                    .unwrap_or_else(|| {
                        vec![Piece::Hole {
                            expr: expr.clone(),
                            span: span.clone(),
                        }]
                    }),
            },
        })
        .collect()
}

/// A value from word parts: a string when literal, else the source text.
fn value_of(parts: &[WordPart], fallback: &Span) -> Value {
    let span = span_of(parts).unwrap_or(fallback.end..fallback.end);
    match literal_value(parts) {
        Some((value, s, _)) => Value::Str { value, span: s },
        None => Value::Expr {
            text: parts
                .iter()
                .map(|p| match p {
                    WordPart::Lit { text, .. } => text.clone(),
                    WordPart::Expansion { expr, .. } => expr.clone(),
                })
                .collect(),
            span,
        },
    }
}

fn key_of(parts: &[WordPart]) -> Option<(String, Span)> {
    let (text, span, _) = literal_value(parts)?;
    Some((text, span))
}

/// A `Name: value` header argument (curl's `-H`, wget's `--header`) as a field: `None`
/// without a `:`, `Err` when the name is not literal.
fn header_field(parts: &[WordPart], at: &Span) -> Option<Result<Field, ()>> {
    let (name, value) = split_once(parts, ':')?;
    let Some((key, key_span)) = key_of(&trim_end(trim_start(name))) else {
        return Some(Err(()));
    };
    Some(Ok(Field {
        key,
        key_span,
        value: value_of(&trim_end(trim_start(value)), at),
    }))
}

/// A URL word as a template, on the word's span when its parts have none.
fn url_template(parts: &[WordPart], vars: &Vars, vias: &mut Vec<Via>, word: &Span) -> UrlTemplate {
    UrlTemplate {
        pieces: pieces(parts, vars, vias),
        span: span_of(parts).unwrap_or_else(|| word.clone()),
    }
}

/// A `k=v&k2=v2` argument as fields; `false` when some key is not known.
fn form_pairs(parts: &[WordPart], fallback: &Span, into: &mut Fields) {
    for pair in split_all(parts, '&') {
        if pair.is_empty() {
            continue;
        }
        match split_once(&pair, '=') {
            Some((k, v)) => match key_of(&k) {
                Some((key, key_span)) => into.entries.push(Field {
                    key,
                    key_span,
                    value: value_of(&v, fallback),
                }),
                None => into.open = true,
            },
            None => into.open = true,
        }
    }
}

fn lower_curl(cmd: &Command, line: &curl::CurlLine, vars: &Vars) -> Option<HttpCall> {
    let words = &cmd.words;
    let url_parts = match line.all(&["url"]).next().and_then(|o| o.arg.as_ref()) {
        Some(a) => a.parts.clone(),
        None => words.get(*line.urls.first()?)?.parts.clone(),
    };
    let url_span = span_of(&url_parts)?;
    let url_word_span = match line.all(&["url"]).next().and_then(|o| o.arg.as_ref()) {
        Some(a) => a.span.clone(),
        None => words[line.urls[0]].span.clone(),
    };
    let mut vias = Vec::new();
    let url = UrlTemplate {
        pieces: pieces(&url_parts, vars, &mut vias),
        span: if url_span.is_empty() {
            url_word_span
        } else {
            url_span
        },
    };
    // A command of several requests (`--next`): each request is its own call.
    let span = if line.next.is_none() && line.program == program_of(cmd, line) {
        words[line.program].span.start..cmd.span.end
    } else {
        words[line.program].span.start..words[line.end - 1].span.end
    };
    let mut headers = Fields {
        span: span.clone(),
        // A config file (`-K`) or options from a variable may add any header.
        open: line.has("config") || !line.spread.is_empty(),
        ..Fields::default()
    };
    for o in &line.opts {
        let Some(arg) = &o.arg else { continue };
        match o.name {
            "header" => {
                if arg.literal().is_some_and(|l| l.starts_with('@')) {
                    headers.open = true;
                    continue;
                }
                match header_field(&arg.parts, &arg.span) {
                    Some(Ok(field)) => headers.entries.push(field),
                    Some(Err(())) => headers.open = true,
                    None => {}
                }
            }
            "user" | "oauth2-bearer" => headers.entries.push(Field {
                key: "Authorization".into(),
                key_span: cmd.words[o.flag].span.clone(),
                value: value_of(&arg.parts, &arg.span),
            }),
            "json" if headers.get_ci("Content-Type").is_none() => {
                headers.entries.push(Field {
                    key: "Content-Type".into(),
                    key_span: cmd.words[o.flag].span.clone(),
                    value: Value::Str {
                        value: "application/json".into(),
                        span: cmd.words[o.flag].span.clone(),
                    },
                });
            }
            _ => {}
        }
    }
    let data: Vec<&curl::Opt> = line.all(curl::DATA).collect();
    let get = line.has("get");
    let method = match line.all(&["request"]).last().and_then(|o| o.arg.as_ref()) {
        Some(arg) => match arg.literal() {
            Some(m) => Method::known(&m, span_of(&arg.parts)),
            None => Method::unknown(value_of(&arg.parts, &arg.span).text(), arg.span.clone()),
        },
        None if line.has("head") => Method::implied("HEAD"),
        None if get => Method::implied("GET"),
        None if line.has("upload-file") => Method::implied("PUT"),
        None if !data.is_empty() => Method::implied("POST"),
        None => Method::implied("GET"),
    };
    let mut call = HttpCall::new(Client::Curl, method, url, span.clone());
    call.vias = vias;
    let json_type = headers
        .get_ci("Content-Type")
        .and_then(|f| f.value.as_str())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    call.headers = headers;
    call.query.span = call.url.span.clone();
    for o in line.all(&["url-query"]) {
        if let Some(arg) = &o.arg {
            form_pairs(&arg.parts, &arg.span, &mut call.query);
        }
    }
    if get {
        for o in &data {
            if let Some(arg) = &o.arg {
                data_fields(o.name, arg, &mut call.query);
            }
        }
    } else if !data.is_empty() {
        call.body = Some(curl_body(cmd, &data, json_type));
        if let ([only], Some(dir)) = (data.as_slice(), &vars.dir) {
            file_body(only, dir, &mut call);
        }
    }
    for o in &line.opts {
        match o.name {
            "fail" | "fail-with-body" => call
                .response
                .status_checks
                .push(cmd.words[o.flag].span.clone()),
            "write-out" => {
                if let Some(arg) = &o.arg {
                    if Value::text(&value_of(&arg.parts, &arg.span)).contains("http_code") {
                        call.response.status_checks.push(arg.span.clone());
                    }
                }
            }
            _ => {}
        }
    }
    Some(call)
}

/// The index of the `curl` word of a command, given one of its requests.
fn program_of(cmd: &Command, line: &curl::CurlLine) -> usize {
    curl::program_index(cmd).unwrap_or(line.program)
}

/// A JSON body read from a file (`-d @body.json`): its values all point at the
/// `@body.json` argument, and the file is the call's related place, so a finding about
/// the body lands on the argument, names the file, and its fix is made in the file.
fn file_body(opt: &curl::Opt, dir: &std::path::Path, call: &mut HttpCall) {
    let (Some(name), Some(arg)) = (curl::data_file(opt), opt.arg.as_ref()) else {
        return;
    };
    let Some((path, text)) = curl::read_data_file(dir, &name, opt.name != "data-binary") else {
        return;
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return;
    };
    let source = crate::source::SourceFile::new(path.clone(), text, crate::source::Language::Http);
    call.body = Some(Body::Json {
        value: json_value(&v, &arg.span),
    });
    call.related.push(crate::call::Related {
        start: source.position(0),
        end: source.position(source.text.len()),
        span: 0..source.text.len(),
        path,
        expr: format!("@{name}"),
        local: arg.span.clone(),
        message: format!("the request body is read from {name}"),
        beside: Vec::new(),
        learned: false,
    });
}

/// The fields a data option adds (`-d a=1&b=2`, `--data-urlencode name=value`, `-F k=v`).
fn data_fields(name: &str, arg: &curl::Arg, into: &mut Fields) {
    let lit = arg.literal();
    match name {
        "data-urlencode" => match split_once(&arg.parts, '=') {
            Some((k, v)) if !k.is_empty() => match key_of(&k) {
                Some((key, key_span)) if !key.contains('@') => into.entries.push(Field {
                    key,
                    key_span,
                    value: value_of(&v, &arg.span),
                }),
                _ => into.open = true,
            },
            _ => into.open = true,
        },
        "form" | "form-string" => match split_once(&arg.parts, '=') {
            Some((k, v)) => match key_of(&k) {
                Some((key, key_span)) => {
                    let value = if name == "form"
                        && literal_value(&v).is_some_and(|(t, _, _)| t.starts_with(['@', '<']))
                    {
                        Value::Expr {
                            text: value_of(&v, &arg.span).text(),
                            span: arg.span.clone(),
                        }
                    } else {
                        value_of(&v, &arg.span)
                    };
                    into.entries.push(Field {
                        key,
                        key_span,
                        value,
                    })
                }
                None => into.open = true,
            },
            None => into.open = true,
        },
        _ => {
            if lit.as_deref().is_some_and(|l| l.starts_with('@')) && name != "data-raw" {
                into.open = true;
            } else {
                form_pairs(&arg.parts, &arg.span, into);
            }
        }
    }
    if into.entries.is_empty() && into.span.is_empty() {
        into.span = arg.span.clone();
    }
}

fn curl_body(cmd: &Command, data: &[&curl::Opt], json_type: bool) -> Body {
    let args: Vec<&curl::Arg> = data.iter().filter_map(|o| o.arg.as_ref()).collect();
    let whole = match (args.first(), args.last()) {
        (Some(a), Some(b)) => a.span.start..b.span.end,
        _ => cmd.span.clone(),
    };
    let json_opt = data.iter().any(|o| o.name == "json");
    let multipart = data.iter().any(|o| o.name.starts_with("form"));
    if let [only] = data {
        if let Some(arg) = &only.arg {
            let lit = arg.literal();
            // `--data @-` with a here-document or here-string.
            if lit.as_deref() == Some("@-") && only.name != "data-raw" {
                if let Some(h) = &cmd.heredoc {
                    let plain = !h.expands || !h.text.contains(['$', '`', '\\']);
                    return if plain {
                        Body::Raw {
                            text: h.text.clone(),
                            span: h.span.clone(),
                        }
                    } else {
                        Body::Expr {
                            text: h.text.clone(),
                            span: h.span.clone(),
                        }
                    };
                }
                if let Some(w) = &cmd.herestring {
                    return text_body(&w.parts, &w.span);
                }
                return Body::Expr {
                    text: "@-".into(),
                    span: arg.span.clone(),
                };
            }
            let looks_json = lit
                .as_deref()
                .or(match arg.parts.first() {
                    Some(WordPart::Lit { text, .. }) => Some(text.as_str()),
                    _ => None,
                })
                .is_some_and(|t| t.trim_start().starts_with(['{', '[']));
            if json_opt || ((json_type || looks_json) && !only.name.ends_with("urlencode")) {
                if lit.as_deref().is_some_and(|l| l.starts_with('@')) && only.name != "data-raw" {
                    return Body::Expr {
                        text: lit.unwrap_or_default(),
                        span: arg.span.clone(),
                    };
                }
                return text_body(&arg.parts, &arg.span);
            }
        }
    }
    let mut fields = Fields::at(whole.clone());
    for o in data {
        if let Some(arg) = &o.arg {
            data_fields(o.name, arg, &mut fields);
        }
    }
    if fields.entries.is_empty() && fields.open && !multipart {
        return Body::Expr {
            text: args
                .iter()
                .map(|a| value_of(&a.parts, &a.span).text())
                .collect::<Vec<_>>()
                .join("&"),
            span: whole,
        };
    }
    Body::Form { fields }
}

/// A body written as text: a literal (`Raw`, the rules parse JSON from it), or JSON with
/// holes (the holes become expressions).
fn text_body(parts: &[WordPart], fallback: &Span) -> Body {
    let span = span_of(parts).unwrap_or_else(|| fallback.clone());
    if let Some((text, s, _)) = literal_value(parts) {
        return Body::Raw { text, span: s };
    }
    // Each hole stands in as a string; what parses is JSON with unknown values.
    let mut text = String::new();
    let mut holes = Vec::new();
    for p in parts {
        match p {
            WordPart::Lit { text: t, .. } => text.push_str(t),
            WordPart::Expansion { expr, .. } => {
                let mark = format!("\u{1}{}\u{1}", holes.len());
                holes.push(expr.clone());
                // A hole outside a JSON string becomes one.
                let in_string = text.matches('"').count() % 2 == 1;
                if in_string {
                    text.push_str(&mark);
                } else {
                    text.push('"');
                    text.push_str(&mark);
                    text.push('"');
                }
            }
        }
    }
    let source: String = parts
        .iter()
        .map(|p| match p {
            WordPart::Lit { text, .. } => text.clone(),
            WordPart::Expansion { expr, .. } => expr.clone(),
        })
        .collect();
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(v) => Body::Json {
            value: json_value(&v, &span),
        },
        Err(_) => Body::Expr { text: source, span },
    }
}

fn json_value(v: &serde_json::Value, span: &Span) -> Value {
    use serde_json::Value as J;
    match v {
        J::String(s) if s.contains('\u{1}') => Value::Expr {
            text: s.clone(),
            span: span.clone(),
        },
        J::String(s) => Value::Str {
            value: s.clone(),
            span: span.clone(),
        },
        J::Number(n) => Value::Num {
            text: n.to_string(),
            span: span.clone(),
        },
        J::Bool(b) => Value::Bool {
            value: *b,
            span: span.clone(),
        },
        J::Null => Value::Null { span: span.clone() },
        J::Array(items) => Value::Array {
            items: items.iter().map(|i| json_value(i, span)).collect(),
            span: span.clone(),
        },
        J::Object(m) => Value::Object(Fields {
            entries: m
                .iter()
                .map(|(k, v)| Field {
                    key: k.clone(),
                    key_span: span.clone(),
                    value: json_value(v, span),
                })
                .collect(),
            open: false,
            span: span.clone(),
        }),
    }
}

// ----- httpie ----------------------------------------------------------------------

fn lower_httpie(cmd: &Command, program: usize, vars: &Vars) -> Option<HttpCall> {
    let words = &cmd.words;
    let mut i = program + 1;
    let mut form = false;
    let mut positional = Vec::new();
    let mut status_checks = Vec::new();
    let mut auth: Option<(usize, Vec<WordPart>)> = None;
    while i < words.len() {
        let w = &words[i];
        let head = match w.parts.first() {
            Some(WordPart::Lit { text, .. }) => text.clone(),
            _ => String::new(),
        };
        if head.starts_with('-') && head.len() > 1 {
            let name = head.split('=').next().unwrap_or("");
            match name {
                "--form" | "-f" | "--multipart" => form = true,
                "--check-status" => status_checks.push(w.span.clone()),
                "--auth" | "-a" => {
                    if head.contains('=') {
                        auth = split_once(&w.parts, '=').map(|(_, v)| (i, v));
                    } else if i + 1 < words.len() {
                        auth = Some((i, words[i + 1].parts.clone()));
                        i += 1;
                    }
                }
                "-A"
                | "--auth-type"
                | "-o"
                | "--output"
                | "--session"
                | "--session-read-only"
                | "-p"
                | "--print"
                | "-s"
                | "--style"
                | "--timeout"
                | "--proxy"
                | "--cert"
                | "--cert-key"
                | "--verify"
                | "--pretty"
                | "--max-redirects"
                    if !head.contains('=') =>
                {
                    i += 1
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        positional.push(i);
        i += 1;
    }
    let (method_word, url_word, items) = match positional.as_slice() {
        [] => return None,
        [m, u, rest @ ..]
            if words[*m].literal().is_some_and(|t| {
                !t.is_empty() && t.len() <= 7 && t.bytes().all(|b| b.is_ascii_uppercase())
            }) =>
        {
            (Some(*m), *u, rest)
        }
        [u, rest @ ..] => (None, *u, rest),
    };
    let url_parts = words[url_word].parts.clone();
    // Without a scheme or a `:port`/`/` start, it is not a request (`http` as a word).
    let display = words[url_word].display();
    if !(display.contains("://")
        || display.starts_with(':')
        || display.starts_with('$')
        || display.contains('/')
        || display.contains('.'))
    {
        return None;
    }
    let mut vias = Vec::new();
    let url = url_template(&url_parts, vars, &mut vias, &words[url_word].span);
    let span = words[program].span.start..cmd.span.end;
    let mut headers = Fields::at(span.clone());
    let mut query = Fields::at(url.span.clone());
    let mut body = Fields::at(span.clone());
    for &idx in items {
        let w = &words[idx];
        let Some(WordPart::Lit { text, .. }) = w.parts.first() else {
            body.open = true;
            continue;
        };
        let Some(at) = text.find([':', '=', '@']) else {
            continue;
        };
        let rest = &text[at..];
        let (sep, skip) = if rest.starts_with("==") {
            ("query", 2)
        } else if rest.starts_with(":=@") || rest.starts_with("=@") || rest.starts_with('@') {
            ("file", 1)
        } else if rest.starts_with(":=") {
            ("raw", 2)
        } else if rest.starts_with('=') {
            ("data", 1)
        } else {
            ("header", 1)
        };
        let key = text[..at].to_string();
        let key_span = match w.parts.first() {
            Some(WordPart::Lit {
                span, exact: true, ..
            }) => span.start..span.start + at,
            _ => w.span.clone(),
        };
        let value_parts = curl::parts_after(&w.parts, at + skip);
        let value = value_of(&value_parts, &w.span);
        match sep {
            "query" => query.entries.push(Field {
                key,
                key_span,
                value,
            }),
            "header" => headers.entries.push(Field {
                key,
                key_span,
                value,
            }),
            "data" => body.entries.push(Field {
                key,
                key_span,
                value,
            }),
            "raw" => {
                let value = match &value {
                    Value::Str { value: t, span } => serde_json::from_str(t)
                        .map(|j| json_value(&j, span))
                        .unwrap_or(value.clone()),
                    _ => value,
                };
                body.entries.push(Field {
                    key,
                    key_span,
                    value,
                })
            }
            _ => body.open = true,
        }
    }
    if let Some((flag, parts)) = auth {
        headers.entries.push(Field {
            key: "Authorization".into(),
            key_span: words[flag].span.clone(),
            value: value_of(&parts, &words[flag].span),
        });
    }
    let has_body = !body.entries.is_empty() || body.open;
    let method = match method_word {
        Some(m) => Method::known(
            &words[m].literal().unwrap_or_default(),
            Some(words[m].span.clone()),
        ),
        None if has_body => Method::implied("POST"),
        None => Method::implied("GET"),
    };
    let mut call = HttpCall::new(Client::Httpie, method, url, span);
    call.vias = vias;
    call.headers = headers;
    call.query = query;
    call.response.status_checks = status_checks;
    if has_body {
        call.body = Some(if form {
            Body::Form { fields: body }
        } else {
            Body::Json {
                value: Value::Object(body),
            }
        });
    }
    Some(call)
}

// ----- wget ------------------------------------------------------------------------

/// wget's options that take an argument as the next word when not written `--x=v`.
const WGET_WITH_ARG: [&str; 24] = [
    "-O",
    "-o",
    "-a",
    "-P",
    "-t",
    "-T",
    "-U",
    "-e",
    "-i",
    "-B",
    "--output-document",
    "--output-file",
    "--append-output",
    "--directory-prefix",
    "--tries",
    "--timeout",
    "--user-agent",
    "--execute",
    "--input-file",
    "--base",
    "--user",
    "--password",
    "--http-user",
    "--http-password",
];

/// `wget [--method=M] [--header=H]… [--body-data=D | --post-data=D] URL…`: one request
/// per URL (wget fetches each).
fn lower_wget(cmd: &Command, program: usize, vars: &Vars) -> Vec<HttpCall> {
    let words = &cmd.words;
    let mut i = program + 1;
    let mut method: Option<(String, Span)> = None;
    let mut header_args: Vec<(Vec<WordPart>, Span)> = Vec::new();
    let mut data: Option<(Vec<WordPart>, Span, bool)> = None;
    let mut body_file = false;
    let mut urls = Vec::new();
    // The argument of option `w` (`--x=v` or the next word), and the index after it.
    let arg_of = |i: usize, head: &str| -> Option<(Vec<WordPart>, Span, usize)> {
        let w = &words[i];
        if head.starts_with("--") && head.contains('=') {
            let (_, v) = split_once(&w.parts, '=')?;
            let span = span_of(&v).unwrap_or_else(|| w.span.clone());
            Some((v, span, i + 1))
        } else {
            let next = words.get(i + 1)?;
            Some((next.parts.clone(), next.span.clone(), i + 2))
        }
    };
    while i < words.len() {
        let w = &words[i];
        let head = match w.parts.first() {
            Some(WordPart::Lit { text, .. }) => text.clone(),
            _ => String::new(),
        };
        if !(head.starts_with('-') && head.len() > 1) {
            urls.push(i);
            i += 1;
            continue;
        }
        let name = head.split('=').next().unwrap_or("").to_string();
        match name.as_str() {
            "--method" => {
                let Some((v, span, next)) = arg_of(i, &head) else {
                    break;
                };
                method = literal_value(&v)
                    .map(|(m, s, _)| (m, s))
                    .or(Some((String::new(), span)));
                i = next;
            }
            "--header" => {
                let Some((v, span, next)) = arg_of(i, &head) else {
                    break;
                };
                header_args.push((v, span));
                i = next;
            }
            "--body-data" | "--post-data" => {
                let Some((v, span, next)) = arg_of(i, &head) else {
                    break;
                };
                data = Some((v, span, name == "--post-data"));
                i = next;
            }
            "--body-file" | "--post-file" => {
                body_file = true;
                if data.is_none() && name == "--post-file" && method.is_none() {
                    method = Some(("POST".into(), w.span.clone()));
                }
                i = arg_of(i, &head).map(|(_, _, n)| n).unwrap_or(words.len());
            }
            n if WGET_WITH_ARG.contains(&n) && !head.contains('=') => i += 2,
            // `-qO-`, `-O-`: a short option with its argument attached.
            _ => i += 1,
        }
    }
    let mut out = Vec::new();
    for u in urls {
        let url_parts = words[u].parts.clone();
        let display = words[u].display();
        if !(display.contains("://") || display.starts_with('$') || display.contains('/')) {
            continue;
        }
        let mut vias = Vec::new();
        let url = url_template(&url_parts, vars, &mut vias, &words[u].span);
        let span = words[program].span.start..cmd.span.end;
        let mut headers = Fields::at(span.clone());
        for (parts, at) in &header_args {
            match header_field(parts, at) {
                Some(Ok(field)) => headers.entries.push(field),
                Some(Err(())) | None => headers.open = true,
            }
        }
        let method = match &method {
            Some((m, s)) if !m.is_empty() => Method::known(m, Some(s.clone())),
            Some((_, s)) => Method::unknown(cmd_text(words, s), s.clone()),
            None if data.as_ref().is_some_and(|d| d.2) => Method::implied("POST"),
            None => Method::implied("GET"),
        };
        let mut call = HttpCall::new(Client::Wget, method, url, span);
        call.vias = vias;
        // wget sends its data as a form unless a Content-Type says otherwise; JSON
        // is read as JSON.
        let json = headers.get_ci("content-type").is_some_and(
            |f| matches!(&f.value, Value::Str { value, .. } if value.contains("json")),
        );
        call.body = match &data {
            Some((parts, at, _)) if json => Some(text_body(parts, at)),
            Some((parts, at, _)) => {
                let mut fields = Fields::at(at.clone());
                form_pairs(parts, at, &mut fields);
                Some(Body::Form { fields })
            }
            None if body_file => Some(Body::Expr {
                text: "the file's contents".into(),
                span: call.span.clone(),
            }),
            None => None,
        };
        call.headers = headers;
        out.push(call);
    }
    out
}

/// The text of the word at `span` (a method computed at run time).
fn cmd_text(words: &[words::Word], span: &Span) -> String {
    words
        .iter()
        .find(|w| w.span.start <= span.start && span.end <= w.span.end)
        .map(|w| w.display())
        .unwrap_or_default()
}

// ----- what the script reads from the response ---------------------------------------

/// Reads of the response in the commands after the call in its pipeline (`| jq
/// .stat`, `| grep '"result":true'`), or of the variable it is assigned to
/// (`resp=$(curl …)`, then `"$resp"` in a later command).
/// A script's commands grouped by pipeline, and the variables command
/// substitutions are assigned to, found once per script (looking them up for each
/// call made a script of 32,000 commands quadratic).
struct Pipelines<'s> {
    groups: HashMap<(usize, Option<Span>), Vec<&'s Command>>,
    /// `var=$(…)`: the substitution's span → `var`.
    captured: HashMap<Span, String>,
}

impl<'s> Pipelines<'s> {
    fn new(script: &'s Script) -> Pipelines<'s> {
        let mut groups: HashMap<(usize, Option<Span>), Vec<&Command>> = HashMap::new();
        let mut captured = HashMap::new();
        for c in &script.commands {
            groups
                .entry((c.pipeline, c.subst.clone()))
                .or_default()
                .push(c);
            for w in &c.words {
                let Some(WordPart::Lit { text, .. }) = w.parts.first() else {
                    continue;
                };
                let Some((name, _)) = text.split_once('=') else {
                    continue;
                };
                if name.is_empty() {
                    continue;
                }
                for p in &w.parts {
                    captured
                        .entry(p.span().clone())
                        .or_insert_with(|| name.to_string());
                }
            }
        }
        Pipelines { groups, captured }
    }

    /// The commands after `cmd` in its pipeline.
    fn after(&self, cmd: &Command) -> impl Iterator<Item = &'s Command> + '_ {
        let end = cmd.span.end;
        self.groups
            .get(&(cmd.pipeline, cmd.subst.clone()))
            .into_iter()
            .flatten()
            .copied()
            .filter(move |c| c.span.start > end)
    }
}

fn body_reads(
    script: &Script,
    pipelines: &Pipelines,
    cmd: &Command,
    call_span: &Span,
) -> Vec<BodyRead> {
    let mut readers: Vec<&Command> = pipelines.after(cmd).collect();
    if let Some(subst) = &cmd.subst {
        let var = pipelines.captured.get(subst).cloned();
        if let Some(var) = var {
            let refs = [format!("${var}"), format!("${{{var}}}")];
            let users: Vec<&Command> = script
                .commands
                .iter()
                .filter(|c| {
                    c.span.start > subst.end
                        && c.words
                            .iter()
                            .chain(c.herestring.iter())
                            .any(|w| refs.iter().any(|r| w.display().contains(r.as_str())))
                })
                .collect();
            for u in users {
                readers.push(u);
                readers.extend(pipelines.after(u));
            }
        }
    }
    let mut out = Vec::new();
    for c in readers {
        let text: String = c
            .words
            .iter()
            .chain(c.herestring.iter())
            .map(|w| w.display())
            .collect::<Vec<_>>()
            .join(" ");
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.contains("closeUserAccount.result")
            || compact.contains("\"result\":true")
            || compact.contains("\"result\"[[:space:]]*:[[:space:]]*true")
            || compact.contains("\"result\"*:*true")
        {
            out.push(BodyRead {
                path: "data.closeUserAccount.result".into(),
                span: c.span.clone(),
            });
        }
        if compact.contains(".stat") || compact.contains("\"stat\"") {
            out.push(BodyRead {
                path: "stat".into(),
                span: c.span.clone(),
            });
        }
    }
    let _ = call_span;
    out
}

// ----- secrets -----------------------------------------------------------------------

fn call_secrets(call: &HttpCall, out: &mut Vec<Span>) {
    for h in &call.headers.entries {
        let Value::Str { value, span } = &h.value else {
            continue;
        };
        if is_placeholder(value) {
            continue;
        }
        let exact = span.len() == value.len();
        if let Some(r) = scheme_credential(value) {
            out.push(if exact {
                span.start + r.start..span.start + r.end
            } else {
                span.clone()
            });
        } else if h.key.eq_ignore_ascii_case("authorization") && h.key_span != *span {
            // `-u user:password`: the password.
            match value.find(':') {
                Some(c) if exact => out.push(span.start + c + 1..span.end),
                _ => out.push(span.clone()),
            }
        } else if is_secret_name(&h.key) {
            out.push(span.clone());
        }
    }
    let fields = |f: &Fields, out: &mut Vec<Span>| {
        for e in &f.entries {
            if let Value::Str { value, span } = &e.value {
                if is_secret_name(&e.key) && !is_placeholder(value) {
                    out.push(span.clone());
                }
            }
        }
    };
    fields(&call.query, out);
    for q in call.url.parse().query {
        if let Value::Str { value, span } = &q.value {
            if is_secret_name(&q.key) && !is_placeholder(value) && !span.is_empty() {
                out.push(span.clone());
            }
        }
    }
    match &call.body {
        Some(Body::Form { fields: f }) => fields(f, out),
        Some(Body::Json {
            value: Value::Object(f),
        }) => fields(f, out),
        Some(Body::Raw { text, span }) if text.len() == span.len() => {
            let re = regex::Regex::new(r#""([A-Za-z0-9_\-]+)"\s*:\s*"([^"\\]*)""#).expect("regex");
            for c in re.captures_iter(text) {
                let (Some(k), Some(v)) = (c.get(1), c.get(2)) else {
                    continue;
                };
                if is_secret_name(k.as_str()) && !is_placeholder(v.as_str()) {
                    out.push(span.start + v.start()..span.start + v.end());
                }
            }
        }
        _ => {}
    }
}

/// Shell scripts: curl (and httpie) command lines.
pub struct Shell;

impl crate::frontend::FrontEnd for Shell {
    fn languages(&self) -> &'static [crate::source::Language] {
        &[crate::source::Language::Shell]
    }

    fn of_path(&self, path: &std::path::Path) -> Option<crate::source::Language> {
        use crate::source::Language::Shell;
        super::by_extension(path, &[("sh", Shell), ("bash", Shell), ("zsh", Shell)])
    }

    fn extract(&self, file: &crate::source::SourceFile, context: &super::Context) -> Extraction {
        extract_in(&file.text, &file.path, context.project)
    }

    fn syntax_error(&self, file: &crate::source::SourceFile) -> Option<(Span, String)> {
        syntax_check(&file.text)
    }

    fn comments(&self, file: &crate::source::SourceFile) -> Vec<Span> {
        comments(&file.text)
    }
}

impl crate::frontend::Spell for Shell {
    fn spell(
        &self,
        file: &crate::source::SourceFile,
        _parsed: &Extraction,
        items: &[(&crate::call::HttpCall, &crate::model::plan::RewritePlan)],
    ) -> Vec<Result<Vec<crate::finding::Edit>, String>> {
        render::render_batch(&file.text, items)
    }

    fn json_quoting(&self) -> crate::frontend::JsonQuoting {
        crate::frontend::quoting::command_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> HttpCall {
        let mut ex = extract(text);
        assert_eq!(ex.calls.len(), 1, "{text}");
        ex.calls.pop().unwrap()
    }

    #[test]
    fn curl_method_url_headers_body() {
        let text = "curl -sS -XDELETE \"$BASE/api/2.0/users/$ID\" -H 'li-api-session-key: abc'\n";
        let c = one(text);
        assert!(c.method.is("DELETE"));
        assert_eq!(c.url.display(), "{$BASE}/api/2.0/users/{$ID}");
        assert_eq!(c.headers.entries[0].key, "li-api-session-key");
        assert_eq!(&text[c.headers.entries[0].value.span()], "abc");
        let c = one("curl -d '{\"markDeleted\": \"true\"}' https://x/AdminInterface/restapi/v1/users/1/markDeleted");
        assert!(c.method.is("POST"));
        assert!(matches!(c.body, Some(Body::Raw { .. })));
    }

    #[test]
    fn resolves_single_assignments_and_forms() {
        let text = "BASE=https://acme.janraincapture.com\nr=$(curl -G \"$BASE/entity.delete\" --data-urlencode type_name=user -d \"uuid=$U\")\necho \"$r\" | jq -e '.stat == \"ok\"'\n";
        let c = one(text);
        assert!(c.method.is("GET"));
        assert_eq!(
            c.url.parse().host.as_deref(),
            Some("acme.janraincapture.com")
        );
        assert_eq!(c.vias[0].expr, "$BASE");
        assert_eq!(c.query.entries.len(), 2);
        assert!(c.response.reads("stat"));
    }

    #[test]
    fn httpie_items() {
        let c = one(
            "http DELETE https://x/api/v1/users/1 company==acme Authorization:'Bearer t' a:=true\n",
        );
        assert!(c.method.is("DELETE"));
        assert_eq!(c.query.entries[0].key, "company");
        assert!(c.headers.get("Authorization").is_some());
        assert!(matches!(c.body, Some(Body::Json { .. })));
    }
}
