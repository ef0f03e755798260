//! Renders a [`RewritePlan`] as format-preserving edits of a Bruno request file. Only
//! what changes is edited, in the file's own layout (its indentation and line ending):
//! the method block's name (`delete {` → `post {`), its `url:` (kept as written up to
//! the rewrite's cut, so `{{baseUrl}}` stays), `body:` and `auth:` lines; entries of
//! `headers {` (value replaced, line removed, or a line added at the block's end),
//! `params:query {` and `params:path {` entries the new URL no longer has; the body
//! block (`body:json {` laid out with the file's indentation, `body:form-urlencoded {`),
//! replaced, added or removed; and the plan's response check as a test in `tests {`.
//! A block that is missing is added where Bruno writes it (headers after the method
//! and params blocks, the body after the headers and auth blocks, tests near the end);
//! a block left empty is removed.
//!
//! A request file holds no code, so run-time values are variables: an environment
//! variable `NAME` is `{{process.env.NAME}}` (the collection's `.env`), and a value the
//! plan gets from one of its functions (a token, an id lookup) is the variable named
//! after the function (`{{acme_token}}`), which the user sets (in an environment, or
//! from a request's script) before sending the request.

use super::{blocks, pairs, Block, METHODS};
use crate::call::{HttpCall, Span};
use crate::finding::Edit;
use crate::model::plan::{NewBody, Part, RValue, ResultCheck, RewritePlan};
use crate::model::text::uses_crlf;
use serde::Serialize;
use serde_json::Value as JV;

type R<T> = Result<T, String>;

/// The edits of each rewrite, or why it cannot be rendered.
pub fn render_batch(text: &str, items: &[(&HttpCall, &RewritePlan)]) -> Vec<R<Vec<Edit>>> {
    let file = File::of(text);
    items
        .iter()
        .map(|(call, rw)| file.render(call, rw))
        .collect()
}

/// A request file's blocks and layout, read once.
struct File<'a> {
    text: &'a str,
    blocks: Vec<Block>,
    nl: &'static str,
    /// The indentation of a block's entries (two spaces when the file shows none).
    unit: String,
}

/// Where Bruno writes a block, in file order.
fn rank(name: &str) -> u8 {
    match name {
        "meta" => 0,
        n if METHODS.contains(&n) => 1,
        "params:query" => 2,
        "params:path" => 3,
        "headers" => 4,
        n if n.starts_with("auth") => 5,
        n if n.starts_with("body") => 6,
        n if n.starts_with("vars") => 7,
        "assert" => 8,
        n if n.starts_with("script") => 9,
        "tests" => 10,
        "docs" => 11,
        _ => 12,
    }
}

/// The lines of a block's body: each line's span (with its line break) and its text.
fn lines<'t>(text: &'t str, b: &Block) -> Vec<(Span, &'t str)> {
    super::line_spans(&text[b.body.clone()])
        .into_iter()
        .map(|l| {
            let span = b.body.start + l.start..b.body.start + l.end;
            let t = text[span.clone()].trim_end_matches(['\n', '\r']);
            (span, t)
        })
        .collect()
}

/// An entry line's key (a disabled `~key` without its `~`).
fn entry_key(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let t = t.strip_prefix('~').unwrap_or(t);
    let (k, _) = t.split_once(':')?;
    Some(k.trim())
}

/// The edits a rewrite makes, before they are merged.
#[derive(Default)]
struct Out {
    edits: Vec<Edit>,
    /// New blocks: where, their rank, their text.
    blocks: Vec<(usize, u8, String)>,
    /// Indices of blocks removed whole.
    removed: Vec<usize>,
}

