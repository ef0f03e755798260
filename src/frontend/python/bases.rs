//! Base URLs defined without a request: a module constant, a class attribute or an
//! item of a settings dict whose value is a URL (`V2_BASE = "https://…/api/2.0"`,
//! `self.core_settings["v2_base"] = f"{base}/api/2.0"`) and that no request of the file
//! uses. Each becomes a `Client::BaseUrl` call at its definition, so a rule about base
//! URLs reports it where it is written, once, and its fix edits it there.
//!
//! A value counts as a base URL when it starts with an absolute URL, or when it joins a
//! value not known here to a literal path and is bound to a name or key that says it is
//! an address (`base`, `url`, `uri`, `endpoint`, `api`, `host`, `root`, `prefix`).
//! The texts of the other values of the same object (the other settings of a client)
//! go with it: they may carry the vendor's signal.
//!
//! Not for: requests (see [`super::clients`]), or deciding which vendor a URL is.

use super::clients::Found;
use super::resolve::Resolver;
use crate::call::{HttpCall, Piece, Span};
use crate::frontend::fields::ChildField as _;
use tree_sitter::Node;

/// How many values of one object are looked at, and how many sibling texts kept.
const MAX_GROUP: usize = 64;
const MAX_BESIDE: usize = 16;

/// One binding that may hold a base URL: what it is called and its value.
struct Binding<'t> {
    path: String,
    value: Node<'t>,
}

/// Every base URL of the file that no call of `found` uses, as `BaseUrl` calls.
pub fn base_urls<'t>(r: &Resolver<'_, 't>, root: Node<'t>, found: &[Found]) -> Vec<Found> {
    let used = Used::of(r, found);
    let mut groups: Vec<Vec<Binding<'t>>> = Vec::new();
    let mut module: Vec<Binding<'t>> = r
        .scopes
        .module_values(root)
        .into_iter()
        .map(|(name, value)| Binding {
            path: name.to_string(),
            value,
        })
        .collect();
    module.sort_by_key(|b| b.value.start_byte());
    // Items of a module-level dict: `CONFIG = {"base": …}`, `CONFIG["base"] = …`.
    for b in &module {
        let items = r.scopes.items(b.value, &b.path);
        groups.push(dict_group(r, &b.path, r.follow(b.value, 0), items));
    }
    groups.push(module);
    let mut classes = r.scopes.module_classes();
    classes.sort_by_key(|(_, c)| c.start_byte());
    for (class_name, class) in classes {
        let mut attrs: Vec<Binding<'t>> = Vec::new();
        for (attr, value) in r.scopes.class_values(class) {
            let path = format!("{class_name}.{attr}");
            let items = r.scopes.attribute_items(class, attr);
            groups.push(dict_group(r, &path, r.follow(value, 0), items));
            attrs.push(Binding { path, value });
        }
        attrs.sort_by_key(|b| b.value.start_byte());
        groups.push(attrs);
    }
    let mut out = Vec::new();
    // Literals already reported: a constant used as a dict value is reported once.
    let mut reported: Vec<usize> = Vec::new();
    for group in groups {
        let group: Vec<_> = group.into_iter().take(MAX_GROUP).collect();
        let urls: Vec<_> = group
            .iter()
            .map(|b| {
                r.reset_branches();
                r.url(b.value)
            })
            .collect();
        for (i, b) in group.iter().enumerate() {
            let url = &urls[i];
            if !is_base_url(&b.path, &url.pieces) || used.uses(b.value) {
                continue;
            }
            let starts: Vec<usize> = url
                .pieces
                .iter()
                .filter_map(|p| match p {
                    Piece::Lit { span, .. } if !span.is_empty() => Some(span.start),
                    _ => None,
                })
                .collect();
            if starts.iter().any(|s| reported.contains(s)) {
                continue;
            }
            reported.extend(starts);
            let beside: Vec<String> = urls
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, u)| crate::call::literal_of(&u.pieces))
                .filter(|t| !t.is_empty())
                .take(MAX_BESIDE)
                .collect();
            let span = b.value.byte_range();
            let mut call = HttpCall::base_url(url.pieces.clone(), span);
            call.receiver = Some(b.path.clone());
            call.related = url.related.clone();
            call.beside = beside;
            out.push(Found {
                call,
                base_pieces: 0,
                url_arg: None,
                is_async: false,
                defaults: Vec::new(),
                joins: Vec::new(),
                wrapper: None,
            });
        }
    }
    r.reset_branches();
    out
}

/// The items of a dict bound at `path`: its literal pairs and the items set on it.
fn dict_group<'t>(
    r: &Resolver<'_, 't>,
    path: &str,
    value: Node<'t>,
    items: &[(Node<'t>, Node<'t>)],
) -> Vec<Binding<'t>> {
    let mut pairs: Vec<(Node<'t>, Node<'t>)> = Vec::new();
    if value.kind_name() == "dictionary" {
        let mut c = value.walk();
        for p in value.named_children(&mut c) {
            if let (Some(k), Some(v)) = (p.field("key"), p.field("value")) {
                pairs.push((k, v));
            }
        }
    }
    pairs.extend_from_slice(items);
    pairs
        .into_iter()
        .filter_map(|(k, v)| {
            let (key, _, _) = r.plain_string(k)?;
            Some(Binding {
                path: format!("{path}['{key}']"),
                value: v,
            })
        })
        .collect()
}

/// Whether a value bound at `path` is a base URL: an absolute URL, or a path joined to a
/// value not known here under a name that says it is an address.
fn is_base_url(path: &str, pieces: &[Piece]) -> bool {
    match pieces {
        [Piece::Lit { text, .. }, ..] => {
            let lower = text.trim_start().to_ascii_lowercase();
            lower.starts_with("https://") || lower.starts_with("http://")
        }
        [Piece::Hole { .. }, rest @ ..] => {
            let path_follows = matches!(rest.first(), Some(Piece::Lit { text, .. }) if text.starts_with('/') && text.len() > 1);
            path_follows && crate::call::is_address_name(path)
        }
        [] => false,
    }
}

/// What the file's calls already use: their literals, and definitions of this file
/// they read through other names.
struct Used {
    literals: Vec<Span>,
}

impl Used {
    fn of(r: &Resolver<'_, '_>, found: &[Found]) -> Self {
        let here = r.project.map(|p| p.path.to_path_buf());
        let mut literals = Vec::new();
        for f in found {
            for p in &f.call.url.pieces {
                if let Piece::Lit { span, .. } = p {
                    literals.push(span.clone());
                }
            }
            for rel in &f.call.related {
                if here.as_deref() == Some(rel.path.as_path()) {
                    literals.push(rel.span.clone());
                }
            }
        }
        Used { literals }
    }

    /// Whether a call uses a literal written inside `value`.
    fn uses(&self, value: Node<'_>) -> bool {
        let range = value.byte_range();
        self.literals.iter().any(|s| {
            range.start <= s.start && s.end <= range.end && !s.is_empty()
                || (s.start <= range.start && range.end <= s.end)
        })
    }
}
