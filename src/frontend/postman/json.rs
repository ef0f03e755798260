//! A span-aware JSON tree (from `jsonc-parser` in strict mode): every value and key
//! keeps the exact byte range it occupies, so diagnostics point at it and edits can
//! replace it without re-serialising the file.

use crate::call::Span;
use jsonc_parser::ast;

/// A JSON value with its byte span (strings: including the quotes).
#[derive(Clone, Debug)]
pub enum J {
    Str { value: String, span: Span },
    Num { text: String, span: Span },
    Bool { value: bool, span: Span },
    Null { span: Span },
    Obj { props: Vec<Prop>, span: Span },
    Arr { items: Vec<J>, span: Span },
}

#[derive(Clone, Debug)]
pub struct Prop {
    pub key: String,
    pub key_span: Span,
    pub value: J,
    /// From the key's opening quote to the value's end.
    pub span: Span,
}

impl J {
    pub fn span(&self) -> Span {
        match self {
            J::Str { span, .. }
            | J::Num { span, .. }
            | J::Bool { span, .. }
            | J::Null { span }
            | J::Obj { span, .. }
            | J::Arr { span, .. } => span.clone(),
        }
    }
    pub fn get(&self, key: &str) -> Option<&J> {
        self.prop(key).map(|p| &p.value)
    }
    pub fn prop(&self, key: &str) -> Option<&Prop> {
        match self {
            J::Obj { props, .. } => props.iter().find(|p| p.key == key),
            _ => None,
        }
    }
    pub fn props(&self) -> &[Prop] {
        match self {
            J::Obj { props, .. } => props,
            _ => &[],
        }
    }
    pub fn str(&self) -> Option<&str> {
        match self {
            J::Str { value, .. } => Some(value),
            _ => None,
        }
    }
    pub fn items(&self) -> &[J] {
        match self {
            J::Arr { items, .. } => items,
            _ => &[],
        }
    }
    pub fn is_true(&self) -> bool {
        matches!(self, J::Bool { value: true, .. })
    }
    /// The span of a string's content (inside the quotes).
    pub fn inner(&self) -> Span {
        let s = self.span();
        match self {
            J::Str { .. } => s.start + 1..s.end - 1,
            _ => s,
        }
    }
}

/// Parses strict JSON. The error is the byte span and message of the first problem.
pub fn parse(text: &str) -> Result<J, (Span, String)> {
    // JSON forbids raw control characters in strings; the parser lets them through,
    // and a rewrite would keep the file invalid.
    if let Some(at) = raw_control_in_string(text) {
        let c = text.as_bytes()[at];
        return Err((
            at..at + 1,
            format!("invalid JSON: raw control character U+{c:04X} in a string"),
        ));
    }
    // The parser and every reader of the tree recurse once per level.
    if let Some(at) = too_deep(text, crate::isolate::MAX_NESTING) {
        return Err((
            at..at + 1,
            format!(
                "nested more than {} levels deep; not read",
                crate::isolate::MAX_NESTING
            ),
        ));
    }
    let opts = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &opts).map_err(|e| {
        let r = e.range();
        (
            r.start..r.end.max(r.start),
            format!("invalid JSON: {}", e.kind()),
        )
    })?;
    match parsed.value {
        Some(v) => Ok(convert(&v)),
        None => Err((0..0, "invalid JSON: empty file".into())),
    }
}

/// The offset of the first raw control character (U+0000–U+001F) inside a string.
pub fn raw_control_in_string(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] < 0x20 {
                    return Some(i);
                }
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
        }
        i += 1;
    }
    None
}

