//! The ground floor: language-neutral values every other room shares.

pub mod plan;
pub mod text;
