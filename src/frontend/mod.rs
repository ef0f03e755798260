//! Front ends: one per language. Each turns a file's text into `HttpCall`s, and does all
//! the language work to get there (finding calls, resolving URL pieces bound in the same
//! file, reading option objects). Rules never see syntax.

pub mod ansible;
pub mod bruno;
pub mod credentials;
mod detect;
pub mod dockerfile;
pub mod http;
pub mod javascript;
pub mod makefile;
pub mod markdown;
pub mod notebook;
pub mod parents;
pub mod postman;
pub mod prefilter;
pub mod python;
pub mod rust;
pub mod shell;
pub mod yaml_ci;
pub mod yaml_tree;

use crate::call::{HttpCall, Span};
use crate::finding::Edit;
use crate::model::plan::RewritePlan;
use crate::source::{Language, SourceFile};

pub use crate::call::Extraction;

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
        Language::CiWorkflow => yaml_ci::syntax_check(&file.text),
        Language::Notebook => notebook::syntax_check(&file.text),
        Language::Dockerfile => dockerfile::syntax_check(&file.text),
        Language::Makefile => makefile::syntax_check(&file.text),
        Language::Har => postman::json::parse(&file.text).err(),
        Language::Bruno => bruno::syntax_check(&file.text),
        Language::Insomnia => postman::insomnia::syntax_check(&file.text),
        Language::Ansible => yaml_ci::syntax_check(&file.text),
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
        Language::CiWorkflow => yaml_ci::comments(&file.text),
        Language::Notebook => notebook::comments(&file.text),
        Language::Dockerfile => dockerfile::comments(&file.text),
        Language::Makefile => makefile::comments(&file.text),
        Language::Har => Vec::new(),
        Language::Bruno => Vec::new(),
        Language::Insomnia => Vec::new(),
        Language::Ansible => ansible::comments(&file.text),
    }
}

/// The file's comments grouped into blocks: a block comment alone, or a run of line
/// comments on consecutive lines with nothing but whitespace between them (a call
/// commented out line by line). Each block is its comments' spans, in order.
pub fn comment_blocks(file: &SourceFile) -> Vec<Vec<Span>> {
    let text = &file.text;
    let mut blocks: Vec<Vec<Span>> = Vec::new();
    for span in comments(file) {
        let line_comment =
            !text[span.clone()].starts_with("/*") && !text[span.clone()].starts_with("<!--");
        if let Some(last) = blocks.last_mut() {
            let prev = last.last().expect("blocks are never empty");
            let between = &text[prev.end..span.start];
            let prev_is_line =
                !text[prev.clone()].starts_with("/*") && !text[prev.clone()].starts_with("<!--");
            if line_comment
                && prev_is_line
                && between.trim().is_empty()
                && between.matches('\n').count() == 1
            {
                last.push(span);
                continue;
            }
        }
        blocks.push(vec![span]);
    }
    blocks
}

/// The file's text with the markers of the comments of `block` (`//`, `#`, `/*`,
/// `*/`, a leading `*` of a block comment's line, `<!--`, `-->`) replaced by spaces:
/// the commented-out code becomes code at its own offsets, for the front end to read.
pub fn uncommented(file: &SourceFile, block: &[Span]) -> String {
    let mut out = file.text.clone().into_bytes();
    for span in block {
        let comment = &file.text[span.clone()];
        blank_markers(&mut out[span.clone()], comment);
    }
    // Only ASCII marker bytes were replaced by spaces.
    String::from_utf8(out).expect("still UTF-8")
}

