//! apimigrate: finds deprecated user-management API calls in integration code and
//! request collections, reports them, and rewrites them to the supported API versions.
//!
//! The flow follows the folders: `frontend/<lang>` turns a file into [`call::HttpCall`]s,
//! `rules/` (data in the repository's `rules/*.toml`) turns calls into
//! [`finding::Finding`]s, and `report/` renders them.

pub mod call;
pub mod finding;
pub mod frontend;
pub mod source;
