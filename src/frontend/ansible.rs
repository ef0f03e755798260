//! Ansible tasks: every `uri:` (or `ansible.builtin.uri:`) module call of a playbook or
//! a role's tasks is read as a request: `url`, `method` (GET when absent), `headers`,
//! `body` with `body_format: json` (a mapping, or JSON text) or `form-urlencoded` (a
//! mapping), and `url_username`/`url_password` (secrets when written literally).
//! `{{ jinja }}` is resolved from literal `vars:` of the file (the `.http` front end's
//! resolver) and is a hole otherwise. The YAML is read by yaml-rust2's event parser;
//! positions are recovered for scalars written on one line (plain or quoted), and a
//! value written otherwise (folded, escaped) is not read. Fixes: the literal edits of
//! transforms in place; request rewrites are left to a person.

use super::http::Resolver;
use super::Extraction;
use crate::call::{Body, Client, Field, Fields, HttpCall, Method, Span, UrlTemplate, Value};
use crate::finding::Edit;
use crate::model::plan::RewritePlan;
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A YAML node with the byte span of its scalars.
#[derive(Debug)]
enum Node {
    /// Entries (key, key's span, value) and where the mapping starts and ends.
    Map(Vec<(String, Span, Node)>, Span),
    Seq(Vec<Node>, Span),
    /// A scalar; `span` is its text in the file (inside the quotes) when `exact`.
    Scalar {
        value: String,
        span: Span,
        exact: bool,
        plain: bool,
    },
    Other,
}

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries, _) => entries.iter().find(|(k, _, _)| k == key).map(|e| &e.2),
            _ => None,
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Node::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// Builds [`Node`]s from the parser's events (keys are the scalars at even places).
struct Builder<'t> {
    text: &'t str,
    /// Byte offset of each character (the parser's marks count characters).
    offsets: Vec<usize>,
    /// Open collections, each with its pending key (a mapping's key and its span).
    stack: Vec<(Node, Option<(String, Span)>)>,
    docs: Vec<Node>,
    /// Collections opened below [`MAX_DEPTH`]: not built, one `Node::Other` in their place.
    skipped: usize,
}

/// Nesting deeper than any playbook is not built (and the tree stays cheap to walk).
const MAX_DEPTH: usize = 64;

impl Builder<'_> {
    fn byte_at(&self, mark: &Marker) -> usize {
        self.offsets
            .get(mark.index())
            .copied()
            .unwrap_or(self.text.len())
    }

    fn push(&mut self, node: Node) {
        let Some((top, key)) = self.stack.last_mut() else {
            self.docs.push(node);
            return;
        };
        match top {
            Node::Seq(items, _) => items.push(node),
            Node::Map(entries, _) => match key.take() {
                Some((k, span)) => entries.push((k, span, node)),
                None => {
                    *key = Some(match node {
                        Node::Scalar { value, span, .. } => (value, span),
                        _ => (String::new(), 0..0),
                    })
                }
            },
            _ => {}
        }
    }

    fn scalar(&self, value: String, style: TScalarStyle, at: usize) -> Node {
        let rest = &self.text[at..];
        let (exact, start) = match style {
            TScalarStyle::Plain => (rest.starts_with(value.as_str()), at),
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
                let q = if style == TScalarStyle::SingleQuoted {
                    '\''
                } else {
                    '"'
                };
                let inner = rest.strip_prefix(q).unwrap_or("");
                (
                    inner.starts_with(value.as_str()) && inner[value.len()..].starts_with(q),
                    at + 1,
                )
            }
            _ => (false, at),
        };
        let exact = exact && !value.contains('\n');
        let span = if exact {
            start..start + value.len()
        } else {
            at..at
        };
        Node::Scalar {
            plain: style == TScalarStyle::Plain,
            value,
            span,
            exact,
        }
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = self.byte_at(&mark);
        match ev {
            Event::SequenceEnd | Event::MappingEnd if self.skipped > 0 => {
                self.skipped -= 1;
                if self.skipped == 0 {
                    self.push(Node::Other);
                }
            }
            _ if self.skipped > 0 => {
                if matches!(ev, Event::SequenceStart(..) | Event::MappingStart(..)) {
                    self.skipped += 1;
                }
            }
            Event::Scalar(value, style, _, _) => {
                let node = self.scalar(value, style, at);
                self.push(node);
            }
            Event::SequenceStart(..) => self.open(Node::Seq(Vec::new(), at..at)),
            Event::MappingStart(..) => self.open(Node::Map(Vec::new(), at..at)),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((mut node, _)) = self.stack.pop() {
                    if let Node::Map(_, span) | Node::Seq(_, span) = &mut node {
                        span.end = at.max(span.start);
                    }
                    self.push(node);
                }
            }
            Event::Alias(_) => self.push(Node::Other),
            _ => {}
        }
    }
}

