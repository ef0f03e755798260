//! Scopes and bindings: the first walk over the tree.
//!
//! Records every name bound in the file (`const`/`let`/`var`, parameters, functions,
//! classes, imports, destructured names), the scope it lives in, the expression it is
//! bound to, and whether it is ever reassigned or has a property assigned. Also records
//! `this.x` members of classes and `u.searchParams.set(k, v)` calls, so that the second
//! walk can resolve `this.baseUrl` and query parameters added to a `URL` object.
//! Every identifier is remembered with its scope, so that the uses of a binding can be
//! listed (built on first request, once per file).
//!
//! Not for: deciding what a value is; `resolve` does that.

use super::{traverse, Visitor};
use crate::frontend::fields::ChildField as _;
use std::cell::OnceCell;
/// The scope maps are asked on most nodes of a file (a name at every scope up the
/// chain, a node id on every visit): a fast hash rather than SipHash, whose
/// resistance to chosen keys a map of one file's names does not need.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
use tree_sitter::Node;

pub(super) type ScopeId = usize;
pub(super) type BindingId = usize;

pub(super) struct Scope<'t> {
    parent: Option<ScopeId>,
    /// `var` declarations hoist to the nearest function (or the program) scope.
    function: bool,
    /// The class whose `this` is visible here (node id), if any.
    class: Option<usize>,
    names: HashMap<&'t str, BindingId>,
    /// The node that opens the scope (the whole file for the program).
    span: std::ops::Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum BindKind {
    Const,
    Let,
    Var,
    Param,
    Function,
    Class,
    /// `import x from 'm'`, `import * as x from 'm'`, `import { y as x } from 'm'`.
    /// `imported` is `None` for namespace imports, `Some("default")` for default ones.
    Import {
        module: String,
        imported: Option<String>,
    },
}

#[derive(Clone, Debug)]
pub(super) enum BindValue<'t> {
    None,
    Expr(Node<'t>),
    /// `const { key: name } = object` (or shorthand `{ key }`).
    Member {
        object: Node<'t>,
        key: String,
    },
}

#[derive(Clone, Debug)]
pub(super) struct Binding<'t> {
    pub kind: BindKind,
    pub value: BindValue<'t>,
    /// The scope the value expression is evaluated in.
    pub scope: ScopeId,
    /// Assigned again somewhere (or declared twice): its value is not known.
    pub reassigned: bool,
    /// Has a property assigned somewhere (`x.path = …`): members are not known.
    pub mutated: bool,
}

impl<'t> Binding<'t> {
    /// The value expression, when the binding never changes after its declaration.
    pub fn fixed_value(&self) -> Option<&BindValue<'t>> {
        let variable = matches!(self.kind, BindKind::Const | BindKind::Let | BindKind::Var);
        (variable && !self.reassigned && !matches!(self.value, BindValue::None))
            .then_some(&self.value)
    }
}

/// A `u.searchParams.set('k', v)` / `.append` call on a binding.
#[derive(Clone, Copy, Debug)]
pub(super) struct SearchParam<'t> {
    pub key: Node<'t>,
    pub value: Node<'t>,
    pub scope: ScopeId,
}

/// The uses of every binding, built on first request.
#[derive(Default)]
struct References<'t> {
    uses: HashMap<BindingId, Vec<Node<'t>>>,
    binding: HashMap<usize, BindingId>,
}

