//! axios and its instances (`axios(config)`, `axios.delete(url, config)`, `api.post(url,
//! data, config)`), and generic `client.verb(url, …)` calls.

use super::options::Props;
use super::style::{line_indent, reindent};
use super::syntax::{
    arguments, callee, member_property, named_children, object_value, string_value,
};
use super::{Renderer, R};
use crate::frontend::fields::ChildField as _;
use crate::model::plan::{NewBody, RValue};
use tree_sitter::Node;

/// The argument convention of a method-named call.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Convention {
    /// `(url, config)`: axios get/delete/head/options.
    UrlConfig,
    /// `(url, data, config)`: axios post/put/patch.
    UrlDataConfig,
}

impl<'a> Renderer<'a> {
    /// axios (method-named, `axios(config)`, `axios(url, config)`, `axios.request`) and
    /// generic `client.verb(url, …)` calls.
    pub(super) fn axios_like(&mut self, node: Node<'a>) -> R<()> {
        let args = arguments(node).ok_or("the call has no arguments")?;
        let list = named_children(args);
        let callee = callee(node).ok_or("no callee")?;
        let verb = member_property(callee, self.text);
        match verb.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some(v @ ("get" | "delete" | "head" | "options" | "post" | "put" | "patch")) => {
                let from = if matches!(v, "post" | "put" | "patch") {
                    Convention::UrlDataConfig
                } else {
                    Convention::UrlConfig
                };
                self.method_named(node, callee, args, &list, from)
            }
            _ => {
                // `axios(config)`, `axios(url, config)`, `axios.request(config)`.
                let (url_node, config) = match list.as_slice() {
                    [cfg] if cfg.kind_name() == "object" => {
                        (object_value(*cfg, "url", self.text), Some(*cfg))
                    }
                    [url, cfg, ..] => (Some(*url), Some(*cfg)),
                    [url] => (Some(*url), None),
                    [] => return Err("the call has no arguments".into()),
                };
                self.url(url_node.ok_or("the URL is not written in the call")?)?;
                let mut props = Props::default();
                if let Some(m) = &self.rw.method {
                    // Keep the case the call wrote its method in.
                    let written = config
                        .and_then(|c| object_value(c, "method", self.text))
                        .and_then(|n| string_value(n, self.text));
                    let m = match written {
                        Some(w) if w.chars().any(|c| c.is_ascii_uppercase()) => {
                            m.to_ascii_uppercase()
                        }
                        _ => m.to_ascii_lowercase(),
                    };
                    props.set.push(("method".into(), self.string(&m)));
                }
                self.header_props(&mut props, config, "headers")?;
                self.query_props(&mut props, config, &["params"]);
                let base = self.base.clone();
                match &self.rw.body {
                    None => self.drop_in_option(&mut props, config, "data"),
                    Some(NewBody::None) => props.remove.push("data".into()),
                    Some(NewBody::Json(v)) => props.set.push(("data".into(), self.value(v, &base))),
                    Some(NewBody::Form(_)) => {
                        let f = self.form_object(&base);
                        props
                            .set
                            .push(("data".into(), format!("new URLSearchParams({f})")))
                    }
                }
                self.apply_props(node, args, config, props)
            }
        }
    }

    /// `x.delete(url, config)` → `x.post(url, data, config)` and the like.
    pub(super) fn method_named(
        &mut self,
        node: Node<'a>,
        callee: Node<'a>,
        args: Node<'a>,
        list: &[Node<'a>],
        from: Convention,
    ) -> R<()> {
        let url = *list.first().ok_or("the call has no URL argument")?;
        self.url(url)?;
        let prop = callee.field("property").ok_or("no method name")?;
        let old_verb = self.src(prop).to_string();
        let new_verb = self.rw.method.as_ref().map(|m| m.to_ascii_lowercase());
        let to = match new_verb
            .as_deref()
            .unwrap_or(&old_verb.to_ascii_lowercase())
        {
            "post" | "put" | "patch" => Convention::UrlDataConfig,
            _ => Convention::UrlConfig,
        };
        if let Some(v) = &new_verb {
            if !v.eq_ignore_ascii_case(&old_verb) {
                let v = if old_verb.chars().all(|c| c.is_ascii_uppercase()) {
                    v.to_ascii_uppercase()
                } else {
                    v.clone()
                };
                self.edit(prop.start_byte()..prop.end_byte(), v);
            }
        }
        let (data, config) = match from {
            Convention::UrlDataConfig => (list.get(1).copied(), list.get(2).copied()),
            _ => (None, list.get(1).copied()),
        };
        let mut props = Props::default();
        self.header_props(&mut props, config, "headers")?;
        self.query_props(&mut props, config, &["params"]);
        let base = self.base.clone();
        // The body as a property of the config object.
        let as_prop: Option<Option<String>> = match &self.rw.body {
            None => None,
            Some(NewBody::None) => Some(None),
            Some(NewBody::Json(v)) => Some(Some(self.value(v, &base))),
            Some(NewBody::Form(_)) => Some(Some(format!(
                "new URLSearchParams({})",
                self.form_object(&base)
            ))),
        };
        let call_indent = line_indent(self.text, node.start_byte());
        match (from, to) {
            (Convention::UrlDataConfig, Convention::UrlDataConfig) => {
                match (&self.rw.body, data) {
                    (Some(NewBody::None), Some(d)) => {
                        self.edit(d.start_byte()..d.end_byte(), "null")
                    }
                    (Some(NewBody::None), None) | (None, None) => {}
                    (Some(body), Some(d)) => {
                        let col = self.new_col(d.start_byte());
                        let trail = self.rest_len(d.end_byte());
                        let b = self.body_arg(body, col, trail);
                        let b = reindent(&b, &call_indent, &line_indent(self.text, d.start_byte()));
                        self.edit(d.start_byte()..d.end_byte(), b)
                    }
                    (Some(body), None) => {
                        let col = self.new_col(url.end_byte()) + 2;
                        let trail = self.rest_len(url.end_byte());
                        let b = self.body_arg(body, col, trail);
                        self.edit(url.end_byte()..url.end_byte(), format!(", {b}"))
                    }
                    (None, Some(d)) => {
                        if self.drop_params_in(d) {
                            if config.is_some() {
                                self.edit(d.start_byte()..d.end_byte(), "null");
                            } else {
                                self.edit(url.end_byte()..d.end_byte(), "");
                            }
                        }
                    }
                }
                self.apply_props(node, args, config, props)
            }
            (Convention::UrlConfig, Convention::UrlConfig) => {
                match as_prop {
                    Some(Some(b)) => props.set.push(("data".into(), b)),
                    Some(None) => props.remove.push("data".into()),
                    None => self.drop_in_option(&mut props, config, "data"),
                }
                self.apply_props(node, args, config, props)
            }
            (Convention::UrlConfig, Convention::UrlDataConfig) => {
                // `data` moves from the config to the second argument.
                let moved = config
                    .filter(|c| c.kind_name() == "object")
                    .and_then(|c| object_value(c, "data", self.text));
                let col = self.new_col(url.end_byte()) + 2;
                let trail = if config.is_some() {
                    3
                } else {
                    self.rest_len(url.end_byte())
                };
                let body = match (&self.rw.body, moved) {
                    (Some(NewBody::None), _) | (None, None) => "null".to_string(),
                    (Some(b), _) => self.body_arg(b, col, trail),
                    (None, Some(d)) => self.src(d).to_string(),
                };
                if moved.is_some() {
                    props.remove.push("data".into());
                }
                if body == "null" && config.is_none() && props.set.is_empty() {
                    return Ok(());
                }
                self.edit(url.end_byte()..url.end_byte(), format!(", {body}"));
                self.apply_props(node, args, config, props)
            }
            (Convention::UrlDataConfig, Convention::UrlConfig) => {
                // The data argument goes away; a body moves into the config.
                let Some(d) = data else {
                    return self.apply_props(node, args, config, props);
                };
                let end = config.map(|c| c.start_byte()).unwrap_or(d.end_byte());
                let start = url.end_byte();
                match as_prop {
                    Some(Some(b)) => props.set.push(("data".into(), b)),
                    Some(None) => {}
                    None => {
                        let kept = self.src(d).to_string();
                        if kept != "undefined" && kept != "null" {
                            props.set.push(("data".into(), kept));
                        }
                    }
                }
                if config.is_some() {
                    self.edit(start..end, ", ");
                } else {
                    self.edit(start..end, "");
                }
                self.apply_props(node, args, config, props)
            }
        }
    }

    /// A body written as an argument (`axios.post(url, <body>, config)`), starting at
    /// column `col` of its line.
    pub(super) fn body_arg(&self, body: &NewBody, col: usize, trail: usize) -> String {
        let call_indent = line_indent(self.text, self.call.span.start);
        match body {
            NewBody::None => "null".into(),
            NewBody::Json(RValue::Object(entries)) => {
                self.fit_object(entries, &call_indent, col, trail)
            }
            NewBody::Json(v) => reindent(&self.value(v, &self.base), &self.base, &call_indent),
            NewBody::Form(_) => {
                let f = self.form.clone().unwrap_or_default();
                format!(
                    "new URLSearchParams({})",
                    self.fit_object(
                        &f,
                        &call_indent,
                        col + "new URLSearchParams(".len(),
                        trail + 1
                    )
                )
            }
        }
    }
}
