//! Finding the files to scan: a parallel walk that honours `.gitignore` (and
//! `.ignore`), keeps only the kinds some front end reads, and reports paths that do not
//! exist. Explicitly named files are always scanned.

use crate::source::Language;
use ignore::{WalkBuilder, WalkState};
use std::path::PathBuf;
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
    /// Also collect every file of a kind no front end reads (`--show-files`).
    pub show_files: bool,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Files of scanned kinds, sorted.
    pub files: Vec<(PathBuf, Language)>,
    pub errors: Vec<WalkError>,
    /// Files of other kinds: those named as roots, and with `show_files` all of them.
    pub others: Vec<PathBuf>,
}

/// Every file under `roots` with a scanned extension, sorted.
pub fn discover(
    roots: &[PathBuf],
    opts: &WalkOptions,
) -> (Vec<(PathBuf, Language)>, Vec<WalkError>) {
    let found = discover_all(roots, opts);
    (found.files, found.errors)
}

/// [`discover`], with the files of other kinds that are worth telling about.
pub fn discover_all(roots: &[PathBuf], opts: &WalkOptions) -> Discovered {
    let files = Mutex::new(Vec::new());
    let others = Mutex::new(Vec::new());
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
            .hidden(false)
            .filter_entry(|e| e.depth() == 0 || !skipped_hidden(e))
            .threads(opts.threads);
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        let is_file = entry.file_type().is_some_and(|t| t.is_file());
                        if is_file {
                            if let Some(lang) = Language::detect(entry.path()) {
                                files.lock().unwrap().push((entry.into_path(), lang));
                            } else if opts.show_files || entry.depth() == 0 {
                                others.lock().unwrap().push(entry.into_path());
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
    sort_paths(&mut files);
    let mut errors = errors.into_inner().unwrap();
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    let mut others = others.into_inner().unwrap();
    others.sort();
    others.dedup();
    Discovered {
        files,
        errors,
        others,
    }
}

/// Sorts the walk's files as `Path`s sort (component by component), the same path
/// once (two roots may both hold it). When every path is plain (no empty, `.` or `..`
/// part), that is the order of their bytes with the separator below every other byte:
/// the separators are then swapped for NUL bytes (which no path holds) for the sort,
/// so that it compares bytes, and back. Comparing components parsed anew at each
/// comparison was a noticeable serial cost of a large tree, paid before any file is
/// read.
fn sort_paths(files: &mut Vec<(PathBuf, Language)>) {
    #[cfg(unix)]
    {
        use std::ffi::OsString;
        use std::os::unix::ffi::{OsStrExt, OsStringExt};
        if files.iter().all(|(p, _)| plain(p.as_os_str().as_bytes())) {
            let swap = |path: &mut PathBuf, from: u8, to: u8| {
                let mut bytes = std::mem::take(path).into_os_string().into_vec();
                for b in bytes.iter_mut().filter(|b| **b == from) {
                    *b = to;
                }
                *path = PathBuf::from(OsString::from_vec(bytes));
            };
            files.iter_mut().for_each(|(p, _)| swap(p, b'/', 0));
            files.sort_unstable_by(|a, b| {
                a.0.as_os_str().as_bytes().cmp(b.0.as_os_str().as_bytes())
            });
            // Plain paths are the same path exactly when their bytes are.
            files.dedup_by(|a, b| a.0.as_os_str() == b.0.as_os_str());
            files.iter_mut().for_each(|(p, _)| swap(p, 0, b'/'));
            return;
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
}

/// Whether every part of a path (after a leading `/`) is a name: not empty, `.` or
/// `..`, and holds no NUL byte.
#[cfg(unix)]
fn plain(path: &[u8]) -> bool {
    let rest = path.strip_prefix(b"/").unwrap_or(path);
    !rest.is_empty()
        && !rest.contains(&0)
        && rest
            .split(|c| *c == b'/')
            .all(|part| !matches!(part, b"" | b"." | b".."))
}

/// Hidden files and folders are skipped, except the way to GitHub workflows
/// (`.github/workflows`, and nothing else under `.github`), `.gitlab-ci.yml` and
/// environment files (`.env`, `.env.*`).
fn skipped_hidden(entry: &ignore::DirEntry) -> bool {
    let name = entry.file_name().to_string_lossy();
    let dir = entry.file_type().is_some_and(|t| t.is_dir());
    let parent = entry
        .path()
        .parent()
        .and_then(|p| p.file_name())
        .is_some_and(|p| p == ".github");
    if parent {
        return !(dir && name == "workflows");
    }
    if !name.starts_with('.') {
        return false;
    }
    // Environment files (`.env`, `.env.production`): the values code reads.
    if !dir && (name == ".env" || name.starts_with(".env.")) {
        return false;
    }
    !((dir && name == ".github") || (!dir && name.starts_with(".gitlab-ci.y")))
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

/// A path as shown to the user (kept here under its old path).
pub use crate::model::source::display_path;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_sorted_as_by_their_components() {
        let plain = [
            "a", "a/b", "a-b", "a.b/c", "a/b/c", "a0", "/x", "/x/y", "/x-y", "b", "-y", "é/a",
            "e/a", "A", "a b/c", "ab", "a/b-c", "a/b/c.d", "a/b.c", "a.b", "a/b", "a0",
        ];
        let odd = ["./a", "../z", "a//b", "a/./b", "a/", "a/b/.."];
        for paths in [&plain[..], &[&plain[..], &odd[..]].concat()] {
            let mut files: Vec<(PathBuf, Language)> = paths
                .iter()
                .map(|p| (PathBuf::from(p), Language::JavaScript))
                .collect();
            let mut expected = files.clone();
            expected.sort_by(|a, b| a.0.cmp(&b.0));
            expected.dedup_by(|a, b| a.0 == b.0);
            sort_paths(&mut files);
            let shown = |f: &[(PathBuf, Language)]| -> Vec<String> {
                f.iter().map(|(p, _)| p.display().to_string()).collect()
            };
            assert_eq!(shown(&files), shown(&expected));
        }
    }
}
