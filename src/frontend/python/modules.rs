//! Lowering a Python module into what it exports, for the project index
//! ([`crate::resolve`]): names the module's top level binds once (strings, f-strings,
//! `+`/`%`/`.format` built texts, dicts with the items set on them later), classes
//! (their class attributes and the attributes their methods set on `self`, with items
//! set on a dict attribute: `self.settings["v2_base"] = …`), and the names a package's
//! `__init__` re-exports (`from .settings import BASE`, `from .urls import *`).
//!
//! Each value is resolved with the same [`Resolver`] the file's own calls use, so a
//! module's constants may be built from its own bindings and from its own imports.
//! A value with alternatives (a name bound in both arms of an `if`, `a if c else b`,
//! `os.getenv("K") or "https://…"`, `os.environ.get("K", "https://…")`) exports each
//! of them ([`Shape::OneOf`]). A function (or a method of a class) whose one `return`
//! gives a URL text exports what it returns; a `@property` is read as the text it
//! returns. Values with no literal part are not exported here.

use super::clients::Calls;
use super::resolve::{Project, Resolver};
use super::scope::{Import, Scopes};
use crate::frontend::fields::ChildField as _;
use crate::resolve::alternatives::{combinations, MAX_ALTERNATIVES};
use crate::resolve::{Export, Exported, ModuleExports, ProjectIndex, Shape, PY};
use std::path::Path;
use tree_sitter::Node;

/// How many exports of one module are lowered, and fields of one dict or class.
const MAX_EXPORTS: usize = 500;
const MAX_FIELDS: usize = 200;
/// How deep nested dicts are lowered.
const MAX_OBJECT_DEPTH: usize = 4;

/// The exports of the module at `path` whose text is `text` (a [`crate::resolve::Lower`]).
pub(crate) fn lower(index: &ProjectIndex, path: &Path, text: &str, depth: usize) -> ModuleExports {
    let Some(tree) = super::parse(text) else {
        return ModuleExports::default();
    };
    let root = tree.root_node();
    let scopes = Scopes::collect(root, text);
    let mut resolver = Resolver::new(text, &scopes);
    resolver.project = Some(Project { index, path, depth });
    let calls = Calls::new(&resolver);
    let l = Lowering {
        r: &resolver,
        calls: &calls,
        path,
    };
    let mut out = ModuleExports::default();
    let mut values = scopes.module_values(root);
    values.sort_by_key(|(_, v)| v.start_byte());
    for (name, value) in values.into_iter().take(MAX_EXPORTS) {
        // Items set on a module-level dict after it is built (`CONFIG["k"] = v`).
        if let Some(v) = l.value_with(value, scopes.items(value, name), 0) {
            out.names.insert(name.to_string(), Export::Value(v));
        } else if let Some(e) = l.instance(value) {
            // `settings = Settings()`: read elsewhere as `settings.base_url`.
            out.names.insert(name.to_string(), e);
        }
    }
    // A name bound in both arms of an `if` (or reassigned): each value is an
    // alternative. One that builds on the name itself (`BASE = BASE + "/v2"`) is not.
    let mut bound_again = scopes.module_alternatives(root, MAX_ALTERNATIVES);
    bound_again.sort_by_key(|(_, v)| v.first().map(|v| v.start_byte()));
    for (name, values) in bound_again.into_iter().take(MAX_EXPORTS) {
        let builds_on_itself = values.iter().any(|v| mentions(resolver.t(*v), name));
        if builds_on_itself || out.names.contains_key(name) {
            continue;
        }
        let texts = values
            .into_iter()
            .flat_map(|v| l.texts(resolver.follow(v, 0)))
            .collect();
        if let Some(v) = Exported::one_of(texts) {
            out.names.insert(name.to_string(), Export::Value(v));
        }
    }
    let mut functions = scopes.module_functions(root);
    functions.sort_by_key(|(_, f)| f.start_byte());
    for (name, def) in functions.into_iter().take(MAX_EXPORTS) {
        if let Some(v) = l.function(def) {
            out.names.insert(name.to_string(), Export::Value(v));
        }
    }
    let mut classes = scopes.module_classes();
    classes.sort_by_key(|(_, c)| c.start_byte());
    for (name, class) in classes.into_iter().take(MAX_EXPORTS) {
        if let Some(v) = l.class(class) {
            out.names.insert(name.to_string(), Export::Value(v));
        }
    }
    for (name, import) in scopes.module_imports(root) {
        if out.names.len() >= MAX_EXPORTS {
            break;
        }
        if let Import::Name { module, name: from } = import {
            out.names.insert(
                name.to_string(),
                Export::From {
                    from: format!("{PY}{module}"),
                    name: from.clone(),
                },
            );
        }
    }
    // `from .urls import *`.
    let mut c = root.walk();
    for stmt in root.named_children(&mut c) {
        if stmt.kind_name() != "import_from_statement" {
            continue;
        }
        let mut sc = stmt.walk();
        let wildcard = stmt
            .named_children(&mut sc)
            .any(|n| n.kind_name() == "wildcard_import");
        if let (true, Some(m)) = (wildcard, stmt.field("module_name")) {
            out.star.push(format!("{PY}{}", resolver.t(m)));
        }
    }
    out
}

