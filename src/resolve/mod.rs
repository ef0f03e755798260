//! The project index: what other modules of the scanned tree export, loaded on demand.
//!
//! A front end that meets a name imported from another module of the project
//! (`import { BASE } from './settings'`, `require('./config').khoros.baseUrl`, Python
//! `from .settings import BASE`, Rust `use crate::config::BASE`, a shell `source
//! ./env.sh`) asks the index for that module's exports (values, and wrapper functions
//! with the requests they send as [`wrapper::Wrapper`]s). The index finds the file, has the module's front end lower it
//! once (a [`Lower`] function, so this room never imports a front end), and keeps the
//! result for the rest of the run, shared by every worker thread.
//!
//! Bounded: an import chain is followed at most [`MAX_DEPTH`] modules deep, a module
//! being loaded on this thread is not loaded again (cycles end there; a module whose
//! cycle came back to itself is kept with the modules it asked for, and reused while
//! none of them is being loaded: see [`ProjectIndex::module`]), files larger
//! than [`MAX_MODULE_BYTES`] are not read, and a module that is missing or does not
//! parse simply exports nothing. Two threads may lower the same module at once; the
//! first result stored wins (no lock is held while lowering, so cycles across threads
//! cannot deadlock).
//!
//! Not for: evaluating values (front ends do that with their own resolvers), or
//! modules outside the scanned file's directory tree given by a package name.

pub mod alternatives;
pub mod env;
pub mod members;
pub mod wrapper;

use crate::call::Span;
use crate::source::Position;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How many modules deep an import chain is followed (the importing file not counted).
pub const MAX_DEPTH: usize = 4;

/// How many resolved specifiers are remembered before the memory starts over.
const MAX_RESOLVED: usize = 16_384;

/// Modules larger than this are not read (huge generated modules).
pub const MAX_MODULE_BYTES: u64 = 1 << 20;

/// A piece of an exported text value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextPiece {
    Lit(String),
    /// Unknown where the module defines it: the expression as written there.
    Hole(String),
}

/// What an exported value is, as far as its module says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A string built of literal parts and holes.
    Text(Vec<TextPiece>),
    /// An object literal: its keys and their values (later keys win). Also a class or
    /// an instance of one: its methods.
    Object(Vec<(String, Exported)>),
    /// A function: the requests it sends on behalf of its callers (none when no
    /// parameter flows into a request), and what it returns when that is known (a
    /// text, an object of headers).
    Function {
        sends: Vec<wrapper::Wrapper>,
        returns: Option<Box<Exported>>,
    },
    /// An HTTP client instance with defaults (`axios.create({ baseURL, headers })`):
    /// a request whose URL is its base URL and whose headers are its headers.
    Client(Box<crate::call::HttpCall>),
    /// A value with alternatives (`#[cfg]` definitions, both arms of an `if`, an
    /// environment variable with a default): each alternative, first first, at most
    /// [`alternatives::MAX_ALTERNATIVES`], each a text written at its own place; one
    /// known only at run time is a text without a literal part. An importing call takes
    /// one at a choice point ([`Exported::choose`]) and is lowered once per alternative.
    OneOf(Vec<Exported>),
}

/// One exported value and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    pub shape: Shape,
    /// The module's path (as the importing file's path is displayed).
    pub path: PathBuf,
    /// The defining expression's span in that module.
    pub span: Span,
    /// Where `span` starts and ends in that module.
    pub start: Position,
    pub end: Position,
}

/// The text pieces of a value lowered in its own module, for export: `None` when no
/// piece of it is literal (a value wholly unknown there teaches nothing).
pub fn text_of(pieces: &[crate::call::Piece]) -> Option<Vec<TextPiece>> {
    use crate::call::Piece;
    if !pieces.iter().any(|p| matches!(p, Piece::Lit { .. })) {
        return None;
    }
    Some(
        pieces
            .iter()
            .map(|p| match p {
                Piece::Lit { text, .. } => TextPiece::Lit(text.clone()),
                Piece::Hole { expr, .. } => TextPiece::Hole(expr.clone()),
            })
            .collect(),
    )
}

/// The text a URL value evaluated to, as its module exports it: written at `here`'s
/// place (with `narrow`, one alternative of several: only the part of `whole` its
/// pieces come from, and kept without a literal part), or in the other module whose
/// value it wholly is (`BASE = settings.BASE`, `export const B = A` of an import).
/// `None` for a text with no literal part, unless `narrow`.
pub fn exported_text(
    pieces: &[crate::call::Piece],
    related: &[crate::call::Related],
    whole: Span,
    narrow: bool,
    here: impl FnOnce(Span, Shape) -> Exported,
) -> Option<Exported> {
    let (all, hull) = alternative_of(pieces, &whole);
    let pieces = match text_of(pieces) {
        Some(p) => p,
        None if narrow => all,
        None => return None,
    };
    if let [related] = related {
        if related.local == whole {
            return Some(Exported {
                shape: Shape::Text(pieces),
                path: related.path.clone(),
                span: related.span.clone(),
                start: related.start,
                end: related.end,
            });
        }
    }
    let span = match hull {
        Some(h) if narrow => h,
        _ => whole,
    };
    Some(here(span, Shape::Text(pieces)))
}

/// The text pieces of one alternative of a value lowered in its own module: every
/// piece, also when none is literal (an alternative known only at run time), and the
/// span of its own part of `whole` (the pieces' hull) when it has one.
pub fn alternative_of(
    pieces: &[crate::call::Piece],
    whole: &Span,
) -> (Vec<TextPiece>, Option<Span>) {
    use crate::call::Piece;
    let text = pieces
        .iter()
        .map(|p| match p {
            Piece::Lit { text, .. } => TextPiece::Lit(text.clone()),
            Piece::Hole { expr, .. } => TextPiece::Hole(expr.clone()),
        })
        .collect();
    let hull = pieces
        .iter()
        .map(|p| match p {
            Piece::Lit { span, .. } | Piece::Hole { span, .. } => span.clone(),
        })
        .filter(|s| whole.start <= s.start && s.end <= whole.end)
        .reduce(|a, b| a.start.min(b.start)..a.end.max(b.end));
    (text, hull)
}

impl Exported {
    /// A value of shape `shape` written at `span` of the module `path`, whose text is
    /// `text`.
    pub fn written(shape: Shape, path: &Path, text: &str, span: Span) -> Exported {
        Exported {
            shape,
            path: path.to_path_buf(),
            start: position_of(text, span.start),
            end: position_of(text, span.end),
            span,
        }
    }

    /// A function that sends nothing and returns `returns` (a settings function such
    /// as `def base_url(): return …`), placed where its return value is written.
    pub fn returning(returns: Exported) -> Exported {
        Exported {
            shape: Shape::Function {
                sends: Vec::new(),
                returns: Some(Box::new(returns.clone())),
            },
            ..returns
        }
    }

