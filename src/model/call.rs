//! `HttpCall`: the one language-neutral model of an HTTP request found in a file.
//!
//! Front ends (one per language) lower every request they recognise into this model;
//! rules only ever look at `HttpCall`s, never at syntax. Every part keeps the byte span
//! it came from so that diagnostics can point at it and fixes can edit it.
//!
//! Not for: resolving anything. A front end has already decided which parts of a URL
//! are known (`Piece::Lit`) and which are not (`Piece::Hole`); the model never guesses.

use serde::Serialize;
use std::ops::Range;

/// Byte offsets into the scanned file's text.
pub type Span = Range<usize>;

/// Which library or call shape a request came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Client {
    Fetch,
    Axios,
    Got,
    Ky,
    Superagent,
    Supertest,
    Request,
    NodeHttp,
    JQuery,
    /// `xhr.open(method, url)` on a `new XMLHttpRequest()`, with the headers of its
    /// `setRequestHeader` calls and the body of its `send(body)`.
    Xhr,
    PmSendRequest,
    /// `x.delete(url, …)` on a receiver whose library is not known in this file
    /// (for example an axios instance imported from another module).
    MethodCall,
    /// An RPC-style SDK call such as `api.call('entity.delete', {...})`.
    Rpc,
    /// An absolute URL bound to a name (a base-URL constant, `baseURL:` option) that is
    /// not consumed by any recognised call in the file.
    BaseUrl,
    // Python
    /// `session.delete(url, …)` on an object whose library is not known in this file
    /// (a requests `Session` or an httpx `Client` passed in as a parameter): both take
    /// the same keyword arguments, and neither raises on an error status by itself.
    SessionCall,
    Requests,
    Httpx,
    Aiohttp,
    Urllib,
    /// urllib3: `PoolManager().request(method, url, …)`, `urllib3.request(…)`, and a
    /// connection pool bound to a host (`HTTPSConnectionPool(host).request(method, path)`).
    Urllib3,
    /// The standard library's `http.client.HTTPSConnection(host).request(method, path,
    /// body, headers)`.
    HttpClient,
    // Rust
    Reqwest,
    Ureq,
    // Command lines and request files
    Curl,
    Httpie,
    /// `wget --method=DELETE --header=… URL`.
    Wget,
    /// A request of a `.http`/`.rest` file, or one recorded in a HAR file.
    HttpFile,
}

impl Client {
    /// Whether the library rejects (throws) when the server answers with an HTTP error
    /// status, so that awaiting the call is itself a check of the status. axios (and the
    /// generic `x.delete(url)`, usually an axios instance), got, ky, superagent,
    /// request-promise and jQuery do, as do Python's `urllib` (`HTTPError`), Rust's
    /// ureq (`Error::StatusCode`) and wget (exit status 8); `fetch`, node http, `XMLHttpRequest`, `pm.sendRequest`,
    /// supertest, requests, httpx, aiohttp, urllib3, `http.client`, reqwest and curl
    /// (without `--fail`) hand back the response whatever its status. SDK RPC calls are
    /// not known.
    pub fn rejects_on_error_status(self) -> bool {
        match self {
            Client::Axios
            | Client::MethodCall
            | Client::Got
            | Client::Ky
            | Client::Superagent
            | Client::Request
            | Client::JQuery
            | Client::Urllib
            | Client::Ureq
            | Client::Wget => true,
            Client::Requests
            | Client::SessionCall
            | Client::Httpx
            | Client::Aiohttp
            | Client::Urllib3
            | Client::HttpClient
            | Client::Reqwest
            | Client::Curl
            | Client::Httpie
            | Client::HttpFile => false,
            Client::Fetch
            | Client::Supertest
            | Client::NodeHttp
            | Client::Xhr
            | Client::PmSendRequest
            | Client::Rpc
            | Client::BaseUrl => false,
        }
    }
}

/// The HTTP method of a call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Method {
    /// Upper-case method name; `None` when the method is computed at run time.
    pub name: Option<String>,
    /// Where the method is written (`'DELETE'`, `.delete`, `type: 'PUT'`); `None` when implied.
    pub span: Option<Span>,
    /// Expression text when the method is not a literal.
    pub expr: Option<String>,
}

