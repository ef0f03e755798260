//! Lowering a Rust module into what it exports, for the project index
//! ([`crate::resolve`]): its `const`/`static` string items (built with `concat!`,
//! `format!`-family macros, `+`, or from constants `use`d from other modules of the
//! crate), and its `pub use` re-exports (`pub use self::urls::BASE`, `pub use urls::*`).
//!
//! Structs are exported as objects of the fields their literals set once in the
//! module (`Config { base: … }`), for `self.cfg.base` read through a field of that type.
//!
//! Not for: functions or anything not known from the module's text, nor alternatives
//! (a constant exports its first value).

use super::clients::{Project, Resolver};
use super::{walk, Src};
use crate::resolve::{position_of, Export, Exported, ModuleExports, ProjectIndex, Shape, RS};
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
    // A constant with alternatives (`#[cfg]` definitions, `if cfg!(..)`) exports its
    // first one: alternatives do not cross modules.
    let mut consts: Vec<(&String, &&syn::Expr)> = names
        .const_defs
        .iter()
        .filter_map(|(n, defs)| Some((n, defs.first()?)))
        .collect();
    consts.sort_by_key(|(n, _)| n.as_str());
    for (name, expr) in consts.into_iter().take(MAX_EXPORTS) {
        if let Some(exported) = text_export(&r, &src, path, text, expr) {
            out.names.insert(name.clone(), Export::Value(exported));
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
        let Some(value) = text_export(&r, &src, path, text, expr) else {
            continue;
        };
        match objects.last_mut() {
            Some((last, fields)) if last == ty => fields.push((field.clone(), value)),
            _ => objects.push((ty.clone(), vec![(field.clone(), value)])),
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

/// The text `expr` of the module at `path` builds (with a literal part), where it is
/// written: here, or in the other module whose constant it wholly is
/// (`pub const B: &str = other::A;`).
fn text_export(
    r: &Resolver,
    src: &Src,
    path: &Path,
    text: &str,
    expr: &syn::Expr,
) -> Option<Exported> {
    let (url, _, _) = r.url(expr);
    let pieces = crate::resolve::text_of(&url.pieces);
    let related = r.take_related();
    let pieces = pieces?;
    let span = src.of(expr);
    Some(match related.as_slice() {
        [one] if one.local == span => Exported {
            shape: Shape::Text(pieces),
            path: one.path.clone(),
            span: one.span.clone(),
            start: one.start,
            end: one.end,
        },
        _ => Exported {
            shape: Shape::Text(pieces),
            path: path.to_path_buf(),
            start: position_of(text, span.start),
            end: position_of(text, span.end),
            span,
        },
    })
}
