//! Insomnia exports: v4 (`_type: "export"`, `__export_format: 4`) as JSON or YAML, whose
//! resources of `_type: request` are requests, and Insomnia 5 YAML
//! (`type: collection.insomnia.rest/5.0`), whose `collection:` items (and their folders'
//! `children:`) with a `url` are requests. JSON is read with the collection reader's
//! span-keeping parser, YAML with [`yaml_tree`]: `url`, `method`, `headers`
//! (`[{name, value}]`), `body` (`text`, or `params` as a form) and `authentication`
//! (bearer and basic: their token and password are secrets). `{{ _.var }}` and
//! `{{var}}` resolve from the `data` of the export's environments (v4 `environment`
//! resources; v5 `environments:` and its `subEnvironments`, later ones winning); what
//! does not resolve is a hole.
//!
//! Fixes are made in the file as written: the literal URL edits of transforms, and
//! request rewrites (the method, the URL up to the rewrite's cut, header entries, the
//! body), JSON escaped in JSON and in the scalar's own style in YAML. A value the plan
//! gets from a function is the environment variable named after it
//! (`{{ _.acme_token }}`), to be set in Insomnia; an environment variable `NAME` is
//! `{{ _.NAME }}`.

use super::json::{self, J};
use super::render::{indent_unit, line_indent, remove_prop, Renderer};
use super::Extraction;
use super::{looks_secret_name, Extractor, Var, Vars};
use crate::call::Body;
use crate::call::{Client, Field, Fields, HttpCall, Method, Span, UrlTemplate, Value};
use crate::finding::Edit;
use crate::frontend::http::Resolver;
use crate::frontend::yaml_tree::{self, Node, Unread};
use crate::model::plan::{NewBody, Part, RValue, RewritePlan};
use serde_json::Value as JV;
use std::collections::HashMap;

/// Whether the start of a `.json` file's text says it is an Insomnia v4 export.
pub fn sniff(prefix: &str) -> bool {
    let p = prefix.trim_start_matches('\u{feff}').trim_start();
    p.starts_with('{') && p.contains("\"__export_format\"") && p.contains("\"export\"")
}

/// The variables of the export's environments, reachable as `name` and `_.name`.
fn environment_vars(resources: &[J]) -> Vars {
    let mut vars = Vars::new();
    for r in resources {
        if r.get("_type").and_then(J::str) != Some("environment") {
            continue;
        }
        for p in r.get("data").map(J::props).unwrap_or(&[]) {
            let value = match &p.value {
                J::Str { value, .. } => value.clone(),
                J::Num { text, .. } => text.clone(),
                J::Bool { value, .. } => value.to_string(),
                _ => continue,
            };
            if value.is_empty() {
                continue;
            }
            let var = Var { value };
            vars.insert(format!("_.{}", p.key), var.clone());
            vars.insert(p.key.clone(), var);
        }
    }
    vars
}

/// Whether the start of a YAML file's text says it is an Insomnia export (v5, or v4
/// written as YAML).
pub fn sniff_yaml(prefix: &str) -> bool {
    let v5 = prefix.lines().take(20).any(|l| {
        l.trim_start_matches('\u{feff}')
            .trim_end()
            .trim_end_matches(['"', '\''])
            .strip_prefix("type:")
            .is_some_and(|t| {
                t.trim()
                    .trim_start_matches(['"', '\''])
                    .starts_with("collection.insomnia.rest/")
            })
    });
    let v4 = prefix.contains("__export_format:")
        && prefix.lines().any(|l| {
            let t = l.trim();
            t == "_type: export" || t == "_type: \"export\""
        });
    v5 || v4
}

fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '['])
}

/// The first error of an export: JSON's or YAML's.
pub fn syntax_check(text: &str) -> Option<(Span, String)> {
    if is_json(text) {
        return json::parse(text).err();
    }
    match yaml_tree::parse(text) {
        Err(Unread::Invalid(error)) => Some(error),
        _ => None,
    }
}

