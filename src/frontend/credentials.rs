//! Which string literals are credentials, in every language: each front end finds its
//! literals and the name each is stored under, and asks here.
//!
//! A literal is a secret when it is the value of a key, binding, parameter or header
//! whose name says so (`apiKey`, `password`, `Authorization`, …), or when it is a
//! `Bearer …` / `Basic …` credential wherever it is written, or a `?apiKey=…` query
//! parameter inside a URL literal. Only the credential itself is reported (not the
//! scheme word), and obvious placeholders (`{{token}}`, `<api-key>`, `xxx`) are not.
//!
//! Not for: finding literals; the call walk hands each literal here with its name.

use crate::call::Span;
use regex::Regex;
use std::sync::OnceLock;

fn secret_name_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)api[_-]?key|apikey|secret|password|passwd|pwd|token|session[_-]?key|li-api-session-key|authorization|client[_-]?secret|access[_-]?token|^pass$|^bearer$",
        )
        .expect("valid regex")
    })
}

fn query_param_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[?&]([A-Za-z0-9_.\-\[\]]+)=([^&#\s]*)").expect("valid regex"))
}

/// Names that mention a secret but hold something else (`tokenUrl`, `passwordField`).
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "url",
    "uri",
    "endpoint",
    "path",
    "type",
    "name",
    "field",
    "header",
    "length",
    "label",
    "placeholder",
    "hint",
    "message",
    "policy",
    "expiry",
    "expires",
    "expiresin",
    "ttl",
];

/// Whether a key / binding / header name holds a credential.
pub fn is_secret_name(name: &str) -> bool {
    if !secret_name_re().is_match(name) {
        return false;
    }
    let lower: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    !NOT_SECRET_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

fn is_placeholder(v: &str) -> bool {
    let v = v.trim();
    v.is_empty()
        || (v.starts_with("{{") && v.ends_with("}}"))
        // A `format!`/`.format` placeholder: the value comes from a name.
        || (v.starts_with('{') && v.ends_with('}') && !v[1..].contains('{'))
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with("${") && v.ends_with('}') && !v[2..].contains("${"))
        || v.chars().all(|c| matches!(c, 'x' | 'X' | '*' | '.' | '•'))
}

/// Authorization schemes whose word is not part of the credential. Anywhere, only
/// `Bearer` and `Basic` mark a credential; under a secret name the others are
/// stripped too (`Authorization: 'SSWS 00abc'`).
const SCHEMES: &[&str] = &[
    "bearer", "basic", "token", "ssws", "digest", "apikey", "api-key", "key", "oauth", "jwt",
    "hmac",
];

/// Length of a leading `Scheme ` word (with its space).
fn scheme_len(text: &str, named: bool) -> Option<usize> {
    let (word, _) = text.split_once(' ')?;
    let lower = word.to_ascii_lowercase();
    let known = if named {
        SCHEMES.contains(&lower.as_str())
    } else {
        lower == "bearer" || lower == "basic"
    };
    known.then_some(word.len() + 1)
}

/// Byte range (within `text`) of the credential in a literal value: after a
/// `Bearer `/`Basic ` scheme word, or (when `named` says the value is stored under a
/// secret name) the whole trimmed value.
pub fn credential(text: &str, named: bool) -> Option<(usize, usize)> {
    let scheme = scheme_len(text, named);
    let start = match scheme {
        Some(len) => len + (text[len..].len() - text[len..].trim_start().len()),
        None if named => text.len() - text.trim_start().len(),
        None => return None,
    };
    let value = text[start..].trim_end();
    let end = start + value.len();
    if is_placeholder(value) {
        return None;
    }
    if scheme.is_none() {
        // A sentence or a URL is a label or an endpoint, not a credential.
        let lower = value.to_ascii_lowercase();
        if value.contains(char::is_whitespace)
            || lower.starts_with("http://")
            || lower.starts_with("https://")
            || value.starts_with('/')
            || value.starts_with("process.env")
        {
            return None;
        }
    }
    Some((start, end))
}

/// Secret spans in one literal piece of source text (`text` at `span`).
///
/// `name` is the name the literal is stored under, if any; `exact` says that `text`
/// is byte-for-byte the source at `span` (no escapes), so sub-ranges can be reported.
pub fn scan_literal(text: &str, span: &Span, exact: bool, name: Option<&str>, out: &mut Vec<Span>) {
    let named = name.is_some_and(is_secret_name);
    let at = |from: usize, to: usize| {
        if exact {
            span.start + from..span.start + to
        } else {
            span.clone()
        }
    };
    if let Some((from, to)) = credential(text, named) {
        out.push(at(from, to));
        return;
    }
    if exact && text.contains('=') {
        for cap in query_param_re().captures_iter(text) {
            let (Some(key), Some(value)) = (cap.get(1), cap.get(2)) else {
                continue;
            };
            if is_secret_name(key.as_str()) && !is_placeholder(value.as_str()) {
                out.push(at(value.start(), value.end()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in [
            "apiKey",
            "api_key",
            "X-API-Key",
            "li-api-session-key",
            "Authorization",
            "client_secret",
            "PASSWORD",
            "sessionKey",
            "pass",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "tokenUrl",
            "token_endpoint",
            "passwordField",
            "company",
            "uuid",
            "passenger",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn credentials() {
        assert_eq!(credential("Bearer abc.def", false), Some((7, 14)));
        assert_eq!(credential("Basic  dXNlcjpwYXNz ", false), Some((7, 19)));
        assert_eq!(credential("Bearer ", false), None);
        assert_eq!(credential("Bearer {{token}}", false), None);
        assert_eq!(credential("k-123", true), Some((0, 5)));
        assert_eq!(credential("k-123", false), None);
        assert_eq!(credential("changeme", true), Some((0, 8)));
        assert_eq!(credential("xxxx", true), None);
        assert_eq!(credential("<your api key>", true), None);
        assert_eq!(credential("Password is required", true), None);
        assert_eq!(
            credential("https://login.example.com/oauth/token", true),
            None
        );
    }

    #[test]
    fn query_parameters_in_urls() {
        let mut out = Vec::new();
        let text = "https://x/api/v1/users?company=acme&apiKey=k-123";
        scan_literal(text, &(10..10 + text.len()), true, None, &mut out);
        assert_eq!(out, vec![10 + 43..10 + 48]);
    }
}
