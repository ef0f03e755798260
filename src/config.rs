//! `apimigrate.toml` (SPEC §5): found upward from each scanned path, or given with
//! `--config`. Unknown keys and bad values are errors that name the file and line.

use crate::finding::Severity;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "apimigrate.toml";

/// The roles a 360Learning v2 group membership can have.
pub const LEARNING360_ROLES: &[&str] = &[
    "admin",
    "analyst",
    "coach",
    "contributor",
    "editor",
    "learner",
    "user-admin",
];

/// A problem with a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file.display(), l, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Where a secret-like setting comes from at run time. Rewritten code reads it from
/// the environment; a literal is accepted only for values that are not secret.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSource {
    pub env: String,
}

impl EnvSource {
    fn named(name: &str) -> EnvSource {
        EnvSource { env: name.into() }
    }
}

/// One configuration file as written. Every key is optional so that a file that
/// `extend`s another overrides only what it sets.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// Another configuration file this one builds on (relative to this file).
    extend: Option<String>,
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    rule_paths: Option<Vec<String>>,
    /// Whether hosts learned from the scanned tree are vendor signals (default true).
    learn_hosts: Option<bool>,
    severity: Option<BTreeMap<String, Severity>>,
    #[serde(default)]
    aurora: AuroraRaw,
    #[serde(default)]
    learning360: LearningRaw,
    #[serde(default)]
    janrain: JanrainRaw,
    #[serde(default)]
    rsa: RsaRaw,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuroraRaw {
    hosts: Option<Vec<String>>,
    graphql_path: Option<String>,
    password: Option<EnvSource>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LearningRaw {
    hosts: Option<Vec<String>>,
    role: Option<String>,
    user_ids: Option<String>,
    client_id: Option<EnvSource>,
    client_secret: Option<EnvSource>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct JanrainRaw {
    hosts: Option<Vec<String>>,
    schema: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RsaRaw {
    hosts: Option<Vec<String>>,
}

/// `base` overridden by `over`, key by key.
fn merge(base: RawConfig, over: RawConfig) -> RawConfig {
    let mut severity = base.severity.unwrap_or_default();
    let had_severity = over.severity.is_some();
    severity.extend(over.severity.unwrap_or_default());
    RawConfig {
        extend: None,
        include: over.include.or(base.include),
        exclude: over.exclude.or(base.exclude),
        select: over.select.or(base.select),
        ignore: over.ignore.or(base.ignore),
        rule_paths: over.rule_paths.or(base.rule_paths),
        learn_hosts: over.learn_hosts.or(base.learn_hosts),
        severity: (had_severity || !severity.is_empty()).then_some(severity),
        aurora: AuroraRaw {
            hosts: over.aurora.hosts.or(base.aurora.hosts),
            graphql_path: over.aurora.graphql_path.or(base.aurora.graphql_path),
            password: over.aurora.password.or(base.aurora.password),
        },
        learning360: LearningRaw {
            hosts: over.learning360.hosts.or(base.learning360.hosts),
            role: over.learning360.role.or(base.learning360.role),
            user_ids: over.learning360.user_ids.or(base.learning360.user_ids),
            client_id: over.learning360.client_id.or(base.learning360.client_id),
            client_secret: over
                .learning360
                .client_secret
                .or(base.learning360.client_secret),
        },
        janrain: JanrainRaw {
            hosts: over.janrain.hosts.or(base.janrain.hosts),
            schema: over.janrain.schema.or(base.janrain.schema),
        },
        rsa: RsaRaw {
            hosts: over.rsa.hosts.or(base.rsa.hosts),
        },
    }
}

/// An absolute path with `.` and `..` resolved lexically (no symlinks followed, so it
/// compares equal to the paths the walk produces).
fn normalize(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Glob-escapes a folder path so it can prefix a pattern.
fn escape_glob(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().replace('\\', "/").chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '{' | '}') {
            out.push('[');
            out.push(c);
            out.push(']');
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Clone, Debug)]
pub struct AuroraSettings {
    pub hosts: Vec<String>,
    pub graphql_path: String,
    pub password: EnvSource,
}

#[derive(Clone, Debug)]
pub struct LearningSettings {
    pub hosts: Vec<String>,
    pub role: String,
    /// e-mail → internal id, from the `user_ids` JSON file.
    pub user_ids: HashMap<String, String>,
    pub client_id: EnvSource,
    pub client_secret: EnvSource,
}

#[derive(Clone, Debug)]
pub struct JanrainSettings {
    pub hosts: Vec<String>,
    /// Attribute paths of the configured entityType schema.
    pub schema_paths: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default)]
pub struct RsaSettings {
    pub hosts: Vec<String>,
}

/// A loaded configuration. `Config::default()` is what applies without a file.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file it came from (`None` for the defaults).
    pub file: Option<PathBuf>,
    /// The folder include/exclude globs are relative to.
    pub root: PathBuf,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub rule_paths: Vec<PathBuf>,
    pub severity: HashMap<String, Severity>,
    /// Hosts that a call of the scanned tree shows to be a vendor's are that vendor's
    /// signal for every call (`learn_hosts`, default true; see [`crate::learn`]).
    pub learn_hosts: bool,
    pub aurora: AuroraSettings,
    pub learning360: LearningSettings,
    pub janrain: JanrainSettings,
    pub rsa: RsaSettings,
    /// Postman environment files for every collection (`--postman-env`; not a file key).
    pub postman_env: Vec<PathBuf>,
    /// Also report calls in commented-out code (`--include-comments`; not a file key).
    pub include_comments: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            file: None,
            root: PathBuf::from("."),
            include: None,
            exclude: None,
            select: Vec::new(),
            ignore: Vec::new(),
            rule_paths: Vec::new(),
            severity: HashMap::new(),
            learn_hosts: true,
            aurora: AuroraSettings {
                hosts: Vec::new(),
                graphql_path: "/t5/s/api/2.1/graphql".into(),
                password: EnvSource::named("AURORA_PASSWORD"),
            },
            learning360: LearningSettings {
                hosts: Vec::new(),
                role: "learner".into(),
                user_ids: HashMap::new(),
                client_id: EnvSource::named("LEARNING360_CLIENT_ID"),
                client_secret: EnvSource::named("LEARNING360_CLIENT_SECRET"),
            },
            janrain: JanrainSettings {
                hosts: Vec::new(),
                schema_paths: None,
            },
            rsa: RsaSettings::default(),
            postman_env: Vec::new(),
            include_comments: false,
        }
    }
}

