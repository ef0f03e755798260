//! See `tests/support/fuzz_bodies.rs` for what this target checks.
#![no_main]

#[path = "../../tests/support/fuzz_bodies.rs"]
#[allow(dead_code)]
mod bodies;

libfuzzer_sys::fuzz_target!(|input: (String, Vec<(u16, u16, String)>)| {
    bodies::edits(&input.0, &input.1)
});
