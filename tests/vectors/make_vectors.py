#!/usr/bin/env python3
"""Writes the OTP vector files from published facts and an independent stdlib oracle.

RFC 4226 Appendix D and RFC 6238 Appendix B codes are copied from the RFCs; the verification
and URI cases are computed here with Python's own `hmac`, independently of mfakit, so every
language's tests check mfakit against an implementation that shares no code with it.
Run it again only to add cases; the JSON files are the source of truth for the tests.
"""
import base64, hashlib, hmac, json, struct, pathlib

HERE = pathlib.Path(__file__).parent
SEEDS = {
    "SHA1": b"12345678901234567890",
    "SHA256": b"12345678901234567890123456789012",
    "SHA512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
HASH = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


def b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


def hotp(key: bytes, counter: int, digits: int, alg: str) -> str:
    mac = hmac.new(key, struct.pack(">Q", counter), HASH[alg]).digest()
    off = mac[-1] & 0x0F
    val = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(val % 10**digits).zfill(digits)


def dump(name, description, **body):
    (HERE / name).write_text(json.dumps({"description": description, **body}, indent=2) + "\n")


# RFC 4226 Appendix D.
RFC4226 = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
dump("hotp.json", "RFC 4226 Appendix D: HOTP, SHA1, 6 digits, secret ASCII '12345678901234567890'.",
     cases=[{"secret_hex": SEEDS["SHA1"].hex(), "secret_base32": b32(SEEDS["SHA1"]), "algorithm": "SHA1",
             "digits": 6, "counter": i, "code": c} for i, c in enumerate(RFC4226)])
for i, c in enumerate(RFC4226):
    assert hotp(SEEDS["SHA1"], i, 6, "SHA1") == c

# RFC 6238 Appendix B.
RFC6238 = {
    59: ("94287082", "46119246", "90693936"),
    1111111109: ("07081804", "68084774", "25091201"),
    1111111111: ("14050471", "67062674", "99943326"),
    1234567890: ("89005924", "91819424", "93441116"),
    2000000000: ("69279037", "90698825", "38618901"),
    20000000000: ("65353130", "77737706", "47863826"),
}
totp_cases = []
for t, codes in RFC6238.items():
    for alg, code in zip(("SHA1", "SHA256", "SHA512"), codes):
        assert hotp(SEEDS[alg], t // 30, 8, alg) == code
        totp_cases.append({"secret_hex": SEEDS[alg].hex(), "secret_base32": b32(SEEDS[alg]), "algorithm": alg,
                           "digits": 8, "period": 30, "t0": 0, "time": t, "step": t // 30, "code": code})
dump("totp.json", "RFC 6238 Appendix B: TOTP, 8 digits, 30 s, T0 = 0, each algorithm with its own seed.",
     cases=totp_cases)

# Verification: windows, drift, replay, malformed user input, other digit counts and periods.
KEY = bytes(range(1, 21))
NOW = 1_700_000_000
verify = []
def vcase(note, code, *, time=NOW, window=(1, 1), after_step=None, digits=6, period=30, alg="SHA1", key=KEY,
          match=None):
    verify.append({"note": note, "secret_base32": b32(key), "algorithm": alg, "digits": digits, "period": period,
                   "time": time, "code": code, "behind": window[0], "ahead": window[1], "after_step": after_step,
                   "match": match})
step = NOW // 30
c = lambda s, d=6, a="SHA1", k=KEY: hotp(k, s, d, a)
vcase("current step", c(step), match={"step": step, "drift": 0})
vcase("one step behind", c(step - 1), match={"step": step - 1, "drift": -1})
vcase("one step ahead", c(step + 1), match={"step": step + 1, "drift": 1})
vcase("two behind, window 1", c(step - 2))
vcase("two behind, window (2,0)", c(step - 2), window=(2, 0), match={"step": step - 2, "drift": -2})
vcase("one ahead, window (2,0)", c(step + 1), window=(2, 0))
vcase("window 0, current", c(step), window=(0, 0), match={"step": step, "drift": 0})
vcase("window 0, previous", c(step - 1), window=(0, 0))
vcase("replay of the accepted step", c(step), after_step=step)
vcase("earlier step after acceptance", c(step - 1), after_step=step - 1 + 0)
vcase("later step still fine", c(step + 1), after_step=step, match={"step": step + 1, "drift": 1})
vcase("spaces typed", c(step)[:3] + " " + c(step)[3:], match={"step": step, "drift": 0})
vcase("leading and trailing spaces", " " + c(step) + " ", match={"step": step, "drift": 0})
vcase("too short", c(step)[:5])
vcase("too long", c(step) + "0")
vcase("letters", "abcdef")
vcase("empty", "")
vcase("hyphen inside", c(step)[:3] + "-" + c(step)[3:])
vcase("plus sign", "+" + c(step)[1:])
vcase("full-width digits", "".join(chr(0xFF10 + int(ch)) for ch in c(step)))
vcase("NUL byte", c(step)[:3] + "\u0000" + c(step)[3:])
vcase("wrong code", str((int(c(step)) + 1) % 10**6).zfill(6) if all(
    str((int(c(step)) + 1) % 10**6).zfill(6) != c(s) for s in (step - 1, step, step + 1)) else "000000")
vcase("8 digits SHA256", c(step, 8, "SHA256", SEEDS["SHA256"]), digits=8, alg="SHA256", key=SEEDS["SHA256"],
      match={"step": step, "drift": 0})
vcase("10 digits SHA512", c(step, 10, "SHA512", SEEDS["SHA512"]), digits=10, alg="SHA512", key=SEEDS["SHA512"],
      match={"step": step, "drift": 0})
vcase("6-digit code against 8-digit config", c(step), digits=8)
vcase("period 60", c(NOW // 60), period=60, match={"step": NOW // 60, "drift": 0})
vcase("period 1", c(NOW - 1), period=1, window=(2, 2), match={"step": NOW - 1, "drift": -1})
vcase("80-bit imported secret", c(step, 6, "SHA1", KEY[:10]), key=KEY[:10], match={"step": step, "drift": 0})
dump("verify.json", "TOTP verification at a fixed time: windows (behind/ahead), drift, replay via after_step, and "
     "user input that is simply no match. `match` is null for no match. Codes computed with Python's hmac.",
     cases=verify)

# Configuration errors: a typed error with a stable code, never a panic or a silent false.
dump("config_errors.json", "Bad configuration is a typed error. `error` is the stable code every binding exposes.",
     cases=[
         {"note": "5 digits", "secret_base32": b32(KEY), "algorithm": "SHA1", "digits": 5, "period": 30, "error": "invalid_parameter"},
         {"note": "11 digits", "secret_base32": b32(KEY), "algorithm": "SHA1", "digits": 11, "period": 30, "error": "invalid_parameter"},
         {"note": "period 0", "secret_base32": b32(KEY), "algorithm": "SHA1", "digits": 6, "period": 0, "error": "invalid_parameter"},
         {"note": "unknown algorithm", "secret_base32": b32(KEY), "algorithm": "MD5", "digits": 6, "period": 30, "error": "invalid_parameter"},
         {"note": "bad base32", "secret_base32": "JBSWY3DP!", "algorithm": "SHA1", "digits": 6, "period": 30, "error": "invalid_secret"},
         {"note": "empty secret", "secret_base32": "", "algorithm": "SHA1", "digits": 6, "period": 30, "error": "invalid_secret"},
     ])

# Base32 tolerance.
b32cases = []
def bcase(note, text, hexval=None, error=None):
    b32cases.append({"note": note, "input": text, "hex": hexval, "error": error})
raw = bytes.fromhex("48656c6c6f21deadbeef")
canon = b32(raw)
bcase("canonical", canon, raw.hex())
bcase("lower case", canon.lower(), raw.hex())
bcase("spaces every 4", " ".join(canon[i:i + 4] for i in range(0, len(canon), 4)), raw.hex())
bcase("hyphens", "-".join(canon[i:i + 4] for i in range(0, len(canon), 4)), raw.hex())
bcase("with padding", base64.b32encode(raw[:7]).decode(), raw[:7].hex())
bcase("missing padding", b32(raw[:7]), raw[:7].hex())
bcase("extra padding", b32(raw[:7]) + "========", raw[:7].hex())
bcase("mixed case and spaces", "jbsw y3dp EHPK 3pxp", base64.b32decode("JBSWY3DPEHPK3PXP").hex())
bcase("RFC 6238 SHA1 seed", b32(SEEDS["SHA1"]), SEEDS["SHA1"].hex())
bcase("digit 1 is not base32", "JBSWY3DP1HPK3PXP", error="invalid_secret")
bcase("digit 0 is not base32", "JBSWY3DP0HPK3PXP", error="invalid_secret")
bcase("digit 8 is not base32", "JBSWY3DP8HPK3PXP", error="invalid_secret")
bcase("punctuation", "JBSWY3DP.EHPK3PXP", error="invalid_secret")
bcase("padding in the middle", "JBSWY3DP==EHPK3PXP", error="invalid_secret")
bcase("empty", "", error="invalid_secret")
bcase("only spaces", "   ", error="invalid_secret")
bcase("only padding", "====", error="invalid_secret")
bcase("impossible length 1", "A", error="invalid_secret")
bcase("impossible length 3", "ABC", error="invalid_secret")
bcase("impossible length 6", "ABCDEF", error="invalid_secret")
bcase("non-ASCII", "JBSWY3DPÉHPK3PXP", error="invalid_secret")
bcase("NUL byte", "JBSWY3DP\u0000HPK3PXP", error="invalid_secret")
dump("base32.json", "Base32 secret decoding: tolerant of case, spaces, hyphens and padding; anything else is "
     "error `invalid_secret`. `hex` is the decoded secret.", cases=b32cases)

# otpauth URIs: parse cases (expected fields or error) and build cases (fields -> exact text).
S = b32(SEEDS["SHA1"])
parse = []
def pcase(note, uri, rebuild_error=None, **expect):
    case = {"note": note, "uri": uri, **({"error": expect["error"]} if "error" in expect else {"expect": expect})}
    if rebuild_error:
        case["rebuild_error"], case["rebuild_field"] = rebuild_error
    parse.append(case)
def fields(kind="totp", issuer=None, account="", algorithm="SHA1", digits=6, period=30, counter=None, secret=S):
    d = {"type": kind, "secret_base32": secret, "issuer": issuer, "account": account, "algorithm": algorithm,
         "digits": digits}
    if kind == "totp":
        d["period"] = period
    else:
        d["counter"] = counter
    return d
pcase("minimal", f"otpauth://totp/alice@example.com?secret={S}", **fields(account="alice@example.com"))
pcase("issuer in label and parameter", f"otpauth://totp/Example:alice@example.com?secret={S}&issuer=Example",
      **fields(issuer="Example", account="alice@example.com"))
pcase("encoded colon and space", f"otpauth://totp/Example%20Co%3Aalice%40example.com?secret={S}&issuer=Example%20Co",
      **fields(issuer="Example Co", account="alice@example.com"))
pcase("space after colon", f"otpauth://totp/ACME:%20bob?secret={S}", **fields(issuer="ACME", account="bob"))
pcase("plus in issuer parameter is a space", f"otpauth://totp/bob?secret={S}&issuer=Big+Corp",
      **fields(issuer="Big Corp", account="bob"))
pcase("all parameters", f"otpauth://totp/ACME:bob?secret={S}&issuer=ACME&algorithm=SHA512&digits=8&period=60",
      **fields(issuer="ACME", account="bob", algorithm="SHA512", digits=8, period=60))
pcase("case-insensitive scheme, type and algorithm", f"OTPAUTH://TOTP/bob?secret={S.lower()}&algorithm=sha256",
      **fields(account="bob", algorithm="SHA256"))
pcase("hotp with counter", f"otpauth://hotp/ACME:bob?secret={S}&counter=42", **fields("hotp", "ACME", "bob", counter=42))
pcase("unknown parameter ignored", f"otpauth://totp/bob?secret={S}&image=https%3A%2F%2Fexample.com%2Fa.png",
      **fields(account="bob"))
pcase("unicode account", f"otpauth://totp/%E5%B1%B1%E7%94%B0?secret={S}", **fields(account="山田"))
pcase("padded secret", f"otpauth://totp/bob?secret={base64.b32encode(SEEDS['SHA1'][:7]).decode()}",
      **fields(account="bob", secret=b32(SEEDS["SHA1"][:7])))
# Parsing is tolerant of other generators' labels: an empty issuer is no issuer, and an empty
# account is kept as "" (the secret still works) although building such a URI is refused.
pcase("empty issuer in label is no issuer", f"otpauth://totp/:bob?secret={S}", **fields(account="bob"))
pcase("empty issuer parameter is no issuer", f"otpauth://totp/bob?secret={S}&issuer=", **fields(account="bob"))
pcase("empty account accepted, not rebuilt", f"otpauth://totp/?secret={S}",
      rebuild_error=("invalid_parameter", "account"), **fields(account=""))
pcase("issuer with empty account accepted, not rebuilt", f"otpauth://hotp/ACME:?secret={S}&issuer=ACME&counter=3",
      rebuild_error=("invalid_parameter", "account"), **fields("hotp", "ACME", "", counter=3))
pcase("blank account accepted as empty, not rebuilt", f"otpauth://totp/ACME:%20%20?secret={S}",
      rebuild_error=("invalid_parameter", "account"), **fields(issuer="ACME", account=""))
# A URI parse accepts can be too long to build again (issue 19): percent-encoding triples each
# byte of a non-ASCII or reserved character, and the issuer is written twice. Building refuses
# what parse would refuse (longer than 4096 bytes), naming the part that takes more room.
pcase("issuer too long once re-encoded, not rebuilt", "otpauth://totp/" + "\u20ac" * 228 + ":a?secret=JBSWY3DPEHPK3PXP",
      rebuild_error=("invalid_parameter", "issuer"), **fields(issuer="\u20ac" * 228, account="a", secret="JBSWY3DPEHPK3PXP"))
pcase("account too long once re-encoded, not rebuilt", "otpauth://totp/" + "!" * 1400 + "?secret=JBSWY3DPEHPK3PXP",
      rebuild_error=("invalid_parameter", "account"), **fields(account="!" * 1400, secret="JBSWY3DPEHPK3PXP"))
pcase("longest URI", "otpauth://totp/" + "a" * 4041 + f"?secret={S}", **fields(account="a" * 4041))
pcase("one byte too long", "otpauth://totp/" + "a" * 4042 + f"?secret={S}", error="invalid_uri")
pcase("wrong scheme", f"https://totp/bob?secret={S}", error="invalid_uri")
pcase("unknown type", f"otpauth://motp/bob?secret={S}", error="invalid_uri")
pcase("missing secret", "otpauth://totp/bob?issuer=ACME", error="invalid_uri")
pcase("missing query", "otpauth://totp/bob", error="invalid_uri")
pcase("bad secret", "otpauth://totp/bob?secret=not*base32", error="invalid_secret")
pcase("hotp without counter", f"otpauth://hotp/bob?secret={S}", error="invalid_uri")
pcase("issuer mismatch", f"otpauth://totp/ACME:bob?secret={S}&issuer=Other", error="invalid_uri")
pcase("digits 5", f"otpauth://totp/bob?secret={S}&digits=5", error="invalid_uri")
pcase("digits not a number", f"otpauth://totp/bob?secret={S}&digits=six", error="invalid_uri")
pcase("period 0", f"otpauth://totp/bob?secret={S}&period=0", error="invalid_uri")
pcase("negative period", f"otpauth://totp/bob?secret={S}&period=-30", error="invalid_uri")
pcase("huge counter", f"otpauth://hotp/bob?secret={S}&counter=99999999999999999999999", error="invalid_uri")
pcase("unknown algorithm", f"otpauth://totp/bob?secret={S}&algorithm=MD5", error="invalid_uri")
pcase("repeated secret", f"otpauth://totp/bob?secret={S}&secret={S}", error="invalid_uri")
pcase("invalid UTF-8 in label", f"otpauth://totp/%FF%FE?secret={S}", error="invalid_uri")
pcase("empty string", "", error="invalid_uri")
build = [
    {"note": "defaults omitted", "fields": fields(issuer="Example Co", account="alice@example.com"),
     "uri": f"otpauth://totp/Example%20Co:alice%40example.com?secret={S}&issuer=Example%20Co"},
    {"note": "no issuer", "fields": fields(account="bob"), "uri": f"otpauth://totp/bob?secret={S}"},
    {"note": "non-default parameters", "fields": fields(issuer="ACME", account="bob", algorithm="SHA256", digits=8, period=60),
     "uri": f"otpauth://totp/ACME:bob?secret={S}&issuer=ACME&algorithm=SHA256&digits=8&period=60"},
    {"note": "hotp", "fields": fields("hotp", "ACME", "bob", counter=7),
     "uri": f"otpauth://hotp/ACME:bob?secret={S}&issuer=ACME&counter=7"},
    {"note": "reserved characters encoded", "fields": fields(issuer="A&B", account="x y/z?#"),
     "uri": f"otpauth://totp/A%26B:x%20y%2Fz%3F%23?secret={S}&issuer=A%26B"},
    {"note": "longest URI built (4096 bytes)", "fields": fields(account="a" * 4041),
     "uri": "otpauth://totp/" + "a" * 4041 + f"?secret={S}"},
]
def ecase(note, field, **kw):
    return {"note": note, "fields": fields(**kw), "error": "invalid_parameter", "field": field}
build_errors = [
    ecase("colon in issuer", "issuer", issuer="A:B", account="bob"),
    ecase("colon in account without issuer", "account", account="a:b"),
    ecase("empty account", "account", issuer="ACME", account=""),
    ecase("empty account without issuer (hotp)", "account", kind="hotp", account="", counter=0),
    ecase("whitespace-only account", "account", issuer="ACME", account=" \t "),
    ecase("Unicode whitespace-only account", "account", account="\u00a0\u3000"),
    ecase("empty issuer (pass null for none)", "issuer", issuer="", account="bob"),
    ecase("whitespace-only issuer", "issuer", issuer="  ", account="bob"),
    ecase("URI one byte too long", "account", account="a" * 4042),
    ecase("percent-encoded account too long", "account", account="@" * 1400),
    ecase("percent-encoded issuer (written twice) too long", "issuer", issuer="\u00dc" * 400, account="bob"),
    ecase("long account and long issuer: the issuer takes more", "issuer", issuer="\u00dc" * 300, account="b" * 1500),
    ecase("long account and long issuer: the account takes more", "account", issuer="I" * 300, account="\u00fc" * 600),
]
dump("uri.json", "otpauth:// Key URI format. `parse`: a URI and the fields it must yield, or the error code. "
     "`build`: fields and the exact URI text mfakit produces (defaults omitted, %20 for spaces); every built URI "
     "must parse back to the same fields, and every parsed URI must build and parse back to the same text, except "
     "those with `rebuild_error`/`rebuild_field`: parsed, but building them again fails with that code for that "
     "parameter (an empty account, or a label too long once percent-encoded). `build_errors`: fields that cannot be "
     "expressed, with the error code and the parameter (`field`) it names; a URI longer than 4096 bytes, which "
     "parse refuses, is never built: the error names `issuer` when the issuer (written twice) takes more of the "
     "URI than the account, else `account`.",
     parse=parse, build=build, build_errors=build_errors)
print("vectors written")
