//! A pre-order walk over every node of a tree-sitter tree, for the front ends that
//! must see every node (a scope walk, the parent map).
//!
//! A tree-sitter cursor takes hundreds of instructions per move: it climbs in and out
//! of the grammar's hidden nodes and keeps counts for its other uses. [`traverse`]
//! reads the children of a node with few of them by index instead, a few dozen
//! instructions each, and those of a node with many once with a cursor. In the editor
//! server's check of a 2,000-line JavaScript document, the cursor's moves were a
//! quarter of the instructions.
//!
//! Not for: reading one node's children (see [`super::fields::named_children`]).

use tree_sitter::Node;

/// What a [`traverse`] calls at each node.
pub trait Visitor<'t> {
    /// Called on entering a node; `false` skips its children (and `leave`). `at` tells
    /// the node's field name: it is looked up only where it is needed (the look-up
    /// searches the parent's field map, for every node).
    fn enter(&mut self, node: Node<'t>, at: At<'t>) -> bool;
    /// Called after the children of a node `enter` accepted.
    fn leave(&mut self, node: Node<'t>);
}

/// Where a visited node is: its parent and its index there, or its field name as
/// recorded (by a cursor, or by an earlier walk that is replayed).
#[derive(Clone, Copy)]
pub enum At<'t> {
    /// The root, which is in no field.
    Root,
    /// Child `i` of the node, counting anonymous children.
    Child(Node<'t>, u32),
    /// The field name, read already.
    Recorded(Option<&'static str>),
}

impl At<'_> {
    /// The field name of the node in its parent.
    pub fn field_name(self) -> Option<&'static str> {
        match self {
            At::Root => None,
            At::Child(parent, i) => parent.field_name_for_child(i),
            At::Recorded(field) => field,
        }
    }
}

/// A node whose children the walk is visiting.
enum Open<'t> {
    /// Read by index (see [`super::fields::BY_INDEX`]).
    Small {
        node: Node<'t>,
        count: u32,
        next: u32,
    },
    /// Many children, read once with a cursor, with their field names.
    Large {
        node: Node<'t>,
        children: Vec<(Node<'t>, Option<&'static str>)>,
        next: usize,
    },
}

/// A pre-order walk over a tree. A tree-sitter cursor takes hundreds of instructions
/// per move (it climbs in and out of the grammar's hidden nodes); the children of a
/// node with few of them are read by index instead, a few dozen each.
pub fn traverse<'t>(root: Node<'t>, visitor: &mut impl Visitor<'t>) {
    fn enter<'t>(node: Node<'t>, at: At<'t>, v: &mut impl Visitor<'t>, open: &mut Vec<Open<'t>>) {
        if !v.enter(node, at) {
            return;
        }
        let count = node.child_count();
        if count == 0 {
            v.leave(node);
        } else if count <= super::fields::BY_INDEX {
            open.push(Open::Small {
                node,
                count: count as u32,
                next: 0,
            });
        } else {
            let children = super::fields::with_cursor(node, |cursor| {
                let mut children = Vec::with_capacity(count);
                if cursor.goto_first_child() {
                    loop {
                        children.push((cursor.node(), cursor.field_name()));
                        if !cursor.goto_next_sibling() {
                            break;
                        }
                    }
                }
                children
            });
            open.push(Open::Large {
                node,
                children,
                next: 0,
            });
        }
    }
    let mut open: Vec<Open<'t>> = Vec::new();
    enter(root, At::Root, visitor, &mut open);
    while let Some(top) = open.last_mut() {
        let (child, at) = match top {
            Open::Small { node, count, next } if *next < *count => {
                let i = *next;
                *next += 1;
                (node.child(i as usize), At::Child(*node, i))
            }
            Open::Large { children, next, .. } if *next < children.len() => {
                let (child, field) = children[*next];
                *next += 1;
                (Some(child), At::Recorded(field))
            }
            Open::Small { node, .. } | Open::Large { node, .. } => {
                let node = *node;
                open.pop();
                visitor.leave(node);
                continue;
            }
        };
        if let Some(child) = child {
            enter(child, at, visitor, &mut open);
        }
    }
}
