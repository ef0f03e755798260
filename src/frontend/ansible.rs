//! Ansible tasks: every `uri:` (or `ansible.builtin.uri:`) module call of a playbook or
//! a role's tasks is read as a request: `url`, `method` (GET when absent), `headers`,
//! `body` with `body_format: json` (a mapping, or JSON text) or `form-urlencoded` (a
//! mapping), and `url_username`/`url_password` (secrets when written literally).
//! Scalars written on one line and `|`/`>` block scalars are read (see [`yaml_tree`]).
//!
//! `{{ var }}` (a plain variable; any other Jinja expression is a hole) resolves as
//! Ansible resolves it, nearest first: the task's `vars:`, its blocks', the play's
//! `vars_files:` and `vars:`, a role's `vars/main.yml`, `host_vars/` and `group_vars/`
//! beside the playbook (or its parent folder), and a role's `defaults/main.yml`. A
//! literal of this file is the piece's own text (a fix edits it there); a value of
//! another file is the call's related location. A name the inventory files define
//! differently is a hole.
//!
//! Fixes: the literal edits of transforms, and request rewrites edited in place in the
//! task: the method (added when implied), the URL (kept up to the rewrite's cut, in the
//! scalar's own quoting), header entries, `body_format` and `body` (a block mapping), and
//! a response check as `register` + `failed_when`. A value the plan gets from one of its
//! functions is the variable named after the function (`{{ acme_token }}`), set by a
//! task before it; an environment variable is `{{ lookup('env', 'NAME') }}`.

use super::yaml_tree::{self, Node, Scalar, Unread};
use super::Extraction;
use crate::call::{
    Body, Client, Field, Fields, HttpCall, Method, Piece, Related, Span, UrlTemplate, Value, Via,
};
use crate::finding::Edit;
use crate::model::plan::{NewBody, Part, RValue, RewritePlan};
use crate::model::template::{self, Segment};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Whether a line of YAML text starts a `uri` module call (`uri:`,
/// `ansible.builtin.uri:`, also as a list item).
pub fn has_uri_task(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start().trim_start_matches("- ").trim_start();
        MODULE_KEYS
            .iter()
            .any(|k| t.strip_prefix(k).is_some_and(|r| r.starts_with(':')))
    })
}

const MODULE_KEYS: [&str; 3] = ["uri", "ansible.builtin.uri", "ansible.legacy.uri"];

/// A value written in another file (a vars file, `group_vars/`).
#[derive(Debug)]
struct Outside {
    value: String,
    path: PathBuf,
    span: Span,
    start: crate::model::source::Position,
    end: crate::model::source::Position,
}

/// Where a variable is defined.
#[derive(Clone, Debug)]
enum Def {
    /// A literal scalar of this file.
    Here(Span),
    There(Rc<Outside>),
    /// Defined, but not as a literal (an expression, a collection, ambiguous).
    Unknown,
}

/// Variable layers, outermost first.
type Scope = Vec<Rc<HashMap<String, Def>>>;

fn lookup<'s>(scope: &'s Scope, name: &str) -> Option<&'s Def> {
    scope.iter().rev().find_map(|l| l.get(name))
}

/// The top-level scalar variables of a YAML vars file.
fn read_vars_file(path: &Path) -> Option<HashMap<String, Rc<Outside>>> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > crate::resolve::MAX_MODULE_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let docs = yaml_tree::parse(&text).ok()?;
    let source = crate::source::SourceFile::new(
        path.to_path_buf(),
        text.clone(),
        crate::source::Language::Ansible,
    );
    let mut out = HashMap::new();
    for (k, _, v) in docs.first()?.entries() {
        if let Some(Scalar {
            value, span, exact, ..
        }) = v.scalar()
        {
            if *exact && !value.is_empty() {
                out.insert(
                    k.clone(),
                    Rc::new(Outside {
                        value: value.clone(),
                        path: path.to_path_buf(),
                        span: span.clone(),
                        start: source.position(span.start),
                        end: source.position(span.end),
                    }),
                );
            }
        }
    }
    Some(out)
}