pub(super) struct Scopes<'t> {
    /// Every node's parent (`Node::parent` is quadratic in wide files: see
    /// [`crate::frontend::parents`]).
    pub parents: crate::frontend::parents::Parents<'t>,
    scopes: Vec<Scope<'t>>,
    pub bindings: Vec<Binding<'t>>,
    scope_of_node: HashMap<usize, ScopeId>,
    /// (class node id, member name) → every value assigned to `this.<name>`.
    class_members: HashMap<(usize, String), Vec<(Node<'t>, ScopeId)>>,
    search_params: HashMap<BindingId, Vec<SearchParam<'t>>>,
    text: &'t str,
    /// Every `identifier` node with the scope it appears in.
    identifiers: Vec<(Node<'t>, ScopeId)>,
    /// Function and class declarations by the binding of their name, and classes by
    /// node id: wrappers are found through them.
    declarations: HashMap<BindingId, Node<'t>>,
    classes: HashMap<usize, Node<'t>>,
    /// The values a reassigned binding is given by `name = value` (`None` once it is
    /// also changed some other way).
    assigned: HashMap<BindingId, Option<Vec<(Node<'t>, ScopeId)>>>,
    /// Binding → the identifiers that resolve to it (its declaration included), and
    /// identifier (node id) → its binding.
    references: OnceCell<References<'t>>,
    /// The file's quote and trailing-comma habits, counted by the same walk (`None`
    /// when the walk skipped part of the tree: the rendering then walks it itself).
    pub habits: Option<Habits>,
    /// The named nodes reached through named nodes, in walk order, recorded by the
    /// same walk for the walk of the calls ([`super::replay`]).
    pub entered: Option<Vec<super::Entered<'t>>>,
}

/// The quotes of a file's string literals and the ends of its multi-line object and
/// array literals, counted node by node; [`Habits::style`] reads the file's habits.
#[derive(Clone, Copy, Default)]
pub(super) struct Habits {
    single: usize,
    double: usize,
    with_comma: usize,
    without_comma: usize,
}

impl Habits {
    /// Counts one node. Literals inside anonymous nodes count for the quotes, but
    /// their objects and arrays not for the commas (`below_anonymous`).
    pub(super) fn count(&mut self, n: Node, kind: &str, text: &str, below_anonymous: bool) {
        if kind == "string" {
            match text[n.start_byte()..].chars().next() {
                Some('"') => self.double += 1,
                Some('\'') => self.single += 1,
                _ => {}
            }
        } else if !below_anonymous
            && matches!(kind, "object" | "array")
            && text[n.byte_range()].contains('\n')
        {
            if let Some(last) = named_children(n).last() {
                let after = text[last.end_byte()..n.end_byte()].trim_start();
                if after.starts_with(',') {
                    self.with_comma += 1;
                } else {
                    self.without_comma += 1;
                }
            }
        }
    }

    /// The quote most string literals use, and whether multi-line object and array
    /// literals end with a comma (the default when there are none to judge by).
    pub(super) fn style(&self) -> (char, bool) {
        (
            if self.double > self.single { '"' } else { '\'' },
            self.with_comma >= self.without_comma,
        )
    }
}

impl<'t> Scopes<'t> {
    /// The scope a scope-creating node opens.
    pub fn scope_of(&self, node: Node) -> Option<ScopeId> {
        self.scope_of_node.get(&node.id()).copied()
    }

    pub fn lookup(&self, name: &str, scope: ScopeId) -> Option<BindingId> {
        let mut at = Some(scope);
        while let Some(s) = at {
            if let Some(&b) = self.scopes[s].names.get(name) {
                return Some(b);
            }
            at = self.scopes[s].parent;
        }
        None
    }

    pub fn binding(&self, id: BindingId) -> &Binding<'t> {
        &self.bindings[id]
    }

    /// The value of `this.<name>` seen from `scope`, when the class assigns it exactly once.
    pub fn class_member(&self, scope: ScopeId, name: &str) -> Option<(Node<'t>, ScopeId)> {
        let class = self.scopes[scope].class?;
        match self
            .class_members
            .get(&(class, name.to_string()))?
            .as_slice()
        {
            [one] => Some(*one),
            _ => None,
        }
    }

    fn index(&self) -> &References<'t> {
        self.references.get_or_init(|| {
            let mut index = References::default();
            for (node, scope) in &self.identifiers {
                if let Some(b) = self.lookup(&self.text[node.byte_range()], *scope) {
                    index.uses.entry(b).or_default().push(*node);
                    index.binding.insert(node.id(), b);
                }
            }
            for uses in index.uses.values_mut() {
                uses.sort_by_key(|n| n.start_byte());
            }
            index
        })
    }

    /// The identifiers that resolve to `binding`, in source order (its declaration
    /// included when it is a plain identifier).
    pub fn references(&self, binding: BindingId) -> &[Node<'t>] {
        self.index()
            .uses
            .get(&binding)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The binding an identifier (or a shorthand destructuring name) resolves to.
    pub fn binding_of(&self, identifier: Node<'_>) -> Option<BindingId> {
        self.index().binding.get(&identifier.id()).copied()
    }

    /// The function or class declaration a binding names (`function f() {}`, `class K {}`).
    pub fn declaration(&self, id: BindingId) -> Option<Node<'t>> {
        self.declarations.get(&id).copied()
    }

    /// Every value a `let`/`var` binding that is reassigned with `=` may hold (its
    /// declaration's and each assignment's), in source order; `None` when it is changed
    /// any other way or declared without a value.
    pub fn alternatives(&self, id: BindingId) -> Option<Vec<(Node<'t>, ScopeId)>> {
        let b = &self.bindings[id];
        let assigned = self.assigned.get(&id)?.as_ref()?;
        let mut out = Vec::with_capacity(assigned.len() + 1);
        match (&b.kind, &b.value) {
            (BindKind::Let | BindKind::Var, BindValue::Expr(v)) => out.push((*v, b.scope)),
            (BindKind::Let | BindKind::Var, BindValue::None) => {}
            _ => return None,
        }
        out.extend(assigned.iter().copied());
        Some(out)
    }

    /// The class whose `this` is visible in `scope`.
    pub fn class_of(&self, scope: ScopeId) -> Option<Node<'t>> {
        self.classes.get(&self.scopes[scope].class?).copied()
    }

    /// The span of the function `scope` is in (the whole file at top level).
    pub fn function_span(&self, scope: ScopeId) -> std::ops::Range<usize> {
        self.scopes[self.function_scope(scope)].span.clone()
    }

    pub fn search_params(&self, binding: BindingId) -> &[SearchParam<'t>] {
        self.search_params
            .get(&binding)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn push_scope(
        &mut self,
        parent: ScopeId,
        function: bool,
        class: Option<usize>,
        span: std::ops::Range<usize>,
    ) -> ScopeId {
        self.scopes.push(Scope {
            parent: Some(parent),
            function,
            class,
            names: HashMap::default(),
            span,
        });
        self.scopes.len() - 1
    }

    fn function_scope(&self, mut scope: ScopeId) -> ScopeId {
        while !self.scopes[scope].function {
            match self.scopes[scope].parent {
                Some(p) => scope = p,
                None => break,
            }
        }
        scope
    }

    fn declare(&mut self, target: ScopeId, name: &'t str, binding: Binding<'t>) -> BindingId {
        let id = self.bindings.len();
        self.bindings.push(binding);
        if let Some(&old) = self.scopes[target].names.get(name) {
            // Declared twice in one scope (`var x` twice, or a parameter redeclared):
            // neither value can be trusted.
            self.bindings[old].reassigned = true;
            self.bindings[id].reassigned = true;
        }
        self.scopes[target].names.insert(name, id);
        id
    }
}

