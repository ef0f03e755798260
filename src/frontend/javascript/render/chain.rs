//! superagent and supertest chains: `agent.delete(url).set(k, v).send(body)`.

use super::style::{line_indent, reindent};
use super::syntax::{arguments, callee, is_verb, named_children, string_value};
use super::{Renderer, R};
use crate::frontend::fields::ChildField as _;
use crate::model::plan::NewBody;
use tree_sitter::Node;

impl<'a> Renderer<'a> {
    /// superagent / supertest chains: `agent.delete(url).set(k, v).send(body)`.
    pub(super) fn chain(&mut self, node: Node<'a>) -> R<()> {
        // The links of the chain, outermost first.
        let mut links = Vec::new();
        let mut cur = node;
        while let Some(callee) = callee(cur) {
            links.push(cur);
            match callee.kind_name() {
                "member_expression" => match callee.field("object") {
                    Some(obj) if obj.kind_name() == "call_expression" => cur = obj,
                    _ => break,
                },
                _ => break,
            }
        }
        let link_name = |l: &Node<'a>| -> Option<&'a str> {
            let p = callee(*l)?.field("property")?;
            Some(&self.text[p.start_byte()..p.end_byte()])
        };
        let verb_link = links
            .iter()
            .rev()
            .find(|l| link_name(l).is_some_and(|p| is_verb(p) || p == "del"))
            .copied()
            .ok_or("the method link of the chain was not found")?;
        let args = arguments(verb_link).ok_or("no arguments")?;
        let url = *named_children(args).first().ok_or("no URL argument")?;
        self.url(url)?;
        if let Some(m) = &self.rw.method {
            let prop = callee(verb_link)
                .and_then(|c| c.field("property"))
                .ok_or("no method name")?;
            self.edit(prop.start_byte()..prop.end_byte(), m.to_ascii_lowercase());
        }
        // Links are added one per line when the chain is written that way.
        let chain_indent = self.chain_indent(verb_link);
        let sep = chain_indent
            .as_ref()
            .map(|i| format!("\n{i}"))
            .unwrap_or_default();
        let value_indent = chain_indent
            .clone()
            .unwrap_or_else(|| line_indent(self.text, verb_link.end_byte()));
        let base = self.base.clone();
        let mut appended = String::new();
        for (name, parts) in &self.rw.set_headers {
            // Replace an existing `.set(name, …)` value, else append one.
            let existing = links.iter().find_map(|l| {
                if link_name(l)? != "set" {
                    return None;
                }
                let a = named_children(arguments(*l)?);
                let key = string_value(*a.first()?, self.text)?;
                key.eq_ignore_ascii_case(name)
                    .then(|| a.get(1).copied())
                    .flatten()
            });
            if self.header_present(name, parts) {
                continue;
            }
            let value = self.parts(parts);
            match existing {
                Some(v) => self.edit(v.start_byte()..v.end_byte(), value),
                None => appended.push_str(&format!("{sep}.set({}, {value})", self.string(name))),
            }
        }
        let find_link = |name: &str| links.iter().copied().find(|l| link_name(l) == Some(name));
        let send = find_link("send");
        let remove_link = |r: &mut Self, l: Node<'a>| -> R<()> {
            let callee = callee(l).ok_or("no callee")?;
            let obj = callee.field("object").ok_or("no object")?;
            r.edit(obj.end_byte()..l.end_byte(), "");
            r.dead.push(obj.end_byte()..l.end_byte());
            Ok(())
        };
        match &self.rw.body {
            None => {
                if let Some(arg) = send
                    .and_then(|s| arguments(s))
                    .and_then(|a| named_children(a).first().copied())
                {
                    if self.drop_params_in(arg) {
                        remove_link(self, send.unwrap())?;
                    }
                }
            }
            Some(NewBody::None) => {
                if let Some(s) = send {
                    remove_link(self, s)?;
                }
            }
            Some(body @ (NewBody::Json(_) | NewBody::Form(_))) => {
                let value = match body {
                    NewBody::Json(v) => self.value(v, &base),
                    _ => self.form_object(&base),
                };
                match send {
                    Some(s) => {
                        let a = named_children(arguments(s).ok_or("no arguments")?);
                        let arg = a.first().ok_or("`.send()` has no argument")?;
                        let v = reindent(&value, &base, &line_indent(self.text, arg.start_byte()));
                        self.edit(arg.start_byte()..arg.end_byte(), v);
                    }
                    None => {
                        let v = reindent(&value, &base, &value_indent);
                        if matches!(body, NewBody::Form(_)) && find_link("type").is_none() {
                            appended.push_str(&format!("{sep}.type({})", self.string("form")));
                        }
                        appended.push_str(&format!("{sep}.send({v})"));
                    }
                }
            }
        }
        if !appended.is_empty() {
            // Right after the method link, before any `.then`/`.expect`.
            self.insert(verb_link.end_byte(), appended);
        }
        if !self.rw.drop_params.is_empty() || self.rw.drop_query {
            for l in links.clone() {
                if link_name(&l) != Some("query") {
                    continue;
                }
                if let Some(arg) = arguments(l).and_then(|a| named_children(a).first().copied()) {
                    if self.rw.drop_query || self.drop_params_in(arg) {
                        remove_link(self, l)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The indentation of the chain's links when the link after `link` (or `link`
    /// itself) starts a line of its own: `agent\n  .delete(url)\n  .set(…)`.
    pub(super) fn chain_indent(&self, link: Node<'a>) -> Option<String> {
        if let Some(parent) = self
            .scopes
            .parents
            .of(link)
            .filter(|p| p.kind_name() == "member_expression")
        {
            let prop = parent.field("property")?;
            if self.text[link.end_byte()..prop.start_byte()].contains('\n') {
                return Some(line_indent(self.text, prop.start_byte()));
            }
        }
        let own = callee(link)?;
        if own.kind_name() == "member_expression" {
            let obj = own.field("object")?;
            let prop = own.field("property")?;
            if self.text[obj.end_byte()..prop.start_byte()].contains('\n') {
                return Some(line_indent(self.text, prop.start_byte()));
            }
        }
        None
    }
}
