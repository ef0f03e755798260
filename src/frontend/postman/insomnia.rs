//! Insomnia v4 exports (`_type: "export"`, `__export_format: 4`): every resource of
//! `_type: "request"` is read as a request with the collection reader's span-keeping
//! JSON: `url`, `method`, `headers` (`[{name, value}]`), `body` (`text`, or `params`
//! as a form) and `authentication` (bearer and basic: their token and password are
//! secrets). `{{ _.var }}` and `{{var}}` resolve from the `data` of the export's
//! `environment` resources; what does not resolve is a hole. Request rewrites are left
//! to a person; the literal URL edits of transforms are made in place.

use super::json::{self, J};
use super::Extraction;
use super::{looks_secret_name, Extractor, Var, Vars};
use crate::call::Body;
use crate::call::{Client, Field, Fields, HttpCall, Method};
use crate::finding::Edit;
use crate::model::plan::RewritePlan;

/// Whether the start of a `.json` file's text says it is an Insomnia v4 export.
pub fn sniff(prefix: &str) -> bool {
    let p = prefix.trim_start_matches('\u{feff}').trim_start();
    p.starts_with('{') && p.contains("\"__export_format\"") && p.contains("\"export\"")
}

/// The variables of the export's environments, reachable as `name` and `_.name`.
fn environment_vars(resources: &[J]) -> Vars {
    let mut vars = Vars::new();
    for r in resources {
        if r.get("_type").and_then(J::str) != Some("environment") {
            continue;
        }
        for p in r.get("data").map(J::props).unwrap_or(&[]) {
            let value = match &p.value {
                J::Str { value, .. } => value.clone(),
                J::Num { text, .. } => text.clone(),
                J::Bool { value, .. } => value.to_string(),
                _ => continue,
            };
            if value.is_empty() {
                continue;
            }
            let var = Var { value };
            vars.insert(format!("_.{}", p.key), var.clone());
            vars.insert(p.key.clone(), var);
        }
    }
    vars
}

/// Finds the requests of an Insomnia export.
pub fn extract(text: &str) -> Extraction {
    let (root, mut ex) = match Extractor::parse(text) {
        Ok(parsed) => parsed,
        Err(failed) => return failed,
    };
    let resources = root.get("resources").map(J::items).unwrap_or(&[]);
    let vars = environment_vars(resources);
    for r in resources {
        if r.get("_type").and_then(J::str) != Some("request") {
            continue;
        }
        let Some(url_node @ J::Str { .. }) = r.get("url") else {
            continue;
        };
        let method = match r.get("method") {
            Some(m @ J::Str { value, .. }) => Method::known(value, Some(m.inner())),
            _ => Method::implied("GET"),
        };
        let mut vias = Vec::new();
        let url = ex.url(url_node, &vars, &mut vias);
        let mut call = HttpCall::new(Client::PmSendRequest, method, url, url_node.span());
        call.vias = vias;
        call.scope = Some(r.span());
        call.headers = ex
            .insomnia_pairs(r.get("headers"), true)
            .unwrap_or_default();
        if call.headers.span.is_empty() {
            call.headers.span = r.span();
        }
        if let Some(auth) = r.get("authentication") {
            for key in ["token", "password"] {
                if let Some(v) = auth.get(key) {
                    ex.secret(v);
                }
            }
            if auth.get("type").and_then(J::str) == Some("bearer") {
                if let Some(t @ J::Str { value, .. }) = auth.get("token") {
                    let prefix = auth.get("prefix").and_then(J::str).unwrap_or("Bearer");
                    call.headers.entries.push(Field {
                        key: "Authorization".into(),
                        key_span: t.inner(),
                        value: ex.value_of(&J::Str {
                            value: format!("{prefix} {value}"),
                            span: t.span(),
                        }),
                    });
                }
            }
        }
        call.body = r.get("body").and_then(|b| ex.insomnia_body(b, &vars));
        ex.calls.push(call);
    }
    ex.finish()
}

