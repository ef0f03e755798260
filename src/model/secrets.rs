//! The one definition of "is this a secret", and the file-wide pass that finds secrets
//! in any text.
//!
//! Two ways in:
//! - front ends know which literal is stored under which name and ask
//!   [`scan_literal`] / [`is_secret_name`] / [`is_placeholder`] about it (a constant
//!   `LRN_KEY` is a secret because it is sent as `apiKey=${LRN_KEY}`);
//! - [`scan_text`] reads any text without knowing its language: URL userinfo
//!   passwords, tokens with well-known prefixes (`sk_live_`, `ghp_`, `xoxb-`, `AKIA`,
//!   JWTs), `Bearer`/`Basic` credentials, quoted values under secret names
//!   (`password: 'correct horse battery staple'`, `("li-api-session-key", "…")`),
//!   secret query parameters and Postman `key`/`value` pairs. It runs over every
//!   scanned file (so context lines, broken files and the fixed text of a diff are
//!   covered) and over every message before it is printed.
//!
//! [`crate::model::redact`] turns the spans into masked text. Placeholders (`YOUR_API_KEY`,
//! `<token>`, `{{apiKey}}`, `${PASS}`, `changeme`, `xxxx`, …) are never secrets.
//!
//! Not for: deciding which calls send a credential (the rules' `literal-credential`
//! check does that with these definitions).

use crate::model::call::Span;
use regex::Regex;
use std::sync::OnceLock;

/// The names of secrets: a name holding one of these (case aside) holds a secret,
/// unless it ends like a stand-in (`NOT_SECRET_SUFFIXES`).
const SECRET_NAMES: &str = r"api[_-]?key|apikey|secret|password|passwd|pwd|token|session[_-]?key|li-api-session-key|authorization|client[_-]?secret|access[_-]?token|jwt|^session$|^pass$|^bearer$";

fn secret_name_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(&format!("(?i){SECRET_NAMES}")).expect("valid regex"))
}

/// A word that every name [`secret_name_re`] accepts holds (`api` for `apikey`,
/// `pass` for `passwd`): a text without one holds no secret name.
fn secret_word_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)api|secret|pass|pwd|token|session|authorization|jwt|bearer")
            .expect("valid regex")
    })
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

/// Whether a key / binding / header / variable name holds a credential.
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

/// Words that make a value a stand-in when it is made of nothing else
/// (`dummy-key`, `your_api_token_here`, `test`, `example-password`).
const PLACEHOLDER_WORDS: &[&str] = &[
    "your",
    "my",
    "here",
    "changeme",
    "change",
    "me",
    "example",
    "dummy",
    "test",
    "fake",
    "sample",
    "placeholder",
    "redacted",
    "todo",
    "tbd",
    "replace",
    "insert",
    "api",
    "key",
    "token",
    "secret",
    "password",
    "pass",
    "value",
    "session",
    "client",
    "access",
    "bearer",
    "auth",
    "the",
    "with",
    "put",
];

/// Of [`PLACEHOLDER_WORDS`], those that say "not the real value" on their own.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "your",
    "here",
    "changeme",
    "example",
    "dummy",
    "test",
    "fake",
    "sample",
    "placeholder",
    "redacted",
    "todo",
    "tbd",
    "replace",
    "insert",
];