/// Finds the requests of an Insomnia export.
pub fn extract(text: &str) -> Extraction {
    if !is_json(text) {
        return extract_yaml(text);
    }
    let (root, mut ex) = match Extractor::parse(text) {
        Ok(parsed) => parsed,
        Err(failed) => return failed,
    };
    let resources = root.get("resources").map(J::items).unwrap_or(&[]);
    let vars = environment_vars(resources);
    for r in resources {
        if r.get("_type").and_then(J::str) != Some("request") {
            continue;
        }
        let Some(url_node @ J::Str { .. }) = r.get("url") else {
            continue;
        };
        let method = match r.get("method") {
            Some(m @ J::Str { value, .. }) => Method::known(value, Some(m.inner())),
            _ => Method::implied("GET"),
        };
        let mut vias = Vec::new();
        let url = ex.url(url_node, &vars, &mut vias);
        let mut call = HttpCall::new(Client::PmSendRequest, method, url, url_node.span());
        call.vias = vias;
        call.scope = Some(r.span());
        call.headers = ex
            .insomnia_pairs(r.get("headers"), true)
            .unwrap_or_default();
        if call.headers.span.is_empty() {
            call.headers.span = r.span();
        }
        if let Some(auth) = r.get("authentication") {
            for key in ["token", "password"] {
                if let Some(v) = auth.get(key) {
                    ex.secret(v);
                }
            }
            if auth.get("type").and_then(J::str) == Some("bearer") {
                if let Some(t @ J::Str { value, .. }) = auth.get("token") {
                    let prefix = auth.get("prefix").and_then(J::str).unwrap_or("Bearer");
                    call.headers.entries.push(Field {
                        key: "Authorization".into(),
                        key_span: t.inner(),
                        value: ex.value_of(&J::Str {
                            value: format!("{prefix} {value}"),
                            span: t.span(),
                        }),
                    });
                }
            }
        }
        call.body = r.get("body").and_then(|b| ex.insomnia_body(b, &vars));
        ex.calls.push(call);
    }
    ex.finish()
}

impl Extractor<'_> {
    /// `[{name, value, disabled}]` as fields; values with secret names are secrets.
    fn insomnia_pairs(&mut self, list: Option<&J>, headers: bool) -> Option<Fields> {
        let list @ J::Arr { items, .. } = list? else {
            return None;
        };
        let mut fields = Fields::at(list.span());
        for e in items {
            if e.get("disabled").is_some_and(J::is_true) {
                continue;
            }
            let (Some(k @ J::Str { value: key, .. }), Some(v)) = (e.get("name"), e.get("value"))
            else {
                continue;
            };
            if looks_secret_name(key) || (headers && key.eq_ignore_ascii_case("cookie")) {
                self.secret(v);
            }
            fields.entries.push(Field {
                key: key.clone(),
                key_span: k.inner(),
                value: self.value_of(v),
            });
        }
        Some(fields)
    }

    /// An Insomnia `body`: its `text` (variables substituted as Insomnia does before
    /// sending), or its `params` as a form.
    fn insomnia_body(&mut self, body: &J, vars: &Vars) -> Option<Body> {
        if let Some(raw @ J::Str { .. }) = body.get("text") {
            let (text, _) = json::decode_mapped(self.text, &raw.span())?;
            let span = raw.inner();
            if text.is_empty() {
                return None;
            }
            if text.contains("{{") {
                return Some(match super::substitute_json(&text, vars, self) {
                    Some(t) => Body::Raw { text: t, span },
                    None => Body::Expr { text, span },
                });
            }
            return Some(Body::Raw { text, span });
        }
        let fields = self.insomnia_pairs(body.get("params"), false)?;
        Some(Body::Form { fields })
    }
}

