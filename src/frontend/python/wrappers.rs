//! Wrappers: functions and methods whose parameters flow into a request they make
//! (`def delete(url, headers=None): return requests.delete(url, headers=headers)`).
//!
//! A wrapper is summarised once per use as a [`RequestShape`]: the request's client,
//! method, URL pieces and headers, where holes named after a parameter stand for it. A
//! call of the wrapper (defined in this file, a method of a class of this file, or
//! imported from another module of the project) is then a request at the call site,
//! its arguments filling the holes; the request inside the wrapper is its related
//! location. Wrappers calling wrappers are followed [`MAX_WRAPPING`] deep.
//!
//! Not for: functions that build a request from anything but their parameters (those
//! requests are found where they are made).

use super::clients::{Calls, Found};
use super::resolve::Url;
use crate::call::{Field, Fields, HttpCall, Method, Piece, Related, Span, Value};
use crate::resolve::{position_of, RequestShape, Shape, TextPiece};
use tree_sitter::Node;

/// How many wrappers deep a request is looked for.
const MAX_WRAPPING: usize = 3;

/// Counts a summary being made for as long as it lives.
struct Wrapping<'c>(&'c std::cell::Cell<usize>);

impl Drop for Wrapping<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

/// The class whose body holds `node`, if any.
fn enclosing_class(node: Node<'_>) -> Option<Node<'_>> {
    let mut n = node.parent();
    while let Some(p) = n {
        if p.kind() == "class_definition" {
            return Some(p);
        }
        n = p.parent();
    }
    None
}

impl<'t> Calls<'_, '_, 't> {
    /// A call of a wrapper, as the request it makes.
    pub(super) fn wrapped(&self, node: Node<'t>, f: Node<'t>, args: Node<'t>) -> Option<Found> {
        let project = self.r.project?;
        if self.wrapping.get() >= MAX_WRAPPING {
            return None;
        }
        let callee = self.t(f).to_string();
        let (def, verb) = match self.callee_def(f) {
            Some(def) => (Some(def), None),
            None => match self.session_request(f) {
                Some((def, verb)) => (Some(def), Some(verb)),
                None => (None, None),
            },
        };
        if let Some(def) = def {
            let (shape, inner) = self.summarise(def)?;
            if verb.is_some()
                && !matches!(shape.method, TextPiece::Hole(ref m) if shape.params.first() == Some(m))
            {
                return None;
            }
            let related = Related {
                path: project.path.to_path_buf(),
                start: position_of(self.r.text, inner.start),
                end: position_of(self.r.text, inner.end),
                span: inner.clone(),
                message: format!("the request `{callee}` makes"),
                expr: callee,
                local: inner,
            };
            return self.call_of_shape(node, f, args, &shape, related, verb);
        }
        let value = self.r.imported(f)?;
        let Shape::Request(shape) = &value.shape else {
            return None;
        };
        let related = Related {
            path: value.path.clone(),
            span: value.span.clone(),
            start: value.start,
            end: value.end,
            message: format!("the request `{callee}` makes"),
            expr: callee,
            local: f.byte_range(),
        };
        self.call_of_shape(node, f, args, shape, related, None)
    }

    /// `s.delete(url)` on an instance of a `requests.Session` subclass of this file that
    /// overrides `request(method, url, …)`: that method, and the verb it is given.
    fn session_request(&self, f: Node<'t>) -> Option<(Node<'t>, String)> {
        if f.kind() != "attribute" {
            return None;
        }
        let verb = self.t(f.child_by_field_name("attribute")?);
        if !super::clients::METHODS.contains(&verb) {
            return None;
        }
        let obj = f.child_by_field_name("object")?;
        let class = if obj.kind() == "identifier" && matches!(self.t(obj), "self" | "cls") {
            enclosing_class(f)?
        } else {
            self.r.instance_class(obj, 0)?.0
        };
        if !self.is_session_class(class) {
            return None;
        }
        let def = self.r.scopes.method(class, "request")?;
        Some((def, verb.to_string()))
    }

    /// The `def` a callee names in this file: a function, a method of `self`'s class,
    /// or a method of the class of this file the receiver is an instance of.
    fn callee_def(&self, f: Node<'t>) -> Option<Node<'t>> {
        match f.kind() {
            "identifier" => self.r.scopes.function(f, self.t(f)),
            "attribute" => {
                let obj = f.child_by_field_name("object")?;
                let name = self.t(f.child_by_field_name("attribute")?);
                let class = if obj.kind() == "identifier" && matches!(self.t(obj), "self" | "cls") {
                    enclosing_class(f)?
                } else {
                    self.r.instance_class(obj, 0)?.0
                };
                self.r.scopes.method(class, name)
            }
            _ => None,
        }
    }

    /// The request a function makes from its parameters, and where it is made: the
    /// first call in its body (not in nested functions) that is a request whose URL,
    /// method or headers take a parameter.
    pub(super) fn summarise(&self, def: Node<'t>) -> Option<(RequestShape, Span)> {
        if let Some(done) = self.summaries.borrow().get(&def.id()) {
            return done.clone();
        }
        if self.wrapping.get() >= MAX_WRAPPING {
            return None;
        }
        // The wrapper's own alternatives are not the call site's: its first ones are
        // taken.
        let branches = self.r.save_branches();
        let summary = self.summarise_body(def);
        self.r.restore_branches(branches);
        // A summary cut short by the nesting bound is not kept: from a shallower call
        // it may find more.
        if self.wrapping.get() == 0 {
            self.summaries
                .borrow_mut()
                .insert(def.id(), summary.clone());
        }
        summary
    }

    fn summarise_body(&self, def: Node<'t>) -> Option<(RequestShape, Span)> {
        self.wrapping.set(self.wrapping.get() + 1);
        let _guard = Wrapping(&self.wrapping);
        let name = self.t(def.child_by_field_name("name")?).to_string();
        let is_method = def
            .parent()
            .and_then(|b| b.parent())
            .is_some_and(|c| c.kind() == "class_definition");
        let params_node = def.child_by_field_name("parameters")?;
        let mut params = Vec::new();
        let mut c = params_node.walk();
        for (i, p) in params_node.named_children(&mut c).enumerate() {
            let id = match p.kind() {
                "identifier" => Some(p),
                "default_parameter" | "typed_default_parameter" => p.child_by_field_name("name"),
                "typed_parameter" => p.named_child(0),
                _ => None,
            };
            let Some(id) = id.filter(|i| i.kind() == "identifier") else {
                continue;
            };
            if i == 0 && is_method && matches!(self.t(id), "self" | "cls") {
                continue;
            }
            params.push(self.t(id).to_string());
        }
        if params.is_empty() {
            return None;
        }
        let body = def.child_by_field_name("body")?;
        let mut stack = vec![body];
        let mut seen = 0usize;
        while let Some(n) = stack.pop() {
            seen += 1;
            if seen > 5_000 {
                return None;
            }
            if matches!(
                n.kind(),
                "function_definition" | "class_definition" | "lambda"
            ) {
                continue;
            }
            if n.kind() == "call" {
                if let Some(found) = self.call(n) {
                    if let Some(shape) = shape_of(&name, &params, &found.call, self.r.text) {
                        return Some((shape, n.byte_range()));
                    }
                }
            }
            let mut c = n.walk();
            let children: Vec<_> = n.named_children(&mut c).collect();
            stack.extend(children.into_iter().rev());
        }
        None
    }

    /// The request a call of a wrapper makes, its arguments put in for the parameters.
    fn call_of_shape(
        &self,
        node: Node<'t>,
        f: Node<'t>,
        args: Node<'t>,
        shape: &RequestShape,
        related: Related,
        verb: Option<String>,
    ) -> Option<Found> {
        let (positional, named) = self.r.arguments(args);
        let mut c = args.walk();
        if args
            .named_children(&mut c)
            .any(|a| matches!(a.kind(), "list_splat" | "dictionary_splat"))
        {
            return None;
        }
        // A verb method of a session subclass (`s.delete(url)`) passes its verb as the
        // first parameter of `request`, and its arguments after it.
        let skip = usize::from(verb.is_some());
        let arg_of = |p: &str| -> Option<Node<'t>> {
            named
                .iter()
                .find(|(k, _)| k == p)
                .map(|(_, v)| *v)
                .or_else(|| {
                    let i = shape.params.iter().position(|q| q == p)?;
                    positional.get(i.checked_sub(skip)?).copied()
                })
        };
        let here = f.byte_range();
        let mut url = Url::default();
        let mut url_args = Vec::new();
        for piece in &shape.url {
            match piece {
                TextPiece::Lit(text) => url.pieces.push(Piece::Lit {
                    text: text.clone(),
                    span: here.clone(),
                    exact: false,
                }),
                TextPiece::Hole(expr) => match arg_of(expr) {
                    Some(a) => {
                        let mut u = self.r.url(a);
                        url.pieces.append(&mut u.pieces);
                        url.related.append(&mut u.related);
                        url_args.push(a);
                    }
                    None => url.pieces.push(Piece::Hole {
                        expr: expr.clone(),
                        span: here.clone(),
                    }),
                },
            }
        }
        let method = match &shape.method {
            _ if verb.is_some() => Method::known(verb.as_deref().unwrap_or(""), Some(here.clone())),
            TextPiece::Lit(m) => Method::known(m, Some(here.clone())),
            TextPiece::Hole(expr) => match arg_of(expr) {
                Some(a) => match self.r.plain_string(a) {
                    Some((m, span, _)) => Method::known(&m, Some(span)),
                    None => Method::unknown(self.t(a).to_string(), a.byte_range()),
                },
                None => Method::unknown(expr.clone(), here.clone()),
            },
        };
        let mut headers = Fields {
            entries: Vec::new(),
            open: false,
            span: here.clone(),
        };
        for (key, value) in &shape.headers {
            let value = match value {
                TextPiece::Lit(v) => Value::Str {
                    value: v.clone(),
                    span: here.clone(),
                },
                TextPiece::Hole(expr) => match arg_of(expr) {
                    Some(a) => self.r.value(a, 0),
                    None => Value::Expr {
                        text: expr.clone(),
                        span: here.clone(),
                    },
                },
            };
            headers.entries.push(Field {
                key: key.clone(),
                key_span: here.clone(),
                value,
            });
        }
        if let Some(a) = shape.headers_param.as_deref().and_then(arg_of) {
            let given = self.r.fields(a, 0);
            headers.open |= given.open;
            for e in given.entries {
                headers
                    .entries
                    .retain(|h| !h.key.eq_ignore_ascii_case(&e.key));
                headers.entries.push(e);
            }
        }
        let url_span = match url_args.as_slice() {
            [only] => only.byte_range(),
            _ => args.byte_range(),
        };
        let mut call = HttpCall::new(
            shape.client,
            method,
            crate::call::UrlTemplate {
                pieces: url.pieces,
                span: url_span,
            },
            node.byte_range(),
        );
        call.headers = headers;
        call.query = Fields {
            entries: Vec::new(),
            open: false,
            span: here,
        };
        call.receiver = f
            .child_by_field_name("object")
            .map(|o| self.t(o).to_string());
        call.related = url.related;
        call.related.push(related);
        call.response = self.response(node);
        call.scope = Some(self.scope_span(node));
        Some(Found {
            call,
            base_pieces: 0,
            url_arg: None,
            is_async: false,
            defaults: Vec::new(),
            joins: Vec::new(),
            wrapper: Some(self.t(f).to_string()),
        })
    }
}

/// How many path segments a URL prefix has (`https://h/api/` → 1, `/a/b/` → 2).
fn path_segments(prefix: &str) -> usize {
    let path = match prefix.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, p)| p),
        None => prefix,
    };
    path.split('/').filter(|s| !s.is_empty()).count()
}

