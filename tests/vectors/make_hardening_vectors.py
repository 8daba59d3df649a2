#!/usr/bin/env python3
"""Writes the vectors of issue 18 (hardening) with Python's stdlib as the oracle.

- challenge.json: every case in the v2 stored form, whose MAC and tag cover all fixed fields
  (recomputed here with `hmac`), plus edited copies (right code is wrong), refused v1 values
  (`stored_errors`) and resends of edited copies (`resend_errors`).
- stepup.json: step-up decisions for future verification times, case variants of operations
  and roles, and unknown operations.
- Cases appended (once) to limiter.json, recovery.json, config_errors.json, verify.json.
Run it again only to add cases; the JSON files are the source of truth for the tests.
"""
import base64, hashlib, hmac, json, pathlib

HERE = pathlib.Path(__file__).parent


def load(name):
    return json.loads((HERE / name).read_text())


def save(name, data):
    (HERE / name).write_text(json.dumps(data, indent=2) + "\n")


def b64e(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# ------------------------------------------------------------------ challenges (v2)
CODE = "042137"


def v2(key, id_, digits, expires_at, sent_at, attempts_left, used, ttl, cooldown, mac_fields=None):
    """The v2 stored form; `mac_fields` (digits, expires_at, sent_at, ttl, cooldown) are the
    values the MAC and tag were made over, when a case edits the stored ones afterwards."""
    d, e, s, t, c = mac_fields or (digits, expires_at, sent_at, ttl, cooldown)
    fixed = f"{id_}:{d}:{e}:{s}:{t}:{c}".encode()
    mac = hmac.new(key, b"mfakit:challenge:v2:code:" + fixed + b":" + CODE.encode(), hashlib.sha256).digest()
    tag = hmac.new(key, b"mfakit:challenge:v2:state:" + fixed, hashlib.sha256).digest()
    return (f"mfakit:challenge:v2:{id_}:{b64e(mac)}:{b64e(tag)}:{digits}:{expires_at}:{sent_at}:"
            f"{attempts_left}:{int(used)}:{ttl}:{cooldown}")


def from_v1(stored, key, mac_fields=None):
    f = stored.split(":")
    if f[2] == "v2":
        return stored
    id_, _mac, digits, exp, sent, left, used, ttl, cool = f[3:]
    return v2(key, id_, digits, exp, sent, left, used == "1", ttl, cool, mac_fields)


ch = load("challenge.json")
v1_example = None
for case in ch["cases"]:
    key = bytes.fromhex(case["key_hex"])
    if case["stored"].startswith("mfakit:challenge:v1:"):
        v1_example = v1_example or case["stored"]
    case["stored"] = from_v1(case["stored"], key)
    case["stored_after"] = from_v1(case["stored_after"], key)
base = ch["cases"][0]
key_hex = base["key_hex"]
key = bytes.fromhex(key_hex)
ID = "EREREREREREREREREREREQ"
genuine = (6, 1700000300, 1700000000, 300, 60)
if not any(c.get("name", "").startswith("edited") for c in ch["cases"]):
    for name, edit in [
        ("edited expires_at: the right code is wrong", dict(expires_at=1700086400)),
        ("edited ttl_secs: the right code is wrong", dict(ttl=86400)),
        ("edited resend_cooldown_secs: the right code is wrong", dict(cooldown=0)),
        ("edited sent_at: the right code is wrong", dict(sent_at=1699990000)),
    ]:
        fields = dict(digits=6, expires_at=1700000300, sent_at=1700000000, ttl=300, cooldown=60) | edit
        args = (fields["digits"], fields["expires_at"], fields["sent_at"])
        rest = (fields["ttl"], fields["cooldown"])
        ch["cases"].append({
            "name": name, "key_hex": key_hex, "input": CODE, "now": 1700000100,
            "stored": v2(key, ID, *args, 5, False, *rest, mac_fields=genuine),
            "stored_after": v2(key, ID, *args, 4, False, *rest, mac_fields=genuine),
            "result": {"verdict": "wrong", "attempts_left": 4},
        })
    ch["cases"].append({
        "name": "code longer than 64 bytes as typed is wrong", "key_hex": key_hex,
        "input": CODE + " " * 59, "now": 1700000100,
        "stored": v2(key, ID, 6, 1700000300, 1700000000, 5, False, 300, 60),
        "stored_after": v2(key, ID, 6, 1700000300, 1700000000, 4, False, 300, 60),
        "result": {"verdict": "wrong", "attempts_left": 4},
    })
    ch["cases"].append({
        "name": "64 bytes as typed still verifies", "key_hex": key_hex,
        "input": CODE + " " * 58, "now": 1700000100,
        "stored": v2(key, ID, 6, 1700000300, 1700000000, 5, False, 300, 60),
        "stored_after": v2(key, ID, 6, 1700000300, 1700000000, 5, True, 300, 60),
        "result": {"verdict": "accepted"},
    })
    ch["stored_errors"] = [
        {"note": "version 1 (MAC over id and code only) is refused", "stored": v1_example,
         "error": "invalid_stored_value"},
        {"note": "v2 without its tag", "stored": v1_example.replace(":v1:", ":v2:"),
         "error": "invalid_stored_value"},
    ]
    ch["resend_errors"] = [
        {"note": "cooldown edited to 0 inside the real cooldown (SMS pumping)", "key_hex": key_hex, "now": 1700000010,
         "stored": v2(key, ID, 6, 1700000300, 1700000000, 5, False, 300, 0, mac_fields=genuine),
         "error": "invalid_stored_value"},
        {"note": "sent_at edited back", "key_hex": key_hex, "now": 1700000010,
         "stored": v2(key, ID, 6, 1700000300, 1699990000, 5, False, 300, 60, mac_fields=genuine),
         "error": "invalid_stored_value"},
        {"note": "genuine, inside the cooldown", "key_hex": key_hex, "now": 1700000010,
         "stored": v2(key, ID, 6, 1700000300, 1700000000, 5, False, 300, 60),
         "error": "rate_limited"},
    ]
ch["description"] = (
    "mfakit email/SMS challenges, stored form v2. fixed = id:digits:expires_at:sent_at:ttl_secs:resend_cooldown_secs; "
    "mac = base64url(HMAC-SHA256(key, 'mfakit:challenge:v2:code:' || fixed || ':' || code)); "
    "tag = base64url(HMAC-SHA256(key, 'mfakit:challenge:v2:state:' || fixed)). "
    "cases: OtpChallenge.from_stored(stored).verify(key_hex bytes, input, now) gives `result` (verdict code, "
    "attempts_left for `wrong`) and a challenge whose to_stored() is `stored_after`. The right code in every case "
    "is 042137; the `edited` cases changed a fixed field after issue, so the right code is wrong. "
    "stored_errors: from_stored(stored) fails with `error`. resend_errors: from_stored(stored).resend(key, now) "
    "fails with `error` (an edited field does not match the tag).")
save("challenge.json", ch)

# ------------------------------------------------------------------ step-up
DEFAULT_CTX = {"enrolled_methods": ["totp"], "roles": [], "amr": ["pwd", "otp"], "acr": None}
NOW = 1700000000
step = []


def decide(note, op, verified_at, code, level="optional", roles=None, enrolled=None, policy=None):
    ctx = dict(DEFAULT_CTX, mfa_verified_at=verified_at)
    if roles is not None:
        ctx["roles"] = roles
    if enrolled is not None:
        ctx["enrolled_methods"] = enrolled
    step.append({"note": note, "policy": dict({"level": level}, **(policy or {})), "context": ctx,
                 "operation": op, "now": NOW, "code": code})


decide("verified a day in the future: not believed", "sign_in", NOW + 86400, "mfa_required")
decide("verified at 2^64-1: not believed", "payment", 2**64 - 1, "mfa_required")
decide("verified 300 s ahead (default skew allowance): fresh", "payment", NOW + 300, None)
decide("verified 301 s ahead: not believed", "payment", NOW + 301, "mfa_required")
decide("skew allowance set to 0: 1 s ahead is not believed", "sign_in", NOW + 1, "mfa_required",
       policy={"max_future_skew_secs": 0})
decide("`Payment` is payment (case folded): an hour old is stale", "Payment", NOW - 3600, "mfa_stale")
decide("`PAYMENT` is payment", " PAYMENT ", NOW - 3600, "mfa_stale")
decide("payment within 5 minutes", "payment", NOW - 300, None)
decide("unknown operation fails closed (max age 0)", "export_data", NOW - 1, "mfa_stale")
decide("unknown operation verified this second", "export_data", NOW, None)
decide("unknown operation with a policy default", "export_data", NOW - 600, None,
       policy={"unknown_operation_max_age": 3600})
decide("custom operation listed in max_age, other case", "Export_Data", NOW - 30, None,
       policy={"max_age": {"export_data": 60}})
decide("custom operation listed in max_age, too old", "export_data", NOW - 61, "mfa_stale",
       policy={"max_age": {"EXPORT_DATA": 60}})
decide("sign_in is built in: no freshness", "sign_in", NOW - 86400 * 30, None)
decide("admin_only, role `Admin`, nothing enrolled: must set up", "sign_in", None, "mfa_setup_required",
       level="admin_only", roles=["Admin"], enrolled=[])
decide("admin_only, role ` ADMIN `, nothing enrolled: must set up", "sign_in", None, "mfa_setup_required",
       level="admin_only", roles=[" ADMIN "], enrolled=[])
decide("admin_only, role `user`, nothing enrolled: allowed", "sign_in", None, None,
       level="admin_only", roles=["user"], enrolled=[])
save("stepup.json", {
    "description": (
        "Step-up decisions (issue 18). StepUp(policy).decide(context, OperationClass.from_name(operation), now): "
        "`code` is the refusal code, null when allowed. `policy` gives only the fields that differ from "
        "StepUpPolicy's defaults (level optional, admin role `admin`, max_age 300 s for password_change, disable_mfa "
        "and payment, unknown_operation_max_age 0, max_future_skew_secs 300). Operation and role names compare "
        "trimmed and case-insensitively; a verification more than max_future_skew_secs after now is mfa_required; an "
        "operation neither built in nor in max_age gets unknown_operation_max_age."),
    "cases": step,
})

# ------------------------------------------------------------------ appended cases


def append(name, cases, marker):
    data = load(name)
    if not any(c.get(marker[0]) == marker[1] for c in data["cases"]):
        data["cases"].extend(cases)
        save(name, data)


T = 1700000000
lock_policy = {"free_failures": 3, "base_delay_secs": 1, "max_delay_secs": 900, "lockout_after": 10,
               "lockout_secs": 3600}

# Attempt limiter: a failure recorded with an older clock does not rewind the lockout.
P = {"backoff_base_secs": 1, "backoff_cap_secs": 900, "backoff_factor": 2, "lockout_after": 3, "lockout_secs": 3600}
rewind = {"kind": "attempts", "note": "a failure with an older now keeps the newest last_failure_at", "policy": P, "events": [
    {"action": "failure", "now": T, "allowed": False, "locked": False, "remaining": 2, "retry_after": 1,
     "stored_after": f"mfakit:attempts:v1:1:{T}"},
    {"action": "failure", "now": T + 1, "allowed": False, "locked": False, "remaining": 1, "retry_after": 2,
     "stored_after": f"mfakit:attempts:v1:2:{T + 1}"},
    {"action": "failure", "now": T + 3, "allowed": False, "locked": True, "remaining": 0, "retry_after": 3600,
     "stored_after": f"mfakit:attempts:v1:3:{T + 3}"},
    {"action": "failure", "now": T + 3 - 86400, "allowed": False, "locked": True, "remaining": 0,
     "retry_after": 3600 + 86400, "stored_after": f"mfakit:attempts:v1:4:{T + 3}"},
    {"action": "check", "now": T + 4, "allowed": False, "locked": True, "remaining": 0, "retry_after": 3599},
]}
append("limiter.json", [rewind], ("note", rewind["note"]))

# Recovery sets: hostile costs are refused on parsing; over-long input is a wrong code.
hostile = [
    ("m above 256 MiB", "m=262145,t=1,p=1"),
    ("1 GiB, t=16, p=16 (the reported hostile set)", "m=1048576,t=16,p=16"),
    ("t above 10", "m=64,t=11,p=1"),
    ("m*t above 1048576", "m=262144,t=5,p=1"),
    ("p above 16", "m=256,t=1,p=17"),
]
append("recovery.json", [
    {"kind": "parse", "note": n, "stored": f"mfakit:recovery:v1:argon2id:{p}:", "error": "invalid_stored_value"}
    for n, p in hostile
], ("note", hostile[0][0]))
rec = load("recovery.json")
check = next(c for c in rec["cases"] if c["kind"] == "check" and c["accepted"])
append("recovery.json", [
    {"kind": "check", "name": "a right code padded past 64 bytes is wrong", "input": check["input"] + " " * (65 - len(check["input"])),
     "stored": check["stored"], "stored_after": check["stored"], "accepted": False,
     "remaining": check["remaining"] + 1},
    {"kind": "check", "name": "a right code padded to 64 bytes is right", "input": check["input"] + " " * (64 - len(check["input"])),
     "stored": check["stored"], "stored_after": check["stored_after"], "accepted": True,
     "remaining": check["remaining"]},
], ("name", "a right code padded past 64 bytes is wrong"))

# Secrets below 80 bits are refused on import (invalid_secret).
append("config_errors.json", [
    {"note": "8-bit secret (below the 80-bit import minimum)", "secret_base32": "AA", "algorithm": "SHA1",
     "digits": 6, "period": 30, "error": "invalid_secret"},
    {"note": "72-bit secret", "secret_base32": base64.b32encode(b"\x01" * 9).decode().rstrip("="), "algorithm": "SHA1",
     "digits": 6, "period": 30, "error": "invalid_secret"},
], ("note", "8-bit secret (below the 80-bit import minimum)"))

def totp80(t):
    import struct
    mac = hmac.new(b"1234567890", struct.pack(">Q", t // 30), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return str((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 10**6).zfill(6)


# A right TOTP code padded past 64 bytes is no match.
ver = load("verify.json")
first = ver["cases"][0]
append("verify.json", [
    dict(first, note="right code padded past 64 bytes", code=first["code"] + " " * 59, match=None),
    dict(first, note="right code padded to 64 bytes", code=first["code"] + " " * 58),
    dict(first, note="80-bit secret still imports and verifies",
         secret_base32=base64.b32encode(b"1234567890").decode(),
         code=totp80(first["time"])),
], ("note", "right code padded past 64 bytes"))
