//! The call shapes of the Python HTTP libraries, lowered into `HttpCall`s:
//! requests (module functions, `requests.request(method, url)`, `Session` objects),
//! httpx (module functions, `Client`/`AsyncClient` with `base_url`), aiohttp
//! (`ClientSession` methods, `async with session.delete(url) as resp`), urllib
//! (`urllib.request.Request(...)`, `urlopen(url)`), urllib3 (`PoolManager().request(
//! method, url)`, connection pools bound to a host), `http.client` connections
//! (`HTTPSConnection(host).request(method, path, body, headers)`), and the Janrain SDK's
//! `api.call('entity.delete', …)` / `apicall('entity.delete', **kw)`.
//!
//! Not for: resolving values ([`super::resolve`]) or finding names ([`super::scope`]).

use super::resolve::{Resolver, Url};
use super::scope::Bound;
use crate::call::{
    Body, BodyRead, Client, Field, Fields, HttpCall, Method, Piece, ResponseUse, RpcName, Span,
};
use crate::frontend::fields::{named_children, ChildField as _};
use tree_sitter::Node;

pub(super) const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

/// One call found, with what the renderer needs to know about its syntax.
pub struct Found {
    pub call: HttpCall,
    /// How many leading URL pieces come from the client's `base_url`.
    pub base_pieces: usize,
    /// The URL argument as written at the call site.
    pub url_arg: Option<Span>,
    /// The client only works with `await` (httpx `AsyncClient`, aiohttp).
    pub is_async: bool,
    /// Settings defaults the URL was resolved through (see [`Url::defaults`]).
    pub defaults: Vec<(Span, String)>,
    /// `urljoin` calls with an unknown base (see [`Url::joins`]).
    pub joins: Vec<(Span, Span)>,
    /// The wrapper the request is made through (`functools.partial(requests.delete, …)`
    /// bound to a name): its arguments are not at the call site.
    pub wrapper: Option<String>,
}

/// A found call's syntax without the call: what the renderer reads about it, handed
/// from the extraction to the speller (see [`crate::call::Extraction::analysis`]).
pub struct CallSyntax {
    /// The call's span and its URL's span: what the renderer finds it by.
    pub key: (Span, Span),
    pub base_pieces: usize,
    pub url_arg: Option<Span>,
    pub is_async: bool,
    pub defaults: Vec<(Span, String)>,
    pub joins: Vec<(Span, Span)>,
    pub wrapper: Option<String>,
}

impl Found {
    /// The call, and its syntax apart.
    pub fn split(self) -> (HttpCall, CallSyntax) {
        let syntax = CallSyntax {
            key: (self.call.span.clone(), self.call.url.span.clone()),
            base_pieces: self.base_pieces,
            url_arg: self.url_arg,
            is_async: self.is_async,
            defaults: self.defaults,
            joins: self.joins,
            wrapper: self.wrapper,
        };
        (self.call, syntax)
    }
}

/// A session or client object made in this file.
#[derive(Clone, Copy)]
struct ClientObj<'t> {
    client: Client,
    ctor: Node<'t>,
    is_async: bool,
}

pub struct Calls<'a, 'r, 't> {
    pub r: &'r Resolver<'a, 't>,
    /// How many wrapper summaries are being made (they nest: a wrapper may call one).
    pub wrapping: std::cell::Cell<usize>,
    /// Each function's summary, made once (by the `def` node's id).
    pub summaries: std::cell::RefCell<
        std::collections::HashMap<usize, Option<crate::resolve::wrapper::Wrapper>>,
    >,
}

impl<'a, 'r, 't> Calls<'a, 'r, 't> {
    pub fn new(r: &'r Resolver<'a, 't>) -> Self {
        Calls {
            r,
            wrapping: std::cell::Cell::new(0),
            summaries: Default::default(),
        }
    }
}

