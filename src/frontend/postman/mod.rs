//! Postman front end: Collection v2.0 / v2.1 files and environments.
//!
//! A strict, span-aware JSON parse ([`json`]) gives every value its exact byte range.
//! The walk goes through nested `item` folders and lowers each request (and each saved
//! example's `originalRequest`) into an `HttpCall`: method, URL (`raw`, or the split
//! `host`/`path`/`query` fields), headers, `auth` inherited from the collection and
//! folders, and the body (`raw`, `urlencoded`, `formdata`, `graphql`). `{{var}}`
//! references resolve from collection and folder `variable` entries and from
//! environments (`--postman-env`, or a `*.postman_environment.json` beside the
//! collection); what does not resolve is a `Piece::Hole`, and so is a variable whose
//! initial value is empty (a script sets it at run time). A request's `scope` is its
//! folder, so rules that look at the calls before a call stay inside the folder.
//! Pre-request and test scripts go through the JavaScript front end, with every span
//! mapped back into the collection file.
//!
//! Not for: running scripts, or guessing variables set by scripts at run time.

pub mod insomnia;
pub mod json;
pub mod render;

use super::Extraction;
use crate::call::{
    Body, Client, Field, Fields, HttpCall, Method, Piece, Span, UrlTemplate, Value, Via,
};
use crate::model::template::{self, Segment};
use crate::source::Language;
use json::J;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
/// Whether the start of a `.json` file's text says it is a Postman collection or
/// environment (`info.schema` naming a Postman schema, `_postman_variable_scope`).
pub fn sniff(prefix: &str) -> bool {
    let p = prefix.trim_start_matches('\u{feff}').trim_start();
    p.starts_with('{')
        && (p.contains("schema.getpostman.com/json/collection")
            || p.contains("schema.postman.com/json/collection")
            || p.contains("\"_postman_variable_scope\""))
}

/// Whether `path` names a Postman file by its suffix.
pub fn is_postman_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(|n| n.to_ascii_lowercase())
        .is_some_and(|n| {
            n.ends_with(".postman_collection.json") || n.ends_with(".postman_environment.json")
        })
}

/// A variable's value and, when written plainly in this file, where.
#[derive(Clone, Debug)]
struct Var {
    value: String,
}

type Vars = HashMap<String, Var>;

/// Reads an environment file: only a regular file (a FIFO or a device would block
/// the run) no larger than the scan's size cap.
fn read_env_file(path: &Path) -> Result<serde_json::Value, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > crate::source::MAX_FILE_BYTES {
        return Err("larger than 8 MiB".into());
    }
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("not valid JSON: {e}"))
}

/// Checks an environment file named by `--postman-env`: it must be a readable
/// Postman environment (a JSON object with a `values` array), since a truncated or
/// wrong file would otherwise leave every variable it defines unresolved in silence.
pub fn check_env_file(path: &Path) -> Result<(), String> {
    let v = read_env_file(path)?;
    match v.get("values") {
        Some(serde_json::Value::Array(_)) => Ok(()),
        _ => Err("not a Postman environment (no `values` array)".into()),
    }
}

fn read_env_vars(path: &Path, into: &mut Vars) {
    let Ok(v) = read_env_file(path) else {
        return;
    };
    let Some(values) = v.get("values").and_then(|v| v.as_array()) else {
        return;
    };
    for e in values {
        if e.get("enabled").and_then(|x| x.as_bool()) == Some(false) {
            continue;
        }
        if let (Some(k), Some(val)) = (
            e.get("key").and_then(|k| k.as_str()),
            e.get("value").and_then(|k| k.as_str()),
        ) {
            // An empty initial value is set by a script at run time: unknown here.
            if val.is_empty() {
                continue;
            }
            into.insert(
                k.to_string(),
                Var {
                    value: val.to_string(),
                },
            );
        }
    }
}

/// Environments for a collection: the ones beside it, then `env_files` (`--postman-env`,
/// which win).
fn environment_vars(path: &Path, env_files: &[PathBuf]) -> Vars {
    let mut vars = Vars::new();
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(rd) = std::fs::read_dir(dir) {
            let mut envs: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.to_ascii_lowercase()
                            .ends_with(".postman_environment.json")
                    })
                })
                .collect();
            envs.sort();
            for e in envs {
                read_env_vars(&e, &mut vars);
            }
        }
    }
    for f in env_files {
        read_env_vars(f, &mut vars);
    }
    vars
}

