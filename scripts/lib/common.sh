# Shared helpers for Koban's scripts. Source it; do not run it.
#
# Conventions: quiet on success, loud on failure. Every noisy step goes through
# `quietly`, which keeps the output in a log and prints it only if the step fails.

set -euo pipefail

KOBAN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KOBAN_CACHE="${KOBAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/koban}"
mkdir -p "$KOBAN_CACHE"

# Tool versions, pinned so every machine and CI run gets the same toolchain.
KOTLIN_VERSION="2.4.20"
SWIFT_SUITE="trixie"

die() { echo "error: $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }

# quietly DESCRIPTION CMD...: run CMD with output captured; on failure show it and exit.
quietly() {
    local what="$1"; shift
    local log
    log="$(mktemp "${TMPDIR:-/tmp}/koban-step.XXXXXX")"
    if "$@" >"$log" 2>&1; then
        rm -f "$log"
    else
        local rc=$?
        echo "error: $what failed (exit $rc): $*" >&2
        echo "----- output -----" >&2
        tail -n 200 "$log" >&2
        echo "------------------ (full log: $log)" >&2
        exit "$rc"
    fi
}

need_root() { [ "$(id -u)" -eq 0 ] || die "$1 needs root (apt-get, debootstrap, mount, chroot)"; }

# apt_install PKG...: install Debian packages that are missing, refreshing the
# package lists first (once per process) because fresh machines have none.
APT_UPDATED=0
apt_install() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    need_root "installing ${missing[*]}"
    # Other sessions may hold the dpkg lock; wait for it instead of failing.
    local apt_opts=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
    if [ "$APT_UPDATED" -eq 0 ]; then
        quietly "apt-get update" apt-get "${apt_opts[@]}" update
        APT_UPDATED=1
    fi
    quietly "apt-get install ${missing[*]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"
}

# need_python3: the release-metadata and bindings-patch scripts are Python (standard library
# only); a minimal Debian has no Python.
need_python3() { command -v python3 >/dev/null || apt_install python3; }

# debian_mirror: the Debian archive URI this machine's apt already uses
# (never hard-coded, so mirrors and proxies set up for the machine keep working).
debian_mirror() {
    local uri=""
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        # The first stanza whose URIs is the main archive (not debian-security).
        uri="$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
            /etc/apt/sources.list.d/debian.sources)"
    fi
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
        uri="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($i !~ /security/) { print $i; exit } break } }' \
            /etc/apt/sources.list)"
    fi
    [ -n "$uri" ] || die "cannot find the Debian mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
    echo "$uri"
}
