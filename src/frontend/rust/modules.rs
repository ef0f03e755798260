//! Lowering a Rust module into what it exports, for the project index
//! ([`crate::resolve`]): its `const`/`static` string items (built with `concat!`,
//! `format!`-family macros, `+`, or from constants `use`d from other modules of the
//! crate), and its `pub use` re-exports (`pub use self::urls::BASE`, `pub use urls::*`).
//!
//! Not for: functions, struct fields or anything not known from the module's text, nor
//! alternatives (a constant exports its first value).

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
        let (url, _, _) = r.url(expr);
        let Some(pieces) = crate::resolve::text_of(&url.pieces) else {
            continue;
        };
        let related = r.take_related();
        let span = src.of(*expr);
        let exported = match related.as_slice() {
            // Wholly another module's constant (`pub const B: &str = other::A;`).
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
        };
        out.names.insert(name.clone(), Export::Value(exported));
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
