#!/usr/bin/env bash
# Builds what the Android module ships: libkoban_ffi.so for arm64-v8a, armeabi-v7a and x86_64
# (koban-ffi without test-hooks, `release-size` profile, 16 KB-aligned) into
# android/koban/src/main/jniLibs/<abi>/, and the Android Kotlin bindings (uniffi.toml as it
# is, so Android's SystemCleaner) into android/koban/build/generated/source/uniffi/. The
# module's Gradle build reads exactly those two places (android/.gitignore keeps both out of git).
#
#   ANDROID_NDK_HOME=/path/to/ndk scripts/build-android.sh
#
# Needs an Android NDK (r27 or newer; none is reachable from the development machines, so this
# runs on a machine with the Android SDK). Installs cargo-ndk from crates.io on first use
# (cached under ~/.cache/koban/) and the three Rust targets when rustup is there.
# KOBAN_ANDROID_MIN_SDK (default 26, the module's minSdk; android/koban/build.gradle.kts passes
# its own) is the API level the libraries are linked for. Quiet on success.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$KOBAN_ROOT/scripts/lib/bindings.sh"

CARGO_NDK_VERSION="4.1.2"
MIN_SDK="${KOBAN_ANDROID_MIN_SDK:-26}"
ABIS=(arm64-v8a armeabi-v7a x86_64)
declare -A TRIPLE=([arm64-v8a]=aarch64-linux-android [armeabi-v7a]=armv7-linux-androideabi [x86_64]=x86_64-linux-android)
JNI_LIBS="$KOBAN_ROOT/android/koban/src/main/jniLibs"
GENERATED_OUT="$KOBAN_ROOT/android/koban/build/generated/source/uniffi"

# Before any download or build: what cannot be installed from here.
[ -n "${ANDROID_NDK_HOME:-}" ] || die "ANDROID_NDK_HOME is not set: point it at an Android NDK (r27 or newer), e.g. \$ANDROID_HOME/ndk/<version>; there is none on the development machines"
[ -d "$ANDROID_NDK_HOME/toolchains/llvm/prebuilt" ] \
    || die "ANDROID_NDK_HOME=$ANDROID_NDK_HOME is not an NDK: it has no toolchains/llvm/prebuilt"
# Either variable replaces every rustflags table of .cargo/config.toml, the page-size flag too.
[ -z "${RUSTFLAGS:-}" ] && [ -z "${CARGO_ENCODED_RUSTFLAGS:-}" ] \
    || die "RUSTFLAGS / CARGO_ENCODED_RUSTFLAGS is set: it would replace .cargo/config.toml's 16 KB page-size linker flag; unset it"

# cargo-ndk: the NDK's clang as linker for each target, at the API level.
install_cargo_ndk() {
    local root="$KOBAN_CACHE/cargo-ndk-$CARGO_NDK_VERSION"
    if [ ! -x "$root/bin/cargo-ndk" ]; then
        quietly "cargo install cargo-ndk@$CARGO_NDK_VERSION" \
            cargo install --locked --version "$CARGO_NDK_VERSION" --root "$root" cargo-ndk
    fi
    PATH="$root/bin:$PATH"
}
install_cargo_ndk

# The Rust standard library for each target.
if command -v rustup >/dev/null; then
    installed="$(rustup target list --installed)"
    missing=()
    for abi in "${ABIS[@]}"; do
        grep -qx "${TRIPLE[$abi]}" <<<"$installed" || missing+=("${TRIPLE[$abi]}")
    done
    [ "${#missing[@]}" -eq 0 ] || quietly "rustup target add ${missing[*]}" rustup target add "${missing[@]}"
else
    for abi in "${ABIS[@]}"; do
        [ -d "$(rustc --print target-libdir --target "${TRIPLE[$abi]}")" ] \
            || die "no Rust standard library for ${TRIPLE[$abi]} and no rustup to install it"
    done
fi

cd "$KOBAN_ROOT"
target_dir="$(cargo_target_dir)"
libs=()
# `rustc --crate-type cdylib`, as cargo_ffi_lib (scripts/lib/bindings.sh) builds it and for
# the same reason: the cdylib alone is 0.7 MB smaller than when built beside the rlib.
for abi in "${ABIS[@]}"; do
    quietly "building koban-ffi for $abi" \
        cargo ndk --target "$abi" --platform "$MIN_SDK" rustc --locked -p koban-ffi --lib --crate-type cdylib --profile release-size
    lib="$target_dir/${TRIPLE[$abi]}/release-size/libkoban_ffi.so"
    [ -f "$lib" ] || die "cargo did not produce $lib"
    dest="$JNI_LIBS/$abi/libkoban_ffi.so"
    mkdir -p "$(dirname "$dest")"
    # Only when changed, so Gradle's up-to-date checks hold.
    cmp -s "$lib" "$dest" || cp "$lib" "$dest"
    libs+=("$dest")
done

"$KOBAN_ROOT/scripts/check-elf-alignment.sh" "${libs[@]}" \
    || die "a library above has LOAD segments aligned below 16 KB (see .cargo/config.toml)"

# The bindings come from the library's embedded metadata, which the shipped (stripped)
# libraries no longer carry: generate them from a host build of the same crate and features
# (no test-hooks). koban-ffi has no target-specific exports, so the API is the same.
quietly "building koban-ffi (host, for the bindings)" cargo build --locked -p koban-ffi --lib
quietly "building uniffi-bindgen" cargo build --release --locked -p uniffi-bindgen
rm -rf "$GENERATED_OUT"
mkdir -p "$GENERATED_OUT"
quietly "generating the Android Kotlin bindings" \
    "$target_dir/release/uniffi-bindgen" generate --no-format --library "$target_dir/debug/libkoban_ffi.so" \
    --config "$KOBAN_ROOT/uniffi.toml" --language kotlin --out-dir "$GENERATED_OUT"
kt="$GENERATED_OUT/io/koban/koban_ffi.kt"
[ -f "$kt" ] || die "no Kotlin bindings at $kt: uniffi.toml's package_name io.koban not applied"
grep -q '^package io\.koban$' "$kt" || die "$kt is not in package io.koban"
! grep -q 'uniffiCheckApiChecksums' "$kt" || die "$kt checks API checksums: omit_checksums not applied"
grep -q 'android.system.SystemCleaner' "$kt" || die "$kt does not use Android's SystemCleaner: android_cleaner not applied"
! grep -qi 'fun `\?testHook' "$kt" || die "$kt exports test hooks: the host library was built with test-hooks"
