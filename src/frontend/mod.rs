//! Front ends: one per language. Each turns a file's text into `HttpCall`s, and does all
//! the language work to get there (finding calls, resolving URL pieces bound in the same
//! file, reading option objects). Rules never see syntax.

/// A front end whose work needs only the file's text: its module's `extract`,
/// `syntax_check`, `comments` and a `render_batch(text, items)`, how it puts a JSON
/// text into a string (a [`quoting`] function), the file names it claims (`|path| …`,
/// giving whether the path is of this kind), and which edits of its literals a
/// transform may make when not all (`literals = …`).
macro_rules! text_front_end {
    (
        $(#[$doc:meta])* $name:ident, $language:ident, $render:path, $quote:path,
        |$path:ident| $claims:expr $(, literals = $literals:expr)?
    ) => {
        $(#[$doc])*
        pub struct $name;

        impl crate::frontend::FrontEnd for $name {
            fn languages(&self) -> &'static [crate::source::Language] {
                &[crate::source::Language::$language]
            }

            fn of_path(&self, $path: &std::path::Path) -> Option<crate::source::Language> {
                ($claims).then_some(crate::source::Language::$language)
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
                syntax_check(&file.text)
            }

            fn comments(&self, file: &crate::source::SourceFile) -> Vec<crate::call::Span> {
                comments(&file.text)
            }
        }

        impl crate::frontend::Spell for $name {
            fn spell(
                &self,
                file: &crate::source::SourceFile,
                _parsed: &crate::call::Extraction,
                items: &[(&crate::call::HttpCall, &crate::model::plan::RewritePlan)],
            ) -> Vec<Result<Vec<crate::finding::Edit>, String>> {
                $render(&file.text, items)
            }

            fn json_quoting(&self) -> crate::frontend::JsonQuoting {
                $quote
            }

            $(
                fn literal_edits(
                    &self,
                    _file: &crate::source::SourceFile,
                ) -> crate::frontend::LiteralEdits {
                    $literals
                }
            )?
        }
    };
}

pub mod ansible;
pub mod bruno;
pub mod config;
pub mod credentials;
mod detect;
pub mod dockerfile;
pub mod dotenv;
pub mod fields;
pub mod http;
pub mod insert;
pub mod javascript;
pub mod makefile;
pub mod markdown;
pub mod notebook;
pub mod parents;
pub mod postman;
pub mod python;
pub mod quoting;
pub mod rust;
pub mod shell;
pub mod tree_walk;
pub mod yaml_ci;
pub mod yaml_tree;

use crate::call::{HttpCall, Span};
use crate::finding::Edit;
use crate::frontend::fields::ChildField as _;
use crate::model::plan::RewritePlan;
use crate::source::{Comment, Language, SourceFile};
use std::path::{Path, PathBuf};

pub use crate::call::Extraction;

/// What the pipeline asks of a language's front end: which files are its, the calls in
/// a file (lowered into `model` values), the file's comments and first syntax error,
/// and the text after the fix loop. Registered once in [`REGISTRY`].
pub trait FrontEnd: Sync {
    /// The languages it reads (the JavaScript front end reads TypeScript and TSX too).
    fn languages(&self) -> &'static [Language];
    /// The language of a path judged by its name alone, among [`FrontEnd::languages`].
    fn of_path(&self, path: &Path) -> Option<Language>;
    /// The calls, secrets, first syntax error (and syntax tree) of a file.
    fn extract(&self, file: &SourceFile, context: &Context) -> Extraction;
    /// The spans of every comment (whole comments, markers included): where inline
    /// suppressions (through [`FrontEnd::remarks`]) and commented-out calls are read. A
    /// format without comments has none.
    fn comments(&self, _file: &SourceFile) -> Vec<Span> {
        Vec::new()
    }
    /// Where a person writes about the file, for inline suppressions: each of its
    /// [`FrontEnd::comments`] with its text found inside the markers, or what the format
    /// has instead of comments (a Postman item's `description`).
    fn remarks(&self, file: &SourceFile) -> Vec<Comment> {
        self.comments(file)
            .into_iter()
            .map(|span| comment_at(&file.text, span))
            .collect()
    }
    /// The first syntax error of the text: a parse only, no calls are extracted. A
    /// format this front end reads without a grammar has none.
    fn syntax_error(&self, _file: &SourceFile) -> Option<(Span, String)> {
        None
    }
    /// The fixed text made consistent where the fixes edited one of two copies the
    /// format keeps of a value (a Postman request's `url.raw` and its split `path`);
    /// `None` when there is nothing to bring in step.
    fn after_fix(&self, _original: &str, _fixed: &str) -> Option<String> {
        None
    }
}

pub use crate::model::plan::{JsonQuoting, LiteralEdits, Spell};

/// A language the tool reads and fixes: its front end and its speller.
pub trait Support: FrontEnd + Spell {}
impl<T: FrontEnd + Spell> Support for T {}

/// What a front end may read besides the file: the run's Postman environment files
/// (`--postman-env`) and the project index (values imported from other modules).
#[derive(Clone, Copy, Default)]
pub struct Context<'a> {
    pub postman_env: &'a [PathBuf],
    pub project: Option<&'a crate::resolve::ProjectIndex>,
}

