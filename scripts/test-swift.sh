#!/usr/bin/env bash
# Runs the Swift package's tests (ios/: the bindings, the wallet and the KobanAppModel view
# models) with `swift test` against a freshly built koban-ffi: installs the Swift root on
# first use, builds the library, generates the bindings, copies them into the package and
# runs swift test inside the root, with the sandbox host on loopback (the root shares the
# network; URL in KOBAN_SANDBOX_URL, its partner networks' in KOBAN_PARTNERS_URL). The
# ledger invariants are checked afterwards.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$KOBAN_ROOT/scripts/lib/bindings.sh"
source "$KOBAN_ROOT/scripts/lib/swift-root.sh"
source "$KOBAN_ROOT/scripts/lib/sandbox.sh"
source "$KOBAN_ROOT/scripts/lib/progress.sh"

# The release manifest (url+checksum binaryTarget, no unsafeFlags) and the privacy manifest.
need_python3
python3 "$KOBAN_ROOT/scripts/release-metadata.py" ios

install_lock
swift_env="$(with_progress "swift: building the Debian $SWIFT_SUITE root with Swift (first run only)" \
    "$KOBAN_ROOT/scripts/install-swift.sh")"
install_unlock
eval "$swift_env"
with_progress "swift: building koban-ffi (release) and its bindings" build_ffi_and_bindings

# Into the package, only when changed, so SwiftPM's incremental build stays warm.
copy_if_changed() { cmp -s "$1" "$2" || { mkdir -p "$(dirname "$2")"; cp "$1" "$2"; }; }
copy_if_changed "$BINDINGS_DIR/swift/KobanFFI.h" "$KOBAN_ROOT/ios/Sources/KobanFFI/KobanFFI.h"
# Patched so that cancelling a Task cancels the Rust call (UniFFI 0.32's Swift does not).
python3 "$KOBAN_ROOT/scripts/patch-swift-bindings.py" "$BINDINGS_DIR/swift/Koban.swift" "$KOBAN_BUILD/Koban.patched.swift"
copy_if_changed "$KOBAN_BUILD/Koban.patched.swift" "$KOBAN_ROOT/ios/Sources/Koban/Generated/Koban.swift"

# SwiftPM's incremental build has been seen to keep dependants compiled against an older
# generated Koban.swift after it changed. Every target of the package imports Koban, so when
# the generated files' hash differs from the last build's, drop the package's build products
# (the debug tree under the scratch path); the next build recompiles them from the new files.
swift_scratch="$KOBAN_BUILD/swift"
generated_hash="$(cat "$KOBAN_ROOT/ios/Sources/Koban/Generated/Koban.swift" "$KOBAN_ROOT/ios/Sources/KobanFFI/KobanFFI.h" \
    | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$swift_scratch/.generated.sha256" 2>/dev/null || true)" != "$generated_hash" ]; then
    if [ -d "$swift_scratch" ]; then
        echo "swift: the generated bindings changed; rebuilding the Swift package from clean" >&2
        rm -rf "$swift_scratch"/*/debug "$swift_scratch"/build.db
    fi
    mkdir -p "$swift_scratch"
    echo "$generated_hash" >"$swift_scratch/.generated.sha256"
fi

# The release package as build-xcframework.sh writes it, over a stand-in zip, for SwiftPM to read below.
release_check="$KOBAN_BUILD/swift-release-check"
mkdir -p "$release_check"
echo "stand-in for KobanFFI.xcframework.zip" >"$release_check/KobanFFI.xcframework.zip"
python3 "$KOBAN_ROOT/scripts/release-metadata.py" swift-release "$release_check/package" \
    --zip "$release_check/KobanFFI.xcframework.zip" --url "https://example.invalid/KobanFFI.xcframework.zip" >/dev/null

KOBAN_EXPECTED_VERSION="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$KOBAN_ROOT/Cargo.toml" | head -n1)"
export KOBAN_EXPECTED_VERSION

swift_root_enter
# After entering the root: its EXIT trap is replaced, so stop the host and unmount together.
start_sandbox
trap 'stop_sandbox_quietly; swift_root_unmount' EXIT
log="$KOBAN_BUILD/swift-test.log"
# The Apple-only Swift (the SwiftUI app, the Keychain key store) cannot be type-checked here;
# `swiftc -parse` at least keeps its syntax honest. The scratch path keeps SwiftPM's build
# under build/ (git-ignored, survives runs).
run_swift_tests() {
    in_swift_root "(cd build/swift-release-check/package && swift package dump-package >../dump.json) \
        && export KOBAN_PARTNERS_URL='$KOBAN_PARTNERS_URL' && cd ios && swiftc -parse App/KobanWallet/*.swift Sources/Koban/KeychainKeyStore.swift \
        && swift build --build-tests --scratch-path /work/koban/build/swift \
        && swift test --skip-build --scratch-path /work/koban/build/swift" >"$log" 2>&1
}
rc=0
with_progress "swift: building and running the Swift tests" run_swift_tests || rc=$?
stop_sandbox
if [ "$rc" -eq 0 ]; then
    python3 "$KOBAN_ROOT/scripts/release-metadata.py" swift-dump "$release_check/dump.json" >/dev/null || rc=$?
fi

# No summary when the build failed: `|| true`, or set -e would end the script before it shows the log.
summary="$(grep -E 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$log" | tail -n1 || true)"
if [ "$rc" -eq 0 ] && [ -n "$summary" ]; then
    # A test that finds no corpus says so and returns: XCTest counts it as executed.
    executed="$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?, with.*/\1/')"
    skipped="$(report_skips swift "$log")"
    echo "swift: $((executed - skipped)) passed, $skipped skipped, 0 failed"
else
    cat "$log" >&2
    [ -n "$summary" ] && echo "swift: $summary" >&2
    echo "swift: swift test failed (exit $rc)" >&2
    exit 1
fi
