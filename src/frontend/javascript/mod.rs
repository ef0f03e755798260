//! JavaScript / TypeScript front end (tree-sitter).
//!
//! One parse, then two walks over the tree:
//! 1. [`scope`] records scopes and the names bound in them (`const`/`let`/`var`,
//!    parameters, imports, `this.x` members) and which of them are ever reassigned;
//! 2. [`walk`] tries every call expression against the known call shapes
//!    ([`clients`]: fetch, axios and its instances, got, ky, superagent, supertest,
//!    request, node http, jQuery, `pm.sendRequest`, RPC SDK calls, and generic
//!    `x.delete(url)`), resolving URLs, options and bodies through those bindings
//!    ([`resolve`]). The same walk collects secret-looking literals ([`crate::frontend::credentials`]) and
//!    absolute URLs bound to names that no call uses (reported as `Client::BaseUrl`).
//!
//! Not for: guessing. What is not bound in this file stays a `Piece::Hole` or a
//! `Value::Expr` showing the expression as written.

mod clients;
mod modules;
pub(crate) mod render;
mod resolve;
mod scope;
mod walk;

use super::Extraction;
use crate::call::Span;
use crate::frontend::fields::ChildField as _;
use crate::source::Language;
use std::cell::RefCell;
use tree_sitter::{Node, Parser, Tree};

/// Extracts the HTTP calls, secrets and first syntax error of a JavaScript,
/// TypeScript or TSX file.
pub fn extract(text: &str, language: Language) -> Extraction {
    extract_in(text, language, None, None)
}

/// [`extract`] for a file at `path` of the run's project: URL parts imported from
/// relative modules are resolved through `index` (see [`crate::resolve`]). `earlier`
/// is the tree of an earlier version, edited to match (see
/// [`crate::source::SourceFile::tree`]).
pub fn extract_in(
    text: &str,
    language: Language,
    project: Option<(&crate::resolve::ProjectIndex, &std::path::Path)>,
    earlier: Option<&Tree>,
) -> Extraction {
    let Some((tree, tree_is_exact)) = parse_from(text, language, earlier) else {
        return Extraction::default();
    };
    let analysis = Analysis::new(text, tree.clone());
    let (_, root, scopes) = analysis.view();
    let mut resolver = resolve::Resolver::new(text, scopes);
    resolver.project = project.map(|(index, path)| resolve::Project {
        index,
        path,
        depth: 0,
    });
    let found = walk::collect(root, &resolver);
    let syntax_error = super::tree_syntax_error(root, text, super::ErrorToken::Last);
    Extraction {
        calls: found.calls,
        secrets: found.secrets,
        syntax_error,
        tree: Some(tree),
        tree_is_exact,
        analysis: Some(Box::new(analysis)),
    }
}

/// A file's scopes with the text and the tree they point into: collected once by the
/// extraction and handed to the speller ([`Extraction::analysis`]), so that rendering
/// the rewrites does not collect them again (on a large file that was as much work as
/// the walk of its calls).
pub(super) struct Analysis {
    // Declared first, so dropped first: its nodes and strings point into `tree` and
    // `text`.
    scopes: scope::Scopes<'static>,
    text: String,
    tree: Tree,
}

impl Analysis {
    fn new(text: &str, tree: Tree) -> Analysis {
        let text = text.to_string();
        // SAFETY: the scopes borrow the text's bytes and the tree's nodes. Both live on
        // the heap, owned by the value built here: moving it moves neither (a `Tree` is
        // a pointer to its C tree, a `String` one to its bytes). Neither is changed or
        // dropped before the scopes (field order), and `view` never hands the scopes
        // out for longer than a borrow of the whole.
        let (t, root) = unsafe {
            (
                &*(text.as_str() as *const str),
                std::mem::transmute::<Node<'_>, Node<'static>>(tree.root_node()),
            )
        };
        let scopes = scope::collect(root, t);
        Analysis { scopes, text, tree }
    }