/// Every language, once. The order is the order in which paths are claimed by name:
/// names that say more than an extension first (`*.postman_collection.json`, a CI
/// workflow, `insomnia*.json`, a playbook), then extensions, then whole file names
/// (`Dockerfile.prod`, `Makefile`). A new language is one line here.
pub static REGISTRY: &[&dyn Support] = &[
    &postman::Postman,
    &yaml_ci::CiWorkflow,
    &postman::insomnia::Insomnia,
    &ansible::Ansible,
    &javascript::JavaScript,
    &python::Python,
    &rust::Rust,
    &shell::Shell,
    &markdown::Markdown,
    &http::Http,
    &notebook::Notebook,
    &postman::Har,
    &bruno::Bruno,
    &dockerfile::Dockerfile,
    &makefile::Makefile,
    &dotenv::Dotenv,
    &config::Config,
];

/// The front end and speller of a language.
pub fn support(language: Language) -> &'static dyn Support {
    *REGISTRY
        .iter()
        .find(|s| s.languages().contains(&language))
        .expect("every language is registered (tested)")
}

/// The language a path's name says, asking the front ends in [`REGISTRY`] order.
pub fn language_of_path(path: &Path) -> Option<Language> {
    REGISTRY.iter().find_map(|s| s.of_path(path))
}

/// The language of a path among `extensions` (`("js", Language::JavaScript)`), by
/// its extension: the usual [`FrontEnd::of_path`].
pub fn by_extension(path: &Path, extensions: &[(&str, Language)]) -> Option<Language> {
    let ext = path.extension()?.to_str()?;
    extensions
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, language)| *language)
}

/// Runs the front end for the file's language.
pub fn extract(file: &SourceFile) -> Extraction {
    extract_with(file, &[])
}

/// The first syntax error of a file's text (a parse only: no calls are extracted).
pub fn syntax_error(file: &SourceFile) -> Option<(Span, String)> {
    support(file.language).syntax_error(file)
}

/// The spans of every comment of a file (whole comments, markers included).
pub fn comments(file: &SourceFile) -> Vec<Span> {
    support(file.language).comments(file)
}

/// Where a person writes about a file (see [`FrontEnd::remarks`]): where inline
/// suppressions are read.
pub fn remarks(file: &SourceFile) -> Vec<Comment> {
    support(file.language).remarks(file)
}

/// The comment occupying `span`, with its text found inside its markers.
fn comment_at(text: &str, span: Span) -> Comment {
    let s = &text[span.clone()];
    let (open, close) = if s.starts_with("/*") && s.ends_with("*/") && s.len() >= 4 {
        (2, 2)
    } else if s.starts_with("<!--") && s.ends_with("-->") && s.len() >= 7 {
        (4, 3)
    } else if s.starts_with("//") {
        (2, 0)
    } else if s.starts_with('#') {
        (1, 0)
    } else {
        (0, 0)
    };
    let mut end = span.end - close;
    // A line comment may carry the `\r` of a CRLF line ending.
    while end > span.start + open && text.as_bytes()[end - 1] == b'\r' {
        end -= 1;
    }
    Comment {
        content: span.start + open..end,
        span,
        covers: None,
        line_break: "\n",
    }
}

