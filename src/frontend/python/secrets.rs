//! Secret-looking string literals anywhere in a Python file: the value of a key,
//! keyword argument, assignment or parameter whose name says it holds a credential,
//! the password of an `auth=(user, password)` pair, `Bearer …`/`Basic …` credentials
//! and `?apiKey=…` query parameters. The judgement itself is shared with the
//! JavaScript front end ([`crate::frontend::javascript::secrets`]).

use super::resolve::{Chunk, Resolver};
use crate::call::Span;
use crate::frontend::credentials::scan_literal;
use crate::frontend::fields::ChildField as _;
use tree_sitter::Node;

/// The secrets in `strings` (every string literal of the file, with its ancestors).
pub fn collect<'t>(strings: &[(Node<'t>, Ancestors<'t>)], r: &Resolver<'_, 't>) -> Vec<Span> {
    let mut out = Vec::new();
    // Each string comes with its three nearest ancestors: `Node::parent` walks down
    // from the root, so asking it for every string of a deep expression was quadratic.
    // Strings inside interpolations are in the list too.
    for &(n, up) in strings {
        let name = name_of(n, up, r);
        for chunk in r.chunks(n).unwrap_or_default() {
            if let Chunk::Lit { text, span, exact } = chunk {
                scan_literal(&text, &span, exact, name.as_deref(), &mut out);
            }
        }
    }
    out.sort_by_key(|s| (s.start, s.end));
    out.dedup();
    out
}

/// A node's parent, grandparent and great-grandparent.
pub type Ancestors<'t> = [Option<Node<'t>>; 3];

/// The name a string literal is stored under, if any.
fn name_of<'t>(string: Node<'t>, up: Ancestors<'t>, r: &Resolver<'_, 't>) -> Option<String> {
    let mut node = string;
    let mut parent = up[0]?;
    let mut grandparent = up[1];
    if parent.kind_name() == "concatenated_string"
        || parent.kind_name() == "parenthesized_expression"
    {
        node = parent;
        parent = up[1]?;
        grandparent = up[2];
    }
    let is = |field: &str| parent.child_by_field_name(field).map(|c| c.id()) == Some(node.id());
    match parent.kind_name() {
        "pair" if is("value") => {
            let key = parent.field("key")?;
            r.plain_string(key).map(|(k, _, _)| k)
        }
        "keyword_argument" if is("value") => Some(r.t(parent.field("name")?).to_string()),
        "default_parameter" | "typed_default_parameter" if is("value") => {
            Some(r.t(parent.field("name")?).to_string())
        }
        "assignment" if is("right") => {
            let left = parent.field("left")?;
            match left.kind_name() {
                "identifier" => Some(r.t(left).to_string()),
                "attribute" => Some(r.t(left.field("attribute")?).to_string()),
                "subscript" => r.plain_string(left.field("subscript")?).map(|(k, _, _)| k),
                _ => None,
            }
        }
        // `auth=("user", "secret")`: the second item is a password.
        "tuple" => {
            let holder = grandparent?;
            let named_auth = holder.kind_name() == "keyword_argument"
                && holder.field("name").is_some_and(|n| r.t(n) == "auth");
            let second = parent.named_child(1).map(|c| c.id()) == Some(node.id());
            (named_auth && second).then(|| "password".to_string())
        }
        _ => None,
    }
}
