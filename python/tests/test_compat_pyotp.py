"""`mfakit.compat.pyotp` against pyotp 2.12 itself: same names, signatures, codes, return values
and exception types; the documented differences are pinned down at the end."""

from __future__ import annotations

import datetime
import hashlib
import inspect
import random
from collections.abc import Callable
from typing import Any

import pyotp
import pytest

import mfakit
import mfakit.compat.pyotp as compat
from mfakit.compat.pyotp import contrib as compat_contrib
from mfakit.compat.pyotp import utils as compat_utils

RNG = random.Random(42)
DIGESTS = [hashlib.sha1, hashlib.sha256, hashlib.sha512]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

PUBLIC = ["TOTP", "HOTP", "OTP", "random_base32", "random_hex", "parse_uri", "PyOTPError", "OTPVerificationError"]


def params(obj: Callable[..., Any]) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(obj).parameters.values()]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_names_and_signatures(name: str) -> None:
    ours, theirs = getattr(compat, name), getattr(pyotp, name)
    if isinstance(theirs, type) and issubclass(theirs, BaseException):
        assert issubclass(ours, Exception)
        return
    if isinstance(theirs, type):
        for attr, member in vars(theirs).items():
            if callable(member) and not attr.startswith("_") or attr == "__init__":
                assert params(getattr(ours, attr)) == params(getattr(theirs, attr)), f"{name}.{attr}"
    else:
        assert params(ours) == params(theirs)


def test_module_layout() -> None:
    from mfakit.compat.pyotp.contrib.steam import Steam
    from mfakit.compat.pyotp.exceptions import OTPVerificationError
    from mfakit.compat.pyotp.hotp import HOTP
    from mfakit.compat.pyotp.otp import OTP
    from mfakit.compat.pyotp.totp import TOTP

    assert issubclass(TOTP, OTP) and issubclass(HOTP, OTP) and issubclass(Steam, TOTP)
    assert issubclass(OTPVerificationError, compat.PyOTPError)
    assert params(compat_contrib.Steam.__init__) == params(pyotp.contrib.Steam.__init__)
    assert params(compat_utils.strings_equal) == params(pyotp.utils.strings_equal)
    assert params(compat_utils.build_uri) == params(pyotp.utils.build_uri)


def both(secret: str, **kwargs: Any) -> tuple[Any, Any]:
    return compat.TOTP(secret, **kwargs), pyotp.TOTP(secret, **kwargs)


@pytest.mark.parametrize("batch", range(4))
def test_totp_same_answers(batch: int) -> None:
    for _ in range(150):
        secret = compat.random_base32()
        kwargs = {"digits": RNG.randint(6, 10), "digest": RNG.choice(DIGESTS), "interval": RNG.choice([1, 30, 60, 120])}
        ours, theirs = both(secret, **kwargs)
        when = RNG.randrange(0, 253402300800)
        offset = RNG.randint(-3, 3)
        assert ours.at(when, counter_offset=offset) == theirs.at(when, counter_offset=offset)
        assert ours.timecode(when) == theirs.timecode(when)
        assert ours.byte_secret() == theirs.byte_secret()
        code = theirs.at(when + kwargs["interval"])
        for window in (0, 1, 2):
            assert ours.verify(code, for_time=when, valid_window=window) == theirs.verify(
                code, for_time=when, valid_window=window
            )
        assert ours.verify_and_get_timecode(code, for_time=when, valid_window=1) == theirs.verify_and_get_timecode(
            code, for_time=when, valid_window=1
        )
        assert ours.verify(int(code), for_time=when + kwargs["interval"]) == theirs.verify(
            int(code), for_time=when + kwargs["interval"]
        )  # type: ignore[arg-type]
        assert ours.now() == theirs.now() or ours.now() == theirs.now()


def test_totp_time_forms() -> None:
    ours, theirs = both(SECRET)
    aware = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)
    naive = datetime.datetime(2024, 5, 6, 7, 8, 9)  # local time, as pyotp reads it
    for when in (aware, naive, 1234567890.75, 0):
        assert ours.at(when) == theirs.at(when)
        assert ours.timecode(when) == theirs.timecode(when)
    for bad in (-1, 253402300800, datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)):
        with pytest.raises(ValueError):
            theirs.at(bad)
        with pytest.raises(ValueError):
            ours.at(bad)


