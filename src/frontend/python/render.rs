//! Renders a [`RewritePlan`] as edits of a Python file.
//!
//! The call is found in the tree by its exact span, and every change is a small edit of
//! the call's own syntax: the method name (`requests.delete` → `requests.post`, or the
//! method string of `request("DELETE", …)`), the URL argument, keyword arguments
//! (`params=`, `headers=`, `data=`, `json=`) edited in place when they are dict literals
//! and added, replaced or removed otherwise. Module-level code the plan needs (its
//! constants, its functions, `import os`) is inserted once, after the file's imports.
//! A plan with a response check gets it after the statement that makes the call.
//!
//! When a change cannot be made without guessing (a call whose response is not bound to
//! a name, a URL whose path starts in a client's `base_url`, a helper for a file that
//! only uses aiohttp or urllib), it returns an error and the fix is shown as manual.

use super::clients::CallSyntax;
use crate::call::{Client, HttpCall, Piece, Span};
use crate::finding::Edit;
use crate::frontend::fields::ChildField as _;
use crate::frontend::insert;
use crate::frontend::parents::Parents;
use crate::model::plan::{FunctionPlan, NewBody, Part, RValue, Returns, RewritePlan};
use std::collections::BTreeSet;
use tree_sitter::{Node, Tree};

type R<T> = Result<T, String>;

/// Lines the renderer writes are kept within this many columns where it can.
const MAX_WIDTH: usize = 100;

/// The edits of each rewrite, or why it cannot be rendered.
pub fn render_batch(
    text: &str,
    tree: Option<&Tree>,
    syntax: Option<&[CallSyntax]>,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<Result<Vec<Edit>, String>> {
    let fresh;
    let tree = match tree {
        Some(t) => t,
        None => match super::parse(text) {
            Some(t) => {
                fresh = t;
                &fresh
            }
            None => {
                return items
                    .iter()
                    .map(|_| Err("the file could not be parsed".into()))
                    .collect()
            }
        },
    };
    // The extraction's analysis of this very tree, or the file analysed here.
    let analysed: Vec<CallSyntax>;
    let syntax = match syntax {
        Some(s) => s,
        None => {
            analysed = super::analyse(text, tree)
                .0
                .into_iter()
                .map(|f| f.split().1)
                .collect();
            &analysed
        }
    };
    // Each rewrite's call, found by its spans: one look-up per rewrite, not a search
    // of every call (quadratic in a file of thousands of calls).
    let by_span: std::collections::HashMap<&(Span, Span), &CallSyntax> =
        syntax.iter().rev().map(|f| (&f.key, f)).collect();
    let root = tree.root_node();
    let file = File::new(text, root);
    items
        .iter()
        .map(|(call, rw)| {
            let meta = *by_span
                .get(&(call.span.clone(), call.url.span.clone()))
                .ok_or("the call was not found in the file")?;
            let node = call_node(&file.parents, root, &call.span)
                .ok_or("the call was not found in the file")?;
            let mut r = Renderer {
                f: &file,
                call,
                rw,
                meta,
                node,
                edits: Vec::new(),
                added: Vec::new(),
                imports: BTreeSet::new(),
                blocks: Vec::new(),
            };
            r.run()?;
            r.finish()
        })
        .collect()
}

/// What the renderer knows about the whole file.
struct File<'t> {
    text: &'t str,
    /// The quote the file writes strings with.
    quote: char,
    /// One level of indentation.
    unit: String,
    /// `import x` / `import x as y` at top level: local name → module.
    modules: Vec<(String, String)>,
    /// Top-level `NAME = value` assignments: name → the value node (parentheses
    /// removed). Read once per file, as the next two: per rewrite, they made files
    /// with thousands of calls quadratic.
    assignments: Vec<(&'t str, Node<'t>)>,
    /// Where module-level code goes, and whether the file has imports there.
    insertion: (usize, bool),
    /// The end of the last top-level standard-library import.
    stdlib_import_end: Option<usize>,
    /// Every word of the text, once asked for.
    words: std::cell::OnceCell<std::collections::HashSet<&'t str>>,
    /// Every node's parent (see [`crate::frontend::parents`]).
    parents: crate::frontend::parents::Parents<'t>,
}

/// How far back a line's start is looked for (see [`File::line_start`]).
const LINE_WINDOW: usize = 8192;