pub(super) fn creates_scope(kind: &str) -> bool {
    matches!(
        kind,
        "statement_block"
            | "function_declaration"
            | "function_expression"
            | "function"
            | "generator_function_declaration"
            | "generator_function"
            | "arrow_function"
            | "method_definition"
            | "class_declaration"
            | "class"
            | "abstract_class_declaration"
            | "for_statement"
            | "for_in_statement"
            | "catch_clause"
            | "switch_body"
    )
}

/// Whether a node of this kind is a function of any form (declaration, expression,
/// arrow, generator, method).
pub(in crate::frontend::javascript) fn is_function(kind: &str) -> bool {
    matches!(
        kind,
        "function_declaration"
            | "function_expression"
            | "function"
            | "generator_function_declaration"
            | "generator_function"
            | "arrow_function"
            | "method_definition"
    )
}

/// Names whose `this` is not the enclosing class's.
fn rebinds_this(kind: &str) -> bool {
    matches!(
        kind,
        "function_declaration"
            | "function_expression"
            | "function"
            | "generator_function_declaration"
            | "generator_function"
    )
}

pub(super) use crate::frontend::fields::named_children;

enum Pending<'t> {
    /// Assigned some other way (`+=`, a loop, destructuring): the values are not known.
    Reassign(String, ScopeId),
    /// `name = value`.
    Assign(String, ScopeId, Node<'t>),
    Mutate(String, ScopeId),
    SearchParam(String, ScopeId, Node<'t>),
}

/// Collects the scopes and bindings of the file.
pub(super) fn collect<'t>(root: Node<'t>, text: &'t str) -> Scopes<'t> {
    let mut s = Scopes {
        parents: crate::frontend::parents::Parents::new(root),
        scopes: vec![Scope {
            parent: None,
            function: true,
            class: None,
            names: HashMap::default(),
            span: root.byte_range(),
        }],
        bindings: Vec::new(),
        scope_of_node: HashMap::default(),
        class_members: HashMap::default(),
        search_params: HashMap::default(),
        text,
        identifiers: Vec::new(),
        declarations: HashMap::default(),
        classes: HashMap::default(),
        assigned: HashMap::default(),
        references: OnceCell::new(),
        habits: None,
        entered: None,
    };
    s.scope_of_node.insert(root.id(), 0);
    let mut pending: Vec<Pending<'t>> = Vec::new();
    // Sized once: grown node by node, the lists of a large file were copied and
    // page-faulted in again and again.
    let nodes = root.descendant_count();
    let mut links = Some(Vec::with_capacity(nodes));
    let mut habits = Habits::default();
    let mut entered = Vec::with_capacity(nodes);

    traverse(
        root,
        &mut Collector {
            s: &mut s,
            pending: &mut pending,
            text,
            root: root.id(),
            stack: Vec::new(),
            above: Vec::new(),
            links: &mut links,
            habits: &mut habits,
            entered: &mut entered,
            open: Vec::new(),
        },
    );
    s.entered = Some(entered);
    // The walk saw every node: the parents map and the habits need no walk of their own.
    if let Some(links) = links {
        s.parents = crate::frontend::parents::Parents::from_links(root, links);
        s.habits = Some(habits);
    }

    for p in pending {
        match p {
            Pending::Reassign(name, scope) => {
                if let Some(b) = s.lookup(&name, scope) {
                    s.bindings[b].reassigned = true;
                    s.assigned.insert(b, None);
                }
            }
            Pending::Assign(name, scope, value) => {
                if let Some(b) = s.lookup(&name, scope) {
                    s.bindings[b].reassigned = true;
                    if let Some(values) = s.assigned.entry(b).or_insert(Some(Vec::new())) {
                        values.push((value, scope));
                    }
                }
            }
            Pending::Mutate(name, scope) => {
                if let Some(b) = s.lookup(&name, scope) {
                    s.bindings[b].mutated = true;
                }
            }
            Pending::SearchParam(name, scope, args) => {
                if let Some(b) = s.lookup(&name, scope) {
                    let a = named_children(args);
                    if let [key, value, ..] = a.as_slice() {
                        s.search_params.entry(b).or_default().push(SearchParam {
                            key: *key,
                            value: *value,
                            scope,
                        });
                    }
                }
            }
        }
    }
    s
}

/// Records what one node declares, assigns or opens; returns the scope its children
/// are in.
fn enter_node<'t>(
    s: &mut Scopes<'t>,
    pending: &mut Vec<Pending<'t>>,
    node: Node<'t>,
    kind: &str,
    outer: ScopeId,
    text: &'t str,
    root: usize,
) -> ScopeId {
    let src = |n: Node| &text[n.byte_range()];
    let mut scope = outer;
    if node.id() != root && creates_scope(kind) {
        let class = if matches!(
            kind,
            "class_declaration" | "class" | "abstract_class_declaration"
        ) {
            Some(node.id())
        } else if rebinds_this(kind) {
            None
        } else {
            s.scopes[outer].class
        };
        scope = s.push_scope(outer, is_function(kind), class, node.byte_range());
        s.scope_of_node.insert(node.id(), scope);
        if class == Some(node.id()) {
            s.classes.insert(node.id(), node);
        }
    }

    match kind {
        "identifier" | "shorthand_property_identifier_pattern" => s.identifiers.push((node, scope)),
        "lexical_declaration" | "variable_declaration" => {
            let decl_kind = match node.child(0).map(|c| c.kind_name()) {
                Some("const") => BindKind::Const,
                Some("let") => BindKind::Let,
                _ => BindKind::Var,
            };
            let target = if decl_kind == BindKind::Var {
                s.function_scope(scope)
            } else {
                scope
            };
            for decl in named_children(node) {
                if decl.kind_name() == "variable_declarator" {
                    declare_declarator(s, decl, &decl_kind, target, scope, text);
                }
            }
        }
        "function_declaration" | "generator_function_declaration" => {
            if let Some(name) = node.field("name") {
                let id = s.declare(outer, src(name), plain(BindKind::Function, outer));
                s.declarations.insert(id, node);
            }
            declare_params(s, node, scope, text);
        }
        "function_expression" | "function" | "generator_function" => {
            if let Some(name) = node.field("name") {
                s.declare(scope, src(name), plain(BindKind::Function, scope));
            }
            declare_params(s, node, scope, text);
        }
        "arrow_function" | "method_definition" => declare_params(s, node, scope, text),
        "class_declaration" | "abstract_class_declaration" => {
            if let Some(name) = node.field("name") {
                let id = s.declare(outer, src(name), plain(BindKind::Class, outer));
                s.declarations.insert(id, node);
            }
        }
        // A TypeScript `enum`: its members are read like a class's static fields.
        "enum_declaration" => {
            if let Some(name) = node.field("name") {
                let id = s.declare(scope, src(name), plain(BindKind::Class, scope));
                s.declarations.insert(id, node);
            }
        }
        "catch_clause" => {
            if let Some(p) = node.field("parameter") {
                for n in pattern_names(p) {
                    s.declare(scope, src(n), plain(BindKind::Param, scope));
                }
            }
        }
        "for_in_statement" => {
            if let Some(left) = node.field("left") {
                if node.field("kind").is_some() {
                    for n in pattern_names(left) {
                        s.declare(scope, src(n), plain(BindKind::Param, scope));
                    }
                } else {
                    for n in pattern_names(left) {
                        pending.push(Pending::Reassign(src(n).to_string(), scope));
                    }
                }
            }
        }
        "import_statement" => declare_import(s, node, scope, text),
        "assignment_expression" | "augmented_assignment_expression" => {
            if let Some(left) = node.field("left") {
                let left = strip_parens(left);
                match left.kind_name() {
                    "identifier" => match node.field("right") {
                        Some(right) if kind == "assignment_expression" => {
                            pending.push(Pending::Assign(src(left).to_string(), scope, right))
                        }
                        _ => pending.push(Pending::Reassign(src(left).to_string(), scope)),
                    },
                    "member_expression" | "subscript_expression" => {
                        if let Some(root_name) = member_root(left) {
                            pending.push(Pending::Mutate(src(root_name).to_string(), scope));
                        }
                        record_this_member(s, node, left, scope, text);
                    }
                    "object_pattern" | "array_pattern" => {
                        for n in pattern_names(left) {
                            pending.push(Pending::Reassign(src(n).to_string(), scope));
                        }
                    }
                    _ => {}
                }
            }
        }
        "update_expression" => {
            if let Some(arg) = node.field("argument") {
                let arg = strip_parens(arg);
                match arg.kind_name() {
                    "identifier" => pending.push(Pending::Reassign(src(arg).to_string(), scope)),
                    "member_expression" | "subscript_expression" => {
                        if let Some(root_name) = member_root(arg) {
                            pending.push(Pending::Mutate(src(root_name).to_string(), scope));
                        }
                    }
                    _ => {}
                }
            }
        }
        "public_field_definition" | "field_definition" => {
            let name = node.field("name").or_else(|| node.field("property"));
            if let (Some(name), Some(value), Some(class)) =
                (name, node.field("value"), s.scopes[scope].class)
            {
                s.class_members
                    .entry((class, src(name).to_string()))
                    .or_default()
                    .push((value, scope));
            }
        }
        "call_expression" => {
            // `u.searchParams.set('k', v)` / `.append('k', v)`
            if let Some((object, args)) = search_params_call(node, text) {
                pending.push(Pending::SearchParam(src(object).to_string(), scope, args));
            }
        }
        _ => {}
    }
    scope
}