    /// The alternative of this value that `pick` takes, given each alternative as said
    /// in a message ([`Exported::said`]; `None`: known only at run time); this value
    /// itself when it has no alternatives (`pick` is not asked).
    pub fn choose(&self, pick: impl FnOnce(Vec<Option<String>>) -> usize) -> &Exported {
        match &self.shape {
            Shape::OneOf(alts) if alts.len() > 1 => {
                let k = pick(alts.iter().map(Exported::said).collect());
                &alts[k.min(alts.len() - 1)]
            }
            Shape::OneOf(alts) => alts.first().unwrap_or(self),
            _ => self,
        }
    }

    /// A text value as said in a message: a string with its unknown parts in braces
    /// (`"{HOST}/api/2.0"`); `None` for a text without a literal part (known only at
    /// run time) and for anything else.
    pub fn said(&self) -> Option<String> {
        let Shape::Text(pieces) = &self.shape else {
            return None;
        };
        if !pieces.iter().any(|p| matches!(p, TextPiece::Lit(_))) {
            return None;
        }
        let inner: String = pieces
            .iter()
            .map(|p| match p {
                TextPiece::Lit(t) => t.clone(),
                TextPiece::Hole(e) => format!("{{{e}}}"),
            })
            .collect();
        Some(format!("\"{inner}\""))
    }

    /// The alternatives `values` of one value as an export: the one alone, or
    /// [`Shape::OneOf`] of the distinct ones (at most
    /// [`alternatives::MAX_ALTERNATIVES`]), placed where the first is; `None` when
    /// none has a literal part.
    pub fn one_of(values: Vec<Exported>) -> Option<Exported> {
        let mut distinct: Vec<Exported> = Vec::new();
        for v in values {
            if !distinct.iter().any(|d| d.shape == v.shape) {
                distinct.push(v);
            }
        }
        distinct.truncate(alternatives::MAX_ALTERNATIVES);
        if !distinct.iter().any(|v| v.said().is_some()) {
            return None;
        }
        if distinct.len() == 1 {
            return distinct.pop();
        }
        let first = distinct[0].clone();
        Some(Exported {
            shape: Shape::OneOf(distinct),
            ..first
        })
    }

    /// This text value as it reads where another file uses it as `expr` at `local`:
    /// its pieces, each spanning the use (a literal is not written there, so it is not
    /// exact), and the related location of its definition, saying `message`. `None`
    /// for a value that is not text, or (with `needs_literal`) has no literal part.
    pub fn spelled_at(
        &self,
        expr: &str,
        local: &Span,
        message: String,
        needs_literal: bool,
    ) -> Option<(Vec<crate::call::Piece>, crate::call::Related)> {
        use crate::call::Piece;
        let pieces = match &self.shape {
            Shape::Text(pieces) => pieces,
            // Read by a front end that does not choose: the first alternative that
            // spells.
            Shape::OneOf(alts) => {
                return alts
                    .iter()
                    .find_map(|a| a.spelled_at(expr, local, message.clone(), needs_literal))
            }
            _ => return None,
        };
        if needs_literal && !pieces.iter().any(|p| matches!(p, TextPiece::Lit(_))) {
            return None;
        }
        let spelled = pieces
            .iter()
            .map(|p| match p {
                TextPiece::Lit(text) => Piece::Lit {
                    text: text.clone(),
                    span: local.clone(),
                    exact: false,
                },
                TextPiece::Hole(e) => Piece::Hole {
                    expr: e.clone(),
                    span: local.clone(),
                },
            })
            .collect();
        let related = crate::call::Related {
            path: self.path.clone(),
            span: self.span.clone(),
            start: self.start,
            end: self.end,
            message,
            expr: expr.to_string(),
            local: local.clone(),
            beside: Vec::new(),
            learned: false,
        };
        Some((spelled, related))
    }

    /// The value at `keys` inside this one, with the literal texts of the other text
    /// values of the object that holds it (at most 16, each cut at 200 bytes).
    pub fn at_with_siblings(&self, keys: &[String]) -> Option<(&Exported, Vec<String>)> {
        let (last, parent) = keys.split_last()?;
        let Shape::Object(fields) = &self.at(parent)?.shape else {
            return None;
        };
        let value = fields
            .iter()
            .rev()
            .find(|(k, _)| k == last)
            .map(|(_, v)| v)?;
        let siblings = fields
            .iter()
            .filter(|(k, _)| k != last)
            .filter_map(|(_, v)| match &v.shape {
                Shape::Text(pieces) => Some(
                    pieces
                        .iter()
                        .filter_map(|p| match p {
                            TextPiece::Lit(t) => Some(t.as_str()),
                            TextPiece::Hole(_) => None,
                        })
                        .collect::<String>(),
                ),
                _ => None,
            })
            .filter(|t| !t.is_empty())
            .map(|mut t| {
                if t.len() > 200 {
                    let mut cut = 200;
                    while !t.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    t.truncate(cut);
                }
                t
            })
            .take(16)
            .collect();
        Some((value, siblings))
    }

    /// The value at `keys` inside this one (`config.khoros.baseUrl`).
    pub fn at(&self, keys: &[String]) -> Option<&Exported> {
        let mut here = self;
        for key in keys {
            match &here.shape {
                Shape::Object(fields) => {
                    here = fields
                        .iter()
                        .rev()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v)?
                }
                Shape::Text(_) | Shape::Function { .. } | Shape::Client(_) | Shape::OneOf(_) => {
                    return None
                }
            }
        }
        Some(here)
    }
}

/// An export of a module: its own value, or a name re-exported from another module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Export {
    Value(Exported),
    /// `export { name as alias } from 'from'`.
    From {
        from: String,
        name: String,
    },
}

/// What a module exports (`default` for `export default` / `module.exports = …`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleExports {
    pub names: HashMap<String, Export>,
    /// `export * from 'm'` and `module.exports = require('m')`.
    pub star: Vec<String>,
}

/// A module's relative specifiers and a front end's summary of its text.
pub type Summary = (Vec<String>, Vec<bool>);

/// Lowers a module's text into its exports: `(index, path, text, depth)`.
pub type Lower = fn(&ProjectIndex, &Path, &str, usize) -> ModuleExports;

/// The per-run cache of lowered modules.
#[derive(Default)]
pub struct ProjectIndex {
    /// Each module with the length and modification time of the file it was read from:
    /// a module rewritten during the run (by `fix`) is lowered again.
    modules: Mutex<HashMap<PathBuf, (Stamp, Arc<ModuleExports>)>>,
    /// Modules whose lowering came back to themselves through a cycle, each with the
    /// modules that lowering asked for: see [`ProjectIndex::module`].
    cyclic: Mutex<HashMap<PathBuf, Cyclic>>,
    /// Per module: the relative specifiers it imports, and a front end's summary of its
    /// text (the literal scan's findings), for deciding whether an importer is parsed.
    scanned: Mutex<HashMap<PathBuf, Arc<Summary>>>,
    /// Where a specifier written in a folder leads ([`resolve_specifier`] asks the file
    /// system several times per specifier, and every file of a package repeats the same
    /// imports). Rust paths are keyed by the importing file (`super` depends on it).
    resolved: Mutex<HashMap<(PathBuf, String), Option<PathBuf>>>,
    /// Per Python package: the files that set each attribute on `self`.
    members: members::MemberIndexes,
    /// Per folder: its environment files (see [`env`]).
    env_dirs: env::EnvDirs,
}