impl<'a> File<'a> {
    fn of(text: &'a str) -> File<'a> {
        let blocks = blocks(text);
        let unit = blocks
            .iter()
            .flat_map(|b| lines(text, b))
            .find_map(|(_, l)| {
                let ws: String = l.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
                (!ws.is_empty() && ws.len() < l.len()).then_some(ws)
            })
            .unwrap_or_else(|| "  ".into());
        File {
            text,
            blocks,
            nl: if uses_crlf(text) { "\r\n" } else { "\n" },
            unit,
        }
    }

    fn block(&self, name: &str) -> Option<(usize, &Block)> {
        self.blocks.iter().enumerate().find(|(_, b)| b.name == name)
    }

    /// The end of a block: after its closing line's break.
    fn block_end(&self, b: &Block) -> usize {
        let at = b.body.end;
        self.text[at..]
            .find('\n')
            .map_or(self.text.len(), |i| at + i + 1)
    }

    /// The span removing block `b` with the blank lines before it (after it, for the
    /// file's first block).
    fn remove_block(&self, b: &Block) -> Span {
        let text = self.text;
        let mut start = b.name_span.start;
        while start > 0 {
            let prev = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
            if !text[prev..start].trim().is_empty() {
                break;
            }
            start = prev;
        }
        let mut end = self.block_end(b);
        if start == 0 {
            while end < text.len() {
                let next = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
                if !text[end..next].trim().is_empty() {
                    break;
                }
                end = next;
            }
        }
        start..end
    }

    /// The indentation of a block's entries.
    fn indent_of(&self, b: &Block) -> String {
        lines(self.text, b)
            .iter()
            .find(|(_, l)| !l.trim().is_empty())
            .map(|(_, l)| l.chars().take_while(|c| *c == ' ' || *c == '\t').collect())
            .filter(|s: &String| !s.is_empty())
            .unwrap_or_else(|| self.unit.clone())
    }

    /// The text of a new block `name` holding `body` lines (each already indented).
    fn new_block(&self, name: &str, body: &[String]) -> String {
        let nl = self.nl;
        let mut s = format!("{name} {{{nl}");
        for l in body {
            s.push_str(l);
            s.push_str(nl);
        }
        s.push('}');
        s.push_str(nl);
        s
    }

    fn render(&self, call: &HttpCall, rw: &RewritePlan) -> R<Vec<Edit>> {
        let text = self.text;
        let (req_i, req) = self
            .blocks
            .iter()
            .enumerate()
            .find(|(_, b)| METHODS.contains(&b.name.as_str()))
            .ok_or("the file has no request block")?;
        let url = pairs(text, &req.body)
            .into_iter()
            .find(|(k, _)| &text[k.clone()] == "url")
            .map(|(_, v)| v)
            .filter(|v| *v == call.span)
            .ok_or("the request was not found in the file")?;
        let mut out = Out::default();

        // Method.
        if let Some(m) = &rw.method {
            if !req.name.eq_ignore_ascii_case(m) {
                let m = m.to_ascii_lowercase();
                if !METHODS.contains(&m.as_str()) {
                    return Err(format!("Bruno has no `{m}` request block"));
                }
                out.edits.push(Edit {
                    span: req.name_span.clone(),
                    content: m,
                });
            }
        }

        // URL, then the params blocks in step with it.
        let new_url = self.url(call, &url, rw)?;
        let old_url = &text[url.clone()];
        if new_url != old_url {
            // From the first byte that changes: what is kept (`{{baseUrl}}`, which may be
            // set in an environment) is not touched.
            let same = old_url
                .char_indices()
                .zip(new_url.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((i, a), _)| i + a.len_utf8());
            out.edits.push(Edit {
                span: url.start + same..url.end,
                content: new_url[same..].to_string(),
            });
        }
        let dropped = |k: &str| rw.drop_query || rw.drop_params.iter().any(|d| d == k);
        self.drop_entries(&mut out, "params:query", &dropped);
        let path = new_url.split(['?', '#']).next().unwrap_or("");
        let gone = |k: &str| !path.split('/').any(|s| s.strip_prefix(':') == Some(k));
        self.drop_entries(&mut out, "params:path", &gone);

        // The method block's `body:` and `auth:` modes.
        let mode = match &rw.body {
            Some(NewBody::None) => Some("none"),
            Some(NewBody::Json(_)) => Some("json"),
            Some(NewBody::Form(_)) => Some("formUrlEncoded"),
            None => None,
        };
        let sets_auth = rw
            .set_headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("Authorization"));
        let req_pairs = pairs(text, &req.body);
        let pair = |key: &str| req_pairs.iter().find(|(k, _)| &text[k.clone()] == key);
        if let Some(mode) = mode {
            match pair("body") {
                Some((_, v)) if &text[v.clone()] != mode => out.edits.push(Edit {
                    span: v.clone(),
                    content: mode.into(),
                }),
                Some(_) => {}
                None if mode == "none" => {}
                None => {
                    // After the `url:` line, in its indentation.
                    let line_end = text[url.end..]
                        .find('\n')
                        .map_or(text.len(), |i| url.end + i + 1);
                    let ind = line_indent(text, url.start);
                    let lead = if text[..line_end].ends_with('\n') {
                        ""
                    } else {
                        self.nl
                    };
                    out.edits.push(Edit {
                        span: line_end..line_end,
                        content: format!("{lead}{ind}body: {mode}{}", self.nl),
                    });
                }
            }
        }
        if sets_auth {
            // The request's own auth mode would send its own `Authorization`.
            if let Some((_, v)) = pair("auth") {
                if &text[v.clone()] != "none" {
                    out.edits.push(Edit {
                        span: v.clone(),
                        content: "none".into(),
                    });
                }
            }
        }

        // Headers.
        let mut set: Vec<(String, String)> = Vec::new();
        for (name, parts) in &rw.set_headers {
            set.push((name.clone(), parts_text(parts)?));
        }
        self.headers(&mut out, rw, &set);

        // Body.
        if let Some(body) = &rw.body {
            self.body(&mut out, body)?;
        }

        // The response check.
        if let Some(check) = &rw.check {
            self.check(&mut out, check);
        }

        self.finish(out, req_i)
    }

