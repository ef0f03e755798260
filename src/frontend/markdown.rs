//! Front end (stub).

use super::Extraction;
use crate::call::{HttpCall, Span};
use crate::finding::Edit;
use crate::fix::rewrite::CallRewrite;

/// Finds the HTTP calls of a file.
pub fn extract(_text: &str) -> Extraction {
    Extraction::default()
}

/// The first syntax error of the text.
pub fn syntax_check(_text: &str) -> Option<(Span, String)> {
    None
}

/// The spans of every comment of the text.
pub fn comments(_text: &str) -> Vec<Span> {
    Vec::new()
}

/// The edits of each rewrite, or why it cannot be rendered.
pub fn render_batch(
    _text: &str,
    items: &[(&HttpCall, &CallRewrite)],
) -> Vec<Result<Vec<Edit>, String>> {
    items
        .iter()
        .map(|_| Err("rewriting calls in this language is not supported yet".to_string()))
        .collect()
}
