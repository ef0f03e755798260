//! See `tests/support/fuzz_bodies.rs` for what this target checks.
#![no_main]

#[path = "../../tests/support/fuzz_bodies.rs"]
#[allow(dead_code)]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::frontends(data));