/// A module being lowered on this thread (see [`ProjectIndex::module`]).
struct Loading {
    path: PathBuf,
    /// Its lowering asked for itself, through a cycle (which ended there).
    cycled: bool,
    /// Its lowering asked for a module lowered below it on the thread (a cycle that
    /// ended at that module): its exports depend on where the chain started.
    cut_below: bool,
    /// Every module its lowering asked for, however deep.
    asked: HashSet<PathBuf>,
}

/// A module lowered through a cycle: its file's stamp, its exports, and the modules its
/// lowering asked for.
type Cyclic = (Stamp, Arc<ModuleExports>, Arc<HashSet<PathBuf>>);

/// A file's length and modification time.
type Stamp = (u64, Option<std::time::SystemTime>);

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_MODULE_BYTES {
        return None;
    }
    Some((meta.len(), meta.modified().ok()))
}

thread_local! {
    /// The modules being lowered on this thread, innermost last.
    static LOADING: RefCell<Vec<Loading>> = const { RefCell::new(Vec::new()) };
}

impl ProjectIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// [`resolve_specifier`], remembered for the rest of the run.
    pub fn resolve(&self, from: &Path, spec: &str) -> Option<PathBuf> {
        let at = if spec.starts_with(RS) {
            from.to_path_buf()
        } else {
            from.parent().unwrap_or(Path::new("")).to_path_buf()
        };
        let key = (at, spec.to_string());
        if let Some(hit) = self.resolved.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return hit;
        }
        let found = resolve_specifier(from, spec);
        if let Ok(mut m) = self.resolved.lock() {
            // Bounded: the walk goes folder by folder, so recent folders are what hits.
            if m.len() >= MAX_RESOLVED {
                m.clear();
            }
            m.insert(key, found.clone());
        }
        found
    }

    /// The exports of the module at `path` (lowered by `lower` on first request);
    /// `None` when it cannot be read, is too large, is being lowered on this thread
    /// (a cycle), or the chain is deeper than [`MAX_DEPTH`].
    pub fn module(&self, path: &Path, depth: usize, lower: Lower) -> Option<Arc<ModuleExports>> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let stamp = stamp(path)?;
        LOADING.with(|l| {
            if let Some(top) = l.borrow_mut().last_mut() {
                top.asked.insert(path.to_path_buf());
            }
        });
        if let Some((s, m)) = self.modules.lock().ok()?.get(path) {
            if *s == stamp {
                return Some(Arc::clone(m));
            }
        }
        let cycle = LOADING.with(|l| {
            let mut l = l.borrow_mut();
            let Some(at) = l.iter().position(|e| e.path == path) else {
                return false;
            };
            l[at].cycled = true;
            for entry in &mut l[at + 1..] {
                entry.cut_below = true;
            }
            true
        });
        if cycle {
            return None;
        }
        if let Some(exports) = self.cyclic_hit(path, stamp) {
            return Some(exports);
        }
        let text = read_module(path)?;
        LOADING.with(|l| {
            l.borrow_mut().push(Loading {
                path: path.to_path_buf(),
                cycled: false,
                cut_below: false,
                asked: HashSet::new(),
            })
        });
        let lowered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            lower(self, path, &text, depth + 1)
        }));
        let done = LOADING.with(|l| {
            let mut l = l.borrow_mut();
            let done = l.pop()?;
            if let Some(top) = l.last_mut() {
                top.asked.extend(done.asked.iter().cloned());
            }
            Some(done)
        })?;
        let exports = match lowered {
            Ok(exports) => Arc::new(exports),
            // The importing file's work was abandoned (its deadline): end it too.
            Err(payload) if crate::isolate::cancelled() => std::panic::resume_unwind(payload),
            // A bug in lowering this module costs only its own values.
            Err(_) => Arc::new(ModuleExports::default()),
        };
        if done.cut_below {
            return Some(exports);
        }
        if done.cycled {
            // Lowered again, this module would meet the same cycle and give the same
            // exports, as long as none of the modules it asked for is being lowered
            // below it then (that one would end the chain instead).
            let asked = Arc::new(done.asked);
            if let Ok(mut cyclic) = self.cyclic.lock() {
                cyclic.insert(path.to_path_buf(), (stamp, Arc::clone(&exports), asked));
            }
            return Some(exports);
        }
        let mut modules = self.modules.lock().ok()?;
        let entry = modules
            .entry(path.to_path_buf())
            .or_insert_with(|| (stamp, Arc::clone(&exports)));
        if entry.0 != stamp {
            *entry = (stamp, exports);
        }
        Some(Arc::clone(&entry.1))
    }

    /// The exports of a module lowered earlier through a cycle, when none of the
    /// modules its lowering asked for is being lowered on this thread now (what it
    /// asked for counts as asked for by the module being lowered, if any).
    fn cyclic_hit(&self, path: &Path, stamp: Stamp) -> Option<Arc<ModuleExports>> {
        let (exports, asked) = {
            let cyclic = self.cyclic.lock().ok()?;
            let (s, exports, asked) = cyclic.get(path)?;
            if *s != stamp {
                return None;
            }
            (Arc::clone(exports), Arc::clone(asked))
        };
        LOADING.with(|l| {
            let mut l = l.borrow_mut();
            if l.iter().any(|e| asked.contains(&e.path)) {
                return None;
            }
            if let Some(top) = l.last_mut() {
                top.asked.extend(asked.iter().cloned());
            }
            Some(exports)
        })
    }

    /// The value `name` (then `keys` inside it) that the module `spec`, imported by the
    /// file `from`, exports: through re-exports and `export *`, bounded.
    pub fn lookup(
        &self,
        from: &Path,
        spec: &str,
        name: &str,
        keys: &[String],
        depth: usize,
        lower: Lower,
    ) -> Option<Exported> {
        let path = self.resolve(from, spec)?;
        let module = self.module(&path, depth, lower)?;
        match module.names.get(name) {
            Some(Export::Value(v)) => return v.at(keys).cloned(),
            Some(Export::From { from: f, name: n }) => {
                return self.lookup(&path, f, n, keys, depth + 1, lower)
            }
            None => {}
        }
        for star in &module.star {
            if let Some(v) = self.lookup(&path, star, name, keys, depth + 1, lower) {
                return Some(v);
            }
        }
        // A CommonJS module read by name: `module.exports = { name: … }`.
        if name != "default" {
            if let Some(Export::Value(v)) = module.names.get("default") {
                let mut all = vec![name.to_string()];
                all.extend_from_slice(keys);
                return v.at(&all).cloned();
            }
        }
        None
    }

    /// The literal-scan summaries of the modules the text at `path` imports (relative
    /// specifiers only), `depth` modules deep, each module read once per run:
    /// `summarise` gives a text's relative specifiers and its scan findings. Each
    /// summary is handed to `enough`, nearest modules first, until it says the
    /// summaries so far are enough: a file whose imports lend what it lacks needs
    /// no more of them (an `index.js` may import hundreds of modules, and reading
    /// them all was most of the import walk's second pass on a large tree).
    pub fn imported_summaries(
        &self,
        path: &Path,
        specs: &[String],
        depth: usize,
        summarise: &dyn Fn(&str) -> Summary,
        enough: &mut dyn FnMut(&Summary) -> bool,
    ) {
        let mut seen: std::collections::HashSet<PathBuf> =
            std::iter::once(path.to_path_buf()).collect();
        let mut frontier: Vec<(PathBuf, Vec<String>)> = vec![(path.to_path_buf(), specs.to_vec())];
        for _ in 0..depth {
            let mut next = Vec::new();
            for (from, specs) in frontier {
                for spec in specs {
                    let Some(target) = self.resolve(&from, &spec) else {
                        continue;
                    };
                    if !seen.insert(target.clone()) {
                        continue;
                    }
                    let cached = self
                        .scanned
                        .lock()
                        .ok()
                        .and_then(|m| m.get(&target).cloned());
                    let summary = match cached {
                        Some(s) => s,
                        None => {
                            let Some(text) = read_module(&target) else {
                                continue;
                            };
                            let s = Arc::new(summarise(&text));
                            if let Ok(mut m) = self.scanned.lock() {
                                m.entry(target.clone()).or_insert_with(|| Arc::clone(&s));
                            }
                            s
                        }
                    };
                    if enough(&summary) {
                        return;
                    }
                    next.push((target, summary.0.clone()));
                }
            }
            frontier = next;
        }
    }

    /// The literal-scan summaries of the files that may define what `attrs` read
    /// through an object of unknown class in the Python file `from`: the files of its
    /// package that set `self.<attr>` (see [`members`]), each scanned once per run.
    pub fn member_summaries(
        &self,
        from: &Path,
        attrs: &[String],
        summarise: &dyn Fn(&str) -> Summary,
    ) -> Vec<Arc<Summary>> {
        let Some(cell) = self.members.of(from) else {
            return Vec::new();
        };
        let Some(index) = cell.get() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for attr in attrs {
            for file in index.providers(attr) {
                if file == from || !seen.insert(file.clone()) {
                    continue;
                }
                if let Some(s) = self.summary_of(file, summarise) {
                    out.push(s);
                }
            }
        }
        out
    }

    /// The literal-scan summary of the module at `path`, scanned once per run.
    pub fn summary_of(
        &self,
        path: &Path,
        summarise: &dyn Fn(&str) -> Summary,
    ) -> Option<Arc<Summary>> {
        if let Some(s) = self.scanned.lock().ok().and_then(|m| m.get(path).cloned()) {
            return Some(s);
        }
        let text = read_module(path)?;
        let s = Arc::new(summarise(&text));
        if let Ok(mut m) = self.scanned.lock() {
            m.entry(path.to_path_buf())
                .or_insert_with(|| Arc::clone(&s));
        }
        Some(s)
    }

    /// The value at `keys` read through an object whose class the Python file `from`
    /// does not know (an untyped parameter: `client.core_settings['v2_base']`), when
    /// exactly one export of the package's modules holds it (the class that fills
    /// those settings); with the literal texts of the other values beside it in the
    /// same object (a `/restapi/vc` URL next to a `/api/2.0` one is a vendor signal).
    pub fn member(
        &self,
        from: &Path,
        keys: &[String],
        depth: usize,
        lower: Lower,
    ) -> Option<(Exported, Vec<String>)> {
        let (attr, _) = keys.split_first()?;
        let cell = self.members.of(from)?;
        let index = cell.get()?;
        let mut found: Option<(Exported, Vec<String>)> = None;
        for file in index.providers(attr) {
            let Some(module) = self.module(file, depth, lower) else {
                continue;
            };
            let mut names: Vec<_> = module.names.iter().collect();
            names.sort_by(|a, b| a.0.cmp(b.0));
            for (_, export) in names {
                let Export::Value(v) = export else {
                    continue;
                };
                let Some(hit) = v.at_with_siblings(keys) else {
                    continue;
                };
                match &found {
                    Some((f, _)) if f.path == hit.0.path && f.span == hit.0.span => {}
                    // Two classes hold it: which one the object is cannot be told.
                    Some(_) => return None,
                    None => found = Some((hit.0.clone(), hit.1)),
                }
            }
        }
        found
    }
}

