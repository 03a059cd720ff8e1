# Starts the sandbox wallet host on loopback for a Kotlin or Swift suite. Source it after
# common.sh and bindings.sh.
#
#   start_sandbox   builds koban-sandbox (release), runs it with --admin on 127.0.0.1 with a
#                   free port and exports KOBAN_SANDBOX_URL, and KOBAN_PARTNERS_URL: the partner
#                   networks (Alipay+, WeChat Pay, UnionPay) the host started beside itself,
#                   where tests issue tourists' codes; the EXIT trap stops it.
#   stop_sandbox    checks the host's ledger invariants, then stops it (fails on a broken ledger).

SANDBOX_PID=""

start_sandbox() {
    local target log
    target="$(cargo_target_dir)"
    quietly "building koban-sandbox" cargo build --release --locked -p koban-sandbox
    log="$KOBAN_BUILD/sandbox.log"
    mkdir -p "$KOBAN_BUILD"
    # Its first stdout line is the URL, the second `partners <url>`; the rest of its output
    # goes to the log.
    coproc SANDBOX { exec "$target/release/koban-sandbox" --admin 2>"$log"; }
    SANDBOX_PID=$SANDBOX_PID
    local url="" partners=""
    # 30 s: the host opens and seeds a fresh SQLite database first.
    read -r -t 30 url <&"${SANDBOX[0]}" || true
    case "$url" in
        http://127.0.0.1:*) ;;
        *) kill "$SANDBOX_PID" 2>/dev/null || true; cat "$log" >&2; die "koban-sandbox did not print its URL (got '$url')" ;;
    esac
    # Printed right after the URL: the networks start before the host.
    read -r -t 10 partners <&"${SANDBOX[0]}" || true
    case "$partners" in
        "partners http://127.0.0.1:"*) ;;
        *) kill "$SANDBOX_PID" 2>/dev/null || true; cat "$log" >&2; die "koban-sandbox did not print its partner networks' URL (got '$partners')" ;;
    esac
    export KOBAN_SANDBOX_URL="$url"
    export KOBAN_PARTNERS_URL="${partners#partners }"
    trap 'stop_sandbox_quietly' EXIT
}

# Ledger check over HTTP (no curl on fresh machines: bash's /dev/tcp is enough for one GET).
sandbox_invariants_ok() {
    local hostport="${KOBAN_SANDBOX_URL#http://}" host port reply
    host="${hostport%:*}"; port="${hostport##*:}"; port="${port%%/*}"
    exec 8<>"/dev/tcp/$host/$port" || return 1
    printf 'GET /admin/invariants HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$hostport" >&8
    reply="$(cat <&8)"
    exec 8<&-
    case "$reply" in
        "HTTP/1.1 200"*'"ok":true'*) return 0 ;;
        *) echo "$reply" >&2; return 1 ;;
    esac
}

stop_sandbox_quietly() {
    [ -n "$SANDBOX_PID" ] || return 0
    kill "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
    SANDBOX_PID=""
}

stop_sandbox() {
    [ -n "$SANDBOX_PID" ] || return 0
    local ok=0
    sandbox_invariants_ok || ok=1
    stop_sandbox_quietly
    [ "$ok" -eq 0 ] || die "the sandbox host's ledger invariants are violated after the suite"
}