/// The alphanumeric words of a value, split at separators and camel-case humps
/// (`YOUR_360LEARNING_APIKEY` → `your`, `360learning`, `apikey`).
fn words(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in v.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A value that is a stand-in rather than a credential: empty, a template hole
/// (`{{var}}`, `${VAR}`, `$VAR`, `{name}`, `%s`), `<your key>`, masks (`***`, `xxxx`),
/// `YOUR_…`, `…_HERE`, `changeme`, or words such as `example`, `dummy`, `test` — but only
/// when the whole value is made of such words: `sk_test_51H…` and `example-8f3a9c…`
/// are real-looking keys and stay secrets.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty()
        || v.contains("{{")
        || v.contains("${")
        || v.starts_with('$')
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('{') && v.ends_with('}') && !v[1..].contains('{'))
        || (v.starts_with('%') && v.len() <= 12 && !v.contains(char::is_whitespace))
        || v.chars()
            .all(|c| matches!(c, 'x' | 'X' | '*' | '.' | '•' | '-' | '_' | ' '))
    {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    // `YOUR_360LEARNING_APIKEY`, `your-api-key`, `KEY_GOES_HERE`, `api_key_here`.
    let sep = |c: char| matches!(c, '_' | '-' | ' ' | '.');
    if lower
        .strip_prefix("your")
        .is_some_and(|r| r.starts_with(sep))
        || lower.strip_suffix("here").is_some_and(|r| r.ends_with(sep))
        || lower.starts_with("xxx")
        || lower.starts_with("***")
    {
        return true;
    }
    let ws = words(v);
    !ws.is_empty()
        && ws.iter().all(|w| PLACEHOLDER_WORDS.contains(&w.as_str()))
        && ws.iter().any(|w| PLACEHOLDER_MARKERS.contains(&w.as_str()))
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

/// A value under a secret name that reads as a sentence (a label, a validation
/// message) rather than a pass phrase: `Password is required`, `Enter your API key.`
fn reads_as_prose(value: &str) -> bool {
    const PROSE: &[&str] = &[
        "password",
        "passwords",
        "key",
        "keys",
        "token",
        "tokens",
        "secret",
        "secrets",
        "api",
        "required",
        "enter",
        "invalid",
        "must",
        "please",
        "missing",
        "your",
        "is",
    ];
    value.ends_with(['.', '!', '?', ':'])
        || words(value).iter().any(|w| PROSE.contains(&w.as_str()))
}

/// Byte range (within `text`) of the credential in a literal value: after a
/// `Bearer `/`Basic ` scheme word, or (when `named` says the value is stored under a
/// secret name) the whole trimmed value — pass phrases with spaces included.
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
        if (value.contains(char::is_whitespace) && reads_as_prose(value))
            || value.contains('\n')
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

/// For an `Authorization`-style value: the credential part of `Bearer xyz` / `Basic xyz`
/// / `Token xyz`, as a byte range inside `value`.
pub fn scheme_credential(value: &str) -> Option<std::ops::Range<usize>> {
    let lower = value.to_ascii_lowercase();
    for scheme in ["bearer ", "basic ", "token "] {
        if lower.starts_with(scheme) {
            let rest = &value[scheme.len()..];
            let lead = rest.len() - rest.trim_start().len();
            let start = scheme.len() + lead;
            if is_placeholder(&value[start..]) {
                return None;
            }
            return Some(start..value.len());
        }
    }
    None
}

fn query_param_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[?&]([A-Za-z0-9_.\-\[\]]+)=([^&#\s]*)").expect("valid regex"))
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

// ----- the file-wide pass ------------------------------------------------------------

/// Tokens whose shape alone says they are credentials.
fn token_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"\b(?:",
            r"(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{8,}",
            r"|gh[pousr]_[0-9A-Za-z]{16,}",
            r"|github_pat_[0-9A-Za-z_]{20,}",
            r"|xox[abposr]-[0-9A-Za-z-]{8,}",
            r"|(?:AKIA|ASIA)[0-9A-Z]{16}",
            r"|AIza[0-9A-Za-z_-]{30,}",
            r"|glpat-[0-9A-Za-z_-]{16,}",
            r"|npm_[0-9A-Za-z]{30,}",
            r"|eyJ[0-9A-Za-z_-]{4,}\.[0-9A-Za-z_-]{4,}\.[0-9A-Za-z_-]*",
            r")"
        ))
        .expect("valid regex")
    })
}