/// Extracts the requests, script calls, secrets and JSON error of a Postman file;
/// `env_files` are environments given for the whole run (`--postman-env`).
pub fn extract(text: &str, path: &Path, env_files: &[PathBuf]) -> Extraction {
    let (root, mut ex) = match Extractor::parse(text) {
        Ok(parsed) => parsed,
        Err(failed) => return failed,
    };
    if root.get("_postman_variable_scope").is_some() && root.get("item").is_none() {
        // An environment: only its secrets matter.
        for v in root.get("values").map(J::items).unwrap_or(&[]) {
            if let (Some(k), Some(val)) = (v.get("key").and_then(J::str), v.get("value")) {
                if looks_secret_name(k) {
                    ex.secret(val);
                }
            }
        }
        return ex.finish();
    }
    if let Some(error) = shape_error(&root) {
        return Extraction {
            syntax_error: Some(error),
            ..Extraction::default()
        };
    }
    let mut vars = environment_vars(path, env_files);
    // Collection variables are the weakest scope: environment values win.
    let mut coll = Vars::new();
    add_variables(&root, &mut coll);
    for (k, v) in coll {
        vars.entry(k).or_insert(v);
    }
    let auth = root.get("auth");
    ex.events(&root, &vars);
    ex.walk_items(&root, root.span(), &vars, auth);
    ex.finish()
}

/// Where a collection is valid JSON but not the shape of a Postman collection
/// (`"item": 3`, an item that is not an object, a request that is neither an object
/// nor a URL string): read as it is, its requests would be skipped in silence.
fn shape_error(root: &J) -> Option<(Span, String)> {
    fn kind(j: &J) -> &'static str {
        match j {
            J::Str { .. } => "a string",
            J::Num { .. } => "a number",
            J::Bool { .. } => "a boolean",
            J::Null { .. } => "null",
            J::Obj { .. } => "an object",
            J::Arr { .. } => "an array",
        }
    }
    let wrong = |j: &J, what: &str, expected: &str| {
        Some((
            j.span(),
            format!(
                "not a Postman collection: `{what}` is {}, expected {expected}",
                kind(j)
            ),
        ))
    };
    if !matches!(root, J::Obj { .. }) {
        return wrong(root, "the collection", "an object");
    }
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if let Some(items) = node.get("item") {
            if !matches!(items, J::Arr { .. }) {
                return wrong(items, "item", "an array");
            }
            for item in items.items() {
                if !matches!(item, J::Obj { .. }) {
                    return wrong(item, "item[]", "an object");
                }
                stack.push(item);
            }
        }
        if let Some(req) = node.get("request") {
            if !matches!(req, J::Obj { .. } | J::Str { .. }) {
                return wrong(req, "request", "an object or a URL string");
            }
            if let Some(url) = req.get("url") {
                if !matches!(url, J::Obj { .. } | J::Str { .. }) {
                    return wrong(url, "request.url", "an object or a string");
                }
            }
        }
    }
    None
}

fn add_variables(node: &J, vars: &mut Vars) {
    for v in node.get("variable").map(J::items).unwrap_or(&[]) {
        if v.get("disabled").is_some_and(J::is_true) {
            continue;
        }
        let key = v.get("key").or_else(|| v.get("id")).and_then(J::str);
        let value = match v.get("value") {
            Some(J::Str { value, .. }) => value.clone(),
            Some(J::Num { text, .. }) => text.clone(),
            Some(J::Bool { value, .. }) => value.to_string(),
            _ => continue,
        };
        let Some(k) = key else { continue };
        // An empty initial value is set by a script at run time (`pm.collectionVariables
        // .set(…)`): a hole, not an empty string, and it hides an outer scope's value.
        if value.is_empty() {
            vars.remove(k);
        } else {
            vars.insert(k.to_string(), Var { value });
        }
    }
}

fn looks_secret_name(name: &str) -> bool {
    crate::secrets::is_secret_name(name)
}

struct Extractor<'t> {
    text: &'t str,
    calls: Vec<HttpCall>,
    secrets: Vec<Span>,
}

impl<'t> Extractor<'t> {
    fn finish(mut self) -> Extraction {
        self.secrets.sort_by_key(|s| (s.start, s.end));
        self.secrets.dedup();
        Extraction {
            calls: self.calls,
            secrets: self.secrets,
            syntax_error: None,
            ..Default::default()
        }
    }

    /// A literal string value (not a `{{variable}}`) is a secret.
    fn secret(&mut self, v: &J) {
        if let J::Str { value, .. } = v {
            if !crate::secrets::is_placeholder(value) {
                self.secrets.push(v.inner());
            }
        }
    }

