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
# host_answer: one instance of each answer type, made from the host's OpenAPI document (every
# property, first enum value, a placeholder per scalar), behind the byte that picks its type in
# fuzz_targets/host_answer.rs (same order).
mkdir -p corpus/host_answer
python3 - <<'PY'
import hashlib, json
schemas = json.load(open("../sandbox/openapi.json"))["components"]["schemas"]
answers = ["Events", "Charge", "Payment", "Transfer", "Remittance", "TopUp", "Withdrawal", "Provisioned",
           "Wallet", "Enrolment", "PriceList", "MoneyRequest", "Split", "MerchantCodeInfo", "Refund",
           "Settlement", "RequestOutcome"]
# Scalars whose type alone says too little to read.
known = {"currency": "JPY", "country": "JP"}
def instance(s, depth=0, key=None):
    if depth > 12:
        return None
    if key in known:
        return known[key]
    if "$ref" in s:
        return instance(schemas[s["$ref"].split("/")[-1]], depth + 1)
    for key in ("oneOf", "anyOf", "allOf"):
        if key in s:
            return instance(s[key][0], depth + 1)
    if "enum" in s:
        return s["enum"][0]
    t = s.get("type", "object")
    t = next((x for x in t if x != "null"), "null") if isinstance(t, list) else t
    if t == "object":
        return {k: instance(v, depth + 1, k) for k, v in s.get("properties", {}).items()}
    if t == "array":
        return [instance(s.get("items", {}), depth + 1)]
    return {"string": "x1", "integer": 1, "number": 1, "boolean": True}.get(t)
for i, name in enumerate(answers):
    body = bytes([i]) + json.dumps(instance(schemas[name])).encode()
    open(f"corpus/host_answer/{hashlib.sha1(body).hexdigest()}", "wb").write(body)
PY
for t in ${TARGETS:-emv_tlv uri detect cpm token_code scan_luma platform_key host_answer}; do
  echo "== $t: $RUNS runs"
  max_len=1024
  [ "$t" = host_answer ] && max_len=8192  # whole answers, not payloads
  cargo fuzz run -O "$t" -- -runs="$RUNS" -max_len="$max_len" 2>&1 | grep -E "^Done|ERROR|panicked|SUMMARY" || true
done
