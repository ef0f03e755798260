//! Function summaries: a function or method whose parameters flow into a request it
//! sends (its URL, method, headers or body) is a *wrapper*, and each call of it is a
//! request at the call site.
//!
//! A front end finds the requests inside a function as usual (a parameter stays a
//! `Piece::Hole` / `Value::Expr` naming it) and keeps them as [`Wrapper`]s; at a call
//! site it resolves the arguments into [`Arg`]s and [`instantiate`]s each summary:
//! the holes that name a parameter are replaced by what the call site gives, and
//! everything written inside the wrapper is spelled at the callee (the call site
//! keeps its own spans, so a fix never edits the wrapper from one of its callers),
//! with a related location at the request inside the wrapper.
//!
//! Language-neutral: nothing here knows a syntax tree.

use crate::call::{Body, Fields, HttpCall, Method, Piece, Related, Span, Value};
use crate::source::Position;
use std::path::PathBuf;

/// How many wrappers deep a request is followed (`deleteUser` → `request` → `axios`).
pub const MAX_CHAIN: usize = 4;

/// One request a function sends, with the names of the function's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wrapper {
    pub params: Vec<String>,
    /// The request as found inside the function (spans in the function's file).
    pub call: HttpCall,
    /// The function's file (as displayed), and where the request is in it.
    pub path: PathBuf,
    pub start: Position,
    pub end: Position,
    /// How many wrappers the request already went through (0: sent right there).
    pub chain: usize,
    /// The parameter that is the request's whole headers (`headers=headers` in Python):
    /// what a call site gives it goes over the headers written in the function, a key
    /// given again (in any case) replacing the written one.
    pub headers_from: Option<String>,
}

impl Wrapper {
    /// Whether a parameter decides what the request is: its method, or a part of its
    /// URL other than one whole path segment (`BASE + path`, `${base}/users`), so that
    /// the request can only be judged at the call. A parameter that only fills an id
    /// segment (`/users/${id}`), a header or a body field leaves the request complete
    /// where it is written, and it is reported there once rather than at every caller.
    pub fn takes_parameters(call: &HttpCall, params: &[String]) -> bool {
        let is_param = |text: &str| params.iter().any(|p| p == param_name(text));
        if call.method.name.is_none() && call.method.expr.as_deref().is_some_and(is_param) {
            return true;
        }
        let pieces = &call.url.pieces;
        pieces.iter().enumerate().any(|(i, p)| {
            let Piece::Hole { expr, .. } = p else {
                return false;
            };
            if !is_param(expr) {
                return false;
            }
            let after_slash =
                i > 0 && matches!(&pieces[i - 1], Piece::Lit { text, .. } if text.ends_with('/'));
            let segment_ends = match pieces.get(i + 1) {
                None => true,
                Some(Piece::Lit { text, .. }) => text.starts_with(['/', '?', '#']),
                Some(Piece::Hole { .. }) => false,
            };
            !(after_slash && segment_ends)
        })
    }
}

/// `...options` (a spread) names `options`.
fn param_name(text: &str) -> &str {
    text.trim().trim_start_matches("...")
}

/// What a call site gives one parameter, resolved there (spans in the call site's file).
#[derive(Clone, Debug)]
pub struct Arg {
    /// As a URL part.
    pub url: Vec<Piece>,
    /// Parts of `url` defined in other files.
    pub related: Vec<Related>,
    /// As a method (a string, or the `method` of an options object).
    pub method: Option<Method>,
    /// As a value (a header, a field).
    pub value: Value,
    /// As a request body.
    pub body: Option<Body>,
    /// The `headers` of an options object.
    pub headers: Option<Fields>,
}

