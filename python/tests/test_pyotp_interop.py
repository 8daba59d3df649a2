"""mfakit against pyotp 2.12 as an oracle: thousands of random secrets, times, algorithms and
digit counts give identical codes, and URIs built on each side parse on the other."""

from __future__ import annotations

import hashlib
import random

import pyotp
import pytest

import mfakit

ALGORITHMS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}
RNG = random.Random(20260101)


def random_config() -> tuple[str, str, int, int]:
    bits = RNG.choice([128, 160, 256, 512])
    return mfakit.random_secret(bits), RNG.choice(list(ALGORITHMS)), RNG.randint(6, 10), RNG.choice([15, 30, 60, 120])


@pytest.mark.parametrize("batch", range(10))
def test_totp_codes_identical(batch: int) -> None:
    for _ in range(300):
        secret, algorithm, digits, period = random_config()
        ours = mfakit.Totp(secret, digits=digits, period=period, algorithm=algorithm)
        theirs = pyotp.TOTP(secret, digits=digits, digest=ALGORITHMS[algorithm], interval=period)
        for _ in range(3):
            when = RNG.randrange(0, 253402300800)
            code = theirs.at(when)
            assert ours.at(when) == code, (algorithm, digits, period, when)
            assert ours.verify(code, at=when, window=0) is not None
            assert theirs.verify(ours.at(when + period), for_time=when, valid_window=1)


@pytest.mark.parametrize("batch", range(5))
def test_hotp_codes_identical(batch: int) -> None:
    for _ in range(300):
        secret, algorithm, digits, _period = random_config()
        ours = mfakit.Hotp(secret, digits=digits, algorithm=algorithm)
        theirs = pyotp.HOTP(secret, digits=digits, digest=ALGORITHMS[algorithm])
        for counter in (RNG.randrange(0, 2**32), RNG.randrange(0, 2**63)):
            assert ours.at(counter) == theirs.at(counter)
            assert theirs.verify(ours.at(counter), counter)


def test_now_matches() -> None:
    secret = mfakit.random_secret()
    ours, theirs = mfakit.Totp(secret), pyotp.TOTP(secret)
    # Either side may cross a step boundary between the two calls; one of them matches.
    assert ours.verify(theirs.now()) is not None


@pytest.mark.parametrize("batch", range(4))
def test_uris_cross_parse(batch: int) -> None:
    names = ["alice@example.com", "bob smith", "ünïcödé", "a+b&c=d", "x/y", "100%"]
    issuers = [None, "Example Co", "ACME", "Bäckerei & Söhne"]
    for _ in range(100):
        secret, algorithm, digits, period = random_config()
        digits = RNG.choice([6, 7, 8])  # pyotp parses only 6 to 8 digits
        account, issuer = RNG.choice(names), RNG.choice(issuers)
        # mfakit builds, pyotp parses.
        ours = mfakit.Totp(secret, digits=digits, period=period, algorithm=algorithm, issuer=issuer, account=account)
        parsed = pyotp.parse_uri(ours.provisioning_uri())
        assert isinstance(parsed, pyotp.TOTP)
        assert (parsed.byte_secret(), parsed.digits, parsed.interval, parsed.digest().name) == (
            mfakit.decode_secret(secret), digits, period, algorithm.lower(),
        )
        assert (parsed.name, parsed.issuer) == (account, issuer)
        when = RNG.randrange(0, 2**33)
        assert parsed.at(when) == ours.at(when)
        # pyotp builds, mfakit parses.
        theirs = pyotp.TOTP(secret, digits=digits, interval=period, digest=ALGORITHMS[algorithm], issuer=issuer, name=account)
        back = mfakit.Totp.from_uri(theirs.provisioning_uri())
        assert (back.secret(), back.digits, back.period, back.algorithm, back.issuer, back.account) == (
            secret, digits, period, algorithm, issuer, account,
        )
        assert back.at(when) == theirs.at(when)
        # HOTP both ways.
        counter = RNG.randrange(0, 2**40)
        hotp_uri = mfakit.Hotp(secret, digits=digits, algorithm=algorithm, counter=counter, issuer=issuer, account=account).provisioning_uri()
        parsed_h = pyotp.parse_uri(hotp_uri)
        assert isinstance(parsed_h, pyotp.HOTP) and parsed_h.initial_count == counter
        theirs_h = pyotp.HOTP(secret, digits=digits, digest=ALGORITHMS[algorithm], initial_count=counter, issuer=issuer, name=account)
        back_h = mfakit.Hotp.from_uri(theirs_h.provisioning_uri())
        assert (back_h.counter, back_h.at(counter)) == (counter, theirs_h.at(0))