/// The keys a module file can be reached by: its path, its path without its
/// extension (`src/users` for `src/users.js`, `pkg/settings` for `pkg/settings.py`),
/// and for a folder's module (`index.*`, `__init__.py`, `mod.rs`) its folder's path;
/// hashed, as [`SpecTarget::keys`] are.
pub fn module_keys(path: &Path) -> Vec<u64> {
    let lex = Lexical::of(path);
    let mut out = vec![lex.key()];
    let Some(name) = lex.parts.last() else {
        return out;
    };
    if let Some(dot) = name.iter().rposition(|b| *b == b'.').filter(|d| *d > 0) {
        out.push(lex.key_with_last(&name[..dot]));
    }
    let stem = name.split(|b| *b == b'.').next().unwrap_or(b"");
    if matches!(stem, b"index" | b"__init__" | b"mod") {
        out.push(lex.parent_key());
    }
    out
}

/// A path as lexical parts (`a/./b/../c` → `a/c`), for hashing module paths without
/// building them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lexical<'a> {
    absolute: bool,
    /// `..` above the start of a relative path.
    ups: usize,
    parts: Vec<&'a [u8]>,
}

impl<'a> Lexical<'a> {
    pub fn of(path: &'a Path) -> Lexical<'a> {
        use std::path::Component;
        let mut lex = Lexical::default();
        for c in path.components() {
            match c {
                Component::Prefix(_) | Component::RootDir => lex.absolute = true,
                Component::CurDir => {}
                Component::ParentDir => lex.up(),
                Component::Normal(n) => lex.parts.push(n.as_encoded_bytes()),
            }
        }
        lex
    }

    fn up(&mut self) {
        if self.parts.pop().is_none() && !self.absolute {
            self.ups += 1;
        }
    }

    /// This path with a relative path (`/`-separated) appended.
    fn join(&self, rel: &'a str) -> Lexical<'a> {
        let mut out = self.clone();
        for part in rel.split('/') {
            match part {
                "" | "." => {}
                ".." => out.up(),
                p => out.parts.push(p.as_bytes()),
            }
        }
        out
    }

    fn hash_into(&self, parts: &[&[u8]], last: Option<&[u8]>) -> u64 {
        let h = self.continue_hash(self.prefix_hash(0), parts);
        match last {
            Some(l) => fnv_part(h, l),
            None => h,
        }
    }

    /// The hash state after the path's kind and its first `n` parts: a key is that
    /// state continued with the parts that follow ([`Lexical::continue_hash`]).
    fn prefix_hash(&self, n: usize) -> u64 {
        // FNV-1a over the parts, each ended by a byte no path part holds.
        let mut h = fnv_part(FNV_OFFSET, if self.absolute { b"/" } else { b"." });
        h = fnv_part(h, &self.ups.to_le_bytes());
        for p in &self.parts[..n] {
            h = fnv_part(h, p);
        }
        h
    }

    /// [`Lexical::prefix_hash`] for every prefix, shortest first (`parts.len() + 1`).
    fn prefix_hashes(&self) -> Vec<u64> {
        let mut h = self.prefix_hash(0);
        let mut out = Vec::with_capacity(self.parts.len() + 1);
        out.push(h);
        for p in &self.parts {
            h = fnv_part(h, p);
            out.push(h);
        }
        out
    }

    fn continue_hash(&self, mut h: u64, parts: &[&[u8]]) -> u64 {
        for p in parts {
            h = fnv_part(h, p);
        }
        h
    }

    fn key(&self) -> u64 {
        self.hash_into(&self.parts, None)
    }

    fn key_with_last(&self, last: &[u8]) -> u64 {
        let n = self.parts.len().saturating_sub(1);
        self.hash_into(&self.parts[..n], Some(last))
    }

    fn parent_key(&self) -> u64 {
        let n = self.parts.len().saturating_sub(1);
        self.hash_into(&self.parts[..n], None)
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// One part of a path key: FNV-1a over its bytes and a closing 0.
fn fnv_part(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes.iter().chain(std::iter::once(&0u8)) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The paths a scan was given, for telling whether a module a specifier names
/// lexically stays inside them.
#[derive(Clone, Debug, Default)]
pub struct Roots(Vec<Root>);

#[derive(Clone, Debug)]
struct Root {
    /// The root as [`Lexical`] parts: absolute, `..` above, parts.
    lexical: (bool, usize, Vec<Vec<u8>>),
    /// A folder that is itself a Python package (it holds `__init__.py`): absolute
    /// Python imports resolve above it.
    package: bool,
    /// A file named alone contains nothing.
    file: bool,
}

impl Roots {
    pub fn new(roots: &[PathBuf]) -> Roots {
        Roots(
            roots
                .iter()
                .map(|r| Root {
                    lexical: {
                        let l = Lexical::of(r);
                        (
                            l.absolute,
                            l.ups,
                            l.parts.iter().map(|p| p.to_vec()).collect(),
                        )
                    },
                    package: r.join("__init__.py").is_file(),
                    file: r.is_file(),
                })
                .collect(),
        )
    }

    /// Whether the folder `dir` lies inside one of the roots.
    fn holds(&self, dir: &Lexical, python_absolute: bool) -> bool {
        self.0.iter().any(|r| {
            let (absolute, ups, parts) = &r.lexical;
            let closed = r.file || (python_absolute && r.package);
            let open = !closed;
            open && dir.absolute == *absolute
                && dir.ups == *ups
                && dir.parts.len() >= parts.len()
                && dir.parts.iter().zip(parts).all(|(a, b)| *a == &b[..])
        })
    }
}

/// What the import walk can tell of a specifier's module without asking the file
/// system: the keys ([`module_keys`]) of the files it may be, and whether it may lie
/// outside the scan's roots. `keys` is empty when the text does not say (a Rust path:
/// its crate root is looked for upwards): then only resolving it can tell.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecTarget {
    pub keys: Vec<u64>,
    pub may_leave: bool,
}

/// [`SpecTarget`] of the specifier `spec` (as [`specifiers`] gives it) written in a
/// file of the folder `dir` ([`Lexical::of`] the file's parent).
pub fn spec_target(dir: &Lexical, spec: &str, roots: &Roots) -> SpecTarget {
    if let Some(module) = spec.strip_prefix(PY) {
        let dots = module.chars().take_while(|c| *c == '.').count();
        let rest = module[dots..].trim_matches('.');
        let parts: Vec<&[u8]> = rest
            .split('.')
            .filter(|p| !p.is_empty())
            .map(str::as_bytes)
            .collect();
        let under = |base: &Lexical| base.continue_hash(base.prefix_hash(base.parts.len()), &parts);
        if dots == 0 {
            // Under the file's folder or its top package's parent: one of its parents.
            // The folder's prefixes are hashed once, each parent's key continues one.
            let prefixes = dir.prefix_hashes();
            let mut keys = Vec::with_capacity(prefixes.len().min(MAX_ROOT_DEPTH + 1));
            for state in prefixes.iter().rev().take(MAX_ROOT_DEPTH + 1) {
                keys.push(dir.continue_hash(*state, &parts));
            }
            return SpecTarget {
                keys,
                may_leave: !roots.holds(dir, true),
            };
        }
        let mut base = dir.clone();
        for _ in 1..dots {
            base.up();
        }
        return SpecTarget {
            keys: vec![under(&base)],
            may_leave: !roots.holds(&base, false),
        };
    }
    if spec.starts_with(RS) {
        return SpecTarget {
            keys: Vec::new(),
            may_leave: true,
        };
    }
    let rel = spec.strip_prefix(SH).unwrap_or(spec);
    let base = dir.join(rel);
    let mut keys = vec![base.key()];
    if let Some(last) = base.parts.last() {
        if let Some(dot) = last.iter().rposition(|b| *b == b'.').filter(|d| *d > 0) {
            let ext = std::str::from_utf8(&last[dot + 1..]).unwrap_or("");
            if JS_EXTENSIONS.contains(&ext) {
                keys.push(base.key_with_last(&last[..dot]));
            }
        }
    }
    // The module's file lies in the folder of `base` (or in `base`, for an index).
    let mut parent = base.clone();
    let may_leave = parent.parts.pop().is_none() || !roots.holds(&parent, false);
    SpecTarget { keys, may_leave }
}

/// The relative module specifiers a JavaScript/TypeScript text names after `from`,
/// `import` or `require(` (a text scan, so commented-out imports count too: it only
/// decides what is read, never what is found).
pub fn relative_specifiers(text: &str) -> Vec<String> {
    // A relative specifier opens with a quote and a dot: those are searched for (few,
    // and a SIMD search), then the keyword before them is read backwards.
    static OPENINGS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let openings = OPENINGS.get_or_init(|| {
        // Leftmost-first (the same matches here: no opening is a prefix of another)
        // lets the search use its packed SIMD searcher rather than a quote-byte
        // prefilter that stops at every quote.
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(["'.", "\".", "`."])
            .expect("plain openings")
    });
    let bytes = text.as_bytes();
    // (keyword: 0 `from`, 1 `import`, 2 `require(`; specifier), listed keyword by
    // keyword, each in text order.
    let mut found: Vec<(usize, &str)> = Vec::new();
    for m in openings.find_iter(text) {
        let mut at = m.start();
        while at > 0 && matches!(bytes[at - 1], b' ' | b'\t' | b'(') {
            at -= 1;
        }
        let before = &bytes[..at];
        let keyword = if before.ends_with(b"from") {
            0
        } else if before.ends_with(b"import") {
            1
        } else if before.ends_with(b"require") && bytes.get(at) == Some(&b'(') {
            2
        } else {
            continue;
        };
        let quote = char::from(bytes[m.start()]);
        let body = &text[m.start() + 1..];
        let Some(end) = body.find(quote) else {
            continue;
        };
        let spec = &body[..end];
        if spec.len() < 300 && !spec.contains('\n') {
            found.push((keyword, spec));
        }
    }
    found.sort_by_key(|(k, _)| *k);
    let mut out: Vec<String> = Vec::new();
    for (_, spec) in found {
        if !out.iter().any(|s| s == spec) {
            out.push(spec.to_string());
        }
    }
    out
}

/// The module specifiers of a text in `language`, as [`resolve_specifier`] takes them:
/// relative JavaScript modules, Python `import`s, Rust `mod`/`use` paths, shell
/// `source`s. A text scan: it only decides what is read, never what is found.
pub fn specifiers(language: crate::source::Language, text: &str) -> Vec<String> {
    use crate::source::Language;
    match language {
        Language::JavaScript | Language::TypeScript | Language::Tsx => relative_specifiers(text),
        Language::Python => python_specifiers(text),
        Language::Rust => rust_specifiers(text),
        Language::Shell => shell_specifiers(text),
        _ => Vec::new(),
    }
}

/// Most specifiers one text contributes to the literal scan's import walk.
const MAX_SPECIFIERS: usize = 64;

fn push_spec(out: &mut Vec<String>, spec: String) {
    if out.len() < MAX_SPECIFIERS && !out.contains(&spec) {
        out.push(spec);
    }
}

/// `from m import a, b` (each `m.a` too: it may be a submodule) and `import m`.
fn python_specifiers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let name = |s: &str| -> Option<String> {
        let s = s.trim();
        let s = s.split_whitespace().next()?;
        (!s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.'))
        .then(|| s.to_string())
    };
    // Only lines that hold `import ` can name a module: those are found with one
    // substring search (a SIMD one: the standard library's is not), not by reading
    // every line of every Python file.
    static IMPORT: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let import = IMPORT
        .get_or_init(|| aho_corasick::AhoCorasick::new(["import "]).expect("a plain literal"));
    let mut next_line = 0;
    for at in import.find_iter(text).map(|m| m.start()) {
        if at < next_line {
            continue;
        }
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        next_line = end;
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("from ") {
            let Some((module, names)) = rest.split_once(" import ") else {
                continue;
            };
            let Some(module) = name(module) else {
                continue;
            };
            push_spec(&mut out, format!("{PY}{module}"));
            for n in names.trim_matches(['(', ')', ' ', '\\']).split(',') {
                if let Some(n) = name(n) {
                    let sep = if module.ends_with('.') { "" } else { "." };
                    push_spec(&mut out, format!("{PY}{module}{sep}{n}"));
                }
            }
        } else if let Some(rest) = line.strip_prefix("import ") {
            for n in rest.split(',') {
                if let Some(n) = name(n) {
                    push_spec(&mut out, format!("{PY}{n}"));
                }
            }
        }
    }
    out
}

/// `mod x;` and the module part of `use crate::a::B;` / `use super::a::{B, C};`.
fn rust_specifiers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        let line = line.strip_prefix("pub ").unwrap_or(line);
        if let Some(rest) = line.strip_prefix("mod ") {
            if let Some(m) = rest.strip_suffix(';') {
                if m.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    push_spec(&mut out, format!("{RS}{m}"));
                }
            }
        } else if let Some(rest) = line.strip_prefix("use ") {
            let path = rest.split(['{', ';', ' ']).next().unwrap_or("");
            let module = path.trim_end_matches(':');
            let module = match module.rsplit_once("::") {
                Some((m, _)) if !path.ends_with("::") => m,
                _ => module,
            };
            if !module.is_empty() {
                push_spec(&mut out, format!("{RS}{module}"));
            }
        }
    }
    out
}

/// `source f` and `. f`, with the usual spellings of the script's own directory
/// (`$(dirname "$0")/`, `${BASH_SOURCE%/*}/`, `$DIR/`) taken as `./`.
fn shell_specifiers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(file) = shell_source_target(line) {
            push_spec(&mut out, format!("{SH}{file}"));
        }
    }
    out
}

