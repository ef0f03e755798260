//! Putting a JSON text into a string that the file already has, where a plain value
//! was (`Spell::json_quoting`): each way of quoting once, for the front ends that write
//! strings that way.

use crate::call::Span;
use crate::finding::Edit;

/// The quote character opening the string literal whose content starts at `start`.
fn quote_before(text: &str, start: usize) -> Option<char> {
    let c = text[..start].chars().next_back()?;
    matches!(c, '\'' | '"' | '`').then_some(c)
}

/// In a JavaScript or Python string literal: inside the original literal the JSON
/// text's own `"` (and `\`) may need escaping, so a double-quoted literal is rewritten
/// single-quoted and the JSON reads as itself; a template literal escapes `${`.
pub fn script_string(text: &str, span: &Span, json: &str) -> Result<Edit, String> {
    let quote = quote_before(text, span.start).ok_or("the string's quotes were not found")?;
    let (span, content) = match quote {
        '"' if text[span.end..].starts_with('"') => (
            (span.start - 1)..(span.end + 1),
            format!("'{}'", json.replace('\\', "\\\\").replace('\'', "\\'")),
        ),
        '`' => (
            span.clone(),
            json.replace('\\', "\\\\").replace("${", "\\${"),
        ),
        _ => (span.clone(), json.replace('\\', "\\\\")),
    };
    Ok(Edit { span, content })
}

/// In a Rust string literal: Rust has one string quote, so the JSON's own quotes are
/// escaped. A raw string (`r"…"`, `r#"…"#`) would keep the backslashes: left to a
/// person.
pub fn rust_string(text: &str, span: &Span, json: &str) -> Result<Edit, String> {
    let quote = quote_before(text, span.start).ok_or("the string's quotes were not found")?;
    if quote != '"' || text[..span.start - 1].ends_with(['r', '#']) {
        return Err("the string is not a plain Rust string literal".into());
    }
    Ok(Edit {
        span: (span.start - 1)..(span.end + 1),
        content: format!("\"{}\"", json.replace('\\', "\\\\").replace('"', "\\\"")),
    })
}

/// In a command line: inside a single-quoted shell word the JSON goes in as it is,
/// inside a double-quoted one its quotes are escaped, and a bare shell word is
/// single-quoted.
pub fn command_line(text: &str, span: &Span, json: &str) -> Result<Edit, String> {
    let content = match shell_quote_at(text, span.start) {
        Some('\'') if !json.contains('\'') => json.to_string(),
        Some('"') => json
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('$', "\\$")
            .replace('`', "\\`"),
        None if !json.contains('\'') => format!("'{json}'"),
        _ => return Err("the value's quoting is not plain; quote it by hand".into()),
    };
    Ok(Edit {
        span: span.clone(),
        content,
    })
}

/// In text that takes the value as written (a request file's form body).
pub fn as_written(_text: &str, span: &Span, json: &str) -> Result<Edit, String> {
    Ok(Edit {
        span: span.clone(),
        content: json.to_string(),
    })
}

/// The shell quote (`'` or `"`) open at `at`, reading the line up to it.
fn shell_quote_at(text: &str, at: usize) -> Option<char> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut open: Option<char> = None;
    let mut escaped = false;
    for c in text[line_start..at].chars() {
        match (open, c) {
            (_, _) if escaped => escaped = false,
            (Some('\''), '\'') => open = None,
            (Some('\''), _) => {}
            (_, '\\') => escaped = true,
            (None, '\'' | '"') => open = Some(c),
            (Some('"'), '"') => open = None,
            _ => {}
        }
    }
    open
}

/// Where a string holding JSON text cannot be written here (its literals sit inside
/// JSON or YAML text that would need its own quoting): left to a person.
pub fn by_hand(_text: &str, _span: &Span, _json: &str) -> Result<Edit, String> {
    Err("quoting a value as JSON here is left to a person".into())
}
