//! Wrappers: calls of functions and methods that send a request on their caller's
//! behalf (see [`crate::resolve::wrapper`]).
//!
//! After the walk, each request found inside a function whose parameters flow into it
//! becomes a summary of that function. Each call the walk did not recognise (and each
//! generic `x.delete(url)` / `this.request('DELETE', path)`) whose callee is such a
//! function (declared here, a method of this class or of a class instantiated here, or
//! a function, class or instance exported by a relative module) becomes a request at
//! the call site, once per summary. A call made by a wrapper inside another function
//! may make that function a wrapper too: rounds repeat, at most
//! [`MAX_CHAIN`] wrappers deep, with at most [`MAX_SYNTHESISED`] requests per file.

use super::super::resolve::Resolver;
pub(in crate::frontend::javascript) use super::super::scope::is_function;
use super::super::scope::{named_children, ScopeId};
use crate::call::{HttpCall, Method, Related};
use crate::frontend::fields::ChildField as _;
use crate::resolve::wrapper::{instantiate, Arg, Wrapper, MAX_CHAIN};
use crate::resolve::Shape;
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// How many requests wrapper calls may add to one file.
const MAX_SYNTHESISED: usize = 500;

/// A call the walk met that may be a wrapper's.
pub(super) struct Pending<'t> {
    pub node: Node<'t>,
    pub scope: ScopeId,
    /// The generic method call reported for it, if any (replaced when the callee turns
    /// out to be a wrapper).
    pub generic: Option<usize>,
}

/// Where a callee's summaries are.
enum Target<'t> {
    /// A function of this file.
    Local(Node<'t>),
    /// A function of another module, with its summaries.
    Foreign(Vec<Wrapper>),
    /// A client instance of another module (its defaults), and where it is made.
    Client(Box<HttpCall>, Related),
}

/// The calls' list with each call's node and wrapper depth, as the walk keeps them.
pub(super) struct Calls<'c, 't> {
    pub calls: &'c mut Vec<HttpCall>,
    pub nodes: &'c mut Vec<(Node<'t>, usize)>,
}

/// Adds the requests of wrapper calls; returns the summaries of this file's functions
/// (by function node id).
pub(super) fn expand<'t>(
    r: &Resolver<'_, 't>,
    pending: &[Pending<'t>],
    out: Calls<'_, 't>,
) -> HashMap<usize, Vec<Wrapper>> {
    let mut summaries: HashMap<usize, Vec<Wrapper>> = HashMap::new();
    let targets: Vec<Option<Target<'t>>> = pending.iter().map(|p| target(r, p)).collect();
    // Requests through an instance made in another module: its base URL and headers.
    for (p, t) in pending.iter().zip(&targets) {
        if let (Some(g), Some(Target::Client(defaults, created))) = (p.generic, t) {
            crate::resolve::wrapper::through_client(defaults, created.clone(), &mut out.calls[g]);
        }
    }
    // Generic calls whose callee is a function known here: its summaries say what it
    // sends; they are not summarised themselves.
    let held: HashSet<usize> = pending
        .iter()
        .zip(&targets)
        .filter_map(|(p, t)| match t {
            Some(Target::Local(_)) => p.generic,
            Some(Target::Foreign(ws)) if !ws.is_empty() => p.generic,
            _ => None,
        })
        .collect();
    let mut replaced: HashSet<usize> = HashSet::new();
    let mut done: HashSet<(usize, usize, usize)> = HashSet::new();
    let mut summarised = 0;
    let mut added_total = 0;
    // The same request reached twice at one call (through mutual recursion, or two
    // summaries that say the same) is reported once.
    let mut seen: HashSet<(usize, usize, String, Option<String>)> = HashSet::new();
    for _round in 0..=MAX_CHAIN {
        for i in summarised..out.calls.len() {
            if held.contains(&i) {
                continue;
            }
            let (node, chain) = out.nodes[i];
            let Some(f) = enclosing_function(r, node) else {
                continue;
            };
            let params = params(r, f);
            if params.iter().all(String::is_empty)
                || !Wrapper::takes_parameters(&out.calls[i], &params)
            {
                continue;
            }
            let call = out.calls[i].clone();
            let (start, end) = (
                crate::resolve::position_of(r.text, call.span.start),
                crate::resolve::position_of(r.text, call.span.end),
            );
            summaries.entry(f.id()).or_default().push(Wrapper {
                params,
                call,
                path: r.project.map(|p| p.path.to_path_buf()).unwrap_or_default(),
                start,
                end,
                chain,
                headers_from: None,
            });
        }
        summarised = out.calls.len();
        let mut added = false;
        for (pi, (p, t)) in pending.iter().zip(&targets).enumerate() {
            let (key, ws): (usize, &[Wrapper]) = match t {
                // A function calling itself adds nothing it does not already send.
                Some(Target::Local(f)) if f.byte_range().contains(&p.node.start_byte()) => continue,
                Some(Target::Local(f)) => (
                    f.id(),
                    summaries.get(&f.id()).map(Vec::as_slice).unwrap_or(&[]),
                ),
                Some(Target::Foreign(ws)) => (usize::MAX, ws.as_slice()),
                Some(Target::Client(..)) | None => continue,
            };
            let mut new = Vec::new();
            for (wi, w) in ws.iter().enumerate() {
                if w.chain >= MAX_CHAIN || !done.insert((pi, key, wi)) {
                    continue;
                }
                if added_total >= MAX_SYNTHESISED {
                    break;
                }
                added_total += 1;
                let c = call_of(r, p, w);
                if seen.insert((
                    c.span.start,
                    c.span.end,
                    c.url.display(),
                    c.method.name.clone(),
                )) {
                    new.push((c, w.chain + 1));
                }
            }
            if !new.is_empty() {
                added = true;
                if let Some(g) = p.generic {
                    replaced.insert(g);
                }
            }
            for (c, chain) in new {
                out.calls.push(c);
                out.nodes.push((p.node, chain));
            }
        }
        if !added {
            break;
        }
    }
    if !replaced.is_empty() {
        let mut i = 0;
        out.calls.retain(|_| {
            i += 1;
            !replaced.contains(&(i - 1))
        });
        let mut i = 0;
        out.nodes.retain(|_| {
            i += 1;
            !replaced.contains(&(i - 1))
        });
    }
    summaries
}

