#!/usr/bin/env bash
# Fails unless every PT_LOAD segment of each given ELF shared object is aligned to at least
# 16 KB (p_align >= 16384). Android 15+ devices may use 16 KB pages; a library whose segments
# are 4 KB-aligned does not load there, and Google Play requires 16 KB alignment.
#
#   scripts/check-elf-alignment.sh [--min BYTES] LIB.so...
#
# Quiet when every file passes; names each file and segment below the minimum otherwise.
# Reads program headers with readelf (binutils) or llvm-readelf (the NDK's, found through
# ANDROID_NDK_HOME), which both print `readelf -lW`'s table for 32- and 64-bit ELF alike.
set -euo pipefail

min=16384
if [ "${1:-}" = "--min" ]; then
    [ -n "${2:-}" ] || { echo "error: --min needs a byte count" >&2; exit 2; }
    min=$(($2)); shift 2
fi
[ "$#" -gt 0 ] || { echo "usage: $0 [--min BYTES] LIB.so..." >&2; exit 2; }

readelf_bin=""
for candidate in readelf llvm-readelf; do
    command -v "$candidate" >/dev/null && { readelf_bin="$candidate"; break; }
done
if [ -z "$readelf_bin" ] && [ -n "${ANDROID_NDK_HOME:-}" ]; then
    readelf_bin="$(find "$ANDROID_NDK_HOME/toolchains/llvm/prebuilt" -maxdepth 3 -name llvm-readelf -type f 2>/dev/null | head -n1)"
fi
[ -n "$readelf_bin" ] || { echo "error: neither readelf (binutils) nor llvm-readelf found" >&2; exit 2; }

failed=0
for lib in "$@"; do
    [ -f "$lib" ] || { echo "error: $lib: no such file" >&2; failed=1; continue; }
    if ! headers="$(LC_ALL=C "$readelf_bin" -lW "$lib" 2>&1)"; then
        echo "error: $lib: not a readable ELF file: $headers" >&2; failed=1; continue
    fi
    # LOAD rows: type, offset, vaddr, paddr, filesz, memsz, flags (may be two words, `R E`),
    # align last.
    aligns="$(awk '$1 == "LOAD" { print $NF }' <<<"$headers")"
    if [ -z "$aligns" ]; then
        echo "error: $lib: no PT_LOAD segment" >&2; failed=1; continue
    fi
    n=0
    while read -r align; do
        n=$((n + 1))
        if [ $((align)) -lt "$min" ]; then
            echo "error: $lib: LOAD segment $n is aligned to $((align)) bytes ($align), below $min" >&2
            failed=1
        fi
    done <<<"$aligns"
done
exit "$failed"