/// The fixed text brought in step where the format keeps a value twice (see
/// [`FrontEnd::after_fix`]), or `None`.
pub fn after_fix(language: Language, original: &str, fixed: &str) -> Option<String> {
    support(language).after_fix(original, fixed)
}

/// The file's comments grouped into blocks: a block comment alone, or a run of line
/// comments on consecutive lines with nothing but whitespace between them (a call
/// commented out line by line). Each block is its comments' spans, in order.
pub fn comment_blocks(file: &SourceFile) -> Vec<Vec<Span>> {
    let text = &file.text;
    let mut blocks: Vec<Vec<Span>> = Vec::new();
    for span in comments(file) {
        let line_comment =
            !text[span.clone()].starts_with("/*") && !text[span.clone()].starts_with("<!--");
        if let Some(last) = blocks.last_mut() {
            let prev = last.last().expect("blocks are never empty");
            let between = &text[prev.end..span.start];
            let prev_is_line =
                !text[prev.clone()].starts_with("/*") && !text[prev.clone()].starts_with("<!--");
            if line_comment
                && prev_is_line
                && between.trim().is_empty()
                && between.matches('\n').count() == 1
            {
                last.push(span);
                continue;
            }
        }
        blocks.push(vec![span]);
    }
    blocks
}

/// The file's text with the markers of the comments of `block` (`//`, `#`, `/*`,
/// `*/`, a leading `*` of a block comment's line, `<!--`, `-->`) replaced by spaces:
/// the commented-out code becomes code at its own offsets, for the front end to read.
pub fn uncommented(file: &SourceFile, block: &[Span]) -> String {
    let mut out = file.text.clone().into_bytes();
    for span in block {
        let comment = &file.text[span.clone()];
        blank_markers(&mut out[span.clone()], comment);
    }
    // Only ASCII marker bytes were replaced by spaces.
    String::from_utf8(out).expect("still UTF-8")
}

/// Replaces the comment syntax inside one comment (`bytes` is the comment) by spaces.
fn blank_markers(bytes: &mut [u8], comment: &str) {
    let blank = |bytes: &mut [u8], range: std::ops::Range<usize>| {
        bytes[range].iter_mut().for_each(|b| *b = b' ');
    };
    let n = bytes.len();
    if comment.starts_with("/*") || comment.starts_with("<!--") {
        let (open, close) = if comment.starts_with("/*") {
            (
                2,
                if comment.ends_with("*/") && n >= 4 {
                    2
                } else {
                    0
                },
            )
        } else {
            (
                4,
                if comment.ends_with("-->") && n >= 7 {
                    3
                } else {
                    0
                },
            )
        };
        blank(bytes, 0..open);
        blank(bytes, n - close..n);
        // ` * fetch(…)` lines of a block comment: the leading star is decoration.
        let block = comment.starts_with("/*");
        let mut line_start = true;
        for b in &mut bytes[open..n - close] {
            match *b {
                b'\n' => line_start = true,
                b' ' | b'\t' | b'\r' => {}
                b'*' if line_start && block => {
                    *b = b' ';
                    line_start = false;
                }
                _ => line_start = false,
            }
        }
        return;
    }
    // Line comments: `//`, `///`, `//!`, `#`, `##`.
    let marker = bytes
        .iter()
        .take_while(|b| matches!(b, b'/' | b'#' | b'!'))
        .count();
    blank(bytes, 0..marker);
}

/// [`extract`] with the run's Postman environment files (`--postman-env`), which
/// resolve `{{variables}}` in every collection.
pub fn extract_with(file: &SourceFile, postman_env: &[PathBuf]) -> Extraction {
    extract_in_project(file, postman_env, None)
}

/// [`extract_with`] inside the run's project index: values imported from other modules
/// of the scanned tree are resolved (JavaScript, TypeScript, Python, Rust, shell).
pub fn extract_in_project(
    file: &SourceFile,
    postman_env: &[PathBuf],
    project: Option<&crate::resolve::ProjectIndex>,
) -> Extraction {
    let context = Context {
        postman_env,
        project,
    };
    support(file.language).extract(file, &context)
}

