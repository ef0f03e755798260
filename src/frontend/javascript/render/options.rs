//! Options objects: the method, headers, query parameters and body as properties of
//! the object a call is given (or a new one after its last argument).

use super::style::{line_indent, reindent};
use super::syntax::{
    arguments, entry_key, has_comment, is_plain_reference, is_verb, named_children, object_entries,
    object_pair, object_value, string_value,
};
use super::{Renderer, R};
use crate::call::{Client, Value};
use crate::frontend::fields::ChildField as _;
use crate::model::plan::{NewBody, Part, RValue};
use tree_sitter::Node;

/// Property changes for an options object: values to set (source text) and keys to remove.
#[derive(Default)]
pub(super) struct Props {
    pub(super) set: Vec<(String, String)>,
    pub(super) remove: Vec<String>,
}

impl Props {
    pub(super) fn is_empty(&self) -> bool {
        self.set.is_empty() && self.remove.is_empty()
    }
}

impl<'a> Renderer<'a> {
    /// The method as a string, in the case the options already write it in.
    pub(super) fn method_string(&self, m: &str, opts: Option<Node>) -> String {
        let written = opts
            .filter(|o| o.kind_name() == "object")
            .and_then(|o| object_value(o, "method", self.text))
            .and_then(|n| string_value(n, self.text));
        match written {
            Some(w) if w.chars().all(|c| !c.is_ascii_uppercase()) => {
                self.string(&m.to_ascii_lowercase())
            }
            _ => self.string(m),
        }
    }

    /// The new method of a library whose methods are named (`got.delete(url, opts)`):
    /// the name is changed in place; a call made without one (`got(url, opts)`) gets a
    /// `method` option. `aliases` are extra verb names of the library (`request.del`).
    pub(super) fn method_by_name_or_option(
        &mut self,
        callee: Node<'a>,
        props: &mut Props,
        opts: Option<Node<'a>>,
        aliases: &[&str],
    ) {
        let Some(m) = &self.rw.method else { return };
        match callee.field("property") {
            Some(prop) if is_verb(self.src(prop)) || aliases.contains(&self.src(prop)) => {
                self.edit(prop.start_byte()..prop.end_byte(), m.to_ascii_lowercase())
            }
            _ => props
                .set
                .push(("method".into(), self.method_string(m, opts))),
        }
    }

    /// Applies `props` to the options object `obj` (an argument of the call), creating
    /// it after the last argument when the call has none.
    pub(super) fn apply_props(
        &mut self,
        node: Node<'a>,
        args: Node<'a>,
        obj: Option<Node<'a>>,
        props: Props,
    ) -> R<()> {
        if props.is_empty() {
            return Ok(());
        }
        let indent = line_indent(self.text, node.start_byte());
        match obj {
            Some(o) if o.kind_name() == "object" => {
                self.plan(o, props.set, props.remove);
                Ok(())
            }
            Some(o) => {
                if !props.remove.is_empty() {
                    return Err(format!(
                        "the options are not written in the call (`{}`)",
                        self.src(o)
                    ));
                }
                self.plan(o, props.set, Vec::new());
                self.set_spread(o, String::new());
                Ok(())
            }
            None => {
                if props.set.is_empty() {
                    return Ok(());
                }
                let items: Vec<String> = props
                    .set
                    .iter()
                    .map(|(k, v)| self.entry(k, v, &self.base))
                    .collect();
                let close = args.end_byte() - 1;
                let last = named_children(args).last().map(|n| n.end_byte());
                let at = last.unwrap_or(close);
                let sep = if last.is_some() { ", " } else { "" };
                let col = self.new_col(at) + sep.len();
                let trail = self.rest_len(at);
                let text = self.layout(&items, ('{', '}'), true, &indent, col, trail);
                self.insert(at, format!("{sep}{text}"));
                Ok(())
            }
        }
    }

    /// `key: value` (or the shorthand `key`), the value moved from `base` to `to`.
    pub(super) fn entry(&self, k: &str, v: &str, to: &str) -> String {
        self.pair(k, &reindent(v, &self.base, to))
    }

