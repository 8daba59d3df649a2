"""Every file in tests/vectors/ (the ones core/tests/vectors.rs runs), read from the repository
root; after each known answer, a tampered input must not verify."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import VECTORS, cases, tampered

import mfakit

COVERED = {
    # OTP files, below.
    "hotp.json", "totp.json", "verify.json", "config_errors.json", "base32.json", "uri.json",
    # Second factors, in test_vectors_factors.py.
    "recovery.json", "challenge.json", "limiter.json", "masking.json", "bruteforce.json", "sealed.json",
    "fuzz_regressions.json", "stepup.json",
}


def test_every_vector_file_is_covered() -> None:
    present = {p.name for p in VECTORS.glob("*.json")}
    assert present, f"no vectors under {VECTORS}"
    assert present <= COVERED, f"vector files without Python tests: {sorted(present - COVERED)}"


def totp_of(case: dict[str, Any]) -> mfakit.Totp:
    return mfakit.Totp(
        case["secret_base32"],
        digits=case["digits"],
        period=case["period"],
        algorithm=case["algorithm"],
        t0=case.get("t0", 0),
    )


@pytest.mark.parametrize("case", cases("hotp.json"))
def test_rfc4226_appendix_d(case: dict[str, Any]) -> None:
    secret = bytes.fromhex(case["secret_hex"])
    assert mfakit.encode_secret(secret) == case["secret_base32"]
    hotp = mfakit.Hotp(secret, digits=case["digits"], algorithm=case["algorithm"])
    counter, code = case["counter"], case["code"]
    assert hotp.at(counter) == code
    match = hotp.verify(code, counter, look_ahead=0)
    assert match is not None and (match.step, match.drift) == (counter, 0)
    match = hotp.verify(code, 0, look_ahead=10)
    assert match is not None and (match.step, match.drift) == (counter, counter)
    for bad in tampered(code):
        if bad != code:
            assert hotp.verify(bad, counter, look_ahead=0) is None, bad
    assert hotp.at(counter ^ 1) != code


@pytest.mark.parametrize("case", cases("totp.json"))
def test_rfc6238_appendix_b(case: dict[str, Any]) -> None:
    totp = totp_of(case)
    assert mfakit.decode_secret(case["secret_base32"]) == bytes.fromhex(case["secret_hex"])
    time, code, step = case["time"], case["code"], case["step"]
    assert totp.step(time) == step
    assert totp.at(time) == code
    assert totp.at_step(step) == code
    match = totp.verify(code, at=time, window=0)
    assert match is not None and (match.step, match.drift) == (step, 0)
    settings = {"digits": totp.digits, "period": totp.period, "algorithm": totp.algorithm, "t0": case.get("t0", 0)}
    once = mfakit.verify_totp(case["secret_base32"], code, at=time, window=0, **settings)
    assert once == mfakit.OtpMatch(step, 0)
    assert mfakit.verify_totp(bytes.fromhex(case["secret_hex"]), code, at=time, window=0, **settings) == once
    for bad in tampered(code):
        assert totp.verify(bad, at=time, window=0) is None, bad
        assert mfakit.verify_totp(case["secret_base32"], bad, at=time, window=0, **settings) is None, bad
    key = bytearray(bytes.fromhex(case["secret_hex"]))
    key[0] ^= 1
    other = mfakit.Totp(bytes(key), digits=totp.digits, algorithm=totp.algorithm)
    assert other.verify(code, at=time, window=0) is None
    assert mfakit.verify_totp(bytes(key), code, at=time, window=0, **settings) is None
    assert totp.at_step(step ^ 1) != code


@pytest.mark.parametrize("case", cases("verify.json"))
def test_verification(case: dict[str, Any]) -> None:
    totp = totp_of(case)
    got = totp.verify(
        case["code"], at=case["time"], window=(case["behind"], case["ahead"]), after_step=case["after_step"]
    )
    want = case["match"]
    if want is None:
        assert got is None
    else:
        assert got == mfakit.OtpMatch(want["step"], want["drift"])
    once = mfakit.verify_totp(
        case["secret_base32"],
        case["code"],
        algorithm=case["algorithm"],
        digits=case["digits"],
        period=case["period"],
        at=case["time"],
        window=(case["behind"], case["ahead"]),
        after_step=case["after_step"],
    )
    assert once == got


@pytest.mark.parametrize("case", cases("config_errors.json"))
def test_configuration_errors(case: dict[str, Any]) -> None:
    with pytest.raises(mfakit.MfaError) as info:
        totp_of(case)
    assert info.value.code == case["error"]
    with pytest.raises(mfakit.MfaError) as once:
        mfakit.verify_totp(
            case["secret_base32"], "123456", algorithm=case["algorithm"], digits=case["digits"], period=case["period"]
        )
    assert once.value.code == case["error"] and type(once.value) is type(info.value)


@pytest.mark.parametrize("case", cases("base32.json"))
def test_base32(case: dict[str, Any]) -> None:
    if case["error"] is not None:
        with pytest.raises(mfakit.MfaError) as info:
            mfakit.decode_secret(case["input"])
        assert info.value.code == case["error"]
        assert isinstance(info.value, ValueError)
    else:
        assert mfakit.decode_secret(case["input"]) == bytes.fromhex(case["hex"])


def check_fields(uri: mfakit.OtpAuthUri, fields: dict[str, Any]) -> None:
    assert uri.kind == fields["type"]
    assert uri.secret() == fields["secret_base32"]
    assert uri.issuer == fields["issuer"]
    assert uri.account == fields["account"]
    assert uri.algorithm == fields["algorithm"]
    assert uri.digits == fields["digits"]
    if fields["type"] == "totp":
        assert uri.period == fields["period"] and uri.counter is None
    else:
        assert uri.counter == fields["counter"] and uri.period is None


def uri_of(fields: dict[str, Any]) -> mfakit.OtpAuthUri:
    return mfakit.OtpAuthUri(
        kind=fields["type"],
        secret=fields["secret_base32"],
        account=fields["account"],
        issuer=fields["issuer"],
        algorithm=fields["algorithm"],
        digits=fields["digits"],
        period=fields.get("period", 30),
        counter=fields.get("counter", 0),
    )


def typed_of(fields: dict[str, Any]) -> mfakit.Totp | mfakit.Hotp:
    if fields["type"] == "totp":
        return mfakit.Totp(
            fields["secret_base32"], digits=fields["digits"], period=fields["period"],
            algorithm=fields["algorithm"], issuer=fields["issuer"], account=fields["account"],
        )
    return mfakit.Hotp(
        fields["secret_base32"], digits=fields["digits"], counter=fields["counter"],
        algorithm=fields["algorithm"], issuer=fields["issuer"], account=fields["account"],
    )


@pytest.mark.parametrize("case", cases("uri.json", "parse"))
def test_uri_parse(case: dict[str, Any]) -> None:
    if case.get("error"):
        with pytest.raises(mfakit.MfaError) as info:
            mfakit.OtpAuthUri.parse(case["uri"])
        assert info.value.code == case["error"]
        return
    uri = mfakit.OtpAuthUri.parse(case["uri"])
    check_fields(uri, case["expect"])
    if case.get("rebuild_error"):
        # Accepted on parse, refused on build (an empty account), from every builder.
        for build in (uri.to_uri, (uri.totp() if uri.kind == "totp" else uri.hotp()).provisioning_uri):
            with pytest.raises(mfakit.MfaError) as info:
                build()
            assert info.value.code == case["rebuild_error"]
            assert str(info.value).startswith(f"invalid parameter `{case['rebuild_field']}`")
        return
    again = mfakit.OtpAuthUri.parse(uri.to_uri())
    check_fields(again, case["expect"])
    assert again.to_uri() == uri.to_uri()
    # The typed constructors agree with the generic parser.
    if uri.kind == "totp":
        totp = mfakit.Totp.from_uri(case["uri"])
        assert (totp.secret(), totp.digits, totp.period, totp.algorithm) == (
            uri.secret(), uri.digits, uri.period, uri.algorithm,
        )
        assert (totp.issuer, totp.account) == (uri.issuer, uri.account)
    else:
        hotp = mfakit.Hotp.from_uri(case["uri"])
        assert (hotp.secret(), hotp.digits, hotp.counter, hotp.algorithm) == (
            uri.secret(), uri.digits, uri.counter, uri.algorithm,
        )


@pytest.mark.parametrize("case", cases("uri.json", "build"))
def test_uri_build(case: dict[str, Any]) -> None:
    fields = case["fields"]
    text = uri_of(fields).to_uri()
    assert text == case["uri"]
    check_fields(mfakit.OtpAuthUri.parse(text), fields)
    # The same URI from a Totp/Hotp object's provisioning_uri().
    assert typed_of(fields).provisioning_uri() == case["uri"]


@pytest.mark.parametrize("case", cases("uri.json", "build_errors"))
def test_uri_build_errors(case: dict[str, Any]) -> None:
    fields = case["fields"]
    # The same refusal from the generic builder and from a Totp/Hotp's provisioning_uri().
    for build in (uri_of(fields).to_uri, typed_of(fields).provisioning_uri):
        with pytest.raises(mfakit.MfaError) as info:
            build()
        assert info.value.code == case["error"]
        # The parameter is named in the message (Python errors carry no separate field).
        assert str(info.value).startswith(f"invalid parameter `{case['field']}`")
