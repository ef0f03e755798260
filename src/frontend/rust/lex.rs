//! A small Rust lexer that finds comments (syn drops them), skipping string, byte
//! string, raw string and char literals so that `"// not a comment"` stays a string.

use crate::call::Span;

/// Whole comments, markers included. Block comments nest, as in Rust.
pub fn comments(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    scan(text, &mut out, |_, _| true);
    out
}

/// The offset of the first bracket (`(`, `[`, `{`) that opens nesting level
/// `limit + 1`, outside comments and literals, if any: syn and the walks over its
/// tree recurse once per level.
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut found = None;
    scan(text, &mut Vec::new(), |i, c| {
        match c {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    found = Some(i);
                    return false;
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        true
    });
    found
}

/// Reads `text` token by token, pushing comments to `out` and handing every other
/// byte outside literals to `punct` (which returns `false` to stop).
fn scan(text: &str, out: &mut Vec<Span>, mut punct: impl FnMut(usize, u8) -> bool) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |n| i + n);
                out.push(i..end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                out.push(start..i.min(b.len()));
            }
            b'r' | b'b' | b'c' if raw_string_start(b, i).is_some() => {
                let (hashes, body) = raw_string_start(b, i).expect("checked");
                let close: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                i = text[body..]
                    .find(&close)
                    .map_or(b.len(), |n| body + n + close.len());
            }
            b'"' => i = skip_quoted(b, i + 1, b'"'),
            b'\'' => i = skip_char(b, i),
            c if is_ident(c) => {
                let start = i;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
                let word = &b[start..i];
                if b.get(i) == Some(&b'"') && matches!(word, b"b" | b"c") {
                    i = skip_quoted(b, i + 1, b'"');
                } else if b.get(i) == Some(&b'\'') && word == b"b" {
                    i = skip_char(b, i);
                }
            }
            c => {
                if !punct(i, c) {
                    return;
                }
                i += 1;
            }
        }
    }
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `r"`, `r#"`, `br#"`, `cr"` at `i`: the number of `#` and where the body starts.
fn raw_string_start(b: &[u8], i: usize) -> Option<(usize, usize)> {
    if i > 0 && is_ident(b[i - 1]) {
        return None;
    }
    let mut j = i;
    if matches!(b.get(j), Some(b'b' | b'c')) {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while b.get(j) == Some(&b'#') {
        hashes += 1;
        j += 1;
    }
    (b.get(j) == Some(&b'"')).then_some((hashes, j + 1))
}

fn skip_quoted(b: &[u8], mut i: usize, quote: u8) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// A char literal (`'a'`, `'\''`, `'\u{1F600}'`) or a lifetime (`'a`).
fn skip_char(b: &[u8], i: usize) -> usize {
    if b.get(i + 1) == Some(&b'\\') {
        return skip_quoted(b, i + 1, b'\'');
    }
    // One (possibly multi-byte) char then a quote: a char literal.
    let rest = &b[i + 1..];
    let len = match rest.first() {
        Some(c) if *c < 0x80 => 1,
        Some(c) if *c >= 0xF0 => 4,
        Some(c) if *c >= 0xE0 => 3,
        Some(_) => 2,
        None => return b.len(),
    };
    if rest.get(len) == Some(&b'\'') {
        i + 1 + len + 1
    } else {
        i + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_outside_literals() {
        let text = r####"let a = "// no"; // yes
let b = r#"/* no */"#; /* yes /* nested */ */
let c = '"'; fn f<'a>(x: &'a str) {} // end"####;
        let found: Vec<&str> = comments(text).into_iter().map(|s| &text[s]).collect();
        assert_eq!(found, ["// yes", "/* yes /* nested */ */", "// end"]);
    }

    #[test]
    fn nesting_is_counted_outside_literals_and_comments() {
        let text = "fn f() { let c = '('; let s = \"((((\"; /* (((( */ (1) }";
        assert_eq!(too_deep(text, 2), None);
        assert_eq!(too_deep("fn f() { ((1)) }", 2), Some(10));
    }
}