/// The YAML files of a `group_vars`/`host_vars` folder: `all.yml`, `<name>.yml` and the
/// files of `<name>/` folders.
fn inventory_files(dir: &Path) -> Vec<PathBuf> {
    let yaml = |p: &Path| {
        p.extension().is_some_and(|e| e == "yml" || e == "yaml")
            || p.extension().is_none() && p.is_file()
    };
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries.into_iter().take(64) {
        if p.is_dir() {
            if let Ok(rd) = std::fs::read_dir(&p) {
                let mut inner: Vec<PathBuf> = rd
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file() && yaml(p))
                    .collect();
                inner.sort();
                out.extend(inner.into_iter().take(16));
            }
        } else if yaml(&p) {
            out.push(p);
        }
    }
    out
}

/// The folder a path is in (`.` for a bare name).
fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The folder of the role a tasks or handlers file belongs to (`roles/x/tasks/main.yml`).
fn role_dir(path: &Path) -> Option<PathBuf> {
    let dir = dir_of(path);
    let name = dir.file_name()?;
    (name == "tasks" || name == "handlers").then(|| dir_of(&dir))
}

/// The inventory variable files of a playbook: `host_vars/` and `group_vars/` beside it,
/// or beside its parent folder (a role's: beside the folder holding `roles/`).
fn inventory_var_files(path: &Path) -> Vec<PathBuf> {
    let mut base = dir_of(path);
    if let Some(role) = role_dir(path) {
        // roles/<name> → the folder holding `roles/`.
        base = dir_of(&dir_of(&role));
    }
    for dir in [base.clone(), base.join("..")] {
        let files: Vec<PathBuf> = ["group_vars", "host_vars"]
            .iter()
            .flat_map(|d| inventory_files(&dir.join(d)))
            .collect();
        if !files.is_empty() {
            return files;
        }
    }
    Vec::new()
}

/// A role's `vars/main.yml` and `defaults/main.yml` (either extension).
fn role_files(path: &Path, folder: &str) -> Vec<PathBuf> {
    let Some(role) = role_dir(path) else {
        return Vec::new();
    };
    ["main.yml", "main.yaml"]
        .iter()
        .map(|n| role.join(folder).join(n))
        .filter(|p| p.is_file())
        .collect()
}

/// The files named by `vars_files:` lists of a text (a line scan: the literal scan
/// only needs the names).
fn named_vars_files(path: &Path, text: &str) -> Vec<PathBuf> {
    let dir = dir_of(path);
    let mut out = Vec::new();
    let mut inside: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let t = line.trim();
        if let Some(col) = inside {
            if let Some(item) = t.strip_prefix("- ") {
                if indent >= col {
                    let name = item.trim().trim_matches(['"', '\'']);
                    if !name.contains("{{") && !name.is_empty() {
                        out.push(dir.join(name));
                    }
                    continue;
                }
            }
            if !t.is_empty() {
                inside = None;
            }
        }
        if t.trim_start_matches("- ").starts_with("vars_files:") {
            inside = Some(indent);
        }
    }
    out.truncate(32);
    out
}

/// The other files whose variables a playbook or task file uses (for the literal scan).
pub fn side_files(path: &Path, text: &str) -> Vec<PathBuf> {
    let mut out = inventory_var_files(path);
    out.extend(role_files(path, "vars"));
    out.extend(role_files(path, "defaults"));
    out.extend(named_vars_files(path, text));
    out.retain(|p| p != path);
    out
}

/// One layer from several files: a name they all give the same value is that value
/// (the first file's place); one they disagree on is unknown.
fn merged(files: &[PathBuf]) -> HashMap<String, Def> {
    let mut out: HashMap<String, Def> = HashMap::new();
    for f in files {
        for (k, v) in read_vars_file(f).unwrap_or_default() {
            match out.get(&k) {
                None => {
                    out.insert(k, Def::There(v));
                }
                Some(Def::There(o)) if o.value == v.value => {}
                Some(_) => {
                    out.insert(k, Def::Unknown);
                }
            }
        }
    }
    out
}

/// The layers that come from outside the file, outermost first.
fn outer_scope(path: Option<&Path>) -> Scope {
    let Some(path) = path else {
        return Vec::new();
    };
    let mut scope = Vec::new();
    for layer in [
        merged(&role_files(path, "defaults")),
        merged(&inventory_var_files(path)),
        merged(&role_files(path, "vars")),
    ] {
        if !layer.is_empty() {
            scope.push(Rc::new(layer));
        }
    }
    scope
}

