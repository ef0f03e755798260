//! How the code around a call uses its response: where the outcome is judged by the
//! HTTP status, which properties of the response or its body are read, and whether the
//! call's promise is awaited (so that a library that rejects on error statuses is itself
//! a status check).
//!
//! The value is followed upwards from the call through `await`, `.then(cb)` callbacks
//! chained on it (the callback's parameter is the response, and what the callback
//! returns flows on to the next `.then`), `.json()` / `.clone()`, member reads
//! (`res.data?.['stat']`), destructuring, and a few levels of variables (`const res =
//! await …; const body = await res.json();`) whose uses the scope walk has indexed.
//! Callback-style calls (`request(opts, (err, res, body) => …)`) start at the
//! callback's parameters instead.
//!
//! Not for: following values into other functions (a named `.then(handler)`, a helper
//! the response is passed to) or across files; what is not seen stays unknown.

use super::super::resolve::Resolver;
use super::super::scope::{named_children, BindingId};
use crate::call::{BodyRead, Client, ResponseUse, Span};
use crate::frontend::fields::ChildField as _;
use crate::frontend::parents::Parents;
use tree_sitter::Node;

/// How many variables deep a value is followed (`res` → `body` → `data` → …).
const MAX_ALIASES: usize = 4;
/// Upper bound on the steps of one call's trace (a value returned from several places
/// of a callback is followed from each).
const MAX_STEPS: usize = 256;

/// The response use of the call at `call` (the call expression, the outermost link of
/// a superagent chain, or a `new Request(…)`).
pub(in crate::frontend::javascript) fn analyse<'t>(
    r: &Resolver<'_, 't>,
    call: Node<'t>,
    client: Client,
) -> ResponseUse {
    let mut t = Tracer {
        r,
        client,
        out: ResponseUse::default(),
        followed: Vec::new(),
        continuations: Vec::new(),
        steps: 0,
    };
    t.start(call);
    let mut out = t.out;
    out.status_checks.sort_by_key(|s| (s.start, s.end));
    out.status_checks.dedup();
    out.body_reads
        .sort_by(|a, b| (a.span.start, &a.path).cmp(&(b.span.start, &b.path)));
    out.body_reads.dedup();
    out
}

/// What a traced expression stands for.
#[derive(Clone, Debug)]
struct Val {
    /// Still a promise of the value.
    promise: bool,
    /// The promise settles with the request (rejects when the client rejects), as
    /// opposed to one of reading the body.
    request: bool,
    /// The response object itself (its status is read here), not its body.
    response: bool,
    /// Properties read so far.
    path: Vec<String>,
}

impl Val {
    fn response(promise: bool) -> Val {
        Val {
            promise,
            request: true,
            response: true,
            path: Vec::new(),
        }
    }
    fn body() -> Val {
        Val {
            promise: false,
            request: false,
            response: false,
            path: Vec::new(),
        }
    }
    fn with(&self, prop: String) -> Val {
        let mut v = self.clone();
        v.path.push(prop);
        v
    }
}

/// What a callback-style call passes its callback, position by position.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Arg {
    Ignored,
    Response,
    Body,
}

fn callback_args(client: Client) -> &'static [Arg] {
    match client {
        // request(opts, (err, res, body) => …)
        Client::Request => &[Arg::Ignored, Arg::Response, Arg::Body],
        // https.request(opts, (res) => …)
        Client::NodeHttp => &[Arg::Response],
        // pm.sendRequest(req, (err, res) => …), superagent `.end((err, res) => …)`
        Client::PmSendRequest | Client::Superagent | Client::Supertest => {
            &[Arg::Ignored, Arg::Response]
        }
        // $.post(url, data, (data, textStatus, jqXHR) => …)
        Client::JQuery => &[Arg::Body],
        _ => &[],
    }
}

/// Properties of a response object that hold its HTTP status.
fn is_status_property(client: Client, prop: &str) -> bool {
    matches!(prop, "ok" | "status" | "statusCode")
        || (client == Client::PmSendRequest && prop == "code")
}

