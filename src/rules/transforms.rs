//! Named transforms (`transform = { kind = "…" }` in rule files): small edits of one
//! part of a call. They only change the inside of a literal that the front end located
//! (or the literal as a whole), so they are decided the same in every language; how a
//! boolean or a quoted JSON text is written, and which edits a format allows, is asked
//! of the file's speller.

use crate::call::{Body, Field, HttpCall, Piece, Span, Value};
use crate::config::Config;
use crate::finding::Edit;
use crate::model::plan::{LiteralEdits, Spell};
use crate::rules::model::Transform;
use crate::source::SourceFile;

/// The edits of `transform` for `call` in `file`, spelled by the file's `spell`er, or
/// why there are none.
pub fn edits(
    transform: &Transform,
    call: &HttpCall,
    file: &SourceFile,
    config: &Config,
    spell: &dyn Spell,
) -> Result<Vec<Edit>, String> {
    let text = file.text.as_str();
    match spell.literal_edits(file) {
        LiteralEdits::JsonText => return json_text_edits(transform, call, text),
        LiteralEdits::Never(note) => return Err(note.into()),
        LiteralEdits::Yaml
            if !matches!(
                transform,
                Transform::ReplaceInUrl { .. } | Transform::JsonBoolean { .. }
            ) =>
        {
            return Err("this edit of a YAML task is left to a person".into());
        }
        LiteralEdits::Yaml | LiteralEdits::Any => {}
    }
    match transform {
        Transform::ReplaceInUrl { from, to } => replace_in_url(call, text, from, to),
        Transform::JsonBoolean { field } => json_boolean(call, text, field, spell),
        Transform::JsonQuoteParam { param } => json_quote_param(call, text, param, spell),
        Transform::RepairJson => repair_json(call, text),
        Transform::SchemaPath { param } => schema_path(call, text, param, config),
    }
}

/// A transform in a notebook (or an Insomnia export) edits JSON text: only a URL
/// replacement whose new text needs no JSON escape is made here; the others are left
/// to a person.
fn json_text_edits(
    transform: &Transform,
    call: &HttpCall,
    text: &str,
) -> Result<Vec<Edit>, String> {
    let Transform::ReplaceInUrl { from, to } = transform else {
        return Err("this edit of JSON text is left to a person".into());
    };
    let edits = replace_in_url(call, text, from, to)?;
    if edits.iter().all(|e| json_plain(&e.content)) {
        Ok(edits)
    } else {
        Err("the new URL text needs escaping in the JSON".into())
    }
}

/// Text that is its own JSON string content.
fn json_plain(s: &str) -> bool {
    !s.contains(['"', '\\']) && !s.chars().any(char::is_control)
}

/// The literal's text exactly as written at `span` (no escapes), or `None`.
fn exact<'a>(text: &'a str, span: &Span, value: &str) -> Option<&'a str> {
    let src = text.get(span.clone())?;
    (src == value).then_some(src)
}

/// The quote character opening the string literal whose content starts at `start`.
fn quote_before(text: &str, start: usize) -> Option<char> {
    let c = text[..start].chars().next_back()?;
    matches!(c, '\'' | '"' | '`').then_some(c)
}

fn replace_in_url(call: &HttpCall, text: &str, from: &str, to: &str) -> Result<Vec<Edit>, String> {
    let mut edits = Vec::new();
    for piece in &call.url.pieces {
        let Piece::Lit {
            text: lit,
            span,
            exact: true,
        } = piece
        else {
            continue;
        };
        if exact(text, span, lit).is_none() {
            continue;
        }
        let mut search = 0;
        while let Some(i) = lit[search..].find(from) {
            let at = search + i;
            let after = lit[at + from.len()..].chars().next();
            // Whole path segments only: `/api/2.0` followed by `/`, `?`, `#` or the end.
            if matches!(after, None | Some('/') | Some('?') | Some('#')) {
                edits.push(Edit {
                    span: (span.start + at)..(span.start + at + from.len()),
                    content: to.to_string(),
                });
            }
            search = at + from.len();
        }
    }
    if edits.is_empty() {
        return Err(format!("`{from}` is not written literally in the URL"));
    }
    Ok(edits)
}

