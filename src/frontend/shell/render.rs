//! Renders a `CallRewrite` as edits in this front end's language.

use crate::call::HttpCall;
use crate::finding::Edit;
use crate::fix::rewrite::CallRewrite;

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

/// Renders rewrites of calls found in a Markdown document (stub).
pub fn render_document(
    _text: &str,
    _masked: &str,
    _ranges: &[crate::call::Span],
    items: &[(&HttpCall, &CallRewrite)],
) -> Vec<Result<Vec<Edit>, String>> {
    items.iter().map(|_| Err("not yet".to_string())).collect()
}
