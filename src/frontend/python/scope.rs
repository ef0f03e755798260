//! Names bound in a Python file: for each scope (the module, a class body, a function),
//! what each name is assigned and whether it is assigned more than once; attributes set
//! on `self` in a class's methods; items set on a dict (`kw["uuid"] = …`); imports.
//!
//! Not for: evaluating anything. [`super::resolve`] follows these bindings.

use crate::frontend::fields::ChildField as _;
use crate::frontend::parents::Parents;
/// The scope maps are asked on most nodes of a file: a fast hash rather than SipHash,
/// whose resistance to chosen keys a map of one file's names does not need.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
use tree_sitter::Node;

/// What a name is bound to.
#[derive(Clone, Copy, Debug)]
pub enum Bound<'t> {
    /// `name = <expr>` (the right-hand side).
    Value(Node<'t>),
    /// `with <expr> as name` (the context manager's expression: sessions and clients
    /// return themselves from `__enter__`).
    With(Node<'t>),
    /// A parameter, loop variable, unpacking target, a name assigned more than once…
    Unknown,
}

pub struct Scopes<'t> {
    /// Every node's parent (`Node::parent` is quadratic in wide files).
    pub parents: Parents<'t>,
    names: HashMap<(usize, String), Vec<Bound<'t>>>,
    items: HashMap<(usize, String), Vec<(Node<'t>, Node<'t>)>>,
    attrs: HashMap<(usize, String), Vec<Bound<'t>>>,
    /// Items set on a dict attribute of `self` in a class's methods, by class and
    /// attribute (`self.settings["v2_base"] = …`).
    attr_items: HashMap<(usize, String), Vec<(Node<'t>, Node<'t>)>>,
    /// Method calls on a name (`payload.update(…)`), by the scope the call is in.
    methods: HashMap<(usize, String), Vec<Node<'t>>>,
    /// Statements that set headers on an object (`X.headers.update(…)`,
    /// `X.headers[k] = v`, `X.headers = …`), by the object's text (`self.session`).
    pub header_sets: HashMap<String, Vec<Node<'t>>>,
    classes: HashMap<String, Node<'t>>,
    /// Local name → dotted module path (`hx` → `httpx`, `Session` → `requests.Session`).
    pub imports: HashMap<String, String>,
    /// Functions and methods defined, by the scope they are in and their name.
    functions: HashMap<(usize, String), Node<'t>>,
    /// What each import binds, by the scope it is in and the local name.
    imported: HashMap<(usize, String), Import>,
    kinds: ScopeKinds,
}

/// The kind ids of the nodes that open a scope (see [`is_scope`]).
#[derive(Clone, Copy)]
struct ScopeKinds {
    function: u16,
    class: u16,
    module: u16,
}

impl ScopeKinds {
    fn of(root: Node<'_>) -> ScopeKinds {
        let language = root.language();
        let id = |kind: &str| language.id_for_node_kind(kind, true);
        ScopeKinds {
            function: id("function_definition"),
            class: id("class_definition"),
            module: id("module"),
        }
    }
}

/// What an import statement binds a local name to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Import {
    /// `import a.b` (binds `a`: the module `a`), `import a.b as m` (the module `a.b`).
    Module(String),
    /// `from m import name [as alias]` (`m` as written: `.settings`, `pkg.config`, `.`).
    Name { module: String, name: String },
}

/// `X.headers` → the text of `X`.
fn headers_owner(n: Node<'_>, text: &str) -> Option<String> {
    if n.kind_name() != "attribute" {
        return None;
    }
    let attr = n.field("attribute")?;
    if &text[attr.byte_range()] != "headers" {
        return None;
    }
    let obj = n.field("object")?;
    Some(text[obj.byte_range()].to_string())
}

/// A node to visit, with its scope and the class its `self` stands for.
type Visit<'t> = (Node<'t>, Node<'t>, Option<Node<'t>>);

fn is_scope(kind: &str) -> bool {
    matches!(kind, "function_definition" | "class_definition" | "module")
}