impl Builder<'_> {
    fn open(&mut self, node: Node) {
        if self.stack.len() >= MAX_DEPTH {
            self.skipped = 1;
        } else {
            self.stack.push((node, None));
        }
    }
}

/// The documents of a YAML text, or `None` when it does not parse (or nests deeper
/// than any playbook).
fn parse(text: &str) -> Option<Vec<Node>> {
    // Block nesting grows with the column a line's content starts at (`- - -` items
    // included): text indented past any playbook is not handed to the YAML parser.
    let deep = text.lines().any(|l| {
        let t = l.trim_start_matches([' ', '-']);
        l.len() - t.len() > 4 * MAX_DEPTH
    });
    if deep || super::yaml_ci::syntax_check(text).is_some() {
        return None;
    }
    let mut b = Builder {
        text,
        offsets: text.char_indices().map(|(i, _)| i).collect(),
        stack: Vec::new(),
        docs: Vec::new(),
        skipped: 0,
    };
    Parser::new_from_str(text).load(&mut b, true).ok()?;
    Some(b.docs)
}

/// Whether a line of YAML text starts a `uri` module call (`uri:`,
/// `ansible.builtin.uri:`, also as a list item).
pub fn has_uri_task(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start().trim_start_matches("- ").trim_start();
        ["uri:", "ansible.builtin.uri:", "ansible.legacy.uri:"]
            .iter()
            .any(|k| t.starts_with(k))
    })
}

const MODULE_KEYS: [&str; 3] = ["uri", "ansible.builtin.uri", "ansible.legacy.uri"];

/// Literal `vars:` scalars anywhere in the file, by name.
fn collect_vars(node: &Node, out: &mut HashMap<String, Span>) {
    match node {
        Node::Map(entries, _) => {
            for (k, _, v) in entries {
                if k == "vars" {
                    if let Node::Map(vars, _) = v {
                        for (name, _, value) in vars {
                            if let Node::Scalar {
                                span, exact: true, ..
                            } = value
                            {
                                out.entry(name.clone()).or_insert_with(|| span.clone());
                            }
                        }
                    }
                }
                collect_vars(v, out);
            }
        }
        Node::Seq(items, _) => items.iter().for_each(|i| collect_vars(i, out)),
        _ => {}
    }
}

/// The tasks (mappings) holding a `uri` module call.
fn tasks<'n>(node: &'n Node, out: &mut Vec<&'n Node>) {
    match node {
        Node::Map(entries, _) => {
            if MODULE_KEYS
                .iter()
                .any(|k| matches!(node.get(k), Some(Node::Map(..))))
            {
                out.push(node);
            }
            for (_, _, v) in entries {
                tasks(v, out);
            }
        }
        Node::Seq(items, _) => items.iter().for_each(|i| tasks(i, out)),
        _ => {}
    }
}

