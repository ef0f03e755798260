//! Parent links of a tree-sitter tree, read in one walk.
//!
//! tree-sitter nodes do not point to their parents: `Node::parent` searches down from
//! the root and steps over the children of every node on the way that come before the
//! one holding the node. In a file whose statements all sit under one node (a
//! generated or minified file: a hundred thousand calls on one line), asking for the
//! parent of each call is quadratic. [`Parents`] walks the tree once, on first use,
//! and answers every later question with a binary search.
//!
//! Not for: walks that carry their own ancestors (a cursor's `goto_parent`, an
//! explicit stack); they need no map.

use super::tree_walk::{traverse, At, Visitor};
use std::cell::OnceCell;
use tree_sitter::Node;

/// The parent of every node of one tree (see the module documentation).
pub struct Parents<'t> {
    root: Node<'t>,
    /// (node id, parent), sorted by id; built on the first question.
    links: OnceCell<Vec<(usize, Node<'t>)>>,
}

impl<'t> Parents<'t> {
    pub fn new(root: Node<'t>) -> Self {
        Parents {
            root,
            links: OnceCell::new(),
        }
    }

    /// The map of a tree whose links a walk of the caller already collected: every
    /// node but the root, with its parent, in any order. Spares the walk of
    /// [`Parents::new`]'s first question.
    pub fn from_links(root: Node<'t>, mut links: Vec<(usize, Node<'t>)>) -> Self {
        sort_by_id(&mut links);
        Parents {
            root,
            links: OnceCell::from(links),
        }
    }

    /// The parent of `node` (`None` for the root, or a node of another tree).
    pub fn of(&self, node: Node<'t>) -> Option<Node<'t>> {
        let links = self.links.get_or_init(|| links(self.root));
        links
            .binary_search_by_key(&node.id(), |(id, _)| *id)
            .ok()
            .map(|i| links[i].1)
    }

    /// The ancestors of `node`, nearest first.
    pub fn ancestors(&self, node: Node<'t>) -> impl Iterator<Item = Node<'t>> + '_ {
        std::iter::successors(self.of(node), move |n| self.of(*n))
    }
}

/// One cursor walk over every node: (node id, parent), sorted by id.
fn links(root: Node<'_>) -> Vec<(usize, Node<'_>)> {
    walk_links(root, |_| {})
}

