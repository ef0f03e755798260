//! The pipeline: the only room that knows the order of the flow. It walks the tree
//! (`discover`), scans each file (`scan`: front end, resolution, rules), honours
//! suppressions (`suppress`) and the baseline (`baseline`), and runs the fix loop
//! (`fix`) that applies fixes and checks the text again until it settles.

pub mod baseline;
pub mod discover;
pub mod fix;
pub mod prefilter;
pub mod scan;
pub mod suppress;