/// Finds the `uri` requests of an Ansible YAML file.
pub fn extract(text: &str) -> Extraction {
    let mut out = Extraction::default();
    let Some(docs) = parse(text) else {
        return out;
    };
    let mut vars = HashMap::new();
    docs.iter().for_each(|d| collect_vars(d, &mut vars));
    let r = Resolver { text, vars: &vars };
    let mut found = Vec::new();
    docs.iter().for_each(|d| tasks(d, &mut found));
    for task in found {
        let Some(module) = MODULE_KEYS.iter().find_map(|k| task.get(k)) else {
            continue;
        };
        if let Some(call) = request(text, &r, task, module, &mut out.secrets) {
            out.calls.push(call);
        }
    }
    out
}

fn value(r: &Resolver, node: &Node) -> Value {
    match node {
        Node::Scalar {
            span,
            exact: true,
            plain,
            value,
        } => match value.as_str() {
            "true" | "false" if *plain => Value::Bool {
                value: value == "true",
                span: span.clone(),
            },
            v if *plain && v.parse::<f64>().is_ok() => Value::Num {
                text: v.to_string(),
                span: span.clone(),
            },
            _ => r.value(span),
        },
        Node::Map(entries, span) => Value::Object(fields(r, entries, span)),
        Node::Seq(items, span) => Value::Array {
            items: items.iter().map(|i| value(r, i)).collect(),
            span: span.clone(),
        },
        Node::Scalar { value, span, .. } => Value::Expr {
            text: value.clone(),
            span: span.clone(),
        },
        Node::Other => Value::Expr {
            text: String::new(),
            span: 0..0,
        },
    }
}

fn fields(r: &Resolver, entries: &[(String, Span, Node)], span: &Span) -> Fields {
    Fields {
        entries: entries
            .iter()
            .map(|(k, key_span, v)| Field {
                key: k.clone(),
                key_span: key_span.clone(),
                value: value(r, v),
            })
            .collect(),
        open: false,
        span: span.clone(),
    }
}

fn request(
    text: &str,
    r: &Resolver,
    task: &Node,
    module: &Node,
    secrets: &mut Vec<Span>,
) -> Option<HttpCall> {
    let Node::Scalar {
        span: url,
        exact: true,
        ..
    } = module.get("url")?
    else {
        return None;
    };
    let method = match module.get("method") {
        Some(Node::Scalar {
            value, span, exact, ..
        }) => Method::known(&value.to_ascii_uppercase(), exact.then(|| span.clone())),
        _ => Method::implied("GET"),
    };
    let mut vias = Vec::new();
    let pieces = r.pieces(url, &mut vias, 0);
    let mut call = HttpCall::new(
        Client::HttpFile,
        method,
        UrlTemplate {
            pieces,
            span: url.clone(),
        },
        url.clone(),
    );
    call.vias = vias;
    if let Node::Map(_, span) = task {
        call.scope = Some(span.clone());
    }
    call.query.span = url.clone();
    let module_span = match module {
        Node::Map(_, s) => s.clone(),
        _ => url.clone(),
    };
    call.headers.span = module_span.clone();
    if let Some(Node::Map(entries, span)) = module.get("headers") {
        call.headers = fields(r, entries, span);
        for (k, _, v) in entries {
            secret(text, k, v, secrets);
        }
    }
    for key in ["url_password", "client_key"] {
        if let Some(v) = module.get(key) {
            secret(text, key, v, secrets);
        }
    }
    let format = module
        .get("body_format")
        .and_then(Node::str)
        .unwrap_or("raw");
    call.body = match (module.get("body"), format) {
        (Some(Node::Map(entries, span)), "form-urlencoded") => Some(Body::Form {
            fields: fields(r, entries, span),
        }),
        (Some(Node::Map(entries, span)), _) => Some(Body::Json {
            value: Value::Object(fields(r, entries, span)),
        }),
        (
            Some(Node::Scalar {
                value,
                span,
                exact: true,
                ..
            }),
            _,
        ) => Some(if value.contains("{{") {
            Body::Expr {
                text: value.clone(),
                span: span.clone(),
            }
        } else {
            Body::Raw {
                text: value.clone(),
                span: span.clone(),
            }
        }),
        _ => None,
    };
    Some(call)
}

