//! got and ky: `got(url, opts)`, `got.delete(url, opts)`, `ky.post(url, opts)`.

use super::options::Props;
use super::syntax::{arguments, callee, named_children};
use super::{Renderer, R};
use crate::call::Client;
use crate::model::plan::NewBody;
use tree_sitter::Node;

impl<'a> Renderer<'a> {
    /// got / ky: `got(url, opts)`, `got.delete(url, opts)`.
    pub(super) fn got_ky(&mut self, node: Node<'a>) -> R<()> {
        let args = arguments(node).ok_or("the call has no arguments")?;
        let list = named_children(args);
        let callee = callee(node).ok_or("no callee")?;
        let url = *list.first().ok_or("the call has no URL argument")?;
        self.url(url)?;
        let opts = list.get(1).copied();
        let mut props = Props::default();
        self.method_by_name_or_option(callee, &mut props, opts, &[]);
        self.header_props(&mut props, opts, "headers")?;
        self.query_props(&mut props, opts, &["searchParams"]);
        let base = self.base.clone();
        match &self.rw.body {
            None => {
                for key in ["json", "form", "body"] {
                    self.drop_in_option(&mut props, opts, key);
                }
            }
            Some(NewBody::None) => props
                .remove
                .extend(["json", "form", "body"].map(String::from)),
            Some(NewBody::Json(v)) => {
                props.remove.extend(["form", "body"].map(String::from));
                props.set.push(("json".into(), self.value(v, &base)));
            }
            Some(NewBody::Form(_)) => {
                props.remove.extend(["json", "body"].map(String::from));
                let f = self.form_object(&base);
                if self.call.client == Client::Got {
                    props.set.push(("form".into(), f));
                } else {
                    props
                        .set
                        .push(("body".into(), format!("new URLSearchParams({f})")));
                }
            }
        }
        self.apply_props(node, args, opts, props)
    }
}