struct Collector<'s, 't> {
    s: &'s mut Scopes<'t>,
    pending: &'s mut Vec<Pending<'t>>,
    text: &'t str,
    root: usize,
    /// The scope of the children of each node on the path from the root.
    stack: Vec<ScopeId>,
    /// The nodes on the path from the root (the parent of the next node entered).
    above: Vec<Node<'t>>,
    /// Every node's parent, for the file's [`Scopes::parents`]; `None` once a node
    /// whose children this walk skips turns up (an anonymous node with children).
    links: &'s mut Option<Vec<(usize, Node<'t>)>>,
    /// The file's habits, valid while `links` is.
    habits: &'s mut Habits,
    /// The named nodes entered, for [`Scopes::entered`].
    entered: &'s mut Vec<super::Entered<'t>>,
    /// For each node on the path from the root: its index in `entered` and whether
    /// its children's field names are recorded.
    open: Vec<(usize, bool)>,
}

impl<'t> Visitor<'t> for Collector<'_, 't> {
    fn enter(&mut self, node: Node<'t>, at: super::At<'t>) -> bool {
        // `Node::kind` converts the grammar's C string each time: read it once.
        let kind = node.kind_name();
        if let Some(links) = self.links.as_mut() {
            if let Some(&parent) = self.above.last() {
                links.push((node.id(), parent));
            }
            self.habits.count(node, kind, self.text, false);
        }
        if !node.is_named() {
            if node.child_count() > 0 {
                *self.links = None;
            }
            return false;
        }
        let outer = self.stack.last().copied().unwrap_or(0);
        let scope = enter_node(
            self.s,
            self.pending,
            node,
            kind,
            outer,
            self.text,
            self.root,
        );
        self.stack.push(scope);
        self.above.push(node);
        let field = match self.open.last() {
            Some(&(_, true)) => at.field_name(),
            _ => None,
        };
        self.open
            .push((self.entered.len(), super::walk::reads_field(kind)));
        self.entered.push(super::Entered {
            node,
            field,
            end: 0,
        });
        true
    }

