"""Cases that pyotp 2.12's own test.py (``make pyotp-suite``) found the drop-in answering
differently, now checked side by side with pyotp: URI text, ``parse_uri``'s rules and
messages, ``bytes`` secrets, pyotp's ``ValueError`` messages, the order of its checks, and the
calls its tests patch (``timecode``, ``unicodedata.normalize``)."""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from collections.abc import Callable
from typing import Any
from unittest.mock import patch
from urllib.parse import urlencode

import pyotp
import pytest

import mfakit.compat.pyotp as compat
from mfakit.compat.pyotp import contrib as compat_contrib
from mfakit.compat.pyotp import utils as compat_utils

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
LOWER = "wrn3pqx5uqxqvnqrwrn3pqx5uqxqvnqr"


def outcome(make: Callable[[], Any]) -> tuple[str, Any]:
    """("ok", value) or ("error", message) for an exception that is a ValueError."""
    try:
        return "ok", make()
    except ValueError as error:
        return "error", str(error)


def same(make: Callable[[Any], Any]) -> tuple[str, Any]:
    ours, theirs = outcome(lambda: make(compat)), outcome(lambda: make(pyotp))
    assert ours == theirs
    return ours


URI_CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("TOTP", {}, {}),
    ("TOTP", {"name": "mark@percival"}, {}),
    ("TOTP", {"name": "mark@percival", "issuer": "FooCorp!"}, {}),
    ("TOTP", {"digits": 8, "interval": 60, "digest": hashlib.sha256, "name": "baco@peperina", "issuer": "FooCorp"}, {}),
    ("TOTP", {"digest": hashlib.sha512}, {"name": "n", "issuer_name": "i", "image": "https://test.net/test.png"}),
    ("TOTP", {"name": "Secret", "issuer": "Text: More Text"}, {}),  # ':' percent-encoded in the label
    ("TOTP", {"name": "a/b c", "issuer": "x/y"}, {}),  # '/' kept in the label, encoded in the query
    ("TOTP", {"name": "ünïcödé", "issuer": "Bäckerei & Söhne"}, {}),
    ("TOTP", {"issuer": ""}, {}),  # an empty issuer, written as pyotp writes it
    ("TOTP", {}, {"name": "n", "issuer_name": "i"}),
    ("HOTP", {"name": "mark@percival"}, {}),
    ("HOTP", {"name": "mark@percival", "initial_count": 12}, {}),
    ("HOTP", {"digits": 8, "digest": hashlib.sha256, "name": "baco@peperina", "issuer": "FooCorp"}, {}),
    ("HOTP", {"digits": 8, "name": "baco@peperina", "issuer": "Foo Corp", "initial_count": 10}, {}),
    ("HOTP", {"initial_count": 7}, {"initial_count": 0}),
]


@pytest.mark.parametrize("secret", [SECRET, LOWER, "S46SQCPPTCNPROMHWYBDCTBZXV", SECRET.encode()])
@pytest.mark.parametrize(("kind", "init", "call"), URI_CASES)
def test_provisioning_uri_is_pyotps_text(
    secret: str, kind: str, init: dict[str, Any], call: dict[str, Any]
) -> None:
    ours, theirs = getattr(compat, kind)(secret, **init), getattr(pyotp, kind)(secret, **init)
    uri = ours.provisioning_uri(**call)
    assert uri == theirs.provisioning_uri(**call)
    # Read back by either side: the same URI again, the same codes.
    assert compat.parse_uri(uri).provisioning_uri() == pyotp.parse_uri(uri).provisioning_uri()
    assert compat.parse_uri(uri).generate_otp(5) == theirs.generate_otp(5)


def test_build_uri_is_pyotps_text() -> None:
    for args, kwargs in [
        ((SECRET, ""), {}),
        ((LOWER, " "), {"issuer": ""}),
        ((SECRET, "a"), {"issuer": "b:c", "initial_count": 0, "algorithm": "sha512", "digits": 7, "period": 45}),
        ((SECRET, "a"), {"algorithm": "sha1", "digits": 6, "period": 30, "extra": "x y"}),
    ]:
        assert compat_utils.build_uri(*args, **kwargs) == pyotp.utils.build_uri(*args, **kwargs)


def test_bytes_secret() -> None:
    # base64.b32encode(...) gives bytes; pyotp decodes them as base32 text.
    for digest, raw in [
        (hashlib.sha1, b"12345678901234567890"),
        (hashlib.sha256, b"12345678901234567890123456789012"),
        (hashlib.sha512, b"1234567890123456789012345678901234567890123456789012345678901234"),
    ]:
        ours = compat.TOTP(base64.b32encode(raw), digits=8, digest=digest)  # type: ignore[arg-type]
        theirs = pyotp.TOTP(base64.b32encode(raw), digits=8, digest=digest)  # type: ignore[arg-type]
        assert ours.byte_secret() == raw
        for when in (59, 1111111109, 1234567890, 20000000000):
            assert ours.at(when) == theirs.at(when)
        assert ours.provisioning_uri() == theirs.provisioning_uri()
    with pytest.raises(ValueError):
        compat.HOTP("ÄÖÜ".encode() * 12)  # type: ignore[arg-type]


