//! The check pipeline: discover files, skip those that cannot concern any rule
//! (binary, oversized, minified or generated, or failing the literal scan of
//! [`crate::pipeline::prefilter`]), run the front end and the rules on the rest in
//! parallel, and collect results (and each file's outcome) in a stable order.

use crate::call::Span;
use crate::config::Config;
use crate::discover::{discover_all, display_path, WalkOptions};
use crate::finding::{Finding, Suppressed};
use crate::frontend;
use crate::pipeline::prefilter::{generated, Prefilter, Verdict};
use crate::rules::engine::{self, Selection};
use crate::rules::model::Target;
use crate::rules::RuleSet;
use crate::source::{decode, Decoded, Language, SourceFile};
use crate::suppress;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How many files [`Checker::scan_files_streaming`] keeps in flight before it hands
/// their reports on, in order.
pub const STREAM_WINDOW: usize = 256;

/// How many files a scan that does not stream reads at once: their outcomes are held
/// in full only until their window ends (a compact record of each stays; see [`Kept`]).
const SCAN_WINDOW: usize = 2048;

pub use crate::model::source::MAX_FILE_BYTES;

/// One file's findings, with what reporters need to show them.
pub struct FileReport {
    pub source: SourceFile,
    pub findings: Vec<Finding>,
    /// Findings kept out of the report by an inline suppression or the baseline.
    pub suppressed: Vec<Suppressed>,
    /// Secret spans to redact in every output.
    pub secrets: Vec<Span>,
}

impl FileReport {
    /// Whether the report has anything to show: a finding, or a suppressed one.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty() && self.suppressed.is_empty()
    }
}

/// A file that could not be scanned at all (I/O error, missing path), or a fix that
/// could not be written. Made only through [`ScanError::new`] / [`ScanError::in_file`],
/// which redact secrets: the message may quote source text (a panic, a fix's title), and
/// every format prints it as it is.
// `#[non_exhaustive]` would not keep struct literals out inside this crate.
#[allow(clippy::manual_non_exhaustive)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanError {
    pub path: String,
    pub message: String,
    /// Keeps struct literals out: every error goes through the redaction pass.
    redacted: (),
}

impl ScanError {
    /// An error about `path`, with secrets in the path and message masked.
    pub fn new(path: impl AsRef<str>, message: impl AsRef<str>) -> ScanError {
        ScanError {
            path: crate::secrets::mask_text(path.as_ref()),
            message: crate::secrets::mask_text(message.as_ref()),
            redacted: (),
        }
    }

    /// An error about a file whose secrets are known: those are masked too, wherever
    /// the message quotes them.
    pub fn in_file(file: &FileReport, message: impl AsRef<str>) -> ScanError {
        let text = &file.source.text;
        let scrubbed =
            crate::redact::Redacted::new(text, &file.secrets).scrub(text, message.as_ref());
        ScanError::new(file.source.display_path(), scrubbed)
    }
}

/// What became of one candidate file (`--show-files`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileStatus {
    /// Parsed and checked.
    Scanned,
    /// Parsed, with a syntax error (API003 when the file holds a vendor signal).
    Unparseable,
    /// Parsed for its `apimigrate:` comments only: no vendor literal.
    SuppressionsOnly,
    /// Read; no literal of any vendor's signals.
    NoVendorLiteral,
    /// Read; a vendor literal, but no literal of any selected rule's match.
    NoRuleLiteral,
    /// Minified or generated: read with the literal scan only.
    Generated,
    /// Skipped: a NUL byte early in the file.
    Binary,
    /// Skipped: larger than [`MAX_FILE_BYTES`].
    TooLarge,
    /// Not a kind any front end reads.
    NotScannedKind,
    /// Left out by `apimigrate.toml`'s `include`/`exclude`.
    Ignored,
    /// Could not be read.
    Error,
}

impl FileStatus {
    /// Short text for `--show-files`.
    pub fn label(self) -> &'static str {
        match self {
            FileStatus::Scanned => "scanned",
            FileStatus::Unparseable => "unparseable",
            FileStatus::SuppressionsOnly => "scanned for suppressions only (no vendor literal)",
            FileStatus::NoVendorLiteral => "no vendor literal",
            FileStatus::NoRuleLiteral => "no literal of any rule's match",
            FileStatus::Generated => "literal scan only",
            FileStatus::Binary => "binary",
            FileStatus::TooLarge => "too large",
            FileStatus::NotScannedKind => "not a scanned kind",
            FileStatus::Ignored => "ignored",
            FileStatus::Error => "cannot be read",
        }
    }

    /// The reason a skipped file counts under in summaries (`binary`, `too_large`,
    /// `generated`), or `None` for a file that was read and not skipped.
    pub fn skip_reason(self) -> Option<&'static str> {
        match self {
            FileStatus::Binary => Some("binary"),
            FileStatus::TooLarge => Some("too_large"),
            FileStatus::Generated => Some("generated"),
            _ => None,
        }
    }
}

/// Every reason a file can be skipped for, in summary order.
pub const SKIP_REASONS: &[&str] = &["binary", "too_large", "generated"];

/// One candidate file's outcome, with details (the syntax error, why it looks
/// generated, which include/exclude left it out).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    pub status: FileStatus,
    pub detail: Option<String>,
}

#[derive(Default)]
pub struct ScanResult {
    /// Files with at least one finding or suppressed finding, sorted by path.
    pub files: Vec<FileReport>,
    pub errors: Vec<ScanError>,
    pub files_scanned: usize,
    pub files_skipped: usize,
    /// The `--diff-base` revision, when the report is limited to lines changed since it.
    pub diff_base: Option<String>,
    /// Skipped files by reason ([`SKIP_REASONS`]); the counts add up to `files_skipped`.
    pub skipped: BTreeMap<&'static str, usize>,
    /// Every candidate file's outcome, sorted by path (only with `--show-files`).
    pub file_list: Vec<FileEntry>,
    /// Files named on the command line that were skipped or not read as a scanned kind.
    pub named_skipped: Vec<FileEntry>,
    /// Per vendor: URLs of its deprecated API on hosts with no signal (the summary's note).
    pub unknown_hosts: Vec<crate::learn::UnknownHosts>,
    /// The hosts this scan learned (pack index, host), for the checker that fixes the
    /// files afterwards (see [`Checker::learn`]).
    pub learned: Vec<(usize, crate::rules::LearnedHost)>,
    /// Every file the scan read as a scanned kind, with its kind (filled by the
    /// command line, for fixes made at a definition in another file).
    pub scanned: Vec<(PathBuf, Language)>,
}

impl ScanResult {
    /// The findings to report (not the suppressed ones).
    pub fn findings(&self) -> impl Iterator<Item = (&FileReport, &Finding)> {
        self.files
            .iter()
            .flat_map(|f| f.findings.iter().map(move |x| (f, x)))
    }

    /// The files with a finding to report.
    pub fn files_with_findings(&self) -> impl Iterator<Item = &FileReport> {
        self.files.iter().filter(|f| !f.findings.is_empty())
    }

    /// The findings an inline suppression or the baseline keeps out of the report.
    pub fn suppressed(&self) -> impl Iterator<Item = (&FileReport, &Suppressed)> {
        self.files
            .iter()
            .flat_map(|f| f.suppressed.iter().map(move |x| (f, x)))
    }

