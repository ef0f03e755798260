//! JavaScript / TypeScript front end (tree-sitter). Placeholder until the real one lands.

use super::Extraction;
use crate::source::Language;

pub fn extract(_text: &str, _language: Language) -> Extraction {
    Extraction::default()
}