    fn leave(&mut self, _node: Node<'t>) {
        self.stack.pop();
        self.above.pop();
        if let Some((index, _)) = self.open.pop() {
            self.entered[index].end = self.entered.len() as u32;
        }
    }
}

fn plain<'t>(kind: BindKind, scope: ScopeId) -> Binding<'t> {
    Binding {
        kind,
        value: BindValue::None,
        scope,
        reassigned: false,
        mutated: false,
    }
}

fn declare_declarator<'t>(
    s: &mut Scopes<'t>,
    decl: Node<'t>,
    kind: &BindKind,
    target: ScopeId,
    scope: ScopeId,
    text: &'t str,
) {
    let Some(name) = decl.field("name") else {
        return;
    };
    let value = decl.field("value");
    let src = |n: Node| &text[n.byte_range()];
    match (name.kind_name(), value) {
        ("identifier", Some(v)) => {
            let b = Binding {
                kind: kind.clone(),
                value: BindValue::Expr(v),
                scope,
                reassigned: false,
                mutated: false,
            };
            s.declare(target, src(name), b);
        }
        ("object_pattern", Some(v)) => {
            for prop in named_children(name) {
                let (local, key) = match prop.kind_name() {
                    "shorthand_property_identifier_pattern" => (prop, src(prop).to_string()),
                    "pair_pattern" => {
                        let key = prop.field("key").and_then(|k| match k.kind_name() {
                            "property_identifier" => Some(src(k).to_string()),
                            "string" => Some(src(k).trim_matches(['"', '\'']).to_string()),
                            _ => None,
                        });
                        match (key, prop.field("value")) {
                            (Some(key), Some(local)) if local.kind_name() == "identifier" => {
                                (local, key)
                            }
                            _ => {
                                for n in pattern_names(prop) {
                                    s.declare(target, src(n), plain(kind.clone(), scope));
                                }
                                continue;
                            }
                        }
                    }
                    _ => {
                        for n in pattern_names(prop) {
                            s.declare(target, src(n), plain(kind.clone(), scope));
                        }
                        continue;
                    }
                };
                let b = Binding {
                    kind: kind.clone(),
                    value: BindValue::Member { object: v, key },
                    scope,
                    reassigned: false,
                    mutated: false,
                };
                s.declare(target, src(local), b);
            }
        }
        _ => {
            for n in pattern_names(name) {
                s.declare(target, src(n), plain(kind.clone(), scope));
            }
        }
    }
}

