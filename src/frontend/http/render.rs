//! Renders a [`RewritePlan`] as format-preserving edits of a request in a `.http` /
//! `.rest` file. Only the parts that change are edited: the method word of the request
//! line (inserted when the method was implied), the URL word (kept as written up to the
//! rewrite's cut, so `{{base}}` prefixes stay), query continuation lines (`?a=b`,
//! `&c=d`: dropped lines removed, the first kept one starting with `?`), `Name: value`
//! header lines (value replaced, line removed, or a line added after the last header),
//! and the body (replaced, removed, or added after a blank line). Every added line uses
//! the file's line ending.
//!
//! A request file holds no code, so run-time values are written as variables of the
//! file's dialect: an environment variable is `{{$processEnv NAME}}` (VS Code REST
//! Client; `{{$env.NAME}}` when the file is written for the JetBrains HTTP Client,
//! recognised by its `> {% … %}` handlers or `{{$env.…}}` variables). Each function
//! of the plan becomes a named request inserted once per file before the first request
//! (`# @name acmeToken`, `# @name acmeUserId_email`), whose response the rewritten
//! request references: `{{acmeToken.response.body.access_token}}` (REST Client request
//! variables) or, for JetBrains, globals set by the inserted requests' response
//! handlers (`{{acme_token}}`). Those requests must be sent first. A plan's response
//! check becomes, in a JetBrains file, a response handler asserting the field; REST
//! Client has no assertions, so there the result must be read by eye.

use super::{layout, Layout, Request};
use crate::call::{Client, HttpCall, Span};
use crate::finding::Edit;
use crate::model::plan::{
    camel_case, FunctionPlan, NewBody, Part, RValue, ResultCheck, Returns, RewritePlan,
};
use crate::model::template::{self, Segment};
use serde_json::Value as JV;

type R<T> = Result<T, String>;

/// The edits of each rewrite, or why it cannot be rendered.
pub fn render_batch(text: &str, items: &[(&HttpCall, &RewritePlan)]) -> Vec<R<Vec<Edit>>> {
    // File-wide facts, read once (per rewrite, they made long files quadratic).
    let lay = layout(text);
    let nl = newline(text);
    let dialect = Dialect::of(text);
    items
        .iter()
        .map(|(call, rw)| render_one(text, &lay, nl, dialect, call, rw))
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialect {
    /// VS Code REST Client (and httpyac): `{{$processEnv X}}`, request variables.
    RestClient,
    /// JetBrains HTTP Client: `{{$env.X}}`, response handler scripts.
    JetBrains,
}

impl Dialect {
    fn of(text: &str) -> Dialect {
        if text.contains("> {%") || text.contains("{{$env.") || text.contains("client.global") {
            Dialect::JetBrains
        } else {
            Dialect::RestClient
        }
    }

    fn env(self, name: &str) -> String {
        match self {
            Dialect::RestClient => format!("{{{{$processEnv {name}}}}}"),
            Dialect::JetBrains => format!("{{{{$env.{name}}}}}"),
        }
    }

    /// Where a later request reads the value a function's request gets.
    fn reference(self, f: &FunctionPlan, request: &str) -> String {
        let field = f.returns.field();
        let first = matches!(f.returns, Returns::FirstItemField { .. });
        match (self, first) {
            (Dialect::RestClient, false) => format!("{{{{{request}.response.body.{field}}}}}"),
            (Dialect::RestClient, true) => format!("{{{{{request}.response.body.$[0].{field}}}}}"),
            (Dialect::JetBrains, _) => format!("{{{{{}}}}}", global(f, request)),
        }
    }
}

/// A request inserted for one of the plan's functions, with its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Needed {
    function: String,
    /// The request's `@name`.
    name: String,
    /// The arguments as written in the file, the origin first.
    args: Vec<String>,
}

struct Ctx<'p> {
    dialect: Dialect,
    plan: &'p RewritePlan,
    /// The origin every inserted request talks to.
    origin: Option<String>,
    needed: Vec<Needed>,
}

