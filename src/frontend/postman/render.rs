//! Renders a `RewritePlan` as format-preserving edits of a Postman collection: only the
//! values that change are replaced (method, `url.raw` with the split `path`/`query`/
//! `variable` fields kept consistent, header entries, the body); indentation, key
//! order and unknown fields stay byte-identical. The file is never re-serialised.
//!
//! A static collection cannot call anything at run time: a value that the plan gets
//! from one of its functions is written as the variable named after the function
//! (`{{acme_token}}`; a path variable it replaces, `:email`, is renamed after the
//! function, `:userId` for `acme_user_id`), an environment variable `NAME` as `{{NAME}}`.

use super::json::{self, Prop, J};
use crate::call::{HttpCall, Span};
use crate::finding::Edit;
use crate::model::plan::{camel_case, NewBody, Part, RValue, RewritePlan};
use serde_json::Value as JV;

type R<T> = Result<T, String>;

/// A path variable a function's value replaces (`:email` → `:userId`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renamed {
    /// The variable's key before (`email`).
    from: String,
    /// The function whose value it holds now.
    function: String,
}

impl Renamed {
    /// The new key: the function's name without its first word, in camelCase
    /// (`acme_user_id` → `userId`).
    fn key(&self) -> String {
        let rest = self
            .function
            .split_once('_')
            .map_or(self.function.as_str(), |(_, r)| r);
        camel_case(rest)
    }
}

pub fn render(text: &str, call: &HttpCall, rw: &RewritePlan) -> R<Vec<Edit>> {
    let root = json::parse(text).map_err(|(_, m)| m)?;
    let req =
        find_request(&root, &call.span).ok_or("the request was not found in the collection")?;
    if !matches!(req, J::Obj { .. }) {
        return Err("the request is written as a bare URL string".into());
    }
    let r = Renderer {
        text,
        unit: indent_unit(text),
    };
    let mut edits = Vec::new();
    let mut renamed: Option<Renamed> = None;
    // Method.
    if let Some(m) = &rw.method {
        match req.get("method") {
            Some(v @ J::Str { value, .. }) => {
                if !value.eq_ignore_ascii_case(m) {
                    edits.push(Edit {
                        span: v.inner(),
                        content: m.clone(),
                    });
                }
            }
            _ => return Err("the request has no literal method".into()),
        }
    }
    // URL.
    if rw.url.is_some() || rw.drop_query || !rw.drop_params.is_empty() {
        edits.extend(r.url(req, rw, &mut renamed)?);
    }
    // Headers.
    if !rw.set_headers.is_empty() || !rw.remove_headers.is_empty() {
        edits.extend(r.headers(req, rw)?);
    }
    // Body.
    if let Some(body) = &rw.body {
        edits.extend(r.body(req, body)?);
    }
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    Ok(edits)
}

/// The request object whose `url` is at `span` (a call's span is its URL's).
fn find_request<'a>(node: &'a J, span: &Span) -> Option<&'a J> {
    if node.span() == *span {
        return Some(node);
    }
    if node
        .get("url")
        .is_some_and(|u| u.span() == *span || u.get("raw").is_some_and(|r| r.span() == *span))
    {
        return Some(node);
    }
    match node {
        J::Obj { props, .. } => props.iter().find_map(|p| find_request(&p.value, span)),
        J::Arr { items, .. } => items.iter().find_map(|i| find_request(i, span)),
        _ => None,
    }
}

/// The file's indentation unit (Postman exports use a tab).
pub(super) fn indent_unit(text: &str) -> String {
    for line in text.lines() {
        let ws: String = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        if !ws.is_empty() && ws.len() < line.len() {
            return if ws.starts_with('\t') {
                "\t".into()
            } else {
                ws
            };
        }
    }
    "\t".into()
}

/// The leading whitespace of the line holding `at`.
pub(super) fn line_indent(text: &str, at: usize) -> String {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

fn part_text(p: &Part, in_path: bool, renamed: &mut Option<Renamed>) -> R<String> {
    Ok(match p {
        Part::Lit(s) => s.clone(),
        Part::Source { text, .. } => {
            // A `{{var}}` hole in a query string is shown as `{{{var}}}`.
            if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                if inner.starts_with("{{") && inner.ends_with("}}") {
                    return Ok(inner.to_string());
                }
            }
            if text.starts_with(':') && !in_path {
                return Err(format!(
                    "the path variable `{text}` cannot be used outside the URL"
                ));
            }
            text.clone()
        }
        Part::Env(name) => format!("{{{{{name}}}}}"),
        Part::Call { function, args } => match args.get(1).map(Vec::as_slice) {
            Some([Part::Source { text, .. }]) if in_path && text.starts_with(':') => {
                let r = Renamed {
                    from: text[1..].to_string(),
                    function: function.clone(),
                };
                let key = format!(":{}", r.key());
                *renamed = Some(r);
                key
            }
            _ => format!("{{{{{function}}}}}"),
        },
        Part::Param(name) => return Err(format!("`{name}` is no value here")),
    })
}

