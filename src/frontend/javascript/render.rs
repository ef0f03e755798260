//! Renders a [`RewritePlan`] as edits of a JavaScript/TypeScript file.
//!
//! The file is parsed again and the call is found by its exact span; every change is a
//! small edit of the call's own syntax (a method string, a property of the options
//! object, the part of the URL after the kept prefix), so comments, quotes, indentation
//! and the call's shape stay as they were. Changes to object literals are collected
//! first ([`Plan`]) and written at the end: an object written on one line stays on one
//! line while it fits in [`MAX_WIDTH`] columns and is laid out one property per line
//! (at the call's indentation) when it does not. When a change cannot be made without
//! guessing (options held in a variable, a shape this renderer does not know, an
//! expression that would not be in scope at the call), it returns an error and the fix
//! is shown as manual instead.

use super::scope::{self, Scopes};
use crate::call::{Client, HttpCall, Piece, Span, Value};
use crate::finding::Edit;
use crate::frontend::parents::Parents;
use crate::model::plan::{
    camel_case, FunctionPlan, NewBody, NewUrl, Part, RValue, Returns, RewritePlan,
};
use crate::source::Language;
use tree_sitter::{Node, Tree};

type R<T> = Result<T, String>;

/// Lines the renderer writes are kept within this many columns where it can.
const MAX_WIDTH: usize = 100;

/// Renders `rewrite` of `call` as edits of `text`.
pub fn render(
    text: &str,
    language: Language,
    call: &HttpCall,
    rewrite: &RewritePlan,
) -> R<Vec<Edit>> {
    render_batch(text, language, None, &[(call, rewrite)])
        .pop()
        .unwrap_or_else(|| Err("nothing to render".into()))
}

/// Renders several rewrites of one file: its scopes are collected once, however many
/// calls are rewritten (each result is independent of the others). `parsed` is the
/// tree the extraction already built for this very text, when there is one.
pub fn render_batch(
    text: &str,
    language: Language,
    parsed: Option<&Tree>,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<R<Vec<Edit>>> {
    let fresh;
    let tree = match parsed {
        Some(t) => Some(t),
        None => {
            fresh = super::parse(text, language);
            fresh.as_ref()
        }
    };
    let Some(tree) = tree else {
        return items
            .iter()
            .map(|_| Err("the file could not be parsed".into()))
            .collect();
    };
    let root = tree.root_node();
    let unit = indent_unit(text);
    let scopes = scope::collect(root, text);
    // File-wide style, read once for every rewrite of the file.
    let style = FileStyle {
        quote: file_quote_style(root, text),
        trailing_commas: trailing_comma_style(root, text),
        insert_at: insertion_point(root, text, &function_heads(items)),
    };
    let declarators = top_level_declarators(root);
    // Everything a rendering borrows lives here, as long as the tree and the scopes.
    let prepared: Vec<R<(Node, Option<Hoisted>)>> = items
        .iter()
        .map(|(call, rewrite)| {
            let node = find_node(&scopes.parents, root, &call.span)
                .ok_or("the call was not found in the file")?;
            Ok((
                node,
                hoist_graphql_query(rewrite, &declarators, text, &scopes, node),
            ))
        })
        .collect();
    items
        .iter()
        .zip(&prepared)
        .map(|((call, rewrite), prep)| match prep {
            Err(e) => Err(e.clone()),
            Ok((node, hoisted)) => render_in(
                text,
                language,
                root,
                &scopes,
                unit,
                style,
                call,
                rewrite,
                *node,
                hoisted.as_ref(),
            ),
        })
        .collect()
}

/// Renders one rewrite against the parsed file.
#[allow(clippy::too_many_arguments)]
fn render_in<'a>(
    text: &'a str,
    language: Language,
    root: Node<'a>,
    scopes: &'a Scopes<'a>,
    unit: &'static str,
    style: FileStyle,
    call: &'a HttpCall,
    rewrite: &'a RewritePlan,
    node: Node<'a>,
    hoisted: Option<&'a Hoisted>,
) -> R<Vec<Edit>> {
    let rw = hoisted.map(|h| &h.rewrite).unwrap_or(rewrite);
    let mut r = Renderer {
        text,
        language,
        root,
        call,
        rw,
        edits: Vec::new(),
        quote: quote_style(node, text, style.quote),
        style,
        unit,
        trailing_commas: style.trailing_commas,
        base: format!("{}{unit}", line_indent(text, node.start_byte())),
        plans: Vec::new(),
        dead: Vec::new(),
        url_node: None,
        node,
        scopes,
        form: None,
    };
    r.run(node)?;
    // Module-level code the rewrite needs: the query constant, then the helpers.
    let mut blocks = Vec::new();
    if let Some(h) = hoisted.filter(|h| h.insert) {
        blocks.push(format!("const {} =\n{unit}{};", h.name, r.string(&h.query)));
    }
    blocks.extend(r.helper_blocks());
    let top = (!blocks.is_empty()).then(|| r.top_level_edit(&blocks));
    let mut edits = r.edits;
    edits.extend(top);
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    for w in edits.windows(2) {
        let (a, b) = (&w[0].span, &w[1].span);
        if b.start < a.end || (a.is_empty() && b.is_empty() && a.start == b.start) {
            return Err(
                "the rewrite of this call would need overlapping edits; rewrite it by hand".into(),
            );
        }
    }
    Ok(edits)
}

/// A body value the plan keeps in a constant (a GraphQL document), written once at
/// module level rather than in every call.
struct Hoisted {
    /// The rewrite with the body's `query` written as the constant's name.
    rewrite: RewritePlan,
    name: String,
    query: String,
    /// The constant is not in the file yet.
    insert: bool,
}

fn hoist_graphql_query<'t>(
    rewrite: &RewritePlan,
    declarators: &[Node],
    text: &str,
    scopes: &Scopes<'t>,
    node: Node<'t>,
) -> Option<Hoisted> {
    let Some(NewBody::Json(RValue::Object(entries))) = &rewrite.body else {
        return None;
    };
    // A body field whose value the plan keeps in a constant.
    let (field, constant) = entries.iter().find_map(|(key, v)| match v {
        RValue::Str(p) => match p.as_slice() {
            [Part::Lit(t)] => rewrite.constant_for(t).map(|c| (key.clone(), c)),
            _ => None,
        },
        _ => None,
    })?;
    let name = constant.name.clone();
    let query = constant.value.clone();
    // The name may already hold this document at top level; it must not mean something
    // else at the call.
    let mut existing = None;
    for d in declarators {
        let Some(n) = d.child_by_field_name("name") else {
            continue;
        };
        if text[n.byte_range()] != name {
            continue;
        }
        let same = d
            .child_by_field_name("value")
            .and_then(|v| string_value(v, text))
            .is_some_and(|v| v == query);
        if !same {
            return None;
        }
        existing = Some(n);
    }
    let here = scope_at(scopes, node);
    let bound = scopes.lookup(&name, here);
    match existing {
        Some(n) if bound.is_none() || bound != scopes.binding_of(n) => return None,
        None if bound.is_some() => return None,
        _ => {}
    }
    let mut rw = rewrite.clone();
    if let Some(NewBody::Json(RValue::Object(entries))) = &mut rw.body {
        for (k, v) in entries.iter_mut() {
            if *k == field {
                *v = RValue::Str(vec![Part::Source {
                    text: name.clone(),
                    span: node.start_byte()..node.start_byte(),
                }]);
            }
        }
    }
    Some(Hoisted {
        rewrite: rw,
        name,
        query,
        insert: existing.is_none(),
    })
}

/// The smallest node spanning exactly `span` (a call, `new` expression or chain).
fn find_node<'t>(parents: &Parents<'t>, root: Node<'t>, span: &Span) -> Option<Node<'t>> {
    let start = root.descendant_for_byte_range(span.start, span.end)?;
    let mut node = start;
    loop {
        if node.start_byte() == span.start && node.end_byte() == span.end {
            // Prefer the outermost node with that exact range that is a call.
            while let Some(p) = parents.of(node) {
                if p.start_byte() == span.start && p.end_byte() == span.end && is_call(p) {
                    node = p;
                } else {
                    break;
                }
            }
            return Some(node);
        }
        // tree-sitter-typescript reads `await f<T>(x)` as `(await f)<T>(x)`: the call
        // then starts at `await`.
        if node.kind() == "call_expression" && node.end_byte() == span.end {
            if let Some(f) = node.child_by_field_name("function") {
                if f.kind() == "await_expression"
                    && f.named_child(0)
                        .is_some_and(|a| a.start_byte() == span.start)
                {
                    return Some(node);
                }
            }
        }
        node = parents.of(node)?;
        if node.end_byte() > span.end {
            return None;
        }
    }
}

fn is_call(n: Node) -> bool {
    matches!(n.kind(), "call_expression" | "new_expression")
}

/// The function a call calls (looking through the `await f<T>(x)` misparse).
fn callee(call: Node) -> Option<Node> {
    let f = call
        .child_by_field_name("function")
        .or_else(|| call.child_by_field_name("constructor"))?;
    if f.kind() == "await_expression" {
        return f.named_child(0);
    }
    Some(f)
}

/// `'` or `"`: whichever the call's own strings use, else the one most of the file's
/// strings use (single quotes when the file has none).
/// The declarators of the file's top-level `const`/`let`/`var` statements.
fn top_level_declarators(root: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut c = root.walk();
    for child in root.named_children(&mut c) {
        if matches!(child.kind(), "lexical_declaration" | "variable_declaration") {
            let mut dc = child.walk();
            out.extend(child.named_children(&mut dc));
        }
    }
    out
}

/// The file's own habits and layout, read once per file (not once per rewrite:
/// that made files with thousands of calls quadratic).
#[derive(Clone, Copy)]
struct FileStyle {
    /// The quote most string literals use.
    quote: char,
    /// Whether multi-line objects and arrays end with a comma.
    trailing_commas: bool,
    /// Where module-level code goes ([`insertion_point`]).
    insert_at: usize,
}

/// The quote of the first string literal in the call, else the file's.
fn quote_style(node: Node, text: &str, file_quote: char) -> char {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind() == "string" {
            if let Some(c) = text[n.start_byte()..].chars().next() {
                return c;
            }
        }
        let mut cur = n.walk();
        let children: Vec<Node> = n.children(&mut cur).collect();
        stack.extend(children.into_iter().rev());
    }
    file_quote
}

/// The quote most string literals of the file use.
fn file_quote_style(root: Node, text: &str) -> char {
    let (mut single, mut double) = (0, 0);
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.kind() == "string" {
            match text[n.start_byte()..].chars().next() {
                Some('"') => double += 1,
                Some('\'') => single += 1,
                _ => {}
            }
            continue;
        }
        let mut cur = n.walk();
        stack.extend(n.children(&mut cur));
    }
    if double > single {
        '"'
    } else {
        '\''
    }
}

/// The file's indentation unit (the first indented line's leading whitespace).
fn indent_unit(text: &str) -> &'static str {
    for line in text.lines() {
        if line.starts_with('\t') {
            return "\t";
        }
        let spaces = line.len() - line.trim_start_matches(' ').len();
        if spaces > 0 && !line.trim().is_empty() && !line.trim_start().starts_with('*') {
            return if spaces % 4 == 0 && spaces < 8 && spaces != 2 {
                "    "
            } else {
                "  "
            };
        }
    }
    "  "
}

/// Whether the file ends the last property of a multi-line object or array literal
/// with a comma (the default when it has none to judge by).
fn trailing_comma_style(root: Node, text: &str) -> bool {
    let (mut with, mut without) = (0, 0);
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if matches!(n.kind(), "object" | "array") && text[n.byte_range()].contains('\n') {
            if let Some(last) = named_children(n).last() {
                let after = text[last.end_byte()..n.end_byte()].trim_start();
                if after.starts_with(',') {
                    with += 1;
                } else {
                    without += 1;
                }
            }
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    with >= without
}

/// Leading whitespace of the line holding `pos`.
fn line_indent(text: &str, pos: usize) -> String {
    let start = line_start(text, pos);
    if start > 0 && text.as_bytes()[start - 1] != b'\n' {
        // Inside a very long line: its indentation is out of sight, and irrelevant.
        return String::new();
    }
    text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// How far the line helpers look for a line's start or end. A minified bundle is
/// one line of megabytes: searching it whole for each call was quadratic, and its
/// layout is no concern beyond this distance.
const LINE_WINDOW: usize = 8192;

/// The start of the line holding `pos`, or a point `LINE_WINDOW` bytes back on a
/// longer line.
fn line_start(text: &str, pos: usize) -> usize {
    let mut from = pos.saturating_sub(LINE_WINDOW);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    match text[from..pos].rfind('\n') {
        Some(i) => from + i + 1,
        None => from,
    }
}

/// The end of the line holding `pos` (before its `\r\n` or `\n`), or a point
/// `LINE_WINDOW` bytes on along a longer line.
fn line_end(text: &str, pos: usize) -> usize {
    let mut to = (pos + LINE_WINDOW).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let end = text[pos..to].find('\n').map_or(to, |i| pos + i);
    if end > pos && text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    }
}

/// Moves the continuation lines of `text` (written for indentation `from`) to `to`.
fn reindent(text: &str, from: &str, to: &str) -> String {
    if from == to || !text.contains('\n') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            match line.strip_prefix(from) {
                Some(rest) => {
                    out.push_str(to);
                    out.push_str(rest);
                }
                None => out.push_str(line),
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

struct Renderer<'a> {
    text: &'a str,
    language: Language,
    style: FileStyle,
    root: Node<'a>,
    call: &'a HttpCall,
    rw: &'a RewritePlan,
    edits: Vec<Edit>,
    quote: char,
    unit: &'static str,
    trailing_commas: bool,
    /// The indentation values are rendered at: the call's line plus one unit (where the
    /// properties of an options object written over lines sit). Placed elsewhere, a
    /// value is moved with [`reindent`].
    base: String,
    /// Changes to object and array literals, written by [`Renderer::flush_plans`].
    plans: Vec<Plan<'a>>,
    /// Ranges removed from the file: nothing inside them is edited.
    dead: Vec<Span>,
    url_node: Option<Node<'a>>,
    /// The call.
    node: Node<'a>,
    scopes: &'a Scopes<'a>,
    /// The form body, its values read from the URL's query string made plain.
    form: Option<Vec<(String, RValue)>>,
}

/// Planned changes to one object or array literal of the call.
struct Plan<'a> {
    node: Node<'a>,
    /// Properties to set: key and value (rendered at [`Renderer::base`]).
    set: Vec<(String, String)>,
    remove: Vec<String>,
    /// Items to add at the end of an array.
    append: Vec<String>,
    /// Not a literal but an expression (`headers`, `opts`) the properties are added to
    /// with a spread, `{ ...headers, … }`; the text to write before the new object
    /// (`headers: ` for a shorthand property).
    spread: Option<String>,
}

/// Property changes for an options object: values to set (source text) and keys to remove.
#[derive(Default)]
struct Props {
    set: Vec<(String, String)>,
    remove: Vec<String>,
}

impl Props {
    fn is_empty(&self) -> bool {
        self.set.is_empty() && self.remove.is_empty()
    }
}

/// The argument convention of a method-named call.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Convention {
    /// `(url, config)`: axios get/delete/head/options.
    UrlConfig,
    /// `(url, data, config)`: axios post/put/patch.
    UrlDataConfig,
}

