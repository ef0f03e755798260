//! HTTP request files (`.http`, `.rest`): the VS Code REST Client and JetBrains
//! dialects. Requests are separated by `###` lines; each has an optional preamble of
//! comments (`# @name x`, `// …`) and file variables (`@base = https://…`), a request
//! line (`METHOD URL [HTTP/1.1]`, the method defaulting to GET), query continuation
//! lines (`    ?a=b`, `    &c=d`), headers up to a blank line, then the body (up to the
//! next `###`, without a JetBrains response handler `> {% … %}`).
//!
//! `{{var}}` resolves to a file variable's literal (the name kept as a `Via`); system
//! and environment variables (`{{$dotenv X}}`, `{{$processEnv X}}`) and variables of an
//! environment file are holes.

pub mod render;

use super::Extraction;
use crate::call::{
    Body, BodyRead, Client, Field, Fields, HttpCall, Method, Piece, Span, UrlTemplate, Value, Via,
};
use crate::model::secrets::{is_placeholder, is_secret_name, scheme_credential};
use crate::model::template::{self, Segment};
use std::collections::HashMap;

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE",
];

/// One request of the file, as laid out in the text.
#[derive(Clone, Debug)]
pub struct Request {
    /// From the request line to the end of the body.
    pub span: Span,
    /// The request line (without its newline).
    pub line: Span,
    pub method: Option<Span>,
    /// The URL on the request line, and its continuation lines.
    pub url: Vec<Span>,
    /// `Name: value` lines: (line, name, value).
    pub headers: Vec<(Span, Span, Span)>,
    /// The body (trailing blank lines excluded); empty when there is none.
    pub body: Span,
    /// Where the headers end (the end of the last header line, or of the URL).
    pub head_end: usize,
    /// A response handler or output redirect after the body.
    pub handler: Option<Span>,
}

/// The layout of a file: its requests, comments, file variables and first error.
#[derive(Debug, Default)]
pub struct Layout {
    pub requests: Vec<Request>,
    pub comments: Vec<Span>,
    /// `@name = value`: name → value span.
    pub vars: HashMap<String, Span>,
    pub error: Option<(Span, String)>,
}

fn lines(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        let content = l.trim_end_matches(['\n', '\r']);
        out.push(at..at + content.len());
        at += l.len();
    }
    out
}

fn is_comment(t: &str) -> bool {
    t.starts_with('#') || t.starts_with("//")
}