fn parts_text(parts: &[Part], in_path: bool, renamed: &mut Option<Renamed>) -> R<String> {
    let mut out = String::new();
    for p in parts {
        out.push_str(&part_text(p, in_path, renamed)?);
    }
    Ok(out)
}

fn rvalue(v: &RValue) -> R<JV> {
    let mut none = None;
    Ok(match v {
        RValue::Str(parts) => JV::String(parts_text(parts, false, &mut none)?),
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

pub(super) struct Renderer<'t> {
    pub(super) text: &'t str,
    pub(super) unit: String,
}

impl Renderer<'_> {
    /// `v` as JSON text, laid out with the file's indentation from `ind`.
    pub(super) fn pretty(&self, v: &JV, ind: &str) -> String {
        let inner = format!("{ind}{}", self.unit);
        match v {
            JV::Object(m) if !m.is_empty() => {
                let entries: Vec<String> = m
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{inner}{}: {}",
                            serde_json::to_string(k).expect("strings serialise"),
                            self.pretty(v, &inner)
                        )
                    })
                    .collect();
                format!("{{\n{}\n{ind}}}", entries.join(",\n"))
            }
            JV::Array(a) if !a.is_empty() => {
                let items: Vec<String> = a
                    .iter()
                    .map(|v| format!("{inner}{}", self.pretty(v, &inner)))
                    .collect();
                format!("[\n{}\n{ind}]", items.join(",\n"))
            }
            other => serde_json::to_string(other).expect("values serialise"),
        }
    }

    /// The text of `arr` with its elements replaced by `elems`, keeping the
    /// array's own layout (what separates the brackets and the elements).
    pub(super) fn rebuild_array(&self, arr: &J, elems: &[String]) -> String {
        if elems.is_empty() {
            return "[]".into();
        }
        let span = arr.span();
        let items = arr.items();
        let (open, sep, close) = match items {
            [] => {
                let base = line_indent(self.text, span.start);
                (
                    format!("\n{base}{}", self.unit),
                    format!(",\n{base}{}", self.unit),
                    format!("\n{base}"),
                )
            }
            [only] => {
                let open = self.text[span.start + 1..only.span().start].to_string();
                let close = self.text[only.span().end..span.end - 1].to_string();
                (open.clone(), format!(",{open}"), close)
            }
            [first, second, ..] => (
                self.text[span.start + 1..first.span().start].to_string(),
                self.text[first.span().end..second.span().start].to_string(),
                self.text[items.last().unwrap().span().end..span.end - 1].to_string(),
            ),
        };
        format!("[{open}{}{close}]", elems.join(&sep))
    }

    /// The indentation elements of `arr` are written at (after the last newline
    /// before the first element), and whether they are on lines of their own.
    pub(super) fn element_indent(&self, arr: &J) -> (String, bool) {
        match arr.items().first() {
            Some(first) => {
                let between = &self.text[arr.span().start + 1..first.span().start];
                match between.rfind('\n') {
                    Some(i) => (between[i + 1..].to_string(), true),
                    None => (String::new(), false),
                }
            }
            None => (
                format!("{}{}", line_indent(self.text, arr.span().start), self.unit),
                true,
            ),
        }
    }

    pub(super) fn object_text(&self, v: &JV, ind: &str, multiline: bool) -> String {
        if multiline {
            self.pretty(v, ind)
        } else {
            serde_json::to_string(v)
                .expect("values serialise")
                .replace("\":", "\": ")
                .replace(",\"", ", \"")
        }
    }

    /// Inserts `"key": value` after `after` in its object.
    pub(super) fn insert_after(&self, after: &Prop, key: &str, value: &JV) -> Edit {
        let ind = line_indent(self.text, after.key_span.start);
        let same_line = !self.text[..after.key_span.start]
            .rfind('\n')
            .is_some_and(|i| self.text[i + 1..after.key_span.start].trim().is_empty());
        let content = if same_line {
            format!(
                ", {}: {}",
                serde_json::to_string(key).expect("strings serialise"),
                self.object_text(value, &ind, false)
            )
        } else {
            format!(
                ",\n{ind}{}: {}",
                serde_json::to_string(key).expect("strings serialise"),
                self.pretty(value, &ind)
            )
        };
        Edit {
            span: after.span.end..after.span.end,
            content,
        }
    }

    fn url(&self, req: &J, rw: &RewritePlan, renamed: &mut Option<Renamed>) -> R<Vec<Edit>> {
        let url = req.get("url").ok_or("the request has no URL")?;
        let raw = match url {
            J::Str { .. } => url,
            J::Obj { .. } => url
                .get("raw")
                .ok_or("the URL has no `raw` form to rewrite")?,
            _ => return Err("the URL is not a string or an object".into()),
        };
        let J::Str { value, .. } = raw else {
            return Err("`url.raw` is not a string".into());
        };
        let inner = raw.inner();
        if &self.text[inner.clone()] != value {
            return Err("`url.raw` has escapes; rewrite it by hand".into());
        }
        let old = value.as_str();
        let (path_end, query) = match old.find(['?', '#']) {
            Some(i) if old[i..].starts_with('?') => (i, Some(&old[i + 1..])),
            Some(i) => (i, None),
            None => (old.len(), None),
        };
        let mut new_raw = String::new();
        match &rw.url {
            Some(nu) => {
                let cut = nu.cut.ok_or("the URL's path is not written literally")?;
                if !(inner.start <= cut && cut <= inner.start + path_end) {
                    return Err("the URL is cut outside `url.raw`".into());
                }
                new_raw.push_str(&old[..cut - inner.start]);
                new_raw.push_str(&parts_text(&nu.path, true, renamed)?);
            }
            None => new_raw.push_str(&old[..path_end]),
        }
        let kept_query: Vec<&str> = match query {
            Some(q) if !rw.drop_query => q
                .split('&')
                .filter(|pair| {
                    let key = pair.split('=').next().unwrap_or("");
                    !pair.is_empty() && !rw.drop_params.iter().any(|d| d == key)
                })
                .collect(),
            _ => Vec::new(),
        };
        if !kept_query.is_empty() {
            new_raw.push('?');
            new_raw.push_str(&kept_query.join("&"));
        }
        let mut edits = Vec::new();
        if new_raw != old {
            edits.push(Edit {
                span: inner,
                content: json::escape(&new_raw),
            });
        }
        if let J::Obj { .. } = url {
            edits.extend(self.split_url(url, &new_raw, rw, renamed.as_ref())?);
        }
        Ok(edits)
    }

    /// Keeps `path`, `query` and `variable` in step with the new `raw`.
    fn split_url(
        &self,
        url: &J,
        new_raw: &str,
        rw: &RewritePlan,
        renamed: Option<&Renamed>,
    ) -> R<Vec<Edit>> {
        let mut edits = Vec::new();
        let path = raw_path(new_raw);
        if let Some(e) = self.path_edit(url, &path) {
            edits.push(e);
        }
        if rw.drop_query || !rw.drop_params.is_empty() {
            if let Some(q @ J::Arr { items, .. }) = url.get("query") {
                let keep: Vec<String> = items
                    .iter()
                    .filter(|e| {
                        let k = e.get("key").and_then(J::str).unwrap_or("");
                        !rw.drop_query && !rw.drop_params.iter().any(|d| d == k)
                    })
                    .map(|e| self.text[e.span()].to_string())
                    .collect();
                if keep.is_empty() {
                    edits.extend(remove_prop(url, "query"));
                } else if keep.len() != items.len() {
                    edits.push(Edit {
                        span: q.span(),
                        content: self.rebuild_array(q, &keep),
                    });
                }
            }
        }
        if let Some(v @ J::Arr { items, .. }) = url.get("variable") {
            let mut changed = false;
            let mut keep = Vec::new();
            for e in items {
                let k = e.get("key").and_then(J::str).unwrap_or("");
                let used = path.iter().any(|s| s.strip_prefix(':') == Some(k));
                if let Some(renamed) = renamed.filter(|r| r.from == k) {
                    changed = true;
                    let mut t = self.text[e.span()].to_string();
                    let base = e.span().start;
                    // Rename the key and point the value at the looked-up id.
                    let mut inner_edits: Vec<(Span, String)> = Vec::new();
                    if let Some(key) = e.get("key") {
                        inner_edits.push((key.inner(), renamed.key()));
                    }
                    if let Some(val @ J::Str { .. }) = e.get("value") {
                        inner_edits.push((val.inner(), format!("{{{{{}}}}}", renamed.function)));
                    }
                    inner_edits.sort_by_key(|(s, _)| std::cmp::Reverse(s.start));
                    for (s, c) in inner_edits {
                        t.replace_range(s.start - base..s.end - base, &c);
                    }
                    keep.push(t);
                } else if used {
                    keep.push(self.text[e.span()].to_string());
                } else {
                    changed = true;
                }
            }
            if changed {
                edits.push(Edit {
                    span: v.span(),
                    content: self.rebuild_array(v, &keep),
                });
            }
        }
        Ok(edits)
    }

    /// An edit making the split `path` of `url` say `path`, when it does not.
    fn path_edit(&self, url: &J, path: &[&str]) -> Option<Edit> {
        if let Some(p) = url.get("path") {
            let old: Vec<String> = match p {
                J::Arr { items, .. } => items
                    .iter()
                    .map(|i| i.get("value").unwrap_or(i).str().unwrap_or("").to_string())
                    .collect(),
                J::Str { value, .. } => vec![value.clone()],
                _ => Vec::new(),
            };
            let same = old.iter().map(String::as_str).eq(path.iter().copied());
            if !same {
                let content = match p {
                    J::Str { .. } => serde_json::to_string(&path.join("/")).unwrap(),
                    _ => {
                        let elems: Vec<String> = path
                            .iter()
                            .map(|s| serde_json::to_string(s).expect("strings serialise"))
                            .collect();
                        self.rebuild_array(p, &elems)
                    }
                };
                return Some(Edit {
                    span: p.span(),
                    content,
                });
            }
        }
        None
    }

    fn headers(&self, req: &J, rw: &RewritePlan) -> R<Vec<Edit>> {
        let mut none = None;
        let mut set: Vec<(String, String, bool)> = Vec::new();
        for (name, parts) in &rw.set_headers {
            set.push((name.clone(), parts_text(parts, false, &mut none)?, false));
        }
        let removed = |k: &str| rw.remove_headers.iter().any(|r| r.eq_ignore_ascii_case(k));
        match req.get("header") {
            Some(J::Str { .. }) => Err("the headers are written as one raw string".into()),
            Some(h @ J::Arr { items, .. }) => {
                let (ind, multiline) = self.element_indent(h);
                let mut elems = Vec::new();
                let mut value_edits = Vec::new();
                let mut structural = false;
                for e in items {
                    let k = e.get("key").and_then(J::str).unwrap_or("");
                    let disabled = e.get("disabled").is_some_and(J::is_true);
                    if removed(k) && !set.iter().any(|(n, _, _)| n.eq_ignore_ascii_case(k)) {
                        structural = true;
                        continue;
                    }
                    let mut t = self.text[e.span()].to_string();
                    if !disabled {
                        if let Some(s) = set
                            .iter_mut()
                            .find(|(n, _, done)| !*done && n.eq_ignore_ascii_case(k))
                        {
                            s.2 = true;
                            match e.get("value") {
                                Some(v @ J::Str { value, .. }) => {
                                    if *value != s.1 {
                                        let base = e.span().start;
                                        let vi = v.inner();
                                        t.replace_range(
                                            vi.start - base..vi.end - base,
                                            &json::escape(&s.1),
                                        );
                                        value_edits.push(Edit {
                                            span: vi,
                                            content: json::escape(&s.1),
                                        });
                                    }
                                }
                                _ => return Err(format!("the header `{k}` has no string value")),
                            }
                        }
                    }
                    elems.push(t);
                }
                for (name, value, done) in &set {
                    if !done {
                        structural = true;
                        elems.push(self.object_text(&header_entry(name, value), &ind, multiline));
                    }
                }
                if structural {
                    Ok(vec![Edit {
                        span: h.span(),
                        content: self.rebuild_array(h, &elems),
                    }])
                } else {
                    Ok(value_edits)
                }
            }
            Some(_) => Err("the headers are neither an array nor a string".into()),
            None => {
                if set.is_empty() {
                    return Ok(Vec::new());
                }
                let list = JV::Array(set.iter().map(|(n, v, _)| header_entry(n, v)).collect());
                let after = req
                    .prop("method")
                    .or_else(|| req.props().first())
                    .ok_or("the request object is empty")?;
                Ok(vec![self.insert_after(after, "header", &list)])
            }
        }
    }

    fn body(&self, req: &J, body: &NewBody) -> R<Vec<Edit>> {
        let new = match body {
            NewBody::None => return Ok(remove_prop(req, "body").into_iter().collect()),
            NewBody::Json(v) => {
                let value = rvalue(v)?;
                let raw = serde_json::to_string_pretty(&value).expect("values serialise");
                serde_json::json!({
                    "mode": "raw",
                    "raw": raw,
                    "options": {"raw": {"language": "json"}}
                })
            }
            NewBody::Form(fields) => {
                let mut list = Vec::new();
                for (k, v) in fields {
                    let value = match rvalue(v)? {
                        JV::String(s) => s,
                        other => other.to_string(),
                    };
                    list.push(serde_json::json!({"key": k, "value": value, "type": "text"}));
                }
                serde_json::json!({"mode": "urlencoded", "urlencoded": list})
            }
        };
        match req.prop("body") {
            Some(p) => {
                if body_equal(&p.value, &new) {
                    return Ok(Vec::new());
                }
                let ind = line_indent(self.text, p.key_span.start);
                Ok(vec![Edit {
                    span: p.value.span(),
                    content: self.pretty(&new, &ind),
                }])
            }
            None => {
                let after = req.props().last().ok_or("the request object is empty")?;
                Ok(vec![self.insert_after(after, "body", &new)])
            }
        }
    }
}

