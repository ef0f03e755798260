//! Which environment files a file's reads of the environment (`process.env.X`,
//! `os.environ['X']`, `os.getenv('X')`, a shell's `$X`) may be given by, and what
//! they set.
//!
//! A program run from its project loads the `.env` of the folder it runs in (dotenv,
//! python-dotenv, Docker Compose, `source .env`); which one, and which of `.env.local`,
//! `.env.production` … is chosen at run time. So every env file of the reading file's
//! folder and of each folder above it, up to the project's root (the first folder
//! holding `.git`, or the top of the scanned path), is a possible source, nearest
//! first: each that sets the variable gives one alternative value.
//!
//! Bounded: at most [`MAX_LEVELS`] folders up, [`MAX_FILES_PER_DIR`] env files per
//! folder and [`MAX_VALUES`] values per variable; each folder is listed once per run
//! and each env file lowered once (as a module of the [`ProjectIndex`]). The home
//! folder is never read (its `.env` belongs to no project).
//!
//! Not for: parsing env files (the env-file front end lowers them, passed in as a
//! [`Lower`]), or variables set by the shell that runs the program.

use super::{Export, Exported, Lower, ProjectIndex, Shape};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How many folders above a file are looked in.
const MAX_LEVELS: usize = 12;
/// How many env files of one folder are read.
const MAX_FILES_PER_DIR: usize = 16;
/// How many values one variable may have (one per env file).
pub const MAX_VALUES: usize = 4;
/// How many folders' listings are remembered before the memory starts over.
const MAX_DIRS: usize = 16_384;

/// The env files of each folder met, listed once per run, and whether the folder is a
/// project's root (asked of every folder above every file that reads the environment).
#[derive(Default)]
pub struct EnvDirs {
    dirs: PerDir<EnvDir>,
    /// The env files of the files of each folder met ([`ProjectIndex::env_files`]).
    files: PerDir<[PathBuf]>,
    /// The `config` package's settings files of the files of each folder met
    /// ([`ProjectIndex::node_config_files`]), found once per run.
    config: PerDir<[PathBuf]>,
}

/// What was found for each folder met, remembered for the run (up to [`MAX_DIRS`]
/// folders, then the memory starts over).
struct PerDir<T: ?Sized>(Mutex<HashMap<PathBuf, Arc<T>>>);

impl<T: ?Sized> Default for PerDir<T> {
    fn default() -> Self {
        PerDir(Mutex::new(HashMap::new()))
    }
}

impl<T: ?Sized> PerDir<T> {
    /// What `find` gives for `dir`, found once.
    fn get(&self, dir: &Path, find: impl FnOnce() -> Arc<T>) -> Arc<T> {
        if let Some(hit) = self.0.lock().ok().and_then(|m| m.get(dir).cloned()) {
            return hit;
        }
        let found = find();
        if let Ok(mut m) = self.0.lock() {
            if m.len() >= MAX_DIRS {
                m.clear();
            }
            m.insert(dir.to_path_buf(), Arc::clone(&found));
        }
        found
    }
}

/// A folder's env files, and whether it is a project's root.
type EnvDir = (Vec<PathBuf>, bool);

/// Whether a path names an environment file: `.env`, `.env.<anything>`, `<name>.env`.
pub fn is_env_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name == ".env"
        || name.strip_prefix(".env.").is_some_and(|r| !r.is_empty())
        || name.strip_suffix(".env").is_some_and(|r| !r.is_empty())
}

/// The env files of `dir` (`""` is the current folder), `.env` first, then by name.
fn list(dir: &Path) -> Vec<PathBuf> {
    let read = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = std::fs::read_dir(read) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| is_env_file(Path::new(n)))
        .collect();
    names.sort_by(|a, b| (a != ".env", a).cmp(&(b != ".env", b)));
    names.truncate(MAX_FILES_PER_DIR);
    names.into_iter().map(|n| dir.join(n)).collect()
}

/// Whether `dir` is a project's root: it holds `.git`.
fn is_project_root(dir: &Path) -> bool {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    dir.join(".git").exists()
}

impl ProjectIndex {
    /// The env files of `dir`, listed once per run, and whether it is a project's root.
    fn env_files_of(&self, dir: &Path) -> Arc<EnvDir> {
        self.env_dirs
            .dirs
            .get(dir, || Arc::new((list(dir), is_project_root(dir))))
    }

    /// The env files that may give the environment of the file at `from`, nearest
    /// first: those of its folder and of each folder above, up to the project's root.
    ///
    /// Asked of nearly every file of a tree: the answer for a folder's files is
    /// found once per run, so a file costs one look-up rather than one per folder
    /// above it.
    pub fn env_files(&self, from: &Path) -> Vec<PathBuf> {
        let Some(dir) = from.parent() else {
            return Vec::new();
        };
        let found = self
            .env_dirs
            .files
            .get(dir, || self.env_files_above(dir).into());
        found.iter().filter(|p| *p != from).cloned().collect()
    }