impl Ctx<'_> {
    fn parts(&mut self, parts: &[Part]) -> R<String> {
        let mut out = String::new();
        for p in parts {
            out.push_str(&self.part(p)?);
        }
        Ok(out)
    }

    fn part(&mut self, p: &Part) -> R<String> {
        Ok(match p {
            Part::Lit(s) => s.clone(),
            Part::Source { text, .. } => text.clone(),
            Part::Env(name) => self.dialect.env(name),
            Part::Param(name) => return Err(format!("`{name}` is no value here")),
            Part::Call { function, args } => {
                let (origin, rest) = args
                    .split_first()
                    .ok_or("a function is called without the API's origin")?;
                let origin = self.origin(origin)?;
                let rest = rest.iter().map(|a| self.parts(a)).collect::<R<Vec<_>>>()?;
                self.need(function, origin, rest)?
            }
        })
    }

    /// Registers the request for `function(origin, rest…)` (after the requests it
    /// reads) and returns where its value is read.
    fn need(&mut self, function: &str, origin: String, rest: Vec<String>) -> R<String> {
        let plan = self.plan;
        let f = plan
            .function(function)
            .ok_or_else(|| format!("the plan has no function `{function}`"))?;
        for dep in f.calls() {
            self.need(dep, origin.clone(), Vec::new())?;
        }
        let name = request_name(f, &rest);
        let mut args = vec![origin];
        args.extend(rest);
        let needed = Needed {
            function: f.name.clone(),
            name: name.clone(),
            args,
        };
        if !self.needed.contains(&needed) {
            self.needed.push(needed);
        }
        Ok(self.dialect.reference(f, &name))
    }

    fn origin(&mut self, origin: &[Part]) -> R<String> {
        if origin.is_empty() {
            return Err("the API's origin of the request is not known".into());
        }
        let o = self.parts(origin)?;
        let o = o.trim_end_matches('/').to_string();
        match &self.origin {
            Some(known) if *known != o => Err("the rewrite talks to two different origins".into()),
            _ => {
                self.origin = Some(o.clone());
                Ok(o)
            }
        }
    }

    /// Text of an inserted request: parameters are its arguments, calls read the
    /// requests they need.
    fn function_parts(
        &mut self,
        parts: &[Part],
        f: &FunctionPlan,
        args: &[String],
        encode: bool,
    ) -> R<String> {
        let mut out = String::new();
        for p in parts {
            match p {
                Part::Param(n) => {
                    let i = f
                        .params
                        .iter()
                        .position(|x| x == n)
                        .ok_or_else(|| format!("`{n}` is no parameter of `{}`", f.name))?;
                    let v = args.get(i).cloned().unwrap_or_default();
                    out.push_str(&if encode { form_encode(&v) } else { v });
                }
                Part::Call { function, .. } => {
                    let origin = args.first().cloned().unwrap_or_default();
                    out.push_str(&self.need(function, origin, Vec::new())?);
                }
                other => out.push_str(&self.part(other)?),
            }
        }
        Ok(out)
    }
}

/// The JetBrains global holding the value a request found: the function's name, with
/// a hash of the request's name when it takes arguments beyond the origin (hashed,
/// because a name with `email` in it reads as an e-mail, LRN002).
fn global(f: &FunctionPlan, request: &str) -> String {
    if f.params.len() <= 1 {
        return f.name.clone();
    }
    let mut h: u32 = 0x811c_9dc5;
    for b in request.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{}_{h:08x}", f.name)
}

/// The function's name in camelCase, then the letters and digits of its arguments
/// beyond the origin (`{{email}}` → `acmeUserId_email`).
fn request_name(f: &FunctionPlan, rest: &[String]) -> String {
    let name = camel_case(&f.name);
    if rest.is_empty() {
        return name;
    }
    let mut s = String::new();
    for c in rest.join("_").chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('_') {
            s.push('_');
        }
    }
    let s = s.trim_end_matches('_');
    format!("{name}_{}", if s.is_empty() { "value" } else { s })
}

/// The end of the line holding `at` (before its `\r\n` or `\n`).
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find(['\r', '\n']).map_or(text.len(), |i| at + i)
}

/// The start of the line holding `at`.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The span that removes the whole line holding `at` together with the line break
/// before it.
fn remove_line(text: &str, at: usize) -> Span {
    let start = line_start(text, at);
    let from = if start == 0 {
        0
    } else if start >= 2 && &text[start - 2..start] == "\r\n" {
        start - 2
    } else {
        start - 1
    };
    let end = if start == 0 {
        // The first line: remove its own line break instead.
        let e = line_end(text, at);
        if text[e..].starts_with("\r\n") {
            e + 2
        } else if text[e..].starts_with('\n') {
            e + 1
        } else {
            e
        }
    } else {
        line_end(text, at)
    };
    from..end
}