/// A literal value under a secret name (a header, `url_password`) is a secret.
fn secret(text: &str, key: &str, v: &Node, secrets: &mut Vec<Span>) {
    if let Node::Scalar {
        span, exact: true, ..
    } = v
    {
        let value = &text[span.clone()];
        if crate::secrets::is_secret_name(key)
            && !crate::secrets::is_placeholder(value)
            && !value.contains("{{")
        {
            secrets.push(span.clone());
        }
    }
}

/// `#` comment lines, and ` #` comments after a value outside quotes.
pub fn comments(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let mut quote = None;
        let mut prev = ' ';
        for (i, c) in body.char_indices() {
            match (quote, c) {
                (None, '\'' | '"') if prev == ' ' || prev == ':' => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '#') if prev == ' ' || prev == '\t' || i == 0 => {
                    out.push(at + i..at + body.len());
                    break;
                }
                _ => {}
            }
            prev = c;
        }
        at += line.len();
    }
    out
}

/// `uri` tasks are reported; their rewrite is left to a person.
pub fn render_batch(items: &[(&HttpCall, &RewritePlan)]) -> Vec<Result<Vec<Edit>, String>> {
    items
        .iter()
        .map(|_| Err("Ansible tasks are rewritten by hand (edit the uri task)".into()))
        .collect()
}

/// Ansible playbooks and task files: their `uri` module calls.
pub struct Ansible;

impl crate::frontend::FrontEnd for Ansible {
    fn languages(&self) -> &'static [crate::source::Language] {
        &[crate::source::Language::Ansible]
    }

    fn of_path(&self, path: &std::path::Path) -> Option<crate::source::Language> {
        crate::frontend::detect::is_ansible_path(path).then_some(crate::source::Language::Ansible)
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
        super::yaml_ci::syntax_check(&file.text)
    }

    fn comments(&self, file: &crate::source::SourceFile) -> Vec<crate::call::Span> {
        comments(&file.text)
    }
}

impl crate::frontend::Spell for Ansible {
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
    fn a_uri_task_with_vars_headers_and_body() {
        let text = "- hosts: all\n  vars:\n    base: https://securid.acme.com\n  tasks:\n    - name: mark\n      ansible.builtin.uri:\n        url: \"{{ base }}/AdminInterface/restapi/v1/users/{{ id }}/markDeleted\"\n        method: PUT\n        headers:\n          Authorization: Bearer abcdef0123456789\n        body_format: json\n        body:\n          markDeleted: \"true\"\n          n: 3\n        url_password: hunter2hunter2\n";
        assert!(has_uri_task(text));
        let ex = extract(text);
        assert_eq!(ex.calls.len(), 1);
        let c = &ex.calls[0];
        assert_eq!(c.method.name.as_deref(), Some("PUT"));
        assert_eq!(c.vias.len(), 1);
        assert_eq!(c.headers.entries.len(), 1);
        assert_eq!(ex.secrets.len(), 2);
        let Some(Body::Json {
            value: Value::Object(f),
        }) = &c.body
        else {
            panic!("{:?}", c.body)
        };
        let Some(Value::Str { span, .. }) = f.get("markDeleted").map(|f| &f.value) else {
            panic!()
        };
        assert_eq!(&text[span.clone()], "true");
        assert!(!has_uri_task("- name: x\n  debug:\n    msg: uri\n"));
        // Nesting far past any playbook is not built, and nothing overflows.
        let deep = format!("{}uri: {{url: x}}\n", "- ".repeat(5000));
        assert!(extract(&deep).calls.is_empty());
        let flow = format!(
            "- uri:\n    url: https://x/y\n    body: {}{}\n",
            "[".repeat(150),
            "]".repeat(150)
        );
        assert_eq!(extract(&flow).calls.len(), 1);
        for t in [
            "",
            "- uri:\n",
            "uri: 3\n",
            "- uri:\n    url: [a\n",
            "{{",
            "- uri:\n    url: >\n      a\n",
        ] {
            let _ = extract(t);
        }
    }
}
