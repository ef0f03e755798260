//! Lowering a JavaScript/TypeScript module into what it exports, for the project index
//! ([`crate::resolve`]): ES `export const`/`export default`/`export { a as b }`,
//! re-exports (`export { a } from './m'`, `export * from './m'`) and CommonJS
//! (`module.exports = { … }`, `module.exports.X = …`, `exports.X = …`,
//! `module.exports = require('./m')`).
//!
//! Each exported value is resolved with the same [`Resolver`] the file's own calls
//! use (so a module's constants may be built from its own bindings and from its own
//! imports), into a text (literal parts and holes) or an object of such values; a
//! value with alternatives (`c ? a : b`, a `let` assigned in both arms of an `if`)
//! exports each of them ([`Shape::OneOf`]).
//! Anything else (functions, classes, values with no literal part) is not exported
//! here.

use super::resolve::{Project, Resolver};
use super::scope::{self, named_children, ScopeId};
use crate::frontend::fields::ChildField as _;
use crate::resolve::wrapper::Wrapper;
use crate::resolve::{Export, Exported, ModuleExports, ProjectIndex, Shape, TextPiece};
use crate::source::Language;
use std::collections::HashMap;
use std::path::Path;
use tree_sitter::Node;

/// How many exports of one module are lowered, and fields of one object.
const MAX_EXPORTS: usize = 500;
const MAX_FIELDS: usize = 200;
/// How deep nested objects are lowered.
const MAX_OBJECT_DEPTH: usize = 4;

