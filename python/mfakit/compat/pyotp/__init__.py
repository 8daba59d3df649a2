"""pyotp 2.12's public API, computed by the mfakit core.

``import mfakit.compat.pyotp as pyotp`` is the only change an application makes. Arguments,
defaults, return values and exception types follow pyotp 2.12; the differences are listed in
the package README ("pyotp drop-in").
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from re import split
from typing import Any
from urllib.parse import parse_qsl, unquote, urlparse

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

_SECURITY_PARAMETERS = frozenset({"secret", "issuer", "algorithm", "encoder", "digits", "period", "counter"})
_DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}

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
    """The TOTP, HOTP or Steam object an otpauth:// URI describes, read by pyotp's rules.

    pyotp's reading, not the core's (``mfakit.OtpAuthUri.parse``), with its checks in its order
    and its messages, which apps match on: the label is split on a literal ``:`` before
    percent-decoding; a missing label means the account "Secret"; the security parameters may
    appear once each; digits 6 to 8; an HOTP URI without ``counter`` starts at 0. The secret is
    decoded, and every code computed, by the core.
    """
    parsed = urlparse(uri)
    if parsed.scheme != "otpauth":
        raise ValueError("Not an otpauth URI")

    data: dict[str, Any] = {}
    label = split(":", parsed.path[1:], maxsplit=1)
    if len(label) == 1:
        data["name"] = unquote(label[0])
    else:
        data["issuer"], data["name"] = unquote(label[0]), unquote(label[1])

    secret = encoder = digits = None
    seen: set[str] = set()
    for key, value in parse_qsl(parsed.query, keep_blank_values=True):
        if key in _SECURITY_PARAMETERS:
            if key in seen:
                raise ValueError(f"Duplicate {key} parameter")
            seen.add(key)
        if not value:
            continue
        if key == "secret":
            secret = value
        elif key == "issuer":
            if data.get("issuer") is not None and data["issuer"] != value:
                raise ValueError("If issuer is specified in both label and parameters, it should be equal.")
            data["issuer"] = value
        elif key == "algorithm":
            if value not in _DIGESTS:
                raise ValueError("Invalid value for algorithm, must be SHA1, SHA256 or SHA512")
            data["digest"] = _DIGESTS[value]
        elif key == "encoder":
            encoder = value
        elif key == "digits":
            digits = data["digits"] = int(value)
        elif key == "period":
            data["interval"] = int(value)
        elif key == "counter":
            data["initial_count"] = int(value)

    if encoder != "steam" and digits is not None and digits not in (6, 7, 8):
        raise ValueError("Digits may only be 6, 7, or 8")
    if not secret:
        raise ValueError("No secret found in URI")
    if encoder == "steam":
        return contrib.Steam(secret, **data)
    if parsed.netloc == "totp":
        return TOTP(secret, **data)
    if parsed.netloc == "hotp":
        return HOTP(secret, **data)
    raise ValueError("Not a supported OTP type")
