//! The ground floor: language-neutral values every other room shares.

pub mod call;
pub mod finding;
pub mod plan;
pub mod redact;
pub mod secrets;
pub mod source;
pub mod template;
pub mod text;