/// The path segments of a raw URL (after `scheme://host`, or after a leading
/// `{{base}}` host), as Postman splits them.
fn raw_path(raw: &str) -> Vec<&str> {
    let no_query = raw.split(['?', '#']).next().unwrap_or(raw);
    let after_scheme = no_query
        .find("://")
        .map(|i| &no_query[i + 3..])
        .unwrap_or(no_query);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i + 1..].split('/').collect(),
        None => Vec::new(),
    }
}

/// After transforms that edit only `url.raw` (such as `/api/2.0/` → `/t5/s/api/2.1/`),
/// brings the split `path` of every URL whose `raw` changed back in step.
pub fn sync_split_urls(original: &str, fixed: &str) -> String {
    let (Ok(before), Ok(after)) = (json::parse(original), json::parse(fixed)) else {
        return fixed.to_string();
    };
    let mut old_raws = Vec::new();
    collect_urls(&before, &mut |u| {
        if let Some(r) = u.get("raw").and_then(J::str) {
            old_raws.push(r.to_string());
        }
    });
    let r = Renderer {
        text: fixed,
        unit: indent_unit(fixed),
    };
    let mut edits = Vec::new();
    collect_urls(&after, &mut |u| {
        if let Some(raw) = u.get("raw").and_then(J::str) {
            if !old_raws.iter().any(|o| o == raw) {
                edits.extend(r.path_edit(u, &raw_path(raw)));
            }
        }
    });
    edits.sort_by_key(|e| e.span.start);
    crate::model::text::apply_edits(fixed, &edits)
}

