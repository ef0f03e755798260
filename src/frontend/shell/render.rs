//! Renders a [`RewritePlan`] as edits of a curl command line.
//!
//! The command is read again with the same tokenizer and every change is an edit of
//! its own words: the method argument (`-X PUT`, added when the method was implied),
//! the URL word (rebuilt with the kept prefix — `$BASE` stays `$BASE` — the new path and
//! the kept query), `-H` options replaced in place or added, data options removed or
//! replaced. New options go on their own `\` continuation line when the command is
//! written over several lines. A JSON body with run-time values is written with
//! alternating quotes (`'{"id": "'"$ID"'"}'`). A plan's response check pipes the
//! response into `grep` for the field (`"result": true`); the plan's functions are
//! shell functions inserted once at the top of the script. What cannot be written
//! safely is an error (the fix is shown as manual).

use super::curl::{self, CurlLine};
use super::words::{self, Command, Script, WordPart};
use super::wrapper;
use crate::call::{Client, HttpCall, Piece, Span};
use crate::finding::Edit;
use crate::model::plan::{FunctionPlan, NewBody, Part, RValue, ResultCheck, Returns, RewritePlan};

use std::collections::HashMap;

type R<T> = Result<T, String>;

/// The edits of each rewrite of a shell script, or why it cannot be rendered.
pub fn render_batch(text: &str, items: &[(&HttpCall, &RewritePlan)]) -> Vec<R<Vec<Edit>>> {
    let scripts = vec![words::parse(text)];
    let wrappers = wrapper::wrappers(text, &scripts);
    let sites = wrapper_sites(&scripts, &wrappers);
    let facts = Facts::new(text, &scripts);
    items
        .iter()
        .map(|(call, rw)| render_one(text, text, &facts, &sites, call, rw, true))
        .collect()
}

/// What every rewrite of a file asks about it, computed once per file (asking for
/// each command made a script of 32,000 commands quadratic).
struct Facts<'a> {
    scripts: &'a [Script],
    /// Per script: how many commands each (pipeline, command substitution) holds.
    groups: Vec<HashMap<(usize, Option<Span>), usize>>,
    /// Where each line of the layout starts.
    line_starts: Vec<usize>,
    /// `(start, script, command)` of every command, by start.
    by_start: Vec<(usize, usize, usize)>,
    /// The text has CRLF line endings.
    crlf: bool,
}

impl<'a> Facts<'a> {
    fn new(layout: &str, scripts: &'a [Script]) -> Facts<'a> {
        let groups = scripts
            .iter()
            .map(|s| {
                let mut m = HashMap::new();
                for c in &s.commands {
                    *m.entry((c.pipeline, c.subst.clone())).or_insert(0) += 1;
                }
                m
            })
            .collect();
        let mut line_starts = vec![0];
        line_starts.extend(layout.match_indices('\n').map(|(i, _)| i + 1));
        let mut by_start: Vec<(usize, usize, usize)> = scripts
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                s.commands
                    .iter()
                    .enumerate()
                    .map(move |(j, c)| (c.span.start, i, j))
            })
            .collect();
        by_start.sort_unstable();
        Facts {
            scripts,
            groups,
            line_starts,
            by_start,
            crlf: layout.contains("\r\n"),
        }
    }

    /// The command whose curl program word starts at `span.start`, nearest first.
    fn command_at(&self, span: &Span) -> Option<(&'a Script, &'a Command, usize)> {
        let end = self
            .by_start
            .partition_point(|(start, _, _)| *start <= span.start);
        self.by_start[..end].iter().rev().find_map(|&(_, i, j)| {
            let s = &self.scripts[i];
            let c = &s.commands[j];
            (span.start < c.span.end.max(c.span.start + 1))
                .then(|| curl::program_index(c))
                .flatten()
                .filter(|p| c.words[*p].span.start == span.start)
                .map(|p| (s, c, p))
        })
    }

    /// Whether `cmd` of `script` is the only command of its pipeline.
    fn alone(&self, script: &Script, cmd: &Command) -> bool {
        let Some(i) = self.scripts.iter().position(|s| std::ptr::eq(s, script)) else {
            return false;
        };
        self.groups[i]
            .get(&(cmd.pipeline, cmd.subst.clone()))
            .is_some_and(|n| *n == 1)
    }

    /// The start of the line holding `offset`.
    fn line_start(&self, offset: usize) -> usize {
        let i = self.line_starts.partition_point(|s| *s <= offset);
        self.line_starts[i.saturating_sub(1)]
    }
}

/// Every call of a curl wrapper in the scripts, found once per file (looking them up
/// again for each rewrite made large scripts quadratic).
type Site<'a> = (&'a Script, &'a Command, usize, &'a wrapper::Wrapper);

fn wrapper_sites<'a>(scripts: &'a [Script], wrappers: &'a [wrapper::Wrapper]) -> Vec<Site<'a>> {
    scripts
        .iter()
        .flat_map(|s| {
            wrapper::call_sites(s, wrappers)
                .into_iter()
                .map(move |(c, at, w)| (s, c, at, w))
        })
        .collect()
}

