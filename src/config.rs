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

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    include: Option<Vec<String>>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    rule_paths: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
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
    #[serde(default)]
    hosts: Vec<String>,
    graphql_path: Option<String>,
    password: Option<EnvSource>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LearningRaw {
    #[serde(default)]
    hosts: Vec<String>,
    role: Option<String>,
    user_ids: Option<String>,
    client_id: Option<EnvSource>,
    client_secret: Option<EnvSource>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct JanrainRaw {
    #[serde(default)]
    hosts: Vec<String>,
    schema: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RsaRaw {
    #[serde(default)]
    hosts: Vec<String>,
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
    pub aurora: AuroraSettings,
    pub learning360: LearningSettings,
    pub janrain: JanrainSettings,
    pub rsa: RsaSettings,
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

    /// Reads and validates a configuration file.
    pub fn load(file: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(file).map_err(|e| ConfigError {
            file: file.to_path_buf(),
            line: None,
            message: format!("cannot read configuration: {e}"),
        })?;
        Config::parse(file, &text)
    }

    /// Validates configuration text; relative paths in it are relative to `file`'s folder.
    pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigError> {
        let err = |line: Option<usize>, message: String| ConfigError {
            file: file.to_path_buf(),
            line,
            message,
        };
        let line_of = |needle: &str| {
            text.find(needle)
                .map(|i| text[..i].matches('\n').count() + 1)
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            err(line, e.message().trim().to_string())
        })?;
        let root = file
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        let globs = |list: &[String]| -> Result<GlobSet, ConfigError> {
            let mut b = GlobSetBuilder::new();
            for g in list {
                b.add(Glob::new(g).map_err(|e| err(line_of(g), format!("bad glob `{g}`: {e}")))?);
            }
            b.build().map_err(|e| err(None, e.to_string()))
        };
        let mut config = Config {
            file: Some(file.to_path_buf()),
            include: raw.include.as_deref().map(globs).transpose()?,
            exclude: if raw.exclude.is_empty() {
                None
            } else {
                Some(globs(&raw.exclude)?)
            },
            select: raw.select,
            ignore: raw.ignore,
            rule_paths: raw.rule_paths.iter().map(|p| root.join(p)).collect(),
            severity: raw.severity.into_iter().collect(),
            root: root.clone(),
            ..Config::default()
        };
        for code in config.severity.keys() {
            if code.len() < 4 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(err(
                    line_of(code),
                    format!("`{code}` in [severity] is not a rule code"),
                ));
            }
        }
        config.aurora.hosts = raw.aurora.hosts;
        if let Some(p) = raw.aurora.graphql_path {
            if !p.starts_with('/') {
                return Err(err(
                    line_of("graphql_path"),
                    format!("aurora.graphql_path must start with `/`, got `{p}`"),
                ));
            }
            config.aurora.graphql_path = p;
        }
        if let Some(p) = raw.aurora.password {
            config.aurora.password = p;
        }
        config.learning360.hosts = raw.learning360.hosts;
        if let Some(role) = raw.learning360.role {
            if !LEARNING360_ROLES.contains(&role.as_str()) {
                return Err(err(
                    line_of("role"),
                    format!(
                        "learning360.role `{role}` is not a 360Learning role (one of: {})",
                        LEARNING360_ROLES.join(", ")
                    ),
                ));
            }
            config.learning360.role = role;
        }
        if let Some(ids) = raw.learning360.user_ids {
            let path = root.join(&ids);
            config.learning360.user_ids =
                load_user_ids(&path).map_err(|m| err(line_of("user_ids"), m))?;
        }
        if let Some(v) = raw.learning360.client_id {
            config.learning360.client_id = v;
        }
        if let Some(v) = raw.learning360.client_secret {
            config.learning360.client_secret = v;
        }
        config.janrain.hosts = raw.janrain.hosts;
        if let Some(schema) = raw.janrain.schema {
            let path = root.join(&schema);
            config.janrain.schema_paths =
                Some(load_schema_paths(&path).map_err(|m| err(line_of("schema"), m))?);
        }
        config.rsa.hosts = raw.rsa.hosts;
        Ok(config)
    }

    /// Whether include/exclude let `path` through.
    pub fn includes(&self, path: &Path) -> bool {
        let rel = std::path::absolute(path)
            .ok()
            .and_then(|abs| {
                let root = std::path::absolute(&self.root).ok()?;
                abs.strip_prefix(&root).ok().map(Path::to_path_buf)
            })
            .unwrap_or_else(|| path.to_path_buf());
        if let Some(inc) = &self.include {
            if !inc.is_match(&rel) {
                return false;
            }
        }
        if let Some(exc) = &self.exclude {
            if exc.is_match(&rel) {
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

/// `{"jane@example.com": "507f1f77bcf86cd799439011", ...}`, or a list of user objects
/// with `mail` and `_id` (the shape `GET /api/v2/users` returns).
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