    /// The new `url:` value.
    fn url(&self, call: &HttpCall, url: &Span, rw: &RewritePlan) -> R<String> {
        let text = self.text;
        let word = &text[url.clone()];
        if rw.url.is_none() && !rw.drop_query && rw.drop_params.is_empty() {
            return Ok(word.to_string());
        }
        if word.contains('#') {
            return Err("the URL has a fragment".into());
        }
        let (path_end, query) = match word.find('?') {
            Some(i) => (i, Some(&word[i + 1..])),
            None => (word.len(), None),
        };
        let mut new = match &rw.url {
            Some(nu) => {
                let cut = nu.cut.ok_or("the URL's path is not written literally")?;
                let path = parts_text(&nu.path)?;
                if url.start <= cut && cut <= url.start + path_end {
                    format!("{}{path}", &text[url.start..cut])
                } else {
                    self.in_variable(call, word, path_end, cut, &path)?
                }
            }
            None => word[..path_end].to_string(),
        };
        let dropped = |pair: &str| {
            let key = pair.split('=').next().unwrap_or("").trim();
            rw.drop_query || rw.drop_params.iter().any(|d| d == key)
        };
        let kept: Vec<&str> = query
            .map(|q| {
                q.split('&')
                    .filter(|p| !p.is_empty() && !dropped(p))
                    .collect()
            })
            .unwrap_or_default();
        if !kept.is_empty() {
            new.push('?');
            new.push_str(&kept.join("&"));
        }
        Ok(new)
    }

    /// A cut inside a variable of the request's own `vars:pre-request {`: the variable
    /// is kept when the new path begins with the rest of its value; its value is never
    /// edited (the request's scripts may read it).
    fn in_variable(
        &self,
        call: &HttpCall,
        word: &str,
        path_end: usize,
        cut: usize,
        path: &str,
    ) -> R<String> {
        let text = self.text;
        let via = call
            .vias
            .iter()
            .find(|v| v.literal.start <= cut && cut <= v.literal.end)
            .ok_or("the path to replace does not start in the request's URL; rewrite it by hand")?;
        let refused = format!(
            "the path to replace starts inside the value of `{}` (this file's variables, which the request's scripts may read too); rewrite it by hand",
            via.expr
        );
        let rest = &text[cut..via.literal.end];
        let at = word[..path_end].find(via.expr.as_str()).ok_or(&refused)?;
        match path.strip_prefix(rest) {
            Some(tail) if tail.is_empty() || tail.starts_with('/') => {
                Ok(format!("{}{tail}", &word[..at + via.expr.len()]))
            }
            _ => Err(refused),
        }
    }

