//! A node's child in a field and a node's kind, without tree-sitter's look-up of
//! names at every call.
//!
//! `child_by_field_name` compares the name with the grammar's field names, one by
//! one, at every call, and `Node::kind` measures the kind's name and validates it as
//! UTF-8 at every call. The front ends ask both of most nodes they visit: in the
//! editor server's check of a 2,000-line document they were 6 % and 13 % of the
//! instructions. [`ChildField::field`] looks a field's id up once per grammar and
//! thread; [`ChildField::kind_name`] reads a grammar's kind names once per process.
//!
//! Not for: field names that are not written in the code (pass those to tree-sitter).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use tree_sitter::Node;

/// [`Node::child_by_field_name`] for a field name written in the code.
pub trait ChildField<'t> {
    /// The first child in field `name`, if the grammar has the field and the node a
    /// child in it.
    fn field(&self, name: &'static str) -> Option<Node<'t>>;

    /// The node's kind: what `Node::kind` gives.
    fn kind_name(&self) -> &'static str;
}

impl<'t> ChildField<'t> for Node<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        self.child_by_field_id(field_id(self, name)?)
    }

    fn kind_name(&self) -> &'static str {
        let names = kind_names(self);
        match names.get(usize::from(self.kind_id())) {
            Some(name) if !name.is_empty() => name,
            // An error node's kind is no kind of the grammar's.
            _ => self.kind(),
        }
    }
}

/// The names of the kinds of `node`'s grammar, by id: read from the grammar once per
/// process (a file's analysis runs on a thread of its own, so a table per thread
/// would be built again for every file), and found once per thread.
fn kind_names(node: &Node) -> &'static [&'static str] {
    type Tables = Vec<(usize, &'static [&'static str])>;
    static ALL: Mutex<Tables> = Mutex::new(Vec::new());
    thread_local! {
        static MINE: RefCell<Tables> = const { RefCell::new(Vec::new()) };
    }
    let language = node.language();
    // A grammar's address: what tells grammars apart (a copy of a grammar that is not
    // WebAssembly is the grammar itself, and nothing is released).
    let grammar = language.clone().into_raw() as usize;
    MINE.with(|mine| {
        let mut mine = mine.borrow_mut();
        if let Some((_, names)) = mine.iter().find(|(g, _)| *g == grammar) {
            return *names;
        }
        let mut all = ALL.lock().unwrap_or_else(PoisonError::into_inner);
        let names = match all.iter().find(|(g, _)| *g == grammar) {
            Some((_, names)) => *names,
            None => {
                // The name of a public kind is that of every kind it stands for (an
                // alias's included): `Node::kind_id` gives public kinds.
                let names: Vec<&'static str> = (0..language.node_kind_count())
                    .map(|id| {
                        u16::try_from(id)
                            .ok()
                            .and_then(|id| language.node_kind_for_id(id))
                            .unwrap_or("")
                    })
                    .collect();
                // A few grammars per process, kept for its life.
                let names: &'static [&'static str] = Box::leak(names.into_boxed_slice());
                all.push((grammar, names));
                names
            }
        };
        mine.push((grammar, names));
        names
    })
}

/// The id of field `name` in the grammar of `node`. Remembered by the name (its
/// address: names are written in the code) and the grammar's count of fields; a
/// remembered id is used only when the grammar names it `name`, so two grammars
/// with as many fields never mix their ids.
fn field_id(node: &Node, name: &'static str) -> Option<u16> {
    thread_local! {
        static IDS: RefCell<HashMap<(usize, usize), u16>> = RefCell::new(HashMap::new());
    }
    let language = node.language();
    let key = (name.as_ptr() as usize, language.field_count());
    let known = IDS.with(|ids| ids.borrow().get(&key).copied());
    if let Some(id) = known.filter(|id| language.field_name_for_id(*id) == Some(name)) {
        return Some(id);
    }
    let id = language.field_id_for_name(name)?.get();
    IDS.with(|ids| ids.borrow_mut().insert(key, id));
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_child_as_by_name_in_every_grammar() {
        let js: tree_sitter::Language = tree_sitter_javascript::LANGUAGE.into();
        let ts: tree_sitter::Language = tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into();
        let tsx: tree_sitter::Language = tree_sitter_typescript::LANGUAGE_TSX.into();
        let py: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        let sources = [
            (&js, "const a = f(x, y); obj.prop = a;"),
            (&ts, "const a: T = f(x, y); obj.prop = a;"),
            (&tsx, "const a = <b c={f(x)} />; obj.prop = a;"),
            (&py, "a = f(x, y)\nobj.prop = a\n"),
            // Error and missing nodes, and aliases (`property_identifier`).
            (&js, "const { a: b } = o; f(x, ; class C { m() {} }"),
            (&py, "def f(:\n  return [x for x in y\n"),
        ];
        let trees: Vec<tree_sitter::Tree> = sources
            .iter()
            .map(|(language, text)| {
                let mut parser = tree_sitter::Parser::new();
                parser.set_language(language).unwrap();
                parser.parse(text, None).unwrap()
            })
            .collect();
        let names = [
            "name",
            "value",
            "function",
            "arguments",
            "left",
            "right",
            "object",
            "property",
            "attribute",
            "type",
            "body",
            "nothing_is_called_this",
        ];
        // Twice, so that the second round reads remembered ids, across grammars.
        for _ in 0..2 {
            for tree in &trees {
                let mut stack = vec![tree.root_node()];
                while let Some(node) = stack.pop() {
                    for name in names {
                        assert_eq!(node.field(name), node.child_by_field_name(name));
                    }
                    assert_eq!(node.kind_name(), node.kind());
                    let mut cursor = node.walk();
                    stack.extend(node.children(&mut cursor));
                }
            }
        }
    }
}