/// `scheme://user:password@` — the password.
fn userinfo_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b[a-z][a-z0-9+.-]*://[^/?#\s:@'`<>]*:([^/?#\s@'`<>]+)@")
            .expect("valid regex")
    })
}

/// The passwords of the URLs' userinfo in `text` (not template holes).
fn userinfo_passwords(text: &str) -> impl Iterator<Item = Span> + '_ {
    userinfo_re().captures_iter(text).filter_map(|cap| {
        let pass = cap.get(1).expect("group 1");
        (!is_placeholder(pass.as_str()) && !pass.as_str().contains(['{', '$', '"']))
            .then(|| pass.range())
    })
}

/// The password of a URL's userinfo (`https://svc:P4ss@host/…` → `P4ss`), as a byte
/// range of `url`.
pub fn userinfo_password(url: &str) -> Option<Span> {
    userinfo_passwords(url).next()
}

/// `Bearer xyz` / `Basic xyz` anywhere.
fn scheme_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:bearer|basic)[ \t]+([0-9A-Za-z._~+/=-]{6,})").expect("valid regex")
    })
}

/// A name followed by an assignment-like separator and an opening quote:
/// `password: '…`, `"apiKey": "…`, `api_key = r"…`, `("li-api-session-key", "…`,
/// `"li-api-session-key: …` (a header written as one string).
fn named_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r#"(?:(["'`])([A-Za-z_][A-Za-z0-9_.-]*)["'`]\s*(?:=>|:=|=|:|,)|"#,
            r#"\b([A-Za-z_][A-Za-z0-9_]*)\s*(?:=>|:=|=|:)|"#,
            r#"(["'])([A-Za-z][A-Za-z0-9_-]*):[ \t]*)"#,
            r#"\s*(?:[rbuRBU]?["'`])?"#
        ))
        .expect("valid regex")
    })
}

/// A Postman `{"key": "li-api-session-key", "value": "…"}` pair, either order.
fn key_value_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r#""key"\s*:\s*"([^"\\]*)"\s*,\s*(?:"[a-z]+"\s*:\s*(?:"[^"\\]*"|true|false)\s*,\s*)?"value"\s*:\s*"((?:[^"\\]|\\.)*)""#,
            r#"|"value"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,\s*"key"\s*:\s*"([^"\\]*)""#,
        ))
        .expect("valid regex")
    })
}

/// Whether a credential found by shape alone is one (`Basic authentication`, `a Bearer
/// token.` are prose).
fn looks_like_token(v: &str) -> bool {
    (v.len() >= 20
        || v.chars()
            .any(|c| c.is_ascii_digit() || matches!(c, '=' | '+' | '/')))
        && !is_placeholder(v)
}

