#!/usr/bin/env bash
# Installs apimigrate for the GitHub Action (action.yml), so that a run whose cache
# holds the binary of this exact source does not compile anything.
#
#   action-install.sh key SRC        prints `version=…` and `key=…` (for actions/cache):
#                                    the package version and a hash of the sources that
#                                    go into the binary (Cargo.toml, Cargo.lock, src/, rules/)
#   action-install.sh install SRC DIR   installs into DIR/bin unless DIR/bin/apimigrate is
#                                    already this version; prints what it did
#
# Outputs go to $GITHUB_OUTPUT and DIR/bin to $GITHUB_PATH when those are set.
set -euo pipefail

# sha256sum on Linux and Windows runners, shasum on macOS.
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

version_of() {
  sed -n 's/^version *= *"\(.*\)"/\1/p' "$1/Cargo.toml" | head -n 1
}

case "${1:-}" in
  key)
    src=$2
    version=$(version_of "$src")
    hash=$(cd "$src" && find Cargo.toml Cargo.lock src rules -type f -print0 | LC_ALL=C sort -z \
      | while IFS= read -r -d '' f; do sha256 "$f"; done | sha256 | cut -c1-16)
    out=${GITHUB_OUTPUT:-/dev/stdout}
    echo "version=$version" >> "$out"
    echo "key=apimigrate-$version-$hash" >> "$out"
    ;;
  install)
    src=$2
    dir=$3
    version=$(version_of "$src")
    if [ -x "$dir/bin/apimigrate" ] && [ "$("$dir/bin/apimigrate" --version 2>/dev/null)" = "apimigrate $version" ]; then
      echo "apimigrate $version restored from the cache ($dir/bin)"
    else
      echo "building apimigrate $version (not in the cache)"
      cargo install --locked --quiet --root "$dir" --path "$src"
    fi
    if [ -n "${GITHUB_PATH:-}" ]; then
      echo "$dir/bin" >> "$GITHUB_PATH"
    fi
    ;;
  *)
    echo "usage: $0 key SRC | install SRC DIR" >&2
    exit 2
    ;;
esac
