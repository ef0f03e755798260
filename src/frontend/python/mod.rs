//! Python front end (tree-sitter-python).
//!
//! One parse, then:
//! 1. [`scope`] records what each name is bound to in each scope (module, class body,
//!    function), attributes set on `self`, items set on dicts, and the imports;
//! 2. every `call` node is tried against the known call shapes ([`clients`]: requests,
//!    httpx, aiohttp, urllib, Janrain SDK RPC calls), resolving URLs and data through
//!    those bindings ([`resolve`]);
//! 3. string literals are checked for credentials ([`secrets`]).
//!
//! Not for: guessing. What is not bound in this file stays a `Piece::Hole` or a
//! `Value::Expr` showing the expression as written.

mod bases;
mod clients;
mod modules;
pub mod render;
mod resolve;
mod scope;
mod secrets;
mod wrappers;

use super::parents::{Parents, Step};
use super::Extraction;
use crate::call::Span;
use crate::frontend::fields::ChildField as _;
use std::cell::RefCell;
use tree_sitter::{Parser, Tree};

pub(crate) use clients::Found;

/// Extracts the HTTP calls, secrets and first syntax error of a Python file.
pub fn extract(text: &str) -> Extraction {
    extract_in(text, None, None)
}

/// [`extract`] for a file at `path` of the run's project: names imported from the
/// project's other modules are resolved through `index` (see [`crate::resolve`]).
/// `earlier` is the tree of an earlier version, edited to match (see
/// [`crate::source::SourceFile::tree`]).
pub fn extract_in(
    text: &str,
    project: Option<(&crate::resolve::ProjectIndex, &std::path::Path)>,
    earlier: Option<&Tree>,
) -> Extraction {
    let Some(tree) = parse_from(text, earlier) else {
        return Extraction::default();
    };
    let (found, secrets, syntax_error) = analyse_in(text, &tree, project, true);
    let (calls, syntax): (Vec<_>, Vec<_>) = found.into_iter().map(Found::split).unzip();
    Extraction {
        calls,
        secrets,
        syntax_error,
        tree: Some(tree),
        tree_is_exact: true,
        analysis: Some(Box::new(Analysis { syntax })),
    }
}

/// What the extraction hands the speller: the syntax of every call it found, so that
/// rendering a rewrite does not analyse the file again.
struct Analysis {
    syntax: Vec<clients::CallSyntax>,
}

/// The calls of a parsed file (with what the renderer needs) and its secrets.
pub(crate) fn analyse(text: &str, tree: &Tree) -> (Vec<Found>, Vec<Span>) {
    let (found, secrets, _) = analyse_in(text, tree, None, false);
    (found, secrets)
}

/// [`analyse`] inside the run's project index, and the first syntax error when
/// `syntax` asks for it.
fn analyse_in(
    text: &str,
    tree: &Tree,
    project: Option<(&crate::resolve::ProjectIndex, &std::path::Path)>,
    syntax: bool,
) -> (Vec<Found>, Vec<Span>, Option<(Span, String)>) {
    let root = tree.root_node();
    // The scopes on one core; on the other, one walk over every node for the parent
    // map, the calls and the strings (which the call shapes and the secret scan then
    // read without walking the file again), and the syntax error.
    let (scopes, ((parents, walked), syntax_error)) = crate::isolate::join(
        text.len(),
        || scope::Scopes::collect(root, text),
        || {
            let walked = walk(root);
            let error = syntax
                .then(|| super::tree_syntax_error(root, text, super::ErrorToken::First))
                .flatten();
            (walked, error)
        },
    );
    let scopes = scopes.with_parents(parents);
    let mut resolver = resolve::Resolver::new(text, &scopes);
    resolver.project = project.map(|(index, path)| resolve::Project {
        index,
        path,
        depth: 0,
    });
    let calls = clients::Calls::new(&resolver);
    let mut found = Vec::new();
    for &n in &walked.calls {
        crate::isolate::checkpoint();
        resolver.reset_branches();
        if let Some(mut f) = calls.call(n) {
            // A URL with alternatives: one request per combination of the
            // alternatives met (at most MAX_VARIANTS), each saying which it is.
            let branches = resolver.branches();
            if branches.is_empty() {
                found.push(f);
            } else {
                let combos = combinations(&branches);
                f.call.alternative = Some(label(&branches, &combos[0]));
                found.push(f);
                for combo in &combos[1..] {
                    for (b, k) in branches.iter().zip(combo) {
                        resolver.choose(b.id, *k);
                    }
                    if let Some(mut g) = calls.call(n) {
                        g.call.alternative = Some(label(&branches, combo));
                        found.push(g);
                    }
                }
                resolver.reset_branches();
            }
        }
    }
    found.sort_by_key(|f| (f.call.span.start, f.call.span.end));
    let bases = bases::base_urls(&resolver, root, &found);
    found.extend(bases);
    found.sort_by_key(|f| (f.call.span.start, f.call.span.end));
    let secrets = secrets::collect(&walked.strings, &resolver);
    (found, secrets, syntax_error)
}

