#!/usr/bin/env bash
# Runs every test suite of the project: the README's test command, and what CI runs.
# Installs whatever it needs first (idempotent, cached under ~/.cache/koban).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d ../shared/corpus ]; then
  echo "*** ../shared/corpus is absent: corpus-based tests will SKIP (loudly) ***" >&2
fi

start=$(date +%s)
cargo test --workspace --locked
echo "rust suites: $(( $(date +%s) - start ))s"