impl Method {
    pub fn known(name: &str, span: Option<Span>) -> Self {
        Method {
            name: Some(name.to_ascii_uppercase()),
            span,
            expr: None,
        }
    }
    pub fn implied(name: &str) -> Self {
        Method::known(name, None)
    }
    pub fn unknown(expr: String, span: Span) -> Self {
        Method {
            name: None,
            span: Some(span),
            expr: Some(expr),
        }
    }
    pub fn is(&self, name: &str) -> bool {
        self.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    }
}

/// A piece of a URL template: literal text or a hole whose value is unknown here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Piece {
    Lit {
        text: String,
        /// Span of the source text this literal came from (inside the quotes).
        span: Span,
        /// `true` when `text` is byte-for-byte the source text at `span` (no escapes),
        /// so that sub-ranges of `text` map directly to sub-ranges of `span`.
        exact: bool,
    },
    Hole {
        /// The source expression, e.g. `user.email` or `encodeURIComponent(id)`.
        expr: String,
        span: Span,
    },
}

impl Piece {
    /// Literal text written as it is at `span`.
    pub fn exact(text: &str, span: Span) -> Piece {
        Piece::Lit {
            text: text.to_string(),
            span,
            exact: true,
        }
    }

    pub fn span(&self) -> &Span {
        match self {
            Piece::Lit { span, .. } | Piece::Hole { span, .. } => span,
        }
    }
}

/// A URL as the program builds it: literal parts and holes, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UrlTemplate {
    pub pieces: Vec<Piece>,
    /// The span of the URL expression at the call site.
    pub span: Span,
}

/// One `/`-separated segment of a URL path: usually one literal or one hole, sometimes
/// a mixture (`user-${id}`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    pub pieces: Vec<Piece>,
}

impl Segment {
    /// The text when the segment is fully literal.
    pub fn literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Lit { text, .. } => out.push_str(text),
                Piece::Hole { .. } => return None,
            }
        }
        Some(out)
    }
    pub fn holes(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Hole { expr, .. } => Some(expr.as_str()),
            Piece::Lit { .. } => None,
        })
    }
    /// Source span covering the segment (best effort: first to last piece).
    pub fn span(&self) -> Option<Span> {
        let first = self.pieces.first()?.span();
        let last = self.pieces.last()?.span();
        if first.start <= last.end {
            Some(first.start..last.end)
        } else {
            Some(first.clone())
        }
    }
    /// Text with holes shown as `{expr}`.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Lit { text, .. } => out.push_str(text),
                Piece::Hole { expr, .. } => {
                    out.push('{');
                    out.push_str(expr);
                    out.push('}');
                }
            }
        }
        out
    }
}

/// The parts of a URL template the rules look at.
#[derive(Clone, Debug, Default)]
pub struct ParsedUrl {
    /// `scheme://host[:port]` when literal.
    pub origin: Option<String>,
    /// Host name (lower case) when literal.
    pub host: Option<String>,
    /// `true` when the URL starts with a hole (a base URL not known here).
    pub leading_hole: bool,
    /// Path segments after the origin (or after a leading hole); empty segments dropped.
    pub segments: Vec<Segment>,
    /// Literal `?a=b&c=d` query parameters written in the URL itself.
    pub query: Vec<Field>,
}

impl UrlTemplate {
    pub fn literal(text: &str, span: Span) -> Self {
        UrlTemplate {
            pieces: vec![Piece::Lit {
                text: text.to_string(),
                span: span.clone(),
                exact: true,
            }],
            span,
        }
    }

    /// The URL with holes shown as `{expr}`.
    pub fn display(&self) -> String {
        Segment {
            pieces: self.pieces.clone(),
        }
        .display()
    }

    /// All literal text concatenated (holes dropped); handy for substring signals.
    pub fn literal_text(&self) -> String {
        literal_of(&self.pieces)
    }

