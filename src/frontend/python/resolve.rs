//! Evaluating Python expressions into the model: URLs into pieces (string literals,
//! f-strings, `.format(...)`, `%` formatting, `+` chains, names bound once in this file,
//! class attributes), and data into `Value`s and `Fields` (dict literals, `dict(...)`,
//! lists of pairs, names bound to them).
//!
//! Not for: guessing. What is not bound in this file becomes a `Piece::Hole` or a
//! `Value::Expr` showing the expression as written.

use super::scope::{Bound, Scopes};
use crate::call::{find_placeholders, Field, Fields, Piece, Placeholder, Span, Value, Via};
use crate::frontend::fields::{named_children, ChildField as _};
use tree_sitter::Node;

/// How deep names are followed (`A = B`, `B = f"{C}/x"`, …).
const MAX_DEPTH: usize = 8;

/// An expression's text for a message: one line, at most 60 characters.
fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let mut out: String = line.chars().take(60).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// A piece of a string literal: literal text or an f-string interpolation.
pub enum Chunk<'t> {
    Lit {
        text: String,
        span: Span,
        exact: bool,
    },
    Interp(Node<'t>),
}

/// A URL expression evaluated.
#[derive(Default)]
pub struct Url {
    pub pieces: Vec<Piece>,
    pub vias: Vec<Via>,
    pub unformatted: Vec<Placeholder>,
    /// Values read from a field default of a settings/dataclass instance
    /// (`settings.base_url`): the default's source range and the expression read.
    /// The value may be replaced at run time, so rewrites must not write it as text.
    pub defaults: Vec<(Span, String)>,
    /// `urljoin(base, path)` with a base not known here: the base's span and the path
    /// argument's span. Only the path can be rewritten: urljoin keeps the base's origin.
    pub joins: Vec<(Span, Span)>,
    /// Parts imported from other modules, with where they are defined.
    pub related: Vec<crate::call::Related>,
}

impl Url {
    /// Takes over what `other` collected besides its pieces.
    pub fn absorb(&mut self, other: &mut Url) {
        self.vias.append(&mut other.vias);
        self.unformatted.append(&mut other.unformatted);
        self.defaults.append(&mut other.defaults);
        self.joins.append(&mut other.joins);
        self.related.append(&mut other.related);
    }
}

/// How many alternatives a value may have, and how many places with alternatives one
/// URL records: the caps every front end shares.
use crate::resolve::alternatives::{MAX_ALTERNATIVES, MAX_CHOICE_POINTS as MAX_BRANCHES};

/// One alternative value of an expression.
enum Alt<'t> {
    /// An expression of the file.
    Node(Node<'t>),
    /// A value set at run time (the environment with no env file setting it).
    RunTime,
    /// What an env file of the project sets the variable to.
    Env(crate::resolve::Exported),
}

/// A place where a URL has alternatives: the node, and a label per alternative.
#[derive(Clone, Debug)]
pub struct Branch {
    pub id: usize,
    pub labels: Vec<String>,
}

pub struct Resolver<'a, 't> {
    pub text: &'t str,
    pub scopes: &'a Scopes<'t>,
    /// The alternative taken at each branch (by node id; the first when absent).
    choices: std::cell::RefCell<std::collections::HashMap<usize, usize>>,
    /// The branches met since [`Resolver::reset_branches`].
    branches: std::cell::RefCell<Vec<Branch>>,
    /// The project the file belongs to: names imported from its other modules are
    /// looked up there.
    pub project: Option<Project<'a>>,
    /// Helpers being read for their returned URL, innermost last: the function and
    /// what its parameters stand for at the call (see [`Resolver::returned_text`]).
    frames: std::cell::RefCell<Vec<Frame<'t>>>,
}

/// A call of a helper of this file whose returned text is read: the function, and the
/// argument (or default) each parameter takes.
struct Frame<'t> {
    def: Node<'t>,
    params: Vec<(String, Node<'t>)>,
}

/// How many helpers deep a returned URL is read.
const MAX_FRAMES: usize = 3;

/// The file being resolved, inside the run's project index.
#[derive(Clone, Copy)]
pub struct Project<'a> {
    pub index: &'a crate::resolve::ProjectIndex,
    /// The file's path (as displayed; imports resolve against it).
    pub path: &'a std::path::Path,
    /// How many modules deep this file is in the import chain being followed.
    pub depth: usize,
}

impl<'a, 't> Resolver<'a, 't> {
    pub fn new(text: &'t str, scopes: &'a Scopes<'t>) -> Self {
        Resolver {
            text,
            scopes,
            choices: Default::default(),
            branches: Default::default(),
            project: None,
            frames: Default::default(),
        }
    }

    /// Forgets the branches met and the choices made.
    pub fn reset_branches(&self) {
        self.branches.borrow_mut().clear();
        self.choices.borrow_mut().clear();
    }

    /// Sets the branches and choices aside (see [`Resolver::restore_branches`]).
    pub fn save_branches(&self) -> (Vec<Branch>, std::collections::HashMap<usize, usize>) {
        (
            std::mem::take(&mut *self.branches.borrow_mut()),
            std::mem::take(&mut *self.choices.borrow_mut()),
        )
    }

    /// Puts back what [`Resolver::save_branches`] set aside.
    pub fn restore_branches(&self, saved: (Vec<Branch>, std::collections::HashMap<usize, usize>)) {
        *self.branches.borrow_mut() = saved.0;
        *self.choices.borrow_mut() = saved.1;
    }

    /// The branches met since the last reset.
    pub fn branches(&self) -> Vec<Branch> {
        self.branches.borrow().clone()
    }

    /// Takes alternative `k` at the branch `id` from now on.
    pub fn choose(&self, id: usize, k: usize) {
        self.choices.borrow_mut().insert(id, k);
    }

    /// The alternatives of a value: the values of a name assigned in both arms of an
    /// `if` (or reassigned), `a if c else b`, `x or 'https://…'`, and the reads of the
    /// environment `os.environ['K']`, `os.environ.get(K[, default])`, `os.getenv(K[,
    /// default])`: the value each env file of the project sets `K` to (see
    /// [`crate::resolve::env`]), then the default; with no env file setting it, the
    /// default and a value set at run time (a hole). `None` for a value without
    /// alternatives.
    fn alternatives(&self, node: Node<'t>) -> Option<Vec<Alt<'t>>> {
        let nodes = |v: Vec<Option<Node<'t>>>| {
            v.into_iter()
                .map(|a| a.map_or(Alt::RunTime, Alt::Node))
                .collect::<Vec<_>>()
        };
        match node.kind_name() {
            "identifier" => {
                if let Some(values) = self.loop_values(node) {
                    return Some(values.into_iter().map(Alt::Node).collect());
                }
                let values = self
                    .scopes
                    .assignments(node, self.t(node), MAX_ALTERNATIVES)?;
                Some(values.into_iter().map(Alt::Node).collect())
            }
            "conditional_expression" => Some(nodes(vec![node.named_child(0), node.named_child(2)])),
            "boolean_operator" => {
                let op = node.field("operator")?;
                if self.t(op) != "or" {
                    return None;
                }
                Some(nodes(vec![node.field("left"), node.field("right")]))
            }
            "subscript" => {
                let object = node.field("value")?;
                if self.canonical(object)?.as_str() != "os.environ" {
                    return None;
                }
                let (name, _, _) = self.plain_string(node.field("subscript")?)?;
                let set = self.env_values(&name);
                (!set.is_empty()).then_some(set)
            }
            "call" => {
                let f = node.field("function")?;
                let name = self.canonical(f)?;
                if !matches!(name.as_str(), "os.environ.get" | "os.getenv") {
                    return None;
                }
                let (positional, named) = self.arguments(node.field("arguments")?);
                let key = positional
                    .first()
                    .copied()
                    .or_else(|| named.iter().find(|(k, _)| k == "key").map(|(_, v)| *v))
                    .and_then(|k| self.plain_string(k))
                    .map(|(k, _, _)| k);
                let default = positional
                    .get(1)
                    .copied()
                    .or_else(|| named.iter().find(|(k, _)| k == "default").map(|(_, v)| *v));
                let mut alts = key.map(|k| self.env_values(&k)).unwrap_or_default();
                match (alts.is_empty(), default) {
                    (true, None) => return None,
                    (true, Some(d)) => alts = vec![Alt::Node(d), Alt::RunTime],
                    (false, Some(d)) => alts.push(Alt::Node(d)),
                    (false, None) => {}
                }
                Some(alts)
            }
            _ => None,
        }
    }

