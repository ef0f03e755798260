//! Front end (stub).

pub mod render;

use super::Extraction;
use crate::call::Span;

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