    /// The text, the root and the scopes, for as long as the analysis is borrowed.
    fn view(&self) -> (&str, Node<'_>, &scope::Scopes<'_>) {
        // SAFETY: see `new`; the lifetime is only shortened to the borrow of `self`.
        let scopes = unsafe {
            std::mem::transmute::<&scope::Scopes<'static>, &scope::Scopes<'_>>(&self.scopes)
        };
        (&self.text, self.tree.root_node(), scopes)
    }
}

/// The first syntax error of a JavaScript, TypeScript or TSX text: a parse only, for
/// checking rewritten text without extracting its calls.
pub fn syntax_check(text: &str, language: Language) -> Option<(Span, String)> {
    match parse(text, language) {
        Some(tree) => super::tree_syntax_error(tree.root_node(), text, super::ErrorToken::Last),
        None => Some((0..0, "the file could not be parsed".into())),
    }
}

/// The spans of every comment of the text.
pub fn comments(text: &str, language: Language) -> Vec<Span> {
    let Some(tree) = parse(text, language) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        if node.kind_name() == "comment" {
            out.push(node.byte_range());
        } else if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    out
}

pub(super) use super::tree_walk::{traverse, At, Visitor};

/// A named node reached through named nodes, as the scope walk met it, in walk order:
/// the walk of the calls is replayed from this list ([`replay`]) instead of moving a
/// cursor over every node of the file again.
pub(super) struct Entered<'t> {
    pub node: Node<'t>,
    /// Its field name, when its parent is one whose children's meaning depends on it
    /// ([`walk::reads_field`]).
    pub field: Option<&'static str>,
    /// The index, in the list, after the node's last descendant.
    pub end: u32,
}

/// [`traverse`] for a visitor that declines every anonymous node (and so every node
/// under one), over the named nodes recorded by an earlier walk of the same tree.
pub(super) fn replay<'t>(entered: &[Entered<'t>], visitor: &mut impl Visitor<'t>) {
    // The accepted nodes whose subtrees are being walked, with where each ends.
    let mut open: Vec<(usize, Node<'t>)> = Vec::new();
    let mut i = 0;
    while i < entered.len() {
        while let Some(&(end, node)) = open.last() {
            if end > i {
                break;
            }
            open.pop();
            visitor.leave(node);
        }
        let e = &entered[i];
        if visitor.enter(e.node, At::Recorded(e.field)) {
            open.push((e.end as usize, e.node));
            i += 1;
        } else {
            i = e.end as usize;
        }
    }
    while let Some((_, node)) = open.pop() {
        visitor.leave(node);
    }
}

thread_local! {
    /// One parser per language per thread: creating a parser is not free, and files
    /// are scanned in parallel.
    static PARSERS: RefCell<[Option<Parser>; 3]> = const { RefCell::new([None, None, None]) };
}

/// Parses the text; for grammars with JSX, a tree whose errors come from a bare `&`
/// in JSX text or an attribute string is replaced by the tree of the text with those
/// `&` masked (see [`mask_jsx_ampersands`]). The tree's spans are the text's: masking
/// keeps every byte offset.
fn parse(text: &str, language: Language) -> Option<Tree> {
    parse_from(text, language, None).map(|(tree, _)| tree)
}

/// [`parse`], reusing the unchanged parts of `earlier` (see [`super::parse_tree`]), and
/// whether the tree is the parse of the text as it is (no `&` masked).
fn parse_from(text: &str, language: Language, earlier: Option<&Tree>) -> Option<(Tree, bool)> {
    let tree = parse_plain(text, language, earlier)?;
    if !tree.root_node().has_error() || language == Language::TypeScript {
        return Some((tree, true));
    }
    // A masked tree is not the text's: it must not be the base of the next parse.
    Some((mask_jsx_ampersands(text, language, tree), false))
}

