#!/usr/bin/env bash
# What following imports costs on the monorepo benchmark's tree: CPU time (user +
# system, median of N runs) of `check --no-ignore --quiet` with the import walk and
# without it (APIMIGRATE_BENCH_NO_IMPORTS=1, read by the scan for this measure only:
# with it no file is judged again with its imports, so findings may differ). Runs
# alternate, so both sides see the same load. BEFORE adds another build's row.
#
# Usage: bench/import_cost.sh [--runs N] [TREE]
#   TREE     default: $BENCH_DIR/corpus/base, as bench/monorepo.sh builds it
#   JOBS     threads (default 2)
#   BEFORE   another apimigrate binary, timed with the import walk on
#   APIMIGRATE  the binary to measure (default: this tree's release build, built)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=5
if [ "${1:-}" = "--runs" ]; then RUNS="$2"; shift 2; fi
TREE="${1:-${BENCH_DIR:-/tmp/apimigrate-bench}/corpus/base}"
JOBS="${JOBS:-2}"
[ -d "$TREE" ] || { echo "no tree at $TREE (run bench/monorepo.sh first)" >&2; exit 1; }
AFTER="${APIMIGRATE:-}"
if [ -z "$AFTER" ]; then
  cargo build --release --locked --quiet
  AFTER="$PWD/target/release/apimigrate"
fi
cpu() { # binary, env assignment…: seconds of CPU
  local bin="$1"; shift
  local out; out="$(mktemp)"
  (cd "$TREE" && env "$@" /usr/bin/time -f '%U %S' "$bin" check --no-ignore --quiet \
    --jobs "$JOBS" . >/dev/null 2>"$out") || true
  tail -1 "$out" | awk '{ printf "%.2f\n", $1 + $2 }'
  rm -f "$out"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
declare -A T
for _ in $(seq "$RUNS"); do
  [ -n "${BEFORE:-}" ] && T[before]+="$(cpu "$BEFORE" APIMIGRATE_BENCH_NO_IMPORTS=0) "
  T[on]+="$(cpu "$AFTER" APIMIGRATE_BENCH_NO_IMPORTS=0) "
  T[off]+="$(cpu "$AFTER" APIMIGRATE_BENCH_NO_IMPORTS=1) "
done
for k in before on off; do
  [ -n "${T[$k]:-}" ] || continue
  printf '%-7s runs: %s median %s s\n' "$k" "${T[$k]}" "$(tr ' ' '\n' <<<"${T[$k]}" | grep . | median)"
done
on="$(tr ' ' '\n' <<<"${T[on]}" | grep . | median)"
off="$(tr ' ' '\n' <<<"${T[off]}" | grep . | median)"
awk -v a="$on" -v b="$off" 'BEGIN { printf "import following: +%.0f%% over the scan without it\n", (a / b - 1) * 100 }'
