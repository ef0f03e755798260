//! Small tree and text utilities of the renderer.

use super::super::scope;
use super::super::scope::Scopes;
use crate::call::{Client, Span};
use crate::frontend::fields::ChildField as _;
use crate::frontend::parents::Parents;
use tree_sitter::Node;

/// The function a call calls (looking through the `await f<T>(x)` misparse).
pub(super) fn callee(call: Node) -> Option<Node> {
    let f = call
        .field("function")
        .or_else(|| call.field("constructor"))?;
    if f.kind_name() == "await_expression" {
        return f.named_child(0);
    }
    Some(f)
}

pub(super) fn client_name(c: Client) -> &'static str {
    match c {
        Client::NodeHttp => "node http.request",
        Client::Xhr => "XMLHttpRequest",
        Client::Rpc => "SDK RPC",
        Client::BaseUrl => "base-URL",
        _ => "these",
    }
}

pub(super) fn arguments(call: Node) -> Option<Node> {
    call.field("arguments")
}

pub(super) use crate::frontend::fields::named_children;

pub(super) fn has_comment(n: Node) -> bool {
    let mut c = n.walk();
    let found = n
        .named_children(&mut c)
        .any(|ch| ch.kind_name() == "comment");
    found
}

pub(super) fn contains(outer: Node, inner: Node) -> bool {
    outer.id() != inner.id()
        && outer.start_byte() <= inner.start_byte()
        && inner.end_byte() <= outer.end_byte()
}

/// The node spanning exactly `span` (the outermost one), if any.
pub(super) fn node_at<'t>(parents: &Parents<'t>, root: Node<'t>, span: &Span) -> Option<Node<'t>> {
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
pub(super) fn scope_at<'t>(scopes: &Scopes<'t>, node: Node<'t>) -> scope::ScopeId {
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
pub(super) fn this_owner<'t>(parents: &Parents<'t>, n: Node<'t>) -> Option<usize> {
    let mut cur = parents.of(n);
    while let Some(p) = cur {
        if matches!(
            p.kind_name(),
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
pub(super) fn leading_operand(url: Node) -> Option<Node> {
    match url.kind_name() {
        "binary_expression" => leading_operand(url.field("left")?),
        "parenthesized_expression" => leading_operand(url.named_child(0)?),
        "template_string" => {
            let first = url.named_child(0)?;
            (first.kind_name() == "template_substitution"
                && first.start_byte() == url.start_byte() + 1)
                .then(|| first.named_child(0))
                .flatten()
        }
        "identifier" | "member_expression" => Some(url),
        _ => None,
    }
}

pub(super) fn member_property(callee: Node, text: &str) -> Option<String> {
    (callee.kind_name() == "member_expression")
        .then(|| callee.field("property"))
        .flatten()
        .map(|p| text[p.start_byte()..p.end_byte()].to_string())
}

/// The option that names the HTTP method (`type` is jQuery's).
pub(super) fn is_method_key(k: &str) -> bool {
    k == "method" || k == "type"
}

pub(super) fn is_verb(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "get" | "post" | "put" | "patch" | "delete" | "head" | "options"
    )
}

/// `scheme://host[:port]` and nothing more.
pub(super) fn is_origin(s: &str) -> bool {
    s.split_once("://").is_some_and(|(scheme, rest)| {
        !scheme.is_empty() && !rest.is_empty() && !rest.contains(['/', '?', '#'])
    })
}

/// The properties of an object literal (pairs and shorthand properties).
pub(super) fn object_entries(obj: Node) -> Vec<Node> {
    named_children(obj)
        .into_iter()
        .filter(|c| {
            matches!(
                c.kind_name(),
                "pair" | "shorthand_property_identifier" | "spread_element" | "method_definition"
            )
        })
        .collect()
}

pub(super) fn entry_key(entry: Node, text: &str) -> Option<String> {
    match entry.kind_name() {
        "pair" => {
            let k = entry.field("key")?;
            match k.kind_name() {
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

pub(super) fn object_pair<'t>(obj: Node<'t>, key: &str, text: &str) -> Option<Node<'t>> {
    object_entries(obj)
        .into_iter()
        .find(|e| entry_key(*e, text).as_deref() == Some(key))
}

/// The value node of `key` in an object literal (the identifier itself for `{ key }`).
pub(super) fn object_value<'t>(obj: Node<'t>, key: &str, text: &str) -> Option<Node<'t>> {
    let e = object_pair(obj, key, text)?;
    match e.kind_name() {
        "pair" => e.field("value"),
        _ => Some(e),
    }
}

pub(super) fn string_value(n: Node, text: &str) -> Option<String> {
    if n.kind_name() != "string" {
        return None;
    }
    let raw = &text[n.start_byte() + 1..n.end_byte() - 1];
    Some(unescape_js(raw))
}

/// The innermost string or template literal containing byte `at`.
pub(super) fn literal_at(url: Node, at: usize) -> Option<Node> {
    let mut best = None;
    let mut stack = vec![url];
    while let Some(n) = stack.pop() {
        if n.start_byte() <= at && at <= n.end_byte() {
            if matches!(n.kind_name(), "string" | "template_string")
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

pub(super) fn is_plain_reference(expr: &str) -> bool {
    !expr.is_empty()
        && expr
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
}

/// `f(x)` → `x` for the functions named (once); anything else unchanged.
pub(super) fn strip_call<'s>(expr: &'s str, names: &[&str]) -> &'s str {
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
pub(super) fn mini_template(s: &str) -> String {
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
pub(super) fn percent_decode(s: &str) -> String {
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

pub(super) fn escape_string(s: &str, q: char) -> String {
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

pub(super) fn escape_template(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('`', "\\`")
        .replace("${", "\\${")
}

pub(super) fn unescape_js(s: &str) -> String {
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