impl<'a> Renderer<'a> {
    fn src(&self, n: Node) -> &'a str {
        &self.text[n.start_byte()..n.end_byte()]
    }

    fn edit(&mut self, span: Span, content: impl Into<String>) {
        self.edits.push(Edit {
            span,
            content: content.into(),
        });
    }

    fn run(&mut self, node: Node<'a>) -> R<()> {
        self.form = match &self.rw.body {
            Some(NewBody::Form(f)) => Some(self.plain_form(f)),
            _ => None,
        };
        self.check_sources(node)?;
        self.check_dropped(node)?;
        match self.call.client {
            Client::Fetch => self.fetch_like(node),
            Client::Axios | Client::MethodCall => self.axios_like(node),
            Client::Got | Client::Ky => self.got_ky(node),
            Client::Request => self.request(node),
            Client::JQuery => self.jquery(node),
            Client::PmSendRequest => self.pm(node),
            Client::Superagent | Client::Supertest => self.chain(node),
            _ => Err(format!(
                "rewriting {} calls is not supported",
                client_name(self.call.client)
            )),
        }?;
        if self.rw.check.is_some() {
            self.close_account_check(node);
        }
        if self.uses_await() && !self.await_allowed(node) {
            return Err(
                "the rewritten call needs `await`, but it is not inside an async function".into(),
            );
        }
        self.flush_plans()
    }

    // ----- call shapes -------------------------------------------------------------

    /// `fetch(url, init)` and `new Request(url, init)`.
    fn fetch_like(&mut self, node: Node<'a>) -> R<()> {
        let args = arguments(node).ok_or("the call has no arguments")?;
        let list = named_children(args);
        let url = *list.first().ok_or("the call has no URL argument")?;
        self.url(url)?;
        let init = list.get(1).copied();
        let mut props = Props::default();
        if let Some(m) = &self.rw.method {
            props.set.push(("method".into(), self.string(m)));
        }
        self.header_props(&mut props, init, "headers")?;
        let base = self.base.clone();
        match &self.rw.body {
            None => self.drop_in_option(&mut props, init, "body"),
            Some(NewBody::None) => props.remove.push("body".into()),
            Some(NewBody::Json(v)) => props.set.push((
                "body".into(),
                format!("JSON.stringify({})", self.value(v, &base)),
            )),
            Some(NewBody::Form(_)) => {
                let f = self.form_object(&base);
                props
                    .set
                    .push(("body".into(), format!("new URLSearchParams({f})")))
            }
        }
        self.apply_props(node, args, init, props)
    }

    /// axios (method-named, `axios(config)`, `axios(url, config)`, `axios.request`) and
    /// generic `client.verb(url, …)` calls.
    fn axios_like(&mut self, node: Node<'a>) -> R<()> {
        let args = arguments(node).ok_or("the call has no arguments")?;
        let list = named_children(args);
        let callee = callee(node).ok_or("no callee")?;
        let verb = member_property(callee, self.text);
        match verb.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some(v @ ("get" | "delete" | "head" | "options" | "post" | "put" | "patch")) => {
                let from = if matches!(v, "post" | "put" | "patch") {
                    Convention::UrlDataConfig
                } else {
                    Convention::UrlConfig
                };
                self.method_named(node, callee, args, &list, from)
            }
            _ => {
                // `axios(config)`, `axios(url, config)`, `axios.request(config)`.
                let (url_node, config) = match list.as_slice() {
                    [cfg] if cfg.kind() == "object" => {
                        (object_value(*cfg, "url", self.text), Some(*cfg))
                    }
                    [url, cfg, ..] => (Some(*url), Some(*cfg)),
                    [url] => (Some(*url), None),
                    [] => return Err("the call has no arguments".into()),
                };
                self.url(url_node.ok_or("the URL is not written in the call")?)?;
                let mut props = Props::default();
                if let Some(m) = &self.rw.method {
                    // Keep the case the call wrote its method in.
                    let written = config
                        .and_then(|c| object_value(c, "method", self.text))
                        .and_then(|n| string_value(n, self.text));
                    let m = match written {
                        Some(w) if w.chars().any(|c| c.is_ascii_uppercase()) => {
                            m.to_ascii_uppercase()
                        }
                        _ => m.to_ascii_lowercase(),
                    };
                    props.set.push(("method".into(), self.string(&m)));
                }
                self.header_props(&mut props, config, "headers")?;
                self.query_props(&mut props, config, &["params"]);
                let base = self.base.clone();
                match &self.rw.body {
                    None => self.drop_in_option(&mut props, config, "data"),
                    Some(NewBody::None) => props.remove.push("data".into()),
                    Some(NewBody::Json(v)) => props.set.push(("data".into(), self.value(v, &base))),
                    Some(NewBody::Form(_)) => {
                        let f = self.form_object(&base);
                        props
                            .set
                            .push(("data".into(), format!("new URLSearchParams({f})")))
                    }
                }
                self.apply_props(node, args, config, props)
            }
        }
    }

    /// `x.delete(url, config)` → `x.post(url, data, config)` and the like.
    fn method_named(
        &mut self,
        node: Node<'a>,
        callee: Node<'a>,
        args: Node<'a>,
        list: &[Node<'a>],
        from: Convention,
    ) -> R<()> {
        let url = *list.first().ok_or("the call has no URL argument")?;
        self.url(url)?;
        let prop = callee
            .child_by_field_name("property")
            .ok_or("no method name")?;
        let old_verb = self.src(prop).to_string();
        let new_verb = self.rw.method.as_ref().map(|m| m.to_ascii_lowercase());
        let to = match new_verb
            .as_deref()
            .unwrap_or(&old_verb.to_ascii_lowercase())
        {
            "post" | "put" | "patch" => Convention::UrlDataConfig,
            _ => Convention::UrlConfig,
        };
        if let Some(v) = &new_verb {
            if !v.eq_ignore_ascii_case(&old_verb) {
                let v = if old_verb.chars().all(|c| c.is_ascii_uppercase()) {
                    v.to_ascii_uppercase()
                } else {
                    v.clone()
                };
                self.edit(prop.start_byte()..prop.end_byte(), v);
            }
        }
        let (data, config) = match from {
            Convention::UrlDataConfig => (list.get(1).copied(), list.get(2).copied()),
            _ => (None, list.get(1).copied()),
        };
        let mut props = Props::default();
        self.header_props(&mut props, config, "headers")?;
        self.query_props(&mut props, config, &["params"]);
        let base = self.base.clone();
        // The body as a property of the config object.
        let as_prop: Option<Option<String>> = match &self.rw.body {
            None => None,
            Some(NewBody::None) => Some(None),
            Some(NewBody::Json(v)) => Some(Some(self.value(v, &base))),
            Some(NewBody::Form(_)) => Some(Some(format!(
                "new URLSearchParams({})",
                self.form_object(&base)
            ))),
        };
        let call_indent = line_indent(self.text, node.start_byte());
        match (from, to) {
            (Convention::UrlDataConfig, Convention::UrlDataConfig) => {
                match (&self.rw.body, data) {
                    (Some(NewBody::None), Some(d)) => {
                        self.edit(d.start_byte()..d.end_byte(), "null")
                    }
                    (Some(NewBody::None), None) | (None, None) => {}
                    (Some(body), Some(d)) => {
                        let col = self.new_col(d.start_byte());
                        let trail = self.rest_len(d.end_byte());
                        let b = self.body_arg(body, col, trail);
                        let b = reindent(&b, &call_indent, &line_indent(self.text, d.start_byte()));
                        self.edit(d.start_byte()..d.end_byte(), b)
                    }
                    (Some(body), None) => {
                        let col = self.new_col(url.end_byte()) + 2;
                        let trail = self.rest_len(url.end_byte());
                        let b = self.body_arg(body, col, trail);
                        self.edit(url.end_byte()..url.end_byte(), format!(", {b}"))
                    }
                    (None, Some(d)) => {
                        if self.drop_params_in(d) {
                            if config.is_some() {
                                self.edit(d.start_byte()..d.end_byte(), "null");
                            } else {
                                self.edit(url.end_byte()..d.end_byte(), "");
                            }
                        }
                    }
                }
                self.apply_props(node, args, config, props)
            }
            (Convention::UrlConfig, Convention::UrlConfig) => {
                match as_prop {
                    Some(Some(b)) => props.set.push(("data".into(), b)),
                    Some(None) => props.remove.push("data".into()),
                    None => self.drop_in_option(&mut props, config, "data"),
                }
                self.apply_props(node, args, config, props)
            }
            (Convention::UrlConfig, Convention::UrlDataConfig) => {
                // `data` moves from the config to the second argument.
                let moved = config
                    .filter(|c| c.kind() == "object")
                    .and_then(|c| object_value(c, "data", self.text));
                let col = self.new_col(url.end_byte()) + 2;
                let trail = if config.is_some() {
                    3
                } else {
                    self.rest_len(url.end_byte())
                };
                let body = match (&self.rw.body, moved) {
                    (Some(NewBody::None), _) | (None, None) => "null".to_string(),
                    (Some(b), _) => self.body_arg(b, col, trail),
                    (None, Some(d)) => self.src(d).to_string(),
                };
                if moved.is_some() {
                    props.remove.push("data".into());
                }
                if body == "null" && config.is_none() && props.set.is_empty() {
                    return Ok(());
                }
                self.edit(url.end_byte()..url.end_byte(), format!(", {body}"));
                self.apply_props(node, args, config, props)
            }
            (Convention::UrlDataConfig, Convention::UrlConfig) => {
                // The data argument goes away; a body moves into the config.
                let Some(d) = data else {
                    return self.apply_props(node, args, config, props);
                };
                let end = config.map(|c| c.start_byte()).unwrap_or(d.end_byte());
                let start = url.end_byte();
                match as_prop {
                    Some(Some(b)) => props.set.push(("data".into(), b)),
                    Some(None) => {}
                    None => {
                        let kept = self.src(d).to_string();
                        if kept != "undefined" && kept != "null" {
                            props.set.push(("data".into(), kept));
                        }
                    }
                }
                if config.is_some() {
                    self.edit(start..end, ", ");
                } else {
                    self.edit(start..end, "");
                }
                self.apply_props(node, args, config, props)
            }
        }
    }

    /// A body written as an argument (`axios.post(url, <body>, config)`), starting at
    /// column `col` of its line.
    fn body_arg(&self, body: &NewBody, col: usize, trail: usize) -> String {
        let call_indent = line_indent(self.text, self.call.span.start);
        match body {
            NewBody::None => "null".into(),
            NewBody::Json(RValue::Object(entries)) => {
                self.fit_object(entries, &call_indent, col, trail)
            }
            NewBody::Json(v) => reindent(&self.value(v, &self.base), &self.base, &call_indent),
            NewBody::Form(_) => {
                let f = self.form.clone().unwrap_or_default();
                format!(
                    "new URLSearchParams({})",
                    self.fit_object(
                        &f,
                        &call_indent,
                        col + "new URLSearchParams(".len(),
                        trail + 1
                    )
                )
            }
        }
    }

    /// got / ky: `got(url, opts)`, `got.delete(url, opts)`.
    fn got_ky(&mut self, node: Node<'a>) -> R<()> {
        let args = arguments(node).ok_or("the call has no arguments")?;
        let list = named_children(args);
        let callee = callee(node).ok_or("no callee")?;
        let url = *list.first().ok_or("the call has no URL argument")?;
        self.url(url)?;
        let opts = list.get(1).copied();
        let mut props = Props::default();
        self.method_by_name_or_option(callee, &mut props, opts, &[]);
        self.header_props(&mut props, opts, "headers")?;
        self.query_props(&mut props, opts, &["searchParams"]);
        let base = self.base.clone();
        match &self.rw.body {
            None => {
                for key in ["json", "form", "body"] {
                    self.drop_in_option(&mut props, opts, key);
                }
            }
            Some(NewBody::None) => props
                .remove
                .extend(["json", "form", "body"].map(String::from)),
            Some(NewBody::Json(v)) => {
                props.remove.extend(["form", "body"].map(String::from));
                props.set.push(("json".into(), self.value(v, &base)));
            }
            Some(NewBody::Form(_)) => {
                props.remove.extend(["json", "body"].map(String::from));
                let f = self.form_object(&base);
                if self.call.client == Client::Got {
                    props.set.push(("form".into(), f));
                } else {
                    props
                        .set
                        .push(("body".into(), format!("new URLSearchParams({f})")));
                }
            }
        }
        self.apply_props(node, args, opts, props)
    }

    /// The method as a string, in the case the options already write it in.
    fn method_string(&self, m: &str, opts: Option<Node>) -> String {
        let written = opts
            .filter(|o| o.kind() == "object")
            .and_then(|o| object_value(o, "method", self.text))
            .and_then(|n| string_value(n, self.text));
        match written {
            Some(w) if w.chars().all(|c| !c.is_ascii_uppercase()) => {
                self.string(&m.to_ascii_lowercase())
            }
            _ => self.string(m),
        }
    }

    /// request / request-promise: `request(opts)`, `request.delete(url, opts)`.
    fn request(&mut self, node: Node<'a>) -> R<()> {
        let args = arguments(node).ok_or("the call has no arguments")?;
        let list = named_children(args);
        let callee = callee(node).ok_or("no callee")?;
        let first = *list.first().ok_or("the call has no arguments")?;
        let (url, opts) = if first.kind() == "object" {
            let u = object_value(first, "uri", self.text)
                .or_else(|| object_value(first, "url", self.text))
                .ok_or("the URL is not written in the call")?;
            (u, Some(first))
        } else {
            (first, list.get(1).copied().filter(|n| n.kind() == "object"))
        };
        self.url(url)?;
        let mut props = Props::default();
        self.method_by_name_or_option(callee, &mut props, opts, &["del"]);
        self.header_props(&mut props, opts, "headers")?;
        self.query_props(&mut props, opts, &["qs"]);
        let base = self.base.clone();
        match &self.rw.body {
            None => {
                for key in ["form", "body"] {
                    self.drop_in_option(&mut props, opts, key);
                }
            }
            Some(NewBody::None) => props
                .remove
                .extend(["form", "body", "json"].map(String::from)),
            Some(NewBody::Json(v)) => {
                props.remove.push("form".into());
                props.set.push(("body".into(), self.value(v, &base)));
                props.set.push(("json".into(), "true".into()));
            }
            Some(NewBody::Form(_)) => {
                props.remove.extend(["body", "json"].map(String::from));
                let f = self.form_object(&base);
                props.set.push(("form".into(), f));
            }
        }
        self.apply_props(node, args, opts, props)
    }

    /// `$.ajax({url, type, data, headers})`, `$.ajax(url, settings)`.
    fn jquery(&mut self, node: Node<'a>) -> R<()> {
        let args = arguments(node).ok_or("the call has no arguments")?;
        let list = named_children(args);
        let first = *list.first().ok_or("the call has no arguments")?;
        let (url, settings) = if first.kind() == "object" {
            (
                object_value(first, "url", self.text)
                    .ok_or("the URL is not written in the call")?,
                Some(first),
            )
        } else {
            (first, list.get(1).copied())
        };
        self.url(url)?;
        let mut props = Props::default();
        if let Some(m) = &self.rw.method {
            let key = if settings.is_some_and(|s| {
                s.kind() == "object" && object_pair(s, "type", self.text).is_some()
            }) {
                "type"
            } else {
                "method"
            };
            props.set.push((key.into(), self.string(m)));
        }
        self.header_props(&mut props, settings, "headers")?;
        let base = self.base.clone();
        match &self.rw.body {
            None => self.drop_in_option(&mut props, settings, "data"),
            Some(NewBody::None) => props.remove.push("data".into()),
            Some(NewBody::Json(v)) => {
                props.set.push((
                    "data".into(),
                    format!("JSON.stringify({})", self.value(v, &base)),
                ));
                props
                    .set
                    .push(("contentType".into(), self.string("application/json")));
            }
            Some(NewBody::Form(_)) => {
                let f = self.form_object(&base);
                props.set.push(("data".into(), f))
            }
        }
        self.apply_props(node, args, settings, props)
    }

    /// `pm.sendRequest({url, method, header, body}, cb)`.
    fn pm(&mut self, node: Node<'a>) -> R<()> {
        let args = arguments(node).ok_or("the call has no arguments")?;
        let list = named_children(args);
        let first = *list.first().ok_or("the call has no arguments")?;
        if first.kind() != "object" {
            // A bare URL: the request becomes an object.
            self.url(first)?;
            if self.rw.method.is_none() && self.rw.body.is_none() && self.rw.set_headers.is_empty()
            {
                return Ok(());
            }
            return Err(
                "pm.sendRequest with a bare URL needs a request object; rewrite by hand".into(),
            );
        }
        let url =
            object_value(first, "url", self.text).ok_or("the URL is not written in the call")?;
        self.url(url)?;
        let mut props = Props::default();
        if let Some(m) = &self.rw.method {
            props.set.push(("method".into(), self.string(m)));
        }
        self.header_props(&mut props, Some(first), "header")?;
        let base = self.base.clone();
        match &self.rw.body {
            None => {}
            Some(NewBody::None) => props.remove.push("body".into()),
            Some(NewBody::Json(v)) => {
                let inner = format!("{base}{}", self.unit);
                let items = vec![
                    format!("mode: {}", self.string("raw")),
                    format!(
                        "raw: JSON.stringify({})",
                        reindent(&self.value(v, &base), &base, &inner)
                    ),
                    format!(
                        "options: {{ raw: {{ language: {} }} }}",
                        self.string("json")
                    ),
                ];
                let text = self.layout(
                    &items,
                    ('{', '}'),
                    true,
                    &base,
                    base.len() + "body: ".len(),
                    1,
                );
                props.set.push(("body".into(), text))
            }
            Some(NewBody::Form(_)) => {
                let f = self.form.clone().unwrap_or_default();
                let inner = format!("{base}{}", self.unit);
                let fields: Vec<String> = f
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{{ key: {}, value: {} }}",
                            self.string(k),
                            self.value(v, &inner)
                        )
                    })
                    .collect();
                let list_col = inner.len() + "urlencoded: ".len();
                let list = self.layout(&fields, ('[', ']'), false, &inner, list_col, 1);
                let items = vec![
                    format!("mode: {}", self.string("urlencoded")),
                    format!("urlencoded: {list}"),
                ];
                let text = self.layout(
                    &items,
                    ('{', '}'),
                    true,
                    &base,
                    base.len() + "body: ".len(),
                    1,
                );
                props.set.push(("body".into(), text))
            }
        }
        self.apply_props(node, args, Some(first), props)
    }

    /// superagent / supertest chains: `agent.delete(url).set(k, v).send(body)`.
    fn chain(&mut self, node: Node<'a>) -> R<()> {
        // The links of the chain, outermost first.
        let mut links = Vec::new();
        let mut cur = node;
        while let Some(callee) = callee(cur) {
            links.push(cur);
            match callee.kind() {
                "member_expression" => match callee.child_by_field_name("object") {
                    Some(obj) if obj.kind() == "call_expression" => cur = obj,
                    _ => break,
                },
                _ => break,
            }
        }
        let link_name = |l: &Node<'a>| -> Option<&'a str> {
            let p = callee(*l)?.child_by_field_name("property")?;
            Some(&self.text[p.start_byte()..p.end_byte()])
        };
        let verb_link = links
            .iter()
            .rev()
            .find(|l| link_name(l).is_some_and(|p| is_verb(p) || p == "del"))
            .copied()
            .ok_or("the method link of the chain was not found")?;
        let args = arguments(verb_link).ok_or("no arguments")?;
        let url = *named_children(args).first().ok_or("no URL argument")?;
        self.url(url)?;
        if let Some(m) = &self.rw.method {
            let prop = callee(verb_link)
                .and_then(|c| c.child_by_field_name("property"))
                .ok_or("no method name")?;
            self.edit(prop.start_byte()..prop.end_byte(), m.to_ascii_lowercase());
        }
        // Links are added one per line when the chain is written that way.
        let chain_indent = self.chain_indent(verb_link);
        let sep = chain_indent
            .as_ref()
            .map(|i| format!("\n{i}"))
            .unwrap_or_default();
        let value_indent = chain_indent
            .clone()
            .unwrap_or_else(|| line_indent(self.text, verb_link.end_byte()));
        let base = self.base.clone();
        let mut appended = String::new();
        for (name, parts) in &self.rw.set_headers {
            // Replace an existing `.set(name, …)` value, else append one.
            let existing = links.iter().find_map(|l| {
                if link_name(l)? != "set" {
                    return None;
                }
                let a = named_children(arguments(*l)?);
                let key = string_value(*a.first()?, self.text)?;
                key.eq_ignore_ascii_case(name)
                    .then(|| a.get(1).copied())
                    .flatten()
            });
            if self.header_present(name, parts) {
                continue;
            }
            let value = self.parts(parts);
            match existing {
                Some(v) => self.edit(v.start_byte()..v.end_byte(), value),
                None => appended.push_str(&format!("{sep}.set({}, {value})", self.string(name))),
            }
        }
        let find_link = |name: &str| links.iter().copied().find(|l| link_name(l) == Some(name));
        let send = find_link("send");
        let remove_link = |r: &mut Self, l: Node<'a>| -> R<()> {
            let callee = callee(l).ok_or("no callee")?;
            let obj = callee.child_by_field_name("object").ok_or("no object")?;
            r.edit(obj.end_byte()..l.end_byte(), "");
            r.dead.push(obj.end_byte()..l.end_byte());
            Ok(())
        };
        match &self.rw.body {
            None => {
                if let Some(arg) = send
                    .and_then(|s| arguments(s))
                    .and_then(|a| named_children(a).first().copied())
                {
                    if self.drop_params_in(arg) {
                        remove_link(self, send.unwrap())?;
                    }
                }
            }
            Some(NewBody::None) => {
                if let Some(s) = send {
                    remove_link(self, s)?;
                }
            }
            Some(body @ (NewBody::Json(_) | NewBody::Form(_))) => {
                let value = match body {
                    NewBody::Json(v) => self.value(v, &base),
                    _ => self.form_object(&base),
                };
                match send {
                    Some(s) => {
                        let a = named_children(arguments(s).ok_or("no arguments")?);
                        let arg = a.first().ok_or("`.send()` has no argument")?;
                        let v = reindent(&value, &base, &line_indent(self.text, arg.start_byte()));
                        self.edit(arg.start_byte()..arg.end_byte(), v);
                    }
                    None => {
                        let v = reindent(&value, &base, &value_indent);
                        if matches!(body, NewBody::Form(_)) && find_link("type").is_none() {
                            appended.push_str(&format!("{sep}.type({})", self.string("form")));
                        }
                        appended.push_str(&format!("{sep}.send({v})"));
                    }
                }
            }
        }
        if !appended.is_empty() {
            // Right after the method link, before any `.then`/`.expect`.
            self.insert(verb_link.end_byte(), appended);
        }
        if !self.rw.drop_params.is_empty() || self.rw.drop_query {
            for l in links.clone() {
                if link_name(&l) != Some("query") {
                    continue;
                }
                if let Some(arg) = arguments(l).and_then(|a| named_children(a).first().copied()) {
                    if self.rw.drop_query || self.drop_params_in(arg) {
                        remove_link(self, l)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The indentation of the chain's links when the link after `link` (or `link`
    /// itself) starts a line of its own: `agent\n  .delete(url)\n  .set(…)`.
    fn chain_indent(&self, link: Node<'a>) -> Option<String> {
        if let Some(parent) = self
            .scopes
            .parents
            .of(link)
            .filter(|p| p.kind() == "member_expression")
        {
            let prop = parent.child_by_field_name("property")?;
            if self.text[link.end_byte()..prop.start_byte()].contains('\n') {
                return Some(line_indent(self.text, prop.start_byte()));
            }
        }
        let own = callee(link)?;
        if own.kind() == "member_expression" {
            let obj = own.child_by_field_name("object")?;
            let prop = own.child_by_field_name("property")?;
            if self.text[obj.end_byte()..prop.start_byte()].contains('\n') {
                return Some(line_indent(self.text, prop.start_byte()));
            }
        }
        None
    }
}

impl<'a> Renderer<'a> {
    /// The new method of a library whose methods are named (`got.delete(url, opts)`):
    /// the name is changed in place; a call made without one (`got(url, opts)`) gets a
    /// `method` option. `aliases` are extra verb names of the library (`request.del`).
    fn method_by_name_or_option(
        &mut self,
        callee: Node<'a>,
        props: &mut Props,
        opts: Option<Node<'a>>,
        aliases: &[&str],
    ) {
        let Some(m) = &self.rw.method else { return };
        match callee.child_by_field_name("property") {
            Some(prop) if is_verb(self.src(prop)) || aliases.contains(&self.src(prop)) => {
                self.edit(prop.start_byte()..prop.end_byte(), m.to_ascii_lowercase())
            }
            _ => props
                .set
                .push(("method".into(), self.method_string(m, opts))),
        }
    }

    // ----- options objects -----------------------------------------------------------

    /// Applies `props` to the options object `obj` (an argument of the call), creating
    /// it after the last argument when the call has none.
    fn apply_props(
        &mut self,
        node: Node<'a>,
        args: Node<'a>,
        obj: Option<Node<'a>>,
        props: Props,
    ) -> R<()> {
        if props.is_empty() {
            return Ok(());
        }
        let indent = line_indent(self.text, node.start_byte());
        match obj {
            Some(o) if o.kind() == "object" => {
                self.plan(o, props.set, props.remove);
                Ok(())
            }
            Some(o) => {
                if !props.remove.is_empty() {
                    return Err(format!(
                        "the options are not written in the call (`{}`)",
                        self.src(o)
                    ));
                }
                self.plan(o, props.set, Vec::new());
                self.set_spread(o, String::new());
                Ok(())
            }
            None => {
                if props.set.is_empty() {
                    return Ok(());
                }
                let items: Vec<String> = props
                    .set
                    .iter()
                    .map(|(k, v)| self.entry(k, v, &self.base))
                    .collect();
                let close = args.end_byte() - 1;
                let last = named_children(args).last().map(|n| n.end_byte());
                let at = last.unwrap_or(close);
                let sep = if last.is_some() { ", " } else { "" };
                let col = self.new_col(at) + sep.len();
                let trail = self.rest_len(at);
                let text = self.layout(&items, ('{', '}'), true, &indent, col, trail);
                self.insert(at, format!("{sep}{text}"));
                Ok(())
            }
        }
    }

    /// `key: value` (or the shorthand `key`), the value moved from `base` to `to`.
    fn entry(&self, k: &str, v: &str, to: &str) -> String {
        self.pair(k, &reindent(v, &self.base, to))
    }

    /// `key: value`, or the shorthand `key` when the value is that name.
    fn pair(&self, k: &str, v: &str) -> String {
        if k == v && self.key_text(k) == k {
            k.to_string()
        } else {
            format!("{}: {v}", self.key_text(k))
        }
    }

    /// Records changes to an object literal.
    fn plan(&mut self, node: Node<'a>, set: Vec<(String, String)>, remove: Vec<String>) {
        let i = match self.plans.iter().position(|p| p.node.id() == node.id()) {
            Some(i) => i,
            None => {
                self.plans.push(Plan {
                    node,
                    set: Vec::new(),
                    remove: Vec::new(),
                    append: Vec::new(),
                    spread: None,
                });
                self.plans.len() - 1
            }
        };
        let p = &mut self.plans[i];
        for (k, v) in set {
            p.set.retain(|(x, _)| *x != k);
            p.set.push((k, v));
        }
        for k in remove {
            if !p.remove.contains(&k) {
                p.remove.push(k);
            }
        }
    }

    fn set_spread(&mut self, node: Node<'a>, prefix: String) {
        if let Some(p) = self.plans.iter_mut().find(|p| p.node.id() == node.id()) {
            p.spread = Some(prefix);
        }
    }

    fn plan_append(&mut self, node: Node<'a>, item: String) {
        self.plan(node, Vec::new(), Vec::new());
        if let Some(p) = self.plans.iter_mut().find(|p| p.node.id() == node.id()) {
            p.append.push(item);
        }
    }

    /// Writes the planned changes, outermost literals first.
    fn flush_plans(&mut self) -> R<()> {
        // A literal on one line that no longer fits is laid out over lines; when it is a
        // property of an object on that same line, that object is laid out instead.
        for i in 0..self.plans.len() {
            if self.parent_plan(i).is_some() || !self.one_line(i) || self.fits(i)? {
                continue;
            }
            if let Some(outer) = self.enclosing_literal(self.plans[i].node) {
                self.plan(outer, Vec::new(), Vec::new());
            }
        }
        let ids: Vec<usize> = (0..self.plans.len())
            .filter(|&i| self.parent_plan(i).is_none())
            .collect();
        for i in ids {
            self.emit(i, false)?;
        }
        // Nothing is edited inside a removed range.
        let dead = std::mem::take(&mut self.dead);
        self.edits.retain(|e| {
            !dead.iter().any(|d| {
                *d != e.span
                    && d.start <= e.span.start
                    && e.span.end <= d.end
                    && !(e.span.is_empty() && (e.span.start == d.start || e.span.start == d.end))
            })
        });
        Ok(())
    }

    /// The innermost other plan whose literal contains plan `i`'s.
    fn parent_plan(&self, i: usize) -> Option<usize> {
        let n = self.plans[i].node;
        (0..self.plans.len())
            .filter(|&j| j != i && contains(self.plans[j].node, n))
            .min_by_key(|&j| self.plans[j].node.end_byte() - self.plans[j].node.start_byte())
    }

    fn one_line(&self, i: usize) -> bool {
        let node = self.plans[i].node;
        !self.src(node).contains('\n') && !has_comment(node)
    }

    /// Whether planned literal `i`, on one line, fits in its line.
    fn fits(&self, i: usize) -> R<bool> {
        let node = self.plans[i].node;
        let indent = line_indent(self.text, node.start_byte());
        let items = self.composed_items(i, &format!("{indent}{}", self.unit))?;
        let prefix = self.plans[i].spread.as_deref().unwrap_or_default().len();
        let one = self.layout(&items, ('{', '}'), true, &indent, 0, 0);
        let col = self.new_col(node.start_byte()) + prefix;
        Ok(!one.contains('\n')
            && col + one.chars().count() + self.rest_len(node.end_byte()) <= MAX_WIDTH)
    }

    /// The outermost object or array literal on the same line that holds `node` as a
    /// property value (or item), through literals only.
    fn enclosing_literal(&self, node: Node<'a>) -> Option<Node<'a>> {
        let mut best = None;
        let mut cur = node;
        while let Some(p) = self.scopes.parents.of(cur) {
            match p.kind() {
                "pair" => {
                    if p.child_by_field_name("value").map(|v| v.id()) != Some(cur.id()) {
                        break;
                    }
                }
                "object" | "array" if !self.src(p).contains('\n') && !has_comment(p) => {
                    best = Some(p)
                }
                _ => break,
            }
            cur = p;
        }
        best
    }

    fn is_dead(&self, n: Node) -> bool {
        self.dead
            .iter()
            .any(|d| d.start <= n.start_byte() && n.end_byte() <= d.end)
    }

    fn emit(&mut self, i: usize, inline: bool) -> R<()> {
        let node = self.plans[i].node;
        if self.is_dead(node) {
            return Ok(());
        }
        let children: Vec<usize> = (0..self.plans.len())
            .filter(|&j| self.parent_plan(j) == Some(i))
            .collect();
        let one_line = !self.src(node).contains('\n') && !has_comment(node);
        if one_line {
            // Inner literals stay on one line; this one is laid out as a whole.
            for j in children {
                self.emit(j, true)?;
            }
            let indent = line_indent(self.text, node.start_byte());
            let items = self.composed_items(i, &format!("{indent}{}", self.unit))?;
            let (open, close) = if node.kind() == "array" {
                ('[', ']')
            } else {
                ('{', '}')
            };
            let prefix = self.plans[i].spread.clone().unwrap_or_default();
            let spaced = node.kind() != "array"
                && (self.src(node).starts_with("{ ")
                    || self.src(node) == "{}"
                    || self.plans[i].spread.is_some());
            let text = if inline {
                self.layout(&items, (open, close), spaced, &indent, 0, 0)
            } else {
                let col = self.new_col(node.start_byte()) + prefix.len();
                let trail = self.rest_len(node.end_byte());
                self.layout(&items, (open, close), spaced, &indent, col, trail)
            };
            let text = format!("{prefix}{text}");
            let span = node.start_byte()..node.end_byte();
            self.edits
                .retain(|e| !(span.start <= e.span.start && e.span.end <= span.end));
            self.edit(span, text);
            return Ok(());
        }
        if node.kind() == "array" {
            self.minimal_array(i);
        } else {
            self.minimal_object(i)?;
        }
        for j in children {
            self.emit(j, false)?;
        }
        Ok(())
    }

    /// The items of planned literal `i` after its changes, for a layout whose items sit
    /// at `inner`.
    fn composed_items(&self, i: usize, inner: &str) -> R<Vec<String>> {
        let plan = &self.plans[i];
        let mut items = Vec::new();
        if plan.spread.is_some() {
            items.push(format!("...{}", self.src(plan.node)));
            items.extend(plan.set.iter().map(|(k, v)| self.entry(k, v, inner)));
            return Ok(items);
        }
        if plan.node.kind() == "array" {
            for item in named_children(plan.node) {
                items.push(self.applied_text(item.start_byte()..item.end_byte()));
            }
            items.extend(plan.append.iter().map(|a| reindent(a, &self.base, inner)));
            return Ok(items);
        }
        let entries = object_entries(plan.node);
        for e in &entries {
            let key = entry_key(*e, self.text);
            if key.as_ref().is_some_and(|k| plan.remove.contains(k)) {
                continue;
            }
            match key
                .as_ref()
                .and_then(|k| plan.set.iter().find(|(x, _)| x == k))
            {
                Some((k, v)) => {
                    let key_src = match e.kind() {
                        "pair" => self
                            .src(e.child_by_field_name("key").ok_or("malformed property")?)
                            .to_string(),
                        _ => self.key_text(k),
                    };
                    items.push(format!("{key_src}: {}", reindent(v, &self.base, inner)));
                }
                None => items.push(self.applied_text(e.start_byte()..e.end_byte())),
            }
        }
        for (k, v) in &plan.set {
            if !entries
                .iter()
                .any(|e| entry_key(*e, self.text).as_deref() == Some(k.as_str()))
            {
                let item = self.entry(k, v, inner);
                // A new method leads, as it is usually written.
                if is_method_key(k) {
                    items.insert(0, item);
                } else {
                    items.push(item);
                }
            }
        }
        Ok(items)
    }

    /// Items in brackets: on one line when that fits in the line (starting at column
    /// `col`, followed by `trail` more columns), else one item per line.
    fn layout(
        &self,
        items: &[String],
        (open, close): (char, char),
        spaced: bool,
        indent: &str,
        col: usize,
        trail: usize,
    ) -> String {
        if items.is_empty() {
            return format!("{open}{close}");
        }
        let pad = if spaced { " " } else { "" };
        let one = format!("{open}{pad}{}{pad}{close}", items.join(", "));
        if !one.contains('\n') && col + one.chars().count() + trail <= MAX_WIDTH {
            return one;
        }
        let inner = format!("{indent}{}", self.unit);
        let mut s = format!("{open}\n");
        for (n, item) in items.iter().enumerate() {
            let last = n + 1 == items.len();
            let comma = if !last || self.trailing_commas {
                ","
            } else {
                ""
            };
            s.push_str(&format!("{inner}{item}{comma}\n"));
        }
        s.push_str(indent);
        s.push(close);
        s
    }

    /// An object literal of rendered values, fitted at column `col` of a line indented
    /// by `indent`.
    fn fit_object(
        &self,
        entries: &[(String, RValue)],
        indent: &str,
        col: usize,
        trail: usize,
    ) -> String {
        let inner = format!("{indent}{}", self.unit);
        let items: Vec<String> = entries
            .iter()
            .map(|(k, v)| {
                let v = reindent(&self.value(v, &self.base), &self.base, &inner);
                self.entry(k, &v, &inner)
            })
            .collect();
        self.layout(&items, ('{', '}'), true, indent, col, trail)
    }

    /// Sets and removes properties of an object literal written over several lines
    /// (or holding comments), with edits of the lines concerned only.
    fn minimal_object(&mut self, i: usize) -> R<()> {
        let obj = self.plans[i].node;
        let set = self.plans[i].set.clone();
        let remove = self.plans[i].remove.clone();
        let pairs = object_entries(obj);
        let mut insert: Vec<(String, String)> = Vec::new();
        for (k, v) in &set {
            match pairs
                .iter()
                .find(|p| entry_key(**p, self.text).as_deref() == Some(k.as_str()))
            {
                Some(p) if p.kind() == "pair" => {
                    let value = p.child_by_field_name("value").ok_or("malformed property")?;
                    if self.src(value) != v {
                        let to = line_indent(self.text, p.start_byte());
                        self.edit(
                            value.start_byte()..value.end_byte(),
                            reindent(v, &self.base, &to),
                        );
                        self.dead.push(value.start_byte()..value.end_byte());
                    }
                }
                Some(p) => {
                    let to = line_indent(self.text, p.start_byte());
                    let e = self.entry(k, v, &to);
                    self.edit(p.start_byte()..p.end_byte(), e);
                }
                None => insert.push((k.clone(), v.clone())),
            }
        }
        let removed: Vec<Node> = pairs
            .iter()
            .filter(|p| entry_key(**p, self.text).is_some_and(|k| remove.contains(&k)))
            .copied()
            .collect();
        let kept: Vec<Node> = pairs
            .iter()
            .filter(|p| !removed.contains(p))
            .copied()
            .collect();
        if kept.is_empty() {
            // Nothing of the object survives (or it was empty): write it anew.
            if insert.is_empty() && removed.is_empty() {
                return Ok(());
            }
            let indent = line_indent(self.text, obj.start_byte());
            let inner = format!("{indent}{}", self.unit);
            let items: Vec<String> = insert
                .iter()
                .map(|(k, v)| self.entry(k, v, &inner))
                .collect();
            let col = if self.src(obj).contains('\n') {
                MAX_WIDTH
            } else {
                self.new_col(obj.start_byte())
            };
            let trail = self.rest_len(obj.end_byte());
            let text = self.layout(&items, ('{', '}'), true, &indent, col, trail);
            self.edit(obj.start_byte()..obj.end_byte(), text);
            self.dead.push(obj.start_byte()..obj.end_byte());
            return Ok(());
        }
        let last_kept = *kept.last().unwrap();
        // Properties alone on their lines go with their lines (and their comments).
        let mut rest = Vec::new();
        for p in &removed {
            match self.whole_lines(*p) {
                Some(r) => {
                    self.edit(r.clone(), "");
                    self.dead.push(r);
                }
                None => rest.push(*p),
            }
        }
        for p in &rest {
            if p.start_byte() > last_kept.start_byte() {
                continue;
            }
            let next = pairs
                .iter()
                .find(|q| q.start_byte() > p.start_byte())
                .ok_or("no next property")?;
            self.edit(p.start_byte()..next.start_byte(), "");
            self.dead.push(p.start_byte()..next.start_byte());
        }
        if let Some(last) = rest
            .iter()
            .rfind(|p| p.start_byte() > last_kept.start_byte())
        {
            let r = last_kept.end_byte()..last.end_byte();
            // Keep what ends the kept property's line (its comma, a comment).
            self.edit(r.clone(), "");
            self.dead.push(r);
        }
        // A new method leads, as it is usually written.
        let first = pairs[0];
        if let Some(at) = insert.iter().position(|(k, _)| is_method_key(k)) {
            let alone = self.text[line_start(self.text, first.start_byte())..first.start_byte()]
                .trim()
                .is_empty();
            if alone && self.src(obj).contains('\n') {
                let (k, v) = insert.remove(at);
                let inner = line_indent(self.text, first.start_byte());
                let e = self.entry(&k, &v, &inner);
                self.insert(
                    line_start(self.text, first.start_byte()),
                    format!("{inner}{e},\n"),
                );
            }
        }
        if insert.is_empty() {
            return Ok(());
        }
        self.insert_entries(obj, last_kept, &insert);
        Ok(())
    }

    /// Adds properties after `last` (the last property kept) of a planned object.
    fn insert_entries(&mut self, obj: Node<'a>, last: Node<'a>, insert: &[(String, String)]) {
        let multi = self.src(obj).contains('\n');
        let after = self.after_item(last);
        match after {
            Some((comma, eol)) if multi => {
                let inner = line_indent(self.text, last.start_byte());
                let items: Vec<String> = insert
                    .iter()
                    .map(|(k, v)| self.entry(k, v, &inner))
                    .collect();
                if comma {
                    let content: String = items.iter().map(|i| format!("\n{inner}{i},")).collect();
                    self.insert(eol, content);
                } else {
                    let content = items
                        .iter()
                        .map(|i| format!("\n{inner}{i}"))
                        .collect::<Vec<_>>()
                        .join(",");
                    self.insert(last.end_byte(), ",".into());
                    self.insert(eol, content);
                }
            }
            _ => {
                let to = line_indent(self.text, last.start_byte());
                let content: String = insert
                    .iter()
                    .map(|(k, v)| format!(", {}", self.entry(k, v, &to)))
                    .collect();
                self.insert(last.end_byte(), content);
            }
        }
    }

    /// Adds items to a planned array written over several lines (or holding comments).
    fn minimal_array(&mut self, i: usize) {
        let arr = self.plans[i].node;
        let append = self.plans[i].append.clone();
        if append.is_empty() {
            return;
        }
        let items = named_children(arr);
        let Some(last) = items.last().copied() else {
            let indent = line_indent(self.text, arr.start_byte());
            let inner = format!("{indent}{}", self.unit);
            let items: Vec<String> = append
                .iter()
                .map(|a| reindent(a, &self.base, &inner))
                .collect();
            let text = self.layout(&items, ('[', ']'), false, &indent, MAX_WIDTH, 0);
            self.edit(arr.start_byte()..arr.end_byte(), text);
            return;
        };
        match self.after_item(last) {
            Some((comma, eol)) if self.src(arr).contains('\n') => {
                let inner = line_indent(self.text, last.start_byte());
                let new: Vec<String> = append
                    .iter()
                    .map(|a| reindent(a, &self.base, &inner))
                    .collect();
                if comma {
                    let content: String = new.iter().map(|i| format!("\n{inner}{i},")).collect();
                    self.insert(eol, content);
                } else {
                    self.insert(last.end_byte(), ",".into());
                    let content = new
                        .iter()
                        .map(|i| format!("\n{inner}{i}"))
                        .collect::<Vec<_>>()
                        .join(",");
                    self.insert(eol, content);
                }
            }
            _ => {
                let content: String = append.iter().map(|a| format!(", {a}")).collect();
                self.insert(last.end_byte(), content);
            }
        }
    }

    /// When `item` ends its line (only a comma and a comment may follow it there):
    /// whether a comma follows, and where the line ends.
    fn after_item(&self, item: Node) -> Option<(bool, usize)> {
        let eol = line_end(self.text, item.end_byte());
        let rest = self.text[item.end_byte()..eol].trim_start();
        let (comma, rest) = match rest.strip_prefix(',') {
            Some(r) => (true, r.trim_start()),
            None => (false, rest),
        };
        let ok = rest.is_empty()
            || rest.starts_with("//")
            || (rest.starts_with("/*") && rest.ends_with("*/"));
        ok.then_some((comma, eol))
    }

    /// The lines of a property that is alone on them (with its comma and a trailing
    /// comment), newline included.
    fn whole_lines(&self, p: Node) -> Option<Span> {
        let start = line_start(self.text, p.start_byte());
        if !self.text[start..p.start_byte()].trim().is_empty() {
            return None;
        }
        let (_, eol) = self.after_item(p)?;
        let end = if self.text[eol..].starts_with("\r\n") {
            eol + 2
        } else if self.text[eol..].starts_with('\n') {
            eol + 1
        } else {
            return None;
        };
        Some(start..end)
    }

    /// Adds an insertion, merging with one already at the same point (in call order).
    fn insert(&mut self, at: usize, text: String) {
        if let Some(e) = self.edits.iter_mut().find(|e| e.span == (at..at)) {
            e.content.push_str(&text);
        } else {
            self.edit(at..at, text);
        }
    }

    /// The source text of `range` with the edits made inside it so far.
    fn applied_text(&self, range: Span) -> String {
        let mut inside: Vec<&Edit> = self
            .edits
            .iter()
            .filter(|e| range.start <= e.span.start && e.span.end <= range.end)
            .collect();
        inside.sort_by_key(|e| (e.span.start, e.span.end));
        let mut out = String::new();
        let mut at = range.start;
        for e in inside {
            if e.span.start < at {
                continue;
            }
            out.push_str(&self.text[at..e.span.start]);
            out.push_str(&e.content);
            at = e.span.end;
        }
        out.push_str(&self.text[at..range.end]);
        out
    }

    /// The column `pos` will be at once the edits made so far are applied, for width
    /// decisions: a line the file already writes longer than [`MAX_WIDTH`] may keep
    /// its length (the columns beyond the limit are not counted).
    fn new_col(&self, pos: usize) -> usize {
        let start = line_start(self.text, pos);
        let before = self.applied_text(start..pos);
        let col = before.rsplit('\n').next().unwrap_or("").chars().count();
        if before.contains('\n') {
            // The line was broken before `pos`: a new line, held to the limit.
            return col;
        }
        let written = self.text[start..line_end(self.text, pos)].chars().count();
        col.saturating_sub(written.saturating_sub(MAX_WIDTH))
    }

    /// How many columns follow `pos` on its line once the edits so far are applied.
    fn rest_len(&self, pos: usize) -> usize {
        let after = self.applied_text(pos..line_end(self.text, pos));
        after.split('\n').next().unwrap_or("").chars().count()
    }

    /// Header changes: in the headers object when it is written in the call, otherwise
    /// as a new `headers` property.
    fn header_props(&mut self, props: &mut Props, opts: Option<Node<'a>>, key: &str) -> R<()> {
        if self.rw.set_headers.is_empty() && self.rw.remove_headers.is_empty() {
            return Ok(());
        }
        let rendered: Vec<(String, String)> = self
            .rw
            .set_headers
            .iter()
            .filter(|(k, parts)| !self.header_present(k, parts))
            .map(|(k, parts)| (k.clone(), self.parts(parts)))
            .collect();
        let existing = opts
            .filter(|o| o.kind() == "object")
            .and_then(|o| object_value(o, key, self.text));
        match existing {
            None => {
                if !rendered.is_empty() {
                    let inner = format!("{}{}", self.base, self.unit);
                    let mut items: Vec<String> = Vec::new();
                    // Options held in a variable keep their own headers.
                    if let Some(o) = opts.filter(|o| o.kind() != "object") {
                        if !is_plain_reference(self.src(o)) {
                            return Err(format!(
                                "the options are not written in the call (`{}`)",
                                self.src(o)
                            ));
                        }
                        items.push(format!("...{}?.{key}", self.src(o)));
                    }
                    items.extend(rendered.iter().map(|(k, v)| self.entry(k, v, &inner)));
                    let col = self.base.len() + key.len() + 2;
                    let text = self.layout(&items, ('{', '}'), true, &self.base, col, 1);
                    props.set.push((key.to_string(), text));
                }
                Ok(())
            }
            Some(h) if h.kind() == "object" => {
                // Header names compare case-insensitively: find the written spelling.
                let entries = object_entries(h);
                let written = |k: &str| {
                    entries
                        .iter()
                        .filter_map(|e| entry_key(*e, self.text))
                        .find(|w| w.eq_ignore_ascii_case(k))
                };
                let set: Vec<(String, String)> = rendered
                    .into_iter()
                    .map(|(k, v)| (written(&k).unwrap_or(k), v))
                    .collect();
                let remove: Vec<String> = self
                    .rw
                    .remove_headers
                    .iter()
                    .filter_map(|k| written(k))
                    .collect();
                if !set.is_empty() || !remove.is_empty() {
                    self.plan(h, set, remove);
                }
                Ok(())
            }
            Some(h) if h.kind() == "array" => {
                // Postman `header: [{ key, value }]`.
                for (k, v) in rendered {
                    let item = named_children(h).into_iter().find(|i| {
                        i.kind() == "object"
                            && object_value(*i, "key", self.text)
                                .and_then(|n| string_value(n, self.text))
                                .is_some_and(|s| s.eq_ignore_ascii_case(&k))
                    });
                    match item.and_then(|i| object_value(i, "value", self.text)) {
                        Some(val) => self.edit(val.start_byte()..val.end_byte(), v),
                        None => {
                            let item = format!("{{ key: {}, value: {v} }}", self.string(&k));
                            self.plan_append(h, item);
                        }
                    }
                }
                Ok(())
            }
            Some(h) => {
                if !self.rw.remove_headers.is_empty() {
                    return Err("the headers are not written in the call".into());
                }
                if rendered.is_empty() {
                    return Ok(());
                }
                // `{ headers }` (shorthand) becomes `headers: { ...headers, … }`.
                let prefix = if h.kind() == "shorthand_property_identifier" {
                    format!("{}: ", self.key_text(key))
                } else {
                    String::new()
                };
                self.plan(h, rendered, Vec::new());
                self.set_spread(h, prefix);
                Ok(())
            }
        }
    }

    /// Whether the call already sends header `name` with this value (written in the
    /// call or in a headers object it uses): setting it again would only repeat it.
    fn header_present(&self, name: &str, parts: &[Part]) -> bool {
        let Some(field) = self.call.headers.get_ci(name) else {
            return self.implied_json_type(name, parts);
        };
        let Value::Str { value, .. } = &field.value else {
            return false;
        };
        let [Part::Lit(want)] = parts else {
            return false;
        };
        if name.eq_ignore_ascii_case("content-type") {
            let media = |s: &str| {
                s.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            };
            media(value) == media(want)
        } else {
            value == want
        }
    }

    /// `Content-Type: application/json` for a JSON body that the client sends with that
    /// type by itself (axios data objects, got/ky `json:`, request `json: true`,
    /// superagent `.send(object)`, jQuery `contentType`), when the call sets no content
    /// type of its own: writing it would only repeat the client.
    fn implied_json_type(&self, name: &str, parts: &[Part]) -> bool {
        let json = matches!(parts, [Part::Lit(v)] if v.eq_ignore_ascii_case("application/json"));
        let serialises = matches!(
            self.call.client,
            Client::Axios
                | Client::Got
                | Client::Ky
                | Client::Request
                | Client::Superagent
                | Client::Supertest
                | Client::JQuery
        );
        name.eq_ignore_ascii_case("content-type")
            && json
            && serialises
            && matches!(self.rw.body, Some(NewBody::Json(RValue::Object(_))))
            && !self.call.headers.open
    }

    /// Query option objects (`params`, `qs`, `searchParams`): drop parameters, or the
    /// whole option with `drop_query` (or when no parameter is left).
    fn query_props(&mut self, props: &mut Props, opts: Option<Node<'a>>, keys: &[&str]) {
        let Some(o) = opts.filter(|o| o.kind() == "object") else {
            return;
        };
        for key in keys {
            if self.rw.drop_query {
                if object_pair(o, key, self.text).is_some() {
                    props.remove.push(key.to_string());
                }
            } else if let Some(v) = object_value(o, key, self.text) {
                if self.drop_params_in(v) {
                    props.remove.push(key.to_string());
                }
            }
        }
    }

    /// Drops `drop_params` from the option `key` of `opts` (a body the rewrite keeps);
    /// the option goes when nothing is left in it.
    fn drop_in_option(&mut self, props: &mut Props, opts: Option<Node<'a>>, key: &str) {
        let Some(v) = opts
            .filter(|o| o.kind() == "object")
            .and_then(|o| object_value(o, key, self.text))
        else {
            return;
        };
        if self.drop_params_in(v) {
            props.remove.push(key.to_string());
        }
    }

    /// Removes `drop_params` from an object literal (looking through `JSON.stringify(…)`,
    /// `new URLSearchParams(…)`, `qs.stringify(…)`). Returns `true`, changing nothing,
    /// when every property would go: the caller removes the whole value.
    fn drop_params_in(&mut self, n: Node<'a>) -> bool {
        if self.rw.drop_params.is_empty() {
            return false;
        }
        let target = match n.kind() {
            "object" => Some(n),
            "call_expression" | "new_expression" => arguments(n)
                .and_then(|a| named_children(a).first().copied())
                .filter(|a| a.kind() == "object"),
            _ => None,
        };
        let Some(obj) = target else { return false };
        let entries = object_entries(obj);
        let dropped =
            |e: &Node| entry_key(*e, self.text).is_some_and(|k| self.rw.drop_params.contains(&k));
        if !entries.is_empty() && entries.iter().all(dropped) && !has_comment(obj) {
            return true;
        }
        if entries.iter().any(dropped) {
            self.plan(obj, Vec::new(), self.rw.drop_params.clone());
        }
        false
    }
}

impl<'a> Renderer<'a> {
    // ----- the URL -------------------------------------------------------------------

    fn url(&mut self, url: Node<'a>) -> R<()> {
        self.url_node = Some(url);
        match &self.rw.url {
            None => self.url_query(url),
            Some(new) => self.new_url(url, new),
        }
    }

    /// Drops parameters (or the whole query) from a literal `?a=b&c=d` in the URL.
    fn url_query(&mut self, url: Node<'a>) -> R<()> {
        if self.rw.drop_params.is_empty() && !self.rw.drop_query {
            return Ok(());
        }
        // Query builders inside the URL: `${new URLSearchParams({...})}`.
        let mut stack = vec![url];
        let mut builders = Vec::new();
        while let Some(n) = stack.pop() {
            if n.kind() == "template_substitution" {
                if let Some(e) = n.named_child(0) {
                    if matches!(e.kind(), "call_expression" | "new_expression")
                        && (self.src(e).contains("stringify")
                            || self.src(e).starts_with("new URLSearchParams"))
                    {
                        builders.push((n, e));
                    }
                }
            }
            let mut c = n.walk();
            stack.extend(n.children(&mut c));
        }
        let Some((lit, start, end)) = self.literal_query_range(url) else {
            for (_, e) in builders {
                if self.drop_params_in(e) {
                    return Err("every query parameter would go from a query built in the URL; rewrite it by hand".into());
                }
            }
            return Ok(());
        };
        // The query must end with its literal: `'…?a=' + b + '&c=d'` is not rewritten.
        if lit.end_byte() != url.end_byte() {
            return Err("the query string continues after its literal; rewrite it by hand".into());
        }
        if self.rw.drop_query {
            self.edit(start..end, "");
            return Ok(());
        }
        // Plain `k=v` pairs, by their source ranges after the `?`.
        let q = &self.text[start + 1..end];
        let mut pairs: Vec<(usize, usize, String)> = Vec::new();
        let mut depth = 0usize;
        let mut seg_start = 0;
        let bytes = q.as_bytes();
        for i in 0..=q.len() {
            let c = bytes.get(i).copied();
            match c {
                Some(b'{') => depth += 1,
                Some(b'}') => depth = depth.saturating_sub(1),
                Some(b'&') | None if depth == 0 => {
                    let part = &q[seg_start..i];
                    let key = part.split('=').next().unwrap_or(part).to_string();
                    pairs.push((start + 1 + seg_start, start + 1 + i, key));
                    seg_start = i + 1;
                }
                _ => {}
            }
        }
        let removed: Vec<&(usize, usize, String)> = pairs
            .iter()
            .filter(|(_, _, k)| self.rw.drop_params.contains(k))
            .collect();
        let mut emptied_builder = false;
        for (sub, e) in &builders {
            if sub.start_byte() > start && self.drop_params_in(*e) {
                emptied_builder = true;
            }
        }
        if emptied_builder {
            return Err(
                "every parameter would go from a query built in the URL; rewrite it by hand".into(),
            );
        }
        if removed.is_empty() {
            return Ok(());
        }
        if removed.len() == pairs.len() {
            // Nothing is left: the `?` goes too.
            self.edit(start..end, "");
            return Ok(());
        }
        let kept: Vec<String> = pairs
            .iter()
            .filter(|p| !removed.contains(p))
            .map(|(a, b, _)| self.text[*a..*b].to_string())
            .collect();
        self.edit(start + 1..end, kept.join("&"));
        Ok(())
    }

    /// The literal holding the URL's query and the source range of the query (`?…` up
    /// to the end of that literal).
    fn literal_query_range(&self, url: Node<'a>) -> Option<(Node<'a>, usize, usize)> {
        let mut stack = vec![url];
        let mut lits = Vec::new();
        while let Some(n) = stack.pop() {
            match n.kind() {
                "string" | "template_string" => lits.push(n),
                _ => {
                    let mut c = n.walk();
                    stack.extend(n.children(&mut c));
                }
            }
        }
        lits.sort_by_key(|n| n.start_byte());
        for l in lits {
            let body = &self.text[l.start_byte() + 1..l.end_byte() - 1];
            // A `?` outside `${…}`.
            let mut depth = 0;
            for (i, c) in body.char_indices() {
                match c {
                    '{' if body[..i].ends_with('$') || depth > 0 => depth += 1,
                    '}' if depth > 0 => depth -= 1,
                    '?' if depth == 0 => {
                        let start = l.start_byte() + 1 + i;
                        return Some((l, start, l.end_byte() - 1));
                    }
                    _ => {}
                }
            }
        }
        None
    }

    fn new_url(&mut self, url: Node<'a>, new: &NewUrl) -> R<()> {
        let query = self.kept_query(url);
        let cut = new.cut.ok_or("the URL's path is not written literally")?;
        if cut >= url.start_byte() && cut <= url.end_byte() {
            let lit = literal_at(url, cut).ok_or("the URL's path is not in a string literal")?;
            if !matches!(
                url.kind(),
                "string" | "template_string" | "binary_expression" | "parenthesized_expression"
            ) {
                return Err(format!(
                    "the URL is built with `{}`; rewrite it by hand",
                    url.kind()
                ));
            }
            if lit.kind() == "template_string" {
                if lit.end_byte() != url.end_byte() {
                    return Err(
                        "the URL continues after its template literal; rewrite it by hand".into(),
                    );
                }
                let mut text = self.template_parts(&new.path);
                text.push_str(&query);
                text.push('`');
                self.edit(cut..url.end_byte(), text);
                return Ok(());
            }
            let q = self.text[lit.start_byte()..].chars().next().unwrap_or('\'');
            let all_literal =
                new.path.iter().all(|p| matches!(p, Part::Lit(_))) && !query.contains("${");
            if all_literal {
                let lit_text: String = new
                    .path
                    .iter()
                    .map(|p| if let Part::Lit(t) = p { t.as_str() } else { "" })
                    .collect();
                let text = format!(
                    "{}{}{q}",
                    escape_string(&lit_text, q),
                    escape_string(&query, q)
                );
                self.edit(cut..url.end_byte(), text);
                return Ok(());
            }
            if lit == url {
                // A plain string becomes a template literal.
                let prefix = &self.text[url.start_byte() + 1..cut];
                let text = format!(
                    "`{}{}{query}`",
                    escape_template(&unescape_js(prefix)),
                    self.template_parts(&new.path)
                );
                self.edit(url.start_byte()..url.end_byte(), text);
                return Ok(());
            }
            // Inside a `+` chain: continue the open string, then concatenate.
            if !query.is_empty() {
                return Err("a query string would need to be rebuilt inside a `+` chain".into());
            }
            let mut out = String::new();
            let mut open = true;
            for p in &new.path {
                match p {
                    Part::Lit(t) => {
                        if !open {
                            out.push_str(&format!(" + {q}"));
                            open = true;
                        }
                        out.push_str(&escape_string(t, q));
                    }
                    other => {
                        if open {
                            out.push(q);
                            open = false;
                        }
                        out.push_str(&format!(" + {}", self.part_expr(other)));
                    }
                }
            }
            if open {
                out.push(q);
            }
            self.edit(cut..url.end_byte(), out);
            return Ok(());
        }
        // The kept prefix is written outside the call (a constant): rebuild the URL.
        let mut text = String::from("`");
        // When the new URL still starts with what the leading name holds, keep the name:
        // `${API_BASE}/users/${id}/deactivate`.
        let prefix_lit: Option<String> = new
            .prefix
            .iter()
            .map(|p| match p {
                Piece::Lit { text, .. } => Some(text.as_str()),
                Piece::Hole { .. } => None,
            })
            .collect();
        let lit_parts = new
            .path
            .iter()
            .take_while(|p| matches!(p, Part::Lit(_)))
            .count();
        let path_lit: String = new.path[..lit_parts]
            .iter()
            .map(|p| if let Part::Lit(t) = p { t.as_str() } else { "" })
            .collect();
        if let (Some(prefix_lit), Some((lead, value))) = (prefix_lit, self.lead_value()) {
            let full = format!("{prefix_lit}{path_lit}");
            if let Some(rest) = full.strip_prefix(value.as_str()) {
                if value.ends_with('/') || rest.is_empty() || rest.starts_with(['/', '?', '#']) {
                    text.push_str(&format!("${{{lead}}}{}", escape_template(rest)));
                    text.push_str(&self.template_parts(&new.path[lit_parts..]));
                    text.push_str(&query);
                    text.push('`');
                    self.edit(url.start_byte()..url.end_byte(), text);
                    return Ok(());
                }
            }
        }
        let origin = match new.prefix.as_slice() {
            [Piece::Lit { text: t, .. }] if is_origin(t) => self.origin_source(t),
            _ => None,
        };
        match origin {
            Some(expr) => text.push_str(&format!("${{{expr}}}")),
            None => {
                for piece in &new.prefix {
                    match piece {
                        Piece::Lit { text: t, .. } => text.push_str(&escape_template(t)),
                        // In scope at the call: `check_sources` made sure of it.
                        Piece::Hole { expr, .. } => text.push_str(&format!("${{{expr}}}")),
                    }
                }
            }
        }
        text.push_str(&self.template_parts(&new.path));
        text.push_str(&query);
        text.push('`');
        self.edit(url.start_byte()..url.end_byte(), text);
        Ok(())
    }

    /// The URL's own query parameters that survive the rewrite, as `?a=b&c=${d}`.
    fn kept_query(&self, url: Node<'a>) -> String {
        if self.rw.drop_query {
            return String::new();
        }
        let parsed = self.call.url.parse();
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: String| {
            if !pairs.iter().any(|(x, _)| x == k) {
                pairs.push((k.to_string(), v));
            }
        };
        for f in &parsed.query {
            if self.rw.drop_params.contains(&f.key) {
                continue;
            }
            match &f.value {
                Value::Str { value, .. } => push(&f.key, escape_template(value)),
                other => push(&f.key, mini_template(&other.text())),
            }
        }
        for f in &self.call.query.entries {
            let inside = f.key_span.start >= url.start_byte() && f.key_span.end <= url.end_byte();
            if !inside || self.rw.drop_params.contains(&f.key) {
                continue;
            }
            match &f.value {
                Value::Str { value, .. } => push(&f.key, escape_template(value)),
                other => push(&f.key, format!("${{encodeURIComponent({})}}", other.text())),
            }
        }
        if pairs.is_empty() {
            String::new()
        } else {
            let joined: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("?{}", joined.join("&"))
        }
    }

    /// Where the URL's literal origin `origin` comes from a name the call uses (`BASE`
    /// in `` `${BASE}/api/…` `` with `BASE = 'https://host'`): that name, or
    /// `new URL(name).origin` when the name holds more than the origin.
    fn origin_source(&self, origin: &str) -> Option<String> {
        // A constant holding the origin (or more), in scope at the call.
        if let Some(Piece::Lit { text, span, .. }) = self.call.url.pieces.first() {
            if let Some(name) = self.literal_name(span) {
                if text == origin {
                    return Some(name);
                }
                if text.starts_with(origin) && text[origin.len()..].starts_with('/') {
                    return Some(format!("new URL({name}).origin"));
                }
            }
        }
        let (lead, value) = self.lead_value()?;
        if value == origin {
            Some(lead)
        } else if value.starts_with(origin) && value[origin.len()..].starts_with('/') {
            Some(format!("new URL({lead}).origin"))
        } else {
            None
        }
    }

    /// The name the URL starts with (`BASE` in `` `${BASE}/users/${id}` `` or
    /// `BASE + '/users/' + id`) and the literal value it stands for, when the URL's
    /// pieces before the call's own text all come from it.
    fn lead_value(&self) -> Option<(String, String)> {
        let url = self.url_node?;
        let lead = leading_operand(url)?;
        if !matches!(lead.kind(), "identifier" | "member_expression")
            || !is_plain_reference(self.src(lead))
        {
            return None;
        }
        let call = &self.call.span;
        let mut value = String::new();
        let mut next = None;
        for p in &self.call.url.pieces {
            match p {
                Piece::Lit { span, .. } | Piece::Hole { span, .. }
                    if span.start >= call.start && span.end <= call.end =>
                {
                    next = Some(span.start);
                    break;
                }
                Piece::Lit { text, .. } => value.push_str(text),
                Piece::Hole { .. } => return None,
            }
        }
        // Nothing but punctuation between the name and the call's next piece: no other
        // name contributed to the value.
        if let Some(n) = next {
            if n < lead.end_byte()
                || !self.text[lead.end_byte()..n]
                    .chars()
                    .all(|c| c.is_whitespace() || "}{$+'\"`".contains(c))
            {
                return None;
            }
        }
        (!value.is_empty()).then(|| (self.src(lead).to_string(), value))
    }

    /// The name of the constant whose whole string literal is at `span` (its text,
    /// inside the quotes), when that name means the same constant at the call.
    fn literal_name(&self, span: &Span) -> Option<String> {
        let mut lit = self.root.descendant_for_byte_range(span.start, span.end)?;
        while !matches!(lit.kind(), "string" | "template_string") {
            lit = self.scopes.parents.of(lit)?;
        }
        if lit.start_byte() + 1 != span.start || lit.end_byte() - 1 != span.end {
            return None;
        }
        let decl = self
            .scopes
            .parents
            .of(lit)
            .filter(|d| d.kind() == "variable_declarator")?;
        let name = decl
            .child_by_field_name("name")
            .filter(|n| n.kind() == "identifier")?;
        if decl.child_by_field_name("value").map(|v| v.id()) != Some(lit.id()) {
            return None;
        }
        let here = scope_at(self.scopes, self.node);
        let binding = self.scopes.lookup(self.src(name), here)?;
        (self.scopes.binding_of(name) == Some(binding)).then(|| self.src(name).to_string())
    }

    // ----- expressions written elsewhere ------------------------------------------------

    /// Every source expression the rewrite writes at the call that is written outside
    /// it must mean the same there: the names in it must be bound to the same
    /// declarations at the call (not shadowed, not local to another function).
    fn check_sources(&self, node: Node<'a>) -> R<()> {
        let mut sources: Vec<(String, Span)> = Vec::new();
        fn from_parts(parts: &[Part], out: &mut Vec<(String, Span)>) {
            for p in parts {
                match p {
                    Part::Source { text, span } => out.push((text.clone(), span.clone())),
                    Part::Call { args, .. } => {
                        for a in args.iter().rev() {
                            from_parts(a, out);
                        }
                    }
                    Part::Lit(_) | Part::Env(_) | Part::Param(_) => {}
                }
            }
        }
        fn from_value(v: &RValue, out: &mut Vec<(String, Span)>) {
            match v {
                RValue::Str(p) => from_parts(p, out),
                RValue::Array(items) => items.iter().for_each(|i| from_value(i, out)),
                RValue::Object(e) => e.iter().for_each(|(_, v)| from_value(v, out)),
                _ => {}
            }
        }
        if let Some(u) = &self.rw.url {
            from_parts(&u.path, &mut sources);
            let cut_outside = u
                .cut
                .is_some_and(|c| c < node.start_byte() || c > node.end_byte());
            if cut_outside {
                for p in &u.prefix {
                    if let Piece::Hole { expr, span } = p {
                        sources.push((expr.clone(), span.clone()));
                    }
                }
            }
        }
        for (_, p) in &self.rw.set_headers {
            from_parts(p, &mut sources);
        }
        match (&self.rw.body, &self.form) {
            (_, Some(f)) => f.iter().for_each(|(_, v)| from_value(v, &mut sources)),
            (Some(NewBody::Json(v)), _) => from_value(v, &mut sources),
            _ => {}
        }
        let call = node.start_byte()..node.end_byte();
        // A literal a name at the call stands for is written as that name: in scope.
        let via = |text: &str, span: &Span| {
            self.call
                .vias
                .iter()
                .any(|v| v.literal == *span && v.expr == text)
        };
        let outside: Vec<&(String, Span)> = sources
            .iter()
            .filter(|(t, s)| !(via(t, s) || s.start >= call.start && s.end <= call.end))
            .collect();
        if outside.is_empty() {
            return Ok(());
        }
        let scopes = self.scopes;
        let here = scope_at(scopes, node);
        for (expr, span) in outside {
            let not_in_scope = || {
                format!("`{expr}` is written outside the call and may not be in scope there; rewrite it by hand")
            };
            let n = node_at(&self.scopes.parents, self.root, span).ok_or_else(not_in_scope)?;
            if self.src(n).trim() != expr.trim() {
                return Err(not_in_scope());
            }
            let mut stack = vec![n];
            while let Some(m) = stack.pop() {
                match m.kind() {
                    "identifier" => {
                        let name = self.src(m);
                        if scopes.binding_of(m) != scopes.lookup(name, here) {
                            return Err(not_in_scope());
                        }
                    }
                    "this" | "super"
                        if this_owner(&scopes.parents, m) != this_owner(&scopes.parents, node) =>
                    {
                        return Err(not_in_scope());
                    }
                    _ => {}
                }
                let mut c = m.walk();
                stack.extend(m.named_children(&mut c));
            }
        }
        Ok(())
    }

    /// Parameters to drop must be written in the call (or in its URL, when the URL is
    /// rebuilt): one set in a variable or a constant elsewhere would still be sent.
    fn check_dropped(&self, node: Node<'a>) -> R<()> {
        if self.rw.drop_params.is_empty() {
            return Ok(());
        }
        let inside = |s: &Span| s.start >= node.start_byte() && s.end <= node.end_byte();
        let parsed = self.call.url.parse();
        let from_url = |f: &crate::call::Field| {
            parsed
                .query
                .iter()
                .any(|q| q.key == f.key && q.key_span == f.key_span)
        };
        let mut fields: Vec<&crate::call::Field> = Vec::new();
        if !self.rw.drop_query {
            fields.extend(
                self.call
                    .query
                    .entries
                    .iter()
                    .chain(parsed.query.iter())
                    .filter(|f| !(self.rw.url.is_some() && from_url(f))),
            );
        }
        if self.rw.body.is_none() {
            match &self.call.body {
                Some(crate::call::Body::Form { fields: f }) => fields.extend(f.entries.iter()),
                Some(crate::call::Body::Json {
                    value: Value::Object(f),
                }) => fields.extend(f.entries.iter()),
                _ => {}
            }
        }
        for f in fields {
            if self.rw.drop_params.contains(&f.key) && !inside(&f.key_span) {
                return Err(format!(
                    "`{}` is set outside the call; remove it by hand",
                    f.key
                ));
            }
        }
        Ok(())
    }

    // ----- values --------------------------------------------------------------------

    fn string(&self, s: &str) -> String {
        format!("{q}{}{q}", escape_string(s, self.quote), q = self.quote)
    }

    /// A property key as written in an object literal.
    fn key_text(&self, k: &str) -> String {
        let ident = k
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
            && k.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
        if ident {
            k.to_string()
        } else {
            self.string(k)
        }
    }

    /// A string built from parts, as a JavaScript expression.
    fn parts(&self, parts: &[Part]) -> String {
        match parts {
            [] => self.string(""),
            [Part::Lit(t)] => self.string(t),
            [single] => self.part_expr(single),
            _ => format!("`{}`", self.template_parts(parts)),
        }
    }

    fn template_parts(&self, parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| match p {
                Part::Lit(t) => escape_template(t),
                other => format!("${{{}}}", self.part_expr(other)),
            })
            .collect()
    }

    fn part_expr(&self, p: &Part) -> String {
        match p {
            Part::Lit(t) => self.string(t),
            Part::Source { text, .. } => text.clone(),
            Part::Env(name) => format!("process.env.{name}"),
            Part::Param(name) => camel_case(name),
            Part::Call { function, args } => {
                let args: Vec<String> = args
                    .iter()
                    .enumerate()
                    .map(|(i, a)| {
                        if i == 0 {
                            self.origin_expr(a)
                        } else {
                            self.parts(a)
                        }
                    })
                    .collect();
                format!("await {}({})", camel_case(function), args.join(", "))
            }
        }
    }

    /// The origin a helper is called with: the name the URL takes it from when there is
    /// one, else the literal.
    fn origin_expr(&self, origin: &[Part]) -> String {
        if let [Part::Lit(o)] = origin {
            if let Some(e) = self.origin_source(o) {
                return e;
            }
        }
        self.parts(origin)
    }

    fn value(&self, v: &RValue, indent: &str) -> String {
        match v {
            RValue::Str(parts) => self.parts(parts),
            RValue::Bool(b) => b.to_string(),
            RValue::Num(n) => n.clone(),
            RValue::Null => "null".into(),
            RValue::Array(items) => {
                let inner: Vec<String> = items.iter().map(|i| self.value(i, indent)).collect();
                format!("[{}]", inner.join(", "))
            }
            RValue::Object(entries) => self.object(entries, indent),
        }
    }

    /// An object literal: on one line when short, else one property per line.
    fn object(&self, entries: &[(String, RValue)], indent: &str) -> String {
        let inner = format!("{indent}{}", self.unit);
        let items: Vec<String> = entries
            .iter()
            .map(|(k, v)| self.pair(k, &self.value(v, &inner)))
            .collect();
        // Properties of an options object sit at `base`: leave room for the key.
        self.layout(&items, ('{', '}'), true, indent, indent.len() + 10, 0)
    }

    /// The form body as an object literal rendered at `indent`.
    fn form_object(&self, indent: &str) -> String {
        self.object(self.form.as_deref().unwrap_or_default(), indent)
    }

    /// The form fields, with those read from the URL's query string made plain: a
    /// literal is percent-decoded, `${encodeURIComponent(x)}` becomes `x` (the form
    /// encoding encodes it once again otherwise).
    fn plain_form(&self, f: &[(String, RValue)]) -> Vec<(String, RValue)> {
        let parsed = self.call.url.parse();
        let url_span = &self.call.url.span;
        f.iter()
            .map(|(k, v)| {
                let from_url = match self.call.query.get(k) {
                    Some(field) => {
                        field.key_span.start >= url_span.start && field.key_span.end <= url_span.end
                    }
                    None => parsed.query.iter().any(|q| &q.key == k),
                };
                if !from_url {
                    return (k.clone(), v.clone());
                }
                let v = match v {
                    RValue::Str(parts) => RValue::Str(
                        parts
                            .iter()
                            .flat_map(|p| match p {
                                Part::Lit(t) => vec![Part::Lit(percent_decode(t))],
                                Part::Source { text, span } => self.mini_parts(text, span),
                                other => vec![other.clone()],
                            })
                            .collect(),
                    ),
                    other => other.clone(),
                };
                (k.clone(), v)
            })
            .collect()
    }

    /// `a{expr}b` (a query value with holes, as the URL parser writes it) as parts.
    fn mini_parts(&self, text: &str, span: &Span) -> Vec<Part> {
        let mut out = Vec::new();
        let mut lit = String::new();
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '{' {
                lit.push(c);
                continue;
            }
            let mut depth = 1;
            let mut end = None;
            for (j, d) in chars.by_ref() {
                match d {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(j);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let Some(end) = end else {
                lit.push_str(&text[i..]);
                break;
            };
            if !lit.is_empty() {
                out.push(Part::Lit(percent_decode(&std::mem::take(&mut lit))));
            }
            let expr = text[i + 1..end].trim();
            // The hole's own span, from the URL's pieces.
            let hole_span = self
                .call
                .url
                .pieces
                .iter()
                .find_map(|p| match p {
                    Piece::Hole { expr: e, span } if e.trim() == expr => Some(span.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| span.clone());
            let inner = strip_call(expr, &["encodeURIComponent", "encodeURI", "escape"]);
            let inner_span = match inner == expr {
                true => hole_span,
                false => {
                    let off = expr.find(inner).unwrap_or(0);
                    hole_span.start + off..hole_span.start + off + inner.len()
                }
            };
            out.push(Part::Source {
                text: inner.to_string(),
                span: inner_span,
            });
        }
        if !lit.is_empty() {
            out.push(Part::Lit(percent_decode(&lit)));
        }
        out
    }

    // ----- await and the response check ----------------------------------------------

    fn uses_await(&self) -> bool {
        let in_parts = |parts: &[Part]| parts.iter().any(|p| matches!(p, Part::Call { .. }));
        fn in_value(v: &RValue, f: &dyn Fn(&[Part]) -> bool) -> bool {
            match v {
                RValue::Str(p) => f(p),
                RValue::Array(items) => items.iter().any(|i| in_value(i, f)),
                RValue::Object(e) => e.iter().any(|(_, v)| in_value(v, f)),
                _ => false,
            }
        }
        self.rw.url.as_ref().is_some_and(|u| in_parts(&u.path))
            || self.rw.set_headers.iter().any(|(_, p)| in_parts(p))
            || match &self.rw.body {
                Some(NewBody::Json(v)) => in_value(v, &in_parts),
                Some(NewBody::Form(f)) => f.iter().any(|(_, v)| in_value(v, &in_parts)),
                _ => false,
            }
    }

    fn await_allowed(&self, node: Node<'a>) -> bool {
        let mut cur = self.scopes.parents.of(node);
        while let Some(n) = cur {
            match n.kind() {
                "function_declaration"
                | "function_expression"
                | "function"
                | "arrow_function"
                | "method_definition"
                | "generator_function_declaration" => {
                    let mut c = n.walk();
                    let is_async = n.children(&mut c).any(|ch| ch.kind() == "async");
                    return is_async;
                }
                "program" => {
                    // Top-level await: ES modules only.
                    let mut c = n.walk();
                    return n
                        .children(&mut c)
                        .any(|ch| matches!(ch.kind(), "import_statement" | "export_statement"));
                }
                _ => cur = self.scopes.parents.of(n),
            }
        }
        false
    }

    /// The plan's check of the response body: a request can succeed at the HTTP level
    /// and still not have done its work.
    fn close_account_check(&mut self, node: Node<'a>) {
        let unit = self.unit;
        let Some(check) = self.rw.check.as_ref() else {
            return;
        };
        let field: String = check
            .path
            .iter()
            .map(|k| {
                if self.key_text(k) == *k {
                    format!("?.{k}")
                } else {
                    format!("?.[{}]", self.string(k))
                }
            })
            .collect();
        let expected = self.value(&check.expected, "");
        let failure = escape_template(&check.failure());
        let judge = |body: &str, result: &str| {
            vec![
                format!("if ({result}{field} !== {expected}) {{"),
                format!("{unit}throw new Error(`{failure}: ${{JSON.stringify({body})}}`);"),
                "}".to_string(),
            ]
        };
        // What the call's result is used through.
        let next = self
            .scopes
            .parents
            .of(node)
            .filter(|p| p.kind() == "member_expression")
            .and_then(|p| {
                p.child_by_field_name("property")
                    .map(|prop| (p, self.src(prop)))
            });
        let (at, lead_node, param, asyncness, stmts) = match (self.call.client, next) {
            // `got(…).json()` / `ky(…).json()`: judge the parsed body after it.
            (Client::Got | Client::Ky, Some((member, "json"))) => {
                let Some(json_call) = self
                    .scopes
                    .parents
                    .of(member)
                    .filter(|c| c.kind() == "call_expression")
                else {
                    return;
                };
                let mut s = judge("body", "body");
                s.push("return body;".into());
                (json_call.end_byte(), json_call, "body", "", s)
            }
            (_, Some((_, "then" | "catch" | "finally"))) | (_, None) => {
                let (param, asyncness, mut s) = match self.call.client {
                    Client::Fetch | Client::Ky => (
                        "res",
                        "async ",
                        vec!["const body = await res.clone().json();".to_string()],
                    ),
                    Client::Axios | Client::MethodCall => ("res", "", Vec::new()),
                    Client::Got => (
                        "res",
                        "",
                        vec![format!(
                            "const body = typeof res.body === {} ? JSON.parse(res.body) : res.body;",
                            self.string("string")
                        )],
                    ),
                    Client::Superagent | Client::Supertest => ("res", "", Vec::new()),
                    Client::JQuery => ("data", "", Vec::new()),
                    // request-promise resolves with the (parsed) body.
                    Client::Request if self.is_request_promise(node) => ("body", "", Vec::new()),
                    // Callback-style clients: the check is left to the person (AUR003 says so).
                    _ => return,
                };
                let (body, result) = match self.call.client {
                    Client::Axios | Client::MethodCall => ("res.data", "res.data"),
                    Client::Superagent | Client::Supertest => ("res.body", "res.body"),
                    Client::JQuery => ("data", "data"),
                    _ => ("body", "body"),
                };
                if self.call.client == Client::Request
                    && self.src(node).contains("resolveWithFullResponse")
                {
                    return;
                }
                s.extend(judge(body, result));
                s.push(format!("return {param};"));
                (node.end_byte(), node, param, asyncness, s)
            }
            // Other methods on the request object (`.expect()`, `.pipe()`): a `.then`
            // in between would break them; AUR003 leaves the check to the person.
            _ => return,
        };
        let (lead, ind) = match self.continuation_indent(lead_node) {
            Some(ci) => (format!("\n{ci}"), ci),
            None => (String::new(), line_indent(self.text, node.start_byte())),
        };
        let mut s = format!("{lead}.then({asyncness}({param}) => {{\n");
        for st in &stmts {
            s.push_str(&format!("{ind}{unit}{st}\n"));
        }
        s.push_str(&format!("{ind}}})"));
        self.insert(at, s);
    }

    /// A request-promise call that returns its promise (no callback argument).
    fn is_request_promise(&self, node: Node) -> bool {
        let Some(name) = module_binding(
            self.root,
            self.text,
            &[
                "request-promise",
                "request-promise-native",
                "request-promise-any",
            ],
        ) else {
            return false;
        };
        let mut f = callee(node);
        while let Some(m) = f.filter(|m| m.kind() == "member_expression") {
            f = m.child_by_field_name("object");
        }
        // `rp(opts, callback)`: a callback as the last of several arguments.
        let args = arguments(node).map(named_children).unwrap_or_default();
        let callback = args.len() > 1
            && args.last().is_some_and(|n| {
                matches!(
                    n.kind(),
                    "arrow_function" | "function_expression" | "function" | "identifier"
                )
            });
        f.is_some_and(|f| f.kind() == "identifier" && self.src(f) == name) && !callback
    }

    /// The indentation of a chain written one link per line around `node`: the link
    /// after it starts a line, or its own last link does.
    fn continuation_indent(&self, node: Node<'a>) -> Option<String> {
        if let Some(p) = self
            .scopes
            .parents
            .of(node)
            .filter(|p| p.kind() == "member_expression")
        {
            let prop = p.child_by_field_name("property")?;
            if self.text[node.end_byte()..prop.start_byte()].contains('\n') {
                return Some(line_indent(self.text, prop.start_byte()));
            }
            return None;
        }
        let f = callee(node)?;
        if f.kind() == "member_expression" {
            let obj = f.child_by_field_name("object")?;
            let prop = f.child_by_field_name("property")?;
            if obj.kind() == "call_expression"
                && self.text[obj.end_byte()..prop.start_byte()].contains('\n')
            {
                return Some(line_indent(self.text, prop.start_byte()));
            }
        }
        None
    }
}

// ----- helpers inserted once per file ---------------------------------------------------

impl Renderer<'_> {
    /// The functions the plan calls that the file does not have yet.
    fn helper_blocks(&self) -> Vec<String> {
        let missing = self
            .rw
            .functions_to_insert(self.text, |f| format!("function {}", camel_case(&f.name)));
        if missing.is_empty() {
            return Vec::new();
        }
        // The file's own axios when it has one, else fetch.
        let axios = axios_binding(self.root, self.text);
        missing
            .into_iter()
            .map(|f| self.function_block(f, axios.as_deref()))
            .collect()
    }

    /// A function plan as an async function: one request, its JSON response, the
    /// value it returns (cached per origin when the plan says so).
    fn function_block(&self, f: &FunctionPlan, axios: Option<&str>) -> String {
        let ts = matches!(self.language, Language::TypeScript | Language::Tsx);
        let u = self.unit;
        let name = camel_case(&f.name);
        let params: Vec<String> = f.params.iter().map(|p| camel_case(p)).collect();
        let base = params.first().cloned().unwrap_or_default();
        let signature = params
            .iter()
            .map(|p| {
                if ts {
                    format!("{p}: string")
                } else {
                    p.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let ret = if ts { ": Promise<string>" } else { "" };
        let url = format!("`${{{base}}}{}`", escape_template(&f.path));
        let field = f.returns.field();
        let first = matches!(f.returns, Returns::FirstItemField { .. });
        let item_type = format!("Array<{{ {field}: string }}>");
        let headers = |lead: &str| -> Option<String> {
            let mut all: Vec<String> = Vec::new();
            if !f.body.is_empty() && axios.is_none() {
                all.push(format!(
                    "{}: {}",
                    self.key_text("Content-Type"),
                    self.string("application/json")
                ));
            }
            for (k, v) in &f.headers {
                all.push(format!("{}: {}", self.key_text(k), self.parts(v)));
            }
            (!all.is_empty()).then(|| format!("{lead}headers: {{ {} }},\n", all.join(", ")))
        };
        let fields = |lead: &str| -> String {
            f.body
                .iter()
                .map(|(k, v)| format!("{lead}{}: {},\n", self.key_text(k), self.value(v, lead)))
                .collect()
        };
        let what = escape_template(&f.what);
        let mut request = String::new();
        let list = match axios {
            Some(ax) => {
                let method = f.method.to_ascii_lowercase();
                let generic = if ts && first {
                    format!("<{item_type}>")
                } else {
                    String::new()
                };
                request.push_str(&format!(
                    "{u}const {{ data }} = await {ax}.{method}{generic}({url}, {{\n"
                ));
                if !f.body.is_empty() {
                    request.push_str(&fields(&format!("{u}{u}")));
                } else {
                    if !f.query.is_empty() {
                        let q: Vec<String> = f
                            .query
                            .iter()
                            .map(|(k, v)| format!("{}: {}", self.key_text(k), self.parts(v)))
                            .collect();
                        request.push_str(&format!("{u}{u}params: {{ {} }},\n", q.join(", ")));
                    }
                    request.extend(headers(&format!("{u}{u}")));
                }
                request.push_str(&format!("{u}}});\n"));
                "data"
            }
            None => {
                let mut url = url;
                if !f.query.is_empty() {
                    let q: Vec<String> = f
                        .query
                        .iter()
                        .map(|(k, v)| {
                            let v = match v.as_slice() {
                                [Part::Lit(t)] => escape_template(t),
                                _ => format!("${{encodeURIComponent({})}}", self.parts(v)),
                            };
                            format!("{}={v}", escape_template(k))
                        })
                        .collect();
                    url.pop();
                    url = format!("{url}?{}`", q.join("&"));
                }
                request.push_str(&format!("{u}const res = await fetch({url}, {{\n"));
                if f.method != "GET" {
                    request.push_str(&format!("{u}{u}method: {},\n", self.string(&f.method)));
                }
                request.extend(headers(&format!("{u}{u}")));
                if !f.body.is_empty() {
                    request.push_str(&format!(
                        "{u}{u}body: JSON.stringify({{\n{}{u}{u}}}),\n",
                        fields(&format!("{u}{u}{u}"))
                    ));
                }
                request.push_str(&format!(
                    "{u}}});\n{u}if (!res.ok) throw new Error(`{what} failed: ${{res.status}}`);\n"
                ));
                let var = if first { "users" } else { "data" };
                let cast = match (ts, first, &f.cache) {
                    (false, _, _) => "await res.json()".to_string(),
                    (true, true, _) => format!("(await res.json()) as {item_type}"),
                    (true, false, Some(c)) => format!(
                        "(await res.json()) as {{ {field}: string; {}: number }}",
                        c.expires_in
                    ),
                    (true, false, None) => format!("(await res.json()) as {{ {field}: string }}"),
                };
                request.push_str(&format!("{u}const {var} = {cast};\n"));
                var
            }
        };
        let mut body = String::new();
        match &f.returns {
            Returns::FirstItemField { missing, .. } => {
                body.push_str(&request);
                body.push_str(&format!(
                    "{u}const user = {list}[0];\n{u}if (!user) throw new Error({});\n{u}return user.{field};\n",
                    self.parts(missing)
                ));
            }
            Returns::Field(_) => {
                let annotation = if ts && axios.is_some() {
                    ": string"
                } else {
                    ""
                };
                request.push_str(&format!("{u}const token{annotation} = {list}.{field};\n"));
                match &f.cache {
                    Some(c) => {
                        let cache = format!("{name}s");
                        body.push_str(&format!(
                            "{u}const cached = {cache}.get({base});\n{u}if (cached && cached.expires > Date.now()) return cached.token;\n{request}{u}{cache}.set({base}, {{ token, expires: Date.now() + (Number({list}.{}) - {}) * 1000 }});\n{u}return token;\n",
                            c.expires_in, c.margin_seconds
                        ));
                    }
                    None => {
                        body.push_str(&request);
                        body.push_str(&format!("{u}return token;\n"));
                    }
                }
            }
        }
        let cache = match &f.cache {
            Some(_) => {
                let map = if ts {
                    "new Map<string, { token: string; expires: number }>()"
                } else {
                    "new Map()"
                };
                format!("const {name}s = {map};\n")
            }
            None => String::new(),
        };
        let cached = if f.cache.is_some() {
            ", cached until shortly before it expires"
        } else {
            ""
        };
        format!(
            "// {}{cached}.\n{cache}async function {name}({signature}){ret} {{\n{body}}}",
            f.doc
        )
    }

    /// Inserts module-level code after the file's imports (or helpers), with one blank
    /// line before and after it.
    fn top_level_edit(&self, blocks: &[String]) -> Edit {
        let text = self.text;
        let block = blocks.join("\n\n");
        let at = self.style.insert_at;
        let content = if at == 0 {
            format!("{block}\n\n")
        } else {
            // One blank line before the block and one after it.
            let rest = &text[at..];
            let blank_after = rest.is_empty()
                || rest.starts_with("\n\n")
                || rest.starts_with("\r\n\r\n")
                || rest.trim_start_matches([' ', '\t']).starts_with("\n\n");
            let after = if blank_after || !rest.starts_with(['\n', '\r']) {
                ""
            } else {
                "\n"
            };
            format!("\n\n{block}{after}")
        };
        Edit {
            span: at..at,
            content,
        }
    }
}

/// After helpers already in the file, else after the last top-level import or
/// `require`, else after directives, a shebang and the file's opening comments.
fn insertion_point(root: Node, text: &str, heads: &[String]) -> usize {
    let mut c = root.walk();
    let children: Vec<Node> = root.children(&mut c).collect();
    let end_of_line = |at: usize| -> usize {
        // Keep a trailing comment on the same line.
        match text[at..].find('\n') {
            Some(nl) if text[at..at + nl].trim_start().starts_with("//") => line_end(text, at),
            _ => at,
        }
    };
    let helper = |n: &Node| {
        let src = &text[n.start_byte()..n.end_byte()];
        heads.iter().any(|h| src.starts_with(h.as_str()))
    };
    if let Some(last) = children.iter().rfind(|n| helper(n)) {
        return end_of_line(last.end_byte());
    }
    if let Some(last) = children.iter().rfind(|n| is_import(**n, text)) {
        return end_of_line(last.end_byte());
    }
    let mut at = 0;
    for child in &children {
        let src = &text[child.start_byte()..child.end_byte()];
        let directive = child.kind() == "expression_statement"
            && (src.starts_with("'use strict'") || src.starts_with("\"use strict\""));
        if directive || child.kind() == "hash_bang_line" || child.kind() == "comment" {
            at = end_of_line(child.end_byte());
        } else {
            break;
        }
    }
    at
}

/// How the functions the plans insert begin (their cache, their declaration).
fn function_heads(items: &[(&HttpCall, &RewritePlan)]) -> Vec<String> {
    let mut heads = Vec::new();
    for (_, plan) in items {
        for f in &plan.functions {
            let name = camel_case(&f.name);
            if f.cache.is_some() {
                heads.push(format!("const {name}s"));
            }
            heads.push(format!("async function {name}("));
        }
    }
    heads
}

/// `import …`, `const x = require('m')` (also `require('m').y`, `require('m')(opts)`).
fn is_import(n: Node, text: &str) -> bool {
    match n.kind() {
        "import_statement" => true,
        "lexical_declaration" | "variable_declaration" => {
            let mut c = n.walk();
            let decls: Vec<Node> = n
                .named_children(&mut c)
                .filter(|d| d.kind() == "variable_declarator")
                .collect();
            !decls.is_empty()
                && decls.iter().all(|d| {
                    let mut v = d.child_by_field_name("value");
                    while let Some(x) = v {
                        match x.kind() {
                            "call_expression" => {
                                let f = x.child_by_field_name("function");
                                if f.is_some_and(|f| {
                                    f.kind() == "identifier" && &text[f.byte_range()] == "require"
                                }) {
                                    return true;
                                }
                                v = f;
                            }
                            "member_expression" => v = x.child_by_field_name("object"),
                            "await_expression" | "parenthesized_expression" => v = x.named_child(0),
                            _ => return false,
                        }
                    }
                    false
                })
        }
        _ => false,
    }
}

/// The name the file binds axios to (`const axios = require('axios')`, `import http from 'axios'`).
fn axios_binding(root: Node, text: &str) -> Option<String> {
    module_binding(root, text, &["axios"])
}

/// The name the file binds one of `modules` to, with a top-level import or `require`.
fn module_binding(root: Node, text: &str, modules: &[&str]) -> Option<String> {
    let mut c = root.walk();
    for child in root.children(&mut c) {
        let src = &text[child.start_byte()..child.end_byte()];
        let names = modules
            .iter()
            .any(|m| src.contains(&format!("'{m}'")) || src.contains(&format!("\"{m}\"")));
        if !names || !is_import(child, text) {
            continue;
        }
        let rest = ["import ", "const ", "let ", "var "]
            .iter()
            .find_map(|kw| src.strip_prefix(kw));
        if let Some(rest) = rest {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                .collect();
            if !name.is_empty() {
                return Some(name);
            }
        }
    }
    None
}

// ----- small tree and text utilities -------------------------------------------------

fn client_name(c: Client) -> &'static str {
    match c {
        Client::NodeHttp => "node http.request",
        Client::Rpc => "SDK RPC",
        Client::BaseUrl => "base-URL",
        _ => "these",
    }
}

fn arguments(call: Node) -> Option<Node> {
    call.child_by_field_name("arguments")
}

fn named_children(n: Node) -> Vec<Node> {
    let mut c = n.walk();
    n.named_children(&mut c)
        .filter(|ch| ch.kind() != "comment")
        .collect()
}

fn has_comment(n: Node) -> bool {
    let mut c = n.walk();
    let found = n.named_children(&mut c).any(|ch| ch.kind() == "comment");
    found
}

fn contains(outer: Node, inner: Node) -> bool {
    outer.id() != inner.id()
        && outer.start_byte() <= inner.start_byte()
        && inner.end_byte() <= outer.end_byte()
}

/// The node spanning exactly `span` (the outermost one), if any.
fn node_at<'t>(parents: &Parents<'t>, root: Node<'t>, span: &Span) -> Option<Node<'t>> {
    let mut n = root.descendant_for_byte_range(span.start, span.end)?;
    if n.start_byte() != span.start || n.end_byte() != span.end {
        return None;
    }
    while let Some(p) = parents.of(n) {
        if p.start_byte() == span.start && p.end_byte() == span.end {
            n = p;
        } else {
            break;
        }
    }
    Some(n)
}

/// The scope `node` is evaluated in.
fn scope_at<'t>(scopes: &Scopes<'t>, node: Node<'t>) -> scope::ScopeId {
    let mut cur = Some(node);
    while let Some(n) = cur {
        if let Some(s) = scopes.scope_of(n) {
            return s;
        }
        cur = scopes.parents.of(n);
    }
    0
}

/// The function whose `this` an expression at `n` sees (arrow functions have none).
fn this_owner<'t>(parents: &Parents<'t>, n: Node<'t>) -> Option<usize> {
    let mut cur = parents.of(n);
    while let Some(p) = cur {
        if matches!(
            p.kind(),
            "function_declaration"
                | "function_expression"
                | "function"
                | "method_definition"
                | "generator_function_declaration"
                | "class_body"
        ) {
            return Some(p.id());
        }
        cur = parents.of(p);
    }
    None
}

/// The expression a URL starts with: the first operand of a `+` chain, the first
/// substitution of a template that starts with one, or the URL itself.
fn leading_operand(url: Node) -> Option<Node> {
    match url.kind() {
        "binary_expression" => leading_operand(url.child_by_field_name("left")?),
        "parenthesized_expression" => leading_operand(url.named_child(0)?),
        "template_string" => {
            let first = url.named_child(0)?;
            (first.kind() == "template_substitution" && first.start_byte() == url.start_byte() + 1)
                .then(|| first.named_child(0))
                .flatten()
        }
        "identifier" | "member_expression" => Some(url),
        _ => None,
    }
}

fn member_property(callee: Node, text: &str) -> Option<String> {
    (callee.kind() == "member_expression")
        .then(|| callee.child_by_field_name("property"))
        .flatten()
        .map(|p| text[p.start_byte()..p.end_byte()].to_string())
}

/// The option that names the HTTP method (`type` is jQuery's).
fn is_method_key(k: &str) -> bool {
    k == "method" || k == "type"
}

fn is_verb(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "get" | "post" | "put" | "patch" | "delete" | "head" | "options"
    )
}

/// `scheme://host[:port]` and nothing more.
fn is_origin(s: &str) -> bool {
    s.split_once("://").is_some_and(|(scheme, rest)| {
        !scheme.is_empty() && !rest.is_empty() && !rest.contains(['/', '?', '#'])
    })
}

/// The properties of an object literal (pairs and shorthand properties).
fn object_entries(obj: Node) -> Vec<Node> {
    named_children(obj)
        .into_iter()
        .filter(|c| {
            matches!(
                c.kind(),
                "pair" | "shorthand_property_identifier" | "spread_element" | "method_definition"
            )
        })
        .collect()
}

fn entry_key(entry: Node, text: &str) -> Option<String> {
    match entry.kind() {
        "pair" => {
            let k = entry.child_by_field_name("key")?;
            match k.kind() {
                "string" => string_value(k, text),
                "computed_property_name" => None,
                _ => Some(text[k.start_byte()..k.end_byte()].to_string()),
            }
        }
        "shorthand_property_identifier" => {
            Some(text[entry.start_byte()..entry.end_byte()].to_string())
        }
        _ => None,
    }
}

fn object_pair<'t>(obj: Node<'t>, key: &str, text: &str) -> Option<Node<'t>> {
    object_entries(obj)
        .into_iter()
        .find(|e| entry_key(*e, text).as_deref() == Some(key))
}

/// The value node of `key` in an object literal (the identifier itself for `{ key }`).
fn object_value<'t>(obj: Node<'t>, key: &str, text: &str) -> Option<Node<'t>> {
    let e = object_pair(obj, key, text)?;
    match e.kind() {
        "pair" => e.child_by_field_name("value"),
        _ => Some(e),
    }
}

