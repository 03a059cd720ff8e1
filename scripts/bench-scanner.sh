#!/usr/bin/env bash
# The Scanner's call overhead (issue: Kotlin and Swift may cost at most 10% more than Rust on
# a 1080p frame). Builds everything, writes the frames once, then runs the Rust, C-ABI, Kotlin
# and Swift benchmarks in alternating rounds and prints one table: median and p90 per call,
# with and without a code, and each language's ratio to Rust. Figures only, nothing asserted.
#
#   scripts/bench-scanner.sh            KOBAN_BENCH_ROUNDS (3), _WARMUP (40), _ITERS (200) tune it
#
# Every row comes twice: as glibc's malloc leaves each process, and `+pinned`, every process
# (Rust's too) with malloc's thresholds fixed, so that no process pays for page faults that
# another one's allocation history spares it (see PINNED below). `+pinned` rows are compared
# with `rust+pinned`.
#
# What each row calls, all on the same frame files (build/bench/*.luma, written by the Rust bench):
#   rust              koban_ffi::Scanner::scan_frame, the Rust API, no FFI (bindings/benches/scanner.rs)
#   c-abi             the exported C symbols of build/lib/libkoban_ffi.so, as the bindings call them
#                     but with no binding language: tells the library build's own cost from the bindings'
#   kotlin            Scanner.scanFrame(ByteBuffer) from a direct buffer, as CameraX hands the Y plane
#                     over: Rust borrows its memory, no copy (ScannerFrames.kt over the generated
#                     scanFrameDirect), JVM and JNA
#   kotlin-heapbuf    the same from ByteBuffer.wrap(ByteArray): copied once into native memory (JNA Memory, freed after the call)
#   kotlin-bytearray  Scanner.scanFrame(ByteArray): the same copy, from the array
#   swift             Scanner.scanFrame(luma: UnsafeRawBufferPointer), as an app has a CVPixelBuffer's
#                     plane (Scanner+Frames.swift): Rust borrows it, no copy; release build
#   swift-data        the generated Scanner.scanFrame(luma: Data): Rust borrows Data's bytes, no copy
# Kotlin, Swift and c-abi load one library: build/lib/libkoban_ffi.so, the release build with
# `test-hooks` that the test suites use (scripts/lib/bindings.sh); the Rust bench is the same
# crate, features and profile (cargo's `bench` profile inherits `release`), linked statically.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$KOBAN_ROOT/scripts/lib/bindings.sh"
source "$KOBAN_ROOT/scripts/lib/swift-root.sh"

ROUNDS="${KOBAN_BENCH_ROUNDS:-3}"
WARMUP="${KOBAN_BENCH_WARMUP:-40}"
ITERS="${KOBAN_BENCH_ITERS:-200}"
BENCH_DIR="$KOBAN_ROOT/build/bench"
# Inside the Swift root the project is mounted at /work/koban.
ROOT_BENCH_DIR="/work/koban/build/bench"

eval "$("$KOBAN_ROOT/scripts/install-kotlin.sh")"
eval "$("$KOBAN_ROOT/scripts/install-swift.sh")"
build_ffi_and_bindings
mkdir -p "$BENCH_DIR"

# Rust: the bench binary (its path from cargo's JSON messages), which also writes the frames.
cd "$KOBAN_ROOT"
rust_json="$(mktemp "${TMPDIR:-/tmp}/koban-bench.XXXXXX")"
quietly "building the Rust scanner bench" \
    sh -c 'cargo bench --locked -p koban-ffi --features test-hooks --bench scanner --no-run --message-format=json >"$1"' _ "$rust_json"
rust_bench="$(grep -o '"executable":"[^"]*scanner-[^"]*"' "$rust_json" | tail -n1 | cut -d'"' -f4)"
rm -f "$rust_json"
[ -x "$rust_bench" ] || die "cargo did not report the scanner bench executable"
# Deterministic, so rewriting is harmless; it also says loudly when the corpus is absent.
"$rust_bench" write-frames "$BENCH_DIR" 2> >(grep -v '^note:' >&2)