/// The file a shell line sources, relative to the script's directory, when it is a
/// `source`/`.` command of a literal path.
pub fn shell_source_target(line: &str) -> Option<String> {
    let line = line.trim_start();
    let rest = line
        .strip_prefix("source ")
        .or_else(|| line.strip_prefix(". "))?;
    let word = rest.trim_start();
    let word = word.split([';', '#']).next()?.trim_end();
    let word = word.trim_matches(['"', '\'']);
    let mut path = word;
    for prefix in [
        "$(dirname \"$0\")/",
        "$(dirname $0)/",
        "$(dirname \"${BASH_SOURCE[0]}\")/",
        "$(dirname \"$BASH_SOURCE\")/",
        "${BASH_SOURCE%/*}/",
        "$(cd \"$(dirname \"$0\")\" && pwd)/",
        "$SCRIPT_DIR/",
        "${SCRIPT_DIR}/",
        "$DIR/",
        "${DIR}/",
        "$HERE/",
        "${HERE}/",
    ] {
        if let Some(p) = word.strip_prefix(prefix) {
            path = p;
            break;
        }
    }
    let path = path.trim_matches(['"', '\'']);
    if path.is_empty()
        || path.contains(['$', '`', ' ', '*', '?', '('])
        || path.starts_with('/')
        || path.starts_with('~')
    {
        return None;
    }
    Some(path.to_string())
}