impl Config {
    /// The nearest `apimigrate.toml` at or above `path`.
    pub fn find_upward(path: &Path) -> Option<PathBuf> {
        let abs = std::path::absolute(path).ok()?;
        let mut dir = if abs.is_dir() {
            Some(abs.as_path())
        } else {
            abs.parent()
        };
        while let Some(d) = dir {
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                return Some(candidate);
            }
            dir = d.parent();
        }
        None
    }

    /// Reads and validates a configuration file (and the files it `extend`s).
    pub fn load(file: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(file).map_err(|e| ConfigError {
            file: file.to_path_buf(),
            line: None,
            message: format!(
                "cannot read configuration: {e}; make it readable, or name another with --config (or none with --no-config)"
            ),
        })?;
        Config::parse(file, &text)
    }

    /// The environment variables that hold the 360Learning client id and secret, read
    /// from `file` (and the files it `extend`s) without loading the rest: the
    /// `learning360.user_ids` map it names may not exist yet, since
    /// `apimigrate learning360 users` is what writes it.
    pub fn learning360_credentials(file: &Path) -> Result<(EnvSource, EnvSource), ConfigError> {
        let text = std::fs::read_to_string(file).map_err(|e| ConfigError {
            file: file.to_path_buf(),
            line: None,
            message: format!(
                "cannot read configuration: {e}; make it readable, or name another with --config (or none with --no-config)"
            ),
        })?;
        let raw = Config::raw_chain(file, &text, &mut vec![file.to_path_buf()], false)?;
        let defaults = Config::default().learning360;
        Ok((
            raw.learning360.client_id.unwrap_or(defaults.client_id),
            raw.learning360
                .client_secret
                .unwrap_or(defaults.client_secret),
        ))
    }

    /// Validates configuration text; relative paths in it are relative to `file`'s folder.
    pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigError> {
        let mut chain = vec![file.to_path_buf()];
        let raw = Config::raw_chain(file, text, &mut chain, true)?;
        let root = folder_of(file);
        let err = |message: String| ConfigError {
            file: file.to_path_buf(),
            line: None,
            message,
        };
        let globs = |list: &[String]| -> Result<GlobSet, ConfigError> {
            let mut b = GlobSetBuilder::new();
            for g in list {
                b.add(Glob::new(g).map_err(|e| err(format!("bad glob `{g}`: {e}")))?);
            }
            b.build().map_err(|e| err(e.to_string()))
        };
        let mut config = Config {
            file: Some(file.to_path_buf()),
            include: raw.include.as_deref().map(globs).transpose()?,
            exclude: match raw.exclude.as_deref() {
                Some(list) if !list.is_empty() => Some(globs(list)?),
                _ => None,
            },
            select: raw.select.unwrap_or_default(),
            ignore: raw.ignore.unwrap_or_default(),
            rule_paths: raw
                .rule_paths
                .unwrap_or_default()
                .into_iter()
                .map(PathBuf::from)
                .collect(),
            severity: raw.severity.unwrap_or_default().into_iter().collect(),
            learn_hosts: raw.learn_hosts.unwrap_or(true),
            root,
            ..Config::default()
        };
        config.aurora.hosts = raw.aurora.hosts.unwrap_or_default();
        if let Some(p) = raw.aurora.graphql_path {
            config.aurora.graphql_path = p;
        }
        if let Some(p) = raw.aurora.password {
            config.aurora.password = p;
        }
        config.learning360.hosts = raw.learning360.hosts.unwrap_or_default();
        if let Some(role) = raw.learning360.role {
            config.learning360.role = role;
        }
        if let Some(ids) = raw.learning360.user_ids {
            config.learning360.user_ids = load_user_ids(Path::new(&ids)).map_err(err)?;
        }
        if let Some(v) = raw.learning360.client_id {
            config.learning360.client_id = v;
        }
        if let Some(v) = raw.learning360.client_secret {
            config.learning360.client_secret = v;
        }
        config.janrain.hosts = raw.janrain.hosts.unwrap_or_default();
        if let Some(schema) = raw.janrain.schema {
            config.janrain.schema_paths = Some(load_schema_paths(Path::new(&schema)).map_err(err)?);
        }
        config.rsa.hosts = raw.rsa.hosts.unwrap_or_default();
        Ok(config)
    }

    /// Parses and validates one file, resolves its relative paths against its folder,
    /// and merges it over the file it extends. With `check_files`, the files it names
    /// (`learning360.user_ids`, `janrain.schema`) must read too.
    fn raw_chain(
        file: &Path,
        text: &str,
        seen: &mut Vec<PathBuf>,
        check_files: bool,
    ) -> Result<RawConfig, ConfigError> {
        let err = |line: Option<usize>, message: String| ConfigError {
            file: file.to_path_buf(),
            line,
            message,
        };
        let line_of = |needle: &str| {
            text.find(needle)
                .map(|i| text[..i].matches('\n').count() + 1)
        };
        let mut raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            err(line, e.message().trim().to_string())
        })?;
        // Values are checked in the file that sets them, so errors name the right line.
        if let Some(severity) = &raw.severity {
            for code in severity.keys() {
                if code.len() < 4 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(err(
                        line_of(code),
                        format!("`{code}` in [severity] is not a rule code"),
                    ));
                }
            }
        }
        if let Some(p) = &raw.aurora.graphql_path {
            if !p.starts_with('/') {
                return Err(err(
                    line_of("graphql_path"),
                    format!("aurora.graphql_path must start with `/`, got `{p}`"),
                ));
            }
        }
        if let Some(role) = &raw.learning360.role {
            if !LEARNING360_ROLES.contains(&role.as_str()) {
                return Err(err(
                    line_of("role"),
                    format!(
                        "learning360.role `{role}` is not a 360Learning role (one of: {})",
                        LEARNING360_ROLES.join(", ")
                    ),
                ));
            }
        }
        for g in raw.include.iter().chain(raw.exclude.iter()).flatten() {
            Glob::new(g).map_err(|e| err(line_of(g), format!("bad glob `{g}`: {e}")))?;
        }
        // Paths and globs are relative to the file that writes them.
        let dir = folder_of(file);
        let prefix = escape_glob(&normalize(&dir));
        let anchor = |list: Option<Vec<String>>| {
            list.map(|l| {
                l.into_iter()
                    .map(|g| {
                        if g.starts_with('/') {
                            g
                        } else {
                            format!("{prefix}/{g}")
                        }
                    })
                    .collect()
            })
        };
        raw.include = anchor(raw.include.take());
        raw.exclude = anchor(raw.exclude.take());
        let resolve = |p: String| dir.join(p).to_string_lossy().into_owned();
        raw.rule_paths = raw.rule_paths.map(|l| l.into_iter().map(resolve).collect());
        raw.learning360.user_ids = raw.learning360.user_ids.map(resolve);
        if let Some(u) = raw.learning360.user_ids.as_ref().filter(|_| check_files) {
            load_user_ids(Path::new(u)).map_err(|m| err(line_of("user_ids"), m))?;
        }
        raw.janrain.schema = raw.janrain.schema.map(resolve);
        if let Some(sch) = raw.janrain.schema.as_ref().filter(|_| check_files) {
            load_schema_paths(Path::new(sch)).map_err(|m| err(line_of("schema"), m))?;
        }
        let Some(base) = raw.extend.take() else {
            return Ok(raw);
        };
        let base_file = dir.join(&base);
        let canonical = std::fs::canonicalize(&base_file).map_err(|e| {
            err(
                line_of("extend"),
                format!(
                    "cannot read the extended configuration {}: {e}",
                    base_file.display()
                ),
            )
        })?;
        if seen
            .iter()
            .any(|s| std::fs::canonicalize(s).ok().as_ref() == Some(&canonical))
        {
            return Err(err(
                line_of("extend"),
                format!("`extend` makes a cycle through {}", base_file.display()),
            ));
        }
        seen.push(base_file.clone());
        let base_text = std::fs::read_to_string(&base_file).map_err(|e| {
            err(
                line_of("extend"),
                format!(
                    "cannot read the extended configuration {}: {e}",
                    base_file.display()
                ),
            )
        })?;
        let base_raw = Config::raw_chain(&base_file, &base_text, seen, check_files)?;
        Ok(merge(base_raw, raw))
    }

    /// Whether include/exclude let `path` through (patterns are anchored at the folder
    /// of the file that wrote them).
    pub fn includes(&self, path: &Path) -> bool {
        // Without patterns, no absolute path to make (a system call per file).
        if self.include.is_none() && self.exclude.is_none() {
            return true;
        }
        let abs = normalize(path);
        if let Some(inc) = &self.include {
            if !inc.is_match(&abs) {
                return false;
            }
        }
        if let Some(exc) = &self.exclude {
            if exc.is_match(&abs) {
                return false;
            }
        }
        true
    }

    /// Extra hosts that count as a vendor's signal, by vendor id.
    pub fn hosts_for(&self, vendor: &str) -> &[String] {
        match vendor {
            "aurora" => &self.aurora.hosts,
            "learning360" => &self.learning360.hosts,
            "janrain" => &self.janrain.hosts,
            "rsa" => &self.rsa.hosts,
            _ => &[],
        }
    }
}