# C ABI: a few lines of C against the library's exported symbols.
cabi="$KOBAN_BUILD/bench/scanner-c-abi"
if [ ! -x "$cabi" ] || [ "$KOBAN_ROOT/bindings/benches/scanner_c_abi.c" -nt "$cabi" ]; then
    quietly "compiling the C-ABI scanner bench" cc -O2 -o "$cabi" "$KOBAN_ROOT/bindings/benches/scanner_c_abi.c" \
        -L"$FFI_LIB_DIR" -lkoban_ffi -Wl,-rpath,"$FFI_LIB_DIR"
fi

# Kotlin: the generated JVM bindings, the hand-written ScannerFrames.kt and the bench in one kotlinc
# module (the breakdown reads their internals); its own class dir, skipped when nothing changed.
JAVA_SHARE=/usr/share/java
KOTLIN_CP="$JAVA_SHARE/jna.jar:$KOTLIN_HOME/lib/kotlin-stdlib.jar:$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar"
KOTLIN_SRC="$KOBAN_ROOT/android/koban/src/bench/kotlin/io/koban/bench/ScannerBench.kt"
GENERATED="$BINDINGS_DIR/kotlin-jvm/io/koban/koban_ffi.kt"
FRAMES_SRC="$KOBAN_ROOT/android/koban/src/main/kotlin/io/koban/ScannerFrames.kt"
CLASSES="$KOBAN_BUILD/kotlin-bench-classes"
stamp="$(sha256sum "$GENERATED" "$FRAMES_SRC" "$KOTLIN_SRC" | sha256sum)"
if [ ! -f "$CLASSES/.inputs" ] || [ "$(cat "$CLASSES/.inputs")" != "$stamp" ]; then
    rm -rf "$CLASSES"
    quietly "kotlinc (scanner bench)" "$KOTLIN_HOME/bin/kotlinc-jvm" -nowarn -jvm-target 17 \
        -cp "$KOTLIN_CP" -d "$CLASSES" "$GENERATED" "$FRAMES_SRC" "$KOTLIN_SRC"
    echo "$stamp" >"$CLASSES/.inputs"
fi

# Swift: the generated files into the Koban package (as scripts/test-swift.sh does, only when
# changed), then the bench package in release mode with its own scratch path.
copy_if_changed() { cmp -s "$1" "$2" || { mkdir -p "$(dirname "$2")"; cp "$1" "$2"; }; }
copy_if_changed "$BINDINGS_DIR/swift/KobanFFI.h" "$KOBAN_ROOT/ios/Sources/KobanFFI/KobanFFI.h"
copy_if_changed "$BINDINGS_DIR/swift/Koban.swift" "$KOBAN_ROOT/ios/Sources/Koban/Generated/Koban.swift"
swift_root_enter
SWIFT_SCRATCH=/work/koban/build/swift-bench
# SwiftPM keeps its build plan while the bench package itself is unchanged, so a file added to
# the Koban package would be left out of the build: plan again every time (compiling stays incremental).
rm -f "$KOBAN_BUILD/swift-bench/release/description.json"
quietly "swift build -c release (ios/Bench)" \
    in_swift_root "cd ios/Bench && swift build -c release --product ScannerBench --scratch-path $SWIFT_SCRATCH"