/// What [`walk`] found: the `call` nodes, in the order the calls are tried (each call
/// before the calls inside it, later calls first), and the `string` nodes with their
/// three nearest ancestors.
struct Walked<'t> {
    calls: Vec<tree_sitter::Node<'t>>,
    strings: Vec<(tree_sitter::Node<'t>, secrets::Ancestors<'t>)>,
}

/// One walk over every node: the parent map, and the calls and strings among the
/// named nodes reached through named nodes (what a walk of named children reaches).
fn walk(root: tree_sitter::Node<'_>) -> (Parents<'_>, Walked<'_>) {
    let language = root.language();
    let (call, string) = (
        language.id_for_node_kind("call", true),
        language.id_for_node_kind("string", true),
    );
    let mut walked = Walked {
        calls: Vec::new(),
        strings: Vec::new(),
    };
    // Anonymous nodes on the path from the root, the current node included.
    let mut anonymous = 0usize;
    let parents = Parents::walk(root, |step| match step {
        Step::Enter(node, above) => {
            if !node.is_named() {
                anonymous += 1;
            } else if anonymous == 0 && node.kind_id() == string {
                let up = |i: usize| above.len().checked_sub(i).map(|at| above[at]);
                walked.strings.push((node, [up(1), up(2), up(3)]));
            }
        }
        Step::Leave(node) => {
            if !node.is_named() {
                anonymous -= 1;
            } else if anonymous == 0 && node.kind_id() == call {
                walked.calls.push(node);
            }
        }
    });
    // Left in source order, each call after the calls inside it: reversed, each call
    // comes before the calls inside it and later calls first.
    walked.calls.reverse();
    (parents, walked)
}

/// The choices of each combination of the branches' alternatives, first choices first
/// (at most [`crate::resolve::alternatives::MAX_VARIANTS`]).
fn combinations(branches: &[resolve::Branch]) -> Vec<Vec<usize>> {
    let arities: Vec<usize> = branches.iter().map(|b| b.labels.len()).collect();
    crate::resolve::alternatives::combinations(&arities)
}

/// What a combination of alternatives is, for a message.
fn label(branches: &[resolve::Branch], combo: &[usize]) -> String {
    branches
        .iter()
        .zip(combo)
        .filter_map(|(b, k)| b.labels.get(*k).cloned())
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The first syntax error of a Python text: a parse only.
pub fn syntax_check(text: &str) -> Option<(Span, String)> {
    match parse(text) {
        Some(tree) => super::tree_syntax_error(tree.root_node(), text, super::ErrorToken::First),
        None => Some((0..0, "the file could not be parsed".into())),
    }
}

/// The spans of every comment of the text.
pub fn comments(text: &str) -> Vec<Span> {
    let Some(tree) = parse(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "comment" {
            out.push(n.byte_range());
            continue;
        }
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
    }
    out.sort_by_key(|s| s.start);
    out
}

thread_local! {
    /// One parser per thread: creating a parser is not free, and files are scanned in
    /// parallel.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

pub(crate) fn parse(text: &str) -> Option<Tree> {
    parse_from(text, None)
}

/// [`parse`], reusing the unchanged parts of `earlier` (see [`super::parse_tree`]).
fn parse_from(text: &str, earlier: Option<&Tree>) -> Option<Tree> {
    let tree = PARSER.with(|p| {
        let mut p = p.borrow_mut();
        if p.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_python::LANGUAGE.into())
                .ok()?;
            *p = Some(parser);
        }
        super::parse_tree(p.as_mut()?, text, earlier)
    });
    crate::isolate::checkpoint();
    tree
}