/// The requests of a YAML export, and the variables of its environments (this file's
/// scalars, as `name` and `_.name`).
fn yaml_requests<'n>(root: &'n Node) -> (Vec<&'n Node>, Vec<(&'n str, &'n Node)>) {
    let mut requests = Vec::new();
    let mut env = Vec::new();
    let mut data = |d: Option<&'n Node>| {
        for (k, _, v) in d.map(Node::entries).unwrap_or(&[]) {
            env.push((k.as_str(), v));
        }
    };
    if let Some(resources) = root.get("resources") {
        for r in resources.items() {
            match r.get("_type").and_then(Node::str) {
                Some("environment") => data(r.get("data")),
                Some("request") => requests.push(r),
                _ => {}
            }
        }
    } else {
        if let Some(envs) = root.get("environments") {
            data(envs.get("data"));
            for sub in envs.get("subEnvironments").map(Node::items).unwrap_or(&[]) {
                data(sub.get("data"));
            }
        }
        let mut stack: Vec<&Node> = root
            .get("collection")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .rev()
            .collect();
        while let Some(item) = stack.pop() {
            if item.get("url").is_some() {
                requests.push(item);
            }
            if let Some(children) = item.get("children") {
                stack.extend(children.items().iter().rev());
            }
        }
    }
    (requests, env)
}

fn extract_yaml(text: &str) -> Extraction {
    let mut out = Extraction::default();
    let docs = match yaml_tree::parse(text) {
        Ok(docs) => docs,
        Err(Unread::Invalid(error)) => {
            out.syntax_error = Some(error);
            return out;
        }
        Err(Unread::TooDeep) => return out,
    };
    let Some(root) = docs.first() else {
        return out;
    };
    let (requests, env) = yaml_requests(root);
    let mut vars = HashMap::new();
    for (k, v) in env {
        if let Some(span) = v.exact_span().filter(|s| !s.is_empty()) {
            vars.insert(format!("_.{k}"), span.clone());
            vars.insert(k.to_string(), span.clone());
        }
    }
    let r = Resolver { text, vars: &vars };
    for req in requests {
        if let Some(call) = yaml_request(text, &r, req, &mut out.secrets) {
            out.calls.push(call);
        }
    }
    out.secrets.sort_by_key(|s| (s.start, s.end));
    out.secrets.dedup();
    out
}

/// A literal scalar under a secret name is a secret.
fn yaml_secret(text: &str, v: Option<&Node>, secrets: &mut Vec<Span>) {
    if let Some(span) = v.and_then(Node::exact_span) {
        let value = &text[span.clone()];
        if !value.contains("{{") && !crate::secrets::is_placeholder(value) {
            secrets.push(span.clone());
        }
    }
}

fn yaml_value(r: &Resolver, node: &Node) -> Value {
    match node.scalar() {
        Some(s) if s.exact => r.value(&s.span),
        Some(s) => Value::Expr {
            text: s.value.clone(),
            span: s.span.clone(),
        },
        None => Value::Expr {
            text: String::new(),
            span: node.start().map_or(0..0, |a| a..a),
        },
    }
}

/// `[{name, value, disabled}]` as fields.
fn yaml_pairs(
    text: &str,
    r: &Resolver,
    list: &Node,
    headers: bool,
    secrets: &mut Vec<Span>,
) -> Fields {
    let mut fields = Fields {
        span: match list {
            Node::Seq(_, s) => s.clone(),
            _ => 0..0,
        },
        ..Fields::default()
    };
    for e in list.items() {
        if e.get("disabled").and_then(Node::str) == Some("true") {
            continue;
        }
        let (Some((key, key_span)), Some(v)) = (
            e.get("name")
                .and_then(|n| Some((n.str()?, n.exact_span()?.clone()))),
            e.get("value"),
        ) else {
            continue;
        };
        if looks_secret_name(key) || (headers && key.eq_ignore_ascii_case("cookie")) {
            yaml_secret(text, Some(v), secrets);
        }
        fields.entries.push(Field {
            key: key.to_string(),
            key_span,
            value: yaml_value(r, v),
        });
    }
    fields
}

