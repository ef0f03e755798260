//! Rust front end (syn, with proc-macro2 `span-locations`).
//!
//! One `syn::parse_file`, then:
//! 1. [`walk`] collects the file's string constants (every `#[cfg]` definition) and,
//!    per function, its `let` bindings (with their blocks), their reassignments and
//!    the mutations of those bindings (`push_str`, `+=`, `insert`);
//! 2. [`clients`] recognises reqwest (async and blocking) and ureq (2 and 3) request
//!    chains (`client.delete(url).header(..).json(&..).send()`), lowering each into an
//!    `HttpCall`, resolving URLs through constants, bindings and `format!`-family
//!    macros ([`macros`] parses their bodies by hand, `json!` included); a URL with
//!    alternatives (`if`/`match` arms, reassignments, `env::var(..).unwrap_or(..)`,
//!    `#[cfg]` constants) is lowered once per alternative through
//!    [`crate::resolve::alternatives`];
//! 3. [`secrets`] finds credential-looking string literals in the token stream (macro
//!    bodies included, which syn leaves unparsed).
//!
//! syn drops comments, so [`lex`] finds them with a small lexer.
//!
//! Not for: guessing. What is not bound in this file stays a `Piece::Hole` or a
//! `Value::Expr` showing the expression as written.

mod clients;
mod lex;
mod macros;
mod modules;
pub mod render;
mod secrets;
mod walk;

use super::Extraction;
use crate::call::Span;

/// Maps proc-macro2 line/column positions (columns count chars) to byte offsets.
pub(crate) struct Src<'a> {
    pub text: &'a str,
    line_starts: Vec<usize>,
    /// Bytes of a byte-order mark that `syn::parse_file` strips before parsing.
    bom: usize,
}

impl<'a> Src<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Src {
            text,
            line_starts,
            bom,
        }
    }

    pub fn offset(&self, lc: proc_macro2::LineColumn) -> usize {
        let Some(&start) = self.line_starts.get(lc.line.saturating_sub(1)) else {
            return self.text.len();
        };
        let start = if lc.line == 1 {
            start + self.bom
        } else {
            start
        };
        let line = &self.text[start..];
        line.char_indices()
            .nth(lc.column)
            .map(|(i, _)| start + i)
            .unwrap_or(self.text.len())
    }

    pub fn span(&self, span: proc_macro2::Span) -> Span {
        self.offset(span.start())..self.offset(span.end())
    }

    pub fn of<T: syn::spanned::Spanned>(&self, node: &T) -> Span {
        self.span(node.span())
    }

    pub fn slice(&self, span: &Span) -> &'a str {
        self.text.get(span.clone()).unwrap_or("")
    }
}

/// Frees this thread's proc-macro2 source map: every parse adds the whole text to it
/// and nothing else ever removes it, so a long scan would keep every file it read.
/// Call only once no span of this thread is read again.
pub(crate) fn release_spans() {
    proc_macro2::extra::invalidate_current_thread_spans();
}

/// Parses the text; the error carries its byte span.
fn parse(text: &str) -> Result<syn::File, (Span, String)> {
    // syn and the walks over its tree recurse once per level of nesting.
    if let Some(at) = lex::too_deep(text, crate::isolate::MAX_NESTING) {
        return Err((
            at..at + 1,
            format!(
                "nested more than {} levels deep; not read",
                crate::isolate::MAX_NESTING
            ),
        ));
    }
    let file = syn::parse_file(text).map_err(|e| {
        let src = Src::new(text);
        let span = src.span(e.span());
        let span = if span.start == span.end && span.end < text.len() {
            span.start..span.start + text[span.start..].chars().next().map_or(0, char::len_utf8)
        } else {
            span
        };
        let message = e.to_string();
        // proc-macro2's lexer error says nothing about the cause.
        let message = if message == "cannot parse string into token stream" {
            "unbalanced delimiter or unterminated literal".to_string()
        } else {
            message
        };
        (span, message)
    })?;
    // syn keeps macro bodies as tokens; rustc parses those of the standard
    // expression macros, and so does the fix (it reads calls inside them).
    let mut check = MacroBodies { error: None };
    syn::visit::Visit::visit_file(&mut check, &file);
    match check.error {
        Some((at, whole, message)) => {
            let src = Src::new(text);
            let (at, whole) = (src.span(at), src.span(whole));
            // An error at the end of the body has no place of its own: the macro's.
            let span = if whole.start <= at.start && at.end <= whole.end && at.start < at.end {
                at
            } else {
                whole
            };
            Err((span, message))
        }
        None => Ok(with_lazy_statics(file)),
    }
}