    pub fn holes(&self) -> impl Iterator<Item = (&str, &Span)> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Hole { expr, span } => Some((expr.as_str(), span)),
            Piece::Lit { .. } => None,
        })
    }

    /// Splits the template into origin, path segments and literal query parameters.
    pub fn parse(&self) -> ParsedUrl {
        let mut out = ParsedUrl::default();
        // Flatten into a stream of (char-level) tokens, splitting literals on '/', '?', '#'.
        let mut pieces: Vec<Piece> = self.pieces.clone();
        out.leading_hole = matches!(pieces.first(), Some(Piece::Hole { .. }));

        // Origin: only when the first piece is a literal starting with a scheme or `//`.
        if let Some(Piece::Lit { text, span, exact }) = pieces.first().cloned() {
            if let Some(rest_at) = origin_len(&text) {
                let origin = text[..rest_at].to_string();
                let host = host_of(&origin);
                out.origin = Some(origin);
                out.host = host;
                let rest = text[rest_at..].to_string();
                let rest_span = sub_span(&span, exact, rest_at, text.len());
                pieces[0] = Piece::Lit {
                    text: rest,
                    span: rest_span,
                    exact,
                };
            }
        }

        let mut current = Segment::default();
        let mut in_query = false;
        let mut query_text = String::new();
        let mut query_spans: Vec<(usize, Span, bool)> = Vec::new();
        for piece in pieces {
            if in_query {
                if let Piece::Lit { text, span, exact } = &piece {
                    query_spans.push((query_text.len(), span.clone(), *exact));
                    query_text.push_str(text);
                } else if let Piece::Hole { expr, .. } = &piece {
                    query_text.push_str(&format!("{{{expr}}}"));
                }
                continue;
            }
            match piece {
                Piece::Hole { .. } => current.pieces.push(piece),
                Piece::Lit { text, span, exact } => {
                    let mut start = 0;
                    for (i, ch) in text.char_indices() {
                        if ch == '/' || ch == '?' || ch == '#' {
                            if i > start {
                                current.pieces.push(Piece::Lit {
                                    text: text[start..i].to_string(),
                                    span: sub_span(&span, exact, start, i),
                                    exact,
                                });
                            }
                            if ch == '/' {
                                if !current.pieces.is_empty() {
                                    out.segments.push(std::mem::take(&mut current));
                                }
                                start = i + 1;
                            } else {
                                if !current.pieces.is_empty() {
                                    out.segments.push(std::mem::take(&mut current));
                                }
                                if ch == '?' {
                                    in_query = true;
                                    let qstart = i + 1;
                                    query_spans.push((
                                        0,
                                        sub_span(&span, exact, qstart, text.len()),
                                        exact,
                                    ));
                                    query_text.push_str(&text[qstart..]);
                                }
                                start = text.len();
                                break;
                            }
                        }
                    }
                    if !in_query && start < text.len() {
                        current.pieces.push(Piece::Lit {
                            text: text[start..].to_string(),
                            span: sub_span(&span, exact, start, text.len()),
                            exact,
                        });
                    }
                }
            }
        }
        if !current.pieces.is_empty() {
            out.segments.push(current);
        }
        out.query = parse_query(&query_text, &query_spans);
        out
    }
}

/// Length of `scheme://host[:port]` at the start of `text`, if any.
fn origin_len(text: &str) -> Option<usize> {
    let after_scheme = if let Some(i) = text.find("://") {
        let scheme = &text[..i];
        if scheme.is_empty()
            || !scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+')
        {
            return None;
        }
        i + 3
    } else if text.starts_with("//") {
        2
    } else {
        return None;
    };
    let end = text[after_scheme..]
        .find(['/', '?', '#'])
        .map(|i| after_scheme + i)
        .unwrap_or(text.len());
    if end == after_scheme {
        return None;
    }
    Some(end)
}

fn host_of(origin: &str) -> Option<String> {
    let after = origin.find("://").map(|i| i + 3).unwrap_or(2);
    let hostport = &origin[after..];
    let hostport = hostport.rsplit('@').next().unwrap_or(hostport);
    let host = match hostport.rfind(':') {
        Some(i) if hostport[i + 1..].chars().all(|c| c.is_ascii_digit()) => &hostport[..i],
        _ => hostport,
    };
    if host.is_empty() {
        None
    } else {
        Some(host.to_ascii_lowercase())
    }
}

