#!/usr/bin/env bash
# Runs every test suite of the project: the README's test command, and what CI runs.
# Installs whatever it needs first (idempotent, cached under ~/.cache/koban): kotlinc, JNA
# and JUnit for the Kotlin tests, a Debian trixie root with Swift for the Swift tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d ../shared/corpus ]; then
  echo "*** ../shared/corpus is absent: corpus-based tests will SKIP (loudly) ***" >&2
fi

# Tests that cannot run here (no corpus) pass without checking anything; each one writes why
# into this file, and the summary at the end lists them, so a skip never reads as a pass.
mkdir -p build
export KOBAN_SKIP_LOG="$PWD/build/skipped.log"
: >"$KOBAN_SKIP_LOG"

# CI builds in a fresh clone once: incremental caches (as large as the build itself) only
# cost disk there.
if [ "${CI:-}" = true ]; then
  export CARGO_INCREMENTAL=0
fi

timings=()
part() {
  local name=$1; shift
  local start; start=$(date +%s)
  "$@"
  timings+=("$name: $(( $(date +%s) - start ))s")
}

# Formatting (rustfmt.toml): the fuzz crate is its own workspace, so it is checked on its own.
# rustfmt is a rustup component a minimal toolchain may lack: then say so, and go on.
check_format() {
  if cargo fmt --version >/dev/null 2>&1; then
    cargo fmt --all --check && (cd fuzz && cargo fmt --check)
  else
    echo "*** rustfmt is not installed (rustup component add rustfmt): formatting NOT checked ***" >&2
  fi
}

part "rust formatting" check_format

# Lints (`[workspace.lints]` in Cargo.toml) with warnings denied, over every target and the
# FFI test hooks. clippy is a rustup component a minimal toolchain may lack: install it
# (idempotent), and say so loudly if that is impossible.
check_lints() {
  if ! cargo clippy --version >/dev/null 2>&1; then
    rustup component add clippy >/dev/null 2>&1 || true
  fi
  if cargo clippy --version >/dev/null 2>&1; then
    cargo clippy --workspace --all-targets --locked --features koban-ffi/test-hooks -- -D warnings
  else
    echo "*** clippy is not installed and could not be (rustup component add clippy): lints NOT checked ***" >&2
  fi
}
part "rust lints" check_lints
part "rust" cargo test --workspace --locked
part "rust ffi test hooks" cargo test --locked -p koban-ffi --features test-hooks
part "elf alignment check" ./tests/elf_alignment.sh
part "kotlin" ./scripts/test-kotlin.sh
part "swift" ./scripts/test-swift.sh

echo "wall time per part:"
printf '  %s\n' "${timings[@]}"
summarise_skips() {
  if [ ! -s "$KOBAN_SKIP_LOG" ]; then
    echo "skipped: none"
    return
  fi
  echo "skipped, NOT passed ($(wc -l <"$KOBAN_SKIP_LOG" | tr -d ' ') tests; their checks did not run):"
  sort "$KOBAN_SKIP_LOG" | uniq -c | sed -E 's/^ *([0-9]+) (.*)$/  \2 (×\1)/; s/ \(×1\)$//'
}
summarise_skips