    fn walk_items(&mut self, node: &J, scope: Span, vars: &Vars, auth: Option<&J>) {
        for item in node.get("item").map(J::items).unwrap_or(&[]) {
            let mut vars = vars.clone();
            add_variables(item, &mut vars);
            let auth = item.get("auth").or(auth);
            if item.get("item").is_some() {
                self.events(item, &vars);
                self.walk_items(item, item.span(), &vars, auth);
                continue;
            }
            if let Some(req) = item.get("request") {
                self.request(req, &scope, &vars, auth);
            }
            self.events(item, &vars);
            for resp in item.get("response").map(J::items).unwrap_or(&[]) {
                if let Some(orig) = resp.get("originalRequest") {
                    self.request(orig, &scope, &vars, auth);
                }
            }
        }
    }

    fn request(&mut self, req: &J, scope: &Span, vars: &Vars, inherited: Option<&J>) {
        let (method, url_node) = match req {
            J::Str { .. } => (Method::implied("GET"), Some(req)),
            J::Obj { .. } => {
                let method = match req.get("method") {
                    Some(m @ J::Str { value, .. }) => Method::known(value, Some(m.inner())),
                    _ => Method::implied("GET"),
                };
                (method, req.get("url"))
            }
            _ => return,
        };
        let Some(url_node) = url_node else { return };
        let mut vias = Vec::new();
        let url = self.url(url_node, vars, &mut vias);
        // Diagnostics point at the URL (the request line of the collection).
        let at = url_node.get("raw").unwrap_or(url_node).span();
        let mut call = HttpCall::new(Client::PmSendRequest, method, url, at);
        call.vias = vias;
        call.scope = Some(scope.clone());
        if let J::Obj { .. } = req {
            call.headers = self.headers(req);
            let auth = match req.get("auth") {
                Some(a) => Some(a),
                None => inherited,
            };
            if let Some(a) = auth {
                self.auth(a, &mut call.headers);
            }
            call.body = self.body(req.get("body"), vars);
        }
        self.calls.push(call);
    }

    /// A string's text with `{{var}}` resolved, or `None` when some do not resolve.
    /// Variables whose values hold variables are followed five deep; deeper (or in a
    /// cycle, `a` = `{{b}}`, `b` = `{{a}}`) the value is kept as written.
    fn resolve_text(&self, s: &str, vars: &Vars) -> Option<String> {
        self.resolve_nested(s, vars, 0)
    }

    fn resolve_nested(&self, s: &str, vars: &Vars, depth: usize) -> Option<String> {
        template::substitute(s, |name, _| {
            let v = vars.get(name)?;
            if v.value.contains("{{") && depth < 5 {
                self.resolve_nested(&v.value, vars, depth + 1)
            } else {
                Some(v.value.clone())
            }
        })
    }

    fn value_of(&self, v: &J) -> Value {
        match v {
            J::Str { value, .. } => {
                // A `{{variable}}` is read at run time: never a hard-coded value.
                if value.contains("{{") {
                    Value::Expr {
                        text: value.clone(),
                        span: v.inner(),
                    }
                } else {
                    Value::Str {
                        value: value.clone(),
                        span: v.inner(),
                    }
                }
            }
            J::Num { text, span } => Value::Num {
                text: text.clone(),
                span: span.clone(),
            },
            J::Bool { value, span } => Value::Bool {
                value: *value,
                span: span.clone(),
            },
            J::Null { span } => Value::Null { span: span.clone() },
            J::Arr { items, span } => Value::Array {
                items: items.iter().map(|i| self.value_of(i)).collect(),
                span: span.clone(),
            },
            J::Obj { props, span } => Value::Object(Fields {
                entries: props
                    .iter()
                    .map(|p| Field {
                        key: p.key.clone(),
                        key_span: p.key_span.start + 1..p.key_span.end - 1,
                        value: self.value_of(&p.value),
                    })
                    .collect(),
                open: false,
                span: span.clone(),
            }),
        }
    }