    /// Adds another result's files, errors and counts (lists are re-sorted by the caller).
    pub fn merge(&mut self, other: ScanResult) {
        self.files.extend(other.files);
        self.errors.extend(other.errors);
        self.files_scanned += other.files_scanned;
        self.files_skipped += other.files_skipped;
        for (k, v) in other.skipped {
            *self.skipped.entry(k).or_insert(0) += v;
        }
        self.file_list.extend(other.file_list);
        self.named_skipped.extend(other.named_skipped);
        for note in other.unknown_hosts {
            match self
                .unknown_hosts
                .iter_mut()
                .find(|n| n.vendor == note.vendor)
            {
                Some(n) => n.merge(note),
                None => self.unknown_hosts.push(note),
            }
        }
        self.unknown_hosts.sort_by(|a, b| a.vendor.cmp(&b.vendor));
    }

    /// Takes back the record of a file that failed the literal scan on its own (a
    /// scanned file, listed only with `--show-files`), which is judged again.
    fn unrecord(&mut self, path: &str) {
        self.files_scanned -= 1;
        if let Some(i) = self.file_list.iter().rposition(|e| e.path == path) {
            self.file_list.remove(i);
        }
    }

    /// Records one file's outcome in the counts (and the list, when `list`).
    fn record(&mut self, entry: FileEntry, list: bool, named: bool) {
        match entry.status.skip_reason() {
            Some(reason) => {
                self.files_skipped += 1;
                *self.skipped.entry(reason).or_insert(0) += 1;
            }
            None if matches!(
                entry.status,
                FileStatus::NotScannedKind | FileStatus::Ignored
            ) => {}
            None => self.files_scanned += 1,
        }
        if named
            && (entry.status.skip_reason().is_some() || entry.status == FileStatus::NotScannedKind)
        {
            self.named_skipped.push(entry.clone());
        }
        if list {
            self.file_list.push(entry);
        }
    }
}

/// Observes a scan's progress (the command line's progress bar).
pub trait Progress: Sync {
    /// `files` more files are about to be scanned.
    fn start(&self, files: usize);
    /// One file is done.
    fn advance(&self);
}

/// The rules and settings of a run.
#[derive(Clone)]
pub struct Checker {
    pub rules: RuleSet,
    pub selection: Selection,
    pub config: Config,
    /// List every candidate file's outcome in the result (`--show-files`).
    pub show_files: bool,
    /// How long one file's analysis may take (see [`crate::isolate`]).
    pub deadline: Duration,
    prefilter: Prefilter,
    /// The rule paths whose URLs on unknown hosts the summary counts.
    markers: Arc<crate::learn::Markers>,
    /// The modules of the scanned tree that candidate files import, lowered on demand.
    project: Arc<crate::resolve::ProjectIndex>,
    /// Other checkers (other configurations) scan other files of the same tree: the
    /// import walk resolves imports that name none of this checker's files.
    pub shared_tree: bool,
}

/// One file's scan: its outcome, and its report or error.
struct Outcome {
    status: FileStatus,
    detail: Option<String>,
    report: Option<FileReport>,
    error: Option<ScanError>,
    /// What the file showed about hosts.
    hosts: crate::learn::FileHosts,
    /// The vendor literals the file, read as a module, lends its importers (`None`:
    /// none).
    lends: Option<Bits>,
    /// A file that fails the literal scan on its own and imports modules: what the
    /// first pass keeps of it for the import walk (see [`ImportGate`]).
    node: Option<ImportNode>,
}

impl Outcome {
    fn status(status: FileStatus, detail: Option<String>) -> Outcome {
        Outcome {
            status,
            detail,
            report: None,
            error: None,
            hosts: crate::learn::FileHosts::default(),
            lends: None,
            node: None,
        }
    }

    fn with_hosts(mut self, hosts: crate::learn::FileHosts) -> Outcome {
        self.hosts = hosts;
        self
    }

    fn with_import(mut self, lends: Option<Bits>, node: Option<ImportNode>) -> Outcome {
        self.lends = lends;
        self.node = node;
        self
    }

    /// Whether some learned host could change this file's findings: a skipped file
    /// with a rule path, or calls to hosts with no vendor signal.
    fn may_need_second_look(&self) -> bool {
        let skipped = matches!(
            self.status,
            FileStatus::NoVendorLiteral | FileStatus::NoRuleLiteral
        );
        (skipped && self.hosts.marked) || !self.hosts.unsignalled.is_empty()
    }

    /// Whether hosts learned elsewhere may change what the file reports: the literal
    /// scan left it out although it holds a rule's path, or a call of it matches a rule
    /// on a learned host without a signal of its own.
    fn worth_second_look(&self, learned: &[(usize, crate::rules::LearnedHost)]) -> bool {
        let skipped = matches!(
            self.status,
            FileStatus::NoVendorLiteral | FileStatus::NoRuleLiteral
        );
        (skipped && self.hosts.marked)
            || self
                .hosts
                .unsignalled
                .iter()
                .any(|(p, h, _)| learned.iter().any(|(q, l)| q == p && l.host == *h))
    }
}

/// What a scan keeps of a file's outcome until its report is collected. Almost every
/// file of a large tree ends with a status alone (no vendor literal, nothing learned):
/// a whole [`Outcome`] for each (some 300 bytes, with the room for a report, an error
/// and hosts) held for 75,000 files was a third of the peak memory.
enum Kept {
    /// Nothing but the status.
    Status(FileStatus),
    Full(Box<Outcome>),
}

/// The hosts of a file that showed none.
static NO_HOSTS: crate::learn::FileHosts = crate::learn::FileHosts {
    learned: Vec::new(),
    signalled: Vec::new(),
    unsignalled: Vec::new(),
    urls: Vec::new(),
    marked: false,
};

impl Kept {
    /// Keeps `outcome` (its import walk's parts already taken).
    fn of(outcome: Outcome) -> Kept {
        let h = &outcome.hosts;
        let plain = outcome.report.is_none()
            && outcome.error.is_none()
            && outcome.detail.is_none()
            && outcome.lends.is_none()
            && outcome.node.is_none()
            && !h.marked
            && h.learned.is_empty()
            && h.signalled.is_empty()
            && h.unsignalled.is_empty()
            && h.urls.is_empty();
        if plain {
            Kept::Status(outcome.status)
        } else {
            Kept::Full(Box::new(outcome))
        }
    }

    fn hosts(&self) -> &crate::learn::FileHosts {
        match self {
            Kept::Status(_) => &NO_HOSTS,
            Kept::Full(o) => &o.hosts,
        }
    }

    fn outcome(self) -> Outcome {
        match self {
            Kept::Status(status) => Outcome::status(status, None),
            Kept::Full(o) => *o,
        }
    }
}

/// A set of the literal scan's literals (see [`crate::frontend::prefilter`]), packed.
#[derive(Clone, Debug, Default)]
struct Bits(Box<[u64]>);

impl Bits {
    fn of(found: &[bool]) -> Bits {
        let mut words = vec![0u64; found.len().div_ceil(64)];
        for (i, _) in found.iter().enumerate().filter(|(_, f)| **f) {
            words[i / 64] |= 1 << (i % 64);
        }
        Bits(words.into_boxed_slice())
    }

    /// Every literal (what a module the scan cannot read may hold).
    fn all(len: usize) -> Bits {
        Bits::of(&vec![true; len])
    }

    fn add(&mut self, other: &Bits) {
        if self.0.len() < other.0.len() {
            let mut words = self.0.to_vec();
            words.resize(other.0.len(), 0);
            self.0 = words.into_boxed_slice();
        }
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a |= *b;
        }
    }

    fn to_found(&self, len: usize) -> Vec<bool> {
        (0..len)
            .map(|i| self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0))
            .collect()
    }
}