fn newline(text: &str) -> &'static str {
    if crate::model::text::uses_crlf(text) {
        "\r\n"
    } else {
        "\n"
    }
}

/// The key of a `k=v` pair as written.
fn pair_key(pair: &str) -> &str {
    pair.split('=').next().unwrap_or("").trim()
}

fn render_one(
    text: &str,
    lay: &Layout,
    nl: &'static str,
    dialect: Dialect,
    call: &HttpCall,
    rw: &RewritePlan,
) -> R<Vec<Edit>> {
    if call.client != Client::HttpFile {
        return Err("not a request of a request file".into());
    }
    let req = lay
        .requests
        .iter()
        .find(|r| r.span == call.span)
        .ok_or("the request was not found in the file")?;
    let mut ctx = Ctx {
        dialect,
        plan: rw,
        origin: None,
        needed: Vec::new(),
    };
    let mut edits = Vec::new();
    // Text added after the last header line (new headers, then a new body).
    let after_head = line_end(text, req.head_end);
    let mut new_headers = String::new();

    // Method.
    if let Some(m) = &rw.method {
        match &req.method {
            Some(span) => {
                if !text[span.clone()].eq_ignore_ascii_case(m) {
                    edits.push(Edit {
                        span: span.clone(),
                        content: m.clone(),
                    });
                }
            }
            None if m.eq_ignore_ascii_case("GET") => {}
            None => {
                let at = req.url[0].start;
                edits.push(Edit {
                    span: at..at,
                    content: format!("{m} "),
                });
            }
        }
    }

    // URL and query.
    let written_query = query_pairs(text, req);
    if rw.url.is_some() || rw.drop_query || !rw.drop_params.is_empty() {
        edits.extend(url_edits(text, req, rw, &mut ctx)?);
    }

    // Headers.
    let mut set: Vec<(String, String)> = Vec::new();
    for (name, parts) in &rw.set_headers {
        set.push((name.clone(), ctx.parts(parts)?));
    }
    let ctype = match &rw.body {
        Some(NewBody::Json(_)) => Some("application/json"),
        Some(NewBody::Form(_)) => Some("application/x-www-form-urlencoded"),
        _ => None,
    };
    if let Some(ct) = ctype {
        if !set
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("Content-Type"))
        {
            set.push(("Content-Type".into(), ct.into()));
        }
    }
    let removed = |k: &str| rw.remove_headers.iter().any(|r| r.eq_ignore_ascii_case(k));
    let mut done = vec![false; set.len()];
    for (line, name, value) in &req.headers {
        let key = &text[name.clone()];
        if let Some(i) = set.iter().position(|(n, _)| n.eq_ignore_ascii_case(key)) {
            if done[i] {
                // A repeated header: the first one carries the new value.
                edits.push(Edit {
                    span: remove_line(text, line.start),
                    content: String::new(),
                });
            } else {
                done[i] = true;
                if text[value.clone()] != set[i].1 {
                    edits.push(Edit {
                        span: value.clone(),
                        content: set[i].1.clone(),
                    });
                }
            }
        } else if removed(key)
            || (matches!(rw.body, Some(NewBody::None)) && key.eq_ignore_ascii_case("Content-Type"))
        {
            edits.push(Edit {
                span: remove_line(text, line.start),
                content: String::new(),
            });
        }
    }
    for (i, (name, value)) in set.iter().enumerate() {
        if !done[i] {
            new_headers.push_str(&format!("{nl}{name}: {value}"));
        }
    }

    // Body.
    let check = rw.check.as_ref().filter(|c| {
        ctx.dialect == Dialect::JetBrains
            && req.handler.is_none()
            && !call.response.reads(&c.read_path())
    });
    let mut new_body: Option<String> = None;
    match &rw.body {
        None => {}
        Some(NewBody::None) if !req.body.is_empty() => {
            edits.push(Edit {
                span: after_head..req.body.end,
                content: String::new(),
            });
        }
        Some(NewBody::None) => {}
        Some(NewBody::Json(v)) => {
            let value = rvalue(v, &mut ctx)?;
            let old: Option<JV> = serde_json::from_str(&text[req.body.clone()]).ok();
            if old.as_ref() != Some(&value) || req.body.is_empty() {
                new_body = Some(json_text(&value, nl));
            }
        }
        Some(NewBody::Form(fields)) => {
            let mut pairs = Vec::new();
            for (k, v) in fields {
                let written = written_query
                    .iter()
                    .chain(form_pairs(text, req).iter())
                    .find(|p| pair_key(p) == k)
                    .cloned();
                pairs.push(match written {
                    Some(p) => p,
                    None => format!("{}={}", form_encode(k), form_value(v, &mut ctx)?),
                });
            }
            let body = pairs.join("&");
            if text[req.body.clone()] != body {
                new_body = Some(body);
            }
        }
    }
    if let Some(body) = &mut new_body {
        if let Some(check) = check {
            body.push_str(&result_check(check, nl));
        }
    }
    match new_body {
        Some(body) if !req.body.is_empty() => {
            edits.push(Edit {
                span: req.body.clone(),
                content: body,
            });
            if !new_headers.is_empty() {
                edits.push(Edit {
                    span: after_head..after_head,
                    content: new_headers,
                });
            }
        }
        Some(body) => {
            edits.push(Edit {
                span: after_head..after_head,
                content: format!("{new_headers}{nl}{nl}{body}"),
            });
        }
        None if !new_headers.is_empty() => edits.push(Edit {
            span: after_head..after_head,
            content: new_headers,
        }),
        None => {}
    }

    // Named requests for the plan's functions, once per file.
    if let Some(e) = helpers_edit(text, lay, &mut ctx, nl)? {
        edits.push(e);
    }

    edits.sort_by_key(|e| (e.span.start, e.span.end));
    for w in edits.windows(2) {
        if w[1].span.start < w[0].span.end {
            return Err("the changes to this request overlap".into());
        }
    }
    Ok(edits)
}

