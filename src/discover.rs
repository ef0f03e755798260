//! Finding the files to scan: a parallel walk that honours `.gitignore` (and
//! `.ignore`), keeps only the kinds some front end reads, and reports paths that do not
//! exist. Explicitly named files are always scanned.

use crate::source::Language;
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A path that could not be walked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Scan files that `.gitignore` excludes too.
    pub no_ignore: bool,
    pub threads: usize,
}

/// Every file under `roots` with a scanned extension, sorted.
pub fn discover(
    roots: &[PathBuf],
    opts: &WalkOptions,
) -> (Vec<(PathBuf, Language)>, Vec<WalkError>) {
    let files = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let mut existing = Vec::new();
    for root in roots {
        if root.exists() {
            existing.push(root.clone());
        } else {
            errors.lock().unwrap().push(WalkError {
                path: root.clone(),
                message: "no such file or directory".into(),
            });
        }
    }
    if let Some((first, rest)) = existing.split_first() {
        let mut builder = WalkBuilder::new(first);
        for r in rest {
            builder.add(r);
        }
        builder
            .require_git(false)
            .git_ignore(!opts.no_ignore)
            .git_exclude(!opts.no_ignore)
            .git_global(!opts.no_ignore)
            .ignore(!opts.no_ignore)
            .parents(!opts.no_ignore)
            .hidden(true)
            .threads(opts.threads);
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        let is_file = entry.file_type().is_some_and(|t| t.is_file());
                        if is_file {
                            if let Some(lang) = Language::detect(entry.path()) {
                                files.lock().unwrap().push((entry.into_path(), lang));
                            }
                        }
                    }
                    Err(err) => errors.lock().unwrap().push(WalkError {
                        path: error_path(&err).unwrap_or_default(),
                        message: err.to_string(),
                    }),
                }
                WalkState::Continue
            })
        });
    }
    let mut files = files.into_inner().unwrap();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    let mut errors = errors.into_inner().unwrap();
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    (files, errors)
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// A path as shown to the user: relative to the current directory when under it.
pub fn display_path(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().ok();
    let shown = match (&cwd, path.is_absolute()) {
        (Some(cwd), true) => path
            .strip_prefix(cwd)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    };
    shown
        .strip_prefix("./")
        .map(Path::to_path_buf)
        .unwrap_or(shown)
}
