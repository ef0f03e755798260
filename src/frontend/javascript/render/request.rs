//! request and request-promise: `request(opts)`, `request.delete(url, opts)`.

use super::options::Props;
use super::syntax::{arguments, callee, named_children, object_value};
use super::{Renderer, R};
use crate::frontend::fields::ChildField as _;
use crate::model::plan::NewBody;
use tree_sitter::Node;

impl<'a> Renderer<'a> {
    /// request / request-promise: `request(opts)`, `request.delete(url, opts)`.
    pub(super) fn request(&mut self, node: Node<'a>) -> R<()> {
        let args = arguments(node).ok_or("the call has no arguments")?;
        let list = named_children(args);
        let callee = callee(node).ok_or("no callee")?;
        let first = *list.first().ok_or("the call has no arguments")?;
        let (url, opts) = if first.kind_name() == "object" {
            let u = object_value(first, "uri", self.text)
                .or_else(|| object_value(first, "url", self.text))
                .ok_or("the URL is not written in the call")?;
            (u, Some(first))
        } else {
            (
                first,
                list.get(1).copied().filter(|n| n.kind_name() == "object"),
            )
        };
        self.url(url)?;
        let mut props = Props::default();
        self.method_by_name_or_option(callee, &mut props, opts, &["del"]);
        self.header_props(&mut props, opts, "headers")?;
        self.query_props(&mut props, opts, &["qs"]);
        let base = self.base.clone();
        match &self.rw.body {
            None => {
                for key in ["form", "body"] {
                    self.drop_in_option(&mut props, opts, key);
                }
            }
            Some(NewBody::None) => props
                .remove
                .extend(["form", "body", "json"].map(String::from)),
            Some(NewBody::Json(v)) => {
                props.remove.push("form".into());
                props.set.push(("body".into(), self.value(v, &base)));
                props.set.push(("json".into(), "true".into()));
            }
            Some(NewBody::Form(_)) => {
                props.remove.extend(["body", "json"].map(String::from));
                let f = self.form_object(&base);
                props.set.push(("form".into(), f));
            }
        }
        self.apply_props(node, args, opts, props)
    }
}