/// A JetBrains response handler that fails unless the plan's field holds the
/// expected value.
fn result_check(check: &ResultCheck, nl: &str) -> String {
    let mut holder = vec!["response.body".to_string()];
    for k in &check.path[..check.path.len().saturating_sub(1)] {
        let last = holder.last().cloned().unwrap_or_default();
        holder.push(format!("{last}.{k}"));
    }
    let holder = holder[1..].join(" && ");
    let holder = if holder.is_empty() {
        "response.body".to_string()
    } else {
        holder
    };
    let expected = match &check.expected {
        RValue::Bool(b) => b.to_string(),
        RValue::Num(n) => n.clone(),
        RValue::Str(p) => match p.as_slice() {
            [Part::Lit(t)] => JV::String(t.clone()).to_string(),
            _ => "null".into(),
        },
        _ => "null".into(),
    };
    let passed = JV::String(check.passed.clone()).to_string();
    let failure = JV::String(format!("{}: ", check.failure())).to_string();
    [
        String::new(),
        String::new(),
        "> {%".to_string(),
        format!("    client.test({passed}, function () {{"),
        format!("        const r = {holder};"),
        format!(
            "        client.assert(r && r.{} === {expected}, {failure} + JSON.stringify(r ? r.errors : response.body.errors));",
            check.field()
        ),
        "    });".to_string(),
        "%}".to_string(),
    ]
    .join(nl)
}

/// The query pairs of the request as written (request line and continuation lines).
fn query_pairs(text: &str, req: &Request) -> Vec<String> {
    let mut out = Vec::new();
    let word = &text[req.url[0].clone()];
    if let Some(q) = word.find('?') {
        out.extend(
            word[q + 1..]
                .split('&')
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        );
    }
    for l in &req.url[1..] {
        out.extend(
            text[l.start + 1..l.end]
                .split('&')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        );
    }
    out
}

/// The pairs of a form body as written.
fn form_pairs(text: &str, req: &Request) -> Vec<String> {
    let src = &text[req.body.clone()];
    if src.contains('\n') || src.trim_start().starts_with('{') {
        return Vec::new();
    }
    src.split('&')
        .map(str::trim)
        .filter(|p| p.contains('='))
        .map(str::to_string)
        .collect()
}