struct Lowering<'r, 'a, 't> {
    r: &'r Resolver<'a, 't>,
    calls: &'r Calls<'a, 'r, 't>,
    path: &'r Path,
}

impl<'t> Lowering<'_, '_, 't> {
    fn at(&self, span: std::ops::Range<usize>, shape: Shape) -> Exported {
        Exported::written(shape, self.path, self.r.text, span)
    }

    /// A wrapper function: the request it sends for its callers, where it sends it.
    fn wrapper(&self, w: crate::resolve::wrapper::Wrapper) -> Exported {
        let inner = w.call.span.clone();
        self.at(
            inner,
            Shape::Function {
                sends: vec![w],
                returns: None,
            },
        )
    }

    /// A function as what it is for a caller: a wrapper of a request (see
    /// [`super::wrappers`]), or the dict it returns (a helper that builds headers).
    fn function(&self, def: Node<'t>) -> Option<Exported> {
        if let Some(w) = self.calls.summarise(def) {
            return Some(self.wrapper(w));
        }
        if let Some(returned) = self.r.returned_dict(def) {
            return self.value(returned, 1);
        }
        Some(Exported::returning(self.returned_text(def)?))
    }

    /// The URL text a function's `return`s give (each alternative of each, several
    /// `return`s being alternatives too); its parameters stay holes.
    fn returned_text(&self, def: Node<'t>) -> Option<Exported> {
        let rets = self.r.returns(def, MAX_ALTERNATIVES)?;
        if rets
            .iter()
            .any(|r| matches!(r.kind_name(), "dictionary" | "list" | "tuple" | "none"))
        {
            return None;
        }
        let texts = rets
            .into_iter()
            .flat_map(|r| self.texts(self.r.follow(r, 0)))
            .collect();
        Exported::one_of(texts)
    }

    /// Every text `o` may be: one per combination of the alternatives it meets (at
    /// most [`crate::resolve::alternatives::MAX_VARIANTS`]), each placed at its own
    /// part of `o`; one known only at run time is a text of holes.
    fn texts(&self, o: Node<'t>) -> Vec<Exported> {
        let r = self.r;
        r.reset_branches();
        let first = r.url(o);
        let branches = r.branches();
        if branches.is_empty() {
            r.reset_branches();
            return self.text(o, first, false).into_iter().collect();
        }
        let arities: Vec<usize> = branches.iter().map(|b| b.labels.len()).collect();
        let mut out = Vec::new();
        for combo in combinations(&arities) {
            r.reset_branches();
            for (b, k) in branches.iter().zip(&combo) {
                r.choose(b.id, *k);
            }
            out.extend(self.text(o, r.url(o), true));
        }
        r.reset_branches();
        out
    }

    /// The text a URL of `o` evaluated to, where it is written: here (with `narrow`,
    /// only the part of `o` its pieces come from), or in the other module whose value
    /// it wholly is (`BASE = settings.BASE`). `None` for a text with no literal part,
    /// unless `narrow` (one alternative of several).
    fn text(&self, o: Node<'t>, url: super::resolve::Url, narrow: bool) -> Option<Exported> {
        crate::resolve::exported_text(
            &url.pieces,
            &url.related,
            o.byte_range(),
            narrow,
            |span, shape| self.at(span, shape),
        )
    }

    /// A class as an object of its attributes and wrapper methods.
    fn class(&self, class: Node<'t>) -> Option<Exported> {
        let mut attrs = self.r.scopes.class_values(class);
        attrs.sort_by_key(|(_, v)| v.start_byte());
        let mut fields = Vec::new();
        for (name, def) in self
            .r
            .scopes
            .class_methods(class)
            .into_iter()
            .take(MAX_FIELDS)
        {
            if let Some(w) = self.calls.summarise(def) {
                fields.push((name.to_string(), self.wrapper(w)));
                continue;
            }
            // A method returning a URL (`Settings.root()`), or a property read as the
            // text it returns (`settings.api`).
            let Some(returns) = self.returned_text(def) else {
                continue;
            };
            let value = if is_property(self.r, def) {
                returns
            } else {
                Exported::returning(returns)
            };
            fields.push((name.to_string(), value));
        }
        for (name, value) in attrs.into_iter().take(MAX_FIELDS) {
            let items = self.r.scopes.attribute_items(class, name);
            if let Some(v) = self.value_with(value, items, 1) {
                fields.push((name.to_string(), v));
            }
        }
        if fields.is_empty() {
            return None;
        }
        let name = class.field("name").unwrap_or(class);
        Some(self.at(name.byte_range(), Shape::Object(fields)))
    }