/// Replaces the comment syntax inside one comment (`bytes` is the comment) by spaces.
fn blank_markers(bytes: &mut [u8], comment: &str) {
    let blank = |bytes: &mut [u8], range: std::ops::Range<usize>| {
        bytes[range].iter_mut().for_each(|b| *b = b' ');
    };
    let n = bytes.len();
    if comment.starts_with("/*") || comment.starts_with("<!--") {
        let (open, close) = if comment.starts_with("/*") {
            (
                2,
                if comment.ends_with("*/") && n >= 4 {
                    2
                } else {
                    0
                },
            )
        } else {
            (
                4,
                if comment.ends_with("-->") && n >= 7 {
                    3
                } else {
                    0
                },
            )
        };
        blank(bytes, 0..open);
        blank(bytes, n - close..n);
        // ` * fetch(…)` lines of a block comment: the leading star is decoration.
        let block = comment.starts_with("/*");
        let mut line_start = true;
        for b in &mut bytes[open..n - close] {
            match *b {
                b'\n' => line_start = true,
                b' ' | b'\t' | b'\r' => {}
                b'*' if line_start && block => {
                    *b = b' ';
                    line_start = false;
                }
                _ => line_start = false,
            }
        }
        return;
    }
    // Line comments: `//`, `///`, `//!`, `#`, `##`.
    let marker = bytes
        .iter()
        .take_while(|b| matches!(b, b'/' | b'#' | b'!'))
        .count();
    blank(bytes, 0..marker);
}

/// [`extract`] with the run's Postman environment files (`--postman-env`), which
/// resolve `{{variables}}` in every collection.
pub fn extract_with(file: &SourceFile, postman_env: &[std::path::PathBuf]) -> Extraction {
    extract_in_project(file, postman_env, None)
}

/// [`extract_with`] inside the run's project index: values imported from other modules
/// of the scanned tree are resolved (JavaScript, TypeScript, Python, Rust, shell).
pub fn extract_in_project(
    file: &SourceFile,
    postman_env: &[std::path::PathBuf],
    project: Option<&crate::resolve::ProjectIndex>,
) -> Extraction {
    match file.language {
        Language::JavaScript | Language::TypeScript | Language::Tsx => javascript::extract_in(
            &file.text,
            file.language,
            project.map(|p| (p, file.path.as_path())),
        ),
        Language::Postman => postman::extract(&file.text, &file.path, postman_env),
        Language::Python => {
            python::extract_in(&file.text, project.map(|p| (p, file.path.as_path())))
        }
        Language::Rust => rust::extract_in(&file.text, project.map(|p| (p, file.path.as_path()))),
        Language::Shell => shell::extract_in(&file.text, &file.path, project),
        Language::Markdown => markdown::extract(&file.text),
        Language::Http => http::extract(&file.text),
        Language::CiWorkflow => yaml_ci::extract(&file.text),
        Language::Notebook => notebook::extract(&file.text),
        Language::Dockerfile => dockerfile::extract(&file.text),
        Language::Makefile => makefile::extract(&file.text),
        Language::Har => postman::extract_har(&file.text),
        Language::Bruno => bruno::extract_at(&file.text, &file.path),
        Language::Insomnia => postman::insomnia::extract(&file.text),
        Language::Ansible => ansible::extract_at(&file.text, &file.path),
    }
}

/// Other files whose values a file of this kind uses without naming them as imports (a
/// Bruno request's environments, an Ansible playbook's `vars_files` and `group_vars`):
/// the literal scan counts their literals too.
pub fn side_files(
    language: Language,
    path: &std::path::Path,
    text: &str,
) -> Vec<std::path::PathBuf> {
    match language {
        Language::Bruno => bruno::side_files(path),
        Language::Ansible => ansible::side_files(path, text),
        _ => Vec::new(),
    }
}

/// Renders a rewrite of `call` as edits in the file's language.
pub fn render(
    file: &SourceFile,
    call: &HttpCall,
    rewrite: &RewritePlan,
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
    items: &[(&HttpCall, &RewritePlan)],
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
        Language::CiWorkflow => yaml_ci::render_batch(&file.text, items),
        Language::Notebook => notebook::render_batch(&file.text, items),
        Language::Dockerfile => dockerfile::render_batch(&file.text, items),
        Language::Makefile => makefile::render_batch(&file.text, items),
        Language::Har => items
            .iter()
            .map(|_| Err(Language::Har.never_fixed().unwrap_or_default().into()))
            .collect(),
        Language::Bruno => bruno::render_batch(&file.text, items),
        Language::Insomnia => postman::insomnia::render_batch(&file.text, items),
        Language::Ansible => ansible::render_batch(&file.text, items),
    }
}