/// A JSON body field, as the front end modelled it.
fn body_field<'a>(call: &'a HttpCall, name: &str) -> Option<&'a Field> {
    match &call.body {
        Some(Body::Json {
            value: Value::Object(fields),
        }) => fields.get(name),
        _ => None,
    }
}

/// Replaces a literal string body's text by `new`: in place when the literal has no
/// escapes, re-encoded when the source is exactly the JSON encoding of the text (a
/// Postman `raw` body). Any other encoding is left to a person.
fn raw_body_edit(text: &str, span: &Span, raw: &str, new: &str) -> Result<Edit, String> {
    if exact(text, span, raw).is_some() {
        return Ok(Edit {
            span: span.clone(),
            content: new.to_string(),
        });
    }
    let encoded = serde_json::to_string(raw).expect("strings serialise");
    if text.get(span.clone()) == Some(&encoded[1..encoded.len() - 1]) {
        let content = serde_json::to_string(new).expect("strings serialise");
        return Ok(Edit {
            span: span.clone(),
            content: content[1..content.len() - 1].to_string(),
        });
    }
    Err("the body string uses escapes this fix does not rewrite; repair it by hand".into())
}

/// `"field": "true"` (or `1`) inside a literal JSON string body, fixed as text.
fn raw_json_boolean(text: &str, span: &Span, raw: &str, field: &str) -> Result<Vec<Edit>, String> {
    // One pattern per field name, compiled once per run: the fix is planned for
    // every matching call.
    static CACHE: std::sync::Mutex<Vec<(String, regex::Regex)>> = std::sync::Mutex::new(Vec::new());
    let re = {
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        match cache.iter().find(|(f, _)| f == field) {
            Some((_, re)) => re.clone(),
            None => {
                let re = regex::Regex::new(&format!(
                    r#""{}"\s*:\s*("(?i:true|false|1|0|yes|no)"|[01])(?:\s*[,}}\n\r])"#,
                    regex::escape(field)
                ))
                .expect("valid regex");
                cache.push((field.to_string(), re.clone()));
                re
            }
        }
    };
    let m = re
        .captures(raw)
        .and_then(|c| c.get(1))
        .ok_or_else(|| format!("`{field}` has no obvious boolean meaning"))?;
    let value = m.as_str().trim_matches('"').to_ascii_lowercase();
    let boolean = if matches!(value.as_str(), "true" | "1" | "yes") {
        "true"
    } else {
        "false"
    };
    let new = format!("{}{boolean}{}", &raw[..m.start()], &raw[m.end()..]);
    Ok(vec![raw_body_edit(text, span, raw, &new)?])
}

fn json_boolean(
    call: &HttpCall,
    text: &str,
    field: &str,
    spell: &dyn Spell,
) -> Result<Vec<Edit>, String> {
    if let Some(Body::Raw { text: raw, span }) = &call.body {
        return raw_json_boolean(text, span, raw, field);
    }
    let f = body_field(call, field)
        .ok_or_else(|| format!("`{field}` is not in a structured JSON body"))?;
    let (value, span) = match &f.value {
        Value::Str { value, span } => {
            let quote =
                quote_before(text, span.start).ok_or("the string's quotes were not found")?;
            if exact(text, span, value).is_none() || !text[span.end..].starts_with(quote) {
                return Err("the string is not written plainly".into());
            }
            (
                value.trim().to_ascii_lowercase(),
                (span.start - 1)..(span.end + 1),
            )
        }
        Value::Num { text: n, span } => (n.clone(), span.clone()),
        _ => return Err(format!("`{field}` is not a string or number literal")),
    };
    let boolean = match value.as_str() {
        "true" | "1" | "yes" => true,
        "false" | "0" | "no" => false,
        other => return Err(format!("`{other}` has no obvious boolean meaning")),
    };
    Ok(vec![Edit {
        span,
        content: spell.boolean(boolean).into(),
    }])
}

