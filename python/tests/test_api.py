"""The Python surface: package layout, Totp/Hotp/OtpAuthUri conversions and defaults, errors,
repr redaction, hostile input, threads."""

from __future__ import annotations

import datetime
import sysconfig
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import mfakit
from mfakit import _native

RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
UTC = datetime.timezone.utc

# ---------------------------------------------------------------------------------------------
# Package


def test_imported_from_the_installed_wheel_not_the_source_tree() -> None:
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert Path(mfakit.__file__).resolve().is_relative_to(site), mfakit.__file__
    assert Path(_native.__file__ or "").name.startswith("_native")


def test_package_ships_types_and_exports() -> None:
    root = Path(mfakit.__file__).parent
    assert (root / "py.typed").exists() and (root / "_native.pyi").exists()
    assert set(mfakit.__all__) <= set(dir(mfakit))
    for name in mfakit.__all__:
        assert not name.startswith("_") or name == "__version__"
    # Native classes are exposed directly: no Python wrapper on the hot path.
    assert mfakit.Totp is _native.Totp and mfakit.Totp.__module__ == "mfakit"


def test_random_secret() -> None:
    a, b = mfakit.random_secret(), mfakit.random_secret()
    assert a != b and len(a) == 32 and set(a) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert len(mfakit.decode_secret(mfakit.random_secret(bits=256))) == 32
    with pytest.raises(mfakit.InvalidParameterError):
        mfakit.random_secret(bits=80)


# ---------------------------------------------------------------------------------------------
# Totp


def test_totp_defaults_and_properties() -> None:
    t = mfakit.Totp(RFC_SECRET)
    assert (t.digits, t.period, t.algorithm, t.issuer, t.account, t.t0) == (6, 30, "SHA1", None, None, 0)
    assert t.secret() == RFC_SECRET
    t = mfakit.Totp(RFC_SECRET.lower(), digits=8, period=60, algorithm=mfakit.Algorithm.SHA256, issuer="I", account="a")
    assert (t.digits, t.period, t.algorithm, t.issuer, t.account) == (8, 60, "SHA256", "I", "a")


def test_time_as_int_float_and_aware_datetime() -> None:
    t = mfakit.Totp(RFC_SECRET, digits=8)
    assert t.at(59) == t.at(59.9) == "94287082"
    assert t.at(datetime.datetime(1970, 1, 1, 0, 0, 59, tzinfo=UTC)) == "94287082"
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    assert t.at(datetime.datetime(1970, 1, 1, 2, 0, 59, tzinfo=plus_two)) == "94287082"
    with pytest.raises(mfakit.InvalidParameterError, match="naive"):
        t.at(datetime.datetime(2020, 1, 1))
    with pytest.raises(TypeError):
        t.at("59")  # type: ignore[arg-type]


def test_now_verifies_now() -> None:
    t = mfakit.Totp(mfakit.random_secret())
    m = t.verify(t.now())
    assert m is not None and abs(m.drift) <= 1
    assert 1 <= t.remaining() <= 30
    assert t.remaining(61) == 29


def test_verify_window_after_step_and_match_object() -> None:
    t = mfakit.Totp(RFC_SECRET)
    now = 1_700_000_000
    past = t.at(now - 60)
    assert t.verify(past, at=now) is None
    m = t.verify(past, at=now, window=2)
    assert m == mfakit.OtpMatch(t.step(now) - 2, -2) and m.drift == -2
    assert t.verify(past, at=now, window=(2, 0)) is not None
    assert t.verify(t.at(now + 30), at=now, window=(2, 0)) is None
    # Replay: the accepted step passed back as after_step refuses the same code.
    code = t.at(now)
    m = t.verify(code, at=now)
    assert m is not None and m.drift == 0
    assert t.verify(code, at=now, after_step=m.step) is None
    assert repr(m) == f"OtpMatch(step={m.step}, drift=0)" and hash(m) == hash(mfakit.OtpMatch(m.step, 0))
    # Spaces are tolerated; anything else is simply no match.
    assert t.verify(code[:3] + " " + code[3:], at=now) is not None
    for junk in ["", "12345", "1234567", "12a456", "１２３４５６", "\x00" * 6, "9" * 100_000]:
        assert t.verify(junk, at=now) is None