/// The grammars read `&` in JSX text and attribute strings as the start of an HTML
/// character reference: JSX text stops at every `&`, and a string fragment at `&`
/// followed by a letter or `#`, so that valid JSX such as
/// `<img src="y.jpg?w=1&h=2" />` or `<p>Terms & Conditions</p>` parses with an ERROR
/// node where no reference (`&amp;`, `&#38;`) follows. Such an `&` inside an ERROR node
/// is masked with `\` (same length, so every offset stays), and the text parsed again.
/// `\` is a plain character in JSX text and attribute strings but cannot stand between
/// two operands in code: a mask that lands in an ERROR node of the new tree was code,
/// and is taken back. So masks only remove the errors of JSX text, and a real syntax
/// error stays one. A few rounds at most (fewer when they stop helping, none for a
/// text over 2 MiB); the tree whose first error comes latest wins.
fn mask_jsx_ampersands(text: &str, language: Language, tree: Tree) -> Tree {
    const ROUNDS: usize = 6;
    // A large broken file is a bundle, not JSX: each round is a full parse.
    const MAX_BYTES: usize = 2 << 20;
    if text.len() > MAX_BYTES {
        return tree;
    }
    let bytes = text.as_bytes();
    let mut masked = bytes.to_vec();
    // `&` bytes known to be code: a mask there made an error.
    let mut code: Vec<usize> = Vec::new();
    let mut best_first = first_error(&tree);
    let mut best = tree;
    let mut current = best.clone();
    // Rounds in a row that did not move the first error.
    let mut stale = 0;
    for _ in 0..ROUNDS {
        let mut changed = false;
        error_ranges(current.root_node(), &mut |range| {
            let around = range.start.saturating_sub(1)..(range.end + 1).min(bytes.len());
            for at in around {
                let is_candidate = range.contains(&at) && bytes[at] == b'&';
                if masked[at] == b'\\' && bytes[at] == b'&' {
                    masked[at] = b'&';
                    code.push(at);
                    changed = true;
                } else if is_candidate
                    && masked[at] == b'&'
                    && !code.contains(&at)
                    && bare_ampersand(bytes, at)
                {
                    masked[at] = b'\\';
                    changed = true;
                }
            }
        });
        if !changed {
            break;
        }
        // Only ASCII `&` bytes were replaced by ASCII `\`.
        let masked_text = std::str::from_utf8(&masked).expect("still UTF-8");
        let Some(tree) = parse_plain(masked_text, language, None) else {
            break;
        };
        let first = first_error(&tree);
        current = tree;
        if first > best_first {
            best_first = first;
            best = current.clone();
            stale = 0;
            if first == usize::MAX {
                break;
            }
        } else {
            stale += 1;
            if stale == 2 {
                break;
            }
        }
    }
    best
}

/// Where the tree's first error starts (`usize::MAX` for none).
fn first_error(tree: &Tree) -> usize {
    let mut first = usize::MAX;
    error_ranges(tree.root_node(), &mut |range| {
        first = first.min(range.start)
    });
    first
}

/// Calls `f` with the byte range of every ERROR node (not descending into them) and of
/// the token after every MISSING node.
fn error_ranges(root: Node<'_>, f: &mut impl FnMut(std::ops::Range<usize>)) {
    if !root.has_error() {
        return;
    }
    let mut cursor = root.walk();
    for child in root.children(&mut cursor) {
        if child.is_error() {
            f(child.byte_range());
        } else if child.is_missing() {
            f(child.start_byte()..child.start_byte());
        } else if child.has_error() {
            error_ranges(child, f);
        }
    }
}

/// An `&` that does not start an HTML character reference (`&amp;`, `&#38;`, `&#x26;`)
/// and is not part of an operator (`&&`, `&=`).
fn bare_ampersand(bytes: &[u8], at: usize) -> bool {
    let next = bytes.get(at + 1).copied();
    if matches!(next, Some(b'&' | b'=')) || (at > 0 && bytes[at - 1] == b'&') {
        return false;
    }
    let rest = &bytes[at + 1..];
    let reference = if let Some(num) = rest.strip_prefix(b"#") {
        let (digits, max): (&[u8], usize) = match num.first() {
            Some(b'x' | b'X') => (&num[1..], 6),
            _ => (num, 5),
        };
        let hex = max == 6;
        let n = digits
            .iter()
            .take_while(|b| {
                if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            })
            .count();
        (1..=max).contains(&n) && digits.get(n) == Some(&b';')
    } else {
        let n = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        (1..=30).contains(&n) && rest.get(n) == Some(&b';')
    };
    !reference
}

