//! Which files of a package set an attribute on `self`: the index behind reads through
//! objects whose class is not known where they are read.
//!
//! SDKs pass their client object around untyped (`def delete(client, user_id)`) and
//! read its settings (`client.core_settings['v2_base']`,
//! `client.settings.get('base_url')`). The class that fills those settings is defined
//! once, somewhere in the package. This index lists, per package, the files that assign
//! `self.<attr>` (or an item of it), so the reader can lower just those files and take
//! the value when exactly one class of the package defines it.
//!
//! Bounded: a package is walked once per run (at most [`MAX_FILES`] Python files, each
//! at most [`super::MAX_MODULE_BYTES`]), hidden folders, virtualenvs and installed
//! packages are skipped, and at most [`MAX_ATTRS`] attributes of one file are kept.
//!
//! Not for: deciding which class the object is (the reader asks for "exactly one
//! class sets it"), or languages other than Python.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// How many Python files of one package are indexed.
const MAX_FILES: usize = 4_000;
/// How many attributes one file contributes.
const MAX_ATTRS: usize = 400;
/// How many files one attribute may be set in for the index to list it (an attribute
/// set all over the package, such as `self.name`, cannot single out a class).
const MAX_PROVIDERS: usize = 16;

/// The files of one package that assign each attribute of `self`.
#[derive(Debug, Default)]
pub struct Members {
    by_attr: HashMap<String, Vec<PathBuf>>,
}

impl Members {
    /// The files that set `self.<attr>`, or nothing when none or too many do.
    pub fn providers(&self, attr: &str) -> &[PathBuf] {
        match self.by_attr.get(attr) {
            Some(files) if files.len() <= MAX_PROVIDERS => files,
            _ => &[],
        }
    }

    fn build(root: &Path, recursive: bool) -> Self {
        let mut files = Vec::new();
        collect_python(root, recursive, &mut files);
        let mut by_attr: HashMap<String, Vec<PathBuf>> = HashMap::new();
        for file in files {
            let Some(text) = super::read_module(&file) else {
                continue;
            };
            for attr in self_assignments(&text) {
                let entry = by_attr.entry(attr).or_default();
                if !entry.contains(&file) {
                    entry.push(file.clone());
                }
            }
        }
        Members { by_attr }
    }
}

/// Folders that never hold the package's own modules.
fn skipped_dir(name: &str) -> bool {
    name.starts_with('.')
        || matches!(
            name,
            "node_modules" | "site-packages" | "dist-packages" | "__pycache__" | "venv" | "env"
        )
}

fn collect_python(dir: &Path, recursive: bool, out: &mut Vec<PathBuf>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            if out.len() >= MAX_FILES {
                return;
            }
            let name = e.file_name().to_string_lossy().into_owned();
            let Ok(kind) = e.file_type() else {
                continue;
            };
            let path = if d.as_os_str().is_empty() {
                PathBuf::from(&name)
            } else {
                d.join(&name)
            };
            if kind.is_dir() {
                if recursive && !skipped_dir(&name) {
                    stack.push(path);
                }
            } else if kind.is_file() && name.ends_with(".py") {
                out.push(path);
            }
        }
    }
}