/// The offset of the first `[` or `{` that opens level `limit + 1` of `text`'s
/// arrays and objects (strings skipped), if any.
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn convert(v: &ast::Value) -> J {
    match v {
        ast::Value::StringLit(s) => J::Str {
            value: s.value.to_string(),
            span: s.range.start..s.range.end,
        },
        ast::Value::NumberLit(n) => J::Num {
            text: n.value.to_string(),
            span: n.range.start..n.range.end,
        },
        ast::Value::BooleanLit(b) => J::Bool {
            value: b.value,
            span: b.range.start..b.range.end,
        },
        ast::Value::NullKeyword(n) => J::Null {
            span: n.range.start..n.range.end,
        },
        ast::Value::Array(a) => J::Arr {
            items: a.elements.iter().map(convert).collect(),
            span: a.range.start..a.range.end,
        },
        ast::Value::Object(o) => J::Obj {
            props: o
                .properties
                .iter()
                .map(|p| {
                    let (key, key_span) = match &p.name {
                        ast::ObjectPropName::String(s) => {
                            (s.value.to_string(), s.range.start..s.range.end)
                        }
                        ast::ObjectPropName::Word(w) => {
                            (w.value.to_string(), w.range.start..w.range.end)
                        }
                    };
                    let value = convert(&p.value);
                    let span = key_span.start..value.span().end;
                    Prop {
                        key,
                        key_span,
                        value,
                        span,
                    }
                })
                .collect(),
            span: o.range.start..o.range.end,
        },
    }
}

/// Decodes the JSON string literal at `span` (with its quotes) and maps every byte of
/// the decoded text to the byte of the source it came from (one extra entry for the
/// end). Returns `None` when the span is not a string literal.
pub fn decode_mapped(text: &str, span: &Span) -> Option<(String, Vec<usize>)> {
    let src = text.get(span.clone())?;
    if !(src.len() >= 2 && src.starts_with('"') && src.ends_with('"')) {
        return None;
    }
    let base = span.start + 1;
    let inner = &src[1..src.len() - 1];
    let mut out = String::new();
    let mut map = Vec::new();
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = base + i;
        let decoded = if c == '\\' {
            match chars.next().map(|(_, e)| e) {
                Some('n') => '\n',
                Some('t') => '\t',
                Some('r') => '\r',
                Some('b') => '\u{8}',
                Some('f') => '\u{c}',
                Some('u') => {
                    let mut code = String::new();
                    for _ in 0..4 {
                        code.push(chars.next()?.1);
                    }
                    let n = u32::from_str_radix(&code, 16).ok()?;
                    char::from_u32(n).unwrap_or('\u{fffd}')
                }
                Some(other) => other,
                None => return None,
            }
        } else {
            c
        };
        for _ in 0..decoded.len_utf8() {
            map.push(at);
        }
        out.push(decoded);
    }
    map.push(span.end - 1);
    Some((out, map))
}

/// `s` as the content of a JSON string literal (without the quotes).
pub fn escape(s: &str) -> String {
    let q = serde_json::to_string(s).expect("strings serialise");
    q[1..q.len() - 1].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_exact() {
        let text = "{\n\t\"a\": [1, \"x\\\"y\"],\n\t\"b\": {\"c\": true}\n}";
        let j = parse(text).unwrap();
        let a = j.get("a").unwrap();
        assert_eq!(&text[a.span()], "[1, \"x\\\"y\"]");
        let s = &a.items()[1];
        assert_eq!(s.str(), Some("x\"y"));
        let (dec, map) = decode_mapped(text, &s.span()).unwrap();
        assert_eq!(dec, "x\"y");
        assert_eq!(&text[map[1]..map[1] + 2], "\\\"");
        assert_eq!(&text[map[2]..map[2] + 1], "y");
        assert!(parse("{\"a\": 1,}").is_err());
    }

    #[test]
    fn raw_control_characters_in_strings_are_rejected() {
        assert_eq!(raw_control_in_string("{\"a\":\n\t\"b\\tc\"}"), None);
        assert_eq!(raw_control_in_string("{\"a\": \"b\tc\"}"), Some(8));
        let (span, message) = parse("{\"a\": \"b\u{1}c\"}").unwrap_err();
        assert_eq!(span, 8..9);
        assert!(message.contains("U+0001"), "{message}");
    }

    #[test]
    fn nesting_is_counted_outside_strings() {
        assert_eq!(too_deep("[[\"[[[\\\"[[\"]]", 2), None);
        assert_eq!(too_deep("[{\"a\": [1]}]", 2), Some(7));
        let (span, message) = parse(&"[".repeat(2000)).unwrap_err();
        assert_eq!(span, 1000..1001);
        assert!(
            message.contains("nested more than 1000 levels"),
            "{message}"
        );
    }
}