impl<'t> Calls<'_, '_, 't> {
    pub(super) fn t(&self, n: Node<'t>) -> &'t str {
        self.r.t(n)
    }

    /// The function around `node`, or the whole module.
    pub(super) fn scope_span(&self, node: Node<'t>) -> Span {
        match self.r.scopes.function_of(node) {
            Some(f) => f.byte_range(),
            None => self
                .r
                .scopes
                .parents
                .ancestors(node)
                .last()
                .unwrap_or(node)
                .byte_range(),
        }
    }

    /// The parent of `n` (from the file's parent map: see [`crate::frontend::parents`]).
    fn up(&self, n: Node<'t>) -> Option<Node<'t>> {
        self.r.scopes.parent(n)
    }

    /// The dotted import path a callee stands for (`hx.delete` → `httpx.delete`).
    fn canonical(&self, node: Node<'t>) -> Option<String> {
        match node.kind_name() {
            "identifier" => self.r.scopes.imports.get(self.t(node)).cloned(),
            "attribute" => {
                let obj = node.field("object")?;
                let attr = node.field("attribute")?;
                Some(format!("{}.{}", self.canonical(obj)?, self.t(attr)))
            }
            _ => None,
        }
    }

    fn client_of(&self, node: Node<'t>, depth: usize) -> Option<ClientObj<'t>> {
        if depth > 6 {
            return None;
        }
        match node.kind_name() {
            "call" => {
                let f = node.field("function")?;
                let (client, is_async) = match self.canonical(f)?.as_str() {
                    "requests.Session" | "requests.session" | "requests.sessions.Session" => {
                        (Client::Requests, false)
                    }
                    "httpx.Client" => (Client::Httpx, false),
                    "httpx.AsyncClient" => (Client::Httpx, true),
                    "aiohttp.ClientSession" => (Client::Aiohttp, true),
                    "urllib3.PoolManager"
                    | "urllib3.poolmanager.PoolManager"
                    | "urllib3.ProxyManager"
                    | "urllib3.HTTPSConnectionPool"
                    | "urllib3.HTTPConnectionPool"
                    | "urllib3.connectionpool.HTTPSConnectionPool"
                    | "urllib3.connectionpool.HTTPConnectionPool" => (Client::Urllib3, false),
                    "http.client.HTTPSConnection" | "http.client.HTTPConnection" => {
                        (Client::HttpClient, false)
                    }
                    _ => return None,
                };
                Some(ClientObj {
                    client,
                    ctor: node,
                    is_async,
                })
            }
            "identifier" | "attribute" => match self.r.bound(node)? {
                Bound::Value(v) | Bound::With(v) => self.client_of(v, depth + 1),
                Bound::Unknown => None,
            },
            "await" | "parenthesized_expression" => self.client_of(node.named_child(0)?, depth + 1),
            _ => None,
        }
    }

    /// The call `node` as an HTTP request, if it is one.
    pub fn call(&self, node: Node<'t>) -> Option<Found> {
        let f = node.field("function")?;
        let args = node.field("arguments")?;
        if args.kind_name() != "argument_list" {
            return None;
        }
        if let Some(name) = self.canonical(f) {
            let (module, func) = name.rsplit_once('.').unwrap_or(("", &name));
            let client = match module {
                "requests" | "requests.api" => Some((Client::Requests, false)),
                "httpx" => Some((Client::Httpx, false)),
                "aiohttp" if func == "request" => Some((Client::Aiohttp, true)),
                "urllib3" if func == "request" => Some((Client::Urllib3, false)),
                _ => None,
            };
            if let Some((client, is_async)) = client {
                let receiver = f.field("object").map(|o| self.t(o).to_string());
                return self.request(node, f, args, func, client, receiver, None, is_async);
            }
            match name.as_str() {
                "urllib.request.Request" => return self.urllib(node, args, true),
                "urllib.request.urlopen" => return self.urllib(node, args, false),
                _ => {}
            }
        }
        if f.kind_name() == "attribute" {
            let obj = f.field("object")?;
            let method = self.t(f.field("attribute")?);
            if METHODS.contains(&method) || method == "request" {
                // `super().request(method, self.base + url, …)` in a `requests.Session`
                // subclass.
                if self.is_session_super(obj) {
                    return self.request(
                        node,
                        f,
                        args,
                        method,
                        Client::Requests,
                        Some(self.t(obj).to_string()),
                        None,
                        false,
                    );
                }
                if let Some(c) = self.client_of(obj, 0) {
                    // urllib3 and `http.client` objects send with `request` only.
                    if matches!(c.client, Client::Urllib3 | Client::HttpClient)
                        && method != "request"
                    {
                        return None;
                    }
                    return self.request(
                        node,
                        f,
                        args,
                        method,
                        c.client,
                        Some(self.t(obj).to_string()),
                        Some(c.ctor),
                        c.is_async,
                    );
                }
                // A wrapper method or an imported module's wrapper (`api.delete(url)`).
                if let Some(found) = self.wrapped(node, f, args) {
                    return Some(found);
                }
                // A session or client made elsewhere (a parameter, an attribute set in
                // another module): a request when its URL argument looks like one, and
                // not a mock's registration (`responses.delete(url, status=204)`).
                if METHODS.contains(&method)
                    && !self.is_mock(obj, args)
                    && !self.is_store(obj)
                    && self.url_like_argument(args)
                {
                    let awaited = self.up(node).is_some_and(|p| p.kind_name() == "await");
                    return self.request(
                        node,
                        f,
                        args,
                        method,
                        Client::SessionCall,
                        Some(self.t(obj).to_string()),
                        None,
                        awaited,
                    );
                }
            }
        }
        if let Some(found) = self.partial(node, f, args) {
            return Some(found);
        }
        if let Some(found) = self.wrapped(node, f, args) {
            return Some(found);
        }
        self.rpc(node, f, args)
    }

    /// `super()` in a method of a class of this file that derives from
    /// `requests.Session`.
    fn is_session_super(&self, obj: Node<'t>) -> bool {
        if obj.kind_name() != "call" || obj.field("function").is_none_or(|f| self.t(f) != "super") {
            return false;
        }
        let class = self
            .r
            .scopes
            .parents
            .ancestors(obj)
            .find(|p| p.kind_name() == "class_definition");
        class.is_some_and(|c| self.is_session_class(c))
    }

    /// Whether a class of this file derives from `requests.Session`.
    pub(super) fn is_session_class(&self, class: Node<'t>) -> bool {
        let Some(bases) = class.field("superclasses") else {
            return false;
        };
        let mut c = bases.walk();
        let found = bases.named_children(&mut c).any(|b| {
            matches!(
                self.canonical(b).as_deref(),
                Some("requests.Session" | "requests.sessions.Session")
            )
        });
        found
    }

    /// `delete = functools.partial(requests.delete, headers=H)` … `delete(url)`: a
    /// request whose method and some arguments are in the `partial` call. Found for the
    /// rules; never rewritten (the arguments are split between two places).
    fn partial(&self, node: Node<'t>, f: Node<'t>, args: Node<'t>) -> Option<Found> {
        if !matches!(f.kind_name(), "identifier" | "attribute") {
            return None;
        }
        let Some(Bound::Value(p)) = self.r.bound(f) else {
            return None;
        };
        if p.kind_name() != "call" {
            return None;
        }
        let pf = p.field("function")?;
        let name = self.canonical(pf)?;
        if name != "functools.partial" {
            return None;
        }
        let pargs = p.field("arguments")?;
        let (ppos, pnamed) = self.r.arguments(pargs);
        let target = self.canonical(*ppos.first()?)?;
        let (module, func) = target.rsplit_once('.')?;
        let client = match module {
            "requests" | "requests.api" => Client::Requests,
            "httpx" => Client::Httpx,
            _ => return None,
        };
        if !METHODS.contains(&func) || ppos.len() > 1 {
            return None;
        }
        let mut found = self.request(node, f, args, func, client, None, None, false)?;
        found.call.method = Method::known(func, None);
        for (key, v) in pnamed {
            let (fields, into) = match key.as_str() {
                "headers" => (self.r.fields(v, 0), &mut found.call.headers),
                "params" => (self.r.fields(v, 0), &mut found.call.query),
                _ => continue,
            };
            for e in fields.entries {
                if into.get_ci(&e.key).is_none() {
                    into.entries.push(e);
                }
            }
            into.open |= fields.open;
        }
        found.wrapper = Some(self.t(pf).to_string());
        Some(found)
    }

    /// The headers set on the object `obj` (a session or client) by statements of this
    /// file: `obj.headers.update({...})`, `obj.headers = {...}` and
    /// `obj.headers["k"] = v`, in the same class
    /// for `self.x`, in the same function or at module level for a name.
    fn session_headers(&self, call: Node<'t>, obj: Node<'t>) -> Fields {
        let mut out = Fields::default();
        let obj_text = self.t(obj);
        if !matches!(obj.kind_name(), "identifier" | "attribute") {
            return out;
        }
        let class_of = |n: Node<'t>| {
            let mut p = self.up(n);
            while let Some(x) = p {
                if x.kind_name() == "class_definition" {
                    return Some(x.id());
                }
                p = self.up(x);
            }
            None
        };
        let on_self = obj_text.starts_with("self.");
        let same_owner = |stmt: Node<'t>| {
            if on_self {
                class_of(stmt).is_some() && class_of(stmt) == class_of(call)
            } else {
                let f = self.r.scopes.function_of(stmt).map(|f| f.id());
                f.is_none() || f == self.r.scopes.function_of(call).map(|f| f.id())
            }
        };
        let is_obj_headers = |n: Node<'t>| {
            n.kind_name() == "attribute"
                && n.field("attribute").is_some_and(|a| self.t(a) == "headers")
                && n.field("object").is_some_and(|o| self.t(o) == obj_text)
        };
        let statements = self
            .r
            .scopes
            .header_sets
            .get(obj_text)
            .map_or(&[][..], |v| v.as_slice());
        for &n in statements {
            match n.kind_name() {
                // `obj.headers.update({...})`
                "call" => {
                    let f = n.field("function");
                    let updates = f.is_some_and(|f| {
                        f.kind_name() == "attribute"
                            && f.field("attribute").is_some_and(|a| self.t(a) == "update")
                            && f.field("object").is_some_and(is_obj_headers)
                    });
                    if updates && same_owner(n) {
                        let args = n.field("arguments");
                        match args.and_then(|a| a.named_child(0)) {
                            Some(d) => {
                                let fields = self.r.fields(d, 0);
                                out.open |= fields.open;
                                out.entries.extend(fields.entries);
                            }
                            None => out.open = true,
                        }
                    }
                }
                // `obj.headers["k"] = v`
                "assignment" => {
                    let left = n.field("left");
                    let right = n.field("right");
                    if let (Some(l), Some(v)) = (left, right) {
                        // `obj.headers = {...}`
                        if is_obj_headers(l) && same_owner(n) {
                            let fields = self.r.fields(v, 0);
                            out.open |= fields.open;
                            out.entries.extend(fields.entries);
                        }
                        if l.kind_name() == "subscript"
                            && l.field("value").is_some_and(is_obj_headers)
                            && same_owner(n)
                        {
                            let key = l.field("subscript").and_then(|k| self.r.plain_string(k));
                            match key {
                                Some((key, key_span, _)) => out.entries.push(Field {
                                    key,
                                    key_span,
                                    value: self.r.value(v, 0),
                                }),
                                None => out.open = true,
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Whether `obj` is a mapping or a cache, whose `get(url)` / `delete(url)` look up a
    /// key: bound here to a dict or set display, to `dict()`/`defaultdict()`/…, to a
    /// cache or key-value client (`cachetools`, `redis`, `shelve`), or named like a cache.
    fn is_store(&self, obj: Node<'t>) -> bool {
        let name = match obj.kind_name() {
            "attribute" => obj.field("attribute").map(|a| self.t(a)),
            "identifier" => Some(self.t(obj)),
            _ => None,
        };
        if name.is_some_and(|n| n.to_ascii_lowercase().contains("cache")) {
            return true;
        }
        let v = match self.r.bound(obj) {
            Some(Bound::Value(v) | Bound::With(v)) => v,
            _ => return false,
        };
        match v.kind_name() {
            "dictionary" | "dictionary_comprehension" | "set" | "set_comprehension" => true,
            "call" => {
                let Some(f) = v.field("function") else {
                    return false;
                };
                if matches!(self.t(f), "dict" | "set") {
                    return true;
                }
                self.canonical(f).is_some_and(|c| {
                    let root = c.split('.').next().unwrap_or("");
                    matches!(
                        root,
                        "collections" | "cachetools" | "redis" | "shelve" | "dbm"
                    )
                })
            }
            _ => false,
        }
    }

    /// Whether `obj.delete(url, …)` registers a mocked response rather than sending a
    /// request: the receiver is a mocking library (`responses`, `respx`,
    /// `requests_mock`, `aioresponses`), a mocker made by one (`with
    /// requests_mock.Mocker() as m`), a pytest fixture or test double named like a mock,
    /// or the call passes what only a mocked response takes (`status=`, `status_code=`).
    fn is_mock(&self, obj: Node<'t>, args: Node<'t>) -> bool {
        const MOCK_MODULES: [&str; 6] = [
            "responses",
            "respx",
            "requests_mock",
            "aioresponses",
            "httpretty",
            "pytest_httpx",
        ];
        const RESPONSE_ONLY: [&str; 9] = [
            "status",
            "status_code",
            "reason",
            "payload",
            "exc",
            "adding_headers",
            "content_type",
            "match_querystring",
            "return_value",
        ];
        let from_mock_module = |name: Option<String>| {
            name.is_some_and(|n| MOCK_MODULES.contains(&n.split('.').next().unwrap_or("")))
        };
        let (_, named) = self.r.arguments(args);
        if named
            .iter()
            .any(|(k, _)| RESPONSE_ONLY.contains(&k.as_str()))
        {
            return true;
        }
        let mut root = obj;
        while root.kind_name() == "attribute" {
            match root.field("object") {
                Some(o) => root = o,
                None => break,
            }
        }
        if root.kind_name() == "call" {
            return root
                .field("function")
                .is_some_and(|f| from_mock_module(self.canonical(f)));
        }
        if root.kind_name() != "identifier" {
            return false;
        }
        if from_mock_module(self.canonical(root))
            || self.t(root).to_ascii_lowercase().contains("mock")
        {
            return true;
        }
        match self.r.bound(root) {
            Some(Bound::Value(v) | Bound::With(v)) => {
                let v = match v.kind_name() {
                    "await" => v.named_child(0).unwrap_or(v),
                    _ => v,
                };
                v.kind_name() == "call"
                    && v.field("function")
                        .is_some_and(|f| from_mock_module(self.canonical(f)))
            }
            _ => false,
        }
    }

    /// Whether the first argument (or `url=`) resolves to something shaped like a URL:
    /// an absolute URL, or a path (`/…`) after an unknown base. `cache.get("key")` and
    /// `os.environ.get("X")` are not.
    fn url_like_argument(&self, args: Node<'t>) -> bool {
        let (positional, named) = self.r.arguments(args);
        let Some(u) = named
            .iter()
            .find(|(n, _)| n == "url")
            .map(|(_, v)| *v)
            .or_else(|| positional.first().copied())
        else {
            return false;
        };
        let url = self.r.url(u);
        let mut pieces = url
            .pieces
            .iter()
            .skip_while(|p| matches!(p, Piece::Hole { .. }));
        let leading_hole = !matches!(url.pieces.first(), Some(Piece::Lit { .. }));
        match pieces.next() {
            Some(Piece::Lit { text, .. }) => {
                text.starts_with("http://")
                    || text.starts_with("https://")
                    || (leading_hole && text.starts_with('/') && text.len() > 1)
            }
            _ => false,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn request(
        &self,
        node: Node<'t>,
        f: Node<'t>,
        args: Node<'t>,
        func: &str,
        client: Client,
        receiver: Option<String>,
        ctor: Option<Node<'t>>,
        is_async: bool,
    ) -> Option<Found> {
        let (positional, named) = self.r.arguments(args);
        let kw = |k: &str| named.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
        let (method, url_node, rest) = if func == "request" {
            let m = kw("method").or_else(|| positional.first().copied())?;
            let u = kw("url").or_else(|| positional.get(1).copied())?;
            (self.method(m), u, positional.get(2..).unwrap_or(&[]))
        } else if METHODS.contains(&func) {
            let at = f
                .field("attribute")
                .map(|a| a.byte_range())
                .unwrap_or_else(|| f.byte_range());
            let u = kw("url").or_else(|| positional.first().copied())?;
            (
                Method::known(func, Some(at)),
                u,
                positional.get(1..).unwrap_or(&[]),
            )
        } else {
            return None;
        };
        let mut url = self.r.url(url_node);
        let mut base_pieces = 0;
        let ctor_kw = |k: &str| -> Option<Node<'t>> {
            let a = ctor?.field("arguments")?;
            let (_, named) = self.r.arguments(a);
            named.into_iter().find(|(n, _)| n == k).map(|(_, v)| v)
        };
        if let Some(origin) = ctor.and_then(|c| self.host_origin(c, client)) {
            if !starts_with_scheme(&url.pieces) {
                base_pieces = origin.pieces.len();
                let mut o = origin;
                o.pieces.append(&mut url.pieces);
                o.absorb(&mut url);
                url = o;
            }
        } else if let Some(base) = ctor_kw("base_url") {
            if !starts_with_scheme(&url.pieces) {
                let mut b = self.r.url(base);
                let ends =
                    matches!(b.pieces.last(), Some(Piece::Lit { text, .. }) if text.ends_with('/'));
                let starts = matches!(url.pieces.first(), Some(Piece::Lit { text, .. }) if text.starts_with('/'));
                if !ends && !starts {
                    b.pieces.push(Piece::Lit {
                        text: "/".into(),
                        span: base.end_byte()..base.end_byte(),
                        exact: false,
                    });
                }
                base_pieces = b.pieces.len();
                b.pieces.append(&mut url.pieces);
                b.absorb(&mut url);
                url = b;
            }
        }
        let Url {
            pieces,
            vias,
            unformatted,
            defaults,
            joins,
            related,
        } = url;
        let mut call = HttpCall::new(
            client,
            method,
            crate::call::UrlTemplate {
                pieces,
                span: url_node.byte_range(),
            },
            node.byte_range(),
        );
        call.receiver = receiver;
        call.vias = vias;
        call.unformatted = unformatted;
        call.related = related;
        let spread = has_spread(args);
        // urllib3's `fields` are the query of a GET/DELETE/HEAD and the form of the
        // others; `http.client` takes the body and headers positionally.
        let fields_are_query = client == Client::Urllib3
            && ["GET", "DELETE", "HEAD", "OPTIONS"]
                .iter()
                .any(|m| call.method.is(m));
        let params = if client == Client::Urllib3 {
            kw("fields").filter(|_| fields_are_query)
        } else {
            kw("params")
        };
        call.query = match params {
            Some(p) => self.r.fields(p, 0),
            None => empty(args, spread),
        };
        let headers = kw("headers").or_else(|| {
            (client == Client::HttpClient)
                .then(|| rest.get(1).copied())
                .flatten()
        });
        call.headers = match headers {
            Some(h) => self.r.fields(h, 0),
            None => empty(args, spread),
        };
        if let Some(h) = ctor_kw("headers") {
            let client_headers = self.r.fields(h, 0);
            for e in client_headers.entries {
                if call.headers.get_ci(&e.key).is_none() {
                    call.headers.entries.push(e);
                }
            }
            call.headers.open |= client_headers.open;
        }
        // Headers set on the session or client object itself
        // (`self.session.headers.update({...})`, `s.headers["k"] = v`).
        if let Some(obj) = f.field("object") {
            let session = self.session_headers(node, obj);
            for e in session.entries {
                if call.headers.get_ci(&e.key).is_none() {
                    call.headers.entries.push(e);
                }
            }
            call.headers.open |= session.open;
        }
        // requests.post(url, data, json) also takes the body positionally.
        let data = kw("data").or_else(|| {
            (matches!(client, Client::Requests | Client::SessionCall)
                && matches!(func, "post" | "put" | "patch"))
            .then(|| rest.first().copied())
            .flatten()
        });
        let data = match client {
            Client::Urllib3 => kw("body").or_else(|| kw("fields").filter(|_| !fields_are_query)),
            Client::HttpClient => kw("body").or_else(|| rest.first().copied()),
            _ => data,
        };
        call.body = if let Some(j) = kw("json") {
            Some(Body::Json {
                value: self.r.value(j, 0),
            })
        } else {
            data.or_else(|| kw("content")).map(|d| self.data_body(d))
        };
        call.response = self.response(node);
        call.scope = Some(self.scope_span(node));
        Some(Found {
            call,
            base_pieces,
            url_arg: Some(url_node.byte_range()),
            is_async,
            defaults,
            joins,
            wrapper: None,
        })
    }

    /// The origin a connection object is bound to: `HTTPSConnection(host, port)`,
    /// `HTTPSConnectionPool(host, port)` (`None` for other clients, and a pool manager,
    /// which is bound to none).
    fn host_origin(&self, ctor: Node<'t>, client: Client) -> Option<Url> {
        if !matches!(client, Client::Urllib3 | Client::HttpClient) {
            return None;
        }
        let name = self.canonical(ctor.field("function")?)?;
        let scheme = if name.ends_with("HTTPSConnection") || name.ends_with("HTTPSConnectionPool") {
            "https"
        } else if name.ends_with("HTTPConnection") || name.ends_with("HTTPConnectionPool") {
            "http"
        } else {
            return None;
        };
        let (positional, named) = self.r.arguments(ctor.field("arguments")?);
        let kw = |k: &str| named.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
        let host = kw("host").or_else(|| positional.first().copied())?;
        let port = kw("port").or_else(|| positional.get(1).copied());
        let port = port.map(|p| {
            let p = self.r.follow(p, 0);
            (
                p,
                (p.kind_name() == "integer").then(|| self.t(p).to_string()),
            )
        });
        let mut out = self.r.url(host);
        if let [Piece::Lit { text, span, .. }] = out.pieces.as_slice() {
            // A literal host (and port): the origin is one literal, as a URL written
            // out would have it, placed on the host (it is not written as one).
            if port.as_ref().is_none_or(|(_, lit)| lit.is_some()) {
                let mut origin = format!("{scheme}://{text}");
                if let Some((_, Some(p))) = &port {
                    origin.push(':');
                    origin.push_str(p);
                }
                let span = span.clone();
                out.pieces = vec![Piece::Lit {
                    text: origin,
                    span,
                    exact: false,
                }];
                return Some(out);
            }
        }
        // The scheme is not written: it goes where the host starts.
        out.pieces.insert(
            0,
            Piece::Lit {
                text: format!("{scheme}://"),
                span: host.start_byte()..host.start_byte(),
                exact: false,
            },
        );
        if let Some((p, lit)) = port {
            match lit {
                Some(lit) => out.pieces.push(Piece::Lit {
                    text: format!(":{lit}"),
                    span: p.byte_range(),
                    exact: false,
                }),
                None => {
                    let mut port = self.r.url(p);
                    out.pieces.push(Piece::Lit {
                        text: ":".into(),
                        span: p.start_byte()..p.start_byte(),
                        exact: false,
                    });
                    out.pieces.append(&mut port.pieces);
                }
            }
        }
        Some(out)
    }

    fn method(&self, m: Node<'t>) -> Method {
        match self.r.plain_string(m) {
            Some((name, span, _)) => Method::known(&name, Some(span)),
            None => Method::unknown(self.t(m).to_string(), m.byte_range()),
        }
    }

    /// A request body given as `data=` / `content=` (or urllib's `data`).
    pub(super) fn data_body(&self, d: Node<'t>) -> Body {
        let target = self.r.follow(d, 0);
        match target.kind_name() {
            "dictionary" | "list" => {
                return Body::Form {
                    fields: self.r.fields(d, 0),
                }
            }
            "string" | "concatenated_string" => {
                if let Some((text, span, _)) = self.r.plain_string(d) {
                    return Body::Raw { text, span };
                }
            }
            "call" => {
                let f = target.field("function");
                let args = target.field("arguments");
                if let (Some(f), Some(args)) = (f, args) {
                    let name = self.canonical(f).unwrap_or_else(|| self.t(f).to_string());
                    let first = args.named_child(0);
                    match (name.as_str(), first) {
                        ("dict", _) => {
                            return Body::Form {
                                fields: self.r.fields(target, 0),
                            }
                        }
                        ("json.dumps", Some(a)) => {
                            return Body::Json {
                                value: self.r.value(a, 0),
                            }
                        }
                        ("urllib.parse.urlencode", Some(a)) => {
                            return Body::Form {
                                fields: self.r.fields(a, 0),
                            }
                        }
                        _ => {}
                    }
                    // `x.encode()`: the body is x.
                    if f.kind_name() == "attribute"
                        && f.field("attribute").is_some_and(|a| self.t(a) == "encode")
                    {
                        if let Some(obj) = f.field("object") {
                            return self.data_body(obj);
                        }
                    }
                }
            }
            _ => {}
        }
        Body::Expr {
            text: self.t(d).to_string(),
            span: d.byte_range(),
        }
    }

    /// `urllib.request.Request(url, data, headers, …, method=)` and `urlopen(url, data)`.
    fn urllib(&self, node: Node<'t>, args: Node<'t>, request: bool) -> Option<Found> {
        let (positional, named) = self.r.arguments(args);
        let kw = |k: &str| named.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
        let url_node = kw("url")
            .or_else(|| kw("fullurl"))
            .or_else(|| positional.first().copied())?;
        if !request && self.is_request_object(url_node) {
            return None;
        }
        let data = kw("data").or_else(|| positional.get(1).copied());
        let data = data.filter(|d| d.kind_name() != "none");
        let method =
            match kw("method").or_else(|| request.then(|| positional.get(5).copied()).flatten()) {
                Some(m) => self.method(m),
                None => Method::implied(if data.is_some() { "POST" } else { "GET" }),
            };
        let Url {
            pieces,
            vias,
            unformatted,
            defaults,
            joins,
            related,
        } = self.r.url(url_node);
        let mut call = HttpCall::new(
            Client::Urllib,
            method,
            crate::call::UrlTemplate {
                pieces,
                span: url_node.byte_range(),
            },
            node.byte_range(),
        );
        call.vias = vias;
        call.unformatted = unformatted;
        call.related = related;
        let headers = if request {
            kw("headers").or_else(|| positional.get(2).copied())
        } else {
            None
        };
        call.headers = match headers {
            Some(h) => self.r.fields(h, 0),
            None => empty(args, has_spread(args)),
        };
        call.query = empty(args, has_spread(args));
        call.body = data.map(|d| self.data_body(d));
        call.scope = Some(self.scope_span(node));
        Some(Found {
            call,
            base_pieces: 0,
            url_arg: Some(url_node.byte_range()),
            is_async: false,
            defaults,
            joins,
            wrapper: None,
        })
    }

    fn is_request_object(&self, node: Node<'t>) -> bool {
        let target = self.r.follow(node, 0);
        target.kind_name() == "call"
            && target
                .field("function")
                .and_then(|f| self.canonical(f))
                .is_some_and(|n| n == "urllib.request.Request")
    }

    /// `api.call('entity.delete', type_name='user', uuid=…)`, `apicall('entity.delete', **kw)`.
    fn rpc(&self, node: Node<'t>, f: Node<'t>, args: Node<'t>) -> Option<Found> {
        let (target, receiver) = match f.kind_name() {
            "identifier" if self.t(f) == "apicall" => (f, None),
            "attribute" => {
                let p = self.t(f.field("attribute")?);
                if p != "call" && p != "apicall" {
                    return None;
                }
                let o = f.field("object")?;
                (o, Some(self.t(o).to_string()))
            }
            _ => return None,
        };
        let (positional, named) = self.r.arguments(args);
        let first = *positional.first()?;
        let (name, span, _) = self.r.plain_string(first)?;
        let plausible = name.contains('.')
            && !name.starts_with('.')
            && !name.ends_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !plausible || self.mock_expectation(node, target) {
            return None;
        }
        let evidence = self.rpc_evidence(f, target);
        let url = crate::call::UrlTemplate {
            pieces: vec![
                Piece::Hole {
                    expr: self.t(target).to_string(),
                    span: target.byte_range(),
                },
                Piece::Lit {
                    text: format!("/{name}"),
                    span: span.clone(),
                    exact: false,
                },
            ],
            span: first.byte_range(),
        };
        let mut call = HttpCall::new(
            Client::Rpc,
            Method::implied("POST"),
            url,
            first.byte_range(),
        );
        call.receiver = receiver;
        let mut fields = Fields {
            entries: Vec::new(),
            open: false,
            span: args.byte_range(),
        };
        if let Some(p) = positional.get(1) {
            let f = self.r.fields(*p, 0);
            fields.open |= f.open;
            fields.entries.extend(f.entries);
        }
        for (k, v) in &named {
            let key_node = self
                .up(*v)
                .and_then(|p| p.field("name"))
                .map(|n| n.byte_range())
                .unwrap_or_else(|| v.byte_range());
            fields.entries.push(Field {
                key: k.clone(),
                key_span: key_node,
                value: self.r.value(*v, 0),
            });
        }
        for a in named_children(args) {
            if a.kind_name() == "dictionary_splat" {
                match a.named_child(0) {
                    Some(inner) => {
                        let f = self.r.fields(inner, 0);
                        fields.open |= f.open;
                        fields.entries.extend(f.entries);
                    }
                    None => fields.open = true,
                }
            } else if a.kind_name() == "list_splat" {
                fields.open = true;
            }
        }
        call.body = Some(Body::Form { fields });
        call.rpc = Some(RpcName {
            name,
            span,
            evidence,
        });
        call.response = self.response(node);
        call.scope = Some(self.scope_span(node));
        Some(Found {
            call,
            base_pieces: 0,
            url_arg: None,
            is_async: false,
            defaults: Vec::new(),
            joins: Vec::new(),
            wrapper: None,
        })
    }

    /// Whether an RPC-shaped call only states what a test double should have seen:
    /// `mock.call(…)` / `unittest.mock.call(…)`, a call on a double named like a mock,
    /// or an argument of a mock assertion (`assert_has_calls([…])`,
    /// `assert_called_with(…)`, `assert_any_call(…)`).
    fn mock_expectation(&self, node: Node<'t>, target: Node<'t>) -> bool {
        let mut root = target;
        while root.kind_name() == "attribute" {
            match root.field("object") {
                Some(o) => root = o,
                None => break,
            }
        }
        let mock_module = self.canonical(root).is_some_and(|c| {
            c == "mock" || c.starts_with("mock.") || c.starts_with("unittest.mock")
        });
        if mock_module || self.t(target).to_ascii_lowercase().contains("mock") {
            return true;
        }
        let mut at = node;
        for _ in 0..8 {
            let Some(parent) = self.up(at) else {
                return false;
            };
            if parent.kind_name() == "argument_list" {
                let assertion = self
                    .up(parent)
                    .and_then(|c| c.field("function"))
                    .filter(|f| f.kind_name() == "attribute")
                    .and_then(|f| f.field("attribute"))
                    .is_some_and(|a| self.t(a).starts_with("assert_"));
                if assertion {
                    return true;
                }
            }
            at = parent;
        }
        false
    }

    /// What may tell which SDK an RPC call belongs to (see `RpcName::evidence`): the
    /// callee and its imported name, what made the receiver (`Api` of
    /// `Api(URL, defaults)`, with its imported name), and the modules the file imports.
    fn rpc_evidence(&self, callee: Node<'t>, target: Node<'t>) -> Vec<String> {
        let mut out = vec![self.t(callee).to_string()];
        out.extend(self.canonical(callee));
        out.extend(self.canonical(target));
        if let Some(Bound::Value(v) | Bound::With(v)) = self.r.bound(target) {
            let v = match v.kind_name() {
                "await" => v.named_child(0).unwrap_or(v),
                _ => v,
            };
            // What made the receiver, without the arguments (a word in them proves
            // nothing): `Api` and its imported name for `Api(URL, defaults)`.
            let maker = match v.kind_name() {
                "call" => v.field("function").unwrap_or(v),
                _ => v,
            };
            out.push(self.t(maker).chars().take(300).collect());
            out.extend(self.canonical(maker));
        }
        out.extend(self.r.scopes.imports.values().cloned());
        out
    }

    // ------------------------------------------------------------------ responses

    /// How the code around the call uses its response (same function, cheap forms).
    pub(super) fn response(&self, call: Node<'t>) -> ResponseUse {
        let mut out = ResponseUse::default();
        let mut expr = call;
        if let Some(p) = self.up(call).filter(|p| p.kind_name() == "await") {
            out.awaited = Some(p.child(0).map_or(p.byte_range(), |k| k.byte_range()));
            expr = p;
        }
        let parent = self.up(expr);
        let var = match parent.map(|p| p.kind_name()) {
            Some("assignment") => parent
                .and_then(|p| p.field("left"))
                .filter(|l| l.kind_name() == "identifier"),
            Some("as_pattern") => {
                let p = parent.expect("matched");
                if let Some(stmt) = self.up(p).and_then(|i| self.up(i)).and_then(|c| self.up(c)) {
                    if stmt.kind_name() == "with_statement" && self.t(stmt).starts_with("async") {
                        out.awaited =
                            Some(stmt.child(0).map_or(p.byte_range(), |k| k.byte_range()));
                    }
                }
                p.field("alias")
                    .and_then(|a| a.named_child(0))
                    .filter(|a| a.kind_name() == "identifier")
            }
            _ => None,
        };
        self.uses_of(expr, &mut out);
        if let Some(var) = var {
            for use_ in self.uses(call, self.t(var), var.end_byte()) {
                self.uses_of(use_, &mut out);
            }
        }
        out
    }

    /// Identifiers named `name` after `from` in the function around `at`.
    fn uses(&self, at: Node<'t>, name: &str, from: usize) -> Vec<Node<'t>> {
        let root = self.r.scopes.function_of(at).unwrap_or_else(|| {
            let mut n = at;
            while let Some(p) = self.up(n) {
                n = p;
            }
            n
        });
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if n.end_byte() <= from {
                continue;
            }
            if n.kind_name() == "identifier" && n.start_byte() >= from && self.t(n) == name {
                out.push(n);
                continue;
            }
            // Nested functions have their own names.
            if n.kind_name() == "function_definition" && n.id() != root.id() {
                continue;
            }
            stack.extend(named_children(n));
        }
        out.sort_by_key(|n| n.start_byte());
        out
    }

    /// What one expression standing for the response is used for.
    fn uses_of(&self, expr: Node<'t>, out: &mut ResponseUse) {
        let Some(parent) = self.up(expr) else { return };
        if parent.kind_name() != "attribute"
            || parent.field("object").map(|o| o.id()) != Some(expr.id())
        {
            return;
        }
        let Some(attr) = parent.field("attribute") else {
            return;
        };
        let called = self.up(parent).filter(|g| {
            g.kind_name() == "call" && g.field("function").map(|f| f.id()) == Some(parent.id())
        });
        match self.t(attr) {
            "raise_for_status" if called.is_some() => out
                .status_checks
                .push(called.expect("checked").byte_range()),
            "ok" => out.status_checks.push(parent.byte_range()),
            "status_code" | "status" => {
                if self
                    .up(parent)
                    .is_some_and(|g| g.kind_name() == "comparison_operator")
                {
                    out.status_checks
                        .push(self.up(parent).expect("checked").byte_range());
                } else {
                    out.status_checks.push(parent.byte_range());
                }
            }
            "json" => {
                let Some(mut body) = called else { return };
                if let Some(a) = self.up(body).filter(|p| p.kind_name() == "await") {
                    body = a;
                }
                self.body_reads(body, out);
                let assigned = self
                    .up(body)
                    .filter(|p| p.kind_name() == "assignment")
                    .and_then(|p| p.field("left"))
                    .filter(|l| l.kind_name() == "identifier");
                if let Some(var) = assigned {
                    for u in self.uses(body, self.t(var), var.end_byte()) {
                        self.body_reads(u, out);
                    }
                }
            }
            _ => {}
        }
    }

    /// `body["data"]["closeUserAccount"]["result"]`, `body.get("stat")`.
    fn body_reads(&self, body: Node<'t>, out: &mut ResponseUse) {
        let mut path: Vec<String> = Vec::new();
        let mut cur = body;
        while let Some(p) = self.up(cur) {
            // `(x)` and `(x or {})` read the same properties as x.
            if p.kind_name() == "parenthesized_expression" {
                cur = p;
                continue;
            }
            if p.kind_name() == "boolean_operator"
                && p.field("left").map(|l| l.id()) == Some(cur.id())
                && p.field("operator").is_some_and(|o| self.t(o) == "or")
                && self
                    .up(p)
                    .is_some_and(|g| g.kind_name() == "parenthesized_expression")
            {
                cur = p;
                continue;
            }
            if p.kind_name() == "subscript" && p.field("value").map(|v| v.id()) == Some(cur.id()) {
                let Some((key, _, _)) = p.field("subscript").and_then(|k| self.r.plain_string(k))
                else {
                    break;
                };
                path.push(key);
                cur = p;
                continue;
            }
            if p.kind_name() == "attribute"
                && p.field("attribute").is_some_and(|a| self.t(a) == "get")
            {
                let Some(call) = self.up(p).filter(|g| g.kind_name() == "call") else {
                    break;
                };
                let key = call
                    .field("arguments")
                    .and_then(|a| a.named_child(0))
                    .and_then(|k| self.r.plain_string(k));
                let Some((key, _, _)) = key else { break };
                path.push(key);
                cur = call;
                continue;
            }
            break;
        }
        if !path.is_empty() {
            out.body_reads.push(BodyRead {
                path: path.join("."),
                span: cur.byte_range(),
            });
        }
    }
}

fn starts_with_scheme(pieces: &[Piece]) -> bool {
    matches!(pieces.first(), Some(Piece::Lit { text, .. })
        if text.starts_with("http://") || text.starts_with("https://"))
        || matches!(pieces.first(), Some(Piece::Hole { .. }))
}

fn has_spread(args: Node<'_>) -> bool {
    named_children(args)
        .iter()
        .any(|a| a.kind_name() == "dictionary_splat")
}

/// No such argument: empty, or unknown when a `**kwargs` may carry it.
fn empty(args: Node<'_>, spread: bool) -> Fields {
    Fields {
        entries: Vec::new(),
        open: spread,
        span: args.byte_range(),
    }
}
