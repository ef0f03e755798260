//! A node's child in a field, with the field's id remembered.
//!
//! tree-sitter's `child_by_field_name` compares the name with the grammar's field
//! names, one by one, at every call; the front ends ask it of most nodes they visit,
//! and a profile of the editor server put 6 % of its CPU there. [`ChildField::field`]
//! looks the id up once per grammar and thread.
//!
//! Not for: names that are not written in the code (pass those to tree-sitter).

use std::cell::RefCell;
use std::collections::HashMap;
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
        type Names = Vec<(usize, Vec<Option<&'static str>>)>;
        thread_local! {
            /// Per grammar (its address): the names of its kinds met so far, by id.
            static NAMES: RefCell<Names> = const { RefCell::new(Vec::new()) };
        }
        let language = self.language();
        // A grammar's address: what tells grammars apart (a copy of a grammar that is
        // not WebAssembly is the grammar itself, and nothing is released).
        let grammar = language.clone().into_raw() as usize;
        let id = usize::from(self.kind_id());
        NAMES.with(|names| {
            let mut names = names.borrow_mut();
            let at = match names.iter().position(|(g, _)| *g == grammar) {
                Some(at) => at,
                None => {
                    names.push((grammar, vec![None; language.node_kind_count()]));
                    names.len() - 1
                }
            };
            let known = &mut names[at].1;
            match known.get(id).copied().flatten() {
                Some(name) => name,
                None => {
                    // The name of an alias is its public kind's: the two agree.
                    let name = self.kind();
                    if let Some(slot) = known.get_mut(id) {
                        *slot = Some(name);
                    }
                    name
                }
            }
        })
    }
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
        let parse = |language: tree_sitter::Language, text: &str| {
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(&language).unwrap();
            parser.parse(text, None).unwrap()
        };
        let trees = [
            parse(
                tree_sitter_javascript::LANGUAGE.into(),
                "const a = f(x, y); obj.prop = a;",
            ),
            parse(
                tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
                "const a: T = f(x, y); obj.prop = a;",
            ),
            parse(
                tree_sitter_typescript::LANGUAGE_TSX.into(),
                "const a = <b c={f(x)} />; obj.prop = a;",
            ),
            parse(
                tree_sitter_python::LANGUAGE.into(),
                "a = f(x, y)\nobj.prop = a\n",
            ),
            // Error and missing nodes, and aliases (`property_identifier`).
            parse(
                tree_sitter_javascript::LANGUAGE.into(),
                "const { a: b } = o; f(x, ; class C { m() {} }",
            ),
            parse(
                tree_sitter_python::LANGUAGE.into(),
                "def f(:\n  return [x for x in y\n",
            ),
        ];
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