/// Other files whose values a file of this kind uses without naming them as imports (a
/// Bruno request's environments, an Ansible playbook's `vars_files` and `group_vars`):
/// the literal scan counts their literals too.
pub fn side_files(
    language: Language,
    path: &std::path::Path,
    text: &str,
) -> Vec<std::path::PathBuf> {
    match language {
        Language::Bruno => bruno::side_files(path),
        Language::Ansible => ansible::side_files(path, text),
        _ => Vec::new(),
    }
}

/// What a file reads through other files than its imports: the variables an env file
/// sets (`process.env.X`, `os.environ`/`os.getenv`, a shell's `$X`), and the `config`
/// package of Node (`require('config')`, `from 'config'`), whose values live in
/// `config/*.json`. The literal scan then counts the literals of those files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SettingsReads {
    pub environment: bool,
    pub node_config: bool,
}

/// [`SettingsReads`] of a text. Asked of nearly every file of a tree that fails the
/// literal scan: one SIMD search of the text for every spelling at once (it was one
/// search per spelling), then the words around a quoted `config`.
pub fn settings_reads(language: Language, text: &str) -> SettingsReads {
    type Searcher = std::sync::OnceLock<Option<aho_corasick::packed::Searcher>>;
    // Pattern ids: the environment's spellings first, then the quoted names.
    const JS: [&str; 4] = ["process.env", "import.meta.env", "'config'", "\"config\""];
    const PY: [&str; 2] = ["environ", "getenv"];
    static JS_SEARCH: Searcher = std::sync::OnceLock::new();
    static PY_SEARCH: Searcher = std::sync::OnceLock::new();
    let (patterns, search): (&[&str], _) = match language {
        Language::JavaScript | Language::TypeScript | Language::Tsx => (&JS, &JS_SEARCH),
        Language::Python | Language::Notebook => (&PY, &PY_SEARCH),
        Language::Shell => {
            return SettingsReads {
                environment: text.contains('$'),
                node_config: false,
            }
        }
        _ => return SettingsReads::default(),
    };
    let bytes = text.as_bytes();
    let mut reads = SettingsReads::default();
    let mut seen = |id: usize, start: usize, end: usize| {
        if id < 2 {
            reads.environment = true;
        } else {
            // Two quoted names that overlap share a quote: the second then follows a
            // letter, never `require(` or `from `, so the non-overlapping matches are
            // enough.
            let before = &bytes[..start];
            reads.node_config |= (before.ends_with(b"require(") && bytes[end..].starts_with(b")"))
                || before.ends_with(b"from ");
        }
        // Done when nothing more can be learned.
        reads.environment && (reads.node_config || patterns.len() == 2)
    };
    match search.get_or_init(|| aho_corasick::packed::Searcher::new(patterns.iter())) {
        Some(searcher) => {
            for m in searcher.find_iter(bytes) {
                if seen(m.pattern().as_usize(), m.start(), m.end()) {
                    break;
                }
            }
        }
        // No packed searcher on this machine: a search per spelling.
        None => {
            for (id, p) in patterns.iter().enumerate() {
                for (start, _) in text.match_indices(p) {
                    seen(id, start, start + p.len());
                }
            }
        }
    }
    reads
}

/// Renders a rewrite of `call` as edits in the file's language.
pub fn render(
    file: &SourceFile,
    call: &HttpCall,
    rewrite: &RewritePlan,
) -> Result<Vec<Edit>, String> {
    render_batch(file, &Extraction::default(), &[(call, rewrite)])
        .pop()
        .expect("one result per item")
}

/// Renders several rewrites of one file (the file is read once for all of them).
pub fn render_batch(
    file: &SourceFile,
    extraction: &Extraction,
    items: &[(&HttpCall, &RewritePlan)],
) -> Vec<Result<Vec<Edit>, String>> {
    support(file.language).spell(file, extraction, items)
}