    /// The URL of a request: a string, or an object with `raw` or split fields.
    fn url(&self, node: &J, vars: &Vars, vias: &mut Vec<Via>) -> UrlTemplate {
        let path_vars: Vec<(String, J)> = node
            .get("variable")
            .map(J::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|v| {
                let k = v.get("key").or_else(|| v.get("id")).and_then(J::str)?;
                Some((k.to_string(), v.get("value")?.clone()))
            })
            .collect();
        let raw = match node {
            J::Str { .. } => Some(node),
            _ => node.get("raw").filter(|r| matches!(r, J::Str { .. })),
        };
        if let Some(raw) = raw {
            let pieces = self.template(raw, vars, &path_vars, vias, true);
            return UrlTemplate {
                pieces,
                span: node.span(),
            };
        }
        // Split fields only: protocol://host:port/path?query.
        let mut pieces = Vec::new();
        let sep = |text: &str, at: usize| Piece::Lit {
            text: text.into(),
            span: at..at,
            exact: false,
        };
        let start = node.span().start;
        if let Some(p @ J::Str { .. }) = node.get("protocol") {
            pieces.extend(self.template(p, vars, &path_vars, vias, false));
            pieces.push(sep("://", p.span().end));
        }
        match node.get("host") {
            Some(h @ J::Str { .. }) => {
                pieces.extend(self.template(h, vars, &path_vars, vias, false))
            }
            Some(J::Arr { items, .. }) => {
                for (i, h) in items.iter().enumerate() {
                    if i > 0 {
                        pieces.push(sep(".", h.span().start));
                    }
                    pieces.extend(self.template(h, vars, &path_vars, vias, false));
                }
            }
            _ => {}
        }
        if let Some(port) = node.get("port") {
            let text = match port {
                J::Str { value, .. } => value.clone(),
                J::Num { text, .. } => text.clone(),
                _ => String::new(),
            };
            pieces.push(sep(&format!(":{text}"), port.span().start));
        }
        match node.get("path") {
            Some(p @ J::Str { .. }) => {
                if !p.str().unwrap_or("").starts_with('/') {
                    pieces.push(sep("/", p.span().start));
                }
                pieces.extend(self.template(p, vars, &path_vars, vias, true));
            }
            Some(J::Arr { items, .. }) => {
                for seg in items {
                    pieces.push(sep("/", seg.span().start));
                    let seg = seg.get("value").unwrap_or(seg);
                    if let J::Str { .. } = seg {
                        pieces.extend(self.template(seg, vars, &path_vars, vias, true));
                    }
                }
            }
            _ => {}
        }
        let mut first = true;
        for q in node.get("query").map(J::items).unwrap_or(&[]) {
            if q.get("disabled").is_some_and(J::is_true) {
                continue;
            }
            let Some(k) = q.get("key") else { continue };
            pieces.push(sep(if first { "?" } else { "&" }, k.span().start));
            first = false;
            pieces.extend(self.template(k, vars, &path_vars, vias, false));
            if let Some(v @ J::Str { .. }) = q.get("value") {
                pieces.push(sep("=", v.span().start));
                pieces.extend(self.template(v, vars, &path_vars, vias, false));
            }
        }
        if pieces.is_empty() {
            pieces.push(sep("", start));
        }
        UrlTemplate {
            pieces,
            span: node.span(),
        }
    }

    /// The pieces of one string of a URL: literal runs, `{{var}}` and `:pathVar`.
    fn template(
        &self,
        node: &J,
        vars: &Vars,
        path_vars: &[(String, J)],
        vias: &mut Vec<Via>,
        path_vars_here: bool,
    ) -> Vec<Piece> {
        let Some((text, map)) = json::decode_mapped(self.text, &node.span()) else {
            return Vec::new();
        };
        let src = |a: usize, b: usize| map[a]..map[b];
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let query_at = text.find('?').unwrap_or(text.len());
        let literal = |out: &mut Vec<Piece>, a: usize, b: usize| {
            if b > a {
                let span = src(a, b);
                let exact = span.len() == b - a;
                out.push(Piece::Lit {
                    text: text[a..b].to_string(),
                    span,
                    exact,
                });
            }
        };
        // A variable at `a..b`: its value read from elsewhere, or a hole.
        let variable = |out: &mut Vec<Piece>, vias: &mut Vec<Via>, a, b, value| {
            let expr = text[a..b].to_string();
            let span = src(a, b);
            match value {
                Some(value) => {
                    out.push(Piece::Lit {
                        text: value,
                        span: span.clone(),
                        exact: false,
                    });
                    vias.push(Via {
                        literal: span,
                        expr,
                    });
                }
                None => out.push(Piece::Hole { expr, span }),
            }
        };
        for segment in template::segments(&text) {
            let range = match segment {
                Segment::Var { expr, name, range } => {
                    // In the query string a variable stays a hole: its value (a key, a
                    // token) is supplied at run time, not written here.
                    let value = if range.start < query_at {
                        self.resolve_text(expr, vars)
                    } else {
                        None
                    };
                    let value = value.filter(|_| name.is_empty() || vars.contains_key(name));
                    variable(&mut out, vias, range.start, range.end, value);
                    continue;
                }
                Segment::Lit { range, .. } => range,
            };
            // `/:id` in the path: a path variable, its value in the URL's `variable`.
            let mut lit_start = range.start;
            let mut i = range.start;
            while i < range.end {
                if path_vars_here
                    && bytes[i] == b':'
                    && i < query_at
                    && i > 0
                    && bytes[i - 1] == b'/'
                {
                    let end = text[i + 1..range.end]
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                        .map_or(range.end, |k| i + 1 + k);
                    if end > i + 1 {
                        literal(&mut out, lit_start, i);
                        let name = &text[i + 1..end];
                        let value = path_vars
                            .iter()
                            .find(|(k, _)| k == name)
                            .and_then(|(_, v)| v.str())
                            .filter(|v| !v.is_empty())
                            .and_then(|v| self.resolve_text(v, vars));
                        variable(&mut out, vias, i, end, value);
                        i = end;
                        lit_start = i;
                        continue;
                    }
                }
                i += text[i..].chars().next().map_or(1, char::len_utf8);
            }
            literal(&mut out, lit_start, range.end);
        }
        out
    }

