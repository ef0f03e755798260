//! Lowering a Rust module into what it exports, for the project index
//! ([`crate::resolve`]): its `const`/`static` string items (built with `concat!`,
//! `format!`-family macros, `+`, or from constants `use`d from other modules of the
//! crate), and its `pub use` re-exports (`pub use self::urls::BASE`, `pub use urls::*`).
//!
//! Structs are exported as objects of the fields their literals set once in the
//! module (`Config { base: … }`), for `self.cfg.base` read through a field of that type.
//!
//! A value with alternatives (`#[cfg]` definitions of a constant, `if cfg!(..)`, an
//! environment variable with a default) exports each of them
//! ([`crate::resolve::Shape::OneOf`]). A function whose body ends with a URL text
//! (`pub fn base() -> String { env::var("K").unwrap_or_else(|_| "https://…".into()) }`)
//! exports what it returns, as do the associated functions of an `impl` block without
//! `self` (`Config::base()`, read as the field `base` of `Config`).
//!
//! Not for: anything not known from the module's text (a function's parameters stay
//! holes in what it returns).

use super::clients::{Project, Resolver};
use super::{walk, Src};
use crate::resolve::alternatives::{combinations, MAX_ALTERNATIVES};
use crate::resolve::{Export, Exported, ModuleExports, ProjectIndex, Shape, RS};
use std::path::Path;

/// How many exports of one module are lowered.
const MAX_EXPORTS: usize = 500;

/// The exports of the module at `path` whose text is `text` (a [`crate::resolve::Lower`]).
pub(crate) fn lower(index: &ProjectIndex, path: &Path, text: &str, depth: usize) -> ModuleExports {
    // The spans of this parse stay in the thread's source map until the importing
    // file's extraction releases them all.
    let Ok(file) = super::parse(text) else {
        return ModuleExports::default();
    };
    let src = Src::new(text);
    let names = walk::collect(&src, &file);
    let r = Resolver::with_project(&src, &names, Project { index, path, depth });
    let mut out = ModuleExports::default();
    // A constant with alternatives (`#[cfg]` definitions, `if cfg!(..)`) exports each.
    // The associated constants and functions of `impl` blocks: (type, name, value).
    let mut members: Vec<(String, String, Exported)> = Vec::new();
    let mut consts: Vec<(&String, &Vec<&syn::Expr>)> = names.const_defs.iter().collect();
    consts.sort_by_key(|(n, _)| n.as_str());
    for (name, defs) in consts.into_iter().take(MAX_EXPORTS) {
        let values = defs
            .iter()
            .take(MAX_ALTERNATIVES)
            .flat_map(|e| alternatives(&r, &src, path, text, e))
            .collect();
        if let Some(exported) = Exported::one_of(values) {
            // `impl Config { pub const BASE: &str = …; }`: also `Config::BASE`.
            if let Some(ty) = defs.first().and_then(|d| names.impl_at(src.of(*d).start)) {
                members.push((ty.to_string(), name.clone(), exported.clone()));
            }
            out.names.insert(name.clone(), Export::Value(exported));
        }
    }
    // Functions returning a URL text: at the top level by name, in an `impl` block
    // (without `self`) as a field of the type.
    for f in names.functions.iter().take(MAX_EXPORTS) {
        // What it returns: its tail, or each value of its early `return`s and its tail.
        let returned: Vec<&syn::Expr> = match f.tail {
            Some(tail) => vec![tail],
            None => f.returned.iter().take(MAX_ALTERNATIVES).copied().collect(),
        };
        if returned.is_empty() {
            continue;
        }
        let nested = names
            .functions
            .iter()
            .any(|g| g.span != f.span && g.span.start <= f.span.start && f.span.end <= g.span.end);
        if nested || out.names.contains_key(&f.name) {
            continue;
        }
        let owner = names.impl_at(f.span.start);
        if owner.is_some() && f.receiver {
            continue;
        }
        let values = returned
            .into_iter()
            .flat_map(|e| alternatives(&r, &src, path, text, e))
            .collect();
        let Some(returns) = Exported::one_of(values) else {
            continue;
        };
        let function = Exported::returning(returns);
        match owner {
            Some(ty) => members.push((ty.to_string(), f.name.clone(), function)),
            None => {
                out.names.insert(f.name.clone(), Export::Value(function));
            }
        }
    }
    // Structs as objects of the fields their literals set once in this module
    // (`Config { base: format!("{}/api/2.0", host), … }` in `Config::from_env`): read
    // in another module as `self.cfg.base` through a field of that type.
    let mut structs: Vec<(&String, &String, &syn::Expr)> = names
        .typed_fields
        .iter()
        .filter_map(|((ty, field), inits)| match inits.as_slice() {
            [one] => Some((ty, field, *one)),
            _ => None,
        })
        .collect();
    structs.sort_by_key(|(ty, field, _)| (ty.as_str(), field.as_str()));
    let mut objects: Vec<(String, Vec<(String, Exported)>)> = Vec::new();
    for (ty, field, expr) in structs.into_iter().take(MAX_EXPORTS) {
        if out.names.contains_key(ty) {
            continue;
        }
        let Some(value) = text_export(&r, &src, path, text, expr, false) else {
            continue;
        };
        match objects.last_mut() {
            Some((last, fields)) if last == ty => fields.push((field.clone(), value)),
            _ => objects.push((ty.clone(), vec![(field.clone(), value)])),
        }
    }
    // An associated constant or function is one more field of its type's object.
    for (ty, name, value) in members {
        match objects.iter_mut().find(|(t, _)| *t == ty) {
            Some((_, fields)) => fields.push((name, value)),
            None => objects.push((ty, vec![(name, value)])),
        }
    }
    for (ty, fields) in objects {
        let Some(first) = fields.first().map(|(_, v)| v.clone()) else {
            continue;
        };
        out.names.insert(
            ty,
            Export::Value(Exported {
                shape: Shape::Object(fields),
                ..first
            }),
        );
    }
    for name in &names.reexports {
        if out.names.len() >= MAX_EXPORTS || out.names.contains_key(name) {
            continue;
        }
        let Some(full) = names.uses.get(name) else {
            continue;
        };
        if let Some((module, item)) = full.rsplit_once("::") {
            out.names.insert(
                name.clone(),
                Export::From {
                    from: format!("{RS}{module}"),
                    name: item.to_string(),
                },
            );
        }
    }
    for (glob, public) in &names.globs {
        if *public {
            out.star.push(format!("{RS}{glob}"));
        }
    }
    out
}

