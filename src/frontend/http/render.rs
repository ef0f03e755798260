//! Renders a [`CallRewrite`] as format-preserving edits of a request in a `.http` /
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
//! recognised by its `> {% … %}` handlers or `{{$env.…}}` variables). A 360Learning
//! token and an e-mail → id lookup become named requests inserted once per file before
//! the first request (`# @name learning360Token`, `# @name learning360User_…`) whose
//! responses the rewritten request references: `{{learning360Token.response.body.
//! access_token}}` (REST Client request variables) or, for JetBrains, globals set by
//! the inserted requests' response handlers (`{{learning360_token}}`). Those requests
//! must be sent first. A CloseUserAccount rewrite in a JetBrains file gets a response
//! handler asserting `data.closeUserAccount.result` (Aurora answers 200 on failure);
//! REST Client has no assertions, so there the result must be read by eye.

use super::{layout, Layout, Request};
use crate::call::{Client, HttpCall, Span};
use crate::finding::Edit;
use crate::fix::rewrite::{CallRewrite, Learning360Credentials, NewBody, Part, RValue};
use serde_json::Value as JV;

type R<T> = Result<T, String>;

/// The name of the inserted token request.
pub const TOKEN_REQUEST: &str = "learning360Token";
/// The prefix of the name of an inserted e-mail → id lookup request.
pub const USER_REQUEST: &str = "learning360User_";
/// The JetBrains global the token request's handler sets.
pub const TOKEN_GLOBAL: &str = "learning360_token";

/// The edits of each rewrite, or why it cannot be rendered.
pub fn render_batch(text: &str, items: &[(&HttpCall, &CallRewrite)]) -> Vec<R<Vec<Edit>>> {
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

    fn token(self) -> String {
        match self {
            Dialect::RestClient => format!("{{{{{TOKEN_REQUEST}.response.body.access_token}}}}"),
            Dialect::JetBrains => format!("{{{{{TOKEN_GLOBAL}}}}}"),
        }
    }

    fn user_id(self, request: &str) -> String {
        match self {
            Dialect::RestClient => format!("{{{{{request}.response.body.$[0]._id}}}}"),
            Dialect::JetBrains => format!("{{{{{}}}}}", user_global(request)),
        }
    }
}

/// An e-mail → id lookup the rewrite needs.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Lookup {
    name: String,
    email: String,
    origin: String,
}

struct Ctx {
    dialect: Dialect,
    token_origin: Option<String>,
    lookups: Vec<Lookup>,
}

impl Ctx {
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
            Part::Token { origin } => {
                let origin = self.origin(origin)?;
                self.need_token(origin)?;
                self.dialect.token()
            }
            Part::UserId { email, origin } => {
                let origin = self.origin(origin)?;
                self.need_token(origin.clone())?;
                let email = self.parts(email)?;
                let name = lookup_name(&email);
                let lookup = Lookup {
                    name: name.clone(),
                    email,
                    origin,
                };
                if !self.lookups.contains(&lookup) {
                    self.lookups.push(lookup);
                }
                self.dialect.user_id(&name)
            }
        })
    }

    fn origin(&mut self, origin: &[Part]) -> R<String> {
        if origin.is_empty() {
            return Err("the 360Learning origin of the request is not known".into());
        }
        let o = self.parts(origin)?;
        Ok(o.trim_end_matches('/').to_string())
    }

    fn need_token(&mut self, origin: String) -> R<()> {
        match &self.token_origin {
            Some(o) if *o != origin => {
                Err("the rewrite talks to two different 360Learning origins".into())
            }
            _ => {
                self.token_origin = Some(origin);
                Ok(())
            }
        }
    }
}

/// The JetBrains global holding the id a lookup request found: named after a hash of
/// the request's name, because a name with `email` in it reads as an e-mail (LRN002).
fn user_global(request: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in request.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("learning360_user_id_{h:08x}")
}