    /// Removes the entries of block `name` whose key `drop` says (the block, when none
    /// is left).
    fn drop_entries(&self, out: &mut Out, name: &str, drop: &dyn Fn(&str) -> bool) {
        let Some((i, b)) = self.block(name) else {
            return;
        };
        let ls = lines(self.text, b);
        let gone: Vec<&Span> = ls
            .iter()
            .filter(|(_, l)| entry_key(l).is_some_and(drop))
            .map(|(s, _)| s)
            .collect();
        if gone.is_empty() {
            return;
        }
        let left = ls.iter().filter(|(_, l)| !l.trim().is_empty()).count();
        if left == gone.len() {
            out.removed.push(i);
        } else {
            out.edits.extend(gone.into_iter().map(|s| Edit {
                span: s.clone(),
                content: String::new(),
            }));
        }
    }

    fn headers(&self, out: &mut Out, rw: &RewritePlan, set: &[(String, String)]) {
        let text = self.text;
        let removed = |k: &str| {
            rw.remove_headers.iter().any(|r| r.eq_ignore_ascii_case(k))
                || (matches!(rw.body, Some(NewBody::None))
                    && k.eq_ignore_ascii_case("Content-Type"))
        };
        let mut done = vec![false; set.len()];
        let Some((i, b)) = self.block("headers") else {
            let body: Vec<String> = set
                .iter()
                .map(|(n, v)| format!("{}{n}: {v}", self.unit))
                .collect();
            if !body.is_empty() {
                self.add_block(out, "headers", &body);
            }
            return;
        };
        let ind = self.indent_of(b);
        let mut edits = Vec::new();
        let mut gone = 0;
        let all = lines(text, b)
            .iter()
            .filter(|(_, l)| !l.trim().is_empty())
            .count();
        let body_lines = lines(text, b);
        for (k, v) in pairs(text, &b.body) {
            let key = &text[k.clone()];
            let line = body_lines
                .iter()
                .map(|(l, _)| l.clone())
                .find(|l| l.start <= k.start && k.start < l.end)
                .expect("a key is on a line");
            if let Some(j) = set.iter().position(|(n, _)| n.eq_ignore_ascii_case(key)) {
                if done[j] {
                    gone += 1;
                    edits.push(Edit {
                        span: line,
                        content: String::new(),
                    });
                } else {
                    done[j] = true;
                    if text[v.clone()] != set[j].1 {
                        edits.push(Edit {
                            span: v,
                            content: set[j].1.clone(),
                        });
                    }
                }
            } else if removed(key) {
                gone += 1;
                edits.push(Edit {
                    span: line,
                    content: String::new(),
                });
            }
        }
        let added: Vec<String> = set
            .iter()
            .zip(&done)
            .filter(|(_, d)| !**d)
            .map(|((n, v), _)| format!("{ind}{n}: {v}{}", self.nl))
            .collect();
        if added.is_empty() && gone == all && all > 0 {
            out.removed.push(i);
            return;
        }
        out.edits.extend(edits);
        if !added.is_empty() {
            out.edits.push(Edit {
                span: b.body.end..b.body.end,
                content: added.concat(),
            });
        }
    }

