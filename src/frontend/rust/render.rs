//! Renders a `RewritePlan` as edits of a Rust file, keeping the builder-chain style.
//!
//! The file is parsed again and each call is found by its exact span among the request
//! chains ([`super::clients`]); every change is an edit of one link of the chain: the
//! verb (`.delete(` → `.put(`, `Method::DELETE` → `Method::PUT`, `ureq::delete` →
//! `ureq::put`), the URL argument (or the `let` binding it names, when used only
//! there) rewritten as a `format!` that keeps named constants, `.header(..)` links set,
//! added or removed, `.query(..)` links dropped, and the body link replaced
//! (`.json(&serde_json::json!({…}))`, `.form(&[…])`; ureq's `send_json`/`send_form`).
//! The plan's functions are appended to the file once, in the file's client (reqwest
//! async or blocking, ureq 2 or 3), and so are its constants.
//!
//! A plan with a response check reads the body and checks the field right after the
//! call: only for a chain that is a statement of its own and yields the response.
//!
//! Not rendered (returned as an error, so the fix is shown as manual): checked calls
//! whose response is used further, query parameters built elsewhere.

use super::clients::{self, ChainInfo, Found, Link};
use super::Src;
use crate::call::{Client, HttpCall, Piece, Span};
use crate::finding::Edit;
use crate::model::plan::{FunctionPlan, NewBody, Part, RValue, ResultCheck, Returns, RewritePlan};
use std::collections::BTreeMap;

type R<T> = Result<T, String>;

/// The edits of each rewrite, or why it cannot be rendered.
pub fn render_batch(text: &str, items: &[(&HttpCall, &RewritePlan)]) -> Vec<R<Vec<Edit>>> {
    let Ok(file) = syn::parse_file(text) else {
        super::release_spans();
        return items
            .iter()
            .map(|_| Err("the file could not be parsed".into()))
            .collect();
    };
    let src = Src::new(text);
    let found = clients::collect(&src, &file);
    drop(file);
    super::release_spans();
    // Read once per file: per rewrite, scanning the text made long files quadratic.
    let json_imported = regex::Regex::new(r"use\s+serde_json::(?:json|\{[^}]*\bjson\b[^}]*\})\s*;")
        .expect("valid regex")
        .is_match(text);
    items
        .iter()
        .map(|(call, rewrite)| {
            let f = found
                .iter()
                .find(|f| f.call.span == call.span && f.call.client == call.client)
                .ok_or("the call was not found in the file")?;
            Renderer::new(text, f, rewrite, json_imported).render()
        })
        .collect()
}

/// How the rendered code gets a value that needs a request of its own.
#[derive(Clone, Copy, PartialEq)]
enum Flavor {
    ReqwestAsync,
    ReqwestBlocking,
    Ureq2,
    Ureq3,
}

struct Renderer<'a> {
    text: &'a str,
    call: &'a HttpCall,
    info: &'a ChainInfo,
    rw: &'a RewritePlan,
    flavor: Flavor,
    /// Replacements and removals.
    edits: Vec<Edit>,
    /// Insertions, by offset (several at one point are written in order).
    inserts: BTreeMap<usize, String>,
    /// Constants and functions the plan adds to the module, in order.
    module_code: Vec<String>,
    /// Where `.send()` goes when `reqwest::get(url)` becomes a client chain: written
    /// last, after the links that other steps add at the same point.
    send_at: Option<usize>,
    /// The file imports `serde_json::json`.
    json_imported: bool,
}

impl<'a> Renderer<'a> {
    fn new(text: &'a str, f: &'a Found, rw: &'a RewritePlan, json_imported: bool) -> Self {
        let info = &f.info;
        let awaits = info.links.iter().any(|l| l.name == "await");
        let flavor = match (f.call.client, info.ureq) {
            (Client::Ureq, 3) => Flavor::Ureq3,
            (Client::Ureq, _) => Flavor::Ureq2,
            _ if awaits || info.in_async => Flavor::ReqwestAsync,
            _ => Flavor::ReqwestBlocking,
        };
        Renderer {
            text,
            call: &f.call,
            info,
            rw,
            flavor,
            edits: Vec::new(),
            inserts: BTreeMap::new(),
            module_code: Vec::new(),
            send_at: None,
            json_imported,
        }
    }

    fn ureq(&self) -> bool {
        matches!(self.flavor, Flavor::Ureq2 | Flavor::Ureq3)
    }

    fn render(mut self) -> R<Vec<Edit>> {
        if self.call.client == Client::BaseUrl {
            return Err("a base URL constant is not a request".into());
        }
        if let Some(check) = self.rw.check.as_ref() {
            self.result_check(check)?;
            self.constants();
        }
        self.method()?;
        self.url()?;
        self.query()?;
        self.headers()?;
        self.body()?;
        self.helper();
        self.module_code_edit();
        if let Some(at) = self.send_at {
            self.insert(at, ".send()");
        }
        let mut edits = std::mem::take(&mut self.edits);
        for (at, content) in std::mem::take(&mut self.inserts) {
            edits.push(Edit {
                span: at..at,
                content,
            });
        }
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        for w in edits.windows(2) {
            if w[0].span.end > w[1].span.start {
                return Err("the changes to this call overlap; rewrite it by hand".into());
            }
        }
        Ok(edits)
    }

    fn replace(&mut self, span: Span, content: impl Into<String>) {
        self.edits.push(Edit {
            span,
            content: content.into(),
        });
    }

    fn insert(&mut self, at: usize, content: &str) {
        self.inserts.entry(at).or_default().push_str(content);
    }

    // ----- method ---------------------------------------------------------------------