/// The file with the `static` items that its `lazy_static! { static ref NAME: T =
/// value; … }` blocks define (syn keeps a macro's body as tokens), so that a settings
/// module's values defined that way are known like any other `static`.
fn with_lazy_statics(mut file: syn::File) -> syn::File {
    use proc_macro2::{TokenStream, TokenTree};
    let mut defined = Vec::new();
    for item in &file.items {
        let syn::Item::Macro(m) = item else { continue };
        if m.mac
            .path
            .segments
            .last()
            .is_none_or(|s| s.ident != "lazy_static")
        {
            continue;
        }
        // `static ref` → `static`.
        let mut after_static = false;
        let tokens: TokenStream = m
            .mac
            .tokens
            .clone()
            .into_iter()
            .filter(|t| {
                let drop = after_static && matches!(t, TokenTree::Ident(i) if i == "ref");
                after_static = matches!(t, TokenTree::Ident(i) if i == "static");
                !drop
            })
            .collect();
        if let Ok(inner) = syn::parse2::<syn::File>(tokens) {
            defined.extend(
                inner
                    .items
                    .into_iter()
                    .filter(|i| matches!(i, syn::Item::Static(_))),
            );
        }
    }
    file.items.extend(defined);
    file
}

/// Finds the first standard expression macro (`format!`, `println!`, `vec!`,
/// `assert_eq!`, …) whose body is not a comma-separated list of expressions.
struct MacroBodies {
    /// Where the body went wrong, the whole macro call, and the message.
    error: Option<(proc_macro2::Span, proc_macro2::Span, String)>,
}

impl<'ast> syn::visit::Visit<'ast> for MacroBodies {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.error.is_some() {
            return;
        }
        let Some(name) = mac.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        const EXPRESSION_MACROS: &[&str] = &[
            "format",
            "print",
            "println",
            "eprint",
            "eprintln",
            "write",
            "writeln",
            "panic",
            "assert",
            "assert_eq",
            "assert_ne",
            "debug_assert",
            "debug_assert_eq",
            "debug_assert_ne",
            "format_args",
            "unreachable",
            "todo",
            "unimplemented",
            "dbg",
        ];
        let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        let result = if EXPRESSION_MACROS.contains(&name.as_str()) {
            syn::parse::Parser::parse2(parser, mac.tokens.clone()).map(|_| ())
        } else if name == "vec" {
            // `vec![x; n]` or a list.
            let repeat = |input: syn::parse::ParseStream| {
                input.parse::<syn::Expr>()?;
                input.parse::<syn::Token![;]>()?;
                input.parse::<syn::Expr>()?;
                Ok(())
            };
            syn::parse::Parser::parse2(repeat, mac.tokens.clone())
                .or_else(|_| syn::parse::Parser::parse2(parser, mac.tokens.clone()).map(|_| ()))
        } else {
            Ok(())
        };
        if let Err(e) = result {
            let whole = syn::spanned::Spanned::span(mac);
            self.error = Some((e.span(), whole, format!("in {name}!: {e}")));
        }
    }
}

/// Extracts the HTTP calls, secrets and first syntax error of a Rust file.
pub fn extract(text: &str) -> Extraction {
    extract_in(text, None)
}