/// The text of a module file: `None` when it is not a regular file, is larger than
/// [`MAX_MODULE_BYTES`] or is not UTF-8 (the import walk then counts nothing of it).
pub fn read_module(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_MODULE_BYTES {
        return None;
    }
    String::from_utf8(std::fs::read(path).ok()?).ok()
}

/// The extensions a JavaScript/TypeScript module specifier may leave out, in the order
/// they are tried.
const JS_EXTENSIONS: [&str; 6] = ["js", "ts", "mjs", "cjs", "tsx", "jsx"];

/// The file a module specifier names, seen from the file `from`. A specifier of
/// another language carries its prefix ([`PY`], [`RS`], [`SH`]); a JavaScript one is a
/// relative path: the path itself, with one of the extensions added, or its `index.*`;
/// a `.js` specifier may name the `.ts` file it compiles from. `None` for package
/// names and missing files.
pub fn resolve_specifier(from: &Path, spec: &str) -> Option<PathBuf> {
    if let Some(module) = spec.strip_prefix(PY) {
        return python_module(from, module);
    }
    if let Some(path) = spec.strip_prefix(RS) {
        return rust_module(from, path);
    }
    if let Some(file) = spec.strip_prefix(SH) {
        return shell_file(from, file);
    }
    if !(spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == "..") {
        return None;
    }
    let dir = from.parent().unwrap_or(Path::new(""));
    let base = normalise(&dir.join(spec));
    let is_file = |p: &Path| p.is_file();
    let known_ext = base
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| JS_EXTENSIONS.contains(&e));
    // A JSON document imported as a module (`import config from './config.json'`).
    let json = base
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if (known_ext || json) && is_file(&base) {
        return Some(base);
    }
    if base.extension().and_then(|e| e.to_str()) == Some("js") {
        for ext in ["ts", "tsx"] {
            let p = base.with_extension(ext);
            if is_file(&p) {
                return Some(p);
            }
        }
    }
    let name = base.file_name()?.to_string_lossy().into_owned();
    for ext in JS_EXTENSIONS {
        let p = base.with_file_name(format!("{name}.{ext}"));
        if is_file(&p) {
            return Some(p);
        }
    }
    for ext in JS_EXTENSIONS {
        let p = base.join(format!("index.{ext}"));
        if is_file(&p) {
            return Some(p);
        }
    }
    None
}