/// A file the first pass left out although it imports modules (or parsed for its
/// suppressions only): the names its imports may lead to, for [`ImportGate::candidates`].
struct ImportNode {
    /// The keys ([`crate::resolve::module_keys`]) of the files of the scan its
    /// specifiers may name.
    names: Box<[u64]>,
    /// A specifier leads to a module that the scan does not read as a file (outside
    /// its roots, ignored): only the full walk can tell what it lends.
    outside: bool,
    /// The literals of the file itself, when it holds a vendor literal.
    found: Option<Bits>,
    /// The literals of the JSON documents it imports (files the scan does not read as
    /// modules: their literals are counted here, as judging the file again counts them).
    documents: Bits,
    /// Whether the file may be judged again (it failed the literal scan on its own).
    candidate: bool,
}

/// Where a first pass ended up keeping a file's outcome.
#[derive(Clone, Copy)]
enum Place {
    /// In the held list (with its index there).
    Held(usize),
    /// Recorded (streamed), with the index of its hosts among the recorded ones.
    Recorded(usize),
}

/// The import walk of a scan, in two passes. The literal scan of a file counts the
/// literals of the modules it imports, two deep (a base URL defined in a settings
/// module makes the file that imports it a candidate), but reading every import of
/// every file costs more than the scan itself. So the first pass reads each file once
/// and, for a file that fails on its own, keeps only the names its imports may lead to
/// (the paths they may name, without a file-system probe for an import inside the
/// scan's roots). Once every file is read, the files that hold vendor literals are
/// known (few: the vendor literals are specific), and a failing file is judged again,
/// with its imports followed, only when the files it may import, and the files those
/// may import, hold the vendor literals some rule needs: a file can be parsed only
/// with them, in it or in what it imports.
///
/// A module inside the roots that the scan does not read (ignored by `.gitignore` or
/// `exclude`) is not followed; one outside the roots is (resolved once per folder),
/// and so is one that another configuration's checker reads (`shared_tree`).
/// The path keys are hashes already: a set of them is indexed by the key itself.
#[derive(Clone, Copy, Default)]
struct KeyHash;

impl std::hash::BuildHasher for KeyHash {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(0)
    }
}

#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

/// Whether `path` is a type declaration: TypeScript's (`x.d.ts`, `x.d.mts`,
/// `x.d.cts`) or a Python stub (`x.pyi`). Neither holds code that runs, and no import
/// resolves to one (a Python import names a `.py` file or a package).
fn type_declaration(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        [".d.ts", ".d.mts", ".d.cts", ".pyi"]
            .iter()
            .any(|e| n.ends_with(e))
    })
}

/// Opens a file of the scan for reading. Without waiting on a FIFO: opened
/// non-blocking (which changes nothing for a regular file), it is then refused as not
/// a regular file.
fn open_to_read(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Whether `APIMIGRATE_BENCH_NO_IMPORTS` is set (to anything but empty or `0`): the
/// first pass then keeps no imports, so no file is judged again with them. For
/// bench/ only, to measure what following imports costs; findings may differ.
fn imports_off() -> bool {
    static OFF: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *OFF.get_or_init(|| {
        std::env::var_os("APIMIGRATE_BENCH_NO_IMPORTS").is_some_and(|v| !v.is_empty() && v != "0")
    })
}

/// What a JSON document imported as a module lends to the import walk's test.
#[derive(Clone)]
enum Lent {
    /// Its vendor literals (none when it holds none, or cannot be read).
    Literals(Bits),
    /// Its text names modules that exist in turn: only the full walk can tell what it
    /// lends.
    Modules,
}

struct ImportGate {
    roots: crate::resolve::Roots,
    /// The JSON documents imported so far, read once per run (several modules of a
    /// package often require the same schema or API description).
    documents: std::sync::Mutex<std::collections::HashMap<(PathBuf, Language), Lent>>,
    /// The keys ([`crate::resolve::module_keys`]) of every file of the scan.
    keys: std::collections::HashSet<u64, KeyHash>,
    /// Other checkers scan other files of the tree: an import that names none of
    /// this scan's files is resolved.
    shared_tree: bool,
}

impl ImportGate {
    fn new(files: &[&(PathBuf, Language)], roots: &[PathBuf], shared_tree: bool) -> ImportGate {
        // Hashed on every thread: this runs before the first file is read.
        let all: Vec<u64> = files
            .par_iter()
            .flat_map_iter(|(path, _)| crate::resolve::module_keys(path))
            .collect();
        let mut keys = std::collections::HashSet::with_capacity_and_hasher(all.len(), KeyHash);
        keys.extend(all);
        ImportGate {
            roots: crate::resolve::Roots::new(roots),
            documents: Default::default(),
            keys,
            shared_tree,
        }
    }

    /// What the import walk keeps of a file that fails the literal scan on its own:
    /// the keys of the files its specifiers may name. A specifier that may leave the
    /// roots, or whose module the text does not tell, is resolved (once per folder).
    fn node(
        &self,
        checker: &Checker,
        path: &Path,
        language: Language,
        specs: &[String],
        found: Option<Bits>,
        candidate: bool,
    ) -> ImportNode {
        let project = &checker.project;
        let mut names = Vec::new();
        let mut outside = false;
        let mut documents = Bits::default();
        let dir = crate::resolve::Lexical::of(path.parent().unwrap_or(Path::new("")));
        for spec in specs {
            // A JSON document imported as a module is not a file the scan reads: its
            // vendor literals are read now (what the test of candidates looks at), as
            // judging the file again would count them. Only one whose text names
            // modules in turn needs the full walk.
            if spec.ends_with(".json") && !spec.starts_with(crate::resolve::PY) {
                let Some(document) = project.resolve(path, spec) else {
                    continue;
                };
                match self.document(checker, document, language) {
                    Lent::Literals(bits) => documents.add(&bits),
                    Lent::Modules => outside = true,
                }
                continue;
            }
            let target = crate::resolve::spec_target(&dir, spec, &self.roots);
            let known = !target.may_leave && !target.keys.is_empty();
            if known && target.keys.iter().any(|k| self.keys.contains(k)) {
                names.extend(target.keys.iter().filter(|k| self.keys.contains(k)));
                continue;
            }
            if known && !self.shared_tree {
                // A module of the roots that the scan does not read, or none.
                continue;
            }
            match project.resolve(path, spec) {
                None => {}
                Some(found) => {
                    let keys = crate::resolve::module_keys(&found);
                    if self.keys.contains(&keys[0]) {
                        names.extend(keys);
                    } else {
                        outside = true;
                    }
                }
            }
        }
        names.sort_unstable();
        names.dedup();
        ImportNode {
            names: names.into_boxed_slice(),
            outside,
            found,
            documents,
            candidate,
        }
    }

    /// What the JSON document at `path`, imported by a file in `language`, lends.
    fn document(&self, checker: &Checker, path: PathBuf, language: Language) -> Lent {
        let key = (path, language);
        if let Some(lent) = self
            .documents
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return lent;
        }
        let lent = match crate::resolve::read_module(&key.0) {
            None => Lent::Literals(Bits::default()),
            // What a document's text seems to import (prose in a schema's description
            // can read as `from './x'`) is followed only if it names a file.
            Some(text)
                if crate::resolve::specifiers(language, &text)
                    .iter()
                    .any(|spec| checker.project.resolve(&key.0, spec).is_some()) =>
            {
                Lent::Modules
            }
            Some(text) => Lent::Literals(
                checker
                    .prefilter
                    .verdict_and_found(text.as_bytes())
                    .1
                    .map(|found| Bits::of(&found))
                    .unwrap_or_default(),
            ),
        };
        if let Ok(mut m) = self.documents.lock() {
            m.insert(key, lent.clone());
        }
        lent
    }

    /// Which of the `nodes` (index into `files`, node, place) may pass with their
    /// imports: the literals that the files of the names they import, and the files
    /// of the names those import, lend (`lends`: index into `files`, literals) complete
    /// a rule's vendor literals with theirs, or they import a module the scan does not
    /// read.
    fn candidates<'n>(
        nodes: &'n [(usize, ImportNode, Place)],
        lends: &[(usize, Bits)],
        files: &[&(PathBuf, Language)],
        prefilter: &Prefilter,
    ) -> Vec<&'n (usize, ImportNode, Place)> {
        use std::collections::HashMap;
        let len = prefilter.literal_count();
        // One import deep: what the files of each name hold.
        let mut by_name: HashMap<u64, Bits, KeyHash> = HashMap::default();
        for (k, bits) in lends {
            for n in crate::resolve::module_keys(&files[*k].0) {
                by_name.entry(n).or_default().add(bits);
            }
        }
        // Two deep: and what the files they import hold.
        let mut near = by_name.clone();
        for (k, node, _) in nodes {
            let mut reached = if node.outside {
                Bits::all(len)
            } else {
                node.documents.clone()
            };
            for n in node.names.iter() {
                if let Some(b) = by_name.get(n) {
                    reached.add(b);
                }
            }
            if reached.0.iter().any(|w| *w != 0) {
                for n in crate::resolve::module_keys(&files[*k].0) {
                    near.entry(n).or_default().add(&reached);
                }
            }
        }
        nodes
            .iter()
            .filter(|(_, node, _)| {
                if !node.candidate {
                    return false;
                }
                if node.outside {
                    return true;
                }
                let mut all = node.found.clone().unwrap_or_default();
                all.add(&node.documents);
                for n in node.names.iter() {
                    if let Some(b) = near.get(n) {
                        all.add(b);
                    }
                }
                prefilter.may_pass_with(&all.to_found(len))
            })
            .collect()
    }
}