/// Each text `expr` of the module at `path` may build: one per combination of the
/// alternatives it meets (`if`/`match` arms, `env::var("K").unwrap_or(…)`), each where
/// it is written. One known only at run time is a text of holes.
fn alternatives(
    r: &Resolver,
    src: &Src,
    path: &Path,
    text: &str,
    expr: &syn::Expr,
) -> Vec<Exported> {
    r.choices.choose(Vec::new());
    let first = text_export(r, src, path, text, expr, false);
    let points = r.choices.met();
    if points.is_empty() {
        return first.into_iter().collect();
    }
    // Each alternative placed at its own part of the expression.
    let arities: Vec<usize> = points.iter().map(|p| p.alternatives.len()).collect();
    let out = combinations(&arities)
        .into_iter()
        .filter_map(|combo| {
            r.choices.choose(combo);
            text_export(r, src, path, text, expr, true)
        })
        .collect();
    r.choices.choose(Vec::new());
    out
}

/// The text `expr` of the module at `path` builds, where it is written: here (with
/// `narrow`, only the part its pieces come from), or in the other module whose
/// constant it wholly is (`pub const B: &str = other::A;`). `None` for a value whose
/// pieces are all unknown here, unless `narrow` (one alternative of several: one known
/// only at run time is still an alternative).
fn text_export(
    r: &Resolver,
    src: &Src,
    path: &Path,
    text: &str,
    expr: &syn::Expr,
    narrow: bool,
) -> Option<Exported> {
    let (url, _, _) = r.url(expr);
    let related = r.take_related();
    let whole = src.of(expr);
    let (all, hull) = crate::resolve::alternative_of(&url.pieces, &whole);
    let pieces = match crate::resolve::text_of(&url.pieces) {
        Some(p) => p,
        None if narrow => all,
        None => return None,
    };
    let span = match hull {
        Some(h) if narrow => h,
        _ => whole,
    };
    Some(match related.as_slice() {
        [one] if one.local == span => Exported {
            shape: Shape::Text(pieces),
            path: one.path.clone(),
            span: one.span.clone(),
            start: one.start,
            end: one.end,
        },
        _ => Exported::written(Shape::Text(pieces), path, text, span),
    })
}