/// The request a call of a wrapper sends, at the call site.
fn call_of<'t>(r: &Resolver<'_, 't>, p: &Pending<'t>, w: &Wrapper) -> HttpCall {
    let args: Vec<Option<Arg>> = r
        .args(p.node)
        .into_iter()
        .take(w.params.len())
        .map(|a| (a.kind_name() != "spread_element").then(|| arg(r, a, p.scope)))
        .collect();
    let callee = r.callee(p.node).unwrap_or(p.node);
    let mut c = instantiate(
        w,
        &args,
        r.call_span(p.node),
        callee.byte_range(),
        r.text(callee),
    );
    c.response = super::response::analyse(r, p.node, c.client);
    c.scope = Some(r.scopes.function_span(p.scope));
    c
}

/// What an argument gives a parameter.
fn arg<'t>(r: &Resolver<'_, 't>, a: Node<'t>, scope: ScopeId) -> Arg {
    let url = r.url(a, scope);
    let (method, headers) = match r.object_literal(a, scope) {
        Some((o, os)) => {
            let opts = r.opts(o, os);
            let method = match opts.get("method") {
                super::super::resolve::Lookup::Absent => None,
                found => Some(r.method_from(found, Method::implied("GET"))),
            };
            let headers = opts
                .get("headers")
                .found()
                .map(|(h, hs)| r.fields(h, hs, false));
            (method, headers)
        }
        None => (Some(r.method(a, scope)), None),
    };
    Arg {
        url: url.pieces,
        related: url.related,
        method,
        value: r.value(a, scope),
        body: r.body(a, scope, false),
        headers,
    }
}

