#!/usr/bin/env bash
# Size of the shipped library: koban-ffi as a cdylib for x86_64 Linux, without `test-hooks`,
# under the `release` and `release-size` profiles, each unstripped and stripped (a copy
# stripped with `strip`). The limit: the stripped release-size library at most 4 MB (10^6
# bytes), and no HTTP or TLS stack (reqwest, hyper, rustls) in the phone library's dependency
# tree: apps hand in the platform's HttpTransport. Exits non-zero when either fails.
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
limit=4000000
shipped_stripped="$(bytes "$out/size-release-size.so")"
release_stripped="$(bytes "$out/size-release.so")"
echo "limit: stripped release-size library <= $(human "$limit" | sed 's/^ *//')"
status=0
if [ "$shipped_stripped" -le "$limit" ]; then
    echo "  release-size stripped: within the limit"
else
    echo "  release-size stripped: OVER the limit by $(human $((shipped_stripped - limit)) | sed 's/^ *//')"
    status=1
fi
echo "  release stripped (speed profile, for comparison): $(human "$release_stripped" | sed 's/^ *//')"

# What each dependency costs: code and data by the crate that defines each symbol, read off
# the unstripped release-size library (legacy-mangled Rust paths; C symbols by library). Fat
# LTO inlines across crates, so this is where the bytes ended up, not an exact bill.
echo "by crate (release-size, unstripped symbols; top 15):"
nm -S --defined-only "$size_unstripped" 2>/dev/null | perl -ne '
    my @f = split; next unless @f >= 4;
    my ($size, $sym, $crate) = (hex($f[1]), $f[3], "other (data, v0-mangled, std glue)");
    if ($sym =~ /^_ZN(\d+)(.*)/) { $crate = substr($2, 0, $1); $crate =~ s/\$.*//; $crate = "(impl blocks)" if $crate =~ /^_/ }
    elsif ($sym =~ /^sqlite3/) { $crate = "sqlite (C)" }
    elsif ($sym =~ /^(ring_|GFp|OPENSSL|CRYPTO)/) { $crate = "ring (C/asm)" }
    $total{$crate} += $size;
    END { printf "  %8.1f KB  %s\n", $total{$_} / 1000, $_ for (sort { $total{$b} <=> $total{$a} } keys %total)[0 .. 14] }'

# The phone library's own dependency tree, as apps link it (no test-hooks, no dev-dependencies).
http="$(cargo tree --locked -p koban-ffi -e normal --prefix none 2>/dev/null | grep -E '^(reqwest|hyper|rustls|webpki-roots) ' | sort -u || true)"
if [ -z "$http" ]; then
    echo "dependency tree: no reqwest, hyper or rustls in the phone library"
else
    echo "dependency tree: the phone library links an HTTP/TLS stack it should not:"
    printf '  %s\n' $http
    status=1
fi
exit "$status"
