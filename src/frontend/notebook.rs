//! Jupyter notebook front end (`.ipynb`): the code cells of a Python notebook are read
//! by the Python front end, as one module (cells share their names, as in a kernel).
//!
//! The cells' `source` strings (a list of lines, or one string) are decoded from JSON
//! into a *virtual* Python text, with a map from each of its bytes to the byte of the
//! notebook it came from; every span the Python front end reports is moved through
//! that map, so positions point into the notebook. Outputs, metadata and markdown
//! cells are never parsed as code, however large. IPython magics (`%…`, `!…` lines)
//! and cells that start with a cell magic (`%%bash`) are blanked out.
//!
//! Fixes are the Python renderer's edits, moved into the JSON and encoded like the
//! cell: JSON escapes, and in a list of lines a new element after each line break.

use super::postman::json::{self, J};
use super::python;
use super::Extraction;
use crate::call::{HttpCall, Span};
use crate::finding::Edit;
use crate::model::plan::RewritePlan;

/// The code of a notebook as Python text, and where each byte came from.
struct Code {
    text: String,
    /// For each byte offset of `text` (and its end): the notebook byte where the
    /// character starting there begins.
    starts: Vec<usize>,
    /// For each byte offset of `text`: the notebook byte just after the character
    /// ending there (differs from `starts` where a list element ends).
    ends: Vec<usize>,
    /// Each cell's range in `text`, whether its source is a list of lines, and the
    /// indentation of its list elements.
    cells: Vec<(Span, bool, String)>,
}

/// Whether the notebook's kernel runs Python (a notebook that does not say is taken
/// to be Python).
fn is_python(root: &J) -> bool {
    let meta = root.get("metadata");
    let kernel = meta
        .and_then(|m| m.get("kernelspec"))
        .and_then(|k| k.get("language"))
        .and_then(J::str);
    let info = meta
        .and_then(|m| m.get("language_info"))
        .and_then(|k| k.get("name"))
        .and_then(J::str);
    kernel
        .or(info)
        .is_none_or(|l| l.eq_ignore_ascii_case("python"))
}

/// Reads the code cells of `text`: `Err` when the notebook is not JSON, `Ok(None)`
/// when it is not a Python notebook.
fn code(text: &str) -> Result<Option<Code>, (Span, String)> {
    let root = json::parse(text)?;
    if !is_python(&root) {
        return Ok(None);
    }
    let mut out = Code {
        text: String::new(),
        starts: Vec::new(),
        ends: Vec::new(),
        cells: Vec::new(),
    };
    let Some(cells) = root.get("cells") else {
        return Ok(None);
    };
    for cell in cells.items() {
        if cell.get("cell_type").and_then(J::str) != Some("code") {
            continue;
        }
        let Some(source) = cell.get("source") else {
            continue;
        };
        let (strings, list): (Vec<&J>, bool) = match source {
            J::Arr { items, .. } => (items.iter().collect(), true),
            J::Str { .. } => (vec![source], false),
            _ => continue,
        };
        let start = out.text.len();
        let mut indent = String::new();
        let mut last_end = None;
        for s in strings {
            let span = s.span();
            let Some((decoded, map)) = json::decode_mapped(text, &span) else {
                continue;
            };
            if indent.is_empty() {
                let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
                indent = text[line_start..span.start].to_string();
            }
            for (i, at) in map.iter().enumerate().take(decoded.len()) {
                out.starts.push(*at);
                out.ends
                    .push(if i == 0 { last_end.unwrap_or(*at) } else { *at });
            }
            out.text.push_str(&decoded);
            last_end = Some(span.end - 1);
        }
        let close = last_end.unwrap_or(source.span().start);
        // The line break that ends the cell in the module belongs to no cell.
        out.starts.push(close);
        out.ends.push(close);
        out.text.push('\n');
        let range = start..out.text.len() - 1;
        blank_magics(&mut out.text, range.clone());
        out.cells.push((range, list, indent));
    }
    out.starts.push(text.len());
    out.ends
        .push(out.ends.last().copied().unwrap_or(text.len()));
    Ok(Some(out))
}

/// Replaces IPython magics by spaces (byte for byte): `%`/`!` lines, and a whole cell
/// that starts with a cell magic.
fn blank_magics(text: &mut String, range: Span) {
    let cell = &text[range.clone()];
    let whole = cell.trim_start().starts_with("%%");
    let mut blank = Vec::new();
    let mut at = range.start;
    for line in cell.split_inclusive('\n') {
        let t = line.trim_start();
        if whole || t.starts_with('%') || t.starts_with('!') {
            blank.push(at..at + line.trim_end_matches('\n').len());
        }
        at += line.len();
    }
    if blank.is_empty() {
        return;
    }
    let mut bytes = std::mem::take(text).into_bytes();
    for r in blank {
        bytes[r].iter_mut().for_each(|b| *b = b' ');
    }
    // Whole lines were blanked: the text is still UTF-8.
    *text = String::from_utf8(bytes).expect("whole lines were blanked");
}

impl Code {
    fn span(&self, s: &Span) -> Span {
        let start = self.starts[s.start.min(self.starts.len() - 1)];
        let end = if s.end <= s.start {
            start
        } else {
            self.ends[s.end.min(self.ends.len() - 1)].max(start)
        };
        start..end
    }
}

/// Finds the HTTP calls of a notebook's code cells.
pub fn extract(text: &str) -> Extraction {
    let code = match code(text) {
        Ok(Some(code)) => code,
        Ok(None) => return Extraction::default(),
        Err(e) => {
            return Extraction {
                syntax_error: Some(e),
                ..Extraction::default()
            }
        }
    };
    let mut ex = python::extract(&code.text);
    for c in &mut ex.calls {
        c.map_spans(&mut |s: &mut Span| *s = code.span(s));
    }
    for s in &mut ex.secrets {
        *s = code.span(s);
    }
    if let Some((s, _)) = ex.syntax_error.as_mut() {
        *s = code.span(s);
    }
    ex.tree = None;
    ex.tree_is_exact = false;
    ex.analysis = None;
    ex
}