fn param_field<'a>(call: &'a HttpCall, name: &str) -> Option<&'a Field> {
    let in_body = match &call.body {
        Some(Body::Form { fields }) => fields.get(name),
        Some(Body::Json {
            value: Value::Object(fields),
        }) => fields.get(name),
        _ => None,
    };
    in_body.or_else(|| call.query.get(name))
}

fn json_quote_param(
    call: &HttpCall,
    text: &str,
    param: &str,
    spell: &dyn Spell,
) -> Result<Vec<Edit>, String> {
    let f =
        param_field(call, param).ok_or_else(|| format!("`{param}` is not a known parameter"))?;
    let Value::Str { value, span } = &f.value else {
        return Err(format!("`{param}` is not a string literal"));
    };
    if exact(text, span, value).is_none() {
        return Err("the string is not written plainly".into());
    }
    let json = serde_json::to_string(value).expect("strings serialise");
    Ok(vec![(spell.json_quoting())(text, span, &json)?])
}

fn repair_json(call: &HttpCall, text: &str) -> Result<Vec<Edit>, String> {
    let Some(Body::Raw { text: body, span }) = &call.body else {
        return Err("the body is not a literal string".into());
    };
    let repaired =
        unambiguous_json_repair(body).ok_or("no single small repair makes the body valid JSON")?;
    Ok(vec![raw_body_edit(text, span, body, &repaired)?])
}

/// Tries every one-character deletion and a few insertions near the parse error; when
/// exactly one distinct result parses, that is the repair.
pub fn unambiguous_json_repair(body: &str) -> Option<String> {
    let err = serde_json::from_str::<serde_json::Value>(body).err()?;
    // Byte offset of the error position (serde_json reports line/column).
    let mut offset = 0;
    for (i, line) in body.split_inclusive('\n').enumerate() {
        if i + 1 == err.line() {
            offset += line
                .char_indices()
                .nth(err.column().saturating_sub(1))
                .map(|(b, _)| b)
                .unwrap_or(line.len());
            break;
        }
        offset += line.len();
    }
    let lo = offset.saturating_sub(3);
    let hi = (offset + 3).min(body.len());
    let mut results: Vec<String> = Vec::new();
    let mut consider = |candidate: String| {
        if serde_json::from_str::<serde_json::Value>(&candidate).is_ok()
            && !results.contains(&candidate)
        {
            results.push(candidate);
        }
    };
    for (i, ch) in body.char_indices().filter(|(i, _)| *i >= lo && *i <= hi) {
        // Deleting a stray character: only punctuation, never content.
        if matches!(ch, '"' | ',' | '}' | ']' | ':' | '\'') {
            let mut c = body.to_string();
            c.replace_range(i..i + ch.len_utf8(), "");
            consider(c);
        }
    }
    for closer in ["}", "]", "\""] {
        consider(format!("{}{closer}", body.trim_end()));
    }
    if results.len() == 1 {
        results.pop()
    } else {
        None
    }
}

fn schema_path(
    call: &HttpCall,
    text: &str,
    param: &str,
    config: &Config,
) -> Result<Vec<Edit>, String> {
    let paths = config
        .janrain
        .schema_paths
        .as_ref()
        .ok_or("no janrain.schema is configured")?;
    let f =
        param_field(call, param).ok_or_else(|| format!("`{param}` is not a known parameter"))?;
    let Value::Str { value, span } = &f.value else {
        return Err(format!("`{param}` is not a string literal"));
    };
    if exact(text, span, value).is_none() {
        return Err("the string is not written plainly".into());
    }
    let path = value.split('#').next().unwrap_or(value);
    let best =
        closest_path(path, paths).ok_or_else(|| format!("no schema path is close to `{path}`"))?;
    Ok(vec![Edit {
        span: span.start..span.start + path.len(),
        content: best.to_string(),
    }])
}