/// [`extract`] for a file at `path` of the run's project: constants `use`d from the
/// crate's other modules are resolved through `index` (see [`crate::resolve`]).
pub fn extract_in(
    text: &str,
    project: Option<(&crate::resolve::ProjectIndex, &std::path::Path)>,
) -> Extraction {
    let out = match parse(text) {
        Ok(file) => {
            let src = Src::new(text);
            let project = project.map(|(index, path)| clients::Project {
                index,
                path,
                depth: 0,
            });
            let found = clients::collect_in(&src, &file, project);
            Extraction {
                calls: found.into_iter().map(|c| c.call).collect(),
                secrets: secrets::collect(text),
                syntax_error: None,
                ..Default::default()
            }
        }
        Err(e) => Extraction {
            syntax_error: Some(e),
            ..Extraction::default()
        },
    };
    release_spans();
    out
}

/// The first syntax error of the text (a parse only).
pub fn syntax_check(text: &str) -> Option<(Span, String)> {
    let out = parse(text).err();
    release_spans();
    out
}

/// The spans of every comment of the text (`//…` and `/* … */`, markers included).
pub fn comments(text: &str) -> Vec<Span> {
    lex::comments(text)
}

/// Rust: reqwest and ureq.
pub struct Rust;

impl crate::frontend::FrontEnd for Rust {
    fn languages(&self) -> &'static [crate::source::Language] {
        &[crate::source::Language::Rust]
    }

    fn of_path(&self, path: &std::path::Path) -> Option<crate::source::Language> {
        super::by_extension(path, &[("rs", crate::source::Language::Rust)])
    }

    fn extract(&self, file: &crate::source::SourceFile, context: &super::Context) -> Extraction {
        extract_in(
            &file.text,
            context.project.map(|p| (p, file.path.as_path())),
        )
    }

    fn syntax_error(&self, file: &crate::source::SourceFile) -> Option<(Span, String)> {
        syntax_check(&file.text)
    }

    fn comments(&self, file: &crate::source::SourceFile) -> Vec<Span> {
        comments(&file.text)
    }
}

impl crate::frontend::Spell for Rust {
    fn spell(
        &self,
        file: &crate::source::SourceFile,
        _parsed: &Extraction,
        items: &[(&crate::call::HttpCall, &crate::model::plan::RewritePlan)],
    ) -> Vec<Result<Vec<crate::finding::Edit>, String>> {
        render::render_batch(&file.text, items)
    }

