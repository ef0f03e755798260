//! Module-level code a rewrite needs, written once per file: a constant the plan
//! hoists (a GraphQL document) and the helper functions it calls, placed after the
//! file's imports (or the helpers already there).

use super::super::scope::Scopes;
use super::style::line_end;
use super::syntax::{escape_template, scope_at, string_value};
use super::Renderer;
use crate::call::HttpCall;
use crate::finding::Edit;
use crate::frontend::fields::ChildField as _;
use crate::model::plan::{camel_case, FunctionPlan, NewBody, Part, RValue, Returns, RewritePlan};
use crate::source::Language;
use tree_sitter::Node;

/// A body value the plan keeps in a constant (a GraphQL document), written once at
/// module level rather than in every call.
pub(super) struct Hoisted {
    /// The rewrite with the body's `query` written as the constant's name.
    pub(super) rewrite: RewritePlan,
    pub(super) name: String,
    pub(super) query: String,
    /// The constant is not in the file yet.
    pub(super) insert: bool,
}

pub(super) fn hoist_graphql_query<'t>(
    rewrite: &RewritePlan,
    declarators: &[Node],
    text: &str,
    scopes: &Scopes<'t>,
    node: Node<'t>,
) -> Option<Hoisted> {
    let Some(NewBody::Json(body)) = &rewrite.body else {
        return None;
    };
    // A body field whose value the plan keeps in a constant.
    let (field, constant) = rewrite.constant_fields(body).next()?;
    let field = field.to_string();
    let name = constant.name.clone();
    let query = constant.value.clone();
    // The name may already hold this document at top level; it must not mean something
    // else at the call.
    let mut existing = None;
    for d in declarators {
        let Some(n) = d.field("name") else {
            continue;
        };
        if text[n.byte_range()] != name {
            continue;
        }
        let same = d
            .field("value")
            .and_then(|v| string_value(v, text))
            .is_some_and(|v| v == query);
        if !same {
            return None;
        }
        existing = Some(n);
    }
    let here = scope_at(scopes, node);
    let bound = scopes.lookup(&name, here);
    match existing {
        Some(n) if bound.is_none() || bound != scopes.binding_of(n) => return None,
        None if bound.is_some() => return None,
        _ => {}
    }
    let mut rw = rewrite.clone();
    if let Some(NewBody::Json(RValue::Object(entries))) = &mut rw.body {
        for (k, v) in entries.iter_mut() {
            if *k == field {
                *v = RValue::Str(vec![Part::Source {
                    text: name.clone(),
                    span: node.start_byte()..node.start_byte(),
                }]);
            }
        }
    }
    Some(Hoisted {
        rewrite: rw,
        name,
        query,
        insert: existing.is_none(),
    })
}

/// The declarators of the file's top-level `const`/`let`/`var` statements.
pub(super) fn top_level_declarators(root: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut c = root.walk();
    for child in root.named_children(&mut c) {
        if matches!(
            child.kind_name(),
            "lexical_declaration" | "variable_declaration"
        ) {
            let mut dc = child.walk();
            out.extend(child.named_children(&mut dc));
        }
    }
    out
}

