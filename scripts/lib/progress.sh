# Progress and locking for the long steps of a first run. Source it after common.sh.
#
# A cold run spends many minutes in steps that are quiet on purpose (`quietly` keeps their
# output for failures): installing toolchains, building the library in release mode. These
# helpers keep such a step quiet when it is quick and say every minute that it is still going
# when it is not, and keep two cold runs from installing into the same cache at once.

# with_progress LABEL CMD...: runs CMD in this shell; each minute it is still running
# (KOBAN_PROGRESS_EVERY seconds), a line on stderr says so. A warm run, done within the
# minute, prints nothing.
with_progress() {
    local label="$1"; shift
    local parent=$$ every="${KOBAN_PROGRESS_EVERY:-60}" start ticker rc=0
    start="$(date +%s)"
    # The ticker also stops by itself once the script is gone (a failing `quietly` exits the
    # whole script without returning here). Its stdout is stderr: a caller may capture stdout.
    (
        while sleep "$every"; do
            kill -0 "$parent" 2>/dev/null || exit 0
            elapsed=$(($(date +%s) - start))
            echo "==> $label: still running after $((elapsed / 60)) min $((elapsed % 60)) s" >&2
        done
    ) >&2 &
    ticker=$!
    "$@" || rc=$?
    kill "$ticker" 2>/dev/null || true
    wait "$ticker" 2>/dev/null || true
    return "$rc"
}

# install_lock / install_unlock: one toolchain installer at a time per cache. Two cold runs
# would otherwise download into the same cache and move directories under each other.
install_lock() {
    exec 8>"$KOBAN_CACHE/install.lock"
    if ! flock -n 8; then
        say "another run is installing into $KOBAN_CACHE; waiting for it to finish"
        flock 8
    fi
}

install_unlock() {
    flock -u 8
    exec 8>&-
}

# report_skips SUITE LOG: the tests of SUITE that said `*** SKIPPED: …` in LOG, one line
# each on stderr and in $KOBAN_SKIP_LOG (scripts/test.sh lists them all at the end); prints
# their number on stdout.
report_skips() {
    local suite="$1" log="$2" lines
    lines="$(sed -n 's/^\*\*\* SKIPPED: \(.*\) \*\*\*$/\1/p' "$log")"
    if [ -z "$lines" ]; then
        echo 0
        return
    fi
    while IFS= read -r line; do
        echo "$suite: skipped: $line" >&2
        [ -z "${KOBAN_SKIP_LOG:-}" ] || echo "$suite: $line" >>"$KOBAN_SKIP_LOG"
    done <<<"$lines"
    wc -l <<<"$lines" | tr -d ' '
}