    fn method(&mut self) -> R<()> {
        let Some(new) = &self.rw.method else {
            return Ok(());
        };
        if self.call.method.is(new) {
            return Ok(());
        }
        let Some(span) = self.call.method.span.clone() else {
            return Err("the method is not written at the call".into());
        };
        if self.call.method.name.is_none() {
            return Err(
                "the method is computed here; set it to {new} by hand".replace("{new}", new)
            );
        }
        let written = self.text[span.clone()].to_string();
        if let Some(root) = &self.info.root_fn {
            if root.starts_with("reqwest") {
                // `reqwest::get(url)` has no other verbs: build a client instead.
                let path_start = self.call.span.start;
                let client = if root.contains("blocking") {
                    "reqwest::blocking::Client::new()"
                } else {
                    "reqwest::Client::new()"
                };
                self.replace(
                    path_start..span.end,
                    format!("{client}.{}", new.to_ascii_lowercase()),
                );
                self.send_at = Some(self.root_args_end()?);
                return Ok(());
            }
        }
        let content = if written.chars().all(|c| c.is_ascii_uppercase()) {
            new.to_ascii_uppercase()
        } else {
            new.to_ascii_lowercase()
        };
        self.replace(span, content);
        Ok(())
    }

    /// End of `reqwest::get(url)`'s argument list.
    fn root_args_end(&self) -> R<usize> {
        let after = self.info.url_arg.end;
        let close = self.text[after..]
            .find(')')
            .ok_or("the call's arguments were not found")?;
        Ok(after + close + 1)
    }

    // ----- URL ------------------------------------------------------------------------

    fn url(&mut self) -> R<()> {
        let Some(new) = &self.rw.url else {
            return self.url_without_query();
        };
        let mut parts = self.pieces_chunks(&new.prefix);
        for p in &new.path {
            parts.push(self.part(p)?);
        }
        self.refold_constant(&new.prefix, &mut parts);
        self.write_url(&parts);
        Ok(())
    }

