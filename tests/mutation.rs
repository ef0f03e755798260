//! The stable, time-bounded mutation runner: the fuzz targets' checks
//! (`tests/support/fuzz_bodies.rs`, also run by libFuzzer from `fuzz/` on a nightly
//! toolchain) fed with mutated fixtures — every front end, the Postman reader,
//! URL-template matching and the edit applier. No input may panic; each input's
//! check is bounded by the per-file deadline, and each target by the run's budget.
//!
//! `cargo test --test mutation` is a smoke run (about a second per target);
//! `APIMIGRATE_MUTATION_SECONDS=600 cargo test --release --test mutation` (or
//! `fuzz/run.sh`) runs each target that long. `APIMIGRATE_MUTATION_SEED` picks
//! another sequence of mutants.

#[allow(dead_code)]
#[path = "support/fuzz_bodies.rs"]
mod bodies;
#[path = "support/mutate.rs"]
mod mutate;

use apimigrate::source::Language;
use mutate::{fixture_files, mutate, Lcg};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn budget() -> Duration {
    let secs = std::env::var("APIMIGRATE_MUTATION_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(1.0);
    Duration::from_secs_f64(secs)
}

fn rng(salt: u64) -> Lcg {
    let seed = std::env::var("APIMIGRATE_MUTATION_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0x5eed);
    Lcg(seed ^ salt)
}

/// Runs `target` on mutants of `seeds` until the budget is spent (at least once per
/// seed); a failing input is printed so that it can become a fixture.
fn run(name: &str, seeds: &[Vec<u8>], salt: u64, mut target: impl FnMut(&[u8])) {
    assert!(!seeds.is_empty(), "{name}: no seeds");
    let mut rng = rng(salt);
    let start = Instant::now();
    let mut rounds = 0;
    while rounds < seeds.len() || start.elapsed() < budget() {
        let seed = &seeds[rounds % seeds.len()];
        rounds += 1;
        // Mutants of mutants now and then: deeper damage.
        let mut input = mutate(seed, &mut rng);
        if rng.next() % 4 == 0 {
            input = mutate(&input, &mut rng);
        }
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| target(&input)));
        assert!(
            caught.is_ok(),
            "{name}: panicked on {:?}",
            String::from_utf8_lossy(&input)
        );
    }
    eprintln!("{name}: {rounds} inputs in {:.1?}", start.elapsed());
}

fn fixtures_of(filter: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    fixture_files(Path::new("fixtures"))
        .into_iter()
        .filter(|p| filter(p))
        .collect()
}

#[test]
fn every_front_end_survives_mutated_fixtures() {
    let mut seeds = Vec::new();
    for path in fixtures_of(|p| Language::detect(p).is_some()) {
        let name = path.to_string_lossy();
        let Some(pick) = bodies::NAMES
            .iter()
            .position(|n| Language::detect(Path::new(n)) == Language::detect(&path))
        else {
            continue;
        };
        let mut seed = vec![pick as u8];
        seed.extend(std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}")));
        seeds.push(seed);
    }
    run("frontends", &seeds, 1, bodies::frontends);
}

#[test]
fn the_postman_reader_survives_mutated_collections() {
    let seeds: Vec<Vec<u8>> = fixtures_of(|p| p.to_string_lossy().contains("postman"))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    run("postman", &seeds, 2, bodies::postman);
}

#[test]
fn url_template_matching_survives_mutated_urls() {
    let seeds: Vec<Vec<u8>> = [
        "/api/2.0/users/{id}",
        "/api/v1/groups/{groupId}/users/{userId}?company=acme&apiKey=k",
        "/t5/s/api/2.1/graphql",
        "/entity.delete",
        "/AdminInterface/restapi/v1/users/markDeleted",
        "**/api/2.0/users/*",
        "/api/2.0/users/${id}/../%2e%2e//",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    run("url_template", &seeds, 3, bodies::url_template);
}

#[test]
fn the_edit_applier_keeps_bytes_outside_mutated_edits() {
    let seeds: Vec<Vec<u8>> = fixtures_of(|p| p.extension().is_some_and(|e| e == "js"))
        .iter()
        .take(20)
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let mut rng = rng(4);
    run("edits", &seeds, 5, |input| {
        let text = String::from_utf8_lossy(input);
        let raw: Vec<(u16, u16, String)> = (0..rng.next() % 6)
            .map(|_| {
                let a = rng.next() as u16;
                let b = rng.next() as u16;
                let content = "é\n\"x".repeat((rng.next() % 3) as usize);
                (a, b, content)
            })
            .collect();
        bodies::edits(&text, &raw);
    });
}
