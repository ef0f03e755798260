//! The second walk: every call expression is tried against the known call shapes, and
//! every string literal is checked for secrets and for being a named absolute base URL.
//!
//! The walk is iterative (deeply nested code must not overflow the stack) and carries a
//! small context down the tree: the name a literal is stored under (for secrets) and
//! the binding path of an object property (for base URLs). Each call found is then
//! followed outwards ([`response`]): how its response is used, and which function it
//! is in.

mod response;
mod wrappers;

pub(super) use wrappers::{is_function, method_of, methods};

use super::clients::{is_fetch_name, Lib};
use super::resolve::{is_absolute, Resolver, TemplatePart};
use super::scope::{creates_scope, named_children, BindValue, ScopeId};
use super::{replay, traverse, At, Visitor};
use crate::call::{Client, HttpCall, Piece, Span};
use crate::frontend::credentials;
use crate::frontend::fields::ChildField as _;
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

pub(super) struct Found {
    pub calls: Vec<HttpCall>,
    pub secrets: Vec<Span>,
    /// The requests each function sends for its callers (by function node id).
    pub summaries: HashMap<usize, Vec<crate::resolve::wrapper::Wrapper>>,
}

/// Where a literal sits, as far as base URLs are concerned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Path {
    /// No binding: an object here names its properties by their keys alone.
    #[default]
    Free,
    /// Bound to this path (`KHOROS_BASE`, `config.khoros.baseUrl`, `this.baseUrl`).
    Named(String),
    /// An object given to a call whose result is bound to this name
    /// (`const khoros = axios.create({ baseURL })`): its properties are that name's.
    CallBound(String),
    /// Inside an array or a concatenation: not a binding of its own.
    Blocked,
}

#[derive(Clone, Debug, Default)]
struct Ctx {
    /// The key / binding / header name a literal here is stored under.
    name: Option<String>,
    path: Path,
    /// Set on a property value: the literal comes from an object property (not a
    /// declaration), so it is not a base URL when it sits inside a reported call.
    in_pair: bool,
    /// On an `arguments` node: the names its arguments are stored under.
    arg_names: Vec<Option<String>>,
    /// Somewhere inside a reported call.
    in_call: bool,
}

struct Candidate<'t> {
    path: String,
    /// The name the value is given where it is written (an object key, a variable).
    key: Option<String>,
    node: Node<'t>,
    scope: ScopeId,
}

struct Walker<'a, 'r, 't> {
    r: &'a Resolver<'r, 't>,
    calls: Vec<HttpCall>,
    /// Each call's node and how many wrappers it went through.
    nodes: Vec<(Node<'t>, usize)>,
    /// Calls that may be calls of wrappers.
    pending: Vec<wrappers::Pending<'t>>,
    consumed: HashSet<usize>,
    secrets: Vec<Span>,
    candidates: Vec<Candidate<'t>>,
    /// `http.request(...)` call node id → index in `calls`.
    http_requests: HashMap<usize, usize>,
    /// `req.write(x)` / `req.end(x)`: (receiver identifier, scope, argument).
    writes: Vec<(Node<'t>, ScopeId, Node<'t>)>,
    /// (start, end) of every string, template and number literal, in source order.
    literals: Vec<(usize, usize)>,
    /// The nodes on the path from the root to the current node.
    stack: Vec<Frame<'t>>,
}

/// A node being walked, with what its children need to know.
struct Frame<'t> {
    node: Node<'t>,
    kind: &'static str,
    scope: ScopeId,
    ctx: Ctx,
    /// The node is, or is inside, a reported call.
    in_call: bool,
    /// For objects: the Postman-style `key:` name of their `value:`.
    kv_name: Option<String>,
    /// For argument lists: the index of the next argument.
    arg_index: usize,
}