impl<'t> Scopes<'t> {
    /// The scopes of the tree under `root`; its parent map is built on its first
    /// question (see [`Scopes::with_parents`]).
    pub fn collect(root: Node<'t>, text: &'t str) -> Self {
        let mut s = Scopes {
            parents: Parents::new(root),
            names: HashMap::default(),
            items: HashMap::default(),
            attrs: HashMap::default(),
            methods: HashMap::default(),
            header_sets: HashMap::default(),
            classes: HashMap::default(),
            imports: HashMap::default(),
            attr_items: HashMap::default(),
            functions: HashMap::default(),
            imported: HashMap::default(),
            kinds: ScopeKinds::of(root),
        };
        // An explicit stack, not recursion: a generated file can nest expressions
        // thousands deep (a long `+` chain), deeper than a worker thread's stack.
        let mut stack = vec![(root, root, None)];
        while let Some((node, scope, class)) = stack.pop() {
            s.visit(node, scope, class, text, &mut stack);
        }
        s
    }

    /// The scopes with the parent map of their tree built already (by a walk that
    /// collected more).
    pub fn with_parents(mut self, parents: Parents<'t>) -> Self {
        self.parents = parents;
        self
    }

    fn bind(&mut self, scope: Node<'t>, name: &str, b: Bound<'t>) {
        self.names
            .entry((scope.id(), name.to_string()))
            .or_default()
            .push(b);
    }

    /// Records what `node` binds and pushes the nodes to visit next (in source order
    /// when popped).
    fn visit(
        &mut self,
        node: Node<'t>,
        scope: Node<'t>,
        class: Option<Node<'t>>,
        text: &'t str,
        stack: &mut Vec<Visit<'t>>,
    ) {
        let t = |n: Node<'t>| &text[n.byte_range()];
        match node.kind_name() {
            "function_definition" => {
                if let Some(name) = node.field("name") {
                    self.bind(scope, t(name), Bound::Unknown);
                    self.functions
                        .insert((scope.id(), t(name).to_string()), node);
                }
                if let Some(params) = node.field("parameters") {
                    let mut c = params.walk();
                    for p in params.named_children(&mut c) {
                        let id = match p.kind_name() {
                            "identifier" => Some(p),
                            "default_parameter" | "typed_default_parameter" => p.field("name"),
                            "typed_parameter"
                            | "list_splat_pattern"
                            | "dictionary_splat_pattern" => p.named_child(0),
                            _ => None,
                        };
                        if let Some(id) = id.filter(|i| i.kind_name() == "identifier") {
                            self.bind(node, t(id), Bound::Unknown);
                        }
                    }
                }
                // Methods see their class through `self` / `cls`.
                let method_class = (scope.kind_name() == "class_definition").then_some(scope);
                if let Some(body) = node.field("body") {
                    stack.push((body, node, method_class.or(class)));
                }
                return;
            }
            "class_definition" => {
                if let Some(name) = node.field("name") {
                    self.bind(scope, t(name), Bound::Unknown);
                    if scope.kind_name() == "module" {
                        self.classes.insert(t(name).to_string(), node);
                    }
                }
                if let Some(body) = node.field("body") {
                    stack.push((body, node, None));
                }
                return;
            }
            "import_statement" | "import_from_statement" => {
                self.import(node, scope, text);
                return;
            }
            "assignment" => {
                // `a = b = rhs`: every target gets the innermost value.
                let mut rhs = node.field("right");
                while let Some(r) = rhs.filter(|r| r.kind_name() == "assignment") {
                    rhs = r.field("right");
                }
                if let Some(left) = node.field("left") {
                    let headers = match left.kind_name() {
                        "subscript" => left.field("value"),
                        _ => Some(left),
                    };
                    if let Some(owner) = headers.and_then(|h| headers_owner(h, text)) {
                        self.header_sets.entry(owner).or_default().push(node);
                    }
                    self.target(left, rhs, scope, class, text);
                }
            }
            "augmented_assignment" => {
                if let Some(left) = node.field("left") {
                    self.target(left, None, scope, class, text);
                }
            }
            "for_statement" | "for_in_clause" => {
                if let Some(left) = node.field("left") {
                    self.target(left, None, scope, class, text);
                }
            }
            "named_expression" => {
                if let (Some(n), Some(v)) = (node.field("name"), node.field("value")) {
                    self.bind(scope, t(n), Bound::Value(v));
                }
            }
            "with_item" => {
                if let Some(v) = node.field("value") {
                    if v.kind_name() == "as_pattern" {
                        let target = v.field("alias").and_then(|a| a.named_child(0));
                        if let (Some(e), Some(target)) = (v.named_child(0), target) {
                            if target.kind_name() == "identifier" {
                                self.bind(scope, t(target), Bound::With(e));
                            } else {
                                self.target(target, None, scope, class, text);
                            }
                        }
                    }
                }
            }
            // `payload.update(...)`: what it does to a dict is judged by the resolver.
            "call" => {
                let updated = node
                    .field("function")
                    .filter(|f| f.kind_name() == "attribute")
                    .filter(|f| f.field("attribute").is_some_and(|a| t(a) == "update"))
                    .and_then(|f| f.field("object"));
                if let Some(owner) = updated.and_then(|h| headers_owner(h, text)) {
                    self.header_sets.entry(owner).or_default().push(node);
                }
                let obj = node
                    .field("function")
                    .filter(|f| f.kind_name() == "attribute")
                    .and_then(|f| f.field("object"))
                    .filter(|o| o.kind_name() == "identifier");
                if let Some(obj) = obj {
                    self.methods
                        .entry((scope.id(), t(obj).to_string()))
                        .or_default()
                        .push(node);
                }
            }
            "except_clause" | "lambda" => {}
            _ => {}
        }
        // Pushed in reverse, so popped in source order.
        let first = stack.len();
        // Comments are left out: they bind nothing.
        stack.extend(
            crate::frontend::fields::named_children(node)
                .into_iter()
                .map(|n| (n, scope, class)),
        );
        stack[first..].reverse();
    }