/// The layer a mapping's `vars:` adds.
fn vars_layer(vars: &Node) -> HashMap<String, Def> {
    vars.entries()
        .iter()
        .map(|(name, _, value)| {
            let def = match value.scalar() {
                Some(s) if s.exact => Def::Here(s.span.clone()),
                _ => Def::Unknown,
            };
            (name.clone(), def)
        })
        .collect()
}

/// The layer a play's `vars_files:` adds (later files win).
fn vars_files_layer(list: &Node, dir: &Path) -> HashMap<String, Def> {
    let mut out = HashMap::new();
    for item in list.items() {
        let Some(name) = item.str().filter(|n| !n.contains("{{")) else {
            continue;
        };
        for (k, v) in read_vars_file(&dir.join(name)).unwrap_or_default() {
            out.insert(k, Def::There(v));
        }
    }
    out
}

/// The tasks (mappings) holding a `uri` module call, each with its variables.
fn tasks<'n>(node: &'n Node, scope: &Scope, dir: Option<&Path>, out: &mut Vec<(&'n Node, Scope)>) {
    match node {
        Node::Map(entries, _) => {
            let mut scope = scope.clone();
            if let Some(vars) = node.get("vars") {
                scope.push(Rc::new(vars_layer(vars)));
            }
            if let (Some(list), Some(dir)) = (node.get("vars_files"), dir) {
                scope.push(Rc::new(vars_files_layer(list, dir)));
            }
            if MODULE_KEYS
                .iter()
                .any(|k| matches!(node.get(k), Some(Node::Map(..))))
            {
                out.push((node, scope.clone()));
            }
            for (k, _, v) in entries {
                if k != "vars" {
                    tasks(v, &scope, dir, out);
                }
            }
        }
        Node::Seq(items, _) => items.iter().for_each(|i| tasks(i, scope, dir, out)),
        _ => {}
    }
}

/// Finds the `uri` requests of an Ansible YAML text (its own variables only).
pub fn extract(text: &str) -> Extraction {
    extract_in(text, None)
}

/// Finds the `uri` requests of the Ansible file at `path`, with the variables of its
/// vars files, role and inventory.
pub fn extract_at(text: &str, path: &Path) -> Extraction {
    extract_in(text, Some(path))
}

fn extract_in(text: &str, path: Option<&Path>) -> Extraction {
    let mut out = Extraction::default();
    let docs = match yaml_tree::parse(text) {
        Ok(docs) => docs,
        Err(Unread::Invalid(error)) => {
            out.syntax_error = Some(error);
            return out;
        }
        Err(Unread::TooDeep) => return out,
    };
    let outer = outer_scope(path);
    let dir = path.map(dir_of);
    let mut found = Vec::new();
    docs.iter()
        .for_each(|d| tasks(d, &outer, dir.as_deref(), &mut found));
    for (task, scope) in found {
        let Some(module) = MODULE_KEYS.iter().find_map(|k| task.get(k)) else {
            continue;
        };
        let r = Jinja {
            text,
            scope: &scope,
        };
        if let Some(call) = request(text, &r, task, module, &mut out.secrets) {
            out.calls.push(call);
        }
    }
    out.secrets.sort_by_key(|s| (s.start, s.end));
    out.secrets.dedup();
    out
}

/// `{{ var }}` in a scalar's text, resolved in a task's variables.
struct Jinja<'a> {
    text: &'a str,
    scope: &'a Scope,
}

/// A Jinja variable's name when it is a plain name (not an expression or a filter).
fn plain_name(name: &str) -> Option<&str> {
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then_some(name)
}