fn yaml_request(text: &str, r: &Resolver, req: &Node, secrets: &mut Vec<Span>) -> Option<HttpCall> {
    let url = req.get("url")?.scalar()?;
    if !url.exact {
        return None;
    }
    let mut vias = Vec::new();
    let pieces = r.pieces(&url.span, &mut vias, 0);
    let method = match req.get("method").and_then(Node::scalar) {
        Some(m) => Method::known(&m.value, m.exact.then(|| m.span.clone())),
        None => Method::implied("GET"),
    };
    let url_template = UrlTemplate {
        pieces,
        span: url.span.clone(),
    };
    let mut call = HttpCall::new(
        Client::PmSendRequest,
        method,
        url_template,
        url.span.clone(),
    );
    call.vias = vias;
    let req_span = match req {
        Node::Map(_, s) => s.clone(),
        _ => url.span.clone(),
    };
    call.scope = Some(req_span.clone());
    call.query.span = url.span.clone();
    call.headers = match req.get("headers") {
        Some(h) => yaml_pairs(text, r, h, true, secrets),
        None => Fields::default(),
    };
    if call.headers.span.is_empty() {
        call.headers.span = req_span;
    }
    if let Some(auth) = req.get("authentication") {
        for key in ["token", "password"] {
            yaml_secret(text, auth.get(key), secrets);
        }
        if auth.get("type").and_then(Node::str) == Some("bearer") {
            if let Some(t) = auth.get("token").and_then(Node::scalar).filter(|t| t.exact) {
                let prefix = auth.get("prefix").and_then(Node::str).unwrap_or("Bearer");
                let value = format!("{prefix} {}", t.value);
                call.headers.entries.push(Field {
                    key: "Authorization".into(),
                    key_span: t.span.clone(),
                    value: if value.contains("{{") {
                        Value::Expr {
                            text: value,
                            span: t.span.clone(),
                        }
                    } else {
                        Value::Str {
                            value,
                            span: t.span.clone(),
                        }
                    },
                });
            }
        }
    }
    if let Some(body) = req.get("body") {
        if let Some(t) = body.get("text").and_then(Node::scalar) {
            if (t.exact || !t.lines.is_empty()) && !t.value.is_empty() {
                call.body = Some(if t.value.contains("{{") {
                    Body::Expr {
                        text: t.value.clone(),
                        span: t.span.clone(),
                    }
                } else {
                    Body::Raw {
                        text: t.value.clone(),
                        span: t.span.clone(),
                    }
                });
            }
        } else if let Some(params) = body.get("params") {
            call.body = Some(Body::Form {
                fields: yaml_pairs(text, r, params, false, secrets),
            });
        }
    }
    Some(call)
}

/// A string of the plan as Insomnia writes it: run-time values are environment
/// variables.
fn part_text(p: &Part) -> Result<String, String> {
    Ok(match p {
        Part::Lit(s) => s.clone(),
        Part::Source { text, .. } => text.clone(),
        Part::Env(name) => format!("{{{{ _.{name} }}}}"),
        Part::Call { function, .. } => format!("{{{{ _.{function} }}}}"),
        Part::Param(name) => return Err(format!("`{name}` is no value here")),
    })
}

fn parts_text(parts: &[Part]) -> Result<String, String> {
    parts.iter().map(part_text).collect()
}

fn rvalue(v: &RValue) -> Result<JV, String> {
    Ok(match v {
        RValue::Str(parts) => JV::String(parts_text(parts)?),
        RValue::Bool(b) => JV::Bool(*b),
        RValue::Num(n) => serde_json::from_str(n).unwrap_or(JV::String(n.clone())),
        RValue::Null => JV::Null,
        RValue::Array(items) => JV::Array(items.iter().map(rvalue).collect::<Result<_, _>>()?),
        RValue::Object(entries) => {
            let mut m = serde_json::Map::new();
            for (k, v) in entries {
                m.insert(k.clone(), rvalue(v)?);
            }
            JV::Object(m)
        }
    })
}

