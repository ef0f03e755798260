#!/usr/bin/env bash
# Monorepo benchmark: apimigrate against ripgrep, ast-grep and semgrep on the installed
# packages of a large JavaScript/Python monorepo, with planted deprecated calls and
# look-alike decoys, plus a dense worst case and a scaling run. Nothing here is
# committed: packages and tools are fetched, pinned, into $BENCH_DIR at bench time.
#
# Usage: bench/monorepo.sh [--runs N] [--slow-runs N] [--semgrep-runs N] [--no-readme]
#   --runs N          runs of apimigrate and ripgrep (default 5; the table shows medians)
#   --slow-runs N     runs of ast-grep (default 3; 0: not run)
#   --before-runs N   runs of BEFORE (default: as --slow-runs)
#   --semgrep-runs N  runs of semgrep (default 1; 0: not run)
#   A peer that is not run keeps its rows of the README's previous table, marked with
#   the date they were recorded (left out with --no-readme).
#   BENCH_DIR   work folder (default /tmp/apimigrate-bench); kept between runs, so the
#               corpus and tools are fetched once
#   JOBS        threads for every tool (default: the number of cores)
#   BEFORE      another apimigrate binary to time on the same tree (a row of its own)
# Writes bench/results.md and, unless --no-readme, the table between the
# `<!-- bench:monorepo -->` markers of README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
RUNS=5
SEMGREP_RUNS=1
SLOW_RUNS=3
BEFORE_RUNS=
README=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --semgrep-runs) SEMGREP_RUNS="$2"; shift 2 ;;
    --slow-runs) SLOW_RUNS="$2"; shift 2 ;;
    --before-runs) BEFORE_RUNS="$2"; shift 2 ;;
    --no-readme) README=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
BENCH_DIR="${BENCH_DIR:-/tmp/apimigrate-bench}"
JOBS="${JOBS:-$(nproc)}"
mkdir -p "$BENCH_DIR/tools"
TOOLS="$BENCH_DIR/tools"

# ---- pinned versions ----------------------------------------------------------------
RIPGREP_VERSION=14.1.1          # crates.io, when no `rg` is on PATH
AST_GREP_VERSION=0.51.1         # npm @ast-grep/cli
SEMGREP_VERSION=1.185.0         # PyPI semgrep
NPM_PACKAGES=(
  typescript@5.6.3 @babel/core@7.26.0 @babel/preset-env@7.26.0 webpack@5.96.1
  eslint@9.15.0 prettier@3.3.3 lodash@4.17.21 react@18.3.1 react-dom@18.3.1
  pdfjs-dist@4.8.69 three@0.170.0 rxjs@7.8.1 moment@2.30.1 axios@1.7.7 express@4.21.1
  jquery@3.7.1 vue@3.5.13 @angular/core@19.0.0 chart.js@4.4.6 d3@7.9.0
  monaco-editor@0.52.0 firebase@11.0.2 aws-sdk@2.1692.0 googleapis@144.0.0
  @mui/material@6.1.8 antd@5.22.2 date-fns@4.1.0 graphql@16.9.0 jest@29.7.0
  mocha@10.8.2 sass@1.81.0 postcss@8.4.49 rollup@4.27.3 esbuild@0.24.0 vite@5.4.11
  svelte@5.2.7 handlebars@4.7.8 socket.io@4.8.1 mongoose@8.8.2 openai@4.73.0
)
PYPI_WHEELS=(
  django==5.1.3 sympy==1.13.3 botocore==1.35.63 networkx==3.4.2 pip==24.3.1
  setuptools==75.5.0 pygments==2.18.0 babel==2.16.0 sqlalchemy==2.0.36 jedi==0.19.2
)

# ---- tools --------------------------------------------------------------------------
RG="$(command -v rg || true)"
if [ -z "$RG" ]; then
  cargo install --quiet --locked --root "$TOOLS/cargo" ripgrep --version "$RIPGREP_VERSION"
  RG="$TOOLS/cargo/bin/rg"
fi
AST_GREP="$TOOLS/npm/node_modules/.bin/ast-grep"
if [ "$SLOW_RUNS" -gt 0 ] && { [ ! -x "$AST_GREP" ] || ! "$AST_GREP" --version | grep -q "$AST_GREP_VERSION"; }; then
  mkdir -p "$TOOLS/npm"
  (cd "$TOOLS/npm" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm install --silent --no-audit --no-fund "@ast-grep/cli@$AST_GREP_VERSION")
fi
SEMGREP="$TOOLS/venv/bin/semgrep"
if [ "$SEMGREP_RUNS" -gt 0 ] && { [ ! -x "$SEMGREP" ] || ! "$SEMGREP" --version 2>/dev/null | grep -q "$SEMGREP_VERSION"; }; then
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install --quiet "semgrep==$SEMGREP_VERSION"
fi
cargo build --release --locked --quiet
APIMIGRATE="$ROOT/target/release/apimigrate"

# ---- corpus: installed packages -----------------------------------------------------
CORPUS="$BENCH_DIR/corpus"
BASE="$CORPUS/base"
if [ ! -f "$BASE/.complete" ]; then
  rm -rf "$BASE" && mkdir -p "$BASE/js" "$BASE/py" "$BENCH_DIR/cache"
  (cd "$BASE/js" && npm init -y >/dev/null \
    && npm install --silent --no-audit --no-fund --ignore-scripts --legacy-peer-deps \
         --cache "$BENCH_DIR/cache/npm" "${NPM_PACKAGES[@]}")
  # A folder named node_modules is skipped by some peers' default ignores: rename it,
  # so that every tool reads the same files.
  mv "$BASE/js/node_modules" "$BASE/js/packages"
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --dest "$BENCH_DIR/cache/wheels" "${PYPI_WHEELS[@]}"
  for w in "$BENCH_DIR"/cache/wheels/*.whl; do
    python3 -m zipfile -e "$w" "$BASE/py/$(basename "$w" .whl)"
  done
  touch "$BASE/.complete"
fi

# ---- plants, decoys and the dense tree ------------------------------------------------
python3 "$ROOT/bench/plant.py" "$BASE" "$CORPUS/dense"

# ---- equivalent rules for the peers --------------------------------------------------
RULES="$BENCH_DIR/rules"
python3 "$ROOT/bench/peer_rules.py" "$RULES"

# ---- runs ---------------------------------------------------------------------------
python3 "$ROOT/bench/measure.py" \
  --runs "$RUNS" --slow-runs "$SLOW_RUNS" --semgrep-runs "$SEMGREP_RUNS" --jobs "$JOBS" \
  --before-runs "${BEFORE_RUNS:-$SLOW_RUNS}" \
  --apimigrate "$APIMIGRATE" --rg "$RG" --ast-grep "$AST_GREP" --semgrep "$SEMGREP" \
  --rules "$RULES" --corpus "$CORPUS" --out "$ROOT/bench/results.md" \
  $( [ -n "${BEFORE:-}" ] && echo --before "$BEFORE" ) \
  $( [ "$README" = 1 ] && echo --readme "$ROOT/README.md" )