/// Parses `text` with a tree-sitter `parser`, giving up when the file's analysis has
/// been abandoned (its deadline passed: see [`crate::isolate`]). `earlier` is the tree
/// of an earlier version of the text, already edited to match it, whose unchanged
/// parts are reused.
pub(crate) fn parse_tree(
    parser: &mut tree_sitter::Parser,
    text: &str,
    earlier: Option<&tree_sitter::Tree>,
) -> Option<tree_sitter::Tree> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut cancel = |_: &tree_sitter::ParseState| crate::isolate::cancelled();
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut cancel);
    let tree = parser.parse_with_options(
        &mut |i, _| if i < len { &bytes[i..] } else { &[] },
        earlier,
        Some(options),
    );
    if tree.is_none() {
        parser.reset();
    }
    tree
}

/// Which token of an ERROR node the message shows: JavaScript's parser usually stops
/// at the last one; Python's ERROR nodes start where the broken statement does.
#[derive(Clone, Copy)]
pub(crate) enum ErrorToken {
    Last,
    First,
}

/// The first ERROR or MISSING node of a tree-sitter tree, with a short message
/// (the JavaScript/TypeScript and Python front ends).
pub(crate) fn tree_syntax_error(
    root: tree_sitter::Node<'_>,
    text: &str,
    shown: ErrorToken,
) -> Option<(Span, String)> {
    if !root.has_error() {
        return recovered_error(root, text);
    }
    let mut node = root;
    'descend: loop {
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.is_missing() {
                let what = child.kind_name();
                let what = if what.is_empty() { "token" } else { what };
                return Some((
                    child.byte_range(),
                    format!("syntax error: missing `{what}`"),
                ));
            }
            if child.is_error() {
                return Some((child.byte_range(), error_message(child, text, shown)));
            }
            if child.has_error() {
                node = child;
                continue 'descend;
            }
        }
        // The error flag is set but no child carries it: report the node itself.
        return Some((node.byte_range(), "syntax error".into()));
    }
}

/// What tree-sitter accepts without an ERROR node but the language's own parser
/// rejects: a Python block with no statement (`if x:` followed by a line that is not
/// indented), a control character inside an identifier (a DEL byte in a JavaScript
/// name). Such a file is unparseable for the purpose of `fix`.
fn recovered_error(root: tree_sitter::Node<'_>, text: &str) -> Option<(Span, String)> {
    let python = root.kind_name() == "module";
    let controls = text
        .bytes()
        .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)) || b == 0x7f)
        || text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c));
    if !python && !controls {
        return None;
    }
    // Kinds compared by id: `Node::kind` converts the grammar's C string each time,
    // and this walk meets every node of the file.
    let language = root.language();
    let id = |kind: &str| language.id_for_node_kind(kind, true);
    let block = python.then(|| id("block"));
    if !controls {
        // No Python expression holds a block: without names to read, only the named
        // nodes that can hold one are visited (most of a file is left out), in source
        // order.
        let holders: Vec<u16> = PYTHON_BLOCK_HOLDERS
            .iter()
            .map(|k| id(k))
            .filter(|&i| i != 0)
            .collect();
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            // `named_children` leaves comments out.
            let children = fields::named_children(node);
            if Some(node.kind_id()) == block && children.is_empty() {
                let at = node.start_byte();
                return Some((at..at, EXPECTED_BLOCK.into()));
            }
            let first = stack.len();
            stack.extend(
                children
                    .into_iter()
                    .filter(|c| holders.contains(&c.kind_id())),
            );
            stack[first..].reverse();
        }
        return None;
    }
    // A control character in the text: every name is read, in a walk over every node.
    struct Search<'a> {
        text: &'a str,
        block: Option<u16>,
        found: Option<(Span, String)>,
    }
    impl<'t> tree_walk::Visitor<'t> for Search<'_> {
        fn enter(&mut self, node: tree_sitter::Node<'t>, _: tree_walk::At<'t>) -> bool {
            if self.found.is_some() {
                return false;
            }
            if Some(node.kind_id()) == self.block && fields::named_children(node).is_empty() {
                let at = node.start_byte();
                self.found = Some((at..at, EXPECTED_BLOCK.into()));
            } else if node.child_count() == 0
                && node.kind_name().contains("identifier")
                && self.text[node.byte_range()].chars().any(char::is_control)
            {
                self.found = Some((
                    node.byte_range(),
                    "syntax error: control character in a name".into(),
                ));
            }
            self.found.is_none()
        }

        fn leave(&mut self, _: tree_sitter::Node<'t>) {}
    }
    let mut search = Search {
        text,
        block,
        found: None,
    };
    tree_walk::traverse(root, &mut search);
    search.found
}

