//! reqwest and ureq request chains, lowered into `HttpCall`s.
//!
//! A chain is read from its innermost expression outwards: the root (`client`,
//! `reqwest::Client::new()`, `ureq::delete(url)`), the link that names the method and
//! URL (`.delete(url)`, `.request(Method::DELETE, url)`), the builder links
//! (`.header`, `.query`, `.json`, `.form`, `.body`, `.set`, …), the link that sends
//! (`.send()`, `.call()`, `.send_json(..)`) and what is done with the response
//! (`.error_for_status()`, `.status().is_success()`). URLs and values are resolved
//! through the file's constants and the function's bindings ([`Resolver`]).

use super::macros::{self, ArgRef, FmtPiece};
use super::walk::{self, Function, Names};
use super::Src;
use crate::call::{
    find_placeholders, Body, BodyRead, Client, Field, Fields, HttpCall, Method, Piece, Span,
    UrlTemplate, Value, Via,
};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use syn::visit::Visit;
use syn::Expr;

const VERBS: [&str; 6] = ["get", "post", "put", "patch", "delete", "head"];

/// Builder links: their presence after `x.get(url)` says `x` is an HTTP client.
const BUILDER: [&str; 19] = [
    "send",
    "call",
    "header",
    "headers",
    "json",
    "form",
    "query",
    "query_pairs",
    "bearer_auth",
    "basic_auth",
    "body",
    "set",
    "send_json",
    "send_form",
    "send_string",
    "send_empty",
    "error_for_status",
    "timeout",
    "multipart",
];

/// One link of a chain as written: `.name(args)`, `.await` or `?`.
#[derive(Clone, Debug)]
pub struct Link {
    pub name: String,
    /// From the `.` (or `?`) to the closing parenthesis.
    pub span: Span,
    pub name_span: Span,
    pub args: Vec<Span>,
}

/// What the renderer needs besides the `HttpCall`.
#[derive(Clone, Debug, Default)]
pub struct ChainInfo {
    /// Links after the verb link (or after the root call), in order.
    pub links: Vec<Link>,
    /// The verb link itself (`None` when the root is a call such as `ureq::delete(u)`).
    pub verb: Option<Link>,
    /// `reqwest::get`, `ureq::delete`: the root function's path as written.
    pub root_fn: Option<String>,
    /// 2 or 3 for ureq (by the API the chain uses), 0 for reqwest.
    pub ureq: u8,
    /// The URL argument at the call site.
    pub url_arg: Span,
    /// The initialiser of the `let` binding the URL argument names, when the binding
    /// is used only there (the rewrite then edits the binding).
    pub url_binding: Option<Span>,
    /// `("company", …)` elements of `.query(&[…])`, by key.
    pub query_items: Vec<(String, Span)>,
    /// Index into `links` of the sending link.
    pub sender: Option<usize>,
    pub in_async: bool,
    pub fn_ret: String,
    /// The request is held in a binding and built on in later statements.
    pub held: bool,
}

#[derive(Clone)]
pub struct Found {
    pub call: HttpCall,
    pub info: ChainInfo,
}

/// Every request chain of the file, plus unused absolute URL constants (`BaseUrl`).
pub fn collect(src: &Src, file: &syn::File) -> Vec<Found> {
    collect_in(src, file, None)
}

/// [`collect`] for a file of the run's project: constants `use`d from the crate's
/// other modules are resolved through the project index.
pub fn collect_in(src: &Src, file: &syn::File, project: Option<Project<'_>>) -> Vec<Found> {
    let names = walk::collect(src, file);
    let mut v = Calls {
        r: Resolver {
            src,
            names: &names,
            vias: RefCell::new(Vec::new()),
            plain: RefCell::new(Vec::new()),
            project,
            related: RefCell::new(Vec::new()),
            frames: RefCell::new(Vec::new()),
            choices: Default::default(),
        },
        uses_ureq: src.text.contains("ureq"),
        uses_reqwest: src.text.contains("reqwest"),
        consumed: HashSet::new(),
        found: Vec::new(),
        held: HashMap::new(),
    };
    v.visit_file(file);
    let mut found = v.found;
    base_urls(&v.r, &mut found);
    found
}

struct Calls<'s, 'f> {
    r: Resolver<'s, 'f>,
    uses_ureq: bool,
    uses_reqwest: bool,
    /// Chain nodes already read as part of an outer chain.
    consumed: HashSet<*const Expr>,
    found: Vec<Found>,
    /// Requests held in a binding (`let req = client.delete(url);`), by function start
    /// and name (the index of the first of its alternatives, and how many there are):
    /// later `req.header(..)` / `req.send()` chains continue them.
    held: HashMap<(usize, String), (usize, usize)>,
}