/// The request a call of `wrapper` sends, seen at the call site: `site` is the whole
/// call, `callee` the name called (`khoros.deleteUser`), `args` what is given for each
/// parameter (`None` when nothing is).
pub fn instantiate(
    wrapper: &Wrapper,
    args: &[Option<Arg>],
    site: Span,
    callee: Span,
    callee_text: &str,
) -> HttpCall {
    let mut c = wrapper.call.clone();
    let inner_span = c.span.clone();
    c.map_spans(&mut |s| *s = callee.clone());
    c.vias.clear();
    c.unformatted.clear();
    c.response = Default::default();
    let arg = |text: &str| arg_for(&wrapper.params, args, text);
    let mut related = Vec::new();
    let mut pieces = Vec::new();
    for p in std::mem::take(&mut c.url.pieces) {
        match &p {
            Piece::Hole { expr, .. } => match arg(expr) {
                Some(a) => {
                    pieces.extend(a.url.iter().cloned());
                    related.extend(a.related.iter().cloned());
                }
                None => pieces.push(p),
            },
            Piece::Lit { .. } => pieces.push(p),
        }
    }
    c.url.pieces = pieces;
    c.url.span = site.clone();
    if c.method.name.is_none() {
        if let Some(m) = c
            .method
            .expr
            .as_deref()
            .and_then(arg)
            .and_then(|a| a.method.clone())
        {
            c.method = m;
        }
    }
    // Headers given whole by an options parameter, then each field a parameter gives.
    if let Some(h) = opened_by(&c.headers, args) {
        for e in h.entries {
            match c.headers.entries.iter_mut().find(|x| x.key == e.key) {
                Some(x) => *x = e,
                None => c.headers.entries.push(e),
            }
        }
    }
    substitute_fields(&mut c.headers, &arg);
    if let Some(h) = wrapper
        .headers_from
        .as_deref()
        .and_then(arg)
        .and_then(|a| a.headers.clone())
    {
        c.headers.open |= h.open;
        for e in h.entries {
            c.headers
                .entries
                .retain(|x| !x.key.eq_ignore_ascii_case(&e.key));
            c.headers.entries.push(e);
        }
    }
    substitute_fields(&mut c.query, &arg);
    c.body = match c.body.take() {
        Some(Body::Expr { text, span }) => match arg(&text) {
            Some(a) => a.body.clone(),
            None => Some(Body::Expr { text, span }),
        },
        Some(Body::Json { mut value }) => {
            substitute_value(&mut value, &arg);
            Some(Body::Json { value })
        }
        Some(Body::Form { mut fields }) => {
            substitute_fields(&mut fields, &arg);
            Some(Body::Form { fields })
        }
        other => other,
    };
    c.span = site;
    c.related.extend(related);
    c.related.push(Related {
        path: wrapper.path.clone(),
        span: inner_span,
        start: wrapper.start,
        end: wrapper.end,
        message: format!("`{callee_text}` sends the request here"),
        expr: callee_text.to_string(),
        local: callee,
        beside: Vec::new(),
        learned: false,
    });
    c
}

/// A request sent through a client instance defined elsewhere (`khoros.delete(path)`
/// with `khoros = axios.create({ baseURL, headers })` in another module): the
/// instance's base URL goes before a relative URL and its headers under the call's
/// own, spelled at `receiver`; `created` says where the instance is made.
pub fn through_client(defaults: &HttpCall, created: Related, call: &mut HttpCall) {
    let receiver = created.local.clone();
    let mut d = defaults.clone();
    d.map_spans(&mut |s| *s = receiver.clone());
    let relative = match call.url.pieces.first() {
        Some(Piece::Lit { text, .. }) => !text.contains("://") && !text.starts_with("//"),
        Some(Piece::Hole { .. }) => false,
        None => true,
    };
    if relative && !d.url.pieces.is_empty() {
        let base_slash =
            matches!(d.url.pieces.last(), Some(Piece::Lit { text, .. }) if text.ends_with('/'));
        let path_slash = matches!(call.url.pieces.first(), Some(Piece::Lit { text, .. }) if text.starts_with('/'));
        if base_slash && path_slash {
            if let Some(Piece::Lit { text, exact, .. }) = d.url.pieces.last_mut() {
                text.pop();
                *exact = false;
            }
        } else if !base_slash && !path_slash && !call.url.pieces.is_empty() {
            d.url.pieces.push(Piece::Lit {
                text: "/".into(),
                span: receiver.start..receiver.start,
                exact: false,
            });
        }
        d.url.pieces.append(&mut call.url.pieces);
        call.url.pieces = d.url.pieces;
        call.related.extend(d.related);
    }
    for e in d.headers.entries {
        if call.headers.get_ci(&e.key).is_none() {
            call.headers.entries.push(e);
        }
    }
    call.headers.open |= d.headers.open;
    call.client = d.client;
    call.related.push(created);
}

/// What the call site gives the parameter an expression names.
fn arg_for<'a>(params: &[String], args: &'a [Option<Arg>], text: &str) -> Option<&'a Arg> {
    let i = params.iter().position(|p| p == param_name(text))?;
    args.get(i)?.as_ref()
}

/// An options argument given for a wrapper's options parameter: its `headers`, when
/// the wrapper's own headers are open (spread from it).
fn opened_by(headers: &Fields, args: &[Option<Arg>]) -> Option<Fields> {
    if !headers.open {
        return None;
    }
    args.iter().flatten().find_map(|a| a.headers.clone())
}

