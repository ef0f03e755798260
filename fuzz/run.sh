#!/usr/bin/env bash
# Runs every fuzz target for a bounded time.
#
# Usage: fuzz/run.sh [SECONDS_PER_TARGET]        (default 60)
#
# With a nightly toolchain and cargo-fuzz (`rustup toolchain install nightly`,
# `cargo install cargo-fuzz`), each libFuzzer target in fuzz/fuzz_targets runs for
# SECONDS_PER_TARGET (`-max_total_time`), its corpus seeded from fixtures/; a crash
# is saved under fuzz/artifacts/<target>/ and should become a fixture. Without them,
# the stable mutation runner (tests/mutation.rs) runs the same checks on mutated
# fixtures for that long per target, on a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
targets=(frontends postman url_template edits)

if cargo +nightly fuzz --version >/dev/null 2>&1; then
    for t in "${targets[@]}"; do
        corpus="fuzz/corpus/$t"
        mkdir -p "$corpus"
        case "$t" in
            postman) find fixtures -name '*postman*.json' -exec cp {} "$corpus/" \; ;;
            frontends) find fixtures -type f -size -64k -name '*.*' | head -200 |
                while read -r f; do printf '\0' | cat - "$f" > "$corpus/$(basename "$f")"; done ;;
        esac
        (cd fuzz && cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -timeout=20)
    done
else
    echo "cargo +nightly fuzz is not available: running the stable mutation runner" >&2
    APIMIGRATE_MUTATION_SECONDS="$secs" cargo test --release --test mutation -- --nocapture
fi
