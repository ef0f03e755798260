//! A scanned file's text and the mapping from byte offsets to 1-based line/column
//! positions (columns count Unicode characters, as SPEC §4 requires).

use serde::Serialize;
use std::path::{Path, PathBuf};

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The languages (and request formats) apimigrate has a front end for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Language {
    JavaScript,
    TypeScript,
    Tsx,
    /// Postman collections (v2.0, v2.1) and environments.
    Postman,
    Python,
    Rust,
    /// Shell scripts (`.sh .bash .zsh`): curl (and httpie) command lines.
    Shell,
    /// Markdown documents: curl lines in fenced `sh`/`bash`/`shell`/`console`/`curl` blocks.
    Markdown,
    /// HTTP request files (`.http .rest`; VS Code REST Client and JetBrains dialects).
    Http,
    /// CI workflows: GitHub Actions (`.github/workflows/*.yml`) and GitLab CI
    /// (`.gitlab-ci.yml`); the shell of their `run:`/`script:` values.
    CiWorkflow,
    /// Jupyter notebooks (`.ipynb`): the code cells of a Python notebook.
    Notebook,
    /// Dockerfiles (`Dockerfile`, `Dockerfile.*`, `*.dockerfile`, `Containerfile`): the
    /// shell of their `RUN` instructions.
    Dockerfile,
    /// Makefiles (`Makefile`, `makefile`, `GNUmakefile`, `*.mk`): their recipe lines.
    Makefile,
    /// HAR recordings (`.har`): recorded requests, reported and never fixed.
    Har,
    /// Bruno request files (`.bru`), reported and left to a person to fix.
    Bruno,
    /// Insomnia v4 exports (a `.json` file whose content says so): their requests.
    Insomnia,
    /// Ansible playbooks and task files (YAML): their `uri` module calls.
    Ansible,
    /// Environment files (`.env`, `.env.*`, `*.env`): `KEY=value` lines, whose URLs
    /// are base URLs and whose values `process.env.X` and its kin read.
    Dotenv,
    /// Configuration documents (`config.json`, `settings.yaml`, `config/*.yml`…):
    /// their URLs are base URLs.
    Config,
}

impl Language {
    /// Why findings in files of this kind are never fixed, for the kinds that are
    /// evidence rather than code (a HAR recording of traffic).
    pub fn never_fixed(self) -> Option<&'static str> {
        match self {
            Language::Har => Some(
                "a HAR file is a recording of traffic, evidence rather than code: fix the code or \
                 collection that sent the request, then record again",
            ),
            _ => None,
        }
    }

    /// The language a `#!` line names, if any.
    pub fn of_shebang(text: &str) -> Option<Language> {
        let line = text.strip_prefix("#!")?.lines().next()?;
        let mut words = line.split_whitespace();
        let mut program = words.next()?.rsplit('/').next()?;
        if program == "env" {
            program = words.find(|w| !w.starts_with('-'))?;
        }
        let program = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        match program {
            "sh" | "bash" | "zsh" | "dash" | "ksh" => Some(Language::Shell),
            "python" => Some(Language::Python),
            "node" => Some(Language::JavaScript),
            _ => None,
        }
    }

    /// The short name used in rule examples (`lang = "js"`).
    pub fn from_example_name(name: &str) -> Option<Language> {
        match name {
            "js" | "javascript" => Some(Language::JavaScript),
            "ts" | "typescript" => Some(Language::TypeScript),
            "tsx" => Some(Language::Tsx),
            "py" | "python" => Some(Language::Python),
            "rs" | "rust" => Some(Language::Rust),
            "sh" | "bash" | "shell" => Some(Language::Shell),
            "md" | "markdown" => Some(Language::Markdown),
            "http" | "rest" => Some(Language::Http),
            _ => None,
        }
    }

    /// Whether the language is a programming language whose string literals can be
    /// interpolated (f-strings, template literals, `format!`), as opposed to a request
    /// format or command line.
    pub fn is_code(self) -> bool {
        matches!(
            self,
            Language::JavaScript
                | Language::TypeScript
                | Language::Tsx
                | Language::Python
                | Language::Rust
        )
    }
}

/// Whether a path is a CI workflow: `.gitlab-ci.yml`, or a YAML file directly in a
/// `.github/workflows` folder.
pub fn is_ci_workflow(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == ".gitlab-ci.yml" || name == ".gitlab-ci.yaml" {
        return true;
    }
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    let mut dirs = path.parent().into_iter().flat_map(|p| p.components().rev());
    let workflows = dirs.next().is_some_and(|c| c.as_os_str() == "workflows");
    yaml && workflows && dirs.next().is_some_and(|c| c.as_os_str() == ".github")
}

/// Whether a path is a Dockerfile: `Dockerfile`, `Containerfile` (and either with a
/// `.suffix`, `Dockerfile.prod`), or `*.dockerfile`.
pub fn is_dockerfile(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    stem == "Dockerfile"
        || stem == "Containerfile"
        || name
            .rsplit_once('.')
            .is_some_and(|(s, e)| !s.is_empty() && e.eq_ignore_ascii_case("dockerfile"))
}