/// The first syntax error: the notebook's JSON, then its code cells' Python.
pub fn syntax_check(text: &str) -> Option<(Span, String)> {
    match code(text) {
        Ok(Some(code)) => {
            python::syntax_check(&code.text).map(|(s, message)| (code.span(&s), message))
        }
        Ok(None) => None,
        Err(e) => Some(e),
    }
}

/// The `#` comments of the code cells.
pub fn comments(text: &str) -> Vec<Span> {
    match code(text) {
        Ok(Some(code)) => python::comments(&code.text)
            .iter()
            .map(|s| code.span(s))
            .collect(),
        _ => Vec::new(),
    }
}

/// The edits of each rewrite: the Python renderer's, moved into the cells' JSON.
pub fn render_batch(
    text: &str,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<Result<Vec<Edit>, String>> {
    let Ok(Some(code)) = code(text) else {
        return items
            .iter()
            .map(|_| Err("the notebook does not load".into()))
            .collect();
    };
    let ex = python::extract(&code.text);
    // The calls in the module's own offsets, matched to the notebook's by span.
    let inner: Vec<Option<HttpCall>> = items
        .iter()
        .map(|(call, _)| {
            ex.calls
                .iter()
                .find(|c| {
                    let mut moved = (*c).clone();
                    moved.map_spans(&mut |s: &mut Span| *s = code.span(s));
                    moved.span == call.span && moved.url.span == call.url.span
                })
                .cloned()
        })
        .collect();
    let found: Vec<(&HttpCall, &RewritePlan)> = inner
        .iter()
        .zip(items)
        .filter_map(|(c, (_, rw))| c.as_ref().map(|c| (c, *rw)))
        .collect();
    let mut rendered = python::render::render_batch(&code.text, None, None, &found).into_iter();
    inner
        .iter()
        .map(|c| {
            if c.is_none() {
                return Err("the call is not in a code cell".into());
            }
            let edits = rendered.next().expect("one result per item")?;
            edits
                .into_iter()
                .map(|e| move_edit(text, &code, e))
                .collect()
        })
        .collect()
}

/// An edit of the module as an edit of the notebook: its span moved, its text
/// encoded like the cell's source.
fn move_edit(text: &str, code: &Code, e: Edit) -> Result<Edit, String> {
    let cell = code
        .cells
        .iter()
        .find(|(r, _, _)| r.start <= e.span.start && e.span.end <= r.end + 1)
        .ok_or("the edit is not inside one code cell")?;
    let span = code.span(&e.span);
    let at_element_end = text[span.end..].starts_with('"');
    let mut content = String::new();
    let mut chars = e.content.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            content.push_str("\\n");
            if cell.1 && (chars.peek().is_some() || !at_element_end) {
                content.push_str("\",\n");
                content.push_str(&cell.2);
                content.push('"');
            }
        } else {
            content.push_str(&json::escape(&c.to_string()));
        }
    }
    Ok(Edit { span, content })
}

text_front_end!(
    /// Jupyter notebooks: the code cells of a Python notebook.
    Notebook,
    Notebook,
    render_batch,
    crate::frontend::quoting::by_hand,
    |path| crate::frontend::by_extension(path, &[("ipynb", crate::source::Language::Notebook)]).is_some(),
    literals = crate::frontend::LiteralEdits::JsonText
);

#[cfg(test)]
mod tests {
    use super::*;

    const NB: &str = r#"{
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["requests.delete(\"https://community.khoros.com/api/2.0/users/1\")"]},
  {
   "cell_type": "code",
   "metadata": {},
   "outputs": [],
   "source": [
    "%pip install requests\n",
    "import requests\n",
    "BASE = \"https://community.khoros.com\"\n"
   ]
  },
  {
   "cell_type": "code",
   "outputs": [{"output_type": "stream", "text": ["https://app.360learning.com/api/v1/users\n"]}],
   "source": "r = requests.delete(f\"{BASE}/api/2.0/users/{uid}\")\n# done"
  }
 ],
 "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
 "nbformat": 4
}"#;

    #[test]
    fn code_cells_are_read_with_positions_in_the_json() {
        let code = code(NB).unwrap().unwrap();
        assert!(code
            .text
            .starts_with("                     \nimport requests\n"));
        let ex = extract(NB);
        assert_eq!(ex.calls.len(), 1, "{:?}", ex.calls);
        let call = &ex.calls[0];
        assert_eq!(
            &NB[call.span.clone()],
            r#"requests.delete(f\"{BASE}/api/2.0/users/{uid}\")"#
        );
    }

    #[test]
    fn other_kernels_and_bad_json_are_not_python() {
        let r = NB.replace("\"language\": \"python\"", "\"language\": \"R\"");
        assert!(extract(&r).calls.is_empty());
        assert!(extract("{\"cells\": [").syntax_error.is_some());
    }

    #[test]
    fn edits_are_encoded_like_the_cell() {
        let code = code(NB).unwrap().unwrap();
        let at = code.text.find("BASE =").unwrap();
        let e = Edit {
            span: at..at,
            content: "import os\n".into(),
        };
        let moved = move_edit(NB, &code, e).unwrap();
        assert_eq!(moved.content, "import os\\n\",\n    \"");
        assert_eq!(&NB[moved.span.start..moved.span.start + 4], "BASE");
    }
}
