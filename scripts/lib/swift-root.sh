# Runs commands in the Debian trixie root that holds the Swift toolchain. Source it
# after common.sh; needs SWIFT_ROOT (from scripts/install-swift.sh).
#
# The project is bind-mounted at /work/koban inside the root. /proc and /dev are
# mounted too: without /proc the Swift compiler dies with "Illegal instruction".
# Everything is unmounted on exit, even on failure or Ctrl-C.

SWIFT_ROOT_MOUNTS=()

swift_root_unmount() {
    local i
    for ((i = ${#SWIFT_ROOT_MOUNTS[@]} - 1; i >= 0; i--)); do
        umount "${SWIFT_ROOT_MOUNTS[$i]}" 2>/dev/null || umount -l "${SWIFT_ROOT_MOUNTS[$i]}" \
            || echo "warning: could not unmount ${SWIFT_ROOT_MOUNTS[$i]}" >&2
    done
    SWIFT_ROOT_MOUNTS=()
}

swift_root_mount() {
    local target="$1"; shift
    # A run killed with SIGKILL may have left this mounted; take it down first.
    if mountpoint -q "$target"; then umount -l "$target"; fi
    mount "$@" "$target" || die "mount $* $target failed"
    SWIFT_ROOT_MOUNTS+=("$target")
}

# swift_root_enter: mount everything; unmounted by the EXIT trap.
swift_root_enter() {
    need_root "running Swift in the $SWIFT_SUITE root"
    # One user of the root at a time: two runs would unmount each other's /proc.
    exec 9>"$SWIFT_ROOT.lock"
    flock 9
    trap swift_root_unmount EXIT
    trap 'exit 130' INT TERM
    mkdir -p "$SWIFT_ROOT/work/koban"
    swift_root_mount "$SWIFT_ROOT/proc" -t proc proc
    swift_root_mount "$SWIFT_ROOT/dev" --bind /dev
    swift_root_mount "$SWIFT_ROOT/work/koban" --bind "$KOBAN_ROOT"
    # The shared corpus, read where it lies (../shared beside the repository), read-only.
    if [ -d "$KOBAN_ROOT/../shared/corpus" ]; then
        mkdir -p "$SWIFT_ROOT/work/shared/corpus"
        swift_root_mount "$SWIFT_ROOT/work/shared/corpus" --bind -o ro "$KOBAN_ROOT/../shared/corpus"
    fi
}

# in_swift_root SCRIPT: run a bash script inside the root, from /work/koban, with the
# Swift toolchain and build/lib on the library path.
in_swift_root() {
    chroot "$SWIFT_ROOT" /usr/bin/env -i \
        HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/libexec/swift/bin:/usr/local/bin:/usr/bin:/bin \
        LD_LIBRARY_PATH=/usr/libexec/swift/lib/swift/linux:/usr/libexec/swift/lib/swift/host:/work/koban/build/lib \
        KOBAN_EXPECTED_VERSION="${KOBAN_EXPECTED_VERSION:-}" \
        KOBAN_SANDBOX_URL="${KOBAN_SANDBOX_URL:-}" \
        /bin/bash -euo pipefail -c "cd /work/koban && $1"
}