    fn headers(&mut self, req: &J) -> Fields {
        let mut fields = Fields::default();
        match req.get("header") {
            Some(h @ J::Arr { items, .. }) => {
                fields.span = h.span();
                for e in items {
                    if e.get("disabled").is_some_and(J::is_true) {
                        continue;
                    }
                    let (Some(k @ J::Str { value: key, .. }), Some(v)) =
                        (e.get("key"), e.get("value"))
                    else {
                        continue;
                    };
                    fields.entries.push(Field {
                        key: key.clone(),
                        key_span: k.inner(),
                        value: self.value_of(v),
                    });
                }
            }
            Some(h @ J::Str { .. }) => {
                // `Key: value` lines.
                fields.span = h.span();
                if let Some((text, map)) = json::decode_mapped(self.text, &h.span()) {
                    let mut at = 0;
                    for line in text.split('\n') {
                        let here = at;
                        at += line.len() + 1;
                        let l = line.trim_end_matches('\r');
                        if l.trim_start().starts_with("//") {
                            continue;
                        }
                        let Some((k, v)) = l.split_once(':') else {
                            continue;
                        };
                        let ks = here + (k.len() - k.trim_start().len());
                        let vs = here + k.len() + 1 + (v.len() - v.trim_start().len());
                        let vtext = v.trim();
                        let vspan = map[vs]..map[vs + vtext.len()];
                        let value = if vtext.contains("{{") {
                            Value::Expr {
                                text: vtext.to_string(),
                                span: vspan,
                            }
                        } else {
                            Value::Str {
                                value: vtext.to_string(),
                                span: vspan,
                            }
                        };
                        fields.entries.push(Field {
                            key: k.trim().to_string(),
                            key_span: map[ks]..map[ks + k.trim().len()],
                            value,
                        });
                    }
                }
            }
            _ => fields.span = req.span(),
        }
        fields
    }

    /// `auth` (v2.0 object or v2.1 array of `{key, value}`) as the headers it sends.
    fn auth(&mut self, auth: &J, headers: &mut Fields) {
        let Some(kind) = auth.get("type").and_then(J::str) else {
            return;
        };
        let params = auth.get(kind);
        let param = |name: &str| -> Option<&J> {
            match params? {
                J::Arr { items, .. } => items
                    .iter()
                    .find(|e| e.get("key").and_then(J::str) == Some(name))
                    .and_then(|e| e.get("value")),
                o @ J::Obj { .. } => o.get(name),
                _ => None,
            }
        };
        let key_span = auth
            .get("type")
            .map(|t| t.inner())
            .unwrap_or_else(|| auth.span());
        let push = |headers: &mut Fields, key: &str, prefix: &str, v: &J| {
            let span = v.inner();
            let value = match v.str() {
                Some(s) if s.contains("{{") => Value::Expr {
                    text: format!("{prefix}{s}"),
                    span,
                },
                Some(s) => Value::Str {
                    value: format!("{prefix}{s}"),
                    span,
                },
                None => return,
            };
            headers.entries.push(Field {
                key: key.to_string(),
                key_span: key_span.clone(),
                value,
            });
        };
        match kind {
            "bearer" => {
                if let Some(t) = param("token").cloned() {
                    push(headers, "Authorization", "Bearer ", &t);
                    self.secret(&t);
                }
            }
            "oauth2" => {
                if let Some(t) = param("accessToken").cloned() {
                    push(headers, "Authorization", "Bearer ", &t);
                    self.secret(&t);
                }
            }
            "basic" => {
                if let Some(p) = param("password").cloned() {
                    push(headers, "Authorization", "Basic ", &p);
                    self.secret(&p);
                }
            }
            "apikey" => {
                let in_query = param("in").and_then(J::str) == Some("query");
                if let (Some(k), Some(v)) = (
                    param("key").and_then(J::str).map(str::to_string),
                    param("value").cloned(),
                ) {
                    if !in_query {
                        push(headers, &k, "", &v);
                    }
                    self.secret(&v);
                }
            }
            _ => {}
        }
    }

