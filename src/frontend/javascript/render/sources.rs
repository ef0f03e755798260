//! Expressions the rewrite writes at the call that are written elsewhere: they must
//! mean the same at the call, and parameters to drop must be written in it.

use super::syntax::{node_at, scope_at, this_owner};
use super::{Renderer, R};
use crate::call::{Piece, Span, Value};
use crate::frontend::fields::ChildField as _;
use crate::model::plan::{NewBody, Part, RValue};
use tree_sitter::Node;

impl<'a> Renderer<'a> {
    /// Every source expression the rewrite writes at the call that is written outside
    /// it must mean the same there: the names in it must be bound to the same
    /// declarations at the call (not shadowed, not local to another function).
    pub(super) fn check_sources(&self, node: Node<'a>) -> R<()> {
        let mut sources: Vec<(String, Span)> = Vec::new();
        fn from_parts(parts: &[Part], out: &mut Vec<(String, Span)>) {
            for p in parts {
                match p {
                    Part::Source { text, span } => out.push((text.clone(), span.clone())),
                    Part::Call { args, .. } => {
                        for a in args.iter().rev() {
                            from_parts(a, out);
                        }
                    }
                    Part::Lit(_) | Part::Env(_) | Part::Param(_) => {}
                }
            }
        }
        fn from_value(v: &RValue, out: &mut Vec<(String, Span)>) {
            match v {
                RValue::Str(p) => from_parts(p, out),
                RValue::Array(items) => items.iter().for_each(|i| from_value(i, out)),
                RValue::Object(e) => e.iter().for_each(|(_, v)| from_value(v, out)),
                _ => {}
            }
        }
        if let Some(u) = &self.rw.url {
            from_parts(&u.path, &mut sources);
            let cut_outside = u
                .cut
                .is_some_and(|c| c < node.start_byte() || c > node.end_byte());
            if cut_outside {
                for p in &u.prefix {
                    if let Piece::Hole { expr, span } = p {
                        sources.push((expr.clone(), span.clone()));
                    }
                }
            }
        }
        for (_, p) in &self.rw.set_headers {
            from_parts(p, &mut sources);
        }
        match (&self.rw.body, &self.form) {
            (_, Some(f)) => f.iter().for_each(|(_, v)| from_value(v, &mut sources)),
            (Some(NewBody::Json(v)), _) => from_value(v, &mut sources),
            _ => {}
        }
        let call = node.start_byte()..node.end_byte();
        // A literal a name at the call stands for is written as that name: in scope.
        let via = |text: &str, span: &Span| {
            self.call
                .vias
                .iter()
                .any(|v| v.literal == *span && v.expr == text)
        };
        let outside: Vec<&(String, Span)> = sources
            .iter()
            .filter(|(t, s)| !(via(t, s) || s.start >= call.start && s.end <= call.end))
            .collect();
        if outside.is_empty() {
            return Ok(());
        }
        let scopes = self.scopes;
        let here = scope_at(scopes, node);
        for (expr, span) in outside {
            let not_in_scope = || {
                format!("`{expr}` is written outside the call and may not be in scope there; rewrite it by hand")
            };
            let n = node_at(&self.scopes.parents, self.root, span).ok_or_else(not_in_scope)?;
            if self.src(n).trim() != expr.trim() {
                return Err(not_in_scope());
            }
            let mut stack = vec![n];
            while let Some(m) = stack.pop() {
                match m.kind_name() {
                    "identifier" => {
                        let name = self.src(m);
                        if scopes.binding_of(m) != scopes.lookup(name, here) {
                            return Err(not_in_scope());
                        }
                    }
                    "this" | "super"
                        if this_owner(&scopes.parents, m) != this_owner(&scopes.parents, node) =>
                    {
                        return Err(not_in_scope());
                    }
                    _ => {}
                }
                let mut c = m.walk();
                stack.extend(m.named_children(&mut c));
            }
        }
        Ok(())
    }

    /// Parameters to drop must be written in the call (or in its URL, when the URL is
    /// rebuilt): one set in a variable or a constant elsewhere would still be sent.
    pub(super) fn check_dropped(&self, node: Node<'a>) -> R<()> {
        if self.rw.drop_params.is_empty() {
            return Ok(());
        }
        let inside = |s: &Span| s.start >= node.start_byte() && s.end <= node.end_byte();
        let parsed = self.call.url.parse();
        let from_url = |f: &crate::call::Field| {
            parsed
                .query
                .iter()
                .any(|q| q.key == f.key && q.key_span == f.key_span)
        };
        let mut fields: Vec<&crate::call::Field> = Vec::new();
        if !self.rw.drop_query {
            fields.extend(
                self.call
                    .query
                    .entries
                    .iter()
                    .chain(parsed.query.iter())
                    .filter(|f| !(self.rw.url.is_some() && from_url(f))),
            );
        }
        if self.rw.body.is_none() {
            match &self.call.body {
                Some(crate::call::Body::Form { fields: f }) => fields.extend(f.entries.iter()),
                Some(crate::call::Body::Json {
                    value: Value::Object(f),
                }) => fields.extend(f.entries.iter()),
                _ => {}
            }
        }
        for f in fields {
            if self.rw.drop_params.contains(&f.key) && !inside(&f.key_span) {
                return Err(format!(
                    "`{}` is set outside the call; remove it by hand",
                    f.key
                ));
            }
        }
        Ok(())
    }
}