fn parse_plain(text: &str, language: Language, earlier: Option<&Tree>) -> Option<Tree> {
    let (slot, grammar): (usize, tree_sitter::Language) = match language {
        Language::JavaScript | Language::Postman => (0, tree_sitter_javascript::LANGUAGE.into()),
        Language::TypeScript => (1, tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()),
        Language::Tsx => (2, tree_sitter_typescript::LANGUAGE_TSX.into()),
        _ => return None,
    };
    let tree = PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        if parsers[slot].is_none() {
            let mut p = Parser::new();
            p.set_language(&grammar).ok()?;
            parsers[slot] = Some(p);
        }
        super::parse_tree(parsers[slot].as_mut()?, text, earlier)
    });
    crate::isolate::checkpoint();
    tree
}

/// JavaScript, TypeScript and TSX.
pub struct JavaScript;

impl crate::frontend::FrontEnd for JavaScript {
    fn languages(&self) -> &'static [Language] {
        &[Language::JavaScript, Language::TypeScript, Language::Tsx]
    }

    fn of_path(&self, path: &std::path::Path) -> Option<Language> {
        use Language::{JavaScript as Js, Tsx, TypeScript as Ts};
        super::by_extension(
            path,
            &[
                ("js", Js),
                ("mjs", Js),
                ("cjs", Js),
                ("jsx", Js),
                ("ts", Ts),
                ("mts", Ts),
                ("cts", Ts),
                ("tsx", Tsx),
            ],
        )
    }

    fn extract(&self, file: &crate::source::SourceFile, context: &super::Context) -> Extraction {
        let project = context.project.map(|p| (p, file.path.as_path()));
        extract_in(&file.text, file.language, project, file.tree.as_ref())
    }

    fn syntax_error(&self, file: &crate::source::SourceFile) -> Option<(Span, String)> {
        syntax_check(&file.text, file.language)
    }

    fn comments(&self, file: &crate::source::SourceFile) -> Vec<Span> {
        comments(&file.text, file.language)
    }
}

impl crate::frontend::Spell for JavaScript {
    fn spell(
        &self,
        file: &crate::source::SourceFile,
        parsed: &Extraction,
        items: &[(&crate::call::HttpCall, &crate::model::plan::RewritePlan)],
    ) -> Vec<Result<Vec<crate::finding::Edit>, String>> {
        let analysis = parsed
            .analysis
            .as_ref()
            .and_then(|a| a.downcast_ref::<Analysis>())
            .filter(|a| a.text == file.text);
        render::render_batch(
            &file.text,
            file.language,
            parsed.tree.as_ref(),
            analysis,
            items,
        )
    }