    fn body(&mut self, body: Option<&J>, vars: &Vars) -> Option<Body> {
        let body = body?;
        let mode = body.get("mode").and_then(J::str)?;
        let form = |s: &mut Self, list: Option<&J>| -> Option<Body> {
            let list = list?;
            let mut fields = Fields::at(list.span());
            for e in list.items() {
                if e.get("disabled").is_some_and(J::is_true)
                    || e.get("type").and_then(J::str) == Some("file")
                {
                    continue;
                }
                let (Some(k @ J::Str { value: key, .. }), Some(v)) = (e.get("key"), e.get("value"))
                else {
                    continue;
                };
                fields.entries.push(Field {
                    key: key.clone(),
                    key_span: k.inner(),
                    value: s.value_of(v),
                });
            }
            Some(Body::Form { fields })
        };
        match mode {
            "raw" => {
                let raw = body.get("raw")?;
                let (text, _) = json::decode_mapped(self.text, &raw.span())?;
                let span = raw.inner();
                if text.contains("{{") {
                    // Postman substitutes variables textually before sending.
                    return Some(match substitute_json(&text, vars, self) {
                        Some(t) => Body::Raw { text: t, span },
                        None => Body::Expr { text, span },
                    });
                }
                Some(Body::Raw { text, span })
            }
            "urlencoded" => form(self, body.get("urlencoded")),
            "formdata" => form(self, body.get("formdata")),
            "graphql" => {
                let g = body.get("graphql")?;
                let query = g.get("query").and_then(J::str).unwrap_or("").to_string();
                let variables = match g.get("variables") {
                    Some(v @ J::Str { value, .. }) => {
                        let span = v.inner();
                        match serde_json::from_str::<serde_json::Value>(value) {
                            Ok(parsed) => Some(serde_value(&parsed, &span)),
                            Err(_) => Some(Value::Expr {
                                text: value.clone(),
                                span,
                            }),
                        }
                    }
                    Some(o @ J::Obj { .. }) => Some(self.value_of(o)),
                    _ => None,
                };
                Some(Body::GraphQl {
                    query,
                    span: g.span(),
                    variables,
                })
            }
            _ => None,
        }
    }

    /// Pre-request and test scripts, through the JavaScript front end.
    fn events(&mut self, node: &J, _vars: &Vars) {
        for ev in node.get("event").map(J::items).unwrap_or(&[]) {
            let Some(exec) = ev.get("script").and_then(|s| s.get("exec")) else {
                continue;
            };
            let mut script = String::new();
            let mut map: Vec<usize> = Vec::new();
            let lines: Vec<&J> = match exec {
                J::Arr { items, .. } => items.iter().collect(),
                s @ J::Str { .. } => vec![s],
                _ => continue,
            };
            let mut line_end: Option<usize> = None;
            for line in &lines {
                let Some((t, m)) = json::decode_mapped(self.text, &line.span()) else {
                    continue;
                };
                if let Some(prev) = line_end {
                    // The newline maps onto the previous line's closing quote.
                    script.push('\n');
                    map.push(prev);
                }
                script.push_str(&t);
                map.extend_from_slice(&m[..t.len()]);
                line_end = Some(m[t.len()]);
            }
            map.push(line_end.unwrap_or(exec.span().start));
            let found = super::javascript::extract(&script, Language::JavaScript);
            let at = |o: usize| map[o.min(map.len() - 1)];
            for mut call in found.calls {
                call.map_spans(&mut |s: &mut Span| *s = at(s.start)..at(s.end));
                self.calls.push(call);
            }
            for s in found.secrets {
                self.secrets.push(at(s.start)..at(s.end));
            }
        }
    }
}

