//! Which string literals are credentials, in every language: each front end finds its
//! literals and the name each is stored under, and asks here. The definitions live in
//! [`crate::secrets`], the one place that says what a secret is.

pub use crate::secrets::{credential, is_secret_name, scan_literal};