/// Renders rewrites of calls found in a Markdown document: `masked` is the document
/// with everything but the shell blocks (`ranges`) blanked, at the same offsets.
pub fn render_document(
    text: &str,
    masked: &str,
    ranges: &[Span],
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<R<Vec<Edit>>> {
    let scripts: Vec<Script> = ranges
        .iter()
        .map(|r| words::parse_range(masked, r.clone()))
        .collect();
    let wrappers = wrapper::wrappers(masked, &scripts);
    let sites = wrapper_sites(&scripts, &wrappers);
    let facts = Facts::new(masked, &scripts);
    items
        .iter()
        .map(|(call, rw)| render_one(text, masked, &facts, &sites, call, rw, false))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn render_one(
    text: &str,
    layout: &str,
    facts: &Facts,
    sites: &[Site],
    call: &HttpCall,
    rw: &RewritePlan,
    script_file: bool,
) -> R<Vec<Edit>> {
    if call.client != Client::Curl {
        return Err(if call.client == Client::Wget {
            "only curl command lines are rewritten automatically, not wget".into()
        } else {
            "only curl command lines are rewritten automatically".into()
        });
    }
    // A call of a function wrapping curl: its curl command with the call's arguments.
    let site = sites
        .iter()
        .find(|(_, c, at, _)| c.words[*at].span.start == call.span.start)
        .copied();
    let synth;
    let mut wrapped = None;
    let (script, cmd, program) = match site {
        Some((s, c, at, w)) => {
            synth = w.expand(c, at).ok_or("the function's parameters are not read")?;
            let p = curl::program_index(&synth).ok_or("the curl command was not found")?;
            wrapped = Some(Wrapped {
                site: c,
                at,
                name: w.name.clone(),
                // The body passes the remaining arguments on (`"$@"`): options can
                // be added at the call.
                pass_through: w.passes_rest(),
                alone: facts
                    .scripts
                    .iter()
                    .filter(|x| x.functions.contains(&w.span))
                    .flat_map(|x| x.commands.iter())
                    .all(|o| {
                    o.span == w.curl.span
                        || !(o.pipeline == w.curl.pipeline && o.subst == w.curl.subst)
                }) && w.curl.subst.is_none(),
            });
            (s, &synth, p)
        }
        None => facts
            .command_at(&call.span)
            .ok_or("a request after `--next` is not rewritten automatically; give it a `curl` command of its own")?,
    };
    if !rw.functions.is_empty() && !script_file {
        let names: Vec<&str> = rw.functions.iter().map(|f| f.name.as_str()).collect();
        return Err(format!(
            "the rewrite needs functions ({}), which a document cannot hold; give the values they compute literally",
            names.join(", ")
        ));
    }
    let line = curl::read(cmd, program);
    if rw.url.is_some() && !line.has("globoff") && url_globs(call) {
        return Err("the URL uses curl's globbing (`[1-3]`, `{a,b}`), so the command sends one request per match; write one command per user first".into());
    }
    let mut r = Renderer {
        facts,
        wrapped: wrapped.as_ref(),
        text,
        layout,
        cmd,
        line: &line,
        edits: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        // New options of a CRLF script go on the command's last line: a `\` that
        // CRLF follows is no continuation for bash.
        multiline: text[cmd.span.clone()].contains("\\\n") && !facts.crlf,
        newline: if text[cmd.span.clone()].contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        },
    };
    let outside = |w: &Wrapped| {
        format!(
            "the request is built by the function `{}`; change it there or call curl directly",
            w.name
        )
    };
    if let Err(e) = r.run(call, rw) {
        return Err(wrapped
            .as_ref()
            .map_or(e.clone(), |w| format!("{} ({e})", outside(w))));
    }
    if let Some(check) = rw
        .check
        .as_ref()
        .filter(|c| !call.response.reads(&c.read_path()))
    {
        match &wrapped {
            Some(w) if !w.alone => {
                return Err(format!(
                    "the function `{}` reads the response itself; check `{}` there",
                    w.name,
                    check.dotted()
                ))
            }
            Some(w) => r.result_check(check, script, w.at, script_file)?,
            None => r.result_check(check, script, program, script_file)?,
        }
    }
    let mut edits = r.finish();
    if let Some(w) = &wrapped {
        let bound = w.site.span.clone();
        if edits
            .iter()
            .any(|e| e.span.start < bound.start || e.span.end > bound.end)
        {
            return Err(outside(w));
        }
    }
    if script_file {
        if let Some(e) = helpers_edit(text, rw)? {
            edits.push(e);
        }
    }
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    for w in edits.windows(2) {
        if w[1].span.start < w[0].span.end {
            return Err("the changes to this command overlap".into());
        }
    }
    // A CRLF script gets CRLF in new lines too, and bash reads the carriage return
    // as part of the line: a `\` continuation or a `{` function head then breaks.
    if script_file && facts.crlf && edits.iter().any(|e| e.content.contains('\n')) {
        return Err("the script has CRLF line endings, which bash would read into the lines this rewrite adds; convert it to LF line endings first".into());
    }
    Ok(edits)
}

/// The call of a wrapper function being rendered.
struct Wrapped<'a> {
    site: &'a Command,
    /// The function name's word in `site`.
    at: usize,
    name: String,
    pass_through: bool,
    /// The body's curl command is alone in its pipeline (its output is the function's).
    alone: bool,
}

