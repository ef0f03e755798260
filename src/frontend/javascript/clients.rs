//! Call shapes, one library at a time: which calls are requests, and how each one's
//! URL, method, headers, query and body are read from its arguments and options.
//!
//! Not for: walking the tree (see `walk`) or resolving expressions (see `resolve`).

use super::resolve::{is_absolute, set_field, synthetic_slash, Lookup, Opts, Resolver, UrlOut};
use super::scope::{BindKind, BindValue, ScopeId};
use crate::call::{
    Body, Client, Field, Fields, HttpCall, Method, Piece, RpcName, UrlTemplate, Value,
};
use crate::frontend::fields::ChildField as _;
use tree_sitter::Node;

/// The libraries whose call shapes are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Lib {
    Axios,
    Got,
    Ky,
    Superagent,
    Supertest,
    Request,
    NodeHttp {
        https: bool,
    },
    JQuery,
    Fetch,
    Pm,
    /// A `new XMLHttpRequest()`; its one config is that constructor call.
    Xhr,
}

/// A receiver whose library is known, with the option objects of the instance it was
/// created as (`axios.create(cfg)`, `got.extend(cfg)`; outermost first). For supertest
/// the one "config" is the app or base URL given to `request(app)`.
#[derive(Clone, Debug)]
pub(super) struct Recv<'t> {
    pub lib: Lib,
    pub configs: Vec<(Node<'t>, ScopeId)>,
}

fn lib_by_name(name: &str) -> Option<Lib> {
    Some(match name {
        "axios" => Lib::Axios,
        "got" => Lib::Got,
        "ky" => Lib::Ky,
        "superagent" => Lib::Superagent,
        "supertest" => Lib::Supertest,
        "request" | "rp" | "requestPromise" | "requestp" => Lib::Request,
        "http" => Lib::NodeHttp { https: false },
        "https" => Lib::NodeHttp { https: true },
        "$" | "jQuery" | "jquery" => Lib::JQuery,
        "pm" => Lib::Pm,
        _ => return None,
    })
}

fn lib_by_module(module: &str) -> Option<Lib> {
    Some(match module {
        "axios" => Lib::Axios,
        "got" => Lib::Got,
        "ky" | "ky-universal" => Lib::Ky,
        "superagent" => Lib::Superagent,
        "supertest" => Lib::Supertest,
        "request"
        | "request-promise"
        | "request-promise-native"
        | "postman-request"
        | "requestretry" => Lib::Request,
        "http" | "node:http" => Lib::NodeHttp { https: false },
        "https" | "node:https" => Lib::NodeHttp { https: true },
        "jquery" => Lib::JQuery,
        "node-fetch" | "cross-fetch" | "isomorphic-fetch" | "undici" => Lib::Fetch,
        _ => return None,
    })
}

/// `fetch`, `nodeFetch`, `crossFetch`, `node_fetch` (not `prefetch` or `refetch`).
pub(super) fn is_fetch_name(name: &str) -> bool {
    name == "fetch" || name.ends_with("Fetch") || name.ends_with("_fetch")
}

const VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "head", "options",
];

fn verb_method(p: &str) -> Option<&'static str> {
    Some(match p {
        "get" => "GET",
        "post" => "POST",
        "put" => "PUT",
        "patch" => "PATCH",
        "delete" | "del" => "DELETE",
        "head" => "HEAD",
        "options" => "OPTIONS",
        _ => return None,
    })
}

/// Option objects in precedence order (instance defaults first, the call's own last).
#[derive(Default)]
struct Cfg<'t> {
    opts: Vec<Opts<'t>>,
}

impl<'t> Cfg<'t> {
    fn get(&self, key: &str) -> Lookup<'t> {
        self.get_any(&[key])
    }
    fn get_any(&self, keys: &[&str]) -> Lookup<'t> {
        for o in self.opts.iter().rev() {
            match o.get_any(keys) {
                Lookup::Absent => continue,
                found => return found,
            }
        }
        Lookup::Absent
    }
    /// Like `get_any`, but a spread of unknown options does not hide an instance's
    /// own value (a call rarely overrides its instance's base URL that way).
    fn get_known(&self, keys: &[&str]) -> Lookup<'t> {
        self.opts
            .iter()
            .rev()
            .map(|o| o.get_any(keys))
            .find(|l| matches!(l, Lookup::Found { .. }))
            .unwrap_or(Lookup::Absent)
    }
}

/// An argument that is a function (a callback, a route handler).
fn is_function(n: Node<'_>) -> bool {
    matches!(
        n.kind_name(),
        "arrow_function" | "function_expression" | "function"
    )
}

fn merge_fields(into: &mut Fields, from: Fields) {
    for f in from.entries {
        set_field(into, f);
    }
    into.open |= from.open;
    into.span = from.span;
}

impl<'a, 't> Resolver<'a, 't> {
    // ------------------------------------------------------------ receivers