def test_verify_totp_is_totp_verify_in_one_call() -> None:
    now = 1_700_000_000
    t = mfakit.Totp(RFC_SECRET)
    step = t.step(now)
    assert mfakit.verify_totp(RFC_SECRET, t.now()) is not None
    assert mfakit.verify_totp(RFC_SECRET, t.at(now), at=now) == mfakit.OtpMatch(step, 0)
    assert mfakit.verify_totp(RFC_SECRET.lower(), t.at(now - 30), at=now) == mfakit.OtpMatch(step - 1, -1)
    assert mfakit.verify_totp(mfakit.decode_secret(RFC_SECRET), t.at(now), at=now) == mfakit.OtpMatch(step, 0)
    assert mfakit.verify_totp(RFC_SECRET, t.at(now - 60), at=now) is None
    assert mfakit.verify_totp(RFC_SECRET, t.at(now - 60), at=now, window=(2, 0)) == mfakit.OtpMatch(step - 2, -2)
    assert mfakit.verify_totp(RFC_SECRET, t.at(now), at=now, after_step=step) is None
    aware = datetime.datetime.fromtimestamp(now, tz=datetime.timezone.utc)
    assert mfakit.verify_totp(RFC_SECRET, t.at(now), at=aware) == mfakit.OtpMatch(step, 0)
    other = mfakit.Totp(RFC_SECRET, digits=8, period=60, algorithm="SHA512", t0=7)
    code = other.at(now)
    assert mfakit.verify_totp(RFC_SECRET, code, digits=8, period=60, algorithm="SHA512", t0=7, at=now) == other.verify(
        code, at=now
    )
    assert mfakit.verify_totp(RFC_SECRET, code, digits=8, period=60, algorithm="SHA256", t0=7, at=now) is None
    for junk in ["", "12345", "12a456", "9" * 10_000]:
        assert mfakit.verify_totp(RFC_SECRET, junk, at=now) is None
    # The errors of Totp(...) and then of verify, typed and with their codes.
    bad: list[tuple[object, dict[str, object], type[mfakit.MfaError], str]] = [
        ("JBSWY3DP!", {}, mfakit.InvalidSecretError, "invalid_secret"),
        ("", {}, mfakit.InvalidSecretError, "invalid_secret"),
        (RFC_SECRET, {"digits": 5}, mfakit.InvalidParameterError, "invalid_parameter"),
        (RFC_SECRET, {"period": 0}, mfakit.InvalidParameterError, "invalid_parameter"),
        (RFC_SECRET, {"algorithm": "MD5"}, mfakit.InvalidParameterError, "invalid_parameter"),
        (RFC_SECRET, {"window": 101}, mfakit.InvalidParameterError, "invalid_parameter"),
        (RFC_SECRET, {"after_step": -1}, mfakit.InvalidParameterError, "invalid_parameter"),
        (RFC_SECRET, {"at": -1}, mfakit.InvalidParameterError, "invalid_parameter"),
        ("JBSWY3DP!", {"window": 101}, mfakit.InvalidSecretError, "invalid_secret"),
    ]
    for secret, options, error, code_name in bad:
        with pytest.raises(error) as info:
            mfakit.verify_totp(secret, "123456", **options)  # type: ignore[arg-type]
        assert info.value.code == code_name, (secret, options)
        assert "JBSWY3DP" not in str(info.value)
    with pytest.raises(TypeError):
        mfakit.verify_totp(42, "123456")  # type: ignore[arg-type]


def test_enroll_uses_the_compatibility_profile() -> None:
    t = mfakit.Totp.enroll(issuer="Example Co", account="alice@example.com")
    assert len(mfakit.decode_secret(t.secret())) == 20
    assert t.provisioning_uri().startswith("otpauth://totp/Example%20Co:alice%40example.com?secret=")
    with pytest.raises(mfakit.IncompatibleProfileError) as info:
        mfakit.Totp.enroll(account="a", digits=8)
    assert info.value.code == "incompatible_profile" and isinstance(info.value, ValueError)
    assert mfakit.Totp.enroll(account="a", digits=8, profile=mfakit.Profile.ANY).digits == 8
    with pytest.raises(mfakit.InvalidSecretError):
        mfakit.Totp.enroll(account="a", secret="JBSWY3DPEHPK3PXP")  # 80 bits: too short to enrol
    with pytest.raises(mfakit.InvalidParameterError):
        mfakit.Totp.enroll(account="a", profile="lax")


