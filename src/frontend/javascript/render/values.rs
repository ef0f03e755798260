//! Plan values spelled as JavaScript: strings in the call's quotes, template literals,
//! objects, form bodies.

use super::syntax::{escape_string, escape_template, percent_decode, strip_call};
use super::Renderer;
use crate::call::{Piece, Span};
use crate::model::plan::{camel_case, Part, RValue};

impl<'a> Renderer<'a> {
    pub(super) fn string(&self, s: &str) -> String {
        format!("{q}{}{q}", escape_string(s, self.quote), q = self.quote)
    }

    /// A property key as written in an object literal.
    pub(super) fn key_text(&self, k: &str) -> String {
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
    pub(super) fn parts(&self, parts: &[Part]) -> String {
        match parts {
            [] => self.string(""),
            [Part::Lit(t)] => self.string(t),
            [single] => self.part_expr(single),
            _ => format!("`{}`", self.template_parts(parts)),
        }
    }

    pub(super) fn template_parts(&self, parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| match p {
                Part::Lit(t) => escape_template(t),
                other => format!("${{{}}}", self.part_expr(other)),
            })
            .collect()
    }

    pub(super) fn part_expr(&self, p: &Part) -> String {
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
    pub(super) fn origin_expr(&self, origin: &[Part]) -> String {
        if let [Part::Lit(o)] = origin {
            if let Some(e) = self.origin_source(o) {
                return e;
            }
        }
        self.parts(origin)
    }

    pub(super) fn value(&self, v: &RValue, indent: &str) -> String {
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
    pub(super) fn object(&self, entries: &[(String, RValue)], indent: &str) -> String {
        let inner = format!("{indent}{}", self.unit);
        let items: Vec<String> = entries
            .iter()
            .map(|(k, v)| self.pair(k, &self.value(v, &inner)))
            .collect();
        // Properties of an options object sit at `base`: leave room for the key.
        self.layout(&items, ('{', '}'), true, indent, indent.len() + 10, 0)
    }

    /// The form body as an object literal rendered at `indent`.
    pub(super) fn form_object(&self, indent: &str) -> String {
        self.object(self.form.as_deref().unwrap_or_default(), indent)
    }

    /// The form fields, with those read from the URL's query string made plain: a
    /// literal is percent-decoded, `${encodeURIComponent(x)}` becomes `x` (the form
    /// encoding encodes it once again otherwise).
    pub(super) fn plain_form(&self, f: &[(String, RValue)]) -> Vec<(String, RValue)> {
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
    pub(super) fn mini_parts(&self, text: &str, span: &Span) -> Vec<Part> {
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
}