/// Span of `text[from..to]` inside a literal whose full text sits at `span`.
fn sub_span(span: &Span, exact: bool, from: usize, to: usize) -> Span {
    if exact {
        (span.start + from)..(span.start + to)
    } else {
        span.clone()
    }
}

fn parse_query(text: &str, spans: &[(usize, Span, bool)]) -> Vec<Field> {
    let map = |offset: usize| -> Option<usize> {
        // Find the literal chunk containing `offset` and map it into source bytes.
        let mut best = None;
        for (start, span, exact) in spans {
            if offset >= *start && *exact && offset - start <= span.len() {
                best = Some(span.start + (offset - start));
            }
        }
        best
    };
    let mut out = Vec::new();
    let mut pos = 0;
    for pair in text.split('&') {
        let here = pos;
        pos += pair.len() + 1;
        if pair.is_empty() {
            continue;
        }
        let pair = pair.split('#').next().unwrap_or(pair);
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key_span = match (map(here), map(here + key.len())) {
            (Some(a), Some(b)) => a..b,
            _ => spans.first().map(|s| s.1.clone()).unwrap_or(0..0),
        };
        let vstart = here + key.len() + 1;
        let value_span = match (map(vstart), map(vstart + value.len())) {
            (Some(a), Some(b)) if pair.contains('=') => a..b,
            _ => key_span.clone(),
        };
        let value = if value.contains('{') && value.contains('}') {
            Value::Expr {
                text: value.to_string(),
                span: value_span,
            }
        } else {
            Value::Str {
                value: value.to_string(),
                span: value_span,
            }
        };
        out.push(Field {
            key: key.to_string(),
            key_span,
            value,
        });
    }
    out
}

/// A value written in the call: a literal, an object/array of them, or an expression
/// whose value is not known here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Value {
    Str { value: String, span: Span },
    Num { text: String, span: Span },
    Bool { value: bool, span: Span },
    Null { span: Span },
    Object(Fields),
    Array { items: Vec<Value>, span: Span },
    Expr { text: String, span: Span },
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Str { span, .. }
            | Value::Num { span, .. }
            | Value::Bool { span, .. }
            | Value::Null { span }
            | Value::Array { span, .. }
            | Value::Expr { span, .. } => span.clone(),
            Value::Object(f) => f.span.clone(),
        }
    }
    pub fn is_literal(&self) -> bool {
        !matches!(self, Value::Expr { .. })
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str { value, .. } => Some(value),
            _ => None,
        }
    }
    /// Source-like text: the literal value, or the expression text.
    pub fn text(&self) -> String {
        match self {
            Value::Str { value, .. } => value.clone(),
            Value::Num { text, .. } | Value::Expr { text, .. } => text.clone(),
            Value::Bool { value, .. } => value.to_string(),
            Value::Null { .. } => "null".into(),
            Value::Object(_) => "{…}".into(),
            Value::Array { .. } => "[…]".into(),
        }
    }
}

/// One key of an object-like part of a call (headers, query, form, JSON object).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    pub key: String,
    pub key_span: Span,
    pub value: Value,
}

/// Object-like data. `open` is set when some keys are unknown here (a spread, a computed
/// key, an object built elsewhere): rules must not conclude that a key is absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Fields {
    pub entries: Vec<Field>,
    pub open: bool,
    pub span: Span,
}

impl Fields {
    /// No fields yet, closed, spanning `span` (where entries are added).
    pub fn at(span: Span) -> Fields {
        Fields {
            span,
            ..Fields::default()
        }
    }

    pub fn get(&self, key: &str) -> Option<&Field> {
        self.entries.iter().find(|f| f.key == key)
    }
    /// Case-insensitive lookup, for header names.
    pub fn get_ci(&self, key: &str) -> Option<&Field> {
        self.entries
            .iter()
            .find(|f| f.key.eq_ignore_ascii_case(key))
    }
}

