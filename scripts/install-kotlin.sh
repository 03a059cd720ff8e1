#!/usr/bin/env bash
# Installs what the Kotlin tests need, idempotently:
#   - kotlinc, from the npm package `kotlin-compiler` (the full distribution, no Maven/Gradle needed),
#     cached under ~/.cache/koban/kotlin-<version>;
#   - JNA, JUnit 4 and hamcrest from Debian (libjna-java, junit4), plus a JVM if missing.
# Prints `KOTLIN_HOME=...` on stdout so callers can `eval` it; everything else goes to stderr.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

install_kotlinc() {
    local home="$KOBAN_CACHE/kotlin-$KOTLIN_VERSION"
    [ -f "$home/.installed" ] && { echo "$home"; return; }
    command -v npm >/dev/null || apt_install npm
    # Leftovers of an interrupted download.
    rm -rf "$KOBAN_CACHE"/kotlin-download.*
    local tmp
    tmp="$(mktemp -d "$KOBAN_CACHE/kotlin-download.XXXXXX")"
    # npm verifies the tarball's integrity against the registry's metadata.
    quietly "npm pack kotlin-compiler@$KOTLIN_VERSION" \
        npm pack --silent --pack-destination "$tmp" "kotlin-compiler@$KOTLIN_VERSION"
    quietly "unpacking kotlin-compiler" tar -xzf "$tmp"/kotlin-compiler-*.tgz -C "$tmp"
    rm -f "$tmp"/kotlin-compiler-*.tgz
    [ -x "$tmp/package/bin/kotlinc-jvm" ] || die "kotlin-compiler@$KOTLIN_VERSION has no bin/kotlinc-jvm"
    rm -rf "$home"
    mv "$tmp/package" "$home"
    rmdir "$tmp"
    touch "$home/.installed"
    echo "$home"
}

# The Debian jars (apt_install skips what is already there), and a JVM if there is none.
pkgs=(libjna-java junit4)
command -v java >/dev/null || pkgs+=(default-jre-headless)
apt_install "${pkgs[@]}"
for jar in jna.jar junit4.jar hamcrest-core.jar; do
    [ -f "/usr/share/java/$jar" ] || die "/usr/share/java/$jar missing after installing libjna-java junit4"
done

KOTLIN_HOME="$(install_kotlinc)"
for jar in kotlin-stdlib.jar kotlinx-coroutines-core-jvm.jar; do
    [ -f "$KOTLIN_HOME/lib/$jar" ] || die "$KOTLIN_HOME/lib/$jar missing from kotlin-compiler@$KOTLIN_VERSION"
done
echo "KOTLIN_HOME=$KOTLIN_HOME"