fn collect_urls<'a>(node: &'a J, f: &mut dyn FnMut(&'a J)) {
    match node {
        J::Obj { props, .. } => {
            for p in props {
                if p.key == "url" && matches!(p.value, J::Obj { .. }) {
                    f(&p.value);
                }
                collect_urls(&p.value, f);
            }
        }
        J::Arr { items, .. } => items.iter().for_each(|i| collect_urls(i, f)),
        _ => {}
    }
}

/// Removes the property `key` of `obj` with the comma that joins it to a neighbour.
pub(super) fn remove_prop(obj: &J, key: &str) -> Option<Edit> {
    let props = obj.props();
    let i = props.iter().position(|p| p.key == key)?;
    let span = if i > 0 {
        props[i - 1].span.end..props[i].span.end
    } else if props.len() > 1 {
        props[0].span.start..props[1].span.start
    } else {
        props[0].span.clone()
    };
    Some(Edit {
        span,
        content: String::new(),
    })
}

fn header_entry(name: &str, value: &str) -> JV {
    serde_json::json!({"key": name, "value": value, "type": "text"})
}

/// Whether an existing body already says what `new` says (mode and content).
fn body_equal(old: &J, new: &JV) -> bool {
    let mode = old.get("mode").and_then(J::str);
    if mode != new.get("mode").and_then(JV::as_str) {
        return false;
    }
    match mode {
        Some("raw") => {
            let a = old
                .get("raw")
                .and_then(J::str)
                .and_then(|s| serde_json::from_str::<JV>(s).ok());
            let b = new
                .get("raw")
                .and_then(JV::as_str)
                .and_then(|s| serde_json::from_str::<JV>(s).ok());
            a.is_some() && a == b
        }
        _ => false,
    }
}
