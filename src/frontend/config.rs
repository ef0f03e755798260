//! Configuration documents: JSON and YAML files that hold an application's settings
//! (`config.json`, `appsettings.Production.json`, `settings.yaml`, `application.yml`,
//! anything under a `config/`, `conf/` or `settings/` folder). Integrations keep their
//! vendor's base URL there and read it at run time (`yaml.safe_load(open(…))`,
//! `JSON.parse(fs.readFileSync(…))`), where no resolution can follow it: the URL is
//! reported where it is written, like a base URL of an env file, with the document's
//! other values as the texts beside it (a `li-api-session-key` header name is a
//! signal), and its values under secret names go with it as credentials (a real-looking
//! one is a hard-coded credential, as in an env file). A base URL's path is rewritten in place when the new text needs no other
//! quoting; anything else is left to a person.
//!
//! Not for: JSON or YAML that another front end reads (Postman, Insomnia, CI
//! workflows, Ansible), package manifests, or data files with other names.

use crate::call::{Extraction, HttpCall, Piece, Span};
use crate::finding::Edit;
use crate::model::plan::RewritePlan;
use crate::source::Language;
use std::path::Path;

use super::postman::json::J;
use super::yaml_tree::Node;

/// How deep a document is read, and how many values.
const MAX_DEPTH: usize = 32;
const MAX_VALUES: usize = 20_000;

/// Whether `path` names a configuration document (JSON or YAML).
pub fn is_config_path(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    if !matches!(ext, "json" | "yml" | "yaml") {
        return false;
    }
    let named = ["config", "settings", "appsettings", "application"]
        .iter()
        .any(|p| {
            stem.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '-', '_']))
        })
        || stem.ends_with(".config")
        || stem.ends_with("-config")
        || stem.ends_with("_config");
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|d| d.to_str())
        .is_some_and(|d| matches!(d, "config" | "configs" | "conf" | "settings"));
    (named || folder) && !matches!(stem, "package" | "package-lock" | "composer" | "tsconfig")
}

/// One string value of a document: its key (the last one on its path) and its text.
struct Value {
    key: String,
    key_span: Span,
    pieces: Vec<Piece>,
    span: Span,
}

/// The string values of a JSON or YAML document, in order, or why it does not parse.
fn values(text: &str, yaml: bool) -> Result<Vec<Value>, (Span, String)> {
    let mut out = Vec::new();
    if yaml {
        if let Some(e) = super::yaml_ci::syntax_check(text) {
            return Err(e);
        }
        let docs = super::yaml_tree::parse(text).map_err(|_| (0..0, "not YAML".to_string()))?;
        for d in &docs {
            yaml_values(d, "", &(0..0), 0, &mut out);
        }
    } else {
        let doc = super::postman::json::parse(text)?;
        json_values(&doc, "", &(0..0), 0, &mut out);
    }
    Ok(out)
}

fn json_values(j: &J, key: &str, key_span: &Span, depth: usize, out: &mut Vec<Value>) {
    if depth > MAX_DEPTH || out.len() >= MAX_VALUES {
        return;
    }
    match j {
        J::Str { value, .. } => {
            let inner = j.inner();
            // Escapes make the value's text differ from what is written.
            let exact = inner.len() == value.len();
            out.push(Value {
                key: key.to_string(),
                key_span: key_span.clone(),
                pieces: vec![Piece::Lit {
                    text: value.clone(),
                    span: inner.clone(),
                    exact,
                }],
                span: inner,
            });
        }
        J::Obj { props, .. } => {
            for p in props {
                json_values(&p.value, &p.key, &p.key_span, depth + 1, out);
            }
        }
        J::Arr { items, .. } => {
            for i in items {
                json_values(i, key, key_span, depth + 1, out);
            }
        }
        _ => {}
    }
}

fn yaml_values(n: &Node, key: &str, key_span: &Span, depth: usize, out: &mut Vec<Value>) {
    if depth > MAX_DEPTH || out.len() >= MAX_VALUES {
        return;
    }
    match n {
        Node::Scalar(s) => out.push(Value {
            key: key.to_string(),
            key_span: key_span.clone(),
            pieces: vec![Piece::Lit {
                text: s.value.clone(),
                span: s.span.clone(),
                exact: s.exact,
            }],
            span: s.span.clone(),
        }),
        Node::Map(entries, _) => {
            for (k, ks, v) in entries {
                yaml_values(v, k, ks, depth + 1, out);
            }
        }
        Node::Seq(items, _) => {
            for i in items {
                yaml_values(i, key, key_span, depth + 1, out);
            }
        }
        Node::Other => {}
    }
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
}

/// The base URLs a document defines (as `BaseUrl` calls at their values) and the
/// spans of its secrets.
pub fn extract(text: &str, path: &Path) -> Extraction {
    let mut out = Extraction::default();
    let Ok(all) = values(text, is_yaml(path)) else {
        return out;
    };
    for v in &all {
        if let Some(Piece::Lit {
            text: t,
            span,
            exact,
        }) = v.pieces.first()
        {
            super::credentials::scan_literal(t, span, *exact, Some(&v.key), &mut out.secrets);
        }
    }
    let is_url = |v: &Value| {
        v.pieces.iter().any(|p| match p {
            Piece::Lit { text, .. } => {
                let t = text.trim_start().to_ascii_lowercase();
                (t.starts_with("https://") || t.starts_with("http://"))
                    && !t.contains(char::is_whitespace)
            }
            Piece::Hole { .. } => false,
        })
    };
    for v in all.iter().filter(|v| is_url(v)) {
        let beside = super::dotenv::beside_texts(
            all.iter()
                .filter(|o| o.span != v.span)
                .map(|o| (o.key.as_str(), crate::call::literal_of(&o.pieces))),
        );
        let mut call = HttpCall::base_url(v.pieces.clone(), v.span.clone());
        call.receiver = Some(v.key.clone());
        call.beside = beside;
        // A committed document holding a real credential beside a vendor's base URL
        // is a hard-coded credential, as in an env file.
        call.headers = super::dotenv::credential_fields(
            all.iter()
                .map(|o| (o.key.as_str(), &o.key_span, o.pieces.as_slice(), &o.span)),
        );
        out.calls.push(call);
    }
    out.secrets.sort_by_key(|s| (s.start, s.end));
    out.secrets.dedup();
    out
}

