#!/usr/bin/env python3
"""Writes cpm.json: known-answer vectors for Koban consumer-presented codes.

An independent implementation (Python's hmac/hashlib and a hand-written BER encoder) of
the layouts documented in core/src/crypto/cryptogram.rs and core/src/cpm/token.rs, so the
Rust, Kotlin and Swift tests check against values the code under test did not produce.
Run it again only when a layout changes on purpose.
"""
import base64, hashlib, hmac, json, datetime

def tlv(tag, value):
    t = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    n = len(value)
    ln = bytes([n]) if n < 0x80 else bytes([0x81, n])
    return t + ln + value

def bcd(digits):
    if len(digits) % 2:
        digits += "F"
    return bytes.fromhex(digits)

def luk(master, token, counter):
    msg = b"KOBAN-LUK1" + bytes([len(token)]) + token.encode() + counter.to_bytes(2, "big")
    return hmac.new(master, msg, hashlib.sha256).digest()

def cryptogram(key, token, counter, ts, un):
    msg = b"KOBAN-CPM1" + bytes([len(token)]) + token.encode() + counter.to_bytes(2, "big") + ts.to_bytes(8, "big") + un
    return hmac.new(key, msg, hashlib.sha256).digest()[:8]

def payload(token, counter, ts, un, crypt):
    exp = datetime.datetime.fromtimestamp(ts + 60, datetime.timezone.utc)
    inner = tlv(0x9F26, crypt) + tlv(0x9F27, b"\x80") + tlv(0x9F36, counter.to_bytes(2, "big")) + tlv(0x9F37, un) + tlv(0x9F10, b"\x01" + ts.to_bytes(8, "big"))
    app = tlv(0x4F, bytes.fromhex("F04B4F42414E01")) + tlv(0x50, b"KOBAN") + tlv(0x5A, bcd(token)) + tlv(0x5F24, bytes.fromhex(exp.strftime("%y%m%d"))) + tlv(0x63, inner)
    return tlv(0x85, b"CPV01") + tlv(0x61, app)

cases = [
    ("first code of a batch", bytes(range(32)), "4900000000000001", 1, 1795500000, bytes.fromhex("01020304")),
    ("counter near the top, late-night expiry date", bytes([0xA5] * 32), "4987654321098765", 65000, 1795564790, bytes.fromhex("DEADBEEF")),
    ("numeric form (zero unpredictable number)", hashlib.sha256(b"koban").digest(), "4911112222333344", 777, 1795500123, bytes(4)),
]
out = []
for name, master, token, counter, ts, un in cases:
    k = luk(master, token, counter)
    c = cryptogram(k, token, counter, ts, un)
    p = payload(token, counter, ts, un, c)
    out.append({
        "name": name,
        "master_key_hex": master.hex().upper(),
        "token": token,
        "counter": counter,
        "timestamp": ts,
        "unpredictable_number_hex": un.hex().upper(),
        "limited_use_key_hex": k.hex().upper(),
        "cryptogram_hex": c.hex().upper(),
        "payload_hex": p.hex().upper(),
        "qr_text": base64.b64encode(p).decode(),
        # The numeric form exists only for codes made with a zero unpredictable number.
        "numeric": ("88" + token + "%05d" % counter + "%03d" % (ts % 1000) + "%010d" % int.from_bytes(c[:4], "big")) if un == bytes(4) else None,
    })
with open(__file__.replace("make_cpm_vectors.py", "cpm.json"), "w") as f:
    json.dump({"about": "Koban consumer-presented code known answers; made by make_cpm_vectors.py", "vectors": out}, f, indent=2)
    f.write("\n")