const EXPECTED_BLOCK: &str = "syntax error: expected an indented block";

/// The kinds of tree-sitter-python that can hold a block: the module, blocks, and
/// compound statements and their clauses.
const PYTHON_BLOCK_HOLDERS: &[&str] = &[
    "module",
    "block",
    "function_definition",
    "class_definition",
    "decorated_definition",
    "if_statement",
    "elif_clause",
    "else_clause",
    "for_statement",
    "while_statement",
    "try_statement",
    "except_clause",
    "except_group_clause",
    "finally_clause",
    "with_statement",
    "match_statement",
    "case_clause",
];

fn error_message(error: tree_sitter::Node<'_>, text: &str, shown: ErrorToken) -> String {
    if error.end_byte() >= text.trim_end().len() {
        return "syntax error: unexpected end of file".into();
    }
    let token = match shown {
        // The token tree-sitter could not fit is usually the last one of the node.
        ErrorToken::Last => {
            let mut last = error;
            while let Some(c) = last.child(last.child_count().saturating_sub(1)) {
                last = c;
            }
            text[last.byte_range()].trim()
        }
        ErrorToken::First => text[error.byte_range()].trim(),
    };
    if token.is_empty() {
        return "syntax error".into();
    }
    let shown: String = token.chars().take(20).collect();
    let ellipsis = if shown.len() < token.len() { "…" } else { "" };
    format!("syntax error: unexpected `{shown}{ellipsis}`")
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn loading_the_config_package_is_told_in_every_spelling() {
        let js = |t: &str| settings_reads(Language::JavaScript, t).node_config;
        assert!(js("const config = require('config');"));
        assert!(js("const config = require(\"config\");"));
        assert!(js("import config from 'config';"));
        assert!(js("import c from \"config\"; x('config'config')"));
        assert!(js("a('config'); b = require('config')"));
        assert!(js("const c = require('config').get('api');"));
        assert!(js("const e = process.env.X; const c = require('config');"));
        assert!(!js(
            "require('config/x'); load('config'); require ('config')"
        ));
        assert!(!js("const s = 'config'"));
        assert!(!settings_reads(Language::Python, "from 'config'").node_config);
    }

    #[test]
    fn reading_the_environment_is_told_in_every_language_that_can() {
        let reads = |l: Language, t: &str| settings_reads(l, t).environment;
        assert!(reads(Language::JavaScript, "const u = process.env.BASE;"));
        assert!(reads(Language::Tsx, "const u = import.meta.env.VITE_BASE;"));
        assert!(reads(
            Language::TypeScript,
            "import c from 'config'; const u = process.env.BASE;"
        ));
        assert!(!reads(Language::JavaScript, "const u = env.BASE;"));
        assert!(reads(Language::Python, "base = os.environ['BASE']"));
        assert!(reads(Language::Python, "base = os.getenv('BASE')"));
        assert!(!reads(Language::Python, "base = settings.BASE"));
        assert!(reads(Language::Shell, "curl \"$BASE/api\""));
        assert!(!reads(Language::Markdown, "process.env.BASE"));
        let both = settings_reads(
            Language::JavaScript,
            "const c = require('config'); const u = process.env.BASE;",
        );
        assert!(both.environment && both.node_config);
    }

    /// Every language, written so that a new variant fails to compile here until it
    /// is listed (and so checked for a registry line).
    fn all_languages() -> Vec<Language> {
        let all = [
            Language::JavaScript,
            Language::TypeScript,
            Language::Tsx,
            Language::Postman,
            Language::Python,
            Language::Rust,
            Language::Shell,
            Language::Markdown,
            Language::Http,
            Language::CiWorkflow,
            Language::Notebook,
            Language::Dockerfile,
            Language::Makefile,
            Language::Har,
            Language::Bruno,
            Language::Insomnia,
            Language::Ansible,
            Language::Dotenv,
            Language::Config,
        ];
        for l in all {
            match l {
                Language::JavaScript
                | Language::TypeScript
                | Language::Tsx
                | Language::Postman
                | Language::Python
                | Language::Rust
                | Language::Shell
                | Language::Markdown
                | Language::Http
                | Language::CiWorkflow
                | Language::Notebook
                | Language::Dockerfile
                | Language::Makefile
                | Language::Har
                | Language::Bruno
                | Language::Insomnia
                | Language::Ansible
                | Language::Dotenv
                | Language::Config => {}
            }
        }
        all.to_vec()
    }

    #[test]
    fn a_python_block_without_statements_is_found_at_any_depth() {
        let nested = [
            "if x:\ny = 1\n",
            "def f(a=g(1)):\n    return [h(b) for b in a]\nclass C:\n    def m(self):\n        if x:\n        y = 1\n",
            "@d\ndef f():\n    for a in b:\n        while c:\n            with e as g:\n                try:\n                    pass\n                finally:\n                # only a comment\n                h()\n",
            "match v:\n    case 1:\n        if x:\n        y = 1\n",
        ];
        for text in nested {
            let (span, message) = python::syntax_check(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(
                message, "syntax error: expected an indented block",
                "{text}"
            );
            assert_eq!(span.start, span.end, "{text}");
        }
        for text in [
            "def f():\n    x = lambda: 1\n    return x\n",
            "class C:\n    # a comment\n    pass\n",
        ] {
            assert_eq!(python::syntax_check(text), None, "{text}");
        }
    }

    #[test]
    fn every_language_has_exactly_one_front_end() {
        for language in all_languages() {
            let owners = REGISTRY
                .iter()
                .filter(|s| s.languages().contains(&language))
                .count();
            assert_eq!(owners, 1, "{language:?} is read by {owners} front ends");
        }
    }

    #[test]
    fn paths_are_claimed_by_the_most_specific_name() {
        let cases = [
            ("api.postman_collection.json", Some(Language::Postman)),
            ("env.postman_environment.json", Some(Language::Postman)),
            (".github/workflows/ci.yml", Some(Language::CiWorkflow)),
            (".gitlab-ci.yml", Some(Language::CiWorkflow)),
            ("insomnia-export.json", Some(Language::Insomnia)),
            ("playbooks/offboard.yml", Some(Language::Ansible)),
            ("roles/users/tasks/main.yaml", Some(Language::Ansible)),
            ("src/jobs/offboard.mjs", Some(Language::JavaScript)),
            ("src/jobs/offboard.cts", Some(Language::TypeScript)),
            ("src/App.tsx", Some(Language::Tsx)),
            ("jobs/offboard.pyi", Some(Language::Python)),
            ("src/main.rs", Some(Language::Rust)),
            ("bin/offboard.zsh", Some(Language::Shell)),
            ("docs/api.markdown", Some(Language::Markdown)),
            ("requests/users.rest", Some(Language::Http)),
            ("notebooks/cleanup.ipynb", Some(Language::Notebook)),
            ("traffic.har", Some(Language::Har)),
            ("collection/Delete user.bru", Some(Language::Bruno)),
            ("Dockerfile.prod", Some(Language::Dockerfile)),
            ("build/app.dockerfile", Some(Language::Dockerfile)),
            ("Containerfile", Some(Language::Dockerfile)),
            // An extension says more than a `Dockerfile.` prefix.
            ("Dockerfile.sh", Some(Language::Shell)),
            ("GNUmakefile", Some(Language::Makefile)),
            ("rules.mk", Some(Language::Makefile)),
            (".env", Some(Language::Dotenv)),
            ("deploy/.env.production", Some(Language::Dotenv)),
            ("config/staging.env", Some(Language::Dotenv)),
            (".envrc", None),
            ("data/users.json", None),
            ("config.yml", None),
            ("README", None),
            ("src/main.JS", None),
        ];
        for (path, want) in cases {
            assert_eq!(language_of_path(Path::new(path)), want, "{path}");
        }
    }
}
