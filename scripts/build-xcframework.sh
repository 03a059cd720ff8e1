#!/usr/bin/env bash
# Builds the iOS XCFramework of the Rust core for the Swift package and the app (macOS with
# Xcode only): static libraries for aarch64-apple-ios (devices) and aarch64-apple-ios-sim +
# x86_64-apple-ios (simulators, one fat library) with the `release-size` profile, the Swift
# bindings generated from the same sources, and the header and module map of `KobanFFI`.
#
# Output (git-ignored):
#   ios/Frameworks/KobanFFI.xcframework     ios/Package.swift links it instead of build/lib when present
#   ios/Sources/Koban/Generated/Koban.swift  the generated Swift API the `Koban` target compiles
#                                            (patched so Task cancellation reaches Rust: scripts/patch-swift-bindings.py)
#   ios/Sources/KobanFFI/KobanFFI.h          the same header, for the system-library target
#   build/xcframework/KobanFFI.xcframework.zip   the XCFramework to upload for a release
#   build/swift-release/                     the release Swift package (ios/Package.release.swift with the
#                                            zip's URL and checksum, Sources/Koban, privacy manifest): what a
#                                            release tag of the Swift package holds
#
# The zip's URL: KOBAN_XCFRAMEWORK_URL, by default <repository>/releases/download/<version>/KobanFFI.xcframework.zip
# (both from [workspace.package] of Cargo.toml).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$KOBAN_ROOT/scripts/lib/bindings.sh"

[ "$(uname -s)" = "Darwin" ] || die "build-xcframework.sh needs macOS with Xcode (xcodebuild, lipo and the iOS SDKs).
On Linux the Swift package links build/lib/libkoban_ffi.so instead: ./scripts/test-swift.sh builds and tests it (see ios/README.md)."
command -v xcodebuild >/dev/null || die "xcodebuild not found: install Xcode and run 'xcode-select -s /Applications/Xcode.app'"
command -v lipo >/dev/null || die "lipo not found: install the Xcode command line tools"
command -v cargo >/dev/null || die "cargo not found: install Rust (https://rustup.rs)"

DEVICE=aarch64-apple-ios
SIMULATORS=(aarch64-apple-ios-sim x86_64-apple-ios)
PROFILE=release-size
# The same minimum as ios/Package.swift.
export IPHONEOS_DEPLOYMENT_TARGET="15.0"

cd "$KOBAN_ROOT"
target_dir="${CARGO_TARGET_DIR:-$KOBAN_ROOT/target}"
case "$target_dir" in /*) ;; *) target_dir="$KOBAN_ROOT/$target_dir" ;; esac
out="$KOBAN_ROOT/build/xcframework"
framework="$KOBAN_ROOT/ios/Frameworks/KobanFFI.xcframework"

if command -v rustup >/dev/null; then
    quietly "rustup target add" rustup target add "$DEVICE" "${SIMULATORS[@]}"
fi

# No test-hooks feature: these are the libraries that ship.
for t in "$DEVICE" "${SIMULATORS[@]}"; do
    say "building koban-ffi for $t ($PROFILE)"
    quietly "building koban-ffi for $t" cargo_ffi_lib staticlib --profile "$PROFILE" --target "$t"
    [ -f "$target_dir/$t/$PROFILE/libkoban_ffi.a" ] || die "cargo did not produce $target_dir/$t/$PROFILE/libkoban_ffi.a"
done

# Bindings from a host build of the same crate and features: library mode reads the
# interface from the library's metadata, and an unstripped dylib keeps all of it.
say "generating the Swift bindings"
quietly "building koban-ffi for the host" cargo build --release --locked -p koban-ffi
quietly "building uniffi-bindgen" cargo build --release --locked -p uniffi-bindgen
rm -rf "$out"
mkdir -p "$out/swift" "$out/headers/KobanFFI" "$out/simulator"
quietly "generating Swift bindings" "$target_dir/release/uniffi-bindgen" generate --no-format \
    --library "$target_dir/release/libkoban_ffi.dylib" --config "$KOBAN_ROOT/uniffi.toml" \
    --language swift --out-dir "$out/swift"
[ -f "$out/swift/Koban.swift" ] && [ -f "$out/swift/KobanFFI.h" ] || die "uniffi-bindgen did not write Koban.swift and KobanFFI.h (is uniffi.toml applied?)"

# The module map for a static library: no `link` line, Xcode links the XCFramework's library.
# In its own folder so it cannot collide with another framework's module.modulemap.
cp "$out/swift/KobanFFI.h" "$out/headers/KobanFFI/"
cat >"$out/headers/KobanFFI/module.modulemap" <<'MODULEMAP'
module KobanFFI {
    header "KobanFFI.h"
    export *
}
MODULEMAP

say "combining the simulator slices"
lipo -create \
    "$target_dir/aarch64-apple-ios-sim/$PROFILE/libkoban_ffi.a" \
    "$target_dir/x86_64-apple-ios/$PROFILE/libkoban_ffi.a" \
    -output "$out/simulator/libkoban_ffi.a"

say "creating $framework"
rm -rf "$framework"
mkdir -p "$(dirname "$framework")"
quietly "xcodebuild -create-xcframework" xcodebuild -create-xcframework \
    -library "$target_dir/$DEVICE/$PROFILE/libkoban_ffi.a" -headers "$out/headers" \
    -library "$out/simulator/libkoban_ffi.a" -headers "$out/headers" \
    -output "$framework"

mkdir -p "$KOBAN_ROOT/ios/Sources/Koban/Generated"
python3 "$KOBAN_ROOT/scripts/patch-swift-bindings.py" "$out/swift/Koban.swift" "$KOBAN_ROOT/ios/Sources/Koban/Generated/Koban.swift"
cp "$out/swift/KobanFFI.h" "$KOBAN_ROOT/ios/Sources/KobanFFI/KobanFFI.h"

# The release: the zipped XCFramework (SwiftPM wants the .xcframework at the zip's top level)
# and the release package whose manifest names its URL and checksum.
say "writing the release Swift package"
zip_path="$out/KobanFFI.xcframework.zip"
rm -f "$zip_path"
(cd "$(dirname "$framework")" && quietly "zipping the XCFramework" ditto -c -k --keepParent KobanFFI.xcframework "$zip_path")
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$KOBAN_ROOT/Cargo.toml" | head -n1)"
repository="$(sed -n 's/^repository = "\(.*\)"$/\1/p' "$KOBAN_ROOT/Cargo.toml" | head -n1)"
url="${KOBAN_XCFRAMEWORK_URL:-$repository/releases/download/$version/KobanFFI.xcframework.zip}"
python3 "$KOBAN_ROOT/scripts/release-metadata.py" swift-release "$KOBAN_ROOT/build/swift-release" \
    --zip "$zip_path" --url "$url" --generated "$KOBAN_ROOT/ios/Sources/Koban/Generated/Koban.swift" >/dev/null
checksum="$(swift package compute-checksum "$zip_path")"
grep -q "checksum: \"$checksum\"" "$KOBAN_ROOT/build/swift-release/Package.swift" \
    || die "the release manifest's checksum is not swift package compute-checksum's ($checksum)"

device_size="$(wc -c <"$target_dir/$DEVICE/$PROFILE/libkoban_ffi.a" | tr -d ' ')"
say "done: $framework (device library $device_size bytes before app linking and dead-code stripping)"
say "release: upload $zip_path to $url; build/swift-release/ is the Swift package to tag"