    fn json_quoting(&self) -> crate::frontend::JsonQuoting {
        crate::frontend::quoting::script_string
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_line(text: &str, language: Language) -> Option<usize> {
        syntax_check(text, language).map(|(span, _)| text[..span.start].lines().count())
    }

    /// A visitor that declines anonymous nodes and, like the walk of the calls,
    /// the children of some named nodes, and writes down what it is told.
    struct Log {
        events: Vec<String>,
        kinds: Vec<&'static str>,
    }

    impl<'t> Visitor<'t> for Log {
        fn enter(&mut self, node: Node<'t>, at: At<'t>) -> bool {
            if !node.is_named() {
                return false;
            }
            let field = match self.kinds.last() {
                Some(parent) if walk::reads_field(parent) => at.field_name(),
                _ => None,
            };
            self.events
                .push(format!("enter {} {field:?}", node.kind_name()));
            if node.kind_name() == "template_string" || node.child_count() == 0 {
                return false;
            }
            self.kinds.push(node.kind_name());
            true
        }

        fn leave(&mut self, node: Node<'t>) {
            self.kinds.pop();
            self.events.push(format!("leave {}", node.kind_name()));
        }
    }

    /// Every node, in order, with its field name and whether its subtree was left.
    struct All(Vec<String>);

    impl<'t> Visitor<'t> for All {
        fn enter(&mut self, node: Node<'t>, at: At<'t>) -> bool {
            self.0.push(format!(
                "enter {} {:?} {:?}",
                node.kind(),
                node.byte_range(),
                at.field_name()
            ));
            true
        }

        fn leave(&mut self, node: Node<'t>) {
            self.0
                .push(format!("leave {} {:?}", node.kind(), node.byte_range()));
        }
    }

    #[test]
    fn the_walk_meets_every_node_a_cursor_meets_with_its_field() {
        let many: String = (0..40).map(|i| format!("f{i}(a, /* c */ b);\n")).collect();
        let cases = [
            (Language::JavaScript, many.as_str()),
            (Language::JavaScript, "const a = f(1, `x${y}\\n`, { k: [2, g()], ...o }); // c\nf(x, ; class C { m() {} }"),
            (Language::TypeScript, "let u: string = `${BASE}/api`;\nexport async function d(id: number = 1) { await axios.delete<T>(u + id, { headers }); }"),
            (Language::Tsx, "const e = <p title=\"a\">{x && call()} text</p>;\nconst { a = 1, b } = obj;"),
        ];
        for (language, text) in cases {
            let tree = parse(text, language).unwrap();
            let mut expected = Vec::new();
            let mut cursor = tree.walk();
            'walk: loop {
                let node = cursor.node();
                expected.push(format!(
                    "enter {} {:?} {:?}",
                    node.kind(),
                    node.byte_range(),
                    cursor.field_name()
                ));
                if cursor.goto_first_child() {
                    continue;
                }
                expected.push(format!("leave {} {:?}", node.kind(), node.byte_range()));
                while !cursor.goto_next_sibling() {
                    if !cursor.goto_parent() {
                        break 'walk;
                    }
                    let node = cursor.node();
                    expected.push(format!("leave {} {:?}", node.kind(), node.byte_range()));
                }
            }
            let mut walked = All(Vec::new());
            traverse(tree.root_node(), &mut walked);
            assert!(expected.iter().any(|e| e.contains("Some(")));
            assert_eq!(walked.0, expected, "{text}");
        }
    }

    #[test]
    fn a_replayed_walk_is_the_walk() {
        let cases = [
            (Language::JavaScript, "const a = f(1, `x${y}`, { k: [2, g()] });\nclass C { m() { return new R(this.x ? 1 : h()); } }\nf();"),
            (Language::TypeScript, "let u: string = `${BASE}/api`;\nexport async function d(id: number = 1) { await axios.delete(u + id, { headers }); }"),
            (Language::Tsx, "const e = <p title=\"a\">{x && call()} text</p>;\nconst { a = 1, b } = obj;"),
        ];
        for (language, text) in cases {
            let tree = parse(text, language).unwrap();
            let root = tree.root_node();
            let scopes = scope::collect(root, text);
            let mut walked = Log {
                events: Vec::new(),
                kinds: Vec::new(),
            };
            traverse(root, &mut walked);
            let mut replayed = Log {
                events: Vec::new(),
                kinds: Vec::new(),
            };
            replay(scopes.entered.as_deref().unwrap(), &mut replayed);
            assert!(walked.events.len() > 30, "{:?}", walked.events);
            assert!(walked.events.iter().any(|e| e.contains("Some(")));
            assert_eq!(walked.events, replayed.events, "{text}");
        }
    }

    #[test]
    fn bare_ampersands_in_jsx_are_not_syntax_errors() {
        for language in [Language::JavaScript, Language::Tsx] {
            for text in [
                r#"const a = <img src="https://x/y.jpg?w=1&h=2" />;"#,
                "const a = <p title='Q & A &#z'>Terms & Conditions &copy</p>;",
                "const a = <p>R&D {a & b} {c && d}</p>;\nconst b = x & y;",
                "const a = <p>ok &amp; &#38; &#x26;</p>;",
            ] {
                assert_eq!(error_line(text, language), None, "{text}");
            }
        }
    }

    #[test]
    fn real_syntax_errors_next_to_jsx_ampersands_stay() {
        let text = "const a = <p>Q & A</p>;\nconst b = x &y );\n";
        assert_eq!(error_line(text, Language::Tsx), Some(2));
        // An `&` in code is never masked into something that parses.
        assert_eq!(
            error_line("const b = x & & y;", Language::JavaScript),
            Some(1)
        );
        assert_eq!(error_line("f(a &b c);", Language::JavaScript), Some(1));
    }
}
