//! Wrappers: functions and methods whose parameters flow into a request they make
//! (`def delete(url, headers=None): return requests.delete(url, headers=headers)`).
//!
//! A wrapper is summarised once as a language-neutral [`Wrapper`]
//! ([`crate::resolve::wrapper`]): the request's client, method, URL pieces and headers,
//! where holes named after a parameter stand for it. A call of the wrapper (defined in this file, a method of a class of this file, or
//! imported from another module of the project) is then a request at the call site,
//! its arguments filling the holes; the request inside the wrapper is its related
//! location. Wrappers calling wrappers are followed [`MAX_WRAPPING`] deep.
//!
//! Not for: functions that build a request from anything but their parameters (those
//! requests are found where they are made).

use super::clients::{Calls, Found};
use crate::call::{Body, Fields, HttpCall, Method, Piece, Related, Span, UrlTemplate, Value};
use crate::frontend::fields::ChildField as _;
use crate::resolve::wrapper::{instantiate, Arg, Wrapper};
use crate::resolve::{position_of, Shape};
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

impl<'t> Calls<'_, '_, 't> {
    /// The class whose body holds `node`, if any.
    fn enclosing_class(&self, node: Node<'t>) -> Option<Node<'t>> {
        self.r
            .scopes
            .parents
            .ancestors(node)
            .find(|p| p.kind_name() == "class_definition")
    }

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
            let w = self.summarise(def)?;
            let inner = w.call.span.clone();
            if verb.is_some()
                && (w.call.method.name.is_some()
                    || w.call.method.expr.as_deref() != w.params.first().map(String::as_str))
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
                beside: Vec::new(),
                learned: false,
            };
            return self.call_of_wrapper(node, f, args, &w, related, verb);
        }
        let value = self.r.imported(f)?;
        let Shape::Function { sends, .. } = &value.shape else {
            return None;
        };
        let w = sends.first()?;
        let related = Related {
            path: value.path.clone(),
            span: value.span.clone(),
            start: value.start,
            end: value.end,
            message: format!("the request `{callee}` makes"),
            expr: callee,
            local: f.byte_range(),
            beside: Vec::new(),
            learned: false,
        };
        self.call_of_wrapper(node, f, args, w, related, None)
    }

    /// `s.delete(url)` on an instance of a `requests.Session` subclass of this file that
    /// overrides `request(method, url, …)`: that method, and the verb it is given.
    fn session_request(&self, f: Node<'t>) -> Option<(Node<'t>, String)> {
        if f.kind_name() != "attribute" {
            return None;
        }
        let verb = self.t(f.field("attribute")?);
        if !super::clients::METHODS.contains(&verb) {
            return None;
        }
        let obj = f.field("object")?;
        let class = if obj.kind_name() == "identifier" && matches!(self.t(obj), "self" | "cls") {
            self.enclosing_class(f)?
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
        match f.kind_name() {
            "identifier" => self.r.scopes.function(f, self.t(f)),
            "attribute" => {
                let obj = f.field("object")?;
                let name = self.t(f.field("attribute")?);
                let class =
                    if obj.kind_name() == "identifier" && matches!(self.t(obj), "self" | "cls") {
                        self.enclosing_class(f)?
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
    pub(super) fn summarise(&self, def: Node<'t>) -> Option<Wrapper> {
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

    fn summarise_body(&self, def: Node<'t>) -> Option<Wrapper> {
        self.wrapping.set(self.wrapping.get() + 1);
        let _guard = Wrapping(&self.wrapping);
        def.field("name")?;
        let up = |n: Node<'t>| self.r.scopes.parents.of(n);
        let is_method = up(def)
            .and_then(up)
            .is_some_and(|c| c.kind_name() == "class_definition");
        let params_node = def.field("parameters")?;
        let mut params = Vec::new();
        let mut c = params_node.walk();
        for (i, p) in params_node.named_children(&mut c).enumerate() {
            let id = match p.kind_name() {
                "identifier" => Some(p),
                "default_parameter" | "typed_default_parameter" => p.field("name"),
                "typed_parameter" => p.named_child(0),
                _ => None,
            };
            let Some(id) = id.filter(|i| i.kind_name() == "identifier") else {
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
        let body = def.field("body")?;
        let mut stack = vec![body];
        let mut seen = 0usize;
        while let Some(n) = stack.pop() {
            seen += 1;
            if seen > 5_000 {
                return None;
            }
            if matches!(
                n.kind_name(),
                "function_definition" | "class_definition" | "lambda"
            ) {
                continue;
            }
            if n.kind_name() == "call" {
                if let Some(found) = self.call(n) {
                    let path = (self.r.project)
                        .map(|p| p.path.to_path_buf())
                        .unwrap_or_default();
                    let summary =
                        summary_of(&params, &found.call, self.r.text, path, n.byte_range());
                    if summary.is_some() {
                        return summary;
                    }
                }
            }
            let mut c = n.walk();
            let children: Vec<_> = n.named_children(&mut c).collect();
            stack.extend(children.into_iter().rev());
        }
        None
    }

    /// The request a call of a wrapper makes, its arguments put in for the parameters
    /// ([`instantiate`]). Each argument is resolved only as what the wrapper uses it
    /// for: a URL part, the method, a header value, the whole headers.
    fn call_of_wrapper(
        &self,
        node: Node<'t>,
        f: Node<'t>,
        args: Node<'t>,
        w: &Wrapper,
        related: Related,
        verb: Option<String>,
    ) -> Option<Found> {
        let (positional, named) = self.r.arguments(args);
        let mut c = args.walk();
        if args
            .named_children(&mut c)
            .any(|a| matches!(a.kind_name(), "list_splat" | "dictionary_splat"))
        {
            return None;
        }
        // A verb method of a session subclass (`s.delete(url)`) passes its verb as the
        // first parameter of `request`, and its arguments after it.
        let skip = usize::from(verb.is_some());
        let param = |expr: &str| w.params.iter().position(|p| p == expr);
        let given = |i: usize| -> Option<Node<'t>> {
            named
                .iter()
                .find(|(k, _)| *k == w.params[i])
                .map(|(_, v)| *v)
                .or_else(|| positional.get(i.checked_sub(skip)?).copied())
        };
        let here = f.byte_range();
        let mut built: Vec<Option<Arg>> = w.params.iter().map(|_| None).collect();
        let blank = || Arg {
            url: Vec::new(),
            related: Vec::new(),
            method: None,
            value: Value::Null { span: here.clone() },
            body: None,
            headers: None,
        };
        let mut url_args = Vec::new();
        let mut url_done = vec![false; w.params.len()];
        for p in &w.call.url.pieces {
            let Piece::Hole { expr, .. } = p else {
                continue;
            };
            let Some((i, a)) = param(expr).and_then(|i| Some((i, given(i)?))) else {
                continue;
            };
            url_args.push(a);
            if !std::mem::replace(&mut url_done[i], true) {
                let u = self.r.url(a);
                let arg = built[i].get_or_insert_with(blank);
                arg.url = u.pieces;
                arg.related = u.related;
            }
        }
        if let Some(i) = (w.call.method.name.is_none())
            .then_some(w.call.method.expr.as_deref())
            .flatten()
            .and_then(param)
        {
            let method = match (&verb, given(i)) {
                (Some(v), _) => Some(Method::known(v, Some(here.clone()))),
                (None, Some(a)) => Some(match self.r.plain_string(a) {
                    Some((m, span, _)) => Method::known(&m, Some(span)),
                    None => Method::unknown(self.t(a).to_string(), a.byte_range()),
                }),
                (None, None) => None,
            };
            if method.is_some() {
                built[i].get_or_insert_with(blank).method = method;
            }
        }
        // Parameters given as values: header values, then the fields of the body.
        let mut names = Vec::new();
        for e in &w.call.headers.entries {
            names_in(&e.value, &mut names);
        }
        match &w.call.body {
            Some(Body::Json { value }) => names_in(value, &mut names),
            Some(Body::Form { fields }) => fields
                .entries
                .iter()
                .for_each(|e| names_in(&e.value, &mut names)),
            _ => {}
        }
        let mut value_done = vec![false; w.params.len()];
        for text in names {
            let Some((i, a)) = param(text).and_then(|i| Some((i, given(i)?))) else {
                continue;
            };
            if !std::mem::replace(&mut value_done[i], true) {
                built[i].get_or_insert_with(blank).value = self.r.value(a, 0);
            }
        }
        // A parameter that is the whole body (`data=payload`).
        if let Some(Body::Expr { text, .. }) = &w.call.body {
            if let Some((i, a)) = param(text).and_then(|i| Some((i, given(i)?))) {
                built[i].get_or_insert_with(blank).body = Some(self.data_body(a));
            }
        }
        if let Some((i, a)) = w
            .headers_from
            .as_deref()
            .and_then(param)
            .and_then(|i| Some((i, given(i)?)))
        {
            built[i].get_or_insert_with(blank).headers = Some(self.r.fields(a, 0));
        }
        let callee = self.t(f);
        let mut call = instantiate(w, &built, node.byte_range(), here, callee);
        call.url.span = match url_args.as_slice() {
            [only] => only.byte_range(),
            _ => args.byte_range(),
        };
        // Python findings word the wrapper's request as the one the callee makes.
        if let Some(last) = call.related.last_mut() {
            *last = related;
        }
        call.receiver = f.field("object").map(|o| self.t(o).to_string());
        call.response = self.response(node);
        call.scope = Some(self.scope_span(node));
        Some(Found {
            call,
            base_pieces: 0,
            url_arg: None,
            is_async: false,
            defaults: Vec::new(),
            joins: Vec::new(),
            wrapper: Some(callee.to_string()),
        })
    }
}

/// The summary of the request `call` made inside a function with `params`, when its
/// URL or method takes one of them: the request as a call site may see it (its client,
/// method, URL, the headers written as strings or names, the parameter that is its
/// whole headers, and its body), spelled `inner` in the function's file at `path`.
///
/// Whether the request takes a parameter is the language-neutral rule,
/// [`Wrapper::takes_parameters`]: a parameter that only fills one whole path segment
/// (`f"{BASE}/api/2.0/users/{uid}"`) leaves the request whole in the function, where it
/// is found, rather than at every call.
fn summary_of(
    params: &[String],
    call: &HttpCall,
    text: &str,
    path: std::path::PathBuf,
    inner: Span,
) -> Option<Wrapper> {
    let is_param = |e: &str| params.iter().any(|p| p == e);
    let method = match (&call.method.name, &call.method.expr) {
        (Some(m), _) => Method::known(m, Some(inner.clone())),
        (None, Some(e)) => Method::unknown(e.clone(), inner.clone()),
        (None, None) => return None,
    };
    let headers_from = (call.headers.open)
        .then(|| text.get(call.headers.span.clone()))
        .flatten()
        .filter(|t| is_param(t))
        .map(str::to_string);
    if !Wrapper::takes_parameters(call, params) {
        return None;
    }
    let pieces = call
        .url
        .pieces
        .iter()
        .map(|p| match p {
            Piece::Lit { text, span, .. } => Piece::Lit {
                text: text.clone(),
                span: span.clone(),
                exact: false,
            },
            hole => hole.clone(),
        })
        .collect();
    let mut summary = HttpCall::new(
        call.client,
        method,
        UrlTemplate {
            pieces,
            span: call.url.span.clone(),
        },
        inner.clone(),
    );
    summary.headers = Fields {
        entries: (call.headers.entries.iter())
            .filter(|h| matches!(h.value, Value::Str { .. } | Value::Expr { .. }))
            .cloned()
            .collect(),
        open: false,
        span: call.headers.span.clone(),
    };
    summary.body = call.body.clone();
    Some(Wrapper {
        params: params.to_vec(),
        start: position_of(text, inner.start),
        end: position_of(text, inner.end),
        call: summary,
        path,
        chain: 0,
        headers_from,
    })
}

/// The names a value leaves to be known elsewhere (`Value::Expr`), in order.
fn names_in<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
    match v {
        Value::Expr { text, .. } => out.push(text),
        Value::Object(f) => f.entries.iter().for_each(|e| names_in(&e.value, out)),
        Value::Array { items, .. } => items.iter().for_each(|i| names_in(i, out)),
        _ => {}
    }
}