/// The prefix of a Python module specifier (`py:.settings`, `py:pkg.config`).
pub const PY: &str = "py:";
/// The prefix of a Rust module path (`rs:crate::config`, `rs:super::urls`).
pub const RS: &str = "rs:";
/// The prefix of a file a shell script sources (`sh:./env.sh`).
pub const SH: &str = "sh:";

/// How many directories up a package root or crate root is looked for.
const MAX_ROOT_DEPTH: usize = 12;

/// How many directories above a script's folder its project root is looked for.
const MAX_SCRIPT_DEPTH: usize = 3;

/// The file of a Python module named as in `from <module> import …` / `import <module>`
/// by the file `from`: relative (`.x`, `..pkg.x`) from the file's package, absolute
/// (`pkg.x`) from the file's directory or from the directory that holds its top
/// package (the nearest parent without an `__init__.py`): `x.py` or `x/__init__.py`.
fn python_module(from: &Path, module: &str) -> Option<PathBuf> {
    let dots = module.chars().take_while(|c| *c == '.').count();
    let rest = &module[dots..];
    if rest.len() > 300
        || !rest
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    {
        return None;
    }
    let parts: Vec<&str> = rest.split('.').filter(|p| !p.is_empty()).collect();
    let dir = from.parent().unwrap_or(Path::new(""));
    let find = |base: &Path| -> Option<PathBuf> {
        if parts.is_empty() {
            let init = base.join("__init__.py");
            return init.is_file().then_some(init);
        }
        let mut p = base.to_path_buf();
        for part in &parts {
            p.push(part);
        }
        let file = p.with_extension("py");
        if file.is_file() {
            return Some(file);
        }
        let init = p.join("__init__.py");
        init.is_file().then_some(init)
    };
    if dots > 0 {
        let mut base = dir.to_path_buf();
        for _ in 1..dots {
            base = normalise(&base.join(".."));
        }
        return find(&base).filter(|p| p != from);
    }
    let mut top = dir.to_path_buf();
    for _ in 0..MAX_ROOT_DEPTH {
        if !top.join("__init__.py").is_file() {
            break;
        }
        top = normalise(&top.join(".."));
    }
    if let Some(found) = [dir.to_path_buf(), top.clone()]
        .iter()
        .find_map(|base| find(base))
        .filter(|p| p != from)
    {
        return Some(found);
    }
    // A script or test folder beside the package (`scripts/sweep.py` importing
    // `app.settings`) runs with the project's root on `sys.path`: the folders above,
    // up to the nearest one that marks a project root, a few levels at most.
    let mut base = top;
    for _ in 0..MAX_SCRIPT_DEPTH {
        if is_python_project_root(&base) {
            break;
        }
        base = normalise(&base.join(".."));
        if let Some(found) = find(&base).filter(|p| p != from) {
            return Some(found);
        }
    }
    None
}

/// Whether `dir` holds what marks the root of a Python project.
fn is_python_project_root(dir: &Path) -> bool {
    [
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "tox.ini",
        "requirements.txt",
        ".git",
    ]
    .iter()
    .any(|m| dir.join(m).exists())
}

/// The directory that holds the child modules of the Rust file `file`: its own
/// directory for `lib.rs`, `main.rs` and `mod.rs`, else `dir/<stem>/`.
fn rust_children(file: &Path) -> PathBuf {
    let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
    match file.file_name().and_then(|n| n.to_str()) {
        Some("lib.rs" | "main.rs" | "mod.rs") => dir,
        _ => match file.file_stem() {
            Some(stem) => dir.join(stem),
            None => dir,
        },
    }
}

/// The file of the Rust module `path` (`crate::a::b`, `super::c`, `self::d`, `d`) seen
/// from the file `from`: `x.rs` or `x/mod.rs` segment by segment; the crate root is the
/// nearest parent directory holding `lib.rs` or `main.rs`.
fn rust_module(from: &Path, path: &str) -> Option<PathBuf> {
    let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    if segments.is_empty() || segments.len() > 8 {
        return None;
    }
    let mut dir = rust_children(from);
    let mut rest = &segments[..];
    match segments[0] {
        "crate" => {
            let mut d = from.parent()?.to_path_buf();
            let mut found = false;
            for _ in 0..MAX_ROOT_DEPTH {
                if d.join("lib.rs").is_file() || d.join("main.rs").is_file() {
                    found = true;
                    break;
                }
                match d.parent() {
                    Some(p) if !p.as_os_str().is_empty() => d = p.to_path_buf(),
                    _ => break,
                }
            }
            if !found {
                return None;
            }
            dir = d;
            rest = &segments[1..];
        }
        "self" => rest = &segments[1..],
        _ => {}
    }
    while let Some(("super", tail)) = rest.split_first().map(|(h, t)| (*h, t)) {
        let parent = dir.parent()?.to_path_buf();
        dir = parent;
        rest = tail;
    }
    if rest.is_empty() {
        // `super`, `self` or `crate` itself: the file of that module.
        let candidates = [
            dir.join("mod.rs"),
            dir.with_extension("rs"),
            dir.join("lib.rs"),
            dir.join("main.rs"),
        ];
        return candidates.into_iter().find(|p| p.is_file() && p != from);
    }
    let mut file = None;
    for seg in rest {
        if !seg.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let f = dir.join(format!("{seg}.rs"));
        let m = dir.join(seg).join("mod.rs");
        let found = if f.is_file() {
            f
        } else if m.is_file() {
            m
        } else {
            return None;
        };
        dir = rust_children(&found);
        file = Some(found);
    }
    file.filter(|f| f != from)
}

/// The file a shell script sources (`./env.sh`, `lib/env.sh`), relative to the
/// script's directory.
fn shell_file(from: &Path, file: &str) -> Option<PathBuf> {
    if file.is_empty() || file.starts_with('/') || file.len() > 300 {
        return None;
    }
    let dir = from.parent().unwrap_or(Path::new(""));
    let p = normalise(&dir.join(file));
    (p.is_file() && p != from).then_some(p)
}