    fn body(&self, out: &mut Out, body: &NewBody) -> R<()> {
        let text = self.text;
        let (name, value) = match body {
            NewBody::None => {
                for (i, b) in self.blocks.iter().enumerate() {
                    if b.name.starts_with("body:") {
                        out.removed.push(i);
                    }
                }
                return Ok(());
            }
            NewBody::Json(v) => ("body:json", rvalue(v)?),
            NewBody::Form(fields) => {
                let mut m = serde_json::Map::new();
                for (k, v) in fields {
                    m.insert(k.clone(), rvalue(v)?);
                }
                ("body:form-urlencoded", JV::Object(m))
            }
        };
        let existing = self.block(name);
        let ind = existing.map_or_else(|| self.unit.clone(), |(_, b)| self.indent_of(b));
        let lines: Vec<String> = if name == "body:json" {
            if let Some((_, b)) = existing {
                if serde_json::from_str::<JV>(&text[b.body.clone()]).ok() == Some(value.clone()) {
                    return Ok(());
                }
            }
            let one_line =
                existing.is_some_and(|(_, b)| text[b.body.clone()].trim().lines().count() <= 1);
            let compact = compact_json(&value);
            if one_line && compact.len() <= 80 {
                vec![format!("{ind}{compact}")]
            } else {
                pretty_json(&value, &self.unit)
                    .lines()
                    .map(|l| format!("{ind}{l}"))
                    .collect()
            }
        } else {
            let JV::Object(m) = &value else {
                unreachable!("a form is an object")
            };
            let fields: Vec<(String, String)> = m
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        JV::String(s) => s.clone(),
                        JV::Null => String::new(),
                        other => other.to_string(),
                    };
                    (k.clone(), v)
                })
                .collect();
            if let Some((_, b)) = existing {
                let old: Vec<(String, String)> = pairs(text, &b.body)
                    .into_iter()
                    .map(|(k, v)| (text[k].to_string(), text[v].to_string()))
                    .collect();
                if old == fields {
                    return Ok(());
                }
            }
            fields
                .iter()
                .map(|(k, v)| format!("{ind}{k}: {v}"))
                .collect()
        };
        match existing {
            Some((_, b)) => {
                let mut content = lines.join(self.nl);
                content.push_str(self.nl);
                out.edits.push(Edit {
                    span: b.body.clone(),
                    content,
                });
            }
            None => self.add_block(out, name, &lines),
        }
        Ok(())
    }

    /// The plan's response check as a test: added to `tests {` (created when missing),
    /// unless a test or script already reads the field.
    fn check(&self, out: &mut Out, check: &ResultCheck) {
        let text = self.text;
        let read = check.read_path();
        let judged = self.blocks.iter().any(|b| {
            (b.name == "tests" || b.name.starts_with("script") || b.name == "assert")
                && text[b.body.clone()].contains(&read)
        });
        if judged {
            return;
        }
        let existing = self.block("tests");
        let ind = existing.map_or_else(|| self.unit.clone(), |(_, b)| self.indent_of(b));
        let test = result_test(check, &self.unit);
        let body: Vec<String> = test
            .iter()
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("{ind}{l}")
                }
            })
            .collect();
        match existing {
            Some((_, b)) => {
                let nl = self.nl;
                let old = &text[b.body.clone()];
                let mut content = String::new();
                if !old.trim().is_empty() {
                    if !old.ends_with('\n') {
                        content.push_str(nl);
                    }
                    content.push_str(nl);
                }
                content.push_str(&body.join(nl));
                content.push_str(nl);
                out.edits.push(Edit {
                    span: b.body.end..b.body.end,
                    content,
                });
            }
            None => self.add_block(out, "tests", &body),
        }
    }

    /// Adds block `name` where Bruno writes it: after the last block that comes before
    /// it in Bruno's order (blocks being removed skipped).
    fn add_block(&self, out: &mut Out, name: &str, body: &[String]) {
        let r = rank(name);
        let after = self
            .blocks
            .iter()
            .enumerate()
            .rfind(|(i, b)| rank(&b.name) <= r && !out.removed.contains(i));
        let (at, content) = match after {
            Some((_, b)) => {
                let at = self.block_end(b);
                let lead = if self.text[..at].ends_with('\n') {
                    self.nl.to_string()
                } else {
                    format!("{0}{0}", self.nl)
                };
                (at, format!("{lead}{}", self.new_block(name, body)))
            }
            None => (0, format!("{}{}", self.new_block(name, body), self.nl)),
        };
        out.blocks.push((at, r, content));
    }

    /// The edits, sorted, with blocks removed whole and new blocks at one point merged
    /// in Bruno's order.
    fn finish(&self, mut out: Out, req_i: usize) -> R<Vec<Edit>> {
        if out.removed.contains(&req_i) {
            return Err("the rewrite would remove the request block".into());
        }
        out.removed.sort_unstable();
        out.removed.dedup();
        let removed: Vec<Span> = out
            .removed
            .iter()
            .map(|i| self.remove_block(&self.blocks[*i]))
            .collect();
        // No block is added after a removed one (`add_block` skips them): only edits
        // inside removed blocks are dropped.
        let mut edits: Vec<Edit> = out
            .edits
            .into_iter()
            .filter(|e| {
                !removed
                    .iter()
                    .any(|r| r.start <= e.span.start && e.span.end <= r.end && !r.is_empty())
            })
            .collect();
        edits.extend(removed.into_iter().map(|span| Edit {
            span,
            content: String::new(),
        }));
        out.blocks.sort_by_key(|(at, r, _)| (*at, *r));
        let mut merged: Vec<(usize, String)> = Vec::new();
        for (at, _, content) in out.blocks {
            match merged.last_mut() {
                Some((a, c)) if *a == at => {
                    // The second block follows the first: one line break leads it.
                    let trimmed = content.strip_prefix(self.nl).unwrap_or(&content);
                    if !c.ends_with(&format!("{0}{0}", self.nl)) {
                        c.push_str(self.nl);
                    }
                    c.push_str(trimmed);
                }
                _ => merged.push((at, content)),
            }
        }
        for (at, content) in merged {
            edits.push(Edit {
                span: at..at,
                content,
            });
        }
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        for w in edits.windows(2) {
            if crate::model::text::overlaps(&w[0], &w[1]) {
                return Err("the changes to this request overlap".into());
            }
        }
        Ok(edits)
    }
}