/// The exports of the module at `path` whose text is `text` (a [`crate::resolve::Lower`]).
pub(crate) fn lower(index: &ProjectIndex, path: &Path, text: &str, depth: usize) -> ModuleExports {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return lower_json(path, text);
    }
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
    // The module's own requests, for the summaries of the functions it exports.
    let found = super::walk::collect(root, &resolver);
    let l = Lowering {
        r: &resolver,
        path,
        summaries: &found.summaries,
    };
    let mut out = ModuleExports::default();
    for stmt in named_children(root) {
        if out.names.len() >= MAX_EXPORTS {
            break;
        }
        match stmt.kind_name() {
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
    summaries: &'r HashMap<usize, Vec<Wrapper>>,
}

impl<'t> Lowering<'_, '_, 't> {
    fn export_statement(&self, stmt: Node<'t>, out: &mut ModuleExports) {
        let r = self.r;
        let source = stmt
            .field("source")
            .and_then(|s| r.string_lit(s))
            .map(|s| s.0);
        if let Some(decl) = stmt.field("declaration") {
            if matches!(
                decl.kind_name(),
                "lexical_declaration" | "variable_declaration"
            ) {
                for d in named_children(decl) {
                    let (Some(name), Some(value)) = (d.field("name"), d.field("value")) else {
                        continue;
                    };
                    if name.kind_name() == "identifier" {
                        self.put(out, r.text(name), value);
                    }
                }
            }
            // `export function f`, `export class K`, `export default class K`.
            if let Some(name) = decl.field("name") {
                let is_default = (0..stmt.child_count())
                    .filter_map(|i| stmt.child(i))
                    .any(|c| c.kind_name() == "default");
                self.put(out, if is_default { "default" } else { r.text(name) }, decl);
            }
            return;
        }
        if let Some(value) = stmt.field("value") {
            self.put(out, "default", value);
            return;
        }
        let clause = named_children(stmt)
            .into_iter()
            .find(|c| c.kind_name() == "export_clause");
        match (clause, source) {
            (Some(clause), source) => {
                for spec in named_children(clause) {
                    let Some(name) = spec.field("name") else {
                        continue;
                    };
                    let alias = spec.field("alias").unwrap_or(name);
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
                    .any(|c| c.kind_name() == "namespace_export")
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
        if e.kind_name() != "assignment_expression" {
            return;
        }
        let (Some(left), Some(right)) = (e.field("left"), e.field("right")) else {
            return;
        };
        let target = r.text(left);
        if target == "module.exports" {
            let value = r.unwrap(right);
            if value.kind_name() == "call_expression"
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

    /// A function (its summaries), a class or an instance of one (its methods).
    fn callable(&self, o: Node<'t>, scope: ScopeId, depth: usize) -> Option<Shape> {
        let r = self.r;
        let function = |f: Node<'t>| Shape::Function {
            sends: self.summaries.get(&f.id()).cloned().unwrap_or_default(),
            returns: r
                .returned_by(f)
                .filter(|_| depth < MAX_OBJECT_DEPTH)
                .and_then(|(e, es)| self.value(e, es, depth + 1))
                .filter(|e| matches!(e.shape, Shape::Text(_) | Shape::Object(_) | Shape::OneOf(_)))
                .map(Box::new),
        };
        if super::walk::is_function(o.kind_name()) {
            return Some(function(o));
        }
        let class = match o.kind_name() {
            "class" | "class_declaration" | "abstract_class_declaration" | "enum_declaration" => o,
            "new_expression" | "identifier" | "shorthand_property_identifier" => {
                let name = match o.kind_name() {
                    "identifier" | "shorthand_property_identifier" => o,
                    _ => r.unwrap(o.field("constructor")?),
                };
                if !matches!(
                    name.kind_name(),
                    "identifier" | "shorthand_property_identifier"
                ) {
                    return None;
                }
                let decl = r
                    .scopes
                    .declaration(r.scopes.lookup(r.text(name), scope)?)?;
                if super::walk::is_function(decl.kind_name()) {
                    return (o.kind_name() != "new_expression").then(|| function(decl));
                }
                decl
            }
            _ => return None,
        };
        let statics: Vec<(String, Exported)> = if depth < MAX_OBJECT_DEPTH {
            r.static_members(class)
                .into_iter()
                .filter_map(|name| {
                    let (v, vs) = r.static_member(class, scope, &name)?;
                    Some((name, self.value(v, vs, depth + 1)?))
                })
                .collect()
        } else {
            Vec::new()
        };
        let methods = super::walk::methods(r, class)
            .into_iter()
            .map(|(name, f)| {
                let span = f.byte_range();
                (
                    name,
                    Exported::written(function(f), self.path, r.text, span),
                )
            })
            .chain(statics)
            .collect();
        Some(Shape::Object(methods))
    }

    /// The value of an expression of the module (scope: the module's top level).
    fn value(&self, n: Node<'t>, scope: ScopeId, depth: usize) -> Option<Exported> {
        let r = self.r;
        let (o, os) = r.follow(n, scope);
        let at = |span, shape| Exported::written(shape, self.path, r.text, span);
        if let Some(shape) = self.callable(o, os, depth) {
            return Some(at(o.byte_range(), shape));
        }
        if matches!(o.kind_name(), "call_expression" | "new_expression") {
            if let Some(c) = r
                .classify(o, os)
                .and_then(|recv| r.instance_defaults(&recv, o))
            {
                return Some(at(o.byte_range(), Shape::Client(Box::new(c))));
            }
        }
        if o.kind_name() == "object" {
            if depth >= MAX_OBJECT_DEPTH {
                return None;
            }
            let mut fields = Vec::new();
            for child in named_children(o).into_iter().take(MAX_FIELDS) {
                let (key, value) = match child.kind_name() {
                    "pair" => {
                        let (Some(k), Some(v)) = (child.field("key"), child.field("value")) else {
                            continue;
                        };
                        let key = match k.kind_name() {
                            "property_identifier" | "number" => r.text(k).to_string(),
                            _ => match r.string_lit(k) {
                                Some(s) => s.0,
                                None => continue,
                            },
                        };
                        (key, v)
                    }
                    "shorthand_property_identifier" => (r.text(child).to_string(), child),
                    "method_definition" => match child.field("name") {
                        Some(k) => (r.text(k).to_string(), child),
                        None => continue,
                    },
                    _ => continue,
                };
                // A field whose value is not known there is still a field (a header
                // named by its key is a signal whatever its value).
                let v = self.value(value, os, depth + 1).unwrap_or_else(|| {
                    at(
                        value.byte_range(),
                        Shape::Text(vec![TextPiece::Hole(r.text(value).to_string())]),
                    )
                });
                fields.push((key, v));
            }
            return Some(at(o.byte_range(), Shape::Object(fields)));
        }
        if super::walk::is_function(o.kind_name()) {
            return None;
        }
        // One text per combination of the alternatives met (`c ? a : b`, a `let`
        // assigned in both arms of an `if`), each placed at its own part of `o`.
        r.choose(Vec::new());
        let first = self.text(o, r.url(o, os), false);
        let points = r.choice_points();
        if points.is_empty() {
            return first;
        }
        let arities: Vec<usize> = points.iter().map(|p| p.alternatives.len()).collect();
        let texts = crate::resolve::alternatives::combinations(&arities)
            .into_iter()
            .filter_map(|combo| {
                r.choose(combo);
                self.text(o, r.url(o, os), true)
            })
            .collect();
        r.choose(Vec::new());
        Exported::one_of(texts)
    }

    /// The text a URL of `o` evaluated to, where it is written: here (with `narrow`,
    /// one alternative of several: only the part of `o` its pieces come from, and
    /// kept without a literal part), or in the other module whose value it wholly is
    /// (`export const B = A` of an import).
    fn text(&self, o: Node<'t>, url: super::resolve::UrlOut, narrow: bool) -> Option<Exported> {
        crate::resolve::exported_text(
            &url.pieces,
            &url.related,
            o.byte_range(),
            narrow,
            |span, shape| Exported::written(shape, self.path, self.r.text, span),
        )
    }
}

/// How deep a JSON document imported as a module is lowered.
const MAX_JSON_DEPTH: usize = 8;

/// A JSON document imported as a module (`import config from './config.json'`,
/// `require('./config.json')`): the document is the default export and each of its
/// top-level keys a named one; strings are texts written at their own place (inside
/// the quotes), objects and arrays (by index) objects, numbers and booleans their
/// text. A document that does not parse exports nothing.
fn lower_json(path: &Path, text: &str) -> ModuleExports {
    use crate::frontend::postman::json::{parse, J};
    use crate::resolve::{Export, Exported, Shape, TextPiece};
    fn value(path: &Path, text: &str, j: &J, depth: usize) -> Exported {
        let span = j.inner();
        let shape = match j {
            J::Str { value, .. } => Shape::Text(vec![TextPiece::Lit(value.clone())]),
            J::Num { text: t, .. } => Shape::Text(vec![TextPiece::Lit(t.clone())]),
            J::Bool { value, .. } => Shape::Text(vec![TextPiece::Lit(value.to_string())]),
            J::Null { .. } => Shape::Text(vec![TextPiece::Hole("null".into())]),
            J::Obj { props, .. } if depth < MAX_JSON_DEPTH => Shape::Object(
                props
                    .iter()
                    .take(MAX_FIELDS)
                    .map(|p| (p.key.clone(), value(path, text, &p.value, depth + 1)))
                    .collect(),
            ),
            J::Arr { items, .. } if depth < MAX_JSON_DEPTH => Shape::Object(
                items
                    .iter()
                    .take(MAX_FIELDS)
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), value(path, text, v, depth + 1)))
                    .collect(),
            ),
            J::Obj { .. } | J::Arr { .. } => Shape::Object(Vec::new()),
        };
        Exported::written(shape, path, text, span)
    }
    let Ok(root) = parse(text) else {
        return ModuleExports::default();
    };
    let mut out = ModuleExports::default();
    for p in root.props().iter().take(MAX_EXPORTS) {
        out.names
            .insert(p.key.clone(), Export::Value(value(path, text, &p.value, 1)));
    }
    out.names
        .insert("default".into(), Export::Value(value(path, text, &root, 0)));
    out
}