PARSED = [
    "otpauth://totp?algorithm=SHA1&secret=GEZDGNBVGY3TQOJQGEZDGNBV",  # no label: account "Secret"
    "otpauth://totp?algorithm=SHA1&secret=GEZDGNBVGY3TQOJQGEZDGNBV&period=60",
    "otpauth://hotp?algorithm=SHA1&secret=GEZDGNBVGY3TQOJQGEZDGNBV",  # no counter: 0
    "otpauth://hotp?algorithm=SHA1&secret=GEZDGNBVGY3TQOJQGEZDGNBV&counter=1",
    "otpauth://totp?algorithm=SHA512&secret=GEZDGNBVGY3TQOJQGEZDGNBV&image=foobar",
    "otpauth://totp/Text%3A%20More%20Text:Secret?secret=FFFFFFFAAAAAABBBBBBBCCCC&issuer=Text%3A%20More%20Text",
    "otpauth://totp/a%3Ab?secret=GEZDGNBVGY3TQOJQGEZDGNBV",
    "otpauth://totp/Big%20Corp:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBV&issuer=Big%20Corp",
    "otpauth://totp/:?secret=GEZDGNBVGY3TQOJQGEZDGNBV&issuer=",
    "otpauth://totp/?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&unknown=one&unknown=two",
    "otpauth://totp/Steam:?secret=FMXNK4QEGKVPULRTADY6JIDK5VHUBGZW&encoder=steam",
    "otpauth://totp/Steam:?secret=FMXNK4QEGKVPULRTADY6JIDK5VHUBGZW&period=15&digits=7&encoder=steam",
    "otpauth://totp/Example?" + urlencode({"secret": SECRET, "period": 120}),
]


@pytest.mark.parametrize("uri", PARSED)
def test_parse_uri_reads_as_pyotp(uri: str) -> None:
    ours, theirs = compat.parse_uri(uri), pyotp.parse_uri(uri)
    assert type(ours).__name__ == type(theirs).__name__
    fields = ("name", "issuer", "digits", "digest", "interval", "initial_count")
    assert [getattr(ours, f, None) for f in fields] == [getattr(theirs, f, None) for f in fields]
    assert [ours.generate_otp(n) for n in range(3)] == [theirs.generate_otp(n) for n in range(3)]
    if isinstance(theirs, pyotp.TOTP):
        assert ours.at(90) == theirs.at(90)  # type: ignore[attr-defined]
    assert ours.provisioning_uri() == theirs.provisioning_uri()  # type: ignore[attr-defined]


REFUSED = [
    "http://hello.com",
    "otpauth://totp",
    "otpauth://derp?secret=foo",
    "otpauth://TOTP/x?secret=" + SECRET,  # type names are case-sensitive
    "otpauth://totp/x?Secret=" + SECRET,  # so are parameter names
    "otpauth://totp?digits=-1",
    "otpauth://totp/x?digits=9&secret=" + SECRET,
    "otpauth://totp/SomeIssuer:?issuer=AnotherIssuer",
    "otpauth://totp?algorithm=aes",
    "otpauth://totp/x?algorithm=sha1&secret=" + SECRET,
    "otpauth://totp/?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&%73ecret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "otpauth://totp/?" + urlencode({"secret": SECRET, "period": 0}),
    "otpauth://totp/?" + urlencode({"secret": SECRET, "period": -1, "encoder": "steam"}),
    "otpauth://totp/Example?" + urlencode({"secret": SECRET, "period": 121}),
    "otpauth://totp/x?secret=" + SECRET[:16],  # 80 bits
] + [
    f"otpauth://{'hotp' if key == 'counter' else 'totp'}/?" + urlencode(query)
    for key, value in {
        "secret": SECRET, "issuer": "Example", "algorithm": "SHA1", "encoder": "steam",
        "digits": "6", "period": "30", "counter": "0",
    }.items()
    for first, second in ((value, value), (value, "different"), (value, ""), ("", value))
    for query in [[(key, first), (key, second)] + ([] if key == "secret" else [("secret", SECRET)])]
]


@pytest.mark.parametrize("uri", REFUSED)
def test_parse_uri_refuses_as_pyotp(uri: str) -> None:
    kind, message = same(lambda m: m.parse_uri(uri))
    assert kind == "error", message