fn substitute_fields<'a>(f: &mut Fields, arg: &dyn Fn(&str) -> Option<&'a Arg>) {
    for e in f.entries.iter_mut() {
        substitute_value(&mut e.value, arg);
    }
}

fn substitute_value<'a>(v: &mut Value, arg: &dyn Fn(&str) -> Option<&'a Arg>) {
    match v {
        Value::Expr { text, .. } => {
            if let Some(a) = arg(text) {
                *v = a.value.clone();
            }
        }
        Value::Object(f) => substitute_fields(f, arg),
        Value::Array { items, .. } => items.iter_mut().for_each(|i| substitute_value(i, arg)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{Client, UrlTemplate};

    fn lit(text: &str, span: Span) -> Piece {
        Piece::Lit {
            text: text.into(),
            span,
            exact: true,
        }
    }

    #[test]
    fn parameters_are_replaced_and_the_rest_is_spelled_at_the_callee() {
        let inner = HttpCall::new(
            Client::Axios,
            Method::unknown("method".into(), 10..16),
            UrlTemplate {
                pieces: vec![
                    lit("https://x.test/api/2.0", 20..42),
                    Piece::Hole {
                        expr: "path".into(),
                        span: 45..49,
                    },
                ],
                span: 20..49,
            },
            0..60,
        );
        let params = vec!["method".to_string(), "path".to_string()];
        assert!(Wrapper::takes_parameters(&inner, &params));
        let w = Wrapper {
            params,
            call: inner,
            path: "api.js".into(),
            start: Position { line: 3, column: 1 },
            end: Position { line: 3, column: 9 },
            chain: 0,
            headers_from: None,
        };
        let arg = |url: Vec<Piece>, method: Option<Method>| Arg {
            url,
            related: Vec::new(),
            method,
            value: Value::Null { span: 0..0 },
            body: None,
            headers: None,
        };
        let c = instantiate(
            &w,
            &[
                Some(arg(
                    Vec::new(),
                    Some(Method::known("DELETE", Some(105..111))),
                )),
                Some(arg(vec![lit("/users/1", 114..122)], None)),
            ],
            100..123,
            100..104,
            "this.request",
        );
        assert!(c.method.is("DELETE"));
        assert_eq!(c.url.display(), "https://x.test/api/2.0/users/1");
        assert_eq!(c.url.pieces[0].span(), &(100..104));
        assert_eq!(c.url.pieces[1].span(), &(114..122));
        assert_eq!(c.span, 100..123);
        assert_eq!(c.related.len(), 1);
        assert_eq!(c.related[0].span, 0..60);
        assert_eq!(c.related[0].local, 100..104);
    }

    #[test]
    fn headers_given_whole_go_over_the_written_ones_in_any_case() {
        let field = |key: &str, value: &str, span: Span| crate::call::Field {
            key: key.into(),
            key_span: span.clone(),
            value: Value::Str {
                value: value.into(),
                span,
            },
        };
        let mut inner = HttpCall::new(
            Client::Requests,
            Method::known("DELETE", Some(10..16)),
            UrlTemplate {
                pieces: vec![Piece::Hole {
                    expr: "url".into(),
                    span: 20..23,
                }],
                span: 20..23,
            },
            0..60,
        );
        inner.headers = Fields {
            entries: vec![
                field("Accept", "application/json", 30..36),
                field("li-api-session-key", "written", 40..58),
            ],
            open: false,
            span: 28..59,
        };
        let w = Wrapper {
            params: vec!["url".into(), "headers".into()],
            call: inner,
            path: "api.py".into(),
            start: Position { line: 2, column: 5 },
            end: Position {
                line: 2,
                column: 60,
            },
            chain: 0,
            headers_from: Some("headers".into()),
        };
        let given = Arg {
            url: Vec::new(),
            related: Vec::new(),
            method: None,
            value: Value::Null { span: 0..0 },
            body: None,
            headers: Some(Fields {
                entries: vec![field("LI-API-SESSION-KEY", "given", 120..138)],
                open: true,
                span: 118..140,
            }),
        };
        let url = Arg {
            url: vec![lit("https://x.test/users/1", 105..127)],
            headers: None,
            ..given.clone()
        };
        let c = instantiate(
            &w,
            &[Some(url), Some(given)],
            100..141,
            100..103,
            "api.delete",
        );
        let keys: Vec<_> = c.headers.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["Accept", "LI-API-SESSION-KEY"]);
        assert!(c.headers.open);
        assert_eq!(c.headers.entries[0].key_span, 100..103);
        assert_eq!(c.headers.entries[1].key_span, 120..138);
    }
}