    /// The library (and instance options) of a receiver or callee.
    pub fn classify(&self, n: Node<'t>, scope: ScopeId) -> Option<Recv<'t>> {
        self.classify_depth(n, scope, 0)
    }

    fn classify_depth(&self, n: Node<'t>, scope: ScopeId, depth: usize) -> Option<Recv<'t>> {
        if depth > 8 {
            return None;
        }
        let n = self.unwrap(n);
        let plain = |lib| Recv {
            lib,
            configs: Vec::new(),
        };
        match n.kind_name() {
            "identifier" => {
                let name = self.text(n);
                let Some(id) = self.scopes.lookup(name, scope) else {
                    return lib_by_name(name).map(plain);
                };
                let b = self.scopes.binding(id);
                match &b.kind {
                    BindKind::Import { module, imported } => {
                        let lib = lib_by_module(module)?;
                        match imported.as_deref() {
                            None | Some("default") => Some(plain(lib)),
                            Some("fetch") if lib == Lib::Fetch => Some(plain(lib)),
                            _ => None,
                        }
                    }
                    BindKind::Param => lib_by_name(name).map(plain),
                    BindKind::Const | BindKind::Let | BindKind::Var => match b.fixed_value() {
                        Some(BindValue::Expr(v)) => self.classify_value(*v, b.scope, depth + 1),
                        _ => None,
                    },
                    BindKind::Function | BindKind::Class => None,
                }
            }
            "member_expression" => {
                let object = self.unwrap(n.field("object")?);
                if object.kind_name() == "this" {
                    let key = self.member_key(n)?;
                    let (v, s) = self.scopes.class_member(scope, &key)?;
                    return self.classify_value(v, s, depth + 1);
                }
                self.classify_value(n, scope, depth + 1)
            }
            "call_expression" => self.classify_value(n, scope, depth + 1),
            _ => None,
        }
    }

    /// What a bound value makes of its name: `require('axios')`, `axios.create(cfg)`,
    /// `got.extend(cfg)`, `supertest(app)`, or an alias of another receiver.
    fn classify_value(&self, v: Node<'t>, scope: ScopeId, depth: usize) -> Option<Recv<'t>> {
        if depth > 8 {
            return None;
        }
        let v = self.unwrap(v);
        match v.kind_name() {
            "identifier" => self.classify_depth(v, scope, depth + 1),
            "member_expression" => {
                let object = self.unwrap(v.field("object")?);
                let prop = self.text(v.field("property")?);
                if object.kind_name() == "this" {
                    return self.classify_depth(v, scope, depth + 1);
                }
                // require('axios').default
                if prop == "default" && object.kind_name() == "call_expression" {
                    return self.classify_value(object, scope, depth + 1);
                }
                None
            }
            // `new XMLHttpRequest()`, `new window.XMLHttpRequest()`
            "new_expression" => {
                let ctor = self.unwrap(v.field("constructor")?);
                let name = match ctor.kind_name() {
                    "identifier" => self.text(ctor),
                    "member_expression" => self.text(ctor.field("property")?),
                    _ => return None,
                };
                (name == "XMLHttpRequest").then(|| Recv {
                    lib: Lib::Xhr,
                    configs: vec![(v, scope)],
                })
            }
            "call_expression" => {
                let f = self.unwrap(self.callee(v)?);
                let args = self.args(v);
                if f.kind_name() == "identifier" && self.text(f) == "require" {
                    let (m, _, _) = self.string_lit(*args.first()?)?;
                    return lib_by_module(&m).map(|lib| Recv {
                        lib,
                        configs: Vec::new(),
                    });
                }
                // A factory: `const api = createClient()` with `createClient` returning
                // `axios.create({…})`.
                if let Some((ret, rs)) = self.returned(v, scope) {
                    return self.classify_value(ret, rs, depth + 1);
                }
                if f.kind_name() == "identifier" {
                    let base = self.classify_depth(f, scope, depth + 1)?;
                    // `supertest(app)` / `request(app)`: an agent bound to an app or URL.
                    if base.lib == Lib::Supertest {
                        return Some(Recv {
                            lib: Lib::Supertest,
                            configs: args.first().map(|a| (*a, scope)).into_iter().collect(),
                        });
                    }
                    return None;
                }
                if f.kind_name() != "member_expression" {
                    return None;
                }
                let object = f.field("object")?;
                let prop = self.text(f.field("property")?);
                let mut base = self.classify_depth(object, scope, depth + 1)?;
                match (base.lib, prop) {
                    (Lib::Axios, "create")
                    | (Lib::Got, "extend")
                    | (Lib::Ky, "create" | "extend")
                    | (Lib::Request, "defaults") => {
                        if let Some(cfg) = args.first() {
                            base.configs.push((*cfg, scope));
                        }
                        Some(base)
                    }
                    (Lib::Superagent, "agent") => Some(base),
                    (Lib::Supertest, "agent") => Some(Recv {
                        lib: Lib::Supertest,
                        configs: args.first().map(|a| (*a, scope)).into_iter().collect(),
                    }),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// What an instance with defaults sends by itself: its base URL (`baseURL`,
    /// `prefixUrl`) and headers, as a request (for other modules to join their paths
    /// to). `None` for a plain library or an instance without a base URL.
    pub fn instance_defaults(&self, recv: &Recv<'t>, at: Node<'t>) -> Option<HttpCall> {
        let client = match recv.lib {
            Lib::Axios => Client::Axios,
            Lib::Got => Client::Got,
            Lib::Ky => Client::Ky,
            _ => return None,
        };
        let cfg = self.cfg(&recv.configs);
        let (base, bs) = cfg.get_known(&["baseURL", "prefixUrl", "prefix"]).found()?;
        let url = self.url(base, bs);
        let mut c = self.new_call(
            client,
            None,
            Method {
                name: None,
                span: None,
                expr: None,
            },
            url,
            base.byte_range(),
            Fields::default(),
            at,
        );
        c.headers = self.merged_fields(&cfg, &["headers"], false);
        self.auth_header(&cfg, &mut c.headers);
        Some(c)
    }

    fn cfg(&self, configs: &[(Node<'t>, ScopeId)]) -> Cfg<'t> {
        Cfg {
            opts: configs.iter().map(|(n, s)| self.opts(*n, *s)).collect(),
        }
    }

    fn merged_fields(&self, cfg: &Cfg<'t>, keys: &[&str], strings: bool) -> Fields {
        let mut out = Fields::default();
        for o in &cfg.opts {
            match o.get_any(keys) {
                Lookup::Found { value, scope } => {
                    merge_fields(&mut out, self.fields(value, scope, strings))
                }
                Lookup::Unknown(_) => out.open = true,
                Lookup::Absent => {}
            }
        }
        out
    }

    /// `auth: { user, pass }` / `{ username, password }` / `{ bearer }` sends an
    /// `Authorization` header; it is listed under that name (at the `auth` value) unless
    /// one is set explicitly.
    fn auth_header(&self, cfg: &Cfg<'t>, headers: &mut Fields) {
        if headers.get_ci("authorization").is_some() {
            return;
        }
        if let Some((n, s)) = cfg.get("auth").found() {
            let span = self.follow(n, s).0.byte_range();
            if headers.span.is_empty() {
                headers.span = span.clone();
            }
            set_field(
                headers,
                Field {
                    key: "Authorization".into(),
                    key_span: span,
                    value: self.value(n, s),
                },
            );
        }
    }

    /// Whether the headers declare a form-encoded body.
    fn says_form(&self, headers: &Fields) -> bool {
        headers
            .get_ci("content-type")
            .and_then(|f| f.value.as_str())
            .is_some_and(|v| v.contains("x-www-form-urlencoded"))
    }

    #[allow(clippy::too_many_arguments)]
    fn new_call(
        &self,
        client: Client,
        receiver: Option<String>,
        method: Method,
        url: UrlOut,
        url_span: std::ops::Range<usize>,
        extra_query: Fields,
        call: Node<'t>,
    ) -> HttpCall {
        let mut query = Fields {
            entries: Vec::new(),
            open: url.query_open,
            span: if url.query.is_empty() {
                0..0
            } else {
                url_span.clone()
            },
        };
        for f in url.query {
            set_field(&mut query, f);
        }
        if !extra_query.entries.is_empty() || extra_query.open || !extra_query.span.is_empty() {
            merge_fields(&mut query, extra_query);
        }
        let vias = url.vias;
        let unformatted = url.unformatted;
        let related = url.related;
        let mut c = HttpCall::new(
            client,
            method,
            UrlTemplate {
                pieces: url.pieces,
                span: url_span,
            },
            self.call_span(call),
        );
        c.receiver = receiver;
        c.query = query;
        c.vias = vias;
        c.unformatted = unformatted;
        c.related = related;
        c
    }

    /// Resolves the URL node (if any) and joins it to a base URL / prefix.
    fn joined_url(
        &self,
        url: Option<(Node<'t>, ScopeId)>,
        base: Lookup<'t>,
    ) -> (UrlOut, std::ops::Range<usize>) {
        let (out, span) = match url {
            Some((n, s)) => (self.url(n, s), n.byte_range()),
            None => (UrlOut::default(), 0..0),
        };
        let base = match base {
            Lookup::Found { value, scope } => self.url(value, scope),
            _ => return (out, span),
        };
        let relative = match out.pieces.first() {
            None => true,
            Some(Piece::Lit { text, .. }) => !is_absolute(text) && !text.starts_with("//"),
            Some(Piece::Hole { .. }) => false,
        };
        if !relative {
            return (out, span);
        }
        let span = if span.is_empty() {
            base.pieces
                .first()
                .map(|p| p.span().clone())
                .unwrap_or(span)
        } else {
            span
        };
        (join(base, out), span)
    }

    // ------------------------------------------------------------ fetch

    /// `fetch(url, init)` and `new Request(url, init)`.
    pub fn fetch(
        &self,
        call: Node<'t>,
        receiver: Option<String>,
        scope: ScopeId,
    ) -> Option<HttpCall> {
        let args = self.args(call);
        let url_arg = *args.first()?;
        let (u, _) = self.follow(url_arg, scope);
        if u.kind_name() == "new_expression"
            && u.field("constructor")
                .is_some_and(|c| self.text(c) == "Request")
        {
            // The `new Request(...)` is reported itself.
            return None;
        }
        let init = match args.get(1) {
            Some(&a) => self.opts(a, scope),
            None => Opts::default(),
        };
        let method = self.method_from(init.get("method"), Method::implied("GET"));
        let mut c = self.new_call(
            Client::Fetch,
            receiver,
            method,
            self.url(url_arg, scope),
            url_arg.byte_range(),
            Fields::default(),
            call,
        );
        c.headers = self.merged_fields(
            &Cfg {
                opts: vec![init.clone()],
            },
            &["headers"],
            false,
        );
        c.body = init
            .get("body")
            .found()
            .and_then(|(n, s)| self.body(n, s, false));
        Some(c)
    }

    // ------------------------------------------------------------ axios and friends

    /// axios-style calls: `(url, config)`, `(url, data, config)`, `(config)`; also the
    /// generic `x.delete(url)` on an unknown receiver.
    #[allow(clippy::too_many_arguments)]
    pub fn axios_like(
        &self,
        client: Client,
        receiver: Option<String>,
        instance: &[(Node<'t>, ScopeId)],
        verb: Option<Method>,
        url_arg: Option<Node<'t>>,
        data_arg: Option<Node<'t>>,
        config_arg: Option<Node<'t>>,
        call: Node<'t>,
        scope: ScopeId,
    ) -> HttpCall {
        let mut cfg = self.cfg(instance);
        if let Some(c) = config_arg {
            cfg.opts.push(self.opts(c, scope));
        }
        let url_node = url_arg
            .map(|n| (n, scope))
            .or_else(|| cfg.get_known(&["url"]).found());
        let (url, url_span) = self.joined_url(url_node, cfg.get_known(&["baseURL"]));
        let method =
            verb.unwrap_or_else(|| self.method_from(cfg.get("method"), Method::implied("GET")));
        let headers = self.merged_fields(&cfg, &["headers"], false);
        let params = self.merged_fields(&cfg, &["params"], true);
        let mut c = self.new_call(client, receiver, method, url, url_span, params, call);
        let body_keys: &[&str] = if client == Client::MethodCall {
            &["data", "body"]
        } else {
            &["data"]
        };
        let form = self.says_form(&headers);
        c.body = match data_arg {
            Some(d) => self.body(d, scope, form),
            None => cfg
                .get_any(body_keys)
                .found()
                .and_then(|(n, s)| self.body(n, s, form)),
        };
        c.headers = headers;
        self.auth_header(&cfg, &mut c.headers);
        c
    }

    /// `axios(...)`, `axios.<verb>(...)`, `axios.request(config)` on axios or an instance.
    pub fn axios(
        &self,
        recv: &Recv<'t>,
        prop: Option<Node<'t>>,
        receiver: String,
        call: Node<'t>,
        scope: ScopeId,
    ) -> Option<HttpCall> {
        let args = self.args(call);
        let a = |i: usize| args.get(i).copied();
        let Some(prop) = prop else {
            // axios(config) / axios(url, config)
            let first = a(0)?;
            let (url, config) = if self.looks_like_config(first, scope) {
                (None, Some(first))
            } else {
                (Some(first), a(1))
            };
            return Some(self.axios_like(
                Client::Axios,
                Some(receiver),
                &recv.configs,
                None,
                url,
                None,
                config,
                call,
                scope,
            ));
        };
        let p = self.text(prop);
        let verb = |name: &str| Some(Method::known(name, Some(prop.byte_range())));
        Some(match p {
            "get" | "delete" | "head" | "options" => self.axios_like(
                Client::Axios,
                Some(receiver),
                &recv.configs,
                verb(p),
                Some(a(0)?),
                None,
                a(1),
                call,
                scope,
            ),
            "post" | "put" | "patch" => self.axios_like(
                Client::Axios,
                Some(receiver),
                &recv.configs,
                verb(p),
                Some(a(0)?),
                a(1),
                a(2),
                call,
                scope,
            ),
            "request" => self.axios_like(
                Client::Axios,
                Some(receiver),
                &recv.configs,
                None,
                None,
                None,
                Some(a(0)?),
                call,
                scope,
            ),
            _ => return None,
        })
    }

    /// An object literal, or a name that reads like an options object.
    fn looks_like_config(&self, n: Node<'t>, scope: ScopeId) -> bool {
        let (o, _) = self.follow(n, scope);
        if o.kind_name() == "object" {
            return true;
        }
        if matches!(
            o.kind_name(),
            "string" | "template_string" | "binary_expression" | "new_expression"
        ) {
            return false;
        }
        let t = self.text(n).to_ascii_lowercase();
        ["config", "option", "opts", "settings", "params", "req"]
            .iter()
            .any(|w| t.contains(w))
    }

    /// Generic `<receiver>.<verb>(url, …)` on a receiver not known in this file.
    pub fn method_call(
        &self,
        object: Node<'t>,
        prop: Node<'t>,
        call: Node<'t>,
        scope: ScopeId,
    ) -> Option<HttpCall> {
        let p = self.text(prop);
        let args = self.args(call);
        if !VERBS.contains(&p) && p != "request" {
            return None;
        }
        if args.iter().skip(1).any(|a| is_function(*a)) {
            return None; // a route handler: `router.delete('/users/:id', (req, res) => …)`
        }
        let receiver = self.text(object).replace("?.", ".");
        let root = receiver.split(['.', '(', '[']).next().unwrap_or_default();
        if matches!(
            root,
            "app" | "router" | "server" | "route" | "fastify" | "express" | "koa" | "hono"
        ) {
            return None;
        }
        if self.receiver_is_data(object, p, scope) {
            return None;
        }
        let first = *args.first()?;
        let method_first = self
            .string_lit(self.follow(first, scope).0)
            .filter(|(m, _, _)| {
                verb_method(&m.to_ascii_lowercase()).is_some_and(|v| v == m.to_ascii_uppercase())
            });
        let (url_arg, data_arg, config_arg, verb) = if p == "request" {
            if let (Some((m, span, _)), Some(&url)) = (method_first, args.get(1)) {
                // `cy.request('DELETE', url, body)`
                (
                    Some(url),
                    args.get(2).copied(),
                    None,
                    Some(Method::known(&m, Some(span))),
                )
            } else if self.looks_like_config(first, scope) {
                (None, None, Some(first), None)
            } else {
                (Some(first), None, args.get(1).copied(), None)
            }
        } else {
            let m = Method::known(verb_method(p)?, Some(prop.byte_range()));
            match p {
                "post" | "put" | "patch" => (
                    Some(first),
                    args.get(1).copied(),
                    args.get(2).copied(),
                    Some(m),
                ),
                _ => (Some(first), None, args.get(1).copied(), Some(m)),
            }
        };
        let c = self.axios_like(
            Client::MethodCall,
            Some(receiver),
            &[],
            verb,
            url_arg,
            data_arg,
            config_arg,
            call,
            scope,
        );
        url_like(&c.url.pieces).then_some(c)
    }

    /// A receiver bound in this file to data (a Map, an object, a string): not a client.
    /// An object literal with a function under the called name is a wrapper, not data.
    fn receiver_is_data(&self, object: Node<'t>, method: &str, scope: ScopeId) -> bool {
        let (o, os) = self.follow(object, scope);
        if o.id() == self.unwrap(object).id() {
            return false;
        }
        if o.kind_name() == "object" {
            return !self.opts(o, os).get(method).found().is_some_and(|(v, vs)| {
                matches!(
                    self.follow(v, vs).0.kind_name(),
                    "arrow_function" | "function_expression" | "function" | "method_definition"
                )
            });
        }
        matches!(
            o.kind_name(),
            "array" | "string" | "template_string" | "number"
        ) || (o.kind_name() == "new_expression"
            && o.field("constructor").is_some_and(|c| {
                matches!(
                    self.text(c),
                    "Map" | "Set" | "WeakMap" | "URLSearchParams" | "Headers" | "FormData" | "URL"
                )
            }))
    }

    // ------------------------------------------------------------ options-style libraries

    /// The method a verb property names (`got.delete` → DELETE); `Some(None)` for a call
    /// without one (`got(url)`), `None` when the property is not a verb at all.
    fn named_verb(&self, prop: Option<Node<'t>>) -> Option<Option<Method>> {
        match prop {
            Some(p) => Some(Some(Method::known(
                verb_method(self.text(p))?,
                Some(p.byte_range()),
            ))),
            None => Some(None),
        }
    }

    /// What libraries configured by options objects share (got, ky, request): the
    /// instance's options with the call's on top, the URL (argument, or one of
    /// `url_keys`) joined to the `base_key` option, and the method (the verb, the
    /// `method` option, or GET).
    #[allow(clippy::too_many_arguments)]
    fn options_call(
        &self,
        recv: &Recv<'t>,
        url_arg: Option<Node<'t>>,
        opts_arg: Option<Node<'t>>,
        scope: ScopeId,
        url_keys: &[&str],
        base_key: &str,
        verb: Option<Method>,
    ) -> (Cfg<'t>, UrlOut, std::ops::Range<usize>, Method) {
        let mut cfg = self.cfg(&recv.configs);
        if let Some(o) = opts_arg {
            cfg.opts.push(self.opts(o, scope));
        }
        let url_node = url_arg
            .map(|n| (n, scope))
            .or_else(|| cfg.get_known(url_keys).found());
        let (url, url_span) = self.joined_url(url_node, cfg.get_known(&[base_key]));
        let method =
            verb.unwrap_or_else(|| self.method_from(cfg.get("method"), Method::implied("GET")));
        (cfg, url, url_span, method)
    }

    // ------------------------------------------------------------ got / ky

    /// `got(url, opts)`, `got(opts)`, `got.<verb>(url, opts)`, same for ky.
    pub fn got_ky(
        &self,
        recv: &Recv<'t>,
        prop: Option<Node<'t>>,
        receiver: String,
        call: Node<'t>,
        scope: ScopeId,
    ) -> Option<HttpCall> {
        let args = self.args(call);
        let verb = self.named_verb(prop)?;
        let first = *args.first()?;
        let (url_arg, opts_arg) = if verb.is_none() && self.object_literal(first, scope).is_some() {
            (None, Some(first))
        } else {
            (Some(first), args.get(1).copied())
        };
        let (cfg, url, url_span, method) =
            self.options_call(recv, url_arg, opts_arg, scope, &["url"], "prefixUrl", verb);
        let client = if recv.lib == Lib::Ky {
            Client::Ky
        } else {
            Client::Got
        };
        let search = self.merged_fields(&cfg, &["searchParams"], true);
        let mut c = self.new_call(client, Some(receiver), method, url, url_span, search, call);
        c.headers = self.merged_fields(&cfg, &["headers"], false);
        c.body = if let Some((n, s)) = cfg.get("json").found() {
            Some(Body::Json {
                value: self.value(n, s),
            })
        } else if let Some((n, s)) = cfg.get("form").found() {
            Some(self.form_body(n, s))
        } else {
            cfg.get("body")
                .found()
                .and_then(|(n, s)| self.body(n, s, false))
        };
        Some(c)
    }

    fn form_body(&self, n: Node<'t>, scope: ScopeId) -> Body {
        match self.body(n, scope, true) {
            Some(b @ (Body::Form { .. } | Body::Raw { .. })) => b,
            _ => Body::Form {
                fields: self.fields(n, scope, true),
            },
        }
    }

    // ------------------------------------------------------------ request

    /// `request(opts, cb)`, `request(url, opts?, cb)`, `request.<verb>(url|opts, …)`.
    pub fn request(
        &self,
        recv: &Recv<'t>,
        prop: Option<Node<'t>>,
        receiver: String,
        call: Node<'t>,
        scope: ScopeId,
    ) -> Option<HttpCall> {
        let args = self.args(call);
        let verb = self.named_verb(prop)?;
        let first = *args.first()?;
        if is_function(first) {
            return None;
        }
        let options_first = self.object_literal(first, scope).is_some()
            || (prop.is_none()
                && !self.looks_like_url(first, scope)
                && self.looks_like_config(first, scope));
        let (url_arg, opts_arg) = if options_first {
            (None, Some(first))
        } else {
            // `request(url, cb)`: only an options-like second argument is options.
            let second = args
                .get(1)
                .copied()
                .filter(|a| !is_function(*a) && self.looks_like_config(*a, scope));
            (Some(first), second)
        };
        let (cfg, url, url_span, method) = self.options_call(
            recv,
            url_arg,
            opts_arg,
            scope,
            &["uri", "url"],
            "baseUrl",
            verb,
        );
        let qs = self.merged_fields(&cfg, &["qs"], true);
        let mut c = self.new_call(
            Client::Request,
            Some(receiver),
            method,
            url,
            url_span,
            qs,
            call,
        );
        c.headers = self.merged_fields(&cfg, &["headers"], false);
        self.auth_header(&cfg, &mut c.headers);
        c.body = if let Some((n, s)) = cfg.get_any(&["form", "formData"]).found() {
            Some(self.form_body(n, s))
        } else if let Some((n, s)) = cfg.get("body").found() {
            self.body(n, s, false)
        } else if let Some((n, s)) = cfg.get("json").found() {
            // `json: {…}` is the body itself; `json: true` only says how to encode.
            let (j, _) = self.follow(n, s);
            matches!(j.kind_name(), "object" | "array").then(|| Body::Json {
                value: self.value(n, s),
            })
        } else {
            None
        };
        Some(c)
    }

    fn looks_like_url(&self, n: Node<'t>, scope: ScopeId) -> bool {
        let (o, _) = self.follow(n, scope);
        matches!(
            o.kind_name(),
            "string" | "template_string" | "binary_expression"
        ) || self.is_url_ctor(o)
    }

    // ------------------------------------------------------------ node http

    /// `http.request(options, cb)`, `https.request(url, options?, cb)`, `http.get(…)`.
    pub fn node_http(
        &self,
        https: bool,
        prop: Node<'t>,
        receiver: String,
        call: Node<'t>,
        scope: ScopeId,
    ) -> Option<HttpCall> {
        let p = self.text(prop);
        if p != "request" && p != "get" {
            return None;
        }
        let args = self.args(call);
        let first = *args.first()?;
        let (url_arg, opts_arg) = if self.object_literal(first, scope).is_some() {
            (None, Some(first))
        } else {
            (
                Some(first),
                args.get(1)
                    .copied()
                    .filter(|a| self.object_literal(*a, scope).is_some()),
            )
        };
        let opts = match opts_arg {
            Some(o) => self.opts(o, scope),
            None => Opts::default(),
        };
        let (url, url_span) = match url_arg {
            Some(u) => (self.url(u, scope), u.byte_range()),
            None => (self.http_options_url(https, &opts), opts.span.clone()),
        };
        let method = if p == "get" {
            Method::implied("GET")
        } else {
            self.method_from(opts.get("method"), Method::implied("GET"))
        };
        let mut c = self.new_call(
            Client::NodeHttp,
            Some(receiver),
            method,
            url,
            url_span,
            Fields::default(),
            call,
        );
        c.headers = self.merged_fields(&Cfg { opts: vec![opts] }, &["headers"], false);
        Some(c)
    }

    /// `{ protocol, hostname | host, port, path }` as a URL. The origin is one literal
    /// (it is not written as one in the source), placed on the host's span.
    fn http_options_url(&self, https: bool, opts: &Opts<'t>) -> UrlOut {
        let mut out = UrlOut::default();
        let scheme = match opts
            .get("protocol")
            .found()
            .and_then(|(n, s)| self.string_lit(self.follow(n, s).0))
        {
            Some((p, _, _)) => p.trim_end_matches(':').to_string(),
            None if https => "https".into(),
            None => "http".into(),
        };
        let at = opts.span.start;
        let port = match opts.get("port").found() {
            Some((n, s)) => {
                let (o, _) = self.follow(n, s);
                match o.kind_name() {
                    "number" => Some(Ok(self.text(o).to_string())),
                    _ => match self.string_lit(o) {
                        Some((t, _, _)) => Some(Ok(t)),
                        None => Some(Err(n)),
                    },
                }
            }
            None => None,
        };
        let host = opts.get_any(&["hostname", "host"]).found();
        match host.map(|(n, s)| (n, self.string_lit(self.follow(n, s).0))) {
            Some((_, Some((h, span, _)))) => {
                let mut text = format!("{scheme}://{h}");
                if let Some(Ok(p)) = &port {
                    text.push(':');
                    text.push_str(p);
                }
                out.pieces.push(Piece::Lit {
                    text,
                    span,
                    exact: false,
                });
            }
            Some((n, None)) => {
                out.pieces.push(Piece::Lit {
                    text: format!("{scheme}://"),
                    span: n.start_byte()..n.start_byte(),
                    exact: false,
                });
                out.pieces.push(Piece::Hole {
                    expr: self.text(n).to_string(),
                    span: n.byte_range(),
                });
                if let Some(Ok(p)) = &port {
                    let (pn, ps) = opts.get("port").found().expect("port was found");
                    let at = self.follow(pn, ps).0;
                    out.pieces.push(Piece::Lit {
                        text: format!(":{p}"),
                        span: at.byte_range(),
                        exact: false,
                    });
                }
            }
            None => out.pieces.push(Piece::Lit {
                text: format!("{scheme}://localhost"),
                span: at..at,
                exact: false,
            }),
        }
        if let Some(Err(p)) = port {
            out.pieces.push(Piece::Lit {
                text: ":".into(),
                span: p.start_byte()..p.start_byte(),
                exact: false,
            });
            out.pieces.push(Piece::Hole {
                expr: self.text(p).to_string(),
                span: p.byte_range(),
            });
        }
        if let Some((n, s)) = opts.get("path").found() {
            let path = self.url(n, s);
            out.vias.extend(path.vias);
            out.related.extend(path.related);
            out.pieces.extend(path.pieces);
            out.query.extend(path.query);
            out.query_open |= path.query_open;
        }
        out
    }

    /// The body written with `req.write(x)` / `req.end(x)`.
    pub fn written_body(&self, arg: Node<'t>, scope: ScopeId) -> Option<Body> {
        self.body(arg, scope, false)
    }

    // ------------------------------------------------------------ XMLHttpRequest

    /// `xhr.open(method, url, …)` on a `new XMLHttpRequest()` bound to `object`: the
    /// request, with the headers of `object.setRequestHeader(name, value)` calls (the
    /// body of `object.send(body)` is attached by the walk).
    pub fn xhr_open(
        &self,
        object: Node<'t>,
        prop: Node<'t>,
        receiver: String,
        call: Node<'t>,
        scope: ScopeId,
    ) -> Option<HttpCall> {
        if self.text(prop) != "open" {
            return None;
        }
        let args = self.args(call);
        let (m, u) = (*args.first()?, *args.get(1)?);
        let method = self.method(m, scope);
        let url = self.url(u, scope);
        let mut c = self.new_call(
            Client::Xhr,
            Some(receiver),
            method,
            url,
            u.byte_range(),
            Fields::default(),
            call,
        );
        c.headers = self.xhr_headers(object, scope);
        Some(c)
    }

    /// The headers set with `name.setRequestHeader(k, v)` on an `XMLHttpRequest`
    /// bound to `name` (open when the receiver is not a plain name, or a header name is
    /// computed).
    fn xhr_headers(&self, object: Node<'t>, scope: ScopeId) -> Fields {
        let object = self.unwrap(object);
        let open = Fields {
            open: true,
            ..Fields::default()
        };
        if object.kind_name() != "identifier" {
            return open;
        }
        let Some(b) = self.scopes.lookup(self.text(object), scope) else {
            return open;
        };
        let mut fields = Fields::default();
        for sp in self.scopes.search_params(b) {
            match self.pair_field(sp.key, sp.value, sp.scope) {
                Some(field) => set_field(&mut fields, field),
                None => fields.open = true,
            }
        }
        fields
    }

    // ------------------------------------------------------------ jQuery

    /// `$.ajax(settings)`, `$.ajax(url, settings)`, `$.post/get/getJSON(url, data)`.
    pub fn jquery(
        &self,
        prop: Node<'t>,
        receiver: String,
        call: Node<'t>,
        scope: ScopeId,
    ) -> Option<HttpCall> {
        let p = self.text(prop);
        let args = self.args(call);
        let first = *args.first()?;
        let first_is_settings = self.object_literal(first, scope).is_some();
        let (url_arg, settings_arg, data_arg) = match p {
            "ajax" if first_is_settings => (None, Some(first), None),
            "ajax" => (Some(first), args.get(1).copied(), None),
            "post" | "get" | "getJSON" if first_is_settings => (None, Some(first), None),
            "post" | "get" | "getJSON" => (
                Some(first),
                None,
                args.get(1).copied().filter(|a| !is_function(*a)),
            ),
            _ => return None,
        };
        let settings = match settings_arg {
            Some(s) => self.opts(s, scope),
            None => Opts::default(),
        };
        let method = match p {
            "post" => Method::known("POST", Some(prop.byte_range())),
            "get" | "getJSON" if settings_arg.is_none() => {
                Method::known("GET", Some(prop.byte_range()))
            }
            "get" | "getJSON" => self.method_from(
                settings.get_any(&["method", "type"]),
                Method::known("GET", Some(prop.byte_range())),
            ),
            _ => self.method_from(
                settings.get_any(&["method", "type"]),
                Method::implied("GET"),
            ),
        };
        let url_node = url_arg
            .map(|n| (n, scope))
            .or_else(|| settings.get("url").found());
        let (url, url_span) = self.joined_url(url_node, Lookup::Absent);
        let data = data_arg
            .map(|d| (d, scope))
            .or_else(|| settings.get("data").found());
        let json = settings
            .get("contentType")
            .found()
            .and_then(|(n, s)| self.string_lit(self.follow(n, s).0))
            .is_some_and(|(t, _, _)| t.contains("json"));
        let in_query = method.is("GET") || method.is("HEAD");
        let query = match data {
            Some((d, s)) if in_query => self.fields(d, s, true),
            _ => Fields::default(),
        };
        let mut c = self.new_call(
            Client::JQuery,
            Some(receiver),
            method,
            url,
            url_span,
            query,
            call,
        );
        c.headers = self.merged_fields(
            &Cfg {
                opts: vec![settings],
            },
            &["headers"],
            false,
        );
        if !in_query {
            c.body = data.and_then(|(d, s)| self.body(d, s, !json));
        }
        Some(c)
    }

    // ------------------------------------------------------------ Postman

    /// `pm.sendRequest(url | { url, method, header, body }, cb)`.
    pub fn pm_send_request(
        &self,
        receiver: String,
        call: Node<'t>,
        scope: ScopeId,
    ) -> Option<HttpCall> {
        let args = self.args(call);
        let first = *args.first()?;
        let Some((req, rs)) = self.object_literal(first, scope) else {
            let url = self.url(first, scope);
            return Some(self.new_call(
                Client::PmSendRequest,
                Some(receiver),
                Method::implied("GET"),
                url,
                first.byte_range(),
                Fields::default(),
                call,
            ));
        };
        let req = self.opts(req, rs);
        let url_node = match req.get("url").found() {
            Some((n, s)) => match self.object_literal(n, s) {
                // `url: { raw: '…', host: [...], path: [...] }`
                Some((u, us)) => self.opts(u, us).get("raw").found(),
                None => Some((n, s)),
            },
            None => None,
        };
        let (url, url_span) = self.joined_url(url_node, Lookup::Absent);
        let method = self.method_from(req.get("method"), Method::implied("GET"));
        let mut c = self.new_call(
            Client::PmSendRequest,
            Some(receiver),
            method,
            url,
            url_span,
            Fields::default(),
            call,
        );
        c.headers = match req.get("header") {
            Lookup::Found { value, scope } => self.fields(value, scope, false),
            Lookup::Unknown(n) => Fields {
                entries: Vec::new(),
                open: true,
                span: n.byte_range(),
            },
            Lookup::Absent => Fields::default(),
        };
        c.body = req
            .get("body")
            .found()
            .and_then(|(n, s)| self.pm_body(n, s));
        Some(c)
    }

    fn pm_body(&self, n: Node<'t>, scope: ScopeId) -> Option<Body> {
        let Some((b, bs)) = self.object_literal(n, scope) else {
            return self.body(n, scope, false);
        };
        let body = self.opts(b, bs);
        let mode = body
            .get("mode")
            .found()
            .and_then(|(m, s)| self.string_lit(self.follow(m, s).0))
            .map(|(t, _, _)| t);
        let mode = mode.or_else(|| {
            ["raw", "urlencoded", "formdata", "graphql"]
                .into_iter()
                .find(|k| body.get(k).found().is_some())
                .map(str::to_string)
        })?;
        let (v, vs) = body.get(&mode).found()?;
        match mode.as_str() {
            "raw" => self.body(v, vs, false),
            "urlencoded" | "formdata" => Some(Body::Form {
                fields: self.fields(v, vs, true),
            }),
            "graphql" => {
                let Some((g, gs)) = self.object_literal(v, vs) else {
                    return self.body(v, vs, false);
                };
                let g = self.opts(g, gs);
                let query = g
                    .get("query")
                    .found()
                    .and_then(|(q, qs)| self.string_lit(self.follow(q, qs).0));
                match query {
                    Some((query, span, _)) => Some(Body::GraphQl {
                        query,
                        span,
                        variables: g.get("variables").found().map(|(x, xs)| self.value(x, xs)),
                    }),
                    None => self.body(v, vs, false),
                }
            }
            _ => self.body(v, vs, false),
        }
    }

    // ------------------------------------------------------------ RPC

    /// `api.call('entity.delete', {...})`, `apicall('entity.delete', params)`.
    pub fn rpc(&self, call: Node<'t>, scope: ScopeId) -> Option<HttpCall> {
        let f = self.callee(call)?;
        let (target, receiver) = match f.kind_name() {
            "identifier" if self.text(f) == "apicall" => (f, None),
            "member_expression" => {
                let p = self.text(f.field("property")?);
                if p != "call" && p != "apicall" {
                    return None;
                }
                let o = f.field("object")?;
                (o, Some(self.text(o).to_string()))
            }
            _ => return None,
        };
        let args = self.args(call);
        let first = *args.first()?;
        let (name, span, _) = self.string_lit(self.follow(first, scope).0)?;
        let plausible = name.contains('.')
            && !name.starts_with('.')
            && !name.ends_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !plausible || self.mock_expectation(call, target) {
            return None;
        }
        let evidence = self.rpc_evidence(f, target, scope);
        let url = UrlOut {
            pieces: vec![
                Piece::Hole {
                    expr: self.text(target).to_string(),
                    span: target.byte_range(),
                },
                Piece::Lit {
                    text: format!("/{name}"),
                    span: span.clone(),
                    exact: false,
                },
            ],
            ..UrlOut::default()
        };
        let mut c = self.new_call(
            Client::Rpc,
            receiver,
            Method::implied("POST"),
            url,
            first.byte_range(),
            Fields::default(),
            call,
        );
        let fields = match args.get(1) {
            Some(&p) => self.fields(p, scope, false),
            None => Fields {
                span: call
                    .field("arguments")
                    .map(|a| a.byte_range())
                    .unwrap_or_default(),
                ..Fields::default()
            },
        };
        c.body = Some(Body::Form { fields });
        c.rpc = Some(RpcName {
            name,
            span,
            evidence,
        });
        Some(c)
    }

    /// Whether an RPC-shaped call only states what a test double should have seen:
    /// made on a mock (`mockApi.call(…)`), or an argument of a matcher
    /// (`expect(api.call).toHaveBeenCalledWith(…)`, sinon's `calledWith`/`withArgs`).
    fn mock_expectation(&self, call: Node<'t>, target: Node<'t>) -> bool {
        if self.text(target).to_ascii_lowercase().contains("mock") {
            return true;
        }
        let mut at = call;
        for _ in 0..8 {
            let Some(parent) = self.parent(at) else {
                return false;
            };
            if parent.kind_name() == "arguments" {
                let matcher =
                    self.parent(parent)
                        .and_then(|c| self.callee(c))
                        .map(|f| match f.kind_name() {
                            "member_expression" => f.field("property").map_or("", |p| self.text(p)),
                            _ => self.text(f),
                        });
                if matcher.is_some_and(|m| {
                    m.contains("CalledWith") || m.contains("calledWith") || m == "withArgs"
                }) {
                    return true;
                }
            }
            at = parent;
        }
        false
    }

    /// What may tell which SDK an RPC call belongs to (see `RpcName::evidence`): the
    /// callee, how the receiver was made (the expression its name is bound to, or the
    /// module it is imported from), and the modules the file imports.
    fn rpc_evidence(&self, callee: Node<'t>, target: Node<'t>, scope: ScopeId) -> Vec<String> {
        let mut out = vec![self.text(callee).to_string()];
        let mut root = target;
        while root.kind_name() == "member_expression" {
            match root.field("object") {
                Some(o) => root = o,
                None => break,
            }
        }
        if root.kind_name() == "identifier" {
            if let Some(b) = self.scopes.lookup(self.text(root), scope) {
                let b = self.scopes.binding(b);
                match (&b.kind, &b.value) {
                    (BindKind::Import { module, .. }, _) => out.push(module.clone()),
                    (_, BindValue::Expr(v)) | (_, BindValue::Member { object: v, .. }) => {
                        out.push(self.text(self.maker(*v)).chars().take(300).collect())
                    }
                    _ => {}
                }
            }
        }
        out.extend(self.modules().iter().cloned());
        out
    }

    /// What made a value: the callee of a call (`createCaptureApi` in
    /// `createCaptureApi({…})`, `require('./janrain-client')` in
    /// `require('./janrain-client')(opts)`), the class of a `new`, otherwise the value
    /// itself; arguments are left out, so that a word in them proves nothing.
    fn maker(&self, value: Node<'t>) -> Node<'t> {
        let mut v = self.unwrap(value);
        loop {
            let next = match v.kind_name() {
                "await_expression" => v.named_child(0),
                "call_expression" => self
                    .callee(v)
                    .filter(|f| !(f.kind_name() == "identifier" && self.text(*f) == "require")),
                "new_expression" => v.field("constructor"),
                _ => None,
            };
            match next {
                Some(n) => v = self.unwrap(n),
                None => return v,
            }
        }
    }

    // ------------------------------------------------------------ superagent / supertest

    /// The start of a superagent/supertest chain: `superagent.delete(url)`,
    /// `request(app).delete(path)`, `agent.post(url)`, `superagent('DELETE', url)`.
    pub fn chain_start(&self, call: Node<'t>, scope: ScopeId) -> Option<HttpCall> {
        let f = self.callee(call)?;
        let args = self.args(call);
        if f.kind_name() == "identifier" {
            // superagent('DELETE', url) / superagent(url)
            let recv = self.classify(f, scope)?;
            if recv.lib != Lib::Superagent {
                return None;
            }
            let (method, url_arg) = match args.as_slice() {
                [m, u, ..] => (self.method(*m, scope), *u),
                [u] => (Method::implied("GET"), *u),
                [] => return None,
            };
            return Some(self.new_call(
                Client::Superagent,
                Some(self.text(f).to_string()),
                method,
                self.url(url_arg, scope),
                url_arg.byte_range(),
                Fields::default(),
                call,
            ));
        }
        if f.kind_name() != "member_expression" {
            return None;
        }
        let prop = f.field("property")?;
        let name = verb_method(self.text(prop))?;
        let object = f.field("object")?;
        let (client, base) = self.chain_receiver(object, scope)?;
        let url_arg = *args.first()?;
        let mut url = self.url(url_arg, scope);
        if let Some((b, bs)) = base {
            let base = self.url(b, bs);
            let absolute_base =
                matches!(base.pieces.first(), Some(Piece::Lit { text, .. }) if is_absolute(text));
            let relative = matches!(url.pieces.first(), Some(Piece::Lit { text, .. }) if text.starts_with('/'));
            if absolute_base && relative {
                url = join(base, url);
            }
        }
        Some(self.new_call(
            client,
            Some(self.text(object).to_string()),
            Method::known(name, Some(prop.byte_range())),
            url,
            url_arg.byte_range(),
            Fields::default(),
            call,
        ))
    }

    /// Superagent or supertest receiver, with supertest's app / base URL.
    #[allow(clippy::type_complexity)]
    fn chain_receiver(
        &self,
        object: Node<'t>,
        scope: ScopeId,
    ) -> Option<(Client, Option<(Node<'t>, ScopeId)>)> {
        let o = self.unwrap(object);
        if o.kind_name() == "call_expression" {
            // request(app) / supertest(app) / request.agent(app)
            let f = self.unwrap(self.callee(o)?);
            let app = self.args(o).first().map(|a| (*a, scope));
            let callee = match f.kind_name() {
                "identifier" => f,
                "member_expression"
                    if f.field("property").is_some_and(|p| self.text(p) == "agent") =>
                {
                    f.field("object")?
                }
                _ => return self.classify(o, scope).and_then(|r| chain_client(&r)),
            };
            let lib = self.classify(callee, scope).map(|r| r.lib);
            let name = self.text(callee);
            let supertest = match lib {
                Some(Lib::Supertest | Lib::Request) => true,
                Some(Lib::Superagent) => return Some((Client::Superagent, None)),
                None => name == "request" || name == "supertest",
                _ => false,
            };
            return supertest.then_some((Client::Supertest, app));
        }
        let recv = self.classify(o, scope)?;
        chain_client(&recv)
    }

    /// Links after the start: `.set()`, `.send()`, `.type()`, `.query()`.
    pub fn chain_links(&self, c: &mut HttpCall, links: &[Node<'t>], scope: ScopeId) {
        let mut form = false;
        let mut sends: Vec<Node<'t>> = Vec::new();
        for &link in links {
            let Some(f) = self.callee(link) else { continue };
            let Some(prop) = f.field("property") else {
                continue;
            };
            let args = self.args(link);
            match (self.text(prop), args.as_slice()) {
                ("set", [name, value, ..]) => {
                    if let Some((key, key_span, _)) = self.string_lit(self.follow(*name, scope).0) {
                        if key.eq_ignore_ascii_case("content-type") {
                            form |= self
                                .string_lit(self.follow(*value, scope).0)
                                .is_some_and(|(v, _, _)| v.contains("x-www-form-urlencoded"));
                        }
                        if c.headers.span.is_empty() {
                            c.headers.span = link.byte_range();
                        }
                        set_field(
                            &mut c.headers,
                            Field {
                                key,
                                key_span,
                                value: self.value(*value, scope),
                            },
                        );
                    } else {
                        c.headers.open = true;
                    }
                }
                ("set", [obj]) => merge_fields(&mut c.headers, self.fields(*obj, scope, false)),
                ("send", [body, ..]) => sends.push(*body),
                ("type", [t, ..]) => {
                    if let Some((t, _, _)) = self.string_lit(self.follow(*t, scope).0) {
                        form = t == "form" || t.contains("x-www-form-urlencoded");
                    }
                }
                ("query", [q, ..]) => merge_fields(&mut c.query, self.fields(*q, scope, true)),
                ("auth", [first, ..]) if c.headers.get_ci("authorization").is_none() => {
                    // `.auth(user, pass)`, `.auth(token, { type: 'bearer' })`
                    let span =
                        first.start_byte()..args.last().map_or(first.end_byte(), |a| a.end_byte());
                    let items = args.iter().map(|a| self.value(*a, scope)).collect();
                    if c.headers.span.is_empty() {
                        c.headers.span = link.byte_range();
                    }
                    set_field(
                        &mut c.headers,
                        Field {
                            key: "Authorization".into(),
                            key_span: span.clone(),
                            value: Value::Array { items, span },
                        },
                    );
                }
                _ => {}
            }
        }
        // superagent merges successive object `.send()`s.
        let objects: Vec<_> = sends
            .iter()
            .filter_map(|s| self.object_literal(*s, scope))
            .collect();
        c.body = if !sends.is_empty() && objects.len() == sends.len() {
            let mut fields = Fields::default();
            for (o, os) in objects {
                merge_fields(&mut fields, self.fields(o, os, false));
            }
            Some(if form {
                Body::Form { fields }
            } else {
                Body::Json {
                    value: Value::Object(fields),
                }
            })
        } else {
            sends.last().and_then(|s| self.body(*s, scope, form))
        };
    }
}

#[allow(clippy::type_complexity)]
fn chain_client<'t>(recv: &Recv<'t>) -> Option<(Client, Option<(Node<'t>, ScopeId)>)> {
    match recv.lib {
        Lib::Superagent => Some((Client::Superagent, None)),
        Lib::Supertest => Some((Client::Supertest, recv.configs.first().copied())),
        _ => None,
    }
}

/// Joins a base URL / prefix and a relative URL the way the libraries do: exactly one
/// `/` between them.
fn join(mut base: UrlOut, url: UrlOut) -> UrlOut {
    let url_slash =
        matches!(url.pieces.first(), Some(Piece::Lit { text, .. }) if text.starts_with('/'));
    if let Some(Piece::Lit { text, span, exact }) = base.pieces.last_mut() {
        if text.ends_with('/') && url_slash {
            text.pop();
            if *exact {
                span.end -= 1;
            }
            if text.is_empty() {
                base.pieces.pop();
            }
        } else if !text.ends_with('/') && !url_slash && !url.pieces.is_empty() {
            let at = url.pieces[0].span().start;
            base.pieces.push(synthetic_slash(at));
        }
    } else if !url_slash && !url.pieces.is_empty() && !base.pieces.is_empty() {
        let at = url.pieces[0].span().start;
        base.pieces.push(synthetic_slash(at));
    }
    base.vias.extend(url.vias);
    base.related.extend(url.related);
    base.unformatted.extend(url.unformatted);
    base.pieces.extend(url.pieces);
    base.query.extend(url.query);
    base.query_open |= url.query_open;
    base
}

/// A first argument that reads as a URL: starts with `/` or a scheme, or has a `/`
/// after a leading hole (`${BASE}/users`).
pub(super) fn url_like(pieces: &[Piece]) -> bool {
    match pieces.first() {
        Some(Piece::Lit { text, .. }) => {
            let first = text.as_str();
            (first.starts_with('/') || is_absolute(first)) && !route_pattern(pieces)
        }
        Some(Piece::Hole { .. }) => {
            pieces
                .iter()
                .skip(1)
                .any(|p| matches!(p, Piece::Lit { text, .. } if text.contains('/')))
                && !route_pattern(pieces)
        }
        None => false,
    }
}

/// `/users/:id`: a server route, not a request.
fn route_pattern(pieces: &[Piece]) -> bool {
    pieces.iter().any(|p| match p {
        Piece::Lit { text, .. } => text
            .match_indices("/:")
            .any(|(i, _)| text[i + 2..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')),
        Piece::Hole { .. } => false,
    })
}