impl<'t> Visitor<'t> for Walker<'_, '_, 't> {
    fn enter(&mut self, node: Node<'t>, at: At<'t>) -> bool {
        if !node.is_named() {
            return false;
        }
        // `Node::kind` converts the grammar's C string each time: read it once.
        let kind = node.kind_name();
        let (mut ctx, outer) = match self.stack.last() {
            None => (Ctx::default(), 0),
            Some(parent) if parent.kind == "arguments" && kind != "comment" => (
                Ctx {
                    name: parent
                        .ctx
                        .arg_names
                        .get(parent.arg_index)
                        .cloned()
                        .flatten(),
                    path: parent.ctx.path.clone(),
                    ..Ctx::default()
                },
                parent.scope,
            ),
            Some(parent) => (
                self.child_ctx(
                    parent.node,
                    parent.kind,
                    if reads_field(parent.kind) {
                        at.field_name()
                    } else {
                        None
                    },
                    node,
                    &parent.ctx,
                    parent.kv_name.as_deref(),
                ),
                parent.scope,
            ),
        };
        if let Some(parent) = self.stack.last_mut() {
            ctx.in_call = parent.in_call;
            if parent.kind == "arguments" && kind != "comment" {
                parent.arg_index += 1;
            }
        }
        // Only the root and the nodes that open a scope have one of their own.
        let scope = if self.stack.is_empty() || creates_scope(kind) {
            self.r.scopes.scope_of(node).unwrap_or(outer)
        } else {
            outer
        };
        let before = self.calls.len();
        self.visit(node, kind, scope, &ctx);
        if node.child_count() == 0 {
            return false;
        }
        let in_call = ctx.in_call || self.calls.len() > before;
        let kv_name = if kind == "object" {
            self.kv_name(node)
        } else {
            None
        };
        self.stack.push(Frame {
            node,
            kind,
            scope,
            ctx,
            in_call,
            kv_name,
            arg_index: 0,
        });
        true
    }

    fn leave(&mut self, _node: Node<'t>) {
        self.stack.pop();
    }
}

/// The parents whose children's contexts depend on the field they are in
/// ([`Walker::child_ctx`]): for any other parent the field is not looked up.
pub(super) fn reads_field(kind: &str) -> bool {
    matches!(
        kind,
        "variable_declarator"
            | "assignment_expression"
            | "public_field_definition"
            | "field_definition"
            | "assignment_pattern"
            | "object_assignment_pattern"
            | "required_parameter"
            | "optional_parameter"
            | "pair"
            | "call_expression"
            | "new_expression"
            | "ternary_expression"
    )
}

pub(super) fn collect<'t>(root: Node<'t>, r: &Resolver<'_, 't>) -> Found {
    let mut w = Walker {
        r,
        calls: Vec::new(),
        nodes: Vec::new(),
        pending: Vec::new(),
        consumed: HashSet::new(),
        secrets: Vec::new(),
        candidates: Vec::new(),
        http_requests: HashMap::new(),
        writes: Vec::new(),
        literals: Vec::new(),
        stack: Vec::new(),
    };
    // The scope walk recorded the named nodes: replaying them spares moving a cursor
    // over every node again.
    match &r.scopes.entered {
        Some(entered) => replay(entered, &mut w),
        None => traverse(root, &mut w),
    }
    w.finish()
}

impl<'t> Walker<'_, '_, 't> {
    fn visit(&mut self, node: Node<'t>, kind: &str, scope: ScopeId, ctx: &Ctx) {
        match kind {
            // A call with a syntax error inside cannot be read reliably: only the rest
            // of the tree yields calls.
            "call_expression" if !self.consumed.contains(&node.id()) && !node.has_error() => {
                self.call(node, scope)
            }
            "new_expression" if !node.has_error() => {
                let is_request = node
                    .field("constructor")
                    .is_some_and(|c| self.r.text(c) == "Request");
                if is_request {
                    if let Some(c) = self.r.fetch(node, None, scope) {
                        self.push(node, scope, c);
                    }
                }
            }
            "number" => self.literals.push((node.start_byte(), node.end_byte())),
            "string" => {
                self.literals.push((node.start_byte(), node.end_byte()));
                if let Some((text, span, exact)) = self.r.string_lit(node) {
                    credentials::scan_literal(
                        &text,
                        &span,
                        exact,
                        ctx.name.as_deref(),
                        &mut self.secrets,
                    );
                }
                self.candidate(node, scope, ctx);
            }
            "template_string" => {
                self.literals.push((node.start_byte(), node.end_byte()));
                for part in self.r.template_parts(node).iter() {
                    if let TemplatePart::Lit { text, span, exact } = part {
                        credentials::scan_literal(
                            text,
                            span,
                            *exact,
                            ctx.name.as_deref(),
                            &mut self.secrets,
                        );
                    }
                }
                self.candidate(node, scope, ctx);
            }
            "binary_expression" if operator(node) == Some("+") => self.candidate(node, scope, ctx),
            _ => {}
        }
    }