/// The first syntax error of a document.
pub fn syntax_error(text: &str, path: &Path) -> Option<(Span, String)> {
    values(text, is_yaml(path)).err()
}

/// The edits of each rewrite: a base URL's new path written over the old one, inside
/// its own string, when the new text needs no other quoting there.
pub fn render_batch(
    text: &str,
    path: &Path,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<Result<Vec<Edit>, String>> {
    let manual =
        "a configuration document holds values, not requests: change the code that sends it";
    let yaml = is_yaml(path);
    items
        .iter()
        .map(|(call, plan)| {
            super::dotenv::rewrite_value(text, &call.span, call, plan, manual, |added| {
                if yaml {
                    !added.contains(|c: char| {
                        c.is_whitespace() || matches!(c, '#' | '"' | '\'' | '\\' | ':')
                    })
                } else {
                    !added.contains(|c: char| matches!(c, '"' | '\\') || c.is_control())
                }
            })
        })
        .collect()
}

/// Configuration documents (see the module's documentation).
pub struct Config;

impl super::FrontEnd for Config {
    fn languages(&self) -> &'static [Language] {
        &[Language::Config]
    }

    /// Claimed by [`Language::detect`] after the other JSON and YAML readers had their
    /// look (a Postman collection named `config/collection.json` stays one).
    fn of_path(&self, _path: &Path) -> Option<Language> {
        None
    }

    fn extract(&self, file: &crate::source::SourceFile, _context: &super::Context) -> Extraction {
        extract(&file.text, &file.path)
    }

    fn syntax_error(&self, file: &crate::source::SourceFile) -> Option<(Span, String)> {
        syntax_error(&file.text, &file.path)
    }

    fn comments(&self, file: &crate::source::SourceFile) -> Vec<Span> {
        if is_yaml(&file.path) {
            super::ansible::comments(&file.text)
        } else {
            Vec::new()
        }
    }
}

impl super::Spell for Config {
    fn spell(
        &self,
        file: &crate::source::SourceFile,
        _parsed: &Extraction,
        items: &[(&HttpCall, &RewritePlan)],
    ) -> Vec<Result<Vec<Edit>, String>> {
        render_batch(&file.text, &file.path, items)
    }

    fn json_quoting(&self) -> super::JsonQuoting {
        super::quoting::by_hand
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_documents_are_told_by_name_or_folder() {
        for yes in [
            "config.json",
            "config/default.json",
            "appsettings.Production.json",
            "settings.yaml",
            "src/conf/prod.yml",
            "application-prod.yml",
            "app.config.json",
        ] {
            assert!(is_config_path(Path::new(yes)), "{yes}");
        }
        for no in [
            "package.json",
            "config/package.json",
            "data/users.json",
            "config.toml",
            "tsconfig.json",
            "configuration.md",
        ] {
            assert!(!is_config_path(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn urls_are_base_urls_with_the_other_values_beside_them() {
        let text = "{ \"api\": { \"base\": \"https://c.example.com/api/2.0\", \"header\": \"x-session\", \"token\": \"s3cr3t-value-123456\" }, \"n\": 3 }";
        let e = extract(text, Path::new("config.json"));
        assert_eq!(e.calls.len(), 1);
        let call = &e.calls[0];
        assert_eq!(&text[call.span.clone()], "https://c.example.com/api/2.0");
        assert_eq!(call.receiver.as_deref(), Some("base"));
        assert!(call.beside.iter().any(|b| b == "x-session"));
        // A secret's value is never a text beside.
        assert!(!call.beside.iter().any(|b| b.contains("s3cr3t")));
        // It is a credential that goes with the URL (API002 when it looks real).
        assert_eq!(
            call.headers
                .entries
                .iter()
                .map(|f| f.key.as_str())
                .collect::<Vec<_>>(),
            ["token"]
        );
        assert!(e
            .secrets
            .iter()
            .any(|s| &text[s.clone()] == "s3cr3t-value-123456"));
        let yaml =
            "khoros:\n  base_url: https://c.example.com/api/2.0 # prod\n  header: x-session\n";
        let e = extract(yaml, Path::new("settings.yaml"));
        assert_eq!(e.calls.len(), 1);
        assert_eq!(
            &yaml[e.calls[0].span.clone()],
            "https://c.example.com/api/2.0"
        );
    }

    #[test]
    fn broken_documents_are_syntax_errors() {
        assert!(syntax_error("{ \"a\": ", Path::new("config.json")).is_some());
        assert!(syntax_error("a: [1, 2\n", Path::new("config.yml")).is_some());
        assert!(syntax_error("a: 1\n", Path::new("config.yml")).is_none());
    }
}