fn url_edits(text: &str, req: &Request, rw: &RewritePlan, ctx: &mut Ctx) -> R<Vec<Edit>> {
    let u0 = req.url[0].clone();
    let word = &text[u0.clone()];
    if word.contains('#') {
        return Err("the URL has a fragment".into());
    }
    let (path_end, inline) = match word.find('?') {
        Some(i) => (i, Some(&word[i + 1..])),
        None => (word.len(), None),
    };
    let dropped = |pair: &str| rw.drop_query || rw.drop_params.iter().any(|d| d == pair_key(pair));
    let mut new_word = match &rw.url {
        Some(nu) => {
            let cut = nu.cut.ok_or("the URL's path is not written literally")?;
            let path = ctx.parts(&nu.path)?;
            if u0.start <= cut && cut <= u0.start + path_end {
                format!("{}{}", &text[u0.start..cut], path)
            } else {
                in_variable(text, word, path_end, cut, &path, &call_vias(req, text))?
            }
        }
        None => word[..path_end].to_string(),
    };
    let kept_inline: Vec<&str> = inline
        .map(|q| {
            q.split('&')
                .filter(|p| !p.is_empty() && !dropped(p))
                .collect()
        })
        .unwrap_or_default();
    let mut have_query = !kept_inline.is_empty();
    if have_query {
        new_word.push('?');
        new_word.push_str(&kept_inline.join("&"));
    }
    let mut edits = Vec::new();
    if new_word != word {
        edits.push(Edit {
            span: u0,
            content: new_word,
        });
    }
    for l in &req.url[1..] {
        let line = &text[l.clone()];
        let pairs: Vec<&str> = line[1..]
            .split('&')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let kept: Vec<&str> = pairs.iter().copied().filter(|p| !dropped(p)).collect();
        if kept.is_empty() {
            edits.push(Edit {
                span: remove_line(text, l.start),
                content: String::new(),
            });
            continue;
        }
        let lead = if have_query { '&' } else { '?' };
        have_query = true;
        let new_line = if kept.len() == pairs.len() {
            format!("{lead}{}", &line[1..])
        } else {
            format!("{lead}{}", kept.join("&"))
        };
        if new_line != line {
            edits.push(Edit {
                span: l.clone(),
                content: new_line,
            });
        }
    }
    Ok(edits)
}

/// The file variables a URL word uses: (`{{name}}` as written, value span).
fn call_vias(req: &Request, text: &str) -> Vec<(String, Span)> {
    let lay = layout(text);
    let word = &text[req.url[0].clone()];
    lay.vars
        .iter()
        .filter(|(name, _)| word.contains(&format!("{{{{{name}}}}}")))
        .map(|(name, span)| (format!("{{{{{name}}}}}"), span.clone()))
        .collect()
}

/// A cut inside a file variable's value: the variable is kept when the new path
/// begins with the rest of its value (`{{api}}` = `…/restapi/v1`, new path
/// `/Admin/restapi/v1/users/…` → `{{api}}/users/…`); the value itself is
/// never edited, since other requests may share it.
fn in_variable(
    text: &str,
    word: &str,
    path_end: usize,
    cut: usize,
    path: &str,
    vias: &[(String, Span)],
) -> R<String> {
    let refused = "the path to replace starts inside a file variable's value, which other requests may share; rewrite it by hand";
    let (expr, value) = vias
        .iter()
        .find(|(_, v)| v.start <= cut && cut <= v.end)
        .ok_or(refused)?;
    let rest = &text[cut..value.end];
    let at = word[..path_end].find(expr.as_str()).ok_or(refused)?;
    match path.strip_prefix(rest) {
        Some(tail) if tail.is_empty() || tail.starts_with('/') => {
            Ok(format!("{}{tail}", &word[..at + expr.len()]))
        }
        _ => Err(refused.into()),
    }
}

fn rvalue(v: &RValue, ctx: &mut Ctx) -> R<JV> {
    Ok(match v {
        RValue::Str(parts) => JV::String(ctx.parts(parts)?),
        RValue::Bool(b) => JV::Bool(*b),
        RValue::Num(n) => serde_json::from_str(n).unwrap_or(JV::String(n.clone())),
        RValue::Null => JV::Null,
        RValue::Array(items) => JV::Array(items.iter().map(|i| rvalue(i, ctx)).collect::<R<_>>()?),
        RValue::Object(entries) => {
            let mut m = serde_json::Map::new();
            for (k, v) in entries {
                m.insert(k.clone(), rvalue(v, ctx)?);
            }
            JV::Object(m)
        }
    })
}

/// A short value on one line (`{"deleted": true}`), a longer one pretty-printed.
fn json_text(v: &JV, nl: &str) -> String {
    let compact = serde_json::to_string(v)
        .expect("values serialise")
        .replace("\":", "\": ")
        .replace(",\"", ", \"");
    if compact.len() <= 80 {
        compact
    } else {
        serde_json::to_string_pretty(v)
            .expect("values serialise")
            .replace('\n', nl)
    }
}