    fn candidate(&mut self, node: Node<'t>, scope: ScopeId, ctx: &Ctx) {
        // A property of a reported call's options (a header, a body field) is data of
        // that call, not a base URL.
        if ctx.in_pair && ctx.in_call {
            return;
        }
        if let Path::Named(path) = &ctx.path {
            self.candidates.push(Candidate {
                path: path.clone(),
                key: ctx.name.clone(),
                node,
                scope,
            });
        }
    }

    // ------------------------------------------------------------ contexts

    fn child_ctx(
        &self,
        node: Node<'t>,
        kind: &str,
        field: Option<&str>,
        child: Node<'t>,
        ctx: &Ctx,
        kv_name: Option<&str>,
    ) -> Ctx {
        let r = self.r;
        let named = |name: String, path: Path| Ctx {
            name: Some(name),
            path,
            ..Ctx::default()
        };
        match (kind, field) {
            ("variable_declarator", Some("value")) => match node.field("name") {
                Some(n) if n.kind_name() == "identifier" => {
                    named(r.text(n).to_string(), Path::Named(r.text(n).to_string()))
                }
                _ => Ctx::default(),
            },
            ("assignment_expression", Some("right")) => {
                let Some(left) = node.field("left") else {
                    return Ctx::default();
                };
                let last = match left.kind_name() {
                    "member_expression" => left.field("property").map(|p| r.text(p).to_string()),
                    "subscript_expression" => r.member_key(left),
                    "identifier" => Some(r.text(left).to_string()),
                    _ => None,
                };
                let path = r.dotted(left).map(Path::Named).unwrap_or(Path::Blocked);
                Ctx {
                    name: last,
                    path,
                    ..Ctx::default()
                }
            }
            ("public_field_definition" | "field_definition", Some("value")) => {
                let name = node
                    .field("name")
                    .or_else(|| node.field("property"))
                    .map(|n| r.text(n).to_string());
                match name {
                    Some(n) => named(n.clone(), Path::Named(format!("this.{n}"))),
                    None => Ctx::default(),
                }
            }
            ("assignment_pattern", Some("right"))
            | ("object_assignment_pattern", Some("right")) => Ctx {
                name: node.field("left").map(|l| r.text(l).to_string()),
                path: Path::Blocked,
                ..Ctx::default()
            },
            ("required_parameter" | "optional_parameter", Some("value")) => Ctx {
                name: node.field("pattern").map(|l| r.text(l).to_string()),
                path: Path::Blocked,
                ..Ctx::default()
            },
            ("jsx_attribute", _) if child.kind_name() == "string" => Ctx {
                name: named_children(node).first().map(|a| r.text(*a).to_string()),
                ..Ctx::default()
            },
            ("object", _) if child.kind_name() == "pair" => {
                let key = child.field("key").map(|k| match k.kind_name() {
                    "string" => r.string_lit(k).map(|s| s.0).unwrap_or_default(),
                    _ => r.text(k).to_string(),
                });
                let Some(key) = key else {
                    return Ctx::default();
                };
                let name = if key == "value" {
                    kv_name.map(str::to_string).or(Some(key.clone()))
                } else {
                    Some(key.clone())
                };
                let path = match &ctx.path {
                    Path::Free => Path::Named(key),
                    Path::Named(p) => Path::Named(format!("{p}.{key}")),
                    Path::CallBound(n) => Path::Named(n.clone()),
                    Path::Blocked => Path::Blocked,
                };
                Ctx {
                    name,
                    path,
                    in_pair: true,
                    ..Ctx::default()
                }
            }
            ("pair", Some("value")) => ctx.clone(),
            ("call_expression" | "new_expression", Some("arguments")) => Ctx {
                path: match &ctx.path {
                    Path::Named(n) => Path::CallBound(n.clone()),
                    _ => Path::Free,
                },
                arg_names: self.arg_names(node),
                ..Ctx::default()
            },
            (
                "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression"
                | "await_expression"
                | "type_assertion",
                _,
            ) => ctx.clone(),
            ("ternary_expression", Some("consequence" | "alternative")) => ctx.clone(),
            ("binary_expression", _) => match operator(node) {
                Some("||" | "??") => ctx.clone(),
                Some("+") => Ctx {
                    name: ctx.name.clone(),
                    path: Path::Blocked,
                    in_pair: ctx.in_pair,
                    ..Ctx::default()
                },
                _ => Ctx::default(),
            },
            ("array", _) => Ctx {
                path: Path::Blocked,
                ..Ctx::default()
            },
            _ => Ctx::default(),
        }
    }

