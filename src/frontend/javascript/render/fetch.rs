//! `fetch(url, init)` and `new Request(url, init)`.

use super::options::Props;
use super::syntax::{arguments, named_children};
use super::{Renderer, R};
use crate::model::plan::NewBody;
use tree_sitter::Node;

impl<'a> Renderer<'a> {
    /// `fetch(url, init)` and `new Request(url, init)`.
    pub(super) fn fetch_like(&mut self, node: Node<'a>) -> R<()> {
        let args = arguments(node).ok_or("the call has no arguments")?;
        let list = named_children(args);
        let url = *list.first().ok_or("the call has no URL argument")?;
        self.url(url)?;
        let init = list.get(1).copied();
        let mut props = Props::default();
        if let Some(m) = &self.rw.method {
            props.set.push(("method".into(), self.string(m)));
        }
        self.header_props(&mut props, init, "headers")?;
        let base = self.base.clone();
        match &self.rw.body {
            None => self.drop_in_option(&mut props, init, "body"),
            Some(NewBody::None) => props.remove.push("body".into()),
            Some(NewBody::Json(v)) => props.set.push((
                "body".into(),
                format!("JSON.stringify({})", self.value(v, &base)),
            )),
            Some(NewBody::Form(_)) => {
                let f = self.form_object(&base);
                props
                    .set
                    .push(("body".into(), format!("new URLSearchParams({f})")))
            }
        }
        self.apply_props(node, args, init, props)
    }
}
