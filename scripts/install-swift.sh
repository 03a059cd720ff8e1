#!/usr/bin/env bash
# Installs a Swift toolchain for the Linux Swift tests, idempotently.
#
# Debian trixie ships `swiftlang` (Swift 6); bookworm cannot install it, so we build a
# trixie root beside the system with debootstrap and run Swift in a chroot
# (see scripts/lib/swift-root.sh). Cached as ~/.cache/koban/swift-root-trixie (~3 GB).
# Prints `SWIFT_ROOT=...` on stdout; everything else goes to stderr.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

SWIFT_ROOT="$KOBAN_CACHE/swift-root-$SWIFT_SUITE"
if [ ! -f "$SWIFT_ROOT/.koban-installed" ]; then
    need_root "building the Swift root"
    apt_install debootstrap
    mirror="$(debian_mirror)"
    tmp="$SWIFT_ROOT.partial"
    # A partial root from an interrupted run may still have debootstrap's /proc mounted;
    # unmount it and never let rm cross into another file system.
    for m in proc sys dev/pts dev; do
        mountpoint -q "$tmp/$m" 2>/dev/null && umount -l "$tmp/$m"
    done
    rm -rf --one-file-system "$tmp"
    say "building a Debian $SWIFT_SUITE root with swiftlang (first run only, a few minutes)"
    quietly "debootstrap $SWIFT_SUITE from $mirror" \
        debootstrap --variant=minbase --include=swiftlang,libc6-dev "$SWIFT_SUITE" "$tmp" "$mirror"
    [ -x "$tmp/usr/libexec/swift/bin/swift" ] || die "the $SWIFT_SUITE root has no /usr/libexec/swift/bin/swift"
    mkdir -p "$tmp/work/koban"
    touch "$tmp/.koban-installed"
    mv "$tmp" "$SWIFT_ROOT"
fi
echo "SWIFT_ROOT=$SWIFT_ROOT"