/// A Chai test (Bruno's `tests {` API) failing unless the plan's field holds the
/// expected value, with the response's errors in its message.
fn result_test(check: &ResultCheck, unit: &str) -> Vec<String> {
    let mut chain = vec!["body".to_string()];
    for k in &check.path[..check.path.len().saturating_sub(1)] {
        let last = chain.last().cloned().unwrap_or_default();
        chain.push(format!("{last}.{k}"));
    }
    let holder = chain.join(" && ");
    let expected = match &check.expected {
        RValue::Bool(b) => b.to_string(),
        RValue::Num(n) => n.clone(),
        RValue::Str(p) => match p.as_slice() {
            [Part::Lit(t)] => JV::String(t.clone()).to_string(),
            _ => "null".into(),
        },
        _ => "null".into(),
    };
    let why = check.why.split_whitespace().collect::<Vec<_>>().join(" ");
    let passed = JV::String(check.passed.clone()).to_string();
    let failure = JV::String(format!("{}: ", check.failure())).to_string();
    vec![
        format!("// {why}"),
        format!("test({passed}, function () {{"),
        format!("{unit}const body = res.getBody();"),
        format!("{unit}const r = {holder};"),
        format!(
            "{unit}expect(r && r.{}, {failure} + JSON.stringify(r ? r.errors : body && body.errors)).to.equal({expected});",
            check.field()
        ),
        "});".to_string(),
    ]
}

fn part_text(p: &Part) -> R<String> {
    Ok(match p {
        Part::Lit(s) => s.clone(),
        Part::Source { text, .. } => text.clone(),
        Part::Env(name) => format!("{{{{process.env.{name}}}}}"),
        Part::Call { function, .. } => format!("{{{{{function}}}}}"),
        Part::Param(name) => return Err(format!("`{name}` is no value here")),
    })
}

fn parts_text(parts: &[Part]) -> R<String> {
    parts.iter().map(part_text).collect()
}