impl Renderer<'_> {
    /// The functions the plan calls that the file does not have yet.
    pub(super) fn helper_blocks(&self) -> Vec<String> {
        let missing = self
            .rw
            .functions_to_insert(self.text, |f| format!("function {}", camel_case(&f.name)));
        if missing.is_empty() {
            return Vec::new();
        }
        // The file's own axios when it has one, else fetch.
        let axios = axios_binding(self.root, self.text);
        missing
            .into_iter()
            .map(|f| self.function_block(f, axios.as_deref()))
            .collect()
    }

    /// A function plan as an async function: one request, its JSON response, the
    /// value it returns (cached per origin when the plan says so).
    pub(super) fn function_block(&self, f: &FunctionPlan, axios: Option<&str>) -> String {
        let ts = matches!(self.language, Language::TypeScript | Language::Tsx);
        let u = self.unit;
        let name = camel_case(&f.name);
        let params: Vec<String> = f.params.iter().map(|p| camel_case(p)).collect();
        let base = params.first().cloned().unwrap_or_default();
        let signature = params
            .iter()
            .map(|p| {
                if ts {
                    format!("{p}: string")
                } else {
                    p.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let ret = if ts { ": Promise<string>" } else { "" };
        let url = format!("`${{{base}}}{}`", escape_template(&f.path));
        let field = f.returns.field();
        let first = matches!(f.returns, Returns::FirstItemField { .. });
        let item_type = format!("Array<{{ {field}: string }}>");
        let headers = |lead: &str| -> Option<String> {
            let mut all: Vec<String> = Vec::new();
            if !f.body.is_empty() && axios.is_none() {
                all.push(format!(
                    "{}: {}",
                    self.key_text("Content-Type"),
                    self.string("application/json")
                ));
            }
            for (k, v) in &f.headers {
                all.push(format!("{}: {}", self.key_text(k), self.parts(v)));
            }
            (!all.is_empty()).then(|| format!("{lead}headers: {{ {} }},\n", all.join(", ")))
        };
        let fields = |lead: &str| -> String {
            f.body
                .iter()
                .map(|(k, v)| format!("{lead}{}: {},\n", self.key_text(k), self.value(v, lead)))
                .collect()
        };
        let what = escape_template(&f.what);
        let mut request = String::new();
        let list = match axios {
            Some(ax) => {
                let method = f.method.to_ascii_lowercase();
                let generic = if ts && first {
                    format!("<{item_type}>")
                } else {
                    String::new()
                };
                request.push_str(&format!(
                    "{u}const {{ data }} = await {ax}.{method}{generic}({url}, {{\n"
                ));
                if !f.body.is_empty() {
                    request.push_str(&fields(&format!("{u}{u}")));
                } else {
                    if !f.query.is_empty() {
                        let q: Vec<String> = f
                            .query
                            .iter()
                            .map(|(k, v)| format!("{}: {}", self.key_text(k), self.parts(v)))
                            .collect();
                        request.push_str(&format!("{u}{u}params: {{ {} }},\n", q.join(", ")));
                    }
                    request.extend(headers(&format!("{u}{u}")));
                }
                request.push_str(&format!("{u}}});\n"));
                "data"
            }
            None => {
                let mut url = url;
                if !f.query.is_empty() {
                    let q: Vec<String> = f
                        .query
                        .iter()
                        .map(|(k, v)| {
                            let v = match v.as_slice() {
                                [Part::Lit(t)] => escape_template(t),
                                _ => format!("${{encodeURIComponent({})}}", self.parts(v)),
                            };
                            format!("{}={v}", escape_template(k))
                        })
                        .collect();
                    url.pop();
                    url = format!("{url}?{}`", q.join("&"));
                }
                request.push_str(&format!("{u}const res = await fetch({url}, {{\n"));
                if f.method != "GET" {
                    request.push_str(&format!("{u}{u}method: {},\n", self.string(&f.method)));
                }
                request.extend(headers(&format!("{u}{u}")));
                if !f.body.is_empty() {
                    request.push_str(&format!(
                        "{u}{u}body: JSON.stringify({{\n{}{u}{u}}}),\n",
                        fields(&format!("{u}{u}{u}"))
                    ));
                }
                request.push_str(&format!(
                    "{u}}});\n{u}if (!res.ok) throw new Error(`{what} failed: ${{res.status}}`);\n"
                ));
                let var = if first { "users" } else { "data" };
                let cast = match (ts, first, &f.cache) {
                    (false, _, _) => "await res.json()".to_string(),
                    (true, true, _) => format!("(await res.json()) as {item_type}"),
                    (true, false, Some(c)) => format!(
                        "(await res.json()) as {{ {field}: string; {}: number }}",
                        c.expires_in
                    ),
                    (true, false, None) => format!("(await res.json()) as {{ {field}: string }}"),
                };
                request.push_str(&format!("{u}const {var} = {cast};\n"));
                var
            }
        };
        let mut body = String::new();
        match &f.returns {
            Returns::FirstItemField { missing, .. } => {
                body.push_str(&request);
                body.push_str(&format!(
                    "{u}const user = {list}[0];\n{u}if (!user) throw new Error({});\n{u}return user.{field};\n",
                    self.parts(missing)
                ));
            }
            Returns::Field(_) => {
                let annotation = if ts && axios.is_some() {
                    ": string"
                } else {
                    ""
                };
                request.push_str(&format!("{u}const token{annotation} = {list}.{field};\n"));
                match &f.cache {
                    Some(c) => {
                        let cache = format!("{name}s");
                        body.push_str(&format!(
                            "{u}const cached = {cache}.get({base});\n{u}if (cached && cached.expires > Date.now()) return cached.token;\n{request}{u}{cache}.set({base}, {{ token, expires: Date.now() + (Number({list}.{}) - {}) * 1000 }});\n{u}return token;\n",
                            c.expires_in, c.margin_seconds
                        ));
                    }
                    None => {
                        body.push_str(&request);
                        body.push_str(&format!("{u}return token;\n"));
                    }
                }
            }
        }
        let cache = match &f.cache {
            Some(_) => {
                let map = if ts {
                    "new Map<string, { token: string; expires: number }>()"
                } else {
                    "new Map()"
                };
                format!("const {name}s = {map};\n")
            }
            None => String::new(),
        };
        let cached = if f.cache.is_some() {
            ", cached until shortly before it expires"
        } else {
            ""
        };
        format!(
            "// {}{cached}.\n{cache}async function {name}({signature}){ret} {{\n{body}}}",
            f.doc
        )
    }

    /// Inserts module-level code after the file's imports (or helpers), with one blank
    /// line before and after it.
    pub(super) fn top_level_edit(&self, blocks: &[String]) -> Edit {
        crate::frontend::insert::module_code(self.text, self.style.insert_at, blocks, 1)
    }
}

/// After helpers already in the file, else after the last top-level import or
/// `require`, else after directives, a shebang and the file's opening comments.
pub(super) fn insertion_point(root: Node, text: &str, heads: &[String]) -> usize {
    let mut c = root.walk();
    let children: Vec<Node> = root.children(&mut c).collect();
    let end_of_line = |at: usize| -> usize {
        // Keep a trailing comment on the same line.
        match text[at..].find('\n') {
            Some(nl) if text[at..at + nl].trim_start().starts_with("//") => line_end(text, at),
            _ => at,
        }
    };
    let helper = |n: &Node| {
        let src = &text[n.start_byte()..n.end_byte()];
        heads.iter().any(|h| src.starts_with(h.as_str()))
    };
    if let Some(last) = children.iter().rfind(|n| helper(n)) {
        return end_of_line(last.end_byte());
    }
    if let Some(last) = children.iter().rfind(|n| is_import(**n, text)) {
        return end_of_line(last.end_byte());
    }
    let mut at = 0;
    for child in &children {
        let src = &text[child.start_byte()..child.end_byte()];
        let directive = child.kind_name() == "expression_statement"
            && (src.starts_with("'use strict'") || src.starts_with("\"use strict\""));
        if directive || child.kind_name() == "hash_bang_line" || child.kind_name() == "comment" {
            at = end_of_line(child.end_byte());
        } else {
            break;
        }
    }
    at
}

/// How the functions the plans insert begin (their cache, their declaration).
pub(super) fn function_heads(items: &[(&HttpCall, &RewritePlan)]) -> Vec<String> {
    let mut heads = Vec::new();
    for (_, plan) in items {
        for f in &plan.functions {
            let name = camel_case(&f.name);
            if f.cache.is_some() {
                heads.push(format!("const {name}s"));
            }
            heads.push(format!("async function {name}("));
        }
    }
    heads
}

/// `import …`, `const x = require('m')` (also `require('m').y`, `require('m')(opts)`).
pub(super) fn is_import(n: Node, text: &str) -> bool {
    match n.kind_name() {
        "import_statement" => true,
        "lexical_declaration" | "variable_declaration" => {
            let mut c = n.walk();
            let decls: Vec<Node> = n
                .named_children(&mut c)
                .filter(|d| d.kind_name() == "variable_declarator")
                .collect();
            !decls.is_empty()
                && decls.iter().all(|d| {
                    let mut v = d.field("value");
                    while let Some(x) = v {
                        match x.kind_name() {
                            "call_expression" => {
                                let f = x.field("function");
                                if f.is_some_and(|f| {
                                    f.kind_name() == "identifier"
                                        && &text[f.byte_range()] == "require"
                                }) {
                                    return true;
                                }
                                v = f;
                            }
                            "member_expression" => v = x.field("object"),
                            "await_expression" | "parenthesized_expression" => v = x.named_child(0),
                            _ => return false,
                        }
                    }
                    false
                })
        }
        _ => false,
    }
}

/// The name the file binds axios to (`const axios = require('axios')`, `import http from 'axios'`).
pub(super) fn axios_binding(root: Node, text: &str) -> Option<String> {
    module_binding(root, text, &["axios"])
}

/// The name the file binds one of `modules` to, with a top-level import or `require`.
pub(super) fn module_binding(root: Node, text: &str, modules: &[&str]) -> Option<String> {
    let mut c = root.walk();
    for child in root.children(&mut c) {
        let src = &text[child.start_byte()..child.end_byte()];
        let names = modules
            .iter()
            .any(|m| src.contains(&format!("'{m}'")) || src.contains(&format!("\"{m}\"")));
        if !names || !is_import(child, text) {
            continue;
        }
        let rest = ["import ", "const ", "let ", "var "]
            .iter()
            .find_map(|kw| src.strip_prefix(kw));
        if let Some(rest) = rest {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                .collect();
            if !name.is_empty() {
                return Some(name);
            }
        }
    }
    None
}
