//! Renders a [`RewritePlan`] as edits of a JavaScript/TypeScript file.
//!
//! The file is parsed again and the call is found by its exact span; every change is a
//! small edit of the call's own syntax (a method string, a property of the options
//! object, the part of the URL after the kept prefix), so comments, quotes, indentation
//! and the call's shape stay as they were. Changes to object literals are collected
//! first ([`Plan`]) and written at the end: an object written on one line stays on one
//! line while it fits in [`layout::MAX_WIDTH`] columns and is laid out one property per
//! line (at the call's indentation) when it does not. When a change cannot be made
//! without guessing (options held in a variable, a shape this renderer does not know, an
//! expression that would not be in scope at the call), it returns an error and the fix
//! is shown as manual instead.
//!
//! One [`Renderer`] per call; its methods live by concern:
//! - one module per client shape: [`fetch`], [`axios`] (and its instances, and generic
//!   `client.verb(url, …)` calls), [`got_ky`], [`request`], [`jquery`], [`pm`]
//!   (`pm.sendRequest`), [`chain`] (superagent, supertest);
//! - what every shape shares: [`options`] (method, headers, query and body as properties
//!   of the options object), [`url`], [`values`] (plan values spelled as JavaScript),
//!   [`sources`] (expressions written elsewhere), [`response`] (`await`, the response
//!   check);
//! - the object-literal layout engine, [`layout`]; the file's habits, [`style`];
//!   module-level code inserted once per file, [`module_code`]; tree utilities, [`syntax`].

mod axios;
mod chain;
mod fetch;
mod got_ky;
mod jquery;
mod layout;
mod module_code;
mod options;
mod pm;
mod request;
mod response;
mod sources;
mod style;
mod syntax;
mod url;
mod values;

use super::scope::{self, Scopes};
use crate::call::{Client, HttpCall, Span};
use crate::finding::Edit;
use crate::frontend::fields::ChildField as _;
use crate::frontend::parents::Parents;
use crate::model::plan::{NewBody, RValue, RewritePlan};
use crate::source::Language;
use layout::Plan;
use module_code::{
    function_heads, hoist_graphql_query, insertion_point, top_level_declarators, Hoisted,
};
use style::{file_habits, indent_unit, line_indent, quote_style, FileStyle};
use syntax::client_name;
use tree_sitter::{Node, Tree};

type R<T> = Result<T, String>;

/// Renders several rewrites of one file: its scopes are collected once, however many
/// calls are rewritten (each result is independent of the others). `parsed` is the
/// tree the extraction already built for this very text, when there is one, and
/// `analysed` the scopes it collected, when it handed them on.
pub(super) fn render_batch(
    text: &str,
    language: Language,
    parsed: Option<&Tree>,
    analysed: Option<&super::Analysis>,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<R<Vec<Edit>>> {
    let fresh_tree;
    let fresh_scopes;
    let (root, scopes) = match analysed {
        Some(a) => {
            let (_, root, scopes) = a.view();
            (root, scopes)
        }
        None => {
            let tree = match parsed {
                Some(t) => Some(t),
                None => {
                    fresh_tree = super::parse(text, language);
                    fresh_tree.as_ref()
                }
            };
            let Some(tree) = tree else {
                return items
                    .iter()
                    .map(|_| Err("the file could not be parsed".into()))
                    .collect();
            };
            let root = tree.root_node();
            fresh_scopes = scope::collect(root, text);
            (root, &fresh_scopes)
        }
    };
    let unit = indent_unit(text);
    // File-wide style, read once for every rewrite of the file.
    let (quote, trailing_commas) = match scopes.habits {
        Some(h) => h.style(),
        None => file_habits(root, text),
    };
    let style = FileStyle {
        quote,
        trailing_commas,
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
                hoist_graphql_query(rewrite, &declarators, text, scopes, node),
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
                scopes,
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
        if node.kind_name() == "call_expression" && node.end_byte() == span.end {
            if let Some(f) = node.field("function") {
                if f.kind_name() == "await_expression"
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
    matches!(n.kind_name(), "call_expression" | "new_expression")
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

impl<'a> Renderer<'a> {
    /// The module of an Observable-returning HTTP client the file imports (Angular's
    /// `HttpClient`, NestJS's `HttpService`): a generic `x.delete(url)` in such a file
    /// is most likely made with it.
    fn observable_client(&self) -> Option<&'a str> {
        ["HttpClient", "HttpService"].iter().find_map(|name| {
            let b = self.scopes.lookup(name, 0)?;
            match &self.scopes.binding(b).kind {
                scope::BindKind::Import { module, .. }
                    if matches!(
                        module.as_str(),
                        "@angular/common/http" | "@nestjs/axios" | "@nestjs/common"
                    ) =>
                {
                    Some(module.as_str())
                }
                _ => None,
            }
        })
    }

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
        if self.call.client == Client::MethodCall {
            if let Some(module) = self.observable_client() {
                return Err(format!(
                    "the file's HTTP client comes from `{module}`, whose requests return an Observable, not a promise: the rewrite would change how the response is read; rewrite it by hand"
                ));
            }
        }
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
            self.check_response(node);
        }
        if self.uses_await() && !self.await_allowed(node) {
            return Err(
                "the rewritten call needs `await`, but it is not inside an async function".into(),
            );
        }
        self.flush_plans()
    }
}
