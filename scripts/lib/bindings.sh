# Builds koban-ffi for the test suites and generates its bindings. Source it after common.sh.
#
# Outputs (all under build/, never committed):
#   build/lib/libkoban_ffi.so        the library, built with the `test-hooks` feature
#   build/bindings/kotlin-jvm/       Kotlin for the JVM tests (android_cleaner off)
#   build/bindings/kotlin-android/   Kotlin exactly as uniffi.toml says, for the Android module
#   build/bindings/swift/            Koban.swift, KobanFFI.h, KobanFFI.modulemap

KOBAN_BUILD="$KOBAN_ROOT/build"
FFI_LIB_DIR="$KOBAN_BUILD/lib"
BINDINGS_DIR="$KOBAN_BUILD/bindings"

# cargo's target dir, honouring CARGO_TARGET_DIR so a shared one works too.
cargo_target_dir() {
    if [ -n "${CARGO_TARGET_DIR:-}" ]; then
        case "$CARGO_TARGET_DIR" in /*) echo "$CARGO_TARGET_DIR" ;; *) echo "$KOBAN_ROOT/$CARGO_TARGET_DIR" ;; esac
    else
        echo "$KOBAN_ROOT/target"
    fi
}

# cargo_ffi_lib KIND [CARGO-ARG...]: builds koban-ffi as KIND (cdylib for Android, the JVM
# and the Swift tests on Linux; staticlib for iOS) and nothing else. koban-ffi also declares
# `lib`, which its Rust tests and benches link; built in the same rustc run, fat LTO must keep
# every item that rlib exports, and the phone library came out 0.7 MB larger (README,
# "Library size").
cargo_ffi_lib() {
    local kind="$1"
    shift
    cargo rustc --locked -p koban-ffi --lib --crate-type "$kind" "$@"
}

build_ffi_and_bindings() {
    local target lib
    target="$(cargo_target_dir)"
    cd "$KOBAN_ROOT"
    # Two invocations on purpose: building them together would unify uniffi's `cli`
    # features into the library.
    quietly "building koban-ffi" cargo_ffi_lib cdylib --release --features test-hooks
    quietly "building uniffi-bindgen" cargo build --release --locked -p uniffi-bindgen
    lib="$target/release/libkoban_ffi.so"
    [ -f "$lib" ] || die "cargo did not produce $lib"

    mkdir -p "$FFI_LIB_DIR"
    # Copy only when changed, so the Kotlin/Swift steps can tell nothing moved; through a
    # rename, so a JVM or Swift process that has the old file mapped keeps its old copy.
    # The temporary name is this process's own: two suites started at once each copy and
    # rename their own file, and the last rename wins with identical bytes.
    if ! cmp -s "$lib" "$FFI_LIB_DIR/libkoban_ffi.so"; then
        local tmp="$FFI_LIB_DIR/.libkoban_ffi.so.$$.tmp"
        cp "$lib" "$tmp"
        mv -f "$tmp" "$FFI_LIB_DIR/libkoban_ffi.so"
    fi

    local stamp="$BINDINGS_DIR/.inputs"
    local inputs
    inputs="$(sha256sum "$FFI_LIB_DIR/libkoban_ffi.so" "$KOBAN_ROOT/uniffi.toml" "$target/release/uniffi-bindgen")"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ]; then
        return 0
    fi
    rm -rf "$BINDINGS_DIR"
    mkdir -p "$BINDINGS_DIR"
    local bindgen=("$target/release/uniffi-bindgen" generate --no-format --library "$FFI_LIB_DIR/libkoban_ffi.so")

    quietly "generating Kotlin (Android) bindings" \
        "${bindgen[@]}" --config "$KOBAN_ROOT/uniffi.toml" --language kotlin --out-dir "$BINDINGS_DIR/kotlin-android"
    quietly "generating Swift bindings" \
        "${bindgen[@]}" --config "$KOBAN_ROOT/uniffi.toml" --language swift --out-dir "$BINDINGS_DIR/swift"

    # The JVM has no android.system.SystemCleaner: same settings, JVM cleaner.
    grep -q '^android_cleaner = true$' "$KOBAN_ROOT/uniffi.toml" || die "uniffi.toml no longer sets android_cleaner = true"
    sed 's/^android_cleaner = true$/android_cleaner = false/' "$KOBAN_ROOT/uniffi.toml" >"$KOBAN_BUILD/uniffi-jvm.toml"
    quietly "generating Kotlin (JVM) bindings" \
        "${bindgen[@]}" --config "$KOBAN_BUILD/uniffi-jvm.toml" --language kotlin --out-dir "$BINDINGS_DIR/kotlin-jvm"

    check_generated_bindings
    echo "$inputs" >"$stamp"
}

# Fails if uniffi.toml was not applied: a config in the wrong format is ignored
# with only a warning, and the bindings then come out under `uniffi.koban_ffi`.
check_generated_bindings() {
    local kt
    for kt in "$BINDINGS_DIR"/kotlin-android/io/koban/koban_ffi.kt "$BINDINGS_DIR"/kotlin-jvm/io/koban/koban_ffi.kt; do
        [ -f "$kt" ] || die "no Kotlin bindings at $kt: package_name io.koban not applied"
        grep -q '^package io\.koban$' "$kt" || die "$kt is not in package io.koban"
        ! grep -q 'uniffiCheckApiChecksums' "$kt" || die "$kt checks API checksums: omit_checksums not applied"
        # ScannerFrames.kt's scanFrame/scanImage wrap these; a generated scanFrame would shadow them.
        grep -q 'fun `scanFrameDirect`(' "$kt" && grep -q 'fun `scanImageDirect`(' "$kt" \
            || die "$kt has no scanFrameDirect/scanImageDirect: the Kotlin renames in uniffi.toml not applied"
    done
    [ -f "$BINDINGS_DIR/swift/Koban.swift" ] || die "no Koban.swift: Swift module_name not applied"
    [ -f "$BINDINGS_DIR/swift/KobanFFI.h" ] || die "no KobanFFI.h: Swift ffi_module_filename not applied"
}