fn is_inline_function(n: Node<'_>) -> bool {
    matches!(
        n.kind_name(),
        "arrow_function" | "function_expression" | "function"
    )
}

/// `console.log(…)`, `logger.warn(…)`, `log.info(…)`: a status shown, not judged.
fn is_logging(callee: &str) -> bool {
    let root = callee.split(['.', '(']).next().unwrap_or(callee);
    let last = callee.rsplit('.').next().unwrap_or(callee);
    matches!(root, "console" | "logger" | "log" | "logging")
        || matches!(last, "log" | "debug" | "info" | "warn" | "trace")
}

struct Tracer<'a, 'r, 't> {
    r: &'a Resolver<'r, 't>,
    client: Client,
    out: ResponseUse,
    /// Bindings already followed.
    followed: Vec<BindingId>,
    /// Callbacks given to `.then(…)` (node id) with that `.then` call: what they return
    /// continues there.
    continuations: Vec<(usize, Node<'t>)>,
    steps: usize,
}

impl<'t> Tracer<'_, '_, 't> {
    fn start(&mut self, call: Node<'t>) {
        let r = self.r;
        let mut call = call;
        // `fetch(new Request(…))`: the response is the fetch's.
        if call.kind_name() == "new_expression" {
            match self.r.parent(call).and_then(|a| self.r.parent(a)) {
                Some(f)
                    if self
                        .r
                        .parent(call)
                        .is_some_and(|a| a.kind_name() == "arguments")
                        && f.kind_name() == "call_expression" =>
                {
                    call = f
                }
                _ => return,
            }
        }
        // tree-sitter-typescript reads `await f<T>(x)` as `(await f)<T>(x)`.
        let mut promise = true;
        if let Some(f) = call.field("function") {
            if f.kind_name() == "await_expression" {
                self.awaited(f.start_byte()..f.start_byte() + "await".len());
                promise = false;
            }
        }
        if matches!(self.client, Client::Superagent | Client::Supertest) {
            self.chain_assertions(call);
            // A chain reported with its `.then(…)` / `.catch(…)`: those links are uses of
            // the response, followed from the request part.
            while let Some(object) = r
                .callee(call)
                .filter(|f| f.kind_name() == "member_expression")
                .filter(|f| {
                    f.field("property")
                        .is_some_and(|p| matches!(r.text(p), "then" | "catch" | "finally"))
                })
                .and_then(|f| f.field("object"))
                .filter(|o| o.kind_name() == "call_expression")
            {
                call = object;
            }
        }
        let callback = r
            .args(call)
            .last()
            .map(|a| r.unwrap(*a))
            .filter(|a| is_inline_function(*a));
        match callback {
            Some(cb) => {
                for (param, role) in params(cb).into_iter().zip(callback_args(self.client)) {
                    match role {
                        Arg::Response => self.bind(param, Val::response(false), 0),
                        Arg::Body => self.bind(param, Val::body(), 0),
                        Arg::Ignored => {}
                    }
                }
            }
            None => self.up(call, Val::response(promise), 0),
        }
    }

    /// supertest's `.expect(200)` and superagent's `.ok(fn)` links: status assertions.
    fn chain_assertions(&mut self, outer: Node<'t>) {
        let r = self.r;
        let mut cur = outer;
        while let Some(f) = r.callee(cur) {
            if f.kind_name() != "member_expression" {
                break;
            }
            let (Some(prop), Some(object)) = (f.field("property"), f.field("object")) else {
                break;
            };
            let status_arg = r
                .args(cur)
                .first()
                .is_some_and(|a| r.unwrap(*a).kind_name() == "number");
            match r.text(prop) {
                "expect" if status_arg => self
                    .out
                    .status_checks
                    .push(prop.start_byte()..cur.end_byte()),
                "ok" => self
                    .out
                    .status_checks
                    .push(prop.start_byte()..cur.end_byte()),
                _ => {}
            }
            if object.kind_name() != "call_expression" {
                break;
            }
            cur = object;
        }
    }

    fn awaited(&mut self, span: Span) {
        if self.out.awaited.is_none() {
            self.out.awaited = Some(span);
        }
    }

