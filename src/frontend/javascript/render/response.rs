//! `await` and the plan's check of the response body.

use super::module_code::module_binding;
use super::style::line_indent;
use super::syntax::{arguments, callee, escape_template, named_children};
use super::Renderer;
use crate::call::Client;
use crate::frontend::fields::ChildField as _;
use crate::model::plan::{NewBody, Part, RValue};
use tree_sitter::Node;

impl<'a> Renderer<'a> {
    pub(super) fn uses_await(&self) -> bool {
        let in_parts = |parts: &[Part]| parts.iter().any(|p| matches!(p, Part::Call { .. }));
        fn in_value(v: &RValue, f: &dyn Fn(&[Part]) -> bool) -> bool {
            match v {
                RValue::Str(p) => f(p),
                RValue::Array(items) => items.iter().any(|i| in_value(i, f)),
                RValue::Object(e) => e.iter().any(|(_, v)| in_value(v, f)),
                _ => false,
            }
        }
        self.rw.url.as_ref().is_some_and(|u| in_parts(&u.path))
            || self.rw.set_headers.iter().any(|(_, p)| in_parts(p))
            || match &self.rw.body {
                Some(NewBody::Json(v)) => in_value(v, &in_parts),
                Some(NewBody::Form(f)) => f.iter().any(|(_, v)| in_value(v, &in_parts)),
                _ => false,
            }
    }

    pub(super) fn await_allowed(&self, node: Node<'a>) -> bool {
        let mut cur = self.scopes.parents.of(node);
        while let Some(n) = cur {
            match n.kind_name() {
                "function_declaration"
                | "function_expression"
                | "function"
                | "arrow_function"
                | "method_definition"
                | "generator_function_declaration" => {
                    let mut c = n.walk();
                    let is_async = n.children(&mut c).any(|ch| ch.kind_name() == "async");
                    return is_async;
                }
                "program" => {
                    // Top-level await: ES modules only.
                    let mut c = n.walk();
                    return n.children(&mut c).any(|ch| {
                        matches!(ch.kind_name(), "import_statement" | "export_statement")
                    });
                }
                _ => cur = self.scopes.parents.of(n),
            }
        }
        false
    }