/// A step of [`Parents::walk`].
pub enum Step<'a, 't> {
    /// A node is entered; `above` are its ancestors, the root first.
    Enter(Node<'t>, &'a [Node<'t>]),
    /// A node is left, after all of its descendants.
    Leave(Node<'t>),
}

impl<'t> Parents<'t> {
    /// The map of the tree under `root`, built at once by a walk over every node (in
    /// source order) that also tells `each` of every node entered and left: a front end
    /// that must see every node anyway does so in this walk instead of one of its own.
    pub fn walk(root: Node<'t>, each: impl FnMut(Step<'_, 't>)) -> Self {
        Parents {
            root,
            links: OnceCell::from(walk_links(root, each)),
        }
    }
}

fn walk_links<'t>(root: Node<'t>, each: impl FnMut(Step<'_, 't>)) -> Vec<(usize, Node<'t>)> {
    struct Links<'t, F> {
        out: Vec<(usize, Node<'t>)>,
        above: Vec<Node<'t>>,
        each: F,
    }
    impl<'t, F: FnMut(Step<'_, 't>)> Visitor<'t> for Links<'t, F> {
        fn enter(&mut self, node: Node<'t>, _: At<'t>) -> bool {
            if let Some(&parent) = self.above.last() {
                self.out.push((node.id(), parent));
            }
            (self.each)(Step::Enter(node, &self.above));
            self.above.push(node);
            true
        }

        fn leave(&mut self, node: Node<'t>) {
            self.above.pop();
            (self.each)(Step::Leave(node));
        }
    }
    let mut links = Links {
        out: Vec::with_capacity(root.descendant_count()),
        above: Vec::new(),
        each,
    };
    traverse(root, &mut links);
    sort_by_id(&mut links.out);
    links.out
}

/// Sorts links by id, as `sort_unstable_by_key` would: a radix sort on the bytes in
/// which the ids differ (ids are addresses: most of their bytes are the same). The
/// map holds every node of the file, and a comparison sort of a 2,000-line file's
/// nodes was 4 % of the instructions of its check.
fn sort_by_id<T: Copy>(links: &mut Vec<(usize, T)>) {
    if links.len() < 512 {
        links.sort_unstable_by_key(|(id, _)| *id);
        return;
    }
    let (all, any) = links
        .iter()
        .fold((usize::MAX, 0), |(all, any), (id, _)| (all & id, any | id));
    let differing = all ^ any;
    let mut scratch = vec![links[0]; links.len()];
    for shift in (0..usize::BITS).step_by(8) {
        if (differing >> shift) & 0xff == 0 {
            continue;
        }
        let digit = |id: usize| (id >> shift) & 0xff;
        let mut next = [0usize; 256];
        for (id, _) in links.iter() {
            next[digit(*id)] += 1;
        }
        let mut at = 0;
        for slot in next.iter_mut() {
            (*slot, at) = (at, at + *slot);
        }
        for link in links.iter() {
            let d = digit(link.0);
            scratch[next[d]] = *link;
            next[d] += 1;
        }
        std::mem::swap(links, &mut scratch);
    }
}

#[cfg(test)]
mod tests {
    use crate::frontend::fields::ChildField as _;
    #[test]
    fn links_are_sorted_by_id_as_a_comparison_sort_sorts_them() {
        // Ids like addresses (aligned, sharing their high bytes), and any others.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as usize
        };
        for (len, mask, base) in [
            (100, usize::MAX, 0),
            (5_000, 0xff_fff8, 0x5555_0000_0000),
            (20_000, usize::MAX, 0),
            (3_000, 0xf0, 0),
        ] {
            let mut links: Vec<(usize, u32)> = (0..len)
                .map(|i| (base | (next() & mask), i as u32))
                .collect();
            let mut expected = links.clone();
            expected.sort_unstable_by_key(|(id, _)| *id);
            super::sort_by_id(&mut links);
            let ids = |l: &[(usize, u32)]| l.iter().map(|(id, _)| *id).collect::<Vec<_>>();
            assert_eq!(ids(&links), ids(&expected));
            // Each id keeps its own payload.
            let mut pairs = links.clone();
            pairs.sort_unstable();
            expected.sort_unstable();
            assert_eq!(pairs, expected);
        }
    }

    use super::*;

    #[test]
    fn every_node_has_the_parent_tree_sitter_gives_it() {
        let text = "import requests; requests.delete(f\"{BASE}/users/{uid}\"); x = [1, (2 + 3)]\ndef f(a):\n    return a.b(c)[0]\n";
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(text, None).unwrap();
        let parents = Parents::new(tree.root_node());
        let mut stack = vec![tree.root_node()];
        let mut seen = 0;
        while let Some(n) = stack.pop() {
            assert_eq!(
                parents.of(n).map(|p| p.id()),
                n.parent().map(|p| p.id()),
                "{}",
                n.kind_name()
            );
            seen += 1;
            let mut c = n.walk();
            stack.extend(n.children(&mut c));
        }
        assert!(seen > 40);
        let leaf = tree.root_node().descendant_for_byte_range(90, 90).unwrap();
        let kinds: Vec<&str> = parents.ancestors(leaf).map(|n| n.kind_name()).collect();
        assert_eq!(kinds.last(), Some(&"module"));
        let given = Parents::from_links(tree.root_node(), links(tree.root_node()));
        assert_eq!(
            given.ancestors(leaf).map(|n| n.id()).collect::<Vec<_>>(),
            parents.ancestors(leaf).map(|n| n.id()).collect::<Vec<_>>()
        );
    }

    /// Work, not time: a front end that asks tree-sitter for a parent is quadratic in
    /// a wide file again (about 30 s for 7 MiB of Python calls, one per line, instead
    /// of a few), which no timed test on a shared machine catches reliably.
    #[test]
    fn the_tree_sitter_front_ends_never_ask_node_parent() {
        // Every source file of the two front ends, new ones included.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/frontend");
        let mut files = Vec::new();
        let mut dirs = vec![root.join("python"), root.join("javascript")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() >= 10, "{files:?}");
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                !text.contains(concat!(".parent", "()")),
                "{} calls Node::parent; use the file's Parents",
                path.display()
            );
        }
    }
}