/// The request body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Body {
    /// A JSON body given as a structured value (`data: {...}`, `JSON.stringify({...})`).
    Json { value: Value },
    /// Form fields (`URLSearchParams`, `qs.stringify`, `form:`, jQuery `data`).
    Form { fields: Fields },
    /// A literal string body: the rules decide whether it is meant as JSON.
    Raw { text: String, span: Span },
    /// A GraphQL request (query text and variables).
    GraphQl {
        query: String,
        span: Span,
        variables: Option<Value>,
    },
    /// A body whose value is not known here.
    Expr { text: String, span: Span },
}

impl Body {
    pub fn span(&self) -> Span {
        match self {
            Body::Json { value } => value.span(),
            Body::Form { fields } => fields.span.clone(),
            Body::Raw { span, .. } | Body::GraphQl { span, .. } | Body::Expr { span, .. } => {
                span.clone()
            }
        }
    }
}

/// An RPC-style SDK call lowered into the model (`api.call('entity.delete', …)`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RpcName {
    pub name: String,
    pub span: Span,
    /// What may tell which SDK the call belongs to, as written: the callee (`apicall`,
    /// `api.call`), how its receiver was made (`Api(CAPTURE_URL, defaults)`,
    /// `require('./janrain-capture-client')(…)`, the module it is imported from) and
    /// the modules the file imports. Rules look for their vendor's SDK names in it.
    pub evidence: Vec<String>,
}

/// A property path read from a response or its parsed body: `data.closeUserAccount.result`
/// for `res.data?.closeUserAccount?.['result']` (optional chaining and string subscripts
/// normalised to dots; `.json()`, `.clone()` and `await` leave no trace in the path).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BodyRead {
    pub path: String,
    /// The expression that reads it (or the pattern that destructures it).
    pub span: Span,
}

impl BodyRead {
    /// Whether the read goes through `wanted` (a dotted path) as consecutive properties:
    /// `data.data.closeUserAccount.result` reads `closeUserAccount.result`.
    pub fn reads(&self, wanted: &str) -> bool {
        let have: Vec<&str> = self.path.split('.').collect();
        let want: Vec<&str> = wanted.split('.').filter(|s| !s.is_empty()).collect();
        !want.is_empty() && have.windows(want.len()).any(|w| w == want.as_slice())
    }
}

/// How the code around a call uses the response, as far as the front end can see
/// (the enclosing function, through callbacks chained on the call and a few levels of
/// variables). Empty when nothing is known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ResponseUse {
    /// Where the outcome is judged by the HTTP status: `res.ok`, `res.status === 200`,
    /// `res.statusCode`, supertest's `.expect(200)`.
    pub status_checks: Vec<Span>,
    /// Properties read from the response or its body.
    pub body_reads: Vec<BodyRead>,
    /// Where the call's promise is awaited, returned or chained with `.then` (the
    /// `await`/`return` keyword or the `then` property): a rejection reaches the code
    /// around the call. `None` for callback-style calls and unused promises.
    pub awaited: Option<Span>,
}

impl ResponseUse {
    /// Whether any read goes through `wanted` (see [`BodyRead::reads`]).
    pub fn reads(&self, wanted: &str) -> bool {
        self.body_reads.iter().any(|r| r.reads(wanted))
    }
}

/// A literal of the URL that a name at the call site stands for
/// (`${TEST_GROUP}` → `'64b7…'`): rewrites write the name, not its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Via {
    /// Span of the literal's text (where the name is bound).
    pub literal: Span,
    /// The expression at the call site (`TEST_GROUP`, `config.baseUrl`).
    pub expr: String,
}

