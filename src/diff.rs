//! The diff-aware gate (`--diff-base REF`): which lines of which files changed since
//! REF, read from the git command line, so that a run reports only findings on those
//! lines.
//!
//! "Since REF" means since the merge base of REF and `HEAD` (what a pull request
//! changed, not what landed on REF after the branch point), up to the working tree:
//! committed, staged and unstaged changes all count. Renames are followed (`-M`), so a
//! moved file counts only for the lines edited in the move; untracked files (not
//! ignored) count as changed throughout.

use crate::finding::{Suppressed, Suppression};
use crate::scan::ScanResult;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How one file changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileChange {
    /// New or untracked: every line counts as changed.
    All,
    /// Lines added or modified (inclusive 1-based ranges of the current file), and the
    /// lines after which lines were only deleted.
    Lines {
        changed: Vec<(usize, usize)>,
        deleted_after: Vec<usize>,
    },
}

impl FileChange {
    /// Whether a finding on lines `first..=last` touches a change: a changed line in
    /// the range, or a deletion inside it.
    pub fn touches(&self, first: usize, last: usize) -> bool {
        match self {
            FileChange::All => true,
            FileChange::Lines {
                changed,
                deleted_after,
            } => {
                changed.iter().any(|&(a, b)| a <= last && first <= b)
                    || deleted_after.iter().any(|&k| first <= k && k < last)
            }
        }
    }
}

/// The changes since a base, by absolute path.
#[derive(Debug, Default)]
pub struct ChangedLines {
    pub base: String,
    pub files: HashMap<PathBuf, FileChange>,
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotePath=false"])
        .args(args)
        .output()
        .map_err(|e| format!("--diff-base needs git: cannot run it: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(out.stdout)
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim().to_string()
}

/// Reads a path that git may have written C-quoted (`"a\tb.js"`).
fn unquote(path: &str) -> String {
    let Some(inner) = path.strip_prefix('"').and_then(|p| p.strip_suffix('"')) else {
        return path.to_string();
    };
    let mut bytes = Vec::new();
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(d @ b'0'..=b'7') => {
                let mut v = (d - b'0') as u32;
                for _ in 0..2 {
                    if let Some(&n @ b'0'..=b'7') = chars.peek() {
                        v = v * 8 + (n - b'0') as u32;
                        chars.next();
                    }
                }
                bytes.push(v as u8);
            }
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Parses `git diff --unified=0` output into the changes of each new-side path.
pub fn parse_unified(diff: &str) -> HashMap<String, FileChange> {
    let mut files: HashMap<String, FileChange> = HashMap::new();
    let mut current: Option<String> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            current = if path == "/dev/null" {
                None
            } else {
                let path = unquote(path);
                Some(path.strip_prefix("b/").unwrap_or(&path).to_string())
            };
            if let Some(p) = &current {
                files.entry(p.clone()).or_insert(FileChange::Lines {
                    changed: Vec::new(),
                    deleted_after: Vec::new(),
                });
            }
            continue;
        }
        let Some(hunk) = line.strip_prefix("@@ ") else {
            continue;
        };
        let Some(path) = &current else { continue };
        // `@@ -a[,b] +c[,d] @@`
        let Some(new) = hunk.split_whitespace().find(|w| w.starts_with('+')) else {
            continue;
        };
        let mut parts = new[1..].split(',');
        let start: usize = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        let count: usize = parts
            .next()
            .map_or(Some(1), |n| n.parse().ok())
            .unwrap_or(1);
        if let Some(FileChange::Lines {
            changed,
            deleted_after,
        }) = files.get_mut(path)
        {
            if count == 0 {
                deleted_after.push(start);
            } else {
                changed.push((start, start + count - 1));
            }
        }
    }
    files
}

impl ChangedLines {
    /// The changes of the repository around the current directory since `base`.
    pub fn since(base: &str) -> Result<ChangedLines, String> {
        let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
        let root = git(&cwd, &["rev-parse", "--show-toplevel"])
            .map(text)
            .map_err(|e| {
                format!(
                    "--diff-base needs a git repository: {e}; run inside a git work tree, or drop --diff-base"
                )
            })?;
        let root = PathBuf::from(root);
        let commit = format!("{base}^{{commit}}");
        git(&root, &["rev-parse", "--verify", "--quiet", &commit])
            .map_err(|_| {
                format!(
                    "--diff-base {base}: no such commit, branch or tag; fetch it first (a shallow CI clone has no other branches: `git fetch origin {base}`) or name one that exists"
                )
            })?;
        // What this branch changed: from the merge base with REF (REF itself when the
        // histories are unrelated).
        let from = git(&root, &["merge-base", base, "HEAD"])
            .map(text)
            .unwrap_or_else(|_| base.to_string());
        let diff = git(
            &root,
            &[
                "diff",
                "--no-color",
                "--no-ext-diff",
                "--no-textconv",
                "--unified=0",
                "-M",
                &from,
                "--",
            ],
        )
        .map_err(|e| format!("--diff-base {base}: git diff failed: {e}"))?;
        let mut files: HashMap<PathBuf, FileChange> =
            parse_unified(&String::from_utf8_lossy(&diff))
                .into_iter()
                .map(|(p, c)| (root.join(p), c))
                .collect();
        let untracked = git(&root, &["ls-files", "--others", "--exclude-standard", "-z"])
            .map_err(|e| format!("--diff-base {base}: git ls-files failed: {e}"))?;
        for path in untracked.split(|&b| b == 0).filter(|p| !p.is_empty()) {
            files.insert(
                root.join(String::from_utf8_lossy(path).as_ref()),
                FileChange::All,
            );
        }
        Ok(ChangedLines {
            base: base.to_string(),
            files,
        })
    }