    /// Postman-style `{ key: 'apiKey', value: '…' }`: the name of the value.
    fn kv_name(&self, object: Node<'t>) -> Option<String> {
        named_children(object).into_iter().find_map(|p| {
            if p.kind_name() != "pair" {
                return None;
            }
            let k = p.field("key")?;
            let key = self.r.text(k).trim_matches(['"', '\'']);
            if key != "key" {
                return None;
            }
            self.r.string_lit(p.field("value")?).map(|s| s.0)
        })
    }

    /// Names for a call's arguments: `.set('name', value)`, `.auth(user, pass)`.
    fn arg_names(&self, call: Node<'t>) -> Vec<Option<String>> {
        let args = self.r.args(call);
        let prop = self
            .r
            .callee(call)
            .and_then(|f| f.field("property"))
            .map(|p| self.r.text(p));
        if prop == Some("auth") {
            return match args.get(1).map(|a| self.r.unwrap(*a).kind_name()) {
                Some("object") | None => vec![Some("token".into())],
                Some(_) => vec![None, Some("password".into())],
            };
        }
        match args
            .first()
            .and_then(|a| self.r.string_lit(self.r.unwrap(*a)))
        {
            Some((name, _, _)) if args.len() >= 2 => vec![None, Some(name)],
            _ => Vec::new(),
        }
    }

    // ------------------------------------------------------------ calls

    /// Records a call found at `node` (in `scope`), with how its response is used.
    fn push(&mut self, node: Node<'t>, scope: ScopeId, mut c: HttpCall) {
        c.response = response::analyse(self.r, node, c.client);
        c.scope = Some(self.r.scopes.function_span(scope));
        self.calls.push(c);
        self.nodes.push((node, 0));
    }

    fn call(&mut self, node: Node<'t>, scope: ScopeId) {
        if let Some(c) = self.chain(node, scope) {
            self.push(node, scope, c);
            return;
        }
        let r = self.r;
        if let Some(c) = r.rpc(node, scope) {
            self.push(node, scope, c);
            return;
        }
        let Some(callee) = r.callee(node) else {
            return;
        };
        let callee = r.unwrap(callee);
        r.choose(Vec::new());
        let found = self.recognise(node, callee, scope);
        let points = r.choice_points();
        match found {
            Some(c) => {
                let variants = if points.is_empty() {
                    vec![c]
                } else {
                    self.variants(node, callee, scope, c, points)
                };
                let single = variants.len() == 1;
                for c in variants {
                    if c.client == Client::NodeHttp {
                        self.http_requests.insert(node.id(), self.calls.len());
                    }
                    // `xhr.send(body)` names the `new XMLHttpRequest()` of `xhr.open(…)`.
                    if c.client == Client::Xhr {
                        if let Some(ctor) = self.xhr_ctor(callee, scope) {
                            self.http_requests.insert(ctor, self.calls.len());
                        }
                    }
                    let generic =
                        (single && c.client == Client::MethodCall).then_some(self.calls.len());
                    self.push(node, scope, c);
                    if generic.is_some() {
                        self.pending.push(wrappers::Pending {
                            node,
                            scope,
                            generic,
                        });
                    }
                }
            }
            None if matches!(callee.kind_name(), "identifier" | "member_expression") => {
                self.pending.push(wrappers::Pending {
                    node,
                    scope,
                    generic: None,
                });
            }
            None => {}
        }
    }

