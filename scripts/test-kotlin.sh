#!/usr/bin/env bash
# Runs the Kotlin tests on the JVM against a freshly built koban-ffi: the binding tests
# (android/koban/src/test) and the app's view-model tests (android/app/src/test) over the
# app's plain-Kotlin sources. Installs kotlinc/JNA/JUnit on first use, builds the library,
# generates the bindings, compiles with kotlinc (skipped when nothing changed) and runs
# JUnit with JNA pointed at build/lib and the sandbox host on loopback (its URL in the
# system property koban.sandboxUrl, its partner networks' in koban.partnersUrl).
#
# What ships is what is tested: the suite runs the Android variant of the generated Kotlin
# (uniffi.toml as it is: Android cleaner, Build.VERSION) and the library's Android-only
# sources (AndroidKeystoreKeyStore, LogcatLogger) are compiled with them, all against the
# test-only stubs of the few Android symbols they use (android/koban/src/androidStubs).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$KOBAN_ROOT/scripts/lib/bindings.sh"
source "$KOBAN_ROOT/scripts/lib/sandbox.sh"
source "$KOBAN_ROOT/scripts/lib/progress.sh"

# The AAR's Maven publication (coordinates, workspace version, licence, sources jar), checked
# statically and its POM rendered: there is no Gradle here (scripts/release-metadata.py).
need_python3
python3 "$KOBAN_ROOT/scripts/release-metadata.py" android

install_lock
kotlin_env="$(with_progress "kotlin: installing kotlinc, JNA and JUnit (first run only)" \
    "$KOBAN_ROOT/scripts/install-kotlin.sh")"
install_unlock
eval "$kotlin_env"
with_progress "kotlin: building koban-ffi (release) and its bindings" build_ffi_and_bindings
start_sandbox

JAVA_SHARE=/usr/share/java
CLASSPATH_DEPS="$JAVA_SHARE/jna.jar:$JAVA_SHARE/junit4.jar:$JAVA_SHARE/hamcrest-core.jar"
CLASSPATH_DEPS+=":$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar:$KOTLIN_HOME/lib/kotlin-stdlib.jar"

KOBAN_TEST_SRC="$KOBAN_ROOT/android/koban/src/test/kotlin"
# Hand-written Kotlin shipped beside the generated bindings (the Android module's main sources).
MAIN_SRC="$KOBAN_ROOT/android/koban/src/main/kotlin"
# Test support shared by the binding and app tests (Gradle: the koban module's test fixtures).
FIXTURES_SRC="$KOBAN_ROOT/android/koban/src/testFixtures/kotlin"
# The app's sources that need no Android SDK (view models, key wrapping); the rest of
# android/app needs the SDK and is built by Gradle only.
APP_SRC="$KOBAN_ROOT/android/app/src/main/kotlin/io/koban/app"
APP_PLAIN_DIRS=("$APP_SRC/model" "$APP_SRC/security")
APP_TEST_SRC="$KOBAN_ROOT/android/app/src/test/kotlin"
# The Android variant, byte for byte what the AAR compiles (scripts/build-android.sh generates
# it with the same uniffi.toml); the JVM variant beside it is not used here.
GENERATED="$BINDINGS_DIR/kotlin-android/io/koban/koban_ffi.kt"
# Test-only stubs of the Android symbols the shipped Kotlin uses (never shipped: no Gradle
# source set includes them). With them, the Android-only library sources type-check here;
# they cannot run on a JVM, and no test calls them.
STUBS_SRC="$KOBAN_ROOT/android/koban/src/androidStubs/kotlin"
CLASSES="$KOBAN_BUILD/kotlin-test-classes"

# No unsigned types in the public Kotlin API (they are awkward from Java and in Kotlin
# arithmetic): the generated code names API types fully qualified (`kotlin.UInt`), while the
# FFI plumbing uses the bare names, so any `kotlin.U…` is a public signature, and an
# `FfiConverterU…` means some type somewhere is unsigned.
check_no_unsigned_api() {
    local f hits
    for f in "$GENERATED" "$BINDINGS_DIR/kotlin-jvm/io/koban/koban_ffi.kt"; do
        [ -f "$f" ] || die "no generated Kotlin at $f"
        hits="$(grep -nE '\bkotlin\.U(Int|Long|Short|Byte)\b|\bFfiConverterU(Int|Long|Short|Byte)\b' "$f" || true)"
        if [ -n "$hits" ]; then
            echo "$hits" | head -n 20 >&2
            die "unsigned types in the public Kotlin API of $f (export i32/i64 from koban-ffi)"
        fi
    done
}
check_no_unsigned_api