/// `a/./b/../c` → `a/c` (lexically; the path stays relative when it was).
fn normalise(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The 1-based position of a byte offset (as [`crate::source::SourceFile::position`]).
pub fn position_of(text: &str, at: usize) -> Position {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: text[..at].matches('\n').count() + 1,
        column: text[line_start..at].chars().count() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lowers `a.txt` and `b.txt`, which import each other, counting lowerings.
    fn lower_pair(index: &ProjectIndex, path: &Path, _: &str, depth: usize) -> ModuleExports {
        LOWERED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let other = match path.file_name().and_then(|n| n.to_str()) {
            Some("a.txt") => "b.txt",
            _ => "a.txt",
        };
        let mut out = ModuleExports::default();
        if let Some(m) = index.module(&path.with_file_name(other), depth, lower_pair) {
            out.star.push(format!("{other} exports {}", m.star.len()));
        }
        out
    }

    static LOWERED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    #[test]
    fn a_module_in_a_cycle_is_lowered_once_and_reads_the_same_every_time() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.txt", "b.txt"] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        let index = ProjectIndex::new();
        LOWERED.store(0, std::sync::atomic::Ordering::SeqCst);
        let first = index.module(&a, 0, lower_pair).unwrap();
        // `a` asked for `b`, which asked for `a` (the cycle ends there).
        assert_eq!(first.star, ["b.txt exports 0"]);
        assert_eq!(LOWERED.load(std::sync::atomic::Ordering::SeqCst), 2);
        for _ in 0..5 {
            assert_eq!(index.module(&a, 0, lower_pair).unwrap().star, first.star);
        }
        // Each import of `a` used to lower the whole cycle again.
        assert_eq!(LOWERED.load(std::sync::atomic::Ordering::SeqCst), 2);
        // Asked for first, `b` reads `a` as `a` reads when the cycle ends at `b`: the
        // kept `a` (which asked for `b`) is not used while `b` is being lowered.
        let from_b = index.module(&b, 0, lower_pair).unwrap();
        assert_eq!(from_b.star, ["a.txt exports 0"]);
        assert_eq!(index.module(&a, 0, lower_pair).unwrap().star, first.star);
    }

    #[test]
    fn imported_summaries_stop_once_they_are_enough() {
        let dir = tempfile::tempdir().unwrap();
        let js = crate::source::Language::JavaScript;
        let files = [
            ("a.js", "import './b'; import './c';"),
            ("b.js", "import './d';"),
            ("c.js", ""),
            ("d.js", ""),
        ];
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let a = dir.path().join("a.js");
        let specs = specifiers(js, files[0].1);
        let summarise = |t: &str| (specifiers(js, t), Vec::new());
        let index = ProjectIndex::new();
        let mut seen = 0;
        index.imported_summaries(&a, &specs, 2, &summarise, &mut |_| {
            seen += 1;
            false
        });
        assert_eq!(seen, 3, "b and c, then d through b");
        let mut seen = 0;
        index.imported_summaries(&a, &specs, 2, &summarise, &mut |_| {
            seen += 1;
            true
        });
        assert_eq!(seen, 1);
    }

    #[test]
    fn normalise_keeps_relative_paths_relative() {
        assert_eq!(normalise(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalise(Path::new("a/../../c")), PathBuf::from("../c"));
    }

    #[test]
    fn relative_specifiers_are_found_after_from_import_and_require() {
        let text = "import a from './a';\nimport './side.js';\nconst b = require(\"../b\");\n\
                    export * from './c';\nimport x from 'axios';\nconst s = 'from the ./ docs';";
        assert_eq!(
            relative_specifiers(text),
            ["./a", "./c", "./side.js", "../b"]
        );
    }

    #[test]
    fn python_rust_and_shell_specifiers_are_found() {
        let py =
            "from . import api\nfrom .settings import BASE, USERS as U\nimport pkg.config, os\n";
        assert_eq!(
            python_specifiers(py),
            [
                "py:.",
                "py:.api",
                "py:.settings",
                "py:.settings.BASE",
                "py:.settings.USERS",
                "py:pkg.config",
                "py:os"
            ]
        );
        let rs =
            "mod config;\npub mod users;\nuse crate::config::{A, B};\nuse super::urls::BASE;\n";
        assert_eq!(
            rust_specifiers(rs),
            [
                "rs:config",
                "rs:users",
                "rs:crate::config",
                "rs:super::urls"
            ]
        );
        assert_eq!(
            shell_source_target("source \"$(dirname \"$0\")/lib/env.sh\""),
            Some("lib/env.sh".to_string())
        );
        assert_eq!(
            shell_source_target(". ./env.sh # settings"),
            Some("./env.sh".to_string())
        );
        assert_eq!(shell_source_target("source \"$HOME/.profile\""), None);
        assert_eq!(shell_source_target("source /etc/profile"), None);
    }

    #[test]
    fn spec_targets_are_keyed_like_the_modules_they_may_name() {
        let roots = Roots::new(&[PathBuf::from("p")]);
        let at = |from: &str, spec: &str| {
            spec_target(
                &Lexical::of(Path::new(from).parent().unwrap()),
                spec,
                &roots,
            )
        };
        let names = |spec: SpecTarget, file: &str| {
            let keys = module_keys(Path::new(file));
            spec.keys.iter().any(|k| keys.contains(k))
        };
        assert!(names(
            at("p/src/api/users.ts", "../constants"),
            "p/src/constants/index.ts"
        ));
        assert!(names(
            at("p/src/api/users.ts", "../constants"),
            "p/src/constants.ts"
        ));
        assert!(!names(
            at("p/src/api/users.ts", "../constants"),
            "p/constants.ts"
        ));
        assert!(names(at("p/a.js", "./b.js"), "p/b.ts"));
        assert!(names(at("p/a.js", "./b.js"), "p/b.js"));
        assert!(names(at("p/a/x.js", ".."), "p/index.js"));
        assert!(names(
            at("p/pkg/users.py", "py:.settings"),
            "p/pkg/settings.py"
        ));
        assert!(names(at("p/pkg/users.py", "py:."), "p/pkg/__init__.py"));
        assert!(names(
            at("p/pkg/users.py", "py:..cfg.urls"),
            "p/cfg/urls/__init__.py"
        ));
        assert!(names(
            at("p/pkg/sub/users.py", "py:pkg.settings"),
            "p/pkg/settings.py"
        ));
        // An absolute import: from any parent folder of the importing file.
        for file in [
            "p/a/b/c/x.py",
            "p/a/x.py",
            "p/x.py",
            "p/a/b/c/x/__init__.py",
        ] {
            assert!(names(at("p/a/b/c/users.py", "py:x"), file), "{file}");
        }
        assert!(names(at("p/a/b/users.py", "py:a.b.x"), "p/a/b/x.py"));
        assert!(!names(at("p/a/b/users.py", "py:x"), "p/a/b/c/x.py"));
        assert!(names(
            at("p/bin/run.sh", "sh:../lib/env.sh"),
            "p/lib/env.sh"
        ));
        assert!(!at("p/a.js", "./b").may_leave);
        assert!(at("p/a.js", "../config").may_leave);
        assert!(at("p/pkg/users.py", "py:...x").may_leave);
        assert!(!at("p/pkg/users.py", "py:pkg.settings").may_leave);
        assert!(at("p/src/lib.rs", "rs:crate::config").may_leave);
        assert!(!at("p/bin/run.sh", "sh:./env.sh").may_leave);
        // A scan of one file: every module it imports lies outside.
        let one = Roots::new(&[PathBuf::from("Cargo.toml")]);
        assert!(spec_target(&Lexical::of(Path::new("")), "./b", &one).may_leave);
    }

    #[test]
    fn package_names_are_not_resolved() {
        assert_eq!(resolve_specifier(Path::new("src/a.js"), "axios"), None);
        assert_eq!(resolve_specifier(Path::new("src/a.js"), "@scope/x"), None);
    }
}
