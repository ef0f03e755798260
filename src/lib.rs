//! apimigrate: finds deprecated user-management API calls in integration code and
//! request collections, reports them, and rewrites them to the supported API versions.
//!
//! The flow follows the folders: `frontend/<lang>` turns a file into [`call::HttpCall`]s,
//! `rules/` (data in the repository's `rules/*.toml`) turns calls into
//! [`finding::Finding`]s, and `report/` renders them.

pub mod cli;
pub mod config;
pub mod diff;
pub mod error;
pub mod fix;
pub mod frontend;
pub mod isolate;
pub mod learn;
pub mod learning360;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod resolve;
pub mod rule_examples;
pub mod rules;
pub mod server;

// The ground floor's modules keep their old paths (`apimigrate::call`, ...).
pub use model::{call, finding, redact, secrets, source};
// The pipeline's modules keep their old paths (`apimigrate::scan`, ...).
pub use pipeline::{baseline, discover, scan, suppress};