    fn record(&mut self, val: &Val, at: Node<'t>) {
        if !val.path.is_empty() {
            self.out.body_reads.push(BodyRead {
                path: val.path.join("."),
                span: at.byte_range(),
            });
        }
    }

    /// Reads `prop` of `val` at `at`: a status check ends the trace (`None`).
    fn read(&mut self, val: &Val, prop: String, at: Node<'t>) -> Option<Val> {
        if val.response && val.path.is_empty() && is_status_property(self.client, &prop) {
            if !self.logged(at) {
                self.out.status_checks.push(at.byte_range());
            }
            return None;
        }
        Some(val.with(prop))
    }

    /// Whether an expression is only shown: put into a string (a template substitution,
    /// a `+` concatenation), an error message (`new Error(…)`) or a log line.
    fn logged(&self, mut n: Node<'t>) -> bool {
        while let Some(p) = self.r.parent(n) {
            match p.kind_name() {
                "parenthesized_expression" | "non_null_expression" | "as_expression" => n = p,
                "binary_expression" if p.field("operator").map(|o| o.kind_name()) == Some("+") => {
                    n = p
                }
                "template_substitution" => return true,
                "arguments" => {
                    return self.r.parent(p).is_some_and(|c| {
                        c.kind_name() == "new_expression"
                            || self.r.callee(c).is_some_and(|f| is_logging(self.r.text(f)))
                    })
                }
                _ => return false,
            }
        }
        false
    }

    /// Follows `val`, the value of `node`, up through the expressions around it.
    fn up(&mut self, mut node: Node<'t>, mut val: Val, depth: usize) {
        let r = self.r;
        loop {
            self.steps += 1;
            if self.steps > MAX_STEPS {
                return;
            }
            let Some(parent) = self.r.parent(node) else {
                return self.record(&val, node);
            };
            let field_is = |name: &str| parent.child_by_field_name(name) == Some(node);
            match parent.kind_name() {
                "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression"
                | "type_assertion" => node = parent,
                "await_expression" => {
                    if val.promise && val.request {
                        self.awaited(parent.start_byte()..parent.start_byte() + "await".len());
                    }
                    val.promise = false;
                    node = parent;
                }
                "member_expression" | "subscript_expression" if field_is("object") => {
                    let Some(prop) = r.member_key(parent) else {
                        return self.record(&val, node);
                    };
                    let (method_call, quirk) = method_call(&r.scopes.parents, parent);
                    if let (Some(call), Some(a)) = (method_call, quirk) {
                        // `await x.json<T>()`: the `await` applies to the call's result.
                        if prop != "json" {
                            return self.record(&val, node);
                        }
                        if val.promise && val.request {
                            self.awaited(a.start_byte()..a.start_byte() + "await".len());
                        }
                        val.response = false;
                        val.promise = false;
                        node = call;
                        continue;
                    }
                    let Some(call) = method_call else {
                        if val.promise {
                            return; // a property of the promise, not of the response
                        }
                        match self.read(&val, prop, parent) {
                            Some(v) => {
                                val = v;
                                node = parent;
                                continue;
                            }
                            None => return,
                        }
                    };
                    match (val.promise, prop.as_str()) {
                        (true, "then") => {
                            if let Some(p) = parent.field("property") {
                                self.awaited(p.byte_range());
                            }
                            return self.then(call, &val, depth);
                        }
                        (true, "catch" | "finally") => node = call,
                        // got / ky: `got(…).json()` is a promise of the parsed body.
                        (true, "json") => {
                            val.response = false;
                            node = call;
                        }
                        (false, "json") => {
                            val.response = false;
                            val.promise = true;
                            val.request = false;
                            node = call;
                        }
                        (false, "clone") => node = call,
                        _ => return self.record(&val, node),
                    }
                }
                "variable_declarator" if field_is("value") => {
                    if let Some(name) = parent.field("name") {
                        if name.kind_name() == "identifier" {
                            self.record(&val, node);
                        }
                        self.bind(name, val, depth + 1);
                    }
                    return;
                }
                "assignment_expression" if field_is("right") => {
                    self.record(&val, node);
                    if let Some(left) = parent.field("left") {
                        if left.kind_name() == "identifier" {
                            self.bind(left, val, depth + 1);
                        }
                    }
                    return;
                }
                "return_statement" => {
                    let func = r
                        .scopes
                        .parents
                        .ancestors(parent)
                        .find(|n| super::super::scope::is_function(n.kind_name()));
                    let keyword = parent.start_byte()..parent.start_byte() + "return".len();
                    return self.returned(func, keyword, node, val, depth);
                }
                "arrow_function" if field_is("body") => {
                    let arrow = arrow_token(parent).unwrap_or_else(|| node.byte_range());
                    return self.returned(Some(parent), arrow, node, val, depth);
                }
                // The value of `c ? x : y`, `x ?? y`, `x || y`, `c && x` may be this one.
                "ternary_expression" if !field_is("condition") => node = parent,
                "binary_expression"
                    if matches!(
                        parent.field("operator").map(|o| o.kind_name()),
                        Some("??" | "||")
                    ) || (field_is("right")
                        && parent.field("operator").map(|o| o.kind_name()) == Some("&&")) =>
                {
                    node = parent
                }
                "arguments" => {
                    // `JSON.parse(res.body)`: the same data, parsed.
                    let Some(call) = self.r.parent(parent).filter(|c| {
                        r.callee_is(*c, "JSON.parse") && r.args(*c).first() == Some(&node)
                    }) else {
                        return self.record(&val, node);
                    };
                    self.record(&val, node);
                    val.response = false;
                    node = call;
                }
                _ => return self.record(&val, node),
            }
        }
    }

