//! A node's child in a field, its kind and its children, without tree-sitter's
//! look-up of names or a new cursor at every call.
//!
//! `child_by_field_name` compares the name with the grammar's field names, one by
//! one, at every call, and `Node::kind` measures the kind's name and validates it as
//! UTF-8 at every call. The front ends ask both of most nodes they visit: in the
//! editor server's check of a 2,000-line document they were 6 % and 13 % of the
//! instructions. [`ChildField::field`] looks a field's id up once per grammar and
//! thread; [`ChildField::kind_name`] reads a grammar's kind names once per process.
//! [`named_children`] and [`children`] read a small node's children by index (a
//! cursor takes hundreds of instructions per move, and making one allocates), and
//! [`with_cursor`] lends the thread's one cursor for the rest.
//!
//! Not for: field names that are not written in the code (pass those to tree-sitter).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use tree_sitter::{Node, TreeCursor};

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

/// The address of `node`'s grammar: what tells grammars apart (a grammar that is not
/// WebAssembly is static data of the program, never released or moved). Read without
/// copying the grammar (a copy is a call into tree-sitter).
fn grammar(node: &Node) -> usize {
    let language = node.language();
    let language: &tree_sitter::Language = &language;
    // SAFETY: `Language` is `repr(transparent)` over its grammar pointer.
    let raw = unsafe { *std::ptr::from_ref(language).cast::<*const ()>() };
    raw as usize
}

/// The names of the kinds of `node`'s grammar, by id: read from the grammar once per
/// process (a file's analysis runs on a thread of its own, so a table per thread
/// would be built again for every file). A thread remembers the last grammar it
/// asked about: a file's nodes are all of one grammar.
fn kind_names(node: &Node) -> &'static [&'static str] {
    type Table = (usize, &'static [&'static str]);
    static ALL: Mutex<Vec<Table>> = Mutex::new(Vec::new());
    thread_local! {
        static LAST: Cell<Table> = const { Cell::new((0, &[])) };
    }
    let grammar = grammar(node);
    let (last, names) = LAST.get();
    if last == grammar {
        return names;
    }
    let mut all = ALL.lock().unwrap_or_else(PoisonError::into_inner);
    let names = match all.iter().find(|(g, _)| *g == grammar) {
        Some((_, names)) => *names,
        None => {
            let language = node.language();
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
    LAST.set((grammar, names));
    names
}

/// The id of field `name` in the grammar of `node`, remembered per thread by the
/// name's address and length (names are written in the code) and the grammar's.
fn field_id(node: &Node, name: &'static str) -> Option<u16> {
    /// (name's address, name's length, grammar's address) → the field's id.
    type Ids = HashMap<(usize, usize, usize), Option<u16>, foldhash::fast::FixedState>;
    thread_local! {
        static IDS: RefCell<Ids> = RefCell::new(Ids::default());
    }
    let key = (name.as_ptr() as usize, name.len(), grammar(node));
    if let Some(id) = IDS.with(|ids| ids.borrow().get(&key).copied()) {
        return id;
    }
    let id = node.language().field_id_for_name(name).map(|id| id.get());
    IDS.with(|ids| ids.borrow_mut().insert(key, id));
    id
}

/// Runs `f` with a cursor for `node`'s tree, one kept per thread: making a cursor
/// allocates its stack, and the front ends read the children of many small nodes.
/// (A nested call, from inside `f`, gets a cursor of its own.)
pub fn with_cursor<'t, R>(node: Node<'t>, f: impl FnOnce(&mut TreeCursor<'t>) -> R) -> R {
    thread_local! {
        static CURSOR: RefCell<Option<TreeCursor<'static>>> = const { RefCell::new(None) };
    }
    CURSOR.with(|kept| {
        let Ok(mut kept) = kept.try_borrow_mut() else {
            return f(&mut node.walk());
        };
        let cursor = match kept.as_mut() {
            Some(cursor) => {
                // SAFETY: only the lifetime changes. A kept cursor is always reset to
                // a node of the tree at hand before it is moved (`reset` replaces all
                // it points to), and dropping it frees only its own stack.
                let cursor: &mut TreeCursor<'t> = unsafe { std::mem::transmute(cursor) };
                cursor.reset(node);
                cursor
            }
            None => {
                // SAFETY: as above; the cursor outlives the borrow of its first tree.
                let fresh: TreeCursor<'static> = unsafe { std::mem::transmute(node.walk()) };
                let cursor = kept.insert(fresh);
                let cursor: &mut TreeCursor<'t> = unsafe { std::mem::transmute(cursor) };
                cursor
            }
        };
        f(cursor)
    })
}

/// The named children of a node, up to eight of them without allocating.
pub type Children<'t> = smallvec::SmallVec<[Node<'t>; 8]>;

/// Up to this many named children are read by index: tree-sitter finds the `i`th
/// child from the first, a few steps of about 30 instructions each, where a cursor
/// takes hundreds per move. Past it, the quadratic count of steps costs more.
pub const BY_INDEX: usize = 12;

/// The children of `node`, anonymous ones and comments included.
pub fn children<'t>(node: Node<'t>) -> Children<'t> {
    let count = node.child_count();
    if count <= BY_INDEX {
        return (0..count).filter_map(|i| node.child(i)).collect();
    }
    with_cursor(node, |cursor| node.children(cursor).collect())
}

/// The named children of `node` that are not comments (comments are "extra" nodes
/// that can sit anywhere).
pub fn named_children<'t>(node: Node<'t>) -> Children<'t> {
    let count = node.named_child_count();
    if count <= BY_INDEX {
        return (0..count)
            .filter_map(|i| node.named_child(i))
            .filter(|c| c.kind_name() != "comment")
            .collect();
    }
    with_cursor(node, |cursor| {
        node.named_children(cursor)
            .filter(|c| c.kind_name() != "comment")
            .collect()
    })
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
            // Comments among children, more children than are read by index, and
            // template strings.
            (
                &js,
                "f(1, /* c */ 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, // d\n 14);\nconst t = `a${b}c\\n${d}`;",
            ),
            (&py, "f(1, # c\n  2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)\n"),
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
                    let by_cursor: Vec<Node> = node
                        .named_children(&mut cursor)
                        .filter(|c| c.kind() != "comment")
                        .collect();
                    assert_eq!(named_children(node).to_vec(), by_cursor);
                    let all: Vec<Node> = node.children(&mut cursor).collect();
                    assert_eq!(children(node).to_vec(), all);
                    stack.extend(node.children(&mut cursor));
                }
            }
        }
    }
}