results="$KOBAN_BUILD/bench/results.txt"
: >"$results"
# glibc's malloc moves its mmap and trim thresholds with what a process has allocated and freed
# so far, so the same calls can cost page faults in one process and none in another. When the
# Scanner still allocated a fresh half-frame plane per frame, glibc gave the pages back after
# every call in the Swift bench and the next call faulted ~170 in again (perf stat: 90,000 faults
# against 6,600 since the Scanner keeps its plane; ~0.6 ms a call in this VM), while the Rust
# bench, whose history differed, paid nothing. That is allocation, not the bindings, so every
# language also runs `+pinned`: both thresholds fixed at 256 MB in every process, Rust's
# included. Rows that differ between the two passes point at per-call allocation again.
PINNED="GLIBC_TUNABLES=glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=268435456"
# One round of every language; `+pinned` as the second argument tags its rows and pins malloc.
run_round() {
    local round="$1" mode="${2:-}" alloc=()
    [ -z "$mode" ] || alloc=("$PINNED")
    {
        env "${alloc[@]}" KOBAN_BENCH_WARMUP="$WARMUP" KOBAN_BENCH_ITERS="$ITERS" "$rust_bench" measure "$BENCH_DIR" 2>/dev/null \
            || die "the Rust scanner bench failed (round $round$mode)"
        env "${alloc[@]}" "$cabi" "$BENCH_DIR" "$WARMUP" "$ITERS" || die "the C-ABI scanner bench failed (round $round$mode)"
        env "${alloc[@]}" java -Djna.library.path="$FFI_LIB_DIR" -cp "$CLASSES:$KOTLIN_CP" io.koban.bench.ScannerBenchKt \
            "$BENCH_DIR" "$WARMUP" "$ITERS" || die "the Kotlin scanner bench failed (round $round$mode)"
        in_swift_root "${alloc[*]} $SWIFT_SCRATCH/release/ScannerBench $ROOT_BENCH_DIR $WARMUP $ITERS" \
            || die "the Swift scanner bench failed (round $round$mode)"
    } | sed "s/^result /result round=$round /; s/ lang=\([^ ]*\)/ lang=\1$mode/" >>"$results"   # pipefail: a failed bench stops the run
}
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
# Alternating rounds, so a burst of load from elsewhere lands on every language alike.
for ((round = 1; round <= ROUNDS; round++)); do
    run_round "$round"
    run_round "$round" +pinned
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
swift_root_unmount
trap - EXIT

echo "Scanner.scanFrame, 1920x1080 luma, $ROUNDS rounds x $ITERS calls after $WARMUP warm-up calls per language and frame"
echo "frame with a code: $(sed -n 's/^source=//p' "$BENCH_DIR/frame-1080p.meta"); without: $(sed -n 's/^source=//p' "$BENCH_DIR/frame-1080p-nocode.meta")"
echo "library: $FFI_LIB_DIR/libkoban_ffi.so (release, test-hooks); load average before $load_before, after $load_after (nproc $(nproc))"
echo "+pinned: every process with $PINNED; compared with rust+pinned"
# Per language and frame: the median over rounds of each round's median and p90 (robust to a
# round disturbed by other work on the machine), their ratios against Rust's, and the paired
# ratio: each round's median over Rust's median in the same round, then the median of those.
# The paired figure is the one to read on a shared machine, whose speed drifts between rounds
# far more than within one (the rounds alternate languages, so the drift cancels in the pair).
awk '
    function med(list,   a, n, i, j, t) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return a[int((n + 1) / 2)]
    }
    function field(k,   i) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2); return "" }
    $1 == "result" {
        key = field("lang") SUBSEP field("frame")
        m[key] = m[key] " " field("median_ms"); p[key] = p[key] " " field("p90_ms"); found[key] = field("found")
        rm1[key, field("round")] = field("median_ms"); if (field("round") + 0 > nr) nr = field("round") + 0
        if (!(field("frame") in seen)) { seen[field("frame")] = 1; frames[++nf] = field("frame") }
        # Rows in the order the benchmarks print them: rust, c-abi, kotlin…, swift…, then the +pinned rows.
        if (!(field("lang") in seenlang)) { seenlang[field("lang")] = 1; langs[++nl] = field("lang") }
    }
    END {
        printf "%-20s %-23s %10s %10s %12s %12s %12s %9s\n", "frame", "lang", "median ms", "p90 ms", "median/rust", "p90/rust", "paired", "found"
        for (f = 1; f <= nf; f++) for (l = 1; l <= nl; l++) {
            key = langs[l] SUBSEP frames[f]
            if (!(key in m)) continue
            base = (langs[l] ~ /[+]pinned$/ ? "rust+pinned" : "rust") SUBSEP frames[f]
            rm = med(m[base]); rp = med(p[base])
            pairs = ""
            for (r = 1; r <= nr; r++)
                if ((key, r) in rm1 && (base, r) in rm1) pairs = pairs " " rm1[key, r] / rm1[base, r]
            printf "%-20s %-23s %10.3f %10.3f %11.1f%% %11.1f%% %11.1f%% %9s\n", frames[f], langs[l], med(m[key]), med(p[key]), 100 * med(m[key]) / rm, 100 * med(p[key]) / rp, 100 * med(pairs), found[key]
        }
    }
' "$results"