def test_verify_edge_answers() -> None:
    ours, theirs = both(SECRET)
    when = 1_700_000_000
    code = theirs.at(when)
    fullwidth = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for candidate in [code, fullwidth, code + "0", "", "x" * 2000, code * 200]:
        for window in (-1, 0, 1):
            assert ours.verify(candidate, for_time=when, valid_window=window) == theirs.verify(
                candidate, for_time=when, valid_window=window
            ), (candidate[:20], window)
    with pytest.raises(compat.OTPVerificationError):
        ours.verify_and_get_timecode("000000" if code != "000000" else "111111", for_time=when)
    with pytest.raises(ValueError):
        ours.verify_and_get_timecode(code, for_time=when, valid_window=-1)


@pytest.mark.parametrize("batch", range(2))
def test_hotp_same_answers(batch: int) -> None:
    for _ in range(200):
        secret = compat.random_base32()
        kwargs = {"digits": RNG.randint(6, 10), "digest": RNG.choice(DIGESTS), "initial_count": RNG.randrange(0, 2**32)}
        ours, theirs = compat.HOTP(secret, **kwargs), pyotp.HOTP(secret, **kwargs)
        count = RNG.randrange(0, 2**32)
        assert ours.at(count) == theirs.at(count)
        assert ours.generate_otp(count) == theirs.generate_otp(count)
        code = theirs.at(count)
        assert ours.verify(code, count) and not ours.verify(code, count + 1)
        assert ours.verify(code, count + 1) == theirs.verify(code, count + 1)


def test_steam_same_codes() -> None:
    for _ in range(200):
        secret = compat.random_base32()
        ours, theirs = compat_contrib.Steam(secret), pyotp.contrib.Steam(secret)
        when = RNG.randrange(0, 2**34)
        code = theirs.at(when)
        assert ours.at(when) == code and len(code) == 5
        assert ours.verify(code, for_time=when) and ours.verify(code, for_time=when + 30, valid_window=1)
        assert not ours.verify("22222" if code != "22222" else "33333", for_time=when)


def test_provisioning_uris_parse_on_both_sides() -> None:
    for digest in DIGESTS:
        ours = compat.TOTP(SECRET, digits=8, digest=digest, name="alice@example.com", issuer="Example Co", interval=60)
        theirs = pyotp.parse_uri(ours.provisioning_uri())
        assert isinstance(theirs, pyotp.TOTP) and theirs.at(1e9) == ours.at(1e9)
        assert (theirs.name, theirs.issuer, theirs.interval) == ("alice@example.com", "Example Co", 60)
        back = compat.parse_uri(pyotp.TOTP(SECRET, digest=digest, name="x", issuer="Y").provisioning_uri())
        assert isinstance(back, compat.TOTP) and back.at(1e9) == pyotp.TOTP(SECRET, digest=digest).at(1e9)
        assert (back.name, back.issuer, back.digest) == ("x", "Y", digest)
    hotp_uri = compat.HOTP(SECRET, initial_count=7, name="n").provisioning_uri(issuer_name="I")
    parsed = pyotp.parse_uri(hotp_uri)
    assert isinstance(parsed, pyotp.HOTP) and parsed.initial_count == 7 and parsed.issuer == "I"
    back_h = compat.parse_uri(pyotp.HOTP(SECRET, initial_count=9).provisioning_uri(name="n"))
    assert isinstance(back_h, compat.HOTP) and back_h.initial_count == 9 and back_h.at(0) == pyotp.HOTP(SECRET).at(9)
    steam_uri = "otpauth://totp/Steam:me?secret=" + SECRET + "&issuer=Steam&encoder=steam"
    steam = compat.parse_uri(steam_uri)
    assert isinstance(steam, compat_contrib.Steam) and steam.at(1e9) == pyotp.parse_uri(steam_uri).at(1e9)
    # Extra parameters are passed through and checked as pyotp checks them.
    uri = compat.TOTP(SECRET).provisioning_uri(name="a", image="https://example.com/logo.png")
    assert uri.endswith("&image=https%3A%2F%2Fexample.com%2Flogo.png")
    with pytest.raises(ValueError):
        compat.TOTP(SECRET).provisioning_uri(name="a", image="http://x")
    with pytest.raises(TypeError):
        compat.TOTP(SECRET).provisioning_uri(name="a", image=1)


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.TOTP("JBSWY3DPEHPK3PXP"),  # 80 bits: pyotp 2.12 wants 112
        lambda m: m.TOTP("not base32!"),
        lambda m: m.TOTP(SECRET, digits=5),
        lambda m: m.TOTP(SECRET, digits=11),
        lambda m: m.TOTP(SECRET, interval=0),
        lambda m: m.TOTP(SECRET, interval=121),
        lambda m: m.TOTP(SECRET, digest=hashlib.md5),
        lambda m: m.HOTP(SECRET).at(-1),
        lambda m: m.random_base32(length=16),
        lambda m: m.random_hex(length=39),
        lambda m: m.parse_uri("http://totp/x?secret=" + SECRET),
        lambda m: m.parse_uri("otpauth://totp/x"),
        lambda m: m.parse_uri("otpauth://totp/x?secret=" + SECRET + "&algorithm=MD5"),
        lambda m: m.parse_uri("otpauth://totp/x?secret=" + SECRET + "&secret=" + SECRET),
        lambda m: m.parse_uri("otpauth://totp/A:x?secret=" + SECRET + "&issuer=B"),
    ],
)
def test_same_exceptions(make: Callable[[Any], Any]) -> None:
    with pytest.raises(ValueError):
        make(pyotp)
    with pytest.raises(ValueError):
        make(compat)