/// Python.
pub struct Python;

impl crate::frontend::FrontEnd for Python {
    fn languages(&self) -> &'static [crate::source::Language] {
        &[crate::source::Language::Python]
    }

    fn of_path(&self, path: &std::path::Path) -> Option<crate::source::Language> {
        use crate::source::Language::Python;
        super::by_extension(path, &[("py", Python), ("pyi", Python)])
    }

    fn extract(&self, file: &crate::source::SourceFile, context: &super::Context) -> Extraction {
        extract_in(
            &file.text,
            context.project.map(|p| (p, file.path.as_path())),
            file.tree.as_ref(),
        )
    }

    fn syntax_error(&self, file: &crate::source::SourceFile) -> Option<(Span, String)> {
        syntax_check(&file.text)
    }

    fn comments(&self, file: &crate::source::SourceFile) -> Vec<Span> {
        comments(&file.text)
    }
}

impl crate::frontend::Spell for Python {
    fn spell(
        &self,
        file: &crate::source::SourceFile,
        parsed: &Extraction,
        items: &[(&crate::call::HttpCall, &crate::model::plan::RewritePlan)],
    ) -> Vec<Result<Vec<crate::finding::Edit>, String>> {
        let syntax = parsed
            .analysis
            .as_ref()
            .and_then(|a| a.downcast_ref::<Analysis>())
            .map(|a| a.syntax.as_slice());
        render::render_batch(&file.text, parsed.tree.as_ref(), syntax, items)
    }

    fn json_quoting(&self) -> crate::frontend::JsonQuoting {
        crate::frontend::quoting::script_string
    }

