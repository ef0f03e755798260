//! The check pipeline: discover files, skip those that cannot concern any rule
//! (binary, oversized, or without any vendor anchor), run the front end and the rules
//! on the rest in parallel, and collect results in a stable order.

use crate::call::Span;
use crate::config::Config;
use crate::discover::{discover, display_path, WalkOptions};
use crate::finding::Finding;
use crate::frontend;
use crate::rules::engine::{self, Selection};
use crate::rules::RuleSet;
use crate::source::{Language, SourceFile};
use crate::suppress;
use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Files larger than this are not scanned (minified bundles, generated code).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// One file's findings, with what reporters need to show them.
pub struct FileReport {
    pub source: SourceFile,
    pub findings: Vec<Finding>,
    /// Secret spans to redact in every output.
    pub secrets: Vec<Span>,
}

/// A file that could not be scanned at all (I/O error, missing path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanError {
    pub path: String,
    pub message: String,
}

#[derive(Default)]
pub struct ScanResult {
    /// Files with at least one finding, sorted by path.
    pub files: Vec<FileReport>,
    pub errors: Vec<ScanError>,
    pub files_scanned: usize,
    pub files_skipped: usize,
}

impl ScanResult {
    pub fn findings(&self) -> impl Iterator<Item = (&FileReport, &Finding)> {
        self.files
            .iter()
            .flat_map(|f| f.findings.iter().map(move |x| (f, x)))
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
pub struct Checker {
    pub rules: RuleSet,
    pub selection: Selection,
    pub config: Config,
    prefilter: AhoCorasick,
}

enum Outcome {
    Report(FileReport),
    Clean,
    Skipped,
    Error(ScanError),
}

impl Checker {
    pub fn new(rules: RuleSet, selection: Selection) -> Checker {
        Checker::with_config(rules, selection, Config::default())
    }

    /// A checker for files governed by `config` (its hosts already added to `rules`).
    pub fn with_config(rules: RuleSet, selection: Selection, config: Config) -> Checker {
        // A file with a suppression comment is checked even without a vendor anchor:
        // its suppressions may be unused (API900).
        let mut anchors = rules.anchors();
        anchors.push(suppress::MARKER.to_string());
        let prefilter = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(anchors)
            .expect("anchors are plain strings");
        Checker {
            rules,
            selection,
            config,
            prefilter,
        }
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
        let (files, walk_errors) = discover(roots, walk);
        if let Some(p) = progress {
            p.start(files.len());
        }
        let mut result = self.scan_files(&files, roots, progress);
        result
            .errors
            .extend(walk_errors.into_iter().map(|e| ScanError {
                path: display_path(&e.path).to_string_lossy().into_owned(),
                message: e.message,
            }));
        result
    }

    /// Scans files already found (by [`discover`]); `explicit` are the paths the user
    /// named, which include/exclude never filter out. `progress` is advanced per file.
    pub fn scan_files(
        &self,
        files: &[(PathBuf, Language)],
        explicit: &[PathBuf],
        progress: Option<&dyn Progress>,
    ) -> ScanResult {
        let files: Vec<&(PathBuf, Language)> = files
            .iter()
            .filter(|(p, _)| explicit.contains(p) || self.config.includes(p))
            .collect();
        let outcomes: Vec<Outcome> = files
            .par_iter()
            .map(|(path, lang)| {
                let outcome = self.scan_path(path, *lang);
                if let Some(p) = progress {
                    p.advance();
                }
                outcome
            })
            .collect();
        let mut result = ScanResult {
            files_scanned: files.len(),
            ..ScanResult::default()
        };
        for outcome in outcomes {
            match outcome {
                Outcome::Report(r) => result.files.push(r),
                Outcome::Clean => {}
                Outcome::Skipped => result.files_skipped += 1,
                Outcome::Error(e) => result.errors.push(e),
            }
        }
        result.files_scanned -= result.files_skipped;
        result
    }

    fn scan_path(&self, path: &Path, language: Language) -> Outcome {
        let shown = display_path(path);
        let shown_str = shown.to_string_lossy().into_owned();
        let bytes = match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_FILE_BYTES => return Outcome::Skipped,
            Ok(_) => match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    return Outcome::Error(ScanError {
                        path: shown_str,
                        message: format!("cannot read file: {e}"),
                    })
                }
            },
            Err(e) => {
                return Outcome::Error(ScanError {
                    path: shown_str,
                    message: format!("cannot read file: {e}"),
                })
            }
        };
        if bytes[..bytes.len().min(8192)].contains(&0) {
            return Outcome::Skipped;
        }
        // A collection's vendor hosts may live in its environment: always read it.
        if language != Language::Postman && !self.prefilter.is_match(&bytes) {
            return Outcome::Clean;
        }
        let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (rest.to_vec(), true),
            None => (bytes, false),
        };
        match String::from_utf8(bytes) {
            Ok(text) => {
                let mut source = SourceFile::new(shown, text, language);
                source.bom = bom;
                let report = self.check_source(source);
                if report.findings.is_empty() {
                    Outcome::Clean
                } else {
                    Outcome::Report(report)
                }
            }
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let source = SourceFile::new(shown, lossy, language);
                let pos = source.position(at);
                let message = format!(
                    "not valid UTF-8 (invalid byte at line {}, column {})",
                    pos.line, pos.column
                );
                let findings = engine::unparseable(&self.rules, &self.selection, at..at, &message);
                if findings.is_empty() {
                    return Outcome::Clean;
                }
                let secrets = crate::secrets::scan_text(&source.text);
                Outcome::Report(FileReport {
                    source,
                    findings,
                    secrets,
                })
            }
        }
    }

    /// Runs the front end and the rules on one file's text.
    pub fn check_source(&self, source: SourceFile) -> FileReport {
        let extraction = frontend::extract_with(&source, &self.config.postman_env);
        let findings = engine::check_file(
            &self.rules,
            &self.selection,
            &self.config,
            &source,
            &extraction,
        );
        // Inline suppressions, then API900 for the ones that matched nothing (only when
        // the whole file was checked).
        let findings = suppress::apply(
            &self.rules,
            &self.selection,
            &source,
            findings,
            extraction.syntax_error.is_none(),
        );
        let mut secrets = engine::secret_spans(&extraction);
        let mut findings = findings;
        if self.config.include_comments {
            let (more, more_secrets) = self.check_comments(&source);
            findings.extend(more);
            findings.sort_by_key(|f| (f.span.start, f.span.end));
            secrets.extend(more_secrets);
        }
        // What the front end knows by name, plus what the text shows by shape (only
        // read when something will be shown).
        if !findings.is_empty() {
            secrets.extend(crate::secrets::scan_text(&source.text));
        }
        secrets.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
        secrets.dedup();
        FileReport {
            source,
            findings,
            secrets,
        }
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
        if !self
            .prefilter
            .is_match(&source.text.as_bytes()[range.clone()])
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
