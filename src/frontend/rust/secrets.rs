//! Which string literals are credentials, found in the token stream (so that literals
//! inside `json!`, `format!` and other macro bodies count too).
//!
//! A literal is a secret when it is stored under a name that says so (a `let`/`const`
//! binding, a `json!` key, the first element of a `("apiKey", "…")` pair or of a
//! `.header("Authorization", "…")`, a struct field), when it is a `Bearer …` / `Basic …`
//! credential wherever it is written, or a `?apiKey=…` query parameter inside a URL.
//! The name and credential tests are shared by every front end
//! ([`crate::frontend::credentials`]).

use crate::call::Span;
use crate::frontend::credentials::scan_literal;
use proc_macro2::TokenTree;

/// Secret spans of every string literal of the file.
pub fn collect(text: &str) -> Vec<Span> {
    let Ok(stream) = text.parse::<proc_macro2::TokenStream>() else {
        return Vec::new();
    };
    let src = super::Src::new(text);
    let mut out = Vec::new();
    walk(&src, stream, None, &mut out);
    out.sort_by_key(|s| s.start);
    out.dedup();
    out
}

/// Walks one group's tokens. `inherited` is the name the whole group stands under
/// (the inside of `Some(…)` or `String::from(…)`).
fn walk(
    src: &super::Src,
    stream: proc_macro2::TokenStream,
    inherited: Option<String>,
    out: &mut Vec<Span>,
) {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    for (i, t) in trees.iter().enumerate() {
        match t {
            TokenTree::Literal(l) => {
                let Ok(syn::Lit::Str(s)) =
                    syn::parse2::<syn::Lit>(TokenTree::Literal(l.clone()).into())
                else {
                    continue;
                };
                let lit = super::macros::str_lit(src, &s);
                let name = name_at(&trees, i).or_else(|| inherited.clone());
                scan_literal(&lit.value, &lit.inner, lit.exact, name.as_deref(), out);
            }
            TokenTree::Group(g) => {
                let owner = match i.checked_sub(1).map(|p| &trees[p]) {
                    Some(TokenTree::Ident(id)) => Some(id.to_string()),
                    _ => None,
                };
                let inherit = match owner.as_deref() {
                    Some("Some" | "from" | "new" | "Ok") => {
                        name_at(&trees, i - 1).or_else(|| inherited.clone())
                    }
                    Some("bearer_auth") => Some("bearer".to_string()),
                    Some("basic_auth") => {
                        // The second argument is the password.
                        let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                        let comma = inner
                            .iter()
                            .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','));
                        if let Some(c) = comma {
                            let rest: proc_macro2::TokenStream =
                                inner[c + 1..].iter().cloned().collect();
                            walk(src, rest, Some("password".into()), out);
                            continue;
                        }
                        None
                    }
                    _ => None,
                };
                walk(src, g.stream(), inherit, out);
            }
            _ => {}
        }
    }
}

fn is_punct(t: &TokenTree, c: char) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == c)
}

fn token_name(t: &TokenTree) -> Option<String> {
    match t {
        TokenTree::Ident(i) => Some(i.to_string()),
        TokenTree::Literal(l) => {
            match syn::parse2::<syn::Lit>(TokenTree::Literal(l.clone()).into()) {
                Ok(syn::Lit::Str(s)) => Some(s.value()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The name the token at `i` (a literal, or the path owning a group) is stored under.
fn name_at(trees: &[TokenTree], i: usize) -> Option<String> {
    // Step back over a path such as `String::from` to the start of the expression.
    let mut start = i;
    while start >= 3 && is_punct(&trees[start - 1], ':') && is_punct(&trees[start - 2], ':') {
        start -= 3;
    }
    let prev = trees.get(start.checked_sub(1)?)?;
    if is_punct(prev, '=')
        && !(start >= 2
            && matches!(&trees[start - 2], TokenTree::Punct(p) if "=!<>".contains(p.as_char())))
    {
        // `let x: T = "…"`, `const X: &str = "…"`, `name = "…"` (a named macro argument).
        let mut j = start - 1;
        while j > 0 {
            j -= 1;
            match &trees[j] {
                TokenTree::Ident(id)
                    if matches!(id.to_string().as_str(), "let" | "const" | "static") =>
                {
                    let mut k = j + 1;
                    while matches!(trees.get(k), Some(TokenTree::Ident(m)) if *m == "mut" || *m == "ref")
                    {
                        k += 1;
                    }
                    return trees.get(k).and_then(token_name);
                }
                t if is_punct(t, ';')
                    || matches!(t, TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Brace) =>
                {
                    break
                }
                _ => {}
            }
        }
        return token_name(trees.get(start - 2)?);
    }
    if is_punct(prev, ':') && !(start >= 2 && is_punct(&trees[start - 2], ':')) {
        return token_name(trees.get(start.checked_sub(2)?)?);
    }
    if is_punct(prev, ',') {
        // The second element of a pair whose first element is one name.
        let first = start.checked_sub(2)?;
        let mut k = first;
        while k >= 3 && is_punct(&trees[k - 1], ':') && is_punct(&trees[k - 2], ':') {
            k -= 3;
        }
        if k == 0 {
            return token_name(&trees[first]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        collect(text).into_iter().map(|s| &text[s]).collect()
    }

    #[test]
    fn named_and_scheme_credentials() {
        let text = r#"
const API_KEY: &str = "k-123456";
const BASE: &str = "https://example.com";
fn f(id: &str) {
    let password = "hunter22";
    c.get(format!("https://x/api/v1/users?company=acme&apiKey={API_KEY}&x={id}"))
        .basic_auth("admin", Some("pw-basic"))
        .bearer_auth("tok-123")
        .header("Authorization", "Bearer abc.def")
        .header(header::AUTHORIZATION, "Basic dXNlcjpwYXNz")
        .query(&[("apiKey", "k-999"), ("company", "acme")])
        .json(&json!({ "client_secret": "s3cr3t", "name": "Jane" }));
    let x = format!("{}", "Bearer zzz");
}
"#;
        assert_eq!(
            found(text),
            [
                "k-123456",
                "hunter22",
                "pw-basic",
                "tok-123",
                "abc.def",
                "dXNlcjpwYXNz",
                "k-999",
                "s3cr3t",
                "zzz"
            ]
        );
    }
}
