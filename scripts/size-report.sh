#!/usr/bin/env bash
# Size of the shipped library: koban-ffi as a cdylib for x86_64 Linux, without `test-hooks`,
# under the `release` and `release-size` profiles, each unstripped and stripped (a copy
# stripped with `strip`), plus release-size with relative relocations packed, as Android's
# build links it (`--pack-dyn-relocs=android`, .cargo/config.toml) and Apple's linker does
# with chained fixups. The limit: the stripped release-size library, relocations unpacked,
# at most 4 MB (10^6 bytes), and no HTTP or TLS stack (reqwest, hyper, rustls) in the phone
# library's dependency tree: apps hand in the platform's HttpTransport. Exits non-zero when
# either fails.
#
#   scripts/size-report.sh
#
# Every variant is built as the apps get it, with `cargo_ffi_lib` (one crate type per rustc
# run; see scripts/lib/bindings.sh), under a private profile that inherits the real one (set
# with --config, so Cargo.toml stays as it is): the outputs land in their own
# target/<profile>/ and never overwrite target/release/libkoban_ffi.so, which the Kotlin and
# Swift suites copy (built with test-hooks) from there. Inheriting changes nothing rustc is
# told.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$KOBAN_ROOT/scripts/lib/bindings.sh"
cd "$KOBAN_ROOT"

command -v strip >/dev/null || apt_install binutils
target_dir="$(cargo_target_dir)"
out="$KOBAN_BUILD/size"
mkdir -p "$out"

# build_variant NAME INHERITS [PROFILE-SETTING...] [-- RUSTC-ARG...]: builds the cdylib and
# prints its path. RUSTC-ARGs reach only koban-ffi's own rustc (its link), not its dependencies.
build_variant() {
    local name="$1" inherits="$2"; shift 2
    local configs=(--config "profile.$name.inherits=\"$inherits\"")
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do configs+=(--config "profile.$name.$1"); shift; done
    quietly "building koban-ffi ($name)" cargo_ffi_lib cdylib --profile "$name" "${configs[@]}" "$@"
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
# GNU ld's spelling of what the Android build asks lld for (DT_RELR; glibc 2.36 loads it).
size_packed="$(build_variant size-release-size-packed release-size -- -C link-arg=-Wl,-z,pack-relative-relocs)"

need_python3
report() {
    local label="$1" lib="$2" copy
    copy="$out/$(basename "$(dirname "$lib")").so"
    cp "$lib" "$copy"
    strip "$copy"
    # A size is only worth reporting for a library that works: the stripped copy loads and
    # answers UniFFI's contract-version call.
    python3 -c 'import ctypes, sys; v = ctypes.CDLL(sys.argv[1]).ffi_koban_ffi_uniffi_contract_version(); sys.exit(0 if v > 0 else 1)' "$copy" \
        || die "$copy does not load, or does not answer ffi_koban_ffi_uniffi_contract_version"
    printf '%-40s %s   stripped %s\n' "$label" "$(human "$(bytes "$lib")")" "$(human "$(bytes "$copy")")"
}

echo "koban-ffi cdylib, $(rustc -vV | sed -n 's/^host: //p'), default features, no test-hooks; rustc $(rustc -V | cut -d' ' -f2)"
report "release (as built)" "$release"
report "release-size, strip = false" "$size_unstripped"  # symbols, and std's debug info that cargo otherwise strips
report "release-size (as shipped, strip = true)" "$size_shipped"
report "release-size, relocations packed" "$size_packed"
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

# What each dependency costs: code and data by the crate each symbol's name points at, read
# off the unstripped release-size library. Fat LTO inlines across crates, so this is where
# the bytes ended up, not an exact bill.
echo "by crate (release-size, unstripped symbols, demangled; top 20):"
# A symbol counts for the first crate its demangled path names: `<koban_core::X as
# serde::Deserialize>::deserialize` for koban_core, `serde_json::value::de::…` for serde_json,
# an async fn's `{{closure}}` for the crate of the fn. C and assembly go by their prefixes;
# UNIFFI_META_* are UniFFI's interface metadata, which library-mode bindgen reads and the
# linker must keep because they are exported.
nm -S --defined-only -C "$size_unstripped" 2>/dev/null | perl -ne '
    chomp; my @f = split / /, $_, 4; next unless @f == 4;
    my ($size, $name, $crate) = (hex($f[1]), $f[3], "other (C runtime, unnamed data)");
    if ($name =~ /^UNIFFI_META_/) { $crate = "uniffi metadata" }
    elsif ($name =~ /^[<&\s]*(?:dyn |mut |const )?([a-z_][a-z0-9_]*)::/) { $crate = $1 }
    elsif ($name =~ /^(uniffi_|ffi_)koban_ffi_/) { $crate = "koban_ffi (exported C-ABI functions)" }
    elsif ($name =~ /^(ring_|GFp|OPENSSL|CRYPTO|ecp_nistz256|p256_|bn_|aes_|gcm_|chacha|x25519|sha(256|512)_)/) { $crate = "ring (C/asm)" }
    elsif ($name =~ /^(sqlite3|yy|sqlite)/i) { $crate = "sqlite (C)" }
    elsif ($name =~ /^[a-z]\w*(\.\w+)*$/i) { $crate = "C static functions (sqlite, mostly)" }
    elsif ($name =~ /^<\w+ as ([a-z_][a-z0-9_]*)::/) { $crate = $1 }
    $crate = "Rust std (core, alloc, std)" if $crate =~ /^(core|alloc|std)$/;
    $total{$crate} += $size;
    END { printf "  %8.1f KB  %s\n", $total{$_} / 1000, $_ for grep { defined } (sort { $total{$b} <=> $total{$a} } keys %total)[0 .. 19] }'

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
