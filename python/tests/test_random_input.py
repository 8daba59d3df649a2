"""Random hostile input at every parsing entry point: each call returns a value or raises an
``mfakit.MfaError`` with a known code, never another exception, a crash or a hang.

Seeded, so a failure is reproducible; the seed is in the assertion message.
"""

from __future__ import annotations

import random
from typing import Callable

import pytest

import mfakit

CODES = {
    "invalid_secret", "invalid_parameter", "incompatible_profile", "invalid_uri",
    "invalid_stored_value", "unknown_key", "unseal_failed", "rate_limited", "qr_too_large",
    "internal",
}
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
ALPHABET = "AZaz27=-+ %:/?&#019\x00\u00e9\u029a\U0001f600otpauth://totp/hotpsecret=issuer=digits=period=counter=mfakit:;.,"


def random_text(rng: random.Random) -> str:
    n = rng.choice([0, 1, 6, 8, 16, 32, 64, 300, 5000])
    if rng.random() < 0.5:
        return "".join(rng.choice(ALPHABET) for _ in range(n))
    return rng.randbytes(n).decode("utf-8", errors="replace")


def random_int(rng: random.Random) -> int:
    return rng.choice([0, 1, -1, 59, 2**31, 2**32, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), 10**30,
                       rng.randrange(-(2**70), 2**70)])


def calls(rng: random.Random) -> list[Callable[[], object]]:
    text, number = random_text(rng), random_int(rng)
    totp = mfakit.Totp(RFC_SECRET)
    prefixes = ["", "otpauth://totp/a?secret=", "otpauth://hotp/i:a?counter=1&secret=", "mfakit:recovery:v1:",
                "mfakit:challenge:v1:", "mfakit:challenge:v2:", "mfakit:rate:v1:", "mfakit:attempts:v1:", "mfakit:sealed:v1:k1:"]
    prefixed = rng.choice(prefixes) + text
    key = mfakit.SealingKey(bytes(32))
    ring = mfakit.Keyring("k1", key)
    return [
        lambda: mfakit.decode_secret(text),
        lambda: mfakit.Totp(text),
        lambda: mfakit.OtpAuthUri.parse(prefixed),
        lambda: mfakit.Totp.from_uri(prefixed),
        lambda: totp.verify(text, at=number),
        lambda: totp.verify(text, at=abs(number), window=rng.choice([0, 1, 5, 101, 10**9])),
        lambda: totp.at(number),
        lambda: mfakit.Hotp(RFC_SECRET, digits=rng.choice([5, 6, 8, 10, 11, 2**40])).at(number),
        lambda: mfakit.Hotp(RFC_SECRET).verify(text, abs(number) % 2**65, look_ahead=rng.choice([0, 10, 10**6])),
        lambda: mfakit.Totp(RFC_SECRET, period=number, digits=rng.choice([6, 8, 99])).now(),
        lambda: mfakit.RecoveryCodeSet.from_stored(prefixed),
        lambda: mfakit.OtpChallenge.from_stored(prefixed),
        lambda: mfakit.RateState.from_stored(prefixed),
        lambda: mfakit.AttemptState.from_stored(prefixed),
        lambda: ring.open(prefixed, b"user"),
        lambda: mfakit.sealed_key_id(prefixed),
        lambda: mfakit.normalize_recovery_code(text),
        lambda: mfakit.mask_email(text),
        lambda: mfakit.mask_phone(text),
        lambda: mfakit.qr_svg(text),
    ]


@pytest.mark.parametrize("seed", range(40))
def test_random_hostile_input_gives_values_or_typed_errors(seed: int) -> None:
    rng = random.Random(seed)
    for round_ in range(5):
        for index, call in enumerate(calls(rng)):
            try:
                call()
            except mfakit.MfaError as err:
                assert err.code in CODES, f"seed {seed} round {round_} call {index}: {err.code}"
            except TypeError:
                # Only a wrong Python type may raise TypeError; every value above has the right type.
                pytest.fail(f"seed {seed} round {round_} call {index}: TypeError")