/// The summary of a request made inside the function `name` with `params`, when its
/// URL, method or headers take one of them.
fn shape_of(name: &str, params: &[String], call: &HttpCall, text: &str) -> Option<RequestShape> {
    let is_param = |e: &str| params.iter().any(|p| p == e);
    let url: Vec<TextPiece> = call
        .url
        .pieces
        .iter()
        .map(|p| match p {
            Piece::Lit { text, .. } => TextPiece::Lit(text.clone()),
            Piece::Hole { expr, .. } => TextPiece::Hole(expr.clone()),
        })
        .collect();
    let method = match (&call.method.name, &call.method.expr) {
        (Some(m), _) => TextPiece::Lit(m.clone()),
        (None, Some(e)) => TextPiece::Hole(e.clone()),
        (None, None) => return None,
    };
    let headers_param = (call.headers.open)
        .then(|| text.get(call.headers.span.clone()))
        .flatten()
        .filter(|t| is_param(t))
        .map(str::to_string);
    let headers: Vec<(String, TextPiece)> = call
        .headers
        .entries
        .iter()
        .filter_map(|h| {
            let v = match &h.value {
                Value::Str { value, .. } => TextPiece::Lit(value.clone()),
                Value::Expr { text, .. } => TextPiece::Hole(text.clone()),
                _ => return None,
            };
            Some((h.key.clone(), v))
        })
        .collect();
    // The URL is the caller's when a parameter gives its start, its base or its path
    // (`requests.delete(url)`, `BASE + path`). A parameter that only fills an id at
    // the end of a path written here (`f"{BASE}/api/2.0/users/{uid}"`) leaves the
    // request whole in the function: it is found there, not at every call.
    let mut prefix = String::new();
    let mut url_takes = false;
    for p in &url {
        match p {
            TextPiece::Lit(t) => prefix.push_str(t),
            TextPiece::Hole(e) if is_param(e) => {
                url_takes = path_segments(&prefix) < 2;
                break;
            }
            TextPiece::Hole(_) => {}
        }
    }
    let method_takes = matches!(&method, TextPiece::Hole(e) if is_param(e));
    let takes = url_takes || method_takes;
    takes.then(|| RequestShape {
        name: name.to_string(),
        params: params.to_vec(),
        client: call.client,
        method,
        url,
        headers,
        headers_param,
    })
}