impl<'t> File<'t> {
    fn new(text: &'t str, root: Node<'t>) -> Self {
        let doubles = text.matches('"').count();
        let singles = text.matches('\'').count();
        let quote = if singles > doubles * 2 { '\'' } else { '"' };
        let unit = text
            .lines()
            .filter_map(|l| {
                let n = l.len() - l.trim_start_matches(' ').len();
                (n > 0 && !l.trim().is_empty()).then_some(n)
            })
            .min()
            .map_or("    ".to_string(), |n| " ".repeat(n.min(8)));
        let unit = if crate::model::text::tab_indented(text) {
            "\t".to_string()
        } else {
            unit
        };
        let mut modules = Vec::new();
        let mut c = root.walk();
        for stmt in root.named_children(&mut c) {
            if stmt.kind_name() != "import_statement" {
                continue;
            }
            let mut ic = stmt.walk();
            for name in stmt.children_by_field_name("name", &mut ic) {
                match name.kind_name() {
                    "dotted_name" => {
                        let m = &text[name.byte_range()];
                        modules.push((m.to_string(), m.to_string()));
                    }
                    "aliased_import" => {
                        if let (Some(n), Some(a)) = (name.field("name"), name.field("alias")) {
                            modules.push((
                                text[a.byte_range()].to_string(),
                                text[n.byte_range()].to_string(),
                            ));
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut assignments = Vec::new();
        let mut c = root.walk();
        for stmt in root.named_children(&mut c) {
            let Some(a) = stmt
                .named_child(0)
                .filter(|a| a.kind_name() == "assignment")
            else {
                continue;
            };
            let (Some(l), Some(r)) = (a.field("left"), a.field("right")) else {
                continue;
            };
            let r = if r.kind_name() == "parenthesized_expression" {
                r.named_child(0).unwrap_or(r)
            } else {
                r
            };
            assignments.push((&text[l.byte_range()], r));
        }
        File {
            text,
            quote,
            unit,
            modules,
            assignments,
            insertion: insertion_point(root, text),
            stdlib_import_end: last_stdlib_import(root, text),
            words: std::cell::OnceCell::new(),
            parents: crate::frontend::parents::Parents::new(root),
        }
    }

    fn t(&self, n: Node) -> &'t str {
        &self.text[n.byte_range()]
    }

    /// The local name of an imported module (`httpx` → `hx` for `import httpx as hx`).
    fn module(&self, module: &str) -> Option<&str> {
        self.modules
            .iter()
            .find(|(_, m)| m == module)
            .map(|(l, _)| l.as_str())
    }

    /// The start of the line holding `pos`, or a point [`LINE_WINDOW`] bytes back on
    /// a longer line (a minified one-line file: searching it whole for each call
    /// was quadratic, and its layout is no concern that far away).
    fn line_start(&self, pos: usize) -> usize {
        let mut from = pos.saturating_sub(LINE_WINDOW);
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        self.text[from..pos]
            .rfind('\n')
            .map_or(from, |i| from + i + 1)
    }

    fn column(&self, pos: usize) -> usize {
        let start = self.line_start(pos);
        self.text[start..pos].chars().count()
    }

    fn indent_at(&self, pos: usize) -> &'t str {
        let start = self.line_start(pos);
        if start > 0 && self.text.as_bytes()[start - 1] != b'\n' {
            return "";
        }
        let line = &self.text[start..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }

    /// Whether `word` appears as a whole word anywhere in the file (the words are
    /// collected once: looking for them for each call was quadratic).
    fn has_word(&self, word: &str) -> bool {
        self.words
            .get_or_init(|| {
                self.text
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| !w.is_empty())
                    .collect()
            })
            .contains(word)
    }
}

/// A piece of a string the rewritten code builds.
#[derive(Clone, Debug)]
enum Seg {
    Text(String),
    /// A Python expression, written as is.
    Expr(String),
    Env(String),
    /// A call of one of the plan's functions.
    Call {
        function: String,
        args: Vec<Vec<Seg>>,
    },
}

struct Renderer<'a, 't> {
    f: &'a File<'t>,
    call: &'a HttpCall,
    rw: &'a RewritePlan,
    meta: &'a CallSyntax,
    node: Node<'t>,
    edits: Vec<Edit>,
    /// Keyword arguments to add after the last argument.
    added: Vec<String>,
    /// Modules the new code needs (`os`, `time`, …).
    imports: BTreeSet<&'static str>,
    /// Module-level code to insert after the imports.
    blocks: Vec<String>,
}

impl<'t> Renderer<'_, 't> {
    fn t(&self, n: Node) -> &'t str {
        self.f.t(n)
    }

    /// The parent of `n`.
    fn up(&self, n: Node<'t>) -> Option<Node<'t>> {
        self.f.parents.of(n)
    }

    /// The nearest enclosing function of `n`, if any.
    fn function_of(&self, n: Node<'t>) -> Option<Node<'t>> {
        self.f
            .parents
            .ancestors(n)
            .find(|p| p.kind_name() == "function_definition")
    }

    fn args(&self) -> R<Node<'t>> {
        self.node
            .field("arguments")
            .filter(|a| a.kind_name() == "argument_list")
            .ok_or_else(|| "the call has no argument list".to_string())
    }

    fn arg_nodes(&self) -> R<Vec<Node<'t>>> {
        let args = self.args()?;
        let mut c = args.walk();
        let out = args
            .named_children(&mut c)
            .filter(|a| a.kind_name() != "comment")
            .collect();
        Ok(out)
    }

    fn kwarg(&self, name: &str) -> R<Option<Node<'t>>> {
        Ok(self.arg_nodes()?.into_iter().find(|a| {
            a.kind_name() == "keyword_argument"
                && a.field("name").is_some_and(|n| self.t(n) == name)
        }))
    }

    fn edit(&mut self, span: Span, content: impl Into<String>) {
        self.edits.push(Edit {
            span,
            content: content.into(),
        });
    }

    /// Removes one argument with the comma that separates it from its neighbour.
    fn remove_arg(&mut self, arg: Node<'t>) -> R<()> {
        let all = self.arg_nodes()?;
        let i = all
            .iter()
            .position(|a| a.id() == arg.id())
            .ok_or("argument not found")?;
        let span = if i > 0 {
            all[i - 1].end_byte()..arg.end_byte()
        } else if let Some(next) = all.get(1) {
            arg.start_byte()..next.start_byte()
        } else {
            arg.byte_range()
        };
        self.edit(span, "");
        Ok(())
    }

    fn run(&mut self) -> R<()> {
        if !matches!(
            self.call.client,
            Client::Requests
                | Client::SessionCall
                | Client::Httpx
                | Client::Aiohttp
                | Client::Urllib
        ) {
            return Err(match self.call.client {
                Client::Urllib3 => "rewriting urllib3 calls is not supported".into(),
                Client::HttpClient => "rewriting http.client calls is not supported".into(),
                _ => "this call shape cannot be rewritten automatically".into(),
            });
        }
        if let Some(wrapper) = &self.meta.wrapper {
            return Err(format!(
                "the request goes through `{wrapper}`, whose arguments this rewrite would have to change; rewrite it by hand"
            ));
        }
        self.method()?;
        self.url()?;
        self.params()?;
        self.body()?;
        self.headers()?;
        self.helpers()?;
        self.result_check()?;
        Ok(())
    }

    // ------------------------------------------------------------------ method

    fn method(&mut self) -> R<()> {
        let Some(m) = &self.rw.method else {
            return Ok(());
        };
        if self.call.method.is(m) {
            return Ok(());
        }
        match &self.call.method.span {
            Some(span) => {
                let written = &self.f.text[span.clone()];
                let quoted = self.f.text[..span.start].ends_with(['"', '\'']);
                let new = if !quoted || written.chars().all(|c| c.is_ascii_lowercase()) {
                    m.to_ascii_lowercase()
                } else {
                    m.to_ascii_uppercase()
                };
                if !quoted && !written.eq_ignore_ascii_case(m) && self.call.method.name.is_none() {
                    return Err("the method is computed at run time".into());
                }
                self.edit(span.clone(), new);
            }
            None if self.call.client == Client::Urllib => {
                self.added.push(format!(
                    "method={}",
                    self.string(&m.to_ascii_uppercase(), None)
                ));
            }
            None => return Err("the method is not written where it could be changed".into()),
        }
        Ok(())
    }

    // ------------------------------------------------------------------ URL