enum Step<'f> {
    Method(&'f syn::ExprMethodCall),
    Await(&'f syn::ExprAwait),
    Try(&'f syn::ExprTry),
}

impl<'f> Visit<'f> for Calls<'_, 'f> {
    fn visit_expr(&mut self, node: &'f Expr) {
        if !self.consumed.contains(&(node as *const Expr))
            && matches!(
                node,
                Expr::MethodCall(_) | Expr::Await(_) | Expr::Try(_) | Expr::Call(_)
            )
        {
            self.chain(node);
        }
        syn::visit::visit_expr(self, node);
    }
}

fn path_text(path: &syn::Path) -> String {
    segments_of(path).join("::")
}

/// A path's segments' names (`config::BASE` → `["config", "BASE"]`).
fn segments_of(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

impl<'s, 'f> Calls<'s, 'f> {
    fn link(&self, step: &Step<'f>) -> Link {
        let src = self.r.src;
        match step {
            Step::Method(m) => {
                let dot = src.span(m.dot_token.span).start;
                let end = src.span(m.paren_token.span.close()).end;
                Link {
                    name: m.method.to_string(),
                    span: dot..end,
                    name_span: src.span(m.method.span()),
                    args: m.args.iter().map(|a| src.of(a)).collect(),
                }
            }
            Step::Await(a) => {
                let dot = src.span(a.dot_token.span).start;
                let end = src.span(a.await_token.span).end;
                Link {
                    name: "await".into(),
                    span: dot..end,
                    name_span: dot + 1..end,
                    args: Vec::new(),
                }
            }
            Step::Try(t) => {
                let q = src.span(t.question_token.span);
                Link {
                    name: "?".into(),
                    span: q.clone(),
                    name_span: q,
                    args: Vec::new(),
                }
            }
        }
    }

    fn chain(&mut self, outer: &'f Expr) {
        // Flatten, outermost first.
        let mut steps: Vec<Step<'f>> = Vec::new();
        let mut nodes: Vec<*const Expr> = Vec::new();
        let mut e = outer;
        loop {
            nodes.push(e as *const Expr);
            match e {
                Expr::MethodCall(m) => {
                    steps.push(Step::Method(m));
                    e = &m.receiver;
                }
                Expr::Await(a) => {
                    steps.push(Step::Await(a));
                    e = &a.base;
                }
                Expr::Try(t) => {
                    steps.push(Step::Try(t));
                    e = &t.expr;
                }
                Expr::Paren(p) => e = &p.expr,
                _ => break,
            }
        }
        steps.reverse();
        let root = e;
        let src = self.r.src;

        // The verb: a root function (`reqwest::get(u)`, `ureq::delete(u)`) or a link.
        let mut root_fn = None;
        let mut verb_at = None;
        let mut method = None;
        let mut url_expr: Option<&'f Expr> = None;
        if let Expr::Call(c) = root {
            if let Expr::Path(p) = c.func.as_ref() {
                let path = path_text(&p.path);
                let last = p.path.segments.last().map(|s| s.ident.to_string());
                let lib = path.starts_with("reqwest::") || path.starts_with("ureq::");
                if let (true, Some(last)) = (lib, last) {
                    let name_span = src.span(p.path.segments.last().unwrap().ident.span());
                    if VERBS.contains(&last.as_str()) && c.args.len() == 1 {
                        method = Some(Method::known(&last, Some(name_span)));
                        url_expr = c.args.first();
                        root_fn = Some(path);
                    } else if last == "request" && c.args.len() == 2 {
                        method = Some(self.method_arg(&c.args[0]));
                        url_expr = c.args.get(1);
                        root_fn = Some(path);
                    }
                }
            }
        }
        if root_fn.is_none() {
            for (i, s) in steps.iter().enumerate() {
                let Step::Method(m) = s else { continue };
                let name = m.method.to_string();
                if VERBS.contains(&name.as_str()) && m.args.len() == 1 {
                    method = Some(Method::known(&name, Some(src.span(m.method.span()))));
                    url_expr = m.args.first();
                    verb_at = Some(i);
                    break;
                }
                if name == "request" && m.args.len() == 2 {
                    method = Some(self.method_arg(&m.args[0]));
                    url_expr = m.args.get(1);
                    verb_at = Some(i);
                    break;
                }
            }
        }
        let (Some(method), Some(url_expr)) = (method, url_expr) else {
            self.continue_held(outer, root, &steps, &nodes);
            return;
        };
        let after: &[Step] = match verb_at {
            Some(i) => &steps[i + 1..],
            None => &steps[..],
        };
        let links: Vec<Link> = after.iter().map(|s| self.link(s)).collect();
        let receiver = match verb_at {
            Some(i) => {
                let Step::Method(m) = &steps[i] else {
                    unreachable!()
                };
                Some(&*m.receiver)
            }
            None => None,
        };
        let receiver_text = receiver.map(|r| src.slice(&src.of(r)).to_string());
        let start = src.of(root).start;
        let func = self.r.names.function_at(start);
        let binding_init = receiver
            .and_then(walk::ident_of)
            .and_then(|n| func.and_then(|f| f.binding(&n, start)))
            .map(|b| src.slice(&src.of(b.init)).to_string())
            .unwrap_or_default();
        if root_fn.is_none() {
            let clientish = receiver.is_some_and(clientish)
                || ["Client", "reqwest", "ureq", "Agent"]
                    .iter()
                    .any(|w| binding_init.contains(w));
            let built = links.iter().any(|l| BUILDER.contains(&l.name.as_str()));
            if !clientish && !built {
                return;
            }
        }
        for n in &nodes {
            self.consumed.insert(*n);
        }

        let names: Vec<&str> = links.iter().map(|l| l.name.as_str()).collect();
        let ureq_hint = root_fn.as_deref().is_some_and(|p| p.starts_with("ureq"))
            || receiver_text
                .as_deref()
                .is_some_and(|r| r.contains("ureq") || r.to_ascii_lowercase().contains("agent"))
            || binding_init.contains("ureq")
            || binding_init.contains("Agent")
            || names.iter().any(|n| {
                matches!(
                    *n,
                    "set" | "call" | "send_json" | "send_form" | "send_string" | "send_empty"
                )
            })
            || (self.uses_ureq && !self.uses_reqwest);
        let client = if ureq_hint {
            Client::Ureq
        } else {
            Client::Reqwest
        };
        let ureq = match client {
            Client::Ureq
                if names.iter().any(|n| matches!(*n, "header" | "send_empty"))
                    || src.text.contains("new_with_defaults")
                    || src.text.contains("config_builder") =>
            {
                3
            }
            Client::Ureq => 2,
            _ => 0,
        };

        let call_end = src.of(outer).end;
        self.r.choices.choose(Vec::new());
        let url = self.r.url(url_expr);
        let points = self.r.choices.met();
        let mut call = HttpCall::new(client, method, url.0, start..call_end);
        call.vias = url.1;
        call.unformatted = url.2;
        call.related = self.r.take_related();
        call.receiver = receiver_text.or_else(|| root_fn.clone());
        call.scope = Some(func.map_or(0..src.text.len(), |f| f.span.clone()));

        let mut info = ChainInfo {
            verb: verb_at.map(|i| self.link(&steps[i])),
            root_fn,
            ureq,
            url_arg: src.of(url_expr),
            in_async: func.is_some_and(|f| f.is_async),
            fn_ret: func.map(|f| f.ret.clone()).unwrap_or_default(),
            ..ChainInfo::default()
        };
        if let (Some(f), Some(name)) = (func, walk::ident_of(strip_ref(url_expr))) {
            if let Some(b) = f.binding(&name, start) {
                let uses = count_uses(src.slice(&(b.stmt.end..f.span.end)), &name);
                let mutated = f.mutations_of(b, f.span.end).next().is_some()
                    || f.assignments
                        .iter()
                        .any(|a| a.name == name && a.at > b.stmt.end);
                if uses == 1 && !mutated {
                    info.url_binding = Some(src.of(b.init));
                }
            }
        }

        info.links = links;
        self.apply_links(&mut call, &mut info, after, 0);
        if let Some(f) = func {
            let span = call.span.clone();
            self.response_use(f, &mut call, span, &info.links, info.sender);
        }
        // A URL with alternatives: one request per distinct alternative, each saying
        // which it is.
        let first = Found { call, info };
        let found = if points.is_empty() {
            vec![first]
        } else {
            let r = &self.r;
            let out = crate::resolve::alternatives::variants(
                first.clone(),
                points,
                |choices| {
                    r.choices.choose(choices);
                    let (url, vias, unformatted) = r.url(url_expr);
                    let mut other = first.clone();
                    other.call.url = url;
                    other.call.vias = vias;
                    other.call.unformatted = unformatted;
                    other.call.related = r.take_related();
                    Some((other, r.choices.met()))
                },
                |a, b| {
                    a.call.url.display() == b.call.url.display()
                        && a.call.method.name == b.call.method.name
                },
                |f, said| f.call.alternative = Some(said),
            );
            r.choices.choose(Vec::new());
            out
        };
        if let Some(f) = func {
            // `let req = client.delete(url);`: later statements may go on building it
            // (every alternative of it).
            if let Some(b) = f.bindings.iter().find(|b| std::ptr::eq(b.init, outer)) {
                self.held.insert(
                    (f.span.start, b.name.clone()),
                    (self.found.len(), found.len()),
                );
            }
        }
        self.found.extend(found);
    }

    /// Reads builder links (`after[i]` is `info.links[offset + i]`) into the call: up to
    /// the sender, then what is done with the response.
    fn apply_links(
        &self,
        call: &mut HttpCall,
        info: &mut ChainInfo,
        after: &[Step<'f>],
        offset: usize,
    ) {
        let src = self.r.src;
        let mut sent = info.sender.is_some();
        for (i, step) in after.iter().enumerate() {
            let link = &info.links[offset + i].clone();
            let Step::Method(m) = step else {
                if sent && call.response.awaited.is_none() {
                    call.response.awaited = Some(link.span.clone());
                }
                continue;
            };
            let args: Vec<&Expr> = m.args.iter().collect();
            if sent {
                match link.name.as_str() {
                    "error_for_status" | "error_for_status_ref" => {
                        call.response.status_checks.push(link.span.clone())
                    }
                    "status" => {
                        let end = info
                            .links
                            .get(offset + i + 1)
                            .map_or(link.span.end, |l| l.span.end);
                        call.response.status_checks.push(link.span.start..end);
                    }
                    "unwrap" | "expect" if call.response.awaited.is_none() => {
                        call.response.awaited = Some(link.span.clone())
                    }
                    _ => {}
                }
                continue;
            }
            match (link.name.as_str(), args.as_slice()) {
                ("header" | "set", [k, v]) => {
                    let (key, key_span) = self.header_name(k);
                    call.headers.entries.push(Field {
                        key,
                        key_span,
                        value: self.r.value(v),
                    });
                }
                ("headers", _) => call.headers.open = true,
                ("bearer_auth", [t]) => call.headers.entries.push(Field {
                    key: "Authorization".into(),
                    key_span: link.name_span.clone(),
                    value: prefixed("Bearer ", self.r.value(t)),
                }),
                ("basic_auth", [u, _]) => call.headers.entries.push(Field {
                    key: "Authorization".into(),
                    key_span: link.name_span.clone(),
                    value: Value::Expr {
                        text: format!("Basic {}", src.slice(&src.of(*u))),
                        span: link.span.clone(),
                    },
                }),
                ("query", [pairs]) | ("query_pairs", [pairs]) => {
                    let (fields, items) = self.r.pairs(pairs);
                    call.query.entries.extend(fields.entries);
                    call.query.open |= fields.open;
                    call.query.span = fields.span;
                    info.query_items.extend(items);
                }
                ("query", [k, v]) => {
                    if let Some(key) = self.r.string(k) {
                        call.query.entries.push(Field {
                            key,
                            key_span: src.of(*k),
                            value: self.r.value(v),
                        });
                        info.query_items
                            .push((self.r.string(k).unwrap_or_default(), link.span.clone()));
                    } else {
                        call.query.open = true;
                    }
                }
                ("json" | "send_json", [b]) => {
                    call.body = Some(match self.r.value(b) {
                        Value::Expr { text, span } => Body::Expr { text, span },
                        value => Body::Json { value },
                    });
                }
                ("form" | "send_form", [b]) => {
                    call.body = Some(Body::Form {
                        fields: self.r.pairs(b).0,
                    })
                }
                ("body" | "send_string" | "send", [b]) => call.body = Some(self.r.raw_body(b)),
                _ => {}
            }
            if matches!(
                link.name.as_str(),
                "send"
                    | "call"
                    | "send_json"
                    | "send_form"
                    | "send_string"
                    | "send_bytes"
                    | "send_empty"
            ) {
                sent = true;
                info.sender = Some(offset + i);
            }
        }
    }

    /// `req.header(..)`, `req.send()` on a request held in `let req = client.delete(..)`
    /// (or re-bound `let req = req.header(..)`): the links belong to that request.
    fn continue_held(
        &mut self,
        outer: &'f Expr,
        root: &'f Expr,
        steps: &[Step<'f>],
        nodes: &[*const Expr],
    ) {
        let Some(name) = walk::ident_of(root) else {
            return;
        };
        let Some(Step::Method(first)) = steps.first() else {
            return;
        };
        if !BUILDER.contains(&first.method.to_string().as_str()) {
            return;
        }
        let start = self.r.src.of(root).start;
        let Some(f) = self.r.names.function_at(start) else {
            return;
        };
        let Some(&(index, count)) = self.held.get(&(f.span.start, name.clone())) else {
            return;
        };
        // The name must still be the request: its last binding is the request's or a
        // re-binding of it (`let req = req.header(..)`).
        let Some(b) = f.binding(&name, start) else {
            return;
        };
        let init = self.r.src.of(b.init);
        let held_span = self.found[index].call.span.clone();
        let rebinding = walk::ident_of(chain_root(b.init)).as_deref() == Some(name.as_str());
        let original = init.start <= held_span.start && held_span.end <= init.end;
        if !(original || rebinding) {
            return;
        }
        for n in nodes {
            self.consumed.insert(*n);
        }
        let links: Vec<Link> = steps.iter().map(|s| self.link(s)).collect();
        for index in index..index + count {
            let mut found = self.found.remove(index);
            let offset = found.info.links.len();
            found.info.links.extend(links.iter().cloned());
            found.info.held = true;
            let had_sender = found.info.sender.is_some();
            self.apply_links(&mut found.call, &mut found.info, steps, offset);
            if !had_sender && found.info.sender.is_some() {
                // `let resp = req.send()?;`: what is done with `resp` judges the request.
                let sent = self.r.src.of(outer);
                let sender = found.info.sender;
                let links = found.info.links.clone();
                self.response_use(f, &mut found.call, sent, &links, sender);
            }
            self.found.insert(index, found);
        }
    }

    /// `Method::DELETE`, `reqwest::Method::PUT`, `"DELETE"`.
    fn method_arg(&self, e: &Expr) -> Method {
        let src = self.r.src;
        match strip_ref(e) {
            Expr::Path(p) => {
                let last = p.path.segments.last().expect("a path has a segment");
                let name = last.ident.to_string();
                if VERBS.contains(&name.to_ascii_lowercase().as_str())
                    && name.chars().all(|c| c.is_ascii_uppercase())
                {
                    return Method::known(&name, Some(src.span(last.ident.span())));
                }
                Method::unknown(src.slice(&src.of(e)).to_string(), src.of(e))
            }
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => {
                let lit = macros::str_lit(src, s);
                if VERBS.contains(&lit.value.to_ascii_lowercase().as_str()) {
                    Method::known(&lit.value, Some(lit.inner))
                } else {
                    Method::unknown(lit.value, src.of(e))
                }
            }
            _ => Method::unknown(src.slice(&src.of(e)).to_string(), src.of(e)),
        }
    }

    /// A header name: a string, or a `http::header` constant (`AUTHORIZATION`).
    fn header_name(&self, e: &Expr) -> (String, Span) {
        let src = self.r.src;
        let span = src.of(e);
        if let Some(s) = self.r.string(e) {
            return (s, span);
        }
        // A name constant of another module (`.header(SESSION, key)` with `SESSION`
        // from `config.rs`).
        if let Some(s) = self.r.foreign_literal(strip_ref(e)) {
            return (s, span);
        }
        if let Expr::Path(p) = strip_ref(e) {
            let last = p.path.segments.last().expect("a path has a segment");
            let name = last.ident.to_string();
            if name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                return (name.to_ascii_lowercase().replace('_', "-"), span);
            }
        }
        (src.slice(&span).to_string(), span)
    }

    /// Status checks and body reads on the binding the response is stored in.
    /// `sent` is the expression that sends the request (the call's chain, or the
    /// statement that sends a held request).
    fn response_use(
        &self,
        f: &Function,
        call: &mut HttpCall,
        sent: Span,
        links: &[Link],
        sender: Option<usize>,
    ) {
        let src = self.r.src;
        let Some(b) = f.bindings.iter().find(|b| {
            let s = src.of(b.init);
            s.start <= sent.start && sent.end <= s.end
        }) else {
            return;
        };
        let after = b.stmt.end..f.span.end;
        let rest = src.slice(&after);
        let name = regex::escape(&b.name);
        let parsed_here = sender.is_some_and(|s| {
            links[s + 1..]
                .iter()
                .any(|l| matches!(l.name.as_str(), "json" | "into_json" | "read_json"))
        });
        let status = regex::Regex::new(&format!(
            r"\b{name}\s*\.\s*(?:status\s*\(\s*\)\s*(?:\.\s*is_success\s*\(\s*\)|\.\s*as_u16\s*\(\s*\)\s*[=!<>]=?\s*\d+|[=!]=\s*(?:\d+|StatusCode::\w+|reqwest::StatusCode::\w+))|error_for_status(?:_ref)?\s*\(\s*\))"
        ))
        .expect("valid regex");
        if !parsed_here {
            for m in status.find_iter(rest) {
                call.response
                    .status_checks
                    .push(after.start + m.start()..after.start + m.end());
            }
        }
        // The parsed body: the binding itself, or `let v = resp.json()…`.
        let mut bodies = Vec::new();
        if parsed_here {
            bodies.push((b.name.clone(), after.start));
        } else {
            let parse = regex::Regex::new(&format!(
                r"let\s+(?:mut\s+)?(\w+)\s*(?::[^=;]*)?=\s*{name}\s*\.[^;]*?\b(?:json|into_json|read_json)\b"
            ))
            .expect("valid regex");
            for c in parse.captures_iter(rest) {
                let m = c.get(0).expect("match");
                bodies.push((c[1].to_string(), after.start + m.end()));
            }
        }
        let seg = r#"(?:\s*\[\s*"(\w+)"\s*\]|\s*\.\s*get\s*\(\s*"(\w+)"\s*\))"#;
        for (var, from) in bodies {
            let read = regex::Regex::new(&format!(r"\b{}((?:{seg})+)", regex::escape(&var)))
                .expect("valid regex");
            let one = regex::Regex::new(seg).expect("valid regex");
            let text = src.slice(&(from..f.span.end));
            for c in read.captures_iter(text) {
                let m = c.get(0).expect("match");
                let path: Vec<&str> = one
                    .captures_iter(&c[1])
                    .filter_map(|s| s.get(1).or(s.get(2)).map(|x| x.as_str()))
                    .collect();
                call.response.body_reads.push(BodyRead {
                    path: path.join("."),
                    span: from + m.start()..from + m.end(),
                });
            }
        }
    }
}

/// Whether an expression reads as an HTTP client: a name that says so (`client`,
/// `self.http`, `agent`), a client constructor (`reqwest::Client::new()`,
/// `ureq::agent()`), or a builder's result (`Client::builder().build()?`). The result
/// of other method calls (`resp.headers()`) is not.
fn clientish(e: &Expr) -> bool {
    let named = |name: &str| {
        let lower = name.to_ascii_lowercase();
        ["client", "agent", "http", "reqwest", "ureq"]
            .iter()
            .any(|w| lower.contains(w))
    };
    match e {
        Expr::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| named(&s.ident.to_string())),
        Expr::Field(f) => match &f.member {
            syn::Member::Named(n) => named(&n.to_string()),
            syn::Member::Unnamed(_) => false,
        },
        Expr::Reference(r) => clientish(&r.expr),
        Expr::Paren(p) => clientish(&p.expr),
        Expr::Try(t) => clientish(&t.expr),
        Expr::Call(c) => match c.func.as_ref() {
            Expr::Path(p) => {
                let path = path_text(&p.path);
                ["Client", "Agent", "reqwest", "ureq", "agent"]
                    .iter()
                    .any(|w| path.contains(w))
            }
            _ => false,
        },
        Expr::MethodCall(m) => {
            matches!(
                m.method.to_string().as_str(),
                "build" | "clone" | "unwrap" | "expect" | "new_agent" | "into"
            ) && clientish(&m.receiver)
                || m.method == "build"
        }
        _ => false,
    }
}

/// `Url::join` where it is a plain concatenation: a base that is only an origin with
/// an absolute path (`https://host` + `/api/2.0/users`), or a base ending in `/` with a
/// relative one. Other joins replace part of the base: not resolved.
fn url_join(base: Vec<Piece>, rel: Vec<Piece>) -> Option<Vec<Piece>> {
    let mut text = String::new();
    for p in &base {
        match p {
            Piece::Lit { text: t, .. } => text.push_str(t),
            Piece::Hole { .. } => return None,
        }
    }
    let Some(Piece::Lit { text: first, .. }) = rel.first() else {
        return None;
    };
    let (_, rest) = text.split_once("://")?;
    let origin_only = !rest.contains('/') && !rest.is_empty();
    let ok = if first.starts_with('/') {
        origin_only && !first.starts_with("//")
    } else {
        text.ends_with('/') && !first.contains("://") && !first.starts_with('.')
    };
    ok.then(|| base.into_iter().chain(rel).collect())
}

/// The innermost receiver of a method chain (`req` in `req.header(..).send()?`).
fn chain_root(mut e: &Expr) -> &Expr {
    loop {
        match e {
            Expr::MethodCall(m) => e = &m.receiver,
            Expr::Await(a) => e = &a.base,
            Expr::Try(t) => e = &t.expr,
            Expr::Paren(p) => e = &p.expr,
            _ => return e,
        }
    }
}

fn count_uses(text: &str, name: &str) -> usize {
    regex::Regex::new(&format!(r"\b{}\b", regex::escape(name)))
        .expect("valid regex")
        .find_iter(text)
        .count()
}

fn prefixed(prefix: &str, v: Value) -> Value {
    match v {
        Value::Str { value, span } => Value::Str {
            value: format!("{prefix}{value}"),
            span,
        },
        other => Value::Expr {
            text: format!("{prefix}{}", other.text()),
            span: other.span(),
        },
    }
}

pub fn strip_ref(mut e: &Expr) -> &Expr {
    loop {
        match e {
            Expr::Reference(r) => e = &r.expr,
            Expr::Paren(p) => e = &p.expr,
            Expr::Group(g) => e = &g.expr,
            _ => return e,
        }
    }
}

/// Resolves URL pieces and values through the file's constants and the enclosing
/// function's bindings.
pub struct Resolver<'s, 'f> {
    pub src: &'s Src<'s>,
    pub names: &'s Names<'f>,
    vias: RefCell<Vec<Via>>,
    /// Plain (non-format) literals of the URL being resolved, for API004.
    plain: RefCell<Vec<(String, Span, bool)>>,
    /// The project the file belongs to: constants `use`d from other modules of the
    /// crate are looked up there.
    pub project: Option<Project<'s>>,
    /// Parts of the URL being resolved that other modules define.
    related: RefCell<Vec<crate::call::Related>>,
    /// URL helpers being read, innermost last: the helper's span and its parameters
    /// with the call's arguments and where the call is (see [`Resolver::helper`]).
    frames: RefCell<Vec<Frame>>,
    /// Which alternative to take at each choice point met while one call's URL is
    /// resolved, and the choice points met (see [`crate::resolve::alternatives`]).
    pub choices: crate::resolve::alternatives::Choices,
}

/// The values a name may hold at a place (each with where it is written) and the
/// mutations appending to it (with where they are).
struct NamedValues<'f> {
    values: Vec<(&'f Expr, usize)>,
    appended: Vec<(usize, &'f Expr)>,
}

impl<'f> NamedValues<'f> {
    /// What is appended to the name after the value written at `pos`.
    fn appended_after(&self, pos: usize) -> Vec<&'f Expr> {
        self.appended
            .iter()
            .filter(|(m, _)| *m > pos)
            .map(|(_, e)| *e)
            .collect()
    }
}

/// The value taken for a name (`None`: known only at run time), the mutations that
/// append to it, and where it is written.
type Taken<'f> = (Option<&'f Expr>, Vec<&'f Expr>, usize);

/// One alternative of a value: an expression, or what only the run time knows (the
/// environment variable read).
enum Alt<'e> {
    Value(&'e Expr),
    RunTime(&'e Expr),
}

/// `Lazy::new`, `LazyLock::new`, `LazyCell::new` (once_cell's and the standard
/// library's lazily built values).
fn is_lazy_new(path: &syn::Path) -> bool {
    let n = path.segments.len();
    n >= 2
        && path.segments[n - 1].ident == "new"
        && matches!(
            path.segments[n - 2].ident.to_string().as_str(),
            "Lazy" | "LazyLock" | "LazyCell"
        )
}

/// The arms of an `if` with an `else` (an `else if` adding its own); `None` without an
/// `else`.
fn if_arms<'e>(i: &'e syn::ExprIf, out: &mut Vec<Alt<'e>>) -> Option<()> {
    if let Some(v) = block_value(&i.then_branch) {
        out.push(Alt::Value(v));
    }
    let (_, other) = i.else_branch.as_ref()?;
    match other.as_ref() {
        Expr::If(inner) => if_arms(inner, out),
        e => {
            if let Some(v) = produced(e) {
                out.push(Alt::Value(v));
            }
            Some(())
        }
    }
}

/// The value a block ends with, unless it diverges.
fn block_value(b: &syn::Block) -> Option<&Expr> {
    match b.stmts.last()? {
        syn::Stmt::Expr(e, None) => produced(e),
        _ => None,
    }
}

/// The value an arm (an expression or a block) gives, unless it diverges (`return`,
/// `panic!`, `unreachable!`, …).
fn produced(e: &Expr) -> Option<&Expr> {
    match e {
        Expr::Block(b) if b.label.is_none() => block_value(&b.block),
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => None,
        Expr::Macro(m)
            if m.mac.path.segments.last().is_some_and(|s| {
                matches!(
                    s.ident.to_string().as_str(),
                    "panic" | "unreachable" | "todo" | "unimplemented" | "bail"
                )
            }) =>
        {
            None
        }
        e => Some(e),
    }
}

/// A URL helper being read: its span, its parameters with the call's arguments, and
/// where the call is.
type Frame = (Span, Vec<(String, Expr)>, usize);

/// How many URL helpers deep a returned URL is read.
const MAX_FRAMES: usize = 3;

/// The file being resolved, inside the run's project index.
#[derive(Clone, Copy)]
pub struct Project<'a> {
    pub index: &'a crate::resolve::ProjectIndex,
    pub path: &'a std::path::Path,
    pub depth: usize,
}

const DEPTH: usize = 8;

impl<'s, 'f> Resolver<'s, 'f> {
    /// The URL template, its vias and its unformatted placeholders.
    pub fn url(&self, e: &Expr) -> (UrlTemplate, Vec<Via>, Vec<crate::call::Placeholder>) {
        self.vias.borrow_mut().clear();
        self.plain.borrow_mut().clear();
        self.related.borrow_mut().clear();
        let at = self.src.of(e).start;
        let pieces = merge(self.pieces(e, at, DEPTH, false));
        let vias = std::mem::take(&mut *self.vias.borrow_mut());
        let unformatted = self
            .plain
            .borrow()
            .iter()
            .flat_map(|(t, s, exact)| find_placeholders(t, s, *exact, false))
            .collect();
        (
            UrlTemplate {
                pieces,
                span: self.src.of(e),
            },
            vias,
            unformatted,
        )
    }

    /// A resolver of a module lowered for the project index.
    pub fn with_project(src: &'s Src<'s>, names: &'s Names<'f>, project: Project<'s>) -> Self {
        Resolver {
            src,
            names,
            vias: RefCell::new(Vec::new()),
            plain: RefCell::new(Vec::new()),
            project: Some(project),
            related: RefCell::new(Vec::new()),
            frames: RefCell::new(Vec::new()),
            choices: Default::default(),
        }
    }

    /// The parts of the last resolved URL that other modules define.
    pub fn take_related(&self) -> Vec<crate::call::Related> {
        std::mem::take(&mut *self.related.borrow_mut())
    }

    /// The module path and item name a path expression names in the crate: through
    /// the file's `use`s (`BASE` with `use crate::config::BASE`, `config::BASE` with
    /// `use crate::config`), or as written (`crate::config::BASE`, `config::BASE` of a
    /// `mod config;`).
    fn crate_item(&self, segments: &[String]) -> Vec<(String, String)> {
        let (first, rest) = match segments.split_first() {
            Some(x) => x,
            None => return Vec::new(),
        };
        let mut full: Vec<String> = match self.names.uses.get(first) {
            Some(path) => path.split("::").map(str::to_string).collect(),
            None => vec![first.clone()],
        };
        full.extend(rest.iter().cloned());
        let mut out = Vec::new();
        if full.len() >= 2 {
            let (name, module) = full.split_last().unwrap_or((first, &[]));
            out.push((module.join("::"), name.clone()));
        } else {
            // A name of a glob-imported module.
            for (glob, _) in &self.names.globs {
                out.push((glob.clone(), first.clone()));
            }
        }
        out
    }

    /// `self.cfg.base` (the field access `f`, at `e`): the one initialiser of `base` in
    /// the struct literals of the type that the field `cfg` of this impl's struct has.
    fn nested_field(
        &self,
        e: &Expr,
        f: &syn::ExprField,
        depth: usize,
        in_format: bool,
    ) -> Option<Vec<Piece>> {
        let src = self.src;
        let Expr::Field(inner) = f.base.as_ref() else {
            return None;
        };
        let (syn::Member::Named(outer), syn::Member::Named(name)) = (&inner.member, &f.member)
        else {
            return None;
        };
        let owner = self.names.impl_at(src.of(e).start)?;
        let ty = self
            .names
            .field_types
            .get(&(owner.to_string(), outer.to_string()))?;
        if let Some(inits) = self.names.typed_fields.get(&(ty.clone(), name.to_string())) {
            let [init] = inits.as_slice() else {
                return None;
            };
            let out = self.pieces(init, src.of(*init).start, depth - 1, in_format);
            if let [Piece::Lit { span, .. }] = out.as_slice() {
                self.vias.borrow_mut().push(Via {
                    literal: span.clone(),
                    expr: src.slice(&src.of(e)).to_string(),
                });
            }
            return out
                .iter()
                .any(|p| matches!(p, Piece::Lit { .. }))
                .then_some(out);
        }
        // A struct of another module of the crate: its exported fields.
        let expr = src.slice(&src.of(e)).to_string();
        self.foreign_at(
            std::slice::from_ref(ty),
            &[name.to_string()],
            &expr,
            src.of(e),
            false,
        )
    }

    /// The pieces of a constant that another module of the crate defines, spelled at
    /// `e` (the call site keeps its own spans), and where it is defined.
    fn foreign(&self, segments: &[String], span: Span) -> Option<Vec<Piece>> {
        let expr = segments.join("::");
        self.foreign_at(segments, &[], &expr, span.clone(), false)
            .or_else(|| {
                // An associated constant: the field `BASE` of the type `Config`.
                let (name, ty) = segments.split_last()?;
                if ty.is_empty() {
                    return None;
                }
                self.foreign_at(ty, std::slice::from_ref(name), &expr, span, false)
            })
    }

    /// The one literal string a constant of another module of the crate is (a header
    /// name `use`d from `config.rs`); `None` for anything else, and for a path this
    /// file defines.
    pub fn foreign_literal(&self, e: &Expr) -> Option<String> {
        use crate::resolve::{Shape, TextPiece};
        let Expr::Path(p) = e else { return None };
        if p.qself.is_some() {
            return None;
        }
        let segments = segments_of(&p.path);
        let last = segments.last()?;
        if self.names.const_defs.contains_key(last)
            || (segments.len() == 1
                && self
                    .names
                    .function_at(self.src.of(e).start)
                    .is_some_and(|f| f.binding(last, self.src.of(e).start).is_some()))
        {
            return None;
        }
        match self.crate_value(&segments, &[])?.shape {
            Shape::Text(pieces) => match pieces.as_slice() {
                [TextPiece::Lit(s)] => Some(s.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// What a function of another module of the crate returns, called at `e`
    /// (`config::base()`, `base()` with `use crate::config::base`, `Config::base()`
    /// with `Config` of another module), spelled at `e`, with where it is written.
    fn foreign_call(&self, e: &Expr, func: &syn::ExprPath) -> Option<Vec<Piece>> {
        if func.qself.is_some() {
            return None;
        }
        let segments = segments_of(&func.path);
        let expr = self.written(e);
        let span = self.src.of(e);
        if let Some(out) = self.foreign_at(&segments, &[], &expr, span.clone(), true) {
            return Some(out);
        }
        // An associated function: the field `base` of the type `Config`.
        let (name, ty) = segments.split_last()?;
        if ty.is_empty() {
            return None;
        }
        self.foreign_at(ty, std::slice::from_ref(name), &expr, span, true)
    }

    /// [`Self::foreign`] of the item `segments` names, read through `keys` (a field of
    /// an exported struct), written `expr` at `span`.
    /// With `called`, the item is a function called there: what it returns is read.
    /// A value with alternatives takes one, the choice point recorded under `expr`.
    fn foreign_at(
        &self,
        segments: &[String],
        keys: &[String],
        expr: &str,
        span: Span,
        called: bool,
    ) -> Option<Vec<Piece>> {
        let value = self.crate_value(segments, keys)?;
        let value = match (called, value.shape) {
            (
                true,
                crate::resolve::Shape::Function {
                    returns: Some(r), ..
                },
            ) => *r,
            (true, _) => return None,
            (false, shape) => crate::resolve::Exported { shape, ..value },
        };
        let value = value.choose(|written| self.pick(expr, written));
        let message = format!("`{expr}` is defined here");
        let (pieces, related) = value.spelled_at(expr, &span, message, true)?;
        self.related.borrow_mut().push(related);
        Some(pieces)
    }

    /// What another module of the crate exports as the item `segments` names, read
    /// through `keys` (a field of an exported struct).
    fn crate_value(
        &self,
        segments: &[String],
        keys: &[String],
    ) -> Option<crate::resolve::Exported> {
        let project = self.project?;
        self.crate_item(segments)
            .into_iter()
            .find_map(|(module, name)| {
                project.index.lookup(
                    project.path,
                    &format!("{}{module}", crate::resolve::RS),
                    &name,
                    keys,
                    project.depth,
                    super::modules::lower,
                )
            })
    }

    fn hole(&self, e: &Expr) -> Vec<Piece> {
        let span = self.src.of(e);
        vec![Piece::Hole {
            expr: self.src.slice(&span).to_string(),
            span,
        }]
    }

    /// The values a name may hold at `at`, each with where it is written, and the
    /// mutations that append to the name (`push_str`, `+=`) with where they are: the
    /// binding before it in the function (or a constant, every `#[cfg]` definition of
    /// it), with its reassignments: one that has certainly happened by `at` (in a block
    /// holding `at`) replaces what came before, one that only may have (an arm of an
    /// `if`, a loop) is one more alternative. A reassignment that builds on the name
    /// itself (`url = format!("{url}/x")`) is not an alternative: the binding alone is
    /// read, as before reassignments were read.
    fn named_values(&self, name: &str, at: usize) -> Option<NamedValues<'f>> {
        let src = self.src;
        if let Some(f) = self.names.function_at(at) {
            let b = f.binding(name, at);
            let d = f
                .declared(name, at)
                .filter(|d| b.is_none_or(|b| d.stmt.start > b.stmt.start));
            let (start, scope, mut values) = match (b, d) {
                (_, Some(d)) => (d.stmt.end, d.block.clone(), Vec::new()),
                (Some(b), None) => (b.stmt.end, b.block.clone(), vec![(b.init, b.stmt.start)]),
                (None, None) => (0, 0..0, Vec::new()),
            };
            if b.is_some() || d.is_some() {
                let initial = values.clone();
                for a in f.assignments.iter().filter(|a| {
                    a.name == name && start <= a.at && a.at < at && scope.contains(&a.at)
                }) {
                    if count_uses(src.slice(&src.of(a.value)), name) > 0 {
                        values = initial;
                        break;
                    }
                    if a.block.contains(&at) {
                        values = vec![(a.value, a.at)];
                    } else {
                        values.push((a.value, a.at));
                    }
                }
                values.truncate(crate::resolve::alternatives::MAX_ALTERNATIVES);
                if values.is_empty() {
                    return None;
                }
                let appended = f
                    .mutations
                    .iter()
                    .filter(|m| {
                        m.name == name
                            && start < m.at
                            && m.at < at
                            && scope.contains(&m.at)
                            && matches!(m.method.as_str(), "push_str" | "+=")
                    })
                    .filter_map(|m| Some((m.at, *m.args.first()?)))
                    .collect();
                return Some(NamedValues { values, appended });
            }
        }
        let defs = self.names.const_defs.get(name)?;
        let mut values: Vec<(&'f Expr, usize)> =
            defs.iter().map(|e| (*e, src.of(*e).start)).collect();
        values.truncate(crate::resolve::alternatives::MAX_ALTERNATIVES);
        Some(NamedValues {
            values,
            appended: Vec::new(),
        })
    }

    /// The value a name stands for at `at` (see [`Resolver::named_values`]), with the
    /// mutations that append to it and where it is written. With several values, or a
    /// value that is itself a choice (`let base = if prod { … } else { … };`), one is
    /// taken and the choice point recorded under the name; `Some((None, ..))` when the
    /// one taken is known only at run time.
    fn named(&self, name: &str, at: usize) -> Option<Taken<'f>> {
        let named = self.named_values(name, at)?;
        let (mut value, pos) = match named.values.as_slice() {
            [one] => *one,
            many => {
                let written = many.iter().map(|(e, _)| Some(self.said(e))).collect();
                many[self.pick(name, written)]
            }
        };
        let mut taken = Some(value);
        if named.values.len() == 1 {
            if let Some(alts) = self.alternatives_of(value) {
                taken = self.take(name, &alts);
                if let Some(v) = taken {
                    value = v;
                }
            }
        }
        let appended = named.appended_after(pos);
        Some((taken.map(|_| value), appended, pos))
    }

    /// The first value a name stands for at `at`, for a value that is not a URL (a
    /// header, a body field): no choice point is recorded.
    fn named_first(&self, name: &str, at: usize) -> Option<(&'f Expr, Vec<&'f Expr>, usize)> {
        let named = self.named_values(name, at)?;
        let (value, pos) = named.values[0];
        let appended = named.appended_after(pos);
        Some((value, appended, pos))
    }

    /// An expression as written.
    fn written(&self, e: &Expr) -> String {
        self.src.slice(&self.src.of(e)).to_string()
    }

    /// An alternative as said in a message: without the conversions around a literal
    /// (`"https://…".to_string()`, `.into()`, `String::from("…")`).
    fn said(&self, mut e: &Expr) -> String {
        loop {
            match e {
                Expr::MethodCall(m)
                    if m.args.is_empty()
                        && matches!(
                            m.method.to_string().as_str(),
                            "to_string" | "to_owned" | "into" | "as_str" | "as_ref"
                        ) =>
                {
                    e = &m.receiver
                }
                Expr::Call(c)
                    if c.args.len() == 1
                        && matches!(c.func.as_ref(), Expr::Path(p)
                            if p.path.segments.last().is_some_and(|s| s.ident == "from" || s.ident == "Some")) =>
                {
                    e = &c.args[0]
                }
                Expr::Reference(r) => e = &r.expr,
                Expr::Paren(p) => e = &p.expr,
                _ => return self.written(e),
            }
        }
    }

    /// Which of the alternatives `written` to take at the choice point `expr`: the
    /// recorded choice, or the first when the call has no room for more choice points.
    fn pick(&self, expr: &str, written: Vec<Option<String>>) -> usize {
        if self.choices.room() {
            self.choices.pick(expr, written)
        } else {
            0
        }
    }

    /// The alternative taken among `alts` at the choice point `expr`; `None` when it is
    /// known only at run time.
    fn take<'e>(&self, expr: &str, alts: &[Alt<'e>]) -> Option<&'e Expr> {
        let k = match alts {
            [_] => 0,
            _ => {
                let written = alts
                    .iter()
                    .map(|a| match a {
                        Alt::Value(e) => Some(self.said(e)),
                        Alt::RunTime(_) => None,
                    })
                    .collect();
                self.pick(expr, written)
            }
        };
        match alts.get(k)? {
            Alt::Value(e) => Some(e),
            Alt::RunTime(_) => None,
        }
    }

    /// The alternatives an expression stands for: the arms of an `if` with an `else`
    /// (an `else if` adding its own) and of a `match` (arms that diverge left out), the
    /// value and the default of `x.unwrap_or(d)` / `x.unwrap_or_else(|_| d)` (an
    /// environment variable being known only at run time). At most
    /// [`crate::resolve::alternatives::MAX_ALTERNATIVES`]; `None` for an expression
    /// without alternatives.
    fn alternatives_of<'e>(&self, e: &'e Expr) -> Option<Vec<Alt<'e>>> {
        let mut out = Vec::new();
        match e {
            Expr::Paren(p) => return self.alternatives_of(&p.expr),
            Expr::Group(g) => return self.alternatives_of(&g.expr),
            Expr::If(i) => if_arms(i, &mut out)?,
            Expr::Match(m) => {
                for arm in &m.arms {
                    if let Some(v) = produced(&arm.body) {
                        out.push(Alt::Value(v));
                    }
                }
            }
            Expr::MethodCall(m)
                if m.args.len() == 1
                    && matches!(
                        m.method.to_string().as_str(),
                        "unwrap_or" | "unwrap_or_else"
                    ) =>
            {
                let default = match &m.args[0] {
                    Expr::Closure(c) if m.method == "unwrap_or_else" => produced(&c.body)?,
                    _ if m.method == "unwrap_or_else" => return None,
                    d => d,
                };
                out.push(Alt::Value(default));
                if self.reads_environment(&m.receiver) {
                    out.push(Alt::RunTime(&m.receiver));
                } else {
                    out.push(Alt::Value(&m.receiver));
                }
            }
            _ => return None,
        }
        out.truncate(crate::resolve::alternatives::MAX_ALTERNATIVES);
        (!out.is_empty()).then_some(out)
    }

    /// Whether an expression reads an environment variable: `std::env::var("K")`,
    /// `env::var_os(..)`, `dotenvy::var(..)`, `var(..)` imported from one of those,
    /// `option_env!("K")`, with `.ok()`, `.as_deref()` and the like after it.
    fn reads_environment(&self, e: &Expr) -> bool {
        match e {
            Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "ok" | "as_deref" | "as_ref" | "as_str" | "clone" | "map_err" | "to_owned"
                ) =>
            {
                self.reads_environment(&m.receiver)
            }
            Expr::Paren(p) => self.reads_environment(&p.expr),
            Expr::Call(c) => {
                let Expr::Path(p) = c.func.as_ref() else {
                    return false;
                };
                let mut path = path_text(&p.path);
                if let Some(used) = p
                    .path
                    .get_ident()
                    .and_then(|i| self.names.uses.get(&i.to_string()))
                {
                    path = used.clone();
                }
                let Some((module, item)) = path.rsplit_once("::") else {
                    return false;
                };
                let module = module.rsplit("::").next().unwrap_or(module);
                matches!(item, "var" | "var_os") && matches!(module, "env" | "dotenv" | "dotenvy")
            }
            Expr::Macro(m) => m.mac.path.is_ident("option_env"),
            _ => false,
        }
    }

    fn pieces(&self, e: &Expr, at: usize, depth: usize, in_format: bool) -> Vec<Piece> {
        if depth == 0 {
            return self.hole(e);
        }
        let src = self.src;
        // `if prod { "https://…" } else { … }`, a `match`, `x.unwrap_or("https://…")`:
        // one alternative, the choice point recorded.
        if let Some(alts) = self.alternatives_of(e) {
            return match self.take(&self.written(e), &alts) {
                Some(v) => self.pieces(v, at, depth - 1, in_format),
                None => match alts.iter().find_map(|a| match a {
                    Alt::RunTime(r) => Some(*r),
                    Alt::Value(_) => None,
                }) {
                    Some(r) => self.hole(r),
                    None => self.hole(e),
                },
            };
        }
        match e {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => {
                let lit = macros::str_lit(src, s);
                if !in_format {
                    self.plain
                        .borrow_mut()
                        .push((lit.value.clone(), lit.inner.clone(), lit.exact));
                }
                vec![Piece::Lit {
                    text: lit.value,
                    span: lit.inner,
                    exact: lit.exact,
                }]
            }
            Expr::Reference(r) => self.pieces(&r.expr, at, depth, in_format),
            // `*BASE` of a `Lazy<String>`.
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.pieces(&u.expr, at, depth, in_format)
            }
            // `Lazy::new(|| …)`, `LazyLock::new(|| …)`: the value the closure gives.
            Expr::Call(c)
                if c.args.len() == 1
                    && matches!(c.func.as_ref(), Expr::Path(p)
                        if is_lazy_new(&p.path)) =>
            {
                match &c.args[0] {
                    Expr::Closure(f) if f.inputs.is_empty() => match produced(&f.body) {
                        Some(v) => self.pieces(v, at, depth - 1, in_format),
                        None => self.hole(e),
                    },
                    _ => self.hole(e),
                }
            }
            Expr::Paren(p) => self.pieces(&p.expr, at, depth, in_format),
            Expr::Group(g) => self.pieces(&g.expr, at, depth, in_format),
            Expr::MethodCall(m)
                if m.args.is_empty()
                    && matches!(
                        m.method.to_string().as_str(),
                        "as_str" | "to_string" | "to_owned" | "clone" | "into" | "as_ref"
                    ) =>
            {
                self.pieces(&m.receiver, at, depth, in_format)
            }
            Expr::Call(c)
                if c.args.len() == 1
                    && matches!(c.func.as_ref(), Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "from" || s.ident == "Some")) =>
            {
                self.pieces(&c.args[0], at, depth, in_format)
            }
            // `Url::parse(BASE)?`, `.unwrap()`, `.expect(..)`: the string parsed.
            // Anything else behind them stays one hole, written as it is (with its `?`).
            Expr::Try(t) => self.see_through(e, &t.expr, at, depth, in_format),
            Expr::MethodCall(m)
                if m.args.len() <= 1
                    && matches!(m.method.to_string().as_str(), "unwrap" | "expect") =>
            {
                self.see_through(e, &m.receiver, at, depth, in_format)
            }
            Expr::Call(c)
                if c.args.len() == 1
                    && matches!(c.func.as_ref(), Expr::Path(p)
                        if path_text(&p.path).ends_with("Url::parse")) =>
            {
                self.pieces(&c.args[0], at, depth, in_format)
            }
            Expr::MethodCall(m) if m.method == "join" && m.args.len() == 1 => {
                let base = self.pieces(&m.receiver, at, depth - 1, in_format);
                let rel = self.pieces(&m.args[0], at, depth - 1, in_format);
                match url_join(base, rel) {
                    Some(out) => out,
                    None => self.hole(e),
                }
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
                let mut out = self.pieces(&b.left, at, depth - 1, in_format);
                out.extend(self.pieces(&b.right, at, depth - 1, in_format));
                out
            }
            Expr::Macro(m) => self
                .macro_pieces(&m.mac, at, depth, in_format)
                .unwrap_or_else(|| self.hole(e)),
            // A parameter of a URL helper being read: the argument at the call.
            Expr::Path(p) if p.qself.is_none() && self.frame_argument(p, at).is_some() => {
                let (arg, caller_at) = self.frame_argument(p, at).unwrap_or((e.clone(), at));
                let saved = self.frames.borrow_mut().pop();
                let out = self.pieces(&arg, caller_at, depth - 1, in_format);
                if let Some(frame) = saved {
                    self.frames.borrow_mut().push(frame);
                }
                out
            }
            Expr::MethodCall(m) if matches!(m.receiver.as_ref(), Expr::Path(p) if p.path.is_ident("self")) =>
            {
                let args: Vec<&Expr> = m.args.iter().collect();
                self.helper(&m.method.to_string(), &args, at, depth, in_format)
                    .unwrap_or_else(|| self.hole(e))
            }
            Expr::Call(c) if matches!(c.func.as_ref(), Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1) =>
            {
                let Expr::Path(p) = c.func.as_ref() else {
                    return self.hole(e);
                };
                let name = p.path.segments[0].ident.to_string();
                let args: Vec<&Expr> = c.args.iter().collect();
                self.helper(&name, &args, at, depth, in_format)
                    .or_else(|| self.foreign_call(e, p))
                    .unwrap_or_else(|| self.hole(e))
            }
            // `Self::base()`, `Config::base()` of this file; `config::base()`,
            // `Config::base()` of another module.
            Expr::Call(c) if matches!(c.func.as_ref(), Expr::Path(p) if p.qself.is_none() && p.path.segments.len() > 1) =>
            {
                let Expr::Path(p) = c.func.as_ref() else {
                    return self.hole(e);
                };
                let args: Vec<&Expr> = c.args.iter().collect();
                self.associated(p, &args, at, depth, in_format)
                    .or_else(|| self.foreign_call(e, p))
                    .unwrap_or_else(|| self.hole(e))
            }
            Expr::Path(p) if p.qself.is_none() => {
                let Some(last) = p.path.segments.last() else {
                    return self.hole(e);
                };
                let name = last.ident.to_string();
                // A path (`Self::BASE`, `config::BASE`) only names a constant.
                let found = if p.path.segments.len() == 1 {
                    self.named(&name, at)
                } else if self.names.consts.contains_key(&name) {
                    self.named(&name, usize::MAX)
                } else {
                    None
                };
                let Some((init, appended, def_at)) = found else {
                    let segments = segments_of(&p.path);
                    return self
                        .foreign(&segments, src.of(e))
                        .unwrap_or_else(|| self.hole(e));
                };
                // Known only at run time (`env::var("K")` with a default not taken).
                let Some(init) = init else {
                    return self.hole(e);
                };
                let mut out = self.pieces(init, def_at, depth - 1, in_format);
                for a in appended {
                    out.extend(self.pieces(a, def_at, depth - 1, in_format));
                }
                if let [Piece::Lit { span, .. }] = out.as_slice() {
                    self.vias.borrow_mut().push(Via {
                        literal: span.clone(),
                        expr: src.slice(&src.of(e)).to_string(),
                    });
                }
                if out.iter().all(|p| matches!(p, Piece::Hole { .. })) {
                    return self.hole(e);
                }
                out
            }
            // `self.cfg.base`: a field of the struct that a field of this impl's struct
            // is (`cfg: Config`), set where that struct is built, here or in another
            // module of the crate (`Config { base: … }` in `config.rs`).
            Expr::Field(f)
                if matches!(f.base.as_ref(), Expr::Field(inner)
                    if matches!(inner.base.as_ref(), Expr::Path(p) if p.path.is_ident("self"))) =>
            {
                self.nested_field(e, f, depth, in_format)
                    .unwrap_or_else(|| self.hole(e))
            }
            // `self.base_url`: the field's one initialiser in the file (set in `new()`).
            Expr::Field(f) if matches!(f.base.as_ref(), Expr::Path(p) if p.path.is_ident("self")) =>
            {
                let syn::Member::Named(name) = &f.member else {
                    return self.hole(e);
                };
                // The initialisers of this struct's field when the method's `impl` is
                // known, else of every field of that name in the file.
                let typed = self.names.impl_at(src.of(e).start).and_then(|ty| {
                    self.names
                        .typed_fields
                        .get(&(ty.to_string(), name.to_string()))
                });
                let inits = typed.or_else(|| self.names.fields.get(&name.to_string()));
                let Some([init]) = inits.map(Vec::as_slice) else {
                    return self.hole(e);
                };
                let out = self.pieces(init, src.of(*init).start, depth - 1, in_format);
                match out.as_slice() {
                    [Piece::Lit { span, .. }] => {
                        self.vias.borrow_mut().push(Via {
                            literal: span.clone(),
                            expr: src.slice(&src.of(e)).to_string(),
                        });
                        out
                    }
                    // A field built from the constructor's arguments
                    // (`format!("https://{}/api/2.0", host)`): its literal parts are
                    // known, the arguments are holes.
                    _ if out.iter().any(|p| matches!(p, Piece::Lit { .. })) => out,
                    // A field set from a parameter or a computation stays a hole.
                    _ => self.hole(e),
                }
            }
            _ => self.hole(e),
        }
    }

    /// The argument that a parameter named by `p` stands for, with where the call is,
    /// when `p` is used inside the URL helper being read.
    fn frame_argument(&self, p: &syn::ExprPath, at: usize) -> Option<(Expr, usize)> {
        let name = p.path.get_ident()?.to_string();
        let frames = self.frames.borrow();
        let (span, params, caller_at) = frames.last()?;
        if !(span.start <= at && at < span.end) {
            return None;
        }
        // A `let` of the same name inside the helper shadows the parameter.
        if self
            .names
            .function_at(at)
            .is_some_and(|f| f.binding(&name, at).is_some())
        {
            return None;
        }
        let arg = params.iter().find(|(n, _)| *n == name)?;
        Some((arg.1.clone(), *caller_at))
    }

    /// `self.users_url(id)` / `users_url(id)` with a function of this file (one of that
    /// name) whose body ends with the URL it returns: that URL, its parameters standing
    /// for the call's arguments. Its literals serve every caller, so they are not
    /// offered to in-place fixes (marked inexact).
    fn helper(
        &self,
        name: &str,
        args: &[&Expr],
        at: usize,
        depth: usize,
        in_format: bool,
    ) -> Option<Vec<Piece>> {
        let mut candidates = self.names.functions.iter().filter(|f| f.name == name);
        let f = candidates.next()?;
        if candidates.next().is_some() || f.params.len() != args.len() {
            return None;
        }
        let many = (2..=crate::resolve::alternatives::MAX_ALTERNATIVES).contains(&f.returned.len());
        if f.tail.is_none() && !many {
            return None;
        }
        let frames = self.frames.borrow().len();
        if frames >= MAX_FRAMES || self.frames.borrow().iter().any(|(s, _, _)| *s == f.span) {
            return None;
        }
        // Early `return`s: each value is an alternative.
        let tail = match f.tail {
            Some(tail) => tail,
            None => {
                let written = f.returned.iter().map(|e| Some(self.said(e))).collect();
                f.returned[self.pick(&format!("{name}(…)"), written)]
            }
        };
        let params = f
            .params
            .iter()
            .cloned()
            .zip(args.iter().map(|a| (*a).clone()))
            .collect();
        self.frames.borrow_mut().push((f.span.clone(), params, at));
        let mut out = self.pieces(tail, self.src.of(tail).start, depth - 1, in_format);
        self.frames.borrow_mut().pop();
        if !out.iter().any(|p| matches!(p, Piece::Lit { .. })) {
            return None;
        }
        for p in &mut out {
            if let Piece::Lit { span, exact, .. } = p {
                if f.span.start <= span.start && span.end <= f.span.end {
                    *exact = false;
                }
            }
        }
        Some(out)
    }

    /// `Self::users_url(id)` / `Client::users_url(id)` with an associated function of
    /// an `impl` block of this file for that type: as [`Self::helper`].
    fn associated(
        &self,
        p: &syn::ExprPath,
        args: &[&Expr],
        at: usize,
        depth: usize,
        in_format: bool,
    ) -> Option<Vec<Piece>> {
        let [ty, name] = p.path.segments.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let name = name.ident.to_string();
        let ty = match ty.ident.to_string() {
            s if s == "Self" => self.names.impl_at(at)?.to_string(),
            s => s,
        };
        let f = self.names.functions.iter().find(|f| f.name == name)?;
        if f.receiver || self.names.impl_at(f.span.start) != Some(ty.as_str()) {
            return None;
        }
        self.helper(&name, args, at, depth, in_format)
    }

    /// The pieces of `inner` when they hold some literal text, else `outer` as one hole.
    fn see_through(
        &self,
        outer: &Expr,
        inner: &Expr,
        at: usize,
        depth: usize,
        in_format: bool,
    ) -> Vec<Piece> {
        let out = self.pieces(inner, at, depth, in_format);
        if out.iter().all(|p| matches!(p, Piece::Hole { .. })) {
            return self.hole(outer);
        }
        out
    }

    fn macro_pieces(
        &self,
        mac: &syn::Macro,
        at: usize,
        depth: usize,
        in_format: bool,
    ) -> Option<Vec<Piece>> {
        let name = mac.path.segments.last()?.ident.to_string();
        let src = self.src;
        match name.as_str() {
            "concat" => {
                let lits = macros::concat_args(&mac.tokens)?;
                let mut out = Vec::new();
                for l in lits {
                    let lit = macros::str_lit(src, &l);
                    if !in_format {
                        self.plain.borrow_mut().push((
                            lit.value.clone(),
                            lit.inner.clone(),
                            lit.exact,
                        ));
                    }
                    out.push(Piece::Lit {
                        text: lit.value,
                        span: lit.inner,
                        exact: lit.exact,
                    });
                }
                Some(out)
            }
            "format" => {
                let args = macros::format_args(&mac.tokens)?;
                let lit = macros::str_lit(src, &args.template);
                let fmt = macros::format_pieces(&lit)?;
                let mut next = 0;
                let mut out = Vec::new();
                for p in fmt {
                    match p {
                        FmtPiece::Lit { text, span, exact } => {
                            out.push(Piece::Lit { text, span, exact })
                        }
                        FmtPiece::Arg { arg, span, debug } => {
                            let expr = match &arg {
                                ArgRef::Next => {
                                    next += 1;
                                    args.positional.get(next - 1)
                                }
                                ArgRef::Index(i) => args.positional.get(*i),
                                ArgRef::Name(n) => {
                                    args.named.iter().find(|(k, _)| k == n).map(|(_, e)| e)
                                }
                            };
                            match (expr, &arg) {
                                (Some(e), _) if !debug => {
                                    out.extend(self.pieces(e, at, depth - 1, true))
                                }
                                (Some(e), _) => out.extend(self.hole(e)),
                                (None, ArgRef::Name(n)) => {
                                    // An inline captured identifier: `{user_id}`.
                                    let resolved = (!debug)
                                        .then(|| self.named(n, at))
                                        .flatten()
                                        .and_then(|(init, appended, def_at)| {
                                            Some((init?, appended, def_at))
                                        })
                                        .map(|(init, appended, def_at)| {
                                            let mut v = self.pieces(init, def_at, depth - 1, true);
                                            for a in appended {
                                                v.extend(self.pieces(a, def_at, depth - 1, true));
                                            }
                                            v
                                        })
                                        .filter(|v| {
                                            !v.iter().all(|p| matches!(p, Piece::Hole { .. }))
                                        });
                                    match resolved {
                                        Some(v) => {
                                            if let [Piece::Lit { span: l, .. }] = v.as_slice() {
                                                self.vias.borrow_mut().push(Via {
                                                    literal: l.clone(),
                                                    expr: n.clone(),
                                                });
                                            }
                                            out.extend(v)
                                        }
                                        None => match self
                                            .foreign(std::slice::from_ref(n), span.clone())
                                        {
                                            Some(v) => out.extend(v),
                                            None => out.push(Piece::Hole {
                                                expr: n.clone(),
                                                span,
                                            }),
                                        },
                                    }
                                }
                                (None, _) => return None,
                            }
                        }
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// A string the expression is, when literal (through constants and bindings).
    pub fn string(&self, e: &Expr) -> Option<String> {
        match self.value(e) {
            Value::Str { value, .. } => Some(value),
            _ => None,
        }
    }

    /// A value as the model holds it.
    pub fn value(&self, e: &Expr) -> Value {
        self.value_at(e, DEPTH)
    }

    fn expr_value(&self, e: &Expr) -> Value {
        let span = self.src.of(e);
        Value::Expr {
            text: self.src.slice(&span).to_string(),
            span,
        }
    }

    fn value_at(&self, e: &Expr, depth: usize) -> Value {
        if depth == 0 {
            return self.expr_value(e);
        }
        let src = self.src;
        match e {
            Expr::Lit(l) => match &l.lit {
                syn::Lit::Str(s) => {
                    let lit = macros::str_lit(src, s);
                    Value::Str {
                        value: lit.value,
                        span: lit.inner,
                    }
                }
                syn::Lit::Int(_) | syn::Lit::Float(_) => Value::Num {
                    text: src.slice(&src.of(e)).to_string(),
                    span: src.of(e),
                },
                syn::Lit::Bool(b) => Value::Bool {
                    value: b.value,
                    span: src.of(e),
                },
                _ => self.expr_value(e),
            },
            Expr::Reference(r) => self.value_at(&r.expr, depth),
            Expr::Paren(p) => self.value_at(&p.expr, depth),
            Expr::MethodCall(m)
                if m.args.is_empty()
                    && matches!(
                        m.method.to_string().as_str(),
                        "to_string" | "to_owned" | "into" | "as_str" | "clone"
                    ) =>
            {
                match self.value_at(&m.receiver, depth) {
                    Value::Expr { .. } => self.expr_value(e),
                    v => v,
                }
            }
            Expr::Call(c)
                if c.args.len() == 1
                    && matches!(c.func.as_ref(), Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Some" || s.ident == "from")) =>
            {
                match self.value_at(&c.args[0], depth) {
                    Value::Expr { .. } => self.expr_value(e),
                    v => v,
                }
            }
            Expr::Macro(m) => {
                let name = m
                    .mac
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                if name == "json" {
                    let inner = |x: &Expr| self.value_at(x, depth - 1);
                    return macros::json_value(src, m.mac.tokens.clone(), &inner);
                }
                self.expr_value(e)
            }
            Expr::Path(p) if p.qself.is_none() => {
                let name = p
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                let found = if p.path.segments.len() == 1 {
                    self.named_first(&name, src.of(e).start)
                } else {
                    self.names
                        .consts
                        .get(&name)
                        .map(|c| (*c, Vec::new(), src.of(*c).start))
                };
                match found {
                    Some((init, appended, _)) if appended.is_empty() => {
                        match self.value_at(init, depth - 1) {
                            v @ (Value::Str { .. }
                            | Value::Num { .. }
                            | Value::Bool { .. }
                            | Value::Object(_)) => v,
                            _ => self.expr_value(e),
                        }
                    }
                    _ => self.expr_value(e),
                }
            }
            _ => self.expr_value(e),
        }
    }

    /// `&[("k", v), …]`, `vec![…]`, a `HashMap` filled with `insert`, or a binding of
    /// one of those; with the span of each element (for removing it).
    pub fn pairs(&self, e: &Expr) -> (Fields, Vec<(String, Span)>) {
        let src = self.src;
        let mut fields = Fields {
            entries: Vec::new(),
            open: false,
            span: src.of(e),
        };
        let mut items = Vec::new();
        let inner = strip_ref(e);
        let elems: Option<Vec<Expr>> = match inner {
            Expr::Array(a) => Some(a.elems.iter().cloned().collect()),
            Expr::Macro(m) if m.mac.path.is_ident("vec") => {
                let parser = syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated;
                syn::parse::Parser::parse2(parser, m.mac.tokens.clone())
                    .ok()
                    .map(|p| p.into_iter().collect())
            }
            _ => None,
        };
        if let Some(elems) = elems {
            for el in &elems {
                match el {
                    Expr::Tuple(t) if t.elems.len() == 2 => {
                        let k = &t.elems[0];
                        match self.string(k) {
                            Some(key) => {
                                items.push((key.clone(), src.of(el)));
                                fields.entries.push(Field {
                                    key,
                                    key_span: src.of(k),
                                    value: self.value(&t.elems[1]),
                                });
                            }
                            None => fields.open = true,
                        }
                    }
                    _ => fields.open = true,
                }
            }
            return (fields, items);
        }
        if let Some(name) = walk::ident_of(inner) {
            let at = src.of(e).start;
            if let Some(f) = self.names.function_at(at) {
                if let Some(b) = f.binding(&name, at) {
                    let init = strip_ref(b.init);
                    let init_text = src.slice(&src.of(init));
                    if matches!(init, Expr::Array(_) | Expr::Macro(_)) {
                        let (mut inner_fields, _) = self.pairs(init);
                        inner_fields.span = src.of(e);
                        return (inner_fields, items);
                    }
                    if init_text.ends_with("::new()") {
                        for m in f.mutations_of(b, at) {
                            match (m.method.as_str(), m.args.as_slice()) {
                                ("insert", [k, v]) => match self.string(k) {
                                    Some(key) => fields.entries.push(Field {
                                        key,
                                        key_span: src.of(*k),
                                        value: self.value(v),
                                    }),
                                    None => fields.open = true,
                                },
                                _ => fields.open = true,
                            }
                        }
                        return (fields, items);
                    }
                }
            }
        }
        fields.open = true;
        (fields, items)
    }

    /// `.body(…)`: a string literal is raw text (JSON or not: the rules decide).
    fn raw_body(&self, e: &Expr) -> Body {
        let src = self.src;
        let inner = strip_ref(e);
        // `serde_json::to_string(&json!({…}))`
        if let Expr::MethodCall(m) = inner {
            if m.method == "unwrap" || m.method == "expect" {
                if let Expr::Call(c) = m.receiver.as_ref() {
                    if let (Expr::Path(p), Some(arg)) = (c.func.as_ref(), c.args.first()) {
                        if p.path
                            .segments
                            .last()
                            .is_some_and(|s| s.ident == "to_string")
                        {
                            if let v @ Value::Object(_) = self.value(arg) {
                                return Body::Json { value: v };
                            }
                        }
                    }
                }
            }
        }
        match self.value(inner) {
            Value::Str { value, span } => Body::Raw { text: value, span },
            _ => {
                let span = src.of(e);
                Body::Expr {
                    text: src.slice(&span).to_string(),
                    span,
                }
            }
        }
    }
}

/// Adjacent literals that continue each other in the source are one literal.
fn merge(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for p in pieces {
        if let (
            Some(Piece::Lit {
                text: a,
                span: sa,
                exact: ea,
            }),
            Piece::Lit {
                text: b,
                span: sb,
                exact: eb,
            },
        ) = (out.last_mut(), &p)
        {
            if *ea && *eb && sa.end == sb.start {
                a.push_str(b);
                sa.end = sb.end;
                continue;
            }
        }
        out.push(p);
    }
    out
}

/// Absolute URL constants that no call uses become `BaseUrl` calls (AUR002 reports a
/// base URL ending in `/api/2.0`).
fn base_urls(r: &Resolver, found: &mut Vec<Found>) {
    let used: HashSet<usize> = found
        .iter()
        .flat_map(|f| f.call.url.pieces.iter())
        .filter_map(|p| match p {
            Piece::Lit { span, .. } => Some(span.start),
            _ => None,
        })
        .collect();
    let mut consts: Vec<(&String, &&Expr)> = r.names.consts.iter().collect();
    consts.sort_by_key(|(_, e)| r.src.of(**e).start);
    for (name, e) in consts {
        let Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = strip_ref(e)
        else {
            continue;
        };
        let lit = macros::str_lit(r.src, s);
        let lower = lit.value.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://"))
            || used.contains(&lit.inner.start)
        {
            continue;
        }
        let span = r.src.of(*e);
        let mut call = HttpCall::base_url(
            vec![Piece::Lit {
                text: lit.value,
                span: lit.inner,
                exact: lit.exact,
            }],
            span,
        );
        call.receiver = Some(name.clone());
        found.push(Found {
            call,
            info: ChainInfo::default(),
        });
    }
}
