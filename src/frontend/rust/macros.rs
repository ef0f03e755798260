//! Macro bodies syn leaves as tokens: `format!`-family format strings (pieces and the
//! arguments their `{}` bind to) and `serde_json::json!` / `ureq::json!` objects.

use super::Src;
use crate::call::{Field, Fields, Span, Value};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::{Expr, Token};

/// A string literal: its value, where its text is, and whether that text is the value
/// byte for byte (no escapes).
pub struct StrLit {
    pub value: String,
    pub inner: Span,
    pub exact: bool,
}

pub fn str_lit(src: &Src, lit: &syn::LitStr) -> StrLit {
    let span = src.span(lit.span());
    let token = src.slice(&span);
    let value = lit.value();
    let inner = if let Some(rest) = token.strip_prefix('r') {
        let hashes = rest.len() - rest.trim_start_matches('#').len();
        (span.start + 2 + hashes)..span.end.saturating_sub(1 + hashes)
    } else {
        let close = token.rfind('"').unwrap_or(token.len().saturating_sub(1));
        (span.start + 1)..(span.start + close)
    };
    let inner = if inner.start <= inner.end {
        inner
    } else {
        span.clone()
    };
    let exact = src.slice(&inner) == value;
    StrLit {
        value,
        inner,
        exact,
    }
}

/// Which argument a `{…}` of a format string names.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgRef {
    Next,
    Index(usize),
    Name(String),
}

#[derive(Debug, PartialEq)]
pub enum FmtPiece {
    Lit {
        text: String,
        span: Span,
        exact: bool,
    },
    /// `{…}`; `debug` for `{:?}` (a string argument is then printed with quotes).
    Arg {
        arg: ArgRef,
        span: Span,
        debug: bool,
    },
}

/// Splits a format string into literal text and `{}` references. Spans are exact only
/// when the literal has no escapes; `{{`/`}}` become their own (inexact) pieces.
pub fn format_pieces(lit: &StrLit) -> Option<Vec<FmtPiece>> {
    let text = &lit.value;
    let at = |from: usize, to: usize| {
        if lit.exact {
            (lit.inner.start + from)..(lit.inner.start + to)
        } else {
            lit.inner.clone()
        }
    };
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    let mut start = 0;
    let flush = |out: &mut Vec<FmtPiece>, from: usize, to: usize| {
        if to > from {
            out.push(FmtPiece::Lit {
                text: text[from..to].to_string(),
                span: at(from, to),
                exact: lit.exact,
            });
        }
    };
    while i < b.len() {
        match b[i] {
            b'{' | b'}' if b.get(i + 1) == Some(&b[i]) => {
                flush(&mut out, start, i);
                out.push(FmtPiece::Lit {
                    text: (b[i] as char).to_string(),
                    span: at(i, i + 2),
                    exact: false,
                });
                i += 2;
                start = i;
            }
            b'{' => {
                flush(&mut out, start, i);
                let close = text[i..].find('}')? + i;
                let inside = &text[i + 1..close];
                let (name, spec) = inside.split_once(':').unwrap_or((inside, ""));
                let name = name.trim();
                let arg = if name.is_empty() {
                    ArgRef::Next
                } else if let Ok(n) = name.parse() {
                    ArgRef::Index(n)
                } else {
                    ArgRef::Name(name.to_string())
                };
                out.push(FmtPiece::Arg {
                    arg,
                    span: at(i, close + 1),
                    debug: spec.contains('?'),
                });
                i = close + 1;
                start = i;
            }
            b'}' => return None,
            _ => i += 1,
        }
    }
    flush(&mut out, start, b.len());
    Some(out)
}

/// The arguments of a `format!`-like macro: the format string, positional arguments,
/// and `name = value` arguments.
pub struct FormatArgs {
    pub template: syn::LitStr,
    pub positional: Vec<Expr>,
    pub named: Vec<(String, Expr)>,
}

pub fn format_args(tokens: &TokenStream) -> Option<FormatArgs> {
    let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
    let args = syn::parse::Parser::parse2(parser, tokens.clone()).ok()?;
    let mut it = args.into_iter();
    let Some(Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(template),
        ..
    })) = it.next()
    else {
        return None;
    };
    let mut positional = Vec::new();
    let mut named = Vec::new();
    for e in it {
        match e {
            Expr::Assign(a) => match super::walk::ident_of(&a.left) {
                Some(name) => named.push((name, *a.right)),
                None => return None,
            },
            other => positional.push(other),
        }
    }
    Some(FormatArgs {
        template,
        positional,
        named,
    })
}