/// Replaces `{{var}}` in a raw JSON body by the variable's value; `None` when some
/// variable outside a JSON string does not resolve (the body is then unknown).
fn substitute_json(text: &str, vars: &Vars, ex: &Extractor) -> Option<String> {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for segment in template::segments(text) {
        match segment {
            Segment::Var { expr, .. } => match ex.resolve_text(expr, vars) {
                Some(v) => out.push_str(&v),
                None if in_string => out.push_str(expr),
                None => return None,
            },
            Segment::Lit { text, .. } => {
                for c in text.chars() {
                    if in_string {
                        if escaped {
                            escaped = false;
                        } else if c == '\\' {
                            escaped = true;
                        } else if c == '"' {
                            in_string = false;
                        }
                    } else if c == '"' {
                        in_string = true;
                    }
                }
                out.push_str(text);
            }
        }
    }
    Some(out)
}

fn serde_value(v: &serde_json::Value, span: &Span) -> Value {
    match v {
        serde_json::Value::String(s) => Value::Str {
            value: s.clone(),
            span: span.clone(),
        },
        serde_json::Value::Number(n) => Value::Num {
            text: n.to_string(),
            span: span.clone(),
        },
        serde_json::Value::Bool(b) => Value::Bool {
            value: *b,
            span: span.clone(),
        },
        serde_json::Value::Null => Value::Null { span: span.clone() },
        serde_json::Value::Array(a) => Value::Array {
            items: a.iter().map(|x| serde_value(x, span)).collect(),
            span: span.clone(),
        },
        serde_json::Value::Object(o) => Value::Object(Fields {
            entries: o
                .iter()
                .map(|(k, x)| Field {
                    key: k.clone(),
                    key_span: span.clone(),
                    value: serde_value(x, span),
                })
                .collect(),
            open: false,
            span: span.clone(),
        }),
    }
}

/// Reads a HAR recording (`*.har`, `log.entries[].request`) as requests: method, URL,
/// headers, query and body, positions pointing into the JSON. A recording is evidence
/// of traffic, not code: its findings are never fixed ([`Language::never_fixed`](crate::model::source::Language::never_fixed)). Header,
/// cookie and query values with secret names are secrets (recordings hold real ones).
pub fn extract_har(text: &str) -> Extraction {
    let (root, mut ex) = match Extractor::parse(text) {
        Ok(parsed) => parsed,
        Err(failed) => return failed,
    };
    let entries = root.get("log").and_then(|l| l.get("entries"));
    let vars = Vars::new();
    for entry in entries.map(J::items).unwrap_or(&[]) {
        let Some(req) = entry.get("request") else {
            continue;
        };
        let Some(url_node @ J::Str { .. }) = req.get("url") else {
            continue;
        };
        let method = match req.get("method") {
            Some(m @ J::Str { value, .. }) => Method::known(value, Some(m.inner())),
            _ => Method::implied("GET"),
        };
        let mut vias = Vec::new();
        let url = ex.url(url_node, &vars, &mut vias);
        let mut call = HttpCall::new(Client::HttpFile, method, url, url_node.span());
        call.scope = Some(entry.span());
        let mut headers = Fields::default();
        if let Some(h @ J::Arr { items, .. }) = req.get("headers") {
            headers.span = h.span();
            for e in items {
                let (Some(k @ J::Str { value: key, .. }), Some(v)) =
                    (e.get("name"), e.get("value"))
                else {
                    continue;
                };
                if looks_secret_name(key) || key.eq_ignore_ascii_case("cookie") {
                    ex.secret(v);
                }
                headers.entries.push(Field {
                    key: key.clone(),
                    key_span: k.inner(),
                    value: ex.value_of(v),
                });
            }
        }
        for list in ["cookies", "queryString"] {
            for e in req.get(list).map(J::items).unwrap_or(&[]) {
                let name = e.get("name").and_then(J::str).unwrap_or("");
                if list == "cookies" || looks_secret_name(name) {
                    if let Some(v) = e.get("value") {
                        ex.secret(v);
                    }
                }
            }
        }
        call.headers = headers;
        call.body = req.get("postData").and_then(|p| ex.har_body(p));
        ex.calls.push(call);
    }
    ex.finish()
}

/// Why a finding in a HAR recording carries no fix.
impl<'a> Extractor<'a> {
    /// The JSON tree of a request file and an extractor over its text; a text that is
    /// not JSON is an extraction holding only its syntax error.
    fn parse(text: &'a str) -> Result<(J, Extractor<'a>), Extraction> {
        let root = json::parse(text).map_err(|(span, message)| Extraction {
            syntax_error: Some((span, message)),
            ..Extraction::default()
        })?;
        let ex = Extractor {
            text,
            calls: Vec::new(),
            secrets: Vec::new(),
        };
        Ok((root, ex))
    }
}