    /// What the env files of the project set the variable `name` to, one alternative
    /// per file (those with a literal part).
    fn env_values(&self, name: &str) -> Vec<Alt<'t>> {
        let Some(project) = self.project else {
            return Vec::new();
        };
        project
            .index
            .env_values(project.path, name, crate::frontend::dotenv::lower)
            .into_iter()
            .filter(|v| {
                matches!(&v.shape, crate::resolve::Shape::Text(p)
                    if p.iter().any(|p| matches!(p, crate::resolve::TextPiece::Lit(_))))
            })
            .map(Alt::Env)
            .collect()
    }

    /// The pieces of the alternative taken at `node`, recording the branch; `false`
    /// when `node` has no alternatives.
    fn branch(&self, node: Node<'t>, depth: usize, out: &mut Url) -> bool {
        let Some(alts) = self.alternatives(node) else {
            return false;
        };
        let id = node.id();
        let chosen = self.choices.borrow().get(&id).copied().unwrap_or(0);
        if alts.len() > 1 {
            let mut branches = self.branches.borrow_mut();
            if !branches.iter().any(|b| b.id == id) && branches.len() < MAX_BRANCHES {
                let name = self.t(node);
                let labels = alts
                    .iter()
                    .map(|a| match a {
                        Alt::Node(v) => format!("`{}` is {}", short(name), short(self.t(*v))),
                        Alt::RunTime => format!("`{}` is set at run time", short(name)),
                        Alt::Env(v) => format!("`{}` is set in {}", short(name), v.path.display()),
                    })
                    .collect();
                branches.push(Branch { id, labels });
            }
        }
        match alts.into_iter().nth(chosen) {
            Some(Alt::Node(v)) => self.pieces(v, depth + 1, out),
            Some(Alt::Env(v)) => {
                let expr = self.t(node);
                let message = format!("`{expr}` is set here");
                match v.spelled_at(expr, &node.byte_range(), message, true) {
                    Some((pieces, related)) => {
                        out.pieces.extend(pieces);
                        out.related.push(related);
                    }
                    None => self.hole(node, out),
                }
            }
            Some(Alt::RunTime) | None => self.hole(node, out),
        }
        true
    }

    /// The root name and the attribute names / string keys read from it:
    /// `settings.API["base"]` → (`settings`, [API, base]).
    fn chain(&self, node: Node<'t>) -> Option<(Node<'t>, Vec<String>)> {
        let mut keys = Vec::new();
        let mut cur = node;
        for _ in 0..8 {
            match cur.kind_name() {
                "identifier" => {
                    keys.reverse();
                    return Some((cur, keys));
                }
                "attribute" => {
                    keys.push(self.t(cur.field("attribute")?).to_string());
                    cur = cur.field("object")?;
                }
                "subscript" => {
                    let key = cur.field("subscript")?;
                    keys.push(self.plain_string(key)?.0);
                    cur = cur.field("value")?;
                }
                "parenthesized_expression" => cur = cur.named_child(0)?,
                // `settings.get("base")`, `settings.get("base", default)`.
                "call" => {
                    let (object, key) = self.get_call(cur)?;
                    keys.push(self.plain_string(key)?.0);
                    cur = object;
                }
                _ => return None,
            }
        }
        None
    }

    /// The argument a parameter of the helper being read stands for, when `node` is
    /// that parameter used inside the helper.
    fn frame_argument(&self, node: Node<'t>) -> Option<Node<'t>> {
        let frames = self.frames.borrow();
        let frame = frames.last()?;
        if !frame.def.byte_range().contains(&node.start_byte()) {
            return None;
        }
        let name = self.t(node);
        let arg = frame
            .params
            .iter()
            .find(|(p, _)| p == name)
            .map(|(_, a)| *a)?;
        // Only the parameter itself, not a local that shadows it.
        matches!(self.scopes.lookup(node, name), Some(Bound::Unknown)).then_some(arg)
    }

    /// `users_uri(uid)` / `self.users_uri(uid)` with a helper of this file whose one
    /// `return` gives a text: the pieces of that text, its parameters standing for the
    /// call's arguments. Literals written in the helper serve every caller, so they are
    /// not offered to in-place fixes (marked inexact). `false` when the call is not
    /// such a helper.
    fn returned_text(&self, call: Node<'t>, depth: usize, out: &mut Url) -> bool {
        let Some(def) = self.helper_of(call) else {
            return false;
        };
        if self.frames.borrow().len() >= MAX_FRAMES
            || self.frames.borrow().iter().any(|f| f.def.id() == def.id())
        {
            return false;
        }
        // Several `return`s: each value is an alternative, a branch at the call.
        let Some(rets) = self.returns(def, MAX_ALTERNATIVES) else {
            return false;
        };
        if rets
            .iter()
            .any(|r| matches!(r.kind_name(), "dictionary" | "list" | "tuple" | "none"))
        {
            return false;
        }
        let ret = match rets.as_slice() {
            [one] => *one,
            many => {
                let k = self.take_branch(call.id(), || {
                    let name = short(self.t(call));
                    many.iter()
                        .map(|r| format!("`{name}` is {}", short(self.t(*r))))
                        .collect()
                });
                many[k.min(many.len() - 1)]
            }
        };
        let Some(params) = self.bind_parameters(def, call) else {
            return false;
        };
        self.frames.borrow_mut().push(Frame { def, params });
        let mut inner = Url::default();
        self.pieces(ret, depth + 1, &mut inner);
        self.frames.borrow_mut().pop();
        if !inner.pieces.iter().any(|p| matches!(p, Piece::Lit { .. })) {
            return false;
        }
        let body = def.byte_range();
        for p in &mut inner.pieces {
            if let Piece::Lit { span, exact, .. } = p {
                if body.start <= span.start && span.end <= body.end {
                    *exact = false;
                }
            }
        }
        out.pieces.append(&mut inner.pieces);
        out.absorb(&mut inner);
        true
    }

    /// The function a call names: a function of this file or a method of the class
    /// around the call (`self.users_uri(…)`).
    fn helper_of(&self, call: Node<'t>) -> Option<Node<'t>> {
        let f = call.field("function")?;
        match f.kind_name() {
            "identifier" => self.scopes.function(f, self.t(f)),
            "attribute" => {
                let obj = f.field("object")?;
                if obj.kind_name() != "identifier" || !matches!(self.t(obj), "self" | "cls") {
                    return None;
                }
                let class = self
                    .scopes
                    .parents
                    .ancestors(call)
                    .find(|p| p.kind_name() == "class_definition")?;
                self.scopes.method(class, self.t(f.field("attribute")?))
            }
            _ => None,
        }
    }

    /// The expression of a function's one `return` (outside nested functions).
    pub fn single_return(&self, def: Node<'t>) -> Option<Node<'t>> {
        match self.returns(def, 1)?.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// The expressions of a function's `return`s (outside nested functions), in
    /// source order: `None` when there are none or more than `max`, or one returns
    /// no value.
    pub fn returns(&self, def: Node<'t>, max: usize) -> Option<Vec<Node<'t>>> {
        let body = def.field("body")?;
        let mut stack = vec![body];
        let mut found = Vec::new();
        let mut seen = 0usize;
        while let Some(n) = stack.pop() {
            seen += 1;
            if seen > 5_000 {
                return None;
            }
            match n.kind_name() {
                "function_definition" | "class_definition" | "lambda" => continue,
                "return_statement" => {
                    if found.len() >= max {
                        return None;
                    }
                    found.push(n.named_child(0)?);
                    continue;
                }
                _ => {}
            }
            stack.extend(named_children(n));
        }
        found.sort_by_key(|n| n.start_byte());
        (!found.is_empty()).then_some(found)
    }

    /// Which of `labels` to take at the branch `id` (the first when no room is left
    /// for another branch), recording the branch.
    fn take_branch(&self, id: usize, labels: impl FnOnce() -> Vec<String>) -> usize {
        let mut branches = self.branches.borrow_mut();
        if !branches.iter().any(|b| b.id == id) {
            if branches.len() >= MAX_BRANCHES {
                return 0;
            }
            branches.push(Branch {
                id,
                labels: labels(),
            });
        }
        self.choices.borrow().get(&id).copied().unwrap_or(0)
    }

    /// What each parameter of `def` stands for at `call`: the positional and keyword
    /// arguments, else the parameter's default; `None` when the call spreads its
    /// arguments (`*args`, `**kw`).
    fn bind_parameters(&self, def: Node<'t>, call: Node<'t>) -> Option<Vec<(String, Node<'t>)>> {
        let args = call.field("arguments")?;
        if named_children(args)
            .iter()
            .any(|a| matches!(a.kind_name(), "list_splat" | "dictionary_splat"))
        {
            return None;
        }
        let (positional, named) = self.arguments(args);
        let params = def.field("parameters")?;
        let mut c = params.walk();
        let mut out = Vec::new();
        let mut index = 0usize;
        let is_method = call
            .field("function")
            .is_some_and(|f| f.kind_name() == "attribute");
        for (i, p) in params.named_children(&mut c).enumerate() {
            let (name, default) = match p.kind_name() {
                "identifier" => (Some(p), None),
                "typed_parameter" => (p.named_child(0), None),
                "default_parameter" | "typed_default_parameter" => {
                    (p.field("name"), p.field("value"))
                }
                _ => continue,
            };
            let Some(name) = name else { continue };
            let name = self.t(name).to_string();
            if i == 0 && is_method && matches!(name.as_str(), "self" | "cls") {
                continue;
            }
            let arg = named
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| *v)
                .or_else(|| positional.get(index).copied())
                .or(default);
            index += 1;
            if let Some(arg) = arg {
                out.push((name, arg));
            }
        }
        Some(out)
    }

    /// `X.get("k")` / `X.get("k", default)`: the object and the key node.
    fn get_call(&self, call: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
        let f = call.field("function")?;
        if f.kind_name() != "attribute" || self.t(f.field("attribute")?) != "get" {
            return None;
        }
        let (positional, named) = self.arguments(call.field("arguments")?);
        if positional.is_empty() || positional.len() > 2 || !named.is_empty() {
            return None;
        }
        Some((f.field("object")?, positional[0]))
    }

    /// The value that a name imported from another module of the project stands for
    /// (`BASE`, `settings.BASE`, `config.API["base"]`, `Urls.USERS`), with its
    /// module's path and span.
    pub fn imported(&self, node: Node<'t>) -> Option<crate::resolve::Exported> {
        self.imported_beside(node).map(|(v, _)| v)
    }

    /// The value read through an object whose class this file does not know (an
    /// untyped parameter or attribute: `client.core_settings['v2_base']`,
    /// `self.client.settings.get('base')`), when exactly one class of the package
    /// defines it; with the texts defined beside it. The longest chain of at least an
    /// attribute and a key that the package answers wins.
    pub fn member(
        &self,
        root: Node<'t>,
        keys: &[String],
    ) -> Option<(crate::resolve::Exported, Vec<String>)> {
        let project = self.project?;
        let name = self.t(root);
        // The names through which the object is reached must be unknown here: a value
        // this file binds is resolved by what this file says, or not at all.
        let unknown = |n: Node<'t>| {
            matches!(
                self.scopes.lookup(n, self.t(n)),
                Some(Bound::Unknown) | None
            )
        };
        let is_self = matches!(name, "self" | "cls");
        for skip in 0..keys.len().saturating_sub(1) {
            if skip == 0 && (is_self || !unknown(root)) {
                continue;
            }
            if skip > 0 && is_self && skip == 1 {
                // `self.client.settings[…]`: `self.client` must be unknown in its class,
                // or set from an untyped parameter (`self.client = client`).
                if let Some(Bound::Value(v)) = self.scopes.attribute(root, name, &keys[0]) {
                    if v.kind_name() != "identifier" || !unknown(v) {
                        return None;
                    }
                }
            } else if skip > 0 && !is_self {
                return None;
            }
            if let Some(hit) = project.index.member(
                project.path,
                &keys[skip..],
                project.depth,
                super::modules::lower,
            ) {
                return Some(hit);
            }
            if is_self {
                return None;
            }
        }
        None
    }

    /// The class imported from another module that the name `root` is an instance of:
    /// bound once to a call of it, or a parameter annotated with it.
    fn imported_class_of(&self, root: Node<'t>) -> Option<&super::scope::Import> {
        let name = self.t(root);
        let class = match self.scopes.lookup(root, name)? {
            Bound::Value(v) if v.kind_name() == "call" => {
                let f = v.field("function")?;
                (f.kind_name() == "identifier").then(|| self.t(f).to_string())?
            }
            Bound::Unknown => self.scopes.parameter_type(root, name, self.text)?,
            _ => return None,
        };
        let import = self.scopes.import_of(root, &class)?;
        matches!(import, super::scope::Import::Name { .. }).then_some(import)
    }

    /// The value `keys` read from what `import` binds, looked up in the project.
    fn lookup_import(
        &self,
        import: &super::scope::Import,
        keys: &[String],
    ) -> Option<crate::resolve::Exported> {
        use super::scope::Import;
        use crate::resolve::PY;
        let project = self.project?;
        let lookup = |module: &str, name: &str, keys: &[String]| {
            project.index.lookup(
                project.path,
                &format!("{PY}{module}"),
                name,
                keys,
                project.depth,
                super::modules::lower,
            )
        };
        let join = |m: &str, n: &str| {
            if m.ends_with('.') {
                format!("{m}{n}")
            } else {
                format!("{m}.{n}")
            }
        };
        match import {
            Import::Name { module, name } => {
                if let Some(v) = lookup(module, name, keys) {
                    return Some(v);
                }
                // `from pkg import settings` of a submodule.
                let (first, rest) = keys.split_first()?;
                lookup(&join(module, name), first, rest)
            }
            Import::Module(module) => {
                // `import pkg` + `pkg.settings.BASE`: the longest module path wins
                // (`pkg.settings`, then `pkg` re-exporting `settings`).
                for k in (0..keys.len()).rev() {
                    let mut m = module.clone();
                    for part in &keys[..k] {
                        m = join(&m, part);
                    }
                    if let Some(v) = lookup(&m, &keys[k], &keys[k + 1..]) {
                        return Some(v);
                    }
                }
                None
            }
        }
    }

    /// The dict a function returns: its one `return` of a dict (or of a name bound to
    /// one), outside nested functions.
    pub fn returned_dict(&self, def: Node<'t>) -> Option<Node<'t>> {
        let found = self.single_return(def);
        let value = self.follow(found?, 0);
        (value.kind_name() == "dictionary" || self.is_dict_call(value)).then_some(value)
    }

    /// The fields of a dict that a call returns: a helper of this file
    /// (`headers(key)` with `def headers(key): return {…}`) or of another module.
    fn returned_fields(&self, call: Node<'t>, depth: usize) -> Option<Fields> {
        let f = call.field("function")?;
        if f.kind_name() == "identifier" {
            if let Some(def) = self.scopes.function(f, self.t(f)) {
                let dict = self.returned_dict(def)?;
                return Some(self.fields(dict, depth + 1));
            }
        }
        self.imported_fields(f, call)
    }

    /// The fields of a dict another module defines (or a helper of it returns), read
    /// through `name` and spelled at `at`: its keys, and its values when they are
    /// one literal each.
    fn imported_fields(&self, name: Node<'t>, at: Node<'t>) -> Option<Fields> {
        use crate::resolve::{Shape, TextPiece};
        let value = self.imported(name)?;
        let Shape::Object(entries) = &value.shape else {
            return None;
        };
        let call = at;
        let here = call.byte_range();
        let mut out = Fields {
            entries: Vec::new(),
            open: false,
            span: here.clone(),
        };
        for (key, v) in entries {
            let value = match &v.shape {
                Shape::Text(pieces) => match pieces.as_slice() {
                    [TextPiece::Lit(s)] => Value::Str {
                        value: s.clone(),
                        span: here.clone(),
                    },
                    _ => Value::Expr {
                        text: self.t(call).to_string(),
                        span: here.clone(),
                    },
                },
                _ => Value::Expr {
                    text: self.t(call).to_string(),
                    span: here.clone(),
                },
            };
            out.entries.push(Field {
                key: key.clone(),
                key_span: here.clone(),
                value,
            });
        }
        Some(out)
    }

    /// Pushes the text value of an imported name (see [`Resolver::imported`]), spelled
    /// at `node` (the call site keeps its own spans), and where it is defined. `false`
    /// when the name is not imported or has no literal part there.
    fn foreign(&self, node: Node<'t>, out: &mut Url) -> bool {
        let Some((value, beside)) = self.imported_beside(node) else {
            return false;
        };
        let value = self.take_exported(node, &value);
        let expr = self.t(node);
        let message = format!("`{expr}` is defined here");
        let Some((pieces, mut related)) = value.spelled_at(expr, &node.byte_range(), message, true)
        else {
            return false;
        };
        related.beside = beside;
        out.pieces.extend(pieces);
        out.related.push(related);
        true
    }

    /// `base_url()`, `config.base_url()`, `Settings.root()` with a function of another
    /// module returning a URL text: that text (one of its alternatives), spelled at
    /// the call, with where it is written. `false` when the callee is not such a
    /// function.
    fn foreign_returned(&self, call: Node<'t>, out: &mut Url) -> bool {
        use crate::resolve::Shape;
        let Some(f) = call.field("function") else {
            return false;
        };
        let Some(Shape::Function {
            returns: Some(returned),
            ..
        }) = self.imported(f).map(|v| v.shape)
        else {
            return false;
        };
        let value = self.take_exported(call, &returned);
        let expr = self.t(call);
        let message = format!("`{expr}` is defined here");
        let Some((pieces, related)) = value.spelled_at(expr, &call.byte_range(), message, true)
        else {
            return false;
        };
        out.pieces.extend(pieces);
        out.related.push(related);
        true
    }

    /// The alternative taken of a value of another module read at `node` (the value
    /// itself when it has none): a branch at `node`, labelled with each alternative.
    fn take_exported<'v>(
        &self,
        node: Node<'t>,
        value: &'v crate::resolve::Exported,
    ) -> &'v crate::resolve::Exported {
        value.choose(|said| {
            self.take_branch(node.id(), || {
                let name = short(self.t(node));
                said.iter()
                    .map(|s| match s {
                        Some(v) => format!("`{name}` is {}", short(v)),
                        None => format!("`{name}` is set at run time"),
                    })
                    .collect()
            })
        })
    }

    /// [`Resolver::imported`], with the texts defined beside the value when it is read
    /// through an object of unknown class.
    fn imported_beside(&self, node: Node<'t>) -> Option<(crate::resolve::Exported, Vec<String>)> {
        self.project?;
        let (root, keys) = self.chain(node)?;
        let import = match self.scopes.import_of(root, self.t(root)) {
            Some(i) => Some(i),
            None => self.imported_class_of(root),
        };
        match import {
            Some(import) => self.lookup_import(import, &keys).map(|v| (v, Vec::new())),
            None => self.member(root, &keys),
        }
    }

    pub fn t(&self, n: Node<'t>) -> &'t str {
        &self.text[n.byte_range()]
    }

    // ------------------------------------------------------------------ strings

    /// The prefix letters of a string node (`f`, `rb`, …), lower case.
    fn prefix(&self, node: Node<'t>) -> String {
        let start = node
            .child(0)
            .filter(|c| c.kind_name() == "string_start")
            .map(|c| self.t(c))
            .unwrap_or("");
        start
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_lowercase()
    }

    pub fn is_fstring(&self, node: Node<'t>) -> bool {
        node.kind_name() == "string" && self.prefix(node).contains('f')
    }

    /// The chunks of a `string` or `concatenated_string`; `None` for anything else.
    pub fn chunks(&self, node: Node<'t>) -> Option<Vec<Chunk<'t>>> {
        match node.kind_name() {
            "concatenated_string" => {
                let mut out = Vec::new();
                for s in named_children(node) {
                    out.extend(self.chunks(s)?);
                }
                Some(out)
            }
            "string" => {
                let prefix = self.prefix(node);
                let raw = prefix.contains('r');
                let mut out = Vec::new();
                let mut empty_at = None;
                for child in crate::frontend::fields::children(node) {
                    match child.kind_name() {
                        "string_start" => empty_at = Some(child.end_byte()),
                        "string_content" => out.push(self.content(child, raw)),
                        "interpolation" => {
                            if let Some(e) = child.field("expression") {
                                out.push(Chunk::Interp(e));
                            }
                        }
                        _ => {}
                    }
                }
                if out.is_empty() {
                    let at = empty_at.unwrap_or(node.start_byte());
                    out.push(Chunk::Lit {
                        text: String::new(),
                        span: at..at,
                        exact: true,
                    });
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// A `string_content` node decoded (escape sequences, `{{`/`}}` in f-strings).
    fn content(&self, node: Node<'t>, raw: bool) -> Chunk<'t> {
        let span = node.byte_range();
        let mut text = String::new();
        let mut exact = true;
        let mut pos = span.start;
        for esc in named_children(node) {
            let r = esc.byte_range();
            match esc.kind_name() {
                "escape_interpolation" => {
                    text.push_str(&self.text[pos..r.start]);
                    text.push_str(&self.text[r.start..r.start + 1]);
                    exact = false;
                    pos = r.end;
                }
                "escape_sequence" if !raw => {
                    text.push_str(&self.text[pos..r.start]);
                    text.push_str(&decode_escape(&self.text[r.clone()]));
                    exact = false;
                    pos = r.end;
                }
                _ => {}
            }
        }
        text.push_str(&self.text[pos..span.end]);
        Chunk::Lit { text, span, exact }
    }

    /// The value of a string literal without interpolations (its text and the span of
    /// its content), through names bound to one.
    pub fn plain_string(&self, node: Node<'t>) -> Option<(String, Span, bool)> {
        let node = self.follow(node, 0);
        let chunks = self.chunks(node)?;
        let mut text = String::new();
        let mut span: Option<Span> = None;
        let mut exact = chunks.len() == 1;
        for c in chunks {
            match c {
                Chunk::Lit {
                    text: t,
                    span: s,
                    exact: e,
                } => {
                    text.push_str(&t);
                    exact &= e;
                    span = Some(match span {
                        Some(a) => a.start..s.end,
                        None => s,
                    });
                }
                Chunk::Interp(_) => return None,
            }
        }
        Some((text, span?, exact))
    }

    /// Follows a name (or `self.X`) bound once to an expression; otherwise the node itself.
    pub fn follow(&self, node: Node<'t>, depth: usize) -> Node<'t> {
        if depth > MAX_DEPTH {
            return node;
        }
        match self.bound(node) {
            Some(Bound::Value(v)) => self.follow(v, depth + 1),
            _ => node,
        }
    }

    /// What a name or `self.X`/`Klass.X` attribute is bound to.
    pub fn bound(&self, node: Node<'t>) -> Option<Bound<'t>> {
        match node.kind_name() {
            "identifier" => self.scopes.lookup(node, self.t(node)),
            "attribute" => {
                let obj = node.field("object")?;
                let attr = self.t(node.field("attribute")?);
                if obj.kind_name() == "identifier" {
                    if let Some(b) = self.scopes.attribute(node, self.t(obj), attr) {
                        return Some(b);
                    }
                }
                // `settings.base_url`, `self.config.base_url`: an instance of a class of
                // this file; a constructor keyword argument wins over the field default.
                let (class, ctor) = self.instance_class(obj, 0)?;
                if let Some(ctor) = ctor {
                    let args = ctor.field("arguments")?;
                    let (positional, named) = self.arguments(args);
                    if let Some((_, v)) = named.iter().find(|(k, _)| k == attr) {
                        return Some(Bound::Value(*v));
                    }
                    let spread = named_children(args)
                        .iter()
                        .any(|a| matches!(a.kind_name(), "list_splat" | "dictionary_splat"));
                    if !positional.is_empty() || spread {
                        return Some(Bound::Unknown);
                    }
                }
                self.scopes.class_attribute(class, attr)
            }
            "parenthesized_expression" => node.named_child(0).map(Bound::Value),
            _ => None,
        }
    }

    /// The class of this file that `node` is an instance of, with the constructor call
    /// when it is known here: `Settings()`, a name bound to one, a parameter annotated
    /// with the class, an attribute set on `self` to one of those.
    pub fn instance_class(
        &self,
        node: Node<'t>,
        depth: usize,
    ) -> Option<(Node<'t>, Option<Node<'t>>)> {
        if depth > MAX_DEPTH {
            return None;
        }
        match node.kind_name() {
            "call" => {
                let f = node.field("function")?;
                (f.kind_name() == "identifier")
                    .then(|| self.scopes.class(self.t(f)))
                    .flatten()
                    .map(|c| (c, Some(node)))
            }
            "identifier" => match self.scopes.lookup(node, self.t(node)) {
                Some(Bound::Value(v)) => self.instance_class(v, depth + 1),
                Some(Bound::Unknown) => self
                    .scopes
                    .parameter_class(node, self.t(node), self.text)
                    .map(|c| (c, None)),
                _ => None,
            },
            "attribute" | "parenthesized_expression" => match self.bound(node)? {
                Bound::Value(v) => self.instance_class(v, depth + 1),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether `node` (an attribute) reads `value` as the default of a field of an
    /// instance (`settings.base_url` with `base_url: str = "…"` in the class body),
    /// rather than a value set in this file for that instance.
    fn is_field_default(&self, node: Node<'t>, value: Node<'t>) -> bool {
        if node.kind_name() != "attribute" {
            return false;
        }
        let Some(obj) = node.field("object") else {
            return false;
        };
        if obj.kind_name() == "identifier" && matches!(self.t(obj), "self" | "cls") {
            return false;
        }
        if obj.kind_name() == "identifier" && self.scopes.class(self.t(obj)).is_some() {
            return false;
        }
        // Class-body bindings are the defaults; a constructor keyword is not.
        self.instance_class(obj, 0).is_some_and(|(class, _)| {
            for p in self.scopes.parents.ancestors(value) {
                if p.kind_name() == "function_definition" {
                    return false;
                }
                if p.id() == class.id() {
                    return true;
                }
            }
            false
        })
    }

    /// The dotted import path a name or attribute stands for (`urljoin` →
    /// `urllib.parse.urljoin`, `os.path.join`).
    fn canonical(&self, node: Node<'t>) -> Option<String> {
        match node.kind_name() {
            "identifier" => self.scopes.imports.get(self.t(node)).cloned(),
            "attribute" => {
                let obj = node.field("object")?;
                let attr = node.field("attribute")?;
                Some(format!("{}.{}", self.canonical(obj)?, self.t(attr)))
            }
            _ => None,
        }
    }

    // ------------------------------------------------------------------ URLs

    pub fn url(&self, node: Node<'t>) -> Url {
        let mut out = Url::default();
        self.pieces(node, 0, &mut out);
        out
    }

    fn hole(&self, node: Node<'t>, out: &mut Url) {
        out.pieces.push(Piece::Hole {
            expr: self.t(node).to_string(),
            span: node.byte_range(),
        });
    }

    pub fn pieces(&self, node: Node<'t>, depth: usize, out: &mut Url) {
        if depth > MAX_DEPTH {
            return self.hole(node, out);
        }
        if self.branch(node, depth, out) {
            return;
        }
        match node.kind_name() {
            "string" | "concatenated_string" => {
                let fstring = node.kind_name() == "string" && self.is_fstring(node);
                for chunk in self.chunks(node).unwrap_or_default() {
                    match chunk {
                        Chunk::Lit { text, span, exact } => {
                            if !fstring {
                                out.unformatted
                                    .extend(find_placeholders(&text, &span, exact, false));
                            }
                            out.pieces.push(Piece::Lit { text, span, exact });
                        }
                        Chunk::Interp(e) => self.pieces(e, depth + 1, out),
                    }
                }
            }
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => self.pieces(inner, depth, out),
                None => self.hole(node, out),
            },
            "binary_operator" => {
                let op = node.field("operator").map(|o| self.t(o)).unwrap_or("");
                let (Some(l), Some(r)) = (node.field("left"), node.field("right")) else {
                    return self.hole(node, out);
                };
                match op {
                    "+" => {
                        // A left-leaning chain `a + b + c + …` flattened: every operand
                        // is one step deep, however long the chain.
                        let mut operands = vec![r];
                        let mut left = l;
                        while left.kind_name() == "binary_operator"
                            && left.field("operator").is_some_and(|o| self.t(o) == "+")
                        {
                            let (Some(ll), Some(lr)) = (left.field("left"), left.field("right"))
                            else {
                                break;
                            };
                            operands.push(lr);
                            left = ll;
                        }
                        operands.push(left);
                        for o in operands.into_iter().rev() {
                            self.pieces(o, depth + 1, out);
                        }
                    }
                    "%" => {
                        if !self.percent(l, r, depth, out) {
                            self.hole(node, out);
                        }
                    }
                    _ => self.hole(node, out),
                }
            }
            "call" => {
                let f = node.field("function");
                let args = node.field("arguments");
                if let (Some(f), Some(args)) = (f, args) {
                    if f.kind_name() == "attribute"
                        && f.field("attribute").is_some_and(|a| self.t(a) == "format")
                    {
                        if let Some(obj) = f.field("object") {
                            if self.format(obj, args, depth, out) {
                                return;
                            }
                        }
                    }
                    if self.join(f, args, depth, out) {
                        return;
                    }
                    // `str(x)`: the value of x.
                    if self.t(f) == "str" && args.named_child_count() == 1 {
                        if let Some(a) = args.named_child(0) {
                            return self.pieces(a, depth + 1, out);
                        }
                    }
                    // `users_uri(uid)`: a helper of this file returning one text.
                    if self.returned_text(node, depth, out) {
                        return;
                    }
                    // `base_url()`: a function of another module returning one.
                    if self.foreign_returned(node, out) {
                        return;
                    }
                    // `settings.get("base")`: the item, as for `settings["base"]`.
                    if let Some((object, key)) = self.get_call(node) {
                        if let Some((key, _, _)) = self.plain_string(key) {
                            if let Some(item) = self.dict_item(object, &key, 0) {
                                return self.pieces(item, depth + 1, out);
                            }
                        }
                        if self.foreign(node, out) {
                            return;
                        }
                    }
                }
                self.hole(node, out)
            }
            // A parameter of a helper being read: the argument given at the call.
            "identifier" if self.frame_argument(node).is_some() => {
                let arg = self.frame_argument(node).unwrap_or(node);
                self.pieces(arg, depth + 1, out);
            }
            "identifier" | "attribute" => match self.bound(node) {
                Some(Bound::Value(v)) => {
                    if self.is_field_default(node, v) {
                        out.defaults
                            .push((v.byte_range(), self.t(node).to_string()));
                    }
                    let before = out.pieces.len();
                    self.pieces(v, depth + 1, out);
                    // A name standing for one whole literal (or one whole expression
                    // not known here): rewrites write the name.
                    if out.pieces.len() == before + 1 {
                        let via = match out.pieces.last() {
                            Some(Piece::Lit { span, .. })
                                if matches!(v.kind_name(), "string" | "concatenated_string") =>
                            {
                                Some(span.clone())
                            }
                            Some(Piece::Hole { span, .. }) if *span == v.byte_range() => {
                                Some(span.clone())
                            }
                            _ => None,
                        };
                        if let Some(literal) = via {
                            out.vias.push(Via {
                                literal,
                                expr: self.t(node).to_string(),
                            });
                        }
                    }
                }
                _ => {
                    if !self.foreign(node, out) {
                        self.hole(node, out)
                    }
                }
            },
            "subscript" => {
                if !self.local_item(node, depth, out) && !self.foreign(node, out) {
                    self.hole(node, out)
                }
            }
            _ => self.hole(node, out),
        }
    }

    /// `CONFIG["base"]` with `CONFIG` a dict of this file (a literal, and items set on
    /// it in the same scope): the item's value.
    fn local_item(&self, node: Node<'t>, depth: usize, out: &mut Url) -> bool {
        let (Some(value), Some(key)) = (node.field("value"), node.field("subscript")) else {
            return false;
        };
        let Some((key, _, _)) = self.plain_string(key) else {
            return false;
        };
        let Some(item) = self.dict_item(value, &key, 0) else {
            return false;
        };
        self.pieces(item, depth + 1, out);
        true
    }

    /// The value of the item `key` of the dict `node` stands for, when this file says.
    fn dict_item(&self, node: Node<'t>, key: &str, depth: usize) -> Option<Node<'t>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let items: &[(Node<'t>, Node<'t>)] = match node.kind_name() {
            "identifier" => self.scopes.items(node, self.t(node)),
            // `self.settings["k"]`: the items the class's methods set on it.
            "attribute" => self.self_attribute_items(node),
            _ => &[],
        };
        if let Some((_, v)) = items
            .iter()
            .rev()
            .find(|(k, _)| self.plain_string(*k).is_some_and(|(s, _, _)| s == key))
        {
            return Some(*v);
        }
        match node.kind_name() {
            "dictionary" => {
                let mut c = node.walk();
                let pairs: Vec<_> = node.named_children(&mut c).collect();
                pairs.into_iter().rev().find_map(|pair| {
                    let k = pair.field("key")?;
                    (self.plain_string(k)?.0 == key)
                        .then(|| pair.field("value"))
                        .flatten()
                })
            }
            "identifier" | "attribute" => match self.bound(node)? {
                Bound::Value(v) => self.dict_item(v, key, depth + 1),
                _ => None,
            },
            "parenthesized_expression" => self.dict_item(node.named_child(0)?, key, depth + 1),
            _ => None,
        }
    }

    /// The items set on `self.X` (`node`) in the methods of the class around it.
    fn self_attribute_items(&self, node: Node<'t>) -> &[(Node<'t>, Node<'t>)] {
        let (Some(obj), Some(attr)) = (node.field("object"), node.field("attribute")) else {
            return &[];
        };
        if obj.kind_name() != "identifier" || !matches!(self.t(obj), "self" | "cls") {
            return &[];
        }
        match self
            .scopes
            .parents
            .ancestors(node)
            .find(|p| p.kind_name() == "class_definition")
        {
            Some(class) => self.scopes.attribute_items(class, self.t(attr)),
            None => &[],
        }
    }

    /// The values a loop variable takes when it is the target of a `for` around `name`
    /// over a list or tuple written out (`for base in [PROD, STAGE]:`, or a name bound to
    /// one), at most [`MAX_ALTERNATIVES`]; `None` otherwise, or when the name is assigned
    /// again inside the function.
    fn loop_values(&self, name: Node<'t>) -> Option<Vec<Node<'t>>> {
        let text = self.t(name);
        let lp = self
            .scopes
            .parents
            .ancestors(name)
            .take_while(|p| !matches!(p.kind_name(), "function_definition" | "class_definition"))
            .find(|p| {
                p.kind_name() == "for_statement"
                    && p.field("left")
                        .is_some_and(|l| l.kind_name() == "identifier" && self.t(l) == text)
                    && p.field("body")
                        .is_some_and(|b| b.byte_range().contains(&name.start_byte()))
            })?;
        // The loop's own binding must be the only one in scope.
        if !matches!(self.scopes.lookup(name, text), Some(Bound::Unknown)) {
            return None;
        }
        let list = self.follow(lp.field("right")?, 0);
        if !matches!(list.kind_name(), "list" | "tuple") {
            return None;
        }
        let mut c = list.walk();
        let elements: Vec<_> = list.named_children(&mut c).collect();
        (!elements.is_empty() && elements.len() <= MAX_ALTERNATIVES).then_some(elements)
    }

    /// The string literals a loop variable takes: `key` is the target of a `for` around
    /// it over a list or tuple of strings (`for k in ["base_url", "v2_base"]:`, or a
    /// name bound to one).
    pub fn loop_literals(&self, key: Node<'t>) -> Option<Vec<String>> {
        if key.kind_name() != "identifier" {
            return None;
        }
        let name = self.t(key);
        let lp = self
            .scopes
            .parents
            .ancestors(key)
            .take_while(|p| !matches!(p.kind_name(), "function_definition" | "class_definition"))
            .find(|p| {
                p.kind_name() == "for_statement"
                    && p.field("left")
                        .is_some_and(|l| l.kind_name() == "identifier" && self.t(l) == name)
            })?;
        let list = self.follow(lp.field("right")?, 0);
        if !matches!(list.kind_name(), "list" | "tuple") {
            return None;
        }
        let mut c = list.walk();
        let elements: Vec<_> = list.named_children(&mut c).collect();
        let mut out = Vec::new();
        for e in elements.into_iter().take(64) {
            out.push(self.plain_string(e)?.0);
        }
        Some(out)
    }

    /// What `value` stands for when the loop variable `var` is `key`: the item `key`
    /// of the dict read as `Y.get(var)` or `Y[var]` (a loop that copies settings
    /// from one dict into another).
    pub fn copied_item(&self, value: Node<'t>, var: Node<'t>, key: &str) -> Option<Node<'t>> {
        let var = self.t(var);
        let (object, k) = match value.kind_name() {
            "subscript" => (value.field("value")?, value.field("subscript")?),
            "call" => self.get_call(value)?,
            _ => return None,
        };
        if k.kind_name() != "identifier" || self.t(k) != var {
            return None;
        }
        self.dict_item(object, key, 0)
    }

    /// The pieces of a template: a string, a `+` chain or a name bound to one. Its own
    /// placeholders are not reported as unformatted: they are about to be filled.
    fn template(&self, node: Node<'t>, depth: usize, out: &mut Url) -> Option<Vec<Piece>> {
        let target = self.follow(node, 0);
        if self.is_fstring(target) {
            return None;
        }
        let mut scratch = Url::default();
        self.pieces(node, depth + 1, &mut scratch);
        if !scratch
            .pieces
            .iter()
            .any(|p| matches!(p, Piece::Lit { .. }))
        {
            return None;
        }
        out.vias.extend(scratch.vias);
        out.related.extend(scratch.related);
        Some(scratch.pieces)
    }

    /// `urljoin(base, path)`, `posixpath.join(a, b, …)` / `os.path.join`, and
    /// `"/".join([a, b, …])`, evaluated as those functions join their pieces.
    fn join(&self, f: Node<'t>, args: Node<'t>, depth: usize, out: &mut Url) -> bool {
        let (positional, named) = self.arguments(args);
        let mut c = args.walk();
        if !named.is_empty()
            || args
                .named_children(&mut c)
                .any(|a| matches!(a.kind_name(), "list_splat" | "dictionary_splat"))
        {
            return false;
        }
        let eval = |n: Node<'t>, out: &mut Url| {
            let mut u = Url::default();
            self.pieces(n, depth + 1, &mut u);
            out.absorb(&mut u);
            u.pieces
        };
        // A `/` that the function adds: no text of the file stands for it.
        let slash = |at: Node<'t>| Piece::Lit {
            text: "/".into(),
            span: at.byte_range(),
            exact: false,
        };
        let first_text = |p: &[Piece]| match p.first() {
            Some(Piece::Lit { text, .. }) => Some(text.clone()),
            _ => None,
        };
        match self.canonical(f).as_deref() {
            Some("urllib.parse.urljoin") => {
                let [base, path] = positional[..] else {
                    return false;
                };
                let base_pieces = eval(base, out);
                let path_pieces = eval(path, out);
                let path_start = first_text(&path_pieces);
                let absolute = path_start.as_deref().is_some_and(|t| {
                    t.starts_with("http://") || t.starts_with("https://") || t.starts_with("//")
                });
                if absolute {
                    out.pieces.extend(path_pieces);
                    return true;
                }
                let rooted = path_start.as_deref().is_some_and(|t| t.starts_with('/'));
                let keep = base_keep(&base_pieces, rooted);
                match keep {
                    Some((n, cut)) => {
                        for p in &base_pieces[..n] {
                            out.pieces.push(p.clone());
                        }
                        if let Some((Piece::Lit { text, span, exact }, to)) =
                            cut.map(|to| (&base_pieces[n], to))
                        {
                            push_sub(out, text, span, *exact, 0, to);
                        }
                    }
                    // An unknown base (`os.environ[…]`): taken as the origin or the
                    // directory the path is joined to.
                    None => {
                        if let [Piece::Hole { span, .. }] = base_pieces.as_slice() {
                            out.joins.push((span.clone(), path.byte_range()));
                        }
                        out.pieces.extend(base_pieces.iter().cloned())
                    }
                }
                let ends_with_slash = match out.pieces.last() {
                    Some(Piece::Lit { text, .. }) => text.ends_with('/'),
                    _ => false,
                };
                if !rooted && !ends_with_slash {
                    out.pieces.push(slash(path));
                }
                out.pieces.extend(path_pieces);
                true
            }
            Some("posixpath.join" | "os.path.join") => {
                if positional.is_empty() {
                    return false;
                }
                for (i, part) in positional.iter().enumerate() {
                    let pieces = eval(*part, out);
                    if i > 0 {
                        if first_text(&pieces).is_some_and(|t| t.starts_with('/')) {
                            // An absolute part starts over.
                            out.pieces.clear();
                        } else if !matches!(out.pieces.last(), Some(Piece::Lit { text, .. }) if text.ends_with('/'))
                        {
                            out.pieces.push(slash(*part));
                        }
                    }
                    out.pieces.extend(pieces);
                }
                true
            }
            _ => {
                // `sep.join([a, b, …])` with a literal separator and a literal list.
                if f.kind_name() != "attribute"
                    || f.field("attribute").map(|a| self.t(a)) != Some("join")
                {
                    return false;
                }
                let Some(sep) = f.field("object") else {
                    return false;
                };
                let Some((sep_text, _, _)) = self.plain_string(sep) else {
                    return false;
                };
                let [list] = positional[..] else {
                    return false;
                };
                if !matches!(list.kind_name(), "list" | "tuple") {
                    return false;
                }
                let mut c = list.walk();
                let items: Vec<_> = list
                    .named_children(&mut c)
                    .filter(|n| n.kind_name() != "comment")
                    .collect();
                if items.iter().any(|i| i.kind_name() == "list_splat") {
                    return false;
                }
                for (i, item) in items.into_iter().enumerate() {
                    if i > 0 {
                        // Each separator is told apart by the item it precedes: the one
                        // literal they share would give every piece the same span.
                        out.pieces.push(Piece::Lit {
                            text: sep_text.clone(),
                            span: item.byte_range(),
                            exact: false,
                        });
                    }
                    let pieces = eval(item, out);
                    out.pieces.extend(pieces);
                }
                true
            }
        }
    }

    /// `"…{}…{name}…".format(a, name=b)`.
    fn format(&self, template: Node<'t>, args: Node<'t>, depth: usize, out: &mut Url) -> bool {
        let Some(chunks) = self.template(template, depth, out) else {
            return false;
        };
        let (positional, named) = self.arguments(args);
        let mut auto = 0usize;
        for piece in chunks {
            let (text, span, exact) = match piece {
                Piece::Lit { text, span, exact } => (text, span, exact),
                hole => {
                    out.pieces.push(hole);
                    continue;
                }
            };
            let bytes = text.as_bytes();
            let mut lit_start = 0;
            let mut i = 0;
            while i < bytes.len() {
                let b = bytes[i];
                if (b == b'{' || b == b'}') && bytes.get(i + 1) == Some(&b) {
                    push_sub(out, &text, &span, exact, lit_start, i + 1);
                    i += 2;
                    // `{{` is one brace: the first one is kept as literal text.
                    lit_start = i;
                    continue;
                }
                if b != b'{' {
                    i += 1;
                    continue;
                }
                let Some(close) = text[i..].find('}').map(|c| i + c) else {
                    break;
                };
                push_sub(out, &text, &span, exact, lit_start, i);
                let field = &text[i + 1..close];
                let name = field
                    .split(['!', ':', '.', '['])
                    .next()
                    .unwrap_or("")
                    .to_string();
                let plain = name.len() == field.len();
                let arg = if name.is_empty() {
                    auto += 1;
                    positional.get(auto - 1).copied()
                } else if let Ok(n) = name.parse::<usize>() {
                    positional.get(n).copied()
                } else {
                    named.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
                };
                let at = if exact {
                    span.start + i..span.start + close + 1
                } else {
                    span.clone()
                };
                match arg {
                    Some(a) if plain => self.pieces(a, depth + 1, out),
                    Some(a) => self.hole(a, out),
                    None => out.pieces.push(Piece::Hole {
                        expr: if name.is_empty() {
                            field.to_string()
                        } else {
                            name
                        },
                        span: at,
                    }),
                }
                i = close + 1;
                lit_start = i;
            }
            push_sub(out, &text, &span, exact, lit_start, bytes.len());
        }
        true
    }

    /// `"…%s…%(name)s…" % (a, …)` / `% {"name": b}` / `% a`.
    fn percent(&self, template: Node<'t>, right: Node<'t>, depth: usize, out: &mut Url) -> bool {
        let Some(chunks) = self.template(template, depth, out) else {
            return false;
        };
        let right = match right.kind_name() {
            "parenthesized_expression" => right.named_child(0).unwrap_or(right),
            _ => right,
        };
        let mut positional = Vec::new();
        let mut named = Vec::new();
        match right.kind_name() {
            "tuple" => {
                let mut c = right.walk();
                positional.extend(right.named_children(&mut c));
            }
            "dictionary" => {
                let mut c = right.walk();
                for pair in right.named_children(&mut c) {
                    if let (Some(k), Some(v)) = (pair.field("key"), pair.field("value")) {
                        if let Some((key, _, _)) = self.plain_string(k) {
                            named.push((key, v));
                        }
                    }
                }
            }
            _ => positional.push(right),
        }
        let mut next = 0;
        for piece in chunks {
            let (text, span, exact) = match piece {
                Piece::Lit { text, span, exact } => (text, span, exact),
                hole => {
                    out.pieces.push(hole);
                    continue;
                }
            };
            let bytes = text.as_bytes();
            let mut lit_start = 0;
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] != b'%' {
                    i += 1;
                    continue;
                }
                if bytes.get(i + 1) == Some(&b'%') {
                    push_sub(out, &text, &span, exact, lit_start, i + 1);
                    i += 2;
                    lit_start = i;
                    continue;
                }
                push_sub(out, &text, &span, exact, lit_start, i);
                let mut j = i + 1;
                let mut key = None;
                if bytes.get(j) == Some(&b'(') {
                    if let Some(c) = text[j..].find(')') {
                        key = Some(text[j + 1..j + c].to_string());
                        j += c + 1;
                    }
                }
                while j < bytes.len() && b"-#0 +.123456789".contains(&bytes[j]) {
                    j += 1;
                }
                let conv = bytes.get(j).copied();
                j = (j + 1).min(bytes.len());
                let arg = match &key {
                    Some(k) => named.iter().find(|(n, _)| n == k).map(|(_, v)| *v),
                    None => {
                        next += 1;
                        positional.get(next - 1).copied()
                    }
                };
                match arg {
                    Some(a) if conv == Some(b's') => self.pieces(a, depth + 1, out),
                    Some(a) => self.hole(a, out),
                    None => out.pieces.push(Piece::Hole {
                        expr: text[i..j].to_string(),
                        span: if exact {
                            span.start + i..span.start + j
                        } else {
                            span.clone()
                        },
                    }),
                }
                i = j;
                lit_start = i;
            }
            push_sub(out, &text, &span, exact, lit_start, bytes.len());
        }
        true
    }

    /// Positional and keyword arguments of an argument list.
    pub fn arguments(&self, args: Node<'t>) -> (Vec<Node<'t>>, Vec<(String, Node<'t>)>) {
        let mut positional = Vec::new();
        let mut named = Vec::new();
        for a in named_children(args) {
            match a.kind_name() {
                "keyword_argument" => {
                    if let (Some(n), Some(v)) = (a.field("name"), a.field("value")) {
                        named.push((self.t(n).to_string(), v));
                    }
                }
                "list_splat" | "dictionary_splat" => {}
                _ => positional.push(a),
            }
        }
        (positional, named)
    }

    // ------------------------------------------------------------------ data

    /// A value as data: literals, dicts, lists; names bound once to a literal.
    pub fn value(&self, node: Node<'t>, depth: usize) -> Value {
        let expr = || Value::Expr {
            text: self.t(node).to_string(),
            span: node.byte_range(),
        };
        if depth > MAX_DEPTH {
            return expr();
        }
        match node.kind_name() {
            "string" | "concatenated_string" => match self.plain_string(node) {
                Some((value, span, _)) => Value::Str { value, span },
                None => expr(),
            },
            "integer" | "float" => Value::Num {
                text: self.t(node).to_string(),
                span: node.byte_range(),
            },
            "true" | "false" => Value::Bool {
                value: node.kind_name() == "true",
                span: node.byte_range(),
            },
            "none" => Value::Null {
                span: node.byte_range(),
            },
            "dictionary" => Value::Object(self.fields(node, depth + 1)),
            "list" | "tuple" => {
                let mut c = node.walk();
                let items = node
                    .named_children(&mut c)
                    .filter(|n| n.kind_name() != "comment")
                    .map(|n| self.value(n, depth + 1))
                    .collect();
                Value::Array {
                    items,
                    span: node.byte_range(),
                }
            }
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => self.value(inner, depth),
                None => expr(),
            },
            "call" if self.is_dict_call(node) => Value::Object(self.fields(node, depth + 1)),
            "identifier" | "attribute" => match self.bound(node) {
                Some(Bound::Value(v))
                    if matches!(
                        v.kind_name(),
                        "string"
                            | "concatenated_string"
                            | "integer"
                            | "float"
                            | "true"
                            | "false"
                            | "none"
                            | "dictionary"
                    ) =>
                {
                    match self.value(v, depth + 1) {
                        Value::Expr { .. } => expr(),
                        // A dict bound to a name may get more items later.
                        Value::Object(mut f) if node.kind_name() == "identifier" => {
                            self.add_items(node, &mut f, depth);
                            Value::Object(f)
                        }
                        v => v,
                    }
                }
                _ => expr(),
            },
            _ => expr(),
        }
    }

    fn is_dict_call(&self, node: Node<'t>) -> bool {
        node.field("function").is_some_and(|f| self.t(f) == "dict")
    }

    /// Key/value data: a dict literal, `dict(k=v)`, a list of `(key, value)` pairs, or a
    /// name bound to one of those (with items set on it later in the same scope).
    pub fn fields(&self, node: Node<'t>, depth: usize) -> Fields {
        let mut out = Fields {
            entries: Vec::new(),
            open: false,
            span: node.byte_range(),
        };
        if depth > MAX_DEPTH {
            out.open = true;
            return out;
        }
        match node.kind_name() {
            "dictionary" => {
                let mut c = node.walk();
                for pair in node.named_children(&mut c) {
                    match pair.kind_name() {
                        "pair" => {
                            let (Some(k), Some(v)) = (pair.field("key"), pair.field("value"))
                            else {
                                continue;
                            };
                            match self.plain_string(k) {
                                Some((key, key_span, _)) => out.entries.push(Field {
                                    key,
                                    key_span,
                                    value: self.value(v, depth + 1),
                                }),
                                None => out.open = true,
                            }
                        }
                        "dictionary_splat" => {
                            let inner = pair.named_child(0);
                            match inner.map(|i| self.fields(i, depth + 1)) {
                                Some(f) => {
                                    out.open |= f.open;
                                    out.entries.extend(f.entries);
                                }
                                None => out.open = true,
                            }
                        }
                        "comment" => {}
                        _ => out.open = true,
                    }
                }
            }
            "call" if self.is_dict_call(node) => {
                let Some(args) = node.field("arguments") else {
                    out.open = true;
                    return out;
                };
                let mut c = args.walk();
                for a in args.named_children(&mut c) {
                    match a.kind_name() {
                        "keyword_argument" => {
                            if let (Some(n), Some(v)) = (a.field("name"), a.field("value")) {
                                out.entries.push(Field {
                                    key: self.t(n).to_string(),
                                    key_span: n.byte_range(),
                                    value: self.value(v, depth + 1),
                                });
                            }
                        }
                        "comment" => {}
                        _ => {
                            let f = self.fields(a, depth + 1);
                            out.open |= f.open;
                            out.entries.extend(f.entries);
                        }
                    }
                }
            }
            "list" | "tuple" => {
                let mut c = node.walk();
                for item in node.named_children(&mut c) {
                    if item.kind_name() == "comment" {
                        continue;
                    }
                    let pair = if item.kind_name() == "parenthesized_expression" {
                        item.named_child(0).unwrap_or(item)
                    } else {
                        item
                    };
                    let kv = (pair.kind_name() == "tuple" && pair.named_child_count() == 2)
                        .then(|| (pair.named_child(0), pair.named_child(1)));
                    match kv {
                        Some((Some(k), Some(v))) => match self.plain_string(k) {
                            Some((key, key_span, _)) => out.entries.push(Field {
                                key,
                                key_span,
                                value: self.value(v, depth + 1),
                            }),
                            None => out.open = true,
                        },
                        _ => out.open = true,
                    }
                }
            }
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => return self.fields(inner, depth),
                None => out.open = true,
            },
            "identifier" | "attribute" => match self.bound(node) {
                Some(Bound::Value(v)) => {
                    let mut f = self.fields(v, depth + 1);
                    if node.kind_name() == "identifier" {
                        self.add_items(node, &mut f, depth);
                    }
                    return f;
                }
                // A dict imported from another module (`headers=HEADERS`).
                _ => match self.imported_fields(node, node) {
                    Some(f) => return f,
                    None => out.open = true,
                },
            },
            "call" => match self.returned_fields(node, depth) {
                Some(f) => return f,
                None => out.open = true,
            },
            _ => out.open = true,
        }
        out
    }

    /// Items set on a dict after it is built (`kw["uuid"] = uuid`).
    fn add_items(&self, name: Node<'t>, f: &mut Fields, depth: usize) {
        for (k, v) in self.scopes.items(name, self.t(name)) {
            match self.plain_string(*k) {
                Some((key, key_span, _)) => {
                    f.entries.retain(|e| e.key != key);
                    f.entries.push(Field {
                        key,
                        key_span,
                        value: self.value(*v, depth + 1),
                    });
                }
                None => f.open = true,
            }
        }
        // `payload.update({...})`, `payload.setdefault("k", v)`; any other method that
        // changes the dict leaves its keys unknown here.
        for call in self.scopes.method_calls(name, self.t(name)) {
            let Some(func) = call.field("function") else {
                continue;
            };
            let method = func.field("attribute").map_or("", |a| self.t(a));
            let Some(args) = call.field("arguments") else {
                continue;
            };
            let (positional, named) = self.arguments(args);
            match method {
                "get" | "copy" | "items" | "keys" | "values" => {}
                "update" => {
                    let mut c = args.walk();
                    if args
                        .named_children(&mut c)
                        .any(|a| matches!(a.kind_name(), "list_splat" | "dictionary_splat"))
                    {
                        f.open = true;
                    }
                    let mut added = Vec::new();
                    if let Some(first) = positional.first() {
                        let more = self.fields(*first, depth + 1);
                        f.open |= more.open;
                        added.extend(more.entries);
                    }
                    for (key, v) in named {
                        let Some(kw) = args.named_children(&mut args.walk()).find(|a| {
                            a.kind_name() == "keyword_argument"
                                && a.field("name").map(|n| self.t(n)) == Some(key.as_str())
                        }) else {
                            continue;
                        };
                        let key_span = kw.field("name").map_or(kw.byte_range(), |n| n.byte_range());
                        added.push(Field {
                            key,
                            key_span,
                            value: self.value(v, depth + 1),
                        });
                    }
                    for e in added {
                        f.entries.retain(|x| x.key != e.key);
                        f.entries.push(e);
                    }
                }
                "setdefault" => match positional.first().and_then(|k| self.plain_string(*k)) {
                    Some((key, key_span, _)) => {
                        if f.get(&key).is_none() {
                            let value = match positional.get(1) {
                                Some(v) => self.value(*v, depth + 1),
                                None => Value::Null {
                                    span: call.byte_range(),
                                },
                            };
                            f.entries.push(Field {
                                key,
                                key_span,
                                value,
                            });
                        }
                    }
                    None => f.open = true,
                },
                "pop" => match positional.first().and_then(|k| self.plain_string(*k)) {
                    Some((key, _, _)) => f.entries.retain(|e| e.key != key),
                    None => f.open = true,
                },
                _ => f.open = true,
            }
        }
    }
}

/// How much of a `urljoin` base survives: `(n, cut)` keeps the first `n` pieces whole
/// and, with `cut = Some(to)`, `text[..to]` of piece `n`. A rooted path (`/x`) keeps the
/// origin, a relative one everything up to the last `/` after the host. `None` when the
/// base does not start with a literal `scheme://host`.
fn base_keep(base: &[Piece], rooted: bool) -> Option<(usize, Option<usize>)> {
    let Some(Piece::Lit { text, .. }) = base.first() else {
        return None;
    };
    let host_start = text.find("://")? + 3;
    let lits = base.iter().enumerate().filter_map(|(i, p)| match p {
        Piece::Lit { text, .. } => Some((i, text, if i == 0 { host_start } else { 0 })),
        Piece::Hole { .. } => None,
    });
    if rooted {
        // The first `/` after the host ends the origin.
        for (i, text, from) in lits {
            if let Some(pos) = text[from..].find('/') {
                return Some((i, Some(from + pos)));
            }
        }
    } else {
        // The last `/` after the host; a hole after it is the last segment.
        for (i, text, from) in lits.collect::<Vec<_>>().into_iter().rev() {
            if let Some(pos) = text[from..].rfind('/') {
                return Some((i, Some(from + pos + 1)));
            }
        }
    }
    // `https://host` alone: the path is joined after the host.
    Some((base.len(), None))
}

/// Pushes `text[from..to]` of a literal chunk as a piece (nothing when empty).
fn push_sub(out: &mut Url, text: &str, span: &Span, exact: bool, from: usize, to: usize) {
    if from >= to {
        return;
    }
    out.pieces.push(Piece::Lit {
        text: text[from..to].to_string(),
        span: if exact {
            span.start + from..span.start + to
        } else {
            span.clone()
        },
        exact,
    });
}

/// The value of one escape sequence (`\n`, `\x41`, `\u00e9`, …).
fn decode_escape(esc: &str) -> String {
    let body = &esc[1..];
    let simple = match body {
        "n" => Some('\n'),
        "t" => Some('\t'),
        "r" => Some('\r'),
        "\\" => Some('\\'),
        "'" => Some('\''),
        "\"" => Some('"'),
        "0" => Some('\0'),
        "a" => Some('\x07'),
        "b" => Some('\x08'),
        "f" => Some('\x0c'),
        "v" => Some('\x0b'),
        _ => None,
    };
    if let Some(c) = simple {
        return c.to_string();
    }
    if body.starts_with('\n') || body.starts_with("\r\n") {
        return String::new();
    }
    let hex = body
        .strip_prefix('x')
        .or_else(|| body.strip_prefix('u'))
        .or_else(|| body.strip_prefix('U'));
    if let Some(h) = hex {
        if let Some(c) = u32::from_str_radix(h, 16).ok().and_then(char::from_u32) {
            return c.to_string();
        }
    }
    esc.to_string()
}