    /// A module-level instance of a class (`settings = Settings()`,
    /// `settings = Settings(base_url="…")`) as the object of the class's attributes,
    /// with the constructor's keyword arguments in place of the field defaults. An
    /// instance of a class imported from another module is that class when the
    /// constructor passes nothing. A constructor given positional arguments or `**kw`
    /// sets fields not known here: nothing is exported.
    fn instance(&self, value: Node<'t>) -> Option<Export> {
        let r = self.r;
        let o = r.follow(value, 0);
        if o.kind_name() != "call" {
            return None;
        }
        let f = o.field("function")?;
        let args = o.field("arguments")?;
        let (positional, named) = r.arguments(args);
        let mut c = args.walk();
        let spread = args
            .named_children(&mut c)
            .any(|a| matches!(a.kind_name(), "list_splat" | "dictionary_splat"));
        if !positional.is_empty() || spread || f.kind_name() != "identifier" {
            return None;
        }
        let Some((class, _)) = r.instance_class(o, 0) else {
            // A class imported from another module of the project.
            let super::scope::Import::Name { module, name } = r.scopes.import_of(o, r.t(f))? else {
                return None;
            };
            if !named.is_empty() {
                return None;
            }
            return Some(Export::From {
                from: format!("{PY}{module}"),
                name: name.clone(),
            });
        };
        let mut object = self.class(class)?;
        if let Shape::Object(fields) = &mut object.shape {
            for (key, v) in &named {
                fields.retain(|(k, _)| k != key);
                if let Some(v) = self.value(*v, 1) {
                    fields.push((key.clone(), v));
                }
            }
        }
        Some(Export::Value(object))
    }

    fn value(&self, n: Node<'t>, depth: usize) -> Option<Exported> {
        self.value_with(n, &[], depth)
    }

    /// The value of an expression of the module, with `items` set on it when it is a
    /// dict.
    fn value_with(
        &self,
        n: Node<'t>,
        items: &[(Node<'t>, Node<'t>)],
        depth: usize,
    ) -> Option<Exported> {
        let r = self.r;
        let o = r.follow(n, 0);
        // A dict literal, or a dict built otherwise (`copy.copy(DEFAULTS)`, `dict()`)
        // whose items are set one by one afterwards: those items are what is known.
        if o.kind_name() == "dictionary" || !items.is_empty() {
            if depth >= MAX_OBJECT_DEPTH {
                return None;
            }
            let mut fields = Vec::new();
            let mut c = o.walk();
            let pairs: Vec<_> = if o.kind_name() == "dictionary" {
                o.named_children(&mut c).collect()
            } else {
                Vec::new()
            };
            let mut kv: Vec<(Node<'t>, Node<'t>)> = pairs
                .into_iter()
                .filter(|p| p.kind_name() == "pair")
                .filter_map(|p| Some((p.field("key")?, p.field("value")?)))
                .collect();
            kv.extend_from_slice(items);
            for (k, v) in kv.into_iter().take(MAX_FIELDS) {
                let Some((key, _, _)) = r.plain_string(k) else {
                    // `for k in ["base_url", "v2_base"]: self.core[k] = self.settings.get(k)`:
                    // one item per key the loop copies.
                    for key in r.loop_literals(k).unwrap_or_default() {
                        let item = r.copied_item(v, k, &key);
                        if let Some(v) = item.and_then(|item| self.value(item, depth + 1)) {
                            fields.push((key, v));
                        }
                    }
                    continue;
                };
                if let Some(v) = self.value(v, depth + 1) {
                    fields.push((key, v));
                }
            }
            return Some(self.at(o.byte_range(), Shape::Object(fields)));
        }
        Exported::one_of(self.texts(o))
    }
}

/// Whether a method is a property (`@property`, `@cached_property`,
/// `@functools.cached_property`): read without a call.
fn is_property<'t>(r: &Resolver<'_, 't>, def: Node<'t>) -> bool {
    let Some(parent) = r
        .scopes
        .parents
        .of(def)
        .filter(|p| p.kind_name() == "decorated_definition")
    else {
        return false;
    };
    let mut c = parent.walk();
    let found = parent
        .named_children(&mut c)
        .filter(|d| d.kind_name() == "decorator")
        .any(|d| {
            let name = r.t(d).trim_start_matches('@').trim();
            matches!(
                name.rsplit('.').next().unwrap_or(name),
                "property" | "cached_property"
            )
        });
    found
}

/// Whether `text` uses the identifier `name`.
fn mentions(text: &str, name: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| w == name)
}