    /// The plan's check of the response body: a request can succeed at the HTTP level
    /// and still not have done its work.
    pub(super) fn check_response(&mut self, node: Node<'a>) {
        let unit = self.unit;
        let Some(check) = self.rw.check.as_ref() else {
            return;
        };
        let field: String = check
            .path
            .iter()
            .map(|k| {
                if self.key_text(k) == *k {
                    format!("?.{k}")
                } else {
                    format!("?.[{}]", self.string(k))
                }
            })
            .collect();
        let expected = self.value(&check.expected, "");
        let failure = escape_template(&check.failure());
        let judge = |body: &str, result: &str| {
            vec![
                format!("if ({result}{field} !== {expected}) {{"),
                format!("{unit}throw new Error(`{failure}: ${{JSON.stringify({body})}}`);"),
                "}".to_string(),
            ]
        };
        // What the call's result is used through.
        let next = self
            .scopes
            .parents
            .of(node)
            .filter(|p| p.kind_name() == "member_expression")
            .and_then(|p| p.field("property").map(|prop| (p, self.src(prop))));
        let (at, lead_node, param, asyncness, stmts) = match (self.call.client, next) {
            // `got(…).json()` / `ky(…).json()`: judge the parsed body after it.
            (Client::Got | Client::Ky, Some((member, "json"))) => {
                let Some(json_call) = self
                    .scopes
                    .parents
                    .of(member)
                    .filter(|c| c.kind_name() == "call_expression")
                else {
                    return;
                };
                let mut s = judge("body", "body");
                s.push("return body;".into());
                (json_call.end_byte(), json_call, "body", "", s)
            }
            (_, Some((_, "then" | "catch" | "finally"))) | (_, None) => {
                let (param, asyncness, mut s) = match self.call.client {
                    Client::Fetch | Client::Ky => (
                        "res",
                        "async ",
                        vec!["const body = await res.clone().json();".to_string()],
                    ),
                    Client::Axios | Client::MethodCall => ("res", "", Vec::new()),
                    Client::Got => (
                        "res",
                        "",
                        vec![format!(
                            "const body = typeof res.body === {} ? JSON.parse(res.body) : res.body;",
                            self.string("string")
                        )],
                    ),
                    Client::Superagent | Client::Supertest => ("res", "", Vec::new()),
                    Client::JQuery => ("data", "", Vec::new()),
                    // request-promise resolves with the (parsed) body.
                    Client::Request if self.is_request_promise(node) => ("body", "", Vec::new()),
                    // Callback-style clients: the check is left to the person (AUR003 says so).
                    _ => return,
                };
                let (body, result) = match self.call.client {
                    Client::Axios | Client::MethodCall => ("res.data", "res.data"),
                    Client::Superagent | Client::Supertest => ("res.body", "res.body"),
                    Client::JQuery => ("data", "data"),
                    _ => ("body", "body"),
                };
                if self.call.client == Client::Request
                    && self.src(node).contains("resolveWithFullResponse")
                {
                    return;
                }
                s.extend(judge(body, result));
                s.push(format!("return {param};"));
                (node.end_byte(), node, param, asyncness, s)
            }
            // Other methods on the request object (`.expect()`, `.pipe()`): a `.then`
            // in between would break them; AUR003 leaves the check to the person.
            _ => return,
        };
        let (lead, ind) = match self.continuation_indent(lead_node) {
            Some(ci) => (format!("\n{ci}"), ci),
            None => (String::new(), line_indent(self.text, node.start_byte())),
        };
        let mut s = format!("{lead}.then({asyncness}({param}) => {{\n");
        for st in &stmts {
            s.push_str(&format!("{ind}{unit}{st}\n"));
        }
        s.push_str(&format!("{ind}}})"));
        self.insert(at, s);
    }

    /// A request-promise call that returns its promise (no callback argument).
    pub(super) fn is_request_promise(&self, node: Node) -> bool {
        let Some(name) = module_binding(
            self.root,
            self.text,
            &[
                "request-promise",
                "request-promise-native",
                "request-promise-any",
            ],
        ) else {
            return false;
        };
        let mut f = callee(node);
        while let Some(m) = f.filter(|m| m.kind_name() == "member_expression") {
            f = m.field("object");
        }
        // `rp(opts, callback)`: a callback as the last of several arguments.
        let args = arguments(node).map(named_children).unwrap_or_default();
        let callback = args.len() > 1
            && args.last().is_some_and(|n| {
                matches!(
                    n.kind_name(),
                    "arrow_function" | "function_expression" | "function" | "identifier"
                )
            });
        f.is_some_and(|f| f.kind_name() == "identifier" && self.src(f) == name) && !callback
    }

    /// The indentation of a chain written one link per line around `node`: the link
    /// after it starts a line, or its own last link does.
    pub(super) fn continuation_indent(&self, node: Node<'a>) -> Option<String> {
        if let Some(p) = self
            .scopes
            .parents
            .of(node)
            .filter(|p| p.kind_name() == "member_expression")
        {
            let prop = p.field("property")?;
            if self.text[node.end_byte()..prop.start_byte()].contains('\n') {
                return Some(line_indent(self.text, prop.start_byte()));
            }
            return None;
        }
        let f = callee(node)?;
        if f.kind_name() == "member_expression" {
            let obj = f.field("object")?;
            let prop = f.field("property")?;
            if obj.kind_name() == "call_expression"
                && self.text[obj.end_byte()..prop.start_byte()].contains('\n')
            {
                return Some(line_indent(self.text, prop.start_byte()));
            }
        }
        None
    }
}
