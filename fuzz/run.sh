#!/usr/bin/env bash
# Runs every fuzz target for RUNS executions (default 10 million), seeded from the shared
# corpus's payloads where it lies. Not part of CI. Needs cargo-fuzz; the stable toolchain
# works with RUSTC_BOOTSTRAP=1 for the sanitizer flags.
set -euo pipefail
cd "$(dirname "$0")"
RUNS=${RUNS:-10000000}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
if [ -f ../../shared/corpus/payloads.jsonl ]; then
  for t in emv_tlv uri detect; do
    mkdir -p "corpus/$t"
    python3 - "$t" <<'PY'
import json, sys, hashlib
t = sys.argv[1]
for line in open("../../shared/corpus/payloads.jsonl"):
    p = json.loads(line)["payload"].encode()
    if t == "uri":
        p = b"\x00" + p
    open(f"corpus/{t}/{hashlib.sha1(p).hexdigest()}", "wb").write(p)
PY
  done
else
  echo "*** ../shared/corpus absent: fuzzing from empty seeds ***" >&2
fi
for t in ${TARGETS:-emv_tlv uri detect cpm token_code scan_luma platform_key}; do
  echo "== $t: $RUNS runs"
  cargo fuzz run -O "$t" -- -runs="$RUNS" -max_len=1024 2>&1 | grep -E "^Done|ERROR|panicked|SUMMARY" || true
done