    fn target(
        &mut self,
        left: Node<'t>,
        rhs: Option<Node<'t>>,
        scope: Node<'t>,
        class: Option<Node<'t>>,
        text: &'t str,
    ) {
        let t = |n: Node<'t>| &text[n.byte_range()];
        let bound = rhs.map_or(Bound::Unknown, Bound::Value);
        match left.kind_name() {
            "identifier" => self.bind(scope, t(left), bound),
            "attribute" => {
                let (Some(obj), Some(attr)) = (left.field("object"), left.field("attribute"))
                else {
                    return;
                };
                if matches!(t(obj), "self" | "cls") {
                    if let Some(class) = class {
                        self.attrs
                            .entry((class.id(), t(attr).to_string()))
                            .or_default()
                            .push(bound);
                    }
                }
            }
            "subscript" => {
                let (Some(value), Some(key), Some(rhs)) =
                    (left.field("value"), left.field("subscript"), rhs)
                else {
                    return;
                };
                // `self.settings["v2_base"] = …` in a method: an item of the attribute.
                if value.kind_name() == "attribute" {
                    let obj = value.field("object");
                    let attr = value.field("attribute");
                    if let (Some(obj), Some(attr), Some(class)) = (obj, attr, class) {
                        if matches!(t(obj), "self" | "cls") {
                            self.attr_items
                                .entry((class.id(), t(attr).to_string()))
                                .or_default()
                                .push((key, rhs));
                        }
                    }
                }
                if value.kind_name() == "identifier" {
                    self.items
                        .entry((scope.id(), t(value).to_string()))
                        .or_default()
                        .push((key, rhs));
                }
            }
            _ => {
                let mut c = left.walk();
                for child in left.named_children(&mut c) {
                    self.target(child, None, scope, class, text);
                }
            }
        }
    }