impl Jinja<'_> {
    /// The pieces of `text[span]`, with vias and related places of resolved variables.
    fn pieces(
        &self,
        span: &Span,
        vias: &mut Vec<Via>,
        related: &mut Vec<Related>,
        depth: usize,
    ) -> Vec<Piece> {
        let mut out = Vec::new();
        for segment in template::segments_at(&self.text[span.clone()], span.start) {
            let (expr, name, hole) = match segment {
                Segment::Lit { text, range } => {
                    out.push(Piece::exact(text, range));
                    continue;
                }
                Segment::Var { expr, name, range } => (expr, name, range),
            };
            match plain_name(name).and_then(|n| lookup(self.scope, n)) {
                Some(Def::Here(v)) if depth < 3 && !self.text[v.clone()].contains("{{") => {
                    vias.push(Via {
                        literal: v.clone(),
                        expr: expr.to_string(),
                    });
                    out.push(Piece::Lit {
                        text: self.text[v.clone()].to_string(),
                        span: v.clone(),
                        exact: true,
                    });
                }
                Some(Def::Here(v)) if depth < 3 => {
                    out.extend(self.pieces(v, vias, related, depth + 1))
                }
                Some(Def::There(o)) => match self.text_of(&o.value, 0) {
                    Some(value) => {
                        vias.push(Via {
                            literal: hole.clone(),
                            expr: expr.to_string(),
                        });
                        related.push(Related {
                            path: o.path.clone(),
                            span: o.span.clone(),
                            start: o.start,
                            end: o.end,
                            expr: expr.to_string(),
                            local: hole.clone(),
                            message: format!("`{expr}` is set here"),
                            beside: Vec::new(),
                            learned: false,
                        });
                        out.push(Piece::Lit {
                            text: value,
                            span: hole,
                            exact: false,
                        });
                    }
                    None => out.push(Piece::Hole {
                        expr: expr.to_string(),
                        span: hole,
                    }),
                },
                _ => out.push(Piece::Hole {
                    expr: expr.to_string(),
                    span: hole,
                }),
            }
        }
        out
    }

    /// A value's text with its `{{ var }}`s resolved, or `None` (Jinja refuses an
    /// unclosed `{{`).
    fn text_of(&self, value: &str, depth: usize) -> Option<String> {
        if depth > 3 || template::unclosed(value) {
            return None;
        }
        template::substitute(value, |name, _| {
            let inner = match lookup(self.scope, plain_name(name)?)? {
                Def::Here(v) => self.text[v.clone()].to_string(),
                Def::There(o) => o.value.clone(),
                Def::Unknown => return None,
            };
            self.text_of(&inner, depth + 1)
        })
    }

    fn value(&self, span: &Span) -> Value {
        let s = &self.text[span.clone()];
        if s.contains("{{") {
            Value::Expr {
                text: s.to_string(),
                span: span.clone(),
            }
        } else {
            Value::Str {
                value: s.to_string(),
                span: span.clone(),
            }
        }
    }

    /// The pieces of a scalar: its one line, or a block scalar's lines joined.
    fn scalar_pieces(
        &self,
        s: &Scalar,
        vias: &mut Vec<Via>,
        related: &mut Vec<Related>,
    ) -> Option<Vec<Piece>> {
        if s.exact {
            return Some(self.pieces(&s.span, vias, related, 0));
        }
        if s.lines.is_empty() {
            return None;
        }
        let sep = if s.style == yaml_tree::Style::Literal {
            "\n"
        } else {
            " "
        };
        let mut out = Vec::new();
        for (i, line) in s.lines.iter().enumerate() {
            if i > 0 {
                out.push(Piece::Lit {
                    text: sep.into(),
                    span: line.start..line.start,
                    exact: false,
                });
            }
            out.extend(self.pieces(line, vias, related, 0));
        }
        Some(out)
    }
}

fn value(r: &Jinja, node: &Node) -> Value {
    match node {
        Node::Scalar(s) if s.exact => match s.value.as_str() {
            "true" | "false" if s.plain() => Value::Bool {
                value: s.value == "true",
                span: s.span.clone(),
            },
            v if s.plain() && v.parse::<f64>().is_ok() => Value::Num {
                text: v.to_string(),
                span: s.span.clone(),
            },
            _ => r.value(&s.span),
        },
        Node::Map(entries, span) => Value::Object(fields(r, entries, span)),
        Node::Seq(items, span) => Value::Array {
            items: items.iter().map(|i| value(r, i)).collect(),
            span: span.clone(),
        },
        Node::Scalar(s) => Value::Expr {
            text: s.value.clone(),
            span: s.span.clone(),
        },
        Node::Other => Value::Expr {
            text: String::new(),
            span: 0..0,
        },
    }
}