    /// `val` is returned from `func`: out of a `.then` callback it flows on after the
    /// `.then(…)` call; a promise returned anywhere else is left to the caller to await.
    fn returned(
        &mut self,
        func: Option<Node<'t>>,
        keyword: Span,
        node: Node<'t>,
        mut val: Val,
        depth: usize,
    ) {
        let then_call = func.and_then(|f| {
            self.continuations
                .iter()
                .rev()
                .find(|(id, _)| *id == f.id())
                .map(|(_, c)| *c)
        });
        if let Some(call) = then_call {
            // The `.then(…)` call's promise is chained on the request's.
            val.promise = true;
            val.request = true;
            return self.up(call, val, depth);
        }
        if val.promise && val.request {
            self.awaited(keyword);
        }
        self.record(&val, node);
    }

    /// `<promise>.then(cb)`: the callback's first parameter is the resolved value.
    fn then(&mut self, call: Node<'t>, val: &Val, depth: usize) {
        let r = self.r;
        let Some(cb) = r.args(call).first().map(|a| r.unwrap(*a)) else {
            return;
        };
        if !is_inline_function(cb) {
            return; // a handler defined elsewhere: not followed
        }
        let Some(param) = params(cb).into_iter().next() else {
            return;
        };
        let mut resolved = val.clone();
        resolved.promise = false;
        self.continuations.push((cb.id(), call));
        self.bind(param, resolved, depth);
        self.continuations.pop();
    }