    /// The env files of `dir` and of each folder above it, up to the project's root
    /// (see [`ProjectIndex::env_files`]).
    fn env_files_above(&self, dir: &Path) -> Vec<PathBuf> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let mut out = Vec::new();
        let mut dir = Some(dir);
        for _ in 0..MAX_LEVELS {
            let Some(d) = dir else { break };
            if d.is_absolute() && home.as_deref() == Some(d) {
                break;
            }
            let of = self.env_files_of(d);
            out.extend(of.0.iter().cloned());
            if d.as_os_str().is_empty() || of.1 {
                break;
            }
            dir = d.parent();
        }
        out
    }

    /// What the env files of the file at `from` set the variable `name` to: one text
    /// value per env file that sets it (nearest first, at most [`MAX_VALUES`]), each
    /// where it is written. `lower` reads an env file as a module of its variables.
    pub fn env_values(&self, from: &Path, name: &str, lower: Lower) -> Vec<Exported> {
        let mut out = Vec::new();
        for file in self.env_files(from) {
            let Some(module) = self.module(&file, 0, lower) else {
                continue;
            };
            if let Some(Export::Value(v)) = module.names.get(name) {
                if matches!(v.shape, Shape::Text(_)) {
                    out.push(v.clone());
                }
            }
            if out.len() >= MAX_VALUES {
                break;
            }
        }
        out
    }
}

impl ProjectIndex {
    /// The settings files of the `config` package that a file at `from` reads
    /// (`config.get('khoros.baseUrl')`): the `config/*.json` of the nearest folder
    /// above it (up to the project's root) that has `config/default.json`,
    /// `default.json` first, then the others by name (each an environment's
    /// overrides; `custom-environment-variables.json` names variables, not values).
    pub fn node_config_files(&self, from: &Path) -> Vec<PathBuf> {
        let Some(dir) = from.parent() else {
            return Vec::new();
        };
        self.env_dirs
            .config
            .get(dir, || node_config_files_above(dir).into())
            .to_vec()
    }

    /// What the `config` package's files give at `keys` (`khoros.baseUrl` as
    /// `[khoros, baseUrl]`): one text value per file that sets it (at most
    /// [`MAX_VALUES`]). `lower` reads a JSON document as a module whose default
    /// export is the document.
    pub fn node_config_values(&self, from: &Path, keys: &[String], lower: Lower) -> Vec<Exported> {
        let mut out = Vec::new();
        for file in self.node_config_files(from) {
            let Some(module) = self.module(&file, 0, lower) else {
                continue;
            };
            let Some(Export::Value(doc)) = module.names.get("default") else {
                continue;
            };
            if let Some(v) = doc.at(keys) {
                if matches!(v.shape, Shape::Text(_)) {
                    out.push(v.clone());
                }
            }
            if out.len() >= MAX_VALUES {
                break;
            }
        }
        out
    }
}

/// [`ProjectIndex::node_config_files`] of the files of `dir`, asked of the disk.
fn node_config_files_above(dir: &Path) -> Vec<PathBuf> {
    let mut dir = Some(dir);
    for _ in 0..MAX_LEVELS {
        let Some(d) = dir else { break };
        let folder = d.join("config");
        if folder.join("default.json").is_file() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                return Vec::new();
            };
            let mut names: Vec<String> = entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(".json") && n != "custom-environment-variables.json")
                .collect();
            names.sort_by(|a, b| (a != "default.json", a).cmp(&(b != "default.json", b)));
            names.truncate(MAX_FILES_PER_DIR);
            return names.into_iter().map(|n| folder.join(n)).collect();
        }
        if d.as_os_str().is_empty() || is_project_root(d) {
            break;
        }
        dir = d.parent();
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_files_nearest_first_up_to_the_project_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("svc/api")).unwrap();
        for f in [
            "../.env",
            ".env",
            ".env.production",
            ".envrc",
            "svc/api/.env.local",
            "svc/api/app.env",
            "svc/api/.env",
        ] {
            std::fs::write(root.join(f), "X=1\n").unwrap();
        }
        let index = ProjectIndex::new();
        let found = index.env_files(&root.join("svc/api/app.js"));
        let names: Vec<_> = found
            .iter()
            .map(|p| {
                p.strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(
            names,
            [
                "svc/api/.env",
                "svc/api/.env.local",
                "svc/api/app.env",
                ".env",
                ".env.production"
            ]
        );
    }
}