    /// A dict is written with Python's booleans.
    fn boolean(&self, value: bool) -> &'static str {
        if value {
            "True"
        } else {
            "False"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(src: &str) -> Vec<String> {
        extract(src)
            .calls
            .iter()
            .map(|c| {
                format!(
                    "{:?} {} {}",
                    c.client,
                    c.method.name.clone().unwrap_or_default(),
                    c.url.display()
                )
            })
            .collect()
    }

    #[test]
    fn resolves_url_forms() {
        let src = r#"
import requests
import httpx as hx
BASE = "https://community.khoros.com"
TPL = "https://x.com/users/{id}/markDeleted"
class K:
    API = BASE + "/api/2.0"
    def d(self, uid):
        requests.delete(self.API + "/users/" + uid)
def f(uid, gid):
    requests.delete(f"{BASE}/api/2.0/users/{uid}")
    requests.put(TPL.format(id=uid))
    hx.request("DELETE", "https://a.com/g/%s/u/%s" % (gid, uid))
    with hx.Client(base_url=BASE) as c:
        c.delete("/api/2.0/users/" + str(uid))
"#;
        assert_eq!(
            urls(src),
            [
                "Requests DELETE https://community.khoros.com/api/2.0/users/{uid}",
                "Requests DELETE https://community.khoros.com/api/2.0/users/{uid}",
                "Requests PUT https://x.com/users/{uid}/markDeleted",
                "Httpx DELETE https://a.com/g/{gid}/u/{uid}",
                "Httpx DELETE https://community.khoros.com/api/2.0/users/{uid}",
            ]
        );
    }

    #[test]
    fn reassigned_names_are_alternatives_and_vias_name_literals() {
        let src = r#"
import requests
BASE = "https://acme.lithium.com"
def f(uid):
    url = "https://a.com/x"
    url = "https://b.com/y"
    requests.delete(url)
    requests.delete(BASE + "/api/2.0/users/" + uid)
"#;
        let calls = extract(src).calls;
        // One call per value `url` is assigned, each saying which it is.
        assert_eq!(calls[0].url.display(), "https://a.com/x");
        assert_eq!(calls[1].url.display(), "https://b.com/y");
        assert_eq!(
            calls[1].alternative.as_deref(),
            Some("`url` is \"https://b.com/y\"")
        );
        assert_eq!(calls[2].alternative, None);
        assert_eq!(calls[2].vias.len(), 1);
        assert_eq!(calls[2].vias[0].expr, "BASE");
        let lit = &calls[2].vias[0].literal;
        assert_eq!(&src[lit.clone()], "https://acme.lithium.com");
    }

    #[test]
    fn conditional_or_and_environment_defaults_are_alternatives() {
        let src = r#"
import os
import requests
B = os.getenv("B", "https://x.com")
def f(c, u):
    requests.get(("https://a.com" if c else "https://b.com") + "/v")
    requests.get((u or "https://d.com") + "/w")
    requests.get(B + "/z")
"#;
        let urls: Vec<String> = extract(src).calls.iter().map(|c| c.url.display()).collect();
        assert_eq!(
            urls,
            [
                "https://a.com/v",
                "https://b.com/v",
                "{u}/w",
                "https://d.com/w",
                "https://x.com/z",
                "{os.getenv(\"B\", \"https://x.com\")}/z"
            ]
        );
    }

    #[test]
    fn placeholders_in_plain_strings_are_unformatted() {
        let src = r#"
import requests
T = "https://x.com/users/{user_id}/markDeleted"
requests.put(T)
requests.put(T.format(user_id=1))
requests.put(f"https://x.com/users/{uid}")
"#;
        let calls = extract(src).calls;
        let names: Vec<Vec<String>> = calls
            .iter()
            .map(|c| c.unformatted.iter().map(|p| p.name.clone()).collect())
            .collect();
        assert_eq!(names, [vec!["user_id".to_string()], vec![], vec![]]);
        assert_eq!(&src[calls[0].unformatted[0].span.clone()], "{user_id}");
    }

    #[test]
    fn response_use_status_checks_and_body_reads() {
        let src = r#"
import requests
def f():
    r = requests.post("https://x.janraincapture.com/entity.delete", data={"type_name": "user"})
    r.raise_for_status()
    if r.status_code == 200 and r.ok:
        data = r.json()
        return data["data"]["closeUserAccount"]["result"], r.json().get("stat")
"#;
        let call = &extract(src).calls[0];
        assert_eq!(call.response.status_checks.len(), 3);
        let paths: Vec<&str> = call
            .response
            .body_reads
            .iter()
            .map(|b| b.path.as_str())
            .collect();
        assert_eq!(paths, ["data.closeUserAccount.result", "stat"]);
        assert!(
            matches!(&call.body, Some(crate::call::Body::Form { fields }) if fields.get("type_name").is_some())
        );
    }

    #[test]
    fn rpc_calls_with_kwargs_built_in_the_function() {
        let src = r#"
def purge(api, uuid):
    kw = {"type_name": "user"}
    kw["uuid"] = uuid
    return apicall("entity.delete", **kw)
"#;
        let call = &extract(src).calls[0];
        assert_eq!(call.client, crate::call::Client::Rpc);
        assert_eq!(
            call.rpc.as_ref().map(|r| r.name.as_str()),
            Some("entity.delete")
        );
        let Some(crate::call::Body::Form { fields }) = &call.body else {
            panic!("no form body");
        };
        let keys: Vec<&str> = fields.entries.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["type_name", "uuid"]);
        assert!(!fields.open);
    }

    #[test]
    fn secrets_are_found_by_name_and_scheme() {
        let src = r#"
API_KEY = "k-123"
headers = {"Authorization": "Bearer abc.def", "X-Other": "plain"}
requests.post(url, auth=("user", "hunter2"), json={"password": "pw1"})
"#;
        let found: Vec<&str> = extract(src)
            .secrets
            .iter()
            .map(|s| &src[s.clone()])
            .collect();
        assert_eq!(found, ["k-123", "abc.def", "hunter2", "pw1"]);
    }

    #[test]
    fn deeply_nested_expressions_do_not_overflow_a_worker_stack() {
        // Generated code: a `+` chain thousands deep, next to a call. Files are scanned
        // on worker threads with small stacks.
        let chain = vec!["\"a\""; 5000].join(" + ");
        let src = format!(
            "import requests\nX = {chain}\ndef f(u):\n    return requests.delete(\"https://acme.lithium.com/api/2.0/users/\" + u + {chain})\n"
        );
        let calls = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(move || extract(&src).calls.len())
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(calls, 1);
    }

    #[test]
    fn syntax_errors_and_comments() {
        assert!(syntax_check("def f(:\n    pass\n").is_some());
        assert!(syntax_check("x = 1\n").is_none());
        let src = "x = 1  # one\n# two\n";
        let spans: Vec<&str> = comments(src).iter().map(|s| &src[s.clone()]).collect();
        assert_eq!(spans, ["# one", "# two"]);
    }
}