    /// The request a plain or member call makes, if it is one.
    fn recognise(&mut self, node: Node<'t>, callee: Node<'t>, scope: ScopeId) -> Option<HttpCall> {
        match callee.kind_name() {
            "identifier" => self.plain_call(node, callee, scope),
            "member_expression" => self.member_call(node, callee, scope),
            _ => None,
        }
    }

    /// A call whose URL has several values (`c ? a : b`, `x || 'https://…'`, a `let`
    /// assigned in both arms of an `if`): one request per distinct alternative (see
    /// [`crate::resolve::alternatives::variants`]), each saying which alternative it is.
    /// `first` is the request with the first alternative everywhere, `points` its
    /// choice points.
    fn variants(
        &mut self,
        node: Node<'t>,
        callee: Node<'t>,
        scope: ScopeId,
        first: HttpCall,
        points: Vec<crate::resolve::alternatives::ChoicePoint>,
    ) -> Vec<HttpCall> {
        let r = self.r;
        let out = crate::resolve::alternatives::variants(
            first,
            points,
            |choices| {
                r.choose(choices);
                let c = self.recognise(node, callee, scope)?;
                Some((c, r.choice_points()))
            },
            |o, c| {
                let same = o.url.display() == c.url.display() && o.method.name == c.method.name;
                // The same request read from another definition (two env files that
                // set the same URL): both definitions feed it.
                if same {
                    for rel in &c.related {
                        if !o
                            .related
                            .iter()
                            .any(|x| x.path == rel.path && x.span == rel.span)
                        {
                            o.related.push(rel.clone());
                        }
                    }
                }
                same
            },
            |c, said| c.alternative = Some(said),
        );
        r.choose(Vec::new());
        out
    }

    /// `fetch(…)`, `axios(…)`, `got(…)`, `ky(…)`, `request(…)`.
    fn plain_call(&self, node: Node<'t>, callee: Node<'t>, scope: ScopeId) -> Option<HttpCall> {
        let r = self.r;
        let name = r.text(callee);
        let recv = r.classify(callee, scope);
        match recv.as_ref().map(|x| x.lib) {
            Some(Lib::Fetch) => r.fetch(node, None, scope),
            Some(Lib::Axios) => r.axios(recv.as_ref()?, None, name.to_string(), node, scope),
            Some(Lib::Got | Lib::Ky) => {
                r.got_ky(recv.as_ref()?, None, name.to_string(), node, scope)
            }
            Some(Lib::Request) => r.request(recv.as_ref()?, None, name.to_string(), node, scope),
            Some(_) => None,
            None => {
                let local_function = r.scopes.lookup(name, scope).is_some_and(|b| {
                    matches!(r.scopes.binding(b).value, BindValue::None)
                        && r.scopes.binding(b).kind != super::scope::BindKind::Param
                });
                (is_fetch_name(name) && !local_function || name == "fetch")
                    .then(|| r.fetch(node, None, scope))
                    .flatten()
            }
        }
    }

    /// `x.<method>(…)` for every known receiver, and the generic shape.
    fn member_call(
        &mut self,
        node: Node<'t>,
        callee: Node<'t>,
        scope: ScopeId,
    ) -> Option<HttpCall> {
        let r = self.r;
        let object = callee.field("object")?;
        let prop = callee.field("property")?;
        let p = r.text(prop);
        let receiver = r.text(object).to_string();
        if let Some(w) = self.written(object, p, node) {
            self.writes.push((w.0, scope, w.1));
        }
        let recv = r.classify(object, scope);
        match recv.as_ref().map(|x| x.lib) {
            Some(Lib::Axios) => r.axios(recv.as_ref()?, Some(prop), receiver, node, scope),
            Some(Lib::Got | Lib::Ky) => r.got_ky(recv.as_ref()?, Some(prop), receiver, node, scope),
            Some(Lib::Request) => r.request(recv.as_ref()?, Some(prop), receiver, node, scope),
            Some(Lib::NodeHttp { https }) => r.node_http(https, prop, receiver, node, scope),
            Some(Lib::JQuery) => r.jquery(prop, receiver, node, scope),
            Some(Lib::Xhr) => r.xhr_open(object, prop, receiver, node, scope),
            Some(Lib::Pm) if p == "sendRequest" => r.pm_send_request(receiver, node, scope),
            Some(Lib::Fetch) if p == "default" || is_fetch_name(p) => {
                r.fetch(node, Some(receiver), scope)
            }
            Some(_) => None,
            None if is_fetch_name(p) => r.fetch(node, Some(receiver), scope),
            None => r.method_call(object, prop, node, scope),
        }
    }