impl Checker {
    pub fn new(rules: RuleSet, selection: Selection) -> Checker {
        Checker::with_config(rules, selection, Config::default())
    }

    /// A checker for files governed by `config` (its hosts already added to `rules`).
    pub fn with_config(rules: RuleSet, selection: Selection, config: Config) -> Checker {
        let prefilter = Prefilter::new(&rules, &selection);
        let markers = Arc::new(crate::learn::Markers::new(&rules, &selection));
        Checker {
            rules,
            selection,
            config,
            show_files: false,
            deadline: crate::isolate::DEFAULT_DEADLINE,
            prefilter,
            markers,
            project: Arc::new(crate::resolve::ProjectIndex::new()),
            shared_tree: false,
        }
    }

    /// Adds hosts learned from the tree (by an earlier scan) to the vendors' signals.
    pub fn learn(&mut self, learned: &[(usize, crate::rules::LearnedHost)]) {
        if learned.is_empty() {
            return;
        }
        self.rules = self.rules.clone().with_learned_hosts(learned);
        self.prefilter = Prefilter::new(&self.rules, &self.selection);
    }

    /// The literal scan's verdict on a text (see [`crate::pipeline::prefilter`]).
    pub fn verdict(&self, text: &[u8]) -> Verdict {
        self.prefilter.verdict(text)
    }

    /// Scans every file under `roots`.
    pub fn scan(&self, roots: &[PathBuf], walk: &WalkOptions) -> ScanResult {
        self.scan_with_progress(roots, walk, None)
    }

    /// [`Checker::scan`], telling `progress` how many files there are and when each
    /// is done.
    pub fn scan_with_progress(
        &self,
        roots: &[PathBuf],
        walk: &WalkOptions,
        progress: Option<&dyn Progress>,
    ) -> ScanResult {
        let found = discover_all(roots, walk);
        if let Some(p) = progress {
            p.start(found.files.len());
        }
        let mut result = self.scan_files(&found.files, roots, progress);
        self.record_others(&mut result, &found.others, roots);
        result.errors.extend(
            found
                .errors
                .into_iter()
                .map(|e| ScanError::new(display_path(&e.path).to_string_lossy(), e.message)),
        );
        result.file_list.sort_by(|a, b| a.path.cmp(&b.path));
        result
    }

    /// Records the walk's files of kinds no front end reads (listed with
    /// `--show-files`; reported when named on the command line).
    pub fn record_others(&self, result: &mut ScanResult, others: &[PathBuf], explicit: &[PathBuf]) {
        for path in others {
            let named = explicit.contains(path);
            if !named && !self.show_files {
                continue;
            }
            let entry = FileEntry {
                path: display_path(path).to_string_lossy().into_owned(),
                status: FileStatus::NotScannedKind,
                detail: None,
            };
            result.record(entry, self.show_files, named);
        }
    }

    /// Scans files already found (by [`discover`]); `explicit` are the paths the user
    /// named, which include/exclude never filter out. `progress` is advanced per file.
    pub fn scan_files(
        &self,
        files: &[(PathBuf, Language)],
        explicit: &[PathBuf],
        progress: Option<&dyn Progress>,
    ) -> ScanResult {
        self.scan_files_streaming(files, explicit, progress, None)
    }

