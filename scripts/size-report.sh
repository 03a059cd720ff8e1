#!/usr/bin/env bash
# Size of the shipped library: koban-ffi as a cdylib for x86_64 Linux, without `test-hooks`,
# under the `release` and `release-size` profiles, each unstripped and stripped (a copy
# stripped with `strip`). The issue's limit: the stripped release library at most 6 MB
# (10^6 bytes) with everything in it.
#
#   scripts/size-report.sh
#
# Each variant is built under a private profile that inherits the real one (set with
# --config, so Cargo.toml stays as it is): the outputs land in their own target/<profile>/
# and never overwrite target/release/libkoban_ffi.so, which the Kotlin and Swift suites copy
# (built with test-hooks) from there. Inheriting changes nothing rustc is told.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$KOBAN_ROOT/scripts/lib/bindings.sh"
cd "$KOBAN_ROOT"

command -v strip >/dev/null || apt_install binutils
target_dir="$(cargo_target_dir)"
out="$KOBAN_BUILD/size"
mkdir -p "$out"

# build_variant NAME INHERITS [EXTRA --config...]: builds and prints the library's path.
build_variant() {
    local name="$1" inherits="$2"; shift 2
    local configs=(--config "profile.$name.inherits=\"$inherits\"")
    local c
    for c in "$@"; do configs+=(--config "profile.$name.$c"); done
    quietly "building koban-ffi ($name)" cargo build --locked -p koban-ffi --lib --profile "$name" "${configs[@]}"
    local lib="$target_dir/$name/libkoban_ffi.so"
    [ -f "$lib" ] || die "cargo did not produce $lib"
    echo "$lib"
}

bytes() { stat -c %s "$1"; }
human() { awk -v b="$1" 'BEGIN { printf "%10d B  %6.2f MB  %6.2f MiB", b, b / 1e6, b / 1048576 }'; }

# Variants: the release profile (symbols kept, as cargo leaves them), release-size with its
# own `strip = true` turned off (to see what the symbols weigh), and release-size as shipped.
release="$(build_variant size-release release)"
size_unstripped="$(build_variant size-release-size-unstripped release-size 'strip=false')"
size_shipped="$(build_variant size-release-size release-size)"

report() {
    local label="$1" lib="$2" copy
    copy="$out/$(basename "$(dirname "$lib")").so"
    cp "$lib" "$copy"
    strip "$copy"
    printf '%-36s %s   stripped %s\n' "$label" "$(human "$(bytes "$lib")")" "$(human "$(bytes "$copy")")"
}

echo "koban-ffi cdylib, $(rustc -vV | sed -n 's/^host: //p'), default features, no test-hooks; rustc $(rustc -V | cut -d' ' -f2)"
report "release (as built)" "$release"
report "release-size, strip = false" "$size_unstripped"  # symbols, and std's debug info that cargo otherwise strips
report "release-size (as shipped, strip = true)" "$size_shipped"
limit=6000000
shipped_stripped="$(bytes "$out/size-release-size.so")"
release_stripped="$(bytes "$out/size-release.so")"
echo "limit: stripped release library <= $(human "$limit" | sed 's/^ *//')"
for pair in "release:$release_stripped" "release-size:$shipped_stripped"; do
    if [ "${pair#*:}" -le "$limit" ]; then
        echo "  ${pair%%:*} stripped: within the limit"
    else
        echo "  ${pair%%:*} stripped: OVER the limit by $(human $((${pair#*:} - limit)) | sed 's/^ *//')"
    fi
done
# Engines: koban-core can be built without rqrr (its `rqrr` feature), but koban-ffi takes
# koban-core with default features and has no feature of its own to drop it, and cargo can
# only add a dependency's features from the command line; so no rqrr-less library here.
echo "rqrr-less variant: not measured (koban-ffi exposes no feature to drop koban-core's default \`rqrr\`)"