    /// The node id of the `new XMLHttpRequest()` that the receiver of `xhr.open(…)`
    /// is bound to.
    fn xhr_ctor(&self, callee: Node<'t>, scope: ScopeId) -> Option<usize> {
        let object = callee.field("object")?;
        let recv = self.r.classify(object, scope)?;
        let (ctor, _) = recv.configs.first()?;
        Some(self.r.unwrap(*ctor).id())
    }

    /// `req.write(x)` / `req.end(x)` on a name: remembered for node http requests, and
    /// `xhr.send(x)` for `XMLHttpRequest`s.
    fn written(&self, object: Node<'t>, p: &str, call: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
        if !matches!(p, "write" | "end" | "send") || object.kind_name() != "identifier" {
            return None;
        }
        let arg = *self.r.args(call).first()?;
        (!matches!(arg.kind_name(), "arrow_function" | "function_expression"))
            .then_some((object, arg))
    }

    /// A superagent / supertest chain, reported once for the whole chain.
    fn chain(&mut self, outer: Node<'t>, scope: ScopeId) -> Option<HttpCall> {
        let mut spine = vec![outer];
        let mut cur = outer;
        while let Some(f) = self.r.callee(cur) {
            if f.kind_name() != "member_expression" {
                break;
            }
            match f.field("object") {
                Some(o) if o.kind_name() == "call_expression" => {
                    spine.push(o);
                    cur = o;
                }
                _ => break,
            }
        }
        for i in (0..spine.len()).rev() {
            let Some(mut c) = self.r.chain_start(spine[i], scope) else {
                continue;
            };
            let links: Vec<Node<'t>> = spine[..i].iter().rev().copied().collect();
            self.r.chain_links(&mut c, &links, scope);
            c.span = self.r.call_span(outer);
            for n in &spine {
                self.consumed.insert(n.id());
            }
            return Some(c);
        }
        None
    }

    // ------------------------------------------------------------ finishing

    fn finish(mut self) -> Found {
        self.attach_writes();
        let pending = std::mem::take(&mut self.pending);
        let summaries = wrappers::expand(
            self.r,
            &pending,
            wrappers::Calls {
                calls: &mut self.calls,
                nodes: &mut self.nodes,
            },
        );
        self.base_urls();
        self.calls
            .sort_by_key(|c| (c.span.start, std::cmp::Reverse(c.span.end)));
        self.secrets.sort_by_key(|s| (s.start, s.end));
        self.secrets.dedup();
        Found {
            calls: self.calls,
            secrets: self.secrets,
            summaries,
        }
    }

    fn attach_writes(&mut self) {
        let r = self.r;
        for (ident, scope, arg) in std::mem::take(&mut self.writes) {
            let Some(b) = r.scopes.lookup(r.text(ident), scope) else {
                continue;
            };
            let Some(BindValue::Expr(v)) = r.scopes.binding(b).fixed_value() else {
                continue;
            };
            let Some(&i) = self.http_requests.get(&r.unwrap(*v).id()) else {
                continue;
            };
            if self.calls[i].body.is_none() {
                self.calls[i].body = r.written_body(arg, scope);
            }
        }
    }