    /// [`Checker::scan_files`], handing each report with something to show to `sink`
    /// as soon as its file and every file before it are done: files are scanned in
    /// windows of [`STREAM_WINDOW`] in walk (path) order, so the order is the walk's
    /// whatever the threads' timing, and no more than a window's reports are held. A
    /// report handed to the sink keeps only its most severe finding (for the exit
    /// code), without a fix, and neither its text nor its secrets.
    pub fn scan_files_streaming(
        &self,
        files: &[(PathBuf, Language)],
        explicit: &[PathBuf],
        progress: Option<&dyn Progress>,
        mut sink: Option<&mut (dyn FnMut(&FileReport) + '_)>,
    ) -> ScanResult {
        let mut result = ScanResult::default();
        let mut included: Vec<&(PathBuf, Language)> = Vec::with_capacity(files.len());
        for f in files {
            if explicit.contains(&f.0) || self.config.includes(&f.0) {
                included.push(f);
            } else if self.show_files {
                let entry = FileEntry {
                    path: display_path(&f.0).to_string_lossy().into_owned(),
                    status: FileStatus::Ignored,
                    detail: Some(match &self.config.file {
                        Some(c) => format!(
                            "by the include/exclude patterns of {}",
                            display_path(c).display()
                        ),
                        None => "by include/exclude patterns".into(),
                    }),
                };
                result.record(entry, true, false);
            }
        }
        // Each worker keeps one file in flight; its analysis (not the read and the
        // literal scan) runs in isolation: its own stack, a deadline, panics caught.
        let shared = Arc::new(self.clone());
        // what outlives it is the report of a
        // file with findings, or a short outcome.
        // Files whose findings may change once the tree's hosts are known are held back
        // (with learning on); the rest are recorded, and streamed, as their window ends.
        let streaming = sink.is_some();
        let learn = self.config.learn_hosts;
        let window = if streaming {
            STREAM_WINDOW
        } else {
            SCAN_WINDOW
        };
        let mut held: Vec<(usize, Kept)> = Vec::new();
        if !streaming {
            held.reserve_exact(included.len());
        }
        let mut recorded_hosts: Vec<crate::learn::FileHosts> = Vec::new();
        let gate = ImportGate::new(&included, explicit, self.shared_tree);
        // The import walk's first pass: the names of the files that may lend a vendor
        // literal, and the files that fail on their own but import modules.
        let mut lends: Vec<(usize, Bits)> = Vec::new();
        let mut nodes: Vec<(usize, ImportNode, Place)> = Vec::new();
        for (w, chunk) in included.chunks(window).enumerate() {
            let outcomes: Vec<Outcome> = chunk
                .par_iter()
                .map(|(path, lang)| {
                    let outcome = shared.scan_path(path, *lang, Some(&gate));
                    if let Some(p) = progress {
                        p.advance();
                    }
                    outcome
                })
                .collect();
            for (i, mut outcome) in outcomes.into_iter().enumerate() {
                let k = w * window + i;
                if let Some(bits) = outcome.lends.take() {
                    lends.push((k, bits));
                }
                let node = outcome.node.take();
                let place = if !streaming || (learn && outcome.may_need_second_look()) {
                    held.push((k, Kept::of(outcome)));
                    Place::Held(held.len() - 1)
                } else {
                    recorded_hosts.push(std::mem::take(&mut outcome.hosts));
                    self.collect(&mut result, &included[k].0, outcome, explicit, &mut sink);
                    Place::Recorded(recorded_hosts.len() - 1)
                };
                if let Some(node) = node {
                    nodes.push((k, node, place));
                }
            }
        }
        // The import walk's second pass: the files that may pass with their imports are
        // judged again, their imports followed.
        let candidates = ImportGate::candidates(&nodes, &lends, &included, &self.prefilter);
        let again: Vec<(Place, usize, Outcome)> = candidates
            .par_iter()
            .map(|(k, _, place)| {
                let (path, lang) = included[*k];
                (*place, *k, shared.scan_path(path, *lang, None))
            })
            .filter(|(_, _, o)| {
                !matches!(
                    o.status,
                    FileStatus::NoVendorLiteral | FileStatus::NoRuleLiteral
                )
            })
            .collect();
        drop(candidates);
        drop(nodes);
        drop(lends);
        for (place, k, mut outcome) in again {
            match place {
                Place::Held(j) => held[j].1 = Kept::of(outcome),
                Place::Recorded(r) => {
                    result.unrecord(&display_path(&included[k].0).to_string_lossy());
                    recorded_hosts[r] = std::mem::take(&mut outcome.hosts);
                    self.collect(&mut result, &included[k].0, outcome, explicit, &mut sink);
                }
            }
        }
        // Hosts learned from the tree: the files they may change are judged again.
        let mut rules = &self.rules;
        let second;
        if learn {
            let learned = crate::learn::learned_hosts(
                recorded_hosts
                    .iter()
                    .chain(held.iter().map(|(_, o)| o.hosts())),
            );
            if !learned.is_empty() {
                let mut checker = self.clone();
                checker.learn(&learned);
                second = Arc::new(checker);
                let again: Vec<(usize, Outcome)> = held
                    .par_iter()
                    .enumerate()
                    .filter(
                        |(_, (_, o))| matches!(o, Kept::Full(o) if o.worth_second_look(&learned)),
                    )
                    .map(|(j, (k, _))| {
                        let (path, lang) = included[*k];
                        (j, second.scan_path(path, *lang, None))
                    })
                    .collect();
                for (j, o) in again {
                    held[j].1 = Kept::of(o);
                }
                rules = &second.rules;
                result.learned = learned;
            }
        }
        result.unknown_hosts = crate::learn::unknown_hosts(
            rules,
            &self.markers,
            recorded_hosts
                .iter()
                .chain(held.iter().map(|(_, o)| o.hosts())),
        );
        for (k, kept) in held {
            self.collect(
                &mut result,
                &included[k].0,
                kept.outcome(),
                explicit,
                &mut sink,
            );
        }
        result
    }

    /// Records one file's outcome in `result` (its report handed to `sink`, if any).
    fn collect(
        &self,
        result: &mut ScanResult,
        path: &Path,
        outcome: Outcome,
        explicit: &[PathBuf],
        sink: &mut Option<&mut (dyn FnMut(&FileReport) + '_)>,
    ) {
        let named = explicit.iter().any(|e| e == path);
        // The path is shown only when the file is listed or was named: most files of a
        // tree are neither, and this runs once per file on one thread.
        let shown = if self.show_files || named {
            display_path(path).to_string_lossy().into_owned()
        } else {
            String::new()
        };
        result.record(
            FileEntry {
                path: shown,
                status: outcome.status,
                detail: outcome.detail,
            },
            self.show_files,
            named,
        );
        if let Some(mut r) = outcome.report {
            if let Some(sink) = sink.as_mut() {
                sink(&r);
                // What the exit code needs: the most severe finding, without its fix.
                let worst = r.findings.drain(..).max_by_key(|f| f.severity);
                r.findings.extend(worst.map(|f| Finding { fix: None, ..f }));
                r.suppressed = Vec::new();
                r.source.text = String::new();
                r.secrets = Vec::new();
            }
            result.files.push(r);
        }
        if let Some(e) = outcome.error {
            result.errors.push(e);
        }
    }

    /// Reads and checks one file. With `gate` (a scan's first pass), a file that fails
    /// the literal scan on its own keeps what the import walk needs of it (see
    /// [`ImportGate`]); without, its imports are followed at once.
    fn scan_path(
        self: &Arc<Self>,
        path: &Path,
        language: Language,
        gate: Option<&ImportGate>,
    ) -> Outcome {
        let shown = display_path(path);
        let shown_str = shown.to_string_lossy().into_owned();
        let cannot_read = |e: std::io::Error| Outcome {
            error: Some(ScanError::new(&shown_str, format!("cannot read file: {e}"))),
            ..Outcome::status(FileStatus::Error, None)
        };
        // Opened first and asked what it is through the open file: a `stat` of the
        // path before the open cost a path lookup per file of the tree.
        let mut file = match open_to_read(path) {
            Ok(file) => file,
            Err(e) => return cannot_read(e),
        };
        let bytes = match file.metadata() {
            Ok(m) if m.len() > MAX_FILE_BYTES => {
                return Outcome::status(
                    FileStatus::TooLarge,
                    Some(format!("{} bytes, more than {MAX_FILE_BYTES}", m.len())),
                )
            }
            // A link to a FIFO or a device would block the read forever.
            Ok(m) if !m.is_file() => {
                return Outcome {
                    error: Some(ScanError::new(shown_str, "not a regular file; not read")),
                    ..Outcome::status(FileStatus::Error, None)
                }
            }
            Ok(m) => {
                use std::io::Read;
                let mut bytes = Vec::new();
                // The length may have changed since: `read_to_end` reads what there is.
                if let Err(e) = bytes
                    .try_reserve_exact(m.len() as usize + 1)
                    .map_err(std::io::Error::other)
                    .and_then(|()| file.read_to_end(&mut bytes))
                {
                    return cannot_read(e);
                }
                bytes
            }
            Err(e) => return cannot_read(e),
        };
        // A binary file may still be read as a module: its literals are not known.
        let small = bytes.len() as u64 <= crate::resolve::MAX_MODULE_BYTES;
        let (text, bom, utf16) = match decode(bytes) {
            Decoded::Binary => {
                let lends = small.then(|| Bits::all(self.prefilter.literal_count()));
                return Outcome::status(FileStatus::Binary, None).with_import(lends, None);
            }
            Decoded::Utf8 { text, bom } => (text, bom, false),
            Decoded::Utf16 { text } => (text, false, true),
            Decoded::Invalid { lossy, at } => {
                return self.invalid_utf8(SourceFile::new(shown, lossy, language), at)
            }
        };
        // URLs of a deprecated API, counted in the summary when their host stays unknown.
        let mut hosts = crate::learn::FileHosts::default();
        // Minified and generated files are not worth migrating: they are not counted.
        if let Some(urls) = self.markers.urls(&text) {
            if !(language.is_code() || language == Language::Shell)
                || generated(path, text.as_bytes()).is_none()
            {
                hosts.marked = true;
                hosts.urls = urls;
            }
        }
        // A collection's vendor hosts may live in its environment: always read it.
        let mut suppressions_only = false;
        let mut node = None;
        let mut lends = None;
        if language != Language::Postman {
            let verdict = match gate {
                Some(gate) => {
                    let (mut verdict, own) = self.prefilter.verdict_and_found(text.as_bytes());
                    let found = own.as_deref().map(Bits::of);
                    // Values a file reads from files it does not import (a Bruno
                    // request's environments, an Ansible play's vars files, a Python
                    // SDK's settings read through an untyped client): judged with them
                    // now. Such files are few.
                    if matches!(verdict, Verdict::NoVendorLiteral | Verdict::NoRuleLiteral)
                        && self.reads_unimported(path, &text, language, verdict, own.as_deref())
                    {
                        verdict = self.verdict_with_imports(path, &text, language, own.as_deref());
                    }
                    let fails =
                        matches!(verdict, Verdict::NoVendorLiteral | Verdict::NoRuleLiteral);
                    // A file parsed for its suppressions only still lends what it
                    // imports to its importers.
                    // A type declaration (`x.d.ts`, `x.pyi`) holds no code that runs:
                    // what it imports never reaches a call, so its imports are not kept.
                    if (fails || verdict == Verdict::SuppressionsOnly)
                        && !imports_off()
                        && !type_declaration(path)
                    {
                        let specs = crate::resolve::specifiers(language, &text);
                        if !specs.is_empty() {
                            node =
                                Some(gate.node(self, path, language, &specs, found.clone(), fails));
                        }
                    }
                    if text.len() as u64 <= crate::resolve::MAX_MODULE_BYTES {
                        lends = found;
                    }
                    verdict
                }
                None => self.verdict_with_imports(path, &text, language, None),
            };
            match verdict {
                Verdict::NoVendorLiteral => {
                    return Outcome::status(FileStatus::NoVendorLiteral, None)
                        .with_hosts(hosts)
                        .with_import(lends, node)
                }
                Verdict::NoRuleLiteral => {
                    // No rule can report on it, but its calls may teach hosts.
                    if self.config.learn_hosts && self.prefilter.teaches_hosts(text.as_bytes()) {
                        let source = SourceFile::new(shown, text, language);
                        let facts = self.facts_only(source, path);
                        hosts.learned = facts.learned;
                        hosts.signalled = facts.signalled;
                    }
                    return Outcome::status(FileStatus::NoRuleLiteral, None)
                        .with_hosts(hosts)
                        .with_import(lends, node);
                }
                Verdict::Parse if language.is_code() || language == Language::Shell => {
                    if let Some(why) = generated(path, text.as_bytes()) {
                        return Outcome::status(FileStatus::Generated, Some(why))
                            .with_import(lends, None);
                    }
                }
                Verdict::SuppressionsOnly => suppressions_only = true,
                Verdict::Parse => {}
            }
        }
        let mut source = SourceFile::new(shown, text, language);
        source.bom = bom;
        source.utf16 = utf16;
        let prose = if self.show_files && language == Language::Markdown {
            frontend::markdown::prose_fences(&source.text).len()
        } else {
            0
        };
        // The analysis runs in isolation: a panic or the deadline becomes an error
        // entry for this file, and the run goes on.
        let checker = Arc::clone(self);
        let owned = path.to_path_buf();
        let analysed = crate::isolate::run(self.deadline, move || {
            crate::isolate::debug_fault("check", &owned);
            checker.check_source_hosts(source)
        });
        let (report, syntax_error, facts) = match analysed {
            Ok(done) => done,
            Err(failure) => {
                return Outcome {
                    error: Some(ScanError::new(shown_str, failure.to_string())),
                    ..Outcome::status(FileStatus::Error, None)
                }
            }
        };
        let (status, detail) = match syntax_error {
            Some(message) => (FileStatus::Unparseable, Some(message)),
            None if prose > 0 => (
                FileStatus::Scanned,
                Some(format!(
                    "{prose} shell fence{} read as prose: not shell syntax",
                    if prose == 1 { "" } else { "s" }
                )),
            ),
            None if suppressions_only => (FileStatus::SuppressionsOnly, None),
            None => (FileStatus::Scanned, None),
        };
        let facts = file_hosts(&report.source, facts);
        hosts.signalled = facts.signalled;
        hosts.unsignalled = facts.unsignalled;
        hosts.learned = facts.learned;
        Outcome {
            status,
            detail,
            report: (!report.is_empty()).then_some(report),
            error: None,
            hosts,
            lends,
            node,
        }
    }

    /// What a file that no rule can report on teaches about hosts: its calls, read in
    /// isolation like a scanned file's (a failure teaches nothing).
    fn facts_only(self: &Arc<Self>, source: SourceFile, path: &Path) -> crate::learn::FileHosts {
        let checker = Arc::clone(self);
        let owned = path.to_path_buf();
        crate::isolate::run(self.deadline, move || {
            crate::isolate::debug_fault("check", &owned);
            let extraction = frontend::extract_in_project(
                &source,
                &checker.config.postman_env,
                Some(&checker.project),
            );
            let facts =
                engine::host_facts(&checker.rules, &checker.selection, &source, &extraction);
            file_hosts(&source, facts)
        })
        .unwrap_or_default()
    }

    /// The literal scan's verdict on a file, counting the literals of the modules it
    /// imports (JS/TS relative imports, Python imports, Rust `mod`/`use`, shell
    /// `source`; two modules deep): a base URL
    /// defined in a settings module makes the file that imports it a candidate. Each
    /// imported module is read and scanned once per run. The files whose values a
    /// request file uses without importing them ([`frontend::side_files`]: a Bruno
    /// request's environments, an Ansible play's vars files) count too.
    /// Whether a file that fails the literal scan reads values from files it does not
    /// import (see [`Checker::verdict_with_imports`]).
    fn reads_unimported(
        &self,
        path: &Path,
        text: &str,
        language: Language,
        verdict: Verdict,
        own: Option<&[bool]>,
    ) -> bool {
        let side = match language {
            Language::Python => {
                verdict == Verdict::NoRuleLiteral
                    && !crate::resolve::members::member_reads(text).is_empty()
            }
            _ => !frontend::side_files(language, path, text).is_empty(),
        };
        side || self.passes_with_settings(language, path, text, own)
    }

    /// Whether a file passes the literal scan with the literals of its settings files
    /// ([`Checker::settings_files`], each scanned once per run): a file that reads the
    /// environment costs one more look only when its env files complete what it holds.
    fn passes_with_settings(
        &self,
        language: Language,
        path: &Path,
        text: &str,
        own: Option<&[bool]>,
    ) -> bool {
        let settings = self.settings_files(language, path, text);
        if settings.is_empty() {
            return false;
        }
        let mut all = self.own_literals(text, own);
        let literals = |t: &str| (Vec::new(), self.prefilter.found_literals(t.as_bytes()));
        for file in settings {
            if let Some(summary) = self.project.summary_of(&file, &literals) {
                for (a, b) in all.iter_mut().zip(&summary.1) {
                    *a |= *b;
                }
            }
        }
        self.prefilter.verdict_of(&all) == Verdict::Parse
    }

    /// The files whose values a file reads through the environment or a settings
    /// package rather than an import: the env files of its folder and those above
    /// (when it reads `process.env`, `os.environ`, `$X`), the `config/*.json` of the
    /// `config` package (when it requires it).
    fn settings_files(&self, language: Language, path: &Path, text: &str) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let reads = frontend::settings_reads(language, text);
        if reads.environment {
            out.extend(self.project.env_files(path));
        }
        if reads.node_config {
            out.extend(self.project.node_config_files(path));
        }
        out
    }

    /// The literals `text` holds: `known` when the literal scan already found them
    /// (`None`: it stopped at the quick pass, which tells only that no vendor literal
    /// is there).
    fn own_literals(&self, text: &str, known: Option<&[bool]>) -> Vec<bool> {
        match known {
            Some(found) => found.to_vec(),
            None => self.prefilter.found_literals(text.as_bytes()),
        }
    }

    /// What the import walk keeps of a module imported by a file in `language`: the
    /// modules it names in turn, and the literals it holds.
    fn summarise(&self, language: Language, text: &str) -> crate::resolve::Summary {
        (
            crate::resolve::specifiers(language, text),
            self.prefilter.found_literals(text.as_bytes()),
        )
    }

    fn verdict_with_imports(
        &self,
        path: &Path,
        text: &str,
        language: Language,
        own: Option<&[bool]>,
    ) -> Verdict {
        let own = self.own_literals(text, own);
        let verdict = self.prefilter.verdict_of(&own);
        if !matches!(verdict, Verdict::NoVendorLiteral | Verdict::NoRuleLiteral) {
            return verdict;
        }
        let mut all = own.clone();
        // A Bruno request's environments, an Ansible play's vars files.
        let side = frontend::side_files(language, path, text);
        if !side.is_empty() {
            for file in side {
                let Ok(meta) = std::fs::metadata(&file) else {
                    continue;
                };
                if !meta.is_file() || meta.len() > crate::resolve::MAX_MODULE_BYTES {
                    continue;
                }
                if let Ok(t) = std::fs::read(&file) {
                    let found = self.prefilter.found_literals(&t);
                    for (a, b) in all.iter_mut().zip(&found) {
                        *a |= *b;
                    }
                }
            }
            if let Verdict::Parse = self.prefilter.verdict_of(&all) {
                return Verdict::Parse;
            }
        }
        let specs = crate::resolve::specifiers(language, text);
        let summarise = |t: &str| self.summarise(language, t);
        // The env files that may set what the file reads from the environment, and
        // the settings files of the `config` package.
        if self.passes_with_settings(language, path, text, Some(&own)) {
            return Verdict::Parse;
        }
        if !specs.is_empty() {
            // Adding literals never takes a pass away: once the file passes with the
            // modules read so far, the rest cannot change the verdict.
            let mut gather = |summary: &crate::resolve::Summary| {
                for (a, b) in all.iter_mut().zip(&summary.1) {
                    *a |= *b;
                }
                self.prefilter.verdict_of(&all) == Verdict::Parse
            };
            self.project
                .imported_summaries(path, &specs, 2, &summarise, &mut gather);
        }
        // A Python file with a vendor literal that reads settings through an object of
        // unknown class (`client.core_settings['v2_base']`): the package's files that
        // set those attributes on `self` count as imported.
        if language == Language::Python
            && verdict == Verdict::NoRuleLiteral
            && self.prefilter.verdict_of(&all) != Verdict::Parse
        {
            let attrs = crate::resolve::members::member_reads(text);
            if !attrs.is_empty() {
                for summary in self.project.member_summaries(path, &attrs, &summarise) {
                    for (a, b) in all.iter_mut().zip(&summary.1) {
                        *a |= *b;
                    }
                }
            }
        }
        match self.prefilter.verdict_of(&all) {
            Verdict::Parse => Verdict::Parse,
            _ => verdict,
        }
    }

    /// A file that is not valid UTF-8: API003 when it would have been parsed.
    fn invalid_utf8(&self, source: SourceFile, at: usize) -> Outcome {
        let pos = source.position(at);
        let message = format!(
            "not valid UTF-8 (invalid byte at line {}, column {})",
            pos.line, pos.column
        );
        let findings = if self.holds_vendor_signal(&source) {
            engine::unparseable(&self.rules, &self.selection, at..at, &message)
        } else {
            Vec::new()
        };
        Outcome {
            status: FileStatus::Unparseable,
            detail: Some(message),
            report: (!findings.is_empty()).then_some(FileReport {
                secrets: crate::secrets::scan_text(&source.text),
                source,
                findings,
                suppressed: Vec::new(),
            }),
            error: None,
            hosts: crate::learn::FileHosts::default(),
            lends: None,
            node: None,
        }
    }

    /// Whether the file could produce a vendor finding, so that failing to parse it
    /// is worth an API003: it passes the literal scan (a Postman collection: it, or an
    /// environment given with `--postman-env`, holds a vendor literal).
    fn holds_vendor_signal(&self, source: &SourceFile) -> bool {
        if self.prefilter.verdict(source.text.as_bytes()) == Verdict::Parse {
            return true;
        }
        source.language == Language::Postman
            && (self.prefilter.has_vendor_literal(source.text.as_bytes())
                || self.config.postman_env.iter().any(|env| {
                    std::fs::read(env).is_ok_and(|t| self.prefilter.has_vendor_literal(&t))
                }))
    }

    /// Runs the front end and the rules on one file's text.
    pub fn check_source(&self, source: SourceFile) -> FileReport {
        self.check_source_hosts(source).0
    }

    /// [`Checker::check_source`], and the file's syntax error if it has one. API003 is
    /// kept only for a file that holds a vendor signal: a file that cannot produce a
    /// finding never fails the gate for being unparseable.
    fn check_source_hosts(
        &self,
        mut source: SourceFile,
    ) -> (FileReport, Option<String>, engine::HostFacts) {
        let extraction =
            frontend::extract_in_project(&source, &self.config.postman_env, Some(&self.project));
        let facts = engine::host_facts(&self.rules, &self.selection, &source, &extraction);
        let mut findings = engine::check_file(
            &self.rules,
            &self.selection,
            &self.config,
            &source,
            &extraction,
            frontend::support(source.language),
        );
        let syntax_error = extraction.syntax_error.as_ref().map(|(_, m)| m.clone());
        if syntax_error.is_some() && !self.holds_vendor_signal(&source) {
            let file_rules: Vec<&str> = self
                .rules
                .rules
                .iter()
                .filter(|r| r.rule.matcher.target == Target::File)
                .map(|r| r.rule.code.as_str())
                .collect();
            findings.retain(|f| !file_rules.contains(&f.code.as_str()));
        }
        // Inline suppressions, then API900 for the ones that matched nothing (only when
        // the whole file was checked).
        let suppress::Applied {
            mut findings,
            suppressed,
        } = suppress::apply(
            &self.rules,
            &self.selection,
            &source,
            findings,
            extraction.syntax_error.is_none(),
        );
        let mut secrets = engine::secret_spans(&extraction);
        if self.config.include_comments {
            let (more, more_secrets) = self.check_comments(&source);
            findings.extend(more);
            findings.sort_by_key(|f| (f.span.start, f.span.end));
            secrets.extend(more_secrets);
        }
        // What the front end knows by name, plus what the text shows by shape (only
        // read when something will be shown).
        if !findings.is_empty() || !suppressed.is_empty() {
            secrets.extend(crate::secrets::scan_text(&source.text));
        }
        secrets.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
        secrets.dedup();
        if source.incremental {
            source.tree = extraction.tree.clone().filter(|_| extraction.tree_is_exact);
        }
        (
            FileReport {
                source,
                findings,
                suppressed,
                secrets,
            },
            syntax_error,
            facts,
        )
    }

    /// With `--include-comments`: the findings of the calls in commented-out code,
    /// without fixes, and the secrets written there. Each comment block that holds a
    /// vendor anchor is un-commented on its own (so prose elsewhere cannot spoil the
    /// parse) and run through the file's front end; findings inside the block count.
    fn check_comments(&self, source: &SourceFile) -> (Vec<Finding>, Vec<Span>) {
        let mut findings = Vec::new();
        let mut secrets = Vec::new();
        for block in frontend::comment_blocks(source) {
            let before = findings.len();
            self.check_comment_block(source, &block, &mut findings, &mut secrets);
            // A line of prose in the block may spoil the parse (a strict parser such
            // as Rust's): then each comment is tried on its own.
            if findings.len() == before && block.len() > 1 {
                for comment in &block {
                    self.check_comment_block(
                        source,
                        std::slice::from_ref(comment),
                        &mut findings,
                        &mut secrets,
                    );
                }
            }
        }
        (findings, secrets)
    }

    fn check_comment_block(
        &self,
        source: &SourceFile,
        block: &[Span],
        findings: &mut Vec<Finding>,
        secrets: &mut Vec<Span>,
    ) {
        let (Some(first), Some(last)) = (block.first(), block.last()) else {
            return;
        };
        let range = first.start..last.end;
        if self
            .prefilter
            .verdict(&source.text.as_bytes()[range.clone()])
            != Verdict::Parse
        {
            return;
        }
        let code = frontend::uncommented(source, block);
        let live = SourceFile::new(source.path.clone(), code, source.language);
        let mut extraction = frontend::extract_with(&live, &self.config.postman_env);
        extraction.syntax_error = None;
        let inside = |s: &Span| range.start <= s.start && s.end <= range.end;
        let found = engine::check_file(
            &self.rules,
            &self.selection,
            &self.config,
            &live,
            &extraction,
            frontend::support(live.language),
        );
        findings.extend(
            found
                .into_iter()
                .filter(|f| f.code != "API900" && inside(&f.span))
                .map(|mut f| {
                    f.message = format!("{} (in commented-out code)", f.message);
                    f.fix = None;
                    f.help = f.help.map(|h| {
                        h.trim_end_matches(" (safe fix)")
                            .trim_end_matches(" (unsafe fix)")
                            .to_string()
                    });
                    f.labels.retain(|l| inside(&l.span));
                    f
                }),
        );
        secrets.extend(
            engine::secret_spans(&extraction)
                .into_iter()
                .filter(|s| inside(s)),
        );
    }
}

/// A file's host facts, with the places of its learned hosts.
fn file_hosts(source: &SourceFile, facts: engine::HostFacts) -> crate::learn::FileHosts {
    crate::learn::FileHosts {
        learned: facts
            .learned
            .into_iter()
            .filter(|(_, host, _, _)| !crate::learn::loopback_host(host))
            .take(crate::learn::MAX_LEARNED_PER_FILE)
            .map(|(pack, host, span, signal)| {
                let learned = crate::rules::LearnedHost {
                    host,
                    path: source.path.clone(),
                    start: source.position(span.start),
                    end: source.position(span.end),
                    span,
                    signal,
                };
                (pack, learned)
            })
            .collect(),
        signalled: facts.signalled,
        unsignalled: facts.unsignalled,
        ..crate::learn::FileHosts::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_declarations_are_told_by_their_name() {
        for yes in [
            "types/index.d.ts",
            "a.d.mts",
            "lib/x.d.cts",
            "stubs/os/path.pyi",
        ] {
            assert!(type_declaration(Path::new(yes)), "{yes}");
        }
        for no in [
            "a.ts",
            "d.ts",
            "a.d.js",
            "x.mts",
            "dts/a.tsx",
            "a.py",
            "pyi.py",
        ] {
            assert!(!type_declaration(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn json_documents_are_judged_by_their_literals_before_a_second_look() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            (path, Language::detect(Path::new(name)).unwrap())
        };
        let files = [
            // Requires a document with a vendor base URL: worth a second look.
            write(
                "src/reports.js",
                "const c = require('../community.json');\nfetch(`${c.api}/messages`);\n",
            ),
            // Requires a document with none: no import can complete a rule's literals.
            write(
                "src/plain.js",
                "const s = require('../schema.json');\nfetch(s.url);\n",
            ),
            // A Python module named `json` is a module of the scan, not a document.
            write(
                "app/main.py",
                "from app.serializers.json import dump\ndump(1)\n",
            ),
            write("app/__init__.py", ""),
            write("app/serializers/__init__.py", ""),
            write(
                "app/serializers/json.py",
                "import os\n\ndef dump(x):\n    return x\n",
            ),
        ];
        std::fs::write(
            dir.path().join("community.json"),
            r#"{ "api": "https://acme.lithium.com/api/2.0" }"#,
        )
        .unwrap();
        // Prose that reads as an import names no file: nothing to follow.
        std::fs::write(
            dir.path().join("schema.json"),
            r#"{ "url": "https://x.test/v3", "about": "as in: import x from './nowhere'" }"#,
        )
        .unwrap();
        let checker = Arc::new(Checker::new(RuleSet::embedded(), Selection::default()));
        let included: Vec<&(PathBuf, Language)> = files.iter().collect();
        let gate = ImportGate::new(&included, &[dir.path().to_path_buf()], false);
        let mut nodes = Vec::new();
        let mut lends = Vec::new();
        for (k, (path, language)) in files.iter().enumerate() {
            let mut outcome = checker.scan_path(path, *language, Some(&gate));
            if let Some(bits) = outcome.lends.take() {
                lends.push((k, bits));
            }
            if let Some(node) = outcome.node.take() {
                nodes.push((k, node, Place::Held(k)));
            }
        }
        let node = |name: &str| {
            let k = files.iter().position(|(p, _)| p.ends_with(name)).unwrap();
            &nodes.iter().find(|(i, _, _)| *i == k).unwrap().1
        };
        assert!(!node("reports.js").outside && !node("plain.js").outside);
        assert!(!node("main.py").outside && !node("main.py").names.is_empty());
        let again: Vec<&Path> =
            ImportGate::candidates(&nodes, &lends, &included, &checker.prefilter)
                .iter()
                .map(|(k, _, _)| files[*k].0.as_path())
                .collect();
        assert_eq!(again, [files[0].0.as_path()]);
        // Judged again with its imports, it passes.
        assert_eq!(
            checker.verdict_with_imports(
                &files[0].0,
                &std::fs::read_to_string(&files[0].0).unwrap(),
                Language::JavaScript,
                None
            ),
            Verdict::Parse
        );
    }

    #[test]
    fn scan_errors_mask_secrets_of_the_text_and_of_their_file() {
        let e = ScanError::new(
            "https://svc:Pw-0042abcd@host/x.js",
            "analysis failed (internal error: sent sk_live_4eC39HqLyjWDarjtT1zdp7dc)",
        );
        assert_eq!(e.path, "https://svc:***@host/x.js");
        assert_eq!(e.message, "analysis failed (internal error: sent ***)");
        // A value that is a secret only by where the file keeps it.
        let text = "LRN_KEY = 'lrn-7f3a9c2e'\n";
        let at = text.find("lrn-").unwrap();
        let file = FileReport {
            source: SourceFile::new("a.py".into(), text.into(), Language::Python),
            findings: Vec::new(),
            suppressed: Vec::new(),
            secrets: std::iter::once(at..at + 12).collect(),
        };
        let e = ScanError::in_file(&file, "LRN001 fix dropped (send lrn-7f3a9c2e): overlap");
        assert_eq!(e.message, "LRN001 fix dropped (send ***): overlap");
        assert_eq!(e.path, "a.py");
    }
}