/// One HTTP request found in a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HttpCall {
    pub client: Client,
    /// The text of the object the call is made on (`axios`, `khoros`, `this.http`), if any.
    pub receiver: Option<String>,
    pub method: Method,
    pub url: UrlTemplate,
    /// Query parameters given as data (`params:`, `searchParams:`, `.query()`, or parsed
    /// from a literal `?a=b` in the URL).
    pub query: Fields,
    pub headers: Fields,
    pub body: Option<Body>,
    pub rpc: Option<RpcName>,
    /// The whole call expression.
    pub span: Span,
    /// How the response is used (filled by front ends that analyse it).
    pub response: ResponseUse,
    /// The function the call is made in (or the whole file at top level), when known:
    /// rules that look at the calls around a call compare these.
    pub scope: Option<Span>,
    /// Names at the call site that stand for whole literals of the URL.
    pub vias: Vec<Via>,
    /// `{name}` placeholders left in plain (non-interpolating) string literals of the
    /// URL, where an f-string, template literal or `format!` was meant (API004).
    pub unformatted: Vec<Placeholder>,
    /// Parts of the call defined in other files (an imported base-URL constant): the
    /// call's pieces carry the span of the name at the call site, this says where the
    /// value is written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// When the request is one of several a call may make (its URL is built from a
    /// value with alternatives: both arms of an `if`, `c ? a : b`, `a if c else b`,
    /// `x || default`, `x or default`): which alternative this is, as said to the user
    /// (`` `base` is `'https://…'` ``). The same call is lowered once per alternative.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternative: Option<String>,
    /// For a base URL defined without a request (`Client::BaseUrl`): the literal texts
    /// of the values defined beside it (the other settings of the same object), which
    /// may carry its vendor's signal.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub beside: Vec<String>,
}

/// A place in another file that a call (or finding) depends on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    /// The other file's path, as displayed (relative to the current directory when the
    /// scanned file's path is).
    pub path: std::path::PathBuf,
    /// Byte span in that file.
    pub span: Span,
    /// Where `span` starts and ends in that file.
    pub start: crate::model::source::Position,
    pub end: crate::model::source::Position,
    /// The expression at the call site that stands for the value (`BASE`, `cfg.url`).
    pub expr: String,
    /// Span of that expression in the scanned file.
    pub local: Span,
    /// What is there (`` `BASE` is defined here: https://…/api/2.0 ``).
    pub message: String,
    /// The literal texts of the values defined beside it in the same object (the
    /// other settings of a client: a `/restapi/vc` URL next to a `/api/2.0` one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub beside: Vec<String>,
    /// Where the call's host was learned (another call that carries the vendor's
    /// signal), not a value the call reads.
    #[serde(skip)]
    pub learned: bool,
}

/// Whether a binding's name says it holds an address (`BASE`, `baseUrl`, `v2_base`,
/// `apiRoot`, `endpoint`, `host`, `prefix`): a path joined to a value not known here
/// and bound to such a name is a base URL.
pub fn is_address_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "base", "url", "uri", "endpoint", "api", "host", "root", "prefix",
    ]
    .iter()
    .any(|w| name.contains(w))
}

/// Source text for a message: on one line, at most 60 characters (`…` marks a cut).
pub fn shorten(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= 60 {
        return one;
    }
    let mut out: String = one.chars().take(59).collect();
    out.push('…');
    out
}

/// A `{name}` (or `${name}`) written in a plain string literal of a URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Placeholder {
    /// The name between the braces (`user_id`, `user.id`).
    pub name: String,
    /// The placeholder with its braces (and `$`).
    pub span: Span,
}

/// The placeholders of a plain string literal whose text is `text`, written at `span`
/// (`exact`: without escapes, so that offsets map one to one). `dollar` looks for
/// `${name}` (JavaScript); otherwise `{name}` (Python, Rust). `{{` and `{}` are not
/// placeholders, nor are `{0}`-style numbers (those only make sense to `.format`, which
/// a front end resolves before asking).
pub fn find_placeholders(text: &str, span: &Span, exact: bool, dollar: bool) -> Vec<Placeholder> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let open = if dollar {
            bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{')
        } else {
            bytes[i] == b'{' && (i == 0 || bytes[i - 1] != b'{')
        };
        if !open {
            i += 1;
            continue;
        }
        let name_start = if dollar { i + 2 } else { i + 1 };
        let Some(close) = text[name_start..].find('}').map(|c| name_start + c) else {
            break;
        };
        let name = &text[name_start..close];
        let ident = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        let doubled = !dollar && bytes.get(close + 1) == Some(&b'}');
        if ident && !doubled {
            let at = if exact {
                (span.start + i)..(span.start + close + 1)
            } else {
                span.clone()
            };
            out.push(Placeholder {
                name: name.to_string(),
                span: at,
            });
        }
        i = close + 1;
    }
    out
}