    fn import(&mut self, node: Node<'t>, scope: Node<'t>, text: &'t str) {
        let t = |n: Node<'t>| &text[n.byte_range()];
        let module = node.field("module_name").map(t);
        let mut c = node.walk();
        for name in node.children_by_field_name("name", &mut c) {
            let (full, alias) = match name.kind_name() {
                "aliased_import" => {
                    let (Some(n), Some(a)) = (name.field("name"), name.field("alias")) else {
                        continue;
                    };
                    (t(n).to_string(), t(a).to_string())
                }
                _ => {
                    let full = t(name).to_string();
                    let alias = match module {
                        Some(_) => full.clone(),
                        // `import urllib.request` binds `urllib`.
                        None => full.split('.').next().unwrap_or(&full).to_string(),
                    };
                    let full = if module.is_some() {
                        full
                    } else {
                        alias.clone()
                    };
                    (full, alias)
                }
            };
            let import = match module {
                Some(m) => Import::Name {
                    module: m.to_string(),
                    name: full.clone(),
                },
                None => Import::Module(full.clone()),
            };
            self.imported.insert((scope.id(), alias.clone()), import);
            let full = match module {
                Some(m) => format!("{m}.{full}"),
                None => full,
            };
            self.bind(scope, &alias, Bound::Unknown);
            self.imports.insert(alias, full);
        }
    }

