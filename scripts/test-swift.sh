#!/usr/bin/env bash
# Runs the Swift package's tests (ios/: the bindings, the wallet and the KobanAppModel view
# models) with `swift test` against a freshly built koban-ffi: installs the Swift root on
# first use, builds the library, generates the bindings, copies them into the package and
# runs swift test inside the root, with the sandbox host on loopback (the root shares the
# network; URL in KOBAN_SANDBOX_URL). The ledger invariants are checked afterwards.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$KOBAN_ROOT/scripts/lib/bindings.sh"
source "$KOBAN_ROOT/scripts/lib/swift-root.sh"
source "$KOBAN_ROOT/scripts/lib/sandbox.sh"

eval "$("$KOBAN_ROOT/scripts/install-swift.sh")"
build_ffi_and_bindings

# Into the package, only when changed, so SwiftPM's incremental build stays warm.
copy_if_changed() { cmp -s "$1" "$2" || { mkdir -p "$(dirname "$2")"; cp "$1" "$2"; }; }
copy_if_changed "$BINDINGS_DIR/swift/KobanFFI.h" "$KOBAN_ROOT/ios/Sources/KobanFFI/KobanFFI.h"
copy_if_changed "$BINDINGS_DIR/swift/Koban.swift" "$KOBAN_ROOT/ios/Sources/Koban/Generated/Koban.swift"

KOBAN_EXPECTED_VERSION="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$KOBAN_ROOT/Cargo.toml" | head -n1)"
export KOBAN_EXPECTED_VERSION

swift_root_enter
# After entering the root: its EXIT trap is replaced, so stop the host and unmount together.
start_sandbox
trap 'stop_sandbox_quietly; swift_root_unmount' EXIT
log="$KOBAN_BUILD/swift-test.log"
set +e
# The Apple-only Swift (the SwiftUI app, the Keychain key store) cannot be type-checked here;
# `swiftc -parse` at least keeps its syntax honest. The scratch path keeps SwiftPM's build
# under build/ (git-ignored, survives runs).
in_swift_root "cd ios && swiftc -parse App/KobanWallet/*.swift Sources/Koban/KeychainKeyStore.swift \
    && swift build --build-tests --scratch-path /work/koban/build/swift \
    && swift test --skip-build --scratch-path /work/koban/build/swift" >"$log" 2>&1
rc=$?
set -e
stop_sandbox

summary="$(grep -E 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$log" | tail -n1)"
if [ "$rc" -eq 0 ] && [ -n "$summary" ]; then
    echo "swift: $(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\1 passed, \2 failed/')"
else
    cat "$log" >&2
    [ -n "$summary" ] && echo "swift: $summary" >&2
    echo "swift: swift test failed (exit $rc)" >&2
    exit 1
fi