impl Extractor<'_> {
    /// `[{name, value, disabled}]` as fields; values with secret names are secrets.
    fn insomnia_pairs(&mut self, list: Option<&J>, headers: bool) -> Option<Fields> {
        let list @ J::Arr { items, .. } = list? else {
            return None;
        };
        let mut fields = Fields {
            span: list.span(),
            ..Fields::default()
        };
        for e in items {
            if e.get("disabled").is_some_and(J::is_true) {
                continue;
            }
            let (Some(k @ J::Str { value: key, .. }), Some(v)) = (e.get("name"), e.get("value"))
            else {
                continue;
            };
            if looks_secret_name(key) || (headers && key.eq_ignore_ascii_case("cookie")) {
                self.secret(v);
            }
            fields.entries.push(Field {
                key: key.clone(),
                key_span: k.inner(),
                value: self.value_of(v),
            });
        }
        Some(fields)
    }

    /// An Insomnia `body`: its `text` (variables substituted as Insomnia does before
    /// sending), or its `params` as a form.
    fn insomnia_body(&mut self, body: &J, vars: &Vars) -> Option<Body> {
        if let Some(raw @ J::Str { .. }) = body.get("text") {
            let (text, _) = json::decode_mapped(self.text, &raw.span())?;
            let span = raw.inner();
            if text.is_empty() {
                return None;
            }
            if text.contains("{{") {
                return Some(match super::substitute_json(&text, vars, self) {
                    Some(t) => Body::Raw { text: t, span },
                    None => Body::Expr { text, span },
                });
            }
            return Some(Body::Raw { text, span });
        }
        let fields = self.insomnia_pairs(body.get("params"), false)?;
        Some(Body::Form { fields })
    }
}

/// Insomnia requests are reported; their rewrite is left to a person.
pub fn render_batch(items: &[(&HttpCall, &RewritePlan)]) -> Vec<Result<Vec<Edit>, String>> {
    items
        .iter()
        .map(|_| {
            Err("Insomnia requests are rewritten by hand (in Insomnia, then export again)".into())
        })
        .collect()
}

/// Insomnia v4 exports: their requests.
pub struct Insomnia;

impl crate::frontend::FrontEnd for Insomnia {
    fn languages(&self) -> &'static [crate::source::Language] {
        &[crate::source::Language::Insomnia]
    }

    fn of_path(&self, path: &std::path::Path) -> Option<crate::source::Language> {
        crate::frontend::detect::is_insomnia_name(path).then_some(crate::source::Language::Insomnia)
    }

    fn extract(
        &self,
        file: &crate::source::SourceFile,
        _context: &crate::frontend::Context,
    ) -> crate::call::Extraction {
        extract(&file.text)
    }

    fn syntax_error(
        &self,
        file: &crate::source::SourceFile,
    ) -> Option<(crate::call::Span, String)> {
        super::json::parse(&file.text).err()
    }
}

impl crate::frontend::Spell for Insomnia {
    fn spell(
        &self,
        _file: &crate::source::SourceFile,
        _parsed: &crate::call::Extraction,
        items: &[(&crate::call::HttpCall, &crate::model::plan::RewritePlan)],
    ) -> Vec<Result<Vec<crate::finding::Edit>, String>> {
        render_batch(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_environments_and_secrets() {
        let text = r#"{"_type": "export", "__export_format": 4, "resources": [
 {"_type": "environment", "data": {"base": "https://community.khoros.com"}},
 {"_type": "request", "method": "DELETE", "url": "{{ _.base }}/api/2.0/users/{{id}}",
  "headers": [{"name": "li-api-session-key", "value": "abcdef0123456789"}],
  "authentication": {"type": "bearer", "token": "tok0123456789"},
  "body": {"mimeType": "application/json", "text": "{\"a\": 1}"}},
 {"_type": "request_group", "name": "x"},
 {"_type": "request", "url": 3}
]}"#;
        assert!(sniff(text));
        let ex = extract(text);
        assert_eq!(ex.calls.len(), 1);
        let c = &ex.calls[0];
        assert_eq!(c.method.name.as_deref(), Some("DELETE"));
        assert_eq!(c.headers.entries.len(), 2);
        assert_eq!(ex.secrets.len(), 2);
        let lits: String = c
            .url
            .pieces
            .iter()
            .filter_map(|p| match p {
                crate::call::Piece::Lit { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(lits.contains("community.khoros.com"), "{lits}");
        for t in [
            "{",
            "[]",
            "{\"resources\": 3}",
            "{\"resources\": [{\"_type\": \"request\"}]}",
        ] {
            let _ = extract(t);
        }
        assert!(!sniff("{\"data\": []}"));
    }
}