impl HttpCall {
    /// Applies `f` to every span of the call (method, URL pieces, fields, body, RPC
    /// name, response uses, scope, vias, placeholders, the local side of related
    /// definitions): a front end that reads code embedded in another file (a script
    /// in a collection, a notebook cell) moves the call's positions into that file.
    pub fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        fn fields(x: &mut Fields, f: &mut dyn FnMut(&mut Span)) {
            f(&mut x.span);
            for e in x.entries.iter_mut() {
                f(&mut e.key_span);
                value(&mut e.value, f);
            }
        }
        fn value(v: &mut Value, f: &mut dyn FnMut(&mut Span)) {
            match v {
                Value::Str { span, .. }
                | Value::Num { span, .. }
                | Value::Bool { span, .. }
                | Value::Null { span }
                | Value::Expr { span, .. } => f(span),
                Value::Array { items, span } => {
                    f(span);
                    for i in items {
                        value(i, f);
                    }
                }
                Value::Object(x) => fields(x, f),
            }
        }
        if let Some(s) = self.method.span.as_mut() {
            f(s);
        }
        for p in self.url.pieces.iter_mut() {
            match p {
                Piece::Lit { text, span, exact } => {
                    f(span);
                    *exact = *exact && span.len() == text.len();
                }
                Piece::Hole { span, .. } => f(span),
            }
        }
        f(&mut self.url.span);
        fields(&mut self.query, f);
        fields(&mut self.headers, f);
        if let Some(b) = self.body.as_mut() {
            match b {
                Body::Json { value: v } => value(v, f),
                Body::Form { fields: x } => fields(x, f),
                Body::Raw { span, .. } | Body::Expr { span, .. } => f(span),
                Body::GraphQl {
                    span, variables, ..
                } => {
                    f(span);
                    if let Some(v) = variables.as_mut() {
                        value(v, f);
                    }
                }
            }
        }
        if let Some(r) = self.rpc.as_mut() {
            f(&mut r.span);
        }
        f(&mut self.span);
        self.response.status_checks.iter_mut().for_each(&mut *f);
        for r in self.response.body_reads.iter_mut() {
            f(&mut r.span);
        }
        if let Some(s) = self.response.awaited.as_mut() {
            f(s);
        }
        if let Some(s) = self.scope.as_mut() {
            f(s);
        }
        for v in self.vias.iter_mut() {
            f(&mut v.literal);
        }
        for p in self.unformatted.iter_mut() {
            f(&mut p.span);
        }
        for r in self.related.iter_mut() {
            f(&mut r.local);
        }
    }

    /// A base URL defined without a request (`Client::BaseUrl`): its pieces, written
    /// at `span`, with no method. Rules about base URLs report it where it is defined.
    pub fn base_url(pieces: Vec<Piece>, span: Span) -> Self {
        HttpCall::new(
            Client::BaseUrl,
            Method {
                name: None,
                span: None,
                expr: None,
            },
            UrlTemplate {
                pieces,
                span: span.clone(),
            },
            span,
        )
    }

    pub fn new(client: Client, method: Method, url: UrlTemplate, span: Span) -> Self {
        HttpCall {
            client,
            receiver: None,
            method,
            url,
            query: Fields::default(),
            headers: Fields::default(),
            body: None,
            rpc: None,
            span,
            response: ResponseUse::default(),
            scope: None,
            vias: Vec::new(),
            unformatted: Vec::new(),
            related: Vec::new(),
            alternative: None,
            beside: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &str, start: usize) -> Piece {
        Piece::Lit {
            text: text.into(),
            span: start..start + text.len(),
            exact: true,
        }
    }

    #[test]
    fn parses_origin_segments_and_query() {
        let url = UrlTemplate {
            pieces: vec![
                lit("https://Community.Example.com:8443/api/2.0/users/", 0),
                Piece::Hole {
                    expr: "id".into(),
                    span: 60..62,
                },
                lit("?company=acme&apiKey=k", 70),
            ],
            span: 0..100,
        };
        let p = url.parse();
        assert_eq!(
            p.origin.as_deref(),
            Some("https://Community.Example.com:8443")
        );
        assert_eq!(p.host.as_deref(), Some("community.example.com"));
        let segs: Vec<String> = p.segments.iter().map(|s| s.display()).collect();
        assert_eq!(segs, ["api", "2.0", "users", "{id}"]);
        assert_eq!(p.query.len(), 2);
        assert_eq!(p.query[1].key, "apiKey");
        assert_eq!(p.query[1].key_span, 84..90);
        assert_eq!(p.query[1].value.span(), 91..92);
        // The segment "users" maps back to its bytes in the source.
        assert_eq!(p.segments[2].span(), Some(43..48));
    }

    #[test]
    fn placeholders_in_plain_strings() {
        let names = |t: &str, dollar| {
            find_placeholders(t, &(10..10 + t.len()), true, dollar)
                .into_iter()
                .map(|p| (p.name, p.span))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names("v1/users/{user_id}/markDeleted", false),
            [("user_id".to_string(), 19..28)]
        );
        assert!(names("{{var}}/x/{}/{0}", false).is_empty());
        assert_eq!(
            names("/u/${user.id}", true),
            [("user.id".to_string(), 13..23)]
        );
        assert!(names("/u/{id}", true).is_empty());
    }

    #[test]
    fn body_reads_match_consecutive_properties() {
        let read = BodyRead {
            path: "data.data.closeUserAccount.result".into(),
            span: 0..1,
        };
        assert!(read.reads("closeUserAccount.result"));
        assert!(read.reads("data"));
        assert!(!read.reads("closeUserAccount.errors"));
        assert!(!read.reads("result.closeUserAccount"));
        assert!(!read.reads(""));
        let stat = BodyRead {
            path: "statusText".into(),
            span: 0..1,
        };
        assert!(!stat.reads("stat"));
    }

    #[test]
    fn leading_hole_has_no_origin() {
        let url = UrlTemplate {
            pieces: vec![
                Piece::Hole {
                    expr: "BASE".into(),
                    span: 0..4,
                },
                lit("/users/x/markDeleted", 4),
            ],
            span: 0..24,
        };
        let p = url.parse();
        assert!(p.leading_hole);
        assert!(p.origin.is_none());
        assert_eq!(p.segments.len(), 4);
        assert_eq!(p.segments[0].display(), "{BASE}");
    }
}

