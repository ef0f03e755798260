//! Front ends: one per language. Each turns a file's text into `HttpCall`s, and does all
//! the language work to get there (finding calls, resolving URL pieces bound in the same
//! file, reading option objects). Rules never see syntax.

pub mod credentials;
pub mod http;
pub mod javascript;
pub mod markdown;
pub mod postman;
pub mod python;
pub mod rust;
pub mod shell;

use crate::call::{HttpCall, Span};
use crate::finding::Edit;
use crate::fix::rewrite::CallRewrite;
use crate::source::{Language, SourceFile};

/// What a front end found in one file.
#[derive(Debug, Default)]
pub struct Extraction {
    pub calls: Vec<HttpCall>,
    /// Spans of secret-looking literals anywhere in the file (API keys, passwords,
    /// tokens, Basic/Bearer credentials). Every output replaces them with `***`.
    pub secrets: Vec<Span>,
    /// The first syntax error, when the file does not parse cleanly.
    pub syntax_error: Option<(Span, String)>,
    /// The syntax tree of the text (tree-sitter front ends), for rendering rewrites
    /// without parsing the same text again.
    pub tree: Option<tree_sitter::Tree>,
}

/// Runs the front end for the file's language.
pub fn extract(file: &SourceFile) -> Extraction {
    extract_with(file, &[])
}

/// The first syntax error of a file's text (a parse only: no calls are extracted).
pub fn syntax_error(file: &SourceFile) -> Option<(Span, String)> {
    match file.language {
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            javascript::syntax_check(&file.text, file.language)
        }
        Language::Postman => postman::json::parse(&file.text).err(),
        Language::Python => python::syntax_check(&file.text),
        Language::Rust => rust::syntax_check(&file.text),
        Language::Shell => shell::syntax_check(&file.text),
        Language::Markdown => markdown::syntax_check(&file.text),
        Language::Http => http::syntax_check(&file.text),
    }
}

/// The spans of every comment of a file (whole comments, markers included), for
/// inline suppressions. Postman descriptions are handled by the suppression pass.
pub fn comments(file: &SourceFile) -> Vec<Span> {
    match file.language {
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            javascript::comments(&file.text, file.language)
        }
        Language::Postman => Vec::new(),
        Language::Python => python::comments(&file.text),
        Language::Rust => rust::comments(&file.text),
        Language::Shell => shell::comments(&file.text),
        Language::Markdown => markdown::comments(&file.text),
        Language::Http => http::comments(&file.text),
    }
}

/// [`extract`] with the run's Postman environment files (`--postman-env`), which
/// resolve `{{variables}}` in every collection.
pub fn extract_with(file: &SourceFile, postman_env: &[std::path::PathBuf]) -> Extraction {
    match file.language {
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            javascript::extract(&file.text, file.language)
        }
        Language::Postman => postman::extract(&file.text, &file.path, postman_env),
        Language::Python => python::extract(&file.text),
        Language::Rust => rust::extract(&file.text),
        Language::Shell => shell::extract(&file.text),
        Language::Markdown => markdown::extract(&file.text),
        Language::Http => http::extract(&file.text),
    }
}

/// Renders a rewrite of `call` as edits in the file's language.
pub fn render(
    file: &SourceFile,
    call: &HttpCall,
    rewrite: &CallRewrite,
) -> Result<Vec<Edit>, String> {
    match file.language {
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            render_javascript(file, call, rewrite)
        }
        Language::Postman => postman::render::render(&file.text, call, rewrite),
        _ => {
            let extraction = extract(file);
            render_batch(file, &extraction, &[(call, rewrite)])
                .pop()
                .expect("one result per item")
        }
    }
}

/// Renders several rewrites of one file (the file is read once for all of them).
pub fn render_batch(
    file: &SourceFile,
    extraction: &Extraction,
    items: &[(&HttpCall, &CallRewrite)],
) -> Vec<Result<Vec<Edit>, String>> {
    match file.language {
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            javascript::render::render_batch(
                &file.text,
                file.language,
                extraction.tree.as_ref(),
                items,
            )
        }
        Language::Postman => items
            .iter()
            .map(|(call, rewrite)| postman::render::render(&file.text, call, rewrite))
            .collect(),
        Language::Python => {
            python::render::render_batch(&file.text, extraction.tree.as_ref(), items)
        }
        Language::Rust => rust::render::render_batch(&file.text, items),
        Language::Shell => shell::render::render_batch(&file.text, items),
        Language::Markdown => markdown::render_batch(&file.text, items),
        Language::Http => http::render::render_batch(&file.text, items),
    }
}

fn render_javascript(
    file: &SourceFile,
    call: &HttpCall,
    rewrite: &CallRewrite,
) -> Result<Vec<Edit>, String> {
    javascript::render::render(&file.text, file.language, call, rewrite)
}