fn fields(r: &Jinja, entries: &[(String, Span, Node)], span: &Span) -> Fields {
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
    r: &Jinja,
    task: &Node,
    module: &Node,
    secrets: &mut Vec<Span>,
) -> Option<HttpCall> {
    let url = module.get("url")?.scalar()?;
    let mut vias = Vec::new();
    let mut related = Vec::new();
    let pieces = r.scalar_pieces(url, &mut vias, &mut related)?;
    let method = match module.get("method").and_then(Node::scalar) {
        Some(m) => Method::known(
            &m.value.to_ascii_uppercase(),
            m.exact.then(|| m.span.clone()),
        ),
        None => Method::implied("GET"),
    };
    let mut call = HttpCall::new(
        Client::HttpFile,
        method,
        UrlTemplate {
            pieces,
            span: url.span.clone(),
        },
        url.span.clone(),
    );
    call.vias = vias;
    call.related = related;
    if let Node::Map(_, span) = task {
        call.scope = Some(span.clone());
    }
    call.query.span = url.span.clone();
    let module_span = match module {
        Node::Map(_, s) => s.clone(),
        _ => url.span.clone(),
    };
    call.headers.span = module_span;
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
        (Some(Node::Scalar(s)), _) if s.exact || !s.lines.is_empty() => {
            Some(if s.value.contains("{{") {
                Body::Expr {
                    text: s.value.clone(),
                    span: s.span.clone(),
                }
            } else {
                Body::Raw {
                    text: s.value.clone(),
                    span: s.span.clone(),
                }
            })
        }
        _ => None,
    };
    Some(call)
}