/// The string literals of `concat!("a", "b")` (`None` when anything else is in it).
pub fn concat_args(tokens: &TokenStream) -> Option<Vec<syn::LitStr>> {
    let parser = Punctuated::<syn::LitStr, Token![,]>::parse_terminated;
    let args = syn::parse::Parser::parse2(parser, tokens.clone()).ok()?;
    Some(args.into_iter().collect())
}

/// The value of a `json!(…)` body. `expr` lowers an embedded Rust expression.
pub fn json_value(src: &Src, tokens: TokenStream, expr: &dyn Fn(&Expr) -> Value) -> Value {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    json_trees(src, &trees, expr)
}

fn span_of_trees(src: &Src, trees: &[TokenTree]) -> Span {
    match (trees.first(), trees.last()) {
        (Some(a), Some(b)) => src.span(a.span()).start..src.span(b.span()).end,
        _ => 0..0,
    }
}

fn json_trees(src: &Src, trees: &[TokenTree], expr: &dyn Fn(&Expr) -> Value) -> Value {
    let span = span_of_trees(src, trees);
    match trees {
        [TokenTree::Group(g)] if g.delimiter() == Delimiter::Brace => {
            let mut fields = Fields {
                entries: Vec::new(),
                open: false,
                span: src.span(g.span()),
            };
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            for entry in split_commas(&inner) {
                let colon = entry
                    .iter()
                    .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ':'));
                let (Some(colon), Some(TokenTree::Literal(key))) = (colon, entry.first()) else {
                    fields.open = true;
                    continue;
                };
                let Ok(syn::Lit::Str(key_lit)) =
                    syn::parse2::<syn::Lit>(TokenTree::Literal(key.clone()).into())
                else {
                    fields.open = true;
                    continue;
                };
                if colon != 1 {
                    fields.open = true;
                    continue;
                }
                let key_str = str_lit(src, &key_lit);
                fields.entries.push(Field {
                    key: key_str.value,
                    key_span: src.span(key.span()),
                    value: json_trees(src, &entry[colon + 1..], expr),
                });
            }
            Value::Object(fields)
        }
        [TokenTree::Group(g)] if g.delimiter() == Delimiter::Bracket => {
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            Value::Array {
                items: split_commas(&inner)
                    .into_iter()
                    .map(|t| json_trees(src, t, expr))
                    .collect(),
                span: src.span(g.span()),
            }
        }
        [TokenTree::Ident(i)] if i == "null" => Value::Null { span },
        [TokenTree::Ident(i)] if i == "true" || i == "false" => Value::Bool {
            value: i == "true",
            span,
        },
        _ => {
            let stream: TokenStream = trees.iter().cloned().collect();
            match syn::parse2::<Expr>(stream) {
                Ok(e) => expr(&e),
                Err(_) => Value::Expr {
                    text: src.slice(&span).to_string(),
                    span,
                },
            }
        }
    }
}

fn split_commas(trees: &[TokenTree]) -> Vec<&[TokenTree]> {
    trees
        .split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_strings() {
        let text = r#"format!("{base}/users/{}/x{{y}}{0:?}", id)"#;
        let file = syn::parse_str::<syn::ExprMacro>(text).unwrap();
        let src = Src::new(text);
        let args = format_args(&file.mac.tokens).unwrap();
        let lit = str_lit(&src, &args.template);
        assert!(lit.exact);
        let pieces = format_pieces(&lit).unwrap();
        assert_eq!(pieces.len(), 8);
        assert!(
            matches!(&pieces[0], FmtPiece::Arg { arg: ArgRef::Name(n), span, .. } if n == "base" && &text[span.clone()] == "{base}")
        );
        assert!(
            matches!(&pieces[1], FmtPiece::Lit { text: t, span, exact: true } if t == "/users/" && &text[span.clone()] == "/users/")
        );
        assert!(matches!(
            &pieces[2],
            FmtPiece::Arg {
                arg: ArgRef::Next,
                ..
            }
        ));
        assert!(matches!(
            &pieces[7],
            FmtPiece::Arg {
                arg: ArgRef::Index(0),
                debug: true,
                ..
            }
        ));
    }
}