    fn url(&mut self) -> R<()> {
        let arg = self
            .meta
            .url_arg
            .clone()
            .ok_or("the URL is not an argument")?;
        let base = self.meta.base_pieces;
        let segs = if let Some(new) = &self.rw.url {
            let prefix = &new.prefix;
            if base > 0 {
                let kept = prefix.len() >= base
                    && prefix[..base] == self.call.url.pieces[..base]
                    && (prefix.len() > base || new.cut.is_some_and(|c| c >= arg.start));
                if !kept {
                    return Err(
                        "the new path starts inside the client's base_url; change the base URL by hand"
                            .into(),
                    );
                }
            }
            // Text taken from a settings field's default would pin the URL to the
            // default and drop what the field is set to at run time.
            for p in &prefix[base.min(prefix.len())..] {
                let Piece::Lit { span, .. } = p else {
                    continue;
                };
                if self.call.vias.iter().any(|v| v.literal == *span) {
                    continue;
                }
                if let Some((_, expr)) = self
                    .meta
                    .defaults
                    .iter()
                    .find(|(d, _)| d.start <= span.start && span.end <= d.end)
                {
                    return Err(format!(
                        "the new URL would copy part of the default of `{expr}`, which can be set at run time; write the new base URL by hand"
                    ));
                }
            }
            // `urljoin(base, "/api/…")` with a base not known here: only the path
            // argument changes (urljoin keeps the base's origin, an f-string would not).
            let kept = &prefix[base.min(prefix.len())..];
            let joined = kept.iter().find_map(|p| match p {
                Piece::Hole { span, .. } => self.meta.joins.iter().find(|(b, _)| b == span),
                Piece::Lit { .. } => None,
            });
            if let Some((_, path)) = joined {
                let rooted = matches!(new.path.first(), Some(Part::Lit(t)) if t.starts_with('/'));
                if kept.len() != 1 || !rooted || path.start < arg.start || path.end > arg.end {
                    return Err(
                        "the URL is joined with urljoin() to a base not known here; change its path by hand"
                            .into(),
                    );
                }
                let segs: Vec<Seg> = new.path.iter().map(|p| self.part_seg(p)).collect();
                let segs = self.fold_names(segs);
                let expr = self.segs_expr(&segs, None)?;
                self.edit(path.clone(), expr);
                return Ok(());
            }
            let mut segs = self.pieces_segs(kept);
            for p in &new.path {
                segs.push(self.part_seg(p));
            }
            segs
        } else if self.rw.drop_query && self.call.url.literal_text().contains('?') {
            let mut kept = Vec::new();
            for p in &self.call.url.pieces[base..] {
                match p {
                    Piece::Lit { text, span, exact } if text.contains('?') => {
                        let cut = text.find('?').unwrap_or(text.len());
                        kept.push(Piece::Lit {
                            text: text[..cut].to_string(),
                            span: span.clone(),
                            exact: *exact,
                        });
                        break;
                    }
                    p => kept.push(p.clone()),
                }
            }
            self.pieces_segs(&kept)
        } else {
            return Ok(());
        };
        let segs = self.fold_names(segs);
        let expr = self.segs_expr(&segs, None)?;
        self.edit(arg, expr);
        Ok(())
    }