/// Form-encodes a literal (`{{…}}` variables are kept as written).
fn form_encode(s: &str) -> String {
    let mut out = String::new();
    for segment in template::segments(s) {
        let text = match segment {
            Segment::Var { expr, .. } => {
                out.push_str(expr);
                continue;
            }
            Segment::Lit { text, .. } => text,
        };
        for c in text.chars() {
            match c {
                'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '_' | '.' | '~' | '@' | ':' | '/' => {
                    out.push(c)
                }
                ' ' => out.push('+'),
                _ => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
            }
        }
    }
    out
}

fn form_value(v: &RValue, ctx: &mut Ctx) -> R<String> {
    Ok(match v {
        RValue::Str(parts) => {
            let mut out = String::new();
            for p in parts {
                match p {
                    Part::Lit(s) => out.push_str(&form_encode(s)),
                    other => out.push_str(&ctx.part(other)?),
                }
            }
            out
        }
        RValue::Bool(b) => b.to_string(),
        RValue::Num(n) => n.clone(),
        RValue::Null => String::new(),
        RValue::Array(_) | RValue::Object(_) => {
            return Err("a form field cannot hold a list or an object".into())
        }
    })
}

/// The URL of the request named `name` (after `# @name name` / `// @name name`).
fn named_request<'a>(text: &'a str, lay: &Layout, name: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = text[from..].find("@name") {
        let at = from + i;
        from = at + 5;
        let rest = &text[at + 5..line_end(text, at)];
        if rest.trim() != name {
            continue;
        }
        let req = lay.requests.iter().find(|r| r.line.start > at)?;
        return Some(&text[req.url[0].clone()]);
    }
    None
}

/// Where inserted requests go: before the first request that is not one of them, at
/// its `###` separator (or, with no separator, before the comments just above it).
/// Whether a separator must follow the inserted text.
fn insertion_point(text: &str, lay: &Layout, plan: &RewritePlan) -> Option<(usize, bool)> {
    let is_helper = |i: usize| {
        let from = if i == 0 {
            0
        } else {
            lay.requests[i - 1].span.end
        };
        let before = &text[from.min(lay.requests[i].line.start)..lay.requests[i].line.start];
        plan.functions
            .iter()
            .any(|f| before.contains(&format!("@name {}", camel_case(&f.name))))
    };
    let first = &lay.requests[(0..lay.requests.len()).find(|i| !is_helper(*i))?];
    let mut at = line_start(text, first.line.start);
    loop {
        if at == 0 {
            return Some((0, true));
        }
        let prev = line_start(text, at - 1);
        let t = text[prev..at].trim();
        if t.starts_with("###") {
            return Some((prev, false));
        }
        if t.starts_with('#') || t.starts_with("//") {
            at = prev;
            continue;
        }
        return Some((at, true));
    }
}