def test_uri_round_trip_and_qr() -> None:
    t = mfakit.Totp(RFC_SECRET, digits=8, period=60, algorithm="SHA512", issuer="ACME", account="bob")
    back = mfakit.Totp.from_uri(t.provisioning_uri())
    assert (back.secret(), back.digits, back.period, back.algorithm, back.issuer, back.account) == (
        RFC_SECRET, 8, 60, "SHA512", "ACME", "bob",
    )
    svg = t.qr_svg()
    assert svg.startswith("<?xml") and "<svg" in svg
    png = t.qr_png(scale=2)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert "█" in t.qr_terminal() or "▀" in t.qr_terminal()
    assert mfakit.qr_png("hello").startswith(b"\x89PNG")
    with pytest.raises(mfakit.InvalidParameterError):
        mfakit.Totp(RFC_SECRET).provisioning_uri()  # no account
    with pytest.raises(mfakit.QrTooLargeError):
        mfakit.qr_svg("x" * 5000)
    with pytest.raises(mfakit.InvalidUriError):
        mfakit.Totp.from_uri(mfakit.Hotp(RFC_SECRET, account="a").provisioning_uri())


# ---------------------------------------------------------------------------------------------
# Hotp


def test_hotp_verify_look_ahead_and_resync() -> None:
    h = mfakit.Hotp(RFC_SECRET, account="a", counter=5)
    assert h.at(0) == "755224"
    m = h.verify(h.at(7), 3)
    assert m == mfakit.OtpMatch(7, 4)
    assert h.verify(h.at(7), 3, look_ahead=3) is None
    assert h.resync(h.at(500), h.at(501), 0) == 502
    assert h.resync(h.at(501), h.at(500), 0) is None
    back = mfakit.Hotp.from_uri(h.provisioning_uri())
    assert (back.counter, back.secret(), back.account) == (5, RFC_SECRET, "a")
    assert "counter=5" in h.provisioning_uri()


# ---------------------------------------------------------------------------------------------
# Errors


CODES = {
    "invalid_secret": "InvalidSecretError",
    "invalid_parameter": "InvalidParameterError",
    "incompatible_profile": "IncompatibleProfileError",
    "invalid_uri": "InvalidUriError",
    "invalid_stored_value": "InvalidStoredValueError",
    "unknown_key": "UnknownKeyError",
    "unseal_failed": "UnsealFailedError",
    "rate_limited": "RateLimitedError",
    "qr_too_large": "QrTooLargeError",
    "internal": "InternalError",
}
BAD_INPUT = {"invalid_secret", "invalid_parameter", "incompatible_profile", "invalid_uri", "invalid_stored_value", "qr_too_large"}


@pytest.mark.parametrize("code", sorted(CODES))
def test_one_class_per_code(code: str) -> None:
    cls = getattr(mfakit, CODES[code])
    assert issubclass(cls, mfakit.MfaError) and cls.code == code
    assert issubclass(cls, ValueError) == (code in BAD_INPUT)
    assert cls.__module__ == "mfakit"


def test_errors_carry_codes_and_never_secrets() -> None:
    secret = "GEZDGNBVGY3TQOJQ"  # valid base32, 10 bytes (the 80-bit import minimum)
    with pytest.raises(mfakit.InvalidParameterError) as info:
        mfakit.Totp(secret, digits=5)
    assert info.value.code == "invalid_parameter" and "digits" in str(info.value)
    with pytest.raises(mfakit.InvalidSecretError) as secret_info:
        mfakit.Totp("SECRET-WITH-1-IN-IT")
    assert "SECRET" not in str(secret_info.value)
    with pytest.raises(ValueError):
        mfakit.Totp(RFC_SECRET, algorithm="MD5")
    with pytest.raises(mfakit.MfaError):
        mfakit.OtpAuthUri.parse("http://example.com")


def test_rust_panic_becomes_internal_error() -> None:
    with pytest.raises(mfakit.InternalError) as info:
        _native._debug_panic()
    assert info.value.code == "internal" and "panic" in str(info.value)
    # The interpreter is fine afterwards.
    assert mfakit.Totp(RFC_SECRET, digits=8).at(59) == "94287082"