/// The end of a quoted value starting at `from` (just after its opening `quote`) on the
/// same line; backslash escapes are skipped.
fn closing_quote(text: &str, from: usize, quote: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' if quote != b'`' => return None,
            b if b == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Every secret in `text`, found without knowing its language (see the module
/// documentation). Spans are sorted and may overlap.
pub fn scan_text(text: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for m in token_re().find_iter(text) {
        out.push(m.range());
    }
    out.extend(userinfo_passwords(text));
    for cap in scheme_re().captures_iter(text) {
        let token = cap.get(1).expect("group 1");
        let v = token.as_str().trim_end_matches(['.', ',', '-']);
        if looks_like_token(v) {
            out.push(token.start()..token.start() + v.len());
        }
    }
    // Most names written before a value are no secret's: the capture groups (the
    // costly part) are read only for matches that hold a word every secret name holds.
    for found in named_re().find_iter(text) {
        if !secret_word_re().is_match(found.as_str()) {
            continue;
        }
        let Some(cap) = named_re().captures_at(text, found.start()) else {
            continue;
        };
        let whole = cap.get(0).expect("group 0");
        let (name, header) = match (cap.get(2), cap.get(3), cap.get(5)) {
            (Some(n), _, _) | (_, Some(n), _) => (n, false),
            (_, _, Some(n)) => (n, true),
            _ => continue,
        };
        if !is_secret_name(name.as_str()) {
            continue;
        }
        let value = if header {
            // `"Name: value"`: up to the closing quote of the string that began
            // before the name.
            let quote = cap.get(4).expect("group 4").as_str().as_bytes()[0];
            let start = whole.end();
            let Some(end) = closing_quote(text, start, quote) else {
                continue;
            };
            start..end
        } else {
            let opened = text.as_bytes()[..whole.end()]
                .last()
                .copied()
                .filter(|b| matches!(b, b'"' | b'\'' | b'`'));
            let Some(quote) = opened else {
                continue;
            };
            let start = whole.end();
            let Some(end) = closing_quote(text, start, quote) else {
                continue;
            };
            start..end
        };
        let v = &text[value.clone()];
        if v.contains('\\') {
            // Escapes: the source text is not the value; mask it whole.
            if !is_placeholder(v) {
                out.push(value);
            }
            continue;
        }
        if let Some((from, to)) = credential(v, true) {
            out.push(value.start + from..value.start + to);
        }
    }
    for cap in query_param_re().captures_iter(text) {
        let (Some(key), Some(value)) = (cap.get(1), cap.get(2)) else {
            continue;
        };
        let v = value
            .as_str()
            .trim_end_matches(['\'', '"', '`', ')', ',', ';']);
        if is_secret_name(key.as_str()) && !is_placeholder(v) && !v.contains(['{', '$']) {
            out.push(value.start()..value.start() + v.len());
        }
    }
    for cap in key_value_re().captures_iter(text) {
        let (key, value) = match (cap.get(1), cap.get(2), cap.get(3), cap.get(4)) {
            (Some(k), Some(v), _, _) => (k, v),
            (_, _, Some(v), Some(k)) => (k, v),
            _ => continue,
        };
        if is_secret_name(key.as_str()) && !is_placeholder(value.as_str()) {
            out.push(value.range());
        }
    }
    out.retain(|s| s.start < s.end);
    out.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    out.dedup();
    out
}

/// Every occurrence in `text` of the secret values of `original` at `spans`: what was a
/// secret in a file stays one in any text made from it (a fixed file whose rewrite
/// removed the parameter that made a constant look secret, a message quoting it).
pub fn occurrences(original: &str, spans: &[Span], text: &str) -> Vec<Span> {
    let mut values: Vec<&str> = spans
        .iter()
        .filter_map(|s| original.get(s.clone()))
        .filter(|v| v.len() >= 4 && v.trim() != crate::model::redact::MASK)
        .collect();
    values.sort_unstable();
    values.dedup();
    let mut out = Vec::new();
    for v in values {
        out.extend(text.match_indices(v).map(|(i, m)| i..i + m.len()));
    }
    out
}