    /// The URL's pieces as chunks, constants written by the name the call used.
    fn pieces_chunks(&self, pieces: &[Piece]) -> Vec<Chunk> {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Lit { text, span, .. } => {
                    match self.call.vias.iter().find(|v| v.literal == *span) {
                        Some(v) => Chunk::Expr(v.expr.clone()),
                        None => Chunk::Lit(text.clone()),
                    }
                }
                Piece::Hole { expr, .. } => Chunk::Expr(expr.clone()),
            })
            .collect()
    }

    /// `drop_query` with the parameters in the URL itself (`…/users.remove?uuid={uuid}`,
    /// whose values become the form body): the URL up to its `?`.
    fn url_without_query(&mut self) -> R<()> {
        if !self.rw.drop_query || !self.call.url.literal_text().contains('?') {
            return Ok(());
        }
        let mut kept = Vec::new();
        for p in &self.call.url.pieces {
            match p {
                Piece::Lit { text, .. } if text.contains('?') => {
                    let cut = text.find('?').unwrap_or(text.len());
                    kept.push(Chunk::Lit(text[..cut].to_string()));
                    break;
                }
                p => kept.extend(self.pieces_chunks(std::slice::from_ref(p))),
            }
        }
        self.write_url(&kept);
        Ok(())
    }

    /// Writes the new URL where the old one was: the `let` binding the call names (when
    /// used only there) or the call's argument; the new value keeps the old one's type.
    fn write_url(&mut self, parts: &[Chunk]) {
        let built = string_expr(parts);
        let is_format = built.starts_with("format!");
        if let Some(binding) = self.info.url_binding.clone() {
            let old = &self.text[binding.clone()];
            let literal = old.starts_with('"') || old.starts_with('r');
            let content = if is_format && literal {
                format!("&{built}")
            } else if !is_format && !literal && old.starts_with("format!") {
                // The binding was a `String`: `&url` must stay a `&String`.
                format!("{built}.to_string()")
            } else {
                built
            };
            self.replace(binding, content);
            return;
        }
        let arg = self.info.url_arg.clone();
        let old = &self.text[arg.clone()];
        let content = if is_format && (old.starts_with('&') || self.flavor == Flavor::Ureq2) {
            format!("&{built}")
        } else {
            built
        };
        self.replace(arg, content);
    }

    /// A kept prefix that ends inside a named constant (`API_BASE` =
    /// `https://host/Admin/restapi/v1`, cut after the host) is written as the
    /// constant again when the new path starts with the rest of its value.
    fn refold_constant(&self, prefix: &[Piece], parts: &mut Vec<Chunk>) {
        let Some(Piece::Lit { span, .. }) = prefix.last() else {
            return;
        };
        let Some(via) = self
            .call
            .vias
            .iter()
            .find(|v| v.literal.start == span.start && v.literal.end > span.end)
        else {
            return;
        };
        let rest = &self.text[span.end..via.literal.end];
        let at = prefix.len() - 1;
        let Some(Chunk::Lit(next)) = parts.get(at + 1) else {
            return;
        };
        let Some(tail) = next.strip_prefix(rest) else {
            return;
        };
        let tail = tail.to_string();
        parts[at] = Chunk::Expr(via.expr.clone());
        if tail.is_empty() {
            parts.remove(at + 1);
        } else {
            parts[at + 1] = Chunk::Lit(tail);
        }
    }

    /// One part of a rewritten string as Rust.
    fn part(&self, p: &Part) -> R<Chunk> {
        Ok(match p {
            Part::Lit(t) => Chunk::Lit(t.clone()),
            Part::Source { text, .. } => Chunk::Expr(text.clone()),
            Part::Env(name) => Chunk::Expr(format!(
                "std::env::var({}).unwrap_or_default()",
                rust_string(name)
            )),
            Part::Call { function, args } => Chunk::Expr(self.call_expr(function, args)?),
            Part::Param(name) => Chunk::Expr(name.clone()),
        })
    }

    // ----- query and headers ------------------------------------------------------------

    fn links(&self, names: &[&str]) -> Vec<Link> {
        let end = self.sender_index().unwrap_or(self.info.links.len());
        self.info.links[..end]
            .iter()
            .filter(|l| names.contains(&l.name.as_str()))
            .cloned()
            .collect()
    }

    fn sender_index(&self) -> Option<usize> {
        self.info.sender
    }

    /// Removes a link with the whitespace before it; a statement left as `let req =
    /// req;` (a request held in a binding, built on later) goes as a whole.
    fn remove_link(&mut self, link: &Link) {
        let before = self.text[..link.span.start].trim_end().len();
        if let Some(statement) = self.whole_statement(before, link.span.end) {
            self.replace(statement, "");
            return;
        }
        self.replace(before..link.span.end, "");
    }

    /// The line of `let req = req<link>;` or `req = req<link>;` (the link between
    /// `start` and `end`), newline included.
    fn whole_statement(&self, start: usize, end: usize) -> Option<Span> {
        if !self.info.held || !self.text[end..].starts_with(';') {
            return None;
        }
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[end..]
            .find('\n')
            .map_or(self.text.len(), |i| end + i + 1);
        if !self.text[end + 1..line_end].trim().is_empty() {
            return None;
        }
        let head = self.text[line_start..start].trim();
        let head = head.strip_prefix("let ").map_or(head, |h| {
            h.trim_start()
                .strip_prefix("mut ")
                .unwrap_or(h)
                .trim_start()
        });
        let (left, right) = head.split_once('=')?;
        let (left, right) = (left.trim(), right.trim());
        (left == right && is_ident(left)).then_some(line_start..line_end)
    }

    fn query(&mut self) -> R<()> {
        let drop = |k: &str| self.rw.drop_query || self.rw.drop_params.iter().any(|p| p == k);
        for link in self.links(&["query", "query_pairs"]) {
            if self.rw.drop_query {
                self.remove_link(&link);
                continue;
            }
            let items: Vec<&(String, Span)> = self
                .info
                .query_items
                .iter()
                .filter(|(_, s)| link.span.start <= s.start && s.end <= link.span.end)
                .collect();
            if items.is_empty() {
                // `.query(&params)`: keys known only when every one of them is dropped.
                let known = &self.call.query;
                if !known.open
                    && !known.entries.is_empty()
                    && known.entries.iter().all(|f| drop(&f.key))
                {
                    self.remove_link(&link);
                } else if !self.rw.drop_params.is_empty()
                    && (known.open || known.entries.iter().any(|f| drop(&f.key)))
                {
                    return Err("the query parameters are built elsewhere; remove the v1 credentials from them by hand".into());
                }
                continue;
            }
            let dropped: Vec<&&(String, Span)> = items.iter().filter(|(k, _)| drop(k)).collect();
            if dropped.len() == items.len() {
                self.remove_link(&link);
            } else {
                for (_, span) in dropped {
                    let end = self.text[span.end..]
                        .find(|c: char| !c.is_whitespace())
                        .map(|i| span.end + i)
                        .filter(|i| self.text[*i..].starts_with(','))
                        .map(|i| {
                            let after = i + 1;
                            after
                                + (self.text[after..].len() - self.text[after..].trim_start().len())
                        })
                        .unwrap_or(span.end);
                    self.replace(span.start..end, "");
                }
            }
        }
        Ok(())
    }

    /// The link of header `name`, if the chain sets it.
    fn header_link(&self, name: &str) -> Option<(Link, bool)> {
        let entry = self
            .call
            .headers
            .entries
            .iter()
            .find(|f| f.key.eq_ignore_ascii_case(name))?;
        let link =
            self.info.links.iter().find(|l| {
                l.args.first() == Some(&entry.key_span) || l.name_span == entry.key_span
            })?;
        Some((link.clone(), link.name == "bearer_auth"))
    }

    fn separator(&self, next: Option<&Link>) -> String {
        // A chain written one link per line keeps that layout.
        let Some(next) = next else {
            return String::new();
        };
        let ws_start = self.text[..next.span.start].trim_end().len();
        let ws = &self.text[ws_start..next.span.start];
        match ws.rfind('\n') {
            Some(i) => format!("\n{}", &ws[i + 1..]),
            None => String::new(),
        }
    }

    /// Where links are added after the verb, and the separator before each.
    fn after_verb(&self) -> R<(usize, String)> {
        let at = match &self.info.verb {
            Some(v) => v.span.end,
            None => self.root_args_end()?,
        };
        let next = self.info.links.first();
        let sep = self.separator(next);
        // A new line of the chain goes after a comment ending the verb's line.
        let at = if sep.is_empty() {
            at
        } else {
            self.past_line_comment(at)
        };
        Ok((at, sep))
    }

    /// The end of the line when only a `//` comment follows `at` on it, else `at`.
    fn past_line_comment(&self, at: usize) -> usize {
        let line_end = self.text[at..]
            .find('\n')
            .map_or(self.text.len(), |i| at + i);
        if self.text[at..line_end].trim_start().starts_with("//") {
            line_end
        } else {
            at
        }
    }

    fn headers(&mut self) -> R<()> {
        for name in &self.rw.remove_headers {
            if let Some((link, _)) = self.header_link(name) {
                self.remove_link(&link);
            }
        }
        let mut added = String::new();
        let set_method = if self.flavor == Flavor::Ureq2 {
            "set"
        } else {
            "header"
        };
        let (at, sep) = self.after_verb()?;
        for (name, parts) in &self.rw.set_headers {
            let chunks: Vec<Chunk> = parts.iter().map(|p| self.part(p)).collect::<R<_>>()?;
            // `Bearer <expr>` on reqwest is `.bearer_auth(expr)`.
            let bearer = match chunks.as_slice() {
                [Chunk::Lit(l), Chunk::Expr(e)]
                    if l == "Bearer " && name.eq_ignore_ascii_case("authorization") =>
                {
                    Some(e.clone())
                }
                _ => None,
            };
            let value = string_expr(&chunks);
            let value_arg = if self.flavor == Flavor::Ureq2 && value.starts_with("format!") {
                format!("&{value}")
            } else {
                value.clone()
            };
            match self.header_link(name) {
                Some((link, true)) => match &bearer {
                    Some(e) => self.replace(link.args[0].clone(), e.clone()),
                    None => self.replace(
                        link.span.clone(),
                        format!(".{set_method}({}, {value_arg})", rust_string(name)),
                    ),
                },
                Some((link, false)) => {
                    let Some(arg) = link.args.get(1) else {
                        return Err("the header link has no value".into());
                    };
                    if self.text[arg.clone()] != value_arg {
                        self.replace(arg.clone(), value_arg.clone());
                    }
                }
                None => match (&bearer, self.ureq()) {
                    (Some(e), false) => added.push_str(&format!("{sep}.bearer_auth({e})")),
                    _ => added.push_str(&format!(
                        "{sep}.{set_method}({}, {value_arg})",
                        rust_string(name)
                    )),
                },
            }
        }
        if !added.is_empty() {
            self.insert(at, &added);
        }
        Ok(())
    }

    // ----- body -------------------------------------------------------------------------

    fn body(&mut self) -> R<()> {
        let Some(body) = &self.rw.body else {
            return Ok(());
        };
        let body_links = self.links(&["json", "form", "body", "multipart"]);
        let sender = self.sender_index().map(|i| self.info.links[i].clone());
        let new_method = self
            .rw
            .method
            .clone()
            .or_else(|| self.call.method.name.clone())
            .unwrap_or_default();
        let with_body = matches!(new_method.as_str(), "POST" | "PUT" | "PATCH");
        match body {
            NewBody::None => {
                for l in &body_links {
                    self.remove_link(l);
                }
                if let Some(s) = sender.clone().filter(|s| s.name.starts_with("send_")) {
                    let call = if self.flavor == Flavor::Ureq3 && with_body {
                        ".send_empty()"
                    } else {
                        ".call()"
                    };
                    self.replace(s.span.clone(), call);
                } else if let Some(s) = sender.filter(|s| s.name == "call") {
                    if self.flavor == Flavor::Ureq3 && with_body {
                        self.replace(s.span.clone(), ".send_empty()");
                    }
                }
                Ok(())
            }
            NewBody::Json(v) => {
                let macro_path = self.json_macro();
                let json = format!(
                    "{macro_path}!({})",
                    self.rvalue_laid_out(v, sender.as_ref())?
                );
                if self.ureq() {
                    let s = sender.ok_or("the ureq request is not sent in this chain")?;
                    self.replace(s.span.clone(), format!(".send_json({json})"));
                    return Ok(());
                }
                self.reqwest_body(&body_links, sender.as_ref(), &format!(".json(&{json})"))
            }
            NewBody::Form(fields) => {
                if fields.is_empty() {
                    return Err("no parameters to send as a form".into());
                }
                let pairs = self.form_pairs(fields)?;
                if self.ureq() {
                    let s = sender.ok_or("the ureq request is not sent in this chain")?;
                    let arg = if self.flavor == Flavor::Ureq2 {
                        format!("&{pairs}")
                    } else {
                        pairs
                    };
                    self.replace(s.span.clone(), format!(".send_form({arg})"));
                    return Ok(());
                }
                self.reqwest_body(&body_links, sender.as_ref(), &format!(".form(&{pairs})"))
            }
        }
    }

    fn reqwest_body(&mut self, existing: &[Link], sender: Option<&Link>, link: &str) -> R<()> {
        if let Some((first, rest)) = existing.split_first() {
            self.replace(first.span.clone(), link);
            for l in rest {
                self.remove_link(l);
            }
            return Ok(());
        }
        match sender {
            Some(s) => {
                let sep = self.separator(Some(s));
                let at = self.text[..s.span.start].trim_end().len();
                self.insert(at, &format!("{sep}{link}"));
            }
            None => {
                let (at, sep) = self.after_verb()?;
                self.insert(at, &format!("{sep}{link}"));
            }
        }
        Ok(())
    }

    /// The `json!` macro as the chain already writes it (`json!`, `ureq::json!`).
    fn json_macro(&self) -> String {
        for l in &self.info.links {
            if let Some(arg) = l.args.first() {
                let t = self.text[arg.clone()].trim_start_matches('&');
                if let Some(i) = t.find("json!") {
                    let path = &t[..i + 4];
                    if path
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == ':')
                    {
                        return path.to_string();
                    }
                }
            }
        }
        if self.json_imported {
            "json".into()
        } else {
            "serde_json::json".into()
        }
    }

    fn rvalue(&self, v: &RValue) -> R<String> {
        // A literal the plan keeps in a constant (with the response check that comes
        // with it) is written by the constant's name.
        let constant = v.literal().and_then(|t| self.rw.constant_for(t));
        if let Some(c) = constant.filter(|_| self.rw.check.is_some()) {
            return Ok(c.name.clone());
        }
        Ok(match v {
            RValue::Str(parts) => match parts.as_slice() {
                // `std::env::var(..).unwrap_or_default()` is a String already.
                [p @ Part::Env(_)] => match self.part(p)? {
                    Chunk::Expr(e) | Chunk::Lit(e) => e,
                },
                _ => {
                    let chunks: Vec<Chunk> =
                        parts.iter().map(|p| self.part(p)).collect::<R<_>>()?;
                    string_expr(&chunks)
                }
            },
            RValue::Bool(b) => b.to_string(),
            RValue::Num(n) => n.clone(),
            RValue::Null => "null".into(),
            RValue::Array(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|i| self.rvalue(i))
                    .collect::<R<Vec<_>>>()?
                    .join(", ")
            ),
            RValue::Object(entries) => {
                let inner = entries
                    .iter()
                    .map(|(k, v)| Ok(format!("{}: {}", rust_string(k), self.rvalue(v)?)))
                    .collect::<R<Vec<_>>>()?;
                if inner.is_empty() {
                    "{}".into()
                } else {
                    format!("{{ {} }}", inner.join(", "))
                }
            }
        })
    }

    /// A top-level object one entry per line when the chain is written one link per
    /// line and the object would not fit on one.
    fn rvalue_laid_out(&self, v: &RValue, sender: Option<&Link>) -> R<String> {
        let inline = self.rvalue(v)?;
        let sep = self.separator(sender);
        let (RValue::Object(entries), Some(indent)) = (v, sep.strip_prefix('\n')) else {
            return Ok(inline);
        };
        if inline.len() + indent.len() + 16 <= 100 {
            return Ok(inline);
        }
        let inner = entries
            .iter()
            .map(|(k, v)| {
                Ok(format!(
                    "{indent}    {}: {},\n",
                    rust_string(k),
                    self.rvalue(v)?
                ))
            })
            .collect::<R<String>>()?;
        Ok(format!("{{\n{inner}{indent}}}"))
    }

    /// `[("k", v), …]` with one value type for all pairs.
    fn form_pairs(&self, fields: &[(String, RValue)]) -> R<String> {
        let mut values = Vec::new();
        for (_, v) in fields {
            let chunks: Vec<Chunk> = match v {
                RValue::Str(parts) => {
                    let mut chunks = Vec::new();
                    for p in parts {
                        match p {
                            Part::Source { text, .. } => chunks.extend(self.query_value(text)),
                            p => chunks.push(self.part(p)?),
                        }
                    }
                    chunks
                }
                RValue::Bool(b) => vec![Chunk::Lit(b.to_string())],
                RValue::Num(n) => vec![Chunk::Lit(n.clone())],
                RValue::Null => vec![Chunk::Lit(String::new())],
                _ => return Err("a form field holds an object".into()),
            };
            values.push(chunks);
        }
        let all_literal = values
            .iter()
            .all(|c| c.iter().all(|x| matches!(x, Chunk::Lit(_))));
        // One element type for every pair: `&str`. Expressions whose type is not
        // known here go through `to_string()` (the temporary lives until the request
        // is sent, at the end of the statement).
        let rendered: Vec<String> = fields
            .iter()
            .zip(&values)
            .map(|((k, _), chunks)| {
                let v = match chunks.as_slice() {
                    _ if all_literal => string_expr(chunks),
                    [Chunk::Lit(l)] => rust_string(l),
                    [Chunk::Expr(e)] => {
                        let e = e.trim_start_matches('&');
                        if is_path(e) {
                            format!("{e}.to_string().as_str()")
                        } else {
                            format!("({e}).to_string().as_str()")
                        }
                    }
                    _ => format!("{}.as_str()", string_expr(chunks)),
                };
                format!("({}, {v})", rust_string(k))
            })
            .collect();
        Ok(format!("[{}]", rendered.join(", ")))
    }

    /// A value taken from the URL's query string is written there as a template
    /// (`{uuid}`, `user-{id}` for the URL's holes `uuid`, `id`): its literal text and
    /// the holes' expressions. Any other expression is itself.
    fn query_value(&self, text: &str) -> Vec<Chunk> {
        let holes: Vec<&str> = self
            .call
            .url
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Hole { expr, .. } => Some(expr.as_str()),
                Piece::Lit { .. } => None,
            })
            .collect();
        let mut out = Vec::new();
        let mut rest = text;
        let mut lit = String::new();
        while !rest.is_empty() {
            let hole = rest
                .strip_prefix('{')
                .and_then(|r| holes.iter().find(|h| r.starts_with(&format!("{h}}}"))));
            match hole {
                Some(h) => {
                    if !lit.is_empty() {
                        out.push(Chunk::Lit(std::mem::take(&mut lit)));
                    }
                    out.push(Chunk::Expr(h.to_string()));
                    rest = &rest[h.len() + 2..];
                }
                None => {
                    let c = rest.chars().next().unwrap_or_default();
                    lit.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        if out.is_empty() {
            // No hole of the URL: an expression written as such.
            return vec![Chunk::Expr(text.to_string())];
        }
        if !lit.is_empty() {
            out.push(Chunk::Lit(lit));
        }
        out
    }

    // ----- response check and constants ---------------------------------------------------

    /// Reads the response body and fails unless the plan's field holds the expected
    /// value.
    fn result_check(&mut self, check: &ResultCheck) -> R<()> {
        let manual = format!(
            "the call's response is used further: check {} ({}) by hand",
            check.dotted(),
            check.why
        );
        let span = self.call.span.clone();
        let before = self.text[..span.start].trim_end();
        let after = self.text[span.end..].trim_start();
        let statement = (before.ends_with(';') || before.ends_with('{') || before.ends_with('}'))
            && after.starts_with(';');
        let sender = self.sender_index().ok_or(manual.clone())?;
        let tail = &self.info.links[sender + 1..];
        let yields_response = tail
            .last()
            .is_some_and(|l| matches!(l.name.as_str(), "?" | "unwrap" | "expect"))
            && tail.iter().all(|l| {
                matches!(
                    l.name.as_str(),
                    "await" | "?" | "unwrap" | "expect" | "error_for_status"
                )
            });
        if !statement || !yields_response {
            return Err(manual);
        }
        let propagate = match self.propagate() {
            Some(p) => p.to_string(),
            None => format!(
                ".expect({})",
                rust_string(&format!("{} response", check.operation))
            ),
        };
        let links: Vec<String> = match self.flavor {
            Flavor::ReqwestAsync => vec![".json()".into(), format!(".await{propagate}")],
            Flavor::ReqwestBlocking => vec![format!(".json(){propagate}")],
            Flavor::Ureq2 => vec![format!(".into_json(){propagate}")],
            Flavor::Ureq3 => vec![".body_mut()".into(), format!(".read_json(){propagate}")],
        };
        let sep = self.separator(self.info.links.get(sender));
        let read: String = links.iter().map(|l| format!("{sep}{l}")).collect();
        let semi = span.end + (self.text[span.end..].len() - after.len());
        let line_start = self.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let indent: String = self.text[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let ret = &self.info.fn_ret;
        let message = rust_string(&format!("{}: {{closed}}", check.failure()));
        // `String` converts into a boxed error but not into anyhow's or eyre's.
        let fail = if ret.contains("anyhow") {
            format!("return Err(anyhow::anyhow!({message}));")
        } else if ret.contains("color_eyre") {
            format!("return Err(color_eyre::eyre::eyre!({message}));")
        } else if ret.contains("eyre") {
            format!("return Err(eyre::eyre!({message}));")
        } else if ret.contains("Box<dyn") {
            format!("return Err(format!({message}).into());")
        } else {
            format!("panic!({message});")
        };
        let field: String = check
            .path
            .iter()
            .map(|k| format!("[{}]", rust_string(k)))
            .collect();
        let expected = match &check.expected {
            RValue::Str(p) => match p.as_slice() {
                [Part::Lit(t)] => rust_string(t),
                _ => return Err("the check compares with a value that is not literal".into()),
            },
            RValue::Bool(b) => b.to_string(),
            RValue::Num(n) => n.clone(),
            _ => "serde_json::Value::Null".into(),
        };
        self.insert(span.start, "let closed: serde_json::Value = ");
        self.insert(span.end, &read);
        let after_semi = self.past_line_comment(semi + 1);
        self.insert(
            after_semi,
            &format!(
                "\n{indent}// {}.\n{indent}if closed{field} != {expected} {{\n{indent}    {fail}\n{indent}}}",
                check.why
            ),
        );
        Ok(())
    }

    /// The plan's constants the body uses, appended once.
    fn constants(&mut self) {
        let Some(NewBody::Json(body)) = &self.rw.body else {
            return;
        };
        for (_, c) in self.rw.constant_fields(body) {
            if self.text.contains(&format!("const {}: &str", c.name)) {
                continue;
            }
            self.module_code.push(format!(
                "/// {}\nconst {}: &str = {};",
                c.doc,
                c.name,
                rust_string(&c.value)
            ));
        }
    }

    // ----- functions of the plan -----------------------------------------------------------

    /// A plan function's name in this file's client (`_blocking`, `_ureq`).
    fn function_name(&self, name: &str) -> String {
        match self.flavor {
            Flavor::ReqwestAsync => name.to_string(),
            Flavor::ReqwestBlocking => format!("{name}_blocking"),
            Flavor::Ureq2 | Flavor::Ureq3 => format!("{name}_ureq"),
        }
    }

    /// `?` when the enclosing function returns the client's error (or a boxed or
    /// anyhow error); `None` when it does not.
    fn propagate(&self) -> Option<&'static str> {
        let ret = &self.info.fn_ret;
        let error_type_fits = match self.flavor {
            Flavor::ReqwestAsync | Flavor::ReqwestBlocking => {
                ret.contains("reqwest::Error") || ret.contains("reqwest::Result")
            }
            Flavor::Ureq2 | Flavor::Ureq3 => ret.contains("ureq::Error"),
        };
        (error_type_fits
            || ret.contains("Box<dyn")
            || ret.contains("anyhow")
            || ret.contains("eyre"))
        .then_some("?")
    }

    fn origin_arg(&self, origin: &[Part]) -> R<String> {
        Ok(match origin {
            [Part::Lit(l)] => rust_string(l),
            [Part::Source { text, .. }] => {
                let constant = text.rsplit("::").next().is_some_and(|n| {
                    n.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                });
                if constant {
                    text.clone()
                } else if is_path(text) {
                    format!("&{text}")
                } else {
                    format!("&({text})")
                }
            }
            _ => return Err("the API's origin is not known here".into()),
        })
    }

    /// A string argument of a plan function.
    fn string_arg(&self, parts: &[Part]) -> R<String> {
        let chunks: Vec<Chunk> = parts.iter().map(|p| self.part(p)).collect::<R<_>>()?;
        Ok(match chunks.as_slice() {
            [Chunk::Expr(e)] => {
                let e = e.trim_start_matches('&');
                if is_path(e) {
                    format!("&{e}")
                } else {
                    format!("&({e})")
                }
            }
            _ => {
                let s = string_expr(&chunks);
                if s.starts_with("format!") {
                    format!("&{s}")
                } else {
                    s
                }
            }
        })
    }

    /// A call of a plan function at the rewritten call.
    fn call_expr(&self, function: &str, args: &[Vec<Part>]) -> R<String> {
        let f = self
            .rw
            .function(function)
            .ok_or_else(|| format!("the plan has no function `{function}`"))?;
        let mut list = Vec::new();
        for (i, a) in args.iter().enumerate() {
            list.push(if i == 0 {
                self.origin_arg(a)?
            } else {
                self.string_arg(a)?
            });
        }
        let wait = if self.flavor == Flavor::ReqwestAsync {
            ".await"
        } else {
            ""
        };
        let propagate = match self.propagate() {
            Some(p) => p.to_string(),
            None => format!(".expect({})", rust_string(&format!("{} failed", f.what))),
        };
        Ok(format!(
            "{}({}){wait}{propagate}",
            self.function_name(function),
            list.join(", ")
        ))
    }

    fn helper(&mut self) {
        let blocks: Vec<String> = self
            .rw
            .functions_to_insert(self.text, |f| {
                format!("fn {}(", self.function_name(&f.name))
            })
            .into_iter()
            .map(|f| self.function_block(f))
            .collect();
        self.module_code
            .extend(blocks.iter().map(|b| b.trim_end_matches('\n').to_string()));
    }

    /// The constants and functions the plan adds, after the end of the file.
    fn module_code_edit(&mut self) {
        if self.module_code.is_empty() {
            return;
        }
        let end = self.text.len();
        let edit = crate::frontend::insert::module_code(self.text, end, &self.module_code, 1);
        let mut content = edit.content;
        if crate::model::text::tab_indented(self.text) {
            content = crate::model::text::tabify(&content, 4);
        }
        self.insert(edit.span.start, &content);
    }

    fn error_type(&self) -> &'static str {
        match self.flavor {
            Flavor::ReqwestAsync | Flavor::ReqwestBlocking => "reqwest::Error",
            Flavor::Ureq2 | Flavor::Ureq3 => "ureq::Error",
        }
    }

    /// A format string and its arguments for parts inside a plan function.
    fn function_format(&self, parts: &[Part]) -> (String, Vec<String>) {
        let mut fmt = String::new();
        let mut args = Vec::new();
        for p in parts {
            match p {
                Part::Lit(t) => fmt.push_str(&t.replace('{', "{{").replace('}', "}}")),
                Part::Param(n) => fmt.push_str(&format!("{{{n}}}")),
                Part::Env(e) => {
                    fmt.push_str("{}");
                    args.push(format!(
                        "std::env::var({}).unwrap_or_default()",
                        rust_string(e)
                    ));
                }
                Part::Call { function, args: a } => {
                    fmt.push_str("{}");
                    args.push(self.inner_call(function, a));
                }
                Part::Source { text, .. } => {
                    fmt.push_str("{}");
                    args.push(text.clone());
                }
            }
        }
        (fmt, args)
    }

    /// A call of a plan function inside another one (its error passes on with `?`).
    fn inner_call(&self, function: &str, args: &[Vec<Part>]) -> String {
        let list: Vec<String> = args
            .iter()
            .map(|a| match a.as_slice() {
                [Part::Param(n)] => n.clone(),
                other => rust_string(
                    &other
                        .iter()
                        .map(|p| match p {
                            Part::Lit(t) => t.as_str(),
                            _ => "",
                        })
                        .collect::<String>(),
                ),
            })
            .collect();
        let wait = if self.flavor == Flavor::ReqwestAsync {
            ".await"
        } else {
            ""
        };
        format!(
            "{}({}){wait}?",
            self.function_name(function),
            list.join(", ")
        )
    }

    /// A string value inside a plan function: a literal, a parameter, or `format!`.
    fn function_string(&self, parts: &[Part]) -> String {
        match parts {
            [Part::Lit(t)] => rust_string(t),
            [Part::Param(n)] => n.clone(),
            [Part::Env(e)] => format!("std::env::var({}).unwrap_or_default()", rust_string(e)),
            [Part::Call { function, args }] => self.inner_call(function, args),
            _ => {
                let (fmt, args) = self.function_format(parts);
                let mut out = format!("format!({}", rust_string(&fmt));
                for a in args {
                    out.push_str(&format!(", {a}"));
                }
                out.push(')');
                out
            }
        }
    }

    /// A function plan as a function in the file's client: one request, its JSON
    /// response, the value it returns.
    fn function_block(&self, f: &FunctionPlan) -> String {
        let name = self.function_name(&f.name);
        let base = f.params.first().cloned().unwrap_or_default();
        let url = format!(
            "format!({})",
            rust_string(&format!(
                "{{{base}}}{}",
                f.path.replace('{', "{{").replace('}', "}}")
            ))
        );
        let method = f.method.to_ascii_lowercase();
        let l = "\n        ";
        let mut chain = match self.flavor {
            Flavor::ReqwestAsync => format!("reqwest::Client::new(){l}.{method}({url})"),
            Flavor::ReqwestBlocking => {
                format!("reqwest::blocking::Client::new(){l}.{method}({url})")
            }
            Flavor::Ureq2 => format!("ureq::{method}(&{url})"),
            Flavor::Ureq3 => format!("ureq::{method}({url})"),
        };
        if !f.query.is_empty() {
            if self.ureq() {
                for (k, v) in &f.query {
                    chain.push_str(&format!(
                        "{l}.query({}, {})",
                        rust_string(k),
                        self.function_string(v)
                    ));
                }
            } else {
                let pairs: Vec<String> = f
                    .query
                    .iter()
                    .map(|(k, v)| format!("({}, {})", rust_string(k), self.function_string(v)))
                    .collect();
                chain.push_str(&format!("{l}.query(&[{}])", pairs.join(", ")));
            }
        }
        for (k, v) in &f.headers {
            let bearer = match v.as_slice() {
                [Part::Lit(b), rest @ ..]
                    if b == "Bearer "
                        && k.eq_ignore_ascii_case("authorization")
                        && !rest.is_empty() =>
                {
                    Some(rest)
                }
                _ => None,
            };
            let literal = matches!(v.as_slice(), [Part::Lit(_)]);
            let value = self.function_string(v);
            chain.push_str(&match self.flavor {
                Flavor::ReqwestAsync | Flavor::ReqwestBlocking => match bearer {
                    Some(rest) => format!("{l}.bearer_auth({})", self.function_string(rest)),
                    None => format!("{l}.header({}, {value})", rust_string(k)),
                },
                Flavor::Ureq2 if literal => format!("{l}.set({}, {value})", rust_string(k)),
                Flavor::Ureq2 => format!("{l}.set({}, &{value})", rust_string(k)),
                Flavor::Ureq3 => format!("{l}.header({}, {value})", rust_string(k)),
            });
        }
        let json = (!f.body.is_empty()).then(|| {
            let fields: String = f
                .body
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        RValue::Str(p) => self.function_string(p),
                        RValue::Bool(b) => b.to_string(),
                        RValue::Num(n) => n.clone(),
                        _ => "null".into(),
                    };
                    format!("\n            {}: {v},", rust_string(k))
                })
                .collect();
            format!("serde_json::json!({{{fields}\n        }})")
        });
        chain.push_str(&match (self.flavor, &json) {
            (Flavor::ReqwestAsync, Some(j)) => format!(
                "{l}.json(&{j}){l}.send(){l}.await?{l}.error_for_status()?{l}.json(){l}.await?"
            ),
            (Flavor::ReqwestAsync, None) => {
                format!("{l}.send(){l}.await?{l}.error_for_status()?{l}.json(){l}.await?")
            }
            (Flavor::ReqwestBlocking, Some(j)) => {
                format!("{l}.json(&{j}){l}.send()?{l}.error_for_status()?{l}.json()?")
            }
            (Flavor::ReqwestBlocking, None) => {
                format!("{l}.send()?{l}.error_for_status()?{l}.json()?")
            }
            (Flavor::Ureq2, Some(j)) => format!("{l}.send_json({j})?{l}.into_json()?"),
            (Flavor::Ureq2, None) => format!("{l}.call()?{l}.into_json()?"),
            (Flavor::Ureq3, Some(j)) => {
                format!("{l}.send_json({j})?{l}.body_mut(){l}.read_json()?")
            }
            (Flavor::Ureq3, None) => format!("{l}.call()?{l}.body_mut(){l}.read_json()?"),
        });
        let asyncness = if self.flavor == Flavor::ReqwestAsync {
            "async "
        } else {
            ""
        };
        let params: Vec<String> = f.params.iter().map(|p| format!("{p}: &str")).collect();
        let field = rust_string(f.returns.field());
        let (var, result) = match &f.returns {
            Returns::Field(_) => (
                "body",
                format!("    Ok(body[{field}].as_str().unwrap_or_default().to_string())\n"),
            ),
            Returns::FirstItemField { missing, .. } => {
                let (fmt, _) = self.function_format(missing);
                (
                    "users",
                    format!(
                        "    match users[0][{field}].as_str() {{\n        Some(id) => Ok(id.to_string()),\n        None => panic!({}),\n    }}\n",
                        rust_string(&fmt)
                    ),
                )
            }
        };
        format!(
            "/// {}.\n{asyncness}fn {name}({}) -> Result<String, {}> {{\n    let {var}: serde_json::Value = {chain};\n{result}}}\n",
            f.doc,
            params.join(", "),
            self.error_type()
        )
    }
}