/// The body of a rewrite as an Insomnia body object (`mimeType` and `text` or
/// `params`), or `None` for no body.
fn new_body(body: &NewBody) -> Result<Option<JV>, String> {
    Ok(match body {
        NewBody::None => None,
        NewBody::Json(v) => Some(serde_json::json!({
            "mimeType": "application/json",
            "text": serde_json::to_string_pretty(&rvalue(v)?).expect("values serialise"),
        })),
        NewBody::Form(fields) => {
            let mut params = Vec::new();
            for (k, v) in fields {
                let value = match rvalue(v)? {
                    JV::String(s) => s,
                    other => other.to_string(),
                };
                params.push(serde_json::json!({"name": k, "value": value}));
            }
            Some(serde_json::json!({
                "mimeType": "application/x-www-form-urlencoded",
                "params": params,
            }))
        }
    })
}

/// The edits of each rewrite of an Insomnia request, made in the file as written.
pub fn render_batch(
    text: &str,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<Result<Vec<Edit>, String>> {
    if is_json(text) {
        let root = json::parse(text).map_err(|(_, m)| m);
        return items
            .iter()
            .map(|(call, rw)| render_json(text, root.as_ref().map_err(Clone::clone)?, call, rw))
            .collect();
    }
    let docs = yaml_tree::parse(text).map_err(|_| "the export does not parse".to_string());
    items
        .iter()
        .map(|(call, rw)| {
            let docs = docs.as_ref().map_err(Clone::clone)?;
            let root = docs.first().ok_or("the export is empty")?;
            let (requests, _) = yaml_requests(root);
            let req = requests
                .into_iter()
                .find(|r| {
                    r.get("url")
                        .and_then(Node::exact_span)
                        .is_some_and(|s| *s == call.url.span)
                })
                .ok_or("the request was not found in the export")?;
            render_yaml(text, req, rw)
        })
        .collect()
}

/// Insomnia v4 exports: their requests.
pub struct Insomnia;

impl crate::frontend::FrontEnd for Insomnia {
    fn languages(&self) -> &'static [crate::source::Language] {
        &[crate::source::Language::Insomnia]
    }

    fn of_path(&self, path: &std::path::Path) -> Option<crate::source::Language> {
        crate::frontend::detect::is_insomnia_name(path).then_some(crate::source::Language::Insomnia)
    }

    fn extract(
        &self,
        file: &crate::source::SourceFile,
        _context: &crate::frontend::Context,
    ) -> crate::call::Extraction {
        extract(&file.text)
    }

    fn syntax_error(
        &self,
        file: &crate::source::SourceFile,
    ) -> Option<(crate::call::Span, String)> {
        syntax_check(&file.text)
    }
}

impl crate::frontend::Spell for Insomnia {
    fn spell(
        &self,
        file: &crate::source::SourceFile,
        _parsed: &crate::call::Extraction,
        items: &[(&crate::call::HttpCall, &crate::model::plan::RewritePlan)],
    ) -> Vec<Result<Vec<crate::finding::Edit>, String>> {
        render_batch(&file.text, items)
    }

    fn json_quoting(&self) -> crate::frontend::JsonQuoting {
        crate::frontend::quoting::by_hand
    }

    /// Exports are JSON or YAML: their literals sit in JSON text or are YAML scalars.
    fn literal_edits(&self, file: &crate::source::SourceFile) -> crate::frontend::LiteralEdits {
        let json = file
            .text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with(['{', '[']);
        if json {
            crate::frontend::LiteralEdits::JsonText
        } else {
            crate::frontend::LiteralEdits::Yaml
        }
    }
}

