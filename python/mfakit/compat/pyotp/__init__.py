"""pyotp 2.12's public API, computed by the mfakit core.

``import mfakit.compat.pyotp as pyotp`` is the only change an application makes. Arguments,
defaults, return values and exception types follow pyotp 2.12; the differences are listed in
the package README ("pyotp drop-in").
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl, urlparse

import mfakit

from . import contrib, utils
from .exceptions import OTPVerificationError, PyOTPError
from .hotp import HOTP
from .otp import OTP
from .totp import TOTP

_BASE32_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_HEX_CHARS = "ABCDEF0123456789"
# The core generates at most 8192 bits; longer secrets (never needed) come from `secrets`.
_MAX_CORE_CHARS = 1600

__all__ = [
    "HOTP",
    "OTP",
    "OTPVerificationError",
    "PyOTPError",
    "TOTP",
    "contrib",
    "parse_uri",
    "random_base32",
    "random_hex",
    "utils",
]


def random_base32(length: int = 32, chars: Sequence[str] = _BASE32_CHARS) -> str:
    """A random base32 secret of ``length`` characters (at least 32, i.e. 160 bits)."""
    if length < 32:
        raise ValueError("Secrets should be at least 160 bits")
    if chars == _BASE32_CHARS and length <= _MAX_CORE_CHARS:
        # Whole bytes from the core's CSPRNG; a prefix of random base32 is uniformly random.
        return mfakit.random_secret(bits=-(-length * 5 // 40) * 40)[:length]
    return utils._random_choice(length, chars)


def random_hex(length: int = 40, chars: Sequence[str] = _HEX_CHARS) -> str:
    """A random hex secret of ``length`` characters (at least 40, i.e. 160 bits)."""
    if length < 40:
        raise ValueError("Secrets should be at least 160 bits")
    if chars == _HEX_CHARS and length <= _MAX_CORE_CHARS:
        raw = mfakit.decode_secret(mfakit.random_secret(bits=-(-length * 4 // 40) * 40))
        return raw.hex().upper()[:length]
    return utils._random_choice(length, chars)


def parse_uri(uri: str) -> OTP:
    """The TOTP, HOTP or Steam object an otpauth:// URI describes (parsed by the core)."""
    parsed = mfakit.OtpAuthUri.parse(uri)
    # The core ignores parameters it does not know; pyotp's Steam extension is one of them.
    encoder = dict(parse_qsl(urlparse(uri).query)).get("encoder")
    name, issuer, secret = parsed.account, parsed.issuer, parsed.secret()
    if encoder == "steam":
        return contrib.Steam(secret, name=name, issuer=issuer, interval=parsed.period or 30)
    digest = utils._digest_of(parsed.algorithm)
    if parsed.kind == "totp":
        return TOTP(
            secret, digits=parsed.digits, digest=digest, name=name, issuer=issuer, interval=parsed.period or 30
        )
    return HOTP(
        secret, digits=parsed.digits, digest=digest, name=name, issuer=issuer, initial_count=parsed.counter or 0
    )
