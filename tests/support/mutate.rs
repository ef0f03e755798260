//! Deterministic mutation of fixture files: a small generator and the byte edits that
//! break parsers. Used by `tests/properties.rs` and the mutation runner
//! (`tests/mutation.rs`).

use std::path::{Path, PathBuf};

/// Every file under `dir`, sorted.
pub fn fixture_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A small deterministic generator (no test may depend on the clock's luck).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// Bytes that break parsers: brackets, quotes, escapes, line breaks, control
/// characters, a DEL, the start of a multi-byte character.
const NASTY: &[u8] = b"{}[]()\"'`\\\n\r\t\x00\x01\x7f\xc3$#;|&<>=,:/*";

pub fn mutate(bytes: &[u8], rng: &mut Lcg) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.next() % 4 {
        if out.is_empty() {
            break;
        }
        let at = (rng.next() as usize) % out.len();
        match rng.next() % 4 {
            0 => out[at] = NASTY[(rng.next() as usize) % NASTY.len()],
            1 => {
                out.remove(at);
            }
            2 => out.insert(at, NASTY[(rng.next() as usize) % NASTY.len()]),
            _ => {
                // Truncate: a file cut off by a failed copy.
                out.truncate(at);
            }
        }
    }
    out
}