/// The closest schema path by edit distance, if close enough to be a typo and unique.
pub fn closest_path<'a>(path: &str, paths: &'a [String]) -> Option<&'a str> {
    let mut scored: Vec<(usize, &String)> = paths
        .iter()
        .map(|p| {
            (
                strsim::levenshtein(&p.to_ascii_lowercase(), &path.to_ascii_lowercase()),
                p,
            )
        })
        .collect();
    scored.sort();
    let (best, candidate) = *scored.first()?;
    let limit = (path.len() / 4).max(2);
    let unique = scored.get(1).is_none_or(|(d, _)| *d > best);
    (best <= limit && unique).then_some(candidate.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_the_rsa_documents_own_body() {
        assert_eq!(
            unambiguous_json_repair(r#"{"markDeleted": true"}"#).as_deref(),
            Some(r#"{"markDeleted": true}"#)
        );
        assert_eq!(
            unambiguous_json_repair(r#"{"a": 1,}"#).as_deref(),
            Some(r#"{"a": 1}"#)
        );
        // Valid JSON needs no repair; garbage has no unambiguous one.
        assert_eq!(unambiguous_json_repair(r#"{"a": 1}"#), None);
        assert_eq!(unambiguous_json_repair("{nonsense here"), None);
    }

    #[test]
    fn closest_schema_path() {
        let paths = vec![
            "janrain.properties.managedBy".to_string(),
            "janrain.properties.owner".to_string(),
            "statuses".to_string(),
        ];
        assert_eq!(
            closest_path("janrain.properties.managedby", &paths),
            Some("janrain.properties.managedBy")
        );
        assert_eq!(
            closest_path("janrain.propertes.managedBy", &paths),
            Some("janrain.properties.managedBy")
        );
        assert_eq!(closest_path("photos", &paths), None);
    }
}

#[cfg(test)]
mod raw_body_tests {
    use super::*;

    #[test]
    fn boolean_in_a_plain_js_string_body() {
        let src = r#"x('{"markDeleted": "true"}')"#;
        let raw = r#"{"markDeleted": "true"}"#;
        let span = 3..3 + raw.len();
        let edits = raw_json_boolean(src, &span, raw, "markDeleted").unwrap();
        assert_eq!(
            crate::model::text::apply_edits(src, &edits),
            r#"x('{"markDeleted": true}')"#
        );
    }

    #[test]
    fn boolean_in_a_postman_raw_body_keeps_its_json_encoding() {
        // The collection holds the body as a JSON string: quotes and newlines escaped.
        let src = "{\"raw\": \"{\\n\\t\\\"markDeleted\\\": \\\"true\\\"\\n}\"}";
        let raw = "{\n\t\"markDeleted\": \"true\"\n}";
        let start = src.find("{\\n").unwrap();
        let span = start..src.len() - 2;
        let edits = raw_json_boolean(src, &span, raw, "markDeleted").unwrap();
        assert_eq!(
            crate::model::text::apply_edits(src, &edits),
            "{\"raw\": \"{\\n\\t\\\"markDeleted\\\": true\\n}\"}"
        );
        // The RSA document's own body is repaired the same way.
        let src = "{\"raw\": \"{\\\"markDeleted\\\": true\\\"}\"}";
        let raw = "{\"markDeleted\": true\"}";
        let start = src.find("{\\\"").unwrap();
        let edits = vec![raw_body_edit(
            src,
            &(start..src.len() - 2),
            raw,
            &unambiguous_json_repair(raw).unwrap(),
        )
        .unwrap()];
        assert_eq!(
            crate::model::text::apply_edits(src, &edits),
            "{\"raw\": \"{\\\"markDeleted\\\": true}\"}"
        );
    }
}
