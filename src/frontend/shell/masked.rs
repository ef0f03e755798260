//! Shell embedded in another file (a CI workflow's `run:` blocks, a Dockerfile's `RUN`
//! instructions, a Makefile's recipes) is read on a *masked* copy of the file: every
//! byte outside the shell is a space (line breaks kept), so the shell front end's
//! offsets are the file's own.

use super::words;
use crate::call::Span;

/// Where a range of shell does not parse, and why.
pub type ParseError = Option<(Span, String)>;

/// Spans of each line of `text`, line break included.
pub fn line_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        out.push(at..at + l.len());
        at += l.len();
    }
    out
}

/// The end of a line's text, without its line break.
pub fn body_end(text: &str, line: &Span) -> usize {
    let l = &text[line.clone()];
    line.start + l.trim_end_matches(['\n', '\r']).len()
}

/// `text` with every byte outside `keep` and every byte of `blank` (inside `keep`:
/// bytes the host format removes before the shell runs, or line breaks it folds into
/// spaces) turned into a space; other line breaks are kept. Each range is then parsed
/// as shell on its own: one that does not parse is blanked too, and its error is
/// returned in its place. All spans are on character boundaries.
pub fn mask(text: &str, keep: &[Span], blank: &[Span]) -> (String, Vec<ParseError>) {
    let mut kept = vec![false; text.len()];
    let mut blanked = vec![false; text.len()];
    for r in keep {
        kept[r.clone()].iter_mut().for_each(|k| *k = true);
    }
    for r in blank {
        blanked[r.clone()].iter_mut().for_each(|k| *k = true);
    }
    let bytes: Vec<u8> = text
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let shown = !blanked[i] && (kept[i] || b == b'\n');
            if shown {
                b
            } else {
                b' '
            }
        })
        .collect();
    // Ranges do not overlap: each is parsed on the same text, then the failed ones
    // are blanked.
    let as_text = String::from_utf8(bytes).expect("whole characters were replaced");
    let errors: Vec<ParseError> = keep
        .iter()
        .map(|r| words::parse_range(&as_text, r.clone()).error)
        .collect();
    let mut bytes = as_text.into_bytes();
    for (r, e) in keep.iter().zip(&errors) {
        if e.is_some() {
            bytes[r.clone()]
                .iter_mut()
                .filter(|c| **c != b'\n')
                .for_each(|c| *c = b' ');
        }
    }
    (
        String::from_utf8(bytes).expect("whole characters were replaced"),
        errors,
    )
}