    /// `val` is bound to a pattern (a variable, a parameter, a destructuring).
    fn bind(&mut self, pattern: Node<'t>, val: Val, depth: usize) {
        if depth > MAX_ALIASES {
            return;
        }
        let r = self.r;
        match pattern.kind_name() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                let Some(b) = r.scopes.binding_of(pattern) else {
                    return;
                };
                if self.followed.contains(&b) {
                    return;
                }
                self.followed.push(b);
                for use_ in r.scopes.references(b).to_vec() {
                    if use_.id() != pattern.id() {
                        self.up(use_, val.clone(), depth);
                    }
                }
            }
            "required_parameter" | "optional_parameter" => {
                if let Some(p) = pattern.field("pattern") {
                    self.bind(p, val, depth);
                }
            }
            "assignment_pattern" => {
                if let Some(p) = pattern.field("left") {
                    self.bind(p, val, depth);
                }
            }
            "object_pattern" => {
                for prop in named_children(pattern) {
                    let (key, target) = match prop.kind_name() {
                        "shorthand_property_identifier_pattern" => (r.text(prop).to_string(), prop),
                        "object_assignment_pattern" => {
                            let Some(left) = prop.field("left") else {
                                continue;
                            };
                            (r.text(left).to_string(), left)
                        }
                        "pair_pattern" => {
                            let (Some(k), Some(v)) = (prop.field("key"), prop.field("value"))
                            else {
                                continue;
                            };
                            let key = match k.kind_name() {
                                "string" => r.string_lit(k).map(|s| s.0),
                                "property_identifier" => Some(r.text(k).to_string()),
                                _ => None,
                            };
                            let Some(key) = key else { continue };
                            (key, v)
                        }
                        _ => continue,
                    };
                    if let Some(v) = self.read(&val, key, prop) {
                        self.record(&v, prop);
                        self.bind(target, v, depth);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The call whose callee is the member expression `member`, if any. In TypeScript,
/// `await x.m<T>()` parses as `(await x.m)<T>()`: then the `await` is returned too.
fn method_call<'t>(
    parents: &Parents<'t>,
    member: Node<'t>,
) -> (Option<Node<'t>>, Option<Node<'t>>) {
    let is_callee = |call: Node<'_>, f: Node<'_>| {
        call.kind_name() == "call_expression" && call.field("function") == Some(f)
    };
    match parents.of(member) {
        Some(g) if is_callee(g, member) => (Some(g), None),
        Some(a) if a.kind_name() == "await_expression" => match parents.of(a) {
            Some(g) if is_callee(g, a) => (Some(g), Some(a)),
            _ => (None, None),
        },
        _ => (None, None),
    }
}

/// The parameters of a function (a lone arrow parameter included).
fn params(func: Node<'_>) -> crate::frontend::fields::Children<'_> {
    if let Some(p) = func.field("parameter") {
        return smallvec::smallvec![p];
    }
    func.field("parameters")
        .map(named_children)
        .unwrap_or_default()
}

/// The `=>` of an arrow function.
fn arrow_token(arrow: Node<'_>) -> Option<Span> {
    let mut cursor = arrow.walk();
    let found = arrow
        .children(&mut cursor)
        .find(|c| c.kind_name() == "=>")
        .map(|c| c.byte_range());
    found
}

#[cfg(test)]
mod tests {
    use crate::call::{Client, HttpCall};
    use crate::frontend::javascript::extract;
    use crate::source::Language;

    fn calls(src: &str) -> Vec<HttpCall> {
        extract(src, Language::TypeScript)
            .calls
            .into_iter()
            .filter(|c| c.client != Client::BaseUrl)
            .collect()
    }

    fn one(src: &str) -> HttpCall {
        let mut c = calls(src);
        assert_eq!(c.len(), 1, "{c:#?}");
        c.remove(0)
    }

    fn reads(c: &HttpCall) -> Vec<&str> {
        c.response
            .body_reads
            .iter()
            .map(|r| r.path.as_str())
            .collect()
    }

    fn checks<'s>(src: &'s str, c: &HttpCall) -> Vec<&'s str> {
        c.response
            .status_checks
            .iter()
            .map(|s| &src[s.clone()])
            .collect()
    }

    #[test]
    fn fetch_status_check_and_json_body() {
        let src = r#"
async function del(url) {
  const res = await fetch(url, { method: 'POST' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = await res.json();
  return body?.data?.['closeUserAccount']?.result === true;
}"#;
        let c = one(src);
        assert_eq!(checks(src, &c), ["res.ok"]);
        assert_eq!(reads(&c), ["data.closeUserAccount.result"]);
        assert!(c.response.awaited.is_some());
    }

    #[test]
    fn generated_then_shapes_read_the_result() {
        let src = r#"
function close(url, init) {
  return fetch(url, init).then(async (res) => { const body = await res.clone().json(); if (body?.data?.closeUserAccount?.result !== true) throw new Error('CloseUserAccount failed'); return res; });
}"#;
        let c = one(src);
        assert!(
            c.response.reads("closeUserAccount.result"),
            "{:?}",
            reads(&c)
        );
        let src = r#"
function close(url, data, cfg) {
  return axios.post(url, data, cfg).then((res) => { if (res.data?.data?.closeUserAccount?.result !== true) throw new Error('CloseUserAccount failed'); return res; });
}"#;
        let c = one(src);
        assert!(
            c.response.reads("closeUserAccount.result"),
            "{:?}",
            reads(&c)
        );
        assert!(c.response.status_checks.is_empty());
        let src = r#"
const superagent = require('superagent');
function close(url, q) {
  return superagent.post(url).send(q).then((res) => { if (res.body?.data?.closeUserAccount?.result !== true) throw new Error('x'); return res; });
}"#;
        let c = one(src);
        assert!(
            c.response.reads("closeUserAccount.result"),
            "{:?}",
            reads(&c)
        );
    }

    #[test]
    fn parsed_and_defaulted_bodies() {
        let src = r#"
function close(u, o) {
  return got.post(u, o).then((res) => {
    const body = typeof res.body === 'string' ? JSON.parse(res.body) : res.body;
    if (body?.data?.closeUserAccount?.result !== true) throw new Error('x');
    return res;
  }).json();
}
async function del(u, p) {
  const res = await axios.post(u, p);
  const data = res.data ?? {};
  return (data || {}).stat === 'ok';
}"#;
        let c = calls(src);
        assert!(
            c[0].response.reads("closeUserAccount.result"),
            "{:?}",
            reads(&c[0])
        );
        assert!(c[1].response.reads("stat"), "{:?}", reads(&c[1]));
    }

    #[test]
    fn then_chains_and_destructuring() {
        let src = r#"
fetch(u, o).then(r => r.json()).then(body => { if (body.stat !== 'ok') throw new Error(body.error); });
"#;
        let c = one(src);
        assert_eq!(reads(&c), ["stat", "error"]);
        assert!(c.response.awaited.is_some());
        let src = r#"
async function f() {
  const { data: { stat }, status } = await axios.post(u, p);
  const { data } = await axios.post(u, p);
  const r = data;
  return r.results[0];
}"#;
        let c = calls(src);
        assert_eq!(reads(&c[0]), ["data", "data.stat"]);
        assert_eq!(checks(src, &c[0]), ["status"]);
        assert_eq!(reads(&c[1]), ["data", "data", "data.results.0"]);
    }

    #[test]
    fn awaited_returned_and_callback_styles() {
        let src = r#"
async function a() { await axios.delete(u); }
function b() { return got.post(u, { form }).json(); }
const c = () => ky.post(u);
function d() { axios.post(u); }
function e(cb) { request({ uri: u, method: 'POST' }, (err, res, body) => cb(res.statusCode === 200 && body.stat)); }
async function f() { const x = await api.post<T>(`${BASE}/x`, p); console.log(x.status); }
"#;
        let c = calls(src);
        assert_eq!(c.len(), 6);
        for i in [0, 1, 2, 5] {
            assert!(c[i].response.awaited.is_some(), "{i}: {:?}", c[i].response);
        }
        assert!(c[3].response.awaited.is_none());
        assert!(c[4].response.awaited.is_none());
        assert_eq!(checks(src, &c[4]), ["res.statusCode"]);
        assert_eq!(reads(&c[4]), ["stat"]);
        // Logged, not judged.
        assert!(c[5].response.status_checks.is_empty());
    }

    #[test]
    fn supertest_expect_is_a_status_check() {
        let src = r#"
const request = require('supertest');
it('x', async () => { await request(BASE).post('/entity.delete').send(form).expect(200); });
"#;
        let c = one(src);
        assert_eq!(checks(src, &c), ["expect(200)"]);
    }

    #[test]
    fn scope_is_the_enclosing_function() {
        let src = "const a = fetch(u);\nfunction f() { return fetch(v); }\n";
        let c = calls(src);
        assert_eq!(c[0].scope, Some(0..src.len()));
        assert_eq!(
            c[1].scope.clone().map(|s| &src[s]),
            Some("function f() { return fetch(v); }")
        );
    }
}