fn helpers_edit(text: &str, lay: &Layout, ctx: &mut Ctx, nl: &str) -> R<Option<Edit>> {
    let d = ctx.dialect;
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut done = 0;
    // Writing a request may need further ones (its headers read another's value).
    while done < ctx.needed.len() {
        let n = ctx.needed[done].clone();
        done += 1;
        let plan = ctx.plan;
        let f = plan
            .function(&n.function)
            .ok_or_else(|| format!("the plan has no function `{}`", n.function))?;
        let origin = n.args.first().cloned().unwrap_or_default();
        let mut url = format!("{origin}{}", f.path);
        for (i, (k, v)) in f.query.iter().enumerate() {
            let v = ctx.function_parts(v, f, &n.args, true)?;
            url.push_str(&format!("{}{k}={v}", if i == 0 { '?' } else { '&' }));
        }
        match named_request(text, lay, &n.name) {
            Some(u) if u == url || n.args.len() > 1 => continue,
            Some(u) => {
                return Err(format!(
                    "the file's `{}` request asks `{u}`, not this request's origin",
                    n.name
                ))
            }
            None => {}
        }
        let title = if f.calls().is_empty() {
            format!("### {}: send this request first", f.doc)
        } else {
            let after: Vec<String> = f.calls().iter().map(|c| camel_case(c)).collect();
            format!(
                "### {} ({}): send it after the {} request",
                f.doc,
                n.args[1..].join(", "),
                after.join(", ")
            )
        };
        let mut b = vec![
            title,
            format!("# @name {}", n.name),
            format!("{} {url}", f.method),
        ];
        for (k, v) in &f.headers {
            let v = ctx.function_parts(v, f, &n.args, false)?;
            b.push(format!("{k}: {v}"));
        }
        if !f.body.is_empty() {
            b.push("Content-Type: application/json".into());
            b.push(String::new());
            let mut fields = Vec::new();
            for (k, v) in &f.body {
                let v = match v {
                    RValue::Str(p) => JV::String(ctx.function_parts(p, f, &n.args, false)?),
                    other => rvalue(other, ctx)?,
                };
                fields.push(format!("{}: {v}", JV::String(k.clone())));
            }
            b.push(format!("{{{}}}", fields.join(", ")));
        }
        if d == Dialect::JetBrains {
            let read = match &f.returns {
                Returns::Field(field) => format!("response.body.{field}"),
                Returns::FirstItemField { field, .. } => format!("response.body[0].{field}"),
            };
            b.push(String::new());
            b.push(format!(
                "> {{% client.global.set(\"{}\", {read}); %}}",
                global(f, &n.name)
            ));
        }
        blocks.push(b);
    }
    if blocks.is_empty() {
        return Ok(None);
    }
    let (at, separator) = insertion_point(text, lay, ctx.plan)
        .ok_or("no request to insert the plan's requests before")?;
    let mut content = String::new();
    for b in blocks {
        content.push_str(&b.join(nl));
        content.push_str(nl);
        content.push_str(nl);
    }
    if separator {
        content.push_str("###");
        content.push_str(nl);
    }
    Ok(Some(Edit {
        span: at..at,
        content,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::plan::NewUrl;
    use crate::pipeline::fix::{fix_source, FixLevel};
    use crate::rules::engine::Selection;
    use crate::rules::RuleSet;
    use crate::scan::Checker;
    use crate::source::{Language, SourceFile};

    /// The text after safe and unsafe fixes, and the codes applied.
    fn fix(text: &str) -> (String, Vec<String>) {
        let checker =
            Checker::with_config(RuleSet::embedded(), Selection::default(), Config::default());
        let source = SourceFile::new("t.http".into(), text.to_string(), Language::Http);
        let out = fix_source(&checker, &source, FixLevel::Unsafe);
        assert!(out.dropped.is_empty(), "{:?}", out.dropped);
        let again = fix_source(
            &checker,
            &SourceFile::new("t.http".into(), out.fixed.clone(), Language::Http),
            FixLevel::Unsafe,
        );
        assert_eq!(again.fixed, out.fixed, "a second run changed the file");
        (out.fixed, out.applied.into_iter().map(|(c, _)| c).collect())
    }

    fn render(text: &str, rw: &RewritePlan) -> Vec<Edit> {
        let ex = super::super::extract(text);
        render_batch(text, &[(&ex.calls[0], rw)])
            .pop()
            .unwrap()
            .unwrap()
    }

    #[test]
    fn crlf_file_keeps_its_line_endings() {
        let text = "@securid = https://acme.access.securid.com/AdminInterface/restapi/v1\r\n\r\n### Mark deleted\r\nPUT {{securid}}/users/{{userId}}/markDeleted\r\nAuthorization: Bearer {{$processEnv SECURID_TOKEN}}\r\n\r\n### Next\r\nGET https://example.com/\r\n";
        let rw = RewritePlan {
            set_headers: vec![(
                "Content-Type".into(),
                vec![Part::Lit("application/json".into())],
            )],
            body: Some(NewBody::Json(RValue::Object(vec![(
                "markDeleted".into(),
                RValue::Bool(true),
            )]))),
            ..RewritePlan::default()
        };
        let edits = render(text, &rw);
        assert_eq!(edits.len(), 1);
        assert_eq!(
            edits[0].content,
            "\r\nContent-Type: application/json\r\n\r\n{\"markDeleted\": true}"
        );
        let (fixed, applied) = fix(text);
        assert_eq!(applied, vec!["RSA003"]);
        assert!(fixed.contains("SECURID_TOKEN}}\r\nContent-Type: application/json\r\n\r\n{\"markDeleted\": true}\r\n\r\n### Next\r\n"));
        assert_eq!(fixed.matches('\n').count(), fixed.matches("\r\n").count());
    }

    #[test]
    fn request_without_headers_gets_them_after_the_request_line() {
        let text = "### Delete\nDELETE https://acme.access.securid.com/AdminInterface/restapi/v1/users/{{id}} HTTP/1.1\n\n### Other\nGET https://example.com/\n";
        let (fixed, applied) = fix(text);
        assert_eq!(applied, vec!["RSA005"]);
        assert_eq!(
            fixed,
            "### Delete\nPUT https://acme.access.securid.com/AdminInterface/restapi/v1/users/{{id}}/markDeleted HTTP/1.1\nContent-Type: application/json\n\n{\"markDeleted\": true}\n\n### Other\nGET https://example.com/\n"
        );
    }

    #[test]
    fn last_request_without_trailing_newline() {
        let text = "### Delete\n{{janrain}}/entity.delete\n    ?type_name=user\n    &uuid={{uuid}}\nAuthorization: Basic {{$dotenv JANRAIN_AUTH}}";
        let text = format!("@janrain = https://acme.janraincapture.com\n{text}");
        let (fixed, applied) = fix(&text);
        assert_eq!(applied, vec!["JAN009"]);
        assert!(
            fixed.ends_with("### Delete\nPOST {{janrain}}/entity.delete\nAuthorization: Basic {{$dotenv JANRAIN_AUTH}}\nContent-Type: application/x-www-form-urlencoded\n\ntype_name=user&uuid={{uuid}}"),
            "{fixed}"
        );
    }

    #[test]
    fn separator_names_stay_and_the_token_request_goes_before_them() {
        let text = "@learning = https://app.360learning.com\n\n### Remove Jane from the group\n# @name removeJane\nDELETE {{learning}}/api/v1/groups/{{groupId}}/users/{{userEmail}}?company=acme&apiKey={{apiKey}}\n\n### Delete Jane\nDELETE {{learning}}/api/v1/users/{{userEmail}}?company=acme&apiKey={{apiKey}}\n";
        let (fixed, applied) = fix(text);
        assert_eq!(applied.len(), 2, "{fixed}");
        assert_eq!(fixed.matches("# @name learning360Token").count(), 1);
        assert_eq!(
            fixed.matches("# @name learning360UserId_userEmail").count(),
            1
        );
        let token = fixed.find("# @name learning360Token").unwrap();
        let lookup = fixed.find("# @name learning360UserId_userEmail").unwrap();
        let first = fixed.find("### Remove Jane from the group\n# @name removeJane\nDELETE {{learning}}/api/v2/groups/{{groupId}}/learner/{{learning360UserId_userEmail.response.body.$[0]._id}}\n").unwrap();
        assert!(token < lookup && lookup < first, "{fixed}");
        assert!(fixed.contains("### Delete Jane\nDELETE {{learning}}/api/v2/users/{{learning360UserId_userEmail.response.body.$[0]._id}}\n360-api-version: v2.0\nAuthorization: Bearer {{learning360Token.response.body.access_token}}\n"), "{fixed}");
        assert!(fixed.contains("\"client_id\": \"{{$processEnv LEARNING360_CLIENT_ID}}\""));
    }

    #[test]
    fn dropped_query_lines_leave_a_query_that_starts_with_a_question_mark() {
        let text = "GET https://app.360learning.com/api/v1/x\n    ?company=acme\n    &apiKey=k\n    &limit=5\nAccept: */*\n";
        let rw = RewritePlan {
            drop_params: vec!["company".into(), "apiKey".into()],
            ..RewritePlan::default()
        };
        let edits = render(text, &rw);
        let fixed = crate::model::text::apply_edits(text, &edits);
        assert_eq!(
            fixed,
            "GET https://app.360learning.com/api/v1/x\n    ?limit=5\nAccept: */*\n"
        );
    }

    #[test]
    fn a_path_cut_inside_a_file_variable_is_refused() {
        let text = "@base = https://app.360learning.com/api/v1\n\nDELETE {{base}}/users/x\n";
        let ex = super::super::extract(text);
        let rw = RewritePlan {
            url: Some(NewUrl {
                prefix: Vec::new(),
                cut: Some(text.find("/api").unwrap()),
                path: vec![Part::Lit("/api/v2/users/x".into())],
            }),
            ..RewritePlan::default()
        };
        let r = render_batch(text, &[(&ex.calls[0], &rw)]).pop().unwrap();
        assert!(r.unwrap_err().contains("file variable"));
    }

    #[test]
    fn implied_get_gets_a_method_word() {
        let text = "https://acme.janraincapture.com/entity.delete?type_name=user&uuid=1\n";
        let rw = RewritePlan {
            method: Some("POST".into()),
            ..RewritePlan::default()
        };
        let fixed = crate::model::text::apply_edits(text, &render(text, &rw));
        assert!(fixed.starts_with("POST https://"));
    }
}