fn string_value(n: Node, text: &str) -> Option<String> {
    if n.kind() != "string" {
        return None;
    }
    let raw = &text[n.start_byte() + 1..n.end_byte() - 1];
    Some(unescape_js(raw))
}

/// The innermost string or template literal containing byte `at`.
fn literal_at(url: Node, at: usize) -> Option<Node> {
    let mut best = None;
    let mut stack = vec![url];
    while let Some(n) = stack.pop() {
        if n.start_byte() <= at && at <= n.end_byte() {
            if matches!(n.kind(), "string" | "template_string")
                && n.start_byte() < at
                && at < n.end_byte()
            {
                best = Some(n);
            }
            let mut c = n.walk();
            stack.extend(n.children(&mut c));
        }
    }
    best
}

fn is_plain_reference(expr: &str) -> bool {
    !expr.is_empty()
        && expr
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
}

/// `f(x)` → `x` for the functions named (once); anything else unchanged.
fn strip_call<'s>(expr: &'s str, names: &[&str]) -> &'s str {
    for name in names {
        if let Some(inner) = expr
            .strip_prefix(name)
            .and_then(|r| r.trim_start().strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
        {
            // The parentheses must be the call's own: `f(a)(b)` is not `a)(b`.
            let mut depth = 0i32;
            let balanced = inner.chars().all(|c| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth >= 0
            });
            if balanced && depth == 0 && !inner.contains(',') {
                return inner.trim();
            }
        }
    }
    expr
}

/// A query value as the URL parser writes it (`a{expr}b`) as template text.
fn mini_template(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push_str("${");
                } else {
                    out.push(c);
                }
                depth += 1;
            }
            '}' if depth > 0 => {
                depth -= 1;
                out.push('}');
            }
            c if depth == 0 && c == '`' => out.push_str("\\`"),
            c => out.push(c),
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` (a query string's space).
fn percent_decode(s: &str) -> String {
    if !s.contains(['%', '+']) {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit() =>
            {
                let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
                out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
                i += 3;
                continue;
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn escape_string(s: &str, q: char) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn escape_template(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('`', "\\`")
        .replace("${", "\\${")
}

fn unescape_js(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}