impl Extractor<'_> {
    /// A HAR `postData`: its `text`, or its `params` as a form.
    fn har_body(&mut self, post: &J) -> Option<Body> {
        if let Some(raw @ J::Str { .. }) = post.get("text") {
            let (text, _) = json::decode_mapped(self.text, &raw.span())?;
            if !text.is_empty() {
                return Some(Body::Raw {
                    text,
                    span: raw.inner(),
                });
            }
        }
        let list = post.get("params")?;
        let mut fields = Fields::at(list.span());
        for e in list.items() {
            let (Some(k @ J::Str { value: key, .. }), Some(v)) = (e.get("name"), e.get("value"))
            else {
                continue;
            };
            if looks_secret_name(key) {
                self.secret(v);
            }
            fields.entries.push(Field {
                key: key.clone(),
                key_span: k.inner(),
                value: self.value_of(v),
            });
        }
        Some(Body::Form { fields })
    }
}

/// Postman collections (v2.0, v2.1) and environments.
pub struct Postman;

impl crate::frontend::FrontEnd for Postman {
    fn languages(&self) -> &'static [Language] {
        &[Language::Postman]
    }

    fn of_path(&self, path: &Path) -> Option<Language> {
        is_postman_name(path).then_some(Language::Postman)
    }

    fn extract(&self, file: &crate::source::SourceFile, context: &super::Context) -> Extraction {
        extract(&file.text, &file.path, context.postman_env)
    }

    fn syntax_error(&self, file: &crate::source::SourceFile) -> Option<(Span, String)> {
        json::parse(&file.text).err()
    }

    /// A collection has no comments: the `description` of each item (a string, or an
    /// object with `content`) stands for one, governing its whole item.
    fn remarks(&self, file: &crate::source::SourceFile) -> Vec<crate::source::Comment> {
        fn walk(node: &J, out: &mut Vec<crate::source::Comment>) {
            for item in node.get("item").map(J::items).unwrap_or(&[]) {
                let descriptions = [
                    item.get("description"),
                    item.get("request").and_then(|r| r.get("description")),
                ];
                for d in descriptions.into_iter().flatten() {
                    let d = match d {
                        J::Obj { .. } => match d.get("content") {
                            Some(c) => c,
                            None => continue,
                        },
                        other => other,
                    };
                    if let J::Str { .. } = d {
                        out.push(crate::source::Comment {
                            span: d.inner(),
                            content: d.inner(),
                            covers: Some(item.span()),
                            // A JSON string: its line breaks are escapes.
                            line_break: "\\n",
                        });
                    }
                }
                walk(item, out);
            }
        }
        let mut out = Vec::new();
        if let Ok(root) = json::parse(&file.text) {
            walk(&root, &mut out);
        }
        out
    }

    /// Transforms edit `url.raw` only: the split `path` fields are kept in step.
    fn after_fix(&self, original: &str, fixed: &str) -> Option<String> {
        (fixed != original).then(|| render::sync_split_urls(original, fixed))
    }
}

impl crate::frontend::Spell for Postman {
    fn spell(
        &self,
        file: &crate::source::SourceFile,
        _parsed: &Extraction,
        items: &[(&crate::call::HttpCall, &crate::model::plan::RewritePlan)],
    ) -> Vec<Result<Vec<crate::finding::Edit>, String>> {
        items
            .iter()
            .map(|(call, rewrite)| render::render(&file.text, call, rewrite))
            .collect()
    }

    fn json_quoting(&self) -> crate::frontend::JsonQuoting {
        crate::frontend::quoting::command_line
    }
}

/// HAR recordings: their requests, reported and never fixed.
pub struct Har;

impl crate::frontend::FrontEnd for Har {
    fn languages(&self) -> &'static [Language] {
        &[Language::Har]
    }

    fn of_path(&self, path: &Path) -> Option<Language> {
        super::by_extension(path, &[("har", Language::Har)])
    }

    fn extract(&self, file: &crate::source::SourceFile, _context: &super::Context) -> Extraction {
        extract_har(&file.text)
    }

    fn syntax_error(&self, file: &crate::source::SourceFile) -> Option<(Span, String)> {
        json::parse(&file.text).err()
    }
}

impl crate::frontend::Spell for Har {
    fn spell(
        &self,
        _file: &crate::source::SourceFile,
        _parsed: &Extraction,
        items: &[(&crate::call::HttpCall, &crate::model::plan::RewritePlan)],
    ) -> Vec<Result<Vec<crate::finding::Edit>, String>> {
        items
            .iter()
            .map(|_| Err(Language::Har.never_fixed().unwrap_or_default().into()))
            .collect()
    }

    fn json_quoting(&self) -> crate::frontend::JsonQuoting {
        crate::frontend::quoting::by_hand
    }
}