/// What a front end found in one file: the calls, the secrets, the first syntax error
/// and the syntax tree (for rendering rewrites without parsing the same text again).
#[derive(Debug, Default)]
pub struct Extraction {
    pub calls: Vec<HttpCall>,
    /// Spans of secret-looking literals anywhere in the file (API keys, passwords,
    /// tokens, Basic/Bearer credentials). Every output replaces them with `***`.
    pub secrets: Vec<Span>,
    /// The first syntax error, when the file does not parse cleanly.
    pub syntax_error: Option<(Span, String)>,
    /// The syntax tree of the text (tree-sitter front ends), for rendering rewrites
    /// without parsing the same text again.
    pub tree: Option<tree_sitter::Tree>,
    /// `tree` is the parse of the text exactly as it is (not of a copy with some
    /// characters masked): the file's next version may be parsed from it.
    pub tree_is_exact: bool,
    /// What the front end worked out about the file beyond its calls and that its
    /// speller needs too (the JavaScript scopes, the syntax of each Python call), so
    /// that rendering the rewrites does not work it out a second time. Opaque outside
    /// the front end that made it; an extraction without it is read as "work it out".
    pub analysis: Option<Box<dyn std::any::Any + Send>>,
}

/// The literal text of `pieces` concatenated, holes left out.
pub fn literal_of(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Lit { text, .. } => Some(text.as_str()),
            Piece::Hole { .. } => None,
        })
        .collect()
}
