//! What a rule reports: a `Finding` with its location, labels and (later) its `Fix`.

use crate::model::call::Span;
use crate::model::source::Position;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// How far a fix may be trusted (ruff's model): `safe` fixes are applied by `fix`,
/// `unsafe` ones only with `--unsafe-fixes`, `manual` ones are shown and never applied.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Manual,
    Unsafe,
    Safe,
}

impl fmt::Display for Applicability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Applicability::Manual => "manual",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        })
    }
}

/// Which fixes to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixLevel {
    Safe,
    /// Safe and unsafe fixes (`--unsafe-fixes`).
    Unsafe,
}

impl FixLevel {
    pub fn allows(self, a: Applicability) -> bool {
        match a {
            Applicability::Safe => true,
            Applicability::Unsafe => self == FixLevel::Unsafe,
            Applicability::Manual => false,
        }
    }
}

/// One byte-range replacement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

/// A rewrite offered for a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    /// Edits of the finding's own file.
    pub edits: Vec<Edit>,
    /// Edits of other files, by file: the definition of a value the request reads from
    /// another module (a base URL constant), which `fix` edits there.
    pub elsewhere: Vec<FileEdits>,
}

impl Fix {
    /// Whether the fix edits anything, here or in another file.
    pub fn edits_something(&self) -> bool {
        !self.edits.is_empty() || self.elsewhere.iter().any(|f| !f.edits.is_empty())
    }
}

/// The edits a fix makes in one other file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdits {
    /// The file, as displayed (`/`-separated).
    pub path: String,
    /// Each edit, with where its span starts and ends in that file.
    pub edits: Vec<(Edit, Position, Position)>,
}

/// A secondary label: a span and what is wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One diagnostic reported by a rule in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: String,
    pub name: String,
    pub vendor: String,
    pub severity: Severity,
    pub message: String,
    /// The primary span: the call, or the value a finding is about (a parameter's
    /// value, a body) so that an annotation lands on the line to change, or the
    /// offending literal for file-level rules.
    pub span: Span,
    /// The whole call, when the primary span is one of its values rather than the call
    /// (then the call is also a secondary label). Suppression comments on the call's
    /// line and baseline fingerprints (taken from the call's text) keep matching.
    pub call_span: Option<Span>,
    /// Text for the primary label.
    pub primary_label: String,
    pub labels: Vec<Label>,
    /// One line naming the fix (`help:` in human output).
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// Definitions in other files that the finding depends on (an imported base URL).
    pub related: Vec<crate::model::call::Related>,
}

/// Why a finding is not reported although a rule found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Suppression {
    /// An `apimigrate: ignore[…]` comment in the file: the comment's span and the reason
    /// written after the codes (empty when none was written).
    InSource { comment: Span, reason: String },
    /// An entry of the baseline file (its path as shown to the user).
    Baseline { file: String },
    /// On lines that did not change since the `--diff-base` revision: out of the gate's
    /// scope, so not reported and not shown as suppressed either.
    Unchanged { base: String },
}

/// A finding that a suppression or the baseline keeps out of the report: the exit code
/// and most formats never see it; SARIF lists it with its suppression, the JSON summary
/// counts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppressed {
    pub finding: Finding,
    pub by: Suppression,
}
