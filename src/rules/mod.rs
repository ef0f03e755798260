//! Rules: the vendor packs (data, `rules/*.toml`, and user packs from `--rules` and
//! `rule_paths`), loaded and validated into a [`RuleSet`], the engine that runs them
//! over a file's `HttpCall`s.
//!
//! Not for: language work (front ends) or rendering (reporters).

pub mod checks;
pub mod engine;
pub mod model;
pub mod pattern;
pub mod plan;
pub mod transforms;

use crate::finding::Severity;
use globset::{GlobBuilder, GlobMatcher};
use model::{Condition, Rule, RulePack, Target};
use pattern::PathPattern;
use std::fmt;
use std::path::{Path, PathBuf};

/// The packs compiled into the binary, in reporting order.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("rules/aurora.toml", include_str!("../../rules/aurora.toml")),
    (
        "rules/learning360.toml",
        include_str!("../../rules/learning360.toml"),
    ),
    (
        "rules/janrain.toml",
        include_str!("../../rules/janrain.toml"),
    ),
    ("rules/rsa.toml", include_str!("../../rules/rsa.toml")),
    ("rules/common.toml", include_str!("../../rules/common.toml")),
];

/// A problem in a rule file: which file, which line (1-based, when known), what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFileError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for RuleFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for RuleFileError {}

/// A vendor pack with its signals compiled.
#[derive(Clone, Debug)]
pub struct CompiledPack {
    /// The file name shown in messages (`rules/rsa.toml`, or a user pack's path as given).
    pub source: String,
    /// The canonical path of a pack read from disk (`None` for the embedded packs).
    pub file: Option<PathBuf>,
    pub pack: RulePack,
    pub hosts: Vec<GlobMatcher>,
    /// `signals.lookalike_hosts`, compiled.
    pub lookalike_hosts: Vec<GlobMatcher>,
    /// Hosts learned from the scanned tree: a call to one of them carries this vendor's
    /// signal (see [`crate::learn`]).
    pub learned: Vec<LearnedHost>,
}

impl CompiledPack {
    /// Whether a host (lower case) is one of the pack's signal hosts (built-in or
    /// configured; not learned).
    pub fn known_host(&self, host: &str) -> bool {
        self.hosts.iter().any(|g| g.is_match(host))
    }

    /// Whether a host belongs to a service whose API only looks like the vendor's.
    pub fn lookalike_host(&self, host: &str) -> bool {
        self.lookalike_hosts.iter().any(|g| g.is_match(host))
    }
}

/// A host that a call in the scanned tree showed to be a vendor's: the call carries
/// one of the vendor's own signals (a header, a URL fragment, a parameter pair).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LearnedHost {
    /// Lower case, without port.
    pub host: String,
    /// The file of the call it was learned from, as displayed.
    pub path: PathBuf,
    /// The call's span in that file, and where it starts and ends.
    pub span: crate::call::Span,
    pub start: crate::source::Position,
    pub end: crate::source::Position,
    /// The signal the call carries (`` the `li-api-session-key` header ``).
    pub signal: String,
}

/// A rule with its path patterns compiled, and the index of its pack.
#[derive(Clone, Debug)]
pub struct CompiledRule {
    pub pack: usize,
    pub rule: Rule,
    pub paths: Vec<PathPattern>,
}

/// Every loaded rule, ready to run.
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub packs: Vec<CompiledPack>,
    pub rules: Vec<CompiledRule>,
}

impl RuleSet {
    /// The packs compiled into the binary. They are tested, so failing here is a bug.
    pub fn embedded() -> RuleSet {
        RuleSet::load(EMBEDDED.iter().map(|(f, t)| (f.to_string(), t.to_string())))
            .unwrap_or_else(|e| panic!("embedded rule pack is invalid: {e}"))
    }

