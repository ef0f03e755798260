//! The pipeline: the only room that knows the order of the flow. It walks the tree
//! (`discover`), scans each file (`scan`: front end, resolution, rules), honours
//! suppressions (`suppress`) and the baseline (`baseline`).

pub mod baseline;
pub mod discover;
pub mod scan;
pub mod suppress;