/// `text` with every secret [`scan_text`] finds in it replaced by `***`.
pub fn mask_text(text: &str) -> String {
    crate::model::redact::Redacted::new(text, &scan_text(text)).text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_secret_name_holds_a_secret_word() {
        // Each alternative of the secret names, spelled with and without its optional
        // separator, in both cases.
        let mut checked = 0;
        for alternative in SECRET_NAMES.split('|') {
            let bare = alternative.trim_matches(['^', '$']);
            for name in [bare.replace("[_-]?", ""), bare.replace("[_-]?", "_")] {
                for name in [name.clone(), name.to_ascii_uppercase()] {
                    assert!(secret_name_re().is_match(&name), "{name}");
                    assert!(secret_word_re().is_match(&name), "{name}");
                    checked += 1;
                }
            }
        }
        assert!(checked >= 60, "{checked}");
    }

    fn masked(text: &str) -> String {
        mask_text(text)
    }

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
            "jwt",
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
    fn placeholders_are_never_credentials() {
        for v in [
            "YOUR_360LEARNING_APIKEY",
            "your-api-key",
            "API_KEY_HERE",
            "changeme",
            "<api-key>",
            "xxxxxxxx",
            "xxx-yyy",
            "***",
            "example",
            "dummy",
            "test",
            "dummy-key",
            "test_token",
            "${API_KEY}",
            "{{apiKey}}",
            "%s",
            "$TOKEN",
            "{}",
            "",
        ] {
            assert!(is_placeholder(v), "{v:?}");
        }
        // Placeholder words inside a real-looking key do not make it one.
        for v in [
            "sk_test_51H8abcDEF0123456789",
            "example-8f3a9c2e71d04b5a",
            "test123",
            "dummyX9k2LmP",
            "k-123",
            "hunter2",
            "correct horse battery staple",
        ] {
            assert!(!is_placeholder(v), "{v:?}");
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
        assert_eq!(credential("changeme", true), None);
        assert_eq!(credential("xxxx", true), None);
        assert_eq!(credential("<your api key>", true), None);
        assert_eq!(credential("Password is required", true), None);
        assert_eq!(
            credential("correct horse battery staple", true),
            Some((0, 28))
        );
        // Secret-looking letters inside a word do not make a sentence.
        assert_eq!(credential("hexur fjwtrilc jtpq", true), Some((0, 19)));
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

    #[test]
    fn text_pass_finds_every_kind() {
        assert_eq!(
            masked("fetch('https://svc:P4ssw0rd@acme.lithium.com/api/2.0/users/1')"),
            "fetch('https://svc:***@acme.lithium.com/api/2.0/users/1')"
        );
        assert_eq!(
            masked("const STRIPE_KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';"),
            "const STRIPE_KEY = '***';"
        );
        assert_eq!(
            masked("x = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a' # gh"),
            "x = '***' # gh"
        );
        assert_eq!(masked("t = \"xoxb-1234-5678-abcdEFGH\""), "t = \"***\"");
        assert_eq!(masked("AKIAIOSFODNN7EXAMPLE"), "***");
        assert_eq!(
            masked("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end"),
            "jwt *** end"
        );
        assert_eq!(
            masked("-H 'Authorization: Basic dXNlcjpwYXNz'"),
            "-H 'Authorization: Basic ***'"
        );
        assert_eq!(
            masked("password: 'correct horse battery staple',"),
            "password: '***',"
        );
        assert_eq!(
            masked(r#"{"key": "li-api-session-key", "value": "s3ss-10n"}"#),
            r#"{"key": "li-api-session-key", "value": "***"}"#
        );
        assert_eq!(
            masked(r#".header("li-api-session-key", "s3ss-10n")"#),
            r#".header("li-api-session-key", "***")"#
        );
        assert_eq!(
            masked("curl -H 'li-api-session-key: s3ss-10n' https://x"),
            "curl -H 'li-api-session-key: ***' https://x"
        );
        assert_eq!(
            masked("GET https://x/api/v1/users?company=acme&apiKey=k-123"),
            "GET https://x/api/v1/users?company=acme&apiKey=***"
        );
    }

    #[test]
    fn text_pass_leaves_code_and_prose_alone() {
        for text in [
            "headers: { apiKey: apiKey, password: process.env.PASS }",
            "fetch(`https://${user}:${pass}@host/x`)",
            "Use Basic authentication or a Bearer token.",
            "const label = { password: 'Password is required' };",
            "api_key = 'YOUR_360LEARNING_APIKEY'",
            "token: '{{token}}'",
            "https://host/x?apiKey=${KEY}",
        ] {
            assert_eq!(masked(text), text);
        }
    }

    #[test]
    fn secrets_follow_their_value_into_other_text() {
        let original = "const LRN_KEY = 'k-9f8e7d';";
        let spans = [std::iter::once(17..25).collect::<Vec<_>>()].concat();
        let fixed = "const LRN_KEY = 'k-9f8e7d'; // unused now";
        assert_eq!(occurrences(original, &spans, fixed), spans);
    }
}