    /// `key: value`, or the shorthand `key` when the value is that name.
    pub(super) fn pair(&self, k: &str, v: &str) -> String {
        if k == v && self.key_text(k) == k {
            k.to_string()
        } else {
            format!("{}: {v}", self.key_text(k))
        }
    }

    /// Header changes: in the headers object when it is written in the call, otherwise
    /// as a new `headers` property.
    pub(super) fn header_props(
        &mut self,
        props: &mut Props,
        opts: Option<Node<'a>>,
        key: &str,
    ) -> R<()> {
        if self.rw.set_headers.is_empty() && self.rw.remove_headers.is_empty() {
            return Ok(());
        }
        let rendered: Vec<(String, String)> = self
            .rw
            .set_headers
            .iter()
            .filter(|(k, parts)| !self.header_present(k, parts))
            .map(|(k, parts)| (k.clone(), self.parts(parts)))
            .collect();
        let existing = opts
            .filter(|o| o.kind_name() == "object")
            .and_then(|o| object_value(o, key, self.text));
        match existing {
            None => {
                if !rendered.is_empty() {
                    let inner = format!("{}{}", self.base, self.unit);
                    let mut items: Vec<String> = Vec::new();
                    // Options held in a variable keep their own headers.
                    if let Some(o) = opts.filter(|o| o.kind_name() != "object") {
                        if !is_plain_reference(self.src(o)) {
                            return Err(format!(
                                "the options are not written in the call (`{}`)",
                                self.src(o)
                            ));
                        }
                        items.push(format!("...{}?.{key}", self.src(o)));
                    }
                    items.extend(rendered.iter().map(|(k, v)| self.entry(k, v, &inner)));
                    let col = self.base.len() + key.len() + 2;
                    let text = self.layout(&items, ('{', '}'), true, &self.base, col, 1);
                    props.set.push((key.to_string(), text));
                }
                Ok(())
            }
            Some(h) if h.kind_name() == "object" => {
                // Header names compare case-insensitively: find the written spelling.
                let entries = object_entries(h);
                let written = |k: &str| {
                    entries
                        .iter()
                        .filter_map(|e| entry_key(*e, self.text))
                        .find(|w| w.eq_ignore_ascii_case(k))
                };
                let set: Vec<(String, String)> = rendered
                    .into_iter()
                    .map(|(k, v)| (written(&k).unwrap_or(k), v))
                    .collect();
                let remove: Vec<String> = self
                    .rw
                    .remove_headers
                    .iter()
                    .filter_map(|k| written(k))
                    .collect();
                if !set.is_empty() || !remove.is_empty() {
                    self.plan(h, set, remove);
                }
                Ok(())
            }
            Some(h) if h.kind_name() == "array" => {
                // Postman `header: [{ key, value }]`.
                for (k, v) in rendered {
                    let item = named_children(h).into_iter().find(|i| {
                        i.kind_name() == "object"
                            && object_value(*i, "key", self.text)
                                .and_then(|n| string_value(n, self.text))
                                .is_some_and(|s| s.eq_ignore_ascii_case(&k))
                    });
                    match item.and_then(|i| object_value(i, "value", self.text)) {
                        Some(val) => self.edit(val.start_byte()..val.end_byte(), v),
                        None => {
                            let item = format!("{{ key: {}, value: {v} }}", self.string(&k));
                            self.plan_append(h, item);
                        }
                    }
                }
                Ok(())
            }
            Some(h) => {
                if !self.rw.remove_headers.is_empty() {
                    return Err("the headers are not written in the call".into());
                }
                if rendered.is_empty() {
                    return Ok(());
                }
                // `{ headers }` (shorthand) becomes `headers: { ...headers, … }`.
                let prefix = if h.kind_name() == "shorthand_property_identifier" {
                    format!("{}: ", self.key_text(key))
                } else {
                    String::new()
                };
                self.plan(h, rendered, Vec::new());
                self.set_spread(h, prefix);
                Ok(())
            }
        }
    }

