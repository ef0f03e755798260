//! Bruno request files (`.bru`): the method block (`get {`, `post {`, … with its
//! `url:`), `headers {`, `body:json {`/`body:text {` and `body:form-urlencoded {` are
//! read as a request, `{{var}}` resolved from the file's own `vars:pre-request {`
//! block (with the `.http` front end's resolver) and a hole otherwise. Lines starting
//! with `~` are disabled and skipped. Fixes are left to a person.

use super::http::Resolver;
use super::shell::masked::{body_end, line_spans};
use super::Extraction;
use crate::call::{Body, Client, Field, HttpCall, Method, Span, UrlTemplate};
use crate::finding::Edit;
use crate::model::plan::RewritePlan;
use std::collections::HashMap;

const METHODS: [&str; 7] = ["get", "post", "put", "delete", "patch", "options", "head"];

/// A top-level block: its name, the name's span, and its body lines' span.
struct Block {
    name: String,
    name_span: Span,
    body: Span,
}

/// The top-level `name {` … `}` blocks (the closing brace at the line start).
fn blocks(text: &str) -> Vec<Block> {
    let lines = line_spans(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &text[lines[i].start..body_end(text, &lines[i])];
        let Some(name) = line.strip_suffix('{').map(str::trim_end) else {
            i += 1;
            continue;
        };
        if name.is_empty() || name.starts_with([' ', '\t']) || name.contains(' ') {
            i += 1;
            continue;
        }
        let close = (i + 1..lines.len()).find(|k| {
            text[lines[*k].start..body_end(text, &lines[*k])].trim_end() == "}"
                && !text[lines[*k].clone()].starts_with([' ', '\t'])
        });
        let Some(close) = close else { break };
        out.push(Block {
            name: name.to_string(),
            name_span: lines[i].start..lines[i].start + name.len(),
            body: lines[i].end..lines[close].start,
        });
        i = close + 1;
    }
    out
}

/// The `key: value` lines of a block: key span and value span (trimmed).
fn pairs(text: &str, body: &Span) -> Vec<(Span, Span)> {
    let mut out = Vec::new();
    for line in line_spans(&text[body.clone()]) {
        let line = body.start + line.start..body.start + line.end;
        let end = body_end(text, &line);
        let l = &text[line.start..end];
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('~') {
            continue;
        }
        let Some(colon) = t.find(':') else { continue };
        let ks = line.start + (l.len() - t.len());
        let key = ks..ks + t[..colon].trim_end().len();
        let v = &t[colon + 1..];
        let vs = ks + colon + 1 + (v.len() - v.trim_start().len());
        out.push((key, vs..vs + v.trim().len()));
    }
    out
}

/// Finds the request of a Bruno file.
pub fn extract(text: &str) -> Extraction {
    let blocks = blocks(text);
    let mut vars = HashMap::new();
    for b in blocks.iter().filter(|b| b.name.starts_with("vars")) {
        for (k, v) in pairs(text, &b.body) {
            vars.insert(text[k].to_string(), v);
        }
    }
    let r = Resolver { text, vars: &vars };
    let mut out = Extraction::default();
    let Some(req) = blocks.iter().find(|b| METHODS.contains(&b.name.as_str())) else {
        return out;
    };
    let Some((_, url)) = pairs(text, &req.body)
        .into_iter()
        .find(|(k, _)| &text[k.clone()] == "url")
    else {
        return out;
    };
    let mut vias = Vec::new();
    let pieces = r.pieces(&url, &mut vias, 0);
    let method = Method::known(&req.name.to_ascii_uppercase(), Some(req.name_span.clone()));
    let mut call = HttpCall::new(
        Client::HttpFile,
        method,
        UrlTemplate {
            pieces,
            span: url.clone(),
        },
        url.clone(),
    );
    call.vias = vias;
    call.scope = Some(0..text.len());
    call.query.span = url;
    for b in &blocks {
        match b.name.as_str() {
            "headers" => {
                call.headers.span = b.body.clone();
                for (k, v) in pairs(text, &b.body) {
                    if crate::secrets::is_secret_name(&text[k.clone()])
                        && !crate::secrets::is_placeholder(&text[v.clone()])
                    {
                        out.secrets.push(v.clone());
                    }
                    call.headers.entries.push(Field {
                        key: text[k.clone()].to_string(),
                        key_span: k,
                        value: r.value(&v),
                    });
                }
            }
            "body:json" | "body:text" => {
                let src = &text[b.body.clone()];
                call.body = Some(if src.contains("{{") {
                    Body::Expr {
                        text: src.to_string(),
                        span: b.body.clone(),
                    }
                } else {
                    Body::Raw {
                        text: src.to_string(),
                        span: b.body.clone(),
                    }
                });
            }
            "body:form-urlencoded" => {
                let mut fields = crate::call::Fields {
                    span: b.body.clone(),
                    ..Default::default()
                };
                for (k, v) in pairs(text, &b.body) {
                    fields.entries.push(Field {
                        key: text[k.clone()].to_string(),
                        key_span: k,
                        value: r.value(&v),
                    });
                }
                call.body = Some(Body::Form { fields });
            }
            _ => {}
        }
    }
    out.calls.push(call);
    out
}

/// Bruno requests are reported; their rewrite is left to a person.
pub fn render_batch(
    _text: &str,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<Result<Vec<Edit>, String>> {
    items
        .iter()
        .map(|_| Err("Bruno requests are rewritten by hand (in Bruno or in the .bru file)".into()))
        .collect()
}

/// Bruno request files.
pub struct Bruno;

impl crate::frontend::FrontEnd for Bruno {
    fn languages(&self) -> &'static [crate::source::Language] {
        &[crate::source::Language::Bruno]
    }

    fn of_path(&self, path: &std::path::Path) -> Option<crate::source::Language> {
        crate::frontend::by_extension(path, &[("bru", crate::source::Language::Bruno)])
    }

    fn extract(
        &self,
        file: &crate::source::SourceFile,
        _context: &crate::frontend::Context,
    ) -> crate::call::Extraction {
        extract(&file.text)
    }
}

impl crate::frontend::Spell for Bruno {
    fn spell(
        &self,
        file: &crate::source::SourceFile,
        _parsed: &crate::call::Extraction,
        items: &[(&crate::call::HttpCall, &crate::model::plan::RewritePlan)],
    ) -> Vec<Result<Vec<crate::finding::Edit>, String>> {
        render_batch(&file.text, items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_with_vars_headers_and_body() {
        let text = "meta {\n  name: close\n  type: http\n}\n\ndelete {\n  url: {{base}}/api/2.0/users/{{id}}\n  body: json\n}\n\nheaders {\n  li-api-session-key: {{key}}\n  ~x-disabled: 1\n}\n\nbody:json {\n  {\"markDeleted\": \"true\"}\n}\n\nvars:pre-request {\n  base: https://community.khoros.com\n}\n";
        let ex = extract(text);
        assert_eq!(ex.calls.len(), 1);
        let c = &ex.calls[0];
        assert_eq!(c.method.name.as_deref(), Some("DELETE"));
        assert_eq!(c.headers.entries.len(), 1);
        assert!(matches!(c.body, Some(Body::Raw { .. })));
        for t in [
            "get {\n",
            "get {\n  url\n}\n",
            "{\n}\n",
            "post {\n  url: \n}\n",
        ] {
            let _ = extract(t);
        }
    }
}