    /// A URL that starts with the whole value of a name the call used (`API_BASE`)
    /// is written with that name again.
    fn fold_names(&self, segs: Vec<Seg>) -> Vec<Seg> {
        let mut merged: Vec<Seg> = Vec::new();
        for s in segs {
            match (merged.last_mut(), s) {
                (Some(Seg::Text(a)), Seg::Text(b)) => a.push_str(&b),
                (_, s) => merged.push(s),
            }
        }
        let mut segs = merged;
        let Some(Seg::Text(first)) = segs.first().cloned() else {
            return segs;
        };
        let best = self
            .call
            .url
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Lit { text, span, .. } => self
                    .call
                    .vias
                    .iter()
                    .find(|v| v.literal == *span)
                    .map(|v| (text.as_str(), v.expr.as_str())),
                Piece::Hole { .. } => None,
            })
            .filter(|(text, _)| {
                first.starts_with(text)
                    && (first.len() == text.len()
                        || text.ends_with('/')
                        || first[text.len()..].starts_with(['/', '?']))
            })
            .max_by_key(|(text, _)| text.len());
        if let Some((text, name)) = best {
            let rest = first[text.len()..].to_string();
            segs[0] = Seg::Expr(name.to_string());
            if !rest.is_empty() {
                segs.insert(1, Seg::Text(rest));
            }
        }
        segs
    }

    fn pieces_segs(&self, pieces: &[Piece]) -> Vec<Seg> {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Lit { text, span, .. } => {
                    match self.call.vias.iter().find(|v| v.literal == *span) {
                        Some(v) => Seg::Expr(v.expr.clone()),
                        None => Seg::Text(text.clone()),
                    }
                }
                Piece::Hole { expr, span } => {
                    match self.call.vias.iter().find(|v| v.literal == *span) {
                        Some(v) => Seg::Expr(v.expr.clone()),
                        None => Seg::Expr(expr.clone()),
                    }
                }
            })
            .collect()
    }

    fn part_seg(&self, p: &Part) -> Seg {
        match p {
            Part::Lit(t) => Seg::Text(t.clone()),
            Part::Source { text, span } => {
                if let Some(v) = self.call.vias.iter().find(|v| v.literal == *span) {
                    return Seg::Expr(v.expr.clone());
                }
                // A query value of the URL shown with its holes as `{expr}`: a template.
                let shows_hole = self
                    .call
                    .url
                    .holes()
                    .any(|(h, _)| text.contains(&format!("{{{h}}}")));
                if shows_hole {
                    if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                        if !inner.contains(['{', '}']) {
                            return Seg::Expr(inner.to_string());
                        }
                    }
                    return Seg::Expr(format!("f{}", py_string(text, '"', false)));
                }
                Seg::Expr(text.clone())
            }
            Part::Env(n) => Seg::Env(n.clone()),
            Part::Param(n) => Seg::Expr(n.clone()),
            Part::Call { function, args } => Seg::Call {
                function: function.clone(),
                args: args
                    .iter()
                    .map(|a| a.iter().map(|p| self.part_seg(p)).collect())
                    .collect(),
            },
        }
    }

    /// A Python expression for a string built of `segs`. `outer` is the quote of an
    /// f-string this expression is written inside of, if any.
    fn segs_expr(&mut self, segs: &[Seg], outer: Option<char>) -> R<String> {
        match self.segs_expr_quoted(segs, outer, None) {
            Err(e) if outer.is_none() => {
                let other = if self.f.quote == '"' { '\'' } else { '"' };
                self.segs_expr_quoted(segs, None, Some(other))
                    .map_err(|_| e)
            }
            r => r,
        }
    }

    fn segs_expr_quoted(
        &mut self,
        segs: &[Seg],
        outer: Option<char>,
        forced: Option<char>,
    ) -> R<String> {
        let mut merged: Vec<Seg> = Vec::new();
        for s in segs {
            match (merged.last_mut(), s) {
                (Some(Seg::Text(a)), Seg::Text(b)) => a.push_str(b),
                _ => merged.push(s.clone()),
            }
        }
        let quote = match (forced, outer) {
            (Some(q), _) => q,
            (None, Some('"')) => '\'',
            (None, Some(_)) => '"',
            (None, None) => self.f.quote,
        };
        match merged.as_slice() {
            [] => Ok(format!("{quote}{quote}")),
            [Seg::Text(t)] => Ok(py_string(t, quote, false)),
            [one] if !matches!(one, Seg::Text(_)) => self.seg_expr(one, outer),
            _ => {
                if outer.is_some() {
                    return Err("the rewritten string would need nested f-strings".into());
                }
                let mut body = String::new();
                for s in &merged {
                    match s {
                        Seg::Text(t) => body.push_str(&escape(t, quote, true)),
                        other => {
                            let e = self.seg_expr(other, Some(quote))?;
                            if e.contains(quote) || e.contains('\\') {
                                return Err(format!(
                                    "`{e}` cannot be written inside an f-string quoted with {quote}"
                                ));
                            }
                            body.push('{');
                            body.push_str(&e);
                            body.push('}');
                        }
                    }
                }
                Ok(format!("f{quote}{body}{quote}"))
            }
        }
    }

    fn seg_expr(&mut self, s: &Seg, outer: Option<char>) -> R<String> {
        let quote = match outer {
            Some('"') => '\'',
            Some(_) => '"',
            None => self.f.quote,
        };
        Ok(match s {
            Seg::Text(t) => py_string(t, quote, false),
            Seg::Expr(e) => e.clone(),
            Seg::Env(n) => {
                self.imports.insert("os");
                format!("os.environ[{}]", py_string(n, quote, false))
            }
            Seg::Call { function, args } => {
                let args = args
                    .iter()
                    .map(|a| self.segs_expr(a, outer))
                    .collect::<R<Vec<_>>>()?;
                format!("{function}({})", args.join(", "))
            }
        })
    }

    fn string(&self, s: &str, outer: Option<char>) -> String {
        let quote = match outer {
            Some('"') => '\'',
            Some(_) => '"',
            None => self.f.quote,
        };
        py_string(s, quote, false)
    }

    // ------------------------------------------------------------------ query

    fn params(&mut self) -> R<()> {
        let Some(params) = self.kwarg("params")? else {
            return Ok(());
        };
        if self.rw.drop_query {
            return self.remove_arg(params);
        }
        if self.rw.drop_params.is_empty() {
            return Ok(());
        }
        let value = params.field("value").ok_or("params= has no value")?;
        let q = &self.call.query;
        let all_dropped = !q.open
            && q.entries
                .iter()
                .all(|e| self.rw.drop_params.contains(&e.key));
        if all_dropped {
            return self.remove_arg(params);
        }
        if value.kind_name() != "dictionary" {
            return Err("params= is held in a variable that also has other parameters".into());
        }
        let drop = self.rw.drop_params.clone();
        for pair in dict_pairs(value) {
            let key = pair.field("key").and_then(|k| string_text(k, self.f.text));
            if key.is_some_and(|k| drop.contains(&k)) {
                self.remove_dict_item(value, pair);
            }
        }
        Ok(())
    }

    fn remove_dict_item(&mut self, dict: Node<'t>, item: Node<'t>) {
        let items = dict_pairs(dict);
        let Some(i) = items.iter().position(|p| p.id() == item.id()) else {
            return;
        };
        // Items removed together must not leave a dangling comma: remove each with the
        // comma after it, the last one with the comma before it.
        let span = if let Some(next) = items.get(i + 1) {
            item.start_byte()..next.start_byte()
        } else if i > 0 {
            items[i - 1].end_byte()..item.end_byte()
        } else {
            item.byte_range()
        };
        self.edit(span, "");
    }

    // ------------------------------------------------------------------ body

    fn body_args(&self) -> R<Vec<Node<'t>>> {
        let mut out = Vec::new();
        for k in ["data", "json", "content"] {
            if let Some(a) = self.kwarg(k)? {
                out.push(a);
            }
        }
        // requests.post(url, data) / urllib Request(url, data)
        let positional: Vec<Node> = self
            .arg_nodes()?
            .into_iter()
            .filter(|a| {
                !matches!(
                    a.kind_name(),
                    "keyword_argument" | "dictionary_splat" | "list_splat"
                )
            })
            .collect();
        let data_at = match self.call.client {
            Client::Urllib => Some(1),
            Client::Requests if self.method_takes_data() => Some(1),
            Client::SessionCall if self.method_takes_data() => Some(1),
            _ => None,
        };
        if let Some(i) = data_at {
            if let Some(p) = positional.get(i) {
                out.push(*p);
            }
        }
        Ok(out)
    }

    /// `requests.post(url, data)`: post, put and patch take the body second.
    fn method_takes_data(&self) -> bool {
        self.node
            .field("function")
            .and_then(|f| f.field("attribute"))
            .is_some_and(|a| matches!(self.t(a), "post" | "put" | "patch"))
    }

    fn body(&mut self) -> R<()> {
        let Some(body) = &self.rw.body else {
            return Ok(());
        };
        let existing = self.body_args()?;
        let at_column = existing.first().map(|a| self.f.column(a.start_byte()));
        let new = match body {
            NewBody::None => None,
            NewBody::Json(v) => {
                let v = self.hoist_query(v);
                let indent = self.arg_indent()?;
                let column = match at_column {
                    Some(c) => c,
                    None => self.body_column()?,
                } + 5;
                let value = self.value(&v, &indent, column)?;
                Some(if self.call.client == Client::Urllib {
                    self.imports.insert("json");
                    format!("data=json.dumps({value}).encode()")
                } else {
                    format!("json={value}")
                })
            }
            NewBody::Form(fields) => {
                let indent = self.arg_indent()?;
                let column = match at_column {
                    Some(c) => c,
                    None => self.body_column()?,
                } + 5;
                let value = self.value(&RValue::Object(fields.clone()), &indent, column)?;
                Some(if self.call.client == Client::Urllib {
                    self.imports.insert("urllib.parse");
                    format!("data=urllib.parse.urlencode({value}).encode()")
                } else {
                    format!("data={value}")
                })
            }
        };
        let mut existing = existing.into_iter();
        match (existing.next(), new) {
            (Some(first), Some(new)) => {
                if first.kind_name() == "keyword_argument" || self.call.client != Client::Urllib {
                    self.edit(first.byte_range(), new);
                } else {
                    let v = new
                        .split_once('=')
                        .map_or(new.clone(), |(_, v)| v.to_string());
                    self.edit(first.byte_range(), v);
                }
            }
            (Some(first), None) => self.remove_arg(first)?,
            (None, Some(new)) => self.added.push(new),
            (None, None) => {}
        }
        for more in existing {
            self.remove_arg(more)?;
        }
        Ok(())
    }

    /// The indentation of the call's arguments when they are laid out one per line.
    fn arg_indent(&self) -> R<String> {
        let args = self.arg_nodes()?;
        let multiline = args
            .first()
            .is_some_and(|a| self.f.text[self.node.start_byte()..a.start_byte()].contains('\n'));
        Ok(match args.first() {
            Some(a) if multiline => self.f.indent_at(a.start_byte()).to_string(),
            _ => self.f.indent_at(self.node.start_byte()).to_string(),
        })
    }

    /// Roughly where a body argument starts: after the arguments on the call's line.
    fn body_column(&self) -> R<usize> {
        let args = self.arg_nodes()?;
        let multiline = args
            .first()
            .is_some_and(|a| self.f.text[self.node.start_byte()..a.start_byte()].contains('\n'));
        if multiline {
            return Ok(self.arg_indent()?.len());
        }
        let line_start = self.f.line_start(self.node.start_byte());
        let end = args.last().map_or(self.node.end_byte(), |a| a.end_byte());
        let line = &self.f.text[line_start..end];
        Ok(line.rsplit('\n').next().unwrap_or(line).chars().count() + 2)
    }

    /// A body value the plan keeps in a constant becomes a module constant.
    fn hoist_query(&mut self, v: &RValue) -> RValue {
        let RValue::Object(entries) = v else {
            return v.clone();
        };
        // A body field whose value the plan keeps in a constant.
        let Some((field, constant)) = self.rw.constant_fields(v).next() else {
            return v.clone();
        };
        let field = field.to_string();
        let name = constant.name.clone();
        let query = constant.value.clone();
        match self.top_level_string(&name) {
            Some(Some(existing)) if existing == query => {}
            // The name means something else here: keep the document inline.
            Some(_) => return v.clone(),
            None => {
                let q = self.string(&query, None);
                let block = if name.len() + q.len() + 3 > MAX_WIDTH {
                    format!("{name} = (\n{}{q}\n)", self.f.unit)
                } else {
                    format!("{name} = {q}")
                };
                self.blocks.push(block);
            }
        }
        let entries = entries
            .iter()
            .map(|(k, v)| {
                if *k == field {
                    (
                        k.clone(),
                        RValue::Str(vec![Part::Source {
                            text: name.clone(),
                            span: 0..0,
                        }]),
                    )
                } else {
                    (k.clone(), v.clone())
                }
            })
            .collect();
        RValue::Object(entries)
    }

    /// `Some(value)` when `name` is assigned at top level (`Some(None)` when its value
    /// is not a plain string); `None` when it is not.
    fn top_level_string(&self, name: &str) -> Option<Option<String>> {
        self.f
            .assignments
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, value)| plain_value(*value, self.f.text))
    }

    /// A value as Python source, on one line when it fits after `column`; otherwise
    /// objects are laid out one item per line, one level deeper than `indent`.
    fn value(&mut self, v: &RValue, indent: &str, column: usize) -> R<String> {
        let flat = self.flat(v)?;
        let RValue::Object(entries) = v else {
            return Ok(flat);
        };
        if column + flat.len() <= MAX_WIDTH || entries.len() < 2 {
            return Ok(flat);
        }
        let inner = format!("{indent}{}", self.f.unit);
        let mut out = String::from("{\n");
        for (k, v) in entries {
            let key = self.string(k, None);
            let value = self.value(v, &inner, inner.len() + key.len() + 2)?;
            out.push_str(&format!("{inner}{key}: {value},\n"));
        }
        out.push_str(indent);
        out.push('}');
        Ok(out)
    }

    fn flat(&mut self, v: &RValue) -> R<String> {
        Ok(match v {
            RValue::Str(parts) => {
                let segs: Vec<Seg> = parts.iter().map(|p| self.part_seg(p)).collect();
                self.segs_expr(&segs, None)?
            }
            RValue::Bool(b) => if *b { "True" } else { "False" }.to_string(),
            RValue::Num(n) => n.clone(),
            RValue::Null => "None".into(),
            RValue::Array(items) => {
                let mut out = Vec::new();
                for i in items {
                    out.push(self.flat(i)?);
                }
                format!("[{}]", out.join(", "))
            }
            RValue::Object(entries) => {
                let mut items = Vec::new();
                for (k, v) in entries {
                    let key = self.string(k, None);
                    items.push(format!("{key}: {}", self.flat(v)?));
                }
                format!("{{{}}}", items.join(", "))
            }
        })
    }

    // ------------------------------------------------------------------ headers

    fn headers(&mut self) -> R<()> {
        if !self.rw.remove_headers.is_empty() {
            return Err("removing headers is not supported for Python calls".into());
        }
        let json_body =
            matches!(self.rw.body, Some(NewBody::Json(_))) && self.call.client != Client::Urllib;
        let mut set: Vec<(String, String)> = Vec::new();
        for (name, parts) in &self.rw.set_headers {
            // requests, httpx and aiohttp set it themselves for `json=`.
            if json_body && name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            if let Some(have) = self.call.headers.get_ci(name) {
                if crate::model::plan::is_all_literal(parts)
                    && have.value.as_str().is_some_and(|v| {
                        parts
                            .iter()
                            .map(|p| match p {
                                Part::Lit(t) => t.as_str(),
                                _ => "",
                            })
                            .collect::<String>()
                            == v
                    })
                {
                    continue;
                }
            }
            let segs: Vec<Seg> = parts.iter().map(|p| self.part_seg(p)).collect();
            let value = self.segs_expr(&segs, None)?;
            set.push((name.clone(), value));
        }
        if set.is_empty() {
            return Ok(());
        }
        let positional_headers = if self.call.client == Client::Urllib {
            let positional: Vec<Node> = self
                .arg_nodes()?
                .into_iter()
                .filter(|a| {
                    !matches!(
                        a.kind_name(),
                        "keyword_argument" | "dictionary_splat" | "list_splat"
                    )
                })
                .collect();
            positional.get(2).copied()
        } else {
            None
        };
        let value = match (self.kwarg("headers")?, positional_headers) {
            (Some(kw), _) => kw.field("value"),
            (None, Some(p)) => Some(p),
            (None, None) => None,
        };
        let entries: Vec<String> = set
            .iter()
            .map(|(k, v)| format!("{}: {v}", self.string(k, None)))
            .collect();
        match value {
            None => {
                self.added
                    .push(format!("headers={{{}}}", entries.join(", ")));
            }
            Some(dict) if dict.kind_name() == "dictionary" => {
                let pairs = dict_pairs(dict);
                let mut append = Vec::new();
                for ((name, value), entry) in set.iter().zip(&entries) {
                    let existing = pairs.iter().find(|p| {
                        p.kind_name() == "pair"
                            && p.field("key")
                                .and_then(|k| string_text(k, self.f.text))
                                .is_some_and(|k| k.eq_ignore_ascii_case(name))
                    });
                    match existing.and_then(|p| p.field("value")) {
                        Some(v) => self.edit(v.byte_range(), value.clone()),
                        None => append.push(entry.clone()),
                    }
                }
                if !append.is_empty() {
                    self.append_to_dict(dict, &append);
                }
            }
            Some(other) => {
                let expr = self.t(other).to_string();
                self.edit(
                    other.byte_range(),
                    format!("{{**{expr}, {}}}", entries.join(", ")),
                );
            }
        }
        Ok(())
    }

    fn append_to_dict(&mut self, dict: Node<'t>, entries: &[String]) {
        let pairs = dict_pairs(dict);
        self.append_items(dict, pairs.last().copied(), entries);
    }

    /// Appends `items` to a bracketed list (a dict, an argument list) after its `last`
    /// element, in the list's layout: one per line (keeping a trailing comma) when the
    /// list is laid out that way, inline otherwise.
    fn append_items(&mut self, list: Node<'t>, last: Option<Node<'t>>, items: &[String]) {
        let Some(last) = last else {
            let at = list.start_byte() + 1;
            self.edit(at..at, items.join(", "));
            return;
        };
        let after = &self.f.text[last.end_byte()..list.end_byte()];
        if !after.contains('\n') {
            let at = last.end_byte();
            self.edit(at..at, format!(", {}", items.join(", ")));
            return;
        }
        let indent = self.f.indent_at(last.start_byte()).to_string();
        let trailing = after.trim_start().starts_with(',');
        let at = if trailing {
            last.end_byte() + after.find(',').unwrap_or(0) + 1
        } else {
            last.end_byte()
        };
        let mut s = String::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 || !trailing {
                s.push(',');
            }
            s.push('\n');
            s.push_str(&indent);
            s.push_str(item);
        }
        if trailing {
            s.push(',');
        }
        self.edit(at..at, s);
    }

    // ------------------------------------------------------------------ helpers

    fn helpers(&mut self) -> R<()> {
        let text = self.f.text;
        let rw = self.rw;
        let missing = rw.functions_to_insert(text, |f| format!("def {}(", f.name));
        if missing.is_empty() {
            return Ok(());
        }
        // The functions are written with the file's own synchronous client.
        let local = match (
            self.call.client,
            self.f.module("requests"),
            self.f.module("httpx"),
        ) {
            (Client::Httpx, _, Some(h)) => h.to_string(),
            (Client::Requests, Some(r), _) => r.to_string(),
            (Client::Requests, None, _) => {
                self.imports.insert("requests");
                "requests".to_string()
            }
            (Client::Httpx, _, None) => {
                self.imports.insert("httpx");
                "httpx".to_string()
            }
            (_, Some(r), _) => r.to_string(),
            (_, _, Some(h)) => h.to_string(),
            _ => {
                return Err(format!(
                    "the inserted function `{}` needs requests or httpx, which this file does not import",
                    missing[0].name
                ))
            }
        };
        self.imports.insert("os");
        for f in missing {
            let block = self.function_block(f, &local);
            self.blocks.push(block);
        }
        Ok(())
    }

    /// A function plan as a function: one request, its JSON response, the value it
    /// returns (cached per origin when the plan says so).
    fn function_block(&mut self, f: &FunctionPlan, local: &str) -> String {
        let u = self.f.unit.clone();
        let qq = self.f.quote;
        let q = |s: &str| py_string(s, qq, false);
        // A string the function builds: literal, a name, or an f-string.
        let expr = |parts: &[Part]| -> String {
            match parts {
                [Part::Lit(t)] => q(t),
                [Part::Param(p)] => p.clone(),
                [Part::Env(e)] => format!("os.environ[{}]", q(e)),
                _ => {
                    let mut out = format!("f{qq}");
                    for p in parts {
                        match p {
                            Part::Lit(t) => out.push_str(&escape(t, qq, true)),
                            Part::Param(n) => out.push_str(&format!("{{{n}}}")),
                            Part::Call { function, args } => {
                                let args: Vec<String> = args
                                    .iter()
                                    .map(|a| match a.as_slice() {
                                        [Part::Param(n)] => n.clone(),
                                        _ => String::new(),
                                    })
                                    .collect();
                                out.push_str(&format!("{{{function}({})}}", args.join(", ")));
                            }
                            Part::Env(e) => {
                                let other = if qq == '"' { '\'' } else { '"' };
                                out.push_str(&format!(
                                    "{{os.environ[{}]}}",
                                    py_string(e, other, false)
                                ));
                            }
                            Part::Source { text, .. } => out.push_str(&format!("{{{text}}}")),
                        }
                    }
                    out.push(qq);
                    out
                }
            }
        };
        let base = f.params.first().cloned().unwrap_or_default();
        let field = q(f.returns.field());
        let mut lines: Vec<String> = Vec::new();
        if let Some(c) = &f.cache {
            self.imports.insert("time");
            lines.push(format!("{u}cached = _{}s.get({base})", f.name));
            lines.push(format!("{u}if cached and cached[1] > time.time():"));
            lines.push(format!("{u}{u}return cached[0]"));
            let _ = c;
        }
        lines.push(format!("{u}r = {local}.{}(", f.method.to_ascii_lowercase()));
        lines.push(format!(
            "{u}{u}f{qq}{{{base}}}{}{qq},",
            escape(&f.path, qq, true)
        ));
        if !f.body.is_empty() {
            lines.push(format!("{u}{u}json={{"));
            for (k, v) in &f.body {
                let v = match v {
                    RValue::Str(p) => expr(p),
                    RValue::Bool(b) => {
                        if *b {
                            "True".into()
                        } else {
                            "False".into()
                        }
                    }
                    RValue::Num(n) => n.clone(),
                    _ => "None".into(),
                };
                lines.push(format!("{u}{u}{u}{}: {v},", q(k)));
            }
            lines.push(format!("{u}{u}}},"));
        }
        let pairs = |list: &[(String, Vec<Part>)]| -> String {
            list.iter()
                .map(|(k, v)| format!("{}: {}", q(k), expr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !f.query.is_empty() {
            lines.push(format!("{u}{u}params={{{}}},", pairs(&f.query)));
        }
        if !f.headers.is_empty() {
            lines.push(format!("{u}{u}headers={{{}}},", pairs(&f.headers)));
        }
        lines.push(format!("{u})"));
        lines.push(format!("{u}r.raise_for_status()"));
        match &f.returns {
            Returns::Field(_) => {
                lines.push(format!("{u}data = r.json()"));
                if let Some(c) = &f.cache {
                    lines.push(format!(
                        "{u}_{}s[{base}] = (data[{field}], time.time() + int(data.get({}, {})) - {})",
                        f.name,
                        q(&c.expires_in),
                        c.default_seconds,
                        c.margin_seconds
                    ));
                }
                lines.push(format!("{u}return data[{field}]"));
            }
            Returns::FirstItemField { missing, .. } => {
                lines.push(format!("{u}users = r.json()"));
                lines.push(format!("{u}if not users:"));
                lines.push(format!("{u}{u}raise RuntimeError({})", expr(missing)));
                lines.push(format!("{u}return users[0][{field}]"));
            }
        }
        let (cache, cached) = match &f.cache {
            Some(_) => (
                format!("_{}s = {{}}\n\n\n", f.name),
                ", cached until shortly before it expires",
            ),
            None => (String::new(), ""),
        };
        format!(
            "# {}{cached}.\n{cache}def {}({}):\n{}",
            f.doc,
            f.name,
            f.params.join(", "),
            lines.join("\n")
        )
    }

    // ------------------------------------------------------------------ AUR001 check

    /// The plan's check of the response body, after the statement that makes the call:
    /// a request can succeed at the HTTP level and still not have done its work.
    fn result_check(&mut self) -> R<()> {
        let Some(rc) = self.rw.check.as_ref() else {
            return Ok(());
        };
        if self.call.client == Client::Urllib {
            return Err(format!(
                "add the {} result check to the urlopen() call by hand",
                rc.operation
            ));
        }
        let aio = self.call.client == Client::Aiohttp;
        if self.meta.is_async && aio {
            let in_async = self
                .function_of(self.node)
                .is_some_and(|f| self.t(f).starts_with("async"));
            if !in_async {
                return Err("the result check needs `await` outside an async function".into());
            }
        }
        let operation = rc.operation.clone();
        let why = rc.why.clone();
        let failure = rc.failure();
        let path = rc.path.clone();
        let expected = match &rc.expected {
            RValue::Bool(true) => "is not True".to_string(),
            RValue::Bool(false) => "is not False".to_string(),
            RValue::Num(n) => format!("!= {n}"),
            RValue::Str(p) => match p.as_slice() {
                [Part::Lit(t)] => format!("!= {}", py_string(t, self.f.quote, false)),
                _ => "is None".to_string(),
            },
            _ => "is not None".to_string(),
        };
        let check = |var: &str, indent: &str, unit: &str, q: char| -> String {
            let body = if aio {
                format!("(await {var}.json())")
            } else {
                format!("{var}.json()")
            };
            let text = if aio {
                format!("await {var}.text()")
            } else {
                format!("{var}.text")
            };
            let mut field = body;
            for (i, k) in path.iter().enumerate() {
                let k = py_string(k, q, false);
                field = if i + 1 < path.len() {
                    format!("({field}.get({k}) or {{}})")
                } else {
                    format!("{field}.get({k})")
                };
            }
            format!(
                "# {why}: check the result.\n\
                 {indent}if {field} {expected}:\n\
                 {indent}{unit}raise RuntimeError(f{q}{}: {{{text}}}{q})",
                escape(&failure, q, true)
            )
        };
        let q = self.f.quote;
        let unit = self.f.unit.clone();
        let mut expr = self.node;
        if let Some(p) = self.up(expr).filter(|p| p.kind_name() == "await") {
            expr = p;
        }
        let parent = self.up(expr).ok_or("the call is not in a statement")?;
        match parent.kind_name() {
            "assignment" => {
                let left = parent
                    .field("left")
                    .filter(|l| matches!(l.kind_name(), "identifier" | "attribute"))
                    .ok_or("the response is unpacked; add the result check by hand")?;
                let stmt = self
                    .up(parent)
                    .filter(|s| s.kind_name() == "expression_statement")
                    .ok_or("the response is not assigned in a statement of its own")?;
                let indent = self.f.indent_at(stmt.start_byte()).to_string();
                let var = self.t(left).to_string();
                // After an immediate `r.raise_for_status()`: an HTTP error stays an
                // HTTPError instead of failing on a body that is not JSON.
                let stmt = self.raise_for_status_after(stmt, &var).unwrap_or(stmt);
                let at = self.after_trailing_comment(stmt.end_byte());
                self.edit(
                    at..at,
                    format!("\n{indent}{}", check(&var, &indent, &unit, q)),
                );
            }
            "expression_statement" | "return_statement" => {
                let function = self.function_of(parent);
                let taken = |v: &str| match function {
                    Some(f) => contains_word(self.t(f), v),
                    None => self.f.has_word(v),
                };
                let named = format!("{}_response", snake_case(&operation));
                let var = ["response", named.as_str(), "checked_response"]
                    .into_iter()
                    .find(|v| !taken(v))
                    .ok_or("no free name for the response")?;
                let indent = self.f.indent_at(parent.start_byte()).to_string();
                let start = parent.start_byte();
                let prefix = format!("{var} = ");
                if parent.kind_name() == "expression_statement" {
                    self.edit(start..start, prefix);
                } else {
                    self.edit(start..expr.start_byte(), prefix);
                }
                let mut after = format!("\n{indent}{}", check(var, &indent, &unit, q));
                if parent.kind_name() == "return_statement" {
                    after.push_str(&format!("\n{indent}return {var}"));
                }
                let at = self.after_trailing_comment(parent.end_byte());
                self.edit(at..at, after);
            }
            "as_pattern" => {
                let var = parent
                    .field("alias")
                    .and_then(|a| a.named_child(0))
                    .filter(|a| a.kind_name() == "identifier")
                    .map(|a| self.t(a).to_string())
                    .ok_or("the response is not bound to a name")?;
                let stmt = self
                    .up(parent)
                    .and_then(|i| self.up(i))
                    .and_then(|c| self.up(c))
                    .filter(|s| s.kind_name() == "with_statement")
                    .ok_or("the response is not bound by a with statement")?;
                let block = stmt
                    .field("body")
                    .and_then(|b| b.named_child(0))
                    .ok_or("the with statement has no body")?;
                if self.f.text[stmt.start_byte()..block.start_byte()]
                    .trim_end()
                    .ends_with(':')
                    && !self.f.text[stmt.start_byte()..block.start_byte()].contains('\n')
                {
                    return Err("the with statement's body is on the same line".into());
                }
                let indent = self.f.indent_at(block.start_byte()).to_string();
                if block.kind_name() == "expression_statement"
                    && self.t(block).trim() == format!("{var}.raise_for_status()")
                {
                    let at = self.after_trailing_comment(block.end_byte());
                    self.edit(
                        at..at,
                        format!("\n{indent}{}", check(&var, &indent, &unit, q)),
                    );
                } else {
                    let at = block.start_byte();
                    self.edit(
                        at..at,
                        format!("{}\n{indent}", check(&var, &indent, &unit, q)),
                    );
                }
            }
            _ => {
                return Err(format!(
                "the response is not assigned to a name; add the {operation} result check by hand"
            ))
            }
        }
        Ok(())
    }

    /// The statement right after `stmt` when it is `var.raise_for_status()`.
    fn raise_for_status_after(&self, stmt: Node<'t>, var: &str) -> Option<Node<'t>> {
        let mut next = stmt.next_named_sibling();
        while let Some(c) = next.filter(|n| n.kind_name() == "comment") {
            next = c.next_named_sibling();
        }
        next.filter(|n| {
            n.kind_name() == "expression_statement"
                && self.t(*n).trim() == format!("{var}.raise_for_status()")
        })
    }

    /// `pos`, or the end of its line when only a comment follows it there.
    fn after_trailing_comment(&self, pos: usize) -> usize {
        let text = self.f.text;
        let mut to = (pos + LINE_WINDOW).min(text.len());
        while !text.is_char_boundary(to) {
            to -= 1;
        }
        let end = text[pos..to].find('\n').map_or(to, |i| pos + i);
        let rest = text[pos..end].trim();
        if rest.starts_with('#') {
            end - (text[pos..end].len() - text[pos..end].trim_end().len())
        } else {
            pos
        }
    }

    // ------------------------------------------------------------------ output

    fn finish(mut self) -> R<Vec<Edit>> {
        if !self.added.is_empty() {
            let args = self.arg_nodes()?;
            let list = self.args()?;
            let added = std::mem::take(&mut self.added);
            self.append_items(list, args.last().copied(), &added);
        }
        // Module-level insertions go before anything the call itself inserts at the
        // same point (a call on the file's first line); the sort below is stable.
        let mut edits = self.top_level_edits();
        edits.append(&mut self.edits);
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        // Edits at one point are merged in the order they were made.
        let mut merged: Vec<Edit> = Vec::new();
        for e in edits {
            if let Some(last) = merged.last_mut() {
                if last.span.is_empty() && e.span.is_empty() && last.span.start == e.span.start {
                    last.content.push_str(&e.content);
                    continue;
                }
                if e.span.start < last.span.end {
                    return Err(
                        "the rewrite of this call would need overlapping edits; rewrite it by hand"
                            .into(),
                    );
                }
            }
            merged.push(e);
        }
        Ok(merged)
    }

    /// Imports the new code needs (standard-library ones after the file's last
    /// standard-library import), then module-level blocks, after the file's imports.
    fn top_level_edits(&mut self) -> Vec<Edit> {
        let text = self.f.text;
        let missing: Vec<&str> = self
            .imports
            .iter()
            .copied()
            .filter(|m| self.f.module(m).is_none_or(|l| l != *m))
            .collect();
        if missing.is_empty() && self.blocks.is_empty() {
            return Vec::new();
        }
        let (at, has_imports) = self.f.insertion;
        let mut out = Vec::new();
        let mut content = String::new();
        let stdlib_at = self.f.stdlib_import_end.filter(|p| *p != at);
        let mut stdlib = String::new();
        for m in &missing {
            let line = format!("import {m}");
            if STDLIB.contains(m) && stdlib_at.is_some() {
                stdlib.push('\n');
                stdlib.push_str(&line);
                continue;
            }
            if has_imports || !content.is_empty() || at > 0 {
                content.push('\n');
            }
            content.push_str(&line);
        }
        if let Some(p) = stdlib_at.filter(|_| !stdlib.is_empty()) {
            out.push(Edit {
                span: p..p,
                content: stdlib,
            });
        }
        // Imports added at the very top are set apart from the code as PEP 8 asks.
        if at == 0 && !content.is_empty() {
            content.push_str("\n\n\n");
        }
        if !self.blocks.is_empty() {
            content.push_str(&insert::module_code(text, at, &self.blocks, 2).content);
        }
        if content.is_empty() {
            return out;
        }
        out.push(Edit {
            span: at..at,
            content,
        });
        out
    }
}

/// Standard-library modules the rewritten code may import.
const STDLIB: [&str; 4] = ["os", "time", "json", "urllib.parse"];

/// The end of the last top-level import of a standard-library module, if any.
fn last_stdlib_import(root: Node, text: &str) -> Option<usize> {
    const KNOWN: [&str; 18] = [
        "os",
        "sys",
        "time",
        "json",
        "urllib",
        "re",
        "logging",
        "typing",
        "datetime",
        "pathlib",
        "asyncio",
        "argparse",
        "base64",
        "uuid",
        "collections",
        "functools",
        "__future__",
        "dataclasses",
    ];
    let mut c = root.walk();
    let mut last = None;
    for stmt in root.named_children(&mut c) {
        let module = match stmt.kind_name() {
            "import_statement" => stmt.field("name").map(|n| n.field("name").unwrap_or(n)),
            "import_from_statement" => stmt.field("module_name"),
            _ => continue,
        };
        let Some(module) = module else { continue };
        let top = text[module.byte_range()].split('.').next().unwrap_or("");
        if KNOWN.contains(&top) {
            last = Some(stmt.end_byte());
        }
    }
    last
}

/// Where module-level code goes: the end of the last top-level import (and whether
/// there is one); else after the module docstring and leading comments.
fn insertion_point(root: Node, text: &str) -> (usize, bool) {
    let mut c = root.walk();
    let mut last_import = None;
    let mut first_code = None;
    for stmt in root.children(&mut c) {
        match stmt.kind_name() {
            "import_statement" | "import_from_statement" | "future_import_statement" => {
                last_import = Some(stmt.end_byte())
            }
            "comment" => {}
            "expression_statement"
                if first_code.is_none()
                    && stmt
                        .named_child(0)
                        .is_some_and(|s| s.kind_name() == "string") =>
            {
                first_code = Some(stmt.end_byte());
            }
            _ => {
                if last_import.is_some() {
                    break;
                }
                if first_code.is_none() {
                    first_code = Some(0);
                }
            }
        }
    }
    match last_import {
        Some(at) => (at, true),
        None => (first_code.unwrap_or(0).min(text.len()), false),
    }
}

fn call_node<'t>(parents: &Parents<'t>, root: Node<'t>, span: &Span) -> Option<Node<'t>> {
    let mut n = root.descendant_for_byte_range(span.start, span.end)?;
    loop {
        if n.kind_name() == "call" && n.byte_range() == *span {
            return Some(n);
        }
        n = parents.of(n)?;
        if n.start_byte() < span.start {
            return None;
        }
    }
}

fn dict_pairs(dict: Node) -> Vec<Node> {
    let mut c = dict.walk();
    dict.named_children(&mut c)
        .filter(|p| p.kind_name() != "comment")
        .collect()
}

/// The text of a plain string literal.
fn string_text(n: Node, text: &str) -> Option<String> {
    plain_value(n, text)
}

fn plain_value(n: Node, text: &str) -> Option<String> {
    if n.kind_name() == "concatenated_string" {
        let mut c = n.walk();
        let parts: Option<Vec<String>> = n
            .named_children(&mut c)
            .filter(|s| s.kind_name() != "comment")
            .map(|s| plain_value(s, text))
            .collect();
        return parts.map(|p| p.concat());
    }
    if n.kind_name() != "string" {
        return None;
    }
    let mut c = n.walk();
    let mut out = String::new();
    for child in n.children(&mut c) {
        match child.kind_name() {
            "string_content" => {
                if child.named_child_count() > 0 {
                    return None;
                }
                out.push_str(&text[child.byte_range()]);
            }
            "interpolation" => return None,
            _ => {}
        }
    }
    let start = n.child(0).map(|s| &text[s.byte_range()]).unwrap_or("");
    if start.to_ascii_lowercase().contains('f') {
        return None;
    }
    Some(out)
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// `OperationName` → `operation_name`.
fn snake_case(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A Python string literal.
fn py_string(s: &str, quote: char, fstring: bool) -> String {
    format!("{quote}{}{quote}", escape(s, quote, fstring))
}

fn escape(s: &str, quote: char, fstring: bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '{' if fstring => out.push_str("{{"),
            '}' if fstring => out.push_str("}}"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}
