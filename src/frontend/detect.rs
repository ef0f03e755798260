//! Which front end reads a path: `Language::of_path` asks the registered front ends
//! about the name, and `Language::detect` looks at the start of the text of JSON, YAML
//! and extensionless files. They live with the front ends because telling a Postman
//! collection from other JSON is the Postman front end's knowledge.

use crate::model::source::Language;
use std::path::Path;

impl Language {
    /// The language of a path, judged by its name: the front ends of
    /// [`crate::frontend::REGISTRY`] are asked in order.
    pub fn of_path(path: &Path) -> Option<Language> {
        crate::frontend::language_of_path(path)
    }

    /// [`Language::of_path`], and for any other `.json` file a cheap look at the start
    /// (and end) of its text: Postman collections and environments are scanned, plain
    /// JSON data files are not; Insomnia exports are
    /// told by their `__export_format` (YAML ones also by their
    /// `type: collection.insomnia.rest/5.0`), and other YAML files by a `uri:` task.
    pub fn detect(path: &Path) -> Option<Language> {
        if let Some(lang) = Language::of_path(path) {
            return Some(lang);
        }
        let Some(ext) = path.extension() else {
            return Language::from_shebang(path);
        };
        let ext = ext.to_str()?;
        use std::io::{Read, Seek, SeekFrom};
        if ext.eq_ignore_ascii_case("yml") || ext.eq_ignore_ascii_case("yaml") {
            // Any other YAML file is read when it calls the `uri` module.
            let mut head = Vec::new();
            std::fs::File::open(path)
                .ok()?
                .take(64 * 1024)
                .read_to_end(&mut head)
                .ok()?;
            let head = String::from_utf8_lossy(&head);
            if crate::frontend::postman::insomnia::sniff_yaml(&head) {
                return Some(Language::Insomnia);
            }
            if crate::frontend::ansible::has_uri_task(&head) {
                return Some(Language::Ansible);
            }
            return config(path);
        }
        if !ext.eq_ignore_ascii_case("json") {
            return None;
        }
        let mut f = std::fs::File::open(path).ok()?;
        let mut head = vec![0u8; 8192];
        let n = f.read(&mut head).ok()?;
        head.truncate(n);
        let prefix = String::from_utf8_lossy(&head);
        if crate::frontend::postman::sniff(&prefix) {
            return Some(Language::Postman);
        }
        if crate::frontend::postman::insomnia::sniff(&prefix) {
            return Some(Language::Insomnia);
        }
        // An environment export carries `_postman_variable_scope` near its end.
        let len = f.metadata().ok()?.len();
        if len > 8192 {
            f.seek(SeekFrom::Start(len.saturating_sub(1024))).ok()?;
            let mut tail = Vec::new();
            f.read_to_end(&mut tail).ok()?;
            let tail = String::from_utf8_lossy(&tail);
            if tail.contains("\"_postman_variable_scope\"")
                && head.trim_ascii_start().starts_with(b"{")
            {
                return Some(Language::Postman);
            }
        }
        config(path)
    }

    /// The language of a text that is not read from a file (standard input, an
    /// editor's document) named `name`: by the name, else a Postman collection by its
    /// shape, else by its shebang.
    pub fn of_text(name: Option<&Path>, text: &str) -> Option<Language> {
        name.and_then(Language::of_path)
            .or_else(|| crate::frontend::postman::sniff(text).then_some(Language::Postman))
            .or_else(|| Language::of_shebang(text))
            .or_else(|| name.and_then(config))
    }

    /// The language of an extensionless script, from its `#!` line (`bin/offboard`
    /// starting with `#!/usr/bin/env bash` is a shell script).
    fn from_shebang(path: &Path) -> Option<Language> {
        use std::io::Read;
        let mut head = [0u8; 128];
        let n = std::fs::File::open(path).ok()?.read(&mut head).ok()?;
        Language::of_shebang(std::str::from_utf8(&head[..n]).ok()?)
    }
}

/// A configuration document, once no other reader of JSON or YAML claimed the file.
fn config(path: &Path) -> Option<Language> {
    crate::frontend::config::is_config_path(path).then_some(Language::Config)
}

/// Whether `path` names an Insomnia export: `insomnia*.json`, `insomnia*.yaml`/`.yml`.
pub(crate) fn is_insomnia_name(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let name = name.to_ascii_lowercase();
    name.starts_with("insomnia")
        && (name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml"))
}

/// Whether `path` is YAML named `playbook*` or in an Ansible folder: `playbooks/`,
/// `tasks/` (a role's `roles/*/tasks/` too) or `handlers/`.
pub(crate) fn is_ansible_path(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .is_some_and(|d| d == "playbooks" || d == "tasks" || d == "handlers");
    yaml && (name.starts_with("playbook") || folder)
}
