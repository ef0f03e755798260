//! The URL: the part after the kept prefix, the query string, and where the URL's
//! origin comes from when a helper is called with it.

use super::syntax::{
    escape_string, escape_template, is_origin, is_plain_reference, leading_operand, literal_at,
    mini_template, scope_at, unescape_js,
};
use super::{Renderer, R};
use crate::call::{Piece, Span, Value};
use crate::frontend::fields::ChildField as _;
use crate::model::plan::{NewUrl, Part};
use tree_sitter::Node;

impl<'a> Renderer<'a> {
    pub(super) fn url(&mut self, url: Node<'a>) -> R<()> {
        self.url_node = Some(url);
        match &self.rw.url {
            None => self.url_query(url),
            Some(new) => self.new_url(url, new),
        }
    }

    /// Drops parameters (or the whole query) from a literal `?a=b&c=d` in the URL.
    pub(super) fn url_query(&mut self, url: Node<'a>) -> R<()> {
        if self.rw.drop_params.is_empty() && !self.rw.drop_query {
            return Ok(());
        }
        // Query builders inside the URL: `${new URLSearchParams({...})}`.
        let mut stack = vec![url];
        let mut builders = Vec::new();
        while let Some(n) = stack.pop() {
            if n.kind_name() == "template_substitution" {
                if let Some(e) = n.named_child(0) {
                    if matches!(e.kind_name(), "call_expression" | "new_expression")
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
    pub(super) fn literal_query_range(&self, url: Node<'a>) -> Option<(Node<'a>, usize, usize)> {
        let mut stack = vec![url];
        let mut lits = Vec::new();
        while let Some(n) = stack.pop() {
            match n.kind_name() {
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

    pub(super) fn new_url(&mut self, url: Node<'a>, new: &NewUrl) -> R<()> {
        let query = self.kept_query(url);
        let cut = new.cut.ok_or("the URL's path is not written literally")?;
        if cut >= url.start_byte() && cut <= url.end_byte() {
            let lit = literal_at(url, cut).ok_or("the URL's path is not in a string literal")?;
            if !matches!(
                url.kind_name(),
                "string" | "template_string" | "binary_expression" | "parenthesized_expression"
            ) {
                return Err(format!(
                    "the URL is built with `{}`; rewrite it by hand",
                    url.kind_name()
                ));
            }
            if lit.kind_name() == "template_string" {
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
    pub(super) fn kept_query(&self, url: Node<'a>) -> String {
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
    pub(super) fn origin_source(&self, origin: &str) -> Option<String> {
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
    pub(super) fn lead_value(&self) -> Option<(String, String)> {
        let url = self.url_node?;
        let lead = leading_operand(url)?;
        if !matches!(lead.kind_name(), "identifier" | "member_expression")
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
    pub(super) fn literal_name(&self, span: &Span) -> Option<String> {
        let mut lit = self.root.descendant_for_byte_range(span.start, span.end)?;
        while !matches!(lit.kind_name(), "string" | "template_string") {
            lit = self.scopes.parents.of(lit)?;
        }
        if lit.start_byte() + 1 != span.start || lit.end_byte() - 1 != span.end {
            return None;
        }
        let decl = self
            .scopes
            .parents
            .of(lit)
            .filter(|d| d.kind_name() == "variable_declarator")?;
        let name = decl
            .field("name")
            .filter(|n| n.kind_name() == "identifier")?;
        if decl.field("value").map(|v| v.id()) != Some(lit.id()) {
            return None;
        }
        let here = scope_at(self.scopes, self.node);
        let binding = self.scopes.lookup(self.src(name), here)?;
        (self.scopes.binding_of(name) == Some(binding)).then(|| self.src(name).to_string())
    }
}