def test_parse_uri_refuses_bad_base32() -> None:
    # pyotp's message here is binascii's; the drop-in's is the core's. Both are ValueErrors.
    for secret in ("SOME_SECRET", "wrn3pqx5uqxqvnqr"):
        for query in ({"secret": secret}, {"secret": secret, "encoder": "steam"}):
            for kind in ("totp", "hotp"):
                with pytest.raises(ValueError):
                    compat.parse_uri(f"otpauth://{kind}/Example?" + urlencode(query))


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.OTP(s="secret", digest=hashlib.md5),  # the digest is checked before the secret
        lambda m: m.OTP(s="secret", digest=hashlib.shake_128),
        lambda m: m.HOTP(SECRET, digest=hashlib.md5, digits=11),  # HOTP/TOTP: digest before digits
        lambda m: m.TOTP(SECRET, digest=hashlib.shake_128, interval=0),
        lambda m: m.OTP(SECRET, digits=11, digest=hashlib.md5),  # OTP: digits first
        lambda m: m.TOTP(SECRET, digits=5),
        lambda m: m.HOTP(SECRET, digits=-1),
        lambda m: m.TOTP(SECRET, interval=0),
        lambda m: m.TOTP(SECRET, interval=float("nan")),
        lambda m: m.contrib.Steam(SECRET, interval=121),
        lambda m: m.TOTP(""),  # empty: decodes to nothing, which is too short
        lambda m: m.TOTP(base64.b32encode(bytes(13)).decode()),
        lambda m: m.contrib.Steam("BASE32SECRET3232"),
        lambda m: m.HOTP(SECRET).at(-1),
        lambda m: m.TOTP(SECRET).verify_and_get_timecode("123456", for_time=200, valid_window=-1),
        lambda m: m.TOTP(SECRET).at(-1),
        lambda m: m.random_base32(length=31),
    ],
)
def test_same_value_error_messages(make: Callable[[Any], Any]) -> None:
    kind, _ = same(make)
    assert kind == "error"


@pytest.mark.parametrize("code", ["123456", "x" * 2000])
@pytest.mark.parametrize("kind", ["HOTP", "TOTP", "Steam"])
def test_modified_short_secret_raises_on_verify(kind: str, code: str) -> None:
    # pyotp objects are mutable; a secret set later is checked when used, whatever the code.
    def run(m: Any) -> Any:
        otp = m.contrib.Steam(SECRET) if kind == "Steam" else getattr(m, kind)(SECRET)
        otp.secret = base64.b32encode(bytes(10)).decode()
        return otp.verify(code, 0) if kind == "HOTP" else otp.verify(code, for_time=0)

    assert same(run) == ("error", "Secrets must be at least 112 bits after decoding")


def test_steam_keeps_30_seconds() -> None:
    # pyotp checks Steam's `interval` and keeps Steam Guard's 30 s.
    ours, theirs = compat_contrib.Steam(SECRET, interval=60), pyotp.contrib.Steam(SECRET, interval=60)
    assert ours.interval == theirs.interval == 30
    assert [ours.at(t) for t in (0, 30, 60)] == [theirs.at(t) for t in (0, 30, 60)]


def test_oversized_code_is_refused_before_normalising() -> None:
    oversized = "\u0301\u0323" * 32768
    hotp = compat.HOTP("ABCDEFGHABCDEFGHABCDEFGH")
    otps = [compat.TOTP("ABCDEFGHABCDEFGHABCDEFGH"), compat_contrib.Steam("ABCDEFGHABCDEFGHABCDEFGH")]
    with patch.object(unicodedata, "normalize") as normalize:
        assert not hotp.verify(oversized, 6)
        for otp in otps:
            for window in (0, 1):
                assert not otp.verify(oversized, for_time=200, valid_window=window)
                with pytest.raises(compat.OTPVerificationError):
                    otp.verify_and_get_timecode(oversized, for_time=200, valid_window=window)
        assert not compat_utils.strings_equal(oversized, "a")
        normalize.assert_not_called()


@pytest.mark.parametrize("make", [lambda: compat.TOTP(SECRET), lambda: compat_contrib.Steam(SECRET)])
def test_verification_turns_time_into_a_step_once(make: Callable[[], Any]) -> None:
    otp = make()
    code = otp.generate_otp(8)
    for verify in ("verify", "verify_and_get_timecode"):
        for candidate in (code, "invalid"):
            with patch.object(otp, "timecode", wraps=otp.timecode) as timecode:
                try:
                    result = getattr(otp, verify)(candidate, for_time=200.5, valid_window=2)
                except compat.OTPVerificationError:
                    result = None
                assert result == ({"verify": True, "verify_and_get_timecode": 8}[verify] if candidate == code
                                  else {"verify": False, "verify_and_get_timecode": None}[verify])
                timecode.assert_called_once_with(200.5)


def test_current_time_is_read_through_the_time_module() -> None:
    # pyotp's tests patch `pyotp.totp.time.time`; the drop-in reads the clock the same way.
    for otp in (compat.TOTP(SECRET), compat_contrib.Steam(SECRET)):
        with patch("mfakit.compat.pyotp.totp.time.time", return_value=1297553958):
            code = otp.at(1297553958)
            assert otp.now() == code and otp.verify(code)
            assert otp.verify_and_get_timecode(code) == 1297553958 // 30
