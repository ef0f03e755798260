//! JavaScript / TypeScript front end (tree-sitter).
//!
//! One parse, then two walks over the tree:
//! 1. [`scope`] records scopes and the names bound in them (`const`/`let`/`var`,
//!    parameters, imports, `this.x` members) and which of them are ever reassigned;
//! 2. [`walk`] tries every call expression against the known call shapes
//!    ([`clients`]: fetch, axios and its instances, got, ky, superagent, supertest,
//!    request, node http, jQuery, `pm.sendRequest`, RPC SDK calls, and generic
//!    `x.delete(url)`), resolving URLs, options and bodies through those bindings
//!    ([`resolve`]). The same walk collects secret-looking literals ([`crate::frontend::credentials`]) and
//!    absolute URLs bound to names that no call uses (reported as `Client::BaseUrl`).
//!
//! Not for: guessing. What is not bound in this file stays a `Piece::Hole` or a
//! `Value::Expr` showing the expression as written.

mod clients;
pub(crate) mod render;
mod resolve;
mod scope;
mod walk;

use super::Extraction;
use crate::call::Span;
use crate::source::Language;
use std::cell::RefCell;
use tree_sitter::{Node, Parser, Tree};

/// Extracts the HTTP calls, secrets and first syntax error of a JavaScript,
/// TypeScript or TSX file.
pub fn extract(text: &str, language: Language) -> Extraction {
    let Some(tree) = parse(text, language) else {
        return Extraction::default();
    };
    let root = tree.root_node();
    let scopes = scope::collect(root, text);
    let resolver = resolve::Resolver::new(text, &scopes);
    let found = walk::collect(root, &resolver);
    let syntax_error = super::tree_syntax_error(root, text, super::ErrorToken::Last);
    Extraction {
        calls: found.calls,
        secrets: found.secrets,
        syntax_error,
        tree: Some(tree),
    }
}

/// The first syntax error of a JavaScript, TypeScript or TSX text: a parse only, for
/// checking rewritten text without extracting its calls.
pub fn syntax_check(text: &str, language: Language) -> Option<(Span, String)> {
    match parse(text, language) {
        Some(tree) => super::tree_syntax_error(tree.root_node(), text, super::ErrorToken::Last),
        None => Some((0..0, "the file could not be parsed".into())),
    }
}

/// The spans of every comment of the text.
pub fn comments(text: &str, language: Language) -> Vec<Span> {
    let Some(tree) = parse(text, language) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        if node.kind() == "comment" {
            out.push(node.byte_range());
        } else if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    out
}

/// A pre-order walk over a tree with one cursor (no allocation per node).
pub(super) trait Visitor<'t> {
    /// Called on entering a node; `false` skips its children (and `leave`).
    fn enter(&mut self, node: Node<'t>, field: Option<&'static str>) -> bool;
    /// Called after the children of a node `enter` accepted.
    fn leave(&mut self, node: Node<'t>);
}

pub(super) fn traverse<'t>(root: Node<'t>, visitor: &mut impl Visitor<'t>) {
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let descend = visitor.enter(node, cursor.field_name());
        if descend {
            if cursor.goto_first_child() {
                continue;
            }
            visitor.leave(node);
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            visitor.leave(cursor.node());
        }
    }
}

thread_local! {
    /// One parser per language per thread: creating a parser is not free, and files
    /// are scanned in parallel.
    static PARSERS: RefCell<[Option<Parser>; 3]> = const { RefCell::new([None, None, None]) };
}

fn parse(text: &str, language: Language) -> Option<Tree> {
    let (slot, grammar): (usize, tree_sitter::Language) = match language {
        Language::JavaScript | Language::Postman => (0, tree_sitter_javascript::LANGUAGE.into()),
        Language::TypeScript => (1, tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()),
        Language::Tsx => (2, tree_sitter_typescript::LANGUAGE_TSX.into()),
        _ => return None,
    };
    let tree = PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        if parsers[slot].is_none() {
            let mut p = Parser::new();
            p.set_language(&grammar).ok()?;
            parsers[slot] = Some(p);
        }
        super::parse_tree(parsers[slot].as_mut()?, text)
    });
    crate::isolate::checkpoint();
    tree
}