/// `learning360User_` and the e-mail's letters and digits (`{{email}}` → `email`).
fn lookup_name(email: &str) -> String {
    let mut s = String::new();
    for c in email.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('_') {
            s.push('_');
        }
    }
    let s = s.trim_end_matches('_');
    format!("{USER_REQUEST}{}", if s.is_empty() { "user" } else { s })
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
    if crate::fix::uses_crlf(text) {
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
    rw: &CallRewrite,
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
        token_origin: None,
        lookups: Vec::new(),
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
    let close_account = is_close_user_account(rw)
        && ctx.dialect == Dialect::JetBrains
        && req.handler.is_none()
        && !call.response.reads("closeUserAccount.result");
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
        if close_account {
            body.push_str(&result_check(nl));
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

    // Named requests for the token and the lookups, once per file.
    if let Some(e) = helpers_edit(text, lay, &ctx, rw.learning360.as_ref(), nl)? {
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

fn is_close_user_account(rw: &CallRewrite) -> bool {
    matches!(&rw.body, Some(NewBody::Json(RValue::Object(entries)))
        if entries.iter().any(|(k, v)| k == "operationName"
            && matches!(v, RValue::Str(p) if p == &[Part::Lit("CloseUserAccount".into())])))
}

/// A JetBrains response handler that fails when the account was not closed.
fn result_check(nl: &str) -> String {
    [
        "",
        "",
        "> {%",
        "    client.test(\"CloseUserAccount closed the account\", function () {",
        "        const r = response.body.data && response.body.data.closeUserAccount;",
        "        client.assert(r && r.result === true, \"CloseUserAccount failed: \" + JSON.stringify(r ? r.errors : response.body.errors));",
        "    });",
        "%}",
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

fn url_edits(text: &str, req: &Request, rw: &CallRewrite, ctx: &mut Ctx) -> R<Vec<Edit>> {
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
/// begins with the rest of its value (`{{securid}}` = `…/restapi/v1`, new path
/// `/AdminInterface/restapi/v1/users/…` → `{{securid}}/users/…`); the value itself is
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

/// A short value on one line (`{"markDeleted": true}`), a longer one pretty-printed.
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
    let mut rest = s;
    while !rest.is_empty() {
        if rest.starts_with("{{") {
            if let Some(end) = rest.find("}}") {
                out.push_str(&rest[..end + 2]);
                rest = &rest[end + 2..];
                continue;
            }
        }
        let c = rest.chars().next().expect("non-empty");
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
        rest = &rest[c.len_utf8()..];
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
fn insertion_point(text: &str, lay: &Layout) -> Option<(usize, bool)> {
    let is_helper = |i: usize| {
        let from = if i == 0 {
            0
        } else {
            lay.requests[i - 1].span.end
        };
        let before = &text[from.min(lay.requests[i].line.start)..lay.requests[i].line.start];
        before.contains(&format!("@name {TOKEN_REQUEST}"))
            || before.contains(&format!("@name {USER_REQUEST}"))
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

fn helpers_edit(
    text: &str,
    lay: &Layout,
    ctx: &Ctx,
    creds: Option<&Learning360Credentials>,
    nl: &str,
) -> R<Option<Edit>> {
    let Some(origin) = &ctx.token_origin else {
        return Ok(None);
    };
    let creds = creds.ok_or("the 360Learning credentials are not configured")?;
    let d = ctx.dialect;
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let token_url = format!("{origin}/api/v2/oauth2/token");
    match named_request(text, lay, TOKEN_REQUEST) {
        Some(url) if url == token_url => {}
        Some(url) => {
            return Err(format!(
                "the file's `{TOKEN_REQUEST}` request asks `{url}`, not this request's origin"
            ))
        }
        None => {
            let mut b = vec![
                "### 360Learning API v2: an OAuth2 token (send this request first)".to_string(),
                format!("# @name {TOKEN_REQUEST}"),
                format!("POST {token_url}"),
                "Content-Type: application/json".into(),
                String::new(),
                format!(
                    "{{\"grant_type\": \"client_credentials\", \"client_id\": \"{}\", \"client_secret\": \"{}\"}}",
                    d.env(&creds.client_id_env),
                    d.env(&creds.client_secret_env)
                ),
            ];
            if d == Dialect::JetBrains {
                b.push(String::new());
                b.push(format!(
                    "> {{% client.global.set(\"{TOKEN_GLOBAL}\", response.body.access_token); %}}"
                ));
            }
            blocks.push(b);
        }
    }
    for l in &ctx.lookups {
        if named_request(text, lay, &l.name).is_some() {
            continue;
        }
        let mut b = vec![
            format!(
                "### 360Learning API v2: the internal id of the user {} (send after the token request)",
                l.email
            ),
            format!("# @name {}", l.name),
            format!("GET {}/api/v2/users?mail[eq]={}", l.origin, form_encode(&l.email)),
            format!("Authorization: Bearer {}", d.token()),
            "360-api-version: v2.0".into(),
        ];
        if d == Dialect::JetBrains {
            b.push(String::new());
            b.push(format!(
                "> {{% client.global.set(\"{}\", response.body[0]._id); %}}",
                user_global(&l.name)
            ));
        }
        blocks.push(b);
    }
    if blocks.is_empty() {
        return Ok(None);
    }
    let (at, separator) =
        insertion_point(text, lay).ok_or("no request to insert the 360Learning requests before")?;
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
    use crate::fix::rewrite::NewUrl;
    use crate::fix::{fix_source, FixLevel};
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

    fn render(text: &str, rw: &CallRewrite) -> Vec<Edit> {
        let ex = super::super::extract(text);
        render_batch(text, &[(&ex.calls[0], rw)])
            .pop()
            .unwrap()
            .unwrap()
    }

    #[test]
    fn crlf_file_keeps_its_line_endings() {
        let text = "@securid = https://acme.access.securid.com/AdminInterface/restapi/v1\r\n\r\n### Mark deleted\r\nPUT {{securid}}/users/{{userId}}/markDeleted\r\nAuthorization: Bearer {{$processEnv SECURID_TOKEN}}\r\n\r\n### Next\r\nGET https://example.com/\r\n";
        let rw = CallRewrite {
            set_headers: vec![(
                "Content-Type".into(),
                vec![Part::Lit("application/json".into())],
            )],
            body: Some(NewBody::Json(RValue::Object(vec![(
                "markDeleted".into(),
                RValue::Bool(true),
            )]))),
            ..CallRewrite::default()
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
            fixed.matches("# @name learning360User_userEmail").count(),
            1
        );
        let token = fixed.find("# @name learning360Token").unwrap();
        let lookup = fixed.find("# @name learning360User_userEmail").unwrap();
        let first = fixed.find("### Remove Jane from the group\n# @name removeJane\nDELETE {{learning}}/api/v2/groups/{{groupId}}/learner/{{learning360User_userEmail.response.body.$[0]._id}}\n").unwrap();
        assert!(token < lookup && lookup < first, "{fixed}");
        assert!(fixed.contains("### Delete Jane\nDELETE {{learning}}/api/v2/users/{{learning360User_userEmail.response.body.$[0]._id}}\n360-api-version: v2.0\nAuthorization: Bearer {{learning360Token.response.body.access_token}}\n"), "{fixed}");
        assert!(fixed.contains("\"client_id\": \"{{$processEnv LEARNING360_CLIENT_ID}}\""));
    }

    #[test]
    fn dropped_query_lines_leave_a_query_that_starts_with_a_question_mark() {
        let text = "GET https://app.360learning.com/api/v1/x\n    ?company=acme\n    &apiKey=k\n    &limit=5\nAccept: */*\n";
        let rw = CallRewrite {
            drop_params: vec!["company".into(), "apiKey".into()],
            ..CallRewrite::default()
        };
        let edits = render(text, &rw);
        let fixed = crate::fix::apply_edits(text, &edits);
        assert_eq!(
            fixed,
            "GET https://app.360learning.com/api/v1/x\n    ?limit=5\nAccept: */*\n"
        );
    }

    #[test]
    fn a_path_cut_inside_a_file_variable_is_refused() {
        let text = "@base = https://app.360learning.com/api/v1\n\nDELETE {{base}}/users/x\n";
        let ex = super::super::extract(text);
        let rw = CallRewrite {
            url: Some(NewUrl {
                prefix: Vec::new(),
                cut: Some(text.find("/api").unwrap()),
                path: vec![Part::Lit("/api/v2/users/x".into())],
            }),
            ..CallRewrite::default()
        };
        let r = render_batch(text, &[(&ex.calls[0], &rw)]).pop().unwrap();
        assert!(r.unwrap_err().contains("file variable"));
    }

    #[test]
    fn implied_get_gets_a_method_word() {
        let text = "https://acme.janraincapture.com/entity.delete?type_name=user&uuid=1\n";
        let rw = CallRewrite {
            method: Some("POST".into()),
            ..CallRewrite::default()
        };
        let fixed = crate::fix::apply_edits(text, &render(text, &rw));
        assert!(fixed.starts_with("POST https://"));
    }
}