fn render_json(
    text: &str,
    root: &J,
    call: &HttpCall,
    rw: &RewritePlan,
) -> Result<Vec<Edit>, String> {
    let req = root
        .get("resources")
        .map(J::items)
        .unwrap_or(&[])
        .iter()
        .find(|r| r.get("url").is_some_and(|u| u.span() == call.span))
        .ok_or("the request was not found in the export")?;
    let r = Renderer {
        text,
        unit: indent_unit(text),
    };
    let mut edits = Vec::new();
    let url_prop = req.prop("url").ok_or("the request has no URL")?;
    if let Some(m) = &rw.method {
        match req.get("method") {
            Some(v @ J::Str { value, .. }) => {
                if !value.eq_ignore_ascii_case(m) {
                    edits.push(Edit {
                        span: v.inner(),
                        content: json::escape(m),
                    });
                }
            }
            _ => edits.push(r.insert_after(url_prop, "method", &JV::String(m.clone()))),
        }
    }
    if rw.url.is_some() || rw.drop_query || !rw.drop_params.is_empty() {
        let J::Str { value, .. } = &url_prop.value else {
            return Err("the URL is not a string".into());
        };
        let inner = url_prop.value.inner();
        if &text[inner.clone()] != value {
            return Err("the URL has JSON escapes; rewrite it by hand".into());
        }
        let new = crate::frontend::ansible::new_url(value, &inner, rw, &parts_text)?;
        if new != *value {
            edits.push(Edit {
                span: inner,
                content: json::escape(&new),
            });
        }
    }
    if !rw.set_headers.is_empty() || !rw.remove_headers.is_empty() {
        let mut set = Vec::new();
        for (name, parts) in &rw.set_headers {
            set.push((name.clone(), parts_text(parts)?, false));
        }
        let removed = |k: &str| rw.remove_headers.iter().any(|x| x.eq_ignore_ascii_case(k));
        match req.get("headers") {
            Some(h @ J::Arr { items, .. }) => {
                let (ind, multiline) = r.element_indent(h);
                // Entries written on one line each are added the same way.
                let multiline =
                    multiline && items.first().is_none_or(|e| text[e.span()].contains('\n'));
                let mut elems = Vec::new();
                for e in items {
                    let k = e.get("name").and_then(J::str).unwrap_or("");
                    let mut t = text[e.span()].to_string();
                    if let Some(s) = set
                        .iter_mut()
                        .find(|(n, _, done)| !*done && n.eq_ignore_ascii_case(k))
                    {
                        s.2 = true;
                        let Some(v @ J::Str { .. }) = e.get("value") else {
                            return Err(format!("the header `{k}` has no string value"));
                        };
                        let base = e.span().start;
                        let vi = v.inner();
                        t.replace_range(vi.start - base..vi.end - base, &json::escape(&s.1));
                    } else if removed(k) {
                        continue;
                    }
                    elems.push(t);
                }
                for (name, value, done) in &set {
                    if !done {
                        let entry = serde_json::json!({"name": name, "value": value});
                        elems.push(r.object_text(&entry, &ind, multiline));
                    }
                }
                let content = r.rebuild_array(h, &elems);
                if content != text[h.span()] {
                    edits.push(Edit {
                        span: h.span(),
                        content,
                    });
                }
            }
            Some(_) => return Err("the headers are not an array".into()),
            None if !set.is_empty() => {
                let list: Vec<JV> = set
                    .iter()
                    .map(|(n, v, _)| serde_json::json!({"name": n, "value": v}))
                    .collect();
                let after = req.prop("method").unwrap_or(url_prop);
                edits.push(r.insert_after(after, "headers", &JV::Array(list)));
            }
            None => {}
        }
    }
    if let Some(body) = &rw.body {
        match (new_body(body)?, req.prop("body")) {
            (None, Some(_)) => edits.extend(remove_prop(req, "body")),
            (None, None) => {}
            (Some(new), Some(p)) => {
                let ind = line_indent(text, p.key_span.start);
                edits.push(Edit {
                    span: p.value.span(),
                    content: r.pretty(&new, &ind),
                });
            }
            (Some(new), None) => {
                let last = req.props().last().ok_or("the request is empty")?;
                edits.push(r.insert_after(last, "body", &new));
            }
        }
    }
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    Ok(edits)
}