/// The function a call calls, when it is known here or in a relative module.
fn target<'t>(r: &Resolver<'_, 't>, p: &Pending<'t>) -> Option<Target<'t>> {
    let callee = r.unwrap(r.callee(p.node)?);
    let scope = p.scope;
    let foreign = |n: Node<'t>, more: &[String]| {
        let v = r.imported(n, scope, more)?;
        match v.shape {
            Shape::Function { sends, .. } => Some(Target::Foreign(sends)),
            _ => None,
        }
    };
    match callee.kind_name() {
        "identifier" => r
            .local_function(callee, scope)
            .map(Target::Local)
            .or_else(|| foreign(callee, &[])),
        "member_expression" => {
            let key = r.member_key(callee)?;
            let object = r.unwrap(callee.field("object")?);
            if object.kind_name() == "this" {
                return r.local_function(callee, scope).map(Target::Local);
            }
            if let Some(t) = foreign(callee, &[]) {
                return Some(t);
            }
            if let Some(v) = r.imported(object, scope, &[]) {
                if let Shape::Client(defaults) = v.shape {
                    let expr = r.text(object).to_string();
                    let created = Related {
                        path: v.path,
                        span: v.span,
                        start: v.start,
                        end: v.end,
                        message: format!("`{expr}` is created here"),
                        expr,
                        local: object.byte_range(),
                        beside: Vec::new(),
                        learned: false,
                    };
                    return Some(Target::Client(defaults, created));
                }
            }
            if let Some(f) = r.local_function(callee, scope) {
                return Some(Target::Local(f));
            }
            // `new K(…).m()`, `k.m()` with `k = new K(…)`, `K.m()` (static).
            let (o, os) = r.follow(object, scope);
            let class = match o.kind_name() {
                "new_expression" => r.unwrap(o.field("constructor")?),
                "identifier" => o,
                _ => return None,
            };
            if class.kind_name() != "identifier" {
                return None;
            }
            let b = r.scopes.lookup(r.text(class), os)?;
            if let Some(d) = r.scopes.declaration(b) {
                return method_of(r, d, &key).map(Target::Local);
            }
            foreign(class, &[key])
        }
        _ => None,
    }
}

/// The method `name` of a class node (a method definition, or a field holding an
/// arrow function).
pub(in crate::frontend::javascript) fn method_of<'t>(
    r: &Resolver<'_, 't>,
    class: Node<'t>,
    name: &str,
) -> Option<Node<'t>> {
    let body = class.field("body")?;
    named_children(body)
        .into_iter()
        .find_map(|m| match m.kind_name() {
            "method_definition" => {
                let n = m.field("name")?;
                (r.text(n) == name).then_some(m)
            }
            "public_field_definition" | "field_definition" => {
                let n = m.field("name").or_else(|| m.field("property"))?;
                let v = r.unwrap(m.field("value")?);
                (r.text(n) == name && is_function(v.kind_name())).then_some(v)
            }
            _ => None,
        })
}

/// The methods of a class node with their names.
pub(in crate::frontend::javascript) fn methods<'t>(
    r: &Resolver<'_, 't>,
    class: Node<'t>,
) -> Vec<(String, Node<'t>)> {
    let Some(body) = class.field("body") else {
        return Vec::new();
    };
    named_children(body)
        .into_iter()
        .filter_map(|m| {
            let n = m.field("name").or_else(|| m.field("property"))?;
            let f = match m.kind_name() {
                "method_definition" => m,
                "public_field_definition" | "field_definition" => r.unwrap(m.field("value")?),
                _ => return None,
            };
            is_function(f.kind_name()).then(|| (r.text(n).to_string(), f))
        })
        .collect()
}

fn enclosing_function<'t>(r: &Resolver<'_, 't>, n: Node<'t>) -> Option<Node<'t>> {
    r.scopes
        .parents
        .ancestors(n)
        .find(|p| is_function(p.kind_name()))
}

/// The names of a function's parameters in order (`""` for a destructured one).
fn params(r: &Resolver<'_, '_>, f: Node<'_>) -> Vec<String> {
    if let Some(p) = f.field("parameter") {
        return vec![r.text(p).to_string()];
    }
    let Some(ps) = f.field("parameters") else {
        return Vec::new();
    };
    named_children(ps)
        .into_iter()
        .map(|p| {
            let name = match p.kind_name() {
                "identifier" => Some(p),
                "required_parameter" | "optional_parameter" => p.field("pattern"),
                "assignment_pattern" => p.field("left"),
                _ => None,
            };
            name.filter(|n| n.kind_name() == "identifier")
                .map(|n| r.text(n).to_string())
                .unwrap_or_default()
        })
        .collect()
}
