#!/usr/bin/env bash
# Runs the Kotlin tests (android/koban/src/test/kotlin) on the JVM against a freshly
# built koban-ffi: installs kotlinc/JNA/JUnit on first use, builds the library,
# generates the bindings, compiles with kotlinc (skipped when nothing changed) and
# runs JUnit with JNA pointed at build/lib and the sandbox host on loopback
# (its URL in the system property koban.sandboxUrl).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$KOBAN_ROOT/scripts/lib/bindings.sh"
source "$KOBAN_ROOT/scripts/lib/sandbox.sh"

eval "$("$KOBAN_ROOT/scripts/install-kotlin.sh")"
build_ffi_and_bindings
start_sandbox

JAVA_SHARE=/usr/share/java
CLASSPATH_DEPS="$JAVA_SHARE/jna.jar:$JAVA_SHARE/junit4.jar:$JAVA_SHARE/hamcrest-core.jar"
CLASSPATH_DEPS+=":$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar:$KOTLIN_HOME/lib/kotlin-stdlib.jar"

TEST_SRC="$KOBAN_ROOT/android/koban/src/test/kotlin"
# Hand-written Kotlin shipped beside the generated bindings (the Android module's main sources).
MAIN_SRC="$KOBAN_ROOT/android/koban/src/main/kotlin"
GENERATED="$BINDINGS_DIR/kotlin-jvm/io/koban/koban_ffi.kt"
CLASSES="$KOBAN_BUILD/kotlin-test-classes"
mapfile -t test_files < <(find "$TEST_SRC" -name '*.kt' | sort)
[ "${#test_files[@]}" -gt 0 ] || die "no Kotlin tests under $TEST_SRC"
main_files=()
[ -d "$MAIN_SRC" ] && mapfile -t main_files < <(find "$MAIN_SRC" -name '*.kt' | sort)

# kotlinc costs ~15 s of JVM start-up and compilation: skip it when neither the
# tests nor the generated bindings changed.
stamp="$(sha256sum "$GENERATED" "${main_files[@]}" "${test_files[@]}" | sha256sum)"
if [ ! -f "$CLASSES/.inputs" ] || [ "$(cat "$CLASSES/.inputs")" != "$stamp" ]; then
    rm -rf "$CLASSES"
    quietly "kotlinc" "$KOTLIN_HOME/bin/kotlinc-jvm" -nowarn -jvm-target 17 \
        -cp "$CLASSPATH_DEPS" -d "$CLASSES" "$GENERATED" "${main_files[@]}" "${test_files[@]}"
    echo "$stamp" >"$CLASSES/.inputs"
fi

# Test classes: every *Test.kt, named by its package and file name.
test_classes=()
for f in "${test_files[@]}"; do
    case "$f" in *Test.kt) ;; *) continue ;; esac
    rel="${f#"$TEST_SRC"/}"
    test_classes+=("$(echo "${rel%.kt}" | tr / .)")
done

expected_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$KOBAN_ROOT/Cargo.toml" | head -n1)"
log="$KOBAN_BUILD/kotlin-test.log"
set +e
# A fixed, small heap: the leak test reads the process RSS, which heap growth would blur.
java -Xms128m -Xmx128m -Djna.library.path="$FFI_LIB_DIR" -Dkoban.root="$KOBAN_ROOT" -Dkoban.expectedVersion="$expected_version" \
    -Dkoban.sandboxUrl="$KOBAN_SANDBOX_URL" \
    -cp "$CLASSES:$CLASSPATH_DEPS" org.junit.runner.JUnitCore "${test_classes[@]}" >"$log" 2>&1
rc=$?
set -e
stop_sandbox

if [ "$rc" -eq 0 ] && ran="$(sed -n 's/^OK (\([0-9]*\) tests\?)$/\1/p' "$log")" && [ -n "$ran" ]; then
    echo "kotlin: $ran passed, 0 failed"
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
