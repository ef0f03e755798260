//! apimigrate: finds deprecated user-management API calls in integration code and
//! request collections, reports them, and rewrites them to the supported API versions.
//!
//! The flow follows the folders: `frontend/<lang>` turns a file into [`call::HttpCall`]s,
//! `rules/` (data in the repository's `rules/*.toml`) turns calls into
//! [`finding::Finding`]s, and `report/` renders them.

pub mod baseline;
pub mod call;
pub mod cli;
pub mod config;
pub mod diff;
pub mod discover;
pub mod finding;
pub mod fix;
pub mod frontend;
pub mod isolate;
pub mod learn;
pub mod learning360;
pub mod model;
pub mod redact;
pub mod report;
pub mod resolve;
pub mod rule_examples;
pub mod rules;
pub mod scan;
pub mod secrets;
pub mod server;
pub mod source;
pub mod suppress;
