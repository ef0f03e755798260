//! Named checks that rule files refer to (`check = "…"`, `format = "…"`): the parts of
//! a rule that cannot be data.

use crate::call::{Piece, Segment};
use regex::Regex;
use std::sync::OnceLock;

/// A canonical 8-4-4-4-12 hexadecimal UUID.
pub fn is_uuid(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
            .unwrap()
    })
    .is_match(s)
}

/// A JSON literal as Janrain's `key_value` wants it (`"jane@example.com"`, `42`, `true`).
pub fn is_json_literal(s: &str) -> bool {
    matches!(
        serde_json::from_str::<serde_json::Value>(s.trim()),
        Ok(v) if !v.is_object() && !v.is_array()
    )
}

/// A literal that is an e-mail address.
pub fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) => !local.is_empty() && !domain.is_empty() && !s.contains(' '),
        None => false,
    }
}

/// Calls that hand their argument through unchanged as far as identity goes.
const PASS_THROUGH: &[&str] = &[
    "encodeURIComponent",
    "encodeURI",
    "escape",
    "String",
    "quote",
    "quote_plus",
    "str",
    "trim",
    "toLowerCase",
    "toUpperCase",
    "lower",
    "strip",
];

/// The name an expression's value is known by: `user.email` → `email`,
/// `encodeURIComponent(userEmail)` → `userEmail` (a pass-through call),
/// `learning360UserId(base, email)` → `learning360UserId` (any other call),
/// `row["mail"]` → `mail`.
fn last_name(expr: &str) -> &str {
    let expr = expr.trim().trim_start_matches("await ").trim();
    if let Some(open) = expr.find('(') {
        if expr.ends_with(')') {
            let callee = expr[..open].trim();
            let callee_name = callee.rsplit(['.', ' ']).next().unwrap_or(callee);
            let args = &expr[open + 1..expr.len() - 1];
            if PASS_THROUGH.contains(&callee_name) {
                // `encodeURIComponent(x)` is x; `x.trim()` is x.
                return if args.trim().is_empty() {
                    last_name(
                        callee
                            .rsplit_once('.')
                            .map(|(obj, _)| obj)
                            .unwrap_or(callee),
                    )
                } else {
                    last_name(args.rsplit(',').next().unwrap_or(args))
                };
            }
            return callee_name;
        }
    }
    // `}` closes a shell `${NAME}` expansion.
    let trimmed = expr.trim_end_matches([')', ']', '}', '"', '\'', '`', ' ', '!']);
    let start = trimmed
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .map(|i| i + 1)
        .unwrap_or(0);
    &trimmed[start..]
}

/// Splits `userEmail`, `user_email`, `EMAIL_ADDR` into lower-case words.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if ch == '_' || ch == '$' || ch == '-' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_lowercase() || ch.is_ascii_digit();
        cur.extend(ch.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// An expression whose name says it holds an e-mail address.
pub fn names_email(expr: &str) -> bool {
    let name = last_name(expr);
    words(name).iter().any(|w| {
        matches!(
            w.as_str(),
            "email" | "mail" | "emailaddress" | "emails" | "mails"
        )
    })
}

/// An expression whose name says it holds a user name or login (not an id).
pub fn names_username(expr: &str) -> bool {
    let name = last_name(expr);
    let ws = words(name);
    let joined = ws.concat();
    matches!(
        joined.as_str(),
        "username" | "login" | "userlogin" | "loginname" | "uname"
    ) || ws.iter().any(|w| w == "username" || w == "login")
        || (ws.len() >= 2 && ws[ws.len() - 2] == "user" && ws[ws.len() - 1] == "name")
}

/// A literal that looks like a user name rather than an internal id: letters (and dots,
/// dashes, underscores) without digits, not a UUID, not hexadecimal.
pub fn literal_is_username(s: &str) -> bool {
    !s.is_empty()
        && !is_uuid(s)
        && s.chars().any(|c| c.is_alphabetic())
        && !s.chars().any(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !s.starts_with(':')
}

/// Whether a URL segment identifies a user by e-mail (and, when `username` is set, by
/// user name). Returns the span to label.
pub fn segment_identifies_by_name(seg: &Segment, username: bool) -> bool {
    if let Some(lit) = seg.literal() {
        return looks_like_email(&lit) || (username && literal_is_username(&lit));
    }
    seg.pieces.iter().any(|p| match p {
        Piece::Lit { text, .. } => text.contains('@'),
        Piece::Hole { expr, .. } => names_email(expr) || (username && names_username(expr)),
    })
}

// What a secret is lives in one place for every front end, rule and reporter.
pub use crate::secrets::{is_placeholder, is_secret_name, scheme_credential};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_check() {
        assert!(is_uuid("30dd1406-f59a-4145-a6de-b94b5e8cacf3"));
        // The seed's own example is one digit short.
        assert!(!is_uuid("c1b6e517-9930-47dd-9fd5-d692053151c"));
        assert!(!is_uuid("not-a-uuid"));
    }

    #[test]
    fn json_literal_check() {
        assert!(is_json_literal("\"jane@example.com\""));
        assert!(is_json_literal("42"));
        assert!(!is_json_literal("jane@example.com"));
        assert!(!is_json_literal("'jane'"));
    }

    #[test]
    fn email_and_username_names() {
        assert!(names_email("user.email"));
        assert!(names_email("encodeURIComponent(userEmail)"));
        assert!(names_email("row['mail']"));
        assert!(names_email("EMAIL_ADDRESS") || names_email("EMAIL"));
        assert!(!names_email("userId"));
        assert!(names_email("encodeURIComponent(user.email.trim())"));
        assert!(!names_email(
            "await learning360UserId(LEARNING360_BASE, user.email)"
        ));
        assert!(!names_email("mailingListId"));
        assert!(names_username("user.username"));
        assert!(names_username("userName"));
        assert!(names_username("login"));
        assert!(!names_username("user.id"));
        assert!(literal_is_username("jdoe"));
        assert!(!literal_is_username("eb2e12ae-1112-451b-98e1-dfe4e6afd60d"));
        assert!(!literal_is_username("12345"));
    }

    #[test]
    fn secrets() {
        assert!(is_secret_name("apiKey"));
        assert!(is_secret_name("client_secret"));
        assert!(is_secret_name("li-api-session-key"));
        assert!(is_secret_name("Authorization"));
        assert!(!is_secret_name("company"));
        assert!(is_placeholder("{{apiKey}}"));
        assert!(is_placeholder("<YOUR_KEY>"));
        assert!(!is_placeholder("hunter2"));
        assert_eq!(scheme_credential("Bearer abc.def"), Some(7..14));
        assert_eq!(scheme_credential("Bearer {{token}}"), None);
        assert_eq!(scheme_credential("abc"), None);
    }
}