/// Whether the configuration has a `<vendor>.hosts` setting for a vendor id.
pub fn has_hosts_setting(vendor: &str) -> bool {
    matches!(vendor, "aurora" | "learning360" | "janrain" | "rsa")
}

/// `{"jane@example.com": "507f1f77bcf86cd799439011", ...}`, or a list of user objects
/// with `mail` and `_id` (the shape `GET /api/v2/users` returns).
fn folder_of(file: &Path) -> PathBuf {
    file.parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."))
}

fn load_user_ids(path: &Path) -> Result<HashMap<String, String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read learning360.user_ids file {}: {e}",
            path.display()
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "learning360.user_ids file {} is not JSON: {e}",
            path.display()
        )
    })?;
    let mut out = HashMap::new();
    let bad = || {
        format!(
            "learning360.user_ids file {} must map e-mails to 24-hex ids ({{\"a@b.c\": \"507f…\"}}) or list users with `mail` and `_id`",
            path.display()
        )
    };
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.insert(
                    k.to_ascii_lowercase(),
                    v.as_str().ok_or_else(bad)?.to_string(),
                );
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                let mail = item.get("mail").and_then(|v| v.as_str()).ok_or_else(bad)?;
                let id = item.get("_id").and_then(|v| v.as_str()).ok_or_else(bad)?;
                out.insert(mail.to_ascii_lowercase(), id.to_string());
            }
        }
        _ => return Err(bad()),
    }
    for (mail, id) in &out {
        if id.len() != 24 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "learning360.user_ids: the id of {mail} is `{id}`, not a 24-hex 360Learning id"
            ));
        }
    }
    Ok(out)
}