    fn json_quoting(&self) -> crate::frontend::JsonQuoting {
        crate::frontend::quoting::rust_string
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_chars() {
        let text = "let é = \"x\";\nfn f() {}\n";
        let src = Src::new(text);
        // `=` is the seventh char but the eighth byte (`é` takes two).
        let lc = proc_macro2::LineColumn { line: 1, column: 6 };
        assert_eq!(src.offset(lc), 7);
        let lc = proc_macro2::LineColumn { line: 2, column: 3 };
        assert_eq!(&text[src.offset(lc)..src.offset(lc) + 1], "f");
    }

    /// Each request of the text: its URL and which alternative it is.
    fn urls(body: &str) -> Vec<(String, Option<String>)> {
        let text =
            format!("fn f(c: &reqwest::blocking::Client, a: bool, id: u64) {{\n{body}\n}}\n");
        extract(&text)
            .calls
            .into_iter()
            .map(|c| (c.url.display(), c.alternative))
            .collect()
    }

    #[test]
    fn both_arms_of_an_if_are_alternatives_and_say_which() {
        let got = urls(
            r#"let b = if a { "https://x.com/api/2.0" } else if id > 2 { "https://y.com/v1" } else { panic!() };
               c.get(format!("{b}/users")).send();"#,
        );
        assert_eq!(
            got,
            [
                (
                    "https://x.com/api/2.0/users".to_string(),
                    Some("`b` is `\"https://x.com/api/2.0\"`".to_string())
                ),
                (
                    "https://y.com/v1/users".to_string(),
                    Some("`b` is `\"https://y.com/v1\"`".to_string())
                ),
            ]
        );
    }

    #[test]
    fn alternatives_that_give_the_same_url_are_one_request() {
        let got = urls(
            r#"let b = if a { "https://x.com" } else { "https://x.com" };
               c.get(format!("{b}/users")).send();"#,
        );
        assert_eq!(got, [("https://x.com/users".to_string(), None)]);
    }

    #[test]
    fn reassignments_replace_or_add_values() {
        // Certainly reassigned before the call: the new value only.
        let got =
            urls(r#"let mut u = "https://old.com"; u = "https://new.com"; c.get(&u).send();"#);
        assert_eq!(got, [("https://new.com".to_string(), None)]);
        // Maybe reassigned (an arm of an `if`, a loop): both.
        let got = urls(
            r#"let mut u = "https://old.com"; if a { u = "https://new.com"; } c.get(&u).send();
               let mut v = "https://a.com"; for _ in 0..id { v = "https://b.com"; } c.get(v).send();"#,
        );
        let shown: Vec<&str> = got.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(
            shown,
            [
                "https://old.com",
                "https://new.com",
                "https://a.com",
                "https://b.com"
            ]
        );
        // Reassigned inside the block of the call: that value.
        let got = urls(
            r#"let mut u = "https://old.com"; if a { u = "https://new.com"; c.get(&u).send(); }"#,
        );
        assert_eq!(got, [("https://new.com".to_string(), None)]);
        // Building on itself is not an alternative: the binding with its appends.
        let got = urls(
            r#"let mut u = String::from("https://x.com"); if a { u = format!("{u}/v2"); } c.get(&u).send();"#,
        );
        assert_eq!(got, [("https://x.com".to_string(), None)]);
    }

    #[test]
    fn a_let_in_an_inner_block_does_not_reach_past_it() {
        let got = urls(
            r#"let u = "https://outer.com"; { let u = "https://inner.com"; let _ = u; } c.get(u).send();"#,
        );
        assert_eq!(got, [("https://outer.com".to_string(), None)]);
    }

    #[test]
    fn environment_defaults_are_the_known_alternative() {
        let got = urls(
            r#"let b = std::env::var("B").unwrap_or("https://x.com".into()); c.get(format!("{b}/u")).send();"#,
        );
        assert_eq!(got[0].0, "https://x.com/u");
        assert_eq!(got[0].1.as_deref(), Some("`b` is `\"https://x.com\"`"));
        assert_eq!(got[1].1.as_deref(), Some("`b` is set at run time"));
        assert_eq!(got.len(), 2);
        // Without a default: one request, its base unknown.
        let got = urls(
            r#"let b = std::env::var("B").unwrap_or_default(); c.get(format!("{b}/u")).send();"#,
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1, None);
    }

    #[test]
    fn alternatives_are_capped_per_value_and_per_call() {
        let arms: String = (0..9)
            .map(|i| format!("{i} => \"https://h{i}.com\","))
            .collect();
        let got = urls(&format!(
            "let b = match id {{ {arms} _ => \"https://z.com\" }};\n\
             let d = match id {{ {arms} _ => \"/z\" }};\n\
             let e = match id {{ {arms} _ => \"/z\" }};\n\
             c.get(format!(\"{{b}}{{d}}{{e}}\")).send();"
        ));
        assert!(
            got.len() <= crate::resolve::alternatives::MAX_VARIANTS,
            "{got:?}"
        );
        assert!(got.len() > 1);
    }

    #[test]
    fn syntax_errors_have_a_span() {
        let (span, _) = syntax_check("fn main() {\n  let x = ;\n}\n").unwrap();
        assert_eq!(span.start, 22);
        assert!(syntax_check("fn main() {}").is_none());
    }
}