/// Reads the layout of a request file.
pub fn layout(text: &str) -> Layout {
    let mut out = Layout::default();
    let all = lines(text);
    // Blocks between `###` separators.
    let mut blocks: Vec<Vec<Span>> = vec![Vec::new()];
    for l in all {
        let t = text[l.clone()].trim_start();
        if t.starts_with("###") {
            out.comments
                .push(l.start + (text[l.clone()].len() - t.len())..l.end);
            blocks.push(Vec::new());
        } else {
            blocks.last_mut().expect("one block").push(l);
        }
    }
    for block in blocks {
        let mut i = 0;
        // Preamble: blanks, comments, file variables.
        let mut request_line = None;
        while i < block.len() {
            let l = &block[i];
            let raw = &text[l.clone()];
            let t = raw.trim();
            let lead = raw.len() - raw.trim_start().len();
            i += 1;
            if t.is_empty() {
                continue;
            }
            if is_comment(t) {
                out.comments.push(l.start + lead..l.end);
                continue;
            }
            if let Some(rest) = t.strip_prefix('@') {
                if let Some(eq) = rest.find('=') {
                    let name = rest[..eq].trim().to_string();
                    let value = rest[eq + 1..].trim();
                    let vstart = l.start + raw.find(value).unwrap_or(raw.len());
                    let vstart = if value.is_empty() { l.end } else { vstart };
                    out.vars.insert(name, vstart..vstart + value.len());
                    continue;
                }
            }
            request_line = Some(l.clone());
            break;
        }
        let Some(line) = request_line else { continue };
        let raw = &text[line.clone()];
        let lead = raw.len() - raw.trim_start().len();
        let t = raw.trim();
        let first = t.split_whitespace().next().unwrap_or("");
        let (method, url_start) = if METHODS.contains(&first) {
            let m = line.start + lead..line.start + lead + first.len();
            let after = &raw[lead + first.len()..];
            let skip = after.len() - after.trim_start().len();
            (Some(m.clone()), m.end + skip)
        } else {
            let looks_url = first.contains("://")
                || first.starts_with("{{")
                || first.starts_with('/')
                || first.starts_with("localhost");
            if !looks_url {
                if first.bytes().all(|b| b.is_ascii_uppercase())
                    && first.len() >= 3
                    && t.split_whitespace().nth(1).is_some_and(|u| {
                        u.contains("://") || u.starts_with("{{") || u.starts_with('/')
                    })
                    && out.error.is_none()
                {
                    let m = line.start + lead..line.start + lead + first.len();
                    out.error = Some((m, format!("`{first}` is not an HTTP method")));
                }
                continue;
            }
            (None, line.start + lead)
        };
        // A URL has no blanks: it is the first word (`HTTP/1.1` may follow).
        let url_len = url_word_len(&text[url_start..line.end]);
        let mut url: Vec<Span> = std::iter::once(url_start..url_start + url_len).collect();
        // Query continuation lines.
        while i < block.len() {
            let l = &block[i];
            let raw = &text[l.clone()];
            let t = raw.trim();
            if t.starts_with('?') || t.starts_with('&') {
                let lead = raw.len() - raw.trim_start().len();
                url.push(l.start + lead..l.start + lead + t.len());
                i += 1;
            } else {
                break;
            }
        }
        // Headers up to a blank line.
        let mut headers = Vec::new();
        let mut head_end = url.last().map_or(line.end, |u| u.end);
        while i < block.len() {
            let l = &block[i];
            let raw = &text[l.clone()];
            let t = raw.trim();
            if t.is_empty() {
                i += 1;
                break;
            }
            i += 1;
            if is_comment(t) {
                let lead = raw.len() - raw.trim_start().len();
                out.comments.push(l.start + lead..l.end);
                continue;
            }
            if let Some(colon) = raw.find(':') {
                let lead = raw.len() - raw.trim_start().len();
                let name = l.start + lead..l.start + raw[..colon].trim_end().len();
                let v = &raw[colon + 1..];
                let vlead = v.len() - v.trim_start().len();
                let value = l.start + colon + 1 + vlead..l.start + colon + 1 + v.trim_end().len();
                let value = value.start.min(value.end)..value.end;
                headers.push((l.clone(), name, value));
                head_end = l.end;
            }
        }
        // Body up to the end of the block, without a response handler.
        let mut body_lines: Vec<Span> = block[i.min(block.len())..].to_vec();
        let mut handler = None;
        if let Some(h) = body_lines.iter().position(|l| {
            let t = text[l.clone()].trim_start();
            t.starts_with("> {%") || t.starts_with(">> ") || t.starts_with(">>! ")
        }) {
            let last = body_lines.last().expect("non-empty").end;
            handler = Some(body_lines[h].start..last);
            body_lines.truncate(h);
        }
        while body_lines
            .last()
            .is_some_and(|l| text[l.clone()].trim().is_empty())
        {
            body_lines.pop();
        }
        while body_lines
            .first()
            .is_some_and(|l| text[l.clone()].trim().is_empty())
        {
            body_lines.remove(0);
        }
        let body = match (body_lines.first(), body_lines.last()) {
            (Some(a), Some(b)) => a.start..b.end,
            _ => head_end..head_end,
        };
        let end = handler
            .as_ref()
            .map_or(body.end.max(head_end), |h| h.end.max(head_end));
        out.requests.push(Request {
            span: line.start + lead..end,
            line: line.start + lead..line.end,
            method,
            url,
            headers,
            body,
            head_end,
            handler,
        });
    }
    out
}

/// The length of the URL word at the start of `s`: up to the first blank outside a
/// `{{…}}` variable (`{{$dotenv BASE}}/x` is one word).
fn url_word_len(s: &str) -> usize {
    template::segments(s)
        .find_map(|segment| match segment {
            Segment::Lit { text, range } => text
                .find(char::is_whitespace)
                .map(|blank| range.start + blank),
            Segment::Var { .. } => None,
        })
        .unwrap_or(s.len())
}

/// Text with `{{var}}` resolved against the file variables: pieces with spans.
pub(crate) struct Resolver<'a> {
    pub(crate) text: &'a str,
    pub(crate) vars: &'a HashMap<String, Span>,
}