fn render_yaml(text: &str, req: &Node, rw: &RewritePlan) -> Result<Vec<Edit>, String> {
    let Node::Map(entries, span) = req else {
        return Err("the request is not a mapping".into());
    };
    if text[span.start..].starts_with('{') {
        return Err("the request is a flow mapping: edit it by hand".into());
    }
    let nl = yaml_tree::newline(text);
    let (url_key, url) = req.entry("url").ok_or("the request has no URL")?;
    let col = yaml_tree::column(text, url_key.start);
    let pad = " ".repeat(col);
    let mut edits = Vec::new();
    let mut inserts = String::new();
    if let Some(m) = &rw.method {
        match req.get("method") {
            Some(v) if !v.str().is_some_and(|o| o.eq_ignore_ascii_case(m)) => {
                edits.push(yaml_tree::set_scalar(v, m)?)
            }
            Some(_) => {}
            None => inserts.push_str(&format!("{pad}method: {m}{nl}")),
        }
    }
    if rw.url.is_some() || rw.drop_query || !rw.drop_params.is_empty() {
        let s = url
            .scalar()
            .filter(|s| s.exact)
            .ok_or("the URL is not a one-line scalar")?;
        let new = crate::frontend::ansible::new_url(&s.value, &s.span, rw, &parts_text)?;
        if new != s.value {
            edits.push(yaml_tree::set_scalar(url, &new)?);
        }
    }
    let item = |name: &str, value: &str, ind: &str| {
        format!(
            "{ind}- name: {}{nl}{ind}  value: {}{nl}",
            yaml_tree::scalar_text(name),
            yaml_tree::scalar_text(value)
        )
    };
    if !rw.set_headers.is_empty() || !rw.remove_headers.is_empty() {
        let mut set = Vec::new();
        for (name, parts) in &rw.set_headers {
            set.push((name.clone(), parts_text(parts)?, false));
        }
        let removed = |k: &str| rw.remove_headers.iter().any(|x| x.eq_ignore_ascii_case(k));
        match req.get("headers") {
            Some(Node::Seq(items, _)) if !items.is_empty() => {
                let dash = |n: &Node| -> Result<usize, String> {
                    // The dash before the item's first key.
                    let at = n
                        .entries()
                        .first()
                        .map(|(_, k, _)| k.start)
                        .ok_or("a header is not a mapping")?;
                    text[..at]
                        .rfind('-')
                        .filter(|d| text[*d + 1..at].trim().is_empty())
                        .ok_or_else(|| "a header is not a block sequence item".to_string())
                };
                let mut last_end = 0;
                let mut ind = String::new();
                for e in items {
                    let d = dash(e)?;
                    ind = " ".repeat(yaml_tree::column(text, d));
                    last_end = yaml_tree::entry_end(text, d);
                    let k = e.get("name").and_then(Node::str).unwrap_or("");
                    if let Some(s) = set
                        .iter_mut()
                        .find(|(n, _, done)| !*done && n.eq_ignore_ascii_case(k))
                    {
                        s.2 = true;
                        let v = e.get("value").ok_or("a header has no value")?;
                        if v.str() != Some(s.1.as_str()) {
                            edits.push(yaml_tree::set_scalar(v, &s.1)?);
                        }
                    } else if removed(k) {
                        let start = yaml_tree::line_start(text, d);
                        if !text[start..d].trim().is_empty() {
                            return Err("a header shares its line: edit it by hand".into());
                        }
                        edits.push(Edit {
                            span: start..yaml_tree::entry_end(text, d),
                            content: String::new(),
                        });
                    }
                }
                let added: String = set
                    .iter()
                    .filter(|s| !s.2)
                    .map(|(n, v, _)| item(n, v, &ind))
                    .collect();
                if !added.is_empty() {
                    edits.push(Edit {
                        span: last_end..last_end,
                        content: added,
                    });
                }
            }
            Some(Node::Seq(..)) | None => {
                if let Some((k, _)) = req.entry("headers") {
                    edits.push(yaml_tree::remove_entry(text, k.start)?);
                }
                if !set.is_empty() {
                    inserts.push_str(&format!("{pad}headers:{nl}"));
                    for (n, v, _) in &set {
                        inserts.push_str(&item(n, v, &format!("{pad}  ")));
                    }
                }
            }
            Some(_) => return Err("the headers are not a list".into()),
        }
    }
    if let Some(body) = &rw.body {
        if let Some((k, _)) = req.entry("body") {
            edits.push(yaml_tree::remove_entry(text, k.start)?);
        }
        if let Some(new) = new_body(body)? {
            inserts.push_str(&format!("{pad}body:{nl}"));
            let inner = " ".repeat(col + 2);
            inserts.push_str(&format!(
                "{inner}mimeType: {}{nl}",
                new["mimeType"].as_str().unwrap_or_default()
            ));
            if let Some(t) = new.get("text").and_then(JV::as_str) {
                let lines: Vec<String> = t.lines().map(|l| format!("{inner}  {l}")).collect();
                inserts.push_str(&format!("{inner}text: |-{nl}{}{nl}", lines.join(nl)));
            }
            if let Some(params) = new.get("params").and_then(JV::as_array) {
                inserts.push_str(&format!("{inner}params:{nl}"));
                for p in params {
                    inserts.push_str(&item(
                        p["name"].as_str().unwrap_or_default(),
                        p["value"].as_str().unwrap_or_default(),
                        &format!("{inner}  "),
                    ));
                }
            }
        }
    }
    if !inserts.is_empty() {
        let at = yaml_tree::entry_end(text, url_key.start);
        let lead = if at == text.len() && !text.ends_with('\n') {
            nl
        } else {
            ""
        };
        edits.push(Edit {
            span: at..at,
            content: format!("{lead}{inserts}"),
        });
    }
    let _ = entries;
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_environments_and_secrets() {
        let text = r#"{"_type": "export", "__export_format": 4, "resources": [
 {"_type": "environment", "data": {"base": "https://community.khoros.com"}},
 {"_type": "request", "method": "DELETE", "url": "{{ _.base }}/api/2.0/users/{{id}}",
  "headers": [{"name": "li-api-session-key", "value": "abcdef0123456789"}],
  "authentication": {"type": "bearer", "token": "tok0123456789"},
  "body": {"mimeType": "application/json", "text": "{\"a\": 1}"}},
 {"_type": "request_group", "name": "x"},
 {"_type": "request", "url": 3}
]}"#;
        assert!(sniff(text));
        let ex = extract(text);
        assert_eq!(ex.calls.len(), 1);
        let c = &ex.calls[0];
        assert_eq!(c.method.name.as_deref(), Some("DELETE"));
        assert_eq!(c.headers.entries.len(), 2);
        assert_eq!(ex.secrets.len(), 2);
        let lits: String = c
            .url
            .pieces
            .iter()
            .filter_map(|p| match p {
                crate::call::Piece::Lit { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(lits.contains("community.khoros.com"), "{lits}");
        for t in [
            "{",
            "[]",
            "{\"resources\": 3}",
            "{\"resources\": [{\"_type\": \"request\"}]}",
        ] {
            let _ = extract(t);
        }
        assert!(!sniff("{\"data\": []}"));
    }
}