/// Files larger than this are not scanned (minified bundles, generated code).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A path as shown to the user: relative to the current directory when under it.
pub fn display_path(path: &Path) -> PathBuf {
    // The current directory only for an absolute path, and asked once per process:
    // asking is a system call, and a scan shows every file's path (2 to 3 % of a large
    // tree's CPU went there). Nothing here changes the current directory.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let cwd = path
        .is_absolute()
        .then(|| CWD.get_or_init(|| std::env::current_dir().ok()).as_ref())
        .flatten();
    let shown = match cwd {
        Some(cwd) => path
            .strip_prefix(cwd)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf()),
        None => path.to_path_buf(),
    };
    shown
        .strip_prefix("./")
        .map(Path::to_path_buf)
        .unwrap_or(shown)
}

/// A place of a file where a person writes about it: a comment, or a description
/// field in a format without comments. Inline suppressions are read here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub span: std::ops::Range<usize>,
    /// Where the comment's text starts and ends, without `//`, `#`, `/*`, `*/`.
    pub content: std::ops::Range<usize>,
    /// The bytes the comment governs when it is not a line comment (a Postman item's
    /// `description` covers the whole item).
    pub covers: Option<std::ops::Range<usize>>,
    /// How a line break is written in the text: `\n`, or the escape `\\n` inside a JSON
    /// string.
    pub line_break: &'static str,
}

/// A file's path (as shown to the user) and text.
pub struct SourceFile {
    /// Path as displayed: relative to the current directory when possible.
    pub path: PathBuf,
    pub text: String,
    pub language: Language,
    /// The file started with a UTF-8 byte-order mark (stripped from `text`).
    pub bom: bool,
    /// The file is UTF-16 (with a byte-order mark); `text` is its UTF-8 transcoding,
    /// so offsets are not the file's and fixes are not written back.
    pub utf16: bool,
    /// The file is an editor's document that keeps changing: its check keeps the
    /// syntax tree of the text in `tree`, to parse the next version from.
    pub incremental: bool,
    /// Before a check: the syntax tree of an earlier version of the file, already told
    /// of the edits that made `text` (see `tree_sitter::Tree::edit`), whose unchanged
    /// parts the parser reuses. After the check of an `incremental` file: the tree of
    /// `text`, when its front end parses with tree-sitter.
    pub tree: Option<tree_sitter::Tree>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: String, language: Language) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path,
            text,
            language,
            bom: false,
            utf16: false,
            incremental: false,
            tree: None,
            line_starts,
        }
    }

    /// The 1-based position of a byte offset (clamped to the text, snapped back to a
    /// character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.line_starts[line_index];
        let column = self.text[line_start..offset].chars().count() + 1;
        Position {
            line: line_index + 1,
            column,
        }
    }

    pub fn display_path(&self) -> String {
        self.path.to_string_lossy().replace('\\', "/")
    }
}

/// A file's bytes read as text.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded {
    /// UTF-8, with or without a byte-order mark (stripped).
    Utf8 { text: String, bom: bool },
    /// UTF-16 with a byte-order mark, transcoded.
    Utf16 { text: String },
    /// Not valid UTF-8: the text with replacement characters, and the first bad byte.
    Invalid { lossy: String, at: usize },
    /// A NUL byte in the first 8 KiB of a file without a UTF-16 byte-order mark.
    Binary,
}

/// Reads a file's bytes as text: UTF-8 (an optional BOM is stripped), or UTF-16 when
/// a UTF-16 byte-order mark says so; binary when a NUL byte shows early.
pub fn decode(bytes: Vec<u8>) -> Decoded {
    let utf16 = |rest: &[u8], be: bool| {
        let units = rest.chunks(2).map(|c| match (c, be) {
            ([a, b], true) => u16::from_be_bytes([*a, *b]),
            ([a, b], false) => u16::from_le_bytes([*a, *b]),
            _ => 0xFFFD,
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Decoded::Utf16 {
            text: utf16(rest, false),
        };
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Decoded::Utf16 {
            text: utf16(rest, true),
        };
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Decoded::Binary;
    }
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest.to_vec(), true),
        None => (bytes, false),
    };
    match String::from_utf8(bytes) {
        Ok(text) => Decoded::Utf8 { text, bom },
        Err(e) => Decoded::Invalid {
            at: e.utf8_error().valid_up_to(),
            lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shebangs_name_languages() {
        assert_eq!(
            Language::of_shebang("#!/bin/bash\nset -e"),
            Some(Language::Shell)
        );
        assert_eq!(
            Language::of_shebang("#!/usr/bin/env -S python3.11 -u\n"),
            Some(Language::Python)
        );
        assert_eq!(
            Language::of_shebang("#!/usr/bin/env node"),
            Some(Language::JavaScript)
        );
        assert_eq!(Language::of_shebang("#!/usr/bin/perl"), None);
        assert_eq!(Language::of_shebang("echo hi"), None);
    }

    #[test]
    fn positions_count_characters() {
        let f = SourceFile::new("a.js".into(), "ab\né✓x\n".into(), Language::JavaScript);
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        // 'x' comes after two multi-byte characters: column 3.
        assert_eq!(f.position(3 + 2 + 3), Position { line: 2, column: 3 });
        assert_eq!(f.position(999), Position { line: 3, column: 1 });
    }

    #[test]
    fn utf16_with_a_bom_is_read() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("curl é".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(
            decode(le),
            Decoded::Utf16 {
                text: "curl é".into()
            }
        );
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("x\n".encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        assert_eq!(decode(be), Decoded::Utf16 { text: "x\n".into() });
        assert_eq!(decode(b"a\0b".to_vec()), Decoded::Binary);
        assert_eq!(
            decode(b"\xEF\xBB\xBFok".to_vec()),
            Decoded::Utf8 {
                text: "ok".into(),
                bom: true
            }
        );
    }
}