impl Resolver<'_> {
    /// The pieces of `text[span]`, and the vias of resolved variables.
    pub(crate) fn pieces(&self, span: &Span, vias: &mut Vec<Via>, depth: usize) -> Vec<Piece> {
        let mut out = Vec::new();
        for segment in template::segments_at(&self.text[span.clone()], span.start) {
            let (expr, name, hole) = match segment {
                Segment::Lit { text, range } => {
                    out.push(Piece::exact(text, range));
                    continue;
                }
                Segment::Var { expr, name, range } => (expr, name, range),
            };
            match self.vars.get(name) {
                Some(v) if depth < 3 && !self.text[v.clone()].contains("{{") => {
                    vias.push(Via {
                        literal: v.clone(),
                        expr: expr.to_string(),
                    });
                    out.push(Piece::Lit {
                        text: self.text[v.clone()].to_string(),
                        span: v.clone(),
                        exact: true,
                    });
                }
                Some(v) if depth < 3 => out.extend(self.pieces(v, vias, depth + 1)),
                _ => out.push(Piece::Hole {
                    expr: expr.to_string(),
                    span: hole,
                }),
            }
        }
        out
    }

    pub(crate) fn value(&self, span: &Span) -> Value {
        let s = &self.text[span.clone()];
        if s.contains("{{") {
            Value::Expr {
                text: s.to_string(),
                span: span.clone(),
            }
        } else {
            Value::Str {
                value: s.to_string(),
                span: span.clone(),
            }
        }
    }
}

/// Finds the HTTP calls of a file.
pub fn extract(text: &str) -> Extraction {
    let lay = layout(text);
    let r = Resolver {
        text,
        vars: &lay.vars,
    };
    let mut out = Extraction {
        syntax_error: lay.error.clone(),
        ..Extraction::default()
    };
    for (name, span) in &lay.vars {
        let v = &text[span.clone()];
        if is_secret_name(name) && !is_placeholder(v) && !v.to_ascii_lowercase().starts_with("http")
        {
            out.secrets.push(span.clone());
        }
    }
    for req in &lay.requests {
        let mut vias = Vec::new();
        let mut pieces = Vec::new();
        for u in &req.url {
            pieces.extend(r.pieces(u, &mut vias, 0));
        }
        let url_span = req.url[0].start..req.url.last().expect("a URL").end;
        let method = match &req.method {
            Some(m) => Method::known(&text[m.clone()], Some(m.clone())),
            None => Method::implied("GET"),
        };
        let mut call = HttpCall::new(
            Client::HttpFile,
            method,
            UrlTemplate {
                pieces,
                span: url_span.clone(),
            },
            req.span.clone(),
        );
        call.vias = vias;
        call.scope = Some(0..text.len());
        call.query.span = url_span;
        call.headers.span = req.line.start..req.head_end;
        for (_, name, value) in &req.headers {
            call.headers.entries.push(Field {
                key: text[name.clone()].to_string(),
                key_span: name.clone(),
                value: r.value(value),
            });
        }
        call.body = body(text, req, &call.headers, &r);
        if let Some(h) = &req.handler {
            let src = &text[h.clone()];
            if src.contains("closeUserAccount.result") || src.contains("closeUserAccount?.result") {
                call.response.body_reads.push(BodyRead {
                    path: "data.closeUserAccount.result".into(),
                    span: h.clone(),
                });
            }
            if src.contains(".stat ") || src.contains(".stat)") || src.contains(".stat=") {
                call.response.body_reads.push(BodyRead {
                    path: "stat".into(),
                    span: h.clone(),
                });
            }
            if src.contains("response.status") {
                call.response.status_checks.push(h.clone());
            }
        }
        secrets(text, &call, &mut out.secrets);
        out.calls.push(call);
    }
    out.secrets.sort_by_key(|s| (s.start, s.end));
    out.secrets.dedup();
    out
}

