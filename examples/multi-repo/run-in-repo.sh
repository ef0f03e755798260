#!/usr/bin/env bash
# Runs apimigrate in the current repository checkout: the step a multi-repository runner
# (multi-gitter, a Sourcegraph batch change, a CI matrix) executes once per repository.
#
#   APIMIGRATE      the apimigrate binary (default: apimigrate on PATH)
#   REPORT_DIR      where to write <repository>.json (default: ./apimigrate-reports)
#   REPOSITORY      the repository's name (multi-gitter sets it; default: the folder name)
#   FIX_MODE        "safe" (default) or "unsafe" (adds --unsafe-fixes)
#
# It rewrites what can be rewritten, then writes a JSON report (SPEC version 1) of what
# is left. It exits 0 so that the runner opens a pull request for every repository
# that changed; the report says what still needs a person.
set -euo pipefail
bin=${APIMIGRATE:-apimigrate}
repo=${REPOSITORY:-$(basename "$PWD")}
report_dir=${REPORT_DIR:-$PWD/apimigrate-reports}
mkdir -p "$report_dir"
flags=()
[ "${FIX_MODE:-safe}" = unsafe ] && flags+=(--unsafe-fixes)
status=0
"$bin" fix "${flags[@]}" --format json --output-file "$report_dir/${repo//\//_}.json" . || status=$?
# 0: clean after fixing; 1: findings remain (see the report); anything else is an error.
if [ "$status" -gt 1 ]; then
  echo "apimigrate failed in $repo (exit $status)" >&2
  exit "$status"
fi