kt_files() { local d; for d in "$@"; do [ -d "$d" ] && find "$d" -name '*.kt'; done | sort; }
mapfile -t koban_tests < <(kt_files "$KOBAN_TEST_SRC")
mapfile -t app_tests < <(kt_files "$APP_TEST_SRC")
[ "${#koban_tests[@]}" -gt 0 ] || die "no Kotlin tests under $KOBAN_TEST_SRC"
mapfile -t sources < <(kt_files "$MAIN_SRC" "$FIXTURES_SRC" "${APP_PLAIN_DIRS[@]}")
mapfile -t stubs < <(kt_files "$STUBS_SRC")
[ "${#stubs[@]}" -gt 0 ] || die "no Android stubs under $STUBS_SRC"
# Stubs say so in their first line, and stub only android.* and androidx.*.
for f in "${stubs[@]}"; do
    head -n1 "$f" | grep -q '^// TEST-ONLY STUB' || die "$f does not start with the '// TEST-ONLY STUB' header"
    grep -qE '^package androidx?(\.[a-z]+)*$' "$f" || die "$f stubs something other than android.* / androidx.*"
done
app_plain=()
mapfile -t app_plain < <(kt_files "${APP_PLAIN_DIRS[@]}")
# The plain directories must stay plain: an Android import there would compile in Gradle
# only, and the view models would go untested here.
if [ "${#app_plain[@]}" -gt 0 ] && grep -lE '^import (android|androidx)\.' "${app_plain[@]}" >&2; then
    die "the files above import Android classes but lie in the app's plain-Kotlin directories"
fi

# kotlinc costs ~15 s of JVM start-up and compilation: skip it when no input changed (the
# stamp hashes every input file by name and content, so an added or removed file counts).
all_files=("$GENERATED" "${stubs[@]}" "${sources[@]}" "${koban_tests[@]}" "${app_tests[@]}")
stamp="$(sha256sum "${all_files[@]}" | sha256sum)"
if [ ! -f "$CLASSES/.inputs" ] || [ "$(cat "$CLASSES/.inputs")" != "$stamp" ]; then
    rm -rf "$CLASSES"
    with_progress "kotlin: compiling the tests with kotlinc" quietly "kotlinc" "$KOTLIN_HOME/bin/kotlinc-jvm" -nowarn -jvm-target 17 \
        -cp "$CLASSPATH_DEPS" -d "$CLASSES" "${all_files[@]}"
    echo "$stamp" >"$CLASSES/.inputs"
fi

# Test classes: every *Test.kt, named by its package and file name.
test_classes=()
add_test_classes() {
    local root="$1" f rel; shift
    for f in "$@"; do
        case "$f" in *Test.kt) ;; *) continue ;; esac
        rel="${f#"$root"/}"
        test_classes+=("$(echo "${rel%.kt}" | tr / .)")
    done
}
add_test_classes "$KOBAN_TEST_SRC" "${koban_tests[@]}"
[ "${#app_tests[@]}" -eq 0 ] || add_test_classes "$APP_TEST_SRC" "${app_tests[@]}"

# JNA maps the library for the whole run: run from a private copy (a new inode), so a build
# that rewrites build/lib/libkoban_ffi.so in place meanwhile cannot change code under the JVM.
run_lib_dir="$(mktemp -d "$KOBAN_BUILD/kotlin-lib.XXXXXX")"
cp "$FFI_LIB_DIR/libkoban_ffi.so" "$run_lib_dir/"

expected_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$KOBAN_ROOT/Cargo.toml" | head -n1)"
log="$KOBAN_BUILD/kotlin-test.log"
# A fixed, small heap: the leak test reads the process RSS, which heap growth would blur.
# A JVM crash report goes to build/, not into the working tree.
run_junit() {
    java -Xms128m -Xmx128m -XX:ErrorFile="$KOBAN_BUILD/hs_err_pid%p.log" -Djna.library.path="$run_lib_dir" -Dkoban.root="$KOBAN_ROOT" -Dkoban.expectedVersion="$expected_version" \
        -Dkoban.sandboxUrl="$KOBAN_SANDBOX_URL" -Dkoban.partnersUrl="$KOBAN_PARTNERS_URL" \
        -cp "$CLASSES:$CLASSPATH_DEPS" org.junit.runner.JUnitCore "${test_classes[@]}" >"$log" 2>&1
}
rc=0
with_progress "kotlin: running the JUnit tests" run_junit || rc=$?
rm -rf "$run_lib_dir"
stop_sandbox

if [ "$rc" -eq 0 ] && ran="$(sed -n 's/^OK (\([0-9]*\) tests\?)$/\1/p' "$log")" && [ -n "$ran" ]; then
    # JUnit counts a test skipped by an assumption (the corpus absent) as run.
    skipped="$(report_skips kotlin "$log")"
    echo "kotlin: $((ran - skipped)) passed, $skipped skipped, 0 failed"
else
    cat "$log" >&2
    echo >&2
    run="$(sed -n 's/^Tests run: \([0-9]*\), *Failures: \([0-9]*\)$/\1 \2/p' "$log")"
    if [ -n "$run" ]; then
        read -r total failed <<<"$run"
        echo "kotlin: $((total - failed)) passed, $failed failed"
    else
        echo "kotlin: the JUnit run did not complete (exit $rc)" >&2
    fi
    exit 1
fi