    /// Loads packs from `(file name, text)` pairs.
    pub fn load(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<RuleSet, RuleFileError> {
        let mut set = RuleSet {
            packs: Vec::new(),
            rules: Vec::new(),
        };
        for (file, text) in files {
            set.add_pack(&file, &text)?;
        }
        Ok(set)
    }

    /// Adds user packs after the loaded ones: each path is a rule file, or a folder
    /// whose `*.toml` files are added in name order. A file that is already loaded
    /// (same canonical path) is skipped.
    pub fn add_files(&mut self, paths: &[PathBuf]) -> Result<(), RuleFileError> {
        for path in paths {
            for file in pack_files(path)? {
                self.add_file(&file)?;
            }
        }
        Ok(())
    }

    /// Adds one user pack from a file (skipped when that file is already loaded).
    pub fn add_file(&mut self, path: &Path) -> Result<(), RuleFileError> {
        let shown = crate::source::display_path(path)
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(path).map_err(|e| RuleFileError {
            file: shown.clone(),
            line: None,
            message: format!(
                "cannot read rule pack: {e}; check the path given with --rules or in rule_paths"
            ),
        })?;
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if self
            .packs
            .iter()
            .any(|p| p.file.as_ref() == Some(&canonical))
        {
            return Ok(());
        }
        self.add_pack(&shown, &text)?;
        if let Some(p) = self.packs.last_mut() {
            p.file = Some(canonical);
        }
        Ok(())
    }

    /// Adds a pack given as text, after the loaded ones. Every rule is validated, and a
    /// code that an already loaded pack defines is an error naming both files.
    pub fn add_pack(&mut self, file: &str, text: &str) -> Result<(), RuleFileError> {
        let err = |line: Option<usize>, message: String| RuleFileError {
            file: file.to_string(),
            line,
            message,
        };
        let pack: RulePack = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            err(line, e.message().trim().to_string())
        })?;
        if pack.vendor.prefix.is_empty() {
            return Err(err(
                find_line(text, "prefix"),
                "the vendor's `prefix` must not be empty".into(),
            ));
        }
        let mut hosts = Vec::new();
        for h in &pack.signals.hosts {
            let glob = GlobBuilder::new(&h.to_ascii_lowercase())
                .literal_separator(false)
                .build()
                .map_err(|e| err(find_line(text, h), format!("bad host glob `{h}`: {e}")))?;
            hosts.push(glob.compile_matcher());
        }
        let mut lookalike_hosts = Vec::new();
        for h in &pack.signals.lookalike_hosts {
            let glob = GlobBuilder::new(&h.to_ascii_lowercase())
                .literal_separator(false)
                .build()
                .map_err(|e| err(find_line(text, h), format!("bad host glob `{h}`: {e}")))?;
            lookalike_hosts.push(glob.compile_matcher());
        }
        let pack_index = self.packs.len();
        let mut added: Vec<CompiledRule> = Vec::new();
        for rule in &pack.rules {
            let line = find_line(text, &format!("\"{}\"", rule.code));
            if !rule.code.starts_with(&pack.vendor.prefix) {
                return Err(err(
                    line,
                    format!(
                        "rule code `{}` does not start with the pack's prefix `{}`",
                        rule.code, pack.vendor.prefix
                    ),
                ));
            }
            if added
                .iter()
                .any(|r| r.rule.code.eq_ignore_ascii_case(&rule.code))
            {
                return Err(err(
                    line,
                    format!(
                        "rule code `{}` is defined twice; give one of the rules another code",
                        rule.code
                    ),
                ));
            }
            if let Some(other) = self
                .rules
                .iter()
                .find(|r| r.rule.code.eq_ignore_ascii_case(&rule.code))
            {
                return Err(err(
                    line,
                    format!(
                        "rule code `{}` is already defined in {}; give this rule another code (or load the pack once)",
                        rule.code, self.packs[other.pack].source
                    ),
                ));
            }
            if rule.matcher.target == Target::File
                && !rule
                    .matcher
                    .when
                    .iter()
                    .any(|c| matches!(c, Condition::Unparseable))
            {
                return Err(err(
                    line,
                    format!(
                        "{}: a `target = \"file\"` rule needs the `unparseable` check",
                        rule.code
                    ),
                ));
            }
            let mut paths = Vec::new();
            for p in &rule.matcher.paths {
                paths.push(
                    PathPattern::parse(p)
                        .map_err(|m| err(find_line(text, p), format!("{}: {m}", rule.code)))?,
                );
            }
            for (i, ex) in rule.examples.iter().enumerate() {
                if ex.valid.is_some() == ex.invalid.is_some() {
                    return Err(err(
                        line,
                        format!(
                            "{}: example {} must have exactly one of `valid` or `invalid`",
                            rule.code,
                            i + 1
                        ),
                    ));
                }
                if ex.fixed.is_some() && ex.invalid.is_none() {
                    return Err(err(
                        line,
                        format!(
                            "{}: example {} has `fixed` but no `invalid` code to fix",
                            rule.code,
                            i + 1
                        ),
                    ));
                }
                if crate::source::Language::from_example_name(&ex.lang).is_none() {
                    return Err(err(
                        line,
                        format!(
                            "{}: example {} has unknown lang `{}`; use one of js, ts, tsx, py, rs, sh, md, http",
                            rule.code,
                            i + 1,
                            ex.lang
                        ),
                    ));
                }
            }
            added.push(CompiledRule {
                pack: pack_index,
                rule: rule.clone(),
                paths,
            });
        }
        // `unless` names rules of the same pack (packs only refer to their own codes).
        for rule in &pack.rules {
            for code in &rule.matcher.unless {
                if !pack.rules.iter().any(|r| &r.code == code) {
                    return Err(err(
                        find_line(text, &format!("\"{}\"", rule.code)),
                        format!("{}: `unless` names unknown rule `{code}`", rule.code),
                    ));
                }
            }
        }
        self.rules.extend(added);
        self.packs.push(CompiledPack {
            source: file.to_string(),
            file: None,
            pack,
            hosts,
            lookalike_hosts,
            learned: Vec::new(),
        });
        Ok(())
    }

    /// The set for files governed by `config`: its `rule_paths` packs added (globs
    /// expanded), then its hosts added to the vendors' signals.
    pub fn with_config(mut self, config: &crate::config::Config) -> Result<RuleSet, RuleFileError> {
        let files = expand_rule_paths(config)?;
        self.add_files(&files)?;
        self.with_config_hosts(config)
    }

    /// This set plus the packs of `other` it lacks (by file name), for rule metadata
    /// over a run with several configurations. A code already present is not added again.
    pub fn merged_with(mut self, other: &RuleSet) -> RuleSet {
        for (i, p) in other.packs.iter().enumerate() {
            if self.packs.iter().any(|q| q.source == p.source) {
                continue;
            }
            let index = self.packs.len();
            self.packs.push(p.clone());
            for r in other.rules.iter().filter(|r| r.pack == i) {
                if self.find(&r.rule.code).is_none() {
                    let mut r = r.clone();
                    r.pack = index;
                    self.rules.push(r);
                }
            }
        }
        self
    }

    /// Adds the configured hosts (`aurora.hosts`, `rsa.hosts`, …) to the vendors' signals.
    pub fn with_config_hosts(
        mut self,
        config: &crate::config::Config,
    ) -> Result<RuleSet, RuleFileError> {
        for pack in &mut self.packs {
            for h in config.hosts_for(&pack.pack.vendor.id) {
                let glob = GlobBuilder::new(&h.to_ascii_lowercase())
                    .literal_separator(false)
                    .build()
                    .map_err(|e| RuleFileError {
                        file: config
                            .file
                            .as_ref()
                            .map(|f| f.display().to_string())
                            .unwrap_or_default(),
                        line: None,
                        message: format!("bad host `{h}`: {e}"),
                    })?;
                pack.hosts.push(glob.compile_matcher());
                pack.pack.signals.hosts.push(h.clone());
            }
        }
        Ok(self)
    }

    /// Adds hosts learned from the scanned tree to the vendors' signals, by pack index.
    pub fn with_learned_hosts(mut self, learned: &[(usize, LearnedHost)]) -> RuleSet {
        for (pack, host) in learned {
            if let Some(p) = self.packs.get_mut(*pack) {
                if !p.learned.iter().any(|l| l.host == host.host) {
                    p.learned.push(host.clone());
                }
            }
        }
        self
    }

    pub fn find(&self, code: &str) -> Option<&CompiledRule> {
        self.rules
            .iter()
            .find(|r| r.rule.code.eq_ignore_ascii_case(code))
    }

    pub fn vendor_of(&self, rule: &CompiledRule) -> &model::Vendor {
        &self.packs[rule.pack].pack.vendor
    }

    /// Case-insensitive literals at least one of which appears in any file a rule of
    /// this set can report on: every finding needs a vendor signal, and every signal is
    /// literal text in the file. Used to skip files before parsing them.
    pub fn anchors(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in &self.packs {
            let s = &p.pack.signals;
            out.extend(
                s.hosts
                    .iter()
                    .filter_map(|h| host_literal(h))
                    .map(str::to_string),
            );
            out.extend(s.headers.iter().cloned());
            out.extend(
                s.path_contains
                    .iter()
                    .map(|x| x.trim_matches('/').to_string()),
            );
            out.extend(s.params_any.iter().cloned());
            out.extend(s.params_all.iter().filter_map(|g| g.first().cloned()));
            out.extend(s.rpc.iter().cloned());
            out.extend(s.identifiers.iter().cloned());
        }
        out.retain(|a| !a.is_empty());
        out.sort();
        out.dedup();
        out
    }
}