def test_random_secrets() -> None:
    for length in (32, 40, 64, 103):
        s = compat.random_base32(length)
        assert len(s) == length and set(s) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        h = compat.random_hex(length + 8)
        assert len(h) == length + 8 and set(h) <= set("ABCDEF0123456789")
    assert set(compat.random_base32(40, chars="AB")) <= {"A", "B"}
    assert len({compat.random_base32() for _ in range(100)}) == 100


def test_strings_equal() -> None:
    for a, b in [("123456", "123456"), ("123456", "123457"), ("１２３", "123"), ("a" * 1025, "a" * 1025), ("", "")]:
        assert compat_utils.strings_equal(a, b) == pyotp.utils.strings_equal(a, b)


# Documented differences (python/README.md, "pyotp drop-in").


def test_difference_only_rfc_digests() -> None:
    pyotp.TOTP(SECRET, digest=hashlib.sha224).now()
    with pytest.raises(mfakit.InvalidParameterError):
        compat.TOTP(SECRET, digest=hashlib.sha224)


def test_difference_tolerant_input() -> None:
    ours, theirs = both(SECRET)
    code = theirs.at(1e9)
    spaced = code[:3] + " " + code[3:]
    assert ours.verify(spaced, for_time=1e9) and not theirs.verify(spaced, for_time=1e9)
    compat.TOTP("jbsw y3dp-ehpk 3pxp jbsw y3dp ehpk 3pxp").now()  # pyotp: binascii.Error
    with pytest.raises(ValueError):
        pyotp.TOTP("jbsw y3dp-ehpk 3pxp jbsw y3dp ehpk 3pxp").now()


def test_difference_window_limit() -> None:
    with pytest.raises(mfakit.InvalidParameterError):
        compat.TOTP(SECRET).verify("123456", valid_window=101)


def test_difference_steam_window_limit() -> None:
    # Steam codes are checked in Python (the core has no Steam format), with the core's bound.
    steam = compat_contrib.Steam(SECRET)
    assert steam.verify(steam.at(1e9), for_time=1e9, valid_window=100)
    with pytest.raises(mfakit.InvalidParameterError):
        steam.verify("22222", for_time=1e9, valid_window=101)


def test_difference_window_before_epoch() -> None:
    # pyotp computes the code of step -1 and raises; the drop-in has no codes before step 0.
    ours, theirs = both(SECRET)
    with pytest.raises(ValueError):
        theirs.verify(theirs.at(0), for_time=0, valid_window=1)
    assert ours.verify(theirs.at(0), for_time=0, valid_window=1)
    assert ours.verify_and_get_timecode(theirs.at(0), for_time=0, valid_window=1) == 0


def test_difference_tolerant_secret_in_uri() -> None:
    # A secret only the drop-in reads (pyotp refuses it) goes into URIs in canonical form.
    uri = compat.TOTP("jbsw y3dp-ehpk 3pxp jbsw y3dp ehpk 3pxp").provisioning_uri()
    assert uri == "otpauth://totp/Secret?secret=" + SECRET