struct Renderer<'a> {
    facts: &'a Facts<'a>,
    wrapped: Option<&'a Wrapped<'a>>,
    text: &'a str,
    /// The text as the shell sees it: a Markdown document's masked copy.
    layout: &'a str,
    cmd: &'a Command,
    line: &'a CurlLine,
    edits: Vec<Edit>,
    /// New options, appended after the last word.
    added: Vec<String>,
    /// Word indices already removed.
    removed: Vec<usize>,
    multiline: bool,
    /// The line ending of the command's continuation lines.
    newline: &'static str,
}

impl Renderer<'_> {
    fn run(&mut self, call: &HttpCall, rw: &RewritePlan) -> R<()> {
        let get = self.line.opts.iter().find(|o| o.name == "get");
        let form_from_query = matches!(rw.body, Some(NewBody::Form(_)));
        // -G sends the data as the query: a form body must lose it.
        let mut drop_get = false;
        if let Some(g) = get {
            if form_from_query || rw.drop_query || matches!(rw.body, Some(NewBody::None)) {
                let flag = &self.cmd.words[g.flag];
                if !matches!(flag.literal().as_deref(), Some("-G" | "--get")) {
                    return Err("`-G` is combined with other flags; split it first".into());
                }
                self.remove(g.flag, g.flag);
                drop_get = true;
            }
        }
        let has_data = self.line.opts.iter().any(|o| curl::DATA.contains(&o.name));
        let data_after = match &rw.body {
            Some(NewBody::None) => false,
            Some(NewBody::Json(_)) | Some(NewBody::Form(_)) => true,
            None => has_data,
        };
        let get_after = get.is_some() && !drop_get;
        let implied_after = if data_after && !get_after {
            "POST"
        } else {
            "GET"
        };
        // Method.
        if let Some(m) = &rw.method {
            let explicit = self.line.opts.iter().rev().find(|o| o.name == "request");
            match explicit.and_then(|o| o.arg.as_ref().map(|a| (o, a))) {
                Some((o, arg)) => {
                    if arg.literal().is_none_or(|l| !l.eq_ignore_ascii_case(m)) {
                        if arg.separate {
                            self.replace_word(arg.word, m.clone());
                        } else {
                            let span = arg.span.clone();
                            self.edits.push(Edit {
                                span,
                                content: m.clone(),
                            });
                        }
                    }
                    let _ = o;
                }
                None => {
                    if !m.eq_ignore_ascii_case(implied_after) {
                        let at = self.cmd.words[self.line.program].span.end;
                        self.edits.push(Edit {
                            span: at..at,
                            content: format!(" -X {m}"),
                        });
                    }
                }
            }
        }
        // URL.
        let url_word = self.url_word().ok_or("the URL was not found")?;
        let query_drops = rw.drop_query
            || rw
                .drop_params
                .iter()
                .any(|d| self.query_keys(url_word).contains(d));
        if rw.url.is_some() || query_drops {
            match self.site_part(url_word) {
                // `"$BASE$2"`: the call's argument is rewritten, the function's prefix kept.
                Some(sub) => {
                    let (first, last) = (sub.parts.first(), sub.parts.last());
                    if let (Some(cut), Some(a), Some(b)) =
                        (rw.url.as_ref().and_then(|u| u.cut), first, last)
                    {
                        if cut < a.span().start || cut > b.span().end {
                            return Err("the URL's path starts in the function".into());
                        }
                    }
                    let new = self.url_text(&sub, rw)?;
                    self.edits.push(Edit {
                        span: sub.span,
                        content: new,
                    });
                }
                None => {
                    let new = self.url_text(&self.cmd.words[url_word], rw)?;
                    self.replace_word(url_word, new);
                }
            }
        }
        // Headers.
        for (name, parts) in &rw.set_headers {
            let mut header = vec![Part::Lit(format!("{name}: "))];
            header.extend(parts.iter().cloned());
            let value = render_parts(&header, true)?;
            let existing: Vec<&curl::Opt> = self
                .line
                .opts
                .iter()
                .filter(|o| {
                    o.name == "header"
                        && header_name(o).is_some_and(|n| n.eq_ignore_ascii_case(name))
                })
                .collect();
            let arg = shell_word(&value, &header);
            match existing.split_first() {
                Some((first, rest)) => {
                    let a = first.arg.as_ref().expect("a header has an argument");
                    if a.separate {
                        self.replace_word(a.word, arg);
                    } else {
                        self.replace_word(first.flag, format!("-H {arg}"));
                    }
                    for o in rest {
                        self.remove_opt(o);
                    }
                }
                None => self.added.push(format!("-H {arg}")),
            }
        }
        for name in &rw.remove_headers {
            let found: Vec<curl::Opt> = self
                .line
                .opts
                .iter()
                .filter(|o| {
                    o.name == "header"
                        && header_name(o).is_some_and(|n| n.eq_ignore_ascii_case(name))
                })
                .cloned()
                .collect();
            for o in &found {
                self.remove_opt(o);
            }
        }
        // Body.
        let data: Vec<curl::Opt> = self
            .line
            .opts
            .iter()
            .filter(|o| curl::DATA.contains(&o.name))
            .cloned()
            .collect();
        match &rw.body {
            Some(NewBody::None) => {
                for o in &data {
                    self.remove_opt(o);
                }
            }
            Some(NewBody::Json(v)) => {
                if self.cmd.heredoc.is_some() || self.cmd.herestring.is_some() {
                    return Err("the body comes from a here-document; replace it by hand".into());
                }
                for o in &data {
                    self.remove_opt(o);
                }
                self.added.push(format!("-d {}", json_word(v)?));
            }
            Some(NewBody::Form(fields)) => {
                // Fields already sent as data stay; those from the URL query are added.
                let mut have: Vec<String> =
                    call.query.entries.iter().map(|f| f.key.clone()).collect();
                if let Some(crate::call::Body::Form { fields }) = &call.body {
                    have.extend(fields.entries.iter().map(|f| f.key.clone()));
                }
                if get.is_some() && !drop_get {
                    return Err("the data is sent with -G".into());
                }
                for (k, v) in fields {
                    if have.contains(k) {
                        continue;
                    }
                    // The pair as written in the URL (already URL-encoded, holes kept).
                    let pair: Vec<Part> = match self.query_pair(url_word, k) {
                        Some(p) => p,
                        None => {
                            let RValue::Str(parts) = v else {
                                return Err(format!("`{k}` is not a string"));
                            };
                            let mut p = vec![Part::Lit(format!("{k}="))];
                            p.extend(parts.iter().cloned());
                            p
                        }
                    };
                    let text = render_parts(&pair, true)?;
                    self.added.push(format!("-d {}", shell_word(&text, &pair)));
                }
            }
            None => {
                if !rw.drop_params.is_empty() {
                    for o in &data {
                        self.drop_data_params(o, &rw.drop_params)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// For a wrapper's call, when the URL word is written in the function and ends with
    /// one whole argument of the call (`"$BASE$2"`): that argument's word.
    fn site_part(&self, word: usize) -> Option<words::Word> {
        let w = self.wrapped?;
        let bound = &w.site.span;
        let url = &self.cmd.words[word];
        if bound.start <= url.span.start && url.span.end <= bound.end {
            return None;
        }
        let inside = |p: &WordPart| bound.start <= p.span().start && p.span().end <= bound.end;
        let first = url.parts.iter().position(inside)?;
        let tail = &url.parts[first..];
        if !tail.iter().all(inside) {
            return None;
        }
        w.site.words[w.at + 1..]
            .iter()
            .find(|a| a.parts.as_slice() == tail)
            .cloned()
    }

    fn url_word(&self) -> Option<usize> {
        match self.line.opts.iter().find(|o| o.name == "url") {
            Some(o) => o.arg.as_ref().filter(|a| a.separate).map(|a| a.word),
            None => self.line.urls.first().copied(),
        }
    }

    /// The `key=value` pair of the URL word's query, as parts.
    fn query_pair(&self, word: usize, key: &str) -> Option<Vec<Part>> {
        let (_, query) = curl::split_once(&self.cmd.words[word].parts, '?')?;
        curl::split_all(&query, '&').into_iter().find_map(|pair| {
            let k = match pair.first() {
                Some(WordPart::Lit { text, .. }) => text.split('=').next().unwrap_or(""),
                _ => "",
            };
            (k == key).then(|| parts_of(&pair))
        })
    }

    fn query_keys(&self, word: usize) -> Vec<String> {
        let parts = &self.cmd.words[word].parts;
        let Some((_, query)) = curl::split_once(parts, '?') else {
            return Vec::new();
        };
        curl::split_all(&query, '&')
            .iter()
            .filter_map(|p| match p.first() {
                Some(WordPart::Lit { text, .. }) => {
                    Some(text.split('=').next().unwrap_or("").to_string())
                }
                _ => None,
            })
            .collect()
    }

    /// The new URL word: the kept prefix as written, the new path, the kept query.
    fn url_text(&self, w: &words::Word, rw: &RewritePlan) -> R<String> {
        let (path_parts, query) = match curl::split_once(&w.parts, '?') {
            Some((a, b)) => (a, Some(b)),
            None => (w.parts.clone(), None),
        };
        let mut out: Vec<Part> = Vec::new();
        match &rw.url {
            Some(nu) => {
                let cut = nu.cut.ok_or("the URL's path is not written literally")?;
                // The path starts in a variable's value written elsewhere
                // (`BASE=https://…/api/2.0`, then `"$BASE/users/$1"`): cutting this word
                // would drop the origin.
                if !(w.span.start <= cut && cut <= w.span.end) {
                    return Err(
                        "the URL's path starts in a variable set elsewhere; rewrite it by hand"
                            .into(),
                    );
                }
                let mut found = false;
                for p in &path_parts {
                    match p {
                        WordPart::Lit {
                            text, span, exact, ..
                        } => {
                            if span.start <= cut && cut <= span.end {
                                if !exact {
                                    return Err("the URL has escapes where it must be cut".into());
                                }
                                out.push(Part::Lit(text[..cut - span.start].to_string()));
                                found = true;
                                break;
                            }
                            out.push(Part::Lit(text.clone()));
                        }
                        WordPart::Expansion { expr, span, .. } => {
                            if span.start >= cut {
                                found = true;
                                break;
                            }
                            out.push(Part::Source {
                                text: expr.clone(),
                                span: span.clone(),
                            });
                        }
                    }
                }
                if !found {
                    return Err(
                        "the URL's path starts in a variable set elsewhere; rewrite it by hand"
                            .into(),
                    );
                }
                out.extend(nu.path.iter().cloned());
            }
            None => out.extend(parts_of(&path_parts)),
        }
        if let Some(q) = query {
            if !rw.drop_query {
                let kept: Vec<Vec<WordPart>> = curl::split_all(&q, '&')
                    .into_iter()
                    .filter(|pair| {
                        let key = match pair.first() {
                            Some(WordPart::Lit { text, .. }) => {
                                text.split('=').next().unwrap_or("")
                            }
                            _ => "",
                        };
                        !pair.is_empty() && !rw.drop_params.iter().any(|d| d == key)
                    })
                    .collect();
                for (i, pair) in kept.iter().enumerate() {
                    out.push(Part::Lit(if i == 0 { "?" } else { "&" }.into()));
                    out.extend(parts_of(pair));
                }
            }
        }
        let rendered = render_parts(&out, true)?;
        Ok(shell_word(&rendered, &out))
    }

    /// Removes parameters from a data option (`-d a=1&b=2`, `--data-urlencode k=v`).
    fn drop_data_params(&mut self, o: &curl::Opt, drop: &[String]) -> R<()> {
        let Some(arg) = &o.arg else { return Ok(()) };
        let pairs = if o.name == "data-urlencode" || o.name.starts_with("form") {
            vec![arg.parts.clone()]
        } else {
            curl::split_all(&arg.parts, '&')
        };
        let key = |p: &Vec<WordPart>| match p.first() {
            Some(WordPart::Lit { text, .. }) => text.split('=').next().unwrap_or("").to_string(),
            _ => String::new(),
        };
        let kept: Vec<&Vec<WordPart>> = pairs.iter().filter(|p| !drop.contains(&key(p))).collect();
        if kept.len() == pairs.len() {
            return Ok(());
        }
        if kept.is_empty() {
            self.remove_opt(o);
            return Ok(());
        }
        if !arg.separate {
            return Err("a data option to change is attached to its flag".into());
        }
        let mut parts = Vec::new();
        for (i, p) in kept.iter().enumerate() {
            if i > 0 {
                parts.push(Part::Lit("&".into()));
            }
            parts.extend(parts_of(p));
        }
        let text = render_parts(&parts, true)?;
        self.replace_word(arg.word, shell_word(&text, &parts));
        Ok(())
    }

    fn replace_word(&mut self, word: usize, content: String) {
        self.edits.push(Edit {
            span: self.cmd.words[word].span.clone(),
            content,
        });
    }

    /// Removes words `from..=to`, with the blanks (and continuation) before them.
    fn remove(&mut self, from: usize, to: usize) {
        if (from..=to).any(|i| self.removed.contains(&i)) {
            return;
        }
        self.removed.extend(from..=to);
        let mut start = self.cmd.words[from - 1].span.end;
        if let Some(w) = self.wrapped {
            // The word before is in the function: the blanks before this one.
            let at = self.cmd.words[from].span.start;
            if start > at || start < w.site.span.start {
                start = self.text[..at].trim_end_matches([' ', '\t']).len();
            }
        }
        self.edits.push(Edit {
            span: start..self.cmd.words[to].span.end,
            content: String::new(),
        });
    }

    fn remove_opt(&mut self, o: &curl::Opt) {
        let to = o.arg.as_ref().map_or(o.flag, |a| a.word);
        self.remove(o.flag, to);
    }

    /// Pipes the response into the plan's check of a field of the body.
    fn result_check(
        &mut self,
        check: &ResultCheck,
        script: &Script,
        program: usize,
        script_file: bool,
    ) -> R<()> {
        let cmd = self.cmd;
        let alone = self.facts.alone(script, cmd);
        let after = self.text[cmd.span.end..]
            .trim_start_matches([' ', '\t'])
            .chars()
            .next();
        if program != 0
            || cmd.subst.is_some()
            || !alone
            || !matches!(after, None | Some('\n' | '\r' | '#' | ';'))
            || cmd.stdout_redirected
            || self.line.next.is_some()
            || self.line.opts.iter().any(|o| o.name == "output")
        {
            return Err(format!(
                "{} and the response is not checked here; check `{}` by hand",
                check.why,
                check.dotted()
            ));
        }
        let expected = match &check.expected {
            RValue::Bool(b) => b.to_string(),
            RValue::Num(n) => n.clone(),
            RValue::Str(p) => match p.as_slice() {
                [Part::Lit(t)] => format!("\"{}\"", grep_escape(t)),
                _ => return Err("the check compares with a value that is not literal".into()),
            },
            _ => return Err("the check compares with a value that is not literal".into()),
        };
        let grep = format!(
            "| grep -Eq '\"{}\"[[:space:]]*:[[:space:]]*{expected}'",
            grep_escape(check.field())
        );
        let failure = check.failure().replace('\'', "'\\''");
        // A script stops on failure; a command copied from a document into an
        // interactive shell must not close that shell, so it only says so.
        let check = if script_file {
            format!("{grep} || {{ echo '{failure}' >&2; exit 1; }}")
        } else {
            format!("{grep} || echo '{failure}' >&2")
        };
        self.added.push(format!("\u{0}{check}"));
        Ok(())
    }

    /// New options go after the last word (before any redirection, which may be
    /// `&>/dev/null`); the result check, a `|` into `grep`, after the redirections.
    fn finish(mut self) -> Vec<Edit> {
        if self.added.is_empty() {
            return self.edits;
        }
        let indent = self.indent();
        let mut options = String::new();
        let mut check = String::new();
        for a in &self.added {
            let (into, a) = match a.strip_prefix('\u{0}') {
                Some(a) => (&mut check, a),
                None => (&mut options, a.as_str()),
            };
            if self.multiline {
                into.push_str(&format!(" \\{}{indent}{a}", self.newline));
            } else {
                into.push(' ');
                into.push_str(a);
            }
        }
        let mut last_word = self.cmd.words[..self.line.end]
            .last()
            .map_or(self.cmd.span.end, |w| w.span.end);
        if let Some(w) = self.wrapped.filter(|w| w.pass_through) {
            last_word = w.site.words.last().map_or(last_word, |x| x.span.end);
        }
        let end = self.cmd.span.end;
        if last_word == end {
            options.push_str(&check);
            check.clear();
        }
        for (at, content) in [(last_word, options), (end, check)] {
            if !content.is_empty() {
                self.edits.push(Edit {
                    span: at..at,
                    content,
                });
            }
        }
        self.edits
    }

    /// The indentation of the command's continuation lines: what precedes the text of
    /// its second line (or of its own line, plus two spaces), Markdown quote markers
    /// (`> `, blank in the layout) included.
    fn indent(&self) -> String {
        let src = &self.layout[self.cmd.span.clone()];
        let (line_start, own) = match src.find('\n') {
            Some(nl) => (self.cmd.span.start + nl + 1, false),
            None => (self.facts.line_start(self.cmd.span.start), true),
        };
        let len = self.layout[line_start..]
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .count();
        let end = line_start + len;
        let prefix = if self.text.is_char_boundary(end) {
            &self.text[line_start..end]
        } else {
            &self.layout[line_start..end]
        };
        if own {
            format!("{prefix}  ")
        } else {
            prefix.to_string()
        }
    }
}

/// Whether the URL's literal text has a curl glob: a range `[1-3]` or a list `{a,b}`.
fn url_globs(call: &HttpCall) -> bool {
    static GLOB: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\[[^\]/]*-[^\]/]*\]|\{[^{}/]*,[^{}]*\}").expect("valid")
    });
    let glob = &*GLOB;
    call.url.pieces.iter().any(|p| match p {
        Piece::Lit { text, .. } => glob.is_match(text),
        Piece::Hole { .. } => false,
    })
}

