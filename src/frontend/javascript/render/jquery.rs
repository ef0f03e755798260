//! jQuery: `$.ajax({url, type, data, headers})`, `$.ajax(url, settings)`.

use super::options::Props;
use super::syntax::{arguments, named_children, object_pair, object_value};
use super::{Renderer, R};
use crate::frontend::fields::ChildField as _;
use crate::model::plan::NewBody;
use tree_sitter::Node;

impl<'a> Renderer<'a> {
    /// `$.ajax({url, type, data, headers})`, `$.ajax(url, settings)`.
    pub(super) fn jquery(&mut self, node: Node<'a>) -> R<()> {
        let args = arguments(node).ok_or("the call has no arguments")?;
        let list = named_children(args);
        let first = *list.first().ok_or("the call has no arguments")?;
        let (url, settings) = if first.kind_name() == "object" {
            (
                object_value(first, "url", self.text)
                    .ok_or("the URL is not written in the call")?,
                Some(first),
            )
        } else {
            (first, list.get(1).copied())
        };
        self.url(url)?;
        let mut props = Props::default();
        if let Some(m) = &self.rw.method {
            let key = if settings.is_some_and(|s| {
                s.kind_name() == "object" && object_pair(s, "type", self.text).is_some()
            }) {
                "type"
            } else {
                "method"
            };
            props.set.push((key.into(), self.string(m)));
        }
        self.header_props(&mut props, settings, "headers")?;
        let base = self.base.clone();
        match &self.rw.body {
            None => self.drop_in_option(&mut props, settings, "data"),
            Some(NewBody::None) => props.remove.push("data".into()),
            Some(NewBody::Json(v)) => {
                props.set.push((
                    "data".into(),
                    format!("JSON.stringify({})", self.value(v, &base)),
                ));
                props
                    .set
                    .push(("contentType".into(), self.string("application/json")));
            }
            Some(NewBody::Form(_)) => {
                let f = self.form_object(&base);
                props.set.push(("data".into(), f))
            }
        }
        self.apply_props(node, args, settings, props)
    }
}