fn render_javascript(
    file: &SourceFile,
    call: &HttpCall,
    rewrite: &RewritePlan,
) -> Result<Vec<Edit>, String> {
    javascript::render::render(&file.text, file.language, call, rewrite)
}

/// Parses `text` with a tree-sitter `parser`, giving up when the file's analysis has
/// been abandoned (its deadline passed: see [`crate::isolate`]).
pub(crate) fn parse_tree(
    parser: &mut tree_sitter::Parser,
    text: &str,
) -> Option<tree_sitter::Tree> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut cancel = |_: &tree_sitter::ParseState| crate::isolate::cancelled();
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut cancel);
    let tree = parser.parse_with_options(
        &mut |i, _| if i < len { &bytes[i..] } else { &[] },
        None,
        Some(options),
    );
    if tree.is_none() {
        parser.reset();
    }
    tree
}

/// Which token of an ERROR node the message shows: JavaScript's parser usually stops
/// at the last one; Python's ERROR nodes start where the broken statement does.
#[derive(Clone, Copy)]
pub(crate) enum ErrorToken {
    Last,
    First,
}

/// The first ERROR or MISSING node of a tree-sitter tree, with a short message
/// (the JavaScript/TypeScript and Python front ends).
pub(crate) fn tree_syntax_error(
    root: tree_sitter::Node<'_>,
    text: &str,
    shown: ErrorToken,
) -> Option<(Span, String)> {
    if !root.has_error() {
        return recovered_error(root, text);
    }
    let mut node = root;
    'descend: loop {
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.is_missing() {
                let what = child.kind();
                let what = if what.is_empty() { "token" } else { what };
                return Some((
                    child.byte_range(),
                    format!("syntax error: missing `{what}`"),
                ));
            }
            if child.is_error() {
                return Some((child.byte_range(), error_message(child, text, shown)));
            }
            if child.has_error() {
                node = child;
                continue 'descend;
            }
        }
        // The error flag is set but no child carries it: report the node itself.
        return Some((node.byte_range(), "syntax error".into()));
    }
}

/// What tree-sitter accepts without an ERROR node but the language's own parser
/// rejects: a Python block with no statement (`if x:` followed by a line that is not
/// indented), a control character inside an identifier (a DEL byte in a JavaScript
/// name). Such a file is unparseable for the purpose of `fix`.
fn recovered_error(root: tree_sitter::Node<'_>, text: &str) -> Option<(Span, String)> {
    let python = root.kind() == "module";
    let controls = text
        .bytes()
        .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)) || b == 0x7f)
        || text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c));
    if !python && !controls {
        return None;
    }
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if python && node.kind() == "block" {
            let mut c = node.walk();
            let statements = node
                .named_children(&mut c)
                .filter(|n| n.kind() != "comment")
                .count();
            if statements == 0 {
                let at = node.start_byte();
                return Some((at..at, "syntax error: expected an indented block".into()));
            }
        }
        if controls && node.child_count() == 0 && node.kind().contains("identifier") {
            let name = &text[node.byte_range()];
            if name.chars().any(char::is_control) {
                return Some((
                    node.byte_range(),
                    "syntax error: control character in a name".into(),
                ));
            }
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return None;
            }
        }
    }
}

fn error_message(error: tree_sitter::Node<'_>, text: &str, shown: ErrorToken) -> String {
    if error.end_byte() >= text.trim_end().len() {
        return "syntax error: unexpected end of file".into();
    }
    let token = match shown {
        // The token tree-sitter could not fit is usually the last one of the node.
        ErrorToken::Last => {
            let mut last = error;
            while let Some(c) = last.child(last.child_count().saturating_sub(1)) {
                last = c;
            }
            text[last.byte_range()].trim()
        }
        ErrorToken::First => text[error.byte_range()].trim(),
    };
    if token.is_empty() {
        return "syntax error".into();
    }
    let shown: String = token.chars().take(20).collect();
    let ellipsis = if shown.len() < token.len() { "…" } else { "" };
    format!("syntax error: unexpected `{shown}{ellipsis}`")
}