/// A piece of a string the rewritten code builds.
enum Chunk {
    Lit(String),
    Expr(String),
}

/// A Rust string literal for `s`.
fn rust_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && !matches!(s, "self" | "Self" | "crate" | "super" | "_")
}

fn is_path(s: &str) -> bool {
    s.split("::").all(is_ident) || s.split('.').all(is_ident)
}

/// A literal when every chunk is literal, else `format!` with plain names captured
/// inline (`{user_id}`) and other expressions as positional arguments.
fn string_expr(chunks: &[Chunk]) -> String {
    if chunks.iter().all(|c| matches!(c, Chunk::Lit(_))) {
        let text: String = chunks
            .iter()
            .map(|c| match c {
                Chunk::Lit(t) => t.as_str(),
                Chunk::Expr(_) => "",
            })
            .collect();
        return rust_string(&text);
    }
    let mut template = String::new();
    let mut args = Vec::new();
    for c in chunks {
        match c {
            Chunk::Lit(t) => template.push_str(&t.replace('{', "{{").replace('}', "}}")),
            Chunk::Expr(e) if is_ident(e) => {
                template.push('{');
                template.push_str(e);
                template.push('}');
            }
            Chunk::Expr(e) => {
                template.push_str("{}");
                args.push(e.clone());
            }
        }
    }
    let lit = rust_string(&template);
    if args.is_empty() {
        format!("format!({lit})")
    } else {
        format!("format!({lit}, {})", args.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_formats() {
        assert_eq!(string_expr(&[Chunk::Lit("a\"b".into())]), r#""a\"b""#);
        assert_eq!(
            string_expr(&[
                Chunk::Expr("BASE".into()),
                Chunk::Lit("/users/{x}/".into()),
                Chunk::Expr("user.id".into()),
            ]),
            r#"format!("{BASE}/users/{{x}}/{}", user.id)"#
        );
    }
}