fn header_name(o: &curl::Opt) -> Option<String> {
    let a = o.arg.as_ref()?;
    let (name, _) = curl::split_once(&a.parts, ':')?;
    let mut out = String::new();
    for p in name {
        match p {
            WordPart::Lit { text, .. } => out.push_str(&text),
            WordPart::Expansion { .. } => return None,
        }
    }
    Some(out.trim().to_string())
}

fn parts_of(parts: &[WordPart]) -> Vec<Part> {
    parts
        .iter()
        .map(|p| match p {
            WordPart::Lit { text, .. } => Part::Lit(text.clone()),
            WordPart::Expansion { expr, span, .. } => Part::Source {
                text: expr.clone(),
                span: span.clone(),
            },
        })
        .collect()
}

fn is_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `parts` as the inside of a double-quoted shell string (`dq`), holes as expansions.
fn render_parts(parts: &[Part], dq: bool) -> R<String> {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        let next_is_name = match parts.get(i + 1) {
            Some(Part::Lit(t)) => t.chars().next().is_some_and(is_name),
            _ => false,
        };
        match p {
            Part::Lit(t) => {
                if dq {
                    for c in t.chars() {
                        if matches!(c, '"' | '\\' | '$' | '`') {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                } else {
                    out.push_str(t);
                }
            }
            Part::Source { text, .. } => {
                let plain = text
                    .strip_prefix('$')
                    .filter(|n| n.chars().all(is_name) && !n.is_empty());
                match plain {
                    Some(name) if next_is_name => out.push_str(&format!("${{{name}}}")),
                    _ => out.push_str(text),
                }
            }
            Part::Env(name) => out.push_str(&format!("${{{name}}}")),
            Part::Call { function, args } => {
                out.push_str(&format!("$({function}"));
                for a in args {
                    out.push_str(&format!(" \"{}\"", render_parts(a, true)?));
                }
                out.push(')');
            }
            Part::Param(name) => return Err(format!("`{name}` is no name here")),
        }
    }
    Ok(out)
}

/// A shell word for a value: single-quoted when it is all literal (and has no `'`),
/// else double-quoted (`rendered` is already escaped for double quotes).
fn shell_word(rendered: &str, parts: &[Part]) -> String {
    let literal: Option<String> = parts
        .iter()
        .map(|p| match p {
            Part::Lit(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    match literal {
        Some(l) if !l.contains('\'') => format!("'{l}'"),
        _ => format!("\"{rendered}\""),
    }
}

enum Seg {
    Lit(String),
    Hole(String),
}

fn json_segs(v: &RValue, out: &mut Vec<Seg>) -> R<()> {
    let lit = |out: &mut Vec<Seg>, s: &str| match out.last_mut() {
        Some(Seg::Lit(t)) => t.push_str(s),
        _ => out.push(Seg::Lit(s.to_string())),
    };
    match v {
        RValue::Str(parts) => {
            lit(out, "\"");
            for p in parts {
                match p {
                    Part::Lit(t) => {
                        let j = serde_json::to_string(t).expect("strings serialise");
                        lit(out, &j[1..j.len() - 1]);
                    }
                    other => out.push(Seg::Hole(render_parts(std::slice::from_ref(other), true)?)),
                }
            }
            lit(out, "\"");
        }
        RValue::Bool(b) => lit(out, &b.to_string()),
        RValue::Num(n) => lit(out, n),
        RValue::Null => lit(out, "null"),
        RValue::Array(items) => {
            lit(out, "[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    lit(out, ", ");
                }
                json_segs(item, out)?;
            }
            lit(out, "]");
        }
        RValue::Object(entries) => {
            lit(out, "{");
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    lit(out, ", ");
                }
                lit(out, &serde_json::to_string(k).expect("strings serialise"));
                lit(out, ": ");
                json_segs(v, out)?;
            }
            lit(out, "}");
        }
    }
    Ok(())
}

/// A JSON body as one shell word: literal runs single-quoted, run-time values
/// double-quoted between them.
fn json_word(v: &RValue) -> R<String> {
    let mut segs = Vec::new();
    json_segs(v, &mut segs)?;
    let mut out = String::new();
    for s in segs {
        match s {
            Seg::Lit(t) => {
                out.push('\'');
                out.push_str(&t.replace('\'', "'\\''"));
                out.push('\'');
            }
            Seg::Hole(h) => {
                out.push('"');
                out.push_str(&h);
                out.push('"');
            }
        }
    }
    Ok(out)
}

/// The plan's functions the script does not define yet, once per script, after its
/// opening lines.
fn helpers_edit(text: &str, rw: &RewritePlan) -> R<Option<Edit>> {
    let mut blocks: Vec<String> = Vec::new();
    for f in rw.functions_to_insert(text, |f| format!("{}()", f.name)) {
        blocks.push(function_block(f).ok_or_else(|| {
            format!(
                "the function `{}` cannot be written as a shell function",
                f.name
            )
        })?);
    }
    if blocks.is_empty() {
        return Ok(None);
    }
    let at = insertion_point(text, &rw.functions);
    let mut edit = crate::frontend::insert::module_code(text, at, &blocks, 1);
    if crate::model::text::tab_indented(text) {
        edit.content = crate::model::text::tabify(&edit.content, 2);
    }
    Ok(Some(edit))
}

/// A function plan as a shell function around one curl command; its parameters are
/// the positional arguments, its value what it prints.
fn function_block(f: &FunctionPlan) -> Option<String> {
    // Parameters are `$1`, `$2`, … in a double-quoted word.
    let dq = |parts: &[Part]| -> Option<String> {
        let mut out = String::new();
        for p in parts {
            match p {
                Part::Lit(t) => out.push_str(&dq_escape(t)),
                Part::Param(n) => {
                    out.push_str(&format!("${}", f.params.iter().position(|x| x == n)? + 1))
                }
                Part::Env(e) => out.push_str(&format!("${{{e}}}")),
                Part::Call { function, args } => {
                    out.push_str(&format!("$({function}"));
                    for a in args {
                        let inner: Option<String> = a
                            .iter()
                            .map(|p| match p {
                                Part::Param(n) => {
                                    Some(format!("${}", f.params.iter().position(|x| x == n)? + 1))
                                }
                                Part::Lit(t) => Some(dq_escape(t)),
                                _ => None,
                            })
                            .collect();
                        out.push_str(&format!(" \"{}\"", inner?));
                    }
                    out.push(')');
                }
                Part::Source { .. } => return None,
            }
        }
        Some(out)
    };
    let mut lines = Vec::new();
    let url = format!("\"$1{}\"", dq_escape(&f.path));
    if f.method == "GET" && !f.query.is_empty() {
        let mut line = format!("  curl -sS --fail-with-body -G {url}");
        for (k, v) in &f.query {
            line.push_str(&format!(
                " --data-urlencode \"{}={}\"",
                dq_escape(k),
                dq(v)?
            ));
        }
        lines.push(line);
    } else if f.method == "GET" {
        lines.push(format!("  curl -sS --fail-with-body {url}"));
    } else {
        lines.push(format!("  curl -sS --fail-with-body -X {} {url}", f.method));
    }
    if !f.body.is_empty() {
        lines.push("    -H 'Content-Type: application/json'".to_string());
    }
    for (k, v) in &f.headers {
        let line = match v.as_slice() {
            [Part::Lit(t)] if !t.contains('\'') => format!("    -H '{k}: {t}'"),
            _ => format!("    -H \"{}: {}\"", dq_escape(k), dq(v)?),
        };
        lines.push(line);
    }
    if !f.body.is_empty() {
        // `'{"a": "'"${X}"'"}'`: the JSON in single quotes, variables spliced in.
        let mut json = String::from("{");
        for (i, (k, v)) in f.body.iter().enumerate() {
            if i > 0 {
                json.push_str(", ");
            }
            json.push_str(&format!("\"{k}\": "));
            match v {
                RValue::Str(parts) => {
                    json.push('"');
                    for p in parts {
                        match p {
                            Part::Lit(t) => json.push_str(&t.replace('\'', "'\\''")),
                            Part::Env(e) => json.push_str(&format!("'\"${e}\"'")),
                            Part::Param(n) => json.push_str(&format!(
                                "'\"${}\"'",
                                f.params.iter().position(|x| x == n)? + 1
                            )),
                            _ => return None,
                        }
                    }
                    json.push('"');
                }
                RValue::Bool(b) => json.push_str(&b.to_string()),
                RValue::Num(n) => json.push_str(n),
                RValue::Null => json.push_str("null"),
                _ => return None,
            }
        }
        json.push('}');
        lines.push(format!("    -d '{json}'"));
    }
    let field = grep_escape(f.returns.field());
    lines.push(match &f.returns {
        Returns::Field(_) => format!(
            "    | sed -n 's/.*\"{field}\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p'"
        ),
        Returns::FirstItemField { .. } => format!(
            "    | grep -o '\"{field}\"[[:space:]]*:[[:space:]]*\"[^\"]*\"' | sed -n '1s/.*\"\\([^\"]*\\)\"$/\\1/p'"
        ),
    });
    Some(format!(
        "# {}.\n{}() {{\n{}\n}}",
        f.doc,
        f.name,
        lines.join(" \\\n")
    ))
}

/// Text inside a double-quoted word.
fn dq_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text matched literally by `grep -E` and `sed` (in single quotes).
fn grep_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(
            c,
            '.' | '['
                | ']'
                | '('
                | ')'
                | '*'
                | '+'
                | '?'
                | '{'
                | '}'
                | '|'
                | '^'
                | '$'
                | '\\'
                | '/'
        ) {
            out.push('\\');
        }
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out
}

/// After the helpers already there, else after the shebang, the opening comments and
/// `set` lines.
fn insertion_point(text: &str, functions: &[FunctionPlan]) -> usize {
    let mut after_helper = None;
    let mut at = 0;
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        at += line.len();
        if functions
            .iter()
            .any(|f| line.starts_with(&format!("{}()", f.name)))
        {
            inside = true;
        }
        if inside && line.trim_end() == "}" {
            inside = false;
            after_helper = Some(at);
        }
    }
    if let Some(at) = after_helper {
        return at;
    }
    let mut at = 0;
    let mut best = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('#') || t.is_empty() || t.starts_with("set ") || t.starts_with("shopt ") {
            at += line.len();
            if !t.is_empty() {
                best = at;
            }
        } else {
            break;
        }
    }
    if best == 0 {
        // No header: after the leading blank lines, which stay first.
        return text.len() - text.trim_start_matches(['\n', '\r']).len();
    }
    best
}