/// The attribute paths of a Janrain entityType schema: either the `attr_defs` list of
/// `entityType` (`{"name": .., "attr_defs": [...]}` with nested `attr_defs` for objects
/// and plurals) or a plain JSON list of dotted paths.
fn load_schema_paths(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read janrain.schema file {}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("janrain.schema file {} is not JSON: {e}", path.display()))?;
    let mut out = Vec::new();
    fn walk(defs: &[serde_json::Value], prefix: &str, out: &mut Vec<String>) {
        for d in defs {
            let Some(name) = d.get("name").and_then(|n| n.as_str()) else {
                continue;
            };
            let full = if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}.{name}")
            };
            out.push(full.clone());
            if let Some(children) = d.get("attr_defs").and_then(|c| c.as_array()) {
                walk(children, &full, out);
            }
        }
    }
    match &value {
        serde_json::Value::Array(items) if items.iter().all(|i| i.is_string()) => {
            out.extend(items.iter().filter_map(|i| i.as_str().map(String::from)));
        }
        _ => {
            let defs = value
                .get("schema")
                .and_then(|s| s.get("attr_defs"))
                .or_else(|| value.get("attr_defs"))
                .and_then(|d| d.as_array())
                .ok_or_else(|| {
                    format!(
                        "janrain.schema file {} has no `attr_defs` (expected an entityType schema or a list of attribute paths)",
                        path.display()
                    )
                })?;
            walk(defs, "", &mut out);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_file_and_line() {
        let e = Config::parse(
            Path::new("cfg/apimigrate.toml"),
            "select = [\"AUR\"]\n[aurora]\nhost = []\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("host"), "{}", e.message);
        assert_eq!(e.to_string().split(':').next(), Some("cfg/apimigrate.toml"));
    }

    #[test]
    fn bad_role_is_rejected() {
        let e =
            Config::parse(Path::new("a.toml"), "[learning360]\nrole = \"student\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("learner"));
    }

    #[test]
    fn defaults_and_overrides() {
        let c = Config::parse(
            Path::new("a.toml"),
            "[aurora]\npassword = { env = \"KHOROS_PW\" }\n[severity]\nJAN004 = \"warning\"\n",
        )
        .unwrap();
        assert_eq!(c.aurora.password.env, "KHOROS_PW");
        assert_eq!(c.aurora.graphql_path, "/t5/s/api/2.1/graphql");
        assert_eq!(c.learning360.role, "learner");
        assert_eq!(c.severity.get("JAN004"), Some(&Severity::Warning));
    }

    #[test]
    fn bad_severity_value() {
        let e = Config::parse(Path::new("a.toml"), "[severity]\nJAN004 = \"fatal\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn extend_overrides_key_by_key_and_errors_name_the_right_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("team")).unwrap();
        std::fs::write(
            dir.path().join("base.toml"),
            "ignore = [\"JAN004\"]\nexclude = [\"vendor/**\"]\n[learning360]\nrole = \"coach\"\n[severity]\nRSA006 = \"warning\"\n",
        )
        .unwrap();
        let team = dir.path().join("team/apimigrate.toml");
        std::fs::write(
            &team,
            "extend = \"../base.toml\"\n[severity]\nJAN004 = \"error\"\n",
        )
        .unwrap();
        let c = Config::load(&team).unwrap();
        assert_eq!(c.ignore, vec!["JAN004".to_string()]);
        assert_eq!(c.learning360.role, "coach");
        assert_eq!(c.severity.get("RSA006"), Some(&Severity::Warning));
        assert_eq!(c.severity.get("JAN004"), Some(&Severity::Error));
        // The base's exclude is anchored at the base's folder, not the team's.
        assert!(!c.includes(&dir.path().join("vendor/x.js")));
        assert!(c.includes(&dir.path().join("team/vendor/x.js")));
        // A bad value in the base is reported against the base, with its line.
        std::fs::write(
            dir.path().join("base.toml"),
            "ignore = []\n[learning360]\nrole = \"student\"\n",
        )
        .unwrap();
        let e = Config::load(&team).unwrap_err();
        assert!(e.file.ends_with("base.toml"), "{e}");
        assert_eq!(e.line, Some(3));
        // Cycles are refused.
        std::fs::write(
            dir.path().join("base.toml"),
            "extend = \"team/apimigrate.toml\"\n",
        )
        .unwrap();
        let e = Config::load(&team).unwrap_err();
        assert!(e.message.contains("cycle"), "{e}");
    }

    #[test]
    fn include_exclude() {
        let c = Config::parse(
            Path::new("proj/apimigrate.toml"),
            "exclude = [\"vendor/**\"]\n",
        )
        .unwrap();
        assert!(!c.includes(Path::new("proj/vendor/x.js")));
        assert!(c.includes(Path::new("proj/src/x.js")));
    }
}