@pytest.mark.parametrize(
    "call",
    [
        lambda: mfakit.Totp(RFC_SECRET).at(-1),
        lambda: mfakit.Totp(RFC_SECRET).at(2**64),
        lambda: mfakit.Totp(RFC_SECRET).at(float("nan")),
        lambda: mfakit.Totp(RFC_SECRET).at(float("inf")),
        lambda: mfakit.Totp(RFC_SECRET).at(10**400),
        lambda: mfakit.Totp(RFC_SECRET, t0=100).at(5),
        lambda: mfakit.Totp(RFC_SECRET).verify("123456", window=-1),
        lambda: mfakit.Totp(RFC_SECRET).verify("123456", window=10**20),
        lambda: mfakit.Totp(RFC_SECRET).verify("123456", window=101),
        lambda: mfakit.Totp(RFC_SECRET).verify("123456", window=(1, -1)),
        lambda: mfakit.Totp(RFC_SECRET).verify("123456", after_step=-1),
        lambda: mfakit.Totp(RFC_SECRET, digits=10**30),
        lambda: mfakit.Totp(RFC_SECRET, digits=-6),
        lambda: mfakit.Totp(RFC_SECRET, digits=11),
        lambda: mfakit.Totp(RFC_SECRET, period=0),
        lambda: mfakit.Totp(RFC_SECRET, period=-30),
        lambda: mfakit.Totp(""),
        lambda: mfakit.Totp(b""),
        lambda: mfakit.Totp("A\x00B"),
        lambda: mfakit.Totp("A" * 10_000_000),
        lambda: mfakit.Totp(b"x" * 2000),
        lambda: mfakit.Hotp(RFC_SECRET).at(-1),
        lambda: mfakit.Hotp(RFC_SECRET).at(2**64),
        lambda: mfakit.Hotp(RFC_SECRET).verify("123456", 0, look_ahead=10**6),
        lambda: mfakit.Hotp(RFC_SECRET).resync("1", "2", 0, look_ahead=10**9),
        lambda: mfakit.OtpAuthUri.parse("otpauth://totp/a?secret=" + "A" * 100_000),
        lambda: mfakit.OtpAuthUri.parse("otpauth://totp/a?secret=AAAA\x00"),
        lambda: mfakit.Totp(RFC_SECRET, account="a").qr_png(scale=0),
    ],
)
def test_hostile_input_is_a_typed_error(call: object) -> None:
    with pytest.raises(mfakit.MfaError) as info:
        call()  # type: ignore[operator]
    assert info.value.code in CODES


def test_wrong_types_are_type_errors() -> None:
    with pytest.raises(TypeError):
        mfakit.Totp(12345)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        mfakit.Totp(RFC_SECRET).verify(123456)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        mfakit.Totp(RFC_SECRET).verify("123456", window="1")  # type: ignore[arg-type]


def test_counter_edge_does_not_overflow() -> None:
    h = mfakit.Hotp(RFC_SECRET)
    top = 2**64 - 1
    assert h.verify(h.at(top), top - 3) == mfakit.OtpMatch(top, 3)
    assert h.resync("000000", "000000", top) is None


# ---------------------------------------------------------------------------------------------
# Redaction


def test_repr_never_shows_the_secret() -> None:
    secret = mfakit.random_secret()
    raw = mfakit.decode_secret(secret)
    objects: list[object] = [
        mfakit.Totp(secret, issuer="I", account="a"),
        mfakit.Hotp(secret, account="a"),
        mfakit.OtpAuthUri(kind="totp", secret=secret, account="a"),
        mfakit.Totp.enroll(account="a", secret=secret),
    ]
    for obj in objects:
        for text in (repr(obj), str(obj)):
            assert "<redacted>" in text
            assert secret not in text and secret.lower() not in text and raw.hex() not in text
    assert repr(objects[0]) == "Totp(secret=<redacted>, digits=6, period=30, algorithm='SHA1', issuer='I', account='a')"


# ---------------------------------------------------------------------------------------------
# Threads


def test_concurrent_use_from_threads() -> None:
    t = mfakit.Totp(RFC_SECRET, digits=8)
    h = mfakit.Hotp(RFC_SECRET)
    expected_h = [h.at(i) for i in range(200)]
    barrier = threading.Barrier(8)

    def work(seed: int) -> int:
        barrier.wait()
        ok = 0
        for i in range(2000):
            time = 59 + 30 * ((seed * 2000 + i) % 1000)
            code = t.at(time)
            ok += t.verify(code, at=time, window=0) is not None
            ok += h.at(i % 200) == expected_h[i % 200]
            ok += t.verify(code, at=time, window=(100, 100)) is not None  # releases the GIL
        return ok

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(8)))
    assert results == [6000] * 8
    assert t.at(59) == "94287082"


def test_provisioning_uri_refuses_nonzero_t0() -> None:
    import mfakit

    totp = mfakit.Totp(mfakit.random_secret(), account="bob", t0=100)
    with pytest.raises(mfakit.InvalidParameterError) as info:
        totp.provisioning_uri()
    assert info.value.code == "invalid_parameter"