/// The attributes a Python text assigns on `self` at the start of a statement:
/// `self.x = …`, `self.x: T = …`, `self.x[…] = …` (not `==`).
pub fn self_assignments(text: &str) -> Vec<String> {
    // Every Python file of a package is read for this when the index is built: the
    // lines that open with `self.` are found from a SIMD search for it, rather than by
    // reading every line.
    static SELF: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    let finder = SELF.get_or_init(|| aho_corasick::AhoCorasick::new(["self."]).expect("a literal"));
    let mut out: Vec<String> = Vec::new();
    for m in finder.find_iter(text) {
        // The line (as `str::lines` gives it) must hold only white space before it.
        let start = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
        if !text[start..m.start()].chars().all(char::is_whitespace) {
            continue;
        }
        let line = match text[m.end()..].find('\n') {
            Some(i) => {
                let line = &text[..m.end() + i];
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => text,
        };
        let rest = &line[m.end()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        let mut after = rest[name.len()..].trim_start();
        // Skip subscripts (`self.x[a][b] = …`), brackets balanced on this line.
        let mut broken = false;
        while let Some(inner) = after.strip_prefix('[') {
            let mut depth = 1usize;
            let mut end = None;
            for (i, c) in inner.char_indices() {
                match c {
                    '[' => depth += 1,
                    ']' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            match end {
                Some(e) => after = inner[e..].trim_start(),
                None => {
                    broken = true;
                    break;
                }
            }
        }
        if broken {
            continue;
        }
        // `self.x: T = …`: the annotation up to the `=`.
        if let Some(typed) = after.strip_prefix(':') {
            after = typed.find('=').map_or("", |i| &typed[i..]);
        }
        let assigns = after.starts_with('=') && !after.starts_with("==");
        if assigns && !out.contains(&name) {
            out.push(name);
            if out.len() >= MAX_ATTRS {
                break;
            }
        }
    }
    out
}

/// The attributes a Python text reads through an object other than `self`/`cls` with
/// an item or `.get(…)` after them (`client.settings['base']`,
/// `client.settings.get('base')`, `self.client.settings['base']`): the reads the index
/// can answer.
pub fn member_reads(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let bytes = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while let Some(off) = text[i..].find('.') {
        let dot = i + off;
        i = dot + 1;
        // The object before the dot: a plain name, not `self`/`cls`.
        let mut s = dot;
        while s > 0 && word(bytes[s - 1]) {
            s -= 1;
        }
        let object = &text[s..dot];
        if object.is_empty()
            || matches!(object, "self" | "cls")
            || object.as_bytes()[0].is_ascii_digit()
        {
            continue;
        }
        let mut e = dot + 1;
        while e < bytes.len() && word(bytes[e]) {
            e += 1;
        }
        let attr = &text[dot + 1..e];
        if attr.is_empty() || attr.as_bytes()[0].is_ascii_digit() {
            continue;
        }
        let rest = &text[e..];
        let item = rest.starts_with("['") || rest.starts_with("[\"");
        let get = rest.starts_with(".get('") || rest.starts_with(".get(\"");
        if (item || get) && !out.iter().any(|a| a == attr) {
            out.push(attr.to_string());
            if out.len() >= MAX_ATTRS {
                break;
            }
        }
    }
    out
}

/// The folder whose Python files make up the package of `file`: the topmost folder
/// above it that still has an `__init__.py` (walked recursively), or the file's own
/// folder when it is not in a package (walked alone).
pub fn package_root(file: &Path) -> (PathBuf, bool) {
    let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
    let has_init = |d: &Path| d.join("__init__.py").is_file();
    if !has_init(&dir) {
        return (dir, false);
    }
    let mut top = dir;
    for _ in 0..super::MAX_ROOT_DEPTH {
        let up = match top.parent() {
            Some(p) if !top.as_os_str().is_empty() && top != Path::new(".") => p.to_path_buf(),
            _ => super::normalise(&top.join("..")),
        };
        if !has_init(&up) || up == top {
            break;
        }
        top = up;
    }
    (top, true)
}

/// The per-run member indexes, one per package root.
#[derive(Default)]
pub struct MemberIndexes {
    packages: std::sync::Mutex<HashMap<PathBuf, Arc<OnceLock<Members>>>>,
}

impl MemberIndexes {
    /// The index of the package of `file`, built on first request.
    pub fn of(&self, file: &Path) -> Option<Arc<OnceLock<Members>>> {
        let (root, recursive) = package_root(file);
        let cell = {
            let mut packages = self.packages.lock().ok()?;
            Arc::clone(packages.entry(root.clone()).or_default())
        };
        cell.get_or_init(|| Members::build(&root, recursive));
        Some(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_assignments_are_found() {
        let text = "class A:\n    def __init__(self):\n        self.core_settings = {}\n        self.core_settings['v2_base'] = f\"{b}/api/2.0\"\n        self.auth: dict = {}\n        if self.name == 'x':\n            pass\n        self.items[k][j] = 1\n";
        assert_eq!(
            self_assignments(text),
            vec!["core_settings", "auth", "items"]
        );
    }

    #[test]
    fn self_assignments_open_their_line() {
        // As reading line by line would: CRLF endings, indentation of any white
        // space, a last line without an ending, `self.` inside a line.
        let text = "a = 1\r\n\tself.a = 1\r\n x = self.b = 2\n\u{a0}self.c[0] = 3\r\nself.\r\nself.d=4\r\n  self.e: int = 5\nself.f == 6\r\nself.g = 7";
        assert_eq!(self_assignments(text), vec!["a", "c", "d", "e", "g"]);
        assert_eq!(self_assignments("self.h\r"), Vec::<String>::new());
        assert_eq!(self_assignments("\n\nself.i = 1\n"), vec!["i"]);
    }

    #[test]
    fn member_reads_skip_self_and_plain_attributes() {
        let text = "u = f\"{client.core_settings['v2_base']}/x\"\nv = obj.settings.get(\"base\")\nw = self.cfg['k']\nx = a.b.c['k']\ny = client.session_key\nz = self.client.cfg.get('k')\n";
        assert_eq!(
            member_reads(text),
            vec!["core_settings", "settings", "c", "cfg"]
        );
    }
}