    /// Whether the call already sends header `name` with this value (written in the
    /// call or in a headers object it uses): setting it again would only repeat it.
    pub(super) fn header_present(&self, name: &str, parts: &[Part]) -> bool {
        let Some(field) = self.call.headers.get_ci(name) else {
            return self.implied_json_type(name, parts);
        };
        let Value::Str { value, .. } = &field.value else {
            return false;
        };
        let [Part::Lit(want)] = parts else {
            return false;
        };
        if name.eq_ignore_ascii_case("content-type") {
            let media = |s: &str| {
                s.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            };
            media(value) == media(want)
        } else {
            value == want
        }
    }

    /// `Content-Type: application/json` for a JSON body that the client sends with that
    /// type by itself (axios data objects, got/ky `json:`, request `json: true`,
    /// superagent `.send(object)`, jQuery `contentType`), when the call sets no content
    /// type of its own: writing it would only repeat the client.
    pub(super) fn implied_json_type(&self, name: &str, parts: &[Part]) -> bool {
        let json = matches!(parts, [Part::Lit(v)] if v.eq_ignore_ascii_case("application/json"));
        let serialises = matches!(
            self.call.client,
            Client::Axios
                | Client::Got
                | Client::Ky
                | Client::Request
                | Client::Superagent
                | Client::Supertest
                | Client::JQuery
        );
        name.eq_ignore_ascii_case("content-type")
            && json
            && serialises
            && matches!(self.rw.body, Some(NewBody::Json(RValue::Object(_))))
            && !self.call.headers.open
    }

    /// Query option objects (`params`, `qs`, `searchParams`): drop parameters, or the
    /// whole option with `drop_query` (or when no parameter is left).
    pub(super) fn query_props(&mut self, props: &mut Props, opts: Option<Node<'a>>, keys: &[&str]) {
        let Some(o) = opts.filter(|o| o.kind_name() == "object") else {
            return;
        };
        for key in keys {
            if self.rw.drop_query {
                if object_pair(o, key, self.text).is_some() {
                    props.remove.push(key.to_string());
                }
            } else if let Some(v) = object_value(o, key, self.text) {
                if self.drop_params_in(v) {
                    props.remove.push(key.to_string());
                }
            }
        }
    }

    /// Drops `drop_params` from the option `key` of `opts` (a body the rewrite keeps);
    /// the option goes when nothing is left in it.
    pub(super) fn drop_in_option(&mut self, props: &mut Props, opts: Option<Node<'a>>, key: &str) {
        let Some(v) = opts
            .filter(|o| o.kind_name() == "object")
            .and_then(|o| object_value(o, key, self.text))
        else {
            return;
        };
        if self.drop_params_in(v) {
            props.remove.push(key.to_string());
        }
    }

    /// Removes `drop_params` from an object literal (looking through `JSON.stringify(…)`,
    /// `new URLSearchParams(…)`, `qs.stringify(…)`). Returns `true`, changing nothing,
    /// when every property would go: the caller removes the whole value.
    pub(super) fn drop_params_in(&mut self, n: Node<'a>) -> bool {
        if self.rw.drop_params.is_empty() {
            return false;
        }
        let target = match n.kind_name() {
            "object" => Some(n),
            "call_expression" | "new_expression" => arguments(n)
                .and_then(|a| named_children(a).first().copied())
                .filter(|a| a.kind_name() == "object"),
            _ => None,
        };
        let Some(obj) = target else { return false };
        let entries = object_entries(obj);
        let dropped =
            |e: &Node| entry_key(*e, self.text).is_some_and(|k| self.rw.drop_params.contains(&k));
        if !entries.is_empty() && entries.iter().all(dropped) && !has_comment(obj) {
            return true;
        }
        if entries.iter().any(dropped) {
            self.plan(obj, Vec::new(), self.rw.drop_params.clone());
        }
        false
    }
}