fn declare_params<'t>(s: &mut Scopes<'t>, func: Node<'t>, scope: ScopeId, text: &'t str) {
    let mut names = crate::frontend::fields::Children::new();
    if let Some(p) = func.field("parameter") {
        names.extend(pattern_names(p));
    }
    if let Some(params) = func.field("parameters") {
        for p in named_children(params) {
            names.extend(pattern_names(p));
        }
    }
    for n in names {
        s.declare(scope, &text[n.byte_range()], plain(BindKind::Param, scope));
    }
}

fn declare_import<'t>(s: &mut Scopes<'t>, node: Node<'t>, scope: ScopeId, text: &'t str) {
    let src = |n: Node| &text[n.byte_range()];
    let Some(source) = node.field("source") else {
        return;
    };
    let module = src(source).trim_matches(['"', '\'']).to_string();
    for clause in named_children(node) {
        if clause.kind_name() != "import_clause" {
            continue;
        }
        for item in named_children(clause) {
            match item.kind_name() {
                "identifier" => {
                    s.declare(
                        scope,
                        src(item),
                        plain(
                            BindKind::Import {
                                module: module.clone(),
                                imported: Some("default".into()),
                            },
                            scope,
                        ),
                    );
                }
                "namespace_import" => {
                    if let Some(id) = named_children(item)
                        .into_iter()
                        .find(|c| c.kind_name() == "identifier")
                    {
                        s.declare(
                            scope,
                            src(id),
                            plain(
                                BindKind::Import {
                                    module: module.clone(),
                                    imported: None,
                                },
                                scope,
                            ),
                        );
                    }
                }
                "named_imports" => {
                    for spec in named_children(item) {
                        let Some(name) = spec.field("name") else {
                            continue;
                        };
                        let local = spec.field("alias").unwrap_or(name);
                        let imported = src(name).trim_matches(['"', '\'']).to_string();
                        s.declare(
                            scope,
                            src(local),
                            plain(
                                BindKind::Import {
                                    module: module.clone(),
                                    imported: Some(imported),
                                },
                                scope,
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

/// `this.name = value` inside a class: a class member.
fn record_this_member<'t>(
    s: &mut Scopes<'t>,
    assignment: Node<'t>,
    left: Node<'t>,
    scope: ScopeId,
    text: &'t str,
) {
    if assignment.kind_name() != "assignment_expression" || left.kind_name() != "member_expression"
    {
        return;
    }
    let (Some(object), Some(prop), Some(value), Some(class)) = (
        left.field("object"),
        left.field("property"),
        assignment.field("right"),
        s.scopes[scope].class,
    ) else {
        return;
    };
    if object.kind_name() == "this" {
        s.class_members
            .entry((class, text[prop.byte_range()].to_string()))
            .or_default()
            .push((value, scope));
    }
}

fn search_params_call<'t>(call: Node<'t>, text: &str) -> Option<(Node<'t>, Node<'t>)> {
    let callee = call.field("function")?;
    if callee.kind_name() != "member_expression" {
        return None;
    }
    let method = &text[callee.field("property")?.byte_range()];
    if method != "set" && method != "append" && method != "setRequestHeader" {
        return None;
    }
    let sp = callee.field("object")?;
    // `form.append(k, v)` on a `URLSearchParams`, `FormData` or `Headers` name, and
    // `xhr.setRequestHeader(k, v)` on an `XMLHttpRequest` name.
    if sp.kind_name() == "identifier" {
        return Some((sp, call.field("arguments")?));
    }
    if method == "setRequestHeader"
        || sp.kind_name() != "member_expression"
        || &text[sp.field("property")?.byte_range()] != "searchParams"
    {
        return None;
    }
    let object = sp.field("object")?;
    (object.kind_name() == "identifier").then_some((object, call.field("arguments")?))
}

fn strip_parens(mut n: Node<'_>) -> Node<'_> {
    while matches!(
        n.kind_name(),
        "parenthesized_expression" | "non_null_expression"
    ) {
        match named_children(n).first() {
            Some(&inner) => n = inner,
            None => break,
        }
    }
    n
}

/// The identifier at the root of `a.b.c` / `a['b']`.
fn member_root(mut n: Node<'_>) -> Option<Node<'_>> {
    loop {
        match n.kind_name() {
            "member_expression" | "subscript_expression" => n = n.field("object")?,
            "parenthesized_expression" | "non_null_expression" => n = *named_children(n).first()?,
            "identifier" => return Some(n),
            _ => return None,
        }
    }
}

/// The identifiers a pattern binds (parameters, destructuring, catch parameters).
pub(super) fn pattern_names(node: Node<'_>) -> crate::frontend::fields::Children<'_> {
    let mut out = crate::frontend::fields::Children::new();
    let mut stack: crate::frontend::fields::Children<'_> = smallvec::smallvec![node];
    while let Some(n) = stack.pop() {
        match n.kind_name() {
            "identifier" | "shorthand_property_identifier_pattern" => out.push(n),
            "object_pattern" | "array_pattern" | "rest_pattern" => stack.extend(named_children(n)),
            "pair_pattern" => stack.extend(n.field("value")),
            "assignment_pattern" | "object_assignment_pattern" => stack.extend(n.field("left")),
            "required_parameter" | "optional_parameter" => {
                stack.extend(n.field("pattern"));
                if n.field("pattern").is_none() {
                    stack.extend(n.field("name"));
                }
            }
            _ => {}
        }
    }
    out
}
