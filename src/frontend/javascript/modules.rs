//! Lowering a JavaScript/TypeScript module into what it exports, for the project index
//! ([`crate::resolve`]): ES `export const`/`export default`/`export { a as b }`,
//! re-exports (`export { a } from './m'`, `export * from './m'`) and CommonJS
//! (`module.exports = { … }`, `module.exports.X = …`, `exports.X = …`,
//! `module.exports = require('./m')`).
//!
//! Each exported value is resolved with the same [`Resolver`] the file's own calls
//! use (so a module's constants may be built from its own bindings and from its own
//! imports), into a text (literal parts and holes) or an object of such values.
//! Anything else (functions, classes, values with no literal part) is not exported
//! here.

use super::resolve::{Project, Resolver};
use super::scope::{self, named_children, ScopeId};
use crate::call::Piece;
use crate::resolve::{
    position_of, Export, Exported, ModuleExports, ProjectIndex, Shape, TextPiece,
};
use crate::source::Language;
use std::path::Path;
use tree_sitter::Node;

/// How many exports of one module are lowered, and fields of one object.
const MAX_EXPORTS: usize = 500;
const MAX_FIELDS: usize = 200;
/// How deep nested objects are lowered.
const MAX_OBJECT_DEPTH: usize = 4;

/// The exports of the module at `path` whose text is `text` (a [`crate::resolve::Lower`]).
pub(crate) fn lower(index: &ProjectIndex, path: &Path, text: &str, depth: usize) -> ModuleExports {
    let language = match path.extension().and_then(|e| e.to_str()) {
        Some("ts" | "mts" | "cts") => Language::TypeScript,
        Some("tsx") => Language::Tsx,
        _ => Language::JavaScript,
    };
    let Some(tree) = super::parse(text, language) else {
        return ModuleExports::default();
    };
    let root = tree.root_node();
    let scopes = scope::collect(root, text);
    let mut resolver = Resolver::new(text, &scopes);
    resolver.project = Some(Project { index, path, depth });
    let l = Lowering { r: &resolver, path };
    let mut out = ModuleExports::default();
    for stmt in named_children(root) {
        if out.names.len() >= MAX_EXPORTS {
            break;
        }
        match stmt.kind() {
            "export_statement" => l.export_statement(stmt, &mut out),
            "expression_statement" => {
                if let Some(e) = named_children(stmt).first() {
                    l.commonjs(*e, &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

struct Lowering<'r, 'a, 't> {
    r: &'r Resolver<'a, 't>,
    path: &'r Path,
}

impl<'t> Lowering<'_, '_, 't> {
    fn export_statement(&self, stmt: Node<'t>, out: &mut ModuleExports) {
        let r = self.r;
        let source = stmt
            .child_by_field_name("source")
            .and_then(|s| r.string_lit(s))
            .map(|s| s.0);
        if let Some(decl) = stmt.child_by_field_name("declaration") {
            if matches!(decl.kind(), "lexical_declaration" | "variable_declaration") {
                for d in named_children(decl) {
                    let (Some(name), Some(value)) = (
                        d.child_by_field_name("name"),
                        d.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    if name.kind() == "identifier" {
                        self.put(out, r.text(name), value);
                    }
                }
            }
            return;
        }
        if let Some(value) = stmt.child_by_field_name("value") {
            self.put(out, "default", value);
            return;
        }
        let clause = named_children(stmt)
            .into_iter()
            .find(|c| c.kind() == "export_clause");
        match (clause, source) {
            (Some(clause), source) => {
                for spec in named_children(clause) {
                    let Some(name) = spec.child_by_field_name("name") else {
                        continue;
                    };
                    let alias = spec.child_by_field_name("alias").unwrap_or(name);
                    let exported = r.text(alias).trim_matches(['"', '\'']).to_string();
                    match &source {
                        Some(from) => {
                            out.names.insert(
                                exported,
                                Export::From {
                                    from: from.clone(),
                                    name: r.text(name).trim_matches(['"', '\'']).to_string(),
                                },
                            );
                        }
                        None => self.put(out, &exported, name),
                    }
                }
            }
            // `export * from './m'` (not `export * as ns from`).
            (None, Some(from)) => {
                if !named_children(stmt)
                    .iter()
                    .any(|c| c.kind() == "namespace_export")
                {
                    out.star.push(from);
                }
            }
            (None, None) => {}
        }
    }

    /// `module.exports = …`, `module.exports.X = …`, `exports.X = …`.
    fn commonjs(&self, e: Node<'t>, out: &mut ModuleExports) {
        let r = self.r;
        if e.kind() != "assignment_expression" {
            return;
        }
        let (Some(left), Some(right)) = (
            e.child_by_field_name("left"),
            e.child_by_field_name("right"),
        ) else {
            return;
        };
        let target = r.text(left);
        if target == "module.exports" {
            let value = r.unwrap(right);
            if value.kind() == "call_expression"
                && r.callee(value).is_some_and(|f| r.text(f) == "require")
            {
                if let Some(spec) = r.args(value).first().and_then(|a| r.string_lit(*a)) {
                    out.star.push(spec.0);
                }
                return;
            }
            self.put(out, "default", right);
            return;
        }
        let name = target
            .strip_prefix("module.exports.")
            .or_else(|| target.strip_prefix("exports."));
        if let Some(name) = name.filter(|n| {
            n.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        }) {
            self.put(out, name, right);
        }
    }

    fn put(&self, out: &mut ModuleExports, name: &str, value: Node<'t>) {
        if let Some(v) = self.value(value, 0, 0) {
            out.names.insert(name.to_string(), Export::Value(v));
        }
    }

    /// The value of an expression of the module (scope: the module's top level).
    fn value(&self, n: Node<'t>, scope: ScopeId, depth: usize) -> Option<Exported> {
        let r = self.r;
        let (o, os) = r.follow(n, scope);
        let at = |span: std::ops::Range<usize>, shape| Exported {
            shape,
            path: self.path.to_path_buf(),
            start: position_of(r.text, span.start),
            end: position_of(r.text, span.end),
            span,
        };
        if o.kind() == "object" {
            if depth >= MAX_OBJECT_DEPTH {
                return None;
            }
            let mut fields = Vec::new();
            for child in named_children(o).into_iter().take(MAX_FIELDS) {
                let (key, value) = match child.kind() {
                    "pair" => {
                        let (Some(k), Some(v)) = (
                            child.child_by_field_name("key"),
                            child.child_by_field_name("value"),
                        ) else {
                            continue;
                        };
                        let key = match k.kind() {
                            "property_identifier" | "number" => r.text(k).to_string(),
                            _ => match r.string_lit(k) {
                                Some(s) => s.0,
                                None => continue,
                            },
                        };
                        (key, v)
                    }
                    "shorthand_property_identifier" => (r.text(child).to_string(), child),
                    _ => continue,
                };
                if let Some(v) = self.value(value, os, depth + 1) {
                    fields.push((key, v));
                }
            }
            return Some(at(o.byte_range(), Shape::Object(fields)));
        }
        let url = r.url(o, os);
        if !url.pieces.iter().any(|p| matches!(p, Piece::Lit { .. })) {
            return None;
        }
        let pieces = url
            .pieces
            .iter()
            .map(|p| match p {
                Piece::Lit { text, .. } => TextPiece::Lit(text.clone()),
                Piece::Hole { expr, .. } => TextPiece::Hole(expr.clone()),
            })
            .collect();
        // A value that is wholly another module's (`export const B = A` of an import):
        // it is defined there.
        if let [related] = url.related.as_slice() {
            if related.local == o.byte_range() {
                return Some(Exported {
                    shape: Shape::Text(pieces),
                    path: related.path.clone(),
                    span: related.span.clone(),
                    start: related.start,
                    end: related.end,
                });
            }
        }
        Some(at(o.byte_range(), Shape::Text(pieces)))
    }
}