fn rvalue(v: &RValue) -> R<JV> {
    Ok(match v {
        RValue::Str(parts) => JV::String(parts_text(parts)?),
        RValue::Bool(b) => JV::Bool(*b),
        RValue::Num(n) => serde_json::from_str(n).unwrap_or(JV::String(n.clone())),
        RValue::Null => JV::Null,
        RValue::Array(items) => JV::Array(items.iter().map(rvalue).collect::<R<_>>()?),
        RValue::Object(entries) => {
            let mut m = serde_json::Map::new();
            for (k, v) in entries {
                m.insert(k.clone(), rvalue(v)?);
            }
            JV::Object(m)
        }
    })
}

/// The leading whitespace of the line holding `at`.
fn line_indent(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..at];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// `{"a": 1, "b": true}`.
fn compact_json(v: &JV) -> String {
    match v {
        JV::Object(m) => {
            let entries: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", JV::String(k.clone()), compact_json(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        JV::Array(items) => {
            let items: Vec<String> = items.iter().map(compact_json).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// Pretty JSON indented with `unit`.
fn pretty_json(v: &JV, unit: &str) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(unit.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    v.serialize(&mut ser).expect("values serialise");
    String::from_utf8(buf).expect("JSON is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plan::NewUrl;
    use crate::model::text::apply_edits;

    fn render(text: &str, rw: &RewritePlan) -> R<String> {
        let ex = super::super::extract(text);
        let edits = render_batch(text, &[(&ex.calls[0], rw)]).pop().unwrap()?;
        let fixed = apply_edits(text, &edits);
        assert!(super::super::syntax_check(&fixed).is_none(), "{fixed}");
        Ok(fixed)
    }

    fn lit(s: &str) -> Vec<Part> {
        vec![Part::Lit(s.into())]
    }

    #[test]
    fn crlf_and_four_space_files_keep_their_layout() {
        let text = "meta {\r\n    name: x\r\n}\r\n\r\npost {\r\n    url: https://h.example/a/b\r\n    auth: bearer\r\n}\r\n\r\nauth:bearer {\r\n    token: {{t}}\r\n}";
        let rw = RewritePlan {
            method: Some("PUT".into()),
            set_headers: vec![
                ("Authorization".into(), lit("Bearer x")),
                ("Content-Type".into(), lit("application/json")),
            ],
            body: Some(NewBody::Json(RValue::Object(vec![(
                "on".into(),
                RValue::Array(vec![RValue::Bool(true)]),
            )]))),
            ..RewritePlan::default()
        };
        let fixed = render(text, &rw).unwrap();
        assert_eq!(
            fixed,
            "meta {\r\n    name: x\r\n}\r\n\r\nput {\r\n    url: https://h.example/a/b\r\n    body: json\r\n    auth: none\r\n}\r\n\r\nheaders {\r\n    Authorization: Bearer x\r\n    Content-Type: application/json\r\n}\r\n\r\nauth:bearer {\r\n    token: {{t}}\r\n}\r\n\r\nbody:json {\r\n    {\r\n        \"on\": [\r\n            true\r\n        ]\r\n    }\r\n}\r\n"
        );
    }

    #[test]
    fn a_one_line_body_stays_on_one_line_and_an_equal_one_is_left_alone() {
        let text = "put {\n  url: https://h.example/u/1/markDeleted\n  body: json\n}\n\nbody:json {\n  {\"markDeleted\": \"true\", \"note\": \"a,\\\"b\\\":c\"}\n}\n";
        let rw = RewritePlan {
            body: Some(NewBody::Json(RValue::Object(vec![(
                "markDeleted".into(),
                RValue::Bool(true),
            )]))),
            ..RewritePlan::default()
        };
        let fixed = render(text, &rw).unwrap();
        assert!(
            fixed.ends_with("body:json {\n  {\"markDeleted\": true}\n}\n"),
            "{fixed}"
        );
        assert_eq!(render(&fixed, &rw).unwrap(), fixed);
    }

    #[test]
    fn query_params_and_path_params_follow_the_url() {
        let text = "get {\n  url: https://h.example/v1/entity.delete/:kind?type_name=user&uuid={{uuid}}&apiKey=k\n  body: none\n}\n\nparams:query {\n  type_name: user\n  uuid: {{uuid}}\n  ~apiKey: k\n}\n\nparams:path {\n  kind: user\n}\n\nheaders {\n  Content-Type: text/plain\n}\n";
        let url = text.find("/v1").unwrap();
        let rw = RewritePlan {
            method: Some("POST".into()),
            url: Some(NewUrl {
                prefix: Vec::new(),
                cut: Some(url),
                path: lit("/v2/entity.delete"),
            }),
            drop_params: vec!["apiKey".into()],
            body: Some(NewBody::Form(vec![
                ("type_name".into(), RValue::Str(lit("user"))),
                (
                    "uuid".into(),
                    RValue::Str(vec![Part::Source {
                        text: "{{uuid}}".into(),
                        span: 0..0,
                    }]),
                ),
            ])),
            ..RewritePlan::default()
        };
        let fixed = render(text, &rw).unwrap();
        assert_eq!(
            fixed,
            "post {\n  url: https://h.example/v2/entity.delete?type_name=user&uuid={{uuid}}\n  body: formUrlEncoded\n}\n\nparams:query {\n  type_name: user\n  uuid: {{uuid}}\n}\n\nheaders {\n  Content-Type: text/plain\n}\n\nbody:form-urlencoded {\n  type_name: user\n  uuid: {{uuid}}\n}\n"
        );
    }

    #[test]
    fn no_body_removes_the_body_blocks_and_the_content_type() {
        let text = "put {\n  url: https://h.example/a\n  body: json\n}\n\nheaders {\n  content-type: application/json\n}\n\nbody:json {\n  {\"a\": 1}\n}\n\nbody:text {\n  x\n}\n";
        let rw = RewritePlan {
            body: Some(NewBody::None),
            ..RewritePlan::default()
        };
        assert_eq!(
            render(text, &rw).unwrap(),
            "put {\n  url: https://h.example/a\n  body: none\n}\n"
        );
    }

    #[test]
    fn a_cut_inside_the_request_s_own_variable() {
        let text = "delete {\n  url: {{api}}/users/1\n}\n\nvars:pre-request {\n  api: https://h.example/restapi/v1\n}\n";
        let ex = super::super::extract(text);
        let cut = text.find("/restapi").unwrap();
        let plan = |path: &str| RewritePlan {
            url: Some(NewUrl {
                prefix: Vec::new(),
                cut: Some(cut),
                path: lit(path),
            }),
            ..RewritePlan::default()
        };
        // The new path goes on from the variable's value: the variable stays.
        let kept = render(text, &plan("/restapi/v1/users/1/markDeleted")).unwrap();
        assert!(
            kept.contains("url: {{api}}/users/1/markDeleted\n"),
            "{kept}"
        );
        // It does not: the value would have to change, which is refused.
        let r = render_batch(text, &[(&ex.calls[0], &plan("/api/v2/users/1"))])
            .pop()
            .unwrap();
        assert!(r.unwrap_err().contains("`{{api}}`"));
    }

    #[test]
    fn a_check_already_in_the_tests_is_not_added_twice() {
        let text = "post {\n  url: https://h.example/graphql\n}\n\ntests {\n  expect(res.getBody().data.closeAccount.result).to.equal(true);\n}\n";
        let rw = RewritePlan {
            check: Some(ResultCheck {
                path: vec!["data".into(), "closeAccount".into(), "result".into()],
                expected: RValue::Bool(true),
                operation: "CloseAccount".into(),
                why: "200 also on failure".into(),
                passed: "closed".into(),
            }),
            ..RewritePlan::default()
        };
        assert_eq!(render(text, &rw).unwrap(), text);
        let bare = "post {\n  url: https://h.example/graphql\n}\n";
        let fixed = render(bare, &rw).unwrap();
        assert!(fixed.ends_with("}\n\ntests {\n  // 200 also on failure\n  test(\"closed\", function () {\n    const body = res.getBody();\n    const r = body && body.data && body.data.closeAccount;\n    expect(r && r.result, \"CloseAccount failed: \" + JSON.stringify(r ? r.errors : body && body.errors)).to.equal(true);\n  });\n}\n"), "{fixed}");
    }
}
