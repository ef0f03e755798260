//! The Rust front end, structurally: every file of `fixtures/fix/rust` is fixed (safe
//! and unsafe fixes, with the fix fixtures' configuration), the result must parse with
//! syn, and the requests it builds — read back by the front end — are a snapshot:
//! method, URL template, headers and body of each call. A rewrite that only looks
//! right in a diff but builds the wrong request shows here.

use apimigrate::call::{Body, Fields, HttpCall, Value};
use apimigrate::config::Config;
use apimigrate::frontend;
use apimigrate::pipeline::fix::{fix_source, FixLevel};
use apimigrate::rules::engine::Selection;
use apimigrate::rules::RuleSet;
use apimigrate::scan::Checker;
use apimigrate::source::{Language, SourceFile};
use std::fmt::Write;
use std::path::Path;

fn checker() -> Checker {
    let config = Config::load(Path::new("fixtures/fix/apimigrate.toml")).unwrap();
    let rules = RuleSet::embedded().with_config_hosts(&config).unwrap();
    let selection = Selection {
        severity: config.severity.clone(),
        ..Selection::default()
    };
    Checker::with_config(rules, selection, config)
}

fn value(v: &Value) -> String {
    match v {
        Value::Str { value, .. } => format!("{value:?}"),
        Value::Num { text, .. } => text.clone(),
        Value::Bool { value, .. } => value.to_string(),
        Value::Null { .. } => "null".into(),
        Value::Object(f) => fields(f),
        Value::Array { items, .. } => format!(
            "[{}]",
            items.iter().map(value).collect::<Vec<_>>().join(", ")
        ),
        Value::Expr { text, .. } => format!("<{text}>"),
    }
}

fn fields(f: &Fields) -> String {
    let mut parts: Vec<String> = f
        .entries
        .iter()
        .map(|e| format!("{}: {}", e.key, value(&e.value)))
        .collect();
    if f.open {
        parts.push("…".into());
    }
    format!("{{{}}}", parts.join(", "))
}

fn describe(call: &HttpCall) -> String {
    let mut out = String::new();
    let method = call.method.name.as_deref().unwrap_or("?");
    writeln!(out, "{method} {}  [{:?}]", call.url.display(), call.client).unwrap();
    if !call.headers.entries.is_empty() || call.headers.open {
        writeln!(out, "  headers {}", fields(&call.headers)).unwrap();
    }
    if !call.query.entries.is_empty() || call.query.open {
        writeln!(out, "  query {}", fields(&call.query)).unwrap();
    }
    match &call.body {
        None => {}
        Some(Body::Json { value: v }) => writeln!(out, "  json {}", value(v)).unwrap(),
        Some(Body::Form { fields: f }) => writeln!(out, "  form {}", fields(f)).unwrap(),
        Some(Body::Raw { text, .. }) => writeln!(out, "  raw {text:?}").unwrap(),
        Some(Body::GraphQl { query, .. }) => writeln!(out, "  graphql {query:?}").unwrap(),
        Some(Body::Expr { text, .. }) => writeln!(out, "  body <{text}>").unwrap(),
    }
    out
}

#[test]
fn fixed_requests_are_structurally_right() {
    let checker = checker();
    let mut paths: Vec<_> = std::fs::read_dir("fixtures/fix/rust")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 4, "only {} Rust fix fixtures", paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let source = SourceFile::new(path.clone(), text, Language::Rust);
        let outcome = fix_source(&checker, &source, FixLevel::Unsafe);
        if let Err(e) = syn::parse_file(&outcome.fixed) {
            panic!("{}: the fixed file does not parse: {e}", path.display());
        }
        let fixed = SourceFile::new(path.clone(), outcome.fixed.clone(), Language::Rust);
        let extraction = frontend::extract(&fixed);
        let mut snap = String::new();
        for call in &extraction.calls {
            snap.push_str(&describe(call));
        }
        let name = format!(
            "frontend_rust_{}",
            path.file_stem().unwrap().to_string_lossy()
        );
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, snap);
        });
    }
}

/// Shapes the extraction must read, each checked on its own.
#[test]
fn call_shapes() {
    let text = r#####"
const BASE: &str = "https://app.360learning.com";
async fn f(client: &reqwest::Client, id: &str, token: &str) -> Result<(), reqwest::Error> {
    let mut url = BASE.to_string();
    url.push_str("/api/v1/users/");
    url += id;
    client.delete(&url).query(&[("company", "acme")]).send().await?;
    reqwest::Client::builder().build()?.request(reqwest::Method::PUT, concat!("https://x.securid.com", "/AdminInterface/")).bearer_auth(token).body(r#"{"a": 1}"#).send().await?;
    ureq::delete(&format!("{}/u/{0}/{named}", BASE, named = id)).set("X-Key", "v").call()?;
    Ok(())
}
"#####;
    let ex = apimigrate::frontend::rust::extract(text);
    let got: Vec<String> = ex.calls.iter().map(describe).collect();
    assert_eq!(
        got,
        [
            "DELETE https://app.360learning.com/api/v1/users/{id}  [Reqwest]\n  query {company: \"acme\"}\n",
            "PUT https://x.securid.com/AdminInterface/  [Reqwest]\n  headers {Authorization: <Bearer token>}\n  raw \"{\\\"a\\\": 1}\"\n",
            "DELETE https://app.360learning.com/u/https://app.360learning.com/{id}  [Ureq]\n  headers {X-Key: \"v\"}\n",
        ]
    );
    // `BASE` stands for its literal: rewrites write the name.
    assert!(ex.calls[0].vias.iter().any(|v| v.expr == "BASE"));
    assert!(ex.calls[0].unformatted.is_empty());
}

#[test]
fn comments_and_syntax_errors() {
    let text = "fn f() { let s = \"// no\"; } // yes\n/* block */";
    let found: Vec<&str> = apimigrate::frontend::rust::comments(text)
        .into_iter()
        .map(|s| &text[s])
        .collect();
    assert_eq!(found, ["// yes", "/* block */"]);
    let (span, _) = apimigrate::frontend::rust::syntax_check("fn f( {").unwrap();
    assert!(span.start <= 7);
}

/// Look-alike shapes that are not requests.
#[test]
fn not_requests() {
    let text = r#"
fn f(http_response: &reqwest::Response, map: &std::collections::HashMap<&str, &str>) {
    let _ = http_response.headers().get("https://community.khoros.com/api/2.0/users/{id}");
    let _ = map.get("https://community.khoros.com/api/2.0/users/{id}");
    let _ = serde_json::json!({ "url": "https://community.khoros.com/api/2.0/users/1" }).get("url");
}
"#;
    let ex = apimigrate::frontend::rust::extract(text);
    assert!(ex.calls.is_empty(), "{:#?}", ex.calls);
}