    /// Named absolute URLs that no reported call uses become `BaseUrl` calls.
    fn base_urls(&mut self) {
        let r = self.r;
        let mut used: HashSet<usize> = self
            .calls
            .iter()
            .flat_map(|c| c.url.pieces.iter())
            .filter_map(|p| self.literal_at(p))
            .collect();
        let mut found = Vec::new();
        for cand in std::mem::take(&mut self.candidates) {
            r.choose(Vec::new());
            let url = r.url(cand.node, cand.scope);
            if matches!(url.pieces.first(), Some(Piece::Lit { text, .. }) if is_absolute(text))
                || joins_a_path_under_an_address_name(&cand.path, &url.pieces)
                || cand
                    .key
                    .as_deref()
                    .is_some_and(|k| joins_a_path_under_an_address_name(k, &url.pieces))
            {
                found.push((cand, url));
            }
        }
        // A URL built from another named URL is reported instead of its part.
        found.sort_by_key(|(c, u)| (std::cmp::Reverse(u.pieces.len()), c.node.start_byte()));
        for (cand, url) in found {
            // Only the literals written here decide: `${USED_BASE}/api/2.0` is still a
            // base URL of its own.
            let range = cand.node.byte_range();
            let own: Vec<usize> = url
                .pieces
                .iter()
                .filter(|p| range.start <= p.span().start && p.span().end <= range.end)
                .filter_map(|p| self.literal_at(p))
                .collect();
            if own.is_empty() || own.iter().any(|l| used.contains(l)) {
                continue;
            }
            used.extend(url.pieces.iter().filter_map(|p| self.literal_at(p)));
            let span = cand.node.byte_range();
            let mut c = HttpCall::base_url(url.pieces, span);
            c.receiver = Some(cand.path);
            c.related = url.related;
            if let Some(headers) = self.sibling_headers(cand.node, cand.scope) {
                c.headers = headers;
            }
            self.calls.push(c);
        }
    }

    /// The headers given beside a base URL in one object (`{ BASE: '…', HEADERS: {…} }`,
    /// a generated client's configuration): they go with every request to that base.
    fn sibling_headers(&self, value: Node<'t>, scope: ScopeId) -> Option<crate::call::Fields> {
        let r = self.r;
        let up = |n: Node<'t>| r.scopes.parents.of(n);
        let mut pair = up(value)?;
        while matches!(
            pair.kind_name(),
            "parenthesized_expression" | "as_expression" | "satisfies_expression"
        ) {
            pair = up(pair)?;
        }
        if pair.kind_name() != "pair" {
            return None;
        }
        let object = up(pair)?;
        named_children(object).into_iter().find_map(|p| {
            if p.kind_name() != "pair" {
                return None;
            }
            let key = p.field("key")?;
            let name = r
                .string_lit(key)
                .map_or_else(|| r.text(key).to_string(), |s| s.0);
            let value = p.field("value")?;
            name.eq_ignore_ascii_case("headers")
                .then(|| r.fields(value, scope, false))
        })
    }

    /// The literal (string, template or number node, by its start) a URL piece's text
    /// comes from.
    fn literal_at(&self, piece: &Piece) -> Option<usize> {
        let Piece::Lit { span, .. } = piece else {
            return None;
        };
        if span.is_empty() {
            return None;
        }
        // The innermost literal containing the span: the last one starting at or
        // before it that also ends after it (literals nest only inside templates).
        let after = self
            .literals
            .partition_point(|&(start, _)| start <= span.start);
        self.literals[..after]
            .iter()
            .rev()
            .find(|&&(_, end)| span.end <= end)
            .map(|&(start, _)| start)
    }
}

/// `${auth.url}/api/2.0` bound to a name that says it is an address (`BASE`,
/// `baseUrl`, `apiRoot`): a path joined to a base not known here.
fn joins_a_path_under_an_address_name(path: &str, pieces: &[Piece]) -> bool {
    let [Piece::Hole { .. }, Piece::Lit { text, .. }, ..] = pieces else {
        return false;
    };
    let name = path.rsplit('.').next().unwrap_or(path);
    text.starts_with('/') && text.len() > 1 && crate::call::is_address_name(name)
}

fn operator(node: Node<'_>) -> Option<&'static str> {
    node.field("operator").map(|o| o.kind_name())
}
