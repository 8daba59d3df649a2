#!/usr/bin/env python3
"""Writes fuzz/seeds/<target>/: a few valid (and a few nearly valid) inputs per fuzz target,
taken from the shared vectors in tests/vectors/, in each target's input layout (see
src/lib.rs). Without them the targets parsed almost nothing and their asserts never ran
(issue 19). The seed directories are committed; run this again after the vectors change.

libFuzzer only reads seed directories: new inputs go to fuzz/corpus/<target>/ (ignored by
git), so the seeds stay exactly what this script writes.
"""
import base64
import hashlib
import hmac
import json
import pathlib
import shutil
import struct

HERE = pathlib.Path(__file__).parent
VECTORS = HERE.parent / "tests" / "vectors"
OUT = HERE / "seeds"


def vectors(name):
    return json.loads((VECTORS / name).read_text())


def le64(n):
    return struct.pack("<Q", n)


def utf8(s):
    return s.encode("utf-8")


seeds: dict[str, list[bytes]] = {}


def add(target, data):
    seeds.setdefault(target, [])
    if data not in seeds[target]:
        seeds[target].append(data)


# uri: every URI of uri.json, parsed or built, valid or not (the long ones reach MAX_URI_LEN).
doc = vectors("uri.json")
for case in doc["parse"] + doc["build"]:
    add("uri", utf8(case["uri"]))

# base32: every input of base32.json.
for case in vectors("base32.json")["cases"]:
    add("base32", utf8(case["input"]))

# code_input: 8-byte time, behind, ahead (+0x80: after_step), digits/period byte
# (digits = 6 + b % 5, period = 1 + b // 5), algorithm byte, then the typed code, against the
# RFC secret. RFC 6238 Appendix B SHA1 codes, RFC 4226 Appendix D codes (counter = time), and
# codes computed here for SHA256/SHA512 with the same secret.
RFC_SECRET = b"12345678901234567890"
for case in vectors("totp.json")["cases"]:
    if case["secret_hex"] == RFC_SECRET.hex() and case["period"] == 30 and case["t0"] == 0:
        b = 29 * 5 + (case["digits"] - 6)
        add("code_input", le64(case["time"]) + bytes([1, 1, b, 0]) + utf8(case["code"]))
for case in vectors("hotp.json")["cases"]:
    add("code_input", le64(case["counter"]) + bytes([3, 0x82, 29 * 5, 0]) + utf8(case["code"]))


def totp(key, t, digits, alg, period=30):
    mac = hmac.new(key, struct.pack(">Q", t // period), getattr(hashlib, alg)).digest()
    off = mac[-1] & 0x0F
    return str((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 10**digits).zfill(digits)


for i, alg in enumerate(["sha1", "sha256", "sha512"]):
    t = 1_700_000_000 + 97 * i
    add("code_input", le64(t) + bytes([2, 2, 29 * 5 + 4, i]) + utf8(totp(RFC_SECRET, t, 10, alg)))
    code = totp(RFC_SECRET, t, 6, alg, 50)
    add("code_input", le64(t) + bytes([0, 0, 49 * 5, i]) + utf8(code[:3] + " " + code[3:]))

# recovery_stored: every stored set of recovery.json, before and after, and the malformed ones.
# recovery_check: stored set, newline, typed code.
for case in vectors("recovery.json")["cases"]:
    if case["kind"] in ("check", "parse"):
        add("recovery_stored", utf8(case["stored"]))
    if case["kind"] == "check":
        add("recovery_stored", utf8(case["stored_after"]))
        add("recovery_check", utf8(case["stored"] + "\n" + case["input"]))

# sealed: sealed value, newline, associated data (the target's keyring holds sealed.json's
# keys k1 and k2-2025, k2-2025 current).
for case in vectors("sealed.json")["cases"]:
    add("sealed", utf8(case["sealed"] + "\n" + case["associated_data"]))

# sealing_key: sealed.json's keys in base64url, standard base64 with padding, and spaced.
for case in vectors("sealed.json")["cases"]:
    for key in case["keys"]:
        raw = bytes.fromhex(key["key_hex"])
        add("sealing_key", base64.urlsafe_b64encode(raw).rstrip(b"="))
        add("sealing_key", base64.b64encode(raw))
        add("sealing_key", b"  " + base64.urlsafe_b64encode(raw) + b"\n")
add("sealing_key", base64.b64encode(bytes(range(0xe0, 0x100))))  # `+` and `/` in it
add("sealing_key", base64.urlsafe_b64encode(bytes(31)).rstrip(b"="))  # 31 bytes: refused

# masking: the number of visible digits (0: mask_phone's 2), then the contact.
for case in vectors("masking.json")["cases"]:
    add("masking", bytes([case.get("visible", 0) if case["kind"] == "phone" else 0]) + utf8(case["input"]))

# level_names: MfaLevel, Algorithm and OperationClass names, canonical and tolerated spellings.
for name in ["none", "optional", "required", "admin_only", "Admin-Only", " REQUIRED ", "SHA1", "sha256",
             "SHA-512", "sha-1", "sign_in", "password_change", "disable_mfa", "payment", "export_data"]:
    add("level_names", utf8(name))

# rate_limit: the rates of limiter.json, other spellings, the fuzz regressions, and binary
# (limit u32 LE, period_secs u64 LE) rates for the Display -> parse direction.
for case in vectors("limiter.json")["cases"]:
    if case.get("rate"):
        add("rate_limit", utf8(case["rate"]))
for text in ["10/90s", "2/h", "1/1d", "1000/366d", " 5 / 15m ", "7/3600s"]:
    add("rate_limit", utf8(text))
for case in vectors("fuzz_regressions.json")["cases"]:
    if case["kind"] == "rate_limit":
        add("rate_limit", utf8(case["input"]))
for limit, period in [(5, 900), (2, 3600), (10, 90), (1000, 366 * 86400), (3, 86400)]:
    add("rate_limit", struct.pack("<IQ", limit, period))

# challenge_state: 8-byte time, stored challenge, newline, typed code (the target's key is
# challenge.json's; the right code is 042137).
for case in vectors("challenge.json")["cases"]:
    add("challenge_state", le64(case["now"]) + utf8(case["stored"] + "\n" + case["input"]))
    add("challenge_state", le64(case["now"]) + utf8(case["stored_after"] + "\n" + case["input"]))

# limiter_state: 8-byte time, then a stored attempt or rate state from limiter.json.
for case in vectors("limiter.json")["cases"]:
    for event in case["events"]:
        if "stored_after" in event:
            add("limiter_state", le64(event["now"] + 1) + utf8(event["stored_after"]))
add("limiter_state", le64(0) + b"mfakit:rate:v1:")

if OUT.exists():
    shutil.rmtree(OUT)
for target, inputs in sorted(seeds.items()):
    (OUT / target).mkdir(parents=True)
    for i, data in enumerate(inputs):
        (OUT / target / f"{i:03d}").write_bytes(data)
    print(f"{target}: {len(inputs)} seeds")