/// A literal value under a secret name (a header, `url_password`) is a secret.
fn secret(text: &str, key: &str, v: &Node, secrets: &mut Vec<Span>) {
    if let Some(span) = v.exact_span() {
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

/// A string of the plan as Ansible writes it: run-time values as Jinja.
fn part_text(p: &Part) -> Result<String, String> {
    Ok(match p {
        Part::Lit(s) => s.clone(),
        Part::Source { text, .. } => text.clone(),
        Part::Env(name) => format!("{{{{ lookup('env', '{name}') }}}}"),
        Part::Call { function, .. } => format!("{{{{ {function} }}}}"),
        Part::Param(name) => return Err(format!("`{name}` is no value here")),
    })
}

pub(crate) fn parts_text(parts: &[Part]) -> Result<String, String> {
    parts.iter().map(part_text).collect()
}

/// The new URL text: the old one up to the plan's cut (kept as written), the new path,
/// and the query parameters the plan keeps.
pub(crate) fn new_url(
    old: &str,
    inner: &Span,
    rw: &RewritePlan,
    text_of: &dyn Fn(&[Part]) -> Result<String, String>,
) -> Result<String, String> {
    let (path_end, query) = match old.find(['?', '#']) {
        Some(i) if old[i..].starts_with('?') => (i, Some(&old[i + 1..])),
        Some(i) => (i, None),
        None => (old.len(), None),
    };
    let mut new = String::new();
    match &rw.url {
        Some(nu) => {
            let cut = nu.cut.ok_or("the URL's path is not written literally")?;
            if !(inner.start <= cut && cut <= inner.start + path_end) {
                return Err("the URL is cut outside its text here".into());
            }
            new.push_str(&old[..cut - inner.start]);
            new.push_str(&text_of(&nu.path)?);
        }
        None => new.push_str(&old[..path_end]),
    }
    let kept: Vec<&str> = match query {
        Some(q) if !rw.drop_query => q
            .split('&')
            .filter(|pair| {
                let key = pair.split('=').next().unwrap_or("");
                !pair.is_empty() && !rw.drop_params.iter().any(|d| d == key)
            })
            .collect(),
        _ => Vec::new(),
    };
    if !kept.is_empty() {
        new.push('?');
        new.push_str(&kept.join("&"));
    }
    Ok(new)
}

/// `ArchiveOldRecords` → `archive_old_records`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 && !out.ends_with('_') {
            out.push('_');
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// A value of the plan as a Jinja literal.
fn jinja_literal(v: &RValue) -> String {
    match v {
        RValue::Bool(b) => b.to_string(),
        RValue::Num(n) => n.clone(),
        RValue::Null => "none".into(),
        RValue::Str(parts) => serde_json::to_string(&parts_text(parts).unwrap_or_default())
            .expect("strings serialise"),
        other => format!("{other:?}"),
    }
}

/// The edits of each rewrite of a `uri` task, or why it cannot be made.
pub fn render_batch(
    text: &str,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<Result<Vec<Edit>, String>> {
    let docs = yaml_tree::parse(text).map_err(|_| "the file does not parse".to_string());
    items
        .iter()
        .map(|(call, rw)| {
            let docs = docs.as_ref().map_err(Clone::clone)?;
            let mut found = Vec::new();
            docs.iter()
                .for_each(|d| tasks(d, &Vec::new(), None, &mut found));
            let (task, _) = found
                .into_iter()
                .find(|(task, _)| {
                    MODULE_KEYS.iter().any(|k| {
                        task.get(k)
                            .and_then(|m| m.get("url"))
                            .and_then(Node::scalar)
                            .is_some_and(|u| u.span == call.url.span)
                    })
                })
                .ok_or("the task was not found")?;
            let (key, module) = MODULE_KEYS
                .iter()
                .find_map(|k| task.entry(k))
                .ok_or("the task has no uri module")?;
            render_task(text, task, key, module, rw)
        })
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
        extract_at(&file.text, &file.path)
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
        file: &crate::source::SourceFile,
        _parsed: &crate::call::Extraction,
        items: &[(&crate::call::HttpCall, &crate::model::plan::RewritePlan)],
    ) -> Vec<Result<Vec<crate::finding::Edit>, String>> {
        render_batch(&file.text, items)
    }

    fn json_quoting(&self) -> crate::frontend::JsonQuoting {
        crate::frontend::quoting::by_hand
    }

    fn literal_edits(&self, _file: &crate::source::SourceFile) -> crate::frontend::LiteralEdits {
        crate::frontend::LiteralEdits::Yaml
    }
}

fn render_task(
    text: &str,
    task: &Node,
    module_key: &Span,
    module: &Node,
    rw: &RewritePlan,
) -> Result<Vec<Edit>, String> {
    let Node::Map(entries, span) = module else {
        return Err("the uri module's arguments are not a mapping".into());
    };
    if text[span.start..].starts_with('{') {
        return Err("the uri module's arguments are a flow mapping: edit them by hand".into());
    }
    let nl = yaml_tree::newline(text);
    let col = entries
        .first()
        .map(|(_, k, _)| yaml_tree::column(text, k.start))
        .ok_or("the uri module has no arguments")?;
    let pad = " ".repeat(col);
    let mut edits = Vec::new();
    // Lines added at the end of the module's arguments, and after them in the task.
    let mut inserts = String::new();
    let mut task_inserts = String::new();
    if let Some(m) = &rw.method {
        match module.get("method") {
            Some(v) if !v.str().is_some_and(|o| o.eq_ignore_ascii_case(m)) => {
                edits.push(yaml_tree::set_scalar(v, m)?);
            }
            Some(_) => {}
            None if m != "GET" => inserts.push_str(&format!("{pad}method: {m}{nl}")),
            None => {}
        }
    }
    if rw.url.is_some() || rw.drop_query || !rw.drop_params.is_empty() {
        let url = module.get("url").ok_or("the task has no url")?;
        let s = url
            .scalar()
            .filter(|s| s.exact)
            .ok_or("the URL is not a one-line scalar: rewrite it by hand")?;
        let new = new_url(&s.value, &s.span, rw, &parts_text)?;
        if new != s.value {
            edits.push(yaml_tree::set_scalar(url, &new)?);
        }
    }
    if !rw.set_headers.is_empty() || !rw.remove_headers.is_empty() {
        let mut set = Vec::new();
        for (name, parts) in &rw.set_headers {
            set.push((name.as_str(), parts_text(parts)?));
        }
        let removed = |k: &str| {
            rw.remove_headers.iter().any(|r| r.eq_ignore_ascii_case(k))
                && !set.iter().any(|(n, _)| n.eq_ignore_ascii_case(k))
        };
        match module.entry("headers") {
            Some((hk, Node::Map(hs, hspan))) if !text[hspan.start..].starts_with('{') => {
                let hcol = hs
                    .first()
                    .map_or(col + 2, |(_, k, _)| yaml_tree::column(text, k.start));
                let mut added = String::new();
                for (name, value) in &set {
                    match hs.iter().find(|(k, _, _)| k.eq_ignore_ascii_case(name)) {
                        Some((_, _, v)) => {
                            if v.str() != Some(value.as_str()) {
                                edits.push(yaml_tree::set_scalar(v, value)?);
                            }
                        }
                        None => added.push_str(&format!(
                            "{}{}: {}{nl}",
                            " ".repeat(hcol),
                            yaml_tree::scalar_text(name),
                            yaml_tree::scalar_text(value)
                        )),
                    }
                }
                for (k, ks, _) in hs {
                    if removed(k) {
                        edits.push(yaml_tree::remove_entry(text, ks.start)?);
                    }
                }
                if !added.is_empty() {
                    let at = yaml_tree::entry_end(text, hk.start);
                    if at == yaml_tree::entry_end(text, module_key.start) {
                        inserts.insert_str(0, &added);
                    } else {
                        edits.push(Edit {
                            span: at..at,
                            content: added,
                        });
                    }
                }
            }
            Some(_) => return Err("the headers are not a block mapping: edit them by hand".into()),
            None if !set.is_empty() => {
                inserts.push_str(&format!("{pad}headers:{nl}"));
                for (name, value) in &set {
                    inserts.push_str(&format!(
                        "{pad}  {}: {}{nl}",
                        yaml_tree::scalar_text(name),
                        yaml_tree::scalar_text(value)
                    ));
                }
            }
            None => {}
        }
    }
    if let Some(body) = &rw.body {
        let (value, format) = match body {
            NewBody::None => {
                for key in ["body", "body_format"] {
                    if let Some((k, _)) = module.entry(key) {
                        edits.push(yaml_tree::remove_entry(text, k.start)?);
                    }
                }
                (None, None)
            }
            NewBody::Json(v) => (Some(v.clone()), Some("json")),
            NewBody::Form(fields) => (
                Some(RValue::Object(fields.clone())),
                Some("form-urlencoded"),
            ),
        };
        if let (Some(value), Some(format)) = (value, format) {
            let block = yaml_tree::block_value(&value, col, &parts_text)?.replace('\n', nl);
            let line = format!("{pad}body:{block}{nl}");
            match module.entry("body") {
                Some((k, _)) => {
                    let mut e = yaml_tree::remove_entry(text, k.start)?;
                    e.content = line;
                    edits.push(e);
                }
                None => inserts.push_str(&line),
            }
            match module.get("body_format") {
                Some(v) if v.str() == Some(format) => {}
                Some(v) => edits.push(yaml_tree::set_scalar(v, format)?),
                None => inserts.push_str(&format!("{pad}body_format: {format}{nl}")),
            }
        }
    }
    if let Some(check) = &rw.check {
        if task.get("failed_when").is_none() {
            let task_pad = " ".repeat(yaml_tree::column(text, module_key.start));
            let name = match task.get("register").and_then(Node::str) {
                Some(r) => r.to_string(),
                None => {
                    let name = format!("{}_result", snake(&check.operation));
                    task_inserts.push_str(&format!("{task_pad}register: {name}{nl}"));
                    name
                }
            };
            let why = check.why.split_whitespace().collect::<Vec<_>>().join(" ");
            task_inserts.push_str(&format!(
                "{task_pad}# {why}{nl}{task_pad}failed_when: {name}.json.{} | default(none) != {}{nl}",
                check.dotted(),
                jinja_literal(&check.expected)
            ));
        }
    }
    if !inserts.is_empty() || !task_inserts.is_empty() {
        let at = yaml_tree::entry_end(text, module_key.start);
        let lead = if at == text.len() && !text.ends_with('\n') {
            nl
        } else {
            ""
        };
        edits.push(Edit {
            span: at..at,
            content: format!("{lead}{inserts}{task_inserts}"),
        });
    }
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    Ok(edits)
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
