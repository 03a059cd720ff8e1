#!/usr/bin/env bash
# Tests scripts/check-elf-alignment.sh on two real shared objects made here with `cc`: one
# linked for 16 KB pages must pass, one linked for 4 KB pages must fail and be named.
# A second or so; prints `elf_alignment: N passed, N failed`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
check="$root/scripts/check-elf-alignment.sh"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/koban-elf.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo 'int koban_probe(int x) { return x + 1; } int koban_data[4096] = {1};' >"$tmp/probe.c"
cc -shared -fPIC -O2 -Wl,-z,max-page-size=16384 -o "$tmp/aligned16k.so" "$tmp/probe.c"
cc -shared -fPIC -O2 -Wl,-z,max-page-size=4096 -Wl,-z,common-page-size=4096 -o "$tmp/aligned4k.so" "$tmp/probe.c"

passed=0 failed=0
ok() { passed=$((passed + 1)); }
ko() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

if out="$("$check" "$tmp/aligned16k.so" 2>&1)" && [ -z "$out" ]; then ok; else ko "16 KB-aligned library refused or not quiet: $out"; fi
if out="$("$check" "$tmp/aligned4k.so" 2>&1)"; then
    ko "4 KB-aligned library accepted"
elif grep -q "aligned4k.so: LOAD segment 1 is aligned to 4096 bytes" <<<"$out"; then ok; else ko "4 KB-aligned library refused without naming it: $out"; fi
# Both together: one bad file fails the run, and only it is named.
if out="$("$check" "$tmp/aligned16k.so" "$tmp/aligned4k.so" 2>&1)"; then
    ko "a mixed set passed"
elif grep -q aligned4k.so <<<"$out" && ! grep -q aligned16k.so <<<"$out"; then ok; else ko "mixed set: $out"; fi
# A lower bound on request (the 4 KB library passes --min 4096), and a file that is not ELF.
if "$check" --min 4096 "$tmp/aligned4k.so" >/dev/null 2>&1; then ok; else ko "--min 4096 refused a 4 KB-aligned library"; fi
if "$check" "$tmp/probe.c" >/dev/null 2>&1; then ko "a C source file passed as ELF"; else ok; fi

echo "elf_alignment: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
