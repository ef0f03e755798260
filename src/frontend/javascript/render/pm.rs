//! Postman scripts: `pm.sendRequest({url, method, header, body}, cb)`.

use super::options::Props;
use super::style::reindent;
use super::syntax::{arguments, named_children, object_value};
use super::{Renderer, R};
use crate::frontend::fields::ChildField as _;
use crate::model::plan::NewBody;
use tree_sitter::Node;

impl<'a> Renderer<'a> {
    /// `pm.sendRequest({url, method, header, body}, cb)`.
    pub(super) fn pm(&mut self, node: Node<'a>) -> R<()> {
        let args = arguments(node).ok_or("the call has no arguments")?;
        let list = named_children(args);
        let first = *list.first().ok_or("the call has no arguments")?;
        if first.kind_name() != "object" {
            // A bare URL: the request becomes an object.
            self.url(first)?;
            if self.rw.method.is_none() && self.rw.body.is_none() && self.rw.set_headers.is_empty()
            {
                return Ok(());
            }
            return Err(
                "pm.sendRequest with a bare URL needs a request object; rewrite by hand".into(),
            );
        }
        let url =
            object_value(first, "url", self.text).ok_or("the URL is not written in the call")?;
        self.url(url)?;
        let mut props = Props::default();
        if let Some(m) = &self.rw.method {
            props.set.push(("method".into(), self.string(m)));
        }
        self.header_props(&mut props, Some(first), "header")?;
        let base = self.base.clone();
        match &self.rw.body {
            None => {}
            Some(NewBody::None) => props.remove.push("body".into()),
            Some(NewBody::Json(v)) => {
                let inner = format!("{base}{}", self.unit);
                let items = vec![
                    format!("mode: {}", self.string("raw")),
                    format!(
                        "raw: JSON.stringify({})",
                        reindent(&self.value(v, &base), &base, &inner)
                    ),
                    format!(
                        "options: {{ raw: {{ language: {} }} }}",
                        self.string("json")
                    ),
                ];
                let text = self.layout(
                    &items,
                    ('{', '}'),
                    true,
                    &base,
                    base.len() + "body: ".len(),
                    1,
                );
                props.set.push(("body".into(), text))
            }
            Some(NewBody::Form(_)) => {
                let f = self.form.clone().unwrap_or_default();
                let inner = format!("{base}{}", self.unit);
                let fields: Vec<String> = f
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{{ key: {}, value: {} }}",
                            self.string(k),
                            self.value(v, &inner)
                        )
                    })
                    .collect();
                let list_col = inner.len() + "urlencoded: ".len();
                let list = self.layout(&fields, ('[', ']'), false, &inner, list_col, 1);
                let items = vec![
                    format!("mode: {}", self.string("urlencoded")),
                    format!("urlencoded: {list}"),
                ];
                let text = self.layout(
                    &items,
                    ('{', '}'),
                    true,
                    &base,
                    base.len() + "body: ".len(),
                    1,
                );
                props.set.push(("body".into(), text))
            }
        }
        self.apply_props(node, args, Some(first), props)
    }
}