    /// How the file at `path` (as shown, relative to the current directory) changed;
    /// `None` when it did not.
    pub fn of(&self, path: &Path) -> Option<&FileChange> {
        let abs = std::fs::canonicalize(path).ok()?;
        self.files.get(&abs).or_else(|| {
            // The repository root may be reached through a symbolic link.
            self.files
                .iter()
                .find(|(p, _)| std::fs::canonicalize(p).is_ok_and(|c| c == abs))
                .map(|(_, c)| c)
        })
    }

    /// Moves the reported findings on unchanged lines out of the report (they keep
    /// counting for fingerprints); returns how many.
    pub fn filter(&self, result: &mut ScanResult) -> usize {
        result.diff_base = Some(self.base.clone());
        let mut hidden = 0;
        for report in &mut result.files {
            let change = self.of(&report.source.path);
            let findings = std::mem::take(&mut report.findings);
            for f in findings {
                let first = report.source.position(f.span.start).line;
                let last = report
                    .source
                    .position(f.span.end.saturating_sub(1).max(f.span.start))
                    .line;
                if change.is_some_and(|c| c.touches(first, last)) {
                    report.findings.push(f);
                } else {
                    hidden += 1;
                    report.suppressed.push(Suppressed {
                        finding: f,
                        by: Suppression::Unchanged {
                            base: self.base.clone(),
                        },
                    });
                }
            }
            report
                .suppressed
                .sort_by_key(|s| (s.finding.span.start, s.finding.span.end));
        }
        hidden
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_become_line_ranges() {
        let diff = "diff --git a/a.js b/a.js\n--- a/a.js\n+++ b/a.js\n@@ -3 +3 @@\n-x\n+y\n@@ -10,2 +9,0 @@\n-a\n-b\n@@ -20,0 +19,3 @@\n+c\n+d\n+e\ndiff --git a/old.js b/new.js\nsimilarity index 100%\nrename from old.js\nrename to new.js\ndiff --git a/gone.js b/gone.js\n--- a/gone.js\n+++ /dev/null\n@@ -1 +0,0 @@\n-z\n+++ \"b/sp\\303\\251cial\\tname.js\"\n@@ -0,0 +1 @@\n+q\n";
        let files = parse_unified(diff);
        assert_eq!(
            files["a.js"],
            FileChange::Lines {
                changed: vec![(3, 3), (19, 21)],
                deleted_after: vec![9],
            }
        );
        assert!(!files.contains_key("gone.js"));
        assert!(
            !files.contains_key("new.js"),
            "a pure rename changes no line"
        );
        assert!(files.contains_key("spécial\tname.js"));
        let c = &files["a.js"];
        assert!(c.touches(3, 3) && c.touches(1, 5) && c.touches(21, 30));
        assert!(!c.touches(4, 8) && !c.touches(22, 30));
        // A call that spans the deleted lines touches the change; one that ends
        // before it does not.
        assert!(c.touches(8, 10) && !c.touches(5, 9));
    }
}