    /// The parent of `node`.
    pub fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        self.parents.of(node)
    }

    /// The nearest enclosing function of `node`, if any.
    pub fn function_of(&self, node: Node<'t>) -> Option<Node<'t>> {
        self.parents
            .ancestors(node)
            .find(|p| p.kind_name() == "function_definition")
    }

    /// What `name`, used at `at`, is bound to: `None` when no scope around `at` binds it,
    /// `Some(Unknown)` when it is a parameter or assigned more than once.
    pub fn lookup(&self, at: Node<'t>, name: &str) -> Option<Bound<'t>> {
        self.binding(at, name).map(|(_, b)| one(b))
    }

    /// The bindings of `name` in the nearest scope around `at` that binds it, with that
    /// scope's key. Class bodies are not visible from the functions inside them.
    fn binding(&self, at: Node<'t>, name: &str) -> Option<((usize, String), &[Bound<'t>])> {
        let mut first = true;
        // One key, its scope changed at each step (the name is copied once).
        let mut key = (0, name.to_string());
        for p in self.parents.ancestors(at) {
            // Compared by id: `Node::kind` converts the grammar's C string each time,
            // and this runs for every ancestor of every name looked up.
            let kind = p.kind_id();
            let ScopeKinds {
                function,
                class,
                module,
            } = self.kinds;
            if kind != function && kind != class && kind != module {
                continue;
            }
            if kind == class && !first {
                continue;
            }
            first = false;
            key.0 = p.id();
            if let Some(b) = self.names.get(&key) {
                return Some((key, b.as_slice()));
            }
        }
        None
    }

    /// Every value `name` is assigned in the nearest scope around `at` that binds it,
    /// when it is assigned more than once (each arm of an `if`, a reassignment) and
    /// at most `max` times; `None` for an unknown binding among them (a parameter).
    pub fn assignments(&self, at: Node<'t>, name: &str, max: usize) -> Option<Vec<Node<'t>>> {
        let (_, b) = self.binding(at, name)?;
        if b.len() < 2 || b.len() > max {
            return None;
        }
        b.iter()
            .map(|b| match b {
                Bound::Value(v) => Some(*v),
                _ => None,
            })
            .collect()
    }

    /// What import binds `name` where it is used at `at`: `None` when the nearest scope
    /// that binds it binds it otherwise (a parameter, an assignment) or more than once.
    pub fn import_of(&self, at: Node<'t>, name: &str) -> Option<&Import> {
        match self.binding(at, name)? {
            (key, [_]) => self.imported.get(&key),
            _ => None,
        }
    }

    /// The function `name` used at `at` stands for: the nearest scope binding the name
    /// binds it once, to a `def`.
    pub fn function(&self, at: Node<'t>, name: &str) -> Option<Node<'t>> {
        match self.binding(at, name)? {
            (key, [_]) => self.functions.get(&key).copied(),
            _ => None,
        }
    }

    /// The method `name` of `class` (defined once in its body).
    pub fn method(&self, class: Node<'t>, name: &str) -> Option<Node<'t>> {
        let key = (class.id(), name.to_string());
        match self.names.get(&key).map(|b| b.len()) {
            Some(1) => self.functions.get(&key).copied(),
            _ => None,
        }
    }

    /// The functions of the module's top level.
    pub fn module_functions(&self, module: Node<'t>) -> Vec<(&str, Node<'t>)> {
        self.functions
            .iter()
            .filter(|((scope, _), _)| *scope == module.id())
            .map(|((_, name), f)| (name.as_str(), *f))
            .collect()
    }

    /// The methods a class defines once, in source order.
    pub fn class_methods(&self, class: Node<'t>) -> Vec<(&str, Node<'t>)> {
        let mut out: Vec<(&str, Node<'t>)> = self
            .functions
            .iter()
            .filter(|((scope, name), _)| {
                *scope == class.id()
                    && self
                        .names
                        .get(&(*scope, name.clone()))
                        .is_some_and(|b| b.len() == 1)
            })
            .map(|((_, name), f)| (name.as_str(), *f))
            .collect();
        out.sort_by_key(|(_, f)| f.start_byte());
        out
    }

    /// The imports of the module's top level, in no particular order.
    pub fn module_imports(&self, module: Node<'t>) -> Vec<(&str, &Import)> {
        self.imported
            .iter()
            .filter(|((scope, _), _)| *scope == module.id())
            .map(|((_, name), import)| (name.as_str(), import))
            .collect()
    }

    /// What the module's top level binds once to a value, in no particular order.
    pub fn module_values(&self, module: Node<'t>) -> Vec<(&str, Node<'t>)> {
        self.names
            .iter()
            .filter(|((scope, _), _)| *scope == module.id())
            .filter_map(|((_, name), b)| match one(b) {
                Bound::Value(v) => Some((name.as_str(), v)),
                _ => None,
            })
            .collect()
    }

    /// What the module's top level binds to a value more than once and at most `max`
    /// times (`BASE = …` in both arms of an `if`), each value in source order, in no
    /// particular order of names. A name bound otherwise too (a parameter, a loop) is
    /// left out.
    pub fn module_alternatives(&self, module: Node<'t>, max: usize) -> Vec<(&str, Vec<Node<'t>>)> {
        self.names
            .iter()
            .filter(|((scope, _), b)| *scope == module.id() && b.len() > 1 && b.len() <= max)
            .filter_map(|((_, name), b)| {
                let mut values = b
                    .iter()
                    .map(|b| match b {
                        Bound::Value(v) => Some(*v),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                values.sort_by_key(|v| v.start_byte());
                Some((name.as_str(), values))
            })
            .collect()
    }

    /// The classes of the module's top level.
    pub fn module_classes(&self) -> Vec<(&str, Node<'t>)> {
        self.classes.iter().map(|(n, c)| (n.as_str(), *c)).collect()
    }

    /// What a class binds once in its body or on `self` (its attributes).
    pub fn class_values(&self, class: Node<'t>) -> Vec<(&str, Node<'t>)> {
        let mut out: Vec<(&str, Node<'t>)> = Vec::new();
        for ((scope, name), _) in self.names.iter().filter(|((s, _), _)| *s == class.id()) {
            let _ = scope;
            if let Some(Bound::Value(v)) = self.class_attribute(class, name) {
                out.push((name.as_str(), v));
            }
        }
        for ((_, name), _) in self.attrs.iter().filter(|((s, _), _)| *s == class.id()) {
            if out.iter().any(|(n, _)| n == name) {
                continue;
            }
            if let Some(Bound::Value(v)) = self.class_attribute(class, name) {
                out.push((name.as_str(), v));
            }
        }
        out
    }

    /// The items set on the dict attribute `attr` of instances of `class`.
    pub fn attribute_items(&self, class: Node<'t>, attr: &str) -> &[(Node<'t>, Node<'t>)] {
        self.attr_items
            .get(&(class.id(), attr.to_string()))
            .map_or(&[], |v| v.as_slice())
    }

    /// The items assigned to a dict named `name` in the scope around `at` (`kw["k"] = v`).
    pub fn items(&self, at: Node<'t>, name: &str) -> &[(Node<'t>, Node<'t>)] {
        for p in self.parents.ancestors(at) {
            if is_scope(p.kind_name()) && self.names.contains_key(&(p.id(), name.to_string())) {
                return self
                    .items
                    .get(&(p.id(), name.to_string()))
                    .map_or(&[], |v| v.as_slice());
            }
        }
        &[]
    }

    /// The method calls made on the dict named `name` in the scope around `at` that
    /// binds it (`payload.update(COMMON)`).
    pub fn method_calls(&self, at: Node<'t>, name: &str) -> &[Node<'t>] {
        for p in self.parents.ancestors(at) {
            if is_scope(p.kind_name()) && self.names.contains_key(&(p.id(), name.to_string())) {
                return self
                    .methods
                    .get(&(p.id(), name.to_string()))
                    .map_or(&[], |v| v.as_slice());
            }
        }
        &[]
    }

    /// `self.X` / `cls.X` / `Klass.X` used at `at`: a class attribute or an attribute set
    /// on `self` in one of the class's methods.
    pub fn attribute(&self, at: Node<'t>, object: &str, attr: &str) -> Option<Bound<'t>> {
        let class = if matches!(object, "self" | "cls") {
            self.parents
                .ancestors(at)
                .find(|p| p.kind_name() == "class_definition")?
        } else {
            *self.classes.get(object)?
        };
        self.class_attribute(class, attr)
    }

    /// The class of this file named `name`.
    pub fn class(&self, name: &str) -> Option<Node<'t>> {
        self.classes.get(name).copied()
    }

    /// An attribute of instances of `class`: a class-body binding (a dataclass or
    /// settings field's default) or an attribute set on `self` in one of its methods.
    pub fn class_attribute(&self, class: Node<'t>, attr: &str) -> Option<Bound<'t>> {
        let key = (class.id(), attr.to_string());
        if let Some(b) = self.names.get(&key) {
            if let Some(more) = self.attrs.get(&key) {
                if !more.is_empty() {
                    return Some(Bound::Unknown);
                }
            }
            return Some(one(b));
        }
        self.attrs.get(&key).map(|b| one(b))
    }

    /// The type name the parameter `name` of the function around `at` is annotated with
    /// (`def f(settings: Settings)`, `settings: "Settings"`).
    pub fn parameter_type(&self, at: Node<'t>, name: &str, text: &str) -> Option<String> {
        let t = |n: Node<'_>| text[n.byte_range()].to_string();
        let mut n = at;
        while let Some(f) = self.function_of(n) {
            n = f;
            let params = f.field("parameters")?;
            let mut c = params.walk();
            for p in params.named_children(&mut c) {
                let id = match p.kind_name() {
                    "identifier" => Some(p),
                    "typed_parameter" => p.named_child(0),
                    _ => p.field("name"),
                };
                if id.map(t).as_deref() != Some(name) {
                    continue;
                }
                // An untyped parameter of that name: nothing known.
                let ty = t(p.field("type")?);
                return Some(ty.trim_matches(['"', '\'']).to_string());
            }
        }
        None
    }

    /// The class named by the annotation of the parameter `name` of the function
    /// around `at` (`def f(settings: Settings)`, `settings: "Settings"`).
    pub fn parameter_class(&self, at: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
        self.class(&self.parameter_type(at, name, text)?)
    }
}

fn one<'t>(b: &[Bound<'t>]) -> Bound<'t> {
    match b {
        [only] => *only,
        _ => Bound::Unknown,
    }
}