fn body(text: &str, req: &Request, headers: &Fields, r: &Resolver) -> Option<Body> {
    if req.body.is_empty() {
        return None;
    }
    let span = req.body.clone();
    let src = &text[span.clone()];
    if src.trim_start().starts_with("< ") || src.trim_start().starts_with("<@") {
        return Some(Body::Expr {
            text: src.to_string(),
            span,
        });
    }
    let ctype = headers
        .get_ci("Content-Type")
        .map(|f| f.value.text().to_ascii_lowercase())
        .unwrap_or_default();
    if ctype.contains("x-www-form-urlencoded") {
        let mut fields = Fields::at(span.clone());
        let mut at = span.start;
        for pair in src.split('&') {
            let start = at;
            at += pair.len() + 1;
            let lead = pair.len() - pair.trim_start().len();
            let p = pair.trim();
            if p.is_empty() {
                continue;
            }
            let pstart = start + lead;
            match p.find('=') {
                Some(eq) => fields.entries.push(Field {
                    key: p[..eq].to_string(),
                    key_span: pstart..pstart + eq,
                    value: r.value(&(pstart + eq + 1..pstart + p.len())),
                }),
                None => fields.open = true,
            }
        }
        return Some(Body::Form { fields });
    }
    if !src.contains("{{") {
        return Some(Body::Raw {
            text: src.to_string(),
            span,
        });
    }
    Some(Body::Expr {
        text: src.to_string(),
        span,
    })
}

fn secrets(text: &str, call: &HttpCall, out: &mut Vec<Span>) {
    for h in &call.headers.entries {
        let Value::Str { value, span } = &h.value else {
            continue;
        };
        if let Some(r) = scheme_credential(value) {
            out.push(span.start + r.start..span.start + r.end);
        } else if is_secret_name(&h.key) && !is_placeholder(value) {
            out.push(span.clone());
        }
    }
    for q in call.url.parse().query {
        if let Value::Str { value, span } = &q.value {
            if is_secret_name(&q.key) && !is_placeholder(value) && !span.is_empty() {
                out.push(span.clone());
            }
        }
    }
    match &call.body {
        Some(Body::Form { fields }) => {
            for f in &fields.entries {
                if let Value::Str { value, span } = &f.value {
                    if is_secret_name(&f.key) && !is_placeholder(value) {
                        out.push(span.clone());
                    }
                }
            }
        }
        Some(Body::Raw { text: body, span }) => {
            let re = regex::Regex::new(r#""([A-Za-z0-9_\-]+)"\s*:\s*"([^"\\]*)""#).expect("regex");
            for c in re.captures_iter(body) {
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
    let _ = text;
}

/// The first syntax error of the text (a request line whose method is not one).
pub fn syntax_check(text: &str) -> Option<(Span, String)> {
    layout(text).error
}

/// The spans of every comment of the text (`#`, `//` and `###` lines).
pub fn comments(text: &str) -> Vec<Span> {
    let mut c = layout(text).comments;
    c.sort_by_key(|s| s.start);
    c
}

text_front_end!(
    /// HTTP request files (VS Code REST Client and JetBrains dialects).
    Http,
    Http,
    render::render_batch,
    crate::frontend::quoting::as_written,
    |path| crate::frontend::by_extension(path, &[("http", crate::source::Language::Http), ("rest", crate::source::Language::Http)]).is_some()
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_variables_and_bodies() {
        let text = "@base = https://acme.janraincapture.com\n\n### delete\n# @name del\nPOST {{base}}/entity.delete HTTP/1.1\nContent-Type: application/x-www-form-urlencoded\nAuthorization: Basic {{$dotenv JANRAIN_AUTH}}\n\ntype_name=user&uuid=1234\n\n###\nDELETE https://app.360learning.com/api/v1/users/jane@acme.com\n    ?company=acme\n    &apiKey=k-123\n";
        let ex = extract(text);
        assert_eq!(ex.calls.len(), 2);
        let c = &ex.calls[0];
        assert_eq!(
            c.url.parse().host.as_deref(),
            Some("acme.janraincapture.com")
        );
        assert_eq!(c.vias[0].expr, "{{base}}");
        let Some(Body::Form { fields }) = &c.body else {
            panic!("{:?}", c.body)
        };
        assert_eq!(&text[fields.get("uuid").unwrap().value.span()], "1234");
        let d = &ex.calls[1];
        assert!(d.method.is("DELETE"));
        assert_eq!(d.url.parse().query.len(), 2);
        assert_eq!(ex.secrets.len(), 1);
        assert_eq!(&text[ex.secrets[0].clone()], "k-123");
        assert_eq!(comments(text).len(), 3);
    }
}