/// Severity a rule reports at (before configuration overrides).
pub fn default_severity(rule: &Rule) -> Severity {
    rule.severity
}

/// The rule files a path names: the file itself, or a folder's `*.toml` files (not
/// `apimigrate.toml`) in name order.
pub fn pack_files(path: &Path) -> Result<Vec<PathBuf>, RuleFileError> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let shown = crate::source::display_path(path)
        .to_string_lossy()
        .into_owned();
    let entries = std::fs::read_dir(path).map_err(|e| RuleFileError {
        file: shown.clone(),
        line: None,
        message: format!(
            "cannot read the folder: {e}; check the path given with --rules or in rule_paths"
        ),
    })?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| x == "toml")
                && p.file_name().is_some_and(|n| n != crate::config::FILE_NAME)
        })
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(RuleFileError {
            file: shown,
            line: None,
            message: "the folder has no `*.toml` rule files; name a pack file, or a folder that holds packs".into(),
        });
    }
    Ok(out)
}

/// The files a configuration's `rule_paths` name (already relative to the
/// configuration's folder), globs expanded in name order. A glob that matches no file
/// is an error, so that a mistyped path never silently drops a pack.
pub fn expand_rule_paths(config: &crate::config::Config) -> Result<Vec<PathBuf>, RuleFileError> {
    let config_file = || {
        config
            .file
            .as_ref()
            .map(|f| f.display().to_string())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for entry in &config.rule_paths {
        let pattern = entry.to_string_lossy();
        if !pattern.contains(['*', '?', '[']) {
            out.push(entry.clone());
            continue;
        }
        let bad = |message: String| RuleFileError {
            file: config_file(),
            line: None,
            message,
        };
        let matches = glob::glob(&pattern)
            .map_err(|e| bad(format!("rule_paths: bad glob `{pattern}`: {e}")))?;
        let mut found: Vec<PathBuf> = matches
            .filter_map(Result::ok)
            .filter(|p| p.is_file())
            .collect();
        if found.is_empty() {
            return Err(bad(format!(
                "rule_paths: `{pattern}` matches no file; fix the pattern, or remove it from rule_paths"
            )));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.find(needle).map(|i| line_of(text, i))
}

/// The longest run of literal characters in a host glob (`janraincapture.com` for
/// `*.janraincapture.com`), when it is long enough to mean something.
pub(crate) fn host_literal(glob: &str) -> Option<&str> {
    glob.split(['*', '?', '[', ']', '{', '}'])
        .map(|x| x.trim_matches('.'))
        .max_by_key(|x| x.len())
        .filter(|lit| lit.len() >= 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_packs_load() {
        let set = RuleSet::embedded();
        assert!(set.rules.len() > 20);
        assert!(!set.anchors().is_empty());
    }

    #[test]
    fn bad_rule_file_names_file_and_line() {
        let text = "[vendor]\nid = \"x\"\nname = \"X\"\nprefix = \"X\"\n\n[[rule]]\ncode = \"X001\"\nname = \"n\"\nseverity = \"fatal\"\n";
        let err = RuleSet::load([("custom.toml".to_string(), text.to_string())]).unwrap_err();
        assert_eq!(err.file, "custom.toml");
        assert_eq!(err.line, Some(9));
        assert!(err.message.contains("fatal"), "{}", err.message);
    }

    #[test]
    fn wrong_prefix_is_rejected() {
        let text = r#"
[vendor]
id = "x"
name = "X"
prefix = "XX"

[[rule]]
code = "YY001"
name = "n"
severity = "error"
summary = "s"
message = "m"
match = { paths = ["/a"] }
docs = { what = "w", why = "y", before = "b", fix_safety = "f" }
"#;
        let err = RuleSet::load([("p.toml".to_string(), text.to_string())]).unwrap_err();
        assert_eq!(err.line, Some(8));
        assert!(err.message.contains("prefix"));
    }
}
